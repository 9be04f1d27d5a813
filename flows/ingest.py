"""Flow `ingest`: the PDFs dropped in an inbox → reports (or quarantine), datasets, artifact.

Steps (each one a library call, see `metroextract.inbox`):

1. adopt files claimed by runs that died; drop leftover `*.tmp` files when no other run lives;
2. find settled PDFs in the inbox and claim each one by atomic rename;
3. hash each file; when this content already has an outcome from the current
   `metroextract.PARSER_VERSION` (extracted, or quarantined for a reason that depends on
   the bytes only) reuse it: nothing is parsed;
4. extract the others, one Prefect task per file (`extract-pdf`), each in a worker process
   with a time limit (`metroextract.isolate`); retries only for transient I/O errors;
5. as each file finishes, write its outputs atomically, then move the PDF to
   `processed/<report_id>.pdf` or `quarantine/<sha256>.pdf` (+ `.error.json`);
6. rebuild the datasets; publish a table artifact `ingest-summary`; return a `RunSummary`.

Every report carries a quality verdict (`ok` or `needs_review`, with reasons): reports that
need review are extracted and stay in the datasets, listed in the summary; with
`strict=True` they are quarantined instead (code `low_quality`). Each run writes a log file,
`<output>/logs/ingest-<time>-<id>.log`: every file's outcome and the messages the PDF
libraries and Prefect logged, which the terminal does not show.

Extraction runs on a thread pool (`concurrency` files at once, each in its own worker
process) or, with `dask_address`, on an existing Dask cluster (`prefect_dask`): its
scheduler and workers need this repository on their `PYTHONPATH` (Prefect ships the flow
object with each task), the same metroextract version, and the same view of the files.
Outputs are always written by the flow's own process.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel

import metroextract
from metroextract.errors import MetroextractError, QuarantineCode
from metroextract.inbox import (
    ClaimRun,
    FileResult,
    RunSummary,
    SkippedEntry,
    cleanup_tmp,
    finish_processed,
    processed_path,
    quarantine,
    read_source_record,
    report_id_for,
    reusable_outcome,
    run_log,
    store_extraction,
    store_failure,
    wait_for_settled,
    withdraw_report,
)
from metroextract.isolate import Outcome, emit_worker_log, extract_outcome, retry_only_transient, shutdown_workers
from metroextract.models import QuarantineRecord
from metroextract.proof import proof_path
from metroextract.settings import Settings, ocr_jobs_for

# --------------------------------------------------------------------------- progress


_hooks: list[Callable[[str, Any], None]] = []


@contextlib.contextmanager
def progress_hook(fn: Callable[[str, Any], None]) -> Iterator[None]:
    """Call `fn(event, payload)` while a flow runs in this process: `("start", n_files)`,
    then `("file", FileResult)` as each file ends. Used by the CLI's progress bar."""
    _hooks.append(fn)
    try:
        yield
    finally:
        _hooks.remove(fn)


def _notify(event: str, payload: Any) -> None:
    for fn in list(_hooks):
        with contextlib.suppress(Exception):
            fn(event, payload)


# --------------------------------------------------------------------------- helpers


def parser_version() -> str:
    """Read at run time, so a bumped version makes the next run parse everything again."""
    return metroextract.PARSER_VERSION


def make_settings(timeout_seconds: float | None = None) -> Settings:
    """Settings from METROEXTRACT_* variables, with the flow's overrides."""
    return Settings(timeout_seconds=timeout_seconds) if timeout_seconds else Settings()


def check_dask(dask_address: str | None) -> None:
    """Dask workers report their task runs to the Prefect API named in the settings they
    receive: with Prefect's temporary local API there is none, and each worker would start
    (and leak) its own. Refuse early, with the fix."""
    if not dask_address:
        return
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise ValueError("--dask-address needs a Prefect server the Dask workers can reach: run `prefect server start` and set PREFECT_API_URL (e.g. http://<host>:4200/api) for this command")


def task_runner(concurrency: int = 2, dask_address: str | None = None):
    """Threads on this machine, or an existing Dask cluster."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=max(1, int(concurrency)))


# The run log's own lines (outcomes); the libraries' lines come on their own loggers.
run_logger = logging.getLogger("metroextract.run")
run_logger.setLevel(logging.INFO)


def log_outcome(res: FileResult, lines: list[str] | None = None) -> None:
    """One file's outcome in the run log, with what the libraries said about it."""
    if lines:
        emit_worker_log(res.file_name, lines)
    if res.status == "extracted":
        verdict = f"needs_review: {'; '.join(res.quality_reasons)}" if res.quality == "needs_review" else (res.quality or "no verdict")
        run_logger.info("%s: extracted → %s (%d activities, %d warnings; %s)%s", res.file_name, res.report_id, res.activities, res.warnings, verdict, "" if res.parsed else " [unchanged]")
    else:
        run_logger.warning("%s: %s: %s%s", res.file_name, res.code, res.message, "" if res.parsed else " [unchanged]")


def period_of(report: Any) -> str | None:
    p = getattr(report, "period", None)
    if p is None or not (p.start or p.end):
        return None
    return f"{p.start or '?'}/{p.end or '?'}"


def rebuild(output: Path) -> str:
    """Rebuild the datasets when the datasets module is installed; say what happened."""
    try:
        from metroextract.datasets import rebuild_datasets
    except ImportError:
        return "unavailable"
    try:
        rebuild_datasets(Path(output))
    except Exception as exc:  # noqa: BLE001 - reported in the summary; the files are safe
        return f"failed: {type(exc).__name__}: {exc}"
    return "rebuilt"


def publish_artifact(summary: RunSummary, key: str) -> None:
    """The run's table artifact (file, status, code, activities, warnings, unresolved)."""
    rows = [
        {
            "file": f.file_name,
            "status": f.status,
            "code": f.code or "",
            "activities": f.activities,
            "warnings": f.warnings,
            "unresolved": f.unresolved,
            "quality": f.quality or "",
            "parsed": "yes" if f.parsed else "no (unchanged)",
            "message": f.message or ("; ".join(f.quality_reasons) if f.quality == "needs_review" else ""),
        }
        for f in summary.files
    ]
    c = summary.counts()
    review = f" ({c['needs_review']} needs review)" if c["needs_review"] else ""
    description = f"{c['found']} files: {c['extracted']} extracted{review}, {c['quarantined']} quarantined, {c['parsed']} parsed, {c['unchanged']} unchanged; datasets {summary.datasets}"
    try:
        create_table_artifact(table=rows or [{"file": "(no files)", "status": "", "code": ""}], key=key, description=description)
    except Exception as exc:  # noqa: BLE001 - an artifact must never fail the run
        get_run_logger().warning("could not publish the %s artifact: %s", key, exc)


# --------------------------------------------------------------------------- extraction task


# The task is library code (`metroextract.isolate.extract_outcome`) wrapped as a Prefect task.
extract_pdf = task(
    extract_outcome,
    name="extract-pdf",
    task_run_name="extract {label}",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_only_transient,
    cache_policy=NO_CACHE,
    persist_result=False,
)


class Job(BaseModel):
    path: str
    sha256: str
    file_name: str


def _failure_of(state_or_exc: Any) -> tuple[str, str, str]:
    exc = state_or_exc
    if isinstance(exc, MetroextractError):
        return str(exc.code), exc.stage, exc.message
    if isinstance(exc, TimeoutError):
        return str(QuarantineCode.TIMEOUT), "extract", "the extraction task timed out"
    return str(QuarantineCode.INTERNAL_ERROR), "extract", f"{type(exc).__name__}: {exc}"


def _with_io_retries(fn: Callable[[], Any], attempts: int = 3) -> Any:
    for i in range(attempts):
        try:
            return fn()
        except OSError:
            if i == attempts - 1:
                raise
            time.sleep(0.5 * 2**i)
    return None  # pragma: no cover


def _keep_original_name(extraction: Any, file_name: str) -> None:
    """The report names the file as it arrived, not as it is stored (an archive copy
    `processed/<report_id>.pdf` keeps its original name through a backfill)."""
    source = extraction.report.source
    if file_name and source.file_name != file_name:
        extraction.report = extraction.report.model_copy(update={"source": source.model_copy(update={"file_name": file_name})})


def low_quality(report: Any) -> tuple[str, str, str] | None:
    """(code, stage, message) quarantining a report whose verdict is needs_review (`strict`)."""
    quality = getattr(report, "quality", None)
    if quality is None or quality.verdict != "needs_review":
        return None
    return str(QuarantineCode.LOW_QUALITY), "quality", "needs review (strict): " + "; ".join(quality.reasons)


def store_outcome(job: Job, outcome: Outcome, output: Path, version: str, mode: Literal["ingest", "backfill"], strict: bool = False) -> FileResult:
    """Write one file's outputs, then (ingest) move the PDF out of its claim folder.

    Ingest: extracted → `processed/<report_id>.pdf`; otherwise → `quarantine/`. With
    `strict`, a report that needs review goes to quarantine (`low_quality`) unwritten.
    Backfill: the source stays where it is; only the outputs and records are written.
    """
    claimed = Path(job.path)
    rejected = low_quality(outcome.extraction.report) if strict and outcome.extraction is not None else None
    if rejected is not None:
        outcome = Outcome(code=rejected[0], stage=rejected[1], message=rejected[2], seconds=outcome.seconds, log=outcome.log)
        with contextlib.suppress(OSError):
            withdraw_report(output, report_id_for(job.sha256))  # written by an earlier, lenient run
    try:
        if outcome.extraction is not None:
            _keep_original_name(outcome.extraction, job.file_name)
            rec = _with_io_retries(lambda: store_extraction(output, outcome.extraction, file_name=job.file_name, sha256=job.sha256, parser_version=version))
            if mode == "ingest":
                _with_io_retries(lambda: finish_processed(claimed, output, job.sha256))
            res = FileResult.from_record(rec, file_name=job.file_name, parsed=True, seconds=outcome.seconds)
            res.period = period_of(outcome.extraction.report)
            log_outcome(res, outcome.log)
            return res
        code, stage, message = outcome.code or "internal_error", outcome.stage or "extract", outcome.message or "unknown error"
    except Exception as exc:  # noqa: BLE001 - writing the outputs failed: quarantine as internal error
        code, stage, message = str(QuarantineCode.INTERNAL_ERROR), "store", f"writing the outputs failed: {type(exc).__name__}: {exc}"
    rec = store_failure(output, file_name=job.file_name, sha256=job.sha256, code=code, stage=stage, message=message, parser_version=version)
    if mode == "ingest":
        quarantine(claimed, output, QuarantineRecord(file_name=job.file_name, sha256=job.sha256, stage=stage, code=code, message=message))
    res = FileResult.from_record(rec, file_name=job.file_name, parsed=True, seconds=outcome.seconds)
    log_outcome(res, outcome.log)
    return res


@flow(name="extract-files", description="Extract PDFs as parallel tasks and store each result as it comes.")
def extract_files(jobs: list[Job], output: Path, settings: Settings, version: str, mode: str = "ingest", strict: bool = False) -> list[FileResult]:
    """Submit one `extract-pdf` task per job to this flow's task runner; store each result
    in this process as soon as it is ready (a crash loses only files still in flight)."""
    output = Path(output)
    # No Prefect task timeout: it cannot interrupt a blocked thread; the worker process
    # running the extraction is killed at `settings.timeout_seconds` instead (isolate.py).
    futures = {extract_pdf.submit(job.path, settings, job.file_name): i for i, job in enumerate(jobs)}
    results: list[tuple[int, FileResult]] = []
    try:
        results = _collect(futures, jobs, output, version, mode, strict)
    except BaseException:  # interrupted (Ctrl-C): drop the queued extractions, stop those in flight
        for fut in futures:
            with contextlib.suppress(Exception):
                fut.wrapped_future.cancel()
        shutdown_workers(kill_busy=True)
        raise
    return [res for _, res in sorted(results, key=lambda pair: pair[0])]


def _collect(futures: dict, jobs: list[Job], output: Path, version: str, mode: str, strict: bool = False) -> list[tuple[int, FileResult]]:
    """Store each task's result as soon as it is ready."""
    results: list[tuple[int, FileResult]] = []
    for fut in as_completed(list(futures)):
        index = futures[fut]
        job = jobs[index]
        value = fut.result(raise_on_failure=False)
        if isinstance(value, Outcome):
            outcome = value
        else:  # the task failed: a transient error after its retries, a timeout, a bug
            code, stage, message = _failure_of(value)
            outcome = Outcome(code=code, stage=stage, message=message)
        res = store_outcome(job, outcome, output, version, mode, strict)  # type: ignore[arg-type]
        results.append((index, res))
        _notify("file", res)
    return results


def write_proofs(output: Path, files: list[FileResult], pdf_of: Callable[[FileResult], Path], settings: Settings) -> None:
    """The proof page of each extracted file, `OUTPUT/proof/<report_id>.html`, its pages
    drawn in a worker process under the time and memory limits; a page that cannot be
    drawn is a placeholder and a warning in the run log, a page that cannot be written is
    logged, never a failed run (the report itself is written). The page of a file now
    quarantined (`--strict`) goes with its report."""
    from metroextract.proof import write_stored_proofs

    for f in files:
        if f.status != "extracted" and f.report_id:
            proof_path(output, f.report_id).unlink(missing_ok=True)
    pairs = [(f.report_id, pdf_of(f)) for f in files if f.status == "extracted" and f.report_id]
    for problem in write_stored_proofs(output, pairs, settings):
        get_run_logger().warning(problem)
        run_logger.warning(problem)


def heal_proofs(output: Path, settings: Settings) -> None:
    """Proof pages missing for reports already stored (a run interrupted while writing
    them, or `--no-proof` earlier): written from the archived PDF, `processed/<id>.pdf`."""
    from metroextract.proof import reports_without_proof, write_stored_proofs

    pairs = [(rid, pdf) for rid in reports_without_proof(output) if (pdf := processed_path(output, rid)).is_file()]
    if pairs:
        run_logger.info("writing %d missing proof page(s)", len(pairs))
    for problem in write_stored_proofs(output, pairs, settings):
        get_run_logger().warning(problem)
        run_logger.warning(problem)


def rebuild_if_stale(output: Path) -> str:
    """Rebuild the datasets when `reports/` (or the review lists, source records) differ
    from what the manifest records: whatever run changed them, even one interrupted."""
    from metroextract.datasets import datasets_stale

    return rebuild(output) if datasets_stale(output) else "unchanged"


def _size(job: Job) -> int:
    try:
        return Path(job.path).stat().st_size
    except OSError:
        return 0


def run_extractions(jobs: list[Job], output: Path, settings: Settings, version: str, mode: str, concurrency: int, dask_address: str | None, strict: bool = False) -> list[FileResult]:
    """Extract `jobs` in a subflow on the chosen task runner. The largest files go first:
    a long file started last would otherwise keep the whole run waiting."""
    if not jobs:
        return []
    jobs = sorted(jobs, key=_size, reverse=True)
    if dask_address is None and settings.ocr_jobs is None:
        # the files extracted at once share the cores: each OCRs its pages on its share
        settings = settings.model_copy(update={"ocr_jobs": ocr_jobs_for(settings, min(concurrency, len(jobs)))})
    sub = extract_files.with_options(task_runner=task_runner(concurrency, dask_address))
    try:
        return sub(jobs=jobs, output=output, settings=settings, version=version, mode=mode, strict=strict)
    except RuntimeError as exc:
        if dask_address and "deserialization" in str(exc):
            raise RuntimeError(
                f"the Dask cluster at {dask_address} cannot load the tasks: start its scheduler and workers "
                f"with this repository on PYTHONPATH (PYTHONPATH={Path(__file__).resolve().parents[1]}) "
                "and the same metroextract version"
            ) from exc
        raise


def reuse_outcome(claimed: Path, sha256: str, rec: Any, output: Path, strict: bool = False) -> FileResult:
    """An unchanged file: move it where its stored outcome says, without parsing it.

    With `strict`, a stored report that needs review is quarantined (`low_quality`) and
    withdrawn from the outputs instead."""
    if strict and rec.status == "extracted" and rec.quality == "needs_review":
        message = "needs review (strict): " + "; ".join(rec.quality_reasons)
        withdraw_report(output, rec.report_id)
        rec = store_failure(output, file_name=claimed.name, sha256=sha256, code=str(QuarantineCode.LOW_QUALITY), stage="quality", message=message, parser_version=rec.parser_version)
    if rec.status == "extracted":
        finish_processed(claimed, output, sha256)
    else:
        quarantine(
            claimed,
            output,
            QuarantineRecord(file_name=claimed.name, sha256=sha256, stage=rec.stage or "extract", code=rec.code or "internal_error", message=rec.message or "(unchanged file)"),
        )
    res = FileResult.from_record(rec, file_name=claimed.name, parsed=False)
    log_outcome(res)
    return res


# --------------------------------------------------------------------------- the flow


@flow(
    name="ingest",
    description="Extract every PDF dropped in the inbox: reports, quarantine, datasets, artifact.",
    validate_parameters=True,
)
def ingest(
    inbox: Path,
    output: Path,
    settle_seconds: float = 1.0,
    timeout_seconds: float | None = None,
    dask_address: str | None = None,
    concurrency: int = 2,
    max_settle_wait: float = 30.0,
    strict: bool = False,
    proof: bool = True,
) -> RunSummary:
    """Ingest the inbox.

    Args:
        inbox: folder where PDFs are dropped (not searched recursively).
        output: output folder (reports/, sources/, processed/, quarantine/, datasets/ …).
        settle_seconds: a file modified more recently than this is still being written.
        timeout_seconds: longest extraction of one file (default: METROEXTRACT_TIMEOUT_SECONDS or 300).
        dask_address: `tcp://host:8786` of a Dask scheduler to extract on; default: local threads.
        concurrency: files extracted at once on the local runner.
        max_settle_wait: how long to wait for files still being written (0: leave them for the next run).
        strict: quarantine reports whose quality verdict is needs_review (code `low_quality`)
            instead of extracting them.
        proof: write each report's proof page, `OUTPUT/proof/<report_id>.html` (for a file
            extracted now, or an unchanged one whose page is missing).
    """
    t0 = time.monotonic()
    check_dask(dask_address)
    inbox, output = Path(inbox).absolute(), Path(output).absolute()
    output.mkdir(parents=True, exist_ok=True)
    with run_log(output, "ingest") as log_path:
        run_logger.info("ingest %s → %s (metroextract %s, parser %s%s)", inbox, output, metroextract.__version__, parser_version(), ", strict" if strict else "")
        summary = _ingest(inbox, output, settle_seconds, timeout_seconds, dask_address, concurrency, max_settle_wait, strict, proof)
        summary.log = str(log_path)
        summary.seconds = round(time.monotonic() - t0, 3)
        c = summary.counts()
        run_logger.info("ingest: %d files, %d extracted (%d need review), %d quarantined, %d parsed, %d unchanged; datasets %s; %.1f s",
                        c["found"], c["extracted"], c["needs_review"], c["quarantined"], c["parsed"], c["unchanged"], summary.datasets, summary.seconds)  # fmt: skip
    return summary


def _ingest(
    inbox: Path, output: Path, settle_seconds: float, timeout_seconds: float | None, dask_address: str | None, concurrency: int, max_settle_wait: float, strict: bool, proof: bool = True
) -> RunSummary:
    settings = make_settings(timeout_seconds)
    version = parser_version()
    summary = RunSummary(flow="ingest")
    run = ClaimRun(inbox, output)
    try:
        with run:
            claimed = claim_files(run, summary, settle_seconds, max_settle_wait)
            _notify("start", len(claimed))
            jobs, duplicates = plan_jobs(run, claimed, summary, version, strict)
            summary.files.extend(run_extractions(jobs, output, settings, version, "ingest", concurrency, dask_address, strict))
            for path, sha in duplicates:  # same content as a file of this run: parsed once
                rec = read_source_record(output, sha)
                if rec is not None:
                    res = reuse_outcome(path, sha, rec, output)
                    summary.files.append(res)
                    _notify("file", res)
            if proof:
                fresh = [f for f in summary.files if f.parsed or (f.status == "extracted") != proof_path(output, f.report_id or "").exists()]
                write_proofs(output, fresh, lambda f: processed_path(output, f.report_id or ""), settings)
                heal_proofs(output, settings)
    except KeyboardInterrupt:
        _notify("interrupted", {"stored": [f.file_name for f in summary.files], "returned": [p.name for p in run.returned]})
        raise
    summary.files.sort(key=lambda f: f.file_name)
    summary.datasets = rebuild_if_stale(output)
    publish_artifact(summary, "ingest-summary")
    c = summary.counts()
    get_run_logger().info("ingest: %d extracted (%d need review), %d quarantined, %d parsed, %d unchanged", c["extracted"], c["needs_review"], c["quarantined"], c["parsed"], c["unchanged"])
    return summary


def claim_files(run: ClaimRun, summary: RunSummary, settle_seconds: float, max_settle_wait: float) -> list[Path]:
    """Adopt the files of runs that died, then claim the settled PDFs of the inbox. Entries
    that are not plain files, and files that cannot be moved, are named in the summary."""
    output = run.output
    adopted = run.adopt_orphans()
    if adopted:
        run_logger.info("resuming %d file(s) left by an interrupted run", len(adopted))
    if not run.others_alive():
        cleanup_tmp(output, older_than=run.started)
    scan = wait_for_settled(run.inbox, settle_seconds, max_settle_wait)
    summary.skipped.extend(scan.skipped)
    claimed = list(adopted)
    for path in scan.ready:
        try:
            got = run.claim(path)
        except OSError as exc:
            summary.skipped.append(SkippedEntry(name=path.name, kind="unmovable", reason=f"cannot be moved out of the inbox ({exc.strerror or exc}): it stays there"))
            continue
        if got is not None:
            claimed.append(got)
    for entry in summary.skipped:
        run_logger.warning("%s: skipped: %s", entry.name, entry.reason)
    return claimed


def plan_jobs(run: ClaimRun, claimed: list[Path], summary: RunSummary, version: str, strict: bool) -> tuple[list[Job], list[tuple[Path, str]]]:
    """Hash each claimed file: an unchanged one reuses its stored outcome, a second copy of
    a file of this run waits for it, the others are jobs. A file that cannot be read goes
    back to the inbox, named in the summary (never claimed and forgotten)."""
    from metroextract.pipeline import file_sha256

    output = run.output
    jobs: list[Job] = []
    duplicates: list[tuple[Path, str]] = []
    for path in claimed:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            put_back = _put_back(run, path)
            reason = f"cannot be read ({exc.strerror or exc}): {'it stays in the inbox; fix its permissions and run again' if put_back else 'kept in ' + str(path.parent)}"
            summary.skipped.append(SkippedEntry(name=path.name, kind="unreadable", reason=reason))
            run_logger.warning("%s: skipped: %s", path.name, reason)
            continue
        rec = reusable_outcome(output, sha, version)
        if rec is not None:
            res = reuse_outcome(path, sha, rec, output, strict)
            summary.files.append(res)
            _notify("file", res)
        elif any(job.sha256 == sha for job in jobs):
            duplicates.append((path, sha))
        else:
            jobs.append(Job(path=str(path), sha256=sha, file_name=path.name))
    return jobs, duplicates


def _put_back(run: ClaimRun, path: Path) -> bool:
    try:
        return run.put_back(path)
    except OSError:
        return False


if __name__ == "__main__":  # python flows/ingest.py INBOX OUTPUT
    summary = ingest(inbox=Path(sys.argv[1]), output=Path(sys.argv[2]))
    sys.stdout.buffer.write(summary.to_json())
