"""Measure how fuzzy scorers separate right from wrong registry ids on perturbed names.

Prints, per scorer, the score distributions of the right id and of the best wrong id for
every registered spelling (names in en/fr/es and aliases) under seeded perturbations, then
what each (threshold, margin) pair would do: right / unresolved / WRONG. The constants in
src/metroextract/normalize.py were chosen from this output.

    .venv/bin/python scripts/measure_thresholds.py [--per-name 50] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Callable

import numpy as np  # rapidfuzz.process.cdist returns numpy arrays
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from metroextract import normalize
from metroextract.registry import load_registry
from metroextract.text import fold, strip_marks

LETTERS = "abcdefghijklmnopqrstuvwxyz"
SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "WRatio": fuzz.WRatio,
    "QRatio": fuzz.QRatio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "partial_ratio": fuzz.partial_ratio,
}
# Misprints seen in real reports, with the id they mean.
REAL_TYPOS = {
    "member": [
        ("Doula", "douala"), ("AAbidjan", "abidjan"), ("Xí'an", "xian"),
        ("Johannesbourg", "johannesburg"), ("Machhad", "mashhad"), ("Mashad", "mashhad"),
        ("Nouakchot", "nouakchott"), ("Barcelone (aire", None), ("Barcelona", None),
        ("Barcelone", None), ("Santiago", None),
    ],
    "alliance": [("CGLU Afriqe", "uclg-africa"), ("ONU Habitat", "un-habitat"), ("CGLU Asia", None)],
}  # fmt: skip


def one_edit(s: str, rng: random.Random) -> str:
    i = rng.randrange(len(s) + 1)
    op = rng.choice(["insert", "delete", "substitute", "transpose"])
    c = rng.choice(LETTERS)
    if op == "insert" or len(s) < 2:
        return s[:i] + c + s[i:]
    i = min(i, len(s) - 1)
    if op == "delete":
        return s[:i] + s[i + 1 :]
    if op == "substitute":
        return s[:i] + c + s[i + 1 :]
    i = min(i, len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def perturbations(s: str, rng: random.Random, n: int) -> list[tuple[str, str]]:
    out = [("edit1", one_edit(s, rng)) for _ in range(n)]
    out += [("edit2", one_edit(one_edit(s, rng), rng)) for _ in range(n // 5)]
    out += [("no_accents", strip_marks(s)), ("double_initial", s[:1] + s),
            ("upper", s.upper()), ("lower", s.lower())]  # fmt: skip
    words = s.split()
    if len(words) > 1:
        out += [("word_dropped", " ".join(words[:k] + words[k + 1 :])) for k in range(len(words))]
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-name", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scorers", default=",".join(SCORERS), help="comma-separated subset")
    args = ap.parse_args()
    scorers = {k: SCORERS[k] for k in args.scorers.split(",")}
    registry = load_registry()

    for kind in ("member", "alliance"):
        keys = registry.keys(kind)
        choices = list(keys)
        owner_ids = [owner.id for owner, _ in keys.values()]
        rng = random.Random(args.seed)
        queries: list[tuple[str, str, str]] = []  # (class, normalized text, true id)
        raw: list[tuple[str, str, str]] = []  # (class, printed text, true id)
        collisions = 0
        for entity in registry.entities(kind):
            for text, _ in entity.spellings():
                for cls, q in perturbations(text, rng, args.per_name):
                    qn = fold(q)
                    hit = registry.lookup(kind, qn) if qn else None
                    if not qn or (hit is not None and hit[0].id != entity.id):
                        collisions += 1  # became another id's spelling: not a typo of this one
                        continue
                    if hit is not None:
                        continue  # exact/alias hit: never reaches fuzzy
                    queries.append((cls, qn, entity.id))
                    raw.append((cls, q, entity.id))
        for text, true_id in REAL_TYPOS[kind]:
            queries.append(("real", fold(text), true_id or "-"))
        print(f"\n=== {kind}s: {len(registry.entities(kind))} ids, {len(choices)} distinct "
              f"normalized spellings, {len(queries)} fuzzy queries, {collisions} perturbations "
              f"excluded (collided with another id's spelling)")  # fmt: skip

        for sname, scorer in scorers.items():
            matrix = process.cdist([q for _, q, _ in queries], choices, scorer=scorer, workers=-1)
            rights, wrongs, leads = [], [], []
            rows = []
            for (cls, _q, true_id), row in zip(queries, matrix, strict=True):
                best: dict[str, float] = {}
                for oid, sc in zip(owner_ids, row, strict=True):
                    if sc > best.get(oid, -1):
                        best[oid] = float(sc)
                right = best.get(true_id, 0.0)
                wrong = max((v for k, v in best.items() if k != true_id), default=0.0)
                ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
                top_id, top = ranked[0]
                second = ranked[1][1] if len(ranked) > 1 else 0.0
                rows.append((cls, true_id, top_id, top, top - second))
                if cls != "real":
                    rights.append(right)
                    wrongs.append(wrong)
                    if top_id == true_id:
                        leads.append(top - second)
            print(f"\n--- scorer {sname}")
            print(f"  right-id score : p1={pct(rights, 1):.1f} p5={pct(rights, 5):.1f} median={pct(rights, 50):.1f}")
            print(f"  best wrong id  : median={pct(wrongs, 50):.1f} p99={pct(wrongs, 99):.1f} p99.9={pct(wrongs, 99.9):.1f} max={max(wrongs):.1f}")
            close = sum(1 for r, w in zip(rights, wrongs, strict=True) if w >= r - 5)
            print(f"  wrong id within 5 points of the right one: {close}/{len(rights)} ({100 * close / len(rights):.1f} %)")
            print(f"  lead of the right id when it is top: p1={pct(leads, 1):.1f} p5={pct(leads, 5):.1f} median={pct(leads, 50):.1f}")
            print("  threshold margin |  right  unresolved  WRONG | by class: right/total, WRONG")
            for threshold in (75, 80, 82, 85, 88, 90):
                for margin in (0, 5, 8, 10, 15):
                    ok = unres = bad = 0
                    per_cls: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
                    for cls, true_id, top_id, top, lead in rows:
                        accepted = top >= threshold and lead >= margin
                        c = per_cls[cls]
                        c[1] += 1
                        if cls == "real" and true_id == "-":
                            c[0] += not accepted  # must stay unresolved
                            c[2] += accepted
                            continue
                        if not accepted:
                            unres += cls != "real"
                        elif top_id == true_id:
                            ok += cls != "real"
                            c[0] += 1
                        else:
                            bad += cls != "real"
                            c[2] += 1
                    detail = " ".join(f"{k}={v[0]}/{v[1]},{v[2]}" for k, v in sorted(per_cls.items()))
                    print(f"  {threshold:9} {margin:6} | {ok:7} {unres:10} {bad:6} | {detail}")
        pipeline_check(kind, registry, raw)


def pipeline_check(kind: str, registry, raw: list[tuple[str, str, str]]) -> None:
    """Run the real resolver (constants of normalize.py, drop-cap repair) on every query."""
    print(f"\n--- pipeline: normalize._resolve with scorer={normalize.SCORER.__name__} "
          f"threshold={normalize.FUZZY_THRESHOLD} margin={normalize.FUZZY_MARGIN} "
          f"review_margin={normalize.REVIEW_MARGIN}")  # fmt: skip
    spellings = [(fold(t), e.id) for e in registry.entities(kind) for t, _ in e.spellings()]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for cls, q, true_id in raw:
        r = normalize._resolve(q, registry, kind)
        c = counts[cls]
        c[0] += 1
        got = r.entity.id if r.entity else None
        if got is None:
            c[2] += 1
        elif got == true_id:
            c[1] += 1
            c[4] += r.margin is not None and r.margin < normalize.REVIEW_MARGIN
        else:
            qn = fold(q)
            own = min(Indel.distance(qn, s) for s, i in spellings if i == true_id)
            other = min(Indel.distance(qn, s) for s, i in spellings if i != true_id)
            collided = other <= own
            c[3] += 1
            print(
                f"  WRONG {cls}: {q!r} (of {true_id}) -> {got} score={r.score} "
                f"lead={r.margin:.1f}; Indel distance own={own} other={other}"
                f"{' (as close to another id: a collision)' if collided else ''}"
            )
    for cls, (n, ok, unres, bad, low) in sorted(counts.items()):
        print(f"  {cls:15} n={n:6}  right={ok:6} ({100 * ok / n:5.1f} %, {low} sent to review as low_margin)  unresolved={unres:6}  WRONG={bad}")


if __name__ == "__main__":
    main()
