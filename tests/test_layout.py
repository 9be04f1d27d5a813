"""Layout on small generated PDFs: exact lines for the typography designers use."""

from __future__ import annotations

from pathlib import Path

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
