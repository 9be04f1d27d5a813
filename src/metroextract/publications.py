"""Publications: the language editions and copies of one report linked, each activity once.

Metropolis prints each report in French, English and Spanish, and an archive also holds
copies of one edition (a re-export, a scan of the printed copy, a file downloaded twice).
`link_reports` runs where every report is seen, when the datasets are rebuilt
(`datasets.rebuild_datasets`), and decides three things from the reports alone:

- **publication** — the editions and copies of one publication share the organisation
  (every report here is Metropolis'), the kind and the period: `publication_id` is
  `p-` + 16 hex digits of the sha256 of `kind|period_start|period_end`, so it depends on
  the content only, never on which file arrived first. A report whose period was not
  read is a publication of its own (the id hashes its report id instead).
- **copies** — files of one publication in one language are ranked (a text layer before
  a scan, then the quality verdict `ok` before `needs_review`, then more values located
  on the page, then the smaller report id); the first is kept, and another whose
  activities match the kept one's (certain links for at least `COPY_SHARE` of the larger
  activity list) is its copy: `duplicate_of` = the kept report's id.
- **activity groups** — the same activity in every edition and copy shares an
  `activity_group_id`. Only language-independent evidence counts (`similarity`): dates,
  result codes, challenge codes, member and alliance ids, the action line, the printed
  number and section (older activity reports) and the position in the report — never
  titles. The editions (largest first) are matched one after the other against the
  groups found so far, greedily on that score; a link is made when its score is at least
  `LINK_CERTAIN` and beats every other choice of either side by `LINK_MARGIN`. A copy is
  matched against its kept report only; a copy's activity matched nowhere has no group,
  so copies never add to the distinct counts. Reports of different publications are
  never compared.

A link that is not certain (score ≥ `LINK_CANDIDATE`, or a possible copy) is not made:
it is written to `OUTPUT/links-pending.json` with both sides, and
`metroextract review accept-link KEY` / `reject-link KEY` records the decision in
`OUTPUT/review/links.json`, read at every rebuild (accepted: the link is made; rejected:
never proposed again). Keys derive from the two activity (or report) ids, so decisions
survive rebuilds and new arrivals.

A group's id is `g-` + 16 hex digits of the sha256 of its publication id and the
smallest activity id it holds: the same reports always give the same ids, in any order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .atomic import atomic_write_bytes
from .errors import MetroextractError, WarningCode
from .export import dumps_json
from .models import Activity, Report

__all__ = [
    "COPY_SHARE",
    "DECISIONS_FILE",
    "LINK_CANDIDATE",
    "LINK_CERTAIN",
    "LINK_MARGIN",
    "PENDING_FILE",
    "ActivityGroup",
    "LinkCandidate",
    "LinkDecisionError",
    "Linking",
    "decide_link",
    "link_output",
    "link_reports",
    "pending_links",
    "publication_id",
    "read_decisions",
    "similarity",
]

REVIEW_DIR = "review"
DECISIONS_FILE = "links.json"  # OUTPUT/review/links.json: a person's decisions, key -> accept|reject
PENDING_FILE = "links-pending.json"  # OUTPUT/links-pending.json: an output of every rebuild
# (beside the datasets, not under review/: the rebuild's inputs stamp covers review/*)

# Thresholds (score in 0..1, `similarity`). On the fixtures, the same activity in two
# editions scores 0.93-1.0 and the best wrong choice at most 0.55 (see the README).
LINK_CERTAIN = 0.75  # a link is made at or above this score …
LINK_MARGIN = 0.15  # … when it beats every other choice of either side by this much
LINK_CANDIDATE = 0.5  # below certain, at or above this: for review; below: no link
COPY_SHARE = 0.8  # a copy: certain links cover this share of the larger activity list
COPY_CANDIDATE = 0.5  # a possible copy (for review) from this share

# Weights of the evidence in `similarity`.
_WEIGHTS = {
    "dates": 3.0,
    "results": 2.0,
    "members": 2.0,
    "challenges": 1.5,
    "action_line": 1.0,
    "alliances": 1.0,
    "number": 1.0,
    "mentions": 0.5,
    "section": 0.5,
    "position": 0.5,
}
_LANG_ORDER = ("fr", "en", "es")
_ACCEPTED = 2.0  # the score of a link a person accepted: above any computed one


class LinkDecisionError(MetroextractError):
    """A link decision cannot be recorded (unknown key, unreadable decisions file)."""

    code = "link_decision_invalid"
    stage = "review"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def publication_id(report: Report) -> str:
    """`p-` + a digest of kind and period; a report without a period stands alone."""
    start, end = report.period.start, report.period.end
    if not start and not end:
        return "p-" + _digest(f"{report.kind}|report|{report.id}")
    return "p-" + _digest(f"{report.kind}|{start}|{end}")


def _rank(report: Report) -> tuple[Any, ...]:
    """Which file of one edition to keep: text layer, quality ok, values located, id."""
    quality = report.quality
    scanned = any(w.code == WarningCode.OCR_USED.value for w in report.warnings) or (quality is not None and quality.ocr_mean_confidence is not None)
    verdict = 0 if quality is not None and quality.verdict == "ok" else 1
    return (scanned, verdict, -len(report.item_provenance), report.id)


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class _Features:
    """The language-independent evidence of one activity."""

    activity_id: str
    report_id: str
    position: float  # 0..1 in the report
    dates: frozenset[str]
    action_line: str | None
    results: frozenset[str]
    challenges: frozenset[str]
    members: frozenset[str]
    alliances: frozenset[str]
    mentions: frozenset[str]
    number: str | None
    section: str | None


def _features(report: Report, seq: int, a: Activity) -> _Features:
    n = len(report.activities)
    days = {d.isoformat() for d in a.dates}
    days |= {d.isoformat() for d in (a.date_start, a.date_end) if d is not None}
    return _Features(
        activity_id=a.id,
        report_id=report.id,
        position=seq / (n - 1) if n > 1 else 0.0,
        dates=frozenset(days),
        action_line=a.action_line,
        results=frozenset(a.results),
        challenges=frozenset(c.code for c in a.challenges),
        members=frozenset(m.member_id for m in a.members if m.member_id),
        alliances=frozenset(x.alliance_id for x in a.alliances if x.alliance_id),
        mentions=frozenset(m.member_id for m in a.mentioned_members if m.member_id),
        number=(a.number or "").strip().rstrip(".") or None,
        section=a.section.start if a.section else None,
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a and not b:
        return None  # no evidence either way
    return len(a & b) / len(a | b)


def _same(a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    return 1.0 if a == b else 0.0


def similarity(a: _Features, b: _Features) -> float:
    """How alike two activities are, 0..1: the weighted mean of the evidence both sides
    (or one side) hold — dates, codes, ids, action line, number, section, position.

    A feature empty on both sides is no evidence; empty on one side only, it disagrees.
    """
    parts = {
        "dates": _jaccard(a.dates, b.dates),
        "results": _jaccard(a.results, b.results),
        "members": _jaccard(a.members, b.members),
        "challenges": _jaccard(a.challenges, b.challenges),
        "action_line": _same(a.action_line, b.action_line),
        "alliances": _jaccard(a.alliances, b.alliances),
        "number": _same(a.number, b.number),
        "mentions": _jaccard(a.mentions, b.mentions),
        "section": _same(a.section, b.section),
        "position": 1.0 - abs(a.position - b.position),
    }
    total = sum(_WEIGHTS[k] for k, v in parts.items() if v is not None)
    return sum(_WEIGHTS[k] * v for k, v in parts.items() if v is not None) / total


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LinkCandidate:
    """A link that is not certain: for a person to accept or reject."""

    key: str
    kind: Literal["activity", "copy"]
    publication_id: str
    score: float  # activity: similarity; copy: share of activities linked
    margin: float | None  # activity: lead over the next choice
    left: dict[str, Any]  # report_id, language, file_name (+ activity_id, title, date_text)
    right: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "publication_id": self.publication_id,
            "score": round(self.score, 3),
            "margin": None if self.margin is None else round(self.margin, 3),
            "left": self.left,
            "right": self.right,
        }


@dataclass
class ActivityGroup:
    """One distinct activity: its activities in every edition and copy (best report first)."""

    group_id: str
    publication_id: str
    members: list[tuple[Report, Activity]]


@dataclass
class Linking:
    """What `link_reports` decided."""

    publication_of: dict[str, str] = field(default_factory=dict)  # report id -> publication id
    duplicate_of: dict[str, str] = field(default_factory=dict)  # copy's report id -> kept one's
    group_of: dict[str, str] = field(default_factory=dict)  # activity id -> group id
    groups: list[ActivityGroup] = field(default_factory=list)  # sorted by group id
    pending: list[LinkCandidate] = field(default_factory=list)  # sorted by key

    def group_rows(self) -> list[dict[str, Any]]:
        """The `activity_groups` table's rows (values for `datasets.ActivityGroupRow`)."""
        return [_group_row(g) for g in self.groups]


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v not in (None, [], "")), None)


def _group_row(g: ActivityGroup) -> dict[str, Any]:
    acts = [a for _, a in g.members]
    titles = {}
    for lang in _LANG_ORDER:
        titles[f"title_{lang}"] = _first(a.title for r, a in g.members if r.language == lang)
    best = acts[0]
    return {
        "activity_group_id": g.group_id,
        "publication_id": g.publication_id,
        "action_line": _first(a.action_line for a in acts),
        "date_start": best.date_start or _first(a.date_start for a in acts),
        "date_end": best.date_end or _first(a.date_end for a in acts),
        "dates": sorted({d for a in acts for d in a.dates}),
        **titles,
        "languages": [lang for lang in _LANG_ORDER if any(r.language == lang for r, _ in g.members)],
        "member_ids": sorted({m.member_id for a in acts for m in a.members if m.member_id}),
        "alliance_ids": sorted({x.alliance_id for a in acts for x in a.alliances if x.alliance_id}),
        "results": sorted({c for a in acts for c in a.results}),
        "challenges": sorted({c.code for a in acts for c in a.challenges}),
        "activity_ids": sorted(a.id for a in acts),
        "report_ids": sorted({r.id for r, _ in g.members}),
    }


# --------------------------------------------------------------------------- matching


def _pair_key(prefix: str, a: str, b: str) -> str:
    lo, hi = sorted((a, b))
    return f"{prefix}-{_digest(lo + '|' + hi)}"


def activity_link_key(a_id: str, b_id: str) -> str:
    """The review key of a link between two activities (either order)."""
    return _pair_key("a", a_id, b_id)


def copy_link_key(a_id: str, b_id: str) -> str:
    """The review key of a copy link between two reports (either order)."""
    return _pair_key("c", a_id, b_id)


@dataclass
class _Cluster:
    features: list[_Features]
    members: list[tuple[Report, Activity]]


@dataclass(frozen=True)
class _Match:
    row: int  # index of the new activity
    col: int  # index of the cluster
    score: float
    margin: float
    other: _Features  # the cluster's activity that scored best (the other side of a link)


def _score(f: _Features, cluster: _Cluster, decisions: Mapping[str, str]) -> tuple[float, _Features]:
    """Best score of `f` against a cluster's activities; a rejected pair bars the cluster,
    an accepted pair wins it."""
    best, other = -1.0, cluster.features[0]
    for g in cluster.features:
        decision = decisions.get(activity_link_key(f.activity_id, g.activity_id))
        if decision == "reject":
            return 0.0, g
        s = _ACCEPTED if decision == "accept" else similarity(f, g)
        if s > best:
            best, other = s, g
    return best, other


def _assign(new: Sequence[_Features], clusters: Sequence[_Cluster], decisions: Mapping[str, str]) -> tuple[list[_Match], list[_Match]]:
    """Greedy one-to-one matching of new activities to clusters, best score first.

    Returns (links made, uncertain links for review). A pair is certain when its score is
    at least `LINK_CERTAIN` and ahead of every other choice of the activity and of the
    cluster by `LINK_MARGIN` (an accepted pair always is)."""
    scores = [[_score(f, c, decisions) for c in clusters] for f in new]

    def runner_up(i: int, j: int) -> float:
        row = [s for k, (s, _) in enumerate(scores[i]) if k != j]
        col = [scores[k][j][0] for k in range(len(new)) if k != i]
        return max([0.0, *row, *col])

    pairs = sorted(
        ((s, i, j) for i, row in enumerate(scores) for j, (s, _) in enumerate(row) if s >= LINK_CANDIDATE),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    made: list[_Match] = []
    review: list[_Match] = []
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    for s, i, j in pairs:
        if i in used_rows or j in used_cols:
            continue
        margin = s - runner_up(i, j)
        match = _Match(row=i, col=j, score=s, margin=margin, other=scores[i][j][1])
        if s >= _ACCEPTED or (s >= LINK_CERTAIN and margin >= LINK_MARGIN):
            made.append(match)
            used_rows.add(i)
            used_cols.add(j)
        elif i not in {m.row for m in review}:
            review.append(match)
    review = [m for m in review if m.row not in used_rows]
    return made, review


def _side(report: Report, f: _Features | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"report_id": report.id, "language": report.language, "file_name": report.source.file_name}
    if f is not None:
        a = next(a for a in report.activities if a.id == f.activity_id)
        out |= {"activity_id": a.id, "title": a.title, "date_text": a.date_text}
    return out


class _Linker:
    """The state of one `link_reports` run."""

    def __init__(self, reports: Sequence[Report], decisions: Mapping[str, str]) -> None:
        self.decisions = decisions
        self.by_id = {r.id: r for r in reports}
        self.features = {r.id: [_features(r, i, a) for i, a in enumerate(r.activities)] for r in reports}
        self.linking = Linking()

    def candidate(self, pub: str, match: _Match, f: _Features) -> None:
        key = activity_link_key(f.activity_id, match.other.activity_id)
        if self.decisions.get(key) == "reject":
            return
        self.linking.pending.append(
            LinkCandidate(
                key=key,
                kind="activity",
                publication_id=pub,
                score=match.score,
                margin=match.margin,
                left=_side(self.by_id[match.other.report_id], match.other),
                right=_side(self.by_id[f.report_id], f),
            )
        )

    def match_into(self, pub: str, report: Report, clusters: list[_Cluster], grow: bool) -> list[_Match]:
        """Match `report`'s activities into `clusters` (adding it to them); with `grow`,
        an activity matched nowhere starts a cluster of its own. Returns the links made."""
        feats = self.features[report.id]
        made, review = _assign(feats, clusters, self.decisions)
        for m in review:
            self.candidate(pub, m, feats[m.row])
        matched = {m.row: m.col for m in made}
        for i, (f, a) in enumerate(zip(feats, report.activities)):
            if i in matched:
                clusters[matched[i]].features.append(f)
                clusters[matched[i]].members.append((report, a))
            elif grow:
                clusters.append(_Cluster(features=[f], members=[(report, a)]))
        return made

    def split_copies(self, pub: str, reports: list[Report]) -> tuple[list[Report], dict[str, list[Report]]]:
        """The kept report of each language, and the copies of each kept report."""
        by_lang: dict[str, list[Report]] = {}
        for r in sorted(reports, key=_rank):
            by_lang.setdefault(r.language, []).append(r)
        kept: list[Report] = []
        copies: dict[str, list[Report]] = {}
        for files in by_lang.values():
            head, *rest = files
            kept.append(head)
            for other in rest:
                if self.is_copy(pub, head, other):
                    copies.setdefault(head.id, []).append(other)
                    self.linking.duplicate_of[other.id] = head.id
                else:
                    kept.append(other)
        return kept, copies

    def is_copy(self, pub: str, head: Report, other: Report) -> bool:
        key = copy_link_key(head.id, other.id)
        decision = self.decisions.get(key)
        if decision is not None:
            return decision == "accept"
        clusters = [_Cluster(features=[f], members=[]) for f in self.features[head.id]]
        made, _ = _assign(self.features[other.id], clusters, self.decisions)
        larger = max(len(head.activities), len(other.activities))
        share = len(made) / larger if larger else 1.0
        if share >= COPY_SHARE:
            return True
        if share >= COPY_CANDIDATE:
            self.linking.pending.append(
                LinkCandidate(key=key, kind="copy", publication_id=pub, score=share, margin=None, left=_side(head), right=_side(other))  # fmt: skip
            )
        return False

    def publication(self, pub: str, reports: list[Report]) -> None:
        kept, copies = self.split_copies(pub, reports)
        kept.sort(key=lambda r: (-len(r.activities), _rank(r)))
        clusters: list[_Cluster] = []
        for report in kept:
            self.match_into(pub, report, clusters, grow=True)
        for report in kept:
            for copy in copies.get(report.id, []):
                own = [c for c in clusters if any(f.report_id == report.id for f in c.features)]
                self.match_into(pub, copy, own, grow=False)
        for c in clusters:
            c.members.sort(key=lambda m: _rank(m[0]))
            gid = "g-" + _digest(pub + "|" + min(f.activity_id for f in c.features))
            self.linking.groups.append(ActivityGroup(group_id=gid, publication_id=pub, members=c.members))
            for f in c.features:
                self.linking.group_of[f.activity_id] = gid


def link_reports(reports: Sequence[Report], decisions: Mapping[str, str] | None = None) -> Linking:
    """Publications, copies and activity groups of `reports` (any order: same result).

    `decisions`: review key -> "accept" | "reject" (`read_decisions`)."""
    linker = _Linker(reports, decisions or {})
    by_pub: dict[str, list[Report]] = {}
    for r in sorted(reports, key=lambda r: r.id):
        pub = publication_id(r)
        linker.linking.publication_of[r.id] = pub
        by_pub.setdefault(pub, []).append(r)
    for pub in sorted(by_pub):
        linker.publication(pub, by_pub[pub])
    linking = linker.linking
    linking.groups.sort(key=lambda g: g.group_id)
    linking.pending.sort(key=lambda c: c.key)
    return linking


# --------------------------------------------------------------------------- review files


def read_decisions(output_dir: Path) -> dict[str, str]:
    """`OUTPUT/review/links.json`: {key: {"decision": "accept"|"reject", …}} → key → decision."""
    path = Path(output_dir) / REVIEW_DIR / DECISIONS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LinkDecisionError(f"{path}: cannot read the link decisions: {exc}") from exc
    out = {}
    for key, value in (data or {}).items():
        decision = value.get("decision") if isinstance(value, dict) else value
        if decision in ("accept", "reject"):
            out[key] = decision
    return out


class _PendingFile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    links: list[dict[str, Any]]


def pending_links(output_dir: Path) -> list[dict[str, Any]]:
    """The uncertain links the last rebuild found (`OUTPUT/links-pending.json`)."""
    path = Path(output_dir) / PENDING_FILE
    if not path.exists():
        return []
    return _PendingFile.model_validate_json(path.read_bytes()).links


def _write_pending(output_dir: Path, pending: Sequence[LinkCandidate]) -> None:
    """Written only when it changes (an unchanged rebuild leaves it untouched)."""
    path = Path(output_dir) / PENDING_FILE
    if not pending:
        path.unlink(missing_ok=True)
        return
    data = dumps_json({"links": [c.as_json() for c in pending]})
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)


def link_output(output_dir: Path, reports: Sequence[Report]) -> Linking:
    """`link_reports` with the decisions of `output_dir`; writes the pending links."""
    linking = link_reports(reports, read_decisions(output_dir))
    _write_pending(output_dir, linking.pending)
    return linking


def decide_link(output_dir: Path, key: str, decision: Literal["accept", "reject"]) -> dict[str, Any]:
    """Record a person's decision on a pending link (or change an earlier one); returns
    the link as listed. The next rebuild applies it."""
    output_dir = Path(output_dir)
    known = {c["key"]: c for c in pending_links(output_dir)}
    path = output_dir / REVIEW_DIR / DECISIONS_FILE
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if key not in known and key not in current:
        raise LinkDecisionError(f"no pending link {key!r} (see `metroextract review`)")
    link = known.get(key) or current[key]
    entry = {"decision": decision, "kind": link.get("kind"), "left": link.get("left"), "right": link.get("right")}
    current[key] = entry
    atomic_write_bytes(path, dumps_json(dict(sorted(current.items()))))
    return {**link, "decision": decision}
