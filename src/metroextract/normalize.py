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

The margin rule keeps look-alike entities apart ("Usan" is as close to Ulsan as to Busan,
so it is not guessed), and the whole-string scorer keeps a name that is part of another
far from it: "Barcelona" alone reaches neither Barcelona entry, "CGLU Asia" is not taken
for "CGLU" or "CGLU ASPAC". Everything unresolved goes to review with its candidates.

`normalize_report` applies this to every reference of a `Report` and returns the
`ReviewItem`s a person should look at. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

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
from metroextract.text import fold, names_run, strip_accents

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
    "normalize_report",
    "resolve_alliance",
    "resolve_member",
]

# --------------------------------------------------------------------------- fuzzy settings
#
# Chosen with `scripts/measure_thresholds.py` (seed 7, 50 perturbations per spelling) on
# the packaged registry: 142 members (241 distinct normalized spellings) and 16 alliances
# (56). Every name and alias was perturbed: one random edit (insert / delete / substitute /
# transpose; 23,133 member queries), two edits (4,614), a word dropped (263), the first
# letter doubled (471); perturbations that became another id's spelling were left out.
# Real misprints ("Doula", "Nouakchot", "Mashad", "AAbidjan", "Barcelone (aire", ...) are
# checked too. Member figures below; alliances separate even better.
#
# SCORER: fuzz.ratio (normalized Indel similarity of the whole strings).
#   best wrong-id score, ratio : median 57.1, p99 80.0, p99.9 88.9
#   best wrong-id score, WRatio: median 66.7, p99 90.0, p99.9 90.0
#   a wrong id within 5 points of the right one: ratio 2.0 %, WRatio 4.9 % of queries
#   (alliances: 0.5 % vs 14.5 %); token_set_ratio and partial_ratio give 100 to a wrong id
#   at p99.9. WRatio/partial/token-set reward a name that is *part of* another
#   (WRatio("cglu", "cglu afrique") = 90, ("barcelona", "barcelona ciudad") = 90): the
#   very pairs that must never cross. At threshold 85 / margin 8 the outcome is
#   ratio: 21,065 right, 6 wrong;  WRatio: 20,518 right, 21 wrong (alliances: 0 vs 17).
#   token_sort_ratio is no better than ratio (6 wrong, 700 fewer right): reports never
#   reorder words.
# PROCESSOR: text.fold (the project's one matching key), applied once to the registry spellings and to each query, so
#   case, accents and punctuation cost nothing and only real letter edits count.
SCORER: Callable[..., float] = fuzz.ratio
PROCESSOR: Callable[[str], str] = fold

# One edit in a normalized spelling of n characters scores 100*(1-1/n) as a substitution
# and 100*(2n-2)/(2n-1) as an insertion/deletion: 83.3 / 90.9 for n=6, 85.7 / 92.3 for n=7.
# Measured (margin 8): threshold 82 -> 24,094 right, 7 wrong, and the real fragment
# "Barcelone (aire" goes to the *city* (82.8); 85 -> 21,065 right (80.6 % of one-edit
# typos), 6 wrong, every real misprint right or unresolved; 88 -> 17,387 right, 5 wrong.
# 85 keeps that fragment out with some room and still accepts 7-letter substitutions.
FUZZY_THRESHOLD = 85.0

# Lead over the best candidate of a *different* id. At threshold 85: margin 5 -> 12 wrong,
# 8 -> 6 wrong (-103 right), 10 -> 4 wrong (-101 more right). The 6 left are collisions,
# not resolver errors: each perturbed string is strictly closer, in Indel distance, to the
# other id's spelling ("Torono" is one edit from Toronto, two from Torino). The right id's
# lead is p1 5.1 / p5 12.7 / median 30.8 when it wins.
FUZZY_MARGIN = 8.0

# Accepted fuzzy matches with a lead under this still go to review as "low_margin"
# (530 of 18,645 accepted one-edit typos, 2.8 %): right in the measurements but close
# enough to another id that a person should confirm once and add the alias.
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


def _ranked(query: str, registry: Registry, kind: Kind, k: int) -> list[tuple[Entity, float]]:
    """The k best ids by SCORER for an already-normalized query (one score per id: its
    best spelling), best first; ties broken by id so results never depend on file order."""
    keys, owner_ids = registry.choices(kind)  # keys are PROCESSOR(spelling)
    best: dict[str, float] = {}
    kth: float | None = None
    # processor=None: query and choices are both already PROCESSOR-normalized. Results come
    # sorted by score, so an id's first appearance is its best score.
    for _, score, i in process.extract(query, keys, scorer=SCORER, processor=None, limit=None):
        if kth is not None and score < kth:
            break  # k ids found and everything left scores lower: no tie to break
        oid = owner_ids[i]
        if oid not in best:
            best[oid] = score
            if len(best) == k:
                kth = score
    ranked = sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:k]
    return [(registry.get(kind, oid), score) for oid, score in ranked]  # type: ignore[misc]


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
    ranked = _ranked(key, registry, kind, 2)
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
    return [Candidate(id=e.id, name=e.canonical_name, score=_round(s)) for e, s in _ranked(key, registry, kind, limit)]


# --------------------------------------------------------------------------- mentions

# Spellings (normalized) that are also ordinary words, other places or parts of other
# proper names ("Emergency Management Victoria", "Bandar Abbas", "Rosario Robles",
# "Sofia Coppola", "Male participation", "Mexico" the country): found in running text
# only when not touching another capitalised word and not opening a sentence. So
# "Oxfam Mexico" is not a mention of Mexico City; longer spellings of the same ids
# ("Ville de Mexico", "Ciudad de México") are not affected.
AMBIGUOUS_MENTIONS = frozenset({"victoria", "la paz", "male", "bandar", "rosario", "sofia", "colombo", "mexico"})
_SENTENCE_OPENERS = frozenset({".", "!", "?", ":", "•", "-", "–", "—", "(", "«", '"'})
_PUNCT = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class _Pattern:
    entity: Entity
    method: Literal["exact", "alias"]
    tokens: tuple[str, ...]  # the spelling's own token texts, for the capitalisation check
    ambiguous: bool


@dataclass(frozen=True)
class _MentionMatcher:
    nlp: Any
    members: Any  # spacy PhraseMatcher
    alliances: Any
    patterns: dict[int, _Pattern]


def _text_variants(spelling: str) -> set[str]:
    """How a spelling may appear in running text: as registered, and without its
    punctuation when that leaves several words ("Barcelona metropolitan area")."""
    variants = {spelling}
    bare = " ".join(_PUNCT.sub(" ", spelling).split())
    if bare and len(bare.split()) > 1:
        variants.add(bare)
    return variants


def _accentless_doc(nlp: Any, doc: Any) -> Any:
    """The same tokens without accents: matching on it makes accents optional on both
    sides while token indices stay those of the printed text."""
    from spacy.tokens import Doc

    return Doc(
        nlp.vocab,
        words=[strip_accents(t.text) or t.text for t in doc],
        spaces=[bool(t.whitespace_) for t in doc],
    )


# (id(registry), lang) -> (registry, matcher). The registry is kept in the value so its id
# cannot be reused while the entry lives; keyed by identity because hashing a registry
# (hundreds of nested models) on every call would cost more than the matching.
_MATCHERS: OrderedDict[tuple[int, str], tuple[Registry, _MentionMatcher]] = OrderedDict()
_MATCHERS_MAX = 8


def _mention_matcher(registry: Registry, lang: str) -> _MentionMatcher:
    """The matchers for (registry, lang), built on first use and cached."""
    key = (id(registry), lang)
    hit = _MATCHERS.get(key)
    if hit is not None and hit[0] is registry:
        _MATCHERS.move_to_end(key)
        return hit[1]
    matcher = _build_mention_matcher(registry, lang)
    _MATCHERS[key] = (registry, matcher)
    while len(_MATCHERS) > _MATCHERS_MAX:
        _MATCHERS.popitem(last=False)
    return matcher


def _build_mention_matcher(registry: Registry, lang: str) -> _MentionMatcher:
    """PhraseMatchers (attr LOWER) on spacy.blank(lang) for members and alliances."""
    from spacy.matcher import PhraseMatcher

    from .blank import blank

    nlp = blank(lang)
    members = PhraseMatcher(nlp.vocab, attr="LOWER")
    alliances = PhraseMatcher(nlp.vocab, attr="LOWER")
    patterns: dict[int, _Pattern] = {}
    for kind, matcher in (("member", members), ("alliance", alliances)):
        for entity in registry.entities(kind):  # type: ignore[arg-type]
            seen: set[str] = set()
            for spelling, method in entity.spellings():
                for variant in _text_variants(spelling):
                    if variant in seen:
                        continue
                    seen.add(variant)
                    doc = nlp.make_doc(variant)
                    label = f"{kind}:{entity.id}:{method}:{variant}"
                    matcher.add(label, [_accentless_doc(nlp, doc)])
                    patterns[nlp.vocab.strings[label]] = _Pattern(
                        entity,
                        method,
                        tuple(t.text for t in doc),
                        fold(variant) in AMBIGUOUS_MENTIONS,
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
    return bool(token.is_alpha and token.text[:1].isupper())


def _standalone(span: Any) -> bool:
    """Not part of a longer proper name and not the first word of a sentence."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is None or before.text in _SENTENCE_OPENERS or before.is_space:
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
    bare = _accentless_doc(mm.nlp, doc)

    def matches(matcher: Any) -> list[tuple[_Pattern, int, int]]:
        out = []
        for match_id, start, end in matcher(bare):
            pattern = mm.patterns[match_id]
            if _capitalised_as_printed(pattern, doc[start:end]):
                out.append((pattern, start, end))
        return out

    blocked = {
        i for span in filter_spans([doc[s:e] for _, s, e in matches(mm.alliances)])
        for i in range(span.start, span.end)
    }  # fmt: skip
    found: dict[tuple[int, int], _Pattern] = {}
    for pattern, start, end in matches(mm.members):
        if (start, end) in found or any(i in blocked for i in range(start, end)):
            continue
        if pattern.ambiguous and not _standalone(doc[start:end]):
            continue
        found[(start, end)] = pattern
    hits: list[tuple[int, MemberRef]] = []
    # filter_spans keeps the longest of overlapping spans and returns them in text order.
    spans = filter_spans([doc[s:e] for s, e in found])
    for span in spans:
        pattern = found[(span.start, span.end)]
        ref = MemberRef(name=span.text, member_id=pattern.entity.id, canonical_name=pattern.entity.canonical_name, method=pattern.method, score=100.0)
        hits.append((span.start, ref))
    covered = blocked | {i for span in spans for i in range(span.start, span.end)}
    hits += _misspelt_mentions(doc, covered, registry)
    refs: list[MemberRef] = []
    seen: set[str] = set()
    for _, ref in sorted(hits, key=lambda h: h[0]):
        if ref.member_id in seen:
            continue
        seen.add(ref.member_id)  # type: ignore[arg-type]
        refs.append(ref)
    return refs


def _misspelt_mentions(doc: Any, covered: set[int], registry: Registry) -> list[tuple[int, MemberRef]]:
    """One-word member names misspelt in the prose ("Doula" for Douala): a capitalised
    word of five letters or more, not opening a sentence, that the resolver places by
    fuzzy match (its threshold and margin) on a one-word registered spelling of about the
    same length and the same initial."""
    out = []
    for tok in doc:
        text = tok.text
        if tok.i in covered or len(text) < 5 or not text[:1].isupper() or not text[1:].islower() or not text.isalpha():
            continue
        if tok.i == 0 or doc[tok.i - 1].text in {".", "!", "?", ":", "«", '"', "“"}:
            continue
        ref = resolve_member(text, registry)
        if ref.method != "fuzzy" or ref.canonical_name is None:
            continue
        entity = registry.get("member", ref.member_id)  # type: ignore[arg-type]
        close = [sp for sp, _ in entity.spellings() if " " not in sp and sp[:1].casefold() == text[:1].casefold() and abs(len(sp) - len(text)) <= 1]
        if close:
            out.append((tok.i, ref))
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
        if r.method == "unresolved" and r.score is None:
            return  # blank or punctuation only: nothing a person could accept as an alias
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


Ref = TypeVar("Ref", MemberRef, AllianceRef)


def rejoin_split_names(refs: list[Ref], registry: Registry, kind: Kind) -> list[Ref]:
    """Neighbours of a list that together spell one registry name: a name holding a list
    separator ("ICLEI – Local Governments for Sustainability" in a list split at " – ")
    is one item again, unless each piece is a name of its own.

    >>> from metroextract.models import AllianceRef
    >>> from metroextract.registry import load_registry
    >>> reg = load_registry()
    >>> [r.name for r in rejoin_split_names([AllianceRef(name="ICLEI"), AllianceRef(name="Local Governments for Sustainability"), AllianceRef(name="CGLU")], reg, "alliance")]
    ['ICLEI – Local Governments for Sustainability', 'CGLU']
    """
    out: list[Ref] = []
    for ref in refs:
        key = PROCESSOR(f"{out[-1].name} {ref.name}") if out else ""
        hit = registry.lookup(kind, key) if key else None
        if hit is not None and (registry.lookup(kind, PROCESSOR(out[-1].name)) is None or registry.lookup(kind, PROCESSOR(ref.name)) is None):
            # the separator the split took out, as the registry spells the name: the
            # spelling with the printed letters, accents and capitals ("Valle de Aburra"
            # printed in French, not the Spanish "Aburrá")
            printed = f"{out[-1].name} {ref.name}"
            spelled = [s for s, _ in hit[0].spellings() if PROCESSOR(s) == key]
            name = next((s for s in spelled if [c for c in s if c.isalnum()] == [c for c in printed if c.isalnum()]), spelled[0] if spelled else printed)
            out[-1] = out[-1].model_copy(update={"name": name})
            continue
        if out and (pieces := _names_across(out[-1], ref, registry, kind)) is not None:
            out[-1:] = [ref.model_copy(update={"name": p}) for p in pieces]
            continue
        out.append(ref)
    return out


def _names_across(left: Ref, right: Ref, registry: Registry, kind: Kind) -> list[str] | None:
    """Two neighbours that are no registry names, read together as a run of them: a
    separator put inside a name ("National" · "Institute of Urban Affairs Quito", a pill
    wrapping over two lines)."""
    if registry.lookup(kind, PROCESSOR(left.name)) is not None or registry.lookup(kind, PROCESSOR(right.name)) is not None:
        return None
    return names_run(f"{left.name} {right.name}", lambda piece: registry.lookup(kind, PROCESSOR(piece)) is not None)


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
                "members": [rv.member(m, page) for m in rejoin_split_names(a.members, registry, "member")],
                "alliances": [rv.alliance(x, page) for x in rejoin_split_names(a.alliances, registry, "alliance")],
                "mentioned_members": find_mentions(a.description, registry, report.language),
            }
        )

    def meeting(b: BilateralMeeting) -> BilateralMeeting:
        return b.model_copy(
            update={
                "members": [rv.member(m, None) for m in rejoin_split_names(b.members, registry, "member")],
                "alliances": [rv.alliance(x, None) for x in rejoin_split_names(b.alliances, registry, "alliance")],
            }
        )

    def region(g: Region) -> Region:
        return g.model_copy(
            update={
                "members": [rv.member(m, None) for m in rejoin_split_names(g.members, registry, "member")],
                "honorary_members": [rv.member(m, None) for m in rejoin_split_names(g.honorary_members, registry, "member")],
            }
        )

    normalized = report.model_copy(
        update={
            "activities": [activity(a) for a in report.activities],
            "member_engagement": [rv.member(m, None) for m in rejoin_split_names(report.member_engagement, registry, "member")],
            "bilateral_meetings": [meeting(b) for b in report.bilateral_meetings],
            "regions": [region(g) for g in report.regions],
        }
    )
    return normalized, rv.items
