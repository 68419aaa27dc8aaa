"""Speed of `karvan trade import` on a large Comtrade API CSV export.

A synthetic export of ROWS lines (reporters and partners among 40 countries, years 2015-2024,
HS 6-digit codes, both flows) is written to a temporary file and imported twice into a fresh
SQLite database in a temporary data directory: the first run creates every figure, the second
finds them unchanged. Prints rows per second for each run and the file's size.

    .venv/bin/python bench/comtrade_import.py [--rows 200000]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
    "reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,cmdCode,cmdDesc,"
    "netWgt,primaryValue"
)
COUNTRIES = [
    ("364", "IRN"), ("156", "CHN"), ("792", "TUR"), ("860", "UZB"), ("356", "IND"),
    ("404", "KEN"), ("784", "ARE"), ("643", "RUS"), ("276", "DEU"), ("392", "JPN"),
    ("410", "KOR"), ("586", "PAK"), ("004", "AFG"), ("368", "IRQ"), ("398", "KAZ"),
    ("762", "TJK"), ("795", "TKM"), ("031", "AZE"), ("051", "ARM"), ("268", "GEO"),
    ("682", "SAU"), ("634", "QAT"), ("512", "OMN"), ("414", "KWT"), ("048", "BHR"),
    ("818", "EGY"), ("504", "MAR"), ("710", "ZAF"), ("566", "NGA"), ("231", "ETH"),
    ("076", "BRA"), ("032", "ARG"), ("484", "MEX"), ("124", "CAN"), ("036", "AUS"),
    ("360", "IDN"), ("458", "MYS"), ("764", "THA"), ("704", "VNM"), ("608", "PHL"),
]  # fmt: skip


def write_export(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    seen = set()
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER + "\n")
        written = 0
        while written < rows:
            (rcode, riso), (pcode, piso) = rng.sample(COUNTRIES, 2)
            year = rng.randint(2015, 2024)
            flow = rng.choice("MX")
            code = f"{rng.randint(1, 97):02d}{rng.randint(1, 99):02d}{rng.randint(10, 99):02d}"
            key = (riso, piso, year, flow, code)
            if key in seen:
                continue
            seen.add(key)
            value = rng.randint(1_000, 900_000_000)
            file.write(
                f"C,A,{year}0101,{year},52,{year},{rcode},{riso},,{flow},,{pcode},{piso},,"
                f"{code},,{value // 3},{value}.00\n"
            )
            written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        os.environ["KARVAN_DATA_DIR"] = directory
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from karvan.insights.services import import_comtrade_file

        path = Path(directory) / "export.csv"
        write_export(path, options.rows)
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        print(f"file: {options.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        for label in ("first import (all new)", "second import (unchanged)"):
            started = time.perf_counter()
            report = import_comtrade_file(path=path)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {seconds:.1f} s, {report.rows_read / seconds:,.0f} rows/s "
                f"(created {report.created:,}, unchanged {report.unchanged:,}, "
                f"bad {len(report.bad)})"
            )


if __name__ == "__main__":
    main()
