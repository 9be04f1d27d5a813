"""A long file without a Metropolis report's marks in its first pages is refused before
its pages are laid out; with a mark, or with little text there, it is read in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from metroextract.errors import NotAProgressReport
from metroextract.pipeline import FIRST_LOOK_PAGES, extract, marks_at_first_look
from metroextract.settings import Settings

PROSE = "The committee reviewed the budget lines of the regional transport authority and agreed on the schedule."


def _long_pdf(path: Path, pages: int, cover: str = "", text: bool = True) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    for n in range(pages):
        c.setFont("Helvetica", 10)
        if n == 0 and cover:
            c.drawString(60, h - 80, cover)
        for k in range(12 if text else 0):
            c.drawString(60, h - 120 - 14 * k, PROSE)
        c.drawString(60, 40, str(n + 1))
        c.showPage()
    c.save()
    return path


def test_a_long_file_with_no_report_mark_in_its_first_pages_is_refused_at_once(tmp_path: Path) -> None:
    pdf = _long_pdf(tmp_path / "minutes.pdf", 14)
    assert marks_at_first_look(pdf, Settings()) == []
    with pytest.raises(NotAProgressReport, match=f"first {FIRST_LOOK_PAGES} pages: not a Metropolis report"):
        extract(pdf)


@pytest.mark.parametrize(
    ("pages", "cover", "text", "expected"),
    [
        (24, "METROPOLIS · Progress report", True, ["organisation name", "report title"]),
        (8, "", True, None),  # short: read in full
        (24, "", False, None),  # next to no text (a scan, pictures): OCR may read it
    ],
)
def test_a_mark_a_short_file_or_no_text_layer_is_read_in_full(tmp_path: Path, pages: int, cover: str, text: bool, expected: list[str] | None) -> None:
    assert marks_at_first_look(_long_pdf(tmp_path / "file.pdf", pages, cover, text), Settings()) == expected
