"""Damaged copies of the fixture reports: every one ends in a report or one clear error line.

`mutate(data, kind, rng)` makes a damaged copy of a PDF, seeded so every run tests the same
files: truncated, bytes flipped, a run zeroed, the xref broken, a stream's /Length wrong,
junk appended, or one page's content stream damaged (`damage_page`, which needs no PDF
library: the fixtures are ReportLab files with a classic xref table, rebuilt after the
edit). The fuzz test runs `metroextract extract` on each copy in a subprocess, two at a
time: exit 0 with a schema-valid report on stdout and nothing on stderr, or exit 1 with
exactly one `file: code: message` line, within the time limit.
"""

from __future__ import annotations

import binascii
import io
import json
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

try:  # tests/ may or may not be a package
    from ._fixtures import extracted
    from .conftest import FIXTURES, ROOT
except ImportError:
    from _fixtures import extracted  # type: ignore[no-redef]
    from conftest import FIXTURES, ROOT  # type: ignore[no-redef]

CLI = [str(Path(sys.executable).with_name("metroextract"))]
SCHEMA = ROOT / "schema" / "report.schema.json"
KINDS = ("truncate", "flip", "zero_run", "break_xref", "wrong_length", "append_junk", "damage_page")
# 1 a kind (7 mutations, 7 of the text fixtures) in the suite; the whole distribution
# (10 a kind, 70 mutations, every text fixture, 2-3 minutes) with
# METROEXTRACT_FUZZ_PER_KIND=10 (the README's figures come from that run).
PER_KIND = int(os.environ.get("METROEXTRACT_FUZZ_PER_KIND", "1"))
TIME_LIMIT = 120.0  # seconds per file, process start included (OCR is off in the fuzz)
QUARANTINE_CODES = {"empty_file", "not_a_pdf", "encrypted", "corrupt", "no_text_layer", "too_large", "too_many_pages", "timeout", "not_a_progress_report", "unrecognized_layout"}


def text_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.pdf") if "scanned" not in p.name)


# --------------------------------------------------------------------------- damage


def rebuild_xref(data: bytes) -> bytes:
    """Recompute the classic xref table (and startxref) of a PDF whose objects moved."""
    offsets = {int(m.group(1)): m.start(1) for m in re.finditer(rb"(?m)^(\d+) 0 obj\b", data)}
    start = data.rindex(b"\nxref\n") + 1
    trailer = data.index(b"trailer", start)
    size = max(offsets) + 1
    rows = [b"0000000000 65535 f \n"] + [b"%010d 00000 n \n" % offsets[i] if i in offsets else b"0000000000 65535 f \n" for i in range(1, size)]
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % start, data[trailer:])
    return data[:start] + b"xref\n0 %d\n" % size + b"".join(rows) + tail


def content_stream(data: bytes, page: int) -> tuple[int, int, int, int]:
    """(start, end) of the page's content-stream dictionary body, start of its data, length."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        objid = pdf.pages[page - 1].page_obj.attrs["Contents"].objid
    m = re.search(rb"(?m)^%d 0 obj\s*<<(.*?)>>\s*stream\r?\n" % objid, data, re.S)
    assert m, f"content stream of page {page} not found"
    length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))
    return m.start(1), m.end(1), m.end(), length


def damage_page(data: bytes, page: int, how: str, rng: random.Random | None = None) -> bytes:
    """The PDF with page `page`'s content stream damaged, every other byte's meaning kept.

    - `garbage`: the compressed data replaced by random bytes (pdfminer reads it as empty
      without a word; PDFium finds no text either);
    - `filter`: an unknown filter name (pdfminer raises; PDFium reads nothing);
    - `hex`: the data hex-encoded with a stray non-hex digit near its end (pdfminer raises
      "Non-hexadecimal digit found"; PDFium skips the digit and reads the page);
    - `cut`: the compressed data cut in half, /Length to match (pdfminer reads the first
      half without a word).
    """
    rng = rng or random.Random(0)
    d0, d1, s, n = content_stream(data, page)
    body = data[s : s + n]
    if how == "garbage":
        return data[:s] + bytes(rng.randrange(256) for _ in range(n)) + data[s + n :]
    if how == "filter":
        head = data[d0:d1]
        assert b"/FlateDecode" in head
        return data[:d0] + head.replace(b"/FlateDecode", b"/BrotliDecod") + data[d1:]  # same length
    if how == "hex":
        hexed = binascii.hexlify(body)
        at = len(hexed) * 9 // 10
        bad = hexed[:at] + b"Zq" + hexed[at:] + b">"
        head = b"\n/Filter [ /ASCIIHexDecode /FlateDecode ] /Length %d\n" % len(bad)
        return rebuild_xref(data[:d0] + head + data[d1:s] + bad + data[s + n :])
    if how == "cut":
        head = data[d0:d1].replace(b"/Length %d" % n, b"/Length %d" % (n // 2))
        return rebuild_xref(data[:d0] + head + data[d1:s] + body[: n // 2] + data[s + n :])
    raise ValueError(how)


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", data))


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """A damaged copy of `data`: one of `KINDS`, decided by `rng`."""
    n = len(data)
    if kind == "truncate":
        return data[: rng.randrange(n // 10, n - 1)]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 24)):
            out[rng.randrange(n)] ^= rng.randrange(1, 256)
        return bytes(out)
    if kind == "zero_run":
        at, size = rng.randrange(n), rng.choice((16, 256, 4096))
        return data[:at] + b"\0" * min(size, n - at) + data[at + size :]
    if kind == "break_xref":
        start = data.rindex(b"\nxref\n")
        how = rng.choice(("startxref", "rows", "keyword", "drop"))
        if how == "startxref":  # points somewhere else
            return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(n), data)
        if how == "keyword":
            return data[:start] + b"\nxerf\n" + data[start + 6 :]
        if how == "drop":  # no xref table at all
            return data[:start] + data[data.index(b"trailer", start) - 1 :]
        out = bytearray(data)  # offsets of some rows scrambled
        rows = [m.start() for m in re.finditer(rb"(?m)^\d{10} \d{5} n", data[start:])]
        for r in rng.sample(rows, min(len(rows), rng.randint(1, 8))):
            out[start + r : start + r + 10] = b"%010d" % rng.randrange(n)
        return bytes(out)
    if kind == "wrong_length":
        lengths = list(re.finditer(rb"/Length (\d+)", data))
        out = data
        for m in sorted(rng.sample(lengths, min(len(lengths), rng.randint(1, 3))), key=lambda m: -m.start()):
            value = int(m.group(1))
            new = rng.choice((0, value // 2, value - 1, value + 7, value * 3, 10**9))
            out = out[: m.start(1)] + str(new).encode() + out[m.end(1) :]
        return out
    if kind == "append_junk":
        junk = bytes(rng.randrange(256) for _ in range(rng.choice((1, 100, 5000))))
        if rng.random() < 0.5:
            junk += b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n"
        return data + junk
    if kind == "damage_page":
        page = rng.randint(1, page_count(data))
        return damage_page(data, page, rng.choice(("garbage", "filter", "hex", "cut")), rng)
    raise ValueError(kind)


def mutations() -> list[tuple[str, str, int]]:
    """(fixture name, kind, seed) for every mutation of the fuzz: fixtures taken in turn."""
    fixtures = text_fixtures()
    out = []
    for k, kind in enumerate(KINDS):
        for i in range(PER_KIND):
            fx = fixtures[(i + k) % len(fixtures)]
            out.append((fx.name, kind, i))
    return out


def make_mutation(tmp: Path, fixture: str, kind: str, seed: int) -> Path:
    rng = random.Random(f"{fixture}:{kind}:{seed}")
    path = tmp / f"{Path(fixture).stem}-{kind}-{seed}.pdf"
    path.write_bytes(mutate((FIXTURES / fixture).read_bytes(), kind, rng))
    return path


# --------------------------------------------------------------------------- helpers of the tests


def _same(activity) -> dict:
    """An activity's content: everything but its id (ids derive from the file's sha256) and
    its boxes (PDFium's glyph boxes differ from pdfminer's by a tenth of a point)."""
    return {**activity.model_dump(mode="json", exclude={"id", "provenance"}), "pages": activity.provenance.pages}


def _extract(path: Path):
    from metroextract.pipeline import extract_report

    return extract_report(path)


@pytest.fixture(scope="module")
def newsletter():
    """The 10-page newsletter and its report: activities on pages 2, 3 and 4."""
    path = FIXTURES / "fr-2021-10-2022-01-newsletter.pdf"
    return path, extracted(path.stem)


def test_mutations_are_seeded_many_and_of_every_kind(tmp_path: Path) -> None:
    muts = mutations()
    assert len(muts) == len(KINDS) * PER_KIND and {k for _, k, _ in muts} == set(KINDS)
    fixtures = [p.name for p in text_fixtures()]
    assert {f for f, _, _ in muts} == set(fixtures[: PER_KIND + len(KINDS) - 1])  # fixtures taken in turn
    for fixture, kind, seed in muts[:: max(1, PER_KIND // 2)]:
        a = make_mutation(tmp_path, fixture, kind, seed).read_bytes()
        b = make_mutation(tmp_path, fixture, kind, seed).read_bytes()
        assert a == b != (FIXTURES / fixture).read_bytes()


# --------------------------------------------------------------------------- one damaged page


def test_a_damaged_page_is_skipped_and_the_others_kept(tmp_path: Path, newsletter) -> None:
    """Page 4's content stream is garbage: pdfminer would read it as empty, silently."""
    path, original = newsletter
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(damage_page(path.read_bytes(), 4, "garbage", random.Random(4)))
    report = _extract(damaged)
    unreadable = [w for w in report.warnings if w.code == "page_unreadable"]
    assert [w.page for w in unreadable] == [4]
    assert "page 4 skipped" in unreadable[0].message and "cannot be decompressed" in unreadable[0].message
    kept = [_same(a) for a in original.activities if 4 not in a.provenance.pages]
    assert len(kept) == 7 and kept == [_same(a) for a in report.activities]  # pages 2 and 3, intact
    assert report.source.pages == 10
    if report.quality is not None:  # the verdict says a page is missing
        assert report.quality.verdict == "needs_review" and report.quality.pages_unreadable == [4]


def test_a_page_cut_short_is_kept_and_said_to_be_partial(tmp_path: Path, newsletter) -> None:
    """Page 3's stream loses its second half: pdfminer reads the first half silently."""
    path, original = newsletter
    damaged = tmp_path / "cut.pdf"
    damaged.write_bytes(damage_page(path.read_bytes(), 3, "cut"))
    report = _extract(damaged)
    (warning,) = [w for w in report.warnings if w.code in ("page_unreadable", "page_fallback_reader")]
    assert (warning.page, warning.code) == (3, "page_unreadable")
    assert warning.message == "page 3 partly unreadable, its other text is kept: content stream 38 is cut short: the end of its text cannot be read"
    elsewhere = [_same(a) for a in original.activities if 3 not in a.provenance.pages]
    assert all(a in [_same(b) for b in report.activities] for a in elsewhere)
    assert any(3 in a.provenance.pages for a in report.activities)  # what page 3 still has


def test_pypdfium2_reads_a_page_pdfminer_cannot(tmp_path: Path, newsletter) -> None:
    """A stray digit in page 3's hex-encoded stream: pdfminer raises, PDFium reads on."""
    path, original = newsletter
    damaged = tmp_path / "hex.pdf"
    damaged.write_bytes(damage_page(path.read_bytes(), 3, "hex"))
    report = _extract(damaged)
    fallback = [w for w in report.warnings if w.code == "page_fallback_reader"]
    assert [w.page for w in fallback] == [3] and not any(w.code == "page_unreadable" for w in report.warnings)
    assert fallback[0].message.startswith("page 3 read with pypdfium2 after pdfminer failed: ")
    assert "Non-hexadecimal digit" in fallback[0].message
    assert [_same(a) for a in report.activities] == [_same(a) for a in original.activities]  # word for word


def test_a_file_with_too_few_readable_pages_is_corrupt(tmp_path: Path) -> None:
    from metroextract.errors import CorruptPdf
    from metroextract.layout import pdf_to_layout
    from metroextract.settings import Settings

    data = (FIXTURES / "fr-2021-10-2022-01-newsletter.pdf").read_bytes()
    for page in range(1, 8):  # 7 of 10 pages unreadable
        data = damage_page(data, page, "filter")
    damaged = tmp_path / "mostly-broken.pdf"
    damaged.write_bytes(data)
    with pytest.raises(CorruptPdf) as exc:
        pdf_to_layout(damaged)
    assert exc.value.code == "corrupt" and exc.value.stage == "layout"
    assert exc.value.message.startswith("only 3 of 10 pages can be read (at least 50% needed: min_readable_page_share): page 1 skipped")
    layout = pdf_to_layout(damaged, min_readable_share=0.3)  # a lower bar: the 3 pages
    assert [p.page for p in layout.pages] == [8, 9, 10] and layout.page_count == 10
    assert [w.page for w in layout.warnings] == list(range(1, 8))
    assert Settings(min_readable_page_share=0.3).min_readable_page_share == 0.3
    with pytest.raises(ValueError):
        Settings(min_readable_page_share=0)
    for page in range(8, 11):
        data = damage_page(data, page, "filter")
    damaged.write_bytes(data)
    with pytest.raises(CorruptPdf, match="^no page can be read: page 1 skipped"):
        pdf_to_layout(damaged, min_readable_share=0.01)


# --------------------------------------------------------------------------- the CLI


def _cli(args: list[str], timeout: float = TIME_LIMIT, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    full_env = {**os.environ, "METROEXTRACT_OCR": "false", **env}  # PYTHONPATH kept: a checkout elsewhere tests itself
    t0 = time.monotonic()
    r = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)
    return r, time.monotonic() - t0


def test_extract_prints_the_report_and_nothing_else(tmp_path: Path) -> None:
    """A copy with flipped bytes makes pdfminer log a dozen messages: none reach the terminal."""
    noisy = make_mutation(tmp_path, "en-2021-01-04-digest.pdf", "flip", 0)
    r, _ = _cli(["extract", str(noisy)])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    doc = json.loads(r.stdout)
    assert doc["source"]["file_name"] == noisy.name and len(doc["activities"]) == 12
    assert {w["code"] for w in doc["warnings"]} >= {"page_fallback_reader"}
    r, _ = _cli(["extract", str(noisy), "--debug"])  # the libraries' messages, on request
    assert r.returncode == 0 and re.search(r"^WARNING pdfminer[.\w]*: ", r.stderr, re.M), r.stderr  # pdfminer's own words, whatever they are
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((FIXTURES / "fr-2021-01-04-brochure.pdf").read_bytes()[:150_000])
    r, _ = _cli(["extract", str(truncated), "-o", str(tmp_path / "out")])
    assert r.returncode == 1 and r.stdout == ""
    [line] = r.stderr.splitlines()  # the file, the stable code, what is wrong (the library's words may follow)
    assert line.startswith("truncated.pdf: corrupt: PDF cannot be parsed: its structure is damaged")


def _check_outcome(path: Path, r: subprocess.CompletedProcess, seconds: float, validator) -> str:
    """'report' or the quarantine code; fails the test on anything else."""
    assert seconds < TIME_LIMIT, f"{path.name}: {seconds:.0f} s"
    if r.returncode == 0:
        assert r.stderr == "", f"{path.name}: stderr {r.stderr[:500]!r}"
        doc = json.loads(r.stdout)
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, f"{path.name}: {errors[0].message[:300]}"
        return "report"
    assert r.returncode == 1, f"{path.name}: exit {r.returncode}: {r.stderr[-800:]}"
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, f"{path.name}: {r.stderr[:800]!r}"
    name, code, message = lines[0].split(": ", 2)
    assert name == path.name and code in QUARANTINE_CODES and message, lines[0]
    return code


@pytest.mark.slow
def test_fuzz_every_damaged_copy_ends_in_a_report_or_one_error_line(tmp_path: Path) -> None:
    """Seeded mutations of the text fixtures (2 of each kind; 70 in the full run) through
    `metroextract extract`, two at a time."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    jobs = [make_mutation(tmp_path, *m) for m in mutations()]

    def run(path: Path) -> tuple[Path, subprocess.CompletedProcess, float]:
        try:
            r, seconds = _cli(["extract", str(path)])
        except subprocess.TimeoutExpired:
            pytest.fail(f"{path.name}: no outcome within {TIME_LIMIT:g} s")
        return path, r, seconds

    t0 = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, jobs))
    outcomes: dict[str, dict[str, int]] = {}
    for path, r, seconds in results:
        kind = next(k for k in KINDS if f"-{k}-" in path.name)
        outcome = _check_outcome(path, r, seconds, validator)
        outcomes.setdefault(kind, {}).setdefault(outcome, 0)
        outcomes[kind][outcome] += 1
    slowest = max(seconds for _, _, seconds in results)
    print(f"\n{len(jobs)} mutations in {time.monotonic() - t0:.0f} s (slowest {slowest:.1f} s): {json.dumps(outcomes)}")
    assert sum(n for o in outcomes.values() for n in o.values()) == len(jobs) == len(KINDS) * PER_KIND
    reports = sum(o.get("report", 0) for o in outcomes.values())
    assert reports >= len(jobs) // 2  # most damage leaves enough to read
    assert outcomes["damage_page"].get("report") == PER_KIND  # one bad page never loses the report


@pytest.mark.slow
def test_a_damaged_scanned_page_is_skipped_and_the_others_recognised(tmp_path: Path) -> None:
    """Page 4 of a scan has a garbage content stream: PDFium renders it blank, OCR reads
    the nine others; the report keeps their activities and says page 4 is missing."""
    from metroextract.ocr import ocr_available

    if not ocr_available():
        pytest.skip("needs tesseract")
    path = FIXTURES / "fr-2021-10-2022-01-scanned.pdf"
    damaged = tmp_path / "scan-damaged.pdf"
    damaged.write_bytes(damage_page(path.read_bytes(), 4, "garbage", random.Random(4)))
    original, report = extracted(path.stem), _extract(damaged)
    (warning,) = [w for w in report.warnings if w.code == "page_unreadable"]
    assert warning.page == 4 and warning.message.startswith("page 4 skipped: it cannot be read (pdfminer: content stream 29 cannot be decompressed")
    assert warning.message.endswith("; OCR: PDFium renders it blank")
    kept = [(a.title, a.date_start) for a in original.activities if 4 not in a.provenance.pages]
    assert len(kept) == 7 and [(a.title, a.date_start) for a in report.activities] == kept  # pages 2 and 3
    assert report.source.pages == 10 and "ocr_used" in {w.code for w in report.warnings}
    assert report.quality is not None and report.quality.verdict == "needs_review"
    assert report.quality.pages_unreadable == [4] and "pages that could not be read: 4" in report.quality.reasons
