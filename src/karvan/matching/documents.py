"""What the store indexes: a document is an engine `Listing` (its id is the key) with an expiry.

The owning app turns its rows into documents (`opportunities.matching.adapters`,
`knowledge.indexing`); the store keeps the listing's fields beside the vector, so that every
process's index is rebuilt from the stored rows without reading the owners' tables.
"""

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from karvan.matching.engine import Listing

ENGINE_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}


def engine_language(language: str) -> str:
    """The engine's code for a content language (English for one it does not know)."""
    return ENGINE_LANGUAGES.get(language, "en")


@dataclass(frozen=True)
class Document:
    listing: Listing
    expires_on: datetime.date | None = None

    @property
    def key(self) -> str:
        return self.listing.id

    @property
    def text(self) -> str:
        """The words embedded: title and description."""
        return f"{self.listing.title}\n{self.listing.description}"


def listing_fields(listing: Listing) -> dict[str, object]:
    """A listing as stored in JSON (the id is the row's key)."""
    fields = dataclasses.asdict(listing)
    del fields["id"], fields["translations"]
    if listing.translations:  # absent otherwise, so rows stored before them read as unchanged
        fields["translations"] = [[language, text] for language, text in listing.translations]
    return {**fields, "hs_codes": list(listing.hs_codes), "isic_codes": list(listing.isic_codes)}


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(code) for code in value) if isinstance(value, list | tuple) else ()


def _translations(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        (str(pair[0]), str(pair[1]))
        for pair in value
        if isinstance(pair, list | tuple) and len(pair) == 2
    )


def listing_from_fields(key: str, fields: Mapping[str, object]) -> Listing:
    """The listing stored under `key`."""
    return Listing(
        id=key,
        side=str(fields.get("side", "offer")),
        kind=str(fields.get("kind", "product")),
        language=str(fields.get("language", "en")),
        country=str(fields.get("country", "")),
        title=str(fields.get("title", "")),
        description=str(fields.get("description", "")),
        hs_codes=_codes(fields.get("hs_codes")),
        isic_codes=_codes(fields.get("isic_codes")),
        owner=str(fields.get("owner", "")),
        translations=_translations(fields.get("translations")),
    )
