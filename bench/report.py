"""What a run prints: the header (machine, software, load) and the table of rows."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import platform
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import REPO
from bench.rows import COLUMNS, HEADINGS, Row

if TYPE_CHECKING:
    from bench.state import Bench


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


def machine_info() -> dict[str, Any]:
    import pdfplumber
    import psutil

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
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
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


def header(bench: Bench, info: dict[str, Any], markdown: bool) -> str:
    secs = []
    for s in bench.sections:
        own, foreign = bench.monitor.window(s.t0, s.t1)
        secs.append(f"{s.name} {s.t1 - s.t0:.0f} s (foreign {foreign:.2f})")
    load = info["loadavg_start"]
    end = os.getloadavg()
    lines = [
        f"metroextract benchmark, {info['date']}, commit {info['commit']}",
        f"machine: {info['cpu']}, {info['cores_logical']} cores ({info['cores_physical']} physical), {info['ram_gib']} GiB RAM, {info['os']}",
        f"software: Python {info['python']}, pdfplumber {info['pdfplumber']} (pdfminer.six {info['pdfminer.six']}), pypdfium2 {info['pypdfium2']}, "
        f"spaCy {info['spacy']}, Prefect {info['prefect']}, dask.distributed {info['dask']}, metroextract {info['metroextract']}",
        f"run: {'quick, ' if bench.args.quick else ''}median of {bench.args.repeat}, {len(bench.copies) or bench.args.copies} copies, "
        f"sizes {'/'.join(map(str, bench.args.sizes))} pages; total {sum(s.t1 - s.t0 for s in bench.sections):.0f} s",
        f"load: 1-min load average {load[0]:.2f} at start, {end[0]:.2f} at end; CPU used by other processes (foreign, in cores) per section: " + ", ".join(secs),
        "read: baseline = bare pdfplumber (fixtures, scale), serial loop (backfill, prefect), first run (re-run); "
        "measured = extract_report or the parallel/flow run; ratio = measured / baseline (speed-up for backfill)",
    ]
    if markdown:
        return "\n".join(f"- {ln}" if i else f"**{ln}**\n" for i, ln in enumerate(lines))
    return "\n".join(lines)
