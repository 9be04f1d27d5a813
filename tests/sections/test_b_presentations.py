"""Sections read whatever presentation a design uses (issue #24): run-in meeting cards,
pills, transposed meeting tables, bulleted media groups, dot-leader contents, Code | Label
tables read column by column, bullets of every shape."""

from __future__ import annotations

from metroextract.models import Challenge, Line, PlanItem, TocEntry
from metroextract.sections import parse_engagement, parse_media, parse_meetings, parse_plan, parse_taxonomy, parse_toc
from metroextract.sections.meetings import split_known
from metroextract.sections.plan import unbullet

from ._lines import BODY, EN, ES, FR, P2021, L


def runs(ln: Line, pieces: list[tuple[str, bool]]) -> Line:
    return ln.model_copy(update={"runs": pieces})


def meetings(got) -> list[tuple]:
    return [(m.month, m.format, [x.name for x in m.members], [x.name for x in m.alliances]) for m in got]


def test_pills_read_back_as_registered_names() -> None:
    assert split_known("Haikou Moscú") == ["Haikou", "Moscú"]
    assert split_known("CGLU Cultura PNUD") == ["CGLU Cultura", "PNUD"]
    assert split_known("Buenos Aires") == ["Buenos Aires"]  # one registered name
    assert split_known("Ville Inconnue Haikou") == ["Ville Inconnue Haikou"]  # not every piece is known


def test_meeting_cards_with_a_run_in_format_label_and_pills() -> None:
    lines = [
        L("Marzo", 36, 328.4, 10, True),
        runs(L("Tipo: Híbrido", 36, 344.1, 10), [("Tipo:", True), ("Híbrido", False)]),
        runs(L("Miembros: Haikou Moscú", 36, 359.9, 10), [("Miembros:", True), ("Haikou Moscú", False)]),
        runs(L("Alianzas: AL-LAs", 36, 374.9, 10), [("Alianzas:", True), ("AL-LAs", False)]),
        L("Abril", 36, 390.6, 10, True),
        runs(L("Formato: Presencial", 36, 406.4, 10), [("Formato:", True), ("Presencial", False)]),
        runs(L("Alianzas: Unión Europea", 36, 437.1, 10), [("Alianzas:", True), ("Unión Europea", False)]),
    ]
    assert meetings(parse_meetings(lines, BODY, ES, P2021)) == [
        ("2021-03", "Híbrido", ["Haikou", "Moscú"], ["AL-LAs"]),
        ("2021-04", "Presencial", [], ["Unión Europea"]),
    ]


def test_transposed_meetings_with_broken_labels_and_a_label_run_beside_its_value() -> None:
    """Months across, Format / Members / Alliances down a narrow left column: a label broken
    inside its word ("Memb ers", "Forma" / "t"), a bold label run joined to the first value
    on its baseline ("**Members** Incheon"), one month per band."""
    lines = [
        L("January", 107.5, 256.6, 9, True, width=30),
        L("Type", 61, 273.5, 9, True, width=20),
        L("Hybrid", 107.5, 273.5, 9, width=26),
        runs(L("Members Incheon", 61, 290.5, 9, True, width=75.5), [("Members", True), ("Incheon", False)]),
        L("Alliances", 61, 307.5, 9, True, width=35),
        L("AL-LAs; UN-Habitat", 107.5, 307.5, 9, width=84),
        L("February", 107.5, 332.5, 9, True, width=35),
        L("Forma", 61, 349.5, 9, True, width=28),
        L("t", 61, 360.5, 9, True, width=4),
        L("Online", 107.5, 349.5, 9, width=26),
        L("Memb ers", 61, 376.4, 9, True, width=37),
        L("Alexandria; Harare;", 107.5, 376.4, 9, width=80),
        L("Lima", 107.5, 387.4, 9, width=20),
    ]
    assert meetings(parse_meetings(lines, BODY, EN, P2021)) == [
        ("2021-01", "Hybrid", ["Incheon"], ["AL-LAs", "UN-Habitat"]),
        ("2021-02", "Online", ["Alexandria", "Harare", "Lima"], []),
    ]


def test_meeting_cards_boxed_as_ruled_cells_are_cards() -> None:
    """Cards side by side in boxes read as the cells of a ruled table: their fields are run
    in, so they are cards, and a card's run-in label is no row header of the card beside it."""

    def cell(text: str, x0: float, top: float, col: int, bold: bool = False, pieces: list | None = None) -> Line:
        ln = L(text, x0, top, 11, bold).model_copy(update={"cell": (0, 0, col)})
        return runs(ln, pieces) if pieces else ln

    lines = [
        cell("Septiembre", 52, 394.3, 0, True),
        cell("Tipo: Híbrido", 52, 410.7, 0, pieces=[("Tipo:", True), ("Híbrido", False)]),
        cell("Miembros: Bogor; Kuala Lumpur", 52, 427.1, 0, pieces=[("Miembros:", True), ("Bogor; Kuala Lumpur", False)]),
        cell("Noviembre", 301.6, 394.3, 1, True),
        cell("Formato: Híbrido", 301.6, 410.7, 1, pieces=[("Formato:", True), ("Híbrido", False)]),
        cell("Alianzas: EUROCITIES", 301.6, 427.1, 1, pieces=[("Alianzas:", True), ("EUROCITIES", False)]),
    ]
    period = P2021.model_copy(update={"start": "2021-09", "end": "2021-12"})
    assert meetings(parse_meetings(lines, BODY, ES, period)) == [
        ("2021-09", "Híbrido", ["Bogor", "Kuala Lumpur"], []),
        ("2021-11", "Híbrido", [], ["EUROCITIES"]),
    ]


def test_media_bulleted_groups_and_no_field_label_as_outlet() -> None:
    def item(outlet: str, title: str, top: float) -> Line:
        return runs(L(f"– {outlet}: {title}", 38.6, top, 10, width=300), [("–", False), (outlet, True), (f": {title}", False)])

    lines = [
        L("FEBRERO", 36, 388.9, 10, True, color="#3d3d8f"),
        item("Ciudad Sostenible", "Webinario sobre desigualdades urbanas", 404.9),
        L("MARZO", 36, 424.1, 10, True, color="#3d3d8f"),
        item("Bogotá", "Webinario sobre urbanismo táctico", 440.9),
        item("Cities Today", "Entrevista con la alcaldesa", 452.9),
        runs(L("Socios — CGLU", 36, 470, 10, width=80), [("Socios —", True), ("CGLU", False)]),
    ]
    got = [(m.month, m.outlet, m.title) for m in parse_media(lines, BODY, ES, P2021)]
    assert got == [
        ("2021-02", "Ciudad Sostenible", "Webinario sobre desigualdades urbanas"),
        ("2021-03", "Bogotá", "Webinario sobre urbanismo táctico"),
        ("2021-03", "Cities Today", "Entrevista con la alcaldesa"),
    ]


def test_toc_dot_leaders_entry_in_bold_whatever_the_line_weight() -> None:
    """Entries with dot leaders: the line's dominant weight is the leaders' (plain), its
    first run is the bold title; the indented items under it are no wrapped title."""

    def entry(title: str, page: int, top: float) -> Line:
        return runs(L(f"{title} ............ {page}", 56, top, 9), [(title, True), ("............", False), (str(page), True)])

    lines = [
        runs(L("Note from the Secretary General ............ 2", 56, 82.7, 9, True), [("Note from the Secretary General", True), ("............", False), ("2", True)]),
        entry("Activities", 4, 99.7),
        L("Action line 1 (L1)", 70, 113.7, 9),
        L("Metropolis in the media", 70, 127.7, 9),
        entry("Active listening", 10, 144.6),
        L("Members engagement", 70, 158.6, 9),
    ]
    assert parse_toc(lines, BODY) == [
        TocEntry(page=2, title="Note from the Secretary General", items=[]),
        TocEntry(page=4, title="Activities", items=["Action line 1 (L1)", "Metropolis in the media"]),
        TocEntry(page=10, title="Active listening", items=["Members engagement"]),
    ]


def test_code_label_tables_read_column_by_column() -> None:
    """Every code of an unruled Code | Label table first, then every label: each code takes
    the label lines level with it and under it, down to the next code's row."""
    plan = [
        L("L1", 49, 371.8, 9, width=11),
        L("L1A1", 49, 409.4, 9, width=23),
        L("L1A1D1", 49, 424.2, 9, width=35),
        L("Strengthen global leadership in", 92.7, 371.8, 9, width=180),
        L("metropolitan diplomacy", 92.7, 383.2, 9, width=120),
        L("Common political narrative", 92.7, 409.4, 9, width=150),
        L("Policy recommendations on key", 92.7, 424.2, 9, width=150),
        L("issues", 92.7, 435.5, 9, width=30),
    ]
    assert parse_plan(plan, BODY) == [
        PlanItem(code="L1", level="line", parent=None, label="Strengthen global leadership in metropolitan diplomacy"),
        PlanItem(code="L1A1", level="axis", parent="L1", label="Common political narrative"),
        PlanItem(code="L1A1D1", level="deliverable", parent="L1A1", label="Policy recommendations on key issues"),
    ]
    taxonomy = [
        L("1.1", 61, 239.2, 10.5, width=15),
        L("1.2", 61, 258.0, 10.5, width=15),
        L("Lutter contre les inégalités", 133.5, 239.2, 10.5, width=150),
        L("Accès au logement", 133.5, 258.0, 10.5, width=90),
    ]
    assert parse_taxonomy(taxonomy, BODY) == [Challenge(code="1.1", label="Lutter contre les inégalités"), Challenge(code="1.2", label="Accès au logement")]


def test_bullets_of_every_shape_and_in_a_gutter() -> None:
    assert unbullet("■ 1.1 Lutter contre") == "1.1 Lutter contre"
    assert unbullet("› L1A1D1 Policy") == "L1A1D1 Policy"
    assert unbullet("diplomacy and advocacy •") == "diplomacy and advocacy"  # the next item's gutter bullet
    assert unbullet("•") == ""
    lines = [
        L("■ 1.1 Lutter contre les inégalités et la", 70, 227.8, 11, width=214),
        L("ségrégation", 70, 241.6, 11, width=66),
        L("· 1.2 Accès au logement", 70, 257.7, 11, width=140),
    ]
    assert parse_taxonomy(lines, BODY) == [
        Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"),
        Challenge(code="1.2", label="Accès au logement"),
    ]
    plan = [
        L("L1 Strengthen leadership in diplomacy and advocacy •", 70, 281.8, 9, True, width=300),
        L("L1A1 Common narrative", 82, 295.0, 9, width=120),
    ]
    assert [(p.code, p.label) for p in parse_plan(plan, BODY)] == [("L1", "Strengthen leadership in diplomacy and advocacy"), ("L1A1", "Common narrative")]


def test_engagement_bulleted_list_and_a_separator_opening_a_line() -> None:
    bulleted = [L("■ Acra", 72, 116.6, 9), L("■ Gran París", 72, 130.6, 9), L("•", 60, 144.6, 9), L("Bogotá", 72, 144.6, 9)]
    assert [m.name for m in parse_engagement(bulleted, BODY)] == ["Acra", "Gran París", "Bogotá"]
    paragraph = [L("Ahvaz – Bangkok – Hangzhou", 56, 117.1, 9.5, width=400), L("– Hanói – Torino –", 56, 129.1, 9.5, width=400), L("Ulsan – Wuxi", 56, 141.1, 9.5, width=100)]
    assert [m.name for m in parse_engagement(paragraph, BODY)] == ["Ahvaz", "Bangkok", "Hangzhou", "Hanói", "Torino", "Ulsan", "Wuxi"]


def test_format_label_line_above_its_value_in_a_card() -> None:
    lines = [L("Janvier", 40, 100, 11, True), L("Format", 40, 114, 9, True), L("En ligne", 40, 125, 9), L("Membres", 40, 139, 9, True), L("Gauteng", 40, 150, 9)]
    assert meetings(parse_meetings(lines, BODY, FR, P2021)) == [("2021-01", "En ligne", ["Gauteng"], [])]


def test_meeting_card_run_in_value_wraps_like_running_text() -> None:
    lines = [
        L("Août", 174.8, 678.9, 10.5, True),
        runs(L("Type : En ligne", 174.8, 694.3, 10.5), [("Type :", True), ("En ligne", False)]),
        runs(L("Alliances : Prix de", 174.8, 709.6, 10.5), [("Alliances :", True), ("Prix de", False)]),
        L("Guangzhou; CGLU", 174.8, 722.8, 10.5),
    ]
    period = P2021.model_copy(update={"start": "2021-06", "end": "2021-09"})
    assert meetings(parse_meetings(lines, BODY, FR, period)) == [("2021-08", "En ligne", [], ["Prix de Guangzhou", "CGLU"])]


def test_note_keeps_a_compound_hyphen_at_a_line_end() -> None:
    """ "three-" / "year": "three" is printed inside a line of the note, "year" in the
    report, "threeyear" nowhere: the hyphen is the compound's. "équi-" / "tables" is a
    hyphenation: "équi" is printed nowhere inside a line."""
    from metroextract.sections import paragraphs

    lines = [
        L("Over the next three years, for this three-", 40, 100, 9, width=300),
        L("year period, our plans are équi-", 40, 111, 9, width=300),
        L("tables and clear.", 40, 122, 9, width=120),
    ]
    lexicon = {"over", "the", "next", "three", "years", "for", "this", "year", "period", "our", "plans", "are", "équi", "tables", "équitables", "and", "clear"}
    assert paragraphs(lines, lexicon) == ["Over the next three years, for this three-year period, our plans are équitables and clear."]
