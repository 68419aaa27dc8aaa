"""The four-language vocabulary: its file, term matching in each script, and the normaliser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.matching.text import guess_language, lexical_tokens, normalise, words
from karvan.matching.vocabulary import LANGUAGES, default_vocabulary, parse_vocabulary, word_forms


def test_the_shipped_vocabulary_covers_hundreds_of_concepts_in_four_languages():
    vocabulary = default_vocabulary()
    assert len(vocabulary.concepts) >= 300
    for concept in vocabulary.concepts.values():
        assert all(concept.terms.get(language) for language in LANGUAGES), concept.id
        assert all(code.isdigit() and len(code) in (2, 4, 6) for code in concept.hs_codes)
        assert all(code.isdigit() and len(code) == 2 for code in concept.isic_codes), concept.id


def test_every_concept_reaches_an_hs_or_isic_code_through_its_broader_concepts():
    vocabulary = default_vocabulary()
    for name in vocabulary.concepts:
        assert vocabulary.hs_codes([name]) or vocabulary.isic_codes([name]), name


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("صادرات پسته‌های اکبری رفسنجان", "pistachio"),  # Persian plural after a ZWNJ
        ("求购伊朗开心果，每月两个货柜", "pistachio"),  # Chinese, no spaces
        ("نستورد الفستق الحلبي", "pistachio"),  # Arabic article
        ("Raw PISTACHIOS in shell", "pistachio"),  # case and English plural
        ("زعفران سرگل", "saffron"),
        ("供应西红花", "saffron"),
        ("دستگاه بسته بندی پسته", "packaging_machine"),
        ("خط بسته‌بندی", "packaging_machine"),  # a compound written with a ZWNJ
        ("ترخیص کالا از گمرک بندرعباس", "customs"),
        ("تخليص جمركي في ميناء أم قصر", "customs"),
        ("光伏组件", "solar"),
        ("ألواح شمسية", "solar"),
        ("شيشه سکوريت", "glass"),  # Arabic yeh and kaf typed in Persian text
        ("CNC lathes for export", "machine_tools"),
    ],
)
def test_terms_are_found_in_each_script(text, concept):
    assert concept in default_vocabulary().extract(text)


def test_a_term_inside_a_longer_term_is_not_counted_separately():
    found = default_vocabulary().extract("packaging machine for nuts")
    assert "packaging_machine" in found
    assert "packaging" not in found


def test_words_are_matched_whole_not_inside_other_words():
    assert "tea" not in default_vocabulary().extract("our team is ready")
    assert "date" not in default_vocabulary().extract("updated catalogue")


def test_extraction_reports_the_term_as_written():
    assert default_vocabulary().extract("供应开心果") == {"pistachio": "开心果"}


@pytest.mark.parametrize(
    "text",
    ["cashews", "almonds", "apples", "tractors", "garments", "bearings", "cables", "carpets",
     "rugs", "lentils", "chickpeas", "oranges"],
)  # fmt: skip
def test_a_plural_is_reported_as_written_in_every_process(text):
    """Both "cashew" and "cashews" name the concept: which one a reason quoted depended on the
    order of a set, which changes with each process's string hashing."""
    assert list(default_vocabulary().extract(text, "en").values()) == [text]


def test_broader_and_related_concepts_expand_with_decay():
    expansion = {
        name: (weight, role)
        for name, weight, role in default_vocabulary().expansion("pistachio", 0.5, 0.3)
    }
    assert expansion["pistachio"] == (1.0, "self")
    assert expansion["nuts_dried_fruit"] == (0.5, "broader")
    assert expansion["agrifood"] == (0.25, "broader")


def test_a_malformed_vocabulary_line_is_reported_with_its_number():
    with pytest.raises(ValueError, match="line 2"):
        parse_vocabulary(["# comment", "only | three | fields"])
    with pytest.raises(ValueError, match="unknown concept 'nuts'"):
        parse_vocabulary(["pistachio | nuts | 0802 | 01 | | pistachio | پسته | 开心果 | فستق"])
    with pytest.raises(ValueError, match="twice"):
        parse_vocabulary(["a | | | | | a | a | 甲 | a", "a | | | | | b | b | 乙 | b"])


def test_arabic_and_persian_letter_variants_digits_and_diacritics_are_folded():
    assert normalise("كيميا") == normalise("کیمیا")
    assert normalise("مُحَمَّد") == "محمد"
    assert normalise("۱۴۰۵ ٢٠٢٦") == "1405 2026"
    assert words(normalise("می\u200cخواهم")) == ["می", "خواهم"]


def test_lexical_tokens_cut_chinese_into_pairs():
    assert lexical_tokens(normalise("开心果")) == {"开心", "心果"}
    assert lexical_tokens(normalise("Low-E glass")) == {"low-e", "glass"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("求购伊朗开心果", "zh"),
        ("صادرات پسته از کرمان", "fa"),
        ("نبحث عن مورد للفستق الحلبي", "ar"),
        ("Pistachio exporter", "en"),
    ],
)
def test_the_language_of_a_query_is_guessed_from_its_script(text, language):
    assert guess_language(text) == language


@given(st.text(max_size=60))
def test_word_forms_always_contain_the_word_and_only_shorter_forms(word):
    forms = word_forms(word)
    assert word in forms
    assert all(len(form) <= len(word) for form in forms)


@given(st.text(max_size=200))
def test_extraction_never_fails_on_any_text(text):
    found = default_vocabulary().extract(text)
    assert set(found) <= set(default_vocabulary().concepts)


# --- False friends, fixed at their root (each failed before the fix) ---------------------------


@pytest.mark.parametrize(
    ("text", "language", "not_concept"),
    [
        # Persian تأمین is "supply"; only Arabic تأمين is insurance.
        ("تأمین قطعات یدکی از چین برای کارخانه", "fa", "insurance"),
        ("تأمین‌کننده مواد اولیه", "fa", "insurance"),
        # Persian واردات is "imports": no و- prefix and -ات suffix around آرد (flour).
        ("واردات ماشین‌آلات بسته‌بندی", "fa", "wheat_flour"),
        # Persian چادر is a tent as often as a chador.
        ("تولید چادر مسافرتی و کمپینگ", "fa", "hijab_scarf"),
        # Sea cucumber is a seafood, not a cucumber; "dried" is not DRI.
        ("Dried sea cucumber from the Gulf", "en", "cucumber_pepper"),
        ("Dried sea cucumber from the Gulf", "en", "dri_pig_iron"),
        ("صادرات خیار دریایی خشک", "fa", "cucumber_pepper"),
        ("خيار البحر المجفف", "ar", "cucumber_pepper"),
        # Arabic عود is agarwood (incense) as often as the oud.
        ("خشب العود ودهن العود والبخور", "ar", "musical_instruments"),
        ("سبح وعود للبخور", "ar", "musical_instruments"),
        ("چوب عود و بخور", "fa", "musical_instruments"),
        # Persian شمع خودرو is a spark plug, not a candle.
        ("فروش شمع خودرو و وایر شمع", "fa", "candles_home_decor"),
        # Persian تور is a fishing net (or tulle) as often as a tour.
        ("خرید تور ماهیگیری برای صیادان", "fa", "tourism"),
    ],
)
def test_a_false_friend_is_not_read_as_the_concept(text, language, not_concept):
    assert not_concept not in default_vocabulary().extract(text, language)


@pytest.mark.parametrize(
    ("text", "language", "concept"),
    [
        ("شركة تأمين بحري على الشحنات", "ar", "insurance"),  # Arabic تأمين is insurance
        ("بیمه باربری محموله", "fa", "insurance"),
        ("واردات آرد گندم", "fa", "wheat_flour"),  # آرد itself is still flour
        ("Fresh cucumbers from greenhouses", "en", "cucumber_pepper"),
        ("DRI pellets for steel mills", "en", "dri_pig_iron"),
        ("مطلوب جوز ولوز", "ar", "almond"),  # the Arabic و- prefix on a short word
        ("آلة العود المصنوعة يدويا", "ar", "musical_instruments"),
        ("شمع معطر دست‌ساز", "fa", "candles_home_decor"),
        ("برگزاری تور گردشگری چین", "fa", "tourism"),
    ],
)
def test_the_true_sense_is_still_read(text, language, concept):
    assert concept in default_vocabulary().extract(text, language)


def test_without_a_language_every_language_s_terms_are_tried():
    # Text of unknown language (a free-text search) keeps the old, permissive reading.
    assert "insurance" in default_vocabulary().extract("تأمين")


def test_threads_asking_for_the_default_vocabulary_at_once_get_one_object():
    """Feature caches and indexes compare the vocabulary by identity: a web worker whose threads
    each read their own at start-up refused its store's feature cache on every later query."""
    import threading

    from karvan.matching import vocabulary as module

    module._read_default_vocabulary.cache_clear()
    start = threading.Barrier(4)
    found = []

    def ask() -> None:
        start.wait()
        found.append(module.default_vocabulary())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4
    assert all(vocabulary is found[0] for vocabulary in found)
    assert module.default_vocabulary() is found[0]
