"""Opportunities as the engine sees them: rows in, plain `Listing` records out."""

from karvan.matching.engine import Listing
from karvan.opportunities.models import Opportunity

ENGINE_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}


def to_listing(opportunity: Opportunity) -> Listing:
    return Listing(
        id=str(opportunity.pk),
        side=opportunity.side,
        kind=opportunity.kind,
        language=ENGINE_LANGUAGES.get(opportunity.language, "en"),
        country=opportunity.organisation.country,
        title=opportunity.title,
        description=opportunity.description,
        hs_codes=tuple(code.code for code in opportunity.hs_codes.all()),
        isic_codes=tuple(code.code for code in opportunity.sectors.all()),
        owner=str(opportunity.organisation_id),
    )
