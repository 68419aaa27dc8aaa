"""Every main page's <title> is plain text (the browser tab shows no markup), and Karvan serves
its own favicon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from karvan.events.models import Event
from karvan.events.services.setup import create_event
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.dates import fair_day, fair_last_day
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(
        organisation=OrganisationFactory(
            name={"fa": "پسته نوین رفسنجان", "en": "Novin Pistachio"}, original_language="fa"
        ),
        user=UserFactory(language="fa"),
    )


@pytest.fixture
def pages(member, django_capture_on_commit_callbacks):
    event = create_event(
        actor=member.user,
        organiser=member.organisation,
        data={
            "kind": Event.Kind.FAIR,
            "title": {"fa": "نمایشگاه تهران", "zh-hans": "德黑兰博览会"},
            "time_zone": "Asia/Tehran",
            "starts_on": fair_day(),
            "ends_on": fair_last_day(),
        },
    )
    event.status = Event.Status.PUBLISHED
    event.save()
    opportunity = create_opportunity(
        actor=member.user,
        organisation=member.organisation,
        data={
            "side": "offer",
            "kind": "product",
            "language": "fa",
            "title": "پسته <اکبری> & بادام",
            "description": "پسته اکبری خندان برای صادرات.",
            "hs_codes": ["0802"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_opportunity(opportunity=opportunity, actor=member.user)
    return [
        reverse("home"),
        reverse("directory:list"),
        member.organisation.get_absolute_url(),
        reverse("opportunities:search"),
        opportunity.get_absolute_url(),
        reverse("events:list"),
        event.get_absolute_url(),
        reverse("knowledge:list"),
        reverse("parks:list"),
        reverse("insights:statistics"),
        reverse("agreements:verify"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
    ]


MEMBER_PAGES = [
    "opportunities:mine",
    "opportunities:interests",
    "agreements:list",
    "notifications:list",
    "accounts:preferences",
    "events:requests",
    "events:invitations",
]


def _title(html: str) -> str:
    head = html[: html.index("</head>")]  # an SVG in the body may have titles of its own
    found = re.findall(r"<title>(.*?)</title>", head, re.S)
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("language", ["fa", "zh-hans", "en"])
def test_every_main_page_has_a_plain_text_title(client, member, pages, language):
    urls = list(pages)
    for visitor in (False, True):
        if visitor is True:
            member.user.language = language
            member.user.save()
            client.force_login(member.user)
            anonymous_only = {reverse("accounts:login"), reverse("accounts:signup")}
            urls = [url for url in pages if url not in anonymous_only]
            urls += [reverse(name) for name in MEMBER_PAGES]
        for url in urls:
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, url
            title = _title(response.content.decode())
            assert title.strip(), url
            assert "<" not in title and "lang=" not in title, (url, title)


def test_a_title_with_markup_characters_is_escaped_text(client, pages):
    opportunity_url = next(
        url for url in pages if url.startswith("/opportunities/") and url[-2:-1].isdigit()
    )
    title = _title(client.get(opportunity_url).content.decode())
    assert "&lt;اکبری&gt; &amp; بادام" in title


def test_karvan_serves_its_own_favicon(client):
    assert finders.find("karvan/favicon.svg")
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/karvan/favicon\.svg"', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/karvan/favicon.svg"
