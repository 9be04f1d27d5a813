"""Section `ocr`: every scanned fixture, on one core and on all of them, against tesseract
alone on the same pages in the same two ways."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.measure import FIXTURES, STAGES, timed
from bench.rows import Row
from bench.state import Bench, section


def rendered_pages(pdf: Path, sample: int) -> list[bytes]:
    """Up to `sample` pages of `pdf` spread over it, rendered as the OCR stage renders them
    (grey PNM at its resolution): what tesseract alone is given."""
    import pypdfium2 as pdfium

    from metroextract.ocr import OCR_DPI
    from metroextract.ocr_page import luminance, pnm_bytes

    doc = pdfium.PdfDocument(str(pdf))
    try:
        n = len(doc)
        picks = sorted({round(i * (n - 1) / max(1, sample - 1)) for i in range(min(sample, n))})
        out = []
        for i in picks:
            page = doc[i]
            out.append(pnm_bytes(luminance(page.render(scale=OCR_DPI / 72.0, rev_byteorder=True).to_numpy()[..., :3])))
            page.close()
        return out
    finally:
        doc.close()


def tesseract_alone(pages: list[bytes], jobs: int) -> float:
    """Seconds per page of the `tesseract` CLI alone (hOCR, the configured languages, one
    thread each) on `pages`, `jobs` of them side by side."""
    from metroextract.ocr import OCR_DPI
    from metroextract.ocr_page import tesseract_command
    from metroextract.settings import Settings

    cmd = tesseract_command(OCR_DPI, Settings().ocr_languages)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda data: subprocess.run(cmd, input=data, capture_output=True, env=env, check=False), pages))
    return (time.perf_counter() - t0) / max(1, len(pages))


def run_ocr(bench: Bench) -> None:
    """Every scanned fixture, OCR cache cleared, read with one page at a time and with every
    core (`Settings.ocr_jobs`): seconds per page of `extract` against tesseract alone on a
    sample of the same pages, sequential and on every core (the anchors)."""
    scanned = sorted(FIXTURES.glob("*-scanned*.pdf"))
    if not scanned or not shutil.which("tesseract"):
        return
    from metroextract.settings import Settings, available_cores

    cores = available_cores()
    modes = [("1 core", 1), (f"{cores} cores", cores)] if cores > 1 else [("1 core", 1)]
    with section(bench, "ocr"):
        pages = [(p, rendered_pages(p, 3 if bench.args.quick else 6)) for p in scanned]
        for label, jobs in modes:
            total = {"pages": 0, "wall": 0.0, "anchor": 0.0}
            for p, sample in pages:
                measured = _one_fixture(bench, p, Settings(ocr_jobs=jobs), label)
                if measured is None:
                    continue
                anchor = tesseract_alone(sample, jobs)
                n, wall = measured
                total["pages"] += n
                total["wall"] += wall
                total["anchor"] += anchor * n
                bench.results.setdefault("ocr", {}).setdefault(label, {})[p.name] = {"seconds": wall, "pages": n, "tesseract_s_per_page": anchor}
            if total["pages"]:
                per_page, anchor = total["wall"] / total["pages"], total["anchor"] / total["pages"]
                bench.rows.append(
                    Row(
                        "ocr",
                        f"TOTAL, {label} ({len(scanned)} scanned fixtures)",
                        pages=str(total["pages"]),
                        baseline=f"{anchor:.2f} s/p",
                        measured=f"{per_page:.2f} s/p",
                        ratio=f"{per_page / anchor:.2f}x" if anchor else "",
                        notes=f"baseline = tesseract alone on the same pages ({label}: {jobs} at a time, one thread each); "
                        "measured = extract wall time per page (render, deskew, OCR, weak lines read again, typography, layout, the rest)",
                    )
                )


def _one_fixture(bench: Bench, pdf: Path, settings, label: str) -> tuple[int, float] | None:
    """Extract one scanned fixture with `settings`; its row; (pages, wall seconds)."""
    from metroextract import ocr
    from metroextract.pipeline import extract

    ocr.clear_cache()
    try:
        ex, wall, _ = timed(lambda: extract(pdf, settings))
    except Exception as exc:  # noqa: BLE001
        bench.rows.append(Row("ocr", f"{pdf.name}, {label}", notes=f"failed: {type(exc).__name__}: {exc}"))
        return None
    n = ex.report.source.pages
    q = ex.report.quality
    reread = sum(1 for w in ex.report.warnings if w.code == "ocr_corrected" and w.message.startswith("line read again"))
    bench.rows.append(
        Row(
            "ocr",
            f"{pdf.name}, {label} (not in totals)",
            pages=str(n),
            measured=f"{wall / n:.2f} s/p",
            notes=f"{wall:.1f} s; "
            + " · ".join(f"{s} {ex.timings.get(s, 0.0):.2f}" for s in STAGES if s in ex.timings)
            + f" s (layout = OCR); {reread} lines read again; verdict {q.verdict if q else 'n/a'}, OCR confidence {q.ocr_mean_confidence if q else 'n/a'}",
        )
    )
    return n, wall
