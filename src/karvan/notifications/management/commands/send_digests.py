from django.core.management.base import BaseCommand

from karvan.notifications.services import send_notification_digests


class Command(BaseCommand):
    help = "E-mail the daily digest to everyone who chose it and has unread notifications."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"digests sent: {send_notification_digests()}")
