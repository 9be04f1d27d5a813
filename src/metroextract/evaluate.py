"""Accuracy harness: extract every fixture PDF and compare with its truth JSON.

Truth files are written by `fixtures/build.py` from hand-written sources, never from the
extractor. Activities are matched to truth by date and title similarity; a truth activity
with no match counts as wrong in every field, an extracted one with no match is an extra.

Name resolution is measured against `fixtures/source/name_ids.yaml`, a hand-written map
from every printed member/alliance name in the truth files to the registry id it denotes
(never derived from the resolver). Every member/alliance reference of the extracted report
(activity members and alliances, member engagement, bilateral meetings, region members and
honorary members) is paired with the truth's printed name at the same place (same matched
activity, meeting or region) by printed name; each pair is one *mention*, with a true id
from name_ids and the resolver's id. Mentions are scored as a clustering: pairs of mentions
that share a predicted id against pairs that share the true id (see `pairwise_scores`).
Truth names with no extracted reference (missed) and extracted references with no truth
name (extras) are extraction errors, already counted by the section scores: they are
counted apart (`name_missed`, `name_extras`), not folded into the clustering figures.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from rapidfuzz import fuzz

from .models import Report, ReviewItem
from .text import fold

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


# Fields only activity reports print: scored where the truth has them.
REPORT_FIELDS = ("section", "number", "links")


def report_fields_view(a: dict[str, Any]) -> dict[str, Any]:
    """An activity report's own fields (quarter, number as printed, link labels)."""
    sec = a.get("section") or None
    return {
        "section": (sec["text"], sec["start"], sec["end"]) if sec else None,
        "number": a.get("number"),
        "links": list(a.get("links") or []),
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


NameKind = Literal["member", "alliance"]
NAME_KINDS: tuple[NameKind, ...] = ("member", "alliance")
RESOLVED_METHODS = frozenset({"exact", "alias", "fuzzy"})
NAME_IDS_FILE = "name_ids.yaml"


# --------------------------------------------------------------------------- name truth


def default_name_ids_path(directory: Path | None = None) -> Path | None:
    """Where the hand-written name → id map is: `<dir>/source/name_ids.yaml`, then
    `<dir>/name_ids.yaml`, then the repository's `fixtures/source/name_ids.yaml`."""
    candidates = []
    if directory is not None:
        candidates += [Path(directory) / "source" / NAME_IDS_FILE, Path(directory) / NAME_IDS_FILE]
    candidates.append(Path(__file__).resolve().parents[2] / "fixtures" / "source" / NAME_IDS_FILE)
    return next((c for c in candidates if c.is_file()), None)


def load_name_ids(path: Path) -> dict[NameKind, dict[str, str | None]]:
    """`{"member": {printed name: id or None}, "alliance": {...}}` from a name_ids YAML."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'members' and 'alliances'")
    out: dict[NameKind, dict[str, str | None]] = {}
    for kind, key in (("member", "members"), ("alliance", "alliances")):
        section = data.get(key) or {}
        if not isinstance(section, dict):
            raise ValueError(f"{path}: '{key}' must map printed names to ids")
        out[kind] = {_ws(str(k)): (None if v is None else str(v)) for k, v in section.items()}
    return out


# --------------------------------------------------------------------------- clustering


@dataclass(frozen=True)
class PairCounts:
    """Pair counts of one clustering against the truth (mentions compared two by two)."""

    same_both: int  # pairs with the same predicted id and the same true id
    same_pred: int  # pairs with the same predicted id
    same_true: int  # pairs with the same true id

    @property
    def precision(self) -> float:
        return self.same_both / self.same_pred if self.same_pred else 1.0

    @property
    def recall(self) -> float:
        return self.same_both / self.same_true if self.same_true else 1.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_counts(true_ids: Sequence[Hashable | None], pred_ids: Sequence[Hashable | None]) -> PairCounts:
    """Pairwise agreement of two labelings of the same mentions. A `None` label (no id) is
    a singleton cluster of its own, on either side: it never pairs with anything.

    >>> pair_counts(["a", "a", "b"], ["x", "x", "x"])
    PairCounts(same_both=1, same_pred=3, same_true=1)
    """
    if len(true_ids) != len(pred_ids):
        raise ValueError("true and predicted labels must have the same length")
    true_c: Counter[Hashable] = Counter(t for t in true_ids if t is not None)
    pred_c: Counter[Hashable] = Counter(p for p in pred_ids if p is not None)
    both_c: Counter[tuple[Hashable, Hashable]] = Counter((t, p) for t, p in zip(true_ids, pred_ids) if t is not None and p is not None)
    return PairCounts(
        same_both=sum(_pairs(n) for n in both_c.values()),
        same_pred=sum(_pairs(n) for n in pred_c.values()),
        same_true=sum(_pairs(n) for n in true_c.values()),
    )


def pairwise_scores(true_ids: Sequence[Hashable | None], pred_ids: Sequence[Hashable | None]) -> tuple[float, float]:
    """(precision, recall) of the clustering `pred_ids` against `true_ids`, over pairs of
    mentions: precision = pairs sharing a predicted id that also share the true id / pairs
    sharing a predicted id; recall = the same / pairs sharing the true id. 1.0 when there
    is no pair to judge. `None` = no id = a singleton cluster.

    >>> pairwise_scores(["a", "a", "b"], ["x", "x", "y"])
    (1.0, 1.0)
    >>> pairwise_scores(["a", "a"], ["x", None])
    (1.0, 0.0)
    """
    c = pair_counts(true_ids, pred_ids)
    return c.precision, c.recall


@dataclass
class NameMention:
    """One printed name in the truth and what the extraction made of it."""

    kind: NameKind
    where: str  # e.g. "activity 3 members", "regions[1].members"
    name: str  # as printed (truth)
    true_id: str | None  # from name_ids.yaml; None = no registry entry
    found_name: str | None = None  # the extracted reference paired with it; None = missed
    pred_id: str | None = None
    method: str | None = None
    in_review: bool = False
    known: bool = True  # False: the printed name is missing from name_ids.yaml

    @property
    def paired(self) -> bool:
        """The extraction has a reference for this printed name."""
        return self.found_name is not None

    @property
    def resolved(self) -> bool:
        """Resolved without review: an id by exact/alias/fuzzy and no review item."""
        return self.found_name is not None and self.pred_id is not None and self.method in RESOLVED_METHODS and not self.in_review

    @property
    def correct(self) -> bool:
        return self.pred_id == self.true_id and (self.true_id is None or self.resolved)


def _name_key(s: str | None) -> str:
    return fold(_ws(s))


def pair_names(truth: Sequence[str], found: Sequence[str], min_ratio: float = 60.0) -> list[tuple[int, int]]:
    """Pairs (truth index, found index) of printed names at one place: identical first, then
    equal once normalized (case, accents, punctuation), then a found string holding the
    whole normalized name among other words (text glued on by segmentation), then the most
    similar left over (fuzz.ratio on normalized names, at least `min_ratio`), so extraction
    slips such as a doubled drop-cap letter or an OCR misread ("Xfan") still pair with the
    name they stand for and their resolution is judged.

    >>> pair_names(["Doula", "Dakar"], ["Dakar", "DDoula"])
    [(0, 1), (1, 0)]
    >>> pair_names(["Bamako", "Xí'an"], ["Xfan", "Vice-présidente régionale Bamako"])
    [(0, 1), (1, 0)]
    """
    used_t: set[int] = set()
    used_f: set[int] = set()
    out: list[tuple[int, int]] = []

    def take(same: Any) -> None:
        for ti, t in enumerate(truth):
            if ti in used_t:
                continue
            for fi, f in enumerate(found):
                if fi not in used_f and same(t, f):
                    used_t.add(ti)
                    used_f.add(fi)
                    out.append((ti, fi))
                    break

    take(lambda t, f: _ws(t) == _ws(f))
    take(lambda t, f: _name_key(t) == _name_key(f))
    take(lambda t, f: bool(_name_key(t)) and f" {_name_key(t)} " in f" {_name_key(f)} ")
    scored = sorted(
        ((fuzz.ratio(_name_key(t), _name_key(f)), ti, fi) for ti, t in enumerate(truth) if ti not in used_t for fi, f in enumerate(found) if fi not in used_f),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    for sim, ti, fi in scored:
        if sim >= min_ratio and ti not in used_t and fi not in used_f:
            used_t.add(ti)
            used_f.add(fi)
            out.append((ti, fi))
    return sorted(out)


def _ref_name(x: Any) -> str:
    return x["name"] if isinstance(x, dict) else str(x)


def _ref_id(x: Any, kind: NameKind) -> str | None:
    return x.get("member_id" if kind == "member" else "alliance_id") if isinstance(x, dict) else None


def _ref_method(x: Any) -> str | None:
    return x.get("method") if isinstance(x, dict) else None


def _pair_by(truth: list[Any], found: list[Any], key: Any) -> list[tuple[int, int]]:
    """Pair list items in order by `key` equality, then the left-overs by position."""
    used: set[int] = set()
    out: dict[int, int] = {}
    for ti, t in enumerate(truth):
        for fi, f in enumerate(found):
            if fi not in used and key(t) == key(f):
                used.add(fi)
                out[ti] = fi
                break
    rest_t = [ti for ti in range(len(truth)) if ti not in out]
    rest_f = [fi for fi in range(len(found)) if fi not in used]
    out.update(zip(rest_t, rest_f))
    return sorted(out.items())


def name_places(truth: dict[str, Any], doc: dict[str, Any], activity_pairs: list[tuple[int, int]]) -> list[tuple[str, NameKind, list[Any], list[Any]]]:
    """Every place holding member/alliance references: (label, kind, truth refs, found refs).
    Truth places with no counterpart in the extraction get an empty found list."""
    places: list[tuple[str, NameKind, list[Any], list[Any]]] = []
    t_acts, f_acts = truth.get("activities") or [], doc.get("activities") or []
    fmap = dict(activity_pairs)
    for ti, ta in enumerate(t_acts):
        fa = f_acts[fmap[ti]] if ti in fmap else {}
        places.append((f"activity {ti + 1} members", "member", ta.get("members") or [], fa.get("members") or []))
        places.append((f"activity {ti + 1} alliances", "alliance", ta.get("alliances") or [], fa.get("alliances") or []))
    places.append(("member_engagement", "member", truth.get("member_engagement") or [], doc.get("member_engagement") or []))
    t_meet, f_meet = truth.get("bilateral_meetings") or [], doc.get("bilateral_meetings") or []
    mmap = dict(_pair_by(t_meet, f_meet, lambda m: (m.get("month"), _ws(m.get("format")))))
    for ti, tm in enumerate(t_meet):
        fm = f_meet[mmap[ti]] if ti in mmap else {}
        places.append((f"bilateral_meetings[{ti}].members", "member", tm.get("members") or [], fm.get("members") or []))
        places.append((f"bilateral_meetings[{ti}].alliances", "alliance", tm.get("alliances") or [], fm.get("alliances") or []))
    t_reg, f_reg = truth.get("regions") or [], doc.get("regions") or []
    rmap = dict(_pair_by(t_reg, f_reg, lambda r: _name_key(r.get("name"))))
    for ti, tr in enumerate(t_reg):
        fr = f_reg[rmap[ti]] if ti in rmap else {}
        for key in ("members", "honorary_members"):
            places.append((f"regions[{ti}].{key}", "member", tr.get(key) or [], fr.get(key) or []))
    return places


@dataclass
class ExtraRef:
    """An extracted reference with no printed name at its place in the truth."""

    kind: NameKind
    where: str
    found_name: str
    pred_id: str | None
    method: str | None


def name_mentions(
    truth: dict[str, Any],
    doc: dict[str, Any],
    activity_pairs: list[tuple[int, int]],
    name_ids: dict[NameKind, dict[str, str | None]],
    review: Iterable[ReviewItem] = (),
) -> tuple[list[NameMention], list[ExtraRef]]:
    """The truth's printed names, each paired with its extracted reference (if any), and
    the extracted references with no printed name in the truth (extras)."""
    reviewed = {(r.kind, _ws(r.name)) for r in review}
    mentions: list[NameMention] = []
    extras: list[ExtraRef] = []
    for label, kind, t_refs, f_refs in name_places(truth, doc, activity_pairs):
        t_names = [_ref_name(x) for x in t_refs]
        f_names = [_ref_name(x) for x in f_refs]
        pairs = dict(pair_names(t_names, f_names))
        paired_f = set(pairs.values())
        extras += [ExtraRef(kind, label, f_names[fi], _ref_id(f, kind), _ref_method(f)) for fi, f in enumerate(f_refs) if fi not in paired_f]
        table = name_ids.get(kind, {})
        for ti, name in enumerate(t_names):
            m = NameMention(kind=kind, where=label, name=name, true_id=table.get(_ws(name)), known=_ws(name) in table)
            if ti in pairs:
                f = f_refs[pairs[ti]]
                m.found_name = f_names[pairs[ti]]
                m.pred_id = _ref_id(f, kind)
                m.method = _ref_method(f)
                m.in_review = (kind, _ws(m.found_name)) in reviewed
            mentions.append(m)
    return mentions, extras


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
    names_scored: bool = False  # False when no name_ids file was given
    kind: str = "progress_report"  # the truth's kind
    kind_found: str | None = None  # the extraction's kind
    period_right: bool = True
    mention_counts: tuple[int, int, int] = (0, 0, 0)  # mentioned members: true pos., false pos., false neg.
    mentions: list[NameMention] = field(default_factory=list)  # every printed member/alliance name in the truth
    extras: list[ExtraRef] = field(default_factory=list)  # extracted references with no printed counterpart
    activities_exact: int = 0  # matched activities with every scored field right
    section_verdicts: dict[str, str] = field(default_factory=dict)  # report.quality.sections' verdicts

    def kind_mentions(self, kind: NameKind | None = None) -> list[NameMention]:
        """Scored mentions: truth names paired with an extracted reference."""
        return [m for m in self.mentions if m.paired and (kind is None or m.kind == kind)]

    @property
    def name_missed(self) -> int:
        return sum(not m.paired for m in self.mentions)

    @property
    def name_extras(self) -> int:
        return len(self.extras)

    def name_pairs(self, kind: NameKind) -> PairCounts:
        ms = self.kind_mentions(kind)
        return pair_counts([m.true_id for m in ms], [m.pred_id for m in ms])

    def name_precision(self, kind: NameKind) -> float:
        return self.name_pairs(kind).precision

    def name_recall(self, kind: NameKind) -> float:
        return self.name_pairs(kind).recall

    def resolved_share(self, kind: NameKind | None = None) -> float:
        """Share of printed names resolved without review (1.0 when there are none)."""
        ms = self.kind_mentions(kind)
        return sum(m.resolved for m in ms) / len(ms) if ms else 1.0

    def name_issues(self) -> list[NameMention]:
        """Scored mentions unresolved, sent to review, given a wrong id, or unknown to name_ids."""
        return [m for m in self.kind_mentions() if not m.known or not m.correct]

    def name_wrong(self) -> list[NameMention]:
        """Scored mentions given an id other than the true one (the errors that merge members)."""
        return [m for m in self.kind_mentions() if m.pred_id is not None and m.pred_id != m.true_id]

    @property
    def mention_f1(self) -> float:
        tp, fp, fn = self.mention_counts
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    def field_accuracy(self, name: str) -> float:
        return self.field_correct.get(name, 0) / self.expected if self.expected else 1.0

    @property
    def description_similarity(self) -> float:
        return self.description_sum / self.expected if self.expected else 1.0

    def section_f1(self, name: str) -> float:
        """Item F1 of a section (`activities`: an activity counts when every field is right)."""
        if name == "activities":
            return 2 * self.activities_exact / (self.expected + self.found) if self.expected + self.found else 1.0
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


def score_fixture(
    name: str,
    truth: dict[str, Any],
    report: Report | None,
    error: str | None = None,
    *,
    name_ids: dict[NameKind, dict[str, str | None]] | None = None,
    review: Iterable[ReviewItem] = (),
) -> FixtureScore:
    """Score one fixture. Names are scored when `name_ids` (see `load_name_ids`) is given;
    `review` is the extraction's review queue (names sent there do not count as resolved)."""
    t_acts = truth.get("activities", [])
    doc = report.model_dump(mode="json") if report else {}
    f_acts = doc.get("activities", [])
    score = FixtureScore(fixture=name, scanned=bool(truth.get("scanned")), expected=len(t_acts), found=len(f_acts), matched=0, error=error)
    pairs = match_activities(t_acts, f_acts)
    score.matched = len(pairs)
    score.kind = truth.get("kind", "progress_report")
    score.kind_found = doc.get("kind")
    if truth.get("period"):
        score.period_right = (doc.get("period") or {}).get("start") == truth["period"].get("start") and (doc.get("period") or {}).get("end") == truth["period"].get("end")
    tp = fp = fn = 0
    for ti, fi in pairs:
        tv, fv = activity_view(t_acts[ti]), activity_view(f_acts[fi])
        for fname in ACTIVITY_FIELDS:
            score.field_correct[fname] = score.field_correct.get(fname, 0) + (tv[fname] == fv[fname])
        score.activities_exact += all(tv[f] == fv[f] for f in ACTIVITY_FIELDS)
        if "section" in t_acts[ti]:
            tr, fr = report_fields_view(t_acts[ti]), report_fields_view(f_acts[fi])
            for fname in REPORT_FIELDS:
                score.field_correct[fname] = score.field_correct.get(fname, 0) + (tr[fname] == fr[fname])
        if "mentioned_members" in t_acts[ti]:
            want = {_ws(x) for x in t_acts[ti]["mentioned_members"]}
            got = {_ws(x["name"] if isinstance(x, dict) else x) for x in f_acts[fi].get("mentioned_members", [])}
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        score.description_sum += fuzz.ratio(tv["description"], fv["description"]) / 100
    # activities missed altogether miss their mentions too
    matched_t = {ti for ti, _ in pairs}
    fn += sum(len(a.get("mentioned_members") or []) for i, a in enumerate(t_acts) if i not in matched_t)
    score.mention_counts = (tp, fp, fn)
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
    if report is not None and report.quality is not None:
        score.section_verdicts = {k: q.verdict for k, q in report.quality.sections.items()}
    if name_ids is not None:
        score.names_scored = True
        score.mentions, score.extras = name_mentions(truth, doc, pairs, name_ids, review)
    return score


def overall_name_pairs(scores: Iterable[FixtureScore], kind: NameKind) -> PairCounts:
    """Pair counts over the mentions of all `scores` pooled: one clustering across fixtures."""
    ms = [m for s in scores for m in s.kind_mentions(kind)]
    return pair_counts([m.true_id for m in ms], [m.pred_id for m in ms])


def overall_resolved_share(scores: Iterable[FixtureScore], kind: NameKind | None = None) -> float:
    ms = [m for s in scores for m in s.kind_mentions(kind)]
    return sum(m.resolved for m in ms) / len(ms) if ms else 1.0


def evaluate_dir(directory: Path, extract: Any, name_ids: Path | dict[NameKind, dict[str, str | None]] | None = None) -> list[FixtureScore]:
    """Score every `<name>.pdf` with a `<name>.truth.json` beside it (in the folder and
    its direct sub-folders).

    `extract(pdf)` returns a Report, or an object with `.report` and `.review` (such as
    `pipeline.extract`'s Extraction), whose review items then count as not resolved.
    `name_ids` is the hand-written name → id map (a path or a loaded map); by default it is
    looked up with `default_name_ids_path(directory)`, and names are not scored without one.
    """
    directory = Path(directory)
    if name_ids is None:
        found = default_name_ids_path(directory)
        ids = load_name_ids(found) if found else None
    elif isinstance(name_ids, dict):
        ids = name_ids
    else:
        ids = load_name_ids(Path(name_ids))
    scores = []
    # one level of sub-folders too: fixtures/ar holds the activity reports
    for truth_path in sorted([*directory.glob("*.truth.json"), *directory.glob("*/*.truth.json")]):
        name = truth_path.name[: -len(".truth.json")]
        pdf = truth_path.parent / f"{name}.pdf"
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if not pdf.exists():
            scores.append(score_fixture(name, truth, None, error="PDF missing", name_ids=ids))
            continue
        try:
            result = extract(pdf)
        except Exception as exc:  # the harness reports failures as rows, it does not stop
            scores.append(score_fixture(name, truth, None, error=f"{type(exc).__name__}: {exc}", name_ids=ids))
            continue
        report = getattr(result, "report", result)
        review = getattr(result, "review", None) or []
        scores.append(score_fixture(name, truth, report, name_ids=ids, review=review))
    return scores
