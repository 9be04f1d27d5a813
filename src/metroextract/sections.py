"""Report sections other than activities: SegmentedReport sections → typed parts.

Every parser works from typography and geometry, never from the coordinates of one layout:

- lines are first repaired where the layout stage cut a printed line apart (a letter-spaced
  heading split at its word gaps, a raised ordinal "er", a code printed left of its label);
- then put back in reading order by a line-level XY-cut (columns read top to bottom, a grid
  of cards read column by column), so a parser sees each card, entry or paragraph whole;
- then each section is read by its own small grammar: a month heading is a line that is a
  month name alone, an outlet a bold line, a plan item a line opening with an L1A1D1 code,
  a card a small bold role, a bold name and plain position lines, and so on.

`cross_check(report)` compares the assembled report with itself (plan, taxonomy, regions,
printed member count) and returns warnings; the caller adds them to the report.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any, Iterable

from .assemble import join_hyphenated
from .errors import WarningCode
from .fields import PLAN_CODE_RE, join_lines, month_of, parse_int, split_names
from .models import (
    AllianceRef,
    BilateralMeeting,
    BoardMember,
    Challenge,
    Contact,
    FocalPoint,
    KeyFigure,
    Line,
    MediaMention,
    MemberRef,
    Period,
    PlanItem,
    Region,
    Report,
    SecretaryGeneralNote,
    StaffMember,
    TocEntry,
    Warning_,
)
from .segment import SegmentedReport, tag_lines
from .tabular import Table, find_tables
from .vocab import Vocabulary, all_vocabularies, fold

# Sections that carry data parsed here (the others are dividers or pure graphics).
PARSED = ("toc", "note", "media", "engagement", "meetings", "key_results", "challenge_taxonomy", "plan", "who", "secretariat")

_SENTENCE_END = (".", "!", "?", ":", "»", '"', "”", ")", "…")
_DASH_SPLIT_RE = re.compile(r"\s+[—–]\s+")
_TAX_RE = re.compile(r"^[-–•·▪]?\s*(\d{1,2}\.\d{1,2})\.?(?:\s+(\S.*))?$")
_TAX_CODE_ONLY_RE = re.compile(r"^[-–•·▪]?\s*\d{1,2}\.\d{1,2}\.?$")
_BULLET_RE = re.compile(r"^[-–—•·▪◦]\s+")
_PLAN_CODE_ONLY_RE = re.compile(r"^L\d+(?:A\d+(?:D\d+)?)?$")
_NUMBER_RE = re.compile(r"^[+\-–~≈>≥<]?\s?\d[\d\s\u00a0\u202f.,']*\d?\s?[%+]?$")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB_RE = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.I)
_PHONE_LABEL_RE = re.compile(r"^(?:t[ée]l[ée]?(?:fono|ephone|éfono)?|phone|tel|t)\s*\.?\s*[:.]?\s*(\+?\(?\d[\d\s().\-/]{5,}\d)$", re.I)
_PHONE_RE = re.compile(r"^\+?\(?\d[\d\s().\-/]{6,}\d$")
_ORDINAL_RE = re.compile(r"^(?:er|ère|re|e|ème|eme|nd|nde|st|rd|th|o|a|º|ª|\.º|\.ª)$")
_DOUBLED_INITIAL_RE = re.compile(r"^([A-ZÀ-Þ])\1(?=[a-zà-ÿ])")
_TOC_PREFIX_RE = re.compile(r"^(?:p(?:age|ág\.?|ágina|agina|g|p)?\.?)\s*(\d{1,3})\b\s*(?:[→⟶➔>»:.|–—-]+\s*)?(.*)$", re.I)
_TOC_ARROW_RE = re.compile(r"^(\d{1,3})\s*[→⟶➔>»|–—-]+\s*(\S.*)$")
_TOC_TRAIL_RE = re.compile(r"^(\S.*?)[\s.·…_]*\s(\d{1,3})$")
_TOC_LEAD_RE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_MEMBER_COUNT_RE = re.compile(
    r"\b(?:nos|our|nuestros|nuestras|ses|its|sus)\s+(\d[\d\s\u00a0\u202f.,]*?)\s+(?:membres|members|miembros)\b", re.I
)


# =========================================================================== line helpers


def _ws(text: str) -> str:
    return " ".join(text.split())


def _style(ln: Line) -> tuple[float, bool, str, str]:
    return (round(ln.size, 1), ln.bold, ln.color, ln.font)


def _h(ln: Line) -> float:
    return max(ln.bottom - ln.top, 0.1)


def _is_heading(ln: Line, body: float) -> bool:
    """A heading by typography: clearly larger than body text, or letter-spaced."""
    return ln.size >= 1.25 * body or (ln.spacing > 0.6 and ln.size >= body)


def _merged(parts: list[Line], text: str | None = None, **extra: Any) -> Line:
    first = parts[0]
    upd = {
        "text": text if text is not None else " ".join(p.text for p in parts),
        "x0": min(p.x0 for p in parts),
        "top": min(p.top for p in parts),
        "x1": max(p.x1 for p in parts),
        "bottom": max(p.bottom for p in parts),
    }
    upd.update(extra)
    return first.model_copy(update=upd)


def merge_heading_fragments(lines: list[Line], body: float) -> list[Line]:
    """Pieces of one heading printed on one baseline → one line, at the first piece's place.

    Column detection may cut a letter-spaced or capitalised heading at its wide word gaps
    ("METROPOLIS" | "DANS LES" | "MÉDIAS"); the pieces share page, size, weight, colour
    and top, and sit closer than one and a half letter heights.
    """

    def piece(ln: Line) -> bool:
        return _is_heading(ln, body) and (ln.spacing > 0.6 or ln.upper)

    out: list[Line] = []
    used: set[int] = set()
    for i, ln in enumerate(lines):
        if i in used:
            continue
        if not piece(ln):
            out.append(ln)
            continue
        same = [
            (j, o)
            for j, o in enumerate(lines)
            if j not in used
            and o.page == ln.page
            and piece(o)
            and abs(o.size - ln.size) <= 0.05 * ln.size
            and o.bold == ln.bold
            and o.color == ln.color
            and abs(o.top - ln.top) <= 0.25 * ln.size
        ]
        same.sort(key=lambda p: p[1].x0)
        # the chain of pieces through this line, each gap narrower than 1.5 × size
        k = next(n for n, (j, _) in enumerate(same) if j == i)
        lo = hi = k
        while lo > 0 and same[lo][1].x0 - same[lo - 1][1].x1 < 1.5 * ln.size:
            lo -= 1
        while hi < len(same) - 1 and same[hi + 1][1].x0 - same[hi][1].x1 < 1.5 * ln.size:
            hi += 1
        chain = same[lo : hi + 1]
        if len(chain) == 1:
            out.append(ln)
            continue
        used.update(j for j, _ in chain)
        out.append(_merged([p for _, p in chain], spacing=max(p.spacing for _, p in chain)))
    return out


def merge_superscripts(lines: list[Line]) -> list[Line]:
    """A raised ordinal ("er" of "1er") read as its own line → put back after its number."""
    out = list(lines)
    drop: set[int] = set()
    for i, sm in enumerate(lines):
        t = sm.text.strip()
        if not _ORDINAL_RE.match(t):
            continue
        best = None
        for j, host in enumerate(out):
            if j == i or j in drop or host.page != sm.page or host.size < 1.3 * sm.size:
                continue
            if not (host.top - 0.5 * sm.size <= sm.top <= host.bottom and host.x0 - 1 <= sm.x0 <= host.x1 + sm.size):
                continue
            best = j
            break
        if best is None:
            continue
        host = out[best]
        text = host.text
        # estimated character index of the superscript, snapped to the end of a number
        width = max(host.x1 - host.x0 - (sm.x1 - sm.x0), 1.0)
        est = (sm.x0 - host.x0) / width * len(text)
        ends = [m.end() for m in re.finditer(r"\d+", text)]
        if not ends:
            continue
        pos = min(ends, key=lambda e: abs(e - est))
        out[best] = host.model_copy(update={"text": text[:pos] + t + text[pos:]})
        drop.add(i)
    return [ln for k, ln in enumerate(out) if k not in drop]


def join_row_fragments(lines: list[Line], is_left: Any) -> list[Line]:
    """A short piece (a code, a page number) and the text printed right of it on the same
    row → one line, so "1.1" in one column and its label in the next read as "1.1 label"."""
    out = list(lines)
    drop: set[int] = set()
    for i, left in enumerate(lines):
        if i in drop or not is_left(left.text.strip()):
            continue
        best, best_gap = None, None
        for j, right in enumerate(lines):
            if j == i or j in drop or right.page != left.page:
                continue
            gap = right.x0 - left.x1
            size = max(left.size, right.size)
            if gap < -1 or gap > 4 * size:
                continue
            lc, rc = (left.top + left.bottom) / 2, (right.top + right.bottom) / 2
            if not (right.top - 1 <= lc <= right.bottom + 1 and left.top - 1 <= rc <= left.bottom + 1):
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = j, gap
        if best is None:
            continue
        right = lines[best]
        out[i] = right.model_copy(
            update={
                "text": f"{left.text.strip()} {right.text.strip()}",
                "x0": left.x0,
                "top": min(left.top, right.top),
                "bottom": max(left.bottom, right.bottom),
                "column": left.column,
            }
        )
        drop.add(best)
    return [ln for k, ln in enumerate(out) if k not in drop]


# --------------------------------------------------------------------------- reading order


def _gaps(intervals: Iterable[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    ivs = sorted(intervals)
    if not ivs:
        return []
    out = []
    end = ivs[0][1]
    for a, b in ivs[1:]:
        if a - end >= min_gap:
            out.append((end, a))
        end = max(end, b)
    return out


def _xgaps(lines: list[Line], min_gap: float) -> list[tuple[float, float]]:
    return _gaps(((ln.x0, ln.x1) for ln in lines), min_gap)


def _split_x(lines: list[Line], gaps: list[tuple[float, float]]) -> list[list[Line]]:
    cuts = [(a + b) / 2 for a, b in gaps]
    parts: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
    for ln in lines:
        mid = (ln.x0 + ln.x1) / 2
        parts[sum(1 for c in cuts if mid > c)].append(ln)
    return [p for p in parts if p]


def _bands(lines: list[Line]) -> list[list[Line]]:
    """Rows of lines that overlap vertically (boxes shrunk: ascenders may touch)."""
    bands: list[list[Line]] = []
    bottom = None
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        top_s, bot_s = ln.top + 0.2 * _h(ln), ln.bottom - 0.2 * _h(ln)
        if bands and bottom is not None and top_s < bottom:
            bands[-1].append(ln)
            bottom = max(bottom, bot_s)
        else:
            bands.append([ln])
            bottom = bot_s
    return bands


def _spans(band: list[Line], g: tuple[float, float]) -> bool:
    return min(ln.x0 for ln in band) < g[1] and max(ln.x1 for ln in band) > g[0]


def _median_size(lines: list[Line]) -> float:
    return statistics.median(ln.size for ln in lines)


def _beside(band: list[Line], gut: list[tuple[float, float]], context: list[Line]) -> bool:
    """Text runs in another column right beside this row (within half a line of it)."""
    x0, x1 = min(ln.x0 for ln in band), max(ln.x1 for ln in band)
    top, bottom = min(ln.top for ln in band), max(ln.bottom for ln in band)
    pad = 0.5 * max(ln.size for ln in band)
    for ln in context:
        if ln in band or ln.top > bottom + pad or ln.bottom < top - pad:
            continue
        for g0, g1 in gut:
            if (x1 <= g1 and ln.x0 >= g0) or (x0 >= g0 and ln.x1 <= g1):
                return True
    return False


def _extend_gutters(
    gut: list[tuple[float, float]], band: list[Line], min_gap: float, size: float, context: list[Line] | None = None
) -> list[tuple[float, float]] | None:
    """The gutters of a column region after adding one more row, or None if the row
    belongs elsewhere: it crosses a gutter, opens other columns, or is a heading printed
    in one column with nothing beside it (a block of its own starts there; a heading
    with the other column running beside it is part of a flowing column)."""
    own = _xgaps(band, min_gap)
    if not own and _median_size(band) > 1.15 * size and not _beside(band, gut, context or []):
        return None
    used: set[int] = set()
    new = []
    for g in gut:
        touching = [(max(ln.x0, g[0]), min(ln.x1, g[1])) for ln in band if ln.x0 < g[1] and ln.x1 > g[0]]
        best = g
        if touching:
            if not own and all(ln.bold for ln in band) and not _beside(band, gut, context or []):
                return None  # a bold sub-heading alone on its row, reaching into the gutter, heads what follows
            # a line reaching into the gutter narrows it; one crossing it ends the region
            free = _gaps([(g[0] - 1, g[0]), *touching, (g[1], g[1] + 1)], min_gap)
            if not free:
                return None
            best = max(free, key=lambda f: f[1] - f[0])
        used.update(k for k, bg in enumerate(own) if min(best[1], bg[1]) - max(best[0], bg[0]) > 0.5)
        new.append(best)
    if len(used) < len(own):
        return None
    return new


def _xy(lines: list[Line], min_gap: float) -> list[Line]:
    if len(lines) <= 1:
        return list(lines)
    bands = _bands(lines)
    if len(bands) == 1:
        vg = _xgaps(lines, min_gap)
        if vg:
            return [ln for part in _split_x(lines, vg) for ln in _xy(part, min_gap)]
        return sorted(lines, key=lambda ln: (ln.x0, ln.top))
    out: list[Line] = []
    i = 0
    while i < len(bands):
        group = list(bands[i])
        gut = _xgaps(bands[i], min_gap)
        j = i + 1
        while gut and j < len(bands):
            new = _extend_gutters(gut, bands[j], min_gap, _median_size(group), lines)
            if not new:
                break
            group += bands[j]
            gut = new
            j += 1
        if j - i > 1:
            for part in _split_x(group, gut):
                out.extend(_xy(part, min_gap))
        else:
            out.extend(_xy(bands[i], min_gap))
        i = j
    return out


def reading_order(lines: list[Line], body: float) -> list[Line]:
    """Lines of one section in reading order, page by page: a line-level XY-cut whose row
    bands are regrouped when they share the gutters of one multi-column region."""
    pages: dict[int, list[Line]] = {}
    for ln in lines:
        pages.setdefault(ln.page, []).append(ln)
    min_gap = max(6.0, 0.9 * body)
    return [ln for p in sorted(pages) for ln in _xy(pages[p], min_gap)]


def _untall(ln: Line) -> Line:
    """A line whose box is far taller than its type took in a drop cap: its text is the
    bottom row of the box, which is where it is read."""
    if ln.bottom - ln.top > 2.2 * ln.size:
        return ln.model_copy(update={"top": ln.bottom - 1.15 * ln.size})
    return ln


def prepare(lines: list[Line], body: float, row_left: Any = None) -> list[Line]:
    """Repair, then order, the lines of one section."""
    lines = merge_superscripts(merge_heading_fragments([_untall(ln) for ln in lines], body))
    if row_left is not None:
        lines = join_row_fragments(lines, row_left)
    return reading_order(lines, body)


def _attached(prev: Line, ln: Line, factor: float = 1.0) -> bool:
    """`ln` continues `prev` in the same column: just below it, horizontally overlapping."""
    return (
        ln.page == prev.page
        and ln.top > prev.top
        and ln.top - prev.bottom < factor * max(ln.size, prev.size)
        and min(ln.x1, prev.x1) - max(ln.x0, prev.x0) > 0
    )


# =========================================================================== sectioning


def _tag(tg: Any, prefix: str) -> str | None:
    """The whole-line tag with this prefix (a label may also be a heading)."""
    for t in (tg.whole, *getattr(tg, "also", ())):
        if t and t.startswith(prefix):
            return t
    return None


def resection(seg: SegmentedReport) -> dict[str, list[Line]]:
    """The lines of each data section, with the section boundaries segmentation could not
    see repaired: a heading cut into pieces by column detection, a second section on the
    table-of-contents page, region and secretariat pages under one heading."""
    body = seg.body_size
    items = [(ln, name) for name, lines in seg.sections.items() if name != "activities" for ln in lines]
    items.sort(key=lambda it: (it[0].page, it[0].column, it[0].bottom, it[0].x0))
    lines = merge_heading_fragments([ln for ln, _ in items], body)
    label = {id(ln): name for ln, name in items}
    tags = tag_lines([ln.text for ln in lines], seg.language)
    out: dict[str, list[Line]] = {}
    cur: str | None = None
    prev_label: str | None = None
    for ln, tg in zip(lines, tags):
        lab = label.get(id(ln), prev_label)
        if lab != prev_label:
            cur, prev_label = lab, lab
        whole = _tag(tg, "SECTION:") or tg.whole or ""
        if whole.startswith("SECTION:") and _is_heading(ln, body):
            cur = whole[len("SECTION:") :]
            out.setdefault(cur, [])
            continue
        if whole.startswith("REGION:") and _is_heading(ln, body) and cur in ("who", "secretariat"):
            cur = "who"
        if cur is not None:
            out.setdefault(cur, []).append(ln)
    _reattach_orphans(out)
    _reclaim_key_figures(out, body)
    return out


def _reclaim_key_figures(secs: dict[str, list[Line]], body: float) -> None:
    """Display numbers (a number alone in type twice the body size or more) and the label
    lines under them belong to the key figures wherever reading order filed them: a
    column read after the next section's heading on the key-figures page."""
    kr = secs.get("key_results")
    if not kr:
        return
    pages = {ln.page for ln in kr}
    for name, lines in secs.items():
        if name == "key_results":
            continue
        moved: list[Line] = []
        anchor: Line | None = None
        for ln in lines:
            if ln.page in pages and is_number_line(ln.text) and ln.size >= 2 * body:
                anchor = ln
                moved.append(ln)
            elif anchor is not None and ln.page == anchor.page and not _TAX_RE.match(_ws(ln.text)) and not PLAN_CODE_RE.match(_ws(ln.text)) and (
                _attached(moved[-1], ln, 3.0 if moved[-1] is anchor else 1.0) and abs(ln.x0 - anchor.x0) < 2 * body
            ):
                moved.append(ln)
            else:
                anchor = None
        if moved:
            ids = {id(ln) for ln in moved}
            secs[name] = [ln for ln in lines if id(ln) not in ids]
            kr.extend(moved)


def _reattach_orphans(secs: dict[str, list[Line]]) -> None:
    """Lines of a section that carries no data of its own (a divider, a graphic with its
    heading) styled exactly like the lines of a data section on the same page are that
    section's: its last grid columns read after the next heading."""
    names = list(secs)
    for k, name in enumerate(names):
        if name in PARSED:
            continue
        hosts = [n for n in names[:k][::-1] if n in PARSED]
        if not hosts:
            continue
        host = hosts[0]
        styles = {(ln.page, _style(ln)) for ln in secs[host]}
        moved = [ln for ln in secs[name] if (ln.page, _style(ln)) in styles]
        if moved:
            secs[host].extend(moved)
            secs[name] = [ln for ln in secs[name] if (ln.page, _style(ln)) not in styles]


# =========================================================================== table of contents


def _toc_entry(text: str) -> tuple[int, str] | None:
    t = _ws(text)
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
    """A page number set flush right, far from its title on the same row (no dot leaders,
    read as a column of its own) → "Title 3", one line."""
    numbers = [ln for ln in lines if re.fullmatch(r"\d{1,3}", ln.text.strip())]
    taken: dict[int, Line] = {}
    for num in numbers:
        mid = (num.top + num.bottom) / 2
        row = [ln for ln in lines if ln is not num and ln.page == num.page and ln.x1 < num.x0 and ln.top - 1 <= mid <= ln.bottom + 1 and id(ln) not in taken]
        if row:
            title = max(row, key=lambda ln: ln.x1)
            taken[id(title)] = title.model_copy(update={"text": f"{title.text.rstrip()} {num.text.strip()}", "x1": num.x1})
            taken[id(num)] = num
    out = []
    for ln in lines:
        new = taken.get(id(ln))
        if new is None:
            out.append(ln)
        elif new is not ln:
            out.append(new)
    return out


def parse_toc(lines: list[Line], body: float) -> list[TocEntry]:
    """Entries ("PAGE 3 → Title", "Title 3", "3 Title", a number beside its title) with the
    item lines printed under them; an entry's style is what sets it apart from its items."""
    lines = prepare(_join_trailing_numbers(lines), body, row_left=lambda t: bool(re.fullmatch(r"\d{1,3}", t)))
    cands = [(ln, _toc_entry(ln.text)) for ln in lines]
    styles = Counter((round(ln.size, 1), ln.bold) for ln, e in cands if e)
    if not styles:
        return []
    entry_style = styles.most_common(1)[0][0]
    entries: list[dict[str, Any]] = []
    last: Line | None = None
    for ln, e in cands:
        st = (round(ln.size, 1), ln.bold)
        text = _ws(ln.text)
        if e and st == entry_style:
            entries.append({"page": e[0], "title": [e[1]], "items": [], "in_title": True})
        elif not entries:
            continue
        elif st == entry_style and entries[-1]["in_title"] and last is not None and _attached(last, ln, 1.2):
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


# =========================================================================== secretary general's note


def paragraphs(lines: list[Line], lexicon: set[str]) -> list[str]:
    """Paragraphs of running text in reading order: a new one after extra leading, after a
    short line that ends a sentence, or at an indented first line."""
    paras: list[list[Line]] = []
    for ln in lines:
        if not paras:
            paras.append([ln])
            continue
        prev = paras[-1][-1]
        same_col = ln.page == prev.page and ln.top > prev.top and min(ln.x1, prev.x1) - max(ln.x0, prev.x0) > 0
        col = [p for p in paras[-1] if p.page == ln.page and min(p.x1, ln.x1) - max(p.x0, ln.x0) > 0] or [prev]
        right = max(p.x1 for p in col)
        left = min(p.x0 for p in col)
        ended = prev.text.rstrip().endswith(_SENTENCE_END)
        short = prev.x1 < right - 2.5 * prev.size
        gap = ln.top - prev.bottom if same_col else 0.0
        indent = same_col and ended and ln.x0 > left + 0.8 * ln.size
        if (same_col and gap > 0.55 * ln.size) or (ended and short) or indent:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    out = []
    for para in paras:
        text = ""
        for ln in para:
            t = ln.text.strip()
            if not text:
                text = t
            elif text.endswith("-") and len(text) > 1 and text[-2].isalpha():
                text = join_hyphenated(text, t, lexicon)
            else:
                text += " " + t
        if _ws(text):
            out.append(_ws(text))
    return out


def parse_note(lines: list[Line], body: float, lexicon: set[str]) -> SecretaryGeneralNote | None:
    """Running text, then the signatory (a bold line set apart from the text) and the
    role printed under it."""
    lines = [ln for ln in prepare(lines, body) if not _is_heading(ln, body)]
    if not lines:
        return None
    weight: Counter[tuple] = Counter()
    for ln in lines:
        weight[_style(ln)] += len(ln.text)
    text_style = weight.most_common(1)[0][0]
    signatory = role = None
    sig_at = len(lines)
    for k in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        ln = lines[k]
        if ln.bold and _style(ln) != text_style and len(ln.text.split()) <= 7:
            signatory = _ws(ln.text)
            rest = [r for r in lines[k + 1 :] if _style(r) != text_style]
            role = join_lines([r.text for r in rest]) or None
            sig_at = k
            break
    body_lines = [ln for ln in lines[:sig_at] if _style(ln) == text_style or not ln.bold]
    text = "\n\n".join(paragraphs(body_lines, lexicon))
    return SecretaryGeneralNote(text=text, signatory=signatory, role=role)


# =========================================================================== media mentions


def _bold_split(ln: Line) -> tuple[str, str] | None:
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
    h, t = _ws(" ".join(head)), _ws(" ".join(tail))
    return (h, t) if h and t else None


def _month_heading(ln: Line, vocab: Vocabulary, period: Period) -> str | None:
    text = _ws(ln.text)
    m = re.match(r"^(.*?)\s*\b((?:19|20)\d\d)\b\s*$", text)
    if m and m.group(1):
        month = month_of(m.group(1), vocab, period.start, period.end)
        return f"{m.group(2)}-{month[5:]}" if month else None
    return month_of(text, vocab, period.start, period.end)


def parse_media(lines: list[Line], body: float, vocab: Vocabulary, period: Period) -> list[MediaMention]:
    """Month heading (a month name alone) → outlet (bold) → title (the plain lines under it,
    None when the next line is another outlet or month). A layout setting no outlet in
    bold sets it apart otherwise: the style of the lines printed right under the months."""
    from_tables, lines = _media_from_tables(lines, vocab, period)
    lines = [ln for ln in prepare(lines, body) if not (_is_heading(ln, body) and _month_heading(ln, vocab, period) is None)]
    months = [_month_heading(ln, vocab, period) for ln in lines]
    outlet_styles: set[tuple] = set()
    if not any(ln.bold for ln, m in zip(lines, months) if m is None):
        after = Counter(_style(lines[k + 1]) for k, m in enumerate(months[:-1]) if m is not None and months[k + 1] is None)
        outlet_styles = {after.most_common(1)[0][0]} if after else set()
    out: list[dict[str, Any]] = []
    month: str | None = None
    prev: Line | None = None
    for ln, mh in zip(lines, months):
        text = _ws(ln.text)
        if mh is not None:
            month, prev = mh, None
            continue
        split = _bold_split(ln)
        if split:
            out.append({"month": month, "outlet": [split[0]], "title": [split[1]]})
        elif ln.bold or _style(ln) in outlet_styles:
            if out and prev is not None and _style(prev) == _style(ln) and not out[-1]["title"] and _attached(prev, ln, 0.45):
                out[-1]["outlet"].append(text)  # a wrapped outlet name
            else:
                out.append({"month": month, "outlet": [text], "title": []})
        elif out and prev is not None and _attached(prev, ln, 0.8):
            out[-1]["title"].append(text)
        else:
            continue  # a stray plain line: no outlet above it
        prev = ln
    return from_tables + [MediaMention(month=m["month"], outlet=join_lines(m["outlet"]), title=join_lines(m["title"]) or None) for m in out]


def _cell(lines: list[Line] | None) -> str:
    return join_lines([_ws(ln.text) for ln in lines or []])


def _without(lines: list[Line], tables: list[Table]) -> list[Line]:
    used = {id(ln) for t in tables for ln in t.lines}
    return [ln for ln in lines if id(ln) not in used]


def _media_from_tables(lines: list[Line], vocab: Vocabulary, period: Period) -> tuple[list[MediaMention], list[Line]]:
    """Mentions printed as a Month | Outlet | Title table; an empty month cell repeats the one above."""
    tables = [t for t in find_tables(lines, vocab, ("month", "outlet", "title"), required=("outlet",)) if "outlet" in t.keys]
    out: list[MediaMention] = []
    for t in tables:
        month = None
        for rec in t.records():
            if rec.get("month") and (m := _month_heading(rec["month"][0].model_copy(update={"text": _cell(rec["month"])}), vocab, period)):
                month = m
            if _cell(rec.get("outlet")):
                out.append(MediaMention(month=month, outlet=_cell(rec.get("outlet")), title=_cell(rec.get("title")) or None))
    return out, _without(lines, tables)


# =========================================================================== names


def clean_name(name: str) -> str:
    """A decorative drop cap printed before a name reads as a doubled initial ("AAbidjan")."""
    return _DOUBLED_INITIAL_RE.sub(r"\1", _ws(name))


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


def grid_order(lines: list[Line]) -> list[Line]:
    """A grid of names (one per cell, several columns) in the order it was listed.

    Nothing on the page says whether a grid is filled row by row or column by column;
    member lists are alphabetical, so the direction with fewer names out of order wins
    (ties keep the reading order). Lines that are not a grid come back unchanged.
    """
    if len(lines) < 4 or any(re.search(r"[,;·•]", ln.text) for ln in lines):
        return lines
    lefts: list[float] = []
    for x in sorted(ln.x0 for ln in lines):
        if not lefts or x - lefts[-1] > 2 * lines[0].size:
            lefts.append(x)
    if len(lefts) < 2:
        return lines

    def col(ln: Line) -> int:
        return max(k for k, x in enumerate(lefts) if ln.x0 >= x - 2 * ln.size) if ln.x0 >= lefts[0] - 2 * ln.size else 0

    by_rows = sorted(lines, key=lambda ln: (ln.page, round(ln.top / (0.5 * ln.size)), col(ln)))
    by_cols = sorted(lines, key=lambda ln: (ln.page, col(ln), ln.top))

    def disorder(seq: list[Line]) -> int:
        """Pairs out of alphabetical order (a sorted list with one slip stays close to 0)."""
        keys = [fold(ln.text) for ln in seq]
        return sum(a > b for i, a in enumerate(keys) for b in keys[i + 1 :])

    best = min((disorder(lines), 0, lines), (disorder(by_rows), 1, by_rows), (disorder(by_cols), 2, by_cols), key=lambda t: (t[0], t[1]))
    return best[2]


def parse_engagement(lines: list[Line], body: float) -> list[MemberRef]:
    lines = [ln for ln in prepare(lines, body) if not _is_heading(ln, body)]
    return [MemberRef(name=n) for n in names_of(lines)]


# =========================================================================== bilateral meetings


def _label_map(vocab: Vocabulary) -> dict[str, str]:
    labels = {fold(v): "members" for v in [*vocab.meeting_members, *vocab.labels.get("members", [])]}
    labels.update({fold(v): "alliances" for v in [*vocab.meeting_alliances, *vocab.labels.get("alliances", [])]})
    return labels


def _runin(text: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """'Membres : A, B' → ('members', 'A, B') for a known label before a colon."""
    m = re.match(r"^([^:：]{2,60}?)\s*[:：]\s*(.*)$", text)
    if m and fold(m.group(1)) in labels:
        return labels[fold(m.group(1))], m.group(2)
    return None


def parse_meetings(lines: list[Line], body: float, vocab: Vocabulary, period: Period) -> list[BilateralMeeting]:
    """Cards: month heading → format line ("En ligne") → labelled member/alliance lists."""
    labels = _label_map(vocab)
    tables = [t for t in find_tables(lines, vocab, ("month", "format", "members", "alliances"), required=("month",)) if {"members", "alliances"} & set(t.keys)]
    from_tables = []
    for t in tables:
        for rec in t.records():
            month_lines = rec.get("month") or []
            month = _month_heading(month_lines[0].model_copy(update={"text": _cell(month_lines)}), vocab, period) if month_lines else None
            from_tables.append(
                BilateralMeeting(
                    month=month,
                    format=_cell(rec.get("format")) or None,
                    members=[MemberRef(name=n) for n in names_of(rec.get("members") or [])],
                    alliances=[AllianceRef(name=n) for n in names_of(rec.get("alliances") or [])],
                )
            )
    lines = [ln for ln in prepare(_without(lines, tables), body) if not (_is_heading(ln, body) and _month_heading(ln, vocab, period) is None)]
    cards: list[dict[str, Any]] = []
    field: str | None = None
    for ln in lines:
        text = _ws(ln.text)
        mh = _month_heading(ln, vocab, period)
        if mh is not None:
            cards.append({"month": mh, "format": None, "members": [], "alliances": []})
            field = None
            continue
        if not cards:
            continue
        card = cards[-1]
        if fold(text) in labels:
            field = labels[fold(text)]
            continue
        ri = _runin(text, labels)
        if ri:
            field = ri[0]
            if ri[1].strip():
                card[field].append(ln.model_copy(update={"text": ri[1]}))
            continue
        if field is None:
            if card["format"] is None:
                card["format"] = text
            continue
        card[field].append(ln)
    return from_tables + [
        BilateralMeeting(
            month=c["month"],
            format=c["format"],
            members=[MemberRef(name=n) for n in names_of(c["members"])],
            alliances=[AllianceRef(name=n) for n in names_of(c["alliances"])],
        )
        for c in cards
    ]


# =========================================================================== key figures


def is_number_line(text: str) -> bool:
    """'+1 380', '119', '+1,380', '1.380', '25%'."""
    t = _ws(text)
    return bool(_NUMBER_RE.match(t)) and any(c.isdigit() for c in t) and len(t) <= 16


def _has_month(text: str, vocab: Vocabulary) -> bool:
    months = {fold(k) for k in vocab.months}
    return any(w in months for w in fold(text).split())


def parse_key_figures(lines: list[Line], body: float, vocab: Vocabulary) -> tuple[str | None, list[KeyFigure]]:
    """A period line ("Du 1er janvier au 30 avril") and number-like lines, each with the
    label printed under it (or above it when nothing is under it)."""
    lines = [ln for ln in prepare(lines, body) if not (_is_heading(ln, body) and not is_number_line(ln.text))]
    nums = [k for k, ln in enumerate(lines) if is_number_line(ln.text)]
    display = [k for k in nums if lines[k].size >= 1.25 * body]
    nums = display or nums  # figures are set in display type when any are
    if not nums:
        return None, []
    period = None
    for ln in lines[: nums[0]]:
        if _has_month(ln.text, vocab) and any(c.isdigit() for c in ln.text):
            period = _ws(ln.text)
            break
    taken: set[int] = set(nums)
    if period is not None:
        taken.update(k for k, ln in enumerate(lines[: nums[0]]) if _ws(ln.text) == period)
    labels: dict[int, list[Line]] = {k: [] for k in nums}
    for k in nums:
        num = prev = lines[k]
        # the label is found by geometry, not by order: tiles set side by side read
        # row by row as well as tile by tile
        under = sorted((j for j, ln in enumerate(lines) if j not in taken and ln.page == num.page and ln.top > num.top and abs(ln.x0 - num.x0) < 2 * body), key=lambda j: lines[j].top)
        for j in under:
            ln = lines[j]
            if j in taken or ln.top <= prev.top:
                break
            near = ln.top - num.bottom < max(2 * body, 0.6 * num.size) if prev is num else _attached(prev, ln, 1.0)
            if not near:
                break
            labels[k].append(ln)
            taken.add(j)
            prev = ln
    for k in nums:
        if labels[k]:
            continue
        above = []
        j = k - 1
        while j >= 0 and j not in taken and lines[j].page == lines[k].page:
            above.insert(0, lines[j])
            j -= 1
        labels[k] = above
        taken.update(range(j + 1, k))
    figs = []
    for k in nums:
        text = _ws(lines[k].text)
        figs.append(KeyFigure(text=text, value=parse_int(text.rstrip("%")), label=join_lines([ln.text for ln in labels[k]])))
    return period, figs


# =========================================================================== challenge taxonomy and plan


def parse_taxonomy(lines: list[Line], body: float) -> list[Challenge]:
    """'1.1 label' items (code and label may be printed apart), wrapped labels rejoined."""
    lines = prepare(lines, body, row_left=lambda t: bool(_TAX_CODE_ONLY_RE.match(t)))
    items: list[dict[str, Any]] = []
    prev: Line | None = None
    for ln in lines:
        m = _TAX_RE.match(_ws(ln.text))
        if m:
            items.append({"code": m.group(1), "label": [m.group(2) or ""], "first": ln})
            prev = ln
        elif items and prev is not None and _attached(prev, ln, 0.8) and not _is_heading(ln, body):
            items[-1]["label"].append(_ws(ln.text))
            prev = ln
    return [Challenge(code=i["code"], label=join_lines(i["label"])) for i in items if join_lines(i["label"])]


def plan_level(code: str) -> tuple[str, str | None]:
    """'L1' → line, 'L1A2' → axis under L1, 'L1A2D3' → deliverable under L1A2."""
    if "D" in code:
        return "deliverable", code[: code.index("D")]
    if "A" in code:
        return "axis", code[: code.index("A")]
    return "line", None


def parse_plan(lines: list[Line], body: float) -> list[PlanItem]:
    """Every line opening with an L1 / L1A1 / L1A1D1 code, with its wrapped label lines."""
    lines = prepare(lines, body, row_left=lambda t: bool(_PLAN_CODE_ONLY_RE.match(t)))
    items: list[dict[str, Any]] = []
    prev: Line | None = None
    for ln in lines:
        text = _BULLET_RE.sub("", _ws(ln.text))  # "- L1A1 label", "• L1A1 label"
        m = PLAN_CODE_RE.match(text)
        if m and not re.match(r"^[,;/]|^(?:L\d+(?:A\d+)?(?:D\d+)?[\s,;]*)+$", m.group(2)):
            items.append({"code": m.group(1), "label": [m.group(2)] if m.group(2) else [], "x0": ln.x0})
            prev = ln
        elif items and prev is not None and _attached(prev, ln, 0.9) and ln.x0 >= items[-1]["x0"] - 2 and not _is_heading(ln, body):
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


# =========================================================================== regions and secretariat


def _region_name(text: str, region_id: str, vocab: Vocabulary) -> str:
    """The region as named in the vocabulary when the heading is printed in capitals."""
    printed = _ws(text)
    letters = [c for c in printed if c.isalpha()]
    if letters and not all(c.isupper() for c in letters):
        return printed
    key = fold(printed).replace(" ", "")
    variants = vocab.regions.get(region_id, [])
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


def card_styles(lines: list[Line]) -> tuple[set[tuple], set[tuple], float]:
    """Styles of card roles and names: a role is a small bold or capitalised label printed
    just above a larger line, the name (bold, or "Name — place" run in)."""
    roles: Counter[tuple] = Counter()
    names: Counter[tuple] = Counter()
    for a, b in zip(lines, lines[1:]):
        if (a.bold or a.upper) and a.size < 0.92 * b.size and (b.bold or _DASH_SPLIT_RE.search(b.text)) and _attached(a, b, 1.2):
            roles[_style(a)] += 1
            names[_style(b)] += 1
    name_size = max((st[0] for st in names), default=max(ln.size for ln in lines))
    return set(roles), {st for st in names if st[1]}, name_size


_RUNIN_PERSON_RE = re.compile(r"^(?:[-–—•·▪◦]\s*)?([^:：]{2,60}?)\s*[:：]\s*(\S[^()]*?)\s*(?:\(([^()]+)\))?\s*$")


def _runin_people(lines: list[Line]) -> list[dict[str, Any]] | None:
    """A list of "• Role: Name (Place)" items, when every item reads so (else None)."""
    items: list[list[str]] = []
    for ln in lines:
        text = _ws(ln.text)
        if re.match(r"^[-–—•·▪◦]\s", text) or not items:
            items.append([text])
        else:
            items[-1].append(text)  # a wrapped item
    people = []
    for parts in items:
        m = _RUNIN_PERSON_RE.match(join_lines(parts))
        if not m:
            return None
        people.append({"role": m.group(1).strip(), "name": m.group(2).strip(), "detail": [m.group(3).strip()] if m.group(3) else []})
    return people or None


def parse_cards(lines: list[Line], kind: str) -> tuple[list[dict[str, Any]], list[Line]]:
    """Cards of role (small bold label) → name (bold) → details (plain lines), or role →
    "Name — detail" on one line. Returns the cards and, for board cards, the lines from
    the first card printed without any role on (the secretariat after the last region)."""
    cards: list[dict[str, Any]] = []
    if not lines:
        return cards, []
    if (people := _runin_people(lines)) is not None:
        return people, []
    role_styles, name_styles, name_size = card_styles(lines)
    prev: Line | None = None
    for k, ln in enumerate(lines):
        text = _ws(ln.text)
        st = _style(ln)
        is_name = st in name_styles or (ln.bold and ln.size >= 0.92 * name_size)
        is_role = not is_name and (st in role_styles or ((ln.bold or ln.upper) and ln.size < 0.92 * name_size))
        dash = _DASH_SPLIT_RE.split(text, maxsplit=1)
        if is_role:
            cards.append({"role": text, "name": None, "detail": []})
        elif is_name or (len(dash) == 2 and (not cards or cards[-1]["name"] is None or prev is None or not _attached(prev, ln, 1.0))):
            # "Name — place" run in: right under a role, or opening a card of its own
            name, detail = (dash[0], [dash[1]]) if len(dash) == 2 else (text, [])
            if cards and cards[-1]["name"] is None:
                cards[-1]["name"], cards[-1]["detail"] = name, detail
            elif cards and prev is not None and is_name and prev.bold and not cards[-1]["detail"] and _attached(prev, ln, 0.4):
                cards[-1]["name"] = join_lines([cards[-1]["name"], name])  # a wrapped name
            else:
                if kind == "board" and any(c["role"] for c in cards):
                    return cards, lines[k:]
                cards.append({"role": None, "name": name, "detail": detail})
        elif cards and cards[-1]["name"] is not None:
            cards[-1]["detail"].append(text)
        prev = ln
    return cards, []


def parse_who(lines: list[Line], body: float, vocab: Vocabulary, lang: str) -> tuple[list[Region], list[Line]]:
    """Region headings → members (one per line or comma-separated) → honorary members →
    focal-point cards → board cards. Returns the regions and the lines of the secretariat
    found after them (a secretariat heading, or the first card without a role)."""
    lines = prepare(lines, body)
    tags = tag_lines([ln.text for ln in lines], lang)
    regions: list[dict[str, Any]] = []
    staff: list[Line] = []
    mode: str | None = None
    honorary_prev: Line | None = None
    for ln, tg in zip(lines, tags):
        region, sub = _tag(tg, "REGION:"), _tag(tg, "SUB:")
        if region and (_is_heading(ln, body) or ln.bold or ln.upper):
            regions.append({"name": _region_name(ln.text, region[len("REGION:") :], vocab), "parts": {"members": [], "honorary": [], "focal": [], "board": []}, "raw": []})
            mode = "members"
            continue
        if _tag(tg, "SECTION:") == "SECTION:secretariat" and _is_heading(ln, body):
            mode = "secretariat"
            continue
        if mode == "secretariat":
            staff.append(ln)
            continue
        if regions:
            regions[-1]["raw"].append(ln)
        if not regions or _is_heading(ln, body):
            continue
        parts = regions[-1]["parts"]
        if mode == "honorary" and honorary_prev is not None and not _attached(honorary_prev, ln, 1.0):
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
    out: list[Region] = []
    for k, r in enumerate(regions):
        p = r["parts"]
        focal, _ = parse_cards(p["focal"], "focal")
        # a board printed as a Role | Name | Position table
        tables = [t for t in find_tables(r["raw"], vocab, ("role", "name", "position"), required=("role", "name")) if "name" in t.keys]
        table_board = [
            {"role": _cell(rec.get("role")) or None, "name": _cell(rec.get("name")), "detail": [_cell(rec.get("position"))] if _cell(rec.get("position")) else []}
            for t in tables
            for rec in t.records()
            if _cell(rec.get("name"))
        ]
        used = {id(ln) for t in tables for ln in t.lines}
        if used:
            p["board"] = [ln for ln in p["board"] if id(ln) not in used]
            p["members"] = [ln for ln in p["members"] if id(ln) not in used]
        board, rest = parse_cards(p["board"], "board")
        board = table_board + board
        if rest and k == len(regions) - 1:
            staff = rest + staff
        if not (p["members"] or p["honorary"] or focal or board):
            continue  # a region named in a list (a divider page), not a region section
        out.append(
            Region(
                name=r["name"],
                members=[MemberRef(name=n) for n in names_of(grid_order(p["members"]))],
                honorary_members=[MemberRef(name=n) for n in names_of(p["honorary"])],
                focal_points=[FocalPoint(role=c["role"] or "", name=c["name"], place=join_lines(c["detail"]) or None) for c in focal if c["name"]],
                board=[BoardMember(role=c["role"] or "", name=c["name"], position=join_lines(c["detail"]) or None) for c in board if c["name"]],
            )
        )
    return out, staff


def _contact_lines(lines: list[Line]) -> tuple[Contact | None, set[int]]:
    """Address / phone / email / website lines, and the indexes of the box holding them."""
    found: dict[str, tuple[int, str]] = {}
    for k, ln in enumerate(lines):
        t = _ws(ln.text)
        if "email" not in found and (m := _EMAIL_RE.search(t)):
            found["email"] = (k, m.group(0))
        elif "phone" not in found and (m := _PHONE_LABEL_RE.match(t)):
            found["phone"] = (k, _ws(m.group(1)))
        elif "phone" not in found and _PHONE_RE.match(t) and sum(c.isdigit() for c in t) >= 7:
            found["phone"] = (k, t)
        elif "website" not in found and _WEB_RE.match(t) and not t.replace(".", "").isdigit():
            found["website"] = (k, t)
    if not found:
        return None, set()
    idx = sorted(k for k, _ in found.values())
    anchor = lines[idx[0]]
    # the box: lines sharing the contact lines' left edge, stacked without a wide gap
    stack = sorted(
        (k for k, ln in enumerate(lines) if ln.page == anchor.page and abs(ln.x0 - anchor.x0) <= 1.5),
        key=lambda k: lines[k].top,
    )
    pos = stack.index(idx[0])
    lo = hi = pos
    while lo > 0 and lines[stack[lo]].top - lines[stack[lo - 1]].bottom <= 2.5 * lines[stack[lo]].size:
        lo -= 1
    while hi < len(stack) - 1 and lines[stack[hi + 1]].top - lines[stack[hi]].bottom <= 2.5 * lines[stack[hi]].size:
        hi += 1
    box = set(stack[lo : hi + 1]) | set(idx)
    # the address: plain lines styled like the contact lines, just above the first of them
    address: list[str] = []
    j = pos - 1
    ref = lines[idx[0]]
    while j >= lo:
        ln = lines[stack[j]]
        if ln.bold or round(ln.size, 1) != round(ref.size, 1) or ln.color != ref.color or ref.top - ln.bottom > 1.2 * ref.size:
            break
        if _ws(ln.text).endswith(":"):
            break
        address.insert(0, _ws(ln.text))
        ref = ln
        j -= 1
    contact = Contact(
        address=join_lines(address) or None,
        phone=found["phone"][1] if "phone" in found else None,
        email=found["email"][1] if "email" in found else None,
        website=found["website"][1] if "website" in found else None,
    )
    return contact, box


def parse_secretariat(lines: list[Line], body: float, vocab: Vocabulary | None = None) -> tuple[list[StaffMember], Contact | None]:
    """Staff as a Name | Position table, or as bold name + plain position lines; the
    contact box set apart first."""
    from_tables: list[StaffMember] = []
    if vocab is not None:
        tables = [t for t in find_tables(lines, vocab, ("name", "position"), required=("name", "position")) if "name" in t.keys]
        from_tables = [StaffMember(name=_cell(r["name"]), position=_cell(r.get("position")) or None) for t in tables for r in t.records() if _cell(r.get("name"))]
        lines = _without(lines, tables)
        if from_tables:
            contact, _ = _contact_lines([ln for ln in prepare(lines, body) if not _is_heading(ln, body)])
            return from_tables, contact
    lines = [ln for ln in prepare(lines, body) if not _is_heading(ln, body)]
    contact, box = _contact_lines(lines)
    staff: list[dict[str, Any]] = []
    prev: Line | None = None
    for k, ln in enumerate(lines):
        if k in box:
            continue
        text = _ws(ln.text)
        if ln.bold:
            staff.append({"name": text, "position": [], "line": ln})
            prev = ln
        elif staff and prev is not None and _attached(prev, ln, 1.5):
            staff[-1]["position"].append(text)
            prev = ln
    return [StaffMember(name=s["name"], position=join_lines(s["position"]) or None) for s in staff], contact


# =========================================================================== entry point


def sections_to_parts(seg: SegmentedReport, period: Period, lexicon: set[str], warnings: list[Warning_]) -> dict[str, Any]:
    """Typed values of every non-activity section, keyed by Report field name."""
    vocab = all_vocabularies()[seg.language]
    body = seg.body_size
    secs = resection(seg)
    parts: dict[str, Any] = {}

    def missing(name: str, what: str) -> None:
        lines = secs.get(name) or []
        page = lines[0].page if lines else None
        warnings.append(Warning_(page=page, code=WarningCode.SECTION_MISSING, message=f"section {name!r} found but no {what} could be read"))

    def run(name: str, what: str, fn: Any, *args: Any, items: Any = lambda v: v) -> Any:
        """One section's parser; a failure costs that section only, as a warning."""
        try:
            value = fn(*args)
        except Exception as exc:  # noqa: BLE001 - a report is worth more than one section
            lines = secs.get(name) or []
            warnings.append(
                Warning_(
                    page=lines[0].page if lines else None,
                    code=WarningCode.SECTION_MISSING,
                    message=f"section {name!r} could not be read ({type(exc).__name__}: {str(exc)[:120]})",
                )
            )
            return None
        if not items(value):
            missing(name, what)
        return value

    if secs.get("toc") and (toc := run("toc", "entries", parse_toc, secs["toc"], body)) is not None:
        parts["table_of_contents"] = toc
    if secs.get("note") and (note := run("note", "text", parse_note, secs["note"], body, lexicon)) is not None:
        parts["secretary_general_note"] = note
    if secs.get("media") and (media := run("media", "media mentions", parse_media, secs["media"], body, vocab, period)) is not None:
        parts["media_mentions"] = media
    if secs.get("engagement") and (eng := run("engagement", "member names", parse_engagement, secs["engagement"], body)) is not None:
        parts["member_engagement"] = eng
    if secs.get("meetings") and (meet := run("meetings", "meetings", parse_meetings, secs["meetings"], body, vocab, period)) is not None:
        parts["bilateral_meetings"] = meet
    if secs.get("key_results") and (kf := run("key_results", "key figures", parse_key_figures, secs["key_results"], body, vocab, items=lambda v: v[1])) is not None:
        parts["key_figures_period"], parts["key_figures"] = kf
    if secs.get("challenge_taxonomy") and (tax := run("challenge_taxonomy", "challenges", parse_taxonomy, secs["challenge_taxonomy"], body)) is not None:
        parts["challenge_taxonomy"] = tax
    if secs.get("plan") and (plan := run("plan", "L1/L1A1/L1A1D1 items", parse_plan, secs["plan"], body)) is not None:
        parts["plan"] = plan
    staff_lines: list[Line] = list(secs.get("secretariat") or [])
    staff_table = bool(staff_lines) and bool(find_tables(staff_lines, vocab, ("name", "position"), required=("name", "position")))
    if secs.get("who") and staff_table:
        # the secretariat printed as its own Name | Position table: nothing to share with regions
        who = run("who", "regions", parse_who, secs["who"], body, vocab, seg.language, items=lambda v: v[0])
        if who is not None:
            parts["regions"], extra = who
            staff_lines = extra + staff_lines
    elif secs.get("who"):
        # "Secrétariat général" is both a focal-point role inside regions and the last
        # section: read both together; regions end at a large secretariat heading or at
        # the first card printed without a role after a board
        pool = sorted([*secs["who"], *staff_lines], key=lambda ln: (ln.page, ln.column, ln.bottom, ln.x0))
        who = run("who", "regions", parse_who, pool, body, vocab, seg.language, items=lambda v: v[0])
        if who is not None:
            parts["regions"], staff_lines = who
    if staff_lines and (sec := run("secretariat", "staff", parse_secretariat, staff_lines, body, vocab, items=lambda v: v[0] or v[1])) is not None:
        parts["secretariat"], parts["contact"] = sec
    return parts


# =========================================================================== cross-checks


def _names_key(ref: MemberRef) -> str:
    return ref.member_id or fold(ref.name)


def cross_check(report: Report) -> list[Warning_]:
    """Consistency of the report with itself, as warnings (never exceptions): result codes
    absent from the plan, challenges absent from the taxonomy or with another label, members
    named in activities but in no region list, key figures that do not parse, and a member
    count printed in the text ("nos 141 membres") that differs from the region lists."""
    out: list[Warning_] = []
    plan_codes = {p.code for p in report.plan}
    taxonomy = {c.code: c.label for c in report.challenge_taxonomy}
    region_keys: set[str] = set()
    for r in report.regions:
        for m in [*r.members, *r.honorary_members]:
            region_keys.add(_names_key(m))
            region_keys.add(fold(m.name))
    seen_results: set[str] = set()
    seen_challenges: set[tuple[str, str]] = set()
    seen_members: set[str] = set()
    for a in report.activities:
        page = a.provenance.pages[0] if a.provenance.pages else None
        if plan_codes:
            for code in a.results:
                if code not in plan_codes and code not in seen_results:
                    seen_results.add(code)
                    out.append(Warning_(page=page, code=WarningCode.RESULT_NOT_IN_PLAN, message=f"result {code} of activity {a.title!r} is not in the plan"))
        if taxonomy:
            for ch in a.challenges:
                key = (ch.code, fold(ch.label))
                if key in seen_challenges:
                    continue
                seen_challenges.add(key)
                if ch.code not in taxonomy:
                    out.append(Warning_(page=page, code=WarningCode.CHALLENGE_NOT_IN_TAXONOMY, message=f"challenge {ch.code} {ch.label!r} of activity {a.title!r} is not in the taxonomy"))
                elif fold(ch.label) != fold(taxonomy[ch.code]):
                    out.append(
                        Warning_(
                            page=page,
                            code=WarningCode.CHALLENGE_LABEL_MISMATCH,
                            message=f"challenge {ch.code} is {ch.label!r} in activity {a.title!r} but {taxonomy[ch.code]!r} in the taxonomy",
                        )
                    )
        if report.regions:
            for m in a.members:
                key = _names_key(m)
                if key in region_keys or fold(m.name) in region_keys or key in seen_members:
                    continue
                seen_members.add(key)
                out.append(Warning_(page=page, code=WarningCode.MEMBER_NOT_IN_REGIONS, message=f"member {m.name!r} of activity {a.title!r} is in no region list"))
    for k in report.key_figures:
        if k.value is None:
            out.append(Warning_(page=None, code=WarningCode.KEY_FIGURE_UNPARSED, message=f"key figure {k.text!r} ({k.label!r}) is not a number"))
    if report.regions:
        total = sum(len(r.members) for r in report.regions)
        texts = []
        if report.secretary_general_note:
            texts.append(report.secretary_general_note.text)
        texts += [a.description for a in report.activities]
        for text in texts:
            for m in _MEMBER_COUNT_RE.finditer(text):
                printed = parse_int(m.group(1).strip(" .,"))
                if printed is not None and printed != total:
                    out.append(
                        Warning_(
                            page=None,
                            code=WarningCode.MEMBER_COUNT_MISMATCH,
                            message=f"the text says {m.group(0)!r} but the region lists hold {total} members",
                        )
                    )
    return out


__all__ = [
    "sections_to_parts",
    "cross_check",
    "resection",
    "reading_order",
    "parse_toc",
    "parse_note",
    "parse_media",
    "parse_engagement",
    "parse_meetings",
    "parse_key_figures",
    "parse_taxonomy",
    "parse_plan",
    "parse_who",
    "parse_cards",
    "parse_secretariat",
    "paragraphs",
    "plan_level",
    "is_number_line",
    "clean_name",
]
