"""Registry identifiers: China's Unified Social Credit Code and Iran's legal-entity national id."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.core.registry_ids import (
    USCC_ALPHABET,
    has_registry_format,
    iran_national_id_check_digit,
    is_valid_iran_national_id,
    is_valid_registry_id,
    is_valid_uscc,
    normalize_registry_id,
    uscc_check_character,
)

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def _iran_id(first10: str) -> str:
    return first10 + str(iran_national_id_check_digit(first10))


# The structure GB 32100-2015 gives the first 17 characters: registration authority and kind
# (2 characters of the alphabet), administrative division (6 digits), organisation code (9).
uscc_prefixes = st.builds(
    lambda head, division, body: head + division + body,
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
iran_prefixes = st.text(alphabet="0123456789", min_size=10, max_size=10).filter(
    lambda prefix: int(prefix[3:9]) != 0
)


# --- Unified Social Credit Code -----------------------------------------------------------------


def test_uscc_published_example_is_valid():
    """The example code printed in GB 32100-2015 checks out: the algorithm matches the standard."""
    assert is_valid_uscc("91350100M000100Y43")


@pytest.mark.parametrize(
    "first17", ["91440101000000001", "9144010100000000A", "12100000400000001", "Y1110108MA0000000"]
)
def test_uscc_with_computed_check_character_is_valid(first17):
    assert is_valid_uscc(_uscc(first17))


def test_uscc_with_wrong_check_character_is_rejected():
    code = _uscc("91440101000000001")
    wrong = next(char for char in USCC_ALPHABET if char != code[17])
    assert not is_valid_uscc(code[:17] + wrong)


@pytest.mark.parametrize("length", [0, 1, 17, 19, 24])
def test_uscc_of_wrong_length_is_rejected(length):
    code = (_uscc("91440101000000001") * 2)[:length]
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_with_a_letter_outside_the_alphabet_is_rejected(letter):
    code = _uscc("91440101000000001")
    for position in (0, 9, 17):
        assert not is_valid_uscc(code[:position] + letter + code[position + 1 :])


def test_uscc_with_a_letter_in_the_division_code_is_rejected():
    assert not is_valid_uscc(_uscc("9144A101000000001"))


def test_uscc_is_accepted_in_lower_case_with_spaces_and_dashes():
    code = _uscc("91440101MA0000001")
    assert is_valid_uscc(f" {code[:8].lower()}-{code[8:]} ")
    assert normalize_registry_id(f"{code[:8].lower()} {code[8:]}") == code


@given(uscc_prefixes)
def test_any_prefix_with_its_computed_check_character_validates(first17):
    assert is_valid_uscc(first17 + uscc_check_character(first17))


@given(uscc_prefixes, st.integers(min_value=0, max_value=17), st.data())
def test_changing_one_character_of_a_uscc_invalidates_it(first17, position, data):
    """31 is prime and no weight is a multiple of it: every single substitution is caught."""
    code = first17 + uscc_check_character(first17)
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    assert not is_valid_uscc(code[:position] + replacement + code[position + 1 :])


# --- Iranian national identifier of legal entities ----------------------------------------------


@pytest.mark.parametrize("first10", ["1010000101", "1086012345", "1400123456", "1032100000"])
def test_iran_id_with_computed_check_digit_is_valid(first10):
    assert is_valid_iran_national_id(_iran_id(first10))


def test_iran_id_with_wrong_check_digit_is_rejected():
    code = _iran_id("1086012345")
    wrong = str((int(code[10]) + 1) % 10)
    assert not is_valid_iran_national_id(code[:10] + wrong)


@pytest.mark.parametrize("length", [0, 10, 12])
def test_iran_id_of_wrong_length_is_rejected(length):
    code = (_iran_id("1086012345") * 2)[:length]
    assert not is_valid_iran_national_id(code)


def test_iran_id_with_letters_is_rejected():
    code = _iran_id("1086012345")
    assert not is_valid_iran_national_id(code[:5] + "A" + code[6:])


@pytest.mark.parametrize("table", [PERSIAN_DIGITS, ARABIC_DIGITS], ids=["persian", "arabic"])
def test_iran_id_written_in_persian_or_arabic_digits_is_normalised(table):
    code = _iran_id("1086012345")
    written = code.translate(table)
    assert written != code
    assert normalize_registry_id(written) == code
    assert is_valid_iran_national_id(written)


def test_iran_id_with_all_zero_middle_digits_is_rejected_even_with_the_right_check_digit():
    first10 = "1230000004"
    assert first10[3:9] == "000000"
    assert not is_valid_iran_national_id(_iran_id(first10))


@given(iran_prefixes)
def test_any_iran_prefix_with_its_computed_check_digit_validates(first10):
    assert is_valid_iran_national_id(first10 + str(iran_national_id_check_digit(first10)))


@given(iran_prefixes, st.data())
def test_changing_the_iran_check_digit_invalidates_it(first10, data):
    code = first10 + str(iran_national_id_check_digit(first10))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != code[10]]))
    assert not is_valid_iran_national_id(code[:10] + replacement)


@given(iran_prefixes, st.integers(min_value=0, max_value=9), st.data())
def test_changing_one_digit_of_an_iran_id_is_caught_unless_the_check_digit_is_zero(
    first10, position, data
):
    """Remainders 0 and 10 both give the check digit 0, so a change between them goes unseen.

    Every other single-digit change is caught: no weight (nor the tenth digit's combined effect)
    is a multiple of 11, and a digit moves by less than 11.
    """
    code = first10 + str(iran_national_id_check_digit(first10))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    if is_valid_iran_national_id(changed):
        assert code[10] == "0"


def test_an_undetected_iran_change_exists_and_keeps_check_digit_zero():
    """The collision is real, so the property above is as strong as the checksum allows."""
    found = None
    for n in range(10_000):
        first10 = f"10{n:08d}"
        if int(first10[3:9]) == 0:
            continue
        code = _iran_id(first10)
        for position in range(10):
            for digit in "0123456789":
                changed = code[:position] + digit + code[position + 1 :]
                if changed != code and is_valid_iran_national_id(changed):
                    found = (code, changed)
                    break
            if found:
                break
        if found:
            break
    assert found is not None
    assert found[0][10] == found[1][10] == "0"


# --- By country --------------------------------------------------------------------------------


def test_registry_id_is_checked_by_the_rule_of_its_country():
    uscc, iran_id = _uscc("91440101000000001"), _iran_id("1086012345")
    assert is_valid_registry_id("CN", uscc)
    assert not is_valid_registry_id("CN", iran_id)
    assert is_valid_registry_id("IR", iran_id)
    assert not is_valid_registry_id("IR", uscc)


def test_registry_id_of_a_country_without_a_known_format_passes_unless_empty():
    assert not has_registry_format("TR")
    assert is_valid_registry_id("TR", "anything-1")
    assert not is_valid_registry_id("TR", " - ")
