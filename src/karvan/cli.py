"""The `karvan` console script: Django's management commands plus the product's own."""

import argparse
import os
import sys


def demo_environment(arguments: list[str]) -> dict[str, str]:
    """What `karvan demo` sets before the settings are read.

    The demo serves like a real site (no debug pages: a visitor sees Karvan's own 404), and the
    address it serves on becomes the site address written into e-mails, `.ics` files and the
    agreement PDF's QR code, so every link works as sent. `--site-url` names another address
    (e.g. the machine's name on the local network when serving on 0.0.0.0).
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--addrport", default="127.0.0.1:8000")
    parser.add_argument("--site-url", default="")
    known, _rest = parser.parse_known_args(arguments)
    address = known.addrport if ":" in known.addrport else f"127.0.0.1:{known.addrport}"
    host, _sep, port = address.rpartition(":")
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 - only read, never bound here
        host = "127.0.0.1"
    return {
        "KARVAN_DEBUG": "0",
        "KARVAN_SITE_URL": known.site_url or f"http://{host}:{port}",
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")
    if sys.argv[1:2] == ["demo"]:
        for name, value in demo_environment(sys.argv[2:]).items():
            os.environ.setdefault(name, value)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
