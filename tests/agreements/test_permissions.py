"""Every rule of who may see and do what, tried from the wrong side."""

import pytest
from django.urls import reverse

from karvan.accounts.models import User
from karvan.agreements import errors
from karvan.agreements.models import Agreement, Signature
from karvan.agreements.selectors import current_version, list_agreements
from karvan.agreements.services.drafting import add_comment, revise_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import (
    request_signing_code,
    send_for_signing,
    sign_agreement,
)
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Membership
from karvan.directory.services.members import change_member_role
from tests.agreements.conftest import ask_code, sign_as

pytestmark = pytest.mark.django_db

GET_PAGES = ["detail", "progress", "edit", "diff", "ceremony", "sign", "pdf", "preview"]
POST_ACTIONS = [
    "comment",
    "send",
    "add_signatory",
    "cancel",
    "ceremony",
    "sign",
    "request_code",
    "edit",
]


@pytest.mark.parametrize("url_name", GET_PAGES)
def test_an_outsider_cannot_see_a_draft(client, draft, outsider, url_name):
    client.force_login(outsider)
    response = client.get(reverse(f"agreements:{url_name}", args=[draft.code]))
    assert response.status_code == 404
    assert "تفاهم‌نامه همکاری".encode() not in response.content


@pytest.mark.parametrize("url_name", POST_ACTIONS)
def test_an_outsider_cannot_change_anything(client, signing, outsider, china, url_name):
    client.force_login(outsider)
    before = (signing.status, current_version(signing).number, signing.signatories.count())
    response = client.post(
        reverse(f"agreements:{url_name}", args=[signing.code]),
        {
            "body": "Taken over",
            "person": f"{signing.parties.first().pk}:{outsider.pk}",
            "room_url": "https://evil.example",
            "title_fa": "x",
            "text_fa": "x",
            "title_zh-hans": "x",
            "text_zh-hans": "x",
            "void_signatures": "on",
        },
    )
    assert response.status_code == 404
    signing.refresh_from_db()
    assert (signing.status, current_version(signing).number, signing.signatories.count()) == before
    assert signing.ceremony_room_url == "" and not signing.comments.exists()


def test_an_outsider_is_refused_by_the_services_too(signing, outsider):
    with pytest.raises(NotAllowedError):
        revise_agreement(actor=outsider, agreement=signing, texts={"fa": "x"}, void_signatures=True)
    with pytest.raises(NotAllowedError):
        add_comment(actor=outsider, agreement=signing, body="x", language="en")
    with pytest.raises(NotAllowedError):
        request_signing_code(actor=outsider, agreement=signing)
    with pytest.raises(NotAllowedError):
        send_for_signing(actor=outsider, agreement=signing)
    assert not list_agreements(viewer=outsider).exists()


def test_the_verification_page_shows_no_draft(client, draft):
    response = client.post(reverse("agreements:verify"), {"code": draft.code})
    assert response.status_code == 200
    assert response.context["result"].agreement is None


def test_a_member_without_the_signatory_role_cannot_be_named_or_sign(draft, iran, china):
    party = draft.parties.get(organisation=iran.organisation)
    with pytest.raises(errors.NotASignatoryRoleError):
        name_signatory(actor=iran.owner, agreement=draft, party=party, user=iran.member)
    # Named while a signatory, then demoted: the signature is refused.
    name_signatory(actor=iran.owner, agreement=draft, party=party, user=iran.signatory)
    name_signatory(
        actor=china.owner,
        agreement=draft,
        party=draft.parties.get(organisation=china.organisation),
        user=china.signatory,
    )
    send_for_signing(actor=iran.owner, agreement=draft)
    code = ask_code(iran.signatory, draft)
    change_member_role(
        membership=Membership.objects.get(user=iran.signatory),
        actor=iran.owner,
        role=Membership.Role.MEMBER,
    )
    demoted = User.objects.get(pk=iran.signatory.pk)  # their next request
    with pytest.raises(NotAllowedError):
        sign_agreement(
            actor=demoted,
            agreement=draft,
            code=code,
            typed_name="Maryam Ahmadi",
            document_sha256=current_version(draft).document_sha256,
        )
    assert not Signature.objects.exists()


def test_a_party_member_who_is_not_named_cannot_sign(signing, iran):
    with pytest.raises(NotAllowedError):
        request_signing_code(actor=iran.owner, agreement=signing)


def test_only_a_partys_managers_name_its_signatories(draft, iran, china):
    with pytest.raises(NotAllowedError):  # another party's owner
        name_signatory(
            actor=china.owner,
            agreement=draft,
            party=draft.parties.get(organisation=iran.organisation),
            user=iran.signatory,
        )
    with pytest.raises(NotAllowedError):  # a plain member of the party
        name_signatory(
            actor=iran.member,
            agreement=draft,
            party=draft.parties.get(organisation=iran.organisation),
            user=iran.signatory,
        )
    assert not draft.signatories.exists()


def test_a_signed_agreement_cannot_change(signing, iran, china, django_capture_on_commit_callbacks):
    sign_as(iran.signatory, signing)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, signing)
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNED
    with pytest.raises(errors.NotDraftError):
        revise_agreement(
            actor=iran.owner, agreement=signing, texts={"fa": "تغییر"}, void_signatures=True
        )
    with pytest.raises(errors.NotSigningError):
        request_signing_code(actor=iran.signatory, agreement=signing)


def test_an_outsider_cannot_withdraw_a_signatory(client, signing, outsider):
    signatory = signing.signatories.first()
    client.force_login(outsider)
    response = client.post(
        reverse("agreements:withdraw_signatory", args=[signing.code, signatory.pk])
    )
    assert response.status_code == 404
    assert signing.signatories.filter(pk=signatory.pk).exists()


def test_another_partys_owner_cannot_withdraw_through_the_page(client, signing, iran, china):
    signatory = signing.signatories.get(user=china.signatory)
    client.force_login(iran.owner)
    client.post(reverse("agreements:withdraw_signatory", args=[signing.code, signatory.pk]))
    assert signing.signatories.filter(pk=signatory.pk).exists()


VOIDING_ACTORS = [
    ("iran", "member"),
    ("china", "member"),
    ("iran", "signatory"),
    ("china", "signatory"),
]


@pytest.mark.parametrize(("side", "role"), VOIDING_ACTORS)
def test_only_a_partys_manager_may_void_collected_signatures(signing, iran, china, side, role):
    """A plain member, or a signatory of either party, cannot change the locked text and so void
    the signatures already given: refused by the service, nothing changed."""
    first = sign_as(iran.signatory, signing)
    actor = getattr({"iran": iran, "china": china}[side], role)
    with pytest.raises(NotAllowedError):
        revise_agreement(
            actor=actor, agreement=signing, texts={"fa": "متن دیگر."}, void_signatures=True
        )
    signing.refresh_from_db()
    first.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNING
    assert first.voided_at is None
    assert current_version(signing).number == 1


@pytest.mark.parametrize(("side", "role"), [*VOIDING_ACTORS, ("outsider", "")])
def test_the_edit_page_refuses_to_void_for_anyone_but_a_manager(
    client, signing, iran, china, outsider, side, role
):
    first = sign_as(iran.signatory, signing)
    actor = outsider if side == "outsider" else getattr({"iran": iran, "china": china}[side], role)
    client.force_login(actor)
    version = current_version(signing)
    response = client.post(
        reverse("agreements:edit", args=[signing.code]),
        {
            "title_fa": version.title["fa"],
            "title_zh-hans": version.title["zh-hans"],
            "text_fa": "متن دیگر.",
            "text_zh-hans": version.texts["zh-hans"],
            "void_signatures": "on",
        },
    )
    assert response.status_code in {403, 404}  # refused on a visible agreement, or no such one
    first.refresh_from_db()
    signing.refresh_from_db()
    assert first.voided_at is None and signing.status == Agreement.Status.SIGNING
    assert current_version(signing).number == 1


@pytest.mark.parametrize("manager", ["iran", "china"])
def test_a_managers_voiding_is_told_to_every_party(signing, iran, china, manager):
    from karvan.notifications.models import Notification

    sign_as(iran.signatory, signing)
    actor = {"iran": iran, "china": china}[manager].owner
    revise_agreement(
        actor=actor, agreement=signing, texts={"fa": "متن دیگر."}, void_signatures=True
    )
    told = set(
        Notification.objects.filter(kind="agreements.signatures_voided").values_list(
            "recipient_id", flat=True
        )
    )
    everyone = {iran.owner.pk, iran.signatory.pk, china.owner.pk, china.signatory.pk}
    assert told == everyone - {actor.pk}
