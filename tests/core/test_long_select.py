"""The long selects of the search filters render as Django's own select does, only faster."""

import re

from django import forms

from karvan.core.widgets import LongSelect

CHOICES = [
    ("", "All sectors"),
    ("C", 'C · Manufacturing & "repair" <of> things'),
    ("10", "10 · Manufacture of food products"),
    ("Group", [("1079", "1079 · Other food"), ("11", "11 · Beverages")]),
]


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_a_long_select_renders_the_markup_of_djangos_select():
    for value in ("", "10", "1079", None, "unknown"):
        attrs = {"class": "form-select is-invalid", "id": "id_sector", "required": True}
        expected = forms.Select(choices=CHOICES).render("sector", value, attrs=attrs)
        rendered = LongSelect(choices=CHOICES).render("sector", value, attrs=attrs)
        assert _tags(rendered) == _tags(expected)
        assert "&quot;repair&quot; &lt;of&gt;" in rendered


def test_the_search_page_shows_every_sector_and_keeps_the_chosen_one(client, db):
    from karvan.core.models import IsicCode

    code = IsicCode.objects.filter(code__regex=r"^\d{2}$").first()
    page = client.get("/opportunities/", {"sector": code.code}).content.decode()
    select = re.search(r'<select name="sector".*?</select>', page, re.S).group(0)
    assert select.count("<option") == IsicCode.objects.count() + 1
    assert f'<option value="{code.code}" selected>' in select


FLAT = [("", "All countries"), ("IR", "Iran"), ("CN", "China"), ("AE", 'Emirates "UAE"')]


def test_a_kept_select_is_the_one_for_its_value_attributes_and_options():
    """Selects are kept once rendered: each value, attribute and option set still gets its own."""
    for _round in range(2):  # the second round reads what the first kept
        for value in ("", "IR", "CN", None, ["AE"]):
            for attrs in ({"id": "id_country"}, {"id": "id_country", "class": "is-invalid"}):
                for choices in (FLAT, FLAT[:3], [(code, label.upper()) for code, label in FLAT]):
                    expected = forms.Select(choices=choices).render("country", value, attrs=attrs)
                    rendered = LongSelect(choices=choices).render("country", value, attrs=attrs)
                    assert _tags(rendered) == _tags(expected)


def test_a_code_written_shows_in_the_filters_at_once_in_each_language(client, db):
    """The filters' codes are kept per language until a code is written: a new code, or a new
    name, is on the next page."""
    from django.utils import translation

    from karvan.core.models import IsicCode

    def sector_select(language: str) -> str:
        with translation.override(language):
            page = client.get("/opportunities/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return re.search(r'<select name="sector".*?</select>', page, re.S).group(0)

    before = {language: sector_select(language) for language in ("en", "fa")}
    assert "Reverse engineering" not in before["en"]
    division = IsicCode.objects.create(
        code="00", level=IsicCode.Level.DIVISION,
        names={"en": "Reverse engineering", "fa": "مهندسی معکوس"},
    )  # fmt: skip
    assert '<option value="00">00 · Reverse engineering</option>' in sector_select("en")
    assert "00 · مهندسی معکوس" in sector_select("fa")
    division.names = {"en": "Reverse design", "fa": "طراحی معکوس"}
    division.save()
    assert "00 · Reverse design<" in sector_select("en")
    division.delete()
    assert sector_select("en") == before["en"]


def test_a_kept_select_with_a_translated_attribute_is_kept_per_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    attrs = {"id": "id_country", "aria-label": gettext_lazy("Country")}
    rendered = {}
    for language in ("en", "fa", "en"):
        with translation.override(language):
            rendered[language] = LongSelect(choices=FLAT).render("country", "IR", attrs=attrs)
            expected = forms.Select(choices=FLAT).render("country", "IR", attrs=attrs)
            assert _tags(rendered[language]) == _tags(expected)
    assert 'aria-label="Country"' in rendered["en"] and "Country" not in rendered["fa"]
