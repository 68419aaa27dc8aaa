from django.core.management.base import BaseCommand

from karvan.events.services.meeting_requests import expire_meeting_requests


class Command(BaseCommand):
    help = "Expire unanswered meeting requests past their deadline (also runs every 10 minutes)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{expire_meeting_requests()} meeting requests expired")
