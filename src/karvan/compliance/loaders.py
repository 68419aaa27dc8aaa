"""Readers of sanctions-list files: OpenSanctions CSV, FollowTheMoney JSON lines, the UN XML.

Each reader yields, in file order, a `Record` (an entity to add or replace, or one to delete, for
FollowTheMoney delta files) or a `BadRecord` naming the line and what is wrong with it; a bad
record never stops the load. Plain Python; the Django layer (`services.load_list`) stores them.
"""

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

from defusedxml import DefusedXmlException
from defusedxml.sax import parse as parse_xml

from karvan.compliance.engine import ListEntity

FORMATS = ("csv", "ftm", "un")
CSV_COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
)
KNOWN_SCHEMAS = frozenset(
    {
        "Person",
        "Organization",
        "Company",
        "LegalEntity",
        "PublicBody",
        "Vessel",
        "Airplane",
        "Thing",
    }
)


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    entity: ListEntity
    delete: bool = False
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BadRecord:
    line: int
    message: str


class ListFormatError(ValueError):
    """The file is not in the format it was read as."""


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".json", ".jsonl", ".ftm", ".ijson", ".ndjson"):
        return "ftm"
    if suffix == ".xml":
        return "un"
    raise ListFormatError(f"cannot tell the format of {path.name}: give --format")


def read_list(path: Path, list_format: str) -> Iterator[Record | BadRecord]:
    if list_format == "csv":
        return read_opensanctions_csv(path)
    if list_format == "ftm":
        return read_ftm_jsonl(path)
    if list_format == "un":
        return read_un_xml(path)
    raise ListFormatError(f"unknown format {list_format!r}")


def is_delta(path: Path, list_format: str) -> bool:
    """A FollowTheMoney delta file (ADD/MOD/DEL operations) changes only the entities it names."""
    if list_format != "ftm":
        return False
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError:
                    return False
                return isinstance(first, dict) and "op" in first
    return False


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (cell or "").split(";") if v.strip())


def read_opensanctions_csv(path: Path) -> Iterator[Record | BadRecord]:
    """OpenSanctions `targets.simple.csv`: multi-valued cells separated by `;`."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None:
            return
        columns = [c.strip() for c in header]
        missing = {"id", "schema", "name"} - set(columns)
        if missing:
            raise ListFormatError(
                f"not an OpenSanctions CSV: no column {', '.join(sorted(missing))}"
            )
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield BadRecord(reader.line_num, f"unreadable row: {error}")
                continue
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                yield BadRecord(line, f"{len(row)} cells, the header has {len(columns)}")
                continue
            values = dict(zip(columns, row, strict=True))
            problem = _check(values.get("id", ""), values.get("schema", ""), values.get("name", ""))
            if problem:
                yield BadRecord(line, problem)
                continue
            entity = ListEntity(
                id=values["id"].strip(),
                schema=values["schema"].strip(),
                names=(values["name"].strip(), *_split(values.get("aliases"))),
                countries=tuple(c.upper() for c in _split(values.get("countries"))),
                birth_dates=_split(values.get("birth_date")),
                identifiers=_split(values.get("identifiers")),
            )
            details = {
                key: values.get(key, "").strip()
                for key in ("sanctions", "dataset", "addresses", "last_change")
                if values.get(key, "").strip()
            }
            yield Record(line, entity, details=details)


def _check(entity_id: str, schema: str, name: str) -> str:
    if not entity_id.strip():
        return "no id"
    if schema.strip() not in KNOWN_SCHEMAS:
        return f"unknown schema {schema.strip()!r}"
    if not name.strip():
        return "no name"
    return ""


_FTM_NAMES = ("name", "alias", "previousName", "weakAlias", "abbreviation")
_FTM_COUNTRIES = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")
_FTM_IDENTIFIERS = (
    "registrationNumber",
    "idNumber",
    "taxNumber",
    "passportNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "vatCode",
    "uniqueEntityId",
    "imoNumber",
    "swiftBic",
)


def _strings(properties: Mapping[str, object], keys: Sequence[str]) -> tuple[str, ...]:
    found: list[str] = []
    for key in keys:
        values = properties.get(key) or []
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            found.extend(v.strip() for v in values if isinstance(v, str) and v.strip())
    return tuple(dict.fromkeys(found))


def _ftm_entity(data: object) -> ListEntity | str:
    if not isinstance(data, dict):
        return "not an entity object"
    properties = data.get("properties")
    if not isinstance(properties, dict):
        return "no properties"
    names = _strings(properties, _FTM_NAMES)
    if not names:
        parts = _strings(properties, ("firstName", "middleName", "lastName"))
        names = (" ".join(parts),) if parts else ()
    problem = _check(str(data.get("id") or ""), str(data.get("schema") or ""), " ".join(names))
    if problem:
        return problem
    return ListEntity(
        id=str(data["id"]),
        schema=str(data["schema"]),
        names=names,
        countries=tuple(c.upper() for c in _strings(properties, _FTM_COUNTRIES)),
        birth_dates=_strings(properties, ("birthDate", "incorporationDate")),
        identifiers=_strings(properties, _FTM_IDENTIFIERS),
    )


def read_ftm_jsonl(path: Path) -> Iterator[Record | BadRecord]:
    """FollowTheMoney entities, one JSON object a line, or a delta file of ADD/MOD/DEL lines."""
    with path.open(encoding="utf-8") as stream:
        for line_number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                yield BadRecord(line_number, f"not JSON: {error.args[0]}")
                continue
            if isinstance(data, dict) and "op" in data:
                operation = data.get("op")
                payload = data.get("entity")
                if operation == "DEL":
                    entity_id = payload.get("id") if isinstance(payload, dict) else None
                    if not entity_id:
                        yield BadRecord(line_number, "DEL without an entity id")
                        continue
                    yield Record(line_number, ListEntity(str(entity_id), "Thing", ()), delete=True)
                    continue
                if operation not in ("ADD", "MOD"):
                    yield BadRecord(line_number, f"unknown operation {operation!r}")
                    continue
                data = payload
            entity = _ftm_entity(data)
            if isinstance(entity, str):
                yield BadRecord(line_number, entity)
                continue
            datasets = data.get("datasets") if isinstance(data, dict) else None
            details = {"dataset": ";".join(datasets)} if isinstance(datasets, list) else {}
            yield Record(line_number, entity, details=details)


# UN consolidated list: the nationality and address countries as written there, to ISO codes.
UN_COUNTRIES = {
    "iran": "IR",
    "iran (islamic republic of)": "IR",
    "china": "CN",
    "iraq": "IQ",
    "syria": "SY",
    "syrian arab republic": "SY",
    "afghanistan": "AF",
    "pakistan": "PK",
    "united arab emirates": "AE",
    "saudi arabia": "SA",
    "yemen": "YE",
    "lebanon": "LB",
    "libya": "LY",
    "sudan": "SD",
    "somalia": "SO",
    "democratic people's republic of korea": "KP",
    "russian federation": "RU",
    "turkey": "TR",
    "türkiye": "TR",
    "egypt": "EG",
    "jordan": "JO",
    "kuwait": "KW",
    "qatar": "QA",
    "oman": "OM",
    "bahrain": "BH",
    "malaysia": "MY",
    "singapore": "SG",
    "hong kong": "HK",
    "india": "IN",
}


class _UnHandler(ContentHandler):
    """Collects INDIVIDUAL and ENTITY records of the UN list, with the line each starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[Record | BadRecord] = []
        self._locator: Locator | None = None
        self._path: list[str] = []
        self._text = ""
        self._current: dict[str, list[str]] | None = None
        self._start_line = 0

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 (SAX's name)
        self._locator = locator

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802
        self._path.append(name)
        self._text = ""
        if name in ("INDIVIDUAL", "ENTITY"):
            self._current = {}
            self._start_line = (self._locator.getLineNumber() or 0) if self._locator else 0

    def characters(self, content: str) -> None:
        self._text += content

    def endElement(self, name: str) -> None:  # noqa: N802
        text = self._text.strip()
        self._text = ""
        parent = self._path[-2] if len(self._path) > 1 else ""
        self._path.pop()
        if self._current is None:
            return
        if name in ("INDIVIDUAL", "ENTITY"):
            self.records.append(self._finish(name, self._current))
            self._current = None
            return
        if text:
            self._current.setdefault(f"{parent}/{name}", []).append(text)

    def _finish(self, kind: str, fields: Mapping[str, list[str]]) -> Record | BadRecord:
        def first(key: str) -> str:
            return (fields.get(key) or [""])[0]

        entity_id = first(f"{kind}/REFERENCE_NUMBER") or first(f"{kind}/DATAID")
        parts = [
            first(f"{kind}/{key}")
            for key in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        ]
        name = " ".join(p for p in parts if p)
        aliases = [
            *fields.get(f"{kind}/NAME_ORIGINAL_SCRIPT", []),
            *fields.get(f"{kind}_ALIAS/ALIAS_NAME", []),
        ]
        if not entity_id:
            return BadRecord(self._start_line, "no REFERENCE_NUMBER or DATAID")
        if not name:
            return BadRecord(self._start_line, f"{entity_id}: no name")
        countries = {
            UN_COUNTRIES[value.strip().lower()]
            for key in ("NATIONALITY/VALUE", f"{kind}_ADDRESS/COUNTRY")
            for value in fields.get(key, [])
            if value.strip().lower() in UN_COUNTRIES
        }
        births = [
            *fields.get("INDIVIDUAL_DATE_OF_BIRTH/DATE", []),
            *fields.get("INDIVIDUAL_DATE_OF_BIRTH/YEAR", []),
        ]
        documents = fields.get("INDIVIDUAL_DOCUMENT/NUMBER", [])
        entity = ListEntity(
            id=entity_id,
            schema="Person" if kind == "INDIVIDUAL" else "Organization",
            names=tuple(dict.fromkeys([name, *aliases])),
            countries=tuple(sorted(countries)),
            birth_dates=tuple(births),
            identifiers=tuple(documents),
        )
        details = {"sanctions": first(f"{kind}/UN_LIST_TYPE"), "dataset": "un_sc_sanctions"}
        return Record(self._start_line, entity, details={k: v for k, v in details.items() if v})


def read_un_xml(path: Path) -> Iterator[Record | BadRecord]:
    """The UN Security Council consolidated list (parsed with defusedxml: no entity expansion)."""
    handler = _UnHandler()
    try:
        parse_xml(str(path), handler)
    except SAXParseException as error:
        line = error.getLineNumber() or 0
        handler.records.append(BadRecord(line, f"XML error: {error.getMessage()}"))
    except DefusedXmlException as error:
        raise ListFormatError(f"refused XML construct: {error}") from error
    yield from handler.records
