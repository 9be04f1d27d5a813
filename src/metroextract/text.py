"""Text keys: the one home of accent folding and the matching forms built on it.

Every stage compares printed words with vocabularies, registry names or other printed
words ("Membres activés" / "MEMBRES ACTIVES", "Bogotá" / "Bogota", "Œuvre" / "oeuvre");
they all fold text here, so two stages never disagree on what "the same word" is.

A bottom module: it imports nothing from the project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Protocol

__all__ = ["alnum_key", "cased_letters", "fold", "fold_with_positions", "join_hyphenated", "paragraph_text", "plain", "strip_accents", "strip_marks"]

# Letters NFKD does not decompose into a base letter and a combining mark.
_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "œ": "oe",
     "Œ": "OE", "æ": "ae", "Æ": "AE", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH"}
)  # fmt: skip
_NOT_WORD = re.compile(r"[\W_]+")


def strip_marks(text: str) -> str:
    """Combining marks off (NFKD: "ﬁ" and "ᵉ" spelt out too), case kept; the letters NFKD
    keeps whole ("œ", "ø", "ı") stay as printed, where `strip_accents` spells them out.
    Dates, the OCR titles' lexicon, drop caps and glyph widths read letters this way;
    matching uses `strip_accents`.

    >>> strip_marks("Œuvre d’Élan à Kraków, Diyarbakır, ﬁn")
    'Œuvre d’Elan a Krakow, Diyarbakır, fin'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_accents(text: str) -> str:
    """Accents off and ligatures spelt out, case kept (NFKD: "ﬁ" and "ᵉ" too).

    >>> strip_accents("Œuvre d’Élan à Kraków, Diyarbakır")
    'OEuvre d’Elan a Krakow, Diyarbakir'
    """
    return strip_marks(text.translate(_LETTERS))


def plain(text: str) -> str:
    """Lower case without accents, everything else kept.

    >>> plain("Février 2021 : Séminaire")
    'fevrier 2021 : seminaire'
    """
    return strip_accents(text).lower()


def fold(text: str) -> str:
    """The matching key: casefolded, accents off, every run of punctuation or spaces one
    space, trimmed.

    >>> fold("  MEMBRES  ACTIVÉS :")
    'membres actives'
    >>> fold("Mise en œuvre du Plan d’action")
    'mise en oeuvre du plan d action'
    >>> fold("Xí'an"), fold("ONU-Hábitat"), fold("Diyarbakır, Œuvre"), fold("—")
    ('xi an', 'onu habitat', 'diyarbakir oeuvre', '')
    """
    return _NOT_WORD.sub(" ", strip_accents(text).casefold()).strip()


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """Letters and digits only, lower case, accents off; with each one's index in `text`
    (to find a folded value back on the page).

    >>> fold_with_positions("Bogotá, Ville-de-Mexico")[0]
    'bogotavilledemexico'
    >>> fold_with_positions("+1 380")
    ('1380', [1, 3, 4, 5])
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in strip_accents(ch):
            if c.isalnum():
                low = c.lower()
                out.append(low)
                where.extend([i] * len(low))
    return "".join(out), where


def cased_letters(text: str) -> str:
    """The letters that have a case: what "set in capitals" is judged on. The ordinal
    indicators ("5.ª", "1.º") are lower-case letters to Unicode but have no capital, so
    they never make a line in capitals look small.

    >>> cased_letters("5.ª EDICIÓN 2º")
    'EDICIÓN'
    """
    return "".join(c for c in text if c.upper() != c.lower())


def alnum_key(text: str | None) -> str:
    """`fold_with_positions` without the positions: the form a value is searched by on the
    page; "" for no value.

    >>> alnum_key("Ciudad de México (CDMX)"), alnum_key(None)
    ('ciudaddemexicocdmx', '')
    """
    return fold_with_positions(text)[0] if text else ""


# --------------------------------------------------------------------------- lines joined


class _HasText(Protocol):
    text: str


def join_hyphenated(left: str, right: str, lexicon: set[str]) -> str:
    """Join a line ending in '-' to the next: drop a hyphenation hyphen, keep a real one.

    >>> join_hyphenated("les métho-", "dologies communes", {"méthodologies"})
    'les méthodologies communes'
    >>> join_hyphenated("Addis-", "Abeba et Accra", set())
    'Addis-Abeba et Accra'
    >>> join_hyphenated("les co-", "présidents", {"co-présidents"})
    'les co-présidents'
    """
    m = re.search(r"([^\W\d_]+)-$", left)
    if not m or not right[:1].isalpha() or not right[:1].islower():
        return left + right
    head = m.group(1)
    tail_m = re.match(r"[^\W\d_]+", right)
    tail = tail_m.group(0) if tail_m else ""
    whole, hyph = (head + tail).lower(), f"{head}-{tail}".lower()
    if hyph in lexicon and whole not in lexicon:
        return left + right
    return left[:-1] + right


def paragraph_text(lines: Iterable[_HasText], lexicon: set[str]) -> str:
    """The lines of one paragraph as one string, words hyphenated at line ends rejoined.

    >>> from types import SimpleNamespace as L
    >>> paragraph_text([L(text="la période 2021-"), L(text="2023 pour")], set())
    'la période 2021-2023 pour'
    """
    text = ""
    for ln in lines:
        t = ln.text.strip()
        if not text:
            text = t
        elif text.endswith("-") and len(text) > 1 and text[-2].isalpha():
            text = join_hyphenated(text, t, lexicon)
        elif text.endswith("-") and text[-2:-1].isdigit() and t[:1].isdigit():
            text += t  # a range broken at its hyphen: "2021-" / "2023"
        else:
            text += " " + t
    return " ".join(text.split())


def names_run(text: str, is_name: Callable[[str], bool]) -> list[str] | None:
    """`text` read as a run of two names or more set side by side (the fewest), each one
    `is_name` accepts; None when it is no such run.

    >>> names_run("Haikou Moscú", {"Haikou", "Moscú", "Mos"}.__contains__)
    ['Haikou', 'Moscú']
    >>> names_run("Santiago de Chile", {"Santiago"}.__contains__) is None
    True
    """
    words = text.split()
    best: list[list[str] | None] = [[]] + [None] * len(words)
    for j in range(1, len(words) + 1):
        for i in range(j):
            prev, piece = best[i], " ".join(words[i:j])
            if prev is not None and (best[j] is None or len(prev) + 1 < len(best[j])) and is_name(piece):  # type: ignore[arg-type]
                best[j] = [*prev, piece]
    found = best[-1]
    return found if found is not None and len(found) >= 2 else None
