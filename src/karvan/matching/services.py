"""Keeping the matching index current and telling organisations about new good matches."""

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory.models import Membership
from karvan.matching import notifications as kinds
from karvan.matching import tasks
from karvan.matching.adapters import to_listing
from karvan.matching.engine import Match, Reason
from karvan.matching.index_cache import REMOVAL_RETENTION, get_embedder
from karvan.matching.models import ListingRemoval, ListingVector
from karvan.matching.reasons import describe_reasons
from karvan.matching.selectors import shown_threshold
from karvan.matching.stores import current_store
from karvan.notifications.services import notify
from karvan.opportunities.models import Opportunity

ALERT_TOP = 5


def schedule_indexing(*, opportunity_id: int) -> None:
    """Index an opportunity in the background (at once when tasks run in-process)."""
    tasks.index_opportunity.delay(opportunity_id=opportunity_id)


def _embedding_text(opportunity: Opportunity) -> str:
    listing = to_listing(opportunity)
    return f"{listing.title}\n{listing.description}"


def _text_hash(text: str) -> str:
    return hashlib.sha256(f"{settings.KARVAN_EMBEDDER}\n{text}".encode()).hexdigest()


EMBEDDING_BATCH = (
    16  # texts embedded together: about three times less work per text than one by one
)


@transaction.atomic
def index_opportunities(
    *, opportunities: Sequence[Opportunity], progress: Callable[[str], None] | None = None
) -> list[ListingVector]:
    """Store the opportunities' vectors (or their removal) for every process's index to pick up.

    Texts whose words and model are unchanged keep their vector; the others are embedded in
    batches, reporting progress.
    """
    now = timezone.now()
    existing = {
        row.opportunity_id: row
        for row in ListingVector.objects.filter(opportunity__in=[o.pk for o in opportunities])
    }
    texts = {o.pk: _embedding_text(o) for o in opportunities if o.is_open}
    hashes = {pk: _text_hash(text) for pk, text in texts.items()}
    vectors: dict[int, bytes] = {}
    to_embed = []
    for pk in texts:
        row = existing.get(pk)
        if row is not None and row.text_hash == hashes[pk] and row.vector:
            vectors[pk] = bytes(row.vector)  # same words, same model: the vector stays
        else:
            to_embed.append(pk)
    for start in range(0, len(to_embed), EMBEDDING_BATCH):
        batch = to_embed[start : start + EMBEDDING_BATCH]
        embedded = get_embedder().embed_passages([texts[pk] for pk in batch])
        for pk, vector in zip(batch, embedded, strict=True):
            vectors[pk] = vector.astype(np.float32).tobytes()
        if progress is not None:
            progress(f"embedded {min(start + EMBEDDING_BATCH, len(to_embed))}/{len(to_embed)}")
    rows = []
    for opportunity in opportunities:
        is_open = opportunity.pk in vectors
        row, _created = ListingVector.objects.update_or_create(
            opportunity=opportunity,
            defaults={
                "vector": vectors.get(opportunity.pk, b""),
                "model": settings.KARVAN_EMBEDDER,
                "text_hash": hashes.get(opportunity.pk, ""),
                "is_active": is_open,
                "indexed_at": now,
            },
        )
        if row.is_active and row.alerted_at is None:
            transaction.on_commit(
                lambda pk=opportunity.pk: tasks.send_match_alerts.delay(opportunity_id=pk)
            )
        rows.append(row)
    current_store().store_vectors(rows)
    return rows


def index_opportunity(*, opportunity: Opportunity) -> ListingVector:
    """Store one opportunity's vector (or its removal): what saving an opportunity queues."""
    return index_opportunities(opportunities=[opportunity])[0]


def send_match_alerts(*, opportunity: Opportunity) -> int:
    """Tell the organisations whose open opportunities this new one fits best; once per listing.

    The listing is claimed (its `alerted_at` set) in the transaction that writes the alerts, so a
    task delivered twice alerts once, and one that dies half-way alerts nobody until it is rerun.
    """
    pending = ListingVector.objects.filter(opportunity=opportunity, alerted_at__isnull=True)
    if not opportunity.is_open or not pending.exists():
        return 0
    matches = [
        match
        for match in current_store().recommend(
            to_listing(opportunity), top=ALERT_TOP, min_score=shown_threshold()
        )
        if match.score >= settings.KARVAN_MATCH_ALERT_SCORE
    ]
    partners = Opportunity.objects.select_related("organisation", "author").in_bulk(
        [int(match.id) for match in matches]
    )
    with transaction.atomic():
        if not pending.update(alerted_at=timezone.now()):
            return 0  # another delivery of the task got there first
        sent = _alert_partners(opportunity, matches, partners)
    return sent


def _alert_partners(
    opportunity: Opportunity, matches: list[Match], partners: dict[int, Opportunity]
) -> int:
    sent = 0
    for match in matches:
        partner = partners.get(int(match.id))
        if partner is None or not partner.is_open:
            continue
        # Its managers, and its author while still a member (one who left hears nothing more).
        recipients = [
            membership.user
            for membership in Membership.objects.select_related("user").filter(
                Q(role__in=[Membership.Role.OWNER, Membership.Role.ADMIN])
                | Q(user_id=partner.author_id),
                organisation_id=partner.organisation_id,
                user__is_active=True,
            )
        ]
        reasons = _as_seen_by_partner(match.reasons, opportunity)
        notify(
            recipients=recipients,
            kind=kinds.NEW_MATCH,
            params={
                "opportunity": partner.title,
                "match": opportunity.title,
                "organisation": opportunity.organisation.name,
                # Stored in every language: the notification is read in the recipient's.
                "reasons": _in_every_language(
                    lambda reasons=reasons: describe_reasons(reasons, plain=True)
                ),
            },
            url=opportunity.get_absolute_url(),
        )
        sent += 1
    return sent


def _as_seen_by_partner(
    reasons: tuple[Reason, ...], opportunity: Opportunity
) -> tuple[Reason, ...]:
    """The engine explains a match from the new listing's side; the alert is read from the
    partner's, for whom the other country is the new listing's."""
    country = opportunity.organisation.country
    return tuple(
        Reason(reason.code, {**reason.params, "country": country})
        if reason.code == "other_country"
        else reason
        for reason in reasons
    )


def _in_every_language(render: Callable[[], object]) -> dict[str, str]:
    versions = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            versions[language] = str(render())
    return versions


def drop_expired_listings() -> int:
    """Mark the vectors of opportunities that expired since they were indexed; return how many.

    Also prunes the tombstones of deleted listings that every running index has read by now.
    """
    ListingRemoval.objects.filter(removed_at__lt=timezone.now() - REMOVAL_RETENTION).delete()
    expired = Opportunity.objects.filter(
        listing_vector__is_active=True, expires_on__lt=timezone.localdate()
    )
    return ListingVector.objects.filter(opportunity__in=expired).update(
        is_active=False, indexed_at=timezone.now()
    )


def reindex_all_opportunities(*, progress: Callable[[str], None] | None = None) -> int:
    """Embed every opportunity again where its text or the model changed; return how many."""
    opportunities = list(
        Opportunity.objects.select_related("organisation").prefetch_related("hs_codes", "sectors")
    )
    index_opportunities(opportunities=opportunities, progress=progress)
    return len(opportunities)
