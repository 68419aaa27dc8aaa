"""Telling people what happened: in the app, and by e-mail in their own language."""

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.mail import RenderedMail, render_mail_to_person, send_mail_now
from karvan.notifications import tasks
from karvan.notifications.kinds import get_kind
from karvan.notifications.models import Notification, OutgoingMail


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
                partial(tasks.send_notification_email.delay, notification_id=row.pk)
            )
    return rows


def queue_mail(*, key: str, mail: RenderedMail) -> OutgoingMail:
    """Put a rendered mail in the outbox under `key` (once: a second call returns the first row);
    it is sent after the surrounding transaction commits."""
    row, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={"to": mail.to, "subject": mail.subject, "text": mail.text, "html": mail.html},
    )
    if created:
        transaction.on_commit(lambda: tasks.send_outgoing_mail.delay(mail_id=row.pk))
    return row


def send_outgoing_mail(*, mail: OutgoingMail) -> bool:
    """Send one outbox mail unless it was sent or another worker is sending it; True if sent here.

    The claim is a conditional UPDATE, so two deliveries of the same task send one mail. A worker
    that dies between claiming and recording the send leaves the mail to the sweep once its claim
    has lapsed: the one case (a crash after the server took the mail) where it may go out twice,
    under the same Message-ID, which receiving servers recognise.
    """
    now = timezone.now()
    claimed = (
        OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + datetime.timedelta(seconds=OutgoingMail.CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return False
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{mail.key}".encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "karvan.local"
    try:
        send_mail_now(
            RenderedMail(to=mail.to, subject=mail.subject, text=mail.text, html=mail.html),
            headers={"Message-ID": f"<{digest}@{domain}>"},
        )
    except BaseException:
        OutgoingMail.objects.filter(pk=mail.pk).update(claimed_until=None)
        raise
    OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), claimed_until=None)
    return True


def send_pending_mail() -> int:
    """Send the outbox mails still unsent whose claim lapsed (periodic); return how many.

    Sent mails are kept `OutgoingMail.KEEP_DAYS` days (what went out, to whom, when), then pruned.
    """
    now = timezone.now()
    OutgoingMail.objects.filter(
        sent_at__lt=now - datetime.timedelta(days=OutgoingMail.KEEP_DAYS)
    ).delete()
    pending = OutgoingMail.objects.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    return sum(send_outgoing_mail(mail=mail) for mail in pending.order_by("pk")[:500])


def send_notification_email(*, notification: Notification) -> None:
    """Queue one notification's mail in its recipient's language, once."""
    with transaction.atomic():
        locked = (
            Notification.objects.select_for_update()
            .filter(pk=notification.pk, emailed_at__isnull=True)
            .first()
        )
        if locked is None:
            return
        recipient = notification.recipient
        mail = render_mail_to_person(
            recipient,
            template="notifications/email/notification",
            context={"notification": locked, "recipient": recipient},
        )
        queue_mail(key=f"notification:{locked.pk}", mail=mail)
        Notification.objects.filter(pk=locked.pk).update(emailed_at=timezone.now())


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
        with transaction.atomic():
            # Locked so that two runs of the task cannot both send a reader's digest.
            reader = User.objects.select_for_update().get(pk=reader.pk)
            if reader.digest_sent_at and (now - reader.digest_sent_at).total_seconds() < 23 * 3600:
                continue
            pending = list(
                Notification.objects.filter(
                    recipient=reader, emailed_at__isnull=True, read_at__isnull=True
                )
            )
            if not pending:
                continue
            mail = render_mail_to_person(
                reader,
                template="notifications/email/digest",
                context={"notifications": pending, "recipient": reader},
            )
            queue_mail(key=f"digest:{reader.pk}:{now.isoformat()}", mail=mail)
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
