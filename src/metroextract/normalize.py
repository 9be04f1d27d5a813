"""Resolve printed member and alliance names against the registry (the only rapidfuzz user).

Resolution of one printed name, in order:

1. normalized exact match on a name in any language (`method="exact"`, score 100);
2. normalized exact match on an alias (`method="alias"`, score 100);
3. the same two on the name with a doubled drop-cap initial repaired ("AAbidjan" is
   how a drop cap "A" followed by the word "Abidjan" comes out of some layouts);
   recorded as `method="fuzzy"` with the scorer's score on the printed name, because
   what was printed is not a registered spelling;
4. fuzzy: `SCORER` on `PROCESSOR`-normalized strings against every registered spelling,
   best score per id; accepted only when the best id reaches `FUZZY_THRESHOLD` AND beats
   the best *different* id by `FUZZY_MARGIN`;
5. otherwise `method="unresolved"`, id null, score = the best fuzzy score seen.

The margin rule is what keeps look-alike entities apart: "Barcelona" alone scores the
same against the city and the metropolitan area, so it is never guessed; "CGLU Afrique"
and "CGLU" are distinct registered spellings and never fuzzy-matched to each other.

`normalize_report` applies this to every reference of a `Report` and returns the
`ReviewItem`s a person should look at. Nothing here does I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rapidfuzz import fuzz, process

from metroextract.models import (
    Activity,
    AllianceRef,
    BilateralMeeting,
    Candidate,
    MemberRef,
    Region,
    Report,
    ReviewItem,
)

if TYPE_CHECKING:
    from metroextract.registry import Entity, Kind, Registry

__all__ = [
    "AMBIGUOUS_MENTIONS",
    "FUZZY_MARGIN",
    "FUZZY_THRESHOLD",
    "PROCESSOR",
    "REVIEW_MARGIN",
    "SCORER",
    "candidates",
    "find_mentions",
    "normalize_name",
    "normalize_report",
    "resolve_alliance",
    "resolve_member",
]

# --------------------------------------------------------------------------- normalization

# Letters NFKD does not decompose into a base letter + combining mark.
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "œ": "oe",
     "Œ": "oe", "æ": "ae", "Æ": "ae", "ð": "d", "þ": "th"}
)  # fmt: skip
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_name(s: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces and collapse whitespace.

    >>> normalize_name("Xí'an")
    'xi an'
    >>> normalize_name("  Barcelone (aire\\nmétropolitaine) ")
    'barcelone aire metropolitaine'
    >>> normalize_name("ONU-Hábitat")
    'onu habitat'
    >>> normalize_name("São Paulo") == normalize_name("SAO PAULO")
    True
    >>> normalize_name("Diyarbakır, Œuvre")
    'diyarbakir oeuvre'
    >>> normalize_name("Male'")
    'male'
    >>> normalize_name("—")
    ''
    """
    decomposed = unicodedata.normalize("NFKD", s.translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.casefold()).strip()


# --------------------------------------------------------------------------- fuzzy settings
#
# Chosen with scripts/measure_thresholds.py on the packaged registry (141 members + CPAFFC,
# 16 alliances; 520 member and 64 alliance spellings), 50 seeded random perturbations per
# spelling of each kind: one edit (insert / delete / substitute / transpose), accents
# dropped, doubled first letter, case change, and real report typos ("Doula",
# "Johannesbourg", "Xí'an", "AAbidjan"). Numbers below are from that run.
#
# Scorer. fuzz.ratio (normalized Indel similarity) on the whole normalized string.
#   - fuzz.WRatio and the partial/token_set scorers give a name that is a *part* of another
#     a high score: WRatio("barcelona", "barcelona ciudad") = 90, WRatio("cglu",
#     "cglu afrique") = 90, token_set_ratio gives 100 to both. Those are exactly the pairs
#     that must never cross, and with WRatio 1.9 % of one-edit perturbations had a wrong
#     id within 5 points of the right one (ratio: 0.3 %).
#   - fuzz.ratio separates them: ratio("barcelona", "barcelona ciudad") = 72.
#   - token_sort_ratio only helps with reordered words, which the reports never print.
# Processor. normalize_name (applied once to the registry spellings and to the query),
#   so accents, case and punctuation cost nothing and only real letter edits count.
SCORER: Callable[..., float] = fuzz.ratio
PROCESSOR: Callable[[str], str] = normalize_name

# Threshold. One edit in a normalized spelling of n characters scores 100*(1-1/n) for a
# substitution and 100*(2n-2)/(2n-1) for an insertion/deletion: 83.3 / 90.9 at n=6,
# 87.5 / 93.3 at n=8. Measured over all perturbations: right-id score p5 = 85.7,
# median 92.3; best wrong-id score p99 = 72.7, max 88.9 (both within one edit of two
# registered names, e.g. "usan" between Ulsan and Busan, which the margin rejects).
# 82 accepts substitutions in names of 6+ letters and insertions/deletions in names of
# 3+ letters, and leaves 9 points above the 99th percentile of wrong-id scores.
FUZZY_THRESHOLD = 82.0

# Margin over the best candidate of a different id. Among accepted perturbations the
# right id's lead has p1 = 16.7 when the right id wins; every wrong id that reached the
# threshold did so with a lead of 0 (ties between two registered names one edit apart).
# 8 rejects every tie and near-tie measured while keeping 99.6 % of right matches.
FUZZY_MARGIN = 8.0

# Fuzzy matches accepted with a lead under this still go to review as "low_margin":
# they are right in the measurements, but close enough to another id that a person
# should confirm once (and add the alias, which makes the next report exact).
REVIEW_MARGIN = 15.0

# --------------------------------------------------------------------------- resolution

Method = Literal["exact", "alias", "fuzzy", "unresolved"]


@dataclass(frozen=True)
class _Resolution:
    entity: Entity | None
    method: Method
    score: float | None
    margin: float | None  # best id's lead over the best other id (fuzzy only)


def _round(score: float) -> float:
    return round(float(score), 1)


@functools.lru_cache(maxsize=16)
def _choices(registry: Registry, kind: Kind) -> tuple[list[str], list[Entity]]:
    """Normalized spellings (already PROCESSOR-ed) and their owners, for process.extract."""
    keys = registry.keys(kind)
    return list(keys), [owner for owner, _ in keys.values()]


def _ranked(query: str, registry: Registry, kind: Kind) -> list[tuple[Entity, float]]:
    """Best SCORER score per id for an already-normalized query, best first."""
    keys, owners = _choices(registry, kind)
    best: dict[str, tuple[Entity, float]] = {}
    # processor=None: query and choices are both already PROCESSOR-normalized.
    for _, score, i in process.extract(query, keys, scorer=SCORER, processor=None, limit=None):
        owner = owners[i]
        if owner.id not in best or score > best[owner.id][1]:
            best[owner.id] = (owner, score)
    return sorted(best.values(), key=lambda pair: (-pair[1], pair[0].id))


def _undouble_initial(name: str) -> str | None:
    """ "AAbidjan" -> "Abidjan": the drop-cap letter printed twice, else None."""
    s = name.strip()
    if len(s) >= 3 and s[0].isalpha() and s[0].casefold() == s[1].casefold():
        return s[1:]
    return None


def _resolve(name: str, registry: Registry, kind: Kind) -> _Resolution:
    key = PROCESSOR(name)
    if not key:
        return _Resolution(None, "unresolved", None, None)
    hit = registry.lookup(kind, key)
    if hit is not None:
        return _Resolution(hit[0], hit[1], 100.0, None)
    repaired = _undouble_initial(name)
    if repaired is not None:
        hit = registry.lookup(kind, PROCESSOR(repaired))
        if hit is not None:
            score = max(SCORER(key, PROCESSOR(s)) for s, _ in hit[0].spellings())
            return _Resolution(hit[0], "fuzzy", _round(score), None)
    ranked = _ranked(key, registry, kind)
    if not ranked:
        return _Resolution(None, "unresolved", None, None)
    entity, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    margin = score - runner_up
    if score >= FUZZY_THRESHOLD and margin >= FUZZY_MARGIN:
        return _Resolution(entity, "fuzzy", _round(score), margin)
    return _Resolution(None, "unresolved", _round(score), margin)


def _member_ref(name: str, r: _Resolution) -> MemberRef:
    return MemberRef(
        name=name,
        member_id=r.entity.id if r.entity else None,
        canonical_name=r.entity.canonical_name if r.entity else None,
        method=r.method,
        score=r.score,
    )


def _alliance_ref(name: str, r: _Resolution) -> AllianceRef:
    return AllianceRef(
        name=name,
        alliance_id=r.entity.id if r.entity else None,
        canonical_name=r.entity.canonical_name if r.entity else None,
        method=r.method,
        score=r.score,
    )


def resolve_member(name: str, registry: Registry) -> MemberRef:
    """A printed member name resolved against the registry (id null when unresolved)."""
    return _member_ref(name, _resolve(name, registry, "member"))


def resolve_alliance(name: str, registry: Registry) -> AllianceRef:
    """A printed alliance name resolved against the registry (id null when unresolved)."""
    return _alliance_ref(name, _resolve(name, registry, "alliance"))


def candidates(name: str, registry: Registry, kind: Kind, limit: int = 3) -> list[Candidate]:
    """The `limit` best ids for a printed name by SCORER (one per id), best first."""
    key = PROCESSOR(name)
    if not key or limit <= 0:
        return []
    return [
        Candidate(id=e.id, name=e.canonical_name, score=_round(s))
        for e, s in _ranked(key, registry, kind)[:limit]
    ]


# --------------------------------------------------------------------------- mentions

# Members whose name is also an ordinary proper name or part of one ("Emergency
# Management Victoria", "Bandar Abbas", "Rosario Robles", "Sofia Coppola", "Male
# participation"): found in running text only when not touching another capitalised
# word and not opening a sentence.
AMBIGUOUS_MENTIONS = frozenset(
    {"victoria", "la-paz", "male", "bandar", "rosario", "sofia", "colombo", "mexico-city"}
)
_SENTENCE_OPENERS = frozenset({".", "!", "?", ":", ";", "•", "-", "–", "—", "\n"})


@dataclass(frozen=True)
class _Pattern:
    entity: Entity
    method: Literal["exact", "alias"]
    tokens: tuple[str, ...]  # the pattern's own token texts, for the capitalisation check


@dataclass(frozen=True)
class _MentionMatcher:
    nlp: Any
    members: Any  # spacy PhraseMatcher
    alliances: Any
    patterns: dict[int, _Pattern]


def _spellings_for_text(entity: Entity) -> Iterable[tuple[str, Literal["exact", "alias"]]]:
    seen: set[str] = set()
    for text, method in entity.spellings():
        for variant in (text, _strip_accents(text)):
            if variant not in seen:
                seen.add(variant)
                yield variant, method


def _strip_accents(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


@functools.lru_cache(maxsize=8)
def _mention_matcher(registry: Registry, lang: str) -> _MentionMatcher:
    """PhraseMatchers (attr LOWER) on spacy.blank(lang) for members and alliances, built once."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank(lang)
    members = PhraseMatcher(nlp.vocab, attr="LOWER")
    alliances = PhraseMatcher(nlp.vocab, attr="LOWER")
    patterns: dict[int, _Pattern] = {}
    for kind, matcher in (("member", members), ("alliance", alliances)):
        for entity in registry.entities(kind):  # type: ignore[arg-type]
            for text, method in _spellings_for_text(entity):
                doc = nlp.make_doc(text)
                label = f"{kind}:{entity.id}:{method}:{text}"
                matcher.add(label, [doc])
                patterns[nlp.vocab.strings[label]] = _Pattern(
                    entity, method, tuple(t.text for t in doc)
                )
    return _MentionMatcher(nlp, members, alliances, patterns)


def _capitalised_as_printed(pattern: _Pattern, span: Any) -> bool:
    """Each capitalised word of the registered spelling is capitalised in the text too,
    and an acronym ("NIUA", "AMB") is in capitals."""
    for expected, token in zip(pattern.tokens, span, strict=True):
        if expected[:1].isupper() and not token.text[:1].isupper():
            return False
        if len(expected) > 1 and expected.isupper() and not token.text.isupper():
            return False
    return True


def _is_capitalised_word(token: Any) -> bool:
    return token.is_alpha and token.text[:1].isupper()


def _standalone(span: Any) -> bool:
    """Not part of a longer proper name and not the first word of a sentence."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is None or before.text in _SENTENCE_OPENERS or "\n" in before.text:
        return False
    if _is_capitalised_word(before):
        return False
    return not (after is not None and _is_capitalised_word(after))


def find_mentions(text: str, registry: Registry, lang: str) -> list[MemberRef]:
    """Members named in running text, in order of first appearance, one per id.

    Only registered spellings match (method "exact" or "alias"; accents optional), as
    capitalised as registered; the longest match wins ("Ville de Mexico" over "Mexico"),
    and a member name inside an alliance name ("Prix de Guangzhou") is not a mention.
    """
    if not text.strip():
        return []
    from spacy.util import filter_spans

    mm = _mention_matcher(registry, lang)
    doc = mm.nlp.make_doc(text)
    taken = filter_spans(
        [doc[s:e] for match_id, s, e in mm.alliances(doc)
         if _capitalised_as_printed(mm.patterns[match_id], doc[s:e])]
    )  # fmt: skip
    blocked = {i for span in taken for i in range(span.start, span.end)}
    found: dict[tuple[int, int], _Pattern] = {}
    for match_id, start, end in mm.members(doc):
        pattern = mm.patterns[match_id]
        span = doc[start:end]
        if (start, end) in found or any(i in blocked for i in range(start, end)):
            continue
        if not _capitalised_as_printed(pattern, span):
            continue
        if pattern.entity.id in AMBIGUOUS_MENTIONS and not _standalone(span):
            continue
        found[(start, end)] = pattern
    out: list[MemberRef] = []
    seen: set[str] = set()
    # filter_spans keeps the longest of overlapping spans, then returns them in text order.
    for span in filter_spans([doc[s:e] for s, e in found]):
        pattern = found[(span.start, span.end)]
        if pattern.entity.id in seen:
            continue
        seen.add(pattern.entity.id)
        out.append(
            MemberRef(
                name=span.text,
                member_id=pattern.entity.id,
                canonical_name=pattern.entity.canonical_name,
                method=pattern.method,
                score=100.0,
            )
        )
    return out


# --------------------------------------------------------------------------- report


class _Reviewer:
    """Resolves references of one report and collects what needs a person's eyes."""

    def __init__(self, report_id: str, registry: Registry) -> None:
        self.report_id = report_id
        self.registry = registry
        self.items: list[ReviewItem] = []
        self._seen: set[tuple[str, str, int | None]] = set()

    def _note(self, kind: Kind, name: str, page: int | None, r: _Resolution) -> None:
        if r.method == "unresolved":
            reason: Literal["unresolved", "low_margin"] = "unresolved"
        elif r.method == "fuzzy" and r.margin is not None and r.margin < REVIEW_MARGIN:
            reason = "low_margin"
        else:
            return
        key = (kind, name, page)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(
            ReviewItem(
                report_id=self.report_id,
                page=page,
                kind=kind,
                name=name,
                reason=reason,
                candidates=candidates(name, self.registry, kind),
            )
        )

    def member(self, ref: MemberRef, page: int | None) -> MemberRef:
        r = _resolve(ref.name, self.registry, "member")
        self._note("member", ref.name, page, r)
        return _member_ref(ref.name, r)

    def alliance(self, ref: AllianceRef, page: int | None) -> AllianceRef:
        r = _resolve(ref.name, self.registry, "alliance")
        self._note("alliance", ref.name, page, r)
        return _alliance_ref(ref.name, r)


def normalize_report(report: Report, registry: Registry) -> tuple[Report, list[ReviewItem]]:
    """A copy of `report` with every member/alliance reference resolved, and the review items.

    Activities also get `mentioned_members` from their description. Review items carry
    the activity's first page where there is one.
    """
    rv = _Reviewer(report.id, registry)

    def activity(a: Activity) -> Activity:
        page = a.provenance.pages[0] if a.provenance.pages else None
        return a.model_copy(
            update={
                "members": [rv.member(m, page) for m in a.members],
                "alliances": [rv.alliance(x, page) for x in a.alliances],
                "mentioned_members": find_mentions(a.description, registry, report.language),
            }
        )

    def meeting(b: BilateralMeeting) -> BilateralMeeting:
        return b.model_copy(
            update={
                "members": [rv.member(m, None) for m in b.members],
                "alliances": [rv.alliance(x, None) for x in b.alliances],
            }
        )

    def region(g: Region) -> Region:
        return g.model_copy(
            update={
                "members": [rv.member(m, None) for m in g.members],
                "honorary_members": [rv.member(m, None) for m in g.honorary_members],
            }
        )

    normalized = report.model_copy(
        update={
            "activities": [activity(a) for a in report.activities],
            "member_engagement": [rv.member(m, None) for m in report.member_engagement],
            "bilateral_meetings": [meeting(b) for b in report.bilateral_meetings],
            "regions": [region(g) for g in report.regions],
        }
    )
    return normalized, rv.items
