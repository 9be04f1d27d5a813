"""One reading order for everything: the layout's XY-cut on hand-set pages of words.

Every section parser and the segmenter read the lines in this order; no stage re-sorts
them. Each case is a page shape seen in a report design: flowing columns, grids under
sub-headings, cards beside a grid, codes in a key column beside their labels, a month
grid flowing over four columns, a region heading between rows of columns.
"""

from __future__ import annotations

import pytest

from metroextract.layout import Word, _row_to_line, block_rows, reading_blocks

BOLD, PLAIN = "Sans-Bold", "Sans"
WIDTH, HEIGHT = 842.0, 595.0
COL_GAP = 10.45  # 1.1 × a 9.5pt body


def W(text: str, x0: float, top: float, size: float = 9.0, bold: bool = False, width: float | None = None, color: str = "#1f2433") -> list[Word]:
    """The words of one printed line: `width` spread over the words by their length."""
    parts = text.split()
    total = width if width is not None else 0.5 * size * len(text)
    space = 0.25 * size
    per_char = (total - space * (len(parts) - 1)) / max(1, sum(len(p) for p in parts))
    out, x = [], x0
    for p in parts:
        w = per_char * len(p)
        out.append(Word(p, x, x + w, top, top + size, size, BOLD if bold else PLAIN, color))
        x += w + space
    return out


def read(*lines: list[Word], boxes: list | None = None) -> list[str]:
    words = [w for ln in lines for w in ln]
    blocks = reading_blocks(words, boxes or [], WIDTH, HEIGHT, COL_GAP)
    return [_row_to_line(row, 1, 0).text for block in blocks for row in block_rows(block)]


def test_two_flowing_columns_read_column_by_column() -> None:
    # the right column has a paragraph break where the left one goes on
    assert read(
        W("left 1", 40, 100, width=350), W("right 1", 427, 100, width=350),
        W("left 2", 40, 113.5, width=350), W("right 2", 427, 113.5, width=60),
        W("left 3", 40, 127, width=350),
        W("right 3", 427, 135, width=350), W("left 4", 40, 140.5, width=100),
        W("Octavi de la Varga", 427, 150, 10.5, True, width=120),
    ) == ["left 1", "left 2", "left 3", "left 4", "right 1", "right 2", "right 3", "Octavi de la Varga"]  # fmt: skip


def test_sub_heading_under_a_grid_opens_a_row_of_cards() -> None:
    # members in three columns, "Points focaux" under white across the grid, then cards
    # starting level in two columns: the grid whole, then the heading, then each card
    assert read(
        W("- Abidjan", 58, 98), W("- Bamako", 253, 98), W("- Rabat", 439, 98),
        W("- Accra", 58, 110), W("- Dakar", 253, 110),
        W("Points focaux", 58, 130, 11, True, width=94),
        W("Secrétaire régional", 58, 148, 7.2, True, width=94), W("Secrétariat général", 439, 148, 7.2, True, width=94),
        W("Sithole Mbanga", 58, 160, 9.5, True, width=84), W("Hélène Jourdan", 439, 160, 9.5, True, width=82),
        W("Gauteng", 58, 172, 8.6, width=37), W("Agente régionale", 439, 172, 8.6, width=74),
    ) == [
        "- Abidjan", "- Accra", "- Bamako", "- Dakar", "- Rabat",
        "Points focaux", "Secrétaire régional", "Sithole Mbanga", "Gauteng",
        "Secrétariat général", "Hélène Jourdan", "Agente régionale",
    ]  # fmt: skip


def test_key_column_is_read_key_by_key_with_its_rows() -> None:
    # challenge codes in a column of their own, each level with its label: a table
    assert read(
        W("1.1", 40, 99.7, 14, True, width=22, color="#e5007d"), W("Tackling inequalities and segregation", 84, 101.9, 11, width=206),
        W("1.2", 40, 123.7, 14, True, width=22, color="#e5007d"), W("Access to housing", 84, 125.9, 11, width=99),
        W("1.3", 40, 147.7, 14, True, width=22, color="#e5007d"), W("Advancing mobility", 84, 149.9, 11, width=106),
    ) == ["1.1", "Tackling inequalities and segregation", "1.2", "Access to housing", "1.3", "Advancing mobility"]  # fmt: skip


def test_narrow_prose_column_in_the_same_style_is_not_a_key_column() -> None:
    assert read(
        W("a narrow", 40, 100, width=60), W("the body text runs on here", 120, 100, width=300),
        W("sidebar", 40, 112, width=60), W("and goes on below it", 120, 112, width=300),
    ) == ["a narrow", "sidebar", "the body text runs on here", "and goes on below it"]  # fmt: skip


def test_month_grid_flowing_over_four_columns() -> None:
    # outlets in bold alone in a band (one column has a longer title) do not end the columns
    assert read(
        W("January", 58, 99, 15, True, width=62), W("MedCities", 255, 98, 9.5, True, width=53), W("Bogotá", 441, 98, 9.5, True, width=38), W("April", 627, 99, 15, True, width=38),
        W("Cities for Global Health", 255, 110, width=104), W("use Platform", 441, 110, width=57),
        W("ALLAS", 58, 123, 9.5, True, width=34), W("Shahr Agency", 627, 123, 9.5, True, width=74),
        W("Montevideo global", 58, 135, width=83), W("February", 255, 130, 15, True, width=73), W("March", 441, 130, 15, True, width=49),
        W("Ciudad Sostenible", 627, 143, 9.5, True, width=97),
        W("L'Institut Paris Region", 58, 155, 9.5, True, width=119), W("Bogotá", 255, 155, 9.5, True, width=38),
        W("UNDP", 441, 155, 9.5, True, width=30), W("Webinar on urban inequalities", 627, 155, width=136),
        W("Île-de-France", 58, 167, width=59), W("Tactical urbanism webinar", 255, 167, width=119), W("Tactical urbanism webinar", 441, 167, width=119),
    ) == [
        "January", "ALLAS", "Montevideo global", "L'Institut Paris Region", "Île-de-France",
        "MedCities", "Cities for Global Health", "February", "Bogotá", "Tactical urbanism webinar",
        "Bogotá", "use Platform", "March", "UNDP", "Tactical urbanism webinar",
        "April", "Shahr Agency", "Ciudad Sostenible", "Webinar on urban inequalities",
    ]  # fmt: skip


def test_region_heading_between_rows_heads_the_row_below() -> None:
    # the first region's cards continue in the right column; "Europa" in display type
    # under white across both columns heads the next region's two columns
    assert read(
        W("Ahvaz, Amán, Bagdad", 46, 96, width=241), W("Vicepresidencia regional", 308, 96, 7, True, width=105),
        W("Xi'an, Xiamen", 46, 108, width=100), W("Mohammad Reza Kalaei", 308, 105, 9, True, width=103),
        W("Presidencia", 46, 130, 7, True, width=49), W("Alcalde de Mashhad", 308, 116, 8.5, width=77),
        W("Wen Guohui", 46, 139, 9, True, width=53), W("Miembro", 308, 131, 7, True, width=35),
        W("Alcalde de Guangzhou", 46, 150, 8.5, width=86), W("Wang Fengchao", 308, 140, 9, True, width=70),
        W("Copresidencia", 46, 165, 7, True, width=60), W("Alcalde de Chengdu", 308, 151, 8.5, width=77),
        W("Pirouz Hanachi", 46, 174, 9, True, width=65), W("Miembro", 308, 166, 7, True, width=35),
        W("Alcalde de Teherán", 46, 185, 8.5, width=74), W("Cheng Yongwen", 308, 175, 9, True, width=70),
        W("Alcalde de Wuhan", 308, 186, 8.5, width=69),
        W("Europa", 46, 212, 13, True, width=48, color="#e07a00"),
        W("Barcelona (ciudad), Berlín", 46, 242, width=241), W("Vicepresidencia regional", 308, 242, 7, True, width=105),
        W("Sofía, Turín, Zagreb", 46, 254, width=83), W("Pascal Smet", 308, 251, 9, True, width=53),
    ) == [
        "Ahvaz, Amán, Bagdad", "Xi'an, Xiamen", "Presidencia", "Wen Guohui", "Alcalde de Guangzhou",
        "Copresidencia", "Pirouz Hanachi", "Alcalde de Teherán",
        "Vicepresidencia regional", "Mohammad Reza Kalaei", "Alcalde de Mashhad", "Miembro", "Wang Fengchao",
        "Alcalde de Chengdu", "Miembro", "Cheng Yongwen", "Alcalde de Wuhan",
        "Europa", "Barcelona (ciudad), Berlín", "Sofía, Turín, Zagreb", "Vicepresidencia regional", "Pascal Smet",
    ]  # fmt: skip


def test_date_tag_in_a_flowing_column_does_not_cut_rows() -> None:
    # white across both columns above a date tag, but the right column resumes lower:
    # a flowing page, read column by column
    assert read(
        W("first activity text", 46, 100, width=240), W("second activity text", 308, 100, width=240),
        W("its last line", 46, 112, width=240), W("caption under a picture", 308, 112, width=240),
        W("25 de febrero", 46, 136, 9.5, True, width=60),
        W("THIRD ACTIVITY TITLE", 46, 148, 11, True, width=200), W("Miembros involucrados: Fuzhou", 308, 170, width=200),
        W("third activity text", 46, 170, width=240), W("Resultados asociados: L2A2D4", 308, 182, width=200),
    ) == [
        "first activity text", "its last line", "25 de febrero", "THIRD ACTIVITY TITLE", "third activity text",
        "second activity text", "caption under a picture", "Miembros involucrados: Fuzhou", "Resultados asociados: L2A2D4",
    ]  # fmt: skip


def test_raised_ordinal_stays_in_its_line() -> None:
    assert read(
        W("Du 1", 58, 94.0, 11, True, width=20),
        [Word("er", 78.2, 81.5, 93.0, 99.8, 6.8, BOLD, "#1f2433")],
        W("janvier au 30 avril", 84, 94.0, 11, True, width=110),
    ) == ["Du 1er janvier au 30 avril"]


def test_section_heading_at_the_foot_of_a_column_heads_the_next_row() -> None:
    # three flowing columns; "Action line 3" and "L3 — label" close the first column,
    # white above them, and the next activity starts level in every column under them
    def column(x: float, name: str, bottom: float) -> list[list[Word]]:
        return [W(f"{name} {k}", x, 51 + 12 * k, 9.4, width=240) for k in range(int((bottom - 51) / 12))]

    first, second, third = column(40, "first", 275), column(303, "second", 335), column(557, "third", 325)
    heading = [W("Action line 3", 40, 350, 8.0, True, width=90), W("L3 — Internal governance culture", 40, 362, 14.0, True, width=240)]
    below = [W("CO-PRESIDENTS' MEETING", 40, 388, 10.4, True, width=160), W("the meeting went on", 303, 389, 9.4, width=240), W("Challenges — 1.1", 557, 388, 9.0, width=120)]
    order = read(*first, *second, *third, *heading, *below)
    assert order == [
        *(f"first {k}" for k in range(len(first))), *(f"second {k}" for k in range(len(second))), *(f"third {k}" for k in range(len(third))),
        "Action line 3", "L3 — Internal governance culture", "CO-PRESIDENTS' MEETING", "the meeting went on", "Challenges — 1.1",
    ]  # fmt: skip


def test_long_name_close_to_the_next_column_keeps_the_grid() -> None:
    # "Grand Manchester" ends 4 pt before the third column's edge, which three rows share
    assert read(
        W("Barcelone", 54, 113.5, 8.5, width=70), W("Bucarest", 139, 113.5, 8.5, width=38), W("Kazan", 224, 113.5, 8.5, width=26),
        W("Berlin", 54, 126, 8.5, width=26), W("Grand Lyon", 139, 126, 8.5, width=50), W("Lisbonne", 224, 126, 8.5, width=39),
        W("Bruxelles", 54, 138.5, 8.5, width=40), W("Grand Paris", 139, 138.5, 8.5, width=51), W("Madrid", 224, 138.5, 8.5, width=31),
        W("Grand Manchester", 139, 151, 8.5, width=81), W("Moscou", 224, 151, 8.5, width=33),
    ) == ["Barcelone", "Berlin", "Bruxelles", "Bucarest", "Grand Lyon", "Grand Paris", "Grand Manchester", "Kazan", "Lisbonne", "Madrid", "Moscou"]  # fmt: skip


def test_justified_line_over_a_short_last_line_stays_one_line() -> None:
    assert read(
        W("les formuler, de les appliquer et de les", 315, 457, 9.5, width=243),
        [Word("développer,", 315, 372, 469, 478.5, 9.5, PLAIN, "#1f2433"), Word("ainsi", 387, 409, 469, 478.5, 9.5, PLAIN, "#1f2433"),
         Word("que", 424, 442, 469, 478.5, 9.5, PLAIN, "#1f2433"), Word("diverses", 457, 497, 469, 478.5, 9.5, PLAIN, "#1f2433"),
         Word("pratiques", 512, 558, 469, 478.5, 9.5, PLAIN, "#1f2433")],
        W("exemplaires.", 315, 482, 9.5, width=61),
    ) == ["les formuler, de les appliquer et de les", "développer, ainsi que diverses pratiques", "exemplaires."]  # fmt: skip


def test_grid_with_gutters_tighter_than_a_column_gap_is_read_column_by_column() -> None:
    # three columns of names 8 pt apart (less than a column gap), then the lines under
    # the grid: each column whole, then what follows
    names = [("Abidjan", "Accra", "Addis Ababa"), ("Alexandria", "Antananarivo", "Bamako"), ("Bangui", "Brazzaville", "Cairo"), ("Douala", "Durban", "Gauteng")]
    rows = [W(name, x, 100 + 14 * r, 9.0, width=w) for r, row in enumerate(names) for name, x, w in zip(row, (40, 110, 190), (62, 72, 50))]
    assert read(*rows, W("Focal points", 40, 160, 9.0, True, width=60), W("Regional Secretary: Sithole Mbanga, Gauteng", 40, 174, width=210)) == [
        "Abidjan", "Alexandria", "Bangui", "Douala",
        "Accra", "Antananarivo", "Brazzaville", "Durban",
        "Addis Ababa", "Bamako", "Cairo", "Gauteng",
        "Focal points", "Regional Secretary: Sithole Mbanga, Gauteng",
    ]  # fmt: skip


def test_bullets_and_leader_dots_are_no_tight_columns() -> None:
    # bullets 6 pt left of their items, page numbers after leader dots: one line each
    assert read(
        W("•", 40, 100, width=3),
        W("Abidjan", 49, 100, width=35),
        W("•", 40, 112, width=3),
        W("Accra", 49, 112, width=25),
        W("•", 40, 124, width=3),
        W("Addis Ababa", 49, 124, width=55),
        W("Activities ..........", 40, 150, width=300),
        W("4", 346, 150, width=5),
        W("Active listening ......", 40, 164, width=300),
        W("21", 346, 164, width=10),
        W("Progress ..........", 40, 178, width=300),
        W("24", 346, 178, width=10),
    ) == ["• Abidjan", "• Accra", "• Addis Ababa", "Activities .......... 4", "Active listening ...... 21", "Progress .......... 24"]


def test_display_heading_over_a_tight_grid_keeps_its_words() -> None:
    # "THE" starts where the grid's second column does, 6 pt after "IN": a word space
    # of 14 pt type, not a gutter
    heading = W("METROPOLIS IN", 40, 80, 14.0, True, width=110) + W("THE MEDIA", 156, 80, 14.0, True, width=80)
    grid = [W(name, x, 104 + 12 * r, 9.0, width=50) for r, row in enumerate([("Abidjan", "Accra"), ("Bamako", "Cairo"), ("Dakar", "Douala")]) for name, x in zip(row, (40, 156))]
    assert read(heading, *grid)[0] == "METROPOLIS IN THE MEDIA"


def _prose(x0: float, top: float, n: int, width: float = 240) -> list[list[Word]]:
    return [W(f"running text line {k} of the column goes on", x0, top + 12 * k, 9.5, width=width) for k in range(n)]


def test_label_table_in_one_page_column_keeps_the_page_gutter() -> None:
    # left page column: prose all the way down; right page column: an activity's fields
    # as bold labels beside plain values (the widest label runs close to its value), then
    # the next activity's title and text. The title runs across the labels' gutter, but
    # prose goes on beside it: the page is read column by column, the table key by key.
    lines = _prose(45, 60, 14)
    lines += [
        W("ENGAGED", 311, 60, 9.5, True, width=45),
        W("Barcelona; Bogotá", 404, 60, 9.5, width=90),
        W("RESULTS", 311, 84, 9.5, True, width=42),
        W("L1A2D3", 404, 84, 9.5, width=35),
        W("METROPOLITAN", 311, 108, 9.5, True, width=83.6),
        W("1.1 Tackling inequalities", 404, 108, 9.5, width=120),
        W("PARTNERS", 311, 132, 9.5, True, width=48),
        W("UCLG; UN Women", 404, 132, 9.5, width=80),
        W("13 January · FORUM ON GOVERNANCE", 307, 160, 12.3, True, width=230),
    ]
    lines += _prose(307, 180, 6)
    out = read(*lines)
    assert out[:14] == [f"running text line {k} of the column goes on" for k in range(14)]
    assert out[14:23] == ["ENGAGED", "Barcelona; Bogotá", "RESULTS", "L1A2D3", "METROPOLITAN", "1.1 Tackling inequalities", "PARTNERS", "UCLG; UN Women", "13 January · FORUM ON GOVERNANCE"]  # fmt: skip


def test_key_wrapped_in_a_narrow_label_column_stays_beside_its_value() -> None:
    # bold labels nearly as wide as the values (a narrow page column), one wrapped over
    # two lines with nothing level with its second line: still key by key
    assert read(
        W("ASSOCIATED", 50, 100, 9.5, True, width=62), W("L2A2D2", 142, 100, 9.5, width=35),
        W("RESULTS", 50, 112, 9.5, True, width=42),
        W("PARTNERS", 50, 132, 9.5, True, width=48), W("Cities Alliance;", 142, 132, 9.5, width=75),
        W("Paradiplomacia.org", 142, 144, 9.5, width=85),
    ) == ["ASSOCIATED", "RESULTS", "L2A2D2", "PARTNERS", "Cities Alliance;", "Paradiplomacia.org"]  # fmt: skip


def test_display_heading_level_with_an_item_is_a_line_of_its_own() -> None:
    # a heading's last line in a label column shares its baseline with the first item
    # beside it, a little more than a word space away: two lines, not one
    heading = W("ENJEUX", 49, 196, 12.4, True, width=60)
    last = W("MÉTROPOLITAINS", 49, 212, 12.4, True, width=136)
    item = W("1.3 Faire progresser la mobilité", 195, 214.9, 9.5, width=131)
    rows = block_rows(heading + last + item)
    assert [_row_to_line(r, 1, 0).text for r in rows] == ["ENJEUX", "MÉTROPOLITAINS", "1.3 Faire progresser la mobilité"]


def test_row_cut_never_falls_between_two_lines_of_a_column() -> None:
    # two page columns, each a sidebar of fields beside the text: the right page column's
    # activities end level (a hole in its sidebar beside a paragraph gap in its text), but
    # the left sidebar runs on across that height, line after line: no row cut there
    left_side = [W(f"field L{k}", 41, 125 + 12 * k, width=100) for k in range(20)]
    left_text = [W(f"left text {k} runs on", 172, 126 + 12 * k, width=290) for k in range(10)]
    left_text += [W(f"left text {k} runs on", 172, 311 + 12 * (k - 10), width=290) for k in range(10, 20)]
    right_side = [W(f"field R{k}", 494, 53 + 12 * k, width=100) for k in range(14)]
    right_side += [W(f"field R{k}", 494, 264 + 12 * (k - 14), width=100) for k in range(14, 30)]
    right_text = [W(f"right text {k} runs on", 624, 41 + 12 * k, width=200) for k in range(17)]
    right_text += [W(f"right text {k} runs on", 624, 265 + 12 * (k - 17), width=200) for k in range(17, 33)]
    out = read(*left_side, *left_text, *right_side, *right_text)
    assert out == [f"field L{k}" for k in range(20)] + [f"left text {k} runs on" for k in range(20)] + [f"field R{k}" for k in range(30)] + [f"right text {k} runs on" for k in range(33)]


def test_gap_under_a_heading_is_no_row_break() -> None:
    # three page columns: a section heading over its list in the first; the list's tail
    # at the head of the second, then a heading whose section is a picture (a hole); a
    # table in the third. The gap under the first heading is where the hole's neighbour
    # breaks, but a heading heads what follows it: the first column is read whole.
    lines = [W("Member engagement", 56, 113, 16.5, True, width=230)]
    lines += [W(f"› City {k}", 62, 138 + 12 * k, 9.5, width=60) for k in range(8)]
    lines += [W(f"› Town {k}", 350, 58 + 11.5 * k, 9.5, width=60) for k in range(3)]
    lines += [W("Alliances", 345, 106, 16.5, True, width=150), W("Bilateral meetings", 345, 164, 16.5, True, width=160)]
    lines += [W(f"Members: Place {k}", 646, 58 + 15 * k, 9.5, width=90) for k in range(8)]
    out = read(*lines)
    assert out[: 1 + 8] == ["Member engagement"] + [f"› City {k}" for k in range(8)]


def test_holes_of_a_key_column_are_no_row_breaks() -> None:
    # three page columns: key figures and a list; the plan's codes beside their labels;
    # more codes and labels. The third column's codes stand apart wherever a label runs
    # long: no hole there cuts the page into rows, every column is read whole.
    lines = [W("Progress", 70, 74, 18.1, True, width=80), W("Key results", 70, 105, 13.8, True, width=120), W("From 1 August to 31 October", 70, 126, 9.5, True, width=140)]
    lines += [W("+1 120 people engaged in events organised", 70, 140, 9.5, width=240), W("by Metropolis", 70, 152, 9.5, width=70), W("97 collaborations with experts", 70, 166, 9.5, width=160)]
    lines += [W("Metropolitan challenges", 70, 188, 13.8, True, width=180)] + [W(f"› 1.{k} Challenge label {k}", 70, 209 + 14.5 * k, 9.5, width=180) for k in range(8)]
    lines += [W("Strategic action plan", 349, 73, 13.8, True, width=220)]
    lines += [W("L1", 354, 114, 9.5, width=12), W("Strengthen global leadership in", 401, 114, 9.5, width=190), W("diplomacy and advocacy", 401, 125, 9.5, width=130)]
    lines += [W("L1A1", 354, 154, 9.5, width=22), W("Policy labels of the first result", 401, 154, 9.5, width=180)]
    lines += [W("L1A1D1", 354, 184, 9.5, width=34), W("A deliverable label", 401, 184, 9.5, width=110), W("L1A2", 354, 224, 9.5, width=22), W("Another result label", 401, 224, 9.5, width=120)]
    lines += [
        W("L1A3D", 634, 75, 9.5, width=30),
        W("3", 634, 87, 9.5, width=6),
        W("Collaboration with multilateral", 681, 75, 9.5, width=140),
        W("stakeholders, networks of local", 681, 87, 9.5, width=140),
    ]
    lines += [W("governments and groups", 681, 98, 9.5, width=120), W("L2", 634, 139, 9.5, width=12), W("Capacities to implement", 681, 139, 9.5, width=130)]
    out = read(*lines)
    assert out[:6] == ["Progress", "Key results", "From 1 August to 31 October", "+1 120 people engaged in events organised", "by Metropolis", "97 collaborations with experts"]  # fmt: skip


def test_heading_wrapped_in_a_left_column_is_no_key() -> None:
    # a section heading set larger than the list beside it, wrapped over three lines:
    # its lines stay together, never one line per row of the list
    lines = [W("IMPLICACIÓN", 74, 116, 11.1, True, width=80), W("DE LOS", 74, 129, 11.1, True, width=45), W("MIEMBROS", 74, 143, 11.1, True, width=62)]
    lines += [W(f"Name {k} – Name {k}b – Name {k}c – Name {k}d –", 170, 107 + 10.7 * k, 8.5, width=250) for k in range(6)]
    out = read(*lines)
    k = out.index("IMPLICACIÓN")
    assert out[k : k + 3] == ["IMPLICACIÓN", "DE LOS", "MIEMBROS"]


def test_date_tag_under_a_label_table_leads_into_the_title_below() -> None:
    # an activity's labels and values side by side, then the next activity's date, set
    # nearer its title than the table above it (in a style of its own), then the title
    # across the column: the date opens the next activity, it is no row of the table.
    # A label wrapped in the same type ("DÉFIS" / "MÉTROPOLITAINS") stays a label.
    got = read(
        W("RÉSULTATS LIÉS", 40, 304, 10.5, True, width=80),
        W("L3A3D4", 153, 304, 10.5, width=40),
        W("DÉFIS", 40, 325, 10.5, True, width=32),
        W("2.2 Résilience économique", 153, 325, 10.5, width=130),
        W("MÉTROPOLITAINS", 40, 338, 10.5, True, width=95),
        W("ALLIANCES", 40, 360, 10.5, True, width=60),
        W("Paradiplomacia.org", 153, 360, 10.5, width=95),
        W("21 octobre", 36, 386, 10.5, True, width=55),
        W("DIALOGUE SUR LES DROITS NUMÉRIQUES", 36, 402, 11.5, True, width=230),
        W("Afin d'en savoir plus sur la façon dont les gouvernements locaux et régionaux", 36, 420, 10.5, width=380),
    )
    assert got[-3:] == ["21 octobre", "DIALOGUE SUR LES DROITS NUMÉRIQUES", "Afin d'en savoir plus sur la façon dont les gouvernements locaux et régionaux"]
    assert got.index("Paradiplomacia.org") < got.index("21 octobre")
    assert got.index("DÉFIS") < got.index("MÉTROPOLITAINS") < got.index("ALLIANCES")


def test_grid_then_headings_down_the_left_page_column_before_the_short_right_one() -> None:
    # the left page column: a heading, a grid of names in two columns, then two more
    # headings and a meeting; the right page column, shorter, holds the next meeting.
    # The left column's change of structure (grid, then headings) is its own: the page
    # is read column by column
    names = [("Ahvaz", "Kazan"), ("Bogor", "La Paz"), ("Brasília", "Machhad"), ("Cordoue", "Rabat"), ("Daegu", "Turin"), ("Dakar", "Xiamen")]
    grid = [w for n, (a, b) in enumerate(names) for w in W(a, 47, 70 + 13.4 * n, 11) + W(b, 163, 70 + 13.4 * n, 11)]
    right = [W("Février", 356, 49, 11, True), W("Format Hybride", 310, 65, 11), W("Membres Beijing · Haikou", 310, 82, 11)]
    assert read(
        W("ENGAGEMENT DES MEMBRES", 45, 45, 16, True, width=230), grid, *right,
        W("COLLABORATION", 45, 160, 16, True, width=150),
        W("RÉUNIONS BILATÉRALES", 45, 186, 16, True, width=220),
        W("Janvier", 95, 209, 11, True), W("Type En ligne", 49, 224, 11),
    ) == [
        "ENGAGEMENT DES MEMBRES", *(n for pair in zip(*names) for n in pair),
        "COLLABORATION", "RÉUNIONS BILATÉRALES", "Janvier", "Type En ligne",
        "Février", "Format Hybride", "Membres Beijing · Haikou",
    ]  # fmt: skip


@pytest.mark.parametrize("across", [False, True], ids=["alone", "under-a-heading-across"])
def test_sidebar_set_close_beside_a_justified_description(across: bool) -> None:
    # a sidebar one em right of a justified description (narrower than a column gap for
    # its size), its lines on their own leading; the next activity's title and date at the
    # margin, left of the indented description: each activity's text, then its sidebar.
    # Under an action line's heading set across both, no gutter runs the block's height.
    desc = "La Mairie de Barcelone a lancé un dialogue pour réactiver la ville"
    heading = "LIGNE D'ACTION 1 – DIPLOMATIE ET PLAIDOYER MÉTROPOLITAINS"
    top = [W(heading, 45, 83, 15.2, True, width=500)] if across else []
    assert read(
        *top,
        W("BARCELONA REACT", 45, 111, 11.6, True, width=110),
        W("8-14 août", 45, 135, 10.5, width=45),
        W(desc, 51, 155.7, 10.5, width=308), W("Membres mobilisés — Barcelone (ville)", 370.9, 155.7, 10.5, width=173),
        W(desc, 51, 168.5, 10.5, width=308), W("Résultats associés — L1A1D1", 370.9, 171.5, 10.5, width=132),
        W(desc, 51, 181.4, 10.5, width=308), W("Enjeux métropolitains — 2.1 Résilience", 370.9, 187.4, 10.5, width=175),
        W(desc, 51, 194.2, 10.5, width=308), W("sociale • 2.2 Résilience économique", 370.9, 200.2, 10.5, width=160),
        W("construire une ville plus durable.", 51, 207.0, 10.5, width=150),
        W("L'ATLAS DE LA PLANÈTE HUMAINE", 45, 236, 11.5, True, width=200),
        W("6 août", 45, 260, 10.5, width=30),
        W(desc, 51, 281, 10.5, width=308), W("Membres mobilisés — Abidjan | Accra |", 370.9, 281, 10.5, width=172),
        W(desc, 51, 294, 10.5, width=308), W("Bamako | Dakar", 370.9, 294, 10.5, width=70),
        W("les contributions de plus de cent auteurs.", 51, 307, 10.5, width=190), W("Résultats associés — L2A2D5", 370.9, 310, 10.5, width=132),
    ) == [heading] * across + [
        "BARCELONA REACT", "8-14 août", desc, desc, desc, desc, "construire une ville plus durable.",
        "Membres mobilisés — Barcelone (ville)", "Résultats associés — L1A1D1", "Enjeux métropolitains — 2.1 Résilience", "sociale • 2.2 Résilience économique",
        "L'ATLAS DE LA PLANÈTE HUMAINE", "6 août", desc, desc, "les contributions de plus de cent auteurs.",
        "Membres mobilisés — Abidjan | Accra |", "Bamako | Dakar", "Résultats associés — L2A2D5",
    ]  # fmt: skip


def test_table_cells_set_tighter_than_half_an_em_stay_apart() -> None:
    # a word processor's table: cell padding thin, the months' column 0.6 em from the
    # next where word spaces are 0.25 em; running text above and below crosses the columns
    rows = [("Marzo", "Cities Today", "Premio de Guangzhou"), ("Marzo", "PNUD", "Webinario sobre urbanismo"), ("Abril", "Bogotá", "Webinario sobre urbanismo")]
    widths = {"Marzo": 27.7, "Abril": 20.0, "Cities Today": 55.5, "PNUD": 28.3, "Bogotá": 31.6, "Premio de Guangzhou": 99.9, "Webinario sobre urbanismo": 122.2}
    cells = [W(text, x, 409.1 + 17.35 * r, 10, width=widths[text]) for r, row in enumerate(rows) for text, x in zip(row, (45, 78.9, 139))]
    above = [W("Metropolis a été cité dans la presse pendant la période du rapport.", 45, 350 + 13 * k, 10, width=450) for k in range(4)]  # close above: one block with the table
    got = read(
        *above,
        *cells,
        W("Le texte après le tableau court sur toute la largeur de la page.", 45, 480, 10, width=450),
    )
    # the months' column is cells of its own, not the head of each row's line
    assert [t for t in got if t.split()[0] in ("Marzo", "Abril")] == ["Marzo", "Marzo", "Abril"]
    assert got[0].startswith("Metropolis") and got[-1].startswith("Le texte")


def test_spaced_capitals_over_a_grid_edge_stay_one_heading() -> None:
    # "SECRETARIAT GENERAL" spelt out in pieces of one or two letters (as a typesetter
    # prints tracked capitals), its word gap (7.2 pt, half an em) right over the start of
    # the staff cards' second column
    pieces = [("S", 56.0, 63.7), ("E", 65.7, 74.9), ("C", 76.9, 86.8), ("R", 88.8, 98.8), ("E", 100.8, 109.9), ("TA", 111.9, 132.1), ("R", 134.1, 144.0), ("I", 146.0, 151.4), ("AT", 153.4, 173.5),
              ("G", 180.7, 191.4), ("E", 193.4, 202.6), ("N", 204.6, 214.6), ("E", 216.6, 225.8), ("R", 227.8, 237.7), ("A", 239.7, 249.7), ("L", 251.7, 260.8)]  # fmt: skip
    heading = [Word(t, x0, x1, 521.0, 534.8, 13.8, BOLD, "#7a1f3d") for t, x0, x1 in pieces]
    cards = [
        W("Octavi de la Varga", 62.0, 543.3, 9.5, width=96.6), W("Oscar Chamat", 180.5, 543.3, 9.5, width=75.1),
        W("Secretary General", 62.0, 557.1, 9.5, width=88.2), W("Research and Policy", 180.5, 557.1, 9.5, width=97.3),
        W("Officer and Regional", 180.5, 569.1, 9.5, width=99.4),
        W("Officer for Latin", 180.5, 581.1, 9.5, width=77.8),
    ]  # fmt: skip
    board = W("Member: Ricardo Nunes, Mayor of São Paulo", 56.0, 504.5, 9.5, width=200)  # the region's last line, across
    assert read(board, heading, *cards)[:2] == ["Member: Ricardo Nunes, Mayor of São Paulo", "SECRETARIAT GENERAL"]


def _stretched(words: list[str], x1: float, top: float, space: float) -> list[Word]:
    """A justified line set right to left from x1: its word spaces stretched to `space`."""
    out, x = [], x1
    for text in reversed(words):
        w = 5.0 * len(text)
        out.append(Word(text, x - w, x, top, top + 10.5, 10.5, PLAIN, "#1f2433"))
        x -= w + space
    return out[::-1]


def test_a_justified_line_s_stretched_spaces_are_no_table_gaps() -> None:
    # three justified lines whose last word starts at one x, their spaces stretched to
    # 4.9 pt where the paragraph's other lines space words at 2.6 pt
    plain = [W("Notre Plan d'action stratégique a été validé et publié en fin d'année", 56, 100 + 13 * k, 10.5, width=415) for k in range(3)]
    words = ["aussi", "à", "trouver", "des", "opportunités", "pour", "bâtir", "plus", "prospères.", "Pour"]
    stretched = [_stretched([*words, "cela,"], 471.0, 139 + 13 * k, 4.9) for k in range(3)]
    got = read(*plain, *stretched)
    assert got[3:] == ["aussi à trouver des opportunités pour bâtir plus prospères. Pour cela,"] * 3


def test_a_heading_in_a_column_of_its_own_is_read_before_the_list_centred_on_it() -> None:
    # "ENGAGEMENT / DES MEMBRES" in a left column, in display type; the list beside it
    # is centred on it, so its first line stands above the heading's first
    assert read(
        W("ÉCOUTE ACTIVE", 36, 53, 18.8, True, width=166),
        W("Abidjan / Alejandría / Beirut", 191, 83, 11, width=140),
        W("ENGAGEMENT", 40, 94.3, 14.4, True, width=112), W("Harbin / Incheon / Jember", 191, 97, 11, width=120),
        W("DES MEMBRES", 40, 112.2, 14.4, True, width=118), W("Victoria", 191, 110.8, 11, width=37),
    ) == ["ÉCOUTE ACTIVE", "ENGAGEMENT", "DES MEMBRES", "Abidjan / Alejandría / Beirut", "Harbin / Incheon / Jember", "Victoria"]  # fmt: skip


def test_a_margin_column_beside_the_text_is_read_apart_though_its_lines_fall_level() -> None:
    # a word processor's fields column left of each activity's date, title and text (seed
    # 1374, LibreOffice): no gutter a column finder trusts (the label's dash ends 3 pt
    # before the title, the longest fields line 11 pt before the date), but no line of the
    # column shares a baseline with a line beside it, as words of one line would
    assert read(
        W("Participating members —", 36.1, 322.2, 10.5, width=126.5),
        W("Belo Horizonte; Cairo;", 36.1, 337.3, 10.5, width=102.6), W("6 September", 170.3, 341.6, 10.5, width=60),
        W("Greater Paris; Havana;", 36.1, 352.4, 10.5, width=107.3), W("DIALOGUE ON MOBILITY", 170.3, 359.6, 11.6, True, width=140),
        W("Kuala Lumpur", 36.1, 367.5, 10.5, width=65.3),
        W("Metropolitan challenges —", 36.1, 383.2, 10.5, width=133.5), W("MEETING ON PUBLIC SPACE", 172.6, 387.4, 11.6, True, width=162.3),
        W("1.3 Advancing mobility", 36.1, 398.3, 10.5, width=110), W("Dozens of people took part in the webinar", 172.6, 407.1, 10.5, width=380),
        W("Climate resilience", 36.1, 413.4, 10.5, width=90), W("co-organised by Tehran Municipality", 172.6, 422.2, 10.5, width=380),
    ) == [
        "Participating members —", "Belo Horizonte; Cairo;", "Greater Paris; Havana;", "Kuala Lumpur",
        "6 September", "DIALOGUE ON MOBILITY",
        "Metropolitan challenges —", "1.3 Advancing mobility", "Climate resilience",
        "MEETING ON PUBLIC SPACE", "Dozens of people took part in the webinar", "co-organised by Tehran Municipality",
    ]  # fmt: skip


def test_a_margin_column_two_points_from_the_text_is_read_apart_from_its_first_line() -> None:
    # seed 1440, LibreOffice: a table row whose cells stand 2 pt apart (closer than a word
    # space), the fields column starting half a line above the date; its lines and the
    # date's and title's interleave, so no band of lines holds both sides until the text
    # starts, and the column is read apart from its first line, not from the text's
    assert read(
        W("LÍNEA DE ACCIÓN 1 – DIPLOMACIA", 46.0, 245.9, 14.8, True, width=300),
        W("MIEMBROS PARTICIPANTES Bandar,", 36.0, 271.1, 8.5, True, width=178),
        W("Chengdu, Fuzhou, Kuala Lumpur, Lisbon,", 36.0, 283.4, 8.5, width=179.8),
        W("6 de enero", 218.5, 289.3, 8.5, width=45.5),
        W("Monterrey, Montreal", 36.0, 295.8, 8.5, width=91),
        W("REUNIÓN SOBRE DERECHOS DIGITALES", 218.5, 304.7, 9.4, True, width=220.5),
        W("RESULTADOS ASOCIADOS L2A2D5", 36.0, 311.2, 8.5, True, width=166),
        W("RETOS METROPOLITANOS 1.2 Acceso", 36.0, 326.7, 8.5, True, width=180.4), W("Este evento en línea sirvió para dar a conocer las ciudades", 218.5, 321.4, 8.5, width=586.5),
        W("a la vivienda", 36.0, 339.1, 8.5, width=52), W("seleccionadas por el Comité Técnico del Premio y la Asociación", 218.5, 333.8, 8.5, width=586.5),
    ) == [
        "LÍNEA DE ACCIÓN 1 – DIPLOMACIA",
        "MIEMBROS PARTICIPANTES Bandar,", "Chengdu, Fuzhou, Kuala Lumpur, Lisbon,", "Monterrey, Montreal", "RESULTADOS ASOCIADOS L2A2D5",
        "RETOS METROPOLITANOS 1.2 Acceso", "a la vivienda",
        "6 de enero", "REUNIÓN SOBRE DERECHOS DIGITALES", "Este evento en línea sirvió para dar a conocer las ciudades",
        "seleccionadas por el Comité Técnico del Premio y la Asociación",
    ]  # fmt: skip


def test_a_label_value_table_whose_values_are_centred_on_their_rows_is_read_row_by_row() -> None:
    # seed 1424, LibreOffice: a two-line value sits half a line above its label (cells
    # centred on their rows), 33 pt apart: a table, read row by row; the paragraph's last
    # line above it stays the paragraph's
    assert read(
        W("promote women's full and effective participation in public life", 56.0, 409.7, 10.0, width=483),
        W("elimination of violence.", 56.0, 423.0, 10.0, width=117),
        W("Barcelona (city) · Bogotá · Libreville · Montevideo · Montréal ·", 214.0, 439.4, 10.0, width=307),
        W("MOBILISED MEMBERS", 56.0, 446.6, 10.0, True, width=122),
        W("Nouakchott", 214.0, 453.9, 10.0, width=58),
        W("ASSOCIATED RESULTS", 56.0, 471.4, 10.0, True, width=125), W("L1A2D3 · L1A3D3", 214.0, 471.4, 10.0, width=88),
        W("METROPOLITAN", 56.0, 488.9, 10.0, True, width=89), W("1.1 Tackling inequalities • 3.1 Gender", 214.0, 488.9, 10.0, width=275),
        W("CHALLENGES", 56.0, 503.5, 10.0, True, width=74), W("mainstreaming", 214.0, 503.5, 10.0, width=76),
    ) == [
        "promote women's full and effective participation in public life", "elimination of violence.",
        "Barcelona (city) · Bogotá · Libreville · Montevideo · Montréal ·", "MOBILISED MEMBERS", "Nouakchott",
        "ASSOCIATED RESULTS", "L1A2D3 · L1A3D3", "METROPOLITAN", "1.1 Tackling inequalities • 3.1 Gender", "CHALLENGES", "mainstreaming",
    ]  # fmt: skip


def test_a_heading_across_a_margin_column_and_its_text_two_points_apart_stays_whole() -> None:
    # seed 1409, LibreOffice: the margin column ends a point before the text; the next
    # action line's heading, in bold on one baseline across both, ends the columns
    assert read(
        W("CHALLENGES 1.1 Tackling", 70.0, 372.4, 9.5, width=119), W("The second, held on 20 April under the title", 190.0, 380.9, 9.5, width=352),
        W("inequalities and segregation", 70.0, 386.0, 9.5, width=118), W("development, explored the importance of", 190.0, 394.5, 9.5, width=351),
        W("2.1 Social resilience", 70.0, 399.6, 9.5, width=84), W("common problems, especially now.", 190.0, 408.1, 9.5, width=336),
        W("ACTION LINE 2:", 78.8, 474.0, 12.4, True, width=106.5), W("CAPACITIES TO IMPLEMENT METROPOLITAN", 190.7, 474.0, 12.4, True, width=309.4),
        W("GOVERNANCE", 79.0, 490.4, 12.4, True, width=98),
    ) == [
        "CHALLENGES 1.1 Tackling", "inequalities and segregation", "2.1 Social resilience",
        "The second, held on 20 April under the title", "development, explored the importance of", "common problems, especially now.",
        "ACTION LINE 2: CAPACITIES TO IMPLEMENT METROPOLITAN", "GOVERNANCE",
    ]  # fmt: skip


def test_a_part_title_and_a_section_title_level_head_their_own_columns() -> None:
    # the part's title over the left column, a section's title over a table in the right
    # one, set level: the title closes the table's gutters, not the page's
    assert read(
        W("ESCUCHA ACTIVA", 56, 70.5, 16.4, True, width=169), W("REUNIONES BILATERALES", 315, 76.2, 12.5, True, width=194),
        W("COMPROMISO DE LOS", 56, 99.5, 12.5, True, width=163),
        W("Fecha", 319, 99, 9.6, True, width=32), W("Formato", 384, 99, 9.6, True, width=45), W("Miembros", 449, 99, 9.6, True, width=45), W("Alianzas", 514, 99, 9.6, True, width=40),
        W("MIEMBROS", 56, 114.6, 12.5, True, width=84),
        W("Diciembre", 319, 118.9, 9.6, width=49), W("Presencial", 384, 118.9, 9.6, width=49), W("Ahvaz, Fuzhou", 449, 118.9, 9.6, width=50), W("UNDP", 514, 118.9, 9.6, width=28),
        W("Ahvaz | Alejandría | Amman | Bangui | Bogor |", 56, 134.7, 9.6, width=221),
        W("Brazzaville | Changchun | Dalian | Faisalabad |", 56, 146.3, 9.6, width=222),
        W("Febrero", 319, 163.5, 9.6, width=36), W("Híbrido", 384, 163.5, 9.6, width=35), W("Medellín", 449, 163.5, 9.6, width=44), W("OCDE", 514, 163.5, 9.6, width=30),
    ) == [
        "ESCUCHA ACTIVA", "COMPROMISO DE LOS", "MIEMBROS",
        "Ahvaz | Alejandría | Amman | Bangui | Bogor |", "Brazzaville | Changchun | Dalian | Faisalabad |",
        "REUNIONES BILATERALES",
        "Fecha", "Diciembre", "Formato", "Presencial", "Miembros", "Ahvaz, Fuzhou", "Alianzas", "UNDP",
        "Febrero", "Híbrido", "Medellín", "OCDE",
    ]  # fmt: skip


def test_a_month_under_a_cards_last_label_and_value_follows_them() -> None:
    # label : value rows, the labels in a column of their own; the next month's name
    # under the last label, level with no value, is no second line of that label
    assert read(
        W("Mars", 70, 319, 9.0, True, width=22), W("Format : Hybride", 70, 333, width=62),
        W("Membres :", 70, 347, 9.0, True, width=45), W("Aire métropolitaine de Barcelone · Istanbul ·", 130, 347, width=172),
        W("Alliances :", 70, 361, 9.0, True, width=45), W("ONU-Femmes · Union européenne ·", 130, 361, width=142),
        W("Avril", 70, 376, 9.0, True, width=20), W("Type : En ligne", 70, 390, width=61),
        W("Membres :", 70, 404, 9.0, True, width=45), W("Bangui · Changsha · Niamey · Victoria ·", 130, 404, width=150),
        W("Alliances :", 70, 418, 9.0, True, width=45), W("AL-LAs", 130, 418, width=30),
        W("Mai", 70, 433, 9.0, True, width=17), W("Type : Présentiel", 70, 447, width=68),
    ) == [
        "Mars", "Format : Hybride", "Membres :", "Aire métropolitaine de Barcelone · Istanbul ·", "Alliances :", "ONU-Femmes · Union européenne ·",
        "Avril", "Type : En ligne", "Membres :", "Bangui · Changsha · Niamey · Victoria ·", "Alliances :", "AL-LAs",
        "Mai", "Type : Présentiel",
    ]  # fmt: skip


def _on_pills(line: list[Word], boxes: list[tuple[float, float]], first: int) -> list[Word]:
    """The words of a line printed on pills: the words of each (start, end) box on it."""
    for w in line:
        n = next(k for k, (x0, x1) in enumerate(boxes) if x0 <= w.x0 and w.x1 <= x1)
        w.pill, w.pill_span = first + n, boxes[n]
    return line


def test_names_on_pills_a_gutter_apart_stay_one_line() -> None:
    # pills 3 pt apart, their names 11 pt apart (the boxes' padding): one list, not columns
    members, alliances = W("Gujranwala", 406.4, 238.4, width=52.5), W("Union européenne", 443.2, 252.6, width=84.5)
    assert read(
        W("Avril", 346, 209.9, 9.0, True, width=23), W("Type : En ligne", 346, 224.1, width=70),
        W("Membres :", 345.7, 238.4, width=53.5), _on_pills(members, [(402.7, 462.7)], 1), _on_pills(W("Jilin", 469.8, 238.4, width=18), [(465.7, 492.0)], 2),
        W("Alliances :", 345.7, 252.6, width=52.4), _on_pills(W("CGLU", 405.2, 252.6, width=27.2), [(401.2, 436.5)], 3), _on_pills(alliances, [(439.5, 531.7)], 4),
    ) == ["Avril", "Type : En ligne", "Membres : Gujranwala · Jilin ·", "Alliances : CGLU · Union européenne ·"]  # fmt: skip


def test_the_feet_of_cards_carried_to_a_page_head_stay_apart() -> None:
    # boxes of one line's height, 6 pt apart, but as wide as the cards: no pills
    left, right = W("Alcalde de Johannesburgo", 68.6, 58, 11, width=116), W("Alcalde de Rabat", 310.2, 58, 11, width=76)
    assert read(
        _on_pills(left, [(61.0, 297.6)], 1), _on_pills(right, [(302.6, 539.3)], 2),
        W("Asia-Pacífico", 69, 120, 16, True, width=110),
    ) == ["Alcalde de Johannesburgo", "Alcalde de Rabat", "Asia-Pacífico"]  # fmt: skip


def _letter_spaced(text: str, x0: float, top: float, size: float) -> list[Word]:
    """A bold display line set letter by letter, as a browser prints letter-spacing: each
    letter a word, 2 pt between letters, 9.5 pt between words."""
    out, x = [], x0
    for ch in text:
        if ch == " ":
            x += 7.5
            continue
        out.append(Word(ch, x, x + 0.65 * size, top, top + size, size, BOLD, "#3d3d8f"))
        x += 0.65 * size + 2
    return out


def test_a_letter_spaced_heading_s_word_space_on_a_grid_gutter_keeps_the_heading_whole() -> None:
    # "Engagement des membres", letter-spaced: its word space (9.5 pt, wider than the
    # column gap) falls on the gutter of the three-column grid of names under it; the page's
    # right column has a heading level with it
    heading = _letter_spaced("Engagement des membres", 70, 124, 15.7)
    second = next(w.x0 for w in heading if w.text == "d") - 0.7  # the grid's second column
    right = _letter_spaced("Réunions bilatérales", 489, 129, 15.7)
    names = [("Abidjan", "Buenos Aires", "La Havane"), ("Berlin", "Chengdu", "Niamey"), ("Bruxelles", "Jakarta", "Surabaya")]
    grid = [W(name, x, 148 + 17.3 * r, 9.0, width=len(name) * 4.6) for r, row in enumerate(names) for name, x in zip(row, (73, second, second + 134))]
    below = [W("Mars", 501, 163, 9.0, width=22), W("Type : En ligne", 501, 177, 9.0, width=70)]
    assert read(heading, right, *grid, *below) == [
        "Engagement des membres",
        "Abidjan", "Berlin", "Bruxelles", "Buenos Aires", "Chengdu", "Jakarta", "La Havane", "Niamey", "Surabaya",
        "Réunions bilatérales", "Mars", "Type : En ligne",
    ]  # fmt: skip


def _at(*words: tuple[str, float, float], top: float, size: float = 8.5, bold: bool = False) -> list[Word]:
    """One printed line of words set where the page puts them: (text, x0, x1)."""
    return [Word(text, x0, x1, top, top + size, size, BOLD if bold else PLAIN, "#000000") for text, x0, x1 in words]


def test_a_heading_at_the_foot_of_a_table_s_block_follows_its_last_column() -> None:
    # a media table (month, outlet, title), then the next section's heading under its first
    # two columns with nothing under it in the block: read after the table's last column,
    # not between its columns (a word processor's page, its words where pdfplumber reads them)
    lines = [
        _at(("Mes", 70.1, 86.6), ("Medio", 137.7, 162.2), ("Título", 264.5, 287.6), top=421.9, bold=True),
        _at(
            ("Julio", 70.1, 87.5),
            ("2019", 89.9, 108.8),
            ("LA", 137.7, 148.1),
            ("Network", 150.4, 181.6),
            ("Cities", 264.5, 285.7),
            ("for", 288.1, 298.0),
            ("Global", 300.3, 324.8),
            ("Health", 327.2, 351.7),
            top=437.1,
        ),
        _at(("DeLoG", 137.7, 164.6), ("Plan", 264.5, 281.5), ("de", 283.8, 293.3), ("acción", 295.7, 320.2), ("estratégico/Plataforma", 322.6, 407.5), ("use", 409.9, 423.5), top=452.3),
        _at(
            ("Agosto", 70.1, 96.5),
            ("2019", 98.9, 117.8),
            ("Ciudad", 137.7, 164.6),
            ("Sostenible", 167.0, 206.6),
            ("Webinario", 264.5, 302.7),
            ("sobre", 305.1, 326.3),
            ("desigualdades", 328.7, 383.5),
            ("urbanas", 385.8, 416.5),
            top=467.5,
        ),
        _at(("Septiembre", 70.1, 113.5), ("2019", 115.9, 134.8), ("PNUD", 137.7, 161.7), ("Learning", 264.5, 297.5), ("from", 299.9, 316.9), ("cities", 319.2, 338.6), top=482.7),
        _at(("Chicago", 137.7, 168.8), ("Council", 171.2, 199.6), ("on", 201.9, 211.4), ("Global", 213.7, 238.2), top=497.9),
        _at(("MetroTalks", 264.5, 306.5), top=504.0),
        _at(("Affairs", 137.7, 161.7), top=510.2),
        _at(
            ("Cities", 137.7, 158.9),
            ("Today", 161.3, 184.9),
            ("Entrevista", 264.5, 302.2),
            ("con", 304.6, 318.3),
            ("la", 320.7, 327.3),
            ("alcaldesa", 329.6, 365.5),
            ("Valérie", 367.8, 394.3),
            ("Plante", 396.6, 420.7),
            top=525.4,
        ),
        _at(("ciestobe", 137.7, 169.3), ("Ciudades", 264.5, 300.3), ("e", 302.7, 307.4), ("internacionalización", 309.8, 384.5), top=540.6),
        _at(("PNUD", 137.7, 161.7), ("Webinario", 264.5, 302.7), ("sobre", 305.1, 326.3), ("urbanismo", 328.7, 368.4), ("táctico", 370.7, 395.2), top=555.8),
        _at(("AMB", 137.7, 156.1), ("Plan", 264.5, 281.5), ("de", 283.8, 293.3), ("internacionalización", 295.7, 370.3), ("del", 372.6, 383.9), ("AMB", 386.3, 404.7), top=571.0),
        _at(("Agencia", 137.7, 168.4), ("Shahr", 170.7, 193.4), top=586.2),
        _at(("Escucha", 80.3, 153.8), ("activa", 160.8, 214.2), top=611.1, size=14.6, bold=True),
    ]
    blocks = reading_blocks([w for ln in lines for w in ln], [], 612.0, 792.0, 9.35)
    read = [_row_to_line(row, 1, 0).text for block in blocks for row in block_rows(block)]
    assert read[-1] == "Escucha activa" and read.index("Título") < read.index("Escucha activa")


def test_words_lined_up_a_word_space_apart_open_no_column() -> None:
    # "Secretaría" twice, under "Puntos focales": the words after it start where the
    # heading's second word does (within half a point), each a plain word space after the
    # word before it; no cell starts there, and the heading is read whole (a word
    # processor's page, its words where pdfplumber reads them)
    lines = [
        _at(("•", 64.8325, 67.85), ("Rabat", 72.1, 94.7525), top=69.5),
        _at(("•", 64.8325, 67.85), ("Túnez", 72.1, 95.645), top=88.8),
        _at(("•", 64.8325, 67.85), ("Victoria", 72.1, 100.405), top=108.1),
        _at(("•", 64.8325, 67.85), ("Yaundé", 72.1, 101.323), top=127.4),
        _at(("Puntos", 76.0, 109.0565), ("focales", 112.0655, 145.428), top=150.6, bold=True),
        _at(
            ("Función", 70.1, 103.063), ("en", 105.46, 115.3455), ("la", 117.7425, 124.772), ("junta", 127.135, 147.433), ("Nombre", 152.7, 184.8045), ("Miembro", 215.7, 251.06), top=165.1, bold=True
        ),
        _at(("Secretaría", 70.1, 109.2935), ("regional", 111.5715, 141.84), ("Sithole", 152.7, 178.608), ("Mbanga", 180.9795, 211.69), ("Gauteng", 215.7, 248.2125), top=183.8),
        _at(
            ("Secretaría", 70.1, 109.2935),
            ("general", 111.5715, 139.9445),
            ("Hélène", 152.7, 179.6195),
            ("Jourdan", 181.9825, 212.693),
            ("Oficial", 215.7, 239.2705),
            ("regional", 241.6675, 271.8425),
            top=202.5,
        ),
    ]
    blocks = reading_blocks([w for ln in lines for w in ln], [], 612.0, 792.0, 9.35)
    assert [_row_to_line(row, 1, 0).text for block in blocks for row in block_rows(block)][:6] == [
        "• Rabat", "• Túnez", "• Victoria", "• Yaundé", "Puntos focales", "Función en la junta",
    ]  # fmt: skip
