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
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .models import ItemProvenance, Report, ReviewItem
from .provenance import coverage, paragraphs

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
    """One rendered page: its number, size in PDF points and the image as a data URI."""

    page: int
    width: float
    height: float
    data_uri: str


def _jpeg(image: Any, quality: int) -> io.BytesIO:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, optimize=True)
    return buf


def pdf_to_page_images(path: Path | str, dpi: int = PROOF_DPI, quality: int = JPEG_QUALITY) -> list[PageImage]:
    """Every page of a PDF rendered by PDFium as a JPEG data URI."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                width, height = page.get_size()
                image = page.render(scale=dpi / 72, draw_annots=False).to_pil().convert("RGB")
            finally:
                page.close()
            buf = _jpeg(image, quality)
            if buf.tell() > MAX_PAGE_BYTES:
                buf = _jpeg(image, min(quality, LOW_QUALITY))
            out.append(PageImage(i + 1, width, height, "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")))
        return out
    finally:
        pdf.close()


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
    for name, items in sections.items():
        parts.append(f'<details data-section="{escape(name)}"><summary>{escape(name.replace("_", " "))} ({len(items)})</summary><ul>{"".join(items)}</ul></details>')
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


def _summary_html(report: Report, drawn: list[Drawn]) -> str:
    q = report.quality
    unresolved = len({d.command for d in drawn if d.command})
    cov = coverage(report)
    placed, tried = sum(p for p, _ in cov.values()), sum(t for _, t in cov.values())
    verdict = q.verdict if q else "unknown"
    reasons = f" ({escape('; '.join(q.reasons))})" if q and q.reasons else ""
    legend = "".join(f'<span style="border-color:{c}">{escape(KIND_LABELS.get(k, k))}</span>' for k, c in KIND_COLOURS.items())
    return (
        f'<header id="summary" data-activities="{len(report.activities)}" data-warnings="{len(report.warnings)}" data-unresolved="{unresolved}" data-located="{placed}" data-values="{tried}">'
        f"<h1>{escape(report.source.file_name)}</h1>"
        f"<span>{escape(report.id)} · {report.language} · {escape(report.period.text)}</span>"
        f'<span class="{"ok" if verdict == "ok" else "bad"}">quality: {escape(verdict)}{reasons}</span>'
        f"<span>{len(report.activities)} activities</span><span>{len(report.warnings)} warnings</span>"
        f"<span>{unresolved} unresolved names</span><span>{placed}/{tried} values located</span>"
        f'<span class="legend">{legend}</span></header>'
    )


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
        warns = "".join(f'<li class="warning" data-kind="warning" data-page="{p.page}">{escape(t)}</li>' for t in warnings_by_page.get(p.page, []))
        body.append(
            f'<section class="page" id="p{p.page}" data-page="{p.page}"><h3>Page {p.page}</h3>'
            f"{f'<ul class=warnings>{warns}</ul>' if warns else ''}"
            f'<div class="sheet"><img src="{p.data_uri}" alt="page {p.page}" width="{round(p.width)}" height="{round(p.height)}">{"".join(html_boxes)}</div></section>'
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f'<meta name="viewport" content="width=device-width"><title>Proof · {escape(report.source.file_name)}</title><style>{_CSS}</style></head><body>'
        f"{_summary_html(report, drawn)}"
        f'<div id="layout"><nav id="panel">{_panel_html(report, drawn, warnings_by_page)}</nav><main id="pages">{"".join(body)}</main></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def write_proof(pdf_path: Path | str, report: Report, out_path: Path | str, review: list[ReviewItem] | None = None) -> Path:
    """Render the PDF and write its report's proof page to `out_path` atomically."""
    from .export import atomic_write_bytes

    out_path = Path(out_path)
    html = proof_html(report, pdf_to_page_images(pdf_path), review)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out_path, html.encode("utf-8"))
    return out_path


def proof_path(output_dir: Path | str, report_id: str) -> Path:
    """Where ingest writes a report's proof page: `OUTPUT/proof/<report_id>.html`."""
    return Path(output_dir) / PROOF_DIR / f"{report_id}.html"


def proof_for_pdf(pdf_path: Path | str, out_path: Path | str, settings: Any = None) -> Path:
    """Extract a PDF and write its proof page (what `metroextract proof` runs)."""
    from .pipeline import extract

    ex = extract(pdf_path, settings)
    return write_proof(pdf_path, ex.report, out_path, ex.review)


def write_stored_proof(output_dir: Path | str, report_id: str, pdf_path: Path | str) -> Path:
    """The proof page of a report a run stored (`OUTPUT/reports/<id>.json` and its review
    list) → `OUTPUT/proof/<id>.html`."""
    from .export import report_path
    from .review import REVIEW_DIR

    output_dir = Path(output_dir)
    report = Report.model_validate_json(report_path(output_dir, report_id).read_text(encoding="utf-8"))
    queue = output_dir / REVIEW_DIR / f"{report_id}.jsonl"
    lines = queue.read_text(encoding="utf-8").splitlines() if queue.is_file() else []
    review = [ReviewItem.model_validate_json(line) for line in lines if line.strip()]
    return write_proof(pdf_path, report, proof_path(output_dir, report_id), review)


def write_stored_proofs(output_dir: Path | str, reports: list[tuple[str, Path]]) -> list[str]:
    """Proof pages of the (report id, source PDF) pairs a run stored; a page that cannot be
    written is a message returned (the run goes on: the report itself is written)."""
    problems = []
    for report_id, pdf_path in reports:
        try:
            write_stored_proof(output_dir, report_id, pdf_path)
        except Exception as exc:  # noqa: BLE001 - a proof page never fails a run
            problems.append(f"{report_id}: proof page not written: {type(exc).__name__}: {exc}")
    return problems
