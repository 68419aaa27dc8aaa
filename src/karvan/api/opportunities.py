import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from karvan.api.auth import request_user, request_viewer
from karvan.api.digits import NativeDate, NativeDateTime, NativeDecimal, NativeInt
from karvan.api.main import BoundedPageNumberPagination, Id, anyone
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_organisations
from karvan.opportunities.key_facts import build_key_facts
from karvan.opportunities.matching.recommendations import Recommendation, recommend_for_opportunity
from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation
from karvan.opportunities.permissions import is_member_of
from karvan.opportunities.search import search_opportunities
from karvan.opportunities.selectors import (
    assess_opportunity,
    get_interest,
    get_opportunity,
    list_interests,
    list_quotations,
)
from karvan.opportunities.services import (
    accept_interest,
    close_opportunity,
    create_opportunity,
    decline_interest,
    express_interest,
    publish_opportunity,
    renew_opportunity,
    reply_to_interest,
    submit_quotation,
    update_opportunity,
)

router: Router = Router(tags=["opportunities"])
interests_router: Router = Router(tags=["interests"])
search_router: Router = Router(tags=["search"])

# Ignored for mypy: mypy cannot unpack runtime choices into a Literal; pydantic can.
Side = Literal[*Opportunity.Side.values]  # type: ignore[valid-type]
Kind = Literal[*Opportunity.Kind.values]  # type: ignore[valid-type]  # as above
Unit = Literal["", *Opportunity.Unit.values]  # type: ignore[valid-type]  # as above
Incoterm = Literal["", *Opportunity.Incoterm.values]  # type: ignore[valid-type]  # as above
Language = Literal["fa", "zh-hans", "ar", "en"]
Currency = Literal["", "USD", "CNY", "EUR", "IRR", "AED"]


class KeyFactOut(Schema):
    code: str
    label: str
    value: str


class KeyFactsOut(Schema):
    """Karvan's summary of the listing, in the reader's language (Accept-Language), built
    offline from its structured data and the specific things its text mentions."""

    language: str
    headline: str
    facts: list[KeyFactOut]


class OpportunityOut(Schema):
    id: int
    organisation_id: int
    side: str
    kind: str
    status: str
    title: str
    description: str
    language: str
    hs_codes: list[str]
    sectors: list[str]
    quantity: Decimal | None
    quantity_unit: str
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str
    price_unit: str
    incoterm: str
    port: str
    certifications: list[str]
    target_countries: list[str]
    published_at: datetime.datetime | None
    expires_on: datetime.date | None
    is_expired: bool
    is_rfq: bool
    quotation_deadline: datetime.datetime | None
    url: str
    key_facts: KeyFactsOut

    @staticmethod
    def resolve_key_facts(obj: Opportunity) -> dict[str, object]:
        return build_key_facts(obj).as_dict()

    @staticmethod
    def resolve_hs_codes(obj: Opportunity) -> list[str]:
        return [code.code for code in obj.hs_codes.all()]

    @staticmethod
    def resolve_sectors(obj: Opportunity) -> list[str]:
        return [code.code for code in obj.sectors.all()]

    @staticmethod
    def resolve_url(obj: Opportunity) -> str:
        return obj.get_absolute_url()


class OpportunityFields(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=8000)
    language: Language
    hs_codes: list[str] = []
    sectors: list[str] = []
    quantity: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=3)
    quantity_unit: Unit = ""
    price_min: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    price_max: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    currency: Currency = ""
    price_unit: Unit = ""
    incoterm: Incoterm = ""
    port: str = Field("", max_length=120)
    certifications: list[str] = []
    target_countries: list[str] = []
    expires_on: NativeDate | None = None
    is_rfq: bool = False
    quotation_deadline: NativeDateTime | None = None


class OpportunityIn(OpportunityFields):
    organisation_id: Id
    side: Side
    kind: Kind


class OpportunityPatchIn(Schema):
    side: Side | None = None
    kind: Kind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=8000)
    language: Language | None = None
    hs_codes: list[str] | None = None
    sectors: list[str] | None = None
    quantity: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=3)
    quantity_unit: Unit | None = None
    price_min: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    price_max: NativeDecimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    currency: Currency | None = None
    price_unit: Unit | None = None
    incoterm: Incoterm | None = None
    port: str | None = Field(None, max_length=120)
    certifications: list[str] | None = None
    target_countries: list[str] | None = None
    expires_on: NativeDate | None = None
    is_rfq: bool | None = None
    quotation_deadline: NativeDateTime | None = None

    @field_validator(
        "side",
        "kind",
        "title",
        "description",
        "language",
        "hs_codes",
        "sectors",
        "quantity_unit",
        "currency",
        "price_unit",
        "incoterm",
        "certifications",
        "target_countries",
        "is_rfq",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        """Omit a field to leave it alone; null only clears the optional numbers and dates."""
        if value is None:
            raise ValueError("this field cannot be null")
        return value


class OpportunityFilters(FilterSchema):
    q: str = Field("", max_length=200)
    # Ignored for mypy: runtime choices in a Literal, for pydantic.
    side: Literal["", *Opportunity.Side.values] = ""  # type: ignore[valid-type]
    kind: Literal["", *Opportunity.Kind.values] = ""  # type: ignore[valid-type]  # as above
    country: str = Field("", max_length=2)
    hs_chapter: str = Field("", pattern=r"^(\d{2})?$")
    sector: str = Field("", max_length=2)
    certification: str = Field("", max_length=50)


class AdviceOut(Schema):
    code: str
    message: str


class QualityOut(Schema):
    score: int
    advice: list[AdviceOut]


class RecommendationOut(Schema):
    opportunity: OpportunityOut
    score: float
    reasons: list[str]


class RenewIn(Schema):
    days: NativeInt = Field(90, ge=1, le=365)


class InterestIn(Schema):
    organisation_id: Id
    message: str = Field(..., min_length=1, max_length=5000)
    language: Language


class InterestMessageOut(Schema):
    id: int
    author_id: int | None
    organisation_id: int
    body: str
    language: str
    created_at: datetime.datetime


class InterestOut(Schema):
    id: int
    opportunity_id: int
    organisation_id: int
    status: str
    created_at: datetime.datetime
    messages: list[InterestMessageOut]

    @staticmethod
    def resolve_messages(obj: Interest) -> list[InterestMessage]:
        return list(obj.messages.all())


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=5000)
    language: Language


class QuotationIn(Schema):
    organisation_id: Id
    unit_price: NativeDecimal = Field(..., ge=0, max_digits=16, decimal_places=2)
    currency: Literal["USD", "CNY", "EUR", "IRR", "AED"]
    price_unit: Unit = ""
    quantity: NativeDecimal = Field(..., ge=0, max_digits=16, decimal_places=3)
    quantity_unit: Unit = ""
    lead_time_days: NativeInt = Field(..., ge=0, le=3650)
    incoterm: Incoterm = ""
    terms: str = Field("", max_length=5000)


class QuotationOut(Schema):
    id: int
    organisation_id: int
    unit_price: Decimal
    currency: str
    price_unit: str
    quantity: Decimal
    quantity_unit: str
    lead_time_days: int
    incoterm: str
    terms: str
    updated_at: datetime.datetime


class SearchIn(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="Words in any language")


class SearchOut(Schema):
    opportunities: list[OpportunityOut]
    organisations: list[dict[str, object]]


def _member_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    if not is_member_of(request_user(request), organisation_id):
        raise NotAllowedError(field="organisation_id")
    return get_object_or_404(Organisation, pk=organisation_id)


def _fresh(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.prefetch_related("hs_codes", "sectors").get(pk=opportunity.pk)


@router.get("", response=list[OpportunityOut], auth=anyone, summary="List and search opportunities")
@paginate(BoundedPageNumberPagination, page_size=20)
def list_(request: HttpRequest, filters: Query[OpportunityFilters]) -> object:
    """The search page's results: one ranked list over every language (see `q`)."""
    return search_opportunities(
        viewer=request_viewer(request),
        query=filters.q,
        side=filters.side,
        kind=filters.kind,
        country=filters.country.upper(),
        hs_chapter=filters.hs_chapter,
        sector=filters.sector.upper() if filters.sector.isalpha() else filters.sector,
        certification=filters.certification,
        with_facets=False,
    ).results


@router.post("", response={201: OpportunityOut}, summary="Draft an opportunity")
def create(request: HttpRequest, payload: OpportunityIn) -> Status[Opportunity]:
    organisation = _member_organisation(request, payload.organisation_id)
    data = payload.dict(exclude={"organisation_id"})
    return Status(
        201,
        _fresh(
            create_opportunity(actor=request_user(request), organisation=organisation, data=data)
        ),
    )


@router.get(
    "/{opportunity_id}", response=OpportunityOut, auth=anyone, summary="Read an opportunity"
)
def read(request: HttpRequest, opportunity_id: int) -> Opportunity:
    return get_opportunity(viewer=request_viewer(request), pk=opportunity_id)


@router.patch("/{opportunity_id}", response=OpportunityOut, summary="Update an opportunity")
def update(request: HttpRequest, opportunity_id: int, payload: OpportunityPatchIn) -> Opportunity:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    changes = payload.dict(exclude_unset=True)
    return _fresh(
        update_opportunity(opportunity=opportunity, actor=request_user(request), changes=changes)
    )


@router.post("/{opportunity_id}/publish", response=OpportunityOut, summary="Publish a draft")
def publish(request: HttpRequest, opportunity_id: int) -> Opportunity:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    return _fresh(publish_opportunity(opportunity=opportunity, actor=request_user(request)))


@router.post("/{opportunity_id}/renew", response=OpportunityOut, summary="Keep it open longer")
def renew(request: HttpRequest, opportunity_id: int, payload: RenewIn) -> Opportunity:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    return _fresh(
        renew_opportunity(opportunity=opportunity, actor=request_user(request), days=payload.days)
    )


@router.post("/{opportunity_id}/close", response=OpportunityOut, summary="Close an opportunity")
def close(request: HttpRequest, opportunity_id: int) -> Opportunity:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    return _fresh(close_opportunity(opportunity=opportunity, actor=request_user(request)))


@router.get("/{opportunity_id}/quality", response=QualityOut, summary="Clarity score and advice")
def quality(request: HttpRequest, opportunity_id: int) -> dict[str, object]:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    report = assess_opportunity(viewer=request_user(request), opportunity=opportunity)
    return {
        "score": report.score,
        "advice": [{"code": item.code, "message": str(item.message)} for item in report.advice],
    }


@router.get(
    "/{opportunity_id}/recommendations",
    response=list[RecommendationOut],
    auth=anyone,
    summary="Complementary partners, with the reasons in your language",
)
def recommendations(
    request: HttpRequest, opportunity_id: int, top: int = 10
) -> list[Recommendation]:
    opportunity = get_opportunity(viewer=request_viewer(request), pk=opportunity_id)
    return recommend_for_opportunity(
        viewer=request_viewer(request), opportunity=opportunity, top=min(max(top, 1), 50)
    )


@router.post("/{opportunity_id}/interests", response={201: InterestOut}, summary="Express interest")
def interest(request: HttpRequest, opportunity_id: int, payload: InterestIn) -> Status[Interest]:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    organisation = _member_organisation(request, payload.organisation_id)
    return Status(
        201,
        express_interest(
            opportunity=opportunity,
            actor=request_user(request),
            organisation=organisation,
            message=payload.message,
            language=payload.language,
        ),
    )


@router.get(
    "/{opportunity_id}/quotations", response=list[QuotationOut], summary="Quotations you may see"
)
def quotations(request: HttpRequest, opportunity_id: int) -> list[Quotation]:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    return list(list_quotations(viewer=request_user(request), opportunity=opportunity))


@router.post(
    "/{opportunity_id}/quotations",
    response={201: QuotationOut},
    summary="Send or revise a quotation",
)
def quote(request: HttpRequest, opportunity_id: int, payload: QuotationIn) -> Status[Quotation]:
    opportunity = get_opportunity(viewer=request_user(request), pk=opportunity_id)
    organisation = _member_organisation(request, payload.organisation_id)
    data = payload.dict(exclude={"organisation_id"})
    return Status(
        201,
        submit_quotation(
            opportunity=opportunity,
            actor=request_user(request),
            organisation=organisation,
            data=data,
        ),
    )


@interests_router.get(
    "", response=list[InterestOut], summary="Interests your organisations sent or received"
)
@paginate(BoundedPageNumberPagination, page_size=20)
def interests(request: HttpRequest, received: bool | None = None) -> object:
    return list_interests(viewer=request_user(request), received=received).prefetch_related(
        "messages"
    )


@interests_router.get("/{interest_id}", response=InterestOut, summary="One interest and its thread")
def interest_read(request: HttpRequest, interest_id: int) -> Interest:
    return get_interest(viewer=request_user(request), pk=interest_id)


@interests_router.post(
    "/{interest_id}/messages", response={201: InterestMessageOut}, summary="Write in the thread"
)
def interest_reply(
    request: HttpRequest, interest_id: int, payload: MessageIn
) -> Status[InterestMessage]:
    interest = get_interest(viewer=request_user(request), pk=interest_id)
    return Status(
        201,
        reply_to_interest(
            interest=interest,
            actor=request_user(request),
            body=payload.body,
            language=payload.language,
        ),
    )


@interests_router.post("/{interest_id}/accept", response=InterestOut, summary="Accept an interest")
def interest_accept(request: HttpRequest, interest_id: int) -> Interest:
    interest = get_interest(viewer=request_user(request), pk=interest_id)
    return accept_interest(interest=interest, actor=request_user(request))


@interests_router.post(
    "/{interest_id}/decline", response=InterestOut, summary="Decline an interest"
)
def interest_decline(request: HttpRequest, interest_id: int) -> Interest:
    interest = get_interest(viewer=request_user(request), pk=interest_id)
    return decline_interest(interest=interest, actor=request_user(request))


@search_router.get(
    "",
    response=SearchOut,
    auth=anyone,
    summary="Search opportunities and organisations in any language",
)
def search(request: HttpRequest, params: Query[SearchIn]) -> dict[str, object]:
    q = params.q
    found = search_opportunities(viewer=request_viewer(request), query=q, with_facets=False)
    organisations = [
        {"id": row.pk, "name": row.name, "country": row.country, "url": row.get_absolute_url()}
        for row in list_organisations(viewer=request_viewer(request), query=q)[:20]
    ]
    return {"opportunities": list(found.results[:20]), "organisations": organisations}
