"""A map of parks as SVG made on the server: the corridor's country outlines shipped in
`data/outlines.json` (Natural Earth, public domain), parks plotted by their coordinates.

Plain Python, no Django: `render_map` takes points and returns the SVG text. The projection is
equirectangular, scaled by the cosine of the middle latitude so that shapes look right at these
latitudes; nothing is fetched from another host.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

OUTLINES = Path(__file__).resolve().parent / "data" / "outlines.json"
WIDTH = 960
MARGIN_DEGREES = 2.0


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    url: str = ""
    highlighted: bool = False


@cache
def _outlines() -> dict[str, list[list[list[float]]]]:
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {code: country["rings"] for code, country in data["countries"].items()}


def outline_countries() -> tuple[str, ...]:
    return tuple(_outlines())


def render_map(
    points: Sequence[MapPoint], *, countries: Sequence[str] = ("IR", "CN"), title: str = ""
) -> str:
    """The SVG of the countries' outlines with the points on them (points outside are kept)."""
    outlines = _outlines()
    rings = [ring for code in countries for ring in outlines.get(code, [])]
    lons = [x for ring in rings for x, _y in ring] + [p.longitude for p in points]
    lats = [y for ring in rings for _x, y in ring] + [p.latitude for p in points]
    if not lons:
        lons, lats = [0.0, 1.0], [0.0, 1.0]
    west, east = min(lons) - MARGIN_DEGREES, max(lons) + MARGIN_DEGREES
    south, north = min(lats) - MARGIN_DEGREES, max(lats) + MARGIN_DEGREES
    stretch = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * stretch)
    height = round((north - south) * scale)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * stretch * scale, 1), round((north - lat) * scale, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" direction="ltr" class="park-map" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#eaf2fb"/>',
    ]
    for code in countries:
        for ring in outlines.get(code, []):
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{x},{y}"
                for i, (x, y) in enumerate(xy(lon, lat) for lon, lat in ring)
            )
            parts.append(
                f'<path d="{path} Z" fill="#fdfcf7" stroke="#6c757d" stroke-width="1" '
                f'data-country="{escape(code)}"/>'
            )
    for point in points:
        x, y = xy(point.longitude, point.latitude)
        colour = "#d63384" if point.highlighted else "#0d6efd"
        circle = (
            f'<circle cx="{x}" cy="{y}" r="7" fill="{colour}" stroke="#fff" stroke-width="2">'
            f"<title>{escape(point.label)}</title></circle>"
        )
        if point.url:
            circle = (
                f'<a href="{escape(point.url)}" aria-label="{escape(point.label)}">{circle}</a>'
            )
        parts.append(circle)
    parts.append("</svg>")
    return "".join(parts)
