"""The world is built once per module inside a transaction that is rolled back at its end; every
test runs in a savepoint within it (pytest-django's `db`), so a case never sees another's writes."""

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from karvan.agreements.documents.sealing import create_sealing_key
from karvan.directory.models import Membership
from karvan.events.models import Event
from karvan.events.services.delegations import create_delegation
from karvan.events.services.setup import create_event, set_event_status
from karvan.matching.index_cache import reset_index
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc
from tests.security.world import World, build_world


@pytest.fixture(scope="session")
def security_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signing") / "platform.p12"
    create_sealing_key(path, organisation="Karvan Test Center", passphrase=b"test-pass")
    return path


@pytest.fixture(scope="module")
def world_settings(
    security_key_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, object]]:
    values = {
        "KARVAN_SIGNING_PKCS12": security_key_path,
        "KARVAN_SIGNING_PKCS12_PASSWORD": "test-pass",
        "MEDIA_ROOT": tmp_path_factory.mktemp("world-media"),
        "CELERY_TASK_ALWAYS_EAGER": True,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }
    with override_settings(**values):
        yield values


@pytest.fixture(autouse=True)
def _media_root(settings: object, world_settings: dict[str, object]) -> None:
    """The world's files (quotation attachment, sealed PDF) stay readable in every case."""
    for name, value in world_settings.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: object, world_settings: dict[str, object]
) -> Iterator[World]:
    with django_db_blocker.unblock():
        reset_index()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            reset_index()


@pytest.fixture
def people(db: None) -> dict[str, object]:
    """A small world for the form fuzzing: Acme's owner, logged in; an open event; a delegation."""
    owner = UserFactory(email="fuzz-owner@world.example")
    partner = UserFactory(email="fuzz-partner@world.example")
    acme = OrganisationFactory(name={"en": "Fuzz Acme"})
    partner_co = OrganisationFactory(
        name={"en": "Fuzz Partner"}, country="CN", registry_id=valid_uscc(99)
    )
    MembershipFactory(user=owner, organisation=acme, role=Membership.Role.OWNER)
    MembershipFactory(user=partner, organisation=partner_co, role=Membership.Role.OWNER)
    starts = timezone.localdate() + datetime.timedelta(days=30)
    event = create_event(
        actor=owner,
        organiser=acme,
        data={
            "kind": Event.Kind.FAIR,
            "title": {"en": "Fuzz fair"},
            "time_zone": "Asia/Tehran",
            "starts_on": starts,
            "ends_on": starts,
            "countries": ["IR", "CN"],
        },
    )
    event = set_event_status(actor=owner, event=event, status=Event.Status.PUBLISHED)
    delegation = create_delegation(actor=owner, event=event, leader=acme, name="Fuzzers")
    client = Client()
    client.force_login(owner)
    return {
        "client": client,
        "owner": owner,
        "acme": acme,
        "partner_co": partner_co,
        "event": event,
        "delegation": delegation,
    }
