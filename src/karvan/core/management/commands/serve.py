"""`karvan serve`: the production web server, gunicorn, with settings that suit Karvan."""

import os
import sys
from argparse import ArgumentParser

from django.core.management.base import BaseCommand


def gunicorn_arguments(
    *, bind: str, workers: int, threads: int, timeout: int, trusted_proxies: str
) -> list[str]:
    """Gunicorn's command line: threaded workers, warmed before they take requests, recycled
    after about ten thousand requests, a connection per request, a slow request cut off after
    `timeout` seconds."""
    return [
        "karvan.wsgi:application",
        # Hooks: each worker loads its templates, messages and matching model before it
        # accepts requests (`karvan.warmup`).
        "--config=python:karvan.gunicorn_config",
        f"--bind={bind}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        f"--timeout={timeout}",
        "--graceful-timeout=30",
        # A new connection for each request, never one kept open: a connection stays with the
        # worker that accepted it, so a few clients (or a proxy's pool) that keep theirs open
        # load one worker while the others idle. At a million listings under 20 people one
        # worker served 1,245 requests of 1,315 and recommendations waited for it (p95 220 ms);
        # one connection a request shared them 703 / 605 (p95 96 ms). The proxy keeps the
        # browsers' connections open (deploy/nginx.conf).
        "--keep-alive=0",
        # Recycled now and then all the same, in case memory creeps up: a worker's caches are
        # bounded, and at a million listings its memory grew by 7 MiB over 4,000 pages, slower
        # and slower. Each recycling costs seconds of warming (the model, the templates) while
        # the other workers take its share: every thousand requests, as before, that was once
        # every two minutes per worker under 20 people, and the slowest pages of a run.
        "--max-requests=10000",
        "--max-requests-jitter=1000",
        f"--forwarded-allow-ips={trusted_proxies}",
        "--access-logfile=-",
        "--error-logfile=-",
    ]


class Command(BaseCommand):
    help = "Run the web server (gunicorn) in front of Karvan; replaces this process."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        env = os.environ.get
        cores = os.cpu_count() or 1
        parser.add_argument("--bind", default=env("KARVAN_BIND", "127.0.0.1:8000"))
        # A worker per core (two at least, eight at most): pages spend most of their time in
        # Python, which one process runs on one core at a time, and the threads cover the waits
        # on the database. At a million listings on two cores shared with PostgreSQL and Celery,
        # four workers gave p95s about twice those of two (`bench/load.py --workers`).
        workers = str(max(2, min(cores, 8)))
        parser.add_argument("--workers", type=int, default=int(env("KARVAN_WEB_WORKERS", workers)))
        parser.add_argument("--threads", type=int, default=int(env("KARVAN_WEB_THREADS", "4")))
        parser.add_argument("--timeout", type=int, default=int(env("KARVAN_WEB_TIMEOUT", "60")))
        parser.add_argument(
            "--trusted-proxies", default=env("KARVAN_TRUSTED_PROXIES", "127.0.0.1,::1")
        )
        parser.add_argument("extra", nargs="*", help="further gunicorn options, after --")

    def handle(self, *args: object, **options: object) -> None:
        arguments = gunicorn_arguments(
            bind=str(options["bind"]),
            # Ignored for mypy: argparse made it an int (type=int).
            workers=int(options["workers"]),  # type: ignore[call-overload]
            # Ignored for mypy: argparse made it an int (type=int).
            threads=int(options["threads"]),  # type: ignore[call-overload]
            # Ignored for mypy: argparse made it an int (type=int).
            timeout=int(options["timeout"]),  # type: ignore[call-overload]
            trusted_proxies=str(options["trusted_proxies"]),
        )
        # Ignored for mypy: argparse made it a list (nargs='*').
        extra = [str(item) for item in options["extra"]]  # type: ignore[attr-defined]
        command = [sys.executable, "-m", "gunicorn", *arguments, *extra]
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606  # our own interpreter, fixed arguments
