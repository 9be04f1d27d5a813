"""The one pure entry point: a PDF path → Report. Plain-Python composition of the stages."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from .activity_report import layout_to_activity_report
from .assemble import activity_report_to_report, segments_to_report
from .errors import LimitExceeded, NotAProgressReport, NoTextLayer, QuarantineCode
from .layout import pdf_to_layout, text_chars
from .models import Report, ReviewItem, Source
from .provenance import report_with_provenance
from .quality import quality_warnings, report_quality
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
    if ocr_used:
        from .errors import WarningCode
        from .models import Warning_

        where = "" if len(ocr_pages) == layout.page_count else f" on page{'s' if len(ocr_pages) > 1 else ''} {', '.join(map(str, ocr_pages))}"
        report = report.model_copy(update={"warnings": [Warning_(page=None, code=WarningCode.OCR_USED, message=f"no text layer{where}: text recognised by OCR (tesseract)"), *report.warnings]})
    if layout.warnings:  # pages skipped or read another way: said first, page by page
        report = report.model_copy(update={"warnings": [*layout.warnings, *report.warnings]})
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
    quality = report_quality(older or seg, report, getattr(layout, "ocr_confidence", None))
    report = report.model_copy(update={"quality": quality, "warnings": [*report.warnings, *quality_warnings(seg, quality)]})
    t4 = time.perf_counter()
    report = report_with_provenance(report, layout)  # where each value is printed (the proof page draws it)
    timings["provenance"] = time.perf_counter() - t4
    return Extraction(report=report, review=review, timings=timings)


def extract_report(path: Path | str, settings: Settings | None = None) -> Report:
    """A PDF → its Report. Raises for unusable input (see errors.QuarantineCode)."""
    return extract(path, settings).report
