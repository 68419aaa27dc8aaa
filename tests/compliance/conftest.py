"""Compliance officers, a fictional list, and the agreements' parties and signatories."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from karvan.accounts.models import User
from karvan.compliance import adapters
from tests.agreements.conftest import (  # noqa: F401  (fixtures shared with the agreements tests)
    _platform_key,
    china,
    draft,
    iran,
    platform_key_path,
    signing,
)
from tests.factories import UserFactory

DATA = Path(__file__).parent / "data"


def make_officer(**fields: object) -> User:
    officer = UserFactory(is_staff=True, **fields)
    officer.user_permissions.add(Permission.objects.get(codename="review_case"))
    return User.objects.get(pk=officer.pk)  # a fresh row: permissions are cached per instance


@pytest.fixture
def officer(db: None) -> User:
    return make_officer(full_name="Compliance Officer", language="fa")


@pytest.fixture
def second_officer(db: None) -> User:
    return make_officer(full_name="Second Officer")


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    # Each test's database starts empty: the cached list index must not outlive it.
    adapters._cached.clear()
