"""CLI commands that run the Prefect flows (ingest, watch, backfill, pull) and `release`.

`cli.py` adds them to the `metroextract` app with `register(app)`, after its own. The flows
live in `flows/` at the repository root; when that package is not importable it is found
beside this source tree. Prefect runs on its ephemeral local API unless PREFECT_API_URL
points at a server; its telemetry, console logs and shutdown messages are kept out of the
terminal (see `flows.PREFECT_DEFAULTS`).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cli_common import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, err, fail, out

REPO_ROOT = Path(__file__).resolve().parents[2]

EXIT_CODES = "Exit codes: 0 every file extracted (or nothing to do); 1 at least one file ended in quarantine (pull: a download failed); 2 bad usage or settings; 4 internal error."


# The commands are collected here and added to the real app by `register`, so that this
# module needs nothing from cli.py and `--help` lists them after extract and eval.
commands = typer.Typer()


def register(app: typer.Typer) -> None:
    """Add ingest, watch, backfill, pull and release to `app`."""
    app.registered_commands += commands.registered_commands


def _flows(debug: bool = False) -> Any:
    """Import the `flows` package (applying its quiet Prefect defaults) before Prefect."""
    try:
        import flows  # noqa: F401
    except ModuleNotFoundError:
        if not (REPO_ROOT / "flows" / "__init__.py").is_file():
            fail("flows", "usage", f"the flows package is not importable (run from the repository, or add it to PYTHONPATH); looked in {REPO_ROOT}")
            raise typer.Exit(EXIT_USAGE) from None
        sys.path.append(str(REPO_ROOT))
        import flows  # noqa: F401
    flows.quiet_prefect(debug)
    return flows


def _run(fn: Callable[[], Any], debug: bool, label: str, with_progress: bool = True) -> Any:
    """Run a flow with a progress bar; turn failures into one clear line and an exit code."""
    from pydantic import ValidationError

    from .errors import MetroextractError

    interrupted: dict[str, list[str]] = {}  # what the flow said it had done when Ctrl-C came
    try:
        if not with_progress:
            return fn()
        from flows.ingest import progress_hook

        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            tid = progress.add_task("starting Prefect", total=None)

            def hook(event: str, payload: Any) -> None:
                if event == "interrupted":
                    interrupted.update(payload)
                elif event == "start":
                    progress.update(tid, total=payload, description=label)
                elif event == "file":
                    progress.update(tid, advance=1, description=f"{label}: {payload.file_name[:50]}")

            with progress_hook(hook):
                return fn()
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        err.print(_interrupted_message(interrupted), highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    except (ValueError, ValidationError, FileNotFoundError, NotADirectoryError) as exc:
        if debug:
            traceback.print_exc()
        fail(label, "usage", _first_line(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except MetroextractError as exc:
        if debug:
            traceback.print_exc()
        fail(label, str(exc.code), exc.message)
        raise typer.Exit(EXIT_USAGE if exc.stage == "settings" else EXIT_INTERNAL) from None
    except Exception as exc:  # noqa: BLE001 - the edge: anything else is an internal error
        if debug:
            traceback.print_exc()
        fail(label, "internal_error", f"{type(exc).__name__}: {_first_line(exc)}")
        raise typer.Exit(EXIT_INTERNAL) from None


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _interrupted_message(done: dict[str, list[str]]) -> str:
    """What an interrupted run actually did: files stored, files put back in the inbox."""
    if not done:
        return "interrupted: the next run finishes what this one started (outputs are never half-written)"
    stored, returned = done.get("stored", []), done.get("returned", [])
    parts = [f"{len(stored)} file(s) stored" if stored else "no file stored"]
    parts.append(f"{len(returned)} put back in the inbox ({_names(returned)})" if returned else "no file put back in the inbox")
    return f"interrupted: {', '.join(parts)}; the next run over the same output writes what is missing (proof pages, datasets)"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _quality(f: Any) -> str:
    return "needs review" if f.quality == "needs_review" else (f.quality or "")


def _print_summary(summary: Any, title: str) -> None:
    """The table, the counts line, one `file: needs_review: reasons` line per report to
    review (stdout: they are extracted), then one `file: code: message` line per failure
    (stderr)."""
    table = Table(title=title, show_lines=False)
    table.add_column("file", overflow="fold", ratio=1)
    for col, just in (("status", "left"), ("code", "left"), ("quality", "left"), ("activities", "right"), ("warnings", "right"), ("unresolved", "right"), ("parsed", "left")):
        table.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    for f in summary.files:
        style = "red" if f.status == "quarantined" else ("yellow" if f.quality == "needs_review" else None)
        table.add_row(escape(f.file_name), f.status, f.code or "", _quality(f), str(f.activities), str(f.warnings), str(f.unresolved), "yes" if f.parsed else "unchanged", style=style)
    if summary.files:
        out.print(table)
    c = summary.counts()
    review = f" ({c['needs_review']} needs review)" if c.get("needs_review") else ""
    line = f"{c['found']} files: {c['extracted']} extracted{review}, {c['quarantined']} quarantined ({c['parsed']} parsed, {c['unchanged']} unchanged"
    line += f", {c['filtered']} outside the period)" if summary.flow == "backfill" else ")"
    skipped = getattr(summary, "skipped", [])
    if skipped:
        line += f"; {len(skipped)} skipped"
    out.print(f"{line}; datasets {summary.datasets}; {summary.seconds:.1f} s", highlight=False, soft_wrap=True)
    for entry in skipped:
        if entry.kind not in ("unreadable", "unmovable"):
            out.print(f"{escape(entry.name)}: skipped: {escape(entry.reason)}", highlight=False, soft_wrap=True)
    for f in summary.to_review:
        out.print(f"[yellow]{escape(f.file_name)}[/]: needs_review: {escape('; '.join(f.quality_reasons) or 'see the report quality')}", highlight=False, soft_wrap=True)
        if getattr(f, "sections_to_review", None):
            out.print(f"[yellow]{escape(f.file_name)}[/]: sections to review: {escape(', '.join(f.sections_to_review))}", highlight=False, soft_wrap=True)
    if getattr(summary, "log", None):
        out.print(f"log: {escape(summary.log)}", highlight=False, soft_wrap=True)
    for f in summary.failed:
        fail(f.file_name, f.code or "internal_error", f.message or "")
    for entry in skipped:
        if entry.kind in ("unreadable", "unmovable"):
            fail(entry.name, "io_error", entry.reason)


def _finish(summary: Any, summary_json: Path | None) -> None:
    if summary_json is not None:
        from .atomic import atomic_write_bytes

        atomic_write_bytes(Path(summary_json), summary.to_json())
    if summary.datasets.startswith("failed"):
        fail("datasets", "internal_error", summary.datasets)
        raise typer.Exit(EXIT_INTERNAL)
    unreadable = [e for e in getattr(summary, "skipped", []) if e.kind in ("unreadable", "unmovable")]
    raise typer.Exit(EXIT_FAILED if summary.failed or unreadable else EXIT_OK)


def _check_dask(dask_address: str | None) -> None:
    from flows.ingest import check_dask

    try:
        check_dask(dask_address)
    except ValueError as exc:
        fail("--dask-address", "usage", str(exc))
        raise typer.Exit(EXIT_USAGE) from None


def _check_dir(path: Path, what: str) -> None:
    if not path.is_dir():
        fail(str(path), "not_found", f"no such {what} folder")
        raise typer.Exit(EXIT_USAGE)


@commands.command(epilog=EXIT_CODES)
def ingest(
    inbox: Path = typer.Argument(..., help="folder where PDFs are dropped"),
    output: Path = typer.Option(..., "-o", "--output", help="output folder (reports/, processed/, quarantine/, datasets/ …)"),
    dask_address: str | None = typer.Option(None, "--dask-address", help="extract on an existing Dask cluster, e.g. tcp://10.0.0.5:8786"),
    timeout: float | None = typer.Option(None, "--timeout", help="longest extraction of one file, seconds (default 300)"),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="files extracted at once (local runner)"),
    settle: float = typer.Option(1.0, "--settle", min=0.0, help="a file modified in the last S seconds is still being written"),
    summary_json: Path | None = typer.Option(None, "--summary-json", help="also write the run summary as JSON"),
    strict: bool = typer.Option(False, "--strict", help="quarantine reports whose quality verdict is needs_review (code low_quality) instead of extracting them"),
    proof: bool = typer.Option(True, "--proof/--no-proof", help="write OUTPUT/proof/<report_id>.html, each report's proof page"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks, Prefect's logs and the PDF libraries' messages"),
) -> None:
    """Extract every PDF in INBOX: reports into OUTPUT, bad files into OUTPUT/quarantine.

    Files already extracted by this parser version are not parsed again. Each file is
    extracted in a worker process with a time limit; the PDF then moves to
    OUTPUT/processed/<report_id>.pdf or OUTPUT/quarantine/<sha256>.pdf (+ .error.json).
    A report whose quality verdict is needs_review is extracted and listed
    (`file: needs_review: reasons`); with --strict it is quarantined instead. Library
    messages go to OUTPUT/logs/ingest-<time>-<id>.log, not to the terminal.
    """
    _flows(debug)
    _check_dir(inbox, "inbox")
    from flows.ingest import ingest as ingest_flow

    _check_dask(dask_address)

    summary = _run(
        lambda: ingest_flow(inbox=inbox, output=output, settle_seconds=settle, timeout_seconds=timeout, dask_address=dask_address, concurrency=concurrency, strict=strict, proof=proof),
        debug,
        "ingest",
    )
    _print_summary(summary, "ingest")
    _finish(summary, summary_json)


@commands.command(epilog="Exit codes: 0 stopped by Ctrl-C or after --iterations; 2 bad usage; 4 internal error.")
def watch(
    inbox: Path = typer.Argument(..., help="folder where PDFs are dropped"),
    output: Path = typer.Option(..., "-o", "--output", help="output folder"),
    interval: float = typer.Option(5.0, "--interval", min=0.1, help="seconds between two looks at the inbox"),
    settle: float = typer.Option(2.0, "--settle", min=0.0, help="a file modified in the last S seconds is still being written"),
    timeout: float | None = typer.Option(None, "--timeout", help="longest extraction of one file, seconds"),
    concurrency: int = typer.Option(2, "--concurrency", min=1),
    dask_address: str | None = typer.Option(None, "--dask-address"),
    iterations: int | None = typer.Option(None, "--iterations", min=1, help="stop after N looks (default: run until Ctrl-C)"),
    strict: bool = typer.Option(False, "--strict", help="quarantine reports whose quality verdict is needs_review (code low_quality)"),
    proof: bool = typer.Option(True, "--proof/--no-proof", help="write OUTPUT/proof/<report_id>.html, each report's proof page"),
    debug: bool = typer.Option(False, "--debug"),
) -> None:
    """Watch INBOX and ingest every PDF dropped there, until Ctrl-C.

    A file still being copied (modified in the last --settle seconds, or named *.part,
    or hidden) is left for a later look. For a scheduled deployment instead, see
    `python flows/watch.py --help`.
    """
    _flows(debug)
    _check_dir(inbox, "inbox")
    from flows.watch import watch as watch_loop

    _check_dask(dask_address)

    def on_summary(summary: Any) -> None:
        for f in summary.files:
            if f.status == "extracted":
                review = f"; needs review: {'; '.join(f.quality_reasons)}" if f.quality == "needs_review" else ""
                err.print(f"[green]extracted[/] {escape(f.file_name)} → {f.report_id} ({f.activities} activities{escape(review)})", highlight=False)
        c = summary.counts()
        review = f" ({c['needs_review']} needs review)" if c.get("needs_review") else ""
        err.print(f"{c['extracted']} extracted{review}, {c['quarantined']} quarantined; datasets {summary.datasets}", highlight=False)
        for f in summary.failed:
            fail(f.file_name, f.code or "internal_error", f.message or "")

    def on_error(exc: Exception) -> None:
        if debug:
            traceback.print_exception(exc)
        fail("watch", "internal_error", f"{type(exc).__name__}: {_first_line(exc)} (watching on)")

    err.print(f"watching {escape(str(inbox))} every {interval:g} s — Ctrl-C to stop", highlight=False)
    _run(
        lambda: watch_loop(
            inbox,
            output,
            interval=interval,
            settle_seconds=settle,
            iterations=iterations,
            on_summary=on_summary,
            on_error=on_error,
            timeout_seconds=timeout,
            concurrency=concurrency,
            dask_address=dask_address,
            strict=strict,
            proof=proof,
        ),
        debug,
        "watch",
        with_progress=False,
    )
    raise typer.Exit(EXIT_OK)


@commands.command(epilog=EXIT_CODES)
def backfill(
    source: Path = typer.Argument(..., help="folder of PDFs (e.g. OUTPUT/processed) or a pull manifest (.csv/.json)"),
    output: Path = typer.Option(..., "-o", "--output", help="output folder to update"),
    since: str | None = typer.Option(None, "--since", help="first month of the report periods to include (YYYY-MM)"),
    until: str | None = typer.Option(None, "--until", help="last month of the report periods to include (YYYY-MM)"),
    force: bool = typer.Option(False, "--force", help="extract again even what this parser version already extracted"),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="files extracted at once (local runner)"),
    dask_address: str | None = typer.Option(None, "--dask-address", help="extract on an existing Dask cluster, e.g. tcp://10.0.0.5:8786"),
    timeout: float | None = typer.Option(None, "--timeout", help="longest extraction of one file, seconds"),
    summary_json: Path | None = typer.Option(None, "--summary-json", help="also write the run summary as JSON"),
    proof: bool = typer.Option(True, "--proof/--no-proof", help="write OUTPUT/proof/<report_id>.html, each report's proof page"),
    debug: bool = typer.Option(False, "--debug"),
) -> None:
    """Extract past reports again (after a parser change), filtered by report period.

    A report is selected when its period overlaps [--since, --until]. Source PDFs are
    never moved.
    """
    _flows(debug)
    if not source.exists():
        fail(str(source), "not_found", "no such folder or manifest")
        raise typer.Exit(EXIT_USAGE)
    from flows.backfill import backfill as backfill_flow
    from flows.backfill import check_month

    _check_dask(dask_address)

    try:
        check_month(since, "--since")
        check_month(until, "--until")
    except ValueError as exc:
        fail("backfill", "usage", str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    summary = _run(
        lambda: backfill_flow(source=source, output=output, since=since, until=until, force=force, concurrency=concurrency, dask_address=dask_address, timeout_seconds=timeout, proof=proof),
        debug,
        "backfill",
    )
    _print_summary(summary, "backfill")
    _finish(summary, summary_json)


@commands.command(epilog="Exit codes: 0 every file downloaded or already present; 1 a download failed; 2 bad usage (e.g. a bad manifest); 4 internal error.")
def pull(
    manifest: Path = typer.Argument(..., help="CSV or JSON list of {url, sha256?, period?, language?, file_name?}"),
    inbox: Path = typer.Option(..., "--inbox", help="where the PDFs land"),
    output: Path | None = typer.Option(None, "-o", "--output", help="skip entries whose sha256 is already in this output folder"),
    max_bytes: int | None = typer.Option(None, "--max-bytes", min=1, help="size cap per file (default 100 MB)"),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="timeout of each HTTP request, seconds"),
    retries: int = typer.Option(3, "--retries", min=0, help="further attempts after a 5xx, timeout or network error"),
    debug: bool = typer.Option(False, "--debug"),
) -> None:
    """Download the report PDFs listed in MANIFEST into INBOX (checked, atomic, never twice)."""
    _flows(debug)
    if not manifest.is_file():
        fail(str(manifest), "not_found", "no such manifest")
        raise typer.Exit(EXIT_USAGE)
    from flows.pull import pull as pull_flow

    summary = _run(lambda: pull_flow(manifest=manifest, inbox=inbox, output=output, max_bytes=max_bytes, timeout_seconds=timeout, retries=retries), debug, "pull", with_progress=False)
    table = Table(title="pull")
    for col in ("file", "status", "code", "bytes", "attempts"):
        table.add_column(col, overflow="fold")
    for r in summary.files:
        table.add_row(escape(r.file_name), r.status, r.code or "", str(r.bytes), str(r.attempts), style="red" if r.status == "failed" else None)
    if summary.files:
        out.print(table)
    c = summary.counts()
    out.print(f"{c['downloaded']} downloaded, {c['present']} already present, {c['failed']} failed", highlight=False)
    for r in summary.failed:
        fail(r.file_name, r.code or "internal_error", f"{r.message} ({r.url})")
    unreadable = [e for e in getattr(summary, "skipped", []) if e.kind in ("unreadable", "unmovable")]
    raise typer.Exit(EXIT_FAILED if summary.failed or unreadable else EXIT_OK)


@commands.command(epilog="Exit codes: 0 released; 2 unknown or ambiguous SHA256, or bad usage.")
def release(
    sha256: str = typer.Argument(..., help="sha256 of the quarantined file (or a unique prefix of at least 8 characters)"),
    output: Path = typer.Option(..., "-o", "--output", help="the output folder holding quarantine/"),
    inbox: Path = typer.Option(..., "--inbox", help="the inbox to put the file back into"),
) -> None:
    """Put a quarantined file back into the inbox, to be tried again.

    Do it after fixing the cause (removing a password, raising a limit, installing OCR):
    the next ingest run extracts the file again.
    """
    import re

    from .inbox import QUARANTINE_DIR
    from .inbox import release as do_release

    key = sha256.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", key):
        fail(sha256, "usage", "expected a sha256 (hex), or a unique prefix of at least 8 characters")
        raise typer.Exit(EXIT_USAGE)
    if len(key) < 64:
        matches = sorted({p.name[:64] for p in (output / QUARANTINE_DIR).glob(f"{key}*.pdf")})
        if len(matches) != 1:
            fail(sha256, "not_found" if not matches else "usage", "no quarantined file with this sha256" if not matches else f"{len(matches)} quarantined files start with {key}")
            raise typer.Exit(EXIT_USAGE)
        key = matches[0]
    try:
        dst = do_release(output, key, inbox)
    except FileNotFoundError as exc:
        fail(sha256, "not_found", str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, FileExistsError) as exc:
        fail(sha256, "usage", str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    err.print(f"released {key[:16]}… → {escape(str(dst))}; the next ingest run will try it again", highlight=False)
    raise typer.Exit(EXIT_OK)
