"""Listings of the demo scenario, read from its data file, for tests that need its real texts."""

import json
from pathlib import Path

import karvan.demo

DATA = Path(karvan.demo.__file__).parent / "data"


def demo_opportunity(key: str) -> dict[str, object]:
    """The demo's opportunity `key` as the data the opportunity services take."""
    entries = json.loads((DATA / "opportunities.json").read_text(encoding="utf-8"))
    entry = next(item for item in entries["opportunities"] if item["key"] == key)
    fields = [
        "side",
        "kind",
        "language",
        "title",
        "description",
        "hs_codes",
        "sectors",
        "quantity",
        "quantity_unit",
        "price_min",
        "price_max",
        "currency",
        "price_unit",
        "incoterm",
        "port",
        "certifications",
        "target_countries",
    ]
    return {name: entry[name] for name in fields if entry.get(name) is not None}


def demo_quotation_terms(key: str, organisation: str) -> str:
    entries = json.loads((DATA / "opportunities.json").read_text(encoding="utf-8"))
    entry = next(item for item in entries["opportunities"] if item["key"] == key)
    return next(q["terms"] for q in entry["quotations"] if q["organisation"] == organisation)


SORTING_LINE_RFQ = "op-pistachio-kerman-sorting-line"
