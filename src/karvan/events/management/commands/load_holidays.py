"""`karvan load_holidays [FILE]`: load the holiday table shipped in the repository (idempotent)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from karvan.events.services.setup import load_holidays

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "holidays.json"


class Command(BaseCommand):
    help = "Load public holidays and working days (events/data/holidays.json by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args: object, **options: object) -> None:
        data = json.loads(Path(str(options["file"])).read_text(encoding="utf-8"))
        count = load_holidays(rows=data["holidays"])
        self.stdout.write(f"{count} holidays loaded")
