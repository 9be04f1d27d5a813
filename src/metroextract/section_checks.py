"""Per-section quality: can each section of a report be trusted on its own?

One bad section must not hide among good ones, and must not make the good ones suspect.
Each check below is a small function from a report (and, where it needs them, the
segmenter's lines of the section and the registry) to reasons; its threshold is a
constant here, in one place. `section_quality` runs them all and gives every section of
the report model a verdict: `ok`, `needs_review` (a reason each) or `absent` (the
report does not print that section).

The checks are general — never tuned to one design:

- the section's own structure: table rows with the same columns (`ragged_rows`), months
  inside the report's period (`month_outside_period`) and, for meetings, not repeated
  (`month_repeated`), no item holding two or more registry names (`joined_names`), names
  that do not resolve (`names_unresolved`), a header with no values under it
  (`empty_header`: a meeting month with no names), lines of the section no item used
  (`unused_lines`: by share; line by line for the contents page, `toc_lines_unread`, the
  staff list and the boards), a section far beyond its kind's size
  (`section_implausible`) or below it (`too_few_items`: one key figure), a column whose
  header is printed but whose field the rows leave empty (`column_unread`), month names
  printed that no item carries (`month_unread`), values cut at a break (`truncated_value`)
  or holding another field (`misfiled_value`, `title_misread`), boards out of rank
  (`out_of_order`), a signatory that is no name (`signatory_unread`), a contact read in
  part (`contact_incomplete`);
- what the report says elsewhere: a section the contents page lists that came out empty
  (`listed_but_empty`), a section missing from a report that prints most of the others
  (`section_expected`), list cells under a parent heading no section read
  (`stray_lines`), activity fields read into another section
  (`activity_lines_elsewhere`), a member count in the key figures against the region
  lists (`member_count_mismatch`), meeting names the registry places in another cell,
  and the report warnings that belong to one section (`WARNING_SECTION`:
  `member_not_in_regions`, `result_not_in_plan`, …);
- activities without a date or title (`activity_incomplete`);
- on OCR'd pages, the recognition confidence of the section's own words
  (`ocr_low_confidence`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .errors import WarningCode
from .models import Line, MemberRef, Report, SectionQuality, SectionReason
from .text import fold
from .vocab import all_vocabularies

# --------------------------------------------------------------------------- thresholds

# Share of a section's member/alliance names the registry could not place (a list read
# in pieces or glued together leaves names that resolve to nothing).
MAX_SECTION_UNRESOLVED_SHARE = 0.25
# ... counted only from this many names on (one odd name in a short list is for review
# through the review queue, not a wrong section).
MIN_NAMES_FOR_SHARE = 4
# Items holding two or more registry names ("Montréal Gauteng Johannesburg").
MAX_JOINED_ITEMS = 0
# Items of a list lacking a column most of its other items fill (a cell read into the
# next row): this share of the items or more (one of four).
MAX_RAGGED_SHARE = 0.25
# A column counts as filled when at least this share of the items fill it.
RAGGED_MIN_FILLED = 0.5
# Months outside the report's period, and meeting months printed twice.
MAX_MONTHS_OUTSIDE = 0
MAX_MONTHS_REPEATED = 0
# Times a list's order goes back (contents pages, months, codes) — printed lists run forward.
MAX_ORDER_BREAKS = 0
# A region's members are out of order when the report's other member lists are
# alphabetical, near enough (at most SORTED_SHARE of their steps go back: "Le Caire" filed
# under C, names kept in another language's order) and this one goes back at more than
# UNSORTED_SHARE of its steps: a grid of names read across its rows when it was filled
# down its columns goes back once a row.
SORTED_SHARE = 0.15
UNSORTED_SHARE = 0.25
MIN_MEMBERS_FOR_ORDER = 5
# Board roles outside the language's vocabulary (data/lang/*.yaml board_roles: an archivist
# adds a role the reports use); board members without a position are read wrong when at
# least this share of the others have one; a region lacking a part every other region has
# (at least this many of them) lost it.
MAX_UNKNOWN_BOARD_ROLES = 0
MIN_POSITIONED_SHARE = 0.8
MIN_REGIONS_FOR_PARTS = 3
# Meetings with neither members nor alliances (a month header with nothing under it).
MAX_EMPTY_HEADERS = 0
# Share of a section's letters on lines no item took (a heading the segmenter missed, a
# table column the parser did not read). Headings, labels and months are not counted.
MAX_UNUSED_SHARE = 0.15
# ... and only from this many letters unused (a stray caption in a long section).
MIN_UNUSED_LETTERS = 40
# A line counts as used when this share of its words is found in the section's items.
USED_WORD_SHARE = 0.5
# Words in a name (a person, a member, a role): more is several cells read as one.
MAX_NAME_WORDS = 7
# Activities without a date or a title.
MAX_INCOMPLETE_ACTIVITIES = 0
# Tesseract mean word confidence (0..100) of a section's own words below which the
# section is not trusted. Measured on the scanned fixtures: sections read at 87–96 came out
# anywhere from F1 0 to 1 (a confidently misread letter breaks an item), so no lower bar
# separates them; with 85 seven sections of the scanned digest were wrong and silent. A
# section read by OCR needs review unless its words read near-perfectly.
MIN_SECTION_OCR_CONFIDENCE = 98.0
# Lines of the contents page (page numbers and its heading aside) that no entry holds: a
# heading read without its page number is dropped with its items.
MAX_TOC_LINES_UNREAD = 0
# A contents title this close (rapidfuzz ratio, 0..100) to a heading of the language files
# without being it is that heading misread (a letter, a lost hyphen: "Qui sommesnous ?").
MIN_NEAR_HEADING_RATIO = 90
# A column whose header the section prints counts as read when at least this share of the
# items fill its field (a title, a format, a position column read into other rows leaves
# it empty).
COLUMN_MIN_FILLED = 0.5
# The fewest items a section of each kind holds: key figures are a set of figures, one
# figure alone is a tile the reading order carried elsewhere; a staff list of one or two
# people is the head of a list whose rest went elsewhere.
MIN_SECTION_ITEMS: dict[str, int] = {"key_figures": 2, "secretariat": 3}
# Words a name, title, role or position never ends with: a value cut at a line or cell
# break ("Mayor of Barcelona and President of"), and the separators of run-in items
# ("Outlet ·", "Outlet:").
DANGLING_WORDS = frozenset(
    "of and the for to in on with by from at de du des et la le les pour par à au aux avec dans y del el los las para con por".split()
)  # fmt: skip
DANGLING_MARKS = ":·,;/–-"
# Lines under a heading no section is read from (a parent heading: "Active listening")
# holding list cells — registry names, month names — that no section took: a list or
# table of the neighbouring section spilled into it. A cell has at most this many words.
MAX_CELL_WORDS = 4
# Lines of activity fields (a results label, deliverable codes) read into another section:
# an activity's sidebar or a whole activity the reading order carried there.
MAX_ACTIVITY_LINES_ELSEWHERE = 0
# Lines of the staff list no staff member holds (a name or position cell read into no row,
# a "Name, Position" line read before the list's heading), and staff who are also on a
# region's board (the board's cards read into the list).
MAX_STAFF_LINES_UNREAD = 0
# A progress report that prints at least this many of the model's other sections prints
# them all (every edition does): one of them found absent was read as nothing.
MIN_PRESENT_FOR_COMPLETE = 8
# Month names printed alone in a dated section (a month header or column) that no item carries.
MAX_MONTHS_UNREAD = 0

# The sections of the report model, in document order, and the segmenter's section
# names (the vocabulary's keys) whose lines each is read from.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "table_of_contents": ("toc",),
    "secretary_general_note": ("note",),
    "activities": ("activities",),
    "media_mentions": ("media",),
    "member_engagement": ("engagement",),
    "bilateral_meetings": ("meetings",),
    "key_figures": ("key_results",),
    "challenge_taxonomy": ("challenge_taxonomy",),
    "plan": ("plan",),
    "regions": ("who",),
    "secretariat": ("secretariat",),
    "contact": (),
}
SEGMENT_FIELD = {seg: name for name, segs in SECTION_FIELDS.items() for seg in segs}

# Report warnings that speak about one section: attached to it.
WARNING_SECTION: dict[str, str] = {
    WarningCode.MEMBER_NOT_IN_REGIONS: "regions",
    WarningCode.RESULT_NOT_IN_PLAN: "plan",
    WarningCode.CHALLENGE_NOT_IN_TAXONOMY: "challenge_taxonomy",
    WarningCode.CHALLENGE_LABEL_MISMATCH: "challenge_taxonomy",
    WarningCode.MEMBER_COUNT_MISMATCH: "regions",
    WarningCode.KEY_FIGURE_UNPARSED: "key_figures",
    WarningCode.DATE_UNPARSED: "activities",
    WarningCode.ACTIVITY_WITHOUT_TITLE: "activities",
    WarningCode.RESULT_CODE_INVALID: "activities",
}

# How many of a cross-reference warning one section tolerates: a report may itself print
# one result missing from its plan (a deliverable renamed between editions); more than
# that, the plan (or the taxonomy, the region lists) was probably read short.
WARNING_LIMITS: dict[str, int] = {
    WarningCode.RESULT_NOT_IN_PLAN: 1,
    WarningCode.CHALLENGE_NOT_IN_TAXONOMY: 1,
    WarningCode.CHALLENGE_LABEL_MISMATCH: 1,
    WarningCode.MEMBER_NOT_IN_REGIONS: 1,
}

Reasons = list[SectionReason]
_MEMBER_WORDS = frozenset({"members", "membres", "miembros", "member", "membre", "miembro"})


def _reason(code: str, message: str, page: int | None = None) -> SectionReason:
    return SectionReason(code=code, message=message, page=page)


def _first_page(lines: Iterable[Line]) -> int | None:
    return next((ln.page for ln in lines), None)


# --------------------------------------------------------------------------- what a section holds


def section_items(report: Report, name: str) -> list[Any]:
    """The items of one section of the report model (a one-value section: a list of it)."""
    value = getattr(report, name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def section_refs(report: Report, name: str) -> list[MemberRef]:
    """The member/alliance references a section holds (resolved by the normalize stage)."""
    if name == "member_engagement":
        return list(report.member_engagement)
    if name == "bilateral_meetings":
        return [r for b in report.bilateral_meetings for r in (*b.members, *b.alliances)]  # type: ignore[misc]
    if name == "regions":
        return [m for g in report.regions for m in (*g.members, *g.honorary_members)]
    if name == "activities":
        return [r for a in report.activities for r in (*a.members, *a.alliances)]  # type: ignore[misc]
    return []


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Folded words (letters and digits) of a text, as items and lines are compared."""
    return _WORD_RE.findall(fold(text))


# --------------------------------------------------------------------------- structure checks


def check_ragged_rows(items: list[Any], page: int | None = None) -> Reasons:
    """Rows of one list with different columns: a field most items fill, empty in some.

    >>> from metroextract.models import StaffMember
    >>> [r.code for r in check_ragged_rows([StaffMember(name=n, position="x") for n in "abc"] + [StaffMember(name="d", position=None)] * 2)]
    ['ragged_rows']
    """
    dumps = [x.model_dump() for x in items if hasattr(x, "model_dump")]
    if len(dumps) < 3:
        return []
    out: Reasons = []
    for key in dumps[0]:
        filled = [d[key] not in (None, "", []) for d in dumps]
        share_filled = sum(filled) / len(dumps)
        if key in ("members", "alliances", "items", "honorary_members", "focal_points", "board", "parent"):
            continue  # lists may be empty in a right row (a month with alliances only); a plan line has no parent
        if share_filled >= RAGGED_MIN_FILLED and (1 - share_filled) >= MAX_RAGGED_SHARE:
            out.append(_reason("ragged_rows", f"{len(dumps) - sum(filled)} of {len(dumps)} rows have no {key!r} where the others have one", page))
    return out


def _month_of(item: Any) -> str | None:
    return getattr(item, "month", None)


def check_months(items: list[Any], start: str | None, end: str | None, *, unique: bool, page: int | None = None) -> Reasons:
    """Months outside the report's period; with `unique`, months printed twice."""
    months = [m for m in map(_month_of, items) if m]
    out: Reasons = []
    if start and end:
        outside = sorted({m for m in months if not start <= m <= end})
        if len(outside) > MAX_MONTHS_OUTSIDE:
            out.append(_reason("month_outside_period", f"months outside the report's period {start}–{end}: {', '.join(outside)}", page))
    if unique:
        repeated = sorted(m for m, n in Counter(months).items() if n > 1)
        if len(repeated) > MAX_MONTHS_REPEATED:
            out.append(_reason("month_repeated", f"months printed more than once: {', '.join(repeated)}", page))
    months_missing = [i for i, x in enumerate(items) if hasattr(x, "month") and x.month is None]
    if months_missing and len(months_missing) < len(items):
        out.append(_reason("month_missing", f"{len(months_missing)} of {len(items)} rows have no month", page))
    return out


def _code_key(code: str) -> tuple:
    """'L1A10D2' → ('l', 1, 'a', 10, 'd', 2): codes compared as printed in order."""
    return tuple(int(t) if t.isdigit() else t for t in re.findall(r"\d+|[^\W\d_]+", code.lower()))


def check_order(report: Report, name: str, page: int | None = None) -> Reasons:
    """Items printed in an order they never have: contents pages going back, months going
    back (media, meetings), plan and taxonomy codes going back or a plan item whose parent
    is not in the plan (cells read into the wrong rows)."""
    out: Reasons = []
    if name == "table_of_contents":
        pages = [e.page for e in report.table_of_contents if e.page is not None]
        back = sum(b < a for a, b in zip(pages, pages[1:]))
        if back > MAX_ORDER_BREAKS:
            out.append(_reason("out_of_order", f"the contents' page numbers go back {back} times", page))
    elif name in ("media_mentions", "bilateral_meetings"):
        months = [m for m in map(_month_of, section_items(report, name)) if m]
        back = sum(b < a for a, b in zip(months, months[1:]))
        if back > MAX_ORDER_BREAKS:
            out.append(_reason("out_of_order", f"the months go back {back} times in print order", page))
    elif name in ("plan", "challenge_taxonomy"):
        codes = [x.code for x in section_items(report, name)]
        back = sum(_code_key(b) < _code_key(a) for a, b in zip(codes, codes[1:]))
        if back > MAX_ORDER_BREAKS:
            out.append(_reason("out_of_order", f"the codes go back {back} times in print order", page))
        if name == "plan":
            orphans = [p.code for p in report.plan if p.parent and p.parent not in set(codes)]
            if orphans:
                out.append(_reason("orphan_code", f"plan items whose parent is not in the plan: {', '.join(orphans[:5])}", page))
    return out


_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
_URL_RE = re.compile(r"^(?:https?://|www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_PHONE_RE = re.compile(r"(?:\+|\btel\b|\btél\b)?[\d\s().-]{9,}\d")
_NAME_KEYS = ("name", "role", "label", "outlet", "title", "canonical")
_VALUE_KEYS = ("name", "role", "label", "outlet", "title", "items", "position", "place")


def looks_like_contact(text: str) -> bool:
    """An e-mail address, a web address or a phone number (a contact line, not a name)."""
    t = text.strip()
    return bool(_EMAIL_RE.search(t) or (_URL_RE.match(t) and " " not in t) or (_PHONE_RE.search(t) and sum(c.isdigit() for c in t) >= 8))


def _people(item: Any) -> list[dict[str, Any]]:
    """An item's name-bearing records: the item, and a region's focal points and board."""
    d = item.model_dump() if hasattr(item, "model_dump") else {}
    return [d, *d.get("focal_points", []), *d.get("board", [])]


_MARKER_RE = re.compile(r"\s[■•▪●›►▸◆◦‣]\s|\.{4,}|…{2,}|\s[A-Z]\d+[A-Z]\d+(?:[A-Z]\d+)?\s")


def _header_words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """Words of the table headers, and the section headings and labels as whole folded texts."""
    v = all_vocabularies().get(lang)
    if v is None:
        return frozenset(), frozenset()
    words_ = frozenset(w for variants in v.table_headers.values() for t in variants for w in words(t))
    whole = frozenset(fold(t) for group in (v.sections, v.labels, v.table_headers) for variants in group.values() for t in variants)
    subheads = frozenset(fold(t) for group in (v.focal_points, v.board, v.region_members, v.honorary) for t in group)
    return words_, whole | subheads


def _value_problem(key: str, value: str, headers: tuple[frozenset[str], frozenset[str]]) -> str | None:
    """What is wrong with one name, role, label, outlet or title (None: nothing seen)."""
    ws = words(value)
    if not value.strip() or (key in ("name", "outlet", "label") and not any(c.isalpha() for c in value)):
        return "empty_field" if key != "title" else None
    if key in ("name", "outlet") and (fold(value) in headers[1] or (len(ws) >= 3 and all(w in headers[0] for w in ws))):
        return "header_as_value"
    if key in ("name", "role") and len(ws) > MAX_NAME_WORDS:
        return "overlong_value"
    if key in ("name", "position", "role") and (_EMAIL_RE.search(value) or (_PHONE_RE.search(value) and sum(c.isdigit() for c in value) >= 8)):  # an organisation may be named like a web address
        return "misfiled_value"
    if key != "items" and dangling_end(value):
        return "truncated_value"
    if _MARKER_RE.search(f" {value} ") or value.lstrip()[:1] in "■•▪●›►▸◆◦‣":
        return "joined_items"
    return None


def dangling_end(value: str) -> bool:
    """A value ending in a separator or a word no value ends with (cut at a break).

    >>> dangling_end("Mayor of Barcelona and President of"), dangling_end("Chicago Council ·"), dangling_end("Mayor of Rabat")
    (True, True, False)
    """
    t = value.strip()
    ws = t.split()
    return bool(t) and (t[-1] in DANGLING_MARKS or (len(ws) >= 2 and fold(ws[-1]) in DANGLING_WORDS))


def check_values(items: list[Any], lang: str, page: int | None = None) -> Reasons:
    """Values no right row holds: an empty name, role or label (`empty_field`); a table's
    header read as a value (`header_as_value`); several cells read into one name
    (`overlong_value`); a phone, e-mail or web address read as a name or position
    (`misfiled_value`); a value cut at a break (`truncated_value`)."""
    headers = _header_words(lang)
    found: dict[str, list[str]] = {}
    for item in items:
        for rec in _people(item):
            # a sub-heading wrapped into a row's two cells ("Membres du Conseil" /
            # "d'administration"): role and name together are a heading
            role, name = rec.get("role"), rec.get("name")
            if isinstance(role, str) and role and isinstance(name, str) and name and fold(f"{role} {name}") in headers[1]:
                found.setdefault("header_as_value", []).append(f"{role} {name}")
            for key in _VALUE_KEYS:
                for value in rec.get(key) if isinstance(rec.get(key), list) else [rec.get(key)]:
                    if isinstance(value, str) and (code := _value_problem(key, value, headers)):
                        found.setdefault(code, []).append(value or key)
    what = {
        "empty_field": "items with an empty field", "header_as_value": "headings or table headers read as values", "overlong_value": "values holding several cells",
        "misfiled_value": "contact details read as names", "joined_items": "values holding several items (a list marker, a code or dot leaders inside)",
        "truncated_value": "values cut at a line or cell break (ending in a separator or a linking word)",
    }  # fmt: skip
    return [_reason(code, f"{len(vs)} {what[code]}: {', '.join(repr(v[:60]) for v in vs[:3])}", page) for code, vs in found.items()]


def check_contact_read(report: Report, lines: list[Line]) -> Reasons:
    """Contact details printed (a phone, an e-mail, a web address among the last section's
    lines) but no contact read."""
    if report.contact is not None:
        return []
    printed = [ln for ln in lines if looks_like_contact(ln.text)]
    if printed:
        return [_reason("contact_not_read", f"contact details are printed ({printed[0].text!r}) but no contact was read", printed[0].page)]
    return []


def check_contact_complete(report: Report, page: int | None = None) -> Reasons:
    """A contact read in part: a phone, an e-mail or a site without the postal address the
    box opens with, or an address with none of them (a box cut across columns or pages,
    its other part read into another section)."""
    c = report.contact
    if c is None:
        return []
    reached = [f for f in ("phone", "email", "website") if getattr(c, f)]
    missing = ["address"] if reached and not c.address else (["phone, e-mail and site"] if not reached else [])
    return [_reason("contact_incomplete", f"the contact was read without its {missing[0]}", page)] if missing else []


def check_toc_lines(report: Report, lines: list[Line], lang: str) -> Reasons:
    """Lines of the contents page whose words are mostly in no entry's title or items (page
    numbers and the page's own heading aside): a heading whose page number was lost goes
    with its items."""
    held = {w for e in report.table_of_contents for t in (e.title, *e.items) for w in words(t)}
    v = all_vocabularies().get(lang)
    own = {w for t in v.sections.get("toc", []) for w in words(t)} if v else set()
    unread = []
    for ln in lines:
        ws = [w for w in words(ln.text) if not w.isdigit() and w not in own]
        if ws and sum(len(w) for w in ws if w in held) < USED_WORD_SHARE * sum(len(w) for w in ws):
            unread.append(ln)
    if len(unread) > MAX_TOC_LINES_UNREAD:
        return [_reason("toc_lines_unread", f"{len(unread)} lines of the contents page are in no entry: {', '.join(repr(ln.text) for ln in unread[:3])}", unread[0].page)]
    return []


def check_toc_titles(report: Report, page: int | None = None) -> Reasons:
    """Contents titles that nearly spell a section heading of the language files but not
    quite: the heading misread."""
    from rapidfuzz import fuzz

    v = all_vocabularies().get(report.language)
    heads = {fold(t) for variants in v.sections.values() for t in variants} if v else set()
    near = [e.title for e in report.table_of_contents if fold(e.title) not in heads and any(fuzz.ratio(fold(e.title), h) >= MIN_NEAR_HEADING_RATIO for h in heads)]
    if near:
        return [_reason("title_misread", f"contents titles that nearly spell a section heading: {', '.join(repr(t) for t in near[:3])}", page)]
    return []


def _header_fields(lines: list[Line], lang: str) -> set[str]:
    """The fields whose column header (`table_headers`) is printed among the lines, alone
    or between separators ("Format · Members ·")."""
    v = all_vocabularies().get(lang)
    if v is None:
        return set()
    heads: dict[str, set[str]] = {}
    for field, variants in v.table_headers.items():
        for t in variants:
            heads.setdefault(fold(t), set()).add(field)  # "Title": a media title or a position
    return {f for ln in lines for part in re.split(r"[·:|]", ln.text) for f in heads.get(fold(part.strip()), ())}


def check_columns(items: list[Any], lines: list[Line], lang: str, page: int | None = None) -> Reasons:
    """A column whose header the section prints but whose field most items leave empty
    (the column's cells read as other rows or lost)."""
    dumps = [x.model_dump() for x in items if hasattr(x, "model_dump")]
    if not dumps:
        return []
    out: Reasons = []
    for field in sorted(_header_fields(lines, lang)):
        if field not in dumps[0] or isinstance(dumps[0][field], list):
            continue  # list fields may be empty in right rows (a meeting with alliances only)
        filled = sum(d[field] not in (None, "") for d in dumps) / len(dumps)
        if filled < COLUMN_MIN_FILLED:
            out.append(_reason("column_unread", f"the {field!r} column is printed but {filled:.0%} of the rows have one", page))
    return out


def check_item_count(report: Report, name: str, page: int | None = None) -> Reasons:
    """Fewer items than a section of its kind holds (`MIN_SECTION_ITEMS`)."""
    n, least = len(section_items(report, name)), MIN_SECTION_ITEMS.get(name, 0)
    if 0 < n < least:
        return [_reason("too_few_items", f"{n} item(s) read where a section of this kind holds at least {least}", page)]
    return []


def check_note(report: Report, page: int | None = None) -> Reasons:
    """A note whose signatory is no name (a stray letter) or whose signatory's role was not read."""
    note = report.secretary_general_note
    if note is None:
        return []
    sig = note.signatory or ""
    if len([w for w in words(sig) if len(w) >= 2]) < 2 or not note.role:
        return [_reason("signatory_unread", f"the note's signatory {sig!r} (role {note.role!r}) is not a name with its role", page)]
    return []


def _is_member_role(role: str | None) -> bool:
    ws = set(words(role or ""))
    return bool(ws) and ws <= _MEMBER_WORDS


def check_board_order(report: Report, page: int | None = None) -> Reasons:
    """A board printed by rank (chairs, vice-chairs, treasurer, then members) read with a
    chair after a member: cards of a grid read in the wrong order."""
    bad = []
    for region in report.regions:
        roles = [b.role for b in region.board]
        first_member = next((i for i, r in enumerate(roles) if _is_member_role(r)), len(roles))
        if any(not _is_member_role(r) for r in roles[first_member:]):
            bad.append(region.name)
    if bad:
        return [_reason("out_of_order", f"boards with a chair or vice-chair after a member: {', '.join(bad)}", page)]
    return []


def _board_role_keys(lang: str) -> frozenset[str]:
    v = all_vocabularies().get(lang)
    return frozenset(fold(r) for r in (v.board_roles if v else ()))


def check_board_roles(report: Report, page: int | None = None) -> Reasons:
    """Board roles the language's vocabulary does not hold ("Copresident" for
    "Co-president", a person's name read as the role), and focal points given a board
    role (a board read as a list of focal points)."""
    roles = _board_role_keys(report.language)
    if not roles:
        return []
    unknown = sorted({b.role for g in report.regions for b in g.board if fold(b.role) not in roles})
    as_focal = sorted({f"{p.name} ({p.role})" for g in report.regions for p in g.focal_points if fold(p.role) in roles})
    out: Reasons = []
    if len(unknown) > MAX_UNKNOWN_BOARD_ROLES:
        out.append(_reason("unknown_role", f"board roles the vocabulary does not know: {', '.join(repr(r) for r in unknown[:4])}", page))
    if as_focal:
        out.append(_reason("board_as_focal_points", f"focal points with a board role: {', '.join(as_focal[:4])}", page))
    return out


def check_board_positions(report: Report, page: int | None = None) -> Reasons:
    """Board members without a position where the report gives nearly every other one a
    position (a card's position read into its neighbour, or lost)."""
    board = [b for g in report.regions for b in g.board]
    missing = [b.name for b in board if not b.position]
    if not board or not missing or len(missing) > (1 - MIN_POSITIONED_SHARE) * len(board):
        return []
    return [_reason("incomplete_items", f"{len(missing)} of {len(board)} board members have no position: {', '.join(missing[:4])}", page)]


def _opening_repeated(text: str) -> bool:
    """A position whose two opening words come back later in it: two positions run
    together ("Maire de San Salvador Maire de Bogotá").

    >>> _opening_repeated("Maire de San Salvador Maire de Bogotá"), _opening_repeated("Mayor of Barcelona and President of the AMB")
    (True, False)
    """
    ws = words(text)
    return len(ws) >= 4 and any(ws[i : i + 2] == ws[:2] for i in range(2, len(ws) - 1))


def check_joined_people(report: Report, page: int | None = None) -> Reasons:
    """A board member's or focal point's text holding a second person: another listed
    person's name, a board role inside a name, or a position printed twice."""
    roles = _board_role_keys(report.language)
    people = [p for g in report.regions for p in (*g.board, *g.focal_points)]
    names = {fold(p.name) for p in people} | {fold(m.name) for m in report.secretariat}
    names = {n for n in names if len(n.split()) >= 2}
    joined = []
    for p in people:
        own, position = fold(p.name), getattr(p, "position", None) or ""  # (focal points have none)
        other = any(f" {n} " in f" {f} " for f in (own, fold(p.role), fold(position)) for n in names if n != own and n not in own)
        role_in_name = any(f" {r} " in f" {own} " for r in roles)
        if other or role_in_name or _opening_repeated(position):
            joined.append(p.name)
    if joined:
        return [_reason("joined_items", f"{len(joined)} board or focal-point entries hold a second person: {', '.join(repr(n) for n in joined[:3])}", page)]
    return []


def check_region_parts(report: Report, page: int | None = None) -> Reasons:
    """A region without a part (members, focal points, board) that every other region
    prints: a card grid or a page of the region read into another."""
    out: Reasons = []
    for part in ("members", "focal_points", "board"):
        having = [g.name for g in report.regions if getattr(g, part)]
        lacking = [g.name for g in report.regions if not getattr(g, part)]
        if lacking and len(having) >= MIN_REGIONS_FOR_PARTS:
            out.append(_reason("incomplete_items", f"regions without {part.replace('_', ' ')} where the others have them: {', '.join(lacking)}", page))
    return out


def _descents(names: list[str]) -> int:
    keys = [" ".join(words(n)) for n in names]
    return sum(1 for a, b in zip(keys, keys[1:]) if a > b)


def check_member_order(report: Report, page: int | None = None) -> Reasons:
    """Member lists of regions out of alphabetical order where the report's other regions
    print theirs alphabetically (a grid read in the wrong direction)."""
    lists = [(g.name, [m.name for m in g.members]) for g in report.regions if len(g.members) >= MIN_MEMBERS_FOR_ORDER]
    steps = {name: _descents(names) for name, names in lists}
    size = {name: len(names) - 1 for name, names in lists}
    sorted_ = [n for n, d in steps.items() if d <= max(1.0, SORTED_SHARE * size[n])]
    if len(sorted_) < max(2, len(lists) // 2):
        return []  # this report does not print its members alphabetically
    bad = [n for n, d in steps.items() if d > max(2.0, UNSORTED_SHARE * size[n])]
    if bad:
        return [_reason("out_of_order", f"member lists not in the alphabetical order the other regions keep: {', '.join(bad)}", page)]
    return []


_CELL_SPLIT_RE = re.compile(r"\s*[·,;/•–|]\s*")


def bare_month(text: str, lang: str) -> int | None:
    """The month number of a line that is only a month name (a year beside it allowed).

    >>> bare_month("Février 2021", "fr"), bare_month("In February we met", "en")
    (2, None)
    """
    v = all_vocabularies().get(lang)
    t = fold(re.sub(r"\b\d{4}\b", "", text)).strip(" :·-–")
    return v.months.get(t) if v else None


def list_cells(text: str, count_names: Callable[[str], int]) -> bool:
    """A line of list cells (short parts between separators) naming a registry member."""
    parts = [p for p in _CELL_SPLIT_RE.split(text.strip(" •·-–▪›")) if p]
    return bool(parts) and all(len(words(p)) <= MAX_CELL_WORDS for p in parts) and count_names(text) >= 1


def _item_months(report: Report, name: str) -> set[int]:
    return {int(m[5:7]) for x in section_items(report, name) if (m := _month_of(x))}


def check_months_unread(report: Report, name: str, lines: list[Line], page: int | None = None) -> Reasons:
    """Month names printed alone among a dated section's lines that none of its items
    carries (a month column or header whose rows were lost)."""
    held = _item_months(report, name)
    unread = sorted({m for ln in lines if (m := bare_month(ln.text, report.language)) and m not in held})
    if len(unread) > MAX_MONTHS_UNREAD:
        return [_reason("month_unread", f"months printed in the section that no item carries: {', '.join(map(str, unread))}", page)]
    return []


_DELIVERABLE_RE = re.compile(r"\bL\d+A\d+D\d+\b")


def _results_label_line(text: str, labels: tuple[str, ...]) -> bool:
    """A results label alone on its line, or with a deliverable code after it — not prose
    that starts with the word ("results agreed by our members.").

    >>> [_results_label_line(t, ("results", "related results")) for t in ("Related results", "Results: L1A2D4", "results agreed by our members.")]
    [True, True, False]
    """
    folded = fold(text)
    return folded in labels or (folded.startswith(labels) and bool(_DELIVERABLE_RE.search(text)))


def check_activity_lines_elsewhere(sections: dict[str, list[Line]], lang: str) -> Reasons:
    """Activity field lines — a results label, several deliverable codes on one line (a plan
    line has one) — among the lines of another section: an activity's fields (or a whole
    activity) read there."""
    v = all_vocabularies().get(lang)
    labels = tuple(fold(t) for t in v.labels.get("results", [])) if v else ()
    stray = [
        ln for name, lines in sections.items() if name not in ("activities", "plan") for ln in lines
        if len(_DELIVERABLE_RE.findall(ln.text)) >= 2 or _results_label_line(ln.text, labels)
    ]  # fmt: skip
    if len(stray) > MAX_ACTIVITY_LINES_ELSEWHERE:
        return [_reason("activity_lines_elsewhere", f"{len(stray)} lines of activity fields read into other sections: {', '.join(repr(ln.text) for ln in stray[:3])}", stray[0].page)]
    return []


_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")


def _heading_texts(lang: str) -> frozenset[str]:
    """Every heading, label and name of the vocabulary as a whole folded text ("Focal
    points", "Board of Directors", "Asia-Pacific"): a line that is one is no item."""
    v = all_vocabularies().get(lang)
    if v is None:
        return frozenset()
    texts = [*v.focal_points, *v.board, *v.honorary, *v.region_members, *v.meeting_members, *v.meeting_alliances, *v.title_markers]
    for group in (v.labels, v.sections, v.regions, v.table_headers):
        texts += [t for variants in group.values() for t in variants]
    return frozenset(fold(t) for t in texts)


def _seq(text: str) -> str:
    return f" {' '.join(words(text))} "


_PERSON_LINE_RE = re.compile(r"^\s*([A-ZÀ-Þ][\w'’.-]+(?:\s+(?:(?:de|del|la|da|van|von|el|al|y)\s+)*[A-ZÀ-Þ][\w'’.-]+){1,3})\s*([,—–])\s+([A-ZÀ-Þ].*)$")


def _staff_like(lines: list[Line], held: list[str], staff: list[Any]) -> list[Line]:
    """ "Name, Position" lines naming nobody the report read, set as the staff lines the
    report did read ("Name — Position" with the same separator): staff lines read under
    another heading."""
    names = {fold(x.name) for x in staff}
    matched = [(ln, m) for ln in lines if (m := _PERSON_LINE_RE.match(ln.text))]
    seps = {m.group(2) for _, m in matched if fold(m.group(1)) in names}
    return [ln for ln, m in matched if m.group(2) in seps and not any(_seq(m.group(1)) in h for h in held)]


_ROLE_LINE_RE = re.compile(r"^[^:]{2,40}:\s*([^,:]{3,60}),\s*\S")


def check_board_lines(report: Report, lines: list[Line]) -> Reasons:
    """ "Role: Name, Position" lines of the region pages naming nobody the report read on a
    board, among focal points or staff: a board row no region took."""
    people = {fold(p.name) for g in report.regions for p in (*g.board, *g.focal_points)} | {fold(m.name) for m in report.secretariat}
    unread = [ln for ln in lines if (m := _ROLE_LINE_RE.match(ln.text)) and fold(m.group(1).strip()) not in people]
    if unread:
        return [_reason("unused_lines", f"{len(unread)} board lines name no one the regions hold: {', '.join(repr(ln.text) for ln in unread[:3])}", unread[0].page)]
    return []


def check_staff_lines(report: Report, sections: dict[str, list[Line]]) -> Reasons:
    """Lines of the staff list that no one the report read holds (their words in no staff
    member's, board member's or focal point's name and position; contact lines and
    headings aside), staff lines read under the region pages' heading, and staff whose
    position opens with a board role ("Member Mayor of Medellín": a board's cards read
    into the list)."""
    held = [_seq(f"{m.name} {m.position or ''}") for m in report.secretariat]
    held += [_seq(" ".join(_strings(p.model_dump()))) for g in report.regions for p in (*g.board, *g.focal_points)]
    listed = held + [_seq(m.name) for g in report.regions for m in (*g.members, *g.honorary_members)]
    heads = _heading_texts(report.language)
    contact = _seq(" ".join(_item_texts(report, "contact")))
    unread = [
        ln for ln in sections.get("secretariat", [])
        if fold(ln.text.strip(" .:")) not in heads and 2 <= len(words(ln.text)) <= MAX_NAME_WORDS and not _YEAR_RE.search(ln.text) and not looks_like_contact(ln.text) and _seq(ln.text) not in contact
        and not any(_seq(t) in m for t in (ln.text, ln.text.split(":", 1)[-1]) if words(t) for m in listed)  # a run-in label aside ("Honorary member: CPAFFC")
    ]  # fmt: skip
    unread += _staff_like([*sections.get("who", []), *sections.get("secretariat", [])], held, report.secretariat)
    board = [m.name for m in report.secretariat if words(m.position or "")[:1] and words(m.position or "")[0] in _MEMBER_WORDS]
    out: Reasons = []
    if len(unread) > MAX_STAFF_LINES_UNREAD:
        out.append(_reason("unused_lines", f"{len(unread)} lines of the staff list in no staff member: {', '.join(repr(ln.text) for ln in unread[:3])}", unread[0].page))
    if board:
        out.append(_reason("misfiled_value", f"staff whose position opens with a board role: {', '.join(board[:3])}"))
    return out


def check_months_in_activities(report: Report, activity_lines: list[Line]) -> Reasons:
    """Month names printed alone among the activities' lines that no media mention carries:
    the dated media list read into the last activity's description."""
    held = _item_months(report, "media_mentions")
    stray = [ln for ln in activity_lines if (m := bare_month(ln.text, report.language)) and m not in held]
    if stray:
        return [_reason("stray_lines", f"{len(stray)} month lines read into the activities that no media mention carries: {', '.join(repr(ln.text) for ln in stray[:3])}", stray[0].page)]
    return []


def _neighbours(sections: dict[str, list[Line]], i: int) -> list[str]:
    """The report fields read from the sections just before and after the i-th one."""
    order = list(sections)
    before = next((SEGMENT_FIELD[s] for s in reversed(order[:i]) if s in SEGMENT_FIELD), None)
    after = next((SEGMENT_FIELD[s] for s in order[i + 1 :] if s in SEGMENT_FIELD), None)
    return [f for f in (before, after) if f]


def check_stray_lines(report: Report, sections: dict[str, list[Line]], count_names: Callable[[str], int] | None) -> dict[str, Reasons]:
    """List cells (month names, registry names) under a heading no section is read from,
    that no item carries: a neighbouring list or table spilled into it."""
    out: dict[str, Reasons] = {}
    used = {w for n in ("member_engagement", "bilateral_meetings", "media_mentions") for t in _item_texts(report, n) for w in words(t)}
    for i, (seg_name, lines) in enumerate(sections.items()):
        if seg_name in SEGMENT_FIELD:
            continue
        months = [(ln, m) for ln in lines if (m := bare_month(ln.text, report.language))]
        if months:  # a month column: the dated section beside it, when none of its items has that month
            targets = [(f, [ln for ln, m in months if m not in _item_months(report, f)]) for f in _neighbours(sections, i) if f in ("media_mentions", "bilateral_meetings")]
        else:  # bare names: the members' engagement (a meeting's names come with its month)
            targets = [("member_engagement", [ln for ln in lines if count_names is not None and list_cells(ln.text, count_names) and not set(words(ln.text)) & used])]
        for field, stray in targets:
            if stray:
                out.setdefault(field, []).append(
                    _reason("stray_lines", f"{len(stray)} list lines under the heading {seg_name!r} that no section read: {', '.join(repr(ln.text) for ln in stray[:3])}", stray[0].page)
                )
    return out


def check_empty_headers(report: Report, page: int | None = None) -> Reasons:
    """A meeting month with no member and no alliance under it (while others hold names)."""
    meetings = report.bilateral_meetings
    empty = [b.month or "?" for b in meetings if not b.members and not b.alliances]
    if len(empty) > MAX_EMPTY_HEADERS:
        return [_reason("empty_header", f"{len(empty)} of {len(meetings)} meetings hold no member and no alliance: {', '.join(empty)}", page)]
    return []


def check_unresolved(refs: list[MemberRef], page: int | None = None) -> Reasons:
    """Names of a section that resolve to nothing, counted per section."""
    if len(refs) < MIN_NAMES_FOR_SHARE:
        return []
    bad = [r.name for r in refs if r.method == "unresolved"]
    share = len(bad) / len(refs)
    if share > MAX_SECTION_UNRESOLVED_SHARE:
        return [_reason("names_unresolved", f"{len(bad)} of {len(refs)} names resolve to nothing ({share:.0%}): {', '.join(bad[:5])}", page)]
    return []


def joined_names(name: str, count_names: Callable[[str], int]) -> bool:
    """An item holding two or more registry names: `count_names(text)` counts them."""
    return len(name.split()) >= 2 and count_names(name) >= 2


def check_meeting_names(report: Report, count_names: Callable[[str], int] | None, page: int | None = None) -> Reasons:
    """Meeting names the registry places elsewhere: an unresolved member that is a
    registered alliance (the alliances' cell read into the members), an unresolved
    alliance that with the name before it is one registered alliance ("UCLG" · "ASPAC")."""
    is_alliance = getattr(count_names, "alliance", None)
    if is_alliance is None:
        return []
    bad = []
    for b in report.bilateral_meetings:
        bad += [m.name for m in b.members if m.method == "unresolved" and is_alliance(m.name)]
        bad += [f"{a.name} {x.name}" for a, x in zip(b.alliances, b.alliances[1:]) if x.method == "unresolved" and is_alliance(f"{a.name} {x.name}")]
    if bad:
        return [_reason("misfiled_value", f"{len(bad)} meeting names read into the wrong cell or split: {', '.join(repr(n) for n in bad[:3])}", page)]
    return []


def check_joined(refs: list[MemberRef], count_names: Callable[[str], int] | None, page: int | None = None) -> Reasons:
    """List items that are two or more names read as one ("Montréal Gauteng Johannesburg")."""
    if count_names is None:
        return []
    joined = [r.name for r in refs if r.method in (None, "unresolved", "fuzzy") and joined_names(r.name, count_names)]
    if len(joined) > MAX_JOINED_ITEMS:
        return [_reason("joined_names", f"{len(joined)} items hold several names: {', '.join(repr(j) for j in joined[:3])}", page)]
    return []


def _vocab_words(lang: str) -> frozenset[str]:
    """Words of headings, labels, table headers and months: a line of only these is no item."""
    v = all_vocabularies().get(lang)
    if v is None:
        return frozenset()
    texts = [*v.months, *v.markers, *v.action_line_kicker, *v.focal_points, *v.board, *v.honorary, *v.region_members]
    texts += [*v.meeting_members, *v.meeting_alliances, *v.title_markers]
    for group in (v.labels, v.sections, v.regions, v.table_headers):
        texts += [t for variants in group.values() for t in variants]
    return frozenset(w for t in texts for w in words(t))


def check_unused_lines(lines: list[Line], item_text: Iterable[str], lang: str) -> Reasons:
    """Lines of the section's region that no item took (letters on lines whose words are
    mostly in no item), headings, labels and months aside."""
    used = {w for t in item_text for w in words(t)}
    skip = _vocab_words(lang)
    total = unused = 0
    first: int | None = None
    for ln in lines:
        ws = [w for w in words(ln.text) if w not in skip and not w.isdigit()]
        letters = sum(len(w) for w in ws)
        if not ws:
            continue
        total += letters
        if sum(len(w) for w in ws if w in used) / letters < USED_WORD_SHARE:
            unused += letters
            first = ln.page if first is None else first
    if total and unused >= MIN_UNUSED_LETTERS and unused / total > MAX_UNUSED_SHARE:
        return [_reason("unused_lines", f"{unused / total:.0%} of the section's text is in no item", first)]
    return []


def check_activities(report: Report) -> Reasons:
    """Activities without a date or a title."""
    bad = [(a.provenance.pages[0] if a.provenance.pages else None, a) for a in report.activities if a.date_start is None or not a.title]
    if len(bad) > MAX_INCOMPLETE_ACTIVITIES:
        no_date = sum(a.date_start is None for _, a in bad)
        no_title = sum(not a.title for _, a in bad)
        return [_reason("activity_incomplete", f"{no_date} activities without a date, {no_title} without a title (of {len(report.activities)})", bad[0][0])]
    return []


def check_activity_titles(report: Report) -> Reasons:
    """Activity titles that are another field: deliverable codes, a line cut at a
    separator ("L2A2D5 · L3A3D3 ·"), a month name alone (another section's month
    heading read as the title), or a field label ("Membres impliqués": a margin column's
    label read where the title goes)."""
    vocab = all_vocabularies().get(report.language)
    months = {fold(m) for m in vocab.months} if vocab is not None else set()
    labels = {fold(x) for xs in vocab.labels.values() for x in xs} if vocab is not None else set()
    bad = [a for a in report.activities if a.title and (_DELIVERABLE_RE.search(a.title) or dangling_end(a.title) or fold(a.title.strip(" .:–—-")) in months | labels)]
    if bad:
        return [
            _reason(
                "title_misread",
                f"{len(bad)} activity titles hold codes, end at a separator, or are a month or a field label: {', '.join(repr(a.title[:60]) for a in bad[:3])}",
                bad[0].provenance.pages[0] if bad[0].provenance.pages else None,
            )
        ]
    return []


def check_ocr_confidence(confidence: float | None, page: int | None = None) -> Reasons:
    """The mean OCR confidence of the section's own words (None: not read by OCR)."""
    if confidence is not None and confidence < MIN_SECTION_OCR_CONFIDENCE:
        return [_reason("ocr_low_confidence", f"read by OCR: mean word confidence of the section {confidence:.0f} < {MIN_SECTION_OCR_CONFIDENCE:.0f}, values may hold misread letters", page)]
    return []


# --------------------------------------------------------------------------- what the report says elsewhere


def check_expected(report: Report, name: str) -> Reasons:
    """A section found absent in a progress report that prints most of the others
    (`MIN_PRESENT_FOR_COMPLETE`): a complete edition prints every section, so this one
    was most likely missed (its heading unrecognised, its lines read into another)."""
    present = sum(bool(section_items(report, n)) for n in SECTION_FIELDS if n != "activities")
    if report.kind == "progress_report" and present >= MIN_PRESENT_FOR_COMPLETE:
        return [_reason("section_expected", f"the report prints {present} of the other sections but {name!r} was not found")]
    return []


def listed_sections(report: Report) -> set[str]:
    """Sections (report field names) the contents page lists, by their headings."""
    v = all_vocabularies().get(report.language)
    if v is None or not report.table_of_contents:
        return set()
    heads = {fold(t): SEGMENT_FIELD[name] for name, variants in v.sections.items() if name in SEGMENT_FIELD for t in variants}
    out = set()
    for e in report.table_of_contents:
        for text in (e.title, *e.items):
            if (f := heads.get(fold(text))) is not None:
                out.add(f)
    return out


def check_key_figure_members(report: Report) -> Reasons:
    """A key figure counting members that differs from the members in the region lists."""
    if not report.regions:
        return []
    total = sum(len(g.members) for g in report.regions)
    out: Reasons = []
    for k in report.key_figures:
        if k.value is not None and set(words(k.label)) & _MEMBER_WORDS and len(words(k.label)) <= 4 and k.value != total:
            out.append(_reason("member_count_mismatch", f"key figure {k.text} {k.label!r} but the region lists hold {total} members"))
    return out


def warning_reasons(report: Report) -> dict[str, Reasons]:
    """Report warnings that belong to one section, as that section's reasons (a code
    counted in `WARNING_LIMITS` only when it occurs more often than its limit)."""
    out: dict[str, Reasons] = {}
    counts = Counter(w.code for w in report.warnings)
    for w in report.warnings:
        name = WARNING_SECTION.get(w.code)
        if w.code == WarningCode.SECTION_MISSING:
            m = re.search(r"section '([^']+)'", w.message)
            name = SEGMENT_FIELD.get(m.group(1)) if m else None
        if name and counts[w.code] > WARNING_LIMITS.get(w.code, 0):
            out.setdefault(name, []).append(_reason(str(w.code), w.message, w.page))
    return out


# --------------------------------------------------------------------------- the verdicts


def _item_texts(report: Report, name: str) -> list[str]:
    """Every string of the section's items (and of the sections read from the same lines)."""
    names = {"regions": ("regions", "secretariat", "contact"), "secretariat": ("regions", "secretariat", "contact"), "key_figures": ("key_figures", "key_figures_period")}.get(name, (name,))
    out: list[str] = []
    for n in names:
        out += list(_strings([x.model_dump() if hasattr(x, "model_dump") else x for x in section_items(report, n)]))
    return out


def structure_reasons(report: Report, name: str, lines: list[Line], count_names: Callable[[str], int] | None) -> Reasons:
    """The checks a section's own content answers."""
    items = section_items(report, name)
    page = _first_page(lines)
    refs = section_refs(report, name)
    out: Reasons = []
    if name in ("media_mentions", "bilateral_meetings", "secretariat", "key_figures", "challenge_taxonomy", "plan"):
        out += check_ragged_rows(items, page)
    if name in ("media_mentions", "bilateral_meetings"):
        out += check_months(items, report.period.start, report.period.end, unique=name == "bilateral_meetings", page=page)
    out += check_order(report, name, page)
    if name not in ("activities", "secretary_general_note", "contact"):
        out += check_values([*items, *refs], report.language, page)
    if name == "bilateral_meetings":
        out += check_empty_headers(report, page)
        out += check_meeting_names(report, count_names, page)
    if name == "table_of_contents":
        out += check_toc_lines(report, lines, report.language)
        out += check_toc_titles(report, page)
    if name in ("media_mentions", "bilateral_meetings", "secretariat"):
        out += check_columns(items, lines, report.language, page)
    if name == "secretary_general_note":
        out += check_note(report, page)
    if name == "contact":
        out += check_contact_complete(report, page)
    if name == "regions":
        out += check_board_order(report, page)
        out += check_member_order(report, page)
        out += check_board_roles(report, page)
        out += check_board_positions(report, page)
        out += check_joined_people(report, page)
        out += check_region_parts(report, page)
        out += check_board_lines(report, lines)
    out += check_item_count(report, name, page)
    if name in ("media_mentions", "bilateral_meetings"):
        out += check_months_unread(report, name, lines, page)
    if name == "activities":
        out += check_activities(report)
        out += check_activity_titles(report)
        out += check_values([m for a in report.activities for m in (*a.members, *a.alliances)], report.language, page)
    out += check_unresolved(refs, page)
    out += check_joined(refs, count_names, page)
    if lines and name not in ("activities", "contact"):
        out += check_unused_lines(lines, _item_texts(report, name), report.language)
    return out


def section_quality(
    report: Report,
    sections: dict[str, list[Line]],
    *,
    count_names: Callable[[str], int] | None = None,
    ocr_confidence: Callable[[list[Line]], float | None] | None = None,
    implausible: Iterable[str] = (),
    activity_lines: list[Line] | None = None,
) -> dict[str, SectionQuality]:
    """A verdict per section of the report model, keyed by the report's field name.

    `sections` are the segmenter's lines per section (its names); `count_names(text)`
    counts the registry names a text holds (None: the joined-names check is skipped);
    `ocr_confidence(lines)` the mean OCR confidence of those lines' words (None: not OCR'd);
    `implausible` the segmenter section names of implausible size (`quality.py`);
    `activity_lines` the lines of the activity blocks (for the OCR confidence).
    """
    activity_lines = activity_lines or []
    elsewhere = warning_reasons(report)
    # an activity member in no region list that resolves to nothing is the activity's
    # error (a joined or misread name), not the region lists'
    unresolved = {m.name for a in report.activities for m in a.members if m.method == "unresolved"}
    for r in list(elsewhere.get("regions", [])):
        m = re.match(r"member '(.+?)' of activity", r.message) if r.code == WarningCode.MEMBER_NOT_IN_REGIONS else None
        if m and m.group(1) in unresolved:
            elsewhere["regions"].remove(r)
            elsewhere.setdefault("activities", []).append(r)
    elsewhere = {k: v for k, v in elsewhere.items() if v}
    listed = listed_sections(report)
    for r in check_key_figure_members(report):
        elsewhere.setdefault("key_figures", []).append(r)
    for f, rs in check_stray_lines(report, sections, count_names).items():
        elsewhere.setdefault(f, []).extend(rs)
    elsewhere.setdefault("activities", []).extend(check_activity_lines_elsewhere(sections, report.language))
    elsewhere.setdefault("secretariat", []).extend(check_staff_lines(report, sections))
    elsewhere.setdefault("media_mentions", []).extend(check_months_in_activities(report, activity_lines))
    for seg_name in implausible:
        if (f := SEGMENT_FIELD.get(seg_name)) is not None:
            elsewhere.setdefault(f, []).append(_reason("section_implausible", f"section {seg_name!r} spans far beyond its kind's size", _first_page(sections.get(seg_name, []))))
    out: dict[str, SectionQuality] = {}
    for name, seg_names in SECTION_FIELDS.items():
        lines = [ln for s in seg_names for ln in sections.get(s, [])]
        if name == "activities":
            lines += activity_lines
        present = bool(section_items(report, name))
        reasons = list(elsewhere.get(name, []))
        if not present:
            if name in listed:
                reasons.append(_reason("listed_but_empty", f"the contents page lists the section {name!r} but nothing was read from it"))
            elif lines and name != "activities":
                reasons.append(_reason("section_empty", f"the section {name!r} is printed but nothing was read from it", _first_page(lines)))
            elif name == "activities" and report.kind == "progress_report":
                reasons.append(_reason("no_activities", "no activity was found in this report"))
            elif name == "contact":
                reasons += check_contact_read(report, [ln for s in ("secretariat", "who") for ln in sections.get(s, [])])
            if not reasons and name != "activities":
                reasons += check_expected(report, name)
            out[name] = SectionQuality(verdict="needs_review" if reasons else "absent", reasons=reasons)
            continue
        reasons += structure_reasons(report, name, lines, count_names)
        read_from = lines or ([ln for s in ("secretariat", "who") for ln in sections.get(s, [])] if name == "contact" else [])
        if ocr_confidence is not None and read_from:
            reasons += check_ocr_confidence(ocr_confidence(read_from), _first_page(read_from))
        out[name] = SectionQuality(verdict="needs_review" if reasons else "ok", reasons=reasons)
    return out


def sections_to_review(sections: dict[str, SectionQuality]) -> list[str]:
    """The sections whose verdict is needs_review, in the report model's order."""
    return [name for name, q in sections.items() if q.verdict == "needs_review"]


def registry_name_counter(registry: Any, lang: str) -> Callable[[str], int]:
    """`count_names` for `section_quality`: distinct registry members a text names
    (`normalize.find_mentions`, the spellings and capitals as registered); its
    `alliance(name)` says whether a name is a registered alliance's."""
    from .normalize import PROCESSOR, find_mentions

    def count(text: str) -> int:
        return len({r.member_id for r in find_mentions(text, registry, lang)})

    count.alliance = lambda name: registry.lookup("alliance", PROCESSOR(name)) is not None  # type: ignore[attr-defined]
    return count


def lines_ocr_confidence(layout: Any) -> Callable[[list[Line]], float | None] | None:
    """`ocr_confidence` for `section_quality`: the mean confidence of the OCR words inside
    the given lines' boxes (a word belongs to a line when its centre and baseline fall in
    it); None for a layout with no OCR'd word."""
    words_by_page: dict[int, list[tuple[float, float, float]]] = {}
    for page, x, y, conf in getattr(layout, "ocr_words", None) or []:
        words_by_page.setdefault(page, []).append((x, y, conf))
    if not words_by_page:
        return None

    def confidence(lines: list[Line]) -> float | None:
        confs = [c for ln in lines for x, y, c in words_by_page.get(ln.page, []) if ln.x0 - 1 <= x <= ln.x1 + 1 and ln.top - 1 <= y <= ln.bottom + 2]
        return sum(confs) / len(confs) if confs else None

    return confidence
