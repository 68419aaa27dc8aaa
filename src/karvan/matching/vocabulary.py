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
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from karvan.matching.text import cjk_runs, normalise, words

DATA_FILE = Path(__file__).resolve().parent / "data" / "concepts.txt"
LANGUAGES = ("en", "fa", "zh", "ar")

# Affixes stripped from a word before it is looked up: English plurals and derived forms, Persian
# plurals and ezafe, Arabic article and conjunctions, feminine and plural endings (all normalised).
_PREFIXES = ("وال", "بال", "فال", "کال", "لل", "ال", "و", "ب", "ل")
_SUFFIXES = (
    "s", "es", "ing", "ed", "er", "ers",
    "هایی", "های", "ها", "یی", "ای", "ی", "ان", "ات",
    "ین", "ون", "یه", "ه",
)  # fmt: skip
_MIN_STEM = 3


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


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> frozenset[str]:
    """The word and what remains of it after stripping a known prefix and/or suffix."""
    forms = {word}
    bases = [word]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            bases.append(word[len(prefix) :])
    for base in bases:
        forms.add(base)
        for suffix in _SUFFIXES:
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

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for terms in concept.terms.values():
                for surface in terms:
                    self._add_term(concept.id, surface)

    def _add_term(self, concept: str, surface: str) -> None:
        text = normalise(surface)
        if cjk_runs(text) == [text.replace(" ", "")] and text:
            term = _Term(concept, surface, (text.replace(" ", ""),))
            self._cjk.setdefault(term.parts[0][0], []).append(term)
            return
        parts = tuple(words(text))
        if not parts:
            return
        self._words.setdefault(parts[0], []).append(_Term(concept, surface, parts))
        if len(parts) > 1 and not parts[0].isascii():
            # Persian compounds are written with a space, a zero-width non-joiner or joined.
            joined = "".join(parts)
            self._words.setdefault(joined, []).append(_Term(concept, surface, (joined,)))

    def extract(self, text: str) -> dict[str, str]:
        """The concepts a text mentions, each with the first term that named it."""
        found: list[tuple[int, int, int, _Term]] = []
        normalised = normalise(text)
        tokens = words(normalised)
        forms = [word_forms(token) for token in tokens]
        for start in range(len(tokens)):
            candidates: list[_Term] = []
            for form in forms[start]:
                candidates.extend(self._words.get(form, ()))
            for term in candidates:
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
            if not inside_longer:
                concepts.setdefault(term.concept, term.surface)
        return concepts

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


def parse_vocabulary(lines: Sequence[str]) -> Vocabulary:
    """Read the concept lines; raise ValueError naming the line of a malformed entry."""
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
    return Vocabulary(concepts)


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with Karvan (read once)."""
    return parse_vocabulary(DATA_FILE.read_text(encoding="utf-8").splitlines())
