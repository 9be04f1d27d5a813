"""Field-level provenance (issue 16): every extracted value's page and box.

Expected boxes come from the PDFs themselves through pdfplumber (a title's characters
found by `page.search`, the text under a box by `page.crop`), never from the extractor's
output; the inline cases compute them by hand.
"""

from __future__ import annotations

import doctest
import re
from functools import cache

import pdfplumber
import pytest

from metroextract import proof, provenance
from metroextract.evaluate import section_items
from metroextract.models import ItemProvenance, Line
from metroextract.provenance import Target, lines_to_stream, occurrences, place_sequence, report_targets, span_box
from metroextract.text import alnum_key, fold_with_positions

from ._fixtures import FIXTURES, extracted, text_fixture_names, truth

TEXT = text_fixture_names()


def _line(text: str, x0: float, top: float, x1: float, page: int = 1) -> Line:
    return Line(page=page, text=text, x0=x0, top=top, x1=x1, bottom=top + 10, size=10, bold=False, font="F", color="#000000", upper=False)


def _target(pointer: str, text: str) -> Target:
    return Target(pointer, "member", (alnum_key(text),), text=text)


# --------------------------------------------------------------------------- the stage, on inline lines


def test_doctests() -> None:
    for module in (provenance, proof):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


def test_a_value_matches_whole_words_only() -> None:
    stream = lines_to_stream([_line("Romeo and Roma, Rome", 0, 0, 200)])
    assert occurrences(stream, alnum_key("Rome")) == [(12, 16)]
    assert stream.text == "romeoandromarome"


def test_a_value_broken_across_lines_and_hyphenated_is_found() -> None:
    lines = [_line("la coopération inter-", 100, 50, 300), _line("nationale des villes", 100, 62, 260)]
    stream = lines_to_stream(lines)
    (span,) = occurrences(stream, alnum_key("coopération internationale"))
    # to the first line's right edge (only a hyphen after) and from the second's left edge
    assert span_box(stream, span) == (1, (100, 50, 300, 72))
    # inside a line, by Helvetica advance widths: "la " 1056, "coopération" 5225,
    # " inter-" 2556 thousandths of an em; 200 points for 8837
    assert span_box(stream, (span[0], span[0] + len("cooperation"))) == (1, (100 + 200 * 1056 / 8837, 50, 100 + 200 * 6281 / 8837, 60))


def test_a_list_is_placed_where_it_is_printed_not_in_the_description() -> None:
    # Guangzhou is named in the description first; the member list is the compact chain.
    lines = [
        _line("Guangzhou hosted the award with Quito.", 40, 100, 420),
        _line("Berlin, Guangzhou, Quito", 500, 100, 740),
    ]
    # Helvetica advance widths: "Berlin" 2556, ", " 556, "Guangzhou" 5170, "Quito" 2390;
    # the line's 240 points hold 11228 thousandths of an em
    em = 240 / 11228
    stream = lines_to_stream(lines)
    targets = [_target(f"/m/{k}", n) for k, n in enumerate(["Berlin", "Guangzhou", "Quito"])]
    spans = place_sequence(stream, targets)
    want = [
        (500, 100, 500 + 2556 * em, 110),  # starts the line: the line's exact left edge
        (500 + 3112 * em, 100, 500 + 8282 * em, 110),
        (500 + 8838 * em, 100, 740, 110),  # ends the line: the line's exact right edge
    ]
    assert [stream.line_of[s[0]] for s in spans if s] == [1, 1, 1]
    for span, box in zip(spans, want, strict=True):
        assert span is not None and span_box(stream, span) == (1, pytest.approx(box))


def test_fold_keeps_letters_and_digits_only() -> None:
    assert fold_with_positions("Ciudad de México (CDMX)")[0] == "ciudaddemexicocdmx"
    assert fold_with_positions("ﬁnance")[0] == "finance"


# --------------------------------------------------------------------------- the fixtures


@cache
def _pdf(name: str) -> pdfplumber.PDF:
    return pdfplumber.open(FIXTURES / f"{name}.pdf")


# The fixtures where pdfplumber's own search finds the first activity's title as printed
# (in the others the title's glyphs map to other code points or its lines are read apart).
SEARCHABLE_TITLES = [
    "en-2021-01-04-brochure",
    "en-2021-01-04-digest",
    "en-2021-01-04-wordproc",
    "fr-2021-01-04-brochure",
    "fr-2021-10-2022-01-brochure",
    "fr-2021-10-2022-01-newsletter",
    "fr-2021-10-2022-01-variant",
]


@pytest.mark.parametrize("name", SEARCHABLE_TITLES)
def test_first_title_box_is_where_pdfplumber_finds_the_title(name: str) -> None:
    title = truth(name)["activities"][0]["title"]
    pattern = r"\s*".join(re.escape(w) for w in title.split())
    (page, *box), *_ = [(p.page_number, m["x0"], m["top"], m["x1"], m["bottom"]) for p in _pdf(name).pages for m in p.search(pattern, regex=True)]
    report = extracted(name)
    entry = next(e for e in report.item_provenance if e.pointer == "/activities/0/title")
    assert entry.page == page
    assert entry.bbox == pytest.approx(tuple(box), abs=0.1)


def _inside(e: ItemProvenance, report) -> bool:
    a = next(a for a in report.activities if a.id == e.activity_id)
    return any(pb.page == e.page and pb.bbox[0] - 0.1 <= e.bbox[0] and pb.bbox[1] - 0.1 <= e.bbox[1] and e.bbox[2] <= pb.bbox[2] + 0.1 and e.bbox[3] <= pb.bbox[3] + 0.1 for pb in a.provenance.bbox)


def _truth_values(name: str) -> set[tuple[str, str]]:
    """(date_text + title, value) of every activity value in the truth, as printed."""
    out = set()
    for a in truth(name)["activities"]:
        who = f"{a['date_text']} {a['title']}"
        out |= {(who, "title:" + a["title"]), (who, "date:" + a["date_text"])}
        out |= {(who, "description:" + p) for p in provenance.paragraphs(a["description"])}
        for field, kind in (("members", "member"), ("alliances", "alliance"), ("results", "result")):
            out |= {(who, f"{kind}:{v['name'] if isinstance(v, dict) else v}") for v in a[field]}
        out |= {(who, f"challenge:{c['code']} {c['label']}") for c in a["challenges"]}
    return out


@pytest.mark.parametrize("name", TEXT)
def test_every_true_activity_value_has_a_box_inside_its_activity(name: str) -> None:
    """Title, date, each paragraph and each member, alliance, result and challenge of every
    activity: located, on a page of the activity, inside the activity's box there —
    every value the extractor got right (a value it got wrong is printed nowhere)."""
    report = extracted(name)
    doc = report.model_dump(mode="json")
    located = {e.pointer: e for e in report.item_provenance}
    right = _truth_values(name)
    checked, missing, outside = 0, [], []
    for t in report_targets(report):
        if not t.activity_id:
            continue
        a = doc["activities"][int(t.pointer.split("/")[2])]
        value = proof.value_at(doc, t.pointer)
        text = proof.label_of(value) if t.kind != "challenge" else f"{value['code']} {value['label']}"
        if (f"{a['date_text']} {a['title']}", f"{t.kind}:{text}") not in right:
            continue
        checked += 1
        if t.pointer not in located:
            missing.append(t.pointer)
        elif not _inside(located[t.pointer], report):
            outside.append(t.pointer)
    assert checked > 100
    assert (missing, outside) == ([], [])


def _true_section_item(name: str, doc: dict, pointer: str) -> bool:
    """The section item a pointer is in equals an item of the truth (so it is printed)."""
    section, *rest = pointer.split("/")[1:]
    got = section_items(doc, section)
    k = int(rest[0]) if rest and rest[0].isdigit() else 0
    return k < len(got) and got[k] in set(section_items(truth(name), section))


@pytest.mark.parametrize("name", TEXT)
def test_every_section_item_has_a_box(name: str) -> None:
    """Every item of every section (table of contents, note, media mentions, member
    engagement, meetings, key figures, taxonomy, plan, regions with their members, focal
    points and board, secretariat, contact) that the extractor got right is located."""
    report = extracted(name)
    doc = report.model_dump(mode="json")
    located = {e.pointer for e in report.item_provenance}
    right = [t.pointer for t in report_targets(report) if not t.activity_id and _true_section_item(name, doc, t.pointer)]
    assert len(right) > 100
    assert [p for p in right if p not in located] == []


def _printed_under(name: str, e: ItemProvenance) -> str:
    """The folded text pdfplumber reads under a box: widened a little (a box inside a line
    is estimated), a point lower than its top and higher than its bottom (the crop keeps
    every character it touches, and lines may touch)."""
    page = _pdf(name).pages[e.page - 1]
    x0, top, x1, bottom = e.bbox
    # a drop cap spanning three lines is under every box beside it: not the box's text
    page = page.filter(lambda o: o.get("object_type") != "char" or o["bottom"] - o["top"] <= 2 * (bottom - top))
    crop = page.crop((max(0, x0 - 6), top + 1, min(page.width, x1 + 6), bottom - 1))
    return fold_with_positions(crop.extract_text() or "")[0]


def _words(text: str) -> list[str]:
    return [k for k in (alnum_key(w) for w in text.split()) if len(k) >= 3] or [alnum_key(text)]


@pytest.mark.parametrize("name", ["fr-2021-01-04-brochure", "en-2021-01-04-digest", "es-2021-01-04-bulletin", "fr-2021-10-2022-01-variant"])
def test_each_box_holds_its_value_on_the_page(name: str) -> None:
    """What pdfplumber prints under each box is the value: all its words under 98 % of the
    boxes, half of them at least under every box — a paragraph continued on the next
    page or a name broken across two columns is boxed where most of it is."""
    report = extracted(name)
    doc = report.model_dump(mode="json")
    targets = {t.pointer: t for t in report_targets(report)}
    shares = {}
    for e in report.item_provenance:
        t = targets[e.pointer]
        text = proof.value_at(doc, e.pointer) if t.paragraph or not t.text else t.text
        text = text if isinstance(text, str) else proof.label_of(text)
        words = _words(text)
        under = _printed_under(name, e)
        shares[e.pointer] = sum(w in under for w in words) / len(words)
    assert len(shares) > 400
    assert {p: s for p, s in shares.items() if s < 0.5} == {}
    assert sum(s == 1 for s in shares.values()) >= 0.98 * len(shares)


def _within(inner: ItemProvenance, outer: ItemProvenance) -> bool:
    a, b = inner.bbox, outer.bbox
    return inner.page == outer.page and b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


@pytest.mark.parametrize("name", TEXT)
def test_no_field_item_is_boxed_inside_a_description(name: str) -> None:
    """A name the description mentions ("… Metropolis et CGLU, qui ont organisé …") is not
    the alliance listed under the activity's fields, even when that list sits on the next
    page (fr brochure, second activity: its alliances are printed on page 7)."""
    report = extracted(name)
    by_activity: dict[str | None, list[ItemProvenance]] = {}
    for e in report.item_provenance:
        by_activity.setdefault(e.activity_id, []).append(e)
    inside = [
        (e.pointer, d.pointer)
        for aid, entries in by_activity.items()
        if aid
        for e in entries
        if e.kind in ("member", "alliance", "result", "challenge") and "/mentioned_members/" not in e.pointer
        for d in entries
        if d.kind == "description" and _within(e, d)
    ]
    assert inside == []
    if name == "fr-2021-01-04-brochure":
        (cglu,) = [e for e in report.item_provenance if e.pointer == "/activities/1/alliances/0"]
        assert (cglu.page, _printed_under(name, cglu)) == (7, "cglu")
