"""Who to meet at an event: suggested partners and the participants page's cards (the reason
each is suggested, the state of my request with them). Selectors: they never write."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from karvan.accounts.models import User
from karvan.directory.memberships import organisation_ids_of
from karvan.directory.models import Organisation
from karvan.events.models import (
    Event,
    MeetingRequest,
    Registration,
)
from karvan.events.selectors import OPEN_REQUEST_STATUSES, list_participants
from karvan.opportunities.key_facts import KeyFacts, build_key_facts
from karvan.opportunities.matching.recommendations import recommend_for_organisation
from karvan.opportunities.models import Opportunity


def list_suggested_partners(
    *, viewer: User, registration: Registration, top: int = 8
) -> list[Registration]:
    """Whom a participant might ask for a meeting: the matching engine's recommendations for
    their organisation among the event's participants, then those sharing HS chapters or
    sectors, never those already asked."""
    others = list(
        list_participants(event=registration.event).exclude(
            organisation_id=registration.organisation_id
        )
    )
    asked = set(
        MeetingRequest.objects.filter(
            sender__organisation_id=registration.organisation_id,
            event=registration.event,
            status__in=OPEN_REQUEST_STATUSES,
        ).values_list("recipient_id", flat=True)
    )
    candidates = [other for other in others if other.pk not in asked]
    by_organisation: dict[int, list[Registration]] = defaultdict(list)
    for other in candidates:
        by_organisation[other.organisation_id].append(other)
    ranked: list[int] = []
    for recommendation in recommend_for_organisation(
        viewer=viewer, organisation=registration.organisation, top=50
    ):
        organisation_id = recommendation.opportunity.organisation_id
        if organisation_id in by_organisation and organisation_id not in ranked:
            ranked.append(organisation_id)
    ranked.extend(_shared_code_ranking(registration.organisation, list(by_organisation)))
    seen: list[int] = []
    for organisation_id in ranked:
        if organisation_id not in seen:
            seen.append(organisation_id)
    return [by_organisation[organisation_id][0] for organisation_id in seen[:top]]


def _shared_code_ranking(organisation: Organisation, candidates: list[int]) -> list[int]:
    """Candidates sharing HS chapters or ISIC sectors with an organisation, most shared first."""
    chapters = {code[:2] for code in organisation.products.values_list("code", flat=True)}
    sectors = set(organisation.sectors.values_list("code", flat=True))
    scores: dict[int, int] = defaultdict(int)
    for organisation_id, code in Organisation.products.through.objects.filter(
        organisation_id__in=candidates
    ).values_list("organisation_id", "hscode__code"):
        if code[:2] in chapters:
            scores[organisation_id] += 2
    for organisation_id, code in Organisation.sectors.through.objects.filter(
        organisation_id__in=candidates
    ).values_list("organisation_id", "isiccode__code"):
        if code in sectors:
            scores[organisation_id] += 1
    return sorted((o for o in scores if scores[o] > 0), key=lambda o: -scores[o])


@dataclass(frozen=True)
class ParticipantCard:
    """One participant as the participants page shows it to a reader with registrations."""

    registration: Registration
    facts: tuple[KeyFacts, ...]  # of its organisation's open listings, at most two
    reasons: tuple[str, ...]  # why it is suggested; empty when it is not
    state: str  # of the reader's request with it: none, sent, received, accepted, scheduled
    can_request: bool


REQUEST_STATES = ("none", "sent", "received", "accepted", "scheduled")


def _request_states(own: Sequence[Registration], event: Event) -> dict[int, str]:
    """The state of the reader's open request with each other registration."""
    own_ids = {registration.pk for registration in own}
    states: dict[int, str] = {}
    rows = (
        MeetingRequest.objects.filter(event=event)
        .filter(Q(sender_id__in=own_ids) | Q(recipient_id__in=own_ids))
        .filter(status__in=OPEN_REQUEST_STATUSES)
        .select_related("meeting")
    )
    rank = {state: n for n, state in enumerate(REQUEST_STATES)}
    for row in rows:
        other = row.recipient_id if row.sender_id in own_ids else row.sender_id
        if row.status == MeetingRequest.Status.PENDING:
            state = "sent" if row.sender_id in own_ids else "received"
        else:
            meeting = getattr(row, "meeting", None)
            is_scheduled = meeting is not None and meeting.is_scheduled and meeting.is_published
            state = "scheduled" if is_scheduled else "accepted"
        if rank[state] > rank[states.get(other, "none")]:
            states[other] = state
    return states


def _suggestion_reasons(
    *, viewer: User, registration: Registration, candidates: Sequence[int]
) -> dict[int, list[str]]:
    """Why each candidate organisation fits the reader's: the engine's confident matches first,
    then shared HS chapters or sectors."""
    wanted = set(candidates)
    reasons: dict[int, list[str]] = {}
    for recommendation in recommend_for_organisation(
        viewer=viewer, organisation=registration.organisation, top=50
    ):
        organisation_id = recommendation.opportunity.organisation_id
        if organisation_id in wanted and organisation_id not in reasons:
            reasons[organisation_id] = [
                _("Matches your listings: %(title)s") % {"title": recommendation.opportunity.title},
                *recommendation.reasons[:2],
            ]
    for organisation_id in _shared_code_ranking(registration.organisation, list(wanted)):
        reasons.setdefault(organisation_id, [_("Works with the same goods or sectors as you")])
    return reasons


def list_participant_cards(
    *,
    viewer: User,
    event: Event,
    own: Sequence[Registration],
    country: str = "",
    sector: str = "",
    chapter: str = "",
    search: str = "",
) -> list[ParticipantCard]:
    """The event's approved participants as cards for the reader: suggested partners first (at a
    bilateral event, then those of the other country), each with its listings' key facts and the
    state of the reader's request with it. Filters narrow by country, ISIC sector, HS chapter,
    and a search in organisation and person names."""
    rows = list_participants(event=event).prefetch_related("organisation__sectors")
    if country:
        rows = rows.filter(organisation__country=country.upper())
    if sector:
        rows = rows.filter(organisation__sectors__code__startswith=sector).distinct()
    if chapter:
        rows = rows.filter(organisation__products__code__startswith=chapter).distinct()
    registrations = list(rows)
    if search:
        needle = search.casefold()
        registrations = [
            r
            for r in registrations
            if needle in r.person.display_name.casefold()
            or any(needle in str(name).casefold() for name in r.organisation.name.values())
        ]
    mine = organisation_ids_of(viewer)
    others = {r.organisation_id for r in registrations if r.organisation_id not in mine}
    reasons = (
        _suggestion_reasons(viewer=viewer, registration=own[0], candidates=list(others))
        if own
        else {}
    )
    own_countries = {r.organisation.country for r in own}
    is_bilateral = len(event.countries or []) == 2
    suggested = list(reasons)

    def order(registration: Registration) -> tuple[int, int, int]:
        organisation_id = registration.organisation_id
        rank = suggested.index(organisation_id) if organisation_id in reasons else len(suggested)
        same_country = is_bilateral and registration.organisation.country in own_countries
        return (rank, int(organisation_id in mine), int(same_country))

    registrations.sort(key=order)
    listings: dict[int, list[KeyFacts]] = defaultdict(list)
    for opportunity in (
        Opportunity.objects.filter(
            organisation_id__in={r.organisation_id for r in registrations},
            status=Opportunity.Status.PUBLISHED,
        )
        .prefetch_related("hs_codes")
        .order_by("-published_at")
    ):
        if len(listings[opportunity.organisation_id]) < 2:
            listings[opportunity.organisation_id].append(build_key_facts(opportunity))
    states = _request_states(own, event)
    cards = []
    for registration in registrations:
        state = states.get(registration.pk, "none")
        cards.append(
            ParticipantCard(
                registration=registration,
                facts=tuple(listings.get(registration.organisation_id, [])),
                reasons=tuple(reasons.get(registration.organisation_id, [])),
                state=state,
                can_request=bool(own)
                and registration.organisation_id not in mine
                and state == "none",
            )
        )
    return cards
