"""Keeping opportunities' vectors current in the matching store: what publishing, editing,
withdrawing and deleting an opportunity call."""

from collections.abc import Callable, Sequence
from functools import partial

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from karvan.matching.models import StoredVector
from karvan.matching.services import remove_documents, store_documents
from karvan.opportunities import tasks
from karvan.opportunities.matching.adapters import KIND, to_document, translations_of
from karvan.opportunities.models import Opportunity


def schedule_indexing(*, opportunity: Opportunity) -> None:
    """After this transaction commits, index the opportunity in the background (at once when
    tasks run in-process): its vector, or its withdrawal when it is no longer open."""
    pk = opportunity.pk
    transaction.on_commit(lambda: tasks.index_opportunity.delay(opportunity_id=pk))


def schedule_indexing_of_description(*, description: str, language: str) -> int:
    """Index again, after this transaction commits, the opportunities with this description (a
    machine translation of it was stored, and joins what matching and search read); return how
    many were scheduled."""
    pks = list(
        Opportunity.objects.filter(
            description=description, language=language, status=Opportunity.Status.PUBLISHED
        ).values_list("pk", flat=True)
    )
    for pk in pks:
        transaction.on_commit(partial(tasks.index_opportunity.delay, opportunity_id=pk))
    return len(pks)


@transaction.atomic
def index_opportunities(
    *, opportunities: Sequence[Opportunity], progress: Callable[[str], None] | None = None
) -> dict[int, StoredVector]:
    """Store the open opportunities' vectors and withdraw the others'; return the stored rows.

    Only changed texts are embedded, only changed rows written. A newly indexed open opportunity
    queues its match alerts (sent once).
    """
    open_ones = [o for o in opportunities if o.is_open]
    translations = translations_of(open_ones)
    documents = [to_document(o, translations[o.pk]) for o in open_ones]
    withdrawn = [str(o.pk) for o in opportunities if not o.is_open]
    rows = store_documents(kind=KIND, documents=documents, withdrawn=withdrawn, progress=progress)
    for document in documents:
        row = rows[document.key]
        if row.alerted_at is None:
            pk = int(document.key)
            transaction.on_commit(partial(tasks.send_match_alerts.delay, opportunity_id=pk))
    return {int(key): row for key, row in rows.items()}


def index_opportunity(*, opportunity: Opportunity) -> StoredVector | None:
    """Store one opportunity's vector (or its withdrawal): what the indexing task runs. None
    for an opportunity that was never indexed and is not open."""
    return index_opportunities(opportunities=[opportunity]).get(opportunity.pk)


def remove_opportunities_from_index(*, opportunity_ids: Sequence[int]) -> int:
    """Drop deleted opportunities from every index (a deleted row cannot be marked inactive)."""
    return remove_documents(kind=KIND, keys=[str(pk) for pk in opportunity_ids])


def withdraw_expired_opportunities() -> int:
    """Withdraw from matching the opportunities that expired while indexed; return how many.

    The store drops documents past the expiry they were stored with; this also catches an expiry
    changed without a service (the admin).
    """
    indexed = StoredVector.objects.filter(
        kind=KIND, is_active=True, key=Cast(OuterRef("pk"), output_field=CharField())
    )
    expired = list(
        Opportunity.objects.filter(Exists(indexed), expires_on__lt=timezone.localdate())
        .select_related("organisation")
        .prefetch_related("hs_codes", "sectors")
    )
    if expired:
        index_opportunities(opportunities=expired)
    return len(expired)


def reindex_all_opportunities(*, progress: Callable[[str], None] | None = None) -> int:
    """Embed every opportunity again where its text or the model changed; return how many."""
    opportunities = list(
        Opportunity.objects.select_related("organisation").prefetch_related("hs_codes", "sectors")
    )
    index_opportunities(opportunities=opportunities, progress=progress)
    return len(opportunities)


def forget_deleted_opportunity(sender: type, instance: Opportunity, **kwargs: object) -> None:
    """`post_delete` receiver: an opportunity deleted by the admin or with its organisation leaves
    a tombstone in the deleting transaction, so every running index drops it."""
    remove_opportunities_from_index(opportunity_ids=[instance.pk])
