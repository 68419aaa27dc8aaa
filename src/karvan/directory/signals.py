"""Signals the directory offers to the apps above it, which connect in `AppConfig.ready()`."""

from django.dispatch import Signal

public_identity_changed = Signal()
"""What others see of an organisation changed (its name, country or registry identifier).

Sent with `organisation` (the `Organisation`, saved) by the directory's services inside the
transaction that changed it, once the change is public: an unverified organisation's edit, or
the staff's approval of a verified one's new identity. A receiver that writes joins that
transaction, so a rollback undoes both. Opportunities sends its reviewed listings back to review.
(Compliance screening listens to `core.signals.identity_changed`, sent after the commit.)
"""
