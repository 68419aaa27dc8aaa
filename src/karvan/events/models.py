"""Events (fairs, online matchmaking days, signing ceremonies), their sessions and slots, who takes
part, the meetings they ask for, and the schedule that places those meetings into slots and tables.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from karvan.accounts.models import validate_time_zone
from karvan.core.models import TimeStampedModel
from karvan.core.text import MultilingualTextField, localize
from karvan.directory.models import Organisation


def new_token() -> str:
    """An unguessable token for secret links (badge codes, calendar feeds, video rooms)."""
    return secrets.token_urlsafe(24)


def new_badge_code() -> str:
    """A short code printed under the badge's QR code, easy to type: 10 characters, no 0/O/1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Holiday(models.Model):
    """A public holiday in a country, or a weekend day made a working day (as China does).

    Shipped as data (`events/data/holidays.json`, loaded by `karvan load_holidays`) and edited by
    staff in the admin; slot generation reads it.
    """

    country = models.CharField(_("country"), max_length=2)
    observed_on = models.DateField(_("date"))
    name = MultilingualTextField(_("name"))
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("A weekend day on which people work, in exchange for a holiday."),
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["country", "observed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "observed_on"], name="events_holiday_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.observed_on}: {self.display_name}"

    @property
    def display_name(self) -> str:
        return localize(self.name, get_language() or "en", original="en")[0]


class Event(TimeStampedModel):
    class Kind(models.TextChoices):
        FAIR = "fair", _("Fair")
        ONLINE_MATCHMAKING = "online_matchmaking", _("Online matchmaking day")
        SIGNING_CEREMONY = "signing_ceremony", _("Signing ceremony")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for registration")
        CLOSED = "closed", _("Registration closed")
        CANCELLED = "cancelled", _("Cancelled")

    class RequestMode(models.TextChoices):
        OPT_IN = "opt_in", _("The recipient accepts or declines")
        AUTOMATIC = "automatic", _("Requests are accepted automatically")

    class SchedulingMode(models.TextChoices):
        PARTICIPANTS = "participants", _("Participants pick a free slot when they accept")
        ORGANISER = "organiser", _("The organiser runs the scheduler")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = MultilingualTextField(_("title"))
    description = MultilingualTextField(_("description"))
    original_language = models.CharField(_("language"), max_length=10, default="en")
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    countries = models.JSONField(
        _("participating countries"),
        default=list,
        blank=True,
        help_text=_("Country codes whose weekends and holidays the slots respect, e.g. IR, CN."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    request_mode = models.CharField(
        _("meeting requests"),
        max_length=10,
        choices=RequestMode.choices,
        default=RequestMode.OPT_IN,
    )
    scheduling_mode = models.CharField(
        _("scheduling"),
        max_length=12,
        choices=SchedulingMode.choices,
        default=SchedulingMode.ORGANISER,
    )
    request_expiry_hours = models.PositiveIntegerField(
        _("unanswered requests expire after (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    schedule_published_at = models.DateTimeField(_("schedule published"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="events_event_days_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return localize(self.title, get_language() or "en", original=self.original_language)[0]

    @property
    def is_online(self) -> bool:
        return self.kind == self.Kind.ONLINE_MATCHMAKING

    @property
    def is_open_for_registration(self) -> bool:
        return self.status == self.Status.PUBLISHED


class MeetingPoint(models.Model):
    """A named table, booth or meeting point of an event's venue (numbered from 1)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_points")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("table or meeting point")
        verbose_name_plural = _("tables and meeting points")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"], name="events_meeting_point_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """A half day of meetings: slots of `meeting_minutes`, `break_minutes` apart."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    break_minutes = models.PositiveSmallIntegerField(
        _("break between meetings (minutes)"), default=5, validators=[MaxValueValidator(120)]
    )
    tables = models.PositiveSmallIntegerField(
        _("tables"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("How many meetings can run at once (ignored for online meetings)."),
    )
    hold_on_holidays = models.BooleanField(
        _("hold on holidays and weekends"),
        default=False,
        help_text=_("Generate slots even when the day is a weekend or holiday somewhere."),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["event", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="events_session_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title or timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")


class Slot(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "starts_at"], name="events_slot_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")


class Delegation(TimeStampedModel):
    """A group of organisations travelling together, led by one (ISIPO leading Iranian SMEs)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    leader = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="led_delegations",
        verbose_name=_("leading organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        Organisation, blank=True, related_name="delegations", verbose_name=_("member organisations")
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "leader"], name="events_one_delegation_each"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:delegation", args=[self.pk])


class DelegationInvitation(TimeStampedModel):
    """A delegation's leader asks an organisation to join; one of its managers (owner or
    administrator) accepts or declines. Only an accepted invitation makes the organisation a
    member, and only a member's people may be registered by the delegation's leader."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="delegation_invitations",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delegation invitation")
        verbose_name_plural = _("delegation invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "organisation"],
                condition=Q(status="pending"),
                name="events_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegation} → {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("events:invitation", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Registration(TimeStampedModel):
    """A person taking part in an event for an organisation, in the sessions they chose."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="event_registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("delegation"),
    )
    sessions = models.ManyToManyField(
        Session, blank=True, related_name="registrations", verbose_name=_("sessions")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    badge_code = models.CharField(max_length=16, unique=True, default=new_badge_code)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "organisation", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="events_registration_one_per_person"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class MeetingRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="requests_received"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    expires_at = models.DateTimeField(_("expires"))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="events_request_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="events_request_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("events:request", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def unschedule_meetings(collector, field, sub_objs, using) -> None:  # noqa: ANN001
    """`on_delete` of a meeting's slot: a meeting whose slot goes (the event deleted, a session
    removed in the admin) keeps its people but is no longer scheduled, nor published."""
    model = field.model
    # In this order: the updates run one by one, and a scheduled meeting must keep a slot.
    collector.add_field_update(model._meta.get_field("status"), model.Status.UNSCHEDULED, sub_objs)
    collector.add_field_update(model._meta.get_field("is_published"), False, sub_objs)
    collector.add_field_update(model._meta.get_field("table"), None, sub_objs)
    collector.add_field_update(field, None, sub_objs)


# Like SET_NULL: the rows are updated, never loaded. Django reads this flag off the function, and
# mypy allows no attribute set on a function.
unschedule_meetings.lazy_sub_objs = True  # type: ignore[attr-defined]


class Meeting(TimeStampedModel):
    """A meeting between two (sometimes more) registrations, placed in a slot and at a table."""

    class Status(models.TextChoices):
        UNSCHEDULED = "unscheduled", _("Not scheduled yet")
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(
        MeetingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting"
    )
    participants = models.ManyToManyField(
        Registration, through="MeetingParticipant", related_name="meetings"
    )
    slot = models.ForeignKey(
        Slot, on_delete=unschedule_meetings, null=True, blank=True, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNSCHEDULED
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    is_published = models.BooleanField(_("published"), default=False)
    unplaced_reason = models.CharField(max_length=24, blank=True)
    room_name = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__starts_at", "table", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(table__isnull=False, status="scheduled"),
                name="events_meeting_one_per_table",
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled", slot__isnull=False) | ~Q(status="scheduled"),
                name="events_meeting_scheduled_has_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Meeting')} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("events:meeting", args=[self.pk])

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED and self.slot_id is not None


class MeetingParticipant(models.Model):
    """One registration in one meeting: attendance, the outcome they report, their reminder."""

    class Outcome(models.TextChoices):
        NO_INTEREST = "no_interest", _("No interest")
        FOLLOW_UP = "follow_up", _("Follow-up planned")
        AGREEMENT_EXPECTED = "agreement", _("Agreement expected")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    is_no_show = models.BooleanField(_("did not come"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    feedback = models.TextField(_("notes"), max_length=2000, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="events_participant_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.meeting_id}"


class ScheduleRun(TimeStampedModel):
    """One run of the scheduler over an event's accepted meetings, its progress and its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=200, blank=True)
    time_limit = models.PositiveIntegerField(default=30)
    placed = models.PositiveIntegerField(default=0)
    unplaced = models.PositiveIntegerField(default=0)
    weighted = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(default=0)
    idle_gaps = models.PositiveIntegerField(default=0)
    solver_status = models.CharField(max_length=20, blank=True)
    seconds = models.FloatField(default=0.0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
