"""Who may do what to an organisation. Services ask these; pages and API never decide alone."""

from karvan.accounts.http import Viewer
from karvan.core.models import ComplianceHold
from karvan.directory import memberships
from karvan.directory.models import Membership, Organisation


def _role(user: Viewer, organisation: Organisation) -> str | None:
    return memberships.role_in(user, organisation.pk)


def is_member(user: Viewer, organisation: Organisation) -> bool:
    return _role(user, organisation) is not None


def can_view_organisation(user: Viewer, organisation: Organisation) -> bool:
    """Refused organisations, and those the compliance screening confirmed as listed, are
    visible only to their members and the center's staff."""
    hidden = organisation.compliance_hold == ComplianceHold.CONFIRMED
    if organisation.verification != Organisation.Verification.REJECTED and not hidden:
        return True
    return user.is_authenticated and (user.is_staff or is_member(user, organisation))


def can_edit_organisation(user: Viewer, organisation: Organisation) -> bool:
    """Owners and administrators edit their organisation's profile."""
    return _role(user, organisation) in {Membership.Role.OWNER, Membership.Role.ADMIN}


def can_manage_members(user: Viewer, organisation: Organisation) -> bool:
    return can_edit_organisation(user, organisation)


def can_verify_organisation(user: Viewer, organisation: Organisation) -> bool:
    """The center's staff verify organisations, never their own."""
    return user.is_authenticated and user.is_staff and not is_member(user, organisation)


def can_sign_for_organisation(user: Viewer, organisation: Organisation) -> bool:
    return _role(user, organisation) in {Membership.Role.OWNER, Membership.Role.SIGNATORY}


def can_assign_role(user: Viewer, organisation: Organisation, role: str) -> bool:
    """Managers give roles; only an owner makes, unmakes or removes an owner."""
    if not can_manage_members(user, organisation):
        return False
    return role != Membership.Role.OWNER or _role(user, organisation) == Membership.Role.OWNER


def can_view_verification_documents(user: Viewer, organisation: Organisation) -> bool:
    """An organisation's verification evidence is its own members' and the center's staff's."""
    return user.is_authenticated and (user.is_staff or is_member(user, organisation))
