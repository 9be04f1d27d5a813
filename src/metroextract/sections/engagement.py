"""Member engagement: the members named, one per line or separated."""

from __future__ import annotations

from ..models import (
    Line,
    MemberRef,
)
from .lines import is_heading, names_of


def parse_engagement(lines: list[Line], body: float) -> list[MemberRef]:
    lines = [ln for ln in lines if not is_heading(ln, body)]
    return [MemberRef(name=n) for n in names_of(lines)]
