"""What `metroextract eval` prints and fails on: the score tables and the threshold gates.

`evaluate.py` computes a `FixtureScore` per fixture; this module turns a list of them into
rich tables (`score_tables`) and into the lines that say which score is below which
threshold (`threshold_failures`). The CLI only prints both and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from .evaluate import ACTIVITY_FIELDS, NAME_KINDS, REPORT_FIELDS, SECTIONS, FixtureScore, overall_name_pairs, overall_resolved_share

ALL_TEXT = "all text fixtures"
ALL = "all fixtures"


@dataclass(frozen=True)
class Thresholds:
    """The lowest acceptable scores; 0 turns a gate off (see `metroextract eval --help`)."""

    field: float = 0.0
    description: float = 0.0
    section: float = 0.0
    scanned: float = 0.0
    name_precision: float = 0.0
    name_recall: float = 0.0
    resolved: float = 0.0
    mentions: float = 0.0

    @property
    def gates_names(self) -> bool:
        return any(g > 0 for g in (self.name_precision, self.name_recall, self.resolved))


def _text_scores(scores: Sequence[FixtureScore]) -> list[FixtureScore]:
    return [s for s in scores if not s.scanned]


def _activity_reports(scores: Sequence[FixtureScore]) -> list[FixtureScore]:
    return [s for s in scores if s.kind == "activity_report"]


def _left_first_table(title: str, columns: Sequence[str], **kwargs: object) -> Table:
    """A table whose first column (the fixture) is left-aligned and the others right."""
    table = Table(title=title, **kwargs)  # type: ignore[arg-type]
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right")
    return table


# --------------------------------------------------------------------------- tables


def activities_table(scores: Sequence[FixtureScore]) -> Table:
    table = _left_first_table("Activities", ("fixture", "exp", "found", "match", *ACTIVITY_FIELDS, "descr"), show_lines=False)
    for s in scores:
        accs = [s.field_accuracy(f) for f in ACTIVITY_FIELDS]
        table.add_row(s.fixture, str(s.expected), str(s.found), str(s.matched), *(f"{a:.2f}" for a in accs), f"{s.description_similarity:.3f}")
    return table


def activity_reports_table(reports: Sequence[FixtureScore]) -> Table:
    table = _left_first_table("Activity reports", ("fixture", "kind", "period", *REPORT_FIELDS, "mentions F1"))
    for s in reports:
        accs = [s.field_accuracy(f) for f in REPORT_FIELDS]
        table.add_row(s.fixture, str(s.kind_found), "right" if s.period_right else "wrong", *(f"{a:.2f}" for a in accs), f"{s.mention_f1:.3f}")
    return table


def sections_table(scores: Sequence[FixtureScore]) -> Table:
    table = Table(title="Sections (item F1)")
    table.add_column("fixture")
    for sec in SECTIONS:
        table.add_column(sec.replace("_", " ")[:10], justify="right")
    for s in scores:
        table.add_row(s.fixture, *(f"{s.section_f1(sec):.2f}" for sec in SECTIONS))
    return table


def _name_row(label: str, group: Sequence[FixtureScore]) -> list[str]:
    mentions = [m for s in group for m in s.kind_mentions()]
    row = [label]
    for kind in NAME_KINDS:
        pc = overall_name_pairs(group, kind)
        row += [str(sum(m.kind == kind for m in mentions)), f"{pc.precision:.3f}", f"{pc.recall:.3f}"]
    row += [
        f"{overall_resolved_share(group):.3f}",
        str(sum(m.in_review for m in mentions)),
        str(sum(m.pred_id is not None and m.pred_id != m.true_id for m in mentions)),
        str(sum(s.name_missed for s in group)),
        str(sum(s.name_extras for s in group)),
    ]
    return row


def names_table(scores: Sequence[FixtureScore]) -> Table:
    """One row per fixture, then pooled rows over the text fixtures and over all."""
    columns = ("fixture", "members", "m.prec", "m.recall", "alliances", "a.prec", "a.recall", "resolved", "review", "wrong id", "missed", "extra")
    table = _left_first_table("Names (pairwise precision/recall of mentions clustered by id; resolved = without review)", columns)
    for s in scores:
        table.add_row(*_name_row(s.fixture, [s]))
    text_scores = _text_scores(scores)
    if len(text_scores) > 1:
        table.add_row(*_name_row(ALL_TEXT, text_scores), style="bold")
    if len(text_scores) != len(scores) and len(scores) > 1:
        table.add_row(*_name_row(ALL, scores), style="bold")
    return table


def name_issues_table(scores: Sequence[FixtureScore]) -> Table | None:
    """The printed names not resolved to their true id without review, or None if none."""
    issues = [(s.fixture, m) for s in scores for m in s.name_issues()]
    if not issues:
        return None
    table = Table(title=f"{len(issues)} printed names not resolved to their true id without review")
    for col in ("fixture", "where", "kind", "printed", "extracted", "true id", "resolved id", "method", "review"):
        table.add_column(col)
    for fixture, m in issues:
        table.add_row(fixture, m.where, m.kind, m.name, m.found_name or "", str(m.true_id), str(m.pred_id), str(m.method), "yes" if m.in_review else "")
    return table


def score_tables(scores: Sequence[FixtureScore], names_scored: bool) -> list[Table | str]:
    """Everything `eval` prints to stdout, in order (a str is a rich-markup line)."""
    printed: list[Table | str] = [activities_table(scores)]
    reports = _activity_reports(scores)
    if reports:
        printed.append(activity_reports_table(reports))
    printed.append(sections_table(scores))
    if not names_scored:
        return [*printed, "[yellow]names not scored: no name_ids.yaml (use --name-ids)[/]"]
    printed.append(names_table(scores))
    issues = name_issues_table(scores)
    return printed + ([issues] if issues is not None else [])


# --------------------------------------------------------------------------- gates


def _field_failures(s: FixtureScore, fields: Sequence[str], lowest: float) -> list[str]:
    return [f"{s.fixture}: {f} {s.field_accuracy(f):.3f} < {lowest}" for f in fields if s.field_accuracy(f) < lowest]


def activity_failures(scores: Sequence[FixtureScore], th: Thresholds) -> list[str]:
    """Extraction errors; dates/title of scanned fixtures; count, fields and descriptions of the others."""
    failures = []
    for s in scores:
        if s.error:
            failures.append(f"{s.fixture}: {s.error}")
        if s.scanned:
            ok = min(s.field_accuracy("dates"), s.field_accuracy("title"))
            if ok < th.scanned:
                failures.append(f"{s.fixture}: dates/title {ok:.2f} < {th.scanned}")
            continue
        # a wrong count is only a failure when the fields are gated at all
        if s.found != s.expected and th.field > 0:
            failures.append(f"{s.fixture}: found {s.found} activities, expected {s.expected}")
        failures += _field_failures(s, ACTIVITY_FIELDS, th.field)
        if s.description_similarity < th.description:
            failures.append(f"{s.fixture}: description {s.description_similarity:.3f} < {th.description}")
    return failures


def activity_report_failures(reports: Sequence[FixtureScore], th: Thresholds) -> list[str]:
    failures = []
    for s in reports:
        if s.kind_found != s.kind:
            failures.append(f"{s.fixture}: kind {s.kind_found} != {s.kind}")
        if not s.period_right and th.field > 0:
            failures.append(f"{s.fixture}: period wrong")
        failures += _field_failures(s, REPORT_FIELDS, th.field)
        if s.mention_f1 < th.mentions:
            failures.append(f"{s.fixture}: mentioned members F1 {s.mention_f1:.3f} < {th.mentions}")
    return failures


def section_failures(scores: Sequence[FixtureScore], th: Thresholds) -> list[str]:
    return [f"{s.fixture}: section {sec} F1 {s.section_f1(sec):.3f} < {th.section}" for s in _text_scores(scores) for sec in SECTIONS if s.section_f1(sec) < th.section]


def _pooled_name_failures(label: str, group: Sequence[FixtureScore], th: Thresholds) -> list[str]:
    failures = []
    for kind in NAME_KINDS:
        pc = overall_name_pairs(group, kind)
        if pc.precision < th.name_precision:
            failures.append(f"{label}: {kind} name precision {pc.precision:.4f} < {th.name_precision}")
        if pc.recall < th.name_recall:
            failures.append(f"{label}: {kind} name recall {pc.recall:.4f} < {th.name_recall}")
    res = overall_resolved_share(group)
    if res < th.resolved:
        failures.append(f"{label}: resolved without review {res:.4f} < {th.resolved}")
    return failures


def name_failures(scores: Sequence[FixtureScore], th: Thresholds, ids_path: Path | None, directory: Path) -> list[str]:
    """Name gates per text fixture, then pooled over the text fixtures."""
    failures = []
    if ids_path is None and th.gates_names:
        failures.append(f"{directory}: no name_ids.yaml found (use --name-ids): names cannot be scored")
    for s in scores:
        if s.names_scored and not s.scanned:
            failures += _pooled_name_failures(s.fixture, [s], th)
            unknown = sorted({m.name for m in s.mentions if not m.known})
            if unknown and th.gates_names:
                failures.append(f"{s.fixture}: printed names missing from name_ids: {', '.join(unknown)}")
    text_scores = _text_scores(scores)
    if ids_path is not None and len(text_scores) > 1:
        failures += _pooled_name_failures(ALL_TEXT, text_scores, th)
    return failures


def threshold_failures(scores: Sequence[FixtureScore], th: Thresholds, ids_path: Path | None, directory: Path) -> list[str]:
    """One line per score below its threshold, in the order of the tables."""
    return [
        *activity_failures(scores, th),
        *activity_report_failures(_activity_reports(scores), th),
        *section_failures(scores, th),
        *name_failures(scores, th, ids_path, directory),
    ]
