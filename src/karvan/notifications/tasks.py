from celery import shared_task


@shared_task
def send_notification_email(*, notification_id: int) -> None:
    from karvan.notifications.models import Notification
    from karvan.notifications.services import send_notification_email as send

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is not None:
        send(notification=notification)


@shared_task
def send_notification_digests() -> int:
    from karvan.notifications.services import send_notification_digests as send

    return send()
