"""Reading parks, their units and investment opportunities, and the inquiries a viewer may see."""

from django.db.models import Count, Q, QuerySet, Sum

from karvan.accounts.http import Viewer
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import list_opportunities
from karvan.parks.models import Inquiry, Park, Unit


def list_parks(
    *, country: str = "", free_zone: bool | None = None, sector: str = "", province: str = ""
) -> QuerySet[Park]:
    """Parks whose organisation is not refused, with their count of available units."""
    rows = Park.objects.exclude(
        organisation__verification=Organisation.Verification.REJECTED
    ).annotate(available_units=Count("units", filter=Q(units__status=Unit.Status.AVAILABLE)))
    if country:
        rows = rows.filter(organisation__country=country)
    if free_zone is not None:
        rows = rows.filter(is_free_zone=free_zone)
    if sector:
        rows = rows.filter(Q(sectors__code=sector) | Q(sectors__parent__code=sector)).distinct()
    if province:
        rows = rows.filter(organisation__province__icontains=province)
    return rows.select_related("organisation").prefetch_related("sectors")


def get_park(*, pk: int) -> Park:
    """Raises Park.DoesNotExist, also for a park whose organisation was refused."""
    return list_parks().get(pk=pk)


def list_units(*, park: Park | None = None, status: str = "", kind: str = "") -> QuerySet[Unit]:
    rows = Unit.objects.exclude(park__organisation__verification=Organisation.Verification.REJECTED)
    if park is not None:
        rows = rows.filter(park=park)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("park", "park__organisation")


def list_park_opportunities(*, viewer: Viewer, park: Park) -> QuerySet[Opportunity]:
    """The park's open investment opportunities (the opportunities app's own listings)."""
    return list_opportunities(
        viewer=viewer,
        organisation_id=park.organisation_id,
        kind=Opportunity.Kind.INVESTMENT,
        open_only=True,
    )


def list_inquiries(*, viewer: Viewer, park: Park | None = None) -> QuerySet[Inquiry]:
    """Inquiries the viewer may read: those of their organisations, and those to the parks they
    administer."""
    if not viewer.is_authenticated:
        return Inquiry.objects.none()
    own = memberships.organisation_ids_of(viewer)
    managed = memberships.organisation_ids_of(viewer, roles=memberships.MANAGER_ROLES)
    rows = Inquiry.objects.filter(Q(organisation_id__in=own) | Q(park__organisation_id__in=managed))
    if park is not None:
        rows = rows.filter(park=park)
    return rows.select_related("park__organisation", "organisation", "unit", "author")


def get_inquiry(*, viewer: Viewer, pk: int) -> Inquiry:
    """Raises Inquiry.DoesNotExist for an inquiry the viewer may not read."""
    return list_inquiries(viewer=viewer).prefetch_related("messages__author").get(pk=pk)


def summarise_parks(*, country: str = "") -> dict[str, object]:
    """Totals over the listed parks: how many, land, units available."""
    parks = list_parks(country=country)
    land = parks.aggregate(total=Sum("total_land_ha"), available=Sum("available_land_ha"))
    return {
        "parks": parks.count(),
        "total_land_ha": land["total"] or 0,
        "available_land_ha": land["available"] or 0,
        "available_units": list_units(status=Unit.Status.AVAILABLE)
        .filter(park__in=parks.values("pk"))
        .count(),
    }
