"""sections.regions, sections.cards, sections.secretariat, sections.contact."""

from __future__ import annotations

import pytest

from metroextract.errors import WarningCode
from metroextract.models import (
    Challenge,
    Contact,
    Line,
)
from metroextract.sections import (
    grid_order,
    parse_secretariat,
    parse_who,
    sections_to_parts,
)
from metroextract.segment import SegmentedReport

from ._lines import BODY, EN, ES, FR, P2021, L, texts


def _region_page(page: int = 1) -> list[Line]:
    g, ink = "#7b8194", "#1f2433"
    return [
        L("AMÉRIQUE DU NORD", 58, 61, 22, True, page=page, width=250),
        # in the layout's reading order: the grid's first column, then the second
        L("- Guadalajara", 58, 98, page=page),
        L("- Ville de Mexico", 58, 109.7, page=page),
        L("- Montréal", 315, 98, page=page),
        L("Membre d'honneur : CPAFFC (en anglais)", 58, 128, page=page, width=180),
        L("Points focaux", 58, 147.5, 11, True, page=page, width=80),
        L("Secrétaire régional", 58, 165.7, 7.2, True, page=page, color="#00a19a", width=70),
        L("Mariana Flores", 58, 177.3, 9.5, True, page=page, color=ink, width=70),
        L("Ville de Mexico", 58, 189.3, 8.6, page=page, color=g, width=62),
        L("Secrétariat général", 439, 165.7, 7.2, True, page=page, color="#00a19a", width=72),
        L("Teresa Oliver", 439, 177.3, 9.5, True, page=page, color=ink, width=62),
        L("Agente régionale", 439, 189.3, 8.6, page=page, color=g, width=70),
        L("Membres du Conseil d'administration", 58, 216.2, 11, True, page=page, width=180),
        L("Coprésidente", 58, 234.4, 7.2, True, page=page, color="#00a19a", width=50),
        L("Valérie Plante", 58, 246.1, 9.5, True, page=page, color=ink, width=64),
        L("Maire de Montréal", 58, 258.0, 8.4, page=page, color=g, width=70),
        L("Membre", 253, 234.4, 7.2, True, page=page, color="#00a19a", width=30),
        L("Claudia Sheinbaum", 253, 246.1, 9.5, True, page=page, color=ink, width=85),
        L("Cheffe du gouvernement de la Ville de", 253, 258.0, 8.4, page=page, color=g, width=150),
        L("Mexico", 253, 268.6, 8.4, page=page, color=g, width=28),
    ]  # fmt: skip


def test_region_members_honorary_focal_points_and_board() -> None:
    regions, staff = parse_who(_region_page(), BODY, FR, "fr")
    assert staff == []
    assert [r.model_dump() for r in regions] == [
        {
            "name": "Amérique du Nord",
            "members": [{"name": n, "member_id": None, "canonical_name": None, "method": None, "score": None} for n in ("Guadalajara", "Ville de Mexico", "Montréal")],
            "honorary_members": [{"name": "CPAFFC (en anglais)", "member_id": None, "canonical_name": None, "method": None, "score": None}],
            "focal_points": [
                {"role": "Secrétaire régional", "name": "Mariana Flores", "place": "Ville de Mexico"},
                {"role": "Secrétariat général", "name": "Teresa Oliver", "place": "Agente régionale"},
            ],
            "board": [
                {"role": "Coprésidente", "name": "Valérie Plante", "position": "Maire de Montréal"},
                {"role": "Membre", "name": "Claudia Sheinbaum", "position": "Cheffe du gouvernement de la Ville de Mexico"},
            ],
        }
    ]


def test_focal_points_printed_name_dash_place() -> None:
    lines = [
        L("ÁFRICA", 46, 543.7, 13, True, width=50),
        L("Abiyán, Acra, Adís Abeba", 46, 573.9, 9.3, width=240),
        L("Puntos focales", 46, 640.0, 10.5, True, width=60),
        L("Secretaría regional", 46, 654.9, 7.0, True, color="#6a6f7a", width=70),
        L("Sithole Mbanga — Gauteng", 46, 664.1, 9.0, True, width=110),
        L("Secretaría general", 46, 675.2, 7.0, True, color="#6a6f7a", width=70),
        L("Hélène Jourdan — Oficial regional", 46, 684.6, 9.0, color="#6a6f7a", width=140),
    ]
    regions, _ = parse_who(lines, BODY, ES, "es")
    assert [(r.name, [m.name for m in r.members], [(f.role, f.name, f.place) for f in r.focal_points]) for r in regions] == [
        ("África", ["Abiyán", "Acra", "Adís Abeba"], [("Secretaría regional", "Sithole Mbanga", "Gauteng"), ("Secretaría general", "Hélène Jourdan", "Oficial regional")])
    ]


def test_staff_after_the_last_board_and_divider_lists_are_not_regions() -> None:
    g = "#7b8194"
    divider = [L("Afrique", 72, 264, 15, True, color="#ffffff"), L("Amérique du Nord", 72, 288, 15, True, color="#ffffff")]
    staff = [
        L("Octavi de la Varga", 40, 99.7, 9.5, True, page=3, width=90),
        L("Secrétaire général", 40, 111.6, 8.6, page=3, color=g, width=80),
        L("Xavier Bermejo", 40, 131.7, 9.5, True, page=3, width=70),
        L("Responsable de la communication", 40, 143.6, 8.6, page=3, color=g, width=140),
    ]
    regions, rest = parse_who(divider + _region_page(page=2) + staff, BODY, FR, "fr")
    assert [r.name for r in regions] == ["Amérique du Nord"]
    assert texts(rest) == texts(staff)


BARCELONA = Contact(address="Avinyó, 15. 08002 Barcelona (Espagne)", phone="+34 93 342 94 60", email="metropolis@metropolis.org", website="metropolis.org")


def _segmented(sections: dict[str, list[Line]], headings: dict[str, Line] | None = None) -> SegmentedReport:
    """A French report's segments: these sections only, no activities."""
    return SegmentedReport(language="fr", body_size=BODY, title_lines=[], period_text=None, sections=sections, section_headings=headings or {}, action_lines=[], activities=[], unplaced=[])


def _contact_box(x0: float, top: float, size: float, pitch: float, title_size: float | None = None) -> list[Line]:
    """The secretariat's contact box: its title in bold, then address, phone, email, site."""
    texts = ["Avinyó, 15. 08002 Barcelona (Espagne)", "Tél. +34 93 342 94 60", "metropolis@metropolis.org", "metropolis.org"]
    title = L("Secrétariat général", x0, top, title_size or size, True, width=10 * size)
    return [title] + [L(t, x0, top + pitch * (1 + k) + (title_size or size) - size, size, width=0.45 * size * len(t)) for k, t in enumerate(texts)]


def test_secretariat_staff_and_contact_box() -> None:
    g = "#7b8194"
    lines = [
        L("Octavi de la Varga", 40, 99.7, 9.5, True, width=90),
        L("Secrétaire général", 40, 111.6, 8.6, color=g, width=80),
        L("Agnès Bickart", 40, 131.7, 9.5, True, width=70),
        L("Responsable senior des relations institutionnelles et", 40, 143.6, 8.6, color=g, width=220),
        L("agente régionale pour l'Asie", 40, 154.4, 8.6, color=g, width=120),
        L("Joana Marí", 301, 99.7, 9.5, True, width=55),
        L("Stagiaire – Universitat Pompeu Fabra", 301, 111.6, 8.6, color=g, width=160),
        L("Ce rapport a été édité avec l'aide financière de :", 52, 344.6, 8.0, color=g, width=190),
        L("#MetroGovernance", 52, 365.4, 11, True, color="#e5007d", width=100),
        *_contact_box(52, 381.6, 9.0, 11.5, title_size=9.5),
    ]
    staff, contact = parse_secretariat(lines, BODY)
    assert [(s.name, s.position) for s in staff] == [
        ("Octavi de la Varga", "Secrétaire général"),
        ("Agnès Bickart", "Responsable senior des relations institutionnelles et agente régionale pour l'Asie"),
        ("Joana Marí", "Stagiaire – Universitat Pompeu Fabra"),
    ]
    assert contact == BARCELONA


def test_sections_to_parts_reads_regions_filed_under_the_secretariat() -> None:
    # segmentation may open "secretariat" at a divider's list and file regions there
    g = "#7b8194"
    seg = _segmented(
        {
            "who": [L("Afrique", 72, 264, 15, True, color="#ffffff")],
            "secretariat": _region_page(page=2) + [L("Octavi de la Varga", 40, 99.7, 9.5, True, page=3, width=90), L("Secrétaire général", 40, 111.6, 8.6, page=3, color=g, width=80)],
        }
    )
    warnings: list = []
    parts = sections_to_parts(seg, P2021, set(), warnings)
    assert [r.name for r in parts["regions"]] == ["Amérique du Nord"]
    assert [(s.name, s.position) for s in parts["secretariat"]] == [("Octavi de la Varga", "Secrétaire général")]
    assert parts["contact"] is None
    assert warnings == []


def test_a_failing_section_parser_costs_that_section_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import metroextract.sections as sections

    def boom(*args: object) -> None:
        raise ValueError("unexpected shape")

    monkeypatch.setattr(sections, "parse_plan", boom)
    seg = _segmented({"plan": [L("L1 Renforcer", 40, 97, 11, True)], "challenge_taxonomy": [L("1.1 Accès au logement", 58, 100, 11)]})
    warnings: list = []
    parts = sections_to_parts(seg, P2021, set(), warnings)
    assert parts == {"challenge_taxonomy": [Challenge(code="1.1", label="Accès au logement")]}
    assert [(w.code, w.page) for w in warnings] == [(WarningCode.SECTION_MISSING, 1)]
    assert "ValueError" in warnings[0].message


def test_board_as_role_colon_lines_then_staff_as_name_dash_position() -> None:
    lines = [
        L("ÁFRICA", 40, 60, 13, True, width=60),
        L("Abiyán, Acra, Adís Abeba", 40, 80, 9.2, width=200),
        L("Miembros del Consejo de administración", 40, 100, 10.5, True, width=200),
        L("Copresidencia: David Makhura, Primer ministro de la provincia de", 40, 116, 9.2, width=260),
        L("Gauteng", 40, 127, 9.2, width=40),
        L("Miembro: Soham El Wardini, Alcaldesa de Dakar", 40, 140, 9.2, width=200),
        L("Octavi de la Varga — Secretario general", 40, 170, 9.4, width=180),
    ]
    regions, staff = parse_who(lines, BODY, ES, "es")
    assert [(b.role, b.name, b.position) for b in regions[0].board] == [
        ("Copresidencia", "David Makhura", "Primer ministro de la provincia de Gauteng"),
        ("Miembro", "Soham El Wardini", "Alcaldesa de Dakar"),
    ]
    assert [ln.text for ln in staff] == ["Octavi de la Varga — Secretario general"]
    people, contact = parse_secretariat(staff, BODY, ES)
    assert [(p.name, p.position) for p in people] == [("Octavi de la Varga", "Secretario general")] and contact is None


def test_staff_as_name_comma_position_lines() -> None:
    lines = [
        L("Octavi de la Varga, Secretary General", 24, 422, 8.8, width=160),
        L("Joana Marí, Intern – Universitat Pompeu Fabra", 24, 436, 8.8, width=190),
        L("Agnès Bickart, Senior Institutional Relations Officer and Regional Officer for", 24, 449.5, 8.8, width=335),
        L("Asia", 34, 460, 8.8, width=20),
    ]
    people, _ = parse_secretariat(lines, BODY, EN)
    assert [(p.name, p.position) for p in people] == [
        ("Octavi de la Varga", "Secretary General"),
        ("Joana Marí", "Intern – Universitat Pompeu Fabra"),
        ("Agnès Bickart", "Senior Institutional Relations Officer and Regional Officer for Asia"),
    ]


def test_a_grid_filled_by_column_goes_on_column_by_column_on_the_next_page() -> None:
    # two columns on each page: the first column's names on both pages come before the
    # second column's (reading each page in turn would put Jakarta before Guangzhou)
    cols = {(1, 562): ["Ahvaz", "Bagdad", "Goyang"], (1, 681): ["Jakarta", "Lahore", "Surabaya"], (2, 48): ["Guangzhou", "Istanbul"], (2, 168): ["Tabriz", "Zhengzhou"]}
    lines = [L(name, x, 100 + 18 * n, 10, page=page) for (page, x), names in cols.items() for n, name in enumerate(names)]
    assert [ln.text for ln in grid_order(lines)] == ["Ahvaz", "Bagdad", "Goyang", "Guangzhou", "Istanbul", "Jakarta", "Lahore", "Surabaya", "Tabriz", "Zhengzhou"]


def test_staff_lines_set_right_above_the_contact_box_title() -> None:
    # no white between the staff list and the contact box: the box starts at its title
    lines = [
        L("Octavi de la Varga, Secrétaire général", 70, 90.2, 8.5, width=150),
        L("Xavier Bermejo, Responsable de la communication", 70, 104.4, 8.5, width=190),
        L("Júlia Palmarola, Stagiaire – Universitat Autònoma de Barcelona", 70, 118.6, 8.5, width=250),
        *_contact_box(70, 132.8, 8.5, 14.2),
    ]
    staff, contact = parse_secretariat(lines, BODY, FR)
    assert [(s.name, s.position) for s in staff] == [
        ("Octavi de la Varga", "Secrétaire général"),
        ("Xavier Bermejo", "Responsable de la communication"),
        ("Júlia Palmarola", "Stagiaire – Universitat Autònoma de Barcelona"),
    ]
    assert contact == BARCELONA


def test_secretariat_under_its_display_heading_right_after_focal_points() -> None:
    # staff cards (bold name, position) look like focal-point cards; the section's own
    # heading in display type says they are the secretariat's
    ink = "#1f2433"
    who = [
        L("AMÉRIQUE DU NORD", 58, 61, 22, True, width=250),
        L("- Montréal", 58, 98),
        L("Points focaux", 58, 147.5, 11, True, width=80),
        L("Secrétaire régional", 58, 165.7, 7.2, True, color="#00a19a", width=70),
        L("Mariana Flores", 58, 177.3, 9.5, True, color=ink, width=70),
        L("Ville de Mexico", 58, 189.3, 8.6, width=62),
    ]
    staff = [
        L("Octavi de la Varga", 58, 98, 9.5, True, page=2, width=90),
        L("Secrétaire général", 58, 110, 8.6, page=2, width=80),
        L("Xavier Bermejo", 58, 130, 9.5, True, page=2, width=70),
        L("Responsable de la communication", 58, 142, 8.6, page=2, width=140),
    ]
    seg = _segmented({"who": who, "secretariat": staff}, {"secretariat": L("SECRÉTARIAT GÉNÉRAL", 58, 61, 14.4, True, page=2, width=180)})
    parts = sections_to_parts(seg, P2021, set(), [])
    assert [(f.name, f.place) for f in parts["regions"][0].focal_points] == [("Mariana Flores", "Ville de Mexico")]
    assert [(s.name, s.position) for s in parts["secretariat"]] == [("Octavi de la Varga", "Secrétaire général"), ("Xavier Bermejo", "Responsable de la communication")]


def test_a_grid_filled_by_row_goes_on_in_the_next_page_column() -> None:
    # two columns of names filled row by row, flowing from the middle page column into
    # the right one (whose part starts higher up, at the page column's head)
    names = ["Ahvaz", "Amman", "Bagdad", "Bandar", "Bangkok", "Beijing", "Beyrouth", "Bhopal", "Bogor", "Busan", "Changchun", "Changsha"]
    parts = [(313.5, 424.4, 317.9), (553.4, 664.3, 73.2)]
    lines = []
    for p, (x_left, x_right, top) in enumerate(parts):
        for r in range(3):
            for c, x in enumerate((x_left, x_right)):
                lines.append(L(names[6 * p + 2 * r + c], x, top + 17.9 * r, 9.5))
    read = sorted(lines, key=lambda ln: (ln.x0, ln.top))  # the layout's reading order: column by column
    assert [ln.text for ln in grid_order(read)] == names


BOARD_GRID = [  # three cards a row, in the order the board lists them (by rank)
    ("Présidence", "Wen Guohui", "Maire de Guangzhou"),
    ("Coprésidente", "Pirouz Hanachi", "Maire de Téhéran"),
    ("Vice-présidente régionale", "Mohammad Reza Kalaei", "Maire de Machhad"),
    ("Membre", "Wang Fengchao", "Maire de Chengdu"),
    ("Membre", "You Mengjun", "Maire de Fuzhou"),
    ("Membre", "Liu Xin", "Maire de Hangzhou"),
]


@pytest.mark.parametrize("filled", ["row", "column"])
def test_board_cards_in_a_grid_keep_the_order_of_their_ranks(filled: str) -> None:
    # a grid of cards says nothing of the way it was filled; a board lists its people by
    # rank, and the layout reads the grid the other way (column by column for a grid of
    # boxes, row by row for a ruled table of them)
    def cell(k: int) -> tuple[int, int]:  # (row, column) of the k-th card
        return divmod(k, 3) if filled == "row" else (k % 2, k // 2)

    cards = []
    for k, (role, name, position) in enumerate(BOARD_GRID):
        row, col = cell(k)
        x, top = 58 + 170 * col, 240 + 52 * row
        cards.append(
            (
                (col, row) if filled == "row" else (row, col),
                [L(role, x, top, 7.2, True, color="#00a19a", width=90), L(name, x, top + 11.6, 9.5, True, width=90), L(position, x, top + 23.6, 8.6, width=90)],
            )
        )
    read = [ln for _, lines in sorted(cards, key=lambda c: c[0]) for ln in lines]
    lines = [L("ASIE-PACIFIQUE", 58, 61, 22, True, width=250), L("- Ahvaz", 58, 98), L("Membres du Conseil d'administration", 58, 216.2, 11, True, width=180), *read]
    (region,), _ = parse_who(lines, BODY, FR, "fr")
    assert [(b.role, b.name, b.position) for b in region.board] == BOARD_GRID


def test_a_grid_sorted_on_names_in_another_language_keeps_its_one_slip() -> None:
    # a French report listing members in the order of their English names: "Ville de
    # Mexico" where "Mexico City" sorts; two columns filled by row, read column by column
    names = ["Guadalajara", "Ville de Mexico", "Monterrey", "Montréal", "Puebla", "Tijuana", "Toronto"]
    lines = [L(name, 58 + 200 * (k % 2), 100 + 18 * (k // 2), 10) for k, name in enumerate(names)]
    read = sorted(lines, key=lambda ln: (ln.x0, ln.top))
    assert [ln.text for ln in grid_order(read)] == names


def test_a_staff_table_goes_on_in_the_next_page_column_beside_the_contact_box() -> None:
    # a Name | Position table, its last rows at the head of the next page column, the
    # contact box under them there: the box's lines stand level with the table's rows
    lines = [
        L("Nom complet", 350, 175.6, 8.5, True, width=72),
        L("Poste", 458, 175.6, 8.5, True, width=26),
        L("Octavi de la Varga", 350, 195.1, 8.5, width=69),
        L("Secrétaire général", 458, 195.1, 8.5, width=70),
        L("Agnès Bickart", 350, 215.3, 8.5, width=52),
        L("Responsable senior des relations", 458, 215.3, 8.5, width=128),
        L("institutionnelles et agente régionale", 458, 225.8, 8.5, width=136),
        L("Xavier Borrell", 639, 60.8, 8.5, width=51),
        L("Technicien des services partagés", 747, 60.8, 8.5, width=120),
        L("Mireia Zapata", 639, 80.3, 8.5, width=50),
        L("Assistante des services partagés", 747, 80.3, 8.5, width=118),
        *_contact_box(634, 169.0, 8.5, 14.0),
    ]
    staff, contact = parse_secretariat(lines, BODY, FR)
    assert [(s.name, s.position) for s in staff] == [
        ("Octavi de la Varga", "Secrétaire général"),
        ("Agnès Bickart", "Responsable senior des relations institutionnelles et agente régionale"),
        ("Xavier Borrell", "Technicien des services partagés"),
        ("Mireia Zapata", "Assistante des services partagés"),
    ]
    assert contact == BARCELONA
