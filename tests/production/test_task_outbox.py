"""Work enqueued while Redis is down is kept in the database and sent once Redis is back."""

import subprocess
import time
from pathlib import Path

import redis

from tests.support.processes import KARVAN, free_port, karvan_env, require, stop, wait_for_port

ENQUEUE = """
from karvan.core.models import PendingTask
from karvan.notifications.tasks import send_pending_mail
print("RESULT", send_pending_mail.delay())
print("KEPT", list(PendingTask.objects.values_list("name", flat=True)))
"""

SEND = """
from karvan.core.models import PendingTask
from karvan.core.task_outbox import send_pending_tasks
print("SENT", send_pending_tasks())
print("KEPT", PendingTask.objects.count())
"""

PUBLISH = """
from karvan.core.models import PendingTask
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory, OrganisationFactory
from tests.opportunities.conftest import PISTACHIO_OFFER

owner = MembershipFactory(
    organisation=OrganisationFactory(name={"fa": "پسته نوین رفسنجان"}, original_language="fa"),
    user__language="fa",
)
draft = create_opportunity(actor=owner.user, organisation=owner.organisation, data=PISTACHIO_OFFER)
published = publish_opportunity(opportunity=draft, actor=owner.user)
print("OPPORTUNITY", published.pk, published.status)
print("KEPT", sorted(PendingTask.objects.values_list("name", "kwargs")))
"""

INDEXED = """
from karvan.matching.models import StoredVector
rows = StoredVector.objects.filter(kind="opportunity", key="{pk}", is_active=True)
print("INDEXED", rows.count())
"""


def _shell(env: dict[str, str], code: str) -> dict[str, str]:
    result = subprocess.run(
        [*KARVAN, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


def test_a_task_enqueued_while_redis_is_down_runs_once_it_is_back(tmp_path):
    binary = require("redis-server")
    port = free_port()
    env = karvan_env(tmp_path, KARVAN_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    subprocess.run([*KARVAN, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)

    # Nothing listens on the broker's port: the request that enqueued does not fail.
    assert _shell(env, ENQUEUE) == {
        "RESULT": "None",
        "KEPT": "['karvan.notifications.tasks.send_pending_mail']",
    }
    assert _shell(env, SEND) == {"SENT": "0", "KEPT": "1"}  # still down: kept

    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        assert _shell(env, SEND) == {"SENT": "1", "KEPT": "0"}
        queue = redis.Redis(port=port).lrange("celery", 0, -1)
        assert len(queue) == 1
        assert b"karvan.notifications.tasks.send_pending_mail" in queue[0]
    finally:
        stop(server)


def test_a_listing_published_while_redis_is_down_is_indexed_by_a_worker_once_it_is_back(tmp_path):
    """The smoke test's Redis check at the size of a test: the indexing task that publishing
    queues on commit is kept, sent again by the outbox's task, and run by a real worker."""
    binary, celery = require("redis-server"), require("celery")
    port = free_port()
    env = karvan_env(tmp_path, KARVAN_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    subprocess.run([*KARVAN, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)

    published = _shell(env, PUBLISH)  # nothing listens on the broker's port
    pk, status = published["OPPORTUNITY"].split()
    assert status == "published"
    assert published["KEPT"] == str(
        [("karvan.opportunities.tasks.index_opportunity", {"opportunity_id": int(pk)})]
    )
    assert _shell(env, INDEXED.format(pk=pk)) == {"INDEXED": "0"}

    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    log = Path(tmp_path) / "worker.log"
    worker = subprocess.Popen(
        [celery, "-A", "karvan", "worker", "--pool=solo", "--loglevel=info",
         "--without-gossip", "--without-mingle"],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port)
        # What beat runs every KARVAN_TASK_OUTBOX_SECONDS, run once here.
        assert _shell(env, SEND) == {"SENT": "1", "KEPT": "0"}
        deadline = time.monotonic() + 180
        while _shell(env, INDEXED.format(pk=pk)) != {"INDEXED": "1"}:
            assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(1)
    finally:
        stop(worker)
        stop(server)
