"""The quality verdict: measures that tell an extraction went wrong, thresholds in one place.

A JSON that looks complete but is not is the worst outcome for an archivist, so every
stage that can drop or misfile text counts what it did, and this module reads those
counts. `report_quality` is pure: the segmented report (what was placed where), the
assembled report (names resolved) and the OCR confidence in, a `Quality` out.
"""

from __future__ import annotations

from .errors import WarningCode
from .models import Quality, Report, SectionQuality, Warning_
from .segment import SegmentedReport, is_body

# Share of running-text letters that may sit in no activity and no section (captions
# and introductions between activities are unplaced by design; measured on the
# fixtures: at most 3 %).
MAX_UNPLACED_SHARE = 0.10
# Share of activities that may lack a date or a title (one odd block in a long report).
MAX_INCOMPLETE_ACTIVITY_SHARE = 0.20
# Share of member/alliance names the registry could not place.
MAX_UNRESOLVED_NAME_SHARE = 0.25
# Tesseract mean word confidence (0..100) below which OCR text is not trusted.
MIN_OCR_CONFIDENCE = 60.0
# How many pages each kind of section plausibly spans; far beyond that, the section
# swallowed what follows it (a missed heading). Fixtures span at most half of these.
MAX_SECTION_PAGES = {
    "toc": 3,
    "note": 4,
    "media": 6,
    "engagement": 4,
    "meetings": 6,
    "key_results": 4,
    "challenge_taxonomy": 4,
    "plan": 8,
    "who": 16,
    "secretariat": 16,  # the regions' pages are often read under it
    "contact": 3,
}


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def implausible_sections(seg: SegmentedReport) -> list[str]:
    """Sections far beyond their kind's shape (pages of activities inside a "note").

    Field labels inside a section are no sign on their own (meetings print "Membres :"
    run-in labels); dated blocks with labels are, and are counted as stray blocks.
    """
    out = []
    for name, lines in seg.sections.items():
        if name == "activities" or not lines:
            continue
        pages = {ln.page for ln in lines}
        span = max(pages) - min(pages) + 1
        if span > MAX_SECTION_PAGES.get(name, 6):
            out.append(name)
    return out


def report_quality(seg: SegmentedReport, report: Report, ocr_confidence: float | None = None, section_verdicts: dict[str, SectionQuality] | None = None) -> Quality:
    """Measure the extraction and give the verdict, with a reason per failed measure.

    `section_verdicts` are the per-section verdicts (`section_checks.section_quality`): any
    section that needs review makes the report need review too (the roll-up)."""
    body = seg.body_size
    body_chars = sum(_letters(ln.text) for ln in seg.all_body_lines if is_body(ln, body))
    unplaced_chars = sum(_letters(ln.text) for ln in seg.unplaced if is_body(ln, body))
    unplaced_share = round(unplaced_chars / body_chars, 4) if body_chars else 0.0
    acts = report.activities
    without_date = sum(1 for a in acts if a.date_start is None)
    without_title = sum(1 for a in acts if not a.title)
    refs = [r for a in acts for r in (*a.members, *a.alliances)]
    unresolved = sum(1 for r in refs if r.method == "unresolved")
    unresolved_share = round(unresolved / len(refs), 4) if refs else None
    bad_pages = sorted({w.page for w in report.warnings if w.code == WarningCode.PAGE_UNREADABLE and w.page is not None})
    sections = implausible_sections(seg)

    reasons: list[str] = []
    if not acts:
        reasons.append("no activity found")
    if unplaced_share > MAX_UNPLACED_SHARE:
        reasons.append(f"{unplaced_share:.0%} of the running text is in no activity or section")
    if acts and (without_date + without_title) / len(acts) > MAX_INCOMPLETE_ACTIVITY_SHARE:
        reasons.append(f"{without_date} activities without a date, {without_title} without a title (of {len(acts)})")
    if seg.stray_activity_blocks:
        reasons.append(f"{seg.stray_activity_blocks} dated blocks with field labels outside the activities")
    if sections:
        reasons.append("sections of implausible size or content: " + ", ".join(sections))
    if unresolved_share is not None and unresolved_share > MAX_UNRESOLVED_NAME_SHARE:
        reasons.append(f"{unresolved_share:.0%} of member and alliance names unresolved")
    if bad_pages:
        reasons.append("pages that could not be read: " + ", ".join(map(str, bad_pages)))
    if ocr_confidence is not None and ocr_confidence < MIN_OCR_CONFIDENCE:
        reasons.append(f"OCR mean word confidence {ocr_confidence:.0f} < {MIN_OCR_CONFIDENCE:.0f}")
    review = [name for name, q in (section_verdicts or {}).items() if q.verdict == "needs_review"]
    if review:
        reasons.append("sections to review: " + ", ".join(review))
    return Quality(
        verdict="needs_review" if reasons else "ok",
        reasons=reasons,
        body_chars=body_chars,
        unplaced_share=unplaced_share,
        activities=len(acts),
        activities_without_date=without_date,
        activities_without_title=without_title,
        stray_activity_blocks=seg.stray_activity_blocks,
        implausible_sections=sections,
        unresolved_name_share=unresolved_share,
        pages_unreadable=bad_pages,
        ocr_mean_confidence=None if ocr_confidence is None else round(ocr_confidence, 1),
        sections=section_verdicts or {},
    )


def quality_warnings(seg: SegmentedReport, quality: Quality) -> list[Warning_]:
    """The structure problems behind a verdict, as warnings with their pages."""
    out = []
    for name in quality.implausible_sections:
        pages = sorted({ln.page for ln in seg.sections.get(name, [])})
        out.append(
            Warning_(
                page=pages[0] if pages else None,
                code=WarningCode.SECTION_IMPLAUSIBLE,
                message=f"section {name!r} spans pages {pages[0]}–{pages[-1]}, far beyond its kind's size: a heading was probably missed",
            )
        )
    if quality.stray_activity_blocks:
        out.append(Warning_(page=None, code=WarningCode.STRAY_ACTIVITY_BLOCK, message=f"{quality.stray_activity_blocks} dated blocks with field labels were left outside the activities"))
    if quality.activities == 0:
        out.append(Warning_(page=None, code=WarningCode.NO_ACTIVITIES, message="no activity was found in this report"))
    return out
