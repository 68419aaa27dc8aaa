"""Every message Django's validators and form fields can show a member exists in fa, zh-hans and
ar: from Django's own catalogues, or from Karvan's where Django's lag behind its source."""

import ast
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

SOURCES = [
    "contrib/auth/password_validation.py",
    "core/validators.py",
    "forms/fields.py",
    "forms/models.py",
    "forms/formsets.py",
]


def _messages() -> tuple[set[str], set[tuple[str, str]]]:
    """The gettext and ngettext literals of Django's validators and form fields, read from the
    installed Django's source (a new Django version's new messages are found too)."""
    base = Path(django.__file__).parent
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for source in SOURCES:
        for node in ast.walk(ast.parse((base / source).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if name in {"_", "gettext", "gettext_lazy"} and literals:
                singular.add(literals[0])
            elif name in {"ngettext", "ngettext_lazy"} and len(literals) >= 2:
                plural.add((literals[0], literals[1]))
    return singular, plural


def test_the_messages_were_found():
    singular, plural = _messages()
    assert "This password is too common." in singular
    assert any(one.startswith("This password is too short") for one, _many in plural)


@pytest.mark.parametrize("language", ["fa", "zh-hans", "ar"])
def test_django_validator_messages_are_translated(language):
    singular, plural = _messages()
    with translation.override(language):
        missing = [m for m in singular if re.search("[a-z]{3}", m) and translation.gettext(m) == m]
        missing += [
            one
            for one, many in plural
            if translation.ngettext(one, many, 1) == one
            or translation.ngettext(one, many, 5) == many
        ]
    assert sorted(missing) == []
