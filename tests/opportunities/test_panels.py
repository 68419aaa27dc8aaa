"""The blocks opportunities adds to the directory's organisation page (core.panels)."""

import pytest
from django.urls import reverse

from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db


def test_the_organisation_page_shows_its_open_opportunities_and_partners_for_it(
    client, iranian, chinese, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = create_opportunity(
            actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
        )
        publish_opportunity(opportunity=offer, actor=iranian.user)
        wanted = create_opportunity(
            actor=chinese.user, organisation=chinese.organisation, data=PISTACHIO_REQUEST
        )
        publish_opportunity(opportunity=wanted, actor=chinese.user)
    draft = create_opportunity(
        actor=iranian.user,
        organisation=iranian.organisation,
        data={**PISTACHIO_OFFER, "title": "Unpublished saffron"},
    )
    client.force_login(iranian.user)
    page = client.get(reverse("directory:detail", args=[iranian.organisation.pk])).content.decode()
    opportunities, partners = page.index('id="opportunities"'), page.index('id="partners"')
    assert opportunities < page.index(offer.title) < partners < page.index(wanted.title)
    assert draft.title not in page


def test_an_organisation_without_opportunities_shows_neither_block(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = client.get(reverse("directory:detail", args=[membership.organisation.pk]))
    assert page.status_code == 200
    assert 'id="opportunities"' not in page.content.decode()
    assert 'id="partners"' not in page.content.decode()
