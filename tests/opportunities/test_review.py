"""The center's review of opportunities from organisations it has not verified."""

import pytest
from django.test import override_settings
from django.urls import reverse

from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.matching.models import StoredVector
from karvan.notifications.models import Notification
from karvan.opportunities import notifications as kinds
from karvan.opportunities.errors import NotInReviewError, ReasonRequiredError
from karvan.opportunities.matching.adapters import KIND
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import list_opportunities, list_opportunities_in_review
from karvan.opportunities.services import (
    approve_opportunity,
    create_opportunity,
    publish_opportunity,
    return_opportunity,
)
from tests.factories import UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, language="zh-hans")


@pytest.fixture
def unverified(iranian):
    """The Iranian processor before the center has verified it."""
    Organisation.objects.filter(pk=iranian.organisation_id).update(
        verification=Organisation.Verification.PENDING
    )
    iranian.organisation.refresh_from_db()
    return iranian


def _submitted(membership, capture):
    draft = create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=PISTACHIO_OFFER
    )
    with capture(execute=True):
        return publish_opportunity(opportunity=draft, actor=membership.user)


def test_an_unverified_organisations_opportunity_waits_for_staff(
    unverified, chinese, staff, django_capture_on_commit_callbacks
):
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    assert offer.status == Opportunity.Status.IN_REVIEW and offer.submitted_at
    assert offer.published_at is None
    # Nobody on the other side finds it, and matching has not seen it.
    assert offer not in list_opportunities(viewer=chinese.user)
    assert not StoredVector.objects.filter(kind=KIND, key=str(offer.pk)).exists()
    notice = Notification.objects.get(recipient=staff, kind=kinds.OPPORTUNITY_SUBMITTED)
    assert notice.url == reverse("opportunities:review_queue")
    assert [item for item, _quality in list_opportunities_in_review(viewer=staff)] == [offer]


def test_a_verified_organisation_publishes_at_once(iranian, django_capture_on_commit_callbacks):
    offer = _submitted(iranian, django_capture_on_commit_callbacks)
    assert offer.status == Opportunity.Status.PUBLISHED
    assert StoredVector.objects.filter(kind=KIND, key=str(offer.pk), is_active=True).exists()


@pytest.mark.parametrize(
    ("policy", "verified_status", "unverified_status"),
    [("all", "in_review", "in_review"), ("none", "published", "published")],
)
def test_the_review_policy_is_configuration(
    policy, verified_status, unverified_status, iranian, chinese, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=chinese.organisation_id).update(
        verification=Organisation.Verification.UNVERIFIED
    )
    chinese.organisation.refresh_from_db()
    with override_settings(KARVAN_OPPORTUNITY_REVIEW=policy):
        assert _submitted(iranian, django_capture_on_commit_callbacks).status == verified_status
        assert _submitted(chinese, django_capture_on_commit_callbacks).status == unverified_status


def test_staff_approve_and_it_is_published_indexed_and_announced(
    unverified, staff, django_capture_on_commit_callbacks
):
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        offer = approve_opportunity(opportunity=offer, actor=staff)
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.PUBLISHED and offer.published_at
    assert offer.reviewed_by == staff and offer.expires_on
    assert StoredVector.objects.filter(kind=KIND, key=str(offer.pk), is_active=True).exists()
    assert Notification.objects.filter(
        recipient=unverified.user, kind=kinds.OPPORTUNITY_APPROVED
    ).exists()
    with pytest.raises(NotInReviewError):  # a second member of staff clicks a moment later
        approve_opportunity(opportunity=offer, actor=UserFactory(is_staff=True))


def test_staff_send_it_back_with_a_reason_the_author_reads(
    unverified, staff, django_capture_on_commit_callbacks, mailoutbox
):
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    with pytest.raises(ReasonRequiredError):
        return_opportunity(opportunity=offer, actor=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        return_opportunity(opportunity=offer, actor=staff, reason="请注明包装规格和原产地证书。")
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.DRAFT
    assert offer.review_note == "请注明包装规格和原产地证书。"
    notice = Notification.objects.get(recipient=unverified.user, kind=kinds.OPPORTUNITY_RETURNED)
    assert notice.params["reason"] == "请注明包装规格和原产地证书。"
    # The author may correct it and submit it again.
    with django_capture_on_commit_callbacks(execute=True):
        again = publish_opportunity(opportunity=offer, actor=unverified.user)
    assert again.status == Opportunity.Status.IN_REVIEW


def test_only_staff_decide(unverified, chinese, django_capture_on_commit_callbacks):
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    for outsider in (unverified.user, chinese.user):  # the author, and another organisation
        with pytest.raises(NotAllowedError):
            approve_opportunity(opportunity=offer, actor=outsider)
        with pytest.raises(NotAllowedError):
            return_opportunity(opportunity=offer, actor=outsider, reason="no")
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.IN_REVIEW


def test_the_review_pages(client, unverified, chinese, staff, django_capture_on_commit_callbacks):
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    queue = reverse("opportunities:review_queue")
    detail = reverse("opportunities:detail", args=[offer.pk])
    client.force_login(chinese.user)
    assert client.get(queue).status_code == 302  # to the staff log-in
    assert client.get(detail).status_code == 404
    response = client.post(
        reverse("opportunities:review", args=[offer.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.IN_REVIEW

    client.force_login(unverified.user)
    page = client.get(detail).content.decode()
    assert "بازبینی" in page  # the author is told it awaits the staff's review, in Persian

    client.force_login(staff)
    page = client.get(queue).content.decode()
    assert offer.title in page
    page = client.get(detail).content.decode()
    assert 'name="reason"' in page and "审核" in page
    empty = client.post(reverse("opportunities:review", args=[offer.pk]), {"decision": "return"})
    assert empty.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.IN_REVIEW  # no reason, nothing changed
    client.post(
        reverse("opportunities:review", args=[offer.pk]),
        {"decision": "return", "reason": "请补充数量。"},
    )
    offer.refresh_from_db()
    assert (offer.status, offer.review_note) == (Opportunity.Status.DRAFT, "请补充数量。")
    client.force_login(unverified.user)
    assert "请补充数量。" in client.get(detail).content.decode()


@pytest.mark.parametrize("role", ["owner", "member"])
def test_staff_cannot_decide_on_their_own_organisations_opportunity(
    client, unverified, staff, role, django_capture_on_commit_callbacks
):
    """Like an organisation's verification: a member of staff who belongs to it stays out."""
    from tests.factories import MembershipFactory

    MembershipFactory(user=staff, organisation=unverified.organisation, role=role)
    offer = _submitted(unverified, django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowedError):
        approve_opportunity(opportunity=offer, actor=staff)
    with pytest.raises(NotAllowedError):
        return_opportunity(opportunity=offer, actor=staff, reason="fine")
    client.force_login(staff)
    queue = client.get(reverse("opportunities:review_queue"))
    assert queue.status_code == 200
    assert offer.title in queue.content.decode()
    assert reverse("opportunities:review", args=[offer.pk]) not in queue.content.decode()
    detail = client.get(reverse("opportunities:detail", args=[offer.pk])).content.decode()
    assert 'name="reason"' not in detail
    response = client.post(
        reverse("opportunities:review", args=[offer.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.IN_REVIEW and offer.reviewed_by is None
    # Another member of staff decides.
    approve_opportunity(opportunity=offer, actor=UserFactory(is_staff=True))
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.PUBLISHED
