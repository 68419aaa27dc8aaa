"""The dashboard's opportunity blocks: interests to answer, quotations to compare, partners."""

import re

import pytest
from django.urls import reverse

from karvan.opportunities.services import accept_interest, express_interest, submit_quotation
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing
from tests.opportunities.test_services import QUOTE, _rfq

pytestmark = pytest.mark.django_db


def _count(html: str, block: str) -> int | None:
    found = re.search(
        rf'data-block="{block}">\s*<div class="card-header[^\n]*?data-count="(\d+)"', html
    )
    return int(found.group(1)) if found else None


def test_interests_to_answer_are_the_pending_ones_received(
    client, iranian, chinese, django_capture_on_commit_callbacks
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    interest = express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="我们每月需要两个货柜。",
        language="zh-hans",
    )
    client.force_login(iranian.user)
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "interests") == 1
    assert interest.get_absolute_url() in html
    client.force_login(chinese.user)  # the sender waits; nothing to answer
    assert _count(client.get(reverse("home")).content.decode(), "interests") is None
    accept_interest(interest=interest, actor=iranian.user)
    client.force_login(iranian.user)
    assert _count(client.get(reverse("home")).content.decode(), "interests") is None


def test_quotations_to_compare_count_requests_with_quotations_before_the_deadline(
    client, iranian, chinese, django_capture_on_commit_callbacks
):
    rfq = _rfq(chinese, django_capture_on_commit_callbacks)
    client.force_login(chinese.user)
    assert _count(client.get(reverse("home")).content.decode(), "quotations") is None
    submit_quotation(
        opportunity=rfq, actor=iranian.user, organisation=iranian.organisation, data=QUOTE
    )
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "quotations") == 1
    assert reverse("opportunities:quotations", args=[rfq.pk]) in html
    client.force_login(iranian.user)  # the supplier has nothing to compare
    assert _count(client.get(reverse("home")).content.decode(), "quotations") is None


def test_partners_are_confident_matches_of_the_other_side(
    client, iranian, chinese, django_capture_on_commit_callbacks
):
    publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    client.force_login(iranian.user)
    html = client.get(reverse("home")).content.decode()
    partners = html[html.index('id="dashboard-partners"') :]
    assert request.get_absolute_url() in partners
    assert "广州坚果进口有限公司" in partners
