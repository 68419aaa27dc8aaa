"""The officers' decisions as CSV (with a byte-order mark, so spreadsheet programs read UTF-8)
and XLSX: one row per decision, with the list version and matcher version it was taken under."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from karvan.compliance.models import CaseEvent

# A cell a spreadsheet would read as a formula is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def decision_header() -> list[str]:
    return [
        _("Case"),
        _("Kind"),
        _("Screened"),
        _("List"),
        _("List entity id"),
        _("List entry"),
        _("Score"),
        _("Decision"),
        _("Officer"),
        _("Comment"),
        _("Decided at (UTC)"),
        _("List version loaded at (UTC)"),
        _("List file SHA-256"),
        _("Matcher version"),
    ]


def decision_rows(events: Iterable[CaseEvent]) -> list[list[str]]:
    rows = []
    for event in events:
        case = event.case
        version = event.list_version
        rows.append(
            [
                str(case.pk),
                _("organisation") if case.organisation_id else _("person"),
                case.subject_name,
                case.entry.source,
                case.entry.entity_id,
                case.entry.caption,
                f"{event.score:.3f}" if event.score is not None else "",
                str(event.get_action_display()),
                event.actor.display_name if event.actor else "",
                event.comment,
                event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                version.loaded_at.strftime("%Y-%m-%d %H:%M:%S") if version else "",
                version.checksum if version else "",
                event.matcher_version,
            ]
        )
    return rows


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[str]], *, rtl: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Decisions"
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
