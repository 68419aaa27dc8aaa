"""Another organisation cannot see or change registrations, requests, meetings, video links or
agendas; only organisers run, move and publish the schedule."""

import datetime

import pytest
from django.urls import reverse

from karvan.events.models import Meeting, MeetingRequest, Registration, Slot
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(event, organiser, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="Saffron"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    return meeting


@pytest.mark.parametrize(
    "url",
    [
        lambda m, r: reverse("events:registration", args=[r.pk]),
        lambda m, r: reverse("events:agenda", args=[r.pk]),
        lambda m, r: reverse("events:badge", args=[r.pk]),
        lambda m, r: reverse("events:request", args=[m.request_id]),
        lambda m, r: reverse("events:meeting", args=[m.pk]),
        lambda m, r: reverse("events:meeting_ics", args=[m.pk]),
        lambda m, r: reverse("events:schedule", args=[m.event_id]),
        lambda m, r: reverse("events:registrations", args=[m.event_id]),
        lambda m, r: reverse("events:check_in", args=[m.event_id]),
        lambda m, r: reverse("events:table_plan", args=[m.event_id]),
    ],
)
def test_an_outsider_sees_nothing(client, meeting, iranian, url):
    client.force_login(MembershipFactory().user)
    assert client.get(url(meeting, iranian)).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("events:registration_reject", {"reason": "x"}),
        ("events:registration_approve", {}),
        ("events:registration_cancel", {}),
    ],
)
def test_an_outsider_cannot_change_a_registration(client, iranian, name, data):
    client.force_login(MembershipFactory().user)
    assert client.post(reverse(name, args=[iranian.pk]), data).status_code == 404
    iranian.refresh_from_db()
    assert iranian.status == Registration.Status.APPROVED


def test_an_outsider_cannot_answer_a_request(client, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
    )
    client.force_login(MembershipFactory().user)
    response = client.post(reverse("events:request_accept", args=[request.pk]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_a_participant_cannot_move_or_publish(client, meeting, iranian):
    client.force_login(iranian.person)
    slot = Slot.objects.last()
    response = client.post(reverse("events:meeting_move", args=[meeting.pk]), {"slot": slot.pk})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.slot != slot
    for name in ("events:schedule_run", "events:schedule_publish"):
        assert client.post(reverse(name, args=[meeting.event_id])).status_code == 404


def test_the_video_link_shows_only_to_the_meetings_people_and_only_shortly_before(
    client, organiser, event, meeting, iranian, settings, time_machine
):
    settings.KARVAN_JITSI_URL = "https://meet.example.test"
    event.kind = "online_matchmaking"
    event.save()
    start = meeting.slot.starts_at
    time_machine.move_to(start - datetime.timedelta(hours=2))
    iranian.person.language = "en"
    iranian.person.save()
    client.force_login(iranian.person)
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert "meet.example.test" not in page and "video room opens" in page
    time_machine.move_to(start - datetime.timedelta(minutes=5))
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert f"https://meet.example.test/karvan-{meeting.room_name}" in page
    colleague = MembershipFactory(organisation=iranian.organisation).user
    client.force_login(colleague)
    assert (
        meeting.room_name
        not in client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    )
    client.force_login(organiser)
    assert (
        meeting.room_name
        not in client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    )


def test_without_a_video_server_the_meeting_page_says_so_and_links_nowhere(
    client, meeting, iranian, settings, time_machine
):
    settings.KARVAN_JITSI_URL = ""
    event = meeting.event
    event.kind = "online_matchmaking"
    event.save()
    time_machine.move_to(meeting.slot.starts_at - datetime.timedelta(minutes=5))
    iranian.person.language = "en"
    iranian.person.save()
    client.force_login(iranian.person)
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert "no video meeting server yet" in page
    assert meeting.room_name not in page and 'id="video-link"' not in page


def test_the_calendar_feed_needs_the_secret_token(client, meeting, iranian):
    assert client.get(reverse("events:calendar_feed", args=["not-the-token"])).status_code == 404
    response = client.get(reverse("events:calendar_feed", args=[iranian.calendar_token]))
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content


def test_unpublished_meetings_stay_hidden_from_participants(
    client, event, organiser, iranian, chinese
):
    request = send_meeting_request(
        actor=chinese.person, sender=chinese, recipient=iranian, reason=""
    )
    accept_meeting_request(actor=iranian.person, request=request)
    meeting = Meeting.objects.get(request=request)
    client.force_login(iranian.person)
    assert client.get(reverse("events:meeting", args=[meeting.pk])).status_code == 404
    client.force_login(organiser)
    assert client.get(reverse("events:meeting", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "events:edit",
        "events:sessions",
        "events:registrations",
        "events:schedule",
        "events:schedule_progress",
        "events:table_plan",
        "events:check_in",
    ],
)
def test_a_participant_is_not_the_organiser(client, event, iranian, name):
    client.force_login(iranian.person)
    assert client.get(reverse(name, args=[event.pk])).status_code == 404


def test_an_outsider_cannot_change_the_event_or_check_people_in(client, event, iranian):
    client.force_login(MembershipFactory().user)
    url = reverse("events:status", args=[event.pk])
    assert client.post(url, {"status": "cancelled"}).status_code == 404
    check_in = reverse("events:check_in", args=[event.pk])
    assert client.post(check_in, {"code": iranian.badge_code}).status_code == 404
    event.refresh_from_db()
    iranian.refresh_from_db()
    assert event.status == "published" and iranian.checked_in_at is None


def test_drafts_are_the_organisers_own(client, event, organiser):
    event.status = "draft"
    event.save()
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
    assert client.get("/api/events").json()["count"] == 0
    client.force_login(organiser)
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200
