"""Every weight and threshold of the matching engine (`DEFAULT_SETTINGS` is the product's)."""

from dataclasses import dataclass, field


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
