"""Work enqueued while Redis is down is kept in the database and sent once Redis is back."""

import subprocess

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
