import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import USE_POSTGRES

KARVAN = [sys.executable, "-m", "karvan.cli"]


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KARVAN_", "DATABASE_URL"))}
    return subprocess.run(
        [*KARVAN, *args],
        env={**clean, "KARVAN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    assert connection.vendor == ("postgresql" if USE_POSTGRES else "sqlite")


PRODUCTION = {
    "KARVAN_ENV": "production",
    "KARVAN_ALLOWED_HOSTS": "karvan.example.org",
    "KARVAN_SIGNING_PKCS12_PASSWORD": "kept in the vault",
}


def test_production_mode_passes_the_deployment_checks(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_requires_the_sealing_keys_passphrase(tmp_path):
    without = {k: v for k, v in PRODUCTION.items() if k != "KARVAN_SIGNING_PKCS12_PASSWORD"}
    result = _run(["check", "--deploy"], without, tmp_path)
    assert result.returncode != 0
    assert "agreements.E001" in result.stderr


def test_development_mode_fails_the_deployment_checks(tmp_path):
    """The check is real: the embedded defaults are not fit for the internet, and it says so."""
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_secret_key_is_generated_once_into_the_data_directory(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(["shell", "--no-imports", "-c", code], {}, tmp_path)
    second = _run(["shell", "--no-imports", "-c", code], {}, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == first.stdout.strip()


def test_database_url_selects_a_sqlite_file_elsewhere(tmp_path):
    target = tmp_path / "elsewhere" / "karvan.sqlite3"
    target.parent.mkdir()
    result = _run(
        ["migrate", "--noinput", "-v", "0"], {"DATABASE_URL": f"sqlite:///{target}"}, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert target.exists() and target.stat().st_size > 0
    assert not (tmp_path / "karvan.sqlite3").exists()
