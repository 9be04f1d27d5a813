"""sections.key_figures: display numbers and their labels."""

from __future__ import annotations

import pytest

from metroextract.fields import parse_int
from metroextract.models import (
    KeyFigure,
)
from metroextract.sections import (
    is_number_line,
    parse_key_figures,
)

from ._lines import BODY, EN, FR, L


@pytest.mark.parametrize("text,value", [("+1 380", 1380), ("+1,380", 1380), ("+1.380", 1380), ("119", 119)])
def test_number_lines(text: str, value: int) -> None:
    assert is_number_line(text)
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["collaborations avec des spécialistes", "L1A2D3", "1.1 Lutter", "Du 1er janvier au 30 avril"])
def test_not_number_lines(text: str) -> None:
    assert not is_number_line(text)


def test_key_figures_period_numbers_and_labels() -> None:
    lines = [
        L("Du 1er janvier au 30 avril", 58, 94, 11, True, width=140),
        L("+1 380", 58, 133.7, 64, True, width=200),
        L("personnes engagées dans des événements organisés ou", 58, 204.3, 11.5, width=300),
        L("coorganisés par Metropolis", 58, 219.3, 11.5, width=150),
        L("119", 450, 133.7, 64, True, width=110),
        L("collaborations avec des spécialistes", 450, 204.3, 11.5, width=200),
    ]
    assert parse_key_figures(lines, BODY, FR) == (
        "Du 1er janvier au 30 avril",
        [
            KeyFigure(text="+1 380", value=1380, label="personnes engagées dans des événements organisés ou coorganisés par Metropolis"),
            KeyFigure(text="119", value=119, label="collaborations avec des spécialistes"),
        ],
    )


def test_key_figure_label_above_its_number() -> None:
    lines = [L("From 1 January to 30 April", 58, 94, 11, True), L("people engaged", 58, 120, 11.5, width=90), L("+1,380", 58, 140, 40, True, width=120)]
    assert parse_key_figures(lines, BODY, EN) == ("From 1 January to 30 April", [KeyFigure(text="+1,380", value=1380, label="people engaged")])


def test_number_label_table_with_a_row_read_as_one_line() -> None:
    # a word processor's Number | Label table: one row's cells joined into one line
    # (the number in bold before its label), the other row's read apart
    lines = [
        L("Du 1er janvier au 31 mars", 70, 293.1, 8.5, True, width=100),
        L("+1 380 personnes engagées dans des événements organisés ou coorganisés par Metropolis", 70, 307.3, 8.5, width=330).model_copy(
            update={"runs": [("+1 380", True), ("personnes engagées dans des événements organisés ou coorganisés par Metropolis", False)]}
        ),
        L("119", 70, 325.9, 8.5, True, width=14),
        L("collaborations avec des spécialistes", 100.9, 325.9, 8.5, width=140),
    ]
    assert parse_key_figures(lines, BODY, FR) == (
        "Du 1er janvier au 31 mars",
        [
            KeyFigure(text="+1 380", value=1380, label="personnes engagées dans des événements organisés ou coorganisés par Metropolis"),
            KeyFigure(text="119", value=119, label="collaborations avec des spécialistes"),
        ],
    )


def test_a_label_cell_centred_on_its_row_straddles_the_number() -> None:
    """A number | label table whose label cell is centred on its row (a word processor's
    table): the label's two lines sit half a line above and below the number, neither
    level with it, and both are its label."""
    lines = [
        L("From 1 March to 31 May", 45.1, 265.0, 10.5, width=120),
        L("people engaged in events organised or co-organised by", 93.9, 282.1, 10.5, width=294.5),
        L("+1,380", 45.1, 289.8, 10.5, width=41.7),
        L("Metropolis", 93.9, 297.4, 10.5, width=57.7),
        L("119", 45.1, 319.2, 10.5, width=21.9),
        L("collaborations with experts", 93.9, 319.2, 10.5, width=145.2),
    ]
    assert parse_key_figures(lines, 10.5, EN) == (
        "From 1 March to 31 May",
        [
            KeyFigure(text="+1,380", value=1380, label="people engaged in events organised or co-organised by Metropolis"),
            KeyFigure(text="119", value=119, label="collaborations with experts"),
        ],
    )
