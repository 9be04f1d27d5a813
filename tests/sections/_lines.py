"""Hand-set lines for the section parsers' unit tests, in the layout's reading order."""

from __future__ import annotations

from metroextract.models import Line, Period
from metroextract.vocab import load_vocabulary

FR, EN, ES = (load_vocabulary(x) for x in ("fr", "en", "es"))
BODY = 9.5
P2021 = Period(text="Janvier —> avril 2021", start="2021-01", end="2021-04")


def L(
    text: str, x0: float, top: float, size: float = 9.0, bold: bool = False, page: int = 1, color: str = "#1f2433", width: float | None = None, spacing: float = 0.0, font: str | None = None
) -> Line:
    """An inline line: width from the text length unless given."""
    w = width if width is not None else 0.5 * size * len(text)
    letters = [c for c in text if c.isalpha()]
    return Line(
        page=page,
        text=text,
        x0=x0,
        top=top,
        x1=x0 + w,
        bottom=top + size,
        size=size,
        bold=bold,
        font=font or ("Sans-Bold" if bold else "Sans"),
        color=color,
        upper=len(letters) > 1 and all(c.isupper() for c in letters),
        spacing=spacing,
    )


def texts(lines: list[Line]) -> list[str]:
    return [ln.text for ln in lines]


def tight(cells_at: list[tuple[str, float]], top: float, *, page: int = 1, bold: bool = False, size: float = 10.0) -> Line:
    """Cells set closer than the layout's seams tell, read as one line (no `breaks`): only
    the gaps between its words (`gaps`) say where each word starts (5 pt a letter, 2.5 pt
    a word space, each cell's first word at its x)."""
    text, gaps, x = "", [], cells_at[0][1]
    for cell, x0 in cells_at:
        for k, word in enumerate(cell.split()):
            start = x0 if k == 0 else x + 2.5
            if text:
                gaps.append((len(text) + 1, x, start))
                text += " "
            text += word
            x = start + 5 * len(word)
    return L(text, cells_at[0][1], top, size, bold, page).model_copy(update={"x1": x, "gaps": gaps})
