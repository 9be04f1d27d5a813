"""What a line's type says about it: a heading, as segmentation and the section parsers
each read one.

A bottom module: it imports nothing from the project but `models`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Line

__all__ = ["is_heading"]


def is_heading(ln: Line, body: float, *, display_only: bool = False) -> bool:
    """Set apart from running text by its type.

    Segmentation (the default) looks for an activity's title among body lines, and a title
    may be set at body size in bold or in capitals: larger type (1.2 × body), bold,
    capitals (over 3 characters) or letter-spacing make a heading. Inside a section, bold
    and capitals are names, labels and run-in leads, not headings; the section parsers
    (`display_only=True`) take only display type: clearly larger (1.25 × body), or
    letter-spaced at body size at least (with segmentation's bar instead, most of
    tests/test_sections.py fails).

    >>> from types import SimpleNamespace as L
    >>> bold = L(size=10, bold=True, upper=False, text="Lyon", spacing=0)
    >>> is_heading(bold, 10), is_heading(bold, 10, display_only=True)
    (True, False)
    >>> big = L(size=12.2, bold=False, upper=False, text="Rapport", spacing=0)
    >>> is_heading(big, 10), is_heading(big, 10, display_only=True)
    (True, False)
    """
    if display_only:
        return ln.size >= 1.25 * body or (ln.spacing > 0.6 and ln.size >= body)
    return ln.size >= 1.2 * body or ln.bold or (ln.upper and len(ln.text) > 3) or ln.spacing > 0.6
