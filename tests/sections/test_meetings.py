"""sections.meetings: bilateral meeting cards."""

from __future__ import annotations

from metroextract.sections import (
    parse_meetings,
)

from ._lines import BODY, ES, FR, P2021, L


def test_meetings_cards_with_label_lines_and_run_in_labels() -> None:
    lines = [
        L("Janvier", 40, 102.7, 15, True),
        L("En ligne", 40, 120.8, 9, color="#7b8194", font="Sans-Oblique"),
        L("Membres", 40, 142.2, 8, True),
        L("Barcelone (aire métropolitaine), Gauteng", 40, 152.7, 8.6, width=160),
        L("Alliances", 40, 169.8, 8, True),
        L("PNUD", 40, 180.3, 8.6),
        L("Avril", 307.6, 102.7, 11.5, True),
        L("En ligne", 307.6, 120.8, 9),
        L("Alliances : Paradiplomacia.org, CGLU", 307.6, 134.5, 9.3, width=170),
        L("Culture", 307.6, 146.5, 9.3),
    ]
    got = parse_meetings(lines, BODY, FR, P2021)
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2021-01", "En ligne", ["Barcelone (aire métropolitaine)", "Gauteng"], ["PNUD"]),
        ("2021-04", "En ligne", [], ["Paradiplomacia.org", "CGLU Culture"]),
    ]


def test_meetings_unruled_transposed_table_months_across_row_headers_down() -> None:
    lines = [
        L("Enero", 150, 338.5, 10.5, True, color="#8c1d40", width=30), L("Febrero", 313, 338.5, 10.5, True, color="#8c1d40", width=39),
        L("Formato", 40, 360.7, 9.2, True, width=37), L("En línea", 150, 360.8, 9.2, width=30), L("En línea", 313, 360.8, 9.2, width=30),
        L("Miembros", 40, 381.5, 9.2, True, width=43), L("Gauteng", 150, 381.6, 9.2, width=31), L("Buenos Aires", 313, 381.6, 9.2, width=50),
        L("Santiago de Chile", 313, 393.4, 9.2, width=65),
        L("Alianzas", 40, 412.0, 9.2, True, width=37), L("PNUD", 150, 412.0, 9.2, width=25), L("CGLU", 313, 412.0, 9.2, width=25),
    ]  # fmt: skip
    got = parse_meetings(lines, BODY, ES, P2021)
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2021-01", "En línea", ["Gauteng"], ["PNUD"]),
        ("2021-02", "En línea", ["Buenos Aires", "Santiago de Chile"], ["CGLU"]),
    ]
