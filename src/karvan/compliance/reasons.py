"""The matcher's reasons as sentences in the officer's language."""

from collections.abc import Mapping

from django.utils.translation import gettext as _


def _how(code: str) -> str:
    return {
        "exact": _("written the same"),
        "spelling": _("a spelling variant"),
        "romanisation": _("another romanisation"),
        "transliteration": _("transliterated between scripts"),
        "pinyin": _("read in pinyin"),
        "concept": _("the same word in another language"),
    }.get(code, code)


def explain(reason: Mapping[str, object]) -> str:
    """One reason (`{"code", "params"}` as stored on a case) as a sentence."""
    code = str(reason.get("code", ""))
    raw = reason.get("params")
    params = {k: str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    if code == "identifier":
        return _("Identical identifier %(value)s (%(scheme)s).") % params
    if code == "identifier_mismatch":
        return _("Identifiers of the same kind differ (%(scheme)s).") % params
    if code == "name":
        return _("Name “%(query)s” resembles “%(entity)s” (similarity %(similarity)s).") % params
    if code == "part":
        reading = params.get("reading")
        text = _("“%(query)s” ↔ “%(entity)s”: %(how)s, %(similarity)s.") % {
            **params,
            "how": _how(params.get("how", "")),
        }
        if reading:
            text += " " + _("Reading: %(reading)s.") % {"reading": reading}
        return text
    if code == "country_mismatch":
        return _("Countries differ: %(query)s here, %(entity)s on the list.") % params
    if code == "birth_date_mismatch":
        return _("Birth dates differ: %(query)s here, %(entity)s on the list.") % params
    if code == "legal_form_mismatch":
        return _("Legal forms differ: %(query)s here, %(entity)s on the list.") % params
    return code
