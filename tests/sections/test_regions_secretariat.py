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
        L("Secrétariat général", 52, 381.6, 9.5, True, width=90),
        L("Avinyó, 15. 08002 Barcelona (Espagne)", 52, 397.3, 9.0, width=170),
        L("Tél. +34 93 342 94 60", 52, 408.8, 9.0, width=95),
        L("metropolis@metropolis.org", 52, 420.4, 9.0, width=120),
        L("metropolis.org", 52, 431.9, 9.0, width=65),
    ]
    staff, contact = parse_secretariat(lines, BODY)
    assert [(s.name, s.position) for s in staff] == [
        ("Octavi de la Varga", "Secrétaire général"),
        ("Agnès Bickart", "Responsable senior des relations institutionnelles et agente régionale pour l'Asie"),
        ("Joana Marí", "Stagiaire – Universitat Pompeu Fabra"),
    ]
    assert contact == Contact(address="Avinyó, 15. 08002 Barcelona (Espagne)", phone="+34 93 342 94 60", email="metropolis@metropolis.org", website="metropolis.org")


def test_sections_to_parts_reads_regions_filed_under_the_secretariat() -> None:
    # segmentation may open "secretariat" at a divider's list and file regions there
    g = "#7b8194"
    seg = SegmentedReport(
        language="fr",
        body_size=BODY,
        title_lines=[],
        period_text=None,
        sections={
            "who": [L("Afrique", 72, 264, 15, True, color="#ffffff")],
            "secretariat": _region_page(page=2) + [L("Octavi de la Varga", 40, 99.7, 9.5, True, page=3, width=90), L("Secrétaire général", 40, 111.6, 8.6, page=3, color=g, width=80)],
        },
        action_lines=[],
        activities=[],
        unplaced=[],
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
    seg = SegmentedReport(
        language="fr",
        body_size=BODY,
        title_lines=[],
        period_text=None,
        sections={"plan": [L("L1 Renforcer", 40, 97, 11, True)], "challenge_taxonomy": [L("1.1 Accès au logement", 58, 100, 11)]},
        action_lines=[],
        activities=[],
        unplaced=[],
    )
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
