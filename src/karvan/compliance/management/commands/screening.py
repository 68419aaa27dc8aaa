"""`karvan screening load FILE --source NAME`; `karvan screening match --list --queries --out`."""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from karvan.compliance.engine import ListEntity, Query, screen_names
from karvan.compliance.errors import ListFileError
from karvan.compliance.loaders import FORMATS, BadRecord, read_opensanctions_csv
from karvan.compliance.services import load_list


class Command(BaseCommand):
    help = "Sanctions screening: load a list file as a new version; screen queries for a benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load: ArgumentParser = subcommands.add_parser("load", help="load a list file")
        load.add_argument("file", type=Path)
        load.add_argument("--source", required=True, help="the list's name, e.g. un_sc")
        load.add_argument("--format", choices=FORMATS, default=None, help="default: by suffix")
        match: ArgumentParser = subcommands.add_parser(
            "match", help="screen a JSON list of queries against an OpenSanctions CSV list"
        )
        match.add_argument("--list", required=True, type=Path, dest="list_file")
        match.add_argument("--queries", required=True, type=Path)
        match.add_argument("--out", required=True, type=Path)

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "load":
            self._load(options)
        else:
            self._match(options)

    def _load(self, options: dict[str, object]) -> None:
        path, source, list_format = options["file"], options["source"], options["format"]
        assert isinstance(path, Path) and isinstance(source, str)  # noqa: S101  # argparse

        def progress(done: int) -> None:
            self.stderr.write(f"\r{done} records read", ending="")
            self.stderr.flush()

        try:
            report = load_list(
                path=path,
                source=source,
                list_format=list_format if isinstance(list_format, str) else None,
                progress=progress if sys.stderr.isatty() else None,
            )
        except ListFileError as error:
            raise CommandError(error.text) from error
        version = report.version
        if not report.is_new:
            self.stdout.write(f"{path.name} is already loaded as version {version.pk}: unchanged")
        else:
            self.stdout.write(
                f"version {version.pk} of {source}: {version.records} records, "
                f"{version.added} added, {version.changed} changed, {version.removed} removed, "
                f"{version.unchanged} unchanged, checksum {version.checksum[:16]}"
            )
        for bad in report.bad_records:
            self.stdout.write(f"  line {bad['line']}: {bad['message']}")

    def _match(self, options: dict[str, object]) -> None:
        list_path, queries_path, out_path = options["list_file"], options["queries"], options["out"]
        assert isinstance(list_path, Path) and isinstance(queries_path, Path)  # noqa: S101
        assert isinstance(out_path, Path)  # noqa: S101  # argparse converted them
        try:
            raw = json.loads(queries_path.read_text(encoding="utf-8"))
            entities: list[ListEntity] = [
                item.entity
                for item in read_opensanctions_csv(list_path)
                if not isinstance(item, BadRecord)
            ]
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the input: {error}") from error
        if not isinstance(raw, list):
            raise CommandError(f"{queries_path} is not a JSON list of queries")
        queries = []
        for item in raw:
            if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
                raise CommandError(f"a query without id or name: {item!r}")
            queries.append(
                Query(
                    id=str(item["id"]),
                    schema="Person" if item.get("schema") == "Person" else "Organization",
                    names=(str(item["name"]),),
                    countries=(str(item["country"]).upper(),) if item.get("country") else (),
                    identifiers=(str(item["registry_id"]),) if item.get("registry_id") else (),
                )
            )
        threshold = float(settings.KARVAN_SCREENING_THRESHOLD)
        results = screen_names(entities, queries, threshold=threshold)
        out = {
            query_id: [{"entity": c.entity_id, "score": c.score} for c in candidates]
            for query_id, candidates in results.items()
        }
        out_path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"{len(queries)} queries screened against {len(entities)} entities")
