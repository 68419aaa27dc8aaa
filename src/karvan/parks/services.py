"""Actions on parks: their profile, units, and investors' inquiries with their threads."""

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.core.models import IsicCode
from karvan.core.text import CONTENT_LANGUAGES, clean_versions
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.directory.permissions import can_edit_organisation
from karvan.notifications.services import notify
from karvan.opportunities.models import Opportunity
from karvan.parks import notifications as kinds
from karvan.parks.errors import (
    EmptyMessageError,
    ForeignUnitError,
    InquiryClosedError,
    InvalidValueError,
    LandExceedsTotalError,
    NotAParkError,
    OwnParkInquiryError,
    UnavailableOpportunityError,
)
from karvan.parks.models import Inquiry, InquiryMessage, Park, Unit
from karvan.parks.permissions import can_manage_park, can_view_inquiry
from karvan.parks.selectors import list_park_opportunities

PARK_FIELDS = frozenset(
    {
        "latitude",
        "longitude",
        "total_land_ha",
        "available_land_ha",
        "utilities",
        "logistics",
        "incentives",
        "is_free_zone",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
)
UNIT_FIELDS = frozenset(
    {
        "kind",
        "reference",
        "area_m2",
        "rent_per_m2_month",
        "sale_price",
        "currency",
        "description",
        "status",
    }
)


def _clean_logistics(items: object) -> list[dict[str, object]]:
    cleaned: list[dict[str, object]] = []
    # Ignored for mypy: a list of dicts from the form or API schema, typed object here.
    for item in items or []:  # type: ignore[attr-defined]
        kind = str(item.get("kind", "")).strip()
        name = str(item.get("name", "")).strip()[:120]
        if kind not in {"port", "rail", "airport", "road"} or not name:
            continue
        cleaned.append({"kind": kind, "name": name, "distance_km": _distance(item)})
    return cleaned


def _distance(item: Mapping[str, object]) -> float | None:
    """Kilometres, or None for a distance that is missing or no real distance (JSON has no NaN)."""
    try:
        # Ignored for mypy: `distance_km` is a number or a numeric string from the schema.
        km = float(item.get("distance_km") or "nan")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return round(km, 1) if math.isfinite(km) and 0 <= km <= 100_000 else None


def _decimal(value: object, exponent: str, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal(exponent))
    except (InvalidOperation, ValueError) as error:
        raise InvalidValueError(field=field) from error


def _apply(park: Park, data: Mapping[str, object]) -> None:
    unknown = set(data) - PARK_FIELDS - {"sectors"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field in PARK_FIELDS & set(data):
        value = data[field]
        if field == "utilities":
            # Ignored for mypy: the schema hands `utilities` over as a list of strings.
            value = [item for item in value if item in Park.Utility.values]  # type: ignore[attr-defined]
        elif field == "logistics":
            value = _clean_logistics(value)
        elif field == "incentives":
            # Ignored for mypy: the schema hands `incentives` over as language → text.
            value = clean_versions(value)  # type: ignore[arg-type]
        elif field in {"latitude", "longitude"} and value is not None:
            value = _decimal(value, "0.00001", field)
        elif field in {"total_land_ha", "available_land_ha"} and value is not None:
            value = _decimal(value, "0.01", field)
        setattr(park, field, value)
    if (
        park.available_land_ha is not None
        and park.total_land_ha is not None
        and park.available_land_ha > park.total_land_ha
    ):
        raise LandExceedsTotalError(field="available_land_ha")


@transaction.atomic
def save_park_profile(
    *, actor: User, organisation: Organisation, data: Mapping[str, object]
) -> Park:
    """Create or update the park profile of an industrial park the actor manages."""
    if not can_edit_organisation(actor, organisation):
        raise NotAllowedError()
    if organisation.kind != Organisation.Kind.INDUSTRIAL_PARK:
        raise NotAParkError()
    park = Park.objects.select_for_update().filter(organisation=organisation).first()
    if park is None:
        park = Park(organisation=organisation)
    _apply(park, data)
    _full_clean(park)
    park.save()
    if "sectors" in data:
        # Ignored for mypy: the schema hands `sectors` over as a list of ISIC codes.
        park.sectors.set(IsicCode.objects.filter(code__in=list(data["sectors"])))  # type: ignore[call-overload]
    return park


@transaction.atomic
def save_unit(
    *, actor: User, park: Park, data: Mapping[str, object], unit: Unit | None = None
) -> Unit:
    """List a unit or plot of the park, or change one."""
    if not can_manage_park(actor, park):
        raise NotAllowedError()
    if unit is not None and unit.park_id != park.pk:
        raise ForeignUnitError()
    unit = unit or Unit(park=park)
    unknown = set(data) - UNIT_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field in UNIT_FIELDS & set(data):
        value = data[field]
        if field == "description":
            # Ignored for mypy: the schema hands `description` over as language → text.
            value = clean_versions(value)  # type: ignore[arg-type]
        setattr(unit, field, value)
    _full_clean(unit)
    unit.save()
    return unit


def _full_clean(row: Park | Unit) -> None:
    """Model validation as a domain error naming the first field at fault."""
    try:
        row.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidValueError(messages[0], field=None if field == "__all__" else field) from error


def _members_of(organisation_id: int, *, managers_only: bool) -> list[User]:
    roles = memberships.MANAGER_ROLES if managers_only else None
    return [user for user in memberships.people_of(organisation_id, roles=roles) if user.is_active]


@transaction.atomic
def send_inquiry(
    *,
    actor: User,
    park: Park,
    organisation: Organisation,
    subject: str,
    body: str,
    language: str,
    unit: Unit | None = None,
    opportunity: Opportunity | None = None,
) -> Inquiry:
    """An investor asks a park about itself, a unit or an investment opportunity; the park's
    administrators are told."""
    if not memberships.is_member(actor, organisation.pk):
        raise NotAllowedError()
    if organisation.pk == park.organisation_id:
        raise OwnParkInquiryError()
    if unit is not None and unit.park_id != park.pk:
        raise ForeignUnitError()
    # Only what the park offers the inquirer on its page: a draft's or a closed listing's title
    # would otherwise show on the inquiry page.
    if (
        opportunity is not None
        and not list_park_opportunities(viewer=actor, park=park).filter(pk=opportunity.pk).exists()
    ):
        raise UnavailableOpportunityError(field="opportunity")
    subject, body = subject.strip()[:200], body.strip()
    if not subject or not body:
        raise EmptyMessageError(field="body" if subject else "subject")
    if language not in CONTENT_LANGUAGES:
        language = "en"
    inquiry = Inquiry.objects.create(
        park=park,
        organisation=organisation,
        author=actor,
        unit=unit,
        opportunity=opportunity,
        subject=subject,
    )
    InquiryMessage.objects.create(inquiry=inquiry, author=actor, body=body, language=language)
    recipients = _members_of(park.organisation_id, managers_only=True)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            kind=kinds.INQUIRY_RECEIVED,
            params={
                "park": dict(park.organisation.name),
                "organisation": dict(organisation.name),
                "subject": subject,
            },
            url=inquiry.get_absolute_url(),
        )
    )
    return inquiry


@transaction.atomic
def reply_to_inquiry(*, inquiry: Inquiry, actor: User, body: str, language: str) -> InquiryMessage:
    """Add to the thread; the other side is told."""
    if not can_view_inquiry(actor, inquiry):
        raise NotAllowedError()
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.status == Inquiry.Status.CLOSED:
        raise InquiryClosedError()
    body = body.strip()
    if not body:
        raise EmptyMessageError(field="body")
    message = InquiryMessage.objects.create(
        inquiry=inquiry,
        author=actor,
        body=body,
        language=language if language in CONTENT_LANGUAGES else "en",
    )
    inquiry.save(update_fields=["updated_at"])
    from_park = can_manage_park(actor, inquiry.park) and not memberships.is_member(
        actor, inquiry.organisation_id
    )
    recipients = (
        _members_of(inquiry.organisation_id, managers_only=False)
        if from_park
        else _members_of(inquiry.park.organisation_id, managers_only=True)
    )
    recipients = [user for user in recipients if user.pk != actor.pk]
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            kind=kinds.INQUIRY_REPLY,
            params={"subject": inquiry.subject, "person": actor.name_versions},
            url=inquiry.get_absolute_url(),
        )
    )
    return message


@transaction.atomic
def close_inquiry(*, inquiry: Inquiry, actor: User) -> Inquiry:
    if not can_view_inquiry(actor, inquiry):
        raise NotAllowedError()
    inquiry.status = Inquiry.Status.CLOSED
    inquiry.save(update_fields=["status", "updated_at"])
    return inquiry
