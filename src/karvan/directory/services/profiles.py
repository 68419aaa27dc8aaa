"""Organisations' profiles: registering, editing, the identity a verified organisation changes
under the staff's eye, logos, the search document, the compliance hold."""

import copy
import io
from collections.abc import Mapping

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from karvan.accounts.models import User
from karvan.accounts.selectors import list_center_staff
from karvan.core.countries import country_name
from karvan.core.errors import NotAllowedError
from karvan.core.models import HsCode, IsicCode
from karvan.core.registry_ids import is_valid_registry_id, normalize_registry_id
from karvan.core.search import document_tokens
from karvan.core.signals import send_identity_changed_on_commit
from karvan.core.text import CONTENT_LANGUAGES, clean_versions
from karvan.directory import memberships
from karvan.directory import notifications as kinds
from karvan.directory.errors import (
    DuplicateRegistryIdError,
    InvalidLogoError,
    InvalidRegistryIdError,
    NameRequiredError,
)
from karvan.directory.models import (
    IdentityRevision,
    Membership,
    Organisation,
)
from karvan.directory.permissions import (
    can_edit_organisation,
)
from karvan.directory.selectors import get_pending_identity_revision, get_public_identity
from karvan.directory.services._support import submit_for_verification
from karvan.directory.signals import public_identity_changed
from karvan.notifications.services import notify

EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "name",
        "description",
        "original_language",
        "country",
        "province",
        "city",
        "registry_id",
        "size",
        "founded_year",
        "certifications",
        "website",
    }
)


# Who the organisation is to others: a verified organisation changes these only with the staff's
# approval (`request_identity_change`), so a verified badge never covers a name it was not given.
IDENTITY_FIELDS = frozenset({"name", "country", "registry_id"})


LOGO_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})


LOGO_MAX_SIDE = 512


def build_search_document(organisation: Organisation) -> str:
    """Everything a search should find the organisation by, in every language it is named in."""
    texts: list[str] = []
    for versions in (
        organisation.name,
        organisation.description,
        organisation.city,
        organisation.province,
    ):
        texts.extend(versions.values())
    texts.extend(country_name(organisation.country, language) for language in CONTENT_LANGUAGES)
    for code in list(organisation.sectors.all()) + list(organisation.products.all()):
        texts.append(code.code)
        texts.extend(code.names.values())
    texts.extend(organisation.certifications)
    texts.append(organisation.registry_id)
    return document_tokens(texts)


def refresh_search_document(*, organisation: Organisation) -> None:
    organisation.search_document = build_search_document(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(
        search_document=organisation.search_document
    )


def _apply_changes(organisation: Organisation, changes: Mapping[str, object]) -> None:
    unknown = set(changes) - EDITABLE_FIELDS - {"sectors", "products"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field in EDITABLE_FIELDS & set(changes):
        value = changes[field]
        if field in {"name", "description", "province", "city"}:
            value = clean_versions(value)  # type: ignore[arg-type]  # shape checked by the field
        elif field == "registry_id":
            value = normalize_registry_id(str(value or ""))
        elif field == "certifications":
            # Ignored for mypy: the form or schema hands these over as lists of strings.
            value = [str(item).strip() for item in value if str(item).strip()]  # type: ignore[attr-defined]
        setattr(organisation, field, value)
    if not organisation.name:
        raise NameRequiredError(field="name")
    if organisation.registry_id:
        if not is_valid_registry_id(organisation.country, organisation.registry_id):
            raise InvalidRegistryIdError(
                field="registry_id", country=country_name(organisation.country)
            )
        duplicate = Organisation.objects.filter(
            country=organisation.country, registry_id=organisation.registry_id
        ).exclude(pk=organisation.pk)
        if duplicate.exists():
            raise DuplicateRegistryIdError(field="registry_id")
    if organisation.original_language not in organisation.name:
        organisation.original_language = next(iter(organisation.name))


def _set_codes(organisation: Organisation, changes: Mapping[str, object]) -> None:
    if "sectors" in changes:
        # Ignored for mypy: the form or schema hands `sectors` over as a list of codes.
        organisation.sectors.set(IsicCode.objects.filter(code__in=list(changes["sectors"])))  # type: ignore[call-overload]
    if "products" in changes:
        # Ignored for mypy: the form or schema hands `products` over as a list of codes.
        organisation.products.set(HsCode.objects.filter(code__in=list(changes["products"])))  # type: ignore[call-overload]


def _save(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.full_clean(exclude=["logo", "search_document"])
            organisation.save()
    except IntegrityError as error:  # the same identifier registered a moment ago
        raise DuplicateRegistryIdError(field="registry_id") from error


@transaction.atomic
def create_organisation(*, actor: User, data: Mapping[str, object]) -> Organisation:
    """Register an organisation with the actor as its owner, and ask staff to verify it."""
    organisation = Organisation(verification=Organisation.Verification.PENDING)
    _apply_changes(organisation, data)
    _save(organisation)
    _set_codes(organisation, data)
    Membership.objects.create(user=actor, organisation=organisation, role=Membership.Role.OWNER)
    memberships.forget(actor)
    refresh_search_document(organisation=organisation)
    submit_for_verification(organisation, actor)
    send_identity_changed_on_commit(__name__, organisation_id=organisation.pk)
    return organisation


@transaction.atomic
def update_organisation(
    *, organisation: Organisation, actor: User, changes: Mapping[str, object]
) -> Organisation:
    """Edit a profile. A refused organisation that is edited goes back to the staff's queue. A
    verified organisation's new name, country or registry identifier waits for the staff's
    approval in an `IdentityRevision`; the rest of the profile changes at once."""
    if not can_edit_organisation(actor, organisation):
        raise NotAllowedError()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _profile_snapshot(organisation)
    identity_before = get_public_identity(organisation=organisation)
    requested: dict[str, object] | None = None
    if organisation.is_verified:
        requested = _requested_identity(organisation, changes)
        changes = {key: value for key, value in changes.items() if key not in IDENTITY_FIELDS}
        if changes.get("original_language") not in organisation.name:
            changes.pop("original_language", None)  # a language only the pending name has
    _apply_changes(organisation, changes)
    _save(organisation)
    _set_codes(organisation, changes)
    if requested is not None:
        _record_identity_request(organisation, actor, requested)
    elif get_public_identity(organisation=organisation) != identity_before:
        _identity_changed(organisation)
    changed = _profile_snapshot(organisation) != before
    # Saving an unchanged refused profile is not a new submission; a corrected one is.
    resubmitted = changed and organisation.verification == Organisation.Verification.REJECTED
    if resubmitted:
        organisation.verification = Organisation.Verification.PENDING
        organisation.save(update_fields=["verification"])
    refresh_search_document(organisation=organisation)
    if resubmitted:
        submit_for_verification(organisation, actor)
    return organisation


def _requested_identity(
    organisation: Organisation, changes: Mapping[str, object]
) -> dict[str, object]:
    """The identity the managers ask for: the pending one (or the verified one) with these
    changes, checked like a profile (name given, identifier valid and not taken)."""
    pending = get_pending_identity_revision(organisation=organisation)
    probe = copy.copy(organisation)
    if pending is not None:
        for field, value in pending.as_identity().items():
            setattr(probe, field, value)
    asked = {key: changes[key] for key in IDENTITY_FIELDS | {"original_language"} if key in changes}
    _apply_changes(probe, asked)
    return {
        "name": dict(probe.name),
        "original_language": probe.original_language,
        "country": probe.country,
        "registry_id": probe.registry_id,
    }


def _same_identity(identity: Mapping[str, object], organisation: Organisation) -> bool:
    return (identity["name"], identity["country"], identity["registry_id"]) == (
        organisation.name,
        organisation.country,
        organisation.registry_id,
    )


def _record_identity_request(
    organisation: Organisation, actor: User, requested: Mapping[str, object]
) -> None:
    """Keep one pending change per organisation: opened, revised, or withdrawn when the managers
    ask for the verified identity again."""
    pending = (
        IdentityRevision.objects.select_for_update()
        .filter(organisation=organisation, status=IdentityRevision.Status.PENDING)
        .first()
    )
    if _same_identity(requested, organisation):
        if pending is not None:
            pending.status = IdentityRevision.Status.WITHDRAWN
            pending.decided_by, pending.decided_at = actor, timezone.now()
            pending.save(update_fields=["status", "decided_by", "decided_at"])
        return
    if pending is not None and pending.as_identity() == dict(requested):
        return
    if pending is None:
        pending = IdentityRevision(
            organisation=organisation,
            previous=get_public_identity(organisation=organisation).as_dict(),
        )
    for field, value in requested.items():
        setattr(pending, field, value)
    pending.requested_by = actor
    pending.save()
    notify(
        recipients=list_center_staff(),
        kind=kinds.IDENTITY_SUBMITTED,
        params={"organisation": organisation.name},
        url=reverse("directory:verification_queue"),
    )


def _identity_changed(organisation: Organisation) -> None:
    """What others see of the organisation changed: the apps above the directory react to it
    (opportunities reviewed under the former identity go back to the staff)."""
    public_identity_changed.send(sender=Organisation, organisation=organisation)
    send_identity_changed_on_commit(__name__, organisation_id=organisation.pk)


def _profile_snapshot(organisation: Organisation) -> dict[str, object]:
    values: dict[str, object] = {
        field: getattr(organisation, field) for field in sorted(EDITABLE_FIELDS)
    }
    if organisation.pk:
        values["sectors"] = sorted(organisation.sectors.values_list("code", flat=True))
        values["products"] = sorted(organisation.products.values_list("code", flat=True))
    return values


def _reencode_logo(upload: UploadedFile) -> bytes:
    """Decode the upload and write a fresh PNG: what is served is never what was uploaded."""
    max_bytes = settings.KARVAN_LOGO_MAX_BYTES
    max_mb = round(max_bytes / (1024 * 1024), 1)
    if upload.size is None or upload.size > max_bytes:
        raise InvalidLogoError(field="logo", max_mb=max_mb)
    try:
        with Image.open(upload) as probe:
            if probe.format not in LOGO_FORMATS or probe.width * probe.height > 40_000_000:
                raise InvalidLogoError(field="logo", max_mb=max_mb)
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.seek(0)
            image = opened.convert("RGBA")
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            output = io.BytesIO()
            image.save(output, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidLogoError(field="logo", max_mb=max_mb) from error
    return output.getvalue()


@transaction.atomic
def set_organisation_logo(
    *, organisation: Organisation, actor: User, upload: UploadedFile | None
) -> Organisation:
    """Replace the logo with a re-encoded copy of the upload, or remove it when None."""
    if not can_edit_organisation(actor, organisation):
        raise NotAllowedError()
    content = _reencode_logo(upload) if upload is not None else None
    old = organisation.logo.name if organisation.logo else ""
    if content is None:
        organisation.logo = ""
    else:
        organisation.logo.save("logo.png", ContentFile(content), save=False)
    organisation.save(update_fields=["logo", "updated_at"])
    if old:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return organisation


def set_compliance_hold(*, organisation: Organisation, hold: str) -> Organisation:
    """Record what the compliance screening holds against the organisation (a
    `core.models.ComplianceHold`); called only by `karvan.compliance`."""
    if organisation.compliance_hold != hold:
        Organisation.objects.filter(pk=organisation.pk).update(compliance_hold=hold)
        organisation.compliance_hold = hold
    return organisation
