"""Features shared between indexes: the same features and rankings as read afresh, bounded."""

import dataclasses

import pytest

from karvan.matching.engine import DEFAULT_SETTINGS, FeatureCache, MatchingIndex
from karvan.matching.engine.features import read_features
from karvan.matching.vocabulary import default_vocabulary


def test_cached_features_are_those_read_afresh_and_the_cache_is_bounded(demo_listings):
    vocabulary = default_vocabulary()
    cache = FeatureCache(DEFAULT_SETTINGS, vocabulary, size=5)
    for listing in demo_listings[:12]:
        assert cache.get(listing) == read_features(listing, DEFAULT_SETTINGS, vocabulary)
    assert len(cache) == 5
    # A listing whose text changed is read again, not served its old features.
    changed = dataclasses.replace(demo_listings[11], title="Saffron threads, export grade")
    assert cache.get(changed) == read_features(changed, DEFAULT_SETTINGS, vocabulary)
    assert cache.get(changed) != cache.get(demo_listings[11])


def test_an_index_sharing_the_cache_ranks_as_one_reading_afresh(embedder, demo_listings):
    vectors = embedder.embed_passages(
        [f"{item.title}\n{item.description}" for item in demo_listings]
    )
    cache = FeatureCache(DEFAULT_SETTINGS, default_vocabulary(), size=10_000)
    plain = MatchingIndex(embedder)
    plain.upsert(demo_listings, vectors)
    for _round in range(2):  # the second index reads every feature from the cache
        shared = MatchingIndex(embedder, feature_cache=cache)
        shared.upsert(demo_listings, vectors)
        for listing in demo_listings[:10]:
            assert shared.recommend(listing, top=5) == plain.recommend(listing, top=5)
        assert shared.search("pistachio", top=5) == plain.search("pistachio", top=5)


def test_a_cache_made_for_other_settings_is_refused(embedder):
    other = dataclasses.replace(DEFAULT_SETTINGS, title_weight=DEFAULT_SETTINGS.title_weight + 1)
    with pytest.raises(ValueError, match="other settings"):
        MatchingIndex(embedder, feature_cache=FeatureCache(other, default_vocabulary()))


def test_features_written_as_data_and_read_back_are_the_features(demo_listings):
    """What the pgvector store keeps beside each row, as JSON, and reads back with candidates."""
    import json

    from karvan.matching.engine.features import features_from_data, features_to_data

    vocabulary = default_vocabulary()
    for listing in demo_listings:
        features = read_features(listing, DEFAULT_SETTINGS, vocabulary)
        stored = json.loads(json.dumps(features_to_data(features), ensure_ascii=False))
        assert features_from_data(stored) == features, listing.id


def test_features_put_in_the_cache_are_served_without_reading_the_listing(demo_listings):
    vocabulary = default_vocabulary()
    cache = FeatureCache(DEFAULT_SETTINGS, vocabulary, size=5)
    first, second = demo_listings[0], demo_listings[1]
    cache.put(first, read_features(second, DEFAULT_SETTINGS, vocabulary))  # a stand-in
    assert cache.get(first) == read_features(second, DEFAULT_SETTINGS, vocabulary)
