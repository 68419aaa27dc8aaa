"""The demo's events: a CISMEF fair in Guangzhou with the Iranian delegation led by ISIPO, and an
online Tehran–Shanghai matchmaking day, with registrations, requests in every state and a
published schedule. Loaded through the events services, once (keyed by DemoRecord)."""

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from karvan.accounts.models import User
from karvan.demo.models import DemoRecord
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.events.models import Event, Holiday, MeetingRequest, Registration
from karvan.events.scheduling import run_schedule, start_schedule_run
from karvan.events.selectors import list_free_slots
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    invite_to_delegation,
)
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    expire_meeting_requests,
    send_meeting_request,
)
from karvan.events.services.meetings import publish_schedule
from karvan.events.services.registrations import (
    approve_registration,
    register_person,
    reject_registration,
)
from karvan.events.services.setup import (
    add_session,
    create_event,
    load_holidays,
    set_event_status,
    set_meeting_points,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
HOLIDAYS = Path(__file__).resolve().parents[1] / "events" / "data" / "holidays.json"
WEEKS_AHEAD = 5
TUESDAY = 1  # Monday is 0
COUNTRIES = ["IR", "CN"]


def day_zero(entries: list[dict], *, today: datetime.date) -> datetime.date:
    """The day the demo's event days count from: the first Tuesday `WEEKS_AHEAD` weeks or more
    after `today` on which no event day is a holiday in either country (events are then ahead of
    whoever loads the demo, whenever, and their sessions have slots)."""
    offsets = {
        int(day)
        for entry in entries
        for day in (
            *range(entry["starts_on_day"], entry["ends_on_day"] + 1),
            *(session["day"] for session in entry["sessions"]),
        )
    }
    day = today + datetime.timedelta(weeks=WEEKS_AHEAD)
    day += datetime.timedelta(days=(TUESDAY - day.weekday()) % 7)
    while Holiday.objects.filter(
        country__in=COUNTRIES,
        is_working_day=False,
        observed_on__in=[day + datetime.timedelta(days=offset) for offset in offsets],
    ).exists():
        day += datetime.timedelta(weeks=1)
    return day


def _organisation(key: str) -> Organisation:
    record = DemoRecord.objects.get(key=f"organisation:{key}")
    return Organisation.objects.get(pk=record.object_id)


def _first_member(organisation: Organisation) -> User:
    return memberships.members_of(organisation.pk).earliest("pk").user


def _first_manager(organisation: Organisation) -> User:
    return (
        memberships.members_of(organisation.pk, roles=memberships.MANAGER_ROLES).earliest("pk").user
    )


def _event(entry: dict, zero: datetime.date) -> Event:
    actor = User.objects.get(email=entry["actor"])
    event = create_event(
        actor=actor,
        organiser=_organisation(entry["organiser"]),
        data={
            name: entry[name]
            for name in (
                "kind",
                "title",
                "description",
                "original_language",
                "venue",
                "city",
                "time_zone",
                "request_mode",
                "scheduling_mode",
            )
        }
        | {
            "starts_on": zero + datetime.timedelta(days=entry["starts_on_day"]),
            "ends_on": zero + datetime.timedelta(days=entry["ends_on_day"]),
            "countries": list(COUNTRIES),
        },
    )
    for session in entry["sessions"]:
        add_session(
            actor=actor,
            event=event,
            data={
                "title": session["title"],
                "day": zero + datetime.timedelta(days=session["day"]),
                "start_time": datetime.time.fromisoformat(session["start"]),
                "end_time": datetime.time.fromisoformat(session["end"]),
                "meeting_minutes": session["meeting"],
                "break_minutes": session["break"],
                "tables": session["tables"],
            },
        )
    set_meeting_points(actor=actor, event=event, names=entry["meeting_points"])
    set_event_status(actor=actor, event=event, status=Event.Status.PUBLISHED)
    return event


def _registrations(event: Event, entry: dict, organiser: User) -> dict[str, Registration]:
    registrations: dict[str, Registration] = {}
    delegation_entry = entry.get("delegation")
    if delegation_entry:
        leader_actor = User.objects.get(email=delegation_entry["actor"])
        delegation = create_delegation(
            actor=leader_actor,
            event=event,
            leader=_organisation(delegation_entry["leader"]),
            name=delegation_entry["name"],
        )
        for key in delegation_entry["members"]:
            # Each organisation joins as it would on the site: invited by the leader, accepted
            # by one of its managers.
            organisation = _organisation(key)
            invitation = invite_to_delegation(
                actor=leader_actor, delegation=delegation, organisation=organisation
            )
            accept_delegation_invitation(actor=_first_manager(organisation), invitation=invitation)
        registrations[delegation_entry["leader"]] = register_person(
            actor=leader_actor,
            event=event,
            organisation=delegation.leader,
            person=leader_actor,
            delegation=delegation,
        )
        for key in delegation_entry["members"]:
            organisation = _organisation(key)
            registrations[key] = register_person(
                actor=leader_actor,
                event=event,
                organisation=organisation,
                person=_first_member(organisation),
                delegation=delegation,
            )
    for key in entry["participants"] + entry["pending"] + entry["rejected"]:
        organisation = _organisation(key)
        person = _first_member(organisation)
        registrations[key] = register_person(
            actor=person, event=event, organisation=organisation, person=person
        )
    for key, registration in registrations.items():
        if key in entry["rejected"]:
            reject_registration(
                actor=organiser,
                registration=registration,
                reason="The B2B programme is limited to food, packaging and building materials.",
            )
        elif key not in entry["pending"]:
            approve_registration(actor=organiser, registration=registration)
            registration.refresh_from_db()
    return registrations


def _requests(event: Event, entry: dict, registrations: dict[str, Registration]) -> None:
    to_expire = []
    for sender_key, recipient_key, state, reason in entry["requests"]:
        sender, recipient = registrations[sender_key], registrations[recipient_key]
        request = send_meeting_request(
            actor=sender.person,
            sender=sender,
            recipient=recipient,
            reason=reason,
            language="zh-hans" if any("\u4e00" <= ch <= "\u9fff" for ch in reason) else "en",
        )
        if request.status != MeetingRequest.Status.PENDING:
            continue  # the other side had already asked: accepted as a mutual request
        if state == "accepted":
            slot = None
            if event.scheduling_mode == Event.SchedulingMode.PARTICIPANTS:
                slot = list_free_slots(event=event, registrations=[sender, recipient])[0]
            accept_meeting_request(actor=recipient.person, request=request, slot=slot)
        elif state == "declined":
            decline_meeting_request(actor=recipient.person, request=request)
        elif state == "expired":
            to_expire.append(request.pk)
    if to_expire:
        # The demo has no history: let these requests' time run out, then expire them as the
        # periodic service does.
        MeetingRequest.objects.filter(pk__in=to_expire).update(
            expires_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        )
        expire_meeting_requests()


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def load_events(progress: Callable[[str], None] = lambda _message: None) -> dict[str, int]:
    """Load the demo events once (a second call changes nothing)."""
    load_holidays(rows=json.loads(HOLIDAYS.read_text(encoding="utf-8"))["holidays"])
    entries = json.loads((DATA_DIR / "events.json").read_text(encoding="utf-8"))["events"]
    zero = day_zero(entries, today=timezone.localdate())
    loaded = 0
    for entry in entries:
        key = f"event:{entry['key']}"
        if DemoRecord.objects.filter(key=key).exists():
            continue
        progress(f"event: {entry['key']}")
        with transaction.atomic():
            event = _event(entry, zero)
            organiser = User.objects.get(email=entry["actor"])
            registrations = _registrations(event, entry, organiser)
            _requests(event, entry, registrations)
            if event.scheduling_mode == Event.SchedulingMode.ORGANISER:
                run = start_schedule_run(actor=organiser, event=event, time_limit=5)
                run_schedule(run=run)
            publish_schedule(actor=organiser, event=event)
            DemoRecord.objects.create(
                key=key, content_type=ContentType.objects.get_for_model(event), object_id=event.pk
            )
        loaded += 1
    return {"events": loaded}
