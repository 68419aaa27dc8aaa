"""Demo agreements: a memorandum signed and sealed in Persian and Chinese, and one being signed.

Made through the agreements services like everything else in the scenario: each signatory is
issued a one-time code (`issue_signing_code`, the service that `request_signing_code` mails) and
signs with it, so nobody is e-mailed codes for signatures they did not make.
Loading again leaves agreements that exist alone.
"""

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from karvan.accounts.models import User
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.selectors import signing_document_sha256
from karvan.agreements.services.ceremony import hold_at_event_session, set_ceremony
from karvan.agreements.services.drafting import add_comment, create_agreement
from karvan.agreements.services.sealing import seal_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import issue_signing_code, send_for_signing, sign_agreement
from karvan.agreements.templates_data import load_agreement_templates
from karvan.demo.models import DemoRecord
from karvan.directory.models import Organisation
from karvan.events.models import Session

DATA_FILE = Path(__file__).resolve().parent / "data" / "agreements.json"
DEMO_IP_ADDRESS = "127.0.0.1"
DEMO_USER_AGENT = "Karvan demo loader"


def _recorded(key: str) -> Agreement | None:
    record = DemoRecord.objects.filter(key=key).first()
    return Agreement.objects.filter(pk=record.object_id).first() if record else None


def _record(key: str, agreement: Agreement) -> None:
    from django.contrib.contenttypes.models import ContentType

    DemoRecord.objects.update_or_create(
        key=key,
        defaults={
            "content_type": ContentType.objects.get_for_model(agreement),
            "object_id": agreement.pk,
        },
    )


def _organisation(key: str) -> Organisation:
    record = DemoRecord.objects.get(key=f"organisation:{key}")
    return Organisation.objects.get(pk=record.object_id)


def _sign(user: User, agreement: Agreement) -> None:
    _row, code = issue_signing_code(
        actor=user, agreement=agreement, ip_address=DEMO_IP_ADDRESS, user_agent=DEMO_USER_AGENT
    )
    sign_agreement(
        actor=user,
        agreement=agreement,
        code=code,
        typed_name=user.full_name,
        document_sha256=signing_document_sha256(agreement),
        ip_address=DEMO_IP_ADDRESS,
        user_agent=DEMO_USER_AGENT,
    )


def load_agreements(progress: Callable[[str], None] = lambda _message: None) -> dict[str, int]:
    """Create the demo agreements that do not exist yet; seal the signed one if needed."""
    load_agreement_templates(update=False)
    entries = json.loads(DATA_FILE.read_text(encoding="utf-8"))["agreements"]
    for entry in entries:
        key = f"agreement:{entry['key']}"
        agreement = _recorded(key)
        if agreement is None:
            agreement = _create(entry)
            _record(key, agreement)
            progress(f"agreement {agreement.code}: {agreement.status}")
        if agreement.status == Agreement.Status.SIGNED and not agreement.is_sealed:
            seal_agreement(agreement=agreement)
    return {"agreements": len(entries)}


def _create(entry: dict) -> Agreement:
    users = {email: User.objects.get(email=email) for email in entry["people"]}
    initiator = _organisation(entry["initiator"])
    partners = [_organisation(key) for key in entry["partners"]]
    agreement = create_agreement(
        actor=users[entry["created_by"]],
        initiator=initiator,
        partners=partners,
        languages=entry["languages"],
        prevailing_language=entry["prevailing_language"],
        template=AgreementTemplate.objects.get(key=entry["template"]),
        values=entry["values"],
        is_ordered=entry.get("is_ordered", False),
    )
    for comment in entry.get("comments", []):
        add_comment(
            actor=users[comment["by"]],
            agreement=agreement,
            body=comment["body"],
            language=comment["language"],
        )
    for signatory in entry["signatories"]:
        party = agreement.parties.get(organisation=_organisation(signatory["organisation"]))
        name_signatory(
            actor=users[signatory["named_by"]],
            agreement=agreement,
            party=party,
            user=users[signatory["email"]],
        )
    if "ceremony_in_days" in entry:
        starts = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
            days=entry["ceremony_in_days"]
        )
        set_ceremony(
            actor=users[entry["created_by"]],
            agreement=agreement,
            starts_at=starts,
            room_url=entry.get("room_url", ""),
        )
    if "ceremony_event" in entry:
        record = DemoRecord.objects.get(key=f"event:{entry['ceremony_event']}")
        session = Session.objects.filter(event_id=record.object_id).earliest("starts_at")
        hold_at_event_session(
            actor=users[entry["created_by"]], agreement=agreement, session_id=session.pk
        )
    send_for_signing(actor=users[entry["created_by"]], agreement=agreement)
    for signatory in entry["signatories"]:
        if signatory.get("signs"):
            _sign(users[signatory["email"]], agreement)
    agreement.refresh_from_db()
    return agreement
