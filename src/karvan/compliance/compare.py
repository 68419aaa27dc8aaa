"""Comparing two parsed names: part against part across scripts, then parts aligned regardless of
order, with adjacent parts also tried merged (plain Python; used by `engine`).

`part_similarity` scores two parts by a measure suited to their kind (optimal string alignment on
romanisation-neutral forms, consonant skeleton and long-vowel keys across scripts, pinyin
syllables equal or not at all); `align` pairs the parts of two names greedily by similarity and
weighs the pairing; `compare_names` keeps the best pairing over the merged variants.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from karvan.compliance.names import (
    ARABIC,
    CONCEPT,
    STOP,
    ParsedName,
    Part,
    arabic_part,
    is_known_chinese_spelling,
    is_pinyin_syllable,
    merged,
)


@dataclass(frozen=True, slots=True)
class EngineSettings:
    candidates: int = 40
    part_floor: float = 0.75
    surplus_weight: float = 0.75
    country_factor: float = 0.72
    birth_date_factor: float = 0.7
    identifier_mismatch_factor: float = 0.6
    legal_form_factor: float = 0.95
    common_key_share: float = 0.02


# --- part similarity --------------------------------------------------------------------------


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    # Optimal string alignment: a transposition (Karman/Kamran) is one edit, not two.
    return float(OSA.normalized_similarity(a, b))


def _short_similarity(a: str, b: str) -> float:
    """Short parts (Li, Wie for Wei): one edit (a transposition too) allowed when the first letter
    agrees; two valid pinyin syllables never get here."""
    if a == b:
        return 1.0
    if len(a) >= 2 and len(b) >= 2 and a[0] == b[0] and OSA.distance(a, b) == 1:
        return 0.75
    return 0.0


def _cross_script(latin: Part, arabic: Part) -> float:
    score = _cross_keys(latin, arabic.skeleton, arabic.vowel_key)
    if arabic.whole:
        whole = arabic_part(arabic.whole)
        score = max(score, _cross_keys(latin, whole.skeleton, whole.vowel_key))
    return score


def _cross_keys(latin: Part, skeleton: str, vowel_key: str) -> float:
    arabic = Part(text="", script=ARABIC, plain="", skeleton=skeleton, vowel_key=vowel_key)
    if max(len(latin.skeleton), len(arabic.skeleton)) <= 1:
        return 1.0 if latin.vowel_key == arabic.vowel_key and latin.vowel_key else 0.0
    if min(len(latin.vowel_key), len(arabic.vowel_key)) <= 2:
        return 1.0 if latin.vowel_key == arabic.vowel_key else 0.0
    return 0.3 * _similar(latin.skeleton, arabic.skeleton) + 0.7 * _similar(
        latin.vowel_key, arabic.vowel_key
    )


@lru_cache(maxsize=262144)
def part_similarity(a: Part, b: Part) -> tuple[float, str]:
    """How alike two name parts are, in [0, 1], and how they were found alike."""
    if STOP in (a.script, b.script) or CONCEPT in (a.script, b.script):
        same = a.script == b.script and a.plain == b.plain
        return (1.0, "concept" if a.script == CONCEPT else "exact") if same else (0.0, "")
    if a.script == ARABIC and b.script == ARABIC:
        if a.plain == b.plain:
            return 1.0, "exact"
        return max(_similar(a.plain, b.plain), 0.95 * _cross_script(a, b)), "spelling"
    if ARABIC in (a.script, b.script):
        latin, arabic = (a, b) if b.script == ARABIC else (b, a)
        return _cross_script(latin, arabic), "transliteration"
    how = "pinyin" if a.transliteration or b.transliteration else "romanisation"
    if a.plain == b.plain:
        return 1.0, "pinyin" if how == "pinyin" else "exact"
    if (a.alternatives | {a.plain}) & (b.alternatives | {b.plain}):
        return 0.95, how
    if is_pinyin_syllable(a.plain) and is_pinyin_syllable(b.plain):
        # Two different syllables are two different characters (Zhang 张, Zheng 郑, Zeng 曾).
        return 0.0, how
    if min(len(a.plain), len(b.plain)) <= 3:
        if is_known_chinese_spelling(a.plain) and is_known_chinese_spelling(b.plain):
            return 0.0, how  # Ho and Hu, Hsu and Hu: two names, not a typo
        return _short_similarity(a.plain, b.plain), how
    if a.canon == b.canon:
        return 0.95, how
    score = max(_similar(a.canon, b.canon), _similar(a.plain, b.plain))
    if a.canon[:1] != b.canon[:1]:
        # A different first letter (Walid, Khalid) is rarely a slip of the pen.
        score *= 0.9
    return score, "spelling"


# --- alignment ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alignment:
    score: float
    pairs: tuple[tuple[Part, Part, float, str], ...]


def _variants(parts: tuple[Part, ...], limit: int) -> list[tuple[Part, ...]]:
    """The parts as written and with adjacent parts merged (Shen Zhen → Shenzhen), down to
    `limit` parts; at most a dozen variants."""
    variants = [parts]
    if len(parts) <= limit or len(parts) > 8:
        return variants
    frontier = [parts]
    seen = {parts}
    while frontier and len(variants) < 12:
        current = frontier.pop(0)
        if len(current) <= limit:
            continue
        for index in range(len(current) - 1):
            left, right = current[index], current[index + 1]
            if left.is_generic or right.is_generic:
                continue
            if (left.script == ARABIC) != (right.script == ARABIC):
                continue
            variant = (*current[:index], merged((left, right)), *current[index + 2 :])
            if variant not in seen:
                seen.add(variant)
                variants.append(variant)
                frontier.append(variant)
    return variants


def align(
    query: Sequence[Part],
    entity: Sequence[Part],
    weights: Mapping[Part, float],
    settings: EngineSettings,
) -> Alignment:
    """Pair the parts of two names, order-independently, and score the pairing."""
    cells = []
    for i, q in enumerate(query):
        for j, e in enumerate(entity):
            similarity, how = part_similarity(q, e)
            if similarity >= settings.part_floor:
                cells.append((similarity, i, j, how))
    cells.sort(key=lambda cell: -cell[0])
    used_q: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    matched = 0.0
    for similarity, i, j, how in cells:
        if i in used_q or j in used_e:
            continue
        used_q.add(i)
        used_e.add(j)
        weight = max(weights.get(query[i], 1.0), weights.get(entity[j], 1.0))
        matched += 2 * weight * similarity
        pairs.append((query[i], entity[j], similarity, how))
    left_q = [weights.get(p, 1.0) for i, p in enumerate(query) if i not in used_q]
    left_e = [weights.get(p, 1.0) for j, p in enumerate(entity) if j not in used_e]
    total = 2 * sum(max(weights.get(q, 1.0), weights.get(e, 1.0)) for q, e, _s, _h in pairs)
    if not pairs or total == 0:
        return Alignment(0.0, ())
    # Parts on both sides left unpaired disagree; parts only one side has are missing detail.
    # Generic words left on both sides (Electronics here, Trading there) disagree too: they
    # weigh twice their usual weight.
    conflict = bool(left_q and left_e)
    surplus = 1.0 if conflict else settings.surplus_weight
    total += surplus * (sum(left_q) + sum(left_e))
    if conflict:
        total += sum(
            weights.get(p, 1.0)
            for side, used in ((query, used_q), (entity, used_e))
            for i, p in enumerate(side)
            if i not in used and p.script == CONCEPT
        )
    real_pairs = [p for p in pairs if not p[0].is_generic]
    if not real_pairs:
        # Two names alike only in generic words (International Trading) are not alike.
        return Alignment(0.0, tuple(pairs))
    return Alignment(matched / total, tuple(pairs))


def compare_names(
    query: ParsedName,
    entity: ParsedName,
    weights: Mapping[Part, float],
    settings: EngineSettings,
) -> Alignment:
    best = Alignment(0.0, ())
    if not query.parts or not entity.parts:
        return best
    shortest = min(len(query.parts), len(entity.parts))
    for q_parts in _variants(query.parts, shortest):
        for e_parts in _variants(entity.parts, len(q_parts)):
            result = align(q_parts, e_parts, weights, settings)
            if result.score > best.score:
                best = result
    return best
