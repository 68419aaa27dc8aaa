"""The cost of single pages against a filled corpus, one request at a time, in this process.

Opens the stack over a database `populate.py` filled (PostgreSQL with pgvector, Redis, the
S3-compatible server; no web server), sets up Django with the stack's production settings and
times, for random opportunities and organisations: the pgvector store's recommendations of one
opportunity (the store call alone and the API operation), the opportunity page, the search page
with filters, the organisation page, a member's dashboard and the API list filtered by country.
Prints median/p95 per page, in wall-clock time and in this process's CPU time (Python's share of
the page: less disturbed by other work on a shared machine; the database's time is not in it);
`--profile NAME` writes a cProfile of that page's requests.

    .venv/bin/python bench/page_costs.py --data-dir /var/tmp/karvan-bench [--runs 40] \\
        [--profile recommendations] [--pages recommendations,search]
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from populate import MEMBERS
from stack import open_stack, prewarm

SEARCHES = ("پسته", "pistachio", "包装机", "زعفران", "saffron", "machinery", "فولاد", "茶叶")
COUNTRIES = ("IR", "CN", "AE", "IQ")
KINDS = ("product", "technology", "service")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:  # one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/var/tmp/karvan-bench"))  # noqa: S108
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pages", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--store", choices=("pgvector", "memory"), default="pgvector")
    args = parser.parse_args()
    if not (args.data_dir / "pg").exists():
        sys.exit(f"no database in {args.data_dir}: run bench/populate.py first")
    with open_stack(args.data_dir, store=args.store) as stack:
        print(f"buffers prewarmed (pg_prewarm) in {prewarm(stack):.0f} s", flush=True)
        os.environ.update(stack.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")
        import django

        django.setup()
        from django.contrib.auth.models import AnonymousUser
        from django.test import Client

        from karvan.accounts.models import User
        from karvan.matching.stores import current_store
        from karvan.opportunities.matching.adapters import KIND, to_listing
        from karvan.opportunities.matching.recommendations import recommend_matches
        from karvan.opportunities.models import Opportunity
        from karvan.opportunities.selectors import list_opportunities

        random.seed(7)
        opportunities = list(
            Opportunity.objects.filter(status="published")
            .order_by("?")
            .values_list("pk", flat=True)[:2000]
        )
        organisations = list(
            Opportunity.objects.filter(status="published")
            .order_by("?")
            .values_list("organisation_id", flat=True)[:2000]
        )
        anonymous = Client(HTTP_HOST="127.0.0.1", secure=True)
        member = Client(HTTP_HOST="127.0.0.1", secure=True)
        member.force_login(
            User.objects.get(email=f"bench{random.randrange(MEMBERS)}@karvan.example")
        )

        def store_recommend() -> None:
            opportunity = list_opportunities(viewer=AnonymousUser(), open_only=True).get(
                pk=random.choice(opportunities)
            )
            recommend_matches(to_listing(opportunity), top=20)

        def get(client: Client, path: Callable[[], str]) -> Callable[[], None]:
            def run() -> None:
                response = client.get(path())
                assert response.status_code == 200, (path, response.status_code)

            return run

        pages: dict[str, Callable[[], None]] = {
            "store recommend": store_recommend,
            "recommendations": get(
                anonymous,
                lambda: f"/api/opportunities/{random.choice(opportunities)}/recommendations",
            ),
            "opportunity": get(
                anonymous, lambda: f"/opportunities/{random.choice(opportunities)}/"
            ),
            "search": get(
                anonymous,
                lambda: (
                    f"/opportunities/?q={random.choice(SEARCHES)}"
                    f"&side={random.choice(('offer', 'request'))}&kind={random.choice(KINDS)}"
                ),
            ),
            "organisation": get(
                anonymous, lambda: f"/organisations/{random.choice(organisations)}/"
            ),
            "dashboard": get(member, lambda: "/"),
            "api by country": get(
                anonymous, lambda: f"/api/opportunities?country={random.choice(COUNTRIES)}"
            ),
            "directory": get(
                anonymous, lambda: f"/organisations/?country={random.choice(COUNTRIES)}"
            ),
        }
        chosen = [name.strip() for name in args.pages.split(",") if name.strip()] or list(pages)
        # The model, the vocabulary and the store's schema load on first use: not timed.
        for name in chosen:
            pages[name]()
        print(
            f"{Opportunity.objects.count():,} opportunities; store {current_store().name};"
            f" load average {os.getloadavg()[0]:.1f} at start (2 cores, shared)"
        )
        print(
            f"{'page':>18} | {'runs':>4} | {'median ms':>9} | {'p95 ms':>7} | {'max ms':>7} | "
            f"{'CPU median':>12} | {'CPU p95':>7}"
        )
        for name in chosen:
            profiler = cProfile.Profile() if name in args.profile.split(",") else None
            times, cpu = [], []
            for _ in range(args.runs):
                started, started_cpu = time.perf_counter(), time.thread_time()
                if profiler is not None:
                    profiler.enable()
                pages[name]()
                if profiler is not None:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
            print(
                f"{name:>18} | {len(times):>4} | {statistics.median(times):>9.1f} | "
                f"{percentile(times, 0.95):>7.1f} | {max(times):>7.1f} | "
                f"{statistics.median(cpu):>12.1f} | {percentile(cpu, 0.95):>7.1f}",
                flush=True,
            )
            if profiler is not None:
                profiler.dump_stats(f"/tmp/page_costs_{name.replace(' ', '_')}.prof")  # noqa: S108
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(60)
                stats.sort_stats("tottime").print_stats(25)
        print(f"load average {os.getloadavg()[0]:.1f} at end; kind {KIND}")


if __name__ == "__main__":
    main()
