"""The copies of the fixtures and the serial loop over them: the baseline of the `backfill`
and `ingest` sections, run right before what is compared with it (same load)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from pathlib import Path

from bench.measure import fmt_s, log, timed_tree, warm_paths
from bench.rows import Row
from bench.state import Bench, section

# --------------------------------------------------------------------------- workers (module level: picklable)


def pool_init(paths: list[str]) -> None:
    """Process-pool initializer: import the pipeline and warm spaCy/registry per language."""
    logging.basicConfig(level=logging.ERROR)
    from metroextract.pipeline import extract_report

    for p in paths:
        with contextlib.suppress(Exception):
            extract_report(p)


def pool_pid(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def make_copies(bench: Bench) -> list[Path]:
    """`--copies` copies of the fixtures, cycling; each gets one byte after %%EOF."""
    import pdfplumber

    if bench.copies:
        return bench.copies
    folder = bench.workdir / "copies"
    folder.mkdir()
    counts: dict[str, int] = {}
    out = []
    for i in range(bench.args.copies):
        src = bench.fixtures[i % len(bench.fixtures)]
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
        src = bench.fixtures[int(p.name[:3]) % len(bench.fixtures)]
        with pdfplumber.open(p) as a, pdfplumber.open(src) as b:
            if len(a.pages) != len(b.pages):
                raise RuntimeError(f"{p.name}: {len(a.pages)} pages, the original has {len(b.pages)}")
    # largest first (like the flows do): a long file started last would leave a worker idle
    out.sort(key=lambda p: p.stat().st_size, reverse=True)
    past = time.time() - 3600
    for p in out:
        os.utime(p, (past, past))
    bench.copies = out
    return out


def copies_pages(bench: Bench) -> int:
    pages = bench.results.get("fixtures", {}).get("pages", {})
    return sum(pages.get(p.name[4:], 0) for p in bench.copies)


def run_serial(bench: Bench) -> dict[str, float]:
    if bench.serial is not None:
        return bench.serial
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from metroextract.pipeline import extract_report

    paths = make_copies(bench)
    with section(bench, "serial loop"):
        # In a fresh, warmed worker process like the pool's: this benchmark's own heap
        # (spaCy for every language, results, monitor) would make the baseline slower
        # than a lean worker and flatter every comparison with it.
        ex = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"), initializer=pool_init, initargs=(warm_paths(bench.fixtures),))
        try:
            ex.submit(pool_pid, 0.0).result()
            log(f"serial loop over {len(paths)} copies, in one warmed worker process")
            s0 = time.monotonic()
            _, wall, cpu = timed_tree(lambda: list(ex.map(extract_report, paths)))
            own, foreign = bench.monitor.window(s0, time.monotonic())
        finally:
            ex.shutdown(wait=True)
    bench.serial = {"seconds": wall, "cpu": cpu, "own_cores": own, "foreign_cores": foreign}
    bench.results["serial"] = bench.serial
    n = len(paths)
    bench.rows.append(
        Row(
            "backfill",
            f"serial extract_report loop, {n} copies, one worker process (baseline)",
            pages=str(copies_pages(bench)),
            measured=fmt_s(wall, 1),
            notes=f"{wall / n:.2f} s/file; CPU {cpu:.1f} s; foreign load {foreign:.2f} cores",
        )
    )
    return bench.serial
