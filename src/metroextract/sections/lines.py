"""Primitives every section parser shares: one line's text and look, what follows what
(in the layout's one reading order), names listed one per line or by separators,
month headings, table cells."""

from __future__ import annotations

import re

from ..fields import join_lines, month_of, split_names
from ..models import (
    Line,
    Period,
)
from ..tabular import Table
from ..vocab import Vocabulary

_DOUBLED_INITIAL_RE = re.compile(r"^([A-ZÀ-Þ])\1(?=[a-zà-ÿ])")
# "Name — place", "Name — position": a dash between spaces parts a run-in card line
DASH_SPLIT_RE = re.compile(r"\s+[—–]\s+")


def squash(text: str) -> str:
    return " ".join(text.split())


def style_of(ln: Line) -> tuple[float, bool, str, str]:
    return (round(ln.size, 1), ln.bold, ln.color, ln.font)


def is_heading(ln: Line, body: float) -> bool:
    """A heading by typography: clearly larger than body text, or letter-spaced."""
    return ln.size >= 1.25 * body or (ln.spacing > 0.6 and ln.size >= body)


def attached(prev: Line, ln: Line, factor: float = 1.0) -> bool:
    """`ln` continues `prev` in the same column: just below it, horizontally overlapping."""
    return ln.page == prev.page and ln.top > prev.top and ln.top - prev.bottom < factor * max(ln.size, prev.size) and min(ln.x1, prev.x1) - max(ln.x0, prev.x0) > 0


def continues(prev: Line, ln: Line, factor: float = 1.0) -> bool:
    """`ln` carries on from `prev`: just below it in its column, or beside it on its row
    (a label printed right of its code)."""
    level = ln.page == prev.page and abs(ln.top - prev.top) < 0.5 * max(ln.size, prev.size) and ln.x0 >= prev.x1 - 1
    return level or attached(prev, ln, factor)


def cell_text(lines: list[Line] | None) -> str:
    return join_lines([squash(ln.text) for ln in lines or []])


def without_tables(lines: list[Line], tables: list[Table]) -> list[Line]:
    used = {id(ln) for t in tables for ln in t.lines}
    return [ln for ln in lines if id(ln) not in used]


def month_heading(ln: Line, vocab: Vocabulary, period: Period) -> str | None:
    text = squash(ln.text)
    m = re.match(r"^(.*?)\s*\b((?:19|20)\d\d)\b\s*$", text)
    if m and m.group(1):
        month = month_of(m.group(1), vocab, period.start, period.end)
        return f"{m.group(2)}-{month[5:]}" if month else None
    return month_of(text, vocab, period.start, period.end)


def clean_name(name: str) -> str:
    """A decorative drop cap printed before a name reads as a doubled initial ("AAbidjan")."""
    return _DOUBLED_INITIAL_RE.sub(r"\1", squash(name))


def names_of(lines: list[Line]) -> list[str]:
    """Names listed one per line or comma-separated; a line opening with "(" or a
    lower-case letter continues the name above it ("Barcelona" / "(metropolitan area)")."""
    texts: list[str] = []
    for ln in lines:
        t = ln.text.strip()
        if texts and (t.startswith("(") or t[:1].islower()):
            texts[-1] = f"{texts[-1]} {t}"
        else:
            texts.append(t)
    return [c for c in (clean_name(n) for n in split_names(texts)) if c]


def bold_lead(ln: Line) -> tuple[str, str] | None:
    """A run-in line whose first run is bold ("Outlet Title"), when the layout gives runs."""
    runs = getattr(ln, "runs", None)
    if not runs:
        return None
    head, tail, seen_plain = [], [], False
    for run in runs:
        text, bold = (run[0], run[1]) if isinstance(run, (tuple, list)) else (run.text, run.bold)
        if bold and not seen_plain:
            head.append(text)
        else:
            seen_plain = True
            tail.append(text)
    # the separator printed between them ("Outlet · Title", "Outlet — Title") is neither
    h, t = squash(" ".join(head)).rstrip(" ·•|—–-:"), squash(" ".join(tail)).lstrip(" ·•|—–-:")
    return (h, t) if h and t else None
