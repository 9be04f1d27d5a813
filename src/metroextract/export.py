"""Export stage: Reports → JSON documents on disk, always written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .atomic import atomic_write_bytes
from .models import Report, ReviewItem


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
