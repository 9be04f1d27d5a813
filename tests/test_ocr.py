"""OCR: scans read like their text editions (two designs here, every design in
`bench/scans.py --bundled`), typography recovered from the pixels, the quality verdict on
broken scans, mixed PDFs, robust input.

The slow tests OCR each scan they read once per session: reports come from
`_fixtures.extracted` (cached), and `ocr.py` keeps the OCR of a file's pages in memory,
so the typography test reads them again for free, as do the data package and eval tests
for the one scan they take (es-2021-01-04-scanned-newsletter).
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from metroextract import ocr_page, ocr_words
from metroextract.errors import CorruptPdf, ExtractionTimeout, WarningCode
from metroextract.evaluate import score_fixture
from metroextract.layout import pdf_to_layout
from metroextract.models import DocumentLayout, Line, PageLayout, Warning_
from metroextract.ocr import PageOcr, check_readable_share, fuzzy_furniture, ocr_available, ocr_confidence, ocr_layout, ocr_page_warnings, ocr_pages, pages_to_ocr
from metroextract.settings import Settings

try:
    from ._fixtures import FIXTURES, extracted, truth
    from .conftest import SCANNED_REPORT_LINES, make_scanned_pdf
except ImportError:  # pragma: no cover - run from tests/
    from _fixtures import FIXTURES, extracted, truth  # type: ignore[no-redef]
    from conftest import SCANNED_REPORT_LINES, make_scanned_pdf  # type: ignore[no-redef]

needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="needs tesseract")

SCANNED = sorted(p.name[: -len(".truth.json")] for p in FIXTURES.glob("*.truth.json") if json.loads(p.read_text(encoding="utf-8")).get("scanned"))
# The text edition each scan was made from (same source, same design).
TEXT_EDITION = {
    "fr-2021-10-2022-01-scanned": "fr-2021-10-2022-01-newsletter",
    "es-2021-01-04-scanned-newsletter": "es-2021-01-04-newsletter",
    "en-2021-01-04-scanned-brochure": "en-2021-01-04-brochure",
    "fr-2021-10-2022-01-scanned-variant": "fr-2021-10-2022-01-variant",
    "en-2021-01-04-scanned-digest": "en-2021-01-04-digest",
    "en-2021-01-04-scanned-wordproc": "en-2021-01-04-wordproc",
}

# The scans read here: the two short ones (10 and 11 pages, the French and the Spanish
# design; the typography test and the data package read the same pages). The four long
# ones (17-31 pages, five minutes of OCR on two cores) are `bench/scans.py --bundled`'s,
# held to the same bars: the suite trims its distributions to a sample.
IN_SUITE = ("fr-2021-10-2022-01-scanned", "es-2021-01-04-scanned-newsletter")

# The bar for every scanned fixture (bench/scans.py BUNDLED_BARS: the same).
MIN_ACTIVITY_F1 = 0.95
MIN_DATES = 0.95
MIN_TITLES = 0.90
MIN_MEMBERS = 0.90


# --------------------------------------------------------------------------- every scan


def test_every_design_has_a_scan() -> None:
    designs = {json.loads((FIXTURES / f"{n}.truth.json").read_text(encoding="utf-8"))["layout"] for n in SCANNED}
    assert {"scanned", "scanned-newsletter", "scanned-brochure", "scanned-variant", "scanned-digest", "scanned-wordproc"} <= designs
    assert set(SCANNED) == set(TEXT_EDITION) >= set(IN_SUITE)
    for name in SCANNED:
        assert (FIXTURES / f"{name}.pdf").stat().st_size < 2_000_000, name


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize("name", IN_SUITE)
def test_scan_reads_like_its_text_edition(name: str) -> None:
    report = extracted(name)
    score = score_fixture(name, truth(name), report)
    f1 = 2 * score.matched / (score.expected + score.found)
    assert f1 >= MIN_ACTIVITY_F1, (name, score.expected, score.found, score.matched)
    assert score.field_accuracy("dates") >= MIN_DATES
    assert score.field_accuracy("title") >= MIN_TITLES
    assert score.field_accuracy("members") >= MIN_MEMBERS
    q = report.quality
    assert q is not None and q.ocr_mean_confidence is not None and q.ocr_mean_confidence > 80
    assert_no_silent_wrong_section(report, score)
    assert report.warnings[0].code == "ocr_used"


def _matched_lines(scan: DocumentLayout, text: DocumentLayout) -> list[tuple[Line, Line]]:
    """(text line, OCR line) pairs: the same page, boxes overlapping most."""
    by_page = {p.page: p.lines for p in text.pages}
    out = []
    for p in scan.pages:
        for ln in p.lines:
            best, best_iou = None, 0.3
            for t in by_page.get(p.page, []):
                ix = max(0.0, min(ln.x1, t.x1) - max(ln.x0, t.x0))
                iy = max(0.0, min(ln.bottom, t.bottom) - max(ln.top, t.top))
                union = (ln.x1 - ln.x0) * (ln.bottom - ln.top) + (t.x1 - t.x0) * (t.bottom - t.top) - ix * iy
                if union > 0 and ix * iy / union > best_iou:
                    best, best_iou = t, ix * iy / union
            if best is not None:
                out.append((best, ln))
    return out


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize("name", ["es-2021-01-04-scanned-newsletter", "fr-2021-10-2022-01-scanned"])
def test_typography_recovered_from_the_pixels(name: str) -> None:
    """Against the text edition: weight, size and colour of the lines, letter by letter."""
    scan = ocr_layout(FIXTURES / f"{name}.pdf", Settings())
    text = pdf_to_layout(FIXTURES / f"{TEXT_EDITION[name]}.pdf")
    pairs = _matched_lines(scan, text)
    letters = sum(len(o.text) for _, o in pairs)
    assert letters > 0.8 * sum(len(ln.text) for p in text.pages for ln in p.lines)
    bold = sum(len(o.text) for t, o in pairs if t.bold == o.bold) / letters
    size = sum(len(o.text) for t, o in pairs if abs(math.log(o.size / t.size)) < 0.12) / letters
    assert bold >= 0.95, bold
    assert size >= 0.90, size
    assert {o.font for _, o in pairs} == {"OCR", "OCR-Bold"}
    assert abs(scan.body_size - text.body_size) <= 1.0
    # every date of the report in one style, as the text edition prints them
    from metroextract.fields import is_date_line
    from metroextract.vocab import all_vocabularies

    # the activities' date tags (the text edition's dominant date style) in one style
    vocab = all_vocabularies()[name[:2]]
    date_pairs = [(t, o) for t, o in pairs if is_date_line(t.text, vocab)]
    tag_style = Counter((t.size, t.bold) for t, _ in date_pairs).most_common(1)[0][0]
    tags = {(o.size, o.bold) for t, o in date_pairs if (t.size, t.bold) == tag_style}
    assert len(tags) == 1 and next(iter(tags))[1], tags
    if "newsletter" in name:  # a colour scan: the colours come back (lightness counts by
        # half, as in ocr_page: a scan lightens thin strokes by their width and the blur)
        far = sum(len(o.text) for t, o in pairs if ocr_page._colour_distance(_rgb(t.color), _rgb(o.color)) > 50) / letters
        assert far <= 0.1, far


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


# --------------------------------------------------------------------------- quality verdict


def _scan_pdf(path: Path, pages: list) -> Path:
    pages[0].save(path, "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return path


def _pages_of(pdf: Path, dpi: int = 150) -> list:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize("failure", ["garbage", "blank"])
def test_a_scan_that_failed_on_half_its_pages_needs_review(tmp_path: Path, failure: str) -> None:
    """OCR made to fail on every other page (grain in place of text, or blank sheets) of
    the scan's first four (the cover, then activities on pages 2-4): the report still
    comes out, with a needs_review verdict saying which pages."""
    from PIL import Image

    from metroextract.pipeline import extract_report

    rnd = random.Random(7)
    pages = _pages_of(FIXTURES / "fr-2021-10-2022-01-scanned.pdf")[:4]
    for i in range(1, len(pages), 2):
        w, h = pages[i].size
        if failure == "garbage":
            pages[i] = Image.frombytes("L", (w, h), bytes(rnd.choice((20, 236)) for _ in range(w * h)))
        else:
            pages[i] = Image.new("L", (w, h), 236)
    report = extract_report(_scan_pdf(tmp_path / "broken.pdf", pages))
    q = report.quality
    assert q is not None and q.verdict == "needs_review"
    assert q.pages_unreadable == [2, 4], q.reasons
    assert "pages that could not be read: 2, 4" in q.reasons


def test_ocr_confidence_counts_pages_that_gave_nothing() -> None:
    assert ocr_confidence([_page(1, [90.0, 80.0, 85.0])]) == 85.0
    assert ocr_confidence([_page(1, [90.0] * 3), _page(2, [])]) == 45.0  # inked, nothing read
    assert ocr_confidence([_page(1, [90.0] * 3), _page(2, [], inked=False)]) == 90.0  # a blank sheet
    assert ocr_confidence([_page(1, [], inked=False)]) is None


def _page(pno: int, confs: list[float], inked: bool = True, failed: str | None = None) -> PageOcr:
    return PageOcr(pno, 595.0, 842.0, [], inked, confs, 0.0, 0, 0.0, [], failed)


def test_pages_ocr_could_not_read_are_warned_about_and_lost_ones_kept_apart() -> None:
    skipped = {p: Warning_(page=p, code=WarningCode.PAGE_UNREADABLE, message=f"page {p} skipped: it cannot be read (pdfminer: content stream {p} cannot be decompressed)") for p in (2, 3)}
    results = [_page(1, [90.0] * 5), _page(2, [], inked=False), _page(3, [88.0] * 5), _page(4, [], failed="PDFium cannot render it (Failed to load page.)"), _page(5, [40.0])]
    warnings, lost = ocr_page_warnings(results, skipped)
    assert lost == {2, 4}
    assert [(w.page, w.code, w.message) for w in warnings] == [
        (2, "page_unreadable", "page 2 skipped: it cannot be read (pdfminer: content stream 2 cannot be decompressed); OCR: PDFium renders it blank"),
        (3, "page_fallback_reader", "page 3 read by OCR on PDFium's rendering, though it cannot be read (pdfminer: content stream 3 cannot be decompressed)"),
        (4, "page_unreadable", "page 4 skipped; OCR: PDFium cannot render it (Failed to load page.)"),
        (5, "page_unreadable", "page 5: OCR found no text on it, though it is not blank"),
    ]
    # blank sheets: one is a back page, a quarter of the scan is a failed scan
    four = [_page(1, [90.0] * 5), _page(2, [], inked=False), _page(3, [90.0] * 5), _page(4, [90.0] * 5)]
    assert ocr_page_warnings(four, {}) == ([], set())
    four[3] = _page(4, [], inked=False)
    warnings, lost = ocr_page_warnings(four, {})
    assert [w.page for w in warnings] == [2, 4] and lost == set()
    assert warnings[0].message == "page 2: the scan is blank (2 of 4 scanned pages are)"


def test_a_file_is_corrupt_only_when_too_few_pages_can_be_read() -> None:
    lost = [Warning_(page=p, code=WarningCode.PAGE_UNREADABLE, message=f"page {p} skipped") for p in (1, 2, 3)]
    check_readable_share(5, 10, 0.5, lost)  # half the pages: enough
    with pytest.raises(CorruptPdf, match=r"^only 4 of 10 pages can be read \(at least 50% needed: min_readable_page_share\): page 1 skipped; page 2 skipped$"):
        check_readable_share(4, 10, 0.5, lost)


# --------------------------------------------------------------------------- mixed PDFs


def test_text_pdfs_need_no_ocr() -> None:
    for name in ("en-2021-01-04-brochure", "fr-2021-10-2022-01-newsletter"):
        pdf = FIXTURES / f"{name}.pdf"
        assert pages_to_ocr(pdf, pdf_to_layout(pdf)) == []


@pytest.mark.slow
@needs_tesseract
def test_a_mixed_pdf_ocrs_only_its_scanned_pages(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from metroextract.pipeline import extract_report

    text = pdfium.PdfDocument(str(FIXTURES / "fr-2021-10-2022-01-newsletter.pdf"))
    scan = pdfium.PdfDocument(str(FIXTURES / "fr-2021-10-2022-01-scanned.pdf"))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text, [0, 1, 2, 3, 4])
    mixed.import_pages(scan, [5, 6, 7, 8, 9])
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    for d in (mixed, text, scan):
        d.close()
    assert pages_to_ocr(path, pdf_to_layout(path)) == [6, 7, 8, 9, 10]
    report = extract_report(path)
    score = score_fixture("mixed", truth("fr-2021-10-2022-01-newsletter"), report)
    assert (score.expected, score.found, score.matched) == (10, 10, 10)
    assert score.field_accuracy("title") == 1.0 and score.field_accuracy("members") == 1.0
    assert report.warnings[0].message == "no text layer on pages 6, 7, 8, 9, 10: text recognised by OCR (tesseract)"
    assert_no_silent_wrong_section(report, score)


def assert_no_silent_wrong_section(report, score) -> None:
    """A scan's report may need review, but a section OCR got wrong (item F1 < 0.90 against
    the truth) never says `ok`."""
    from metroextract.evaluate_quality import SCORED_SECTIONS

    verdicts = report.quality.sections
    silent = [name for name in SCORED_SECTIONS if score.section_f1(name) < 0.90 and verdicts[name].verdict == "ok"]
    assert silent == [], [(name, score.section_f1(name)) for name in silent]


# --------------------------------------------------------------------------- robust input


@pytest.mark.slow
@needs_tesseract
def test_pages_turned_upside_down_and_sideways_are_read(tmp_path: Path) -> None:
    from PIL import Image

    pages = _pages_of(FIXTURES / "fr-2021-10-2022-01-scanned.pdf")[2:4]
    # (part of each page: the upper one holding "Membres", the lower "CGLU"; turned text
    # is read twice and slowly, a whole page's worth is no better a test)
    w, h = pages[0].size
    pages = [pages[0].crop((0, 0, w, int(0.45 * h))), pages[1].crop((0, int(0.5 * h), w, int(0.95 * h)))]
    pages = [pages[0].transpose(Image.Transpose.ROTATE_180), pages[1].transpose(Image.Transpose.ROTATE_90)]
    layout = ocr_layout(_scan_pdf(tmp_path / "turned.pdf", pages), Settings())
    text = " ".join(ln.text for p in layout.pages for ln in p.lines)
    assert "Membres" in text and "CGLU" in text
    turned = {w.page: w.message for w in layout.warnings if "turned" in w.message}
    assert set(turned) == {1, 2}, layout.warnings
    assert layout.pages[1].width > layout.pages[1].height  # read upright: a page's width again


@needs_tesseract
def test_ocr_stops_at_the_time_limit(tmp_path: Path) -> None:
    from metroextract import ocr

    pdf = tmp_path / "scan.pdf"
    shutil.copy(FIXTURES / "fr-2021-10-2022-01-scanned.pdf", pdf)
    with open(pdf, "ab") as fh:  # another file: nothing cached
        fh.write(b"\n%")
    ocr.clear_cache()
    with pytest.raises(ExtractionTimeout, match="OCR took longer than 0.5 s"):
        ocr_layout(pdf, Settings(timeout_seconds=0.5, ocr_cache=None))  # its pages not kept either


@needs_tesseract
def test_a_page_read_in_one_file_is_not_read_again_in_another(tmp_path: Path) -> None:
    """The same page in another file (a copy with one page damaged, a scan's pages in a
    mixed PDF): its rendering is the same, so is its OCR, taken from the cache."""
    from metroextract import ocr

    first = make_scanned_pdf(tmp_path / "a.pdf", SCANNED_REPORT_LINES)
    second = tmp_path / "b.pdf"
    second.write_bytes(first.read_bytes() + b"\n%")  # another file, the same page
    ocr.clear_cache()
    (a,) = ocr_pages(first, [1], Settings())
    (b,) = ocr_pages(second, [1], Settings())
    assert b == a and b.seconds == a.seconds > 0  # not read again: the time it took then
    assert "Berlin" in {w.text for w in b.words}


@needs_tesseract
def test_pages_kept_on_disk_are_not_read_again_in_the_next_run(tmp_path: Path) -> None:
    """`METROEXTRACT_OCR_CACHE`: a re-run (another process: the memory cache is empty)
    takes each page's OCR from the folder; a kept file cut short is read again."""
    from metroextract import ocr

    pdf = make_scanned_pdf(tmp_path / "a.pdf", SCANNED_REPORT_LINES)
    pdf.write_bytes(pdf.read_bytes() + b"\n%")  # this test's own file: no other run kept it
    kept = tmp_path / "ocr"
    ocr.clear_cache()
    (a,) = ocr_pages(pdf, [1], Settings(ocr_cache=kept))
    ocr.clear_cache()
    (b,) = ocr_pages(pdf, [1], Settings(ocr_cache=kept))
    assert b == a and b.seconds == a.seconds > 0  # not read again: the time it took then
    files = sorted(kept.rglob("*.pickle"))
    assert len(files) == 2  # by the file's page and by the page's pixels
    from metroextract.atomic import file_mode

    assert {f.stat().st_mode & 0o777 for f in files} == {file_mode()}  # the umask's, not owner-only
    for f in files:
        f.write_bytes(f.read_bytes()[:20])
    ocr.clear_cache()
    (c,) = ocr_pages(pdf, [1], Settings(ocr_cache=kept))
    assert c.seconds != a.seconds and [w.text for w in c.words] == [w.text for w in a.words]


def test_skew_is_measured() -> None:
    """Lines of ink turned by a known angle: the estimate finds it within 0.1°."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (800, 1100), 240)
    d = ImageDraw.Draw(img)
    rnd = random.Random(3)
    for y in range(80, 1000, 22):  # text-like rows of dashes
        x = 60
        while x < 720:
            w = rnd.randint(10, 40)
            d.rectangle((x, y, x + w, y + 8), fill=30)
            x += w + rnd.randint(6, 12)
    for angle in (1.5, -1.0, 0.0):
        turned = np.asarray(img.rotate(angle, fillcolor=240, resample=Image.Resampling.BILINEAR))
        assert abs(ocr_page.estimate_skew(turned) - (-angle)) <= 0.1, angle


def test_light_text_on_dark_fills_is_turned_dark_on_light() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (900, 400), 236)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((100, 100, 500, 180), radius=18, fill=70)
    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    font = ImageFont.truetype(str(font_path), 40) if font_path.exists() else ImageFont.load_default()
    d.text((130, 115), "3 February", fill=250, font=font)
    d.text((100, 250), "Body text stays as it is", fill=30, font=font)
    out, regions = ocr_page.invert_dark_fills(np.asarray(img), 300)
    assert len(regions) == 1
    x0, y0, x1, y1 = regions[0]
    assert x0 <= 110 and x1 >= 490 and y0 <= 110 and y1 >= 170
    tag = out[y0:y1, x0:x1]
    assert (tag < 128).mean() < 0.3  # light ground, dark letters
    assert (out[100:180, 100:500] < 128).sum() > 500  # the letters are there
    assert np.array_equal(out[230:320], np.asarray(img)[230:320])  # the rest untouched


def test_size_classes_and_weights_of_a_document() -> None:
    rnd = random.Random(1)
    sizes = [(rnd.gauss(9.5, 0.25), 40) for _ in range(200)] + [(rnd.gauss(13.5, 0.3), 20) for _ in range(20)]
    classes = ocr_page.size_classes(sizes)
    assert len(classes) == 2 and abs(classes[0] - 9.5) < 0.3 and abs(classes[1] - 13.5) < 0.4
    ratios = [(rnd.gauss(0.066, 0.004), 6) for _ in range(400)] + [(rnd.gauss(0.105, 0.006), 6) for _ in range(60)]
    model = ocr_page.weight_model(ratios)
    assert model is not None and model.bold is not None
    assert abs(math.exp(model.regular) - 0.066) < 0.004 and abs(math.exp(model.bold) - 0.105) < 0.006
    # a bold label run in before regular values; a noisy word alone stays regular
    assert ocr_page.line_weights([0.104, 0.107, 0.066, 0.068, 0.064], [7, 6, 9, 7, 8], model) == [True, True, False, False, False]
    assert ocr_page.line_weights([0.066, 0.09, 0.065, 0.067], [8, 3, 8, 8], model) == [False] * 4
    no_bold = ocr_page.weight_model([(rnd.gauss(0.066, 0.004), 6) for _ in range(400)])
    assert no_bold is not None and no_bold.bold is None


def test_hocr_lines_words_and_baselines() -> None:
    hocr = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><body><div class='ocr_page' title='bbox 0 0 100 100'>
<p class='ocr_par' title="bbox 1 2 3 4"><span class='ocr_line' title="bbox 10 20 210 50; baseline 0.01 -6; x_size 30"><span class='ocrx_word' title='bbox 10 22 90 44; x_wconf 96'>3</span> <span class='ocrx_word' title='bbox 100 20 210 50; x_wconf 91'>février</span></span></p>
</div></body></html>"""
    (line,) = ocr_page.parse_hocr(hocr)
    assert [(w.text, w.conf) for w in line.words] == [("3", 96.0), ("février", 91.0)]
    assert line.baseline_at(110) == pytest.approx(50 - 6 + 1.0)


def test_spelling_repairs_from_the_report_and_the_registry() -> None:
    from metroextract.registry import load_registry

    names = ocr_words.NameLexicon.from_registry(load_registry())
    texts = ["Bogota,", "Sáo", "Paulo", "Chongging", "REUNION", "réunion", "PÚBLICO", "público", "publicó", "Montréal", "|", "=="]
    assert ocr_words.repair_words(texts, "fr", names) == ["Bogotá,", "São", "Paulo", "Chongqing", "RÉUNION", "réunion", "PÚBLICO", "público", "publicó", "Montréal", "|", "=="]
    assert [ocr_words.is_junk(t) for t in texts[-2:]] == [True, True]
    assert ocr_words.detect_language(["Les membres ont participé à la réunion des villes et du réseau"] * 2) == "fr"
    assert ocr_words.languages_first("fra+eng+spa", "en") == "eng+fra+spa"
    # a month misread in a date (a JPEG 2000 scan of the word-processor design read "25 Pebruary")
    assert ocr_words.repair_words(["on", "25", "Pebruary", "and", "3", "de", "febrcro"], "en", None) == ["on", "25", "February", "and", "3", "de", "febrcro"]
    assert ocr_words.repair_words(["el", "3", "de", "febrcro", "y", "en", "2021", "junto"], "es", None) == ["el", "3", "de", "febrero", "y", "en", "2021", "junto"]


def test_ocr_words_doctests() -> None:
    import doctest

    result = doctest.testmod(ocr_words)
    assert result.attempted >= 4 and result.failed == 0


def test_running_headers_spelled_differently_are_furniture() -> None:
    def line(page: int, text: str, top: float) -> Line:
        return Line(page=page, text=text, x0=40, top=top, x1=300, bottom=top + 8, size=8, bold=False, font="OCR", color="#333333", upper=False)

    heads = [
        "METROPOLIS RAPPORT DE PROGRÈS · Octobre 2021",
        "METHOPOLIS RAPPORT DE PROGRES - Octobre 2021",
        "METROPOLIS RAPPORT DE PROGRÈS Octobre 2027",
        "METROPOLlS RAPPORT DE PROGRÈS · 0ctobre 2021",
    ]
    pages = [PageLayout(page=i + 1, width=595, height=842, lines=[line(i + 1, h, 30 + i), line(i + 1, f"Body text of page {i + 1}", 300)]) for i, h in enumerate(heads)]
    layout = fuzzy_furniture(DocumentLayout(pages=pages, body_size=9.5, page_count=4), {1, 2, 3, 4})
    assert all(len(p.lines) == 1 and p.lines[0].text.startswith("Body") for p in layout.pages)
    assert all(len(p.furniture) == 1 for p in layout.pages) and layout.removed_furniture == 4


def test_list_bullets_misread_as_marks_are_bullets_again() -> None:
    # "■" read "+" on two lines and "m=" on a third, at one x, each before a field label
    from metroextract.ocr_page import RawWord

    def w(text: str, x0: float, x1: float, line: int) -> RawWord:
        return RawWord(text=text, x0=x0, x1=x1, baseline=300 + 13 * line, size=9.0, stroke=1.0, color=(0, 0, 0), conf=90.0, line=line)

    words = [w("+", 50, 55, 0), w("MEMBRES", 60, 110, 0), w("+", 50, 55, 1), w("RÉSULTATS", 60, 120, 1), w("m=", 50, 58, 2), w("PARTENAIRES", 60, 130, 2)]
    words += [w("+", 50, 55, 3)]  # a lone mark with nothing after it on its line stays
    assert [x.text for x in ocr_words.restore_bullets(words)] == ["•", "MEMBRES", "•", "RÉSULTATS", "•", "PARTENAIRES", "+"]
