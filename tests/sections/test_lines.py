"""sections.lines: names in lists."""

from __future__ import annotations

from metroextract.sections import (
    clean_name,
)
from metroextract.sections.lines import names_of

from ._lines import L


def test_drop_cap_doubled_initial_is_cleaned() -> None:
    assert [clean_name(n) for n in ("AAbidjan", "Abidjan", "ALLAS", "AMB")] == ["Abidjan", "Abidjan", "ALLAS", "AMB"]


def test_a_name_a_narrow_cell_broke_is_read_whole() -> None:
    keys = {"guadalajara", "madrid", "barcelona (metropolitan area)"}
    lines = [L("Guadalajar", 118, 157), L("a", 118, 171), L("Madrid", 118, 186), L("Barcelona", 118, 200), L("(metropolitan area)", 118, 214)]
    assert names_of(lines, keys) == ["Guadalajara", "Madrid", "Barcelona (metropolitan area)"]
    # without the registry's names, a line opening in lower case goes on the name above
    assert names_of(lines) == ["Guadalajar a", "Madrid", "Barcelona (metropolitan area)"]
