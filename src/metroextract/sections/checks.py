"""Consistency of a report with itself, as warnings."""

from __future__ import annotations

import re

from ..errors import WarningCode
from ..fields import parse_int
from ..models import (
    MemberRef,
    Report,
    Warning_,
)
from ..text import fold

_MEMBER_COUNT_RE = re.compile(r"\b(?:nos|our|nuestros|nuestras|ses|its|sus)\s+(\d[\d\s\u00a0\u202f.,]*?)\s+(?:membres|members|miembros)\b", re.I)


def _names_key(ref: MemberRef) -> str:
    return ref.member_id or fold(ref.name)


def cross_check(report: Report) -> list[Warning_]:
    """Consistency of the report with itself, as warnings (never exceptions): result codes
    absent from the plan, challenges absent from the taxonomy or with another label, members
    named in activities but in no region list, key figures that do not parse, and a member
    count printed in the text ("nos 141 membres") that differs from the region lists."""
    out: list[Warning_] = []
    plan_codes = {p.code for p in report.plan}
    taxonomy = {c.code: c.label for c in report.challenge_taxonomy}
    region_keys: set[str] = set()
    for r in report.regions:
        for m in [*r.members, *r.honorary_members]:
            region_keys.add(_names_key(m))
            region_keys.add(fold(m.name))
    seen_results: set[str] = set()
    seen_challenges: set[tuple[str, str]] = set()
    seen_members: set[str] = set()
    for a in report.activities:
        page = a.provenance.pages[0] if a.provenance.pages else None
        if plan_codes:
            for code in a.results:
                if code not in plan_codes and code not in seen_results:
                    seen_results.add(code)
                    out.append(Warning_(page=page, code=WarningCode.RESULT_NOT_IN_PLAN, message=f"result {code} of activity {a.title!r} is not in the plan"))
        if taxonomy:
            for ch in a.challenges:
                key = (ch.code, fold(ch.label))
                if key in seen_challenges:
                    continue
                seen_challenges.add(key)
                if ch.code not in taxonomy:
                    out.append(Warning_(page=page, code=WarningCode.CHALLENGE_NOT_IN_TAXONOMY, message=f"challenge {ch.code} {ch.label!r} of activity {a.title!r} is not in the taxonomy"))
                elif fold(ch.label) != fold(taxonomy[ch.code]):
                    out.append(
                        Warning_(
                            page=page,
                            code=WarningCode.CHALLENGE_LABEL_MISMATCH,
                            message=f"challenge {ch.code} is {ch.label!r} in activity {a.title!r} but {taxonomy[ch.code]!r} in the taxonomy",
                        )
                    )
        if report.regions:
            for m in a.members:
                key = _names_key(m)
                if key in region_keys or fold(m.name) in region_keys or key in seen_members:
                    continue
                seen_members.add(key)
                out.append(Warning_(page=page, code=WarningCode.MEMBER_NOT_IN_REGIONS, message=f"member {m.name!r} of activity {a.title!r} is in no region list"))
    for k in report.key_figures:
        if k.value is None:
            out.append(Warning_(page=None, code=WarningCode.KEY_FIGURE_UNPARSED, message=f"key figure {k.text!r} ({k.label!r}) is not a number"))
    if report.regions:
        total = sum(len(r.members) for r in report.regions)
        texts = []
        if report.secretary_general_note:
            texts.append(report.secretary_general_note.text)
        texts += [a.description for a in report.activities]
        for text in texts:
            for m in _MEMBER_COUNT_RE.finditer(text):
                printed = parse_int(m.group(1).strip(" .,"))
                if printed is not None and printed != total:
                    out.append(
                        Warning_(
                            page=None,
                            code=WarningCode.MEMBER_COUNT_MISMATCH,
                            message=f"the text says {m.group(0)!r} but the region lists hold {total} members",
                        )
                    )
    return out
