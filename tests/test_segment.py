"""Segmentation on small inline layouts: exact roles for each line."""

from metroextract.models import DocumentLayout, Line, PageLayout
from metroextract.segment import layout_to_segments, tag_lines


def L(text: str, top: float, size: float = 9.5, bold: bool = False, x0: float = 40, column: int = 0, upper: bool | None = None, font: str = "Sans") -> Line:
    letters = [c for c in text if c.isalpha()]
    return Line(
        page=2, text=text, x0=x0, top=top, x1=x0 + 5 * len(text), bottom=top + size, size=size, bold=bold,
        font=font + ("-Bold" if bold else ""), color="#000000",
        upper=upper if upper is not None else (len(letters) > 1 and all(c.isupper() for c in letters)), column=column,
    )


def _doc(lines: list[Line]) -> DocumentLayout:
    cover = [L("METROPOLIS RAPPORT DE PROGRÈS", 50, 30, True), L("Janvier —> avril 2021", 100, 20)]
    return DocumentLayout(
        pages=[PageLayout(page=1, width=595, height=842, lines=[ln.model_copy(update={"page": 1}) for ln in cover]), PageLayout(page=2, width=595, height=842, lines=lines)],
        body_size=9.5,
        page_count=2,
    )


def test_labels_headings_and_run_ins_are_tagged_from_the_vocabulary() -> None:
    tags = tag_lines(["Membres activés", "MEMBRES ACTIFS :", "Résultats associés : L1A2D4", "LIGNE D'ACTION 2", "Enjeux métropolitains"], "fr")
    assert [t.whole for t in tags[:2]] == ["FIELD:members", "FIELD:members"]
    assert (tags[2].runin, tags[2].runin_rest) == ("FIELD:results", "L1A2D4")
    assert tags[3].kicker_number == 2
    assert {tags[4].whole, *tags[4].also} == {"FIELD:challenges", "SECTION:challenge_taxonomy"}


def test_activity_with_date_and_title_on_one_line_and_run_in_fields() -> None:
    lines = [
        L("ACTIVITÉS", 60, 24, True),
        L("LIGNE D'ACTION 1", 100, 12, True),
        L("3 février — LANCEMENT DU GUIDE", 130, 12, True),
        L("Le guide a été lancé par les membres du réseau.", 150),
        L("Membres activés : Berlin, Bogotá", 165),
        L("Résultats associés : L1A2D4", 180),
        L("Enjeux métropolitains : 2.1 Résilience sociale", 195),
    ]
    seg = layout_to_segments(_doc(lines), "fr")
    assert len(seg.activities) == 1
    a = seg.activities[0]
    assert (a.action_line, a.date_line.text, [t.text for t in a.title_lines]) == ("L1", "3 février", ["LANCEMENT DU GUIDE"])
    assert [ln.text for ln in a.description_lines] == ["Le guide a été lancé par les membres du réseau."]
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {
        "members": ["Berlin, Bogotá"],
        "results": ["L1A2D4"],
        "challenges": ["2.1 Résilience sociale"],
    }


def test_label_sized_challenge_heading_is_a_field_inside_activities() -> None:
    lines = [
        L("ACTIVITÉS", 60, 24, True),
        L("8 mars", 100, 9, True),
        L("JOURNÉE INTERNATIONALE DES DROITS DES FEMMES", 115, 13, True),
        L("Metropolis a lancé une campagne pour la journée.", 135),
        L("Enjeux métropolitains", 150, 8, True, x0=400, column=1),
        L("3.1 Transversalité du genre", 162, 8.5, x0=400, column=1),
    ]
    seg = layout_to_segments(_doc(lines), "fr")
    assert [ln.text for ln in seg.activities[0].fields["challenges"]] == ["3.1 Transversalité du genre"]
    assert "challenge_taxonomy" not in seg.sections
