"""All pydantic models of metroextract, in one place.

Two families live here:
- layout/segmentation values passed between stages (`Line`, `Block`, `PageLayout`,
  `Segment`, `ActivityBlock`), never serialised for users;
- the published contract (`Report` and everything under it), dumped as JSON with
  `model_dump(mode="json")` and described by the JSON Schema files in `schema/`.

Published models forbid unknown fields so a typo in code fails loudly, and keep field
order stable because JSON documents and tables are compared byte for byte.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.4.0"  # 1.1: report.quality, nullable table fields; 1.2: kind, activity section/number/links; 1.3: item_provenance; 1.4: quality.sections, activity_groups (+ reports.publication_id/duplicate_of, activities.activity_group_id)

Language = Literal["fr", "en", "es"]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- layout stage


class Warning_(_Frozen):
    """A problem found in a report: data, never a print."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Warning")

    page: int | None
    code: str
    message: str


class Line(_Frozen):
    """One visual line of text: words sharing a baseline inside one column."""

    page: int  # 1-based
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # dominant font size
    bold: bool
    font: str
    color: str  # "#rrggbb" of the dominant fill colour
    upper: bool  # the letters are all capitals
    spacing: float = 0.0  # mean extra gap between letters (letter-spaced headings)
    column: int = 0  # index of the text column the line belongs to on its page
    runs: list[tuple[str, bool]] = Field(default_factory=list)  # (text, bold) pieces, for run-in styles
    cell: tuple[int, int, int] | None = None  # (table on its page, row, column) in a ruled table
    # Where the line's words stand wider apart than a word space stretches (0.7 em): the
    # offset in `text` of the piece after the gap, the x where the piece before it ends and
    # the x where the piece after it starts. Cells of an unruled table set close together
    # share one line; these are their seams.
    breaks: list[tuple[int, float, float]] = Field(default_factory=list)
    # Every gap between two words, in the same form: where a table's columns are known
    # (its header row), a row set tighter than `breaks` tell is cut at them.
    gaps: list[tuple[int, float, float]] = Field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


class Block(_Frozen):
    """Consecutive lines of one page region (a column, a sidebar, a tag)."""

    page: int
    index: int
    lines: list[Line]


class PageLayout(_Frozen):
    """The body lines of one page in reading order, furniture removed."""

    page: int
    width: float
    height: float
    lines: list[Line]
    image_boxes: list[BBox] = Field(default_factory=list)
    # Running headers/footers taken out of the body: kept, because a running kicker
    # ("Ligne d'action 2 · …") in them is what marks a page's action line in some designs.
    furniture: list[Line] = Field(default_factory=list)


class DocumentLayout(_Frozen):
    """What the layout stage hands to segmentation."""

    pages: list[PageLayout]
    body_size: float  # the most common font size of running text
    page_count: int
    removed_furniture: int = 0  # running headers/footers and page numbers dropped
    warnings: list[Warning_] = Field(default_factory=list)  # pages skipped, text repaired
    ocr_confidence: float | None = None  # OCR mean word confidence (0..100); None: no page OCR'd
    # Each OCR'd word's (page, x centre, baseline, confidence 0..100), for the confidence of
    # one section's own words (`section_checks`); empty for text pages.
    ocr_words: list[tuple[int, float, float, float]] = Field(default_factory=list)


# --------------------------------------------------------------------------- published contract


class Source(_Frozen):
    file_name: str
    sha256: str
    pages: int


class Period(_Frozen):
    text: str
    start: str | None  # YYYY-MM
    end: str | None  # YYYY-MM


class Candidate(_Frozen):
    id: str
    name: str
    score: float


class MemberRef(_Frozen):
    """A member (city/region) as printed, with its resolution against the registry."""

    name: str
    member_id: str | None = None
    canonical_name: str | None = None
    method: Literal["exact", "alias", "fuzzy", "unresolved"] | None = None
    score: float | None = None


class AllianceRef(_Frozen):
    """An alliance or partner as printed, with its resolution against the registry."""

    name: str
    alliance_id: str | None = None
    canonical_name: str | None = None
    method: Literal["exact", "alias", "fuzzy", "unresolved"] | None = None
    score: float | None = None


class Challenge(_Frozen):
    code: str
    label: str


class PageBox(_Frozen):
    page: int
    bbox: BBox


class Provenance(_Frozen):
    pages: list[int]
    bbox: list[PageBox]


class ReportSection(_Frozen):
    """The part of a report an activity is printed in (an activity report's quarter)."""

    text: str  # the heading as printed ("JANUARY – MARCH 2014")
    start: str | None  # YYYY-MM
    end: str | None  # YYYY-MM


class Activity(_Frozen):
    id: str
    action_line: str | None
    date_text: str | None  # as printed; null where an activity report's prose names no date
    date_start: date | None
    date_end: date | None
    dates: list[date]
    series: str | None
    title: str
    description: str
    members: list[MemberRef]
    results: list[str]
    challenges: list[Challenge]
    alliances: list[AllianceRef]
    mentioned_members: list[MemberRef] = Field(default_factory=list)
    figure_text: list[str] = Field(default_factory=list)  # captions and text inside pictures
    # Activity reports (the older kind): the quarter, the heading's number as printed and
    # the link lines' labels; progress reports leave them empty.
    section: ReportSection | None = None
    number: str | None = None
    links: list[str] = Field(default_factory=list)
    provenance: Provenance


class TocEntry(_Frozen):
    page: int | None
    title: str
    items: list[str]


class SecretaryGeneralNote(_Frozen):
    text: str  # paragraphs joined by one blank line
    signatory: str | None
    role: str | None


class ActionLine(_Frozen):
    code: str
    label: str


class MediaMention(_Frozen):
    month: str | None  # YYYY-MM
    outlet: str
    title: str | None


class BilateralMeeting(_Frozen):
    month: str | None
    format: str | None
    members: list[MemberRef]
    alliances: list[AllianceRef]


class KeyFigure(_Frozen):
    text: str
    value: int | None
    label: str


class PlanItem(_Frozen):
    code: str
    level: Literal["line", "axis", "deliverable"]
    parent: str | None
    label: str


class FocalPoint(_Frozen):
    role: str
    name: str
    place: str | None


class BoardMember(_Frozen):
    role: str
    name: str
    position: str | None


class Region(_Frozen):
    name: str
    members: list[MemberRef]
    honorary_members: list[MemberRef]
    focal_points: list[FocalPoint]
    board: list[BoardMember]


class StaffMember(_Frozen):
    name: str
    position: str | None


class Contact(_Frozen):
    address: str | None
    phone: str | None
    email: str | None
    website: str | None


class SectionReason(_Frozen):
    """Why one section needs review: a stable code, a sentence, the page it is about."""

    code: str
    message: str
    page: int | None = None


class SectionQuality(_Frozen):
    """One section's verdict (`section_checks.py`): `absent` when the report does not print it."""

    verdict: Literal["ok", "needs_review", "absent"]
    reasons: list[SectionReason] = Field(default_factory=list)


class Quality(_Frozen):
    """Measures that tell an extraction went wrong, and the verdict they give.

    Thresholds live in `quality.py`; `reasons` names each measure that failed, so an
    archivist knows where to look.
    """

    verdict: Literal["ok", "needs_review"]
    reasons: list[str] = Field(default_factory=list)
    body_chars: int  # letters of running text on the report's pages
    unplaced_share: float  # share of those letters placed in no activity or section
    activities: int
    activities_without_date: int
    activities_without_title: int
    stray_activity_blocks: int  # dated title + field-label blocks left outside activities
    implausible_sections: list[str] = Field(default_factory=list)
    unresolved_name_share: float | None  # None: no names to resolve
    pages_unreadable: list[int] = Field(default_factory=list)
    ocr_mean_confidence: float | None = None  # 0..100; None for text PDFs
    # One entry per section of the report model, keyed by the report's field name
    # (table_of_contents, activities, bilateral_meetings, …); the verdict above rolls them up.
    sections: dict[str, SectionQuality] = Field(default_factory=dict)


ProvenanceKind = Literal["title", "date", "description", "member", "alliance", "result", "challenge", "link", "section"]


class ItemProvenance(_Frozen):
    """Where one extracted value is printed: its page and box (`provenance.py`).

    Kept in one list beside the items rather than inside them, so an item's content
    compares equal whatever its box (PDFium and pdfminer differ by a tenth of a point).
    """

    pointer: str = Field(
        description='RFC 6901 JSON Pointer to the value in this report document, e.g. "/activities/3/members/2"; a description paragraph is "/activities/3/description/1" (paragraphs split on blank lines)'
    )
    kind: ProvenanceKind = Field(description="what the value is; every item of a section outside the activities is 'section'")
    activity_id: str | None = None  # the activity the value belongs to; None for section items
    page: int = Field(description="1-based page number")
    bbox: BBox = Field(description="[x0, top, x1, bottom] in PDF points, origin at the top-left corner of the page (pdfplumber's coordinates); from the OCR word boxes on OCR'd pages")


class Report(_Frozen):
    """One progress report as data: the document downstream tools load."""

    schema_version: str = SCHEMA_VERSION
    id: str
    kind: Literal["progress_report", "activity_report"] = "progress_report"  # decided from the document's structure
    source: Source
    language: Language
    title: str | None
    period: Period
    parser_version: str
    table_of_contents: list[TocEntry] = Field(default_factory=list)
    secretary_general_note: SecretaryGeneralNote | None = None
    action_lines: list[ActionLine] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    media_mentions: list[MediaMention] = Field(default_factory=list)
    member_engagement: list[MemberRef] = Field(default_factory=list)
    bilateral_meetings: list[BilateralMeeting] = Field(default_factory=list)
    key_figures_period: str | None = None
    key_figures: list[KeyFigure] = Field(default_factory=list)
    challenge_taxonomy: list[Challenge] = Field(default_factory=list)
    plan: list[PlanItem] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    secretariat: list[StaffMember] = Field(default_factory=list)
    contact: Contact | None = None
    quality: Quality | None = None  # set by the pipeline once the report is assembled
    warnings: list[Warning_] = Field(default_factory=list)
    # Field-level provenance (set by the pipeline's provenance stage): values not found on
    # the page have no entry.
    item_provenance: list[ItemProvenance] = Field(default_factory=list)


class ReviewItem(_Frozen):
    """A name the resolver could not place with confidence: for a person to decide."""

    report_id: str
    page: int | None
    kind: Literal["member", "alliance"]
    name: str
    reason: Literal["unresolved", "low_margin"]
    candidates: list[Candidate]


class QuarantineRecord(_Frozen):
    """Why a file did not become a report."""

    schema_version: str = SCHEMA_VERSION
    file_name: str
    sha256: str | None
    stage: str
    code: str
    message: str
