"""Shared test fixtures: small and generic.

- `prefect_harness` (session): Prefect on a temporary SQLite database
  (`prefect_test_harness`); yields the API URL so subprocesses can use the same server.
  Opt in with `pytestmark = pytest.mark.usefixtures("prefect_harness")`.
- `make_report_pdf(path, ...)`: a tiny, deterministic Metropolis-like report PDF
  (reportlab), for when the real fixtures are not needed.
- `make_scanned_pdf(path, lines)`: a one-page PDF that is only a raster image of text.
- `REALWORLD`: the read-only robustness corpus (copy files into tmp_path before use).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT.parent / "shared" / "corpus" / "realworld"
FIXTURES = ROOT / "fixtures"

if str(ROOT) not in sys.path:  # the `flows` package lives at the repository root
    sys.path.append(str(ROOT))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(scope="session", autouse=True)
def _shared_extractions(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> None:
    """Under pytest-xdist, the workers extract each committed fixture once between them:
    the run's temporary folder (each worker's is inside it) holds the extractions. The
    run's pages OCR'd are kept there too (`METROEXTRACT_OCR_CACHE`, inherited by the CLI
    and ingest workers the tests start): a scan's pages are read once per run, whichever
    test, worker or process needs them (a damaged copy, the eval, an ingest)."""
    from . import _fixtures

    run = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        run = run.parent
        _fixtures.SHARED = run / "extractions"
    os.environ["METROEXTRACT_OCR_CACHE"] = str(run / "ocr")


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect against a temporary database for the whole session; yields the API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    import flows  # noqa: F401  (quiet Prefect defaults, before Prefect is imported)

    with prefect_test_harness(server_startup_timeout=180):
        yield PREFECT_API_URL.value()


_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def make_report_pdf(path: Path, *, tag: str = "", period: str = "Janvier —> avril 2021", activities: int = 3) -> Path:
    """Write a one-edition Metropolis-like report: cover (title, period), then an
    "ACTIVITÉS" page with dated, titled activities and their "Membres activés".
    The same arguments always give the same bytes; `tag` makes distinct files."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    regular, bold = "Helvetica", "Helvetica-Bold"
    if (_FONTS / "DejaVuSans.ttf").exists():
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        if "DV" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DV", str(_FONTS / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("DVB", str(_FONTS / "DejaVuSans-Bold.ttf")))
        regular, bold = "DV", "DVB"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, h = A4
    c.setFont(bold, 22)
    c.drawString(60, h - 100, "METROPOLIS RAPPORT DE PROGRÈS")
    c.setFont(regular, 14)
    c.drawString(60, h - 130, period)
    c.showPage()
    y = h - 80
    c.setFont(bold, 18)
    c.drawString(60, y, "ACTIVITÉS")
    y -= 40
    for i in range(activities):
        c.setFont(regular, 10)
        c.drawString(60, y, f"{3 + i} février")
        y -= 18
        c.setFont(bold, 12)
        c.drawString(60, y, f"Forum métropolitain numéro {i + 1} {tag}".strip())
        y -= 18
        c.setFont(regular, 10)
        c.drawString(60, y, "Les villes membres ont partagé leurs expériences sur la gouvernance.")
        y -= 14
        c.drawString(60, y, "Une session de travail a réuni les représentants des métropoles.")
        y -= 18
        c.setFont(bold, 9)
        c.drawString(60, y, "Membres activés")
        y -= 14
        c.setFont(regular, 9)
        c.drawString(60, y, "Berlin")
        y -= 30
    c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF made of a single raster image of `lines`: no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(img)
    font_path = _FONTS / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_path), 34) if font_path.exists() else ImageFont.load_default()
    y = 120
    for line in lines:
        draw.text((110, y), line, fill=0, font=font)
        y += 70
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "PDF", resolution=150.0)
    return Path(path)


SCANNED_REPORT_LINES = [
    "METROPOLIS RAPPORT DE PROGRÈS", "Janvier —> avril 2021", "", "ACTIVITÉS", "", "3 février",
    "Forum métropolitain des villes", "Les villes membres ont partagé leurs expériences.", "Membres activés", "Berlin",
]  # fmt: skip


@pytest.fixture
def report_pdf():
    """The `make_report_pdf` factory."""
    return make_report_pdf
