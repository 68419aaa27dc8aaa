"""Notifications: a row per recipient, e-mail at once or as a daily digest, in their language."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from karvan.directory import notifications as kinds
from karvan.notifications.models import Notification
from karvan.notifications.services import (
    mark_notifications_read,
    notify,
    send_notification_digests,
    send_notification_email,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMES = {"fa": "پسته کیمیای رفسنجان", "en": "Kimia Rafsanjan Pistachio"}


def _verified(recipients, **params):
    return notify(
        recipients=recipients,
        kind=kinds.ORGANISATION_VERIFIED,
        params={"organisation": NAMES, **params},
        url="/organisations/1/",
    )


def test_notify_records_one_row_per_recipient(django_capture_on_commit_callbacks):
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rows = _verified([first, second, first])
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=first).count() == 1
    row = Notification.objects.get(recipient=second)
    assert (row.kind, row.params, row.url, row.read_at) == (
        kinds.ORGANISATION_VERIFIED,
        {"organisation": NAMES},
        "/organisations/1/",
        None,
    )


def test_unknown_kind_fails_before_anything_is_written():
    with pytest.raises(KeyError):
        notify(recipients=[UserFactory()], kind="nothing.such", params={})
    assert not Notification.objects.exists()


def test_immediate_readers_are_mailed_after_commit_in_their_own_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    persian = UserFactory(email="reza@example.test", language="fa", calendar="jalali")
    english = UserFactory(email="anna@example.test", language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _verified([persian, english])
    assert mailoutbox == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after its commit
        for callback in callbacks:
            callback()
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {"reza@example.test", "anna@example.test"}

    persian_mail, english_mail = by_address["reza@example.test"], by_address["anna@example.test"]
    assert NAMES["fa"] in persian_mail.subject
    assert NAMES["fa"] in persian_mail.body
    assert NAMES["en"] not in persian_mail.body
    assert english_mail.subject == f"{NAMES['en']} is now verified"
    persian_words = persian_mail.subject.replace(NAMES["fa"], "")
    assert "verified" not in persian_words
    assert any("\u0600" <= char <= "\u06ff" for char in persian_words)
    assert NAMES["fa"] not in english_mail.body
    assert '<html lang="fa" dir="rtl">' in persian_mail.alternatives[0][0]
    assert '<html lang="en" dir="ltr">' in english_mail.alternatives[0][0]

    notification = Notification.objects.get(recipient=persian)
    with translation.override("fa"):
        expected_subject = render_to_string(
            "notifications/email/notification_subject.txt", {"notification": notification}
        ).strip()
    assert persian_mail.subject == expected_subject
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _verified([UserFactory()])
    # The callbacks were registered but never run: the commit did not happen.
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_a_notification_is_mailed_only_once(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = _verified([user])
    row.refresh_from_db()
    send_notification_email(notification=row)
    assert len(mailoutbox) == 1


def test_daily_readers_get_nothing_at_once_and_one_digest_later(
    django_capture_on_commit_callbacks, mailoutbox
):
    reader = UserFactory(email="daily@example.test", email_frequency="daily", language="fa")
    with django_capture_on_commit_callbacks(execute=True):
        _verified([reader])
        notify(
            recipients=[reader],
            kind=kinds.ORGANISATION_REJECTED,
            params={"organisation": NAMES, "reason": "Licence unreadable"},
        )
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after its commit
        assert send_notification_digests() == 1
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == ["daily@example.test"]
    assert digest.body.count(NAMES["fa"]) == 2
    assert "۲" in digest.subject  # the count, in Persian digits
    assert not Notification.objects.filter(recipient=reader, emailed_at__isnull=True).exists()

    assert send_notification_digests() == 0
    assert len(mailoutbox) == 1


def test_digest_waits_a_day_between_mails():
    reader = UserFactory(email_frequency="daily")
    start = datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _verified([reader])
        assert send_notification_digests() == 1
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        _verified([reader])
        assert send_notification_digests() == 0
    with time_machine.travel(start + datetime.timedelta(hours=24), tick=False):
        assert send_notification_digests() == 1


def test_digest_leaves_out_what_was_already_read(mailoutbox):
    reader = UserFactory(email_frequency="daily")
    _verified([reader])
    mark_notifications_read(actor=reader)
    assert send_notification_digests() == 0
    assert mailoutbox == []


def test_readers_who_want_no_mail_get_none(django_capture_on_commit_callbacks, mailoutbox):
    reader = UserFactory(email_frequency="never")
    with django_capture_on_commit_callbacks(execute=True):
        _verified([reader])
    assert send_notification_digests() == 0
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=reader).count() == 1


def test_send_digests_command_reports_how_many(
    capsys, mailoutbox, django_capture_on_commit_callbacks
):
    _verified([UserFactory(email_frequency="daily"), UserFactory(email_frequency="daily")])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert "digests sent: 2" in capsys.readouterr().out
    assert len(mailoutbox) == 2


def test_mark_read_touches_only_the_actors_own_notifications():
    reader, other = UserFactory(), UserFactory()
    mine = _verified([reader]) + _verified([reader])
    theirs = _verified([other])
    ids = [row.pk for row in mine[:1] + theirs]
    assert mark_notifications_read(actor=reader, notification_ids=ids) == 1
    assert Notification.objects.get(pk=mine[0].pk).is_read
    assert not Notification.objects.get(pk=mine[1].pk).is_read
    assert not Notification.objects.get(pk=theirs[0].pk).is_read
    assert mark_notifications_read(actor=reader) == 1
    assert not Notification.objects.get(pk=theirs[0].pk).is_read


def test_title_reads_in_the_active_language():
    (row,) = _verified([UserFactory()])
    with translation.override("fa"):
        assert NAMES["fa"] in row.title
    with translation.override("en"):
        assert NAMES["en"] in row.title
    with translation.override("zh-hans"):  # no Chinese name: English before any other
        assert NAMES["en"] in row.title


def test_notification_pages_show_only_ones_own_and_mark_read(client):
    reader, other = UserFactory(), UserFactory()
    (mine,) = _verified([reader])
    (theirs,) = _verified([other])
    client.force_login(reader)
    page = client.get(reverse("notifications:list"))
    assert [row.pk for row in page.context["page"]] == [mine.pk]
    response = client.post(reverse("notifications:mark_read"), {"id": [str(theirs.pk), "x"]})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_plain_text_mail_is_not_html_escaped(django_capture_on_commit_callbacks, mailoutbox):
    reader = UserFactory(full_name="Seán O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[reader],
            kind=kinds.ORGANISATION_REJECTED,
            params={"organisation": {"en": "Smith & Sons <Trading>"}, "reason": 'Licence "A"'},
        )
    (mail,) = mailoutbox
    assert mail.subject == "Verification of Smith & Sons <Trading> was refused"
    assert "Seán O'Brien" in mail.body
    assert 'Licence "A"' in mail.body
    assert "&amp;" not in mail.body
    html = mail.alternatives[0][0]
    assert "Smith &amp; Sons &lt;Trading&gt;" in html
    assert "<Trading>" not in html


def test_mark_read_with_only_malformed_ids_marks_nothing(client):
    reader = UserFactory()
    notification = notify(
        recipients=[reader],
        kind=kinds.ORGANISATION_VERIFIED,
        params={"organisation": {"en": "Acme"}},
    )[0]
    client.force_login(reader)
    client.post(reverse("notifications:mark_read"), {"id": ["x", "1; drop"]})
    notification.refresh_from_db()
    assert notification.read_at is None
    client.post(reverse("notifications:mark_read"))
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_persian_title_inside_a_chinese_notification_is_isolated():
    """The year of a Persian title stays inside it when a Chinese sentence quotes it."""
    notification = Notification(
        kind="opportunities.interest_received",
        params={"organisation": {"zh-hans": "广州坚果进口有限公司"}, "opportunity": "پسته، ۱۴۰۴"},
    )
    with translation.override("zh-hans"):
        assert "\u2068پسته، ۱۴۰۴\u2069" in notification.title
        assert "\u2068广州" not in notification.title
    with translation.override("fa"):
        assert "\u2068" not in notification.title and "پسته، ۱۴۰۴" in notification.title
