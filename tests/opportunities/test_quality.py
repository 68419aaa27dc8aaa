"""The clarity score and its advice, on plain values: no database, no request."""

import pytest
from django.utils import translation

from karvan.opportunities.quality import assess_listing

LONG_DESCRIPTION = (
    "Akbari pistachios, naturally opened, moisture below 5 percent, packed in 25 kg bags. "
    "We export 500 tonnes a year from Rafsanjan through Bandar Abbas, with GACC registration "
    "for China, phytosanitary certificates and third-party inspection on request. "
    "Samples are sent by courier within a week of a signed sample request."
)


def _complete_product(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Akbari pistachios, 500 tonnes a year",
        "description": LONG_DESCRIPTION,
        "language": "en",
        "kind": "product",
        "hs_codes": 1,
        "sectors": 1,
        "has_quantity": True,
        "has_price": True,
        "has_incoterm": True,
        "target_countries": 1,
    }
    return {**values, **overrides}


def _codes(report) -> set[str]:
    return {item.code for item in report.advice}


def test_a_complete_product_listing_scores_100_without_advice():
    report = assess_listing(**_complete_product())
    assert report.score == 100
    assert report.advice == ()


def test_a_product_without_hs_code_is_told_to_add_one():
    report = assess_listing(**_complete_product(hs_codes=0))
    assert _codes(report) == {"hs_missing"}
    assert report.score == 80
    with translation.override("en"):
        assert "HS code" in str(report.advice[0].message)


def test_a_short_description_is_flagged():
    report = assess_listing(**_complete_product(description="Good pistachios."))
    assert {"description_short", "description_thin"} <= _codes(report)
    assert report.score < 100


def test_sixty_chinese_characters_are_not_a_short_description():
    """Chinese says in one character what takes about three Latin letters."""
    description = (
        "伊朗阿克巴里开心果自然开口含水量低于百分之五每袋二十五公斤"
        "年出口五百吨可提供海关总署注册证书及第三方检验样品一周内寄出欢迎询价"
    )
    description = (description * 2)[:60]
    assert len(description) == 60
    chinese = assess_listing(
        **_complete_product(
            title="伊朗开心果每年五百吨", description=description, language="zh-hans"
        )
    )
    assert "description_short" not in _codes(chinese)
    # The same length in a language written with letters is still short.
    persian = assess_listing(**_complete_product(description="پ" * 60, language="fa"))
    assert "description_short" in _codes(persian)


def test_a_chinese_title_without_spaces_is_not_counted_as_one_word():
    report = assess_listing(**_complete_product(title="伊朗开心果每年五百吨", language="zh-hans"))
    assert "title_short" not in _codes(report)
    assert "title_short" in _codes(assess_listing(**_complete_product(title="Pistachios")))


@pytest.mark.parametrize("kind", ["service", "technology", "partnership"])
def test_services_and_know_how_need_no_hs_code_quantity_or_price(kind):
    report = assess_listing(
        **_complete_product(
            kind=kind,
            hs_codes=0,
            has_quantity=False,
            has_price=False,
            has_incoterm=False,
        )
    )
    assert report.score == 100
    assert report.advice == ()


def test_a_product_missing_its_trade_terms_gets_each_piece_of_advice():
    report = assess_listing(
        **_complete_product(
            has_quantity=False, has_price=False, has_incoterm=False, target_countries=0
        )
    )
    assert _codes(report) == {
        "quantity_missing",
        "price_missing",
        "incoterm_missing",
        "targets_missing",
    }
    assert report.score == 100 - (10 + 5 + 5 + 5)


def test_an_empty_listing_scores_low_but_never_below_zero():
    report = assess_listing(
        title="",
        description="",
        language="fa",
        kind="product",
        hs_codes=0,
        sectors=0,
        has_quantity=False,
        has_price=False,
        has_incoterm=False,
        target_countries=0,
    )
    assert report.score == 0
    assert "hs_missing" in _codes(report)


def test_a_blank_expiry_gets_no_advice_because_it_means_ninety_days():
    """The form says "Leave empty for 90 days": the score must not contradict it."""
    report = assess_listing(**_complete_product())
    assert "expiry_missing" not in _codes(report)
    assert report.score == 100


@pytest.mark.parametrize(
    ("language", "description"),
    [
        (
            "en",
            "We sell dates. They are sweet and dry. We pack them in boxes. "
            "We ship each week. Ask us for samples.",
        ),
        (
            "fa",
            "ما خرما می‌فروشیم. خرمای ما شیرین است. در جعبه بسته‌بندی می‌کنیم. "
            "هر هفته بار می‌فرستیم. نمونه بخواهید.",
        ),
    ],
)
def test_five_plain_sentences_are_neither_too_short_nor_thin(language, description):
    assert len(description) < 120  # short in letters, yet five real sentences
    report = assess_listing(**_complete_product(description=description, language=language))
    assert not {"description_short", "description_thin"} & _codes(report)


def test_one_sentence_of_the_same_length_is_still_flagged():
    report = assess_listing(
        **_complete_product(description="We sell sweet dry dates packed in boxes every week.")
    )
    assert {"description_short", "description_thin"} <= _codes(report)
