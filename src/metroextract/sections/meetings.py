"""Bilateral meetings: cards (month, format, labelled member and alliance lists) or a
table with the months as rows or as columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..fields import RUNIN_LABEL_RE, join_lines
from ..models import (
    AllianceRef,
    BilateralMeeting,
    Line,
    MemberRef,
    Period,
)
from ..registry import load_registry
from ..tabular import cell_pieces, centred_rows, cut_line, cut_lines_at_columns, find_tables
from ..text import fold, names_run
from ..vocab import Vocabulary
from .lines import cell_text, is_heading, month_heading, names_of, squash, without_tables


def _label_map(vocab: Vocabulary) -> dict[str, str]:
    """Folded label → field: the meeting labels, the activity field labels and the table
    headers of the vocabulary ("Format", "Tipo", "Membres", "Alliances")."""
    heads = vocab.table_headers
    labels = {fold(v): "format" for v in heads.get("format", [])}
    labels.update({fold(v): "members" for v in [*vocab.meeting_members, *vocab.labels.get("members", []), *heads.get("members", [])]})
    labels.update({fold(v): "alliances" for v in [*vocab.meeting_alliances, *vocab.labels.get("alliances", []), *heads.get("alliances", [])]})
    return labels


def _registry_keys() -> set[str]:
    reg = load_registry()
    return set(reg.keys("member")) | set(reg.keys("alliance"))


def split_known(name: str, keys: set[str] | None = None) -> list[str]:
    """A value printed as pills loses its boxes in the text layer: "Haikou Moscú" is two
    registered names set side by side. A name that is not itself registered but reads
    as a run of registered names (the fewest pieces) is those names; anything else stays
    whole."""
    keys = _registry_keys() if keys is None else keys
    if len(name.split()) < 2 or fold(name) in keys:
        return [name]
    return names_run(name, lambda piece: fold(piece) in keys) or [name]


def meeting_names(lines: list[Line], keys: set[str] | None = None) -> list[str]:
    """Names listed by separators or one per line, pills split by the registry."""
    keys = _registry_keys() if keys is None else keys
    return [piece for n in names_of(lines, keys) for piece in split_known(n, keys)]


def _runin(text: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """'Membres : A, B' or 'Miembros — A, B' → ('members', 'A, B') for a known label."""
    m = RUNIN_LABEL_RE.match(text)
    if m and fold(m.group(1)) in labels:
        return labels[fold(m.group(1))], m.group(2)
    return None


def _key_lines(lines: list[Line], labels: dict[str, str], vocab: Vocabulary) -> list[tuple[Line, str]]:
    """Row headers of a transposed table: lines that are a label ("Members"), a label broken
    over two lines of its narrow column ("Memb" / "res"), or a bold label run beside the
    first value on the same baseline ("**Members** Incheon": the value is given back as a
    line of its own)."""
    month_words = {fold(v) for v in vocab.table_headers.get("month", [])}
    # a label broken inside a word by its narrow column and read back with a space ("Memb res")
    unspaced = {k.replace(" ", ""): f for k, f in labels.items()}
    out: list[tuple[Line, str]] = []
    skip = -1
    for k, ln in enumerate(lines):
        if k <= skip:
            continue
        text = squash(ln.text)
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if fold(text) in labels or fold(text) in month_words:
            out.append((ln, labels.get(fold(text), "month")))
        elif ln.bold and fold(text).replace(" ", "") in unspaced:
            out.append((ln, unspaced[fold(text).replace(" ", "")]))
        elif nxt is not None and ln.bold and nxt.bold and abs(nxt.x0 - ln.x0) < 1 and 0 < nxt.top - ln.bottom < ln.size and fold(text + squash(nxt.text)) in labels:
            out.append((ln, labels[fold(text + squash(nxt.text))]))
            skip = k + 1
        elif ln.runs and ln.runs[0][1] and len(ln.runs) > 1 and fold(ln.runs[0][0]) in labels and not RUNIN_LABEL_RE.match(ln.runs[0][0]) and not any(b for _, b in ln.runs[1:]):
            label, value = squash(ln.runs[0][0]), squash(" ".join(r for r, _ in ln.runs[1:]))
            start = ln.x0 + (ln.x1 - ln.x0) * (len(label) + 1) / max(1, len(text))
            out.append((ln.model_copy(update={"text": label, "x1": start - 1}), labels[fold(label)]))
            out.append((ln.model_copy(update={"text": value, "x0": start, "bold": False}), ""))
    return out


def _transposed(lines: list[Line], labels: dict[str, str], vocab: Vocabulary, period: Period) -> tuple[list[BilateralMeeting], set[int]]:
    """A table with the months across its header row and Format / Members / Alliances as row
    headers down a left column, ruled or not, one or several months per band: each value
    belongs to the month over its column and to the row header level with it or above it."""
    lines, months, made_of = _month_columns(lines, vocab, period)
    keyed = _key_lines(lines, labels, vocab)
    keys = [(ln, f) for ln, f in keyed if f]
    extra = [ln for ln, f in keyed if not f]
    values_at = [ln for ln in [*lines, *extra] if not any(ln is k for k, _ in keys)]

    def row_header_of(m: Line) -> bool:
        """A row header left of every month of the page (cards put theirs under the month),
        with a value level with it in the month's column: under the month, or at the head
        of the next page when the month ends its page (a table going on over the break)."""
        left = min(o.x0 for o, _ in months if o.page == m.page)
        last_on_page = not any(o.page == m.page and o.top > m.top + 0.5 * m.size for o, _ in months)
        next_top = min((o.top for o, _ in months if o.page == m.page + 1), default=float("inf"))

        def under(k: Line) -> bool:
            return (k.page == m.page and k.top >= m.top - 1) or (last_on_page and k.page == m.page + 1 and k.top < next_top)

        # (level: the value's line overlaps the header's; a word processor centres a header
        # on a two-line cell, each of its lines half a line off the header's)
        return any(under(k) and k.x1 <= left + 1 and any(v.page == k.page and v.top < k.bottom and v.bottom > k.top and v.x0 >= m.x0 - k.size for v in values_at) for k, _ in keys)

    heads = [(m, mh) for m, mh in months if row_header_of(m)]
    if not heads or not keys:
        return [], set()
    key_ids = {id(k) for k, _ in keys}
    used = {id(m) for m, _ in heads} | {id(ln) for ln in lines if any(ln.page == k.page and abs(ln.top - k.top) < 0.5 and ln.x0 == k.x0 for k, _ in keyed)}
    # a row of values the layout read as one line is cut at its seams (each month's cell)
    pieces = [(piece, ln) for ln in [*lines, *extra] if id(ln) not in used and id(ln) not in key_ids and not month_heading(ln, vocab, period) for piece in cell_pieces(ln)]
    values, source = [piece for piece, _ in pieces], {id(piece): ln for piece, ln in pieces}
    out: list[BilateralMeeting] = []
    names = _registry_keys()
    for m, mh in heads:
        row = sorted((o for o, _ in heads if o.page == m.page and abs(o.top - m.top) < 0.5 * m.size), key=lambda o: o.x0)
        right = next((o.x0 for o in row if o.x0 > m.x0 + 1), float("inf"))
        band = _band_of(m, [o for o, _ in heads], lines)
        # row headers start left of the month's column (a header cut from its value's line
        # has an estimated end: its own words' widths are not known)
        band_keys = sorted(((k, f) for k, f in keys if band(k, m.top - 1) and (k.x1 <= m.x0 + 1 or k.x0 < m.x0 - k.size)), key=lambda kf: (kf[0].page, kf[0].top))
        cells: dict[str, list[Line]] = {"format": [], "members": [], "alliances": []}
        column = [v for v in values if band(v, m.top + 0.5 * m.size) and m.x0 - m.size <= v.x0 < right - 0.5 * m.size]
        centred = _centred_by_page(band_keys, column, m.size)
        for v in column:
            above = [f for k, f in band_keys if (k.page, k.top) <= (v.page, v.top + 0.5 * v.size)]
            level = [f for k, f in band_keys if k.page == v.page and abs(k.top - v.top) < 0.25 * v.size]
            # a value on its row header's line is that row's, wherever others are centred
            field = level[0] if level else centred.get(id(v)) if centred is not None else (above[-1] if above else None)
            if field in cells:
                cells[field].append(v)
                used.add(id(source[id(v)]))
        fmt = cell_text(cells["format"]) or None
        out.append(
            BilateralMeeting(
                month=mh, format=fmt, members=[MemberRef(name=n) for n in meeting_names(cells["members"], names)], alliances=[AllianceRef(name=n) for n in meeting_names(cells["alliances"], names)]
            )
        )
    return out, _with_sources(used | key_ids, made_of)


def _with_sources(taken: set[int], made_of: dict[int, list[Line]]) -> set[int]:
    """The lines taken, and the lines each was cut or joined from, and theirs in turn."""
    out, todo = set(taken), list(taken)
    while todo:
        for o in made_of.get(todo.pop(), []):
            if id(o) not in out:
                out.add(id(o))
                todo.append(id(o))
    return out


def _broken_months(lines: list[Line], vocab: Vocabulary, period: Period) -> tuple[list[Line], dict[int, list[Line]]]:
    """A month header broken inside its word by a narrow column ("Septembe" / "r"), read
    whole again: two lines of one style at one left edge, the second right under the
    first, that are a month only together. Returns the lines, and each joined line's two."""
    out: list[Line] = []
    made_of: dict[int, list[Line]] = {}
    k = 0
    while k < len(lines):
        ln, nxt = lines[k], lines[k + 1] if k + 1 < len(lines) else None
        if nxt is not None and nxt.page == ln.page and ln.bold == nxt.bold and abs(nxt.x0 - ln.x0) < 1 and 0 <= nxt.top - ln.bottom < ln.size:
            whole = ln.model_copy(update={"text": squash(ln.text) + squash(nxt.text), "x1": max(ln.x1, nxt.x1), "bottom": nxt.bottom, "breaks": [], "gaps": [], "runs": []})
            if month_heading(ln, vocab, period) is None and month_heading(whole, vocab, period) is not None:
                out.append(whole)
                made_of[id(whole)] = [ln, nxt]
                k += 2
                continue
        out.append(ln)
        k += 1
    return out, made_of


def _months_apart(lines: list[Line], vocab: Vocabulary, period: Period) -> tuple[list[Line], dict[int, list[Line]]]:
    """Month headers of a table set so close that the layout read them as one line
    ("August September"): cut before each month name. Returns the lines and pieces, and
    the line each piece was cut from."""
    out: list[Line] = []
    cut_from: dict[int, list[Line]] = {}
    for ln in lines:
        words = cut_line(ln, ln.gaps)
        is_month = [month_heading(w, vocab, period) is not None for w in words]
        if sum(is_month) < 2 or not is_month[0] or not all(m or re.fullmatch(r"(19|20)\d\d", w.text) for m, w in zip(is_month, words)):
            out.append(ln)
            continue
        pieces = cut_line(ln, [g for g, m in zip(ln.gaps, is_month[1:]) if m])
        cut_from.update((id(p), [ln]) for p in pieces)
        out.extend(pieces)
    return out, cut_from


def _month_columns(lines: list[Line], vocab: Vocabulary, period: Period) -> tuple[list[Line], list[tuple[Line, str]], dict[int, list[Line]]]:
    """The month headers of a transposed table read as a word processor set them (broken
    inside their word, side by side on one line), and the lines cut where a word starts
    at a month's column (a row header and its cells set closer than a table's gaps
    usually are; on a page without months, the columns of the page before: a table going
    on overleaf). Returns the lines, the months (line, "YYYY-MM"), and the lines each new
    line was joined or cut from."""
    lines, made_of = _broken_months(lines, vocab, period)
    lines, side_by_side = _months_apart(lines, vocab, period)
    months = [(ln, mh) for ln in lines if (mh := month_heading(ln, vocab, period)) is not None and len(squash(ln.text)) <= 24]
    starts: dict[int, list[float]] = {}
    for m, _ in months:
        starts.setdefault(m.page, []).append(m.x0)
    lines, cut_from = cut_lines_at_columns(lines, lambda ln: starts.get(ln.page) or starts.get(ln.page - 1, []))
    made_of.update(side_by_side)
    made_of.update((i, [ln]) for i, ln in cut_from.items())
    return lines, months, made_of


def _band_of(m: Line, heads: list[Line], lines: list[Line]) -> Callable[[Line, float], bool]:
    """Whether a line stands in the band of rows under the month header `m` (below `from_top`
    on its page, above the next header row): down to the foot of the page when no header
    row follows, and then on, at the top of the next page, down to its first header row or
    its end (a table going on over a page break, its header row not printed again)."""
    below = [o.top for o in heads if o.page == m.page and o.top > m.top + 0.5 * m.size]
    bottom = min(below, default=float("inf"))
    next_page = m.page + 1 if not below and any(ln.page == m.page + 1 for ln in lines) else None
    next_bottom = min((o.top for o in heads if o.page == next_page), default=float("inf"))

    def inside(ln: Line, from_top: float) -> bool:
        if ln.page == m.page:
            return from_top <= ln.top < bottom
        return ln.page == next_page and ln.top < next_bottom

    return inside


def _centred_by_page(keys: list[tuple[Line, str]], column: list[Line], size: float) -> dict[int, str] | None:
    """Each value's row when the row headers are centred on their rows, page by page (a
    table going on overleaf); None when on some page a value falls in no row."""
    out: dict[int, str] = {}
    for page in sorted({k.page for k, _ in keys}):
        values = [v for v in column if v.page == page]
        centred = centred_cells([kf for kf in keys if kf[0].page == page], values, size) if values else {}
        if centred is None or any(id(v) not in centred for v in values):
            return None  # a value in no row: the headers are not centred on rows of cells
        out.update(centred)
    return out


def centred_cells(keys: list[tuple[Line, str]], column: list[Line], size: float) -> dict[int, str] | None:
    """Each value's row when the row headers are centred on their rows (a word processor's
    default: a three-line cell has its header level with its middle line), or None when
    the values do not fall in cells one to a header."""
    rows = centred_rows([k for k, _ in keys], [column], size)
    if rows is None:
        return None
    return {id(v): f for (_, f), row in zip(keys, rows) for v in row[0]}


def _cards_in_cells(lines: list[Line], labels: dict[str, str]) -> bool:
    """Boxed cards read as the cells of a ruled table: their fields are run in ("Tipo: Híbrido")."""
    return sum(_runin(squash(ln.text), labels) is not None for ln in lines) >= 2


def _wraps_under(line: Line, nxt: Line) -> bool:
    """`nxt` can be the wrapped rest of `line`: on its page or the next, starting near the
    line's left edge (at most halfway along it, for a hanging indent)."""
    return nxt.page in (line.page, line.page + 1) and line.x0 - nxt.size <= nxt.x0 <= line.x0 + 0.5 * (line.x1 - line.x0)


def parse_meetings(lines: list[Line], body: float, vocab: Vocabulary, period: Period) -> list[BilateralMeeting]:
    """A transposed table (months across, row headers down), a table by rows, or cards:
    month heading → format (a plain line or run in, "Type : En ligne") → labelled
    member/alliance lists (separated, one per line, or pills split by the registry)."""
    labels, keys = _label_map(vocab), _registry_keys()
    transposed, used = _transposed(lines, labels, vocab, period)
    lines = [ln for ln in lines if id(ln) not in used]
    tables = [t for t in find_tables(lines, vocab, ("month", "format", "members", "alliances"), required=("month",)) if {"members", "alliances"} & set(t.keys) and not _cards_in_cells(t.lines, labels)]
    from_tables = []
    for t in tables:
        for rec in t.records():
            month_lines = rec.get("month") or []
            month = month_heading(month_lines[0].model_copy(update={"text": cell_text(month_lines)}), vocab, period) if month_lines else None
            from_tables.append(
                BilateralMeeting(
                    month=month,
                    format=cell_text(rec.get("format")) or None,
                    members=[MemberRef(name=n) for n in meeting_names(rec.get("members") or [], keys)],
                    alliances=[AllianceRef(name=n) for n in meeting_names(rec.get("alliances") or [], keys)],
                )
            )
    lines = [ln for ln in without_tables(lines, tables) if not (is_heading(ln, body) and month_heading(ln, vocab, period) is None)]
    cards = _read_cards(lines, labels, vocab, period)
    found = (
        transposed
        + from_tables
        + [
            BilateralMeeting(
                month=c["month"],
                format=c["format"],
                members=[MemberRef(name=n) for n in meeting_names(c["members"], keys)],
                alliances=[AllianceRef(name=n) for n in meeting_names(c["alliances"], keys)],
            )
            for c in cards
        ]
    )
    # Meetings are listed month by month. Cards side by side need not stand level (a word
    # processor centres each in its cell): the month, not the height, gives their order.
    return sorted(found, key=lambda m: m.month) if all(m.month for m in found) else found


def _read_cards(lines: list[Line], labels: dict[str, str], vocab: Vocabulary, period: Period) -> list[dict[str, Any]]:
    """Month heading → format (a plain line or run in, "Type : En ligne") → labelled
    member and alliance lists; each line goes on the card it stands in (`_card_of`)."""
    cards: list[dict[str, Any]] = []
    for ln in lines:
        mh = month_heading(ln, vocab, period)
        if mh is not None:
            cards.append({"month": mh, "head": ln, "format": None, "members": [], "alliances": [], "field": None, "run_on": False})
        elif cards:
            _read_card_line(_card_of(cards, ln), ln, labels)
    return cards


def _card_of(cards: list[dict[str, Any]], ln: Line) -> dict[str, Any]:
    """The card a line stands in: the nearest month heading above it on its page that starts
    where it starts (cards side by side are read across, row by row: "Format: In person"
    comes after both months), else the card read last (a card going on over a column or a
    page, a centred month)."""
    above = [c for c in cards if c["head"].page == ln.page and c["head"].top < ln.top and abs(c["head"].x0 - ln.x0) <= 2 * ln.size]
    return max(above, key=lambda c: c["head"].top) if above else cards[-1]


def _read_card_line(card: dict[str, Any], ln: Line, labels: dict[str, str]) -> None:
    """One line of a card: a label opening a list, a run-in field, the format, or a value of
    the list open."""
    text = squash(ln.text)
    if fold(text) in labels:
        card["field"], card["run_on"] = labels[fold(text)], False
        return
    ri = _runin(text, labels)
    if ri and ri[0] == "format":
        card["format"], card["field"] = ri[1].strip() or None, None
        return
    if ri:
        card["field"], card["run_on"] = ri[0], bool(ri[1].strip())
        if card["run_on"]:
            card[ri[0]].append(ln.model_copy(update={"text": ri[1]}))
        return
    field = card["field"]
    if field in (None, "format"):
        if card["format"] is None:
            card["format"] = text
        card["field"] = None
        return
    if card["run_on"] and card[field]:
        # a value run in after its label wraps like running text ("Alliances : Prix de" /
        # "Guangzhou"): its separators part the names, not its line ends
        last = card[field][-1]
        if _wraps_under(last, ln):  # (else a line elsewhere, a code in the next page's margin)
            card[field][-1] = last.model_copy(update={"text": join_lines([last.text, text])})  # "Bruxelles-" / "Capitale"
        return
    card[field].append(ln)
