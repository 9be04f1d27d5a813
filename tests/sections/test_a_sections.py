"""Key figures, regions, secretariat and contact as generated designs print them (issue
#24): figures beside or run in before their labels, tables read after the text under
them, cards printed name first, a contact box split across two columns."""

from __future__ import annotations

from metroextract.models import Contact, KeyFigure, Line
from metroextract.sections import parse_key_figures, parse_secretariat, parse_who
from metroextract.sections.cards import parse_cards
from metroextract.sections.contact import contact_lines
from metroextract.sections.key_figures import is_number_line, split_across
from metroextract.sections.lines import above_in_column, join_wrapped, joined_headers, tables_in_place

from ._lines import EN, ES, FR, L, texts


def runs(ln: Line, *parts: tuple[str, bool]) -> Line:
    return ln.model_copy(update={"runs": list(parts)})


def cell(ln: Line, table: int, row: int, col: int) -> Line:
    return ln.model_copy(update={"cell": (table, row, col)})


# --------------------------------------------------------------------------- key figures


def test_key_figures_table_pairs_each_number_with_the_label_on_its_row() -> None:
    lines = [
        L("Du 1er novembre au 31 janvier", 36, 115, 11, True, width=146),
        L("+1 380", 41, 136, 11, True, width=31),
        L("personnes engagées dans des événements organisés ou", 176, 136, 11, width=300),
        L("coorganisés par Metropolis", 176, 149, 11, width=150),
        L("119", 41, 170, 11, True, width=16),
        L("collaborations avec des spécialistes", 176, 170, 11, width=155),
    ]
    assert parse_key_figures(lines, 11, FR) == (
        "Du 1er novembre au 31 janvier",
        [
            KeyFigure(text="+1 380", value=1380, label="personnes engagées dans des événements organisés ou coorganisés par Metropolis"),
            KeyFigure(text="119", value=119, label="collaborations avec des spécialistes"),
        ],
    )


def test_key_figures_run_in_after_a_bold_number_with_the_label_wrapped() -> None:
    lines = [
        L("From 1 January to 30 April", 45, 140, 10.5, True, width=140),
        runs(L("+1,120 people engaged in events organised or co-", 45, 156, 10.5, width=205), ("+1,120", True), ("people engaged in events organised or co-", False)),
        L("organised by Metropolis", 45, 169, 10.5, width=110),
        runs(L("97 collaborations with experts", 45, 185, 10.5, width=150), ("97", True), ("collaborations with experts", False)),
    ]
    period, figs = parse_key_figures(lines, 10.5, EN, {"co-organised"})
    assert period == "From 1 January to 30 April"
    assert figs == [
        KeyFigure(text="+1,120", value=1120, label="people engaged in events organised or co-organised by Metropolis"),
        KeyFigure(text="97", value=97, label="collaborations with experts"),
    ]


def test_key_figures_run_in_without_runs_and_codes_are_not_figures() -> None:
    lines = [L("+1 120 personnes engagées", 45, 156, 10.5), L("1.1 Lutter contre les inégalités", 45, 180, 10.5)]
    assert parse_key_figures(lines, 10.5, FR) == (None, [KeyFigure(text="+1 120", value=1120, label="personnes engagées")])
    assert not is_number_line("1.1") and not is_number_line("3.12") and is_number_line("2,5%")


def test_a_number_line_across_two_tiles_is_two_numbers() -> None:
    two = L("+1 380 119", 77, 167.5, 21, True, width=151.8)
    labels = [L("personnes", 77, 193.6, 10.5), L("collaborations", 185, 193.6, 10.5)]
    assert texts(split_across(two, [two, *labels])) == ["+1 380", "119"]
    one = L("+1 380", 77, 167.5, 21, True, width=70)
    assert split_across(one, [one, *labels]) == [one]


def test_join_wrapped_keeps_a_hyphen_the_report_prints_whole() -> None:
    assert join_wrapped(["organised or co-", "organised by"], {"co-organised"}) == "organised or co-organised by"
    assert join_wrapped(["les métho-", "dologies"], {"méthodologies"}) == "les méthodologies"
    assert join_wrapped(["Addis-", "Abeba"]) == "Addis-Abeba"


# --------------------------------------------------------------------------- contact and secretariat


def test_contact_box_stops_at_the_gap_above_it_and_its_title_is_not_staff() -> None:
    lines = [
        runs(L("Laura Valdés — Research and Communication Officer", 70, 572, 9, width=300), ("Laura Valdés", True), ("— Research and Communication Officer", False)),
        runs(L("Joana Marí — Intern – Universitat Pompeu Fabra", 70, 585, 9, width=220), ("Joana Marí", True), ("— Intern – Universitat Pompeu Fabra", False)),
        L("General Secretariat", 70, 612.5, 9, True, width=100),
        L("Avinyó, 15. 08002 Barcelona (Spain)", 70, 625.6, 9, width=165),
        L("Tel. +34 93 342 94 60", 70, 638.8, 9, width=100),
        L("metropolis@metropolis.org", 70, 651.9, 9, width=122),
    ]
    staff, contact = parse_secretariat(lines, 9, EN)
    assert [(s.name, s.position) for s in staff] == [("Laura Valdés", "Research and Communication Officer"), ("Joana Marí", "Intern – Universitat Pompeu Fabra")]
    assert contact == Contact(address="Avinyó, 15. 08002 Barcelona (Spain)", phone="+34 93 342 94 60", email="metropolis@metropolis.org", website=None)


def test_contact_address_at_the_foot_of_the_column_before_the_box() -> None:
    # read after the box (the right column's top comes first) ...
    box = [L("Tél. +34 93 342 94 60", 430, 47, 9.5), L("metropolis@metropolis.org", 430, 62, 9.5), L("metropolis.org", 430, 76.5, 9.5)]
    foot = [L("Secrétariat général", 45, 514, 9.5, True), L("Avinyó, 15. 08002 Barcelona (Espagne)", 45, 528.6, 9.5)]
    contact, used = contact_lines(box + foot)
    assert contact is not None and contact.address == "Avinyó, 15. 08002 Barcelona (Espagne)" and used == {0, 1, 2, 3, 4}
    # ... or before it
    contact, used = contact_lines(foot + box)
    assert contact is not None and contact.address == "Avinyó, 15. 08002 Barcelona (Espagne)" and used == {0, 1, 2, 3, 4}


def test_secretariat_table_without_rules_does_not_take_the_contact_box_as_rows() -> None:
    lines = [
        L("Nombre", 50, 75, 11, True),
        L("Función", 252, 75, 11, True),
        L("Octavi de la Varga", 50, 95, 11),
        L("Secretario general", 252, 95, 11),
        L("Laura Valdés", 50, 114, 11),
        L("Técnica de comunicación", 252, 114, 11),
        L("Secretaría General", 45, 140, 11, True),
        L("Avinyó, 15. 08002 Barcelona (España)", 45, 156, 11),
        L("Tel. +34 93 342 94 60", 45, 172, 11),
        L("metropolis@metropolis.org", 45, 189, 11),
    ]
    staff, contact = parse_secretariat(lines, 11, ES)
    assert [(s.name, s.position) for s in staff] == [("Octavi de la Varga", "Secretario general"), ("Laura Valdés", "Técnica de comunicación")]
    assert contact == Contact(address="Avinyó, 15. 08002 Barcelona (España)", phone="+34 93 342 94 60", email="metropolis@metropolis.org", website=None)


# --------------------------------------------------------------------------- reading order


def test_a_table_read_after_the_text_under_it_moves_back_above_it() -> None:
    staff = L("Octavi de la Varga, Secretario general", 45, 438, 9.5, width=190)
    table = [cell(L("Nombre", 172, 230, 9.5, True), 0, 0, 0), cell(L("Carolina Cosse", 172, 250, 9.5), 0, 1, 0)]
    assert above_in_column([staff, *table]) == table
    head = L("Consejo de administración", 45, 184, 9.5, True, width=140)
    assert tables_in_place([head, staff, *table]) == [head, *table, staff]


# --------------------------------------------------------------------------- cards and regions


def test_cards_printed_name_first_take_their_role_from_the_first_detail() -> None:
    lines = [
        L("David Makhura", 62, 475.6, 8.5, True),
        L("Copresidencia", 62, 488.0, 8.5),
        L("Primer ministro de la", 62, 500.4, 8.5),
        L("provincia de Gauteng", 62, 511.1, 8.5),
        L("Robert Beugré Mambe", 62, 545.3, 8.5, True),
        L("Vicepresidencia", 62, 557.7, 8.5),
        L("regional", 62, 566.4, 8.5),
        L("Gobernador de Abiyán", 62, 578.8, 8.5),
        L("Soham El Wardini", 62, 615.0, 8.5, True),
        L("Copresidencia", 62, 627.4, 8.5),
        L("Alcaldesa de Dakar", 62, 639.8, 8.5),
    ]
    cards, rest = parse_cards(lines, "board")
    assert rest == []
    assert [(c["role"], c["name"], c["detail"]) for c in cards] == [
        ("Copresidencia", "David Makhura", ["Primer ministro de la provincia de Gauteng"]),
        ("Vicepresidencia regional", "Robert Beugré Mambe", ["Gobernador de Abiyán"]),
        ("Copresidencia", "Soham El Wardini", ["Alcaldesa de Dakar"]),
    ]


def test_a_role_broken_at_its_own_hyphen_keeps_it() -> None:
    # "Regional Vice-" / "president": the hyphen belongs to the role (the vocabulary
    # spells it so), unlike a word hyphenated at a line end
    lines = [
        L("Robert Beugré Mambe", 62, 475.6, 8.5, True),
        L("Regional Vice-", 62, 488.0, 8.5),
        L("president", 62, 498.0, 8.5),
        L("Governor of Abidjan", 62, 510.4, 8.5),
    ]
    cards, _ = parse_cards(lines, "board")
    assert [(c["role"], c["name"], c["detail"]) for c in cards] == [("Regional Vice-president", "Robert Beugré Mambe", ["Governor of Abidjan"])]


def test_a_row_of_cards_broken_over_a_page_gives_each_card_its_own_details() -> None:
    # a word processor splits the table row: the three names at the foot of page 13,
    # every card's details at the head of page 14 (two cells read as one line, cut at
    # its wide gap); a name wrapped under its first line
    merged = L("Premier ministre de Gauteng Maire de Dakar", 52, 88, 11, page=14, width=330)
    merged = merged.model_copy(update={"breaks": [(28, 242.0, 307.0)]})
    lines = [
        L("David Makhura", 52, 530, 11, True, page=13),
        L("Soham El Wardini", 307, 530, 11, True, page=13),
        L("Mohammed", 497, 530, 11, True, page=13),
        L("Sadiki", 497, 545, 11, True, page=13),
        L("Coprésidente", 52, 69, 11, page=14),
        L("Membre", 307, 69, 11, page=14),
        L("Membre", 497, 69, 11, page=14),
        merged,
        L("Maire de Rabat", 497, 88, 11, page=14),
    ]
    cards, _ = parse_cards(lines, "board")
    assert [(c["role"], c["name"], c["detail"]) for c in cards] == [
        ("Coprésidente", "David Makhura", ["Premier ministre de Gauteng"]),
        ("Membre", "Soham El Wardini", ["Maire de Dakar"]),
        ("Membre", "Mohammed Sadiki", ["Maire de Rabat"]),
    ]


def test_joined_headers_reads_a_header_cell_wrapped_over_two_lines() -> None:
    a, b, c = L("Función en la", 60, 382.1, 8.5, True), L("junta", 60, 392.8, 8.5, True), L("Persona", 137, 382.1, 8.5, True)
    out = joined_headers([a, b, c], ES, ("role", "name", "place"))
    assert texts(out) == ["Función en la junta", "Persona"]
    assert out[0].bottom == b.bottom


def test_joined_headers_reads_a_longer_header_of_the_same_column_wrapped() -> None:
    # "Nombre" names the column already; "Nombre completo" names it too: "completo" is
    # no board member's name
    a, b, c = L("Nombre", 150, 91.6, 10, True), L("completo", 150, 103.8, 10, True), L("Rol", 75, 91.6, 10, True)
    assert texts(joined_headers([c, a, b], ES, ("role", "name", "position"))) == ["Rol", "Nombre completo"]
    # a cell under a header that names another column stays apart
    d = L("Persona", 150, 103.8, 10, True)
    assert texts(joined_headers([c, a, d], ES, ("role", "name", "position"))) == ["Rol", "Nombre", "Persona"]


def test_regions_focal_points_as_a_table_and_a_wrapped_region_heading() -> None:
    lines = [
        L("Amérique latine et", 45, 547.8, 18.3, True),
        L("Caraïbes", 45, 570.1, 18.3, True),
        L("Points focaux", 45, 598, 10.5, True),
        L("Rôle", 50, 614, 10.5, True),
        L("Personne", 218, 614, 10.5, True),
        L("Ville", 387, 614, 10.5, True),
        L("Secrétaire régional", 50, 633, 10.5),
        L("Hugo Salomão França", 218, 633, 10.5),
        L("Belo Horizonte", 387, 633, 10.5),
    ]
    regions, staff = parse_who(lines, 10.5, FR, "fr")
    assert staff == []
    assert [(r.name, [(f.role, f.name, f.place) for f in r.focal_points], r.board) for r in regions] == [
        ("Amérique latine et Caraïbes", [("Secrétaire régional", "Hugo Salomão França", "Belo Horizonte")], []),
    ]


def test_region_heading_with_its_hyphen_lost_takes_the_vocabulary_spelling() -> None:
    lines = [L("AsiaPacific", 70, 533, 15.7, True), L("Members", 70, 560, 9, True), L("Seoul; Tehran", 70, 575, 9)]
    regions, _ = parse_who(lines, 9, EN, "en")
    assert [(r.name, [m.name for m in r.members]) for r in regions] == [("Asia-Pacific", ["Seoul", "Tehran"])]


def test_secretariat_heading_wrapped_in_a_label_column_and_contact_box_read_among_regions() -> None:
    lines = [
        L("América del Norte", 45, 48, 12.4, True),
        L("Nuestros miembros", 45, 69, 8.5, True),
        L("Montreal", 48, 84, 8.5),
        L("Avinyó, 15. 08002 Barcelona (España)", 430, 131, 8.5),
        L("Tel. +34 93 342 94 60", 430, 144, 8.5),
        L("metropolis@metropolis.org", 430, 157.6, 8.5),
        L("Toronto", 48, 97, 8.5),
        L("Secretaría", 49, 388.4, 12.3, True),
        L("Octavi de la Varga, Secretario general", 151.7, 387.4, 8.5),
        L("general", 49, 403.4, 12.3, True),
        L("Xavier Bermejo, Responsable de comunicación", 151.7, 400.8, 8.5),
    ]
    regions, staff = parse_who(lines, 8.5, ES, "es")
    assert [(r.name, [m.name for m in r.members]) for r in regions] == [("América del Norte", ["Montreal", "Toronto"])]
    assert texts(staff) == [
        "Avinyó, 15. 08002 Barcelona (España)",
        "Tel. +34 93 342 94 60",
        "metropolis@metropolis.org",
        "Octavi de la Varga, Secretario general",
        "Xavier Bermejo, Responsable de comunicación",
    ]


def test_a_secretariat_section_opened_before_a_region_heading_does_not_end_the_regions() -> None:
    lines = [
        L("Europe", 56, 100, 15, True),
        L("Members", 56, 120, 9, True),
        L("Berlin", 56, 132, 9),
        L("Lisbon", 56, 144, 9),  # the segmenter's secretariat section opens here
        L("North America", 56, 170, 15, True),
        L("Members", 56, 190, 9, True),
        L("Montréal", 56, 202, 9),
    ]
    regions, staff = parse_who(lines, 9, EN, "en", staff_from=3)
    assert staff == []
    assert [(r.name, [m.name for m in r.members]) for r in regions] == [("Europe", ["Berlin", "Lisbon"]), ("North America", ["Montréal"])]
    regions, staff = parse_who(lines[:4], 9, EN, "en", staff_from=3)
    assert [(r.name, [m.name for m in r.members]) for r in regions] == [("Europe", ["Berlin"])] and texts(staff) == ["Lisbon"]


def test_roles_in_details_when_some_cards_lost_a_paragraph() -> None:
    # name, then role and position in one style; three of the seven cards come with one
    # paragraph (their others went to a card read before them): the roles still repeat
    # from card to card, so the first paragraphs are roles, and a card left with only
    # one of those roles has that role
    people = [
        ("Ada Colau", ["Co-president", "Mayor of Barcelona"]), ("Michael Müller", ["Co-president", "Governing Mayor of Berlin"]),
        ("Pascal Smet", ["Member", "Secretary of State"]), ("Patrick Ollier", ["Member", "President of Greater Paris"]),
        ("Wen Guohui", ["Member"]), ("Liu Xin", ["Mayor of Hangzhou"]), ("Sun Zhe", ["Mayor of Harbin"]),
    ]  # fmt: skip
    lines, top = [], 60.0
    for name, details in people:
        lines.append(L(name, 52, top, 10.5, True))
        for k, d in enumerate(details):
            lines.append(L(d, 52, top + 16 * (k + 1), 10.5))
        top += 16 * (len(details) + 1) + 20
    cards, _ = parse_cards(lines, "board")
    assert [(c["role"], c["name"], c["detail"]) for c in cards] == [
        ("Co-president", "Ada Colau", ["Mayor of Barcelona"]), ("Co-president", "Michael Müller", ["Governing Mayor of Berlin"]),
        ("Member", "Pascal Smet", ["Secretary of State"]), ("Member", "Patrick Ollier", ["President of Greater Paris"]),
        ("Member", "Wen Guohui", []), (None, "Liu Xin", ["Mayor of Hangzhou"]), (None, "Sun Zhe", ["Mayor of Harbin"]),
    ]  # fmt: skip
