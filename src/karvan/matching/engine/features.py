"""What the engine reads from a listing: concepts, HS and ISIC codes, words.

Concepts come from the four-language vocabulary (`vocabulary.py`), expanded to broader and
value-chain-related ones; codes are those the author declared and those the concepts below the
top-level groups imply; words are the normalised text's tokens and Chinese character pairs.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from karvan.matching.engine.records import Listing
from karvan.matching.engine.settings import EngineSettings
from karvan.matching.text import lexical_tokens, normalise
from karvan.matching.vocabulary import Vocabulary

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
class Features:
    """What the engine reads from one listing."""

    concepts: Mapping[str, float]  # expanded: own concepts, broader and related ones
    direct: Mapping[str, str]  # concepts the text names, with the term that named them
    about: frozenset[str]  # the concepts named and every broader one (never value-chain ones)
    hs: Mapping[str, float]  # "h6:080251", "h4:0802", "h2:08" → confidence
    isic: Mapping[str, float]  # "i2:10", "is:C" → confidence
    words: frozenset[str]  # the text's and its translations' (what is matched on)
    stated_words: frozenset[str]  # the author's own text's only (what reasons may quote)


def read_features(listing: Listing, settings: EngineSettings, vocabulary: Vocabulary) -> Features:
    """Concepts, codes and words of a listing (a pure function of its text, codes and settings)."""
    direct: dict[str, str] = {}
    strength: dict[str, float] = {}
    for text, weight in (
        (listing.title, settings.title_weight),
        (listing.description, settings.description_weight),
    ):
        for concept, term in vocabulary.extract(text, listing.language).items():
            direct.setdefault(concept, term)
            strength[concept] = max(strength.get(concept, 0.0), weight)
    # A machine translation adds what it names, as a description would, but names no term a
    # reason could quote: the author did not write it.
    for language, translated in listing.translations:
        for concept in vocabulary.extract(translated, language):
            strength[concept] = max(strength.get(concept, 0.0), settings.description_weight)
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
    translated_tokens = frozenset(
        token
        for _language, translated in listing.translations
        for token in lexical_tokens(normalise(translated))
        if not token.isdigit()
    )
    return Features(
        concepts=MappingProxyType(concepts),
        direct=MappingProxyType(direct),
        about=frozenset().union(*(vocabulary.ancestors(name) for name in direct)),
        hs=MappingProxyType(hs),
        isic=MappingProxyType(isic),
        words=tokens | translated_tokens,
        stated_words=tokens,
    )


# The format of `features_to_data`, and of what `read_features` computes: bumped when either
# changes, so that features stored by an older version are read again, not trusted.
FEATURES_FORMAT = 2


def features_to_data(features: Features) -> dict[str, object]:
    """Features as JSON-ready data (a store keeps them beside the listing: reading them back
    costs a tenth of computing them)."""
    return {
        "concepts": dict(features.concepts),
        "direct": dict(features.direct),
        "about": sorted(features.about),
        "hs": dict(features.hs),
        "isic": dict(features.isic),
        "stated_words": sorted(features.stated_words),
        "other_words": sorted(features.words - features.stated_words),
    }


def features_from_data(data: Mapping[str, object]) -> Features:
    """The features `features_to_data` wrote, as JSON gave them back (names as strings, weights
    as floats): copied whole, not element by element, which was most of a ranking's reading of
    its candidates."""

    def weights(name: str) -> Mapping[str, float]:
        value = data[name]
        assert isinstance(value, dict)  # noqa: S101  # the format written above
        return MappingProxyType(dict(value))

    def names(name: str) -> frozenset[str]:
        value = data[name]
        assert isinstance(value, list)  # noqa: S101
        return frozenset(value)

    direct = data["direct"]
    assert isinstance(direct, dict)  # noqa: S101
    stated = names("stated_words")
    return Features(
        concepts=weights("concepts"),
        direct=MappingProxyType(dict(direct)),
        about=names("about"),
        hs=weights("hs"),
        isic=weights("isic"),
        words=stated | names("other_words"),
        stated_words=stated,
    )


def feature_keys(features: Features) -> Iterable[tuple[str, float]]:
    """The posting keys of a listing's features, with their weights."""
    yield from (("c:" + name, weight) for name, weight in features.concepts.items())
    yield from features.hs.items()
    yield from features.isic.items()
    yield from (("w:" + token, 1.0) for token in features.words)


@dataclass(frozen=True)
class QueryKeys:
    """The features one query reads of the listings it is scored against: its concepts (those
    it weighs, and those it names and their broader ones, which reasons compare), its codes and
    its words."""

    concepts: frozenset[str]
    codes: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, query: Features) -> "QueryKeys":
        return cls(
            concepts=frozenset(query.concepts) | frozenset(query.direct) | query.about,
            codes=frozenset(query.hs) | frozenset(query.isic),
            words=query.words | query.stated_words,
        )

    def covers(self, query: Features) -> bool:
        """Whether every feature `query` reads is among these."""
        read = QueryKeys.of(query)
        return (
            self.concepts >= read.concepts and self.codes >= read.codes and self.words >= read.words
        )

    def keys_of(self, features: Features) -> list[tuple[str, float]]:
        """`feature_keys(features)` restricted to these: set intersections, not a walk over
        every feature of the listing."""
        concepts, codes = features.concepts, {**features.hs, **features.isic}
        return [
            *(("c:" + name, concepts[name]) for name in self.concepts & concepts.keys()),
            *((key, codes[key]) for key in self.codes & codes.keys()),
            *(("w:" + token, 1.0) for token in self.words & features.words),
        ]


class FeatureCache:
    """The features of the latest listings read, shared by indexes over the same settings and
    vocabulary (thread-safe, bounded: the least recently used go first).

    Features are a pure function of a listing's fields, so a listing equal to one read before
    (same text, codes, translations…) reuses its features: a store that builds a small index over
    each query's candidates reads a candidate seen by an earlier query only once.
    """

    def __init__(
        self, settings: EngineSettings, vocabulary: Vocabulary, *, size: int = 4096
    ) -> None:
        self.settings = settings
        self.vocabulary = vocabulary
        self.size = size
        self._lock = threading.Lock()
        self._features: OrderedDict[Listing, Features] = OrderedDict()

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, listing: object) -> bool:
        with self._lock:
            return listing in self._features

    def get(self, listing: Listing) -> Features:
        with self._lock:
            cached = self._features.get(listing)
            if cached is not None:
                self._features.move_to_end(listing)
                return cached
        features = read_features(listing, self.settings, self.vocabulary)
        self.put(listing, features)
        return features

    def put(self, listing: Listing, features: Features) -> None:
        """Keep features read elsewhere (a store that kept them beside the listing)."""
        with self._lock:
            self._features[listing] = features
            self._features.move_to_end(listing)
            while len(self._features) > self.size:
                self._features.popitem(last=False)
