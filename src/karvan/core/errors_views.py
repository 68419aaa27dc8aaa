from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A failed CSRF check explained in the visitor's language, on Karvan's own page."""
    return render(request, "403_csrf.html", status=403)
