"""Spelling repairs of OCR'd words, from what the report and the registry print.

Tesseract reads running text well and capitals and proper names less well: accents are
dropped or misplaced on capitals ("REUNION", "PUBLICÓ"), foreign letters are missing from
the language data ("Sáo Paulo"), look-alike letters are swapped ("Chongging",
"Guadatajara"). Two lexicons repair them, word by word, before the layout stage:

- the report's own words: a word in capitals takes the spelling the running text gives
  its letters (the most frequent one), unless it is itself a word of the running text;
- the registry's member and alliance names (all editions and aliases): a capitalised
  word that is no spelling of any name takes the spelling of the one name it matches
  with accents aside, or with one look-alike letter swapped (in the report's language
  first).

Only words tesseract could have misread change: a word that is itself known stays as read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .text import plain

# Letter pairs tesseract mistakes for one another (both ways).
CONFUSIONS = (("g", "q"), ("l", "t"), ("l", "i"), ("c", "e"), ("u", "n"), ("h", "b"), ("o", "a"), ("rn", "m"))
# Tesseract language code of each report language.
TESSERACT_CODES = {"fr": "fra", "en": "eng", "es": "spa"}
MIN_NAME_TOKEN = 3  # shorter tokens of names ("de", "la") are left alone
MIN_CONFUSION_TOKEN = 6

_CORE_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


# Marks OCR makes of rules, bars, tag edges and specks: never words of a report.
_JUNK_RE = re.compile(r"^[|¦=~_`'‘’©®]+$")


def is_junk(text: str) -> bool:
    """A word of nothing but bars, rules and specks ("|", "==", "‘").

    >>> [is_junk(t) for t in ("|", "==", "'", "-", "—>", "«", "2.1")]
    [True, True, True, False, False, False, False]
    """
    return bool(_JUNK_RE.match(text))


def detect_language(texts: list[str]) -> str | None:
    """The report language ("fr", "en", "es") its marker words say most, or None."""
    from .vocab import LANGUAGES, load_vocabulary

    words = Counter(plain(w) for t in texts for w in _CORE_RE.findall(t))
    scores = {lang: sum(words[plain(m)] for m in load_vocabulary(lang).markers) for lang in LANGUAGES}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 5 else None


def languages_first(languages: str, lang: str | None) -> str:
    """`languages` ("fra+eng+spa") with the report language's data first.

    >>> languages_first("fra+eng+spa", "es")
    'spa+fra+eng'
    """
    code = TESSERACT_CODES.get(lang or "")
    parts = languages.split("+")
    if code not in parts:
        return languages
    return "+".join([code, *(p for p in parts if p != code)])


def _variants(key: str) -> set[str]:
    out = set()
    for a, b in CONFUSIONS:
        for x, y in ((a, b), (b, a)):
            start = key.find(x)
            while start >= 0:
                out.add(key[:start] + y + key[start + len(x) :])
                start = key.find(x, start + 1)
    return out


def _with_case(like: str, word: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass
class NameLexicon:
    """Tokens of the registry's names: every spelling, and by key the spellings per language."""

    spellings: set[str] = field(default_factory=set)
    by_key: dict[str, dict[str | None, set[str]]] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry) -> NameLexicon:  # noqa: ANN001 - registry.Registry
        lex = cls()
        for entity in (*registry.members, *registry.alliances):
            named = [(lang, getattr(entity.names, lang)) for lang in ("en", "fr", "es")]
            named += [(None, a) for a in entity.aliases]
            for lang, name in named:
                for tok in _CORE_RE.findall(name):
                    if len(tok) < MIN_NAME_TOKEN:
                        continue
                    lex.spellings.add(tok)
                    lex.by_key.setdefault(plain(tok), {}).setdefault(lang, set()).add(tok)
        return lex

    def _pick(self, key: str, lang: str | None) -> str | None:
        forms = self.by_key.get(key)
        if not forms:
            return None
        chosen = forms.get(lang) if lang in forms else None
        if not chosen:
            chosen = set().union(*forms.values())
        return next(iter(chosen)) if len(chosen) == 1 else None

    def repair(self, token: str, lang: str | None) -> str | None:
        """The name spelling an OCR'd capitalised token stands for, or None."""
        if len(token) < MIN_NAME_TOKEN or not token[:1].isupper():
            return None
        key = plain(token)
        if token in self.spellings:  # editions print each other's spellings too
            return None
        if token.isupper() and any(t.upper() == token for t in self.spellings):
            return None
        found = self._pick(key, lang)
        if found is None and len(key) >= MIN_CONFUSION_TOKEN:
            hits = {v for v in _variants(key) if v in self.by_key}
            if len(hits) == 1:
                found = self._pick(hits.pop(), lang)
        return _with_case(token, found) if found and found != token else None


def text_lexicon(texts: list[str]) -> Counter[str]:
    """The running text's words (those with lower-case letters), lower-cased, counted."""
    out: Counter[str] = Counter()
    for t in texts:
        for tok in _CORE_RE.findall(t):
            if any(c.islower() for c in tok) and len(tok) >= 3:
                out[tok.lower()] += 1
    return out


def repair_capitals(token: str, words: Counter[str], by_key: dict[str, list[str]]) -> str | None:
    """The spelling of a word in capitals the running text gives, or None."""
    if not token.isupper() or len(token) < 3 or token.lower() in words:
        return None
    key = plain(token)
    forms = by_key.get(key)
    if not forms and len(key) >= MIN_CONFUSION_TOKEN:
        hits = [k for k in _variants(key) if k in by_key]
        forms = by_key[hits[0]] if len(hits) == 1 else None
    if not forms:
        return None
    best = max(forms, key=lambda w: (words[w], w))
    return best.upper() if best.upper() != token else None


# A misread month is one edit away from a month name at least this long ("Pebruary",
# "Apil"); shorter names ("may", "mars", "juin") are too close to other words.
MIN_MONTH_EDIT = 5
_DAY_RE = re.compile(r"^\(?\d{1,2}(?:[-–]\d{1,2})?[.,]?$")
_YEAR_RE = re.compile(r"^\d{4}[.,;:)]?$")


def month_names(lang: str | None) -> list[str]:
    """The month names of the report's language (every language's when it is not known)."""
    from .vocab import LANGUAGES, load_vocabulary

    langs = [lang] if lang in LANGUAGES else list(LANGUAGES)
    return sorted({m for code in langs for m in load_vocabulary(code).months if len(m) >= MIN_MONTH_EDIT})


def repair_month(token: str, before: str, after: str, months: list[str]) -> str | None:
    """The month an OCR'd word in a date stands for, one letter away, or None.

    In a date: after a day ("25 Pebruary"; `before` skips a "de"/"of"), or before a day or
    a year ("Pebruary 25", "Pebruary 2021").

    >>> months = ["april", "february", "march", "junio"]
    >>> [repair_month(t, b, a, months) for t, b, a in [("Pebruary", "25", ""), ("Apil", "7", ""), ("FEBRUARV", "3", ""), ("Marcb", "", "2021"), ("March", "17", "")]]
    ['February', 'April', 'FEBRUARY', 'March', None]
    >>> [repair_month(t, b, a, months) for t, b, a in [("Match", "the", "was"), ("Marc", "", "Dupont"), ("junto", "2021", "a")]]
    [None, None, None]
    """
    from rapidfuzz.distance import Levenshtein

    m = _CORE_RE.fullmatch(token.rstrip(".,;:)"))
    if m is None or len(token) < 4 or not (_DAY_RE.match(before) or _DAY_RE.match(after) or _YEAR_RE.match(after)):
        return None
    key = plain(m.group(0))
    if key in months:
        return None
    close = [mo for mo in months if Levenshtein.distance(key, plain(mo), score_cutoff=1) <= 1]
    if len(close) != 1:
        return None
    return _with_case(m.group(0), close[0]) + token[m.end() :]


def repair_words(texts: list[str], lang: str | None, names: NameLexicon | None) -> list[str]:
    """Each OCR'd word of a document repaired from the document's and the registry's words,
    and a month misread beside a day or a year."""
    words = text_lexicon(texts)
    by_key: dict[str, list[str]] = {}
    for w in words:
        by_key.setdefault(plain(w), []).append(w)

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        better = repair_capitals(tok, words, by_key)
        if better is None and names is not None:
            better = names.repair(tok, lang)
        return better or tok

    fixed = [_CORE_RE.sub(fix, t) for t in texts]
    months = month_names(lang)
    for i, tok in enumerate(fixed):
        j = i - 2 if i >= 2 and fixed[i - 1].lower() in ("de", "of") else i - 1  # "3 de febrero"
        month = repair_month(tok, fixed[j] if j >= 0 else "", fixed[i + 1] if i + 1 < len(fixed) else "", months)
        if month is not None:
            fixed[i] = month
    return fixed
