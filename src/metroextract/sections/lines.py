"""Primitives every section parser shares: one line's text and look, what follows what
(in the layout's one reading order), names listed one per line or by separators,
month headings, table cells."""

from __future__ import annotations

import re
from functools import partial

from ..fields import join_lines, month_of, split_names
from ..models import (
    Line,
    Period,
)
from ..tabular import Table, header_key
from ..text import fold, join_hyphenated
from ..typography import is_heading as is_heading_by_type
from ..vocab import Vocabulary

_DOUBLED_INITIAL_RE = re.compile(r"^([A-ZÀ-Þ])\1(?=[a-zà-ÿ])")
# "Name — place", "Name — position": a dash between spaces parts a run-in card line
DASH_SPLIT_RE = re.compile(r"\s+[—–]\s+")
# Inside a section bold and capitals are names and labels: a heading is display type only.
is_heading = partial(is_heading_by_type, display_only=True)


def squash(text: str) -> str:
    return " ".join(text.split())


def style_of(ln: Line) -> tuple[float, bool, str, str]:
    return (round(ln.size, 1), ln.bold, ln.color, ln.font)


def attached(prev: Line, ln: Line, factor: float = 1.0) -> bool:
    """`ln` continues `prev` in the same column: just below it, horizontally overlapping."""
    return ln.page == prev.page and ln.top > prev.top and ln.top - prev.bottom < factor * max(ln.size, prev.size) and min(ln.x1, prev.x1) - max(ln.x0, prev.x0) > 0


def level(a: Line, b: Line) -> bool:
    """`a` and `b` sit on one row of the page (a table's cells, a label beside its key)."""
    return a.page == b.page and abs(a.top - b.top) < 0.5 * max(a.size, b.size)


def above_in_column(lines: list[Line]) -> list[Line]:
    """The lines printed above the first of `lines` in its column (lines sharing its
    left edge on its page give the column's width), with every cell of a ruled table
    one of them is in: what a reading order put after the first line though it stands
    above it (a table read as one box after the text under it)."""
    first = lines[0]
    column = [ln for ln in lines if ln.page == first.page and abs(ln.x0 - first.x0) < 2]
    x0, x1 = min(ln.x0 for ln in column), max(ln.x1 for ln in column)
    above = [ln for ln in lines if ln.page == first.page and ln.bottom <= first.top and min(ln.x1, x1) - max(ln.x0, x0) > 0]
    tables = {(ln.page, ln.cell[0]) for ln in above if ln.cell is not None}
    return [ln for ln in lines if ln in above or (ln.cell is not None and (ln.page, ln.cell[0]) in tables)]


def tables_in_place(lines: list[Line]) -> list[Line]:
    """Each ruled table moved up before the first line printed under it in its column
    when the reading order put it after that line (a table read as one box after the
    text below it); other lines keep their order."""
    groups: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        if ln.cell is not None:
            groups.setdefault((ln.page, ln.cell[0]), []).append(ln)
    out = list(lines)
    for cells in groups.values():
        ids = {id(ln) for ln in cells}
        top, x0, x1 = min(ln.top for ln in cells), min(ln.x0 for ln in cells), max(ln.x1 for ln in cells)
        start = next(k for k, ln in enumerate(out) if id(ln) in ids)
        under = next((k for k, ln in enumerate(out[:start]) if id(ln) not in ids and ln.page == cells[0].page and ln.top > top and min(ln.x1, x1) - max(ln.x0, x0) > 0), None)
        if under is not None:
            rest = [ln for ln in out if id(ln) not in ids]
            out = rest[:under] + [ln for ln in out if id(ln) in ids] + rest[under:]
    return out


def continues(prev: Line, ln: Line, factor: float = 1.0) -> bool:
    """`ln` carries on from `prev`: just below it in its column, or beside it on its row
    (a label printed right of its code)."""
    return (level(prev, ln) and ln.x0 >= prev.x1 - 1) or attached(prev, ln, factor)


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


def names_of(lines: list[Line], keys: set[str] | None = None) -> list[str]:
    """Names listed one per line or comma-separated; a line opening with "(" or a
    lower-case letter continues the name above it ("Barcelona" / "(metropolitan area)"),
    without a space when only that makes it a registered name (`keys`, folded): a narrow
    cell broke the name where it ran out of room ("Guadalajar" / "a")."""
    texts: list[str] = []
    for ln in lines:
        t = ln.text.strip()
        if texts and keys and t[:1].islower() and fold(texts[-1] + t) in keys and fold(texts[-1]) not in keys:
            texts[-1] += t
        elif texts and (t.startswith("(") or t[:1].islower()):
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


def join_wrapped(texts: list[str], lexicon: set[str] | None = None) -> str:
    """Wrapped lines of one value joined: as `fields.join_lines`, and a line ending on a
    hyphen before a lower-case word keeps it when the report prints the hyphenated word
    whole elsewhere (`co-` / `organised` → "co-organised"), else drops it ("métho-" /
    "dologies" → "méthodologies")."""
    if not lexicon:
        return join_lines(texts)

    out = ""
    for t in (squash(x) for x in texts):
        if not t:
            continue
        if out.endswith("-") and t[:1].islower():
            out = join_hyphenated(out, t, lexicon)
        else:
            out = join_lines([out, t]) if out else t
    return out


def joined_headers(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...]) -> list[Line]:
    """A table's header cell wrapped over two lines ("Función en la" / "junta") as one
    line, when only the two together name a column of `keys`: bold, in one style, the
    second right under the first on its left edge. (Or when the first names a column and
    the two together are a longer header of that column: "Nombre" / "completo".)"""
    out = list(lines)
    for a in lines:
        if not a.bold:
            continue
        own = header_key(squash(a.text), vocab, keys)
        b = next((o for o in out if o is not a and o.bold and style_of(o) == style_of(a) and abs(o.x0 - a.x0) < 1 and attached(a, o, 0.6)), None)
        if b is None or a not in out:
            continue
        text = f"{squash(a.text)} {squash(b.text)}"
        if (key := header_key(text, vocab, keys)) is not None and own in (None, key):
            k = out.index(a)
            out[k] = a.model_copy(update={"text": text, "bottom": b.bottom, "x1": max(a.x1, b.x1)})
            out.remove(b)
    return out
