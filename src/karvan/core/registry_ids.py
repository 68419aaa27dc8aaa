"""Registry identifiers of legal entities, validated with their check characters.

China: the 18-character Unified Social Credit Code (GB 32100-2015), weighted sum modulo 31 over an
alphabet that leaves out I, O, Z, S and V. Iran: the 11-digit national identifier of legal entities
(شناسه ملی), weighted sum modulo 11 with the tenth digit plus two added to every digit.
Plain functions: forms, the API, the importer and the demo loader all call these.
"""

import re

from karvan.core.digits import normalize_code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

IRAN_ID_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def normalize_registry_id(value: str) -> str:
    """Uppercase, Latin digits, no spaces or dashes: the form identifiers are stored in."""
    return re.sub(r"[\s\-]", "", normalize_code(value)).upper()


def uscc_check_character(first17: str) -> str:
    """The 18th character of a Unified Social Credit Code whose first 17 are given."""
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """True for a well-formed Unified Social Credit Code with the right check character."""
    code = normalize_registry_id(value)
    if not USCC_PATTERN.match(code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def iran_national_id_check_digit(first10: str) -> int:
    """The 11th digit of an Iranian national identifier of legal entities."""
    offset = int(first10[9]) + 2
    total = sum(
        (int(digit) + offset) * weight
        for digit, weight in zip(first10, IRAN_ID_WEIGHTS, strict=True)
    )
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def is_valid_iran_national_id(value: str) -> bool:
    """True for an 11-digit legal-entity identifier with the right check digit."""
    code = normalize_registry_id(value)
    if not re.fullmatch(r"\d{11}", code) or int(code[3:9]) == 0:
        return False
    return iran_national_id_check_digit(code[:10]) == int(code[10])


VALIDATORS = {"CN": is_valid_uscc, "IR": is_valid_iran_national_id}


def has_registry_format(country: str) -> bool:
    """True where Karvan knows the country's identifier format."""
    return country in VALIDATORS


def is_valid_registry_id(country: str, value: str) -> bool:
    """Check an identifier by its country's rule; identifiers of other countries pass as given."""
    validator = VALIDATORS.get(country)
    return validator(value) if validator else bool(normalize_registry_id(value))
