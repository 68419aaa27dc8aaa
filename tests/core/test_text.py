"""Multilingual user text: which version a viewer sees, its direction, what the field accepts."""

import pytest
from django.core.exceptions import ValidationError

from karvan.core.text import MultilingualTextField, clean_versions, localize, text_direction

VERSIONS = {
    "fa": "پسته رفسنجان",
    "zh-hans": "拉夫桑詹开心果",
    "ar": "فستق رفسنجان",
    "en": "Pistachio",
}


def test_viewer_language_comes_first():
    assert localize(VERSIONS, "zh-hans", original="fa") == ("拉夫桑詹开心果", "zh-hans")


def test_base_language_is_used_when_the_regional_one_is_missing():
    assert localize({"fa": "پسته", "en": "Pistachio"}, "fa-ir", original="en") == ("پسته", "fa")


def test_original_comes_before_english():
    versions = {"fa": "پسته", "en": "Pistachio"}
    assert localize(versions, "zh-hans", original="fa") == ("پسته", "fa")


def test_english_comes_when_neither_viewer_language_nor_original_exists():
    versions = {"ar": "فستق", "en": "Pistachio"}
    assert localize(versions, "zh-hans", original="fa") == ("Pistachio", "en")


def test_any_version_comes_last():
    assert localize({"ar": "فستق"}, "zh-hans", original="fa") == ("فستق", "ar")


def test_empty_versions_are_skipped():
    assert localize({"zh-hans": "", "fa": "پسته"}, "zh-hans", original="en") == ("پسته", "fa")


def test_nothing_to_show_gives_empty_text_in_the_original_language():
    assert localize({}, "zh-hans", original="fa") == ("", "fa")
    assert localize({"en": ""}, "zh-hans") == ("", "zh-hans")


@pytest.mark.parametrize(
    ("language", "direction"),
    [("fa", "rtl"), ("ar", "rtl"), ("fa-ir", "rtl"), ("en", "ltr"), ("zh-hans", "ltr")],
)
def test_text_direction(language, direction):
    assert text_direction(language) == direction


def test_clean_versions_strips_and_drops_empty_texts():
    assert clean_versions({"fa": "  پسته ", "en": "   ", "ar": ""}) == {"fa": "پسته"}


def test_field_accepts_texts_keyed_by_content_languages():
    field = MultilingualTextField()
    assert field.clean(VERSIONS, None) == VERSIONS
    assert field.clean({}, None) == {}


def test_field_rejects_an_unknown_language_key():
    with pytest.raises(ValidationError) as error:
        MultilingualTextField().clean({"fr": "Pistache"}, None)
    assert error.value.error_list[0].code == "language"


@pytest.mark.parametrize("text", [42, None, ["Pistachio"], {"nested": "x"}])
def test_field_rejects_a_value_that_is_not_text(text):
    with pytest.raises(ValidationError) as error:
        MultilingualTextField().clean({"en": text}, None)
    assert error.value.error_list[0].code == "invalid"


@pytest.mark.parametrize("value", [["Pistachio"], "Pistachio", 3])
def test_field_rejects_anything_but_a_mapping(value):
    with pytest.raises(ValidationError) as error:
        MultilingualTextField().clean(value, None)
    assert error.value.error_list[0].code == "invalid"
