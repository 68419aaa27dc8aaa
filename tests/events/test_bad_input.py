"""Crafted ids and numbers posted to the events pages and API: a clear 4xx or form error in the
reader's language, never a server error, and nothing changes."""

import pytest
from django.urls import reverse

from karvan.events.models import Meeting, MeetingParticipant, Registration, Slot
from karvan.events.services.delegations import create_delegation
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.dates import fair_day

pytestmark = pytest.mark.django_db

BAD = ["²", "1:2", "abc", "99999999999999999999999", "-1", "", "1.5", "٣"]


@pytest.fixture
def meeting(event, organiser, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="Pistachios"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    return meeting


@pytest.fixture
def organiser_fa(organiser):
    organiser.language = "fa"
    organiser.save()
    return organiser


def _posts(event, meeting, delegation, registration):
    """Every events form that takes an id or a number, with the field to corrupt."""
    return [
        (
            reverse("events:delegation_member_remove", args=[delegation.pk]),
            {},
            "organisation",
        ),
        (
            reverse("events:delegation_invitation_withdraw", args=[delegation.pk]),
            {},
            "invitation",
        ),
        (
            reverse("events:delegation_register", args=[delegation.pk]),
            {"person-organisation": str(delegation.leader_id)},
            "person-person",
        ),
        (
            reverse("events:delegation_register", args=[delegation.pk]),
            {"person-person": "1"},
            "person-organisation",
        ),
        (
            reverse("events:delegation_register", args=[delegation.pk]),
            {
                "person-person": "1",
                "person-organisation": str(delegation.leader_id),
            },
            "person-sessions",
        ),
        (reverse("events:meeting_add_participant", args=[meeting.pk]), {}, "registration"),
        (
            reverse("events:meeting_feedback", args=[meeting.pk]),
            {"outcome": "follow_up"},
            "participant",
        ),
        (reverse("events:meeting_no_show", args=[meeting.pk]), {"no_show": "1"}, "participant"),
        (reverse("events:meeting_move", args=[meeting.pk]), {}, "slot"),
        (
            reverse("events:meeting_move", args=[meeting.pk]),
            {"slot": str(meeting.slot_id)},
            "table",
        ),
        (reverse("events:meeting_priority", args=[meeting.pk]), {}, "priority"),
        (reverse("events:schedule_run", args=[event.pk]), {}, "time_limit"),
        (reverse("events:registration", args=[registration.pk]), {}, "sessions"),
        (reverse("events:register", args=[event.pk]), {"person": "1"}, "organisation"),
        (reverse("events:register", args=[event.pk]), {}, "person"),
        (reverse("events:register", args=[event.pk]), {}, "sessions"),
        (reverse("events:request_accept", args=[meeting.request_id]), {}, "slot"),
        (reverse("events:request_pick_slot", args=[meeting.request_id]), {}, "slot"),
        (
            reverse("events:request_create", args=[event.pk, registration.pk]),
            {"reason": "x", "language": "en"},
            "sender",
        ),
        (reverse("events:create"), {"title": "x"}, "organiser"),
        (reverse("events:create"), {"title": "x"}, "request_expiry_hours"),
        (
            reverse("events:sessions", args=[event.pk]),
            {"day": fair_day().isoformat(), "start_time": "9:00", "end_time": "10:00"},
            "tables",
        ),
        (
            reverse("events:sessions", args=[event.pk]),
            {"day": fair_day().isoformat(), "start_time": "9:00", "end_time": "10:00"},
            "meeting_minutes",
        ),
    ]


@pytest.mark.parametrize("value", BAD)
def test_crafted_ids_on_the_events_pages_never_give_a_server_error(
    client, event, organiser_fa, meeting, iranian, chinese, value
):
    delegation = create_delegation(
        actor=organiser_fa,
        event=event,
        leader=organiser_fa.memberships.get().organisation,
        name="D",
    )
    client.force_login(organiser_fa)
    before = (
        list(Registration.objects.values_list("pk", "status", "organisation_id")),
        list(MeetingParticipant.objects.values_list("pk", "is_no_show", "outcome")),
        list(Meeting.objects.values_list("pk", "slot_id", "table", "priority", "status")),
        list(delegation.members.values_list("pk", flat=True)),
    )
    for url, data, field in _posts(event, meeting, delegation, chinese):
        response = client.post(url, {**data, field: value})
        assert response.status_code < 500, (url, field, value)
        assert response.status_code in {200, 302, 400, 404}, (url, field, value)
    after = (
        list(Registration.objects.values_list("pk", "status", "organisation_id")),
        list(MeetingParticipant.objects.values_list("pk", "is_no_show", "outcome")),
        list(Meeting.objects.values_list("pk", "slot_id", "table", "priority", "status")),
        list(delegation.members.values_list("pk", flat=True)),
    )
    if value not in {"", "٣"}:  # "٣" is 3 in Arabic digits, "" an automatic table: both valid
        assert before == after
    for path in ["/events/99999999999999999999999/", "/events/meetings/99999999999999999999999/"]:
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", ["²", "abc", "1:2"])
def test_a_non_numeric_id_is_answered_in_the_readers_language(
    client, event, organiser_fa, meeting, value
):
    client.force_login(organiser_fa)
    response = client.post(
        reverse("events:meeting_no_show", args=[meeting.pk]), {"participant": value, "no_show": "1"}
    )
    assert response.status_code == 404
    assert 'lang="fa"' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/events/{event}/registrations", {"organisation_id": 10**30, "person_id": 1}),
        ("/api/events/{event}/registrations", {"organisation_id": "²", "person_id": 1}),
        (
            "/api/events/{event}/registrations",
            {"organisation_id": 1, "person_id": 1, "session_ids": [10**30]},
        ),
        (
            "/api/events/{event}/registrations",
            {"organisation_id": 1, "person_id": 1, "session_ids": ["abc"]},
        ),
        ("/api/meeting-requests", {"sender_id": 10**30, "recipient_id": 1, "reason": "x"}),
        ("/api/meeting-requests", {"sender_id": "1:2", "recipient_id": 1, "reason": "x"}),
        ("/api/meeting-requests/{request}/accept", {"slot_id": 10**30}),
        ("/api/meeting-requests/{request}/accept", {"slot_id": "²"}),
        ("/api/meetings/{meeting}/feedback", {"registration_id": 10**30, "outcome": "follow_up"}),
        ("/api/meetings/{meeting}/feedback", {"registration_id": False, "outcome": "follow_up"}),
    ],
)
def test_crafted_numbers_on_the_events_api_give_a_4xx(
    client, event, meeting, iranian, path, payload
):
    client.force_login(iranian.person)
    url = path.format(event=event.pk, request=meeting.request_id, meeting=meeting.pk)
    response = client.post(url, payload, content_type="application/json")
    assert 400 <= response.status_code < 500, (url, payload, response.content)
    for path in [
        "/api/events/99999999999999999999999",
        "/api/meetings/99999999999999999999999",
        "/api/meeting-requests/99999999999999999999999",
        "/api/events?page=99999999999999999999999",
    ]:
        assert 400 <= client.get(path).status_code < 500, path
