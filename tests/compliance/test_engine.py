"""The screening matcher on plain data: each kind of pair, the negatives, evidence, explanations."""

import random
import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.compliance.engine import (
    EngineSettings,
    ListEntity,
    Query,
    ScreeningIndex,
    part_similarity,
    score_entity,
)
from karvan.compliance.names import normalise, parse_name

THRESHOLD = 0.8

# Fictional list entries, written the way sanctions lists write them.
LIST = [
    ListEntity(
        "p-hosseini", "Person", ("Mohammad Hosseini", "محمد حسینی"), ("IR",), ("1968-04-11",)
    ),
    ListEntity("p-ghasemi", "Person", ("Gholamreza Ghasemi Nejad",), ("IR",), ("1972",)),
    ListEntity("p-zhang", "Person", ("ZHANG Weiming",), ("CN",), ("1975-09-30",)),
    ListEntity("p-shan", "Person", ("SHAN Lixin",), ("CN",)),
    ListEntity("p-abdolreza", "Person", ("Abdolreza Tabatabaei",), ("IR",)),
    ListEntity("p-ebrahimi", "Person", ("Ebrahim Ebrahimi",), ("IR",)),
    ListEntity("p-rezaei", "Person", ("Ali Rezaei",), ("IR",)),
    ListEntity("p-khalil", "Person", ("Khalil al-Jabouri", "خليل الجبوري"), ("IQ",)),
    ListEntity(
        "o-huaxin", "Company", ("Huaxin Trading Co., Ltd.",), ("CN",), (), ("91310115MA1K4B2X7Q",)
    ),
    ListEntity("o-pars", "Company", ("Pars Sanat Kavir Company",), ("IR",), (), ("10320984751",)),
    ListEntity("o-noor", "Company", ("Al Noor Shipping LLC", "النور للملاحة"), ("AE",)),
    ListEntity("o-dena", "Company", ("Dena Petrochemical Industries", "پتروشیمی دنا"), ("IR",)),
    ListEntity("o-jinlong", "Company", ("Shenzhen Jinlong Electronics Co., Ltd.",), ("CN",)),
    ListEntity("o-tosee", "Company", ("Tosee Mehr Aria Trading Company",), ("IR",)),
    ListEntity("o-intl", "Company", ("Golden Crescent International Trading FZE",), ("AE",)),
]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    built = ScreeningIndex()
    built.extend(LIST)
    return built


def _best(index: ScreeningIndex, schema: str, name: str, **extra: object) -> tuple[str, float]:
    query = Query(id="q", schema=schema, names=(name,), **extra)  # type: ignore[arg-type]
    found = index.screen(query)
    return (found[0].entity_id, found[0].score) if found else ("", 0.0)


@pytest.mark.parametrize(
    ("schema", "name", "expected"),
    [
        # Persian script against a Latin entry
        ("Person", "محمد حسینی", "p-hosseini"),
        ("Person", "غلامرضا قاسمی نژاد", "p-ghasemi"),
        ("Person", "عبدالرضا طباطبایی", "p-abdolreza"),
        ("Person", "ابراهیم ابراهیمی", "p-ebrahimi"),
        ("Person", "علي رضائي", "p-rezaei"),  # Arabic letter variants of the Persian name
        ("Organization", "شرکت سهامی خاص پارس صنعت کویر", "o-pars"),
        ("Organization", "شركت پتروشيمي دنا", "o-dena"),
        # Romanisation variants
        ("Person", "Muhammad Husseini", "p-hosseini"),
        ("Person", "Mohamad Hoseyni", "p-hosseini"),
        ("Person", "Qolamreza Qasemi-Nezhad", "p-ghasemi"),
        ("Person", "Abdol Reza Tabatabai", "p-abdolreza"),
        ("Person", "Ibrahim Ebrahimi", "p-ebrahimi"),
        ("Organization", "Tose'e Mehr Arya Trading Co.", "o-tosee"),
        # Typos
        ("Person", "Mohammad Hossieni", "p-hosseini"),
        ("Organization", "Pars Sanat Kaveer", "o-pars"),
        # Chinese characters against pinyin, joined, spaced, hyphenated, reversed
        ("Person", "张伟明", "p-zhang"),
        ("Person", "Zhang Wei-Ming", "p-zhang"),
        ("Person", "Weiming Zhang", "p-zhang"),
        ("Person", "Chang Wei Ming", "p-zhang"),  # Wade-Giles surname
        ("Person", "单立新", "p-shan"),  # 单 read Shan as a surname, not Dan
        ("Organization", "华信贸易有限公司", "o-huaxin"),
        ("Organization", "深圳金龙电子有限公司", "o-jinlong"),
        ("Organization", "Hua Xin Trading Limited", "o-huaxin"),
        # Arabic script, article and preposition joined
        ("Organization", "شركة النور للملاحة ذ.م.م", "o-noor"),
        ("Person", "خلیل الجبوری", "p-khalil"),
        # Full-width Latin and a legal form in another language
        ("Organization", "ＨＵＡＸＩＮ ＴＲＡＤＩＮＧ", "o-huaxin"),
    ],
)
def test_a_name_finds_its_list_entry_across_scripts_and_spellings(index, schema, name, expected):
    entity, score = _best(index, schema, name)
    assert (entity, score >= THRESHOLD) == (expected, True), (entity, score)


@pytest.mark.parametrize(
    ("schema", "name", "country"),
    [
        ("Person", "Reza Hosseini", "IR"),  # same surname, another given name
        ("Person", "Hassan Hosseini", "IR"),
        ("Person", "Ali Ghasemi", "IR"),
        ("Person", "Zhang Wei", "CN"),  # a very common name, a part missing
        ("Person", "Wang Weiming", "CN"),
        ("Person", "Li Xin", "CN"),
        ("Organization", "Pars Petro Kimia Company", "IR"),  # shares only a common word
        ("Organization", "Sanat Gostar Company", "IR"),
        ("Organization", "Huaxing Machinery Co., Ltd.", "CN"),
        ("Organization", "Al Noor Medical Center", "AE"),
        ("Organization", "International Trading LLC", "AE"),
        ("Organization", "Golden Star International Trading", "AE"),
        ("Organization", "شرکت بازرگانی بین المللی آریا", "IR"),
        ("Organization", "北京华信科技有限公司", "CN"),  # Huaxin, but technology in Beijing
        ("Person", "Mohammad Hosseini", "AF"),  # the same name in another country
    ],
)
def test_common_names_and_words_do_not_raise_a_case(index, schema, name, country):
    query = Query(id="q", schema=schema, names=(name,), countries=(country,))
    assert [(c.entity_id, c.score) for c in index.screen(query, threshold=THRESHOLD)] == []


def test_an_equal_identifier_decides_whatever_the_name(index):
    query = Query(
        id="q", schema="Organization", names=("Shanghai Blue Sky",), identifiers=("10320984751",)
    )
    found = index.screen(query, threshold=THRESHOLD)
    assert found[0].entity_id == "o-pars"
    assert found[0].score == 1.0
    assert found[0].reasons[0].code == "identifier"
    assert found[0].reasons[0].as_dict()["scheme"] == "ir_company_id"


def test_a_different_identifier_of_the_same_scheme_lowers_the_score(index):
    same_name = Query(id="q", schema="Organization", names=("Huaxin Trading Co Ltd",))
    other_uscc = Query(
        id="q",
        schema="Organization",
        names=("Huaxin Trading Co Ltd",),
        identifiers=("91440300MA5F9XTW1A",),
    )
    plain, with_id = index.screen(same_name)[0], index.screen(other_uscc)[0]
    assert plain.score >= THRESHOLD > with_id.score
    assert "identifier_mismatch" in {r.code for r in with_id.reasons}


def test_a_birth_year_far_from_the_entrys_lowers_the_score(index):
    close = Query(id="q", schema="Person", names=("Mohammad Hosseini",), birth_date="1968")
    far = Query(id="q", schema="Person", names=("Mohammad Hosseini",), birth_date="1995-01-01")
    assert index.screen(close)[0].score == 1.0
    found = index.screen(far)[0]
    assert found.score < THRESHOLD
    assert found.reasons[-1].code == "birth_date_mismatch"


def test_a_person_is_never_matched_to_an_organisation(index):
    query = Query(id="q", schema="Person", names=("Dena Petrochemical",))
    assert [c.entity_id for c in index.screen(query)] == []


def test_the_explanation_names_the_parts_and_the_transliteration(index):
    found = index.screen(Query(id="q", schema="Person", names=("محمد حسینی",), countries=("IR",)))
    # The entry also holds the name in Persian: the exact alias wins.
    assert found[0].reasons[0].as_dict()["entity"] == "محمد حسینی"
    latin_only = ListEntity("x", "Person", ("Mohammad Hosseini",), ("IR",))
    candidate = score_entity(
        Query(id="q", schema="Person", names=("محمد حسینی",)),
        [*parse_name("محمد حسینی", is_person=True)],
        latin_only,
    )
    parts = [r.as_dict() for r in candidate.reasons if r.code == "part"]
    assert {(p["query"], p["entity"], p["how"]) for p in parts} == {
        ("محمد", "mohammad", "transliteration"),
        ("حسینی", "hosseini", "transliteration"),
    }
    chinese = index.screen(Query(id="q", schema="Person", names=("张伟明",)))[0]
    readings = {r.as_dict()["reading"] for r in chinese.reasons if r.code == "part"}
    assert readings == {"zhang", "wei ming"}


def test_legal_forms_are_removed_and_compared_apart():
    name = parse_name("شرکت سهامی خاص پارس صنعت", is_person=False)[0]
    assert name.legal_forms == {"jsc"}
    assert [p.plain for p in name.parts] == ["پارس", "industry"]
    chinese = parse_name("华信贸易有限公司", is_person=False)[0]
    assert chinese.legal_forms == {"ltd"}
    assert [p.plain for p in chinese.parts] == ["hua", "xin", "trading"]
    latin = parse_name("Huaxin Trading Co., Ltd.", is_person=False)[0]
    assert latin.legal_forms == {"ltd"}
    jsc = score_entity(
        Query(id="q", schema="Organization", names=("Pars Kavir PJSC",)),
        parse_name("Pars Kavir PJSC", is_person=False),
        ListEntity("e", "Company", ("Pars Kavir LLC",)),
    )
    assert "legal_form_mismatch" in {r.code for r in jsc.reasons}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＺＨＡＮＧ　Ｗｅｉ", "zhang wei"),  # full-width
        ("مُحَمَّد", "محمد"),  # diacritics
        ("علي", "علی"),  # Arabic yeh to Persian
        ("محمدی\u200cنژاد", "محمدینژاد"),  # ZWNJ
        ("شركة ١٢٣ ۴۵۶", "شرکه 123 456"),  # Arabic-Indic and Persian digits, kaf, teh marbuta
        ("Jaʻfari-Kâshâni", "jafari kashani"),
    ],
)
def test_normalisation_per_script(raw, expected):
    assert normalise(raw) == expected


def test_short_chinese_name_parts_get_an_edit_allowance_but_other_syllables_do_not():
    def similarity(a: str, b: str) -> float:
        left = parse_name(a, is_person=True)[0].parts[0]
        right = parse_name(b, is_person=True)[0].parts[0]
        return part_similarity(left, right)[0]

    assert similarity("Wie", "Wei") >= 0.75  # a typo: not a syllable
    assert similarity("Zhnag", "Zhang") >= 0.75
    assert similarity("Lee", "Li") >= 0.9  # an older spelling of the same surname
    assert similarity("Hsu", "Xu") >= 0.9
    # Another syllable is another character: Liu 刘 and Lu 卢, Zhang 张 and Zheng 郑.
    assert similarity("Liu", "Lu") == 0.0
    assert similarity("Zhang", "Zheng") == 0.0
    assert similarity("Li", "Wu") == 0.0


@given(st.text(max_size=40))
def test_any_text_normalises_and_parses_without_error(text):
    normalised = normalise(text)
    assert normalise(normalised) == normalised
    for reading in parse_name(text, is_person=True):
        assert all(part.plain for part in reading.parts)


def test_replacing_and_removing_entities_changes_what_is_found():
    index = ScreeningIndex()
    index.add(ListEntity("e1", "Person", ("Kamran Farahani",), ("IR",)))
    query = Query(id="q", schema="Person", names=("کامران فراهانی",))
    assert [c.entity_id for c in index.screen(query, threshold=THRESHOLD)] == ["e1"]
    index.add(ListEntity("e1", "Person", ("Bahram Sotoudeh",), ("IR",)))
    assert index.screen(query, threshold=THRESHOLD) == []
    index.remove("e1")
    assert len(index) == 0
    assert index.screen(Query(id="q", schema="Person", names=("Bahram Sotoudeh",))) == []


def test_retrieval_scores_only_a_few_candidates_among_many():
    """A name among 20,000 look-alike entities is found without scoring them all, quickly."""
    rng = random.Random(7)
    given_names = ["Ali", "Reza", "Hamid", "Saeed", "Mehdi", "Wei", "Lei", "Ming", "Jun", "Hui"]
    surnames = ["Karimi", "Moradi", "Sadeghi", "Wang", "Liu", "Chen", "Zhou", "Yousefi", "Bagheri"]
    index = ScreeningIndex(settings=EngineSettings(candidates=40))
    for number in range(20000):
        name = f"{rng.choice(given_names)} {rng.choice(surnames)} {rng.choice(surnames)}{number}"
        index.add(ListEntity(f"s{number}", "Person", (name,)))
    index.add(ListEntity("target", "Person", ("Farhad Kouhestani",), ("IR",)))
    query = Query(id="q", schema="Person", names=("فرهاد کوهستانی",))
    assert len(index.candidates(query, parse_name("فرهاد کوهستانی", is_person=True))) <= 40
    started = time.perf_counter()
    found = index.screen(query, threshold=THRESHOLD)
    assert time.perf_counter() - started < 0.5
    assert [c.entity_id for c in found] == ["target"]


def test_the_engine_loads_without_django():
    code = (
        "import sys, karvan.compliance.engine\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_misspelt_legal_forms_and_generic_words_are_still_read_as_such():
    name = parse_name("Kavir Sihpping Private Joint Stock Compaany", is_person=False)[0]
    assert name.legal_forms == {"jsc"}
    assert [p.plain for p in name.parts] == ["kavir", "shipping"]
    arabic = parse_name("شركة النخبة للملاحة ذ.م.م", is_person=False)[0]
    assert arabic.legal_forms == {"llc", "company"}
    assert [p.plain for p in arabic.parts if p.script != "stop"] == ["نخبه", "shipping"]


@pytest.mark.parametrize(
    ("query", "entry", "alike"),
    [
        ("Wong Haitao", "WANG Haitao", True),  # Cantonese Wong is Wang or Huang
        ("Wong Haitao", "HUANG Haitao", True),
        ("Walid al-Dulaimi", "Khalid al-Dulaimi", False),  # another first letter, another name
        ("Mahmoud Ghasemi", "Mohammad Ghasemi", False),
        ("Tarek al-Otaibi", "Tariq al-Otaibi", True),
        ("Karman Dehghan", "Kamran Dehghan", True),  # a transposition is one edit
    ],
)
def test_spellings_and_their_limits(query, entry, alike):
    candidate = score_entity(
        Query(id="q", schema="Person", names=(query,)),
        parse_name(query, is_person=True),
        ListEntity("e", "Person", (entry,)),
    )
    assert (candidate.score >= THRESHOLD) is alike, candidate.score
