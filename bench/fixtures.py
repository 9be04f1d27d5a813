"""Section `fixtures`: every text fixture, bare pdfplumber (baseline) vs pypdfium2 text (floor)
vs `extract_report` (measured), median of --repeat interleaved passes, time split by stage."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import STAGES, TARGET_RATIO, bare_pdfplumber, fmt_s, log, median, pdfium_text, timed, verdict
from bench.rows import Row
from bench.state import Bench, section


def measure_fixtures(bench: Bench) -> tuple[dict[str, dict[str, list[float]]], dict[str, int]]:
    """--repeat interleaved passes over the fixtures: every run of every measure, and page counts."""
    from metroextract.export import write_report_outputs
    from metroextract.pipeline import extract

    n = bench.args.repeat
    data: dict[str, dict[str, list[float]]] = {p.name: {} for p in bench.fixtures}
    pages: dict[str, int] = {}
    with section(bench, "fixtures"):
        for rep in range(n):
            log(f"fixtures: pass {rep + 1}/{n}")
            for p in bench.fixtures:
                d = data[p.name]
                gc.collect()
                npages, wall, cpu = timed(lambda p=p: bare_pdfplumber(p))
                pages[p.name] = npages
                d.setdefault("pdfplumber", []).append(wall)
                d.setdefault("pdfplumber_cpu", []).append(cpu)
                _, wall, _ = timed(lambda p=p: pdfium_text(p))
                d.setdefault("pdfium", []).append(wall)
                gc.collect()
                ex, wall, cpu = timed(lambda p=p: extract(p))
                d.setdefault("extract", []).append(wall)
                d.setdefault("extract_cpu", []).append(cpu)
                for k, v in ex.timings.items():
                    d.setdefault(k, []).append(v)
                with tempfile.TemporaryDirectory(dir=bench.workdir) as tmp:
                    _, wall, _ = timed(lambda ex=ex, tmp=tmp: write_report_outputs(Path(tmp), ex.report, ex.review))
                d.setdefault("export", []).append(wall)
    return data, pages


def one_off_row(warm: dict[str, Any]) -> Row:
    """The costs `warm_up` measured, paid once per process."""
    extra = sum(warm.get("first_call_extra_s", {}).values())
    langs = ", ".join(f"{k} {v:.1f} s" for k, v in warm["spacy_blank_s"].items())
    return Row(
        "one-off",
        "process start (not in any timing below)",
        measured=fmt_s(warm["import_s"] + sum(warm["spacy_blank_s"].values()) + max(0.0, extra), 1),
        notes=f"import metroextract.pipeline {warm['import_s']:.1f} s; first spacy.blank + SpanRuler per language: {langs}; "
        f"first extract_report per language minus the second (registry, matchers, caches) {max(0.0, extra):.1f} s",
    )


def fixture_row(name: str, m: dict[str, float], pages: int) -> Row:
    return Row(
        "fixtures",
        name,
        pages=str(pages),
        baseline=fmt_s(m["pdfplumber"]),
        floor=fmt_s(m["pdfium"], 3),
        measured=fmt_s(m["extract"]),
        ratio=f"{m['extract'] / m['pdfplumber']:.2f}x",
        notes=" · ".join(f"{s} {m.get(s, 0.0):.2f}" for s in STAGES) + " s",
    )


def total_row(tot: dict[str, float], fixtures: int, repeat: int, pages: int) -> Row:
    """The target row: the sum of the medians, extract_report against bare pdfplumber."""
    ratio = tot["ratio"]
    share = {s: tot[s] / (tot["extract"] + tot["export"]) for s in STAGES}
    return Row(
        "fixtures",
        f"TOTAL ({fixtures} text fixtures, median of {repeat})",
        pages=str(pages),
        baseline=fmt_s(tot["pdfplumber"]),
        floor=fmt_s(tot["pdfium"], 3),
        measured=fmt_s(tot["extract"]),
        ratio=f"{ratio:.2f}x",
        target=f"<= {TARGET_RATIO}x",
        result=verdict(ratio <= TARGET_RATIO),  # interleaved passes: load hits both sides
        notes=" · ".join(f"{s} {tot[s]:.2f} s ({share[s]:.0%})" for s in STAGES) + f"; CPU-time ratio {tot['cpu_ratio']:.2f}x; layout minus bare pdfplumber {tot['layout'] - tot['pdfplumber']:+.2f} s",
    )


def run_fixtures(bench: Bench) -> None:
    data, pages = measure_fixtures(bench)
    med = {name: {k: median(v) for k, v in d.items()} for name, d in data.items()}
    bench.results["fixtures"] = {"pages": pages, "median": med, "runs": data}
    tot = {k: sum(m.get(k, 0.0) for m in med.values()) for k in ("pdfplumber", "pdfplumber_cpu", "pdfium", "extract", "extract_cpu", *STAGES)}
    tot = {**tot, "ratio": tot["extract"] / tot["pdfplumber"], "cpu_ratio": tot["extract_cpu"] / tot["pdfplumber_cpu"]}
    bench.results["fixtures"]["total"] = tot
    if warm := bench.results.get("warm_up", {}):
        bench.rows.append(one_off_row(warm))
    for name, m in med.items():
        bench.rows.append(fixture_row(name, m, pages[name]))
    bench.rows.append(total_row(tot, len(med), bench.args.repeat, sum(pages.values())))
