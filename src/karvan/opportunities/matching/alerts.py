"""Telling organisations about a new good match for their open opportunities, once per listing."""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import translation

from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory.memberships import MANAGER_ROLES, members_of
from karvan.matching.engine import Match, Reason
from karvan.matching.reasons import describe_reasons
from karvan.matching.selectors import is_alert_pending
from karvan.matching.services import claim_alert
from karvan.notifications.services import notify
from karvan.opportunities import notifications as kinds
from karvan.opportunities.matching.adapters import KIND, to_listing
from karvan.opportunities.matching.recommendations import recommend_matches
from karvan.opportunities.models import Opportunity

ALERT_TOP = 5


def send_match_alerts(*, opportunity: Opportunity) -> int:
    """Tell the organisations whose open opportunities this new one fits best; once per listing.

    The listing is claimed (its alerts marked sent) in the transaction that writes the alerts, so
    a task delivered twice alerts once, and one that dies half-way alerts nobody until it is rerun.
    """
    key = str(opportunity.pk)
    if not opportunity.is_open or not is_alert_pending(kind=KIND, key=key):
        return 0
    matches = [
        match
        for match in recommend_matches(to_listing(opportunity), top=ALERT_TOP)
        if match.score >= settings.KARVAN_MATCH_ALERT_SCORE
    ]
    partners = Opportunity.objects.select_related("organisation", "author").in_bulk(
        [int(match.id) for match in matches]
    )
    with transaction.atomic():
        if not claim_alert(kind=KIND, key=key):
            return 0  # another delivery of the task got there first
        sent = _alert_partners(opportunity, matches, partners)
    return sent


def _alert_partners(
    opportunity: Opportunity, matches: list[Match], partners: dict[int, Opportunity]
) -> int:
    sent = 0
    for match in matches:
        partner = partners.get(int(match.id))
        if partner is None or not partner.is_open:
            continue
        # Its managers, and its author while still a member (one who left hears nothing more).
        recipients = [
            membership.user
            for membership in members_of(partner.organisation_id)
            if membership.user.is_active
            and (membership.role in MANAGER_ROLES or membership.user_id == partner.author_id)
        ]
        reasons = _as_seen_by_partner(match.reasons, opportunity)
        notify(
            recipients=recipients,
            kind=kinds.NEW_MATCH,
            params={
                "opportunity": partner.title,
                "match": opportunity.title,
                "organisation": opportunity.organisation.name,
                # Stored in every language: the notification is read in the recipient's.
                "reasons": _in_every_language(partial(describe_reasons, reasons, plain=True)),
            },
            url=opportunity.get_absolute_url(),
        )
        sent += 1
    return sent


def _as_seen_by_partner(
    reasons: tuple[Reason, ...], opportunity: Opportunity
) -> tuple[Reason, ...]:
    """The engine explains a match from the new listing's side; the alert is read from the
    partner's, for whom the other country is the new listing's."""
    country = opportunity.organisation.country
    return tuple(
        Reason(reason.code, {**reason.params, "country": country})
        if reason.code == "other_country"
        else reason
        for reason in reasons
    )


def _in_every_language(render: Callable[[], object]) -> dict[str, str]:
    versions = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            versions[language] = str(render())
    return versions
