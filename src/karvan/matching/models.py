from django.db import models


class StoredVector(models.Model):
    """A document's embedding as indexed, so that a restart or another worker needs no model.

    Documents of every kind share this table, keyed by (`kind`, `key`): an opportunity is
    ("opportunity", "<pk>"), a knowledge post ("knowledge", "q<pk>" or "a<pk>"). `document` holds
    the engine listing's fields, so an index is built from these rows alone. `indexed_at` moves
    forward on every change; each process's index catches up from it. A row with `is_active` false,
    or one past `expires_on`, tells the indexes to drop the document.
    """

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    vector = models.BinaryField()
    model = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64, blank=True)
    document = models.JSONField(default=dict)
    expires_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(db_index=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="matching_vector_kind_key"),
        ]
        indexes = [models.Index(fields=["kind", "indexed_at"], name="matching_vector_catch_up")]

    def __str__(self) -> str:
        return f"vector of {self.kind} {self.key}"


class VectorRemoval(models.Model):
    """A tombstone: a document's vector was deleted (with the document or its owner).

    A deleted row cannot tell other processes' indexes to drop it, so its removal is recorded here
    and read by their catch-up. Tombstones are pruned once every index has long caught up.
    """

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    removed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"removal of {self.kind} {self.key}"
