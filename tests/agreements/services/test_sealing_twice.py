"""Sealing runs at least once: however many runs, one sealed PDF and one "sealed" event."""

from pathlib import Path

from django.core.files.base import ContentFile

from karvan.agreements.models import Agreement
from karvan.agreements.services.sealing import seal_agreement
from karvan.agreements.tasks import seal_agreement as seal_agreement_task
from tests.agreements.conftest import sign_as


def _signed_not_sealed(signing, iran, china, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(iran.signatory, signing)
    sign_as(china.signatory, signing)  # its sealing task waits for a commit that never comes
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNED and not signing.is_sealed
    return signing


def _pdfs(settings) -> list[Path]:
    return sorted((Path(settings.KARVAN_PRIVATE_ROOT) / "agreements").glob("*.pdf"))


def test_a_sealing_task_delivered_twice_leaves_one_pdf(
    signing, iran, china, settings, django_capture_on_commit_callbacks
):
    agreement = _signed_not_sealed(signing, iran, china, django_capture_on_commit_callbacks)
    seal_agreement_task.delay(agreement_id=agreement.pk)
    seal_agreement_task.delay(agreement_id=agreement.pk)
    agreement.refresh_from_db()
    assert agreement.is_sealed
    assert len(_pdfs(settings)) == 1
    assert agreement.events.filter(action="sealed").count() == 1


def test_a_file_left_by_a_run_that_died_before_its_commit_is_replaced(
    signing, iran, china, settings, django_capture_on_commit_callbacks
):
    agreement = _signed_not_sealed(signing, iran, china, django_capture_on_commit_callbacks)
    # What a worker killed between storing the file and committing leaves behind.
    name = agreement.sealed_pdf.field.generate_filename(agreement, "x.pdf")
    agreement.sealed_pdf.storage.save(name, ContentFile(b"%PDF-1.7 half written"))
    assert len(_pdfs(settings)) == 1

    sealed = seal_agreement(agreement=agreement)
    assert sealed.is_sealed
    assert sealed.sealed_pdf.name == name
    pdfs = _pdfs(settings)
    assert len(pdfs) == 1
    assert b"half written" not in pdfs[0].read_bytes()
