"""Report sections other than activities: golden comparisons against the French fixture's
truth, item F1 per section on every text fixture, unit tests of each small parser on
inline lines, and the report's cross-checks."""

from __future__ import annotations

import json
from datetime import date

import pytest

from metroextract.errors import WarningCode
from metroextract.evaluate import SECTIONS, score_fixture
from metroextract.fields import parse_int
from metroextract.models import (
    Activity,
    Challenge,
    Contact,
    KeyFigure,
    Line,
    MediaMention,
    MemberRef,
    Period,
    PlanItem,
    Provenance,
    Region,
    Report,
    SecretaryGeneralNote,
    Source,
    TocEntry,
)
from metroextract.sections import (
    clean_name,
    cross_check,
    is_number_line,
    join_row_fragments,
    merge_heading_fragments,
    merge_superscripts,
    parse_engagement,
    parse_key_figures,
    parse_media,
    parse_meetings,
    parse_note,
    parse_plan,
    parse_secretariat,
    parse_taxonomy,
    parse_toc,
    parse_who,
    plan_level,
    reading_order,
    sections_to_parts,
)
from metroextract.segment import SegmentedReport
from metroextract.vocab import load_vocabulary

try:  # tests/ as a package or as a rootdir-inserted folder
    from ._fixtures import FIXTURES, extracted, text_fixture_names, truth
except ImportError:
    from _fixtures import FIXTURES, extracted, text_fixture_names, truth  # type: ignore[no-redef]

FR, EN, ES = (load_vocabulary(x) for x in ("fr", "en", "es"))
BODY = 9.5
P2021 = Period(text="Janvier —> avril 2021", start="2021-01", end="2021-04")

GOLDEN = "fr-2021-01-04-brochure"
MIN_SECTION_F1 = 0.98


def L(text: str, x0: float, top: float, size: float = 9.0, bold: bool = False, page: int = 1, color: str = "#1f2433", width: float | None = None, spacing: float = 0.0, font: str | None = None) -> Line:
    """An inline line: width from the text length unless given."""
    w = width if width is not None else 0.5 * size * len(text)
    letters = [c for c in text if c.isalpha()]
    return Line(
        page=page,
        text=text,
        x0=x0,
        top=top,
        x1=x0 + w,
        bottom=top + size,
        size=size,
        bold=bold,
        font=font or ("Sans-Bold" if bold else "Sans"),
        color=color,
        upper=len(letters) > 1 and all(c.isupper() for c in letters),
        spacing=spacing,
    )


def texts(lines: list[Line]) -> list[str]:
    return [ln.text for ln in lines]


# =========================================================================== golden: the French fixture


def _names(xs: list) -> list:
    return [x["name"] if isinstance(x, dict) else x for x in xs]


def _view(doc: dict, section: str):
    """A section of a Report dump or a truth file, names only for member references."""
    v = doc.get(section)
    if section in ("member_engagement",):
        return _names(v or [])
    if section == "bilateral_meetings":
        return [{**m, "members": _names(m["members"]), "alliances": _names(m["alliances"])} for m in v or []]
    if section == "regions":
        return [{**r, "members": _names(r["members"]), "honorary_members": _names(r["honorary_members"])} for r in v or []]
    return v


GOLDEN_SECTIONS = [
    "table_of_contents",
    "secretary_general_note",
    "media_mentions",
    "member_engagement",
    "bilateral_meetings",
    "key_figures_period",
    "key_figures",
    "challenge_taxonomy",
    "plan",
    "regions",
    "secretariat",
    "contact",
]


def _golden_available() -> bool:
    return (FIXTURES / f"{GOLDEN}.pdf").exists() and (FIXTURES / f"{GOLDEN}.truth.json").exists()


@pytest.mark.skipif(not _golden_available(), reason="French brochure fixture not built")
@pytest.mark.parametrize("section", GOLDEN_SECTIONS)
def test_golden_french_section(section: str) -> None:
    expected = _view(truth(GOLDEN), section)
    got = _view(extracted(GOLDEN).model_dump(mode="json"), section)
    if isinstance(expected, list) and isinstance(got, list):
        # item by item first: a failure names the first wrong item, not a 60-line blob
        for k, (e, g) in enumerate(zip(expected, got)):
            assert g == e, f"{section}[{k}]"
    assert got == expected


# =========================================================================== item F1 on every text fixture


@pytest.mark.parametrize("name", text_fixture_names())
def test_section_items_f1(name: str) -> None:
    score = score_fixture(name, truth(name), extracted(name))
    low = {s: round(score.section_f1(s), 3) for s in SECTIONS if score.section_f1(s) < MIN_SECTION_F1}
    assert not low, f"sections below {MIN_SECTION_F1}: {low}"


@pytest.mark.parametrize("name", text_fixture_names())
def test_no_invented_items(name: str) -> None:
    # precision: every extracted item of a parsed section is in the truth
    score = score_fixture(name, truth(name), extracted(name))
    for s in SECTIONS:
        exp, found, ok = score.sections[s]
        assert found - ok <= max(0, int(0.02 * found)), f"{s}: {found - ok} of {found} items are not in the truth"


# =========================================================================== line repairs


def test_heading_fragments_are_rejoined() -> None:
    lines = [
        L("METROPOLIS", 40, 60.8, 20, True, spacing=3.2, width=175),
        L("Janvier", 40, 98.7, 15, True),
        L("DANS LES", 228, 60.8, 20, True, spacing=3.2, width=133),
        L("MedCities", 237, 97.7, 9.5, True),
        L("MÉDIAS", 374.8, 60.8, 20, True, spacing=3.2, width=103),
    ]
    out = merge_heading_fragments(lines, BODY)
    assert texts(out) == ["METROPOLIS DANS LES MÉDIAS", "Janvier", "MedCities"]
    assert (out[0].x0, out[0].x1) == (40, 477.8)


def test_headings_of_separate_columns_stay_apart() -> None:
    # bold 12pt TOC entries on one row, one per column: not pieces of one heading
    lines = [L("PAGE 3 → Note", 40, 117, 12, True, width=190), L("PAGE 13 → Écoute", 300, 117, 12, True, width=150)]
    assert texts(merge_heading_fragments(lines, BODY)) == ["PAGE 3 → Note", "PAGE 13 → Écoute"]


def test_raised_ordinal_goes_back_after_its_number() -> None:
    host = L("Du 1 janvier au 30 avril", 58, 94.0, 11, True, width=140)
    er = L("er", 86.5, 93.0, 6.8, True, width=6)
    assert texts(merge_superscripts([er, host])) == ["Du 1er janvier au 30 avril"]


def test_code_printed_apart_from_its_label_is_joined() -> None:
    lines = [
        L("1.1", 58, 99.7, 14, True, width=24),
        L("1.2", 58, 123.7, 14, True, width=24),
        L("Lutter contre les inégalités", 102, 101.9, 11),
        L("Accès au logement", 102, 125.9, 11),
    ]
    out = join_row_fragments(lines, lambda t: t in ("1.1", "1.2"))
    assert texts(out) == ["1.1 Lutter contre les inégalités", "1.2 Accès au logement"]


def test_drop_cap_doubled_initial_is_cleaned() -> None:
    assert [clean_name(n) for n in ("AAbidjan", "Abidjan", "ALLAS", "AMB")] == ["Abidjan", "Abidjan", "ALLAS", "AMB"]


# =========================================================================== reading order


def test_two_flowing_columns_read_column_by_column() -> None:
    # the right column has a paragraph break where the left one goes on
    lines = [
        L("left 1", 40, 100, width=350), L("right 1", 427, 100, width=350),
        L("left 2", 40, 113.5, width=350), L("right 2", 427, 113.5, width=60),
        L("left 3", 40, 127, width=350),
        L("right 3", 427, 135, width=350), L("left 4", 40, 140.5, width=100),
        L("Octavi de la Varga", 427, 150, 10.5, True, width=120),
    ]  # fmt: skip
    assert texts(reading_order(lines, BODY)) == ["left 1", "left 2", "left 3", "left 4", "right 1", "right 2", "right 3", "Octavi de la Varga"]


def test_grid_then_heading_then_another_grid() -> None:
    # members in 3 columns, a subheading, then cards in 2 columns on the same grid lines
    lines = [
        L("AFRIQUE", 58, 61, 22, True, width=128),
        L("- Abidjan", 58, 98), L("- Bamako", 253, 98), L("- Rabat", 439, 98),
        L("- Accra", 58, 110), L("- Dakar", 253, 110),
        L("Points focaux", 58, 193, 11, True, width=94),
        L("Secrétaire régional", 58, 211, 7.2, True, width=94),
        L("Sithole Mbanga", 58, 223, 9.5, True, width=84), L("Hélène Jourdan", 439, 223, 9.5, True, width=82),
        L("Gauteng", 58, 235, 8.6, width=37), L("Agente régionale", 439, 235, 8.6, width=74),
    ]  # fmt: skip
    assert texts(reading_order(lines, BODY)) == [
        "AFRIQUE", "- Abidjan", "- Accra", "- Bamako", "- Dakar", "- Rabat",
        "Points focaux", "Secrétaire régional", "Sithole Mbanga", "Gauteng", "Hélène Jourdan", "Agente régionale",
    ]  # fmt: skip


def test_heading_inside_a_flowing_column_does_not_cut_it() -> None:
    # a region flowing over two columns: the board heading sits in the left column with
    # the right column's cards running beside it
    lines = [
        L("Membres de la région", 46, 296, width=240), L("Vicepresidencia regional", 307.6, 296, 7, True, width=100),
        L("Puntos focales", 46, 308, 10.5, True, width=60), L("Mohammad Reza Kalaei", 307.6, 305, 9, True, width=100),
        L("Agnès Bickart — Oficial regional", 46, 319.8, width=134), L("Alcalde de Estambul", 307.6, 331.9, 8.5, width=78),
        L("Miembros del Consejo", 46, 337.5, 10.5, True, width=168), L("Miembro", 307.6, 347.4, 7, True, width=35),
        L("Presidencia", 46, 352.4, 7, True, width=49), L("Heidar Eskandarpour", 307.6, 356.6, 9, True, width=91),
        L("Wen Guohui", 46, 361.7, 9, True, width=53),
    ]  # fmt: skip
    assert texts(reading_order(lines, BODY)) == [
        "Membres de la région", "Puntos focales", "Agnès Bickart — Oficial regional", "Miembros del Consejo", "Presidencia", "Wen Guohui",
        "Vicepresidencia regional", "Mohammad Reza Kalaei", "Alcalde de Estambul", "Miembro", "Heidar Eskandarpour",
    ]  # fmt: skip


# =========================================================================== table of contents


def test_toc_page_word_entries_with_wrapped_titles_and_items() -> None:
    lines = [
        L("PAGE 3 → Note du secrétaire", 40, 117.2, 12, True, width=193),
        L("général", 40, 132.2, 12, True, width=52),
        L("PAGE 4 → Activités", 40, 163.2, 12, True, width=126),
        L("Ligne d'action 1 (L1)", 54, 182.1, 9.5, width=98),
        L("Métropolis dans les médias", 54, 194.6, 9.5, width=129),
        L("PAGE 21 → Écoute active", 300, 117.2, 12, True, width=167),
        L("Engagement des membres", 314, 136.1, 9.5, width=128),
    ]
    assert parse_toc(lines, BODY) == [
        TocEntry(page=3, title="Note du secrétaire général", items=[]),
        TocEntry(page=4, title="Activités", items=["Ligne d'action 1 (L1)", "Métropolis dans les médias"]),
        TocEntry(page=21, title="Écoute active", items=["Engagement des membres"]),
    ]


def test_toc_trailing_page_numbers_and_wrapped_items() -> None:
    lines = [
        L("Nota del secretario general 3", 46, 240.2, 9.5, True, width=140),
        L("Progreso 16", 220.8, 240.2, 9.5, True, width=60),
        L("Resultados principales", 228.8, 252.1, 8.3, width=90),
        L("Implementación del Plan de acción", 228.8, 262.5, 8.3, width=135),
        L("estratégico", 228.8, 272.9, 8.3, width=45),
    ]
    assert parse_toc(lines, BODY) == [
        TocEntry(page=3, title="Nota del secretario general", items=[]),
        TocEntry(page=16, title="Progreso", items=["Resultados principales", "Implementación del Plan de acción estratégico"]),
    ]


# =========================================================================== note


def test_note_paragraphs_signatory_and_role() -> None:
    lines = [
        L("Notre Plan d'action a été validé en fin d'année", 40, 100, 9.5, width=350),
        L("2020. Il constitue la feuille de route. Pour cela, une écoute", 40, 113.5, 9.5, width=350),
        L("active est fondamentale.", 40, 127, 9.5, width=110),
        L("En réponse aux demandes, la pre-", 46, 148.5, 9.5, width=344),
        L("mière réunion a eu lieu en", 40, 162, 9.5, width=350),
        L("2021 et nos membres", 427, 100, 9.5, width=350),
        L("ont participé.", 427, 113.5, 9.5, width=60),
        L("Octavi de la Varga", 427, 135, 10.5, True, color="#1d2b5a", width=118),
        L("Secrétaire général", 427, 148, 9.5, color="#7b8194", font="Sans-Oblique", width=88),
    ]
    assert parse_note(lines, BODY, {"première"}) == SecretaryGeneralNote(
        text="Notre Plan d'action a été validé en fin d'année 2020. Il constitue la feuille de route. Pour cela, une écoute active est fondamentale."
        "\n\nEn réponse aux demandes, la première réunion a eu lieu en 2021 et nos membres ont participé.",
        signatory="Octavi de la Varga",
        role="Secrétaire général",
    )


# =========================================================================== media


def test_media_month_outlet_title_in_columns() -> None:
    lines = [
        L("Janvier", 40, 98.7, 15, True, color="#00a19a"),
        L("ALLAS", 40, 122.9, 9.5, True),
        L("Montevideo global", 40, 135.0, 9.0, color="#7b8194"),
        L("Chicago Council on Global", 40, 154.6, 9.5, True),
        L("Affairs", 40, 166.7, 9.5, True),
        L("MetroTalks", 40, 178.8, 9.0, color="#7b8194"),
        L("Avril", 237, 98.7, 15, True, color="#00a19a"),
        L("Agence shahr", 237, 122.9, 9.5, True),
        L("Ciudad Sostenible", 237, 143.1, 9.5, True),
        L("Webinaire sur les inégalités", 237, 155.1, 9.0, color="#7b8194"),
        L("urbaines", 237, 166.6, 9.0, color="#7b8194"),
    ]
    assert parse_media(lines, BODY, FR, P2021) == [
        MediaMention(month="2021-01", outlet="ALLAS", title="Montevideo global"),
        MediaMention(month="2021-01", outlet="Chicago Council on Global Affairs", title="MetroTalks"),
        MediaMention(month="2021-04", outlet="Agence shahr", title=None),
        MediaMention(month="2021-04", outlet="Ciudad Sostenible", title="Webinaire sur les inégalités urbaines"),
    ]


def test_media_months_in_english_and_spanish() -> None:
    en = [L("March", 40, 98, 15, True), L("UNDP", 40, 122, 9.5, True), L("Tactical urbanism webinar", 40, 134, 9)]
    es = [L("Febrero", 40, 98, 15, True), L("AMB", 40, 122, 9.5, True)]
    assert parse_media(en, BODY, EN, P2021) == [MediaMention(month="2021-03", outlet="UNDP", title="Tactical urbanism webinar")]
    assert parse_media(es, BODY, ES, P2021) == [MediaMention(month="2021-02", outlet="AMB", title=None)]


def test_media_run_in_outlet_and_title_from_runs() -> None:
    def run_line(runs: list[tuple[str, bool]], top: float) -> Line:
        base = L(" ".join(t for t, _ in runs), 46, top, 9.0, bold=False, width=200)
        return base.model_copy(update={"runs": runs})  # a bold outlet run in before a plain title

    lines = [
        L("Janvier", 46, 475.9, 11.5, True, color="#00857c"),
        run_line([("ALLAS", True), ("Montevideo global", False)], 493.2),
        run_line([("Chicago Council on Global Affairs", True), ("MetroTalks", False)], 507.7),
        L("Agence shahr", 46, 522.2, 9.0, True),
    ]
    assert parse_media(lines, BODY, FR, P2021) == [
        MediaMention(month="2021-01", outlet="ALLAS", title="Montevideo global"),
        MediaMention(month="2021-01", outlet="Chicago Council on Global Affairs", title="MetroTalks"),
        MediaMention(month="2021-01", outlet="Agence shahr", title=None),
    ]


# =========================================================================== member engagement


def test_engagement_grid_rejoins_wrapped_names() -> None:
    lines = [
        L("AAbidjan", 58.4, 102.4, 10, width=44),
        L("Accra", 84, 115.6, 10),
        L("Barcelone (aire", 84, 128.8, 10, width=70),
        L("métropolitaine)", 84, 142.0, 10, width=72),
        L("Barcelona", 204, 102.4, 10, width=48),
        L("(metropolitan area)", 204, 115.6, 10, width=90),
        L("Xí'an", 204, 128.8, 10),
    ]
    assert [m.name for m in parse_engagement(lines, BODY)] == [
        "Abidjan", "Accra", "Barcelone (aire métropolitaine)", "Barcelona (metropolitan area)", "Xí'an",
    ]  # fmt: skip


# =========================================================================== bilateral meetings


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


# =========================================================================== key figures


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


# =========================================================================== taxonomy and plan


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


@pytest.mark.parametrize(
    "code,level,parent", [("L1", "line", None), ("L12", "line", None), ("L1A2", "axis", "L1"), ("L1A2D3", "deliverable", "L1A2"), ("L3A10D11", "deliverable", "L3A10")]
)
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


# =========================================================================== regions and secretariat


def _region_page(page: int = 1) -> list[Line]:
    g, ink = "#7b8194", "#1f2433"
    return [
        L("AMÉRIQUE DU NORD", 58, 61, 22, True, page=page, width=250),
        L("- Guadalajara", 58, 98, page=page), L("- Montréal", 315, 98, page=page),
        L("- Ville de Mexico", 58, 109.7, page=page),
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
            "secretariat": _region_page(page=2)
            + [L("Octavi de la Varga", 40, 99.7, 9.5, True, page=3, width=90), L("Secrétaire général", 40, 111.6, 8.6, page=3, color=g, width=80)],
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


# =========================================================================== cross-checks


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
        plan=[PlanItem(code="L1", level="line", parent=None, label="Renforcer"), PlanItem(code="L1A2", level="axis", parent="L1", label="Perspective"), PlanItem(code="L1A2D3", level="deliverable", parent="L1A2", label="Participation")],
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


def test_cross_check_on_the_french_fixture_matches_its_data() -> None:
    if not _golden_available():
        pytest.skip("French brochure fixture not built")
    report = extracted(GOLDEN)
    codes = {w.code for w in cross_check(report)}
    # the note says "nos 141 membres" and the five region lists hold 141 names
    assert WarningCode.MEMBER_COUNT_MISMATCH not in codes
    assert WarningCode.KEY_FIGURE_UNPARSED not in codes
    t = json.loads((FIXTURES / f"{GOLDEN}.truth.json").read_text(encoding="utf-8"))
    assert sum(len(r["members"]) for r in t["regions"]) == 141
