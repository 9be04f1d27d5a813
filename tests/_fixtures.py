"""Shared access to the fixture PDFs and their truth files (extraction cached per session).

`extraction(path)` and `extracted(name)` run the pipeline once per committed fixture in a
run and hand every caller its own deep copy, so no test sees another's edits. Only for
unmodified fixture PDFs: a damaged or rebuilt copy is extracted by its test. Under
pytest-xdist the workers share the run's extractions through `SHARED` (set by conftest):
the first worker to need a fixture extracts it while the others wait on its lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import pickle
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


SHARED: Path | None = None  # this run's folder the xdist workers share, None when alone


@cache
def _extraction(path: Path) -> Extraction:
    if SHARED is None:
        return extract(path)
    SHARED.mkdir(parents=True, exist_ok=True)
    stored = SHARED / (hashlib.sha256(str(path).encode()).hexdigest()[:16] + ".pickle")
    with open(stored.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stored.exists():
            return pickle.loads(stored.read_bytes())
        got = extract(path)
        part = stored.with_suffix(".part")
        part.write_bytes(pickle.dumps(got))
        part.replace(stored)
        return got


def extraction(path: Path) -> Extraction:
    """`pipeline.extract` of a committed fixture PDF (fixtures/ or fixtures/ar/), a copy."""
    got = _extraction(Path(path).resolve())
    return Extraction(got.report.model_copy(deep=True), [r.model_copy(deep=True) for r in got.review], dict(got.timings))


def extracted(name: str) -> Report:
    """The report of fixtures/<name>.pdf (what `extract_report` returns), a copy."""
    return extraction(FIXTURES / f"{name}.pdf").report
