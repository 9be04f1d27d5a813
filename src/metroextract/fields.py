"""Fields stage: printed text → typed values (dates, periods, codes, challenges, name lists).

Pure functions with doctests; vocabularies come from `vocab.py` data files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from .models import Challenge
from .ocr_words import compound_halves, dictionary_words
from .text import strip_marks
from .vocab import Vocabulary, all_vocabularies, hyphenated_words

# What sets a run-in label apart from its values: a colon, or a dash or bar between spaces
# ("Miembros — A, B"); a hyphen inside a word is none. One rule for activities' fields and
# the sections' labelled lists.
RUNIN_SEPARATOR = re.compile(r"^\s*(?:[:：]|\s[—–|-]\s)\s*")
RUNIN_LABEL_RE = re.compile(r"^(.{2,60}?)(?:\s*[:：]|\s[—–|-](?=\s))\s*(.*)$")

RESULT_CODE_RE = re.compile(r"\bL\d+A\d+D\d+\b")
# Codes are sometimes printed with separators ("L1.A2.D4", "L1-A2-D4"): read them whole.
RESULT_LIKE_RE = re.compile(r"\bL\d+(?:[.\-\u2011 ]?A\d+)?(?:[.\-\u2011 ]?D\d+)?\b")
PLAN_CODE_RE = re.compile(r"^(L\d+(?:A\d+(?:D\d+)?)?)\b\s*[.:–—-]?\s*(.*)$")
CHALLENGE_RE = re.compile(r"(?:^|(?<=[\s;,•·]))[-–•·]?\s*(\d{1,2}\.\d{1,2})\.?\s+")
_BULLET_RE = re.compile(r"^\s*[-–—•·▪]\s*")


def _plain(text: str) -> str:
    """Lower case, marks off: dates are read with "œ", "ø", "ı" as printed (`text.plain`
    would spell them out), lowered before decomposing ("ℂ" stays "C")."""
    return strip_marks(text.lower())


@dataclass(frozen=True)
class ParsedDates:
    dates: list[date]
    start: date | None
    end: date | None


def month_year(month: int, period_start: str | None, period_end: str | None) -> int | None:
    """The year of a month named in a report, from the report's period.

    >>> month_year(1, "2021-10", "2022-01")
    2022
    >>> month_year(12, "2021-10", "2022-01")
    2021
    >>> month_year(5, "2021-01", "2021-04")  # just outside: nearest year
    2021
    """
    if not period_start and not period_end:
        return None
    sy, sm = map(int, (period_start or period_end).split("-"))  # type: ignore[union-attr]
    ey, em = map(int, (period_end or period_start).split("-"))  # type: ignore[union-attr]
    lo, hi = sy * 12 + sm - 1, ey * 12 + em - 1
    best: tuple[int, int] | None = None
    for y in range(sy - 1, ey + 2):
        idx = y * 12 + month - 1
        dist = 0 if lo <= idx <= hi else min(abs(idx - lo), abs(idx - hi))
        if best is None or dist < best[0]:
            best = (dist, y)
    return best[1] if best else None


# Dates in digits: day/month(/year) as printed in Europe ("03/02/2021", "3.2.2021") and ISO
# ("2021-02-03"). The month becomes a "#<n>" token so the parser reads it as a month.
# "2.1" alone is a challenge code, not the 2nd of January: dots need the year.
_NUMERIC_DATE_RE = re.compile(r"\b(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})(?:/(\d{4}))?|(\d{1,2})\.(\d{1,2})\.(\d{4}))\b")


def _spell_numeric_date(m: re.Match[str]) -> str:
    if m.group(1):
        year, month, day = m.group(1), m.group(2), m.group(3)
    elif m.group(4):
        day, month, year = m.group(4), m.group(5), m.group(6)
    else:
        day, month, year = m.group(7), m.group(8), m.group(9)
    if not 1 <= int(month) <= 12:
        return m.group(0)
    return f"{int(day)} #{int(month)}" + (f" {year}" if year else "")


def _date_tokens(text: str, vocab: Vocabulary) -> list[tuple[str, object]] | None:
    """Tokens of a date expression, or None when the text is not only a date."""
    months = {_plain(k): v for k, v in vocab.months.items()}
    ands = {_plain(w) for w in vocab.date_and}
    ranges = {_plain(w) for w in vocab.date_range}
    fillers = {_plain(w) for w in vocab.date_prefix} | {_plain(w) for w in vocab.weekdays} | {"de", "of", "the", "d"}
    suffixes = sorted((_plain(s) for s in vocab.ordinal_suffixes), key=len, reverse=True)
    fillers |= set(suffixes)  # "1.º": the dot splits the ordinal sign from its number
    plain = _NUMERIC_DATE_RE.sub(_spell_numeric_date, _plain(text))
    raw = re.findall(r"\d+[^\W\d_]*|[^\W\d_]+|[-–—&]|>|#\d+", plain.replace(".", " "))
    out: list[tuple[str, object]] = []
    for tok in raw:
        if tok[0] == "#":  # a month written as a number ("03/02/2021")
            out.append(("month", int(tok[1:])))
            continue
        if tok[0].isdigit():
            m = re.fullmatch(r"(\d+)(\D*)", tok)
            assert m
            num, suf = m.group(1), m.group(2)
            if suf and suf not in suffixes:
                return None
            n = int(num)
            if len(num) == 4 and 1900 < n < 2200:
                out.append(("year", n))
            elif 1 <= n <= 31:
                out.append(("day", n))
            else:
                return None
        elif tok in months:
            out.append(("month", months[tok]))
        elif tok in ranges or tok in {"-", "–", "—"}:
            out.append(("range", None))
        elif tok in ands or tok == "&":
            out.append(("and", None))
        elif tok in fillers or tok == ">":
            continue
        else:
            return None
    return out


def parse_dates(text: str, vocab: Vocabulary, period_start: str | None, period_end: str | None) -> ParsedDates | None:
    """Every day named in a printed date, the year taken from the report period.

    >>> from metroextract.vocab import load_vocabulary
    >>> fr = load_vocabulary("fr")
    >>> parse_dates("7 et 20 avril", fr, "2021-01", "2021-04").dates
    [datetime.date(2021, 4, 7), datetime.date(2021, 4, 20)]
    >>> d = parse_dates("15-21 février", fr, "2021-01", "2021-04"); (d.start, d.end)
    (datetime.date(2021, 2, 15), datetime.date(2021, 2, 21))
    >>> parse_dates("12 janvier", fr, "2021-10", "2022-01").dates
    [datetime.date(2022, 1, 12)]
    >>> parse_dates("Lancement du guide", fr, "2021-01", "2021-04") is None
    True
    """
    toks = _date_tokens(text, vocab)
    if not toks or not any(k == "month" for k, _ in toks) or not any(k == "day" for k, _ in toks):
        return None
    # Attach days to months: "7 et 20 avril" (days first) or "April 7 and 20" (month first).
    entries: list[list] = []  # [day, month|None, year|None, joined_by_range]
    pending: list[list] = []
    last_month: int | None = None
    joiner = "and"
    month_first = toks[0][0] == "month"
    for kind, val in toks:
        if kind == "day":
            e = [val, last_month if month_first else None, None, joiner == "range"]
            (entries if month_first and last_month else pending).append(e)
            joiner = "and"
        elif kind == "month":
            for e in pending:
                e[1] = val
            entries.extend(pending)
            pending = []
            last_month = val  # type: ignore[assignment]
        elif kind == "year":
            for e in entries:
                if e[2] is None:
                    e[2] = val
        elif kind in ("range", "and"):
            joiner = kind
    if pending or not entries or any(e[1] is None for e in entries):
        return None
    days: list[date] = []
    for day, month, year, _ in entries:
        y = year or month_year(month, period_start, period_end)
        if y is None:
            return None
        try:
            days.append(date(y, month, day))
        except ValueError:
            return None
    return ParsedDates(dates=days, start=min(days), end=max(days))


def is_date_line(text: str, vocab: Vocabulary) -> bool:
    """A line that is nothing but a date expression (an activity's date tag)."""
    if len(text) > 40:
        return False
    toks = _date_tokens(text, vocab)
    return bool(toks) and any(k == "day" for k, _ in toks) and any(k == "month" for k, _ in toks)


def parse_period(text: str, vocabs: list[Vocabulary]) -> tuple[str | None, str | None]:
    """Start and end month (YYYY-MM) of a printed period.

    >>> from metroextract.vocab import all_vocabularies
    >>> v = list(all_vocabularies().values())
    >>> parse_period("Octobre 2021 —> janvier 2022", v)
    ('2021-10', '2022-01')
    >>> parse_period("January —> April 2021", v)
    ('2021-01', '2021-04')
    """
    found: list[list] = []  # [month, year]
    months: dict[str, int] = {}
    for voc in vocabs:
        months.update({_plain(k): v for k, v in voc.months.items()})
    for tok in re.findall(r"\d{4}|[^\W\d_]+", _plain(text)):
        if tok in months:
            found.append([months[tok], None])
        elif tok.isdigit() and found and found[-1][1] is None:
            found[-1][1] = int(tok)  # a year belongs to the month just before it
    if not found or found[-1][1] is None:
        return None, None
    (sm, sy), (em, ey) = found[0], found[-1]
    if sy is None:
        sy = ey if sm <= em else ey - 1
    return f"{sy:04d}-{sm:02d}", f"{ey:04d}-{em:02d}"


def month_of(text: str, vocab: Vocabulary, period_start: str | None, period_end: str | None) -> str | None:
    """'Février' → '2021-02' within the report period, else None."""
    key = _plain(text).strip(" :.")
    months = {_plain(k): v for k, v in vocab.months.items()}
    if key not in months:
        return None
    m = months[key]
    y = month_year(m, period_start, period_end)
    return f"{y:04d}-{m:02d}" if y else None


def parse_results(text: str) -> tuple[list[str], list[str]]:
    """Result codes, and code-like tokens that are not valid deliverable codes.

    >>> parse_results("L1A2D4, L3A2D2")
    (['L1A2D4', 'L3A2D2'], [])
    >>> parse_results("L1A2D4, L1A2")
    (['L1A2D4'], ['L1A2'])
    """
    codes, bad = [], []
    for tok in RESULT_LIKE_RE.findall(text):
        tok = re.sub(r"[.\-\u2011 ]", "", tok)
        (codes if RESULT_CODE_RE.fullmatch(tok) else bad).append(tok)
    return codes, bad


def parse_challenges(lines: list[str]) -> list[Challenge]:
    """'2.1 Résilience sociale' items, one per line or run together, labels rejoined.

    >>> parse_challenges(["- 1.1 Lutter contre les inégalités", "et la ségrégation", "2.1 Résilience sociale"])
    [Challenge(code='1.1', label='Lutter contre les inégalités et la ségrégation'), Challenge(code='2.1', label='Résilience sociale')]
    >>> [c.code for c in parse_challenges(["1.3 Mobilité ; 2.1 Résilience sociale"])]
    ['1.3', '2.1']
    """
    text = join_lines(lines)
    out: list[Challenge] = []
    matches = list(CHALLENGE_RE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        label = text[m.end() : end].strip(" ;,·•▪|/-–—")
        out.append(Challenge(code=m.group(1), label=" ".join(label.split())))
    return out


def join_lines(lines: list[str], lexicon: set[str] | None = None) -> str:
    """Join wrapped lines of a field: hyphens kept before capitals and digits, in the
    vocabulary's compounds, and, given the report's own words (`lexicon`), between two
    words it prints whole when it never prints them as one ("Bourgmestre-" / "gouverneur").

    >>> join_lines(["Barcelone (aire", "métropolitaine), Addis-", "Abeba"])
    'Barcelone (aire métropolitaine), Addis-Abeba'
    >>> join_lines(["Plan d'action stratégique/", "Plateforme use"])
    "Plan d'action stratégique/Plateforme use"
    >>> join_lines(["Regional Vice-", "president"]), join_lines(["métho-", "dologies"])
    ('Regional Vice-president', 'méthodologies')
    """
    out = prev = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if not out:
            out = ln
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out = out + ln if not ln[:1].islower() or _compound_at_break(out, ln) or _words_apart(out, ln, lexicon) else out[:-1] + ln
        elif out.endswith("/") and not out[-2:-1].isspace():
            out += ln  # "A/" / "B": a slash set without spaces joins its words
        elif _word_broken(prev, ln):
            out += ln  # "Hybri" / "de": a word longer than its narrow cell, broken without a hyphen
        else:
            out += " " + ln
        prev = ln
    return out


def _word_broken(line: str, nxt: str) -> bool:
    """A line of one word the dictionaries do not know, over a line opening in lower case
    with the rest of a word they do know (the last part of a compound, a board role of the
    language files): a narrow cell broke the word where it ran out of room, without a
    hyphen ("Hybri" / "de", "Avr" / "il"; "Santiago" / "de Chile" is two words).

    >>> _word_broken("Hybri", "de"), _word_broken("Santiago", "de Chile"), _word_broken("Vice", "president")
    (True, False, False)
    >>> _word_broken("Bourgmestre-gouvern", "eur de Berlin"), _word_broken("Copresidenc", "ia")
    (True, True)
    """
    tail = re.match(r"[^\W\d_]+", nxt)
    head = re.search(r"[^\W\d_]+$", line)  # (the last part of "Bourgmestre-gouvern")
    if " " in line or not head or not tail or not nxt[:1].islower():
        return False
    known = dictionary_words(None) | _vocabulary_words()
    whole = (head.group(0) + tail.group(0)).lower()
    # (a head that is a word of another language, "Hybrid" / "e", joins into a term of the
    # language files: the report's own word)
    return whole in known and (head.group(0).lower() not in known or whole in _vocabulary_words())


@functools.cache
def _vocabulary_words() -> frozenset[str]:
    """The words of the language files' board roles and meeting formats (a report's own
    terms, "Copresidencia", "Présentiel", that no general dictionary holds)."""
    return frozenset(w.lower() for v in all_vocabularies().values() for term in [*v.board_roles, *v.meeting_formats] for w in re.findall(r"[^\W\d_]+", term))


def _words_apart(left: str, right: str, lexicon: set[str] | None) -> bool:
    """The parts around a line-end hyphen are words the report prints on their own, and
    the report never prints them joined: a compound's hyphen, not a word's break.

    >>> _words_apart("Bourgmestre-", "gouverneur de Berlin", {"bourgmestre", "gouverneur"})
    True
    >>> _words_apart("dévelop-", "pement", {"développement", "pement"})
    False
    """
    head = re.search(r"([^\W\d_]{3,})-$", left)
    tail = re.match(r"[^\W\d_]{3,}", right)
    return bool(head and tail) and compound_halves(head.group(1), tail.group(0), None, lexicon, fallback=True)


def _compound_at_break(left: str, right: str) -> bool:
    """The words around a line-end hyphen form a vocabulary word spelt with it
    ("Regional Vice-" / "president")."""
    head = re.search(r"([^\W\d_]+)-$", left)
    tail = re.match(r"[^\W\d_]+", right)
    return bool(head and tail) and f"{head.group(1)}-{tail.group(0)}".lower() in hyphenated_words()


# List separators other than commas, rewritten to ";" before splitting: a middle dot
# set between spaces ("Abidjan · Accra"; never the Catalan "l·l" inside a word), bullets
# and vertical bars used as separators inside a line.
_SEPARATOR_RE = re.compile(r"\s+·\s*|\s*·\s+|\s*[•▪◦|]\s*")
# Separators that are also punctuation inside a name: a slash or dash set between spaces
# ("Dakar / Lima", "Dakar – Lima"), read as separators only in a list without "," or ";".
_SPACED_SEPARATOR_RE = re.compile(r"\s+[/–—-]\s+")


def split_names(lines: list[str]) -> list[str]:
    """Names of a members/alliances field, one per listed name, in printed order.

    Commas, semicolons, middle dots and bullets separate names, but not inside
    parentheses ("Barcelone (aire métropolitaine)"); a list printed one name per line has
    no separator at all; in a list whose items open with a dash or bullet, a line
    without one continues the item above it.

    >>> split_names(["Barcelone (ville), Buenos Aires,", "Johannesbourg, Santiago du", "Chili"])
    ['Barcelone (ville)', 'Buenos Aires', 'Johannesbourg', 'Santiago du Chili']
    >>> split_names(["Abidjan", "Barcelone (aire", "métropolitaine)", "Berlin"])
    ['Abidjan', 'Barcelone (aire métropolitaine)', 'Berlin']
    >>> split_names(["Abidjan · Barcelone (ville) · Col·legi", "d'Arquitectes; Dakar • Lima"])
    ['Abidjan', 'Barcelone (ville)', "Col·legi d'Arquitectes", 'Dakar', 'Lima']
    >>> split_names(["Buenos Aires · Casablanca", "· Chongqing · Dakar"])
    ['Buenos Aires', 'Casablanca', 'Chongqing', 'Dakar']
    >>> split_names(["- Montevideo global", "- Ville de", "  Mexico", "• Dakar"])
    ['Montevideo global', 'Ville de Mexico', 'Dakar']
    >>> split_names(["Bamako / Brasilia / Gran", "Mánchester / Tunis"])
    ['Bamako', 'Brasilia', 'Gran Mánchester', 'Tunis']
    >>> split_names(["Berlin / Daegu / Guiyang/", "Male' / Siping"])
    ['Berlin', 'Daegu', 'Guiyang', "Male'", 'Siping']
    >>> split_names(["Estambul –", "Sofía –", "Addis-Abeba"])
    ['Estambul', 'Sofía', 'Addis-Abeba']
    >>> split_names(["CGLU África", "Organisation de coopération et", "de développement économiques"])
    ['CGLU África', 'Organisation de coopération et de développement économiques']
    """
    raw = [ln for ln in lines if ln.strip()]
    if not raw:
        return []
    if any(" / " in ln for ln in raw):
        # a list set with spaced slashes: a slash ending a line is one of them, its space
        # lost (OCR, a tight line) — "Guiyang/" / "Male'" are two names
        raw = [re.sub(r"(?<=\S)/\s*$", " /", ln) for ln in raw]
    opened = [bool(_BULLET_RE.match(ln)) for ln in raw]
    if sum(opened) >= 2 and opened[0]:
        # one item per dash or bullet; a line without one continues the item above it
        groups: list[list[str]] = []
        for ln, new in zip(raw, opened):
            if new or not groups:
                groups.append([_BULLET_RE.sub("", ln).strip()])
            else:
                groups[-1].append(ln.strip())
        return [n for g in groups for n in split_names([join_lines(g)]) if n]
    lines = [_BULLET_RE.sub("", ln).strip() for ln in raw]
    # separators are read on the lines as printed: a line may open with the "·" that
    # ends the name on the line above
    text = _SEPARATOR_RE.sub(";", _BULLET_RE.sub("", join_lines([ln.strip() for ln in raw])))
    if not any(c in text for c in ",;"):
        text = _SPACED_SEPARATOR_RE.sub(";", text)
    if any(c in text for c in ",;") or len(lines) == 1:
        return _split_outside_parens(text, ",;")
    # one name per line: a line continues the name above while that one has an open
    # parenthesis or a hyphen at its end, or when it opens on a lowercase word ("de …",
    # not "eThekwini")
    items: list[list[str]] = []
    for ln in lines:
        joined = join_lines(items[-1]) if items else ""
        if items and (joined.count("(") > joined.count(")") or joined.endswith("-") or ln.split()[0].islower()):
            items[-1].append(ln)
        else:
            items.append([ln])
    return [i for i in (join_lines(x).strip() for x in items) if i]


def _split_outside_parens(text: str, seps: str) -> list[str]:
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [" ".join(i.split()).strip(" .") for i in items if i.strip(" .")]


def parse_int(text: str) -> int | None:
    """'+1 380' → 1380, '1,380' → 1380, '+1.380' → 1380.

    >>> parse_int("+1 380"), parse_int("+1,380"), parse_int("119"), parse_int("n/a")
    (1380, 1380, 119, None)
    """
    digits = re.sub(r"[\s\u00a0\u202f.,+]", "", text)
    return int(digits) if digits.isdigit() else None
