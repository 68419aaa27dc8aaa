"""The one task layer: Celery with a Redis broker in production, eager in-process otherwise.

Delivery is at least once (settings: late acknowledgement, rejected on worker loss, the broker's
visibility timeout), so every task is idempotent: it takes ids, reloads its rows and does nothing
that is already done. A task that meets a passing fault (the database restarting, the broker or the
mail server unreachable) is retried with exponential backoff rather than lost.
"""

import os
import smtplib

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import IntegrityError, InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError

    return (
        OperationalError,
        InterfaceError,
        IntegrityError,  # two deliveries creating the same row at once: the retry finds it
        RedisConnectionError,
        ConnectionError,
        TimeoutError,
        smtplib.SMTPException,
    )


class KarvanTask(Task):
    """Every Karvan task: retried on passing faults, 2 s, 4 s, 8 s … up to ten minutes apart."""

    autoretry_for = _transient_errors()
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 10

    def apply_async(
        self,
        args: tuple | list | None = None,
        kwargs: dict | None = None,
        **options: object,
    ) -> object:
        """Publish the task; when the broker is unreachable keep it in the task outbox (sent
        again once the broker is back) instead of failing the request that asked for it."""
        from karvan.core.task_outbox import BROKER_FAULTS, OUTBOX_TASK, keep_task

        if self.app.conf.task_always_eager or self.name == OUTBOX_TASK:
            return super().apply_async(args, kwargs, **options)
        try:
            return super().apply_async(args, kwargs, **options)
        except BROKER_FAULTS:
            keep_task(name=self.name, args=args or (), kwargs=kwargs or {})
            return None

    def publish_now(self, *, args: list, kwargs: dict) -> object:
        """Publish, letting a broker fault through (the task outbox's own sending)."""
        return super().apply_async(args, kwargs)


app = Celery("karvan", task_cls=KarvanTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
