"""Language vocabularies (labels, headings, months) loaded from editable data files."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

LANGUAGES = ("fr", "en", "es")


class Vocabulary(BaseModel):
    """One language's printed vocabulary, as archivists maintain it in data/lang/<lang>.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str
    markers: list[str]
    months: dict[str, int]
    weekdays: list[str] = []
    date_and: list[str]
    date_range: list[str]
    date_prefix: list[str]
    ordinal_suffixes: list[str]
    labels: dict[str, list[str]]
    sections: dict[str, list[str]]
    action_line_kicker: list[str]
    regions: dict[str, list[str]]
    focal_points: list[str]
    board: list[str]
    board_roles: list[str] = []
    honorary: list[str]
    region_members: list[str] = []
    meeting_members: list[str]
    meeting_alliances: list[str]
    title_markers: list[str]
    period_arrow: list[str]
    table_headers: dict[str, list[str]] = {}
    date_deadline: list[str] = []
    link_labels: list[str] = []
    meeting_formats: list[str] = []


def _data_dir() -> Path:
    return Path(str(resources.files("metroextract") / "data" / "lang"))


@cache
def load_vocabulary(lang: str, directory: str | None = None) -> Vocabulary:
    """The vocabulary of one language; `directory` overrides the packaged files."""
    base = Path(directory) if directory else _data_dir()
    with open(base / f"{lang}.yaml", encoding="utf-8") as fh:
        return Vocabulary.model_validate(yaml.safe_load(fh))


def all_vocabularies(directory: str | None = None) -> dict[str, Vocabulary]:
    return {lang: load_vocabulary(lang, directory) for lang in LANGUAGES}


@cache
def hyphenated_words() -> frozenset[str]:
    """Words printed with a hyphen in any language's vocabulary ("vice-president",
    "co-présidente"), lower-cased: a line broken at that hyphen keeps it when joined."""
    words: set[str] = set()
    for v in all_vocabularies().values():
        phrases = [*v.board_roles, *v.focal_points, *v.board, *v.honorary, *(p for ps in v.labels.values() for p in ps), *(p for ps in v.sections.values() for p in ps)]
        words |= {w.lower() for p in phrases for w in p.split() if "-" in w.strip("-")}
    return frozenset(words)
