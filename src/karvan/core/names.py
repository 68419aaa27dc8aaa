"""One rule for people's names: the name a reader can read.

A person gives a name in Latin letters and, optionally, one in their own script. A reader whose
language is written in that script (Persian and Arabic: the Arabic script; Chinese: Han) sees the
native name; every other reader sees the Latin one, which they can read and type. Organisations'
names follow the same rule through their versions per language (`core.text.localize`). Pages,
notifications, e-mails, threads and PDFs all ask here (through `User.display_name`), so a name
never reads differently from one place to the next.
"""

import unicodedata

from django.utils import translation

#: The script each interface language is written in.
LANGUAGE_SCRIPTS = {"fa": "arabic", "ar": "arabic", "zh-hans": "han", "zh": "han", "en": "latin"}


def script_of(text: str) -> str:
    """The script most of a text's letters are written in: arabic, han, latin or other."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            script = "arabic"
        elif name.startswith("CJK"):
            script = "han"
        elif name.startswith("LATIN"):
            script = "latin"
        else:
            script = "other"
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "other"


def name_for_reader(latin: str, native: str, language: str | None = None) -> str:
    """The native name for a reader of its script, else the Latin one (else whatever exists)."""
    language = language or translation.get_language() or "en"
    latin, native = latin.strip(), native.strip()
    if native and script_of(native) == LANGUAGE_SCRIPTS.get(language, "latin"):
        return native
    return latin or native


def name_versions(latin: str, native: str) -> dict[str, str]:
    """The name for a reader of each interface language: what notifications store, so each
    recipient reads it by the same rule (`notifications.kinds.render_params` picks the version)."""
    return {language: name_for_reader(latin, native, language) for language in LANGUAGE_SCRIPTS}
