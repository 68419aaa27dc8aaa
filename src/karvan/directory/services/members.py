"""Who acts for an organisation: invitations, roles, leaving, and the last owner who stays."""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.core.mail import send_rendered_mail
from karvan.core.signals import send_identity_changed_on_commit
from karvan.directory import memberships
from karvan.directory import notifications as kinds
from karvan.directory.errors import (
    AlreadyMemberError,
    InvitationClosedError,
    InvitationEmailMismatchError,
    LastOwnerError,
)
from karvan.directory.models import (
    Invitation,
    Membership,
    Organisation,
)
from karvan.directory.permissions import (
    can_assign_role,
)
from karvan.notifications.services import notify


@transaction.atomic
def invite_member(
    *, organisation: Organisation, actor: User, email: str, role: str, language: str
) -> Invitation:
    """Invite someone by e-mail to join with a role; the mail is in the inviter's language."""
    if not can_assign_role(actor, organisation, role):
        raise NotAllowedError()
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise AlreadyMemberError(field="email")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
    )
    transaction.on_commit(
        lambda: send_rendered_mail(
            to=email,
            language=language,
            time_zone=actor.time_zone,
            calendar=actor.calendar,
            template="directory/email/invitation",
            context={
                "invitation": invitation,
                "organisation_name": organisation.name,
                "inviter": actor,
                "path": reverse("directory:invitation", args=[invitation.token]),
            },
        )
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, actor: User) -> Membership:
    """Join the organisation an open invitation names; only its addressee may accept."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationClosedError()
    if invitation.email.lower() != actor.email.lower():
        raise InvitationEmailMismatchError(email=invitation.email)
    membership, created = Membership.objects.get_or_create(
        user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created:
        raise AlreadyMemberError()
    memberships.forget(actor)
    if membership.role == Membership.Role.OWNER:
        send_identity_changed_on_commit(__name__, user_id=actor.pk)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    if invitation.invited_by is not None:
        notify(
            recipients=[invitation.invited_by],
            kind=kinds.INVITATION_ACCEPTED,
            params={"person": actor.name_versions, "organisation": invitation.organisation.name},
            url=reverse("directory:members", args=[invitation.organisation_id]),
        )
    return membership


@transaction.atomic
def change_member_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Give a member another role; the last owner stays an owner."""
    organisation = membership.organisation
    if not (
        can_assign_role(actor, organisation, role)
        and can_assign_role(actor, organisation, membership.role)
    ):
        raise NotAllowedError()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _keep_an_owner(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    memberships.forget(actor)
    if role == Membership.Role.OWNER:
        send_identity_changed_on_commit(__name__, user_id=membership.user_id)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    """Remove a member (or leave, when the actor is that member); the last owner stays."""
    leaving = actor.pk == membership.user_id
    if not leaving and not can_assign_role(actor, membership.organisation, membership.role):
        raise NotAllowedError()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER:
        _keep_an_owner(membership)
    membership.delete()
    memberships.forget(actor)


def _keep_an_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=Membership.Role.OWNER
    )
    if owners.exclude(pk=membership.pk).count() == 0:
        raise LastOwnerError()


@transaction.atomic
def add_member(*, organisation: Organisation, user: User, role: str) -> Membership:
    """Make a person a member with a role, or change their role (imports and the demo scenario)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    memberships.forget(user)
    return membership
