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
