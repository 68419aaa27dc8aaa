"""The one search of the page and the API: exact and cross-lingual hits ranked in one list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from karvan.opportunities.models import Opportunity
from karvan.opportunities.search import search_opportunities
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc
from tests.opportunities.demo_listings import SORTING_LINE_RFQ, demo_opportunity

pytestmark = pytest.mark.django_db

# A few listings of the demo, in the four languages, the RFQ among look-alikes and strangers.
WORLD = {
    SORTING_LINE_RFQ: "IR",
    "op-pistachio-kerman-akbari": "IR",
    "op-dates-ahvaz-packing-rfq": "IR",
    "op-hefengyuan-pistachio-rfq": "CN",
    "op-guangrui-pistachio-sorter": "CN",
    "op-suitong-servo-flowpack": "CN",
    "op-taochuang-slab-line": "CN",
    "op-solar-shiraz-lfp-batteries": "IR",
    "op-carpet-tabriz-custom-hotel": "IR",
}


@pytest.fixture
def world(django_capture_on_commit_callbacks) -> dict[str, Opportunity]:
    listings = {}
    for number, (key, country) in enumerate(WORLD.items(), start=1):
        data = demo_opportunity(key)
        organisation = OrganisationFactory(
            name={data["language"]: f"Organisation {number}"},
            original_language=data["language"],
            country=country,
            **({"registry_id": valid_uscc(number)} if country == "CN" else {}),
        )
        member = MembershipFactory(organisation=organisation, role="owner")
        with django_capture_on_commit_callbacks(execute=True):
            draft = create_opportunity(actor=member.user, organisation=organisation, data=data)
            listings[key] = publish_opportunity(opportunity=draft, actor=member.user)
    return listings


def _ids(found) -> list[int]:
    return [row.pk for row in found.results]


def test_chinese_words_find_the_persian_packaging_line_rfq(world, client):
    viewer = MembershipFactory().user
    found = search_opportunities(viewer=viewer, query="开心果 包装线")
    ids = _ids(found)
    rfq = world[SORTING_LINE_RFQ]
    # Among the first, with the Chinese listings whose own words match, in one ranking.
    assert rfq.pk in ids[:3]
    assert rfq.pk in found.across_languages
    assert world["op-taochuang-slab-line"].pk not in ids
    assert world["op-solar-shiraz-lfp-batteries"].pk not in ids
    assert world["op-carpet-tabriz-custom-hotel"].pk not in ids
    # The page shows the same single list, in the same order, under one count.
    page = client.get(reverse("opportunities:search"), {"q": "开心果 包装线"})
    assert [row.pk for row in page.context["page"]] == ids[:20]
    assert page.context["total"] == len(ids)
    # And so do both API operations.
    listed = client.get("/api/opportunities", {"q": "开心果 包装线"}).json()
    assert [row["id"] for row in listed["items"]] == ids[:20]
    searched = client.get("/api/search", {"q": "开心果 包装线"}).json()
    assert [row["id"] for row in searched["opportunities"]] == ids[:20]


def test_exact_matches_and_matches_in_other_languages_share_one_ranking(world):
    viewer = MembershipFactory().user
    found = search_opportunities(viewer=viewer, query="开心果")
    ids = _ids(found)
    chinese = {world["op-hefengyuan-pistachio-rfq"].pk, world["op-guangrui-pistachio-sorter"].pk}
    persian = {world["op-pistachio-kerman-akbari"].pk, world[SORTING_LINE_RFQ].pk}
    assert chinese <= set(ids) and persian & set(ids)
    assert found.across_languages & persian
    assert not found.across_languages & chinese  # their words match: exact hits


CROSS_LINGUAL = [
    ("开心果 包装线", SORTING_LINE_RFQ),  # zh → fa
    ("pistachio colour sorter", "op-guangrui-pistachio-sorter"),  # en → zh
    ("خرید پسته", "op-hefengyuan-pistachio-rfq"),  # fa → zh
    ("فستق", "op-pistachio-kerman-akbari"),  # ar → fa
    ("خط بسته‌بندی خرما", "op-dates-ahvaz-packing-rfq"),  # fa → ar
    ("dates packing line multihead weigher", "op-dates-ahvaz-packing-rfq"),  # en → ar
]


def test_a_query_finds_the_listing_saying_it_in_another_language(world):
    """One world for every language pair: indexing it is the slow part."""
    viewer = MembershipFactory().user
    for query, expected in CROSS_LINGUAL:
        ids = _ids(search_opportunities(viewer=viewer, query=query))
        assert world[expected].pk in ids[:3], query


def test_a_query_with_no_good_match_finds_nothing_and_says_so(world, client):
    viewer = MembershipFactory().user
    assert _ids(search_opportunities(viewer=viewer, query="qwzx vbnm kkjh")) == []
    page = client.get(reverse("opportunities:search"), {"q": "qwzx vbnm kkjh"})
    html = page.content.decode()
    assert page.context["total"] == 0
    assert 'id="no-match"' in html and "data-key-facts" not in html


def test_facet_counts_are_the_counts_each_filter_gives(world):
    viewer = MembershipFactory().user
    found = search_opportunities(viewer=viewer, query="开心果")
    assert sum(found.facets["side"].values()) == found.total
    assert set(found.facets) == {"side", "kind", "country", "hs_chapter"}
    assert found.facets["hs_chapter"]  # the pistachio listings' chapter 08 at least
    for facet, counts in found.facets.items():
        for value, count in counts.items():
            filtered = search_opportunities(viewer=viewer, query="开心果", **{facet: value})
            assert filtered.total == count, (facet, value)


def test_drafts_of_others_are_never_found(world, iranian):
    draft = create_opportunity(
        actor=iranian.user,
        organisation=iranian.organisation,
        data=demo_opportunity("op-pistachio-kerman-kalleh-ghuchi-draft"),
    )
    outsider = MembershipFactory().user
    assert draft.pk not in _ids(search_opportunities(viewer=outsider, query="پسته"))
    assert draft.pk not in _ids(search_opportunities(viewer=outsider, query="开心果"))


def test_hits_as_relevant_as_each_other_come_newest_first(
    iranian, django_capture_on_commit_callbacks
):
    """Three listings of the same words are equally relevant: the newest is first, whichever
    was written first or has the lowest id."""
    data = {
        **demo_opportunity("op-pistachio-kerman-akbari"),
        "title": "Zorblax pistachio kernels",
        "description": "Zorblax grade pistachio kernels, vacuum packed, monthly supply.",
    }
    published = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            draft = create_opportunity(
                actor=iranian.user, organisation=iranian.organisation, data=data
            )
            published.append(publish_opportunity(opportunity=draft, actor=iranian.user))
    moments = {published[0].pk: 2, published[1].pk: 3, published[2].pk: 1}  # days ago
    for pk, days in moments.items():
        Opportunity.objects.filter(pk=pk).update(
            published_at=timezone.now() - datetime.timedelta(days=days)
        )
    found = _ids(search_opportunities(viewer=MembershipFactory().user, query="zorblax"))
    assert found == [published[2].pk, published[0].pk, published[1].pk]
