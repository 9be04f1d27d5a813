"""A row of the bench table: what every section measures and reports."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("section", "case", "pages", "baseline", "floor", "measured", "ratio", "target", "result", "notes")
HEADINGS = {
    "section": "section",
    "case": "case",
    "pages": "pages",
    "baseline": "baseline",
    "floor": "pdfium floor",
    "measured": "measured",
    "ratio": "ratio",
    "target": "target",
    "result": "result",
    "notes": "where the time goes / notes",
}


@dataclass
class Row:
    section: str
    case: str
    pages: str = ""
    baseline: str = ""
    floor: str = ""
    measured: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""
    notes: str = ""

    def cells(self) -> list[str]:
        return [str(getattr(self, c)) for c in COLUMNS]
