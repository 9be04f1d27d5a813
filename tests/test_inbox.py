"""The file lifecycle as a library (no Prefect): scanning, claims, moves, records, release,
worker isolation and the OCR fallback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

try:  # tests/ may or may not be a package
    from .conftest import REALWORLD, SCANNED_REPORT_LINES, make_report_pdf, make_scanned_pdf
except ImportError:
    from conftest import REALWORLD, SCANNED_REPORT_LINES, make_report_pdf, make_scanned_pdf  # type: ignore[no-redef]

from metroextract import inbox as ib
from metroextract.errors import CorruptPdf, EncryptedPdf, ExtractionTimeout, MetroextractError, NotAPdf, NoTextLayer
from metroextract.isolate import extract_isolated
from metroextract.models import QuarantineRecord
from metroextract.settings import Settings

UNTRUSTED_NAMES = [
    "-rf --help.pdf",
    "--output=x.pdf",
    "a  b   c.pdf",
    "ünïcødé 報告 ñ.pdf",
    "x ..\\..\\evil.pdf",
    "$(touch pwned); `id`.pdf",
    "new\nline.pdf",
    "a" * 246 + ".pdf",  # 250 characters
]


def _touch(path: Path, data: bytes = b"%PDF-1.4\n", age: float = 60.0) -> Path:
    path.write_bytes(data)
    t = time.time() - age
    os.utime(path, (t, t))
    return path


# --------------------------------------------------------------------------- scanning


def test_scan_skips_part_hidden_fresh_symlinks_and_folders(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _touch(inbox / "ready.pdf")
    _touch(inbox / "UPPER.PDF")
    _touch(inbox / "copying.pdf.part")
    _touch(inbox / ".hidden.pdf")
    _touch(inbox / "notes.txt")
    (inbox / "folder.pdf").mkdir()
    (inbox / "link.pdf").symlink_to(inbox / "ready.pdf")
    _touch(inbox / "fresh.pdf", age=0.0)
    scan = ib.scan_inbox(inbox, settle_seconds=5.0)
    assert [p.name for p in scan.ready] == ["UPPER.PDF", "ready.pdf"]
    assert [p.name for p in scan.pending] == ["fresh.pdf"]
    assert [p.name for p in ib.find_pdfs(inbox, settle_seconds=0)] == ["UPPER.PDF", "fresh.pdf", "ready.pdf"]
    assert ib.find_pdfs(tmp_path / "missing") == []


def test_wait_for_settled_waits_for_a_file_being_written(tmp_path: Path) -> None:
    _touch(tmp_path / "a.pdf", age=0.0)
    t0 = time.monotonic()
    ready = ib.wait_for_settled(tmp_path, settle_seconds=0.6, max_wait=10).ready
    assert [p.name for p in ready] == ["a.pdf"]
    assert 0.4 < time.monotonic() - t0 < 5
    _touch(tmp_path / "a.pdf", age=60.0)
    _touch(tmp_path / "b.pdf", age=0.0)
    t0 = time.monotonic()
    assert [p.name for p in ib.wait_for_settled(tmp_path, settle_seconds=30, max_wait=0).ready] == ["a.pdf"]
    assert time.monotonic() - t0 < 1  # max_wait=0: files still being written wait for the next run


# --------------------------------------------------------------------------- claims


def test_claim_is_exclusive_and_keeps_the_name(tmp_path: Path) -> None:
    inbox, work = tmp_path / "inbox", tmp_path / "out" / ".claims" / "run"
    inbox.mkdir()
    f = _touch(inbox / "rapport final.pdf")
    got = ib.claim(f, work)
    assert got is not None and got.name == "rapport final.pdf" and got.read_bytes() == b"%PDF-1.4\n"
    assert got.parent.parent == work and not f.exists()
    assert ib.claim(f, work) is None  # gone: another run had it
    assert [p for p in work.iterdir() if p.is_dir() and not any(p.iterdir())] == []


def test_concurrent_claims_never_give_a_file_twice(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for i in range(200):
        _touch(inbox / f"f{i:03}.pdf", data=str(i).encode())
    won: dict[str, list[str]] = {"a": [], "b": []}

    def runner(key: str) -> None:
        with ib.ClaimRun(inbox, out) as run:
            for p in ib.find_pdfs(inbox):
                c = run.claim(p)
                if c is not None:
                    won[key].append(c.name)
                    c.unlink()
                    c.parent.rmdir()

    threads = [threading.Thread(target=runner, args=(k,)) for k in won]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won["a"] + won["b"]) == [f"f{i:03}.pdf" for i in range(200)]
    assert not set(won["a"]) & set(won["b"])
    assert not any((out / ".claims").iterdir())  # both runs cleaned up after themselves


def test_a_dead_runs_claims_are_adopted_and_a_live_ones_are_not(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    root = out / ".claims"
    # a run that died: its folder and its lock file remain, nobody holds the lock
    dead = root / "1-111-dead" / "c1"
    dead.mkdir(parents=True)
    (dead / "orphan.pdf").write_bytes(b"%PDF-orphan")
    (root / "1-111-dead.lock").touch()
    # a live run: holds its lock (here: another run object in this process)
    with ib.ClaimRun(inbox, out) as live:
        f = _touch(inbox / "busy.pdf")
        assert live.claim(f) is not None
        with ib.ClaimRun(inbox, out) as run:
            assert run.others_alive()
            adopted = run.adopt_orphans()
            assert [p.name for p in adopted] == ["orphan.pdf"]
            assert adopted[0].parent.parent == run.dir
            assert [p.name for p in live.claimed()] == ["busy.pdf"]  # untouched
            assert not (root / "1-111-dead").exists() and not (root / "1-111-dead.lock").exists()
            adopted[0].unlink()
        live.claimed()[0].unlink()
    with ib.ClaimRun(inbox, out) as run:
        assert not run.others_alive()


def test_an_interrupted_run_puts_its_files_back(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    _touch(inbox / "a.pdf")
    with pytest.raises(KeyboardInterrupt):
        with ib.ClaimRun(inbox, out) as run:
            assert run.claim(inbox / "a.pdf") is not None
            raise KeyboardInterrupt
    assert (inbox / "a.pdf").read_bytes() == b"%PDF-1.4\n"
    assert not any((out / ".claims").iterdir())


def test_claims_live_in_the_inbox_when_output_is_on_another_filesystem(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    out = Path(shm) / f"metroextract-test-{os.getpid()}"
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        f = _touch(inbox / "a.pdf")
        with ib.ClaimRun(inbox, out) as run:
            assert run.root == inbox / ".claims"
            c = run.claim(f)
            assert c is not None
            dst = ib.finish_processed(c, out, "ab" * 32)  # a copy across filesystems
            assert dst == out / "processed" / "r-abababababababab.pdf" and dst.read_bytes() == b"%PDF-1.4\n"
            assert not c.exists()
    finally:
        shutil.rmtree(out, ignore_errors=True)


# --------------------------------------------------------------------------- outputs


def test_outputs_are_named_by_ids_and_release_puts_the_file_back(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    sha = "0123456789abcdef" * 4
    for name in UNTRUSTED_NAMES:
        f = _touch(inbox / name)
        with ib.ClaimRun(inbox, out) as run:
            c = run.claim(f)
            assert c is not None and c.name == name
            rec = QuarantineRecord(file_name=name, sha256=sha, stage="open", code="not_a_pdf", message="no %PDF- header")
            q = ib.quarantine(c, out, rec)
        assert q == out / "quarantine" / f"{sha}.pdf"
        doc = json.loads((out / "quarantine" / f"{sha}.error.json").read_text(encoding="utf-8"))
        assert {k: doc[k] for k in ("file_name", "sha256", "stage", "code", "message")} == {
            "file_name": name, "sha256": sha, "stage": "open", "code": "not_a_pdf", "message": "no %PDF- header"}  # fmt: skip
        back = ib.release(out, sha, inbox)
        assert back.parent == inbox and back.name == name  # the original name
        assert not (out / "quarantine" / f"{sha}.pdf").exists() and not (out / "quarantine" / f"{sha}.error.json").exists()
        back.unlink()
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []


def test_release_never_leaves_the_inbox(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    sha = "f" * 64
    (out / "quarantine").mkdir(parents=True)
    (out / "quarantine" / f"{sha}.pdf").write_bytes(b"%PDF-x")
    rec = QuarantineRecord(file_name="../../etc/passwd", sha256=sha, stage="open", code="corrupt", message="m")
    (out / "quarantine" / f"{sha}.error.json").write_text(rec.model_dump_json())
    assert ib.release(out, sha, inbox) == inbox / "passwd.pdf"
    for bad in ("../../etc/passwd", "F" * 64, "abc", "../" + "a" * 61):
        with pytest.raises(ValueError):
            ib.release(out, bad, inbox)
    with pytest.raises(FileNotFoundError):
        ib.release(out, "e" * 64, inbox)
    assert ib.safe_inbox_name(".hidden.pdf", sha) == f"{sha}.pdf"
    assert ib.safe_inbox_name("report", sha) == "report.pdf"
    assert ib.safe_inbox_name("é" * 200 + ".pdf", sha) == f"{sha}.pdf"


def test_source_records_decide_what_is_parsed_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sha = "1" * 64
    assert not ib.already_extracted(out, sha, "1.0")
    ib.store_failure(out, file_name="x.pdf", sha256=sha, code="corrupt", stage="open", message="bad", parser_version="1.0")
    rec = ib.read_source_record(out, sha)
    assert rec is not None and rec.status == "quarantined" and rec.report_id == "r-1111111111111111"
    assert ib.reusable_outcome(out, sha, "1.0") == rec  # corrupt bytes stay corrupt
    assert ib.reusable_outcome(out, sha, "2.0") is None  # a new parser may do better
    ib.store_failure(out, file_name="x.pdf", sha256=sha, code="timeout", stage="extract", message="slow", parser_version="1.0")
    assert ib.reusable_outcome(out, sha, "1.0") is None  # limits and luck: always tried again
    (out / "sources" / f"{sha}.json").write_text("{half a rec")
    assert ib.read_source_record(out, sha) is None


def test_cleanup_tmp_removes_only_old_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    old = _touch(out / "reports" / ".r-1.json.abc.tmp", age=100)
    new = _touch(out / "reports" / ".r-2.json.def.tmp", age=0)
    keep = _touch(out / "reports" / "r-3.json", age=100)
    assert ib.cleanup_tmp(out, older_than=time.time() - 10) == [old]
    assert new.exists() and keep.exists()


# --------------------------------------------------------------------------- isolation


def test_isolated_extraction_returns_the_report(tmp_path: Path) -> None:
    pdf = make_report_pdf(tmp_path / "-leading dash é.pdf", tag="iso")
    ex = extract_isolated(pdf, Settings())
    assert ex.report.source.file_name == "-leading dash é.pdf"
    assert len(ex.report.activities) >= 1


def test_isolated_errors_keep_their_class_code_and_message(tmp_path: Path) -> None:
    shutil.copy(REALWORLD / "not-a-pdf.pdf", tmp_path / "a.pdf")
    with pytest.raises(NotAPdf) as e:
        extract_isolated(tmp_path / "a.pdf", Settings())
    assert (e.value.code, e.value.stage, e.value.message) == ("not_a_pdf", "open", "no %PDF- header: not a PDF file")
    shutil.copy(REALWORLD / "encrypted-userpw-rc4-128-01.pdf", tmp_path / "b.pdf")
    with pytest.raises(EncryptedPdf):
        extract_isolated(tmp_path / "b.pdf", Settings())
    with pytest.raises(MetroextractError) as e:  # an unexpected exception in the worker
        extract_isolated(tmp_path, Settings())
    assert e.value.code == "internal_error" and "IsADirectoryError" in e.value.message


def _worker_pids() -> set[int]:
    pids = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes()
                ppid = (p / "stat").read_text().rsplit(")", 1)[1].split()[1]
                if b"metroextract.isolate" in cmd and ppid == str(os.getpid()):
                    pids.add(int(p.name))
            except OSError:
                continue
    return pids


def test_a_hung_extraction_is_killed(tmp_path: Path) -> None:
    shutil.copy(REALWORLD / "malformed-zero-pages-slow-01.pdf", tmp_path / "slow.pdf")  # ≥ 5 s of parsing
    before = _worker_pids()
    with pytest.raises(ExtractionTimeout) as e:
        extract_isolated(tmp_path / "slow.pdf", Settings(timeout_seconds=1.0))
    assert e.value.code == "timeout" and "longer than 1 s" in e.value.message
    time.sleep(0.2)
    assert not (_worker_pids() - before)  # the busy worker is gone, nothing new left running


def test_a_worker_that_dies_is_an_internal_error(tmp_path: Path) -> None:
    from metroextract.isolate import shutdown_workers

    shutil.copy(REALWORLD / "malformed-zero-pages-slow-01.pdf", tmp_path / "slow.pdf")
    shutdown_workers()  # the job gets a fresh worker: the only new child process
    before = _worker_pids()
    result: dict[str, BaseException] = {}

    def run() -> None:
        try:
            extract_isolated(tmp_path / "slow.pdf", Settings(timeout_seconds=60))
        except BaseException as exc:  # noqa: BLE001
            result["exc"] = exc

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 30
    busy: set[int] = set()
    while time.monotonic() < deadline and not busy:
        time.sleep(0.2)
        busy = _worker_pids() - before
    assert busy
    time.sleep(3.0)  # let it start parsing
    for pid in busy:
        os.kill(pid, signal.SIGKILL)
    t.join(60)
    exc = result.get("exc")
    assert isinstance(exc, MetroextractError) and exc.code == "internal_error"
    assert "killed by SIGKILL" in exc.message


# --------------------------------------------------------------------------- OCR


def test_ocr_turned_off_or_no_pages(tmp_path: Path) -> None:
    from metroextract.ocr import ocr_layout

    shutil.copy(REALWORLD / "no-text-photos-3p-01.pdf", tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayer, match="OCR is turned off"):
        ocr_layout(tmp_path / "scan.pdf", Settings(ocr=False))
    shutil.copy(REALWORLD / "malformed-zero-pages-01.pdf", tmp_path / "zero.pdf")
    with pytest.raises(CorruptPdf, match="no readable pages"):
        ocr_layout(tmp_path / "zero.pdf", Settings())


@pytest.mark.slow
def test_ocr_reads_a_scanned_page(tmp_path: Path) -> None:
    from metroextract.layout import pdf_to_layout, text_chars
    from metroextract.ocr import ocr_available, ocr_layout

    if not ocr_available():
        pytest.skip("ocrmypdf/tesseract not installed")
    pdf = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED_REPORT_LINES)
    assert text_chars(pdf_to_layout(pdf)) == 0
    layout = ocr_layout(pdf, Settings())
    text = " ".join(ln.text for p in layout.pages for ln in p.lines)
    for word in ("METROPOLIS", "RAPPORT", "avril", "2021", "Berlin"):
        assert word in text
    blank = make_scanned_pdf(tmp_path / "blank.pdf", [])
    with pytest.raises(NoTextLayer, match="too little text"):
        ocr_layout(blank, Settings())
    shutil.copy(REALWORLD / "encrypted-ownerpw-aes256-01.pdf", tmp_path / "enc.pdf")
    with pytest.raises(EncryptedPdf, match="qpdf --decrypt"):
        ocr_layout(tmp_path / "enc.pdf", Settings())
