import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from ninja.errors import AuthenticationError

from karvan.api.auth import request_user, request_viewer
from tests.factories import UserFactory


@pytest.mark.django_db
def test_request_user_is_the_authenticated_caller():
    user = UserFactory()
    request = RequestFactory().get("/api/me")
    request.auth = user
    assert request_user(request) == user
    assert request_viewer(request) == user


def test_request_user_refuses_a_request_without_a_signed_in_caller():
    request = RequestFactory().get("/api/me")
    with pytest.raises(AuthenticationError):
        request_user(request)
    request.auth = AnonymousUser()
    with pytest.raises(AuthenticationError):
        request_user(request)


def test_request_viewer_is_anonymous_without_a_signed_in_caller():
    request = RequestFactory().get("/api/opportunities")
    assert isinstance(request_viewer(request), AnonymousUser)
    request.auth = AnonymousUser()
    assert isinstance(request_viewer(request), AnonymousUser)
