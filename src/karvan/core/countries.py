"""Countries, their names in the viewer's language (from CLDR, through Babel), and the corridor."""

from functools import cache

from babel import Locale
from django.conf import settings
from django.utils import translation

# Codes CLDR lists that are not countries a company registers in.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def babel_locale(language: str) -> Locale:
    """Babel's locale for a Django language code (zh-hans is zh_Hans)."""
    return Locale.parse({"zh-hans": "zh_Hans"}.get(language, language.replace("-", "_")))


@cache
def _names(language: str) -> dict[str, str]:
    territories = babel_locale(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def country_name(code: str, language: str | None = None) -> str:
    """The name of a country in a language (the active one by default)."""
    return _names(language or translation.get_language() or "en").get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, corridor countries first, the rest by name."""
    names = _names(language or translation.get_language() or "en")
    corridor = [(code, names[code]) for code in settings.KARVAN_CORRIDOR if code in names]
    rest = sorted(
        ((code, name) for code, name in names.items() if code not in settings.KARVAN_CORRIDOR),
        key=lambda item: item[1],
    )
    return corridor + rest


def is_country(code: str) -> bool:
    return code in _names("en")


def corridor_countries() -> list[str]:
    return list(settings.KARVAN_CORRIDOR)


def other_side(country: str) -> list[str]:
    """The corridor countries other than this one: where a company's partners are."""
    return [code for code in settings.KARVAN_CORRIDOR if code != country]


def country_profile(country: str) -> dict[str, object]:
    """Language, zone, calendar, currency and weekend configured for a country (may be empty)."""
    return dict(settings.KARVAN_COUNTRY_PROFILES.get(country, {}))
