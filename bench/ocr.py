"""Section `ocr`: every scanned fixture once, against tesseract alone on the same pages."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from bench.measure import FIXTURES, STAGES, timed
from bench.rows import Row
from bench.state import Bench, section


def tesseract_anchor(pdf: Path, sample: int = 6) -> float:
    """Seconds per page of the `tesseract` CLI alone (one thread, hOCR, the configured
    languages) on up to `sample` pages of `pdf`, rendered at the OCR stage's resolution."""
    import subprocess

    import pypdfium2 as pdfium

    from metroextract.ocr import OCR_DPI
    from metroextract.ocr_page import luminance, pnm_bytes, tesseract_command
    from metroextract.settings import Settings

    doc = pdfium.PdfDocument(str(pdf))
    try:
        n = len(doc)
        picks = sorted({round(i * (n - 1) / max(1, sample - 1)) for i in range(min(sample, n))})
        spent = 0.0
        for i in picks:
            page = doc[i]
            grey = luminance(page.render(scale=OCR_DPI / 72.0, rev_byteorder=True).to_numpy()[..., :3])
            page.close()
            data = pnm_bytes(grey)
            t0 = time.perf_counter()
            subprocess.run(tesseract_command(OCR_DPI, Settings().ocr_languages), input=data, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"), check=False)
            spent += time.perf_counter() - t0
        return spent / len(picks)
    finally:
        doc.close()


def run_ocr(bench: Bench) -> None:
    """Every scanned fixture once, OCR cache cleared: seconds per page, against
    tesseract's own time on the same pages (the anchor: `tesseract` alone, one thread,
    on each page rendered as metroextract renders it, sequentially)."""
    scanned = sorted(FIXTURES.glob("*-scanned*.pdf"))
    if not scanned or not shutil.which("tesseract"):
        return
    from metroextract import ocr
    from metroextract.pipeline import extract

    total = {"pages": 0, "wall": 0.0, "anchor": 0.0, "anchor_pages": 0}
    with section(bench, "ocr"):
        for p in scanned:
            ocr.clear_cache()
            try:
                ex, wall, _ = timed(lambda p=p: extract(p))
            except Exception as exc:  # noqa: BLE001
                bench.rows.append(Row("ocr", p.name, notes=f"failed: {type(exc).__name__}: {exc}"))
                continue
            pages = ex.report.source.pages
            anchor = tesseract_anchor(p, sample=3 if bench.args.quick else 6)
            bench.results.setdefault("ocr", {})[p.name] = {"seconds": wall, "pages": pages, "timings": ex.timings, "tesseract_s_per_page": anchor}
            total["pages"] += pages
            total["wall"] += wall
            total["anchor"] += anchor * pages
            q = ex.report.quality
            bench.rows.append(
                Row(
                    "ocr",
                    f"{p.name} (once, not in totals)",
                    pages=str(pages),
                    baseline=f"{anchor:.2f} s/p",
                    measured=f"{wall / pages:.2f} s/p",
                    ratio=f"{wall / pages / anchor:.2f}x" if anchor else "",
                    notes=f"{wall:.1f} s; "
                    + " · ".join(f"{s} {ex.timings.get(s, 0.0):.2f}" for s in STAGES if s in ex.timings)
                    + f" s (layout = OCR, {ocr.OCR_JOBS} pages at a time); verdict {q.verdict if q else 'n/a'}, OCR confidence {q.ocr_mean_confidence if q else 'n/a'}",
                )
            )
        if total["pages"]:
            per_page, anchor = total["wall"] / total["pages"], total["anchor"] / total["pages"]
            bench.rows.append(
                Row(
                    "ocr",
                    f"TOTAL ({len(scanned)} scanned fixtures)",
                    pages=str(total["pages"]),
                    baseline=f"{anchor:.2f} s/p",
                    measured=f"{per_page:.2f} s/p",
                    ratio=f"{per_page / anchor:.2f}x" if anchor else "",
                    notes="baseline = tesseract alone on the same pages (one thread, sequential, rendered at "
                    f"{ocr.OCR_DPI} dpi); measured = extract_report wall time per page (render, deskew, OCR, typography, layout, the rest)",
                )
            )
