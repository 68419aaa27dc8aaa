"""Reading opportunities, interests and quotations as a given viewer may."""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from karvan.accounts.http import Viewer
from karvan.core.errors import NotAllowedError
from karvan.core.models import ComplianceHold
from karvan.directory import memberships
from karvan.directory.models import Membership, Organisation
from karvan.directory.selectors import get_public_identity
from karvan.opportunities.models import Interest, Opportunity, Quotation
from karvan.opportunities.permissions import (
    can_assess_opportunity,
    can_view_quotation,
)
from karvan.opportunities.quality import QualityReport, assess_listing


def _viewer_organisation_ids(viewer: Viewer) -> list[int]:
    return sorted(memberships.organisation_ids_of(viewer))


def list_opportunities(
    *,
    viewer: Viewer,
    kind: str = "",
    organisation_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[Opportunity]:
    """Published opportunities, plus the drafts and closed ones of the viewer's organisations
    (searching them with filters is `search.search_opportunities`)."""
    rows = Opportunity.objects.all()
    if not (viewer.is_authenticated and viewer.is_staff):
        # An organisation the compliance screening confirmed as listed is out of lists and matching.
        # The held organisations are few: a subquery over them, not a join with every
        # organisation (at 100,000 organisations the join cost a scan of them per query).
        held = Organisation.objects.filter(compliance_hold=ComplianceHold.CONFIRMED).values("pk")
        rows = rows.filter(
            Q(status=Opportunity.Status.PUBLISHED) & ~Q(organisation_id__in=held)
            | Q(organisation_id__in=_viewer_organisation_ids(viewer))
        )
    if open_only:
        rows = rows.filter(status=Opportunity.Status.PUBLISHED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
        )
    if kind:
        rows = rows.filter(kind=kind)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return rows.select_related("organisation").prefetch_related("hs_codes", "sectors")


def opportunity_filters(
    *,
    side: str = "",
    kind: str = "",
    country: str = "",
    hs_chapter: str = "",
    sector: str = "",
    certification: str = "",
) -> Q:
    """The search's filters as one condition (empty without any): the search keeps the rows it
    holds for, and reads it as a flag of each hit."""
    condition = Q()
    if side:
        condition &= Q(side=side)
    if kind:
        condition &= Q(kind=kind)
    if country:
        condition &= Q(organisation__country=country)
    # Conditions on the codes are subqueries, not joins: no duplicates to remove with DISTINCT.
    if hs_chapter:
        condition &= Q(
            pk__in=Opportunity.hs_codes.through.objects.filter(
                hscode__code__startswith=hs_chapter[:2]
            ).values("opportunity_id")
        )
    if sector:
        condition &= Q(
            pk__in=Opportunity.sectors.through.objects.filter(
                Q(isiccode_id=sector) | Q(isiccode__parent_id=sector)
            ).values("opportunity_id")
        )
    if certification:
        condition &= Q(certifications__icontains=certification)
    return condition


def get_opportunity(*, viewer: Viewer, pk: int) -> Opportunity:
    """One opportunity the viewer may see; raise DoesNotExist otherwise (drafts leak nothing)."""
    return list_opportunities(viewer=viewer).get(pk=pk)


def assess_opportunity(*, viewer: Viewer, opportunity: Opportunity) -> QualityReport:
    """The clarity score and advice, for the people who act on it: its editors and reviewers."""
    if not can_assess_opportunity(viewer, opportunity):
        raise NotAllowedError()
    return assess_listing(
        title=opportunity.title,
        description=opportunity.description,
        language=opportunity.language,
        kind=opportunity.kind,
        hs_codes=opportunity.hs_codes.count(),
        sectors=opportunity.sectors.count(),
        has_quantity=opportunity.quantity is not None,
        has_price=opportunity.price_min is not None or opportunity.price_max is not None,
        has_incoterm=bool(opportunity.incoterm),
        target_countries=len(opportunity.target_countries),
    )


def list_opportunities_in_review(*, viewer: Viewer) -> list[tuple[Opportunity, QualityReport]]:
    """What awaits the staff's review, the longest waiting first, with the score the author saw."""
    rows = (
        Opportunity.objects.filter(status=Opportunity.Status.IN_REVIEW)
        .select_related("organisation")
        .prefetch_related("hs_codes", "sectors")
        .order_by("submitted_at", "pk")
    )
    return [(row, assess_opportunity(viewer=viewer, opportunity=row)) for row in rows]


def summarise_opportunity_facets(rows: QuerySet[Opportunity]) -> Mapping[str, dict[str, int]]:
    """How many of these rows fall in each side, kind, country and HS chapter."""
    base = Opportunity.objects.filter(pk__in=rows.order_by().values("pk"))
    facets: dict[str, dict[str, int]] = {}
    for name, field in (("side", "side"), ("kind", "kind"), ("country", "organisation__country")):
        counts = base.order_by().values(field).annotate(total=Count("pk"))
        facets[name] = {row[field]: row["total"] for row in counts}
    # Counted in the database (opportunities per chapter of any of their codes), not row by row
    # here: a query over every open opportunity must not bring each one into Python.
    chapters = (
        base.order_by()
        .filter(hs_codes__code__gt="")
        .annotate(chapter=Substr("hs_codes__code", 1, 2))
        .values("chapter")
        .annotate(total=Count("pk", distinct=True))
    )
    facets["hs_chapter"] = {
        row["chapter"]: row["total"]
        for row in sorted(chapters, key=lambda row: (-row["total"], row["chapter"]))
    }
    return facets


def summarise_found_facets(
    rows: QuerySet[Opportunity], facts: Sequence[tuple[str, str, str]]
) -> Mapping[str, dict[str, int]]:
    """The same facets as `summarise_opportunity_facets`, for a search's hits (thousands of rows,
    not every listing): counted here from each hit's side, kind and country (`facts`, which the
    search read with its hits) and from their codes, read in one query, rather than four grouped
    queries each finding the hits again (0.6 s at a million)."""
    facets: dict[str, dict[str, int]] = {}
    for position, name in enumerate(("side", "kind", "country")):
        facets[name] = dict(Counter(str(row[position]) for row in facts))
    chapters: dict[str, set[int]] = defaultdict(set)
    codes = Opportunity.hs_codes.through.objects.filter(
        opportunity_id__in=rows.order_by().values("pk")
    ).values_list("opportunity_id", "hscode_id")
    for opportunity_id, code in codes:
        if code:
            chapters[code[:2]].add(opportunity_id)
    facets["hs_chapter"] = {
        chapter: len(ids)
        for chapter, ids in sorted(chapters.items(), key=lambda item: (-len(item[1]), item[0]))
    }
    return facets


def list_interests(*, viewer: Viewer, received: bool | None = None) -> QuerySet[Interest]:
    """Interests the viewer's organisations sent (received=False) or received (True), or both."""
    mine = _viewer_organisation_ids(viewer)
    sent_filter = Q(organisation_id__in=mine)
    received_filter = Q(opportunity__organisation_id__in=mine)
    condition = {None: sent_filter | received_filter, True: received_filter, False: sent_filter}[
        received
    ]
    return (
        Interest.objects.filter(condition)
        .select_related("opportunity", "opportunity__organisation", "organisation")
        .order_by("-updated_at")
    )


def get_interest(*, viewer: Viewer, pk: int) -> Interest:
    """One interest of the viewer's organisations (or any, for staff); DoesNotExist otherwise."""
    rows = Interest.objects.select_related(
        "opportunity", "opportunity__organisation", "organisation"
    )
    if viewer.is_authenticated and viewer.is_staff:
        return rows.get(pk=pk)
    return list_interests(viewer=viewer).get(pk=pk)


def get_viewer_interest(*, viewer: Viewer, opportunity: Opportunity) -> Interest | None:
    """The interest one of the viewer's organisations already showed in this opportunity."""
    return Interest.objects.filter(
        opportunity=opportunity, organisation_id__in=_viewer_organisation_ids(viewer)
    ).first()


def list_quotations(*, viewer: Viewer, opportunity: Opportunity) -> QuerySet[Quotation]:
    """All quotations for the buyer; only its own for a supplier; none for anyone else."""
    mine = _viewer_organisation_ids(viewer)
    rows = Quotation.objects.filter(opportunity=opportunity).select_related("organisation")
    if opportunity.organisation_id in mine:
        return rows
    return rows.filter(organisation_id__in=mine)


def get_quotation(*, viewer: Viewer, pk: int) -> Quotation:
    """A quotation the viewer may read: its buyer's and its supplier's members only.

    Raises Quotation.DoesNotExist for anyone else (other suppliers included), as for a missing one.
    """
    quotation = Quotation.objects.select_related("opportunity", "organisation").get(pk=pk)
    if not can_view_quotation(viewer, quotation):
        raise Quotation.DoesNotExist
    return quotation


def list_viewer_organisations(*, viewer: Viewer) -> QuerySet[Membership]:
    return memberships.memberships_of(viewer)


# What staff approve when they review an opportunity. Editing one of these on a published
# opportunity sends it back to review (under KARVAN_OPPORTUNITY_REVIEW); quantities, prices,
# Incoterm, port, target countries, expiry and the RFQ deadline are commercial terms that
# change often and are edited without a new review.
MATERIAL_FACTS: dict[str, Promise] = {
    "title": _("title"),
    "description": _("description"),
    "side": _("side"),
    "kind": _("kind"),
    "hs_codes": _("HS codes"),
    "sectors": _("sectors (ISIC)"),
    "certifications": _("certifications"),
    "organisation": _("organisation's identity"),
}


def get_material_facts(*, opportunity: Opportunity) -> dict[str, object]:
    """The opportunity's reviewed facts as they stand now (JSON-ready, lists sorted)."""
    return {
        "title": opportunity.title,
        "description": opportunity.description,
        "side": opportunity.side,
        "kind": opportunity.kind,
        # Through `.all()`, so a queue that prefetched the codes reads none per row.
        "hs_codes": sorted(code.code for code in opportunity.hs_codes.all()),
        "sectors": sorted(code.code for code in opportunity.sectors.all()),
        "certifications": sorted(opportunity.certifications),
        "organisation": get_public_identity(organisation=opportunity.organisation).as_dict(),
    }


@dataclass(frozen=True)
class ReviewChange:
    """One fact changed since the opportunity was last public: what staff review again."""

    field: str
    label: str
    before: str
    after: str


def _as_text(field: str, value: object) -> str:
    if field == "organisation" and isinstance(value, Mapping):
        names = " / ".join(str(name) for name in dict(value.get("name") or {}).values())
        return " · ".join(
            part
            for part in (names, str(value.get("country", "")), str(value.get("registry_id", "")))
            if part
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def list_review_changes(*, opportunity: Opportunity) -> list[ReviewChange]:
    """What changed in the reviewed facts since the opportunity was last public; empty for a
    first submission."""
    before = opportunity.reviewed_facts
    if not before:
        return []
    now = get_material_facts(opportunity=opportunity)
    return [
        ReviewChange(
            field=field,
            label=str(label),
            before=_as_text(field, before.get(field)),
            after=_as_text(field, now[field]),
        )
        for field, label in MATERIAL_FACTS.items()
        if before.get(field) != now[field]
    ]


def list_interests_to_answer(*, viewer: Viewer) -> QuerySet[Interest]:
    """Interests shown in the viewer's organisations' listings that await their answer."""
    return (
        list_interests(viewer=viewer, received=True)
        .filter(status=Interest.Status.PENDING)
        .order_by("created_at", "pk")
    )


def list_quotations_to_compare(*, viewer: Viewer) -> QuerySet[Opportunity]:
    """The viewer's organisations' open requests for quotation that have received quotations,
    the nearest deadline first, each with `quotation_count`."""
    return (
        Opportunity.objects.filter(
            organisation_id__in=_viewer_organisation_ids(viewer),
            is_rfq=True,
            status=Opportunity.Status.PUBLISHED,
            quotation_deadline__gt=timezone.now(),
        )
        .annotate(quotation_count=Count("quotations"))
        .filter(quotation_count__gt=0)
        .select_related("organisation")
        .order_by("quotation_deadline", "pk")
    )


def has_published_listing(*, viewer: Viewer) -> bool:
    """Whether one of the viewer's organisations has ever published a listing."""
    return Opportunity.objects.filter(
        organisation_id__in=_viewer_organisation_ids(viewer), published_at__isnull=False
    ).exists()
