"""Opportunities as the engine sees them: rows in, `Listing` records and store documents out.

Machine translations of a description join its listing as extra text in their languages. They
belong to the translations app, which imports opportunities (to reach the texts it may
translate); so it registers its reader here when it loads, and asks for the listing to be indexed
again when it stores a translation (`indexing.schedule_indexing_of_description`).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from karvan.matching.documents import Document, engine_language
from karvan.matching.engine import Listing
from karvan.opportunities.models import Opportunity

# The kind of document opportunities are in the matching store; keys are their primary keys.
KIND = "opportunity"

# (text, its language) pairs → for each, its finished translations as (language, text) pairs.
TranslationReader = Callable[
    [Sequence[tuple[str, str]]], Mapping[tuple[str, str], Sequence[tuple[str, str]]]
]
_translation_readers: list[TranslationReader] = []


def register_translation_reader(reader: TranslationReader) -> None:
    """Let the machine translations `reader` finds feed matching and search (once per reader)."""
    if reader not in _translation_readers:
        _translation_readers.append(reader)


def translations_of(
    opportunities: Iterable[Opportunity],
) -> dict[int, tuple[tuple[str, str], ...]]:
    """The finished machine translations of each opportunity's description, in engine codes."""
    opportunities = list(opportunities)
    texts = [(o.description, o.language) for o in opportunities if o.description.strip()]
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for reader in _translation_readers:
        for source, versions in reader(texts).items():
            found.setdefault(source, []).extend(versions)
    return {
        opportunity.pk: tuple(
            (engine_language(language), text)
            for language, text in found.get((opportunity.description, opportunity.language), [])
        )
        for opportunity in opportunities
    }


def to_listing(opportunity: Opportunity, translations: Sequence[tuple[str, str]] = ()) -> Listing:
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
        translations=tuple(translations),
    )


def to_document(opportunity: Opportunity, translations: Sequence[tuple[str, str]] = ()) -> Document:
    return Document(to_listing(opportunity, translations), expires_on=opportunity.expires_on)
