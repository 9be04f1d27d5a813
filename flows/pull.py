"""Flow `pull`: download the report PDFs listed in a manifest into the inbox.

The manifest is CSV (header row) or JSON (a list of objects, or `{"reports": [...]}`)
with the fields `url` (required), `sha256`, `period`, `language` and `file_name`
(optional). Each file is fetched with httpx:

- a timeout per request; retries with exponential backoff on 5xx, 408, 429, timeouts and
  network errors (never on other 4xx or on a bad file);
- a size cap (`max_bytes`, default `Settings.max_bytes`): a too-large Content-Length is
  refused at once, a body without one is streamed and abandoned past the cap;
- the PDF magic bytes (`%PDF-` in the first 1024 bytes) and, when the manifest gives it,
  the sha256 are checked before the file is kept;
- the body is written to a hidden `.<uuid>.part` file in the inbox (ingest ignores it),
  fsynced, then linked to its final name, never over an existing file;
- an entry is skipped when its file is already present: same name in the inbox, or the
  same sha256 in the inbox, in `<output>/processed/` or among `<output>/sources/`.

File names come from `file_name` or the URL's last segment, reduced to letters, digits and
`._-() `; they never leave the inbox.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import sys
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import httpx
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, field_validator

from metroextract.atomic import fsync_dir as _fsync_dir
from metroextract.inbox import is_candidate_name, read_source_record, report_id_for
from metroextract.settings import Settings

PDF_MAGIC = b"%PDF-"
RETRY_STATUS = frozenset({408, 429})
USER_AGENT = "metroextract-pull/1"


class ManifestEntry(BaseModel):
    url: str
    sha256: str | None = None
    period: str | None = None
    language: str | None = None
    file_name: str | None = None

    @field_validator("url")
    @classmethod
    def _http_only(cls, v: str) -> str:
        v = v.strip()
        if urlsplit(v).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {v!r:.120}")
        return v

    @field_validator("sha256")
    @classmethod
    def _sha(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", v):
            raise ValueError(f"not a sha256: {v!r:.80}")
        return v


class PullResult(BaseModel):
    url: str
    file_name: str
    status: Literal["downloaded", "present", "failed"]
    code: str | None = None
    message: str | None = None
    sha256: str | None = None
    bytes: int = 0
    attempts: int = 0
    path: str | None = None


class PullSummary(BaseModel):
    files: list[PullResult]
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {s: sum(f.status == s for f in self.files) for s in ("downloaded", "present", "failed")}

    @property
    def failed(self) -> list[PullResult]:
        return [f for f in self.files if f.status == "failed"]


# --------------------------------------------------------------------------- manifest


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Entries of a CSV or JSON manifest; a bad row raises ValueError naming the row."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    rows: list[dict]
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("reports", data.get("files", data.get("entries")))
        if not isinstance(data, list):
            raise ValueError(f"{path}: a JSON manifest is a list of objects (or {{'reports': [...]}})")
        rows = data
    else:
        lines = [ln for ln in io.StringIO(text) if ln.strip() and not ln.lstrip().startswith("#")]
        rows = list(csv.DictReader(lines))
    entries = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValueError(f"{path}: entry {i} is not an object")
        clean = {str(k).strip().lower(): (str(v).strip() if v is not None else None) for k, v in row.items() if k is not None}
        clean = {k: (v or None) for k, v in clean.items()}
        try:
            entries.append(ManifestEntry(**{k: v for k, v in clean.items() if k in ManifestEntry.model_fields}))
        except ValueError as exc:
            raise ValueError(f"{path}: entry {i}: {exc}") from None
    return entries


def safe_file_name(raw: str | None, fallback: str) -> str:
    """A harmless `.pdf` file name: a base name of letters, digits and `._-() `."""
    name = unquote(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w.\-() ]+", "_", name).strip(" ._-")
    if not name:
        name = fallback
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    if len(name) > 150:
        name = name[:146].rstrip(" ._-") + ".pdf"
    return name


def entry_name(entry: ManifestEntry) -> str:
    fallback = "download-" + hashlib.sha1(entry.url.encode()).hexdigest()[:12]
    return safe_file_name(entry.file_name or urlsplit(entry.url).path, fallback)


# --------------------------------------------------------------------------- download


class _Failure(Exception):
    def __init__(self, code: str, message: str, transient: bool) -> None:
        super().__init__(message)
        self.code, self.message, self.transient = code, message, transient


def _download_once(client: httpx.Client, url: str, part: Path, max_bytes: int, expected_sha: str | None) -> tuple[str, int]:
    try:
        with client.stream("GET", url) as resp:
            if resp.status_code >= 500 or resp.status_code in RETRY_STATUS:
                raise _Failure("server_error", f"HTTP {resp.status_code} {resp.reason_phrase}", transient=True)
            if resp.status_code >= 400:
                raise _Failure("http_error", f"HTTP {resp.status_code} {resp.reason_phrase}", transient=False)
            length = resp.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _Failure("too_large", f"{int(length)} bytes announced, over the {max_bytes}-byte limit", transient=False)
            digest = hashlib.sha256()
            size = 0
            head = b""
            with open(part, "wb") as fh:
                for chunk in resp.iter_bytes(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise _Failure("too_large", f"more than {max_bytes} bytes: download abandoned", transient=False)
                    if len(head) < 1024:
                        head += chunk[: 1024 - len(head)]
                        if len(head) >= 1024 and PDF_MAGIC not in head:
                            raise _Failure("not_a_pdf", _not_pdf_message(resp), transient=False)
                    digest.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if PDF_MAGIC not in head:
                raise _Failure("not_a_pdf", _not_pdf_message(resp), transient=False)
    except httpx.TimeoutException as exc:
        raise _Failure("timeout", f"no answer in time ({type(exc).__name__})", transient=True) from exc
    except httpx.TransportError as exc:
        raise _Failure("network_error", f"{type(exc).__name__}: {exc}", transient=True) from exc
    sha = digest.hexdigest()
    if expected_sha and sha != expected_sha:
        raise _Failure("checksum_mismatch", f"sha256 {sha[:16]}… differs from the manifest's {expected_sha[:16]}…", transient=False)
    return sha, size


def _not_pdf_message(resp: httpx.Response) -> str:
    ctype = resp.headers.get("content-type", "unknown type")
    return f"the response is not a PDF (no %PDF- header; Content-Type: {ctype})"


def fetch(entry: ManifestEntry, dest_dir: Path, name: str, *, max_bytes: int, timeout_seconds: float = 30.0, retries: int = 3, backoff_seconds: float = 1.0) -> PullResult:
    """Download one entry into `dest_dir/name` (never replacing a file); retry transient
    failures with exponential backoff. Never raises for a bad download: the result says."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    result = PullResult(url=entry.url, file_name=name, status="failed")
    delay = backoff_seconds
    timeout = httpx.Timeout(timeout_seconds)
    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client:
        while True:
            result.attempts += 1
            part = dest_dir / f".{uuid.uuid4().hex}.part"
            try:
                sha, size = _download_once(client, entry.url, part, max_bytes, entry.sha256)
            except _Failure as exc:
                part.unlink(missing_ok=True)
                result.code, result.message = exc.code, exc.message
                if exc.transient and result.attempts <= retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                return result
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            break
    dst = dest_dir / name
    try:
        try:
            os.link(part, dst)  # atomic and never replaces an existing file
        except FileExistsError:
            dst = dest_dir / f"{Path(name).stem[:120]}-{sha[:12]}.pdf"
            os.link(part, dst)
        except OSError:  # a filesystem without hard links
            if dst.exists():
                dst = dest_dir / f"{Path(name).stem[:120]}-{sha[:12]}.pdf"
            os.replace(part, dst)
    except FileExistsError:
        result.status, result.code, result.message = "present", None, "a file with this name and content is already there"
        result.sha256, result.bytes, result.path = sha, size, str(dst)
        return result
    finally:
        part.unlink(missing_ok=True)
    _fsync_dir(dest_dir)
    result.status, result.code, result.message = "downloaded", None, None
    result.sha256, result.bytes, result.path = sha, size, str(dst)
    return result


def present_shas(inbox: Path) -> dict[str, Path]:
    """sha256 → path of the PDFs already in the inbox."""
    from metroextract.pipeline import file_sha256

    found: dict[str, Path] = {}
    if Path(inbox).is_dir():
        for p in sorted(Path(inbox).iterdir()):
            if p.is_file() and is_candidate_name(p.name):
                with contextlib.suppress(OSError):
                    found[file_sha256(p)] = p
    return found


def already_have(entry: ManifestEntry, output: Path | None) -> bool:
    """The content is already in the output: processed, or recorded as a source."""
    if not entry.sha256 or output is None:
        return False
    if (Path(output) / "processed" / f"{report_id_for(entry.sha256)}.pdf").is_file():
        return True
    return read_source_record(Path(output), entry.sha256) is not None


# --------------------------------------------------------------------------- the flow


@task(name="download-pdf", task_run_name="download {name}", cache_policy=NO_CACHE, persist_result=False)
def download_pdf(entry: ManifestEntry, inbox: Path, name: str, max_bytes: int, timeout_seconds: float, retries: int, backoff_seconds: float) -> PullResult:
    return fetch(entry, inbox, name, max_bytes=max_bytes, timeout_seconds=timeout_seconds, retries=retries, backoff_seconds=backoff_seconds)


@flow(name="pull", description="Download the report PDFs listed in a manifest into the inbox.", task_runner=ThreadPoolTaskRunner(max_workers=4))
def pull(
    manifest: Path,
    inbox: Path,
    output: Path | None = None,
    max_bytes: int | None = None,
    timeout_seconds: float = 30.0,
    retries: int = 3,
    backoff_seconds: float = 1.0,
) -> PullSummary:
    """Fetch every manifest entry not already present.

    Args:
        manifest: CSV or JSON list of {url, sha256?, period?, language?, file_name?}.
        inbox: where the PDFs land (the ingest inbox).
        output: an output folder; entries whose sha256 is already there are skipped.
        max_bytes: size cap per file (default: METROEXTRACT_MAX_BYTES or 100 MB).
        timeout_seconds: timeout of each HTTP request.
        retries: further attempts after a 5xx, 408, 429, timeout or network error.
        backoff_seconds: first wait between attempts, doubled each time.
    """
    t0 = time.monotonic()
    logger = get_run_logger()
    inbox = Path(inbox).absolute()
    inbox.mkdir(parents=True, exist_ok=True)
    entries = read_manifest(Path(manifest))
    cap = int(max_bytes or Settings().max_bytes)
    have = present_shas(inbox) if any(e.sha256 for e in entries) else {}
    results: dict[int, PullResult] = {}
    futures = {}
    used: set[str] = set()
    for i, entry in enumerate(entries):
        name = entry_name(entry)
        if name in used:  # two URLs with the same last segment
            name = f"{Path(name).stem[:120]}-{hashlib.sha1(entry.url.encode()).hexdigest()[:8]}.pdf"
        used.add(name)
        if entry.sha256 and (entry.sha256 in have or already_have(entry, output)):
            where = have.get(entry.sha256)
            results[i] = PullResult(url=entry.url, file_name=where.name if where else name, status="present", sha256=entry.sha256, message="same sha256 already present")
        elif (inbox / name).exists():
            results[i] = PullResult(url=entry.url, file_name=name, status="present", message="a file with this name is already in the inbox")
        else:
            futures[download_pdf.submit(entry, inbox, name, cap, timeout_seconds, retries, backoff_seconds)] = i
    for fut in as_completed(list(futures)):
        i = futures[fut]
        value = fut.result(raise_on_failure=False)
        if not isinstance(value, PullResult):
            value = PullResult(url=entries[i].url, file_name=entry_name(entries[i]), status="failed", code="internal_error", message=f"{type(value).__name__}: {value}")
        results[i] = value
    summary = PullSummary(files=[results[i] for i in sorted(results)], seconds=round(time.monotonic() - t0, 3))
    c = summary.counts()
    try:
        create_table_artifact(
            table=[{"file": r.file_name, "status": r.status, "code": r.code or "", "bytes": r.bytes, "attempts": r.attempts, "url": r.url} for r in summary.files] or [{"file": "(empty manifest)"}],
            key="pull-summary",
            description=f"{c['downloaded']} downloaded, {c['present']} already present, {c['failed']} failed",
        )
    except Exception as exc:  # noqa: BLE001
        logger.warning("could not publish the pull artifact: %s", exc)
    logger.info("pull: %s", c)
    return summary


if __name__ == "__main__":  # python flows/pull.py MANIFEST INBOX
    s = pull(manifest=Path(sys.argv[1]), inbox=Path(sys.argv[2]))
    print(json.dumps(s.counts()))
