"""Bilateral meetings: cards (month, format, labelled member and alliance lists) or a
table with the months as rows or as columns."""

from __future__ import annotations

from typing import Any

from ..fields import RUNIN_LABEL_RE
from ..models import (
    AllianceRef,
    BilateralMeeting,
    Line,
    MemberRef,
    Period,
)
from ..tabular import find_tables
from ..vocab import Vocabulary, fold
from .lines import cell_text, is_heading, month_heading, names_of, squash, without_tables


def _label_map(vocab: Vocabulary) -> dict[str, str]:
    labels = {fold(v): "members" for v in [*vocab.meeting_members, *vocab.labels.get("members", [])]}
    labels.update({fold(v): "alliances" for v in [*vocab.meeting_alliances, *vocab.labels.get("alliances", [])]})
    return labels


def _runin(text: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """'Membres : A, B' or 'Miembros — A, B' → ('members', 'A, B') for a known label."""
    m = RUNIN_LABEL_RE.match(text)
    if m and fold(m.group(1)) in labels:
        return labels[fold(m.group(1))], m.group(2)
    return None


def parse_meetings(lines: list[Line], body: float, vocab: Vocabulary, period: Period) -> list[BilateralMeeting]:
    """Cards: month heading → format line ("En ligne") → labelled member/alliance lists."""
    labels = _label_map(vocab)
    tables = [t for t in find_tables(lines, vocab, ("month", "format", "members", "alliances"), required=("month",)) if {"members", "alliances"} & set(t.keys)]
    from_tables = []
    for t in tables:
        for rec in t.records():
            month_lines = rec.get("month") or []
            month = month_heading(month_lines[0].model_copy(update={"text": cell_text(month_lines)}), vocab, period) if month_lines else None
            from_tables.append(
                BilateralMeeting(
                    month=month,
                    format=cell_text(rec.get("format")) or None,
                    members=[MemberRef(name=n) for n in names_of(rec.get("members") or [])],
                    alliances=[AllianceRef(name=n) for n in names_of(rec.get("alliances") or [])],
                )
            )
    lines = [ln for ln in without_tables(lines, tables) if not (is_heading(ln, body) and month_heading(ln, vocab, period) is None)]
    cards: list[dict[str, Any]] = []
    field: str | None = None
    for ln in lines:
        text = squash(ln.text)
        mh = month_heading(ln, vocab, period)
        if mh is not None:
            cards.append({"month": mh, "format": None, "members": [], "alliances": []})
            field = None
            continue
        if not cards:
            continue
        card = cards[-1]
        if fold(text) in labels:
            field = labels[fold(text)]
            continue
        ri = _runin(text, labels)
        if ri:
            field = ri[0]
            if ri[1].strip():
                card[field].append(ln.model_copy(update={"text": ri[1]}))
            continue
        if field is None:
            if card["format"] is None:
                card["format"] = text
            continue
        card[field].append(ln)
    return from_tables + [
        BilateralMeeting(
            month=c["month"],
            format=c["format"],
            members=[MemberRef(name=n) for n in names_of(c["members"])],
            alliances=[AllianceRef(name=n) for n in names_of(c["alliances"])],
        )
        for c in cards
    ]
