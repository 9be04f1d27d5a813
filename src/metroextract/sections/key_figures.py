"""Key figures: numbers set in display type, each with the label printed under it, beside
it (a number | label table) or run in after it on one line (`**+1 120** people engaged`)."""

from __future__ import annotations

import re

from ..fields import parse_int
from ..models import (
    KeyFigure,
    Line,
)
from ..text import fold
from ..vocab import Vocabulary
from .lines import attached, bold_lead, is_heading, join_wrapped, level, squash

_NUMBER_RE = re.compile(r"^[+\-–~≈>≥<]?\s?\d[\d\s\u00a0\u202f.,']*\d?\s?[%+]?$")


_GROUPS_RE = re.compile(r"\d+")


def is_number_line(text: str) -> bool:
    """'+1 380', '119', '+1,380', '1.380', '25%', '2,5%'; not a code ('1.1', '3.12')."""
    t = squash(text)
    if not (_NUMBER_RE.match(t) and any(c.isdigit() for c in t) and len(t) <= 16):
        return False
    groups = _GROUPS_RE.findall(t)
    # digits grouped by thousands; a short last group only as a percentage's decimals
    return all(len(g) == 3 for g in groups[1:-1]) and (len(groups) < 2 or len(groups[-1]) == 3 or t.endswith("%"))


def split_across(ln: Line, lines: list[Line]) -> list[Line]:
    """A number line that runs across two tiles ("+1 380 119": two figures set level in
    two columns, read as one line) parted where a column of the other lines starts; each
    part placed by its share of the line's width."""
    words = squash(ln.text).split(" ")
    if len(words) < 2:
        return [ln]
    lefts = {round(o.x0) for o in lines if o.page == ln.page and o is not ln and ln.x0 + 2 < o.x0 < ln.x1 and o.top > ln.top}
    per = (ln.x1 - ln.x0) / max(1, len(squash(ln.text)))
    parts, start, pos = [], 0, 0
    for k in range(1, len(words)):
        pos += len(words[k - 1]) + 1
        x = ln.x0 + pos * per
        if any(abs(x - left) < 1.5 * ln.size for left in lefts):
            parts.append((start, k, x))
            start = k
    if not parts:
        return [ln]
    parts.append((start, len(words), ln.x1))
    out, x0 = [], ln.x0
    for a, b, x in parts:
        out.append(ln.model_copy(update={"text": " ".join(words[a:b]), "x0": x0, "x1": x - per}))
        x0 = x
    return out if all(is_number_line(o.text) for o in out) else [ln]


_LEAD_NUMBER_RE = re.compile(r"^([+\-–~≈>≥<]?\s?\d[\d\s\u00a0\u202f.,']*?\d?\s?[%+]?)\s+(\D.*)$")


def runin_figure(ln: Line) -> tuple[str, str] | None:
    """A figure run in before its label on one line: the number in bold (`**97**
    collaborations`), or, when the layout gives no runs, a number opening a line whose
    next word is in lower case (`+1 120 personnes engagées`)."""
    lead = bold_lead(ln)
    if lead is not None:
        return lead if is_number_line(lead[0]) else None
    if ln.runs:
        return None
    m = _LEAD_NUMBER_RE.match(squash(ln.text))
    if m and is_number_line(m.group(1)) and m.group(2)[:1].islower():
        return squash(m.group(1)), m.group(2)
    return None


def _runin_parts(ln: Line) -> list[Line]:
    """A figure run in before its label, as a number line and a label line beside it
    (where each starts estimated from the characters before it)."""
    fig = runin_figure(ln)
    if fig is None:
        return [ln]
    number, label = fig
    per_char = (ln.x1 - ln.x0) / max(len(ln.text), 1)
    cut = ln.x0 + per_char * (len(ln.text) - len(label))
    return [ln.model_copy(update={"text": number, "x1": cut - per_char, "runs": []}), ln.model_copy(update={"text": label, "x0": cut, "runs": []})]


def _has_month(text: str, vocab: Vocabulary) -> bool:
    months = {fold(k) for k in vocab.months}
    return any(w in months for w in fold(text).split())


def _under(ln: Line, num: Line, body: float) -> bool:
    """Set under the number as its label: flush with it, or centred under it (a tile)."""
    centre = abs((ln.x0 + ln.x1) / 2 - (num.x0 + num.x1) / 2) < 2 * body
    return abs(ln.x0 - num.x0) < 2 * body or centre


def _period(lines: list[Line], vocab: Vocabulary) -> str | None:
    """The period line printed before the figures ("Du 1er janvier au 30 avril")."""
    for ln in lines:
        if _has_month(ln.text, vocab) and any(c.isdigit() for c in ln.text):
            return squash(ln.text)
    return None


def _beside(lines: list[Line], k: int, taken: set[int], nums: list[int]) -> list[int]:
    """The label printed right of its number on the same row (a number | label table):
    the nearest line level with it, and the lines wrapping that cell under it."""
    num = lines[k]
    right = [j for j, ln in enumerate(lines) if j not in taken and ln.page == num.page and ln.x0 >= num.x1 - 1]
    level_with = [j for j in right if level(lines[j], num)]
    # none level: a label cell centred on its row, its two lines straddling the number
    level_with = level_with or [j for j in right if lines[j].top < num.bottom and lines[j].bottom > num.top]
    if not level_with:
        return []
    first = min(level_with, key=lambda j: (lines[j].x0, lines[j].top))
    out, prev = [first], lines[first]
    rows = [lines[n] for n in nums if n != k]  # another figure's row; its own label may wrap level with it
    for j in sorted(range(len(lines)), key=lambda j: (lines[j].page, lines[j].top)):
        ln = lines[j]
        if j in taken or j in out or ln.top <= prev.top or abs(ln.x0 - prev.x0) > 2:
            continue
        if not attached(prev, ln, 1.0) or any(level(ln, r) for r in rows):
            break
        out.append(j)
        prev = ln
    return out


def _under_number(lines: list[Line], k: int, taken: set[int], body: float) -> list[int]:
    """The label set under its number: flush with it or centred under it, right below."""
    num = prev = lines[k]
    out: list[int] = []
    # found by geometry, not by order: tiles set side by side read row by row as well
    # as tile by tile
    under = sorted((j for j, ln in enumerate(lines) if j not in taken and ln.page == num.page and ln.top > num.top and _under(ln, num, body)), key=lambda j: lines[j].top)
    for j in under:
        ln = lines[j]
        if ln.top <= prev.top:
            break
        near = ln.top - num.bottom < max(2 * body, 0.6 * num.size) if prev is num else attached(prev, ln, 1.0)
        if not near:
            break
        out.append(j)
        prev = ln
    return out


def _runin_figures(lines: list[Line], vocab: Vocabulary, lexicon: set[str] | None) -> tuple[str | None, list[KeyFigure]]:
    """Figures run in before their labels, a label wrapping onto the lines under it."""
    figs: list[tuple[str, list[str]]] = []
    first = next((k for k, ln in enumerate(lines) if runin_figure(ln)), None)
    if first is None:
        return None, []
    prev: Line | None = None
    for ln in lines[first:]:
        if (fig := runin_figure(ln)) is not None:
            figs.append((fig[0], [fig[1]]))
        elif prev is not None and attached(prev, ln, 1.0) and ln.x0 >= prev.x0 - 2:
            figs[-1][1].append(ln.text)
        else:
            continue
        prev = ln
    out = [KeyFigure(text=t, value=_value(t), label=join_wrapped(label, lexicon)) for t, label in figs]
    return _period(lines[:first], vocab), out


def _value(text: str) -> int | None:
    return parse_int(text.rstrip("%"))


def parse_key_figures(lines: list[Line], body: float, vocab: Vocabulary, lexicon: set[str] | None = None) -> tuple[str | None, list[KeyFigure]]:
    """A period line ("Du 1er janvier au 30 avril") and number-like lines, each with the
    label printed beside it, under it, or above it when nothing is beside or under it;
    without number lines, figures run in before their labels."""
    lines = [ln for ln in lines if not (is_heading(ln, body) and not is_number_line(ln.text))]
    lines = [part for ln in lines for part in (split_across(ln, lines) if is_number_line(ln.text) else [ln])]
    if any(is_number_line(ln.text) for ln in lines):
        # a table whose number and label cells were read as one line in some rows
        lines = [part for ln in lines for part in _runin_parts(ln)]
    nums = [k for k, ln in enumerate(lines) if is_number_line(ln.text)]
    display = [k for k in nums if lines[k].size >= 1.25 * body]
    nums = display or nums  # figures are set in display type when any are
    if not nums:
        return _runin_figures(lines, vocab, lexicon)
    period = _period(lines[: nums[0]], vocab)
    taken: set[int] = set(nums)
    if period is not None:
        taken.update(k for k, ln in enumerate(lines[: nums[0]]) if squash(ln.text) == period)
    labels: dict[int, list[Line]] = {}
    for k in nums:
        found = _beside(lines, k, taken, nums) or _under_number(lines, k, taken, body)
        labels[k] = [lines[j] for j in found]
        taken.update(found)
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
        text = squash(lines[k].text)
        figs.append(KeyFigure(text=text, value=_value(text), label=join_wrapped([ln.text for ln in labels[k]], lexicon)))
    return period, figs
