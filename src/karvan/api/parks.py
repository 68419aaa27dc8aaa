import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from karvan.api.auth import request_user
from karvan.api.main import BoundedPageNumberPagination, Id, anyone
from karvan.parks.models import Inquiry, InquiryMessage, Park, Unit
from karvan.parks.selectors import (
    get_inquiry,
    get_park,
    list_inquiries,
    list_park_opportunities,
    list_parks,
    list_units,
)
from karvan.parks.services import reply_to_inquiry, send_inquiry

router: Router = Router(tags=["parks"])
units_router: Router = Router(tags=["parks"])


class UnitOut(Schema):
    id: int
    park_id: int
    kind: str
    reference: str
    area_m2: Decimal
    rent_per_m2_month: Decimal | None
    sale_price: Decimal | None
    currency: str
    status: str
    description: dict[str, str]


class ParkOut(Schema):
    id: int
    organisation_id: int
    name: dict[str, str]
    country: str
    province: dict[str, str]
    latitude: Decimal
    longitude: Decimal
    total_land_ha: Decimal
    available_land_ha: Decimal
    utilities: list[str]
    logistics: list[dict[str, object]]
    incentives: dict[str, str]
    is_free_zone: bool
    sectors: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str
    url: str

    @staticmethod
    def resolve_name(obj: Park) -> dict[str, str]:
        return obj.organisation.name

    @staticmethod
    def resolve_country(obj: Park) -> str:
        return obj.organisation.country

    @staticmethod
    def resolve_province(obj: Park) -> dict[str, str]:
        return obj.organisation.province

    @staticmethod
    def resolve_sectors(obj: Park) -> list[str]:
        return [code.code for code in obj.sectors.all()]

    @staticmethod
    def resolve_url(obj: Park) -> str:
        return obj.get_absolute_url()


class InquiryMessageOut(Schema):
    body: str
    language: str
    created_at: datetime.datetime


class InquiryOut(Schema):
    id: int
    park_id: int
    organisation_id: int
    unit_id: int | None
    opportunity_id: int | None
    subject: str
    status: str
    messages: list[InquiryMessageOut]

    @staticmethod
    def resolve_messages(obj: Inquiry) -> list[InquiryMessage]:
        return list(obj.messages.all())


class InquiryIn(Schema):
    organisation_id: Id
    subject: str
    body: str
    unit_id: Id | None = None
    opportunity_id: Id | None = None


class ReplyIn(Schema):
    body: str


@router.get("", response=list[ParkOut], auth=anyone, summary="List industrial parks")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_(request: HttpRequest, country: str = "", free_zone: bool | None = None) -> object:
    return list_parks(country=country.upper(), free_zone=free_zone)


@router.get("/inquiries", response=list[InquiryOut], summary="Inquiries you may read")
@paginate(BoundedPageNumberPagination, page_size=20)
def inquiries(request: HttpRequest) -> object:
    return list_inquiries(viewer=request_user(request)).prefetch_related("messages")


@router.get("/inquiries/{inquiry_id}", response=InquiryOut, summary="Read an inquiry")
def inquiry(request: HttpRequest, inquiry_id: int) -> Inquiry:
    return get_inquiry(viewer=request_user(request), pk=inquiry_id)


@router.post("/inquiries/{inquiry_id}/messages", response={201: InquiryMessageOut}, summary="Reply")
def reply(request: HttpRequest, inquiry_id: int, payload: ReplyIn) -> Status[InquiryMessage]:
    row = get_inquiry(viewer=request_user(request), pk=inquiry_id)
    return Status(
        201,
        reply_to_inquiry(
            inquiry=row,
            actor=request_user(request),
            body=payload.body,
            language=request_user(request).language,
        ),
    )


@router.get("/{park_id}", response=ParkOut, auth=anyone, summary="Read a park")
def read(request: HttpRequest, park_id: int) -> Park:
    return get_park(pk=park_id)


@router.get("/{park_id}/units", response=list[UnitOut], auth=anyone, summary="A park's units")
def park_units(request: HttpRequest, park_id: int, status: str = "") -> list[Unit]:
    return list(list_units(park=get_park(pk=park_id), status=status))


@router.post("/{park_id}/inquiries", response={201: InquiryOut}, summary="Send an inquiry")
def inquire(request: HttpRequest, park_id: int, payload: InquiryIn) -> Status[Inquiry]:
    from karvan.directory.models import Organisation

    park = get_park(pk=park_id)
    unit = Unit.objects.get(pk=payload.unit_id) if payload.unit_id else None
    # Resolved among the park's open listings: another id answers 404 like a missing one.
    opportunity = (
        list_park_opportunities(viewer=request_user(request), park=park).get(
            pk=payload.opportunity_id
        )
        if payload.opportunity_id
        else None
    )
    return Status(
        201,
        send_inquiry(
            actor=request_user(request),
            park=park,
            organisation=Organisation.objects.get(pk=payload.organisation_id),
            subject=payload.subject,
            body=payload.body,
            language=request_user(request).language,
            unit=unit,
            opportunity=opportunity,
        ),
    )


@units_router.get("", response=list[UnitOut], auth=anyone, summary="Units and plots of all parks")
@paginate(BoundedPageNumberPagination, page_size=50)
def all_units(request: HttpRequest, status: str = "", kind: str = "") -> object:
    return list_units(status=status, kind=kind)
