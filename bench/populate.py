"""Fill the production stack's PostgreSQL (with pgvector) with a synthetic corpus of a real size.

N organisations (default 100,000) and 10·N published opportunities in the four languages (Persian
and Chinese 35 % each, English and Arabic 15 %), sides half and half, kinds as in the demo (mostly
products), subjects drawn from the vocabulary with popular ones far more common, HS headings on
two products in five, descriptions of one to five sentences. The embedding model embeds a sample
of the texts (`--sample`, default 3,000); every other listing takes the vector of a sampled listing
on the same subject in the same language (or, failing that, the same subject moved by the two
languages' mean difference) plus noise, normalised: the model's geometry without the half day
that embedding a million texts on two cores takes. Rows go in by bulk inserts of 5,000 and the
pgvector table by COPY, its HNSW index built once at the end. 200 members (bench0@karvan.example
… with the password below) own the first 200 organisations.

    .venv/bin/python bench/populate.py --organisations 10000 --data-dir /var/tmp/karvan-bench
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import connection_options, open_stack

PASSWORD = "a long and unusual passphrase 42"  # noqa: S105  # a throw-away corpus's
MEMBERS = 200
BATCH = 5_000
LANGUAGES = ("fa", "zh-hans", "en", "ar")
ENGINE = {"fa": "fa", "zh-hans": "zh", "en": "en", "ar": "ar"}
LANGUAGE_WEIGHTS = (0.35, 0.35, 0.15, 0.15)
COUNTRIES = {"fa": ("IR",), "zh-hans": ("CN",), "en": ("IR", "CN", "AE"), "ar": ("IQ", "AE", "OM")}
KINDS = ("product", "technology", "service", "investment", "partnership")
KIND_WEIGHTS = (0.6, 0.12, 0.12, 0.08, 0.08)
ORGANISATION_KINDS = ("sme", "industrial_unit", "service_provider", "university", "association")
SENTENCES = {
    "fa": (
        "تولید و عرضه با کیفیت صادراتی و تحویل ماهانه.",
        "نمونه رایگان برای خریداران جدی ارسال می‌شود.",
        "دارای گواهی‌نامه‌های بین‌المللی و آزمایشگاه کنترل کیفیت.",
        "بسته‌بندی مطابق سفارش و حمل از بندرعباس.",
        "آماده همکاری بلندمدت با شرکای خارجی هستیم.",
    ),
    "zh-hans": (
        "长期稳定供货，质量可靠，欢迎洽谈。",
        "可提供样品，支持定制包装。",
        "工厂通过国际认证，设有质检实验室。",
        "可从上海或广州港口发货。",
        "期待与海外伙伴建立长期合作。",
    ),
    "en": (
        "Export quality with monthly supply.",
        "Samples available for serious buyers.",
        "Certified plant with an in-house quality laboratory.",
        "Packing to order, shipping from Bandar Abbas or Shanghai.",
        "Looking for a long-term partner.",
    ),
    "ar": (
        "جودة تصديرية وتوريد شهري منتظم.",
        "العينات متاحة للمشترين الجادين.",
        "مصنع معتمد مع مختبر لمراقبة الجودة.",
        "تعبئة حسب الطلب والشحن من ميناء جبل علي.",
        "نبحث عن شريك طويل الأمد.",
    ),
}
COMPANY = {"fa": "شرکت", "zh-hans": "公司", "en": "Company", "ar": "شركة"}


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")
    import django

    django.setup()


class Corpus:
    """Listings' fields drawn at random with a fixed seed."""

    def __init__(self, seed: int = 7) -> None:
        from karvan.core.models import HsCode
        from karvan.matching.vocabulary import default_vocabulary

        known = set(HsCode.objects.values_list("code", flat=True))
        vocabulary = default_vocabulary()
        self.concepts = [c for c in vocabulary.concepts.values() if all(c.terms.values())]
        self.headings = [[code for code in c.hs_codes if code in known] for c in self.concepts]
        ranks = np.arange(1, len(self.concepts) + 1)
        self.popularity = (1 / ranks) / (1 / ranks).sum()
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)

    def terms(self, concept: int, language: str) -> list[str]:
        return list(self.concepts[concept].terms[ENGINE[language]])

    def opportunity(self, subject: int, second: int, language: str) -> dict[str, object]:
        kind = self.random.choices(KINDS, KIND_WEIGHTS)[0]
        terms = self.terms(subject, language)
        sentences = self.random.sample(SENTENCES[language], self.random.randint(1, 5))
        headings = self.headings[subject]
        return {
            "side": "offer" if self.random.random() < 0.52 else "request",
            "kind": kind,
            "language": language,
            "title": f"{self.random.choice(terms)} {self.terms(second, language)[0]}",
            "description": " ".join([f"{terms[0]}:", *sentences]),
            "hs_codes": headings[:1]
            if kind == "product" and headings and self.random.random() < 0.4
            else [],
        }


def embed_sample(corpus: Corpus, rows: list[dict[str, object]], sample: int) -> np.ndarray:
    """Vectors for every row: the model's for a sample, the same geometry for the rest."""
    from karvan.matching.index_cache import get_embedder

    embedder = get_embedder()
    chosen = corpus.random.sample(range(len(rows)), min(sample, len(rows)))
    started = time.perf_counter()
    texts = [f"{rows[i]['title']}\n{rows[i]['description']}" for i in chosen]
    embedded = np.concatenate(
        [embedder.embed_passages(texts[start : start + 64]) for start in range(0, len(texts), 64)]
    ).astype(np.float32)
    print(f"  the model embedded {len(chosen):,} texts in {time.perf_counter() - started:.0f} s")
    by_pair: dict[tuple[int, str], list[np.ndarray]] = {}
    by_subject: dict[int, list[tuple[str, np.ndarray]]] = {}
    by_language: dict[str, list[np.ndarray]] = {}
    for i, vector in zip(chosen, embedded, strict=True):
        subject, language = rows[i]["subject"], rows[i]["language"]
        by_pair.setdefault((subject, language), []).append(vector)
        by_subject.setdefault(subject, []).append((language, vector))
        by_language.setdefault(language, []).append(vector)
    means = {language: np.mean(vectors, axis=0) for language, vectors in by_language.items()}
    vectors = np.empty((len(rows), embedded.shape[1]), dtype=np.float32)
    noise = corpus.rng.standard_normal(vectors.shape).astype(np.float32)
    noise *= 0.25 / np.sqrt(vectors.shape[1])
    for i, row in enumerate(rows):
        subject, language = row["subject"], row["language"]
        if pair := by_pair.get((subject, language)):
            base = pair[corpus.random.randrange(len(pair))]
        elif others := by_subject.get(subject):
            other, vector = others[corpus.random.randrange(len(others))]
            base = vector + means[language] - means[other]
        else:
            same = by_language[language]
            base = same[corpus.random.randrange(len(same))]
        vectors[i] = base + noise[i]
    for i, vector in zip(chosen, embedded, strict=True):
        vectors[i] = vector
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def populate(organisations: int, sample: int, connection_kwargs: dict[str, object]) -> None:
    import psycopg
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from karvan.accounts.models import User
    from karvan.core.search import document_tokens
    from karvan.directory.models import Membership, Organisation
    from karvan.matching.documents import listing_fields, listing_from_fields
    from karvan.matching.models import StoredVector
    from karvan.matching.pgvector import PgvectorStore, _literal
    from karvan.opportunities.models import Opportunity

    corpus = Corpus()
    now, today = timezone.now(), timezone.localdate()
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", flush=True)

    # Organisations, in the language of their profile, with an owner for the first MEMBERS.
    languages = corpus.random.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=organisations)
    subjects = corpus.rng.choice(len(corpus.concepts), size=organisations, p=corpus.popularity)
    first_org = None
    for start in range(0, organisations, BATCH):
        batch = []
        for i in range(start, min(organisations, start + BATCH)):
            language = languages[i]
            name = {language: f"{COMPANY[language]} {corpus.terms(subjects[i], language)[0]} {i}"}
            description = {language: " ".join(SENTENCES[language][:2])}
            country = corpus.random.choice(COUNTRIES[language])
            batch.append(
                Organisation(
                    kind=corpus.random.choice(ORGANISATION_KINDS),
                    name=name,
                    description=description,
                    original_language=language,
                    country=country,
                    province={},
                    city={},
                    size=corpus.random.choice(("micro", "small", "medium")),
                    verification="verified",
                    verified_at=now,
                    search_document=document_tokens([*name.values(), *description.values()]),
                )
            )
        created = Organisation.objects.bulk_create(batch)
        first_org = first_org or created[0].pk
        progress(f"organisations {start + len(batch):,}/{organisations:,}")
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@karvan.example", full_name=f"Bench {i}", password=hashed,
                 language=languages[i], email_confirmed_at=now)
            for i in range(min(MEMBERS, organisations))
        ]
    )  # fmt: skip
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation_id=first_org + i, role="owner")
            for i, user in enumerate(users)
        ]
    )
    progress(f"{len(users)} members (bench0@karvan.example …), owners of the first organisations")

    # Opportunities: ten per organisation on average, most on the organisation's own subject.
    total = 10 * organisations
    owners = corpus.rng.integers(0, organisations, size=total)
    rows: list[dict[str, object]] = []
    seconds = corpus.rng.choice(len(corpus.concepts), size=total, p=corpus.popularity)
    others = corpus.rng.choice(len(corpus.concepts), size=total, p=corpus.popularity)
    for i in range(total):
        owner = int(owners[i])
        subject = int(subjects[owner]) if corpus.random.random() < 0.7 else int(others[i])
        language = languages[owner] if corpus.random.random() < 0.8 else corpus.random.choices(
            LANGUAGES, LANGUAGE_WEIGHTS)[0]  # fmt: skip
        row = corpus.opportunity(subject, int(seconds[i]), language)
        row.update(subject=subject, owner=owner)
        rows.append(row)
    progress(f"{total:,} opportunities drawn; embedding a sample")
    vectors = embed_sample(corpus, rows, sample)
    progress("vectors ready")

    store = PgvectorStore()
    store.ensure_schema()  # the table and its indexes, empty
    through = Opportunity.hs_codes.through
    connection = psycopg.connect(**connection_kwargs, autocommit=True)
    connection.execute(f"DROP INDEX IF EXISTS {store.table}_hnsw")
    for start in range(0, total, BATCH):
        chunk = range(start, min(total, start + BATCH))
        opportunities = []
        for i in chunk:
            row = rows[i]
            expires = today + datetime.timedelta(days=corpus.random.randint(20, 400))
            opportunities.append(
                Opportunity(
                    organisation_id=first_org + row["owner"],
                    author_id=users[row["owner"]].pk if row["owner"] < len(users) else None,
                    side=row["side"],
                    kind=row["kind"],
                    title=row["title"],
                    description=row["description"],
                    language=row["language"],
                    status="published",
                    published_at=now,
                    expires_on=expires,
                    search_document=document_tokens(
                        [row["title"], row["description"], *row["hs_codes"]]
                    ),
                )
            )
        with transaction.atomic():
            created = Opportunity.objects.bulk_create(opportunities)
            through.objects.bulk_create(
                [
                    through(opportunity_id=opportunity.pk, hscode_id=code)
                    for opportunity, i in zip(created, chunk, strict=True)
                    for code in rows[i]["hs_codes"]
                ]
            )
            stored = []
            for opportunity, i in zip(created, chunk, strict=True):
                organisation_country = COUNTRIES[languages[rows[i]["owner"]]][0]
                fields = {
                    "side": opportunity.side, "kind": opportunity.kind,
                    "language": ENGINE[opportunity.language], "country": organisation_country,
                    "title": opportunity.title, "description": opportunity.description,
                    "hs_codes": rows[i]["hs_codes"], "isic_codes": [],
                    "owner": str(opportunity.organisation_id),
                }  # fmt: skip
                stored.append(
                    StoredVector(
                        kind="opportunity",
                        key=str(opportunity.pk),
                        vector=vectors[i].tobytes(),
                        model=settings.KARVAN_EMBEDDER,
                        document=fields,
                        expires_on=opportunity.expires_on,
                        indexed_at=now,
                        alerted_at=now,
                    )
                )
            StoredVector.objects.bulk_create(stored)
        with connection.cursor().copy(
            f"COPY {store.table} (id, kind, key, model, embedding, side, listing_kind, country,"
            " owner, expires_on, hs_headings, document) FROM STDIN"
        ) as copy:
            for row in stored:
                listing = listing_from_fields(row.key, row.document)
                vector = np.frombuffer(row.vector, dtype=np.float32)
                copy.write_row(
                    (f"{row.kind}:{row.key}", row.kind, row.key, row.model, _literal(vector),
                     listing.side, listing.kind, listing.country.upper(), listing.owner,
                     row.expires_on, store._headings(listing),
                     psycopg.types.json.Jsonb(listing_fields(listing)))
                )  # fmt: skip
        progress(f"opportunities {chunk.stop:,}/{total:,}")
    progress("building the HNSW index")
    # The graph must fit in memory while it is built (about 2.5 GB at a million 384-d vectors),
    # or the build slows to a crawl; both cores work on it.
    connection.execute("SET maintenance_work_mem = '4GB'")
    connection.execute("SET max_parallel_maintenance_workers = 1")
    connection.execute(
        f"CREATE INDEX {store.table}_hnsw ON {store.table} USING hnsw (embedding vector_cosine_ops)"
    )
    progress("storing each row's features")

    def features_stored(written: int) -> None:
        if written % 100_000 < 2000:
            progress(f"features {written:,}/{total:,}")

    store.fill_features(progress=features_stored)
    connection.execute(f"VACUUM ANALYZE {store.table}")
    connection.execute(f"VACUUM ANALYZE {store.features_table}")
    for table in ("opportunities_opportunity", "directory_organisation", "matching_storedvector"):
        connection.execute(f"VACUUM ANALYZE {table}")
    progress("done")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3_000)
    parser.add_argument(
        "--replace", action="store_true", help="empty the database in --data-dir and fill it anew"
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/var/tmp/karvan-bench"))  # noqa: S108  # kept between runs
    args = parser.parse_args()
    if (args.data_dir / "pg").exists() and not args.replace:
        sys.exit(f"{args.data_dir} already holds a database: --replace, or pick another")
    print(f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with open_stack(args.data_dir) as stack:
        django_setup(stack.env)
        if args.replace:
            with psycopg.connect(**connection_options(stack), autocommit=True) as connection:
                connection.execute(
                    "TRUNCATE directory_organisation, opportunities_opportunity,"
                    " matching_storedvector, accounts_user CASCADE"
                )
                connection.execute("DROP TABLE IF EXISTS matching_vector_384")
        populate(args.organisations, args.sample, connection_options(stack))


if __name__ == "__main__":
    main()
