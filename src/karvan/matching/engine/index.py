"""The matching index: changes one listing at a time, recommendations and search."""

import math
import threading
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from karvan.matching.embedders import Embedder, Vectors
from karvan.matching.engine.explanations import Explainer
from karvan.matching.engine.features import FeatureCache, Features, QueryKeys
from karvan.matching.engine.postings import Postings
from karvan.matching.engine.records import KINDS, SIDES, Floats, Ints, Listing, Match
from karvan.matching.engine.settings import DEFAULT_SETTINGS, EngineSettings
from karvan.matching.text import guess_language
from karvan.matching.vocabulary import Vocabulary, default_vocabulary

# Reasons about what the two listings deal in; a partner shown for a listing that names its
# goods gives at least one.
SUBSTANTIVE_REASONS = frozenset(
    {
        "same_hs_code",
        "same_hs_heading",
        "same_hs_chapter",
        "same_sector",
        "shared_terms",
        "shared_concepts",
        "value_chain",
        "similar_description",
    }
)


def search_probe(query: str, language: str | None = None) -> Listing:
    """A search query as the listing whose features it is scored with (its language guessed
    from its script unless given)."""
    return Listing(
        id="", side="offer", kind="product", language=language or guess_language(query),
        country="", title=query, description="",
    )  # fmt: skip


class MatchingIndex(Explainer):
    """The indexed listings, updated one change at a time, and the queries over them.

    Thread-safe: changes and queries take one lock, so a web worker's request never sees a
    half-made change.
    """

    def __init__(
        self,
        embedder: Embedder,
        settings: EngineSettings = DEFAULT_SETTINGS,
        *,
        vocabulary: Vocabulary | None = None,
        feature_cache: FeatureCache | None = None,
        only_for: Features | None = None,
    ) -> None:
        """`feature_cache`, when given, holds the features of listings read by this index and
        others sharing it; it must have been made for the same settings and vocabulary.

        `only_for`, the features of one query, makes an index that ranks a few candidates for
        that query alone (the database store's): it keeps the postings that query reads, not
        every feature of every listing, and refuses other queries. Its answers are those of a
        full index over the same listings."""
        self.embedder = embedder
        self.settings = settings
        self.vocabulary = vocabulary or default_vocabulary()
        if feature_cache is not None:
            if (
                feature_cache.settings != settings
                or feature_cache.vocabulary is not self.vocabulary
            ):
                raise ValueError("the feature cache was made for other settings or vocabulary")
            self._shared_features = feature_cache
        self._query_keys = QueryKeys.of(only_for) if only_for is not None else None
        self._lock = threading.RLock()
        self._dim = int(embedder.dim)
        self._clear()

    # --- Changes -----------------------------------------------------------------------------

    def upsert(self, listings: Sequence[Listing], vectors: npt.ArrayLike | None = None) -> Vectors:
        """Add listings, or replace those already indexed under the same id; return their vectors.

        Vectors are embedded when not given; callers store the returned ones so that a restart
        needs no embedding. Raises ValueError for an unknown side or kind or a vector of the wrong
        shape.
        """
        for listing in listings:
            if listing.side not in SIDES:
                raise ValueError(f"listing {listing.id}: unknown side {listing.side!r}")
            if listing.kind not in KINDS:
                raise ValueError(f"listing {listing.id}: unknown kind {listing.kind!r}")
        if not listings:
            return np.zeros((0, self._dim), dtype=np.float32)
        if vectors is None:
            batch = max(1, self.settings.embed_batch)
            texts = [f"{listing.title}\n{listing.description}" for listing in listings]
            parts = [
                self.embedder.embed_passages(texts[i : i + batch])
                for i in range(0, len(texts), batch)
            ]
            used = np.concatenate(parts) if parts else np.zeros((0, self._dim), dtype=np.float32)
        else:
            used = np.asarray(vectors, dtype=np.float32)
        used = np.ascontiguousarray(used.reshape(len(listings), -1), dtype=np.float32)
        if used.shape != (len(listings), self._dim):
            raise ValueError(f"expected vectors of shape {(len(listings), self._dim)}")
        features = [self.features(listing) for listing in listings]
        with self._lock:
            replaced = [listing.id for listing in listings if listing.id in self._slot_of]
            self._remove_locked(replaced)
            start = self._size
            self._grow(start + len(listings))
            slots = np.arange(start, start + len(listings), dtype=np.int64)
            self._vectors[slots] = used
            for slot, listing, feature, vector in zip(
                slots.tolist(), listings, features, used, strict=True
            ):
                if listing.id in self._slot_of:  # the same id twice in one call: the last wins
                    self._remove_locked([listing.id])
                self._slot_of[listing.id] = slot
                self._listings.append(listing)
                self._alive[slot] = True
                self._side[slot] = SIDES.index(listing.side)
                self._kind[slot] = KINDS.index(listing.kind)
                self._language[slot] = self._language_index(listing.language)
                self._country[slot] = self._code("country:" + listing.country.upper())
                self._owner[slot] = self._code("owner:" + listing.owner) if listing.owner else 0
                self._concept_norm[slot] = math.sqrt(
                    sum(weight * weight for weight in feature.concepts.values())
                )
                for key, weight in self._keys(feature):
                    postings = self._postings.get(key)
                    if postings is None:
                        postings = self._postings[key] = Postings()
                    postings.slots.append(slot)
                    postings.weights.append(weight)
                    self._df[key] = self._df.get(key, 0) + 1
                language = listing.language
                if language not in self._language_sum:
                    self._language_sum[language] = np.zeros(self._dim)
                self._language_sum[language] += vector
                self._language_count[language] = self._language_count.get(language, 0) + 1
                self._live += 1
            self._means_cache = None
            self._size = start + len(listings)
            live_new = np.array(
                [slot for slot in slots.tolist() if self._alive[slot]], dtype=np.int64
            )
            if self._ann is None:
                self._refresh_centred(live_new)
                if self._live >= self.settings.ann_threshold:
                    self._build_ann()
            else:
                self._ann_add(live_new)
            self._compact_if_sparse()
        return used

    def remove(self, ids: Sequence[str]) -> None:
        """Take listings out of the index; ids not indexed are ignored."""
        with self._lock:
            self._remove_locked(ids)
            self._compact_if_sparse()

    def _compact_if_sparse(self) -> None:
        """Rebuild the slots once more than half are removed ones (amortised over the removals)."""
        dead = self._size - self._live
        if dead < self.settings.compact_after_removed or dead < self._live:
            return
        slots = [slot for slot in range(self._size) if self._alive[slot]]
        listings = [self._listings[slot] for slot in slots]
        vectors = self._vectors[np.array(slots, dtype=np.int64)].copy()
        self._clear()
        if slots:
            self.upsert([listing for listing in listings if listing is not None], vectors)

    # --- Queries -----------------------------------------------------------------------------

    def recommend(
        self, listing: Listing, *, top: int = 10, min_score: float | None = None
    ) -> list[Match]:
        """Complementary partners for a listing, best first.

        Candidates on the listing's own side (competitors) come after every complementary one;
        the listing itself and its owner's listings are never returned. With `min_score` (what
        the product shows: `EngineSettings.shown_threshold`), only complementary candidates
        scoring at least that are returned, so the list may be short or empty. A listing that is
        not indexed is read and embedded on the fly.
        """
        with self._lock:
            if not self._live or top <= 0:
                return []
            slot = self._slot_of.get(listing.id)
            vector = (
                self._vectors[slot].copy()
                if slot is not None and self._listings[slot] == listing
                else None
            )
            query = self._cached_features(listing)
            self._check_query(query)
        if vector is None:
            vector = self.embedder.embed_passages([f"{listing.title}\n{listing.description}"])[0]
        with self._lock:
            if not self._live:
                return []
            query_vector = self._centred_query(vector, listing.language)
            own_side = SIDES.index(listing.side) if listing.side in SIDES else -1
            other_side = 1 - own_side if own_side >= 0 else -1
            # In a large index only the complementary side is searched (competitors rank last,
            # and there are enough complementary candidates), unless it has too few.
            sides = [other_side] if other_side >= 0 else [0, 1]
            fallback = [own_side] if own_side >= 0 else []
            # Owner's listings and the listing itself are dropped below: ask for that many more.
            slots, components = self._score(
                query, query_vector, sides=sides, fallback_sides=fallback, wanted=top + 1
            )
            keep = self._alive[slots]
            if listing.id in self._slot_of:
                keep &= slots != self._slot_of[listing.id]
            if listing.owner:
                keep &= self._owner[slots] != self._codes.get("owner:" + listing.owner, -1)
            slots = slots[keep]
            components = {name: values[keep] for name, values in components.items()}
            relevance = self._relevance(components, query)
            affinity = np.array(
                [self.settings.affinity(listing.kind, kind) for kind in KINDS], dtype=np.float32
            )
            score = relevance * affinity[self._kind[slots]]
            other_country = self._country[slots] != self._codes.get(
                "country:" + listing.country.upper(), -1
            )
            score = score + self.settings.corridor_bonus * other_country
            competitor = self._side[slots] == own_side
            # Same side ranks below every complementary candidate, whatever its similarity: the
            # offset exceeds the highest score the weights allow.
            settings = self.settings
            ceiling = (
                1.0
                + settings.corridor_bonus
                + sum(
                    abs(weight)
                    for weight in (
                        settings.concept_weight,
                        settings.dense_weight,
                        settings.hs_weight,
                        settings.isic_weight,
                        settings.lexical_weight,
                    )
                )
            )
            score = score - ceiling * competitor
            if min_score is not None:
                complementary = score[~competitor]
                best = float(complementary.max()) if len(complementary) else 0.0
                floor = max(min_score, best * self.settings.shown_relative_floor)
                confident = ~competitor & (score >= floor)
                slots, score = slots[confident], score[confident]
                components = {name: values[confident] for name, values in components.items()}
                # When both authors declared their goods (HS codes) and the declarations share
                # no chapter, only a reason about the goods (a shared concept, a value chain, a
                # similar description) makes them partners: sides, countries and a common word
                # such as "one" are no reason to meet.
                if listing.hs_codes:
                    matches = self._matches(query, listing, slots, components, score, len(slots))
                    return [
                        match
                        for match in matches
                        if not self._declares_other_goods(listing, match.id)
                        or any(reason.code in SUBSTANTIVE_REASONS for reason in match.reasons)
                    ][:top]
            return self._matches(query, listing, slots, components, score, top)

    def _declares_other_goods(self, listing: Listing, key: str) -> bool:
        """Whether the indexed listing `key` declares HS codes none of whose chapters `listing`
        declares."""
        slot = self._slot_of.get(key)
        other = self._listings[slot] if slot is not None else None
        if other is None:
            return False
        chapters = {"".join(c for c in code if c.isdigit())[:2] for code in listing.hs_codes}
        theirs = {"".join(c for c in code if c.isdigit())[:2] for code in other.hs_codes}
        return bool(theirs) and not (theirs & chapters)

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        top: int = 20,
        side: str | None = None,
        min_score: float | None = None,
        vector: npt.ArrayLike | None = None,
    ) -> list[Match]:
        """Listings about what a free-text query names, in any language, best first.

        `language` is the query's language when known (guessed from its script otherwise);
        `side` keeps offers or requests only; with `min_score`, only listings scoring at least
        that are returned (a query with no good match returns nothing). `vector` is the query's
        embedding when the caller has it already (embedded here otherwise).
        """
        if not query.strip() or top <= 0:
            return []
        probe = search_probe(query, language)
        language = probe.language
        features = self.features(probe)
        self._check_query(features)
        if vector is None:
            vector = self.embedder.embed_passages([query])[0]
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._lock:
            if not self._live:
                return []
            query_vector = self._centred_query(vector, language)
            sides = [SIDES.index(side)] if side in SIDES else [0, 1]
            slots, components = self._score(features, query_vector, sides=sides, coverage=True)
            keep = self._alive[slots] & np.isin(self._side[slots], sides)
            slots = slots[keep]
            components = {name: values[keep] for name, values in components.items()}
            score = self._relevance(components, features, search=True)
            if min_score is not None:
                confident = score >= min_score
                slots, score = slots[confident], score[confident]
                components = {name: values[confident] for name, values in components.items()}
            return self._matches(features, None, slots, components, score, top)

    def _matches(
        self,
        query: Features,
        listing: Listing | None,
        slots: Ints,
        components: Mapping[str, Floats],
        score: Floats,
        top: int,
    ) -> list[Match]:
        if not len(slots):
            return []
        count = min(top, len(slots))
        best = (
            np.argpartition(-score, count - 1)[:count] if count < len(slots) else np.arange(count)
        )
        order = best[np.lexsort((slots[best], -score[best]))]
        matches: list[Match] = []
        for position in order.tolist():
            slot = int(slots[position])
            candidate = self._listings[slot]
            if candidate is None:
                continue
            features = self._cached_features(candidate)
            parts = {name: float(values[position]) for name, values in components.items()}
            matches.append(
                Match(
                    id=candidate.id,
                    score=round(float(score[position]), 6),
                    reasons=self._reasons(query, listing, candidate, features, parts),
                )
            )
        return matches
