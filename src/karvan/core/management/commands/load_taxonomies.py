from django.core.management.base import BaseCommand

from karvan.core.taxonomies import load_taxonomies


class Command(BaseCommand):
    help = "Load or update the HS and ISIC codes shipped with Karvan (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_taxonomies()
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count}")
