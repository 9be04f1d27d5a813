"""fixtures/build.py: deterministic output, and committed truth files that match their YAML."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def _load_build():
    spec = importlib.util.spec_from_file_location("fixtures_build", FIXTURES / "build.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fixtures_build"] = mod
    spec.loader.exec_module(mod)
    return mod


build = _load_build()


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def _any_source() -> str:
    for name, _ in build.DEFAULT_BUILDS:
        if build.source_path(name).exists():
            return name
    pytest.skip("no fixture source yet")


def test_build_twice_is_byte_identical(tmp_path):
    name = _any_source()
    p1, n1 = build.build_one(name, "newsletter", out_dir=tmp_path / "a", quiet=True)
    p2, n2 = build.build_one(name, "newsletter", out_dir=tmp_path / "b", quiet=True)
    assert n1 == n2 == _pages(p1)
    assert p1.read_bytes() == p2.read_bytes()
    t1 = (tmp_path / "a" / f"{name}-newsletter.truth.json").read_bytes()
    t2 = (tmp_path / "b" / f"{name}-newsletter.truth.json").read_bytes()
    assert t1 == t2


def test_scanned_rasterisation_is_deterministic_and_textless():
    import pdfplumber
    from layouts import scanned

    name = _any_source()
    pdf, _ = build.render(build.load_source(build.source_path(name)), "newsletter")
    outs = []
    for _ in range(2):
        buf = io.BytesIO()
        assert scanned.build(pdf, buf, f"{name}-scanned", max_pages=2) == 2
        outs.append(buf.getvalue())
    assert outs[0] == outs[1]
    with pdfplumber.open(io.BytesIO(outs[0])) as doc:
        assert all(not (p.extract_text() or "").strip() for p in doc.pages)
        assert all(p.images for p in doc.pages)


def _committed_truths():
    return sorted(FIXTURES.glob("*.truth.json"))


@pytest.mark.parametrize("truth_path", _committed_truths(), ids=lambda p: p.name)
def test_committed_truth_matches_source(truth_path):
    committed = json.loads(truth_path.read_text(encoding="utf-8"))
    layout = committed["layout"]
    fixture = committed["fixture"]
    assert truth_path.name == f"{fixture}.truth.json"
    name = fixture[: -len(layout) - 1]
    pdf = FIXTURES / f"{fixture}.pdf"
    assert pdf.exists(), f"{pdf.name} missing beside its truth"
    pages = _pages(pdf)
    src = build.load_source(build.source_path(name))
    expected = build.truth_json(build.truth_from_source(src, layout, pages))
    assert truth_path.read_text(encoding="utf-8") == expected, f"{truth_path.name} drifted from fixtures/source/{name}.yaml: run python fixtures/build.py"


def test_every_default_fixture_is_committed():
    missing = [f"{n}-{lay}" for n, lay in build.DEFAULT_BUILDS if build.source_path(n).exists() and not (FIXTURES / f"{n}-{lay}.truth.json").exists()]
    assert not missing, f"not built: {missing} (run python fixtures/build.py)"


def test_truth_keeps_whole_source_text():
    name = _any_source()
    src = build.load_source(build.source_path(name))
    t = build.truth_from_source(src, "brochure", 1)
    assert t["fixture"] == f"{name}-brochure" and t["scanned"] is False
    assert list(t)[:5] == ["fixture", "layout", "scanned", "pages", "language"]
    for a, ta in zip(src["activities"], t["activities"]):
        assert ta["description"] == "\n\n".join(a["description"])
        assert ta["members"] == a["members"]
    assert build.truth_from_source(src, "scanned", 3)["scanned"] is True
