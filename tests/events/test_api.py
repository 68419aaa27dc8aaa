import pytest

from karvan.events.models import Meeting, MeetingRequest
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_request_accept_and_agenda_through_the_api(client, event, organiser, iranian, chinese):
    client.force_login(iranian.person)
    assert client.get("/api/events").json()["count"] == 1
    mine = client.get("/api/me/registrations").json()["items"]
    assert [r["id"] for r in mine] == [iranian.pk]
    response = client.post(
        "/api/meeting-requests",
        {
            "sender_id": iranian.pk,
            "recipient_id": chinese.pk,
            "reason": "Saffron",
            "language": "en",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    request_id = response.json()["id"]
    client.force_login(MembershipFactory().user)
    assert client.get(f"/api/meeting-requests/{request_id}").status_code == 404
    assert (
        client.post(
            f"/api/meeting-requests/{request_id}/accept", {}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(chinese.person)
    accepted = client.post(
        f"/api/meeting-requests/{request_id}/accept", {}, content_type="application/json"
    ).json()
    assert accepted["status"] == MeetingRequest.Status.ACCEPTED
    meeting = Meeting.objects.get(pk=accepted["meeting_id"])
    move_meeting(actor=organiser, meeting=meeting, slot=event.sessions.first().slots.first())
    assert client.get("/api/meetings").json()["count"] == 0  # not published yet
    publish_schedule(actor=organiser, event=event)
    items = client.get("/api/meetings").json()["items"]
    assert [m["id"] for m in items] == [meeting.pk] and items[0]["table"] == 1


def test_sending_a_request_for_someone_elses_registration_is_refused(client, iranian, chinese):
    client.force_login(MembershipFactory().user)
    response = client.post(
        "/api/meeting-requests",
        {"sender_id": iranian.pk, "recipient_id": chinese.pk, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not MeetingRequest.objects.exists()


def test_registering_through_the_api(client, event):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        f"/api/events/{event.pk}/registrations",
        {"organisation_id": membership.organisation_id, "person_id": membership.user_id},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    again = client.post(
        f"/api/events/{event.pk}/registrations",
        {"organisation_id": membership.organisation_id, "person_id": membership.user_id},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "registration.duplicate")
    stranger = MembershipFactory()
    client.force_login(stranger.user)
    response = client.post(
        f"/api/events/{event.pk}/registrations",
        {"organisation_id": membership.organisation_id, "person_id": membership.user_id},
        content_type="application/json",
    )
    assert response.status_code == 403
