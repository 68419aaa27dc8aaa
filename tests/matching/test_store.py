"""The one vector store: documents of any kind, keyed by kind and key, written only when changed,
and every process's index catching up on changes and tombstones."""

import datetime

import pytest
from django.utils import timezone

from karvan.matching.documents import Document
from karvan.matching.engine import Listing
from karvan.matching.index_cache import current_index, reset_index
from karvan.matching.models import StoredVector, VectorRemoval
from karvan.matching.services import drop_expired_vectors, remove_documents, store_documents
from karvan.matching.stores import current_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    reset_index()
    yield
    reset_index()


def _document(key: str, title: str, side: str = "offer", **fields: object) -> Document:
    listing = Listing(
        id=key,
        side=side,
        kind="product",
        language="en",
        country="IR",
        title=title,
        description=f"{title}, exported in 25 kg bags.",
        hs_codes=("0802",),
        owner=f"owner-{key}",
    )
    return Document(listing, **fields)  # type: ignore[arg-type]


def test_only_changed_rows_are_written_and_indexed():
    first = store_documents(kind="fruit", documents=[_document("1", "Pistachios")])["1"]
    assert first.document["hs_codes"] == ["0802"] and first.is_active
    assert "1" in current_index("fruit")
    again = store_documents(kind="fruit", documents=[_document("1", "Pistachios")])["1"]
    assert again.indexed_at == first.indexed_at  # nothing changed: nothing written
    changed = store_documents(kind="fruit", documents=[_document("1", "Almonds")])["1"]
    assert changed.indexed_at > first.indexed_at and changed.text_hash != first.text_hash
    assert current_index("fruit").search("almonds", top=1)[0].id == "1"


def test_kinds_are_kept_apart():
    store_documents(kind="fruit", documents=[_document("1", "Pistachios")])
    store_documents(kind="posts", documents=[_document("1", "Pistachios", side="request")])
    assert StoredVector.objects.filter(key="1").count() == 2
    assert len(current_index("fruit")) == 1 and len(current_index("posts")) == 1
    store = current_store()
    request = _document("2", "Pistachios wanted", side="request").listing
    assert [match.id for match in store.recommend("fruit", request, top=5)] == ["1"]
    assert store.recommend("nothing", request, top=5) == []


def test_withdrawn_and_removed_documents_leave_every_running_index():
    store_documents(kind="fruit", documents=[_document("1", "Pistachios"), _document("2", "Dates")])
    index = current_index("fruit")
    assert len(index) == 2
    store_documents(kind="fruit", documents=[], withdrawn=["1"])
    assert remove_documents(kind="fruit", keys=["2"]) == 1
    assert VectorRemoval.objects.get().key == "2"
    assert current_index("fruit") is index  # caught up, not rebuilt
    assert len(index) == 0
    assert not StoredVector.objects.get(kind="fruit", key="1").is_active


def test_expired_documents_are_dropped_and_old_tombstones_pruned():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    store_documents(
        kind="fruit",
        documents=[_document("1", "Pistachios", expires_on=yesterday), _document("2", "Dates")],
    )
    assert "1" not in current_index("fruit")  # expired: never indexed
    VectorRemoval.objects.create(
        kind="fruit", key="9", removed_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert drop_expired_vectors() == 1
    assert drop_expired_vectors() == 0
    assert not VectorRemoval.objects.exists()
    assert set(StoredVector.objects.filter(is_active=True).values_list("key", flat=True)) == {"2"}
