"""The matching engine: complementary partners for an opportunity, and search, across languages.

Problem. An opportunity (an offer or a request of a product, technology, investment, partnership or
service) is written in Persian, Chinese, Arabic or English. Its good partners are on the other side
(an offer for a request), usually in the other country of the corridor, and usually written in
another language. The bundled embedding model is good within one language and weak across them.

Inputs and outputs. Plain frozen dataclasses: `Listing` in; `Match` out, each with its score and
the `Reason`s (stable codes with parameters) that the Django layer turns into a sentence in the
viewer's language. `MatchingIndex` is updated one listing at a time (`upsert`, `remove`) and never
needs a rebuild for one change; `rank_dataset` runs it over a dataset file of the development-set
format. Nothing here imports Django or another Karvan app.

Method. A candidate's relevance is a weighted sum (weights in `EngineSettings`) of
- concept overlap: both texts are read with a four-language vocabulary (`vocabulary.py`); concepts
  are expanded to broader and value-chain-related ones, weighted by how discriminating they are
  in the index (`_specificity`: generic ones nearly nothing), compared as a cosine (for a search
  query: how much of the query's concepts a listing holds). This crosses languages with certainty;
- HS proximity (same 6-digit code > same heading > same chapter) and ISIC proximity (same division >
  same section), from the codes given and those concepts below the top-level groups imply;
- lexical overlap of words and Chinese character pairs, weighted by rarity;
- dense similarity of the model's vectors after language-mean centering: each language's mean
  vector (kept incrementally over the indexed listings, shrunk towards a reference mean for small
  indexes) is subtracted before the cosine. Much of what separates languages in the model's space
  is a per-language offset; removing it leaves what the texts are about.
Evidence the query cannot give (no specific concept, no codes) passes its weight to the dense
similarity, which so decides on subjects the vocabulary does not know. The relevance is scaled
by how well the two kinds complement each other; a candidate from another country than the
listing's gains a small bonus (other things equal, the corridor comes first);
candidates on the listing's own side (competitors) always rank below every complementary one; the
listing itself and its owner's other listings are never returned. What the product shows is
what passes `EngineSettings.shown_threshold` (recommendations) or `search_threshold` (search).

Scale. Every feature lives in an inverted index of NumPy-backed postings. Up to
`EngineSettings.ann_threshold` listings the dense part is an exact matrix product; above it, an HNSW
index per side (usearch) gives the dense candidates and the postings give the rest.

Reason codes, each a fact about the two listings: complementary {side, kind, yours} (opposite
sides only: the candidate's side and kind, the listing's side), same_side {side}, other_country
{country}, same_hs_code / same_hs_heading / same_hs_chapter {code} and same_sector {code} (codes
both authors declared; codes the engine infers from words are never stated as codes), shared_terms
{terms, concepts} (the same concept named in each text), shared_concepts {terms, concepts} (each
text names a narrower kind of the concept), value_chain {concepts, mine, theirs} (the texts name
two concepts the vocabulary lists as one value chain), shared_words {words}, similar_description
{similarity}.
"""

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import numpy as np
import numpy.typing as npt

from karvan.matching.embedders import Embedder, Vectors
from karvan.matching.text import guess_language, lexical_tokens, normalise
from karvan.matching.vocabulary import LANGUAGES, Vocabulary, default_vocabulary

SIDES = ("offer", "request")
KINDS = ("product", "technology", "investment", "partnership", "service")

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Listing:
    """One opportunity as the engine sees it."""

    id: str
    side: str
    kind: str
    language: str
    country: str
    title: str
    description: str
    hs_codes: tuple[str, ...] = ()
    isic_codes: tuple[str, ...] = ()
    owner: str = ""


@dataclass(frozen=True)
class Reason:
    """Why a match ranks where it does: a stable code and its parameters, all strings."""

    code: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class Match:
    """A recommended or found listing, its score and its reasons, most important first."""

    id: str
    score: float
    reasons: tuple[Reason, ...]


def _default_kind_affinity() -> tuple[tuple[str, str, float], ...]:
    return (
        ("product", "technology", 0.7),
        ("technology", "partnership", 0.7),
        ("investment", "partnership", 0.6),
        ("product", "investment", 0.4),
        ("technology", "investment", 0.5),
        ("product", "partnership", 0.4),
        ("service", "product", 0.35),
        ("service", "technology", 0.35),
        ("service", "investment", 0.35),
        ("service", "partnership", 0.4),
    )


@dataclass(frozen=True)
class EngineSettings:
    """Every weight and threshold of the engine; the default instance is what the product uses."""

    # Relevance: a weighted sum of components, each between 0 and 1.
    concept_weight: float = 0.35
    dense_weight: float = 0.30
    hs_weight: float = 0.15
    isic_weight: float = 0.05
    lexical_weight: float = 0.10
    # Added for a candidate in another country than the listing's.
    corridor_bonus: float = 0.05
    # Complementary kinds on opposite sides; the same kind is 1, unlisted pairs take the default.
    kind_affinity: tuple[tuple[str, str, float], ...] = field(
        default_factory=_default_kind_affinity
    )
    default_kind_affinity: float = 0.3
    # Concepts: a title names the subject more surely than a description.
    title_weight: float = 1.0
    description_weight: float = 0.6
    broader_decay: float = 0.5
    related_decay: float = 0.3
    # HS and ISIC proximity, and the confidence in codes implied by concepts rather than given.
    hs_same_code: float = 1.0
    hs_same_heading: float = 0.8
    hs_same_chapter: float = 0.4
    isic_same_division: float = 1.0
    isic_same_section: float = 0.4
    implied_code_confidence: float = 0.8
    # Lexical overlap ignores words in more than this share of listings (once there are enough).
    max_word_share: float = 0.2
    min_listings_for_word_share: int = 20
    # Dense: pseudo-count of the reference mean in each language's mean vector, and how far the
    # means may drift before the centred copy of the vectors is recomputed.
    centering_prior: float = 5.0
    recenter_tolerance: float = 0.01
    # Reasons: thresholds for naming a similarity.
    similar_description_threshold: float = 0.4
    # A group concept (one that narrower concepts refine: machinery, food, services) says less
    # than its rarity alone suggests.
    group_concept_factor: float = 0.3
    # A concept's weight is its rarity (`MatchingIndex._rarity`, in (0, 1]) to this power: the
    # higher, the less a common concept counts.
    specificity_power: float = 2.0
    # A concept in at most this share of the listings counts fully.
    specific_share: float = 0.02
    # Whether evidence a query cannot give (no specific concept, no codes) passes its weight to
    # the dense similarity (see `MatchingIndex._relevance`).
    confidence_shift: bool = True
    # What the product shows (partners for you, alerts, meeting suggestions, search): matches
    # scoring at least this. Calibrated on the development sets (bench/matching_quality.py) for
    # precision >= 0.6 at recall >= 0.85 of the shown lists on both; `KARVAN_MATCH_THRESHOLD`
    # overrides it in the product.
    shown_threshold: float = 0.10
    # ... and at least this share of the best match's score (a clear best match makes the far
    # weaker ones noise).
    shown_relative_floor: float = 0.6
    # What search shows: listings scoring at least this (a search score has no complementarity
    # or corridor part; calibrated on the demo's data, where nonsense queries score below 0.16
    # and true cross-lingual finds above 0.24).
    search_threshold: float = 0.2
    # Scale: above this many listings, dense candidates come from an HNSW index per side.
    ann_threshold: int = 50_000
    ann_candidates: int = 128
    sparse_candidates: int = 1000
    ann_connectivity: int = 16
    ann_expansion_add: int = 64
    ann_expansion_search: int = 128
    ann_dtype: str = "i8"
    embed_batch: int = 32
    # Removed listings leave empty slots; the slots are rebuilt once there are this many and more
    # empty than live ones (amortised over the removals, never for one change).
    compact_after_removed: int = 1024

    def affinity(self, kind_a: str, kind_b: str) -> float:
        """How well two kinds complement each other (1 for the same kind)."""
        if kind_a == kind_b:
            return 1.0
        for first, second, value in self.kind_affinity:
            if {first, second} == {kind_a, kind_b}:
                return value
        return self.default_kind_affinity


DEFAULT_SETTINGS = EngineSettings()

# ISIC Rev.4 sections by their first and last division.
_ISIC_SECTIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip


def isic_section(code: str) -> str:
    """The ISIC Rev.4 section of a division or class code ("10" or "1079" → "C"), or the section."""
    code = code.strip().upper()
    if code.isalpha():
        return code if any(code == section for section, _first, _last in _ISIC_SECTIONS) else ""
    if len(code) >= 2 and code[:2].isdigit():
        division = int(code[:2])
        for section, first, last in _ISIC_SECTIONS:
            if first <= division <= last:
                return section
    return ""


@dataclass(frozen=True)
class _Features:
    """What the engine reads from one listing."""

    concepts: Mapping[str, float]  # expanded: own concepts, broader and related ones
    direct: Mapping[str, str]  # concepts the text names, with the term that named them
    about: frozenset[str]  # the concepts named and every broader one (never value-chain ones)
    hs: Mapping[str, float]  # "h6:080251", "h4:0802", "h2:08" → confidence
    isic: Mapping[str, float]  # "i2:10", "is:C" → confidence
    words: frozenset[str]


class _Postings:
    """Slots and weights of the listings that have one feature, grown in place."""

    __slots__ = ("slots", "weights")

    def __init__(self) -> None:
        self.slots = array("q")
        self.weights = array("f")


class _AnnIndex(Protocol):
    def add(self, keys: Ints, vectors: Floats, *, threads: int = 0) -> object: ...
    def remove(self, keys: Ints) -> object: ...
    def search(self, vectors: Floats, count: int = 10) -> object: ...
    def __len__(self) -> int: ...


_REFERENCE_MEANS: dict[int, tuple[Embedder, dict[str, Floats]]] = {}
_REFERENCE_LOCK = threading.Lock()


def _reference_means(embedder: Embedder, vocabulary: Vocabulary) -> dict[str, Floats]:
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


def _unit(vector: Floats) -> Floats:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


class MatchingIndex:
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
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.vocabulary = vocabulary or default_vocabulary()
        self._lock = threading.RLock()
        self._dim = int(embedder.dim)
        self._clear()

    # --- State -------------------------------------------------------------------------------

    def _clear(self) -> None:
        capacity = 64
        self._size = 0  # slots used, live or not
        self._live = 0
        self._slot_of: dict[str, int] = {}
        self._listings: list[Listing | None] = []
        # Features are a pure function of a listing: they are recomputed when needed (reasons for
        # the few listings returned, removal) rather than kept for every listing, which would
        # double the memory of a large index. The latest ones are cached.
        self._feature_cache: OrderedDict[Listing, _Features] = OrderedDict()
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
        self._postings: dict[str, _Postings] = {}
        self._df: dict[str, int] = {}
        self._ann: dict[int, _AnnIndex] | None = None
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

    def features(self, listing: Listing) -> _Features:
        """Concepts, codes and words of a listing (a pure function of its text and codes)."""
        settings = self.settings
        vocabulary = self.vocabulary
        direct: dict[str, str] = {}
        strength: dict[str, float] = {}
        for text, weight in (
            (listing.title, settings.title_weight),
            (listing.description, settings.description_weight),
        ):
            for concept, term in vocabulary.extract(text, listing.language).items():
                direct.setdefault(concept, term)
                strength[concept] = max(strength.get(concept, 0.0), weight)
        concepts: dict[str, float] = {}
        for concept, weight in strength.items():
            for name, factor, _role in vocabulary.expansion(
                concept, settings.broader_decay, settings.related_decay
            ):
                concepts[name] = max(concepts.get(name, 0.0), weight * factor)
        # Codes are implied only by concepts below the top-level groups: packaging or machinery
        # names no product precisely enough to stand for its codes.
        specific = [name for name in strength if not vocabulary.is_generic(name)]
        hs: dict[str, float] = {}
        implied_hs = vocabulary.hs_codes(specific)
        for codes, confidence in (
            (implied_hs, settings.implied_code_confidence),
            (listing.hs_codes, 1.0),
        ):
            for code in codes:
                digits = "".join(char for char in code if char.isdigit())
                for length, prefix in ((6, "h6:"), (4, "h4:"), (2, "h2:")):
                    if len(digits) >= length:
                        key = prefix + digits[:length]
                        hs[key] = max(hs.get(key, 0.0), confidence)
        isic: dict[str, float] = {}
        implied_isic = vocabulary.isic_codes(specific)
        for codes, confidence in (
            (implied_isic, settings.implied_code_confidence),
            (listing.isic_codes, 1.0),
        ):
            for code in codes:
                code = code.strip().upper()
                if code[:2].isdigit():
                    key = "i2:" + code[:2]
                    isic[key] = max(isic.get(key, 0.0), confidence)
                section = isic_section(code)
                if section:
                    isic["is:" + section] = max(isic.get("is:" + section, 0.0), confidence)
        text = normalise(f"{listing.title}\n{listing.description}")
        tokens = frozenset(token for token in lexical_tokens(text) if not token.isdigit())
        return _Features(
            concepts=MappingProxyType(concepts),
            direct=MappingProxyType(direct),
            about=frozenset().union(*(vocabulary.ancestors(name) for name in direct)),
            hs=MappingProxyType(hs),
            isic=MappingProxyType(isic),
            words=tokens,
        )

    def _cached_features(self, listing: Listing) -> _Features:
        cached = self._feature_cache.get(listing)
        if cached is not None:
            self._feature_cache.move_to_end(listing)
            return cached
        features = self.features(listing)
        self._feature_cache[listing] = features
        if len(self._feature_cache) > 4096:
            self._feature_cache.popitem(last=False)
        return features

    @staticmethod
    def _keys(features: _Features) -> Iterable[tuple[str, float]]:
        yield from (("c:" + name, weight) for name, weight in features.concepts.items())
        yield from features.hs.items()
        yield from features.isic.items()
        yield from (("w:" + token, 1.0) for token in features.words)

    # --- Language means ----------------------------------------------------------------------

    def _means(self) -> dict[str, Floats]:
        """Each indexed language's mean vector, shrunk towards the reference mean (cached)."""
        if self._means_cache is not None:
            return self._means_cache
        prior = self.settings.centering_prior
        references = (
            _reference_means(self.embedder, self.vocabulary)
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
        references = _reference_means(self.embedder, self.vocabulary)
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
                        postings = self._postings[key] = _Postings()
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

    # --- Approximate nearest neighbours ------------------------------------------------------

    def _new_ann(self) -> _AnnIndex:
        from usearch.index import Index

        index: _AnnIndex = Index(
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

    # --- Scoring -----------------------------------------------------------------------------

    def _idf(self, key: str) -> float:
        """Rarity of a feature in (0, 1]: 1 for a feature of one listing."""
        live = max(self._live, 1)
        df = max(self._df.get(key, 0), 1)
        return math.log(1 + live / df) / math.log(1 + live)

    def _rarity(self, key: str) -> float:
        """How discriminating a feature is, in (0, 1]: 1 for one in at most
        `EngineSettings.specific_share` of the listings, falling as it grows commoner (about 0.45
        for one in a third of them, 0.23 for one in all). Unlike `_idf`, a specific concept keeps
        its weight however large the index grows."""
        share = max(self._df.get(key, 0), 1) / max(self._live, 1)
        reference = math.log(1 + 1 / self.settings.specific_share)
        return min(1.0, math.log(1 + 1 / share) / reference)

    def _accumulate(
        self, query: _Features, candidates: int, *, coverage: bool = False
    ) -> dict[str, Floats]:
        """Concept, HS, ISIC and lexical scores of every slot, from the postings.

        The concept score is a cosine between two listings; with `coverage` (a search query, a
        few words against a whole listing) it is how much of the query's concepts the listing
        holds, however much else it also says."""
        settings = self.settings
        concept = np.zeros(candidates, dtype=np.float32)
        hs = np.zeros(candidates, dtype=np.float32)
        isic = np.zeros(candidates, dtype=np.float32)
        lexical = np.zeros(candidates, dtype=np.float32)
        query_norm = math.sqrt(sum(weight * weight for weight in query.concepts.values()))
        for name, weight in query.concepts.items():
            postings = self._postings.get("c:" + name)
            if postings is None or not len(postings.slots):
                continue
            # A concept counts by how discriminating it is (its rarity in the index, less for a
            # group concept): generic ones (machinery, services, partnership) nearly nothing.
            # A search query names its subject in a few words: there, rarity alone weighs them.
            specificity = (self._idf("c:" + name) if coverage else self._specificity(name)) * (
                self.settings.group_concept_factor
                if coverage and self.vocabulary.is_generic(name)
                else 1.0
            )
            scale = weight * specificity / max(query_norm, 1e-9)
            slots = np.frombuffer(postings.slots, dtype=np.int64)
            weights = np.frombuffer(postings.weights, dtype=np.float32)
            np.add.at(concept, slots, weights * scale)
            del slots, weights
        levels = {
            "h6:": settings.hs_same_code,
            "h4:": settings.hs_same_heading,
            "h2:": settings.hs_same_chapter,
            "i2:": settings.isic_same_division,
            "is:": settings.isic_same_section,
        }
        for codes, target in ((query.hs, hs), (query.isic, isic)):
            for key, confidence in codes.items():
                postings = self._postings.get(key)
                if postings is None or not len(postings.slots):
                    continue
                slots = np.frombuffer(postings.slots, dtype=np.int64)
                weights = np.frombuffer(postings.weights, dtype=np.float32)
                np.maximum.at(target, slots, weights * (confidence * levels[key[:3]]))
                del slots, weights
        live = self._live
        word_keys = [
            ("w:" + token, self._idf("w:" + token))
            for token in query.words
            if live < settings.min_listings_for_word_share
            or self._df.get("w:" + token, 0) <= settings.max_word_share * live
        ]
        total = sum(idf for _key, idf in word_keys)
        for key, idf in word_keys:
            postings = self._postings.get(key)
            if postings is None or not len(postings.slots):
                continue
            slots = np.frombuffer(postings.slots, dtype=np.int64)
            np.add.at(lexical, slots, np.float32(idf / total))
            del slots
        if coverage:
            concept /= max(query_norm, 1e-9)
        else:
            norms = self._concept_norm[:candidates]
            concept = np.divide(concept, norms, out=np.zeros_like(concept), where=norms > 0)
        return {"concept": concept, "hs": hs, "isic": isic, "lexical": lexical}

    def _dense(self, query_vector: Floats, slots: Ints) -> Floats:
        """Centred cosine of the query vector with the listings in `slots`."""
        if self._centred is not None:
            # One product over the contiguous rows, then the pick: gathering the rows first would
            # copy the matrix.
            dense: Floats = self._centred[: self._size] @ query_vector
            return dense[slots]
        return self._centre_rows(slots, self._means()) @ query_vector

    def _centred_query(self, vector: Floats, language: str) -> Floats:
        means = self._applied_means if self._centred is not None else self._means()
        if language not in means:
            means = self._means()
        return _unit(vector - self._mean_for(language, means))

    def _candidates(
        self, query_vector: Floats, sparse: Mapping[str, Floats], sides: Sequence[int]
    ) -> Ints:
        """Slots worth scoring exactly: all live ones for a small index, else the best few of
        the given sides (by the sparse scores, and the nearest neighbours of the query vector)."""
        size = self._size
        if self._ann is None:
            return np.flatnonzero(self._alive[:size]).astype(np.int64)
        settings = self.settings
        partial = (
            settings.concept_weight * sparse["concept"]
            + settings.hs_weight * sparse["hs"]
            + settings.isic_weight * sparse["isic"]
            + settings.lexical_weight * sparse["lexical"]
        )
        touched = np.flatnonzero(partial)
        keep = self._alive[touched]
        if len(sides) == 1:
            keep &= self._side[touched] == sides[0]
        touched = touched[keep]
        budget = settings.sparse_candidates
        if len(touched) > budget:
            best = np.argpartition(partial[touched], -budget)
            touched = touched[best[-budget:]]
        found: list[Ints] = [touched.astype(np.int64)]
        for side in sides:
            index = self._ann[side]
            if len(index):
                matches = index.search(query_vector, count=settings.ann_candidates)
                keys = np.asarray(getattr(matches, "keys"), dtype=np.int64)  # noqa: B009
                found.append(keys[self._alive[keys]])
        return np.unique(np.concatenate(found))

    def _score(
        self,
        query: _Features,
        query_vector: Floats,
        *,
        sides: Sequence[int],
        fallback_sides: Sequence[int] = (),
        wanted: int = 0,
        coverage: bool = False,
    ) -> tuple[Ints, dict[str, Floats]]:
        sparse = self._accumulate(query, self._size, coverage=coverage)
        slots = self._candidates(query_vector, sparse, sides)
        if fallback_sides and self._ann is not None and len(slots) < wanted:
            more = self._candidates(query_vector, sparse, fallback_sides)
            slots = np.unique(np.concatenate([slots, more]))
        components = {name: values[slots] for name, values in sparse.items()}
        components["dense"] = self._dense(query_vector, slots)
        return slots, components

    def _confidence(self, query: _Features) -> float:
        """How surely the vocabulary names the query's subject, in [0, 1]: the rarity of its most
        specific concept (0 when it names only top-level groups, or none)."""
        values = [
            self._rarity("c:" + name)
            for name in query.direct
            if not self.vocabulary.is_generic(name) and self._df.get("c:" + name, 0)
        ]
        return max(values, default=0.0)

    def _relevance(
        self, components: Mapping[str, Floats], query: _Features, *, search: bool = False
    ) -> Floats:
        """The weighted sum of the components. Evidence the query cannot give passes its weight to
        the dense similarity: the concepts' weight as far as the vocabulary is unsure of the
        query's subject, the codes' when the query has none. So on a subject the vocabulary does
        not know, the language-centred dense similarity decides."""
        settings = self.settings
        confidence = self._confidence(query) if settings.confidence_shift else 1.0
        if search:
            # A few words that name a specific concept name the subject.
            confidence = 1.0 if confidence > 0 else 0.0
        concept_weight = settings.concept_weight * confidence
        hs_weight = settings.hs_weight if query.hs or not settings.confidence_shift else 0.0
        isic_weight = settings.isic_weight if query.isic or not settings.confidence_shift else 0.0
        dense_weight = settings.dense_weight + (
            settings.concept_weight
            - concept_weight
            + settings.hs_weight
            - hs_weight
            + settings.isic_weight
            - isic_weight
        )
        return (  # type: ignore[no-any-return]  # float32 arithmetic
            concept_weight * components["concept"]
            + dense_weight * np.maximum(components["dense"], 0)
            + hs_weight * components["hs"]
            + isic_weight * components["isic"]
            + settings.lexical_weight * components["lexical"]
        )

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
            return self._matches(query, listing, slots, components, score, top)

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        top: int = 20,
        side: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        """Listings about what a free-text query names, in any language, best first.

        `language` is the query's language when known (guessed from its script otherwise);
        `side` keeps offers or requests only; with `min_score`, only listings scoring at least
        that are returned (a query with no good match returns nothing).
        """
        if not query.strip() or top <= 0:
            return []
        language = language or guess_language(query)
        probe = Listing(
            id="", side="offer", kind="product", language=language, country="", title=query,
            description="",
        )  # fmt: skip
        features = self.features(probe)
        vector = self.embedder.embed_passages([query])[0]
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
        query: _Features,
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

    # --- Reasons -----------------------------------------------------------------------------

    def _reasons(
        self,
        query: _Features,
        listing: Listing | None,
        candidate: Listing,
        features: _Features,
        parts: Mapping[str, float],
    ) -> tuple[Reason, ...]:
        settings = self.settings
        vocabulary = self.vocabulary
        weighted: list[tuple[float, Reason]] = []
        # Every reason states a fact about the two texts or the codes their authors declared:
        # concepts are said as read from the words ("both mention"), codes only as declared.
        # A group concept both name (food, machinery) is too broad to be worth saying.
        shared = sorted(
            (
                name
                for name in query.direct
                if name in features.direct and not vocabulary.is_group(name)
            ),
            key=lambda name: -self._specificity(name),
        )
        if shared:
            terms = list(
                dict.fromkeys(
                    term
                    for name in shared[:3]
                    for term in (query.direct[name], features.direct[name])
                )
            )
            weighted.append(
                (
                    settings.concept_weight * max(parts["concept"], 0.5),
                    Reason(
                        "shared_terms",
                        MappingProxyType(
                            {"terms": ", ".join(terms[:6]), "concepts": ", ".join(shared[:3])}
                        ),
                    ),
                )
            )
        language = listing.language if listing is not None else "en"
        broader = sorted(
            (
                name
                for name in query.about & features.about
                if not (name in query.direct and name in features.direct)
            ),
            # The narrowest first: rarer, then deeper in the vocabulary.
            key=lambda name: (-self._specificity(name), -len(vocabulary.ancestors(name))),
        )
        if broader and not shared:
            name = broader[0]
            weighted.append(
                (
                    settings.concept_weight * parts["concept"],
                    Reason(
                        "shared_concepts",
                        MappingProxyType(
                            {"concepts": name, "terms": vocabulary.concepts[name].label(language)}
                        ),
                    ),
                )
            )
        chain = [
            (mine, theirs)
            for mine in query.direct
            for theirs in features.direct
            if mine != theirs
            and mine not in features.direct
            and theirs not in query.direct
            and (
                theirs in vocabulary.concepts[mine].related
                or mine in vocabulary.concepts[theirs].related
            )
        ]
        if chain:
            mine, theirs = chain[0]
            weighted.append(
                (
                    settings.concept_weight * parts["concept"] * settings.related_decay,
                    Reason(
                        "value_chain",
                        MappingProxyType(
                            {
                                "concepts": f"{mine}, {theirs}",
                                "mine": query.direct[mine],
                                "theirs": features.direct[theirs],
                            }
                        ),
                    ),
                )
            )
        if listing is not None:
            hs_level = _common_hs(listing.hs_codes, candidate.hs_codes)
            if hs_level is not None:
                code, reason_code = hs_level
                weighted.append(
                    (
                        settings.hs_weight * max(parts["hs"], 0.1),
                        Reason(reason_code, MappingProxyType({"code": code})),
                    )
                )
            isic = _common_isic(listing.isic_codes, candidate.isic_codes)
            if isic:
                weighted.append(
                    (
                        settings.isic_weight * max(parts["isic"], 0.1),
                        Reason("same_sector", MappingProxyType({"code": isic})),
                    )
                )
        shared_words = sorted(
            (
                token
                for token in query.words & features.words
                if len(token) > 2 or not token.isascii()
            ),
            key=lambda token: -self._idf("w:" + token),
        )
        if shared_words and parts["lexical"] > 0.05:
            weighted.append(
                (
                    settings.lexical_weight * parts["lexical"],
                    Reason(
                        "shared_words", MappingProxyType({"words": ", ".join(shared_words[:5])})
                    ),
                )
            )
        if parts["dense"] >= settings.similar_description_threshold:
            weighted.append(
                (
                    settings.dense_weight * parts["dense"],
                    Reason(
                        "similar_description",
                        MappingProxyType({"similarity": f"{parts['dense']:.2f}"}),
                    ),
                )
            )
        if listing is not None and candidate.country.upper() != listing.country.upper():
            weighted.append(
                (
                    settings.corridor_bonus,
                    Reason("other_country", MappingProxyType({"country": candidate.country})),
                )
            )
        weighted.sort(key=lambda pair: -pair[0])
        reasons = [reason for _weight, reason in weighted]
        if listing is not None:
            if candidate.side != listing.side:
                # Offer meets request: said only for opposite sides, naming which way round.
                first = Reason(
                    "complementary",
                    MappingProxyType(
                        {"side": candidate.side, "kind": candidate.kind, "yours": listing.side}
                    ),
                )
            else:
                first = Reason("same_side", MappingProxyType({"side": candidate.side}))
            reasons.insert(0, first)
        return tuple(reasons)

    def _specificity(self, concept: str) -> float:
        """How much a shared concept says, in [0, 1]: its rarity among the indexed listings,
        discounted for a group concept (machinery, food, services) that narrower ones refine."""
        weight = self._rarity("c:" + concept) ** self.settings.specificity_power
        if self.vocabulary.is_generic(concept):
            weight *= self.settings.group_concept_factor
        return weight

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


def _common_hs(mine: Iterable[str], theirs: Iterable[str]) -> tuple[str, str] | None:
    """The most precise HS level two lists of declared codes share: (code, reason code)."""
    first = ["".join(char for char in code if char.isdigit()) for code in mine]
    second = ["".join(char for char in code if char.isdigit()) for code in theirs]
    for length, reason_code in (
        (6, "same_hs_code"),
        (4, "same_hs_heading"),
        (2, "same_hs_chapter"),
    ):
        common = sorted(
            {a[:length] for a in first if len(a) >= length}
            & {b[:length] for b in second if len(b) >= length}
        )
        if common:
            return common[0], reason_code
    return None


def _common_isic(mine: Iterable[str], theirs: Iterable[str]) -> str:
    """A division (two digits) both lists of declared ISIC codes hold, or ""."""
    first = {code.strip()[:2] for code in mine if code.strip()[:2].isdigit()}
    second = {code.strip()[:2] for code in theirs if code.strip()[:2].isdigit()}
    common = sorted(first & second)
    return common[0] if common else ""


def listing_from_item(item: Mapping[str, object]) -> Listing:
    """A listing from an item of the development-set format (`lang`, `hs`)."""

    def text(key: str) -> str:
        value = item.get(key, "")
        return value if isinstance(value, str) else ""

    def codes(key: str) -> tuple[str, ...]:
        value = item.get(key, ())
        if isinstance(value, list | tuple):
            return tuple(str(code) for code in value)
        return ()

    language = text("lang") or text("language")
    return Listing(
        id=text("id"),
        side=text("side"),
        kind=text("kind"),
        language="zh" if language.lower().startswith("zh") else language,
        country=text("country"),
        title=text("title"),
        description=text("description"),
        hs_codes=codes("hs") or codes("hs_codes"),
        isic_codes=codes("isic") or codes("isic_codes"),
        owner=text("owner"),
    )


Progress = Callable[[str, int, int], None]


def rank_dataset(
    dataset: Mapping[str, object],
    *,
    top: int,
    embedder: Embedder,
    settings: EngineSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    shown: bool = False,
) -> dict[str, list[str]]:
    """Rankings of a dataset in the development-set format: query item id → item ids, best first.

    With `shown`, each list holds only what the product would show: complementary items scoring
    at least `settings.shown_threshold`, at most `top`. Raises ValueError when the dataset has no
    list of items.
    """
    raw_items = dataset.get("items")
    if not isinstance(raw_items, list):
        raise ValueError("the dataset has no list of items")
    listings = [listing_from_item(item) for item in raw_items if isinstance(item, Mapping)]
    index = MatchingIndex(embedder, settings)
    batch = 256
    for start in range(0, len(listings), batch):
        index.upsert(listings[start : start + batch])
        if progress is not None:
            progress("indexed", min(start + batch, len(listings)), len(listings))
    by_id = {listing.id: listing for listing in listings}
    raw_queries = dataset.get("queries")
    queries = [
        str(query.get("item"))
        for query in (raw_queries if isinstance(raw_queries, list) else [])
        if isinstance(query, Mapping) and str(query.get("item")) in by_id
    ]
    rankings: dict[str, list[str]] = {}
    for number, query_id in enumerate(queries, start=1):
        min_score = settings.shown_threshold if shown else None
        matches = index.recommend(by_id[query_id], top=top, min_score=min_score)
        rankings[query_id] = [match.id for match in matches]
        if progress is not None and (number % 100 == 0 or number == len(queries)):
            progress("ranked", number, len(queries))
    return rankings
