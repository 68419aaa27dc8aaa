"""Reading a delegation's people from a CSV or XLSX file: header row, then one person a row.

An XLSX file is a ZIP of XML parts written by whoever uploads it. Before openpyxl reads it (itself
through defusedxml), every part is read through defusedxml with document type declarations
forbidden, so entity-expansion bombs and external entities are refused, never expanded or fetched;
the parts' unpacked size is bounded too (a ZIP bomb).
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from karvan.events.errors import ImportFileError, UnsafeFileError

if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False, or defusedxml missing
    raise ImproperlyConfigured("openpyxl must read workbooks through defusedxml.")

COLUMNS = ("organisation", "registry_id", "country", "full_name", "email", "language", "sessions")
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_ALIASES = {
    "organization": "organisation",
    "company": "organisation",
    "name": "full_name",
    "e-mail": "email",
    "registry id": "registry_id",
    "national id": "registry_id",
    "uscc": "registry_id",
    "full name": "full_name",
}


def _header(cell: object) -> str:
    text = str(cell or "").strip().lower()
    return _ALIASES.get(text, text.replace(" ", "_"))


def _records(rows: Iterator[Sequence[object]]) -> list[dict[str, str]]:
    try:
        header = [_header(cell) for cell in next(rows)]
    except StopIteration as error:
        raise ImportFileError() from error
    if "email" not in header:
        raise ImportFileError()
    records: list[dict[str, str]] = []
    for values in rows:
        if len(records) >= MAX_ROWS:
            break
        record = {
            name: str(value if value is not None else "").strip()
            for name, value in zip(header, values, strict=False)
            if name in COLUMNS
        }
        if any(record.values()):
            records.append(record)
    return records


def _check_workbook(data: bytes) -> None:
    """Refuse a workbook whose parts unpack too large or declare a DTD (entities)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                raise ImportFileError()
            for part in parts:
                if not part.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(part) as stream:
                    for _event in iterparse(stream, forbid_dtd=True):
                        pass
    except DefusedXmlException as error:
        raise UnsafeFileError() from error
    except (zipfile.BadZipFile, ParseError, KeyError, ValueError, OSError) as error:
        raise ImportFileError() from error


def read_people(upload: UploadedFile) -> list[dict[str, str]]:
    """The rows of an uploaded CSV (UTF-8, comma or semicolon) or XLSX file, as dicts."""
    if upload.size and upload.size > MAX_BYTES:
        raise ImportFileError()
    data = upload.read()
    if data[:2] == b"PK":  # a ZIP container: XLSX
        _check_workbook(data)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return _records(iter(workbook.worksheets[0].iter_rows(values_only=True)))
        except (
            InvalidFileException,
            zipfile.BadZipFile,
            ParseError,
            KeyError,
            ValueError,
            IndexError,
            OSError,
        ) as error:
            raise ImportFileError() from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError() from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _records(iter(csv.reader(io.StringIO(text), dialect)))
    except csv.Error as error:  # a stray carriage return or NUL inside a field
        raise ImportFileError() from error
