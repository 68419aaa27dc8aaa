"""Names as the screening matcher reads them: normalised per script, split into parts, keyed.

A name written in Persian or Arabic script, in Chinese characters or in Latin letters becomes a
`ParsedName`: its legal forms (LLC, 有限公司, شرکت سهامی خاص …) taken out and kept apart as
canonical codes, and its remaining parts as `Part`s. Every part carries the forms the comparison
needs:

- `plain`: the part as written after normalisation (NFKC, case folded, diacritics, tatweel and
  ZWNJ removed, Arabic letter variants folded to one, digits to ASCII);
- `canon`: for Latin letters and pinyin, a romanisation-neutral spelling, so that Mohammad,
  Muhammad and Mohamad, Hosseini and Husseini, Ghasemi and Qasemi, -ian and -yan become one;
- `skeleton`: the consonants only, in classes shared by Perso-Arabic letters and the Latin
  letters used to write them (ص س ث and s; ق غ and q, gh);
- `vowel_key`: the skeleton plus the long vowels that Persian and Arabic write (ا و ی), read from
  Latin as the romanisations write them (ee, ei, ou, oo, v, w). Short vowels, which the script does
  not write, are left out on both sides.

Chinese is read in pinyin (pypinyin), one part per character, with the surname readings of name
characters (单 Shan, 曾 Zeng, 区 Ou) as alternatives; joined forms (Huaxin, Weiming) are matched by
the engine's merging of adjacent parts. Common Wade-Giles and Cantonese spellings of surnames
(Chang, Hsu, Wong) carry their pinyin as an alternative. Generic words of company names
(trading, 贸易, بازرگانی, التجارية) become language-neutral concept parts, so that a name
translated word by word still lines up, with a low weight, so that two companies sharing only
"International Trading" do not look alike.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from karvan.compliance.name_words import CONCEPTS, LEGAL_FORMS, STOPWORDS

LATIN, ARABIC, HAN, CONCEPT, STOP = "latin", "arabic", "han", "concept", "stop"


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a name with the keys it is compared and retrieved by."""

    text: str
    script: str
    plain: str
    canon: str = ""
    skeleton: str = ""
    vowel_key: str = ""
    alternatives: frozenset[str] = field(default_factory=frozenset)
    transliteration: str = ""
    # A Perso-Arabic word split after a leading ال: the word as written (البرز is Alborz, not
    # al-Borz; النور is al-Noor), compared too.
    whole: str = ""

    @property
    def is_generic(self) -> bool:
        return self.script in (CONCEPT, STOP)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name's parts and the legal forms taken out of it."""

    original: str
    parts: tuple[Part, ...]
    legal_forms: frozenset[str]
    scripts: frozenset[str]


# --- normalisation --------------------------------------------------------------------------

_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "آ": "ا",
        "ؤ": "و",
        "ء": "",
        "ـ": "",
        "\u200c": "",  # ZWNJ: Persian writes name parts joined or apart; both read as one
        "\u200d": "",
        "\u200f": "",
        "\u200e": "",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_SEPARATORS = re.compile(r"[\s\-‐-―_/\\,.;:!?()\[\]{}\"'`´’‘“”«»·•|+*&@#،؛؟。，、・（）]+")


def is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"
    )


def normalise(text: str) -> str:
    """Fold width, case, diacritics and script variants; keep letters, digits and spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_ARABIC_FOLD)
    text = _ARABIC_MARKS.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or is_arabic(c))
    kept = unicodedata.normalize("NFC", kept).translate(_ARABIC_FOLD)
    kept = kept.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ı", "i")
    # Apostrophes inside Latin words (Ja'fari, Xi'an) join, other punctuation separates.
    kept = re.sub(r"(?<=[a-z])['’`ʼʻ](?=[a-z])", "", kept)
    return " ".join(_SEPARATORS.split(kept)).strip()


# --- legal forms and generic words ------------------------------------------------------------


# The tables themselves are plain data in `name_words`.
def _phrase_table(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    phrases = {}
    for code, spellings in table.items():
        for spelling in spellings:
            phrase = normalise(spelling)
            phrases[phrase] = code
            # Names split the Arabic article off (الملاحه → ال ملاحه): the bare word too.
            if phrase.startswith("ال") and len(phrase) > 4:
                phrases.setdefault(phrase[2:], code)
    return phrases


_LEGAL_PHRASES = _phrase_table(LEGAL_FORMS)
_CONCEPT_PHRASES = _phrase_table(CONCEPTS)
_MAX_PHRASE = max(len(p.split()) for p in (*_LEGAL_PHRASES, *_CONCEPT_PHRASES))
_HAN_PHRASES = sorted(
    (
        (p, code, kind)
        for kind, table in (("legal", _LEGAL_PHRASES), ("concept", _CONCEPT_PHRASES))
        for p, code in table.items()
        if all(is_han(c) for c in p)
    ),
    key=lambda item: -len(item[0]),
)


# --- Perso-Arabic and Latin keys ------------------------------------------------------------

# Consonant classes shared by Perso-Arabic letters and their Latin spellings.
_ARABIC_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j",
    "چ": "c", "ح": "h", "ه": "h", "خ": "x", "د": "d", "ذ": "z", "ز": "z", "ض": "z",
    "ظ": "z", "ر": "r", "ژ": "j", "ش": "S", "غ": "q", "ق": "q", "ف": "f", "ک": "k",
    "گ": "g", "ل": "l", "م": "m", "ن": "n",
}  # fmt: skip
_LATIN_DIGRAPHS = (
    ("tch", "c"), ("kh", "x"), ("gh", "q"), ("sh", "S"), ("ch", "c"), ("zh", "j"), ("th", "s"),
    ("dh", "z"), ("ph", "f"), ("ck", "k"), ("dj", "j"),
)  # fmt: skip
_LATIN_CONSONANTS = {
    "b": "b", "p": "p", "t": "t", "s": "s", "j": "j", "h": "h", "x": "x", "d": "d", "z": "z",
    "r": "r", "q": "q", "f": "f", "k": "k", "c": "k", "g": "g", "l": "l", "m": "m", "n": "n",
}  # fmt: skip


_DOUBLES = re.compile(r"(.)\1+")


def _collapse(key: str) -> str:
    return _DOUBLES.sub(r"\1", key)


def _drop_final_h(key: str) -> str:
    # A final ه (Fatemeh, Zadeh) is a vowel sign as often as a consonant, in both scripts.
    return key[:-1] if len(key) > 2 and key.endswith("h") else key


def arabic_keys(word: str) -> tuple[str, str]:
    """The skeleton and vowel key of a Perso-Arabic word (already normalised)."""
    skeleton, vowels = [], []
    start = 0
    # A word-initial alef (with its long vowel) carries the initial vowel Latin writes.
    if word[:1] == "ا":
        start = 2 if word[1:2] in ("ی", "و") else 1
    elif word[:1] == "ع":
        start = 1
    for index, char in enumerate(word[start:], start):
        if char in _ARABIC_CONSONANTS:
            skeleton.append(_ARABIC_CONSONANTS[char])
            vowels.append(_ARABIC_CONSONANTS[char])
        elif char == "ی":
            vowels.append("y" if index == 0 else "i")
        elif char == "و":
            vowels.append("u")
    return _drop_final_h(_collapse("".join(skeleton))), _drop_final_h(_collapse("".join(vowels)))


_LATIN_UNITS = re.compile(r"tch|kh|gh|sh|ch|zh|th|dh|ph|ck|dj|ee|ei|ey|ie|iy|ou|oo|uu|.")
_VOWEL_UNITS = {
    "ee": "i", "ei": "i", "ey": "i", "ie": "i", "iy": "i", "ou": "u", "oo": "u", "uu": "u",
}  # fmt: skip
_LATIN_UNIT_CODES = {**dict(_LATIN_DIGRAPHS), **_LATIN_CONSONANTS}


@lru_cache(maxsize=262144)
def latin_keys(word: str) -> tuple[str, str]:
    """The skeleton and vowel key of a Latin word, read as a romanised Perso-Arabic name."""
    skeleton, vowels = [], []
    # Initial vowels are written in Perso-Arabic with an alef or ع, which the keys drop.
    text = word.lstrip("aeiou")
    initial = len(word) - len(text)
    for match in _LATIN_UNITS.finditer(text):
        unit = match.group()
        code = _LATIN_UNIT_CODES.get(unit)
        if code is not None:
            skeleton.append(code)
            vowels.append(code)
        elif unit in _VOWEL_UNITS:
            vowels.append(_VOWEL_UNITS[unit])
        elif unit in ("v", "w"):
            vowels.append("u")
        elif unit == "y":
            vowels.append("y" if initial + match.start() == 0 else "i")
        elif unit == "i":
            vowels.append("i")
    return _drop_final_h(_collapse("".join(skeleton))), _drop_final_h(_collapse("".join(vowels)))


def canonical_latin(word: str) -> str:
    """A romanisation-neutral spelling: vowel and consonant spellings folded, doubles collapsed."""
    text = word
    for old, new in (
        ("ou", "u"), ("oo", "u"), ("ee", "i"), ("kh", "x"), ("gh", "q"), ("ph", "f"), ("ck", "k"),
        ("dj", "j"), ("zh", "j"), ("q", "k"), ("w", "v"), ("y", "i"), ("e", "a"), ("o", "u"),
    ):  # fmt: skip
        text = text.replace(old, new)
    text = re.sub(r"ian$", "ian", text)
    return _collapse(text)


# Common Wade-Giles, Cantonese and older spellings of Chinese surnames and syllables, to pinyin.
_CHINESE_SPELLINGS = {
    "chang": "zhang", "cheung": "zhang", "hsu": "xu", "hsieh": "xie", "tse": "xie", "tsai": "cai",
    "choi": "cai", "lee": "li", "wong": "huang|wang", "chow": "zhou", "chou": "zhou",
    "chan": "chen",
    "lau": "liu", "ng": "wu", "kwok": "guo", "kuo": "guo", "ho": "he", "yeung": "yang",
    "leung": "liang", "lam": "lin", "chiang": "jiang", "tsang": "zeng", "cheng": "zheng",
    "hung": "hong", "hsiao": "xiao", "teng": "deng", "tang": "tang", "tsui": "cui", "soong": "song",
    "sung": "song", "kung": "gong", "chu": "zhu", "fung": "feng", "koo": "gu", "ku": "gu",
    "tong": "tang", "lo": "luo", "law": "luo", "mok": "mo", "yip": "ye", "tsao": "cao",
    "tsou": "zou", "chao": "zhao", "chiu": "zhao", "liao": "liao", "hsin": "xin", "hua": "hua",
}  # fmt: skip

# Surname readings of characters whose ordinary reading differs.
_SURNAME_READINGS = {
    "单": "shan", "單": "shan", "曾": "zeng", "区": "ou", "區": "ou", "仇": "qiu", "解": "xie",
    "查": "zha", "朴": "piao", "盖": "ge", "乐": "yue", "樂": "yue", "覃": "qin", "翟": "zhai",
    "缪": "miao", "繆": "miao", "曲": "qu", "华": "hua", "華": "hua", "任": "ren", "沈": "shen",
    "车": "che", "車": "che", "贾": "jia", "賈": "jia", "薄": "bo", "秘": "bi", "纪": "ji",
    "重": "chong", "种": "chong", "长": "chang", "長": "chang", "尉": "yu", "万": "wan",
    "阚": "kan", "柏": "bai", "藏": "zang", "员": "yun", "宿": "su", "祭": "zhai",
}  # fmt: skip


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, read from pypinyin's character table."""
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            bare = unicodedata.normalize("NFKD", reading)
            syllables.add("".join(c for c in bare if not unicodedata.combining(c)))
    return frozenset(syllables)


def is_pinyin_syllable(word: str) -> bool:
    return word in pinyin_syllables()


def is_known_chinese_spelling(word: str) -> bool:
    """A pinyin syllable or an older spelling of one (Hsu, Wong): a name part, not a typo."""
    return word in pinyin_syllables() or word in _CHINESE_SPELLINGS


@lru_cache(maxsize=1)
def _vocabulary() -> dict[int, list[str]]:
    """The Latin words of legal forms and generic words, by length."""
    words: dict[int, list[str]] = {}
    for phrase in (*_LEGAL_PHRASES, *_CONCEPT_PHRASES):
        for word in phrase.split():
            if word.isascii() and len(word) >= 5 and word not in words.get(len(word), []):
                words.setdefault(len(word), []).append(word)
    return words


@lru_cache(maxsize=65536)
def corrected(word: str) -> str:
    """A misspelt legal-form or generic word (Compaany, Sihpping) as it should be spelt: one edit
    allowed from five letters, two from nine, a transposition counting one; other words as given."""
    if len(word) < 5 or not word.isascii():
        return word
    allowed = 1 if len(word) < 9 else 2
    vocabulary = _vocabulary()
    lengths = range(len(word) - allowed, len(word) + allowed + 1)
    if word in vocabulary.get(len(word), ()):
        return word
    for length in lengths:
        for known in vocabulary.get(length, ()):
            if OSA.distance(word, known) <= allowed:
                return known
    return word


@lru_cache(maxsize=262144)
def latin_part(word: str, *, transliteration: str = "") -> Part:
    skeleton, vowel_key = latin_keys(word)
    alternatives = frozenset(_CHINESE_SPELLINGS.get(word, "").split("|")) - {""}
    return Part(
        text=word,
        script=LATIN,
        plain=word,
        canon=canonical_latin(word),
        skeleton=skeleton,
        vowel_key=vowel_key,
        alternatives=alternatives,
        transliteration=transliteration,
    )


@lru_cache(maxsize=262144)
def arabic_part(word: str, whole: str = "") -> Part:
    skeleton, vowel_key = arabic_keys(word)
    return Part(
        text=whole or word, script=ARABIC, plain=word, skeleton=skeleton, vowel_key=vowel_key,
        transliteration=vowel_key, whole=whole,
    )  # fmt: skip


@lru_cache(maxsize=65536)
def _han_syllables(chars: str, is_person: bool) -> tuple[tuple[str, ...], ...]:
    """Readings of a run of Chinese characters: the usual one, and the surname one for people."""
    # pypinyin's tables take about 50 MiB: loaded by the first Chinese name read, not by every
    # process that imports the screening (a web process may never read one).
    from pypinyin import Style, lazy_pinyin, pinyin

    usual = tuple(lazy_pinyin(chars, style=Style.NORMAL, errors="ignore"))
    variants = [usual]
    if is_person and chars and len(usual) == len(chars):
        first = _SURNAME_READINGS.get(chars[0])
        if first and first != usual[0]:
            variants.insert(0, (first, *usual[1:]))
        elif not first:
            readings = pinyin(chars[0], style=Style.NORMAL, heteronym=True)[0]
            variants += [(reading, *usual[1:]) for reading in readings[1:2]]
    return tuple(v for v in variants if v)


def _split_han(text: str) -> list[tuple[str, str]]:
    """Runs of a Chinese string: legal forms and generic words found by longest match, the rest."""
    runs: list[tuple[str, str]] = []
    buffer = ""
    index = 0
    while index < len(text):
        for phrase, code, kind in _HAN_PHRASES:
            if text.startswith(phrase, index):
                if buffer:
                    runs.append(("han", buffer))
                    buffer = ""
                runs.append((kind, code))
                index += len(phrase)
                break
        else:
            buffer += text[index]
            index += 1
    if buffer:
        runs.append(("han", buffer))
    return runs


_HAN_CHARS = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_ARABIC_CHARS = re.compile("[\u0600-\u06ff\u0750-\u077f]")


def _script_of(word: str) -> str:
    if _HAN_CHARS.search(word):
        return HAN
    if _ARABIC_CHARS.search(word):
        return ARABIC
    return LATIN


def parse_name(name: str, *, is_person: bool = False) -> list[ParsedName]:
    """A name's readings: one, or several when a Chinese character has another name reading."""
    text = normalise(name)
    # Persian and Arabic write the article joined (النور); Latin lists write Al Noor or Al-Noor.
    words: list[str] = []
    wholes: dict[int, str] = {}
    for word in text.split():
        if _script_of(word) == ARABIC and word.startswith("ال") and len(word) > 4:
            wholes[len(words) + 1] = word
            words.extend(["ال", word[2:]])
        elif _script_of(word) == ARABIC and word.startswith(("لل", "بال", "وال")) and len(word) > 5:
            # Prepositions joined to the article: للتجاره (for trade), والصناعه (and industry).
            words.extend(["ال", word[2:] if word.startswith("لل") else word[3:]])
        elif not is_person and _script_of(word) == LATIN:
            words.append(corrected(word))
        else:
            words.append(word)
    legal: set[str] = set()
    scripts: set[str] = set()
    # Each piece: its alternative readings, each a list of parts.
    pieces: list[list[list[Part]]] = []
    index = 0
    while index < len(words):
        for size in range(min(_MAX_PHRASE, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in _LEGAL_PHRASES and not is_person:
                legal.add(_LEGAL_PHRASES[phrase])
                index += size
                break
            if phrase in _CONCEPT_PHRASES and not is_person:
                code = _CONCEPT_PHRASES[phrase]
                pieces.append([[Part(text=phrase, script=CONCEPT, plain=code, canon=code)]])
                index += size
                break
        else:
            word = words[index]
            index += 1
            script = _script_of(word)
            scripts.add(script)
            if word in STOPWORDS:
                stop = Part(text=word, script=STOP, plain="al" if word == "ال" else word)
                pieces.append([[stop]])
            elif script == HAN:
                pieces.append(_han_pieces(word, is_person=is_person, legal=legal))
            elif script == ARABIC:
                pieces.append([[arabic_part(word, wholes.get(index - 1, ""))]])
            else:
                pieces.append([[latin_part(word)]])
    readings: list[list[Part]] = [[]]
    for piece in pieces:
        readings = [reading + variant for reading in readings for variant in piece][:4]
    return [
        ParsedName(
            original=name,
            parts=tuple(reading),
            legal_forms=frozenset(legal),
            scripts=frozenset(scripts),
        )
        for reading in readings
    ]


def _han_pieces(word: str, *, is_person: bool, legal: set[str]) -> list[list[Part]]:
    """The readings of a run of Chinese characters as lists of parts (one per syllable)."""
    variants: list[list[Part]] = [[]]
    for kind, value in _split_han(word):
        if kind == "legal":
            if not is_person:
                legal.add(value)
            continue
        if kind == "concept":
            part = Part(text=value, script=CONCEPT, plain=value, canon=value)
            variants = [[*v, part] for v in variants]
            continue
        readings = _han_syllables(value, is_person and not variants[0])
        variants = [
            v + [latin_part(syllable, transliteration=syllable) for syllable in reading]
            for v in variants
            for reading in readings
        ][:4]
    return variants


def parse_names(names: Iterable[str], *, is_person: bool) -> list[ParsedName]:
    seen: set[tuple[str, ...]] = set()
    parsed: list[ParsedName] = []
    for name in names:
        if not name or not name.strip():
            continue
        for reading in parse_name(name, is_person=is_person):
            key = tuple(p.plain for p in reading.parts)
            if key and key not in seen:
                seen.add(key)
                parsed.append(reading)
    return parsed


def normalise_identifier(value: str) -> str:
    """Registry ids compared as upper-case ASCII letters and digits, whatever their punctuation."""
    text = unicodedata.normalize("NFKC", value).translate(_ARABIC_FOLD)
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def identifier_scheme(value: str) -> str:
    """Recognise the Chinese USCC (18 characters) and the Iranian national ids (10 or 11 digits)."""
    if re.fullmatch(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}", value):
        return "cn_uscc"
    if re.fullmatch(r"\d{11}", value):
        return "ir_company_id"
    if re.fullmatch(r"\d{10}", value):
        return "ir_national_id"
    return "other"


def merged(parts: Sequence[Part]) -> Part:
    """Adjacent parts written as one (Abdol Reza → Abdolreza, Hua Xin → Huaxin)."""
    scripts = {p.script for p in parts}
    if scripts == {ARABIC}:
        return arabic_part("".join(p.plain for p in parts))
    word = "".join(p.plain for p in parts)
    return latin_part(word, transliteration=" ".join(p.transliteration for p in parts).strip())
