"""Who may see the center's dashboard and choose what it publishes."""

from karvan.accounts.http import Viewer


def can_view_dashboard(user: Viewer) -> bool:
    """The center's staff only: the dashboard shows every organisation's activity."""
    return user.is_authenticated and user.is_active and user.is_staff


def can_publish_figures(user: Viewer) -> bool:
    return can_view_dashboard(user)
