from django.core.management.base import BaseCommand

from karvan.events.services.meetings import send_meeting_reminders


class Command(BaseCommand):
    help = "Remind participants of meetings starting soon (also runs every 5 minutes)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{send_meeting_reminders()} reminders sent")
