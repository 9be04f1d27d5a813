"""Section `scale`: one long report (the longest fixture's pages repeated) at --sizes pages,
each measured in a fresh process: seconds per page and peak RSS, against bare pdfplumber."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import STAGES, TARGET_LINEAR, TARGET_RSS_MB, bare_pdfplumber, fmt_s, log, timed, verdict
from bench.rows import Row
from bench.state import Bench, section

RUN_PY = Path(__file__).with_name("run.py")  # the fresh process runs `run.py --child-scale`


def run_scale(bench: Bench) -> None:
    import pypdfium2 as pdfium

    sizes = bench.args.sizes
    src = max(bench.fixtures, key=lambda p: (len(pdfium.PdfDocument(str(p))), p.name))
    folder = bench.workdir / "long"
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
    with section(bench, "scale"):
        for n in sizes:
            path = build(n)
            one = {}
            for mode in ("pdfplumber", "extract"):
                log(f"scale: {n} pages, {mode}, fresh process")
                proc = subprocess.run(
                    [sys.executable, str(RUN_PY), "--child-scale", mode, str(path), str(warm)],
                    capture_output=True,
                    text=True,
                    timeout=3600,
                )
                try:
                    one[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
                except (IndexError, ValueError):
                    one[mode] = {"error": (proc.stderr or "no output").strip().splitlines()[-1:]}
            res["sizes"][n] = one
    bench.results["scale"] = res
    _, foreign = bench.monitor.window(s0, time.monotonic())

    ok_sizes = [n for n in sizes if "seconds" in res["sizes"][n].get("extract", {})]
    per_page = {n: res["sizes"][n]["extract"]["seconds"] / n for n in ok_sizes}
    for n in sizes:
        e, b = res["sizes"][n].get("extract", {}), res["sizes"][n].get("pdfplumber", {})
        if "seconds" not in e:
            bench.rows.append(Row("scale", f"{n} pages", pages=str(n), result="MISS", notes=f"extract failed: {e.get('error')}"))
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
            f"extract/pdfplumber {e['seconds'] / b.get('seconds', float('nan')):.2f}x; " + " · ".join(f"{s} {e['timings'].get(s, 0.0):.1f}" for s in STAGES[:4]) + " s",
        )
        if n == max(sizes) and len(ok_sizes) >= 2:
            mid = sorted(ok_sizes)[-2]
            growth = per_page[n] / per_page[mid]
            linear = growth <= TARGET_LINEAR
            rss_ok = e["peak_rss_mb"] <= TARGET_RSS_MB
            row.target = f"<= {TARGET_RSS_MB:.0f} MB, linear"
            row.result = verdict(linear and rss_ok, foreign)
            row.notes += f"; s/page vs {mid} pages {growth:.2f}x ({'linear' if linear else 'super-linear'})"
        bench.rows.append(row)


# --------------------------------------------------------------------------- the fresh process


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
