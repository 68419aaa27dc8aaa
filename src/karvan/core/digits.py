"""Numbers as people type them: Persian (۰–۹), Arabic-Indic (٠–٩) and full-width (０–９) digits,
and the Persian and Arabic separators, read as the ASCII the rest of Karvan works with.

One function per use: `normalize_digits` changes only the digits (codes, dates, identifiers);
`normalize_number` also reads the Arabic thousands separator ٬ (dropped) and decimal separator ٫
(a point), their full-width cousins and commas grouping thousands, for quantities, prices and
years. Text that is not a
number (a title, a description) is never passed through them: "۱۴۰۴" in a listing's title stays
as its author wrote it. Plain Python: forms, the API, services and the importers all call these.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

NATIVE_DIGITS = "۰۱۲۳۴۵۶۷۸۹" + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"
_DIGITS = str.maketrans(NATIVE_DIGITS, "0123456789" * 3)
# Arabic thousands separator, Persian/Arabic decimal separator, and full-width punctuation.
_SEPARATORS = str.maketrans(
    {"٬": "", "٫": ".", "．": ".", "，": "", "＋": "+", "－": "-", "−": "-"}
)
# "12,500.75": commas grouping thousands (none of Karvan's languages writes a decimal comma).
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# Spaces people put inside numbers ("1 200", the narrow no-break space of some keyboards).
_NUMBER_SPACES = str.maketrans({" ": "", "\u00a0": "", "\u202f": "", "\u2009": "", "\u200c": ""})


def normalize_digits(text: str) -> str:
    """Persian, Arabic-Indic and full-width digits as ASCII digits; everything else unchanged."""
    return text.translate(_DIGITS)


def normalize_number(text: str) -> str:
    """A typed number in the ASCII form Python and Django parse: "۱٬۲۰۰٫۵" → "1200.5",
    "１２３" → "123". Surrounding and inner spaces go; a text that is no number stays a text that
    is no number (the field's own validation then says so)."""
    number = normalize_digits(text).translate(_SEPARATORS).translate(_NUMBER_SPACES).strip()
    return number.replace(",", "") if _GROUPED.match(number) else number


def normalize_code(text: str) -> str:
    """A code typed or pasted (a signing code, a badge code): ASCII digits, full-width letters
    folded to ASCII (NFKC), surrounding spaces removed."""
    return normalize_digits(unicodedata.normalize("NFKC", text)).strip()


def normalize_values(
    values: Iterable[object], normalize: Callable[[str], str] = normalize_number
) -> list[object]:
    """Each string of a list normalised, anything else (files, None) left as it is."""
    return [normalize(value) if isinstance(value, str) else value for value in values]
