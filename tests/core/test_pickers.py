"""The pickers' server side: options carry the words they are found by; countries come as a
list from the picker or as one typed text from older forms and imports."""

import html as html_lib
import json
import re

from django import forms
from django.utils import translation

from karvan.core.widgets import (
    CountryChoiceField,
    CountryPickerWidget,
    PickerSelect,
    PickerSelectMultiple,
)


def _search_words(rendered: str) -> str:
    match = re.search(r'data-data="([^"]*)"', rendered)
    assert match, rendered
    return json.loads(html_lib.unescape(match.group(1)))["search"]


class _Form(forms.Form):
    countries = CountryChoiceField(label="Countries")


def test_countries_from_the_picker_or_typed_as_one_text_are_the_same_codes():
    assert _Form({"countries": ["IR", "CN"]}).is_valid()
    typed = _Form({"countries": "ir، cn"})
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["countries"] == ["IR", "CN"]
    assert not _Form({"countries": ["XX"]}).is_valid()


def test_a_country_option_is_found_by_its_english_name_and_code_in_a_persian_page():
    with translation.override("fa"):
        widget = CountryPickerWidget()
        widget.choices = [("CN", "چین")]
        html = widget.render("c", ["CN"], {"id": "c"})
    assert 'data-picker="multiple"' in html
    search = _search_words(html)
    assert "China" in search and "CN" in search and "چین" in search


def test_arabic_letter_forms_find_persian_words_and_back():
    widget = PickerSelectMultiple()
    widget.choices = [("1", "کشتی‌سازی یزد")]
    html = widget.render("x", [], {"id": "x"})
    search = _search_words(html)
    assert "كشتی‌سازی" in search.replace("ي", "ی") and "یزد" in search


def test_a_single_choice_picker_is_one_select_marked_single_with_search_words():
    class _PersonForm(forms.Form):
        person = forms.ChoiceField(
            choices=[("7", "علی رضایی"), ("8", "Reza Mohammadi")], widget=PickerSelect()
        )

    html = str(_PersonForm(initial={"person": "8"})["person"])
    assert 'data-picker="single"' in html and "multiple" not in html
    assert re.search(r'<option value="8"[^>]* selected', html)
    assert "علي" in _search_words(html)  # the Arabic letter forms find the Persian name
    form = _PersonForm({"person": "7"})
    assert form.is_valid() and form.cleaned_data["person"] == "7"
