"""Per-request viewer preferences (language, zone, calendar), the content security policy, and
input no text may hold refused at the door."""

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from karvan.core.calendars import activate_calendar, deactivate_calendar, default_calendar

TIME_ZONE_COOKIE = "karvan_tz"
#: The browser zone a signed-in person chose to ignore: not proposed again until it changes.
KEPT_TIME_ZONE_COOKIE = "karvan_tz_kept"

# Everything comes from Karvan's own host: no CDN, font service or third-party script, which are
# blocked or slow in one or both countries of the corridor.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


def content_security_policy() -> str:
    """The policy, allowing images from the public files' bucket when they live in one."""
    from karvan.core.storages import is_object_storage, public_storage

    storage = public_storage()
    if not is_object_storage(storage):
        return CONTENT_SECURITY_POLICY
    address = urlsplit(storage.url("logo"))
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {address.scheme}://{address.netloc}"
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self.policy:
            self.policy = content_security_policy()
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def browser_time_zone(request: HttpRequest) -> str:
    """The zone the visitor's browser reported through the page script's cookie, or ""."""
    # The page script writes it percent-encoded (Asia%2FShanghai).
    zone = unquote(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
    return zone if _zone(zone) else ""


def proposed_time_zone(request: HttpRequest) -> str:
    """The browser's zone, when a signed-in person's profile says another one and they have not
    said to keep theirs: on the first visit from a device the page proposes to switch."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    zone = browser_time_zone(request)
    if not zone or zone == user.time_zone:
        return ""
    if unquote(request.COOKIES.get(KEPT_TIME_ZONE_COOKIE, "")) == zone:
        return ""
    # Two names of one zone (Asia/Calcutta, Asia/Kolkata) are not a difference worth a question.
    here, there = _zone(zone), _zone(user.time_zone)
    now = timezone.now()
    if here and there and now.astimezone(here).utcoffset() == now.astimezone(there).utcoffset():
        return ""
    return zone


class ViewerPreferencesMiddleware:
    """Activate the signed-in person's language, zone and calendar; guesses for visitors.

    A visitor's zone comes from the cookie the page script sets from the browser's own zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            zone, calendar = _zone(user.time_zone), user.calendar
        else:
            zone = _zone(browser_time_zone(request))
            calendar = default_calendar(request.LANGUAGE_CODE)
        # Read by the context processor and templates; HttpRequest declares no such field.
        request.viewer_calendar = calendar  # type: ignore[attr-defined]
        if zone:
            timezone.activate(zone)
        token = activate_calendar(calendar)
        try:
            return self.get_response(request)
        finally:
            deactivate_calendar(token)
            timezone.deactivate()


def _carries_nul(request: HttpRequest) -> bool:
    """Whether the path, a query or form value, or a JSON body holds a NUL character: no text
    Karvan keeps has one, and PostgreSQL refuses it in any string (a server error otherwise)."""
    if "\x00" in request.path:
        return True
    for values in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                return True
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


class RejectNulCharactersMiddleware:
    """Input with a NUL character is refused at the door with a 400 in the reader's language,
    for every page and API operation alike (uploaded files are not looked at)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            message = str(_("The request holds a NUL character, which no text may contain."))
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_input", "message": message, "fields": {}}, status=400
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
