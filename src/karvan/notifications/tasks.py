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


@shared_task
def send_outgoing_mail(*, mail_id: int) -> bool:
    from karvan.notifications.models import OutgoingMail
    from karvan.notifications.services import send_outgoing_mail as send

    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    return send(mail=mail) if mail is not None else False


@shared_task
def send_pending_mail() -> int:
    from karvan.notifications.services import send_pending_mail as send

    return send()
