"""An open event seen by a visitor who has not logged in: a way to register, through log-in."""

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
