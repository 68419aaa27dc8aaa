"""Matching with the database: stored vectors, each process's index, alerts and recommendations.

The engine itself is tested without a database next door; here the rows, the on-commit work and
the catching up of the in-process index are what is under test.
"""

import datetime
import types

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from karvan.core.countries import country_name
from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory.models import Membership
from karvan.matching import notifications as kinds
from karvan.matching.adapters import to_listing
from karvan.matching.engine import Reason
from karvan.matching.index_cache import current_index, get_embedder, reset_index
from karvan.matching.models import ListingRemoval, ListingVector
from karvan.matching.reasons import describe_reason
from karvan.matching.selectors import recommend_for_opportunity, recommend_for_organisation
from karvan.matching.services import drop_expired_listings, index_opportunity
from karvan.notifications.models import Notification
from karvan.opportunities.models import Opportunity
from karvan.opportunities.services import (
    close_opportunity,
    create_opportunity,
    publish_opportunity,
    renew_opportunity,
    update_opportunity,
)
from tests.factories import MembershipFactory, UserFactory, register_organisation, valid_uscc
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db

# The Iranian pistachio processor and the Guangzhou importer of the opportunities tests.
iranian = opportunity_fixtures.iranian
chinese = opportunity_fixtures.chinese

# Below the default 0.5 of settings: the engine scores the pistachio pair about 0.46 today.
ALERT_SCORE = 0.3

PACKAGING_REQUEST = {
    "side": "request",
    "kind": "product",
    "language": "zh-hans",
    "title": "求购全自动食品包装机",
    "description": "需要每分钟六十袋的立式包装机，适用于颗粒食品，带称重和封口功能。",
    "hs_codes": ["8422"],
    "sectors": ["28"],
}


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Each test starts from an empty in-process index, built from its own database."""
    reset_index()
    yield
    reset_index()


@pytest.fixture
def embedded(monkeypatch):
    """The texts the real embedder is asked to embed as passages, in order."""
    embedder = get_embedder()
    texts: list[str] = []
    original = embedder.embed_passages

    def counting(self, batch):
        texts.extend(batch)
        return original(batch)

    monkeypatch.setattr(embedder, "embed_passages", types.MethodType(counting, embedder))
    return texts


def _published(membership, data, capture):
    opportunity = create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=data
    )
    with capture(execute=True):
        return publish_opportunity(opportunity=opportunity, actor=membership.user)


def _text(opportunity: Opportunity) -> str:
    return f"{opportunity.title}\n{opportunity.description}"


# --- Stored vectors and each process's index --------------------------------------------------


def test_publishing_stores_the_vector_every_process_builds_from(
    iranian, django_capture_on_commit_callbacks, embedded
):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    row = ListingVector.objects.get(opportunity=offer)
    assert row.is_active
    assert row.model == django_settings.KARVAN_EMBEDDER
    assert len(bytes(row.vector)) == get_embedder().dim * 4
    assert len(row.text_hash) == 64
    assert embedded.count(_text(offer)) == 1
    # A fresh process builds its index from the stored rows: the model is not run again.
    reset_index()
    index = current_index()
    assert str(offer.pk) in index and len(index) == 1
    assert embedded.count(_text(offer)) == 1


def test_a_draft_is_not_indexed(iranian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_opportunity(
            actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
        )
    assert not ListingVector.objects.filter(opportunity=draft).exists()
    assert str(draft.pk) not in current_index()


def test_the_index_catches_up_on_rows_another_process_stored(
    iranian, chinese, django_capture_on_commit_callbacks
):
    _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    index = current_index()
    assert len(index) == 1
    # Another worker publishes and indexes; its on-commit work never reaches this process.
    request = create_opportunity(
        actor=chinese.user, organisation=chinese.organisation, data=PISTACHIO_REQUEST
    )
    request = publish_opportunity(opportunity=request, actor=chinese.user)
    index_opportunity(opportunity=request)
    assert str(request.pk) not in index
    assert current_index() is index  # caught up, not rebuilt
    assert len(index) == 2
    assert str(request.pk) in index


def test_a_row_committed_late_is_not_missed(iranian, chinese, django_capture_on_commit_callbacks):
    """A slow transaction stamps its row before a quicker one but commits after it."""
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    index = current_index()
    stamped = ListingVector.objects.get(opportunity=offer).indexed_at
    request = create_opportunity(
        actor=chinese.user, organisation=chinese.organisation, data=PISTACHIO_REQUEST
    )
    request = publish_opportunity(opportunity=request, actor=chinese.user)
    index_opportunity(opportunity=request)
    ListingVector.objects.filter(opportunity=request).update(
        indexed_at=stamped - datetime.timedelta(milliseconds=200)
    )
    assert current_index() is index
    assert str(request.pk) in index


def test_a_deleted_opportunity_leaves_every_running_index(
    iranian, chinese, django_capture_on_commit_callbacks
):
    """Deleting a row (the admin, or an organisation's removal) cannot mark it inactive."""
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    index = current_index()
    assert str(offer.pk) in index
    offer_id = offer.pk
    offer.delete()
    assert ListingRemoval.objects.filter(opportunity_id=offer_id).exists()
    assert current_index() is index  # caught up, not rebuilt
    assert str(offer_id) not in index
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []


def test_old_tombstones_are_pruned(iranian, django_capture_on_commit_callbacks):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    offer.delete()
    recent = ListingRemoval.objects.get()
    ListingRemoval.objects.create(
        opportunity_id=recent.opportunity_id + 1000,
        removed_at=timezone.now() - datetime.timedelta(days=8),
    )
    drop_expired_listings()
    assert list(ListingRemoval.objects.all()) == [recent]


def test_closing_takes_it_out_of_recommendations(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    before = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert [item.opportunity.pk for item in before] == [offer.pk]
    with django_capture_on_commit_callbacks(execute=True):
        close_opportunity(opportunity=offer, actor=iranian.user)
    assert not ListingVector.objects.get(opportunity=offer).is_active
    assert str(offer.pk) not in current_index()
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []


def test_expired_listings_are_dropped_from_the_index(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    assert str(offer.pk) in current_index()
    Opportunity.objects.filter(pk=offer.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert drop_expired_listings() == 1
    assert drop_expired_listings() == 0  # already dropped
    assert str(offer.pk) not in current_index()
    assert str(request.pk) in current_index()
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []
    # Renewing brings it back everywhere.
    offer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        renew_opportunity(opportunity=offer, actor=iranian.user)
    assert str(offer.pk) in current_index()


def test_an_unchanged_text_is_not_embedded_again(iranian, embedded):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    opportunity = publish_opportunity(opportunity=opportunity, actor=iranian.user)
    first = index_opportunity(opportunity=opportunity)
    assert embedded == [_text(opportunity)]
    # Codes and dates changed, the words did not: the stored vector is reused.
    opportunity.target_countries = ["CN", "HK"]
    again = index_opportunity(opportunity=opportunity)
    assert embedded == [_text(opportunity)]
    assert bytes(again.vector) == bytes(first.vector)
    assert again.indexed_at > first.indexed_at
    # New words are embedded.
    opportunity.title = "پسته فندقی صادراتی"
    changed = index_opportunity(opportunity=opportunity)
    assert embedded[-1] == _text(opportunity) and len(embedded) == 2
    assert changed.text_hash != first.text_hash


# --- Match alerts -----------------------------------------------------------------------------


def test_a_new_complementary_listing_alerts_the_partner_once_in_their_language(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind=kinds.NEW_MATCH).exists()  # nobody to tell yet
    request = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)

    alert = Notification.objects.get(kind=kinds.NEW_MATCH)
    assert alert.recipient == iranian.user
    assert alert.url == request.get_absolute_url()
    assert (alert.params["opportunity"], alert.params["match"]) == (offer.title, request.title)
    reasons = alert.params["reasons"]
    assert set(reasons) == set(CONTENT_LANGUAGES)
    with translation.override("fa"):
        body = alert.body
    # The Iranian reader is told where the new partner is: China, named in Persian.
    assert country_name("CN", "fa") in body
    assert country_name("IR", "fa") not in body
    assert reasons["fa"] != reasons["en"]
    with translation.override("en"):
        assert "China" in alert.body

    # Changing or renewing the request does not alert again.
    with django_capture_on_commit_callbacks(execute=True):
        update_opportunity(
            opportunity=request,
            actor=chinese.user,
            changes={"title": "求购伊朗开心果，每月三个货柜"},
        )
    assert Notification.objects.filter(kind=kinds.NEW_MATCH).count() == 1


def test_only_current_members_hear_of_a_match(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    """The offer's author is alerted while a member; once they leave, only the managers are."""
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    writer = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    leaver = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    _published(writer, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    _published(
        leaver, {**PISTACHIO_OFFER, "title": "پسته فندقی"}, django_capture_on_commit_callbacks
    )
    leaver.delete()
    _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    alerted = Notification.objects.filter(kind=kinds.NEW_MATCH)
    assert {row.params["opportunity"] for row in alerted} == {
        PISTACHIO_OFFER["title"],
        "پسته فندقی",
    }
    assert {row.recipient for row in alerted} == {iranian.user, writer.user}
    assert not alerted.filter(recipient=leaver.user).exists()


def test_a_weak_match_does_not_alert(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    _published(chinese, PACKAGING_REQUEST, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind=kinds.NEW_MATCH).exists()
    assert ListingVector.objects.filter(alerted_at__isnull=True).count() == 0


# --- Recommendations for an organisation and reasons ------------------------------------------


def test_an_organisation_without_opportunities_is_matched_on_its_profile(
    iranian, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    importer = register_organisation(
        owner=owner,
        country="CN",
        registry_id=valid_uscc(11),
        original_language="zh-hans",
        name={"zh-hans": "上海干果贸易"},
        description={"zh-hans": "我们从伊朗进口开心果、杏仁和葡萄干，供应华东地区超市。"},
        products=["0802"],
        sectors=["46"],
    )
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    recommendations = recommend_for_organisation(viewer=owner, organisation=importer)
    assert [item.opportunity.pk for item in recommendations] == [offer.pk]
    assert recommendations[0].reasons
    # Its own listings are never recommended to it.
    assert recommend_for_organisation(viewer=iranian.user, organisation=iranian.organisation) == []


def test_recommendations_for_an_organisation_come_from_its_open_opportunities(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    _published(chinese, PACKAGING_REQUEST, django_capture_on_commit_callbacks)
    pistachio = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    found = recommend_for_organisation(viewer=chinese.user, organisation=chinese.organisation)
    assert found[0].opportunity.pk == offer.pk
    assert pistachio.pk not in [item.opportunity.pk for item in found]


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


def test_the_listing_the_engine_sees(iranian):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    listing = to_listing(opportunity)
    assert (listing.id, listing.side, listing.language, listing.country) == (
        str(opportunity.pk),
        "offer",
        "fa",
        "IR",
    )
    assert listing.hs_codes == ("0802",)
    assert listing.owner == str(iranian.organisation_id)


# --- Only confident matches are shown ----------------------------------------------------------


def test_partners_for_you_hold_only_confident_complementary_matches(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    offer = _published(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    competitor = MembershipFactory(organisation__name={"fa": "پسته دامغان"})
    _published(
        competitor,
        {**PISTACHIO_OFFER, "title": "پسته فندقی دامغان برای صادرات"},
        django_capture_on_commit_callbacks,
    )
    request = _published(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    found = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    # Two Iranian offers of pistachios for a Chinese pistachio buyer: both shown, nothing else.
    assert offer.pk in [item.opportunity.pk for item in found]
    assert all(item.opportunity.side == "offer" for item in found)
    # The offer's own list never shows the other pistachio offer (a competitor).
    partners = recommend_for_opportunity(viewer=iranian.user, opportunity=offer)
    assert [item.opportunity.pk for item in partners] == [request.pk]
    # A threshold nothing reaches shows nothing rather than padding the list.
    settings.KARVAN_MATCH_THRESHOLD = 5.0
    assert recommend_for_opportunity(viewer=iranian.user, opportunity=offer) == []
