"""Does each section's verdict tell a wrong section? (`metroextract eval --quality`)

Every scored section of every fixture is one outcome: its item F1 against the truth
(`evaluate.FixtureScore.section_f1`) and the verdict `report.quality.sections` gave it.
A section with F1 < `WRONG_F1` should say `needs_review` (otherwise it is *silent*); a
section with F1 ≥ `RIGHT_F1` should not (otherwise it is flagged for nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .evaluate import SECTIONS

WRONG_F1 = 0.90  # below: the section is wrong and must be flagged
RIGHT_F1 = 0.98  # at or above: the section is right and should not be flagged
MAX_SILENT = 0  # wrong sections left `ok` or `absent`
MAX_RIGHT_FLAGGED_SHARE = 0.10  # share of right sections flagged anyway

# The sections that are both scored (`evaluate.SECTIONS`) and given a verdict
# (`section_checks.SECTION_FIELDS`): the activities in the action lines' place.
SCORED_SECTIONS = tuple("activities" if name == "action_lines" else name for name in SECTIONS)


@dataclass(frozen=True)
class SectionOutcome:
    fixture: str
    section: str
    f1: float
    verdict: str  # ok, needs_review, absent; "" when the report had no verdict for it

    @property
    def flagged(self) -> bool:
        return self.verdict == "needs_review"


@dataclass
class QualityFigures:
    outcomes: list[SectionOutcome] = field(default_factory=list)

    @property
    def wrong(self) -> list[SectionOutcome]:
        return [o for o in self.outcomes if o.f1 < WRONG_F1]

    @property
    def right(self) -> list[SectionOutcome]:
        return [o for o in self.outcomes if o.f1 >= RIGHT_F1]

    @property
    def silent(self) -> list[SectionOutcome]:
        return [o for o in self.wrong if not o.flagged]

    @property
    def right_flagged(self) -> list[SectionOutcome]:
        return [o for o in self.right if o.flagged]

    @property
    def right_flagged_share(self) -> float:
        return len(self.right_flagged) / len(self.right) if self.right else 0.0

    def failures(self) -> list[str]:
        """The targets missed, one sentence each (empty: both met)."""
        out = []
        if len(self.silent) > MAX_SILENT:
            out.append(f"{len(self.silent)} wrong sections (F1 < {WRONG_F1}) not flagged: " + ", ".join(f"{o.fixture}:{o.section}" for o in self.silent))
        if self.right_flagged_share > MAX_RIGHT_FLAGGED_SHARE:
            out.append(f"{self.right_flagged_share:.0%} of right sections (F1 ≥ {RIGHT_F1}) flagged, over {MAX_RIGHT_FLAGGED_SHARE:.0%}")
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "sections": len(self.outcomes),
            "wrong": len(self.wrong),
            "wrong_flagged": len(self.wrong) - len(self.silent),
            "silent": len(self.silent),
            "right": len(self.right),
            "right_flagged": len(self.right_flagged),
            "right_flagged_share": round(self.right_flagged_share, 4),
        }


def section_outcomes(scores: Iterable[Any]) -> QualityFigures:
    """One outcome per scored section of every fixture that was extracted."""
    figures = QualityFigures()
    for s in scores:
        if s.error or s.kind != "progress_report":
            continue
        for name in SCORED_SECTIONS:
            figures.outcomes.append(SectionOutcome(s.fixture, name, round(s.section_f1(name), 4), s.section_verdicts.get(name, "")))
    return figures


def quality_table(figures: QualityFigures) -> Any:
    """The figures and every section that is wrong or flagged, as a rich Table."""
    from rich.table import Table

    sm = figures.summary()
    t = Table(
        title=(
            f"section verdicts: {sm['wrong_flagged']}/{sm['wrong']} wrong sections (F1 < {WRONG_F1}) flagged, {sm['silent']} silent; "
            f"{sm['right_flagged']}/{sm['right']} right sections (F1 ≥ {RIGHT_F1}) flagged ({sm['right_flagged_share']:.0%})"
        )
    )
    for col in ("fixture", "section", "F1", "verdict", "outcome"):
        t.add_column(col)
    for o in figures.outcomes:
        if o.f1 < WRONG_F1:
            outcome = "flagged" if o.flagged else "SILENT"
        elif o.flagged:
            outcome = "flagged, right" if o.f1 >= RIGHT_F1 else "flagged"
        else:
            continue
        t.add_row(o.fixture, o.section, f"{o.f1:.2f}", o.verdict or "-", outcome)
    return t
