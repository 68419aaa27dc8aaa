from celery import shared_task


@shared_task  # type: ignore[untyped-decorator]  # celery ships no type information
def send_pending_tasks() -> int:
    """Send the tasks kept while the broker was unreachable; return how many went."""
    from karvan.core.task_outbox import send_pending_tasks as send

    return send()
