"""Key figures: numbers set in display type, each with the label printed under it."""

from __future__ import annotations

import re

from ..fields import join_lines, parse_int
from ..models import (
    KeyFigure,
    Line,
)
from ..vocab import Vocabulary, fold
from .lines import attached, is_heading, squash

_NUMBER_RE = re.compile(r"^[+\-–~≈>≥<]?\s?\d[\d\s\u00a0\u202f.,']*\d?\s?[%+]?$")


def is_number_line(text: str) -> bool:
    """'+1 380', '119', '+1,380', '1.380', '25%'."""
    t = squash(text)
    return bool(_NUMBER_RE.match(t)) and any(c.isdigit() for c in t) and len(t) <= 16


def _has_month(text: str, vocab: Vocabulary) -> bool:
    months = {fold(k) for k in vocab.months}
    return any(w in months for w in fold(text).split())


def _under(ln: Line, num: Line, body: float) -> bool:
    """Set under the number as its label: flush with it, or centred under it (a tile)."""
    centre = abs((ln.x0 + ln.x1) / 2 - (num.x0 + num.x1) / 2) < 2 * body
    return abs(ln.x0 - num.x0) < 2 * body or centre


def parse_key_figures(lines: list[Line], body: float, vocab: Vocabulary) -> tuple[str | None, list[KeyFigure]]:
    """A period line ("Du 1er janvier au 30 avril") and number-like lines, each with the
    label printed under it (or above it when nothing is under it)."""
    lines = [ln for ln in lines if not (is_heading(ln, body) and not is_number_line(ln.text))]
    nums = [k for k, ln in enumerate(lines) if is_number_line(ln.text)]
    display = [k for k in nums if lines[k].size >= 1.25 * body]
    nums = display or nums  # figures are set in display type when any are
    if not nums:
        return None, []
    period = None
    for ln in lines[: nums[0]]:
        if _has_month(ln.text, vocab) and any(c.isdigit() for c in ln.text):
            period = squash(ln.text)
            break
    taken: set[int] = set(nums)
    if period is not None:
        taken.update(k for k, ln in enumerate(lines[: nums[0]]) if squash(ln.text) == period)
    labels: dict[int, list[Line]] = {k: [] for k in nums}
    for k in nums:
        num = prev = lines[k]
        # the label is found by geometry, not by order: tiles set side by side read
        # row by row as well as tile by tile
        under = sorted((j for j, ln in enumerate(lines) if j not in taken and ln.page == num.page and ln.top > num.top and _under(ln, num, body)), key=lambda j: lines[j].top)
        for j in under:
            ln = lines[j]
            if j in taken or ln.top <= prev.top:
                break
            near = ln.top - num.bottom < max(2 * body, 0.6 * num.size) if prev is num else attached(prev, ln, 1.0)
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
        text = squash(lines[k].text)
        figs.append(KeyFigure(text=text, value=parse_int(text.rstrip("%")), label=join_lines([ln.text for ln in labels[k]])))
    return period, figs
