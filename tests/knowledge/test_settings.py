"""The knowledge base's rate limits come from the environment, as the README documents."""

import os
import subprocess
import sys

PRINT_LIMITS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.KARVAN_KNOWLEDGE_POSTS_PER_HOUR, settings.KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR)"
)


def _limits(env: dict[str, str], tmp_path) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KARVAN_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_LIMITS],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "karvan.settings",
            "KARVAN_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_the_rate_limits_default_to_the_documented_values(tmp_path):
    assert _limits({}, tmp_path) == "10 30"


def test_the_rate_limits_are_read_from_the_environment(tmp_path):
    env = {"KARVAN_KNOWLEDGE_POSTS_PER_HOUR": "3", "KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR": "7"}
    assert _limits(env, tmp_path) == "3 7"
