"""Segment stage: DocumentLayout → sections, activity blocks and labelled fields.

The only module that imports spaCy. Printed vocabulary (section headings, field labels,
action-line kickers) is matched by a `SpanRuler` on `spacy.blank(lang)`, with phrase
patterns built from the language data files, so archivists extend vocabularies without
touching code. Typography decides the rest: a heading is larger, bolder, capitalised or
letter-spaced compared with the document's body size; an activity starts at a line that
is nothing but a date; its title is the heading-styled run after that date, or, in a
report that prints titles first, the heading-styled run just before it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache, cached_property

import spacy
from pydantic import BaseModel, ConfigDict, Field

from .blank import blank
from .fields import CHALLENGE_RE, RESULT_LIKE_RE, RUNIN_SEPARATOR, is_date_line, parse_period
from .layout import is_italic
from .models import BBox, DocumentLayout, Line
from .text import cased_letters, fold
from .typography import is_heading
from .vocab import LANGUAGES, Vocabulary, all_vocabularies

FIELDS = ("members", "results", "challenges", "alliances")


class ActivityBlock(BaseModel):
    """The lines of one activity, sorted into their roles."""

    model_config = ConfigDict(extra="forbid")

    action_line: str | None
    date_line: Line
    series: Line | None = None
    title_lines: list[Line] = Field(default_factory=list)
    description_lines: list[Line] = Field(default_factory=list)
    fields: dict[str, list[Line]] = Field(default_factory=dict)
    figure_lines: list[Line] = Field(default_factory=list)

    @property
    def all_lines(self) -> list[Line]:
        out = [self.date_line, *([self.series] if self.series else []), *self.title_lines, *self.description_lines]
        for lines in self.fields.values():
            out.extend(lines)
        return out + self.figure_lines


class SegmentedReport(BaseModel):
    """What segmentation hands to the fields stage."""

    model_config = ConfigDict(extra="forbid")

    language: str
    body_size: float
    title_lines: list[Line]
    period_text: str | None
    sections: dict[str, list[Line]]
    action_lines: list[tuple[str, str]]
    activities: list[ActivityBlock]
    unplaced: list[Line]
    # What the quality verdict reads: every body line of the report, field labels met
    # inside non-activity sections (per section), and dated title+label blocks that
    # could not be made activities.
    all_body_lines: list[Line] = Field(default_factory=list)
    field_labels_in_sections: dict[str, int] = Field(default_factory=dict)
    stray_activity_blocks: int = 0
    # the heading line that opened each section (its first, for a section opened twice)
    section_headings: dict[str, Line] = Field(default_factory=dict)


# --------------------------------------------------------------------------- spaCy rules


@cache
def vocabulary_nlp(lang: str) -> spacy.language.Language:
    """A blank pipeline whose SpanRuler knows the language's headings, labels and kickers."""
    vocab = all_vocabularies()[lang]
    nlp = blank(lang)
    ruler = nlp.add_pipe("span_ruler", config={"phrase_matcher_attr": "LOWER", "spans_key": "vocab"})
    patterns = []
    for name, variants in vocab.sections.items():
        patterns += [{"label": f"SECTION:{name}", "pattern": v} for v in variants]
    for name, variants in vocab.labels.items():
        patterns += [{"label": f"FIELD:{name}", "pattern": v} for v in variants]
    for v in vocab.action_line_kicker:
        patterns.append({"label": "KICKER", "pattern": v})
    for name, variants in vocab.regions.items():
        patterns += [{"label": f"REGION:{name}", "pattern": v} for v in variants]
    for key in ("focal_points", "board", "honorary", "region_members"):
        patterns += [{"label": f"SUB:{key}", "pattern": v} for v in getattr(vocab, key)]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


class LineTags(BaseModel):
    """What the vocabulary says about one line."""

    model_config = ConfigDict(frozen=True)

    whole: str | None = None  # a tag covering the whole line ("FIELD:members")
    also: tuple[str, ...] = ()  # other tags covering the whole line (a label that is also a heading)
    runin: str | None = None  # a FIELD tag starting the line, followed by ':' and a value
    runin_rest: str = ""
    kicker_number: int | None = None  # "Ligne d'action 2" → 2
    kicker_rest: str = ""


_SQUASH = re.compile(r"\s+")
# Bullets that may open a run-in field line ("• Membres activés : …", "▪ ALLIANCES …").
_BULLETS = " \t-–—•·▪◦›■►▸‣*"


def _bare_runin(label: str, rest: str) -> bool:
    """A label in capitals run into its value with no separator ("MEMBRES ACTIVÉS Dakar"):
    the value follows after a space and does not continue the label in capitals.

    >>> _bare_runin("MEMBRES ACTIVÉS", " Dakar, Lima"), _bare_runin("Membres activés", " Dakar")
    (True, False)
    >>> _bare_runin("ALLIANCES", " ET PARTENAIRES"), _bare_runin("RETOS METROPOLITANOS", " 2.1 Resiliencia")
    (False, True)

    A value in capitals is no label's continuation when it reads as a value: codes
    ("L1A2D3, L1A3D3") or a list ("UCLG, UN Women").

    >>> _bare_runin("RELATED RESULTS", " L1A2D3, L1A3D3"), _bare_runin("ALLIANCES", " UCLG, UN Women")
    (True, True)
    """
    letters = [c for c in label if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters) or not rest[:1].isspace() or not rest.strip():
        return False
    words = rest.split()
    return len(words) < 2 or not (_label_word(words[0], last=False) and _label_word(words[1], last=True))


def _label_word(word: str, *, last: bool) -> bool:
    """A word that may go on a label in capitals: letters in capitals, no digit, and no list
    separator after it (unless it is the last word looked at)."""
    core = word.rstrip(":")
    if not last and core[-1:] in ",;·/|":
        return False
    return sum(c.isalpha() for c in core) > 1 and core.isupper() and not any(c.isdigit() for c in core)


@cache
def _squashed_tags(lang: str) -> dict[str, str]:
    """Fold-and-squash keys: a letter-spaced heading may lose its word spaces."""
    vocab = all_vocabularies()[lang]
    out: dict[str, str] = {}
    for name, variants in vocab.sections.items():
        for v in variants:
            out.setdefault(fold(v).replace(" ", ""), f"SECTION:{name}")
    for name, variants in vocab.labels.items():
        for v in variants:
            out.setdefault(fold(v).replace(" ", ""), f"FIELD:{name}")
    for name, variants in vocab.regions.items():
        for v in variants:
            out.setdefault(fold(v).replace(" ", ""), f"REGION:{name}")
    for key in ("focal_points", "board", "honorary", "region_members"):
        for v in getattr(vocab, key):
            out.setdefault(fold(v).replace(" ", ""), f"SUB:{key}")
    return out


def tag_lines(texts: list[str], lang: str) -> list[LineTags]:
    """Vocabulary tags of many lines at once (nlp.pipe keeps this fast)."""
    nlp = vocabulary_nlp(lang)
    squashed = _squashed_tags(lang)
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        spans = sorted(doc.spans["vocab"], key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
        tags = LineTags()
        tail = text
        if spans:
            first = spans[0]
            head, rest = text[: first.start_char], text[first.end_char :]
            if not head.strip(" -–•·") and not fold(rest):
                same = [sp.label_ for sp in spans if sp.start_char == first.start_char and sp.end_char == first.end_char]
                tags = LineTags(whole=same[0], also=tuple(same[1:]))
            elif (
                not head.strip(_BULLETS)
                and (fld := next((sp.label_ for sp in spans if sp.start_char == first.start_char and sp.end_char == first.end_char and sp.label_.startswith("FIELD:")), None))
                and (RUNIN_SEPARATOR.match(rest) or _bare_runin(text[first.start_char : first.end_char], rest))
            ):
                tags = LineTags(runin=fld, runin_rest=RUNIN_SEPARATOR.sub("", rest, count=1).strip())
            elif not head.strip() and first.label_ == "KICKER":
                m = re.match(r"^\s*(\d+)\b\s*[:.–—-]?\s*(.*)$", rest)
                if m:
                    tags = LineTags(kicker_number=int(m.group(1)), kicker_rest=m.group(2).strip())
            tail = rest
        if tags == LineTags():
            key = fold(text).replace(" ", "")
            if key in squashed:
                tags = LineTags(whole=squashed[key])
        del tail
        out.append(tags)
    return out


# --------------------------------------------------------------------------- typography


def is_body(ln: Line, body: float) -> bool:
    return abs(ln.size - body) <= 0.13 * body and not is_italic(ln.font)


def _style(ln: Line) -> tuple[float, bool, str]:
    return (round(ln.size), ln.bold, ln.color)


def _same_look(a: Line, b: Line, size_tolerance: float = 0.6) -> bool:
    """Set in one style: the same weight and (nearly) the same size."""
    return abs(a.size - b.size) < size_tolerance and a.bold == b.bold


def _leaves_capitals(above: Line, run: list[Line]) -> bool:
    """A title set in capitals does not wrap into a line in small letters above it: that
    line (an action line's name right under its heading, in the title's weight and size)
    is no part of it. A last line in capitals alone ("UNDP") may end a title in small
    letters, so the run must be clearly capitals: two lines, or one of three words."""
    capitals = all(ln.upper for ln in run) and (len(run) >= 2 or len(run[0].text.split()) >= 3)
    letters = cased_letters(above.text)
    small = sum(c.islower() for c in letters) > len(letters) / 2
    return capitals and small


def _date_style(ln: Line) -> tuple[float, bool, bool]:
    # colour may change per action line, so it is left out
    return (round(ln.size * 2) / 2, ln.bold, is_italic(ln.font))


def detect_language(texts: list[str], vocabs: dict[str, Vocabulary]) -> tuple[str, float]:
    """The language whose marker words and printed labels are most frequent; and a margin."""
    words = Counter(w for t in texts for w in fold(t).split())
    scores = {}
    for lang, voc in vocabs.items():
        markers = {fold(m) for m in voc.markers}
        score = sum(words[m] for m in markers)
        labels = {fold(v) for vs in voc.labels.values() for v in vs} | {fold(m) for m in voc.months}
        joined = Counter(fold(t) for t in texts)
        score += 5 * sum(joined[lab] for lab in labels)
        scores[lang] = score
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, second = ranked[0], ranked[1]
    margin = (best[1] - second[1]) / best[1] if best[1] else 0.0
    return best[0], margin


# --------------------------------------------------------------------------- segmentation


def _image_text(ln: Line, boxes: dict[int, list[tuple[float, float, float, float]]]) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    return any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in boxes.get(ln.page, []))


# What separates the items of a printed list: a comma or semicolon, or a middle dot,
# bullet, bar, slash or dash standing between spaces.
_LIST_SEPARATOR_RE = re.compile(r"[,;]|\s[·•▪|/–—]\s|\s[·•▪|/–—]$")


def _looks_like_value(field: str, text: str) -> bool:
    """A line that can continue a field's values after a column or page break."""
    if field == "results":
        return bool(RESULT_LIKE_RE.search(text))
    if field == "challenges":
        return bool(CHALLENGE_RE.match(text)) or len(text.split()) <= 6
    return bool(_LIST_SEPARATOR_RE.search(text)) or len(text.split()) <= 4


def layout_to_segments(layout: DocumentLayout, lang: str | None = None) -> SegmentedReport:
    """Sort the document's lines into cover, sections, action lines and activity blocks."""
    return Segmenter(read_report_look(layout, lang)).run()


# --------------------------------------------------------------------------- the report's look


@dataclass
class ReportLook:
    """What is decided once for the whole report, before any line is placed: its language
    and body type, which lines are activity dates, whether titles come before or after
    their dates, where labelled evidence says activities start, running kickers, cover."""

    lines: list[Line]
    tags: list[LineTags]
    lang: str
    vocab: Vocabulary
    body: float
    body_color: str
    boxes: dict[int, list[BBox]]
    size_tolerance: float  # how closely two values of one field share a size
    date_idx: set[int]
    page_kicker: dict[int, tuple[int, str]]
    period_text: str | None
    title_lines: list[Line]
    title_runs: dict[int, int] = dataclass_field(default_factory=dict)  # title start → its date line (title-first reports)
    evidenced: list[int] = dataclass_field(default_factory=list)  # activity starts proven by labelled fields, sorted
    starts: list[int] = dataclass_field(default_factory=list)  # every line that can open an activity, sorted

    def titleish(self, j: int, page: int) -> bool:
        """A line that can be part of an activity title (or its series kicker)."""
        if not 0 <= j < len(self.lines):
            return False
        lj, tj = self.lines[j], self.tags[j]
        return (
            lj.page == page
            and j not in self.date_idx
            and is_heading(lj, self.body)
            and tj.whole is None
            and tj.runin is None
            and tj.kicker_number is None
            and lj.size < 3 * self.body
            and not _image_text(lj, self.boxes)
        )

    def title_run_before(self, d: int) -> int | None:
        """In a title-first report: where the title run just above date line d starts.

        Read upwards from the date: lines in the title's style, set tight like one
        paragraph, then at most one kicker line right above them in another style.
        """
        lines, page = self.lines, self.lines[d].page
        j = d - 1
        # a title at the foot of a page may have its date at the head of the next
        turned = j >= 0 and lines[j].page == page - 1
        page = lines[j].page if turned else page
        if not self.titleish(j, page) or (not turned and lines[d].top - lines[j].bottom > self.title_date_gap(j, d)):
            return None
        k = j
        while (
            j - k < 4
            and self.titleish(k - 1, page)
            and _same_look(lines[k - 1], lines[j])
            and 0 <= lines[k].top - lines[k - 1].bottom < 0.8 * lines[j].size
            and not _leaves_capitals(lines[k - 1], lines[k : j + 1])
        ):
            k -= 1
        if self.titleish(k - 1, page) and not _same_look(lines[k - 1], lines[j]) and lines[k - 1].size < lines[j].size and 0 <= lines[k].top - lines[k - 1].bottom < 0.8 * lines[j].size:
            k -= 1
        return k

    def title_date_gap(self, j: int, d: int) -> float:
        """The widest gap allowed between a title's last line j and its date line d below.

        Tight (1.5 lines) by default; a design that pads its date (a tag, a pill, space
        above the date) sets every title that far from its date, so the report's own
        typical title-to-date gap counts too, never more than 4 lines."""
        size = max(self.lines[d].size, self.lines[j].size)
        return min(4 * size, max(1.5 * size, 1.25 * self.typical_title_date_gap))

    @cached_property
    def typical_title_date_gap(self) -> float:
        """The median gap between a date line and the title-styled line right above it."""
        gaps = [self.lines[d].top - self.lines[d - 1].bottom for d in self.date_idx if self.titleish(d - 1, self.lines[d].page)]
        gaps = [g for g in gaps if g >= 0]
        return statistics.median(gaps) if len(gaps) >= 2 else 0.0

    def section_heading_at(self, j: int) -> bool:
        """A line tagged as a section heading and set as one (cheap check, no joining)."""
        t = next((x for x in (self.tags[j].whole, *self.tags[j].also) if x and x.startswith("SECTION:")), None)
        return t is not None and is_heading(self.lines[j], self.body) and self.lines[j].size >= 0.95 * self.body

    def labelled_fields_follow(self, d: int) -> bool:
        """Field labels after date line d, before the next date or section heading.

        A dated block with a title and labelled fields is an activity wherever it is
        printed: this is the evidence that lets one open outside an activities region.
        """
        for j in range(d + 1, min(len(self.lines), d + 80)):
            if j in self.date_idx or self.section_heading_at(j):
                return False
            tj = self.tags[j]
            if tj.runin or any(t and t.startswith("FIELD:") for t in (tj.whole, *tj.also)):
                return True
        return False

    def activity_follows(self, j: int) -> bool:
        """An evidenced activity start after line j, before any section heading."""
        for k in self.evidenced:
            if k > j:
                return not any(self.section_heading_at(m) for m in range(j + 1, k))
        return False

    def next_evidence(self, j: int) -> int | None:
        return next((k for k in self.evidenced if k > j), None)

    def level_with(self, i: int, j: int) -> bool:
        """Line i starts on line j's line, give or take its height (a margin column's first
        label beside the date or title it belongs to: cells of one row rarely align)."""
        a, b = self.lines[i], self.lines[j]
        return a.page == b.page and abs(a.top - b.top) <= max(a.size, b.size)

    def owner_beside(self, i: int, waiting: set[int] | frozenset[int] = frozenset()) -> int | None:
        """The activity start that field line i is printed beside: in a margin column, the
        fields come first in the reading order, level with the date and title on their
        right. The next start is the one, or (a margin column holding the fields of several
        activities) the next start no fields are `waiting` for yet."""
        ln = self.lines[i]
        j = next((k for k in self.starts if k > i and k not in waiting), None)
        if j is None:
            return None
        s = self.lines[j]
        if s.page == ln.page and s.x0 >= ln.x1 - 1.0 and abs(s.top - ln.top) <= 2.5 * s.size:
            return j
        return None


def read_report_look(layout: DocumentLayout, lang: str | None = None) -> ReportLook:
    """The report-wide decisions, from all of the layout's lines at once."""
    vocabs = all_vocabularies()
    lines = [ln for p in layout.pages for ln in p.lines]
    texts = [ln.text for ln in lines]
    if lang is None:
        lang, _ = detect_language(texts, vocabs)
    lines = join_label_column(join_wrapped_labels(lines, lang), lang)
    texts = [ln.text for ln in lines]
    lines, tags = values_after_centred_labels(lines, tag_bold_leads(lines, tag_lines(texts, lang), lang))
    body = layout.body_size
    colours = Counter(ln.color for ln in lines if is_body(ln, body) for _ in range(len(ln.text)))
    # An OCR text layer has one invisible font and noisy sizes: style says nothing there,
    # and sizes compare loosely.
    one_font = len({ln.font for ln in lines}) <= 1
    period_text, period_lines = _cover_period(lines, list(vocabs.values()))
    look = ReportLook(
        lines=lines,
        tags=tags,
        lang=lang,
        vocab=vocabs[lang],
        body=body,
        body_color=colours.most_common(1)[0][0] if colours else "#000000",
        boxes={p.page: p.image_boxes for p in layout.pages},
        size_tolerance=3.0 if one_font else 0.6,
        date_idx=_activity_dates(lines, vocabs[lang], one_font),
        page_kicker=_page_kickers(layout, lang),
        period_text=period_text,
        title_lines=[],
    )
    look.title_lines = _cover_title(lines, look.tags, period_lines, body)
    look.title_runs = _title_runs(look)
    look.evidenced = _evidenced_starts(look)
    splits = {j for j, (ln, tg) in enumerate(zip(lines, look.tags)) if j not in look.date_idx and is_heading(ln, body) and tg.whole is None and _date_split(ln, look.vocab) is not None}
    look.starts = sorted(look.date_idx | set(look.title_runs) | splits)
    return look


def join_wrapped_labels(lines: list[Line], lang: str) -> list[Line]:
    """A field label wrapped over two or three lines of a narrow label column ("MIEMBROS" /
    "ACTIVOS", or "METROPOLITAN" / "CHALLENGES: 1.1" run into its value) becomes one line,
    when the lines joined are a label of the vocabulary and the last or the first of them
    alone is not one (two stacked labels stay two). A key column read key, value, key, value puts the
    value of the label's first line between its two lines."""
    runs = _wrapped_runs(lines)
    tags = tag_lines([t for _, t in runs] + [lines[r[-1]].text for r, _ in runs] + [lines[r[0]].text for r, _ in runs], lang) if runs else []
    chosen: dict[int, tuple[list[int], str]] = {}
    used: set[int] = set()
    for n, (run, text) in enumerate(runs):
        whole, last, first = tags[n], tags[len(runs) + n], tags[2 * len(runs) + n]
        labelled = _field_tag(whole) or (whole.runin and first == LineTags())
        # two stacked labels stay two: a run is one label when its last line, or its
        # first ("ENGAGED" / "MEMBERS"), is no label alone
        alone = not (_field_tag(last) or last.runin) or not (_field_tag(first) or first.runin)
        if labelled and alone and not used & set(run):
            chosen[run[0]] = (run, text)
            used |= set(run)
    if not chosen:
        return lines
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if i in chosen:
            run, text = chosen[i]
            part = [lines[j] for j in run]
            out.append(ln.model_copy(update={"text": text, "x1": max(x.x1 for x in part), "bottom": part[-1].bottom}))
        elif i not in used:
            out.append(ln)
    return out


def values_after_centred_labels(lines: list[Line], tags: list[LineTags]) -> tuple[list[Line], list[LineTags]]:
    """A label set beside the middle of its value (a word processor's table, its cells
    centred vertically): the value's first lines sit higher than the label and are read
    before it. They move after the label: the lines right of it, set tight one over the
    next and over the first line read after the label, starting above the label, as many
    as centre the value on the label at one leading (a wider gap parts two cells)."""
    order = list(range(len(lines)))
    for k, (lab, tg) in enumerate(zip(lines, tags)):
        if _field_tag(tg) is None or tg.runin is not None:
            continue
        pos = order.index(k)
        under = _tight_chain(lines, [order[m] for m in range(pos + 1, len(order))], lab, tags)
        if not under:
            continue
        above = _tight_chain(lines, [order[m] for m in range(pos - 1, -1, -1)], lab, tags, lines[under[0]])
        above = [j for j in above if lines[j].top < lab.top]
        # as many of them as centre the value on the label
        above = next((above[:n] for n in range(len(above), 0, -1) if _centred_on(lab, cell := sorted((lines[j] for j in above[:n] + under), key=lambda ln: ln.top)) and _even_leading(cell)), [])
        if above:
            order = [j for j in order if j not in above]
            at = order.index(k) + 1
            order[at:at] = sorted(above, key=lambda j: lines[j].top)
    return [lines[j] for j in order], [tags[j] for j in order]


def _even_leading(cell: list[Line]) -> bool:
    """The lines of one cell stand at one leading: a wider gap parts two cells."""
    gaps = [b.top - a.bottom for a, b in zip(cell, cell[1:])]
    return not gaps or max(gaps) - min(gaps) <= 1.0


def _centred_on(label: Line, cell: list[Line]) -> bool:
    """The cell's lines are centred on the label's line (within a little over half a line)."""
    middle = (min(ln.top for ln in cell) + max(ln.bottom for ln in cell)) / 2
    return abs(middle - (label.top + label.bottom) / 2) < 0.6 * label.size


def _tight_chain(lines: list[Line], seq: list[int], label: Line, tags: list[LineTags], start: Line | None = None) -> list[int]:
    """The lines of `seq` (read on from the label, or back from it) in the value column
    right of the label, each set tight against the one before in the chain (below it when
    read on, above it when read back from `start`)."""
    out: list[int] = []
    prev = start
    for j in seq[:12]:
        ln = lines[j]
        if ln.page != label.page or ln.x0 < label.x1 - 1.0 or _field_tag(tags[j]) is not None:
            break
        if prev is not None:
            gap = prev.top - ln.bottom if start is not None else ln.top - prev.bottom
            if not 0 <= gap < 0.6 * ln.size:
                break
        elif abs(ln.top - label.top) > 1.5 * label.size:
            break  # the first line after the label is level with it or just under
        out.append(j)
        prev = ln
    return out


def tag_bold_leads(lines: list[Line], tags: list[LineTags], lang: str) -> list[LineTags]:
    """A label set apart by weight alone, run into its value with no separator
    ("**Membres participants** Bruxelles – Rabat"): a run-in field when the bold lead is
    one of the vocabulary's field labels. Lines already tagged keep their tags."""
    leads = [(k, lv) for k, ln in enumerate(lines) if ln.runs and tags[k] == LineTags() and (lv := _label_and_value(ln)) is not None and lv[1]]
    if not leads:
        return tags
    out = list(tags)
    for (k, (_, value)), tg in zip(leads, tag_lines([lead for _, (lead, _) in leads], lang)):
        if (field := _field_tag(tg)) is not None:
            out[k] = LineTags(runin=field, runin_rest=value)
    return out


def _label_and_value(ln: Line) -> tuple[str, str] | None:
    """A line's label set apart by weight, and the value after it: the line's first run in
    bold, or the whole line in bold (a label line with no value); None otherwise."""
    if ln.runs:
        lead, bold = ln.runs[0]
        if not bold or not ln.text.startswith(lead):
            return None
        return lead.strip(), ln.text[len(lead) :].strip()
    return (ln.text.strip(), "") if ln.bold else None


def join_label_column(lines: list[Line], lang: str) -> list[Line]:
    """A label column beside its values, the label wrapped over two or three lines ("MEMBRES"
    / "IMPLIQUÉS" left of "Barcelone (ville)"): each row reads label part, value part, so
    the label's lines are joined, then the values ("MEMBRES IMPLIQUÉS Barcelone (ville)"),
    when the label joined is one of the vocabulary and its last or first line alone is not
    one (two stacked labels stay two). A value read between the label's first two lines
    (the column cut level with the first) is the first row's."""
    parts = [_label_and_value(ln) for ln in lines]
    out: list[Line] = []
    i = 0
    while i < len(lines):
        rows = _label_rows(lines, parts, i)
        found = _joined_label([r[1] for r in rows], lang) if len(rows) >= 2 else None
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        text, k = found
        used = [j for r in rows[:k] for j in r[0]]
        part = [lines[j] for j in used]
        out.append(lines[i].model_copy(update={"text": text, "x1": max(x.x1 for x in part), "bottom": max(x.bottom for x in part), "runs": []}))
        i = max(used) + 1
    return out


def _label_rows(lines: list[Line], parts: list, i: int) -> list[tuple[list[int], tuple[str, str]]]:
    """Up to three rows of a label column from line i: (the lines of the row, (label part,
    value part)), each row's label part set tight under the previous one."""
    rows: list[tuple[list[int], tuple[str, str]]] = []
    j = i
    while len(rows) < 3 and j < len(lines) and parts[j] and (not rows or _wraps_beside(lines[rows[-1][0][0]], lines[j])):
        label, value = parts[j]
        if not value and j + 2 < len(lines) and parts[j + 1] is None and _level_beside(lines[j], lines[j + 1]):
            rows.append(([j, j + 1], (label, lines[j + 1].text)))
            j += 2
        else:
            rows.append(([j], (label, value)))
            j += 1
    return rows


def _wraps_beside(a: Line, b: Line) -> bool:
    """b goes on with a's label: same page, left edge and size, set tight below it."""
    return a.page == b.page and abs(a.x0 - b.x0) < 2.0 and abs(a.size - b.size) < 0.6 and 0 <= b.top - a.bottom < 0.8 * a.size


def _level_beside(a: Line, v: Line) -> bool:
    """v is set level with a, right of it: a label's value read after it (a key column
    read key, value, key puts it between the label's lines)."""
    return v.page == a.page and v.x0 >= a.x1 - 1.0 and abs(v.top - a.top) < 2.0


def _wraps_onto(a: Line, b: Line) -> bool:
    """b continues a short line a of a narrow column: same page, left edge and style, set
    tight below it."""
    return _wraps_beside(a, b) and a.bold == b.bold and len(a.text.split()) <= 4 and len(b.text.split()) <= 4


def _joined_label(rows: list[tuple[str, str]], lang: str) -> tuple[str, int] | None:
    """The longest first rows of a label column that read as one field line (a wrapped
    label, and at least one row carrying a value): its text and how many rows."""
    for k in range(len(rows), 1, -1):
        labels = [label for label, _ in rows[:k]]
        values = [value for _, value in rows[:k] if value]
        if not values or sum(len(x.split()) for x in labels) > 6:
            continue
        joins = _label_joins(labels)
        tags = tag_lines([*joins, labels[0], labels[-1]], lang)
        alone = not _field_tag(tags[-1]) or not _field_tag(tags[-2])
        for text, tg in zip(joins, tags):
            if _field_tag(tg) and alone:
                return f"{text} {' '.join(values)}", k
    return None


def _wrapped_runs(lines: list[Line]) -> list[tuple[list[int], str]]:
    """Runs of two or three lines that may be one wrapped label (longest first), each
    with the ways its text joins: lines in turn, or a label's two lines around the value
    set level with the first of them."""
    runs: list[list[int]] = []
    for k in (3, 2):
        runs += [list(range(i, i + k)) for i in range(len(lines) - k + 1) if all(_wraps_onto(lines[j], lines[j + 1]) for j in range(i, i + k - 1))]
    for i in range(len(lines) - 2):
        a, v, b = lines[i], lines[i + 1], lines[i + 2]
        if _wraps_onto(a, b) and _level_beside(a, v):
            runs.append([i, i + 2])
    return [(run, text) for run in runs for text in _label_joins([lines[j].text for j in run])]


def _field_tag(tg: LineTags) -> str | None:
    return next((t for t in (tg.whole, *tg.also) if t and t.startswith("FIELD:")), None)


def _label_joins(texts: list[str]) -> list[str]:
    """The ways lines of a wrapped label join: at a space, or inside a word broken with
    or without a hyphen ("ENJEUX MÉTRO" + "POLITAINS").

    >>> _label_joins(["ENJEUX MÉTRO", "POLITAINS"])
    ['ENJEUX MÉTRO POLITAINS', 'ENJEUX MÉTROPOLITAINS']
    >>> _label_joins(["RÉSULTATS AS-", "SOCIÉS"])
    ['RÉSULTATS ASSOCIÉS']
    """
    outs = [texts[0].strip()]
    for t in texts[1:]:
        t = t.strip()
        nxt = []
        for o in outs:
            if o.endswith("-") and o[-2:-1].isalpha():
                nxt.append(o[:-1] + t)
            else:
                nxt += [f"{o} {t}", o + t]
        outs = nxt
    return outs


def _activity_dates(lines: list[Line], vocab: Vocabulary, one_font: bool) -> set[int]:
    """Lines that are an activity's date. Activity dates share one style across a report
    (a coloured tag, a bold line); a date printed inside a picture or a poster does not,
    and starts nothing."""
    date_idx = {i for i, ln in enumerate(lines) if is_date_line(ln.text, vocab)}
    date_styles = Counter(_date_style(lines[i]) for i in date_idx)
    if date_styles and not one_font:
        top_style, top_count = date_styles.most_common(1)[0]
        if top_count >= 3:
            date_idx = {i for i in date_idx if _date_style(lines[i]) == top_style}
    return date_idx


def _title_runs(look: ReportLook) -> dict[int, int]:
    """Most reports print the date, then the title; some print the title, then the date.
    The report decides by majority (what sits right after its dates, or right before);
    a title-first report maps each title run's first line to its date line."""
    lines = look.lines
    after = sum(1 for i in look.date_idx if look.titleish(i + 1, lines[i].page))
    before = sum(1 for i in look.date_idx if not look.titleish(i + 1, lines[i].page) and look.titleish(i - 1, lines[i].page))
    if before <= after:
        return {}
    runs = {}
    for d in sorted(look.date_idx):
        k = look.title_run_before(d)
        if k is not None:
            runs[k] = d
    return runs


def _evidenced_starts(look: ReportLook) -> list[int]:
    """Where activities start, whatever section the reading order is in: dates (or title
    runs, or "date — TITLE" lines) followed by labelled fields."""
    evidenced = {d for d in look.date_idx if look.labelled_fields_follow(d)}
    evidenced |= {k for k, d in look.title_runs.items() if d in evidenced}
    for j, (ln, tg) in enumerate(zip(look.lines, look.tags)):
        if j not in look.date_idx and is_heading(ln, look.body) and tg.whole is None and _date_split(ln, look.vocab) is not None and look.labelled_fields_follow(j):
            evidenced.add(j)
    return sorted(evidenced)


def _page_kickers(layout: DocumentLayout, lang: str) -> dict[int, tuple[int, str]]:
    """A running kicker in the page header ("Ligne d'action 2 · …") marks every page it is on."""
    furniture = [ln for p in layout.pages for ln in p.furniture]
    out: dict[int, tuple[int, str]] = {}
    for ln, tg in zip(furniture, tag_lines([ln.text for ln in furniture], lang)):
        if tg.kicker_number is not None:
            out[ln.page] = (tg.kicker_number, tg.kicker_rest)
    return out


def _cover_title(lines: list[Line], tags: list[LineTags], period_lines: list[Line], body: float) -> list[Line]:
    """The title: the large lines of the first page, the period's lines left out, up to the
    first section heading (a word processor may print the contents or the note on the
    cover's page: their headings are no part of the title)."""
    first_page: list[Line] = []
    for ln, tg in zip(lines, tags):
        heading = (tg.whole or "").startswith("SECTION:") and not (first_page and _same_look(first_page[-1], ln))
        if ln.page != lines[0].page or heading:  # a title's last line may read "PROGRÈS"
            break
        first_page.append(ln)
    if not first_page:
        return []
    big = max(ln.size for ln in first_page)
    return [ln for ln in first_page if ln.size >= 0.6 * big and ln.size >= 1.3 * body and not any(ln is p for p in period_lines)]


# --------------------------------------------------------------------------- placing lines


class Segmenter:
    """Places every line of the report, in the layout's reading order, into a section, an
    action line's label or an activity's date, title, description, fields or figures.

    `place` tries one step per kind of line, in order; each step says whether the line
    is its kind (and consumes it) or leaves it to the next. The state is what a reader
    keeps in mind: the current section, action line, activity and field.
    """

    def __init__(self, look: ReportLook) -> None:
        self.look = look
        self.sections: dict[str, list[Line]] = {}
        self.field_labels_in_sections: Counter[str] = Counter()
        self.action_lines: list[tuple[str, str]] = []
        self.activities: list[ActivityBlock] = []
        self.unplaced: list[Line] = []
        self.section: str | None = None
        self.toc_page: int | None = None
        self.kicker_page: int | None = None
        self.action: str | None = None
        self.action_label: list[str] | None = None  # words of an action line's label being read
        self.cur: ActivityBlock | None = None
        self.state = "none"  # header (date, series, title) | body
        self.field: str | None = None
        self.field_runin = False
        self.dangling: tuple[str, int, int] | None = None  # a label whose values were pushed past another block
        self.last_field_line: Line | None = None
        # Labels stacked in a column of their own with the values beside them (a key/value
        # table): the reading order gives all labels, then all values; rows pair them again.
        self.label_stack: list[tuple[str, Line]] = []
        # Fields read before their activity opens (a margin column left of its date and
        # title): gathered here, given to the activity that opens next.
        self.ahead: dict[int, ActivityBlock] = {}  # start line → the fields read ahead of it
        self.placing = 0  # the line being placed
        self.section_headings: dict[str, Line] = {}

    # ------------------------------------------------------------------ the walk

    def run(self) -> SegmentedReport:
        i = 0
        while i < len(self.look.lines):
            i = self.place(i)
        return self.finish()

    def place(self, i: int) -> int:
        """Place line i; the index of the next line to place."""
        self.placing = i
        self.follow_page_kicker(i)
        if i in self.look.evidenced and self.section != "activities":
            self.enter_activities()
        heading = self.section_heading(i)
        # a table of contents' entries name sections too: only a heading set larger ends it
        if self.toc_line(i, heading is not None and self.look.lines[i].size >= 1.2 * self.look.body):
            return i + 1
        self.toc_page = None
        if heading is not None:
            return self.open_section(i, *heading)
        for step in (self.own_action_line, self.repeated_kicker, self.divider, self.action_line_heading, self.code_marker, self.title_run, self.action_label_line, self.section_line):
            nxt = step(i)
            if nxt is not None:
                return nxt
        self.activity_line(i)
        return i + 1

    def activity_line(self, i: int) -> None:
        """Inside activities: a date opens one; then its header, fields and text."""
        self.fields_behind(i)
        self.fields_ahead(i)
        for step in (self.date_line, self.before_first_activity, self.header_line, self.field_label, self.runin_field, self.table_row, self.field_value, self.dangling_value, self.late_title):
            if step(i):
                return
        self.body_line(i)

    def finish(self) -> SegmentedReport:
        look = self.look
        self.close_action_label()
        if self.cur is not None and self.state == "header":
            _split_series(self.cur)
        self.close_activity()
        for a in self.activities:
            if a.series is None and a.title_lines:
                _split_series(a)
        placed = {id(ln) for a in self.activities for ln in a.all_lines}
        in_sections = {id(x) for name, xs in self.sections.items() if name != "activities" for x in xs}
        stray = sum(1 for d in look.date_idx if id(look.lines[d]) not in placed and look.labelled_fields_follow(d) and id(look.lines[d]) in in_sections)
        return SegmentedReport(
            language=look.lang,
            body_size=look.body,
            title_lines=look.title_lines,
            period_text=look.period_text,
            sections=self.sections,
            action_lines=self.action_lines,
            activities=self.activities,
            unplaced=self.unplaced,
            all_body_lines=[ln for ln in look.lines if is_body(ln, look.body)],
            field_labels_in_sections=dict(self.field_labels_in_sections),
            stray_activity_blocks=stray,
            section_headings=self.section_headings,
        )

    # ------------------------------------------------------------------ bookkeeping

    def close_action_label(self) -> None:
        if self.action and self.action_label is not None:
            label = " ".join(" ".join(self.action_label).split())
            label = re.sub(rf"^{self.action}\b\s*[:.–—-]?\s*", "", label)
            if label and all(code != self.action for code, _ in self.action_lines):
                self.action_lines.append((self.action, label))
        self.action_label = None

    def open_activity(self, block: ActivityBlock, next_state: str) -> None:
        """Start a new activity block: nothing of the previous one's fields carries over
        (but fields read ahead of it in a margin column are its own)."""
        self.close_action_label()
        ahead = self.ahead.pop(self.placing, None)
        if ahead is not None:
            block.fields = {**ahead.fields, **block.fields}
            block.figure_lines = ahead.figure_lines + ahead.description_lines + block.figure_lines
            if self.cur is ahead:
                self.cur = None
        self.close_activity()
        self.cur = block
        self.dangling = None
        self.label_stack.clear()
        self.state, self.field, self.last_field_line = next_state, None, None

    def close_activity(self) -> None:
        cur = self.cur
        if cur is not None and not any(cur is b for b in self.ahead.values()) and not any(cur is a for a in self.activities):
            self.activities.append(cur)
        self.cur, self.field = None, None

    def enter_activities(self) -> None:
        """The reading order reached activities without a heading saying so."""
        if self.section != "activities":
            self.close_action_label()
            self.close_activity()
            if self.section not in (None, "activities"):
                self.action = None  # an action line does not carry over a section
            self.section = "activities"
            self.sections.setdefault("activities", [])

    def set_action(self, number: int, label: str) -> None:
        self.action = f"L{number}"
        label = label.strip(" :.–—-·|")
        if label and all(code != self.action for code, _ in self.action_lines):
            self.action_lines.append((self.action, label))

    def take_field(self, name: str, ln: Line, runin: bool) -> None:
        """A field's label met: its values follow (or sit on the label's own line)."""
        assert self.cur is not None
        self.field_runin = runin
        self.field = name
        self.cur.fields.setdefault(name, [])
        self.last_field_line = ln

    def add_value(self, ln: Line) -> None:
        assert self.cur is not None and self.field is not None
        self.cur.fields[self.field].append(ln)
        self.last_field_line = ln

    # ------------------------------------------------------------------ sections and action lines

    def follow_page_kicker(self, i: int) -> None:
        ln = self.look.lines[i]
        if ln.page != self.kicker_page and ln.page in self.look.page_kicker:
            self.kicker_page = ln.page
            if self.section == "activities" or self.look.activity_follows(i - 1):
                self.set_action(*self.look.page_kicker[ln.page])

    def section_heading(self, i: int) -> tuple[str, int] | None:
        """(section name, lines it spans) when line i heads a section: tagged as one (alone
        or joined with the heading-styled lines after it) and set as a heading."""
        look, ln, tg = self.look, self.look.lines[i], self.look.tags[i]
        heading = is_heading(ln, look.body)
        whole = next((t for t in (tg.whole, *tg.also) if t and t.startswith("SECTION:")), tg.whole)
        span = 1
        if heading and (whole is None or not whole.startswith("SECTION:")):
            for k in (3, 2):
                if i + k <= len(look.lines) and all(look.lines[j].page == ln.page and is_heading(look.lines[j], look.body) for j in range(i, i + k)):
                    jt = tag_lines([" ".join(look.lines[j].text for j in range(i, i + k))], look.lang)[0]
                    if jt.whole and jt.whole.startswith("SECTION:"):
                        whole, span = jt.whole, k
                        break
        if not (whole is not None and whole.startswith("SECTION:") and heading):
            return None
        # set as a heading: larger, or capitals / letter-spaced at body size, or bold and a
        # little larger (a small bold "Secrétariat général" is a role label, not a section)
        display = ln.size >= 1.2 * look.body or ((ln.upper or ln.spacing > 0.6) and ln.size >= 0.95 * look.body) or (ln.bold and ln.size >= 1.1 * look.body) or span > 1
        if not display or ln in look.title_lines or _is_field_label_here(ln, tg, self.section, look.body):
            return None
        return whole[len("SECTION:") :], span

    def toc_line(self, i: int, is_section_heading: bool) -> bool:
        """The rest of the table of contents' page belongs to it, up to the heading of a
        section printed under it (a note from the secretary general)."""
        ln = self.look.lines[i]
        if self.toc_page is None or ln.page != self.toc_page or is_section_heading:
            return False
        self.sections.setdefault("toc", []).append(ln)
        return True

    def open_section(self, i: int, name: str, span: int) -> int:
        self.close_action_label()
        if not (self.section == "activities" and name == "activities"):
            self.close_activity()
        self.section = name
        self.sections.setdefault(name, [])
        self.section_headings.setdefault(name, self.look.lines[i])
        if name == "toc":
            self.toc_page = self.look.lines[i].page
        self.state = "none"
        return i + span

    def own_action_line(self, i: int) -> int | None:
        """ "03 février" / "LIGNE D'ACTION 1" / "TITRE": the activity's own action line."""
        ln, tg, cur = self.look.lines[i], self.look.tags[i], self.cur
        if cur is None or self.state != "header" or cur.title_lines or tg.kicker_number is None or not is_heading(ln, self.look.body):
            return None
        self.action = cur.action_line = f"L{tg.kicker_number}"
        if tg.kicker_rest and all(code != self.action for code, _ in self.action_lines):
            self.action_lines.append((self.action, tg.kicker_rest.strip(" :.–—-")))
        return i + 1

    def repeated_kicker(self, i: int) -> int | None:
        """The same action line again: a running kicker at the top of a page."""
        ln, tg = self.look.lines[i], self.look.tags[i]
        if tg.kicker_number is not None and self.cur is not None and self.action == f"L{tg.kicker_number}" and len(ln.text.split()) <= 14:
            if is_body(ln, self.look.body) and is_body_prose(ln):
                return None  # running text that happens to open with "ligne d'action 2 du…"
            return i + 1
        return None

    def divider(self, i: int) -> int | None:
        """An action line's divider, in display type or set as running text: activities follow."""
        ln, tg = self.look.lines[i], self.look.tags[i]
        if tg.kicker_number is None:
            return None
        short_line = len(ln.text.split()) <= 14 and not is_body_prose(ln)
        if not (is_heading(ln, self.look.body) or short_line) or not (self.section in (None, "activities") or self.look.activity_follows(i)):
            return None
        self.enter_activities()
        self.close_activity()
        self.close_action_label()
        self.action = f"L{tg.kicker_number}"
        self.action_label = [tg.kicker_rest.strip(" :.–—-·|")] if tg.kicker_rest else []
        return i + 1

    def action_line_heading(self, i: int) -> int | None:
        """ "L2 Label" in display type (or continuing the label of the divider just read)."""
        ln, body = self.look.lines[i], self.look.body
        m = re.match(r"^(L\d+)\s*[—–·:|-]?\s+(\S.*)$", ln.text.strip())
        if self.section != "activities" or not m:
            return None
        if not ((ln.size >= 1.4 * body and is_heading(ln, body)) or (self.action_label is not None and m.group(1) == self.action and self.cur is None)):
            return None
        self.close_activity()
        if self.action != m.group(1):
            self.close_action_label()
            self.action = m.group(1)
            self.action_label = []
        if self.action_label is None:
            self.action_label = []
        self.action_label.append(m.group(2))
        return i + 1

    def code_marker(self, i: int) -> int | None:
        """ "L2 · label" set as a plain line right before an activity: that action line opens."""
        look, ln = self.look, self.look.lines[i]
        marker = _code_marker(ln.text) if look.tags[i].whole is None else None
        start = look.next_evidence(i) if marker else None
        if marker is None or start is None or start - i > 3:
            return None
        if not all(_same_look(look.lines[j], ln) and look.lines[j].page == ln.page for j in range(i + 1, start) if j not in look.title_runs):
            return None
        self.enter_activities()
        self.close_activity()
        self.close_action_label()
        rest = [look.lines[j].text for j in range(i + 1, start) if j not in look.title_runs and not any(j >= k for k in look.title_runs if k > i)]
        self.set_action(int(marker[0][1:]), " ".join([marker[1], *rest]))
        return i + 1 + len(rest)

    def title_run(self, i: int) -> int | None:
        """ "TITRE" then "03 février": the title run opens the activity its date closes."""
        run_end = self.look.title_runs.get(i) if self.section == "activities" else None
        if run_end is None:
            return None
        lines = self.look.lines
        block = ActivityBlock(action_line=self.action, date_line=lines[run_end], title_lines=lines[i:run_end])
        _split_series(block)
        self.open_activity(block, "body")
        return run_end + 1

    def action_label_line(self, i: int) -> int | None:
        """A heading-styled line continuing the label of the action line just opened."""
        look, ln, tg = self.look, self.look.lines[i], self.look.tags[i]
        if self.action_label is None or not is_heading(ln, look.body) or i in look.date_idx or tg.whole is not None or tg.runin is not None or _date_split(ln, look.vocab) is not None:
            return None
        if not re.fullmatch(r"L\d+", ln.text.strip()):
            self.action_label.append(ln.text)
        return i + 1

    def section_line(self, i: int) -> int | None:
        """A line of a section other than activities (or before any section: the cover)."""
        if self.section == "activities":
            return None
        if self.section is not None:
            tg = self.look.tags[i]
            if tg.runin or any(t and t.startswith("FIELD:") for t in (tg.whole, *tg.also)):
                self.field_labels_in_sections[self.section] += 1
            self.sections[self.section].append(self.look.lines[i])
        return i + 1

    # ------------------------------------------------------------------ activities

    def date_line(self, i: int) -> bool:
        """A date alone, or "03 février — TITRE" on one line: a new activity."""
        look, ln = self.look, self.look.lines[i]
        if i in look.date_idx:
            self.open_activity(ActivityBlock(action_line=self.action, date_line=ln), "header")
            return True
        split = _date_split(ln, look.vocab) if is_heading(ln, look.body) else None
        if split is None:
            return False
        self.open_activity(ActivityBlock(action_line=self.action, date_line=split[0], title_lines=[split[1]]), "header")
        return True

    def fields_ahead(self, i: int) -> None:
        """A field label level with the next activity's date or title, left of it: a margin
        column printed (and read) before its activity. Its fields wait for that activity."""
        tg = self.look.tags[i]
        if not (tg.runin or _field_tag(tg)):
            return
        # (a title-first activity waits by its title: its date below is no other start)
        waiting = set(self.ahead) | {d for k in self.ahead if (d := self.look.title_runs.get(k)) is not None}
        j = self.look.owner_beside(i, waiting)
        if j is None:
            return
        if self.cur is not None and not self.cur.fields and not any(self.cur is b for b in self.ahead.values()):
            return  # the current activity's own fields
        if self.cur is not None and self.continues_fields(i, _field_tag(tg) or tg.runin) and not self.look.level_with(i, j):
            return  # set close under the group's last field, and not on the line of j's date
        self.ahead[j] = ActivityBlock(action_line=self.action, date_line=self.look.lines[j])
        self.fields_go_to(self.ahead[j])

    def fields_behind(self, i: int) -> None:
        """A field label in a margin column right of the text, read after the whole text
        column: its fields belong to the activity printed level with it, which may be one
        read before the current one. That activity takes them back."""
        tg = self.look.tags[i]
        if self.cur is None or not (tg.runin or _field_tag(tg)) or self.look.owner_beside(i) is not None:
            return  # (a label with a date right of it is in the left margin of that activity)
        ln = self.look.lines[i]
        if any(self.cur is b for b in self.ahead.values()):
            return  # a left margin column's fields, read ahead of their activity
        cur = self.cur
        if any(x.page == ln.page and x.x0 <= ln.x0 + 2 < x.x1 and x.top < ln.top for x in (cur.date_line, *cur.description_lines)):
            return  # under the current activity's date or text, in its column: its fields
        owner = self.owner_left_of(ln)
        if owner is not None and owner is not self.cur:
            self.fields_go_to(owner)

    def fields_go_to(self, block: ActivityBlock) -> None:
        """The fields read next are `block`'s (one waiting for its activity to open, or an
        activity read before): the current one is closed, no field is open."""
        self.close_action_label()
        self.close_activity()
        self.cur = block
        self.state, self.field, self.last_field_line, self.dangling = "body", None, None, None
        self.label_stack.clear()

    def owner_left_of(self, ln: Line) -> ActivityBlock | None:
        """The activity on ln's page whose date and text end left of ln and which starts
        lowest above (or level with) ln, when it has no fields yet: the activity that a
        field label in a right margin column is printed beside."""
        best, best_top = None, -1.0
        for a in (*self.activities[-8:], self.cur):
            if a is None or a.date_line.page != ln.page:
                continue
            # (a title may run across above the margin column: the date and text may not)
            own = [x for x in (a.date_line, *a.description_lines) if x.page == ln.page]
            top = min(x.top for x in own)
            if max(x.x1 for x in own) <= ln.x0 + 1.0 and top <= ln.top + 2.5 * ln.size and top > best_top:
                best, best_top = a, top
        if best is None or (best.fields and best is not self.cur):
            return None
        return best

    def continues_fields(self, i: int, tag: str | None) -> bool:
        """Line i, a label, continues the current activity's group of fields: set close
        under its last field line, and naming a field the group does not have yet."""
        ln, last = self.look.lines[i], self.last_field_line
        if last is None or self.cur is None or (tag or "")[6:] in self.cur.fields:
            return False
        return last.page == ln.page and abs(last.x0 - ln.x0) < 2.0 and 0 <= ln.top - last.bottom < 2.5 * ln.size

    def before_first_activity(self, i: int) -> bool:
        """Text between a divider and the first activity (an introduction, a picture)."""
        if self.cur is not None:
            return False
        ln = self.look.lines[i]
        if not is_heading(ln, self.look.body):
            self.close_action_label()
        self.unplaced.append(ln)
        return True

    def header_line(self, i: int) -> bool:
        """A title line under the date; the first line that is not one ends the header."""
        assert self.cur is not None
        if self.state != "header":
            return False
        look, ln, tg = self.look, self.look.lines[i], self.look.tags[i]
        if is_heading(ln, look.body) and tg.whole is None and tg.runin is None and not _image_text(ln, look.boxes) and ln.size < 3 * look.body:
            self.cur.title_lines.append(ln)
            return True
        self.state = "body"
        _split_series(self.cur)
        return False

    def field_label(self, i: int) -> bool:
        """A field's label on a line of its own ("Membres activés")."""
        ln, tg, cur = self.look.lines[i], self.look.tags[i], self.cur
        field_tag = next((t for t in (tg.whole, *tg.also) if t and t.startswith("FIELD:")), None)
        if field_tag is None:
            return False
        assert cur is not None
        last = self.last_field_line
        stacked = self.field is not None and last is not None and not cur.fields.get(self.field) and last.page == ln.page and ln.top > last.top
        # a table broken across pages: labels still waiting for their values
        pending = any(not cur.fields.get(name) for name, _ in self.label_stack) or bool(self.label_stack and ln.page > self.label_stack[-1][1].page)
        if stacked or pending:
            if not self.label_stack:
                self.label_stack.append((self.field, last))  # type: ignore[arg-type]
            self.label_stack.append((field_tag[6:], ln))
        else:
            self.label_stack.clear()
        self.take_field(field_tag[6:], ln, runin=False)
        return True

    def runin_field(self, i: int) -> bool:
        """ "Membres activés : A, B": the label and the first values on one line."""
        ln, tg = self.look.lines[i], self.look.tags[i]
        if not tg.runin:
            return False
        self.take_field(tg.runin[6:], ln, runin=True)
        if tg.runin_rest.strip():
            self.cur.fields[self.field].append(ln.model_copy(update={"text": tg.runin_rest}))  # type: ignore[union-attr,index]
        return True

    def table_row(self, i: int) -> bool:
        """A value beside stacked labels: the field whose label is on its row."""
        if len(self.label_stack) < 2:
            return False
        ln = self.look.lines[i]
        owner = _table_row_owner(ln, self.label_stack, self.last_field_line)
        if owner is None:
            self.label_stack.clear()
            return False
        self.field = owner
        self.add_value(ln)
        return True

    def field_value(self, i: int) -> bool:
        """The next value of the current field: same block, same style, close below; or,
        past a column or page break, a line that reads like its values."""
        if self.field is None or self.last_field_line is None:
            return False
        look, ln, last = self.look, self.look.lines[i], self.last_field_line
        values = self.cur.fields[self.field]  # type: ignore[union-attr]
        same_block = ln.page == last.page and ln.column == last.column
        # Values keep one style; a run-in line carries its label's style, so it sets none.
        ref = values[-1] if values and not (self.field_runin and len(values) == 1) else None
        same_style = ref is None or _same_look(ref, ln, look.size_tolerance)
        continues = _looks_like_value(self.field, ln.text) and (self.field == "challenges" or not is_body_prose(ln))
        close_below = ln.top - last.bottom < 2.5 * ln.size and not _image_text(ln, look.boxes)
        if same_style and ((same_block and close_below) or (not same_block and continues)):
            self.add_value(ln)
            return True
        if not values:
            self.dangling = (self.field, ln.page, ln.column)  # a label whose values were pushed past another block (sidebar split)
        self.field = None
        return False

    def dangling_value(self, i: int) -> bool:
        """The values of a label left dangling, found in the next block."""
        ln, dangling = self.look.lines[i], self.dangling
        if dangling is None or self.cur is None or (ln.page, ln.column) == dangling[1:]:
            return False
        if not _looks_like_value(dangling[0], ln.text) or not (dangling[0] == "challenges" or not is_body_prose(ln)):
            return False
        self.field, self.dangling = dangling[0], None
        self.field_runin = False
        self.add_value(ln)
        return True

    def late_title(self, i: int) -> bool:
        """The date and fields in a sidebar read before the main column's title."""
        assert self.cur is not None
        if self.cur.description_lines or not _late_title(self.look.lines[i], self.look.tags[i], self.cur, self.look.boxes, self.look.body):
            return False
        self.cur.title_lines.append(self.look.lines[i])
        return True

    def body_line(self, i: int) -> None:
        """Running text is the description; words on a picture, captions and off-style
        lines are figure text."""
        look, ln = self.look, self.look.lines[i]
        assert self.cur is not None
        if _image_text(ln, look.boxes) or not is_body(ln, look.body) or _off_colour(ln, look.body_color):
            self.cur.figure_lines.append(ln)
        else:
            self.cur.description_lines.append(ln)


def _cover_period(lines: list[Line], vocabs: list[Vocabulary]) -> tuple[str | None, list[Line]]:
    """The period printed on the first pages, and the lines that print it.

    A range on one line wins ("Janvier —> avril 2021"); a cover that sets the two ends
    apart, the arrow being a drawing ("Janvier" / "avril 2021"), is read across two
    neighbouring lines; a lone month is the last resort.
    """
    cover = [ln for ln in lines if ln.page <= 3]
    single: tuple[str, list[Line]] | None = None
    for k, ln in enumerate(cover):
        start, end = parse_period(ln.text, vocabs)
        if start and start != end:
            return ln.text.strip(), [ln]
        nxt = cover[k + 1] if k + 1 < len(cover) else None
        if nxt is not None and nxt.page == ln.page and abs(nxt.size - ln.size) < 0.25 * ln.size:
            joined = f"{ln.text.strip()} {nxt.text.strip()}"
            js, je = parse_period(joined, vocabs)
            if js and js != je and not parse_period(ln.text, vocabs)[0] and len(joined.split()) <= 8:
                return joined, [ln, nxt]
        if start and single is None:
            single = (ln.text.strip(), [ln])
    return single if single else (None, [])


_CODE_MARKER_RE = re.compile(r"^(L\d{1,2})\s*[·:.–—|-]?\s+(\S.*)$")


def _code_marker(text: str) -> tuple[str, str] | None:
    """("L2", "label") for a short line printing an action line's code and label."""
    m = _CODE_MARKER_RE.match(" ".join(text.split()))
    if not m or len(m.group(2).split()) > 14 or not m.group(2)[:1].isalpha():
        return None
    return m.group(1), m.group(2)


def _late_title(ln: Line, tg: LineTags, block: ActivityBlock, boxes: dict[int, list[tuple[float, float, float, float]]], body: float) -> bool:
    """A title-sized line met after the header, before any description: the title of an
    activity whose date sits apart from it (or the next line of that title)."""
    if tg.whole is not None or tg.runin is not None or _image_text(ln, boxes):
        return False
    if not is_heading(ln, body) or ln.size >= 3 * body:
        return False
    if not block.title_lines:
        return ln.size >= 1.15 * body or _beside_fields(ln, block)
    if ln.size < 1.15 * body:
        return False
    last = block.title_lines[-1]
    return _same_look(last, ln) and last.page == ln.page and 0 <= ln.top - last.bottom < 0.8 * ln.size


def _beside_fields(ln: Line, block: ActivityBlock) -> bool:
    """Line ln stands right of the activity's fields, its top above their last line: a
    title set beside a margin column of fields, read after them (at body size, in bold or
    capitals, it is a title only there)."""
    fields = [f for lines in block.fields.values() for f in lines if f.page == ln.page]
    return bool(fields) and all(f.x1 <= ln.x0 + 1.0 for f in fields) and ln.top < max(f.bottom for f in fields)


def _table_row_owner(ln: Line, stack: list[tuple[str, Line]], last: Line | None) -> str | None:
    """The field whose stacked label sits on ln's row, when ln is a value to its right.

    Values above the first label of their page continue the last row of the page before.
    """
    here = [(name, lab) for name, lab in stack if lab.page == ln.page]
    before = [(name, lab) for name, lab in stack if lab.page < ln.page]
    labels = [lab for _, lab in here] or [lab for _, lab in before]
    if not labels or ln.x0 < max(lab.x1 for lab in labels) - 1.0:
        return None
    if last is not None and not any(last is lab for _, lab in stack):
        if not _same_look(last, ln):
            return None  # values keep one style
        if last.page == ln.page and ln.top - last.bottom > 2.5 * ln.size:
            return None  # a gap: the table has ended
    owner = None
    for name, lab in here:
        if lab.top <= ln.top + 0.6 * ln.size:
            owner = name
    if owner is None and before:
        owner = before[-1][0]
    return owner


def _is_field_label_here(ln: Line, tg: LineTags, section: str | None, body: float) -> bool:
    """Inside activities, a label-sized "Enjeux métropolitains" is a field label, not a section."""
    if section != "activities":
        return False
    is_label = any(t.startswith("FIELD:") for t in (tg.whole, *tg.also) if t)
    return is_label and ln.size < 1.4 * body


def _luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _off_colour(ln: Line, body_color: str) -> bool:
    """Bold or very light text in another colour than running text: words on a picture."""
    if ln.color == body_color:
        return False
    return ln.bold or _luminance(ln.color) > 0.85


def _date_split(ln: Line, vocab: Vocabulary) -> tuple[Line, Line] | None:
    """A heading line holding a date and a capitalised title: (date, title).

    The date may open the line ("03 février — TITRE") or close it after a separator
    ("TITRE — 03 février"); without the separator a title that ends in a date ("SOMMET
    DU 3 MARS") would be cut.
    """
    words = ln.text.split()
    # a separator standing alone decides first ("3 août · 5E ÉDITION": not "3 août · 5")
    seps = [k for k, w in enumerate(words[:8]) if w in ("·", "—", "–", "|", "-", ":")]
    for k in seps[:1]:
        head, rest = " ".join(words[:k]), " ".join(words[k + 1 :])
        if rest[:1].isupper() or rest[:1].isdigit():
            if any(c.isalpha() for c in rest) and is_date_line(head, vocab):
                return ln.model_copy(update={"text": head}), ln.model_copy(update={"text": rest})
    for k in range(min(7, len(words) - 1), 0, -1):
        head = " ".join(words[:k]).rstrip(" -–—|:·,")
        rest = " ".join(words[k:]).lstrip(" -–—|:·,")
        if rest[:1].isupper() and any(c.isalpha() for c in rest) and is_date_line(head, vocab):
            return ln.model_copy(update={"text": head}), ln.model_copy(update={"text": rest})
    for k in range(max(1, len(words) - 7), len(words)):
        title = " ".join(words[:k])
        tail = " ".join(words[k:])
        if not re.search(r"[-–—|·:,]$", title) and not re.match(r"^[-–—|·]\s", tail):
            continue
        title = title.rstrip(" -–—|:·,")
        tail = tail.lstrip(" -–—|:·,")
        if title[:1].isupper() and sum(c.isalpha() for c in title) >= 3 and is_date_line(tail, vocab):
            return ln.model_copy(update={"text": tail}), ln.model_copy(update={"text": title})
    return None


def is_body_prose(ln: Line) -> bool:
    """A long line of running text (not a list of names)."""
    words = ln.text.split()
    return len(words) >= 7 and len(_LIST_SEPARATOR_RE.findall(ln.text)) <= len(words) / 6


def _kicker_under(head: list[Line], last: Line) -> bool:
    """A line set smaller, in italics and not bold, under bold title lines of one look: the
    series kicker printed under the title."""
    return all(h.bold and _same_look(h, head[0]) for h in head) and not last.bold and is_italic(last.font) and last.size < head[0].size


def _split_series(block: ActivityBlock) -> None:
    """A first header line styled apart from the title lines below it is a series kicker."""
    lines = block.title_lines
    if block.series is not None or len(lines) < 2:
        return
    first, rest = lines[0], lines[1:]
    if first.bbox == block.date_line.bbox and all(_same_look(first, r) for r in rest):
        return  # the title's first words share the date's line ("22 octobre · LANCEMENT DU")
    if _kicker_under(lines[:-1], lines[-1]):
        block.series, block.title_lines = lines[-1], lines[:-1]
        return
    smaller = first.size < 0.8 * min(r.size for r in rest)  # survives OCR, which loses fonts
    if smaller or (_style(first) != _style(rest[0]) and all(_style(r) == _style(rest[0]) for r in rest)):
        block.series = first
        block.title_lines = rest


__all__ = ["ActivityBlock", "SegmentedReport", "layout_to_segments", "detect_language", "tag_lines", "LANGUAGES"]
