from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone, translation

from karvan.core.middleware import proposed_time_zone
from karvan.core.text import text_direction
from karvan.core.time_zones import zone_label


def viewer(request: HttpRequest) -> dict[str, object]:
    """What every page needs to know about the person reading it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "page_direction": text_direction(language),
        "viewer_calendar": getattr(request, "viewer_calendar", ""),
        "viewer_time_zone": timezone.get_current_timezone_name(),
        "interface_languages": settings.LANGUAGES,
        **_time_zone_proposal(request),
    }


def _time_zone_proposal(request: HttpRequest) -> dict[str, object]:
    zone = proposed_time_zone(request)
    # No user on a request refused before the middleware ran (a host not allowed: its 400 page).
    user = getattr(request, "user", None)
    if not zone or user is None or isinstance(user, AnonymousUser):  # signed-in people only
        return {}
    return {
        "proposed_time_zone": zone,
        "proposed_time_zone_label": zone_label(zone),
        "current_time_zone_label": zone_label(user.time_zone),
    }
