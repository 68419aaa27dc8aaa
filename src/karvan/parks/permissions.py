"""Who may manage a park and read its investor inquiries."""

from karvan.accounts.http import Viewer
from karvan.directory.models import Membership
from karvan.parks.models import Inquiry, Park

MANAGING_ROLES = {Membership.Role.OWNER, Membership.Role.ADMIN}


def can_manage_park(user: Viewer, park: Park) -> bool:
    """The park organisation's owners and administrators."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organisation_id=park.organisation_id, role__in=MANAGING_ROLES
        ).exists()
    )


def can_inquire(user: Viewer, park: Park) -> bool:
    """Members of another organisation."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user)
        .exclude(organisation_id=park.organisation_id)
        .exists()
    )


def can_view_inquiry(user: Viewer, inquiry: Inquiry) -> bool:
    """The park's administrators and the inquiring organisation's members; nobody else, not
    even other members of the park."""
    if not user.is_authenticated:
        return False
    if Membership.objects.filter(user=user, organisation_id=inquiry.organisation_id).exists():
        return True
    return can_manage_park(user, inquiry.park)
