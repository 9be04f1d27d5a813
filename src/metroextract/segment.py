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
from collections import Counter
from functools import lru_cache

import spacy
from pydantic import BaseModel, ConfigDict, Field

from .fields import CHALLENGE_RE, RESULT_LIKE_RE, is_date_line, parse_period
from .layout import is_italic
from .models import DocumentLayout, Line
from .vocab import LANGUAGES, Vocabulary, all_vocabularies, fold

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


# --------------------------------------------------------------------------- spaCy rules


@lru_cache(maxsize=None)
def vocabulary_nlp(lang: str) -> spacy.language.Language:
    """A blank pipeline whose SpanRuler knows the language's headings, labels and kickers."""
    vocab = all_vocabularies()[lang]
    nlp = spacy.blank(lang)
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


@lru_cache(maxsize=None)
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
            elif not head.strip() and (fld := next((sp.label_ for sp in spans if sp.start_char == first.start_char and sp.end_char == first.end_char and sp.label_.startswith("FIELD:")), None)) and re.match(r"^\s*[:：]", rest):
                tags = LineTags(runin=fld, runin_rest=re.sub(r"^\s*[:：]\s*", "", rest))
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


def is_heading(ln: Line, body: float) -> bool:
    """Larger, bolder, capitalised or letter-spaced than running text."""
    return ln.size >= 1.2 * body or ln.bold or (ln.upper and len(ln.text) > 3) or ln.spacing > 0.6


def is_body(ln: Line, body: float) -> bool:
    return abs(ln.size - body) <= 0.13 * body and not is_italic(ln.font)


def _style(ln: Line) -> tuple[float, bool, str]:
    return (round(ln.size), ln.bold, ln.color)


def _same_look(a: Line, b: Line, size_tolerance: float = 0.6) -> bool:
    """Set in one style: the same weight and (nearly) the same size."""
    return abs(a.size - b.size) < size_tolerance and a.bold == b.bold


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


def _looks_like_value(field: str, text: str) -> bool:
    """A line that can continue a field's values after a column or page break."""
    if field == "results":
        return bool(RESULT_LIKE_RE.search(text))
    if field == "challenges":
        return bool(CHALLENGE_RE.match(text)) or len(text.split()) <= 6
    words = text.split()
    return "," in text or len(words) <= 4


def layout_to_segments(layout: DocumentLayout, lang: str | None = None) -> SegmentedReport:
    """Sort the document's lines into cover, sections, action lines and activity blocks."""
    vocabs = all_vocabularies()
    lines = [ln for p in layout.pages for ln in p.lines]
    texts = [ln.text for ln in lines]
    if lang is None:
        lang, _ = detect_language(texts, vocabs)
    vocab = vocabs[lang]
    body = layout.body_size
    tags = tag_lines(texts, lang)
    boxes = {p.page: p.image_boxes for p in layout.pages}

    colours = Counter(ln.color for ln in lines if is_body(ln, body) for _ in range(len(ln.text)))
    body_color = colours.most_common(1)[0][0] if colours else "#000000"

    # Activity dates share one style across a report (a coloured tag, a bold line);
    # a date printed inside a picture or a poster does not, and starts nothing.
    date_idx = {i for i, ln in enumerate(lines) if is_date_line(ln.text, vocab)}
    date_styles = Counter(_date_style(lines[i]) for i in date_idx)
    # An OCR text layer has one invisible font and noisy sizes: style says nothing there,
    # and sizes compare loosely.
    one_font = len({ln.font for ln in lines}) <= 1
    size_tolerance = 3.0 if one_font else 0.6
    if date_styles and not one_font:
        top_style, top_count = date_styles.most_common(1)[0]
        if top_count >= 3:
            date_idx = {i for i in date_idx if _date_style(lines[i]) == top_style}

    n = len(lines)

    def titleish(j: int, page: int) -> bool:
        """A line that can be part of an activity title (or its series kicker)."""
        if not 0 <= j < n:
            return False
        lj, tj = lines[j], tags[j]
        return (
            lj.page == page
            and j not in date_idx
            and is_heading(lj, body)
            and tj.whole is None
            and tj.runin is None
            and tj.kicker_number is None
            and lj.size < 3 * body
            and not _image_text(lj, boxes)
        )

    # Most reports print the date, then the title; some print the title, then the date.
    # The report decides by majority: what sits right after its dates, or right before.
    after = sum(1 for i in date_idx if titleish(i + 1, lines[i].page))
    before = sum(1 for i in date_idx if not titleish(i + 1, lines[i].page) and titleish(i - 1, lines[i].page))
    title_first = before > after

    def title_run_before(d: int) -> int | None:
        """In a title-first report: where the title run just above date line d starts.

        Read upwards from the date: lines in the title's style, set tight like one
        paragraph, then at most one kicker line right above them in another style.
        """
        page = lines[d].page
        j = d - 1
        if not titleish(j, page) or lines[d].top - lines[j].bottom > 1.5 * lines[d].size:
            return None
        k = j
        while j - k < 4 and titleish(k - 1, page) and _same_look(lines[k - 1], lines[j]) and 0 <= lines[k].top - lines[k - 1].bottom < 0.8 * lines[j].size:
            k -= 1
        if titleish(k - 1, page) and not _same_look(lines[k - 1], lines[j]) and lines[k - 1].size < lines[j].size and 0 <= lines[k].top - lines[k - 1].bottom < 0.8 * lines[j].size:
            k -= 1
        return k

    title_runs = {}
    if title_first:
        for d in sorted(date_idx):
            k = title_run_before(d)
            if k is not None:
                title_runs[k] = d

    def section_heading_at(j: int) -> bool:
        """A line tagged as a section heading and set as one (cheap check, no joining)."""
        t = next((x for x in (tags[j].whole, *tags[j].also) if x and x.startswith("SECTION:")), None)
        return t is not None and is_heading(lines[j], body) and lines[j].size >= 0.95 * body

    def labelled_fields_follow(d: int) -> bool:
        """Field labels after date line d, before the next date or section heading.

        A dated block with a title and labelled fields is an activity wherever it is
        printed: this is the evidence that lets one open outside an activities region.
        """
        for j in range(d + 1, min(n, d + 80)):
            if j in date_idx or section_heading_at(j):
                return False
            tj = tags[j]
            if tj.runin or any(t and t.startswith("FIELD:") for t in (tj.whole, *tj.also)):
                return True
        return False

    # Where activities start, whatever section the reading order is in.
    evidenced: set[int] = {d for d in date_idx if labelled_fields_follow(d)}
    evidenced |= {k for k, d in title_runs.items() if d in evidenced}
    for j, (ln_j, tg_j) in enumerate(zip(lines, tags)):
        if j not in date_idx and is_heading(ln_j, body) and tg_j.whole is None and _date_split(ln_j, vocab) is not None and labelled_fields_follow(j):
            evidenced.add(j)
    first_evidence = sorted(evidenced)

    def activity_follows(j: int) -> bool:
        """An evidenced activity start after line j, before any section heading."""
        for k in first_evidence:
            if k > j:
                return not any(section_heading_at(m) for m in range(j + 1, k))
        return False

    # A running kicker in the page header ("Ligne d'action 2 · …") marks every page it is on.
    page_kicker: dict[int, tuple[int, str]] = {}
    furniture = [ln for p in layout.pages for ln in p.furniture]
    for ln_f, tg_f in zip(furniture, tag_lines([ln.text for ln in furniture], lang)):
        if tg_f.kicker_number is not None:
            page_kicker[ln_f.page] = (tg_f.kicker_number, tg_f.kicker_rest)

    # Cover: the period and the title are on the first pages, before any section.
    period_text, period_lines = _cover_period(lines, list(vocabs.values()))
    first_page = [ln for ln in lines if ln.page == (lines[0].page if lines else 1)]
    title_lines: list[Line] = []
    if first_page:
        big = max(ln.size for ln in first_page)
        title_lines = [ln for ln in first_page if ln.size >= 0.6 * big and ln.size >= 1.3 * body and not any(ln is p for p in period_lines)]

    sections: dict[str, list[Line]] = {}
    field_labels_in_sections: Counter[str] = Counter()
    action_lines: list[tuple[str, str]] = []
    activities: list[ActivityBlock] = []
    unplaced: list[Line] = []

    section: str | None = None
    toc_page: int | None = None
    action: str | None = None
    action_label: list[str] | None = None
    cur: ActivityBlock | None = None
    state = "none"  # header | body
    field: str | None = None
    field_runin = False
    dangling: tuple[str, int, int] | None = None
    last_field_line: Line | None = None
    # Labels stacked in a column of their own with the values beside them (a key/value
    # table): the reading order gives all labels, then all values; rows pair them again.
    label_stack: list[tuple[str, Line]] = []

    def close_action_label() -> None:
        nonlocal action_label
        if action and action_label is not None:
            label = " ".join(" ".join(action_label).split())
            label = re.sub(rf"^{action}\b\s*[:.–—-]?\s*", "", label)
            if label and all(code != action for code, _ in action_lines):
                action_lines.append((action, label))
        action_label = None

    def open_activity(block: ActivityBlock, next_state: str) -> None:
        """Start a new activity block: nothing of the previous one's fields carries over."""
        nonlocal cur, dangling, state, field, last_field_line
        close_action_label()
        close_activity()
        cur = block
        dangling = None
        label_stack.clear()
        state, field, last_field_line = next_state, None, None

    def close_activity() -> None:
        nonlocal cur, field
        if cur is not None:
            activities.append(cur)
        cur, field = None, None

    def enter_activities() -> None:
        """The reading order reached activities without a heading saying so."""
        nonlocal section, action
        if section != "activities":
            close_action_label()
            close_activity()
            if section not in (None, "activities"):
                action = None  # an action line does not carry over a section
            section = "activities"
            sections.setdefault("activities", [])

    def set_action(number: int, label: str) -> None:
        nonlocal action
        action = f"L{number}"
        label = label.strip(" :.–—-·|")
        if label and all(code != action for code, _ in action_lines):
            action_lines.append((action, label))

    kicker_page = None
    i = 0
    while i < n:
        ln, tg = lines[i], tags[i]
        heading = is_heading(ln, body)
        if ln.page != kicker_page and ln.page in page_kicker:
            kicker_page = ln.page
            if section == "activities" or activity_follows(i - 1):
                set_action(*page_kicker[ln.page])
        if i in evidenced and section != "activities":
            enter_activities()

        # A multi-line heading: try joining the next heading-styled lines.
        whole = next((t for t in (tg.whole, *tg.also) if t and t.startswith("SECTION:")), tg.whole)
        field_tag = next((t for t in (tg.whole, *tg.also) if t and t.startswith("FIELD:")), None)
        span = 1
        if heading and (whole is None or not whole.startswith("SECTION:")):
            for k in (3, 2):
                if i + k <= n and all(lines[j].page == ln.page and is_heading(lines[j], body) for j in range(i, i + k)):
                    joined = " ".join(lines[j].text for j in range(i, i + k))
                    jt = tag_lines([joined], lang)[0]
                    if jt.whole and jt.whole.startswith("SECTION:"):
                        whole, span = jt.whole, k
                        break

        is_section_heading = (
            whole is not None
            and whole.startswith("SECTION:")
            and heading
            # set as a heading: larger, or capitals / letter-spaced at body size
            # (a small bold "Secrétariat général" is a role label, not a section)
            and (ln.size >= 1.2 * body or ((ln.upper or ln.spacing > 0.6) and ln.size >= 0.95 * body) or span > 1)
            and ln not in title_lines
            and not _is_field_label_here(ln, tg, section, body)
        )
        # Table of contents: the rest of its page belongs to it, up to the heading of a
        # section printed under it (a note from the secretary general).
        if toc_page is not None and ln.page == toc_page and not is_section_heading:
            sections.setdefault("toc", []).append(ln)
            i += 1
            continue
        toc_page = None
        if is_section_heading:
            name = whole[len("SECTION:") :]  # type: ignore[index]
            close_action_label()
            if not (section == "activities" and name == "activities"):
                close_activity()
            section = name
            sections.setdefault(name, [])
            if name == "toc":
                toc_page = ln.page
            i += span
            state = "none"
            continue

        if cur is not None and state == "header" and not cur.title_lines and tg.kicker_number is not None and heading:
            # "03 février" / "LIGNE D'ACTION 1" / "TITRE": the activity's own action line
            action = cur.action_line = f"L{tg.kicker_number}"
            if tg.kicker_rest and all(code != action for code, _ in action_lines):
                action_lines.append((action, tg.kicker_rest.strip(" :.–—-")))
            i += 1
            continue
        if tg.kicker_number is not None and cur is not None and action == f"L{tg.kicker_number}" and len(ln.text.split()) <= 14:
            # the same action line again: a running kicker at the top of a page
            i += 1
            continue
        short_line = len(ln.text.split()) <= 14 and not is_body_prose(ln)
        if tg.kicker_number is not None and (heading or short_line) and (section in (None, "activities") or activity_follows(i)):
            # a divider, in display type or set as running text: activities follow
            enter_activities()
            close_activity()
            close_action_label()
            action = f"L{tg.kicker_number}"
            action_label = [tg.kicker_rest.strip(" :.–—-·|")] if tg.kicker_rest else []
            i += 1
            continue
        m_al = re.match(r"^(L\d+)\s+(\S.*)$", ln.text.strip())
        if section == "activities" and m_al and ((ln.size >= 1.4 * body and heading) or (action_label is not None and m_al.group(1) == action and cur is None)):
            close_activity()
            if action != m_al.group(1):
                close_action_label()
                action = m_al.group(1)
                action_label = []
            if action_label is None:
                action_label = []
            action_label.append(m_al.group(2))
            i += 1
            continue
        marker = _code_marker(ln.text) if tg.whole is None else None
        next_start = next((k for k in first_evidence if k > i), None) if marker else None
        if marker and next_start is not None and next_start - i <= 3 and all(_same_look(lines[j], ln) and lines[j].page == ln.page for j in range(i + 1, next_start) if j not in title_runs):
            # "L2 · label" set as a plain line right before an activity: that action line opens
            enter_activities()
            close_activity()
            close_action_label()
            rest = [lines[j].text for j in range(i + 1, next_start) if j not in title_runs and not any(j >= k for k in title_runs if k > i)]
            set_action(int(marker[0][1:]), " ".join([marker[1], *rest]))
            i += 1 + len(rest)
            continue
        run_end = title_runs.get(i) if section == "activities" else None
        if run_end is not None:
            # "TITRE" then "03 février": the title run opens the activity its date closes
            block = ActivityBlock(action_line=action, date_line=lines[run_end], title_lines=lines[i:run_end])
            _split_series(block)
            open_activity(block, "body")
            i = run_end + 1
            continue
        if action_label is not None and heading and i not in date_idx and tg.whole is None and _date_split(ln, vocab) is None:
            if re.fullmatch(r"L\d+", ln.text.strip()):
                i += 1
                continue
            action_label.append(ln.text)
            i += 1
            continue

        if section != "activities":
            if section is None:
                i += 1
                continue
            if field_tag or tg.runin:
                field_labels_in_sections[section] += 1
            sections[section].append(ln)
            i += 1
            continue

        # ------------------------------------------------------------ activities
        split = None if i in date_idx or not heading else _date_split(ln, vocab)
        if split is not None:
            # "03 février — TITRE" or "TITRE — 03 février": a date and its title on one line
            open_activity(ActivityBlock(action_line=action, date_line=split[0], title_lines=[split[1]]), "header")
            i += 1
            continue
        if i in date_idx:
            open_activity(ActivityBlock(action_line=action, date_line=ln), "header")
            i += 1
            continue
        if cur is None:
            # text between a divider and the first activity (an introduction, a picture)
            if not heading:
                close_action_label()
            unplaced.append(ln)
            i += 1
            continue
        if state == "header":
            if heading and tg.whole is None and tg.runin is None and not _image_text(ln, boxes) and ln.size < 3 * body:
                cur.title_lines.append(ln)
                i += 1
                continue
            state = "body"
            _split_series(cur)

        if field_tag:
            stacked = field is not None and last_field_line is not None and not cur.fields.get(field) and last_field_line.page == ln.page and ln.top > last_field_line.top
            # a table broken across pages: labels still waiting for their values
            pending = any(not cur.fields.get(name) for name, _ in label_stack) or bool(label_stack and ln.page > label_stack[-1][1].page)
            if stacked or pending:
                if not label_stack:
                    label_stack.append((field, last_field_line))
                label_stack.append((field_tag[6:], ln))
            else:
                label_stack.clear()
            field_runin = False
            field = field_tag[6:]
            cur.fields.setdefault(field, [])
            last_field_line = ln
            i += 1
            continue
        if tg.runin:
            field_runin = True
            field = tg.runin[6:]
            cur.fields.setdefault(field, [])
            if tg.runin_rest.strip():
                cur.fields[field].append(ln.model_copy(update={"text": tg.runin_rest}))
            last_field_line = ln
            i += 1
            continue
        if len(label_stack) >= 2:
            owner = _table_row_owner(ln, label_stack, last_field_line)
            if owner is not None:
                field = owner
                cur.fields[field].append(ln)
                last_field_line = ln
                i += 1
                continue
            label_stack.clear()
        if field is not None and last_field_line is not None:
            same_block = ln.page == last_field_line.page and ln.column == last_field_line.column
            values = cur.fields[field]
            # Values keep one style; a run-in line carries its label's style, so it sets none.
            ref = values[-1] if values and not (field_runin and len(values) == 1) else None
            same_style = ref is None or _same_look(ref, ln, size_tolerance)
            continues = _looks_like_value(field, ln.text) and (field == "challenges" or not is_body_prose(ln))
            if (same_block and same_style and ln.top - last_field_line.bottom < 2.5 * ln.size and not _image_text(ln, boxes)) or (
                not same_block and continues and same_style
            ):
                cur.fields[field].append(ln)
                last_field_line = ln
                i += 1
                continue
            if not cur.fields[field]:
                # a label whose values were pushed past another block (sidebar split)
                dangling = (field, ln.page, ln.column)
            field = None
        if dangling is not None and cur is not None and (ln.page, ln.column) != dangling[1:] and _looks_like_value(dangling[0], ln.text) and (dangling[0] == "challenges" or not is_body_prose(ln)):
            field, dangling = dangling[0], None
            field_runin = False
            cur.fields[field].append(ln)
            last_field_line = ln
            i += 1
            continue
        if not cur.description_lines and _late_title(ln, tg, cur, boxes, body):
            # the date and fields in a sidebar read before the main column's title
            cur.title_lines.append(ln)
            i += 1
            continue
        if _image_text(ln, boxes) or not is_body(ln, body) or _off_colour(ln, body_color):
            cur.figure_lines.append(ln)
        else:
            cur.description_lines.append(ln)
        i += 1

    close_action_label()
    if cur is not None and state == "header":
        _split_series(cur)
    close_activity()
    for a in activities:
        if a.series is None and a.title_lines:
            _split_series(a)
    placed = {id(ln) for a in activities for ln in a.all_lines}
    stray = sum(1 for d in date_idx if id(lines[d]) not in placed and labelled_fields_follow(d) and any(lines[d] is x for name, xs in sections.items() if name != "activities" for x in xs))
    return SegmentedReport(
        language=lang,
        body_size=body,
        title_lines=title_lines,
        period_text=period_text,
        sections=sections,
        action_lines=action_lines,
        activities=activities,
        unplaced=unplaced,
        all_body_lines=[ln for ln in lines if is_body(ln, body)],
        field_labels_in_sections=dict(field_labels_in_sections),
        stray_activity_blocks=stray,
    )


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
    if ln.size < 1.15 * body or not is_heading(ln, body) or ln.size >= 3 * body:
        return False
    if not block.title_lines:
        return True
    last = block.title_lines[-1]
    return _same_look(last, ln) and last.page == ln.page and 0 <= ln.top - last.bottom < 0.8 * ln.size


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
    return len(words) >= 7 and ln.text.count(",") <= len(words) / 6


def _split_series(block: ActivityBlock) -> None:
    """A first header line styled apart from the title lines below it is a series kicker."""
    lines = block.title_lines
    if block.series is not None or len(lines) < 2:
        return
    first, rest = lines[0], lines[1:]
    smaller = first.size < 0.8 * min(r.size for r in rest)  # survives OCR, which loses fonts
    if smaller or (_style(first) != _style(rest[0]) and all(_style(r) == _style(rest[0]) for r in rest)):
        block.series = first
        block.title_lines = rest


__all__ = ["ActivityBlock", "SegmentedReport", "layout_to_segments", "detect_language", "tag_lines", "LANGUAGES"]
