"""The life of a dropped PDF, as a library (no Prefect): found → claimed → extracted or
quarantined → moved out of the inbox. The flows in `flows/` only call these functions.

Guarantees, and how they are kept:

- **Half-copied files are never read.** `scan_inbox` skips hidden files, `*.part` files
  (the convention `pull` and careful copiers use: write `name.part`, then rename) and
  files modified less than `settle_seconds` ago.
- **Two runs never process one file.** A run *claims* a file by `os.rename` into its own
  claim folder, `<claims>/<run_id>/<uuid>/<original name>`; a rename is atomic, so exactly
  one run wins and the other sees the file gone. `<claims>` is `<output>/.claims`, or
  `<inbox>/.claims` when the inbox is on another filesystem (a rename cannot cross
  filesystems). The original name is kept so the report's `source.file_name` is right.
- **A run killed with SIGKILL loses nothing.** While a run lives it holds an exclusive
  `flock` on `<claims>/<run_id>.lock`; the kernel drops it when the process dies. The next
  run takes the lock of every dead run and adopts its claimed files
  (`ClaimRun.adopt_orphans`), and removes leftover `*.tmp` files of interrupted atomic
  writes once no other run is alive (`cleanup_tmp`).
- **Nothing half-written.** Every JSON file is written to a temporary file in its folder,
  fsynced and renamed (`export.atomic_write_bytes`); the PDF leaves the claim folder only
  after its outputs (report, review list, source record — or quarantine record) are
  durable, and folders are fsynced after each move.
- **File names are data, never paths.** Every output path derives from the sha256 or the
  report id: `reports/<report_id>.json`, `sources/<sha256>.json`,
  `processed/<report_id>.pdf`, `quarantine/<sha256>.pdf` + `<sha256>.error.json`.
- **The terminal shows outcomes, the log file the rest.** A run writes
  `logs/<flow>-<UTC time>-<id>.log` (`run_log`): each file's outcome and every message
  the PDF libraries and Prefect logged about it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import stat
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .atomic import atomic_write_bytes
from .atomic import fsync_dir as _fsync_dir
from .errors import QuarantineCode
from .export import dumps_json, report_path
from .models import QuarantineRecord

try:  # POSIX only; without it claims still work, dead-run recovery is skipped
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

CLAIMS_DIR = ".claims"
LOGS_DIR = "logs"
PROCESSED_DIR = "processed"
QUARANTINE_DIR = "quarantine"
SOURCES_DIR = "sources"
OUTPUT_DIRS = ("reports", "review", SOURCES_DIR, QUARANTINE_DIR, PROCESSED_DIR)

# Outcomes that depend only on the file's bytes and the parser: an unchanged file dropped
# again gets the same answer without being parsed again. The others (limits, time, OCR
# availability, I/O) depend on settings or luck and are always tried again.
REUSABLE_QUARANTINE_CODES = frozenset(
    {
        QuarantineCode.EMPTY_FILE,
        QuarantineCode.NOT_A_PDF,
        QuarantineCode.ENCRYPTED,
        QuarantineCode.CORRUPT,
        QuarantineCode.NOT_A_PROGRESS_REPORT,
        # reused under the same parser version only, like every stored outcome: a new
        # parser version reads it again (see `layouts_to_retry`)
        QuarantineCode.UNRECOGNIZED_LAYOUT,
    }
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_NAME_BYTES = 255  # the usual filesystem limit for one name


def report_id_for(sha256: str) -> str:
    """`pipeline.report_id_for`, imported on first use (the pipeline pulls in spaCy)."""
    from .pipeline import report_id_for as _report_id_for

    return _report_id_for(sha256)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def check_sha256(sha256: str) -> str:
    """A sha256 is 64 lowercase hex digits: the only thing that may name an output file."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"not a sha256 (64 lowercase hex digits): {sha256!r:.80}")
    return sha256


# --------------------------------------------------------------------------- records


class Counts(BaseModel):
    model_config = ConfigDict(extra="ignore")

    activities: int = 0
    warnings: int = 0
    unresolved: int = 0


class SourceRecord(BaseModel):
    """`sources/<sha256>.json`: what became of one source PDF (read by `datasets` for the
    manifest, and by ingest to skip files already extracted by this parser version)."""

    model_config = ConfigDict(extra="ignore")

    file_name: str
    sha256: str
    report_id: str
    parser_version: str
    extracted_at: str = Field(description="ISO 8601 UTC time the file was processed")
    status: Literal["extracted", "quarantined"]
    code: str | None = None
    stage: str | None = None
    message: str | None = None
    counts: Counts = Field(default_factory=Counts)
    quality: Literal["ok", "needs_review"] | None = Field(None, description="the report's quality verdict (extracted files)")
    quality_reasons: list[str] = Field(default_factory=list)
    sections_to_review: list[str] = Field(default_factory=list, description="the report's sections whose verdict is needs_review")


def source_record_path(output: Path, sha256: str) -> Path:
    return Path(output) / SOURCES_DIR / f"{check_sha256(sha256)}.json"


def read_source_record(output: Path, sha256: str) -> SourceRecord | None:
    """The stored record, or None when absent or unreadable (then the file is processed again)."""
    try:
        return SourceRecord.model_validate_json(source_record_path(output, sha256).read_bytes())
    except (OSError, ValueError):
        return None


def write_source_record(output: Path, record: SourceRecord) -> Path:
    path = source_record_path(output, record.sha256)
    atomic_write_bytes(path, dumps_json(record.model_dump(mode="json")))
    return path


def already_extracted(output: Path, sha256: str, parser_version: str) -> bool:
    """This content was extracted by this parser version and its report is still there."""
    rec = read_source_record(output, sha256)
    return rec is not None and rec.status == "extracted" and rec.parser_version == parser_version and report_path(Path(output), rec.report_id).is_file()


def reusable_outcome(output: Path, sha256: str, parser_version: str) -> SourceRecord | None:
    """The stored outcome when parsing this content again cannot change it: extracted by
    this parser version, or quarantined by it for a reason that depends on the bytes only."""
    if already_extracted(output, sha256, parser_version):
        return read_source_record(output, sha256)
    rec = read_source_record(output, sha256)
    if rec and rec.status == "quarantined" and rec.parser_version == parser_version and rec.code in REUSABLE_QUARANTINE_CODES:
        return rec
    return None


def layouts_to_retry(output: Path, parser_version: str) -> list[tuple[Path, str]]:
    """Quarantined files whose layout an older parser version did not recognise
    (`unrecognized_layout`), as (PDF in quarantine/, original name): what a backfill
    tries again once the parser version changes."""
    out: list[tuple[Path, str]] = []
    folder = Path(output) / SOURCES_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        rec = read_source_record(output, path.stem) if _SHA256.match(path.stem) else None
        if rec is None or rec.status != "quarantined" or rec.code != QuarantineCode.UNRECOGNIZED_LAYOUT or rec.parser_version == parser_version:
            continue
        pdf = Path(output) / QUARANTINE_DIR / f"{rec.sha256}.pdf"
        if pdf.is_file():
            out.append((pdf, rec.file_name))
    return out


def store_extraction(output: Path, extraction, *, file_name: str, sha256: str, parser_version: str) -> SourceRecord:  # extraction: pipeline.Extraction
    """Write the report, its review list and its source record, each atomically."""
    from .export import write_report_outputs

    report = extraction.report
    write_report_outputs(Path(output), report, extraction.review)
    quality = getattr(report, "quality", None)
    record = SourceRecord(
        file_name=file_name,
        sha256=sha256,
        report_id=report.id,
        parser_version=parser_version,
        extracted_at=utc_now(),
        status="extracted",
        counts=Counts(activities=len(report.activities), warnings=len(report.warnings), unresolved=len(extraction.review)),
        quality=quality.verdict if quality is not None else None,
        quality_reasons=list(quality.reasons) if quality is not None else [],
        sections_to_review=[k for k, q in quality.sections.items() if q.verdict == "needs_review"] if quality is not None else [],
    )
    write_source_record(output, record)
    return record


def withdraw_report(output: Path, report_id: str) -> None:
    """Remove a report and its review list written by an earlier run (a file `--strict`
    now quarantines): the datasets are built from `reports/`."""
    from .export import report_path

    for path in (report_path(Path(output), report_id), Path(output) / "review" / f"{report_id}.jsonl"):
        if path.is_file():
            path.unlink()
            _fsync_dir(path.parent)


def store_failure(output: Path, *, file_name: str, sha256: str, code: str, stage: str, message: str, parser_version: str) -> SourceRecord:
    """Record that this content could not be extracted (the source record only)."""
    record = SourceRecord(
        file_name=file_name,
        sha256=sha256,
        report_id=report_id_for(sha256),
        parser_version=parser_version,
        extracted_at=utc_now(),
        status="quarantined",
        code=str(code),
        stage=stage,
        message=message,
    )
    write_source_record(output, record)
    return record


# --------------------------------------------------------------------------- finding files


def is_candidate_name(name: str) -> bool:
    """A PDF name ingest may pick up: not hidden, not a `.part` download in progress."""
    return not name.startswith(".") and not name.endswith(".part") and name.lower().endswith(".pdf")


class SkippedEntry(BaseModel):
    """An inbox entry a run did not take, and why: it is named in the summary and the run
    log, never passed over in silence."""

    name: str
    kind: Literal["symlink", "directory", "fifo", "special", "unreadable", "unmovable"]
    reason: str


@dataclass
class InboxScan:
    ready: list[Path] = field(default_factory=list)  # settled: safe to read
    pending: list[Path] = field(default_factory=list)  # modified in the last settle_seconds
    skipped: list[SkippedEntry] = field(default_factory=list)  # PDF-named entries that are not plain files


def _not_a_file(entry: os.DirEntry) -> SkippedEntry | None:
    """Why a PDF-named inbox entry is not read: a symlink (its target may be anywhere), a
    folder, a FIFO (reading it would block), a device or socket."""
    if entry.is_symlink():
        return SkippedEntry(name=entry.name, kind="symlink", reason="a symbolic link: copy the file itself into the inbox")
    st = entry.stat(follow_symlinks=False)
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        return SkippedEntry(name=entry.name, kind="directory", reason="a folder, not a file (the inbox is not searched recursively)")
    if stat.S_ISFIFO(st.st_mode):
        return SkippedEntry(name=entry.name, kind="fifo", reason="a named pipe, not a file")
    return SkippedEntry(name=entry.name, kind="special", reason="a device or socket, not a file")


def scan_inbox(inbox: Path, settle_seconds: float = 0.0, now: float | None = None) -> InboxScan:
    """PDFs directly in `inbox` (regular files, not symlinks), split into settled and pending."""
    scan = InboxScan()
    now = time.time() if now is None else now
    try:
        entries = sorted(os.scandir(inbox), key=lambda e: e.name)
    except FileNotFoundError:
        return scan
    for entry in entries:
        if not is_candidate_name(entry.name):
            continue
        try:
            odd = _not_a_file(entry)
            if odd is not None:
                scan.skipped.append(odd)
                continue
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # claimed by another run meanwhile
            continue
        path = Path(entry.path)
        if settle_seconds > 0 and now - st.st_mtime < settle_seconds:
            scan.pending.append(path)
        else:
            scan.ready.append(path)
    return scan


def find_pdfs(inbox: Path, settle_seconds: float = 0.0) -> list[Path]:
    """The inbox PDFs that are safe to read now (see `scan_inbox`)."""
    return scan_inbox(inbox, settle_seconds).ready


def wait_for_settled(inbox: Path, settle_seconds: float, max_wait: float) -> InboxScan:
    """Like `scan_inbox`, but wait up to `max_wait` seconds for files still being written."""
    deadline = time.monotonic() + max(0.0, max_wait)
    while True:
        scan = scan_inbox(inbox, settle_seconds)
        remaining = deadline - time.monotonic()
        if not scan.pending or remaining <= 0:
            return scan
        time.sleep(min(max(settle_seconds / 2, 0.1), remaining))


# --------------------------------------------------------------------------- moving files


def durable_move(src: Path, dst: Path) -> Path:
    """Move `src` to `dst` (replacing it) so that after a crash one of the two exists whole.

    A rename on one filesystem; across filesystems a copy to a temporary file beside
    `dst`, fsync, rename, and only then the removal of `src`.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        tmp = dst.parent / f".{uuid.uuid4().hex}.move.tmp"
        try:
            with open(src, "rb") as r, open(tmp, "wb") as w:
                shutil.copyfileobj(r, w, 1 << 20)
                w.flush()
                os.fsync(w.fileno())
            os.replace(tmp, dst)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(dst.parent)
        os.unlink(src)
    _fsync_dir(dst.parent)
    _fsync_dir(src.parent)
    return dst


def _drop_claim_dir(claimed: Path) -> None:
    """Remove the per-file claim folder once its file has left (only inside a claims tree)."""
    folder = claimed.parent
    if folder.parent.parent.name == CLAIMS_DIR:
        with contextlib.suppress(OSError):
            folder.rmdir()


def processed_path(output: Path, report_id: str) -> Path:
    if not report_id or any(c in report_id for c in "/\\\0") or report_id in {".", ".."}:
        raise ValueError(f"report id {report_id!r} cannot be a file name")
    return Path(output) / PROCESSED_DIR / f"{report_id}.pdf"


def finish_processed(claimed: Path, output: Path, sha256: str | None = None) -> Path:
    """Move an extracted PDF to `<output>/processed/<report_id>.pdf` (call after its outputs
    are written). An identical file already there is simply replaced."""
    from .pipeline import file_sha256

    sha = check_sha256(sha256) if sha256 else file_sha256(claimed)
    dst = durable_move(claimed, processed_path(output, report_id_for(sha)))
    _drop_claim_dir(claimed)
    return dst


def quarantine(claimed: Path, output: Path, record: QuarantineRecord) -> Path:
    """Write `<output>/quarantine/<sha256>.error.json`, then move the PDF beside it as
    `<sha256>.pdf`. The record is durable before the file moves: nothing is lost."""
    key = check_sha256(record.sha256) if record.sha256 else f"unreadable-{uuid.uuid4().hex}"
    qdir = Path(output) / QUARANTINE_DIR
    atomic_write_bytes(qdir / f"{key}.error.json", dumps_json(record.model_dump(mode="json")))
    dst = durable_move(claimed, qdir / f"{key}.pdf")
    _drop_claim_dir(claimed)
    return dst


def read_quarantine_record(output: Path, sha256: str) -> QuarantineRecord | None:
    path = Path(output) / QUARANTINE_DIR / f"{check_sha256(sha256)}.error.json"
    try:
        return QuarantineRecord.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None


def safe_inbox_name(file_name: str | None, sha256: str) -> str:
    """A name for a file put back in the inbox: the original base name when it is a plain,
    visible `.pdf` name, else `<sha256>.pdf`."""
    name = os.path.basename(file_name or "")
    ok = name and name not in {".", ".."} and not name.startswith(".") and "\0" not in name and "/" not in name and len(name.encode("utf-8", "surrogateescape")) <= _MAX_NAME_BYTES
    if not ok:
        return f"{sha256}.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
        if len(name.encode("utf-8", "surrogateescape")) > _MAX_NAME_BYTES:
            return f"{sha256}.pdf"
    return name


def release(output: Path, sha256: str, inbox: Path) -> Path:
    """Put a quarantined file back into the inbox (after fixing the cause) so the next
    ingest run tries it again. Removes its quarantine record and its `quarantined` source
    record. Returns the file's new path in the inbox."""
    check_sha256(sha256)
    output, inbox = Path(output), Path(inbox)
    src = output / QUARANTINE_DIR / f"{sha256}.pdf"
    if not src.is_file():
        raise FileNotFoundError(f"no quarantined file {sha256} in {output / QUARANTINE_DIR}")
    record = read_quarantine_record(output, sha256)
    name = safe_inbox_name(record.file_name if record else None, sha256)
    inbox.mkdir(parents=True, exist_ok=True)
    dst = inbox / name
    if dst.exists():
        dst = inbox / f"{Path(name).stem[:150]}-{sha256[:12]}.pdf"
    if dst.exists():
        dst = inbox / f"{sha256}.pdf"
    if dst.exists():
        raise FileExistsError(f"{dst} already exists in the inbox")
    durable_move(src, dst)
    (output / QUARANTINE_DIR / f"{sha256}.error.json").unlink(missing_ok=True)
    rec = read_source_record(output, sha256)
    if rec is not None and rec.status == "quarantined":
        source_record_path(output, sha256).unlink(missing_ok=True)
    return dst


# --------------------------------------------------------------------------- claims


def claims_root(inbox: Path, output: Path) -> Path:
    """`<output>/.claims`, or `<inbox>/.claims` when the two are on different filesystems."""
    if os.stat(inbox).st_dev == os.stat(output).st_dev:
        return Path(output) / CLAIMS_DIR
    return Path(inbox) / CLAIMS_DIR


def claim(path: Path, work_dir: Path) -> Path | None:
    """Atomically move `path` to `work_dir/<uuid>/<its name>`; None when another run took it
    first. `work_dir` must be on the same filesystem as `path`."""
    folder = Path(work_dir) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    dst = folder / Path(path).name
    try:
        os.rename(path, dst)
    except FileNotFoundError:
        folder.rmdir()
        return None
    except BaseException:
        with contextlib.suppress(OSError):
            folder.rmdir()
        raise
    return dst


def _try_lock(path: Path, create: bool) -> int | None:
    """An fd holding an exclusive lock on `path`, or None when another process holds it."""
    if fcntl is None:  # pragma: no cover
        return None
    try:
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class ClaimRun:
    """The claims of one ingest run; use as a context manager.

    >>> with ClaimRun(inbox, output) as run:          # doctest: +SKIP
    ...     files = run.adopt_orphans() + [c for p in find_pdfs(inbox) if (c := run.claim(p))]
    """

    def __init__(self, inbox: Path, output: Path) -> None:
        self.inbox = Path(inbox).absolute()
        self.output = Path(output).absolute()
        self.run_id = f"{int(time.time())}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.started = time.time()
        self.root: Path = self.output / CLAIMS_DIR
        self.dir: Path = self.root / self.run_id
        self._fd: int | None = None
        self.returned: list[Path] = []

    # -- life cycle

    def __enter__(self) -> ClaimRun:
        self.output.mkdir(parents=True, exist_ok=True)
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.root = claims_root(self.inbox, self.output)
        self.root.mkdir(exist_ok=True)
        self._fd = _try_lock(self.root / f"{self.run_id}.lock", create=True)
        self.dir = self.root / self.run_id
        self.dir.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.return_unfinished()
        emptied = True
        if self.dir.is_dir():
            for sub in self.dir.iterdir():
                with contextlib.suppress(OSError):
                    sub.rmdir()
            try:
                self.dir.rmdir()
            except OSError:
                emptied = False  # files left: the next run adopts them once our lock is gone
        if emptied:
            (self.root / f"{self.run_id}.lock").unlink(missing_ok=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    # -- claiming

    def claim(self, path: Path) -> Path | None:
        return claim(path, self.dir)

    def claimed(self) -> list[Path]:
        """Files currently held by this run."""
        if not self.dir.is_dir():
            return []
        return sorted(f for sub in self.dir.iterdir() if sub.is_dir() for f in sub.iterdir() if f.is_file())

    def _roots(self) -> list[Path]:
        roots = [self.output / CLAIMS_DIR, self.inbox / CLAIMS_DIR]
        return [r for i, r in enumerate(roots) if r.is_dir() and r not in roots[:i]]

    def adopt_orphans(self) -> list[Path]:
        """Take over the claimed files of runs that died (their lock is free)."""
        adopted: list[Path] = []
        for root in self._roots():
            for entry in sorted(root.iterdir()):
                if entry.name == self.run_id or not entry.is_dir():
                    continue
                lock_path = root / f"{entry.name}.lock"
                fd = _try_lock(lock_path, create=True)
                if fd is None:
                    continue  # a live run
                try:
                    for sub in sorted(entry.iterdir()):
                        if not sub.is_dir():
                            continue
                        target = self.dir / sub.name
                        try:
                            os.rename(sub, target)
                        except FileNotFoundError:
                            continue
                        except OSError as exc:
                            if exc.errno != errno.EXDEV:
                                raise
                            target.mkdir()
                            for f in sub.iterdir():
                                durable_move(f, target / f.name)
                            sub.rmdir()
                        adopted.extend(sorted(f for f in target.iterdir() if f.is_file()))
                    with contextlib.suppress(OSError):
                        entry.rmdir()
                    if not entry.exists():
                        lock_path.unlink(missing_ok=True)
                finally:
                    os.close(fd)
            # lock files of dead runs whose folder is already gone
            for lock_path in root.glob("*.lock"):
                if lock_path.stem == self.run_id or (root / lock_path.stem).exists():
                    continue
                fd = _try_lock(lock_path, create=False)
                if fd is not None:
                    lock_path.unlink(missing_ok=True)
                    os.close(fd)
        return adopted

    def others_alive(self) -> bool:
        """Another run currently holds claims on this output or inbox."""
        for root in self._roots():
            for lock_path in root.glob("*.lock"):
                if lock_path.stem == self.run_id:
                    continue
                if not lock_path.exists():
                    continue
                fd = _try_lock(lock_path, create=False)
                if fd is None:
                    if lock_path.exists():
                        return True
                    continue
                os.close(fd)
        return False

    def put_back(self, claimed: Path) -> bool:
        """Return one claimed file to the inbox (a file this run cannot read: it stays where
        its owner can see it). False when the inbox holds that name again meanwhile."""
        dst = self.inbox / claimed.name
        if dst.exists():
            return False
        durable_move(claimed, dst)
        with contextlib.suppress(OSError):
            claimed.parent.rmdir()
        return True

    def return_unfinished(self) -> list[Path]:
        """Put files this run claimed but did not finish back into the inbox (when a run is
        interrupted cleanly, e.g. Ctrl-C). A name taken meanwhile keeps the file claimed.
        What was put back is also kept in `self.returned` (the interrupt message says it)."""
        returned = self.returned
        for f in self.claimed():
            dst = self.inbox / f.name
            if dst.exists():
                continue
            with contextlib.suppress(OSError):
                durable_move(f, dst)
                f.parent.rmdir()
                returned.append(dst)
        return returned


def cleanup_tmp(output: Path, older_than: float) -> list[Path]:
    """Remove `*.tmp` files (interrupted atomic writes) older than `older_than` (epoch
    seconds) from the output folders. Call only when no other run is alive."""
    removed = []
    output = Path(output)
    for folder in (output, *(output / d for d in OUTPUT_DIRS)):
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if not entry.name.endswith(".tmp"):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < older_than:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except FileNotFoundError:
                continue
    return removed


# --------------------------------------------------------------------------- run results


class FileResult(BaseModel):
    """One file's outcome in a run (a row of the summary table and of the Prefect artifact)."""

    file_name: str
    sha256: str | None = None
    report_id: str | None = None
    status: Literal["extracted", "quarantined"]
    code: str | None = None
    stage: str | None = None
    message: str | None = None
    activities: int = 0
    warnings: int = 0
    unresolved: int = 0
    quality: Literal["ok", "needs_review"] | None = None  # the report's verdict (extracted files)
    quality_reasons: list[str] = Field(default_factory=list)
    sections_to_review: list[str] = Field(default_factory=list)  # the report's sections whose verdict is needs_review
    period: str | None = None
    parsed: bool = False  # parsed in this run (False: the stored outcome was reused)
    seconds: float = 0.0

    @classmethod
    def from_record(cls, rec: SourceRecord, *, file_name: str | None = None, parsed: bool, seconds: float = 0.0) -> FileResult:
        return cls(
            file_name=file_name or rec.file_name,
            sha256=rec.sha256,
            report_id=rec.report_id,
            status=rec.status,
            code=rec.code,
            stage=rec.stage,
            message=rec.message,
            activities=rec.counts.activities,
            warnings=rec.counts.warnings,
            unresolved=rec.counts.unresolved,
            quality=rec.quality if rec.status == "extracted" else None,
            quality_reasons=list(rec.quality_reasons) if rec.status == "extracted" else [],
            sections_to_review=list(rec.sections_to_review) if rec.status == "extracted" else [],
            parsed=parsed,
            seconds=round(seconds, 3),
        )


class RunSummary(BaseModel):
    """What an ingest or backfill run did; returned by the flows, printed by the CLI."""

    flow: str
    files: list[FileResult] = Field(default_factory=list)
    filtered: int = 0  # backfill: files left out by the period filter
    skipped: list[SkippedEntry] = Field(default_factory=list)  # inbox entries not taken (ingest)
    datasets: str = "not rebuilt"  # "rebuilt" | "unchanged" | "not rebuilt" | "unavailable" | "failed: …"
    seconds: float = 0.0
    log: str | None = None  # the run's log file (see `run_log`)

    @property
    def found(self) -> int:
        return len(self.files)

    @property
    def parsed(self) -> int:
        return sum(f.parsed for f in self.files)

    @property
    def extracted(self) -> int:
        return sum(f.status == "extracted" for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.status == "quarantined" for f in self.files)

    @property
    def needs_review(self) -> int:
        """Extracted, but the quality verdict asks a person to look (kept in the datasets)."""
        return sum(f.status == "extracted" and f.quality == "needs_review" for f in self.files)

    @property
    def to_review(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "extracted" and f.quality == "needs_review"]

    @property
    def unchanged(self) -> int:
        return sum(not f.parsed for f in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "quarantined"]

    def counts(self) -> dict[str, int]:
        return {
            "found": self.found,
            "parsed": self.parsed,
            "extracted": self.extracted,
            "needs_review": self.needs_review,
            "quarantined": self.quarantined,
            "unchanged": self.unchanged,
            "filtered": self.filtered,
            "skipped": len(self.skipped),
            "unreadable": sum(e.kind in ("unreadable", "unmovable") for e in self.skipped),
        }

    def to_json(self) -> bytes:
        return dumps_json({**self.model_dump(mode="json"), "counts": self.counts()})


def load_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- run log


# Loggers that do not pass their records up to the root logger: the run log listens to
# them directly (Prefect's internals and server, and the quieted PDF libraries).
_NON_PROPAGATING = ("prefect._internal", "prefect.extra", "uvicorn", "fastapi")


@contextlib.contextmanager
def run_log(output: Path, flow: str):
    """Write everything logged while the block runs to `<output>/logs/<flow>-<time>-<id>.log`.

    The PDF libraries' messages (see `isolate.quiet_libraries`), the workers' messages
    about each file, Prefect's run logs: what the terminal does not show. Yields the path.
    """
    from .isolate import LIBRARY_LOGGERS

    folder = Path(output) / LOGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{flow}-{stamp}-{uuid.uuid4().hex[:6]}.log"
    handler = logging.FileHandler(path, encoding="utf-8", delay=False)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    targets = [logging.getLogger()]
    for name in (*LIBRARY_LOGGERS, *_NON_PROPAGATING):
        logger = logging.getLogger(name)
        if not logger.propagate:
            targets.append(logger)
    for logger in targets:
        logger.addHandler(handler)
    try:
        yield path
    finally:
        for logger in targets:
            logger.removeHandler(handler)
        handler.close()
