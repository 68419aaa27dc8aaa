"""Render and seal a 10-page agreement in two scripts (Persian and Chinese); time per agreement.

The agreement is the memorandum template shipped with Karvan, its clauses repeated and numbered
until the document runs to about ten pages, side by side in Persian (right to left, shaped by
HarfBuzz) and Chinese, with a signature page for four signatories and a forty-event audit trail.
Each run renders it with WeasyPrint and seals it with a PAdES signature (pyHanko, a fresh 2048-bit
platform key), exactly as the product's sealing task does; then the seal is checked once. The
engines are used directly: no database is involved.

    .venv/bin/python bench/agreements_pdf.py [--runs 5] [--pages 10]
"""

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from karvan.agreements.documents.pdf import (  # noqa: E402
    LABEL_KEYS,
    AgreementDocument,
    AuditEntry,
    Party,
    Signature,
    render_pdf,
)
from karvan.agreements.documents.sealing import check_sealed_pdf, create_sealing_key, seal_pdf  # noqa: E402

FONTS = ROOT / "src/karvan/static/vendor/fonts"
TEMPLATES = ROOT / "src/karvan/agreements/data/templates.json"
NOW = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)


def build(clauses: int) -> AgreementDocument:
    template = json.loads(TEMPLATES.read_text(encoding="utf-8"))["templates"][1]
    texts = {}
    for language in ("fa", "zh-hans"):
        paragraphs = template["body"][language].split("\n\n")
        texts[language] = "\n\n".join(
            f"({number}) {paragraphs[number % len(paragraphs)]}" for number in range(1, clauses + 1)
        )
    labels = {
        lang: {key: key.replace("_", " ") for key in LABEL_KEYS} for lang in ("fa", "zh-hans", "en")
    }
    signatures = tuple(
        Signature(
            party="پسته نوین رفسنجان" if index % 2 == 0 else "广州包装机械有限公司",
            party_language="fa" if index % 2 == 0 else "zh-hans",
            person=f"Signatory {index}",
            typed_name="مریم احمدی" if index % 2 == 0 else "李娜",
            title="",
            signed_at=NOW + datetime.timedelta(minutes=index),
            ip_address="203.0.113.7",
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/130",
            document_sha256="a" * 64,
        )
        for index in range(4)
    )
    audit = tuple(
        AuditEntry(
            NOW + datetime.timedelta(minutes=i), "Reza Karimi", "signed", f"version={i}", "b" * 64
        )
        for i in range(40)
    )
    return AgreementDocument(
        code="KV-BENC-H10P",
        titles={"fa": template["title"]["fa"], "zh-hans": template["title"]["zh-hans"]},
        texts=texts,
        languages=("fa", "zh-hans"),
        prevailing_language="fa",
        prevailing_note={
            "fa": "در صورت اختلاف، متن فارسی معتبر است.",
            "zh-hans": "如有歧义，以波斯语文本为准。",
        },
        parties=(
            Party("پسته نوین رفسنجان", "fa", "IR"),
            Party("广州包装机械有限公司", "zh-hans", "CN"),
        ),
        version=3,
        document_sha256="a" * 64,
        verify_url="https://karvan.example.org/agreements/verify/KV-BENC-H10P/",
        labels=labels,
        signatures=signatures,
        audit=audit,
        font_faces=(("Karvan Vazirmatn", FONTS / "vazirmatn/vazirmatn-arabic-400-normal.woff2"),),
    )


def page_count(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=10, help="pages of the whole document")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as directory:
        key = create_sealing_key(Path(directory) / "bench.p12", organisation="Karvan Bench")
    clauses = 10
    document = build(clauses)
    render_pdf(document)  # warm-up: Pango, fontconfig and the font subsets load once per process
    while page_count(render_pdf(document)) < args.pages:
        clauses += 6
        document = build(clauses)
    while page_count(render_pdf(document)) > args.pages and clauses > 1:
        clauses -= 1
        document = build(clauses)
    renders, seals, totals = [], [], []
    for _run in range(args.runs):
        start = time.perf_counter()
        pdf = render_pdf(document)
        rendered = time.perf_counter()
        sealed = seal_pdf(pdf, key, reason="bench", location="bench")
        done = time.perf_counter()
        renders.append(rendered - start)
        seals.append(done - rendered)
        totals.append(done - start)
    check = check_sealed_pdf(sealed, key.trust_roots)
    print(
        f"document: {page_count(sealed)} pages, {clauses} clauses in Persian and Chinese side by "
        f"side, 4 signatures, 40 audit events; {len(sealed) / 1024:.0f} KiB sealed; seal valid: "
        f"{check.is_authentic}"
    )
    print(f"runs: {args.runs}")
    print(
        f"render (WeasyPrint)  median {statistics.median(renders):.2f} s   min {min(renders):.2f} s"
    )
    print(
        f"seal (pyHanko PAdES) median {statistics.median(seals) * 1000:.0f} ms   "
        f"min {min(seals) * 1000:.0f} ms"
    )
    print(
        f"per agreement        median {statistics.median(totals):.2f} s   min {min(totals):.2f} s"
    )


if __name__ == "__main__":
    main()
