"""Karvan's summary of a listing or a quotation: its key facts in the reader's language, offline.

Built only from what the author declared (side, kind, HS codes, quantity, prices, Incoterm, port,
certifications, target countries, expiry) and from the specific concepts the vocabulary finds in
the text, so it needs no translation server and never says more than the listing does. Pages,
cards and the API show the same summary, marked as Karvan's, beside the original text.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from karvan.core.calendars import format_date, format_datetime, localize_digits
from karvan.core.countries import country_name
from karvan.core.templatetags.karvan import amount
from karvan.core.text import text_direction
from karvan.matching.text import guess_language
from karvan.matching.vocabulary import default_vocabulary
from karvan.opportunities.models import Opportunity, Quotation

# The vocabulary's language codes, by interface language.
_VOCABULARY_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}
_MAX_CONCEPTS = 6
_CARD_FACTS = frozenset({"goods", "mentions", "quantity", "price", "delivery"})


@dataclass(frozen=True)
class KeyFact:
    """One line of the summary: what it is about and what the listing says, both in the
    reader's language (codes and names the author typed, such as a port, stay as typed)."""

    code: str
    label: str
    value: str


@dataclass(frozen=True)
class KeyFacts:
    """The summary of one listing or quotation, written in `language`."""

    language: str
    direction: str
    headline: str
    facts: tuple[KeyFact, ...]

    @property
    def brief(self) -> tuple[KeyFact, ...]:
        """The facts a card has room for: what, how much, at what price, delivered where."""
        return tuple(fact for fact in self.facts if fact.code in _CARD_FACTS)

    def as_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "headline": self.headline,
            "facts": [{"code": f.code, "label": f.label, "value": f.value} for f in self.facts],
        }


def _reader_language(language: str | None) -> str:
    return language or translation.get_language() or "en"


def specific_concepts(text: str, *, language: str, reader_language: str) -> list[str]:
    """The specific things a text mentions, named in the reader's language: top-level groups
    (machinery, services, packaging) and a concept refined by a narrower one found beside it
    (nuts when pistachios are named) say nothing a reader can act on, so they are left out."""
    vocabulary = default_vocabulary()
    found = vocabulary.extract(text, _VOCABULARY_LANGUAGES.get(language, ""))
    broader: set[str] = set()
    for concept in found:
        broader |= vocabulary.ancestors(concept) - {concept}
    reader = _VOCABULARY_LANGUAGES.get(reader_language, "en")
    labels: list[str] = []
    for concept in found:
        if concept in broader or vocabulary.is_generic(concept):
            continue
        label = vocabulary.concepts[concept].label(reader)
        if label not in labels:
            labels.append(label)
    return labels[:_MAX_CONCEPTS]


def _list(items: Iterable[str], language: str) -> str:
    if language.split("-")[0] in {"fa", "ar"}:
        separator = "، "
    elif language.startswith("zh"):
        separator = "、"
    else:
        separator = ", "
    return separator.join(item for item in items if item)


def _price_range(low: object, high: object, currency: str, per: str) -> str:
    if low is not None and high is not None and low != high:
        numbers = f"{amount(low)}–{amount(high)}"
    else:
        numbers = amount(low if low is not None else high)
    return " ".join(part for part in (numbers, currency, per) if part)


def _expiry(value: datetime.date) -> str:
    return format_date(value)


def build_key_facts(opportunity: Opportunity, *, language: str | None = None) -> KeyFacts:
    """The key facts of a listing in `language` (the active language by default)."""
    language = _reader_language(language)
    with translation.override(language):
        parts = [str(opportunity.get_side_display()), str(opportunity.get_kind_display())]
        if opportunity.is_rfq:
            parts.append(_("request for quotation"))
        facts: list[KeyFact] = []
        goods = [f"HS {code.code} {code.name}" for code in opportunity.hs_codes.all()]
        if goods:
            facts.append(KeyFact("goods", _("Goods"), _list(goods, language)))
        concepts = specific_concepts(
            f"{opportunity.title}\n{opportunity.description}",
            language=opportunity.language,
            reader_language=language,
        )
        if concepts:
            facts.append(KeyFact("mentions", _("The text mentions"), _list(concepts, language)))
        if opportunity.quantity is not None:
            value = f"{amount(opportunity.quantity)} {opportunity.get_quantity_unit_display()}"
            facts.append(KeyFact("quantity", _("Quantity"), value.strip()))
        if opportunity.price_min is not None or opportunity.price_max is not None:
            value = _price_range(
                opportunity.price_min,
                opportunity.price_max,
                opportunity.currency,
                opportunity.price_per,
            )
            facts.append(KeyFact("price", _("Price"), value))
        if opportunity.incoterm or opportunity.port:
            value = " ".join(part for part in (opportunity.incoterm, opportunity.port) if part)
            facts.append(KeyFact("delivery", _("Delivery"), value))
        if opportunity.certifications:
            facts.append(
                KeyFact(
                    "certifications",
                    _("Certifications"),
                    _list(opportunity.certifications, language),
                )
            )
        if opportunity.target_countries:
            names = [country_name(code, language) for code in opportunity.target_countries]
            facts.append(KeyFact("target_countries", _("Target countries"), _list(names, language)))
        if opportunity.expires_on:
            facts.append(KeyFact("expires_on", _("Open until"), _expiry(opportunity.expires_on)))
        if opportunity.is_rfq and opportunity.quotation_deadline:
            facts.append(
                KeyFact(
                    "quotation_deadline",
                    _("Quotation deadline"),
                    format_datetime(opportunity.quotation_deadline),
                )
            )
        return KeyFacts(
            language=language,
            direction=text_direction(language),
            headline=" · ".join(parts),
            facts=tuple(facts),
        )


def build_quotation_key_facts(quotation: Quotation, *, language: str | None = None) -> KeyFacts:
    """The key facts of a quotation in `language`: its terms in numbers, and what its free-text
    terms mention."""
    language = _reader_language(language)
    with translation.override(language):
        facts = [
            KeyFact(
                "price",
                _("Unit price"),
                _price_range(quotation.unit_price, None, quotation.currency, quotation.price_per),
            ),
            KeyFact(
                "quantity",
                _("Quantity"),
                f"{amount(quotation.quantity)} {quotation.get_quantity_unit_display()}".strip(),
            ),
            KeyFact(
                "lead_time",
                _("Lead time"),
                translation.ngettext("%(shown)s day", "%(shown)s days", quotation.lead_time_days)
                % {"shown": localize_digits(str(quotation.lead_time_days))},
            ),
        ]
        if quotation.incoterm:
            facts.append(KeyFact("delivery", _("Delivery"), quotation.incoterm))
        if quotation.terms:
            concepts = specific_concepts(
                quotation.terms,
                language=guess_language(quotation.terms),
                reader_language=language,
            )
            if concepts:
                facts.append(KeyFact("mentions", _("The terms mention"), _list(concepts, language)))
        return KeyFacts(
            language=language,
            direction=text_direction(language),
            headline=str(_("Quotation")),
            facts=tuple(facts),
        )
