"""Per-section verdicts (`section_checks.py`): each check on a hand-made wrong section,
built from the pydantic models directly, and a right report that stays `ok`."""

from __future__ import annotations

from datetime import date

import pytest

from metroextract import section_checks as sc
from metroextract.errors import WarningCode
from metroextract.models import (
    Activity,
    BilateralMeeting,
    Challenge,
    Contact,
    KeyFigure,
    Line,
    MediaMention,
    MemberRef,
    Period,
    PlanItem,
    Provenance,
    Quality,
    Region,
    Report,
    SectionQuality,
    Source,
    StaffMember,
    TocEntry,
    Warning_,
)
from metroextract.normalize import resolve_member
from metroextract.quality import report_quality
from metroextract.registry import load_registry
from metroextract.segment import SegmentedReport


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _line(text: str, page: int = 5, top: float = 100.0) -> Line:
    return Line(page=page, text=text, x0=40, top=top, x1=40 + 5 * len(text), bottom=top + 9, size=9, bold=False, font="Sans", color="#000000", upper=False)


def _activity(i: int, *, title: str = "A seminar", day: date | None = date(2021, 2, 3), members: list[MemberRef] | None = None) -> Activity:
    return Activity(
        id=f"a{i}", action_line="L1", date_text="3 February" if day else "soon", date_start=day, date_end=day, dates=[day] if day else [],
        series=None, title=title, description="", members=members or [], results=["L1A1D1"], challenges=[Challenge(code="1.1", label="Inequalities")],
        alliances=[], provenance=Provenance(pages=[6], bbox=[]),
    )  # fmt: skip


def _report(**parts) -> Report:
    base = dict(
        id="r-1", source=Source(file_name="x.pdf", sha256="0" * 64, pages=10), language="en", title="Progress report",
        period=Period(text="January —> April 2021", start="2021-01", end="2021-04"), parser_version="t",
        activities=[_activity(1)],
        plan=[PlanItem(code="L1", level="line", parent=None, label="x"), PlanItem(code="L1A1", level="axis", parent="L1", label="y"), PlanItem(code="L1A1D1", level="deliverable", parent="L1A1", label="z")],
        challenge_taxonomy=[Challenge(code="1.1", label="Inequalities")],
    )  # fmt: skip
    base.update(parts)
    return Report(**base)


def _meeting(month: str | None, *names: str, registry=None) -> BilateralMeeting:
    return BilateralMeeting(month=month, format="Online", members=[resolve_member(n, registry) if registry else MemberRef(name=n) for n in names], alliances=[])


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


# --------------------------------------------------------------------------- each check


def test_ragged_rows_media_with_titles_missing():
    rows = [MediaMention(month="2021-01", outlet=f"Outlet {i}", title=f"Title {i}") for i in range(5)]
    rows += [MediaMention(month="2021-01", outlet="Outlet X", title=None), MediaMention(month="2021-02", outlet="Outlet Y", title=None)]
    assert _codes(sc.check_ragged_rows(rows)) == ["ragged_rows"]
    assert sc.check_ragged_rows(rows[:5]) == []


def test_months_outside_the_period_and_repeated():
    meetings = [_meeting("2021-01", "A"), _meeting("2021-01", "B"), _meeting("2021-07", "C")]
    assert _codes(sc.check_months(meetings, "2021-01", "2021-04", unique=True)) == ["month_outside_period", "month_repeated"]
    assert _codes(sc.check_months(meetings, "2021-01", "2021-04", unique=False)) == ["month_outside_period"]
    right = [_meeting(f"2021-0{m}", "A") for m in (1, 2, 3, 4)]
    assert sc.check_months(right, "2021-01", "2021-04", unique=True) == []


def test_lists_running_backwards_and_plan_items_without_their_parent():
    plan = [PlanItem(code="L1A2", level="axis", parent="L1", label="b"), PlanItem(code="L1A1", level="axis", parent="L1", label="a")]
    got = sc.check_order(_report(plan=plan), "plan")
    assert [(r.code, r.message) for r in got] == [("out_of_order", "the codes go back 1 times in print order"), ("orphan_code", "plan items whose parent is not in the plan: L1A2, L1A1")]
    toc = [TocEntry(page=21, title="Active listening", items=[]), TocEntry(page=3, title="Note", items=[])]
    assert _codes(sc.check_order(_report(table_of_contents=toc), "table_of_contents")) == ["out_of_order"]
    media = [MediaMention(month=m, outlet="o", title="t") for m in ("2021-02", "2021-01")]
    assert _codes(sc.check_order(_report(media_mentions=media), "media_mentions")) == ["out_of_order"]
    assert sc.check_order(_report(), "plan") == [] and sc.check_order(_report(media_mentions=media[::-1]), "media_mentions") == []


def test_empty_month_headers_while_one_month_holds_every_name(registry):
    """The issue's case: three empty months and a fourth holding every name."""
    report = _report(bilateral_meetings=[_meeting("2021-01"), _meeting("2021-02"), _meeting("2021-03"), _meeting("2021-04", "Montréal", "Gauteng", "Johannesburg", registry=registry)])
    (r,) = sc.check_empty_headers(report)
    assert (r.code, r.message) == ("empty_header", "3 of 4 meetings hold no member and no alliance: 2021-01, 2021-02, 2021-03")


def test_joined_names_resolve_to_nothing_and_are_found(registry):
    refs = [resolve_member(n, registry) for n in ("Montréal Gauteng Johannesburg", "Barcelona", "Douala")]
    assert refs[0].method == "unresolved"
    count = sc.registry_name_counter(registry, "en")
    (r,) = sc.check_joined(refs, count)
    assert (r.code, r.message) == ("joined_names", "1 items hold several names: 'Montréal Gauteng Johannesburg'")
    assert sc.check_joined(refs[1:], count) == []
    assert sc.check_joined(refs, None) == []  # no registry: the check is skipped


def test_unresolved_names_counted_per_section():
    refs = [MemberRef(name=n, method="unresolved") for n in ("Xq", "Yq")] + [MemberRef(name=n, member_id=n, method="exact") for n in ("a", "b", "c")]
    (r,) = sc.check_unresolved(refs)
    assert (r.code, r.message) == ("names_unresolved", "2 of 5 names resolve to nothing (40%): Xq, Yq")
    assert sc.check_unresolved(refs[1:]) == []  # 1 of 4: 25 %, not over
    assert sc.check_unresolved(refs[:3]) == []  # too few names to judge a share


def test_unused_lines_of_the_section():
    lines = [_line("Secretariat General"), _line("Octavi de la Varga"), _line("Secretary General")]
    lines += [_line(f"Jordi Quintana Perez Vilanova {i}") for i in range(3)]  # a column no item took
    items = ["Octavi de la Varga", "Secretary General"]
    (r,) = sc.check_unused_lines(lines, items, "en")
    assert (r.code, r.message, r.page) == ("unused_lines", "84% of the section's text is in no item", 5)
    assert sc.check_unused_lines(lines[:3], items, "en") == []


def test_activity_without_date_or_title():
    report = _report(activities=[_activity(1), _activity(2, day=None), _activity(3, title="")])
    (r,) = sc.check_activities(report)
    assert (r.code, r.message, r.page) == ("activity_incomplete", "1 activities without a date, 1 without a title (of 3)", 6)
    assert sc.check_activities(_report()) == []


def test_ocr_confidence_of_the_section_words():
    class Layout:
        ocr_words = [(5, 60.0, 108.0, 40.0), (5, 70.0, 108.0, 50.0), (6, 60.0, 108.0, 99.0)]

    conf = sc.lines_ocr_confidence(Layout())
    assert conf([_line("Octavi de la Varga")]) == 45.0
    assert _codes(sc.check_ocr_confidence(45.0)) == ["ocr_low_confidence"]
    assert _codes(sc.check_ocr_confidence(95.0)) == ["ocr_low_confidence"]  # measured: no lower bar separates right from wrong
    assert sc.check_ocr_confidence(None) == [] and sc.check_ocr_confidence(99.0) == []

    class Text:
        ocr_words: list = []

    assert sc.lines_ocr_confidence(Text()) is None


def test_listed_on_the_contents_page_but_empty():
    report = _report(table_of_contents=[TocEntry(page=21, title="Active listening", items=["Member engagement", "Bilateral meetings"])])
    assert sc.listed_sections(report) == {"member_engagement", "bilateral_meetings"}
    q = sc.section_quality(report, {})
    assert q["bilateral_meetings"].verdict == "needs_review"
    assert _codes(q["bilateral_meetings"].reasons) == ["listed_but_empty"]
    assert q["media_mentions"] == SectionQuality(verdict="absent")


def test_key_figure_member_count_against_the_regions():
    regions = [Region(name="Africa", members=[MemberRef(name=n) for n in "abc"], honorary_members=[], focal_points=[], board=[])]
    report = _report(regions=regions, key_figures=[KeyFigure(text="141", value=141, label="members")])
    (r,) = sc.check_key_figure_members(report)
    assert (r.code, r.message) == ("member_count_mismatch", "key figure 141 'members' but the region lists hold 3 members")
    assert sc.check_key_figure_members(report.model_copy(update={"key_figures": [KeyFigure(text="3", value=3, label="members")]})) == []


def test_report_warnings_go_to_their_section():
    warnings = [
        Warning_(page=6, code=WarningCode.MEMBER_NOT_IN_REGIONS, message="member 'X' of activity 'A' is in no region list"),
        Warning_(page=7, code=WarningCode.RESULT_NOT_IN_PLAN, message="result L9 of activity 'A' is not in the plan"),
        Warning_(page=7, code=WarningCode.CHALLENGE_NOT_IN_TAXONOMY, message="challenge 9.9 'Z' of activity 'A' is not in the taxonomy"),
        Warning_(page=30, code=WarningCode.SECTION_MISSING, message="section 'meetings' found but no meetings could be read"),
        Warning_(page=None, code=WarningCode.OCR_USED, message="no text layer"),
    ]
    # one inconsistency of a kind is tolerated (a report may print it), a second is not
    assert {k: _codes(v) for k, v in sc.warning_reasons(_report(warnings=warnings)).items()} == {"bilateral_meetings": ["section_missing"]}
    twice = warnings + [w.model_copy(update={"message": w.message + "!"}) for w in warnings[:3]]
    got = {k: _codes(v) for k, v in sc.warning_reasons(_report(warnings=twice)).items()}
    assert got == {
        "regions": ["member_not_in_regions"] * 2, "plan": ["result_not_in_plan"] * 2,
        "challenge_taxonomy": ["challenge_not_in_taxonomy"] * 2, "bilateral_meetings": ["section_missing"],
    }  # fmt: skip


# --------------------------------------------------------------------------- the verdicts


def test_every_section_gets_a_verdict_and_only_the_bad_one_needs_review(registry):
    meetings = [_meeting("2021-01"), _meeting("2021-02"), _meeting("2021-03"), _meeting("2021-04", "Montréal Gauteng Johannesburg", "Barcelona", registry=registry)]
    staff = [StaffMember(name=n, position=p) for n, p in (("Octavi de la Varga", "Secretary General"), ("Lia Brum", "Research Officer"), ("Mireia Zapata", "Shared Services Assistant"))]
    report = _report(bilateral_meetings=meetings, secretariat=staff)
    lines = {"meetings": [_line("Bilateral meetings", page=20)], "secretariat": [_line(f"{m.name}, {m.position}", page=30) for m in staff]}
    q = sc.section_quality(report, lines, count_names=sc.registry_name_counter(registry, "en"))
    assert list(q) == list(sc.SECTION_FIELDS)
    assert {k: v.verdict for k, v in q.items()} == {
        "table_of_contents": "absent", "secretary_general_note": "absent", "activities": "ok", "media_mentions": "absent",
        "member_engagement": "absent", "bilateral_meetings": "needs_review", "key_figures": "absent", "challenge_taxonomy": "ok",
        "plan": "ok", "regions": "absent", "secretariat": "ok", "contact": "absent",
    }  # fmt: skip
    assert _codes(q["bilateral_meetings"].reasons) == ["empty_header", "joined_names"]
    assert sc.sections_to_review(q) == ["bilateral_meetings"]


def test_the_report_verdict_rolls_the_sections_up():
    seg = SegmentedReport(language="en", body_size=9.5, title_lines=[], period_text=None, sections={}, action_lines=[], activities=[], unplaced=[])
    report = _report()
    ok = {"activities": SectionQuality(verdict="ok"), "bilateral_meetings": SectionQuality(verdict="absent")}
    assert report_quality(seg, report, None, ok).verdict == "ok"
    bad = {**ok, "plan": SectionQuality(verdict="needs_review", reasons=[sc.SectionReason(code="ragged_rows", message="m")])}
    q: Quality = report_quality(seg, report, None, bad)
    assert (q.verdict, q.reasons, q.sections["plan"].verdict) == ("needs_review", ["sections to review: plan"], "needs_review")


# --------------------------------------------------------------------------- a refusal is a verdict too


def test_a_metropolis_file_whose_layout_is_not_recognised_is_unrecognized_layout(tmp_path):
    """Marks of a report (name, title, period, a heading) but no activity: a person should
    look, unlike another organisation's PDF."""
    from metroextract.errors import NotAProgressReport, UnrecognizedLayout
    from metroextract.pipeline import extract

    try:
        from .conftest import make_report_pdf
    except ImportError:
        from conftest import make_report_pdf  # type: ignore[no-redef]

    with pytest.raises(UnrecognizedLayout) as err:
        extract(make_report_pdf(tmp_path / "empty-report.pdf", activities=0))
    assert (err.value.code, err.value.stage) == ("unrecognized_layout", "segment")
    assert "organisation name, report title, period" in err.value.message

    from reportlab.pdfgen import canvas

    other = tmp_path / "minutes.pdf"
    c = canvas.Canvas(str(other))
    c.drawString(72, 700, "Minutes of the parish council, 3 February 2021")
    c.drawString(72, 680, "Present: the clerk and four councillors. The budget was approved.")
    c.save()
    with pytest.raises(NotAProgressReport):
        extract(other)


def test_unrecognized_layout_is_reused_under_its_parser_version_only_and_retried_by_backfill(tmp_path):
    from metroextract.inbox import QUARANTINE_DIR, layouts_to_retry, reusable_outcome, store_failure

    sha = "a" * 64
    store_failure(tmp_path, file_name="odd.pdf", sha256=sha, code="unrecognized_layout", stage="segment", message="m", parser_version="1")
    store_failure(tmp_path, file_name="other.pdf", sha256="b" * 64, code="not_a_progress_report", stage="segment", message="m", parser_version="1")
    (tmp_path / QUARANTINE_DIR).mkdir()
    for s in (sha, "b" * 64):
        (tmp_path / QUARANTINE_DIR / f"{s}.pdf").write_bytes(b"%PDF-1.4")
    assert reusable_outcome(tmp_path, sha, "1") is not None
    assert reusable_outcome(tmp_path, sha, "2") is None
    assert layouts_to_retry(tmp_path, "1") == []
    assert layouts_to_retry(tmp_path, "2") == [(tmp_path / QUARANTINE_DIR / f"{sha}.pdf", "odd.pdf")]


# --------------------------------------------------------------------------- where people look


def test_sections_to_review_reach_the_run_results_and_the_datasets(tmp_path):
    from metroextract import datasets as ds
    from metroextract.inbox import FileResult, SourceRecord

    rec = SourceRecord(file_name="x.pdf", sha256="c" * 64, report_id="r-1", parser_version="1", extracted_at="t", status="extracted", quality="needs_review", sections_to_review=["bilateral_meetings"])
    assert FileResult.from_record(rec, parsed=True).sections_to_review == ["bilateral_meetings"]
    row, problem = ds.check_row("section_quality", {"report_id": "r-1", "section": "bilateral_meetings", "verdict": "needs_review", "reason_codes": ["empty_header", "joined_names"]})
    assert problem is None and row is not None and row.reason_codes == ["empty_header", "joined_names"]
    assert ds.check_row("section_quality", {"report_id": "r-1", "section": "plan", "verdict": "wrong", "reason_codes": []})[0] is None


def test_the_proof_panel_gives_each_section_its_verdict_and_reasons():
    from metroextract.proof import _panel_html, _summary_html

    reasons = [sc.SectionReason(code="empty_header", message="3 of 4 meetings hold no member", page=20)]
    sections = {"activities": SectionQuality(verdict="ok"), "bilateral_meetings": SectionQuality(verdict="needs_review", reasons=reasons), "plan": SectionQuality(verdict="ok")}
    seg = SegmentedReport(language="en", body_size=9.5, title_lines=[], period_text=None, sections={}, action_lines=[], activities=[], unplaced=[])
    report = _report()
    report = report.model_copy(update={"quality": report_quality(seg, report, None, sections)})
    html = _panel_html(report, [], {})
    assert '<details data-section="activities" data-verdict="ok">' in html
    assert '<details data-section="plan" data-verdict="ok"><summary>plan (3) <span class="ok">ok</span>' in html
    assert (
        '<details data-section="bilateral_meetings" data-verdict="needs_review"><summary>bilateral meetings (0) <span class="bad">needs review</span></summary><ul><li class="warning" data-reason="empty_header"><a href=#p20>p.20</a> empty_header: 3 of 4 meetings hold no member</li>'
        in html
    )
    assert 'data-sections-to-review="bilateral_meetings"' in _summary_html(report, [])


def test_values_no_right_row_holds():
    from metroextract.models import BoardMember, FocalPoint

    staff = [StaffMember(name="Octavi de la Varga", position="Secretary General"), StaffMember(name="metropolis@metropolis.org", position=None)]
    assert [(r.code, r.message) for r in sc.check_values(staff, "en")] == [("misfiled_value", "1 contact details read as names: 'metropolis@metropolis.org'")]
    region = Region(
        name="Africa", members=[MemberRef(name="■ Accra")], honorary_members=[],
        focal_points=[FocalPoint(role="", name="Name", place=None)],
        board=[BoardMember(role="Member", name="Co-president Member Member David Makhura Robert Beugré Mambe", position=None)],
    )  # fmt: skip
    assert _codes(sc.check_values([region, *region.members], "en")) == ["header_as_value", "empty_field", "overlong_value", "joined_items"]
    plan = [PlanItem(code="L1A2", level="axis", parent="L1", label="Metropolitan perspective ■ L1A2D1 Defend the position")]
    assert _codes(sc.check_values(plan, "en")) == ["joined_items"]
    toc = [TocEntry(page=13, title="Active listening", items=["Member engagement", "Progress ............ 16"])]
    assert _codes(sc.check_values(toc, "en")) == ["joined_items"]
    assert sc.check_values([StaffMember(name="Octavi de la Varga", position="Secretary General")], "en") == []
    assert sc.check_values([MemberRef(name="Paradiplomacia.org")], "en") == []  # an organisation named like a web address
    # the board's sub-heading wrapped into a focal-points row's two cells
    wrapped = Region(name="Europe", members=[], honorary_members=[], focal_points=[FocalPoint(role="Membres du Conseil", name="d'administration", place=None)], board=[])
    assert [(r.code, r.message) for r in sc.check_values([wrapped], "fr")] == [("header_as_value", '1 headings or table headers read as values: "Membres du Conseil d\'administration"')]


def test_contact_printed_but_not_read():
    lines = [_line("Octavi de la Varga"), _line("Tel. +34 93 342 94 60"), _line("metropolis@metropolis.org")]
    (r,) = sc.check_contact_read(_report(), lines)
    assert (r.code, r.message) == ("contact_not_read", "contact details are printed ('Tel. +34 93 342 94 60') but no contact was read")
    assert sc.check_contact_read(_report(), lines[:1]) == []


def test_a_contact_read_in_part():
    cut = _report(contact=Contact(address=None, phone="+34 93 342 94 60", email="metropolis@metropolis.org", website="metropolis.org"))
    (r,) = sc.check_contact_complete(cut, 14)
    assert (r.code, r.message, r.page) == ("contact_incomplete", "the contact was read without its address", 14)
    assert _codes(sc.check_contact_complete(_report(contact=Contact(address="Avinyó, 15. 08002 Barcelona", phone=None, email=None, website=None)))) == ["contact_incomplete"]
    whole = _report(contact=Contact(address="Avinyó, 15. 08002 Barcelona", phone=None, email="metropolis@metropolis.org", website=None))
    assert sc.check_contact_complete(whole) == [] and sc.check_contact_complete(_report()) == []


def test_a_member_in_no_region_list_blames_the_activity_when_it_resolves_to_nothing():
    glued = _activity(2, members=[MemberRef(name="Teherán Bogotá", method="unresolved"), MemberRef(name="Lima", method="unresolved")])
    known = _activity(3, members=[MemberRef(name="Douala", member_id="douala", method="exact")])
    warnings = [Warning_(page=6, code=WarningCode.MEMBER_NOT_IN_REGIONS, message=f"member {n!r} of activity 'A seminar' is in no region list") for n in ("Teherán Bogotá", "Lima", "Douala")]
    region = Region(name="Africa", members=[MemberRef(name="Accra", member_id="accra", method="exact")], honorary_members=[], focal_points=[], board=[])
    q = sc.section_quality(_report(activities=[glued, known], regions=[region], warnings=warnings), {})
    assert [r.message for r in q["activities"].reasons if r.code == "member_not_in_regions"] == [w.message for w in warnings[:2]]
    assert [r.message for r in q["regions"].reasons] == [warnings[2].message]


# --------------------------------------------------------------------------- measured


def test_eval_quality_counts_silent_wrong_sections_and_flagged_right_ones():
    from metroextract.evaluate import FixtureScore
    from metroextract.evaluate_quality import section_outcomes

    s = FixtureScore(fixture="f", scanned=False, expected=2, found=2, matched=2, activities_exact=2)
    s.sections = {"bilateral_meetings": (4, 4, 0), "plan": (10, 10, 10), "regions": (5, 5, 5), "media_mentions": (10, 10, 8)}
    s.section_verdicts = {"bilateral_meetings": "ok", "plan": "needs_review", "regions": "ok", "media_mentions": "needs_review", "activities": "ok"}
    fig = section_outcomes([s])
    assert fig.summary() == {"sections": 12, "wrong": 2, "wrong_flagged": 1, "silent": 1, "right": 10, "right_flagged": 1, "right_flagged_share": 0.1}
    assert fig.failures() == ["1 wrong sections (F1 < 0.9) not flagged: f:bilateral_meetings"]


# --------------------------------------------------------------------------- read short, read apart


def test_contents_lines_in_no_entry():
    """A heading whose page number was lost is dropped with its items."""
    toc = [TocEntry(page=9, title="Active listening", items=["Member engagement", "Bilateral meetings"])]
    lines = [_line(t) for t in ("Contents", "Note from the Secretary General", "Activities", "Action line 1 (L1)", "Active listening", "Member engagement", "Bilateral meetings", "9")]
    (r,) = sc.check_toc_lines(_report(table_of_contents=toc), lines, "en")
    assert (r.code, r.message) == ("toc_lines_unread", "3 lines of the contents page are in no entry: 'Note from the Secretary General', 'Activities', 'Action line 1 (L1)'")
    right = [_line(t) for t in ("Contents", "PAGE 9 → Active", "listening", "Member engagement", "Bilateral meetings")]
    assert sc.check_toc_lines(_report(table_of_contents=toc), right, "en") == []


def test_a_printed_column_no_row_fills():
    media = [MediaMention(month="2021-01", outlet=o, title=None) for o in ("UNDP", "Learning from cities", "AMB", "Metropolis General Assembly")]
    lines = [_line(t) for t in ("Date", "Publication", "Headline", "January", "UNDP", "Learning from cities")]
    (r,) = sc.check_columns(media, lines, "en")
    assert (r.code, r.message) == ("column_unread", "the 'title' column is printed but 0% of the rows have one")
    assert sc.check_columns(media, lines[:2], "en") == []  # no title column printed: outlet-only mentions
    meetings = [BilateralMeeting(month="2021-03", format=None, members=[], alliances=[])]
    assert _codes(sc.check_columns(meetings, [_line("Format · Members ·")], "en")) == ["column_unread"]


def test_one_key_figure_alone():
    one = _report(key_figures=[KeyFigure(text="+1,380", value=1380, label="people engaged")])
    assert _codes(sc.check_item_count(one, "key_figures")) == ["too_few_items"]
    two = one.model_copy(update={"key_figures": [*one.key_figures, KeyFigure(text="119", value=119, label="collaborations with experts")]})
    assert sc.check_item_count(two, "key_figures") == [] and sc.check_item_count(_report(), "key_figures") == []


def test_a_note_signed_by_a_stray_letter():
    from metroextract.models import SecretaryGeneralNote

    bad = _report(secretary_general_note=SecretaryGeneralNote(text="Our plan.", signatory="É", role=None))
    assert _codes(sc.check_note(bad)) == ["signatory_unread"]
    good = _report(secretary_general_note=SecretaryGeneralNote(text="Our plan.", signatory="Octavi de la Varga", role="Secretary General"))
    assert sc.check_note(good) == []


def test_a_board_read_out_of_rank():
    from metroextract.models import BoardMember

    board = [BoardMember(role=r, name=n, position=None) for r, n in (("President", "Wen Guohui"), ("Member", "Liu Xin"), ("Co-president", "Pirouz Hanachi"))]
    region = Region(name="Asia-Pacific", members=[], honorary_members=[], focal_points=[], board=board)
    (r,) = sc.check_board_order(_report(regions=[region]))
    assert (r.code, r.message) == ("out_of_order", "boards with a chair or vice-chair after a member: Asia-Pacific")
    ranked = region.model_copy(update={"board": [board[0], board[2], board[1]]})
    assert sc.check_board_order(_report(regions=[ranked])) == []


def test_values_cut_at_a_break():
    from metroextract.models import BoardMember

    cut = [BoardMember(role="Co-president", name="Ada Colau", position="Mayor of Barcelona and President of"), MediaMention(month="2021-07", outlet="Chicago Council ·", title="MetroTalks")]
    assert [(r.code, r.message[:18]) for r in sc.check_values(cut, "en")] == [("truncated_value", "2 values cut at a ")]
    whole = [MediaMention(month="2021-07", outlet="AL-LAs", title="Tangerang del Sur"), StaffMember(name="Hélène Jourdan", position="Learning Officer")]
    assert sc.check_values(whole, "en") == []


def test_months_printed_that_no_item_carries(registry):
    meetings = [_meeting("2021-02", "Bhopal"), _meeting("2021-04", "Guangzhou")]
    lines = [_line(t) for t in ("February", "April", "May", "Type", "Members", "Bhopal", "Guangzhou")]
    (r,) = sc.check_months_unread(_report(bilateral_meetings=meetings), "bilateral_meetings", lines)
    assert (r.code, r.message) == ("month_unread", "months printed in the section that no item carries: 5")
    # the May column under the next heading, a list of names under a parent heading
    sections = {"meetings": lines[:2], "alliances_collab": [_line("May"), _line("Rosario")], "listening": [_line("Shanghai"), _line("Xian")], "engagement": [_line("Bhopal")]}
    report = _report(bilateral_meetings=meetings, member_engagement=[MemberRef(name="Bhopal")])
    got = sc.check_stray_lines(report, sections, sc.registry_name_counter(registry, "en"))
    assert {k: [r.message for r in v] for k, v in got.items()} == {
        "bilateral_meetings": ["1 list lines under the heading 'alliances_collab' that no section read: 'May'"],
        "member_engagement": ["2 list lines under the heading 'listening' that no section read: 'Shanghai', 'Xian'"],
    }  # fmt: skip
    assert sc.check_stray_lines(report, {"meetings": lines[:2], "alliances_collab": [_line("April")]}, None) == {}


def test_activity_fields_read_into_another_section():
    media = [_line("Date"), _line("Avril 2020"), _line("RÉSULTATS ASSOCIÉS –"), _line("L1A2D3 – L2A2D5 –"), _line("L3A3D4")]
    (r,) = sc.check_activity_lines_elsewhere({"media": media, "plan": [_line("L1A2D3 L2A2D5")]}, "fr")
    assert (r.code, r.message) == ("activity_lines_elsewhere", "2 lines of activity fields read into other sections: 'RÉSULTATS ASSOCIÉS –', 'L1A2D3 – L2A2D5 –'")
    assert sc.check_activity_lines_elsewhere({"challenge_taxonomy": [_line("L3A2D2 Fuentes de financiación")]}, "es") == []  # a plan line: one code


def test_activity_titles_that_are_another_field():
    report = _report(activities=[_activity(1), _activity(2, title="L2A2D5 · L3A3D3 ·")])
    (r,) = sc.check_activity_titles(report)
    assert (r.code, r.message) == ("title_misread", "1 activity titles hold codes, end at a separator, or are a month or a field label: 'L2A2D5 · L3A3D3 ·'")
    assert sc.check_activity_titles(_report()) == []
    # a month heading of the media list read as a title
    (r,) = sc.check_activity_titles(_report(activities=[_activity(1), _activity(2, title="August")]))
    assert r.message == "1 activity titles hold codes, end at a separator, or are a month or a field label: 'August'"
    assert sc.check_activity_titles(_report(activities=[_activity(1, title="August meeting of the board")])) == []
    # a margin column's label read where the title goes (the date set level with it)
    (r,) = sc.check_activity_titles(_report(activities=[_activity(1), _activity(2, title="Mobilised members")]))
    assert r.message == "1 activity titles hold codes, end at a separator, or are a month or a field label: 'Mobilised members'"


def test_staff_lines_no_staff_member_holds():
    staff = [StaffMember(name=n, position=p) for n, p in (("Octavi de la Varga", "Secretary General"), ("Lia Brum", "Research and Policy Officer"))]
    report = _report(secretariat=staff)
    # a position wrapped in a grid whose last lines no row took; contact lines and headings aside
    lines = [_line(t) for t in ("Name", "Octavi de la Varga", "Secretary General", "Lia Brum", "Research and Policy", "Officer", "Statutory Affairs", "metropolis@metropolis.org")]
    (r,) = sc.check_staff_lines(report, {"secretariat": lines})
    assert (r.code, r.message) == ("unused_lines", "1 lines of the staff list in no staff member: 'Statutory Affairs'")
    # "Name, Position" lines set as the staff's, read under the region pages' heading
    who = [_line("Octavi de la Varga, Secretary General"), _line("Lia Brum, Research and Policy Officer"), _line("Teresa Oliver, Statutory Affairs Officer")]
    (r,) = sc.check_staff_lines(report, {"who": who})
    assert r.message == "1 lines of the staff list in no staff member: 'Teresa Oliver, Statutory Affairs Officer'"
    assert sc.check_staff_lines(report, {"secretariat": lines[:6], "who": who[:2]}) == []
    board = _report(secretariat=[*staff, StaffMember(name="Mario Durán", position="Member Mayor of San Salvador")])
    assert _codes(sc.check_staff_lines(board, {})) == ["misfiled_value"]


def test_meeting_names_the_registry_places_in_another_cell(registry):
    from metroextract.models import AllianceRef

    count = sc.registry_name_counter(registry, "en")
    assert count.alliance("UCLG ASPAC") and not count.alliance("ASPAC")  # type: ignore[attr-defined]
    split = BilateralMeeting(
        month="2020-10", format="In person", members=[MemberRef(name="Jilin", method="exact")], alliances=[AllianceRef(name="UCLG", method="exact"), AllianceRef(name="ASPAC", method="unresolved")]
    )
    misfiled = BilateralMeeting(month="2020-11", format="In person", members=[MemberRef(name="Jinan", method="exact"), MemberRef(name="OECD", method="unresolved")], alliances=[])
    (r,) = sc.check_meeting_names(_report(bilateral_meetings=[split, misfiled]), count)
    assert (r.code, r.message) == ("misfiled_value", "2 meeting names read into the wrong cell or split: 'UCLG ASPAC', 'OECD'")
    assert sc.check_meeting_names(_report(bilateral_meetings=[misfiled]), None) == []


def test_a_member_grid_read_across_its_rows_in_an_alphabetical_report():
    def region(name: str, members: list[str]) -> Region:
        return Region(name=name, members=[MemberRef(name=m) for m in members], honorary_members=[], focal_points=[], board=[])

    africa = region("Africa", ["Abidjan", "Accra", "Bamako", "Dakar", "Le Caire", "Casablanca", "Lomé", "Rabat"])  # one step back: filed under C
    europe = region("Europe", ["Barcelona", "Berlin", "Brussels", "Lisbon", "Madrid", "Paris", "Sofia", "Turin"])
    # filled down three columns of four, read across its rows
    asia = region("Asia-Pacific", ["Abu Dhabi", "Delhi", "Seoul", "Bangkok", "Guangzhou", "Taipei", "Chengdu", "Hanoi", "Tehran", "Colombo", "Jakarta", "Tokyo"])
    (r,) = sc.check_member_order(_report(regions=[africa, europe, asia]))
    assert (r.code, r.message) == ("out_of_order", "member lists not in the alphabetical order the other regions keep: Asia-Pacific")
    fixed = asia.model_copy(update={"members": sorted(asia.members, key=lambda m: m.name)})
    assert sc.check_member_order(_report(regions=[africa, europe, fixed])) == []
    # a report that does not print its members alphabetically is never flagged for it
    assert sc.check_member_order(_report(regions=[asia, asia.model_copy(update={"name": "Europe"})])) == []


def test_board_lines_that_name_no_one_the_regions_hold():
    from metroextract.models import BoardMember

    region = Region(name="North America", members=[], honorary_members=[], focal_points=[], board=[BoardMember(role="Member", name="Claudia Sheinbaum", position="Head of Government of Mexico City")])
    lines = [_line("BOARD MEMBERS"), _line("Co-president: Valérie Plante, Mayor of Montréal"), _line("Member: Claudia Sheinbaum, Head of Government of Mexico City")]
    (r,) = sc.check_board_lines(_report(regions=[region]), lines)
    assert (r.code, r.message) == ("unused_lines", "1 board lines name no one the regions hold: 'Co-president: Valérie Plante, Mayor of Montréal'")
    assert sc.check_board_lines(_report(regions=[region]), [lines[0], lines[2]]) == []


def test_contents_title_that_nearly_spells_a_heading():
    toc = [TocEntry(page=16, title="Qui sommesnous ?", items=["Afrique"]), TocEntry(page=3, title="Mot du secrétaire général", items=[])]
    (r,) = sc.check_toc_titles(_report(language="fr", table_of_contents=toc))
    assert (r.code, r.message) == ("title_misread", "contents titles that nearly spell a section heading: 'Qui sommesnous ?'")
    assert sc.check_toc_titles(_report(language="fr", table_of_contents=toc[1:])) == []


def test_the_media_list_read_into_the_last_activity():
    media = [MediaMention(month="2021-02", outlet="Cities Today", title="Interview with Mayor Valérie Plante")]
    lines = [_line("The webinar gathered forty cities."), _line("March 2021"), _line("• ciestobe · Cities and internationalisation"), _line("February 2021")]
    (r,) = sc.check_months_in_activities(_report(media_mentions=media), lines)
    assert (r.code, r.message) == ("stray_lines", "1 month lines read into the activities that no media mention carries: 'March 2021'")
    assert sc.check_months_in_activities(_report(media_mentions=media), [lines[0], lines[3]]) == []


def test_a_section_missing_from_an_otherwise_complete_report():
    from metroextract.models import BoardMember, Contact, SecretaryGeneralNote

    parts = dict(
        secretary_general_note=SecretaryGeneralNote(text="Our plan.", signatory="Octavi de la Varga", role="Secretary General"),
        media_mentions=[MediaMention(month="2021-01", outlet="UNDP", title="Learning from cities")], member_engagement=[MemberRef(name="Accra")],
        bilateral_meetings=[_meeting("2021-02", "Accra")], key_figures=[KeyFigure(text="119", value=119, label="collaborations"), KeyFigure(text="3", value=3, label="x")],
        regions=[Region(name="Africa", members=[MemberRef(name="Accra")], honorary_members=[], focal_points=[], board=[BoardMember(role="Member", name="A B", position=None)])],
        secretariat=[StaffMember(name=f"Staff {i}", position="Officer") for i in "abc"], contact=Contact(address="Avinyó 15", phone=None, email=None, website=None),
    )  # fmt: skip
    q = sc.section_quality(_report(**parts), {})
    assert (q["table_of_contents"].verdict, _codes(q["table_of_contents"].reasons)) == ("needs_review", ["section_expected"])
    assert sc.section_quality(_report(secretariat=parts["secretariat"]), {})["table_of_contents"].verdict == "absent"  # a report of a few sections


def _board_region(name: str, board: list[tuple[str, str, str | None]], focal: list[tuple[str, str]] = ()) -> Region:
    from metroextract.models import BoardMember, FocalPoint

    return Region(
        name=name, members=[MemberRef(name="Accra")], honorary_members=[],
        focal_points=[FocalPoint(role=r, name=n, place=None) for r, n in focal],
        board=[BoardMember(role=r, name=n, position=p) for r, n, p in board],
    )  # fmt: skip


RIGHT_BOARD = [("Co-president", "Carolina Cosse", "Mayor of Montevideo"), ("Member", "Mario Durán", "Mayor of San Salvador"), ("Member", "Ricardo Nunes", "Mayor of São Paulo")]
RIGHT_FOCAL = [("Regional Secretary", "Hugo Salomão França"), ("General Secretariat", "Oscar Chamat")]


def test_board_roles_the_vocabulary_does_not_know_and_a_board_read_as_focal_points():
    right = _report(regions=[_board_region("Latin America and the Caribbean", RIGHT_BOARD, RIGHT_FOCAL)])
    assert sc.check_board_roles(right) == []
    hyphen_lost = _report(regions=[_board_region("Europe", [("Copresident", "Ada Colau", "Mayor of Barcelona"), *RIGHT_BOARD[1:]])])
    assert [(r.code, r.message) for r in sc.check_board_roles(hyphen_lost)] == [("unknown_role", "board roles the vocabulary does not know: 'Copresident'")]
    as_focal = _report(regions=[_board_region("Asia-Pacific", [], [*RIGHT_FOCAL, ("Member", "Liu Xin")])])
    assert [(r.code, r.message) for r in sc.check_board_roles(as_focal)] == [("board_as_focal_points", "focal points with a board role: Liu Xin (Member)")]


def test_board_members_without_the_position_the_others_have():
    full = [(r, f"{n} {i}", p) for i in range(2) for r, n, p in RIGHT_BOARD]  # six members
    assert sc.check_board_positions(_report(regions=[_board_region("Africa", full)])) == []
    one_lost = [*full[:-1], ("Member", "Soham El Wardini", None)]
    assert [(r.code, r.message) for r in sc.check_board_positions(_report(regions=[_board_region("Africa", one_lost)]))] == [
        ("incomplete_items", "1 of 6 board members have no position: Soham El Wardini")
    ]
    none_printed = [(r, n, None) for r, n, _ in full]  # a report printing no positions at all
    assert sc.check_board_positions(_report(regions=[_board_region("Africa", none_printed)])) == []


def test_a_board_entry_holding_a_second_person():
    assert sc.check_joined_people(_report(regions=[_board_region("Latin America and the Caribbean", RIGHT_BOARD, RIGHT_FOCAL)])) == []
    two_positions = [*RIGHT_BOARD[:2], ("Member", "Ricardo Nunes", "Mayor of São Paulo Mayor of Bogotá")]
    role_in_name = [*RIGHT_BOARD[:2], ("Member", "Ricardo Nunes Member Mayor of São Paulo", None)]
    staff_in_position = [*RIGHT_BOARD[:2], ("Member", "Ricardo Nunes", "Mayor of São Paulo Octavi de la Varga, Secretary General")]
    for board, who in ((two_positions, "Ricardo Nunes"), (role_in_name, "Ricardo Nunes Member Mayor of São Paulo"), (staff_in_position, "Ricardo Nunes")):
        report = _report(regions=[_board_region("Latin America and the Caribbean", board)], secretariat=[StaffMember(name="Octavi de la Varga", position="Secretary General")])
        assert [(r.code, r.message) for r in sc.check_joined_people(report)] == [("joined_items", f"1 board or focal-point entries hold a second person: {who!r}")]


def test_a_region_without_the_board_every_other_region_prints():
    names = ("Africa", "Asia-Pacific", "Europe", "North America")
    complete = [_board_region(n, RIGHT_BOARD, RIGHT_FOCAL) for n in names]
    assert sc.check_region_parts(_report(regions=complete)) == []
    lost = [*complete[:3], _board_region("North America", [], RIGHT_FOCAL)]
    assert [(r.code, r.message) for r in sc.check_region_parts(_report(regions=lost))] == [("incomplete_items", "regions without board where the others have them: North America")]
