"""OCR fallback for PDFs without a usable text layer (scans, CID fonts without a Unicode map).

`ocr_layout(path, settings)` runs `ocrmypdf` (tesseract with the French, English and
Spanish language data) into a temporary folder and reads the result with the normal
layout stage. It raises, with a clear message:

- `CorruptPdf` when the PDF has no readable page at all (a damaged page tree: OCR would
  only render what another reader guesses);
- `NoTextLayer` when OCR is turned off (`Settings.ocr`), `ocrmypdf`/`tesseract` are not
  installed, OCR fails, or it finds too little text to be a report;
- `EncryptedPdf` when the PDF is encrypted (ocrmypdf refuses encrypted input: decrypt it,
  e.g. `qpdf --decrypt in.pdf out.pdf`, and drop it again);
- `ExtractionTimeout` when OCR alone takes longer than `Settings.timeout_seconds`.

The set-up commands (`make install`, `.ci/run`) install ocrmypdf and tesseract.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import CorruptPdf, EncryptedPdf, ExtractionTimeout, NoTextLayer
from .layout import open_pdf, pdf_to_layout, text_chars
from .models import DocumentLayout
from .settings import Settings

# The same threshold as the pipeline's "is there a text layer?" test.
MIN_LETTERS_PER_PAGE = 20

# ocrmypdf exit codes (ocrmypdf.ExitCode)
_EXIT_INPUT_FILE = 2
_EXIT_MISSING_DEPENDENCY = 3
_EXIT_ENCRYPTED = 8


def ocr_available() -> bool:
    """Both `ocrmypdf` and `tesseract` are on PATH."""
    return shutil.which("ocrmypdf") is not None and shutil.which("tesseract") is not None


def _page_count(path: Path) -> int:
    with open_pdf(path) as pdf:
        return len(pdf.pages)


def _last_line(text: bytes) -> str:
    lines = [ln.strip() for ln in text.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no message"


def ocr_layout(path: Path | str, settings: Settings | None = None, *, page_count: int | None = None) -> DocumentLayout:
    """Recognise the text of a PDF with ocrmypdf + tesseract and return its layout.

    `page_count` (the layout stage's count, when the caller has it) saves reading the
    page tree again.
    """
    settings = settings or Settings()
    path = Path(path).absolute()  # never a bare name: a leading dash must not look like an option
    pages = _page_count(path) if page_count is None else page_count
    if pages == 0:
        raise CorruptPdf("the PDF has no readable pages (damaged page tree)", stage="layout")
    if not settings.ocr:
        raise NoTextLayer("no text layer, and OCR is turned off (settings.ocr / METROEXTRACT_OCR)")
    if not ocr_available():
        raise NoTextLayer("no text layer, and the OCR tools (ocrmypdf, tesseract) are not installed")

    with tempfile.TemporaryDirectory(prefix="metroextract-ocr-") as tmp:
        out = Path(tmp) / "ocr.pdf"
        cmd = [
            "ocrmypdf",
            "--force-ocr",
            "-l",
            settings.ocr_languages,
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--jobs",
            "2",
            "--quiet",
            str(path),
            str(out),
        ]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp)
        try:
            _, err = proc.communicate(timeout=settings.timeout_seconds)
        except subprocess.TimeoutExpired:
            proc.terminate()  # ocrmypdf stops its tesseract children on SIGTERM
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            raise ExtractionTimeout(f"OCR took longer than {settings.timeout_seconds:g} s", stage="ocr") from None
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
        if proc.returncode == _EXIT_ENCRYPTED:
            raise EncryptedPdf(
                "encrypted PDF without a text layer: OCR cannot read encrypted files "
                "(decrypt it, e.g. `qpdf --decrypt in.pdf out.pdf`, and drop it again)",
                stage="ocr",
            )
        if proc.returncode == _EXIT_INPUT_FILE:
            raise CorruptPdf(f"OCR cannot read the PDF: {_last_line(err)}", stage="ocr")
        if proc.returncode == _EXIT_MISSING_DEPENDENCY:
            raise NoTextLayer(f"no text layer, and OCR is not usable: {_last_line(err)}", stage="ocr")
        if proc.returncode != 0 or not out.exists():
            raise NoTextLayer(f"no text layer, and OCR failed (ocrmypdf exit {proc.returncode}: {_last_line(err)})", stage="ocr")
        layout = pdf_to_layout(out, max_pages=settings.max_pages + 1)

    letters = text_chars(layout)
    if letters < MIN_LETTERS_PER_PAGE * max(1, layout.page_count):
        raise NoTextLayer(f"no text layer, and OCR found too little text ({letters} letters on {layout.page_count} pages)", stage="ocr")
    return layout
