"""Activity reports, the older kind: quarters, headed activities, dates in the prose.

Before the progress-report format, Metropolis published activity reports: a section per
quarter ("JANUARY – MARCH 2014"), activities under headings ("1. STRATEGIC MEETING"),
the date in the running text ("On February 3rd and 5th, …"), members named in the prose
and link lines after an activity ("Video summary  Photo Gallery").

Read from the same layout as progress reports, by structure and typography only:
- a quarter is a heading whose text is a period (a month range with its year);
- an activity is a heading under a quarter followed by running text; a number before
  its title ("1.", "2)") is kept as printed;
- its date is the first date phrase of its first paragraph, found by `prose_dates`
  (spaCy Matcher patterns from the language files), unless words such as "until" make
  it a deadline;
- link lines are short lines in another colour than running text, split on the labels
  of the language file.

`layout_to_activity_report` returns None when the document has not this structure, so
the pipeline can refuse it as it refuses any other organisation's PDF.
"""

from __future__ import annotations

import re
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from .fields import parse_period
from .models import DocumentLayout, Line, ReportSection
from .segment import _cover_period, detect_language, is_body, tag_lines
from .text import fold
from .typography import is_heading
from .vocab import Vocabulary, all_vocabularies

_NUMBER_RE = re.compile(r"^(\d{1,3})\s*[.)]\s+(\S.*)$")


class ActivityReportBlock(BaseModel):
    """The lines of one activity of an activity report, sorted into their roles."""

    model_config = ConfigDict(extra="forbid")

    section: ReportSection | None
    number: str | None = None
    title_lines: list[Line] = Field(default_factory=list)
    description_lines: list[Line] = Field(default_factory=list)
    link_lines: list[Line] = Field(default_factory=list)

    @property
    def all_lines(self) -> list[Line]:
        return [*self.title_lines, *self.description_lines, *self.link_lines]


class ActivityReportSegments(BaseModel):
    """What segmentation hands over for an activity report (and what quality reads)."""

    model_config = ConfigDict(extra="forbid")

    language: str
    body_size: float
    title_lines: list[Line]
    period_text: str | None
    sections: dict[str, list[Line]]
    activities: list[ActivityReportBlock]
    unplaced: list[Line]
    all_body_lines: list[Line] = Field(default_factory=list)
    field_labels_in_sections: dict[str, int] = Field(default_factory=dict)
    stray_activity_blocks: int = 0


def _quarter(ln: Line, body: float, vocabs: list[Vocabulary]) -> ReportSection | None:
    """A heading printing a period ("JANUARY – MARCH 2014", "April – July 2014 Quarter")."""
    if not is_heading(ln, body) or len(ln.text.split()) > 8:
        return None
    start, end = parse_period(ln.text, vocabs)
    if start is None or end is None or not re.search(r"\b(19|20)\d\d\b", ln.text):
        return None
    return ReportSection(text=" ".join(ln.text.split()), start=start, end=end)


def _body_colour(lines: list[Line], body: float) -> str:
    colours = Counter(ln.color for ln in lines if is_body(ln, body) for _ in range(len(ln.text)))
    return colours.most_common(1)[0][0] if colours else "#000000"


def _is_link_line(ln: Line, body: float, body_colour: str, vocab: Vocabulary) -> bool:
    """A short line in another colour than running text, or made of known link labels."""
    words = ln.text.split()
    if not words or len(words) > 10 or is_heading(ln, body) and ln.size >= 1.15 * body:
        return False
    if ln.color != body_colour and not ln.bold:
        return True
    rest = fold(ln.text)
    for label in sorted((fold(x) for x in vocab.link_labels), key=len, reverse=True):
        rest = rest.replace(label, " ")
    return not rest.strip()


def split_links(text: str, vocab: Vocabulary) -> list[str]:
    """Link labels of one line: the language's known labels, each other run as one label.

    >>> from metroextract.vocab import load_vocabulary
    >>> split_links("Video summary Photo Gallery", load_vocabulary("en"))
    ['Video summary', 'Photo Gallery']
    """
    text = " ".join(text.split())
    labels = sorted(vocab.link_labels, key=len, reverse=True)
    if not labels:
        return [text]
    pattern = re.compile("|".join(re.escape(x) for x in labels), re.I)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if text[pos : m.start()].strip():
            out.append(text[pos : m.start()].strip())
        out.append(m.group(0))
        pos = m.end()
    if text[pos:].strip():
        out.append(text[pos:].strip())
    return out


def _toc_pages(lines: list[Line], lang: str) -> set[int]:
    tags = tag_lines([ln.text for ln in lines], lang)
    return {ln.page for ln, tg in zip(lines, tags) if tg.whole == "SECTION:toc" or "SECTION:toc" in tg.also}


def layout_to_activity_report(layout: DocumentLayout, lang: str | None = None) -> ActivityReportSegments | None:
    """Quarters and their headed activities; None when the document is not built so."""
    vocabs = all_vocabularies()
    lines = [ln for p in layout.pages for ln in p.lines]
    if not lines:
        return None
    if lang is None:
        lang, _ = detect_language([ln.text for ln in lines], vocabs)
    vocab = vocabs[lang]
    body = layout.body_size
    body_colour = _body_colour(lines, body)
    period_text, period_lines = _cover_period(lines, list(vocabs.values()))
    toc = _toc_pages(lines, lang)
    first_page = lines[0].page

    section: ReportSection | None = None
    blocks: list[ActivityReportBlock] = []
    unplaced: list[Line] = []
    quarters = 0
    cur: ActivityReportBlock | None = None
    for ln in lines:
        if ln.page in toc or ln.page == first_page or any(ln is p for p in period_lines):
            continue
        quarter = _quarter(ln, body, list(vocabs.values()))
        if quarter is not None:
            section, cur, quarters = quarter, None, quarters + 1
            continue
        if section is None:
            unplaced.append(ln)
            continue
        if is_heading(ln, body) and not _is_link_line(ln, body, body_colour, vocab) and (ln.bold or ln.size >= 1.1 * body or ln.upper):
            if cur is not None and not cur.description_lines and cur.title_lines and _same_title(cur.title_lines[-1], ln):
                cur.title_lines.append(ln)  # a title wrapped over two lines
                continue
            m = _NUMBER_RE.match(ln.text.strip())
            cur = ActivityReportBlock(section=section, number=m.group(1) if m else None, title_lines=[ln.model_copy(update={"text": m.group(2)}) if m else ln])
            blocks.append(cur)
            continue
        if cur is None:
            unplaced.append(ln)
        elif _is_link_line(ln, body, body_colour, vocab):
            cur.link_lines.append(ln)
        else:
            cur.description_lines.append(ln)
    blocks = [b for b in blocks if b.description_lines]
    # the structure of an activity report: quarters of several headed activities, most
    # of them dated in their first paragraph (a rate sheet or a form has none of it)
    if quarters < 2 or len(blocks) < 3 or sum(_dated(b, lang) for b in blocks) < 0.5 * len(blocks):
        return None
    first = next((ln for ln in lines if ln.page == first_page), None)
    title_lines = []
    if first is not None:
        cover = [ln for ln in lines if ln.page == first_page and not any(ln is p for p in period_lines)]
        big = max(ln.size for ln in cover) if cover else 0
        title_lines = [ln for ln in cover if ln.size >= 0.8 * big and ln.size >= 1.3 * body]
    return ActivityReportSegments(
        language=lang,
        body_size=body,
        title_lines=title_lines,
        period_text=period_text,
        sections={"activities": [ln for b in blocks for ln in b.all_lines]},
        activities=blocks,
        unplaced=unplaced,
        all_body_lines=[ln for ln in lines if is_body(ln, body) and ln.page not in toc],
    )


def _same_title(prev: Line, ln: Line) -> bool:
    return prev.page == ln.page and abs(prev.size - ln.size) < 0.6 and prev.bold == ln.bold and 0 <= ln.top - prev.bottom < 0.8 * ln.size and not _NUMBER_RE.match(ln.text.strip())


def _dated(block: ActivityReportBlock, lang: str) -> bool:
    from .prose_dates import activity_date

    text = " ".join(ln.text for ln in block.description_lines[:6])
    sec = block.section
    return activity_date(text, lang, sec.start if sec else None, sec.end if sec else None) is not None
