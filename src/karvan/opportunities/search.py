"""The one search over opportunities, used by the search page and the API alike.

A query finds what its words say (the full-text index, in the query's own language) and what the
matching engine finds said in another language, above the engine's search threshold. Both kinds of
hit are ranked together in one list: the engine's relevance, raised by `EXACT_BONUS` where the
query's words themselves occur, so an exact match usually leads, a strong match in another
language comes before a weak exact one, and a query with no good match finds nothing at all. The
facets count the same hits before the filters are applied, so a facet's count is the number of
results choosing it gives.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value

from karvan.accounts.http import Viewer
from karvan.core.search import fulltext_condition
from karvan.matching.results import cached_matches
from karvan.matching.selectors import search_threshold
from karvan.matching.stores import current_store
from karvan.opportunities.matching.adapters import KIND
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import (
    list_opportunities,
    opportunity_filters,
    summarise_found_facets,
    summarise_opportunity_facets,
)

# Added to the engine's relevance (0 to about 1) of a listing whose text holds the query's words.
EXACT_BONUS = 0.5
# How many listings the engine is asked for; the full-text hits come on top.
ENGINE_CANDIDATES = 200


class RankedOpportunities(Sequence[Opportunity]):
    """Ranked rows, read from the database one page at a time (pages and the API slice it)."""

    def __init__(self, ranked_ids: Sequence[int]) -> None:
        self.ids = list(ranked_ids)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Opportunity: ...
    @overload
    def __getitem__(self, index: slice) -> list[Opportunity]: ...
    def __getitem__(self, index: int | slice) -> Opportunity | list[Opportunity]:
        if isinstance(index, int):
            return self._rows([self.ids[index]])[0]
        return self._rows(self.ids[index])

    def __iter__(self) -> Iterator[Opportunity]:
        return iter(self._rows(self.ids))

    @staticmethod
    def _rows(ids: list[int]) -> list[Opportunity]:
        rows = (
            Opportunity.objects.select_related("organisation")
            .prefetch_related("hs_codes", "sectors")
            .in_bulk(ids)
        )
        return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class OpportunitySearch:
    """What a search found: the ranked results, and the facets of every hit before filtering."""

    query: str
    results: Sequence[Opportunity] | QuerySet[Opportunity]
    facets: Mapping[str, dict[str, int]] = field(default_factory=dict)
    across_languages: frozenset[int] = frozenset()

    @property
    def total(self) -> int:
        return len(self.results)


def search_opportunities(
    *,
    viewer: Viewer,
    query: str = "",
    side: str = "",
    kind: str = "",
    country: str = "",
    hs_chapter: str = "",
    sector: str = "",
    certification: str = "",
    with_facets: bool = True,
) -> OpportunitySearch:
    """Open opportunities the viewer may see about `query` in any language, best first, with
    the filters applied; without a query, all of them, the newest first. Without `with_facets`
    (a caller that shows none, such as the API) the facets are not counted and stay empty."""
    query = query.strip()
    filters = opportunity_filters(
        side=side,
        kind=kind,
        country=country,
        hs_chapter=hs_chapter,
        sector=sector,
        certification=certification,
    )
    open_rows = list_opportunities(viewer=viewer, open_only=True)
    if not query:
        rows = open_rows.filter(filters).order_by("-published_at", "pk")
        facets = summarise_opportunity_facets(open_rows) if with_facets else {}
        return OpportunitySearch(query="", results=rows, facets=facets)
    store, threshold = current_store(), search_threshold()
    matches = cached_matches(
        KIND,
        [query],
        lambda text: store.search(KIND, text, top=ENGINE_CANDIDATES, min_score=threshold),
        scope=f"search:{store.name}:{ENGINE_CANDIDATES}:{threshold}",
    )[0]
    relevance = {int(match.id): match.score for match in matches if match.id.isdigit()}
    # The hits as a condition (the words' index, or one of the engine's few), not as a list of
    # thousands of ids sent with each query: at a million listings a common word has 6,000 hits,
    # and passing them cost more than the queries themselves. They are read once, each with
    # what the facets count, whether its words hold the query's (an exact hit) and whether the
    # filters keep it: one query, not one for each (at a million, 50 of a search's 90 ms).
    hits = fulltext_condition(Opportunity, query, or_ids=sorted(relevance))
    visible = open_rows.filter(hits)
    # The newest first, as results of the same relevance are shown (the sort below keeps this
    # order among equals): the database orders them, rather than thousands of publication
    # moments being read into Python (a fifth of a search's time at a million listings).
    found = list(
        visible.annotate(
            exact=_flag(fulltext_condition(Opportunity, query)),
            kept=_flag(filters),
        )
        .order_by(F("published_at").desc(nulls_last=True), "pk")
        .values_list("pk", "side", "kind", "organisation__country", "exact", "kept")
    )
    exact = {row[0] for row in found if row[4]}
    facets = (
        summarise_found_facets(visible, [(row[1], row[2], row[3]) for row in found])
        if with_facets
        else {}
    )
    kept = [row[0] for row in found if row[5]]

    def relevance_of(pk: int) -> float:
        return relevance.get(pk, 0.0) + (EXACT_BONUS if pk in exact else 0.0)

    ranked = sorted(kept, key=relevance_of, reverse=True)
    return OpportunitySearch(
        query=query,
        results=RankedOpportunities(ranked),
        facets=facets,
        across_languages=frozenset(pk for pk in ranked if pk not in exact),
    )


def _flag(condition: Q) -> ExpressionWrapper | Value:
    """A condition as a column of true and false (true for every row without a condition)."""
    return ExpressionWrapper(condition, output_field=BooleanField()) if condition else Value(True)
