"""The strategic plan: L1 / L1A1 / L1A1D1 items with their labels."""

from __future__ import annotations

import re
from typing import Any

from ..fields import PLAN_CODE_RE, join_lines
from ..models import (
    Line,
    PlanItem,
)
from .lines import attached, continues, is_heading, squash

BULLETS = "-–—•·▪◦›»■□●○‣⁃*"
# a list's bullet before an item, or a gutter bullet read at the end of the line above
# ("… advocacy •": the next item's bullet set left of the text, level with its last line)
_BULLET_RE = re.compile(rf"^[{BULLETS}]\s+|\s+[{BULLETS}]$|^[{BULLETS}]$")


def unbullet(text: str) -> str:
    """A line's text without a list bullet before it or a gutter bullet after it."""
    return _BULLET_RE.sub("", squash(text)).strip()


def plan_level(code: str) -> tuple[str, str | None]:
    """'L1' → line, 'L1A2' → axis under L1, 'L1A2D3' → deliverable under L1A2."""
    if "D" in code:
        return "deliverable", code[: code.index("D")]
    if "A" in code:
        return "axis", code[: code.index("A")]
    return "line", None


def _code_with_label(code: Line, label: list[Line]) -> Line:
    """One "code label" line in the code's place."""
    text = f"{squash(code.text)} {join_lines([squash(ln.text) for ln in label])}"
    return code.model_copy(update={"text": text, "x1": max(ln.x1 for ln in label)})


def pair_key_column(lines: list[Line], pattern: str) -> list[Line]:
    """A Code | Label table read column by column (every code, then every label): each code
    alone on its line takes the label lines printed level with it and under it, down to
    the next code's row or the next line opening with a code, as one "code label" line in
    the code's place. `pattern`: the codes' regular expression."""

    def is_code(text: str) -> bool:
        return bool(re.fullmatch(pattern, unbullet(text)))

    def opens_code(text: str) -> bool:
        return bool(re.match(rf"(?:{pattern})(?:\s|$)", unbullet(text)))

    codes = [ln for ln in lines if is_code(squash(ln.text))]
    taken: set[int] = set()
    merged: dict[int, Line] = {}
    for code in codes:
        if code.cell is not None and (cell := [ln for ln in lines if ln.page == code.page and ln.cell == (*code.cell[:2], code.cell[2] + 1)]):
            taken.update(id(ln) for ln in cell)  # a ruled table: the next cell of the code's row, however it is aligned
            merged[id(code)] = _code_with_label(code, cell)
            continue
        tol = 0.5 * code.size
        below = [c.top for c in codes if c.page == code.page and abs(c.x0 - code.x0) < code.size and c.top > code.top + tol]
        stop = min(below, default=float("inf"))
        level = [ln for ln in lines if ln.page == code.page and id(ln) not in taken and ln is not code and not is_code(squash(ln.text)) and abs(ln.top - code.top) < tol and ln.x0 >= code.x1 - 1]
        if not level:
            continue
        first = min(level, key=lambda ln: ln.x0)
        label, prev = [first], first
        for ln in lines:
            if ln.page == code.page and id(ln) not in taken and ln.top > prev.top + tol and ln.top < stop - tol and abs(ln.x0 - first.x0) < code.size and not opens_code(ln.text):
                if stop == float("inf") and not attached(prev, ln, 0.9):
                    break
                label.append(ln)
                prev = ln
        taken.update(id(ln) for ln in label)
        merged[id(code)] = _code_with_label(code, label)
    if not merged:
        return lines
    return [merged.get(id(ln), ln) for ln in lines if id(ln) not in taken]


# a code cut by a narrow table cell: "L1A1D" at a line's end, its number on the next line
_CUT_CODE_RE = re.compile(r"(?:^|\s)L\d+(?:A\d*)?(?:D)?$")


def join_cut_codes(lines: list[Line], cut: re.Pattern[str] = _CUT_CODE_RE) -> list[Line]:
    """A code broken over two lines of one table cell ("L1A1D" / "1", "1." / "1") made
    whole again: a cell too narrow for a code breaks it where it must, with no hyphen.
    `cut`: what a line ends with when a code was cut after it."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None and prev.cell is not None and prev.cell == ln.cell and cut.search(prev.text) and not re.search(r"\d$", prev.text) and re.match(r"\d", ln.text):
            out[-1] = prev.model_copy(update={"text": prev.text + ln.text, "x1": max(prev.x1, ln.x1), "bottom": ln.bottom})
            continue
        out.append(ln)
    return out


def parse_plan(lines: list[Line], body: float) -> list[PlanItem]:
    """Every line opening with an L1 / L1A1 / L1A1D1 code, with its wrapped label lines."""
    lines = [ln for ln in pair_key_column(join_cut_codes(lines), r"L\d+(?:A\d+)?(?:D\d+)?") if unbullet(ln.text)]
    items: list[dict[str, Any]] = []
    prev: Line | None = None
    for ln in lines:
        text = unbullet(ln.text)  # "- L1A1 label", "• L1A1 label"
        m = PLAN_CODE_RE.match(text)
        if m and not re.match(r"^[,;/]|^(?:L\d+(?:A\d+)?(?:D\d+)?[\s,;]*)+$", m.group(2)):
            items.append({"code": m.group(1), "label": [m.group(2)] if m.group(2) else [], "x0": ln.x0})
            prev = ln
        elif items and prev is not None and continues(prev, ln, 0.9) and ln.x0 >= items[-1]["x0"] - 2 and not is_heading(ln, body):
            items[-1]["label"].append(text)
            prev = ln
        else:
            prev = None
    out = []
    for it in items:
        label = join_lines(it["label"])
        if not label:
            continue
        level, parent = plan_level(it["code"])
        out.append(PlanItem(code=it["code"], level=level, parent=parent, label=label))  # type: ignore[arg-type]
    return out
