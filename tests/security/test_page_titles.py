"""Every page of the route table has one plain-text <title>: the browser tab shows no markup.

`tests/core/test_page_titles.py` checks the main pages in three languages; this walks every page
route of `routes.ROUTES` (the table that must list them all, see `test_completeness.py`), read by
a person allowed to read it, in Persian, against the security world's objects.
"""

import re

import pytest
from django.test import Client

from tests.security.routes import ROUTES, Route
from tests.security.test_matrix import _body, _url
from tests.security.world import ACTORS, World

#: Who reads a page when several may: a member before staff, so organisations' pages render.
READERS = ("owner", "partner", "member", "other_signatory", "leader", "other_organiser", "staff")


def _reader(route: Route) -> str:
    allowed = route.allowed("GET")
    return next(actor for actor in (*READERS, *ACTORS) if actor in allowed)


PAGES = [
    pytest.param(route, id=route.id)
    for route in ROUTES
    if not route.is_api and route.get and not route.open
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGES)
def test_every_page_route_has_a_plain_text_title(world: World, route: Route) -> None:
    client = Client(headers={"accept-language": "fa"})
    person = world.people[_reader(route)]
    if person is not None:
        person.language = "fa"
        person.save(update_fields=["language"])  # rolled back with the case's savepoint
        client.force_login(person)
    response = client.get(_url(route, world))
    assert response.status_code == 200, route.id
    if not response.get("Content-Type", "").startswith("text/html"):
        return  # a file (PDF, .ics, CSV, XLSX) has no title
    html = _body(response)
    if "</head>" not in html:
        return  # an htmx partial, shown inside a page that has its title
    head = html[: html.index("</head>")]  # an SVG in the body may have titles of its own
    titles = re.findall(r"<title>(.*?)</title>", head, re.S)
    assert len(titles) == 1, (route.id, titles)
    title = titles[0]
    assert title.strip(), route.id
    assert "<" not in title and "lang=" not in title, (route.id, title)
