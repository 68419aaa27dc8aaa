"""`{% machine_translation "opportunity" opportunity.pk opportunity.language %}`: the offer to
show a text in the reader's language, where the center runs a translation server."""

from django import template
from django.utils import translation

from karvan.translations.selectors import is_translation_enabled
from karvan.translations.services import same_language

register = template.Library()


@register.inclusion_tag("translations/_offer.html", takes_context=True)
def machine_translation(
    context: template.Context, kind: str, pk: int, language: str = ""
) -> dict[str, object]:
    viewer_language = translation.get_language() or "en"
    return {
        "show": is_translation_enabled() and not same_language(language or "auto", viewer_language),
        "kind": kind,
        "pk": pk,
        "csrf_token": context.get("csrf_token"),
    }
