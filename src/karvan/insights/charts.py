"""Charts as SVG made on the server: columns over time, bars over categories.

Plain Python, no Django, no script: a chart is text the page includes, readable without
JavaScript and printable. Labels are escaped; numbers arrive already formatted for the viewer.
"""

import math
from collections.abc import Callable, Sequence
from html import escape

WIDTH = 480
PALETTE = ("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#198754")


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


#: Labels longer than this are shortened with an ellipsis in the drawing; the whole label stays in
#: the element's tooltip (<title>) and in the table beside the chart.
LABEL_CHARACTERS = 24


def _short(label: str, limit: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _label(x: float, y: float, label: str, attributes: str, limit: int = LABEL_CHARACTERS) -> str:
    """A text label shortened to fit, with the whole label on hover."""
    return (
        f'<text x="{x:.1f}" y="{y}" {attributes}><title>{escape(label)}</title>'
        f"{escape(_short(label, limit))}</text>"
    )


def _whole_number_ceiling(ceiling: float) -> float:
    """A ceiling whose four grid steps are whole numbers (counts have no fractions)."""
    return float(max(4, math.ceil(ceiling / 4) * 4))


def column_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda value: f"{value:g}",
    colour: str = PALETTE[0],
) -> str:
    """Vertical columns, one per row, left to right (for months and years)."""
    height, top, bottom, left = 240, 16, 40, 52
    count = max(len(rows), 1)
    ceiling = _nice_ceiling(max((value for _label, value in rows), default=0))
    if all(float(value).is_integer() for _label, value in rows):
        ceiling = _whole_number_ceiling(ceiling)
    plot_height = height - top - bottom
    slot = (WIDTH - left - 8) / count
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'direction="ltr" class="karvan-chart" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    for step in range(5):
        value = ceiling * step / 4
        y = top + plot_height - plot_height * step / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#6c757d" direction="ltr">{escape(fmt(value))}</text>'
        )
    label_every = max(1, -(-count // 6))
    for index, (label, value) in enumerate(rows):
        bar = plot_height * (value / ceiling) if ceiling else 0
        x = left + index * slot + slot * 0.15
        y = top + plot_height - bar
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if index % label_every == 0:
            parts.append(
                _label(
                    x + slot * 0.35,
                    height - bottom + 16,
                    label,
                    'font-size="12" text-anchor="middle" fill="#212529"',
                    limit=max(4, int(slot * label_every / 7)),
                )
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda value: f"{value:g}",
    rtl: bool = False,
) -> str:
    """Horizontal bars, one per row, top to bottom (for categories); mirrored for RTL pages."""
    row_height, label_width, value_width = 28, 190, 60
    height = max(len(rows), 1) * row_height + 8
    ceiling = max((value for _label, value in rows), default=0) or 1.0
    span = WIDTH - label_width - value_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'direction="ltr" class="karvan-chart" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value) in enumerate(rows):
        y = 4 + index * row_height
        length = span * value / ceiling
        colour = PALETTE[index % len(PALETTE)]
        if rtl:
            label_x, anchor = WIDTH - 6, "end"  # the label's end is its right edge here
            bar_x = WIDTH - label_width - length
            value_x, value_anchor = bar_x - 6, "end"
        else:
            label_x, anchor = label_width - 6, "end"
            bar_x = label_width
            value_x, value_anchor = label_width + length + 6, "start"
        parts.append(
            _label(label_x, y + 17, label, f'font-size="14" text-anchor="{anchor}" fill="#212529"')
            + f'<rect x="{bar_x:.1f}" y="{y + 4}" width="{length:.1f}" height="{row_height - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{value_x:.1f}" y="{y + 17}" font-size="14" text-anchor="{value_anchor}" '
            f'fill="#495057" direction="ltr">{escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
