"""The matching engine on plain data: complementarity, corridor, codes, reasons, incrementality."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.matching.engine import (
    EngineSettings,
    Listing,
    MatchingIndex,
    isic_section,
    rank_dataset,
)
from karvan.matching.engine.index import search_probe


def _listing(listing_id: str, **fields: object) -> Listing:
    values: dict[str, object] = {
        "side": "offer",
        "kind": "product",
        "language": "en",
        "country": "IR",
        "title": "Goods for trade",
        "description": "Quality goods, regular monthly supply.",
    }
    values.update(fields)
    return Listing(id=listing_id, **values)  # type: ignore[arg-type]


PISTACHIO_OFFER_FA = _listing(
    "fa-pistachio",
    language="fa",
    country="IR",
    owner="kerman-nuts",
    title="صادرات پسته اکبری و احمدآقایی از رفسنجان",
    description="تولیدکننده و صادرکننده پسته خندان و مغز پسته، بسته‌بندی ۱۰ و ۲۵ کیلویی.",
    hs_codes=("080251",),
)
PISTACHIO_REQUEST_ZH = _listing(
    "zh-pistachio",
    side="request",
    language="zh",
    country="CN",
    owner="guangzhou-foods",
    title="求购伊朗开心果",
    description="广州食品进口商，长期采购伊朗开心果，每月两个货柜，要求原产地证书。",
    hs_codes=("0802",),
)
OTHER_REQUESTS_ZH = [
    _listing(
        "zh-solar",
        side="request",
        language="zh",
        country="CN",
        title="采购太阳能光伏组件",
        description="新疆电站项目需要单晶光伏组件和逆变器。",
    ),
    _listing(
        "zh-tiles",
        side="request",
        language="zh",
        country="CN",
        title="求购瓷砖",
        description="上海建材贸易公司寻找抛光砖和墙砖供应商。",
    ),
    _listing(
        "zh-steel",
        side="request",
        language="zh",
        country="CN",
        title="长期采购钢坯",
        description="钢铁贸易商求购方坯，每月一万吨。",
    ),
]


def _index(embedder: object, listings: list[Listing], **changes: object) -> MatchingIndex:
    index = MatchingIndex(embedder, dataclasses.replace(EngineSettings(), **changes))  # type: ignore[arg-type]
    index.upsert(listings)
    return index


# --- Cross-lingual matching and reasons ----------------------------------------------------------


def test_a_persian_pistachio_offer_finds_the_chinese_pistachio_import_request(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH, *OTHER_REQUESTS_ZH])
    matches = index.recommend(PISTACHIO_OFFER_FA, top=3)
    assert matches[0].id == "zh-pistachio"
    assert matches[0].score > matches[1].score


def test_the_chinese_request_finds_the_persian_offer_the_other_way_round(embedder):
    other_offers = [
        _listing(
            "fa-saffron", language="fa", title="فروش زعفران سرگل", description="زعفران قائنات"
        ),
        _listing("fa-tiles", language="fa", title="کاشی و سرامیک یزد", description="کاشی کف"),
    ]
    index = _index(embedder, [PISTACHIO_OFFER_FA, *other_offers, PISTACHIO_REQUEST_ZH])
    assert index.recommend(PISTACHIO_REQUEST_ZH, top=1)[0].id == "fa-pistachio"


def test_reasons_explain_the_match_most_important_first(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH, *OTHER_REQUESTS_ZH])
    match = index.recommend(PISTACHIO_OFFER_FA, top=1)[0]
    codes = [reason.code for reason in match.reasons]
    assert codes[0] == "complementary"
    assert dict(match.reasons[0].params) == {"side": "request", "kind": "product", "yours": "offer"}
    shared = next(reason for reason in match.reasons if reason.code == "shared_terms")
    assert "پسته" in shared.params["terms"] and "开心果" in shared.params["terms"]
    assert shared.params["concepts"] == "pistachio"
    # The offer declared 080251 and the request heading 0802: the heading is what both declared
    # (that the request's words imply 080251 as well is said as "both mention", not as a code).
    hs = next(reason for reason in match.reasons if reason.code.startswith("same_hs_"))
    assert (hs.code, hs.params["code"]) == ("same_hs_heading", "0802")
    country = next(reason for reason in match.reasons if reason.code == "other_country")
    assert country.params["country"] == "CN"
    assert all(
        isinstance(value, str) for reason in match.reasons for value in reason.params.values()
    )


def test_the_shared_words_named_are_the_same_in_every_process(embedder):
    """Words as rare as one another were named in the order of a set, which changes with each
    process's string hashing: two web workers gave one match two different reasons."""
    words = ["zinc", "quartz", "jade", "onyx", "basalt", "garnet", "marble"]
    offer = _listing("offer", title="Stone trading", description=" ".join(words))
    request = _listing(
        "request", side="request", country="CN", title="Stone buying",
        description=" ".join(reversed(words)),
    )  # fmt: skip
    match = _index(embedder, [offer, request]).recommend(offer, top=1)[0]
    shared = next(reason for reason in match.reasons if reason.code == "shared_words")
    assert shared.params["words"] == ", ".join(sorted(words)[:5])


def test_an_unrelated_match_names_no_shared_terms(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, *OTHER_REQUESTS_ZH])
    for match in index.recommend(PISTACHIO_OFFER_FA, top=3):
        assert "shared_terms" not in [reason.code for reason in match.reasons]
        assert "same_hs_heading" not in [reason.code for reason in match.reasons]


def test_search_in_chinese_finds_a_persian_offer(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, *OTHER_REQUESTS_ZH])
    results = index.search("开心果", language="zh", top=2)
    assert results[0].id == "fa-pistachio"
    assert index.search("开心果", top=5, side="request")[0].id != "fa-pistachio"


# --- Complementarity, corridor, codes, owner -----------------------------------------------------


def test_a_request_never_ranks_a_competing_request_above_a_complementary_offer(embedder):
    competitor = dataclasses.replace(
        PISTACHIO_REQUEST_ZH, id="zh-competitor", owner="shenzhen-foods", country="IR"
    )
    unrelated_offer = _listing("en-tiles", title="Porcelain floor tiles", description="60x60 cm.")
    index = _index(
        embedder, [PISTACHIO_REQUEST_ZH, competitor, PISTACHIO_OFFER_FA, unrelated_offer]
    )
    ranked = index.recommend(PISTACHIO_REQUEST_ZH, top=10)
    assert [match.id for match in ranked] == ["fa-pistachio", "en-tiles", "zh-competitor"]
    assert ranked[-1].reasons[0].code == "same_side"


def test_the_other_country_ranks_first_other_things_equal(embedder):
    same_country = _listing("offer-ir", side="offer", country="IR")
    other_country = _listing("offer-cn", side="offer", country="CN")
    query = _listing("request-ir", side="request", country="IR")
    index = _index(embedder, [same_country, other_country, query])
    assert [match.id for match in index.recommend(query)] == ["offer-cn", "offer-ir"]


def test_hs_proximity_orders_same_code_then_heading_then_chapter(embedder):
    query = _listing("query", side="request", country="CN", hs_codes=("080251",))
    candidates = [
        _listing("none", hs_codes=("7208",)),
        _listing("chapter", hs_codes=("0813",)),
        _listing("heading", hs_codes=("080290",)),
        _listing("code", hs_codes=("080251",)),
    ]
    index = _index(embedder, [query, *candidates])
    ranked = index.recommend(query)
    assert [match.id for match in ranked] == ["code", "heading", "chapter", "none"]
    hs_reasons = [
        [(r.code, r.params["code"]) for r in match.reasons if r.code.startswith("same_hs_")]
        for match in ranked
    ]
    assert hs_reasons == [
        [("same_hs_code", "080251")],
        [("same_hs_heading", "0802")],
        [("same_hs_chapter", "08")],
        [],
    ]


def test_isic_proximity_orders_same_division_then_same_section(embedder):
    query = _listing("query", side="request", country="CN", isic_codes=("10",))
    candidates = [
        _listing("other", isic_codes=("62",)),
        _listing("section", isic_codes=("C",)),
        _listing("division", isic_codes=("10",)),
    ]
    index = _index(embedder, [query, *candidates])
    assert [match.id for match in index.recommend(query)] == ["division", "section", "other"]


def test_an_owner_is_never_recommended_its_own_listings(embedder):
    own = dataclasses.replace(PISTACHIO_REQUEST_ZH, id="own-request", owner="kerman-nuts")
    index = _index(embedder, [PISTACHIO_OFFER_FA, own, *OTHER_REQUESTS_ZH])
    ids = [match.id for match in index.recommend(PISTACHIO_OFFER_FA, top=10)]
    assert "own-request" not in ids
    assert "fa-pistachio" not in ids
    assert len(ids) == len(OTHER_REQUESTS_ZH)


# --- Incremental index ---------------------------------------------------------------------------


def test_an_added_listing_shows_up_without_a_rebuild_and_a_removed_one_disappears(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, *OTHER_REQUESTS_ZH])
    assert "zh-pistachio" not in [match.id for match in index.recommend(PISTACHIO_OFFER_FA)]
    index.upsert([PISTACHIO_REQUEST_ZH])
    assert len(index) == 5
    assert index.recommend(PISTACHIO_OFFER_FA, top=1)[0].id == "zh-pistachio"
    index.remove(["zh-pistachio", "not-indexed"])
    assert len(index) == 4
    assert "zh-pistachio" not in [match.id for match in index.recommend(PISTACHIO_OFFER_FA)]


def test_updating_a_listing_changes_its_recommendations(embedder):
    index = _index(embedder, [PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH, *OTHER_REQUESTS_ZH])
    assert index.recommend(PISTACHIO_REQUEST_ZH, top=1)[0].id == "fa-pistachio"
    tiles = dataclasses.replace(
        PISTACHIO_REQUEST_ZH, title="求购瓷砖", description="寻找伊朗瓷砖供应商。", hs_codes=()
    )
    tile_offer = _listing("fa-tiles", language="fa", title="کاشی و سرامیک", description="کاشی کف")
    index.upsert([tiles, tile_offer])
    assert len(index) == 6
    assert index.recommend(tiles, top=1)[0].id == "fa-tiles"


def test_upsert_returns_the_vectors_and_accepts_them_back(embedder):
    index = _index(embedder, [])
    vectors = index.upsert([PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH])
    assert vectors.shape == (2, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    restored = MatchingIndex(embedder)
    restored.upsert([PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH], vectors)
    first = index.recommend(PISTACHIO_OFFER_FA)
    second = restored.recommend(PISTACHIO_OFFER_FA)
    assert [(m.id, round(m.score, 4)) for m in first] == [(m.id, round(m.score, 4)) for m in second]


def test_upsert_rejects_unknown_sides_kinds_and_wrong_vectors(embedder):
    index = MatchingIndex(embedder)
    with pytest.raises(ValueError, match="side"):
        index.upsert([_listing("x", side="swap")])
    with pytest.raises(ValueError, match="kind"):
        index.upsert([_listing("x", kind="gift")])
    with pytest.raises(ValueError, match="shape"):
        index.upsert([_listing("x")], np.zeros((1, 3), dtype=np.float32))
    assert len(index) == 0


def test_an_empty_index_recommends_nothing(embedder):
    assert MatchingIndex(embedder).recommend(PISTACHIO_OFFER_FA) == []
    assert MatchingIndex(embedder).search("pistachio") == []


def _random_listings(count: int, seed: int) -> tuple[list[Listing], np.ndarray]:
    rng = np.random.default_rng(seed)
    listings = [
        _listing(
            f"l{number}",
            side=("offer", "request")[number % 2],
            kind=("product", "technology", "service")[number % 3],
            country=("IR", "CN", "IQ")[number % 3],
            owner=f"o{number % 7}",
            title=f"item {number}",
        )
        for number in range(count)
    ]
    vectors = rng.standard_normal((count, 384)).astype(np.float32)
    return listings, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_above_the_threshold_the_ann_index_serves_and_stays_incremental(embedder):
    listings, vectors = _random_listings(300, seed=1)
    index = MatchingIndex(
        embedder, EngineSettings(ann_threshold=200, ann_candidates=64, sparse_candidates=50)
    )
    index.upsert(listings, vectors)
    assert index._ann is not None
    query = listings[0]
    ranked = index.recommend(query, top=5)
    assert len(ranked) == 5
    assert all(match.reasons[0].code == "complementary" for match in ranked)
    twin = dataclasses.replace(query, id="twin", side="request", owner="other", country="CN")
    index.upsert([twin], vectors[:1])
    assert index.recommend(query, top=1)[0].id == "twin"
    index.remove(["twin"])
    assert "twin" not in [match.id for match in index.recommend(query, top=20)]
    pistachios = [
        _listing("nuts-offer", title="Iranian pistachio", country="IR"),
        _listing("nuts-request", side="request", title="开心果 wanted", country="CN"),
    ]
    index.upsert(pistachios, vectors[1:3])
    assert {match.id for match in index.search("pistachio", top=2)} == {
        "nuts-offer",
        "nuts-request",
    }
    assert [match.id for match in index.search("pistachio", top=1, side="request")] == [
        "nuts-request"
    ]


def test_removing_most_listings_compacts_the_index_and_keeps_the_rest(embedder):
    listings, vectors = _random_listings(2200, seed=2)
    index = MatchingIndex(embedder)
    index.upsert(listings, vectors)
    index.remove([listing.id for listing in listings[:1200]])
    assert len(index) == 1000
    assert index._size == 1000  # compacted: removed slots are gone
    ranked = index.recommend(listings[1500], top=3000)
    assert {match.id for match in ranked} <= {listing.id for listing in listings[1200:]}
    assert len(ranked) == 999 - sum(
        1
        for listing in listings[1200:]
        if listing.owner == listings[1500].owner and listing.id != "l1500"
    )


@settings(max_examples=25, deadline=None)
@given(
    sides=st.lists(st.sampled_from(["offer", "request"]), min_size=2, max_size=12),
    owners=st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=12, max_size=12),
    seed=st.integers(0, 1000),
)
def test_complementary_candidates_always_precede_competitors(embedder, sides, owners, seed):
    rng = np.random.default_rng(seed)
    listings = [
        _listing(f"l{n}", side=side, owner=owners[n], country=("IR", "CN")[n % 2])
        for n, side in enumerate(sides)
    ]
    vectors = rng.standard_normal((len(listings), 384)).astype(np.float32)
    index = MatchingIndex(embedder)
    index.upsert(listings, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    query = listings[0]
    ranked = index.recommend(query, top=20)
    tiers = [match.reasons[0].code for match in ranked]
    assert tiers == sorted(tiers, key=lambda code: code != "complementary")
    by_id = {listing.id: listing for listing in listings}
    assert query.id not in by_id or all(match.id != query.id for match in ranked)
    if query.owner:
        assert all(by_id[match.id].owner != query.owner for match in ranked)


# --- Dataset ranking, ISIC, purity ---------------------------------------------------------------


def test_rank_dataset_ranks_every_query_of_a_dataset(embedder):
    dataset = {
        "items": [
            {"id": "a", "side": "offer", "kind": "product", "lang": "fa", "country": "IR",
             "title": "زعفران سرگل قائنات", "description": "صادرات زعفران", "hs": ["091020"]},
            {"id": "b", "side": "request", "kind": "product", "lang": "zh", "country": "CN",
             "title": "求购藏红花", "description": "上海进口商采购伊朗藏红花"},
            {"id": "c", "side": "request", "kind": "product", "lang": "ar", "country": "IQ",
             "title": "مطلوب بلاط سيراميك", "description": "شركة في بغداد"},
            {"id": "d", "side": "offer", "kind": "service", "lang": "en", "country": "CN",
             "title": "Sea freight Shanghai to Bandar Abbas", "description": "Weekly sailings."},
        ],
        "queries": [{"item": "a", "relevant": {"b": 2}}, {"item": "b", "relevant": {"a": 2}}],
    }  # fmt: skip
    rankings = rank_dataset(dataset, top=2, embedder=embedder)
    assert set(rankings) == {"a", "b"}
    assert rankings["a"][0] == "b" and rankings["b"][0] == "a"
    assert all(len(ranking) == 2 for ranking in rankings.values())
    json.dumps(rankings)


def test_rank_dataset_rejects_a_dataset_without_items(embedder):
    with pytest.raises(ValueError, match="items"):
        rank_dataset({"queries": []}, top=5, embedder=embedder)


@pytest.mark.parametrize(
    ("code", "section"),
    [("10", "C"), ("1079", "C"), ("62", "J"), ("C", "C"), ("01", "A"), ("x", "")],
)
def test_isic_sections_of_divisions(code, section):
    assert isic_section(code) == section


def test_the_engine_modules_load_without_django():
    modules = "karvan.matching.engine, karvan.matching.embedders, karvan.matching.vocabulary"
    code = (
        f"import sys, {modules}, karvan.matching.text\n"
        "karvan.matching.vocabulary.default_vocabulary()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'\n"
        "assert not [m for m in sys.modules if m.startswith('karvan.') and not "
        "m.startswith('karvan.matching')]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr


# --- Generic concepts, confidence, the shown threshold -----------------------------------------


def test_a_generic_concept_in_common_counts_for_almost_nothing(embedder):
    index = MatchingIndex(embedder)
    wig_offer = _listing(
        "wig-offer",
        language="fa",
        title="کلاه‌گیس و اکستنشن موی طبیعی انسان",
        description="کلاه‌گیس از موی طبیعی انسان، دوخت با ماشین آلات، همراه خدمات.",
    )
    wig_request = _listing(
        "wig-request",
        side="request",
        language="zh",
        country="CN",
        title="求购真人发假发",
        description="美发沙龙采购医用假发。",
    )
    generic_request = _listing(
        "generic-request",
        side="request",
        language="zh",
        country="CN",
        title="机械设备 服务",
        description="采购机械设备和服务。",
    )
    fillers = [
        ("request", "en", "GB", "Machinery and services for a bakery"),
        ("offer", "zh", "CN", "机械设备出口"),
        ("offer", "ar", "IQ", "خدمات وآلات صناعية"),
        ("request", "fa", "IR", "خرید ماشین آلات صنعتی"),
    ]
    listings = [
        wig_offer,
        wig_request,
        generic_request,
        *[
            _listing(
                f"filler-{n}",
                side=side,
                language=language,
                country=country,
                title=title,
                description=title,
            )
            for n, (side, language, country, title) in enumerate(fillers)
        ],
    ]
    index.upsert(listings)
    wig = index.features(listings[0])
    generic = index.features(listings[2])
    assert "machinery" in wig.direct and "machinery" in generic.direct
    assert index._specificity("machinery") < 0.15
    # The wig offer's vocabulary is unsure of its subject: dense similarity decides.
    assert index._confidence(wig) == 0.0
    # Counted fully (the former flat weighting), the shared generic concepts lift the generic
    # request; weighted by how discriminating they are, they lift it by almost nothing.
    concept_only = EngineSettings(
        dense_weight=0, lexical_weight=0, corridor_bonus=0, confidence_shift=False
    )

    def generic_score(settings: EngineSettings) -> float:
        probe = MatchingIndex(embedder, settings)
        probe.upsert(listings)
        return next(
            m.score for m in probe.recommend(listings[0], top=10) if m.id == "generic-request"
        )

    assert (
        generic_score(
            dataclasses.replace(
                concept_only, group_concept_factor=1.0, specificity_power=1.0, specific_share=1.0
            )
        )
        > 0.1
    )
    assert generic_score(concept_only) < 0.02


def test_only_confident_complementary_matches_are_shown(embedder):
    competitor = _listing(
        "fa-competitor", language="fa", owner="other-farm",
        title="فروش پسته فندقی", description="پسته فندقی صادراتی از دامغان.",
    )  # fmt: skip
    index = _index(
        embedder, [PISTACHIO_OFFER_FA, PISTACHIO_REQUEST_ZH, competitor, *OTHER_REQUESTS_ZH]
    )
    everything = index.recommend(PISTACHIO_OFFER_FA, top=10)
    assert {"fa-competitor", "zh-solar", "zh-tiles", "zh-steel"} <= {m.id for m in everything}
    shown = index.recommend(PISTACHIO_OFFER_FA, top=10, min_score=0.12)
    assert [match.id for match in shown] == ["zh-pistachio"]
    # A threshold nothing reaches shows nothing, rather than padding the list.
    assert index.recommend(PISTACHIO_OFFER_FA, top=10, min_score=5.0) == []


def test_a_nonsense_query_finds_nothing_confident(demo_index):
    threshold = demo_index.settings.search_threshold
    assert demo_index.search("سنگ تراورتن", min_score=threshold)
    for nonsense in ("qwxz blorf snark", "ضصثق غعهخ", "啊哦嗯呃"):
        assert demo_index.search(nonsense, min_score=threshold) == [], nonsense


def test_a_chinese_query_finds_the_persian_pistachio_packaging_line_rfq(demo_index):
    """The one lead that matters to a Chinese packaging maker, written in Persian."""
    found = demo_index.search(
        "开心果 包装线", top=50, min_score=demo_index.settings.search_threshold
    )
    ids = [match.id for match in found]
    assert "op-pistachio-kerman-sorting-line" in ids
    match = found[ids.index("op-pistachio-kerman-sorting-line")]
    shared = next(reason for reason in match.reasons if reason.code == "shared_terms")
    assert "pistachio" in shared.params["concepts"]
    assert "packaging_machine" in shared.params["concepts"]


# --- An index for one query ----------------------------------------------------------------------


def _ranked(matches: list[object]) -> list[tuple[str, float, tuple[object, ...]]]:
    return [(m.id, m.score, m.reasons) for m in matches]  # type: ignore[attr-defined]


def test_an_index_kept_for_one_query_answers_it_as_a_full_index_does(
    embedder, demo_listings, demo_vectors, demo_index
):
    """The database store ranks each query's candidates in an index holding only the postings
    that query reads: its recommendations, scores and reasons are the full index's."""
    assert len(demo_listings) > 20
    for listing in demo_listings[::3]:  # every kind, side and language
        narrow = MatchingIndex(embedder, only_for=demo_index.features(listing))
        narrow.upsert(demo_listings, demo_vectors)
        for threshold in (None, 0.2):
            expected = demo_index.recommend(listing, top=10, min_score=threshold)
            assert _ranked(narrow.recommend(listing, top=10, min_score=threshold)) == _ranked(
                expected
            )
    for query in ("开心果", "پسته", "packaging machine", "saffron", "مخازن"):
        narrow = MatchingIndex(embedder, only_for=demo_index.features(search_probe(query)))
        narrow.upsert(demo_listings, demo_vectors)
        expected = demo_index.search(query, top=10)
        assert expected
        assert _ranked(narrow.search(query, top=10)) == _ranked(expected)


def test_an_index_kept_for_one_query_refuses_another(
    embedder, demo_listings, demo_vectors, demo_index
):
    index = MatchingIndex(embedder, only_for=demo_index.features(PISTACHIO_OFFER_FA))
    index.upsert(demo_listings, demo_vectors)
    assert index.recommend(PISTACHIO_OFFER_FA, top=3)
    with pytest.raises(ValueError, match="another query"):
        index.recommend(OTHER_REQUESTS_ZH[0], top=3)
    with pytest.raises(ValueError, match="another query"):
        index.search("solar panels", top=3)
