"""Cards of people: a role, a name, detail lines; or "• Role: Name (Place)" items."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..fields import join_lines
from ..models import (
    Line,
)
from ..tabular import cell_pieces
from .lines import DASH_SPLIT_RE, attached, squash, style_of

_RUNIN_PERSON_RE = re.compile(r"^(?:[-–—•·▪◦]\s*)?([^:：]{2,60}?)\s*[:：]\s*(\S[^()]*?)\s*(?:\(([^()]+)\))?\s*$")


def card_styles(lines: list[Line]) -> tuple[set[tuple], set[tuple], float]:
    """Styles of card roles and names: a role is a small bold or capitalised label printed
    just above a larger line, the name (bold, or "Name — place" run in)."""
    roles: Counter[tuple] = Counter()
    names: Counter[tuple] = Counter()
    for a, b in zip(lines, lines[1:]):
        if (a.bold or a.upper) and a.size < 0.92 * b.size and (b.bold or DASH_SPLIT_RE.search(b.text)) and attached(a, b, 1.2):
            roles[style_of(a)] += 1
            names[style_of(b)] += 1
    name_size = max((st[0] for st in names), default=max(ln.size for ln in lines))
    return set(roles), {st for st in names if st[1]}, name_size


_ROLE_OPENS_RE = re.compile(r"^[^:：,;]{2,40}?\s*[:：]\s*\S")


def _runin_people(lines: list[Line]) -> tuple[list[dict[str, Any]], list[Line]] | None:
    """A list of "• Role: Name (Place)" or "Role: Name, Position" items, when every item
    reads so (else None), and the lines after the list. An item opens at a bullet, or at
    a short role and a colon when the list is not bulleted; other lines wrap the item
    above, but a "Name — position" line ends an unbulleted list."""
    bulleted = any(re.match(r"^[-–—•·▪◦]\s", squash(ln.text)) for ln in lines)
    items: list[list[str]] = []
    rest: list[Line] = []
    for k, ln in enumerate(lines):
        text = squash(ln.text)
        opens = re.match(r"^[-–—•·▪◦]\s", text) if bulleted else _ROLE_OPENS_RE.match(text)
        if opens or not items:
            items.append([text])
        elif not bulleted and DASH_SPLIT_RE.search(text):
            rest = lines[k:]  # "Name — position" without a role: the list has ended (staff follow)
            break
        else:
            items[-1].append(text)  # a wrapped item
    people = []
    for parts in items:
        m = _RUNIN_PERSON_RE.match(join_lines(parts))
        if not m:
            return None
        name, detail = m.group(2).strip(), [m.group(3).strip()] if m.group(3) else []
        if not detail and ", " in name:
            name, position = name.split(", ", 1)  # "Name, Position"
            detail = [position]
        people.append({"role": m.group(1).strip(), "name": name, "detail": detail})
    return (people, rest) if people else None


def _tight(cards: list[dict[str, Any]]) -> float:
    """Paragraphs of a card are as far apart as its name is from its first detail: a
    detail line clearly closer than that to the line above wraps it."""
    heads = [c["gaps"][0] for c in cards if c["name"] and c.get("gaps") and c["gaps"][0] != float("inf")]
    return 0.75 * min(heads) if heads else 0.0


def roles_in_details(cards: list[dict[str, Any]]) -> bool:
    """Cards printed name first, then role, then place or position, in one style: when no
    card has a role and most cards have two detail paragraphs or more, the first is the
    role if some of the first paragraphs repeat from card to card (roles do: "Membre",
    "Coprésidente"; places and positions rarely)."""
    named = [c for c in cards if c["name"]]
    if not named or any(c["role"] for c in named):
        return False
    tight = _tight(named)
    # a card with no detail at all (its details printed on the next page) tells nothing
    paras = [p for c in named if (p := _paragraphs(c, tight))]
    if not paras:
        return False
    # most cards, not all: one card's details may have gone to another, broken over columns
    if sum(len(p) >= 2 for p in paras) >= 0.8 * len(paras):
        return len(named) == 1 or max(Counter(p[0] for p in paras).values()) >= 2
    # fewer (a grid read across a page break gave details to the wrong cards): still when
    # most of the split cards open on a paragraph that other cards open on too
    split = [p for p in paras if len(p) >= 2]
    return len(split) >= 0.5 * len(paras) and sum(len(p) >= 2 for p in paras if p[0] in _repeated_firsts(paras)) >= 0.6 * len(split)


def _repeated_firsts(paras: list[list[str]]) -> set[str]:
    """First paragraphs that open two cards or more among those printing more than one."""
    counts = Counter(p[0] for p in paras if len(p) >= 2)
    return {text for text, n in counts.items() if n >= 2}


def detail_roles(cards: list[dict[str, Any]]) -> set[str]:
    """The roles the cards open their details on (first paragraphs that repeat)."""
    tight = _tight(cards)
    return _repeated_firsts([_paragraphs(c, tight) for c in cards if c["name"]])


def with_roles(cards: list[dict[str, Any]], roles: set[str] | None = None) -> list[dict[str, Any]]:
    """The cards with their first detail paragraph as their role; a card left with one
    paragraph, one of the `roles` other cards open on (by default: these cards'), has
    that role and no detail."""
    tight = _tight(cards)
    paras = [_paragraphs(c, tight) if c["name"] else [] for c in cards]
    roles = _repeated_firsts(paras) if roles is None else roles
    out = []
    for c, ps in zip(cards, paras):
        if len(ps) >= 2:
            out.append({**c, "role": ps[0], "detail": ps[1:]})
        elif len(ps) == 1 and ps[0] in roles:
            out.append({**c, "role": ps[0], "detail": []})
        else:
            out.append(c)
    return out


def _paragraphs(card: dict[str, Any], tight: float) -> list[str]:
    """A card's detail lines as paragraphs: a line set clearly closer to the one above it
    than paragraphs are apart (`tight`) wraps it ("Vice-présidente" / "régionale")."""
    gaps = card.get("gaps") or [0.0] * len(card["detail"])
    out: list[list[str]] = []
    for k, (text, gap) in enumerate(zip(card["detail"], gaps)):
        if k and gap <= tight:
            out[-1].append(text)
        else:
            out.append([text])
    return [join_lines(p) for p in out]


def _owner(cards: list[dict[str, Any]], ln: Line) -> dict[str, Any]:
    """The card a detail line belongs to: the last card whose name stands in the line's
    column. A row of cards broken over a page prints every name of the row, then every
    card's details on the next page: each detail goes under its own name, not the last."""

    def overlaps(head: Line) -> bool:
        return min(head.x1, ln.x1) - max(head.x0, ln.x0) > 0

    named = [c for c in cards if c["name"] is not None and overlaps(c["head"])]
    aligned = [c for c in named if abs(c["head"].x0 - ln.x0) <= ln.size]
    return (aligned or named or cards)[-1]


def _wrapped_name_of(cards: list[dict[str, Any]], ln: Line) -> dict[str, Any] | None:
    """The card whose name a bold line goes on: right under that name, in its column,
    before any detail (a row of cards reads each card's first lines in turn)."""
    card = _owner(cards, ln)
    last = card.get("last")
    if card["name"] is None or card["detail"] or last is None or not last.bold:
        return None
    return card if attached(last, ln, 0.6) else None


def _detail_pieces(cards: list[dict[str, Any]], ln: Line) -> list[Line]:
    """A detail line cut at its wide gaps when each piece stands under another card's
    name (the details of a row of cards that the layout read as one line)."""
    pieces = cell_pieces(ln)
    if len(pieces) < 2:
        return [ln]
    owners = [id(_owner(cards, piece)) for piece in pieces]
    return pieces if len(set(owners)) == len(pieces) else [ln]


def _add_detail(card: dict[str, Any], ln: Line) -> None:
    last = card.get("last")
    card["detail"].append(squash(ln.text))
    # a card broken over two pages (a table row split by a word processor) or two columns
    # goes on with a new paragraph: the turn of the page or column is no wrap
    turned = last is not None and (ln.page != last.page or ln.top < last.top)
    card.setdefault("gaps", []).append(ln.top - last.bottom if last is not None and not turned else (float("inf") if turned else 0.0))
    card["last"] = ln


def parse_cards(lines: list[Line], kind: str, roles: bool = True) -> tuple[list[dict[str, Any]], list[Line]]:
    """Cards of role (small bold label) → name (bold) → details (plain lines), or role →
    "Name — detail" on one line. Returns the cards and, for board cards, the lines from
    the first card printed without any role on (the secretariat after the last region).
    Cards printed name first take their role from their first detail (`roles`; off when
    the caller decides that over several lists of cards at once)."""
    cards: list[dict[str, Any]] = []
    if not lines:
        return cards, []
    if (people := _runin_people(lines)) is not None:
        return people
    role_styles, name_styles, name_size = card_styles(lines)
    prev: Line | None = None
    for k, ln in enumerate(lines):
        text = squash(ln.text)
        st = style_of(ln)
        is_name = st in name_styles or (ln.bold and ln.size >= 0.92 * name_size)
        is_role = not is_name and (st in role_styles or ((ln.bold or ln.upper) and ln.size < 0.92 * name_size))
        dash = DASH_SPLIT_RE.split(text, maxsplit=1)
        if is_role:
            cards.append({"role": text, "name": None, "detail": []})
        elif is_name or (len(dash) == 2 and (not cards or cards[-1]["name"] is None or prev is None or not attached(prev, ln, 1.0))):
            # "Name — place" run in: right under a role, or opening a card of its own
            name, detail = (dash[0], [dash[1]]) if len(dash) == 2 else (text, [])
            if cards and cards[-1]["name"] is None:
                cards[-1].update(name=name, detail=detail, head=ln, last=ln)
            elif cards and is_name and (above := _wrapped_name_of(cards, ln)) is not None:
                above.update(name=join_lines([above["name"], name]), last=ln)  # a wrapped name
            else:
                if kind == "board" and any(c["role"] for c in cards):
                    return cards, lines[k:]
                cards.append({"role": None, "name": name, "detail": detail, "head": ln, "last": ln})
        elif cards and cards[-1]["name"] is not None:
            for piece in _detail_pieces(cards, ln):
                _add_detail(_owner(cards, piece), piece)
        prev = ln
    return (with_roles(cards) if roles and roles_in_details(cards) else cards), []
