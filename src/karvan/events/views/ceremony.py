"""A signing ceremony's programme on the event's page: the agreements on each of its sessions."""

from collections.abc import Iterable

from django.http import HttpRequest

from karvan.agreements.models import Agreement
from karvan.agreements.selectors import list_ceremony_agreements
from karvan.events.models import Session


def ceremony_agreements(
    request: HttpRequest, sessions: Iterable[Session]
) -> dict[int, list[Agreement]]:
    """The agreements on the ceremony's programme that the viewer may read, by session."""
    return {
        session.pk: list(list_ceremony_agreements(viewer=request.user, session_id=session.pk))
        for session in sessions
    }
