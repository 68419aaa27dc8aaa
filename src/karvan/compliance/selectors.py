from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from karvan.accounts.models import User
from karvan.compliance.models import Case, CaseEvent, ListVersion
from karvan.compliance.permissions import can_review_cases

# Cases that stop an organisation or a person from signing: not yet decided, or confirmed.
BLOCKING = (Case.Status.OPEN, Case.Status.IN_REVIEW, Case.Status.CONFIRMED)


def list_cases(
    *, viewer: User, status: str | None = None, kind: str | None = None
) -> QuerySet[Case]:
    """The review queue; empty for anyone but compliance officers."""
    if not can_review_cases(viewer):
        return Case.objects.none()
    cases = Case.objects.select_related("organisation", "person", "entry", "list_version")
    if status:
        cases = cases.filter(status=status)
    if kind == "organisation":
        cases = cases.filter(organisation__isnull=False)
    elif kind == "person":
        cases = cases.filter(person__isnull=False)
    return cases.order_by("-opened_at", "-pk")


def count_cases(*, viewer: User) -> dict[str, int]:
    """Cases by status, for the queue's filters and the dashboard."""
    counts = {status: 0 for status in Case.Status.values}
    if can_review_cases(viewer):
        for row in Case.objects.values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
    return counts


def list_case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "list_version").order_by("created_at", "pk")


def list_versions() -> QuerySet[ListVersion]:
    return ListVersion.objects.order_by("-loaded_at", "-pk")


def signing_blocked_reason(agreement: object) -> str | None:
    """Why the agreement cannot be signed yet, or None: a party or a signatory has a screening case
    that is undecided or confirmed. The message says only that the center is checking, never which
    list or entry."""
    parties = getattr(agreement, "parties", None)
    signatories = getattr(agreement, "signatories", None)
    if parties is None or signatories is None:
        return None
    organisation_ids = list(parties.values_list("organisation_id", flat=True))
    person_ids = list(signatories.values_list("user_id", flat=True))
    blocked = Case.objects.filter(
        Q(organisation_id__in=organisation_ids) | Q(person_id__in=person_ids),
        status__in=BLOCKING,
    ).exists()
    if not blocked:
        return None
    return _(
        "The center is completing its compliance checks of this agreement's parties and "
        "signatories. It can be signed once they are complete."
    )
