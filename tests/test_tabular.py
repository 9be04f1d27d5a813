"""tabular.py on hand-built lines: unruled tables from a header row, ruled grids (also
transposed and continued on the next page), and what is not a table."""

from __future__ import annotations

from metroextract.models import Line
from metroextract.tabular import find_tables
from metroextract.vocab import load_vocabulary

from .sections._lines import tight

FR = load_vocabulary("fr")
EN = load_vocabulary("en")


def L(text: str, x0: float, top: float, *, page: int = 1, size: float = 10.0, bold: bool = False, cell=None) -> Line:
    return Line(page=page, text=text, x0=x0, top=top, x1=x0 + 6 * len(text), bottom=top + size, size=size, bold=bold, font="F-Bold" if bold else "F", color="#000000", upper=False, cell=cell)


def cells(table) -> list[dict[str, str]]:
    return [{k: " ".join(ln.text for ln in v) for k, v in rec.items()} for rec in table.records()]


def test_unruled_table_from_header_row_with_wrapped_cell_and_empty_month():
    lines = [
        L("Mois", 50, 100, bold=True),
        L("Média", 150, 100, bold=True),
        L("Titre", 300, 100, bold=True),
        L("Janvier", 50, 118),
        L("ALLAS", 150, 118),
        L("Montevideo global", 300, 118),
        L("Cities Today", 150, 136),
        L("Entretien avec la maire", 300, 136),
        L("Ada Colau", 300, 147),  # wrapped: 1 pt under the line above
        L("Février", 50, 165),
        L("AMB", 150, 165),
        L("Assemblée générale", 300, 165),
    ]
    (table,) = find_tables(lines, FR, ("month", "outlet", "title"), required=("outlet",))
    assert table.keys == ["month", "outlet", "title"]
    assert cells(table) == [
        {"month": "Janvier", "outlet": "ALLAS", "title": "Montevideo global"},
        {"month": "", "outlet": "Cities Today", "title": "Entretien avec la maire Ada Colau"},
        {"month": "Février", "outlet": "AMB", "title": "Assemblée générale"},
    ]
    assert len(table.lines) == len(lines)


def test_header_repeated_on_the_next_page_continues_the_table():
    lines = [
        L("Name", 50, 100, bold=True),
        L("Position", 250, 100, bold=True),
        L("Jordi Vaquer", 50, 118),
        L("Secretary General", 250, 118),
        L("Name", 50, 60, page=2, bold=True),
        L("Position", 250, 60, page=2, bold=True),
        L("Agnès Bickart", 50, 78, page=2),
        L("Director", 250, 78, page=2),
    ]
    (table,) = find_tables(lines, EN, ("name", "position"), required=("name", "position"))
    assert cells(table) == [{"name": "Jordi Vaquer", "position": "Secretary General"}, {"name": "Agnès Bickart", "position": "Director"}]


def test_card_labels_side_by_side_are_no_table():
    """Two meeting cards printing "Membres" and "Alliances" on one baseline."""
    lines = [L("Membres", 50, 100, bold=True), L("Alliances", 300, 100, bold=True), L("Abidjan", 50, 118), L("CGLU", 300, 118)]
    assert find_tables(lines, FR, ("month", "format", "members", "alliances"), required=("month",)) == []


def test_ruled_transposed_table_turns_months_into_records():
    grid = [
        ["", "Janvier", "Février"],
        ["Format", "En ligne", "Présentiel"],
        ["Membres", "Abidjan\nDakar", "Lima"],
        ["Alliances", "CGLU", ""],
    ]
    lines = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            for k, part in enumerate(t for t in text.split("\n") if t):
                lines.append(L(part, 50 + 120 * c, 100 + 40 * r + 11 * k, cell=(0, r, c)))
    (table,) = find_tables(lines, FR, ("month", "format", "members", "alliances"))
    assert table.keys == ["month", "format", "members", "alliances"]
    assert cells(table) == [
        {"month": "Janvier", "format": "En ligne", "members": "Abidjan Dakar", "alliances": "CGLU"},
        {"month": "Février", "format": "Présentiel", "members": "Lima", "alliances": ""},
    ]
    assert {ln.text for ln in table.header} == {"Janvier", "Février", "Format", "Membres", "Alliances"}


def _row_line(cells_at: list[tuple[str, float]], top: float, *, bold: bool = False) -> Line:
    """One line holding several cells set close (the layout's seams in `breaks`)."""
    text, breaks = "", []
    for k, (cell, x0) in enumerate(cells_at):
        if k:
            breaks.append((len(text) + 1, cells_at[k - 1][1] + 6 * len(cells_at[k - 1][0]), x0))
            text += " "
        text += cell
    first = L(text, cells_at[0][1], top, bold=bold)
    return first.model_copy(update={"x1": cells_at[-1][1] + 6 * len(cells_at[-1][0]), "breaks": breaks})


def test_cells_on_one_line_are_cut_at_its_seams():
    header = _row_line([("Rôle", 50), ("Nom complet", 175), ("Ville", 270)], 100, bold=True)
    row1 = _row_line([("Secrétaire régional", 50), ("Sithole Mbanga", 175), ("Gauteng", 270)], 118)
    lines = [header, row1]
    (table,) = find_tables(lines, FR, ("role", "name", "place"), required=("role", "name"))
    assert table.keys == ["role", "name", "place"]
    assert cells(table) == [{"role": "Secrétaire régional", "name": "Sithole Mbanga", "place": "Gauteng"}]
    assert {id(ln) for ln in lines} <= {id(ln) for ln in table.lines}  # the cut lines count as used


def test_unruled_table_runs_on_next_page_and_a_new_header_row_starts_another():
    lines = [
        L("Role", 50, 100, bold=True),
        L("Name", 180, 100, bold=True),
        L("City", 300, 100, bold=True),
        L("Regional Secretary", 50, 118),
        L("Sithole Mbanga", 180, 118),
        L("Gauteng", 300, 118),
        L("General Secretariat", 50, 40, page=2),  # no header repeated
        L("Hélène Jourdan", 180, 40, page=2),
        L("Regional Officer", 300, 40, page=2),
        L("Board role", 50, 70, page=2, bold=True),
        L("Person", 180, 70, page=2, bold=True),
        L("Post", 300, 70, page=2, bold=True),
        L("Co-president", 50, 88, page=2),
        L("David Makhura", 180, 88, page=2),
        L("Premier of Gauteng", 300, 88, page=2),
    ]
    focal, board = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert cells(focal) == [
        {"role": "Regional Secretary", "name": "Sithole Mbanga", "place": "Gauteng"},
        {"role": "General Secretariat", "name": "Hélène Jourdan", "place": "Regional Officer"},
    ]
    assert cells(board) == [{"role": "Co-president", "name": "David Makhura", "position": "Premier of Gauteng"}]


def test_header_cell_wrapped_over_two_lines_beside_centred_cells():
    # "Function in the" / "board" beside "Full name" and "Title" set on its middle
    lines = [
        L("Function in the", 40, 100, bold=True),
        L("Full name", 160, 106, bold=True),
        L("Title", 300, 106, bold=True),
        L("board", 40, 112, bold=True),
        L("Co-president", 40, 132),
        L("Ada Colau", 160, 132),
        L("Mayor of Barcelona", 300, 132),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert table.keys == ["role", "name", "position"]
    assert cells(table) == [{"role": "Co-president", "name": "Ada Colau", "position": "Mayor of Barcelona"}]
    assert len(table.lines) == len(lines)


def test_header_cell_wrapped_under_a_header_that_names_its_column_already():
    # "Nombre" / "completo": "Nombre" names the column, "Nombre completo" too; the second
    # line is header, not a first row
    lines = [
        L("Rol", 40, 100, bold=True),
        L("Nombre", 160, 100, bold=True),
        L("Cargo", 300, 100, bold=True),
        L("completo", 160, 112, bold=True),
        L("Copresidencia", 40, 132),
        L("Ada Colau", 160, 132),
        L("Alcaldesa de Barcelona", 300, 132),
    ]
    (table,) = find_tables(lines, load_vocabulary("es"), ("role", "name", "position", "place"), required=("role", "name"))
    assert cells(table) == [{"role": "Copresidencia", "name": "Ada Colau", "position": "Alcaldesa de Barcelona"}]


def test_unruled_header_at_a_page_foot_heads_the_ruled_rows_on_the_next_page():
    # rules between the body's rows only: the header row stands alone at the foot of the
    # page, the rows are a ruled grid at the head of the next one; "Member" in the first
    # column must not make the grid a transposed table
    lines = [
        L("Role", 40, 780, bold=True),
        L("Name", 160, 780, bold=True),
        L("Title", 300, 780, bold=True),
        L("Co-president", 40, 40, page=2, cell=(0, 0, 0)),
        L("Ada Colau", 160, 40, page=2, cell=(0, 0, 1)),
        L("Mayor of Barcelona", 300, 40, page=2, cell=(0, 0, 2)),
        L("Member", 40, 60, page=2, cell=(0, 1, 0)),
        L("Patrick Ollier", 160, 60, page=2, cell=(0, 1, 1)),
        L("President of Greater Paris", 300, 60, page=2, cell=(0, 1, 2)),
        L("Member", 40, 80, page=2, cell=(0, 2, 0)),
        L("Laura Pérez", 160, 80, page=2, cell=(0, 2, 1)),
        L("Deputy Mayor", 300, 80, page=2, cell=(0, 2, 2)),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert table.keys == ["role", "name", "position"]
    assert cells(table) == [
        {"role": "Co-president", "name": "Ada Colau", "position": "Mayor of Barcelona"},
        {"role": "Member", "name": "Patrick Ollier", "position": "President of Greater Paris"},
        {"role": "Member", "name": "Laura Pérez", "position": "Deputy Mayor"},
    ]


def test_header_at_the_foot_of_a_third_column_heads_the_ruled_rows_overleaf():
    # the header ends the page's third column; the second column's list runs on below its
    # foot; the rows are a ruled grid at the head of the next page's first column
    lines = [
        L("• Harbin", 303, 780),
        L("Role", 574, 780, bold=True),
        L("Name", 652, 780, bold=True),
        L("Place", 731, 780, bold=True),
        L("• Hyderabad", 303, 792),
        L("• Incheon", 303, 804),
        L("Regional Secretary", 40, 40, page=2, cell=(0, 0, 0)),
        L("Decun Zhan", 118, 40, page=2, cell=(0, 0, 1)),
        L("Guangzhou", 197, 40, page=2, cell=(0, 0, 2)),
        L("General Secretariat", 40, 67, page=2, cell=(0, 1, 0)),
        L("Agnès Bickart", 118, 67, page=2, cell=(0, 1, 1)),
        L("Regional Officer", 197, 67, page=2, cell=(0, 1, 2)),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert table.keys == ["role", "name", "place"]
    assert cells(table) == [
        {"role": "Regional Secretary", "name": "Decun Zhan", "place": "Guangzhou"},
        {"role": "General Secretariat", "name": "Agnès Bickart", "place": "Regional Officer"},
    ]


def test_unruled_header_at_a_page_foot_runs_on_in_the_next_page_first_column():
    # the header row ends the last column of one page; its rows open the first column of
    # the next page, beside that page's other columns
    lines = [
        L("Rôle", 645, 484, page=10, bold=True),
        L("Nom", 740, 484, page=10, bold=True),
        L("Poste", 834, 484, page=10, bold=True),
        L("Présidence", 41, 41, page=11),
        L("Wen Guohui", 136, 41, page=11),
        L("Maire de Guangzhou", 230, 41, page=11),
        L("Rabat", 343, 41, page=11),  # the next page column, level with the first row
        L("Coprésidente", 41, 75, page=11),
        L("Pirouz Hanachi", 136, 75, page=11),
        L("Maire de Téhéran", 230, 75, page=11),
        L("Tunis", 343, 75, page=11),
    ]
    (table,) = find_tables(lines, FR, ("role", "name", "position"), required=("name",))
    assert cells(table) == [
        {"role": "Présidence", "name": "Wen Guohui", "position": "Maire de Guangzhou"},
        {"role": "Coprésidente", "name": "Pirouz Hanachi", "position": "Maire de Téhéran"},
    ]


def test_unruled_header_at_a_column_foot_heads_the_ruled_rows_at_the_next_column_head():
    # one page, two page columns: the header row ends the left column, its rows are a
    # ruled grid at the head of the right column, higher up the same page
    lines = [
        L("Results — L3A1D2", 56, 58),
        L("Date", 62, 239, bold=True),
        L("Medium", 147, 239, bold=True),
        L("Headline", 254, 239, bold=True),
        L("May", 436, 62, cell=(0, 0, 0)),
        L("Chicago Council", 522, 62, cell=(0, 0, 1)),
        L("MetroTalks", 628, 62, cell=(0, 0, 2)),
        L("June", 436, 113, cell=(0, 1, 0)),
        L("DeLoG", 522, 113, cell=(0, 1, 1)),
        L("Strategic Action Plan", 628, 113, cell=(0, 1, 2)),
    ]
    (table,) = find_tables(lines, EN, ("month", "outlet", "title"), required=("outlet",))
    assert cells(table) == [
        {"month": "May", "outlet": "Chicago Council", "title": "MetroTalks"},
        {"month": "June", "outlet": "DeLoG", "title": "Strategic Action Plan"},
    ]


def test_unruled_table_runs_on_at_the_head_of_the_next_page_column():
    # the rows reach the foot of the left page column; the last one is printed at the
    # head of the right column, read after the table (the next region's heading and
    # list follow it there)
    lines = [
        L("Board role", 61, 529, bold=True),
        L("Name", 142, 529, bold=True),
        L("Function", 262, 529, bold=True),
        L("Co-president", 61, 551),
        L("David Makhura", 142, 551),
        L("Premier of Gauteng", 262, 551),
        L("Member", 61, 575),
        L("Soham El Wardini", 142, 575),
        L("Mayor of Dakar", 262, 575),
        L("Member", 320, 61),
        L("Mohammed Sadiki", 401, 61),
        L("Mayor of Rabat", 521, 61),
        L("Asia-Pacific", 315, 102, size=13, bold=True),
        L("• Ahvaz", 321, 124),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position"), required=("role", "name"))
    assert cells(table) == [
        {"role": "Co-president", "name": "David Makhura", "position": "Premier of Gauteng"},
        {"role": "Member", "name": "Soham El Wardini", "position": "Mayor of Dakar"},
        {"role": "Member", "name": "Mohammed Sadiki", "position": "Mayor of Rabat"},
    ]


def test_unruled_table_runs_on_at_the_next_page_column_head_its_last_row_cut():
    # the header and two rows end the middle page column; the second row's position is
    # printed at the head of the right column, above the rows that go on there
    lines = [
        L("Personne", 354, 416, bold=True),
        L("Fonction", 459, 416, bold=True),
        L("Octavi de la Varga", 354, 436),
        L("Secrétaire général", 459, 436),
        L("Guillaume Berret", 354, 457),
        L("Chargé de recherche et", 738, 72),
        L("projets pilotes", 738, 83),
        L("Xavier Borrell", 634, 103),
        L("Chargé de services partagés", 738, 103),
        L("Marta Briones", 634, 123),
        L("Chargée de communication", 738, 123),
    ]
    (table,) = find_tables(lines, FR, ("name", "position"), required=("name",))
    assert cells(table) == [
        {"name": "Octavi de la Varga", "position": "Secrétaire général"},
        {"name": "Guillaume Berret", "position": "Chargé de recherche et projets pilotes"},
        {"name": "Xavier Borrell", "position": "Chargé de services partagés"},
        {"name": "Marta Briones", "position": "Chargée de communication"},
    ]


def test_unruled_table_runs_on_at_the_next_page_head_in_another_page_column_its_last_row_cut():
    # the table fills the right page column's foot; the next page goes on in its left
    # column, the last row's position first (cut by the page break), no header repeated;
    # the next page's right column holds another region, level with the rows
    lines = [
        L("Board role", 311, 690, bold=True),
        L("Name", 396, 690, bold=True),
        L("Function", 480, 690, bold=True),
        L("Member", 311, 712),
        L("Laura Pérez", 396, 712),
        L("Deputy Mayor for", 480, 712),
        L("City Council", 209, 38, page=2),
        L("Member", 41, 97, page=2),
        L("Patrick Ollier", 125, 97, page=2),
        L("President of Paris", 209, 97, page=2),
        L("North America", 307, 97, page=2, size=14, bold=True),
        L("Member", 41, 131, page=2),
        L("José Luis", 125, 131, page=2),
        L("Mayor of Madrid", 209, 131, page=2),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position"), required=("role", "name"))
    assert cells(table) == [
        {"role": "Member", "name": "Laura Pérez", "position": "Deputy Mayor for City Council"},
        {"role": "Member", "name": "Patrick Ollier", "position": "President of Paris"},
        {"role": "Member", "name": "José Luis", "position": "Mayor of Madrid"},
    ]


def test_unruled_table_runs_on_in_a_ruled_grid_at_the_next_column_head():
    # the rows go on at the head of the right page column in a grid ruled between its
    # rows, no header: one "Member" under the other there is a column, not row headers
    lines = [
        L("Board role", 41, 442, bold=True),
        L("Person", 125, 442, bold=True),
        L("Job title", 209, 442, bold=True),
        L("Co-president", 41, 477),
        L("Carolina Cosse", 125, 477),
        L("Mayor of Montevideo", 209, 477),
        L("Member", 312, 41, cell=(0, 0, 0)),
        L("Horacio Larreta", 396, 41, cell=(0, 0, 1)),
        L("Head of Government", 480, 41, cell=(0, 0, 2)),
        L("Member", 312, 126, cell=(0, 1, 0)),
        L("Mario Durán", 396, 126, cell=(0, 1, 1)),
        L("Mayor of San Salvador", 480, 126, cell=(0, 1, 2)),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert cells(table) == [
        {"role": "Co-president", "name": "Carolina Cosse", "position": "Mayor of Montevideo"},
        {"role": "Member", "name": "Horacio Larreta", "position": "Head of Government"},
        {"role": "Member", "name": "Mario Durán", "position": "Mayor of San Salvador"},
    ]


def test_cards_under_a_heading_at_the_next_page_head_do_not_continue_a_table():
    # the focal points table ends the page; the next page opens with the board's
    # heading, then cards three abreast whose left edges happen to fall on its columns
    lines = [
        L("Role", 494, 399, bold=True),
        L("Person", 639, 399, bold=True),
        L("Place", 784, 399, bold=True),
        L("Regional Secretary", 494, 422),
        L("Hugo França", 639, 422),
        L("Belo Horizonte", 784, 422),
        L("MEMBERS OF THE BOARD OF DIRECTORS", 36, 37, page=2, size=8, bold=True),
        L("Carolina Cosse", 48, 64, page=2, bold=True),
        L("Pablo Javkin", 192, 64, page=2, bold=True),
        L("Claudia López", 335, 64, page=2, bold=True),
    ]
    (table,) = find_tables(lines, EN, ("role", "name", "position", "place"), required=("role", "name"))
    assert cells(table) == [{"role": "Regional Secretary", "name": "Hugo França", "place": "Belo Horizonte"}]


def test_names_level_with_the_header_in_the_next_page_column_are_no_header_cells():
    # a member grid in the middle page column, the board table in the right one: the
    # grid's names share the header's baseline and every row's
    grid = [L(name, x, 100 + 18 * r) for r, pair in enumerate([("Gwangju", "Téhéran"), ("Gyeonggi", "Tianjin"), ("Haikou", "Ulsan")]) for name, x in zip(pair, (250, 330))]
    table = [
        *(L(h, x, 100, bold=True) for h, x in (("Rôle", 460), ("Personne", 560), ("Titre", 660))),
        *(L(t, x, 118) for t, x in (("Présidence", 460), ("Wen Guohui", 560), ("Maire de Guangzhou", 660))),
        *(L(t, x, 136) for t, x in (("Coprésidente", 460), ("Pirouz Hanachi", 560), ("Maire de Téhéran", 660))),
    ]
    (t,) = find_tables(sorted(grid + table, key=lambda ln: (ln.top, ln.x0)), FR, ("role", "name", "position"), required=("role", "name"))
    assert (t.keys, cells(t)) == (
        ["role", "name", "position"],
        [{"role": "Présidence", "name": "Wen Guohui", "position": "Maire de Guangzhou"}, {"role": "Coprésidente", "name": "Pirouz Hanachi", "position": "Maire de Téhéran"}],
    )


def test_a_contact_box_level_with_the_header_in_the_next_page_column_stays_out_of_the_rows():
    # the secretariat's table in the left page column, the contact box in the right one
    contact = [L(t, 400, 100 + 18 * n) for n, t in enumerate(["Tél. +34 93 342 94 60", "metropolis@metropolis.org", "metropolis.org"])]
    table = [
        *(L(h, 75, 100, bold=True) for h in ["Nom complet"]),
        L("Position", 235, 100, bold=True),
        *(L(t, x, 118) for t, x in (("Octavi de la Varga", 75), ("Secrétaire général", 235))),
        *(L(t, x, 136) for t, x in (("Xavier Bermejo", 75), ("Responsable", 235))),
    ]
    (t,) = find_tables(sorted(table + contact, key=lambda ln: (ln.top, ln.x0)), FR, ("name", "position"), required=("name",))
    assert cells(t) == [{"name": "Octavi de la Varga", "position": "Secrétaire général"}, {"name": "Xavier Bermejo", "position": "Responsable"}]


def test_a_row_set_tight_is_cut_at_the_header_columns_overleaf():
    # the header ends its page; the one row overleaf is read as one line, its cells 6 pt
    # apart: each word starting where a header cell does opens that column's cell
    lines = [
        L("Mois", 45, 760, bold=True),
        L("Type", 71, 760, bold=True),
        L("Membres", 110, 760, bold=True),
        L("Alliances", 242, 760, bold=True),
        tight([("Août", 45), ("En ligne", 71), ("Belo Horizonte, Durban", 110), ("CGLU ASPAC", 242)], 60, page=2),
    ]
    (table,) = find_tables(lines, FR, ("month", "format", "members", "alliances"), required=("month",))
    assert cells(table) == [{"month": "Août", "format": "En ligne", "members": "Belo Horizonte, Durban", "alliances": "CGLU ASPAC"}]
    assert id(lines[-1]) in {id(ln) for ln in table.lines}  # the cut line counts as used
