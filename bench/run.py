#!/usr/bin/env python3
"""metroextract benchmark: speed, scale and memory, side by side with bare pdfplumber.

    .venv/bin/python bench/run.py                 # full run (15-30 min on 2 cores)
    .venv/bin/python bench/run.py --quick         # smoke run (a few minutes)
    .venv/bin/python bench/run.py --markdown      # the table as Markdown (for the README)
    .venv/bin/python bench/run.py --sections fixtures,scale --repeat 5 --json out.json

Prints ONE table per run, headed with the machine, the date and the load seen during the
run (progress goes to stderr). Every target of issue 9 is a ratio of two numbers measured
in the same run, printed beside the target with PASS/MISS:

- fixtures  every text fixture (`fixtures/*.pdf`, not `*-scanned.pdf`): bare pdfplumber
            (`extract_words()` on every page, pages closed) = baseline; pypdfium2 plain
            text on every page = floor; `extract_report` = measured; ratio measured /
            baseline (target <= 1.3x on the total); where the time goes by stage (layout /
            segment / fields / normalize from `Extraction.timings`, export =
            `write_report_outputs` into a temporary folder). Median of --repeat runs, after
            one warm-up pass whose one-off cost (imports, first `spacy.blank`) is its own row.
- backfill  40 copies of the fixtures (one byte appended after %%EOF, so every sha256
            differs): serial `extract_report` loop in one warmed worker process = baseline; a 2-process
            `ProcessPoolExecutor` and a Dask `LocalCluster(n_workers=2, threads_per_worker=1,
            processes=True)` calling `extract_report` = measured; speed-up (target >= 1.7x);
            for information, Dask running the tasks the flows run there (`extract_outcome`,
            the extraction in each Dask worker's isolation subprocess), and the machine's
            own ceiling (a pure-Python loop in 2 processes vs 1). Workers are started and
            warmed before the clock starts (their start is in the notes).
- ingest    the ingest flow (Prefect ephemeral API) over an inbox of the same 40 copies at
            concurrency 1, its isolation worker warmed before the clock like the baseline's
            = measured, against the serial loop = baseline (Prefect overhead,
            target <= 15 %); the same 40 files dropped again unchanged (re-run share of the
            first run, target <= 3 %); and, for information, the flow at its default
            concurrency 2 against the 2-process pool.
- scale     a long report built by repeating the pages of the longest fixture (pypdfium2
            `import_pages`) at 10/100/300 pages, each measured in a fresh subprocess after a
            warm-up on 4 pages: seconds per page and peak RSS (`VmHWM` of that process)
            for `extract` and for bare pdfplumber (target: <= 300 MB at 300 pages and
            linear time, i.e. s/page at the largest size <= 1.25 x s/page at the middle one).

The machine has 2 cores shared with whoever else is working: a sampler thread records
the CPU used by processes outside this benchmark's process tree ("foreign load", in
cores) per section; read speed-ups and ratios with it in mind. CPU-time ratios (less
sensitive to load) are given beside wall-clock ones where both exist.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import gc
import hashlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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


# Dask settings for CPU-bound workers (see README, "Scaling out with Dask").
DASK_QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


# --------------------------------------------------------------------------- measuring primitives


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


def tesseract_anchor(pdf: Path, sample: int = 6) -> float:
    """Seconds per page of the `tesseract` CLI alone (one thread, hOCR, the configured
    languages) on up to `sample` pages of `pdf`, rendered at the OCR stage's resolution."""
    import subprocess

    import pypdfium2 as pdfium

    from metroextract.ocr import OCR_DPI
    from metroextract.ocr_page import luminance, pnm_bytes, tesseract_command
    from metroextract.settings import Settings

    doc = pdfium.PdfDocument(str(pdf))
    try:
        n = len(doc)
        picks = sorted({round(i * (n - 1) / max(1, sample - 1)) for i in range(min(sample, n))})
        spent = 0.0
        for i in picks:
            page = doc[i]
            grey = luminance(page.render(scale=OCR_DPI / 72.0, rev_byteorder=True).to_numpy()[..., :3])
            page.close()
            data = pnm_bytes(grey)
            t0 = time.perf_counter()
            subprocess.run(tesseract_command(OCR_DPI, Settings().ocr_languages), input=data, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"), check=False)
            spent += time.perf_counter() - t0
        return spent / len(picks)
    finally:
        doc.close()


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


NOISY_CORES = 0.25  # foreign load above which a wall-clock verdict is flagged


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


# --------------------------------------------------------------------------- load monitor


class LoadMonitor:
    """Samples, once a second, the CPU used by this process tree and by everything else."""

    def __init__(self, interval: float = 1.0) -> None:
        import psutil

        self.psutil = psutil
        self.interval = interval
        self.samples: list[tuple[float, float, float]] = []  # (time, own cores, foreign cores)
        self._stop = threading.Event()
        self._procs: dict[int, Any] = {}
        self._thread = threading.Thread(target=self._run, daemon=True, name="load-monitor")

    def start(self) -> LoadMonitor:
        self._sample()  # prime cpu_percent
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _sample(self) -> tuple[float, float]:
        psutil = self.psutil
        me = psutil.Process()
        try:
            ours = {me.pid} | {c.pid for c in me.children(recursive=True)}
        except psutil.Error:
            ours = {me.pid}
        own = foreign = 0.0
        seen = set()
        for proc in psutil.process_iter():
            seen.add(proc.pid)
            cached = self._procs.setdefault(proc.pid, proc)
            try:
                pct = cached.cpu_percent(None) / 100.0
            except psutil.Error:
                continue
            if proc.pid in ours:
                own += pct
            else:
                foreign += pct
        for pid in list(self._procs):
            if pid not in seen:
                del self._procs[pid]
        return own, foreign

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                own, foreign = self._sample()
            except Exception:  # noqa: BLE001 - monitoring must never stop the benchmark
                continue
            self.samples.append((time.monotonic(), own, foreign))

    def window(self, t0: float, t1: float) -> tuple[float, float]:
        """Mean (own, foreign) cores between two `time.monotonic()` marks."""
        sel = [(o, f) for t, o, f in self.samples if t0 <= t <= t1 + self.interval]
        if not sel:
            return float("nan"), float("nan")
        return sum(o for o, _ in sel) / len(sel), sum(f for _, f in sel) / len(sel)


@dataclass
class Section:
    name: str
    t0: float = 0.0
    t1: float = 0.0
    load0: tuple[float, float, float] = (0.0, 0.0, 0.0)


@contextlib.contextmanager
def section(bench: Bench, name: str) -> Iterator[None]:
    sec = Section(name, t0=time.monotonic(), load0=os.getloadavg())
    log(f"--- {name} (load avg {sec.load0[0]:.2f})")
    try:
        yield
    finally:
        sec.t1 = time.monotonic()
        bench.sections.append(sec)
        own, foreign = bench.monitor.window(sec.t0, sec.t1)
        log(f"--- {name} done in {sec.t1 - sec.t0:.0f} s (own {own:.2f} cores, foreign {foreign:.2f} cores)")


# --------------------------------------------------------------------------- the table


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


def render_plain(rows: list[Row]) -> str:
    head = [HEADINGS[c] for c in COLUMNS]
    table = [head] + [r.cells() for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    out = []
    sep = "-+-".join("-" * w for w in widths)
    for k, r in enumerate(table):
        out.append(" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if k == 0:
            out.append(sep)
    return "\n".join(out)


def render_markdown(rows: list[Row]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    head = [HEADINGS[c] for c in COLUMNS]
    right = {"pages", "baseline", "floor", "measured", "ratio"}
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if c in right else "---" for c in COLUMNS) + "|"]
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r.cells()) + " |")
    return "\n".join(out)


# --------------------------------------------------------------------------- machine info


def machine_info() -> dict[str, Any]:
    import pdfplumber
    import psutil
    import pypdfium2

    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(mod: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(mod)
        except Exception:  # noqa: BLE001
            return "?"

    commit = "?"
    with contextlib.suppress(Exception):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        if dirty:
            commit += f" (+{len(dirty.splitlines())} modified files)"
    import metroextract

    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pdfplumber": pdfplumber.__version__,
        "pdfminer.six": version("pdfminer.six"),
        "pypdfium2": version("pypdfium2"),
        "spacy": version("spacy"),
        "prefect": version("prefect"),
        "dask": version("distributed"),
        "metroextract": f"{metroextract.__version__} (parser {metroextract.PARSER_VERSION})",
        "commit": commit,
        "loadavg_start": os.getloadavg(),
    }


# --------------------------------------------------------------------------- workers (module level: picklable)


def _pool_init(paths: list[str]) -> None:
    """Process-pool initializer: import the pipeline and warm spaCy/registry per language."""
    logging.basicConfig(level=logging.ERROR)
    from metroextract.pipeline import extract_report

    for p in paths:
        with contextlib.suppress(Exception):
            extract_report(p)


def _pool_pid(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def _spin(seconds_hint: float) -> float:
    """A pure-Python CPU loop (dict updates): no I/O, no memory growth; its wall time."""
    t = time.perf_counter()
    d: dict[int, int] = {}
    for i in range(int(seconds_hint * 5_000_000)):
        d[i % 1000] = d.get(i % 1000, 0) + i
    return time.perf_counter() - t


def _dask_warm(paths: list[str]) -> int:
    _pool_init(paths)
    return os.getpid()


def _dask_warm_isolated(paths: list[str]) -> int:
    """In a Dask worker: start its isolation subprocess and warm it, as `_pool_init` does."""
    from metroextract.isolate import extract_isolated

    for p in paths:
        with contextlib.suppress(Exception):
            extract_isolated(p)
    return os.getpid()


# --------------------------------------------------------------------------- the benchmark


@dataclass
class Bench:
    args: argparse.Namespace
    monitor: LoadMonitor
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    fixtures: list[Path] = field(default_factory=list)
    copies: list[Path] = field(default_factory=list)
    serial: dict[str, float] | None = None
    ceiling: float | None = None

    # ------------------------------------------------------------------ one-off costs + warm-up

    def warm_up(self) -> None:
        with section(self, "warm-up"):
            t0 = time.perf_counter()
            import metroextract.pipeline  # noqa: F401  (imports pdfplumber, spaCy, pydantic models)

            t_import = time.perf_counter() - t0
            from metroextract.segment import vocabulary_nlp

            per_lang = {}
            for lang in sorted({lang_of(p) for p in self.fixtures}):
                t = time.perf_counter()
                vocabulary_nlp(lang)
                per_lang[lang] = time.perf_counter() - t
            from metroextract.pipeline import extract

            first = {}
            for p in warm_paths(self.fixtures):  # first call vs the next one, back to back
                _, a, _ = timed(lambda p=p: extract(p))
                _, b, _ = timed(lambda p=p: extract(p))
                first[Path(p).name] = a - b
            for p in self.fixtures:  # and every fixture once before any timing
                extract(p)
            self.results["warm_up"] = {"import_s": t_import, "spacy_blank_s": per_lang, "first_call_extra_s": first}
            log(f"import {t_import:.2f} s; spacy.blank + SpanRuler {', '.join(f'{k} {v:.2f} s' for k, v in per_lang.items())}")

    # ------------------------------------------------------------------ per fixture

    def run_fixtures(self) -> None:
        from metroextract.export import write_report_outputs
        from metroextract.pipeline import extract

        n = self.args.repeat
        data: dict[str, dict[str, list[float]]] = {p.name: {} for p in self.fixtures}
        pages: dict[str, int] = {}
        with section(self, "fixtures"):
            for rep in range(n):
                log(f"fixtures: pass {rep + 1}/{n}")
                for p in self.fixtures:
                    d = data[p.name]
                    gc.collect()
                    npages, wall, cpu = timed(lambda: bare_pdfplumber(p))
                    pages[p.name] = npages
                    d.setdefault("pdfplumber", []).append(wall)
                    d.setdefault("pdfplumber_cpu", []).append(cpu)
                    _, wall, _ = timed(lambda: pdfium_text(p))
                    d.setdefault("pdfium", []).append(wall)
                    gc.collect()
                    ex, wall, cpu = timed(lambda: extract(p))
                    d.setdefault("extract", []).append(wall)
                    d.setdefault("extract_cpu", []).append(cpu)
                    for k, v in ex.timings.items():
                        d.setdefault(k, []).append(v)
                    with tempfile.TemporaryDirectory(dir=self.workdir) as tmp:
                        _, wall, _ = timed(lambda: write_report_outputs(Path(tmp), ex.report, ex.review))
                    d.setdefault("export", []).append(wall)
        med = {name: {k: median(v) for k, v in d.items()} for name, d in data.items()}
        self.results["fixtures"] = {"pages": pages, "median": med, "runs": data}

        warm = self.results.get("warm_up", {})
        first = warm.get("first_call_extra_s", {})
        tot = {k: sum(m.get(k, 0.0) for m in med.values()) for k in ("pdfplumber", "pdfplumber_cpu", "pdfium", "extract", "extract_cpu", *STAGES)}
        if warm:
            extra = sum(first.values())
            langs = ", ".join(f"{k} {v:.1f} s" for k, v in warm["spacy_blank_s"].items())
            self.rows.append(
                Row(
                    "one-off",
                    "process start (not in any timing below)",
                    measured=fmt_s(warm["import_s"] + sum(warm["spacy_blank_s"].values()) + max(0.0, extra), 1),
                    notes=f"import metroextract.pipeline {warm['import_s']:.1f} s; first spacy.blank + SpanRuler per language: {langs}; "
                    f"first extract_report per language minus the second (registry, matchers, caches) {max(0.0, extra):.1f} s",
                )
            )
        for name, m in med.items():
            ratio = m["extract"] / m["pdfplumber"]
            self.rows.append(
                Row(
                    "fixtures",
                    name,
                    pages=str(pages[name]),
                    baseline=fmt_s(m["pdfplumber"]),
                    floor=fmt_s(m["pdfium"], 3),
                    measured=fmt_s(m["extract"]),
                    ratio=f"{ratio:.2f}x",
                    notes=" · ".join(f"{s} {m.get(s, 0.0):.2f}" for s in STAGES) + " s",
                )
            )
        ratio = tot["extract"] / tot["pdfplumber"]
        cpu_ratio = tot["extract_cpu"] / tot["pdfplumber_cpu"]
        share = {s: tot[s] / (tot["extract"] + tot["export"]) for s in STAGES}
        self.results["fixtures"]["total"] = {**tot, "ratio": ratio, "cpu_ratio": cpu_ratio}
        self.rows.append(
            Row(
                "fixtures",
                f"TOTAL ({len(med)} text fixtures, median of {n})",
                pages=str(sum(pages.values())),
                baseline=fmt_s(tot["pdfplumber"]),
                floor=fmt_s(tot["pdfium"], 3),
                measured=fmt_s(tot["extract"]),
                ratio=f"{ratio:.2f}x",
                target=f"<= {TARGET_RATIO}x",
                result=verdict(ratio <= TARGET_RATIO),  # interleaved passes: load hits both sides
                notes=" · ".join(f"{s} {tot[s]:.2f} s ({share[s]:.0%})" for s in STAGES)
                + f"; CPU-time ratio {cpu_ratio:.2f}x; layout minus bare pdfplumber {tot['layout'] - tot['pdfplumber']:+.2f} s",
            )
        )

    def run_ocr(self) -> None:
        """Every scanned fixture once, OCR cache cleared: seconds per page, against
        tesseract's own time on the same pages (the anchor: `tesseract` alone, one thread,
        on each page rendered as metroextract renders it, sequentially)."""
        scanned = sorted(FIXTURES.glob("*-scanned*.pdf"))
        if not scanned or not shutil.which("tesseract"):
            return
        from metroextract import ocr
        from metroextract.pipeline import extract

        total = {"pages": 0, "wall": 0.0, "anchor": 0.0, "anchor_pages": 0}
        with section(self, "ocr"):
            for p in scanned:
                ocr.clear_cache()
                try:
                    ex, wall, _ = timed(lambda p=p: extract(p))
                except Exception as exc:  # noqa: BLE001
                    self.rows.append(Row("ocr", p.name, notes=f"failed: {type(exc).__name__}: {exc}"))
                    continue
                pages = ex.report.source.pages
                anchor = tesseract_anchor(p, sample=3 if self.args.quick else 6)
                self.results.setdefault("ocr", {})[p.name] = {"seconds": wall, "pages": pages, "timings": ex.timings, "tesseract_s_per_page": anchor}
                total["pages"] += pages
                total["wall"] += wall
                total["anchor"] += anchor * pages
                q = ex.report.quality
                self.rows.append(
                    Row(
                        "ocr",
                        f"{p.name} (once, not in totals)",
                        pages=str(pages),
                        baseline=f"{anchor:.2f} s/p",
                        measured=f"{wall / pages:.2f} s/p",
                        ratio=f"{wall / pages / anchor:.2f}x" if anchor else "",
                        notes=f"{wall:.1f} s; "
                        + " · ".join(f"{s} {ex.timings.get(s, 0.0):.2f}" for s in STAGES if s in ex.timings)
                        + f" s (layout = OCR, {ocr.OCR_JOBS} pages at a time); verdict {q.verdict if q else 'n/a'}, OCR confidence {q.ocr_mean_confidence if q else 'n/a'}",
                    )
                )
            if total["pages"]:
                per_page, anchor = total["wall"] / total["pages"], total["anchor"] / total["pages"]
                self.rows.append(
                    Row(
                        "ocr",
                        f"TOTAL ({len(scanned)} scanned fixtures)",
                        pages=str(total["pages"]),
                        baseline=f"{anchor:.2f} s/p",
                        measured=f"{per_page:.2f} s/p",
                        ratio=f"{per_page / anchor:.2f}x" if anchor else "",
                        notes="baseline = tesseract alone on the same pages (one thread, sequential, rendered at "
                        f"{ocr.OCR_DPI} dpi); measured = extract_report wall time per page (render, deskew, OCR, typography, layout, the rest)",
                    )
                )

    # ------------------------------------------------------------------ copies

    def make_copies(self) -> list[Path]:
        """`--copies` copies of the fixtures, cycling; each gets one byte after %%EOF."""
        import pdfplumber

        if self.copies:
            return self.copies
        folder = self.workdir / "copies"
        folder.mkdir()
        counts: dict[str, int] = {}
        out = []
        for i in range(self.args.copies):
            src = self.fixtures[i % len(self.fixtures)]
            j = counts.get(src.name, 0)
            counts[src.name] = j + 1
            data = src.read_bytes()
            if b"%%EOF" not in data[-64:]:
                raise RuntimeError(f"{src.name}: no %%EOF at the end")
            dst = folder / f"{i:03d}-{src.name}"
            dst.write_bytes(data + bytes([0x0A + j]) if j < 200 else data + b"%" + str(j).encode())
            out.append(dst)
        shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in out}
        if len(shas) != len(out):
            raise RuntimeError("copies are not all distinct")
        for p in out:  # pdfplumber must still open them, with every page
            src = self.fixtures[int(p.name[:3]) % len(self.fixtures)]
            with pdfplumber.open(p) as a, pdfplumber.open(src) as b:
                if len(a.pages) != len(b.pages):
                    raise RuntimeError(f"{p.name}: {len(a.pages)} pages, the original has {len(b.pages)}")
        # largest first (like the flows do): a long file started last would leave a worker idle
        out.sort(key=lambda p: p.stat().st_size, reverse=True)
        past = time.time() - 3600
        for p in out:
            os.utime(p, (past, past))
        self.copies = out
        return out

    def copies_pages(self) -> int:
        pages = self.results.get("fixtures", {}).get("pages", {})
        return sum(pages.get(p.name[4:], 0) for p in self.copies)

    def run_serial(self) -> dict[str, float]:
        if self.serial is not None:
            return self.serial
        from metroextract.pipeline import extract_report

        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        paths = self.make_copies()
        with section(self, "serial loop"):
            # In a fresh, warmed worker process like the pool's: this benchmark's own heap
            # (spaCy for every language, results, monitor) would make the baseline slower
            # than a lean worker and flatter every comparison with it.
            ex = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"), initializer=_pool_init, initargs=(warm_paths(self.fixtures),))
            try:
                ex.submit(_pool_pid, 0.0).result()
                log(f"serial loop over {len(paths)} copies, in one warmed worker process")
                s0 = time.monotonic()
                _, wall, cpu = timed_tree(lambda: list(ex.map(extract_report, paths)))
                own, foreign = self.monitor.window(s0, time.monotonic())
            finally:
                ex.shutdown(wait=True)
        self.serial = {"seconds": wall, "cpu": cpu, "own_cores": own, "foreign_cores": foreign}
        self.results["serial"] = self.serial
        n = len(paths)
        self.rows.append(
            Row(
                "backfill",
                f"serial extract_report loop, {n} copies, one worker process (baseline)",
                pages=str(self.copies_pages()),
                measured=fmt_s(wall, 1),
                notes=f"{wall / n:.2f} s/file; CPU {cpu:.1f} s; foreign load {foreign:.2f} cores",
            )
        )
        return self.serial

    # ------------------------------------------------------------------ backfill

    def _speedup_row(self, label: str, r: dict[str, Any], extra: str = "", target: bool = True) -> None:
        serial = self.serial or {}
        speedup = serial["seconds"] / r["seconds"]
        foreign = max(serial.get("foreign_cores", 0.0), r["foreign_cores"])
        self.rows.append(
            Row(
                "backfill",
                label,
                pages=str(self.copies_pages()),
                baseline=fmt_s(serial["seconds"], 1),
                measured=fmt_s(r["seconds"], 1),
                ratio=f"{speedup:.2f}x",
                target=f">= {TARGET_SPEEDUP}x" if target else "",
                result=verdict(speedup >= TARGET_SPEEDUP, foreign) if target else "",
                notes=f"speed-up{f' ({speedup / self.ceiling:.0%} of the machine ceiling)' if self.ceiling else ''}; workers started and warmed in {r['start_s']:.1f} s before the clock (not counted); "
                f"CPU {r['cpu']:.1f} s (serial {serial['cpu']:.1f} s); {r['own_cores']:.2f} cores ours vs {r['foreign_cores']:.2f} foreign meanwhile"
                + extra,
            )
        )

    def run_ceiling(self) -> None:
        """What 2 processes can gain on this machine at all: the same pure-Python loop twice
        in a row vs in 2 processes at once (a virtual machine's 2 cores share caches and
        clocks, so this is below 2x)."""
        import multiprocessing as mp

        with section(self, "ceiling"):
            ratios = []
            with mp.get_context("spawn").Pool(2) as pool:
                pool.map(_spin, [0.1, 0.1], chunksize=1)
                for _ in range(3):
                    t0 = time.perf_counter()
                    _spin(1.0), _spin(1.0)
                    one = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    pool.map(_spin, [1.0, 1.0], chunksize=1)
                    ratios.append(one / (time.perf_counter() - t0))
        self.ceiling = median(ratios)
        self.results.setdefault("backfill", {})["ceiling"] = ratios
        self.rows.append(
            Row(
                "backfill",
                "machine ceiling: a pure-Python loop, 2 processes vs 1 (info)",
                ratio=f"{self.ceiling:.2f}x",
                notes="median of 3; " + ", ".join(f"{r:.2f}x" for r in ratios) + "; the most any 2-worker run can gain here",
            )
        )

    def run_pool(self) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        from metroextract.pipeline import extract_report

        paths = self.make_copies()
        warm = warm_paths(self.fixtures)
        self.run_serial()
        with section(self, "process pool"):
            t0 = time.perf_counter()
            ex = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn"), initializer=_pool_init, initargs=(warm,))
            try:
                pids: set[int] = set()
                while len(pids) < 2:  # both workers started and warmed before the clock starts
                    pids |= set(ex.map(_pool_pid, [0.3, 0.3]))
                start = time.perf_counter() - t0
                log(f"process pool: workers ready in {start:.1f} s; {len(paths)} copies")
                s0 = time.monotonic()
                _, wall, cpu = timed_tree(lambda: list(ex.map(extract_report, paths, chunksize=1)))
                own, foreign = self.monitor.window(s0, time.monotonic())
            finally:
                ex.shutdown(wait=True)
        r = {"seconds": wall, "cpu": cpu, "start_s": start, "own_cores": own, "foreign_cores": foreign}
        self.results.setdefault("backfill", {})["pool"] = r
        self._speedup_row("2-worker ProcessPoolExecutor", r)

    def run_dask(self) -> None:
        """Dask calling `extract_report` in its workers, like the pool = the target row;
        then, for information, the tasks the flows run on Dask (`extract_outcome`: the
        extraction in each Dask worker's isolation subprocess, one more process hop and
        one more pickling of the result)."""
        from metroextract.isolate import extract_outcome
        from metroextract.pipeline import extract_report

        self._dask_case(extract_report, _dask_warm, "thread", "Dask LocalCluster, 2 processes (extract_report, like the pool)", target=True)
        self._dask_case(extract_outcome, _dask_warm_isolated, "isolated", "Dask LocalCluster, 2 processes, tasks as the flows run them (extract_outcome, info)", target=False)

    def _dask_case(self, fn: Callable[[str], Any], warm_fn: Callable[[list[str]], int], key: str, label: str, target: bool) -> None:
        import dask
        from dask.distributed import Client, LocalCluster, get_task_stream

        paths = self.make_copies()
        warm = warm_paths(self.fixtures)
        self.run_serial()
        with section(self, f"dask {key}"):
            t0 = time.perf_counter()
            # On 2 cores every background cycle of the workers (stack profiler every 10 ms,
            # event-loop tick every 20 ms, memory monitor every 100 ms, system monitor every
            # 500 ms) is taken from the other worker's extraction: DASK_QUIET slows them down
            # (the README's Dask notes recommend the same for CPU-bound workers).
            with dask.config.set(DASK_QUIET if self.args.dask_quiet else {}):
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            try:
                client.run(warm_fn, warm)
                start = time.perf_counter() - t0
                log(f"dask {key}: cluster ready in {start:.1f} s; {len(paths)} copies")
                s0 = time.monotonic()
                with get_task_stream(client) as stream:
                    _, wall, cpu = timed_tree(lambda: client.gather(client.map(fn, [str(p) for p in paths], pure=False)))
                own, foreign = self.monitor.window(s0, time.monotonic())
                busy: dict[str, float] = {}
                tasks: dict[str, int] = {}
                for rec in stream.data:
                    w = str(rec.get("worker"))
                    tasks[w] = tasks.get(w, 0) + 1
                    busy[w] = busy.get(w, 0.0) + sum(st["stop"] - st["start"] for st in rec.get("startstops", ()) if st.get("action") == "compute")
            finally:
                client.close()
                cluster.close()
        r = {"seconds": wall, "cpu": cpu, "start_s": start, "own_cores": own, "foreign_cores": foreign, "tasks": tasks, "busy_s": busy}
        self.results.setdefault("backfill", {})[f"dask_{key}"] = r
        extra = ""
        if tasks:
            extra = "; tasks per worker " + "/".join(str(v) for v in tasks.values()) + ", compute per worker " + "/".join(f"{v:.0f}" for v in busy.values()) + " s"
        if not self.args.dask_quiet:
            extra += "; Dask's default monitors"
        self._speedup_row(label, r, extra, target=target)

    # ------------------------------------------------------------------ ingest flow

    def _prefect_env(self) -> None:
        home = self.workdir / "prefect-home"
        home.mkdir(exist_ok=True)
        for k in [k for k in os.environ if k.startswith("PREFECT_API_")]:
            del os.environ[k]
        os.environ["PREFECT_HOME"] = str(home)
        os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        os.environ["DO_NOT_TRACK"] = "1"
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        import flows  # noqa: F401  (quiet Prefect defaults, before prefect is imported)

    def _fill_inbox(self, inbox: Path) -> None:
        inbox.mkdir(parents=True, exist_ok=True)
        past = time.time() - 3600
        for p in self.copies:
            dst = inbox / p.name
            shutil.copyfile(p, dst)
            os.utime(dst, (past, past))

    def _prefect_up(self) -> None:
        if "prefect_start_s" in self.results.setdefault("ingest", {}):
            return
        self._prefect_env()
        from prefect import flow

        @flow(name="bench-warm-up")
        def _noop() -> int:
            return 1

        with section(self, "prefect start"):
            _, t_api, _ = timed(_noop)
            log(f"Prefect ephemeral API up in {t_api:.1f} s")
        self.results["ingest"]["prefect_start_s"] = t_api
        # A later CLI run finds the database migrated: time a fresh process on a copy of it.
        home2 = self.workdir / "prefect-home-2"
        shutil.copytree(self.workdir / "prefect-home", home2, ignore=shutil.ignore_patterns("*.lock"))
        code = (
            "import sys, time\nt = time.perf_counter()\nsys.path.insert(0, sys.argv[1])\nimport flows\nfrom prefect import flow\n"
            "@flow(name='bench-warm-up')\ndef f():\n    return 1\nf()\nprint(time.perf_counter() - t)\n"
        )
        env = {**os.environ, "PREFECT_HOME": str(home2)}
        t_cli = float("nan")
        with section(self, "prefect start, migrated"), contextlib.suppress(Exception):
            proc = subprocess.run([sys.executable, "-c", code, str(REPO)], env=env, capture_output=True, text=True, timeout=600)
            t_cli = float(proc.stdout.strip().splitlines()[-1])
        self.results["ingest"]["prefect_start_migrated_s"] = t_cli
        self.rows.append(
            Row(
                "one-off",
                "Prefect ephemeral API start",
                measured=fmt_s(t_api, 1),
                notes=f"first flow call in a process, fresh PREFECT_HOME (database created and migrated); a fresh process on an "
                f"existing database (what every later CLI run pays, prefect import included): {t_cli:.1f} s; not in the flow timings below",
            )
        )

    def _ingest(self, concurrency: int, out: Path, inbox: Path) -> tuple[Any, dict[str, float]]:
        from flows.ingest import ingest

        self._fill_inbox(inbox)
        s0 = time.monotonic()
        summary, wall, cpu = timed_tree(lambda: ingest(inbox=inbox, output=out, settle_seconds=0.0, concurrency=concurrency, max_settle_wait=0.0))
        own, foreign = self.monitor.window(s0, time.monotonic())
        return summary, {"seconds": wall, "cpu": cpu, "own_cores": own, "foreign_cores": foreign}

    def _warm_isolated(self, n: int) -> float:
        """Start n isolation workers (what the flow's extraction tasks use) and warm them
        on the warm-up files, as the pool's initializer does; seconds taken."""
        from concurrent.futures import ThreadPoolExecutor

        from metroextract.isolate import extract_isolated, shutdown_workers

        shutdown_workers()
        warm = warm_paths(self.fixtures)
        t0 = time.perf_counter()

        def one(_: int) -> None:
            for p in warm:
                extract_isolated(p)

        with ThreadPoolExecutor(n) as ex:
            list(ex.map(one, range(n)))
        return time.perf_counter() - t0

    def run_ingest(self) -> None:
        """Ingest at concurrency 1 right after the serial loop (same load), then the re-run."""
        paths = self.make_copies()
        serial = self.run_serial()
        self._prefect_up()
        from metroextract.datasets import rebuild_datasets
        from metroextract.isolate import shutdown_workers
        from metroextract.pipeline import file_sha256

        res = self.results["ingest"]
        out1, inbox1 = self.workdir / "ingest1" / "output", self.workdir / "ingest1" / "inbox"
        with section(self, "ingest c=1"):
            # Warm like the baseline's worker: the worker's start (imports, spaCy) is a
            # one-off row of its own, not Prefect overhead.
            warm1 = self._warm_isolated(1)
            s1, r1 = self._ingest(1, out1, inbox1)
            c1 = s1.counts()
        with section(self, "ingest re-run"):
            s2, r2 = self._ingest(1, out1, inbox1)
            c2 = s2.counts()
            _, t_sha, _ = timed(lambda: [file_sha256(p) for p in paths])
            _, t_rebuild, _ = timed(lambda: rebuild_datasets(out1))
        shutdown_workers()
        extracted_s = sum(f.seconds for f in s1.files)
        res["c1"] = {**r1, "flow_seconds": s1.seconds, "counts": c1, "sum_file_seconds": extracted_s}
        res["rerun"] = {**r2, "flow_seconds": s2.seconds, "counts": c2, "sha256_s": t_sha, "rebuild_datasets_s": t_rebuild}

        t1, t2 = r1["seconds"], r2["seconds"]
        overhead = t1 / serial["seconds"] - 1
        cpu_overhead = r1["cpu"] / serial["cpu"] - 1
        pages = self.copies_pages()
        self.rows.append(
            Row(
                "prefect",
                f"ingest flow, concurrency 1, {len(paths)} files vs serial loop",
                pages=str(pages),
                baseline=fmt_s(serial["seconds"], 1),
                measured=fmt_s(t1, 1),
                ratio=f"{overhead:+.1%}",
                target=f"<= +{TARGET_PREFECT:.0%}",
                result=verdict(overhead <= TARGET_PREFECT, max(serial["foreign_cores"], r1["foreign_cores"])),
                notes=f"{c1['extracted']} extracted, {c1['quarantined']} quarantined; CPU of the whole process tree {r1['cpu']:.1f} s vs {serial['cpu']:.1f} s "
                f"({cpu_overhead:+.1%}); time in extraction tasks {extracted_s:.1f} s (isolated worker started and warmed in {warm1:.1f} s before the clock, like the baseline's; pickling), "
                f"datasets rebuild ~{t_rebuild:.1f} s, rest (claims, writes, Prefect) {t1 - extracted_s - t_rebuild:.1f} s; foreign load {r1['foreign_cores']:.2f} cores",
            )
        )
        share = t2 / t1
        self.rows.append(
            Row(
                "re-run",
                f"same {len(paths)} files dropped again, unchanged",
                pages=str(pages),
                baseline=fmt_s(t1, 1),
                measured=fmt_s(t2, 2),
                ratio=f"{share:.1%}",
                target=f"<= {TARGET_RERUN:.0%}",
                result=verdict(share <= TARGET_RERUN, max(r1["foreign_cores"], r2["foreign_cores"])),
                notes=f"{c2['unchanged']} unchanged, {c2['parsed']} parsed; of which sha256 of {len(paths)} files {t_sha:.2f} s, "
                f"datasets rebuild ~{t_rebuild:.2f} s, rest (claims, moves, fsyncs, Prefect flow run) {t2 - t_sha - t_rebuild:.2f} s",
            )
        )

    def run_ingest_c2(self) -> None:
        """For information: the flow at its default concurrency 2, against the process pool."""
        pool = self.results.get("backfill", {}).get("pool")
        if pool is None:
            return
        self.make_copies()
        serial = self.run_serial()
        self._prefect_up()
        from metroextract.isolate import shutdown_workers

        out, inbox = self.workdir / "ingest2" / "output", self.workdir / "ingest2" / "inbox"
        with section(self, "ingest c=2"):
            self._warm_isolated(2)
            s3, r3 = self._ingest(2, out, inbox)
        shutdown_workers()
        self.results["ingest"]["c2"] = {**r3, "counts": s3.counts()}
        t3 = r3["seconds"]
        self.rows.append(
            Row(
                "prefect",
                "ingest flow, concurrency 2 (default) vs 2-worker pool (info)",
                pages=str(self.copies_pages()),
                baseline=fmt_s(pool["seconds"], 1),
                measured=fmt_s(t3, 1),
                ratio=f"{t3 / pool['seconds'] - 1:+.1%}",
                notes=f"speed-up over the serial loop {serial['seconds'] / t3:.2f}x; CPU {r3['cpu']:.1f} s (pool {pool['cpu']:.1f} s); isolation workers warmed before the clock, like the pool's; "
                f"{r3['own_cores']:.2f} cores ours vs {r3['foreign_cores']:.2f} foreign",
            )
        )

    # ------------------------------------------------------------------ scale

    def run_scale(self) -> None:
        import pypdfium2 as pdfium

        sizes = self.args.sizes
        src = max(self.fixtures, key=lambda p: (len(pdfium.PdfDocument(str(p))), p.name))
        folder = self.workdir / "long"
        folder.mkdir()

        def build(n: int) -> Path:
            source = pdfium.PdfDocument(str(src))
            m = len(source)
            dst = pdfium.PdfDocument.new()
            while len(dst) < n:
                dst.import_pages(source, list(range(min(m, n - len(dst)))))
            path = folder / f"long-{n}.pdf"
            dst.save(str(path))
            dst.close()
            source.close()
            return path

        warm = build(4)
        res: dict[str, Any] = {"source": src.name, "sizes": {}}
        s0 = time.monotonic()
        with section(self, "scale"):
            for n in sizes:
                path = build(n)
                one = {}
                for mode in ("pdfplumber", "extract"):
                    log(f"scale: {n} pages, {mode}, fresh process")
                    proc = subprocess.run(
                        [sys.executable, __file__, "--child-scale", mode, str(path), str(warm)],
                        capture_output=True,
                        text=True,
                        timeout=3600,
                    )
                    try:
                        one[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
                    except (IndexError, ValueError):
                        one[mode] = {"error": (proc.stderr or "no output").strip().splitlines()[-1:]}
                res["sizes"][n] = one
        self.results["scale"] = res
        _, foreign = self.monitor.window(s0, time.monotonic())

        ok_sizes = [n for n in sizes if "seconds" in res["sizes"][n].get("extract", {})]
        per_page = {n: res["sizes"][n]["extract"]["seconds"] / n for n in ok_sizes}
        for n in sizes:
            e, b = res["sizes"][n].get("extract", {}), res["sizes"][n].get("pdfplumber", {})
            if "seconds" not in e:
                self.rows.append(Row("scale", f"{n} pages", pages=str(n), result="MISS", notes=f"extract failed: {e.get('error')}"))
                continue
            row = Row(
                "scale",
                f"{n} pages ({src.name} repeated), fresh process",
                pages=str(n),
                baseline=fmt_s(b.get("seconds"), 1),
                measured=fmt_s(e["seconds"], 1),
                ratio=f"{1000 * e['seconds'] / n:.0f} ms/page",
                notes=f"peak RSS {e['peak_rss_mb']:.0f} MB (warm process before: {e['base_rss_mb']:.0f} MB; bare pdfplumber peak "
                f"{b.get('peak_rss_mb', float('nan')):.0f} MB, {1000 * b.get('seconds', float('nan')) / n:.0f} ms/page); "
                f"extract/pdfplumber {e['seconds'] / b.get('seconds', float('nan')):.2f}x; "
                + " · ".join(f"{s} {e['timings'].get(s, 0.0):.1f}" for s in STAGES[:4])
                + " s",
            )
            if n == max(sizes) and len(ok_sizes) >= 2:
                mid = sorted(ok_sizes)[-2]
                growth = per_page[n] / per_page[mid]
                linear = growth <= TARGET_LINEAR
                rss_ok = e["peak_rss_mb"] <= TARGET_RSS_MB
                row.target = f"<= {TARGET_RSS_MB:.0f} MB, linear"
                row.result = verdict(linear and rss_ok, foreign)
                row.notes += f"; s/page vs {mid} pages {growth:.2f}x ({'linear' if linear else 'super-linear'})"
            self.rows.append(row)

    # ------------------------------------------------------------------ report

    def header(self, info: dict[str, Any], markdown: bool) -> str:
        secs = []
        for s in self.sections:
            own, foreign = self.monitor.window(s.t0, s.t1)
            secs.append(f"{s.name} {s.t1 - s.t0:.0f} s (foreign {foreign:.2f})")
        load = info["loadavg_start"]
        end = os.getloadavg()
        lines = [
            f"metroextract benchmark, {info['date']}, commit {info['commit']}",
            f"machine: {info['cpu']}, {info['cores_logical']} cores ({info['cores_physical']} physical), {info['ram_gib']} GiB RAM, {info['os']}",
            f"software: Python {info['python']}, pdfplumber {info['pdfplumber']} (pdfminer.six {info['pdfminer.six']}), pypdfium2 {info['pypdfium2']}, "
            f"spaCy {info['spacy']}, Prefect {info['prefect']}, dask.distributed {info['dask']}, metroextract {info['metroextract']}",
            f"run: {'quick, ' if self.args.quick else ''}median of {self.args.repeat}, {len(self.copies) or self.args.copies} copies, "
            f"sizes {'/'.join(map(str, self.args.sizes))} pages; total {sum(s.t1 - s.t0 for s in self.sections):.0f} s",
            f"load: 1-min load average {load[0]:.2f} at start, {end[0]:.2f} at end; CPU used by other processes (foreign, in cores) per section: "
            + ", ".join(secs),
            "read: baseline = bare pdfplumber (fixtures, scale), serial loop (backfill, prefect), first run (re-run); "
            "measured = extract_report or the parallel/flow run; ratio = measured / baseline (speed-up for backfill)",
        ]
        if markdown:
            return "\n".join(f"- {ln}" if i else f"**{ln}**\n" for i, ln in enumerate(lines))
        return "\n".join(lines)


# --------------------------------------------------------------------------- child process (scale)


def vm_hwm() -> int:
    """Peak RSS of this process image, in bytes (`VmHWM`).

    Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux keeps that across `execve`, and a child
    started by `subprocess` (vfork + exec) inherits its parent's peak, so a fresh
    interpreter would report the benchmark's own peak. `VmHWM` belongs to the new image.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_scale(mode: str, path: str, warm: str) -> int:
    """Measure one long PDF in this fresh process: warm up on `warm`, then time `path`."""
    import psutil

    logging.basicConfig(level=logging.ERROR)
    proc = psutil.Process()
    timings: dict[str, float] = {}
    if mode == "extract":
        from metroextract.pipeline import extract

        with contextlib.suppress(Exception):
            extract(warm)

        def fn() -> int:
            ex = extract(path)
            timings.update(ex.timings)
            return ex.report.source.pages

    else:

        def fn() -> int:
            return bare_pdfplumber(Path(path))

        bare_pdfplumber(Path(warm))
    gc.collect()
    base = proc.memory_info().rss
    peak_before = vm_hwm()
    pages, wall, cpu = timed(fn)
    peak = vm_hwm()
    print(
        json.dumps(
            {
                "mode": mode,
                "pages": pages,
                "seconds": wall,
                "cpu": cpu,
                "base_rss_mb": base / 2**20,
                "peak_before_mb": peak_before / 2**20,
                "peak_rss_mb": peak / 2**20,
                "timings": timings,
            }
        )
    )
    return 0


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=None, help="runs per fixture measure, median taken (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repeat, 8 copies, 10/50 pages, no OCR, no concurrency-2 ingest")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--copies", type=int, default=None, help="report copies for backfill/ingest (default 40; 8 with --quick)")
    ap.add_argument("--sizes", type=str, default=None, help="page counts for the scale test (default 10,100,300; 10,50 with --quick)")
    ap.add_argument("--sections", type=str, default="fixtures,ocr,backfill,ingest,scale", help="comma-separated subset to run")
    ap.add_argument("--fixtures", type=str, default="*.pdf", help="glob of fixture PDFs under fixtures/ (scanned ones are always skipped)")
    ap.add_argument("--json", type=Path, default=None, help="also write every measurement to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    ap.add_argument("--dask-defaults", dest="dask_quiet", action="store_false", help="run the Dask workers with Dask's default monitors instead of DASK_QUIET")
    ap.add_argument("--child-scale", nargs=3, metavar=("MODE", "PDF", "WARM"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.copies is None:
        args.copies = 8 if args.quick else 40
    args.sizes = [int(s) for s in (args.sizes or ("10,50" if args.quick else "10,100,300")).split(",")]
    args.sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    if args.quick:
        args.sections.discard("ocr")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_scale:
        return child_scale(*args.child_scale)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    logging.basicConfig(level=logging.ERROR)  # pdfminer's and Prefect's chatter stays out
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    monitor = LoadMonitor().start()
    workdir = Path(tempfile.mkdtemp(prefix="metroextract-bench-"))
    bench = Bench(args=args, monitor=monitor, workdir=workdir)
    bench.fixtures = text_fixtures(args.fixtures)
    if not bench.fixtures:
        print(f"no text fixtures match {args.fixtures!r} in {FIXTURES}", file=sys.stderr)
        return 2
    info = machine_info()
    log(f"work folder {workdir}; {len(bench.fixtures)} fixtures; sections {sorted(args.sections)}")

    def attempt(name: str, fn: Callable[[], None]) -> None:
        """A section that fails (the tree is being edited, a flow is unfinished) is a row
        of the table, and the other sections still run."""
        try:
            fn()
        except Exception as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            last = traceback.extract_tb(exc.__traceback__)[-1]
            bench.rows.append(Row(name, "section failed", result="ERROR", notes=f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"))
            bench.results.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"

    try:
        bench.warm_up()
        if "fixtures" in args.sections:
            attempt("fixtures", bench.run_fixtures)
        if "pages" not in bench.results.get("fixtures", {}):  # page counts are needed for the other sections
            import pdfplumber

            pages = {}
            for p in bench.fixtures:
                with pdfplumber.open(p) as pdf:
                    pages[p.name] = len(pdf.pages)
            bench.results["fixtures"] = {"pages": pages}
        if "ocr" in args.sections:
            attempt("ocr", bench.run_ocr)
        # Baselines run right before what is compared with them, so both see the same load.
        if "backfill" in args.sections or "ingest" in args.sections:
            attempt("backfill", bench.run_serial)
        if "ingest" in args.sections:
            attempt("prefect", bench.run_ingest)
        if "backfill" in args.sections:
            attempt("backfill", bench.run_ceiling)
            attempt("backfill", bench.run_pool)
        if "ingest" in args.sections and not args.quick:
            attempt("prefect", bench.run_ingest_c2)
        if "backfill" in args.sections:
            attempt("backfill", bench.run_dask)
        if "scale" in args.sections:
            attempt("scale", bench.run_scale)
    finally:
        monitor.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    order = ["one-off", "fixtures", "ocr", "backfill", "prefect", "re-run", "scale"]
    rows = sorted(bench.rows, key=lambda r: order.index(r.section) if r.section in order else len(order))
    head = bench.header(info, args.markdown)
    table = render_markdown(rows) if args.markdown else render_plain(rows)
    print(head + "\n\n" + table)
    if args.json:
        bench.results["info"] = info
        bench.results["rows"] = [r.__dict__ for r in rows]
        bench.results["sections"] = [{"name": s.name, "seconds": s.t1 - s.t0, "loadavg": s.load0, "own_foreign": bench.monitor.window(s.t0, s.t1)} for s in bench.sections]
        args.json.write_text(json.dumps(bench.results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
