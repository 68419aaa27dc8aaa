"""The home page: the marketing page for visitors, the member's workspace after log-in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from karvan.directory.models import Membership
from karvan.opportunities.services import (
    create_opportunity,
    express_interest,
    publish_opportunity,
    submit_quotation,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST
from tests.opportunities.test_services import QUOTE

pytestmark = pytest.mark.django_db


def test_a_visitor_keeps_the_marketing_home(client):
    html = client.get(reverse("home")).content.decode()
    assert 'class="hero' in html
    assert "dashboard-waiting" not in html


def test_a_person_without_an_organisation_gets_the_start_checklist(client):
    client.force_login(UserFactory(language="en"))
    html = client.get(reverse("home")).content.decode()
    assert "dashboard-waiting" in html and 'class="hero' not in html
    start = html[html.index('id="dashboard-start"') : html.index('id="dashboard-waiting"')]
    assert start.count('data-step-done="false"') == 3
    assert reverse("directory:create") in start
    # Nothing waits: the empty state says what to do, with the button to do it.
    assert reverse("opportunities:search") in html
    assert "Nothing waits for your answer" in html
    # Without an organisation there is no partner block at all, not an empty one.
    assert "dashboard-partners" not in html


def test_the_checklist_follows_the_organisation_and_its_profile(client):
    membership = MembershipFactory(
        organisation=OrganisationFactory(description={"en": "We make things."}),
        role=Membership.Role.OWNER,
    )
    client.force_login(membership.user)
    html = client.get(reverse("home")).content.decode()
    start = html[html.index('id="dashboard-start"') : html.index('id="dashboard-waiting"')]
    assert start.count('data-step-done="true"') == 1  # registered; no products or sectors yet
    assert reverse("directory:edit", args=[membership.organisation.pk]) in start
    assert reverse("opportunities:create") in start


def test_a_persian_reader_gets_the_workspace_right_to_left(client):
    client.force_login(UserFactory(language="fa"))
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "dashboard-waiting" in html


def _block_count(html: str, block: str) -> int:
    """The count a block of the workspace shows (0 when the block is absent)."""
    marker = f'data-block="{block}"'
    if marker not in html:
        return 0
    rest = html[html.index(marker) :]
    start = rest.index('data-count="') + len('data-count="')
    return int(rest[start : rest.index('"', start)])


def test_what_waits_shows_the_interests_quotations_and_notifications_of_each_side(
    client, django_capture_on_commit_callbacks
):
    """The seller sees the interest to answer, the buyer the quotations to compare; nobody
    else sees either."""
    seller = MembershipFactory(
        organisation=OrganisationFactory(name={"fa": "پسته نوین"}, original_language="fa"),
        role=Membership.Role.OWNER,
    )
    buyer = MembershipFactory(
        organisation=OrganisationFactory(
            name={"zh-hans": "广州坚果进口有限公司"},
            original_language="zh-hans",
            country="CN",
            registry_id=valid_uscc(7),
        ),
        role=Membership.Role.OWNER,
    )
    with django_capture_on_commit_callbacks(execute=True):
        offer = create_opportunity(
            actor=seller.user, organisation=seller.organisation, data=PISTACHIO_OFFER
        )
        publish_opportunity(opportunity=offer, actor=seller.user)
        rfq = create_opportunity(
            actor=buyer.user,
            organisation=buyer.organisation,
            data={
                **PISTACHIO_REQUEST,
                "is_rfq": True,
                "quotation_deadline": timezone.now() + datetime.timedelta(days=7),
            },
        )
        publish_opportunity(opportunity=rfq, actor=buyer.user)
        express_interest(
            opportunity=offer,
            actor=buyer.user,
            organisation=buyer.organisation,
            message="我们每月需要两个货柜。",
            language="zh-hans",
        )
        submit_quotation(
            opportunity=rfq, actor=seller.user, organisation=seller.organisation, data=QUOTE
        )

    client.force_login(seller.user)
    html = client.get(reverse("home")).content.decode()
    assert _block_count(html, "interests") == 1 and "广州坚果进口有限公司" in html
    assert _block_count(html, "quotations") == 0
    unread = seller.user.notifications.filter(read_at__isnull=True).count()
    assert unread >= 1 and _block_count(html, "notifications") == unread

    client.force_login(buyer.user)
    html = client.get(reverse("home")).content.decode()
    assert _block_count(html, "quotations") == 1
    assert reverse("opportunities:quotations", args=[rfq.pk]) in html
    assert _block_count(html, "interests") == 0

    client.force_login(MembershipFactory().user)
    html = client.get(reverse("home")).content.decode()
    assert "Nothing waits for your answer" in html
    assert all(
        _block_count(html, block) == 0 for block in ("interests", "quotations", "notifications")
    )
