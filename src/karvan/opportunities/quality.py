"""How clear a listing is to the other side, with concrete advice, before staff review it.

A plain function over the listing's values, so the form can show it live and the API return it.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MIN_DESCRIPTION = 120
GOOD_DESCRIPTION = 300
MIN_TITLE_WORDS = 3
# A description of a few real sentences is enough however short its words: the advice must agree
# with what the writer sees, and five plain sentences are not "too short".
ENOUGH_SENTENCES_NOT_SHORT = 2
ENOUGH_SENTENCES_NOT_THIN = 3
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4\u3002\uff01\uff1f]+(?=\s|$)")


@dataclass(frozen=True)
class Advice:
    code: str
    message: str | Promise
    weight: int


@dataclass(frozen=True)
class QualityReport:
    score: int  # 0 to 100
    advice: tuple[Advice, ...]


def _title_words(title: str, language: str) -> int:
    # Chinese has no spaces: count characters in pairs as a rough word count.
    if language.startswith("zh"):
        return len(title.strip()) // 2
    return len(title.split())


def _sentences(text: str) -> int:
    """Sentences with at least three words (or six CJK characters) before their full stop."""
    count = 0
    for part in _SENTENCE_END.split(text):
        part = part.strip()
        if len(part.split()) >= 3 or (len(part) >= 6 and not part.isascii() and " " not in part):
            count += 1
    return count


def assess_listing(
    *,
    title: str,
    description: str,
    language: str,
    kind: str,
    hs_codes: int,
    sectors: int,
    has_quantity: bool,
    has_price: bool,
    has_incoterm: bool,
    target_countries: int,
) -> QualityReport:
    """Score a listing and say what would make it clearer.

    A blank expiry is no fault: the listing then stays open 90 days, as the form says.
    """
    description_length = len(description.strip())
    if language.startswith("zh"):
        description_length *= 3  # a Chinese character carries about three Latin letters' worth
    sentences = _sentences(description)
    checks = [
        (
            _title_words(title, language) >= MIN_TITLE_WORDS,
            Advice("title_short", _("Make the title say what and how much, in a few words."), 10),
        ),
        (
            description_length >= MIN_DESCRIPTION or sentences >= ENOUGH_SENTENCES_NOT_SHORT,
            Advice(
                "description_short",
                _("The description is too short: describe specifications, capacity and packaging."),
                25,
            ),
        ),
        (
            description_length >= GOOD_DESCRIPTION or sentences >= ENOUGH_SENTENCES_NOT_THIN,
            Advice(
                "description_thin",
                _("A longer description (a few sentences) helps partners judge the fit."),
                10,
            ),
        ),
        (
            kind != "product" or hs_codes > 0,
            Advice(
                "hs_missing",
                _("Add an HS code: it is how partners in the other language find your product."),
                20,
            ),
        ),
        (
            sectors > 0,
            Advice("sector_missing", _("Add the sector (ISIC) the opportunity belongs to."), 10),
        ),
        (
            kind not in {"product", "investment"} or has_quantity,
            Advice("quantity_missing", _("Give a quantity with its unit."), 10),
        ),
        (
            kind != "product" or has_price,
            Advice("price_missing", _("Give a price range, or say the currency you trade in."), 5),
        ),
        (
            kind != "product" or has_incoterm,
            Advice("incoterm_missing", _("Say the delivery terms (Incoterm) and the port."), 5),
        ),
        (
            target_countries > 0,
            Advice("targets_missing", _("Name the countries you want partners in."), 5),
        ),
    ]
    advice = tuple(item for passed, item in checks if not passed)
    total = sum(item.weight for _passed, item in checks)
    lost = sum(item.weight for item in advice)
    return QualityReport(score=round(100 * (total - lost) / total), advice=advice)
