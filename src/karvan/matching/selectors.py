"""Reading the store: the thresholds the product shows matches from, and stored vectors' state."""

import numpy as np
from django.conf import settings

from karvan.matching.engine import DEFAULT_SETTINGS
from karvan.matching.models import StoredVector


def shown_threshold() -> float:
    """The score from which a match is shown: `KARVAN_MATCH_THRESHOLD`, else the engine's
    calibrated default. Fewer matches than asked, or none, are shown when fewer are good."""
    value = getattr(settings, "KARVAN_MATCH_THRESHOLD", None)
    return DEFAULT_SETTINGS.shown_threshold if value is None else float(value)


def search_threshold() -> float:
    """The score from which a free-text search hit is kept (the engine's calibrated default)."""
    return DEFAULT_SETTINGS.search_threshold


def is_alert_pending(*, kind: str, key: str) -> bool:
    """Whether a document is stored and its new-match alerts have not been sent."""
    return StoredVector.objects.filter(kind=kind, key=key, alerted_at__isnull=True).exists()


def get_stored_vector(*, kind: str, key: str) -> np.ndarray | None:
    """A live document's stored vector, or None."""
    row = StoredVector.objects.filter(kind=kind, key=key, is_active=True).first()
    if row is None or not row.vector:
        return None
    return np.frombuffer(bytes(row.vector), dtype=np.float32)
