"""Telling people what happened: in the app, and by e-mail in their own language."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.mail import send_mail_to_person
from karvan.notifications import tasks
from karvan.notifications.kinds import get_kind
from karvan.notifications.models import Notification


def notify(
    *, recipients: Iterable[User], kind: str, params: Mapping[str, object], url: str = ""
) -> list[Notification]:
    """Record a notification for each recipient; e-mail those who want it at once, after commit."""
    get_kind(kind)  # an unknown kind is a programming error: fail before writing
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, params=dict(params), url=url)
        for user in {user.pk: user for user in recipients}.values()
    )
    for row in rows:
        if row.recipient.email_frequency == User.EmailFrequency.IMMEDIATE:
            transaction.on_commit(
                lambda pk=row.pk: tasks.send_notification_email.delay(notification_id=pk)
            )
    return rows


def send_notification_email(*, notification: Notification) -> None:
    """Mail one notification in its recipient's language, once."""
    if notification.emailed_at is not None:
        return
    recipient = notification.recipient
    send_mail_to_person(
        recipient,
        template="notifications/email/notification",
        context={"notification": notification, "recipient": recipient},
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def send_notification_digests() -> int:
    """Mail each daily-digest reader what arrived since their last digest; return how many mails."""
    now = timezone.now()
    sent = 0
    readers = User.objects.filter(
        email_frequency=User.EmailFrequency.DAILY,
        is_active=True,
        notifications__emailed_at__isnull=True,
        notifications__read_at__isnull=True,
    ).distinct()
    for reader in readers:
        if reader.digest_sent_at and (now - reader.digest_sent_at).total_seconds() < 23 * 3600:
            continue
        pending = list(
            Notification.objects.filter(
                recipient=reader, emailed_at__isnull=True, read_at__isnull=True
            )
        )
        send_mail_to_person(
            reader,
            template="notifications/email/digest",
            context={"notifications": pending, "recipient": reader},
        )
        Notification.objects.filter(pk__in=[row.pk for row in pending]).update(emailed_at=now)
        User.objects.filter(pk=reader.pk).update(digest_sent_at=now)
        sent += 1
    return sent


def mark_notifications_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when no ids are given)."""
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())
