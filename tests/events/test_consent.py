"""Nobody registers the people of an organisation that did not agree (issue 10, finding 2): the
organiser and a delegation's leader register only the people of organisations that joined a
delegation through one of their managers; a person registered by someone else is told, sees and
cancels it, and can then register themselves."""

import pytest
from django.urls import reverse

from karvan.core.errors import NotAllowedError
from karvan.directory.models import Membership
from karvan.events.errors import NotConsentedError, NotInDelegationError
from karvan.events.models import Registration
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    invite_to_delegation,
)
from karvan.events.services.registrations import cancel_registration, register_person
from karvan.notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim():
    """A person of an organisation that never agreed to anything."""
    return MembershipFactory(organisation=OrganisationFactory(name={"en": "Victim Trading"}))


def test_the_organiser_cannot_register_people_of_an_organisation_that_did_not_agree(
    event, organiser, victim
):
    with pytest.raises(NotConsentedError):
        register_person(
            actor=organiser, event=event, organisation=victim.organisation, person=victim.user
        )
    assert not Registration.objects.exists()
    # The victim can still register themselves.
    own = register_person(
        actor=victim.user, event=event, organisation=victim.organisation, person=victim.user
    )
    assert own.status == Registration.Status.PENDING


def test_the_organiser_cannot_register_them_through_the_api_either(
    client, event, organiser, victim
):
    client.force_login(organiser)
    response = client.post(
        f"/api/events/{event.pk}/registrations",
        {"organisation_id": victim.organisation_id, "person_id": victim.user_id},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "registration.not_consented"
    assert not Registration.objects.exists()


def test_a_leader_cannot_register_people_of_an_organisation_that_has_not_joined(
    client, event, victim
):
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="D"
    )
    with pytest.raises(NotInDelegationError):
        register_person(
            actor=leader.user,
            event=event,
            organisation=victim.organisation,
            person=victim.user,
            delegation=delegation,
        )
    # Only invited so far: still not joined.
    invitation = invite_to_delegation(
        actor=leader.user, delegation=delegation, organisation=victim.organisation
    )
    client.force_login(leader.user)
    response = client.post(
        reverse("events:delegation_register", args=[delegation.pk]),
        {
            "person-organisation": victim.organisation_id,
            "person-person": victim.user_id,
        },
    )
    assert response.status_code == 200  # the victim is no choice of the form
    assert not Registration.objects.exists()
    with pytest.raises(NotAllowedError):  # the leader does not answer for the victim
        accept_delegation_invitation(actor=leader.user, invitation=invitation)


def test_once_a_manager_accepted_the_leader_and_organiser_register_its_people(
    client, event, organiser, victim
):
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="D"
    )
    invitation = invite_to_delegation(
        actor=leader.user, delegation=delegation, organisation=victim.organisation
    )
    accept_delegation_invitation(actor=victim.user, invitation=invitation)
    colleague = MembershipFactory(
        organisation=victim.organisation, role=Membership.Role.MEMBER
    ).user
    client.force_login(leader.user)
    client.post(
        reverse("events:delegation_register", args=[delegation.pk]),
        {
            "person-organisation": victim.organisation_id,
            "person-person": victim.user_id,
        },
    )
    by_leader = Registration.objects.get(person=victim.user)
    assert (by_leader.delegation, by_leader.status) == (delegation, Registration.Status.PENDING)
    by_organiser = register_person(
        actor=organiser, event=event, organisation=victim.organisation, person=colleague
    )
    assert by_organiser.status == Registration.Status.APPROVED


def test_a_person_registered_by_someone_else_is_told_sees_cancels_and_registers_again(
    client, event, organiser, victim
):
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="D"
    )
    invitation = invite_to_delegation(
        actor=leader.user, delegation=delegation, organisation=victim.organisation
    )
    accept_delegation_invitation(actor=victim.user, invitation=invitation)
    registration = register_person(
        actor=leader.user,
        event=event,
        organisation=victim.organisation,
        person=victim.user,
        delegation=delegation,
    )
    old_badge = registration.badge_code
    assert Notification.objects.filter(
        recipient=victim.user, kind="events.registered_by_other"
    ).exists()
    client.force_login(victim.user)
    assert client.get(reverse("events:registration", args=[registration.pk])).status_code == 200
    assert (
        reverse("events:registration", args=[registration.pk])
        in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    )
    response = client.post(reverse("events:registration_cancel", args=[registration.pk]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    # Their own registration is not pre-empted: the cancelled one is taken up again, theirs now.
    again = register_person(
        actor=victim.user, event=event, organisation=victim.organisation, person=victim.user
    )
    assert again.pk == registration.pk
    assert (again.status, again.delegation, again.registered_by) == (
        Registration.Status.PENDING,
        None,
        victim.user,
    )
    assert again.badge_code != old_badge


def test_a_leader_cannot_cancel_a_registration_out_of_its_delegation(event, victim):
    own = register_person(
        actor=victim.user, event=event, organisation=victim.organisation, person=victim.user
    )
    with pytest.raises(NotAllowedError):
        cancel_registration(actor=MembershipFactory().user, registration=own)


@pytest.mark.parametrize("action", ["accept", "decline", "leave"])
def test_only_the_invited_organisations_managers_answer_an_invitation(
    client, event, organiser, victim, action
):
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="D"
    )
    invitation = invite_to_delegation(
        actor=leader.user, delegation=delegation, organisation=victim.organisation
    )
    url = reverse("events:invitation", args=[invitation.pk])
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404
    action_url = reverse(f"events:invitation_{action}", args=[invitation.pk])
    assert client.post(action_url).status_code == 404
    assert url not in client.get(reverse("events:invitations")).content.decode()
    for manager_of_the_delegation in (leader.user, organiser):  # they read it, never answer it
        client.force_login(manager_of_the_delegation)
        assert client.get(url).status_code == 200
        page = client.get(url).content.decode()
        assert reverse("events:invitation_accept", args=[invitation.pk]) not in page
        client.post(action_url)
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert not delegation.members.exists()
