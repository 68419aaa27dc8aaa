from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation

from karvan.core.text import text_direction


def viewer(request: HttpRequest) -> dict[str, object]:
    """What every page needs to know about the person reading it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "page_direction": text_direction(language),
        "viewer_calendar": getattr(request, "viewer_calendar", ""),
        "viewer_time_zone": timezone.get_current_timezone_name(),
        "interface_languages": settings.LANGUAGES,
    }
