"""Pages that meet the database gone, for tests/core/test_unavailable.py."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from karvan import urls


def restarting(request: HttpRequest) -> HttpResponse:
    raise OperationalError("terminating connection due to administrator command")


def closed(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


urlpatterns = [
    path("restarting/", restarting),
    path("api/restarting/", restarting),
    path("closed/", closed),
    path("broken/", broken),
    path("", include(urls)),
]
handler500 = "karvan.core.unavailable.server_error"
