"""The request type of views behind `login_required`, for type checking."""

from django.http import HttpRequest

from karvan.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request `login_required` let through: its user is signed in, never anonymous.

    Only an annotation: Django still passes its own `HttpRequest`, whose `user` the login check
    has made a `User`.
    """

    user: User
