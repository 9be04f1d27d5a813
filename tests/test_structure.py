"""Activities wherever they are printed, and no silent loss (issue: structure on any design).

Each fixture source is rendered at test time in designs that print no "ACTIVITIES"
heading: `nohead` (action-line dividers set as running text), `kicker` (no divider:
the action line only in each page's running header) and `bulletin` (two flowing columns
balanced per action line, each announced by a plain "L1 · label" line; date-range
hyphens mapped to U+00AD). Activities must come out exactly
as from the designed brochure, which has both headings. A report whose activities
cannot be recognised must say so in its quality verdict.
"""

from __future__ import annotations

import copy
import io
import json
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from metroextract.evaluate import ACTIVITY_FIELDS, score_fixture
from metroextract.layout import pdf_to_layout
from metroextract.pipeline import extract_report

from ._fixtures import FIXTURES, extracted, truth

sys.path.insert(0, str(FIXTURES))
import build  # noqa: E402  (fixtures/build.py: the fixture renderer)

SOURCES = ["fr-2021-01-04", "en-2021-01-04", "fr-2021-10-2022-01"]


def _render(tmp_path: Path, source: dict, layout: str) -> tuple[Path, dict]:
    pdf, pages = build.render(source, layout)
    path = tmp_path / f"{source['name']}-{layout}.pdf"
    path.write_bytes(pdf)
    return path, build.truth_from_source(source, layout, pages)


def _accuracy(name: str, t: dict, report) -> dict:
    s = score_fixture(name, t, report)
    return {"expected": s.expected, "found": s.found, "matched": s.matched, **{f: s.field_accuracy(f) for f in ACTIVITY_FIELDS}, "descr": round(s.description_similarity, 3)}


# every design of the first source; one design each of the others (every design of every
# source cost 45 s, and the designs differ in where the action line is printed, not in
# what the source holds)
NO_HEADING_CASES = [("fr-2021-01-04", "nohead"), ("fr-2021-01-04", "kicker"), ("fr-2021-01-04", "bulletin"), ("en-2021-01-04", "kicker"), ("fr-2021-10-2022-01", "bulletin")]


@pytest.mark.parametrize(("source", "layout"), [pytest.param(s, lay, marks=[] if s == "fr-2021-01-04" else pytest.mark.slow) for s, lay in NO_HEADING_CASES])
def test_activities_found_without_an_activities_heading(tmp_path, source, layout):
    src = build.load_source(build.source_path(source))
    # the design each was derived from, where it is committed (the bulletin is a newsletter)
    ref = f"{source}-newsletter" if layout == "bulletin" and (FIXTURES / f"{source}-newsletter.pdf").exists() else f"{source}-brochure"
    with_heading = _accuracy(ref, truth(ref), extracted(ref))
    path, t = _render(tmp_path, src, layout)
    report = extract_report(path)
    without = _accuracy(path.stem, t, report)
    assert without == with_heading
    assert without["matched"] == without["expected"] == len(src["activities"])
    assert report.quality is not None and report.quality.verdict == "ok", report.quality
    # the action lines' labels come from the plain dividers or the running kickers
    assert [(a.code, a.label) for a in report.action_lines] == [(x["code"], x["label"]) for x in src["action_lines"]]


def test_unrecognisable_activities_give_needs_review(tmp_path):
    """Dates nobody can read: the fielded blocks end in the note, and the verdict says so."""
    src = copy.deepcopy(build.load_source(build.source_path("fr-2021-01-04")))
    for a in src["activities"]:
        a["date_text"] = "Date à confirmer"
    path, _ = _render(tmp_path, src, "nohead")
    report = extract_report(path)
    q = report.quality
    assert report.activities == []
    assert q.verdict == "needs_review"
    assert q.activities == 0
    assert "no activity found" in q.reasons
    assert q.implausible_sections == ["note"]
    assert any(r.startswith("sections of implausible size or content: note") for r in q.reasons)
    codes = [w.code for w in report.warnings]
    assert "section_implausible" in codes and "no_activities" in codes


def test_every_committed_text_fixture_is_ok():
    from ._fixtures import text_fixture_names

    verdicts = {name: extracted(name).quality.verdict for name in text_fixture_names()}
    assert set(verdicts.values()) == {"ok"}, verdicts


def test_a_drawn_soft_hyphen_is_a_hyphen(tmp_path):
    """A producer that maps the hyphen glyph to U+00AD (Typst does): the page shows a hyphen,
    so '15-21 février' must not read '1521', nor 'Co-president' 'Copresident'."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("DejaVuSans", 12)
    c.drawString(72, 700, "15\u00ad21 février, COVID\u00ad19, Co\u00adpresident")
    c.save()
    path = tmp_path / "soft.pdf"
    path.write_bytes(buf.getvalue())
    layout = pdf_to_layout(path)
    assert [ln.text for p in layout.pages for ln in p.lines] == ["15-21 février, COVID-19, Co-president"]


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_reports_needs_review_and_strict_quarantines_it(tmp_path):
    """The same unrecognisable report through the ingest flow: counted and shown as
    needs_review (kept in the datasets), and quarantined as low_quality with --strict."""
    from flows.ingest import ingest

    src = copy.deepcopy(build.load_source(build.source_path("fr-2021-10-2022-01")))
    for a in src["activities"]:
        a["date_text"] = "Date à confirmer"
    pdf, _ = build.render(src, "nohead")
    for strict in (False, True):
        inbox, out = tmp_path / f"inbox{strict}", tmp_path / f"out{strict}"
        inbox.mkdir()
        (inbox / "undated.pdf").write_bytes(pdf)
        summary = ingest(inbox=inbox, output=out, settle_seconds=0, strict=strict)
        (res,) = summary.files
        if not strict:
            assert (res.status, res.quality) == ("extracted", "needs_review")
            assert "no activity found" in res.quality_reasons
            assert summary.counts()["needs_review"] == 1
            rows = [json.loads(x) for x in (out / "datasets" / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
            assert [r["quality_verdict"] for r in rows] == ["needs_review"]
        else:
            assert (res.status, res.code) == ("quarantined", "low_quality")
