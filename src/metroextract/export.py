"""Export stage: Reports → JSON documents on disk, always written atomically."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .models import Report, ReviewItem


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (best effort: some filesystems refuse)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target.

    A reader sees the old file or the new one, never half of one, even after SIGKILL.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def dumps_json(value: Any) -> bytes:
    """The project's one JSON spelling: UTF-8, 2-space indent, trailing newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def report_path(out_dir: Path, report_id: str) -> Path:
    """Output paths derive from ids, never from file names."""
    return out_dir / "reports" / f"{report_id}.json"


def write_report_outputs(out_dir: Path, report: Report, review: list[ReviewItem]) -> Path:
    """Write the report document and its review list; return the report's path."""
    from .review import write_review

    path = report_path(out_dir, report.id)
    atomic_write_bytes(path, dumps_json(report.model_dump(mode="json")))
    write_review(out_dir, report.id, review)
    return path
