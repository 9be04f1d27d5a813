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
- proof     the proof page (issue 16) of a 50-page report joined from the longest text
            fixtures: seconds to write it (median of --repeat) and its size (target < 5 s,
            < 10 MB).

One module per section (`bench/fixtures.py`, `ocr.py`, `serial.py`, `backfill.py`,
`ingest.py`, `scale.py`, `proof.py`); this file only parses the options and runs them in order.

The machine has 2 cores shared with whoever else is working: a sampler thread records
the CPU used by processes outside this benchmark's process tree ("foreign load", in
cores) per section; read speed-ups and ratios with it in mind. CPU-time ratios (less
sensitive to load) are given beside wall-clock ones where both exist.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/run.py`: import `bench` from the repository root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.backfill import run_ceiling, run_dask, run_pool
from bench.fixtures import run_fixtures
from bench.ingest import run_ingest, run_ingest_c2
from bench.load import LoadMonitor
from bench.measure import FIXTURES, log, text_fixtures
from bench.ocr import run_ocr
from bench.proof import run_proof
from bench.report import header, machine_info, render_markdown, render_plain
from bench.rows import Row
from bench.scale import child_scale, run_scale
from bench.serial import run_serial
from bench.state import Bench
from bench.warm_up import warm_up

SECTION_ORDER = ["one-off", "fixtures", "ocr", "backfill", "prefect", "re-run", "scale", "proof"]  # of the table's rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=None, help="runs per fixture measure, median taken (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repeat, 8 copies, 10/50 pages, no OCR, no concurrency-2 ingest")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--copies", type=int, default=None, help="report copies for backfill/ingest (default 40; 8 with --quick)")
    ap.add_argument("--sizes", type=str, default=None, help="page counts for the scale test (default 10,100,300; 10,50 with --quick)")
    ap.add_argument("--sections", type=str, default="fixtures,ocr,backfill,ingest,scale,proof", help="comma-separated subset to run")
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


def attempt(bench: Bench, name: str, fn: Callable[[Bench], None]) -> None:
    """A section that fails (the tree is being edited, a flow is unfinished) is a row
    of the table, and the other sections still run."""
    try:
        fn(bench)
    except Exception as exc:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        last = traceback.extract_tb(exc.__traceback__)[-1]
        bench.rows.append(Row(name, "section failed", result="ERROR", notes=f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"))
        bench.results.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"


def ensure_page_counts(bench: Bench) -> None:
    """Page counts of the fixtures, which the other sections need, when `fixtures` did not run."""
    if "pages" in bench.results.get("fixtures", {}):
        return
    import pdfplumber

    pages = {}
    for p in bench.fixtures:
        with pdfplumber.open(p) as pdf:
            pages[p.name] = len(pdf.pages)
    bench.results["fixtures"] = {"pages": pages}


def run_sections(bench: Bench) -> None:
    """The chosen sections, in order."""
    sections, quick = bench.args.sections, bench.args.quick
    warm_up(bench)
    if "fixtures" in sections:
        attempt(bench, "fixtures", run_fixtures)
    ensure_page_counts(bench)
    if "ocr" in sections:
        attempt(bench, "ocr", run_ocr)
    # Baselines run right before what is compared with them, so both see the same load.
    if "backfill" in sections or "ingest" in sections:
        attempt(bench, "backfill", run_serial)
    if "ingest" in sections:
        attempt(bench, "prefect", run_ingest)
    if "backfill" in sections:
        attempt(bench, "backfill", run_ceiling)
        attempt(bench, "backfill", run_pool)
    if "ingest" in sections and not quick:
        attempt(bench, "prefect", run_ingest_c2)
    if "backfill" in sections:
        attempt(bench, "backfill", run_dask)
    if "scale" in sections:
        attempt(bench, "scale", run_scale)
    if "proof" in sections:
        attempt(bench, "proof", run_proof)


def print_results(bench: Bench, info: dict) -> None:
    """The header and the table on stdout; every measurement to --json."""
    args = bench.args
    rows = sorted(bench.rows, key=lambda r: SECTION_ORDER.index(r.section) if r.section in SECTION_ORDER else len(SECTION_ORDER))
    head = header(bench, info, args.markdown)
    table = render_markdown(rows) if args.markdown else render_plain(rows)
    print(head + "\n\n" + table)
    if args.json:
        bench.results["info"] = info
        bench.results["rows"] = [r.__dict__ for r in rows]
        bench.results["sections"] = [{"name": s.name, "seconds": s.t1 - s.t0, "loadavg": s.load0, "own_foreign": bench.monitor.window(s.t0, s.t1)} for s in bench.sections]
        args.json.write_text(json.dumps(bench.results, indent=2, default=str))


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
    try:
        run_sections(bench)
    finally:
        monitor.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print_results(bench, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
