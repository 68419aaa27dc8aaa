"""Mixed traffic against the production stack with locust (headless): throughput, latency, memory.

Starts the stack over a database `populate.py` filled (PostgreSQL with pgvector, Redis, the
S3-compatible server, gunicorn with two workers of four threads, a Celery worker and beat; the
matching store chosen by `--store`), warms every web worker (each loads the embedding model, and
with the in-process store builds its index, on its first recommendation), then runs locust for
`--seconds` with `--users` simulated people: signed-in members (home, which is their dashboard,
their listings, search, opportunity pages with their recommendations, organisation pages, the
events agenda, the API lists, and publishing a listing now and then) and anonymous visitors (home,
directory with filters, search with filters, opportunity and organisation pages, events, API
lists), half and half, all started at once (their sign-ins together) or `--spawn-rate` a second,
each waiting `--think` seconds (a random time between the two bounds, default 1 to 3 s, as people
read a page) between requests; `--think 0` sends the next request at once (a stress test, not
concurrent people). Then prints requests per second, median/p95/p99 per page, errors, the load
average, each part's CPU over the run (web workers, Celery, PostgreSQL, Redis, the S3 server, the
load generator, and the whole machine) and each process's resident memory (gunicorn master and
workers, Celery, beat, PostgreSQL). Loopback only.

    .venv/bin/python bench/load.py --data-dir /var/tmp/karvan-bench --store pgvector \\
        [--users 20] [--seconds 120] [--think 1,3] [--spawn-rate 2]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
import requests  # noqa: E402
from locust import HttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from populate import MEMBERS, PASSWORD  # noqa: E402
from stack import open_stack, prewarm, start_services  # noqa: E402

SEARCHES = ("پسته", "pistachio", "包装机", "زعفران", "saffron", "machinery", "فولاد", "茶叶")
COUNTRIES = ("IR", "CN", "AE", "IQ")
KINDS = ("product", "technology", "service")
HEADERS = {"X-Forwarded-Proto": "https"}  # gunicorn stands behind the HTTPS proxy
OPPORTUNITIES: list[int] = []
ORGANISATIONS: list[int] = []


def send_secure_cookies_over_loopback(client: object) -> None:
    """After every response, the client's cookies lose their Secure flag: it stands where the
    HTTPS proxy would, and sends them back over loopback HTTP.

    (Doing it once after signing in is not enough: a later response setting a cookie again, the
    CSRF token's or the session's, makes it Secure again and the client stops sending it: 403
    "CSRF cookie not set" on the next POST. A cookie policy on the session's jar does not help
    either: requests copies the cookies into a jar with the default policy for each request.)
    """
    original = client.request

    def request(*args: object, **kwargs: object) -> object:
        response = original(*args, **kwargs)
        for cookie in client.cookies:
            cookie.secure = False
        return response

    client.request = request


class Visitor(HttpUser):
    """Someone not signed in, browsing."""

    abstract = True
    language = "en"
    wait_time = between(1, 3)

    def on_start(self) -> None:
        send_secure_cookies_over_loopback(self.client)
        self.client.headers.update(
            {**HEADERS, "Accept-Language": random.choice(("fa", "zh-hans", "en", "ar"))}
        )

    def page(self, path: str, name: str) -> None:
        self.client.get(path, name=name)

    @task(3)
    def home(self) -> None:
        self.page("/", "home / dashboard")

    @task(3)
    def directory(self) -> None:
        self.page(f"/organisations/?country={random.choice(COUNTRIES)}", "directory (country)")

    @task(4)
    def search(self) -> None:
        query = random.choice(SEARCHES)
        self.page(
            f"/opportunities/?q={query}&side={random.choice(('offer', 'request'))}"
            f"&kind={random.choice(KINDS)}",
            "search (q, side, kind)",
        )

    @task(4)
    def opportunity(self) -> None:
        self.page(f"/opportunities/{random.choice(OPPORTUNITIES)}/", "opportunity page")

    @task(4)
    def recommendations(self) -> None:
        self.page(
            f"/api/opportunities/{random.choice(OPPORTUNITIES)}/recommendations",
            "recommendations of one (API)",
        )

    @task(2)
    def organisation(self) -> None:
        self.page(f"/organisations/{random.choice(ORGANISATIONS)}/", "organisation page")

    @task(1)
    def agenda(self) -> None:
        self.page("/events/", "events agenda")

    @task(2)
    def api_lists(self) -> None:
        self.page(f"/api/opportunities?country={random.choice(COUNTRIES)}", "API opportunities")
        self.page("/api/organisations", "API organisations")


class Anonymous(Visitor):
    abstract = False


class Member(Visitor):
    """A signed-in member of one of the first organisations, who publishes now and then."""

    abstract = False
    number = 0

    def on_start(self) -> None:
        super().on_start()
        Member.number += 1
        self.index = Member.number % MEMBERS
        self.client.headers["Referer"] = self.host.replace("http://", "https://") + "/"
        self.client.get("/accounts/login/", name="log in (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": f"bench{self.index}@karvan.example",
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="log in (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:  # the form again: not signed in
                response.failure(f"not signed in ({response.status_code})")
        self.organisation = ORGANISATIONS_OF_MEMBERS[self.index]

    @task(2)
    def mine(self) -> None:
        self.page("/opportunities/mine/", "my listings")

    @task(1)
    def publish(self) -> None:
        token = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        draft = self.client.post(
            "/api/opportunities",
            json={
                "organisation_id": self.organisation, "side": "offer", "kind": "product",
                "language": "fa", "title": "دستگاه بسته‌بندی خودکار پسته", "hs_codes": ["8422"],
                "description": "دستگاه بسته‌بندی خودکار پسته و خشکبار، ۶۰ بسته در دقیقه، "
                "همراه با نصب و آموزش.",
            },
            headers=token,
            name="publish a listing (draft, API)",
        )  # fmt: skip
        if draft.status_code == 201:
            self.client.post(
                f"/api/opportunities/{draft.json()['id']}/publish",
                headers=token,
                name="publish a listing (publish, API)",
            )


ORGANISATIONS_OF_MEMBERS: list[int] = []


def percentile(entry: object, share: float) -> float:
    return entry.get_response_time_percentile(share) if entry.num_requests else 0.0


def memory(stack: object) -> list[tuple[str, float]]:
    """Resident MiB of each process of the stack."""
    rows = []
    for name in ("web", "worker-1", "beat"):
        process = stack.processes.get(name)
        if process is None:
            continue
        parent = psutil.Process(process.pid)
        label = {"web": "gunicorn", "worker-1": "celery worker", "beat": "celery beat"}[name]
        rows.append((f"{label} (main)", parent.memory_info().rss / 2**20))
        for number, child in enumerate(parent.children(recursive=True)):
            rows.append((f"{label} child {number + 1}", child.memory_info().rss / 2**20))
    postgres = [
        p for p in psutil.process_iter(["name", "cmdline"]) if p.info["name"] == "postgres"
        and str(stack.base) in " ".join(p.info["cmdline"] or [])
    ]  # fmt: skip
    if postgres:
        rows.append(("postgres (main)", postgres[0].memory_info().rss / 2**20))
    return rows


def stack_processes(stack: object) -> list[tuple[str, psutil.Process]]:
    """Each process of the stack with the part it belongs to: the web workers, Celery (worker
    and beat), PostgreSQL (every backend), Redis, the S3-compatible server, and this process,
    the load generator."""
    found: list[tuple[str, psutil.Process]] = []
    parts_of = {"web": "web", "worker-1": "celery", "beat": "celery", "redis": "redis", "s3": "s3"}
    for name, part in parts_of.items():
        process = stack.processes.get(name)
        if process is None:
            continue
        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(process.pid)
            found += [(part, member) for member in (parent, *parent.children(recursive=True))]
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["name"] == "postgres" and str(stack.base) in command:
            with contextlib.suppress(psutil.Error):
                found += [("postgres", m) for m in (process, *process.children(recursive=True))]
    return [*found, ("load generator", psutil.Process())]


class CpuMeter:
    """CPU time (user and system) each part of the stack uses while the load runs, sampled
    every second: a process that ends (a web worker recycled after its thousand requests, a
    database connection closed) keeps what it had used at its last sample. Beside it, the whole
    machine's busy and stolen time from /proc/stat."""

    def __init__(self, stack: object) -> None:
        self.stack = stack
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.machine_before = self.machine()
        self.started = time.monotonic()
        self.sample(baseline=True)
        self.sampler = gevent.spawn(self.run)

    @staticmethod
    def machine() -> tuple[float, float]:
        """Seconds of CPU busy and stolen (by the hypervisor) on all cores since boot."""
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
        ticks = os.sysconf("SC_CLK_TCK")
        return (user + nice + system + irq + softirq) / ticks, steal / ticks

    def sample(self, *, baseline: bool = False) -> None:
        for part, process in stack_processes(self.stack):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                seconds = times.user + times.system
                if baseline:
                    self.first[process.pid] = seconds
                self.last[process.pid] = (part, seconds)

    def run(self) -> None:
        while True:
            gevent.sleep(1.0)
            self.sample()

    def report(self) -> str:
        self.sample()
        self.sampler.kill()
        elapsed = time.monotonic() - self.started
        used: dict[str, float] = {}
        for pid, (part, seconds) in self.last.items():
            used[part] = used.get(part, 0.0) + seconds - self.first.get(pid, 0.0)
        busy, stolen = (
            after - before
            for after, before in zip(self.machine(), self.machine_before, strict=True)
        )
        return (
            f"CPU over the run, in cores busy (of {os.cpu_count()}): "
            + ", ".join(f"{part} {seconds / elapsed:.2f}" for part, seconds in used.items())
            + f"; the machine {busy / elapsed:.2f} busy, {stolen / elapsed:.2f} stolen"
        )


def signed_in(base: str, number: int) -> requests.Session:
    member = requests.Session()
    send_secure_cookies_over_loopback(member)
    member.headers.update({**HEADERS, "Referer": base.replace("http://", "https://") + "/"})
    member.get(f"{base}/accounts/login/", timeout=60)
    member.post(
        f"{base}/accounts/login/",
        data={"username": f"bench{number}@karvan.example", "password": PASSWORD,
              "csrfmiddlewaretoken": member.cookies.get("csrftoken", "")},
        timeout=60,
    )  # fmt: skip
    return member


def publish_as(base: str, member: requests.Session, number: int, fields: dict) -> int | str:
    """Publish a listing through the API; its id, or what went wrong."""
    token = {"X-CSRFToken": member.cookies.get("csrftoken", "")}
    draft = member.post(
        f"{base}/api/opportunities",
        json={"organisation_id": ORGANISATIONS_OF_MEMBERS[number], **fields},
        headers=token,
        timeout=60,
    )
    if draft.status_code != 201:
        return f"the draft answered {draft.status_code}"
    published = member.post(
        f"{base}/api/opportunities/{draft.json()['id']}/publish", headers=token, timeout=60
    )
    if published.status_code != 200:
        return f"publishing answered {published.status_code}"
    return int(draft.json()["id"])


def freshness(base: str, connection: object) -> str:
    """Seconds until a listing published through one web worker is among another's
    recommendations. One member publishes an offer written like a random listing of the corpus,
    a member of another organisation then the matching request, and the offer's recommendations
    are asked on new connections (any worker) until the request is among them. (Both are
    embedded by the model: most of the corpus has synthetic vectors, which a text of the same
    words need not be near.)"""
    kind, language, title, description, codes = connection.execute(
        "SELECT o.kind, o.language, o.title, o.description, ARRAY(SELECT h.hscode_id FROM"
        " opportunities_opportunity_hs_codes h WHERE h.opportunity_id = o.id) FROM"
        " opportunities_opportunity o WHERE o.status = 'published' ORDER BY random() LIMIT 1"
    ).fetchone()
    fields = {"kind": kind, "language": language, "title": title, "description": description,
              "hs_codes": list(codes)}  # fmt: skip
    offer = publish_as(base, signed_in(base, 0), 0, {**fields, "side": "offer"})
    if isinstance(offer, str):
        return f"not measured: {offer}"
    wanted = publish_as(base, signed_in(base, 1), 1, {**fields, "side": "request"})
    if isinstance(wanted, str):
        return f"not measured: {wanted}"
    started = time.monotonic()
    while time.monotonic() - started < 60:
        answer = requests.get(
            f"{base}/api/opportunities/{offer}/recommendations",
            headers={**HEADERS, "Connection": "close"},
            timeout=60,
        )
        if answer.ok and wanted in [match["opportunity"]["id"] for match in answer.json()]:
            return f"{time.monotonic() - started:.1f} s"
        gevent.sleep(0.5)
    return "not within 60 s"


def warm(base: str, stack: object) -> None:
    """Each web worker loads the model (and the in-process index) before the clock starts."""
    workers = stack.web_workers()
    started = time.monotonic()
    jobs = [
        gevent.spawn(
            requests.get,
            f"{base}/api/opportunities/{OPPORTUNITIES[n]}/recommendations",
            headers={**HEADERS, "Connection": "close"},
            timeout=900,
        )
        for n in range(4 * len(workers))
    ]
    gevent.joinall(jobs)
    print(f"warm-up (model, index) {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/var/tmp/karvan-bench"))  # noqa: S108  # kept between runs
    parser.add_argument("--store", choices=("pgvector", "memory"), default="pgvector")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--think", default="1,3", help="seconds between one user's requests: 'low,high', or 0"
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=0.0,
        help="users started per second (default: all at once, their sign-ins together)",
    )
    # `karvan serve`'s defaults: a worker per core (two to eight), four threads each.
    cores = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=max(2, min(cores, 8)))
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    bounds = [float(value) for value in args.think.split(",")]
    Visitor.wait_time = constant(0) if max(bounds) <= 0 else between(min(bounds), max(bounds))
    think = "no think time" if max(bounds) <= 0 else f"think time {min(bounds):g}–{max(bounds):g} s"
    arrival = f"arriving {args.spawn_rate:g} a second" if args.spawn_rate else "all at once"
    if not (args.data_dir / "pg").exists():
        sys.exit(f"no database in {args.data_dir}: run bench/populate.py first")
    with open_stack(args.data_dir, store=args.store) as stack:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=stack.pg_port, user="karvan", dbname="karvan"
        ) as connection:
            OPPORTUNITIES.extend(
                row[0] for row in connection.execute(
                    "SELECT id FROM opportunities_opportunity WHERE status = 'published'"
                    " ORDER BY random() LIMIT 2000"
                )
            )  # fmt: skip
            ORGANISATIONS.extend(
                row[0]
                for row in connection.execute(
                    "SELECT id FROM directory_organisation ORDER BY random() LIMIT 2000"
                )
            )
            ORGANISATIONS_OF_MEMBERS.extend(
                row[0]
                for row in connection.execute(
                    "SELECT m.organisation_id FROM directory_membership m JOIN accounts_user u"
                    " ON u.id = m.user_id WHERE u.email LIKE 'bench%%' ORDER BY u.id"
                )
            )
            counted = connection.execute(
                "SELECT count(*) FROM opportunities_opportunity"
            ).fetchone()
        print(f"buffers prewarmed (pg_prewarm) in {prewarm(stack):.0f} s", flush=True)
        start_services(stack, workers=args.workers, threads=args.threads)
        base = f"http://127.0.0.1:{stack.web_port}"
        warm(base, stack)
        environment = Environment(user_classes=[Member, Anonymous], host=base)
        runner = environment.create_local_runner()
        load_before = os.getloadavg()[0]
        cpu = CpuMeter(stack)
        runner.start(args.users, spawn_rate=args.spawn_rate or args.users)
        running_since = time.monotonic()
        gevent.sleep(args.seconds / 2)
        with psycopg.connect(
            host="127.0.0.1", port=stack.pg_port, user="karvan", dbname="karvan"
        ) as connection:
            fresh = freshness(base, connection)
        gevent.sleep(max(0.0, args.seconds - (time.monotonic() - running_since)))
        load_after = os.getloadavg()[0]
        cpu_used = cpu.report()
        rows = memory(stack)
        runner.quit()
        stats = environment.stats
        total = stats.total
        print(
            f"\n{counted[0]:,} opportunities; store {args.store}; {args.users} users (members and "
            f"visitors, half each; {think}; {arrival}) for {args.seconds} s; gunicorn"
            f" {args.workers} workers"
            f" × {args.threads} threads; load average {load_before:.1f} at start,"
            f" {load_after:.1f} at end ({os.cpu_count()} cores, shared)"
        )
        print(
            f"{total.total_rps:.1f} requests/s, {total.num_requests:,} requests, "
            f"{total.num_failures} errors"
        )
        print(f"{'page':>34} | {'requests':>8} | {'median':>6} | {'p95':>6} | {'p99':>6} | errors")
        for entry in sorted(stats.entries.values(), key=lambda e: e.name):
            print(
                f"{entry.name:>34} | {entry.num_requests:>8} | "
                f"{entry.median_response_time:>6.0f} | {percentile(entry, 0.95):>6.0f} | "
                f"{percentile(entry, 0.99):>6.0f} | {entry.num_failures}"
            )
        for error in stats.errors.values():
            print(f"error: {error.method} {error.name}: {error.error} ×{error.occurrences}")
        print(f"a listing published under load, in another worker's recommendations: {fresh}")
        print(cpu_used)
        print("resident memory (MiB): " + ", ".join(f"{name} {mib:.0f}" for name, mib in rows))


if __name__ == "__main__":
    main()
