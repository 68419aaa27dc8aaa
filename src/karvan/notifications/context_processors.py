from django.http import HttpRequest

from karvan.notifications.selectors import count_unread_notifications


def unread(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": count_unread_notifications(viewer=user)}
