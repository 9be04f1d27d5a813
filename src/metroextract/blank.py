"""`blank(lang)`: `spacy.blank(lang)` without compiling French's big regular expression in
every process.

spaCy's French tokenizer exceptions compile one regular expression when their module is
imported (a few hundred hyphenated-word patterns over Unicode letter classes, case
folded): 5 to 6 s of CPU in every fresh process that reads French — each isolated
worker, each CLI run — where English costs 0.5 s. The compiled program of that expression
is kept in a small JSON file in the user's cache directory, keyed by the Python version
and the regex engine's magic number. Before spaCy's French module is imported, the
program is handed to the `re` module's cache, so spaCy's own `re.compile` finds it ready.

The pattern text is stored with its program and is the cache key inside `re`: another
spaCy (another pattern) simply misses and compiles as before. Reading or writing the
cache may fail in any way (read-only home, a damaged file, another Python): that costs
time, never a different tokenizer. `METROEXTRACT_CACHE_DIR` moves the cache;
`METROEXTRACT_CACHE_DIR=""` turns it off.
"""

from __future__ import annotations

import json
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from .atomic import atomic_write_bytes

# The modules whose import compiles a regular expression worth keeping, and the name the
# compiled pattern's `match` is published under.
_SLOW_PATTERNS = {"fr": ("spacy.lang.fr.tokenizer_exceptions", "TOKEN_MATCH")}


def blank(lang: str) -> Language:
    """`spacy.blank(lang)`, its slow regular expression (if any) read from the cache."""
    if lang in _SLOW_PATTERNS:
        _warm(lang)
    return spacy.blank(lang)


def cache_dir() -> Path | None:
    """Where compiled programs are kept (None: nowhere)."""
    configured = os.environ.get("METROEXTRACT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "metroextract"


@cache
def _warm(lang: str) -> None:
    module, attr = _SLOW_PATTERNS[lang]
    if module in sys.modules:
        return
    directory = cache_dir()
    path = directory / f"spacy-{lang}-regex-{_engine_key()}.json" if directory else None
    ready = _read(path) if path else None
    if ready is not None:
        _prime(ready)
    imported = __import__(module, fromlist=[attr])
    if path is None or ready is not None:
        return
    pattern = getattr(getattr(imported, attr), "__self__", None)
    if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
        try:
            atomic_write_bytes(path, json.dumps(program(pattern.pattern)).encode())
        except (OSError, ValueError):
            pass  # no cache: the next process compiles again


def _engine_key() -> str:
    import _sre

    return f"py{sys.version_info[0]}{sys.version_info[1]}-sre{_sre.MAGIC}"


def program(pattern: str) -> dict[str, Any]:
    """The compiled program of `pattern` (a `str` pattern, no flags argument) as JSON data.

    >>> compiled(program(r"(?i)(?P<word>ab)c")).match("ABC").group("word")
    'AB'
    """
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, 0)
    indexgroup = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    return {
        "pattern": pattern,
        "flags": parsed.state.flags,
        "code": list(_compiler._code(parsed, 0)),
        "groups": parsed.state.groups - 1,
        "groupindex": dict(parsed.state.groupdict),
        "indexgroup": indexgroup,
    }


def compiled(entry: dict[str, Any]) -> re.Pattern[str]:
    """The pattern object of a `program` (the regex engine checks the code it is given)."""
    import _sre

    return _sre.compile(entry["pattern"], entry["flags"], entry["code"], entry["groups"], entry["groupindex"], tuple(entry["indexgroup"]))


def _read(path: Path) -> re.Pattern[str] | None:
    """The cached pattern object (the engine checks its program once, here)."""
    try:
        return compiled(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError):
        return None  # absent, damaged or from another engine: compile as usual


def _prime(pattern: re.Pattern[str]) -> None:
    """Put a compiled pattern where `re.compile(pattern.pattern)` looks first."""
    cache_of_re = getattr(re, "_cache", None)
    if isinstance(cache_of_re, dict):
        cache_of_re[str, pattern.pattern, 0] = pattern
