"""Form widgets and fields shared by the apps: code pickers searchable in all four languages,
dates and times entered in the person's own calendar, and numbers typed in any script's digits."""

import datetime
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from karvan.core.calendars import (
    JALALI,
    format_typed_date,
    get_active_calendar,
    localize_digits,
    parse_typed_moment,
)
from karvan.core.digits import normalize_code, normalize_digits, normalize_number, normalize_values
from karvan.core.models import HsCode, IsicCode

_NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
_MOMENT_FIELDS = (forms.DateField, forms.DateTimeField, forms.TimeField)


# The mixin is used on forms only: type-check it as one, inherit nothing from it at run time.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class NativeDigitsMixin(_FormBase):
    """Numbers typed in Persian (۰–۹), Arabic-Indic (٠–٩) or full-width (０–９) digits, with the
    Persian separators ٬ ٫, are read like ASCII ones: in number fields (quantities, prices, years),
    date and time fields, and code fields (a text input with `inputmode="numeric"`, such as a
    signing code, or one named in `digit_fields`, such as a badge code). Other text is untouched.
    Number inputs become text inputs with `inputmode`, since browsers refuse native digits in
    `<input type="number">`; the field still checks the value and its limits.
    """

    digit_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Browsers drop Persian and Arabic-Indic digits typed into <input type="number">: number
        # fields are text inputs asking phones for their number keyboard.
        for field in self.fields.values():
            if isinstance(field.widget, forms.NumberInput):
                attrs = {
                    key: value
                    for key, value in field.widget.attrs.items()
                    if key not in {"min", "max", "step"}
                }
                # DecimalField and FloatField are IntegerFields too in Django.
                whole = not isinstance(field, (forms.DecimalField, forms.FloatField))
                attrs["inputmode"] = "numeric" if whole else "decimal"
                field.widget = forms.TextInput(attrs=attrs)
                field.widget.is_required = field.required

    def _digit_normalizers(self) -> dict[str, Callable[[str], str]]:
        found: dict[str, Callable[[str], str]] = {}
        for name, field in self.fields.items():
            if isinstance(field, _NUMBER_FIELDS):
                normalize = normalize_number
            elif isinstance(field, _MOMENT_FIELDS):
                normalize = normalize_digits
            elif name in self.digit_fields or field.widget.attrs.get("inputmode") == "numeric":
                normalize = normalize_code
            else:
                continue
            found[self.add_prefix(name)] = normalize
        return found

    def full_clean(self) -> None:
        if self.is_bound:
            normalizers = self._digit_normalizers()
            data = self.data
            present = [name for name in normalizers if name in data]
            if present:
                # A QueryDict or a plain dict (tests, the API): both copy; the stubs say Mapping.
                data = data.copy()  # type: ignore[attr-defined]
                for name in present:
                    if hasattr(data, "getlist"):
                        data.setlist(name, normalize_values(data.getlist(name), normalizers[name]))
                    elif isinstance(data[name], str):
                        data[name] = normalizers[name](data[name])
                self.data = data
        super().full_clean()


def _search_variants(text: str) -> str:
    """The text with Persian and Arabic letter forms both present, so ي finds ی and ك finds ک."""
    persian = text.replace("ي", "ی").replace("ك", "ک")
    arabic = text.replace("ی", "ي").replace("ک", "ك")
    return " ".join(dict.fromkeys([text, persian, arabic]))


class _PickerMixin:
    """What both pickers share: the data attributes karvan.js reads, and each option's search
    words (its label, with Persian and Arabic letter forms both present)."""

    picker_mode = "multiple"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(  # type: ignore[call-arg]
            attrs={
                "data-picker": self.picker_mode,
                "data-placeholder": _("Type to search…"),
                "data-no-results": _("Nothing matches."),
                "data-remove-label": _("Remove"),
                **(attrs or {}),
            }
        )

    def search_text(self, value: object, label: str) -> str:
        """Words the option is also found by, besides its label."""
        return label

    def create_option(
        self,
        name: str,
        value: object,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, object] | None = None,
    ) -> dict[str, object]:
        option: dict[str, Any] = super().create_option(  # type: ignore[misc]
            name, value, label, selected, index, subindex, attrs
        )
        option["attrs"]["data-data"] = json.dumps(
            {"search": _search_variants(self.search_text(value, str(label)))}, ensure_ascii=False
        )
        return option


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    """A multiple choice as a searchable picker with chips (the vendored Tom Select, started by
    karvan.js): typed into with a thumb or a keyboard, read by screen readers, right-to-left
    aware. Without the script it stays a plain list, so the form always works."""


class PickerSelect(_PickerMixin, forms.Select):
    """A single choice (a person among hundreds of participants) as the same searchable picker:
    the chosen option shows as one chip, typing replaces it. Without the script it stays a plain
    list."""

    picker_mode = "single"


class CodePickerWidget(PickerSelectMultiple):
    """A picker of HS or ISIC codes, found by the code or its name in any of the four languages."""

    def search_text(self, value: object, label: str) -> str:
        instance = getattr(value, "instance", None)
        if instance is None:
            return label
        return " ".join([instance.code, *instance.names.values()])


class CountryPickerWidget(PickerSelectMultiple):
    """A picker of countries, found by their name in the reader's language, in English, by code."""

    def search_text(self, value: object, label: str) -> str:
        from karvan.core.countries import country_name

        code = str(value)
        return " ".join([label, code, country_name(code, "en")])


class CountryChoiceField(forms.MultipleChoiceField):
    """Countries chosen in a picker; also takes the codes typed as one text ("IR, CN" or with the
    Persian comma), as older forms and imports send them. Codes are upper case."""

    widget = CountryPickerWidget

    def __init__(self, **kwargs: Any) -> None:
        from karvan.core.countries import country_choices

        kwargs.setdefault("choices", country_choices)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python([value] if isinstance(value, str) else value)
        codes: list[str] = []
        for item in values:
            codes += [c.strip().upper() for c in item.replace("،", ",").split(",") if c.strip()]
        return codes


class CodeChoiceField(forms.ModelMultipleChoiceField[HsCode | IsicCode]):
    widget = CodePickerWidget

    def label_from_instance(self, obj: HsCode | IsicCode) -> str:
        return f"{obj.code} · {obj.name}"


class CalendarDateInput(forms.DateInput):
    """The browser's date picker for Gregorian readers. Browsers have no Solar Hijri picker, so
    those readers type the date ("۱۴۰۵/۰۹/۰۲"), shown in their calendar when the form comes back."""

    with_time = False

    def format_value(self, value: object) -> str | None:
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            text = format_typed_date(local.date())
            if get_active_calendar() == JALALI:
                return f"{text} {localize_digits(local.strftime('%H:%M'))}"
            return f"{text}T{local.strftime('%H:%M')}"
        if isinstance(value, datetime.date):
            return format_typed_date(value)
        return None if value in (None, "") else str(value)

    def get_context(
        self, name: str, value: object, attrs: dict[str, object] | None
    ) -> dict[str, object]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if get_active_calendar() == JALALI:
            example = format_typed_date(timezone.localdate(), calendar=JALALI)
            if self.with_time:
                example += " " + localize_digits("14:30")
            widget["type"] = "text"
            widget["attrs"].setdefault("placeholder", example)
            widget["attrs"].update({"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
        else:
            widget["type"] = "datetime-local" if self.with_time else "date"
        return context


class CalendarDateTimeInput(CalendarDateInput):
    with_time = True


_DATE_EXAMPLE = _("Enter a date such as %(example)s.")


def _example(with_time: bool) -> str:
    """Today, as the person would type it."""
    text = format_typed_date(timezone.localdate())
    if not with_time:
        return text
    if get_active_calendar() == JALALI:
        return f"{text} {localize_digits('14:30')}"
    return f"{text} 14:30"


class CalendarDateField(forms.DateField):
    """A date typed in either calendar (the year tells which) or picked in the browser."""

    widget = CalendarDateInput

    def to_python(self, value: object) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            date, time = parse_typed_moment(str(value))
        except ValueError:
            date, time = None, None
        if date is None or time is not None:
            raise ValidationError(
                _DATE_EXAMPLE, code="invalid", params={"example": _example(with_time=False)}
            )
        return date


class CalendarDateTimeField(forms.DateTimeField):
    """A moment typed in either calendar, in the person's own time zone."""

    widget = CalendarDateTimeInput

    def to_python(self, value: object) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        try:
            date, time = parse_typed_moment(str(value))
        except ValueError:
            date, time = None, None
        if date is None or time is None:
            raise ValidationError(
                _("Enter a date and time such as %(example)s."),
                code="invalid",
                params={"example": _example(with_time=True)},
            )
        return timezone.make_aware(datetime.datetime.combine(date, time))


# Long selects kept rendered in each process, the least recently used dropped first (a select of
# every ISIC code is about 15 KB).
RENDERED_SELECTS = 256
_RENDERED: "OrderedDict[tuple[object, ...], SafeString]" = OrderedDict()
_RENDERED_LOCK = threading.Lock()


class LongSelect(forms.Select):
    """A select with many options (every ISIC code, every HS chapter), rendered in Python.

    The same markup as Django's `select.html` and `select_option.html`, without rendering one
    template per option: a thousand options cost about 150 ms of a page that way, a few here.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        # The same select (name, value, attributes, options) is rendered on every search page:
        # kept once rendered.
        if any(isinstance(label, (list, tuple)) for _option, label in self.choices):
            return self._render(name, value, attrs)  # groups: not kept
        options = [(str(option), str(label)) for option, label in self.choices]
        # Attributes as they are written (a translated one in the active language).
        written = sorted((str(k), str(v)) for k, v in {**self.attrs, **(attrs or {})}.items())
        key = (name, repr(value), tuple(written), tuple(options))
        with _RENDERED_LOCK:
            found = _RENDERED.get(key)
            if found is not None:
                _RENDERED.move_to_end(key)
                return found
        html = self._render(name, value, attrs)
        with _RENDERED_LOCK:
            _RENDERED[key] = html
            while len(_RENDERED) > RENDERED_SELECTS:
                _RENDERED.popitem(last=False)
        return html

    def _render(self, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html("<select name={}{}>", _quoted(widget["name"]), _attrs(widget["attrs"]))
        ]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html("\n  <optgroup label={}>", _quoted(group_name)))
            for option in group_choices:
                parts.append(
                    format_html(
                        "\n  <option value={}{}>{}</option>",
                        _quoted(str(option["value"])),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # every part escaped by format_html


def _quoted(value: object) -> str:
    return format_html('"{}"', value)


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as Django's `attrs.html` writes them (True: the name alone; False: left out)."""
    return mark_safe(  # noqa: S308  # every part escaped by format_html
        "".join(
            format_html(" {}", name)
            if value is True
            else format_html(" {}={}", name, _quoted(value))
            for name, value in attrs.items()
            if value is not False
        )
    )
