"""Each reason the engine gives reads as a sentence in the reader's language."""

import pytest
from django.utils import translation

from karvan.matching.engine import Reason
from karvan.matching.reasons import describe_reason

# A code's reason names it with its label, read from the HS and ISIC tables.
pytestmark = pytest.mark.django_db

# Each reason the engine gives, and what its sentence must name (None: a fixed sentence).
ENGINE_REASONS = [
    (Reason("complementary", {"side": "offer", "kind": "product", "yours": "request"}), "product"),
    (
        Reason("complementary", {"side": "request", "kind": "technology", "yours": "offer"}),
        "technology",
    ),
    (
        Reason(
            "value_chain",
            {"concepts": "pistachio, packaging_machine", "mine": "پسته", "theirs": "包装机"},
        ),
        "包装机",
    ),
    (Reason("same_side", {"side": "offer"}), None),
    (Reason("shared_terms", {"terms": "开心果, پسته", "concepts": "pistachio"}), "开心果 and پسته"),
    (Reason("shared_concepts", {"concepts": "pistachio", "terms": "开心果"}), "pistachio"),
    (Reason("same_hs_code", {"code": "080251"}), "080251"),
    (Reason("same_hs_heading", {"code": "0802"}), "0802"),
    (Reason("same_hs_chapter", {"code": "08"}), "08"),
    (Reason("same_sector", {"code": "10"}), "10"),
    (Reason("shared_words", {"words": "cfr, gacc"}), "cfr and gacc"),
    (Reason("similar_description", {"similarity": "0.61"}), None),
    (Reason("other_country", {"country": "CN"}), "China"),
]


@pytest.mark.parametrize(
    ("reason", "named"), ENGINE_REASONS, ids=[reason.code for reason, _named in ENGINE_REASONS]
)
def test_every_reason_the_engine_gives_reads_as_a_sentence(reason, named):
    with translation.override("en"):
        sentence = describe_reason(reason)
        fallback = describe_reason(Reason("no_such_reason", {}))
    assert sentence != fallback
    assert " " in sentence
    if named is not None:
        assert named in sentence


@pytest.mark.parametrize(
    ("language", "listed"),
    [("fa", "cfr، gacc، و gost"), ("ar", "cfr وgacc وgost"), ("zh-hans", "cfr、gacc和gost")],
)
def test_shared_words_are_listed_with_the_readers_punctuation(language, listed):
    with translation.override(language):
        sentence = describe_reason(Reason("shared_words", {"words": "cfr, gacc, gost"}))
    assert listed in sentence.replace("\u200f", "")
    assert ", " not in sentence


def test_a_shared_concept_is_named_in_the_readers_language():
    reason = Reason("shared_concepts", {"concepts": "pistachio", "terms": "开心果"})
    with translation.override("fa"):
        persian = describe_reason(reason)
    with translation.override("en"):
        english = describe_reason(reason)
    assert "پسته" in persian and "开心果" not in persian
    assert "pistachio" in english.lower()
