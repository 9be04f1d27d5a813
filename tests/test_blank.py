"""spaCy's French tokenizer with its regular expression read from the cache."""

from __future__ import annotations

import json
import re
import sys

from metroextract.blank import blank, cache_dir, compiled, program


def test_a_program_from_the_cache_matches_like_the_compiled_pattern() -> None:
    pattern = "(?iu)" + "|".join(f"(?:^{p}[-‐][a-zà-ÿ]+$)" for p in ("anti", "sous", "r?é?entr")) + r"|(?:^(?P<saint>saint)-\w+$)"
    fresh, cached = re.compile(pattern), compiled(json.loads(json.dumps(program(pattern))))
    words = ["anti-inflammatoire", "Sous-Marin", "réentr-ouvert", "Saint-Denis", "antiinflammatoire", "sous marin", "ÉNTR-x"]
    assert [bool(cached.match(w)) for w in words] == [bool(fresh.match(w)) for w in words] == [True, True, True, True, False, False, False]
    assert cached.match("Saint-Denis").group("saint") == "Saint"


def test_french_keeps_its_tokenizer_and_leaves_its_program_in_the_cache() -> None:
    nlp = blank("fr")
    assert [t.text for t in nlp("Aujourd'hui l'anti-inflammatoire sous-marin, peut-être (J.-C.)")] == [
        "Aujourd'hui",
        "l'",
        "anti-inflammatoire",
        "sous-marin",
        ",",
        "peut-être",
        "(",
        "J.",
        "-C.",
        ")",
    ]
    token_match = sys.modules["spacy.lang.fr.tokenizer_exceptions"].TOKEN_MATCH.__self__
    directory = cache_dir()
    assert directory is not None
    (path,) = directory.glob("spacy-fr-regex-*.json")
    assert json.loads(path.read_text(encoding="utf-8"))["pattern"] == token_match.pattern
