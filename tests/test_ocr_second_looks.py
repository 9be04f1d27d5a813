"""OCR's second looks: weak display lines read again (real tesseract on a real rendered
line), words respelled from the report, the registry and the language's dictionary, every
change said as an `ocr_corrected` warning; and OCR on every core the run leaves a file."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from pydantic import ValidationError
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from metroextract import ocr, ocr_words
from metroextract.models import Warning_
from metroextract.ocr_page import OcrLine, OcrWord, luminance, parse_hocr
from metroextract.ocr_reread import Lexicon, line_text, reread_weak_lines, weak_lines
from metroextract.settings import Settings, available_cores, ocr_jobs_for

needs_tesseract = pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract is not installed")
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def page_image(title: str, body: str, dpi: int = 300) -> np.ndarray:
    """A page with a display title in bold capitals over a line of running text, rendered
    at `dpi` as the OCR stage renders pages (grey)."""
    pdfmetrics.registerFont(TTFont("T-Bold", BOLD))
    pdfmetrics.registerFont(TTFont("T", REGULAR))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(420, 200))
    c.setFont("T-Bold", 16)
    c.drawString(30, 140, title)
    c.setFont("T", 10)
    c.drawString(30, 110, body)
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(buf.getvalue())
    try:
        return luminance(doc[0].render(scale=dpi / 72.0, rev_byteorder=True).to_numpy()[..., :3])
    finally:
        doc.close()


def tesseract(img: np.ndarray, dpi: int, psm: int = 3) -> str:
    return ocr._Runner().hocr(img, dpi, "fra+eng+spa", ocr._Deadline(120), psm)


@needs_tesseract
def test_a_display_line_misread_is_read_again_and_the_known_reading_wins() -> None:
    grey = page_image("POLITIQUE URBAINE", "La politique urbaine des villes membres.")
    lines = parse_hocr(tesseract(grey, 300))
    title = next(i for i, ln in enumerate(lines) if line_text(ln).startswith("POLITIQUE"))
    assert line_text(lines[title]) == "POLITIQUE URBAINE"  # tesseract reads this crisp page right
    # the misreading the issue saw on a display face: a B read as a colon
    a, b = lines[title].words
    split = (b.x0 + b.x1) // 2
    misread = [a, OcrWord("UR:", b.x0, b.y0, split - 8, b.y1, 61.0), OcrWord("AINE", split + 8, b.y0, b.x1, b.y1, 70.0)]
    lines[title] = OcrLine(lines[title].x0, lines[title].y0, lines[title].x1, lines[title].y1, lines[title].slope, lines[title].offset, misread, lines[title].par)
    lexicon = ocr.base_lexicon("fra+eng+spa", None)
    assert weak_lines(lines, lexicon.with_text(line_text(ln) for ln in lines)) == [title]

    fixed, changes = reread_weak_lines(grey, lines, 300, lexicon, lambda img, dpi: tesseract(img, dpi, ocr.REREAD_PSM))

    assert changes == [("POLITIQUE UR: AINE", "POLITIQUE URBAINE")]
    assert line_text(fixed[title]) == "POLITIQUE URBAINE"
    words = fixed[title].words  # back on the page, where the words are printed
    assert abs(words[0].x0 - a.x0) <= 6 and abs(words[-1].x1 - b.x1) <= 6 and abs(words[-1].y1 - b.y1) <= 6
    assert [line_text(ln) for i, ln in enumerate(fixed) if i != title] == [line_text(ln) for i, ln in enumerate(lines) if i != title]


def test_a_line_of_known_words_is_never_read_again() -> None:
    lexicon = Lexicon.of(["politique", "urbaine", "membres", "résultats", "connexes"])
    line = OcrLine(0, 0, 400, 40, 0.0, 0.0, [OcrWord(t, 0, 0, 10, 40, 90.0) for t in ("RÉSULTATS", "CONNEXES", ":", "L1A1D3", "|", "L2A3D1")])
    body = OcrLine(0, 50, 400, 70, 0.0, 0.0, [OcrWord(t, 0, 50, 10, 70, 90.0) for t in ("La", "politique", "urbaine", "Xyzzy")])
    assert weak_lines([line, body], lexicon) == []  # a label's colon is no misreading; running text is never a display line
    assert lexicon.weak("UR :ANISME") and lexicon.weak("POLITIQUE UR: AINE")


def test_words_respelled_from_the_report_the_registry_and_the_dictionary() -> None:
    texts = ["RÉUNION", "SUR", "L'ESPACE", "PUBLIC", "l’espace", "publié", "LOCDE", "avec", "l'OCDE", "WEBINARRE", "RESLIENCE", "webinaire", "résilience"]
    texts += ["REUNION", "STRATEGIE", "METROPOLIS", "BARRIOS", "JOVENES"]
    assert ocr_words.repair_words(texts, "fr", None) == [
        "RÉUNION",
        "SUR",
        "L'ESPACE",  # the print's straight apostrophe, though the running text curls it
        "PUBLIC",  # a word of the dictionary: never "PUBLIÉ" by a look-alike letter
        "l’espace",
        "publié",
        "L'OCDE",  # the apostrophe OCR lost, as the running text prints it
        "avec",
        "l'OCDE",
        "WEBINAIRE",  # one letter off a word of the running text
        "RÉSILIENCE",
        "webinaire",
        "résilience",
        "RÉUNION",  # the one accented spelling the French dictionary has
        "STRATÉGIE",
        "METROPOLIS",  # the organisation's name: never the dictionary's "MÉTROPOLIS"
        "BARRIOS",  # a word of the Spanish dictionary: not "barrio" one letter off
        "JÓVENES",  # no French word: a Spanish quotation, accented as Spanish prints it
    ]
    assert ocr_words.repair_words(["JÔVENES", "POLITICA", "METROPOLIS"], "es", None) == ["JÓVENES", "POLÍTICA", "METROPOLIS"]
    assert ocr_words.repair_words(["PRESIDENT", "MEDIA", "REUNION"], "en", None) == ["PRESIDENT", "MEDIA", "REUNION"]  # English capitals carry no accents
    # a title's last word before its date line is a word, not a misread month
    assert ocr_words.repair_words(["IGUALDAD", "DE", "GÉNERO", "3", "de", "marzo", "el", "3", "de", "febrcro"], "es", None)[2::7] == ["GÉNERO", "febrero"]


def test_every_change_is_a_warning_with_before_and_after() -> None:
    from metroextract.ocr_page import RawWord

    def word(text: str) -> RawWord:
        return RawWord(text=text, x0=0, x1=10, baseline=10, size=10, stroke=1, color=None, conf=90, line=0, par=0, band=None)

    page = ocr.PageOcr(
        3,
        595,
        842,
        [word(t) for t in ("WEBINARRE", "webinaire", "GEOSPATIALE", "GEOSPATIALE", "géospatiale")],
        True,
        [90.0] * 5,
        0.0,
        0,
        1.0,
        [],
        corrections=[("POLITIQUE UR: AINE", "POLITIQUE URBAINE")],
    )
    words, said = ocr.repaired_words([page], Settings(resolve_names=False))
    assert [w.text for w in words[0]] == ["WEBINAIRE", "webinaire", "GÉOSPATIALE", "GÉOSPATIALE", "géospatiale"]
    assert said == [
        Warning_(page=3, code="ocr_corrected", message="line read again at 600 dpi: 'POLITIQUE UR: AINE' -> 'POLITIQUE URBAINE'"),
        Warning_(page=3, code="ocr_corrected", message="word respelled as the report or the registry prints it: 'WEBINARRE' -> 'WEBINAIRE'"),
        Warning_(page=3, code="ocr_corrected", message="word respelled as the report or the registry prints it: 'GEOSPATIALE' -> 'GÉOSPATIALE' (2 times)"),
    ]


def test_pages_are_ocrd_on_every_core_the_run_leaves_the_file() -> None:
    cores = available_cores()
    assert ocr_jobs_for(Settings()) == cores
    assert ocr_jobs_for(Settings(), files_at_once=2) == max(1, cores // 2)
    assert ocr_jobs_for(Settings(), files_at_once=cores * 4) == 1
    assert ocr_jobs_for(Settings(ocr_jobs=3), files_at_once=8) == 3  # set by hand: as set
    with pytest.raises(ValidationError, match="must be positive"):
        Settings(ocr_jobs=0)
