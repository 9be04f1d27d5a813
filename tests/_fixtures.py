"""Shared access to the fixture PDFs and their truth files (extraction cached per session).

`extraction(path)` and `extracted(name)` run the pipeline once per committed fixture in a
session and hand every caller its own deep copy, so no test sees another's edits. Only
for unmodified fixture PDFs: a damaged or rebuilt copy is extracted by its test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from metroextract.models import Report
from metroextract.pipeline import Extraction, extract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def truth_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.truth.json"))


def text_fixture_names() -> list[str]:
    out = []
    for p in truth_files():
        truth = json.loads(p.read_text(encoding="utf-8"))
        if not truth.get("scanned"):
            out.append(p.name[: -len(".truth.json")])
    return out


@cache
def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))


@cache
def _extraction(path: Path) -> Extraction:
    return extract(path)


def extraction(path: Path) -> Extraction:
    """`pipeline.extract` of a committed fixture PDF (fixtures/ or fixtures/ar/), a copy."""
    got = _extraction(Path(path).resolve())
    return Extraction(got.report.model_copy(deep=True), [r.model_copy(deep=True) for r in got.review], dict(got.timings))


def extracted(name: str) -> Report:
    """The report of fixtures/<name>.pdf (what `extract_report` returns), a copy."""
    return extraction(FIXTURES / f"{name}.pdf").report
