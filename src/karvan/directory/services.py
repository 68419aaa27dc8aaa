"""Actions on organisations: create, edit, logo, verification, members and invitations."""

import copy
import datetime
import io
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from karvan.accounts.models import User
from karvan.core.countries import country_name
from karvan.core.errors import ComplianceCheckError, NotAllowedError
from karvan.core.files import DOCUMENT_MAX_BYTES, document_extension
from karvan.core.mail import send_rendered_mail
from karvan.core.models import HsCode, IsicCode
from karvan.core.registry_ids import is_valid_registry_id, normalize_registry_id
from karvan.core.search import document_tokens
from karvan.core.signals import send_identity_changed_on_commit
from karvan.core.text import CONTENT_LANGUAGES, clean_versions
from karvan.directory import memberships
from karvan.directory import notifications as kinds
from karvan.directory.errors import (
    AlreadyMemberError,
    DocumentTitleRequiredError,
    DuplicateRegistryIdError,
    IdentityChangeDecidedError,
    InvalidDocumentError,
    InvalidLogoError,
    InvalidRegistryIdError,
    InvitationClosedError,
    InvitationEmailMismatchError,
    LastOwnerError,
    NameRequiredError,
    NotPendingError,
    ReasonRequiredError,
    UndoExpiredError,
)
from karvan.directory.models import (
    IdentityRevision,
    Invitation,
    Membership,
    Organisation,
    VerificationDocument,
    VerificationEvent,
)
from karvan.directory.permissions import (
    can_assign_role,
    can_edit_organisation,
    can_verify_organisation,
)
from karvan.directory.selectors import get_pending_identity_revision, get_public_identity
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


def _staff() -> Iterable[User]:
    return get_user_model().objects.filter(is_staff=True, is_active=True)


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
    _submit_for_verification(organisation, actor)
    send_identity_changed_on_commit(__name__, organisation_id=organisation.pk)
    return organisation


def _submit_for_verification(organisation: Organisation, actor: User) -> None:
    """Record the submission and put it in front of the center's staff."""
    VerificationEvent.objects.create(
        organisation=organisation, actor=actor, action=VerificationEvent.Action.SUBMITTED
    )
    notify(
        recipients=_staff(),
        kind=kinds.ORGANISATION_SUBMITTED,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )


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
        _submit_for_verification(organisation, actor)
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
        recipients=_staff(),
        kind=kinds.IDENTITY_SUBMITTED,
        params={"organisation": organisation.name},
        url=reverse("directory:verification_queue"),
    )


def _identity_changed(organisation: Organisation) -> None:
    """What others see of the organisation changed: the apps above the directory react to it
    (opportunities reviewed under the former identity go back to the staff)."""
    public_identity_changed.send(sender=Organisation, organisation=organisation)
    send_identity_changed_on_commit(__name__, organisation_id=organisation.pk)


def _lock_pending_revision(revision: IdentityRevision, actor: User) -> IdentityRevision:
    if not can_verify_organisation(actor, revision.organisation):
        raise NotAllowedError()
    revision = IdentityRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != IdentityRevision.Status.PENDING:
        raise IdentityChangeDecidedError()
    return revision


@transaction.atomic
def approve_identity_change(*, revision: IdentityRevision, actor: User) -> Organisation:
    """Staff accept a verified organisation's new identity: everyone sees it from now on."""
    revision = _lock_pending_revision(revision, actor)
    organisation = Organisation.objects.select_for_update().get(pk=revision.organisation_id)
    _apply_changes(organisation, revision.as_identity())
    _save(organisation)
    refresh_search_document(organisation=organisation)
    revision.status = IdentityRevision.Status.APPROVED
    revision.decided_by, revision.decided_at = actor, timezone.now()
    revision.save(update_fields=["status", "decided_by", "decided_at"])
    notify(
        recipients=_managers(organisation),
        kind=kinds.IDENTITY_APPROVED,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )
    _identity_changed(organisation)
    return organisation


@transaction.atomic
def refuse_identity_change(
    *, revision: IdentityRevision, actor: User, reason: str
) -> IdentityRevision:
    """Staff refuse the change, with a reason the managers read; the verified identity stays."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequiredError(field="reason")
    revision = _lock_pending_revision(revision, actor)
    revision.status = IdentityRevision.Status.REFUSED
    revision.reason = reason
    revision.decided_by, revision.decided_at = actor, timezone.now()
    revision.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    organisation = revision.organisation
    notify(
        recipients=_managers(organisation),
        kind=kinds.IDENTITY_REFUSED,
        params={"organisation": organisation.name, "reason": reason},
        url=organisation.get_absolute_url(),
    )
    return revision


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


def _lock_awaiting_decision(organisation: Organisation) -> Organisation:
    """Lock the row and check that staff may still decide on it (two staff may click at once)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verification not in {
        Organisation.Verification.PENDING,
        Organisation.Verification.UNVERIFIED,
    }:
        raise NotPendingError()
    return organisation


@transaction.atomic
def approve_organisation(*, organisation: Organisation, actor: User) -> Organisation:
    """Mark an organisation as verified by the center and tell its managers."""
    if not can_verify_organisation(actor, organisation):
        raise NotAllowedError()
    organisation = _lock_awaiting_decision(organisation)
    if organisation.compliance_hold:  # set by the compliance screening
        raise ComplianceCheckError()
    organisation.verification = Organisation.Verification.VERIFIED
    organisation.verified_at = timezone.now()
    organisation.rejection_reason = ""
    organisation.save(
        update_fields=["verification", "verified_at", "rejection_reason", "updated_at"]
    )
    VerificationEvent.objects.create(
        organisation=organisation, actor=actor, action=VerificationEvent.Action.APPROVED
    )
    # The identity verified, as the first of its versions.
    IdentityRevision.objects.create(
        organisation=organisation,
        **get_public_identity(organisation=organisation).as_dict(),
        status=IdentityRevision.Status.APPROVED,
        decided_by=actor,
        decided_at=organisation.verified_at,
    )
    notify(
        recipients=_managers(organisation),
        kind=kinds.ORGANISATION_VERIFIED,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )
    return organisation


#: How long the person who verified an organisation may take it back (a click on the wrong row).
VERIFICATION_UNDO_MINUTES = 15


@transaction.atomic
def undo_verification(*, organisation: Organisation, actor: User) -> Organisation:
    """Take back one's own verification within minutes: the organisation waits again, the
    identity recorded at that moment is withdrawn, and its managers are told; the history keeps
    both steps."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    last = organisation.verification_events.order_by("-created_at", "-pk").first()
    window = datetime.timedelta(minutes=VERIFICATION_UNDO_MINUTES)
    if (
        organisation.verification != Organisation.Verification.VERIFIED
        or last is None
        or last.action != VerificationEvent.Action.APPROVED
        or last.actor_id != actor.pk
        or timezone.now() - last.created_at > window
    ):
        raise UndoExpiredError(minutes=VERIFICATION_UNDO_MINUTES)
    organisation.verification = Organisation.Verification.PENDING
    organisation.verified_at = None
    organisation.save(update_fields=["verification", "verified_at", "updated_at"])
    IdentityRevision.objects.filter(
        organisation=organisation,
        status=IdentityRevision.Status.APPROVED,
        decided_at__gte=last.created_at - datetime.timedelta(seconds=5),
    ).update(status=IdentityRevision.Status.WITHDRAWN)
    VerificationEvent.objects.create(
        organisation=organisation, actor=actor, action=VerificationEvent.Action.UNDONE
    )
    notify(
        recipients=_managers(organisation),
        kind=kinds.VERIFICATION_UNDONE,
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )
    return organisation


@transaction.atomic
def add_verification_document(
    *, organisation: Organisation, actor: User, title: str, upload: UploadedFile
) -> VerificationDocument:
    """A manager gives the center a document for the verification (kept privately)."""
    if not can_edit_organisation(actor, organisation):
        raise NotAllowedError()
    extension = document_extension(upload)
    if extension is None:
        raise InvalidDocumentError(field="file", max_mb=DOCUMENT_MAX_BYTES // (1024 * 1024))
    title = title.strip()
    if not title:
        raise DocumentTitleRequiredError(field="title")
    document = VerificationDocument(organisation=organisation, title=title, uploaded_by=actor)
    document.file.save(f"document.{extension}", upload, save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def reject_organisation(*, organisation: Organisation, actor: User, reason: str) -> Organisation:
    """Refuse verification with a reason the organisation reads; it can edit and resubmit."""
    if not can_verify_organisation(actor, organisation):
        raise NotAllowedError()
    reason = reason.strip()
    if not reason:
        raise ReasonRequiredError(field="reason")
    organisation = _lock_awaiting_decision(organisation)
    organisation.verification = Organisation.Verification.REJECTED
    organisation.rejection_reason = reason
    organisation.verified_at = None
    organisation.save(
        update_fields=["verification", "rejection_reason", "verified_at", "updated_at"]
    )
    VerificationEvent.objects.create(
        organisation=organisation,
        actor=actor,
        action=VerificationEvent.Action.REJECTED,
        reason=reason,
    )
    notify(
        recipients=_managers(organisation),
        kind=kinds.ORGANISATION_REJECTED,
        params={"organisation": organisation.name, "reason": reason},
        url=organisation.get_absolute_url(),
    )
    return organisation


def _managers(organisation: Organisation) -> list[User]:
    return memberships.people_of(organisation.pk, roles=memberships.MANAGER_ROLES)


@transaction.atomic
def invite_member(
    *, organisation: Organisation, actor: User, email: str, role: str, language: str
) -> Invitation:
    """Invite someone by e-mail to join with a role; the mail is in the inviter's language."""
    if not can_assign_role(actor, organisation, role):
        raise NotAllowedError()
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise AlreadyMemberError(field="email")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
    )
    transaction.on_commit(
        lambda: send_rendered_mail(
            to=email,
            language=language,
            time_zone=actor.time_zone,
            calendar=actor.calendar,
            template="directory/email/invitation",
            context={
                "invitation": invitation,
                "organisation_name": organisation.name,
                "inviter": actor,
                "path": reverse("directory:invitation", args=[invitation.token]),
            },
        )
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, actor: User) -> Membership:
    """Join the organisation an open invitation names; only its addressee may accept."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationClosedError()
    if invitation.email.lower() != actor.email.lower():
        raise InvitationEmailMismatchError(email=invitation.email)
    membership, created = Membership.objects.get_or_create(
        user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created:
        raise AlreadyMemberError()
    memberships.forget(actor)
    if membership.role == Membership.Role.OWNER:
        send_identity_changed_on_commit(__name__, user_id=actor.pk)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    if invitation.invited_by is not None:
        notify(
            recipients=[invitation.invited_by],
            kind=kinds.INVITATION_ACCEPTED,
            params={"person": actor.name_versions, "organisation": invitation.organisation.name},
            url=reverse("directory:members", args=[invitation.organisation_id]),
        )
    return membership


@transaction.atomic
def change_member_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Give a member another role; the last owner stays an owner."""
    organisation = membership.organisation
    if not (
        can_assign_role(actor, organisation, role)
        and can_assign_role(actor, organisation, membership.role)
    ):
        raise NotAllowedError()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _keep_an_owner(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    memberships.forget(actor)
    if role == Membership.Role.OWNER:
        send_identity_changed_on_commit(__name__, user_id=membership.user_id)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    """Remove a member (or leave, when the actor is that member); the last owner stays."""
    leaving = actor.pk == membership.user_id
    if not leaving and not can_assign_role(actor, membership.organisation, membership.role):
        raise NotAllowedError()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER:
        _keep_an_owner(membership)
    membership.delete()
    memberships.forget(actor)


def _keep_an_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=Membership.Role.OWNER
    )
    if owners.exclude(pk=membership.pk).count() == 0:
        raise LastOwnerError()


@transaction.atomic
def add_member(*, organisation: Organisation, user: User, role: str) -> Membership:
    """Make a person a member with a role, or change their role (imports and the demo scenario)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    memberships.forget(user)
    return membership


def set_compliance_hold(*, organisation: Organisation, hold: str) -> Organisation:
    """Record what the compliance screening holds against the organisation (a
    `core.models.ComplianceHold`); called only by `karvan.compliance`."""
    if organisation.compliance_hold != hold:
        Organisation.objects.filter(pk=organisation.pk).update(compliance_hold=hold)
        organisation.compliance_hold = hold
    return organisation
