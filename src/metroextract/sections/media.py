"""Media mentions: month headings, outlets, titles; or a Month | Outlet | Title table."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..fields import join_lines, month_of
from ..models import (
    Line,
    MediaMention,
    Period,
)
from ..tabular import find_tables
from ..text import fold
from ..vocab import Vocabulary
from .lines import attached, bold_lead, cell_text, is_heading, month_heading, squash, style_of, without_tables


def _media_from_tables(lines: list[Line], vocab: Vocabulary, period: Period) -> tuple[list[MediaMention], list[Line]]:
    """Mentions printed as a Month | Outlet | Title table; an empty month cell repeats the one above."""
    tables = [t for t in find_tables(lines, vocab, ("month", "outlet", "title"), required=("outlet",)) if "outlet" in t.keys]
    out: list[MediaMention] = []
    for t in tables:
        month = None
        for rec in t.records():
            if rec.get("month") and (m := month_heading(rec["month"][0].model_copy(update={"text": cell_text(rec["month"])}), vocab, period)):
                month = m
            if cell_text(rec.get("outlet")):
                out.append(MediaMention(month=month, outlet=cell_text(rec.get("outlet")), title=cell_text(rec.get("title")) or None))
    return out, without_tables(lines, tables)


_BULLET_RE = re.compile(r"^[-–—•·▪◦›»■□*]\s*(?=\S)")


def unbulleted(ln: Line) -> Line | None:
    """A bulleted line without its bullet (a run of its own or the text's first character);
    None for a bullet set alone in a gutter."""
    text = squash(ln.text)
    if re.fullmatch(r"[-–—•·▪◦›»■□*]", text):
        return None
    if not _BULLET_RE.match(text) or text[:2] == "--":
        return ln
    runs = list(ln.runs)
    if runs and re.fullmatch(r"[-–—•·▪◦›»■□*]", runs[0][0].strip()):
        runs = runs[1:]
    elif runs:
        runs[0] = (_BULLET_RE.sub("", runs[0][0].lstrip()), runs[0][1])
    return ln.model_copy(update={"text": _BULLET_RE.sub("", text), "runs": runs})


_ENUMERATOR_RE = re.compile(r"^\(?\d{1,3}[.)]\s+")
_QUOTES = "\"“”«»„‘’'"


def _mention_parts(outlet: str, title: str, vocab: Vocabulary, period: Period) -> tuple[str, str, str | None]:
    """A run-in mention's outlet and title without the list's numbering ("1. "), the
    title's quotes, and a month printed after it in parentheses ("(January)")."""
    outlet = _ENUMERATOR_RE.sub("", outlet).strip(" ,")
    title = title.strip(" ,;")
    month = None
    m = re.match(r"^(.*?)\s*\(([^()]+)\)$", title)
    if m and (month := month_of(m.group(2), vocab, period.start, period.end)):
        title = m.group(1).strip(" ,;")
    return outlet, title.strip().strip(_QUOTES).strip(), month


def parse_media(lines: list[Line], body: float, vocab: Vocabulary, period: Period) -> list[MediaMention]:
    """Month heading (a month name alone) → outlet (bold) → title (the plain lines under it,
    None when the next line is another outlet or month). A layout setting no outlet in
    bold sets it apart otherwise: the style of the lines printed right under the months."""
    from_tables, lines = _media_from_tables(lines, vocab, period)
    lines = [b for ln in lines if (b := unbulleted(ln)) is not None]
    lines = [ln for ln in lines if not (is_heading(ln, body) and month_heading(ln, vocab, period) is None)]
    months = [month_heading(ln, vocab, period) for ln in lines]
    outlet_styles: set[tuple] = set()
    if not any(ln.bold for ln, m in zip(lines, months) if m is None):
        after = Counter(style_of(lines[k + 1]) for k, m in enumerate(months[:-1]) if m is not None and months[k + 1] is None)
        outlet_styles = {after.most_common(1)[0][0]} if after else set()
    out: list[dict[str, Any]] = []
    month: str | None = None
    prev: Line | None = None
    for ln, mh in zip(lines, months):
        text = squash(ln.text)
        if mh is not None:
            month, prev = mh, None
            continue
        split = bold_lead(ln)
        if split:
            outlet, title, in_parens = _mention_parts(split[0], split[1], vocab, period)
            out.append({"month": in_parens or month, "outlet": [outlet], "title": [title] if title else []})
        elif ln.bold or style_of(ln) in outlet_styles:
            if out and prev is not None and style_of(prev) == style_of(ln) and not out[-1]["title"] and attached(prev, ln, 0.45):
                out[-1]["outlet"].append(text)  # a wrapped outlet name
            else:
                out.append({"month": month, "outlet": [text], "title": []})
        elif out and prev is not None and attached(prev, ln, 0.8):
            out[-1]["title"].append(text)
        else:
            continue  # a stray plain line: no outlet above it
        prev = ln
    # an activity's labelled field read into the section ("Partenaires — CGLU") is no mention
    field_labels = {fold(v) for vs in vocab.labels.values() for v in vs}
    out = [m for m in out if fold(join_lines(m["outlet"]).rstrip(" :—–-")) not in field_labels]
    return from_tables + [MediaMention(month=m["month"], outlet=join_lines(m["outlet"]), title=join_lines(m["title"]) or None) for m in out]
