"""Recommendations: complementary partners for an opportunity or an organisation, with reasons,
and the search of opportunities across languages, read from the matching store."""

from collections.abc import Sequence
from dataclasses import dataclass

from karvan.accounts.http import Viewer
from karvan.directory.models import Organisation
from karvan.matching.documents import engine_language
from karvan.matching.engine import Listing, Match
from karvan.matching.engine.index import SUBSTANTIVE_REASONS
from karvan.matching.reasons import describe_reasons
from karvan.matching.results import cached_matches
from karvan.matching.selectors import search_threshold, shown_threshold
from karvan.matching.stores import current_store
from karvan.matching.text import guess_language
from karvan.opportunities.matching.adapters import KIND, to_listing
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import list_opportunities

# An organisation is matched on its latest open opportunities (each a query to the store).
ORGANISATION_LISTINGS = 3
# A recommendation shown without being asked for (the dashboard) must score at least this (and,
# as every shown match, give a reason about the goods: `SUBSTANTIVE_REASONS`).
CONFIDENT_SCORE = 0.3


@dataclass(frozen=True)
class Recommendation:
    opportunity: Opportunity
    score: float
    reasons: list[str]


def recommend_matches(listing: Listing, *, top: int) -> list[Match]:
    """The store's matches for a listing among open opportunities, from the shown threshold."""
    return recommend_matches_of([listing], top=top)[0]


def recommend_matches_of(listings: Sequence[Listing], *, top: int) -> list[list[Match]]:
    """`recommend_matches` for each listing, the answers cached until the index changes."""
    store, threshold = current_store(), shown_threshold()
    return cached_matches(
        KIND,
        listings,
        lambda listing: store.recommend(KIND, listing, top=top, min_score=threshold),
        scope=f"recommend:{store.name}:{top}:{threshold}",
    )


def _visible(viewer: Viewer, matches: list[Match], top: int) -> list[Recommendation]:
    """Keep matches the viewer may see that are still open, best first."""
    rows = list_opportunities(viewer=viewer, open_only=True).in_bulk(
        [int(match.id) for match in matches]
    )
    recommendations = []
    for match in matches:
        opportunity = rows.get(int(match.id))
        if opportunity is not None:
            recommendations.append(
                # Ignored for mypy: describe_reasons gives a list of phrases unless `plain`.
                Recommendation(opportunity, match.score, describe_reasons(match.reasons))  # type: ignore[arg-type]
            )
        if len(recommendations) == top:
            break
    return recommendations


def recommend_for_opportunity(
    *, viewer: Viewer, opportunity: Opportunity, top: int = 10
) -> list[Recommendation]:
    """Partners on the other side for one opportunity: only confident ones, never competitors."""
    return _visible(viewer, recommend_matches(to_listing(opportunity), top=top * 2), top)


def _profile_listings(organisation: Organisation) -> list[Listing]:
    """An organisation without open opportunities is matched on its profile, as offer and need."""
    description = " ".join(organisation.description.values())
    title = " ".join(organisation.name.values())
    language = organisation.original_language
    return [
        Listing(
            id=f"organisation-{organisation.pk}-{side}",
            side=side,
            kind="product",
            language={"zh-hans": "zh"}.get(language, language),
            country=organisation.country,
            title=title,
            description=description,
            hs_codes=tuple(code.code for code in organisation.products.all()),
            isic_codes=tuple(code.code for code in organisation.sectors.all()),
            owner=str(organisation.pk),
        )
        for side in ("offer", "request")
    ]


def recommend_for_organisation(
    *, viewer: Viewer, organisation: Organisation, top: int = 10
) -> list[Recommendation]:
    """Partners for an organisation: the confident matches of its open opportunities, merged."""
    return _visible(viewer, _organisation_matches(viewer, organisation, top), top)


def _organisation_matches(viewer: Viewer, organisation: Organisation, top: int) -> list[Match]:
    """The best matches of an organisation's latest open opportunities (or its profile),
    merged."""
    own = list(
        list_opportunities(viewer=viewer, organisation_id=organisation.pk, open_only=True).order_by(
            "-published_at", "-pk"
        )[:ORGANISATION_LISTINGS]
    )
    listings = [to_listing(opportunity) for opportunity in own] or _profile_listings(organisation)
    best: dict[str, Match] = {}
    for matches in recommend_matches_of(listings, top=top):
        for match in matches:
            if match.id not in best or best[match.id].score < match.score:
                best[match.id] = match
    return sorted(best.values(), key=lambda match: match.score, reverse=True)


def is_confident(match: Match) -> bool:
    """A match worth showing unasked: complementary, scoring well, and with a reason about what
    the two sides deal in (a shared code, concept or description), not only their sides."""
    codes = {reason.code for reason in match.reasons}
    return (
        match.score >= CONFIDENT_SCORE
        and "same_side" not in codes
        and bool(codes & SUBSTANTIVE_REASONS)
    )


def recommend_confident_partners(
    *, viewer: Viewer, organisation: Organisation, top: int = 5
) -> list[Recommendation]:
    """Partners for an organisation's dashboard: confident matches only, one per partner
    organisation, best first; an empty list rather than noise."""
    confident = [m for m in _organisation_matches(viewer, organisation, 20) if is_confident(m)]
    partners: list[Recommendation] = []
    seen = {organisation.pk}
    for recommendation in _visible(viewer, confident, len(confident)):
        if recommendation.opportunity.organisation_id not in seen:
            seen.add(recommendation.opportunity.organisation_id)
            partners.append(recommendation)
    return partners[:top]


def search_opportunities_across_languages(
    *, viewer: Viewer, query: str, top: int = 50, other_languages_only: bool = False
) -> list[Opportunity]:
    """Opportunities about the query, whatever language each was written in: only confident
    ones (a query with no good match finds nothing). With `other_languages_only`, only those
    written in another language than the query's."""
    matches = current_store().search(KIND, query, top=top, min_score=search_threshold())
    rows = list_opportunities(viewer=viewer, open_only=True).in_bulk([int(m.id) for m in matches])
    found = [rows[int(match.id)] for match in matches if int(match.id) in rows]
    if other_languages_only:
        language = guess_language(query)
        found = [row for row in found if engine_language(row.language) != language]
    return found
