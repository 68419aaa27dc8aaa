"""Agreements in the API: read them, start one from a template, sign through the same checks."""

import base64
import binascii
import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from karvan.agreements.errors import (
    InvalidDrawingError,
    UnknownOrganisationError,
    UnknownTemplateError,
)
from karvan.agreements.models import Agreement, AgreementTemplate, SigningCode
from karvan.agreements.permissions import can_start_agreement_for
from karvan.agreements.selectors import (
    current_version,
    get_agreement,
    list_agreements,
    list_possible_partners,
    list_signing_progress,
    list_templates,
    signing_document_sha256,
    signing_parties,
)
from karvan.agreements.services.drafting import create_agreement
from karvan.agreements.services.signing import request_signing_code, sign_agreement
from karvan.api.auth import request_user
from karvan.api.digits import NativeCode
from karvan.api.main import BoundedPageNumberPagination, Id
from karvan.core.errors import NotAllowedError
from karvan.core.net import request_origin
from karvan.directory.models import Organisation

router: Router = Router(tags=["agreements"])

Language = Literal["fa", "zh-hans", "ar", "en"]


class TemplateOut(Schema):
    key: str
    kind: str
    title: dict[str, str]
    placeholders: list[str]


class PartyOut(Schema):
    organisation_id: int
    name: dict[str, str]
    country: str
    registry_id: str
    language: str


class SignatoryOut(Schema):
    name: str
    organisation_id: int
    position: int
    signed_at: datetime.datetime | None
    is_next: bool


class AgreementOut(Schema):
    code: str
    kind: str
    status: str
    title: dict[str, str]
    languages: list[str]
    prevailing_language: str
    version: int
    document_sha256: str
    texts: dict[str, str]
    parties: list[PartyOut]
    signatories: list[SignatoryOut]
    is_ordered: bool
    ceremony_starts_at: datetime.datetime | None
    ceremony_room_url: str
    signed_at: datetime.datetime | None
    sealed_sha256: str
    url: str
    pdf_url: str | None


class AgreementIn(Schema):
    organisation_id: Id = Field(..., description="your organisation, the first party")
    partner_ids: list[Id] = Field(..., min_length=1, max_length=10)
    template: str = Field(..., max_length=60, description="a template key, e.g. mou")
    languages: list[Language] = Field(..., min_length=1, max_length=4)
    prevailing_language: Language
    values: dict[str, dict[Language, str] | int | Decimal | str] = Field(
        default_factory=dict,
        description=(
            'placeholder values, e.g. {"place": {"fa": "تهران", "zh-hans": "德黑兰"}, '
            '"effective_date": "2026-12-08", "term": 3}: a text per language code of the '
            "agreement (every one of them); one value for every language only for a date "
            "(YYYY-MM-DD) or a number, written in each language's calendar and digits, or any "
            "text when the agreement has one language. A missing language answers 400 naming "
            "the placeholder and the language."
        ),
    )
    is_ordered: bool = False


class SignIn(Schema):
    code: NativeCode = Field(..., pattern=r"^[0-9]{6}$")
    typed_name: str = Field(..., min_length=1, max_length=150)
    document_sha256: str = Field(..., pattern=r"^[0-9a-f]{64}$")
    drawing_png_base64: str = Field("", max_length=500_000)


class CodeOut(Schema):
    expires_at: datetime.datetime


def _out(agreement: Agreement) -> dict[str, object]:
    version = current_version(agreement)
    languages: dict[object, str] = dict(
        agreement.parties.values_list("organisation_id", "language")
    )
    return {
        "code": agreement.code,
        "kind": agreement.kind,
        "status": agreement.status,
        "title": version.title,
        "languages": agreement.languages,
        "prevailing_language": agreement.prevailing_language,
        "version": version.number,
        "document_sha256": signing_document_sha256(agreement),
        "texts": version.texts,
        "parties": [  # as the signatures cover them (as they read now before anyone signed)
            {
                "organisation_id": party["organisation_id"],
                "name": party["names"],
                "country": party["country"],
                "registry_id": party["registry_id"],
                "language": languages.get(party["organisation_id"], ""),
            }
            for party in signing_parties(agreement)
        ],
        "signatories": [
            {
                "name": row.signatory.user.display_name,
                "organisation_id": row.signatory.party.organisation_id,
                "position": row.signatory.position,
                "signed_at": row.signature.signed_at if row.signature else None,
                "is_next": row.is_next,
            }
            for row in list_signing_progress(agreement)
        ],
        "is_ordered": agreement.is_ordered,
        "ceremony_starts_at": agreement.ceremony_starts_at,
        "ceremony_room_url": agreement.ceremony_room_url,
        "signed_at": agreement.signed_at,
        "sealed_sha256": agreement.sealed_sha256,
        "url": agreement.get_absolute_url(),
        "pdf_url": f"{agreement.get_absolute_url()}pdf/" if agreement.is_sealed else None,
    }


@router.get("/templates", response=list[TemplateOut], summary="Agreement templates")
def templates(request: HttpRequest) -> list[AgreementTemplate]:
    return list(list_templates())


@router.get("", response=list[AgreementOut], summary="Your organisations' agreements")
@paginate(BoundedPageNumberPagination, page_size=20)
def list_(request: HttpRequest, signed: bool = False) -> list[dict[str, object]]:
    rows = list_agreements(viewer=request_user(request), signed_only=signed).order_by(
        "-created_at", "pk"
    )
    return [_out(agreement) for agreement in rows[:500]]


@router.get("/{code}", response=AgreementOut, summary="Read an agreement")
def read(request: HttpRequest, code: str) -> dict[str, object]:
    return _out(get_agreement(viewer=request_user(request), code=code))


@router.post("", response={201: AgreementOut}, summary="Start an agreement from a template")
def create(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, object]]:
    if not can_start_agreement_for(request_user(request), payload.organisation_id):
        raise NotAllowedError(field="organisation_id")
    initiator = get_object_or_404(Organisation, pk=payload.organisation_id)
    template = list_templates().filter(key=payload.template).first()
    if template is None:
        raise UnknownTemplateError(field="template")
    partners = list(list_possible_partners().filter(pk__in=payload.partner_ids))
    if len(partners) != len(set(payload.partner_ids)):
        raise UnknownOrganisationError(field="partner_ids")
    agreement = create_agreement(
        actor=request_user(request),
        initiator=initiator,
        partners=partners,
        languages=payload.languages,
        prevailing_language=payload.prevailing_language,
        template=template,
        values={
            name: {str(code): text for code, text in value.items()}
            if isinstance(value, dict)
            else value
            for name, value in payload.values.items()
        },
        is_ordered=payload.is_ordered,
    )
    return Status(201, _out(agreement))


@router.post("/{code}/signing-code", response={202: CodeOut}, summary="E-mail me a signing code")
def signing_code(request: HttpRequest, code: str) -> Status[SigningCode]:
    agreement = get_agreement(viewer=request_user(request), code=code)
    row = request_signing_code(
        actor=request_user(request), agreement=agreement, **request_origin(request)
    )
    return Status(202, row)


@router.post("/{code}/sign", response=AgreementOut, summary="Sign with the e-mailed code")
def sign(request: HttpRequest, code: str, payload: SignIn) -> dict[str, object]:
    agreement = get_agreement(viewer=request_user(request), code=code)
    drawing = None
    if payload.drawing_png_base64:
        try:
            drawing = base64.b64decode(payload.drawing_png_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise InvalidDrawingError(field="drawing_png_base64") from error
    sign_agreement(
        actor=request_user(request),
        agreement=agreement,
        code=payload.code,
        typed_name=payload.typed_name,
        document_sha256=payload.document_sha256,
        drawing_png=drawing,
        **request_origin(request),
    )
    agreement.refresh_from_db()
    return _out(agreement)
