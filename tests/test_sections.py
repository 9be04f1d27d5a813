"""Report sections other than activities: golden comparisons against the French fixture's
truth, item F1 per section on every text fixture, unit tests of each small parser on
inline lines, and the report's cross-checks."""

from __future__ import annotations

import pytest

from metroextract.evaluate import SECTIONS, score_fixture

try:  # tests/ as a package or as a rootdir-inserted folder
    from ._fixtures import FIXTURES, extracted, text_fixture_names, truth
except ImportError:
    from _fixtures import FIXTURES, extracted, text_fixture_names, truth  # type: ignore[no-redef]

GOLDEN = "fr-2021-01-04-brochure"
MIN_SECTION_F1 = 0.98


# =========================================================================== golden: the French fixture


def _names(xs: list) -> list:
    return [x["name"] if isinstance(x, dict) else x for x in xs]


def _view(doc: dict, section: str):
    """A section of a Report dump or a truth file, names only for member references."""
    v = doc.get(section)
    if section in ("member_engagement",):
        return _names(v or [])
    if section == "bilateral_meetings":
        return [{**m, "members": _names(m["members"]), "alliances": _names(m["alliances"])} for m in v or []]
    if section == "regions":
        return [{**r, "members": _names(r["members"]), "honorary_members": _names(r["honorary_members"])} for r in v or []]
    return v


GOLDEN_SECTIONS = [
    "table_of_contents",
    "secretary_general_note",
    "media_mentions",
    "member_engagement",
    "bilateral_meetings",
    "key_figures_period",
    "key_figures",
    "challenge_taxonomy",
    "plan",
    "regions",
    "secretariat",
    "contact",
]


def _golden_available() -> bool:
    return (FIXTURES / f"{GOLDEN}.pdf").exists() and (FIXTURES / f"{GOLDEN}.truth.json").exists()


@pytest.mark.skipif(not _golden_available(), reason="French brochure fixture not built")
@pytest.mark.parametrize("section", GOLDEN_SECTIONS)
def test_golden_french_section(section: str) -> None:
    expected = _view(truth(GOLDEN), section)
    got = _view(extracted(GOLDEN).model_dump(mode="json"), section)
    if isinstance(expected, list) and isinstance(got, list):
        # item by item first: a failure names the first wrong item, not a 60-line blob
        for k, (e, g) in enumerate(zip(expected, got)):
            assert g == e, f"{section}[{k}]"
    assert got == expected


# =========================================================================== item F1 on every text fixture


@pytest.mark.parametrize("name", text_fixture_names())
def test_section_items_f1(name: str) -> None:
    score = score_fixture(name, truth(name), extracted(name))
    low = {s: round(score.section_f1(s), 3) for s in SECTIONS if score.section_f1(s) < MIN_SECTION_F1}
    assert not low, f"sections below {MIN_SECTION_F1}: {low}"


@pytest.mark.parametrize("name", text_fixture_names())
def test_no_invented_items(name: str) -> None:
    # precision: every extracted item of a parsed section is in the truth
    score = score_fixture(name, truth(name), extracted(name))
    for s in SECTIONS:
        exp, found, ok = score.sections[s]
        assert found - ok <= max(0, int(0.02 * found)), f"{s}: {found - ok} of {found} items are not in the truth"
