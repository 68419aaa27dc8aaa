"""Who is calling an API operation, typed: ninja's `request.auth` is untyped (`Any`)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError

from karvan.accounts.http import Viewer
from karvan.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in person of an operation behind the default `signed_in` authentication.

    Raises `AuthenticationError` (401) if the request carries no signed-in person, which the
    authentication of such an operation has already refused.
    """
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def request_viewer(request: HttpRequest) -> Viewer:
    """The reader of a public operation (`auth=anyone`): a signed-in person or an anonymous one."""
    viewer = getattr(request, "auth", None)
    if isinstance(viewer, User | AnonymousUser):
        return viewer
    return AnonymousUser()
