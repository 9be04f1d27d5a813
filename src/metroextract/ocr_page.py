"""One scanned page → words with the typography a text PDF gives (OCR with tesseract).

`ocr.py` renders the pages and orchestrates; this module holds the per-page work:

- `run_tesseract(grey, dpi, …)`: the `tesseract` CLI on one page image (hOCR output);
- `parse_hocr(text)`: lines (bbox, baseline) and words (bbox, text, confidence);
- `page_words(rgb, lines, dpi)`: `layout.Word`s in PDF points (top-left origin) with
  * size: from the word's height above its baseline, by what its letters reach (cap and
    ascender height, x-height), calibrated on the fixtures so that a word's size matches
    the font size the same text PDF reports (the document then snaps sizes to classes:
    `snap_sizes`);
  * weight: stroke width (ink mass over half the ink outline) relative to the size,
    compared with the document's regular weight (`assign_weights`);
  * colour: the ink's median colour against the word's own background ("#rrggbb",
    light text on a dark tag included), snapped to the document's colours;
  * font: "OCR" or "OCR-Bold", so `layout.is_bold` and everything downstream work
    unchanged;
- the page's skew (median baseline slope), undone on the coordinates.

Only numpy (no OpenCV, no SciPy): images are rendered by pypdfium2.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

from .layout import Word, fix_text

# --------------------------------------------------------------------------- calibration
#
# Heights above the baseline, in em, that letters reach (the tallest letter of a word sets
# its height); measured on the fixtures (DejaVu Sans, Liberation Sans/Serif, regular and
# bold, 7–17 pt, at 150–300 dpi): the median of (ink height / font size) per kind of
# tallest letter, over the families (they differ by ±5 %).
EM_ASCENDER = 0.75  # b d f h k l, and the dots of i and j
EM_CAP = 0.735  # capitals
EM_DIGIT = 0.72
EM_T = 0.68
EM_ACCENT_LOWER = 0.78  # é à ô …
EM_ACCENT_CAP = 0.91  # É À Ô …
EM_X = 0.575  # x-height letters only (a c e m n o r s u v w x z)
EM_BAND_LOWER = 0.60  # the main band of a lower-case word (x-height and overshoot)
_DESC_CHARS = set("gjpqyçQ,;()[]{}|/@$")  # reach below the baseline
_HEIGHTS: dict[str, float] = {}
_HEIGHTS.update(dict.fromkeys("acemnorsuvwxzgpqyç", EM_X))
_HEIGHTS.update(dict.fromkeys("t", EM_T))
_HEIGHTS.update(dict.fromkeys("0123456789", EM_DIGIT))
_HEIGHTS.update(dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZÇ", EM_CAP))
_HEIGHTS.update(dict.fromkeys("bdfhklij", EM_ASCENDER))
_HEIGHTS.update(dict.fromkeys("àáâäãåèéêëìíîïòóôöõùúûüýÿñ", EM_ACCENT_LOWER))
_HEIGHTS.update(dict.fromkeys("ÀÁÂÄÃÅÈÉÊËÌÍÎÏÒÓÔÖÕÙÚÛÜÝÑŸ", EM_ACCENT_CAP))
# pdfminer's word box: one font size tall, its bottom this far below the baseline.
EM_DESCENT = 0.22
# A word whose own size is further than this from its line's is set apart (a drop cap,
# a figure beside a label).
OWN_SIZE_RATIO = 1.3
# Bold: a document whose stroke ratios (stroke width / size) fall in two groups this far
# apart or more has bold text (measured: bold/regular 1.5–1.75 at 300 dpi, 1.28 on a
# blurred 150-dpi scan, where thin strokes never reach the ink's full darkness).
MIN_BOLD_SEPARATION = 1.15
BOLD_RATIO = 1.35  # without two groups: bold above this multiple of the regular ratio
# Lines of one block of text (see `style_runs`): sizes within this log ratio, baselines
# less than this many sizes apart.
RUN_SIZE_SPREAD = 0.08
RUN_LEADING = 1.4
LINE_SWITCH_COST = 12.0
# Cost (in log-likelihood units) of a change of weight inside a line.
WEIGHT_SWITCH_COST = 6.0
# Sizes closer than this (relative, the smoothing of the size histogram) share a class.
SIZE_CLASS_SPREAD = 0.05
# Colours closer than this (`_colour_distance`) are one colour.
COLOUR_MERGE = 40.0
# Side bearing added to each side of a word's ink box, in em.
SIDE_BEARING = 0.04
# Rows holding at least this share of a word's densest row of ink make its main band.
BAND_SHARE = 0.4


def band_class(text: str) -> float | None:
    """The height in em of the band holding most of the ink of `text`: the x-height (with
    the overshoot of round letters) when it has lower-case letters, else the cap height.

    >>> band_class("Berlin"), band_class("UCLG"), band_class("2021"), band_class("-")
    (0.6, 0.735, 0.72, None)
    """
    if any(c.islower() for c in text):
        return EM_BAND_LOWER
    if any(c.isupper() for c in text):
        return EM_CAP
    if any(c.isdigit() for c in text):
        return EM_DIGIT
    return None


def height_class(text: str) -> float | None:
    """The height in em that the tallest letter of `text` reaches above the baseline.

    >>> height_class("PROGRESS"), height_class("avec"), height_class("Été"), height_class("-")
    (0.735, 0.575, 0.91, None)
    """
    return max((_HEIGHTS[c] for c in text if c in _HEIGHTS), default=None)


# --------------------------------------------------------------------------- tesseract


class TesseractError(RuntimeError):
    pass


def pnm_bytes(img: np.ndarray) -> bytes:
    """A grey (H×W) or RGB (H×W×3) uint8 array as PGM/PPM bytes (leptonica reads them)."""
    if img.ndim == 2:
        head = b"P5 %d %d 255\n" % (img.shape[1], img.shape[0])
    else:
        head = b"P6 %d %d 255\n" % (img.shape[1], img.shape[0])
    return head + np.ascontiguousarray(img, dtype=np.uint8).tobytes()


def tesseract_command(dpi: int, languages: str, psm: int = 3) -> list[str]:
    return ["tesseract", "stdin", "stdout", "-l", languages, "--psm", str(psm), "--dpi", str(dpi), "hocr"]


def start_tesseract(grey: np.ndarray, dpi: int, languages: str, psm: int = 3) -> subprocess.Popen:
    """Start tesseract on one image; the caller feeds and waits (see `ocr.py`)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one thread per page: pages run side by side
    return subprocess.Popen(
        tesseract_command(dpi, languages, psm),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def run_osd(grey: np.ndarray, dpi: int, timeout: float) -> int | None:
    """Tesseract's orientation detection: degrees to rotate the image clockwise, or None."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "--psm", "0", "--dpi", str(dpi)],
            input=pnm_bytes(grey),
            capture_output=True,
            timeout=timeout,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = proc.stdout.decode("utf-8", "replace")
    rot = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rot or not conf or float(conf.group(1)) < 2.0:
        return None
    return int(rot.group(1)) % 360


# --------------------------------------------------------------------------- hOCR


@dataclass(slots=True)
class OcrWord:
    text: str
    x0: int
    y0: int
    x1: int
    y1: int
    conf: float


@dataclass(slots=True)
class OcrLine:
    x0: int
    y0: int
    x1: int
    y1: int
    slope: float  # baseline: y = y1 + offset + slope * (x - x0)
    offset: float
    words: list[OcrWord] = field(default_factory=list)
    par: int = 0  # tesseract's paragraph

    def baseline_at(self, x: float) -> float:
        return self.y1 + self.offset + self.slope * (x - self.x0)


_BBOX_RE = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE_RE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_WCONF_RE = re.compile(r"x_wconf (-?[\d.]+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


def parse_hocr(text: str) -> list[OcrLine]:
    """Lines and their words from tesseract's hOCR (XHTML)."""
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, count=1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise TesseractError(f"unreadable hOCR output: {exc}") from exc
    out: list[OcrLine] = []
    par = -1
    for el in root.iter():
        if el.get("class") == "ocr_par":
            par += 1
            continue
        if el.get("class") not in _LINE_CLASSES:
            continue
        title = el.get("title", "")
        m = _BBOX_RE.search(title)
        if not m:
            continue
        b = _BASELINE_RE.search(title)
        line = OcrLine(*(int(v) for v in m.groups()), slope=float(b.group(1)) if b else 0.0, offset=float(b.group(2)) if b else 0.0, par=par)
        for w in el.iter():
            if w.get("class") != "ocrx_word":
                continue
            wt = "".join(w.itertext()).strip()
            wm = _BBOX_RE.search(w.get("title", ""))
            if not wt or not wm:
                continue
            c = _WCONF_RE.search(w.get("title", ""))
            line.words.append(OcrWord(wt, *(int(v) for v in wm.groups()), conf=float(c.group(1)) if c else 0.0))
        if line.words:
            out.append(line)
    return out


# --------------------------------------------------------------------------- pixels


def luminance(rgb: np.ndarray) -> np.ndarray:
    """uint8 grey of an RGB array (Rec. 601 weights, as leptonica)."""
    if rgb.ndim == 2:
        return rgb
    g = rgb[..., 0].astype(np.uint16) * 77 + rgb[..., 1].astype(np.uint16) * 150 + rgb[..., 2].astype(np.uint16) * 29
    return (g >> 8).astype(np.uint8)


@dataclass(slots=True)
class Ink:
    """What the pixels of one word say: stroke width (px), ink colour, and the top of its
    letters (image y: the first of two rows holding a stroke's width of ink at half
    coverage, so specks, JPEG ringing and blur do not raise it)."""

    stroke: float | None
    color: tuple[int, int, int] | None
    top: float | None = None
    bottom: float | None = None
    band: float | None = None  # height (px) of the rows holding most of the ink: x-height, or cap height


def measure_ink(rgb: np.ndarray, grey: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> Ink:
    """Stroke width and ink colour of the word in box (x0, y0, x1, y1), in pixels.

    The background is the median of a frame just outside the box; the ink is what differs
    from it most (dark text on paper, light text on a coloured tag). Stroke width is the
    ink mass (coverage 0..1, so blur and binarisation thresholds hardly matter) over half
    the length of the ink's outline: for a stroke of length L ≫ w, mass L·w, outline 2L.
    """
    h, w = grey.shape
    pad = 2
    X0, Y0, X1, Y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad + 1), min(h, y1 + pad + 1)
    if X1 - X0 < 4 or Y1 - Y0 < 4:
        return Ink(None, None)
    g = grey[Y0:Y1, X0:X1].astype(np.float32)
    frame = np.concatenate([g[0, :], g[-1, :], g[:, 0], g[:, -1]])
    bg = float(np.median(frame))
    iy0, ix0 = max(0, y0) - Y0, max(0, x0) - X0  # the box itself, inside the frame
    iy1, ix1 = min(h, y1 + 1) - Y0, min(w, x1 + 1) - X0
    if iy1 - iy0 < 2 or ix1 - ix0 < 2:
        return Ink(None, None)
    inner = g[iy0:iy1, ix0:ix1]
    diff = inner - bg
    dark = float(np.percentile(diff, 2))
    light = float(np.percentile(diff, 98))
    fg_delta = dark if -dark >= light else light  # the ink: the far side from the paper
    if abs(fg_delta) < 25:
        return Ink(None, None)
    cov = np.clip(diff / fg_delta, 0.0, 1.0)
    mass = float(cov.sum())
    binary = cov > 0.5
    edges = int(np.count_nonzero(binary[:, 1:] != binary[:, :-1])) + int(np.count_nonzero(binary[1:, :] != binary[:-1, :]))
    edges += int(np.count_nonzero(binary[:, 0])) + int(np.count_nonzero(binary[:, -1])) + int(np.count_nonzero(binary[0, :])) + int(np.count_nonzero(binary[-1, :]))
    stroke = 2.0 * mass / edges if edges else None
    top = bottom = band = None
    if stroke:
        rows = np.count_nonzero(binary, axis=1) >= max(2.0, 0.7 * stroke)
        ok = np.flatnonzero(rows[:-1] & rows[1:])
        counts = cov.sum(axis=1)
        dense = np.flatnonzero(counts >= BAND_SHARE * counts.max())
        if ok.size and dense.size:
            # the word ends at the first blank row under its dense band: ink further down
            # is a neighbour's (the accent of a capital on the line below, in tight leading)
            end = int(dense[-1])
            while end + 1 < rows.size and rows[end + 1]:
                end += 1
            ok = ok[ok < max(end, int(ok[0]) + 1)]
        if ok.size:
            off = Y0 + iy0
            top = float(off + ok[0])
            bottom = float(off + ok[-1] + 2)  # below the last of the two rows
        if dense.size:
            # fractional edges: how far the first and last dense rows' neighbours are filled
            lo, hi = dense[0], dense[-1]
            frac_lo = counts[lo - 1] / counts[lo] if lo > 0 else 0.0
            frac_hi = counts[hi + 1] / counts[hi] if hi + 1 < counts.size else 0.0
            band = float(hi - lo + 1) + min(1.0, float(frac_lo)) + min(1.0, float(frac_hi))
    color = None
    core = cov > 0.8
    if rgb.ndim == 3 and np.count_nonzero(core) >= 3:
        c = rgb[Y0 + iy0 : Y0 + iy1, X0 + ix0 : X0 + ix1][core]
        color = tuple(int(v) for v in np.median(c, axis=0))  # type: ignore[assignment]
    elif np.count_nonzero(core) >= 3:
        v = int(np.median(grey[Y0 + iy0 : Y0 + iy1, X0 + ix0 : X0 + ix1][core]))
        color = (v, v, v)
    return Ink(stroke, color, top, bottom, band)  # type: ignore[arg-type]


# Light text on dark fills (date tags, banners): tesseract often skips it. Filled dark
# regions at least this many blocks tall and wide are inverted before OCR (the ink is
# still measured on the page as printed).
_BLOCK_PT = 4.8
INVERT_MIN_DARKNESS = 70  # grey levels below the paper
INVERT_MIN_BLOCKS = (2, 3)  # rows, columns
INVERT_MIN_FILL = 0.7


def _longest_run(mask: np.ndarray) -> tuple[int, int] | None:
    """(start, end) of the longest run of True in a 1-D mask."""
    best, start = None, None
    for i, v in enumerate(list(mask) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def invert_dark_fills(grey: np.ndarray, dpi: float) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The page with its dark filled regions (and the light text on them) inverted, and
    those regions (x0, y0, x1, y1 in pixels)."""
    b = max(4, int(round(_BLOCK_PT * dpi / 72.0)))
    h, w = grey.shape
    H, W = h // b, w // b
    if H < 3 or W < 3:
        return grey, []
    blocks = np.median(grey[: H * b, : W * b].reshape(H, b, W, b).transpose(0, 2, 1, 3).reshape(H, W, b * b), axis=2)
    paper = float(np.median(blocks))
    dark = blocks < paper - INVERT_MIN_DARKNESS
    if not dark.any():
        return grey, []
    out = grey
    regions = []
    for cells in _dark_components(dark):
        found = _fill_box(grey, blocks, dark, cells, b, paper)
        if found is None:
            continue
        (y0, y1, x0, x1), fill = found
        region = grey[y0:y1, x0:x1].astype(np.float32)
        light = float(np.percentile(region, 99))
        if light - fill < 40:  # a dark picture or bar: nothing written on it
            continue
        if out is grey:
            out = grey.copy()
        _write_inverted(out, region, (y0, y1, x0, x1), fill, light, paper, dpi)
        regions.append((int(x0), int(y0), int(x1), int(y1)))
    return out, regions


def _dark_components(dark: np.ndarray) -> list[list[tuple[int, int]]]:
    """The 4-connected groups of dark blocks, each as its list of (row, column) cells."""
    H, W = dark.shape
    seen = np.zeros_like(dark)
    out = []
    for y, x in np.argwhere(dark):
        if seen[y, x]:
            continue
        stack = [(int(y), int(x))]
        seen[y, x] = True
        cells = []
        while stack:
            cy, cx = stack.pop()
            cells.append((cy, cx))
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                if 0 <= ny < H and 0 <= nx < W and dark[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        out.append(cells)
    return out


def _fill_box(grey: np.ndarray, blocks: np.ndarray, dark: np.ndarray, cells: list[tuple[int, int]], b: int, paper: float) -> tuple[tuple[int, int, int, int], float] | None:
    """A group of dark blocks as a filled box, to the pixel ((y0, y1, x0, x1), fill grey),
    or None when it is too small, too sparse, or not a fill all round (bold letters)."""
    h, w = grey.shape
    ys = [c[0] for c in cells]
    xs = [c[1] for c in cells]
    by0, by1, bx0, bx1 = min(ys), max(ys) + 1, min(xs), max(xs) + 1
    if by1 - by0 < INVERT_MIN_BLOCKS[0] or bx1 - bx0 < INVERT_MIN_BLOCKS[1] or len(cells) < INVERT_MIN_FILL * (by1 - by0) * (bx1 - bx0):
        return None
    fill = float(np.median(blocks[by0:by1, bx0:bx1][dark[by0:by1, bx0:bx1]]))
    # the fill's own edges, to the pixel: rows and columns mostly of its colour
    Y0, Y1 = max(0, (by0 - 1) * b), min(h, (by1 + 1) * b)
    X0, X1 = max(0, (bx0 - 1) * b), min(w, (bx1 + 1) * b)
    near = np.abs(grey[Y0:Y1, X0:X1].astype(np.int16) - int(fill)) < 0.5 * (paper - fill)
    rows = _longest_run(near[:, bx0 * b - X0 : bx1 * b - X0].mean(axis=1) > 0.25)
    if rows is None:
        return None
    cols = _longest_run(near[rows[0] : rows[1], :].mean(axis=0) > 0.25)
    if cols is None:
        return None
    y0, y1, x0, x1 = Y0 + rows[0], Y0 + rows[1], X0 + cols[0], X0 + cols[1]
    if y1 - y0 < 0.8 * INVERT_MIN_BLOCKS[0] * b or x1 - x0 < 0.8 * INVERT_MIN_BLOCKS[1] * b:
        return None
    inside = near[y0 - Y0 : y1 - Y0, x0 - X0 : x1 - X0]
    e = 3 if min(inside.shape) > 14 else 1  # a little in from the (soft, rounded) edge
    ring = np.concatenate([inside[e : e + 2, :].ravel(), inside[-e - 2 : -e, :].ravel(), inside[:, e : e + 2].ravel(), inside[:, -e - 2 : -e].ravel()])
    if ring.mean() < 0.85:  # not a fill all round: bold letters side by side
        return None
    return (y0, y1, x0, x1), fill


def _grow(mask: np.ndarray) -> np.ndarray:
    """`mask` one pixel wider in the four directions."""
    grown = mask.copy()
    grown[1:, :] |= mask[:-1, :]
    grown[:-1, :] |= mask[1:, :]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def _reached_from_edge(lit: np.ndarray) -> np.ndarray:
    """Light pixels reached from the box's edge without crossing the fill (paper showing
    at rounded corners), and the last of their anti-aliased edge."""
    outside = np.zeros_like(lit)
    outside[0, :], outside[-1, :], outside[:, 0], outside[:, -1] = lit[0, :], lit[-1, :], lit[:, 0], lit[:, -1]
    for _ in range(max(lit.shape)):
        grown = _grow(outside) & lit
        if np.array_equal(grown, outside):
            break
        outside = grown
    return _grow(outside)


def _write_inverted(out: np.ndarray, region: np.ndarray, box: tuple[int, int, int, int], fill: float, light: float, paper: float, dpi: float) -> None:
    """Write the filled box inverted into `out`: its light text dark on paper, its edge and
    the fill's ragged rim just outside it paper."""
    h, w = out.shape
    y0, y1, x0, x1 = box
    scaled = paper - (region - fill) * (paper - 20.0) / (light - fill)
    scaled[_reached_from_edge(region > fill + 0.25 * (paper - fill))] = paper
    # and its edge, whatever it is made of (an outline, a rim): text keeps clear of it
    e = max(2, int(0.12 * min(y1 - y0, 2 * (x1 - x0))))
    scaled[:e, :] = scaled[-e:, :] = paper
    scaled[:, :e] = scaled[:, -e:] = paper
    out[y0:y1, x0:x1] = np.clip(scaled, 0, 255).astype(np.uint8)
    # the fill's ragged rim just outside the box goes too (tesseract reads it as "|")
    m = max(3, int(round(dpi / 100.0)))
    ry0, ry1, rx0, rx1 = max(0, y0 - m), min(h, y1 + m), max(0, x0 - m), min(w, x1 + m)
    rim = out[ry0:ry1, rx0:rx1]
    band = np.ones(rim.shape, dtype=bool)
    band[y0 - ry0 : y1 - ry0, x0 - rx0 : x1 - rx0] = False
    rim[band & (rim < paper - 0.2 * (paper - fill))] = int(paper)


# Tinted panels and uneven paper: the background is divided out before OCR (tesseract's
# column finder otherwise reads a tinted sidebar and the column beside it as one).
BACKGROUND_BLOCK_PT = 8.0
FLATTEN_MIN_LEVEL = 200  # grey level: darker backgrounds (pictures, fills) are not flattened


def flatten_background(grey: np.ndarray, dpi: float) -> np.ndarray:
    """The page with its background (the bright level around each point) made uniform
    white: ink keeps its contrast, tints and shading go."""
    b = max(8, int(round(BACKGROUND_BLOCK_PT * dpi / 72.0)))
    h, w = grey.shape
    H, W = -(-h // b), -(-w // b)
    padded = np.pad(grey, ((0, H * b - h), (0, W * b - w)), mode="edge")
    blocks = padded.reshape(H, b, W, b).transpose(0, 2, 1, 3).reshape(H, W, b * b)
    k = int(0.9 * (b * b - 1))
    level = np.partition(blocks, k, axis=2)[:, :, k].astype(np.float32)  # the 90th percentile
    # each block's background: the brightest of it and its neighbours (a block full of a
    # heading's ink takes the paper around it)
    grown = level.copy()
    grown[1:, :] = np.maximum(grown[1:, :], level[:-1, :])
    grown[:-1, :] = np.maximum(grown[:-1, :], level[1:, :])
    grown[:, 1:] = np.maximum(grown[:, 1:], level[:, :-1])
    grown[:, :-1] = np.maximum(grown[:, :-1], level[:, 1:])
    level = np.minimum(level * 1.0, grown)  # a lone bright speck does not light a dark block
    level = np.maximum(level, 0.5 * grown)

    # smooth between block centres (separable linear interpolation)
    def axis(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pos = np.clip((np.arange(n, dtype=np.float32) + 0.5) / b - 0.5, 0, m - 1)
        lo = np.floor(pos).astype(np.intp)
        return lo, np.minimum(lo + 1, m - 1), (pos - lo).astype(np.float32)

    y0, y1, ty = axis(h, H)
    x0, x1, tx = axis(w, W)
    rows = level[y0, :] * (1 - ty)[:, None] + level[y1, :] * ty[:, None]
    bg = rows[:, x0] * (1 - tx)[None, :] + rows[:, x1] * tx[None, :]
    # only light backgrounds (paper, tints): dark fills and pictures keep their tones
    gain = np.where(bg >= FLATTEN_MIN_LEVEL, 255.0 / np.maximum(bg, 1.0), 1.0).astype(np.float32)
    out = grey.astype(np.float32) * gain
    return np.clip(out, 0, 255).astype(np.uint8)


# Skew is measured on a small rendering: the angle whose shear makes the rows of ink the
# most peaked (text lines then fall into few rows).
SKEW_DPI = 75
SKEW_RANGE = 4.0  # degrees either way
MIN_DESKEW = 0.25  # degrees: below this, the page is read as it is


def estimate_skew(grey: np.ndarray) -> float:
    """The page's skew in degrees (positive: lines descend to the right, y down), from a
    low-resolution grey image; 0.0 when there is too little ink to tell."""
    # the page's edges are left out: a turned scan leaves wedges of scanner lid there
    my, mx = grey.shape[0] // 20 + 1, grey.shape[1] // 20 + 1
    grey = grey[my:-my, mx:-mx]
    paper = float(np.median(grey))
    ys, xs = np.nonzero(np.abs(grey.astype(np.int16) - int(paper)) > 60)  # dark on light, or light on dark
    if ys.size < 200:
        return 0.0
    if ys.size > 200_000:
        step = ys.size // 200_000 + 1
        ys, xs = ys[::step], xs[::step]
    xs = xs.astype(np.float64) - grey.shape[1] / 2.0
    ys = ys.astype(np.float64)

    def score(angle: float) -> float:
        rows = np.round(ys - xs * math.tan(math.radians(angle))).astype(np.int64)
        rows -= rows.min()
        hist = np.bincount(rows)
        return float(np.dot(hist, hist))

    coarse = [a / 4.0 for a in range(int(-SKEW_RANGE * 4), int(SKEW_RANGE * 4) + 1)]
    best = max(coarse, key=score)
    fine = [best + a / 40.0 for a in range(-10, 11)]
    best = max(fine, key=score)
    return best if abs(best) < SKEW_RANGE else 0.0


# --------------------------------------------------------------------------- page words


@dataclass(slots=True)
class RawWord:
    """A recognised word before document-level typography: pixels and points."""

    text: str
    x0: float  # points, deskewed, top-left origin
    x1: float
    baseline: float
    size: float | None  # points, from the letters' height (None: no letters to measure)
    stroke: float | None  # points: mean stroke width
    color: tuple[int, int, int] | None
    conf: float
    line: int  # line index on the page
    par: int = 0  # tesseract's paragraph on the page
    band: float | None = None  # points: height of the word's main band of ink


_ORDINAL_RE = re.compile(r"^(\d{1,3}\.?)([2aª°ºo0\"”“'’])$")


def _ordinal(text: str, rgb: np.ndarray, grey: np.ndarray, wd: OcrWord, baseline: float) -> str:
    """ "5.ª", "12.º": tesseract reads the raised ordinal indicator as a digit or a quote
    ("5.2", "12.”"). A last character whose ink ends well above the baseline is raised:
    it becomes "ª" (read as a or 2) or "º" (anything round)."""
    m = _ORDINAL_RE.match(text)
    if not m:
        return text
    width = wd.x1 - wd.x0
    tail = measure_ink(rgb, grey, int(wd.x1 - 0.25 * width), wd.y0, wd.x1, int(baseline) + 2)
    height = baseline - wd.y0
    if tail.bottom is None or height <= 4 or baseline - tail.bottom < 0.25 * height:
        return text
    return m.group(1) + ("ª" if m.group(2) in "2aª" else "º")


def page_skew(lines: list[OcrLine]) -> float:
    """The page's skew: the median baseline slope of its lines, weighted by their width."""
    pairs = sorted((ln.slope, ln.x1 - ln.x0) for ln in lines if ln.x1 - ln.x0 > 50 and len(ln.words) >= 2)
    if not pairs:
        return 0.0
    total = sum(w for _, w in pairs)
    acc = 0.0
    for s, w in pairs:
        acc += w
        if acc >= total / 2:
            return s
    return pairs[-1][0]


def page_words(rgb: np.ndarray, grey: np.ndarray, lines: list[OcrLine], dpi: float) -> tuple[list[RawWord], float]:
    """The page's words in points (deskewed) with their measured size, stroke and colour.

    Returns the words and the skew angle in degrees.
    """
    k = 72.0 / dpi
    h, w = grey.shape
    slope = page_skew(lines)
    phi = math.atan(slope)
    cos, sin = math.cos(phi), math.sin(phi)
    cx, cy = w / 2.0, h / 2.0
    out: list[RawWord] = []
    for li, ln in enumerate(lines):
        for wd in ln.words:
            text = fix_text(wd.text)
            if not text.strip():
                continue
            xc = (wd.x0 + wd.x1) / 2.0
            yb = ln.baseline_at(xc)
            ink = measure_ink(rgb, grey, wd.x0, wd.y0, wd.x1, wd.y1)
            text = _ordinal(text, rgb, grey, wd, ln.baseline_at(wd.x1))
            # ink height above the baseline (the box is axis-aligned in the skewed image: the
            # top and bottom of a skewed word are at its two ends)
            tilt = abs(slope) * (wd.x1 - wd.x0)
            top = (ink.top if ink.top is not None else wd.y0) + tilt / 2.0
            if ink.bottom is not None and ink.top is not None and not set(text) & _DESC_CHARS:
                height = ink.bottom - ink.top - tilt  # the word's own baseline
            else:
                height = yb - top
            em = height_class(text)
            estimates = []
            if em and height > 2:
                estimates.append(height / em)
            band_em = band_class(text)
            if ink.band and band_em:
                estimates.append(ink.band / band_em)
            size_px = math.exp(sum(math.log(v) for v in estimates) / len(estimates)) if estimates else None
            # deskew the word's baseline point about the page centre
            xr = cx + (xc - cx) * cos + (yb - cy) * sin
            yr = cy - (xc - cx) * sin + (yb - cy) * cos
            half = (wd.x1 - wd.x0) / 2.0
            out.append(
                RawWord(
                    text=text,
                    x0=(xr - half) * k,
                    x1=(xr + half) * k,
                    baseline=yr * k,
                    size=size_px * k if size_px else None,
                    stroke=ink.stroke * k if ink.stroke else None,
                    color=ink.color,
                    conf=wd.conf,
                    line=li,
                    par=ln.par,
                    band=ink.band * k if ink.band else None,
                )
            )
    return out, math.degrees(phi)


# --------------------------------------------------------------------------- document typography


def _sizes_by(words: list[RawWord], key: list[int]) -> dict[int, float]:
    """The size of each group of words (`key[i]` is word i's group): the median of its
    words that reach cap height (the same height in every font, to a few per cent),
    weighted by letters; a group without any takes its x-height words."""
    caps: dict[int, list[float]] = {}
    xs: dict[int, list[float]] = {}
    for w, k in zip(words, key):
        if w.size:
            (xs if (height_class(w.text) or 0) < EM_T else caps).setdefault(k, []).extend([w.size] * max(1, min(len(w.text), 8)))
    med = {k: statistics.median(v) for k, v in xs.items()}
    med.update({k: statistics.median(v) for k, v in caps.items()})
    return med


def style_runs(words: list[RawWord]) -> list[int]:
    """Each word's run: lines set as one block of text are one run, judged together (a
    title over two lines, a list of names; a short last line alone says little).

    A line continues the run above it when it is set right under it (baselines less than
    `RUN_LEADING` sizes apart), starts at the same left edge, is within `RUN_SIZE_SPREAD`
    of its size, and is in capitals just when the line above is: a date over a title in
    capitals, a label over smaller values, the next activity after a gap start runs."""
    lines = [w.line for w in words]
    size = _sizes_by(words, lines)
    info: dict[int, list] = {}
    for w in words:
        e = info.setdefault(w.line, [w.x0, w.baseline, ""])
        e[0] = min(e[0], w.x0)
        e[2] += w.text
    run_of: dict[int, int] = {}
    prev, run = None, -1
    for w in words:
        if w.line in run_of:
            continue
        x0, base, text = info[w.line]
        joined = False
        if prev is not None and size.get(w.line) and size.get(prev):
            px0, pbase, ptext = info[prev]
            s0, s1 = size[prev], size[w.line]
            letters, pletters = [c for c in text if c.isalpha()], [c for c in ptext if c.isalpha()]
            caps = bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)
            pcaps = bool(pletters) and sum(c.isupper() for c in pletters) >= 0.7 * len(pletters)
            joined = abs(math.log(s1 / s0)) < RUN_SIZE_SPREAD and 0 < base - pbase < RUN_LEADING * max(s0, s1) and abs(x0 - px0) < 0.5 * max(s0, s1) and caps == pcaps
        if not joined:
            run += 1
        run_of[w.line] = run
        prev = w.line
    return [run_of[w.line] for w in words]


def line_sizes(words: list[RawWord], runs: list[int] | None = None) -> list[float | None]:
    """Each word's size: its run's (`style_runs`; by default its line's), unless its own
    differs by far (a drop cap, a large figure beside a label)."""
    key = runs if runs is not None else [w.line for w in words]
    med = _sizes_by(words, key)
    out: list[float | None] = []
    for w, k in zip(words, key):
        m = med.get(k)
        if m is None:
            out.append(w.size)
        elif w.size and (w.size > OWN_SIZE_RATIO * m or w.size < m / OWN_SIZE_RATIO):
            out.append(w.size)
        else:
            out.append(m)
    return out


def size_classes(sizes: list[tuple[float, int]], spread: float = SIZE_CLASS_SPREAD) -> list[float]:
    """The document's size classes: peaks of a smoothed histogram of log sizes (weighted by
    letters), each at the weighted median of the sizes closest to it."""
    if not sizes:
        return []
    logs = np.array([math.log(s) for s, _ in sizes])
    wts = np.array([n for _, n in sizes], dtype=float)
    lo, hi = logs.min() - 3 * spread, logs.max() + 3 * spread
    step = spread / 6
    grid = np.arange(lo, hi + step, step)
    dens = np.zeros_like(grid)
    for lg, wt in zip(logs, wts):
        dens += wt * np.exp(-0.5 * ((grid - lg) / spread) ** 2)
    peaks = [i for i in range(1, len(grid) - 1) if dens[i] >= dens[i - 1] and dens[i] > dens[i + 1]]
    if not peaks:
        peaks = [int(np.argmax(dens))]
    centres = np.array([grid[i] for i in peaks])
    owner = np.argmin(np.abs(logs[:, None] - centres[None, :]), axis=1)
    out = []
    for j in range(len(centres)):
        sel = owner == j
        if sel.any():
            out.append(round(math.exp(_weighted_median(list(zip(logs[sel].tolist(), wts[sel].tolist())))), 1))
    return sorted(set(out))


def snap(value: float, classes: list[float]) -> float:
    return min(classes, key=lambda c: abs(math.log(c) - math.log(value))) if classes else value


# --------------------------------------------------------------------------- weight


@dataclass(slots=True)
class WeightModel:
    """Two weights in a document: log stroke ratios of regular and bold text (Gaussian)."""

    regular: float
    bold: float | None  # None: no bold text found
    sd_regular: float = 0.05
    sd_bold: float = 0.05
    bold_share: float = 0.1  # of the letters: the prior of a word being bold

    def loglik(self, x: float) -> tuple[float, float]:
        """Log-likelihoods of x (a log stroke ratio) being regular, bold."""

        def ll(mu: float, sd: float) -> float:
            return -0.5 * ((x - mu) / sd) ** 2 - math.log(sd)

        r = ll(self.regular, self.sd_regular)
        if self.bold is None:
            return r, ll(self.regular + math.log(BOLD_RATIO) + 3 * self.sd_regular, self.sd_regular)
        return r, ll(self.bold, self.sd_bold)


def weight_model(samples: list[tuple[float, float]]) -> WeightModel | None:
    """Regular and bold stroke ratios of a document, by a two-Gaussian mixture (EM) on the
    log stroke ratio of its words (weighted by letters).

    Regular text is the larger part. Two parts closer than `MIN_BOLD_SEPARATION` are one
    weight split by noise: the document has no bold then.
    """
    if len(samples) < 5:
        return None
    x = np.array([math.log(v) for v, _ in samples])
    wt = np.array([n for _, n in samples], dtype=float)
    mu_r = math.log(_weighted_median(samples))
    mu_b = mu_r + math.log(1.45)
    sd_r = sd_b = 0.08
    pi_b = 0.1
    for _ in range(60):
        lr = np.log(1 - pi_b) - 0.5 * ((x - mu_r) / sd_r) ** 2 - math.log(sd_r)
        lb = np.log(pi_b) - 0.5 * ((x - mu_b) / sd_b) ** 2 - math.log(sd_b)
        m = np.maximum(lr, lb)
        pb = np.exp(lb - m) / (np.exp(lr - m) + np.exp(lb - m))
        wb, wr = wt * pb, wt * (1 - pb)
        if wb.sum() < 1e-6 or wr.sum() < 1e-6:
            break
        mu_r, mu_b = float((wr * x).sum() / wr.sum()), float((wb * x).sum() / wb.sum())
        # one spread for both: it is the measurement's noise, the same for either weight
        sd_r = sd_b = max(0.025, math.sqrt(float((wr * (x - mu_r) ** 2 + wb * (x - mu_b) ** 2).sum() / wt.sum())))
        pi_b = min(0.5, max(1e-3, float(wb.sum() / wt.sum())))
    if mu_b < mu_r:
        mu_r, mu_b, sd_r, sd_b, pi_b = mu_b, mu_r, sd_b, sd_r, 1 - pi_b
    if mu_b - mu_r < math.log(MIN_BOLD_SEPARATION) or pi_b < 0.003:
        reg = math.log(_weighted_median(samples))
        sd = max(0.025, math.sqrt(float((wt * (x - reg) ** 2).sum() / wt.sum())))
        return WeightModel(reg, None, sd, sd)
    return WeightModel(mu_r, mu_b, sd_r, sd_b, pi_b)


def line_weights(ratios: list[float | None], letters: list[int], model: WeightModel | None, new_line: list[bool] | None = None) -> list[bool]:
    """Bold or not for each word of a run of lines: the most likely runs of weights.

    A two-state Viterbi over the words; each word's evidence counts by its letters (a
    short word says little), a change of weight inside a line costs `WEIGHT_SWITCH_COST`
    (a bold label before regular values stays a run of its own, a noisy word in a regular
    line does not turn bold alone) and between two lines of one run (`new_line[i]`: word
    i starts a line) `LINE_SWITCH_COST`.
    """
    n = len(ratios)
    if model is None or n == 0:
        return [False] * n
    inf = float("inf")
    cost = [[0.0, 0.0] for _ in range(n)]
    for i, (r, k) in enumerate(zip(ratios, letters)):
        if r:
            lr, lb = model.loglik(math.log(r))
            wgt = min(k, 8) / 4.0
            cost[i] = [-lr * wgt, -lb * wgt]
    best = [cost[0][0], cost[0][1]]
    back: list[list[int]] = []
    for i in range(1, n):
        nb, bk = [inf, inf], [0, 0]
        for s in (0, 1):
            for t in (0, 1):
                switch = LINE_SWITCH_COST if new_line and new_line[i] else WEIGHT_SWITCH_COST
                c = best[t] + (switch if s != t else 0.0) + cost[i][s]
                if c < nb[s]:
                    nb[s], bk[s] = c, t
        best = nb
        back.append(bk)
    state = 0 if best[0] <= best[1] else 1
    states = [state]
    for bk in reversed(back):
        state = bk[state]
        states.append(state)
    return [bool(s) for s in reversed(states)]


# --------------------------------------------------------------------------- colour


def _colour_distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Distance between two ink colours: chroma counts in full, lightness by half (the
    lightness a scan gives thin strokes varies with their width and the blur)."""
    la, lb = sum(a) / 3, sum(b) / 3
    ca = [v - la for v in a]
    cb = [v - lb for v in b]
    return math.sqrt(0.25 * (la - lb) ** 2 + sum((x - y) ** 2 for x, y in zip(ca, cb)))


def colour_classes(colours: list[tuple[tuple[int, int, int], int]], merge: float = COLOUR_MERGE) -> list[tuple[int, int, int]]:
    """The document's ink colours: greedy clusters (most used first) within `merge`."""
    total: dict[tuple[int, int, int], int] = {}
    for c, n in colours:
        q = tuple(int(v) // 4 * 4 + 2 for v in c)
        total[q] = total.get(q, 0) + n  # type: ignore[index]
    centres: list[list[float]] = []  # r, g, b, weight
    for c, n in sorted(total.items(), key=lambda kv: -kv[1]):
        for ce in centres:
            if _colour_distance(tuple(ce[:3]), c) <= merge:
                wsum = ce[3] + n
                for i in range(3):
                    ce[i] = (ce[i] * ce[3] + c[i] * n) / wsum
                ce[3] = wsum
                break
        else:
            centres.append([float(c[0]), float(c[1]), float(c[2]), float(n)])
    return [tuple(int(round(v)) for v in ce[:3]) for ce in centres]  # type: ignore[misc]


def hex_colour(c: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c)


def _run_colours(words: list[RawWord], bold: list[bool]) -> list[tuple[int, int, int] | None]:
    """Each word's colour: the median over its run (same line, same weight)."""
    out: list[tuple[int, int, int] | None] = [None] * len(words)
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j].line == words[i].line and bold[j] == bold[i]:
            j += 1
        cs = [words[k].color for k in range(i, j) if words[k].color]
        if cs:
            med = tuple(int(statistics.median(c[ch] for c in cs)) for ch in range(3))
            for k in range(i, j):
                out[k] = med  # type: ignore[assignment]
        i = j
    return out


# --------------------------------------------------------------------------- document


def document_words(pages: list[list[RawWord]]) -> list[list[Word]]:
    """Raw words of every OCR'd page → `layout.Word`s with snapped sizes, weights and colours.

    Weights first (they need no size class), then sizes snapped to the classes of their
    weight (a bold label and the regular text beside it are told apart by size better
    within each weight; a bold class next to a regular one takes its value), then colours.
    """
    per_page_runs = [style_runs(ws) for ws in pages]
    per_page_sizes = [line_sizes(ws, rs) for ws, rs in zip(pages, per_page_runs)]
    # stroke width against the run's size (steadier than the word's own)
    ratios = [[(w.stroke / s) if w.stroke and s else None for w, s in zip(ws, ss)] for ws, ss in zip(pages, per_page_sizes)]
    model = weight_model([(r, min(len(w.text), 8)) for ws, rs in zip(pages, ratios) for w, r in zip(ws, rs) if r and len(w.text) >= 2 and w.conf >= 60])
    per_page_bold: list[list[bool]] = []
    for ws, rs, runs in zip(pages, ratios, per_page_runs):
        bold: list[bool] = []
        i = 0
        while i < len(ws):
            j = i
            while j < len(ws) and runs[j] == runs[i]:
                j += 1
            starts = [k > i and ws[k].line != ws[k - 1].line for k in range(i, j)]
            bold += line_weights(rs[i:j], [sum(c.isalnum() for c in w.text) for w in ws[i:j]], model, starts)
            i = j
        per_page_bold.append(bold)
    sized = [(s, len(w.text)) for ws, ss in zip(pages, per_page_sizes) for w, s in zip(ws, ss) if s]
    classes = size_classes(sized)
    fallback = snap(statistics.median([s for s, _ in sized]), classes) if sized else 10.0
    per_page_colours = [_run_colours(ws, bs) for ws, bs in zip(pages, per_page_bold)]
    cols = colour_classes([(c, len(w.text)) for ws, cs in zip(pages, per_page_colours) for w, c in zip(ws, cs) if c])
    out: list[list[Word]] = []
    for ws, ss, bs, cs in zip(pages, per_page_sizes, per_page_bold, per_page_colours):
        page: list[Word] = []
        for w, s, bold, c in zip(ws, ss, bs, cs):
            size = snap(s, classes) if s else fallback
            colour = hex_colour(min(cols, key=lambda k: _colour_distance(k, c))) if c and cols else "#000000"
            bottom = w.baseline + EM_DESCENT * size
            pad = SIDE_BEARING * size  # pdfminer's boxes hold the glyphs' side bearings
            page.append(
                Word(
                    text=w.text,
                    x0=round(w.x0 - pad, 2),
                    x1=round(w.x1 + pad, 2),
                    top=round(bottom - size, 2),
                    bottom=round(bottom, 2),
                    size=size,
                    font="OCR-Bold" if bold else "OCR",
                    color=colour,
                )
            )
        out.append(page)
    return out


def _weighted_median(pairs: list[tuple[float, float]]) -> float:
    pairs = sorted(pairs)
    half, acc = sum(n for _, n in pairs) / 2, 0.0
    for v, n in pairs:
        acc += n
        if acc >= half:
            return v
    return pairs[-1][0]


# --------------------------------------------------------------------------- pictures

# Filled regions at least this big (points) and at most this share of the page, almost
# free of words, are pictures: the same rule as the layout stage's drawn pictures.
PICTURE_MIN_SIDE = 40.0
PICTURE_MAX_SHARE = 0.6
PICTURE_MAX_TEXT_SHARE = 0.05
PICTURE_MIN_DARKNESS = 40  # grey levels below the paper: a picture even with words on it
_CELL_PT = 2.0  # grid cell, points


def picture_boxes(grey: np.ndarray, words: list[RawWord], dpi: float, fills: list[tuple[int, int, int, int]] | None = None) -> list[tuple[float, float, float, float]]:
    """Pictures on a scanned page, as (x0, top, x1, bottom) in points.

    Cells of `_CELL_PT` points whose pixels nearly all differ from the paper are filled;
    connected filled regions of picture size are pictures, so the reading order goes
    around them as it does on a text PDF, when (almost) no recognised words are on them,
    or when they are well darker than the paper (a photograph or drawing with words set
    on it) and are no dark fill holding text (`fills`: a tag, a banner, read as text).
    Overlapping pictures are one.
    """
    k = 72.0 / dpi
    cell = max(2, int(round(_CELL_PT / k)))
    h, w = grey.shape
    H, W = h // cell, w // cell
    if H < 4 or W < 4:
        return []
    g = grey[: H * cell, : W * cell].astype(np.int16)
    paper = int(np.median(g[:: max(1, cell // 2), :: max(1, cell // 2)]))
    off = (np.abs(g - paper) > 24).reshape(H, cell, W, cell).mean(axis=(1, 3))
    filled = off >= 0.85
    if not filled.any():
        return []
    seen = np.zeros_like(filled)
    out = []
    page_area = (w * k) * (h * k)
    cells = np.argwhere(filled)
    for y, x in cells:
        if seen[y, x]:
            continue
        stack = [(int(y), int(x))]
        seen[y, x] = True
        y0 = y1 = int(y)
        x0 = x1 = int(x)
        while stack:
            cy, cx = stack.pop()
            y0, y1, x0, x1 = min(y0, cy), max(y1, cy), min(x0, cx), max(x1, cx)
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                if 0 <= ny < H and 0 <= nx < W and filled[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        bx0, by0, bx1, by1 = x0 * cell * k, y0 * cell * k, (x1 + 1) * cell * k, (y1 + 1) * cell * k
        if bx1 - bx0 < PICTURE_MIN_SIDE or by1 - by0 < PICTURE_MIN_SIDE:
            continue
        area = (bx1 - bx0) * (by1 - by0)
        if area > PICTURE_MAX_SHARE * page_area:
            continue
        inked = 0.0
        for wd in words:
            size = wd.size or 10.0
            cx_, cy_ = (wd.x0 + wd.x1) / 2, wd.baseline - 0.3 * size
            if bx0 <= cx_ <= bx1 and by0 <= cy_ <= by1:
                inked += (wd.x1 - wd.x0) * 0.7 * size
        level = float(np.median(g[y0 * cell : (y1 + 1) * cell : max(1, cell // 2), x0 * cell : (x1 + 1) * cell : max(1, cell // 2)]))
        px = (x0 * cell, y0 * cell, (x1 + 1) * cell, (y1 + 1) * cell)
        is_fill = any(_overlap(px, f) > 0.5 for f in fills or [])
        if inked < PICTURE_MAX_TEXT_SHARE * area or (paper - level > PICTURE_MIN_DARKNESS and not is_fill):
            out.append((bx0, by0, bx1, by1))
    merged: list[list[float]] = []
    for box in sorted(out):
        for m in merged:
            if box[0] < m[2] and m[0] < box[2] and box[1] < m[3] and m[1] < box[3]:
                m[0], m[1], m[2], m[3] = min(m[0], box[0]), min(m[1], box[1]), max(m[2], box[2]), max(m[3], box[3])
                break
        else:
            merged.append(list(box))
    return [(round(a, 1), round(b, 1), round(c, 1), round(d, 1)) for a, b, c, d in merged]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Share of box a covered by box b."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1])
    return ix * iy / area if area else 0.0
