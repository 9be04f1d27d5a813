"""Flow `backfill`: extract past reports again, filtered by report period.

`source` is a folder of PDFs (searched recursively; typically `<output>/processed`, the
archive of every PDF ingested) or a pull manifest (`.csv`/`.json`, see `flows.pull`).

For each PDF (identified by its sha256; duplicates count once):

- its period comes from the report JSON already in `<output>/reports/` when there is one;
  a report whose period does not overlap `[since, until]` is left out (`filtered`);
- without `force`, content already extracted by the current parser version (or
  quarantined by it for a reason that depends on the bytes only) is not parsed again;
- everything else is extracted (a file never extracted before must be, to learn its
  period; its result is stored whatever the period) and its outputs are written
  atomically. Source PDFs are never moved: a failure writes the source record
  (`sources/<sha256>.json`, status `quarantined`) and nothing else.

With a manifest, entries are filtered by the manifest's own `period` (`YYYY-MM`,
`YYYY-MM/YYYY-MM` or `YYYY-MM..YYYY-MM`; entries without one are kept) before anything is
downloaded, and downloads land in `<output>/processed/<report_id>.pdf`.

Extraction runs on threads (`concurrency`) or on an existing Dask cluster (`dask_address`).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from pathlib import Path

from prefect import flow, get_run_logger

try:
    from flows.ingest import Job, _notify, check_dask, log_outcome, make_settings, parser_version, publish_artifact, rebuild_if_stale, run_extractions, run_logger, write_proofs
    from flows.pull import ManifestEntry, entry_name, fetch, read_manifest
except ModuleNotFoundError:  # loaded by file path (`prefect deploy`, a worker, `python flows/backfill.py`)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.ingest import Job, _notify, check_dask, log_outcome, make_settings, parser_version, publish_artifact, rebuild_if_stale, run_extractions, run_logger, write_proofs
    from flows.pull import ManifestEntry, entry_name, fetch, read_manifest

from metroextract.export import report_path
from metroextract.inbox import FileResult, RunSummary, durable_move, is_candidate_name, layouts_to_retry, processed_path, read_source_record, report_id_for, reusable_outcome, run_log
from metroextract.settings import Settings

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(value: str | None, name: str) -> str | None:
    """`YYYY-MM` or None; anything else is a usage error."""
    if value is None or value == "":
        return None
    value = str(value).strip()
    if not _MONTH.match(value):
        raise ValueError(f"{name} must be a month written YYYY-MM, not {value!r}")
    return value


def overlaps(start: str | None, end: str | None, since: str | None, until: str | None) -> bool:
    """A period [start, end] (YYYY-MM, either may be missing) overlaps [since, until]."""
    if since is None and until is None:
        return True
    if start is None and end is None:
        return False  # unknown period: only an unfiltered backfill takes it
    start, end = start or end, end or start
    return (since is None or end >= since) and (until is None or start <= until)  # type: ignore[operator]


def parse_period(text: str | None) -> tuple[str | None, str | None]:
    """A manifest period: `YYYY-MM`, `YYYY-MM/YYYY-MM` or `YYYY-MM..YYYY-MM`."""
    if not text:
        return None, None
    parts = [p.strip() for p in re.split(r"/|\.\.", text) if p.strip()]
    months = [p[:7] for p in parts if _MONTH.match(p[:7])]
    if not months:
        return None, None
    return months[0], months[-1]


def stored_period(output: Path, sha256: str) -> tuple[bool, str | None, str | None]:
    """(report JSON exists, period start, period end) from `<output>/reports/`."""
    path = report_path(output, report_id_for(sha256))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, None, None
    period = doc.get("period") or {}
    return True, period.get("start"), period.get("end")


def original_name(output: Path, sha256: str, fallback: str) -> str:
    """The name the file arrived with (archive copies are named by report id)."""
    rec = read_source_record(output, sha256)
    if rec is not None:
        return rec.file_name
    try:
        doc = json.loads(report_path(output, report_id_for(sha256)).read_text(encoding="utf-8"))
        return str(doc["source"]["file_name"])
    except (OSError, ValueError, KeyError, TypeError):
        return fallback


def pdfs_in(folder: Path) -> list[Path]:
    """PDFs under `folder`, skipping hidden files and folders (claims, downloads in progress)."""
    found = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):
            continue
        if p.is_file() and not p.is_symlink() and is_candidate_name(p.name):
            found.append(p)
    return found


def download_manifest(manifest: Path, output: Path, since: str | None, until: str | None, settings: Settings) -> tuple[list[tuple[Path, str]], int, list[FileResult]]:
    """Fetch the manifest entries in the period into `<output>/processed/`; return the
    PDFs (with the names they were published under), the number of entries filtered out,
    and failed downloads as results."""
    entries: list[ManifestEntry] = read_manifest(manifest)
    staging = output / "processed" / ".downloads"
    pdfs: list[tuple[Path, str]] = []
    failures: list[FileResult] = []
    filtered = 0
    for entry in entries:
        start, end = parse_period(entry.period)
        if (start or end) and not overlaps(start, end, since, until):
            filtered += 1
            continue
        name = entry_name(entry)
        if entry.sha256 and processed_path(output, report_id_for(entry.sha256)).is_file():
            pdfs.append((processed_path(output, report_id_for(entry.sha256)), name))
            continue
        res = fetch(entry, staging, name, max_bytes=settings.max_bytes)
        if res.status == "failed" or not res.sha256 or not res.path:
            failures.append(FileResult(file_name=res.file_name, status="quarantined", code=res.code, stage="download", message=res.message))
            continue
        pdfs.append((durable_move(Path(res.path), processed_path(output, report_id_for(res.sha256))), name))
    shutil.rmtree(staging, ignore_errors=True)
    return pdfs, filtered, failures


@flow(name="backfill", description="Extract past reports again, filtered by report period.", validate_parameters=True)
def backfill(
    source: Path,
    output: Path,
    since: str | None = None,
    until: str | None = None,
    force: bool = False,
    concurrency: int = 2,
    dask_address: str | None = None,
    timeout_seconds: float | None = None,
    proof: bool = True,
) -> RunSummary:
    """Re-run extraction over past reports.

    Args:
        source: a folder of PDFs (e.g. `output/processed`) or a pull manifest (.csv/.json).
        output: the output folder to update.
        since: first month (YYYY-MM) of the report periods to include.
        until: last month (YYYY-MM) of the report periods to include.
        force: extract again even what the current parser version already extracted.
        concurrency: files extracted at once on the local runner.
        dask_address: `tcp://host:8786` of a Dask scheduler to extract on.
        timeout_seconds: longest extraction of one file.
        proof: write the proof page of each report extracted, `OUTPUT/proof/<report_id>.html`.
    """
    t0 = time.monotonic()
    check_dask(dask_address)
    since, until = check_month(since, "since"), check_month(until, "until")
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    source, output = Path(source).absolute(), Path(output).absolute()
    output.mkdir(parents=True, exist_ok=True)
    with run_log(output, "backfill") as log_path:
        run_logger.info("backfill %s → %s (since %s, until %s%s)", source, output, since or "-", until or "-", ", force" if force else "")
        summary = _backfill(source, output, since, until, force, concurrency, dask_address, timeout_seconds, proof)
        summary.log = str(log_path)
        summary.seconds = round(time.monotonic() - t0, 3)
        c = summary.counts()
        run_logger.info("backfill: %d parsed (%d need review), %d unchanged, %d filtered, %d quarantined; datasets %s; %.1f s",
                        c["parsed"], c["needs_review"], c["unchanged"], c["filtered"], c["quarantined"], summary.datasets, summary.seconds)  # fmt: skip
    return summary


def _backfill(
    source: Path, output: Path, since: str | None, until: str | None, force: bool, concurrency: int, dask_address: str | None, timeout_seconds: float | None, proof: bool = True
) -> RunSummary:
    logger = get_run_logger()
    settings = make_settings(timeout_seconds)
    version = parser_version()
    summary = RunSummary(flow="backfill")

    from metroextract.pipeline import file_sha256

    if source.is_file() and source.suffix.lower() in (".csv", ".json"):
        pdfs, summary.filtered, failures = download_manifest(source, output, since, until, settings)
        summary.files.extend(failures)
    elif source.is_dir():
        pdfs = [(p, p.name) for p in pdfs_in(source)]
        pdfs += layouts_to_retry(output, version)  # quarantined as unrecognized_layout by an older parser
    else:
        raise FileNotFoundError(f"{source}: neither a folder of PDFs nor a .csv/.json manifest")

    seen: set[str] = set()
    jobs: list[Job] = []
    for pdf, name in pdfs:
        sha = file_sha256(pdf)
        if sha in seen:
            continue
        seen.add(sha)
        known, start, end = stored_period(output, sha)
        if known and not overlaps(start, end, since, until):
            summary.filtered += 1
            continue
        rec = None if force else reusable_outcome(output, sha, version)
        if rec is not None:
            res = FileResult.from_record(rec, parsed=False)
            res.period = f"{start or '?'}/{end or '?'}" if (start or end) else None
            summary.files.append(res)
            log_outcome(res)
            continue
        jobs.append(Job(path=str(pdf), sha256=sha, file_name=original_name(output, sha, name)))
    _notify("start", len(jobs))
    parsed = run_extractions(jobs, output, settings, version, "backfill", concurrency, dask_address)
    summary.files.extend(parsed)
    if proof:
        sources = {job.sha256: Path(job.path) for job in jobs}
        write_proofs(output, parsed, lambda f: sources[f.sha256 or ""], settings)
    summary.files.sort(key=lambda f: f.file_name)
    summary.datasets = rebuild_if_stale(output)
    publish_artifact(summary, "backfill-summary")
    c = summary.counts()
    logger.info("backfill: %d parsed, %d unchanged, %d filtered, %d quarantined", c["parsed"], c["unchanged"], c["filtered"], c["quarantined"])
    return summary


if __name__ == "__main__":  # python flows/backfill.py SOURCE OUTPUT [SINCE [UNTIL]]
    args = sys.argv[1:] + [None, None]  # type: ignore[list-item]
    s = backfill(source=Path(args[0]), output=Path(args[1]), since=args[2], until=args[3])
    sys.stdout.buffer.write(s.to_json())
