"""Text preparation for the matching engine: normalising, word tokens and Chinese runs.

The engine imports nothing from Django or other Karvan apps, so it keeps its own small normaliser:
case, compatibility forms, Arabic and Persian letter variants, diacritics, tatweel, digits. The
zero-width non-joiner becomes a space, so the parts of a Persian compound are words of their own.
"""

import re
import unicodedata

_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ۀ": "ه",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u200c": " ",
        "\u200d": "",
        "\u0640": "",
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x0660 + i): str(i) for i in range(10)},
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK}]+")
_WORD = re.compile(rf"[^\W_{CJK}]+(?:[-.+/][^\W_{CJK}]+)*")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_PERSIAN_LETTERS = re.compile("[پچژگکی]")
_LATIN = re.compile("[a-z]")


def normalise(text: str) -> str:
    """Fold case, compatibility forms, letter variants, diacritics and digits."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTER_VARIANTS)
    return _DIACRITICS.sub("", text)


def words(normalised: str) -> list[str]:
    """The words of a normalised text outside Chinese runs (Latin, Arabic script, digits)."""
    return _WORD.findall(normalised)


def cjk_runs(normalised: str) -> list[str]:
    """The runs of Chinese (and Japanese) characters of a normalised text."""
    return _CJK_RUN.findall(normalised)


def lexical_tokens(normalised: str) -> set[str]:
    """Tokens for lexical overlap: words of two letters or more, Chinese as overlapping pairs."""
    tokens = {word for word in words(normalised) if len(word) > 1}
    for run in cjk_runs(normalised):
        if len(run) == 1:
            tokens.add(run)
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def guess_language(text: str) -> str:
    """The likely language of a text by its script: zh, fa, ar or en."""
    normalised = normalise(text)
    cjk = sum(len(run) for run in cjk_runs(normalised))
    arabic = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(normalised))
    if cjk and cjk * 2 >= max(arabic, latin) // 2:
        return "zh"
    if arabic > latin:
        # Persian has letters Arabic lacks; Arabic keyboards type ي and ك, which Persian does not.
        persian = len(_PERSIAN_LETTERS.findall(text.replace("ی", "").replace("ک", "")))
        persian_yeh_kaf = text.count("ی") + text.count("ک")
        arabic_yeh_kaf = text.count("ي") + text.count("ك") + text.count("ة")
        return "fa" if persian or persian_yeh_kaf > arabic_yeh_kaf else "ar"
    return "en"
