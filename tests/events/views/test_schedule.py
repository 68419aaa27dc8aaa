"""The organiser's schedule page: its wording, and the schedule as an XLSX workbook."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from karvan.events.models import Meeting, Slot
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting
from tests.dates import fair_day
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(event, organiser, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=2)
    return meeting


def test_the_schedule_downloads_as_a_workbook_with_times_in_the_events_zone(
    client, organiser, event, placed
):
    organiser.language = "fa"
    organiser.save()
    client.force_login(organiser)
    response = client.get(reverse("events:schedule_export", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    with translation.override("fa"):
        assert sheet.cell(1, 1).value == translation.gettext("Day")
    assert sheet.sheet_view.rightToLeft
    day, starts, ends, zone, table = (sheet.cell(2, column).value for column in range(1, 6))
    assert day.date() == fair_day()
    assert (starts, ends, zone) == (datetime.time(9, 0), datetime.time(9, 30), "Asia/Shanghai")
    assert table == "2"
    assert sheet.max_row == 2


def test_an_outsider_cannot_download_the_schedule(client, event, placed):
    client.force_login(MembershipFactory().user)
    response = client.get(reverse("events:schedule_export", args=[event.pk]))
    assert response.status_code == 404


def test_the_scheduler_page_speaks_of_meetings_not_of_solver_figures(client, organiser, event):
    organiser.language = "en"
    organiser.save()
    client.force_login(organiser)
    page = client.get(reverse("events:schedule", args=[event.pk])).content.decode()
    assert "Plan the meetings" in page and "Download the schedule (XLSX)" in page
    assert "Time limit" not in page and "weighted" not in page
