"""Member engagement: the members named, one per line or separated."""

from __future__ import annotations

import re

from ..models import (
    Line,
    MemberRef,
)
from .lines import is_heading, names_of, squash
from .plan import BULLETS

_LEAD_BULLET_RE = re.compile(rf"^[{BULLETS}](?:\s+|$)")


def parse_engagement(lines: list[Line], body: float) -> list[MemberRef]:
    """The names in a paragraph with any separator, one per line, in a grid or as a bulleted
    list (the bullets, in the text or alone in a gutter, are no part of a name)."""
    lines = [ln for ln in lines if not is_heading(ln, body) and not re.fullmatch(rf"[{BULLETS}]", squash(ln.text))]
    # a bulleted list: most lines open on a bullet (a separator wrapped to a line's start
    # in a paragraph list opens one line only)
    if sum(bool(_LEAD_BULLET_RE.match(squash(ln.text))) for ln in lines) >= max(2, len(lines) / 2):
        lines = [ln.model_copy(update={"text": _LEAD_BULLET_RE.sub("", squash(ln.text))}) for ln in lines]
    return [MemberRef(name=n) for n in names_of([ln for ln in lines if ln.text])]
