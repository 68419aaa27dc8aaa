"""The attack matrix: every route of `routes.ROUTES` × every actor × its methods.

The world (tests/security/world.py) is built once for this module; each case runs in a savepoint
that is rolled back, so every case starts from the same world.
"""

import contextlib
import json
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.security.routes import EVERYONE, ROUTES, Route
from tests.security.world import ACTORS, World

#: Tables a request may write whoever sends it: sessions (a log-in), axes' access log, and the
#: in-process search caches. Everything else must be byte-for-byte the same after a refused write.
UNWATCHED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


#: Columns a log-in or any authenticated call writes: when a person last logged in, when a
#: token was last used.
UNWATCHED_COLUMNS = {"accounts_user": {"last_login"}, "accounts_apitoken": {"last_used_at"}}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the unwatched ones (and without the unwatched columns)."""
    rows: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in UNWATCHED_TABLES or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            fetched = cursor.fetchall()
            skip = UNWATCHED_COLUMNS.get(table)
            if skip:
                keep = [i for i, column in enumerate(cursor.description) if column[0] not in skip]
                fetched = [tuple(row[i] for i in keep) for row in fetched]
            rows[table] = sorted(fetched, key=repr)
    return rows


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


#: Actors enough for a route everyone may use: the answer must not depend on who asks.
PUBLIC_SAMPLE = ("anonymous", "outsider", "owner")


def _actors(route: Route, method: str) -> tuple[str, ...]:
    if route.open or (route.allowed(method) == EVERYONE and route.secret is None):
        return PUBLIC_SAMPLE
    return ACTORS


def _cases() -> list[object]:
    cases = []
    for route in ROUTES:
        for method in route.method_names:
            allowed = route.allowed(method)
            for actor in _actors(route, method):
                verdict = "allowed" if actor in allowed else "refused"
                cases.append(
                    pytest.param(
                        route,
                        method,
                        actor,
                        id=f"{route.id}-{method}-{actor}-{verdict}",
                    )
                )
    return cases


def _url(route: Route, world: World) -> str:
    if route.is_api:
        path = route.name.split(" ", 1)[1]
        return path.format(**route.kwargs(world)) + route.query
    return reverse(route.name, kwargs=route.kwargs(world)) + route.query


def _send(client: Client, route: Route, method: str, url: str, world: World, actor: str) -> object:
    if route.is_api:
        headers = {}
        if world.tokens.get(actor):
            headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        if method == "GET":
            return client.get(url, headers=headers)
        return client.generic(
            method,
            url,
            json.dumps(route.data(world), default=str),
            content_type="application/json",
            headers=headers,
        )
    if method == "GET":
        return client.get(url)
    return client.post(url, route.data(world))


def _body(response: object) -> str:
    # Reading a file response to the end closes it; closing the response again would fire
    # request_finished, which closes the database connection holding the world.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _is_login_redirect(response: object) -> bool:
    """To the log-in page, or (staff pages, for anyone not staff) to the admin's log-in page."""
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path in {
        reverse(settings.LOGIN_URL),
        reverse("admin:login"),
    }


@pytest.fixture(scope="module")
def baseline(world: World, django_db_blocker: object) -> dict[str, list[tuple]]:
    """The world's rows: every case starts from them (its savepoint is rolled back after it)."""
    with django_db_blocker.unblock():
        return snapshot()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "actor"), _cases())
def test_route(
    world: World, baseline: dict[str, list[tuple]], route: Route, method: str, actor: str
) -> None:
    url = _url(route, world)
    allowed = actor in route.allowed(method)
    # Logged in at the request's moment: a session begun weeks before it would have expired.
    with time_machine.travel(route.at(world)) if route.at else contextlib.nullcontext():
        client = Client()
        person = world.people[actor]
        if person is not None and not route.is_api:
            client.force_login(person)
        response = _send(client, route, method, url, world, actor)
    status = response.status_code
    assert status < 500, f"{method} {url} as {actor}: server error {status}"
    body = _body(response) if status == 200 else ""
    if route.open:
        return

    if allowed:
        if method == "GET":
            assert status == 200, f"{method} {url} as {actor} (allowed): {status}"
            if route.secret is not None:
                sees = route.sees if route.sees is not None else route.allowed(method)
                secret = route.secret(world)
                if actor in sees:
                    assert secret in body, f"{actor} should see {secret!r}"
                else:
                    assert secret not in body, f"{actor} sees {secret!r}"
        else:
            assert status < 400, f"{method} {url} as {actor} (allowed): {status} {body[:300]}"
            if route.changes:
                assert changed_tables(baseline, snapshot()), (
                    f"{method} {url} as {actor} (allowed) changed nothing: the case proves nothing"
                )
        return

    if method == "GET":
        if route.is_api:
            refused = {401, 403, 404} if actor == "anonymous" else {403, 404}
            assert status in refused, f"{method} {url} as {actor}: {status} (not refused)"
        elif route.secret is not None and status == 200:
            # A list page: everyone reads it, nobody else's rows appear on it.
            assert route.secret(world) not in body, f"{actor} sees {route.secret(world)!r}"
        else:
            redirected = status == 302 and route.refuses_by_redirect
            assert status in {403, 404} or redirected or _is_login_redirect(response), (
                f"{method} {url} as {actor}: {status} (not refused)"
            )
    else:
        if route.is_api:
            assert status >= 400, f"{method} {url} as {actor}: {status} (accepted)"
        changed = changed_tables(baseline, snapshot())
        assert not changed, f"{method} {url} as {actor} changed {changed} (status {status})"


@pytest.mark.django_db
def test_a_delegation_import_never_makes_anyone_a_member_of_the_victim(world: World) -> None:
    """Another event's organiser sets up a delegation at its own event and imports a row with
    Acme's registry identifier and its own e-mail."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from karvan.directory.models import Membership
    from karvan.events.services.delegations import create_delegation

    attacker = world.people["other_organiser"]
    delegation = create_delegation(
        actor=attacker,
        event=world.other_event,
        leader=attacker.memberships.get().organisation,
        name="Visitors",
    )
    client = Client()
    client.force_login(attacker)
    row = f"Acme Pistachio,{world.acme.registry_id},IR,Attacker,{attacker.email},en,\n"
    upload = SimpleUploadedFile(
        "people.csv",
        ("organisation,registry_id,country,full_name,email,language,sessions\n" + row).encode(),
        "text/csv",
    )
    url = reverse("events:delegation_import", kwargs={"pk": delegation.pk})
    assert client.post(url, {"file": upload}).status_code < 500
    assert not Membership.objects.filter(user=attacker, organisation=world.acme).exists()
