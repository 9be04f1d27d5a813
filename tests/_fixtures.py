"""Shared access to the fixture PDFs and their truth files (extraction cached per session)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from metroextract.models import Report
from metroextract.pipeline import extract_report

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
def extracted(name: str) -> Report:
    return extract_report(FIXTURES / f"{name}.pdf")
