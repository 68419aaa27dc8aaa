"""Text that users write in one or more languages, and how a viewer gets the right version.

User content is stored as written, keyed by the language it was written in; nothing here
translates. `localize` picks the version a viewer sees; templates render it in its own
`lang` and `dir` with the `multilingual` tag.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CONTENT_LANGUAGES: tuple[str, ...] = ("fa", "zh-hans", "ar", "en")
RTL_LANGUAGES: frozenset[str] = frozenset({"fa", "ar", "he", "ur", "ps", "ckb"})


def text_direction(language: str) -> str:
    """Return "rtl" or "ltr" for a language code."""
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


def localize(versions: Mapping[str, str], language: str, *, original: str = "") -> tuple[str, str]:
    """Pick the version to show a viewer, and the language it is in (for lang and dir)."""
    for code in (language, language.split("-")[0], original, "en", *versions):
        if code and versions.get(code):
            return versions[code], code
    return "", original or language


def clean_versions(versions: Mapping[str, str]) -> dict[str, str]:
    """Strip each version and drop the empty ones."""
    return {code: text.strip() for code, text in versions.items() if text and text.strip()}


def validate_versions(value: object) -> None:
    """Reject anything that is not a mapping of a content language to text."""
    if not isinstance(value, dict):
        raise ValidationError(_("Expected texts keyed by language."), code="invalid")
    for code, text in value.items():
        if code not in CONTENT_LANGUAGES:
            raise ValidationError(
                _("Unsupported language: %(code)s."), code="language", params={"code": code}
            )
        if not isinstance(text, str):
            raise ValidationError(_("Expected text."), code="invalid")


class MultilingualTextField(models.JSONField):
    """A text kept in several languages: one JSON object of language code to text."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # JSONField's own kwargs
        self.validators.append(validate_versions)

    def deconstruct(self) -> tuple[str, str, Sequence[object], dict[str, object]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "karvan.core.text.MultilingualTextField", args, kwargs
