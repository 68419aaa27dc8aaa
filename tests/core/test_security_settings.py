"""The security settings refuse values that would silently weaken a deployment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KARVAN_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "karvan.cli", "check"],
        env={**clean, "KARVAN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KARVAN_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, "KARVAN_TRUSTED_PROXIES"),
        ({"KARVAN_PRIVATE_FILE_SERVER": "lighttpd"}, "KARVAN_PRIVATE_FILE_SERVER"),
    ],
)
def test_a_wrong_value_stops_the_start(tmp_path, env, message):
    result = _check(env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_values_pass(tmp_path):
    result = _check(
        {
            "KARVAN_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8, 2001:db8::/32",
            "KARVAN_PRIVATE_FILE_SERVER": "nginx",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
