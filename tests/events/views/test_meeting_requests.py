"""Answering a meeting request through its page."""

import pytest
import time_machine
from django.urls import reverse

from karvan.events.models import Event, Meeting, Slot
from karvan.events.services.meeting_requests import send_meeting_request
from tests.dates import before_the_fair

pytestmark = pytest.mark.django_db


def test_a_participant_accepts_in_a_slot_of_their_choice(client, event, iranian, chinese):
    Event.objects.filter(pk=event.pk).update(scheduling_mode=Event.SchedulingMode.PARTICIPANTS)
    with time_machine.travel(before_the_fair()):
        request = send_meeting_request(
            actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
        )
        chosen = Slot.objects.filter(session__event=event)[2]
        client.force_login(chinese.person)
        url = reverse("events:request", args=[request.pk])
        assert f'value="{chosen.pk}"' in client.get(url).content.decode()
        client.post(reverse("events:request_accept", args=[request.pk]), {"slot": chosen.pk})
    meeting = Meeting.objects.get(request=request)
    assert (meeting.slot, meeting.is_published) == (chosen, True)
