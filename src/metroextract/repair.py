"""Text-layer repairs: what PDF producers get wrong in their Unicode maps, undone as data.

Each rule is (name, pattern, replacement), applied in order to every word the layout
stage reads. Producers map glyphs to the wrong code points in many ways; a rule is added
here, with a doctest, when a report shows a new one. Rules never guess at meaning: they
only undo mappings that cannot be right where they stand. A page holds only what was
painted, so a soft hyphen inside a word on a line was drawn: the design printed a hyphen
there (Typst maps its hyphen glyph to U+00AD: "Co\u00adpresident"). At a word's end it is
the mark of a word broken at the line's end, which the line joining handles: dropped.

>>> repair_text("15\u00ad21 février")
'15-21 février'
>>> repair_text("COVID\u00ad19 et L1A2\u00adD4")
'COVID-19 et L1A2-D4'
>>> repair_text("Co\u00adpresident: Ada Colau"), repair_text("métho\u00ad")
('Co-president: Ada Colau', 'métho')
>>> repair_text("ﬁnancement ﬂuide")
'financement fluide'
>>> repair_text("\uf0b7 Montevideo")
'• Montevideo'
>>> repair_text("Addis\u2010Abeba, 3\u20117 mai")
'Addis-Abeba, 3-7 mai'
"""

from __future__ import annotations

import re

# (name, pattern, replacement): order matters, the soft-hyphen rules come before the
# rule that drops the remaining soft hyphens.
RULES: list[tuple[str, re.Pattern[str], str]] = [
    # A soft hyphen between digits ("15\u00ad21 février") or inside a code of capitals and
    # digits ("COVID\u00ad19", "L1A2\u00adD4") stands where the design printed a hyphen.
    ("soft hyphen in a number or code", re.compile(r"(?<=[0-9A-Z])\u00ad(?=[0-9])|(?<=[0-9])\u00ad(?=[0-9A-Z])"), "-"),
    # Between two letters of a word it was drawn as a hyphen too ("Co\u00adpresident").
    ("soft hyphen inside a word", re.compile(r"(?<=[^\W\d_])\u00ad(?=[^\W\d_])"), "-"),
    # At a word's end it marks a word broken at the line's end: dropped.
    ("soft hyphen", re.compile("\u00ad"), ""),
    # Unicode hyphens (U+2010, U+2011 non-breaking, U+2027 hyphenation point as a dash).
    ("unicode hyphens", re.compile("[\u2010\u2011]"), "-"),
    # Word's Symbol-font bullet lands in the private-use area (U+F0B7), and dingbat
    # fonts' bullets at U+F0A7 / U+F076.
    ("private-use bullets", re.compile("[\uf0b7\uf0a7\uf076\uf0d8]"), "•"),
    # Zero-width characters and a stray byte-order mark carry nothing.
    ("zero-width", re.compile("[\u200b\u200c\u200d\u2060\ufeff]"), ""),
    # Ligatures a font maps to one code point.
    ("ligature ff", re.compile("\ufb00"), "ff"),
    ("ligature fi", re.compile("\ufb01"), "fi"),
    ("ligature fl", re.compile("\ufb02"), "fl"),
    ("ligature ffi", re.compile("\ufb03"), "ffi"),
    ("ligature ffl", re.compile("\ufb04"), "ffl"),
    ("ligature st", re.compile("[\ufb05\ufb06]"), "st"),
]

_ANY = re.compile("[\u00ad\u2010\u2011\uf0b7\uf0a7\uf076\uf0d8\u200b\u200c\u200d\u2060\ufeff\ufb00-\ufb06]")


def repair_text(text: str) -> str:
    """Apply every rule in order; text with nothing to repair is returned as is, fast."""
    if not _ANY.search(text):
        return text
    for _, pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text
