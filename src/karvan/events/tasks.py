from celery import shared_task


@shared_task
def run_scheduler(*, run_id: int) -> None:
    """Run the scheduler for one queued run; a crash marks the run failed, then is raised."""
    from karvan.events.models import ScheduleRun
    from karvan.events.services import fail_schedule_run, run_schedule

    run = ScheduleRun.objects.select_related("event").filter(pk=run_id).first()
    if run is None or run.status != ScheduleRun.Status.QUEUED:
        return
    try:
        run_schedule(run=run)
    except BaseException as error:
        fail_schedule_run(run=run, message=type(error).__name__)
        raise


@shared_task
def expire_meeting_requests() -> int:
    from karvan.events.services import expire_meeting_requests as expire

    return expire()


@shared_task
def send_meeting_reminders() -> int:
    from karvan.events.services import send_meeting_reminders as remind

    return remind()
