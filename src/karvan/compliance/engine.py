"""The screening matcher: a name against a sanctions list, in Persian, Arabic, Chinese and Latin.

Problem. A centre must know whether an organisation, a signatory or an owner is on a sanctions
list. Names reach it in Persian, Arabic or Chinese script or in one of many romanisations; the lists
write them mostly in Latin letters, sometimes with an alias in the original script.

Inputs and outputs. Plain frozen dataclasses: `ListEntity` (a list entry: names and aliases,
countries, birth dates, identifiers) into a `ScreeningIndex`; `Query` in, `Candidate`s out, each
with its score in [0, 1] and the `Reason`s (stable codes with parameters) that the Django layer
shows the compliance officer in their language. Nothing here imports Django or another Karvan app.

Method.
1. Names are parsed per script (`names.py`): normalised, legal forms taken out, generic words
   turned into language-neutral concepts, each remaining part keyed for comparison across scripts
   (romanisation-neutral Latin, consonant skeleton, long-vowel key; pinyin for Chinese).
2. Retrieval: an inverted index of part keys (the romanisation-neutral spelling, the long-vowel
   key and its one-deletion neighbours for typos, the keys of adjacent parts written joined) and
   of identifiers. A query's keys, weighted by rarity, vote for entities; only the best
   `EngineSettings.candidates` are scored. A million entities are never compared one by one.
3. Scoring: the parts of the query's and the entity's names are aligned regardless of order
   (greedily, by similarity, also trying adjacent parts merged: Abdol Reza/Abdolreza, Hua Xin/
   Huaxin); each pair is scored by an edit-distance measure suited to its kind: optimal string
   alignment (a transposition is one edit) on the romanisation-neutral forms for Latin, skeleton
   and long-vowel keys across scripts; pinyin syllables equal or not at all (Zhang is not Zheng),
   older spellings as equivalents (Hsu, Wong), one edit for short parts that are not syllables.
   The name score is the weighted share of aligned parts (weights by rarity in the list, generic
   words and articles light); parts only one side has weigh less than parts both sides have and
   that disagree.
4. Evidence beyond the name: an identifier (registry id, Chinese USCC, Iranian national id) that is
   equal decides a match; one of the same scheme that differs, a country or a birth year that
   disagrees, or incompatible legal forms lower the score.

Reason codes: identifier {value, scheme}; identifier_mismatch {scheme}; name {query, entity,
similarity}; part {query, entity, how, similarity} with how in exact, spelling, romanisation,
transliteration, pinyin, concept; country_mismatch {query, entity}; birth_date_mismatch {query,
entity}; legal_form_mismatch {query, entity}.
"""

import math
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from karvan.compliance.compare import (
    Alignment,
    EngineSettings,
    compare_names,
    part_similarity,
)
from karvan.compliance.names import (
    ARABIC,
    CONCEPT,
    HAN,
    LATIN,
    STOP,
    ParsedName,
    Part,
    identifier_scheme,
    merged,
    normalise_identifier,
    parse_names,
)

MATCHER_VERSION = "karvan-screening-1"

PERSON = "Person"
ORGANISATION_SCHEMAS = frozenset(
    {"Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"}
)


@dataclass(frozen=True, slots=True)
class ListEntity:
    """An entry of a sanctions list."""

    id: str
    schema: str
    names: tuple[str, ...]
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """What is screened: a person or an organisation, by its names in any script."""

    id: str
    schema: str
    names: tuple[str, ...]
    countries: tuple[str, ...] = ()
    birth_date: str = ""
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return dict(self.params)


@dataclass(frozen=True, slots=True)
class Candidate:
    entity_id: str
    score: float
    reasons: tuple[Reason, ...]


def _reason(code: str, **params: object) -> Reason:
    return Reason(code=code, params=tuple((k, str(v)) for k, v in params.items()))


def _is_person(schema: str) -> bool:
    return schema == PERSON


def schemas_compatible(query_schema: str, entity_schema: str) -> bool:
    if _is_person(query_schema) or _is_person(entity_schema):
        return _is_person(query_schema) and _is_person(entity_schema)
    return entity_schema in ORGANISATION_SCHEMAS or entity_schema == "Thing"


# --- the index ----------------------------------------------------------------------------------


def part_keys(part: Part, *, for_query: bool) -> set[str]:
    """Retrieval keys of a part; a query's include one-deletion neighbours entries may lack."""
    if part.is_generic:
        return set()
    keys: set[str] = set()
    if part.script == LATIN:
        keys.add("c:" + part.canon)
        keys.update("c:" + alternative for alternative in part.alternatives)
    elif part.script == ARABIC:
        keys.add("a:" + part.plain)
    vowel_key = part.vowel_key
    if len(vowel_key) >= 2:
        keys.add("v:" + vowel_key)
        if len(vowel_key) >= (4 if for_query else 5):
            keys.update("v:" + vowel_key[:i] + vowel_key[i + 1 :] for i in range(len(vowel_key)))
    return keys


def _name_keys(parsed: ParsedName, *, for_query: bool) -> set[str]:
    keys: set[str] = set()
    parts = parsed.parts
    for part in parts:
        keys |= part_keys(part, for_query=for_query)
    for index in range(len(parts) - 1):
        left, right = parts[index], parts[index + 1]
        if not left.is_generic and not right.is_generic and len(parts) <= 6:
            keys |= part_keys(merged((left, right)), for_query=for_query)
    if not keys:
        # A name made only of generic words is still findable by them.
        keys = {"g:" + p.plain for p in parts}
    return keys


def _year(date: str) -> str:
    return date[:4] if len(date) >= 4 and date[:4].isdigit() else ""


@dataclass
class ScreeningIndex:
    """Sanctions-list entities, searchable by name keys and identifiers."""

    settings: EngineSettings = field(default_factory=EngineSettings)
    _entities: list[ListEntity] = field(default_factory=list)
    _positions: dict[str, int] = field(default_factory=dict)
    # Quoted: array takes type arguments at run time only from Python 3.12.
    _postings: dict[str, "array[int]"] = field(default_factory=dict)
    _alive: int = 0

    def __len__(self) -> int:
        return self._alive

    def add(self, entity: ListEntity) -> None:
        """Add an entity, or replace the one with its id."""
        if entity.id in self._positions:
            self.remove(entity.id)
        position = len(self._entities)
        self._entities.append(entity)
        self._positions[entity.id] = position
        self._alive += 1
        keys: set[str] = set()
        for parsed in parse_names(entity.names, is_person=_is_person(entity.schema)):
            keys |= _name_keys(parsed, for_query=False)
        keys.update("i:" + normalise_identifier(v) for v in entity.identifiers if v.strip())
        for key in keys:
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = array("I")
            postings.append(position)

    def extend(self, entities: Iterable[ListEntity]) -> None:
        for entity in entities:
            self.add(entity)

    def remove(self, entity_id: str) -> None:
        """Forget an entity; its postings are skipped from then on."""
        position = self._positions.pop(entity_id, None)
        if position is not None:
            self._alive -= 1

    def get(self, entity_id: str) -> ListEntity | None:
        position = self._positions.get(entity_id)
        return None if position is None else self._entities[position]

    def _live(self, position: int) -> ListEntity | None:
        entity = self._entities[position]
        return entity if self._positions.get(entity.id) == position else None

    def _frequency(self, key: str) -> int:
        postings = self._postings.get(key)
        return len(postings) if postings is not None else 0

    def part_weight(self, part: Part) -> float:
        """Rarer parts weigh more; generic words and articles weigh little."""
        if part.script == STOP:
            return 0.1
        if part.script == CONCEPT:
            return 0.3
        frequency = self._frequency("v:" + part.vowel_key) if len(part.vowel_key) >= 2 else 0
        share = frequency / max(self._alive, 1)
        if frequency <= 3 or share <= 0.001:
            return 1.0
        return max(0.4, 1.0 - 0.2 * math.log10(share / 0.001))

    def candidates(self, query: Query, parsed: Sequence[ParsedName]) -> list[int]:
        """Entity positions worth scoring: those sharing rare keys or an identifier with it."""
        votes: dict[int, float] = {}
        keys: set[str] = set()
        for name in parsed:
            keys |= _name_keys(name, for_query=True)
        common = max(1000, int(self._alive * self.settings.common_key_share))
        frequencies = {key: self._frequency(key) for key in keys}
        has_rare = any(0 < f <= common for f in frequencies.values())
        for key, frequency in frequencies.items():
            if frequency == 0 or (has_rare and frequency > common):
                continue
            weight = math.log(1 + self._alive / frequency)
            for position in self._postings[key]:
                votes[position] = votes.get(position, 0.0) + weight
        ranked = sorted(votes, key=lambda position: -votes[position])
        chosen = ranked[: self.settings.candidates]
        for identifier in query.identifiers:
            for position in self._postings.get("i:" + normalise_identifier(identifier), ()):
                if position not in chosen:
                    chosen.append(position)
        return chosen

    def screen(self, query: Query, *, threshold: float = 0.0) -> list[Candidate]:
        """The list entities that may be the query, best first, with their explanations."""
        parsed = parse_names(query.names, is_person=_is_person(query.schema))
        results = []
        for position in self.candidates(query, parsed):
            entity = self._live(position)
            if entity is None or not schemas_compatible(query.schema, entity.schema):
                continue
            candidate = score_entity(query, parsed, entity, self.part_weight, self.settings)
            if candidate.score >= threshold and candidate.score > 0:
                results.append(candidate)
        results.sort(key=lambda c: (-c.score, c.entity_id))
        return results


# --- scoring --------------------------------------------------------------------------------------


WeightFunction = Callable[[Part], float]


class _Weights(dict[Part, float]):
    def __init__(self, weigh: WeightFunction) -> None:
        super().__init__()
        self._weigh = weigh

    def __missing__(self, part: Part) -> float:
        value = self[part] = self._weigh(part)
        return value

    # Every part has a weight (computed on first use), so `default` is never returned.
    def get(self, part: Part, default: float | None = None) -> float:  # type: ignore[override]
        return self[part]


def _uniform(part: Part) -> float:
    return 0.1 if part.script == STOP else 0.3 if part.script == CONCEPT else 1.0


def score_entity(
    query: Query,
    parsed: Sequence[ParsedName],
    entity: ListEntity,
    weigh: WeightFunction | None = None,
    settings: EngineSettings | None = None,
) -> Candidate:
    """Score one list entity against a query, with the reasons for the score."""
    settings = settings or EngineSettings()
    weights = _Weights(weigh or _uniform)
    reasons: list[Reason] = []
    entity_names = parse_names(entity.names, is_person=_is_person(entity.schema))
    best = Alignment(0.0, ())
    best_pair: tuple[ParsedName, ParsedName] | None = None
    best_exact = 0
    for q_name in parsed:
        for e_name in entity_names:
            result = compare_names(q_name, e_name, weights, settings)
            # Between equal scores, the alias written as the query is written explains best.
            exact = sum(1 for pair in result.pairs if pair[3] == "exact")
            if (result.score, exact) > (best.score, best_exact):
                best, best_pair, best_exact = result, (q_name, e_name), exact
    score = best.score
    if best_pair is not None and score > 0:
        reasons.append(
            _reason(
                "name",
                query=best_pair[0].original,
                entity=best_pair[1].original,
                similarity=f"{score:.2f}",
            )
        )
        for q_part, e_part, similarity, how in best.pairs:
            if q_part.is_generic and q_part.script == STOP:
                continue
            reasons.append(
                _reason(
                    "part",
                    query=q_part.text,
                    entity=e_part.text,
                    how=how,
                    similarity=f"{similarity:.2f}",
                    reading=q_part.transliteration or e_part.transliteration,
                )
            )
        q_forms, e_forms = best_pair[0].legal_forms, best_pair[1].legal_forms
        if _forms_conflict(q_forms, e_forms):
            score *= settings.legal_form_factor
            reasons.append(
                _reason(
                    "legal_form_mismatch",
                    query=",".join(sorted(q_forms)),
                    entity=",".join(sorted(e_forms)),
                )
            )

    query_ids = {normalise_identifier(v) for v in query.identifiers if v.strip()}
    entity_ids = {normalise_identifier(v) for v in entity.identifiers if v.strip()}
    shared = query_ids & entity_ids
    if shared:
        value = sorted(shared)[0]
        return Candidate(
            entity.id,
            1.0,
            (_reason("identifier", value=value, scheme=identifier_scheme(value)), *reasons),
        )
    query_schemes = {identifier_scheme(v) for v in query_ids} - {"other"}
    entity_schemes = {identifier_scheme(v) for v in entity_ids}
    for scheme in sorted(query_schemes & entity_schemes):
        score *= settings.identifier_mismatch_factor
        reasons.append(_reason("identifier_mismatch", scheme=scheme))

    query_countries = {c.upper() for c in query.countries if c}
    entity_countries = {c.upper() for c in entity.countries if c}
    if query_countries and entity_countries and not query_countries & entity_countries:
        score *= settings.country_factor
        reasons.append(
            _reason(
                "country_mismatch",
                query=",".join(sorted(query_countries)),
                entity=",".join(sorted(entity_countries)),
            )
        )
    query_year = _year(query.birth_date)
    entity_years = {_year(d) for d in entity.birth_dates} - {""}
    if query_year and entity_years and all(abs(int(query_year) - int(y)) > 1 for y in entity_years):
        score *= settings.birth_date_factor
        reasons.append(
            _reason(
                "birth_date_mismatch", query=query.birth_date, entity=",".join(sorted(entity_years))
            )
        )
    return Candidate(entity.id, round(score, 4), tuple(reasons))


def _forms_conflict(query: frozenset[str], entity: frozenset[str]) -> bool:
    # An LLC is as often written Co., Ltd.; a plain "company" fits every form.
    def family(forms: frozenset[str]) -> set[str]:
        return {"limited" if f in ("llc", "ltd") else f for f in forms} - {"company"}

    left, right = family(query), family(entity)
    return bool(left and right and not left & right)


def subjects_resembling(
    subjects: Iterable[Query], changed: Iterable[ListEntity], *, threshold: float
) -> set[str]:
    """The ids of the subjects that changed list entries may concern: the subjects are indexed and
    each changed entry is screened against them, so a list version changing a thousand entries
    costs a thousand look-ups, however many subjects there are. A margin below the threshold
    keeps those the full screening may still raise."""
    index = ScreeningIndex()
    for subject in subjects:
        birth = (subject.birth_date,) if subject.birth_date else ()
        index.add(
            ListEntity(
                subject.id,
                subject.schema,
                subject.names,
                subject.countries,
                birth,
                subject.identifiers,
            )
        )
    found: set[str] = set()
    for entry in changed:
        query = Query(
            id=entry.id,
            schema=entry.schema,
            names=entry.names,
            countries=entry.countries,
            birth_date=entry.birth_dates[0] if entry.birth_dates else "",
            identifiers=entry.identifiers,
        )
        found.update(c.entity_id for c in index.screen(query, threshold=threshold - 0.1))
    return found


def screen_names(
    entities: Iterable[ListEntity], queries: Iterable[Query], *, threshold: float
) -> dict[str, list[Candidate]]:
    """Screen queries against a list built for the occasion (the benchmark's command)."""
    index = ScreeningIndex()
    index.extend(entities)
    return {query.id: index.screen(query, threshold=threshold) for query in queries}


__all__ = [
    "HAN",
    "MATCHER_VERSION",
    "Candidate",
    "EngineSettings",
    "ListEntity",
    "Query",
    "Reason",
    "ScreeningIndex",
    "part_similarity",
    "schemas_compatible",
    "score_entity",
    "screen_names",
    "subjects_resembling",
]
