"""A delegation: organisations invited by its leader join when one of their managers accepts; its
people are imported from CSV and XLSX files, with a report for every row not registered."""

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Membership, Organisation
from karvan.events.errors import ImportFileError, InvitationNotPendingError, UnsafeFileError
from karvan.events.imports import read_people
from karvan.events.models import DelegationInvitation, Event, Registration
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    decline_delegation_invitation,
    invite_to_delegation,
)
from karvan.notifications.models import Notification
from tests.events.conftest import make_event
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["organisation", "registry_id", "country", "full_name", "email", "language", "sessions"]


@pytest.fixture
def delegation(event):
    leader = MembershipFactory(organisation=OrganisationFactory(name={"fa": "سازمان صنایع کوچک"}))
    return create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="ISIPO delegation"
    )


def _joined(delegation, **organisation):
    """An organisation that accepted the delegation's invitation (through its owner), with a
    member person reza@example.test."""
    owner = MembershipFactory(organisation=OrganisationFactory(**organisation))
    member = owner.organisation
    leader = delegation.leader.memberships.get().user
    invitation = invite_to_delegation(actor=leader, delegation=delegation, organisation=member)
    accept_delegation_invitation(actor=owner.user, invitation=invitation)
    MembershipFactory(
        organisation=member,
        user=UserFactory(email="reza@example.test", full_name="Reza Mohammadi"),
        role=Membership.Role.MEMBER,
    )
    return member


def _snapshot():
    return (
        sorted(Membership.objects.values_list("user_id", "organisation_id", "role")),
        User.objects.count(),
        Organisation.objects.count(),
    )


def test_csv_import_registers_members_of_joined_organisations_and_reports_each_other_row(
    client, delegation, event
):
    member = _joined(delegation)
    outsider = OrganisationFactory()  # on Karvan, never joined the delegation
    UserFactory(email="stranger@example.test")  # an account, in no organisation of the file
    rows = [
        HEADER,
        ["", member.registry_id, "IR", "Reza Mohammadi", "reza@example.test", "fa", "1"],
        ["", "10999999999", "IR", "Nobody", "nobody@example.test", "fa", ""],
        ["", outsider.registry_id, "IR", "Outsider", "outsider@example.test", "fa", ""],
        ["", member.registry_id, "IR", "Stranger", "stranger@example.test", "fa", ""],
        ["", member.registry_id, "IR", "No account", "new@example.test", "fa", ""],
        ["", member.registry_id, "IR", "Bad Mail", "not-an-address", "xx", "Evening"],
        ["", member.registry_id, "IR", "Twice", "reza@example.test", "fa", ""],
    ]
    text = "\n".join(",".join(row) for row in rows)
    leader = delegation.leader.memberships.get().user
    leader.language = "en"
    leader.save()
    client.force_login(leader)
    before = _snapshot()
    response = client.post(
        reverse("events:delegation_import", args=[delegation.pk]),
        {"file": SimpleUploadedFile("people.csv", text.encode("utf-8-sig"))},
    )
    assert response.status_code == 200
    assert _snapshot() == before  # no account, membership or organisation made
    assert list(delegation.members.all()) == [member]
    report = response.context["report"]
    assert [row.number for row in report if not row.errors] == [2]
    assert response.context["imported"] == 1
    page = response.content.decode()
    with translation.override("en"):
        errors = {row.number: " ".join(map(str, row.errors)) for row in report if row.errors}
        shown = [str(error) for row in report for error in row.errors]
        assert all(html.escape(message) in page for message in shown)
    # Refused rows registered no one: only Reza's row made a registration.
    assert list(Registration.objects.values_list("person__email", flat=True)) == [
        "reza@example.test"
    ]
    assert "No organisation 10999999999 is registered" in errors[3]
    assert "has not joined the delegation" in errors[4]
    assert "No member of" in errors[5] and "No member of" in errors[6]
    assert "e-mail address is not valid" in errors[7] and "Unknown session Evening" in errors[7]
    assert "appears twice" in errors[8]
    registration = Registration.objects.get(person__email="reza@example.test")
    assert registration.delegation == delegation and registration.organisation == member
    assert registration.status == Registration.Status.PENDING
    assert list(registration.sessions.all()) == list(event.sessions.all())
    assert Notification.objects.filter(
        recipient=registration.person, kind="events.registered_by_other"
    ).exists()


def test_xlsx_import_through_the_page_registers_members_and_never_makes_one(
    client, delegation, event
):
    member = _joined(delegation)
    victim = OrganisationFactory(name={"en": "Victim Trading"})
    victim_owner = MembershipFactory(organisation=victim).user
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["", member.registry_id, "IR", "Reza", "reza@example.test", "fa", ""])
    leader = delegation.leader.memberships.get().user
    # The leader's own address against another organisation's public registry identifier.
    sheet.append(["", victim.registry_id, "IR", "Me", leader.email, "en", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(leader)
    before = _snapshot()
    response = client.post(
        reverse("events:delegation_import", args=[delegation.pk]),
        {"file": SimpleUploadedFile("people.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 of 2 rows registered" in page
    assert "has not joined the delegation" in page
    assert _snapshot() == before
    assert list(victim.memberships.values_list("user_id", flat=True)) == [victim_owner.pk]
    assert Registration.objects.filter(person__email="reza@example.test").exists()
    assert not Registration.objects.filter(person=leader).exists()


def test_an_attacker_cannot_join_another_organisation_through_an_import_page_or_api(
    client, organiser
):
    """The attack of issue 10: own organisation, own draft event and delegation, then an import
    carrying the victim's public registry identifier and the attacker's e-mail."""
    victim = OrganisationFactory(name={"en": "Victim Trading"})
    MembershipFactory(organisation=victim)
    attacker = MembershipFactory(organisation=OrganisationFactory()).user
    event = make_event(attacker)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    delegation = create_delegation(
        actor=attacker,
        event=event,
        leader=attacker.memberships.get().organisation,
        name="Mine",
    )
    before = _snapshot()
    client.force_login(attacker)
    url = reverse("events:delegation_import", args=[delegation.pk])
    text = f"organisation,registry_id,email\nX,{victim.registry_id},{attacker.email}"
    response = client.post(url, {"file": SimpleUploadedFile("p.csv", text.encode())})
    assert response.status_code == 200
    assert "has not joined the delegation" in response.content.decode()
    # Adding the victim to the delegation only invites it: nothing joins without its managers.
    client.post(
        reverse("events:delegation_invite", args=[delegation.pk]),
        {"member-registry_id": victim.registry_id},
    )
    assert not delegation.members.exists()
    response = client.post(url, {"file": SimpleUploadedFile("p.csv", text.encode())})
    assert "has not joined the delegation" in response.content.decode()
    # The API registers members only: the attacker is none of the victim's.
    response = client.post(
        f"/api/events/{event.pk}/registrations",
        {"organisation_id": victim.pk, "person_id": attacker.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert _snapshot() == before
    assert not victim.memberships.filter(user=attacker).exists()
    assert not Registration.objects.exists()


def test_a_file_that_is_not_a_table_is_refused_clearly(client, delegation):
    with pytest.raises(ImportFileError):
        read_people(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken"))
    with pytest.raises(ImportFileError):
        read_people(SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage"))
    client.force_login(delegation.leader.memberships.get().user)
    response = client.post(
        reverse("events:delegation_import", args=[delegation.pk]),
        {"file": SimpleUploadedFile("x.csv", b"just,some\nwords,here")},
    )
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


def test_another_organisation_cannot_import_into_a_delegation(client, delegation):
    client.force_login(MembershipFactory().user)
    response = client.get(reverse("events:delegation", args=[delegation.pk]))
    assert response.status_code == 404


def test_an_organisation_joins_only_when_one_of_its_managers_accepts(client, delegation):
    invited = OrganisationFactory()
    owner = MembershipFactory(organisation=invited, user=UserFactory(language="fa")).user
    admin = MembershipFactory(organisation=invited, role=Membership.Role.ADMIN).user
    plain = MembershipFactory(organisation=invited, role=Membership.Role.MEMBER).user
    leader = delegation.leader.memberships.get().user
    client.force_login(leader)
    url = reverse("events:delegation_invite", args=[delegation.pk])
    client.post(url, {"member-registry_id": invited.registry_id})
    assert not delegation.members.exists()
    invitation = DelegationInvitation.objects.get(delegation=delegation, organisation=invited)
    assert invitation.is_pending
    told = Notification.objects.filter(kind="events.delegation_invited")
    assert set(told.values_list("recipient_id", flat=True)) == {owner.pk, admin.pk}
    with translation.override("fa"):
        assert "دعوت" in told.get(recipient=owner).title  # in the manager's language
    # Invited twice: one pending invitation.
    response = client.post(url, {"member-registry_id": invited.registry_id})
    assert DelegationInvitation.objects.filter(delegation=delegation).count() == 1
    # Neither the leader nor a plain member answers for the organisation.
    page = reverse("events:invitation", args=[invitation.pk])
    accept = reverse("events:invitation_accept", args=[invitation.pk])
    leave = reverse("events:invitation_leave", args=[invitation.pk])
    assert client.post(accept).status_code == 302
    with pytest.raises(NotAllowedError):
        accept_delegation_invitation(actor=leader, invitation=invitation)
    client.force_login(plain)
    assert client.get(page).status_code == 404
    assert client.post(accept).status_code == 404
    assert not delegation.members.exists()
    # A manager reaches it from their invitations and accepts.
    client.force_login(owner)
    assert page in client.get(reverse("events:invitations")).content.decode()
    assert accept in client.get(page).content.decode()
    response = client.post(accept)
    assert response.status_code == 302
    assert list(delegation.members.all()) == [invited]
    invitation.refresh_from_db()
    assert invitation.status == DelegationInvitation.Status.ACCEPTED
    assert invitation.decided_by == owner
    assert Notification.objects.filter(
        recipient=leader, kind="events.delegation_invitation_accepted"
    ).exists()
    # Answered once.
    with pytest.raises(InvitationNotPendingError):
        decline_delegation_invitation(actor=admin, invitation=invitation)
    # A manager takes the organisation out again; a plain member cannot.
    client.force_login(plain)
    assert client.post(leave).status_code == 404
    client.force_login(admin)
    assert leave in client.get(page).content.decode()
    client.post(leave)
    assert not delegation.members.exists()


def test_declined_and_withdrawn_invitations_add_no_one(client, delegation):
    leader = delegation.leader.memberships.get().user
    first, second = OrganisationFactory(), OrganisationFactory()
    owner = MembershipFactory(organisation=first).user
    MembershipFactory(organisation=second)
    declined = invite_to_delegation(actor=leader, delegation=delegation, organisation=first)
    decline_delegation_invitation(actor=owner, invitation=declined)
    withdrawn = invite_to_delegation(actor=leader, delegation=delegation, organisation=second)
    client.force_login(leader)
    url = reverse("events:delegation_invitation_withdraw", args=[delegation.pk])
    page = client.get(reverse("events:delegation", args=[delegation.pk])).content.decode()
    assert url in page
    client.post(url, {"invitation": withdrawn.pk})
    withdrawn.refresh_from_db()
    assert withdrawn.status == DelegationInvitation.Status.WITHDRAWN
    assert not delegation.members.exists()
    with pytest.raises(InvitationNotPendingError):
        accept_delegation_invitation(actor=owner, invitation=declined)
    # Declined, it may be invited again.
    again = invite_to_delegation(actor=leader, delegation=delegation, organisation=first)
    assert again.is_pending


def test_the_leader_removes_member_organisations_and_no_one_else_can(client, delegation):
    member = _joined(delegation)
    leader = delegation.leader.memberships.get().user
    client.force_login(leader)
    url = reverse("events:delegation_member_remove", args=[delegation.pk])
    page = client.get(reverse("events:delegation", args=[delegation.pk])).content.decode()
    assert url in page

    # A plain member of the organisation is not the leader.
    client.force_login(member.memberships.get(role=Membership.Role.MEMBER).user)
    assert client.post(url, {"organisation": member.pk}).status_code == 404
    assert delegation.members.filter(pk=member.pk).exists()

    client.force_login(leader)
    response = client.post(url, {"organisation": member.pk})
    assert response.status_code == 302
    assert not delegation.members.exists()
    # The leader is not a member that can be removed.
    response = client.post(url, {"organisation": delegation.leader_id})
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
        reverse("events:delegation_import", args=[delegation.pk]),
        {"file": SimpleUploadedFile("bomb.xlsx", data)},
    )
    assert response.status_code == 200
    with translation.override("fa"):
        assert str(UnsafeFileError.message) in response.content.decode()
    assert not Registration.objects.exists()
