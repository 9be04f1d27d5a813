"""sections.lines: names in lists."""

from __future__ import annotations

from metroextract.sections import (
    clean_name,
)


def test_drop_cap_doubled_initial_is_cleaned() -> None:
    assert [clean_name(n) for n in ("AAbidjan", "Abidjan", "ALLAS", "AMB")] == ["Abidjan", "Abidjan", "ALLAS", "AMB"]
