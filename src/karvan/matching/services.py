"""Keeping the stored vectors current: what every kind of document's indexing calls.

The owning app decides what a document is and when it changes (`opportunities.matching`,
`knowledge.indexing`); these services embed only the texts that changed, write only the rows that
changed (so no index re-reads the others), leave tombstones for deleted documents and hand the
rows to the store in use (`stores.current_store`).
"""

import hashlib
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from karvan.matching.documents import Document, listing_fields
from karvan.matching.index_cache import REMOVAL_RETENTION, get_embedder
from karvan.matching.models import StoredVector, VectorRemoval
from karvan.matching.results import bump_index_version
from karvan.matching.stores import current_store

# Texts embedded together: about three times less work per text than one by one.
EMBEDDING_BATCH = 16


def text_hash(text: str) -> str:
    """What decides whether a stored vector still fits a text: its words and the model."""
    return hashlib.sha256(f"{settings.KARVAN_EMBEDDER}\n{text}".encode()).hexdigest()


def _embed(texts: dict[str, str], progress: Callable[[str], None] | None) -> dict[str, bytes]:
    keys = list(texts)
    vectors: dict[str, bytes] = {}
    for start in range(0, len(keys), EMBEDDING_BATCH):
        batch = keys[start : start + EMBEDDING_BATCH]
        embedded = get_embedder().embed_passages([texts[key] for key in batch])
        for key, vector in zip(batch, embedded, strict=True):
            vectors[key] = vector.astype(np.float32).tobytes()
        if progress is not None:
            progress(f"embedded {min(start + EMBEDDING_BATCH, len(keys))}/{len(keys)}")
    return vectors


@transaction.atomic
def store_documents(
    *,
    kind: str,
    documents: Sequence[Document],
    withdrawn: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> dict[str, StoredVector]:
    """Store the vectors of `documents` and mark the `withdrawn` keys inactive; return the rows.

    Texts whose words and model are unchanged keep their vector; the others are embedded in
    batches, reporting progress. A row whose vector, fields and state are all unchanged is not
    written, so no process's index reads it again.
    """
    now = timezone.now()
    keys = [document.key for document in documents] + list(withdrawn)
    existing = {row.key: row for row in StoredVector.objects.filter(kind=kind, key__in=keys)}
    hashes = {document.key: text_hash(document.text) for document in documents}
    to_embed = {
        document.key: document.text
        for document in documents
        if not (
            (row := existing.get(document.key)) is not None
            and row.text_hash == hashes[document.key]
            and row.model == settings.KARVAN_EMBEDDER
            and row.vector
        )
    }
    embedded = _embed(to_embed, progress)
    changed: list[StoredVector] = []
    for document in documents:
        row = existing.get(document.key) or StoredVector(kind=kind, key=document.key)
        wanted = {
            "vector": embedded.get(document.key) or bytes(row.vector),
            "model": settings.KARVAN_EMBEDDER,
            "text_hash": hashes[document.key],
            "document": listing_fields(document.listing),
            "expires_on": document.expires_on,
            "is_active": True,
        }
        if row.pk is None or any(
            value != (bytes(getattr(row, name)) if name == "vector" else getattr(row, name))
            for name, value in wanted.items()
        ):
            for name, value in wanted.items():
                setattr(row, name, value)
            changed.append(row)
        existing[document.key] = row
    for key in withdrawn:
        row = existing.get(key)
        if row is not None and row.is_active:
            row.is_active = False
            changed.append(row)
    for row in changed:
        row.indexed_at = now
        row.save()
    if changed:
        current_store().store_vectors(kind, changed)
        transaction.on_commit(partial(bump_index_version, kind))
    return {key: existing[key] for key in keys if key in existing}


@transaction.atomic
def remove_documents(*, kind: str, keys: Sequence[str]) -> int:
    """Delete the vectors of documents that no longer exist, leaving a tombstone for every
    process's index (in this transaction: a rolled-back deletion leaves none); return how many."""
    rows = StoredVector.objects.filter(kind=kind, key__in=[str(key) for key in keys])
    stored = list(rows.values_list("key", flat=True))
    if not stored:
        return 0  # never indexed (a draft): no index holds it
    rows.delete()
    now = timezone.now()
    VectorRemoval.objects.bulk_create(
        [VectorRemoval(kind=kind, key=key, removed_at=now) for key in stored]
    )
    current_store().remove(kind, stored)
    transaction.on_commit(partial(bump_index_version, kind))
    return len(stored)


def claim_alert(*, kind: str, key: str) -> bool:
    """Mark a document's new-match alerts as sent; False when they were already (or it is gone).

    Called in the transaction that writes the alerts, so a task delivered twice alerts once.
    """
    pending = StoredVector.objects.filter(kind=kind, key=key, alerted_at__isnull=True)
    return bool(pending.update(alerted_at=timezone.now()))


def drop_expired_vectors() -> int:
    """Mark the vectors of documents that expired since they were indexed; return how many.

    Also prunes the tombstones of deleted documents that every running index has read by now.
    """
    now = timezone.now()
    VectorRemoval.objects.filter(removed_at__lt=now - REMOVAL_RETENTION).delete()
    expired = StoredVector.objects.filter(is_active=True, expires_on__lt=timezone.localdate())
    kinds = set(expired.values_list("kind", flat=True).distinct())
    count = expired.update(is_active=False, indexed_at=now)
    for kind in kinds:
        transaction.on_commit(partial(bump_index_version, kind))
    return count
