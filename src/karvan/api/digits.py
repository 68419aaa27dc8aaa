"""Schema types that read numbers typed in Persian, Arabic-Indic or full-width digits (and the
Persian separators ٬ ٫) like ASCII ones, through the same functions as the forms (core.digits)."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator

from karvan.core.digits import normalize_code, normalize_digits, normalize_number


def _strings(normalize: Callable[[str], str]) -> BeforeValidator:
    return BeforeValidator(lambda value: normalize(value) if isinstance(value, str) else value)


NativeInt = Annotated[int, _strings(normalize_number)]
NativeDecimal = Annotated[Decimal, _strings(normalize_number)]
NativeDate = Annotated[datetime.date, _strings(normalize_digits)]
NativeDateTime = Annotated[datetime.datetime, _strings(normalize_digits)]
NativeCode = Annotated[str, _strings(normalize_code)]
