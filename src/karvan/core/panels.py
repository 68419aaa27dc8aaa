"""Blocks that the apps above an app add to one of its pages.

The organisation's page belongs to the directory, yet shows the organisation's opportunities and
the partners matched to them, whose data the directory must not import (opportunities and
matching import the directory). Those apps register a `Panel` for the page from their
`AppConfig.ready()`; the page's view renders what `render_panels` returns, in `order`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    page: str  # "<app>.<page>", the page that shows it: "directory.organisation"
    key: str
    template: str
    # The template's context for this request and the page's subject; None shows nothing.
    context: Callable[[HttpRequest, object], Mapping[str, object] | None]
    order: int = 100


_PANELS: dict[str, dict[str, Panel]] = {}


def register_panel(panel: Panel) -> None:
    """Add a panel to its page (registering the same page and key again replaces it)."""
    _PANELS.setdefault(panel.page, {})[panel.key] = panel


def render_panels(page: str, *, request: HttpRequest, subject: object) -> list[SafeString]:
    """The page's panels that have something to show, rendered, in their order."""
    rendered = []
    for panel in sorted(_PANELS.get(page, {}).values(), key=lambda panel: panel.order):
        context = panel.context(request, subject)
        if context is not None:
            rendered.append(render_to_string(panel.template, dict(context), request=request))
    return rendered
