"""Production mode end to end: a notification queued through Redis is mailed by a Celery worker."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_ALL

CELERY = str(Path(sys.executable).with_name("celery"))

PRODUCER = """
from django.db import transaction
from karvan.accounts.services import ensure_person
from karvan.notifications.services import notify
reader = ensure_person(email="reader@example.test", full_name="Reader", password="x" * 12,
                       language="fa", time_zone="Asia/Tehran", calendar="jalali")
with transaction.atomic():
    notify(recipients=[reader], kind="directory.organisation_verified",
           params={"organisation": {"fa": "پسته رفسنجان", "en": "Rafsanjan Pistachio"}})
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if REQUIRE_ALL:
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def _wait_for_mail(folder: Path, timeout: float) -> str:
    """The first mail the file backend wrote, once complete (it writes in several steps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in folder.glob("*.log") if folder.exists() else []:
            text = path.read_text(errors="replace")
            if text.rstrip().endswith("-" * 79):  # the backend's closing separator
                return text
        time.sleep(0.2)
    return ""


def test_a_worker_mails_a_notification_queued_through_redis(tmp_path, redis_url):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KARVAN_", "DATABASE_URL"))},
        "KARVAN_DATA_DIR": str(tmp_path),
        "CELERY_BROKER_URL": redis_url,
        "KARVAN_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }
    karvan = [sys.executable, "-m", "karvan.cli"]
    subprocess.run([*karvan, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [CELERY, "-A", "karvan", "worker", "--pool=solo", "--loglevel=warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        subprocess.run(
            [*karvan, "shell", "--no-imports", "-c", PRODUCER], env=env, check=True, timeout=120
        )
        message = _wait_for_mail(tmp_path / "mail", timeout=60)
        assert message, "the worker sent no mail within a minute"
        assert "reader@example.test" in message
        assert "=D9=BE=D8=B3=D8=AA=D9=87" in message or "پسته" in message  # the Persian name
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert b"Traceback" not in output, output.decode(errors="replace")
