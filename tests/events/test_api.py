import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from karvan.events.models import Meeting, MeetingRequest
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    invite_to_delegation,
)
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from karvan.events.services.registrations import approve_registration, register_person
from tests.events.conftest import participant
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


def test_the_meeting_request_page_costs_the_same_queries_for_many_requests(
    client, event, organiser, iranian, django_assert_max_num_queries
):
    """Each request's meeting id comes with the page's query, not one query per request."""
    client.force_login(iranian.person)

    def ask(count):
        for _ in range(count):
            other = participant(event, organiser, country="CN")
            request = send_meeting_request(
                actor=iranian.person, sender=iranian, recipient=other, reason="Saffron"
            )
            accept_meeting_request(actor=other.person, request=request)

    ask(2)
    with CaptureQueriesContext(connection) as few:
        items = client.get("/api/meeting-requests").json()["items"]
    assert len(items) == 2 and all(item["meeting_id"] for item in items)
    ask(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        items = client.get("/api/meeting-requests").json()["items"]
    assert len(items) == 10
    meetings = dict(Meeting.objects.values_list("request_id", "pk"))
    assert all(item["meeting_id"] == meetings[item["id"]] for item in items)


def test_participants_are_listed_by_one_rule_on_the_page_and_in_the_api(
    client, event, organiser, iranian, chinese
):
    """Approved participants and the organiser read the list; a delegation's leader whose own
    organisation has no approved registration reads it on neither (the API let it through, for
    the approved registration of a member of its delegation)."""
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="Leaders"
    )
    joined = MembershipFactory()
    accept_delegation_invitation(
        actor=joined.user,
        invitation=invite_to_delegation(
            actor=leader.user, delegation=delegation, organisation=joined.organisation
        ),
    )
    approve_registration(
        actor=organiser,
        registration=register_person(
            actor=leader.user,
            event=event,
            organisation=joined.organisation,
            person=joined.user,
            delegation=delegation,
        ),
    )
    page = reverse("events:participants", args=[event.pk])
    api = f"/api/events/{event.pk}/participants"
    for person, sees in [
        (iranian.person, True),
        (organiser, True),
        (leader.user, False),
        (joined.user, True),
        (MembershipFactory().user, False),
    ]:
        client.force_login(person)
        assert (client.get(page).status_code == 200) is sees, person
        assert (client.get(api).status_code == 200) is sees, person
        if not sees:
            assert client.get(api).status_code == 403


def test_an_unpublished_meeting_is_the_organisers_alone_on_the_page_and_in_the_api(
    client, event, organiser, iranian, chinese
):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=event.sessions.first().slots.first())
    client.force_login(iranian.person)
    assert client.get(reverse("events:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(f"/api/meetings/{meeting.pk}").status_code == 404
    response = client.post(
        f"/api/meetings/{meeting.pk}/feedback",
        {"registration_id": iranian.pk, "outcome": "follow_up"},
        content_type="application/json",
    )
    assert response.status_code == 404
    client.force_login(organiser)
    assert client.get(reverse("events:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(f"/api/meetings/{meeting.pk}").status_code == 200
    publish_schedule(actor=organiser, event=event)
    client.force_login(iranian.person)
    assert client.get(reverse("events:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(f"/api/meetings/{meeting.pk}").status_code == 200
