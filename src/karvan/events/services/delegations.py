"""Delegations: an organisation leads one, invites others (their managers accept), and
registers the people of those that joined, one by one or from a file."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from karvan.accounts.models import User
from karvan.core.errors import DomainError, NotAllowedError
from karvan.directory.memberships import MANAGER_ROLES, is_member, organisation_ids_of, people_of
from karvan.directory.models import Organisation
from karvan.events import notifications as kinds
from karvan.events.errors import (
    AlreadyInDelegationError,
    DelegationExistsError,
    EventNotOpenError,
    InvitationExistsError,
    InvitationNotPendingError,
)
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    Registration,
)
from karvan.events.permissions import (
    can_answer_delegation_invitation,
    can_manage_delegation,
    has_joined_delegation,
    is_organiser,
    manages_organisation,
)
from karvan.events.selectors import get_organisation_by_registry_id
from karvan.events.services.registrations import register_person
from karvan.notifications.services import notify


@transaction.atomic
def create_delegation(*, actor: User, event: Event, leader: Organisation, name: str) -> Delegation:
    """A delegation led by one of the actor's organisations (or set up by the organiser)."""
    if not (leader.pk in organisation_ids_of(actor) or is_organiser(actor, event)):
        raise NotAllowedError()
    if not event.is_open_for_registration and not is_organiser(actor, event):
        raise EventNotOpenError()
    if Delegation.objects.filter(event=event, leader=leader).exists():
        raise DelegationExistsError()
    return Delegation.objects.create(event=event, leader=leader, name=name.strip()[:200])


@transaction.atomic
def invite_to_delegation(
    *, actor: User, delegation: Delegation, organisation: Organisation
) -> DelegationInvitation:
    """Ask an organisation to join a delegation; its managers are told and answer.

    Raises AlreadyInDelegationError or InvitationExistsError.
    """
    if not can_manage_delegation(actor, delegation):
        raise NotAllowedError()
    if has_joined_delegation(organisation.pk, delegation):
        raise AlreadyInDelegationError(field="registry_id")
    invitation = DelegationInvitation(
        delegation=delegation, organisation=organisation, invited_by=actor
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:  # the unique pending invitation
        raise InvitationExistsError(field="registry_id") from error
    notify(
        recipients=people_of(organisation.pk, roles=MANAGER_ROLES),
        kind=kinds.DELEGATION_INVITED,
        params={"leader": delegation.leader.name, "event": delegation.event.title},
        url=invitation.get_absolute_url(),
    )
    return invitation


def _locked_pending_invitation(invitation: DelegationInvitation) -> DelegationInvitation:
    invitation = DelegationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationNotPendingError()
    return invitation


def _answer_invitation(
    invitation: DelegationInvitation, actor: User, status: str, kind: str
) -> DelegationInvitation:
    if not can_answer_delegation_invitation(actor, invitation):
        raise NotAllowedError()
    invitation = _locked_pending_invitation(invitation)
    invitation.status, invitation.decided_by = status, actor
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    delegation = invitation.delegation
    if status == DelegationInvitation.Status.ACCEPTED:
        delegation.members.add(invitation.organisation)
    notify(
        recipients=people_of(delegation.leader_id),
        kind=kind,
        params={"organisation": invitation.organisation.name, "event": delegation.event.title},
        url=delegation.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def accept_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    """A manager of the invited organisation agrees: it joins the delegation, whose leader may
    then register its people. Raises InvitationNotPendingError."""
    return _answer_invitation(
        invitation,
        actor,
        DelegationInvitation.Status.ACCEPTED,
        kinds.DELEGATION_INVITATION_ACCEPTED,
    )


@transaction.atomic
def decline_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    """A manager of the invited organisation refuses: it does not join. Raises
    InvitationNotPendingError."""
    return _answer_invitation(
        invitation,
        actor,
        DelegationInvitation.Status.DECLINED,
        kinds.DELEGATION_INVITATION_DECLINED,
    )


@transaction.atomic
def withdraw_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    """The leader (or organiser) takes back an invitation not yet answered. Raises
    InvitationNotPendingError."""
    if not can_manage_delegation(actor, invitation.delegation):
        raise NotAllowedError()
    invitation = _locked_pending_invitation(invitation)
    invitation.status, invitation.decided_by = DelegationInvitation.Status.WITHDRAWN, actor
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return invitation


@transaction.atomic
def remove_delegation_member(
    *, actor: User, delegation: Delegation, organisation: Organisation
) -> Delegation:
    """The leader (or organiser) removes an organisation, or one of its managers takes it out."""
    if not (can_manage_delegation(actor, delegation) or manages_organisation(actor, organisation)):
        raise NotAllowedError()
    delegation.members.remove(organisation)
    return delegation


class RowError:
    """One problem of an imported row, translated when shown (in the reader's language)."""

    def __init__(self, message: str | Promise, **params: object) -> None:
        self.message, self.params = message, params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


@dataclass
class ImportRow:
    number: int  # the row's line in the file (the header is line 1)
    email: str
    errors: list[RowError] = field(default_factory=list)
    registration: Registration | None = None


def _find_organisation(delegation: Delegation, record: Mapping[str, str]) -> Organisation | None:
    """The row's organisation on Karvan, by registry identifier (and country) or by name among
    the delegation's organisations; None when there is none."""
    if record.get("registry_id", "").strip():
        try:
            return get_organisation_by_registry_id(
                registry_id=record["registry_id"], country=record.get("country", "")
            )
        except Organisation.DoesNotExist:
            return None
    name = record.get("organisation", "").casefold()
    candidates = [delegation.leader, *delegation.members.all()]
    return next(
        (o for o in candidates if name and name in {v.casefold() for v in o.name.values()}), None
    )


def _organisation_problem(
    delegation: Delegation, record: Mapping[str, str], organisation: Organisation | None
) -> RowError | None:
    label = record.get("organisation") or record.get("registry_id") or "—"
    if organisation is None:
        return RowError(
            gettext_lazy(
                "No organisation %(name)s is registered on Karvan: it must register first, be "
                "invited to the delegation and accept."
            ),
            name=label,
        )
    if not has_joined_delegation(organisation.pk, delegation):
        return RowError(
            gettext_lazy(
                "%(name)s has not joined the delegation: invite it, and one of its managers must "
                "accept before its people can be registered."
            ),
            name=label,
        )
    return None


def import_delegation(
    *, actor: User, delegation: Delegation, records: Sequence[Mapping[str, str]]
) -> list[ImportRow]:
    """Register a delegation's people from rows of a file; every row gets a report.

    A row is registered only when its e-mail address is an account that is already a member of
    an organisation in the delegation (its leader, or one that accepted the invitation); every
    other row is reported with its reason. The import never creates accounts, memberships or
    organisations, and never adds an organisation to the delegation.
    """
    if not can_manage_delegation(actor, delegation):
        raise NotAllowedError()
    event = delegation.event
    sessions = {s.title.casefold(): s for s in event.sessions.all() if s.title}
    sessions.update({str(n): s for n, s in enumerate(event.sessions.all(), start=1)})
    report = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=2):
        email = record.get("email", "").strip().lower()
        row = ImportRow(number=number, email=email)
        report.append(row)
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(RowError(gettext_lazy("The e-mail address is not valid.")))
        if email in seen:
            row.errors.append(
                RowError(gettext_lazy("This e-mail address appears twice in the file."))
            )
        seen.add(email)
        organisation = _find_organisation(delegation, record)
        problem = _organisation_problem(delegation, record, organisation)
        if problem is not None:
            row.errors.append(problem)
        chosen = []
        for key in [k.strip() for k in record.get("sessions", "").split(";") if k.strip()]:
            session = sessions.get(key.casefold())
            if session is None:
                row.errors.append(RowError(gettext_lazy("Unknown session %(name)s."), name=key))
            else:
                chosen.append(session)
        person = User.objects.filter(email__iexact=email).first() if email else None
        if (
            problem is None
            and not row.errors
            and (person is None or organisation is None or not is_member(person, organisation.pk))
        ):
            row.errors.append(
                RowError(
                    gettext_lazy(
                        "No member of %(name)s has this e-mail address: the organisation's "
                        "managers add the person to it on Karvan first."
                    ),
                    name=record.get("organisation") or record.get("registry_id") or "—",
                )
            )
        if (
            person
            and Registration.objects.filter(event=event, person=person)
            .exclude(status=Registration.Status.CANCELLED)
            .exists()
        ):
            row.errors.append(
                RowError(gettext_lazy("This person is already registered for the event."))
            )
        if row.errors or organisation is None or person is None:  # both reported above
            continue
        try:
            with transaction.atomic():
                row.registration = register_person(
                    actor=actor,
                    event=event,
                    organisation=organisation,
                    person=person,
                    sessions=chosen,
                    delegation=delegation,
                    notify_organiser=False,
                )
        except DomainError as error:
            row.errors.append(RowError(error.message, **error.params))
    return report
