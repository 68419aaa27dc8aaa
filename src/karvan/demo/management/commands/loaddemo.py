from django.core.management.base import BaseCommand

from karvan.demo.scenario import load_demo


class Command(BaseCommand):
    help = "Load the demo scenario (again): organisations, people and their profiles."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_demo(progress=self.stdout.write)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
