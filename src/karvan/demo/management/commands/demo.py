from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from karvan.demo.scenario import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Migrate the database, load the demo scenario and serve Karvan on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--site-url",
            default="",
            help="The address written into e-mails, .ics files and PDFs (default: the served one).",
        )
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")

    def handle(
        self, *args: object, addrport: str, site_url: str, no_serve: bool, **options: object
    ) -> None:
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo scenario…")
        counts = load_demo(progress=self.stdout.write)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})"))
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<34} {role}")
        self.stdout.write(f"\nDatabase: {settings.DATABASES['default']['NAME']}")
        self.stdout.write(f"Links in e-mails, calendars and PDFs: {settings.SITE_URL}/")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/ (Ctrl-C to stop)\n")
            call_command("runserver", addrport, use_reloader=False)
