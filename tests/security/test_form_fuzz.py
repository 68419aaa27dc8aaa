"""Hypothesis over the main forms, posted through the test client as their rightful user: never a
server error, and a post the form refuses (the page comes back instead of a redirect) saves
nothing. Each field gets a plausible value, junk, or nothing."""

import string

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karvan.agreements.models import AgreementTemplate
from tests.factories import valid_uscc
from tests.security.test_matrix import changed_tables, snapshot

JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "²",
            "٣",
            "1e309",
            "99999999999999999999999",
            "NaN",
            "null",
            "<script>alert(1)</script>",
            "a" * 5000,
            "2026-02-30",
            "\x00",
        ]
    ),
    st.integers().map(str),
)


def field(*valid: object) -> st.SearchStrategy[object]:
    """A field's value: one of the valid ones, junk, or left out (None)."""
    return st.one_of(st.sampled_from(valid), JUNK, st.none())


def post_data(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[object]]) -> dict[str, object]:
    data = {name: draw(strategy) for name, strategy in fields.items()}
    return {name: value for name, value in data.items() if value is not None}


FUZZ = settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def check(client: Client, url: str, data: dict[str, object], **extra: object) -> None:
    before = snapshot()
    response = client.post(url, data, **extra)
    assert response.status_code < 500, f"{url} {data!r}: {response.status_code}"
    if response.status_code == 200:
        changed = changed_tables(before, snapshot())
        assert not changed, f"{url}: a refused post changed {changed} ({data!r})"


@given(data=st.data())
@FUZZ
def test_opportunity_form(people: dict[str, object], data: st.DataObject) -> None:
    fields = {
        "organisation": field(people["acme"].pk, people["partner_co"].pk),
        "side": field("offer", "request"),
        "kind": field("product", "service", "investment"),
        "language": field("en", "fa", "zh-hans", "ar"),
        "title": field("Pistachios for export"),
        "description": field("Naturally opened pistachios, 500 tonnes a year, for export."),
        "hs_codes": field("0802", "0802, 8422", "9999"),
        "sectors": field("10", "C"),
        "quantity": field("500", "0.5"),
        "quantity_unit": field("t", "kg"),
        "price_min": field("10", "1.5"),
        "price_max": field("5", "20"),
        "currency": field("USD", "CNY"),
        "incoterm": field("CFR", "FOB"),
        "target_countries": field("CN", "IR"),
        "is_rfq": field("on"),
        "quotation_deadline": field("2030-01-01T10:00", "2020-01-01T10:00"),
    }
    check(
        people["client"],
        reverse("opportunities:create"),
        data.draw(st.composite(post_data)(fields)),
    )


@given(data=st.data())
@FUZZ
def test_organisation_form(people: dict[str, object], data: st.DataObject) -> None:
    fields = {
        "kind": field("sme", "industrial_park"),
        "original_language": field("en", "fa", "zh-hans"),
        "name_en": field("Fuzz Trading"),
        "name_fa": field("بازرگانی"),
        "description_en": field("We trade."),
        "country": field("IR", "CN", "TR"),
        "registry_id": field("10000000101", valid_uscc(98), "1234567890"),
        "size": field("micro", "large"),
        "founded_year": field("1999", "3000"),
        "website": field("https://fuzz.example", "javascript:alert(1)"),
        "certifications": field("ISO 9001"),
    }
    client = people["client"]
    check(client, reverse("directory:create"), data.draw(st.composite(post_data)(fields)))
    edit = reverse("directory:edit", kwargs={"pk": people["acme"].pk})
    check(client, edit, data.draw(st.composite(post_data)(fields)))


@given(data=st.data())
@FUZZ
def test_agreement_form(people: dict[str, object], data: st.DataObject) -> None:
    template = AgreementTemplate.objects.filter(is_active=True).first()
    fields = {
        "initiator": field(people["acme"].pk, people["partner_co"].pk),
        "partners": field(people["partner_co"].pk, people["acme"].pk),
        "template": field(template.pk, ""),
        "languages": field("en", "fa", "xx"),
        "prevailing_language": field("en", "fa"),
        "is_ordered": field("on"),
        "value_place": field("Tehran"),
        "value_effective_date": field("2027-01-01"),
        "title_en": field("Memorandum"),
        "text_en": field("The parties agree."),
    }
    check(
        people["client"], reverse("agreements:create"), data.draw(st.composite(post_data)(fields))
    )


@given(data=st.data())
@FUZZ
def test_event_form(people: dict[str, object], data: st.DataObject) -> None:
    fields = {
        "organiser": field(people["acme"].pk, people["partner_co"].pk),
        "kind": field("fair", "online_matchmaking"),
        "original_language": field("en", "fa"),
        "title": field("Fuzz fair"),
        "time_zone": field("Asia/Tehran", "Mars/Olympus"),
        "countries": field("IR, CN", "ZZ"),
        "starts_on": field("2027-03-01", "2027-02-30"),
        "ends_on": field("2027-03-02", "2026-01-01"),
        "request_mode": field("opt_in", "automatic"),
        "scheduling_mode": field("organiser", "participants"),
        "request_expiry_hours": field("72", "0", "100000"),
    }
    client = people["client"]
    check(client, reverse("events:create"), data.draw(st.composite(post_data)(fields)))
    edit = reverse("events:edit", kwargs={"pk": people["event"].pk})
    check(client, edit, data.draw(st.composite(post_data)(fields)))


@given(data=st.data())
@FUZZ
def test_registration_form(people: dict[str, object], data: st.DataObject) -> None:
    fields = {
        "organisation": field(people["acme"].pk, people["partner_co"].pk),
        "person": field(people["owner"].pk, 999999),
        "sessions": field("1", "999999"),
    }
    url = reverse("events:register", kwargs={"pk": people["event"].pk})
    check(people["client"], url, data.draw(st.composite(post_data)(fields)))


CSV_HEADER = "organisation,registry_id,country,full_name,email,language,sessions\n"


@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet=string.printable + "آبپ中文", max_size=20), min_size=0, max_size=8
        ),
        max_size=5,
    ),
    raw=st.binary(max_size=200),
)
@FUZZ
def test_delegation_import(people: dict[str, object], rows: list[list[str]], raw: bytes) -> None:
    url = reverse("events:delegation_import", kwargs={"pk": people["delegation"].pk})
    body = CSV_HEADER + "\n".join(",".join(cell.replace(",", " ") for cell in row) for row in rows)
    client = people["client"]
    for content in (body.encode("utf-8"), raw, b"PK\x03\x04" + raw):
        upload = SimpleUploadedFile("people.csv", content, "text/csv")
        response = client.post(url, {"file": upload})
        assert response.status_code < 500, f"import of {content[:80]!r}: {response.status_code}"
    # A file that is not a table saves nothing.
    before = snapshot()
    upload = SimpleUploadedFile("people.xlsx", b"PK\x03\x04" + raw, "application/octet-stream")
    assert client.post(url, {"file": upload}).status_code < 500
    assert not changed_tables(before, snapshot())
