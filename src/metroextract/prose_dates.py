"""Date phrases in running text ("On February 3rd and 5th", "Du 11 au 13 avril",
"Los días 3 y 5 de febrero"), found with a spaCy `Matcher` on `spacy.blank(lang)`.

The patterns are built from the language file (months, weekdays, ordinal suffixes, the
words joining days and ranges, the prepositions before a date), so a new spelling is a
data change. A match is kept only when `fields.parse_dates` can read it, and a date
right after a deadline word ("until 30 June", "jusqu'au", "hasta el") is not an
activity's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.matcher import Matcher

from .blank import blank
from .fields import ParsedDates, parse_dates
from .text import fold
from .vocab import all_vocabularies


@dataclass(frozen=True)
class DatePhrase:
    text: str  # as printed, preposition included ("On February 3rd and 5th")
    start: int  # character offsets in the searched text
    end: int
    dates: ParsedDates
    deadline: bool  # preceded by "until", "jusqu'au", "hasta"…


def _day_regex(suffixes: list[str]) -> str:
    alts = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    return rf"^\d{{1,2}}(?:\.?(?:{alts}))?$" if alts else r"^\d{1,2}$"


@cache
def _matcher(lang: str) -> tuple[spacy.language.Language, Matcher]:
    vocab = all_vocabularies()[lang]
    nlp = blank(lang)
    months = [m.lower() for m in vocab.months]
    weekdays = [w.lower() for w in vocab.weekdays]
    joins = [w.lower() for w in (*vocab.date_and, *vocab.date_range, "de", "of", "the")]
    prefixes = [w.lower() for w in vocab.date_prefix]
    day = {"TEXT": {"REGEX": _day_regex(vocab.ordinal_suffixes)}}
    month = {"LOWER": {"IN": months}}
    inner = {"LOWER": {"IN": [*joins, *weekdays, *months, *prefixes]}, "OP": "*"}
    year = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}, "OP": "?"}
    lead = [{"LOWER": {"IN": prefixes}, "OP": "*"}, {"LOWER": {"IN": weekdays}, "OP": "?"}]
    # "3 February", "3rd and 5th February", "February 3rd and 5th", "from 30 June to 2 July"
    patterns = [
        [*lead, day, inner, month, year],
        [*lead, month, inner, day, year],
        [*lead, day, inner, day, inner, month, year],
        [*lead, month, inner, day, inner, day, year],
        [*lead, day, inner, month, inner, day, inner, month, year],
    ]
    matcher = Matcher(nlp.vocab)
    matcher.add("DATE", patterns, greedy="LONGEST")
    return nlp, matcher


def date_phrases(text: str, lang: str, period_start: str | None, period_end: str | None) -> list[DatePhrase]:
    """Every readable date phrase of a text, in order (overlaps resolved to the longest)."""
    nlp, matcher = _matcher(lang)
    vocab = all_vocabularies()[lang]
    deadline_words = {fold(w) for w in vocab.date_deadline}
    doc = nlp(text)
    spans = sorted(matcher(doc, as_spans=True), key=lambda sp: (sp.start, -len(sp)))
    out: list[DatePhrase] = []
    taken_until = -1
    for sp in spans:
        if sp.start < taken_until:
            continue
        # trim trailing joining words ("3 and") until the phrase reads as a date
        span = sp
        parsed = None
        while len(span) > 1:
            parsed = parse_dates(span.text, vocab, period_start, period_end)
            if parsed is not None:
                break
            span = span[:-1]
        if parsed is None:
            continue
        before = fold(doc[max(0, span.start - 2) : span.start].text).split()
        out.append(DatePhrase(span.text, span.start_char, span.end_char, parsed, deadline=bool(set(before[-2:]) & deadline_words)))
        taken_until = span.end
    return out


def activity_date(paragraph: str, lang: str, period_start: str | None, period_end: str | None) -> DatePhrase | None:
    """The date of an activity: the first phrase of its first paragraph that is no deadline."""
    return next((p for p in date_phrases(paragraph, lang, period_start, period_end) if not p.deadline), None)
