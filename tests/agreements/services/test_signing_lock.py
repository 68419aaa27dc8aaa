"""Guessing signing codes: wrong codes are capped per signatory and agreement across all codes."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from karvan.agreements import errors
from karvan.agreements.models import AgreementEvent
from karvan.agreements.selectors import current_version, is_audit_trail_intact
from karvan.agreements.services.signing import sign_agreement, unlock_signing
from karvan.core.errors import NotAllowedError
from karvan.notifications.models import Notification
from tests.agreements.conftest import ask_code

pytestmark = pytest.mark.django_db


def _wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _guess(user: object, agreement: object, code: str) -> errors.DomainError:
    """One try with a code, returning the refusal."""
    with pytest.raises(errors.DomainError) as refused:
        sign_agreement(
            actor=user,
            agreement=agreement,
            code=code,
            typed_name=user.full_name,
            document_sha256=current_version(agreement).document_sha256,
            ip_address="198.51.100.66",
        )
    return refused.value


def _guess_wrong(user: object, agreement: object, times: int, clock: object) -> list[str]:
    """Wrong codes, `times` in all, asking for a new code (a minute apart) as each is used up."""
    results, code = [], ""
    for attempt in range(times):
        if attempt % 5 == 0:
            clock.shift(datetime.timedelta(seconds=61))
            code = ask_code(user, agreement)
        with TestCase.captureOnCommitCallbacks(execute=True):
            results.append(_guess(user, agreement, _wrong_code(code)).code)
    return results


def test_ten_wrong_codes_in_a_day_lock_signing_and_say_so(signing, iran, china, settings):
    """Ten wrong codes across two mailed codes lock signing: the right code is refused, no new
    code is mailed, the audit trail records each wrong code and the lock, and the signatory and
    their organisation's managers are told in their own language."""
    settings.KARVAN_SIGNING_CODE_FAILURES = 10
    maryam = iran.signatory
    with time_machine.travel(timezone.now(), tick=False) as clock:
        results = _guess_wrong(maryam, signing, 10, clock)
        assert results[:9] == ["agreement.code_invalid"] * 9
        assert results[-1] == "agreement.signing_locked"
        clock.shift(datetime.timedelta(seconds=61))
        with pytest.raises(errors.SigningLockedError):
            ask_code(maryam, signing)
    actions = list(signing.events.values_list("action", flat=True))
    assert actions.count(AgreementEvent.Action.CODE_FAILED) == 10
    assert actions[-1] == AgreementEvent.Action.CODE_LOCKED
    assert is_audit_trail_intact(signing)
    locked_event = signing.events.get(action=AgreementEvent.Action.CODE_LOCKED)
    assert locked_event.detail["failures"] == 10
    told = Notification.objects.filter(kind="agreements.signing_locked")
    assert set(told.values_list("recipient_id", flat=True)) == {maryam.pk, iran.owner.pk}
    to_owner = told.get(recipient=iran.owner)
    with translation.override("fa"):
        persian_title = to_owner.title
    assert maryam.display_name in persian_title
    owner_mail = next(m for m in mail.outbox if m.to == [iran.owner.email])
    assert persian_title in owner_mail.subject


def test_the_lock_holds_against_the_right_code(signing, iran, settings):
    settings.KARVAN_SIGNING_CODE_FAILURES = 3
    with time_machine.travel(timezone.now(), tick=False) as clock:
        clock.shift(datetime.timedelta(seconds=61))
        code = ask_code(iran.signatory, signing)
        for _attempt in range(3):
            _guess(iran.signatory, signing, _wrong_code(code))
        assert _guess(iran.signatory, signing, code).code == "agreement.signing_locked"
    assert not signing.signatures.exists()


def test_only_the_partys_manager_unlocks_and_the_count_starts_again(signing, iran, china, settings):
    settings.KARVAN_SIGNING_CODE_FAILURES = 3
    signatory = signing.signatories.get(user=iran.signatory)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _guess_wrong(iran.signatory, signing, 3, clock)
        for someone in (china.owner, china.signatory, iran.member, iran.signatory):
            with pytest.raises(NotAllowedError):
                unlock_signing(actor=someone, signatory=signatory)
        unlock_signing(actor=iran.owner, signatory=signatory)
        assert signing.events.last().action == AgreementEvent.Action.CODE_UNLOCKED
        assert Notification.objects.filter(
            kind="agreements.signing_unlocked", recipient=iran.signatory
        ).exists()
        with pytest.raises(errors.NotLockedError):
            unlock_signing(actor=iran.owner, signatory=signatory)
        results = _guess_wrong(iran.signatory, signing, 2, clock)
        assert results[-1] == "agreement.code_invalid"  # counted afresh since the unlock
        clock.shift(datetime.timedelta(seconds=61))
        code = ask_code(iran.signatory, signing)
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=code,
            typed_name=iran.signatory.full_name,
            document_sha256=current_version(signing).document_sha256,
        )
    assert signing.signatures.filter(signatory=signatory).exists()


def test_the_lock_ends_by_itself_and_old_failures_fall_out_of_the_window(signing, iran, settings):
    settings.KARVAN_SIGNING_CODE_FAILURES = 3
    settings.KARVAN_SIGNING_LOCK_HOURS = 24
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _guess_wrong(iran.signatory, signing, 3, clock)
        clock.shift(datetime.timedelta(hours=23))
        with pytest.raises(errors.SigningLockedError):
            ask_code(iran.signatory, signing)
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        assert _guess_wrong(iran.signatory, signing, 2, clock)[-1] == "agreement.code_invalid"
        clock.shift(datetime.timedelta(hours=25))  # those two are more than a day old now
        assert _guess_wrong(iran.signatory, signing, 2, clock)[-1] == "agreement.code_invalid"


def test_a_manager_unlocks_from_the_agreement_page(client, signing, iran, china, settings):
    settings.KARVAN_SIGNING_CODE_FAILURES = 2
    signatory = signing.signatories.get(user=iran.signatory)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _guess_wrong(iran.signatory, signing, 2, clock)
    client.force_login(iran.signatory)
    page = client.get(reverse("agreements:sign", args=[signing.code]))
    assert b'id="signing-locked"' in page.content and b'id="send-code"' not in page.content
    unlock = reverse("agreements:unlock_signatory", args=[signing.code, signatory.pk])
    client.force_login(china.owner)
    assert b'id="signing-locked"' not in client.get(signing.get_absolute_url()).content
    client.post(unlock)
    signatory.refresh_from_db()
    assert signatory.code_locked_at is not None
    client.force_login(iran.owner)
    assert b'id="signing-locked"' in client.get(signing.get_absolute_url()).content
    assert client.post(unlock).status_code == 302
    signatory.refresh_from_db()
    assert signatory.code_locked_at is None


def test_the_api_answers_a_locked_signatory_with_429(client, signing, iran, settings):
    settings.KARVAN_SIGNING_CODE_FAILURES = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _guess_wrong(iran.signatory, signing, 1, clock)
        clock.shift(datetime.timedelta(seconds=61))
        client.force_login(iran.signatory)
        response = client.post(f"/api/agreements/{signing.code}/signing-code")
    assert response.status_code == 429
    assert response.json()["code"] == "agreement.signing_locked"


def test_a_code_typed_in_persian_digits_is_the_right_code(signing, iran):
    """Typed on a Persian keyboard, the mailed code is not a wrong guess counting towards a lock."""
    code = ask_code(iran.signatory, signing)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    signature = sign_agreement(
        actor=iran.signatory,
        agreement=signing,
        code=persian,
        typed_name=iran.signatory.full_name,
        document_sha256=current_version(signing).document_sha256,
    )
    assert signature.is_valid
    assert not signing.events.filter(action=AgreementEvent.Action.CODE_FAILED).exists()
