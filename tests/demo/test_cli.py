"""`karvan demo` serves like a real site, on an address every link it writes points to."""

import subprocess
import sys

import pytest

from karvan.cli import demo_environment


def test_the_served_address_becomes_the_site_address_and_debug_pages_are_off():
    assert demo_environment(["--addrport", "127.0.0.1:8123", "--no-serve"]) == {
        "KARVAN_DEBUG": "0",
        "KARVAN_SITE_URL": "http://127.0.0.1:8123",
    }
    assert demo_environment([])["KARVAN_SITE_URL"] == "http://127.0.0.1:8000"
    assert demo_environment(["--addrport", "9000"])["KARVAN_SITE_URL"] == "http://127.0.0.1:9000"


def test_serving_on_all_interfaces_links_to_the_named_site_url_when_given():
    assert demo_environment(["--addrport", "0.0.0.0:8000"])["KARVAN_SITE_URL"] == (
        "http://127.0.0.1:8000"
    )
    named = demo_environment(["--addrport", "0.0.0.0:8000", "--site-url", "http://karvan.lan:8000"])
    assert named["KARVAN_SITE_URL"] == "http://karvan.lan:8000"


def test_the_settings_read_that_environment_and_allow_the_site_host(tmp_path):
    """The real settings module, in a fresh interpreter, with what `karvan demo` sets."""
    environment = {
        **demo_environment(["--site-url", "http://karvan.lan:8000"]),
        "KARVAN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "karvan.settings",
        "PATH": "/usr/bin:/bin",
    }
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SITE_URL, 'karvan.lan' in settings.ALLOWED_HOSTS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "http://karvan.lan:8000", "True"]


@pytest.mark.django_db
def test_uploaded_public_files_and_the_404_page_are_karvans_own_without_debug(client, settings):
    assert settings.DEBUG is False
    (settings.MEDIA_ROOT / "logos").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "logos" / "mark.txt").write_text("logo")
    assert client.get("/media/logos/mark.txt").status_code == 200
    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fa")
    assert missing.status_code == 404
    assert "Traceback" not in missing.content.decode()
    assert "URLconf" not in missing.content.decode()  # not Django's technical 404
