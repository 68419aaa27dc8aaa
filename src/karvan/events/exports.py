"""An event's meeting schedule as an XLSX workbook, for the organiser's floor staff.

One row per scheduled meeting, in time order: day and times in the event's own zone (where the
tables stand), the table or meeting point, each side's organisation and person, and whether the
meeting is published. Names are in the reader's language where the organisation gave one.
"""

import io
import zoneinfo

from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from karvan.core.text import localize
from karvan.events.models import Event, Meeting

# A cell a spreadsheet would read as a formula is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def schedule_workbook(*, event: Event, meetings: list[Meeting]) -> bytes:
    """The scheduled meetings as an XLSX file in the active language, right to left if it is."""
    language = get_language() or "en"
    zone = zoneinfo.ZoneInfo(event.time_zone)
    names = {p.number: p.name for p in event.meeting_points.all()}
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # a new workbook always has one sheet
        sheet = workbook.create_sheet()
    sheet.title = _("Schedule")[:31]
    sheet.sheet_view.rightToLeft = get_language_bidi()
    header = [
        _("Day"),
        _("Starts"),
        _("Ends"),
        _("Time zone"),
        _("Table"),
        _("Organisation"),
        _("Person"),
        _("Organisation"),
        _("Person"),
        _("Published"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for meeting in meetings:
        if meeting.slot is None:
            continue
        starts = meeting.slot.starts_at.astimezone(zone)
        ends = meeting.slot.ends_at.astimezone(zone)
        if event.is_online:
            place = _("Online")
        else:
            place = names.get(meeting.table or 0) or str(meeting.table or "")
        sides: list[str] = []
        for attendance in list(meeting.attendance.all())[:2]:
            organisation = attendance.registration.organisation
            sides += [
                _text(
                    localize(organisation.name, language, original=organisation.original_language)[
                        0
                    ]
                ),
                _text(attendance.registration.person.display_name),
            ]
        sides += [""] * (4 - len(sides))
        sheet.append(
            [
                starts.date(),
                starts.time().replace(tzinfo=None),
                ends.time().replace(tzinfo=None),
                event.time_zone,
                _text(place),
                *sides,
                _("yes") if meeting.is_published else _("no"),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = "yyyy-mm-dd"
        row[1].number_format = row[2].number_format = "hh:mm"
    for column, width in zip("ABCDEFGHIJ", (12, 8, 8, 16, 14, 32, 24, 32, 24, 10), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
