"""The verification queue shows the evidence, asks before verifying, and a wrong click can be
undone for a few minutes by the person who made it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from karvan.core.errors import DomainError
from karvan.directory.models import IdentityRevision, Organisation, VerificationEvent
from karvan.directory.selectors import get_verification_evidence
from karvan.directory.services.verification import (
    add_verification_document,
    approve_organisation,
    undo_verification,
)
from karvan.notifications.models import Notification
from tests.factories import UserFactory, register_organisation, valid_iran_national_id, valid_uscc

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, full_name="Center Staff")


@pytest.fixture
def owner():
    return UserFactory(full_name="Parisa Owner")


def test_the_evidence_states_the_identifier_check_the_owners_and_the_documents(owner):
    checked = register_organisation(
        owner=owner, country="IR", registry_id=valid_iran_national_id(7)
    )
    add_verification_document(
        organisation=checked,
        actor=owner,
        title="Business licence",
        upload=SimpleUploadedFile("licence.pdf", PDF),
    )
    evidence = get_verification_evidence(organisation=checked)
    assert evidence.registry_check == "valid"
    assert [m.user for m in evidence.owners] == [owner]
    assert [d.title for d in evidence.documents] == ["Business licence"]
    assert evidence.waiting_days == 0

    chinese = register_organisation(owner=owner, country="CN", registry_id=valid_uscc(3))
    assert get_verification_evidence(organisation=chinese).registry_check == "valid"
    turkish = register_organisation(owner=owner, country="TR", registry_id="1234567890")
    assert get_verification_evidence(organisation=turkish).registry_check == "unchecked"
    none_given = register_organisation(owner=owner, country="TR")
    assert get_verification_evidence(organisation=none_given).registry_check == "missing"


def test_a_document_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_kept(owner):
    organisation = register_organisation(owner=owner)
    with pytest.raises(DomainError) as refused:
        add_verification_document(
            organisation=organisation,
            actor=owner,
            title="Licence",
            upload=SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert refused.value.code == "organisation.invalid_document"
    assert organisation.verification_documents.count() == 0


def test_the_person_who_verified_may_undo_within_minutes_and_the_history_keeps_both(staff, owner):
    organisation = register_organisation(owner=owner)
    approve_organisation(organisation=organisation, actor=staff)

    undo_verification(organisation=organisation, actor=staff)

    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING
    assert organisation.verified_at is None
    actions = list(organisation.verification_events.order_by("pk").values_list("action", flat=True))
    assert actions == ["submitted", "approved", "undone"]
    assert not organisation.identity_revisions.filter(status=IdentityRevision.Status.APPROVED)
    assert Notification.objects.filter(
        recipient=owner, kind="directory.verification_undone"
    ).exists()
    # Verified again later, normally.
    approve_organisation(organisation=organisation, actor=staff)
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED


def test_another_staff_member_or_a_late_undo_is_refused_and_changes_nothing(staff, owner):
    organisation = register_organisation(owner=owner)
    approve_organisation(organisation=organisation, actor=staff)
    with pytest.raises(DomainError):
        undo_verification(organisation=organisation, actor=UserFactory(is_staff=True))
    VerificationEvent.objects.filter(organisation=organisation, action="approved").update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    with pytest.raises(DomainError) as late:
        undo_verification(organisation=organisation, actor=staff)
    assert late.value.code == "organisation.undo_expired"
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED


def test_the_queue_page_shows_evidence_asks_first_and_offers_the_undo(client, staff, owner):
    organisation = register_organisation(
        owner=owner, country="IR", registry_id=valid_iran_national_id(9)
    )
    client.force_login(staff)
    page = client.get(reverse("directory:verification_queue")).content.decode()
    assert 'data-testid="verification-evidence"' in page
    assert "check characters agree" in page
    assert "Parisa Owner" in page
    assert "<details>" in page and "Yes, verify it" in page

    client.post(
        reverse("directory:verify", args=[organisation.pk]),
        {"decision": "approve", "next": "queue"},
    )
    page = client.get(reverse("directory:verification_queue")).content.decode()
    assert 'data-testid="undo-verifications"' in page
    response = client.post(reverse("directory:verify_undo", args=[organisation.pk]), follow=True)
    assert "The verification is undone" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING


def test_managers_upload_through_the_page_and_a_bad_file_gets_its_message(client, owner):
    organisation = register_organisation(owner=owner)
    client.force_login(owner)
    url = reverse("directory:documents", args=[organisation.pk])
    bad = client.post(
        url,
        {"title": "Licence", "file": SimpleUploadedFile("x.pdf", b"GIF89a")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200
    assert "must be a PDF, PNG or JPEG" in bad.content.decode()
    good = client.post(url, {"title": "Licence", "file": SimpleUploadedFile("x.pdf", PDF)})
    assert good.status_code == 302
    document = organisation.verification_documents.get()
    served = client.get(reverse("directory:document_file", args=[organisation.pk, document.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")
