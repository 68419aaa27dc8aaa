"""Reading agreements as a given viewer may: an agreement the viewer may not see does not exist."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import JSONField, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from karvan.accounts.http import Viewer
from karvan.agreements.documents.canonical import (
    PLACEHOLDER,
    DiffLine,
    diff_texts,
    document_sha256,
    is_chain_intact,
)
from karvan.agreements.errors import SignatoriesMissingError, UnresolvedPlaceholderError
from karvan.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementTemplate,
    AgreementVersion,
    Comment,
    Signatory,
    Signature,
)
from karvan.agreements.permissions import PARTNER_REFUSED_VERIFICATIONS
from karvan.core.errors import DomainError
from karvan.core.text import localize
from karvan.directory import memberships
from karvan.directory.models import Organisation

CODE_SHAPE = re.compile(r"[A-Za-z0-9-]{1,16}", re.ASCII)


def list_templates() -> QuerySet[AgreementTemplate]:
    """The templates offered for new agreements."""
    return AgreementTemplate.objects.filter(is_active=True)


def _with_current_title(rows: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Each agreement with its current version's title, read with the list for `display_title`
    (one query, not one per row)."""
    latest = AgreementVersion.objects.filter(agreement=OuterRef("pk")).order_by("-number")
    return rows.annotate(
        current_title=Subquery(latest.values("title")[:1], output_field=JSONField())
    )


def list_possible_partners() -> QuerySet[Organisation]:
    """The organisations an agreement may be made with (`permissions.can_be_partner`)."""
    return Organisation.objects.exclude(verification__in=PARTNER_REFUSED_VERIFICATIONS)


def list_agreements(
    *, viewer: Viewer, signed_only: bool = False, status: str = ""
) -> QuerySet[Agreement]:
    """The agreements of the viewer's organisations (all of them for the center's staff)."""
    rows = Agreement.objects.all()
    if not (viewer.is_authenticated and viewer.is_staff):
        if not viewer.is_authenticated:
            return rows.none()
        mine = memberships.organisation_ids_of(viewer)
        rows = rows.filter(parties__organisation_id__in=mine).distinct()
    if signed_only:
        rows = rows.filter(status=Agreement.Status.SIGNED)
    if status:
        rows = rows.filter(status=status)
    return _with_current_title(rows).prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation"))
    )


def list_all_agreements(*, signed_only: bool = False) -> QuerySet[Agreement]:
    """Every agreement, for the operator's commands (no viewer: run on the server)."""
    rows = Agreement.objects.all()
    if signed_only:
        rows = rows.filter(status=Agreement.Status.SIGNED)
    return rows.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation"))
    ).order_by("created_at", "pk")


def _is_code_shaped(code: str) -> bool:
    """Letters, digits and dashes only: anything else (a NUL byte, which PostgreSQL refuses in a
    query, or a megabyte of text) cannot be a verification code and is not looked up."""
    return bool(CODE_SHAPE.fullmatch(code.strip()))


def get_agreement(*, viewer: Viewer, code: str) -> Agreement:
    """The agreement with this verification code, if the viewer may see it; raises
    Agreement.DoesNotExist otherwise (also for a string that cannot be a code)."""
    if not _is_code_shaped(code):
        raise Agreement.DoesNotExist
    return list_agreements(viewer=viewer).get(code=code.strip().upper())


def find_sealed_agreement(*, code: str) -> Agreement | None:
    """A signed agreement by its verification code, for the public verification page."""
    if not _is_code_shaped(code):
        return None
    return (
        Agreement.objects.filter(
            code=code.strip().upper(), status=Agreement.Status.SIGNED, sealed_at__isnull=False
        )
        .prefetch_related("parties__organisation")
        .first()
    )


def current_version(agreement: Agreement) -> AgreementVersion:
    """The agreement's latest version (every agreement has at least one)."""
    return agreement.versions.order_by("-number").select_related("author").first()  # type: ignore[return-value]


def list_versions(agreement: Agreement) -> QuerySet[AgreementVersion]:
    """Every version of the text, newest first."""
    return agreement.versions.select_related("author").order_by("-number")


def list_comments(agreement: Agreement) -> QuerySet[Comment]:
    """The comments and proposed changes, with their authors and versions."""
    return agreement.comments.select_related("author", "organisation", "version")


def list_signatories(agreement: Agreement) -> QuerySet[Signatory]:
    """The signatories with their valid (not voided) signatures prefetched."""
    return agreement.signatories.select_related("user", "party__organisation").prefetch_related(
        Prefetch(
            "signatures",
            queryset=Signature.objects.filter(voided_at__isnull=True),
            to_attr="valid_signatures",
        )
    )


def list_audit_entries(agreement: Agreement) -> QuerySet[AgreementEvent]:
    """The agreement's audit trail (its chained `AgreementEvent` rows), oldest first."""
    return agreement.events.order_by("created_at", "pk")


def audit_entry_payload(event: AgreementEvent) -> dict[str, object]:
    """What an audit entry's hash covers (with the previous event's hash), from its row."""
    return {
        "agreement": event.agreement.code,
        "action": event.action,
        "actor": event.actor_name,
        "at": event.created_at.isoformat(),
        "detail": dict(event.detail or {}),
        "ip": event.ip_address or "",
        "user_agent": event.user_agent,
    }


def is_audit_trail_intact(agreement: Agreement) -> bool:
    """Recompute the chain of the agreement's audit events: no event changed, removed or added."""
    events = list(list_audit_entries(agreement).select_related("agreement"))
    return is_chain_intact(
        [(e.previous_hash, e.event_hash, audit_entry_payload(e)) for e in events]
    )


def list_valid_signatures(agreement: Agreement) -> QuerySet[Signature]:
    """The signatures that count: those not voided by a later change of the text."""
    return agreement.signatures.filter(voided_at__isnull=True).select_related(
        "user", "organisation", "signatory__party"
    )


@dataclass(frozen=True)
class ProgressRow:
    signatory: Signatory
    signature: Signature | None
    is_next: bool


def list_signing_progress(agreement: Agreement) -> list[ProgressRow]:
    """Each signatory in order, whether they have signed, and who may sign next."""
    signatures = {row.signatory_id: row for row in list_valid_signatures(agreement)}
    rows = []
    next_found = False
    for signatory in list_signatories(agreement):
        signature = signatures.get(signatory.pk)
        is_next = False
        if signature is None and agreement.status == Agreement.Status.SIGNING:
            is_next = not agreement.is_ordered or not next_found
            next_found = True
        rows.append(ProgressRow(signatory=signatory, signature=signature, is_next=is_next))
    return rows


def signatory_of(*, viewer: Viewer, agreement: Agreement) -> Signatory | None:
    """The viewer's signatory row on this agreement, or None when they do not sign it."""
    if not viewer.is_authenticated:
        return None
    return agreement.signatories.filter(user=viewer).select_related("party__organisation").first()


def diff_versions(
    agreement: Agreement, old_number: int, new_number: int
) -> dict[str, list[DiffLine]]:
    """Language → line diff from one version to another (raises DoesNotExist for a bad number)."""
    old = agreement.versions.get(number=old_number)
    new = agreement.versions.get(number=new_number)
    languages = list(dict.fromkeys([*agreement.languages, *old.texts, *new.texts]))
    return {
        language: diff_texts(old.texts.get(language, ""), new.texts.get(language, ""))
        for language in languages
        if old.texts.get(language) or new.texts.get(language)
    }


def proposal_diffs(comments: Iterable[Comment]) -> dict[int, dict[str, list[DiffLine]]]:
    """For each proposed change among these comments (by its pk): language → line diff from the
    text it was proposed on to the proposed text."""
    return {
        comment.pk: {
            language: diff_texts(comment.version.texts.get(language, ""), text)
            for language, text in comment.proposed_texts.items()
        }
        for comment in comments
        if comment.proposed_texts
    }


def list_ceremony_agreements(*, viewer: Viewer, session_ids: Iterable[int]) -> QuerySet[Agreement]:
    """The agreements to be signed during these event sessions that the viewer may read."""
    return list_agreements(viewer=viewer).filter(ceremony_session_id__in=list(session_ids))


def signing_locked_until(signatory: Signatory) -> datetime.datetime | None:
    """When signing unlocks by itself for a signatory locked out by wrong codes; None if open."""
    if signatory.code_locked_at is None:
        return None
    until = signatory.code_locked_at + datetime.timedelta(hours=settings.KARVAN_SIGNING_LOCK_HOURS)
    return until if until > timezone.now() else None


def count_code_failures(signatory: Signatory) -> int:
    """Wrong codes the signatory entered for this agreement in the counting window: the last 24
    hours, and only since the last lock or unlock."""
    now = timezone.now()
    since = max(
        moment
        for moment in (
            now - datetime.timedelta(hours=24),
            signatory.code_locked_at,
            signatory.code_unlocked_at,
        )
        if moment is not None
    )
    return AgreementEvent.objects.filter(
        agreement_id=signatory.agreement_id,
        action=AgreementEvent.Action.CODE_FAILED,
        actor_id=signatory.user_id,
        created_at__gt=since,
    ).count()


def snapshot_parties(agreement: Agreement) -> list[dict[str, object]]:
    """Every party's identity as it stands now: what a signature covers and the PDF prints.

    The one place that reads the organisations' identity for signing: the name in the party's
    language as it is shown (with every language's version and the original language), the
    country and the registry identifier.
    """
    snapshot = []
    for party in agreement.parties.select_related("organisation").order_by("position", "pk"):
        organisation = party.organisation
        name, name_language = localize(
            organisation.name, party.language, original=organisation.original_language
        )
        snapshot.append(
            {
                "organisation_id": organisation.pk,
                "position": party.position,
                "name": name,
                "name_language": name_language,
                "names": dict(organisation.name),
                "original_language": organisation.original_language,
                "country": organisation.country,
                "registry_id": organisation.registry_id,
            }
        )
    return snapshot


def signing_parties(agreement: Agreement) -> list[dict[str, object]]:
    """The parties' identity the current round of signatures covers: the snapshot taken at its
    first signature (every later signatory signs the same document), or, before anyone has
    signed, the identity as it stands now."""
    signed = agreement.signatures.filter(voided_at__isnull=True).order_by("signed_at", "pk")
    for parties in signed.values_list("parties", flat=True):
        if parties:  # signatures from before snapshots were kept have none
            return list(parties)
    return snapshot_parties(agreement)


def hash_document(
    agreement: Agreement, version: AgreementVersion, parties: list[dict[str, object]]
) -> str:
    """The SHA-256 of the canonical document: this version's text and these parties."""
    return document_sha256(
        code=agreement.code,
        version=version.number,
        parties=parties,
        languages=list(agreement.languages),
        prevailing_language=agreement.prevailing_language,
        titles=dict(version.title),
        texts=dict(version.texts),
    )


def signing_document_sha256(agreement: Agreement) -> str:
    """What a signatory signs now: the current version with the signing round's parties."""
    return hash_document(agreement, current_version(agreement), signing_parties(agreement))


def party_of(parties: list[dict[str, object]], organisation_id: int) -> dict[str, object]:
    """One party's entry in a snapshot (empty when the snapshot has none for it)."""
    return next((p for p in parties if p.get("organisation_id") == organisation_id), {})


def list_agreements_to_sign(*, viewer: Viewer) -> list[Agreement]:
    """Agreements out for signature where the viewer is a signatory whose turn it is and who has
    not signed yet (in a signing order, only once the signatories before them have signed)."""
    if not viewer.is_authenticated:
        return []
    rows = _with_current_title(
        Agreement.objects.filter(status=Agreement.Status.SIGNING, signatories__user_id=viewer.pk)
        .distinct()
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation"))
        )
        .order_by("sent_at", "pk")
    )
    return [
        agreement
        for agreement in rows
        if any(
            row.is_next and row.signatory.user_id == viewer.pk
            for row in list_signing_progress(agreement)
        )
    ]


def is_held_for_compliance(agreement: Agreement) -> bool:
    """A party or a signatory is held by the compliance screening (under review or matched)."""
    return (
        agreement.parties.exclude(organisation__compliance_hold="").exists()
        or agreement.signatories.exclude(user__compliance_hold="").exists()
    )


def unresolved_placeholders(agreement: Agreement) -> list[str]:
    """The `{placeholders}` left in the current title or text, in any of its languages."""
    version = current_version(agreement)
    found: dict[str, None] = {}
    for language in agreement.languages:
        for text in (version.title.get(language, ""), version.texts.get(language, "")):
            found.update(dict.fromkeys(PLACEHOLDER.findall(text)))
    return list(found)


def list_send_blockers(agreement: Agreement) -> list[DomainError]:
    """Why the text cannot go out for signing yet: a party without a signatory, a blank left in
    the text (empty when nothing stands in the way)."""
    blockers: list[DomainError] = []
    missing = [
        party.organisation.display_name
        for party in agreement.parties.select_related("organisation")
        if not party.signatories.exists()
    ]
    if missing:
        blockers.append(SignatoriesMissingError(parties=", ".join(missing)))
    if placeholders := unresolved_placeholders(agreement):
        blockers.append(
            UnresolvedPlaceholderError(
                placeholders=", ".join(f"{{{name}}}" for name in placeholders)
            )
        )
    return blockers
