"""Signing: the text goes out, each signatory confirms with an e-mailed one-time code and signs;
wrong codes count towards a lock a party's manager can lift; the last signature completes it."""

import datetime
import hashlib
import hmac
import io
import secrets
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from karvan.accounts.models import User
from karvan.agreements import notifications as kinds
from karvan.agreements import tasks
from karvan.agreements.errors import (
    AlreadySignedError,
    CodeExpiredError,
    CodeInvalidError,
    CodeRateLimitedError,
    InvalidDrawingError,
    NameMismatchError,
    NotDraftError,
    NotLockedError,
    NotSigningError,
    NotYourTurnError,
    SigningLockedError,
    TextChangedError,
)
from karvan.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Signatory,
    Signature,
    SigningCode,
)
from karvan.agreements.permissions import (
    can_manage_party,
    can_send_agreement,
    can_sign,
    can_view_agreement,
)
from karvan.agreements.selectors import (
    count_code_failures,
    current_version,
    hash_document,
    is_held_for_compliance,
    list_send_blockers,
    list_signing_progress,
    signing_document_sha256,
    signing_locked_until,
    signing_parties,
)
from karvan.agreements.services._support import (
    agreement_url,
    lock_agreement,
    notify_parties,
    people_to_tell,
    record_entry,
)
from karvan.core.digits import normalize_code
from karvan.core.errors import ComplianceCheckError, DomainError, NotAllowedError
from karvan.core.mail import send_mail_to_person
from karvan.directory import memberships

CODE_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
DRAWING_MAX_BYTES = 300 * 1024
DRAWING_MAX_SIZE = (1600, 800)


def _normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _clean_drawing(data: bytes | None) -> bytes | None:
    if not data:
        return None
    if len(data) > DRAWING_MAX_BYTES:
        raise InvalidDrawingError(field="drawing")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width > DRAWING_MAX_SIZE[0]:
                raise InvalidDrawingError(field="drawing")
            if image.height > DRAWING_MAX_SIZE[1]:
                raise InvalidDrawingError(field="drawing")
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InvalidDrawingError(field="drawing") from error
    if clean.getchannel("A").getbbox() is None:  # fully transparent: nothing drawn
        return None
    output = io.BytesIO()
    clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _code_hash(signatory: Signatory, code: str) -> str:
    # Persian and Arabic-Indic digits count as the same digits: a code typed on a Persian
    # keyboard is the right code, not a wrong one that brings the signatory nearer a lock.
    key = hashlib.sha256(f"agreements.signing-code:{settings.SECRET_KEY}".encode()).digest()
    code = normalize_code(code)
    return hmac.new(key, f"{signatory.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def send_for_signing(*, actor: User, agreement: Agreement) -> Agreement:
    """Lock the text and ask the signatories to sign (the first only, when signed in order)."""
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    lock_agreement(agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise NotDraftError()
    if blockers := list_send_blockers(agreement):
        raise blockers[0]
    if is_held_for_compliance(agreement):
        raise ComplianceCheckError()
    agreement.status, agreement.sent_at = Agreement.Status.SIGNING, timezone.now()
    agreement.save(update_fields=["status", "sent_at", "updated_at"])
    version = current_version(agreement)
    record_entry(
        agreement,
        AgreementEvent.Action.SENT,
        actor=actor,
        detail={"version": version.number, "sha256": signing_document_sha256(agreement)},
    )
    signatories = list(agreement.signatories.select_related("user"))
    first = signatories[:1] if agreement.is_ordered else signatories
    notify_parties(agreement, [s.user for s in first], kinds.SENT_FOR_SIGNING)
    return agreement


def _pending_signatory(actor: User, agreement: Agreement) -> Signatory:
    if agreement.status != Agreement.Status.SIGNING:
        raise NotSigningError()
    signatory = (
        agreement.signatories.filter(user=actor).select_related("party__organisation").first()
    )
    if signatory is None or not can_sign(actor, signatory):
        raise NotAllowedError()
    if signatory.signatures.filter(voided_at__isnull=True).exists():
        raise AlreadySignedError()
    if signing_locked_until(signatory) is not None:
        raise _locked_error(signatory)
    if agreement.is_ordered:
        for row in list_signing_progress(agreement):
            if row.signature is None:
                if row.signatory.pk != signatory.pk:
                    raise NotYourTurnError(person=row.signatory.user.display_name)
                break
    return signatory


@transaction.atomic
def request_signing_code(
    *, actor: User, agreement: Agreement, ip_address: str | None = None, user_agent: str = ""
) -> SigningCode:
    """E-mail the signatory a one-time code (kept only as a keyed hash; expires; few tries)."""
    row, code = issue_signing_code(
        actor=actor, agreement=agreement, ip_address=ip_address, user_agent=user_agent
    )
    version = current_version(agreement)
    context = {
        "recipient": actor,
        "agreement": agreement,
        "title": dict(version.title),
        "code": code,
        "minutes": settings.KARVAN_SIGNING_CODE_MINUTES,
        "sha256": signing_document_sha256(agreement),
        "url": agreement_url(agreement),
    }
    transaction.on_commit(
        lambda: send_mail_to_person(
            actor, template="agreements/email/signing_code", context=context
        )
    )
    return row


@transaction.atomic
def issue_signing_code(
    *, actor: User, agreement: Agreement, ip_address: str | None = None, user_agent: str = ""
) -> tuple[SigningCode, str]:
    """A new one-time code for the signatory, returned in clear once and stored only as a keyed
    hash; older codes stop working. `request_signing_code` mails it; the demo signs with it."""
    if not can_view_agreement(actor, agreement):
        raise NotAllowedError()
    signatory = _pending_signatory(actor, agreement)
    latest = signatory.codes.filter(used_at__isnull=True).first()
    now = timezone.now()
    if latest and (now - latest.created_at).total_seconds() < CODE_RESEND_SECONDS:
        raise CodeRateLimitedError()
    signatory.codes.filter(used_at__isnull=True).update(used_at=now)  # older codes stop working
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = settings.KARVAN_SIGNING_CODE_MINUTES
    row = SigningCode.objects.create(
        signatory=signatory,
        code_hash=_code_hash(signatory, code),
        expires_at=now + datetime.timedelta(minutes=minutes),
    )
    record_entry(
        agreement,
        AgreementEvent.Action.CODE_SENT,
        actor=actor,
        detail={"to": actor.email},
        ip_address=ip_address,
        user_agent=user_agent,
    )
    return row, code


def _locked_error(signatory: Signatory) -> SigningLockedError:
    return SigningLockedError(
        field="code",
        hours=settings.KARVAN_SIGNING_LOCK_HOURS,
        organisation=signatory.party.organisation.display_name,
    )


def _party_managers(party: AgreementParty) -> list[User]:
    people = memberships.people_of(party.organisation_id, roles=memberships.MANAGER_ROLES)
    return [person for person in people if person.is_active]


def _check_code(
    signatory: Signatory, code: str, *, ip_address: str | None = None, user_agent: str = ""
) -> None:
    """Spend one attempt of the signatory's live code, in a transaction of its own, so that a
    wrong code stays counted when the caller's error unwinds.

    A code allows CODE_ATTEMPTS tries, and a new code can be mailed every minute, so tries are
    also capped per signatory and agreement: KARVAN_SIGNING_CODE_FAILURES wrong codes within 24
    hours lock signing for KARVAN_SIGNING_LOCK_HOURS (or until a party manager unlocks it). Each
    wrong code and the lock go into the audit trail; the signatory and the party's managers are
    told.
    """
    agreement = signatory.agreement
    with transaction.atomic():
        lock_agreement(agreement)
        signatory = (
            Signatory.objects.select_for_update()
            .select_related("party__organisation", "user")
            .get(pk=signatory.pk)
        )
        if signing_locked_until(signatory) is not None:
            raise _locked_error(signatory)  # nothing written yet: the rollback loses nothing
        row = (
            SigningCode.objects.select_for_update()
            .filter(signatory=signatory, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        outcome: DomainError | None = None
        if row is None or row.expires_at <= timezone.now() or row.attempts >= CODE_ATTEMPTS:
            outcome = CodeExpiredError(field="code")
        else:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if not hmac.compare_digest(row.code_hash, _code_hash(signatory, code)):
                outcome = _record_code_failure(
                    signatory, row=row, ip_address=ip_address, user_agent=user_agent
                )
    if outcome is not None:
        raise outcome


def _record_code_failure(
    signatory: Signatory, *, row: SigningCode, ip_address: str | None, user_agent: str
) -> DomainError:
    """Audit a wrong code; lock signing when it is one too many. Return the error to show."""
    agreement, user = signatory.agreement, signatory.user
    failed = record_entry(
        agreement,
        AgreementEvent.Action.CODE_FAILED,
        actor=user,
        detail={"signatory": user.display_name},
        ip_address=ip_address,
        user_agent=user_agent,
    )
    failures = count_code_failures(signatory)
    if failures < settings.KARVAN_SIGNING_CODE_FAILURES:
        return CodeInvalidError(field="code", left=CODE_ATTEMPTS - row.attempts)
    signatory.code_locked_at = failed.created_at
    signatory.save(update_fields=["code_locked_at", "updated_at"])
    SigningCode.objects.filter(signatory=signatory, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    record_entry(
        agreement,
        AgreementEvent.Action.CODE_LOCKED,
        detail={
            "signatory": user.display_name,
            "failures": failures,
            "hours": settings.KARVAN_SIGNING_LOCK_HOURS,
        },
    )
    notify_parties(
        agreement,
        [user, *_party_managers(signatory.party)],
        kinds.SIGNING_LOCKED,
        person=user.display_name,
        failures=failures,
        hours=settings.KARVAN_SIGNING_LOCK_HOURS,
    )
    return _locked_error(signatory)


@transaction.atomic
def unlock_signing(*, actor: User, signatory: Signatory) -> Signatory:
    """A manager of the signatory's party lifts a lock left by wrong codes; the count restarts."""
    if not can_manage_party(actor, signatory.party):
        raise NotAllowedError()
    agreement = lock_agreement(signatory.agreement)
    signatory = Signatory.objects.select_for_update().select_related("user").get(pk=signatory.pk)
    if signing_locked_until(signatory) is None:
        raise NotLockedError()
    unlocked = record_entry(
        agreement,
        AgreementEvent.Action.CODE_UNLOCKED,
        actor=actor,
        detail={"signatory": signatory.user.display_name},
    )
    # The event's time, not the clock's: the chain keeps events strictly ordered, so every wrong
    # code before the unlock is older than this moment and no longer counts.
    signatory.code_locked_at, signatory.code_unlocked_at = None, unlocked.created_at
    signatory.save(update_fields=["code_locked_at", "code_unlocked_at", "updated_at"])
    notify_parties(agreement, [signatory.user], kinds.SIGNING_UNLOCKED, person=actor.display_name)
    return signatory


def sign_agreement(
    *,
    actor: User,
    agreement: Agreement,
    code: str,
    typed_name: str,
    document_sha256: str,
    drawing_png: bytes | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Sign the version the signatory reviewed, confirmed by the one-time code."""
    if not can_view_agreement(actor, agreement):
        raise NotAllowedError()
    signatory = _pending_signatory(actor, agreement)
    if is_held_for_compliance(agreement):
        raise ComplianceCheckError()
    if signing_document_sha256(agreement) != document_sha256.strip().lower():
        raise TextChangedError()
    names = {_normalise_name(actor.full_name), _normalise_name(actor.full_name_native or "")}
    if not typed_name.strip() or _normalise_name(typed_name) not in names - {""}:
        raise NameMismatchError(field="typed_name", name=actor.full_name)
    drawing = _clean_drawing(drawing_png)
    _check_code(signatory, code, ip_address=ip_address, user_agent=user_agent)
    return _record_signature(
        actor=actor,
        agreement=agreement,
        signatory=signatory,
        typed_name=typed_name.strip(),
        document_sha256=document_sha256.strip().lower(),
        drawing=drawing,
        ip_address=ip_address,
        user_agent=user_agent,
    )


@transaction.atomic
def _record_signature(
    *,
    actor: User,
    agreement: Agreement,
    signatory: Signatory,
    typed_name: str,
    document_sha256: str,
    drawing: bytes | None,
    ip_address: str | None,
    user_agent: str,
) -> Signature:
    lock_agreement(agreement)
    signatory = _pending_signatory(actor, agreement)  # again, under the lock
    version = current_version(agreement)
    # The identity of every party enters the signed document: the snapshot of the round's first
    # signature, or, for the first, the identity as it stands now; it is stored with the
    # signature and is what the sealed PDF prints, whatever the organisations become later.
    parties = signing_parties(agreement)
    if hash_document(agreement, version, parties) != document_sha256:
        raise TextChangedError()
    now = timezone.now()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement,
                signatory=signatory,
                version=version,
                user=actor,
                organisation=signatory.party.organisation,
                typed_name=typed_name[:150],
                drawing=drawing,
                signed_at=now,
                ip_address=ip_address or None,
                user_agent=user_agent[:400],
                document_sha256=document_sha256,
                parties=parties,
            )
    except IntegrityError as error:
        raise AlreadySignedError() from error
    SigningCode.objects.filter(signatory=signatory, used_at__isnull=True).update(used_at=now)
    record_entry(
        agreement,
        AgreementEvent.Action.SIGNED,
        actor=actor,
        detail={"version": version.number, "sha256": document_sha256, "name": typed_name},
        ip_address=ip_address,
        user_agent=user_agent,
    )
    progress = list_signing_progress(agreement)
    signed = sum(1 for row in progress if row.signature is not None)
    others = people_to_tell(agreement, exclude=actor)
    notify_parties(
        agreement,
        others,
        kinds.SIGNED_BY,
        person=actor.display_name,
        signed=signed,
        total=len(progress),
    )
    if not complete_if_all_signed(agreement) and agreement.is_ordered:
        notify_next_signatory(agreement)
    return signature


def notify_next_signatory(agreement: Agreement) -> None:
    """In a signing order, tell the first signatory who has not signed that it is their turn."""
    following = next(
        (row for row in list_signing_progress(agreement) if row.signature is None), None
    )
    if following is not None:
        notify_parties(agreement, [following.signatory.user], kinds.YOUR_TURN)


def complete_if_all_signed(agreement: Agreement) -> bool:
    """Every party has a signatory and every signatory has signed: signed, sealing queued."""
    progress = list_signing_progress(agreement)
    parties = set(agreement.parties.values_list("pk", flat=True))
    if not progress or any(row.signature is None for row in progress):
        return False
    if {row.signatory.party_id for row in progress} != parties:
        return False
    agreement.status, agreement.signed_at = Agreement.Status.SIGNED, timezone.now()
    agreement.save(update_fields=["status", "signed_at", "updated_at"])
    record_entry(agreement, AgreementEvent.Action.COMPLETED, detail={"signatures": len(progress)})
    transaction.on_commit(lambda: tasks.seal_agreement.delay(agreement_id=agreement.pk))
    return True


# --- sealing ----------------------------------------------------------------------------------
