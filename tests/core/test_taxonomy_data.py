"""Sanity checks for the ISIC Rev.4 and HS 2022 reference-data files.

The module imports no Django: the files are read straight from disk.
"""

import json
import re
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parents[2] / "src/karvan/core/data"
LANGS = ("en", "fa", "zh-hans", "ar")

ISIC_SECTIONS = [chr(c) for c in range(ord("A"), ord("U") + 1)]
# ISIC Rev.4 divisions, grouped by section.
ISIC_DIVISIONS = {
    "A": ["01", "02", "03"],
    "B": ["05", "06", "07", "08", "09"],
    "C": [f"{n:02d}" for n in range(10, 34)],
    "D": ["35"],
    "E": ["36", "37", "38", "39"],
    "F": ["41", "42", "43"],
    "G": ["45", "46", "47"],
    "H": ["49", "50", "51", "52", "53"],
    "I": ["55", "56"],
    "J": ["58", "59", "60", "61", "62", "63"],
    "K": ["64", "65", "66"],
    "L": ["68"],
    "M": ["69", "70", "71", "72", "73", "74", "75"],
    "N": ["77", "78", "79", "80", "81", "82"],
    "O": ["84"],
    "P": ["85"],
    "Q": ["86", "87", "88"],
    "R": ["90", "91", "92", "93"],
    "S": ["94", "95", "96"],
    "T": ["97", "98"],
    "U": ["99"],
}


def _roman(n):
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


ROMAN = [_roman(n) for n in range(1, 22)]  # HS sections I..XXI
REQUIRED_HEADINGS = ["0802", "0910", "5701", "3901", "8422", "8703", "0804", "6907"]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _load(name):
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def isic():
    return _load("isic_rev4.json")


@pytest.fixture(scope="module")
def hs():
    return _load("hs.json")


def test_isic_sections(isic):
    sections = [e for e in isic if e["level"] == "section"]
    assert [e["code"] for e in sections] == ISIC_SECTIONS
    assert all(e["parent"] is None for e in sections)


def test_isic_divisions(isic):
    divisions = [e for e in isic if e["level"] == "division"]
    assert len(divisions) == 88
    section_codes = {e["code"] for e in isic if e["level"] == "section"}
    expected_parent = {d: s for s, divs in ISIC_DIVISIONS.items() for d in divs}
    assert len(expected_parent) == 88
    assert {e["code"] for e in divisions} == set(expected_parent)
    for e in divisions:
        assert e["parent"] in section_codes, e["code"]
        assert e["parent"] == expected_parent[e["code"]], e["code"]


def test_isic_order(isic):
    levels = [e["level"] for e in isic]
    assert levels == ["section"] * 21 + ["division"] * 88
    div_codes = [e["code"] for e in isic if e["level"] == "division"]
    assert div_codes == sorted(div_codes)


def test_hs_chapters(hs):
    chapters = [e for e in hs if e["level"] == "chapter"]
    assert [e["code"] for e in chapters] == [f"{n:02d}" for n in range(1, 98)]
    for e in chapters:
        assert e["parent"] is None
        assert e["section"] in ROMAN, e["code"]
    # Sections run I..XXI in order, without gaps.
    seen = []
    for e in chapters:
        if not seen or seen[-1] != e["section"]:
            seen.append(e["section"])
    assert seen == ROMAN
    by_code = {e["code"]: e for e in chapters}
    assert by_code["77"]["names"]["en"].startswith("Reserved")


def test_hs_headings(hs):
    headings = [e for e in hs if e["level"] == "heading"]
    assert len(headings) >= 150
    chapter_codes = {e["code"] for e in hs if e["level"] == "chapter"}
    for e in headings:
        assert re.fullmatch(r"\d{4}", e["code"]), e["code"]
        assert e["parent"] == e["code"][:2], e["code"]
        assert e["parent"] in chapter_codes, e["code"]
    codes = [e["code"] for e in headings]
    assert codes == sorted(codes)
    levels = [e["level"] for e in hs]
    assert levels == ["chapter"] * 97 + ["heading"] * len(headings)


def test_required_headings_present(hs):
    codes = {e["code"] for e in hs if e["level"] == "heading"}
    missing = [c for c in REQUIRED_HEADINGS if c not in codes]
    assert not missing


@pytest.mark.parametrize("name", ["isic_rev4.json", "hs.json"])
def test_no_duplicate_codes(name):
    codes = [e["code"] for e in _load(name)]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("name", ["isic_rev4.json", "hs.json"])
def test_names_complete_and_script_sane(name):
    for e in _load(name):
        names = e["names"]
        assert set(names) == set(LANGS), e["code"]
        for lang in LANGS:
            value = names[lang]
            assert isinstance(value, str) and value.strip(), (e["code"], lang)
            assert value == value.strip(), (e["code"], lang)
        # Persian uses U+06CC/U+06A9, never Arabic yeh/kaf.
        assert "\u064a" not in names["fa"] and "\u0643" not in names["fa"], e["code"]
        # And the reverse for Arabic.
        assert "\u06cc" not in names["ar"] and "\u06a9" not in names["ar"], e["code"]
        assert CJK.search(names["zh-hans"]), e["code"]


@pytest.mark.parametrize("name", ["isic_rev4.json", "hs.json"])
def test_files_are_not_ascii_escaped(name):
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    assert "\\u" not in text
