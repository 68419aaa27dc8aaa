"""Setting an event up: the event itself, its sessions and their slots, meeting points and
the holidays that keep slots off a country's days off."""

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db import transaction

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.events.calendar import country_calendars, days_off, slot_times
from karvan.events.errors import (
    InvalidEventDatesError,
    InvalidSessionError,
    SessionInUseError,
)
from karvan.events.models import (
    Event,
    Holiday,
    Meeting,
    MeetingPoint,
    Session,
    Slot,
)
from karvan.events.permissions import (
    can_create_event_for,
)
from karvan.events.selectors import (
    get_holiday_table,
    list_event_countries,
)
from karvan.events.services.common import require_organiser

EVENT_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "original_language",
        "venue",
        "city",
        "time_zone",
        "countries",
        "starts_on",
        "ends_on",
        "request_mode",
        "scheduling_mode",
        "request_expiry_hours",
    }
)


def _apply_event_changes(event: Event, data: Mapping[str, object]) -> None:
    unknown = set(data) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name in EVENT_FIELDS & set(data):
        value = data[name]
        if name == "countries":
            value = [str(code).strip().upper() for code in value if str(code).strip()]  # type: ignore[attr-defined]
        if name in {"venue", "city"}:
            value = str(value or "").strip()
        setattr(event, name, value)
    if event.starts_on and event.ends_on and event.starts_on > event.ends_on:
        raise InvalidEventDatesError(field="ends_on")


@transaction.atomic
def create_event(*, actor: User, organiser: Organisation, data: Mapping[str, object]) -> Event:
    """Draft an event organised by one of the actor's organisations."""
    if not can_create_event_for(actor, organiser.pk):
        raise NotAllowedError()
    event = Event(organiser=organiser)
    if "countries" not in data:
        event.countries = list(settings.KARVAN_CORRIDOR)
    _apply_event_changes(event, data)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def update_event(*, actor: User, event: Event, data: Mapping[str, object]) -> Event:
    """Change an event's details (the fields of EVENT_FIELDS). Raises InvalidEventDatesError."""
    require_organiser(actor, event)
    _apply_event_changes(event, data)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def set_event_status(*, actor: User, event: Event, status: str) -> Event:
    """Open registration (publish), close it, or cancel the event."""
    require_organiser(actor, event)
    event.status = Event.Status(status)
    event.save(update_fields=["status", "updated_at"])
    return event


def _session_times(event: Event, data: Mapping[str, object]) -> tuple[datetime.datetime, ...]:
    """A session's day and local start and end times, in the event's zone, as UTC moments."""
    zone = zoneinfo.ZoneInfo(event.time_zone)
    day = data["day"]
    start = datetime.datetime.combine(day, data["start_time"], tzinfo=zone)  # type: ignore[arg-type]
    end = datetime.datetime.combine(day, data["end_time"], tzinfo=zone)  # type: ignore[arg-type]
    if not (event.starts_on <= day <= event.ends_on) or end <= start:  # type: ignore[operator]
        raise InvalidSessionError(field="end_time")
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


@transaction.atomic
def add_session(*, actor: User, event: Event, data: Mapping[str, object]) -> Session:
    """Add a half day (day, local start and end, meeting length, break, tables) and its slots."""
    require_organiser(actor, event)
    starts_at, ends_at = _session_times(event, data)
    session = Session(
        event=event,
        title=str(data.get("title") or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        meeting_minutes=int(data.get("meeting_minutes") or 30),  # type: ignore[call-overload]
        break_minutes=int(data.get("break_minutes") or 0),  # type: ignore[call-overload]
        tables=int(data.get("tables") or 1),  # type: ignore[call-overload]
        hold_on_holidays=bool(data.get("hold_on_holidays")),
    )
    session.full_clean()
    session.save()
    generate_slots(session=session)
    return session


@transaction.atomic
def delete_session(*, actor: User, session: Session) -> None:
    """Delete a session and its slots. Raises SessionInUseError while meetings are scheduled
    in it."""
    require_organiser(actor, session.event)
    if Meeting.objects.filter(slot__session=session, status=Meeting.Status.SCHEDULED).exists():
        raise SessionInUseError()
    session.delete()


def generate_slots(*, session: Session) -> list[Slot]:
    """(Re)make a session's slots, leaving out those on a participating country's weekend or
    holiday unless the session is held anyway. Refuses while meetings are scheduled in it."""
    if Meeting.objects.filter(slot__session=session, status=Meeting.Status.SCHEDULED).exists():
        raise SessionInUseError()
    event = session.event
    times = slot_times(
        session.starts_at,
        session.ends_at,
        meeting_minutes=session.meeting_minutes,
        break_minutes=session.break_minutes,
    )
    if not session.hold_on_holidays and times:
        countries = list_event_countries(event)
        calendars = country_calendars(
            countries, profiles=settings.KARVAN_COUNTRY_PROFILES, fallback_zone=event.time_zone
        )
        table = get_holiday_table(
            countries=countries, first=session.starts_at.date(), last=session.ends_at.date()
        )
        times = [
            (start, end)
            for start, end in times
            if not days_off(start, end, calendars=calendars, holidays=table)
        ]
    session.slots.all().delete()
    return Slot.objects.bulk_create(
        Slot(session=session, starts_at=start, ends_at=end) for start, end in times
    )


@transaction.atomic
def set_meeting_points(*, actor: User, event: Event, names: Sequence[str]) -> list[MeetingPoint]:
    """Name the tables, booths or meeting points (one name a line; numbered in order)."""
    require_organiser(actor, event)
    event.meeting_points.all().delete()
    return MeetingPoint.objects.bulk_create(
        MeetingPoint(event=event, number=number, name=name.strip()[:100])
        for number, name in enumerate([n for n in names if n.strip()], start=1)
    )


def load_holidays(*, rows: Iterable[Mapping[str, object]]) -> int:
    """Load holiday rows (country, date, name, is_working_day), keyed by country and day."""
    count = 0
    with transaction.atomic():
        for row in rows:
            Holiday.objects.update_or_create(
                country=str(row["country"]).upper(),
                observed_on=datetime.date.fromisoformat(str(row["date"])),
                defaults={"name": row["name"], "is_working_day": bool(row["is_working_day"])},
            )
            count += 1
    return count
