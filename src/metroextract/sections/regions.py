"""Who we are: regions, each with members, honorary members, focal points and board."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from ..fields import join_lines
from ..models import (
    BoardMember,
    FocalPoint,
    Line,
    MemberRef,
    Region,
)
from ..segment import tag_lines
from ..tabular import cell_pieces, find_tables
from ..text import fold
from ..vocab import Vocabulary
from .cards import detail_roles, parse_cards, roles_in_details, with_roles
from .contact import contact_lines
from .lines import attached, cell_text, is_heading, joined_headers, names_of, squash, style_of


def _region_name(text: str, region_id: str, vocab: Vocabulary) -> str:
    """The region as named in the vocabulary when the heading is printed in capitals."""
    printed = squash(text)
    letters = [c for c in printed if c.isalpha()]
    variants = vocab.regions.get(region_id, [])
    if letters and not all(c.isupper() for c in letters):
        # a hyphen lost in the text layer ("AsiaPacific"): the vocabulary's spelling
        bare = "".join(letters)
        if printed in variants:
            return printed
        return next((v for v in variants if "".join(c for c in v if c.isalpha()) == bare), printed)
    key = fold(printed).replace(" ", "")
    for v in variants:
        if fold(v).replace(" ", "") == key:
            return v
    return variants[0] if variants else printed


def _honorary_runin(text: str, vocab: Vocabulary) -> str | None:
    norm = text.replace("’", "'")
    for v in sorted(vocab.honorary, key=len, reverse=True):
        m = re.match(rf"^\s*{re.escape(v)}\s*[:：]\s*(.*)$", norm, re.I)
        if m:
            return m.group(1)
    return None


def grid_order(lines: list[Line], rank: Callable[[Line], Any] | None = None) -> list[Line]:
    """A grid of names (one per cell, several columns) in the order it was listed.

    Nothing on the page says whether a grid is filled row by row or column by column;
    member lists are alphabetical (`rank`, when given, is the order the list keeps
    instead: None for a line it does not place), so the direction with fewer names out
    of place wins (ties keep the reading order). A grid filled by column that breaks
    across pages goes on with each column on the next page (the first column's names on
    both pages come before the second's): that is a third way. A grid filled by row that flows on into
    the next page column is read row by row in each page column's part: a fourth.
    Lines that are not a grid come back unchanged.
    """
    if len(lines) < 4 or any(re.search(r"[,;·•]", ln.text) for ln in lines):
        return lines
    col = _grid_columns(lines)
    if max(col.values()) < 1:
        return lines
    by_rows = sorted(lines, key=lambda ln: (ln.page, round(ln.top / (0.5 * ln.size)), col[id(ln)]))
    by_cols = sorted(lines, key=lambda ln: (ln.page, col[id(ln)], ln.top))

    def disorder(seq: list[Line]) -> int:
        return _out_of_order([(rank or _alphabetical)(ln) for ln in seq])

    ways = [(disorder(lines), 0, lines), (disorder(by_rows), 1, by_rows), (disorder(by_cols), 2, by_cols)]
    part = _flow_parts(lines, col)
    if len(set(part.values())) > len({ln.page for ln in lines}):
        # a grid filled by row that flows on into the next page column: row by row in
        # each page column's part of it
        by_parts = sorted(lines, key=lambda ln: (ln.page, part[id(ln)], round(ln.top / (0.5 * ln.size)), col[id(ln)]))
        ways.append((disorder(by_parts), 4, by_parts))
    columns_per_page = {pno: {col[id(ln)] for ln in lines if ln.page == pno} for pno in {ln.page for ln in lines}}
    if len(columns_per_page) > 1 and len({len(c) for c in columns_per_page.values()}) == 1:
        across = sorted(lines, key=lambda ln: (col[id(ln)], ln.page, ln.top))
        ways.append((disorder(across), 3, across))
    return min(ways, key=lambda t: (t[0], t[1]))[2]


def _flow_parts(lines: list[Line], col: dict[int, int]) -> dict[int, int]:
    """Each line's part of the grid: on a page, neighbouring columns whose first names
    stand level make one part; a column starting elsewhere (the head of the next page
    column) opens the next part."""
    out: dict[int, int] = {}
    n = 0
    for pno in sorted({ln.page for ln in lines}):
        on_page = [ln for ln in lines if ln.page == pno]
        firsts = {c: min(ln.top for ln in on_page if col[id(ln)] == c) for c in sorted({col[id(ln)] for ln in on_page})}
        part, prev = {}, None
        for c, top in firsts.items():
            if prev is not None and abs(top - prev) > on_page[0].size:
                n += 1
            part[c], prev = n, top
        for ln in on_page:
            out[id(ln)] = part[col[id(ln)]]
        n += 1
    return out


def _grid_columns(lines: list[Line]) -> dict[int, int]:
    """Each line's column in its page's part of the grid (0 = leftmost), by left edges."""
    out: dict[int, int] = {}
    for pno in {ln.page for ln in lines}:
        on_page = [ln for ln in lines if ln.page == pno]
        lefts: list[float] = []
        for x in sorted(ln.x0 for ln in on_page):
            if not lefts or x - lefts[-1] > 2 * on_page[0].size:
                lefts.append(x)
        for ln in on_page:
            out[id(ln)] = max((k for k, x in enumerate(lefts) if ln.x0 >= x - 2 * ln.size), default=0)
    return out


def _alphabetical(ln: Line) -> str:
    return fold(ln.text)


def _out_of_order(keys: list[Any]) -> int:
    """How many entries stand out of order: all but the longest run kept in order, keys
    of None left out. A sorted list with one slip counts 1 however far the slip goes
    ("Ville de Mexico" in a list sorted by the English "Mexico City")."""
    known = [k for k in keys if k is not None]
    tails: list[Any] = []  # tails[n]: the least last key of an in-order run of n + 1
    for k in known:
        at = bisect.bisect_right(tails, k)
        tails[at : at + 1] = [k]
    return len(known) - len(tails)


def _board_in_rank_order(cards: list[dict[str, Any]], vocab: Vocabulary) -> list[dict[str, Any]]:
    """Board cards set as a grid, in the order they were listed: a board lists its
    people by rank (presidency, co-presidency, vice-presidencies, treasurer, members:
    the language file's `board_roles`), so the way through the grid that keeps the
    ranks in order is the way it was filled, by row or by column."""
    heads = [c["head"] for c in cards if c.get("head") is not None]
    if len(heads) != len(cards):
        return cards
    ranks = {id(c["head"]): _role_rank(c["role"], vocab) for c in cards}
    order = grid_order(heads, rank=lambda ln: ranks[id(ln)])
    by_head = {id(c["head"]): c for c in cards}
    return [by_head[id(h)] for h in order]


def _role_rank(role: str | None, vocab: Vocabulary) -> int | None:
    """A board role's place in the language's ranks (None for a role not listed there)."""
    folded = fold(role or "")
    ranks = [fold(r) for r in vocab.board_roles]
    exact = [k for k, r in enumerate(ranks) if r == folded]
    if exact:
        return exact[0]
    # "Regional Vice-president for Africa": the longest listed role it starts with
    starts = sorted((len(r), k) for k, r in enumerate(ranks) if r and folded.startswith(r))
    return starts[-1][1] if starts else None


def _tag(tg: Any, prefix: str) -> str | None:
    """The whole-line tag with this prefix (a label may also be a heading)."""
    for t in (tg.whole, *getattr(tg, "also", ())):
        if t and t.startswith(prefix):
            return t
    return None


_SUB_MODES = {"SUB:region_members": "members", "SUB:focal_points": "focal", "SUB:board": "board"}


def _with_wrapped_headings(lines: list[Line], tags: list[Any], lang: str) -> list[Any]:
    """A sub-heading wrapped over two lines ("Membres du Conseil" / "d'administration")
    is tagged on its first line; its second line is part of it (tagged as such)."""
    out = list(tags)
    for k in range(len(lines) - 1):
        a, b = lines[k], lines[k + 1]
        if out[k].whole is None and a.bold and b.bold and style_of(a) == style_of(b) and attached(a, b, 0.6):
            joined = tag_lines([f"{squash(a.text)} {squash(b.text)}"], lang)[0]
            if joined.whole is not None:
                out[k], out[k + 1] = joined, joined.model_copy(update={"whole": "SUB:continued"})
    return out


def _placed_beside(ln: Line, parts: dict[str, list[Line]], subheads: list[tuple[Line, str]]) -> str | None:
    """Where a line goes by where it is printed, when reading order alone would misfile it:
    level with a line of a part, in the same style (the rest of a grid's row, the second
    card of a row of cards), it is that part's; under a sub-heading of its own column
    (a board in a sidebar beside the grid), that sub-heading's."""
    table = ln.cell[0] if ln.cell else None  # a line in a table's cell is no row's rest outside it
    for part in ("members", "focal", "board"):
        if any(o.page == ln.page and abs(o.top - ln.top) < 0.5 and style_of(o) == style_of(ln) and (o.cell[0] if o.cell else None) == table for o in parts[part]):
            return part
    above = [(h, m) for h, m in subheads if h.page == ln.page and h.top < ln.top and h.x0 - 2 <= ln.x0 < h.x1]
    return max(above, key=lambda hm: hm[0].top)[1] if above else None


def _people_tables(raw: list[Line], parts: dict[str, list[Line]], vocab: Vocabulary) -> tuple[dict[str, list[dict[str, Any]]], set[int]]:
    """Focal points and board printed as Role | Name | Place (or Position) tables: each
    table's cards, filed as focal points or board by the sub-heading its lines were
    read under (else by its last column: a place is a focal point's, a position a board
    member's), and the lines the tables used."""
    found: dict[str, list[dict[str, Any]]] = {"focal": [], "board": []}
    used: set[int] = set()
    keys = ("role", "name", "position", "place")
    joined = joined_headers(raw, vocab, keys)
    wrapped = {id(ln) for ln in raw} - {id(ln) for ln in joined}  # second lines of wrapped headers
    for t in find_tables(joined, vocab, keys, required=("role", "name")):
        if "name" not in t.keys:
            continue
        ids = {id(ln) for ln in t.lines}
        if any(id(ln) not in {id(o) for o in raw} for ln in t.header):
            ids |= wrapped | {id(o) for o in raw if any(o.page == h.page and o.top == h.top and o.x0 == h.x0 for h in t.header)}
        # the sub-heading the table's first header cell was read under files it: read
        # column by column, the other columns come after the next sub-heading
        first = min(t.header, key=lambda h: (h.page, h.top, h.x0), default=None)
        votes = {part: sum(id(ln) in ids for ln in parts[part]) for part in ("focal", "board")}
        under = [part for part in ("focal", "board") if first is not None and any(ln is first or (ln.page == first.page and ln.top == first.top and ln.x0 == first.x0) for ln in parts[part])]
        part = under[0] if under else max(votes, key=lambda k: votes[k]) if any(votes.values()) else ("focal" if "place" in t.keys else "board")
        detail_key = "place" if "place" in t.keys else "position"
        for rec in t.records():
            if cell_text(rec.get("name")):
                detail = cell_text(rec.get(detail_key))
                found[part].append({"role": cell_text(rec.get("role")) or None, "name": cell_text(rec.get("name")), "detail": [detail] if detail else []})
        used |= ids
    return found, used


def _cards_of(r: dict[str, Any], vocab: Vocabulary) -> tuple[dict[str, list[dict[str, Any]]], list[Line]]:
    """One region's focal-point and board cards (tables, then cards as printed, roles not
    yet taken from their details), and the lines after its last board card that belong
    to no card (staff)."""
    p = r["parts"]
    tables, used = _people_tables(r["raw"], p, vocab)
    if used:
        for part in ("members", "focal", "board"):
            p[part] = [ln for ln in p[part] if id(ln) not in used]
    focal, _ = parse_cards(p["focal"], "focal", roles=False)
    board, rest = parse_cards(p["board"], "board", roles=False)
    return {"focal": focal, "board": board, "tables": tables}, rest


def _region_of(r: dict[str, Any], cards: dict[str, Any], vocab: Vocabulary, lexicon: set[str] | None = None) -> Region | None:
    """One region's parts as a Region (None for a region only named, on a divider page).
    `lexicon`: the report's own words, telling a compound's hyphen at a line end
    ("Bourgmestre-" / "gouverneur") from a word's ("dévelop-" / "pement")."""
    p = r["parts"]
    focal, board = cards["tables"]["focal"] + cards["focal"], cards["tables"]["board"] + _board_in_rank_order(cards["board"], vocab)
    if not (p["members"] or p["honorary"] or focal or board):
        return None
    return Region(
        name=r["name"],
        # a grid's cells set close share a line: cut at its seams before reading the grid
        members=[MemberRef(name=n) for n in names_of(grid_order([piece for ln in p["members"] for piece in cell_pieces(ln)]))],
        honorary_members=[MemberRef(name=n) for n in names_of(p["honorary"])],
        focal_points=[FocalPoint(role=c["role"] or "", name=c["name"], place=join_lines(c["detail"], lexicon) or None) for c in focal if c["name"]],
        board=[BoardMember(role=c["role"] or "", name=c["name"], position=join_lines(c["detail"], lexicon) or None) for c in board if c["name"]],
    )


def _regions_of(regions: list[dict[str, Any]], vocab: Vocabulary, lexicon: set[str] | None = None) -> tuple[list[Region], list[Line]]:
    """Every region, card roles taken from the cards' first details when the cards of
    that kind across all regions read so (a role column repeats from region to region)."""
    found = [_cards_of(r, vocab) for r in regions]
    for kind in ("focal", "board"):
        every = [c for cards, _ in found for c in cards[kind]]
        if roles_in_details(every):
            roles = detail_roles(every)
            for cards, _ in found:
                cards[kind] = with_roles(cards[kind], roles)
    out = [region for r, (cards, _) in zip(regions, found) if (region := _region_of(r, cards, vocab, lexicon)) is not None]
    return out, (found[-1][1] if found else [])


def _heading_below(lines: list[Line], k: int, lang: str, body: float) -> Line | None:
    """The second line of a secretariat heading wrapped in a label column ("Secretaría" /
    "general", the list beside it read in between): same style, on its left edge, right
    under it, among the next three lines."""
    a = lines[k]
    if not is_heading(a, body):
        return None
    for b in lines[k + 1 : k + 4]:
        if style_of(b) == style_of(a) and abs(b.x0 - a.x0) < 1 and attached(a, b, 0.6):
            joined = tag_lines([f"{squash(a.text)} {squash(b.text)}"], lang)[0]
            return b if _tag(joined, "SECTION:") == "SECTION:secretariat" else None
    return None


def _before_heading(ln: Line, regions: list[dict[str, Any]]) -> bool:
    """A line read after a region's heading but printed above it, within the previous
    region's lines on that page (a table's last column read late), goes to the previous
    region, in the part it was reading last. Returns whether it went there."""
    if len(regions) < 2:
        return False
    head, prev = regions[-1]["heading"], regions[-2]
    if ln.page != head.page or ln.bottom > head.top:
        return False
    mine = [o for o in prev["raw"] if o.page == ln.page]
    if not mine or not min(ln.x1, max(o.x1 for o in mine)) - max(ln.x0, min(o.x0 for o in mine)) > 0:
        return False
    prev["raw"].append(ln)
    if prev.get("end_mode") in prev["parts"]:
        prev["parts"][prev["end_mode"]].append(ln)
    return True


def parse_who(
    lines: list[Line], body: float, vocab: Vocabulary, lang: str, staff_from: int | None = None, staff_heading: bool = False, lexicon: set[str] | None = None
) -> tuple[list[Region], list[Line]]:
    """Region headings → members (one per line or comma-separated) → honorary members →
    focal-point cards → board cards. Returns the regions and the lines of the secretariat
    found after them (a secretariat heading, or the first card without a role).

    `staff_from`: where the segmenter's secretariat section starts among `lines`. Its
    heading, "Secrétariat général", is also a focal point's role: the lines from there
    are the secretariat's unless they continue a region's focal points, or `staff_heading`:
    the section opened under a heading in display type."""
    tags = _with_wrapped_headings(lines, tag_lines([ln.text for ln in lines], lang), lang)
    if staff_from is not None and any(_tag(tg, "REGION:") and is_heading(ln, body) for ln, tg in zip(lines[staff_from:], tags[staff_from:])):
        staff_from = None  # a region heading after it: the secretariat section was opened too early
    regions: list[dict[str, Any]] = []
    staff: list[Line] = []
    skip: set[int] = set()  # second lines of a secretariat heading set over two lines
    _, box = contact_lines(lines)
    mode: str | None = None
    honorary_prev: Line | None = None
    subheads: list[tuple[Line, str]] = []  # the region's sub-headings met so far, with their mode
    for k, (ln, tg) in enumerate(zip(lines, tags)):
        if k == staff_from and (mode != "focal" or staff_heading):
            mode = "secretariat"
        region, sub = _tag(tg, "REGION:"), _tag(tg, "SUB:")
        if sub == "SUB:continued":
            continue  # the second line of a wrapped sub-heading
        if sub in _SUB_MODES:
            subheads.append((ln, _SUB_MODES[sub]))
        elif region is None and regions and mode in ("members", "focal", "board") and (placed := _placed_beside(ln, regions[-1]["parts"], subheads)):
            mode = placed  # a grid's row or a card printed beside one read before; a card under its column's sub-heading
        if region and (is_heading(ln, body) or ln.bold or ln.upper):
            if regions:
                regions[-1]["end_mode"] = mode
            wrapped = k + 1 < len(lines) and tags[k + 1].whole == "SUB:continued"  # a heading over two lines
            text = f"{squash(ln.text)} {squash(lines[k + 1].text)}" if wrapped else ln.text
            regions.append({"name": _region_name(text, region[len("REGION:") :], vocab), "parts": {"members": [], "honorary": [], "focal": [], "board": []}, "raw": [], "heading": ln})
            mode, subheads = "members", []
            continue
        if region is None and mode != "secretariat" and _before_heading(ln, regions):
            continue
        if id(ln) in skip:
            continue
        second = None if _tag(tg, "SECTION:") else _heading_below(lines, k, lang, body)
        if (_tag(tg, "SECTION:") == "SECTION:secretariat" or second is not None) and is_heading(ln, body):
            mode = "secretariat"
            if second is not None:
                skip.add(id(second))
            continue
        if mode == "secretariat" or k in box:
            staff.append(ln)  # the secretariat; its contact box, wherever it is read
            continue
        if regions:
            regions[-1]["raw"].append(ln)
        if not regions or is_heading(ln, body):
            continue
        parts = regions[-1]["parts"]
        if mode == "honorary" and honorary_prev is not None and not attached(honorary_prev, ln, 1.0):
            mode = "members"  # honorary names run on below their label; other lines are the list's
        if sub == "SUB:region_members":
            mode = "members"  # "Members" over the region's grid of names
        elif sub == "SUB:focal_points":
            mode = "focal"
        elif sub == "SUB:board":
            mode = "board"
        elif sub == "SUB:honorary":
            mode, honorary_prev = "honorary", ln
        elif (rest := _honorary_runin(ln.text, vocab)) is not None:
            mode, honorary_prev = "honorary", ln
            if rest.strip():
                parts["honorary"].append(ln.model_copy(update={"text": rest}))
        elif mode in parts:
            parts[mode].append(ln)
            if mode == "honorary":
                honorary_prev = ln
    out, rest = _regions_of(regions, vocab, lexicon)
    return out, rest + staff
