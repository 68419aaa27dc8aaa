"""Importing Comtrade exports, and the figures staff publish."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.core.text import clean_versions
from karvan.insights.comtrade import BadRow, TradeRow, open_text, read_comtrade
from karvan.insights.models import PublishedFigure, TradeFlow, TradeImport
from karvan.insights.permissions import can_publish_figures

BATCH = 2000


@dataclass
class ImportReport:
    file_name: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _merge(rows: list[TradeRow], report: ImportReport) -> dict[tuple, TradeRow]:
    """One figure per key. A line repeated word for word is reported; lines that share a key
    but differ (breakdowns by customs procedure or transport mode) add up."""
    merged: dict[tuple, TradeRow] = {}
    seen: dict[tuple, int] = {}
    for row in rows:
        signature = (*row.key, row.trade_value_usd, row.net_weight_kg)
        if signature in seen:
            report.bad.append(BadRow(row.line, f"repeats line {seen[signature]}"))
            continue
        seen[signature] = row.line
        earlier = merged.get(row.key)
        if earlier is None:
            merged[row.key] = row
        else:
            weight = (
                None
                if earlier.net_weight_kg is None and row.net_weight_kg is None
                else (earlier.net_weight_kg or Decimal(0)) + (row.net_weight_kg or Decimal(0))
            )
            merged[row.key] = TradeRow(
                earlier.line,
                *row.key,
                trade_value_usd=earlier.trade_value_usd + row.trade_value_usd,
                net_weight_kg=weight,
            )
    return merged


def _store(merged: dict[tuple, TradeRow], report: ImportReport) -> None:
    if not merged:
        return
    rows = list(merged.values())
    existing = {
        (f.reporter, f.partner, f.year, f.month, f.flow, f.commodity_code): f
        for f in TradeFlow.objects.filter(
            reporter__in={r.reporter for r in rows},
            partner__in={r.partner for r in rows},
            year__in={r.year for r in rows},
            commodity_code__in={r.commodity_code for r in rows},
        )
    }
    new, changed = [], []
    cents = Decimal("0.01")
    for row in rows:
        value = row.trade_value_usd.quantize(cents)
        weight = None if row.net_weight_kg is None else row.net_weight_kg.quantize(cents)
        flow = existing.get(row.key)
        if flow is None:
            new.append(
                TradeFlow(
                    reporter=row.reporter,
                    partner=row.partner,
                    year=row.year,
                    month=row.month,
                    flow=row.flow,
                    commodity_code=row.commodity_code,
                    trade_value_usd=value,
                    net_weight_kg=weight,
                )
            )
        elif flow.trade_value_usd != value or flow.net_weight_kg != weight:
            flow.trade_value_usd, flow.net_weight_kg = value, weight
            changed.append(flow)
        else:
            report.unchanged += 1
    TradeFlow.objects.bulk_create(new, batch_size=500)
    TradeFlow.objects.bulk_update(changed, ["trade_value_usd", "net_weight_kg"], batch_size=500)
    report.created += len(new)
    report.updated += len(changed)


def import_comtrade_file(
    *, path: Path, progress: Callable[[str], None] | None = None
) -> ImportReport:
    """Load a Comtrade CSV export; importing the same file again changes nothing.

    Good lines are stored, a figure already there is updated only if its value changed, and bad
    lines are reported with their line numbers. Raises NotComtradeError for a file that is not a
    Comtrade export, OSError when it cannot be read.
    """
    report = ImportReport(file_name=path.name)

    def line_progress(line: int) -> None:
        if progress is not None and line % 10000 == 0:
            progress(f"{path.name}: line {line:,}")

    # A key may straddle two batches: the whole file is merged before it is stored, in batches.
    collected: list[TradeRow] = []
    with open_text(path) as text:
        for item in read_comtrade(text, progress=line_progress):
            if isinstance(item, BadRow):
                report.bad.append(item)
            else:
                report.rows_read += 1
                collected.append(item)
    merged = _merge(collected, report)
    items = list(merged.values())
    for start in range(0, len(items), BATCH):
        with transaction.atomic():
            _store({row.key: row for row in items[start : start + BATCH]}, report)
        if progress is not None:
            progress(f"{path.name}: stored {min(start + BATCH, len(items)):,}/{len(items):,}")
    report.bad.sort(key=lambda bad: bad.line)
    TradeImport.objects.create(
        file_name=path.name,
        sha256=_sha256(path),
        rows_read=report.rows_read,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        bad=len(report.bad),
    )
    return report


@transaction.atomic
def save_published_figure(
    *, actor: User, data: Mapping[str, object], figure: PublishedFigure | None = None
) -> PublishedFigure:
    """Staff add or update a headline figure (label and unit in several languages)."""
    if not can_publish_figures(actor):
        raise NotAllowedError()
    figure = figure or PublishedFigure()
    if not figure.key:
        figure.key = (
            str(data.get("key") or "")
            or slugify(
                # Ignored for mypy: the form or schema hands `label` over as language → text.
                next(iter(clean_versions(data.get("label", {})).values()), "")  # type: ignore[arg-type]
            )[:60]
        )
    for name in ("label", "unit"):
        if name in data:
            # Ignored for mypy: the form or schema hands these over as language → text.
            setattr(figure, name, clean_versions(data[name]))  # type: ignore[arg-type]
    for name in ("value", "period", "source", "is_published", "position"):
        if name in data:
            setattr(figure, name, data[name])
    figure.updated_by = actor
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def set_figure_published(
    *, actor: User, figure: PublishedFigure, published: bool
) -> PublishedFigure:
    if not can_publish_figures(actor):
        raise NotAllowedError()
    figure.is_published = published
    figure.updated_by = actor
    figure.save(update_fields=["is_published", "updated_by", "updated_at"])
    return figure
