import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from karvan.core.models import HsCode
from karvan.events.models import Event, Meeting, MeetingParticipant
from karvan.events.partners import list_suggested_partners
from karvan.events.selectors import (
    get_video_room,
    list_delegations,
    list_meeting_requests,
    list_registrations,
    summarise_outcomes,
)
from karvan.events.services.delegations import create_delegation
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.events.conftest import participant
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_suggestions_fall_back_to_shared_hs_chapters_and_skip_those_already_asked(
    event, organiser, iranian
):
    pistachios = HsCode.objects.filter(code__startswith="0802").first()
    machines = HsCode.objects.filter(code__startswith="8422").first()
    iranian.organisation.products.set([pistachios])
    importer = participant(event, organiser, country="CN")
    importer.organisation.products.set([HsCode.objects.filter(code__startswith="08").last()])
    packer = participant(event, organiser, country="CN")
    packer.organisation.products.set([machines])
    suggested = list_suggested_partners(viewer=iranian.person, registration=iranian)
    assert suggested[0] == importer and packer not in suggested
    send_meeting_request(actor=iranian.person, sender=iranian, recipient=importer, reason="")
    assert importer not in list_suggested_partners(viewer=iranian.person, registration=iranian)


def test_people_see_their_own_organisations_registrations_and_requests_only(
    event, organiser, iranian, chinese
):
    third = participant(event, organiser, country="CN")
    send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="")
    outsider = third.person
    assert list(list_registrations(viewer=outsider)) == [third]
    assert not list_meeting_requests(viewer=outsider).exists()
    assert list_meeting_requests(viewer=chinese.person).count() == 1
    assert list_registrations(viewer=organiser, event=event).count() == 3
    assert not list_registrations(viewer=MembershipFactory().user).exists()


def test_outcomes_feed_the_events_figures(event, organiser, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=event.sessions.get().slots.first())
    publish_schedule(actor=organiser, event=event)
    MeetingParticipant.objects.filter(registration=iranian).update(outcome="agreement")
    MeetingParticipant.objects.filter(registration=chinese).update(is_no_show=True)
    figures = summarise_outcomes(event=event)
    assert (figures["meetings"], figures["agreement"], figures["no_shows"]) == (1, 1, 1)


def test_delegations_are_listed_as_the_viewer_may_see_them(client, event, organiser, iranian):
    leader = MembershipFactory()
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="Leaders"
    )
    outsider = MembershipFactory().user
    viewers = [leader.user, organiser, outsider, AnonymousUser()]
    managed = [
        [row.is_managed for row in list_delegations(viewer=viewer, event=event)]
        for viewer in viewers
    ]
    assert managed == [[True], [True], [False], [False]]
    link = reverse("events:delegation", args=[delegation.pk])
    client.force_login(leader.user)
    assert link in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    client.force_login(outsider)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Leaders" in page and link not in page
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    event.refresh_from_db()
    assert not list_delegations(viewer=outsider, event=event).exists()
    assert list(list_delegations(viewer=organiser, event=event)) == [delegation]


@pytest.fixture
def online_meeting(event, organiser, iranian, chinese):
    Event.objects.filter(pk=event.pk).update(kind=Event.Kind.ONLINE_MATCHMAKING)
    event.refresh_from_db()
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=event.sessions.first().slots.first())
    publish_schedule(actor=organiser, event=event)
    meeting.refresh_from_db()
    return meeting


def test_the_video_room_opens_before_the_start_and_closes_at_the_end(
    settings, online_meeting, iranian, organiser
):
    settings.KARVAN_JITSI_URL = "https://meet.example"
    settings.KARVAN_VIDEO_OPENS_MINUTES = 15
    starts, ends = online_meeting.slot.starts_at, online_meeting.slot.ends_at
    person = iranian.person
    early = get_video_room(
        viewer=person, meeting=online_meeting, now=starts - datetime.timedelta(minutes=16)
    )
    assert early is not None and not early.is_open and early.url == ""
    assert early.opens_at == starts - datetime.timedelta(minutes=15) and early.closes_at == ends
    room = get_video_room(
        viewer=person, meeting=online_meeting, now=starts - datetime.timedelta(minutes=15)
    )
    assert room.is_open and room.url == f"https://meet.example/karvan-{online_meeting.room_name}"
    assert get_video_room(viewer=person, meeting=online_meeting, now=ends) is None
    # The organiser and a colleague of a participant never get the link.
    colleague = MembershipFactory(organisation=iranian.organisation).user
    for viewer in (organiser, colleague):
        assert get_video_room(viewer=viewer, meeting=online_meeting, now=starts) is None
    settings.KARVAN_JITSI_URL = ""
    closed = get_video_room(viewer=person, meeting=online_meeting, now=starts)
    assert closed is not None and not closed.is_open and closed.url == ""


def test_the_meeting_page_shows_the_video_link_only_inside_the_window(
    client, settings, online_meeting, iranian
):
    settings.KARVAN_JITSI_URL = "https://meet.example"
    url = reverse("events:meeting", args=[online_meeting.pk])
    starts = online_meeting.slot.starts_at
    with time_machine.travel(starts - datetime.timedelta(hours=1), tick=False):
        client.force_login(iranian.person)  # on the day: a session weeks old would have expired
        assert 'id="video-link"' not in client.get(url).content.decode()
    with time_machine.travel(starts, tick=False):
        assert 'id="video-link"' in client.get(url).content.decode()
