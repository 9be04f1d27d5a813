"""Tables as printed, for the sections that print them: header keys, rows, cells.

Two kinds of table reach the sections:
- ruled tables, found by the layout stage from their drawn rules: every line carries its
  `cell` (table, row, column), so the grid is read off the lines;
- unruled tables, found here from a header row: two or more lines on one baseline whose
  texts are column headers of the section's vocabulary ("Mois | Média | Titre",
  "Name | Position"). The header cells' left edges give the columns; the lines under
  them fall into the column they start in, and into a new row where a gap opens above
  them (wrapped lines of one cell sit closer than rows do).

Either way a table is `Table(keys, rows)`: one key per column ("month", "outlet", …; ""
for a column without a known header), rows of cells, each cell the lines printed in it.
A transposed table (months across the top, "Format / Members / Alliances" down the
first column) is turned so that its row headers become the keys. A table continued on
the next page with its header repeated is one table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .models import Line
from .text import fold
from .vocab import Vocabulary


@dataclass
class Table:
    keys: list[str]
    rows: list[list[list[Line]]] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)  # the header cells' lines (repeats included)
    # lines the table's cells were cut from (cells set close on one line, see `cell_pieces`)
    split: list[Line] = field(default_factory=list)

    def records(self) -> list[dict[str, list[Line]]]:
        """Each row as {key: lines}; columns without a key are left out."""
        out = []
        for row in self.rows:
            rec: dict[str, list[Line]] = {}
            for key, cell in zip(self.keys, row):
                if key:
                    rec.setdefault(key, []).extend(cell)
            out.append(rec)
        return out

    @property
    def lines(self) -> list[Line]:
        """Every line the table holds, headers included, and the lines its cells were cut from."""
        return self.header + [ln for row in self.rows for cell in row for ln in cell] + self.split


def header_key(text: str, vocab: Vocabulary, keys: tuple[str, ...]) -> str | None:
    """The column key a header cell names, among `keys` (in their order of preference)."""
    folded = fold(text)
    for key in keys:
        if any(fold(v) == folded for v in vocab.table_headers.get(key, [])):
            return key
    return None


# --------------------------------------------------------------------------- ruled


def _grids(lines: list[Line]) -> list[list[list[list[Line]]]]:
    """The ruled tables among the lines: rows × columns of cell lines, in page order."""
    found: dict[tuple[int, int], dict[tuple[int, int], list[Line]]] = {}
    for ln in lines:
        if ln.cell is not None:
            found.setdefault((ln.page, ln.cell[0]), {}).setdefault(ln.cell[1:], []).append(ln)
    out = []
    for key in sorted(found):
        cells = found[key]
        n_rows = 1 + max(r for r, _ in cells)
        n_cols = 1 + max(c for _, c in cells)
        out.append([[cells.get((r, c), []) for c in range(n_cols)] for r in range(n_rows)])
    return out


def _text(cell: list[Line]) -> str:
    return " ".join(ln.text.strip() for ln in cell)


def _header_key_of(cell: list[Line], vocab: Vocabulary, keys: tuple[str, ...]) -> str | None:
    """The column a header cell names, its lines read with spaces or, for a header word a
    narrow cell broke without a hyphen ("Form" / "at"), run together."""
    return header_key(_text(cell), vocab, keys) or (header_key("".join(ln.text.strip() for ln in cell), vocab, keys) if len(cell) > 1 else None)


def _oriented(grid: list[list[list[Line]]], vocab: Vocabulary, keys: tuple[str, ...]) -> Table | None:
    """A grid as a Table: header keys across the top, or down the first column."""
    top = [_header_key_of(c, vocab, keys) for c in grid[0]]
    if sum(k is not None for k in top) >= 2 or (len(grid[0]) == 1 and top[0]):
        return Table(keys=[k or "" for k in top], rows=[r for r in grid[1:] if any(r)], header=[ln for c in grid[0] for ln in c])
    left = [_header_key_of(r[0], vocab, keys) if r else None for r in grid]
    if len({k for k in left if k is not None}) >= 2:  # one key down a column is a column's values ("Member")
        # transposed: each column after the first is one record; a top row of months
        # (or any unlabelled first row) names the records
        n_cols = max(len(r) for r in grid)
        first_is_head = left[0] is None
        head = grid[0] if first_is_head else None
        body = grid[1:] if first_is_head else grid
        row_keys = [k or "" for k in (left[1:] if first_is_head else left)]
        rows = []
        for c in range(1, n_cols):
            cells = [r[c] if c < len(r) else [] for r in body]
            if not any(cells):
                continue
            rows.append(([head[c]] if head is not None and c < len(head) else [[]]) + cells)
        month_key = "month" if "month" in keys else ""
        head_lines = [ln for r in body for ln in (r[0] if r else [])] + ([ln for c in head for ln in c] if head is not None else [])
        rows = [[cell if j else [] for j, cell in enumerate(row)] if head is None else row for row in rows]
        return Table(keys=[month_key, *row_keys], rows=rows, header=head_lines)
    return None


def ruled_tables(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...]) -> list[Table]:
    """The ruled tables of a section with known headers; a repeated header continues one."""
    out: list[Table] = []
    for grid in _grids(lines):
        table = _oriented(grid, vocab, keys)
        if table is None:
            continue
        if out and out[-1].keys == table.keys:
            out[-1].rows.extend(table.rows)
            out[-1].header.extend(table.header)
        else:
            out.append(table)
    return out


# --------------------------------------------------------------------------- unruled


def _rows_by_baseline(lines: list[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda x: (x.page, x.top, x.x0)):
        if rows and rows[-1][0].page == ln.page and abs(rows[-1][0].top - ln.top) <= 0.35 * ln.size:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [sorted(r, key=lambda x: x.x0) for r in rows]


def cell_pieces(ln: Line) -> list[Line]:
    """A line cut at its wide gaps (`Line.breaks`): the cells of an unruled table row that
    the layout read as one line. A line without wide gaps is itself."""
    return cut_line(ln, ln.breaks)


def cut_at_columns(ln: Line, starts: list[float]) -> list[Line]:
    """A line cut where a word starts at a column's start (`starts`, a table's header cells)
    after more than a tight word space: cells of a row set closer than `cell_pieces` tells,
    in a table whose columns are known. One such word after a plain word space is chance
    (a sentence under the table): it takes two, or a gap wider than a word space stretches.
    A line no column starts inside is itself."""
    inside = [x for x in starts if ln.x0 + 0.5 * ln.size < x < ln.x1]
    at_columns = [g for g in ln.gaps if g[2] - g[1] >= 0.15 * ln.size and any(abs(g[2] - x) <= COLUMN_START_SLACK for x in inside)]
    cuts = at_columns if len(at_columns) >= 2 else [g for g in at_columns if g[2] - g[1] >= 0.45 * ln.size]
    return cut_line(ln, cuts) if cuts else [ln]


# how far a cell's first word may stand from its column header's start (the same padding)
COLUMN_START_SLACK = 1.5


def cut_line(ln: Line, gaps: list[tuple[int, float, float]]) -> list[Line]:
    """The pieces of a line between the given gaps (offset, end before, start after)."""
    if not gaps or any(not 0 < offset <= len(ln.text) for offset, _, _ in gaps):
        return [ln]
    cuts = [(0, ln.x0), *((offset, start) for offset, _, start in gaps)]
    ends = [end for _, end, _ in gaps] + [ln.x1]
    out = []
    for (offset, x0), x1, nxt in zip(cuts, ends, [*(offset for offset, _, _ in gaps), len(ln.text)]):
        text = ln.text[offset:nxt].strip()
        if text:
            inner = [(o - offset, a, b) for o, a, b in ln.gaps if offset < o < nxt]
            out.append(ln.model_copy(update={"text": text, "x0": x0, "x1": x1, "breaks": [], "gaps": inner, "runs": []}))
    return out


def _in_reach(band: list[Line], left: float, right: float = float("inf")) -> list[Line]:
    """The lines of a band that reach the table (its first column starts at `left`; no
    line of it starts at or past `right`)."""
    return [ln for ln in band if ln.x1 > left - 0.3 * ln.size and ln.x0 < right]


def _rejoin_pieces(row: list[Line], cols: list[int], source: dict[int, Line]) -> tuple[list[Line], list[int]]:
    """Pieces of one line that fall in one column are one cell again (names on pills set
    wide apart inside a cell)."""
    out: list[Line] = []
    out_cols: list[int] = []
    for ln, col in zip(row, cols):
        prev = out[-1] if out else None
        if prev is not None and out_cols[-1] == col and source.get(id(ln)) is not None and source.get(id(prev)) is source.get(id(ln)):
            out[-1] = prev.model_copy(update={"text": f"{prev.text} {ln.text}", "x1": ln.x1})
            source[id(out[-1])] = source[id(ln)]
            continue
        out.append(ln)
        out_cols.append(col)
    return out, out_cols


def _header_band(bands: list[list[Line]], k: int, vocab: Vocabulary, keys: tuple[str, ...]) -> tuple[list[Line], list[Line], int]:
    """Band k, or band k with the bands right under it in its style when they make a header
    row that names more columns, or names the same ones (each cell a known header): a
    header cell wrapped over two lines ("Function in the" / "board", "Full" / "name")
    beside one-line cells centred on it. Returns the header cells, the lines they
    are made of and the index of the last band taken."""
    band = bands[k]
    size, style = band[0].size, (band[0].size, band[0].bold)
    taken = list(band)
    last = k
    for j in range(k + 1, min(k + 3, len(bands))):
        nxt = bands[j]
        if nxt[0].page != band[0].page or nxt[0].top - max(ln.bottom for ln in taken) > 0.6 * size or any((ln.size, ln.bold) != style for ln in nxt):
            break
        taken += nxt
        last = j
    if last == k:
        return band, band, k
    cells: list[list[Line]] = []
    for ln in sorted(taken, key=lambda x: (x.x0, x.top)):
        if cells and abs(cells[-1][0].x0 - ln.x0) < 0.6 * size:
            cells[-1].append(ln)
        else:
            cells.append([ln])
    merged = [c[0].model_copy(update={"text": " ".join(" ".join(x.text.split()) for x in c), "bottom": max(x.bottom for x in c), "x1": max(x.x1 for x in c)}) for c in cells]

    def named(row: list[Line]) -> int:
        return len({h for ln in row if (h := header_key(ln.text, vocab, keys))})

    # (a cell wrapped under one that already names its column, "Full" / "name", is
    # header too when every merged cell still names one)
    return (merged, taken, last) if named(merged) >= named(band) and named(merged) == len(merged) else (band, band, k)


def _column_of(ln: Line, starts: list[float]) -> int:
    """The column a line starts in: the last column start at or left of it, within a
    little of its size (a cell set a hair left of its column is still that column's);
    the first column for a line left of them all."""
    return max((j for j, x in enumerate(starts) if ln.x0 >= x - 0.6 * ln.size), default=0)


def _cells_at(row: list[Line], starts: list[float], source: dict[int, Line]) -> bool:
    """Two cells or more, each starting where a column of the table does. Pieces cut from
    one line count as one cell (a name cut at a seam that other rows' words made); a line
    holding words that start at the columns is cut there first (cells set tight)."""
    row = [piece for ln in row for piece in (cut_at_columns(ln, starts) if id(ln) not in source else [ln])]
    if not _cells_on_the_dot(row, starts):  # (pieces on the dot are the row's cells)
        row = list({id(source.get(id(ln), ln)): ln for ln in reversed(row)}.values())
    return len(row) >= 2 and all(any(abs(ln.x0 - x) < 0.6 * ln.size for x in starts) for ln in row)


def _cells_on_the_dot(row: list[Line], starts: list[float]) -> bool:
    """Every line of a row starts within `COLUMN_START_SLACK` of a column's start, a column of
    its own, the first line at the first column."""
    at = [next((j for j, x in enumerate(starts) if abs(ln.x0 - x) <= COLUMN_START_SLACK), None) for ln in row]
    return len(row) >= 2 and at[0] == 0 and None not in at and len(set(at)) == len(at)


def _continues_on_next_page(row: list[Line], page: int, starts: list[float], source: dict[int, Line]) -> bool:
    """The first row of the next page, its cells starting where the table's columns do: the
    table runs on without its header repeated."""
    return bool(row) and row[0].page == page + 1 and _cells_at(row, starts, source)


def _moved_columns(band: list[Line], starts: list[float], source: dict[int, Line]) -> tuple[list[float], float] | None:
    """The table's columns moved to the band's page column (the same starts, shifted to its
    left edge), and the right edge the table keeps there (lines beyond it are the next page
    column's); None when the band's cells do not start at the moved columns."""
    if len(starts) < 2 or not band:
        return None
    dx = min(ln.x0 for ln in band) - starts[0]
    moved = [x + dx for x in starts]
    # a cell of the last column starts at its start: a line starting further right is
    # the next page column's
    right = min((ln.x0 for ln in band if ln.x0 > moved[-1] + 0.6 * ln.size), default=float("inf"))
    row = [ln for ln in band if ln.x0 < right]
    return (moved, right) if _cells_at(row, moved, source) else None


def _moved_to_next_page(band: list[Line], page: int, starts: list[float], source: dict[int, Line]) -> tuple[list[float], float] | None:
    """A header row at the foot of a page whose rows go on at the head of the next page in
    another page column. None when the band does not continue the table."""
    return _moved_columns(band, starts, source) if band and band[0].page == page + 1 else None


@dataclass
class _Walk:
    """A table's rows being read band by band: where its columns start, its right edge
    (once moved to another page column), the page and the last row's foot."""

    starts: list[float]
    size: float
    page: int
    prev_bottom: float
    right: float = float("inf")
    rows: list[list[list[Line]]] = field(default_factory=list)
    taken: list[Line] = field(default_factory=list)


def _walk_rows(bands: list[list[Line]], k: int, walk: _Walk, vocab: Vocabulary, keys: tuple[str, ...], source: dict[int, Line]) -> int:
    """Read the table's rows from band k on; returns the first band that is not one."""
    starts, size = walk.starts, walk.size
    while k < len(bands) and (bands[k][0].page == walk.page or _continues_on_next_page(_in_reach(bands[k], starts[0], walk.right), walk.page, starts, source)):
        row = [ln for ln in _in_reach(bands[k], starts[0], walk.right) if not _past_right_edge(ln, walk)]
        row = _cut_at(row, starts, source)
        if not row:
            k += 1  # a line of a page column left or right of the table, level with it
            continue
        turned = row[0].page != walk.page
        walk.page = row[0].page
        if row[0].x0 < starts[0] - 0.8 * size or (not turned and row[0].top - walk.prev_bottom > 3.0 * size):
            break  # text left of the table, or a gap: the table has ended
        if sum(header_key(ln.text, vocab, keys) is not None for ln in row) >= 2:
            break  # a header row: another table (or this one's header repeated) starts
        cols = [_column_of(ln, starts) for ln in row]
        row, cols = _rejoin_pieces(row, cols, source)
        if len(set(cols)) < len(cols):
            break  # two lines in one column on one baseline: no longer this table
        if any(j + 1 < len(starts) and ln.x1 > starts[j + 1] + 0.5 * ln.size for j, ln in zip(cols, row)):
            break  # a line running across a column's start: text after the table
        if not walk.rows or turned or row[0].top - walk.prev_bottom > 0.3 * row[0].size:
            walk.rows.append([[] for _ in starts])
        for j, ln in zip(cols, row):
            walk.rows[-1][j].append(ln)
        walk.taken.extend(row)
        walk.prev_bottom = max(ln.bottom for ln in row)
        k += 1
    return k


def _cut_at(row: list[Line], starts: list[float], source: dict[int, Line]) -> list[Line]:
    """A row's lines cut at the table's column starts, each piece remembered as cut from
    the line its line was cut from."""
    pieces, cut_from = cut_lines_at_columns(row, lambda _: starts)
    source.update((i, source.get(id(ln), ln)) for i, ln in cut_from.items())
    return pieces


def cut_lines_at_columns(lines: list[Line], starts_of: Callable[[Line], list[float]]) -> tuple[list[Line], dict[int, Line]]:
    """Each line cut at the column starts `starts_of` gives for it (`cut_at_columns`):
    the lines and pieces in order, and each piece's line (by the piece's id)."""
    out: list[Line] = []
    cut_from: dict[int, Line] = {}
    for ln in lines:
        pieces = cut_at_columns(ln, starts_of(ln))
        if len(pieces) > 1:
            cut_from.update((id(p), ln) for p in pieces)
        out.extend(pieces)
    return out, cut_from


def _past_right_edge(ln: Line, walk: _Walk) -> bool:
    """A line of the next page column, level with the table's rows: it starts a gutter
    (2 em) right of everything the table holds so far and further right of its last
    column's start than its columns stand apart (a contact box beside a staff table)."""
    starts = walk.starts
    spacing = max(b - a for a, b in zip(starts, starts[1:])) if len(starts) > 1 else 0.0
    edge = max((t.x1 for t in walk.taken), default=starts[-1])
    return ln.x0 > edge + 2 * walk.size and ln.x0 > starts[-1] + spacing


def _next_column_head(bands: list[list[Line]], walk: _Walk, order: dict[int, int], source: dict[int, Line]) -> tuple[list[float], float, list[list[Line]]] | None:
    """Where the table goes on at the head of the next page column of the same page: the
    lines read right after the table, higher up the page and right of it, whose first band
    starts its cells at the table's columns moved there. Returns the moved columns, the
    right edge and the bands of that page column (top down), or None."""

    def place(ln: Line) -> int:  # a piece rejoined in a cell is placed as the line it was cut from
        return order.get(id(ln), order.get(id(source.get(id(ln))), -1))

    if not walk.taken:
        return None
    last = max(place(ln) for ln in walk.taken)
    past_columns = walk.starts[-1] + walk.size  # right of where the table's last column starts
    if any(ln.page == walk.page and ln.top > walk.prev_bottom and ln.x0 < past_columns and ln.x1 > walk.starts[0] for band in bands for ln in band):
        return None  # its page column goes on under it: the table ended there
    later = [[ln for ln in band if place(ln) > last and ln.x0 > past_columns] for band in bands if band[0].page == walk.page]
    later = [band for band in later if band]
    if not later or min(ln.top for ln in later[0]) >= walk.prev_bottom:
        return None  # nothing read next higher up: no page column turned
    for j in range(min(8, len(later))):
        if (moved := _moved_columns(later[j], walk.starts, source)) is not None:
            return (moved[0], moved[1], later[j:]) if _ends_cut_row(walk, later[:j], *moved) else None
    return None


def _ends_cut_row(walk: _Walk, above: list[list[Line]], starts: list[float], right: float) -> bool:
    """The lines at the head of the page column a table goes on in, above its first row
    there, are the rest of its last row (a row cut by the column or page break: a name at
    the foot, its position at the head): put them in that row's cells. False when one of
    them starts left of the table (a heading or text over the columns)."""
    lines = [ln for band in above for ln in band if ln.x0 < right and ln.x1 > starts[0]]
    if any(ln.x0 < starts[0] - 0.6 * ln.size for ln in lines):
        return False
    for ln in lines:
        walk.rows[-1][_column_of(ln, starts)].append(ln)
        walk.taken.append(ln)
    return True


def _next_page_head(bands: list[list[Line]], k: int, walk: _Walk, source: dict[int, Line]) -> int | None:
    """Where the table goes on at the head of the next page in another page column, its
    header not repeated: the first of the next page's first bands whose cells start at the
    table's columns moved there. Lines above it in those columns end the table's last row
    (a row cut by the page break). Sets the walk there and returns that band's index, or
    None."""
    if not walk.rows or k >= len(bands) or bands[k][0].page != walk.page + 1:
        return None
    for j in range(k, min(k + 8, len(bands))):
        if bands[j][0].page != walk.page + 1:
            return None
        if (moved := _moved_columns(bands[j], walk.starts, source)) is None:
            continue
        starts, right = moved
        if not _ends_cut_row(walk, bands[k:j], starts, right):
            return None  # a heading or text over the columns: something else starts there
        walk.starts, walk.right, walk.page = starts, right, walk.page + 1
        walk.prev_bottom = min(ln.top for ln in bands[j])
        walk.rows.append([[] for _ in starts])  # the page turned: a new row
        return j
    return None


def _own_header_cells(band: list[Line], vocab: Vocabulary, keys: tuple[str, ...], below: Sequence[list[Line]] = ()) -> tuple[list[Line], float]:
    """A band's lines that can be header cells, and the table's right edge: beside the
    cells naming columns, a line in another type (a grid of names, a contact box, set
    level with the table in the next page column) is not one of them, nor one in the same
    type whose lines under it (`below`: the next bands) never stand level with the named
    columns' (a contact box's heading: its lines keep their own leading), and the table's
    rows stop short of it; a line between two of them is one."""
    named = [ln for ln in band if header_key(ln.text, vocab, keys)]
    if len(named) < 2:
        return band, float("inf")
    styles = {(round(ln.size, 1), ln.bold) for ln in named}
    first, last = min(ln.x0 for ln in named), max(ln.x0 for ln in named)
    own = [ln for ln in band if first <= ln.x0 <= last or ((round(ln.size, 1), ln.bold) in styles and not _own_leading(ln, named, below))]
    right = min((ln.x0 for ln in band if ln.x0 > last and ln not in own), default=float("inf"))
    return own, right


def _own_leading(head: Line, named: list[Line], below: Sequence[list[Line]]) -> bool:
    """Two lines or more start under `head` and none stands level with a line under the
    named header cells: a block beside the table, not a column of its rows."""
    under = [ln for band in below for ln in band if ln.page == head.page and abs(ln.x0 - head.x0) < 0.6 * head.size]
    cells = [ln for band in below for ln in band if ln.page == head.page and any(abs(ln.x0 - h.x0) < 0.6 * h.size for h in named)]
    return len(under) >= 2 and bool(cells) and not any(abs(u.top - c.top) < 0.2 * u.size for u in under for c in cells)


def unruled_tables(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...], required: tuple[str, ...] = ()) -> list[Table]:
    """Tables found from a header row of known column headers, without rules.

    Labels of cards set side by side ("Membres" beside "Alliances") also share a
    baseline: a header row must name every `required` key (a meetings table its
    months, a people table its names). A table that reaches the foot of a page column
    goes on at the head of the next one, on the same page or the next.
    """
    source: dict[int, Line] = {}  # a cell piece → the line it was cut from
    loose: list[Line] = []
    order: dict[int, int] = {}  # a line (or piece) → its place in the reading order
    for n, ln in enumerate(lines):
        if ln.cell is None:
            pieces = cell_pieces(ln)
            source.update((id(p), ln) for p in pieces if p is not ln)
            order.update((id(p), n) for p in [ln, *pieces])
            loose.extend(pieces)
    bands = _rows_by_baseline(loose)
    out: list[Table] = []
    k = 0
    while k < len(bands):
        bands[k], right = _own_header_cells(bands[k], vocab, keys, bands[k + 1 : k + 8])
        band, header, k = _header_band(bands, k, vocab, keys)
        hk = [header_key(ln.text, vocab, keys) for ln in band]
        if len(band) < 2 or sum(h is not None for h in hk) < 2 or len(set(h for h in hk if h)) < 2 or not set(required) <= set(hk):
            k += 1
            continue
        walk = _Walk(starts=[ln.x0 for ln in band], size=band[0].size, page=band[0].page, prev_bottom=band[0].bottom, right=right, taken=list(header))
        k += 1
        # (past lines of other page columns level with the header's foot)
        nxt = next((j for j in range(k, len(bands)) if bands[j][0].page != walk.page or _in_reach(bands[j], walk.starts[0], walk.right)), len(bands))
        at_foot = nxt >= len(bands) or bands[nxt][0].page != walk.page  # nothing under it on its page
        if nxt < len(bands) and bands[nxt][0].page != walk.page and (moved := _moved_to_next_page(bands[nxt], walk.page, walk.starts, source)) is not None:
            walk.starts, walk.right = moved
            k = nxt
        k = _walk_rows(bands, k, walk, vocab, keys, source)
        if (head := _next_column_head(bands, walk, order, source)) is not None:
            walk.starts, walk.right, column = head
            walk.prev_bottom = min(ln.top for ln in column[0])
            walk.rows.append([[] for _ in walk.starts])  # the column turned: a new row
            _walk_rows(column, 0, walk, vocab, keys, source)
            walk.rows = [r for r in walk.rows if any(r)]
        elif (turn := _next_page_head(bands, k, walk, source)) is not None:
            k = _walk_rows(bands, turn, walk, vocab, keys, source)
            walk.rows = [r for r in walk.rows if any(r)]
        if not walk.rows and not at_foot:
            continue  # (a header at a page's foot stays a table: its rows may be a ruled grid overleaf)
        rows = walk.rows
        table_keys = [h or "" for h in hk]
        cut_from = list({id(o): o for ln in [*header, *(x for row in rows for cell in row for x in cell)] if (o := source.get(id(ln))) is not None}.values())
        if out and out[-1].keys == table_keys:
            out[-1].rows.extend(rows)  # the header repeated on the next page
            out[-1].header.extend(header)
            out[-1].split.extend(cut_from)
        else:
            out.append(Table(keys=table_keys, rows=rows, header=list(header), split=cut_from))
    return out


def unruled_transposed_tables(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...]) -> list[Table]:
    """Unruled tables whose row headers run down their first column ("Format", "Members",
    "Alliances" one under the other, a left edge shared): the header cells of the records
    (months) stand on the row above the first row header, right of that column; each row
    runs down to the next row header."""
    loose = [ln for ln in lines if ln.cell is None]
    out: list[Table] = []
    columns: dict[tuple[int, int], list[Line]] = {}
    for ln in loose:
        if header_key(ln.text, vocab, keys) is not None:
            columns.setdefault((ln.page, round(ln.x0)), []).append(ln)
    for (page, _), heads in sorted(columns.items()):
        heads.sort(key=lambda h: h.top)
        if len({header_key(h.text, vocab, keys) for h in heads}) < 2:
            continue
        size, right = heads[0].size, max(h.x1 for h in heads)
        beside = [ln for ln in loose if ln.page == page and ln.x0 > right and header_key(ln.text, vocab, keys) is None]
        level = [h for h in heads if any(abs(ln.top - h.top) < 0.3 * size for ln in beside)]
        if len(level) < len(heads) - 1:
            continue  # labels with their values under them (cards), not row headers with cells beside
        top_row = [ln for ln in beside if heads[0].top - 4 * size <= ln.top < heads[0].top - 0.3 * size]
        if len(top_row) < 1:
            continue
        top_row = [ln for ln in top_row if abs(ln.top - max(t.top for t in top_row)) < 0.3 * size]
        starts = sorted(ln.x0 for ln in top_row)

        grid: list[list[list[Line]]] = [[[]] + [[ln] for ln in sorted(top_row, key=lambda t: t.x0)]]
        below = [ln for ln in beside if ln.top > max(t.bottom for t in top_row) - 0.3 * size and ln.top < heads[-1].top + 8 * size]
        centred = centred_rows(heads, [[ln for ln in below if _column_of(ln, starts) == c] for c in range(len(starts))], size)
        for r, h in enumerate(heads):
            if centred is not None:
                grid.append([[h], *centred[r]])
                continue
            end = heads[r + 1].top - 0.3 * size if r + 1 < len(heads) else h.top + 8 * size
            row: list[list[Line]] = [[h]] + [[] for _ in starts]
            for ln in sorted(beside, key=lambda t: t.top):
                if h.top - 0.3 * size <= ln.top < end:
                    row[1 + _column_of(ln, starts)].append(ln)
            grid.append(row)
        table = _oriented(grid, vocab, keys)
        if table is not None:
            out.append(table)
    return out


def _cells_by_gap(lines: list[Line], size: float) -> list[list[Line]]:
    """A column's lines, top to bottom, in cells: lines of one cell follow each other at the
    column's tightest pitch, cells stand further apart."""
    lines = sorted(lines, key=lambda ln: ln.top)
    steps = [b.top - a.top for a, b in zip(lines, lines[1:])]
    pitch = min(steps, default=0.0)
    cells: list[list[Line]] = []
    for k, ln in enumerate(lines):
        if not cells or steps[k - 1] > pitch + 0.2 * size:
            cells.append([])
        cells[-1].append(ln)
    return cells


def centred_rows(heads: list[Line], columns: list[list[Line]], size: float) -> list[list[list[Line]]] | None:
    """Rows of a transposed table whose row headers are centred on their rows (a word
    processor's default): each cell is the run of lines around its row header's middle.
    None when the cells do not fall one to a header (rows aligned at the top: read by the
    headers' tops instead). Cells after the last row belong to what follows."""
    rows: list[list[list[Line]]] = [[[] for _ in columns] for _ in heads]
    for c, lines in enumerate(columns):
        cells = _cells_by_gap(lines, size)
        last = -1
        for cell in cells:
            mids = [r for r, h in enumerate(heads) if cell[0].top - 0.3 * size <= (h.top + h.bottom) / 2 <= cell[-1].bottom + 0.3 * size]
            if len(mids) != 1 or mids[0] <= last:
                if last == len(heads) - 1:
                    break  # past the table
                return None
            last = mids[0]
            rows[last][c] = cell
    return rows if any(cell for row in rows for cell in row) else None


def _header_rows(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[list[Line], list[Line]]]:
    """Unruled rows that name two columns or more of `keys` (every `required` one): the
    header cells and the lines they are made of."""
    bands = _rows_by_baseline([ln for ln in lines if ln.cell is None])
    out = []
    k = 0
    while k < len(bands):
        cells, made_of, k = _header_band(bands, k, vocab, keys)
        named = [h for ln in cells if (h := header_key(ln.text, vocab, keys))]
        if len(cells) >= 2 and len(set(named)) == len(cells) and set(required) <= set(named):
            out.append((cells, made_of))
        k += 1
    return out


def _heads_grid(cells: list[Line], made_of: list[Line], starts: list[float | None], at: tuple[int, float], lines: list[Line]) -> bool:
    """A header row heads the grid whose columns start at `starts` and whose first line is
    `at` (page, top): right above it, or at the foot of the page before, nothing between,
    one cell per column, each starting where its column does."""
    page, top = at
    bottom = max(ln.bottom for ln in made_of)
    between = [ln for ln in lines if ln.cell is None and ln not in made_of and (made_of[0].page, bottom) < (ln.page, ln.top) < (page, top)]
    # at the foot of the page column before: on the same page, left of the grid, which
    # starts higher up at the head of its page column
    left = [x for x in starts if x is not None]
    column_before = made_of[0].page == page and top < bottom and bool(left) and max(ln.x1 for ln in made_of) < min(left)
    if column_before:  # and at its foot: no rows of its own under it
        x0, x1 = min(ln.x0 for ln in made_of), max(ln.x1 for ln in made_of)
        column_before = not any(ln.page == page and ln.top > bottom and ln.x0 < x1 and ln.x1 > x0 for ln in lines if ln.cell is None and ln not in made_of)
    placed = (made_of[0].page == page and bottom <= top + 1) or made_of[0].page == page - 1 or column_before
    dx = starts[0] - cells[0].x0 if column_before and starts[0] is not None else 0.0  # the columns moved with the grid
    aligned = len(cells) == len(starts) and all(x is None or abs(ln.x0 + dx - x) < 0.8 * ln.size for ln, x in zip(cells, starts))
    return placed and aligned and not between


def headed_grids(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...], required: tuple[str, ...] = ()) -> list[Table]:
    """Ruled grids without a header row of their own, right under an unruled header row
    whose cells start where the grid's columns do: rules between the body's rows only,
    the header perhaps at the foot of the page before."""
    heads = _header_rows(lines, vocab, keys, required)
    out = []
    for grid in _grids(lines):
        body = [ln for row in grid for cell in row for ln in cell]
        if not body or sum(header_key(_text(c), vocab, keys) is not None for c in grid[0]) >= 2:
            continue  # the grid has a header row of its own
        page, top = min((ln.page, ln.top) for ln in body)
        starts = [min((ln.x0 for row in grid for ln in row[c]), default=None) for c in range(len(grid[0]))]
        match = next(((cells, made_of) for cells, made_of in reversed(heads) if _heads_grid(cells, made_of, starts, (page, top), lines)), None)
        if match is not None:
            cells, made_of = match
            out.append(Table(keys=[header_key(ln.text, vocab, keys) or "" for ln in cells], rows=[r for r in grid if any(r)], header=list(made_of)))
    return out


def find_tables(lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...], required: tuple[str, ...] = ()) -> list[Table]:
    """Ruled and unruled tables among a section's lines whose headers name `keys`
    (unruled ones only with every `required` key in their header row, or with their
    row headers down their first column)."""
    headed = headed_grids(lines, vocab, keys, required)
    taken = {id(ln) for t in headed for ln in t.lines}
    lines = [ln for ln in lines if id(ln) not in taken]
    tables = headed + ruled_tables(lines, vocab, keys) + unruled_tables(lines, vocab, keys, required)
    used = {id(ln) for t in tables for ln in t.lines}
    _continue_in_grids(tables, [ln for ln in lines if id(ln) not in used], lines, vocab, keys)
    used = {id(ln) for t in tables for ln in t.lines}
    return tables + unruled_transposed_tables([ln for ln in lines if id(ln) not in used], vocab, keys)


def _continue_in_grids(tables: list[Table], loose: list[Line], lines: list[Line], vocab: Vocabulary, keys: tuple[str, ...]) -> None:
    """Ruled grids with no header that a table read just before goes on in: the table
    (headers across the top, as many columns) ends at the foot of a page column and the
    grid is the next thing read, at the head of the next page column or page. Its rows
    are the table's (`_append_rows`)."""
    order = {id(ln): n for n, ln in enumerate(lines)}
    for grid in _grids(loose):
        body = [ln for row in grid for cell in row for ln in cell]
        if _oriented(grid, vocab, keys) is not None:
            continue
        first = min(order[id(ln)] for ln in body)
        before = [(max((order.get(id(ln), -1) for ln in t.lines), default=-1), t) for t in tables if (t.rows or t.header) and len(t.keys) == len(grid[0])]
        before = [(n, t) for n, t in before if n < first]
        if not before:
            continue
        last, table = max(before, key=lambda b: b[0])
        between = [ln for ln in lines[last + 1 : first] if ln.cell is None]
        top = min((ln.page, ln.top) for ln in body)
        turned = top[0] == lines[last].page + 1 or (top[0] == lines[last].page and top[1] < lines[last].top)
        starts = [min((ln.x0 for row in grid for ln in row[c]), default=float("inf")) for c in range(len(grid[0]))]
        # lines read between, over the grid in its columns: the rest of the last row, cut
        # at the column's foot and set above the rules
        over = all((ln.page, ln.top) < top and ln.x0 >= min(starts) - 0.6 * ln.size for ln in between)
        if turned and (over or not table.rows):  # (a header alone has no row to end)
            for ln in between if table.rows else []:
                table.rows[-1][_column_of(ln, starts)].append(ln)
            _append_rows(table, grid)


def _append_rows(table: Table, grid: list[list[list[Line]]]) -> None:
    """A continuation's rows go after the table's; a first row with one cell filled, not
    the first (a position, a title), is the rest of the table's last row, cut by the page
    break. (A row with its first cell alone empty is a row of its own: the month above
    goes on.)"""
    rows = [r for r in grid if any(r)]
    if rows and table.rows and not rows[0][0] and sum(bool(c) for c in rows[0]) == 1:
        table.rows[-1] = [a + b for a, b in zip(table.rows[-1], rows[0])]
        rows = rows[1:]
    table.rows.extend(rows)
