"""Layout stage: a PDF file → body lines in reading order, with typography and geometry.

The only module that imports pdfplumber. Structure is found from geometry, never from
fixed coordinates: columns and sidebars by recursive XY-cut over the page's words (with
bands of compatible columns regrouped, so two flowing columns are read column by column),
running headers/footers and page numbers by repetition in the page margins, drop caps by
a lone oversized letter before a line, letter-spaced headings by runs of single letters.
"""

from __future__ import annotations

import re
import statistics
import threading
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber

from .errors import CorruptPdf, EncryptedPdf, LimitExceeded, NotAPdf, WarningCode
from .models import BBox, DocumentLayout, Line, PageLayout, Warning_
from .repair import repair_text
from .text import cased_letters, strip_marks

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_ITALIC_RE = re.compile(r"italic|oblique|kursiv", re.I)
# Type foundries abbreviate the style after the family: "HelveticaNeueLTStd-Bd",
# "MinionPro-BoldIt", "FrutigerLTStd-BlackCn", "Myriad-SemiboldIt", "Futura-HvObl".
_STYLE_SUFFIX_RE = re.compile(r"[-,_]([A-Za-z]+)$")
_BOLD_ABBR_RE = re.compile(r"^(?:x|s|sm|semi|demi|extra|ultra)?(?:bd|hv|hvy|blk)(?:it|obl|cn|cond|ex)*$", re.I)
_ITALIC_ABBR_RE = re.compile(r"(?:It|Obl|Ital)$|^(?:it|obl|ital)$")  # capital I: not "-Limit"
_CID_RE = re.compile(r"\(cid:\d+\)")

# Share of the page height treated as margin where running headers/footers live.
MARGIN_SHARE = 0.11
# A text repeated at the same height in the margin of this share of pages is furniture.
FURNITURE_MIN_SHARE = 0.3
# Two sides of a gap that share no baseline are two columns however narrow it is: a word
# processor's table cells padded by a point or two (a margin column of fields beside the
# description) stand closer than a word space, yet one line keeps its baseline across one.
MIN_OFF_BASELINE_GUTTER = 1.0


@dataclass(slots=True)
class Word:
    """A compact word: pdfplumber's dicts are heavy, pages are many."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    color: str
    cell: tuple[int, int, int] | None = None  # (table, row, column) inside a ruled table
    pill: int | None = None  # the filled box (a tag, a pill) the word is printed on
    pill_span: tuple[float, float] | None = None  # that box's left and right edges
    opens_cell: bool = False  # the first word of a filled header cell (not the row's first)
    card: bool = False  # its cell is a card in a grid of boxes, read on its own


def fix_text(text: str) -> str:
    """Undo producers' Unicode mistakes (see `repair.py`): ligatures, soft hyphens, bullets.

    >>> fix_text("ﬁnancement ﬂuide")
    'financement fluide'
    """
    return repair_text(text)


def _color_hex(color: object) -> str:
    """pdfplumber colours are gray, RGB or CMYK tuples; make them comparable."""
    if color is None:
        return "#000000"
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(c) for c in color]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return "#000000"
    if len(vals) == 1:
        r = g = b = vals[0]
    elif len(vals) == 3:
        r, g, b = vals
    elif len(vals) == 4:
        c, m, y, k = vals
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return "#000000"
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v * 255))) for v in (r, g, b)))


def is_bold(font: str) -> bool:
    """Bold by its PostScript name, spelled out or abbreviated.

    >>> [is_bold(f) for f in ("ABCDEF+Montserrat-SemiBold", "HelveticaNeueLTStd-Bd", "Futura-HvObl", "Arial-BoldMT", "Gotham-Book", "Avenir-Medium")]
    [True, True, True, True, False, False]
    """
    if _BOLD_RE.search(font):
        return True
    m = _STYLE_SUFFIX_RE.search(font)
    return bool(m and _BOLD_ABBR_RE.match(m.group(1)))


def is_italic(font: str) -> bool:
    """Italic by its PostScript name, spelled out or abbreviated.

    >>> [is_italic(f) for f in ("LiberationSans-Italic", "MinionPro-It", "HelveticaNeueLTStd-BdIt", "Futura-HvObl", "Gotham-Book", "Arial-BoldMT")]
    [True, True, True, True, False, False]
    """
    if _ITALIC_RE.search(font):
        return True
    m = _STYLE_SUFFIX_RE.search(font)
    return bool(m and _ITALIC_ABBR_RE.search(m.group(1)))


# --------------------------------------------------------------------------- PDF reading


def open_pdf(path: Path) -> pdfplumber.PDF:
    """Open a PDF, turning pdfminer's many failure types into our error classes."""
    head = b""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise CorruptPdf(f"cannot read file: {exc}") from exc
    if not head:
        raise NotAPdf("empty file (0 bytes)", code="empty_file")
    if b"%PDF-" not in head:
        raise NotAPdf("no %PDF- header: not a PDF file")
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # page tree errors surface here
    except Exception as exc:  # pdfminer raises anything from ValueError to RecursionError
        raise _classify_open_error(exc) from exc
    return pdf


def _classify_open_error(exc: BaseException) -> Exception:
    chain = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 6:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    names = " ".join(type(e).__name__ for e in chain)
    msg = "; ".join(" ".join(str(e).split())[:160] for e in chain if str(e).strip())
    # The user is told what is wrong and what to do; a library's own wording (it changes
    # between releases) is at most a detail after that, never the message itself.
    if "Password" in names or "Encryption" in names or "encrypt" in msg.lower():
        return EncryptedPdf("encrypted PDF that cannot be opened without a password: remove the protection (e.g. `qpdf --decrypt`) and drop the file in again")
    detail = f": {msg}" if msg else ""
    return CorruptPdf(f"PDF cannot be parsed: its structure is damaged{detail}")


def page_to_words(page: pdfplumber.page.Page) -> list[Word]:
    """Words with their font, size and colour (a word splits where any of them changes)."""
    raw = page.extract_words(
        x_tolerance=1.5,
        y_tolerance=2,
        keep_blank_chars=False,
        extra_attrs=["fontname", "size", "non_stroking_color"],
    )
    words = []
    for w in raw:
        text = fix_text(w["text"])
        if not text.strip():
            continue
        words.append(
            Word(
                text=text,
                x0=float(w["x0"]),
                x1=float(w["x1"]),
                top=float(w["top"]),
                bottom=float(w["bottom"]),
                size=round(float(w["size"]), 1),
                font=str(w["fontname"]),
                color=_color_hex(w["non_stroking_color"]),
            )
        )
    return words


def page_image_boxes(page: pdfplumber.page.Page) -> list[tuple[float, float, float, float]]:
    """Raster images on the page: text over them is image text, not body text."""
    boxes = []
    for im in page.images:
        x0, top, x1, bottom = float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])
        area = (x1 - x0) * (bottom - top)
        # Icons and bullets are no pictures; a full-page image is a scan or a page
        # background, and the text over it is the page's own text.
        if 400 < area < 0.6 * float(page.width) * float(page.height):
            boxes.append((round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)))
    return boxes + _drawn_pictures(page)


def ruled_tables(page: pdfplumber.page.Page, words: list[Word]) -> list[list[list[tuple[float, float, float, float] | None]]]:
    """Ruled tables (cells drawn with lines or thin rectangles): rows of cell boxes.

    pdfplumber's table finder with its `lines` strategy only: a table without rules is
    found later from its header row, by the sections that print tables. A single ruled
    row is a table only when it carries a table over from the page before
    (`_carried_over_row`); elsewhere it is a header or a shaded row of a table drawn
    without rules, read with the rest of that table.
    """
    if not (page.lines or page.rects):
        return []
    out = []
    pills = set(_pill_boxes(page, words))
    if pills:  # their sides are no rules: names on pills wrapping over lines are no table
        page = page.filter(lambda o: o.get("object_type") not in ("rect", "curve") or _box_of(o) not in pills)
    for table in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        rows = [list(r.cells) for r in table.rows]
        if max(len(r) for r in rows) >= 2 and (len(rows) >= 2 or _carried_over_row(page, rows[0], table.bbox, words)):
            out.append(rows)
    return out


def _box_of(o: dict) -> BBox:
    return (float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]))


def _pill_boxes(page: pdfplumber.page.Page, words: list[Word]) -> list[BBox]:
    """Filled boxes of about one line's height that hug the words printed on them (a
    pill, a tag, a highlighted name: no wider than those words and a line's height of
    padding on either side), unlike a table's shaded cells and rows."""
    out = []
    for b in _filled_boxes([*page.rects, *page.curves], 24, 4):
        on = [w for w in words if b[0] <= (w.x0 + w.x1) / 2 <= b[2] and b[1] <= (w.top + w.bottom) / 2 <= b[3]]
        height = b[3] - b[1]
        if on and height <= 2.2 * max(w.size for w in on) and b[0] >= min(w.x0 for w in on) - height and b[2] <= max(w.x1 for w in on) + height:
            out.append(b)
    return out


def _carried_over_row(page: pdfplumber.page.Page, cells: list, bbox: BBox, words: list[Word]) -> bool:
    """A ruled row that opens its page (every other word below it, none beside it: not
    the head of a second page column), its cells parted by drawn rules (not the shaded
    row of a striped table), holding body text, not a header's bold labels: the last row
    of a table whose header is on the page before."""
    x0, top, x1, bottom = bbox
    inside, others = [], []
    for w in words:
        (inside if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom else others).append(w)
    if not inside or any(w.top < bottom for w in others) or any(is_bold(w.font) for w in inside):
        return False
    rules = _vertical_rules(page)
    seams = [float(c[0]) for c in cells[1:] if c is not None]
    return bool(seams) and all(any(abs(x - seam) <= 1.5 and min(b, bottom) - max(t, top) >= 0.5 * (bottom - top) for x, t, b in rules) for seam in seams)


def _vertical_rules(page: pdfplumber.page.Page) -> list[tuple[float, float, float]]:
    """Vertical strokes drawn on the page as (x, top, bottom): lines, hairline rectangles
    and the sides of outlined ones (the fills of shaded cells are none)."""
    out = [(float(ln["x0"]), float(ln["top"]), float(ln["bottom"])) for ln in page.lines if abs(float(ln["x1"]) - float(ln["x0"])) < 1]
    for r in page.rects:
        x0, x1, top, bottom = float(r["x0"]), float(r["x1"]), float(r["top"]), float(r["bottom"])
        if x1 - x0 <= 2:
            out.append(((x0 + x1) / 2, top, bottom))
        elif r.get("stroke"):
            out += [(x0, top, bottom), (x1, top, bottom)]
    return out


def card_grids(box_rows: list[list[BBox]], words: list[Word]) -> list[list[list[BBox | None]]]:
    """Cards set side by side in boxes (filled or outlined, apart from one another, a few
    lines each): rows of card boxes, in the shape of `ruled_tables`, so each card is read
    whole, card after card, like a table's cells. Cards set closer than a column gap
    would otherwise share their lines ("David Makhura Robert Beugré Mambe"). `box_rows`:
    the page's text boxes in rows (`_box_rows(_text_boxes(page))`)."""
    grids: list[list[list[BBox]]] = []
    for row in box_rows:
        grid = next((g for g in grids if _continues_grid(g, row, words)), None)
        if grid is not None:
            grid.append(row)
        elif len(row) >= 2 and _equal_widths(row) and all(2 <= b[0] - a[2] <= 40 for a, b in zip(row, row[1:])):
            grids.append([row])
    out = []
    for grid in grids:
        if _cards_of_lines(grid, words):
            columns = sorted({round(b[0]) for row in grid for b in row})
            out.append([[next((b for b in row if abs(b[0] - x) <= 2), None) for x in columns] for row in grid])
    return out


def _drawn_boxes(page: pdfplumber.page.Page) -> list[BBox]:
    """Rectangles drawn filled or outlined, once each (a producer fills and outlines a
    box in two strokes)."""
    return sorted(set(_boxes_of(page.rects, outlined=True)))


def _boxes_of(objects: list[dict], outlined: bool = False) -> list[BBox]:
    """The filled shapes (and with `outlined` the outlined ones) as (x0, top, x1, bottom)."""
    return [_box_of(o) for o in objects if o.get("fill") or (outlined and o.get("stroke"))]


def _box_rows(boxes: list[BBox]) -> list[list[BBox]]:
    """Boxes whose tops stand level, left to right, rows top to bottom; a row is cut
    where its boxes stand further apart than twice their closest gap (two grids side by
    side, one in each page column)."""
    level: list[list[BBox]] = []
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        if level and abs(level[-1][0][1] - b[1]) <= 1.5:
            level[-1].append(b)
        else:
            level.append([b])
    rows = []
    for row in (sorted(r) for r in level):
        closest = min((b[0] - a[2] for a, b in zip(row, row[1:])), default=0.0)
        rows.append([row[0]])
        for a, b in zip(row, row[1:]):
            if b[0] - a[2] > 2 * max(closest, 2.0):
                rows.append([])
            rows[-1].append(b)
    return rows


def boxed_rows(box_rows: list[list[BBox]], words: list[Word]) -> list[list[list[BBox | None]]]:
    """Boxes of different widths side by side, level at top and foot, a few lines in each
    (an activity's text box beside its narrower box of fields): one-row tables, in the
    shape of `ruled_tables`. A row of boxes is read box after box before what is under it;
    cut as text, the narrow boxes of several such rows made one column read after all
    the wide ones."""
    out = []
    for row in box_rows:
        level = len(row) >= 2 and all(abs(b[3] - row[0][3]) <= 1.5 for b in row) and all(2 <= b[0] - a[2] <= 40 for a, b in zip(row, row[1:]))
        if level and not _equal_widths(row) and _cards_of_lines([row], words):
            out.append([list(row)])
    return out


def _text_boxes(page: pdfplumber.page.Page) -> list[BBox]:
    """Drawn boxes that can hold a few lines of text (not a rule, not a page background),
    the outermost of boxes drawn one inside another."""
    width, height = float(page.width), float(page.height)
    boxes = [b for b in _drawn_boxes(page) if 40 <= b[2] - b[0] <= 0.6 * width and 20 <= b[3] - b[1] <= 0.5 * height]
    return [b for b in boxes if not any(o != b and b[0] - 1 <= o[0] and o[2] <= b[2] + 1 and b[1] - 1 <= o[1] and o[3] <= b[3] + 1 for o in boxes)]


def _equal_widths(row: list[BBox]) -> bool:
    """The boxes of a row of cards share one width (a grid's columns are equal): a text box
    beside a narrower sidebar box is an activity's two columns, not two cards."""
    widths = [b[2] - b[0] for b in row]
    return max(widths) - min(widths) <= max(2.0, 0.05 * max(widths))


def _continues_grid(grid: list[list[BBox]], row: list[BBox], words: list[Word]) -> bool:
    """The next row of boxes goes on the grid: right under it, nothing printed between
    (a heading there opens another list of cards), each box the width of the grid's and
    standing at one of its columns."""
    first, last = grid[0], grid[-1]
    gap = (max(b[3] for b in last), row[0][1])
    below = 0 <= gap[1] - gap[0] <= 40 and not any(gap[0] < (w.top + w.bottom) / 2 < gap[1] and first[0][0] <= w.x1 and w.x0 <= first[-1][2] for w in words)
    width = first[0][2] - first[0][0]
    return below and all(abs(b[2] - b[0] - width) <= 2 and any(abs(b[0] - a[0]) <= 2 for r in grid for a in r) for b in row)


def _cards_of_lines(grid: list[list[BBox]], words: list[Word]) -> bool:
    """Most of the boxes holding text hold two lines or more: cards, not a table's filled
    one-line cells."""
    baselines = [{round(w.bottom) for w in words if b[0] <= (w.x0 + w.x1) / 2 <= b[2] and b[1] <= (w.top + w.bottom) / 2 <= b[3]} for row in grid for b in row]
    filled = [n for n in map(len, baselines) if n]
    return len(filled) >= 2 and sum(n >= 2 for n in filled) * 2 >= len(filled)


def assign_cells(words: list[Word], tables: list[list[list[tuple[float, float, float, float] | None]]]) -> None:
    """Mark each word lying in a ruled table's cell with (table, row, column)."""
    for t, rows in enumerate(tables):
        for r, cells in enumerate(rows):
            for c, box in enumerate(cells):
                if box is None:
                    continue
                x0, top, x1, bottom = box
                for w in words:
                    if w.cell is None and x0 - 0.5 <= (w.x0 + w.x1) / 2 <= x1 + 0.5 and top - 0.5 <= (w.top + w.bottom) / 2 <= bottom + 0.5:
                        w.cell = (t, r, c)


def assign_cards(words: list[Word], grids: list[list[list[BBox | None]]], first: int) -> None:
    """Mark each word in a card of a grid of boxes with (grid, row, column), the grids
    numbered on from the page's ruled tables (`first`), and as a card's."""
    loose = [w for w in words if w.cell is None]
    assign_cells(loose, grids)
    for w in loose:
        if w.cell is not None:
            w.cell, w.card = (first + w.cell[0], w.cell[1], w.cell[2]), True


def _filled_boxes(objects: list[dict], tallest: float, shortest: float) -> list[BBox]:
    """The filled shapes between `shortest` and `tallest` points high, as (x0, top, x1, bottom)."""
    return [b for b in _boxes_of(objects) if shortest <= b[3] - b[1] <= tallest]


def _touching_runs(boxes: list[BBox]) -> list[list[int]]:
    """Boxes side by side on one line that touch, as runs of indices left to right: a word
    processor fills a name run by run, and a table's header row cell by cell."""
    runs: list[list[int]] = []
    for n in sorted(range(len(boxes)), key=lambda n: (round(boxes[n][1]), boxes[n][0])):
        last = boxes[runs[-1][-1]] if runs else None
        box = boxes[n]
        if last is not None and abs(last[1] - box[1]) < 1 and abs(last[3] - box[3]) < 1 and -1 <= box[0] - last[2] <= 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def assign_pills(words: list[Word], page: pdfplumber.page.Page) -> None:
    """Mark words printed on a small filled box of about one line's height (a pill, a tag):
    names set as pills side by side are a list whose separator is the box; touching boxes
    are one pill."""
    boxes = [b for b in _filled_boxes([*page.rects, *page.curves], 24, 4) if 6 <= b[2] - b[0] <= 400]
    if not boxes:
        return
    runs = _touching_runs(boxes)
    pill_of = {n: run[0] for run in runs for n in run}
    span_of = {run[0]: (min(boxes[n][0] for n in run), max(boxes[n][2] for n in run)) for run in runs}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for n, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= cx <= x1 and top <= cy <= bottom and bottom - top <= 2.2 * w.size:
                w.pill, w.pill_span = pill_of[n], span_of[pill_of[n]]
                break


def mark_header_cells(words: list[Word], page: pdfplumber.page.Page) -> None:
    """A table's filled header row: three filled boxes or more side by side, touching, on
    one line's height, each holding whole words. Each box's first word (the row's first
    box aside) opens a column: the columns of a word processor's table set too tight to
    tell from the gaps, whatever rules it has below."""
    boxes = _filled_boxes(page.rects, 40, 8)
    for run in (r for r in _touching_runs(boxes) if len(r) >= 3):
        row = [boxes[n] for n in run]
        inside = [[w for w in words if x0 - 0.5 <= w.x0 and w.x1 <= x1 + 0.5 and top <= (w.top + w.bottom) / 2 <= bottom] for x0, top, x1, bottom in row]
        if all(inside):
            for cell in inside[1:]:
                min(cell, key=lambda w: w.x0).opens_cell = True


def _drawn_pictures(page: pdfplumber.page.Page) -> list[tuple[float, float, float, float]]:
    """Filled vector shapes drawn as pictures (placeholders, charts, maps): no text on them.

    A tinted panel or a date tag holds text and is no picture; a shape almost free of
    letters (under 5 % of its area) is one, so the reading order goes around it.
    """
    limit = 0.6 * float(page.width) * float(page.height)
    chars = [(0.5 * (c["x0"] + c["x1"]), 0.5 * (c["top"] + c["bottom"]), (c["x1"] - c["x0"]) * (c["bottom"] - c["top"])) for c in page.chars]
    out = []
    for r in page.rects:
        if not r.get("fill"):
            continue
        x0, top, x1, bottom = float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])
        area = (x1 - x0) * (bottom - top)
        if x1 - x0 < 40 or bottom - top < 40 or area > limit:
            continue
        inked = sum(a for cx, cy, a in chars if x0 <= cx <= x1 and top <= cy <= bottom)
        if inked < 0.05 * area:
            out.append((round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)))
    return out


# --------------------------------------------------------------------------- geometry


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Empty stretches of at least min_gap between the union of intervals."""
    if not intervals:
        return []
    intervals = sorted(intervals)
    gaps = []
    cur_end = intervals[0][1]
    for a, b in intervals[1:]:
        if a - cur_end >= min_gap:
            gaps.append((cur_end, a))
        cur_end = max(cur_end, b)
    return gaps


def _split(words: list[Word], gaps: list[tuple[float, float]], axis: str) -> list[list[Word]]:
    cuts = [(a + b) / 2 for a, b in gaps]
    parts: list[list[Word]] = [[] for _ in range(len(cuts) + 1)]
    for w in words:
        mid = (w.x0 + w.x1) / 2 if axis == "x" else (w.top + w.bottom) / 2
        i = sum(1 for c in cuts if mid > c)
        parts[i].append(w)
    return [p for p in parts if p]


def _vgaps(words: list[Word], col_gap: float, edges: tuple[float, ...] = ()) -> list[tuple[float, float]]:
    """Vertical gutters: wider than col_gap and than the text beside them allows.

    Letter-spaced headings ("T A B L E   D E S") have word gaps wider than a body
    gutter; scaling by the neighbouring font size keeps them in one piece. `edges`: the
    column edges of the block the words are part of (`_column_edges`).
    """
    spans = [(w.x0, w.x1) for w in words]
    gaps = _gaps(spans, col_gap)
    # A gutter narrower than the type beside it allows is still one where three rows or
    # more start exactly at its right edge (tiles set close, columns set tight), in these
    # words or in the block around them (one row of a grid set tight); or one whose two
    # sides share no baseline (two columns whose lines fall level by chance).
    narrow = [g for g in _gaps(spans, 0.6 * col_gap) if _aligned_edge(words, g[1])]
    narrow += [g for g in _gaps(spans, 0.3 * col_gap) if g not in narrow and _at_column_edge(words, g, edges)]
    narrow += [g for g in _gaps(spans, min(0.25 * col_gap, MIN_OFF_BASELINE_GUTTER)) if g not in narrow and _sides_off_baseline(words, g, 0.2 if g[1] - g[0] >= 0.6 * col_gap else 0.35)]
    if narrow:
        gaps = sorted(set(gaps + narrow))
    if not gaps:
        return gaps
    out = []
    for a, b in gaps:
        if (a, b) in narrow:
            out.append((a, b))
            continue
        # median, not max: a drop cap at a column's edge must not hide the gutter
        near = sorted(w.size for w in words if abs(w.x1 - a) < 0.5 or abs(w.x0 - b) < 0.5)
        if b - a >= max(col_gap, 1.2 * (near[len(near) // 2] if near else 0.0)) + 2 * _letter_spacing_at(words, a, b) and not _between_pills(words, (a, b), col_gap):
            out.append((a, b))
    return out


def _between_pills(words: list[Word], gap: tuple[float, float], col_gap: float) -> bool:
    """A list of pills runs across the gap: on one baseline, a pill ends left of it and
    another starts right of it, their boxes closer than a gutter (the words on them stand
    further apart than the boxes, by their padding). Pills hug their names: the feet of
    cards carried over to a page's head are boxes of one line's height too, but wide."""
    left = [w for w in words if w.pill_span is not None and w.x1 <= gap[0] + 0.5 and w.pill_span[1] - w.x1 <= w.size]
    right = [w for w in words if w.pill_span is not None and w.x0 >= gap[1] - 0.5 and w.x0 - w.pill_span[0] <= w.size]
    return any(
        lw.pill != rw.pill and abs(lw.bottom - rw.bottom) < 0.2 * lw.size and 0 <= rw.pill_span[0] - lw.pill_span[1] < 0.6 * col_gap  # type: ignore[index]
        for lw in left
        for rw in right
    )


def _sides_off_baseline(words: list[Word], gap: tuple[float, float], least: float = 0.2) -> bool:
    """The words left and right of a gap, of about one size, share no baseline: two
    columns whose lines fall level by chance (a margin column of fields beside the
    description, cells of a word processor's table), not a word space: one line keeps its
    baseline. (Sizes further apart, a figure beside its label, may be centred on each
    other: no evidence either way.) `least`: the smallest offset, in ems, that counts
    (more across a gap no wider than a word space: a label's dash set close to the title)."""
    left = [w for w in words if w.x1 <= gap[0] + 0.5]
    right = [w for w in words if w.x0 >= gap[1] - 0.5]
    if not left or not right:
        return False
    sizes = [w.size for w in left + right]
    if max(sizes) > 1.25 * min(sizes):
        return False
    tolerance = least * min(sizes)
    return not any(abs(a.bottom - b.bottom) <= tolerance for a in left for b in right)


def _at_column_edge(words: list[Word], gap: tuple[float, float], edges: tuple[float, ...]) -> bool:
    """A gap ending at a column edge of the block, wider than a word space of the type
    beside it, letter spacing counted (a display heading across the grid keeps its
    words), and not after list marks or leader dots."""
    if not any(abs(gap[1] - e) < 0.5 for e in edges) or _marks_left_of(words, gap):
        return False
    beside = [w.size for w in words if abs(w.x1 - gap[0]) < 0.5 or abs(w.x0 - gap[1]) < 0.5]
    # cells set tighter than 0.6 em (a word processor's table, its padding thin) still
    # stand well apart of the rows' own word spaces; letters spaced out one by one (a
    # display heading) and a heading set larger than the block's text keep the em rule
    size = max(beside, default=0.0)
    spelt = all(len(w.text) >= 3 for w in words if abs(w.x1 - gap[0]) < 0.5 or abs(w.x0 - gap[1]) < 0.5)
    least = min(0.6 * size, 1.4 * _word_space(words, gap)) if spelt and size <= 1.15 * _median_word_size(words) else 0.6 * size
    return gap[1] - gap[0] >= max(least, 0.35 * size) + 2 * _letter_spacing_at(words, *gap)


def _word_space(words: list[Word], gap: tuple[float, float]) -> float:
    """The word space of the rows the gap parts (the median of their other spaces under
    0.6 em: a justified line's stretched spaces are its own), else of the block, else a
    quarter em (a font's usual word space)."""
    own, spaces = [], []
    for row in _group_rows(words):
        found = [b.x0 - a.x1 for a, b in zip(row, row[1:]) if 0 < b.x0 - a.x1 < 0.6 * b.size and abs(a.x1 - gap[0]) >= 0.5]
        spaces += found
        if any(abs(w.x1 - gap[0]) < 0.5 or abs(w.x0 - gap[1]) < 0.5 for w in row):
            own += found
    if own or spaces:
        return statistics.median(own or spaces)
    return 0.25 * max((w.size for w in words), default=0.0)


def _marks_left_of(words: list[Word], gap: tuple[float, float]) -> bool:
    """Only list marks or leader dots end at the gap's left side: bullets and their items,
    contents entries and their page numbers, not columns."""
    left = [w for w in words if abs(w.x1 - gap[0]) < 0.5]
    return bool(left) and all(w.text in LIST_MARKS or not w.text.strip(".·…_ ") for w in left)


def _column_edges(words: list[Word]) -> tuple[float, ...]:
    """Where three rows or more start a word at one x, away from the block's left edge,
    and no more rows run across that x than start there: the left edges of the columns
    of a grid, however tight its gutters (words of justified lines that happen to line
    up have far more lines running across them)."""
    left = min((w.x0 for w in words), default=0.0)
    rows = _rows_starting_at(w for w in words if w.x0 > left + 0.5)
    spans: dict[int, tuple[float, float]] = {}  # each printed row: where it starts and ends
    for w in words:
        lo, hi = spans.get(round(w.top), (w.x0, w.x1))
        spans[round(w.top)] = (min(lo, w.x0), max(hi, w.x1))
    # a filled header row's cells open columns, however few rows the table has
    edges = sorted({round(w.x0, 2) for w in words if w.opens_cell and w.x0 > left + 0.5})
    for x, tops in rows.items():
        if len(tops) < 3 or any(abs(x - e) < 0.5 for e in edges):
            continue
        # rows of another edge within an em of x are the same column set a little off
        # (another activity's sidebar indented 3 pt more), not rows running across it
        size = max((w.size for w in words if abs(w.x0 - x) < 0.5), default=0.0)
        near = {t for other, ts in rows.items() if other != x and abs(other - x) < size and len(ts) >= 3 for t in ts}
        # only rows within the column's own height count (text above or below a table
        # runs across its columns without making them any less columns), and few of them:
        # words of a justified paragraph that line up by chance have lines across between
        across = [top for top, (lo, hi) in spans.items() if lo < x - 0.5 and hi > x + 0.5 and top not in tops | near and min(tops) <= top <= max(tops)]
        if len(across) <= len(tops) // 3 and not _word_spaced_at(words, x, tops) and (_short_cells_at(words, x, tops) or _text_column_left_of(words, x, tops)):
            edges.append(x)
    return tuple(edges)


def _rows_starting_at(words: Iterable[Word]) -> dict[float, set[int]]:
    """The printed rows (rounded tops) that start a word at each x: words within half a
    point of an x met before count there. (Buckets by whole points keep this linear:
    a page of prose has thousands of distinct word starts.)"""
    rows: dict[float, set[int]] = {}
    buckets: dict[int, list[float]] = {}
    for w in words:
        near = [x for b in (int(w.x0) - 1, int(w.x0), int(w.x0) + 1) for x in buckets.get(b, ()) if abs(x - w.x0) < 0.5]
        key = min(near, key=list(rows).index) if len(near) > 1 else (near[0] if near else w.x0)
        if key not in rows:
            rows[key] = set()
            buckets.setdefault(int(key), []).append(key)
        rows[key].add(round(w.top))
    return rows


def _word_spaced_at(words: list[Word], x: float, tops: set[int]) -> bool:
    """Every row starting a word at x has a word a plain word space before it (under half
    an em): words that line up by chance ("Secretaría regional" over "Secretaría
    general"), not cells, however many rows they take."""
    for top in tops:
        at = [w for w in words if round(w.top) == top and abs(w.x0 - x) < 0.5]
        before = [w.x1 for w in words if round(w.top) == top and w.x1 <= x + 0.5 and w.x0 < x - 0.5]
        if not at or not before or x - max(before) >= 0.5 * at[0].size:
            return False
    return True


def _short_cells_at(words: list[Word], x: float, tops: set[int]) -> bool:
    """The runs of words starting at x (up to the next gap wider than a word space) are
    names or figures, at most a dozen ems: cells of a grid, not lines of a text column."""
    runs = []
    for top in tops:
        row = sorted((w for w in words if round(w.top) == top and w.x0 >= x - 0.5), key=lambda w: w.x0)
        end = row[0].x1 if row else x
        for prev, w in zip(row, row[1:]):
            if w.x0 - prev.x1 > 0.5 * w.size:
                break
            end = w.x1
        runs.append((end - x) / max(row[0].size if row else 1.0, 1.0))
    return statistics.median(runs) <= 12 if runs else False


def _text_column_left_of(words: list[Word], x: float, tops: set[int]) -> bool:
    """Most rows starting at x have running text left of them, 15 ems or more of it up to
    a gap wider than an em before x (a sidebar set close beside a description column):
    two text columns side by side, not labels with their values at a tab stop."""
    runs = [run for top in tops if (run := _run_left_of(words, x, top)) is not None]
    return len(runs) * 2 >= len(tops) and statistics.median(runs) >= 15 if runs else False


def _run_left_of(words: list[Word], x: float, top: int) -> float | None:
    """In ems, the length of the run of words ending left of x on the line level with the row at `top`
    that starts at x (the line overlapping it most: the two columns' leadings differ)."""
    at = [w for w in words if round(w.top) == top and abs(w.x0 - x) < 0.5]
    lo, hi = min(w.top for w in at), max(w.bottom for w in at)
    lines = _group_rows([w for w in words if w.x1 <= x - 0.5 and w.top < hi and w.bottom > lo])
    if not lines:
        return None
    line = max(lines, key=lambda ws: min(hi, ws[0].bottom) - max(lo, ws[0].top))
    row = sorted(line, key=lambda w: w.x1, reverse=True)
    start = row[0].x0
    for nxt, w in zip(row, row[1:]):
        if nxt.x0 - w.x1 > w.size:
            break
        start = w.x0
    return (row[0].x1 - start) / max(row[0].size, 1.0)


def _aligned_edge(words: list[Word], x: float) -> bool:
    """Three rows or more starting exactly at x: the left edge of a column (tiles of a
    grid set close together), not word spaces of running text lining up by chance; or a
    figure and its label in two sizes starting there (a key-figure tile)."""
    starts = [w for w in words if abs(w.x0 - x) < 0.5]
    rows = {round(w.top) for w in starts}
    # two rows suffice where the column's lines are set in two sizes (a figure and its label)
    return len(rows) >= 3 or (len(rows) == 2 and len({round(w.size) for w in starts}) == 2)


def _letter_spacing_at(words: list[Word], a: float, b: float) -> float:
    """The letter spacing of a letter-spaced row that a gap (a, b) runs through, else 0.

    Spaced capitals ("M E M B R E S   A C T I V É S") come as one-letter words; the
    space between two of their words is widened by the spacing on both sides of it.
    """
    left = [w for w in words if abs(w.x1 - a) < 0.5 and len(w.text) == 1]
    right = [w for w in words if abs(w.x0 - b) < 0.5 and len(w.text) == 1]
    for lw in left:
        for rw in right:
            if abs(lw.bottom - rw.bottom) > 0.35 * lw.size:
                continue
            before = [w.x1 for w in words if len(w.text) == 1 and w.x1 <= lw.x0 + 0.5 and abs(w.bottom - lw.bottom) <= 0.35 * lw.size]
            if before and 0.5 < lw.x0 - max(before) < lw.size:
                return lw.x0 - max(before)
    return 0.0


def _band_gap(upper: list[Word], lower: list[Word]) -> float:
    return min(w.top for w in lower) - max(w.bottom for w in upper)


def _display_band(band: list[Word], region: list[Word]) -> bool:
    """A band of bold words set well above the region's type: a heading."""
    size = _median_word_size(region)
    return all(is_bold(w.font) and w.size >= 1.25 * size for w in band)


def _leads_next_block(bands: list[list[Word]], j: int, gut: list[tuple[float, float]], col_gap: float, region: list[Word]) -> bool:
    """One-column bands that sit closer to a following cross-column band than to the
    region above them, or are set in bold, open the next block (a date tag above a wide
    title, a sub-heading above a list)."""
    k = j
    while k < len(bands) and not _closes_gutter(region, bands[k], gut, col_gap) and not _compatible(gut, _vgaps(bands[k], col_gap)) and not _set_both_sides(bands[k], gut):
        k += 1
    if k == j or k >= len(bands) or not _closes_gutter(region, bands[k], gut, col_gap) or j == 0:
        return False
    lead = [w for m in range(j, k) for w in bands[m]]
    size = _median_word_size(region)
    lx0, lx1 = min(w.x0 for w in lead), max(w.x1 for w in lead)
    across = [w for w in bands[k] if any(w.x0 < g1 and w.x1 > g0 for g0, g1 in gut)]
    if across and not any(w.x0 < lx1 and w.x1 > lx0 for w in across):
        return False  # what runs across is beside these bands, not under them: nothing they head
    if all(is_bold(w.font) or w.size >= 1.08 * size for w in lead):
        return True  # a sub-heading ("Focal points", "Honorary member: X" set larger) belongs to what it heads
    before = _band_gap(bands[j - 1], bands[j])
    inner = max(_band_gap(bands[m], bands[m + 1]) for m in range(j, k))
    return before > inner + 2


def _set_both_sides(band: list[Word], gut: list[tuple[float, float]]) -> bool:
    """The band has words on both sides of a gutter and none across it: a row of the
    columns, however narrow the gutter is in this one row."""
    return not _crosses(band, gut) and any(any(w.x1 <= g0 + 0.5 for w in band) and any(w.x0 >= g1 - 0.5 for w in band) for g0, g1 in gut)


def _closes_gutter(region: list[Word], band: list[Word], gut: list[tuple[float, float]], col_gap: float) -> bool:
    """`band` runs across the region's columns: with it, one of their gutters closes.

    Judged on the region's words with the band, not on the gutters as the bands so far
    left them: those end where the longest line so far ends, and a longer line further
    down a column (an outlet's title in a grid) only narrows its gutter."""
    return len(_compatible(gut, _vgaps(region + band, col_gap))) < len(gut)


def _crosses(band: list[Word], gutters: list[tuple[float, float]]) -> bool:
    return any(w.x0 < g1 - 0.5 and w.x1 > g0 + 0.5 for w in band for g0, g1 in gutters)


def _keeps_edges(band: list[Word], gutters: list[tuple[float, float]]) -> bool:
    """Every gutter the band's words reach into still has a word starting at its right
    edge and none running over that edge: a wide cell close to the next column (a long
    label beside its value), not a line across the columns."""
    for g0, g1 in gutters:
        if not any(w.x0 < g1 - 0.5 and w.x1 > g0 + 0.5 for w in band):
            continue
        if any(w.x0 < g1 - 0.5 and w.x1 > g1 + 0.5 for w in band) or not any(abs(w.x0 - g1) <= 1.0 for w in band):
            return False
    return True


def _fill_beside(band: list[Word], g0: float, g1: float, left: float, right: float) -> float | None:
    """How much of its page column the band's words fill on either side of the gutter
    (the larger share; a column runs from `left` to the gutter, or from the gutter to
    `right`), or None when the band has words on one side only."""
    before = [w for w in band if left - 0.5 <= w.x0 and w.x1 <= g0 + 0.5]
    after = [w for w in band if g1 - 0.5 <= w.x0 and w.x1 <= right + 0.5]
    if not before or not after:
        return None
    fill_before = (max(w.x1 for w in before) - min(w.x0 for w in before)) / max(g0 - left, 1.0)
    fill_after = (max(w.x1 for w in after) - min(w.x0 for w in after)) / max(right - g1, 1.0)
    return max(fill_before, fill_after)


def _page_columns_at(band: list[Word], bands: list[list[Word]], gutters: list[tuple[float, float]]) -> bool:
    """The band has words on both sides of a gutter that parts running text (three lines
    or more fill their page column beside it, each column measured between its gutters):
    two page columns, each with its own flow, not one row of a table whose column gutter
    runs the whole block."""
    edges = sorted(gutters)
    left_edge = min(w.x0 for b in bands for w in b)
    right_edge = max(w.x1 for b in bands for w in b)
    for k, (g0, g1) in enumerate(edges):
        left = edges[k - 1][1] if k else left_edge
        right = edges[k + 1][0] if k + 1 < len(edges) else right_edge
        if _fill_beside(band, g0, g1, left, right) is None:
            continue
        if sum(1 for b in bands if (f := _fill_beside(b, g0, g1, left, right)) is not None and f >= 0.75) >= 3:
            return True
    return False


def _left_column_flows_on(band: list[Word], bands: list[list[Word]], gutters: list[tuple[float, float]]) -> bool:
    """The band lies left of a full gutter beside which the text ended well above it: the
    left page column flows on down the page (a grid, a heading, a list) while the right
    one, shorter, holds what follows. The change of structure is the left column's own."""
    size = _median_word_size([w for b in bands for w in b])
    top = min(w.top for w in band)
    for g0, g1 in gutters:
        right = [w for b in bands for w in b if w.x0 >= g1 - 0.5]
        left_tops = [w.top for b in bands for w in b if w.x1 <= g0 + 0.5]
        # a grid's last column sits on the rows of the others: no page column of its own
        on_rows = sum(any(abs(w.top - t) < 1.0 for t in left_tops) for w in right)
        if right and max(w.x1 for w in band) <= g0 + 0.5 and max(w.bottom for w in right) < top - 4 * size and on_rows < 0.5 * len(right):
            return True
    return False


def _hgaps(words: list[Word]) -> list[tuple[float, float]]:
    # Shrink boxes a little: ascenders/descenders of adjacent lines often touch.
    return _gaps([(w.top + 0.2 * (w.bottom - w.top), w.bottom - 0.2 * (w.bottom - w.top)) for w in words], 0.5)


def _compatible(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Gutters present in both bands (overlapping stretches)."""
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo > 0.5:
                out.append((lo, hi))
    return out


def _structure_changes(bands: list[list[Word]], full: list[tuple[float, float]], col_gap: float) -> bool:
    """A column structure that ends inside the block: at least three bands share a gutter
    that a later band runs across (a grid of names, then a bulleted list under its own
    sub-heading). Cutting the whole block at the one gutter left would read the list
    inside the grid's columns. A band that keeps a gap at a column edge of the structure
    (a wide label close to its value) does not run across it. A band that runs across
    the structure while a line of running text goes on beside it, across a full gutter,
    shows the change is confined to one column of the page (a label/value table in one
    column, then the next activity's title): that gutter stays."""
    run: list[tuple[float, float]] = []
    length = 0
    for band in bands:
        own = [g for g in _vgaps(band, col_gap) if not _compatible([g], full)]
        if run and length >= 3 and _crosses(band, run) and not _keeps_edges(band, run):
            return not (_page_columns_at(band, bands, full) or _left_column_flows_on(band, bands, full))
        common = _compatible(run, own) if run else own
        if common:
            run, length = common, (length + 1 if run else 1)
        elif own:
            run, length = own, 1
        elif not _crosses(band, run):
            continue  # a one-column band inside the structure (a short line)
        else:
            run, length = [], 0
    return False


def _heading_under_columns(bands: list[list[Word]], gut: list[tuple[float, float]], words: list[Word]) -> bool:
    """Columns that end above a display heading (two key figures side by side, then
    "Metropolitan challenges" and a list; a table's columns, then the next section's
    heading at the block's foot): the gutter left of the list is no column gutter, the
    heading opens a block of its own."""
    right = [w for w in words if w.x0 >= gut[0][1] - 0.5]
    if not right:
        return False
    right_end = max(w.bottom for w in right)
    return any(min(w.top for w in band) > right_end and _display_band(band, words) and not _left_column_flows_on(band, bands, gut) for band in bands)


def _row_cut(words: list[Word], gut: list[tuple[float, float]], join_gap: float) -> float | None:
    """Where columns side by side are really two rows of columns, the height to cut at.

    Text balanced in two columns, then a line in one column only ("L3 · label"), then
    more balanced columns: one gutter runs the whole height, yet reading each column
    whole would take the upper right part (the first item's end) after the lower left
    one (the next item). The sign is a hole in one column, far taller than any spacing
    of running text, beside which another column has a gap: the cut goes through that
    gap, and each row is read on its own.
    """
    cols = _split(words, gut, "x")
    if len(cols) < 2:
        return None
    hole_min = 2.0 * join_gap
    for k, col in enumerate(cols):
        if k + 1 < len(cols) and _rows_beside(col, cols[k + 1]):
            continue  # a key column (codes beside their labels) is holed wherever a label runs long
        for a, b in _gaps([(w.top, w.bottom) for w in col], hole_min):
            for j, other in enumerate(cols):
                if j != k and (cut := _row_break_beside(other, a, b, join_gap)) is not None and all(_white_at(c, cut, 0.4 * join_gap) for c in cols):
                    return cut
    return _heading_across_gap(words, cols)


def _white_at(column: list[Word], y: float, least: float) -> bool:
    """A cut at height y passes `column` through white wider than line spacing (or past
    its end): cutting between two lines of a paragraph or a list is no row break (a
    sidebar beside two page columns runs on where the other page column breaks)."""
    above = [w.bottom for w in column if w.bottom <= y]
    below = [w.top for w in column if w.top >= y]
    if len(above) + len(below) < len(column):
        return False  # a word stands across the cut
    return not above or not below or min(below) - max(above) >= least


def _heading_across_gap(words: list[Word], cols: list[list[Word]]) -> float | None:
    """A sub-heading alone in its row, under white running across every column and set
    larger than the region's text, above columns that start level ("Focal points" under
    a grid of members, above cards in two columns): a new row of the region, not the
    rest of the first column. (Under a date tag or a title in a flowing column, the
    other column resumes at its own height.)"""
    bands = _split(words, _hgaps(words), "y")
    size = _median_word_size(words)
    width = max(w.x1 for w in words) - min(w.x0 for w in words)

    def narrow(band: list[Word]) -> bool:
        return max(w.x1 for w in band) - min(w.x0 for w in band) < 0.5 * width

    for k in range(1, len(bands)):
        band = bands[k]
        if not all(w.size >= 1.15 * size for w in band) or not narrow(band):
            continue
        start = k  # a small bold kicker set tight above the heading goes with it
        while start > 1 and narrow(bands[start - 1]) and all(is_bold(w.font) for w in bands[start - 1]) and _band_gap(bands[start - 1], bands[start]) < 0.8 * size:
            start -= 1
        if _band_gap(bands[start - 1], bands[start]) < 1.2 * size:
            continue
        if start < k and not all(w.size >= 1.4 * size for w in band):
            continue  # a date tag or kicker over a title in a flowing column: only a section's heading heads a row
        bottom = max(w.bottom for w in band)
        starts = [min(w.top for w in col if w.top > bottom) for col in cols if any(w.top > bottom for w in col)]
        if len(starts) >= 2 and max(starts) - min(starts) <= 0.5 * size:
            return (max(w.bottom for w in bands[start - 1]) + min(w.top for w in bands[start])) / 2
    return None


def _row_break_beside(column: list[Word], a: float, b: float, join_gap: float) -> float | None:
    """Where `column` breaks into rows beside a hole (a, b) of the column next to it.

    The break is the column's widest gap there; it must be wider than line spacing (a
    paragraph or item break), and the columns must resume together below it: a new row
    starts across them. (A picture in one column leaves a hole too, but the text under
    it resumes wherever the picture ends.) Lines standing alone under the break in
    display type ("Europe" above the next region's grid) head the row below: the columns
    resume under them. (A date tag and a title in a flowing column are not display type:
    there, the other column's text is read on after its column.) A gap right under a
    heading is no break: the heading heads what follows it."""
    size = _median_word_size(column)

    def under_heading(ga: float) -> bool:  # a heading goes with what it heads
        above = [w for w in column if abs(w.bottom - ga) < 1.0]
        return bool(above) and all(w.size >= 1.2 * size for w in above)

    gaps = [(ga, gb) for ga, gb in _gaps([(w.top, w.bottom) for w in column], 0.5) if a < (ga + gb) / 2 < b and gb - ga >= 0.4 * join_gap]
    breaks = [g for g in gaps if not under_heading(g[0])]  # (the columns may resume under one)
    if not breaks:
        return None
    most = max(g[1] - g[0] for g in breaks)
    widest = min(g for g in breaks if g[1] - g[0] >= 0.85 * most)  # the upper one of (near) equals
    for resume in [widest] + sorted(g for g in gaps if g[0] > widest[0]):
        between = [w for w in column if widest[1] <= w.top and w.bottom <= resume[0]]
        if resume is not widest and not all(w.size >= 1.2 * size for w in between) and not _heads_at_margin(column, between, widest[0], size):
            break
        if -0.5 * join_gap <= b - resume[1] <= 1.5 * join_gap:
            return (widest[0] + widest[1]) / 2
    return None


def _heads_at_margin(column: list[Word], lines: list[Word], above: float, size: float) -> bool:
    """Lines set left of the column's text above them (its line ending at `above`): the
    next activity's title and date at the margin. They head the row below, as display
    type does."""
    near = [w for w in column if abs(w.bottom - above) < 1.0]
    return bool(lines and near) and _outdented_heading(lines, min(w.x0 for w in near), size)


def _outdented_heading(lines: list[Word], text_left: float, size: float) -> bool:
    """Lines starting more than 0.4 em left of the text they sit beside, one row of them
    wholly in a heading's weight or size: a title at the margin over an indented
    description heads what follows it."""
    rows = _group_rows(lines)
    heading = any(all(is_bold(w.font) or w.size >= 1.08 * size for w in row) for row in rows)
    return heading and max(min(w.x0 for w in row) for row in rows) < text_left - 0.4 * size


def _median_word_size(words: list[Word]) -> float:
    return statistics.median(w.size for w in words)


def _full_gutters(words: list[Word], col_gap: float) -> list[tuple[float, float]]:
    return _vgaps(words, col_gap)


def _bands_by_gap(bands: list[list[Word]], join_gap: float) -> list[list[list[Word]]]:
    """Runs of bands separated by less than join_gap: one visual block each."""
    groups: list[list[list[Word]]] = []
    bottom = None
    for band in bands:
        top = min(w.top for w in band)
        if groups and bottom is not None and top - bottom < join_gap:
            groups[-1].append(band)
        else:
            groups.append([band])
        bottom = max(w.bottom for w in band)
    return groups


def xy_cut(words: list[Word], col_gap: float, join_gap: float | None = None, depth: int = 0) -> list[list[Word]]:
    """Blocks of words in reading order.

    Recursive XY-cut, horizontal first: the page is cut into visual blocks at wide
    horizontal gaps (between activities, around headings); a block with a gutter running
    its whole height is read column by column (description, then sidebar; left column,
    then right). Inside a block without such a gutter (a heading spans the columns),
    consecutive bands that share a gutter are regrouped and read column by column.
    """
    if not words:
        return []
    # Wider than paragraph and label spacing (about 1 body size), narrower than the
    # space designers leave between activities and around pictures.
    join_gap = join_gap if join_gap is not None else 2.0 * col_gap / 1.1
    if len(words) == 1 or depth > 40:
        return [words]
    hgaps = _hgaps(words)
    bands = _split(words, hgaps, "y") if hgaps else [words]
    groups = _bands_by_gap(bands, join_gap)
    if len(groups) > 1:
        out: list[list[Word]] = []
        for g in groups:
            out.extend(xy_cut([w for band in g for w in band], col_gap, join_gap, depth + 1))
        return out
    # One visual block: columns running its whole height?
    if (rest := _under_heading_across(bands, col_gap)) is not None:
        return [bands[0]] + xy_cut(rest, col_gap, join_gap, depth + 1)
    gut = [g for g in _full_gutters(words, col_gap) if not any(_one_line_across(band, g, col_gap) for band in bands)]
    if gut and (_structure_changes(bands, gut, col_gap) or _heading_under_columns(bands, gut, words)):
        gut = []  # a grid, then text across its columns or under a heading: read band by band below
    if gut:
        return _read_columns(words, gut, col_gap, join_gap, depth, whole=True)
    if len(bands) == 1:
        return [words]
    # Regroup consecutive bands that share a gutter: they are one multi-column region.
    out = []
    plain: list[Word] = []  # consecutive bands without a gutter form one block
    edges = _column_edges(words)
    i = 0
    while i < len(bands):
        group = bands[i]
        gut = _vgaps(group, col_gap, edges)
        if not gut or _justified_line(bands, i, gut):
            plain.extend(group)  # one column here, or wide word spaces of one justified line
            i += 1
            continue
        plain, group = _interleaved_above(bands, i, gut, *_clear_lines_above(bands, i, gut, plain, group), col_gap)
        if plain:
            out.append(plain)
            plain = []
        j = i + 1
        while gut and j < len(bands):
            # A band with a gutter in the same place continues the region, and so does
            # one that stays clear of it (one column has a paragraph gap there); a band
            # crossing it (a heading across the columns) ends it.
            # The region's gutter is recomputed over all its words: band-level gaps
            # start at the end of short lines and would narrow it wrongly.
            candidate = group + bands[j]
            common = _compatible(gut, _vgaps(candidate, col_gap, edges))
            if len(common) < len(gut) and (kept := _keeps_column_edges(gut, bands[j], col_gap)) and all(_aligned_edge(candidate, g1) for _, g1 in kept):
                common = kept  # a long name running close to the next column's edge
            common = [g for g in common if not _one_line_across(bands[j], g, col_gap)]
            if not common or _line_from_gutter(bands[j], gut, common, col_gap) or _ends_region(bands, i, j, gut, common, group, col_gap):
                break
            group = candidate
            gut = common
            j += 1
        if j < len(bands) and j > i + 1 and (lead_in := _lead_in(group, bands[j])):
            group = [w for w in group if not any(w is x for x in lead_in)]
            bands[j] = lead_in + bands[j]
        if gut and j == i + 1 and _justified_line(bands, i, gut):
            plain.extend(group)  # wide word spaces of one justified line, not columns
        elif gut:
            out.extend(_read_columns(group, gut, col_gap, join_gap, depth, whole=False))
        else:
            plain.extend(group)
        i = j
    if plain:
        out.append(plain)
    return out


def _clear_lines_above(bands: list[list[Word]], i: int, gut: list[tuple[float, float]], plain: list[Word], region: list[Word]) -> tuple[list[Word], list[Word]]:
    """The bands right above the multi-column region that starts at band i (`region`),
    still unread at the end of `plain`, that stand wholly right of its first gutter, set
    tight over it and closer to it than to what is above them, go on the region: the first lines of a later column (a list centred
    beside the heading that names it in a column of its own starts above that heading).
    Returns `plain` and `region` so mended."""
    lead: list[Word] = []
    k = i - 1
    while k >= 0 and all(w.x0 >= gut[0][1] - 0.5 for w in bands[k]) and _band_gap(bands[k], bands[k + 1]) < 0.8 * max(w.size for w in bands[k]):
        if k > 0 and _band_gap(bands[k - 1], bands[k]) <= _band_gap(bands[k], bands[k + 1]):
            break  # set closer to the line above: its end ("basiques" under a grid's row read whole)
        lead = bands[k] + lead
        k -= 1
    if not lead or len(lead) > len(plain) or not all(a is b for a, b in zip(lead, plain[-len(lead) :])):
        return plain, region
    return plain[: -len(lead)], lead + region


def _one_line_across(band: list[Word], gap: tuple[float, float], col_gap: float) -> bool:
    """A narrow gutter that a bold band straddles with one line: the words nearest it on
    either side stand on one baseline a word space apart (a heading across a margin column
    and its text two points apart, which the gutter would cut in two; a grid's row of
    names keeps its narrow gutters; a display line's word space, letter-spaced and wider
    than a column gap, over a grid's gutter, is one too)."""
    if not all(is_bold(w.font) for w in band):
        return False
    left = [w for w in band if w.x1 <= gap[0] + 0.5]
    right = [w for w in band if w.x0 >= gap[1] - 0.5]
    if not left or not right:
        return False
    a, b = max(left, key=lambda w: w.x1), min(right, key=lambda w: w.x0)
    if abs(a.bottom - b.bottom) > 0.1 * min(a.size, b.size):
        return False
    space = b.x0 - a.x1
    return (gap[1] - gap[0] < 0.6 * col_gap and space < col_gap) or (a.size == b.size and space < 0.75 * a.size)


def _interleaved_above(bands: list[list[Word]], i: int, gut: list[tuple[float, float]], plain: list[Word], region: list[Word], col_gap: float) -> tuple[list[Word], list[Word]]:
    """The bands right above the multi-column region that starts at band i, still unread
    at the end of `plain`, that keep clear of its gutters and are set tight, go on the
    region when their lines stand on both sides of a gutter narrower than a column gap
    and share no baseline: the head of two columns whose lines interleave so that no band
    holds both (a margin column of fields beside an activity's date and title, two points
    apart, each line half a line off the other's). Across a wider gap such lines are a
    table's cells centred on their rows (a label, its value), read row by row as they come;
    the last line of a paragraph running across the gutter stays that paragraph's.
    Returns `plain` and `region` so mended."""

    def tight(k: int) -> bool:
        return _band_gap(bands[k], bands[k + 1]) < 0.8 * max(w.size for w in bands[k])

    def over_column_edge(band: list[Word]) -> bool:  # (the gutter, from one band's short line, may reach too far left)
        return any(w.x0 < g1 - 0.5 and w.x1 > g1 + 0.5 for w in band for _, g1 in gut)

    k = i - 1
    while k >= 0 and not over_column_edge(bands[k]) and tight(k):
        k -= 1
    first = k + 1
    if k >= 0 and first < i and tight(k):
        first += 1
    lead = [w for band in bands[first:i] for w in band]
    if not lead or len(lead) > len(plain) or not all(a is b for a, b in zip(lead, plain[-len(lead) :])):
        return plain, region
    narrow = [g for g in _compatible(_gaps([(w.x0, w.x1) for w in lead], MIN_OFF_BASELINE_GUTTER), gut) if g[1] - g[0] < 0.6 * col_gap]
    if not any(_sides_off_baseline(lead, g, 0.35) for g in narrow):
        return plain, region
    return plain[: -len(lead)], lead + region


def _ends_region(bands: list[list[Word]], i: int, j: int, gut: list[tuple[float, float]], common: list[tuple[float, float]], region: list[Word], col_gap: float) -> bool:
    """Band j does not go on with the multi-column region of bands i..j-1 (gutters `gut`,
    `common` once band j is in): a heading across the columns or under a grid, the head
    of the next block, a line under a grid that ended."""
    # A bold band that has to narrow the gutter to fit is a sub-heading set across it: it
    # heads what follows, not the columns above.
    band = bands[j]
    if _crosses(band, gut) and all(is_bold(w.font) for w in band) and not _vgaps(band, col_gap):
        return True
    if _heading_outdented(region, band, gut):
        return True
    if _leads_next_block(bands, j, gut, col_gap, region) or _leaves_grid(bands[i:j], band, gut, common, col_gap):
        return True
    return j - i >= 3 and _heading_under_grid(region, band, gut, [w for b in bands[j + 1 : j + 4] for w in b])


def _heading_outdented(region: list[Word], band: list[Word], gut: list[tuple[float, float]]) -> bool:
    """A heading band in the first column alone, over it but starting left of it (the next
    activity's title at the margin, its description and sidebar indented): it heads what
    follows, not the columns above."""
    size = _median_word_size(region)
    left = min(w.x0 for w in region)
    # over the column, not in a label column of its own further left
    over = max(w.x1 for w in band) > left + 2 * size
    return over and all(w.x1 <= gut[0][0] + 0.5 for w in band) and _outdented_heading(band, left, size)


def _heading_under_grid(region: list[Word], band: list[Word], gut: list[tuple[float, float]], after: list[Word]) -> bool:
    """A bold line in the first column, under the point where every other column has
    ended, the first column mostly plain (a grid of names, then "FOCAL POINTS"; not a
    column of bold labels whose values ended early): it heads what follows."""
    if not all(is_bold(w.font) for w in band) or any(w.x1 > gut[0][0] + 0.5 for w in band):
        return False
    others = [w for w in region if w.x0 >= gut[0][1] - 0.5]
    # the first column holds short plain names (a grid): not bold labels keying the others,
    # not the running text of flowing columns
    first = [w for w in region if w.x1 <= gut[0][0] + 0.5]
    plain_first = sum(not is_bold(w.font) for w in first) > len(first) / 2 and _median_words_per_row(first) <= 4
    # and the other columns do not go on under it (the next bands start no word at their
    # left edges): a heading at the foot of one of several flowing columns is not it
    starts = Counter(round(w.x0) for w in others)
    goes_on = any(starts[round(w.x0)] >= 2 for w in after if w.x0 >= gut[0][1] - 0.5)
    return bool(others) and max(w.bottom for w in others) <= min(w.top for w in band) and plain_first and not goes_on


def _median_words_per_row(words: list[Word]) -> float:
    """How many words a printed row holds, in the median: one or two names in a grid's
    cells, eight or more in running text."""
    rows = _group_rows(words)
    return statistics.median(len(r) for r in rows) if rows else 0.0


def _leaves_grid(grid: list[list[Word]], band: list[Word], gut: list[tuple[float, float]], common: list[tuple[float, float]], col_gap: float) -> bool:
    """A band in a style of its own running across a gutter that three rows or more kept,
    each with a gap there of its own (a grid of names, then "Honorary members: ..."
    under it), and not set on both sides of a gutter still kept: the grid ends above it. Read on with the gutter narrowed, the
    lines under the grid would come before its last column."""
    lost = [g for g in gut if not _compatible([g], common)]
    kept = [g for g in lost if sum(bool(_compatible([g], _vgaps(row, col_gap))) for row in grid) >= 3]
    # a band with words on both sides of a gutter still kept runs on in columns (the
    # page's columns go on; the grid was one column's)
    beside = any(any(w.x1 <= g0 for w in band) and any(w.x0 >= g1 for w in band) for g0, g1 in common)
    # and set apart from the grid's type: a line of a column's running text that happens
    # to reach across once the column beside it has ended goes on with that column
    grid_style = Counter((round(w.size), is_bold(w.font)) for row in grid for w in row).most_common(1)[0][0]
    own_style = all((round(w.size), is_bold(w.font)) != grid_style for w in band)
    return bool(kept) and _crosses(band, kept) and not beside and own_style


def _under_heading_across(bands: list[list[Word]], col_gap: float) -> list[Word] | None:
    """The words under a heading set across the columns at the top of a block (a section
    title over a two-column list of codes and labels), or None. With the heading in,
    the only gutter running the whole height may be a narrow one inside a column."""
    if len(bands) < 2:
        return None
    head, rest = bands[0], [w for band in bands[1:] for w in band]
    size = _median_word_size(rest)
    if not all(w.size >= 1.3 * size for w in head):
        return None
    gut = _vgaps(rest, col_gap)
    kept = _compatible(gut, _vgaps(rest + head, col_gap)) if gut else []
    if len(kept) == len(gut):
        return None  # the heading closes none of the columns' gutters (`_closes_gutter`)
    # Display lines on both sides of a gutter that stays open are the heads of the
    # columns (a part title over the left one, a section title over a table in the right
    # one, which closes only the table's narrow gutters), not one heading across them.
    if any(any(w.x1 <= g0 + 0.5 for w in head) and any(w.x0 >= g1 - 0.5 for w in head) for g0, g1 in kept):
        return None
    return rest


def _keeps_column_edges(gut: list[tuple[float, float]], band: list[Word], col_gap: float) -> list[tuple[float, float]] | None:
    """The region's gutters narrowed to fit `band`, when no word of it crosses a column's
    left edge and, where a gutter narrows, the band's next column starts exactly at its
    edge with a gap wider than a word space before it; else None."""
    out = []
    for g0, g1 in gut:
        if any(w.x0 < g1 - 0.5 < w.x1 for w in band):
            return None
        edge = max((w.x1 for w in band if w.x1 <= g1 - 0.5 and w.x1 > g0 - col_gap), default=g0)
        if edge > g0 and (g1 - edge < 0.3 * col_gap or not any(abs(w.x0 - g1) < 0.5 for w in band)):
            return None  # narrowed, it must still be a gap, and the next column start right at its edge
        out.append((max(g0, edge), g1))
    return out


def _lead_in(region: list[Word], across: list[Word]) -> list[Word]:
    """Words at the foot of one column that lead into the band set across the columns
    under them: a kicker ("Action line 2") right above its heading, white above it in its
    own column while the other columns run on beside it. They open what follows."""
    top = min(w.top for w in across)
    x0 = min(w.x0 for w in across)
    size = min(w.size for w in across)
    near = [w for w in region if 0 <= top - w.bottom < 0.8 * size and abs(w.x0 - x0) < 2 * size]
    if not near:
        return []
    lo, hi = min(w.x0 for w in near), max(w.x1 for w in near)
    level = [w for w in region if abs(w.top - min(x.top for x in near)) < 0.5 * size]
    for w in sorted(level, key=lambda w: w.x0):  # the whole printed line, word by word
        if lo <= w.x0 <= hi + 2 * w.size:
            hi = max(hi, w.x1)
    row = [w for w in region if w.x1 > lo and w.x0 < hi and min(w.top for w in near) - 1 <= w.top]
    above = [w for w in region if w.x1 > lo and w.x0 < hi and w.bottom <= min(w.top for w in row) + 0.5]
    gap = min(w.top for w in row) - max((w.bottom for w in above), default=-1e9)
    size_row = max(w.size for w in row)
    # set apart from its column: white of a blank line above it, or of most of one while
    # it sits at least twice as close to a title under it, in a style of its own (a date
    # tag under the last label of a table, right above the next title; not the first line
    # of a label wrapped in the same type, nor a heading above a row of labels)
    under = [w for w in across if w.x0 < max(x.x1 for x in row) and w.x1 > min(x.x0 for x in row)]
    title = bool(under) and all(is_bold(w.font) and w.size >= size_row - 0.1 for w in under)  # not a label row of the next table
    closer = title and gap >= 0.9 * size_row and gap >= 2 * (top - max(w.bottom for w in row)) and _styles(row).isdisjoint(_styles(across))
    apart = gap >= 1.5 * size_row or closer
    if not apart or len({round(w.top) for w in row}) > 2:
        return []
    return row


def _styles(words: list[Word]) -> set[tuple[int, bool, bool]]:
    """The type the words are set in: size (half points), weight, capitals."""
    return {(round(2 * w.size), is_bold(w.font), w.text.isupper()) for w in words}


def _heading_at_foot(upper: list[Word], lower: list[Word]) -> list[Word]:
    """A heading at the foot of one column of a row, white above it in its column, right
    above where the next row starts under it ("Action line 3" / "L3 — label" closing the
    first column while the others run on): it heads the next row, so it moves down."""
    if not upper or not lower:
        return []
    rows = _group_rows(upper)
    top, left = min(w.top for w in lower), min(w.x0 for w in lower)
    size = _median_word_size(upper)
    last = [r for r in rows if abs(min(w.x0 for w in r) - left) < 2 * size and 0 <= top - max(w.bottom for w in r) < 1.5 * max(w.size for w in r)]
    if not last:
        return []
    unit = [last[-1]]

    def display(r: list[Word]) -> bool:
        return all(is_bold(w.font) or w.size >= 1.15 * size for w in r)

    def column_above(r: list[Word]) -> list[list[Word]]:
        x0, x1 = min(w.x0 for w in r), max(w.x1 for w in r)
        return [o for o in rows if max(w.bottom for w in o) <= min(w.top for w in r) + 0.5 and max(w.x0 for w in o) < x1 and min(w.x1 for w in o) > x0]

    while len(unit) < 3 and (above := column_above(unit[0])):
        nearest = max(above, key=lambda o: max(w.bottom for w in o))
        if min(w.top for w in unit[0]) - max(w.bottom for w in nearest) >= 0.8 * max(w.size for w in unit[0]) or not display(nearest):
            break
        unit.insert(0, nearest)
    if not all(display(r) for r in unit) or not any(w.size >= 1.4 * size for r in unit for w in r):
        return []  # a section's heading, not an activity's title
    above = column_above(unit[0])
    white = min(w.top for w in unit[0]) - max((w.bottom for o in above for w in o), default=-1e9)
    return [w for r in unit for w in r] if white >= 1.5 * max(w.size for r in unit for w in r) else []


def _read_columns(words: list[Word], gut: list[tuple[float, float]], col_gap: float, join_gap: float, depth: int, whole: bool) -> list[list[Word]]:
    """Columns side by side, left to right, each read whole; where they are really rows
    of columns, row by row; a key column and the column it keys are read key by key.

    `whole`: the gutters run the block's whole height. Where they do not (bands regrouped
    under a heading across), only a sub-heading across a row break cuts rows: a hole in
    one column there is most often white left under a picture."""
    if (row := (_row_cut(words, gut, join_gap) if whole else _heading_across_gap(words, _split(words, gut, "x")))) is not None:
        upper = [w for w in words if (w.top + w.bottom) / 2 < row]
        lower = [w for w in words if (w.top + w.bottom) / 2 >= row]
        if head := _heading_at_foot(upper, lower):
            upper = [w for w in upper if not any(w is h for h in head)]
            lower = head + lower
        return xy_cut(upper, col_gap, join_gap, depth + 1) + xy_cut(lower, col_gap, join_gap, depth + 1)
    parts = _split(words, gut, "x")
    out: list[list[Word]] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and _keys_rows_of(parts[i], parts[i + 1]):
            out.extend(_keyed_rows(parts[i], parts[i + 1], col_gap, join_gap, depth))
            i += 2
            continue
        out.extend(xy_cut(parts[i], col_gap, join_gap, depth + 1))
        i += 1
    return out


def _style_of(words: list[Word]) -> tuple[float, bool, str]:
    weights: Counter[tuple[float, bool, str]] = Counter()
    for w in words:
        weights[(round(w.size), is_bold(w.font), w.color)] += len(w.text)
    return weights.most_common(1)[0][0]


def _keys_rows_of(left: list[Word], right: list[Word]) -> bool:
    """`left` is a key column of `right`: short entries in a narrow column, set in
    another style, each level with a row of `right` (codes beside plan labels, months
    beside meetings, labels beside values). Read apart, every key would lose its row.
    A narrow column of prose beside another shares baselines too, but it fills its
    width with words in the same style as its neighbour. A key may wrap (`_wrapped_keys`)."""
    key_rows = _group_rows(left)
    style_l, style_r = _style_of(left), _style_of(right)
    if style_l == style_r or any(len(k) > 3 for k in key_rows) or _heading_beside(key_rows, right):
        return False
    # labels (all bold, the values' size) beside plain values may take most of a narrow
    # column's width; cards side by side mix bold names and plain positions, and a
    # heading set in a left column is larger than the list beside it
    labels = all(is_bold(w.font) for w in left) and not style_r[1] and style_l[0] == style_r[0]
    return _rows_beside(left, right, widest=0.8 if labels else 0.5, key_rows=key_rows)


def _heading_beside(rows: list[list[Word]], right: list[Word]) -> bool:
    """`rows` are one heading set in a column of its own beside what it heads: larger type
    than the text beside it, its lines set tight ("ENGAGEMENT" / "DES MEMBRES"). Centred
    on a list, a heading has list lines above its first line: read as keys of rows, those
    lines came before it and its lines were parted by the list's."""
    if min(w.size for row in rows for w in row) < 1.2 * _median_word_size(right) or not all(any(c.isalpha() for w in row for c in w.text) for row in rows):
        return False  # (codes in display type beside their labels are keys)
    return all(0 <= min(w.top for w in b) - max(w.bottom for w in a) < 0.5 * min(w.size for w in b) for a, b in zip(rows, rows[1:]))


def _rows_beside(left: list[Word], right: list[Word], widest: float = 0.5, key_rows: list[list[Word]] | None = None) -> bool:
    """`left` is a narrow column (at most `widest` of `right`'s width) each of whose
    entries stands level with a row of `right` (keys, in whatever style)."""
    width_l = max(w.x1 for w in left) - min(w.x0 for w in left)
    width_r = max(w.x1 for w in right) - min(w.x0 for w in right)
    if width_l > widest * width_r:
        return False
    rows = _group_rows(right)
    keys, _ = _keys_and_after(key_rows if key_rows is not None else _group_rows(left), right, rows)
    return bool(keys) and len(keys) <= len(rows) and all(_level_with_row(k, rows) for k in keys)


def _keys_and_after(key_rows: list[list[Word]], right: list[Word], rows: list[list[Word]]) -> tuple[list[list[Word]], list[list[Word]]]:
    """A key column's keys (`_wrapped_keys`), and its last entries level with no row and
    under the keyed column's last row: what follows the keyed rows (the next month's name
    under a card's last label and its value), not keys."""
    keys = _wrapped_keys(key_rows, right, rows)
    foot = max(max(w.bottom for w in r) for r in rows)
    n = len(keys)
    while n > 1 and not _level_with_row(keys[n - 1], rows) and min(w.top for w in keys[n - 1]) >= foot - 0.3 * min(w.size for w in keys[n - 1]):
        n -= 1
    return keys[:n], keys[n:]


def _level_with_row(key: list[Word], rows: list[list[Word]]) -> bool:
    top, size = min(w.top for w in key), min(w.size for w in key)
    return any(abs(min(w.top for w in r) - top) <= 0.3 * size for r in rows)


def _wrapped_keys(key_rows: list[list[Word]], right: list[Word], rows: list[list[Word]] | None = None) -> list[list[Word]]:
    """Rows of a key column → keys: a row level with nothing in the keyed column, set
    tight under the row above at its left edge and no larger than the text it keys, is
    that key's second line (a label wrapped in a narrow column: "ENGAGED" / "MEMBERS")."""
    rows = rows if rows is not None else _group_rows(right)  # the keyed column's rows, when the caller has them
    text_size = _median_word_size(right)
    keys: list[list[Word]] = []
    for row in key_rows:
        # (a heading set larger than the text beside it wraps too, but heads it all; a
        # label ending in its colon is whole)
        if keys and not _level_with_row(row, rows) and max(w.size for w in row) <= 1.1 * text_size and not keys[-1][-1].text.endswith(":"):
            prev = keys[-1]
            size = min(w.size for w in row)
            if 0 <= min(w.top for w in row) - max(w.bottom for w in prev) < 0.8 * size and abs(min(w.x0 for w in row) - min(w.x0 for w in prev)) < 2.0:
                keys[-1] = prev + row
                continue
        keys.append(row)
    return keys


def _keyed_rows(left: list[Word], right: list[Word], col_gap: float, join_gap: float, depth: int) -> list[list[Word]]:
    """A key column and its neighbour as rows: each key, then what its row holds down to
    the next key, as blocks of their own (a key is a label, not the first words of its
    row's text); what stands above the first key is read first."""
    keys, after = _keys_and_after(_group_rows(left), right, _group_rows(right))
    starts = [min(w.top for w in k) - 1.0 for k in keys]
    head = [w for w in right if (w.top + w.bottom) / 2 < starts[0]]
    out = xy_cut(head, col_gap, join_gap, depth + 1) if head else []
    for n, key in enumerate(keys):
        end = starts[n + 1] if n + 1 < len(keys) else float("inf")
        out.append(key)
        row = [w for w in right if starts[n] <= (w.top + w.bottom) / 2 < end]
        if row:
            out.append(row)
    return out + after


def _line_from_gutter(band: list[Word], gut: list[tuple[float, float]], common: list[tuple[float, float]], col_gap: float) -> bool:
    """The band starts a line inside the region's gutter, leaving of it only a word space
    at the right column's edge (an activity's date set out of the text's column): a
    line across the gutter, which ends the region, not a narrower gutter."""
    for g0, g1 in gut:
        for c0, c1 in common:
            if g0 - 0.5 <= c0 and c1 <= g1 + 0.5 and c1 - c0 < min(0.6 * col_gap, 0.5 * (g1 - g0)):
                if any(g0 - 0.5 <= w.x0 and w.x1 <= c0 + 0.5 and not _word_before(w, band) for w in band):
                    return True
    return False


def _word_before(w: Word, band: list[Word]) -> bool:
    """A word of w's line ends within a word space or two left of it (w goes on a line)."""
    return any(o is not w and abs(o.bottom - w.bottom) < 0.2 * w.size and 0 <= w.x0 - o.x1 < 1.5 * w.size for o in band)


def _justified_line(bands: list[list[Word]], i: int, gut: list[tuple[float, float]]) -> bool:
    """A lone row whose "gutters" the row right above it runs across, set at the same size
    and leading: a justified line with wide word spaces (a list of names). The row below
    runs across them too, or it is a paragraph's short last line and the row is set flush
    with the line above at both ends."""
    if i == 0:
        return False
    above, row = bands[i - 1], bands[i]
    below = bands[i + 1] if i + 1 < len(bands) else None
    size = max(w.size for w in row)
    if _band_gap(above, row) >= 0.6 * size or abs(max(w.size for w in above) - size) >= 0.5 or not _crosses(above, gut):
        return False
    if any(g1 - g0 >= 2.5 * size and _sides_off_baseline(row, (g0, g1)) for g0, g1 in gut):
        return False  # two baselines across a gap wider than any stretched space: two columns
    flush = abs(min(w.x0 for w in row) - min(w.x0 for w in above)) < 1.0 and abs(max(w.x1 for w in row) - max(w.x1 for w in above)) < 1.0
    if below is None or _band_gap(row, below) >= 0.6 * size or abs(max(w.size for w in below) - size) >= 0.5:
        return flush
    return _crosses(below, gut) or flush


_PICTURE = "\x00picture"  # the text of a stand-in word: a picture's box in the XY-cut


# Glyphs a list prints before its items.
LIST_MARKS = frozenset("•·▪▫◦‣⁃○●■□–—-›»➢➤►▶✓✔*")


def hang_list_marks(words: list[Word]) -> list[Word]:
    """List bullets set in a gutter of their own, each moved beside its item's first word.

    A word processor places a list's label and its text at two tab stops: the bullets
    then stand a column width apart from the text, and the column finder would read all
    the bullets, then all the items. A mark level with a word on its right, further from
    it than a word space (more than 0.6 em, at most three), with nothing just left of it,
    is its item's: it moves half an em before that word, so it reads as the item's first
    character (all the marks of one gutter, or none).
    """
    marks = [w for w in words if w.text in LIST_MARKS and w.cell is None]
    if not marks:
        return words
    moved: dict[int, Word] = {}
    for m in marks:
        mid = (m.top + m.bottom) / 2
        level = [w for w in words if w is not m and w.top <= mid <= w.bottom]
        item = min((w for w in level if w.x0 >= m.x1 - 0.1), key=lambda w: w.x0, default=None)
        opens_line = not any(w.x1 <= m.x0 + 0.1 and m.x0 - w.x1 < 3 * max(m.size, w.size) for w in level)
        if item is not None and item.text not in LIST_MARKS and opens_line and 0.6 * m.size <= item.x0 - m.x1 <= 3 * max(m.size, item.size):
            x1 = item.x0 - 0.5 * item.size
            moved[id(m)] = replace(m, x0=x1 - (m.x1 - m.x0), x1=x1)
    # marks aligned in one gutter move together or not at all: a gutter left ragged
    # would read as no column edge
    gutters: dict[int, list[Word]] = {}
    for m in marks:
        gutters.setdefault(round(m.x0), []).append(m)
    for group in gutters.values():
        if not all(id(m) in moved for m in group):
            for m in group:
                moved.pop(id(m), None)
    return [moved.get(id(w), w) for w in words]


def reading_blocks(words: list[Word], boxes: list, width: float, height: float, col_gap: float) -> list[list[Word]]:
    """Blocks of words in reading order, pictures counted as content.

    A picture inside a column is part of that column: without it, a picture in each of
    two columns at the same height leaves a band of white across the page, and the cut
    there would read the tops of both columns before their bottoms (an activity's fields
    then land in the next activity). Pictures as wide or tall as most of the page
    (backgrounds, scans) stay out: they would hide every gutter.
    """
    pictures = [Word(_PICTURE, x0, x1, top, bottom, 0.0, "", "") for x0, top, x1, bottom in boxes if 20 <= x1 - x0 <= 0.6 * width and 20 <= bottom - top <= 0.6 * height]
    # A ruled table is one block, read row by row: its words stand in the cut as one box.
    # (Cards of a grid of boxes are cut as words: the cut reads them as it reads text.)
    tables: dict[int, list[Word]] = {}
    for w in words:
        if w.cell is not None and not w.card:
            tables.setdefault(w.cell[0], []).append(w)
    stand_ins = [Word(f"{_PICTURE}{t}", min(w.x0 for w in ws), max(w.x1 for w in ws), min(w.top for w in ws), max(w.bottom for w in ws), 0.0, "", "") for t, ws in tables.items()]
    if not pictures and not stand_ins:
        return [part for block in xy_cut(words, col_gap) for part in _cards_apart(block)]
    loose = [w for w in words if w.cell is None or w.card]
    blocks = []
    for block in xy_cut(loose + pictures + stand_ins, col_gap):
        plain = [w for w in block if not w.text.startswith(_PICTURE)]
        # a table set closer to the text around it than paragraph spacing shares its
        # block: the text above it is read first, the text under it after it
        for w in sorted((w for w in block if w.text.startswith(_PICTURE) and w.text != _PICTURE), key=lambda w: w.top):
            above = [x for x in plain if x.bottom <= w.top + 1.0]
            if above:
                blocks.extend(_cards_apart(above))
            plain = [x for x in plain if x.bottom > w.top + 1.0]
            blocks.append(tables[int(w.text[len(_PICTURE) :])])
        if plain:
            blocks.extend(_cards_apart(plain))
    return blocks


def _cards_apart(block: list[Word]) -> list[list[Word]]:
    """A block holding cards of a grid of boxes set closer than a column gap: each card
    whole, row of cards by row of cards, and the text around them where it stands (above
    the first row, between rows, after the last): two cards' lines never make one line."""
    cards: dict[tuple[int, int, int], list[Word]] = {}
    for w in block:
        if w.card and w.cell is not None:
            cards.setdefault(w.cell, []).append(w)
    if len(cards) < 2:
        return [block]
    rows: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for key in sorted(cards):
        rows.setdefault(key[:2], []).append(key)
    tops = sorted((min(w.top for k in keys for w in cards[k]), keys) for keys in rows.values())
    # the text under k rows' tops is read after those k rows of cards
    around: list[list[Word]] = [[] for _ in range(len(tops) + 1)]
    for w in block:
        if not w.card:
            around[sum(top < w.bottom - 1.0 for top, _ in tops)].append(w)
    out = [around[0]]
    for (_, keys), text in zip(tops, around[1:]):
        out.extend(cards[k] for k in keys)
        out.append(text)
    return [part for part in out if part]


def block_rows(block: list[Word]) -> list[list[Word]]:
    """Rows of words of one block: a table's cell by cell (row-major), else top to bottom."""
    if any(w.cell is None for w in block):  # (a card's words among text: read as text)
        return [piece for row in _group_rows(block) for piece in _split_at_type_change(row)]
    cells: dict[tuple[int, int, int], list[Word]] = {}
    for w in block:
        cells.setdefault(w.cell, []).append(w)  # type: ignore[arg-type]
    return [row for key in sorted(cells) for row in _group_rows(cells[key])]


def _split_at_type_change(row: list[Word]) -> list[list[Word]]:
    """A row parted where display type and text type meet across a seam wider than a word
    space: a heading's last line level with the first item beside it ("MÉTROPOLITAINS"
    in a label column, "1.3 Faire progresser la mobilité" in the next) is two lines."""
    for k in range(1, len(row)):
        a, b = row[k - 1], row[k]
        big, small = max(a.size, b.size), min(a.size, b.size)
        if big >= 1.2 * small and b.x0 - a.x1 > CELL_GAP_EM * big and _style_of(row[:k]) != _style_of(row[k:]):
            left, right = row[:k], row[k:]
            if all(w.size >= 1.2 * small for w in (left if a.size == big else right)):
                return [left, *_split_at_type_change(right)]
    return [row]


def _group_rows(words: list[Word]) -> list[list[Word]]:
    """Words of one block → rows sharing a baseline, top to bottom."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.bottom, 0), w.x0)):
        if rows:
            last = rows[-1]
            ref = max(last, key=lambda x: x.size)
            tol = max(1.5, 0.35 * min(ref.size, w.size))
            if abs(last[-1].bottom - w.bottom) <= tol:
                last.append(w)
                continue
        rows.append([w])
    return _superscripts_into_rows([sorted(r, key=lambda w: w.x0) for r in rows])


def _superscripts_into_rows(rows: list[list[Word]]) -> list[list[Word]]:
    """A row of small raised type set right after a word of a larger row ("er" of "1er",
    "o" of "1.o") belongs to that row: its baseline is higher, not its line."""
    out: list[list[Word]] = []
    for k, row in enumerate(rows):
        # rows run by baseline: the raised row comes just before its host, or after it
        following = rows[k + 1] if k + 1 < len(rows) else []
        if out and _raised_on(row, out[-1]):
            out[-1] = sorted(out[-1] + row, key=lambda w: w.x0)
        elif _raised_on(row, following):
            following.extend(row)
            following.sort(key=lambda w: w.x0)
        else:
            out.append(row)
    return out


def _raised_on(small: list[Word], row: list[Word]) -> bool:
    if len(small) > 2 or not row or any(len(w.text) > 3 for w in small):
        return False
    size = max(w.size for w in row)
    top, bottom = min(w.top for w in row), max(w.bottom for w in row)
    return all(w.size <= 0.75 * size and top - 0.3 * size <= w.top and w.bottom < bottom - 0.1 * size and any(0 <= w.x0 - o.x1 < 0.3 * size for o in row) for w in small)


def _join_row(row: list[Word]) -> tuple[str, float]:
    """Join words of a row, collapsing letter-spaced runs ('A C T I V I T É S')."""
    singles = [len(w.text) == 1 for w in row]
    if len(row) >= 4 and sum(singles) >= 0.7 * len(row):
        gaps = [b.x0 - a.x1 for a, b in zip(row, row[1:])]
        pos = sorted(g for g in gaps if g > -1)
        g = statistics.median(pos) if pos else 0.0
        out = row[0].text
        for gap, w in zip(gaps, row[1:]):
            # A word space is clearly wider than the letter spacing around it.
            out += (" " if gap > max(1.7 * g, g + 0.25 * w.size) else "") + w.text
        return out, max(g, 0.0)
    out, pills = row[0].text, 0
    for a, b in zip(row, row[1:]):
        if a.pill is not None and b.pill is not None and a.pill != b.pill and b.x0 - a.x1 >= 0.2 * b.size:
            out += " · " + b.text  # names on pills side by side: the boxes part them
            pills += 1
            continue
        out += ("" if b.x0 - a.x1 < 0.12 * b.size else " ") + b.text
    # a row of pills that wraps: its last pill is parted from the next row's first (also a
    # label's one pill: "Members — [Accra]", more pills on the next row)
    # (a name broken at its own hyphen runs on: "New Delhi-" / "NIUA")
    return out + (" ·" if (pills or _label_then_pill(row)) and not out.endswith("-") else ""), 0.0


def _label_then_pill(row: list[Word]) -> bool:
    """The row ends on one pill set after a label and its dash or colon."""
    last = row[-1].pill
    first = next((n for n, w in enumerate(row) if w.pill == last), 0)
    return last is not None and first > 0 and row[first - 1].pill is None and row[first - 1].text[-1:] in ":—–-"


def _row_to_line(row: list[Word], page: int, block: int, edges: list[float] | None = None) -> Line:
    text, spacing = _join_row(row)
    weights: Counter[tuple[float, str, str]] = Counter()
    for w in row:
        weights[(w.size, w.font, w.color)] += len(w.text)
    (size, font, color), _ = weights.most_common(1)[0]
    letters = cased_letters(text)
    gaps = [] if spacing else _word_gaps(row, text)
    runs: list[tuple[str, bool]] = []
    if len({is_bold(w.font) for w in row}) > 1:  # mixed weights: keep where each starts
        for w in row:
            b = is_bold(w.font)
            if runs and runs[-1][1] == b:
                runs[-1] = (runs[-1][0] + " " + w.text, b)
            else:
                runs.append((w.text, b))
    return Line(
        page=page,
        text=text,
        x0=round(min(w.x0 for w in row), 2),
        top=round(min(w.top for w in row), 2),
        x1=round(max(w.x1 for w in row), 2),
        bottom=round(max(w.bottom for w in row), 2),
        size=size,
        bold=is_bold(font),
        font=font,
        color=color,
        upper=bool(letters) and all(c.isupper() for c in letters) and len(letters) > 1,
        spacing=round(spacing, 2),
        column=block,
        runs=runs,
        cell=row[0].cell,
        breaks=[] if spacing else _wide_gaps(row, gaps, edges or []),
        gaps=gaps,
    )


# A word space stretches (justified text) to about half an em; cells set side by side
# without rules stand further apart.
CELL_GAP_EM = 0.7
# A tag run in a sentence stands a word space (a third of an em) from its neighbours; half
# an em or more between a word and a pill's box parts two cells.
PILL_CELL_GAP_EM = 0.5


def _left_edges(rows: list[list[Word]]) -> list[list[float]]:
    """For each row, the left edges that two rows or more near it start at (text columns,
    table columns). Near: a word that happens to start level with lines far up or down
    the page (a wrapped key figure over a grid of challenges) stands at no seam."""
    starts = [(min(w.x0 for w in row), min(w.top for w in row)) for row in rows if row]
    out = []
    for row in rows:
        if not row:
            out.append([])
            continue
        top, reach = min(w.top for w in row), EDGE_REACH_EM * max(w.size for w in row)
        near = Counter(round(x) for x, t in starts if abs(t - top) <= reach)
        out.append(sorted(x for x, n in near.items() if n >= 2))
    return out


# How far up or down the page (in ems of the row's type) rows are looked at for the left
# edges a row's words may start a cell at: a table's worth of rows.
EDGE_REACH_EM = 12.0


def _word_gaps(row: list[Word], text: str) -> list[tuple[int, float, float]]:
    """Each gap between two words of a row: (offset in `text` of the word after it, x where
    the word before it ends, x where that word starts); none when the words cannot be found
    in the text."""
    out: list[tuple[int, float, float]] = []
    pos = 0
    for a, b in zip(row, row[1:]):
        pos = text.find(a.text, pos)
        if pos < 0:
            return []
        pos += len(a.text)
        nxt = text.find(b.text, pos)
        if nxt < 0:
            return []
        out.append((nxt, round(a.x1, 2), round(b.x0, 2)))
    return out


def _wide_gaps(row: list[Word], gaps: list[tuple[int, float, float]], edges: list[float]) -> list[tuple[int, float, float]]:
    """The gaps (`_word_gaps`) where the words of a row stand wider apart than a word space,
    a word starts at a left edge other rows start at (a cell filled to its column's end),
    or a pill's box stands off from its neighbour."""
    out = []
    for (a, b), gap_at in zip(zip(row, row[1:]), gaps):
        gap, size = b.x0 - a.x1, max(a.size, b.size)
        if gap >= CELL_GAP_EM * size or (gap >= 0.2 * size and any(abs(b.x0 - e) <= 1.0 for e in edges)) or _apart_from_box(a, b) >= PILL_CELL_GAP_EM * size:
            out.append(gap_at)
    return out


def _apart_from_box(a: Word, b: Word) -> float:
    """The room between a word and the pill next to it (or between two pills), box edge to
    box edge: a word space before a tag run in its sentence, more between cells of a table
    set tight (a word processor's pills hug their words; 0 when no pill stands there)."""
    if a.pill == b.pill or (a.pill is None and b.pill is None):
        return 0.0
    right = a.pill_span[1] if a.pill_span is not None else a.x1
    left = b.pill_span[0] if b.pill_span is not None else b.x0
    return left - right


def _merge_drop_caps(lines: list[Line], body: float) -> list[Line]:
    """A lone oversized letter opens the text line beside its top.

    Drop caps come two ways: the letter is cut from the word ("L" + "a pandémie") or
    printed again in it ("A" + "Abidjan", the real report's "AAbidjan").
    """
    drop: set[int] = set()
    for i, ln in enumerate(lines):
        letters = ln.text.strip()
        if not (1 <= len(letters) <= 2 and letters.isalpha() and ln.size >= 1.8 * body):
            continue
        if len(letters) == 2 and strip_marks(letters[0]) != strip_marks(letters[1]):
            continue
        letter = letters[-1]
        beside = [
            j for j, nxt in enumerate(lines) if j != i and nxt.page == ln.page and nxt.x0 >= ln.x1 - 1 and nxt.x0 - ln.x1 < 2 * ln.size and ln.top - 0.5 * nxt.size <= nxt.top <= ln.top + 0.6 * ln.size
        ]
        if not beside:
            continue
        j = min(beside, key=lambda k: (lines[k].top, lines[k].x0))
        text = lines[j].text
        joined = text if strip_marks(text[:1]) == strip_marks(letter) and text[:1].isupper() else letter + text
        lines[j] = lines[j].model_copy(update={"text": joined, "x0": ln.x0})
        drop.add(i)
    return [ln for i, ln in enumerate(lines) if i not in drop]


def _furniture_key(line: Line, height: float) -> tuple[str, int] | None:
    in_margin = line.bottom < height * MARGIN_SHARE or line.top > height * (1 - MARGIN_SHARE)
    if not in_margin:
        return None
    return (re.sub(r"\d+", "#", line.text.strip().lower()), round(line.top / 6))


def _is_page_number(line: Line, height: float, body: float) -> bool:
    """A page number in the margin: a number alone (or "Page 7", "7 / 31"), never in display
    type (a key figure at the head of a page is no page number)."""
    in_margin = line.bottom < height * MARGIN_SHARE or line.top > height * (1 - MARGIN_SHARE)
    return in_margin and line.size < 1.5 * body and bool(_PAGE_NUMBER_RE.fullmatch(line.text.strip()))


# "7", "Page 7", "p. 7", "Pág. 7", "7 / 31", "7 of 31", "7 sur 31", "— 7 —"
_PAGE_NUMBER_RE = re.compile(r"[-–—·\s]*(?:page\s*|p\.\s*|pág\.?\s*|página\s*)?\d{1,4}(?:\s*(?:/|of|de|sur)\s*\d{1,4})?[-–—·\s]*", re.I)


# --------------------------------------------------------------------------- damaged pages
#
# A damaged page must not lose the report: a page pdfminer cannot read is read again with
# pypdfium2 (PDFium: another parser, more forgiving of broken streams); a page neither can
# read is skipped. Each is a warning on the layout (`page_fallback_reader`,
# `page_unreadable`). Only a file with too few readable pages is quarantined.

PageWords = tuple[int, float, float, list[Word], list]  # page number, width, height, words, image boxes


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _lost_content(page: pdfplumber.page.Page) -> str | None:
    """A content stream of the page whose Flate data cannot be decompressed, else None.

    pdfminer does not raise on such a stream: it reads it as empty and the page's text is
    silently lost. Checked before the page is read (pdfminer drops the raw bytes once it
    has decoded them).
    """
    try:
        streams = list(getattr(page.page_obj, "contents", None) or [])
    except Exception:  # noqa: BLE001 - the page read itself will say what is wrong
        return None
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, resolve1

    for ref in streams:
        try:
            stream = resolve1(ref)
            raw = getattr(stream, "rawdata", None)
            if raw is None or getattr(stream, "data", None) is not None:
                continue  # not a stream, or already decoded (a stream shared by pages)
            filters = stream.get_filters()
            if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
                continue  # other filters raise on bad data: pdfminer says so itself
            if stream.decipher:
                raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
        except Exception:  # noqa: BLE001 - left to the page read
            continue
        objid = getattr(stream, "objid", "?")
        whole = zlib.decompressobj()
        try:
            whole.decompress(raw)
        except zlib.error as exc:
            try:  # pdfminer keeps data whose only fault is the final checksum
                zlib.decompressobj().decompress(raw[:-4])
                continue
            except zlib.error:
                pass
            return f"content stream {objid} cannot be decompressed ({exc}): its text cannot be read"
        if not whole.eof:  # pdfminer reads what there is, without a word
            return f"content stream {objid} is cut short: the end of its text cannot be read"
    return None


def _pdfium_font(textpage: Any, index: int) -> str:
    import ctypes

    import pypdfium2.raw as pdfium_c

    flags = ctypes.c_int()
    size = pdfium_c.FPDFText_GetFontInfo(textpage, index, None, 0, ctypes.byref(flags))
    if size <= 0:
        return ""
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, buf, size, ctypes.byref(flags))
    return buf.value.decode("utf-8", "replace")


def pdfium_page_words(page: Any, x_tolerance: float = 1.5, y_tolerance: float = 2.0) -> tuple[float, float, list[Word], list]:
    """A pypdfium2 page → (width, height, words, image boxes), in the same shape as
    `page_to_words` gives: top-left origin, font, size and fill colour per word.

    Characters join into a word while they share a baseline (within `y_tolerance`), follow
    each other (gap within `x_tolerance`) and keep their font, size and colour, as with
    pdfplumber's `extract_words`. A font name PDFium cannot give is "" (never bold).
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    width, height = float(page.get_width()), float(page.get_height())
    textpage = page.get_textpage()
    words: list[Word] = []
    try:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        cur: Word | None = None
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            ch = "-" if code == 2 else (chr(code) if 0 < code < 0x110000 else "")  # 2: PDFium's end-of-line hyphen
            if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1 or not ch or ch.isspace() or not ch.isprintable():
                if cur is not None:
                    words.append(cur)
                    cur = None
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            size = round(float(pdfium_c.FPDFText_GetFontSize(textpage, i)), 1)
            font = _pdfium_font(textpage, i)
            if pdfium_c.FPDFText_GetFillColor(textpage, i, r, g, b, a):
                color = f"#{r.value & 255:02x}{g.value & 255:02x}{b.value & 255:02x}"
            else:
                color = "#000000"
            x0, x1, y1 = float(left), float(right), height - float(bottom)
            # pdfminer's box is one font size tall above the descent; PDFium's loose box
            # follows the glyph's font bounds (taller over accents): use pdfminer's.
            y0 = y1 - size if size > 0 else height - float(top)
            if cur is not None and abs(y1 - cur.bottom) <= y_tolerance and -x_tolerance <= x0 - cur.x1 <= x_tolerance and (size, font, color) == (cur.size, cur.font, cur.color):
                cur.text += ch
                cur.x1 = max(cur.x1, x1)
                cur.top = min(cur.top, y0)
                continue
            if cur is not None:
                words.append(cur)
            cur = Word(text=ch, x0=x0, x1=x1, top=y0, bottom=y1, size=size, font=font, color=color)
        if cur is not None:
            words.append(cur)
    finally:
        textpage.close()
    out = []
    for w in words:
        w.text = fix_text(w.text)
        if w.text.strip():
            w.x0, w.x1, w.top, w.bottom = round(w.x0, 2), round(w.x1, 2), round(w.top, 2), round(w.bottom, 2)
            out.append(w)
    boxes = []
    try:
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_pos()
            area = (right - left) * (top - bottom)
            if 400 < area < 0.6 * width * height:  # as page_image_boxes
                boxes.append((round(left, 1), round(height - top, 1), round(right, 1), round(height - bottom, 1)))
    except Exception:  # noqa: BLE001 - image boxes only refine the layout
        boxes = []
    return width, height, out, boxes


_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe: one call at a time per process


class _FallbackReader:
    """pypdfium2 on the same file, opened on first use (most files never need it)."""

    def __init__(self, path: Path, pages: int) -> None:
        self.path, self.pages = path, pages
        self.doc: Any = None
        self.error: str | None = None

    def read(self, pno: int) -> PageWords:
        with _PDFIUM_LOCK:
            return self._read(pno)

    def _read(self, pno: int) -> PageWords:
        if self.doc is None and self.error is None:
            try:
                import pypdfium2

                self.doc = pypdfium2.PdfDocument(str(self.path))
                if len(self.doc) != self.pages:  # pages cannot be matched one to one
                    self.error = f"it sees {len(self.doc)} pages where pdfminer sees {self.pages}"
            except Exception as exc:  # noqa: BLE001 - PdfiumError and friends
                self.error = f"cannot open the file ({_reason(exc)})"
        if self.error is not None:
            raise RuntimeError(self.error)
        page = self.doc[pno - 1]
        try:
            width, height, words, boxes = pdfium_page_words(page)
        finally:
            page.close()
        return pno, width, height, words, boxes

    def close(self) -> None:
        if self.doc is not None:
            with _PDFIUM_LOCK:
                try:
                    self.doc.close()
                except Exception:  # noqa: BLE001
                    pass


def _read_page(page: pdfplumber.page.Page, pno: int, fallback: _FallbackReader) -> tuple[PageWords | None, Warning_ | None]:
    """One page's words, read by pdfminer or else by pypdfium2; None when neither can."""
    lost = _lost_content(page)
    words: list[Word] = []
    boxes: list = []
    try:
        words = page_to_words(page)
        boxes = page_image_boxes(page)
        box_rows = _box_rows(_text_boxes(page))  # (read once: boxed rows and card grids)
        tables = ruled_tables(page, words) + boxed_rows(box_rows, words)
        assign_cells(words, tables)
        assign_cards(words, card_grids(box_rows, words), len(tables))
        assign_pills(words, page)
        mark_header_cells(words, page)
        problem = lost
    except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on a broken stream
        problem = _reason(exc)
    if problem is None:
        return (pno, float(page.width), float(page.height), words, boxes), None
    try:
        rescued = fallback.read(pno)
    except Exception as exc:  # noqa: BLE001
        second = _reason(exc) if not isinstance(exc, RuntimeError) else str(exc)
        rescued = None
    else:
        second = "no text found"
    rescued_chars = sum(len(w.text) for w in rescued[3]) if rescued else 0
    if rescued is not None and rescued_chars > sum(len(w.text) for w in words):
        message = f"page {pno} read with pypdfium2 after pdfminer failed: {problem}"
        return rescued, Warning_(page=pno, code=WarningCode.PAGE_FALLBACK_READER, message=message)
    if words:  # a lost stream beside readable ones: keep what pdfminer read
        message = f"page {pno} partly unreadable, its other text is kept: {problem}"
        return (pno, float(page.width), float(page.height), words, boxes), Warning_(page=pno, code=WarningCode.PAGE_UNREADABLE, message=message)
    message = f"page {pno} skipped: it cannot be read (pdfminer: {problem}; pypdfium2: {second})"
    return None, Warning_(page=pno, code=WarningCode.PAGE_UNREADABLE, message=message)


# --------------------------------------------------------------------------- entry point


def pdf_to_layout(path: Path, max_pages: int | None = None, min_readable_share: float | None = None) -> DocumentLayout:
    """Read a PDF into body lines per page, in reading order, with furniture removed.

    A page that cannot be read is read with pypdfium2 instead, or skipped; both are
    warnings on the layout. `CorruptPdf` when the file has pages but fewer than
    `min_readable_share` of them (default: `Settings().min_readable_page_share`) can be read.
    """
    if min_readable_share is None:
        from .settings import Settings

        min_readable_share = Settings().min_readable_page_share
    path = Path(path)
    pages_words: list[PageWords] = []
    warnings: list[Warning_] = []
    with open_pdf(path) as pdf:
        n = len(pdf.pages)
        if max_pages is not None and n > max_pages:  # refuse before reading any page
            raise LimitExceeded(f"{n} pages, over the {max_pages}-page limit", code="too_many_pages")
        fallback = _FallbackReader(path, n)
        try:
            for i, page in enumerate(pdf.pages, start=1):
                read, warning = _read_page(page, i, fallback)
                if read is not None:
                    pages_words.append(read)
                if warning is not None:
                    warnings.append(warning)
                try:
                    page.close()  # pdfplumber caches layout objects per page: free them now
                except Exception:  # noqa: BLE001
                    pass
        finally:
            fallback.close()
    layout = words_to_layout(pages_words, n)
    warnings = sorted([*warnings, *layout.warnings], key=lambda w: w.page or 0)
    readable = len(layout.pages)
    if n and readable < max(1e-9, min_readable_share) * n:
        skipped = [w.message for w in warnings if w.code == WarningCode.PAGE_UNREADABLE and "skipped" in w.message]
        first = "; ".join(skipped[:2]) + (f"; … ({len(skipped) - 2} more)" if len(skipped) > 2 else "")
        if readable == 0:
            what = "no page can be read" if n > 1 else "its only page cannot be read"
        else:
            what = f"only {readable} of {n} pages can be read (at least {min_readable_share:.0%} needed: min_readable_page_share)"
        raise CorruptPdf(f"{what}: {first}", stage="layout")
    return layout.model_copy(update={"warnings": warnings})


def body_size_of(pages_words: list[PageWords]) -> float:
    sizes: Counter[float] = Counter()
    for _, _, _, words, _ in pages_words:
        for w in words:
            sizes[round(w.size * 2) / 2] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def words_to_layout(pages_words: list[PageWords], page_count: int) -> DocumentLayout:
    """Pure part of the layout stage: words per page → DocumentLayout."""
    body = body_size_of(pages_words)
    col_gap = max(6.0, 1.1 * body)
    pages: list[tuple[int, float, float, list[Line], list]] = []
    warnings: list[Warning_] = []
    for pno, width, height, words, boxes in pages_words:
        try:
            lines: list[Line] = []
            rows = [(b, row) for b, block in enumerate(reading_blocks(hang_list_marks(words), boxes, width, height, col_gap)) for row in block_rows(block)]
            edges = _left_edges([row for _, row in rows])
            lines.extend(_row_to_line(row, pno, b, near) for (b, row), near in zip(rows, edges))
            lines = _merge_drop_caps(lines, body)
        except Exception as exc:  # noqa: BLE001 - one odd page must not lose the report
            warnings.append(Warning_(page=pno, code=WarningCode.PAGE_UNREADABLE, message=f"page {pno} skipped: its layout failed ({_reason(exc)})"))
            continue
        pages.append((pno, width, height, lines, boxes))

    # Running headers/footers: the same text at the same height in the margin of many pages.
    counts: Counter[tuple[str, int]] = Counter()
    for _, _, height, lines, _ in pages:
        for key in {k for ln in lines if (k := _furniture_key(ln, height))}:
            counts[key] += 1
    min_pages = max(3, FURNITURE_MIN_SHARE * len(pages))
    furniture = {k for k, c in counts.items() if c >= min_pages}
    removed = 0
    out = []
    for pno, width, height, lines, boxes in pages:
        kept, dropped = [], []
        for ln in lines:
            if _is_page_number(ln, height, body) or _furniture_key(ln, height) in furniture:
                removed += 1
                dropped.append(ln)
                continue
            kept.append(ln)
        out.append(PageLayout(page=pno, width=width, height=height, lines=kept, image_boxes=boxes, furniture=dropped))
    return DocumentLayout(pages=out, body_size=body, page_count=page_count, removed_furniture=removed, warnings=warnings)


def text_chars(layout: DocumentLayout) -> int:
    """Letters found on all pages; a scanned PDF has (almost) none."""
    return sum(sum(c.isalnum() for c in ln.text) for p in layout.pages for ln in p.lines)


def cid_share(layout: DocumentLayout) -> float:
    """Share of text made of '(cid:N)' placeholders: fonts without a Unicode map."""
    total = sum(len(ln.text) for p in layout.pages for ln in p.lines)
    cid = sum(len(m) for p in layout.pages for ln in p.lines for m in _CID_RE.findall(ln.text))
    return cid / total if total else 0.0
