"""Provenance stage: a Report and its DocumentLayout → the Report with where each value is printed.

Independent of segmentation: every extracted value is found again among the layout's
lines by its folded letters (lower case, accents dropped, letters and digits only, so
line breaks, hyphenation and punctuation do not matter), restricted to its activity's
box for an activity's items and to the text outside every activity for section items.
A list is placed as a sequence — its items printed in order, close together — so a name
printed twice (in a description and in the member list, in member engagement and in a
region) lands where the list is. OCR'd pages work the same: their lines are built from
the OCR word boxes. Inside a line, a value's horizontal extent is estimated from its
share of the line's characters (the layout keeps lines, not glyphs); a value that
starts or ends a line gets the line's exact edge.

Boxes are `[x0, top, x1, bottom]` in PDF points, origin top-left (pdfplumber's).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from .models import Activity, BBox, DocumentLayout, ItemProvenance, Line, Report

MAX_CANDIDATES = 24  # occurrences of one value considered (a short code can be everywhere)
SEQUENCE_REACH = 8  # a list's chain may skip this many unplaced items between two placed ones
NEAR_LETTERS = 300  # a compound item's other parts (a key figure's number) print this close
ANCHOR = 24  # letters matched at each end of a paragraph that is not found whole
BOX_SLACK = 1.0  # points: a line belongs to an activity's box with this tolerance


# --------------------------------------------------------------------------- folding


def fold(text: str) -> tuple[str, list[int]]:
    """Letters and digits, lower case, accents dropped; with each one's index in `text`.

    >>> fold("Bogotá, Ville-de-Mexico")[0]
    'bogotavilledemexico'
    >>> fold("+1 380")
    ('1380', [1, 3, 4, 5])
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKD", ch):
            if c.isalnum():
                low = c.lower()
                out.append(low)
                where.extend([i] * len(low))
    return "".join(out), where


def key(text: str | None) -> str:
    """The folded letters of a value, the form it is searched by."""
    return fold(text)[0] if text else ""


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
        text, where = fold(line.text)
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


def find_paragraph(stream: Stream, folded: str) -> Span | None:
    """A paragraph: whole, or from its first letters to its last at about its length."""
    whole = occurrences(stream, folded, whole_words=False, free=False)
    if whole:
        return whole[0]
    if len(folded) < 3 * ANCHOR:
        return None
    head, tail = folded[:ANCHOR], folded[-ANCHOR:]
    for s, _ in occurrences(stream, head, whole_words=False, free=False):
        t = stream.text.find(tail, s + len(folded) * 4 // 5 - ANCHOR)
        if t != -1 and t + ANCHOR - s <= len(folded) * 5 // 4:
            return (s, t + ANCHOR)
    return None


def span_box(stream: Stream, span: Span) -> tuple[int, BBox]:
    """The page and box of a span's letters on the page where it starts."""
    s, e = span
    page = stream.lines[stream.line_of[s]].page
    pieces: dict[int, list[int]] = {}
    for k in range(s, e):
        li = stream.line_of[k]
        if stream.lines[li].page != page:
            break
        a_b = pieces.setdefault(li, [stream.char_of[k], stream.char_of[k]])
        a_b[1] = stream.char_of[k]
    boxes = [_piece_box(stream.lines[li], a, b) for li, (a, b) in pieces.items()]
    return page, union(boxes)


def _piece_box(line: Line, first: int, last: int) -> BBox:
    """Characters first..last of a line, their extent estimated by their share of the line."""
    n = max(1, len(line.text))
    width = line.x1 - line.x0
    x0 = line.x0 if first == 0 else line.x0 + width * first / n
    x1 = line.x1 if last + 1 >= len(line.text.rstrip()) else line.x0 + width * (last + 1) / n
    return (x0, line.top, x1, line.bottom)


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


def _keys(*texts: str | None) -> tuple[str, ...]:
    return tuple(k for k in (key(t) for t in texts) if k)


def paragraphs(text: str) -> list[str]:
    """A text field's paragraphs as their pointers number them: split on blank lines."""
    return text.split("\n\n") if text else []


def activity_targets(i: int, a: Activity) -> list[list[Target]]:
    """An activity's values, as groups placed together (a list is one group)."""
    base = f"/activities/{i}"

    def one(pointer: str, kind: str, keys: tuple[str, ...], paragraph: bool = False) -> Target:
        return Target(pointer, kind, keys, paragraph=paragraph, activity_id=a.id)

    groups: list[list[Target]] = [
        [one(f"{base}/title", "title", _keys(a.title))],
        [one(f"{base}/date_text", "date", _keys(a.date_text))],
    ]
    groups += [[one(f"{base}/description/{k}", "description", _keys(p), True)] for k, p in enumerate(paragraphs(a.description))]
    groups.append([one(f"{base}/members/{k}", "member", _keys(m.name)) for k, m in enumerate(a.members)])
    groups.append([one(f"{base}/alliances/{k}", "alliance", _keys(m.name)) for k, m in enumerate(a.alliances)])
    groups.append([one(f"{base}/results/{k}", "result", _keys(r)) for k, r in enumerate(a.results)])
    groups.append([one(f"{base}/challenges/{k}", "challenge", _keys(f"{c.code} {c.label}", c.label, c.code)) for k, c in enumerate(a.challenges)])
    groups.append([one(f"{base}/links/{k}", "link", _keys(t)) for k, t in enumerate(a.links)])
    return [g for g in groups if g]


def _item(pointer: str, main: tuple[str, ...], near: tuple[str, ...] = ()) -> Target:
    return Target(pointer, "section", main, near=tuple(n for n in near if n and n not in main))


def section_targets(r: Report) -> list[list[Target]]:
    """Every section value outside the activities, as groups placed together."""
    groups: list[list[Target]] = [[_item("/title", _keys(r.title))], [_item("/period/text", _keys(r.period.text))]]
    groups.append([_item(f"/table_of_contents/{k}", _keys(t.title)) for k, t in enumerate(r.table_of_contents)])
    if r.secretary_general_note:
        note = r.secretary_general_note
        groups += [[Target(f"/secretary_general_note/text/{k}", "section", _keys(p), paragraph=True)] for k, p in enumerate(paragraphs(note.text))]
        groups.append([_item("/secretary_general_note/signatory", _keys(note.signatory), _keys(note.role))])
    groups.append([_item(f"/action_lines/{k}", _keys(f"{x.code} {x.label}", x.label, x.code)) for k, x in enumerate(r.action_lines)])
    groups.append([_item(f"/media_mentions/{k}", _keys(m.outlet), _keys(m.title)) for k, m in enumerate(r.media_mentions)])
    groups.append([_item(f"/member_engagement/{k}", _keys(m.name)) for k, m in enumerate(r.member_engagement)])
    for k, b in enumerate(r.bilateral_meetings):
        names = _keys(*[m.name for m in b.members], *[m.name for m in b.alliances])
        groups.append([_item(f"/bilateral_meetings/{k}", names[:1], names[1:])])
    groups.append([_item("/key_figures_period", _keys(r.key_figures_period))])
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
    return [[t for t in g if t.keys] for g in groups if any(t.keys for t in g)]


def report_targets(report: Report) -> list[Target]:
    """Every value the stage tries to place (for coverage figures)."""
    groups = [g for i, a in enumerate(report.activities) for g in activity_targets(i, a)] + section_targets(report)
    return [t for g in groups for t in g]


# --------------------------------------------------------------------------- placing


def _candidates(stream: Stream, target: Target) -> list[Span]:
    for k in target.keys:
        found = occurrences(stream, k)
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
    ends = [(cell[0], cell[1], i, c) for i, row in enumerate(best) for c, cell in enumerate(row)]
    at: tuple[int, int] | None = max(ends)[2:] if ends else None
    while at is not None:
        i, c = at
        chosen[i] = cands[i][c]
        at = best[i][c][2]
    for span in chosen:
        if span:
            stream.used[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    placed = [s[0] for s in chosen if s]
    for i, span in enumerate(chosen):
        free = [c for c in cands[i] if not any(stream.used[c[0] : c[1]])]
        if span is None and free:
            anchor = placed[0] if placed else free[0][0]
            chosen[i] = min(free, key=lambda c: abs(c[0] - anchor))
            s, e = chosen[i]  # type: ignore[misc]
            stream.used[s:e] = b"\x01" * (e - s)
    return chosen


def _near_box(stream: Stream, target: Target, span: Span) -> BBox | None:
    """The box of a compound item: its main text and its other parts printed close by."""
    page, box = span_box(stream, span)
    boxes = [box]
    for k in target.near:
        close = [c for c in occurrences(stream, k) if abs(c[0] - span[0]) <= NEAR_LETTERS]
        if close:
            c = min(close, key=lambda c: abs(c[0] - span[0]))
            p, b = span_box(stream, c)
            if p == page:
                boxes.append(b)
    return union(boxes)


def place_group(stream: Stream, group: list[Target]) -> list[ItemProvenance]:
    """Place one group in a stream; what is found becomes ItemProvenance entries."""
    if group[0].paragraph:
        spans = [next((s for k in t.keys if (s := find_paragraph(stream, k))), None) for t in group]
    else:
        spans = place_sequence(stream, group)
        # a long value set another way than printed (a title's repaired line break)
        spans = [s or next((f for k in t.keys[:1] if len(k) >= 3 * ANCHOR and (f := find_paragraph(stream, k))), None) for t, s in zip(group, spans)]
    out = []
    for t, span in zip(group, spans):
        if span is None:
            continue
        page = stream.lines[stream.line_of[span[0]]].page
        box = _near_box(stream, t, span) if t.near else span_box(stream, span)[1]
        out.append(ItemProvenance(pointer=t.pointer, kind=t.kind, activity_id=t.activity_id, page=page, bbox=_rounded(box)))  # type: ignore[arg-type]
    return out


def inside(line: Line, box: BBox, slack: float = BOX_SLACK) -> bool:
    """The line's centre lies in the box."""
    cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def activity_lines(layout: DocumentLayout, a: Activity) -> list[Line]:
    """The layout lines inside an activity's boxes, in reading order."""
    boxes = {}
    for pb in a.provenance.bbox:
        boxes.setdefault(pb.page, []).append(pb.bbox)
    return [ln for p in layout.pages if p.page in boxes for ln in p.lines if any(inside(ln, b) for b in boxes[p.page])]


def layout_to_provenance(report: Report, layout: DocumentLayout) -> list[ItemProvenance]:
    """Every value of the report found on its page: activity items in their activity's
    box, section items in the text outside activities (the whole text as a last resort)."""
    out: list[ItemProvenance] = []
    in_activity: set[int] = set()
    for i, a in enumerate(report.activities):
        lines = activity_lines(layout, a)
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
