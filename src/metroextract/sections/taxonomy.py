"""The challenge taxonomy: "1.1 label" items."""

from __future__ import annotations

import re
from typing import Any

from ..fields import join_lines
from ..models import (
    Challenge,
    Line,
)
from ..tabular import cell_pieces
from .lines import continues, is_heading
from .plan import join_cut_codes, pair_key_column, unbullet

_TAX_RE = re.compile(r"^(\d{1,2}\.\d{1,2})\.?(?:\s+(\S.*))?$")
# a challenge code cut by a narrow table cell after its dot: "1." / "1"
_CUT_TAX_RE = re.compile(r"^\d{1,2}\.$")


def parse_taxonomy(lines: list[Line], body: float) -> list[Challenge]:
    """'1.1 label' items (code and label may be printed apart), wrapped labels rejoined.

    Items set as a grid share their rows: a row is cut at its seams, and a wrapped label's
    next line goes on the item it sits under, not the one read last (a grid filled by
    column puts "2.3 Résilience climatique" between "1.1 Lutter contre les inégalités"
    and its "et la ségrégation"). The taxonomy is listed in the order of its codes."""
    lines = pair_key_column(join_cut_codes(lines, _CUT_TAX_RE), r"\d{1,2}\.\d{1,2}\.?")
    # a bullet alone in its gutter goes; a grid's row read as one line is cut at its seams
    lines = [piece for ln in lines if unbullet(ln.text) for piece in cell_pieces(ln)]
    items: list[dict[str, Any]] = []
    for ln in lines:
        text = unbullet(ln.text)
        m = _TAX_RE.match(text)
        if m:
            items.append({"code": m.group(1), "label": [m.group(2) or ""], "last": ln})
        elif not is_heading(ln, body) and (item := _continued(items, ln)) is not None:
            item["label"].append(text)
            item["last"] = ln
    found = [Challenge(code=i["code"], label=join_lines(i["label"])) for i in items if join_lines(i["label"])]
    return sorted(found, key=lambda c: tuple(int(n) for n in c.code.split(".")))


def _continued(items: list[dict[str, Any]], ln: Line) -> dict[str, Any] | None:
    """The item `ln` carries on: the last one read, or, in a grid, one beside it on its
    row that `ln` sits right under (its label's wrapped words, in lower case)."""
    if not items:
        return None
    last = items[-1]["last"]
    if continues(last, ln, 0.8):
        return items[-1]
    if not ln.text[:1].islower():
        return None
    beside = [i for i in items[-3:-1] if abs(i["last"].top - last.top) < 1.0]
    return next((i for i in reversed(beside) if continues(i["last"], ln, 0.8)), None)
