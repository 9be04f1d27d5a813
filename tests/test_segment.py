"""Segmentation on small inline layouts: exact roles for each line."""

from metroextract.models import DocumentLayout, Line, PageLayout
from metroextract.segment import layout_to_segments, tag_lines


def L(text: str, top: float, size: float = 9.5, bold: bool = False, x0: float = 40, column: int = 0, upper: bool | None = None, font: str = "Sans") -> Line:
    letters = [c for c in text if c.isalpha()]
    return Line(
        page=2,
        text=text,
        x0=x0,
        top=top,
        x1=x0 + 5 * len(text),
        bottom=top + size,
        size=size,
        bold=bold,
        font=font + ("-Bold" if bold else ""),
        color="#000000",
        upper=upper if upper is not None else (len(letters) > 1 and all(c.isupper() for c in letters)),
        column=column,
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


def test_title_printed_before_its_date_opens_the_activity() -> None:
    # A report that prints the title first, the date under it: the title run belongs to
    # the activity its date opens, not to the end of the previous one.
    lines = [L("ACTIVITÉS", 60, 24, True), L("LIGNE D'ACTION 1", 90, 12, True)]
    top = 120.0
    for date, title, text in [
        ("3 février", ["LANCEMENT DU GUIDE SUR", "LA POLITIQUE URBAINE"], "Le guide a été lancé par les membres du réseau."),
        ("15-21 février", ["SÉMINAIRE DE CGLU"], "Le séminaire a réuni six cents personnes en ligne."),
        ("8 mars", ["JOURNÉE DES FEMMES"], "Metropolis a lancé une campagne pour la journée."),
    ]:
        for t in title:
            lines.append(L(t, top, 13, True))
            top += 16
        lines.append(L(date, top, 10, font="Sans-Italic"))
        lines.append(L(text, top + 16))
        lines.append(L("Membres activés : Berlin, Bogotá", top + 31))
        top += 70
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, [t.text for t in a.title_lines], [d.text for d in a.description_lines]) for a in seg.activities]
    assert got == [
        ("3 février", ["LANCEMENT DU GUIDE SUR", "LA POLITIQUE URBAINE"], ["Le guide a été lancé par les membres du réseau."]),
        ("15-21 février", ["SÉMINAIRE DE CGLU"], ["Le séminaire a réuni six cents personnes en ligne."]),
        ("8 mars", ["JOURNÉE DES FEMMES"], ["Metropolis a lancé une campagne pour la journée."]),
    ]
    assert [ln.text for ln in seg.unplaced] == []


def test_action_line_name_above_a_title_in_capitals_is_no_part_of_it() -> None:
    # title first, in capitals; the action line's name right under its heading is set
    # in the title's weight and size, in small letters: it is the action line's label
    lines = [
        L("ACTIVITÉS", 60, 16, True), L("LIGNE D'ACTION 1", 82, 12, True),
        L("Diplomatie et plaidoyer métropolitains", 95, 9.4, True),
        L("RÉUNION SUR LA GOUVERNANCE", 111, 9.4, True), L("MÉTROPOLITAINE", 122, 9.4, True),
        L("14 avril", 138, 8.5, True), L("Le guide a été lancé par les membres du réseau.", 150, 8.5),
        L("Membres activés : Berlin, Bogotá", 162, 8.5),
        L("ATELIER SUR L'ÉGALITÉ DE GENRE", 185, 9.4, True), L("18 avril", 200, 8.5, True),
        L("Le séminaire a réuni six cents personnes en ligne.", 212, 8.5), L("Membres activés : Abidjan", 224, 8.5),
    ]  # fmt: skip
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, [t.text for t in a.title_lines]) for a in seg.activities]
    assert got == [("14 avril", ["RÉUNION SUR LA GOUVERNANCE", "MÉTROPOLITAINE"]), ("18 avril", ["ATELIER SUR L'ÉGALITÉ DE GENRE"])]
    assert seg.action_lines == [("L1", "Diplomatie et plaidoyer métropolitains")]


def test_title_then_date_on_one_line_needs_a_separator() -> None:
    lines = [
        L("ACTIVITÉS", 60, 24, True),
        L("LANCEMENT DU GUIDE — 3 février", 100, 12, True),
        L("Le guide a été lancé par les membres du réseau.", 120),
        L("SOMMET DU 8 MARS", 140, 12, True),
    ]
    seg = layout_to_segments(_doc(lines), "fr")
    assert [(a.date_line.text, [t.text for t in a.title_lines]) for a in seg.activities] == [("3 février", ["LANCEMENT DU GUIDE"])]


def test_cover_period_set_on_two_lines_is_read_across_them() -> None:
    cover = [L("METROPOLIS RAPPORT DE PROGRÈS", 50, 30, True), L("Janvier", 100, 20), L("avril 2021", 130, 20)]
    doc = DocumentLayout(
        pages=[PageLayout(page=1, width=595, height=842, lines=[ln.model_copy(update={"page": 1}) for ln in cover]), PageLayout(page=2, width=595, height=842, lines=[L("ACTIVITÉS", 60, 24, True)])],
        body_size=9.5,
        page_count=2,
    )
    seg = layout_to_segments(doc, "fr")
    assert seg.period_text == "Janvier avril 2021"
    assert [ln.text for ln in seg.title_lines] == ["METROPOLIS RAPPORT DE PROGRÈS"]


def test_key_value_table_pairs_labels_and_values_by_row() -> None:
    # Labels in a column of their own, values beside them: reading order gives every
    # label first; rows pair them again, also when the table breaks across a page.
    lines = [
        L("ACTIVITÉS", 60, 24, True),
        L("3 février", 100, 10, True),
        L("LANCEMENT DU GUIDE", 115, 13, True),
        L("Le guide a été lancé par les membres du réseau.", 135),
        L("Membres activés", 160, 8.5, True),
        L("Résultats associés", 186, 8.5, True),
        L("Enjeux métropolitains", 200, 8.5, True),
        L("Antananarivo, Berlin, Bogotá, Buenos Aires,", 160, 8.5, x0=180, column=1),
        L("Chongqing, Gauteng", 171, 8.5, x0=180, column=1),
        L("L1A2D4, L3A2D2", 186, 8.5, x0=180, column=1),
        L("2.1 Résilience sociale", 200, 8.5, x0=180, column=1),
    ]
    next_page = [
        L("Alliances", 80, 8.5, True),
        L("2.2 Résilience économique", 64, 8.5, x0=180, column=1),
        L("ICLEI, CGLU", 80, 8.5, x0=180, column=1),
        L("Le séminaire a réuni six cents personnes en ligne.", 120, x0=40, column=2),
    ]
    doc = _doc(lines)
    page3 = PageLayout(page=3, width=595, height=842, lines=[ln.model_copy(update={"page": 3}) for ln in next_page])
    doc = doc.model_copy(update={"pages": [*doc.pages, page3], "page_count": 3})
    a = layout_to_segments(doc, "fr").activities[0]
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {
        "members": ["Antananarivo, Berlin, Bogotá, Buenos Aires,", "Chongqing, Gauteng"],
        "results": ["L1A2D4, L3A2D2"],
        "challenges": ["2.1 Résilience sociale", "2.2 Résilience économique"],
        "alliances": ["ICLEI, CGLU"],
    }
    assert [ln.text for ln in a.description_lines] == ["Le guide a été lancé par les membres du réseau.", "Le séminaire a réuni six cents personnes en ligne."]


def test_action_line_kicker_between_date_and_title_belongs_to_the_activity() -> None:
    lines = [
        L("ACTIVITÉS", 60, 24, True),
        L("3 février", 100, 10, True),
        L("LIGNE D'ACTION 2", 115, 8, True),
        L("LANCEMENT DU GUIDE", 128, 13, True),
        L("Le guide a été lancé par les membres du réseau.", 150),
        L("8 mars", 180, 10, True),
        L("LIGNE D'ACTION 3", 195, 8, True),
        L("JOURNÉE DES FEMMES", 208, 13, True),
        L("Metropolis a lancé une campagne pour la journée.", 230),
    ]
    seg = layout_to_segments(_doc(lines), "fr")
    assert [(a.action_line, a.date_line.text, [t.text for t in a.title_lines]) for a in seg.activities] == [
        ("L2", "3 février", ["LANCEMENT DU GUIDE"]),
        ("L3", "8 mars", ["JOURNÉE DES FEMMES"]),
    ]


def test_title_in_the_main_column_after_a_sidebar_with_date_and_fields() -> None:
    # Reading order: the sidebar (date, labels, values), then the main column (title, text).
    lines = [L("ACTIVITÉS", 60, 24, True)]
    top = 100.0
    for date, title, members, text in [
        ("3 février", ["LANCEMENT DU GUIDE SUR", "LA POLITIQUE URBAINE"], "Berlin, Bogotá", "Le guide a été lancé par les membres du réseau."),
        ("8 mars", ["JOURNÉE DES FEMMES"], "Quito", "Metropolis a lancé une campagne pour la journée."),
    ]:
        lines += [
            L(date, top, 10, True, column=1),
            L("Membres activés", top + 18, 7.5, True, column=1),
            L(members, top + 29, 8.5, column=1),
        ]
        lines += [L(t, top + 17 * k, 14, True, x0=190, column=2) for k, t in enumerate(title)]
        lines.append(L(text, top + 17 * len(title) + 6, x0=190, column=2))
        top += 90
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, [t.text for t in a.title_lines], [ln.text for ln in a.fields["members"]], [d.text for d in a.description_lines]) for a in seg.activities]
    assert got == [
        ("3 février", ["LANCEMENT DU GUIDE SUR", "LA POLITIQUE URBAINE"], ["Berlin, Bogotá"], ["Le guide a été lancé par les membres du réseau."]),
        ("8 mars", ["JOURNÉE DES FEMMES"], ["Quito"], ["Metropolis a lancé une campagne pour la journée."]),
    ]


def test_series_kicker_set_in_smaller_italics_under_the_title() -> None:
    # The series printed under the title (smaller, italic, not bold) is the kicker, not the
    # title's last line, nor the title with the real title taken for the kicker.
    lines = [L("ACTIVITIES", 60, 24, True), L("ACTION LINE 1", 90, 12, True)]
    lines += [L("17 February", 120, 10, font="Sans-Italic"), L("PUBLIC SPACE, MENTAL HEALTH", 136, 13, True), L("AND CULTURE", 152, 13, True)]
    lines += [L("CITIES ARE LISTENING", 168, 9, font="Sans-Italic"), L("Metropolis took part in two webinars early in the year.", 184)]
    lines += [L("Members involved: Berlin, Bogotá", 199)]
    seg = layout_to_segments(_doc(lines), "en")
    (a,) = seg.activities
    assert (a.series and a.series.text, [t.text for t in a.title_lines]) == ("CITIES ARE LISTENING", ["PUBLIC SPACE, MENTAL HEALTH", "AND CULTURE"])


def _title_first(gap: float) -> list[Line]:
    """Three title-first activities, each date `gap` points under its title."""
    lines = [L("ACTIVITÉS", 60, 24, True), L("LIGNE D'ACTION 1", 90, 12, True)]
    top = 120.0
    for date, title in [("3 février", "LANCEMENT DU GUIDE"), ("15-21 février", "SÉMINAIRE DE CGLU"), ("8 mars", "JOURNÉE DES FEMMES")]:
        lines.append(L(title, top, 10.5, True))
        top += 10.5 + gap
        lines += [L(date, top), L("Le guide a été lancé par les membres du réseau.", top + 16), L("Membres activés : Berlin, Bogotá", top + 31)]
        top += 31 + 9.5 + gap  # the next title as far below the fields as the date under its title
    return lines


def test_title_first_report_with_its_dates_set_well_apart_from_their_titles() -> None:
    # a word processor pads a date tag: every date sits 17 pt under its title, farther
    # than 1.5 lines, and as far as the title is from the text above it
    seg = layout_to_segments(_doc(_title_first(17.0)), "fr")
    assert [(a.date_line.text, [t.text for t in a.title_lines]) for a in seg.activities] == [
        ("3 février", ["LANCEMENT DU GUIDE"]),
        ("15-21 février", ["SÉMINAIRE DE CGLU"]),
        ("8 mars", ["JOURNÉE DES FEMMES"]),
    ]


def test_title_at_a_page_foot_takes_the_date_at_the_next_page_head() -> None:
    lines = _title_first(4.0)
    last_title = next(i for i, ln in enumerate(lines) if ln.text == "JOURNÉE DES FEMMES")
    turned = [ln.model_copy(update={"page": 3, "top": ln.top - 300, "bottom": ln.bottom - 300}) for ln in lines[last_title + 1 :]]
    doc = _doc(lines[: last_title + 1])
    doc = doc.model_copy(update={"pages": [*doc.pages, PageLayout(page=3, width=595, height=842, lines=turned)], "page_count": 3})
    seg = layout_to_segments(doc, "fr")
    assert [(a.date_line.text, [t.text for t in a.title_lines]) for a in seg.activities][-1] == ("8 mars", ["JOURNÉE DES FEMMES"])


def test_contents_and_note_printed_on_the_cover_page() -> None:
    # a word processor ignores the page breaks: contents and note follow the title
    cover = [
        L("METROPOLIS RAPPORT DE PROGRÈS", 50, 30, True),
        L("Janvier —> avril 2021", 100, 20),
        L("Sommaire", 140, 20, True),
        L("Note du secrétaire général 2", 170),
        L("Activités 8", 185),
        L("Note du secrétaire général", 220, 20, True),
        L("Notre Plan d'action stratégique a été validé et publié en fin d'année 2020.", 250),
    ]
    doc = _doc([L("ACTIVITÉS", 60, 24, True)])
    doc = doc.model_copy(update={"pages": [PageLayout(page=1, width=595, height=842, lines=[ln.model_copy(update={"page": 1}) for ln in cover]), doc.pages[1]]})
    seg = layout_to_segments(doc, "fr")
    assert [ln.text for ln in seg.title_lines] == ["METROPOLIS RAPPORT DE PROGRÈS"]
    assert [ln.text for ln in seg.sections["toc"]] == ["Note du secrétaire général 2", "Activités 8"]
    assert [ln.text for ln in seg.sections["note"]] == ["Notre Plan d'action stratégique a été validé et publié en fin d'année 2020."]


def test_margin_fields_of_the_next_activity_set_close_under_the_last_ones() -> None:
    # A margin column of fields left of each activity's date, title and text. The third
    # activity prints no members, and its column runs on past its text: the reading order
    # gives its fields, then the fourth's (set as close under them as they are under each
    # other, naming a field the third has not), then both activities' main columns. The
    # fourth's first label stands on its date's line: it opens the fourth's group.
    lines = [L("ACTIVITÉS", 60, 24, True)]
    margins, mains = [], []
    top = 100.0
    for date, title, fields in [
        ("2 février", "RÉUNION DU CONSEIL", [("Membres activés —", "Lisbonne"), ("Résultats associés —", "L1A1D1"), ("Partenaires —", "ONU-Habitat")]),
        ("3 février", "LANCEMENT DU GUIDE", [("Membres activés —", "Berlin; Bogotá"), ("Résultats associés —", "L1A2D4")]),
        ("8 mars", "JOURNÉE DES FEMMES", [("Résultats associés —", "L1A3D1"), ("Partenaires — ONU-Habitat;", "Cités et gouvernements locaux")]),
        ("9 avril", "SÉMINAIRE SUR LA MOBILITÉ", [("Membres activés —", "Quito; Lima"), ("Résultats associés —", "L2A2D6")]),
    ]:
        y = top
        margins.append([])
        for label, value in fields:
            margins[-1] += [L(label, y, column=1), L(value, y + 15, column=1)]
            y += 30
        mains.append([L(date, top + 10, 10, True, x0=190, column=2), L(title, top + 28, 11, True, x0=190, column=2)])
        mains[-1].append(L("Metropolis a organisé la rencontre avec ses membres.", top + 46, x0=190, column=2))
        top = y + 7.5
    lines += margins[0] + mains[0] + margins[1] + mains[1] + margins[2] + margins[3] + mains[2] + mains[3]
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, {k: [ln.text for ln in v] for k, v in a.fields.items()}) for a in seg.activities]
    assert got == [
        ("2 février", {"members": ["Lisbonne"], "results": ["L1A1D1"], "alliances": ["ONU-Habitat"]}),
        ("3 février", {"members": ["Berlin; Bogotá"], "results": ["L1A2D4"]}),
        ("8 mars", {"results": ["L1A3D1"], "alliances": ["ONU-Habitat;", "Cités et gouvernements locaux"]}),
        ("9 avril", {"members": ["Quito; Lima"], "results": ["L2A2D6"]}),
    ]


def test_a_title_at_body_size_beside_a_margin_column_read_after_its_fields() -> None:
    # A word processor's two-cell row: the date above, then a margin column of fields
    # (read first) beside the title and the text (read after). The title is set in bold
    # capitals at body size: met after the fields, it is the title because it stands
    # beside them, its top above their last line.
    lines = [
        L("ACTIVITÉS", 24, 14, True),
        L("14 février", 100, x0=190, column=1),
        L("RÉSULTATS ASSOCIÉS", 130, bold=True, column=2),
        L("L1A3D1, L2A2D5", 142, column=2),
        L("ENJEUX MÉTROPOLITAINS", 157, bold=True, column=2),
        L("3.1 Transversalité de genre", 169, column=2),
        L("RÉUNION SUR LE LOGEMENT", 115, bold=True, x0=190, column=3),
        L("Metropolis a organisé la rencontre avec ses membres.", 132, x0=190, column=3),
    ]
    (a,) = layout_to_segments(_doc(lines), "fr").activities
    assert [ln.text for ln in a.title_lines] == ["RÉUNION SUR LE LOGEMENT"]
    assert [ln.text for ln in a.description_lines] == ["Metropolis a organisé la rencontre avec ses membres."]
    assert {k: [ln.text for ln in v] for k, v in a.fields.items()} == {"results": ["L1A3D1, L2A2D5"], "challenges": ["3.1 Transversalité de genre"]}


def test_fields_in_a_margin_column_right_of_the_text_go_to_the_activity_level_with_them() -> None:
    # A landscape page: two activities down the text column, each one's fields in a margin
    # column on its right, level with its date. The reading order gives the whole text
    # column first, then the margin column: the first activity's fields are read while the
    # second is open, and the second's after them.
    lines = [L("ACTIVITÉS", 60, 24, True)]
    text, margin = [], []
    for top, date, title, fields in [
        (100.0, "1-2 juillet", "RÉUNION SUR L'ESPACE PUBLIC", [("Membres activés — Gaziantep · Lisbonne", 1), ("Résultats liés — L3A1D2", 2)]),
        (240.0, "2 et 8 août", "PRIX DE GUANGZHOU", [("Membres activés — Berlin · Quito", 3), ("Partenaires — ICLEI", 4)]),
    ]:
        text += [L(date, top, 9, x0=56, column=1), L(title, top + 14, 10, True, x0=56, column=1)]
        text += [L("Metropolis a organisé la rencontre avec ses membres.", top + 34 + 11 * k, x0=62, column=1) for k in range(3)]
        margin += [L(label, top + 34 + 14 * k, x0=520, column=2) for label, k in fields]
    lines += text + margin
    seg = layout_to_segments(_doc(lines), "fr")
    got = [(a.date_line.text, {k: [ln.text for ln in v] for k, v in a.fields.items()}) for a in seg.activities]
    assert got == [
        ("1-2 juillet", {"members": ["Gaziantep · Lisbonne"], "results": ["L3A1D2"]}),
        ("2 et 8 août", {"members": ["Berlin · Quito"], "alliances": ["ICLEI"]}),
    ]
