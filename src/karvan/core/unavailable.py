"""A part of the stack briefly gone (the database restarting): a 503 page in the reader's
language, not a server error.

Two ways in: `DatabaseUnavailableMiddleware` answers for a view that met the failure, and
`server_error` (the project's handler500) for one met in a middleware (a session saved after the
view). Both answer 503 with Retry-After, JSON under /api/, and log one warning line, not a
traceback: the fault is the operator's to see, not a bug.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("karvan.unavailable")

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 answer for `request`, which met `error` (the database unreachable)."""
    logger.warning(
        "database unavailable during %s %s: %s", request.method, request.path, error or type(error)
    )
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "service_unavailable", "message": message, "fields": {}}, status=503
        )
    else:
        # Rendered without the request: the context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's OperationalError or InterfaceError into the 503 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UNAVAILABLE_ERRORS):
            return unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 answer when the failure was the database's, else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE_ERRORS):
        return unavailable_response(request, error)
    return HttpResponse(render_to_string("500.html"), status=500)
