"""One way to read typed numbers: Persian, Arabic-Indic and full-width digits and the Persian
separators, in forms, dates, registry identifiers and the API's schemas alike."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from pydantic import BaseModel, ValidationError

from karvan.api.digits import NativeCode, NativeDate, NativeDecimal, NativeInt
from karvan.core.calendars import parse_typed_moment
from karvan.core.digits import normalize_code, normalize_digits, normalize_number
from karvan.core.registry_ids import normalize_registry_id
from karvan.core.widgets import CalendarDateField, NativeDigitsMixin


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("０１２３４５６７８９", "0123456789"),
        ("1405/۰۹/٠٢", "1405/09/02"),
        ("پسته ۱۴۰۴", "پسته 1404"),
    ],
)
def test_digits_of_every_script_become_ascii(typed, ascii):
    assert normalize_digits(typed) == ascii


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("۱٬۲۰۰٫۵", "1200.5"),  # Persian thousands and decimal separators
        ("١٢٫٥", "12.5"),
        ("１２３．４", "123.4"),
        (" ۱ ۲۰۰ ", "1200"),
        ("－７", "-7"),
        ("12.5", "12.5"),
        ("12,500.75", "12500.75"),
        ("1,2", "1,2"),  # no thousands grouping: left for the field to refuse
        ("twelve", "twelve"),  # no number stays no number: the field says so
    ],
)
def test_numbers_read_the_persian_separators(typed, number):
    assert normalize_number(typed) == number


def test_codes_fold_full_width_letters_and_trim():
    assert normalize_code(" ۱۲۳４５６ ") == "123456"
    assert normalize_code("ＫＶ－７ＸＫ２") == "KV-7XK2"


def test_dates_and_registry_ids_use_the_same_digits():
    assert parse_typed_moment("１４０５/０９/０２")[0] == datetime.date(2026, 11, 23)
    assert parse_typed_moment("۲۰۲۶-۱۱-۲۳ ۱۴:۳۰") == (
        datetime.date(2026, 11, 23),
        datetime.time(14, 30),
    )
    assert normalize_registry_id("１０۱٠٠٠٠٠١١٠٣") == "10100000110" + "3"


class Listing(NativeDigitsMixin, forms.Form):
    title = forms.CharField()
    quantity = forms.DecimalField(decimal_places=3)
    year = forms.IntegerField()
    code = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    badge = forms.CharField()
    on = CalendarDateField()
    digit_fields = ("badge",)


@pytest.mark.parametrize("data_type", [dict, QueryDict])
def test_the_form_mixin_reads_numbers_dates_and_codes_and_leaves_text_alone(data_type):
    values = {
        "title": "پسته اکبری ۱۴۰۴",
        "quantity": "۱٬۲۰۰٫۵",
        "year": "１４０４",
        "code": " ۱۲۳۴۵۶ ",
        "badge": "ａｂ１２",
        "on": "۲۰۲۶-۱۱-۲۳",
    }
    if data_type is QueryDict:
        data = QueryDict(mutable=True)
        data.update(values)
    else:
        data = values
    form = Listing(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "title": "پسته اکبری ۱۴۰۴",  # text as its author wrote it
        "quantity": Decimal("1200.5"),
        "year": 1404,
        "code": "123456",
        "badge": "ab12",
        "on": datetime.date(2026, 11, 23),
    }
    assert data["quantity"] == "۱٬۲۰۰٫۵"  # the caller's data is not changed in place


def test_a_form_with_a_prefix_is_normalised_too():
    form = Listing(
        {
            "l-title": "x",
            "l-quantity": "٣٫٥",
            "l-year": "٢٠٢٦",
            "l-code": "1",
            "l-badge": "b",
            "l-on": "2026-11-23",
        },
        prefix="l",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == Decimal("3.5")


def test_a_wrong_number_is_still_refused_with_the_fields_message():
    form = Listing(
        {
            "title": "x",
            "quantity": "۱۲٫۵٫۳",
            "year": "۱۴۰۴",
            "code": "1",
            "badge": "b",
            "on": "2026-11-23",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["quantity"]


class Payload(BaseModel):
    year: NativeInt
    quantity: NativeDecimal
    on: NativeDate
    code: NativeCode


def test_the_api_schema_types_read_native_digits():
    payload = Payload(year="۱۴۰۴", quantity="۱٬۲۰۰٫۵", on="۲۰۲۶-۱۱-۲۳", code="１２３４５６")
    assert (payload.year, payload.quantity, payload.on, payload.code) == (
        1404,
        Decimal("1200.5"),
        datetime.date(2026, 11, 23),
        "123456",
    )
    assert Payload(year=7, quantity=Decimal("1"), on=datetime.date(2026, 1, 1), code="1").year == 7
    with pytest.raises(ValidationError):
        Payload(year="۱۴۰۴ سال", quantity="1", on="2026-01-01", code="1")


def test_number_fields_render_as_text_inputs_a_persian_keyboard_can_fill():
    """Chromium leaves <input type="number"> empty when Persian digits are typed into it."""
    form = Listing()
    quantity, year = str(form["quantity"]), str(form["year"])
    assert 'type="text"' in quantity and 'inputmode="decimal"' in quantity
    assert 'type="text"' in year and 'inputmode="numeric"' in year
    assert 'type="number"' not in str(form)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fa", "۱۲٬۵۰۰٫۷۵"), ("ar", "١٢٬٥٠٠٫٧٥"), ("zh-hans", "12,500.75"), ("en", "12,500.75")],
)
def test_amounts_are_shown_with_the_readers_digits_and_separators(language, shown):
    from django.utils import translation

    from karvan.core.templatetags.karvan import amount

    with translation.override(language):
        assert amount(Decimal("12500.75")) == shown
        # What is shown can be typed back.
        assert Decimal(normalize_number(amount(Decimal("12500.75")))) == Decimal("12500.75")
