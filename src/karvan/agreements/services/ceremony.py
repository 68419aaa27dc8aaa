"""The signing ceremony: planned by the parties, or held at an event's signing-ceremony session."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction

from karvan.accounts.models import User
from karvan.agreements.errors import NotACeremonySessionError, NotDraftError
from karvan.agreements.models import Agreement
from karvan.agreements.permissions import can_send_agreement
from karvan.core.errors import NotAllowedError
from karvan.events.selectors import list_ceremony_sessions


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
