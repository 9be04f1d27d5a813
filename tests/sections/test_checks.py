"""sections.checks: a report's consistency with itself."""

from __future__ import annotations

import json
from datetime import date

import pytest

from metroextract.errors import WarningCode
from metroextract.models import (
    Activity,
    Challenge,
    KeyFigure,
    MemberRef,
    PlanItem,
    Provenance,
    Region,
    Report,
    SecretaryGeneralNote,
    Source,
)
from metroextract.sections import (
    cross_check,
)

from .._fixtures import FIXTURES, extracted
from ._lines import P2021


def _activity(title: str, results: list[str], challenges: list[Challenge], members: list[str], description: str = "") -> Activity:
    return Activity(
        id=f"r-{title}",
        action_line="L1",
        date_text="3 février",
        date_start=date(2021, 2, 3),
        date_end=date(2021, 2, 3),
        dates=[date(2021, 2, 3)],
        series=None,
        title=title,
        description=description,
        members=[MemberRef(name=m) for m in members],
        results=results,
        challenges=challenges,
        alliances=[],
        provenance=Provenance(pages=[5], bbox=[]),
    )


def _report(**kw) -> Report:
    base = dict(
        id="r-test",
        source=Source(file_name="x.pdf", sha256="0" * 64, pages=10),
        language="fr",
        title=None,
        period=P2021,
        parser_version="test",
        plan=[
            PlanItem(code="L1", level="line", parent=None, label="Renforcer"),
            PlanItem(code="L1A2", level="axis", parent="L1", label="Perspective"),
            PlanItem(code="L1A2D3", level="deliverable", parent="L1A2", label="Participation"),
        ],
        challenge_taxonomy=[Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"), Challenge(code="2.1", label="Résilience sociale")],
        regions=[
            Region(name="Europe", members=[MemberRef(name="Barcelone (aire métropolitaine)"), MemberRef(name="Berlin")], honorary_members=[], focal_points=[], board=[]),
            Region(name="Afrique", members=[MemberRef(name="Abidjan")], honorary_members=[], focal_points=[], board=[]),
        ],
        key_figures=[KeyFigure(text="+1 380", value=1380, label="personnes")],
        secretary_general_note=SecretaryGeneralNote(text="Aider nos 3 membres à répondre.", signatory=None, role=None),
    )
    base.update(kw)
    return Report(**base)


def test_cross_check_consistent_report_has_no_warnings() -> None:
    a = _activity("Forum", ["L1A2D3"], [Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation")], ["Berlin", "BARCELONE (aire métropolitaine)"])
    assert cross_check(_report(activities=[a])) == []


def test_cross_check_flags_every_inconsistency() -> None:
    a = _activity(
        "Forum",
        ["L1A2D3", "L9A1D1"],
        [Challenge(code="1.1", label="Lutter contre les inégalités"), Challenge(code="5.1", label="Inconnu")],
        ["Berlin", "Gotham"],
    )
    report = _report(
        activities=[a, a.model_copy(update={"id": "r-2"})],
        key_figures=[KeyFigure(text="n.d.", value=None, label="vues")],
        secretary_general_note=SecretaryGeneralNote(text="Aider nos 141 membres à répondre.", signatory=None, role=None),
    )
    got = [(w.code, w.page) for w in cross_check(report)]
    assert got == [
        (WarningCode.RESULT_NOT_IN_PLAN, 5),
        (WarningCode.CHALLENGE_LABEL_MISMATCH, 5),
        (WarningCode.CHALLENGE_NOT_IN_TAXONOMY, 5),
        (WarningCode.MEMBER_NOT_IN_REGIONS, 5),
        (WarningCode.KEY_FIGURE_UNPARSED, None),
        (WarningCode.MEMBER_COUNT_MISMATCH, None),
    ]


@pytest.mark.parametrize("text", ["helping our 141 members", "ayudar a nuestros 141 miembros", "aider nos 141 membres"])
def test_cross_check_member_count_in_three_languages(text: str) -> None:
    report = _report(secretary_general_note=SecretaryGeneralNote(text=text, signatory=None, role=None))
    assert [w.code for w in cross_check(report)] == [WarningCode.MEMBER_COUNT_MISMATCH]


def test_cross_check_without_plan_taxonomy_or_regions_says_nothing() -> None:
    a = _activity("Forum", ["L1A2D3"], [Challenge(code="1.1", label="x")], ["Gotham"])
    assert cross_check(_report(activities=[a], plan=[], challenge_taxonomy=[], regions=[])) == []


GOLDEN = "fr-2021-01-04-brochure"


def test_cross_check_on_the_french_fixture_matches_its_data() -> None:
    if not (FIXTURES / f"{GOLDEN}.pdf").exists():
        pytest.skip("French brochure fixture not built")
    report = extracted(GOLDEN)
    codes = {w.code for w in cross_check(report)}
    # the note says "nos 141 membres" and the five region lists hold 141 names
    assert WarningCode.MEMBER_COUNT_MISMATCH not in codes
    assert WarningCode.KEY_FIGURE_UNPARSED not in codes
    t = json.loads((FIXTURES / f"{GOLDEN}.truth.json").read_text(encoding="utf-8"))
    assert sum(len(r["members"]) for r in t["regions"]) == 141
