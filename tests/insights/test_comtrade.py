from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from karvan.insights.comtrade import BadRow, NotComtradeError, TradeRow, read_comtrade
from karvan.insights.models import TradeFlow, TradeImport
from karvan.insights.services import import_comtrade_file

SAMPLE = Path(__file__).resolve().parents[2] / "src/karvan/insights/data/comtrade_sample.csv"

BULK = (Path(__file__).resolve().parent / "data" / "comtrade_bulk.csv").read_text(
    encoding="utf-8"
)  # the legacy bulk download's columns


def test_reads_the_bulk_download_columns():
    rows = list(read_comtrade(StringIO(BULK)))
    assert rows == [
        TradeRow(2, "IR", "CN", 2023, 0, "X", "080251", Decimal("212500000.5"), Decimal(31000000)),
        TradeRow(3, "CN", "IR", 2023, 3, "M", "091020", Decimal(2400000), Decimal(1200)),
    ]


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_is_read():
    text = BULK + (
        "HS,2023,2023,2023,6,1,2,Export,364,Iran,IRN,156,China,CHN,0802XX,Nuts,8,kg,,1,2,0\n"
        "HS,20x3,20x3,2023,6,1,2,Export,364,Iran,IRN,156,China,CHN,080251,Nuts,8,kg,,1,2,0\n"
        "HS,2023,2023,2023,6,1,9,Smuggled,364,Iran,IRN,156,China,CHN,080251,Nuts,8,kg,,1,2,0\n"
        "HS,2023,2023,2023,6,1,2,Export,364,Iran,IRN,156,China,CHN,080251,Nuts,8,kg,,1,lots,0\n"
        "HS,2023,2023\n"
    )
    rows = list(read_comtrade(StringIO(text)))
    bad = [row for row in rows if isinstance(row, BadRow)]
    assert [row.line for row in bad] == [4, 5, 6, 7, 8]
    assert "HS code" in bad[0].reason and "period" in bad[1].reason
    assert "flow" in bad[2].reason and "number" in bad[3].reason and "columns" in bad[4].reason
    assert sum(isinstance(row, TradeRow) for row in rows) == 2


def test_a_file_that_is_not_comtrade_is_refused():
    with pytest.raises(NotComtradeError):
        list(read_comtrade(StringIO("name,email\nA,a@example.test\n")))
    with pytest.raises(NotComtradeError):
        list(read_comtrade(StringIO("")))


@pytest.mark.django_db
def test_importing_the_sample_twice_changes_nothing():
    first = import_comtrade_file(path=SAMPLE)
    values = dict(TradeFlow.objects.values_list("pk", "trade_value_usd"))
    second = import_comtrade_file(path=SAMPLE)
    assert first.created == first.rows_read > 50 and not first.bad
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert dict(TradeFlow.objects.values_list("pk", "trade_value_usd")) == values
    assert TradeImport.objects.count() == 2


@pytest.mark.django_db
def test_a_corrected_figure_is_updated_and_a_repeated_line_reported(tmp_path):
    path = tmp_path / "bulk.csv"
    path.write_text(BULK, encoding="utf-8")
    import_comtrade_file(path=path)
    lines = BULK.splitlines()
    corrected = [lines[0], lines[1].replace('"212,500,000.5"', "215000000"), lines[2], lines[2]]
    path.write_text("\n".join(corrected) + "\n", encoding="utf-8")
    report = import_comtrade_file(path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert [(bad.line, bad.reason) for bad in report.bad] == [(4, "repeats line 3")]
    assert TradeFlow.objects.get(commodity_code="080251").trade_value_usd == Decimal(215000000)


@pytest.mark.django_db
def test_command_reports_bad_lines_and_goes_on(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(BULK + "HS,2023,2023\n", encoding="utf-8")
    junk = tmp_path / "junk.csv"
    junk.write_text("hello,world\n1,2\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("trade", "import", str(junk), str(good), stdout=out, stderr=err)
    assert "2 rows read, 2 created" in out.getvalue()
    assert "line 4:" in out.getvalue()
    assert "junk.csv" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("trade", "import", str(tmp_path / "missing.csv"), stdout=out, stderr=err)


@pytest.mark.django_db
def test_latin1_file_is_read(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(BULK.replace("Saffron", "Safran séché").encode("latin-1"))
    assert import_comtrade_file(path=path).created == 2
