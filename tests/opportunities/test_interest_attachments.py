"""Interest messages take a document (a catalogue, a specification) with the same checks as
quotations' attachments, kept privately for the thread's two organisations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from karvan.core.errors import DomainError
from karvan.opportunities.services import (
    create_opportunity,
    express_interest,
    publish_opportunity,
    reply_to_interest,
)
from tests.opportunities.conftest import PISTACHIO_OFFER

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_offer(iranian, django_capture_on_commit_callbacks):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    with django_capture_on_commit_callbacks(execute=True):
        return publish_opportunity(opportunity=opportunity, actor=iranian.user)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_first_message_and_a_reply_carry_documents_served_to_the_thread_only(
    client, iranian, chinese, published_offer
):
    interest = express_interest(
        opportunity=published_offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="Our catalogue is attached.",
        language="en",
        attachment=SimpleUploadedFile("catalogue.pdf", PDF),
    )
    reply = reply_to_interest(
        interest=interest,
        actor=iranian.user,
        body="Our price sheet.",
        language="fa",
        attachment=SimpleUploadedFile("prices.png", PNG),
    )
    first = interest.messages.order_by("pk").first()
    assert first.attachment_extension == "pdf" and reply.attachment_extension == "png"

    client.force_login(iranian.user)
    page = client.get(interest.get_absolute_url()).content.decode()
    assert page.count('data-testid="message-attachment"') == 2
    served = client.get(reverse("opportunities:interest_attachment", args=[interest.pk, first.pk]))
    assert b"".join(served.streaming_content).startswith(b"%PDF")


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_no_message_is_saved(
    client, iranian, chinese, published_offer
):
    interest = express_interest(
        opportunity=published_offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="Hello",
        language="en",
    )
    with pytest.raises(DomainError) as refused:
        reply_to_interest(
            interest=interest,
            actor=iranian.user,
            body="See the file",
            language="en",
            attachment=SimpleUploadedFile("run.pdf", b"MZ\x90\x00"),
        )
    assert refused.value.code == "quotation.invalid_attachment"
    assert interest.messages.count() == 1

    client.force_login(iranian.user)
    response = client.post(
        interest.get_absolute_url(),
        {"body": "See the file", "attachment": SimpleUploadedFile("run.pdf", b"MZ\x90\x00")},
    )
    assert response.status_code == 200  # the form again, with the message at the file field
    assert "پیوست باید فایلی با قالب PDF" in response.content.decode()  # in the reader's language
    assert interest.messages.count() == 1
