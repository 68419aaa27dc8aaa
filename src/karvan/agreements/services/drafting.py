"""Drafting an agreement: start it, revise its text, comment and propose changes, cancel it."""

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from karvan.accounts.models import User
from karvan.agreements import notifications as kinds
from karvan.agreements.documents.canonical import fill_placeholders
from karvan.agreements.errors import (
    LanguageNeededError,
    LockedError,
    NotDraftError,
    NotProposalError,
    PlaceholderTextPerLanguageError,
    PlaceholderValueMissingError,
    TextNeededError,
    TwoPartiesNeededError,
    UnknownOrganisationError,
)
from karvan.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementParty,
    AgreementTemplate,
    AgreementVersion,
    Comment,
)
from karvan.agreements.permissions import (
    can_be_partner,
    can_edit_agreement,
    can_revise_agreement,
    can_send_agreement,
    can_start_agreement_for,
)
from karvan.agreements.selectors import current_version, hash_document, snapshot_parties
from karvan.agreements.services._support import (
    lock_agreement,
    notify_parties,
    people_to_tell,
    record_entry,
)
from karvan.core.calendars import default_calendar, format_date, localize_digits
from karvan.core.digits import normalize_number
from karvan.core.errors import NotAllowedError
from karvan.core.text import CONTENT_LANGUAGES, localize
from karvan.directory import memberships
from karvan.directory.models import Organisation


def _hash_version(agreement: Agreement, number: int, title: Mapping, texts: Mapping) -> str:
    """A new version's fingerprint: its text with the parties' identity as it stands now."""
    version = AgreementVersion(number=number, title=dict(title), texts=dict(texts))
    return hash_document(agreement, version, snapshot_parties(agreement))


PlaceholderValue = str | datetime.date | int | Decimal | Mapping[str, str]


def _values_in(values: Mapping[str, PlaceholderValue], language: str) -> dict[str, str]:
    """Placeholder values for one language. A mapping of language to text gives each language its
    own words, and a language it lacks keeps the `{placeholder}` visible (never another
    language's words); a date is written in the language's calendar and a number in its digits;
    a plain string (a code, a figure) serves every language as it is."""
    picked = {}
    for name, value in values.items():
        if isinstance(value, Mapping):
            text = value.get(language, "")
        elif isinstance(value, datetime.date):
            with translation.override(language):
                text = format_date(value, calendar=default_calendar(language))
        elif isinstance(value, int | Decimal):
            text = localize_digits(str(value), language)
            if language.split("-")[0] in {"fa", "ar"}:
                text = text.replace(".", "٫")  # ۲٫۵, not ۲.۵
        else:
            text = value
        if isinstance(text, str) and text.strip():
            picked[name] = text.strip()
    return picked


_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _language_label(code: str) -> str:
    from karvan.agreements.documents.rendering import LANGUAGE_NAMES

    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def _one_value(text: str) -> PlaceholderValue:
    """A value given once for every language: an ISO date ("2026-12-08") becomes a date and a
    number ("3", "۲٫۵") a number, each then written per language by `_values_in`; other text
    stays text."""
    typed = normalize_number(text)
    if _ISO_DATE.fullmatch(typed):
        try:
            return datetime.date.fromisoformat(typed)
        except ValueError:
            return text
    if _NUMBER.fullmatch(typed):
        return Decimal(typed) if "." in typed else int(typed)
    return text


def resolve_placeholder_values(
    values: Mapping[str, PlaceholderValue], languages: Sequence[str]
) -> dict[str, PlaceholderValue]:
    """The placeholder values of an agreement in `languages`, checked by one rule for the page and
    the API: a text comes per language and, once given, in every one of them (no language's
    words stand in for another's); one value for all of them is a date or a number (written in
    each language's calendar and digits), or any text in a one-language agreement.

    Raises PlaceholderValueMissingError or PlaceholderTextPerLanguageError, naming the placeholder
    and the language."""
    resolved: dict[str, PlaceholderValue] = {}
    for name, value in values.items():
        if isinstance(value, str):
            if not value.strip():
                continue
            value = _one_value(value.strip())
            if isinstance(value, str) and len(languages) > 1:
                raise PlaceholderTextPerLanguageError(
                    field="values",
                    placeholder=name,
                    languages=", ".join(_language_label(code) for code in languages),
                    language=languages[0],
                )
        elif isinstance(value, Mapping):
            texts = {code: str(value.get(code) or "").strip() for code in languages}
            if not any(texts.values()):
                continue
            for code, text in texts.items():
                if not text:
                    raise PlaceholderValueMissingError(
                        field="values",
                        placeholder=name,
                        language=_language_label(code),
                        language_code=code,
                    )
            value = texts
        resolved[name] = value
    return resolved


def _same_text(text: str) -> str:
    """A text as compared for a change: line endings and surrounding space do not count."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _clean_texts(languages: Sequence[str], texts: Mapping[str, str] | None) -> dict[str, str]:
    cleaned = {lang: (texts or {}).get(lang, "").strip() for lang in languages}
    if not all(cleaned.values()):
        raise TextNeededError(field="texts")
    return cleaned


def _actor_party(actor: User, agreement: Agreement) -> AgreementParty:
    mine = memberships.organisation_ids_of(actor)
    party = agreement.parties.filter(organisation_id__in=mine).select_related("organisation")
    found = party.first()
    if found is None:
        raise NotAllowedError()
    return found


@transaction.atomic
def create_agreement(
    *,
    actor: User,
    initiator: Organisation,
    partners: Sequence[Organisation],
    languages: Sequence[str],
    prevailing_language: str,
    template: AgreementTemplate | None = None,
    values: Mapping[str, PlaceholderValue] | None = None,
    title: Mapping[str, str] | None = None,
    texts: Mapping[str, str] | None = None,
    kind: str = AgreementKind.OTHER,
    is_ordered: bool = False,
) -> Agreement:
    """Start an agreement between the actor's organisation and one or more others."""
    if not can_start_agreement_for(actor, initiator.pk):
        raise NotAllowedError()
    others = list({org.pk: org for org in partners if org.pk != initiator.pk}.values())
    if not all(can_be_partner(org) for org in others):
        raise UnknownOrganisationError(field="partners")
    if not others:
        raise TwoPartiesNeededError(field="partners")
    languages = list(dict.fromkeys(lang for lang in languages if lang in CONTENT_LANGUAGES))
    if not languages or prevailing_language not in languages:
        raise LanguageNeededError(field="languages")
    values = resolve_placeholder_values(values or {}, languages) if template else {}
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
    record_entry(agreement, AgreementEvent.Action.CREATED, actor=actor, detail={"version": 1})
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
    record_entry(
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
    record_entry(agreement, AgreementEvent.Action.VOIDED, actor=actor, detail={"voided": voided})
    # Every party is told: its managers and signatories, and any named signatory besides.
    signatories = [signatory.user for signatory in agreement.signatories.select_related("user")]
    recipients = {user.pk: user for user in [*people_to_tell(agreement), *signatories]}
    recipients.pop(actor.pk, None)
    notify_parties(
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
    lock_agreement(agreement)
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
    # The proposal form starts from the current text: a language left as it is proposes nothing.
    current = current_version(agreement).texts
    proposal = {
        lang: text.strip()
        for lang, text in (proposed_texts or {}).items()
        if lang in agreement.languages
        and text
        and text.strip()
        and _same_text(text) != _same_text(current.get(lang, ""))
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
    record_entry(agreement, action, actor=actor, detail={"comment": comment.pk})
    recipients = people_to_tell(agreement, exclude=actor)
    notify_parties(
        agreement, recipients, kinds.COMMENTED, person=actor.display_name, excerpt=body[:140]
    )
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
def cancel_agreement(*, actor: User, agreement: Agreement) -> Agreement:
    """A party's manager cancels a draft or an agreement out for signature; any signatures are
    voided. Raises NotAllowedError, or NotDraftError once it is signed or cancelled."""
    if not can_send_agreement(actor, agreement):
        raise NotAllowedError()
    lock_agreement(agreement)
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    agreement.signatures.filter(voided_at__isnull=True).update(voided_at=timezone.now())
    agreement.status = Agreement.Status.CANCELLED
    agreement.save(update_fields=["status", "updated_at"])
    record_entry(agreement, AgreementEvent.Action.CANCELLED, actor=actor)
    return agreement
