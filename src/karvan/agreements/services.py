"""Actions on agreements: drafting, versions, comments, signatories, signing, sealing."""

import datetime
import hashlib
import hmac
import io
import secrets
import unicodedata
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from karvan.accounts.models import User
from karvan.agreements import notifications as kinds
from karvan.agreements import tasks
from karvan.agreements.document import chain_hash, fill_placeholders
from karvan.agreements.errors import (
    AlreadySignatoryError,
    AlreadySignedError,
    CodeExpiredError,
    CodeInvalidError,
    CodeRateLimitedError,
    InvalidDrawingError,
    LanguageNeededError,
    LockedError,
    NameMismatchError,
    NotACeremonySessionError,
    NotASignatoryRoleError,
    NotDraftError,
    NotLockedError,
    NotProposalError,
    NotSigningError,
    NotYourTurnError,
    SignatoriesMissingError,
    SignatoryHasSignedError,
    SigningLockedError,
    TextChangedError,
    TextNeededError,
    TwoPartiesNeededError,
)
from karvan.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementParty,
    AgreementTemplate,
    AgreementVersion,
    Comment,
    Signatory,
    Signature,
    SigningCode,
)
from karvan.agreements.permissions import (
    can_be_signatory,
    can_edit_agreement,
    can_manage_party,
    can_revise_agreement,
    can_send_agreement,
    can_sign,
    can_start_agreement_for,
    can_view_agreement,
)
from karvan.agreements.selectors import (
    count_code_failures,
    current_version,
    event_payload,
    hash_document,
    is_held_for_compliance,
    signing_document_sha256,
    signing_locked_until,
    signing_parties,
    signing_progress,
    snapshot_parties,
)
from karvan.core.digits import normalize_code
from karvan.core.errors import ComplianceCheckError, DomainError, NotAllowedError
from karvan.core.mail import send_mail_to_person
from karvan.core.signals import send_identity_changed_on_commit
from karvan.core.text import CONTENT_LANGUAGES, localize
from karvan.directory.models import Membership, Organisation
from karvan.events.selectors import list_ceremony_sessions
from karvan.notifications.services import notify

CODE_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
DRAWING_MAX_BYTES = 300 * 1024
DRAWING_MAX_SIZE = (1600, 800)


# --- helpers ----------------------------------------------------------------------------------


def _hash_version(agreement: Agreement, number: int, title: Mapping, texts: Mapping) -> str:
    """A new version's fingerprint: its text with the parties' identity as it stands now."""
    version = AgreementVersion(number=number, title=dict(title), texts=dict(texts))
    return hash_document(agreement, version, snapshot_parties(agreement))


def _record(
    agreement: Agreement,
    action: str,
    *,
    actor: User | None = None,
    detail: Mapping[str, object] | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> AgreementEvent:
    """Append an audit event whose hash covers the previous one.

    The agreement's row is locked first (a no-op when the caller holds it already): two events
    written at once would otherwise both read the same head and fork the chain, and the public
    verification page would then call the record altered.
    """
    list(Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk"))
    previous = agreement.events.order_by("-created_at", "-pk").first()
    now = timezone.now()
    if previous and now <= previous.created_at:
        now = previous.created_at + datetime.timedelta(microseconds=1)
    previous_hash = previous.event_hash if previous else ""
    event = AgreementEvent(
        agreement=agreement,
        action=action,
        actor=actor,
        actor_name=actor.display_name if actor else "",
        detail=dict(detail or {}),
        ip_address=ip_address or None,
        user_agent=user_agent[:400],
        created_at=now,
        previous_hash=previous_hash,
    )
    event.event_hash = chain_hash(previous_hash, event_payload(event))
    event.save()
    return event


def _values_in(values: Mapping[str, object], language: str) -> dict[str, str]:
    """Placeholder values for one language: a plain value serves every language, a mapping of
    language to text gives each its own version (the English one, else any, when missing)."""
    picked = {}
    for name, value in values.items():
        if isinstance(value, Mapping):
            text = value.get(language) or value.get("en") or next(iter(value.values()), "")
        else:
            text = value
        if isinstance(text, str) and text.strip():
            picked[name] = text.strip()
    return picked


def _clean_texts(languages: Sequence[str], texts: Mapping[str, str] | None) -> dict[str, str]:
    cleaned = {lang: (texts or {}).get(lang, "").strip() for lang in languages}
    if not all(cleaned.values()):
        raise TextNeededError(field="texts")
    return cleaned


def _actor_party(actor: User, agreement: Agreement) -> AgreementParty:
    mine = Membership.objects.filter(user=actor).values("organisation_id")
    party = agreement.parties.filter(organisation_id__in=mine).select_related("organisation")
    found = party.first()
    if found is None:
        raise NotAllowedError()
    return found


def _members_of(agreement: Agreement, *, exclude: User | None = None) -> list[User]:
    users = User.objects.filter(
        memberships__organisation__agreement_parties__agreement=agreement,
        memberships__role__in=[
            Membership.Role.OWNER,
            Membership.Role.ADMIN,
            Membership.Role.SIGNATORY,
        ],
        is_active=True,
    ).distinct()
    return [user for user in users if exclude is None or user.pk != exclude.pk]


def _params(agreement: Agreement, **extra: object) -> dict[str, object]:
    title = current_version(agreement).title
    return {"agreement": {**dict(title), "en": title.get("en") or agreement.code}, **extra}


def _url(agreement: Agreement) -> str:
    return reverse("agreements:detail", args=[agreement.code])


def _notify(agreement: Agreement, recipients: Sequence[User], kind: str, **params: object) -> None:
    if recipients:
        notify(
            recipients=recipients,
            kind=kind,
            params=_params(agreement, **params),
            url=_url(agreement),
        )


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
    if clean.getextrema()[3][1] == 0:  # fully transparent: nothing drawn
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


def _lock(agreement: Agreement) -> Agreement:
    """Lock the agreement's row for this transaction and refresh the caller's instance."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).exists()
    agreement.refresh_from_db()
    return agreement


# --- drafting ---------------------------------------------------------------------------------


@transaction.atomic
def create_agreement(
    *,
    actor: User,
    initiator: Organisation,
    partners: Sequence[Organisation],
    languages: Sequence[str],
    prevailing_language: str,
    template: AgreementTemplate | None = None,
    values: Mapping[str, str | Mapping[str, str]] | None = None,
    title: Mapping[str, str] | None = None,
    texts: Mapping[str, str] | None = None,
    kind: str = AgreementKind.OTHER,
    is_ordered: bool = False,
) -> Agreement:
    """Start an agreement between the actor's organisation and one or more others."""
    if not can_start_agreement_for(actor, initiator.pk):
        raise NotAllowedError()
    others = list({org.pk: org for org in partners if org.pk != initiator.pk}.values())
    if not others:
        raise TwoPartiesNeededError(field="partners")
    languages = list(dict.fromkeys(lang for lang in languages if lang in CONTENT_LANGUAGES))
    if not languages or prevailing_language not in languages:
        raise LanguageNeededError(field="languages")
    agreement = Agreement(
        kind=template.kind if template else kind,
        template=template,
        initiator=initiator,
        created_by=actor,
        languages=languages,
        prevailing_language=prevailing_language,
        is_ordered=is_ordered,
    )
    agreement.full_clean(exclude=["sealed_pdf"])
    agreement.save()
    for position, organisation in enumerate([initiator, *others], start=1):
        language = organisation.original_language
        AgreementParty.objects.create(
            agreement=agreement,
            organisation=organisation,
            language=language if language in languages else prevailing_language,
            position=position,
        )
    if template is not None:
        parties = [initiator, *others]
        title_versions, text_versions = {}, {}
        for language in languages:
            filled = {
                f"party_{index}": localize(org.name, language, original=org.original_language)[0]
                for index, org in enumerate(parties, start=1)
            }
            filled.update(_values_in(values or {}, language))
            title_versions[language] = template.title.get(language) or template.title.get("en", "")
            body = template.body.get(language) or template.body.get("en", "")
            text_versions[language] = fill_placeholders(body, filled)
        title, texts = title_versions, text_versions
    title = _clean_texts(languages, title)
    texts = _clean_texts(languages, texts)
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        title=title,
        texts=texts,
        author=actor,
        document_sha256=_hash_version(agreement, 1, title, texts),
    )
    _record(agreement, AgreementEvent.Action.CREATED, actor=actor, detail={"version": 1})
    return agreement


def _new_version(
    agreement: Agreement,
    *,
    actor: User,
    title: Mapping[str, str],
    texts: Mapping[str, str],
    note: str,
) -> AgreementVersion | None:
    latest = current_version(agreement)
    title = {**latest.title, **_clean_texts(agreement.languages, {**latest.title, **title})}
    texts = _clean_texts(agreement.languages, {**latest.texts, **texts})
    if title == latest.title and texts == latest.texts:
        return None
    number = latest.number + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        title=title,
        texts=texts,
        note=note.strip()[:300],
        author=actor,
        document_sha256=_hash_version(agreement, number, title, texts),
    )
    agreement.save(update_fields=["updated_at"])
    _record(
        agreement,
        AgreementEvent.Action.REVISED,
        actor=actor,
        detail={"version": number, "sha256": version.document_sha256},
    )
    return version


def _void_signatures(agreement: Agreement, *, actor: User) -> int:
    voided = agreement.signatures.filter(voided_at__isnull=True).update(voided_at=timezone.now())
    agreement.status, agreement.sent_at = Agreement.Status.DRAFT, None
    agreement.save(update_fields=["status", "sent_at", "updated_at"])
    _record(agreement, AgreementEvent.Action.VOIDED, actor=actor, detail={"voided": voided})
    # Every party is told: its managers and signatories, and any named signatory besides.
    signatories = [signatory.user for signatory in agreement.signatories.select_related("user")]
    recipients = {user.pk: user for user in [*_members_of(agreement), *signatories]}
    recipients.pop(actor.pk, None)
    _notify(
        agreement, list(recipients.values()), kinds.SIGNATURES_VOIDED, person=actor.display_name
    )
    return voided


@transaction.atomic
def revise_agreement(
    *,
    actor: User,
    agreement: Agreement,
    title: Mapping[str, str] | None = None,
    texts: Mapping[str, str] | None = None,
    note: str = "",
    void_signatures: bool = False,
) -> Agreement:
    """Change the text: a new version. Out for signature, only with void_signatures=True, and
    only by a party's manager: a plain member or a signatory cannot void what others signed."""
    if not can_revise_agreement(actor, agreement):
        raise NotAllowedError()
    _lock(agreement)
    if agreement.status == Agreement.Status.SIGNING:
        if not can_revise_agreement(actor, agreement):  # the status as read under the lock
            raise NotAllowedError()
        if not void_signatures:
            raise LockedError()
    elif agreement.status != Agreement.Status.DRAFT:
        raise NotDraftError()
    latest = current_version(agreement)
    merged_title = {**latest.title, **(title or {})}
    merged_texts = {**latest.texts, **(texts or {})}
    if merged_title == latest.title and merged_texts == latest.texts:
        return agreement
    if agreement.status == Agreement.Status.SIGNING:
        _void_signatures(agreement, actor=actor)
    _new_version(agreement, actor=actor, title=merged_title, texts=merged_texts, note=note)
    return agreement


@transaction.atomic
def add_comment(
    *,
    actor: User,
    agreement: Agreement,
    body: str,
    language: str,
    proposed_texts: Mapping[str, str] | None = None,
) -> Comment:
    """A remark on the current version; with proposed_texts, a proposed change (drafts only)."""
    if not can_edit_agreement(actor, agreement):
        raise NotAllowedError()
    if agreement.status in {Agreement.Status.SIGNED, Agreement.Status.CANCELLED}:
        raise NotDraftError()
    proposal = {
        lang: text.strip()
        for lang, text in (proposed_texts or {}).items()
        if lang in agreement.languages and text and text.strip()
    }
    if proposal and agreement.status != Agreement.Status.DRAFT:
        raise LockedError()
    body = body.strip()
    if not body:
        raise TextNeededError(field="body")
    party = _actor_party(actor, agreement)
    comment = Comment.objects.create(
        agreement=agreement,
        version=current_version(agreement),
        author=actor,
        organisation=party.organisation,
        body=body[:5000],
        language=language if language in CONTENT_LANGUAGES else party.language,
        proposed_texts=proposal,
    )
    action = AgreementEvent.Action.PROPOSED if proposal else AgreementEvent.Action.COMMENTED
    _record(agreement, action, actor=actor, detail={"comment": comment.pk})
    recipients = _members_of(agreement, exclude=actor)
    _notify(agreement, recipients, kinds.COMMENTED, person=actor.display_name, excerpt=body[:140])
    return comment


@transaction.atomic
def decide_proposal(*, actor: User, comment: Comment, accept: bool) -> Comment:
    """Another party's member accepts (a new version) or declines a proposed change."""
    agreement = comment.agreement
    if not can_edit_agreement(actor, agreement) or comment.author_id == actor.pk:
        raise NotAllowedError()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_proposal or comment.status != Comment.Status.OPEN:
        raise NotProposalError()
    if agreement.status != Agreement.Status.DRAFT:
        raise LockedError()
    if accept:
        _new_version(
            agreement,
            actor=actor,
            title={},
            texts=comment.proposed_texts,
            note=comment.body[:300],
        )
    comment.status = Comment.Status.ACCEPTED if accept else Comment.Status.DECLINED
    comment.decided_by = actor
    comment.save(update_fields=["status", "decided_by", "updated_at"])
    return comment


@transaction.atomic
def set_ceremony(
    *,
    actor: User,
    agreement: Agreement,
    starts_at: datetime.datetime | None,
    room_url: str = "",
) -> Agreement:
    """Plan the signing ceremony: when it starts and the video room the parties meet in."""
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    if agreement.status in {Agreement.Status.SIGNED, Agreement.Status.CANCELLED}:
        raise NotDraftError()
    agreement.ceremony_starts_at, agreement.ceremony_room_url = starts_at, room_url.strip()
    agreement.ceremony_session_id = None  # planned by the parties, no longer at an event
    agreement.save(
        update_fields=[
            "ceremony_starts_at",
            "ceremony_room_url",
            "ceremony_session_id",
            "updated_at",
        ]
    )
    return agreement


@transaction.atomic
def hold_at_event_session(*, actor: User, agreement: Agreement, session_id: int) -> Agreement:
    """A party's manager puts the agreement on a signing ceremony's programme: its start is the
    session's, and a ceremony held online (no venue) gets an unguessable room on the platform's
    Jitsi."""
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    if agreement.status in {Agreement.Status.SIGNED, Agreement.Status.CANCELLED}:
        raise NotDraftError()
    session = list_ceremony_sessions(viewer=actor).filter(pk=session_id).first()
    if session is None:
        raise NotACeremonySessionError()
    room_url = ""
    online = session.event.is_online or not session.event.venue.strip()
    if online and settings.KARVAN_JITSI_URL:
        same = agreement.ceremony_session_id == session.pk and agreement.ceremony_room_url
        room_url = (
            agreement.ceremony_room_url
            if same
            else (f"{settings.KARVAN_JITSI_URL}/karvan-ceremony-{secrets.token_urlsafe(24)}")
        )
    return attach_to_event_session(
        agreement=agreement, session_id=session.pk, starts_at=session.starts_at, room_url=room_url
    )


@transaction.atomic
def attach_to_event_session(
    *,
    agreement: Agreement,
    session_id: int,
    starts_at: datetime.datetime,
    room_url: str = "",
) -> Agreement:
    """The seam for the events app: a signing ceremony's session takes the agreement.

    Called by the events app's own service (which checks its organiser's rights); it records the
    session's id, start and video room on the agreement, where the ceremony page shows them.
    """
    agreement.ceremony_session_id = session_id
    agreement.ceremony_starts_at = starts_at
    agreement.ceremony_room_url = room_url.strip()
    agreement.save(
        update_fields=[
            "ceremony_session_id",
            "ceremony_starts_at",
            "ceremony_room_url",
            "updated_at",
        ]
    )
    return agreement


@transaction.atomic
def cancel_agreement(*, actor: User, agreement: Agreement) -> Agreement:
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    _lock(agreement)
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    agreement.signatures.filter(voided_at__isnull=True).update(voided_at=timezone.now())
    agreement.status = Agreement.Status.CANCELLED
    agreement.save(update_fields=["status", "updated_at"])
    _record(agreement, AgreementEvent.Action.CANCELLED, actor=actor)
    return agreement


# --- signatories and signing ------------------------------------------------------------------


@transaction.atomic
def name_signatory(
    *, actor: User, agreement: Agreement, party: AgreementParty, user: User
) -> Signatory:
    """A party's manager names one of its authorised signatories to sign for it."""
    if party.agreement_id != agreement.pk or not can_manage_party(actor, party):
        raise NotAllowedError()
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    if not can_be_signatory(user, party):
        raise NotASignatoryRoleError(field="user", organisation=party.organisation.display_name)
    if agreement.signatories.filter(user=user).exists():
        raise AlreadySignatoryError(field="user")
    position = (agreement.signatories.aggregate(top=Max("position"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            signatory = Signatory.objects.create(
                agreement=agreement, party=party, user=user, position=position, named_by=actor
            )
    except IntegrityError as error:
        raise AlreadySignatoryError(field="user") from error
    _record(
        agreement,
        AgreementEvent.Action.SIGNATORY_NAMED,
        actor=actor,
        detail={"signatory": user.display_name, "position": position},
    )
    send_identity_changed_on_commit(__name__, user_id=user.pk)
    _notify(
        agreement,
        [user],
        kinds.SIGNATORY_NAMED,
        organisation=dict(party.organisation.name),
    )
    if agreement.status == Agreement.Status.SIGNING:
        waiting = [row for row in signing_progress(agreement) if row.signature is None]
        if not agreement.is_ordered or (waiting and waiting[0].signatory.pk == signatory.pk):
            _notify(agreement, [user], kinds.SENT_FOR_SIGNING)
    return signatory


@transaction.atomic
def remove_signatory(*, actor: User, signatory: Signatory) -> None:
    """A party's manager withdraws a signatory who has not signed (a valid signature stays)."""
    agreement = signatory.agreement
    if not can_manage_party(actor, signatory.party):
        raise NotAllowedError()
    _lock(agreement)
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    if signatory.signatures.exists():  # even a voided signature stays on the record with them
        raise SignatoryHasSignedError()
    _record(
        agreement,
        AgreementEvent.Action.SIGNATORY_REMOVED,
        actor=actor,
        detail={"signatory": signatory.user.display_name},
    )
    signatory.delete()
    signing = agreement.status == Agreement.Status.SIGNING
    if signing and not _complete_if_all_signed(agreement) and agreement.is_ordered:
        _notify_next(agreement)


@transaction.atomic
def send_for_signing(*, actor: User, agreement: Agreement) -> Agreement:
    """Lock the text and ask the signatories to sign (the first only, when signed in order)."""
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    _lock(agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise NotDraftError()
    missing = [
        party.organisation.display_name
        for party in agreement.parties.select_related("organisation")
        if not party.signatories.exists()
    ]
    if missing:
        raise SignatoriesMissingError(parties=", ".join(missing))
    if is_held_for_compliance(agreement):
        raise ComplianceCheckError()
    agreement.status, agreement.sent_at = Agreement.Status.SIGNING, timezone.now()
    agreement.save(update_fields=["status", "sent_at", "updated_at"])
    version = current_version(agreement)
    _record(
        agreement,
        AgreementEvent.Action.SENT,
        actor=actor,
        detail={"version": version.number, "sha256": signing_document_sha256(agreement)},
    )
    signatories = list(agreement.signatories.select_related("user"))
    first = signatories[:1] if agreement.is_ordered else signatories
    _notify(agreement, [s.user for s in first], kinds.SENT_FOR_SIGNING)
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
        for row in signing_progress(agreement):
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
        "url": _url(agreement),
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
    _record(
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
    return list(
        User.objects.filter(
            memberships__organisation_id=party.organisation_id,
            memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
            is_active=True,
        ).distinct()
    )


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
        _lock(agreement)
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
    failed = _record(
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
    _record(
        agreement,
        AgreementEvent.Action.CODE_LOCKED,
        detail={
            "signatory": user.display_name,
            "failures": failures,
            "hours": settings.KARVAN_SIGNING_LOCK_HOURS,
        },
    )
    _notify(
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
    agreement = _lock(signatory.agreement)
    signatory = Signatory.objects.select_for_update().select_related("user").get(pk=signatory.pk)
    if signing_locked_until(signatory) is None:
        raise NotLockedError()
    unlocked = _record(
        agreement,
        AgreementEvent.Action.CODE_UNLOCKED,
        actor=actor,
        detail={"signatory": signatory.user.display_name},
    )
    # The event's time, not the clock's: the chain keeps events strictly ordered, so every wrong
    # code before the unlock is older than this moment and no longer counts.
    signatory.code_locked_at, signatory.code_unlocked_at = None, unlocked.created_at
    signatory.save(update_fields=["code_locked_at", "code_unlocked_at", "updated_at"])
    _notify(agreement, [signatory.user], kinds.SIGNING_UNLOCKED, person=actor.display_name)
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
    _lock(agreement)
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
    _record(
        agreement,
        AgreementEvent.Action.SIGNED,
        actor=actor,
        detail={"version": version.number, "sha256": document_sha256, "name": typed_name},
        ip_address=ip_address,
        user_agent=user_agent,
    )
    progress = signing_progress(agreement)
    signed = sum(1 for row in progress if row.signature is not None)
    others = _members_of(agreement, exclude=actor)
    _notify(
        agreement,
        others,
        kinds.SIGNED_BY,
        person=actor.display_name,
        signed=signed,
        total=len(progress),
    )
    if not _complete_if_all_signed(agreement) and agreement.is_ordered:
        _notify_next(agreement)
    return signature


def _notify_next(agreement: Agreement) -> None:
    following = next((row for row in signing_progress(agreement) if row.signature is None), None)
    if following is not None:
        _notify(agreement, [following.signatory.user], kinds.YOUR_TURN)


def _complete_if_all_signed(agreement: Agreement) -> bool:
    """Every party has a signatory and every signatory has signed: signed, sealing queued."""
    progress = signing_progress(agreement)
    parties = set(agreement.parties.values_list("pk", flat=True))
    if not progress or any(row.signature is None for row in progress):
        return False
    if {row.signatory.party_id for row in progress} != parties:
        return False
    agreement.status, agreement.signed_at = Agreement.Status.SIGNED, timezone.now()
    agreement.save(update_fields=["status", "signed_at", "updated_at"])
    _record(agreement, AgreementEvent.Action.COMPLETED, detail={"signatures": len(progress)})
    transaction.on_commit(lambda: tasks.seal_agreement.delay(agreement_id=agreement.pk))
    return True


# --- sealing ----------------------------------------------------------------------------------


def seal_agreement(*, agreement: Agreement) -> Agreement:
    """Render the signed agreement, seal it with the platform's key, store the PDF. Idempotent."""
    from karvan.agreements.pdf import render_pdf
    from karvan.agreements.platform import get_sealing_key
    from karvan.agreements.rendering import build_document
    from karvan.agreements.sealing import seal_pdf, sha256_hex

    if agreement.status != Agreement.Status.SIGNED or agreement.is_sealed:
        return agreement
    document = build_document(agreement)
    sealed = seal_pdf(
        render_pdf(document),
        get_sealing_key(),
        reason=f"Karvan agreement {agreement.code}: signed by every party",
        location=settings.SITE_URL,
    )
    with transaction.atomic():
        locked = _lock(agreement)
        if locked.is_sealed:
            return locked
        name = locked.sealed_pdf.field.generate_filename(locked, f"{locked.code}.pdf")
        if locked.sealed_pdf.storage.exists(name):
            # Left by a run that stored the file and died before its commit: replaced, so the
            # agreement has one sealed PDF however many runs it took.
            locked.sealed_pdf.storage.delete(name)
        locked.sealed_pdf.save(f"{locked.code}.pdf", ContentFile(sealed), save=False)
        locked.sealed_sha256, locked.sealed_at = sha256_hex(sealed), timezone.now()
        locked.save(update_fields=["sealed_pdf", "sealed_sha256", "sealed_at", "updated_at"])
        _record(locked, AgreementEvent.Action.SEALED, detail={"sha256": locked.sealed_sha256})
        recipients = _members_of(locked)
        _notify(locked, recipients, kinds.COMPLETED)
    return locked
