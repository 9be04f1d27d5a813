"""The one pure entry point: a PDF path → Report. Plain-Python composition of the stages."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .activity_report import layout_to_activity_report
from .assemble import activity_report_to_report, segments_to_report
from .errors import LimitExceeded, NotAProgressReport, NoTextLayer, QuarantineCode, UnrecognizedLayout
from .layout import pdf_to_layout, text_chars
from .models import DocumentLayout, Report, ReviewItem, SectionQuality, Source, Warning_
from .provenance import report_with_provenance
from .quality import implausible_sections, quality_warnings, report_quality
from .section_checks import lines_ocr_confidence
from .sections import cross_check
from .segment import SegmentedReport, layout_to_segments
from .settings import Settings


@dataclass
class Extraction:
    """A report, the names left for review, and where the time went (seconds per stage)."""

    report: Report
    review: list[ReviewItem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def report_id_for(sha256: str) -> str:
    """Stable id from the PDF's content: the same file always gets the same id."""
    return f"r-{sha256[:16]}"


def looks_like_progress_report(seg: SegmentedReport) -> bool:
    """Activities with labelled fields, or most of the report's sections: a progress report.

    Other organisations' PDFs (minutes, forms, papers) may contain a date line or one
    heading that matches, never both activity fields and several report sections.
    """
    with_fields = sum(1 for a in seg.activities if a.fields)
    return with_fields >= 1 or len(seg.sections) >= 4


# How many of a Metropolis report's marks (`report_marks`), the organisation's name among
# them, make a file whose structure was not recognised `unrecognized_layout` rather than
# `not_a_progress_report`.
MIN_REPORT_MARKS = 3
# Distinct registry members a file must name to count that as a mark.
MIN_REGISTRY_NAMES = 5
_ORGANISATION_RE = re.compile(r"\bmetropolis\b", re.IGNORECASE)


def report_marks(layout: DocumentLayout, seg: SegmentedReport, settings: Settings) -> list[str]:
    """The marks of a Metropolis report a file carries: the organisation's name, the
    report title (`title_markers`), a period, section headings of the language files,
    registry member names."""
    text = "\n".join(ln.text for p in layout.pages for ln in [*p.lines, *p.furniture])[:200_000]
    found = text_marks(text, settings, [seg.language])
    names = [m for m in found if m == "registry names"]
    return [m for m in found if m not in names] + ["period"] * bool(seg.period_text) + ["section headings"] * bool(seg.sections) + names


def text_marks(text: str, settings: Settings, languages: list[str]) -> list[str]:
    """The marks of a Metropolis report in plain text: the organisation's name, a report
    title of the language files, `MIN_REGISTRY_NAMES` registry members named (in the
    first of `languages` that names them)."""
    from .text import fold
    from .vocab import all_vocabularies

    folded = f" {fold(text)} "
    marks = []
    if _ORGANISATION_RE.search(text):
        marks.append("organisation name")
    vocabs = all_vocabularies()
    if any(f" {fold(t)} " in folded for v in vocabs.values() for t in v.title_markers):
        marks.append("report title")
    if _names_registry_members(text, settings, [lang for lang in languages if lang in vocabs]):
        marks.append("registry names")
    return marks


def _names_registry_members(text: str, settings: Settings, languages: list[str]) -> bool:
    """`MIN_REGISTRY_NAMES` registry members named in `text`, in one of `languages`."""
    if not settings.resolve_names or not languages:
        return False
    from .normalize import find_mentions
    from .registry import load_registry

    registry = load_registry(settings.registry)
    return any(len({r.member_id for r in find_mentions(text, registry, lang)}) >= MIN_REGISTRY_NAMES for lang in languages)


# A long file that shows none of a report's marks in its first pages is no report: their
# text (PDFium's, read in a moment) says so before every page is laid out (a 65-page
# paper took half a minute to refuse, now under 2 s). Files with little text there
# (scans, pictures: OCR may read them) are read in full, as are short ones.
FIRST_LOOK_PAGES = 8
FIRST_LOOK_MIN_PAGES = 12
FIRST_LOOK_MIN_CHARS = 1000


def marks_at_first_look(path: Path, settings: Settings) -> list[str] | None:
    """The marks of a Metropolis report (`text_marks`) in the text of a long file's first
    pages; None when that says nothing (a short file, too little text there, a file
    PDFium cannot read, more pages than the limit: the layout stage decides then)."""
    try:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - encrypted, damaged: pdfplumber says what it is
        return None
    try:
        if not FIRST_LOOK_MIN_PAGES <= len(doc) <= settings.max_pages:
            return None
        texts = []
        for i in range(FIRST_LOOK_PAGES):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except Exception:  # noqa: BLE001
        return None
    finally:
        doc.close()
    text = "\n".join(texts)
    if len("".join(text.split())) < FIRST_LOOK_MIN_CHARS:
        return None
    # (the registry's names are looked for only when nothing else shows: a report names
    # Metropolis on its cover, and the look must stay quick)
    marks = text_marks(text, settings, [])
    return marks or (["registry names"] if _names_registry_members(text, settings, ["fr", "en", "es"]) else [])


def _section_quality(seg: Any, report: Report, layout: DocumentLayout, settings: Settings) -> dict[str, SectionQuality]:
    """Each section's verdict (`section_checks`): registry names for the joined-names
    check, the OCR words' confidence for sections on OCR'd pages."""
    from .section_checks import registry_name_counter, section_quality

    count_names = None
    if settings.resolve_names:
        from .registry import load_registry

        count_names = registry_name_counter(load_registry(settings.registry), report.language)
    implausible = implausible_sections(seg) if isinstance(seg, SegmentedReport) else []
    acts = [ln for a in getattr(seg, "activities", []) for ln in getattr(a, "all_lines", [])]
    return section_quality(report, seg.sections, count_names=count_names, ocr_confidence=lines_ocr_confidence(layout), implausible=implausible, activity_lines=acts)


def layout_warnings(layout: DocumentLayout, ocr_pages: list[int], warnings: list[Warning_]) -> list[Warning_]:
    """The report's warnings with the layout stage's in front: pages skipped or read another
    way first, page by page; then that OCR read the text (`ocr_pages`: the pages it read),
    with what its second looks changed (before -> after); then the report's own."""
    from .errors import WarningCode

    first = [w for w in layout.warnings if w.code != WarningCode.OCR_CORRECTED]
    if not ocr_pages:
        return [*first, *warnings]
    where = "" if len(ocr_pages) == layout.page_count else f" on page{'s' if len(ocr_pages) > 1 else ''} {', '.join(map(str, ocr_pages))}"
    said = Warning_(page=None, code=WarningCode.OCR_USED, message=f"no text layer{where}: text recognised by OCR (tesseract)")
    corrected = [w for w in layout.warnings if w.code == WarningCode.OCR_CORRECTED]
    return [*first, said, *corrected, *warnings]


def extract(path: Path | str, settings: Settings | None = None) -> Extraction:
    """Run every stage on one PDF; raises a MetroextractError subclass for unusable input."""
    settings = settings or Settings()
    path = Path(path)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise LimitExceeded(f"file is {size} bytes, over the {settings.max_bytes}-byte limit", code=QuarantineCode.TOO_LARGE)
    sha = file_sha256(path)
    if marks_at_first_look(path, settings) == []:
        raise NotAProgressReport(
            f"no mark of a Metropolis report (its name, a report title, {MIN_REGISTRY_NAMES} registry members) in the text of its first {FIRST_LOOK_PAGES} pages: not a Metropolis report"
        )
    layout = pdf_to_layout(path, max_pages=settings.max_pages, min_readable_share=settings.min_readable_page_share)
    if layout.page_count == 0:
        from .errors import CorruptPdf

        raise CorruptPdf("the PDF has no readable pages (damaged page tree)", stage="layout")
    ocr_used = False
    from .ocr import ocr_layout, pages_to_ocr  # OCR itself needs tesseract

    ocr_pages = pages_to_ocr(path, layout)  # pages without a text layer; none in a text PDF
    if ocr_pages:
        try:
            layout = ocr_layout(path, settings, page_count=layout.page_count, pages=ocr_pages, text_layout=layout)
            ocr_used = True
        except NoTextLayer:
            # a text PDF with a few pages of no text (blank, pictures): without OCR the
            # text pages still make (or refuse) the report; a PDF of no text at all does not
            if len(ocr_pages) >= layout.page_count or text_chars(layout) < 20 * max(1, layout.page_count):
                raise
    timings["layout"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    seg = layout_to_segments(layout)
    older = None
    if not looks_like_progress_report(seg):
        # the older kind: quarters with headed activities dated in their prose
        older = layout_to_activity_report(layout)
        if older is None:
            marks = report_marks(layout, seg, settings)
            if len(marks) >= MIN_REPORT_MARKS and "organisation name" in marks:
                raise UnrecognizedLayout(
                    f"a Metropolis report by its marks ({', '.join(marks)}) but no dated activities with labelled fields and only {len(seg.sections)} report section heading(s) recognised: for a person to look at"
                )
            raise NotAProgressReport(
                f"no dated activities with labelled fields, only {len(seg.sections)} report section heading(s) and no quarters of headed activities found: not a Metropolis report"
            )
    timings["segment"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    source = Source(file_name=path.name, sha256=sha, pages=layout.page_count)
    if older is not None:
        report = activity_report_to_report(older, source, report_id_for(sha))
    else:
        report = segments_to_report(seg, source, report_id_for(sha))  # OCR spellings: repaired by the OCR stage (ocr_words)
    report = report.model_copy(update={"warnings": layout_warnings(layout, ocr_pages if ocr_used else [], report.warnings)})
    timings["fields"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    review: list[ReviewItem] = []
    if settings.resolve_names:
        from .normalize import normalize_report
        from .registry import load_registry

        report, review = normalize_report(report, load_registry(settings.registry))
    # Consistency checks run on resolved names, so spellings of one member agree.
    if older is None:
        report = report.model_copy(update={"warnings": [*report.warnings, *cross_check(report)]})
    timings["normalize"] = time.perf_counter() - t3
    quality = report_quality(older or seg, report, getattr(layout, "ocr_confidence", None), _section_quality(older or seg, report, layout, settings))
    report = report.model_copy(update={"quality": quality, "warnings": [*report.warnings, *quality_warnings(seg, quality)]})
    t4 = time.perf_counter()
    report = report_with_provenance(report, layout)  # where each value is printed (the proof page draws it)
    timings["provenance"] = time.perf_counter() - t4
    return Extraction(report=report, review=review, timings=timings)


def extract_report(path: Path | str, settings: Settings | None = None) -> Report:
    """A PDF → its Report. Raises for unusable input (see errors.QuarantineCode)."""
    return extract(path, settings).report
