import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import HttpUrl

from karvan.api.auth import request_user, request_viewer
from karvan.api.digits import NativeInt
from karvan.api.main import BoundedPageNumberPagination, anyone
from karvan.api.opportunities import RecommendationOut
from karvan.directory.models import Organisation
from karvan.directory.permissions import can_edit_organisation
from karvan.directory.selectors import (
    get_organisation,
    get_pending_identity_revision,
    list_organisations,
)
from karvan.directory.services.profiles import update_organisation
from karvan.opportunities.matching.recommendations import Recommendation, recommend_for_organisation

router: Router = Router(tags=["organisations"])

Language = Literal["fa", "zh-hans", "ar", "en"]
Texts = dict[Language, str]


class PendingIdentityOut(Schema):
    """A change of name, country or registry identifier awaiting the center's approval."""

    name: dict[str, str]
    original_language: str
    country: str
    registry_id: str
    requested_at: datetime.datetime


class OrganisationOut(Schema):
    id: int
    kind: str
    name: dict[str, str]
    description: dict[str, str]
    original_language: str
    country: str
    province: dict[str, str]
    city: dict[str, str]
    sectors: list[str]
    products: list[str]
    registry_id: str
    size: str
    founded_year: int | None
    certifications: list[str]
    website: str
    logo_url: str | None
    verification: str
    is_verified: bool
    url: str

    @staticmethod
    def resolve_sectors(obj: Organisation) -> list[str]:
        return [code.code for code in obj.sectors.all()]

    @staticmethod
    def resolve_products(obj: Organisation) -> list[str]:
        return [code.code for code in obj.products.all()]

    @staticmethod
    def resolve_logo_url(obj: Organisation) -> str | None:
        return obj.logo.url if obj.logo else None

    pending_identity: PendingIdentityOut | None = Field(
        None,
        description="Shown to the organisation's managers only: the identity they asked for. "
        "Everyone sees name, country and registry_id as the center verified them.",
    )

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_pending_identity(
        obj: Organisation, context: dict[str, object]
    ) -> dict[str, object] | None:
        request = context.get("request")
        user = getattr(request, "user", None)
        if user is None or not can_edit_organisation(user, obj):
            return None
        pending = get_pending_identity_revision(organisation=obj)
        if pending is None:
            return None
        return {**pending.as_identity(), "requested_at": pending.created_at}


class OrganisationFilters(FilterSchema):
    q: str = Field("", max_length=200, description="Full-text search in any language")
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code")
    # Ignored for mypy: runtime choices in a Literal, for pydantic.
    kind: Literal["", *Organisation.Kind.values] = ""  # type: ignore[valid-type]
    sector: str = Field("", max_length=2, description="ISIC section letter or division")
    hs_chapter: str = Field("", pattern=r"^(\d{2})?$", description="Two-digit HS chapter")
    verified: bool = False


class OrganisationPatchIn(Schema):
    kind: Literal[*Organisation.Kind.values] | None = None  # type: ignore[valid-type]  # as above
    name: Texts | None = None
    description: Texts | None = None
    original_language: Language | None = None
    province: Texts | None = None
    city: Texts | None = None
    registry_id: str | None = Field(None, max_length=32)
    # Ignored for mypy: mypy cannot unpack runtime choices into a Literal; pydantic can.
    size: Literal["", *Organisation.Size.values] | None = None  # type: ignore[valid-type]
    founded_year: NativeInt | None = Field(None, ge=1800, le=2100)
    certifications: list[str] | None = None
    website: HttpUrl | None = None
    sectors: list[str] | None = None
    products: list[str] | None = None


@router.get("", response=list[OrganisationOut], auth=anyone, summary="List organisations")
@paginate(BoundedPageNumberPagination, page_size=20)
def list_(request: HttpRequest, filters: Query[OrganisationFilters]) -> object:
    return list_organisations(
        viewer=request_viewer(request),
        query=filters.q,
        country=filters.country.upper(),
        kind=filters.kind,
        sector=filters.sector.upper() if filters.sector.isalpha() else filters.sector,
        hs_chapter=filters.hs_chapter,
        verified_only=filters.verified,
    ).order_by("pk")


@router.get(
    "/{organisation_id}", response=OrganisationOut, auth=anyone, summary="Read an organisation"
)
def read(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_organisation(viewer=request_viewer(request), pk=organisation_id)


@router.patch(
    "/{organisation_id}", response=OrganisationOut, summary="Update your own organisation"
)
def update(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatchIn
) -> Organisation:
    organisation = get_organisation(viewer=request_user(request), pk=organisation_id)
    changes = {
        key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None
    }
    if "website" in changes:
        changes["website"] = str(changes["website"])
    organisation = update_organisation(
        organisation=organisation, actor=request_user(request), changes=changes
    )
    return Organisation.objects.prefetch_related("sectors", "products").get(pk=organisation.pk)


@router.get(
    "/{organisation_id}/recommendations",
    response=list[RecommendationOut],
    auth=anyone,
    summary="Partners for an organisation",
)
def organisation_recommendations(
    request: HttpRequest, organisation_id: int, top: int = 10
) -> list[Recommendation]:
    organisation = get_organisation(viewer=request_viewer(request), pk=organisation_id)
    return recommend_for_organisation(
        viewer=request_viewer(request), organisation=organisation, top=min(max(top, 1), 50)
    )
