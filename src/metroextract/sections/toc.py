"""Table of contents: entries ("PAGE 3 → Title", "Title 3", "3 Title") with the item
lines printed under them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..fields import join_lines
from ..models import (
    Line,
    TocEntry,
)
from .lines import attached, squash

_TOC_PREFIX_RE = re.compile(r"^(?:p(?:age|ág\.?|ágina|agina|g|p)?\.?)\s*(\d{1,3})\b\s*(?:[→⟶➔>»:.|–—-]+\s*)?(.*)$", re.I)

_TOC_ARROW_RE = re.compile(r"^(\d{1,3})\s*[→⟶➔>»|–—-]+\s*(\S.*)$")

_TOC_TRAIL_RE = re.compile(r"^(\S.*?)[\s.·…_]*\s(\d{1,3})$")

_TOC_LEAD_RE = re.compile(r"^(\d{1,3})\s+(\S.*)$")


def _toc_entry(text: str) -> tuple[int, str] | None:
    t = squash(text)
    for rx in (_TOC_PREFIX_RE, _TOC_ARROW_RE):
        m = rx.match(t)
        if m and (rx is _TOC_ARROW_RE or re.match(r"^p", t, re.I)):
            return int(m.group(1)), m.group(2).strip()
    m = _TOC_TRAIL_RE.match(t)
    if m:
        return int(m.group(2)), m.group(1).strip(" .·…_")
    m = _TOC_LEAD_RE.match(t)
    if m:
        return int(m.group(1)), m.group(2).strip()
    return None


def _join_trailing_numbers(lines: list[Line]) -> list[Line]:
    """A page number set flush right, far from its title on the same row (read as a column
    of its own, with or without its dot leaders) → "Title 3", one line."""
    numbers = [ln for ln in lines if re.fullmatch(r"(?:[.·…_]+\s*)?(?:p(?:age|ág|g)?\.?\s*)?\d{1,3}", ln.text.strip(), re.I)]
    taken: dict[int, Line] = {}
    for num in numbers:
        mid = (num.top + num.bottom) / 2
        row = [ln for ln in lines if ln is not num and ln.page == num.page and ln.x1 < num.x0 and ln.top - 1 <= mid <= ln.bottom + 1 and id(ln) not in taken]
        if row:
            title = max(row, key=lambda ln: ln.x1)
            page = re.search(r"\d{1,3}$", num.text.strip()).group()  # type: ignore[union-attr]  # "p. 3" → 3
            taken[id(title)] = title.model_copy(update={"text": f"{title.text.rstrip()} {page}", "x1": num.x1})
            taken[id(num)] = num
    out = []
    for ln in lines:
        new = taken.get(id(ln))
        if new is None:
            out.append(ln)
        elif new is not ln:
            out.append(new)
    return out


def _look(ln: Line) -> tuple[float, bool]:
    """Size and weight of a line's first run: a title in bold keeps its look whatever the
    weight of the dot leaders and page number after it."""
    return (round(ln.size, 1), ln.runs[0][1] if ln.runs else ln.bold)


def parse_toc(lines: list[Line], body: float) -> list[TocEntry]:
    """Entries ("PAGE 3 → Title", "Title 3", "3 Title", a number beside its title) with the
    item lines printed under them; an entry's style is what sets it apart from its items."""
    lines = _join_trailing_numbers(lines)
    cands = [(ln, _toc_entry(ln.text)) for ln in lines]
    styles = Counter(_look(ln) for ln, e in cands if e)
    if not styles:
        return []
    entry_style = styles.most_common(1)[0][0]
    entries: list[dict[str, Any]] = []
    last: Line | None = None
    for ln, e in cands:
        st = _look(ln)
        text = squash(ln.text)
        if e and st == entry_style:
            entries.append({"page": e[0], "title": [e[1]], "items": [], "in_title": True, "x0": ln.x0})
        elif not entries:
            continue
        elif st == entry_style and entries[-1]["in_title"] and last is not None and attached(last, ln, 1.2) and abs(ln.x0 - entries[-1]["x0"]) < 1:
            entries[-1]["title"].append(text)  # a wrapped title
        else:
            entries[-1]["in_title"] = False
            items = entries[-1]["items"]
            if items and (text[:1].islower() or items[-1].endswith("-")):
                items[-1] = join_lines([items[-1], text])
            else:
                items.append(text)
        last = ln
    return [TocEntry(page=e["page"], title=join_lines(e["title"]), items=e["items"]) for e in entries]
