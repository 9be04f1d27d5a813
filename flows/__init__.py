"""Prefect flows of metroextract — orchestration only; every step calls the library.

- `flows.ingest`   flow `ingest`: inbox PDFs → reports or quarantine, datasets, a run artifact
- `flows.watch`    `watch()` poll loop over `ingest`; `python flows/watch.py` serves a deployment
- `flows.backfill` flow `backfill`: extract past reports again, filtered by period
- `flows.pull`     flow `pull`: download report PDFs listed in a manifest into the inbox

Importing this package sets quiet defaults for Prefect (telemetry off, Prefect's own
console logs and shutdown messages off, a patient ephemeral-server start) unless the
environment already sets them, and keeps the PDF libraries' log messages off the terminal
(each run writes them to `<output>/logs/`). It must happen before `prefect` is imported, which is why
it lives here and not in the flow modules.
"""

from __future__ import annotations

import os

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no telemetry
    "DO_NOT_TRACK": "1",
    # Prefect's console handler only: run logs still reach the API (the UI shows them).
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # Prefect's internal errors print on their own stderr handler: into the run log instead
    "PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL": "CRITICAL",
    # the ephemeral API server (no `prefect server start`) can be slow to start on a busy machine
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def quiet_prefect(debug: bool = False) -> None:
    """Apply `PREFECT_DEFAULTS` (what the environment sets wins) and keep the PDF
    libraries' log messages off the terminal (`metroextract.isolate.quiet_libraries`; each
    run writes them to its log file). With `debug`, Prefect's console logs are shown from
    INFO up, and the libraries' messages from WARNING up."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if debug:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
        os.environ["PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL"] = "INFO"
    from metroextract.isolate import quiet_libraries  # no Prefect import: safe here

    quiet_libraries(debug)


quiet_prefect()
