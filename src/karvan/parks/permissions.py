"""Who may manage a park and read its investor inquiries."""

from karvan.accounts.http import Viewer
from karvan.directory import memberships
from karvan.parks.models import Inquiry, Park


def can_manage_park(user: Viewer, park: Park) -> bool:
    """The park organisation's owners and administrators."""
    return memberships.manages(user, park.organisation_id)


def can_inquire(user: Viewer, park: Park) -> bool:
    """Members of another organisation."""
    return bool(memberships.organisation_ids_of(user) - {park.organisation_id})


def can_view_inquiry(user: Viewer, inquiry: Inquiry) -> bool:
    """The park's administrators and the inquiring organisation's members; nobody else, not
    even other members of the park."""
    if not user.is_authenticated:
        return False
    if memberships.is_member(user, inquiry.organisation_id):
        return True
    return can_manage_park(user, inquiry.park)
