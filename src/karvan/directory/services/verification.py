"""The center's verification of organisations: approving, refusing, undoing within minutes, the
evidence organisations give, and the staff's decisions on a verified organisation's new identity."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.errors import ComplianceCheckError, NotAllowedError
from karvan.core.files import DOCUMENT_MAX_BYTES, document_extension
from karvan.directory import notifications as kinds
from karvan.directory.errors import (
    DocumentTitleRequiredError,
    IdentityChangeDecidedError,
    InvalidDocumentError,
    NotPendingError,
    ReasonRequiredError,
    UndoExpiredError,
)
from karvan.directory.models import (
    IdentityRevision,
    Organisation,
    VerificationDocument,
    VerificationEvent,
)
from karvan.directory.permissions import (
    can_edit_organisation,
    can_verify_organisation,
)
from karvan.directory.selectors import get_public_identity
from karvan.directory.services._support import managers_of
from karvan.directory.services.profiles import (
    _apply_changes,
    _identity_changed,
    _save,
    refresh_search_document,
)
from karvan.notifications.services import notify


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
        recipients=managers_of(organisation),
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
        recipients=managers_of(organisation),
        kind=kinds.IDENTITY_REFUSED,
        params={"organisation": organisation.name, "reason": reason},
        url=organisation.get_absolute_url(),
    )
    return revision


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
        recipients=managers_of(organisation),
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
        recipients=managers_of(organisation),
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
        recipients=managers_of(organisation),
        kind=kinds.ORGANISATION_REJECTED,
        params={"organisation": organisation.name, "reason": reason},
        url=organisation.get_absolute_url(),
    )
    return organisation
