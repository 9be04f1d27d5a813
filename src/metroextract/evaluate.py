"""Accuracy harness: extract every fixture PDF and compare with its truth JSON.

Truth files are written by `fixtures/build.py` from hand-written sources, never from the
extractor. Activities are matched to truth by date and title similarity; a truth activity
with no match counts as wrong in every field, an extracted one with no match is an extra.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .models import Report

ACTIVITY_FIELDS = ("action_line", "dates", "title", "series", "members", "results", "challenges", "alliances")
SECTIONS = (
    "table_of_contents",
    "secretary_general_note",
    "action_lines",
    "media_mentions",
    "member_engagement",
    "bilateral_meetings",
    "key_figures",
    "challenge_taxonomy",
    "plan",
    "regions",
    "secretariat",
    "contact",
)


def _ws(s: str | None) -> str:
    return " ".join((s or "").split())


def activity_view(a: dict[str, Any]) -> dict[str, Any]:
    """The comparable fields of an activity, from a Report dump or a truth file."""
    names = lambda xs: [x["name"] if isinstance(x, dict) else x for x in xs]  # noqa: E731
    return {
        "action_line": a.get("action_line"),
        "dates": (a.get("date_text"), [str(d) for d in a.get("dates", [])], str(a.get("date_start")), str(a.get("date_end"))),
        "title": _ws(a.get("title")),
        "series": a.get("series"),
        "members": names(a.get("members", [])),
        "results": list(a.get("results", [])),
        "challenges": [(c["code"], _ws(c["label"])) for c in a.get("challenges", [])],
        "alliances": names(a.get("alliances", [])),
        "description": _ws(a.get("description")),
    }


def section_items(doc: dict[str, Any], name: str) -> list[str]:
    """A section as a list of canonical item strings (names only for member references)."""

    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) >= {"name"} and ("member_id" in v or "alliance_id" in v):
                return v["name"]
            return {k: strip(x) for k, x in v.items()}
        if isinstance(v, list):
            return [strip(x) for x in v]
        if isinstance(v, str):
            return _ws(v)
        return v

    value = doc.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [json.dumps(strip(x), ensure_ascii=False, sort_keys=True) for x in items]


@dataclass
class FixtureScore:
    fixture: str
    scanned: bool
    expected: int
    found: int
    matched: int
    field_correct: dict[str, int] = field(default_factory=dict)
    description_sum: float = 0.0
    sections: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # expected, found, exact matches
    error: str | None = None

    def field_accuracy(self, name: str) -> float:
        return self.field_correct.get(name, 0) / self.expected if self.expected else 1.0

    @property
    def description_similarity(self) -> float:
        return self.description_sum / self.expected if self.expected else 1.0

    def section_f1(self, name: str) -> float:
        exp, found, ok = self.sections.get(name, (0, 0, 0))
        if exp == 0 and found == 0:
            return 1.0
        p = ok / found if found else 0.0
        r = ok / exp if exp else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def match_activities(truth: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Pairs (truth index, found index): best title similarity, same date text preferred."""
    pairs = []
    for ti, t in enumerate(truth):
        for fi, f in enumerate(found):
            sim = fuzz.ratio(_ws(t["title"]).lower(), _ws(f.get("title")).lower()) / 100
            if _ws(t["date_text"]) == _ws(f.get("date_text")):
                sim += 0.3
            if sim >= 0.75:
                pairs.append((sim, ti, fi))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_t: set[int] = set()
    used_f: set[int] = set()
    out = []
    for _, ti, fi in pairs:
        if ti not in used_t and fi not in used_f:
            used_t.add(ti)
            used_f.add(fi)
            out.append((ti, fi))
    return sorted(out)


def score_fixture(name: str, truth: dict[str, Any], report: Report | None, error: str | None = None) -> FixtureScore:
    t_acts = truth.get("activities", [])
    doc = report.model_dump(mode="json") if report else {}
    f_acts = doc.get("activities", [])
    score = FixtureScore(fixture=name, scanned=bool(truth.get("scanned")), expected=len(t_acts), found=len(f_acts), matched=0, error=error)
    pairs = match_activities(t_acts, f_acts)
    score.matched = len(pairs)
    for ti, fi in pairs:
        tv, fv = activity_view(t_acts[ti]), activity_view(f_acts[fi])
        for fname in ACTIVITY_FIELDS:
            score.field_correct[fname] = score.field_correct.get(fname, 0) + (tv[fname] == fv[fname])
        score.description_sum += fuzz.ratio(tv["description"], fv["description"]) / 100
    for sec in SECTIONS:
        exp = section_items(truth, sec)
        got = section_items(doc, sec)
        remaining = list(got)
        ok = 0
        for item in exp:
            if item in remaining:
                remaining.remove(item)
                ok += 1
        score.sections[sec] = (len(exp), len(got), ok)
    return score


def evaluate_dir(directory: Path, extract: Any) -> list[FixtureScore]:
    """Score every `<name>.pdf` with a `<name>.truth.json` beside it."""
    scores = []
    for truth_path in sorted(directory.glob("*.truth.json")):
        name = truth_path.name[: -len(".truth.json")]
        pdf = directory / f"{name}.pdf"
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if not pdf.exists():
            scores.append(score_fixture(name, truth, None, error="PDF missing"))
            continue
        try:
            report = extract(pdf)
        except Exception as exc:  # the harness reports failures as rows, it does not stop
            scores.append(score_fixture(name, truth, None, error=f"{type(exc).__name__}: {exc}"))
            continue
        scores.append(score_fixture(name, truth, report))
    return scores
