"""Opportunities as the engine sees them: rows in, `Listing` records and store documents out."""

from karvan.matching.documents import Document, engine_language
from karvan.matching.engine import Listing
from karvan.opportunities.models import Opportunity

# The kind of document opportunities are in the matching store; keys are their primary keys.
KIND = "opportunity"


def to_listing(opportunity: Opportunity) -> Listing:
    return Listing(
        id=str(opportunity.pk),
        side=opportunity.side,
        kind=opportunity.kind,
        language=engine_language(opportunity.language),
        country=opportunity.organisation.country,
        title=opportunity.title,
        description=opportunity.description,
        hs_codes=tuple(code.code for code in opportunity.hs_codes.all()),
        isic_codes=tuple(code.code for code in opportunity.sectors.all()),
        owner=str(opportunity.organisation_id),
    )


def to_document(opportunity: Opportunity) -> Document:
    return Document(to_listing(opportunity), expires_on=opportunity.expires_on)
