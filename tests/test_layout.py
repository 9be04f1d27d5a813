"""Layout on small generated PDFs: exact lines for the typography designers use."""

from __future__ import annotations

from pathlib import Path

import pytest

from metroextract.layout import pdf_to_layout


def _letter_spaced_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    rows = [
        ("ACTIVITÉS", "Helvetica-Bold", 14, 8.0),
        ("MEMBRES ACTIVÉS", "Helvetica-Bold", 9, 5.0),
        ("LIGNE D'ACTION 1", "Helvetica-Bold", 9, 3.0),
        ("Le guide a été lancé par les membres du réseau.", "Helvetica", 9.5, 0.0),
    ]
    for i, (text, font, size, spacing) in enumerate(rows):
        t = c.beginText(50, h - 80 - 40 * i)
        t.setFont(font, size)
        t.setCharSpace(spacing)
        t.textOut(text)
        c.drawText(t)
    c.showPage()
    c.save()
    return path


def test_letter_spaced_capitals_stay_one_line_with_their_word_spaces(tmp_path: Path) -> None:
    layout = pdf_to_layout(_letter_spaced_pdf(tmp_path / "spaced.pdf"))
    got = [(ln.text, ln.spacing > 0) for ln in layout.pages[0].lines]
    assert got == [
        ("ACTIVITÉS", True),
        ("MEMBRES ACTIVÉS", True),
        ("LIGNE D'ACTION 1", True),
        ("Le guide a été lancé par les membres du réseau.", False),
    ]


def _gutter_list_pdf(path: Path) -> Path:
    """A word processor's bulleted list: each bullet at its own tab stop, 1.3 em left of its
    item, then a table row whose cells stand 1 em apart."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("GutterSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    c.setFont("Helvetica-Bold", 16)
    c.drawString(58, h - 60, "Qui sommes-nous")
    c.setFont("GutterSans", 11)
    for i, name in enumerate(["Abidjan", "Accra", "Addis-Abeba", "Alexandrie"]):
        c.drawString(58, h - 100 - 20 * i, "•")
        c.drawString(76, h - 100 - 20 * i, name)
    x = 58.0
    for cell in ["Secrétaire régional", "Sithole Mbanga", "Gauteng"]:
        c.drawString(x, h - 200, cell)
        x += c.stringWidth(cell, "GutterSans", 11) + 11  # one em between cells
    c.showPage()
    c.save()
    return path


def test_gutter_bullets_read_with_their_items_and_cell_seams_kept(tmp_path: Path) -> None:
    layout = pdf_to_layout(_gutter_list_pdf(tmp_path / "gutter.pdf"))
    lines = layout.pages[0].lines
    assert [ln.text for ln in lines] == [
        "Qui sommes-nous",
        "• Abidjan",
        "• Accra",
        "• Addis-Abeba",
        "• Alexandrie",
        "Secrétaire régional Sithole Mbanga Gauteng",
    ]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    row = lines[-1]
    w1, w2 = (stringWidth(t, "GutterSans", 11) for t in ("Secrétaire régional", "Sithole Mbanga"))
    assert [(row.text[offset:], round(end, 1), round(start, 1)) for offset, end, start in row.breaks] == [
        ("Sithole Mbanga Gauteng", round(58 + w1, 1), round(58 + w1 + 11, 1)),
        ("Gauteng", round(58 + w1 + 11 + w2, 1), round(58 + w1 + 11 + w2 + 11, 1)),
    ]
    assert all(ln.breaks == [] for ln in lines[:-1])  # word spaces are no seams


def test_a_cell_filled_to_its_column_end_is_cut_where_other_rows_start(tmp_path: Path) -> None:
    """Name | Position rows: the first name fills its cell, one word space from the next
    column; the other rows show where that column starts."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("GutterSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    path = tmp_path / "filled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("GutterSans", 10)
    name = "Octavi de la Varga"
    column = 36 + c.stringWidth(name, "GutterSans", 10) + 3.5  # a word space is 3.2 pt
    for k, (person, position) in enumerate([("Personne", "Position"), (name, "Secrétaire général"), ("Xavier Bermejo", "Responsable de la communication")]):
        c.drawString(36, 700 - 18 * k, person)
        c.drawString(column, 700 - 18 * k, position)
    c.showPage()
    c.save()
    lines = pdf_to_layout(path).pages[0].lines
    filled = next(ln for ln in lines if ln.text.startswith("Octavi"))
    assert filled.text == "Octavi de la Varga Secrétaire général"
    assert [filled.text[offset:] for offset, _, _ in filled.breaks] == ["Secrétaire général"]


def _ordinals_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("OrdinalSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    c.setFont("OrdinalSans", 12)
    for i, text in enumerate(["5.ª EDICIÓN DEL FORO", "1.º ENCUENTRO 2022", "5.ª edición del foro"]):
        c.drawString(58, h - 80 - 30 * i, text)
    c.showPage()
    c.save()
    return path


def test_ordinal_indicators_do_not_make_capitals_small(tmp_path: Path) -> None:
    # "ª" and "º" are lower-case letters to Unicode with no capital form
    layout = pdf_to_layout(_ordinals_pdf(tmp_path / "ordinals.pdf"))
    got = [(ln.text, ln.upper) for ln in layout.pages[0].lines]
    assert got == [("5.ª EDICIÓN DEL FORO", True), ("1.º ENCUENTRO 2022", True), ("5.ª edición del foro", False)]


def _figure_at_page_head_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    for page in (1, 2):
        c.setFont("Helvetica-Bold", 22)
        c.drawString(36, h - 70, "+1.380" if page == 1 else "Activités")
        c.drawString(400, h - 70, "119" if page == 1 else "")
        c.setFont("Helvetica", 11)
        c.drawString(36, h - 110, "personnes engagées dans des événements")
        c.drawString(400, h - 110, "collaborations avec des spécialistes")
        c.setFont("Helvetica", 8)
        c.drawString(290, 30, str(page + 6))  # the folio
        c.showPage()
    c.save()
    return path


def test_a_key_figure_at_the_head_of_a_page_is_no_page_number(tmp_path: Path) -> None:
    layout = pdf_to_layout(_figure_at_page_head_pdf(tmp_path / "figure.pdf"))
    assert [ln.text for ln in layout.pages[0].lines] == ["+1.380", "119", "personnes engagées dans des événements", "collaborations avec des spécialistes"]
    assert [ln.text for ln in layout.pages[0].furniture] == ["7"]


def _filled_header_table_pdf(path: Path) -> Path:
    """A word processor's table: a filled header row of touching cells, columns set 5.5 pt
    apart (under 0.6 em) at their widest, rules between rows only, empty cells."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    rows = [["Date", "Format", "Membres", "Alliances"], ["Janvier", "Hybride", "", "Regions4"], ["Mars", "Présentiel", "Chengdu · Sarajevo", ""]]
    widths = [max(stringWidth(r[c], "Helvetica", 10.5) for r in rows) + 5.5 for c in range(4)]
    starts = [36 + sum(widths[:c]) for c in range(4)]
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    c.setFillColorRGB(0.95, 0.88, 0.9)
    for x, w in zip(starts, widths):
        c.rect(x - 0.1, h - 110, w, 18, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 10.5)
        for x, text in zip(starts, row):
            c.drawString(x, h - 105 - 21.6 * r, text)
        c.line(36, h - 110 - 21.6 * r, starts[-1] + widths[-1], h - 110 - 21.6 * r)
    c.showPage()
    c.save()
    return path


def test_a_filled_header_row_gives_a_tight_table_its_columns(tmp_path: Path) -> None:
    layout = pdf_to_layout(_filled_header_table_pdf(tmp_path / "table.pdf"))
    # two rows, a cell empty in each: too few rows to tell the columns by their edges
    cells = ["Date", "Format", "Membres", "Alliances", "Janvier", "Hybride", "Regions4", "Mars", "Présentiel", "Chengdu · Sarajevo"]
    assert sorted(ln.text for ln in layout.pages[0].lines) == sorted(cells)


def _carried_over_row_pdf(path: Path, before: str = "") -> Path:
    """A focal-points table ruled cell by cell whose last row, its cells wrapped on two
    lines, is carried over to the head of page 2 (a word processor breaks a table between
    rows). `before`: "heading" sets a heading over that row, "column" a first page column
    left of it (a single ruled row inside the page, at the head of a second column),
    "striped" shades the row's cells instead of ruling them (a striped table's row)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    starts, widths = [56, 127, 187], [71, 60, 66]

    def row(top: float, cells: list[list[str]], bold: bool = False) -> None:
        height = 12 + 12 * max(len(cell) for cell in cells)
        for x, w, cell in zip(starts, widths, cells):
            if before == "striped":
                c.setFillColorRGB(0.87, 0.94, 0.91)
                c.rect(x, h - top - height, w, height, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
            else:
                c.rect(x, h - top - height, w, height, stroke=1, fill=0)
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 8.5)
            for k, text in enumerate(cell):
                c.drawString(x + 5, h - top - 14 - 12 * k, text)

    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(62, h - 700, "POINTS FOCAUX")
    row(710, [["Rôle"], ["Nom"], ["Ville"]], bold=True)
    row(734, [["Secrétaire", "régional"], ["Sithole", "Mbanga"], ["Gauteng"]])
    c.showPage()
    if before == "heading":
        c.setFont("Helvetica-Bold", 8.5)
        c.drawString(62, h - 40, "POINTS FOCAUX")
    if before == "column":
        starts = [x + 250 for x in starts]
        c.setFont("Helvetica", 8.5)
        for k, text in enumerate(["Les membres de la région", "se réunissent deux fois", "par an."]):
            c.drawString(56, h - 70 - 12 * k, text)
    row(56, [["Secrétariat", "général"], ["Hélène", "Jourdan"], ["Agente", "régionale"]])
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(62, h - 110, "CONSEIL D'ADMINISTRATION")
    c.showPage()
    c.save()
    return path


def test_a_ruled_row_carried_over_to_the_next_page_is_read_cell_by_cell(tmp_path: Path) -> None:
    page = pdf_to_layout(_carried_over_row_pdf(tmp_path / "carried.pdf")).pages[1]
    assert [(ln.text, ln.cell) for ln in page.lines] == [
        ("Secrétariat", (0, 0, 0)),
        ("général", (0, 0, 0)),
        ("Hélène", (0, 0, 1)),
        ("Jourdan", (0, 0, 1)),
        ("Agente", (0, 0, 2)),
        ("régionale", (0, 0, 2)),
        ("CONSEIL D'ADMINISTRATION", None),
    ]


@pytest.mark.parametrize("before", ["heading", "column", "striped"])
def test_a_single_ruled_row_inside_a_page_is_no_table(tmp_path: Path, before: str) -> None:
    # a header or shaded row of a table drawn without rules, or a table's row at the head
    # of a page column: read with that table (its columns known from its header)
    page = pdf_to_layout(_carried_over_row_pdf(tmp_path / "inside.pdf", before)).pages[1]
    assert all(ln.cell is None for ln in page.lines)


def _wrapped_pills_pdf(path: Path, table: bool = False) -> Path:
    """A field's names on filled pills, 3 pt apart, wrapping over three lines set tight
    (the boxes of one line touch those of the next), after a run-in label: one name on the
    label's line, one broken at its hyphen (a word processor's highlight wraps with the
    text). `table`: the same boxes as the cells of a shaded table instead (their sides
    line up row to row)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    rows = [["Antananarivo"], ["Chongqing", "Gauteng", "Gaziantep", "New Delhi-"], ["NIUA", "Quito", "Rosario"]]
    c.setFont("Helvetica-Bold", 9)
    c.drawString(60, h - 100, "Membres activés —")
    for r, names in enumerate(rows):
        x = 150.0 if r == 0 else 60.0
        for k, name in enumerate(names):
            width = 70.0 if table else c.stringWidth(name, "Helvetica", 9)
            x = 150.0 + 73.0 * k if table else x
            c.setFillColorRGB(0.95, 0.88, 0.91)
            c.rect(x, h - 100 - 11 * r - 2.2, width, 11, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.setFont("Helvetica", 9)
            c.drawString(x, h - 100 - 11 * r, name)
            x += width + 3
    c.showPage()
    c.save()
    return path


def test_names_on_pills_wrapping_over_lines_are_no_table(tmp_path: Path) -> None:
    # a table finder joins the sides of boxes 3 pt apart into cells: each name's box is as
    # wide as the name, so no side lines up from row to row as a table's would
    page = pdf_to_layout(_wrapped_pills_pdf(tmp_path / "pills.pdf")).pages[0]
    assert [(ln.text, ln.cell) for ln in page.lines] == [
        ("Membres activés — Antananarivo ·", None),
        ("Chongqing · Gauteng · Gaziantep · New Delhi-", None),
        ("NIUA · Quito · Rosario ·", None),
    ]


def test_shaded_cells_lined_up_row_to_row_stay_a_table(tmp_path: Path) -> None:
    page = pdf_to_layout(_wrapped_pills_pdf(tmp_path / "table.pdf", table=True)).pages[0]
    assert [ln.text for ln in page.lines if ln.cell is not None][:3] == ["Antananarivo", "Chongqing", "Gauteng"]


def _tight_row_with_pills_pdf(path: Path) -> Path:
    """A word processor's table row set tight: a format cell in plain text, then the members
    on highlights that hug their words, 6 pt (two thirds of an em) after it, 3 pt apart."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    c.setFont("Helvetica", 9)
    c.drawString(98, h - 100, "In person")
    x = 98 + c.stringWidth("In person", "Helvetica", 9) + 6
    for name in ["Gauteng", "Kaohsiung"]:
        width = c.stringWidth(name, "Helvetica", 9)
        c.setFillColorRGB(0.98, 0.91, 0.84)
        c.rect(x, h - 102.2, width, 10.5, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(x, h - 100, name)
        x += width + 3
    c.showPage()
    c.save()
    return path


def test_a_pill_standing_off_plain_words_opens_a_cell(tmp_path: Path) -> None:
    # a word space before a tag run in a sentence is a third of an em: two thirds between a
    # word and a box part two cells, however close the words themselves are
    (line,) = pdf_to_layout(_tight_row_with_pills_pdf(tmp_path / "row.pdf")).pages[0].lines
    assert line.text == "In person Gauteng · Kaohsiung ·"
    assert [line.text[offset:] for offset, _, _ in line.breaks] == ["Gauteng · Kaohsiung ·"]
    assert [line.text[offset:].split()[0] for offset, _, _ in line.gaps] == ["person", "Gauteng", "Kaohsiung"]
