"""The task outbox: work enqueued while the broker is unreachable is not lost.

A task whose message cannot be published (Redis stopped, restarting, unplugged) is written to
`PendingTask` in the database the request already uses; beat's `send_pending_tasks` (every
`KARVAN_TASK_OUTBOX_SECONDS`) sends the kept ones again, oldest first, once the broker is back.
"""

import logging
from collections.abc import Mapping, Sequence

from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("karvan.tasks")

BROKER_FAULTS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
BATCH = 500
OUTBOX_TASK = "karvan.core.tasks.send_pending_tasks"


def keep_task(*, name: str, args: Sequence[object], kwargs: Mapping[str, object]) -> None:
    """Record a task the broker did not take."""
    from karvan.core.models import PendingTask

    PendingTask.objects.create(name=name, args=list(args), kwargs=dict(kwargs))
    logger.warning("broker unreachable: %s kept in the task outbox", name)


def send_pending_tasks() -> int:
    """Publish the kept tasks, oldest first; stop at the first the broker refuses. Return how
    many were sent."""
    from celery import current_app
    from django.db import transaction
    from django.db.models import F

    from karvan.core.models import PendingTask

    sent = 0
    while True:
        with transaction.atomic():
            # Locked, skipping rows another sender holds: two sweeps never send one row twice.
            rows = list(
                PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:BATCH]
            )
            if not rows:
                return sent
            for row in rows:
                task = current_app.tasks.get(row.name)
                if task is None:
                    logger.error("task outbox: unknown task %s dropped", row.name)
                    row.delete()
                    continue
                try:
                    task.publish_now(args=row.args, kwargs=row.kwargs)
                except BROKER_FAULTS:
                    PendingTask.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
                    return sent
                row.delete()
                sent += 1
