"""Provenance stage: a Report and its DocumentLayout → the Report with where each value is printed.

Independent of segmentation: every extracted value is found again among the layout's
lines by its folded letters (lower case, accents dropped, letters and digits only, so
line breaks, hyphenation and punctuation do not matter), restricted to its activity's
box for an activity's items and to the text outside every activity for section items.
A list is placed as a sequence — its items printed in order, close together — so a name
printed twice (in a description and in the member list, in member engagement and in a
region) lands where the list is. OCR'd pages work the same: their lines are built from
the OCR word boxes. Inside a line, a value's horizontal extent is estimated from its
share of the line's width, each character weighted by its Helvetica advance width (the
layout keeps lines, not glyphs); a value that starts or ends a line gets the line's exact
edge.

Boxes are `[x0, top, x1, bottom]` in PDF points, origin top-left (pdfplumber's).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .models import Activity, BBox, DocumentLayout, ItemProvenance, Line, Report
from .text import alnum_key, fold_with_positions, strip_marks

MAX_CANDIDATES = 24  # occurrences of one value considered (a short code can be everywhere)
SEQUENCE_REACH = 8  # a list's chain may skip this many unplaced items between two placed ones
NEAR_LETTERS = 300  # a compound item's other parts (a key figure's number) print this close
CHUNK = 32  # a paragraph not found whole is found piece by piece, this many letters a piece
CHUNK_SHARE = 0.6  # ... when this share of its pieces is found in order
CHUNK_JUMP = 1500  # letters a paragraph may be interrupted by (a sidebar read inside it)
WORD_JUMP = 12  # a short value found word by word: letters allowed between its words
WORD_SHARE = 0.75  # ... and the share of its letters that must be found
BOX_SLACK = 1.0  # points: a line belongs to an activity's box with this tolerance
COLUMN_STEP = 1.8  # line heights: the next line of one piece of text starts within this

# Helvetica's advance widths (Adobe AFM, thousandths of an em) for ASCII 32-126: a good
# enough model of any sans or serif text face to place a word inside its line.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]  # fmt: skip


# --------------------------------------------------------------------------- streams


@dataclass
class Stream:
    """Lines of one scope (an activity, the text outside activities) as one folded string."""

    lines: list[Line]
    text: str
    line_of: list[int]  # per letter: its line in `lines`
    char_of: list[int]  # per letter: its character in that line's text
    starts: set[int]  # letters that begin a word
    ends: set[int]  # letter offsets (exclusive) that end a word
    used: bytearray  # letters already given to a value


def lines_to_stream(lines: list[Line]) -> Stream:
    """One scope's lines in reading order → its folded letters and word boundaries."""
    parts: list[str] = []
    line_of: list[int] = []
    char_of: list[int] = []
    for li, line in enumerate(lines):
        text, where = fold_with_positions(line.text)
        parts.append(text)
        line_of.extend([li] * len(text))
        char_of.extend(where)
    starts = {k for k in range(len(line_of)) if k == 0 or line_of[k] != line_of[k - 1] or char_of[k] - char_of[k - 1] > 1}
    ends = {k for k in starts if k} | ({len(line_of)} if line_of else set())
    return Stream(lines, "".join(parts), line_of, char_of, starts, ends, bytearray(len(line_of)))


Span = tuple[int, int]


def occurrences(stream: Stream, folded: str, *, whole_words: bool = True, free: bool = True) -> list[Span]:
    """Where `folded` occurs in the stream: at word boundaries, on letters not yet used."""
    out: list[Span] = []
    if not folded:
        return out
    i = stream.text.find(folded)
    while i != -1 and len(out) < MAX_CANDIDATES:
        e = i + len(folded)
        if (not whole_words or (i in stream.starts and e in stream.ends)) and (not free or not any(stream.used[i:e])):
            out.append((i, e))
        i = stream.text.find(folded, i + 1)
    return out


def find_pieces(stream: Stream, chunks: list[str], jump: int, share: float) -> list[Span]:
    """Pieces of a value found in order, each at most `jump` letters after the last;
    kept when they hold `share` of the value's letters. Each occurrence of the first or
    second piece is tried as the start; the start finding most letters wins."""
    best: list[Span] = []
    for first in range(min(2, len(chunks))):
        for start, _ in occurrences(stream, chunks[first], whole_words=False, free=False):
            pieces: list[Span] = []
            for c in chunks[first:]:
                j = stream.text.find(c, pieces[-1][1] if pieces else start)
                if j != -1 and (not pieces or j - pieces[-1][1] <= jump):
                    pieces.append((j, j + len(c)))
            if sum(e - s for s, e in pieces) > sum(e - s for s, e in best):
                best = pieces
    found = sum(e - s for s, e in best)
    return best if chunks and found >= share * sum(map(len, chunks)) else []


def find_paragraph(stream: Stream, folded: str) -> list[Span]:
    """A paragraph's pieces: the whole of it, else most of its pieces in order.

    Pieces let a paragraph the reading order interrupts (a sidebar read inside it) or
    that extraction rejoined differently still be found, without the interruption.
    """
    whole = occurrences(stream, folded, whole_words=False, free=False)
    if whole:
        return whole[:1]
    chunks = [c for c in (folded[i : i + CHUNK] for i in range(0, len(folded), CHUNK)) if len(c) >= CHUNK // 2]
    return find_pieces(stream, chunks, CHUNK_JUMP, CHUNK_SHARE)


def find_words(stream: Stream, text: str) -> list[Span]:
    """A short value printed with a word more or less ("1er" set as "1" and a superscript)."""
    words = [k for k in (alnum_key(w) for w in text.split()) if len(k) >= 2]
    return find_pieces(stream, words, WORD_JUMP, WORD_SHARE) if len(words) >= 2 else []


def span_box(stream: Stream, span: Span | list[Span]) -> tuple[int, BBox]:
    """The page and box of a span's letters (or a paragraph's pieces) on the page where it starts."""
    spans = span if isinstance(span, list) else [span]
    page = stream.lines[stream.line_of[spans[0][0]]].page
    pieces: dict[int, list[int]] = {}
    for k in (k for s, e in spans for k in range(s, e)):
        li = stream.line_of[k]
        if stream.lines[li].page != page:
            continue
        a_b = pieces.setdefault(li, [stream.char_of[k], stream.char_of[k]])
        a_b[1] = stream.char_of[k]
    order = list(pieces)
    runs = _clusters([stream.lines[li] for li in order])
    # a value broken across columns: the run holding most of it (the first of equals)
    run = max(runs, key=lambda r: (sum(pieces[order[i]][1] - pieces[order[i]][0] + 1 for i in r), -r[0]))
    boxes = [_piece_box(stream.lines[order[i]], *pieces[order[i]]) for i in run]
    return page, union(boxes)


def advance(ch: str) -> int:
    """A character's advance width in Helvetica, accented letters as their base letter.

    >>> advance("i"), advance("é"), advance("M")
    (222, 556, 833)
    """
    base = strip_marks(ch)[:1] or ch
    code = ord(base)
    return _WIDTHS[code - 32] if 32 <= code <= 126 else 556


def _piece_box(line: Line, first: int, last: int) -> BBox:
    """Characters first..last of a line, their extent estimated from their advance widths;
    with nothing but punctuation before (after) them, the line's own left (right) edge."""
    widths = [advance(c) for c in line.text]
    total = sum(widths) or 1
    scale = (line.x1 - line.x0) / total
    starts = not any(c.isalnum() for c in line.text[:first])
    ends = not any(c.isalnum() for c in line.text[last + 1 :])
    x0 = line.x0 if starts else line.x0 + scale * sum(widths[:first])
    x1 = line.x1 if ends else line.x0 + scale * sum(widths[: last + 1])
    return (x0, line.top, x1, line.bottom)


def _clusters(lines: list[Line]) -> list[list[int]]:
    """Indexes of lines grouped into runs that read as one block (each line just below the
    last, overlapping it): a value broken across two columns makes two runs."""
    runs: list[list[int]] = []
    for i, ln in enumerate(lines):
        prev = lines[runs[-1][-1]] if runs else None
        if prev is not None and 0 <= ln.top - prev.top <= COLUMN_STEP * (prev.bottom - prev.top) and ln.x0 < prev.x1 and prev.x0 < ln.x1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _rounded(box: BBox) -> BBox:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


# --------------------------------------------------------------------------- what to place


@dataclass(frozen=True)
class Target:
    """One value to find: its pointer, kind and the folded forms it may be printed in."""

    pointer: str
    kind: str
    keys: tuple[str, ...]  # alternatives for the value's main text, tried in order
    near: tuple[str, ...] = ()  # other parts printed beside it (a key figure's number)
    paragraph: bool = False  # running text: found whole or by its ends, may hold a date
    activity_id: str | None = None
    text: str = ""  # the main value as extracted, for a word-by-word search
    in_prose: bool = False  # printed inside a paragraph already placed (a member the prose names)


def _keys(*texts: str | None) -> tuple[str, ...]:
    return tuple(k for k in (alnum_key(t) for t in texts) if k)


def paragraphs(text: str) -> list[str]:
    """A text field's paragraphs as their pointers number them: split on blank lines."""
    return text.split("\n\n") if text else []


def activity_targets(i: int, a: Activity) -> list[list[Target]]:
    """An activity's values, as groups placed together (a list is one group)."""
    base = f"/activities/{i}"

    def one(pointer: str, kind: str, keys: tuple[str, ...], paragraph: bool = False, text: str | None = None) -> Target:
        return Target(pointer, kind, keys, paragraph=paragraph, activity_id=a.id, text=text or "")

    groups: list[list[Target]] = [
        [one(f"{base}/title", "title", _keys(a.title), text=a.title)],
        [one(f"{base}/date_text", "date", _keys(a.date_text), text=a.date_text)],
    ]
    groups += [[one(f"{base}/description/{k}", "description", _keys(p), True)] for k, p in enumerate(paragraphs(a.description))]
    groups.append([one(f"{base}/members/{k}", "member", _keys(m.name)) for k, m in enumerate(a.members)])
    groups.append([one(f"{base}/alliances/{k}", "alliance", _keys(m.name)) for k, m in enumerate(a.alliances)])
    groups.append([one(f"{base}/results/{k}", "result", _keys(r)) for k, r in enumerate(a.results)])
    groups.append([one(f"{base}/challenges/{k}", "challenge", _keys(f"{c.code} {c.label}", c.label, c.code)) for k, c in enumerate(a.challenges)])
    groups.append([one(f"{base}/links/{k}", "link", _keys(t)) for k, t in enumerate(a.links)])
    groups.append([Target(f"{base}/mentioned_members/{k}", "member", _keys(m.name), activity_id=a.id, in_prose=True) for k, m in enumerate(a.mentioned_members)])
    return [kept for g in groups if (kept := [t for t in g if t.keys])]


def _item(pointer: str, main: tuple[str, ...], near: tuple[str, ...] = (), text: str | None = None) -> Target:
    return Target(pointer, "section", main, near=tuple(n for n in near if n and n not in main), text=text or "")


def section_targets(r: Report) -> list[list[Target]]:
    """Every section value outside the activities, as groups placed together."""
    groups: list[list[Target]] = [[_item("/title", _keys(r.title), text=r.title)], [_item("/period/text", _keys(r.period.text), text=r.period.text)]]
    groups.append([_item(f"/table_of_contents/{k}", _keys(t.title)) for k, t in enumerate(r.table_of_contents)])
    if r.secretary_general_note:
        note = r.secretary_general_note
        groups += [[Target(f"/secretary_general_note/text/{k}", "section", _keys(p), paragraph=True)] for k, p in enumerate(paragraphs(note.text))]
        groups.append([_item("/secretary_general_note/signatory", _keys(note.signatory), _keys(note.role))])
    groups.append([_item(f"/action_lines/{k}", _keys(f"{x.code} {x.label}", x.label, x.code)) for k, x in enumerate(r.action_lines)])
    groups.append([_item(f"/media_mentions/{k}", _keys(m.outlet), _keys(m.title)) for k, m in enumerate(r.media_mentions)])
    groups.append([_item(f"/member_engagement/{k}", _keys(m.name)) for k, m in enumerate(r.member_engagement)])
    meetings = [_keys(*[m.name for m in b.members], *[m.name for m in b.alliances]) for b in r.bilateral_meetings]
    groups.append([_item(f"/bilateral_meetings/{k}", names[:1], names[1:]) for k, names in enumerate(meetings)])
    groups.append([_item("/key_figures_period", _keys(r.key_figures_period), text=r.key_figures_period)])
    groups.append([_item(f"/key_figures/{k}", _keys(f.label), _keys(f.text)) for k, f in enumerate(r.key_figures)])
    groups.append([_item(f"/challenge_taxonomy/{k}", _keys(f"{c.code} {c.label}", c.label)) for k, c in enumerate(r.challenge_taxonomy)])
    groups.append([_item(f"/plan/{k}", _keys(f"{p.code} {p.label}", p.label), _keys(p.code)) for k, p in enumerate(r.plan)])
    groups.append([_item(f"/regions/{k}", _keys(g.name)) for k, g in enumerate(r.regions)])
    for k, g in enumerate(r.regions):
        base = f"/regions/{k}"
        groups.append([_item(f"{base}/members/{j}", _keys(m.name)) for j, m in enumerate(g.members)])
        groups.append([_item(f"{base}/honorary_members/{j}", _keys(m.name)) for j, m in enumerate(g.honorary_members)])
        groups.append([_item(f"{base}/focal_points/{j}", _keys(f.name), _keys(f.role, f.place)) for j, f in enumerate(g.focal_points)])
        groups.append([_item(f"{base}/board/{j}", _keys(b.name), _keys(b.role, b.position)) for j, b in enumerate(g.board)])
    groups.append([_item(f"/secretariat/{k}", _keys(s.name), _keys(s.position)) for k, s in enumerate(r.secretariat)])
    if r.contact:
        c = r.contact
        groups.append([_item(f"/contact/{f}", _keys(getattr(c, f))) for f in ("address", "phone", "email", "website") if getattr(c, f)])
    return [kept for g in groups if (kept := [t for t in g if t.keys])]


def report_targets(report: Report) -> list[Target]:
    """Every value the stage tries to place (for coverage figures)."""
    groups = [g for i, a in enumerate(report.activities) for g in activity_targets(i, a)] + section_targets(report)
    return [t for g in groups for t in g]


# --------------------------------------------------------------------------- placing


def _candidates(stream: Stream, target: Target) -> list[Span]:
    for k in target.keys:
        found = occurrences(stream, k, free=not target.in_prose)
        if found:
            return found
    return []


def place_sequence(stream: Stream, targets: list[Target]) -> list[Span | None]:
    """A list's items: the longest chain of occurrences in print order, most compact first.

    Items off the chain take their free occurrence nearest to the chain.
    """
    cands = [_candidates(stream, t) for t in targets]
    # best[i][c] = (items in chain, minus letters between them, previous (i, c))
    best: list[list[tuple[int, int, tuple[int, int] | None]]] = []
    for i, spans in enumerate(cands):
        row = []
        for s, _ in spans:
            top: tuple[int, int, tuple[int, int] | None] = (1, 0, None)
            for j in range(max(0, i - SEQUENCE_REACH - 1), i):
                for d, (_, e2) in enumerate(cands[j]):
                    if e2 <= s:
                        cnt, neg, _ = best[j][d]
                        if (cnt + 1, neg - (s - e2)) > top[:2]:
                            top = (cnt + 1, neg - (s - e2), (j, d))
            row.append(top)
        best.append(row)
    chosen: list[Span | None] = [None] * len(targets)
    # the longest, most compact chain; of equals, the one printed first
    ends = [(cell[0], cell[1], -cands[i][c][0], i, c) for i, row in enumerate(best) for c, cell in enumerate(row)]
    at: tuple[int, int] | None = max(ends)[3:] if ends else None
    while at is not None:
        i, c = at
        chosen[i] = cands[i][c]
        at = best[i][c][2]
    for span in chosen:
        if span:
            stream.used[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    placed = [s[0] for s in chosen if s]
    for i, span in enumerate(chosen):
        free = [c for c in cands[i] if c not in chosen and (targets[i].in_prose or not any(stream.used[c[0] : c[1]]))]
        if span is None and free:
            anchor = placed[0] if placed else free[0][0]
            chosen[i] = min(free, key=lambda c: abs(c[0] - anchor))
            s, e = chosen[i]  # type: ignore[misc]
            stream.used[s:e] = b"\x01" * (e - s)
    return chosen


def _near_box(stream: Stream, target: Target, span: Span, window: Span) -> BBox | None:
    """The box of a compound item: its main text and its other parts printed close by,
    between the items placed before and after it (`window`), never in a neighbour's row."""
    page, box = span_box(stream, span)
    boxes = [box]
    for k in target.near:
        close = [c for c in occurrences(stream, k) if abs(c[0] - span[0]) <= NEAR_LETTERS and window[0] <= c[0] and c[1] <= window[1]]
        if close:
            c = min(close, key=lambda c: abs(c[0] - span[0]))
            p, b = span_box(stream, c)
            if p == page:
                boxes.append(b)
    return union(boxes)


def _loosely(stream: Stream, t: Target) -> list[Span]:
    """A value not found as extracted: a long one in pieces, a short one word by word."""
    if len(t.keys[0]) >= 2 * CHUNK:
        return find_paragraph(stream, t.keys[0])
    return find_words(stream, t.text) if t.text else []


def place_group(stream: Stream, group: list[Target]) -> list[ItemProvenance]:
    """Place one group in a stream; what is found becomes ItemProvenance entries."""
    spans: list[list[Span]]
    if group[0].paragraph:
        spans = [next((s for k in t.keys if (s := find_paragraph(stream, k))), []) for t in group]
        # a name a paragraph mentions is not the field listing it (placed after paragraphs)
        for a, b in (piece for pieces in spans for piece in pieces):
            stream.used[a:b] = b"\x01" * (b - a)
    else:
        # a long value set another way than printed (a title's repaired line break): in pieces
        spans = [[s] if s else _loosely(stream, t) for t, s in zip(group, place_sequence(stream, group))]
    out = []
    starts = sorted(s[0] for pieces in spans for s in pieces[:1])
    for t, span in zip(group, spans):
        if not span:
            continue
        page = stream.lines[stream.line_of[span[0][0]]].page
        before = [e for e in starts if e < span[0][0]]
        window = (before[-1] + 1 if before else 0, next((e for e in starts if e > span[0][0]), len(stream.text)))
        box = _near_box(stream, t, span[0], window) if t.near else span_box(stream, span)[1]
        out.append(ItemProvenance(pointer=t.pointer, kind=t.kind, activity_id=t.activity_id, page=page, bbox=_rounded(box)))  # type: ignore[arg-type]
    return out


def inside(line: Line, box: BBox, slack: float = BOX_SLACK) -> bool:
    """The line's centre lies in the box."""
    cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def _area(box: BBox) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _starts(order: list[Line], owners: list[list[int]], activities: list[Activity]) -> list[int]:
    """Where each activity starts in the reading order: its first line (inside its box)
    holding the start of its title or date; else its first line no other box holds."""
    out = []
    for k, a in enumerate(activities):
        heads = [h[:12] for h in (alnum_key(a.title), alnum_key(a.date_text)) if h]
        mine = [i for i, o in enumerate(owners) if k in o]
        marked = [i for i in mine if any(h in alnum_key(order[i].text) for h in heads)]
        alone = [i for i in mine if owners[i] == [k]]
        out.append((marked or alone or mine or [len(order)])[0])
    return out


def activities_lines(layout: DocumentLayout, activities: list[Activity]) -> list[list[Line]]:
    """Each activity's layout lines, in reading order: the lines inside its boxes.

    An activity's box on a page is the rectangle around its lines, so where an activity
    flows from one column into the next its rectangle also covers the start of its
    neighbours. A line inside several boxes belongs to the activity among them that
    started last before it in the reading order (none started: the smallest box).
    """
    boxes: dict[int, list[tuple[int, BBox]]] = {}
    for k, a in enumerate(activities):
        for pb in a.provenance.bbox:
            boxes.setdefault(pb.page, []).append((k, pb.bbox))
    order = [ln for p in layout.pages for ln in p.lines]
    owners = [sorted({k for k, b in boxes.get(ln.page, []) if inside(ln, b)}) for ln in order]
    starts = _starts(order, owners, activities)
    area = {k: min(_area(b) for kk, b in bs if kk == k) for bs in boxes.values() for k, _ in bs}
    out: list[list[Line]] = [[] for _ in activities]
    for i, (ln, ks) in enumerate(zip(order, owners)):
        if ks:
            started = [k for k in ks if starts[k] <= i]
            owner = max(started, key=lambda k: starts[k]) if started else min(ks, key=lambda k: area[k])
            out[owner].append(ln)
    return out


def layout_to_provenance(report: Report, layout: DocumentLayout) -> list[ItemProvenance]:
    """Every value of the report found on its page: activity items in their activity's
    box, section items in the text outside activities (the whole text as a last resort)."""
    out: list[ItemProvenance] = []
    in_activity: set[int] = set()
    for i, (a, lines) in enumerate(zip(report.activities, activities_lines(layout, report.activities))):
        in_activity.update(id(ln) for ln in lines)
        stream = lines_to_stream(lines)
        for group in activity_targets(i, a):
            out += place_group(stream, group)
    outside = lines_to_stream([ln for p in layout.pages for ln in p.lines if id(ln) not in in_activity])
    everything = lines_to_stream([ln for p in layout.pages for ln in p.lines])
    for group in section_targets(report):
        found = place_group(outside, group)
        placed = {e.pointer for e in found}
        rest = [t for t in group if t.pointer not in placed]
        out += found + (place_group(everything, rest) if rest else [])
    return out


def report_with_provenance(report: Report, layout: DocumentLayout) -> Report:
    """The report with `item_provenance` filled (the pipeline's provenance stage)."""
    return report.model_copy(update={"item_provenance": layout_to_provenance(report, layout)})


def coverage(report: Report) -> dict[str, tuple[int, int]]:
    """Per kind: values placed and values the stage tried to place.

    The denominators come from `report_targets`, so a value printed nowhere (a name
    only in a picture) counts as missing.
    """
    tried = Counter(t.kind for t in report_targets(report))
    placed = Counter(e.kind for e in report.item_provenance)
    return {k: (placed[k], n) for k, n in sorted(tried.items())}
