"""The center's dashboard charts of B2B meetings, registered from `EventsConfig.ready()`.

A meeting is *held* once its slot is over and nobody in it was marked as a no-show; it is *rated*
when at least one participant reported its outcome.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from karvan.core.charts import ChartSpec, Filters, Rows, per_month, register_chart
from karvan.events.models import Meeting, MeetingParticipant, MeetingRequest


def _requests(filters: Filters) -> QuerySet[MeetingRequest]:
    rows = MeetingRequest.objects.all()
    if filters.country:
        rows = rows.filter(sender__organisation__country=filters.country)
    return rows


def _meetings(filters: Filters) -> QuerySet[Meeting]:
    rows = Meeting.objects.all()
    if filters.country:
        rows = rows.filter(
            Exists(
                MeetingParticipant.objects.filter(
                    meeting=OuterRef("pk"), registration__organisation__country=filters.country
                )
            )
        )
    return rows


def meeting_requests_by_month(filters: Filters) -> Rows:
    return per_month(_requests(filters), "created_at", filters)


def meetings_requested_held_and_rated(filters: Filters) -> Rows:
    """From request to outcome, within the dashboard's span."""
    requests = _requests(filters).filter(created_at__gte=filters.since)
    meetings = _meetings(filters).filter(created_at__gte=filters.since)
    scheduled = meetings.filter(status=Meeting.Status.SCHEDULED, slot__isnull=False)
    held = scheduled.filter(slot__ends_at__lte=timezone.now()).exclude(
        Exists(MeetingParticipant.objects.filter(meeting=OuterRef("pk"), is_no_show=True))
    )
    rated = meetings.filter(
        Exists(MeetingParticipant.objects.filter(meeting=OuterRef("pk")).exclude(outcome=""))
    )
    return [
        (str(_("Requested")), float(requests.count())),
        (str(_("Accepted")), float(requests.filter(status=MeetingRequest.Status.ACCEPTED).count())),
        (str(_("Scheduled")), float(scheduled.count())),
        (str(_("Held")), float(held.count())),
        (str(_("Rated")), float(rated.count())),
    ]


def meeting_outcomes(filters: Filters) -> Rows:
    """What participants reported after their meetings."""
    rows = MeetingParticipant.objects.exclude(outcome="").filter(feedback_at__gte=filters.since)
    if filters.country:
        rows = rows.filter(registration__organisation__country=filters.country)
    counts = {row["outcome"]: row["n"] for row in rows.values("outcome").annotate(n=Count("pk"))}
    return [
        (str(label), float(counts.get(value, 0)))
        for value, label in MeetingParticipant.Outcome.choices
    ]


def meeting_attendance(filters: Filters) -> Rows:
    """Participants of past meetings who came, and those marked as no-shows."""
    rows = MeetingParticipant.objects.filter(
        meeting__slot__starts_at__gte=filters.since,
        meeting__slot__ends_at__lte=timezone.now(),
        meeting__status=Meeting.Status.SCHEDULED,
    )
    if filters.country:
        rows = rows.filter(registration__organisation__country=filters.country)
    counts = rows.aggregate(
        came=Count("pk", filter=Q(is_no_show=False)), missed=Count("pk", filter=Q(is_no_show=True))
    )
    return [
        (str(_("Came")), float(counts["came"])),
        (str(_("Did not come")), float(counts["missed"])),
    ]


def register_charts() -> None:
    section = _("B2B meetings")
    count = _("Count")
    for spec in (
        ChartSpec(
            "meeting-requests-by-month",
            section,
            _("Meeting requests by month"),
            "column",
            _("Month"),
            count,
            meeting_requests_by_month,
        ),
        ChartSpec(
            "meetings-requested-held-rated",
            section,
            _("Meetings requested, held and rated"),
            "bar",
            _("Stage"),
            count,
            meetings_requested_held_and_rated,
        ),
        ChartSpec(
            "meeting-outcomes",
            section,
            _("Outcomes reported after meetings"),
            "bar",
            _("Outcome"),
            _("Participants"),
            meeting_outcomes,
        ),
        ChartSpec(
            "meeting-attendance",
            section,
            _("Attendance at past meetings"),
            "bar",
            _("Attendance"),
            _("Participants"),
            meeting_attendance,
        ),
    ):
        register_chart(spec)
