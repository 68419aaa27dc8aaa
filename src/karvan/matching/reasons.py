"""The engine's reasons, as sentences in the reader's language."""

from collections.abc import Iterable

from babel.lists import format_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from karvan.core.countries import babel_locale, country_name
from karvan.core.models import HsCode, IsicCode
from karvan.matching.documents import ENGINE_LANGUAGES
from karvan.matching.engine import Reason
from karvan.matching.vocabulary import default_vocabulary

KIND_LABELS = {
    "product": lambda: _("product"),
    "technology": lambda: _("technology"),
    "investment": lambda: _("investment"),
    "partnership": lambda: _("partnership"),
    "service": lambda: _("service"),
}


def _code_name(model: type[HsCode] | type[IsicCode], code: str) -> str:
    """A code with its name; a six-digit HS subheading is named by its heading."""
    row = model.objects.filter(code=code).first()
    if row is None and model is HsCode and len(code) > 4:
        row = model.objects.filter(code=code[:4]).first()
    return f"{code} {row.name}" if row else code


def _listed(joined: str) -> str:
    """The engine's comma-joined words as a list in the reader's language ("a، b، و c")."""
    items = [item.strip() for item in joined.split(", ") if item.strip()]
    if len(items) < 2:
        return joined
    return format_list(items, locale=babel_locale(get_language() or "en"))


def _concept_label(params: dict[str, str]) -> str:
    """The shared concept in the reader's language (the engine names it in the listing's)."""
    concept = default_vocabulary().concepts.get(params.get("concepts", ""))
    if concept is None:
        return params.get("terms", "")
    return concept.label(ENGINE_LANGUAGES.get(get_language() or "en", "en"))


def describe_reason(reason: Reason) -> str:
    """One reason as a short phrase, e.g. "HS 0802 nuts · same heading"."""
    params = dict(reason.params)
    code = reason.code
    if code == "complementary":
        kind = KIND_LABELS.get(params.get("kind", ""))
        label = kind() if kind else params.get("kind", "")
        if params.get("side") == "offer":
            return _("their offer meets your request: %(kind)s") % {"kind": label}
        return _("their request meets your offer: %(kind)s") % {"kind": label}
    if code == "value_chain":
        return _("one value chain: your %(mine)s, their %(theirs)s") % {
            "mine": params.get("mine", ""),
            "theirs": params.get("theirs", ""),
        }
    if code == "other_country":
        return _("a partner in %(country)s") % {"country": country_name(params.get("country", ""))}
    if code == "same_hs_code":
        return _("same product, HS %(code)s") % {"code": _code_name(HsCode, params.get("code", ""))}
    if code == "same_hs_heading":
        return _("same product heading, HS %(code)s") % {
            "code": _code_name(HsCode, params.get("code", ""))
        }
    if code == "same_hs_chapter":
        return _("same product chapter, HS %(code)s") % {
            "code": _code_name(HsCode, params.get("code", ""))
        }
    if code == "same_sector":
        return _("same sector, ISIC %(code)s") % {
            "code": _code_name(IsicCode, params.get("code", ""))
        }
    if code == "shared_terms":
        return _("both mention %(terms)s") % {"terms": _listed(params.get("terms", ""))}
    if code == "shared_concepts":
        return _("both are about %(terms)s") % {"terms": _concept_label(params)}
    if code == "shared_words":
        return _("both use the words %(words)s") % {"words": _listed(params.get("words", ""))}
    if code == "same_side":
        if params.get("side") == "request":
            return _("also a request, like yours")
        return _("also an offer, like yours")
    if code == "similar_description":
        return _("similar description")
    if code == "same_kind":
        kind = KIND_LABELS.get(params.get("kind", ""))
        return _("same kind: %(kind)s") % {"kind": kind() if kind else params.get("kind", "")}
    return _("related")


def describe_reasons(reasons: Iterable[Reason], *, plain: bool = False) -> str | list[str]:
    """All reasons as phrases; joined with " · " when plain text is wanted."""
    phrases = [describe_reason(reason) for reason in reasons]
    return " · ".join(phrases) if plain else phrases
