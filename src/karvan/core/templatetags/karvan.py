"""Template helpers for multilingual content, the viewer's calendar and localised digits."""

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from django import template
from django.forms import BoundField
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from karvan.core.calendars import format_date, format_datetime, localize_digits
from karvan.core.countries import babel_locale
from karvan.core.countries import country_name as _country_name
from karvan.core.text import localize, text_direction

register = template.Library()

_LANGUAGE_NAMES = {
    "fa": translation.gettext_lazy("Persian"),
    "zh-hans": translation.gettext_lazy("Chinese (simplified)"),
    "ar": translation.gettext_lazy("Arabic"),
    "en": translation.gettext_lazy("English"),
}


def _viewer_language() -> str:
    return translation.get_language() or "en"


@register.simple_tag
def multilingual(
    versions: Mapping[str, str] | None, original: str = "", mark: bool = False
) -> SafeString:
    """The version of a text for this viewer, in its own lang and dir.

    With mark=True, a version in another language than the viewer's says which language it is in.
    """
    text, language = localize(versions or {}, _viewer_language(), original=original)
    span = format_html(
        '<span lang="{}" dir="{}">{}</span>', language, text_direction(language), text
    )
    if mark and text and language.split("-")[0] != _viewer_language().split("-")[0]:
        note = _("written in %(language)s") % {"language": _LANGUAGE_NAMES.get(language, language)}
        return format_html('{} <small class="text-body-secondary">({})</small>', span, note)
    return span


@register.filter
def pick(versions: Mapping[str, str] | None, original: str = "") -> str:
    """The plain text of the viewer's version, for titles and attributes."""
    return localize(versions or {}, _viewer_language(), original=original)[0]


@register.filter
def language_name(code: str) -> str:
    return str(_LANGUAGE_NAMES.get(code, code))


@register.filter
def show_date(value: datetime.date | None) -> str:
    """A date in the viewer's calendar (a datetime is first moved to the viewer's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.filter
def show_datetime(value: datetime.datetime | None) -> str:
    """A moment in the viewer's zone and calendar."""
    return format_datetime(value) if value else ""


@register.filter
def digits(value: object) -> str:
    """A number written with the viewer's digits."""
    return localize_digits(str(value))


@register.filter
def country_name(code: str) -> str:
    return _country_name(code) if code else ""


@register.filter
def direction(language: str) -> str:
    return text_direction(language or "en")


@register.filter
def bootstrap(field: BoundField) -> str:
    """Render a form field's widget with Bootstrap's class for its kind, marked when invalid."""
    widget = field.field.widget
    if getattr(widget, "allow_multiple_selected", False) or widget.__class__.__name__.endswith(
        "Select"
    ):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css}
    # Addresses, identifiers and codes read left to right on every page.
    if getattr(widget, "input_type", "") in {"email", "url", "password"} or field.name in {
        "registry_id",
        "time_zone",
    }:
        attrs["dir"] = "ltr"
    if field.name == "time_zone":
        attrs["data-browser-zone"] = "fill"
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping: Mapping[str, object] | None, key: str) -> object:
    return (mapping or {}).get(key)


_ARABIC_SEPARATORS = str.maketrans({",": "٬", ".": "٫"})


@register.filter
def amount(value: object) -> str:
    """A quantity or price as the viewer writes numbers: grouped, no exponent, their digits."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    language = translation.get_language() or "en"
    text = format_decimal(number, locale=babel_locale(language), decimal_quantization=False)
    if language.split("-")[0] in {"fa", "ar"}:
        text = text.translate(_ARABIC_SEPARATORS)  # ۱۲٬۵۰۰٫۷۵, not ۱۲,۵۰۰.۷۵
    return localize_digits(text)
