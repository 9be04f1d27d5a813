"""sections.taxonomy and sections.plan: coded items."""

from __future__ import annotations

import pytest

from metroextract.models import (
    Challenge,
    Line,
    PlanItem,
)
from metroextract.sections import (
    parse_plan,
    parse_taxonomy,
    plan_level,
)

from ._lines import BODY, L


def test_taxonomy_codes_apart_bullets_and_wrapped_labels() -> None:
    lines = [
        L("1.1", 58, 99.7, 14, True, width=24),
        L("Lutter contre les inégalités et", 102, 101.9, 11, width=160),
        L("la ségrégation", 102, 115.9, 11, width=75),
        L("1.2", 58, 133.7, 14, True, width=24),
        L("Accès au logement", 102, 135.9, 11, width=95),
        L("- 4.2 Comblent le fossé numérique", 450, 99.7, 11, width=180),
    ]
    assert parse_taxonomy(lines, BODY) == [
        Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"),
        Challenge(code="1.2", label="Accès au logement"),
        Challenge(code="4.2", label="Comblent le fossé numérique"),
    ]


def test_taxonomy_grid_filled_by_column_read_across_its_rows() -> None:
    # two columns of items; the layout read each row as one line (its seam a wide gap),
    # so a wrapped label's next line comes after the item beside it
    first = L("1.1 Lutter contre les inégalités 2.3 Résilience climatique", 60, 218, 11, width=420)
    first = first.model_copy(update={"breaks": [(32, 220.0, 300.0)]})
    lines = [first, L("et la ségrégation", 60, 231, 11, width=85), L("1.2 Accès au logement", 60, 248, 11, width=110), L("2.4 Résilience économique", 300, 248, 11, width=130)]
    assert parse_taxonomy(lines, BODY) == [
        Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"),
        Challenge(code="1.2", label="Accès au logement"),
        Challenge(code="2.3", label="Résilience climatique"),
        Challenge(code="2.4", label="Résilience économique"),
    ]


@pytest.mark.parametrize("code,level,parent", [("L1", "line", None), ("L12", "line", None), ("L1A2", "axis", "L1"), ("L1A2D3", "deliverable", "L1A2"), ("L3A10D11", "deliverable", "L3A10")])
def test_plan_levels(code: str, level: str, parent: str | None) -> None:
    assert plan_level(code) == (level, parent)


def test_plan_items_with_wrapped_labels_and_codes_apart() -> None:
    lines = [
        L("L1 Renforcer le leadership mondial en matière de", 40, 97, 11, True, width=300),
        L("diplomatie et de plaidoyer", 40, 112.5, 11, True, width=150),
        L("L1A1", 50, 130.6, 9, True, width=24),
        L("Compte-rendu métropolitain", 92, 130.6, 9, True, width=140),
        L("L1A1D1", 92, 144.1, 8.6, width=33),
        L("Recommandations politiques sur des", 138, 144.1, 8.6, width=200),
        L("questions essentielles", 138, 155.1, 8.6, width=100),
        L("L1A3D1, L1A2D2", 430, 97, 8.6),  # a list of result codes is not a plan item
    ]
    assert parse_plan(lines, BODY) == [
        PlanItem(code="L1", level="line", parent=None, label="Renforcer le leadership mondial en matière de diplomatie et de plaidoyer"),
        PlanItem(code="L1A1", level="axis", parent="L1", label="Compte-rendu métropolitain"),
        PlanItem(code="L1A1D1", level="deliverable", parent="L1A1", label="Recommandations politiques sur des questions essentielles"),
    ]


def cell(text: str, x0: float, top: float, row: int, col: int, size: float = 10.5) -> Line:
    """A line of a ruled table's cell (table 0)."""
    return L(text, x0, top, size).model_copy(update={"cell": (0, row, col)})


def test_taxonomy_table_with_codes_cut_after_their_dot() -> None:
    # a word processor's Code | Challenge table: "1.1" breaks after its dot in a narrow
    # cell, the challenge centred in its row
    lines = [
        cell("1.", 61, 425.2, 0, 0),
        cell("1", 61, 440.3, 0, 0),
        cell("Lutter contre les inégalités et la ségrégation", 80.7, 432.7, 0, 1),
        cell("1.", 61, 464.9, 1, 0),
        cell("2", 61, 480.0, 1, 0),
        cell("Accès au logement", 80.7, 472.4, 1, 1),
        cell("4.", 61, 504.6, 2, 0),
        cell("2", 61, 519.7, 2, 0),
        cell("Comblent le fossé numérique entre les", 80.7, 504.6, 2, 1),
        cell("sexes", 80.7, 519.7, 2, 1),
    ]
    assert parse_taxonomy(lines, BODY) == [
        Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"),
        Challenge(code="1.2", label="Accès au logement"),
        Challenge(code="4.2", label="Comblent le fossé numérique entre les sexes"),
    ]


def test_plan_table_with_codes_cut_by_a_narrow_cell() -> None:
    # a word processor's Code | Label table: the code cell too narrow for "L1A1D1" breaks it
    # with no hyphen, the label is centred in its row
    lines = [
        cell("L1", 61, 361, 0, 0),
        cell("Renforcer le leadership mondial", 108, 361, 0, 1),
        cell("L1A1", 61, 386, 1, 0),
        cell("Compte-rendu métropolitain politique commun", 108, 386, 1, 1),
        cell("L1A1D", 61, 411, 2, 0),
        cell("1", 61, 427, 2, 0),
        cell("Recommandations politiques sur des questions", 108, 411, 2, 1),
        cell("essentielles pour l'avenir métropolitain", 108, 427, 2, 1),
    ]
    assert parse_plan(lines, BODY) == [
        PlanItem(code="L1", level="line", parent=None, label="Renforcer le leadership mondial"),
        PlanItem(code="L1A1", level="axis", parent="L1", label="Compte-rendu métropolitain politique commun"),
        PlanItem(code="L1A1D1", level="deliverable", parent="L1A1", label="Recommandations politiques sur des questions essentielles pour l'avenir métropolitain"),
    ]
