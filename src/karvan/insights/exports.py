"""A chart's rows as CSV (with a byte-order mark, so spreadsheet programs read UTF-8) and XLSX."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font


def rows_to_csv(header: Sequence[str], rows: Sequence[tuple[str, float]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for label, value in rows:
        writer.writerow([label, int(value) if float(value).is_integer() else value])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook.
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Chart"
    name, number = base, 2
    while name in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def charts_to_xlsx(
    charts: Sequence[tuple[str, Sequence[str], Sequence[tuple[str, float]]]],
    *,
    filters: Sequence[tuple[str, str]],
    rtl: bool = False,
) -> bytes:
    """The whole dashboard as one workbook: a sheet per chart, each with the filters it was
    computed with written under its title, so a sheet read alone still says what it counts."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, header, rows in charts:
        sheet = workbook.create_sheet(_sheet_title(title, taken))
        sheet.sheet_view.rightToLeft = rtl
        sheet.append([title])
        sheet["A1"].font = Font(bold=True)
        for label, value in filters:
            sheet.append([label, value])
        sheet.append([])
        sheet.append(list(header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for label, amount in rows:
            sheet.append([label, int(amount) if float(amount).is_integer() else amount])
        sheet.column_dimensions["A"].width = max(
            12, min(60, max((len(r[0]) for r in rows), default=10) + 2)
        )
        sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rows_to_xlsx(
    title: str, header: Sequence[str], rows: Sequence[tuple[str, float]], *, rtl: bool = False
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Chart"
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for label, value in rows:
        sheet.append([label, int(value) if float(value).is_integer() else value])
    sheet.column_dimensions["A"].width = max(
        12, min(60, max((len(r[0]) for r in rows), default=10) + 2)
    )
    sheet.column_dimensions["B"].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
