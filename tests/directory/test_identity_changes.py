"""A verified organisation's name, country and registry identifier change only with the center's
approval: until then everyone else sees the identity the center verified."""

import json

import pytest
from django.urls import reverse

from karvan.accounts.services import create_api_token
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_organisations
from karvan.directory.services.profiles import update_organisation
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


# The pending change, from each side, and the staff's decision.

from karvan.core.errors import NotAllowedError  # noqa: E402
from karvan.directory import notifications as kinds  # noqa: E402
from karvan.directory.errors import IdentityChangeDecidedError  # noqa: E402
from karvan.directory.models import IdentityRevision  # noqa: E402
from karvan.directory.selectors import (  # noqa: E402
    get_pending_identity_revision,
    get_public_identity,
    list_identity_revisions,
)
from karvan.directory.services.verification import approve_identity_change, refuse_identity_change  # noqa: E402
from karvan.notifications.models import Notification  # noqa: E402


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, language="en")


def test_the_owner_sees_the_pending_change_and_others_do_not(client, organisation, owner, outsider):
    _rename(organisation, owner)
    assert get_public_identity(organisation=organisation).name == {"en": VERIFIED_NAME}
    pending = get_pending_identity_revision(organisation=organisation)
    assert pending.name == {"en": NEW_NAME} and pending.requested_by == owner
    client.force_login(owner)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert NEW_NAME in page and VERIFIED_NAME in page
    edit = client.get(reverse("directory:edit", args=[organisation.pk])).content.decode()
    assert f'value="{NEW_NAME}"' in edit
    api = client.get(f"/api/organisations/{organisation.pk}").json()
    assert api["name"] == {"en": VERIFIED_NAME}
    assert api["pending_identity"]["name"] == {"en": NEW_NAME}
    client.force_login(outsider)
    assert NEW_NAME not in client.get(organisation.get_absolute_url()).content.decode()
    assert client.get(f"/api/organisations/{organisation.pk}").json()["pending_identity"] is None


def test_saving_the_profile_again_keeps_one_pending_change(organisation, owner):
    _rename(organisation, owner)
    _rename(organisation, owner, description={"en": "Also almonds."})
    assert organisation.identity_revisions.filter(status="pending").count() == 1
    # Asking for the verified name again withdraws the change.
    update_organisation(
        organisation=organisation, actor=owner, changes={"name": {"en": VERIFIED_NAME}}
    )
    assert get_pending_identity_revision(organisation=organisation) is None
    assert organisation.identity_revisions.filter(status="withdrawn").count() == 1


def test_staff_approve_from_the_queue_and_everyone_sees_the_new_identity(
    client, organisation, owner, outsider, staff
):
    _rename(organisation, owner, registry_id=valid_iran_national_id(778))
    client.force_login(staff)
    queue = client.get(reverse("directory:verification_queue")).content.decode()
    assert NEW_NAME in queue and VERIFIED_NAME in queue and valid_iran_national_id(778) in queue
    pending = get_pending_identity_revision(organisation=organisation)
    response = client.post(
        reverse("directory:identity_decide", args=[organisation.pk, pending.pk]),
        {"decision": "approve", "next": "queue"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == {"en": NEW_NAME}
    assert organisation.registry_id == valid_iran_national_id(778)
    assert organisation.is_verified
    assert list_organisations(viewer=outsider, query="National Iranian Oil").exists()
    assert Notification.objects.filter(recipient=owner, kind=kinds.IDENTITY_APPROVED).exists()
    history = list(list_identity_revisions(organisation=organisation))
    assert [revision.status for revision in history] == ["approved", "approved"]
    assert history[0].decided_by == staff and history[0].previous["name"] == {"en": VERIFIED_NAME}
    with pytest.raises(IdentityChangeDecidedError):
        approve_identity_change(revision=history[0], actor=UserFactory(is_staff=True))


def test_staff_refuse_with_a_reason_and_the_verified_identity_stays(
    client, organisation, owner, staff
):
    _rename(organisation, owner)
    pending = get_pending_identity_revision(organisation=organisation)
    client.force_login(staff)
    url = reverse("directory:identity_decide", args=[organisation.pk, pending.pk])
    client.post(url, {"decision": "refuse"})  # no reason: nothing changes
    assert get_pending_identity_revision(organisation=organisation) == pending
    client.post(url, {"decision": "refuse", "reason": "The registry shows another name."})
    pending.refresh_from_db()
    assert pending.status == IdentityRevision.Status.REFUSED
    assert pending.reason == "The registry shows another name."
    organisation.refresh_from_db()
    assert organisation.name == {"en": VERIFIED_NAME} and organisation.is_verified
    notice = Notification.objects.get(recipient=owner, kind=kinds.IDENTITY_REFUSED)
    assert notice.params["reason"] == "The registry shows another name."


def test_only_other_staff_decide(client, organisation, owner, outsider, staff):
    _rename(organisation, owner)
    pending = get_pending_identity_revision(organisation=organisation)
    colleague = UserFactory(is_staff=True)
    MembershipFactory(user=colleague, organisation=organisation, role="member")
    for person in (owner, outsider, colleague):
        with pytest.raises(NotAllowedError):
            approve_identity_change(revision=pending, actor=person)
        with pytest.raises(NotAllowedError):
            refuse_identity_change(revision=pending, actor=person, reason="no")
    client.force_login(owner)
    url = reverse("directory:identity_decide", args=[organisation.pk, pending.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302  # to the staff log-in
    client.force_login(colleague)
    client.post(url, {"decision": "approve"})
    organisation.refresh_from_db()
    assert organisation.name == {"en": VERIFIED_NAME}
    assert get_pending_identity_revision(organisation=organisation) == pending


def test_an_organisation_awaiting_verification_edits_its_identity_at_once(owner):
    from tests.factories import register_organisation

    organisation = register_organisation(owner=owner, name={"en": VERIFIED_NAME})
    update_organisation(organisation=organisation, actor=owner, changes={"name": {"en": NEW_NAME}})
    organisation.refresh_from_db()
    assert organisation.name == {"en": NEW_NAME}
    assert not organisation.identity_revisions.exists()


def test_a_taken_registry_identifier_is_refused_when_asked(organisation, owner):
    from karvan.directory.errors import DuplicateRegistryIdError
    from tests.factories import OrganisationFactory

    taken = OrganisationFactory(registry_id=valid_iran_national_id(902))
    with pytest.raises(DuplicateRegistryIdError):
        update_organisation(
            organisation=organisation,
            actor=owner,
            changes={"registry_id": taken.registry_id},
        )
    assert get_pending_identity_revision(organisation=organisation) is None


def test_the_admin_shows_identity_versions_and_keeps_a_verified_identity_read_only(
    client, organisation, owner
):
    _rename(organisation, owner)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    versions = client.get(reverse("admin:directory_identityrevision_changelist"))
    assert versions.status_code == 200
    page = client.get(reverse("admin:directory_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    assert 'name="registry_id"' not in page.content.decode()


def test_the_edit_page_sends_a_new_name_to_the_staff(client, organisation, owner, outsider):
    from karvan.directory.forms import OrganisationForm

    client.force_login(owner)
    data = {
        key: value
        for key, value in OrganisationForm.initial_from(organisation).items()
        if value is not None
    }
    data["sectors"] = []
    data["products"] = []
    data["name_en"] = NEW_NAME
    data["description_en"] = "Pistachios, and now also oil."
    response = client.post(reverse("directory:edit", args=[organisation.pk]), data, follow=True)
    page = response.content.decode()
    assert "awaits the center" in page
    organisation.refresh_from_db()
    assert organisation.name == {"en": VERIFIED_NAME}
    assert organisation.description["en"] == "Pistachios, and now also oil."
    assert get_pending_identity_revision(organisation=organisation).name == {"en": NEW_NAME}
    # Saving the form again, as it is shown, keeps the one pending change.
    form = client.get(reverse("directory:edit", args=[organisation.pk])).content.decode()
    assert f'value="{NEW_NAME}"' in form
    client.post(reverse("directory:edit", args=[organisation.pk]), data)
    assert organisation.identity_revisions.filter(status="pending").count() == 1
    assert not organisation.identity_revisions.filter(status="withdrawn").exists()
