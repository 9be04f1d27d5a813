"""The contact box: address, phone, email, website."""

from __future__ import annotations

import re

from ..fields import join_lines
from ..models import (
    Contact,
    Line,
)
from .lines import attached, squash

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_WEB_RE = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.I)

_PHONE_LABEL_RE = re.compile(r"^(?:t[ée]l[ée]?(?:fono|ephone|éfono)?|phone|tel|t)\s*\.?\s*[:.]?\s*(\+?\(?\d[\d\s().\-/]{5,}\d)$", re.I)

_PHONE_RE = re.compile(r"^\+?\(?\d[\d\s().\-/]{6,}\d$")


def _lead_in(lines: list[Line], first: int, ref: Line) -> list[int]:
    """Up to three plain lines styled like `ref` read right before line `first`, and the
    bold title line over them; nothing unless the title closes them."""
    out: list[int] = []
    j = first - 1
    while j >= 0 and len(out) <= 3:
        ln = lines[j]
        if ln.bold:
            return [j, *out] if out and ln.page == ref.page else []
        if round(ln.size, 1) != round(ref.size, 1) or ln.color != ref.color or squash(ln.text).endswith(":") or ln.cell is not None:
            return []
        out.insert(0, j)
        j -= 1
    return []


def _title_after(lines: list[Line], last: int, ref: Line) -> list[int]:
    """The box's bold title and its first plain lines read right after the box (the foot
    of the column before it, read after it), ending the lines or a column."""
    j = last + 1
    if j >= len(lines) or not lines[j].bold or lines[j].page != ref.page:
        return []
    out = [j]
    while j + 1 < len(lines) and len(out) <= 3 and attached(lines[j], lines[j + 1], 1.0) and not lines[j + 1].bold and round(lines[j + 1].size, 1) == round(ref.size, 1):
        j += 1
        out.append(j)
    ends = j + 1 >= len(lines) or not attached(lines[j], lines[j + 1], 1.5)
    return out if len(out) > 1 and ends else []


def contact_lines(lines: list[Line]) -> tuple[Contact | None, set[int]]:
    """Address / phone / email / website lines, and the indexes of the box holding them."""
    found: dict[str, tuple[int, str]] = {}
    for k, ln in enumerate(lines):
        t = squash(ln.text)
        if "email" not in found and (m := _EMAIL_RE.search(t)):
            found["email"] = (k, m.group(0))
        elif "phone" not in found and (m := _PHONE_LABEL_RE.match(t)):
            found["phone"] = (k, squash(m.group(1)))
        elif "phone" not in found and _PHONE_RE.match(t) and sum(c.isdigit() for c in t) >= 7:
            found["phone"] = (k, t)
        elif "website" not in found and _WEB_RE.match(t) and not t.replace(".", "").isdigit():
            found["website"] = (k, t)
    if not found:
        return None, set()
    idx = sorted(k for k, _ in found.values())
    anchor = lines[idx[0]]
    # the box: lines sharing the contact lines' left edge, stacked without a wide gap
    stack = sorted(
        (k for k, ln in enumerate(lines) if ln.page == anchor.page and abs(ln.x0 - anchor.x0) <= 1.5),
        key=lambda k: lines[k].top,
    )
    pos = stack.index(idx[0])
    lo = hi = pos
    # up to a gap wider than a line (staff listed above the box); above the box's title in
    # bold, only lines in a style of their own (a tag line, a credit), not lines set like
    # the contact lines (staff listed right above the title, at the same leading)
    titled = False
    while lo > 0 and lines[stack[lo]].top - lines[stack[lo - 1]].bottom <= 1.2 * lines[stack[lo]].size:
        titled = titled or lines[stack[lo]].bold
        above = lines[stack[lo - 1]]
        if titled and not above.bold and round(above.size, 1) == round(anchor.size, 1) and above.color == anchor.color:
            break
        lo -= 1
    while hi < len(stack) - 1 and lines[stack[hi + 1]].top - lines[stack[hi]].bottom <= 2.5 * lines[stack[hi]].size:
        hi += 1
    box = set(stack[lo : hi + 1]) | set(idx)
    # the address: plain lines styled like the contact lines, just above the first of them
    address: list[str] = []
    j = pos - 1
    ref = lines[idx[0]]
    while j >= lo:
        ln = lines[stack[j]]
        if ln.bold or round(ln.size, 1) != round(ref.size, 1) or ln.color != ref.color or ref.top - ln.bottom > 1.2 * ref.size:
            break
        if squash(ln.text).endswith(":"):
            break
        address.insert(0, squash(ln.text))
        ref = ln
        j -= 1
    if not address and pos == lo:
        # the box's first lines at the foot of the previous column: plain lines read just
        # before it, under the box's bold title
        lead = _lead_in(lines, idx[0], lines[idx[0]]) or _title_after(lines, idx[-1], lines[idx[0]])
        address = [squash(lines[k].text) for k in lead if not lines[k].bold]
        box |= set(lead)
    contact = Contact(
        address=join_lines(address) or None,
        phone=found["phone"][1] if "phone" in found else None,
        email=found["email"][1] if "email" in found else None,
        website=found["website"][1] if "website" in found else None,
    )
    return contact, box
