"""Section `proof`: the proof page of a 50-page report (issue 16) — seconds to write it
(render every page with PDFium, draw every located value) and the file's size."""

from __future__ import annotations

import statistics
import time

from bench.measure import fmt_s, log, timed, verdict
from bench.rows import Row
from bench.state import Bench, section

PROOF_PAGES = 50
TARGET_PROOF_S = 5.0  # a 50-page report's proof written in under 5 s …
TARGET_PROOF_MB = 10.0  # … and under 10 MB


def run_proof(bench: Bench) -> None:
    import pypdfium2 as pdfium

    from metroextract.pipeline import extract
    from metroextract.proof import write_proof

    pages = bench.results["fixtures"]["pages"]
    folder = bench.workdir / "proof"
    folder.mkdir()
    # The longest text fixtures, joined until the report has 50 pages: a real report's mix
    # of activity, section and picture pages.
    joined, used = pdfium.PdfDocument.new(), []
    for src in sorted(bench.fixtures, key=lambda p: (-pages[p.name], p.name)):
        if len(joined) >= PROOF_PAGES:
            break
        doc = pdfium.PdfDocument(str(src))
        joined.import_pages(doc, list(range(min(len(doc), PROOF_PAGES - len(joined)))))
        doc.close()
        used.append(src.name)
    pdf = folder / f"proof-{PROOF_PAGES}.pdf"
    joined.save(str(pdf))
    joined.close()
    s0 = time.monotonic()
    with section(bench, "proof"):
        ex = extract(pdf)
        walls = []
        for k in range(bench.args.repeat):
            log(f"proof: {PROOF_PAGES} pages, run {k + 1}")
            out, wall, _ = timed(lambda: write_proof(pdf, ex.report, folder / "proof.html", ex.review))
            walls.append(wall)
    _, foreign = bench.monitor.window(s0, time.monotonic())
    seconds, mb = statistics.median(walls), out.stat().st_size / 1e6
    bench.results["proof"] = {"pages": PROOF_PAGES, "sources": used, "seconds": walls, "megabytes": mb, "boxes": len(ex.report.item_provenance)}
    bench.rows.append(
        Row(
            "proof",
            f"proof page, {PROOF_PAGES} pages ({' + '.join(used)})",
            pages=str(PROOF_PAGES),
            measured=fmt_s(seconds),
            ratio=f"{mb:.1f} MB",
            target=f"< {TARGET_PROOF_S:.0f} s, < {TARGET_PROOF_MB:.0f} MB",
            result=verdict(seconds < TARGET_PROOF_S and mb < TARGET_PROOF_MB, foreign),
            notes=f"{len(ex.report.item_provenance)} boxes; provenance stage {ex.timings.get('provenance', 0.0):.2f} s inside extract",
        )
    )
