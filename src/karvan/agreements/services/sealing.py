"""Sealing: the signed agreement rendered as a PDF and sealed with the platform's key."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from karvan.agreements import notifications as kinds
from karvan.agreements.documents.pdf import render_pdf
from karvan.agreements.documents.platform import get_sealing_key
from karvan.agreements.documents.rendering import build_document
from karvan.agreements.documents.sealing import seal_pdf, sha256_hex
from karvan.agreements.models import Agreement, AgreementEvent
from karvan.agreements.services._support import (
    lock_agreement,
    notify_parties,
    people_to_tell,
    record_entry,
)


def seal_agreement(*, agreement: Agreement) -> Agreement:
    """Render the signed agreement, seal it with the platform's key, store the PDF. Idempotent."""
    if agreement.status != Agreement.Status.SIGNED or agreement.is_sealed:
        return agreement
    document = build_document(agreement)
    sealed = seal_pdf(
        render_pdf(document),
        get_sealing_key(),
        reason=f"Karvan agreement {agreement.code}: signed by every party",
        location=settings.SITE_URL,
    )
    with transaction.atomic():
        locked = lock_agreement(agreement)
        if locked.is_sealed:
            return locked
        name = locked.sealed_pdf.field.generate_filename(locked, f"{locked.code}.pdf")
        if locked.sealed_pdf.storage.exists(name):
            # Left by a run that stored the file and died before its commit: replaced, so the
            # agreement has one sealed PDF however many runs it took.
            locked.sealed_pdf.storage.delete(name)
        locked.sealed_pdf.save(f"{locked.code}.pdf", ContentFile(sealed), save=False)
        locked.sealed_sha256, locked.sealed_at = sha256_hex(sealed), timezone.now()
        locked.save(update_fields=["sealed_pdf", "sealed_sha256", "sealed_at", "updated_at"])
        record_entry(locked, AgreementEvent.Action.SEALED, detail={"sha256": locked.sealed_sha256})
        recipients = people_to_tell(locked)
        notify_parties(locked, recipients, kinds.COMPLETED)
    return locked
