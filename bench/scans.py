#!/usr/bin/env python3
"""Scans of any design: generated designs and fixture designs, rasterised as a scanner would,
then read through OCR and scored on the activities (found, dates, titles, the other fields).

    .venv/bin/python bench/scans.py --seeds 500-519                 # generated, producers in turn
    .venv/bin/python bench/scans.py --seeds 400-409 --producers libreoffice
    .venv/bin/python bench/scans.py --fixtures                      # every fixture design, scanned
    .venv/bin/python bench/scans.py --seeds 500-505 --titles        # print every title and date read wrong
    .venv/bin/python bench/scans.py --bundled                       # the committed scans, held to the suite's bars

`--bundled` reads the six committed scanned fixtures as they are. The suite reads two of
them (`tests/test_ocr.py`, the 10- and 11-page ones); the four long ones (17-31 pages, five
minutes of OCR on two cores) are this command's, with the same bars (`BUNDLED_BARS`): it
exits 1 when a scan falls below one.

Each design is scanned twice by `fixtures/layouts/scanned.py` at 300 dpi: grey, and colour,
both skewed (0.4–1.5°, seeded per page) with JPEG noise (quality 35, grain 6). The truth is
the generator's content (or the fixture's truth file), never the extractor's output. Rows:
F1 of matched activities, dates and titles (`bench/designs.score_report`), min / p5 /
median / mean; the report's own verdict of the activities section beside it.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), str(ROOT / "fixtures")] + [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]

from bench.designs import p5, parse_seeds, plan, score_report  # noqa: E402

ROWS = ("activities", "dates", "titles", "members", "alliances", "results", "challenges", "description")
# The two scanners of the issue: 300 dpi grey and colour, skewed, JPEG-compressed and noisy.
SCANNERS = {
    "grey": {"dpi": 300, "colour": False, "skew": (0.4, 1.5), "jpeg_quality": 35, "noise": 6, "blur": 0.6},
    "colour": {"dpi": 300, "colour": True, "skew": (0.4, 1.5), "jpeg_quality": 35, "noise": 6, "blur": 0.6},
}

# The suite's bars for a committed scan (tests/test_ocr.py): activity F1, dates, titles, members.
BUNDLED_BARS = {"activities": 0.95, "dates": 0.95, "titles": 0.90, "members": 0.90}


def scan(pdf: Path, name: str, scanner: str, out_dir: Path) -> Path:
    """`pdf` rasterised by the scanner simulation (`fixtures/layouts/scanned.py`)."""
    from layouts import scanned

    out = out_dir / f"{pdf.stem}-scan-{scanner}.pdf"
    buf = io.BytesIO()
    scanned.build(pdf.read_bytes(), buf, name, params=scanned.ScanParams(**SCANNERS[scanner]))
    out.write_bytes(buf.getvalue())
    return out


def wrong_fields(report, truth: dict) -> list[tuple[str, str, str]]:
    """(field, printed, read) for each matched activity's title or date read wrong."""
    from metroextract.evaluate import activity_view, match_activities

    t_acts, f_acts = truth.get("activities", []), report.model_dump(mode="json")["activities"]
    out = []
    for ti, fi in match_activities(t_acts, f_acts):
        tv, fv = activity_view(t_acts[ti]), activity_view(f_acts[fi])
        out += [(f, str(tv[f]), str(fv[f])) for f in ("title", "dates") if tv[f] != fv[f]]
    return out


def run_one(job: tuple, out_dir: str, titles: bool) -> dict:
    """Render (or take) one design, scan it with one scanner, extract and score it."""
    from metroextract.pipeline import extract

    kind, key, producer, scanner = job
    t0 = time.perf_counter()
    row = {"design": f"{key}:{producer}", "scanner": scanner, "error": None, "f1": None}
    out = Path(out_dir)
    try:
        if kind == "seed":
            from fixtures.designgen import generate, render

            pdf, truth = render(generate(key), producer, out)
            pdf = Path(pdf)
        else:
            pdf = ROOT / "fixtures" / f"{key}.pdf"
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
        scanned_pdf = pdf if kind == "bundled" else scan(pdf, f"{key}-{producer}", scanner, out)
        ex = extract(scanned_pdf)
        row["f1"] = {k: v for k, v in score_report(ex.report, truth, ex.review).items() if k in ROWS}
        sections = getattr(ex.report.quality, "sections", None) or {}
        row["verdict"] = str(getattr(sections.get("activities"), "verdict", "")) or None
        row["pages"] = ex.report.source.pages
        row["ocr_seconds"] = ex.timings.get("layout", 0.0)
        if titles:
            row["wrong"] = wrong_fields(ex.report, truth)
    except Exception as exc:  # noqa: BLE001 — a failure is a row, scored 0
        row.update(error=f"{type(exc).__name__}: {str(exc)[:200]}", f1=dict.fromkeys(ROWS, 0.0))
    row["seconds"] = time.perf_counter() - t0
    return row


def summary(results: list[dict]) -> str:
    lines = [f"{len(results)} scans", f"{'row':<14}{'min':>6}{'p5':>6}{'median':>8}{'mean':>7}  worst"]
    for name in ROWS:
        vals = sorted((r["f1"][name], r["design"], r["scanner"]) for r in results)
        xs = [v[0] for v in vals]
        worst = " ".join(f"{d}/{s[:2]} {x:.2f}" for x, d, s in vals[:3] if x < 1)
        lines.append(f"{name:<14}{xs[0]:>6.2f}{p5(xs):>6.2f}{statistics.median(xs):>8.2f}{statistics.fmean(xs):>7.2f}  {worst}")
    pages = sum(r.get("pages", 0) for r in results)
    ocr = sum(r.get("ocr_seconds", 0.0) for r in results)
    flagged = [r for r in results if r["f1"]["activities"] < 0.98 or r["f1"]["dates"] < 0.98 or r["f1"]["titles"] < 0.97]
    silent = [r for r in flagged if r.get("verdict") == "ok"]
    lines.append(f"pages {pages}, layout+OCR {ocr:.0f} s ({ocr / max(1, pages):.2f} s/page)")
    lines.append(f"scans below the issue's bar: {len(flagged)}; of them activities verdict ok: {len(silent)} " + " ".join(f"{r['design']}/{r['scanner']}" for r in silent))
    return "\n".join(lines)


def main(argv=None) -> int:
    from fixtures.designgen import PRODUCERS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", help="generated designs, a seed range A-B")
    ap.add_argument("--producers", default=",".join(PRODUCERS))
    ap.add_argument("--fixtures", action="store_true", help="every text fixture design, scanned")
    ap.add_argument("--bundled", action="store_true", help="the committed scanned fixtures, as they are")
    ap.add_argument("--scanners", default=",".join(SCANNERS))
    ap.add_argument("--jobs", type=int, default=1, help="designs side by side (OCR uses the cores itself)")
    ap.add_argument("--titles", action="store_true", help="print every title and date read wrong")
    ap.add_argument("--json", help="write the per-scan rows here")
    ap.add_argument("--out", help="keep the PDFs here")
    args = ap.parse_args(argv)
    scanners = [s for s in args.scanners.split(",") if s]
    jobs: list[tuple] = []
    if args.seeds:
        producers = [p for p in args.producers.split(",") if p]
        jobs += [("seed", s, p, sc) for s, p in plan(parse_seeds(args.seeds, 0, 0), producers, False) for sc in scanners]
    if args.fixtures:
        names = sorted(p.name[: -len(".pdf")] for p in (ROOT / "fixtures").glob("*.pdf") if "scanned" not in p.name)
        jobs += [("fixture", n, "fixture", sc) for n in names for sc in scanners]
    if args.bundled:
        names = sorted(p.name[: -len(".pdf")] for p in (ROOT / "fixtures").glob("*.pdf") if "scanned" in p.name)
        jobs += [("bundled", n, "fixture", "committed") for n in names]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scans-") as tmp:
        out = args.out or tmp
        Path(out).mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, j, out, args.titles) for j in jobs]
            results = []
            for i, fut in enumerate(futures, 1):
                r = fut.result()
                results.append(r)
                f = r["f1"]
                print(
                    f"[{i}/{len(jobs)}] {r['design']} {r['scanner']}: {r['seconds']:.0f}s acts {f['activities']:.2f} dates {f['dates']:.2f} titles {f['titles']:.2f} {r.get('verdict')} {r['error'] or ''}",
                    file=sys.stderr,
                )
                for field, printed, read in r.get("wrong", []):
                    print(f"    {field}: {printed} -> {read}", file=sys.stderr)
    print(f"({time.perf_counter() - t0:.0f} s)")
    print(summary(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    below = [(r["design"], row, r["f1"][row]) for r in results if r["scanner"] == "committed" for row, bar in BUNDLED_BARS.items() if r["f1"][row] < bar]
    for design, row, value in below:
        print(f"below the bar: {design} {row} {value:.2f} < {BUNDLED_BARS[row]:.2f}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
