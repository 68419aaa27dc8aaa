import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone, translation

from karvan.core.calendars import GREGORIAN, JALALI, override_calendar
from karvan.core.charts import Filters, get_chart_spec, list_chart_specs, month_labels
from karvan.directory.models import Organisation
from tests.factories import OrganisationFactory


def test_the_centers_own_charts_come_first_whatever_the_order_of_the_apps():
    """Events and agreements register their charts in core; insights' open the dashboard."""
    keys = [spec.key for spec in list_chart_specs()]
    assert keys[0] == "organisations-by-month"
    assert keys.index("days-to-first-interest") < keys.index("meetings-requested-held-rated")
    assert keys.index("meetings-requested-held-rated") < keys.index("agreements-signed-by-month")


def _organisations_created_at(*moments: datetime.datetime) -> None:
    for moment in moments:
        organisation = OrganisationFactory()
        Organisation.objects.filter(pk=organisation.pk).update(created_at=moment)


# In Tehran: the last evening of Aban 1405, the first minutes of Azar, and mid-Azar; all three
# are in November 2026 for a Gregorian reader in the same zone.
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
LAST_OF_ABAN = datetime.datetime(2026, 11, 21, 23, 30, tzinfo=TEHRAN)
FIRST_OF_AZAR = datetime.datetime(2026, 11, 22, 0, 30, tzinfo=TEHRAN)
MID_AZAR = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=TEHRAN)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_persian_reader_sees_solar_hijri_months_counting_the_rows_of_each():
    """Months are bucketed by the reader's calendar, labelled in Persian words and digits."""
    _organisations_created_at(LAST_OF_ABAN, FIRST_OF_AZAR, MID_AZAR)
    with translation.override("fa"), timezone.override(TEHRAN):
        rows = get_chart_spec("organisations-by-month").compute(Filters(months=3))
    assert rows == [("مهر ۱۴۰۵", 0.0), ("آبان ۱۴۰۵", 1.0), ("آذر ۱۴۰۵", 2.0)]


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_an_english_reader_sees_gregorian_months_counting_the_rows_of_each():
    _organisations_created_at(LAST_OF_ABAN, FIRST_OF_AZAR, MID_AZAR)
    with translation.override("en"), timezone.override(TEHRAN):
        rows = get_chart_spec("organisations-by-month").compute(Filters(months=3))
        since = Filters(months=3).since
    assert rows == [("2026-10", 0.0), ("2026-11", 3.0), ("2026-12", 0.0)]
    assert since == datetime.datetime(2026, 10, 1, tzinfo=TEHRAN)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_persian_reader_who_chose_gregorian_gets_gregorian_months_in_persian_digits():
    _organisations_created_at(LAST_OF_ABAN, MID_AZAR)
    with translation.override("fa"), timezone.override(TEHRAN), override_calendar(GREGORIAN):
        labels = month_labels(Filters(months=2))
        rows = get_chart_spec("organisations-by-month").compute(Filters(months=2))
    assert labels == ["۲۰۲۶-۱۱", "۲۰۲۶-۱۲"]
    assert rows == [("۲۰۲۶-۱۱", 2.0), ("۲۰۲۶-۱۲", 0.0)]


@time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_chinese_reader_of_the_solar_hijri_calendar_reads_year_then_month():
    with translation.override("zh-hans"), override_calendar(JALALI):
        assert month_labels(Filters(months=1)) == ["1405年阿扎尔月"]
