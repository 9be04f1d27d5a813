"""Measuring primitives shared by every section: clocks, the baselines, targets, verdicts."""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"

TARGET_RATIO = 1.3  # extract_report <= 1.3 x bare pdfplumber
TARGET_SPEEDUP = 1.7  # 2 workers >= 1.7 x serial
TARGET_RERUN = 0.03  # unchanged re-run <= 3 % of the first run
TARGET_RSS_MB = 300.0  # peak RSS at 300 pages
TARGET_LINEAR = 1.25  # s/page at the largest size <= 1.25 x s/page at the middle size
TARGET_PREFECT = 0.15  # ingest flow <= 1.15 x the plain loop

STAGES = ("layout", "segment", "fields", "normalize", "export")

NOISY_CORES = 0.25  # foreign load above which a wall-clock verdict is flagged


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def bare_pdfplumber(path: Path) -> int:
    """The baseline: pdfplumber's default `extract_words()` on every page, pages closed."""
    import pdfplumber

    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
            n += 1
    return n


def pdfium_text(path: Path) -> int:
    """The floor of any extractor: pypdfium2's plain text of every page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return n


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def text_fixtures(pattern: str = "*.pdf") -> list[Path]:
    return [p for p in sorted(FIXTURES.glob(pattern)) if "-scanned" not in p.name]


def lang_of(path: Path) -> str:
    return path.name.split("-", 1)[0]


def warm_paths(fixtures: list[Path]) -> list[str]:
    """The smallest fixture of each language: enough to warm spaCy and the registry."""
    best: dict[str, Path] = {}
    for p in fixtures:
        lang = lang_of(p)
        if lang not in best or p.stat().st_size < best[lang].stat().st_size:
            best[lang] = p
    return [str(p) for p in best.values()]


def fmt_s(x: float | None, digits: int = 2) -> str:
    if x is None or x != x:
        return "n/a"
    return f"{x:.{digits}f} s"


def verdict(ok: bool | None, foreign: float = 0.0) -> str:
    """PASS/MISS; flagged when other processes used more than NOISY_CORES meanwhile."""
    if ok is None:
        return "n/a"
    out = "PASS" if ok else "MISS"
    return out + (f" (noisy: {foreign:.1f} foreign cores)" if foreign == foreign and foreign > NOISY_CORES else "")


def tree_cpu() -> float:
    """CPU seconds (user + system) of this process and its descendants, including the
    children they have already waited for: load-robust where wall time is not."""
    import psutil

    me = psutil.Process()
    procs = [me]
    with contextlib.suppress(psutil.Error):
        procs += me.children(recursive=True)
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def timed_tree(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of the whole process tree)."""
    c0, t0 = tree_cpu(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, tree_cpu() - c0
