"""The secretary general's note: paragraphs of running text, the signatory and role."""

from __future__ import annotations

import re
from collections import Counter

from ..fields import join_lines
from ..models import (
    Line,
    SecretaryGeneralNote,
)
from ..text import paragraph_text
from .lines import is_heading, squash, style_of

_SENTENCE_END = (".", "!", "?", ":", "»", '"', "”", ")", "…")


def _with_compounds(lines: list[Line], lexicon: set[str]) -> set[str]:
    """A hyphen at a line's end between two words printed whole elsewhere ("three-" / "year":
    the text says "three" inside a line, the report says "year"), whose joined form is
    printed nowhere ("threeyear"), is a compound's hyphen: the compound joins the lexicon
    so that the hyphen is kept. (The lexicon holds every line end's fragment too, so the
    first word must be found inside a line of the text itself.)"""
    inside = {w.lower() for ln in lines for w in re.findall(r"[^\W\d_]+", ln.text.strip().rstrip("-"))[:-1]}
    extra: set[str] = set()
    for a, b in zip(lines, lines[1:]):
        head = re.search(r"([^\W\d_]+)-$", a.text.strip())
        tail = re.match(r"[^\W\d_]+", b.text.strip())
        if head and tail and tail.group(0)[:1].islower():
            h, t = head.group(1).lower(), tail.group(0).lower()
            if h + t not in lexicon and h in inside and t in lexicon and min(len(h), len(t)) >= 3:
                extra.add(f"{h}-{t}")
    return lexicon | extra if extra else lexicon


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
    lexicon = _with_compounds(lines, lexicon)
    return [p for p in (paragraph_text(para, lexicon) for para in paras) if p]


def parse_note(lines: list[Line], body: float, lexicon: set[str]) -> SecretaryGeneralNote | None:
    """Running text, then the signatory (a bold line set apart from the text) and the
    role printed under it."""
    lines = [ln for ln in lines if not is_heading(ln, body)]
    if not lines:
        return None
    weight: Counter[tuple] = Counter()
    for ln in lines:
        weight[style_of(ln)] += len(ln.text)
    text_style = weight.most_common(1)[0][0]
    signatory = role = None
    sig_at = len(lines)
    for k in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        ln = lines[k]
        if ln.bold and style_of(ln) != text_style and len(ln.text.split()) <= 7:
            signatory = squash(ln.text)
            rest = [r for r in lines[k + 1 :] if style_of(r) != text_style]
            role = join_lines([r.text for r in rest]) or None
            sig_at = k
            break
    body_lines = [ln for ln in lines[:sig_at] if style_of(ln) == text_style or not ln.bold]
    text = "\n\n".join(paragraphs(body_lines, lexicon))
    return SecretaryGeneralNote(text=text, signatory=signatory, role=role)
