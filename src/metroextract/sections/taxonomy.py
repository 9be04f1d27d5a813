"""The challenge taxonomy: "1.1 label" items."""

from __future__ import annotations

import re
from typing import Any

from ..fields import join_lines
from ..models import (
    Challenge,
    Line,
)
from .lines import continues, is_heading
from .plan import join_cut_codes, pair_key_column, unbullet

_TAX_RE = re.compile(r"^(\d{1,2}\.\d{1,2})\.?(?:\s+(\S.*))?$")
# a challenge code cut by a narrow table cell after its dot: "1." / "1"
_CUT_TAX_RE = re.compile(r"^\d{1,2}\.$")


def parse_taxonomy(lines: list[Line], body: float) -> list[Challenge]:
    """'1.1 label' items (code and label may be printed apart), wrapped labels rejoined."""
    lines = pair_key_column(join_cut_codes(lines, _CUT_TAX_RE), r"\d{1,2}\.\d{1,2}\.?")
    lines = [ln for ln in lines if unbullet(ln.text)]  # a bullet alone in its gutter
    items: list[dict[str, Any]] = []
    prev: Line | None = None
    for ln in lines:
        text = unbullet(ln.text)
        m = _TAX_RE.match(text)
        if m:
            items.append({"code": m.group(1), "label": [m.group(2) or ""], "first": ln})
            prev = ln
        elif items and prev is not None and continues(prev, ln, 0.8) and not is_heading(ln, body):
            items[-1]["label"].append(text)
            prev = ln
    return [Challenge(code=i["code"], label=join_lines(i["label"])) for i in items if join_lines(i["label"])]
