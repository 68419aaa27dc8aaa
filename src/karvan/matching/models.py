from django.db import models

from karvan.opportunities.models import Opportunity


class ListingVector(models.Model):
    """An opportunity's embedding as indexed, so that a restart or another worker needs no model.

    `indexed_at` moves forward on every change; each process's index catches up from it. A row with
    `is_active` false tells the indexes to drop the opportunity (closed, expired or back to draft).
    """

    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="listing_vector", primary_key=True
    )
    vector = models.BinaryField()
    model = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(db_index=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"vector of opportunity {self.opportunity_id}"


class ListingRemoval(models.Model):
    """A tombstone: an opportunity's vector was deleted (with the opportunity or its owner).

    A deleted row cannot tell other processes' indexes to drop it, so its removal is recorded here
    and read by their catch-up. Tombstones are pruned once every index has long caught up.
    """

    opportunity_id = models.BigIntegerField()
    removed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"removal of opportunity {self.opportunity_id}"
