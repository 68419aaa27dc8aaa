"""What the directory's services share: who the staff and an organisation's managers are, and
putting an organisation in front of the staff."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from karvan.accounts.models import User
from karvan.directory import memberships
from karvan.directory import notifications as kinds
from karvan.directory.models import (
    Organisation,
    VerificationEvent,
)
from karvan.notifications.services import notify


def _staff() -> Iterable[User]:
    return get_user_model().objects.filter(is_staff=True, is_active=True)


def _submit_for_verification(organisation: Organisation, actor: User) -> None:
    """Record the submission and put it in front of the center's staff."""
    VerificationEvent.objects.create(
        organisation=organisation, actor=actor, action=VerificationEvent.Action.SUBMITTED
    )
    notify(
        recipients=_staff(),
        kind=kinds.ORGANISATION_SUBMITTED,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )


def _managers(organisation: Organisation) -> list[User]:
    return memberships.people_of(organisation.pk, roles=memberships.MANAGER_ROLES)
