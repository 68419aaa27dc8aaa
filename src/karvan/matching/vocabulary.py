"""A four-language vocabulary of traded goods, technologies and services, and concept extraction.

The bundled embedding model places texts of one language near each other and texts of different
languages apart, so a Persian and a Chinese listing about the same goods look unrelated to it. The
vocabulary bridges that: each concept (pistachio, packaging machine, customs clearance, ...) lists
its terms in English, Persian, Chinese and Arabic, its HS codes and ISIC divisions, the broader
concept it belongs to and the concepts next to it in a value chain. A text in any of the four
languages is turned into the concepts it mentions, and two listings are compared on those.

Words (Latin and Arabic script) are matched whole, allowing the common plural and article affixes
of English, Persian and Arabic; Chinese has no spaces, so its terms are matched as substrings. A
match inside a longer match (packaging inside packaging machine) is dropped.

Data file: `data/concepts.txt`, one concept a line: `id | broader ids | HS codes | ISIC divisions |
related ids | en terms | fa terms | zh terms | ar terms`, lists separated by commas (ids and codes
also by spaces); `#` starts a comment.

False friends are fixed at their root, not patched per listing:
- Persian and Arabic share a script but not a lexicon (Arabic تأمين is insurance, Persian تأمین is
  supply): when the text's language is known, a Persian or Arabic text is read only with the terms
  of its own language, and only with its own language's affixes (Persian has no و- or ال- prefix,
  so واردات "imports" is never آرد "flour" plus affixes).
- A form made by stripping an affix never matches a Latin term of three letters or fewer ("dried"
  is not DRI): acronyms match whole words only.
- `data/not_concepts.txt` lists phrases that contain a term but mean something else (sea cucumber,
  خیار دریایی, خشب العود): inside them the shorter term is not read. Terms with two everyday senses
  (Persian چادر tent or chador, Arabic عود agarwood or the oud) are not listed as terms at all.
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from karvan.matching.text import cjk_runs, normalise, words

DATA_FILE = Path(__file__).resolve().parent / "data" / "concepts.txt"
NOT_CONCEPTS_FILE = Path(__file__).resolve().parent / "data" / "not_concepts.txt"
LANGUAGES = ("en", "fa", "zh", "ar")
# The pseudo-concept of phrases that are not what a shorter term inside them names.
NOT_A_CONCEPT = "-"

# Affixes stripped from a word before it is looked up: English plurals and derived forms, Persian
# plurals and ezafe, Arabic article and conjunctions, feminine and plural endings (all normalised).
_PREFIXES = ("وال", "بال", "فال", "کال", "لل", "ال", "و", "ب", "ل")
_SUFFIXES = (
    "s", "es", "ing", "ed", "er", "ers",
    "هایی", "های", "ها", "یی", "ای", "ی", "ان", "ات",
    "ین", "ون", "یه", "ه",
)  # fmt: skip
# Each language's own affixes (normalised); a text of unknown language gets them all.
_LANGUAGE_PREFIXES = {"en": (), "fa": (), "zh": (), "ar": _PREFIXES}
_LANGUAGE_SUFFIXES = {
    "en": ("s", "es", "ing", "ed", "er", "ers"),
    "fa": ("هایی", "های", "ها", "یی", "ای", "ی", "ان", "ات", "ین"),
    "zh": ("s", "es", "ing", "ed", "er", "ers"),
    "ar": ("ات", "ین", "ون", "یه", "ه", "ی", "ان"),
}
_MIN_STEM = 3
# Latin terms this short (acronyms) match whole words only, never a form left by stripping.
_MAX_SHORT_TERM = 3


@dataclass(frozen=True)
class Concept:
    """One entry of the vocabulary."""

    id: str
    broader: tuple[str, ...]
    hs_codes: tuple[str, ...]
    isic_codes: tuple[str, ...]
    related: tuple[str, ...]
    terms: Mapping[str, tuple[str, ...]]

    def label(self, language: str) -> str:
        """The concept's first term in a language, or in English, or its id."""
        for code in (language, "en"):
            if self.terms.get(code):
                return self.terms[code][0]
        return self.id


@dataclass(frozen=True)
class ConceptHit:
    """A concept found in a text: how strongly (title or description) and the words that said so."""

    concept: str
    weight: float
    term: str


@dataclass(frozen=True)
class _Term:
    concept: str
    surface: str
    parts: tuple[str, ...]
    languages: frozenset[str] = frozenset(LANGUAGES)


@lru_cache(maxsize=200_000)
def word_forms(word: str, language: str = "") -> frozenset[str]:
    """The word and what remains of it after stripping a known prefix and/or suffix (of the
    text's language when it is known, of any of the four otherwise)."""
    forms = {word}
    bases = [word]
    prefixes = _LANGUAGE_PREFIXES.get(language, _PREFIXES)
    suffixes = _LANGUAGE_SUFFIXES.get(language, _SUFFIXES)
    if word.isascii():
        prefixes, suffixes = (), _LANGUAGE_SUFFIXES["en"]
    for prefix in prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            bases.append(word[len(prefix) :])
    for base in bases:
        forms.add(base)
        for suffix in suffixes:
            if base.endswith(suffix) and len(base) - len(suffix) >= _MIN_STEM:
                forms.add(base[: -len(suffix)])
        if base.endswith("ies") and len(base) > 4:
            forms.add(base[:-3] + "y")
    return frozenset(forms)


@dataclass
class Vocabulary:
    """The concepts, and indexes of their terms for extraction."""

    concepts: dict[str, Concept]
    _words: dict[str, list[_Term]] = field(default_factory=dict)
    _cjk: dict[str, list[_Term]] = field(default_factory=dict)
    _expansion: dict[str, tuple[tuple[str, float, str], ...]] = field(default_factory=dict)

    not_concepts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Which languages list each Arabic-script surface: Persian and Arabic share the script.
        listed: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for concept in self.concepts.values():
            for language, terms in concept.terms.items():
                for surface in terms:
                    key = (concept.id, normalise(surface))
                    listed.setdefault(key, (surface, set()))[1].add(language)
        for (concept_id, _key), (surface, languages) in listed.items():
            self._add_term(concept_id, surface, frozenset(languages))
        for phrase in self.not_concepts:
            self._add_term(NOT_A_CONCEPT, phrase, frozenset(LANGUAGES))

    def _add_term(self, concept: str, surface: str, languages: frozenset[str]) -> None:
        text = normalise(surface)
        if cjk_runs(text) == [text.replace(" ", "")] and text:
            term = _Term(concept, surface, (text.replace(" ", ""),), languages)
            self._cjk.setdefault(term.parts[0][0], []).append(term)
            return
        parts = tuple(words(text))
        if not parts:
            return
        self._words.setdefault(parts[0], []).append(_Term(concept, surface, parts, languages))
        if len(parts) > 1 and not parts[0].isascii():
            # Persian compounds are written with a space, a zero-width non-joiner or joined.
            joined = "".join(parts)
            self._words.setdefault(joined, []).append(_Term(concept, surface, (joined,), languages))

    def extract(self, text: str, language: str = "") -> dict[str, str]:
        """The concepts a text mentions, each with the first term that named it.

        With the text's `language` known, a Persian or Arabic text is read with its own
        language's terms and affixes only (the two share a script, not a lexicon).
        """
        found: list[tuple[int, int, int, _Term]] = []
        normalised = normalise(text)
        tokens = words(normalised)
        forms = [word_forms(token, language) for token in tokens]
        own_lexicon = language in ("fa", "ar")
        for start in range(len(tokens)):
            candidates: list[_Term] = []
            # The word as written first, then its other forms in a fixed order: a set's order
            # changes with each process's string hashing, and with it which of two terms of one
            # concept ("cashews", "cashew") a reason would quote.
            for form in sorted(forms[start], key=lambda form: (form != tokens[start], form)):
                for term in self._words.get(form, ()):
                    if (
                        form != tokens[start]
                        and form.isascii()
                        and len(term.parts[0]) <= _MAX_SHORT_TERM
                    ):
                        continue  # a short Latin term (an acronym) matches whole words only
                    candidates.append(term)
            for term in candidates:
                if own_lexicon and not term.parts[0].isascii() and language not in term.languages:
                    continue
                end = start + len(term.parts)
                if end <= len(tokens) and all(
                    term.parts[k] in forms[start + k] for k in range(1, len(term.parts))
                ):
                    found.append((0, start, end, term))
        for number, run in enumerate(cjk_runs(normalised), start=1):
            for start, char in enumerate(run):
                for term in self._cjk.get(char, ()):
                    if run.startswith(term.parts[0], start):
                        found.append((number, start, start + len(term.parts[0]), term))
        concepts: dict[str, str] = {}
        for segment, start, end, term in found:
            inside_longer = any(
                other_segment == segment
                and other_start <= start
                and end <= other_end
                and (other_end - other_start) > (end - start)
                for other_segment, other_start, other_end, _ in found
            )
            if not inside_longer and term.concept != NOT_A_CONCEPT:
                concepts.setdefault(term.concept, term.surface)
        return concepts

    def ancestors(self, concept: str) -> frozenset[str]:
        """The concept and every broader concept above it."""
        seen = {concept}
        frontier = [concept]
        while frontier:
            for parent in self.concepts[frontier.pop()].broader:
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return frozenset(seen)

    def is_generic(self, concept: str) -> bool:
        """Whether the concept is a top-level group (machinery, services, partnership): narrower
        concepts refine it and no broader one contains it."""
        return not self.concepts[concept].broader and self.is_group(concept)

    def is_group(self, concept: str) -> bool:
        """Whether other concepts name a narrower kind of this one (machinery, food, services)."""
        return concept in self._groups

    @property
    def _groups(self) -> frozenset[str]:
        groups = self.__dict__.get("_group_cache")
        if groups is None:
            groups = frozenset(
                parent for concept in self.concepts.values() for parent in concept.broader
            )
            self.__dict__["_group_cache"] = groups
        return groups

    def expansion(
        self, concept: str, broader_decay: float, related_decay: float
    ) -> tuple[tuple[str, float, str], ...]:
        """The concept, its broader concepts and its related ones, with their weights and roles."""
        key = f"{concept}:{broader_decay}:{related_decay}"
        if key not in self._expansion:
            weights: dict[str, tuple[float, str]] = {concept: (1.0, "self")}
            frontier = [(concept, 1.0)]
            while frontier:
                current, weight = frontier.pop()
                for parent in self.concepts[current].broader:
                    parent_weight = weight * broader_decay
                    if parent_weight > weights.get(parent, (0.0, ""))[0]:
                        weights[parent] = (parent_weight, "broader")
                        frontier.append((parent, parent_weight))
            for neighbour in self.concepts[concept].related:
                if related_decay > weights.get(neighbour, (0.0, ""))[0]:
                    weights[neighbour] = (related_decay, "related")
            self._expansion[key] = tuple(
                (name, weight, role) for name, (weight, role) in weights.items()
            )
        return self._expansion[key]

    def hs_codes(self, concepts: Iterable[str]) -> set[str]:
        """HS codes of the concepts, a concept without codes taking its broader concept's."""
        codes: set[str] = set()
        for name in concepts:
            current: str | None = name
            while current is not None:
                concept = self.concepts[current]
                if concept.hs_codes:
                    codes.update(concept.hs_codes)
                    break
                current = concept.broader[0] if concept.broader else None
        return codes

    def isic_codes(self, concepts: Iterable[str]) -> set[str]:
        """ISIC divisions of the concepts, a concept without codes taking its broader concept's."""
        codes: set[str] = set()
        for name in concepts:
            current: str | None = name
            while current is not None:
                concept = self.concepts[current]
                if concept.isic_codes:
                    codes.update(concept.isic_codes)
                    break
                current = concept.broader[0] if concept.broader else None
        return codes


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.replace("،", ",").split(",") if part.strip())


def parse_vocabulary(lines: Sequence[str], not_concepts: Sequence[str] = ()) -> Vocabulary:
    """Read the concept lines (and the phrases that are no concept, one a line); raise ValueError
    naming the line of a malformed entry."""
    concepts: dict[str, Concept] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != 5 + len(LANGUAGES):
            raise ValueError(
                f"line {number}: expected {5 + len(LANGUAGES)} fields, got {len(cells)}"
            )
        name, broader, hs, isic, related = cells[:5]
        if name in concepts:
            raise ValueError(f"line {number}: concept {name!r} defined twice")
        concepts[name] = Concept(
            id=name,
            broader=tuple(broader.replace(",", " ").split()),
            hs_codes=tuple(hs.replace(",", " ").split()),
            isic_codes=tuple(isic.replace(",", " ").split()),
            related=tuple(related.replace(",", " ").split()),
            terms={code: _split(cell) for code, cell in zip(LANGUAGES, cells[5:], strict=True)},
        )
    for concept in concepts.values():
        for other in (*concept.broader, *concept.related):
            if other not in concepts:
                raise ValueError(f"concept {concept.id!r} refers to unknown concept {other!r}")
    phrases = tuple(
        line.split("#", 1)[0].strip() for line in not_concepts if line.split("#", 1)[0].strip()
    )
    return Vocabulary(concepts, not_concepts=phrases)


_DEFAULT_LOCK = threading.Lock()


def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with Karvan, read once per process: one object, which feature
    caches and indexes compare by identity. Under a lock: a web worker's threads asking at once
    each read one, and the last read replaced the first, so every later index refused the store's
    feature cache ("made for other … vocabulary") and half the load test's pages failed."""
    with _DEFAULT_LOCK:
        return _read_default_vocabulary()


@cache
def _read_default_vocabulary() -> Vocabulary:
    return parse_vocabulary(
        DATA_FILE.read_text(encoding="utf-8").splitlines(),
        NOT_CONCEPTS_FILE.read_text(encoding="utf-8").splitlines(),
    )
