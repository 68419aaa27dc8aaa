"""What a new web worker loads before it takes requests, so that nobody waits for it.

A worker's first pages used to take 2–4 s while it read the URL patterns, compiled each template
it met, read each language's messages and loaded the matching vocabulary and model; gunicorn
recycles each worker now and then (after about ten thousand requests, a thousand at the time), so
under steady traffic that happened every few minutes. `karvan serve` runs `warm_process` as each
worker starts (`karvan.gunicorn_config`).
"""

from pathlib import Path
from typing import cast

from django.conf import settings
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

PACKAGE = Path(__file__).resolve().parent
TEMPLATE_SUFFIXES = (".html", ".txt")


def karvan_template_names() -> list[str]:
    """The names of Karvan's own templates (not Django's admin ones), as pages load them."""
    configured = cast(list[str], settings.TEMPLATES[0]["DIRS"])
    directories = [Path(directory) for directory in configured]
    directories += [Path(directory) for directory in get_app_template_dirs("templates")]
    names = {
        path.relative_to(directory).as_posix()
        for directory in directories
        if directory.resolve().is_relative_to(PACKAGE)
        for path in directory.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES
    }
    return sorted(names)


def warm_process() -> None:
    """Read the URL patterns, compile Karvan's templates into the template cache, read every
    language's messages and load the matching vocabulary and model."""
    from karvan.matching.index_cache import warm as warm_matching

    get_resolver().url_patterns  # noqa: B018  # read once, here
    engine = engines["django"]
    for name in karvan_template_names():
        engine.get_template(name)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Karvan")
    warm_matching()
