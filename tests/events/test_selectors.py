import pytest

from karvan.core.models import HsCode
from karvan.events.models import Meeting, MeetingParticipant
from karvan.events.selectors import (
    list_meeting_requests,
    list_registrations,
    suggest_partners,
    summarise_outcomes,
)
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
    suggested = suggest_partners(viewer=iranian.person, registration=iranian)
    assert suggested[0] == importer and packer not in suggested
    send_meeting_request(actor=iranian.person, sender=iranian, recipient=importer, reason="")
    assert importer not in suggest_partners(viewer=iranian.person, registration=iranian)


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
