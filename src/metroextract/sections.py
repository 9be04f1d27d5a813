"""Report sections other than activities: SegmentedReport sections → typed parts.

Placeholder until the whole-report issue lands: returns no parts.
"""

from __future__ import annotations

from typing import Any

from .models import Period, Warning_
from .segment import SegmentedReport


def sections_to_parts(seg: SegmentedReport, period: Period, lexicon: set[str], warnings: list[Warning_]) -> dict[str, Any]:
    """Typed values of every non-activity section, keyed by Report field name."""
    return {}
