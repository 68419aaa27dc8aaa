"""The world is built once per module inside a transaction that is rolled back at its end; every
test runs in a savepoint within it (pytest-django's `db`), so a case never sees another's writes."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from karvan.agreements.sealing import create_sealing_key
from karvan.knowledge.index import reset_knowledge_index
from karvan.matching.index_cache import reset_index
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
        reset_knowledge_index()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            reset_index()
            reset_knowledge_index()
