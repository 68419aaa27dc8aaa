"""What the services of every sub-domain share."""

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.events.models import Event
from karvan.events.permissions import is_organiser


def require_organiser(actor: User, event: Event) -> None:
    """Raise NotAllowedError unless the actor organises the event."""
    if not is_organiser(actor, event):
        raise NotAllowedError()
