"""The B2B meetings' charts on the center's dashboard: requested, held, rated, attendance."""

import datetime

import pytest

from karvan.core.charts import Filters, get_chart_spec
from karvan.events.models import Meeting, MeetingParticipant, Slot
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.events.conftest import participant

pytestmark = pytest.mark.django_db


def _meeting(sender, recipient):
    request = send_meeting_request(
        actor=sender.person, sender=sender, recipient=recipient, reason="x"
    )
    accept_meeting_request(actor=recipient.person, request=request)
    return Meeting.objects.get(request=request)


def test_meetings_requested_held_and_rated(event, organiser, iranian, chinese, time_machine):
    held = _meeting(iranian, chinese)
    slots = list(Slot.objects.filter(session__event=event).order_by("starts_at"))
    move_meeting(actor=organiser, meeting=held, slot=slots[0], table=1)
    missed = _meeting(iranian, participant(event, organiser, country="CN"))
    move_meeting(actor=organiser, meeting=missed, slot=slots[1], table=1)
    publish_schedule(actor=organiser, event=event)
    send_meeting_request(
        actor=chinese.person,
        sender=chinese,
        recipient=participant(event, organiser, country="IR"),
        reason="y",
    )  # requested, not answered

    time_machine.move_to(slots[-1].ends_at + datetime.timedelta(hours=1))
    MeetingParticipant.objects.filter(meeting=missed).exclude(registration=iranian).update(
        is_no_show=True
    )
    MeetingParticipant.objects.filter(meeting=held, registration=iranian).update(
        outcome=MeetingParticipant.Outcome.FOLLOW_UP, feedback_at=slots[-1].ends_at
    )

    stages = dict(get_chart_spec("meetings-requested-held-rated").compute(Filters()))
    assert list(stages.values()) == [3.0, 2.0, 2.0, 1.0, 1.0]
    outcomes = dict(get_chart_spec("meeting-outcomes").compute(Filters()))
    assert outcomes[str(MeetingParticipant.Outcome.FOLLOW_UP.label)] == 1.0
    attendance = get_chart_spec("meeting-attendance").compute(Filters())
    assert [value for _label, value in attendance] == [3.0, 1.0]
    # Only the Iranian side's requests: two of the three were sent from Iran.
    assert (
        dict(get_chart_spec("meetings-requested-held-rated").compute(Filters("IR")))["Requested"]
        == 2.0
    )
