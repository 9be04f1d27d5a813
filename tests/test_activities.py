"""Activities: golden comparisons against truth written from the fixture sources."""

from __future__ import annotations

import pytest

from metroextract.evaluate import activity_view, match_activities

from ._fixtures import extracted, text_fixture_names, truth

NAMES = text_fixture_names()


def _golden(a: dict) -> dict:
    """The full expected JSON of an activity (names as printed, no ids or provenance)."""
    return {
        "action_line": a["action_line"],
        "date_text": a["date_text"],
        "date_start": str(a["date_start"]),
        "date_end": str(a["date_end"]),
        "dates": [str(d) for d in a["dates"]],
        "series": a["series"],
        "title": a["title"],
        "description": a["description"],
        "members": [m["name"] if isinstance(m, dict) else m for m in a["members"]],
        "results": a["results"],
        "challenges": [{"code": c["code"], "label": c["label"]} for c in a["challenges"]],
        "alliances": [m["name"] if isinstance(m, dict) else m for m in a["alliances"]],
    }


@pytest.mark.parametrize("name", NAMES)
def test_activity_count_and_order(name: str) -> None:
    expected = truth(name)["activities"]
    got = extracted(name).model_dump(mode="json")["activities"]
    assert [(a["date_text"], a["title"]) for a in got] == [(a["date_text"], a["title"]) for a in expected]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("which", ["first", "middle", "last", "series", "multi_day"])
def test_golden_activity(name: str, which: str) -> None:
    expected = truth(name)["activities"]
    if which == "first":
        idx = 0
    elif which == "middle":
        idx = len(expected) // 2
    elif which == "last":
        idx = len(expected) - 1
    elif which == "series":
        idx = next((i for i, a in enumerate(expected) if a["series"]), 0)
    else:
        idx = next((i for i, a in enumerate(expected) if len(a["dates"]) > 1), 1)
    got = extracted(name).model_dump(mode="json")["activities"]
    pairs = dict(match_activities(expected, got))
    assert idx in pairs, f"activity {expected[idx]['title']!r} not found"
    assert _golden(got[pairs[idx]]) == _golden(expected[idx])


@pytest.mark.parametrize("name", NAMES)
def test_activity_provenance(name: str) -> None:
    report = extracted(name)
    for a in report.activities:
        assert a.provenance.pages == sorted(a.provenance.pages)
        assert [b.page for b in a.provenance.bbox] == a.provenance.pages
        assert all(1 <= p <= report.source.pages for p in a.provenance.pages)


def test_views_agree_with_eval() -> None:
    # The eval harness and the golden tests read activities the same way.
    a = truth(NAMES[0])["activities"][0]
    assert activity_view(a)["title"] == " ".join(a["title"].split())
