"""The participants page as cards: suggestions with their reason, the state of my request with
each participant, filters and search, and "request a meeting" only where it makes sense."""

import pytest
from django.urls import reverse

from karvan.core.models import HsCode
from karvan.events.models import Meeting, Slot
from karvan.events.partners import list_participant_cards
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.events.conftest import participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(event, organiser, iranian):
    iranian.organisation.products.set([HsCode.objects.filter(code__startswith="0802").first()])
    importer = participant(event, organiser, country="CN")
    importer.organisation.name = {"zh-hans": "上海干果进口"}
    importer.organisation.save()
    importer.organisation.products.set([HsCode.objects.filter(code__startswith="08").last()])
    packer = participant(event, organiser, country="CN")
    packer.organisation.products.set([HsCode.objects.filter(code__startswith="8422").first()])
    colleague = participant(event, organiser, country="IR")
    return importer, packer, colleague


def test_suggested_partners_come_first_with_their_reason(event, iranian, crowd):
    importer, packer, _colleague = crowd
    cards = list_participant_cards(viewer=iranian.person, event=event, own=[iranian])
    assert cards[0].registration == importer and cards[0].reasons
    assert not next(c for c in cards if c.registration == packer).reasons
    own_card = next(c for c in cards if c.registration == iranian)
    assert not own_card.can_request  # nobody asks their own organisation


def test_at_a_bilateral_event_the_other_countrys_participants_come_before_ones_own(
    event, iranian, crowd
):
    event.countries = ["IR", "CN"]
    event.save()
    _importer, packer, colleague = crowd
    order = [
        c.registration
        for c in list_participant_cards(viewer=iranian.person, event=event, own=[iranian])
    ]
    assert order.index(packer) < order.index(colleague)


def test_each_card_shows_the_state_of_my_request_and_offers_a_request_only_when_none(
    event, organiser, iranian, chinese, crowd
):
    importer, packer, _colleague = crowd
    send_meeting_request(actor=iranian.person, sender=iranian, recipient=importer, reason="")
    accepted = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=accepted)
    send_meeting_request(actor=packer.person, sender=packer, recipient=iranian, reason="")
    cards = {
        c.registration: c
        for c in list_participant_cards(viewer=iranian.person, event=event, own=[iranian])
    }
    assert (cards[importer].state, cards[importer].can_request) == ("sent", False)
    assert cards[chinese].state == "accepted"
    assert cards[packer].state == "received"
    meeting = Meeting.objects.get(request=accepted)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    cards = {
        c.registration: c
        for c in list_participant_cards(viewer=iranian.person, event=event, own=[iranian])
    }
    assert cards[chinese].state == "scheduled"


def test_filters_and_search_narrow_the_cards(client, event, iranian, crowd):
    importer, packer, colleague = crowd
    iranian.person.language = "en"
    iranian.person.save()
    client.force_login(iranian.person)
    url = reverse("events:participants", args=[event.pk])
    page = client.get(url, {"chapter": "84"}).content.decode()
    assert packer.person.display_name in page and importer.person.display_name not in page
    page = client.get(url, {"country": "IR"}).content.decode()
    assert colleague.person.display_name in page and packer.person.display_name not in page
    page = client.get(url, {"q": "干果"}).content.decode()
    assert importer.person.display_name in page and packer.person.display_name not in page
    # A malformed filter is a form error, never a server error, and filters nothing.
    response = client.get(url, {"chapter": "８x", "country": "ZZ"})
    assert response.status_code == 200
    assert packer.person.display_name in response.content.decode()
