from celery import shared_task


@shared_task
def drop_expired_vectors() -> int:
    from karvan.matching.services import drop_expired_vectors as drop

    return drop()
