"""Signals offered to every app, sent explicitly by the services that own the change.

`identity_changed` — sent by a service, after its transaction commits, when what identifies an
organisation or a person changed, or a person took a role in which who they are matters:
- `directory.services`: an organisation registered, its name, country or registry identifier
  changed (directly, or by staff approving a change of identity); keyword `organisation_id`;
  a person made an owner of an organisation; keyword `user_id`;
- `accounts.services`: a person's full name changed; keyword `user_id`;
- `agreements.services`: a person named signatory of an agreement; keyword `user_id`.
Receivers get `sender` (the sending module's name) and exactly one of `organisation_id` or
`user_id`. The compliance screening connects to it in its `AppConfig.ready()`; the senders do not
know who listens, so that directory, accounts and agreements never import compliance.
"""

from django.db import transaction
from django.dispatch import Signal

identity_changed = Signal()


def send_identity_changed_on_commit(
    sender: str, *, organisation_id: int | None = None, user_id: int | None = None
) -> None:
    """Send `identity_changed` once the current transaction commits (at once outside one)."""
    if organisation_id is not None:
        transaction.on_commit(
            lambda: identity_changed.send(sender=sender, organisation_id=organisation_id)
        )
    elif user_id is not None:
        transaction.on_commit(lambda: identity_changed.send(sender=sender, user_id=user_id))
