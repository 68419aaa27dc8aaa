"""The request type of views behind `login_required`, for type checking."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from karvan.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request `login_required` let through: its user is signed in, never anonymous.

    Only an annotation: Django still passes its own `HttpRequest`, whose `user` the login check
    has made a `User`.
    """

    user: User


# Whoever reads a page or calls the API: a signed-in user, or an anonymous visitor (permissions and
# selectors that serve public pages take either and check `is_authenticated`).
Viewer = User | AnonymousUser
