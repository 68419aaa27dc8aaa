"""Mixed traffic against a running Karvan on this machine: throughput, latency per page, errors.

Anonymous visitors (and, with --email/--password, one signed-in member's session shared by every
member thread) request the home page, the directory, search with filters, opportunity pages (with
their recommendations), organisation pages and the API lists, for --seconds with --users threads.
Opportunity and organisation ids are read from the API first. Prints requests per second, median,
p95 and p99 per page, errors, and the resident memory of the processes given by --pids (the
gunicorn and Celery processes). Loopback addresses only: it is a benchmark, not a weapon.

    karvan serve --workers 2 &   # the production stack (see README, "Running in production")
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --users 20 --seconds 60 \\
        --pids "$(pgrep -d, -f 'gunicorn|celery')"
"""

import argparse
import http.cookiejar
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SEARCHES = ("pistachio", "پسته", "包装机", "زعفران", "saffron", "machinery")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status.read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310  # loopback, checked in main()
            self.base + path, headers={"X-Forwarded-Proto": "https", "Accept-Language": "fa"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def sign_in(self, email: str, password: str) -> bool:
        _status, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            return False
        data = urllib.parse.urlencode(
            {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  # loopback
            self.base + "/accounts/login/",
            data=data,
            headers={"Referer": self.base + "/accounts/login/", "X-Forwarded-Proto": "https"},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return "/accounts/login/" not in response.url
        except urllib.error.HTTPError:
            return False


def ids(client: Client, path: str) -> list[int]:
    status, body = client.get(path)
    if status != 200:
        return []
    return [item["id"] for item in json.loads(body).get("items", []) if "id" in item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--email", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--pids", default="", help="comma-separated process ids to report RSS of")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.url).hostname not in LOOPBACK:
        sys.exit("bench/load.py only drives a server on this machine (a loopback address)")
    args.users = max(1, min(args.users, 200))
    args.seconds = max(1, min(args.seconds, 3600))
    base = args.url.rstrip("/")
    probe = Client(base)
    opportunities = ids(probe, "/api/opportunities?limit=100") or [1]
    organisations = ids(probe, "/api/organisations?limit=100") or [1]
    pages = {
        "home": lambda: "/",
        "directory": lambda: "/organisations/?country=CN",
        "search": lambda: "/opportunities/?q=" + urllib.parse.quote(random.choice(SEARCHES)),
        "opportunity": lambda: f"/opportunities/{random.choice(opportunities)}/",
        "organisation": lambda: f"/organisations/{random.choice(organisations)}/",
        "agenda": lambda: "/events/",
        "api opportunities": lambda: "/api/opportunities?limit=20",
        "api organisations": lambda: "/api/organisations?limit=20",
    }
    member = Client(base)
    signed_in = bool(args.email) and member.sign_in(args.email, args.password)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def visitor(number: int) -> None:
        client = member if signed_in and number % 2 == 0 else Client(base)
        while time.monotonic() < deadline:
            name = random.choice(list(pages))
            began = time.perf_counter()
            status, _body = client.get(pages[name]())
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                timings[name].append(elapsed)
                if status >= 500 or status == 0:
                    errors[name] += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(args.users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(len(values) for values in timings.values())
    print(
        f"{args.users} users for {elapsed:.0f} s ({'with' if signed_in else 'without'} a member): "
        f"{total / elapsed:.1f} requests/s, {sum(errors.values())} errors"
    )
    print(f"{'page':>18} | {'requests':>8} | {'median':>7} | {'p95':>7} | {'p99':>7} | errors")
    for name, values in sorted(timings.items()):
        print(
            f"{name:>18} | {len(values):>8} | {statistics.median(values):>7.0f} | "
            f"{percentile(values, 0.95):>7.0f} | {percentile(values, 0.99):>7.0f} | {errors[name]}"
        )
    for pid in [int(p) for p in args.pids.split(",") if p.strip().isdigit()]:
        print(f"process {pid}: {rss_mib(pid):.0f} MiB resident")


if __name__ == "__main__":
    main()
