#!/usr/bin/env python3
"""How the parser generalizes: item F1 per section and activity field over generated designs.

    .venv/bin/python bench/designs.py                          # 200 designs, producers in turn
    .venv/bin/python bench/designs.py -n 60 --jobs 2 --json output/designs.json
    .venv/bin/python bench/designs.py --seeds 0-19 --producers typst,chromium
    make designs N=60

Design i (i = 0, 1, ...) is seed `first + i` drawn by producer `PRODUCERS[i % 3]` unless
--all-producers (each seed by every producer). Each design is rendered by
fixtures.designgen (truth = the generator's content), extracted with
`metroextract.pipeline.extract` and scored with `metroextract.evaluate.score_fixture`:

- sections: `FixtureScore.section_f1` (items as `evaluate.section_items`, exact match);
- activity fields: "activities" = matched activities (title/date matching of the scorer);
  each other field: F1 = 2·(matched activities with that field right) / (truth + found
  activities); "description" counts each matched description by its similarity (0-1).

A design the extractor refuses or fails on scores 0 everywhere (its error is in the rows).
Prints min / p5 / median per row (all designs, then per producer) with the worst seeds;
--json writes every (seed, producer, section, f1) row, with the report's own quality
verdict of that section where `report.quality.sections` has one (else null).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from metroextract.evaluate import SECTIONS as EVAL_SECTIONS

ROOT = Path(__file__).resolve().parents[1]
# run as a script, bench/ comes first on sys.path and its fixtures.py would hide the
# repository's fixtures/ package: the repository root goes first instead
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]

# The sections the report prints (the action lines are scored with the plan's fixtures only).
SECTIONS = tuple(name for name in EVAL_SECTIONS if name != "action_lines")
FIELDS = {"dates": "dates", "titles": "title", "members": "members", "alliances": "alliances", "results": "results", "challenges": "challenges"}
ACTIVITY_ROWS = ("activities", *FIELDS, "description")
# "regions" scores each region as one item (everything in it exact, grid order included);
# "region entries" scores its members, honorary members, focal points and board one by one.
ROWS = (*SECTIONS, "region_entries", *ACTIVITY_ROWS)


def f1(tp: float, expected: int, found: int) -> float:
    return 1.0 if expected + found == 0 else 2 * tp / (expected + found)


def score_report(report, truth: dict, review=()) -> dict[str, float]:
    """Item F1 per section and activity field of an extracted Report against a truth dict."""
    from metroextract.evaluate import score_fixture

    s = score_fixture(truth.get("fixture", "design"), truth, report, review=review)
    out = {sec: s.section_f1(sec) for sec in SECTIONS}
    out["region_entries"] = region_entries_f1(truth.get("regions") or [], report.model_dump(mode="json").get("regions") or [])
    out["activities"] = f1(s.matched, s.expected, s.found)
    for row, field in FIELDS.items():
        out[row] = f1(s.field_correct.get(field, 0), s.expected, s.found)
    out["description"] = f1(s.description_sum, s.expected, s.found)
    return out


def region_entries_f1(truth: list[dict], found: list[dict]) -> float:
    """Item F1 over (region, part, entry): each member, honorary member, focal point and
    board member counted on its own, in any order (member references by printed name)."""

    def entries(regions: list[dict]) -> Counter:
        out: Counter = Counter()
        for region in regions:
            for part in ("members", "honorary_members", "focal_points", "board"):
                for x in region.get(part) or []:
                    x = x["name"] if isinstance(x, dict) and "member_id" in x else x
                    out[(region.get("name"), part, json.dumps(x, sort_keys=True, ensure_ascii=False))] += 1
        return out

    want, got = entries(truth), entries(found)
    return f1(sum((want & got).values()), sum(want.values()), sum(got.values()))


def score_design(pdf: Path | str, truth: dict) -> dict[str, float]:
    """Extract `pdf` and score it (F1 per section and activity field); raises what the
    extractor raises (a refused file is a MetroextractError)."""
    return score_and_verdicts(pdf, truth)[0]


def score_and_verdicts(pdf: Path | str, truth: dict) -> tuple[dict[str, float], dict[str, str]]:
    """The F1 rows and the report's own per-section quality verdicts (when it has them)."""
    from metroextract.pipeline import extract

    ex = extract(Path(pdf))
    sections = getattr(getattr(ex.report, "quality", None), "sections", None) or {}
    verdicts = {k: str(getattr(q, "verdict", q)) for k, q in sections.items()}
    return score_report(ex.report, truth, ex.review), verdicts


def run_one(seed: int, producer: str, out_dir: str) -> dict:
    """Render, extract and score one design (in a worker process)."""
    from fixtures.designgen import generate, render

    t0 = time.perf_counter()
    row = {"seed": seed, "producer": producer, "error": None, "refused": False}
    try:
        pdf, truth = render(generate(seed), producer, out_dir)
    except Exception as exc:  # a rendering failure is the generator's bug: reported, not scored
        return {**row, "error": f"render: {type(exc).__name__}: {exc}", "f1": None, "seconds": time.perf_counter() - t0}
    try:
        row["f1"], row["verdicts"] = score_and_verdicts(pdf, truth)
    except Exception as exc:
        from metroextract.errors import MetroextractError

        row.update(error=f"{type(exc).__name__}: {exc}", refused=isinstance(exc, MetroextractError), f1=dict.fromkeys(ROWS, 0.0))
    row["seconds"] = time.perf_counter() - t0
    return row


def p5(xs: list[float]) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(0.05 * len(s)) - 1)]


def summary(results: list[dict], title: str, worst: int = 3) -> str:
    scored = [r for r in results if r["f1"] is not None]
    lines = [f"{title}: {len(scored)} designs", f"{'row':<24}{'min':>6}{'p5':>6}{'median':>8}{'mean':>7}  worst (seed:producer f1)"]
    for row in ROWS:
        vals = sorted(((r["f1"][row], r["seed"], r["producer"]) for r in scored), key=lambda v: (v[0], v[1], v[2]))
        if not vals:
            continue
        xs = [v[0] for v in vals]
        bad = " ".join(f"{s}:{p[:2]} {x:.2f}" for x, s, p in vals[:worst] if x < 1)
        if row == "activities":
            lines.append("-- activity fields")
        lines.append(f"{row:<24}{xs[0]:>6.2f}{p5(xs):>6.2f}{statistics.median(xs):>8.2f}{statistics.fmean(xs):>7.2f}  {bad}")
    return "\n".join(lines)


def by_producer(results: list[dict], producers: list[str]) -> str:
    """min / p5 / median per row and producer, side by side."""
    head = f"{'row':<24}" + "".join(f"{p + ' min/p5/med':>24}" for p in producers)
    lines = [head]
    for row in ROWS:
        cells = []
        for p in producers:
            xs = [r["f1"][row] for r in results if r["producer"] == p and r["f1"] is not None]
            cells.append(f"{min(xs):.2f} / {p5(xs):.2f} / {statistics.median(xs):.2f}".rjust(24) if xs else "-".rjust(24))
        lines.append(f"{row:<24}" + "".join(cells))
    return "\n".join(lines)


def by_choice(results: list[dict], choice: str) -> str:
    """Mean F1 of each row per option of one presentation choice (`Design.choices`)."""
    from fixtures.designgen import generate

    groups: dict[str, list[dict]] = {}
    for r in results:
        if r["f1"] is not None:
            groups.setdefault(generate(r["seed"]).choices.get(choice, "-"), []).append(r["f1"])
    opts = sorted(groups)
    lines = [f"mean F1 by {choice} (designs: " + ", ".join(f"{o!r} {len(groups[o])}" for o in opts) + ")", f"{'row':<24}" + "".join(f"{o[:11]!r:>14}" for o in opts)]
    for row in ROWS:
        lines.append(f"{row:<24}" + "".join(f"{statistics.fmean(f[row] for f in groups[o]):>14.2f}" for o in opts))
    return "\n".join(lines)


def parse_seeds(spec: str | None, n: int, first: int) -> list[int]:
    if not spec:
        return list(range(first, first + n))
    a, _, b = spec.partition("-")
    return list(range(int(a), int(b or a) + 1))


def plan(seeds: list[int], producers: list[str], every: bool) -> list[tuple[int, str]]:
    if every:
        return [(s, p) for s in seeds for p in producers]
    return [(s, producers[i % len(producers)]) for i, s in enumerate(seeds)]


def main(argv=None) -> int:
    from fixtures.designgen import PRODUCERS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=200, help="number of seeds (default 200)")
    ap.add_argument("--first", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--seeds", help="a seed range A-B (overrides -n/--first)")
    ap.add_argument("--producers", default=",".join(PRODUCERS), help="comma-separated (default: all)")
    ap.add_argument("--all-producers", action="store_true", help="every seed by every producer (else producers in turn)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write every (seed, producer, section, f1) row here")
    ap.add_argument("--out", help="keep the PDFs and truths here (default: a temporary folder)")
    ap.add_argument("--from-json", help="print the tables of an earlier --json file (nothing is rendered)")
    ap.add_argument("--by-choice", action="append", default=[], metavar="CHOICE", help="mean F1 per option of a presentation choice, e.g. act.fields (repeatable)")
    args = ap.parse_args(argv)
    producers = [p.strip() for p in args.producers.split(",") if p.strip()]
    if args.from_json:
        results = read_json(Path(args.from_json))
        report(results, producers, 0.0)
        for choice in args.by_choice:
            print("\n" + by_choice(results, choice))
        return 0
    jobs = plan(parse_seeds(args.seeds, args.n, args.first), producers, args.all_producers)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="designs-") as tmp:
        out = args.out or tmp
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, s, p, out) for s, p in jobs]
            results = []
            for i, fut in enumerate(futures, 1):
                results.append(fut.result())
                r = results[-1]
                print(f"[{i}/{len(jobs)}] seed {r['seed']} {r['producer']}: {r['seconds']:.1f}s {r['error'] or ''}", file=sys.stderr)
    report(results, producers, time.perf_counter() - t0)
    for choice in args.by_choice:
        print("\n" + by_choice(results, choice))
    if args.json:
        write_json(Path(args.json), results)
    return 0


def report(results: list[dict], producers: list[str], seconds: float) -> None:
    print(summary(results, f"all producers ({seconds:.0f} s)"))
    print()
    print(by_producer(results, producers))
    errors = [r for r in results if r["error"]]
    if errors:
        print(f"\n{len(errors)} designs failed ({sum(r['refused'] for r in errors)} refused by the extractor):")
        for r in errors:
            print(f"  seed {r['seed']} {r['producer']}: {r['error'][:160]}")


def read_json(path: Path) -> list[dict]:
    """The per-design results of a --json file (rows regrouped by seed and producer)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by: dict[tuple[int, str], dict] = {}
    for row in data["rows"]:
        r = by.setdefault((row["seed"], row["producer"]), {"seed": row["seed"], "producer": row["producer"], "error": row.get("error"), "refused": False, "f1": {}})
        r["f1"][row["section"]] = row["f1"]
    for e in data.get("errors") or []:
        by.setdefault((e["seed"], e["producer"]), {**e, "f1": None}).update(refused=e["refused"], error=e["error"])
    return list(by.values())


def write_json(path: Path, results: list[dict]) -> None:
    rows = [
        {"seed": r["seed"], "producer": r["producer"], "section": k, "f1": round(v, 4), "verdict": (r.get("verdicts") or {}).get(k), "error": r["error"]}
        for r in results
        if r["f1"]
        for k, v in r["f1"].items()
    ]
    errors = [{k: r[k] for k in ("seed", "producer", "error", "refused")} for r in results if r["error"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rows": rows, "errors": errors}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    sys.exit(main())
