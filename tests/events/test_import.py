"""A delegation's people imported from CSV and XLSX files, with a report for every bad row."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from karvan.events.errors import ImportFileError, UnsafeFileError
from karvan.events.imports import read_people
from karvan.events.models import Registration
from karvan.events.services import create_delegation, import_delegation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["organisation", "registry_id", "country", "full_name", "email", "language", "sessions"]


@pytest.fixture
def delegation(event):
    leader = MembershipFactory(organisation=OrganisationFactory(name={"fa": "سازمان صنایع کوچک"}))
    return create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="ISIPO delegation"
    )


def _rows(member, event):
    return [
        HEADER,
        ["", member.registry_id, "IR", "Reza Mohammadi", "reza@example.test", "fa", "1"],
        ["", member.registry_id, "IR", "", "no-name@example.test", "fa", ""],
        ["", "10999999999", "IR", "Nobody", "nobody@example.test", "fa", ""],
        ["", member.registry_id, "IR", "Bad Mail", "not-an-address", "xx", "Evening"],
        ["", member.registry_id, "IR", "Twice", "reza@example.test", "fa", ""],
    ]


def test_csv_import_registers_good_rows_and_reports_each_bad_one(delegation, event):
    member = OrganisationFactory()
    text = "\n".join(",".join(row) for row in _rows(member, event))
    records = read_people(SimpleUploadedFile("people.csv", text.encode("utf-8-sig")))
    leader = delegation.leader.memberships.get().user
    report = import_delegation(actor=leader, delegation=delegation, records=records)
    assert [row.number for row in report if not row.errors] == [2]
    with translation.override("en"):
        errors = {row.number: " ".join(map(str, row.errors)) for row in report if row.errors}
    assert "full name is missing" in errors[3]
    assert "must register first" in errors[4]
    assert "e-mail address is not valid" in errors[5] and "Unknown language" in errors[5]
    assert "Unknown session Evening" in errors[5]
    assert "appears twice" in errors[6]
    registration = Registration.objects.get(person__email="reza@example.test")
    assert registration.delegation == delegation
    assert registration.status == Registration.Status.PENDING
    assert list(registration.sessions.all()) == list(event.sessions.all())
    assert member in delegation.members.all()
    assert registration.person.time_zone == "Asia/Tehran"


def test_xlsx_import_through_the_page(client, delegation, event):
    member = OrganisationFactory()
    existing = UserFactory(email="known@example.test")
    workbook = Workbook()
    sheet = workbook.active
    for row in _rows(member, event)[:2]:
        sheet.append(row)
    sheet.append(["", member.registry_id, "IR", "Known", "known@example.test", "en", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(delegation.leader.memberships.get().user)
    response = client.post(
        reverse("events:delegation", args=[delegation.pk]),
        {"action": "import", "file": SimpleUploadedFile("people.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 200
    assert "2 of 2 rows registered" in response.content.decode()
    assert Registration.objects.filter(person=existing, delegation=delegation).exists()


def test_a_file_that_is_not_a_table_is_refused_clearly(client, delegation):
    with pytest.raises(ImportFileError):
        read_people(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken"))
    with pytest.raises(ImportFileError):
        read_people(SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage"))
    client.force_login(delegation.leader.memberships.get().user)
    response = client.post(
        reverse("events:delegation", args=[delegation.pk]),
        {"action": "import", "file": SimpleUploadedFile("x.csv", b"just,some\nwords,here")},
    )
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


def test_another_organisation_cannot_import_into_a_delegation(client, delegation):
    client.force_login(MembershipFactory().user)
    response = client.get(reverse("events:delegation", args=[delegation.pk]))
    assert response.status_code == 404


def test_the_leader_adds_and_removes_member_organisations_and_no_one_else_can(client, delegation):
    member = OrganisationFactory()
    leader = delegation.leader.memberships.get().user
    client.force_login(leader)
    url = reverse("events:delegation", args=[delegation.pk])
    client.post(url, {"action": "member", "member-registry_id": member.registry_id})
    assert list(delegation.members.all()) == [member]
    page = client.get(url).content.decode()
    assert 'name="action" value="remove_member"' in page

    client.force_login(MembershipFactory(organisation=member).user)  # a member is not the leader
    assert (
        client.post(url, {"action": "remove_member", "organisation": member.pk}).status_code == 404
    )
    assert delegation.members.filter(pk=member.pk).exists()

    client.force_login(leader)
    response = client.post(url, {"action": "remove_member", "organisation": member.pk})
    assert response.status_code == 302
    assert not delegation.members.exists()
    # The leader is not a member that can be removed.
    response = client.post(url, {"action": "remove_member", "organisation": delegation.leader_id})
    assert response.status_code == 404


def _xlsx_with(part: str, replace: tuple[bytes, bytes]) -> bytes:
    """A real workbook whose `part` has one piece of XML replaced (to carry a DTD)."""
    workbook = Workbook()
    workbook.active.append(["full_name", "email"])
    workbook.active.append(["Reza", "reza@example.test"])
    source = io.BytesIO()
    workbook.save(source)
    result = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(result, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                assert replace[0] in data
                data = data.replace(replace[0], replace[1], 1)
            zout.writestr(item, data)
    return result.getvalue()


BOMB = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
)
EXTERNAL = b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("part", "replace"),
    [
        # An entity-expansion bomb in the sheet, read row by row after the workbook opened.
        ("xl/worksheets/sheet1.xml", (b"<worksheet", BOMB + b"<worksheet")),
        # An external entity in the workbook itself, read when the file is opened.
        ("xl/workbook.xml", (b"<workbook", EXTERNAL + b"<workbook")),
    ],
)
def test_an_xlsx_carrying_xml_entities_is_refused_not_parsed(client, delegation, part, replace):
    data = _xlsx_with(part, replace)
    with pytest.raises(UnsafeFileError):
        read_people(SimpleUploadedFile("bomb.xlsx", data))
    leader = delegation.leader.memberships.get().user
    leader.language = "fa"
    leader.save()
    client.force_login(leader)
    response = client.post(
        reverse("events:delegation", args=[delegation.pk]),
        {"action": "import", "file": SimpleUploadedFile("bomb.xlsx", data)},
    )
    assert response.status_code == 200
    with translation.override("fa"):
        assert str(UnsafeFileError.message) in response.content.decode()
    assert not Registration.objects.exists()
