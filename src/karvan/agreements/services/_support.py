"""What the agreement services share: the audit trail's append, the row lock, telling the parties.

Private to `karvan.agreements.services`: views, the API and other apps call the services.
"""

import datetime
from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils import timezone

from karvan.accounts.models import User
from karvan.agreements.documents.canonical import chain_hash
from karvan.agreements.models import Agreement, AgreementEvent
from karvan.agreements.selectors import audit_entry_payload, current_version
from karvan.directory import memberships
from karvan.notifications.services import notify


def record_entry(
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
    event.event_hash = chain_hash(previous_hash, audit_entry_payload(event))
    event.save()
    return event


def people_to_tell(agreement: Agreement, *, exclude: User | None = None) -> list[User]:
    """The parties' owners, administrators and signatories, active, each once (not `exclude`)."""
    people = memberships.people_of(
        agreement.parties.values_list("organisation_id", flat=True),
        roles={*memberships.MANAGER_ROLES, *memberships.SIGNING_ROLES},
    )
    return [
        person
        for person in people
        if person.is_active and (exclude is None or person.pk != exclude.pk)
    ]


def _params(agreement: Agreement, **extra: object) -> dict[str, object]:
    title = current_version(agreement).title
    return {"agreement": {**dict(title), "en": title.get("en") or agreement.code}, **extra}


def agreement_url(agreement: Agreement) -> str:
    """The agreement's page, where notifications and e-mails lead."""
    return reverse("agreements:detail", args=[agreement.code])


def notify_parties(
    agreement: Agreement, recipients: Sequence[User], kind: str, **params: object
) -> None:
    """Notify these people about the agreement (nothing when there is nobody to tell)."""
    if recipients:
        notify(
            recipients=recipients,
            kind=kind,
            params=_params(agreement, **params),
            url=agreement_url(agreement),
        )


def lock_agreement(agreement: Agreement) -> Agreement:
    """Lock the agreement's row for this transaction and refresh the caller's instance."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).exists()
    agreement.refresh_from_db()
    return agreement
