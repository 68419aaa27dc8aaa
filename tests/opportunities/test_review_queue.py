"""The staff's review queue reads a fixed number of queries, however many opportunities wait."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from karvan.opportunities.models import Opportunity
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER

pytestmark = pytest.mark.django_db


def _waiting(membership, title):
    draft = create_opportunity(
        actor=membership.user,
        organisation=membership.organisation,
        data={**PISTACHIO_OFFER, "title": title},
    )
    opportunity = publish_opportunity(opportunity=draft, actor=membership.user)
    # Back for review after an edit: the queue shows what changed since it was last public.
    Opportunity.objects.filter(pk=opportunity.pk).update(reviewed_facts={"title": "Before"})
    return opportunity


def test_the_review_queue_does_not_query_once_per_opportunity(
    client, settings, iranian, django_assert_max_num_queries
):
    settings.KARVAN_OPPORTUNITY_REVIEW = "all"
    client.force_login(UserFactory(is_staff=True))
    url = reverse("opportunities:review_queue")
    _waiting(iranian, "Pistachio kernels 1")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for number in range(2, 8):
        _waiting(iranian, f"Pistachio kernels {number}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert all(f"Pistachio kernels {number}" in page for number in range(1, 8))
    assert page.count("Before") == 7
