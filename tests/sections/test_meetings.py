"""sections.meetings: bilateral meeting cards."""

from __future__ import annotations

from metroextract.models import Line
from metroextract.sections import (
    parse_meetings,
)

from ._lines import BODY, EN, ES, FR, P2021, L, tight


def test_meetings_transposed_table_with_row_headers_centred_on_their_rows() -> None:
    # a word processor centres each row header on its row: "Membres" is level with the
    # middle of its four names, below the first two
    lines = [
        L("Août", 123, 599, 9, True, width=20),
        L("Format", 70, 615, 9, True, width=30), L("En ligne", 123, 615, 9, width=35),
        L("Addis-Abeba", 123, 631, 9, width=50), L("Aire métropolitaine de Barcelone", 123, 644, 9, width=140),
        L("Membres", 70, 651, 9, True, width=38), L("Moscou", 123, 657, 9, width=30), L("Nanning", 123, 670, 9, width=34),
        L("Alliances", 70, 687, 9, True, width=38), L("Premio de Guangzhou", 123, 687, 9, width=90),
    ]  # fmt: skip
    got = parse_meetings(lines, BODY, FR, P2021.model_copy(update={"start": "2021-07", "end": "2021-10", "text": "Juillet —> octobre 2021"}))
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2021-08", "En ligne", ["Addis-Abeba", "Aire métropolitaine de Barcelone", "Moscou", "Nanning"], ["Premio de Guangzhou"]),
    ]


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


def test_a_line_elsewhere_after_a_run_in_value_is_no_part_of_it() -> None:
    # the section's last card ends a page; the next page opens with a code set in its
    # margin, read before that page's heading: it does not wrap the alliances' value
    lines = [
        L("Septembre", 70, 409, 10.5, True),
        L("Format : Présentiel", 70, 425, 10.5, width=100),
        L("Membres : Aburrá Valley; Hangzhou", 70, 441, 10.5, width=180),
        L("Alliances : Paradiplomacia; UN-Habitat", 70, 457, 10.5, width=200),
        L("Prix de Guangzhou", 70, 470, 10.5, width=95),
        L("L1A1", 320, 74, 10.5, page=2, width=25),
    ]
    got = parse_meetings(lines, BODY, FR, P2021.model_copy(update={"start": "2021-07", "end": "2021-10", "text": "Juillet —> octobre 2021"}))
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2021-09", "Présentiel", ["Aburrá Valley", "Hangzhou"], ["Paradiplomacia", "UN-Habitat", "Prix de Guangzhou"]),
    ]


def test_meeting_cards_side_by_side_read_across_each_line_to_the_card_it_stands_in() -> None:
    # two cards in a row, read across (a word processor's table of cards): both months,
    # then both formats, then both member lists
    lines = [
        L("August", 43, 204, 11, True, width=44), L("September", 185, 204, 11, True, width=68),
        L("Format: In person", 43, 223, 11, width=104), L("Type: Hybrid", 185, 223, 11, width=74),
        L("Members: Porto Alegre", 43, 242, 11, width=134), L("Members: Addis Ababa; Cotonou; Seoul", 185, 242, 11, width=230),
    ]  # fmt: skip
    period = P2021.model_copy(update={"start": "2022-06", "end": "2022-09", "text": "June → September 2022"})
    got = parse_meetings(lines, BODY, EN, period)
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2022-08", "In person", ["Porto Alegre"], []),
        ("2022-09", "Hybrid", ["Addis Ababa", "Cotonou", "Seoul"], []),
    ]


def test_a_transposed_table_goes_on_over_a_page_break() -> None:
    # the months and the formats at the foot of one page, the members and alliances at the
    # top of the next, the header row not printed again; a row of pills read as one line
    period = P2021.model_copy(update={"start": "2024-07", "end": "2024-09", "text": "Juillet —> septembre 2024"})
    lines = [
        L("Juillet", 121, 444, 11, True, width=40), L("Août", 217, 444, 11, True, width=26), L("Septembre", 363, 444, 11, True, width=62),
        L("Format", 56, 463, 11, True, width=40), L("Hybride", 121, 463, 11, width=45), L("Présentiel", 217, 463, 11, width=60), L("En ligne", 363, 463, 11, width=48),
        L("Membres", 56, 55, 11, True, page=2, width=50), L("Ramallah", 121, 55, 11, page=2, width=50),
        L("Tunis · Bhopal Harare Kunming · New Taipei ·", 177, 55, 11, page=2, width=250).model_copy(update={"breaks": [(8, 208.0, 217.0), (32, 352.8, 363.0)]}),
        L("Alliances", 56, 74, 11, True, page=2, width=50), L("EUROCITIES", 121, 74, 11, page=2, width=62),
    ]  # fmt: skip
    got = parse_meetings(lines, BODY, FR, period)
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2024-07", "Hybride", ["Ramallah", "Tunis"], ["EUROCITIES"]),
        ("2024-08", "Présentiel", ["Bhopal", "Harare", "Kunming"], []),
        ("2024-09", "En ligne", ["New Taipei"], []),
    ]


def test_a_month_ending_its_page_heads_the_rows_at_the_head_of_the_next() -> None:
    # one month per band, row headers down the left; the last month's name is the last
    # line of its page, its rows open the next page
    period = P2021.model_copy(update={"start": "2022-09", "end": "2022-11", "text": "Septiembre —> noviembre 2022"})
    lines = [
        L("Octubre", 126, 392, 11, True, width=50),
        L("Tipo", 56, 411, 11, True, width=27), L("Híbrido", 126, 411, 11, width=42),
        L("Miembros", 56, 430, 11, True, width=62), L("La Paz · Toronto", 126, 430, 11, width=90),
        L("Noviembre", 126, 468, 11, True, width=67),
        L("Formato", 56, 78, 11, True, page=2, width=52), L("En línea", 126, 78, 11, page=2, width=42),
        L("Miembros", 56, 100, 11, True, page=2, width=62), L("Acra · Wuhan", 126, 100, 11, page=2, width=70),
    ]  # fmt: skip
    got = parse_meetings(lines, BODY, ES, period)
    assert [(m.month, m.format, [x.name for x in m.members]) for m in got] == [
        ("2022-10", "Híbrido", ["La Paz", "Toronto"]),
        ("2022-11", "En línea", ["Acra", "Wuhan"]),
    ]


def test_words_a_narrow_ruled_cell_broke_without_a_hyphen_are_read_whole() -> None:
    # ReportLab breaks a word longer than its cell where it runs out of room: the
    # header "Form" / "at", the format "Hybri" / "de"
    def C(text: str, x0: float, top: float, cell: tuple[int, int, int], bold: bool = False) -> Line:
        return L(text, x0, top, 8, bold).model_copy(update={"cell": cell})

    lines = [
        C("Date", 315, 95, (0, 0, 0), True), C("Form", 350, 95, (0, 0, 1), True), C("at", 350, 106, (0, 0, 1), True), C("Membres", 386, 95, (0, 0, 2), True),
        C("Juin", 315, 123, (0, 1, 0)), C("Hybri", 350, 123, (0, 1, 1)), C("de", 350, 134, (0, 1, 1)), C("Wuxi", 386, 123, (0, 1, 2)),
    ]  # fmt: skip
    got = parse_meetings(lines, BODY, FR, P2021.model_copy(update={"start": "2021-06", "end": "2021-08", "text": "Juin —> août 2021"}))
    assert [(m.month, m.format, [x.name for x in m.members]) for m in got] == [("2021-06", "Hybride", ["Wuxi"])]


def test_a_transposed_table_set_tight_is_read_cell_by_cell() -> None:
    # a word processor's table with narrow columns: two month headers read as one line, a
    # month broken inside its word ("Septemb" / "re"), a format cell on two lines centred
    # on its row header (neither line level with it), a row header and its cells read as
    # one line on the next page
    lines = [
        tight([("Juillet", 98), ("Août", 228)], 100, bold=True),
        L("Septemb", 358, 100, 10, True, width=40), L("re", 358, 111, 10, True, width=10),
        L("Format", 45, 130, 10, True, width=32),
        L("En", 98, 124, 10, width=12), L("ligne", 98, 136, 10, width=25),
        tight([("Hybride", 228), ("Présentiel", 358)], 130),
        L("Membres", 45, 162, 10, True, width=40), tight([("Daegu", 98), ("Quito", 228), ("Wuxi", 358)], 162),
        tight([("Alliances", 45), ("PNUD", 98), ("ICLEI", 228), ("CGLU", 358)], 40, page=2),
    ]  # fmt: skip
    period = P2021.model_copy(update={"start": "2021-07", "end": "2021-09", "text": "Juillet —> septembre 2021"})
    got = parse_meetings(lines, BODY, FR, period)
    assert [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got] == [
        ("2021-07", "En ligne", ["Daegu"], ["PNUD"]),
        ("2021-08", "Hybride", ["Quito"], ["ICLEI"]),
        ("2021-09", "Présentiel", ["Wuxi"], ["CGLU"]),
    ]
