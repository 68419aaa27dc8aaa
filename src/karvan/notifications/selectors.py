from django.db.models import QuerySet

from karvan.accounts.models import User
from karvan.notifications.models import Notification


def list_notifications(*, viewer: User, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=viewer)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def count_unread_notifications(*, viewer: User) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()
