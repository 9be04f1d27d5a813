"""The strategic plan: L1 / L1A1 / L1A1D1 items with their labels."""

from __future__ import annotations

import re
from typing import Any

from ..fields import PLAN_CODE_RE, join_lines
from ..models import (
    Line,
    PlanItem,
)
from .lines import continues, is_heading, squash

_BULLET_RE = re.compile(r"^[-–—•·▪◦]\s+")


def plan_level(code: str) -> tuple[str, str | None]:
    """'L1' → line, 'L1A2' → axis under L1, 'L1A2D3' → deliverable under L1A2."""
    if "D" in code:
        return "deliverable", code[: code.index("D")]
    if "A" in code:
        return "axis", code[: code.index("A")]
    return "line", None


def parse_plan(lines: list[Line], body: float) -> list[PlanItem]:
    """Every line opening with an L1 / L1A1 / L1A1D1 code, with its wrapped label lines."""
    items: list[dict[str, Any]] = []
    prev: Line | None = None
    for ln in lines:
        text = _BULLET_RE.sub("", squash(ln.text))  # "- L1A1 label", "• L1A1 label"
        m = PLAN_CODE_RE.match(text)
        if m and not re.match(r"^[,;/]|^(?:L\d+(?:A\d+)?(?:D\d+)?[\s,;]*)+$", m.group(2)):
            items.append({"code": m.group(1), "label": [m.group(2)] if m.group(2) else [], "x0": ln.x0})
            prev = ln
        elif items and prev is not None and continues(prev, ln, 0.9) and ln.x0 >= items[-1]["x0"] - 2 and not is_heading(ln, body):
            items[-1]["label"].append(text)
            prev = ln
        else:
            prev = None
    out = []
    for it in items:
        label = join_lines(it["label"])
        if not label:
            continue
        level, parent = plan_level(it["code"])
        out.append(PlanItem(code=it["code"], level=level, parent=parent, label=label))  # type: ignore[arg-type]
    return out
