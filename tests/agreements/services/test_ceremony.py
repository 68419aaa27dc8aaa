"""An agreement on a signing ceremony's programme: chosen by a party, shown on both apps' pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from karvan.agreements.errors import NotACeremonySessionError
from karvan.agreements.services.ceremony import hold_at_event_session, set_ceremony
from karvan.core.errors import NotAllowedError
from karvan.events.models import Event
from karvan.events.services.setup import add_session
from tests.dates import fair_day
from tests.events.conftest import make_event
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def ceremony_session(db):
    organiser = MembershipFactory(
        organisation=OrganisationFactory(country="CN"), user=UserFactory(language="en")
    ).user
    event = make_event(
        organiser,
        kind=Event.Kind.SIGNING_CEREMONY,
        title={"en": "Tehran–Guangzhou signing ceremony"},
        venue="Canton Fair Complex, Hall 9",
    )
    return add_session(
        actor=organiser,
        event=event,
        data={
            "day": fair_day(),  # three weeks or more ahead: the ceremony has not ended
            "start_time": datetime.time(15, 0),
            "end_time": datetime.time(16, 0),
            "meeting_minutes": 30,
            "break_minutes": 0,
            "tables": 1,
            "title": "Memoranda",
        },
    )


def test_a_party_puts_the_agreement_on_the_ceremonys_programme(
    signing, iran, china, outsider, ceremony_session, settings
):
    settings.KARVAN_JITSI_URL = "https://meet.example.test"
    with pytest.raises(NotAllowedError):
        hold_at_event_session(actor=outsider, agreement=signing, session_id=ceremony_session.pk)
    with pytest.raises(NotAllowedError):
        hold_at_event_session(  # a signatory is not a manager of the party
            actor=iran.signatory, agreement=signing, session_id=ceremony_session.pk
        )
    hold_at_event_session(actor=china.owner, agreement=signing, session_id=ceremony_session.pk)
    signing.refresh_from_db()
    assert signing.ceremony_session_id == ceremony_session.pk
    assert signing.ceremony_starts_at == ceremony_session.starts_at
    assert signing.ceremony_room_url == ""  # held at the venue, not online

    # Planned by the parties themselves again: the event's session no longer holds it.
    set_ceremony(actor=iran.owner, agreement=signing, starts_at=None, room_url="")
    signing.refresh_from_db()
    assert signing.ceremony_session_id is None


def test_an_online_ceremony_gets_an_unguessable_room_kept_on_a_second_save(
    signing, iran, ceremony_session, settings
):
    settings.KARVAN_JITSI_URL = "https://meet.example.test"
    event = ceremony_session.event
    event.venue = ""  # a ceremony without a venue is held over video
    event.save()
    hold_at_event_session(actor=iran.owner, agreement=signing, session_id=ceremony_session.pk)
    signing.refresh_from_db()
    room = signing.ceremony_room_url
    assert room.startswith("https://meet.example.test/karvan-ceremony-") and len(room) > 60
    hold_at_event_session(actor=iran.owner, agreement=signing, session_id=ceremony_session.pk)
    signing.refresh_from_db()
    assert signing.ceremony_room_url == room


def test_only_a_session_of_a_signing_ceremony_that_has_not_ended(
    signing, iran, ceremony_session, time_machine
):
    fair_session = make_event(iran.owner).sessions.create(
        starts_at=ceremony_session.starts_at, ends_at=ceremony_session.ends_at
    )
    with pytest.raises(NotACeremonySessionError):
        hold_at_event_session(actor=iran.owner, agreement=signing, session_id=fair_session.pk)
    time_machine.move_to(ceremony_session.ends_at + datetime.timedelta(minutes=1))
    with pytest.raises(NotACeremonySessionError):
        hold_at_event_session(actor=iran.owner, agreement=signing, session_id=ceremony_session.pk)


def test_the_pages_link_the_agreement_and_the_ceremony(
    client, signing, iran, outsider, ceremony_session
):
    client.force_login(iran.owner)
    page = client.get(reverse("agreements:ceremony", args=[signing.code])).content.decode()
    assert "Memoranda" in page  # the session is offered in the form
    response = client.post(
        reverse("agreements:ceremony", args=[signing.code]), {"session": ceremony_session.pk}
    )
    assert response.status_code == 302
    page = client.get(reverse("agreements:ceremony", args=[signing.code])).content.decode()
    assert 'id="ceremony-session"' in page and "Tehran–Guangzhou signing ceremony" in page

    programme_url = reverse("agreements:event_programme", args=[ceremony_session.event_id])
    event_page = client.get(reverse("events:detail", args=[ceremony_session.event_id]))
    assert programme_url in event_page.content.decode()  # loaded into the list of sessions
    page = client.get(programme_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page
    assert reverse("agreements:ceremony", args=[signing.code]) in page
    assert "Memoranda" in client.get(programme_url).content.decode()  # the page without htmx
    # Someone party to nothing sees the ceremony, not the agreement.
    client.force_login(outsider)
    page = client.get(programme_url).content.decode()
    assert "<html" in page and signing.code not in page


def test_a_session_that_is_not_offered_is_refused_with_a_message(
    client, signing, iran, ceremony_session
):
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:ceremony", args=[signing.code]), {"session": "999999"}
    )
    assert response.status_code == 200
    with translation.override(iran.owner.language):
        expected = translation.gettext(
            "Select a valid choice. %(value)s is not one of the available choices."
        ) % {"value": "999999"}
    assert expected in response.content.decode()
    signing.refresh_from_db()
    assert signing.ceremony_session_id is None


def test_the_programme_of_an_event_the_viewer_cannot_see_is_not_found(
    client, iran, ceremony_session
):
    event = ceremony_session.event
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status"])
    client.force_login(iran.owner)
    response = client.get(reverse("agreements:event_programme", args=[event.pk]))
    assert response.status_code == 404
