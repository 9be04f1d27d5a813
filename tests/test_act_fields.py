"""Activity fields however they are presented (issue #24): exact values on hand-set lines.

Labels run in after a bullet or with no separator at all, wrapped in a narrow label
column, printed in a margin column before their activity; lists split by any separator;
a date and title on one line split at their separator; a table read where it stands.
"""

from __future__ import annotations

from metroextract.fields import parse_challenges, split_names
from metroextract.layout import Word, _row_to_line, block_rows, reading_blocks
from metroextract.models import Line
from metroextract.segment import join_label_column, join_wrapped_labels, layout_to_segments, tag_lines

from .test_segment import L, _doc


def test_run_in_label_after_a_bullet_or_in_capitals_without_separator() -> None:
    tags = tag_lines(["▪ MIEMBROS PARTICIPANTES Changchun | Montreal", "• Socios: CGLU", "MEMBRES DU CONSEIL D'ADMINISTRATION", "Membres activés Dakar"], "es")
    assert (tags[0].runin, tags[0].runin_rest) == ("FIELD:members", "Changchun | Montreal")
    assert (tags[1].runin, tags[1].runin_rest) == ("FIELD:alliances", "CGLU")
    assert tags[2].runin is None  # a heading in capitals, not a label run into a value
    assert tag_lines(["Membres activés Dakar"], "fr")[0].runin is None  # without capitals a separator is needed


def test_one_list_splitter_for_every_separator() -> None:
    assert split_names(["Bamako / Brasilia / Gran", "Mánchester / Tunis"]) == ["Bamako", "Brasilia", "Gran Mánchester", "Tunis"]
    assert split_names(["Changchun – Guarulhos – Gyeonggi –", "Hangzhou – Kazan"]) == ["Changchun", "Guarulhos", "Gyeonggi", "Hangzhou", "Kazan"]
    assert split_names(["Busan | Casablanca |", "Guarulhos"]) == ["Busan", "Casablanca", "Guarulhos"]
    assert split_names(["Estambul •", "Sofía •", "Addis-Abeba"]) == ["Estambul", "Sofía", "Addis-Abeba"]
    # one name per line; a line opening on a lowercase word continues the name above
    assert split_names(["CGLU África", "Organisation de coopération et", "de développement économiques", "eThekwini"]) == [
        "CGLU África",
        "Organisation de coopération et de développement économiques",
        "eThekwini",
    ]


def test_challenge_labels_lose_any_trailing_separator() -> None:
    got = parse_challenges(["2.1 Résilience sociale |", "3.2 Transparence / 1.1 Lutter contre les", "inégalités"])
    assert [(c.code, c.label) for c in got] == [("2.1", "Résilience sociale"), ("3.2", "Transparence"), ("1.1", "Lutter contre les inégalités")]


def test_label_wrapped_in_a_narrow_column_is_joined() -> None:
    lines = [
        L("MIEMBROS", 100, bold=True, x0=60),
        L("ACTIVOS", 111, bold=True, x0=60),
        L("ENJEUX MÉTRO", 130, bold=True, x0=60),
        L("POLITAINS", 141, bold=True, x0=60),
        L("METROPOLITAN", 160, bold=True, x0=60),
        L("CHALLENGES: 1.1", 171, bold=True, x0=60),
        L("MIEMBROS", 190, bold=True, x0=60),
        L("ALIANZAS", 201, bold=True, x0=60),
    ]
    es = [ln.text for ln in join_wrapped_labels(lines[:2] + lines[6:], "es")]
    assert es == ["MIEMBROS ACTIVOS", "MIEMBROS", "ALIANZAS"]  # two stacked labels stay two
    assert [ln.text for ln in join_wrapped_labels(lines[2:4], "fr")] == ["ENJEUX MÉTROPOLITAINS"]
    joined = join_wrapped_labels(lines[4:6], "en")
    assert [(ln.text, ln.top, ln.bottom) for ln in joined] == [("METROPOLITAN CHALLENGES: 1.1", 160, 171 + 9.5)]
    # "MEMBERS" alone is a label, "ENGAGED" is not: one label wrapped, with the value
    # read level with its first line kept after it
    engaged = [L("ENGAGED", 100, bold=True, x0=60), L("Brazzaville; Casablanca;", 100, x0=142), L("MEMBERS", 111, bold=True, x0=60), L("Madrid", 111, x0=142)]
    assert [ln.text for ln in join_wrapped_labels(engaged, "en")] == ["ENGAGED MEMBERS", "Brazzaville; Casablanca;", "Madrid"]


def _row(label: str, value: str, top: float) -> Line:
    """One row of a label column read as one line: the label in bold, its value after it."""
    ln = L(f"{label} {value}".strip(), top, bold=False, x0=60)
    return ln.model_copy(update={"runs": [(label, True), (value, False)]})


def test_label_column_wrapped_beside_its_values_reads_label_then_values() -> None:
    # each row of the table is one line ("MEMBRES Barcelone (aire" / "IMPLIQUÉS
    # métropolitaine)"), or the label's first line alone with its value read after it
    lines = [
        _row("MEMBRES", "Barcelone (aire", 100),
        _row("IMPLIQUÉS", "métropolitaine) · Turin", 111),
        L("RÉSULTATS", 125, bold=True, x0=60),
        L("L1A2D2 ·", 125, x0=160),
        _row("CONNEXES", "L1A3D3", 136),
        _row("DÉFIS", "3.2 Transparence et", 150),
        _row("MÉTROPOLITAINS", "responsabilité", 161),
        L("MEMBRES", 175, bold=True, x0=60),
        L("ALLIANCES", 186, bold=True, x0=60),
    ]
    got = [ln.text for ln in join_label_column(lines, "fr")]
    assert got == [
        "MEMBRES IMPLIQUÉS Barcelone (aire métropolitaine) · Turin",
        "RÉSULTATS CONNEXES L1A2D2 · L1A3D3",
        "DÉFIS MÉTROPOLITAINS 3.2 Transparence et responsabilité",
        "MEMBRES",  # two stacked labels stay two
        "ALLIANCES",
    ]


def test_a_label_in_capitals_run_into_codes_or_a_list_in_capitals() -> None:
    lines = [L("ACTIVITIES", 60, 24, True), L("3 February", 100, 10, True), L("GUIDE LAUNCH", 115, 14, True), L("The guide was launched by the network.", 135)]
    lines += [L("› MEMBERS INVOLVED Berlin, Bogotá", 160), L("› RELATED RESULTS L1A2D3, L1A3D3", 172), L("› ALLIANCES UCLG, UN Women", 184)]
    seg = layout_to_segments(_doc(lines), "en")
    (a,) = seg.activities
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {"members": ["Berlin, Bogotá"], "results": ["L1A2D3, L1A3D3"], "alliances": ["UCLG, UN Women"]}


def test_key_value_table_with_wrapped_labels() -> None:
    # a label column read first ("MEMBRES" / "ACTIVÉS", …), then the values beside them
    lines = [L("ACTIVITÉS", 60, 24, True), L("3 février", 100, 10, True), L("LANCEMENT DU GUIDE", 115, 14, True), L("Le guide a été lancé par les membres du réseau.", 135)]
    lines += [L("MEMBRES", 160, bold=True, x0=60), L("ACTIVÉS", 171, bold=True, x0=60), L("RÉSULTATS", 200, bold=True, x0=60), L("ASSOCIÉS", 211, bold=True, x0=60)]
    lines += [L("Berlin", 160, x0=160), L("Bogotá", 171, x0=160), L("Quito", 182, x0=160), L("L1A2D3, L1A3D3", 200, x0=160)]
    seg = layout_to_segments(_doc(lines), "fr")
    (a,) = seg.activities
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {"members": ["Berlin", "Bogotá", "Quito"], "results": ["L1A2D3, L1A3D3"]}


def test_fields_in_a_margin_column_belong_to_the_activity_beside_them() -> None:
    # reading order: the margin column (labels and values), then date, title and text
    lines = [L("ACTIVITÉS", 60, 24, True)]
    top = 100.0
    for members, date, title in [("Berlin, Bogotá", "3 février", "LANCEMENT DU GUIDE"), ("Quito / Lima", "8 mars", "JOURNÉE DES FEMMES")]:
        lines += [L("MEMBRES ACTIVÉS :", top, bold=True, x0=40), L(members, top + 12, x0=40), L("Résultats associés : L1A2D3", top + 26, x0=40)]
        lines += [L(date, top + 8, 10, True, x0=200), L(title, top + 22, 14, True, x0=200), L("Metropolis a lancé une campagne pour la journée.", top + 40, x0=200)]
        top += 120
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, [t.text for t in a.title_lines], {k: [ln.text for ln in v] for k, v in a.fields.items()}) for a in seg.activities]
    assert got == [
        ("3 février", ["LANCEMENT DU GUIDE"], {"members": ["Berlin, Bogotá"], "results": ["L1A2D3"]}),
        ("8 mars", ["JOURNÉE DES FEMMES"], {"members": ["Quito / Lima"], "results": ["L1A2D3"]}),
    ]


def test_date_and_title_on_one_line_split_at_the_separator() -> None:
    lines = [
        L("ACTIVIDADES", 60, 24, True),
        L("3 de agosto · 5.ª EDICIÓN DEL PREMIO DE", 100, 14, True),
        L("GUANGZHOU", 117, 14, True),
        L("Miembros activos: Bogotá", 140),
    ]
    seg = layout_to_segments(_doc(lines), "es")
    (a,) = seg.activities
    assert (a.date_line.text, [t.text for t in a.title_lines], a.series) == ("3 de agosto", ["5.ª EDICIÓN DEL PREMIO DE", "GUANGZHOU"], None)


def test_date_and_title_line_in_two_colours_keeps_its_first_title_words() -> None:
    # the date in the accent colour makes the shared line's colour differ from the title's
    lines = [
        L("ACTIVIDADES", 60, 24, True),
        L("22 y 28 de octubre · LANZAMIENTO DEL", 100, 14, True).model_copy(update={"color": "#b35900"}),
        L("INFORME SOBRE ACCIÓN CLIMÁTICA", 117, 14, True),
        L("Miembros activos: Bogotá", 140),
    ]
    (a,) = layout_to_segments(_doc(lines), "es").activities
    assert (a.date_line.text, [t.text for t in a.title_lines], a.series) == ("22 y 28 de octubre", ["LANZAMIENTO DEL", "INFORME SOBRE ACCIÓN CLIMÁTICA"], None)


def _words(text: str, x0: float, top: float, cell: tuple[int, int, int] | None = None) -> list[Word]:
    out, x = [], x0
    for p in text.split():
        out.append(Word(p, x, x + 5 * len(p), top, top + 9, 9.0, "Sans", "#000000", cell))
        x += 5 * len(p) + 2.5
    return out


def test_text_under_a_ruled_table_is_read_after_it() -> None:
    # the table is closer to the paragraphs around it than paragraph spacing
    words = _words("text above the table", 40, 100) + _words("Members", 40, 115, (0, 0, 0)) + _words("Dakar", 200, 115, (0, 0, 1))
    words += _words("Partners", 40, 127, (0, 1, 0)) + _words("UCLG", 200, 127, (0, 1, 1)) + _words("text under the table", 40, 141)
    blocks = reading_blocks(words, [], 595, 842, 10.45)
    got = [_row_to_line(row, 1, 0).text for block in blocks for row in block_rows(block)]
    assert got == ["text above the table", "Members", "Dakar", "Partners", "UCLG", "text under the table"]


def test_names_on_pills_side_by_side_are_parted_by_their_boxes() -> None:
    # pills: a filled box behind each name, a wide gap between boxes, none inside a name
    row = [Word("Bogotá", 40, 70, 100, 109, 9.5, "Sans", "#000000", pill=1), Word("Buenos", 81, 111, 100, 109, 9.5, "Sans", "#000000", pill=2)]
    row += [Word("Aires", 114, 138, 100, 109, 9.5, "Sans", "#000000", pill=2), Word("Quito", 149, 172, 100, 109, 9.5, "Sans", "#000000", pill=3)]
    assert _row_to_line(row, 1, 0).text == "Bogotá · Buenos Aires · Quito ·"
    assert split_names(["Bogotá · Buenos Aires · Quito ·", "Mexico City"]) == ["Bogotá", "Buenos Aires", "Quito", "Mexico City"]
    plain = [Word(w.text, w.x0, w.x1, w.top, w.bottom, w.size, w.font, w.color) for w in row]
    assert _row_to_line(plain, 1, 0).text == "Bogotá Buenos Aires Quito"


def test_a_label_set_apart_by_weight_alone_runs_into_its_value() -> None:
    # "**Membres participants** Bruxelles – Rabat": no separator, no capitals, the bold
    # lead alone says where the label ends
    def lead(label: str, value: str, top: float) -> Line:
        return L(f"{label} {value}", top).model_copy(update={"runs": [(label, True), (value, False)]})

    lines = [L("ACTIVITÉS", 60, 24, True), L("3 février", 100, 10, True), L("LANCEMENT DU GUIDE", 115, 14, True), L("Le guide a été lancé par les membres du réseau.", 135)]
    lines += [lead("Le guide", "a été présenté à Rabat.", 147)]  # a bold lead that is no label stays text
    lines += [lead("Membres participants", "Bruxelles – La Paz – Rabat", 160), lead("Résultats associés", "L1A2D2 – L1A3D1", 172)]
    seg = layout_to_segments(_doc(lines), "fr")
    (a,) = seg.activities
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {"members": ["Bruxelles – La Paz – Rabat"], "results": ["L1A2D2 – L1A3D1"]}
    assert [ln.text for ln in a.description_lines][-1] == "Le guide a été présenté à Rabat."


def test_labels_centred_beside_their_values_take_the_lines_above_them() -> None:
    # a word processor's Label | Value table, cells centred vertically: each value's first
    # line sits higher than its label and is read before it
    lines = [L("ACTIVIDADES", 60, 24, True), L("3 de febrero", 100, 10, True), L("LANZAMIENTO DE LA GUÍA", 115, 14, True), L("La guía fue lanzada por la red.", 135)]
    lines += [
        L("Barcelona (área metropolitana) ·", 211.0, 8.5, x0=148.7),
        L("Miembros activados", 217.1, 8.5, True, x0=45),
        L("Turín", 223.3, 8.5, x0=148.7),
        L("L1A2D2 ·", 238.5, 8.5, x0=148.7),
        L("Resultados asociados", 244.6, 8.5, True, x0=45),
        L("L1A3D3", 250.7, 8.5, x0=148.7),
        L("Socios", 265.9, 8.5, True, x0=45),
        L("Unión Europea", 265.9, 8.5, x0=148.7),
    ]
    seg = layout_to_segments(_doc(lines), "es")
    (a,) = seg.activities
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {
        "members": ["Barcelona (área metropolitana) ·", "Turín"],
        "results": ["L1A2D2 ·", "L1A3D3"],
        "alliances": ["Unión Europea"],
    }
