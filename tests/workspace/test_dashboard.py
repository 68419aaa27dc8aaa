"""The home page: the marketing page for visitors, the member's workspace after log-in."""

import pytest
from django.urls import reverse

from karvan.directory.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

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
