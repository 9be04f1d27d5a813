"""Weak OCR lines read again: display lines whose words no lexicon knows.

Tesseract reads running text well and bold display capitals less well: a B read as a colon
("POLITIQUE UR: AINE", "UR :ANISME", "WE : INAIRE"), letters lost at the page's
resolution. A display line — mostly capitals, or set much larger than the page's text — is
weak when it holds a word no lexicon knows (the language's dictionary, the registry's
names, the page's own running text: `Lexicon`), a mark glued where letters belong, or a
word tesseract itself doubts.
Weak lines are cropped and read again, enlarged `SCALE` times (the line at twice the
page's resolution), in two ways: as printed, and binarised with a threshold fitted to the
line (Otsu). The reading with the most known letters wins; a tie keeps the first reading.

All weak lines of a page go to tesseract together, once per way: they are stacked one
under the other on a white sheet (`stack_lines`) and the words come back by row, so a page
costs two more tesseract calls at most, none when no line is weak. Every change is kept as
(before, after) for the report's warnings (`ocr_corrected`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from .ocr_page import OcrLine, OcrWord, parse_hocr
from .ocr_words import letters_key

# Crops are enlarged this many times (a 300-dpi page's line read at 600 dpi).
SCALE = 2
# Margin around a line's box, in line heights; white between stacked lines, in pixels of
# the enlarged stack (at least) and in enlarged line heights.
PAD = 0.25
MIN_GAP = 24
GAP = 0.8
# Lines read again per page at most (the weakest first).
MAX_LINES = 16
# A display line: at least this share of its letters are capitals, or it is this many
# times taller than the page's median line; and at most this many words.
CAPITALS_SHARE = 0.7
DISPLAY_HEIGHT = 1.4
MAX_DISPLAY_WORDS = 14
# A known-letters score loses this much for each mark glued where letters belong.
ODD_MARK_COST = 3
# Another reading replaces a line only with about as many letters (this share, at least 2).
EXTENT_SLACK = 0.2
# A word tesseract itself doubts (confidence below this) makes its display line weak.
WEAK_CONFIDENCE = 75.0

_LETTERS_RE = re.compile(r"[^\W\d_]+")
# a colon, semicolon, bar or "!" right before letters ("UR :ANISME"); one standing between
# words ("WE : INAIRE") is a label's colon as often, and left to the unknown words
_ODD_RE = re.compile(r"[:;|!](?=[^\W\d_])")


@dataclass
class Lexicon:
    """Words known to be spelled right, by `letters_key` (accents, case and apostrophes aside)."""

    keys: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, *word_lists: Iterable[str]) -> Lexicon:
        return cls({letters_key(w) for words in word_lists for w in words if len(w) >= 2})

    def with_text(self, texts: Iterable[str]) -> Lexicon:
        """This lexicon and the running text's words (those with lower-case letters)."""
        extra = {letters_key(t) for text in texts for t in _LETTERS_RE.findall(text) if len(t) >= 3 and any(c.islower() for c in t)}
        return Lexicon(self.keys | extra)

    def score(self, text: str) -> int:
        """Known letters minus unknown ones, minus `ODD_MARK_COST` per odd mark.

        >>> lex = Lexicon.of(["politique", "urbaine", "webinaire"])
        >>> lex.score("POLITIQUE URBAINE") > lex.score("POLITIQUE UR: AINE")
        True
        """
        total = 0
        for tok in _LETTERS_RE.findall(text):
            if len(tok) >= 2:
                known = letters_key(tok) in self.keys
                # two letters known prove little ("UR" of "URBAINE" is in some dictionary)
                total += (len(tok) if len(tok) > 2 else 0) if known else -len(tok)
        return total - ODD_MARK_COST * len(_ODD_RE.findall(text))

    def weak(self, text: str) -> bool:
        """A word (two letters or more) no lexicon knows, or an odd mark."""
        return bool(_ODD_RE.search(text)) or any(len(t) >= 2 and letters_key(t) not in self.keys for t in _LETTERS_RE.findall(text))


def line_text(line: OcrLine) -> str:
    return " ".join(w.text for w in line.words)


def is_display(line: OcrLine, median_height: float) -> bool:
    """Mostly capitals, or set much larger than the page's text; a few words only."""
    if len(line.words) > MAX_DISPLAY_WORDS:
        return False
    letters = [c for c in line_text(line) if c.isalpha()]
    if not letters:
        return False
    capitals = sum(c.isupper() for c in letters) / len(letters)
    return capitals >= CAPITALS_SHARE or (line.y1 - line.y0) >= DISPLAY_HEIGHT * median_height


def weak_lines(lines: list[OcrLine], lexicon: Lexicon) -> list[int]:
    """Indices of the display lines to read again, weakest first, at most `MAX_LINES`."""
    if not lines:
        return []
    median = float(np.median([ln.y1 - ln.y0 for ln in lines]))
    weak = [i for i, ln in enumerate(lines) if is_display(ln, median) and (lexicon.weak(line_text(ln)) or min(w.conf for w in ln.words) < WEAK_CONFIDENCE)]
    weak.sort(key=lambda i: lexicon.score(line_text(lines[i])))
    return sorted(weak[:MAX_LINES])


def otsu(grey: np.ndarray) -> np.ndarray:
    """`grey` binarised at the threshold that best splits its histogram in two (Otsu)."""
    hist = np.bincount(grey.ravel(), minlength=256).astype(float)
    total = hist.sum()
    if total == 0:
        return grey
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m0[-1] * w0 / total - m0) ** 2 / (w0 * w1)
    t = int(np.nanargmax(between[:-1])) if np.isfinite(between[:-1]).any() else 128
    return np.where(grey > t, 255, 0).astype(np.uint8)


@dataclass
class Stack:
    """Weak lines' crops stacked on one white sheet: where each crop sits and came from."""

    image: np.ndarray
    rows: list[tuple[int, int]]  # (top, bottom) of each crop in the stack
    cores: list[tuple[int, int]]  # (top, bottom) of the line itself in the stack, margins off
    origins: list[tuple[int, int]]  # (x0, y0) of the crop on the page


def crop_box(line: OcrLine, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    pad = max(2, round(PAD * (line.y1 - line.y0)))
    return max(0, line.x0 - pad), max(0, line.y0 - pad), min(shape[1], line.x1 + pad), min(shape[0], line.y1 + pad)


def enlarge(img: np.ndarray) -> np.ndarray:
    """`img` `SCALE` times larger (bicubic: strokes stay smooth for tesseract)."""
    from PIL import Image

    h, w = img.shape
    return np.asarray(Image.fromarray(img).resize((w * SCALE, h * SCALE), Image.Resampling.BICUBIC))


def stack_lines(grey: np.ndarray, lines: list[OcrLine], binarise: bool) -> Stack:
    crops, origins, inside = [], [], []
    for ln in lines:
        x0, y0, x1, y1 = crop_box(ln, grey.shape)
        crop = enlarge(grey[y0:y1, x0:x1])
        crops.append(otsu(crop) if binarise else crop)
        origins.append((x0, y0))
        inside.append(((ln.y0 - y0) * SCALE, (ln.y1 - y0) * SCALE))
    width = max(c.shape[1] for c in crops) + 2 * MIN_GAP
    gaps = [max(MIN_GAP, round(GAP * c.shape[0])) for c in crops]
    sheet = np.full((sum(c.shape[0] for c in crops) + sum(gaps) + MIN_GAP, width), 255, dtype=np.uint8)
    rows, cores, top = [], [], MIN_GAP
    for crop, gap, (a, b) in zip(crops, gaps, inside):
        sheet[top : top + crop.shape[0], MIN_GAP : MIN_GAP + crop.shape[1]] = crop
        rows.append((top, top + crop.shape[0]))
        cores.append((top + a, top + b))
        top += crop.shape[0] + gap
    return Stack(sheet, rows, cores, origins)


def words_by_row(stack: Stack, read: list[OcrLine]) -> list[list[OcrWord]]:
    """The words tesseract read on the stack, back on the page, per stacked line: those whose
    middle lies within the line itself (a neighbour's letters caught in the margin are not
    the line's)."""
    out: list[list[OcrWord]] = [[] for _ in stack.rows]
    for ln in read:
        for w in ln.words:
            yc = (w.y0 + w.y1) / 2
            row = next((i for i, (top, bottom) in enumerate(stack.cores) if top <= yc < bottom), None)
            if row is None:
                continue
            (top, _), (ox, oy) = stack.rows[row], stack.origins[row]

            def back(v: float, start: int, origin: int) -> int:
                return origin + round((v - start) / SCALE)

            out[row].append(OcrWord(w.text, back(w.x0, MIN_GAP, ox), back(w.y0, top, oy), back(w.x1, MIN_GAP, ox), back(w.y1, top, oy), w.conf))
    return [sorted(ws, key=lambda w: w.x0) for ws in out]


def letter_count(text: str) -> int:
    return sum(c.isalnum() for c in text)


def same_extent(before: str, after: str) -> bool:
    """Another reading of the same line, not of more or less of the page: letter counts
    within `EXTENT_SLACK` of each other (a B read as a colon costs one letter).

    >>> same_extent("POLITIQUE UR: AINE", "POLITIQUE URBAINE"), same_extent("PQs DES", "POUR UD E Y se EU DES Vat")
    (True, False)
    """
    a, b = letter_count(before), letter_count(after)
    return abs(a - b) <= max(2, EXTENT_SLACK * a)


# A function reading an image with tesseract: (grey image, dpi) -> hOCR text.
ReadHocr = Callable[[np.ndarray, int], str]


def reread_weak_lines(grey: np.ndarray, lines: list[OcrLine], dpi: int, lexicon: Lexicon, read_hocr: ReadHocr) -> tuple[list[OcrLine], list[tuple[str, str]]]:
    """`lines` with their weak display lines read again where another reading knows more
    words; and the changes, (before, after)."""
    lexicon = lexicon.with_text(line_text(ln) for ln in lines)
    picked = weak_lines(lines, lexicon)
    if not picked:
        return lines, []
    readings: list[list[list[OcrWord]]] = []
    for binarise in (False, True):
        stack = stack_lines(grey, [lines[i] for i in picked], binarise)
        readings.append(words_by_row(stack, parse_hocr(read_hocr(stack.image, dpi * SCALE))))
        if all(not lexicon.weak(" ".join(w.text for w in row)) for row in readings[-1]):
            break  # every line now reads as known words: no second way needed
    out = list(lines)
    changes = []
    for row, i in enumerate(picked):
        before = line_text(lines[i])
        best, best_score = None, lexicon.score(before)
        for reading in readings:
            words = reading[row]
            text = " ".join(w.text for w in words)
            if words and same_extent(before, text) and lexicon.score(text) > best_score:
                best, best_score = words, lexicon.score(text)
        if best is not None:
            out[i] = replace(lines[i], words=best)
            changes.append((before, line_text(out[i])))
    return out, changes
