import logging
import threading

from celery import shared_task
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)
# Without a broker, runs take turns in one background thread at a time: the machine's cores are
# the web server's too.
_ONE_RUN_AT_A_TIME = threading.Lock()


@shared_task
def run_schedule(*, run_id: int) -> None:
    """Run the scheduler for one queued run; a crash marks the run failed, then is raised."""
    from karvan.events.models import ScheduleRun
    from karvan.events.scheduling import fail_schedule_run
    from karvan.events.scheduling import run_schedule as run

    queued = ScheduleRun.objects.select_related("event").filter(pk=run_id).first()
    if queued is None or queued.status != ScheduleRun.Status.QUEUED:
        return
    try:
        run(run=queued)
    except BaseException as error:
        fail_schedule_run(run=queued, message=type(error).__name__)
        raise


def _run_in_background(run_id: int) -> None:
    try:
        with _ONE_RUN_AT_A_TIME:
            run_schedule(run_id=run_id)
    except Exception:  # the run is marked failed; the thread has no caller to raise to
        logger.exception("Scheduler run %s failed", run_id)
    finally:
        connections.close_all()  # this thread's own connections


def start_scheduler(*, run_id: int) -> threading.Thread | None:
    """Run the scheduler away from the web request: on a Celery worker when a broker is set,
    otherwise in a background thread of this process; the run's page shows its progress either
    way. Returns the thread, if one was started."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        run_schedule.delay(run_id=run_id)
        return None
    thread = threading.Thread(
        target=_run_in_background,
        kwargs={"run_id": run_id},
        name=f"karvan-scheduler-{run_id}",
        daemon=True,
    )
    thread.start()
    return thread


@shared_task
def expire_meeting_requests() -> int:
    """Expire unanswered meeting requests past their deadline; return how many (periodic)."""
    from karvan.events.services.meeting_requests import expire_meeting_requests as expire

    return expire()


@shared_task
def send_meeting_reminders() -> int:
    """Remind participants of their meetings about to start; return how many (periodic)."""
    from karvan.events.services.meetings import send_meeting_reminders as remind

    return remind()
