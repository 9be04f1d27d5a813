"""Golden tests per section on the two section designs written for it: a word-processor
document printing sections as ruled and unruled tables, middot / semicolon / bullet /
dash lists, member grids under sub-headings and key-figure tiles (`wordproc`), and a
two-column bulletin whose action lines are plain "L1 · label" lines and whose date
ranges carry soft hyphens (`bulletin`), a two-column US Letter report with dot-leader
contents, an unruled media table, a one-row-per-meeting ruled table, key-figure tiles,
codes in a key column and board cards beside a column-filled member grid (`ledger`),
and a three-column landscape gazette with "Outlet · Title" run-ins, an unruled
transposed meetings table, middot lists, a ruled plan table and "Role: Name, Position"
lines (`gazette`).

Each section is compared item by item, in printed order, with the truth written from
the fixture's source (never from the extractor's output).
"""

from __future__ import annotations

import pytest

from metroextract.evaluate import SECTIONS, section_items

from ._fixtures import extracted, truth

DESIGNS = ["en-2021-01-04-wordproc", "es-2021-01-04-bulletin", "fr-2021-01-04-ledger", "es-2021-01-04-gazette"]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("fixture", DESIGNS)
def test_section_matches_truth(fixture, section):
    doc = extracted(fixture).model_dump(mode="json")
    assert section_items(doc, section) == section_items(truth(fixture), section)


@pytest.mark.parametrize("fixture", DESIGNS)
def test_activities_match_truth(fixture):
    """Every field exactly; descriptions within hyphenation slips ("bien-/être" rejoined
    without its hyphen, a drop cap's space) — rapidfuzz ratio 99 or more each."""
    from rapidfuzz import fuzz

    from metroextract.evaluate import activity_view

    doc = extracted(fixture).model_dump(mode="json")
    got = [activity_view(a) for a in doc["activities"]]
    want = [activity_view(a) for a in truth(fixture)["activities"]]
    assert [{k: v for k, v in a.items() if k != "description"} for a in got] == [{k: v for k, v in a.items() if k != "description"} for a in want]
    assert all(fuzz.ratio(a["description"], b["description"]) >= 99 for a, b in zip(got, want))
