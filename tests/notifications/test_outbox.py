"""The outbox: every mail a row, sent once however often its task is delivered."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from karvan.core.mail import RenderedMail
from karvan.directory import notifications as kinds
from karvan.notifications.models import Notification, OutgoingMail
from karvan.notifications.services import (
    notify,
    queue_mail,
    send_notification_email,
    send_outgoing_mail,
    send_pending_mail,
)
from karvan.notifications.tasks import send_notification_email as send_notification_email_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAIL = RenderedMail(to="reza@example.test", subject="سلام", text="متن", html="<p>متن</p>")


def test_a_mail_queued_twice_under_one_key_is_one_row_sent_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_mail(key="notification:1", mail=MAIL)
        second = queue_mail(key="notification:1", mail=MAIL)
    assert first.pk == second.pk
    assert OutgoingMail.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reza@example.test"]
    assert mailoutbox[0].extra_headers["Message-ID"].endswith("@127.0.0.1>")


def test_sending_an_outbox_mail_again_sends_nothing(mailoutbox):
    row = queue_mail(key="digest:7:today", mail=MAIL)
    assert send_outgoing_mail(mail=row) is True
    assert send_outgoing_mail(mail=row) is False  # a second delivery of the task
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1


def test_a_claimed_mail_waits_for_its_worker_and_the_sweep_sends_it_once_the_claim_lapses(
    mailoutbox,
):
    row = queue_mail(key="notification:2", mail=MAIL)
    # A worker claimed it and died before sending: nobody else sends it while the claim holds.
    OutgoingMail.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() + datetime.timedelta(seconds=OutgoingMail.CLAIM_SECONDS)
    )
    assert send_outgoing_mail(mail=row) is False
    assert send_pending_mail() == 0
    assert mailoutbox == []
    later = timezone.now() + datetime.timedelta(seconds=OutgoingMail.CLAIM_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert send_pending_mail() == 1
        assert send_pending_mail() == 0
    assert len(mailoutbox) == 1
    # Kept a while as a record of what went out, then pruned by the sweep.
    with time_machine.travel(later + datetime.timedelta(days=OutgoingMail.KEEP_DAYS + 1)):
        send_pending_mail()
    assert not OutgoingMail.objects.exists()


def test_a_failed_send_releases_its_claim_for_the_retry(settings, mailoutbox):
    row = queue_mail(key="notification:3", mail=MAIL)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    with pytest.raises(OSError):
        send_outgoing_mail(mail=row)
    row.refresh_from_db()
    assert (row.sent_at, row.claimed_until) == (None, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_outgoing_mail(mail=row) is True
    assert len(mailoutbox) == 1


def test_a_notification_task_delivered_twice_mails_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    reader = UserFactory(email="anna@example.test", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[reader],
            kind=kinds.ORGANISATION_VERIFIED,
            params={"organisation": {"en": "Kimia"}},
        )
        notification = Notification.objects.get(recipient=reader)
        # The broker delivers the same task again (a worker died before acknowledging it).
        send_notification_email_task.delay(notification_id=notification.pk)
        send_notification_email(notification=notification)
    assert len(mailoutbox) == 1
    assert OutgoingMail.objects.filter(key=f"notification:{notification.pk}").count() == 1
