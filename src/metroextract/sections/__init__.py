"""Report sections other than activities: the segmenter's section lines → typed parts.

Every section is read from the layout's one reading order (columns, rows of columns, key
columns beside their rows, tables as cells: `layout.py`), by a small grammar of its own,
one module each:

- `toc` entries and their items · `note` paragraphs and signatory · `media` months,
  outlets, titles · `engagement` names · `meetings` cards or tables · `key_figures`
  display numbers and their labels · `taxonomy` and `plan` coded items · `regions`
  members, honorary members, focal points and board · `secretariat` staff · `contact`;
- shared primitives in `lines` (a line's look, what follows what, names in lists) and
  `cards` (role, name, details), tables through `tabular.find_tables`.

`cross_check(report)` (`checks`) compares the assembled report with itself.
"""

from __future__ import annotations

from typing import Any

from ..errors import WarningCode
from ..models import Line, Period, Warning_
from ..segment import SegmentedReport
from ..tabular import find_tables
from ..typography import is_heading
from ..vocab import all_vocabularies
from .cards import parse_cards
from .checks import cross_check
from .engagement import parse_engagement
from .key_figures import is_number_line, parse_key_figures
from .lines import above_in_column, clean_name, names_of, tables_in_place
from .media import parse_media
from .meetings import parse_meetings
from .note import paragraphs, parse_note
from .plan import parse_plan, plan_level
from .regions import grid_order, parse_who
from .secretariat import parse_secretariat
from .taxonomy import parse_taxonomy
from .toc import parse_toc


def sections_to_parts(seg: SegmentedReport, period: Period, lexicon: set[str], warnings: list[Warning_]) -> dict[str, Any]:
    """Typed values of every non-activity section, keyed by Report field name."""
    vocab = all_vocabularies()[seg.language]
    body = seg.body_size
    secs = {name: list(lines) for name, lines in seg.sections.items() if name != "activities"}
    parts: dict[str, Any] = {}

    def missing(name: str, what: str) -> None:
        lines = secs.get(name) or []
        page = lines[0].page if lines else None
        warnings.append(Warning_(page=page, code=WarningCode.SECTION_MISSING, message=f"section {name!r} found but no {what} could be read"))

    def run(name: str, what: str, fn: Any, *args: Any, items: Any = lambda v: v) -> Any:
        """One section's parser; a failure costs that section only, as a warning."""
        try:
            value = fn(*args)
        except Exception as exc:  # noqa: BLE001 - a report is worth more than one section
            lines = secs.get(name) or []
            warnings.append(
                Warning_(
                    page=lines[0].page if lines else None,
                    code=WarningCode.SECTION_MISSING,
                    message=f"section {name!r} could not be read ({type(exc).__name__}: {str(exc)[:120]})",
                )
            )
            return None
        if not items(value):
            missing(name, what)
        return value

    if secs.get("toc") and (toc := run("toc", "entries", parse_toc, secs["toc"], body)) is not None:
        parts["table_of_contents"] = toc
    if secs.get("note") and (note := run("note", "text", parse_note, secs["note"], body, lexicon)) is not None:
        parts["secretary_general_note"] = note
    if secs.get("media") and (media := run("media", "media mentions", parse_media, secs["media"], body, vocab, period)) is not None:
        parts["media_mentions"] = media
    if secs.get("engagement") and (eng := run("engagement", "member names", parse_engagement, secs["engagement"], body)) is not None:
        parts["member_engagement"] = eng
    if secs.get("meetings") and (meet := run("meetings", "meetings", parse_meetings, secs["meetings"], body, vocab, period)) is not None:
        parts["bilateral_meetings"] = meet
    if secs.get("key_results") and (kf := run("key_results", "key figures", parse_key_figures, secs["key_results"], body, vocab, lexicon, items=lambda v: v[1])) is not None:
        parts["key_figures_period"], parts["key_figures"] = kf
    if secs.get("challenge_taxonomy") and (tax := run("challenge_taxonomy", "challenges", parse_taxonomy, secs["challenge_taxonomy"], body)) is not None:
        parts["challenge_taxonomy"] = tax
    if secs.get("plan") and (plan := run("plan", "L1/L1A1/L1A1D1 items", parse_plan, secs["plan"], body)) is not None:
        parts["plan"] = plan
    staff_lines: list[Line] = list(secs.get("secretariat") or [])
    if staff_lines and secs.get("who"):
        # a region's table printed above the secretariat heading but read after its first lines
        above = {id(ln) for ln in above_in_column(staff_lines)}
        secs["who"] = tables_in_place(secs["who"] + [ln for ln in staff_lines if id(ln) in above])
        staff_lines = [ln for ln in staff_lines if id(ln) not in above]
    staff_table = bool(staff_lines) and bool(find_tables(staff_lines, vocab, ("name", "position"), required=("name", "position")))
    if secs.get("who"):
        # "Secrétariat général" is both a focal-point role inside regions and the last
        # section: unless the secretariat is a table of its own, read both together;
        # regions end at a large secretariat heading or at the first card printed
        # without a role after a board
        pool = secs["who"] if staff_table else [*secs["who"], *staff_lines]  # both in reading order
        staff_from = None if staff_table else len(secs["who"])
        who = run("who", "regions", parse_who, pool, body, vocab, seg.language, staff_from, _opened_by_display_heading(seg, "secretariat"), lexicon, items=lambda v: v[0])
        if who is not None:
            parts["regions"], extra = who
            staff_lines = extra + staff_lines if staff_table else extra
    if staff_lines and (sec := run("secretariat", "staff", parse_secretariat, staff_lines, body, vocab, items=lambda v: v[0] or v[1])) is not None:
        parts["secretariat"], parts["contact"] = sec
    return parts


def _opened_by_display_heading(seg: SegmentedReport, name: str) -> bool:
    """The section was opened by a heading in display type: the report's own secretariat
    heading, not a focal point's role "Secrétariat général" set in bold."""
    heading = seg.section_headings.get(name)
    return heading is not None and is_heading(heading, seg.body_size, display_only=True)


__all__ = [
    "sections_to_parts",
    "cross_check",
    "parse_toc",
    "parse_note",
    "parse_media",
    "parse_engagement",
    "parse_meetings",
    "parse_key_figures",
    "parse_taxonomy",
    "parse_plan",
    "parse_who",
    "parse_cards",
    "parse_secretariat",
    "paragraphs",
    "plan_level",
    "is_number_line",
    "clean_name",
    "names_of",
    "grid_order",
]
