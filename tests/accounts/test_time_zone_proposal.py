"""A signed-in person whose device is in another zone is asked once, and their answer holds."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(time_zone="UTC", language="en")
    client.force_login(user)
    client.cookies["karvan_tz"] = "Asia%2FTehran"
    return user


def test_the_browser_zone_is_proposed_and_taken_into_the_profile(client, person):
    page = client.get("/").content.decode()
    assert 'data-testid="time-zone-proposal"' in page
    assert "Tehran (UTC+03:30)" in page

    response = client.post(
        "/accounts/time-zone/", {"zone": "Asia/Tehran", "answer": "use", "next": "/events/"}
    )
    assert response.status_code == 302 and response["Location"] == "/events/"
    person.refresh_from_db()
    assert person.time_zone == "Asia/Tehran"
    assert 'data-testid="time-zone-proposal"' not in client.get("/").content.decode()


def test_keeping_ones_zone_stops_the_question_without_changing_the_profile(client, person):
    client.post("/accounts/time-zone/", {"zone": "Asia/Tehran", "answer": "keep"})
    person.refresh_from_db()
    assert person.time_zone == "UTC"
    assert 'data-testid="time-zone-proposal"' not in client.get("/").content.decode()
    # A new device zone is a new question.
    client.cookies["karvan_tz"] = "Asia%2FShanghai"
    assert "Shanghai (UTC+08:00)" in client.get("/").content.decode()


def test_an_unknown_zone_is_refused_with_a_message_and_an_outside_next_is_ignored(client, person):
    response = client.post(
        "/accounts/time-zone/",
        {"zone": "Mars/Olympus", "answer": "use", "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/"
    assert "This time zone is unknown." in response.content.decode()
    person.refresh_from_db()
    assert person.time_zone == "UTC"


def test_visitors_and_people_already_in_that_zone_are_not_asked(client):
    client.cookies["karvan_tz"] = "Asia%2FTehran"
    assert 'data-testid="time-zone-proposal"' not in client.get("/").content.decode()
    client.force_login(UserFactory(time_zone="Asia/Tehran"))
    assert 'data-testid="time-zone-proposal"' not in client.get("/").content.decode()
