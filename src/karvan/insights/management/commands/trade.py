"""`karvan trade import FILE...`: load UN Comtrade CSV exports (bulk or API download)."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from karvan.insights.comtrade import NotComtradeError
from karvan.insights.services import import_comtrade_file

BAD_LINES_SHOWN = 50


class Command(BaseCommand):
    help = "Trade statistics. `import FILE...`: load UN Comtrade CSV exports (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load: ArgumentParser = subcommands.add_parser(
            "import", help="import Comtrade CSV files; the same file twice changes nothing"
        )
        load.add_argument("files", nargs="+", type=Path, help="CSV files")

    def handle(self, *args: object, **options: object) -> None:
        files = options["files"]
        assert isinstance(files, list)  # noqa: S101  # argparse made it
        failed = 0
        for path in files:
            try:
                report = import_comtrade_file(
                    path=path, progress=lambda message: self.stderr.write(message)
                )
            except (OSError, NotComtradeError) as error:
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                failed += 1
                continue
            self.stdout.write(
                f"{path}: {report.rows_read} rows read, {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged, "
                f"{len(report.bad)} bad"
            )
            for bad in report.bad[:BAD_LINES_SHOWN]:
                self.stdout.write(f"  line {bad.line}: {bad.reason}")
            if len(report.bad) > BAD_LINES_SHOWN:
                self.stdout.write(f"  … and {len(report.bad) - BAD_LINES_SHOWN} more bad lines")
        if failed == len(files):
            raise CommandError("no file could be imported")
