"""A verified organisation's name, country and registry identifier change only with the center's
approval: until then everyone else sees the identity the center verified."""

import json

import pytest
from django.urls import reverse

from karvan.accounts.services import create_api_token
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_organisations
from karvan.directory.services import update_organisation
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import (
    MembershipFactory,
    UserFactory,
    register_verified_organisation,
    valid_iran_national_id,
)

pytestmark = pytest.mark.django_db

VERIFIED_NAME = "Novin Pistachio"
NEW_NAME = "National Iranian Oil Company"


@pytest.fixture
def owner():
    return UserFactory(language="en")


@pytest.fixture
def organisation(owner):
    return register_verified_organisation(
        owner=owner,
        name={"en": VERIFIED_NAME},
        registry_id=valid_iran_national_id(501),
    )


@pytest.fixture
def outsider():
    return MembershipFactory().user


def _rename(organisation, owner, **extra):
    return update_organisation(
        organisation=organisation,
        actor=owner,
        changes={"name": {"en": NEW_NAME}, **extra},
    )


def test_a_verified_organisations_new_name_is_not_shown_before_approval(
    client, organisation, owner, outsider
):
    _rename(organisation, owner, description={"en": "Now also oil."})
    organisation.refresh_from_db()
    assert organisation.display_name == VERIFIED_NAME
    assert organisation.is_verified
    assert organisation.description == {"en": "Now also oil."}  # not part of the identity
    assert not list_organisations(viewer=outsider, query="National Iranian Oil").exists()
    client.force_login(outsider)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert VERIFIED_NAME in page and NEW_NAME not in page
    listing = client.get(reverse("directory:list"), {"q": "Novin"}).content.decode()
    assert VERIFIED_NAME in listing and NEW_NAME not in listing
    api = client.get(f"/api/organisations/{organisation.pk}").json()
    assert api["name"] == {"en": VERIFIED_NAME}


@pytest.mark.parametrize(
    "changes",
    [{"country": "AE"}, {"registry_id": valid_iran_national_id(777)}],
)
def test_country_and_registry_identifier_wait_for_approval(organisation, owner, changes):
    before = (organisation.country, organisation.registry_id)
    update_organisation(organisation=organisation, actor=owner, changes=changes)
    organisation.refresh_from_db()
    assert (organisation.country, organisation.registry_id) == before
    assert organisation.is_verified


def test_the_opportunity_page_shows_the_verified_name(client, organisation, owner, outsider):
    offer = create_opportunity(
        actor=owner,
        organisation=organisation,
        data={
            "side": "offer",
            "kind": "product",
            "language": "en",
            "title": "Akbari pistachios",
            "description": "Akbari pistachios, 500 t a year, CFR Huangpu.",
        },
    )
    offer = publish_opportunity(opportunity=offer, actor=owner)
    _rename(organisation, owner)
    client.force_login(outsider)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert VERIFIED_NAME in page and NEW_NAME not in page


def test_the_api_patch_leaves_the_verified_identity_shown(client, organisation, owner, outsider):
    _token, key = create_api_token(user=owner, name="tests")
    response = client.patch(
        f"/api/organisations/{organisation.pk}",
        json.dumps({"name": {"en": NEW_NAME}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    assert organisation.name == {"en": VERIFIED_NAME}
    assert Organisation.objects.get(pk=organisation.pk).verification == "verified"
