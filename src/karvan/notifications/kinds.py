"""The kinds of notification, registered by the apps that send them.

A notification row keeps its kind and parameters, never rendered text, so that it reads in the
recipient's language when shown or mailed, even if that language changes later.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise

from karvan.core.text import localize


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
        if isinstance(value, dict):
            rendered[name] = localize(value, language)[0]
        else:
            rendered[name] = str(value)
    return rendered
