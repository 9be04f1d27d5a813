"""Watch an inbox: run `ingest` whenever settled PDFs are waiting.

Two ways to run it:

- `watch(inbox, output, interval=…)` (what `metroextract watch` calls): a poll loop in
  this process. Polling is a cheap directory listing; a Prefect flow run is created only
  when there is work (settled PDFs, or files left claimed by a run that died), so an idle
  inbox does not fill the UI with empty runs. Files still being written (modified in the
  last `settle_seconds`, `*.part`, hidden) wait for a later poll. Stops after
  `iterations` polls or when `stop` is set (tests), or on Ctrl-C.
- `python flows/watch.py INBOX OUTPUT [--interval 60] [--name inbox-watch]`: serves the
  `ingest` flow as a deployment with an interval schedule (`flow.serve`): the Prefect
  server (`prefect server start`, or PREFECT_API_URL) schedules a run every interval,
  and this process executes them until stopped.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    from flows.ingest import ingest
except ModuleNotFoundError:  # loaded by file path
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.ingest import ingest

from metroextract.inbox import CLAIMS_DIR, RunSummary, scan_inbox


def _has_leftover_claims(inbox: Path, output: Path) -> bool:
    for root in (output / CLAIMS_DIR, inbox / CLAIMS_DIR):
        if root.is_dir() and any(p.is_dir() for p in root.iterdir()):
            return True
    return False


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (path.name, -1, -1)
    return (path.name, st.st_size, st.st_mtime_ns)


def watch(
    inbox: Path,
    output: Path,
    *,
    interval: float = 5.0,
    settle_seconds: float = 2.0,
    iterations: int | None = None,
    stop: threading.Event | None = None,
    on_summary: Callable[[RunSummary], Any] | None = None,
    on_error: Callable[[Exception], Any] | None = None,
    **ingest_options: Any,
) -> list[RunSummary]:
    """Poll `inbox` every `interval` seconds; run the ingest flow when there is work.

    `ingest_options` go to the flow (`timeout_seconds`, `concurrency`, `dask_address`,
    `strict`).
    A run that fails is passed to `on_error` and the loop goes on (without `on_error`, it
    raises). Returns the summaries of the runs made.
    """
    inbox, output = Path(inbox).absolute(), Path(output).absolute()
    stop = stop or threading.Event()
    summaries: list[RunSummary] = []
    polls = 0
    unreadable: set[tuple[str, int, int]] = set()  # told once; tried again when the file changes
    while not stop.is_set():
        scan = scan_inbox(inbox, settle_seconds)
        fresh = [p for p in scan.ready if _stamp(p) not in unreadable]
        if fresh or _has_leftover_claims(inbox, output):
            try:
                summary = ingest(inbox=inbox, output=output, settle_seconds=settle_seconds, max_settle_wait=0, **ingest_options)
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(exc)
            else:
                unreadable |= {_stamp(inbox / e.name) for e in summary.skipped if e.kind in ("unreadable", "unmovable")}
                summaries.append(summary)
                if on_summary is not None:
                    on_summary(summary)
        polls += 1
        if iterations is not None and polls >= iterations:
            break
        stop.wait(interval)
    return summaries


def serve(inbox: Path, output: Path, interval: float = 60.0, name: str = "inbox-watch") -> None:
    """Serve `ingest` as a deployment that runs every `interval` seconds (blocks)."""
    ingest.serve(
        name=name,
        interval=interval,
        parameters={"inbox": str(Path(inbox).absolute()), "output": str(Path(output).absolute()), "settle_seconds": 2.0, "max_settle_wait": 0.0},
        description="Ingest the inbox on an interval schedule (served by flows/watch.py).",
        tags=["metroextract", "ingest"],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the ingest flow with an interval schedule.")
    parser.add_argument("inbox", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between scheduled runs")
    parser.add_argument("--name", default="inbox-watch", help="deployment name")
    args = parser.parse_args()
    serve(args.inbox, args.output, interval=args.interval, name=args.name)
