"""Who may change an organisation: tried from another organisation, as a plain member, as staff."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from karvan.directory.models import Membership, Organisation
from karvan.directory.permissions import (
    can_edit_organisation,
    can_manage_members,
    can_sign_for_organisation,
    can_verify_organisation,
    can_view_organisation,
)
from karvan.directory.services.profiles import set_organisation_logo
from karvan.directory.services.verification import reject_organisation
from tests.factories import MembershipFactory, UserFactory, register_organisation

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(output, format="PNG")
    return SimpleUploadedFile("logo.png", output.getvalue(), content_type="image/png")


def _profile_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "sme",
        "original_language": "en",
        "country": "IR",
        "name_en": "Taken Over Ltd",
        "description_en": "Hijacked.",
        **overrides,
    }


@pytest.fixture
def target():
    """An organisation with an owner, a logo, a colleague (plain member) and nothing else."""
    owner = UserFactory(email="owner@target.example.test")
    organisation = register_organisation(owner=owner, name={"en": "Target Trading"})
    set_organisation_logo(organisation=organisation, actor=owner, upload=_png())
    colleague = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    return organisation, colleague


def _snapshot(organisation: Organisation) -> tuple:
    organisation.refresh_from_db()
    return (
        organisation.name,
        organisation.description,
        organisation.verification,
        organisation.logo.name,
        sorted(organisation.memberships.values_list("user_id", "role")),
        organisation.invitations.count(),
    )


# Each request an owner or administrator could make: (url name, method, data, with membership).
CHANGING_REQUESTS = [
    ("directory:edit", "get", None, False),
    ("directory:edit", "post", _profile_form, False),
    ("directory:logo", "post", lambda: {"logo": _png()}, False),
    ("directory:logo", "post", lambda: {"remove": "1"}, False),
    ("directory:members", "get", None, False),
    ("directory:members", "post", lambda: {"email": "mole@example.test", "role": "owner"}, False),
    ("directory:member_role", "post", lambda: {"role": "owner"}, True),
    ("directory:member_remove", "post", dict, True),
]
REQUEST_IDS = [
    "edit-get",
    "edit-post",
    "logo-upload",
    "logo-remove",
    "members-get",
    "members-invite",
    "member-role",
    "member-remove",
]


def _request(client, organisation, colleague, url_name, method, data, with_membership):
    args = [organisation.pk, colleague.pk] if with_membership else [organisation.pk]
    url = reverse(url_name, args=args)
    if method == "get":
        return client.get(url)
    return client.post(url, data() if data else {})


@pytest.mark.parametrize(
    ("url_name", "method", "data", "with_membership"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
@pytest.mark.parametrize("outsider_role", [Membership.Role.OWNER, Membership.Role.ADMIN])
def test_manager_of_another_organisation_gets_404_and_changes_nothing(
    client, target, url_name, method, data, with_membership, outsider_role, mailoutbox
):
    organisation, colleague = target
    before = _snapshot(organisation)
    client.force_login(MembershipFactory(role=outsider_role).user)
    response = _request(client, organisation, colleague, url_name, method, data, with_membership)
    assert response.status_code == 404
    assert _snapshot(organisation) == before
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("url_name", "method", "data", "with_membership"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.SIGNATORY])
def test_member_without_management_role_gets_404_and_changes_nothing(
    client, target, url_name, method, data, with_membership, role
):
    organisation, colleague = target
    member = MembershipFactory(organisation=organisation, role=role).user
    before = _snapshot(organisation)
    client.force_login(member)
    response = _request(client, organisation, colleague, url_name, method, data, with_membership)
    assert response.status_code == 404
    assert _snapshot(organisation) == before


@pytest.mark.parametrize(
    ("url_name", "method", "data", "with_membership"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
def test_visitor_is_sent_to_log_in_and_changes_nothing(
    client, target, url_name, method, data, with_membership
):
    organisation, colleague = target
    before = _snapshot(organisation)
    response = _request(client, organisation, colleague, url_name, method, data, with_membership)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert _snapshot(organisation) == before


def _changed(before: tuple, after: tuple) -> dict[str, object]:
    """The parts of the snapshot that changed, named, with their new values."""
    names = ("name", "description", "verification", "logo", "members", "invitations")
    return {name: new for name, old, new in zip(names, before, after, strict=True) if old != new}


def _owner_request_outcomes(organisation: Organisation, colleague: Membership) -> dict:
    """For each request of CHANGING_REQUESTS made by the owner: the status, then what changed."""
    owner_id = organisation.memberships.get(role=Membership.Role.OWNER).user_id
    return {
        "edit-get": (200, {}),
        "edit-post": (302, {"name": {"en": "Taken Over Ltd"}, "description": {"en": "Hijacked."}}),
        "logo-upload": (302, {"logo": ...}),  # a new file name, checked below
        "logo-remove": (302, {"logo": ""}),
        "members-get": (200, {}),
        "members-invite": (302, {"invitations": 1}),
        "member-role": (
            302,
            {"members": sorted([(owner_id, "owner"), (colleague.user_id, "owner")])},
        ),
        "member-remove": (302, {"members": [(owner_id, "owner")]}),
    }


@pytest.mark.parametrize(
    ("url_name", "method", "data", "with_membership", "request_id"),
    [
        (*request, request_id)
        for request, request_id in zip(CHANGING_REQUESTS, REQUEST_IDS, strict=True)
    ],
    ids=REQUEST_IDS,
)
def test_owner_may_make_each_of_these_requests_and_it_takes_effect(
    client, target, url_name, method, data, with_membership, request_id
):
    """The counterpart of the refusals above: the same requests work for the right person, and
    each changes exactly what it is for."""
    organisation, colleague = target
    status, expected = _owner_request_outcomes(organisation, colleague)[request_id]
    before = _snapshot(organisation)
    client.force_login(organisation.memberships.get(role=Membership.Role.OWNER).user)
    response = _request(client, organisation, colleague, url_name, method, data, with_membership)
    assert response.status_code == status
    changed = _changed(before, _snapshot(organisation))
    if expected.get("logo") is ...:
        assert set(changed) == {"logo"} and changed["logo"] not in {"", before[3]}
    else:
        assert changed == expected


def test_outsider_does_not_see_a_refused_organisation(client, target):
    organisation, _colleague = target
    staff = UserFactory(is_staff=True)
    reject_organisation(organisation=organisation, actor=staff, reason="No licence")
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("directory:detail", args=[organisation.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("directory:detail", args=[organisation.pk])).status_code == 404


def test_membership_of_another_organisation_cannot_be_reached_through_ones_own(client, target):
    """An owner of organisation A naming A's id and B's membership id gets 404, B unchanged."""
    organisation, colleague = target
    own = MembershipFactory(role=Membership.Role.OWNER)
    client.force_login(own.user)
    before = _snapshot(organisation)
    role = client.post(
        reverse("directory:member_role", args=[own.organisation_id, colleague.pk]),
        {"role": "owner"},
    )
    remove = client.post(
        reverse("directory:member_remove", args=[own.organisation_id, colleague.pk])
    )
    assert (role.status_code, remove.status_code) == (404, 404)
    assert _snapshot(organisation) == before


# --- Verification by staff --------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [{"decision": "approve"}, {"decision": "reject", "reason": "Spam"}]
)
def test_non_staff_cannot_use_the_verify_endpoint(client, target, data):
    organisation, _colleague = target
    client.force_login(organisation.memberships.get(role=Membership.Role.OWNER).user)
    response = client.post(reverse("directory:verify", args=[organisation.pk]), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING


def test_non_staff_cannot_see_the_verification_queue(client, target):
    client.force_login(UserFactory())
    response = client.get(reverse("directory:verification_queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_see_the_verification_queue(client, target):
    organisation, _colleague = target
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("directory:verification_queue"))
    assert response.status_code == 200
    assert list(response.context["organisations"]) == [organisation]


@pytest.mark.parametrize(
    "data", [{"decision": "approve"}, {"decision": "reject", "reason": "Looks fine to me"}]
)
def test_staff_cannot_verify_their_own_organisation(client, data):
    staff = UserFactory(is_staff=True)
    own = register_organisation(owner=staff, name={"en": "Staff Side Business"})
    client.force_login(staff)
    response = client.post(reverse("directory:verify", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.verification == Organisation.Verification.PENDING
    assert not own.verification_events.exclude(action="submitted").exists()


# --- The rules themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "edit", "sign"),
    [
        (Membership.Role.OWNER, True, True),
        (Membership.Role.ADMIN, True, False),
        (Membership.Role.SIGNATORY, False, True),
        (Membership.Role.MEMBER, False, False),
    ],
)
def test_what_each_role_may_do(target, role, edit, sign):
    organisation, _colleague = target
    user = MembershipFactory(organisation=organisation, role=role).user
    assert can_edit_organisation(user, organisation) is edit
    assert can_manage_members(user, organisation) is edit
    assert can_sign_for_organisation(user, organisation) is sign
    assert can_verify_organisation(user, organisation) is False


def test_nobody_outside_may_edit_or_sign(target):
    organisation, _colleague = target
    for user in (AnonymousUser(), UserFactory(), UserFactory(is_staff=True)):
        assert not can_edit_organisation(user, organisation)
        assert not can_sign_for_organisation(user, organisation)


def test_refused_organisation_visible_only_to_members_and_staff(target):
    organisation, colleague = target
    staff = UserFactory(is_staff=True)
    organisation = reject_organisation(organisation=organisation, actor=staff, reason="No licence")
    assert can_view_organisation(colleague.user, organisation)
    assert can_view_organisation(staff, organisation)
    assert not can_view_organisation(UserFactory(), organisation)
    assert not can_view_organisation(AnonymousUser(), organisation)
