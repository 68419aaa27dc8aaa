"""The kinds of notification, registered by the apps that send them.

A notification row keeps its kind and parameters, never rendered text, so that it reads in the
recipient's language when shown or mailed, even if that language changes later.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise

from karvan.core.text import localize, text_direction

# Hebrew, Arabic and Persian letters, with their presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True)
class NotificationKind:
    code: str
    title: str | Promise  # lazily translated, with %(name)s placeholders
    body: str | Promise = ""


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    _KINDS[kind.code] = kind


def get_kind(code: str) -> NotificationKind:
    return _KINDS[code]


def render_params(params: Mapping[str, object], language: str) -> dict[str, str]:
    """Parameters as text in a language; multilingual values (dicts) pick their version."""
    rendered = {}
    for name, value in params.items():
        text = localize(value, language)[0] if isinstance(value, dict) else str(value)
        rendered[name] = _isolated(text, language)
    return rendered


def _isolated(text: str, language: str) -> str:
    """Right-to-left text inside a left-to-right sentence, isolated (U+2068…U+2069).

    Without the isolate, the bidirectional algorithm pulls the digits and punctuation around a
    Persian title into it, so "…对“پسته، برداشت ۱۴۰۴”有…" shows its year at the wrong end.
    """
    if text_direction(language) == "ltr" and _RIGHT_TO_LEFT.search(text):
        return f"\u2068{text}\u2069"
    return text
