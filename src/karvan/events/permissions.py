"""Who may see and do what with events, registrations, meeting requests, meetings and agendas.

The organiser is the event's organising organisation: its members, and the center's staff. A
registration acts through its person and the members of its organisation; a delegation's leading
organisation manages its members' registrations. Video links are the meeting's people's alone.
"""

from django.db.models import Q

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.directory.memberships import manages, organisation_ids_of
from karvan.directory.models import Organisation
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    Meeting,
    MeetingRequest,
    Registration,
)


def is_organiser(user: Viewer, event: Event) -> bool:
    return user.is_authenticated and (
        user.is_staff or event.organiser_id in organisation_ids_of(user)
    )


def can_create_event_for(user: User, organisation_id: int) -> bool:
    return user.is_authenticated and (user.is_staff or organisation_id in organisation_ids_of(user))


def can_view_event(user: Viewer, event: Event) -> bool:
    """Drafts and cancelled events are the organiser's; the others are public."""
    if event.status in {Event.Status.PUBLISHED, Event.Status.CLOSED}:
        return True
    return is_organiser(user, event)


def can_register_for(user: User, event: Event, organisation_id: int) -> bool:
    return event.is_open_for_registration and organisation_id in organisation_ids_of(user)


def leads_delegation(user: User, delegation: Delegation | None) -> bool:
    return delegation is not None and delegation.leader_id in organisation_ids_of(user)


def can_manage_delegation(user: User, delegation: Delegation) -> bool:
    return leads_delegation(user, delegation) or is_organiser(user, delegation.event)


def manages_organisation(user: User, organisation: Organisation) -> bool:
    """An owner or administrator of the organisation: who answers for it."""
    return manages(user, organisation.pk)


def can_answer_delegation_invitation(user: User, invitation: DelegationInvitation) -> bool:
    """Only the invited organisation's managers: neither the leader nor the organiser answers
    for it."""
    return manages_organisation(user, invitation.organisation)


def can_view_delegation_invitation(user: User, invitation: DelegationInvitation) -> bool:
    return can_answer_delegation_invitation(user, invitation) or can_manage_delegation(
        user, invitation.delegation
    )


def has_joined_delegation(organisation_id: int, delegation: Delegation) -> bool:
    """The leading organisation, or one whose manager accepted the delegation's invitation."""
    return (
        organisation_id == delegation.leader_id
        or delegation.members.filter(pk=organisation_id).exists()
    )


def has_consented(organisation_id: int, event: Event) -> bool:
    """Whether an organisation agreed to have its people registered by others for an event: it
    leads or joined one of the event's delegations."""
    return (
        Delegation.objects.filter(event=event)
        .filter(Q(leader_id=organisation_id) | Q(members__pk=organisation_id))
        .exists()
    )


def can_act_for(user: User, registration: Registration) -> bool:
    """Send and answer meeting requests, give feedback: the person, or their colleagues."""
    if not user.is_authenticated:
        return False
    return registration.person_id == user.pk or registration.organisation_id in organisation_ids_of(
        user
    )


def can_view_registration(user: User, registration: Registration) -> bool:
    return (
        can_act_for(user, registration)
        or leads_delegation(user, registration.delegation)
        or is_organiser(user, registration.event)
    )


def can_edit_registration(user: User, registration: Registration) -> bool:
    return can_act_for(user, registration) or leads_delegation(user, registration.delegation)


def can_decide_registration(user: User, registration: Registration) -> bool:
    return is_organiser(user, registration.event)


def can_view_meeting_request(user: User, request: MeetingRequest) -> bool:
    return (
        can_act_for(user, request.sender)
        or can_act_for(user, request.recipient)
        or is_organiser(user, request.event)
    )


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    """The organiser always; the meeting's people (and their colleagues) once it is published:
    until then it is the organiser's draft."""
    if is_organiser(user, meeting.event):
        return True
    return meeting.is_published and any(
        can_act_for(user, registration) for registration in meeting.participants.all()
    )


def can_view_participants(user: User, event: Event) -> bool:
    """Who sees an event's list of participants: the organiser, and whoever acts for an approved
    registration (the person, or a colleague of the same organisation)."""
    if is_organiser(user, event):
        return True
    if not user.is_authenticated:
        return False
    return event.registrations.filter(
        Q(person_id=user.pk) | Q(organisation_id__in=organisation_ids_of(user)),
        status=Registration.Status.APPROVED,
    ).exists()


def can_join_video(user: User, meeting: Meeting) -> bool:
    """Only the people in the meeting themselves, not their colleagues nor the organiser."""
    return user.is_authenticated and any(
        registration.person_id == user.pk for registration in meeting.participants.all()
    )


def can_view_agenda(user: User, registration: Registration) -> bool:
    return can_view_registration(user, registration)
