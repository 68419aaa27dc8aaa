"""Reading UN Comtrade CSV exports: the legacy bulk download and the Comtrade+ API download.

Plain Python, no Django. `read_comtrade` yields one `TradeRow` per good line and one `BadRow`
(with its line number and why) per line it cannot use, and goes on. Columns are recognised by
their names in either format, case and spacing ignored:

| meaning | bulk CSV | API CSV |
|---|---|---|
| reporter | Reporter ISO / Reporter Code / Reporter | reporterISO / reporterCode / reporterDesc |
| partner | Partner ISO / Partner Code / Partner | partnerISO / partnerCode / partnerDesc |
| period | Period (YYYY or YYYYMM), Year | period / refPeriodId, refYear, refMonth |
| flow | Trade Flow Code (1 M, 2 X, 3 RX, 4 RM) / Trade Flow | flowCode / flowDesc |
| commodity | Commodity Code | cmdCode |
| value (USD) | Trade Value (US$) | primaryValue (else cifvalue / fobvalue) |
| net weight (kg) | Netweight (kg) | netWgt |

Countries become ISO 3166 alpha-2 codes (from alpha-3 or numeric codes); partners such as
"World" (code 0) are kept as "W0".
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

CODES = Path(__file__).resolve().parent / "data" / "country_codes.csv"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "reporter_iso": ("reporteriso", "reporterisocode"),
    "reporter_code": ("reportercode",),
    "reporter_name": ("reporter", "reporterdesc"),
    "partner_iso": ("partneriso", "partnerisocode"),
    "partner_code": ("partnercode",),
    "partner_name": ("partner", "partnerdesc"),
    "period": ("period", "refperiodid"),
    "year": ("year", "refyear"),
    "month": ("refmonth",),
    "flow_code": ("tradeflowcode", "flowcode"),
    "flow_name": ("tradeflow", "flowdesc", "flow"),
    "commodity": ("commoditycode", "cmdcode"),
    "value": ("tradevalueus", "tradevalue", "primaryvalue", "cifvalue", "fobvalue"),
    "weight": ("netweightkg", "netwgt", "netweight"),
    "frequency": ("freqcode", "frequency"),
}
_FLOWS = {
    "1": "M",
    "2": "X",
    "3": "RX",
    "4": "RM",
    "m": "M",
    "x": "X",
    "rm": "RM",
    "rx": "RX",
    "import": "M",
    "export": "X",
    "re-export": "RX",
    "re-import": "RM",
}


@dataclass(frozen=True)
class TradeRow:
    line: int
    reporter: str
    partner: str
    year: int
    month: int  # 0 for a whole year
    flow: str  # M, X, RM, RX
    commodity_code: str
    trade_value_usd: Decimal
    net_weight_kg: Decimal | None

    @property
    def key(self) -> tuple[str, str, int, int, str, str]:
        return (
            self.reporter,
            self.partner,
            self.year,
            self.month,
            self.flow,
            self.commodity_code,
        )


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


class NotComtradeError(ValueError):
    """The file's header names none of the columns a Comtrade export has."""


@cache
def _country_codes() -> tuple[dict[str, str], dict[str, str]]:
    alpha3, numeric = {}, {}
    with CODES.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            alpha3[row["alpha3"]] = row["alpha2"]
            numeric[str(int(row["numeric"]))] = row["alpha2"]
    return alpha3, numeric


def _normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lstrip("\ufeff").casefold())


def _country(iso: str, code: str) -> str:
    alpha3, numeric = _country_codes()
    iso = iso.strip().upper()
    if len(iso) == 3 and iso in alpha3:
        return alpha3[iso]
    if len(iso) == 2 and iso.isalpha():
        return iso
    code = code.strip()
    if code.isdigit():
        if int(code) == 0:
            return "W0"  # the world as a partner
        return numeric.get(str(int(code)), "")
    return ""


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def read_comtrade(
    text_lines: Iterable[str], progress: Callable[[int], None] | None = None
) -> Iterator[TradeRow | BadRow]:
    """Rows of a Comtrade CSV export, good ones as `TradeRow`, unusable ones as `BadRow`.

    Raises NotComtradeError when the header is not a Comtrade export's.
    """
    reader = csv.reader(text_lines)
    try:
        header = next(reader)
    except StopIteration:
        raise NotComtradeError("the file is empty") from None
    names = [_normalise_header(name) for name in header]
    where: dict[str, int] = {}
    for meaning, candidates in _COLUMNS.items():
        for candidate in candidates:
            if candidate in names:
                where[meaning] = names.index(candidate)
                break
    needed = {"commodity", "value"}
    if not needed <= set(where) or not ({"period", "year"} & set(where)):
        raise NotComtradeError(
            "the header has no commodity code, trade value or period column: "
            "is this a UN Comtrade CSV export?"
        )

    def cell(row: list[str], meaning: str) -> str:
        index = where.get(meaning)
        return row[index].strip() if index is not None and index < len(row) else ""

    for line, row in enumerate(reader, start=2):
        if progress is not None and line % 1000 == 0:
            progress(line)
        if not any(value.strip() for value in row):
            continue
        if len(row) < len(header):
            yield BadRow(line, f"{len(row)} columns where the header has {len(header)}")
            continue
        reporter = _country(cell(row, "reporter_iso"), cell(row, "reporter_code"))
        partner = _country(cell(row, "partner_iso"), cell(row, "partner_code"))
        if not reporter or not partner:
            yield BadRow(line, "unknown reporter or partner country")
            continue
        period = cell(row, "period") or cell(row, "year")
        month_text = cell(row, "month")
        if not re.fullmatch(r"\d{4}(\d{2})?", period):
            yield BadRow(line, f"period {period!r} is neither YYYY nor YYYYMM")
            continue
        year = int(period[:4])
        month = int(period[4:]) if len(period) == 6 else 0
        if month == 0 and month_text.isdigit() and cell(row, "frequency").upper() == "M":
            month = int(month_text)
        if not 1900 <= year <= 2100 or not 0 <= month <= 12:
            yield BadRow(line, f"period {period!r} is out of range")
            continue
        flow = _FLOWS.get(cell(row, "flow_code").casefold()) or _FLOWS.get(
            cell(row, "flow_name").casefold()
        )
        if flow is None:
            yield BadRow(line, "unknown trade flow")
            continue
        commodity = cell(row, "commodity").upper()
        if not (commodity == "TOTAL" or re.fullmatch(r"\d{2}(\d{2}){0,2}", commodity)):
            yield BadRow(line, f"commodity code {commodity!r} is not an HS code")
            continue
        try:
            value = _decimal(cell(row, "value"))
            weight = _decimal(cell(row, "weight"))
        except ValueError as error:
            yield BadRow(line, f"{error.args[0]!r} is not a number")
            continue
        if value is None or value < 0:
            yield BadRow(line, "the trade value is missing or negative")
            continue
        yield TradeRow(
            line=line,
            reporter=reporter,
            partner=partner,
            year=year,
            month=month,
            flow=flow,
            commodity_code=commodity,
            trade_value_usd=value,
            net_weight_kg=weight if weight is None or weight >= 0 else None,
        )


def open_text(path: Path) -> io.TextIOWrapper:
    """A Comtrade file as text: UTF-8 (with or without a byte-order mark), else Latin-1."""
    raw = path.open("rb")
    head = raw.read(65536)
    raw.seek(0)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A character cut by the end of the sample is not a reason to doubt UTF-8.
        if error.start < len(head) - 3:
            encoding = "latin-1"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")
