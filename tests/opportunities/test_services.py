import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from karvan.core.errors import NotAllowedError
from karvan.matching.models import StoredVector
from karvan.notifications.models import Notification
from karvan.opportunities import notifications as kinds
from karvan.opportunities.errors import (
    AlreadyDecidedError,
    DeadlinePassedError,
    DuplicateInterestError,
    InvalidAttachmentError,
    InvalidDeadlineError,
    InvalidPriceRangeError,
    NotDraftError,
    NotPublishedError,
    OwnInterestError,
    OwnQuotationError,
    RfqNeedsRequestError,
)
from karvan.opportunities.matching.adapters import KIND
from karvan.opportunities.models import Interest, Opportunity, Quotation
from karvan.opportunities.services import (
    accept_interest,
    close_opportunity,
    create_opportunity,
    decline_interest,
    express_interest,
    publish_opportunity,
    renew_opportunity,
    reply_to_interest,
    submit_quotation,
    update_opportunity,
)
from tests.factories import MembershipFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing

pytestmark = pytest.mark.django_db


def test_a_new_opportunity_is_a_draft_with_its_codes(iranian):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    assert opportunity.status == Opportunity.Status.DRAFT
    assert [code.code for code in opportunity.hs_codes.all()] == ["0802"]
    assert opportunity.language == "fa"
    assert "پسته" in opportunity.search_document


def test_an_outsider_cannot_draft_for_an_organisation(iranian, chinese):
    with pytest.raises(NotAllowedError):
        create_opportunity(
            actor=chinese.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
        )
    assert not Opportunity.objects.exists()


def test_publishing_sets_the_date_a_default_expiry_and_indexes_it(
    iranian, django_capture_on_commit_callbacks
):
    opportunity = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert opportunity.published_at is not None
    assert opportunity.expires_on == timezone.localdate() + datetime.timedelta(days=90)
    vector = StoredVector.objects.get(kind=KIND, key=str(opportunity.pk))
    assert vector.is_active and len(bytes(vector.vector)) == 384 * 4


def test_only_a_draft_can_be_published(iranian, django_capture_on_commit_callbacks):
    opportunity = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    with pytest.raises(NotDraftError):
        publish_opportunity(opportunity=opportunity, actor=iranian.user)


def test_closing_removes_it_from_the_index(iranian, django_capture_on_commit_callbacks):
    opportunity = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        close_opportunity(opportunity=opportunity, actor=iranian.user)
    assert not StoredVector.objects.get(kind=KIND, key=str(opportunity.pk)).is_active


def test_renewing_an_expired_opportunity_reopens_it(iranian, django_capture_on_commit_callbacks):
    opportunity = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    opportunity.refresh_from_db()
    assert opportunity.is_expired and not opportunity.is_open
    renewed = renew_opportunity(opportunity=opportunity, actor=iranian.user, days=30)
    assert renewed.expires_on == timezone.localdate() + datetime.timedelta(days=30)
    assert renewed.is_open


def test_price_range_must_be_ordered(iranian):
    with pytest.raises(InvalidPriceRangeError):
        create_opportunity(
            actor=iranian.user,
            organisation=iranian.organisation,
            data={**PISTACHIO_OFFER, "price_min": "10", "price_max": "5"},
        )


def test_only_a_request_with_a_future_deadline_is_an_rfq(chinese):
    with pytest.raises(RfqNeedsRequestError):
        create_opportunity(
            actor=chinese.user,
            organisation=chinese.organisation,
            data={**PISTACHIO_OFFER, "is_rfq": True, "quotation_deadline": timezone.now()},
        )
    with pytest.raises(InvalidDeadlineError):
        create_opportunity(
            actor=chinese.user,
            organisation=chinese.organisation,
            data={**PISTACHIO_REQUEST, "is_rfq": True, "quotation_deadline": timezone.now()},
        )


def test_a_plain_member_edits_only_what_they_wrote(iranian):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    colleague = MembershipFactory(organisation=iranian.organisation, role="member").user
    with pytest.raises(NotAllowedError):
        update_opportunity(opportunity=opportunity, actor=colleague, changes={"title": "Hijacked"})
    opportunity.refresh_from_db()
    assert opportunity.title == PISTACHIO_OFFER["title"]


def test_interest_thread_and_decision_notify_each_side(
    iranian, chinese, django_capture_on_commit_callbacks, mailoutbox
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        interest = express_interest(
            opportunity=offer,
            actor=chinese.user,
            organisation=chinese.organisation,
            message="我们每月需要两个货柜。",
            language="zh-hans",
        )
    received = Notification.objects.get(recipient=iranian.user, kind=kinds.INTEREST_RECEIVED)
    assert received.url == interest.get_absolute_url()
    iranian_mail = next(mail for mail in mailoutbox if mail.to == [iranian.user.email])
    assert "广州坚果进口有限公司" in iranian_mail.subject  # the only name the importer gave
    reply_to_interest(
        interest=interest, actor=iranian.user, body="سلام، نمونه می‌فرستیم.", language="fa"
    )
    assert Notification.objects.filter(recipient=chinese.user, kind=kinds.INTEREST_MESSAGE).exists()
    accept_interest(interest=interest, actor=iranian.user)
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED
    assert Notification.objects.filter(
        recipient=chinese.user, kind=kinds.INTEREST_ACCEPTED
    ).exists()
    with pytest.raises(AlreadyDecidedError):
        decline_interest(interest=interest, actor=iranian.user)
    assert list(interest.messages.values_list("language", flat=True)) == ["zh-hans", "fa"]


def test_interest_rules(iranian, chinese, django_capture_on_commit_callbacks):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    with pytest.raises(OwnInterestError):
        express_interest(
            opportunity=offer,
            actor=iranian.user,
            organisation=iranian.organisation,
            message="x",
            language="fa",
        )
    with pytest.raises(NotAllowedError):  # speaking for an organisation one does not belong to
        express_interest(
            opportunity=offer,
            actor=chinese.user,
            organisation=iranian.organisation,
            message="x",
            language="zh-hans",
        )
    express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="有兴趣",
        language="zh-hans",
    )
    with pytest.raises(DuplicateInterestError):
        express_interest(
            opportunity=offer,
            actor=chinese.user,
            organisation=chinese.organisation,
            message="again",
            language="zh-hans",
        )
    draft = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    with pytest.raises(NotPublishedError):
        express_interest(
            opportunity=draft,
            actor=chinese.user,
            organisation=chinese.organisation,
            message="x",
            language="zh-hans",
        )


def test_only_the_opportunitys_side_decides(iranian, chinese, django_capture_on_commit_callbacks):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    interest = express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="有兴趣",
        language="zh-hans",
    )
    with pytest.raises(NotAllowedError):
        accept_interest(interest=interest, actor=chinese.user)
    outsider = MembershipFactory().user
    with pytest.raises(NotAllowedError):
        reply_to_interest(interest=interest, actor=outsider, body="spam", language="en")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.PENDING
    assert interest.messages.count() == 1


def _rfq(chinese, capture, deadline_days=7):
    data = {
        **PISTACHIO_REQUEST,
        "is_rfq": True,
        "quotation_deadline": timezone.now() + datetime.timedelta(days=deadline_days),
    }
    return publish_listing(chinese, data, capture)


QUOTE = {
    "unit_price": "9.40",
    "currency": "USD",
    "price_unit": "kg",
    "quantity": "40",
    "quantity_unit": "t",
    "lead_time_days": 21,
    "incoterm": "CFR",
    "terms": "۳۰٪ پیش‌پرداخت",
}


def test_suppliers_quote_until_the_deadline_and_can_revise(
    iranian, chinese, django_capture_on_commit_callbacks
):
    rfq = _rfq(chinese, django_capture_on_commit_callbacks)
    quotation = submit_quotation(
        opportunity=rfq, actor=iranian.user, organisation=iranian.organisation, data=QUOTE
    )
    assert Notification.objects.filter(
        recipient=chinese.user, kind=kinds.QUOTATION_RECEIVED
    ).exists()
    revised = submit_quotation(
        opportunity=rfq,
        actor=iranian.user,
        organisation=iranian.organisation,
        data={**QUOTE, "unit_price": "9.10"},
    )
    assert revised.pk == quotation.pk and str(revised.unit_price) == "9.10"
    assert Quotation.objects.count() == 1
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=8)),
        pytest.raises(DeadlinePassedError),
    ):
        submit_quotation(
            opportunity=rfq, actor=iranian.user, organisation=iranian.organisation, data=QUOTE
        )
    with pytest.raises(OwnQuotationError):
        submit_quotation(
            opportunity=rfq, actor=chinese.user, organisation=chinese.organisation, data=QUOTE
        )


def test_quotation_attachments_are_checked_by_content(
    iranian, chinese, django_capture_on_commit_callbacks
):
    rfq = _rfq(chinese, django_capture_on_commit_callbacks)
    fake = SimpleUploadedFile("price-list.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(InvalidAttachmentError):
        submit_quotation(
            opportunity=rfq,
            actor=iranian.user,
            organisation=iranian.organisation,
            data=QUOTE,
            attachment=fake,
        )
    assert not Quotation.objects.exists()
    real = SimpleUploadedFile("price-list.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    quotation = submit_quotation(
        opportunity=rfq,
        actor=iranian.user,
        organisation=iranian.organisation,
        data=QUOTE,
        attachment=real,
    )
    assert quotation.attachment.name.endswith(".pdf")
    assert "price-list" not in quotation.attachment.name
