"""The review queue: names the resolver could not place, one JSONL file per report.

`OUTPUT/review/<report_id>.jsonl` holds one `ReviewItem` per line. A report with nothing
to review has no file, so `ls OUTPUT/review` is the list of reports needing a person.
The CLI reads the queue with `review_items_from_dir`; accepting a name adds it as an alias
(`registry.add_alias`), after which re-running the report resolves it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from metroextract.atomic import atomic_write_bytes
from metroextract.errors import MetroextractError
from metroextract.models import ReviewItem

__all__ = ["REVIEW_DIR", "ReviewFileError", "review_items_from_dir", "write_review"]

REVIEW_DIR = "review"


class ReviewFileError(MetroextractError):
    """A review file cannot be read or written, or a line in it is not a ReviewItem."""

    code = "review_file_invalid"
    stage = "review"


def review_items_from_dir(output_dir: Path) -> list[ReviewItem]:
    """Every review item under `output_dir/review/*.jsonl`, by file name then line order."""
    folder = Path(output_dir) / REVIEW_DIR
    if not folder.is_dir():
        return []
    items: list[ReviewItem] = []
    for path in sorted(folder.glob("*.jsonl")):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReviewFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(ReviewItem.model_validate_json(line))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                detail = f"{where}: {first['msg']}" if where else first["msg"]
                raise ReviewFileError(f"{path}:{lineno}: not a review item ({detail})") from exc
    return items


def _check_report_id(report_id: str) -> None:
    if not report_id or report_id in {".", ".."} or any(c in report_id for c in "/\\\0"):
        raise ReviewFileError(f"report id {report_id!r} cannot be a file name")


def write_review(output_dir: Path, report_id: str, items: Iterable[ReviewItem]) -> Path | None:
    """Write `output_dir/review/<report_id>.jsonl` atomically, or delete it when there are no
    items. Returns the file written, else None."""
    _check_report_id(report_id)
    folder = Path(output_dir) / REVIEW_DIR
    path = folder / f"{report_id}.jsonl"
    lines = [item.model_dump_json() + "\n" for item in items]
    if not lines:
        path.unlink(missing_ok=True)
        return None
    atomic_write_bytes(path, "".join(lines).encode("utf-8"))
    return path
