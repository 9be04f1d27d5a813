"""OCR for pages without a usable text layer (scans, CID fonts without a Unicode map).

`ocr_layout(path, settings, pages=…)` renders each page to OCR with pypdfium2 (colour,
`OCR_DPI`), runs `tesseract` on it (hOCR; French, English and Spanish language data) and
recovers from the pixels what a text PDF gives each word — size, weight, colour and a font
name ("OCR" / "OCR-Bold") — so that the layout and segmentation stages run unchanged
(`ocr_page.py`). Pages are OCR'd side by side on every core the run leaves this file
(`Settings.ocr_jobs`, one single-threaded tesseract each). Skew is read
from the baselines and undone on the coordinates; a page read upside down or sideways is
turned by tesseract's orientation detection and read again. Running headers and footers,
which OCR spells slightly differently on each page, are found by fuzzy repetition
(`fuzzy_furniture`). Pages that keep a text layer (a mixed PDF) are read as usual and laid
out together with the OCR'd ones. The layout carries the OCR mean word confidence.
A page the text reader skipped as damaged is rendered by PDFium all the same: if OCR reads
it, that is a `page_fallback_reader` warning; blank or not renderable, it is left out
with a `page_unreadable` warning, and the other pages are kept (`ocr_page_warnings`).

It raises, with a clear message:

- `CorruptPdf` when the PDF has no readable page at all, or fewer than
  `Settings.min_readable_page_share` of its pages can be read, OCR included;
- `NoTextLayer` when OCR is turned off (`Settings.ocr`), `tesseract` is not installed,
  OCR fails, or it finds too little text to be a report;
- `EncryptedPdf` when the PDF is encrypted (decrypt it, e.g.
  `qpdf --decrypt in.pdf out.pdf`, and drop it again);
- `ExtractionTimeout` when OCR alone takes longer than `Settings.timeout_seconds`.

The set-up commands (`make install`, `.ci/run`) install tesseract and its language data.
"""

from __future__ import annotations

import functools
import hashlib
import math
import pickle
import re
import shutil
import subprocess
import time
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import CorruptPdf, EncryptedPdf, ExtractionTimeout, NoTextLayer, WarningCode
from .layout import MARGIN_SHARE, PageWords, cid_share, open_pdf, page_image_boxes, page_to_words, text_chars, words_to_layout
from .models import DocumentLayout, Line, PageLayout, Warning_
from .settings import Settings, ocr_jobs_for

# The same threshold as the pipeline's "is there a text layer?" test, per page.
MIN_LETTERS_PER_PAGE = 20
# A page of a PDF with text elsewhere is a scan when it has fewer letters than that and a
# raster image covers at least this share of it.
SCAN_IMAGE_SHARE = 0.5
# Resolution pages are rendered at for tesseract (and for measuring the ink).
OCR_DPI = 300
# Pages read with the languages as configured, before the report's language is told.
LANGUAGE_PROBE_PAGES = 2
# A page read with a mean word confidence below this is tried in other orientations.
# Upright fixture pages read at 79-95; a page read upside down or sideways still gets
# about 55 (tesseract finds letter-like shapes in turned text).
ROTATION_CHECK_CONFIDENCE = 70.0
# Fuzzy running headers/footers: same margin, similar text (digits aside) on this many pages.
FURNITURE_RATIO = 85.0
FURNITURE_MIN_PAGES = 3
FURNITURE_MIN_SHARE = 0.3
# A page with ink where OCR found fewer words than this failed.
MIN_WORDS_ON_INKED_PAGE = 3
# Blank scanned pages beyond this share (and more than one) are a failed scan.
MAX_BLANK_SHARE = 0.25


def ocr_available() -> bool:
    """`tesseract` is on PATH."""
    return shutil.which("tesseract") is not None


# --------------------------------------------------------------------------- which pages


def _letters(lines: list[Line]) -> int:
    return sum(sum(c.isalnum() for c in ln.text) for ln in lines)


def pages_to_ocr(path: Path | str, layout: DocumentLayout) -> list[int]:
    """The pages of a PDF whose text must come from OCR (empty: none).

    - Fonts without a Unicode map for most of the text: every page.
    - Too little text in the whole file (a scan): every page with fewer than
      `MIN_LETTERS_PER_PAGE` letters, or that could not be read.
    - Otherwise (a text PDF, possibly with scanned pages): the pages with fewer letters
      than that on which a raster image covers most of the page. A text PDF without such
      pages is left exactly as it was read.
    """
    n = layout.page_count
    if n == 0:
        return []
    letters = {p.page: _letters(p.lines) for p in layout.pages}
    if cid_share(layout) > 0.5:
        return list(range(1, n + 1))
    if text_chars(layout) < MIN_LETTERS_PER_PAGE * max(1, n):
        return [p for p in range(1, n + 1) if letters.get(p, 0) < MIN_LETTERS_PER_PAGE]
    candidates = [p for p, c in letters.items() if c < MIN_LETTERS_PER_PAGE]
    if not candidates:
        return []
    return [p for p in candidates if _image_share(path, p) >= SCAN_IMAGE_SHARE]


def _image_share(path: Path | str, pno: int) -> float:
    """The largest share of page `pno` covered by one raster image."""
    try:
        with open_pdf(Path(path)) as pdf:
            page = pdf.pages[pno - 1]
            area = float(page.width) * float(page.height)
            best = 0.0
            for im in page.images:
                a = (float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"]))
                best = max(best, a / area if area else 0.0)
            return best
    except Exception:  # noqa: BLE001 - unreadable page: OCR cannot do better here
        return 0.0


# --------------------------------------------------------------------------- cache

# The OCR of a file's pages, by (sha256, page, dpi, languages), and of rendered pages by
# (their pixels' digest, size, dpi, languages): extraction is deterministic, so a report
# read again in the same process (an evaluation after a test, a re-run) does not pay for
# OCR twice, nor does a page of one file found again in another (a copy with one page
# damaged, pages of a scan put in a mixed PDF, the same scan saved again). Bounded.
_CACHE: OrderedDict[tuple, Any] = OrderedDict()
_CACHE_PAGES = 1000  # entries: two per page read


# Bump when what a page's OCR holds changes (ocr_page's measures, the second looks): the
# pages kept on disk (`Settings.ocr_cache`) under another value are read again.
OCR_CACHE_VERSION = "1"


def _cache_get(key: tuple, disk: DiskCache | None = None) -> Any:
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
    elif disk is not None and (hit := disk.get(key)) is not None:
        _cache_put(key, hit)
    return hit


def _cache_put(key: tuple, value: Any, disk: DiskCache | None = None) -> None:
    _CACHE[key] = value
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_PAGES:
        _CACHE.popitem(last=False)
    if disk is not None:
        disk.put(key, value)


@dataclass(frozen=True)
class DiskCache:
    """Pages' OCR kept in a folder across processes and runs, one file per key. Its
    `salt` holds all a reading depends on besides the key: the cache version, tesseract's
    version, the registry the readings were checked against. A file that cannot be read
    back is a miss; writes are atomic (two workers may write one key: same bytes)."""

    folder: Path
    salt: str

    @classmethod
    def of(cls, settings: Settings) -> DiskCache | None:
        if settings.ocr_cache is None:
            return None
        from .registry import default_registry_path

        registry = settings.registry or default_registry_path()
        try:
            reg = hashlib.blake2b(registry.read_bytes(), digest_size=8).hexdigest()
        except OSError:
            reg = "none"
        return cls(Path(settings.ocr_cache), f"{OCR_CACHE_VERSION}|{_tesseract_version()}|{reg}")

    def _path(self, key: tuple) -> Path:
        digest = hashlib.blake2b(repr((self.salt, key)).encode(), digest_size=16).hexdigest()
        return self.folder / digest[:2] / f"{digest}.pickle"

    def get(self, key: tuple) -> Any:
        try:
            return pickle.loads(self._path(key).read_bytes())
        except Exception:  # noqa: BLE001 - missing, cut short or stale: read the page again
            return None

    def put(self, key: tuple, value: Any) -> None:
        from .atomic import atomic_write_bytes  # the project's one writer (umask modes, rename)

        try:
            atomic_write_bytes(self._path(key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written costs time, never the extraction


@functools.cache
def _tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def _pixels_key(rgb: Any, width: float, height: float, angle: float, dpi: int, languages: str) -> tuple:
    """The cache key of a rendered page: what tesseract and the measures are given."""
    digest = hashlib.blake2b(rgb.tobytes(), digest_size=16).hexdigest()
    return ("pixels", digest, rgb.shape, round(width, 2), round(height, 2), round(angle, 3), dpi, languages)


def clear_cache() -> None:
    _CACHE.clear()


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- OCR of pages


@dataclass
class PageOcr:
    """One page read by OCR: raw words (points, measured), its size and what it took."""

    pno: int
    width: float
    height: float
    words: list  # list[ocr_page.RawWord]
    inked: bool  # the page carries ink (not a blank sheet)
    confidences: list[float]
    skew: float  # degrees
    rotated: int  # degrees turned before reading (orientation detection)
    seconds: float
    pictures: list
    failed: str | None = None  # why PDFium could not render the page (None: it did)
    corrections: list[tuple[str, str]] = field(default_factory=list)  # weak lines read again: (before, after)


def _open_pdfium(path: Path) -> Any:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    try:
        doc = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf(
                "encrypted PDF without a text layer: OCR cannot read encrypted files (decrypt it, e.g. `qpdf --decrypt in.pdf out.pdf`, and drop it again)",
                stage="ocr",
            ) from exc
        raise CorruptPdf(f"OCR cannot read the PDF: {exc}", stage="ocr") from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(doc.raw) != -1:
        doc.close()
        raise EncryptedPdf(
            "encrypted PDF without a text layer: OCR cannot read encrypted files (decrypt it, e.g. `qpdf --decrypt in.pdf out.pdf`, and drop it again)",
            stage="ocr",
        )
    return doc


def _render(doc: Any, pno: int, dpi: int) -> tuple[Any, float, float, float]:
    """Page `pno` as an RGB uint8 array at `dpi`, deskewed; the page's size in points and
    the skew angle undone (degrees).

    The skew is measured on a small rendering (`ocr_page.estimate_skew`); a skewed page is
    rendered again through a rotation about its centre (PDFium renders it turned, at full
    quality, no image is resampled twice).
    """
    import ctypes

    import numpy as np
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    from .ocr_page import MIN_DESKEW, SKEW_DPI, estimate_skew, luminance

    page = doc[pno - 1]
    try:
        w, h = page.get_size()
        rotation = page.get_rotation()
        if rotation in (90, 270):
            w, h = h, w
        small = page.render(scale=SKEW_DPI / 72.0, grayscale=True, fill_color=(255, 255, 255, 255)).to_numpy()
        angle = estimate_skew(luminance(small)) if rotation == 0 else 0.0
        if abs(angle) < MIN_DESKEW:
            angle = 0.0
            bmp = page.render(scale=dpi / 72.0, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            arr = bmp.to_numpy()
        else:
            s = dpi / 72.0
            width, height = round(w * s), round(h * s)
            bitmap = pypdfium2.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True)
            bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
            phi = math.radians(-angle)
            cos, sin = math.cos(phi), math.sin(phi)
            cx, cy = width / 2.0, height / 2.0
            # PDFium applies the matrix to the page as displayed (top-left origin, y down)
            matrix = pdfium_c.FS_MATRIX(s * cos, s * sin, -s * sin, s * cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)
            clip = pdfium_c.FS_RECTF(0, 0, width, height)
            pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap, page, ctypes.byref(matrix), ctypes.byref(clip), pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
            arr = bitmap.to_numpy()
        rgb = np.ascontiguousarray(arr[..., :3]) if arr.ndim == 3 else arr
    finally:
        page.close()
    return rgb, float(w), float(h), angle


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise ExtractionTimeout(f"OCR took longer than {self.seconds:g} s", stage="ocr")
        return left


class _Runner:
    """Tesseract processes, each killable when the time is up."""

    def __init__(self) -> None:
        self.procs: set[subprocess.Popen] = set()
        self.stopped = False

    def hocr(self, grey: Any, dpi: int, languages: str, deadline: _Deadline, psm: int = 3) -> str:
        from .ocr_page import TesseractError, pnm_bytes, start_tesseract

        if self.stopped:
            raise ExtractionTimeout(f"OCR took longer than {deadline.seconds:g} s", stage="ocr")
        proc = start_tesseract(grey, dpi, languages, psm)
        self.procs.add(proc)
        try:
            out, err = proc.communicate(pnm_bytes(grey), timeout=deadline.left())
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise ExtractionTimeout(f"OCR took longer than {deadline.seconds:g} s", stage="ocr") from None
        finally:
            self.procs.discard(proc)
        if proc.returncode != 0:
            if self.stopped:
                raise ExtractionTimeout(f"OCR took longer than {deadline.seconds:g} s", stage="ocr")
            msg = [ln for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
            raise TesseractError(f"tesseract exit {proc.returncode}: {(msg[-1] if msg else 'no message')[:300]}")
        return out.decode("utf-8", "replace")

    def stop(self) -> None:
        self.stopped = True
        for proc in list(self.procs):
            try:
                proc.kill()
            except OSError:
                pass


# Weak display lines are read again as one stack of lines: tesseract's "single column of
# text of variable sizes".
REREAD_PSM = 4


@functools.cache
def base_lexicon(languages: str, registry: Path | None) -> Any:
    """The words OCR readings are checked against (`ocr_reread.Lexicon`): the dictionaries
    of the OCR languages and the registry's names. Built once per process."""
    from .ocr_reread import Lexicon
    from .ocr_words import NameLexicon, language_words

    names: set[str] = set()
    try:
        from .registry import load_registry

        names = NameLexicon.from_registry(load_registry(registry)).spellings
    except Exception:  # noqa: BLE001 - no registry: the dictionaries still judge
        names = set()
    return Lexicon.of(names, *(language_words(code) for code in languages.split("+")))


def _read_page(rgb: Any, pno: int, width: float, height: float, dpi: int, languages: str, runner: _Runner, deadline: _Deadline, deskewed: float = 0.0, lexicon: Any = None) -> PageOcr:
    """OCR one rendered page (in a worker thread: tesseract runs outside the GIL); weak
    display lines are read again (`ocr_reread`) when a `lexicon` is given."""
    import numpy as np

    from .ocr_page import TesseractError, flatten_background, invert_dark_fills, luminance, page_words, parse_hocr, picture_boxes, run_osd
    from .ocr_reread import reread_weak_lines

    t0 = time.perf_counter()
    grey = luminance(rgb)
    inked = bool(np.count_nonzero(grey < 160) > 2e-4 * grey.size)
    # light text on dark fills is read, and its strokes measured, on the page turned
    # dark-on-light; its colour is sampled on the page as printed
    turned, fills = invert_dark_fills(grey, dpi)
    seen = flatten_background(turned, dpi)
    lines = parse_hocr(runner.hocr(seen, dpi, languages, deadline)) if inked else []
    corrections: list[tuple[str, str]] = []
    if lexicon is not None and lines:
        try:
            lines, corrections = reread_weak_lines(seen, lines, dpi, lexicon, lambda img, d: runner.hocr(img, d, languages, deadline, REREAD_PSM))
        except TesseractError:  # a second look that fails leaves the first reading as it was
            corrections = []
    words, skew = page_words(rgb, seen, lines, dpi)
    rotated = 0
    confs = [w.conf for w in words]
    if inked and (not confs or sum(confs) / len(confs) < ROTATION_CHECK_CONFIDENCE):
        turn = run_osd(grey, dpi, timeout=min(60.0, deadline.left()))
        if turn:
            k = {90: 3, 180: 2, 270: 1}[turn]  # np.rot90 turns counter-clockwise
            rgb2 = np.ascontiguousarray(np.rot90(rgb, k))
            turned2, fills2 = invert_dark_fills(luminance(rgb2), dpi)
            grey2 = flatten_background(turned2, dpi)
            words2, skew2 = page_words(rgb2, grey2, parse_hocr(runner.hocr(grey2, dpi, languages, deadline)), dpi)
            confs2 = [w.conf for w in words2]
            if sum(confs2) > sum(confs):
                words, skew, confs, rotated, rgb, grey, fills = words2, skew2, confs2, turn, rgb2, luminance(rgb2), fills2
                if turn in (90, 270):
                    width, height = height, width
    pictures = picture_boxes(grey, words, dpi, fills)
    return PageOcr(pno, width, height, words, inked, confs, deskewed + skew, rotated, time.perf_counter() - t0, pictures, corrections=corrections if not rotated else [])


def ocr_pages(path: Path, pages: list[int], settings: Settings, dpi: int = OCR_DPI) -> list[PageOcr]:
    """OCR the given pages of a PDF (1-based), `ocr_jobs_for(settings)` at a time (one
    single-threaded tesseract each), within the time limit.

    The first `LANGUAGE_PROBE_PAGES` pages are read with `settings.ocr_languages` as
    given; the others with the report's language (told by those pages' words) first, which
    tesseract then prefers where the languages' letters differ (accents).
    """
    import pypdfium2

    from .ocr_words import detect_language, languages_first

    deadline = _Deadline(settings.timeout_seconds)
    doc = _open_pdfium(path)
    sha = _sha256(path)
    runner = _Runner()
    results: dict[int, PageOcr] = {}
    used: dict[int, str] = {}
    pixels: dict[int, tuple] = {}  # cache keys of the pages rendered
    languages = settings.ocr_languages
    disk = DiskCache.of(settings)
    jobs = ocr_jobs_for(settings)
    lexicon = base_lexicon(settings.ocr_languages, settings.registry)
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            pending: dict[int, Any] = {}
            try:
                for n, pno in enumerate(pages):
                    if n == LANGUAGE_PROBE_PAGES:
                        for p in sorted(pending):
                            results[p] = pending.pop(p).result(timeout=deadline.left())
                        lang = detect_language([w.text for r in results.values() for w in r.words])
                        languages = languages_first(settings.ocr_languages, lang)
                    used[pno] = languages
                    hit = _cache_get((sha, pno, dpi, languages), disk)
                    if hit is not None:
                        results[pno] = hit
                        continue
                    while len(pending) > jobs:  # bound the rendered pages held in memory
                        first = min(pending)
                        results[first] = pending.pop(first).result(timeout=deadline.left())
                    deadline.left()
                    try:
                        rgb, w, h, angle = _render(doc, pno, dpi)
                    except pypdfium2.PdfiumError as exc:  # a damaged page: the others are still read
                        results[pno] = PageOcr(pno, 0.0, 0.0, [], False, [], 0.0, 0, 0.0, [], failed=f"PDFium cannot render it ({exc})")
                        continue
                    pixels[pno] = _pixels_key(rgb, w, h, angle, dpi, languages)
                    hit = _cache_get(pixels[pno], disk)
                    if hit is not None:
                        results[pno] = replace(hit, pno=pno)
                        continue
                    pending[pno] = pool.submit(_read_page, rgb, pno, w, h, dpi, languages, runner, deadline, angle, lexicon)
                for pno in sorted(pending):
                    results[pno] = pending.pop(pno).result(timeout=deadline.left())
            except BaseException:
                runner.stop()
                for fut in pending.values():
                    fut.cancel()
                raise
    except TimeoutError:  # a future's wait ran out
        raise ExtractionTimeout(f"OCR took longer than {settings.timeout_seconds:g} s", stage="ocr") from None
    finally:
        doc.close()
    for pno, res in results.items():
        keep = None if res.failed else disk  # a page PDFium could not render: nothing to keep
        _cache_put((sha, pno, dpi, used[pno]), res, keep)
        if pno in pixels:
            _cache_put(pixels[pno], res, keep)
    return [results[p] for p in pages]


def repaired_words(results: list[PageOcr], settings: Settings) -> tuple[list[list[Any]], list[Warning_]]:
    """The words of OCR'd pages with their spelling repaired (`ocr_words`), as copies; and
    every change OCR's second looks made — lines read again, words respelled — as an
    `ocr_corrected` warning with the before and the after, so that it can be audited."""
    from .ocr_words import NameLexicon, detect_language, is_junk, repair_words, restore_bullets

    texts = [w.text for r in results for w in r.words]
    names = None
    try:
        from .registry import load_registry

        names = NameLexicon.from_registry(load_registry(settings.registry))
    except Exception:  # noqa: BLE001 - no registry: the report's own words still repair
        names = None
    fixed = iter(repair_words(texts, detect_language(texts), names))
    out = []
    said: list[Warning_] = []
    for r in results:
        said += [Warning_(page=r.pno, code=WarningCode.OCR_CORRECTED, message=f"line read again at {2 * OCR_DPI} dpi: {before!r} -> {after!r}") for before, after in r.corrections]
        words = [replace(w, text=next(fixed)) for w in r.words]
        respelled = Counter((a.text, b.text) for a, b in zip(r.words, words) if a.text != b.text)
        said += [
            Warning_(page=r.pno, code=WarningCode.OCR_CORRECTED, message=f"word respelled as the report or the registry prints it: {a!r} -> {b!r}" + (f" ({n} times)" if n > 1 else ""))
            for (a, b), n in respelled.items()
        ]
        listed = restore_bullets(words)
        bullets = Counter(a.text for a, b in zip(words, listed) if a.text != b.text)
        said += [Warning_(page=r.pno, code=WarningCode.OCR_CORRECTED, message=f"list bullets read as marks: {a!r} -> '•' ({n} times)") for a, n in bullets.items()]
        out.append([w for w in listed if not is_junk(w.text)])
    return out, said


# --------------------------------------------------------------------------- furniture


def _furniture_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def fuzzy_furniture(layout: DocumentLayout, pages: set[int]) -> DocumentLayout:
    """Running headers/footers that OCR spelled a little differently on each page.

    A line in the top or bottom margin (`layout.MARGIN_SHARE`) of an OCR'd page whose
    text, digits aside, matches (rapidfuzz ratio ≥ `FURNITURE_RATIO`) margin lines at the
    same height on at least `FURNITURE_MIN_PAGES` pages (and `FURNITURE_MIN_SHARE` of the
    pages) is furniture: it moves to the page's furniture, as the layout stage does with
    exact repetitions.
    """
    from rapidfuzz import fuzz

    cands: list[tuple[int, int, str, float]] = []  # page index, line index, key, top
    for pi, p in enumerate(layout.pages):
        if p.page not in pages:
            continue
        for li, ln in enumerate(p.lines):
            if ln.bottom < p.height * MARGIN_SHARE or ln.top > p.height * (1 - MARGIN_SHARE):
                key = _furniture_text(ln.text)
                if sum(c.isalpha() for c in key) >= 3:
                    cands.append((pi, li, key, ln.top))
    min_pages = max(FURNITURE_MIN_PAGES, FURNITURE_MIN_SHARE * len(pages))
    drop: set[tuple[int, int]] = set()
    for pi, li, key, top in cands:
        seen = {pi}
        for pj, _, key2, top2 in cands:
            if pj not in seen and abs(top - top2) <= 8 and fuzz.ratio(key, key2) >= FURNITURE_RATIO:
                seen.add(pj)
        if len(seen) >= min_pages:
            drop.add((pi, li))
    if not drop:
        return layout
    out = []
    for pi, p in enumerate(layout.pages):
        kept = [ln for li, ln in enumerate(p.lines) if (pi, li) not in drop]
        gone = [ln for li, ln in enumerate(p.lines) if (pi, li) in drop]
        out.append(p.model_copy(update={"lines": kept, "furniture": [*p.furniture, *gone]}) if gone else p)
    return layout.model_copy(update={"pages": out, "removed_furniture": layout.removed_furniture + len(drop)})


# --------------------------------------------------------------------------- entry point


def _text_pages(path: Path, pages: list[int]) -> list[PageWords]:
    """Pages that keep their text layer, read as the layout stage reads them."""
    out: list[PageWords] = []
    if not pages:
        return out
    with open_pdf(path) as pdf:
        for pno in pages:
            page = pdf.pages[pno - 1]
            try:
                out.append((pno, float(page.width), float(page.height), page_to_words(page), page_image_boxes(page)))
            except Exception:  # noqa: BLE001 - the text layout already warned about it
                continue
    return out


def ocr_confidence(results: list[PageOcr]) -> float | None:
    """The OCR mean word confidence (0..100) of a document.

    The mean of tesseract's word confidences, where a page that carries ink but gave
    (almost) no words counts as one word read at confidence 0 per missing word: a page
    OCR could not read at all (a photo of nothing, garbage, a failed scan) must weigh on
    the verdict, not vanish from it. Blank pages do not count.
    """
    confs: list[float] = []
    for r in results:
        confs.extend(r.confidences)
        if r.inked and len(r.confidences) < MIN_WORDS_ON_INKED_PAGE:
            confs.extend([0.0] * (MIN_WORDS_ON_INKED_PAGE - len(r.confidences)))
    if not confs:
        return None
    return sum(confs) / len(confs)


def ocr_layout(
    path: Path | str,
    settings: Settings | None = None,
    *,
    page_count: int | None = None,
    pages: list[int] | None = None,
    text_layout: DocumentLayout | None = None,
) -> DocumentLayout:
    """Recognise the text of a PDF's pages with tesseract and return its layout.

    `pages` (1-based) are OCR'd, the others keep their text layer (default: every page).
    `page_count` (the layout stage's count, when the caller has it) saves reading the page
    tree again; `text_layout` (the layout stage's result) gives the warnings of the pages
    that keep their text.
    """
    settings = settings or Settings()
    path = Path(path).absolute()
    n = _page_count(path) if page_count is None else page_count
    if n == 0:
        raise CorruptPdf("the PDF has no readable pages (damaged page tree)", stage="layout")
    if not settings.ocr:
        raise NoTextLayer("no text layer, and OCR is turned off (settings.ocr / METROEXTRACT_OCR)")
    if not ocr_available():
        raise NoTextLayer("no text layer, and the OCR tool (tesseract) is not installed")
    todo = sorted(set(pages)) if pages else list(range(1, n + 1))
    from .ocr_page import TesseractError, document_words

    try:
        results = ocr_pages(path, todo, settings)
    except TesseractError as exc:
        raise NoTextLayer(f"no text layer, and OCR failed ({exc})", stage="ocr") from exc
    except OSError as exc:
        raise NoTextLayer(f"no text layer, and OCR is not usable: {exc}", stage="ocr") from exc

    page_warnings, lost = ocr_page_warnings(results, skipped_pages(text_layout))
    repaired, corrected = repaired_words(results, settings)
    words = document_words(repaired)
    scanned: list[PageWords] = [(r.pno, r.width, r.height, ws, r.pictures) for r, ws in zip(results, words) if r.pno not in lost]
    kept = [p for p in range(1, n + 1) if p not in set(todo)]
    if text_layout is not None:
        readable = {p.page for p in text_layout.pages}
        kept = [p for p in kept if p in readable]
    all_pages = sorted([*scanned, *_text_pages(path, kept)], key=lambda pw: pw[0])
    check_readable_share(len(all_pages), n, settings.min_readable_page_share, page_warnings)
    layout = words_to_layout(all_pages, n)
    layout = fuzzy_furniture(layout, set(todo))

    ocr_letters = sum(_letters(p.lines) + _letters(p.furniture) for p in layout.pages if p.page in set(todo))
    if ocr_letters < MIN_LETTERS_PER_PAGE * max(1, len(todo)) and not kept:
        raise NoTextLayer(f"no text layer, and OCR found too little text ({ocr_letters} letters on {len(todo)} pages)", stage="ocr")
    warnings = [*layout.warnings, *page_warnings, *(w for w in corrected if w.page not in lost)]
    if text_layout is not None:  # what the text reader said of the pages OCR did not read
        warnings += [w for w in text_layout.warnings if w.page is None or w.page not in set(todo)]
    warnings.sort(key=lambda w: w.page or 0)
    word_conf = [(r.pno, round((w.x0 + w.x1) / 2, 1), round(w.baseline, 1), w.conf) for r in results if r.pno not in lost for w in r.words]
    return layout.model_copy(update={"warnings": warnings, "ocr_confidence": ocr_confidence(results), "ocr_words": word_conf})


def skipped_pages(text_layout: DocumentLayout | None) -> dict[int, Warning_]:
    """The pages the text reader skipped as damaged, each with its warning."""
    if text_layout is None:
        return {}
    read = {p.page for p in text_layout.pages}
    return {w.page: w for w in text_layout.warnings if w.code == WarningCode.PAGE_UNREADABLE and w.page is not None and w.page not in read}


def ocr_page_warnings(results: list[PageOcr], skipped: dict[int, Warning_]) -> tuple[list[Warning_], set[int]]:
    """What went wrong on the OCR'd pages, as warnings, and the pages lost (nothing read).

    A page the text reader skipped as damaged (`skipped`) is lost when PDFium cannot
    render it or renders nothing OCR can read (its content stream is gone); when OCR reads
    it, it is a page read by a fallback reader. Blank sheets beyond `MAX_BLANK_SHARE` of
    the scan (and more than one) are a failed scan; an inked page where OCR found no text
    failed too.
    """
    out: list[Warning_] = []
    lost: set[int] = set()
    for r in results:
        damaged = skipped.get(r.pno)
        read = len(r.confidences) >= MIN_WORDS_ON_INKED_PAGE
        if r.failed or (damaged and not read):
            lost.add(r.pno)
            said = damaged.message if damaged else f"page {r.pno} skipped"
            why = r.failed or ("PDFium renders it blank" if not r.inked else "no text found")
            out.append(Warning_(page=r.pno, code=WarningCode.PAGE_UNREADABLE, message=f"{said}; OCR: {why}"))
        elif damaged:
            reason = damaged.message.split(": ", 1)[-1]
            out.append(Warning_(page=r.pno, code=WarningCode.PAGE_FALLBACK_READER, message=f"page {r.pno} read by OCR on PDFium's rendering, though {reason}"))
        elif r.inked and not read:
            out.append(Warning_(page=r.pno, code=WarningCode.PAGE_UNREADABLE, message=f"page {r.pno}: OCR found no text on it, though it is not blank"))
        if r.rotated:
            out.append(Warning_(page=r.pno, code=WarningCode.OCR_USED, message=f"page {r.pno} read turned by {r.rotated}° (orientation detected by tesseract)"))
    blank = [r.pno for r in results if not r.inked and r.pno not in lost]
    if len(blank) >= 2 and len(blank) >= MAX_BLANK_SHARE * len(results):
        # a blank sheet or two is a scan's back page; this many is a failed scan
        for pno in blank:
            out.append(Warning_(page=pno, code=WarningCode.PAGE_UNREADABLE, message=f"page {pno}: the scan is blank ({len(blank)} of {len(results)} scanned pages are)"))
    return out, lost


def check_readable_share(readable: int, pages: int, min_share: float, warnings: list[Warning_]) -> None:
    """`CorruptPdf` when fewer than `min_share` of the pages could be read (OCR included)."""
    if readable >= max(1e-9, min_share) * pages:
        return
    lost = [w.message for w in warnings if w.code == WarningCode.PAGE_UNREADABLE]
    raise CorruptPdf(f"only {readable} of {pages} pages can be read (at least {min_share:.0%} needed: min_readable_page_share): " + "; ".join(lost[:2]), stage="ocr")


def _page_count(path: Path) -> int:
    with open_pdf(path) as pdf:
        return len(pdf.pages)


__all__ = ["ocr_available", "ocr_layout", "pages_to_ocr", "ocr_pages", "fuzzy_furniture", "ocr_confidence", "ocr_page_warnings", "skipped_pages", "check_readable_share", "PageLayout"]
