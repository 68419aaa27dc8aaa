"""An agreement gathered into the PDF engine's plain data, labels in each of its languages."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from karvan.agreements.documents import pdf
from karvan.agreements.models import Agreement, AgreementEvent, AgreementVersion
from karvan.agreements.selectors import (
    current_version,
    hash_document,
    list_audit_entries,
    list_valid_signatures,
    party_of,
    signing_parties,
)

LANGUAGE_NAMES = {
    "fa": gettext_lazy("Persian"),
    "zh-hans": gettext_lazy("Chinese (simplified)"),
    "ar": gettext_lazy("Arabic"),
    "en": gettext_lazy("English"),
}
# Persian in the vendored Vazirmatn; Arabic and Chinese in Debian's Noto fonts (fonts-noto-core,
# fonts-noto-cjk), whose full character maps keep the text searchable and copyable in the PDF.
FONT_FILES = (("Karvan Vazirmatn", "vendor/fonts/vazirmatn/vazirmatn-arabic-400-normal.woff2"),)


def _labels() -> dict[str, str]:
    return {
        "agreement": _("Text"),
        "parties": _("Parties"),
        "prevailing": _("Prevailing language"),
        "version": _("Version"),
        "signatures": _("Signatures"),
        "audit_trail": _("Audit trail"),
        "signed_by": _("Signed by"),
        "signed_at": _("Signed at"),
        "not_signed": _("Not signed yet."),
        "document_hash": _("SHA-256 of the signed document"),
        "ip_address": _("IP address"),
        "user_agent": _("Browser"),
        "verification": _("Verification code"),
        "verify_at": _("Check this document at"),
        "page": _("Page"),
        "event_hash": _("Event hash"),
    }


def prevailing_note(language: str, prevailing: str) -> str:
    with translation.override(language):
        return _(
            "In case of any difference between the versions, the %(language)s text prevails."
        ) % {"language": str(LANGUAGE_NAMES.get(prevailing, prevailing))}


def font_faces() -> tuple[tuple[str, Path], ...]:
    faces = []
    for family, relative in FONT_FILES:
        found = finders.find(relative)
        if found:
            faces.append((family, Path(str(found))))
    return tuple(faces)


def verify_url(agreement: Agreement) -> str:
    return f"{settings.SITE_URL}{reverse('agreements:verify_code', args=[agreement.code])}"


def _event_action(event: AgreementEvent, languages: list[str]) -> str:
    names = []
    for language in languages:
        with translation.override(language):
            names.append(str(AgreementEvent.Action(event.action).label))
    return " · ".join(dict.fromkeys(names))


def _event_detail(event: AgreementEvent) -> str:
    detail = event.detail or {}
    parts = [f"{key}={detail[key]}" for key in sorted(detail)]
    if event.ip_address:
        parts.append(f"ip={event.ip_address}")
    return ", ".join(parts)


def preview_mark(agreement: Agreement) -> str:
    """ "Draft, not signed" in each language of the agreement, for an unsealed preview."""
    marks = []
    for language in agreement.languages:
        with translation.override(language):
            marks.append(_("Preview: not signed, not valid"))
    return " · ".join(dict.fromkeys(marks))


def build_document(
    agreement: Agreement, version: AgreementVersion | None = None, *, watermark: str = ""
) -> pdf.AgreementDocument:
    version = version or current_version(agreement)
    languages = list(agreement.languages)
    labels = {}
    for language in {*languages, "en"}:
        with translation.override(language):
            labels[language] = _labels()
    snapshot = signing_parties(agreement)
    parties = [
        pdf.Party(
            name=str(party["name"]),
            name_language=str(party["name_language"]),
            country=str(party["country"]),
            registry_id=str(party.get("registry_id", "")),
        )
        for party in snapshot
    ]
    signatures = []
    for signature in list_valid_signatures(agreement):
        covered = party_of(signature.parties or snapshot, signature.organisation_id)
        membership = signature.organisation.memberships.filter(user=signature.user).first()
        signatures.append(
            pdf.Signature(
                party=str(covered.get("name", "")),
                party_language=str(covered.get("name_language", "")),
                person=signature.user.display_name,
                typed_name=signature.typed_name,
                title=membership.title if membership else "",
                signed_at=signature.signed_at,
                ip_address=signature.ip_address or "",
                user_agent=signature.user_agent,
                document_sha256=signature.document_sha256,
                drawing_png=bytes(signature.drawing) if signature.drawing else None,
            )
        )
    audit = [
        pdf.AuditEntry(
            at=event.created_at,
            actor=event.actor_name,
            action=_event_action(event, languages),
            detail=_event_detail(event),
            event_hash=event.event_hash,
        )
        for event in list_audit_entries(agreement)
    ]
    return pdf.AgreementDocument(
        code=agreement.code,
        titles=dict(version.title),
        texts=dict(version.texts),
        languages=languages,
        prevailing_language=agreement.prevailing_language,
        prevailing_note={
            language: prevailing_note(language, agreement.prevailing_language)
            for language in languages
        },
        parties=parties,
        version=version.number,
        document_sha256=hash_document(agreement, version, snapshot),
        verify_url=verify_url(agreement),
        labels=labels,
        signatures=signatures,
        audit=audit,
        issuer=settings.KARVAN_SIGNING_ORGANISATION,
        font_faces=font_faces(),
        watermark=watermark,
    )
