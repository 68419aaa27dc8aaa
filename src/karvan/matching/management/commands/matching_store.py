"""`karvan matching_store`: which matching store this configuration uses; `--sync` refills it,
`--rebuild-graph` builds pgvector's HNSW graph anew (as beat does weekly), `--fill-features`
stores the features of rows that have none (after an upgrade that changed the vocabulary)."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from karvan.matching.stores import current_store


class Command(BaseCommand):
    help = "Show the matching store (memory or pgvector); --sync refills the pgvector table."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--sync", action="store_true", help="refill the pgvector table")
        parser.add_argument(
            "--rebuild-graph",
            action="store_true",
            help="rebuild the pgvector HNSW index concurrently, so rows written since are reached",
        )

        parser.add_argument(
            "--fill-features",
            action="store_true",
            help="store each pgvector row's features where they are missing or out of date",
        )

    def handle(self, *args: object, **options: object) -> None:
        store = current_store()
        self.stdout.write(f"matching store: {store.name}")
        if options["sync"] and hasattr(store, "sync"):
            self.stdout.write(f"listings in the database's index: {store.sync()}")
        if options["rebuild_graph"] and hasattr(store, "rebuild_graph"):
            self.stdout.write(
                f"graph rebuilt; rows written since the last build: {store.rebuild_graph()}"
            )
        if options["fill_features"] and hasattr(store, "fill_features"):

            def progress(written: int) -> None:
                if written % 50_000 < 2000:
                    self.stdout.write(f"  features stored: {written:,}")

            self.stdout.write(f"features stored: {store.fill_features(progress=progress):,}")
