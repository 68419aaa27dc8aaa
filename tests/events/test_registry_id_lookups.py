"""A delegation finds organisations by registry identifier however the identifier was typed:
Persian or Arabic digits, spaces, dashes (core.registry_ids.normalize_registry_id)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from karvan.events.imports import read_people
from karvan.events.models import DelegationInvitation, Registration
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    import_delegation,
    invite_to_delegation,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _as_typed(registry_id: str) -> str:
    """The identifier in Persian digits, dashed in threes, as a person may type it."""
    persian = registry_id.translate(PERSIAN_DIGITS)
    return "-".join(persian[i : i + 3] for i in range(0, len(persian), 3))


@pytest.fixture
def delegation(event):
    leader = MembershipFactory(organisation=OrganisationFactory(country="IR"))
    return create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="Tehran delegation"
    )


def test_the_leader_invites_an_organisation_by_an_identifier_in_persian_digits(client, delegation):
    invited = OrganisationFactory(country="IR", registry_id="10103203445")
    client.force_login(delegation.leader.memberships.get().user)
    url = reverse("events:delegation_invite", args=[delegation.pk])
    client.post(url, {"member-registry_id": _as_typed(invited.registry_id)})
    assert DelegationInvitation.objects.filter(delegation=delegation, organisation=invited).exists()


def test_an_import_row_finds_its_organisation_by_an_identifier_in_persian_digits(delegation):
    member = OrganisationFactory(country="IR", registry_id="10103203445")
    owner = MembershipFactory(organisation=member)
    leader = delegation.leader.memberships.get().user
    invitation = invite_to_delegation(actor=leader, delegation=delegation, organisation=member)
    accept_delegation_invitation(actor=owner.user, invitation=invitation)
    MembershipFactory(organisation=member, user=UserFactory(email="sara@example.test"))
    text = "organisation,registry_id,country,full_name,email\n"
    text += f",{_as_typed(member.registry_id)},IR,Sara,sara@example.test\n"
    records = read_people(SimpleUploadedFile("people.csv", text.encode("utf-8")))
    report = import_delegation(actor=leader, delegation=delegation, records=records)
    assert [row.errors for row in report] == [[]]
    assert Registration.objects.get(person__email="sara@example.test").organisation == member
