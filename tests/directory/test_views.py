"""Directory pages: the list and its filters, registering, editing, logo, verification, members."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from karvan.directory.models import Invitation, Membership, Organisation
from karvan.directory.services.members import invite_member
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    register_organisation,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _profile_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "industrial_unit",
        "original_language": "zh-hans",
        "country": "CN",
        "province": "广东",
        "city": "广州",
        "registry_id": valid_uscc(77),
        "size": "small",
        "founded_year": "2009",
        "website": "packaging.example.cn",
        "certifications": "ISO 9001, CE",
        "sectors": ["28"],
        "products": ["8422"],
        "name_zh_hans": "广州包装机械",
        "name_en": "Guangzhou Packaging Machinery",
        "description_zh_hans": "食品包装机械",
        **overrides,
    }


# --- The directory list -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "country=ZZZ",
        "hs_chapter=xx",
        "sector=ZZ",
        "kind=<script>alert(1)</script>",
        "q=" + "x" * 300,
    ],
)
def test_bad_query_string_gives_a_form_error_not_a_500(client, query):
    OrganisationFactory()
    response = client.get(f"{reverse('directory:list')}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors
    content = response.content.decode()
    assert "Some filters are not valid" in content
    assert "<script>alert(1)</script>" not in content


def test_page_beyond_the_last_shows_the_last_page(client):
    OrganisationFactory()
    response = client.get(reverse("directory:list"), {"page": "99"})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert len(response.context["page"].object_list) == 1


def test_directory_pages_its_results(client):
    for _index in range(23):
        OrganisationFactory()
    first = client.get(reverse("directory:list"))
    second = client.get(reverse("directory:list"), {"page": "2"})
    assert first.context["total"] == 23
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3


def test_directory_filters_and_searches(client):
    owner = UserFactory()
    pistachio = register_organisation(owner=owner, name={"fa": "پسته کیمیا"}, products=["0802"])
    register_organisation(owner=owner, country="CN", name={"en": "Guangzhou Packaging"})
    response = client.get(reverse("directory:list"), {"q": "پسته", "country": "IR"})
    assert response.status_code == 200
    assert [row.pk for row in response.context["page"]] == [pistachio.pk]
    response = client.get(reverse("directory:list"), {"hs_chapter": "08"})
    assert [row.pk for row in response.context["page"]] == [pistachio.pk]


def test_htmx_request_gets_only_the_results(client):
    OrganisationFactory(name={"en": "Partial Trading"})
    response = client.get(reverse("directory:list"), {"country": "IR"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "directory/_results.html"
    content = response.content.decode()
    assert "Partial Trading" in content
    assert "<html" not in content
    assert "directory-filters" not in content


def test_htmx_request_with_bad_filters_gets_the_warning_partial(client):
    response = client.get(reverse("directory:list"), {"country": "ZZZ"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Some filters are not valid" in response.content.decode()


def test_full_request_gets_the_whole_page(client):
    response = client.get(reverse("directory:list"))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_unknown_organisation_is_404(client):
    assert client.get(reverse("directory:detail", args=[999999])).status_code == 404


def test_detail_shows_the_name_in_the_viewers_language_with_its_lang_and_dir(client):
    organisation = OrganisationFactory(
        name={"fa": "پسته کیمیا", "en": "Kimia Pistachio"}, original_language="fa"
    )
    client.force_login(UserFactory(language="en"))
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert '<span lang="en" dir="ltr">Kimia Pistachio</span>' in content
    client.force_login(UserFactory(language="fa"))
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert '<span lang="fa" dir="rtl">پسته کیمیا</span>' in content


def test_detail_in_chinese_shows_the_original_when_no_chinese_version(client):
    organisation = OrganisationFactory(name={"fa": "پسته کیمیا"}, original_language="fa")
    client.force_login(UserFactory(language="zh-hans"))
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert '<span lang="fa" dir="rtl">پسته کیمیا</span>' in content


# --- Registering and editing ------------------------------------------------------------------


def test_registering_through_the_form(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("directory:create"), _profile_form())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == organisation.get_absolute_url()
    assert organisation.name == {"zh-hans": "广州包装机械", "en": "Guangzhou Packaging Machinery"}
    assert organisation.city == {"zh-hans": "广州"}
    assert organisation.certifications == ["ISO 9001", "CE"]
    assert organisation.website == "https://packaging.example.cn"
    assert [code.code for code in organisation.products.all()] == ["8422"]
    assert organisation.memberships.get().user == user


def test_registering_with_an_invalid_registry_id_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    code = valid_uscc(77)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = client.post(reverse("directory:create"), _profile_form(registry_id=wrong))
    assert response.status_code == 200
    form = response.context["form"]
    assert "registry_id" in form.errors
    assert form["name_zh_hans"].value() == "广州包装机械"
    assert not Organisation.objects.exists()


def test_registering_a_taken_registry_id_shows_an_error(client):
    register_organisation(owner=UserFactory(), country="CN", registry_id=valid_uscc(77))
    client.force_login(UserFactory())
    response = client.post(reverse("directory:create"), _profile_form())
    assert response.status_code == 200
    assert "registry_id" in response.context["form"].errors
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"name_zh_hans": "", "name_en": ""},
        {"founded_year": "3000"},
        {"country": "XX"},
        {"kind": "pirate"},
        {"sectors": ["ZZ"]},
        {"website": "not a url at all"},
    ],
)
def test_registering_with_bad_values_shows_form_errors(client, overrides):
    client.force_login(UserFactory())
    response = client.post(reverse("directory:create"), _profile_form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Organisation.objects.exists()


def test_registering_needs_log_in(client):
    response = client.post(reverse("directory:create"), _profile_form())
    assert response.status_code == 302
    assert not Organisation.objects.exists()


def test_owner_edits_the_profile_keeping_other_language_place_names(client):
    owner = UserFactory()
    organisation = register_organisation(
        owner=owner,
        country="CN",
        original_language="zh-hans",
        name={"zh-hans": "广州包装机械"},
        city={"zh-hans": "广州", "en": "Guangzhou"},
    )
    client.force_login(owner)
    page = client.get(reverse("directory:edit", args=[organisation.pk]))
    assert page.status_code == 200
    assert page.context["form"]["city"].value() == "广州"
    response = client.post(
        reverse("directory:edit", args=[organisation.pk]),
        _profile_form(city="广州市", registry_id=""),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == {"zh-hans": "广州市", "en": "Guangzhou"}
    assert organisation.name["en"] == "Guangzhou Packaging Machinery"


# --- Logo -------------------------------------------------------------------------------------


def _png_upload() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (64, 64), "orange").save(output, format="PNG")
    return SimpleUploadedFile("logo.png", output.getvalue(), content_type="image/png")


def test_logo_upload_through_the_page(client):
    owner = UserFactory()
    organisation = register_organisation(owner=owner)
    client.force_login(owner)
    response = client.post(
        reverse("directory:logo", args=[organisation.pk]), {"logo": _png_upload()}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/")


def test_fake_image_upload_shows_an_error_and_keeps_no_file(client):
    owner = UserFactory()
    organisation = register_organisation(owner=owner)
    client.force_login(owner)
    fake = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = client.post(reverse("directory:logo", args=[organisation.pk]), {"logo": fake})
    assert response.status_code == 302
    assert any("PNG, JPEG, GIF or WebP" in message for message in _messages(response))
    organisation.refresh_from_db()
    assert not organisation.logo


def test_logo_post_without_a_file_shows_an_error(client):
    owner = UserFactory()
    organisation = register_organisation(owner=owner)
    client.force_login(owner)
    response = client.post(reverse("directory:logo", args=[organisation.pk]), {})
    assert response.status_code == 302
    assert _messages(response)
    organisation.refresh_from_db()
    assert not organisation.logo


# --- Verification -----------------------------------------------------------------------------


@pytest.fixture
def pending():
    return register_organisation(owner=UserFactory(), name={"en": "Pending Trading"})


def test_staff_approve_from_the_queue(client, pending):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("directory:verify", args=[pending.pk]), {"decision": "approve", "next": "queue"}
    )
    assert response.status_code == 302
    assert response.url == reverse("directory:verification_queue")
    pending.refresh_from_db()
    assert pending.verification == Organisation.Verification.VERIFIED


def test_staff_refusal_without_reason_changes_nothing(client, pending):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("directory:verify", args=[pending.pk]), {"decision": "reject"})
    assert response.status_code == 302
    assert _messages(response)
    pending.refresh_from_db()
    assert pending.verification == Organisation.Verification.PENDING


def test_staff_refusal_with_reason(client, pending):
    client.force_login(UserFactory(is_staff=True))
    client.post(
        reverse("directory:verify", args=[pending.pk]),
        {"decision": "reject", "reason": "The licence is unreadable."},
    )
    pending.refresh_from_db()
    assert pending.verification == Organisation.Verification.REJECTED
    assert pending.rejection_reason == "The licence is unreadable."


def test_approving_twice_shows_a_message_not_an_error_page(client, pending):
    client.force_login(UserFactory(is_staff=True))
    client.post(reverse("directory:verify", args=[pending.pk]), {"decision": "approve"})
    response = client.post(reverse("directory:verify", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert any("awaiting verification" in message for message in _messages(response))


# --- Members and invitations ------------------------------------------------------------------


@pytest.fixture
def team():
    owner = UserFactory(email="owner@team.example.test")
    organisation = register_organisation(owner=owner, name={"en": "Team Trading"})
    return organisation, owner


def test_owner_invites_from_the_members_page(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, owner = team
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:members", args=[organisation.pk]),
            {"email": "new@example.test", "role": "signatory"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == ("new@example.test", "signatory")
    assert [mail.to for mail in mailoutbox] == [["new@example.test"]]


def test_inviting_a_member_again_shows_a_form_error(client, team):
    organisation, owner = team
    client.force_login(owner)
    response = client.post(
        reverse("directory:members", args=[organisation.pk]),
        {"email": owner.email, "role": "member"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def _invitation(organisation, owner, email="new@example.test") -> Invitation:
    return invite_member(
        organisation=organisation, actor=owner, email=email, role="member", language="en"
    )


def test_invitation_page_shows_to_a_visitor_and_accepting_needs_log_in(client, team):
    organisation, owner = team
    invitation = _invitation(organisation, owner)
    url = reverse("directory:invitation", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert organisation.memberships.count() == 1


def test_invited_person_accepts(client, team):
    organisation, owner = team
    invitation = _invitation(organisation, owner)
    invited = UserFactory(email="new@example.test")
    client.force_login(invited)
    response = client.post(reverse("directory:invitation", args=[invitation.token]))
    assert response.status_code == 302
    assert response.url == organisation.get_absolute_url()
    assert organisation.memberships.filter(user=invited, role="member").exists()


def test_another_person_cannot_accept_the_invitation(client, team):
    organisation, owner = team
    invitation = _invitation(organisation, owner)
    intruder = UserFactory(email="intruder@example.test")
    client.force_login(intruder)
    response = client.post(reverse("directory:invitation", args=[invitation.token]))
    assert response.status_code == 200
    assert any("new@example.test" in message for message in _messages(response))
    assert not organisation.memberships.filter(user=intruder).exists()


def test_unknown_invitation_is_404(client):
    assert client.get(reverse("directory:invitation", args=["nope"])).status_code == 404


def test_demoting_the_last_owner_shows_a_message(client, team):
    organisation, owner = team
    membership = organisation.memberships.get(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("directory:member_role", args=[organisation.pk, membership.pk]), {"role": "member"}
    )
    assert response.status_code == 302
    assert any("at least one owner" in message for message in _messages(response))
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OWNER


def test_owner_changes_a_role_and_rejects_an_unknown_one(client, team):
    organisation, owner = team
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    client.force_login(owner)
    url = reverse("directory:member_role", args=[organisation.pk, member.pk])
    client.post(url, {"role": "emperor"})
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER
    client.post(url, {"role": "admin"})
    member.refresh_from_db()
    assert member.role == Membership.Role.ADMIN


def test_member_leaves(client, team):
    organisation, _owner = team
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    client.force_login(member.user)
    response = client.post(reverse("directory:member_remove", args=[organisation.pk, member.pk]))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_last_owner_leaving_shows_a_message(client, team):
    organisation, owner = team
    membership = organisation.memberships.get(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("directory:member_remove", args=[organisation.pk, membership.pk])
    )
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_certifications_typed_with_persian_or_chinese_commas_are_split(client):
    owner = UserFactory()
    client.force_login(owner)
    data = {
        "kind": "sme",
        "original_language": "fa",
        "country": "IR",
        "name_fa": "شرکت نمونه",
        "certifications": "ISO 9001، HACCP，Halal、 CE",
    }
    response = client.post(reverse("directory:create"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(memberships__user=owner)
    assert organisation.certifications == ["ISO 9001", "HACCP", "Halal", "CE"]
