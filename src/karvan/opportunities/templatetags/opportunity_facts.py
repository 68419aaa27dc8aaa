"""Template tags for Karvan's summary of listings and quotations."""

from django import template

from karvan.opportunities.key_facts import KeyFacts, build_key_facts, build_quotation_key_facts
from karvan.opportunities.models import Opportunity, Quotation

register = template.Library()


@register.simple_tag
def key_facts(opportunity: Opportunity) -> KeyFacts:
    """The listing's key facts in the viewer's language: `{% key_facts opportunity as facts %}`."""
    return build_key_facts(opportunity)


@register.simple_tag
def quotation_facts(quotation: Quotation) -> KeyFacts:
    """A quotation's key facts in the viewer's language."""
    return build_quotation_key_facts(quotation)
