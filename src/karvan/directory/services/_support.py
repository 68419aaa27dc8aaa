"""What the directory's services share: an organisation's managers, and putting an organisation
in front of the center's staff."""

from karvan.accounts.models import User
from karvan.accounts.selectors import list_center_staff
from karvan.directory import memberships
from karvan.directory import notifications as kinds
from karvan.directory.models import (
    Organisation,
    VerificationEvent,
)
from karvan.notifications.services import notify


def submit_for_verification(organisation: Organisation, actor: User) -> None:
    """Record the submission and put it in front of the center's staff."""
    VerificationEvent.objects.create(
        organisation=organisation, actor=actor, action=VerificationEvent.Action.SUBMITTED
    )
    notify(
        recipients=list_center_staff(),
        kind=kinds.ORGANISATION_SUBMITTED,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )


def managers_of(organisation: Organisation) -> list[User]:
    return memberships.people_of(organisation.pk, roles=memberships.MANAGER_ROLES)
