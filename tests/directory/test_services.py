"""Directory actions: registering and editing organisations, logos, verification, members."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, PngImagePlugin

from karvan.core.errors import NotAllowedError
from karvan.directory import notifications as kinds
from karvan.directory.errors import (
    AlreadyMemberError,
    DuplicateRegistryIdError,
    InvalidLogoError,
    InvalidRegistryIdError,
    InvitationClosedError,
    InvitationEmailMismatchError,
    LastOwnerError,
    NameRequiredError,
    NotPendingError,
    ReasonRequiredError,
)
from karvan.directory.models import Membership, Organisation, VerificationEvent
from karvan.directory.services.members import (
    accept_invitation,
    change_member_role,
    invite_member,
    remove_member,
)
from karvan.directory.services.profiles import set_organisation_logo, update_organisation
from karvan.directory.services.verification import approve_organisation, reject_organisation
from karvan.notifications.models import Notification
from tests.factories import (
    MembershipFactory,
    UserFactory,
    register_organisation,
    valid_iran_national_id,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


def png_bytes(size: tuple[int, int] = (40, 20), comment: str = "") -> bytes:
    info = PngImagePlugin.PngInfo()
    if comment:
        info.add_text("Comment", comment)
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def _upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="staff@center.example.test")


@pytest.fixture
def owner():
    return UserFactory(email="owner@example.test")


@pytest.fixture
def organisation(owner):
    return register_organisation(
        owner=owner,
        country="CN",
        registry_id=valid_uscc(1),
        original_language="zh-hans",
        name={"zh-hans": "广州包装机械", "en": "Guangzhou Packaging"},
    )


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Registering and editing ------------------------------------------------------------------


def test_registering_makes_the_actor_owner_and_asks_staff_to_verify(owner, staff):
    organisation = register_organisation(
        owner=owner, registry_id=valid_iran_national_id(7), name={"fa": "پسته", "en": "Pistachio"}
    )
    assert organisation.verification == Organisation.Verification.PENDING
    assert Membership.objects.get(organisation=organisation).user == owner
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.OWNER
    assert list(organisation.verification_events.values_list("action", flat=True)) == ["submitted"]
    assert _kinds(staff) == [kinds.ORGANISATION_SUBMITTED]
    assert "pistachio" in organisation.search_document


def test_registry_id_is_stored_normalised(owner):
    code = valid_uscc(3)
    organisation = register_organisation(
        owner=owner, country="CN", registry_id=f" {code[:6].lower()}-{code[6:]} "
    )
    organisation.refresh_from_db()
    assert organisation.registry_id == code


def _with_wrong_last_character(code: str, alphabet: str) -> str:
    return code[:-1] + next(char for char in alphabet if char != code[-1])


@pytest.mark.parametrize(
    ("country", "registry_id"),
    [
        ("CN", _with_wrong_last_character(valid_uscc(1), "0123456789ABC")),
        ("CN", valid_uscc(1)[:16]),
        ("CN", valid_uscc(1)[:9] + "I" + valid_uscc(1)[10:]),
        ("IR", _with_wrong_last_character(valid_iran_national_id(1), "0123456789")),
        ("IR", valid_uscc(1)),
    ],
    ids=["wrong-check", "too-short", "letter-i", "iran-wrong-check", "chinese-code-in-iran"],
)
def test_registering_with_an_invalid_registry_id_is_rejected(owner, country, registry_id):
    with pytest.raises(InvalidRegistryIdError) as error:
        register_organisation(owner=owner, country=country, registry_id=registry_id)
    assert error.value.code == "organisation.invalid_registry_id"
    assert error.value.field == "registry_id"
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_registering_a_taken_registry_id_is_rejected(owner, organisation):
    with pytest.raises(DuplicateRegistryIdError) as error:
        register_organisation(
            owner=UserFactory(), country="CN", registry_id=organisation.registry_id.lower()
        )
    assert error.value.code == "organisation.duplicate_registry_id"
    assert Organisation.objects.count() == 1


def test_the_same_registry_id_in_another_country_is_not_a_duplicate(owner, organisation):
    other = register_organisation(owner=owner, country="TR", registry_id=organisation.registry_id)
    assert other.registry_id == organisation.registry_id


def test_organisations_without_registry_id_do_not_collide(owner):
    register_organisation(owner=owner, country="TR", registry_id="")
    register_organisation(owner=owner, country="TR", registry_id="")
    assert Organisation.objects.filter(registry_id="").count() == 2


@pytest.mark.parametrize("name", [{}, {"en": "   "}, {"fa": "", "en": ""}])
def test_registering_without_a_name_is_rejected(owner, name):
    with pytest.raises(NameRequiredError) as error:
        register_organisation(owner=owner, name=name)
    assert error.value.field == "name"
    assert not Organisation.objects.exists()


def test_original_language_follows_the_names_given(owner):
    organisation = register_organisation(owner=owner, original_language="en", name={"fa": "پسته"})
    assert organisation.original_language == "fa"


def test_owner_edits_the_profile_and_search_follows(organisation, owner):
    updated = update_organisation(
        organisation=organisation,
        actor=owner,
        changes={
            "name": {"zh-hans": "广州食品机械", "en": "Guangzhou Food Machinery"},
            "certifications": [" ISO 9001 ", "", "HACCP"],
            "products": ["8422"],
            "sectors": ["28"],
        },
    )
    updated.refresh_from_db()
    assert updated.name == {"zh-hans": "广州食品机械", "en": "Guangzhou Food Machinery"}
    assert updated.certifications == ["ISO 9001", "HACCP"]
    assert [code.code for code in updated.products.all()] == ["8422"]
    assert "食品" in updated.search_document
    assert "haccp" in updated.search_document
    assert updated.verification == Organisation.Verification.PENDING


def test_editing_to_an_invalid_registry_id_changes_nothing(organisation, owner):
    before = organisation.registry_id
    with pytest.raises(InvalidRegistryIdError):
        update_organisation(
            organisation=organisation,
            actor=owner,
            changes={"registry_id": before[:-1] + ("1" if before[-1] != "1" else "2"), "city": {}},
        )
    organisation.refresh_from_db()
    assert organisation.registry_id == before


def test_editing_to_another_organisations_registry_id_is_rejected(organisation, owner):
    other = register_organisation(owner=owner, country="CN", registry_id=valid_uscc(2))
    with pytest.raises(DuplicateRegistryIdError):
        update_organisation(
            organisation=other, actor=owner, changes={"registry_id": organisation.registry_id}
        )
    other.refresh_from_db()
    assert other.registry_id == valid_uscc(2)


def test_plain_member_cannot_edit(organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    with pytest.raises(NotAllowedError):
        update_organisation(organisation=organisation, actor=member, changes={"name": {"en": "X"}})
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_unknown_field_is_a_programming_error(organisation, owner):
    with pytest.raises(ValueError, match="verification"):
        update_organisation(
            organisation=organisation, actor=owner, changes={"verification": "verified"}
        )
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING


# --- Logo -------------------------------------------------------------------------------------


def test_logo_is_re_encoded_not_stored_as_uploaded(organisation, owner):
    uploaded = png_bytes(comment="tracking-id-1234")
    set_organisation_logo(organisation=organisation, actor=owner, upload=_upload(uploaded))
    organisation.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{24}\.png", organisation.logo.name)
    with organisation.logo.open("rb") as stored_file:
        stored = stored_file.read()
    assert stored != uploaded
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 20)
        assert "Comment" not in image.text


def test_large_logo_is_scaled_down(organisation, owner):
    set_organisation_logo(
        organisation=organisation, actor=owner, upload=_upload(png_bytes((2000, 1000)))
    )
    organisation.refresh_from_db()
    with Image.open(organisation.logo.path) as image:
        assert max(image.size) == 512


@pytest.mark.parametrize("image_format", ["JPEG", "GIF", "WEBP"])
def test_other_image_formats_are_accepted_and_stored_as_png(organisation, owner, image_format):
    output = io.BytesIO()
    Image.new("RGB", (30, 30), "blue").save(output, format=image_format)
    set_organisation_logo(
        organisation=organisation, actor=owner, upload=_upload(output.getvalue(), "logo.img")
    )
    organisation.refresh_from_db()
    with Image.open(organisation.logo.path) as image:
        assert image.format == "PNG"


def test_text_file_renamed_png_is_rejected(organisation, owner):
    fake = _upload(b"<?php system($_GET['c']); ?>\n" * 20, "logo.png")
    with pytest.raises(InvalidLogoError) as error:
        set_organisation_logo(organisation=organisation, actor=owner, upload=fake)
    assert error.value.code == "organisation.invalid_logo"
    organisation.refresh_from_db()
    assert not organisation.logo


def test_image_with_too_many_pixels_is_rejected_before_decoding(organisation, owner):
    """A small file can declare a huge image; it is refused from its header alone."""
    output = io.BytesIO()
    Image.new("1", (8000, 6000)).save(output, format="PNG")
    assert len(output.getvalue()) < 1024 * 1024
    with pytest.raises(InvalidLogoError):
        set_organisation_logo(
            organisation=organisation, actor=owner, upload=_upload(output.getvalue())
        )
    organisation.refresh_from_db()
    assert not organisation.logo


def test_image_in_a_format_not_allowed_is_rejected(organisation, owner):
    output = io.BytesIO()
    Image.new("RGB", (30, 30), "blue").save(output, format="BMP")
    with pytest.raises(InvalidLogoError):
        set_organisation_logo(
            organisation=organisation, actor=owner, upload=_upload(output.getvalue(), "logo.bmp")
        )


def test_truncated_png_is_rejected(organisation, owner):
    content = png_bytes((200, 200))
    with pytest.raises(InvalidLogoError):
        set_organisation_logo(
            organisation=organisation, actor=owner, upload=_upload(content[: len(content) // 2])
        )


def test_over_size_logo_is_rejected(organisation, owner, settings):
    settings.KARVAN_LOGO_MAX_BYTES = 1024
    content = png_bytes((300, 300), comment="x" * 2000)
    assert len(content) > 1024
    with pytest.raises(InvalidLogoError) as error:
        set_organisation_logo(organisation=organisation, actor=owner, upload=_upload(content))
    assert error.value.code == "organisation.invalid_logo"
    organisation.refresh_from_db()
    assert not organisation.logo


def test_replacing_the_logo_deletes_the_old_file_after_commit(
    organisation, owner, django_capture_on_commit_callbacks
):
    set_organisation_logo(organisation=organisation, actor=owner, upload=_upload(png_bytes()))
    organisation.refresh_from_db()
    old = organisation.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        set_organisation_logo(
            organisation=organisation, actor=owner, upload=_upload(png_bytes((10, 10)))
        )
    organisation.refresh_from_db()
    assert organisation.logo.name != old
    assert not default_storage.exists(old)
    assert default_storage.exists(organisation.logo.name)


def test_removing_the_logo(organisation, owner, django_capture_on_commit_callbacks):
    set_organisation_logo(organisation=organisation, actor=owner, upload=_upload(png_bytes()))
    organisation.refresh_from_db()
    old = organisation.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        set_organisation_logo(organisation=organisation, actor=owner, upload=None)
    organisation.refresh_from_db()
    assert not organisation.logo
    assert not default_storage.exists(old)


def test_plain_member_cannot_change_the_logo(organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.SIGNATORY).user
    with pytest.raises(NotAllowedError):
        set_organisation_logo(organisation=organisation, actor=member, upload=_upload(png_bytes()))


# --- Verification -----------------------------------------------------------------------------


def test_staff_verify_and_owners_and_admins_are_told(organisation, owner, staff):
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    approve_organisation(organisation=organisation, actor=staff)
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED
    assert organisation.verified_at is not None
    assert organisation.verification_events.first().action == VerificationEvent.Action.APPROVED
    assert organisation.verification_events.first().actor == staff
    assert _kinds(owner) == [kinds.ORGANISATION_VERIFIED]
    assert _kinds(admin) == [kinds.ORGANISATION_VERIFIED]
    assert _kinds(member) == []


def test_staff_refuse_with_a_reason_the_managers_read(organisation, owner, staff):
    reject_organisation(organisation=organisation, actor=staff, reason="  Licence unreadable.  ")
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.REJECTED
    assert organisation.rejection_reason == "Licence unreadable."
    notification = Notification.objects.get(recipient=owner)
    assert notification.kind == kinds.ORGANISATION_REJECTED
    assert notification.params["reason"] == "Licence unreadable."
    assert "Licence unreadable." in notification.body


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_refusal_needs_a_reason(organisation, owner, staff, reason):
    with pytest.raises(ReasonRequiredError) as error:
        reject_organisation(organisation=organisation, actor=staff, reason=reason)
    assert error.value.code == "organisation.reason_required"
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING
    assert _kinds(owner) == []


def test_verified_organisation_cannot_be_verified_or_refused_again(organisation, staff):
    approve_organisation(organisation=organisation, actor=staff)
    with pytest.raises(NotPendingError):
        approve_organisation(organisation=organisation, actor=staff)
    with pytest.raises(NotPendingError):
        reject_organisation(organisation=organisation, actor=staff, reason="Too late")
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED


def test_non_staff_cannot_verify(organisation):
    with pytest.raises(NotAllowedError):
        approve_organisation(organisation=organisation, actor=UserFactory())
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING


def test_staff_cannot_verify_their_own_organisation(staff):
    own = register_organisation(owner=staff, name={"en": "Staff's own company"})
    with pytest.raises(NotAllowedError):
        approve_organisation(organisation=own, actor=staff)
    with pytest.raises(NotAllowedError):
        reject_organisation(organisation=own, actor=staff, reason="Conflict")
    own.refresh_from_db()
    assert own.verification == Organisation.Verification.PENDING


def test_refused_organisation_that_is_edited_goes_back_to_the_queue(organisation, owner, staff):
    reject_organisation(organisation=organisation, actor=staff, reason="Licence unreadable.")
    Notification.objects.all().delete()
    update_organisation(
        organisation=organisation, actor=owner, changes={"registry_id": valid_uscc(9)}
    )
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING
    assert organisation.verification_events.first().action == VerificationEvent.Action.SUBMITTED
    assert _kinds(staff) == [kinds.ORGANISATION_SUBMITTED]
    approve_organisation(organisation=organisation, actor=staff)
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED
    assert organisation.rejection_reason == ""


def test_editing_a_verified_organisation_keeps_it_verified(organisation, owner, staff):
    approve_organisation(organisation=organisation, actor=staff)
    update_organisation(organisation=organisation, actor=owner, changes={"website": "https://x.cn"})
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED


# --- Invitations ------------------------------------------------------------------------------


def _invite(organisation, owner, email="li.na@example.test", role=Membership.Role.ADMIN):
    return invite_member(
        organisation=organisation, actor=owner, email=email, role=role, language="zh-hans"
    )


def test_invitation_is_mailed_and_accepted_by_the_invited_address(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(organisation, owner, email="  Li.Na@Example.test ")
    assert invitation.email == "li.na@example.test"
    assert [mail.to for mail in mailoutbox] == [["li.na@example.test"]]
    assert f"/organisations/invitations/{invitation.token}/" in mailoutbox[0].body
    assert "广州包装机械" in mailoutbox[0].body  # the inviter chose Chinese for the mail
    invited = UserFactory(email="li.na@example.test")
    membership = accept_invitation(invitation=invitation, actor=invited)
    assert (membership.user, membership.organisation, membership.role) == (
        invited,
        organisation,
        Membership.Role.ADMIN,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert _kinds(owner) == [kinds.INVITATION_ACCEPTED]


def test_invitation_cannot_be_accepted_by_another_address(organisation, owner):
    invitation = _invite(organisation, owner)
    with pytest.raises(InvitationEmailMismatchError) as error:
        accept_invitation(invitation=invitation, actor=UserFactory(email="someone@example.test"))
    assert error.value.status == 403
    assert "li.na@example.test" in error.value.text
    assert not Membership.objects.filter(user__email="someone@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_cannot_be_accepted_twice(organisation, owner):
    invitation = _invite(organisation, owner)
    invited = UserFactory(email="li.na@example.test")
    accept_invitation(invitation=invitation, actor=invited)
    with pytest.raises(InvitationClosedError):
        accept_invitation(invitation=invitation, actor=invited)
    assert Membership.objects.filter(user=invited).count() == 1


def test_expired_invitation_cannot_be_accepted(organisation, owner):
    start = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        invitation = _invite(organisation, owner)
    invited = UserFactory(email="li.na@example.test")
    with (
        time_machine.travel(start + datetime.timedelta(days=15), tick=False),
        pytest.raises(InvitationClosedError),
    ):
        accept_invitation(invitation=invitation, actor=invited)
    assert not Membership.objects.filter(user=invited).exists()


def test_inviting_a_member_again_is_rejected(organisation, owner):
    with pytest.raises(AlreadyMemberError):
        _invite(organisation, owner, email="OWNER@example.test")


def test_plain_member_cannot_invite(organisation, mailoutbox, django_capture_on_commit_callbacks):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowedError):
        _invite(organisation, member)
    assert not organisation.invitations.exists()
    assert mailoutbox == []


def test_invitation_mail_is_not_sent_when_the_transaction_rolls_back(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _invite(organisation, owner)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mailoutbox == []
    assert not organisation.invitations.exists()


# --- Members and roles ------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted(organisation, owner):
    membership = Membership.objects.get(organisation=organisation, user=owner)
    with pytest.raises(LastOwnerError) as error:
        change_member_role(membership=membership, actor=owner, role=Membership.Role.ADMIN)
    assert error.value.code == "organisation.last_owner"
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OWNER


def test_last_owner_cannot_be_removed_nor_leave(organisation, owner):
    membership = Membership.objects.get(organisation=organisation, user=owner)
    with pytest.raises(LastOwnerError):
        remove_member(membership=membership, actor=owner)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_owner_can_step_down_once_another_owner_exists(organisation, owner):
    MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)
    membership = Membership.objects.get(organisation=organisation, user=owner)
    change_member_role(membership=membership, actor=owner, role=Membership.Role.MEMBER)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


def test_invalid_role_is_rejected(organisation, owner):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError) as error:
        change_member_role(membership=member, actor=owner, role="emperor")
    assert "role" in error.value.message_dict
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER


def test_member_can_leave_but_cannot_remove_others(organisation, owner):
    first = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    second = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    with pytest.raises(NotAllowedError):
        remove_member(membership=second, actor=first.user)
    remove_member(membership=first, actor=first.user)
    assert not Membership.objects.filter(pk=first.pk).exists()
    assert Membership.objects.filter(pk=second.pk).exists()


def test_admin_removes_a_member(organisation):
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    remove_member(membership=member, actor=admin)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_outsider_cannot_change_roles(organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    outsider = MembershipFactory().user  # owner of another organisation
    with pytest.raises(NotAllowedError):
        change_member_role(membership=member, actor=outsider, role=Membership.Role.OWNER)
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER


@pytest.mark.parametrize(
    "attempt",
    ["promote_self", "promote_other", "demote_owner", "remove_owner", "invite_owner"],
)
def test_an_administrator_cannot_make_or_unmake_owners(organisation, owner, attempt):
    """Owners stay in control: an administrator who could make owners could take the company."""
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    owner_membership = Membership.objects.get(organisation=organisation, user=owner)
    before = dict(Membership.objects.filter(organisation=organisation).values_list("pk", "role"))
    with pytest.raises(NotAllowedError):
        if attempt == "promote_self":
            change_member_role(membership=admin, actor=admin.user, role=Membership.Role.OWNER)
        elif attempt == "promote_other":
            change_member_role(membership=member, actor=admin.user, role=Membership.Role.OWNER)
        elif attempt == "demote_owner":
            change_member_role(
                membership=owner_membership, actor=admin.user, role=Membership.Role.MEMBER
            )
        elif attempt == "remove_owner":
            remove_member(membership=owner_membership, actor=admin.user)
        else:
            invite_member(
                organisation=organisation,
                actor=admin.user,
                email="new.owner@example.test",
                role=Membership.Role.OWNER,
                language="en",
            )
    after = dict(Membership.objects.filter(organisation=organisation).values_list("pk", "role"))
    assert after == before
    assert not organisation.invitations.exists()


def test_an_administrator_still_manages_other_roles(organisation):
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    change_member_role(membership=member, actor=admin.user, role=Membership.Role.SIGNATORY)
    member.refresh_from_db()
    assert member.role == Membership.Role.SIGNATORY


def test_an_owner_makes_another_owner(organisation, owner):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    change_member_role(membership=member, actor=owner, role=Membership.Role.OWNER)
    member.refresh_from_db()
    assert member.role == Membership.Role.OWNER
