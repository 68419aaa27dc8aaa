"""The organisation page's blocks of opportunities, registered in `core.panels`: the directory
owns the page but imports neither opportunities nor matching."""

from collections.abc import Mapping

from django.http import HttpRequest

from karvan.core.panels import Panel, register_panel
from karvan.directory.models import Organisation
from karvan.opportunities.matching.recommendations import recommend_for_organisation
from karvan.opportunities.selectors import list_opportunities

ORGANISATION_PAGE = "directory.organisation"


def _open_opportunities(request: HttpRequest, organisation: object) -> Mapping[str, object] | None:
    if not isinstance(organisation, Organisation):
        return None
    opportunities = list(
        list_opportunities(viewer=request.user, organisation_id=organisation.pk, open_only=True)[
            :12
        ]
    )
    return {"opportunities": opportunities} if opportunities else None


def _partners(request: HttpRequest, organisation: object) -> Mapping[str, object] | None:
    if not isinstance(organisation, Organisation):
        return None
    recommendations = recommend_for_organisation(
        viewer=request.user, organisation=organisation, top=6
    )
    return {"recommendations": recommendations} if recommendations else None


def register_panels() -> None:
    register_panel(
        Panel(
            ORGANISATION_PAGE,
            "opportunities",
            "opportunities/_organisation_opportunities.html",
            _open_opportunities,
            order=10,
        )
    )
    register_panel(
        Panel(
            ORGANISATION_PAGE,
            "partners",
            "opportunities/_organisation_partners.html",
            _partners,
            order=20,
        )
    )
