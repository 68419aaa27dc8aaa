"""B2B meetings in three browsers: a Persian participant in Tehran asks a Chinese participant in
Shanghai for a meeting, the Chinese side accepts, the organiser runs the scheduler and publishes,
and each reads the meeting on their agenda in their own zone and calendar."""

import datetime
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from karvan.directory.models import Membership
from karvan.events.models import DelegationInvitation, Event, Meeting, MeetingRequest, Registration
from karvan.events.services.delegations import create_delegation
from karvan.events.services.registrations import approve_registration, register_person
from karvan.events.services.setup import add_session, create_event
from tests.browser.pickers import pick
from tests.dates import fair_day, solar_hijri
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

SHOTS = Path(__file__).parent / "artifacts"


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def fair(transactional_db):
    organiser = MembershipFactory(
        organisation=OrganisationFactory(country="CN", name={"zh-hans": "博览会秘书处"}),
        user=UserFactory(email="organiser@example.test", language="en", time_zone="Asia/Shanghai"),
    ).user
    event = create_event(
        actor=organiser,
        organiser=organiser.memberships.get().organisation,
        data={
            "kind": Event.Kind.FAIR,
            "title": {"en": "Guangzhou SME Fair", "zh-hans": "广州中小企业博览会"},
            "time_zone": "Asia/Shanghai",
            "starts_on": fair_day(),
            "ends_on": fair_day(),
        },
    )
    event.status = Event.Status.PUBLISHED
    event.save()
    add_session(
        actor=organiser,
        event=event,
        data={
            "day": fair_day(),
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(10, 0),
            "meeting_minutes": 30,
            "break_minutes": 0,
            "tables": 3,
        },
    )
    people = {}
    for key, country, name, language, zone, calendar in (
        ("iran", "IR", {"fa": "پسته نوین رفسنجان"}, "fa", "Asia/Tehran", "jalali"),
        ("china", "CN", {"zh-hans": "广州穗通包装机械"}, "zh-hans", "Asia/Shanghai", "gregorian"),
    ):
        membership = MembershipFactory(
            organisation=OrganisationFactory(country=country, name=name),
            user=UserFactory(
                email=f"{key}@example.test", language=language, time_zone=zone, calendar=calendar
            ),
        )
        people[key] = approve_registration(
            actor=organiser,
            registration=register_person(
                actor=membership.user,
                event=event,
                organisation=membership.organisation,
                person=membership.user,
            ),
        )
    return event, organiser, people


def test_request_accept_schedule_publish_and_each_reads_their_own_agenda(
    fair, live_server, new_page, log_in
):
    event, _organiser, people = fair
    base = live_server.url

    persian = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(persian, "iran@example.test")
    persian.goto(f"{base}/events/{event.pk}/participants/")
    request_link = persian.locator(
        f"a[href='/events/{event.pk}/participants/{people['china'].pk}/request/']"
    )
    with persian.expect_navigation():
        request_link.click()
    persian.fill("#id_reason", "بسته‌بندی پسته با نیتروژن برای بازار چین")
    with persian.expect_navigation():
        persian.click("main form button[type=submit]")
    meeting_request = MeetingRequest.objects.get()
    assert meeting_request.status == MeetingRequest.Status.PENDING

    chinese = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(chinese, "china@example.test")
    chinese.goto(f"{base}/events/requests/{meeting_request.pk}/")
    expect(chinese.locator("main")).to_contain_text("بسته‌بندی پسته")
    with chinese.expect_navigation():
        chinese.click("form[action$='/accept/'] button[type=submit]")
    expect(chinese.locator("#request-status")).to_have_text(in_language("zh-hans", "Accepted"))

    staff = new_page()
    log_in(staff, "organiser@example.test")
    staff.goto(f"{base}/events/{event.pk}/schedule/")
    staff.fill("#id_time_limit", "5")
    with staff.expect_navigation():
        staff.click("form[action$='/schedule/run/'] button[type=submit]")
    expect(staff.locator("#schedule-progress")).to_contain_text(
        "Meetings placed: 1 · could not be placed: 0."
    )
    staff.once("dialog", lambda dialog: dialog.accept())
    with staff.expect_navigation():
        staff.click("form[action$='/schedule/publish/'] button[type=submit]")
    meeting = Meeting.objects.get()
    assert meeting.is_published and meeting.is_scheduled

    persian.goto(f"{base}/events/registrations/{people['iran'].pk}/agenda/")
    agenda = persian.locator("#agenda")
    # The slot's date and time in Tehran, in the Solar Hijri calendar with Persian digits.
    local = meeting.slot.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=3.5)))
    assert local.strftime("%H:%M") in {"04:30", "05:00"}
    expect(agenda).to_contain_text(solar_hijri(local.date()))  # as "۱۷ آذر ۱۴۰۵"
    expect(agenda).to_contain_text(
        local.strftime("%H:%M").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    )
    expect(agenda).to_contain_text("广州穗通包装机械")
    expect(persian.locator("html")).to_have_attribute("dir", "rtl")
    SHOTS.mkdir(exist_ok=True)
    persian.screenshot(path=SHOTS / "events-agenda-fa.png", full_page=True)

    chinese.goto(f"{base}/events/registrations/{people['china'].pk}/agenda/")
    shanghai = meeting.slot.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    expect(chinese.locator("#agenda")).to_contain_text(shanghai.strftime("%H:%M"))
    expect(chinese.locator("#agenda")).to_contain_text("پسته نوین رفسنجان")
    chinese.screenshot(path=SHOTS / "events-agenda-zh.png", full_page=True)
    staff.goto(f"{base}/events/{event.pk}/schedule/")
    staff.screenshot(path=SHOTS / "events-schedule-en.png", full_page=True)


def test_a_leader_invites_an_organisation_whose_manager_accepts_then_registers_its_people(
    fair, live_server, new_page, log_in
):
    event, _organiser, people = fair
    base = live_server.url
    leader = MembershipFactory(
        organisation=OrganisationFactory(country="IR", name={"fa": "سازمان صنایع کوچک"}),
        user=UserFactory(email="leader@example.test", language="en"),
    )
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="ISIPO delegation"
    )
    invited = MembershipFactory(
        organisation=OrganisationFactory(country="IR", name={"fa": "زعفران تربت"}),
        user=UserFactory(email="manager@example.test", language="fa"),
    )
    worker = MembershipFactory(
        organisation=invited.organisation,
        user=UserFactory(email="worker@example.test", full_name="Reza Mohammadi"),
        role=Membership.Role.MEMBER,
    ).user

    page = new_page()
    log_in(page, "leader@example.test")
    page.goto(f"{base}/events/delegations/{delegation.pk}/")
    page.fill("#id_member-registry_id", invited.organisation.registry_id)
    with page.expect_navigation():
        page.click("form[action$='/invite/'] button[type=submit]")
    expect(page.locator("#delegation-invitations")).to_contain_text("زعفران تربت")
    assert not delegation.members.exists()

    manager = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(manager, "manager@example.test")
    manager.goto(f"{base}/events/")
    with manager.expect_navigation():
        manager.click("a[href='/events/invitations/']")
    invitation = DelegationInvitation.objects.get()
    with manager.expect_navigation():
        manager.click(f"a[href='/events/invitations/{invitation.pk}/']")
    with manager.expect_navigation():
        manager.click("form[action$='/accept/'] button[type=submit]")
    expect(manager.locator("#invitation-status")).to_have_text(in_language("fa", "Accepted"))
    assert list(delegation.members.all()) == [invited.organisation]

    page.goto(f"{base}/events/delegations/{delegation.pk}/")
    page.select_option("#id_person-organisation", str(invited.organisation.pk))
    pick(page, "id_person-person", "Reza Mohammadi", str(worker.pk))
    with page.expect_navigation():
        page.click("form[action$='/register/'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Reza Mohammadi")
    assert Registration.objects.filter(person=worker, delegation=delegation).exists()
    assert people  # the fair's own participants are untouched


@pytest.mark.browser
@pytest.mark.parametrize(
    ("size", "suffix"), [({"width": 390, "height": 844}, "phone"), (None, "desktop")]
)
def test_a_persian_agenda_shows_cards_with_the_fairs_time_then_tehran_time(
    fair, live_server, new_page, log_in, size, suffix
):
    """At a Guangzhou fair, a Persian participant reads each meeting as a card: 09:00–09:30
    (Shanghai, where the tables are) first, 04:30–05:00 Tehran beside it, right to left, with
    nothing wider than the phone's screen."""
    from karvan.events.models import Slot
    from karvan.events.services.meeting_requests import (
        accept_meeting_request,
        send_meeting_request,
    )
    from karvan.events.services.meetings import move_meeting, publish_schedule

    event, organiser, people = fair
    request = send_meeting_request(
        actor=people["iran"].person, sender=people["iran"], recipient=people["china"], reason=""
    )
    accept_meeting_request(actor=people["china"].person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=2)
    publish_schedule(actor=organiser, event=event)

    page = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(page, "iran@example.test")  # at desktop size: the log-in helper reads the navbar
    if size:
        page.set_viewport_size(size)
    page.goto(f"{live_server.url}/events/registrations/{people['iran'].pk}/agenda/")
    card = page.locator("#agenda .agenda-card").first
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    main, home = "09:00–09:30".translate(persian), "04:30–05:00".translate(persian)
    expect(card).to_contain_text(main)
    expect(card).to_contain_text(home)
    text = card.inner_text()
    assert text.index(main) < text.index(home)
    expect(card).to_contain_text("广州穗通包装机械")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.locator("#agenda table").count() == 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"events-agenda-fa-{suffix}.png", full_page=True)
    page.goto(f"{live_server.url}/events/meetings/{meeting.pk}/")
    expect(page.locator("#meeting-time")).to_contain_text(main)
    page.screenshot(path=SHOTS / f"events-meeting-fa-{suffix}.png", full_page=True)


@pytest.mark.browser
def test_participants_are_cards_with_the_state_of_my_request_on_a_persian_phone(
    fair, live_server, new_page, log_in
):
    """On a 390-px phone in Persian, each participant is a card; one already asked shows
    "request sent" and no second "request a meeting" button; nothing overflows the screen."""
    from karvan.events.services.meeting_requests import send_meeting_request

    event, _organiser, people = fair
    send_meeting_request(
        actor=people["iran"].person, sender=people["iran"], recipient=people["china"], reason=""
    )
    page = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(page, "iran@example.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/{event.pk}/participants/")
    card = page.locator(".participant-card[data-state=sent]")
    expect(card).to_contain_text("广州穗通包装机械")
    expect(card).to_contain_text(in_language("fa", "Request sent"))
    assert card.locator("a[href*='/request']").count() == 0
    assert page.locator("#participants table").count() == 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "events-participants-fa-phone.png", full_page=True)


@pytest.mark.browser
def test_an_organiser_adds_a_participant_with_the_keyboard_on_a_persian_phone(
    fair, live_server, new_page, log_in
):
    """On a 390-px phone in Persian, the organiser reaches the meeting's participant picker by its
    label (as a screen reader announces it), types part of a Persian name, takes the only match
    with Enter and adds it with the keyboard; the picker runs right to left and nothing is wider
    than the screen."""
    from karvan.events.models import MeetingParticipant
    from karvan.events.services.meeting_requests import (
        accept_meeting_request,
        send_meeting_request,
    )

    event, organiser, people = fair
    organiser.language = "fa"
    organiser.save(update_fields=["language"])
    accept_meeting_request(
        actor=people["china"].person,
        request=send_meeting_request(
            actor=people["iran"].person, sender=people["iran"], recipient=people["china"], reason=""
        ),
    )
    meeting = Meeting.objects.get()
    for name in ("مریم احمدی", "علی رضایی"):
        colleague = MembershipFactory(
            organisation=people["iran"].organisation,
            user=UserFactory(full_name=name, language="fa"),
            role=Membership.Role.MEMBER,
        ).user
        approve_registration(
            actor=organiser,
            registration=register_person(
                actor=colleague,
                event=event,
                organisation=people["iran"].organisation,
                person=colleague,
            ),
        )
    # The first participant not in the meeting (مریم) is the picker's choice until another is made.
    interpreter = Registration.objects.get(person__full_name="علی رضایی")

    page = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(page, "organiser@example.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/meetings/{meeting.pk}/")
    label = in_language("fa", "Add a participant (a delegation's leader, an interpreter…)")
    combobox = page.get_by_role("combobox", name=label)
    combobox.focus()
    expect(combobox).to_be_focused()
    page.keyboard.type("علی")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = page.locator("#add-participant-ts-dropdown [role=option]")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("علی رضایی")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "events-meeting-picker-open-fa-phone.png")
    page.keyboard.press("Enter")
    box = page.locator("#add-participant-form .ts-control")
    expect(box.locator(f".item[data-value='{interpreter.pk}']")).to_contain_text("علی رضایی")
    assert page.locator("#add-participant").input_value() == str(interpreter.pk)
    wrapper = page.locator("#add-participant-form .ts-wrapper")
    assert wrapper.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "events-meeting-add-participant-fa-phone.png", full_page=True)
    page.keyboard.press("Tab")
    expect(page.locator("#add-participant-form button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert MeetingParticipant.objects.filter(meeting=meeting, registration=interpreter).exists()
    expect(page.locator("main .list-group")).to_contain_text("علی رضایی")


@pytest.mark.browser
def test_a_chinese_agenda_on_a_phone_is_cards_with_the_persian_partner_right_to_left(
    fair, live_server, new_page, log_in
):
    """On a 390-px phone in Chinese, the agenda is a list of cards: the fair's time (Shanghai,
    also the reader's own), the Persian partner's name in its own right-to-left span, nothing
    wider than the screen."""
    from karvan.events.models import Slot
    from karvan.events.services.meeting_requests import (
        accept_meeting_request,
        send_meeting_request,
    )
    from karvan.events.services.meetings import move_meeting, publish_schedule

    event, organiser, people = fair
    request = send_meeting_request(
        actor=people["iran"].person, sender=people["iran"], recipient=people["china"], reason=""
    )
    accept_meeting_request(actor=people["china"].person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=2)
    publish_schedule(actor=organiser, event=event)

    page = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(page, "china@example.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/registrations/{people['china'].pk}/agenda/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    card = page.locator("#agenda .agenda-card").first
    expect(card).to_contain_text("09:00–09:30")
    partner = card.locator("[lang=fa]")
    expect(partner).to_have_text("پسته نوین رفسنجان")
    expect(partner).to_have_attribute("dir", "rtl")
    assert page.locator("#agenda table").count() == 0
    card_box = card.bounding_box()
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=SHOTS / "events-agenda-zh-phone.png", full_page=True)
