"""Who may see and do what with opportunities, interests and quotations."""

from karvan.accounts.http import Viewer
from karvan.directory import memberships
from karvan.opportunities.models import Interest, Opportunity, Quotation


def _organisation_ids(user: Viewer) -> set[int]:
    return memberships.organisation_ids_of(user)


def is_member_of(user: Viewer, organisation_id: int) -> bool:
    return memberships.is_member(user, organisation_id)


def can_view_opportunity(user: Viewer, opportunity: Opportunity) -> bool:
    """Published opportunities are public; drafts and closed ones belong to their organisation."""
    if opportunity.status == Opportunity.Status.PUBLISHED:
        return True
    return user.is_authenticated and (
        user.is_staff or is_member_of(user, opportunity.organisation_id)
    )


def can_review_opportunity(user: Viewer, opportunity: Opportunity) -> bool:
    """The center's staff decide on the opportunities that await review, never on their own
    organisation's (as with an organisation's verification)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_member_of(user, opportunity.organisation_id)
    )


def can_assess_opportunity(user: Viewer, opportunity: Opportunity) -> bool:
    """The clarity score is for those who act on it: its editors and the center's staff."""
    return (user.is_authenticated and user.is_staff) or can_edit_opportunity(user, opportunity)


def can_create_opportunity_for(user: Viewer, organisation_id: int) -> bool:
    return is_member_of(user, organisation_id)


def can_edit_opportunity(user: Viewer, opportunity: Opportunity) -> bool:
    """Its author, and its organisation's owners and administrators."""
    if not user.is_authenticated:
        return False
    if opportunity.author_id == user.pk and is_member_of(user, opportunity.organisation_id):
        return True
    return memberships.manages(user, opportunity.organisation_id)


def can_express_interest(user: Viewer, opportunity: Opportunity) -> bool:
    """Members of another organisation, while the opportunity is open."""
    others = _organisation_ids(user) - {opportunity.organisation_id}
    return bool(others) and opportunity.is_open


def can_view_interest(user: Viewer, interest: Interest) -> bool:
    """The two organisations' members, and the center's staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    mine = _organisation_ids(user)
    return interest.organisation_id in mine or interest.opportunity.organisation_id in mine


def can_decide_interest(user: Viewer, interest: Interest) -> bool:
    return can_edit_opportunity(user, interest.opportunity)


def can_view_quotations_of(user: Viewer, opportunity: Opportunity) -> bool:
    """The buyer's members see every quotation of their request."""
    return is_member_of(user, opportunity.organisation_id)


def can_view_quotation(user: Viewer, quotation: Quotation) -> bool:
    """A quotation is seen by the buyer and by its own supplier, never by other suppliers."""
    mine = _organisation_ids(user)
    return quotation.organisation_id in mine or quotation.opportunity.organisation_id in mine
