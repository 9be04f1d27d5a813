"""Proof page: a report drawn over its PDF's pages, as one self-contained HTML file.

Each page is rendered with pypdfium2 (JPEG, about 100 dpi, as a data URI) and every value
of `report.item_provenance` is drawn over it as a box, a colour per kind; a side panel
lists the activities and sections, and choosing an item scrolls to its box (and a box
back to its item). Unresolved names and warnings are marked on their page, a name with
the `metroextract review accept …` command that teaches the registry its alias.

Markup contract (for tools and tests): every drawn box is an element with class `box`,
`data-kind` (a `ProvenanceKind`, or `activity` for an activity's own box), `data-page`,
`data-pointer` (the value's JSON Pointer) and, for an activity's items,
`data-activity-id`; an unresolved name's box also has `data-unresolved` and
`data-command`. Warnings are elements with `data-kind="warning"` and `data-page`. The
summary is `#summary` with `data-activities`, `data-warnings`, `data-unresolved`.
No network: no external asset, a Content-Security-Policy that allows only inline ones.
"""

from __future__ import annotations

import base64
import io
import shlex
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .errors import ExtractionTimeout, MetroextractError
from .isolate import run_isolated
from .models import ItemProvenance, Report, ReviewItem, SectionQuality
from .provenance import coverage, paragraphs
from .settings import Settings

PROOF_DPI = 100
JPEG_QUALITY = 60  # text still readable at 100 dpi
# A page heavier than this (a full-page photo) is encoded again at a lower quality, so a
# 50-page report stays well under 10 MB even when every page is a picture.
MAX_PAGE_BYTES = 110_000
LOW_QUALITY = 35
PROOF_DIR = "proof"

KIND_COLOURS = {
    "activity": "#6b7280",
    "title": "#d62728",
    "date": "#ff7f0e",
    "description": "#1f77b4",
    "member": "#2ca02c",
    "alliance": "#9467bd",
    "result": "#8c564b",
    "challenge": "#e377c2",
    "link": "#17becf",
    "section": "#0f766e",
}
KIND_LABELS = {"section": "section item"}


@dataclass(frozen=True)
class PageImage:
    """One rendered page: its number, size in PDF points and the image as a data URI; a
    page that could not be drawn has no image and says why (`problem`)."""

    page: int
    width: float
    height: float
    data_uri: str | None
    problem: str | None = None


def _jpeg(image: Any, quality: int) -> io.BytesIO:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, optimize=True)
    return buf


def page_sizes(path: Path | str) -> list[tuple[float, float]]:
    """Width and height of every page, in PDF points (PDFium; nothing is drawn)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [tuple(pdf.get_page_size(i)) for i in range(len(pdf))]  # type: ignore[misc]
    finally:
        pdf.close()


def render_page(path: Path | str, index: int, dpi: int = PROOF_DPI, quality: int = JPEG_QUALITY) -> PageImage:
    """Page `index` (0-based) drawn by PDFium as a JPEG data URI. Runs in a worker process
    (`isolate.JOBS`): a crafted page can keep PDFium drawing for ever."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        try:
            width, height = page.get_size()
            image = page.render(scale=dpi / 72, draw_annots=False).to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        pdf.close()
    buf = _jpeg(image, quality)
    if buf.tell() > MAX_PAGE_BYTES:
        buf = _jpeg(image, min(quality, LOW_QUALITY))
    return PageImage(index + 1, width, height, "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii"))


def pdf_to_page_images(path: Path | str, dpi: int = PROOF_DPI, quality: int = JPEG_QUALITY) -> list[PageImage]:
    """Every page of a PDF rendered by PDFium in this process (a trusted file, a test)."""
    return [render_page(path, i, dpi, quality) for i in range(len(page_sizes(path)))]


A4 = (595.0, 842.0)


def isolated_page_images(path: Path | str, settings: Settings, pages: int = 0) -> list[PageImage]:
    """Every page drawn in a worker process, each within `proof_page_timeout_seconds`, all
    within `timeout_seconds`, under the worker's memory cap. A page that cannot be drawn
    in time (or at all) is a placeholder saying why; so is every page when the file
    cannot even be measured (`pages` of them, A4). Never raises for the file's sake."""
    limit = settings.proof_page_timeout_seconds
    try:
        sizes = run_isolated("page_sizes", (str(path),), settings, limit, label=Path(path).name)
    except MetroextractError as exc:
        return [PageImage(n, *A4, None, f"the page sizes could not be read ({exc.message})") for n in range(1, pages + 1)]
    deadline = time.monotonic() + settings.timeout_seconds
    out = []
    for index, (width, height) in enumerate(sizes):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            out.append(PageImage(index + 1, width, height, None, f"not drawn: the proof page's time ({settings.timeout_seconds:g} s) ran out"))
            continue
        try:
            out.append(run_isolated("render_page", (str(path), index), settings, min(limit, remaining), label=Path(path).name))
        except ExtractionTimeout:
            out.append(PageImage(index + 1, width, height, None, f"its image took longer than {min(limit, remaining):g} s to draw: not drawn"))
        except MetroextractError as exc:
            out.append(PageImage(index + 1, width, height, None, f"its image could not be drawn ({exc.message})"))
    return out


# --------------------------------------------------------------------------- what is drawn


def value_at(doc: Any, pointer: str) -> Any:
    """The value a provenance pointer names; a number after a text field is its paragraph.

    >>> value_at({"a": [{"b": "one\\n\\ntwo"}]}, "/a/0/b/1")
    'two'
    """
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict):
            doc = doc.get(token)
        elif isinstance(doc, list):
            doc = doc[int(token)] if token.isdigit() and int(token) < len(doc) else None
        elif isinstance(doc, str):
            parts = paragraphs(doc)
            doc = parts[int(token)] if token.isdigit() and int(token) < len(parts) else None
        else:
            return None
    return doc


def label_of(value: Any) -> str:
    """A short text for a value: a name, a title, a label, or the text itself."""
    if isinstance(value, dict):
        for k in ("name", "title", "outlet", "label", "text", "code"):
            if value.get(k):
                return str(value[k])
        return ""
    return "" if value is None else str(value)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _unresolved(report_id: str, value: dict, page: int) -> ReviewItem:
    kind = "alliance" if "alliance_id" in value else "member"
    return ReviewItem(report_id=report_id, page=page, kind=kind, name=value["name"], reason="unresolved", candidates=[])


def accept_command(item: ReviewItem) -> str:
    """The command that makes a name resolve: its best candidate's id, else a placeholder."""
    target = item.candidates[0].id if item.candidates else "<registry-id>"
    return f"metroextract review accept {shlex.quote(item.name)} {shlex.quote(target)}"


def _name_kind(value: Any) -> str | None:
    if isinstance(value, dict) and "name" in value and ("member_id" in value or "alliance_id" in value):
        return "alliance" if "alliance_id" in value else "member"
    return None


@dataclass(frozen=True)
class Drawn:
    """One box to draw, with the panel entry that points at it."""

    id: str
    entry: ItemProvenance
    text: str
    command: str | None  # set for an unresolved name


def drawn_boxes(report: Report, review: list[ReviewItem] | None) -> list[Drawn]:
    """Every provenance entry of the report as a box with its text and review command.

    Names to review come from the review list; without one, from the names the report
    itself leaves unresolved."""
    doc = report.model_dump(mode="json")
    names = {(r.kind, r.name): r for r in review or []}
    out = []
    for n, e in enumerate(report.item_provenance):
        value = value_at(doc, e.pointer)
        kind = _name_kind(value)
        item = None
        if kind and review is not None:
            item = names.get((kind, value["name"]))  # the resolver decides by name: every place it is printed
        elif kind and value.get("method") == "unresolved":
            item = _unresolved(report.id, value, e.page)
        out.append(Drawn(f"b{n}", e, label_of(value), accept_command(item) if item else None))
    return out


# --------------------------------------------------------------------------- HTML

_CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#111;background:#e5e7eb}
#summary{position:sticky;top:0;z-index:5;background:#111827;color:#f9fafb;padding:8px 14px;display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center}
#summary h1{font-size:16px;margin:0 12px 0 0}#summary .bad{color:#fca5a5}#summary .ok{color:#86efac}
.legend span{display:inline-block;padding:0 6px;margin-right:4px;border:2px solid;border-radius:3px;font-size:12px}
#layout{display:flex;align-items:flex-start}
#panel{position:sticky;top:48px;width:360px;flex:none;height:calc(100vh - 48px);overflow:auto;background:#fff;border-right:1px solid #9ca3af;padding:8px 10px}
#panel h2{font-size:15px;margin:12px 0 4px}#panel ul{list-style:none;margin:0;padding:0 0 0 8px}#panel li{margin:1px 0}
#panel details{margin:2px 0;border-bottom:1px solid #f3f4f6}#panel summary{cursor:pointer;font-weight:600}
.item{color:inherit;text-decoration:none;border-left:4px solid var(--c);padding-left:5px;display:block;font-size:13px}
.item:hover,.item.focus{background:#fef3c7}.missing{color:#9ca3af;font-size:13px;padding-left:9px}
code{background:#f3f4f6;padding:1px 3px;font-size:12px;word-break:break-all}button.copy{font-size:11px;margin-left:4px}
#pages{flex:1;padding:12px;min-width:0}
.page{margin:0 auto 18px;max-width:1200px}.page h3{margin:0 0 4px;font-size:13px;color:#374151}
.sheet{position:relative;background:#fff;box-shadow:0 1px 4px #0004}.sheet img{display:block;width:100%;height:auto}
.placeholder{display:flex;align-items:center;justify-content:center;width:100%;color:#6b7280;background:repeating-linear-gradient(45deg,#fff,#fff 12px,#f3f4f6 12px,#f3f4f6 24px);font-size:13px}
.box{position:absolute;border:2px solid var(--c);background:color-mix(in srgb,var(--c) 10%,transparent);display:block}
.box[data-kind=activity]{border:1px dashed var(--c);background:none;pointer-events:none}
.box.focus{outline:4px solid #facc15;z-index:3;background:color-mix(in srgb,#facc15 35%,transparent)}
.box[data-unresolved]{border:3px dashed #dc2626}.box[data-unresolved]::after{content:"?";position:absolute;right:-10px;top:-12px;background:#dc2626;color:#fff;font:bold 11px/14px sans-serif;padding:0 4px;border-radius:7px}
.warnings{margin:0 0 4px;padding:0;list-style:none}.warning{background:#fef2f2;border-left:4px solid #dc2626;padding:2px 6px;font-size:12px;margin:2px 0}
"""

_SCRIPT = """
(function(){
  function flash(el){document.querySelectorAll('.focus').forEach(function(x){x.classList.remove('focus')});el.classList.add('focus');}
  document.querySelectorAll('a.item[data-box]').forEach(function(a){
    a.addEventListener('click',function(ev){
      var box=document.getElementById(a.dataset.box);if(!box)return;ev.preventDefault();
      box.scrollIntoView({block:'center'});flash(box);a.classList.add('focus');history.replaceState(null,'','#'+box.id);
    });
  });
  document.querySelectorAll('a.box[data-item]').forEach(function(b){
    b.addEventListener('click',function(ev){
      var it=document.getElementById(b.dataset.item);if(!it)return;ev.preventDefault();
      var d=it.closest('details');if(d)d.open=true;it.scrollIntoView({block:'center'});flash(it);b.classList.add('focus');
    });
  });
  document.querySelectorAll('button.copy').forEach(function(btn){
    btn.addEventListener('click',function(){
      var text=btn.dataset.command;
      if(navigator.clipboard){navigator.clipboard.writeText(text).then(function(){btn.textContent='copied'},function(){});}
      var r=document.createRange();r.selectNodeContents(btn.previousElementSibling);var s=getSelection();s.removeAllRanges();s.addRange(r);
    });
  });
})();
"""


def _style(box: tuple[float, float, float, float], width: float, height: float, colour: str) -> str:
    x0, top, x1, bottom = box
    return f"left:{100 * x0 / width:.3f}%;top:{100 * top / height:.3f}%;width:{100 * max(0.5, x1 - x0) / width:.3f}%;height:{100 * max(0.5, bottom - top) / height:.3f}%;--c:{colour}"


def _box_html(d: Drawn, page: PageImage) -> str:
    e = d.entry
    attrs = [f'class="box" id="{d.id}" href="#i{d.id}" data-item="i{d.id}"', f'data-kind="{e.kind}"', f'data-page="{e.page}"', f'data-pointer="{escape(e.pointer)}"']
    if e.activity_id:
        attrs.append(f'data-activity-id="{escape(e.activity_id)}"')
    tip = f"{KIND_LABELS.get(e.kind, e.kind)}: {d.text}"
    if d.command:
        attrs.append(f'data-unresolved="" data-command="{escape(d.command)}"')
        tip += f" — unresolved; {d.command}"
    attrs.append(f'title="{escape(_short(tip, 300))}"')
    attrs.append(f'style="{_style(e.bbox, page.width, page.height, KIND_COLOURS[e.kind])}"')
    return f"<a {' '.join(attrs)}></a>"


def _item_html(d: Drawn | None, kind: str, text: str) -> str:
    colour = KIND_COLOURS[kind]
    label = escape(_short(f"{KIND_LABELS.get(kind, kind)}: {text}"))
    if d is None:
        return f'<li class="missing" title="not found on the page">{label}</li>'
    extra = f' <code>{escape(d.command)}</code><button class="copy" type="button" data-command="{escape(d.command)}">copy</button>' if d.command else ""
    return f'<li><a class="item" id="i{d.id}" href="#{d.id}" data-box="{d.id}" style="--c:{colour}">{label} <small>p.{d.entry.page}</small></a>{extra}</li>'


def _panel_html(report: Report, drawn: list[Drawn], warnings_by_page: dict[int | None, list[str]]) -> str:
    from .provenance import activity_targets, section_targets

    by_pointer = {d.entry.pointer: d for d in drawn}
    doc = report.model_dump(mode="json")
    parts = ["<h2>Activities</h2>"]
    for i, a in enumerate(report.activities):
        head = escape(_short(f"{a.date_text or '—'} · {a.title or '(no title)'}", 80))
        items = [_item_html(by_pointer.get(t.pointer), t.kind, label_of(value_at(doc, t.pointer))) for group in activity_targets(i, a) for t in group]
        parts.append(f'<details data-activity-id="{escape(a.id)}"><summary>{head}</summary><ul>{"".join(items)}</ul></details>')
    parts.append("<h2>Sections</h2>")
    sections: dict[str, list[str]] = {}
    for group in section_targets(report):
        for t in group:
            name = t.pointer.split("/")[1]
            sections.setdefault(name, []).append(_item_html(by_pointer.get(t.pointer), "section", label_of(value_at(doc, t.pointer))))
    verdicts = report.quality.sections if report.quality else {}
    if "activities" in verdicts:
        sections = {"activities": [], **sections}
    for name in verdicts:  # a section printed but read empty still shows, with its reasons
        if verdicts[name].verdict == "needs_review" and name not in sections:
            sections[name] = []
    for name, items in sections.items():
        parts.append(_section_details_html(name, items, verdicts.get(name)))
    review = [d for d in drawn if d.command]
    parts.append(f"<h2>To review ({len({d.command for d in review})} names)</h2><ul>")
    seen: set[str] = set()
    for d in review:
        if d.command not in seen:
            seen.add(d.command or "")
            parts.append(_item_html(d, d.entry.kind, d.text))
    parts.append("</ul>")
    count = sum(len(v) for v in warnings_by_page.values())
    parts.append(f"<h2>Warnings ({count})</h2><ul>")
    for page, texts in sorted(warnings_by_page.items(), key=lambda kv: kv[0] or 0):
        link = f'<a href="#p{page}">p.{page}</a> ' if page else ""
        parts += [f'<li class="warning">{link}{escape(t)}</li>' for t in texts]
    parts.append("</ul>")
    return "".join(parts)


def _section_details_html(name: str, items: list[str], quality: SectionQuality | None) -> str:
    """One section of the panel: its verdict (`data-verdict`) and reasons, then its items."""
    verdict = quality.verdict if quality else ""
    badge = f' <span class="{"ok" if verdict == "ok" else "bad"}">{escape(verdict.replace("_", " "))}</span>' if verdict else ""
    reasons = "".join(
        f'<li class="warning" data-reason="{escape(r.code)}">{f"<a href=#p{r.page}>p.{r.page}</a> " if r.page else ""}{escape(r.code)}: {escape(r.message)}</li>'
        for r in (quality.reasons if quality else [])
    )
    count = f" ({len(items)})" if items or name != "activities" else ""
    return f'<details data-section="{escape(name)}" data-verdict="{escape(verdict)}"><summary>{escape(name.replace("_", " "))}{count}{badge}</summary><ul>{reasons}{"".join(items)}</ul></details>'


def _summary_html(report: Report, drawn: list[Drawn]) -> str:
    q = report.quality
    unresolved = len({d.command for d in drawn if d.command})
    cov = coverage(report)
    placed, tried = sum(p for p, _ in cov.values()), sum(t for _, t in cov.values())
    verdict = q.verdict if q else "unknown"
    reasons = f" ({escape('; '.join(q.reasons))})" if q and q.reasons else ""
    review = [k for k, v in (q.sections if q else {}).items() if v.verdict == "needs_review"]
    legend = "".join(f'<span style="border-color:{c}">{escape(KIND_LABELS.get(k, k))}</span>' for k, c in KIND_COLOURS.items())
    return (
        f'<header id="summary" data-activities="{len(report.activities)}" data-warnings="{len(report.warnings)}" data-unresolved="{unresolved}" data-located="{placed}" data-values="{tried}" data-sections-to-review="{escape(" ".join(review))}">'
        f"<h1>{escape(report.source.file_name)}</h1>"
        f"<span>{escape(report.id)} · {report.language} · {escape(report.period.text)}</span>"
        f'<span class="{"ok" if verdict == "ok" else "bad"}">quality: {escape(verdict)}{reasons}</span>'
        + (f'<span class="bad">sections to review: {escape(", ".join(review))}</span>' if review else "")
        + f"<span>{len(report.activities)} activities</span><span>{len(report.warnings)} warnings</span>"
        f"<span>{unresolved} unresolved names</span><span>{placed}/{tried} values located</span>"
        f'<span class="legend">{legend}</span></header>'
    )


def _sheet_image(p: PageImage) -> str:
    """The page's image, or a blank sheet of the page's shape saying why there is none."""
    if p.data_uri:
        return f'<img src="{p.data_uri}" alt="page {p.page}" width="{round(p.width)}" height="{round(p.height)}">'
    return f'<div class="placeholder" data-placeholder="" style="aspect-ratio:{max(p.width, 1):.1f}/{max(p.height, 1):.1f}">page {p.page}: {escape(p.problem or "no image")}</div>'


def proof_html(report: Report, pages: list[PageImage], review: list[ReviewItem] | None = None) -> str:
    """The proof page of a report, its PDF's pages given as images."""
    drawn = drawn_boxes(report, review)
    warnings_by_page: dict[int | None, list[str]] = {}
    for w in report.warnings:
        warnings_by_page.setdefault(w.page, []).append(f"{w.code}: {w.message}")
    body = []
    for p in pages:
        html_boxes = [
            f'<a class="box" data-kind="activity" data-page="{p.page}" data-activity-id="{escape(a.id)}" title="{escape(_short(a.title or ""))}" style="{_style(pb.bbox, p.width, p.height, KIND_COLOURS["activity"])}"></a>'
            for a in report.activities
            for pb in a.provenance.bbox
            if pb.page == p.page
        ]
        html_boxes += [_box_html(d, p) for d in drawn if d.entry.page == p.page]
        texts = warnings_by_page.get(p.page, []) + ([f"page image: {p.problem}"] if p.problem else [])
        warns = "".join(f'<li class="warning" data-kind="warning" data-page="{p.page}">{escape(t)}</li>' for t in texts)
        body.append(
            f'<section class="page" id="p{p.page}" data-page="{p.page}"><h3>Page {p.page}</h3>'
            f"{f'<ul class=warnings>{warns}</ul>' if warns else ''}"
            f'<div class="sheet">{_sheet_image(p)}{"".join(html_boxes)}</div></section>'
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f'<meta name="viewport" content="width=device-width"><title>Proof · {escape(report.source.file_name)}</title><style>{_CSS}</style></head><body>'
        f"{_summary_html(report, drawn)}"
        f'<div id="layout"><nav id="panel">{_panel_html(report, drawn, warnings_by_page)}</nav><main id="pages">{"".join(body)}</main></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def write_proof(pdf_path: Path | str, report: Report, out_path: Path | str, review: list[ReviewItem] | None = None, pages: list[PageImage] | None = None) -> Path:
    """Write a report's proof page to `out_path` atomically, over `pages` (default: the PDF
    drawn in this process)."""
    from .atomic import atomic_write_bytes

    out_path = Path(out_path)
    html = proof_html(report, pdf_to_page_images(pdf_path) if pages is None else pages, review)
    atomic_write_bytes(out_path, html.encode("utf-8"))
    return out_path


def proof_path(output_dir: Path | str, report_id: str) -> Path:
    """Where ingest writes a report's proof page: `OUTPUT/proof/<report_id>.html`."""
    return Path(output_dir) / PROOF_DIR / f"{report_id}.html"


def reports_without_proof(output_dir: Path | str) -> list[str]:
    """Ids of the reports stored in `OUTPUT/reports/` that have no proof page."""
    folder = Path(output_dir) / "reports"
    return sorted(p.stem for p in folder.glob("r-*.json") if not proof_path(output_dir, p.stem).exists())


def proof_for_pdf(pdf_path: Path | str, out_path: Path | str, settings: Any = None) -> Path:
    """Extract a PDF and write its proof page (what `metroextract proof` runs)."""
    from .pipeline import extract

    ex = extract(pdf_path, settings)
    return write_proof(pdf_path, ex.report, out_path, ex.review)


def _stored_report(output_dir: Path, report_id: str) -> tuple[Report, list[ReviewItem]]:
    from .export import report_path
    from .review import REVIEW_DIR

    report = Report.model_validate_json(report_path(output_dir, report_id).read_text(encoding="utf-8"))
    queue = output_dir / REVIEW_DIR / f"{report_id}.jsonl"
    lines = queue.read_text(encoding="utf-8").splitlines() if queue.is_file() else []
    return report, [ReviewItem.model_validate_json(line) for line in lines if line.strip()]


def write_stored_proof(output_dir: Path | str, report_id: str, pdf_path: Path | str, settings: Settings | None = None) -> list[str]:
    """The proof page of a report a run stored (`OUTPUT/reports/<id>.json` and its review
    list) → `OUTPUT/proof/<id>.html`, its pages drawn in a worker process
    (`isolated_page_images`). Returns the problems of pages drawn as placeholders."""
    output_dir = Path(output_dir)
    report, review = _stored_report(output_dir, report_id)
    pages = isolated_page_images(pdf_path, settings or Settings(), report.source.pages)
    write_proof(pdf_path, report, proof_path(output_dir, report_id), review, pages)
    return [f"{report_id}: proof page {p.page}: {p.problem}" for p in pages if p.problem]


def write_stored_proofs(output_dir: Path | str, reports: list[tuple[str, Path]], settings: Settings | None = None) -> list[str]:
    """Proof pages of the (report id, source PDF) pairs a run stored; a page that cannot be
    written, or a page drawn as a placeholder, is a message returned (the run goes on: the
    report itself is written)."""
    problems = []
    for report_id, pdf_path in reports:
        try:
            problems += write_stored_proof(output_dir, report_id, pdf_path, settings)
        except FileNotFoundError as exc:
            problems.append(f"{report_id}: proof page not written: {exc.filename} is missing")
        except Exception as exc:  # noqa: BLE001 - a proof page never fails a run
            problems.append(f"{report_id}: proof page not written: {type(exc).__name__}: {exc}")
    return problems
