"""The secretariat: staff as a Name | Position table or as name and position lines."""

from __future__ import annotations

from typing import Any

from ..fields import join_lines
from ..models import (
    Contact,
    Line,
    StaffMember,
)
from ..tabular import find_tables
from ..vocab import Vocabulary
from .contact import contact_lines
from .lines import DASH_SPLIT_RE, attached, bold_lead, cell_text, is_heading, squash, without_tables


def _first_separator(text: str) -> str | None:
    comma, dash = text.find(", "), (m.start() if (m := DASH_SPLIT_RE.search(text)) else -1)
    if comma < 0 and dash < 0:
        return None
    return "comma" if dash < 0 or 0 <= comma < dash else "dash"


def attached_wrap(prev: Line | None, ln: Line) -> bool:
    """`ln` wraps the line above it: indented under it, right below it."""
    return prev is not None and ln.page == prev.page and ln.x0 > prev.x0 + 2 and 0 <= ln.top - prev.bottom < 0.6 * ln.size


def parse_secretariat(lines: list[Line], body: float, vocab: Vocabulary | None = None) -> tuple[list[StaffMember], Contact | None]:
    """Staff as a Name | Position table, as bold name + plain position lines, or as
    "Name — Position" lines; the contact box set apart first."""
    from_tables: list[StaffMember] = []
    if vocab is not None:
        tables = [t for t in find_tables(lines, vocab, ("name", "position"), required=("name", "position")) if "name" in t.keys]
        if tables:
            # the contact box under an unruled table reads as more rows of it: not staff
            plain = [ln for ln in lines if not is_heading(ln, body)]
            contact, box = contact_lines(plain)
            in_box = {id(plain[k]) for k in box}
            records = [r for t in tables for r in t.records() if cell_text(r.get("name")) and not any(id(ln) in in_box for ln in r["name"])]
            from_tables = [StaffMember(name=cell_text(r["name"]), position=cell_text(r.get("position")) or None) for r in records]
        lines = without_tables(lines, tables)
        if from_tables:
            return from_tables, contact
    lines = [ln for ln in lines if not is_heading(ln, body)]
    contact, box = contact_lines(lines)
    staff: list[dict[str, Any]] = []
    prev: Line | None = None
    # names in bold with their positions under them; else "Name — Position" on one line
    bold_names = any(ln.bold for k, ln in enumerate(lines) if k not in box)
    # without bold names, "Name, Position" lines where most lines part name and position by
    # a comma ("Joana Marí, Intern – University" keeps its dash in the position)
    firsts = [_first_separator(squash(ln.text)) for k, ln in enumerate(lines) if k not in box]
    comma_split = not bold_names and firsts.count("comma") > firsts.count("dash")
    for k, ln in enumerate(lines):
        if k in box:
            continue
        text = squash(ln.text)
        dash = DASH_SPLIT_RE.split(text, maxsplit=1)
        if (lead := bold_lead(ln)) is not None:
            staff.append({"name": lead[0].rstrip(" ,"), "position": [lead[1].lstrip(" ,")], "line": ln})  # "**Name**, Position"
            prev = ln
        elif comma_split and ", " in text and not attached_wrap(prev, ln):
            name, position = text.split(", ", 1)
            staff.append({"name": name, "position": [position], "line": ln})
            prev = ln
        elif len(dash) == 2 and not bold_names:
            staff.append({"name": dash[0], "position": [dash[1]], "line": ln})  # "Name — Position"
            prev = ln
        elif ln.bold:
            staff.append({"name": text, "position": [], "line": ln})
            prev = ln
        elif staff and prev is not None and attached(prev, ln, 1.5):
            staff[-1]["position"].append(text)
            prev = ln
    return [StaffMember(name=s["name"], position=join_lines(s["position"]) or None) for s in staff], contact
