"""An open event seen by a visitor who has not logged in: a way to register, through log-in;
and a badge code typed at the door in the digits of any keyboard."""

import pytest
from django.urls import reverse

from karvan.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Log in to register"), ("fa", "برای ثبت‌نام وارد شوید")]
)
def test_a_visitor_on_an_open_event_is_offered_to_log_in_to_register(
    client, event, language, label
):
    html = client.get(
        event.get_absolute_url(), headers={"accept-language": language}
    ).content.decode()
    login = reverse("accounts:login") + "?next=" + reverse("events:register", args=[event.pk])
    assert label in html
    assert f'href="{login}"' in html
    assert reverse("accounts:signup") in html


def test_a_closed_event_offers_no_registration(client, event):
    event.status = Event.Status.CLOSED
    event.save()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Log in to register" not in html


def test_the_event_pages_title_is_plain_text_in_each_language(client, event):
    event.title = {"en": "Guangzhou SME Fair", "fa": "نمایشگاه گوانگجو"}
    event.save()
    html = client.get(event.get_absolute_url(), headers={"accept-language": "fa"}).content.decode()
    title = html[html.index("<title>") + 7 : html.index("</title>")]
    assert title.startswith("نمایشگاه گوانگجو ·")
    assert "<" not in title and "lang=" not in title


def test_a_badge_code_typed_in_persian_or_full_width_characters_checks_in(
    organiser, event, iranian, chinese
):
    import time_machine

    from karvan.events.services.registrations import check_in
    from tests.dates import on_fair_day

    # On the fair's first day, in Guangzhou: when a door opens.
    on_the_day = on_fair_day(9, 30)
    persian = iranian.badge_code.translate(str.maketrans("23456789", "۲۳۴۵۶۷۸۹"))
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in chinese.badge_code)
    with time_machine.travel(on_the_day):
        assert check_in(actor=organiser, event=event, code=persian)[0] == iranian
        assert check_in(actor=organiser, event=event, code=full_width)[0] == chinese
