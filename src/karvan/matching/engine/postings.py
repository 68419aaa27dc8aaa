"""The indexed listings' state: slots, NumPy columns, postings, language means and ANN graphs.

Every feature (`features.feature_keys`) has a posting list of the slots holding it, grown in place;
the dense vectors sit in one matrix, with a copy centred on each language's mean (kept
incrementally, shrunk towards a reference mean from the vocabulary) while the index is small, and
an HNSW graph per side (usearch) once it is large.
"""

import math
import threading
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from karvan.matching.embedders import Embedder
from karvan.matching.engine.features import (
    FeatureCache,
    Features,
    QueryKeys,
    feature_keys,
    read_features,
)
from karvan.matching.engine.records import Floats, Ints, Listing
from karvan.matching.engine.settings import EngineSettings
from karvan.matching.vocabulary import LANGUAGES, Vocabulary


class Postings:
    """Slots and weights of the listings that have one feature, grown in place."""

    __slots__ = ("slots", "weights")

    def __init__(self) -> None:
        self.slots = array("q")
        self.weights = array("f")


class AnnIndex(Protocol):
    def add(self, keys: Ints, vectors: Floats, *, threads: int = 0) -> object: ...
    def remove(self, keys: Ints) -> object: ...
    def search(self, vectors: Floats, count: int = 10) -> object: ...
    def __len__(self) -> int: ...


_REFERENCE_MEANS: dict[int, tuple[Embedder, dict[str, Floats]]] = {}
_REFERENCE_LOCK = threading.Lock()


def reference_means(embedder: Embedder, vocabulary: Vocabulary) -> dict[str, Floats]:
    """Each language's mean vector over lists of the vocabulary's terms (cached per embedder).

    Small indexes cannot estimate a language's mean from their own few listings; this is the prior.
    """
    with _REFERENCE_LOCK:
        cached = _REFERENCE_MEANS.get(id(embedder))
        if cached is not None and cached[0] is embedder:
            return cached[1]
        separators = {"zh": "、", "fa": "، ", "ar": "، ", "en": ", "}
        means: dict[str, Floats] = {}
        for language in LANGUAGES:
            terms = [
                concept.terms[language][0]
                for concept in vocabulary.concepts.values()
                if concept.terms.get(language)
            ]
            texts = [separators[language].join(terms[i : i + 10]) for i in range(0, len(terms), 10)]
            if texts:
                vectors = embedder.embed_passages(texts[:12])
                means[language] = vectors.mean(axis=0).astype(np.float32)
        _REFERENCE_MEANS[id(embedder)] = (embedder, means)
        return means


def unit(vector: Floats) -> Floats:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


class IndexState:
    """The state of a `MatchingIndex` and the changes to it below the public operations."""

    embedder: Embedder
    settings: EngineSettings
    vocabulary: Vocabulary
    _lock: threading.RLock
    _dim: int
    _shared_features: FeatureCache | None = None
    _query_keys: QueryKeys | None = None

    # --- State -------------------------------------------------------------------------------

    def _clear(self) -> None:
        capacity = 64
        self._size = 0  # slots used, live or not
        self._live = 0
        self._slot_of: dict[str, int] = {}
        self._listings: list[Listing | None] = []
        # Features are a pure function of a listing: they are recomputed when needed (reasons for
        # the few listings returned, removal) rather than kept for every listing, which would
        # double the memory of a large index. The latest ones are cached: in the cache shared
        # with other indexes when there is one, else in this index's own.
        self._feature_cache = self._shared_features or FeatureCache(self.settings, self.vocabulary)
        self._vectors: Floats = np.zeros((capacity, self._dim), dtype=np.float32)
        self._centred: Floats | None = np.zeros((capacity, self._dim), dtype=np.float32)
        self._alive = np.zeros(capacity, dtype=bool)
        self._side = np.zeros(capacity, dtype=np.int8)
        self._kind = np.zeros(capacity, dtype=np.int8)
        self._language = np.zeros(capacity, dtype=np.int32)
        self._country = np.zeros(capacity, dtype=np.int32)
        self._owner = np.zeros(capacity, dtype=np.int32)
        self._concept_norm = np.zeros(capacity, dtype=np.float32)
        self._codes: dict[str, int] = {"": 0}
        self._languages: list[str] = []
        self._language_sum: dict[str, npt.NDArray[np.float64]] = {}
        self._language_count: dict[str, int] = {}
        self._applied_means: dict[str, Floats] = {}
        self._postings: dict[str, Postings] = {}
        self._df: dict[str, int] = {}
        self._ann: dict[int, AnnIndex] | None = None
        self._means_cache: dict[str, Floats] | None = None

    def __len__(self) -> int:
        return self._live

    def __contains__(self, listing_id: object) -> bool:
        return listing_id in self._slot_of

    def _code(self, value: str) -> int:
        if value not in self._codes:
            self._codes[value] = len(self._codes)
        return self._codes[value]

    def _language_index(self, language: str) -> int:
        if language not in self._languages:
            self._languages.append(language)
        return self._languages.index(language)

    def _grow(self, needed: int) -> None:
        capacity = len(self._alive)
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity * 2)

        def grown(values: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
            bigger = np.zeros((new_capacity, *values.shape[1:]), dtype=values.dtype)
            bigger[:capacity] = values
            return bigger

        self._vectors = grown(self._vectors)  # type: ignore[assignment]  # same dtype as before
        if self._centred is not None:
            self._centred = grown(self._centred)  # type: ignore[assignment]  # same dtype
        self._alive = grown(self._alive)
        self._side = grown(self._side)  # type: ignore[assignment]  # same dtype
        self._kind = grown(self._kind)  # type: ignore[assignment]  # same dtype
        self._language = grown(self._language)  # type: ignore[assignment]  # same dtype
        self._country = grown(self._country)  # type: ignore[assignment]  # same dtype
        self._owner = grown(self._owner)  # type: ignore[assignment]  # same dtype
        self._concept_norm = grown(self._concept_norm)  # type: ignore[assignment]  # same dtype

    # --- Features ----------------------------------------------------------------------------

    def features(self, listing: Listing) -> Features:
        """Concepts, codes and words of a listing (a pure function of its text and codes)."""
        shared = self._shared_features
        if shared is not None:
            return shared.get(listing)
        return read_features(listing, self.settings, self.vocabulary)

    def _cached_features(self, listing: Listing) -> Features:
        return self._feature_cache.get(listing)

    def _keys(self, features: Features) -> Iterable[tuple[str, float]]:
        if self._query_keys is not None:
            return self._query_keys.keys_of(features)
        return feature_keys(features)

    def _check_query(self, query: Features) -> None:
        """An index kept for one query's features answers no other query."""
        if self._query_keys is not None and not self._query_keys.covers(query):
            raise ValueError("this index keeps the postings of another query's features")

    # --- Language means ----------------------------------------------------------------------

    def _means(self) -> dict[str, Floats]:
        """Each indexed language's mean vector, shrunk towards the reference mean (cached)."""
        if self._means_cache is not None:
            return self._means_cache
        prior = self.settings.centering_prior
        references = (
            reference_means(self.embedder, self.vocabulary)
            if prior > 0 and any(language in LANGUAGES for language in self._languages)
            else {}
        )
        means: dict[str, Floats] = {}
        for language in self._languages:
            total = self._language_sum.get(language, np.zeros(self._dim))
            count = self._language_count.get(language, 0)
            reference = references.get(language)
            if reference is not None:
                total = total + prior * reference
            means[language] = (total / max(count + prior, 1e-9)).astype(np.float32)
        self._means_cache = means
        return means

    def _mean_for(self, language: str, means: Mapping[str, Floats]) -> Floats:
        if language in means:
            return means[language]
        references = reference_means(self.embedder, self.vocabulary)
        return references.get(language, np.zeros(self._dim, dtype=np.float32))

    def _centre_rows(self, slots: Ints, means: Mapping[str, Floats]) -> Floats:
        table = np.stack(
            [means.get(language, np.zeros(self._dim, np.float32)) for language in self._languages]
            or [np.zeros(self._dim, np.float32)]
        )
        rows = self._vectors[slots] - table[self._language[slots]]
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
        rows /= np.maximum(norms, 1e-12)
        return rows

    def _refresh_centred(self, new_slots: Ints) -> None:
        """Keep the centred copy in step: new rows always, all rows once the means have moved."""
        if self._centred is None:
            return
        means = self._means()
        drift = max(
            (
                float(np.linalg.norm(mean - self._applied_means[language]))
                if language in self._applied_means
                else math.inf
                for language, mean in means.items()
            ),
            default=0.0,
        )
        if drift > self.settings.recenter_tolerance:
            slots = np.arange(self._size, dtype=np.int64)
            self._applied_means = means
        else:
            slots = new_slots
            means = self._applied_means
        if len(slots):
            self._centred[slots] = self._centre_rows(slots, means)

    def _remove_locked(self, ids: Sequence[str]) -> None:
        removed: list[int] = []
        for listing_id in ids:
            slot = self._slot_of.pop(listing_id, None)
            if slot is None:
                continue
            listing = self._listings[slot]
            assert listing is not None  # noqa: S101  # a live slot has its listing
            self._alive[slot] = False
            self._listings[slot] = None
            for key, _weight in self._keys(self._cached_features(listing)):
                self._df[key] -= 1
            self._language_sum[listing.language] -= self._vectors[slot]
            self._language_count[listing.language] -= 1
            self._live -= 1
            self._means_cache = None
            removed.append(slot)
        if removed and self._ann is not None:
            keys = np.array(removed, dtype=np.int64)
            for side in (0, 1):
                mask = self._side[keys] == side
                if mask.any():
                    self._ann[side].remove(keys[mask].astype(np.uint64))

    # --- Approximate nearest neighbours ------------------------------------------------------

    def _new_ann(self) -> AnnIndex:
        from usearch.index import Index

        index: AnnIndex = Index(
            ndim=self._dim,
            metric="cos",
            dtype=self.settings.ann_dtype,
            connectivity=self.settings.ann_connectivity,
            expansion_add=self.settings.ann_expansion_add,
            expansion_search=self.settings.ann_expansion_search,
        )
        return index

    def _build_ann(self) -> None:
        self._ann = {0: self._new_ann(), 1: self._new_ann()}
        self._applied_means = self._means()
        self._centred = None
        live = np.flatnonzero(self._alive[: self._size]).astype(np.int64)
        for start in range(0, len(live), 100_000):
            self._ann_add(live[start : start + 100_000])

    def _ann_add(self, slots: Ints) -> None:
        if self._ann is None or not len(slots):
            return
        # New rows are centred with the means at the time they arrive; in an index this large one
        # listing moves a language's mean by a negligible amount.
        means = self._means()
        rows = self._centre_rows(slots, means)
        for side in (0, 1):
            mask = self._side[slots] == side
            if mask.any():
                self._ann[side].add(slots[mask].astype(np.uint64), rows[mask], threads=0)

    # --- Introspection -----------------------------------------------------------------------

    def memory_bytes(self) -> int:
        """Approximate memory held by the index's arrays, postings and ANN graphs."""
        total = sum(
            values.nbytes
            for values in (
                self._vectors,
                self._alive,
                self._side,
                self._kind,
                self._language,
                self._country,
                self._owner,
                self._concept_norm,
            )
        )
        if self._centred is not None:
            total += self._centred.nbytes
        total += sum(
            postings.slots.itemsize * len(postings.slots)
            + postings.weights.itemsize * len(postings.weights)
            for postings in self._postings.values()
        )
        if self._ann is not None:
            total += sum(int(getattr(index, "memory_usage", 0)) for index in self._ann.values())
        return total
