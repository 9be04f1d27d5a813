"""Assemble stage: SegmentedReport → Report (typed fields, provenance, warnings).

Turns each ActivityBlock into an `Activity` with the `fields` helpers, rebuilds
paragraphs from lines (rejoining hyphenated words conservatively) and hands the other
sections to the `sections` package.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import TYPE_CHECKING

from .errors import WarningCode
from .fields import join_lines, parse_challenges, parse_dates, parse_period, parse_results, split_names
from .models import (
    ActionLine,
    Activity,
    AllianceRef,
    Line,
    MemberRef,
    PageBox,
    Period,
    Provenance,
    Report,
    Source,
    Warning_,
)
from .segment import ActivityBlock, SegmentedReport

if TYPE_CHECKING:
    from .activity_report import ActivityReportSegments
from .text import paragraph_text, strip_marks
from .version import PARSER_VERSION
from .vocab import all_vocabularies

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def lexicon_of(seg: SegmentedReport) -> set[str]:
    """Lower-cased words printed whole somewhere in the report (not split at a line end),
    and the compounds its lines break at their hyphen (`_compounds_broken`)."""
    words: set[str] = set()
    runs = [*seg.sections.values(), *(a.description_lines for a in seg.activities)]
    for lines in runs:
        for ln in lines:
            words.update(w.lower() for w in _WORD_RE.findall(ln.text.rstrip("-")))
    return words | _compounds_broken(runs, words, seg.language)


_HEAD_RE = re.compile(r"([^\W\d_]{3,})-$")
_TAIL_RE = re.compile(r"^([^\W\d_]+)")


def _compounds_broken(runs: list[list[Line]], printed: set[str], lang: str) -> set[str]:
    """ "head-tail" for a line ending on "head-" over one opening with "tail" when the
    language's dictionary knows both words and not the two run together: a compound broken
    at its own hyphen ("Bourgmestre-" / "gouverneur de Berlin"), whose hyphen stays; a word
    the layout hyphenated ("métho-" / "dologies") has no such halves."""
    from .ocr_words import compound_halves  # tesseract's word lists (none: no compound)

    out: set[str] = set()
    for lines in runs:
        for a, b in zip(lines, lines[1:]):
            head, tail = _HEAD_RE.search(a.text.rstrip()), _TAIL_RE.match(b.text.strip())
            if head and tail and tail.group(1)[:1].islower() and compound_halves(head.group(1), tail.group(1), lang, printed):
                out.add(f"{head.group(1).lower()}-{tail.group(1)}")
    return out


def join_title(lines: list[str], lexicon: set[str]) -> str:
    """A display title's lines joined: a word the layout hyphenated at a line end ("FÉ-" /
    "MINISTE", or its hyphen lost: "FÉ" / "MINISTE") is made whole again when the report
    prints the whole word and not the parts; other hyphens stay ("ADDIS-" / "ABEBA").

    >>> join_title(["MUNICIPALISME FÉ-", "MINISTE ET VILLES"], {"féministe"})
    'MUNICIPALISME FÉMINISTE ET VILLES'
    >>> join_title(["SOMMET DE L'UA À ADDIS-", "ABEBA"], {"abeba"})
    "SOMMET DE L'UA À ADDIS-ABEBA"
    >>> join_title(["LE MUNICIPALISME FÉ", "MINISTE"], {"féministe", "le"})
    'LE MUNICIPALISME FÉMINISTE'
    """
    out = ""
    for ln in (x.strip() for x in lines):
        if not ln:
            continue
        head = re.search(r"([^\W\d_]+)(-?)$", out)
        tail = re.match(r"[^\W\d_]+", ln)
        if head and tail:
            h, t = head.group(1).lower(), tail.group(0).lower()
            parts_printed = (h in lexicon or t in lexicon) if not head.group(2) else f"{h}-{t}" in lexicon
            if (h + t) in lexicon and not parts_printed:
                out = out[: head.start(2)] + ln if head.group(2) else out + ln
                continue
        out = join_lines([out, ln]) if out else ln
    return out


# Letters tesseract mistakes for one another; only these are corrected.
_OCR_CONFUSIONS = {frozenset(p) for p in ("qo", "0o", "1l", "1i", "li", "5s", "8b", "ce", "ao", "uv", "hb")}


def _one_confusion(a: str, b: str) -> bool:
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diffs) == 1 and frozenset(diffs[0]) in _OCR_CONFUSIONS


_STRAY_MARKS_RE = re.compile(r"^[:;|>‹›<•·]+\s+|\s+[:;|>‹›<•·]+$")


def strip_stray_marks(title: str) -> str:
    """An OCR'd title without the lone marks a scan's specks and rules leave at its ends
    (a title never opens or closes on a mark standing apart).

    >>> strip_stray_marks("; CSW65. LIDERAZGO FEMINISTA LOCAL"), strip_stray_marks("VISIONES Y RETOS :"), strip_stray_marks("CGLU: UNA COMUNIDAD")
    ('CSW65. LIDERAZGO FEMINISTA LOCAL', 'VISIONES Y RETOS', 'CGLU: UNA COMUNIDAD')
    """
    return _STRAY_MARKS_RE.sub("", title)


def correct_ocr_words(text: str, lexicon: dict[str, str]) -> str:
    """Repair OCR slips in a capitalised title from words printed elsewhere in the report.

    Accents lost ("METROPOLITAINES") come back from the lexicon's accented twin; a letter
    tesseract confuses ("PQUR") is replaced when exactly one lexicon word differs by it.

    >>> correct_ocr_words("PERSPECTIVES METROPOLITAINES PQUR", {"metropolitaines": "métropolitaines", "pour": "pour", "perspectives": "perspectives"})
    'PERSPECTIVES MÉTROPOLITAINES POUR'
    """

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if not word.isupper() or len(word) < 3 or word.lower() in lexicon.values():
            return word
        key = strip_marks(word).lower()  # as the lexicon's keys
        if key in lexicon:
            return lexicon[key].upper()
        near = [w for k, w in lexicon.items() if len(k) == len(key) and _one_confusion(key, k)]
        return near[0].upper() if len(near) == 1 else word

    return _WORD_RE.sub(fix, text)


def lines_to_paragraphs(lines: list[Line], lexicon: set[str]) -> list[str]:
    """Paragraphs from lines in reading order: a break where spacing or a short line says so."""
    paras: list[list[Line]] = []
    # The right edge of each column of text: a one-line paragraph has no edge of its own.
    edge: dict[tuple[int, int], float] = {}
    for ln in lines:
        key = (ln.page, ln.column)
        edge[key] = max(edge.get(key, 0.0), ln.x1)
    # In justified text every line but a paragraph's last reaches the edge, so a short
    # last line says "end of paragraph" even where no gap can (at a page break).
    flush = Counter((ln.page, ln.column) for ln in lines if ln.x1 >= edge[(ln.page, ln.column)] - 1.0)
    count = Counter((ln.page, ln.column) for ln in lines)
    justified = {k for k, c in count.items() if c >= 3 and flush[k] >= 0.6 * c}
    for ln in lines:
        if not paras:
            paras.append([ln])
            continue
        prev = paras[-1][-1]
        same_block = prev.page == ln.page and prev.column == ln.column and ln.top > prev.top
        width_ref = max(max(p.x1 for p in paras[-1]), edge[(prev.page, prev.column)])
        ended = prev.text.rstrip().endswith((".", "!", "?", ":", "»", '"', "”", ")"))
        slack = 0.6 if (prev.page, prev.column) in justified else 2.5
        short = prev.x1 < width_ref - slack * prev.size
        gap = ln.top - prev.bottom if same_block else 0.0
        indent = same_block and ln.x0 > prev.x0 + 1.5 * ln.size and ended
        if (same_block and gap > 0.55 * ln.size) or (ended and short) or indent:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    return [p for p in (paragraph_text(para, lexicon) for para in paras) if p]


def _provenance(lines: list[Line]) -> Provenance:
    pages: dict[int, list[float]] = {}
    for ln in lines:
        box = pages.setdefault(ln.page, [ln.x0, ln.top, ln.x1, ln.bottom])
        box[0], box[1] = min(box[0], ln.x0), min(box[1], ln.top)
        box[2], box[3] = max(box[2], ln.x1), max(box[3], ln.bottom)
    return Provenance(
        pages=sorted(pages),
        bbox=[PageBox(page=p, bbox=tuple(round(v, 1) for v in b)) for p, b in sorted(pages.items())],  # type: ignore[arg-type]
    )


def activity_id(report_id: str, index: int, date_text: str, title: str) -> str:
    """Stable id: the report, the activity's position and its printed date and title."""
    digest = hashlib.sha256(f"{report_id}|{index}|{date_text}|{title}".encode()).hexdigest()[:12]
    return f"{report_id}-a{index + 1:03d}-{digest}"


def block_to_activity(
    block: ActivityBlock,
    index: int,
    report_id: str,
    seg: SegmentedReport,
    period: Period,
    lexicon: set[str],
    warnings: list[Warning_],
    ocr_lexicon: dict[str, str] | None = None,
) -> Activity:
    vocab = all_vocabularies()[seg.language]
    page = block.date_line.page
    date_text = " ".join(block.date_line.text.split())
    parsed = parse_dates(date_text, vocab, period.start, period.end)
    if parsed is None:
        warnings.append(Warning_(page=page, code=WarningCode.DATE_UNPARSED, message=f"date {date_text!r} could not be read"))
    title = join_title([ln.text for ln in block.title_lines], lexicon)
    if ocr_lexicon is not None:
        title = strip_stray_marks(correct_ocr_words(title, ocr_lexicon))
    if not title:
        warnings.append(Warning_(page=page, code=WarningCode.ACTIVITY_WITHOUT_TITLE, message=f"activity dated {date_text!r} has no title"))
    results: list[str] = []
    for ln in block.fields.get("results", []):
        codes, bad = parse_results(ln.text)
        results.extend(codes)
        for b in bad:
            warnings.append(Warning_(page=ln.page, code=WarningCode.RESULT_CODE_INVALID, message=f"{b!r} is not a result code (LnAnDn) in activity {title!r}"))
    members = split_names([ln.text for ln in block.fields.get("members", [])])
    alliances = split_names([ln.text for ln in block.fields.get("alliances", [])])
    return Activity(
        id=activity_id(report_id, index, date_text, title),
        action_line=block.action_line,
        date_text=date_text,
        date_start=parsed.start if parsed else None,
        date_end=parsed.end if parsed else None,
        dates=parsed.dates if parsed else [],
        series=" ".join(block.series.text.split()) if block.series else None,
        title=title,
        description="\n\n".join(lines_to_paragraphs(block.description_lines, lexicon)),
        members=[MemberRef(name=n) for n in members],
        results=results,
        challenges=parse_challenges([ln.text for ln in block.fields.get("challenges", [])]),
        alliances=[AllianceRef(name=n) for n in alliances],
        figure_text=[" ".join(ln.text.split()) for ln in block.figure_lines],
        provenance=_provenance(block.all_lines),
    )


def segments_to_report(seg: SegmentedReport, source: Source, report_id: str, ocr: bool = False) -> Report:
    """Everything the fields stage knows how to type, as a Report (names not yet resolved)."""
    from .sections import sections_to_parts  # the other report sections

    vocabs = list(all_vocabularies().values())
    warnings: list[Warning_] = []
    if seg.period_text:
        start, end = parse_period(seg.period_text, vocabs)
    else:
        start = end = None
        warnings.append(Warning_(page=1, code=WarningCode.PERIOD_MISSING, message="no report period found on the first pages"))
    period = Period(text=seg.period_text or "", start=start, end=end)
    lexicon = lexicon_of(seg)
    # After OCR, titles (set in capitals, so with no lowercase twin to check against)
    # are repaired from the words of the running text.
    ocr_lexicon = None
    if ocr:
        ocr_lexicon = {}
        for w in sorted(lexicon, key=lambda w: (-sum(not c.isascii() for c in w), w)):
            if len(w) >= 3:
                ocr_lexicon.setdefault(strip_marks(w).lower(), w)  # the accented spelling wins
    activities = [block_to_activity(b, i, report_id, seg, period, lexicon, warnings, ocr_lexicon) for i, b in enumerate(seg.activities)]
    for ln in seg.unplaced:
        warnings.append(Warning_(page=ln.page, code=WarningCode.UNPLACED_TEXT, message=f"text outside any activity: {ln.text[:80]!r}"))
    parts = sections_to_parts(seg, period, lexicon, warnings)
    title = join_lines([ln.text for ln in seg.title_lines]) or None
    return Report(
        id=report_id,
        source=source,
        language=seg.language,  # type: ignore[arg-type]
        title=title,
        period=period,
        parser_version=PARSER_VERSION,
        action_lines=[ActionLine(code=c, label=lab) for c, lab in seg.action_lines],
        activities=activities,
        warnings=warnings,
        **parts,
    )


def activity_report_to_report(seg: ActivityReportSegments, source: Source, report_id: str) -> Report:
    """An activity report (the older kind) as a Report: each activity's date read from
    its first paragraph, its year from its quarter (also across a new year)."""
    from .activity_report import split_links
    from .models import ReportSection  # noqa: F401  (documented type of Activity.section)
    from .prose_dates import activity_date

    vocabs = all_vocabularies()
    vocab = vocabs[seg.language]
    warnings: list[Warning_] = []
    if seg.period_text:
        start, end = parse_period(seg.period_text, list(vocabs.values()))
    else:
        start = end = None
        warnings.append(Warning_(page=1, code=WarningCode.PERIOD_MISSING, message="no report period found on the first pages"))
    period = Period(text=seg.period_text or "", start=start, end=end)
    lexicon: set[str] = set()
    for b in seg.activities:
        for ln in b.description_lines:
            lexicon.update(w.lower() for w in _WORD_RE.findall(ln.text.rstrip("-")))
    activities = []
    for i, b in enumerate(seg.activities):
        title = join_lines([ln.text for ln in b.title_lines])
        paragraphs = lines_to_paragraphs(b.description_lines, lexicon)
        quarter = b.section
        phrase = activity_date(paragraphs[0], seg.language, quarter.start if quarter else start, quarter.end if quarter else end) if paragraphs else None
        page = b.title_lines[0].page if b.title_lines else None
        if phrase is None:
            warnings.append(Warning_(page=page, code=WarningCode.DATE_MISSING, message=f"no date found in the first paragraph of activity {title!r}"))
        links = [label for ln in b.link_lines for label in split_links(ln.text, vocab)]
        date_text = phrase.text if phrase else None
        activities.append(
            Activity(
                id=activity_id(report_id, i, date_text or "", title),
                action_line=None,
                date_text=date_text,
                date_start=phrase.dates.start if phrase else None,
                date_end=phrase.dates.end if phrase else None,
                dates=phrase.dates.dates if phrase else [],
                series=None,
                title=title,
                description="\n\n".join(paragraphs),
                members=[],
                results=[],
                challenges=[],
                alliances=[],
                section=quarter,
                number=b.number,
                links=links,
                provenance=_provenance(b.all_lines),
            )
        )
    for ln in seg.unplaced:
        warnings.append(Warning_(page=ln.page, code=WarningCode.UNPLACED_TEXT, message=f"text outside any activity: {ln.text[:80]!r}"))
    return Report(
        id=report_id,
        kind="activity_report",
        source=source,
        language=seg.language,  # type: ignore[arg-type]
        title=join_lines([ln.text for ln in seg.title_lines]) or None,
        period=period,
        parser_version=PARSER_VERSION,
        activities=activities,
        warnings=warnings,
    )
