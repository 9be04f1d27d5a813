"""sections.engagement: member names."""

from __future__ import annotations

from metroextract.sections import (
    parse_engagement,
)

from ._lines import BODY, L


def test_engagement_grid_rejoins_wrapped_names() -> None:
    lines = [
        L("AAbidjan", 58.4, 102.4, 10, width=44),
        L("Accra", 84, 115.6, 10),
        L("Barcelone (aire", 84, 128.8, 10, width=70),
        L("métropolitaine)", 84, 142.0, 10, width=72),
        L("Barcelona", 204, 102.4, 10, width=48),
        L("(metropolitan area)", 204, 115.6, 10, width=90),
        L("Xí'an", 204, 128.8, 10),
    ]
    assert [m.name for m in parse_engagement(lines, BODY)] == [
        "Abidjan", "Accra", "Barcelone (aire métropolitaine)", "Barcelona (metropolitan area)", "Xí'an",
    ]  # fmt: skip
