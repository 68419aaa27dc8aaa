"""The whole life of an agreement through its services: draft, revise, sign, seal."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from PIL import Image

from karvan.agreements import errors
from karvan.agreements.documents.sealing import check_sealed_pdf, sha256_hex
from karvan.agreements.models import Agreement, AgreementEvent, Comment, Signature
from karvan.agreements.selectors import (
    current_version,
    diff_versions,
    is_audit_trail_intact,
    list_ceremony_agreements,
    list_possible_partners,
    list_signing_progress,
)
from karvan.agreements.services.ceremony import attach_to_event_session
from karvan.agreements.services.drafting import (
    add_comment,
    create_agreement,
    decide_proposal,
    revise_agreement,
)
from karvan.agreements.services.signing import (
    request_signing_code,
    send_for_signing,
    sign_agreement,
)
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.notifications.models import Notification
from tests.agreements.conftest import ask_code, sign_as
from tests.dates import on_fair_day
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_template_fills_in_the_parties_and_values_in_each_language(draft, iran, china):
    version = current_version(draft)
    assert version.number == 1
    assert set(version.texts) == {"fa", "zh-hans"}
    assert "پسته نوین رفسنجان" in version.texts["fa"]
    assert "广州包装机械有限公司" in version.texts["zh-hans"]
    assert "德黑兰 / 广州" in version.texts["zh-hans"] and "تهران" not in version.texts["zh-hans"]
    assert "{" not in version.texts["fa"] + version.texts["zh-hans"]  # every value given
    assert version.title["zh-hans"] == "合作谅解备忘录"
    assert [p.organisation for p in draft.parties.all()] == [iran.organisation, china.organisation]
    assert [p.language for p in draft.parties.all()] == ["fa", "zh-hans"]


def test_an_agreement_from_scratch_needs_the_text_in_every_language(iran, china):
    with pytest.raises(errors.TextNeededError):
        create_agreement(
            actor=iran.owner,
            initiator=iran.organisation,
            partners=[china.organisation],
            languages=["fa", "en"],
            prevailing_language="en",
            title={"fa": "قرارداد", "en": "Agreement"},
            texts={"en": "Only English."},
        )
    assert not Agreement.objects.exists()


def test_an_agreement_needs_another_party_and_a_prevailing_language_among_its_own(iran, china):
    with pytest.raises(errors.TwoPartiesNeededError):
        create_agreement(
            actor=iran.owner,
            initiator=iran.organisation,
            partners=[iran.organisation],
            languages=["fa"],
            prevailing_language="fa",
            title={"fa": "الف"},
            texts={"fa": "ب"},
        )
    with pytest.raises(errors.LanguageNeededError):
        create_agreement(
            actor=iran.owner,
            initiator=iran.organisation,
            partners=[china.organisation],
            languages=["fa"],
            prevailing_language="zh-hans",
            title={"fa": "الف"},
            texts={"fa": "ب"},
        )


def test_an_organisation_whose_verification_was_refused_cannot_be_a_partner(iran):
    rejected = OrganisationFactory(verification=Organisation.Verification.REJECTED)
    with pytest.raises(errors.UnknownOrganisationError):
        create_agreement(
            actor=iran.owner,
            initiator=iran.organisation,
            partners=[rejected],
            languages=["fa"],
            prevailing_language="fa",
            title={"fa": "الف"},
            texts={"fa": "ب"},
        )
    assert not Agreement.objects.exists()
    assert not list_possible_partners().filter(pk=rejected.pk).exists()


def test_every_change_is_a_new_version_and_any_two_compare(draft, china):
    first = current_version(draft)
    changed = first.texts["zh-hans"].replace("包装设备", "食品包装机械")
    revise_agreement(actor=china.owner, agreement=draft, texts={"zh-hans": changed}, note="领域")
    second = current_version(draft)
    assert second.number == 2 and second.note == "领域"
    assert second.document_sha256 != first.document_sha256
    diff = diff_versions(draft, 1, 2)
    assert any(line.kind == "added" and "食品包装机械" in line.text for line in diff["zh-hans"])
    assert any(line.kind == "removed" and "包装设备" in line.text for line in diff["zh-hans"])
    assert all(line.kind == "same" for line in diff["fa"])
    # The same text again makes no version.
    revise_agreement(actor=china.owner, agreement=draft, texts={"zh-hans": changed})
    assert current_version(draft).number == 2


def test_a_proposed_change_becomes_a_version_when_the_other_party_accepts_it(draft, iran, china):
    proposal = add_comment(
        actor=china.owner,
        agreement=draft,
        body="建议把期限改为五年。",
        language="zh-hans",
        proposed_texts={"zh-hans": "第四条 期限五年。"},
    )
    assert proposal.is_proposal
    with pytest.raises(NotAllowedError):
        decide_proposal(actor=china.owner, comment=proposal, accept=True)  # not their own
    decide_proposal(actor=iran.owner, comment=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == Comment.Status.ACCEPTED
    assert current_version(draft).texts["zh-hans"] == "第四条 期限五年。"
    assert Notification.objects.filter(recipient=iran.owner, kind="agreements.commented").exists()


def test_sending_needs_a_signatory_for_every_party(draft, iran):
    with pytest.raises(errors.SignatoriesMissingError):
        send_for_signing(actor=iran.owner, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def test_the_whole_flow_ends_in_a_sealed_pdf_that_checks_out(
    signing, iran, china, sealing_key, django_capture_on_commit_callbacks
):
    assert signing.status == Agreement.Status.SIGNING
    assert signing.is_locked
    drawing = io.BytesIO()
    Image.new("RGBA", (300, 90), (0, 0, 0, 0)).save(drawing, format="PNG")
    canvas = Image.new("RGBA", (300, 90), (0, 0, 0, 0))
    canvas.paste((10, 20, 80, 255), (20, 40, 260, 46))
    drawing = io.BytesIO()
    canvas.save(drawing, format="PNG")
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_as(
            iran.signatory, signing, typed_name="مریم احمدی", drawing_png=drawing.getvalue()
        )
    assert first.document_sha256 == current_version(signing).document_sha256
    assert first.ip_address == "203.0.113.7" and first.user_agent == "pytest browser"
    assert first.signed_at.tzinfo is not None
    assert Image.open(io.BytesIO(bytes(first.drawing))).format == "PNG"
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNING
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, signing, typed_name="李娜")
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNED
    assert signing.is_sealed
    pdf = signing.sealed_pdf.read()
    assert sha256_hex(pdf) == signing.sealed_sha256
    check = check_sealed_pdf(pdf, sealing_key.trust_roots)
    assert check.is_authentic and check.verification_code == signing.code
    events = list(signing.events.order_by("created_at", "pk"))
    assert [e.action for e in events][-3:] == ["signed", "completed", "sealed"]
    assert is_audit_trail_intact(signing)
    # Every party's people hear about it, each in their own language.
    completed = Notification.objects.filter(kind="agreements.completed")
    assert {n.recipient for n in completed} >= {iran.owner, china.owner}


def test_a_changed_event_breaks_the_chain(signing):
    assert is_audit_trail_intact(signing)
    first = signing.events.order_by("created_at", "pk").first()
    AgreementEvent.objects.filter(pk=first.pk).update(actor_name="Someone else")
    assert not is_audit_trail_intact(signing)


def test_signing_in_order_makes_the_second_signatory_wait(draft, iran, china):
    draft.is_ordered = True
    draft.save()
    from karvan.agreements.services.signatories import name_signatory

    name_signatory(
        actor=iran.owner,
        agreement=draft,
        party=draft.parties.get(organisation=iran.organisation),
        user=iran.signatory,
    )
    name_signatory(
        actor=china.owner,
        agreement=draft,
        party=draft.parties.get(organisation=china.organisation),
        user=china.signatory,
    )
    send_for_signing(actor=china.owner, agreement=draft)
    with pytest.raises(errors.NotYourTurnError):
        request_signing_code(actor=china.signatory, agreement=draft)
    sign_as(iran.signatory, draft)
    assert [row.is_next for row in list_signing_progress(draft)] == [False, True]
    assert Notification.objects.filter(
        recipient=china.signatory, kind="agreements.your_turn"
    ).exists()


def test_a_wrong_code_costs_an_attempt_and_five_use_the_code_up(signing, iran):
    right = ask_code(iran.signatory, signing)
    wrong = "000000" if right != "000000" else "111111"
    sha = current_version(signing).document_sha256
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(errors.CodeInvalidError) as caught:
            sign_agreement(
                actor=iran.signatory,
                agreement=signing,
                code=wrong,
                typed_name="Maryam Ahmadi",
                document_sha256=sha,
            )
        assert caught.value.params["left"] == left
    with pytest.raises(errors.CodeExpiredError):
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=right,
            typed_name="Maryam Ahmadi",
            document_sha256=sha,
        )
    assert not Signature.objects.exists()


def test_a_code_expires(signing, iran):
    code = ask_code(iran.signatory, signing)
    with (
        time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=11)),
        pytest.raises(errors.CodeExpiredError),
    ):
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=code,
            typed_name="Maryam Ahmadi",
            document_sha256=current_version(signing).document_sha256,
        )


def test_the_code_is_stored_hashed_and_mailed_in_the_signatorys_language(signing, iran):
    code = ask_code(iran.signatory, signing)
    row = signing.signatories.get(user=iran.signatory).codes.get()
    assert code not in row.code_hash
    assert mail.outbox[-1].to == [iran.signatory.email]
    assert mail.outbox[-1].subject == f"کد امضای شما: {code}"
    with pytest.raises(errors.CodeRateLimitedError):
        request_signing_code(actor=iran.signatory, agreement=signing)


def test_the_typed_name_must_be_the_signatorys(signing, iran):
    code = ask_code(iran.signatory, signing)
    with pytest.raises(errors.NameMismatchError):
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=code,
            typed_name="Someone Else",
            document_sha256=current_version(signing).document_sha256,
        )


def test_a_signatory_cannot_sign_twice(signing, iran):
    sign_as(iran.signatory, signing)
    with pytest.raises(errors.AlreadySignedError):
        request_signing_code(actor=iran.signatory, agreement=signing)
    assert signing.signatures.count() == 1


def test_a_signature_on_an_older_text_is_refused(signing, iran, china):
    reviewed = current_version(signing).document_sha256
    code = ask_code(iran.signatory, signing)
    revise_agreement(
        actor=china.owner, agreement=signing, texts={"zh-hans": "新的文本。"}, void_signatures=True
    )
    send_for_signing(actor=china.owner, agreement=signing)
    with pytest.raises(errors.TextChangedError):
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=code,
            typed_name="Maryam Ahmadi",
            document_sha256=reviewed,
        )


def test_changing_a_locked_text_needs_consent_and_voids_the_signatures(signing, iran, china):
    first = sign_as(iran.signatory, signing)
    with pytest.raises(errors.LockedError):
        revise_agreement(actor=china.owner, agreement=signing, texts={"zh-hans": "改动。"})
    revise_agreement(
        actor=china.owner, agreement=signing, texts={"zh-hans": "改动。"}, void_signatures=True
    )
    signing.refresh_from_db()
    first.refresh_from_db()
    assert signing.status == Agreement.Status.DRAFT
    assert first.voided_at is not None
    assert Notification.objects.filter(
        recipient=iran.signatory, kind="agreements.signatures_voided"
    ).exists()
    # Sent again, the same person signs the new text.
    send_for_signing(actor=iran.owner, agreement=signing)
    signature = sign_as(iran.signatory, signing)
    assert signature.version.number == 2


def test_the_events_seam_records_the_ceremony_session(draft, iran, outsider):
    starts = on_fair_day(14, 30)
    attach_to_event_session(
        agreement=draft, session_id=42, starts_at=starts, room_url="https://meet.example.org/kv"
    )
    draft.refresh_from_db()
    assert (draft.ceremony_session_id, draft.ceremony_starts_at) == (42, starts)
    assert list(list_ceremony_agreements(viewer=iran.member, session_ids=[42])) == [draft]
    assert not list_ceremony_agreements(viewer=outsider, session_ids=[42]).exists()


def test_a_manager_withdraws_a_signatory_who_has_not_signed(signing, iran, china):
    from karvan.agreements.services.signatories import name_signatory, remove_signatory

    li_na = signing.signatories.get(user=china.signatory)
    with pytest.raises(NotAllowedError):
        remove_signatory(actor=iran.owner, signatory=li_na)  # not their party
    remove_signatory(actor=china.owner, signatory=li_na)
    assert not signing.signatories.filter(user=china.signatory).exists()
    maryam_signature = sign_as(iran.signatory, signing)
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNING  # China has nobody to sign yet
    maryam = maryam_signature.signatory
    with pytest.raises(errors.SignatoryHasSignedError):
        remove_signatory(actor=iran.owner, signatory=maryam)
    name_signatory(
        actor=china.owner,
        agreement=signing,
        party=signing.parties.get(organisation=china.organisation),
        user=china.owner,
    )
    assert Notification.objects.filter(
        recipient=china.owner, kind="agreements.sent_for_signing"
    ).exists()
