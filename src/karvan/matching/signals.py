"""Receivers that keep every process's in-memory index in step with deletions."""

from django.utils import timezone

from karvan.matching.models import ListingRemoval, ListingVector


def record_listing_removal(sender: type, instance: ListingVector, **kwargs: object) -> None:
    """Leave a tombstone in the deleting transaction, so a rolled-back delete leaves none."""
    ListingRemoval.objects.create(opportunity_id=instance.opportunity_id, removed_at=timezone.now())
