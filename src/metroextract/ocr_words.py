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

Only words tesseract could have misread change: a word that is itself known stays as read
(a word of the language's own word list is never "repaired" by a look-alike letter swap:
"PUBLIC" stays, though "publié" is printed too). Apostrophes and hyphens lost on capitals
come back the same way ("LOCDE" is the running text's "l'OCDE").

The language word lists are tesseract's own dictionaries, unpacked from its installed
language data with its own tools (`language_words`): nothing to download or keep.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import plain

# Letter pairs tesseract mistakes for one another (both ways).
CONFUSIONS = (("g", "q"), ("l", "t"), ("l", "i"), ("c", "e"), ("u", "n"), ("h", "b"), ("o", "a"), ("rn", "m"))
# Tesseract language code of each report language.
TESSERACT_CODES = {"fr": "fra", "en": "eng", "es": "spa"}
MIN_NAME_TOKEN = 3  # shorter tokens of names ("de", "la") are left alone
MIN_CONFUSION_TOKEN = 6
ACCENTED_LANGUAGES = ("fr", "es")
PUBLISHER = "Metropolis"  # the organisation's name, spelled alike in every edition
MIN_ACCENT_TOKEN = 4  # shorter words in capitals keep what OCR read ("ETE", "PAS")

_CORE_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


# Marks OCR makes of rules, bars, tag edges and specks: never words of a report.
_JUNK_RE = re.compile(r"^[|¦=~_`'‘’©®]+$")


# What tesseract makes of a list's bullet glyphs ("■" read "+", "▪" read "="): one mark,
# no letter or digit.
_BULLET_MISREADS = frozenset("+*=°º»>■□●▪◆♦")


def restore_bullets(words: list[Any]) -> list[Any]:
    """Misread bullets as "•" (copies of the words, dataclasses with `text`, `x0`, `x1`,
    `line`): the same lone mark opening two lines or more at one x with a word right
    after it, as a list prints them. A `+` opening one line ("+ 1") is left alone.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class W:
    ...     text: str
    ...     x0: float
    ...     x1: float
    ...     line: int
    >>> ws = [W("+", 50, 55, 1), W("MEMBRES", 60, 110, 1), W("+", 50, 55, 2), W("RÉSULTATS", 60, 120, 2)]
    >>> [w.text for w in restore_bullets(ws)], [w.text for w in restore_bullets(ws[:2])]
    (['•', 'MEMBRES', '•', 'RÉSULTATS'], ['+', 'MEMBRES'])
    >>> [w.text for w in restore_bullets(ws + [W("m=", 50, 58, 3), W("PARTENAIRES", 60, 130, 3)])][4]
    '•'
    """
    from dataclasses import replace

    lines: dict[int, list[Any]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    firsts = [ws[0] for ws in (sorted(ws, key=lambda w: w.x0) for ws in lines.values()) if len(ws) >= 2]
    opening = [w for w in firsts if len(w.text) == 1 and w.text in _BULLET_MISREADS]
    bullets = {id(m) for m in opening if sum(1 for o in opening if o.text == m.text and abs(o.x0 - m.x0) <= 1.5) >= 2}
    # at the x of those bullets, a mark read with a speck beside it ("m=") is one too
    xs = [w.x0 for w in opening if id(w) in bullets]
    bullets |= {id(w) for w in firsts if len(w.text) == 2 and not w.text.isalnum() and any(abs(w.x0 - x) <= 1.5 for x in xs)}
    return [replace(w, text="•") if id(w) in bullets else w for w in words]


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


def tessdata_dir() -> Path | None:
    """Where tesseract keeps its language data (as `tesseract --list-langs` says), or None."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'"([^"]+)"', out)
    return Path(m.group(1)) if m else None


@functools.cache
def language_words(code: str) -> frozenset[str]:
    """The words of tesseract's dictionary for a language code ("fra"), lower-cased; empty
    when the data or tesseract's tools (`combine_tessdata`, `dawg2wordlist`) are missing.
    About 0.1 s, once per process."""
    folder = tessdata_dir()
    data = folder / f"{code}.traineddata" if folder else None
    if data is None or not data.is_file() or not (shutil.which("combine_tessdata") and shutil.which("dawg2wordlist")):
        return frozenset()
    with tempfile.TemporaryDirectory(prefix="tessdict-") as tmp:
        dawg, charset, words = (Path(tmp) / f"{code}.{part}" for part in ("lstm-word-dawg", "lstm-unicharset", "words"))
        try:
            subprocess.run(["combine_tessdata", "-e", str(data), str(dawg), str(charset)], capture_output=True, timeout=60, check=True)
            subprocess.run(["dawg2wordlist", str(charset), str(dawg), str(words)], capture_output=True, timeout=60, check=True)
            return frozenset(w.strip().lower() for w in words.read_text(encoding="utf-8", errors="replace").splitlines() if w.strip())
        except (OSError, subprocess.SubprocessError):
            return frozenset()


@functools.cache
def dictionary_words(lang: str | None) -> frozenset[str]:
    """The report language's dictionary words (every configured language's when not known)."""
    codes = [TESSERACT_CODES[lang]] if lang in TESSERACT_CODES else list(TESSERACT_CODES.values())
    return frozenset().union(*(language_words(c) for c in codes))


def compound_halves(head: str, tail: str, lang: str | None, printed: set[str] | frozenset[str] | None = None, *, fallback: bool = False) -> bool:
    """A line-end hyphen between `head` and `tail` is a compound's, and stays: the
    dictionaries (tesseract's word lists of `lang`, every language's when None) know both
    halves as words and not the two run together, and the report does not print them
    joined (`printed`); a word the layout hyphenated has no such halves ("dévelop-" /
    "pement"). `fallback`: without dictionaries, the report's own words stand in (they
    hold the halves of a break too, so the rule is weaker then).

    >>> compound_halves("Bourgmestre", "gouverneur", "fr"), compound_halves("métho", "dologies", "fr")
    (True, False)
    """
    h, t = head.lower(), tail.lower()
    if printed and h + t in printed:
        return False
    known = dictionary_words(lang) or (printed if fallback and printed else frozenset())
    return h in known and t in known and h + t not in known


@functools.cache
def accented_forms(lang: str | None) -> dict[str, frozenset[str]]:
    """The dictionary's words that carry accents, by `letters_key` ("jovenes": {"jóvenes"})."""
    out: dict[str, set[str]] = {}
    for w in dictionary_words(lang):
        if any(c.isalpha() and not c.isascii() for c in w):
            out.setdefault(letters_key(w), set()).add(w)
    return {k: frozenset(v) for k, v in out.items()}


def repair_accents(token: str, lang: str | None) -> str | None:
    """A word in capitals OCR read with its accents lost or wrong, given the one accented
    spelling the dictionary of the report's language has for its letters ("REUNION" ->
    "RÉUNION"; "JÔVENES" -> "JÓVENES" in Spanish); a word that language does not know at
    all may be a quotation in the other accented language ("JOVENES" in a French report).
    "PUBLIC" stays (no accented spelling). Only French and Spanish: English dictionaries
    list loanwords with accents ("président"). Tesseract's dictionaries list capitals
    without their accents too, so an unaccented word being in one proves nothing; designed
    reports print accented capitals, and tesseract loses accents more than letters.
    """
    if not token.isupper() or len(token) < MIN_ACCENT_TOKEN or lang not in ACCENTED_LANGUAGES:
        return None
    known = token.lower() in dictionary_words(lang)
    if known and not token.isascii():
        return None
    scopes = [lang] if known else [lang, *(x for x in ACCENTED_LANGUAGES if x != lang)]
    for scope in scopes:
        forms = accented_forms(scope).get(letters_key(token))
        if forms:
            (form, *others) = forms
            return form.upper() if not others and not _same_but_marks(form.upper(), token) else None
    return None


def printed_forms(lang: str | None, names: NameLexicon | None) -> dict[str, str]:
    """How the language files (section headings, labels, title markers) and the registry
    spell their words, by `letters_key`: these spellings beat the dictionary's
    ("METROPOLIS" is the organisation, never "METRÓPOLIS")."""
    from .vocab import LANGUAGES, load_vocabulary

    texts: list[str] = []
    for code in [lang] if lang in LANGUAGES else list(LANGUAGES):
        v = load_vocabulary(code)
        texts += [*v.markers, *v.title_markers, *(t for ts in v.sections.values() for t in ts), *(t for ts in v.labels.values() for t in ts)]
    forms = {letters_key(tok): tok for t in texts for tok in _CORE_RE.findall(t) if len(tok) >= MIN_ACCENT_TOKEN}
    if names is not None:
        forms.update({letters_key(tok): tok for tok in names.spellings if len(tok) >= MIN_ACCENT_TOKEN and letters_key(tok) not in forms})
    forms[letters_key(PUBLISHER)] = PUBLISHER
    return forms


def letters_key(token: str) -> str:
    """A token's letters and hyphens, lower case, accents and apostrophes off: "L'OCDE" and
    "LOCDE" meet (OCR drops apostrophes), "CO-PRÉSIDENTS" and "COPRÉSIDENTS" do not (it
    reads hyphens; the print chose one spelling).

    >>> letters_key("L'OCDE"), letters_key("co-présidents")
    ('locde', 'co-presidents')
    """
    return re.sub(r"[^a-z0-9-]", "", plain(token))


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


def _same_but_marks(a: str, b: str) -> bool:
    """The same letters and the same places for marks, only the marks' shapes differ."""
    return len(a) == len(b) and all(x == y or (not x.isalnum() and not y.isalnum()) for x, y in zip(a, b))


def repair_capitals(token: str, words: Counter[str], by_key: dict[str, list[str]], dictionary: frozenset[str] = frozenset()) -> str | None:
    """The spelling of a word in capitals the running text gives, or None. `by_key` holds
    the running text's words by `letters_key`. A word that is not in the `dictionary` (every
    OCR language's) may also be a misreading: one look-alike letter swapped, or one letter
    off ("WEBINARRE", "RESLIENCE") from a single word of the running text."""
    if not token.isupper() or len(token) < 3 or token.lower() in words:
        return None
    key = letters_key(token)
    forms = by_key.get(key)
    if not forms and len(key) >= MIN_CONFUSION_TOKEN and token.lower() not in dictionary:
        hits = [k for k in _variants(key) if k in by_key] or _one_letter_off(key, by_key)
        forms = by_key[hits[0]] if len(hits) == 1 else None
    if not forms:
        return None
    best = max(forms, key=lambda w: (words[w], w)).upper()
    if _same_but_marks(best, token):  # "L'ESPACE" / "L’ESPACE": the print's own choice
        return None
    return best if best != token else None


def _end_added(a: str, b: str) -> bool:
    """One is the other with letters added at its start or its end."""
    return a.startswith(b) or b.startswith(a) or a.endswith(b) or b.endswith(a)


def _one_letter_off(key: str, by_key: dict[str, list[str]]) -> list[str]:
    """The running text's words one letter added, lost or changed away from `key` — never
    a letter added or lost at either end: "WEBINAIRE" is no misreading of "webinaires", nor
    "INTERNATIONALISATION" of "l'internationalisation" (endings and elisions are grammar).

    >>> sorted(_one_letter_off("webinarre", {"webinaire": [], "webinaires": []})), _one_letter_off("webinaire", {"webinaires": []})
    (['webinaire'], [])
    >>> _one_letter_off("internationalisation", {"linternationalisation": []})
    []
    """
    from rapidfuzz.distance import Levenshtein

    return [k for k in by_key if abs(len(k) - len(key)) <= 1 and not _end_added(k, key) and Levenshtein.distance(key, k, score_cutoff=1) <= 1]


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
        by_key.setdefault(letters_key(w), []).append(w)
    dictionary = dictionary_words(None)
    printed = printed_forms(lang, names)

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        better = None if letters_key(tok) in printed else repair_capitals(tok, words, by_key, dictionary)
        if better is None and names is not None:
            better = names.repair(tok, lang)
        if better is None and tok.lower() not in words:
            # a word of the language files or the registry keeps their spelling
            form = printed.get(letters_key(tok))
            better = (form.upper() if form.upper() != tok else None) if form else repair_accents(tok, lang)
        return better or tok

    fixed = [_CORE_RE.sub(fix, t) for t in texts]
    months = month_names(lang)
    for i, tok in enumerate(fixed):
        j = i - 2 if i >= 2 and fixed[i - 1].lower() in ("de", "of") else i - 1  # "3 de febrero"
        month = repair_month(tok, fixed[j] if j >= 0 else "", fixed[i + 1] if i + 1 < len(fixed) else "", months)
        # a word of the dictionary is no misread month: "GÉNERO" ends a title whose date
        # line ("3 de marzo") follows, and is not "ENERO"
        if month is not None and tok.rstrip(".,;:)").lower() not in dictionary:
            fixed[i] = month
    return fixed
