"""Every reason the engine gives states a fact the two listings hold: checked against their data,
one check per reason kind, on the demo's recommendations and on the cases the issue names."""

from karvan.matching.engine import Listing, Match, MatchingIndex, Reason
from karvan.matching.text import lexical_tokens, normalise, words
from karvan.matching.vocabulary import default_vocabulary, word_forms


def _digits(code: str) -> str:
    return "".join(char for char in code if char.isdigit())


def _declares(listing: Listing, code: str) -> bool:
    return any(_digits(declared).startswith(code) for declared in listing.hs_codes)


def _text(listing: Listing) -> str:
    return normalise(f"{listing.title}\n{listing.description}")


def _names(listing: Listing, term: str) -> bool:
    """The listing's text contains the term, allowing the affixes of its language."""
    folded = normalise(term)
    text = _text(listing)
    if folded.replace(" ", "") in text.replace(" ", ""):
        return True
    forms = {form for token in words(text) for form in word_forms(token)}
    return all(bool(word_forms(part) & forms) for part in words(folded))


def check_reason(reason: Reason, mine: Listing, theirs: Listing) -> None:
    """Assert that one reason holds for the listing `mine` and its match `theirs`."""
    vocabulary = default_vocabulary()
    params = dict(reason.params)
    code = reason.code
    if code == "complementary":
        assert mine.side != theirs.side
        assert (params["side"], params["kind"], params["yours"]) == (
            theirs.side,
            theirs.kind,
            mine.side,
        )
    elif code == "same_side":
        assert mine.side == theirs.side == params["side"]
    elif code == "other_country":
        assert mine.country.upper() != theirs.country.upper() == params["country"].upper()
    elif code in ("same_hs_code", "same_hs_heading", "same_hs_chapter"):
        length = {"same_hs_code": 6, "same_hs_heading": 4, "same_hs_chapter": 2}[code]
        assert len(params["code"]) == length
        assert _declares(mine, params["code"]) and _declares(theirs, params["code"])
    elif code == "same_sector":
        assert any(c.startswith(params["code"]) for c in mine.isic_codes)
        assert any(c.startswith(params["code"]) for c in theirs.isic_codes)
    elif code == "shared_terms":
        concepts = params["concepts"].split(", ")
        mine_concepts = vocabulary.extract(f"{mine.title}\n{mine.description}", mine.language)
        theirs_concepts = vocabulary.extract(
            f"{theirs.title}\n{theirs.description}", theirs.language
        )
        for name in concepts:
            assert name in mine_concepts and name in theirs_concepts
        for term in params["terms"].split(", "):
            assert _names(mine, term) or _names(theirs, term), term
    elif code == "shared_concepts":
        name = params["concepts"]
        for listing in (mine, theirs):
            named = vocabulary.extract(f"{listing.title}\n{listing.description}", listing.language)
            assert any(name in vocabulary.ancestors(concept) for concept in named)
    elif code == "value_chain":
        first, second = params["concepts"].split(", ")
        assert second in vocabulary.concepts[first].related or (
            first in vocabulary.concepts[second].related
        )
        assert _names(mine, params["mine"]) and _names(theirs, params["theirs"])
    elif code == "shared_words":
        mine_tokens = lexical_tokens(_text(mine))
        theirs_tokens = lexical_tokens(_text(theirs))
        for word in params["words"].split(", "):
            assert word in mine_tokens and word in theirs_tokens, word
    elif code == "similar_description":
        assert float(params["similarity"]) > 0
    else:
        raise AssertionError(f"unchecked reason {code}")


def check_match(match: Match, mine: Listing, by_id: dict[str, Listing]) -> None:
    theirs = by_id[match.id]
    for reason in match.reasons:
        check_reason(reason, mine, theirs)


def test_every_reason_of_the_demo_recommendations_holds(
    demo_index: MatchingIndex, demo_listings: list[Listing]
):
    listings = demo_listings
    by_id = {listing.id: listing for listing in listings}
    seen: set[str] = set()
    for listing in listings:
        for match in demo_index.recommend(listing, top=10):
            check_match(match, listing, by_id)
            seen.update(reason.code for reason in match.reasons)
    # The demo exercises every kind of reason the checker knows (bar the same side, which the
    # product never shows, and shared broader concepts: tested below on plain data).
    assert {
        "complementary",
        "other_country",
        "same_hs_heading",
        "same_sector",
        "shared_terms",
        "value_chain",
        "shared_words",
        "similar_description",
    } <= seen


def test_a_new_pistachio_offer_is_never_told_of_codes_its_partners_do_not_carry(
    demo_index: MatchingIndex, demo_listings: list[Listing]
):
    listings = demo_listings
    by_id = {listing.id: listing for listing in listings}
    offer = Listing(
        id="new-pistachio",
        side="offer",
        kind="product",
        language="fa",
        country="IR",
        title="فروش پسته احمدآقایی صادراتی",
        description="پسته احمدآقایی درجه یک، بسته‌بندی کیسه ۲۵ کیلویی، تحویل FOB بندرعباس.",
        hs_codes=("0802",),
        owner="new-farm",
    )
    matches = demo_index.recommend(offer, top=10)
    for match in matches:
        check_match(match, offer, by_id)
        for reason in match.reasons:
            if reason.code.startswith("same_hs_"):
                assert reason.params["code"].startswith("08")
            assert reason.code != "same_sector"  # the offer declares no sector
    unrelated = [m for m in matches if m.id in ("op-sudu-methanol-fa", "op-sudu-bitumen-request")]
    for match in unrelated:
        assert not any(r.code.startswith("same_hs_") for r in match.reasons)


def test_competitors_are_never_introduced_as_complementary(
    demo_index: MatchingIndex, demo_listings: list[Listing]
):
    listings = demo_listings
    by_id = {listing.id: listing for listing in listings}
    offer = by_id["op-pistachio-kerman-akbari"]
    same_side = [
        match
        for match in demo_index.recommend(offer, top=len(listings))
        if by_id[match.id].side == offer.side
    ]
    assert same_side
    for match in same_side:
        assert match.reasons[0].code == "same_side"
        assert "complementary" not in [reason.code for reason in match.reasons]


def test_a_code_inferred_from_words_is_said_as_words_not_as_a_code(embedder):
    index = MatchingIndex(embedder)
    offer = Listing(
        id="offer", side="offer", kind="product", language="fa", country="IR",
        title="صادرات پسته", description="پسته اکبری با بسته‌بندی کیسه‌ای.", hs_codes=(),
    )  # fmt: skip
    request = Listing(
        id="request", side="request", kind="product", language="zh", country="CN",
        title="求购开心果", description="广州进口商长期采购开心果。", hs_codes=(),
    )  # fmt: skip
    index.upsert([offer, request])
    (match,) = index.recommend(offer, top=1)
    codes = [reason.code for reason in match.reasons]
    assert "shared_terms" in codes
    assert not any(code.startswith("same_hs_") or code == "same_sector" for code in codes)
    check_match(match, offer, {"request": request})


def test_a_broader_concept_is_named_only_when_each_text_names_a_kind_of_it(embedder):
    index = MatchingIndex(embedder)
    offer = Listing(
        id="offer", side="offer", kind="product", language="fa", country="IR",
        title="صادرات پسته", description="پسته اکبری درجه یک.",
    )  # fmt: skip
    almonds = Listing(
        id="almonds", side="request", kind="product", language="zh", country="CN",
        title="求购巴旦木", description="新疆食品厂采购巴旦木。",
    )  # fmt: skip
    packer = Listing(
        id="packer", side="request", kind="product", language="zh", country="CN",
        title="求购包装机", description="工厂采购立式包装机。",
    )  # fmt: skip
    index.upsert([offer, almonds, packer])
    by_id = {"almonds": almonds, "packer": packer}
    matches = {match.id: match for match in index.recommend(offer, top=2)}
    reasons = {reason.code: reason for reason in matches["almonds"].reasons}
    assert reasons["shared_concepts"].params["concepts"] == "nuts_dried_fruit"
    for match in matches.values():
        check_match(match, offer, by_id)
    # A packaging machine is no kind of nut: no "both are about" for it.
    assert "shared_concepts" not in [reason.code for reason in matches["packer"].reasons]


def test_a_machine_translation_is_matched_on_but_never_quoted(embedder):
    """A translation's words find the listing in the reader's language; reasons quote only what
    the authors wrote."""
    import dataclasses

    from karvan.matching.documents import listing_fields, listing_from_fields

    plain = Listing(
        id="rfq", side="request", kind="product", language="fa", country="IR",
        title="درخواست خرید", description="به دنبال تأمین کننده برای پروژه کارخانه هستیم.",
    )  # fmt: skip
    translated = dataclasses.replace(
        plain, translations=(("zh", "我们为工厂项目寻找不锈钢料斗供应商。"),)
    )
    assert listing_from_fields("rfq", listing_fields(translated)) == translated
    assert "translations" not in listing_fields(plain)
    scores = {}
    for listing in (plain, translated):
        index = MatchingIndex(embedder)
        index.upsert([listing])
        (found,) = index.search("不锈钢料斗", top=1)
        scores[listing is translated] = found.score
        for reason in found.reasons:
            if reason.code == "shared_words":
                assert all(word in _text(listing) for word in reason.params["words"].split(", "))
    assert scores[True] > scores[False]
