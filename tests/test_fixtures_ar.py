"""fixtures/build_ar.py (activity reports, issue #15): deterministic output, committed truth
files that match their YAML, sources that keep their own promises (date phrases and member
names printed in the prose), and PDFs that print what the truth says."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
REGISTRY = ROOT / "src" / "metroextract" / "data" / "registry.yaml"


def _load_build_ar():
    spec = importlib.util.spec_from_file_location("fixtures_build_ar", FIXTURES / "build_ar.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fixtures_build_ar"] = mod
    spec.loader.exec_module(mod)
    return mod


build_ar = _load_build_ar()
OUT = build_ar.OUT_DIR
SOURCES = sorted(build_ar.SOURCE_DIR.glob("*.yaml"))
# spellings printed in the reports that are neither a registry name nor an alias
# (misprints that fuzzy matching must handle, or a bare city name for a member whose
# registry names carry a qualifier)
PRINTED_VARIANTS = {"Doula", "Barcelona", "Barcelone"}


def _pages(pdf_bytes_or_path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes_or_path)
    try:
        return len(doc)
    finally:
        doc.close()


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _source(path: Path) -> dict:
    return build_ar.load_source(path)


def _activities(src: dict):
    for sec in src["sections"]:
        for a in sec["activities"]:
            yield sec, a


# ----------------------------------------------------------------------------- building


@pytest.mark.parametrize("layout", build_ar.LAYOUTS)
def test_build_twice_is_byte_identical(tmp_path, layout):
    name = build_ar.DEFAULT_SOURCES[0]
    p1, n1 = build_ar.build_one(name, layout, out_dir=tmp_path / "a", quiet=True)
    p2, n2 = build_ar.build_one(name, layout, out_dir=tmp_path / "b", quiet=True)
    assert p1.read_bytes() == p2.read_bytes()
    assert n1 == n2 == _pages(str(p1))
    t1 = (tmp_path / "a" / f"{name}-{layout}.truth.json").read_bytes()
    t2 = (tmp_path / "b" / f"{name}-{layout}.truth.json").read_bytes()
    assert t1 == t2


def test_every_default_fixture_is_committed():
    missing = [n for n in build_ar.DEFAULT_SOURCES if not (OUT / f"{n}-{build_ar.DEFAULT_LAYOUT}.truth.json").exists() or not (OUT / f"{n}-{build_ar.DEFAULT_LAYOUT}.pdf").exists()]
    assert not missing, f"not built: {missing} (run python fixtures/build_ar.py)"
    assert not list(OUT.glob("*-tworeport.*")), "tworeport is the late check: never committed"


def _committed_truths():
    return sorted(OUT.glob("*.truth.json"))


@pytest.mark.parametrize("truth_path", _committed_truths(), ids=lambda p: p.name)
def test_committed_truth_matches_source(truth_path):
    committed = json.loads(truth_path.read_text(encoding="utf-8"))
    layout, fixture = committed["layout"], committed["fixture"]
    assert truth_path.name == f"{fixture}.truth.json"
    pdf = OUT / f"{fixture}.pdf"
    assert pdf.exists(), f"{pdf.name} missing beside its truth"
    assert pdf.stat().st_size < 300 * 1024
    src = _source(build_ar.source_path(fixture[: -len(layout) - 1]))
    expected = build_ar.truth_json(build_ar.truth_from_source(src, layout, _pages(str(pdf))))
    assert truth_path.read_text(encoding="utf-8") == expected, f"{truth_path.name} drifted from its source: run python fixtures/build_ar.py"


@pytest.mark.parametrize("truth_path", _committed_truths(), ids=lambda p: p.name)
def test_committed_pdf_is_the_current_build(truth_path):
    committed = json.loads(truth_path.read_text(encoding="utf-8"))
    src = _source(build_ar.source_path(committed["fixture"][: -len(committed["layout"]) - 1]))
    pdf, pages = build_ar.render(src, committed["layout"])
    assert pages == committed["pages"]
    assert pdf == (OUT / f"{committed['fixture']}.pdf").read_bytes(), "run python fixtures/build_ar.py"


# ----------------------------------------------------------------------------- truth shape


def test_truth_shape():
    src = _source(SOURCES[0])
    t = build_ar.truth_from_source(src, "wordreport", 7)
    assert list(t) == ["fixture", "layout", "kind", "pages", "language", "title", "period", "activities"]
    assert t["kind"] == "activity_report" and t["pages"] == 7
    assert list(t["period"]) == ["text", "start", "end"]
    keys = ["section", "number", "title", "date_text", "date_start", "date_end", "dates", "description", "links", "members", "mentioned_members"]
    for (_, a), ta in zip(_activities(src), t["activities"]):
        assert list(ta) == keys
        assert list(ta["section"]) == ["text", "start", "end"]
        assert ta["description"] == "\n\n".join(a["description"])
        assert ta["members"] == []
        assert ta["number"] == a["number"] and ta["date_text"] == a["date_text"]


def test_tworeport_truth_prints_no_numbers_and_moves_some_dates():
    moved = kept_inside = 0
    for path in SOURCES:
        src = _source(path)
        t = build_ar.truth_from_source(src, "tworeport", 1)
        for (_, a), ta in zip(_activities(src), t["activities"]):
            assert ta["number"] is None
            first = ta["description"].split("\n\n")[0]
            if a["date_text"] is None:
                assert ta["date_text"] is None and ta["description"] == "\n\n".join(a["description"])
                continue
            assert ta["date_text"] in first
            assert ta["date_text"].lower() == a["date_text"].lower()
            assert ta["dates"] == a["dates"]
            inside = not a["description"][0].startswith(a["date_text"])
            if inside and first.startswith(ta["date_text"] + ", "):
                moved += 1
            elif inside:
                kept_inside += 1
            for m in ta["mentioned_members"]:
                assert m in ta["description"]
    assert moved and kept_inside  # "sometimes"


# ----------------------------------------------------------------------------- sources


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_source_promises(path):
    src = _source(path)
    assert src["name"] == path.stem and src["kind"] == "activity_report"
    assert len(src["sections"]) >= 2
    acts = list(_activities(src))
    assert len(acts) >= 10
    for sec, a in acts:
        paras = a["description"]
        assert 1 <= len(paras) <= 3
        if a["date_text"] is not None:
            assert a["date_text"] in paras[0], (a["title"], a["date_text"])
            assert a["dates"] == sorted(a["dates"]) and a["date_start"] == a["dates"][0]
            assert a["date_end"] == a["dates"][-1]
            assert sec["start"] <= a["date_start"][:7] <= sec["end"], a["title"]
            assert src["period"]["start"] <= a["date_start"][:7] <= src["period"]["end"]
        text = "\n\n".join(paras)
        found = [text.find(m) for m in a["mentioned_members"]]
        assert -1 not in found, (a["title"], a["mentioned_members"])
        assert found == sorted(found), f"{a['title']}: members not in order of first appearance"
        assert len(set(a["mentioned_members"])) == len(a["mentioned_members"])
        assert set(a["links"]) <= set(src["labels"]["links"])
    undated = [a for _, a in acts if a["date_text"] is None]
    assert 1 <= len(undated) <= 2


def test_sources_cover_the_issue():
    srcs = [_source(p) for p in SOURCES]
    assert {s["language"] for s in srcs} >= {"en", "fr", "es"}
    crossing = [s for s in srcs if s["period"]["start"][:4] != s["period"]["end"][:4]]
    assert crossing, "one source has a period across the new year"
    years = {sec["start"][:4] for s in crossing for sec in s["sections"]}
    assert len(years) == 2
    for s in srcs:
        forms = {a["date_text"] for _, a in _activities(s) if a["date_text"]}
        assert any(len(_source_dates(s, f)) == 1 for f in forms)
        # a range across months and a list of days
        months = [a for _, a in _activities(s) if a["date_start"] and a["date_start"][:7] != a["date_end"][:7]]
        assert months, s["name"]


def _source_dates(src, date_text):
    for _, a in _activities(src):
        if a["date_text"] == date_text:
            return a["dates"]
    return []


def _fold(s: str) -> str:
    """The registry compares names case-, accent- and punctuation-insensitively."""
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in s if not unicodedata.combining(c)).casefold()).strip()


def test_mentioned_members_are_registry_names():
    reg = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    known = set(PRINTED_VARIANTS)
    for m in reg["members"]:
        known.update(m["names"].values())
        known.update(m.get("aliases") or [])
    known = {_fold(k) for k in known}
    for path in SOURCES:
        for _, a in _activities(_source(path)):
            unknown = [m for m in a["mentioned_members"] if _fold(m) not in known]
            assert not unknown, f"{path.stem} {a['title']}: {unknown}"


# ----------------------------------------------------------------------------- the PDFs


@pytest.mark.parametrize("truth_path", _committed_truths(), ids=lambda p: p.name)
def test_pdf_prints_the_truth(truth_path):
    import pdfplumber

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pdf = OUT / f"{truth['fixture']}.pdf"
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as doc:
        pages = [p.extract_text() or "" for p in doc.pages]
    text = _norm(" ".join(pages))
    assert truth["title"] in pages[0] and truth["period"]["text"] in pages[0]
    for a in truth["activities"]:
        head = a["title"] if a["number"] is None else f"{a['number']}. {a['title']}"
        assert _norm(head) in text, head
        assert a["section"]["text"] in text
        if a["date_text"]:
            assert a["date_text"] in text, a["date_text"]
        for m in a["mentioned_members"]:
            assert m in text
        if a["links"]:
            assert "  ".join(a["links"]) in " \n".join(pages) or " ".join(a["links"]) in text
