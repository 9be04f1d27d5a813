"""Datasets: every `reports/*.json` → flat JSON Lines tables, JSON Schema, data package, manifest.

What `rebuild_datasets(output_dir)` writes (see the README, "Output layout"):

- `datasets/<table>.jsonl` — one file per table in `TABLES`, one row model per table (below),
  one compact JSON object per line. Rows are sorted by their primary key, ids derive only
  from report ids, activity ids and printed positions, and no row holds a timestamp, so
  two rebuilds over the same reports give byte-identical files. The whole folder is
  written beside the old one and swapped in at once: a reader sees the old tables or the
  new ones, never a mix.
- `schema/*.schema.json` — JSON Schema of the report document, the quarantine record, the
  review item, the manifest and every table row (`schema_documents()`; the same files are
  committed under `schema/` in the repository and a test fails when they drift).
- `datapackage.json` — a Frictionless Data Package: one resource per table with its
  fields, types, primary and foreign keys, size and sha256.
- `manifest.json` — every source file with its status and counts; the only file with
  timestamps.

Every row goes through one guard, `check_row`, against its table's declaration (the
same field list `datapackage.json` publishes): empty strings become null where a field
is nullable, a row missing a required value, a column header read as a value ("Role",
"Nom", "Cargo"…) or several person names run into one is left out, and each row left out
becomes a `warnings` row (code `row_rejected`, with the page when known) and is counted
in the summary and the manifest (`tables.<table>.rejected`). So the package always
passes `frictionless validate datapackage.json`, constraints and foreign keys included.

Every row and document carries `schema_version` (`models.SCHEMA_VERSION`, semantic
versioning: a breaking change — a field removed, renamed or retyped, a meaning changed —
bumps the major; a new table or field bumps the minor).

Run it by hand with `python -m metroextract.datasets OUTPUT_DIR`, and regenerate the
committed schema files with `python -m metroextract.datasets --write-schemas schema/`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .atomic import atomic_write_bytes, dir_mode
from .atomic import fsync_dir as _fsync_dir
from .errors import WarningCode
from .export import dumps_json
from .models import (
    SCHEMA_VERSION,
    Activity,
    AllianceRef,
    MemberRef,
    QuarantineRecord,
    Report,
    ReviewItem,
)
from .publications import Linking, link_output
from .text import plain

__all__ = [
    "DATAPACKAGE_NAME",
    "MANIFEST_NAME",
    "TABLES",
    "ROW_REJECTED",
    "DatasetSummary",
    "Manifest",
    "ManifestSource",
    "RejectedRow",
    "SkippedFile",
    "check_row",
    "datapackage_descriptor",
    "main",
    "datasets_stale",
    "inputs_stamp",
    "rebuild_datasets",
    "schema_documents",
    "write_schema_files",
]

log = logging.getLogger(__name__)

DATASETS_DIR = "datasets"
SCHEMA_DIR = "schema"
DATAPACKAGE_NAME = "datapackage.json"
MANIFEST_NAME = "manifest.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SEMVER = r"^\d+\.\d+\.\d+$"
_RESULT_CODE = re.compile(r"^(L\d+)(A\d+)?(D\d+)?$")

Method = Literal["exact", "alias", "fuzzy", "unresolved"]


# --------------------------------------------------------------------------- row models


class _Row(BaseModel):
    """Base of every table row: frozen, no unknown fields, every field always written."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    # Table metadata (not fields): the primary key rows are sorted by, and foreign keys
    # as (fields, referenced table, referenced fields).
    primary_key: ClassVar[tuple[str, ...]] = ()
    foreign_keys: ClassVar[tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = ()
    # Row guard (`check_row`): fields whose value must not be a column header ("Role",
    # "Nom", "Cargo"…), and fields that must hold exactly one person's name.
    header_fields: ClassVar[tuple[str, ...]] = ()
    person_fields: ClassVar[tuple[str, ...]] = ()

    schema_version: str = Field(SCHEMA_VERSION, pattern=_SEMVER, description="version of the dataset contract (semver)")

    def sort_key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.primary_key)


_REPORT_FK = ((("report_id",), "reports", ("report_id",)),)
_ACTIVITY_FK = (*_REPORT_FK, (("activity_id",), "activities", ("activity_id",)))
_MEMBER_FK = ((("member_id",), "members", ("member_id",)),)
_ALLIANCE_FK = ((("alliance_id",), "alliances", ("alliance_id",)),)

_D_REPORT = "id of the report: r- and the first 16 hex digits of the PDF's sha256"
_D_ACTIVITY = "id of the activity: report id, printed position and a digest of date and title"
_D_PUBLICATION = "id of the publication (every edition and copy of one report): p- and 16 hex digits of a digest of kind and period"
_D_GROUP = "id of the distinct activity across the publication's editions and copies (activity_groups)"
_D_SEQ = "1-based printed position of the item within its list"
_D_NAME = "the name as printed"
_D_MEMBER_ID = "registry id of the member; null when the name could not be resolved"
_D_ALLIANCE_ID = "registry id of the alliance; null when the name could not be resolved"
_D_CANONICAL = "the registry's English name for the id; null when unresolved"
_D_METHOD = "how the name was resolved: exact, alias, fuzzy or unresolved; null if never resolved"
_D_SCORE = "resolution score 0-100 (best fuzzy score when unresolved)"
_D_ROLE = "role as printed (e.g. President); null when the report prints the person without a readable role (a scanned card, a table row without its role cell): still a real entry"
_D_PERSON = "one person's name as printed; a column header or several names run together is never a row (it becomes a warnings row, code row_rejected)"


class ReportRow(_Row):
    """One extracted report (one PDF edition)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id",)
    foreign_keys = ((("duplicate_of",), "reports", ("report_id",)),)

    report_id: str = Field(description=_D_REPORT)
    publication_id: str = Field(description=_D_PUBLICATION)
    duplicate_of: str | None = Field(description="the kept report this file is a copy of (same publication and language, the same activities); null for a file kept")
    language: Literal["fr", "en", "es"]
    kind: Literal["progress_report", "activity_report"] = Field(description="progress report (2021 on) or the older activity report, decided from the document's structure")
    title: str | None
    period_text: str | None = Field(description="the report period as printed; null when none was found on the first pages (warning period_missing): the report is still extracted")
    period_start: str | None = Field(description="first month of the period, YYYY-MM")
    period_end: str | None = Field(description="last month of the period, YYYY-MM")
    source_file_name: str
    source_sha256: str
    source_pages: int
    parser_version: str
    document_schema_version: str = Field(description="schema_version of reports/<report_id>.json")
    key_figures_period: str | None
    secretary_general: str | None = Field(description="signatory of the Secretary General's note")
    contact_email: str | None
    contact_website: str | None
    activity_count: int
    warning_count: int = Field(description="rows in warnings for the report: its own warnings plus rows the datasets left out (code row_rejected)")
    quality_verdict: Literal["ok", "needs_review"] | None = Field(
        description="the pipeline's quality verdict; needs_review reports stay in the datasets, flagged here; null for a report extracted without a quality check"
    )
    quality_reasons: str | None = Field(description="why the verdict is needs_review, the reasons joined with '; '; null when there is none")


class ActivityRow(_Row):
    """One activity of a report."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_id",)
    foreign_keys = (*_REPORT_FK, (("activity_group_id",), "activity_groups", ("activity_group_id",)))

    activity_id: str = Field(description=_D_ACTIVITY)
    report_id: str = Field(description=_D_REPORT)
    activity_group_id: str | None = Field(description=_D_GROUP + "; null only for an activity of a copy that matched none of the kept report's")
    seq: int = Field(description="1-based position of the activity in the report")
    action_line: str | None = Field(description="action line code (L1, L2, …) it is printed under")
    action_line_label: str | None
    series: str | None = Field(description="kicker printed before the title")
    title: str | None = Field(description="title as printed; null when none could be read (warning activity_without_title): the activity is still a printed, dated activity")
    date_text: str | None = Field(description="the date as printed (null: an activity report's activity whose prose names no date)")
    date_start: date | None
    date_end: date | None
    dates: list[date] = Field(description="every day the printed date names")
    description: str | None = Field(description="running text; null when none is printed")
    figure_text: list[str] = Field(description="captions and text inside pictures")
    report_kind: Literal["progress_report", "activity_report"] = Field(description="the kind of report the activity is printed in")
    section_text: str | None = Field(description="activity reports: the quarter heading as printed")
    section_start: str | None = Field(description="activity reports: the quarter's first month (YYYY-MM)")
    section_end: str | None = Field(description="activity reports: the quarter's last month (YYYY-MM)")
    number: str | None = Field(description="activity reports: the heading's number as printed")
    links: list[str] = Field(description="activity reports: labels of the link lines after the activity")
    pages: list[int] = Field(description="PDF pages the activity is printed on")


class ActivityGroupRow(_Row):
    """One distinct activity: the same activity in every edition (fr, en, es) and copy of a
    publication, linked by dates, codes, ids, action line and position (`publications.py`)."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_group_id",)

    activity_group_id: str = Field(description="g- and 16 hex digits of a digest of the publication id and the smallest activity id of the group")
    publication_id: str = Field(description=_D_PUBLICATION)
    action_line: str | None = Field(description="action line code (L1, L2, …)")
    date_start: date | None = Field(description="from the best edition holding a date (text layer, quality, values located)")
    date_end: date | None
    dates: list[date] = Field(description="every day any of its activities names")
    title_fr: str | None = Field(description="title in the French edition; null when that edition is not in the datasets or lacks the activity")
    title_en: str | None = Field(description="title in the English edition")
    title_es: str | None = Field(description="title in the Spanish edition")
    languages: list[str] = Field(description="languages of the editions printing it (fr, en, es)")
    member_ids: list[str] = Field(description="union of the resolved member ids of its activities")
    alliance_ids: list[str] = Field(description="union of the resolved alliance ids of its activities")
    results: list[str] = Field(description="union of the result codes")
    challenges: list[str] = Field(description="union of the challenge codes")
    activity_ids: list[str] = Field(description="the activities it groups (editions and copies)")
    report_ids: list[str] = Field(description="the reports printing it")


class ActivityMemberRow(_Row):
    """A member listed as involved in an activity."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_id", "seq")
    foreign_keys = (*_ACTIVITY_FK, *_MEMBER_FK)

    report_id: str = Field(description=_D_REPORT)
    activity_id: str = Field(description=_D_ACTIVITY)
    seq: int = Field(description=_D_SEQ)
    name: str = Field(description=_D_NAME)
    member_id: str | None = Field(description=_D_MEMBER_ID)
    canonical_name: str | None = Field(description=_D_CANONICAL)
    method: Method | None = Field(description=_D_METHOD)
    score: float | None = Field(description=_D_SCORE)


class ActivityMentionRow(ActivityMemberRow):
    """A member named in an activity's description (not listed as involved)."""


class ActivityResultRow(_Row):
    """A strategic-plan result code (LnAnDn) an activity is related to."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_id", "seq")
    foreign_keys = _ACTIVITY_FK

    report_id: str = Field(description=_D_REPORT)
    activity_id: str = Field(description=_D_ACTIVITY)
    seq: int = Field(description=_D_SEQ)
    code: str = Field(description="result code as printed, e.g. L1A2D4")
    line: str | None = Field(description="action line part of the code, e.g. L1")
    axis: str | None = Field(description="axis part of the code, e.g. L1A2")
    label: str | None = Field(description="the code's label in the report's plan; null if absent")


class ActivityChallengeRow(_Row):
    """A metropolitan challenge an activity addresses."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_id", "seq")
    foreign_keys = _ACTIVITY_FK

    report_id: str = Field(description=_D_REPORT)
    activity_id: str = Field(description=_D_ACTIVITY)
    seq: int = Field(description=_D_SEQ)
    code: str = Field(description="challenge code, e.g. 2.1")
    label: str | None = Field(description="label printed with the code; null when only the code is printed")


class ActivityAllianceRow(_Row):
    """An alliance or partner listed for an activity."""

    primary_key: ClassVar[tuple[str, ...]] = ("activity_id", "seq")
    foreign_keys = (*_ACTIVITY_FK, *_ALLIANCE_FK)

    report_id: str = Field(description=_D_REPORT)
    activity_id: str = Field(description=_D_ACTIVITY)
    seq: int = Field(description=_D_SEQ)
    name: str = Field(description=_D_NAME)
    alliance_id: str | None = Field(description=_D_ALLIANCE_ID)
    canonical_name: str | None = Field(description=_D_CANONICAL)
    method: Method | None = Field(description=_D_METHOD)
    score: float | None = Field(description=_D_SCORE)


class MediaMentionRow(_Row):
    """A press article mentioning Metropolis."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    month: str | None = Field(description="YYYY-MM")
    outlet: str
    title: str | None


class MemberEngagementRow(_Row):
    """A member listed under member engagement (active listening)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = (*_REPORT_FK, *_MEMBER_FK)

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    name: str = Field(description=_D_NAME)
    member_id: str | None = Field(description=_D_MEMBER_ID)
    canonical_name: str | None = Field(description=_D_CANONICAL)
    method: Method | None = Field(description=_D_METHOD)
    score: float | None = Field(description=_D_SCORE)


class BilateralMeetingRow(_Row):
    """A bilateral meeting; participants as parallel lists (names as printed, ids or null)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    month: str | None = Field(description="YYYY-MM")
    format: str | None = Field(description="meeting format as printed, e.g. Online")
    member_names: list[str]
    member_ids: list[str | None] = Field(description="registry id of each member_names entry")
    alliance_names: list[str]
    alliance_ids: list[str | None] = Field(description="registry id of each alliance_names entry")


class KeyFigureRow(_Row):
    """A key figure of the period (e.g. +1 380 people engaged)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    period: str | None = Field(description="the key figures' period as printed")
    text: str = Field(description="the figure as printed")
    value: int | None = Field(description="the figure as a number; null if unreadable")
    label: str


class PlanRow(_Row):
    """A line, axis or deliverable of the strategic action plan as printed in a report."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    code: str
    level: Literal["line", "axis", "deliverable"]
    parent: str | None
    label: str


class ChallengeTaxonomyRow(_Row):
    """A metropolitan challenge of the taxonomy printed in a report."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    code: str
    label: str


class ActionLineRow(_Row):
    """An action line (activity divider) of a report."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    code: str
    label: str


class RegionMemberRow(_Row):
    """A member listed under a region in "Who we are" (honorary members flagged)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "region_seq", "seq")
    foreign_keys = (*_REPORT_FK, *_MEMBER_FK)

    report_id: str = Field(description=_D_REPORT)
    region_seq: int = Field(description="1-based position of the region in the report")
    region: str = Field(description="region name as printed")
    seq: int = Field(description="1-based position within the region (members, then honorary)")
    honorary: bool
    name: str = Field(description=_D_NAME)
    member_id: str | None = Field(description=_D_MEMBER_ID)
    canonical_name: str | None = Field(description=_D_CANONICAL)
    method: Method | None = Field(description=_D_METHOD)
    score: float | None = Field(description=_D_SCORE)


class BoardRow(_Row):
    """A member of the Board of Directors, by region."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "region_seq", "seq")
    foreign_keys = _REPORT_FK
    header_fields = ("role", "name", "position")
    person_fields = ("name",)

    report_id: str = Field(description=_D_REPORT)
    region_seq: int = Field(description="1-based position of the region in the report")
    region: str = Field(description="region name as printed")
    seq: int = Field(description=_D_SEQ)
    role: str | None = Field(description=_D_ROLE)
    name: str = Field(description=_D_PERSON)
    position: str | None = Field(description="the person's office, as printed")


class FocalPointRow(_Row):
    """A regional focal point (e.g. regional secretary)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "region_seq", "seq")
    foreign_keys = _REPORT_FK
    header_fields = ("role", "name", "place")
    person_fields = ("name",)

    report_id: str = Field(description=_D_REPORT)
    region_seq: int = Field(description="1-based position of the region in the report")
    region: str = Field(description="region name as printed")
    seq: int = Field(description=_D_SEQ)
    role: str | None = Field(description=_D_ROLE)
    name: str = Field(description=_D_PERSON)
    place: str | None = Field(description="city or organisation printed with the name")


class SecretariatRow(_Row):
    """A member of the General Secretariat staff."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK
    header_fields = ("name", "position")
    person_fields = ("name",)

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    name: str = Field(description=_D_PERSON)
    position: str | None = Field(description="the person's job title, as printed")


class WarningRow(_Row):
    """A problem found in a report that was extracted anyway (codes: errors.WarningCode), or
    a row the datasets left out because it broke its table's declaration (code row_rejected)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "seq")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    seq: int = Field(description=_D_SEQ)
    page: int | None
    code: str
    message: str


class SectionQualityRow(_Row):
    """One section of a report and whether it can be trusted (report.quality.sections):
    ok, needs_review (with the codes of its reasons) or absent (not printed)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "section")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    section: str = Field(description="the report's field name of the section (table_of_contents, activities, bilateral_meetings, …)")
    verdict: Literal["ok", "needs_review", "absent"] = Field(description="ok; needs_review (a person should check it); absent (the report does not print it)")
    reason_codes: list[str] = Field(description="the codes of the reasons behind a needs_review verdict (section_checks.py), in order; empty otherwise")


class MemberRow(_Row):
    """A registry member with how often the reports reference it."""

    primary_key: ClassVar[tuple[str, ...]] = ("member_id",)

    member_id: str
    name_en: str | None = Field(description="null only when the id is not in the registry")
    name_fr: str | None
    name_es: str | None
    region: str | None = Field(description="registry region slug, e.g. latin-america-caribbean")
    honorary: bool
    aliases: list[str]
    in_registry: bool = Field(description="false for an id a report uses that the registry lacks")
    reports: int = Field(description="reports referencing the member anywhere")
    activities: int = Field(description="rows in activity_members")
    activity_mentions: int = Field(description="rows in activity_mentions")
    member_engagement: int = Field(description="rows in member_engagement")
    bilateral_meetings: int = Field(description="bilateral meetings it took part in")
    regions_members: int = Field(description="rows in regions_members")
    mentions: int = Field(description="sum of the five counts above")


class AllianceRow(_Row):
    """A registry alliance with how often the reports reference it."""

    primary_key: ClassVar[tuple[str, ...]] = ("alliance_id",)

    alliance_id: str
    name_en: str | None = Field(description="null only when the id is not in the registry")
    name_fr: str | None
    name_es: str | None
    aliases: list[str]
    in_registry: bool = Field(description="false for an id a report uses that the registry lacks")
    reports: int = Field(description="reports referencing the alliance anywhere")
    activities: int = Field(description="rows in activity_alliances")
    bilateral_meetings: int = Field(description="bilateral meetings it took part in")
    mentions: int = Field(description="sum of the two counts above")


class UnresolvedNameRow(_Row):
    """A printed name left without an id, or resolved with too little margin (review list)."""

    primary_key: ClassVar[tuple[str, ...]] = ("report_id", "kind", "name")
    foreign_keys = _REPORT_FK

    report_id: str = Field(description=_D_REPORT)
    kind: Literal["member", "alliance"]
    name: str = Field(description=_D_NAME)
    occurrences: int = Field(description="references printed with this name in the report")
    tables: list[str] = Field(description="tables holding those references")
    resolved_id: str | None = Field(description="id given anyway (low-margin fuzzy match), else null")
    in_review: bool = Field(description="listed in review/<report_id>.jsonl")
    reason: Literal["unresolved", "low_margin"] | None = Field(description="review reason")
    pages: list[int] = Field(description="pages given by the review items")
    candidate_ids: list[str] = Field(description="best registry ids suggested by review, best first")
    best_candidate_score: float | None


TABLES: dict[str, type[_Row]] = {
    "reports": ReportRow,
    "activities": ActivityRow,
    "activity_groups": ActivityGroupRow,
    "activity_members": ActivityMemberRow,
    "activity_mentions": ActivityMentionRow,
    "activity_results": ActivityResultRow,
    "activity_challenges": ActivityChallengeRow,
    "activity_alliances": ActivityAllianceRow,
    "media_mentions": MediaMentionRow,
    "member_engagement": MemberEngagementRow,
    "bilateral_meetings": BilateralMeetingRow,
    "key_figures": KeyFigureRow,
    "plan": PlanRow,
    "challenge_taxonomy": ChallengeTaxonomyRow,
    "action_lines": ActionLineRow,
    "regions_members": RegionMemberRow,
    "board": BoardRow,
    "focal_points": FocalPointRow,
    "secretariat": SecretariatRow,
    "warnings": WarningRow,
    "section_quality": SectionQualityRow,
    "members": MemberRow,
    "alliances": AllianceRow,
    "unresolved_names": UnresolvedNameRow,
}


# --------------------------------------------------------------------------- manifest


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class ManifestSource(_Doc):
    """One source PDF: what became of it. Read from `sources/*.json` when the ingest run
    wrote them, else derived from `reports/` and `quarantine/`."""

    file_name: str
    sha256: str | None
    report_id: str | None
    parser_version: str | None
    extracted_at: str | None = Field(description="ISO 8601 time the source was processed")
    status: str = Field(description="extracted | quarantined | … (as the ingest run recorded it)")
    code: str | None = Field(description="quarantine code when the file was not extracted")
    counts: dict[str, int] = Field(description="items extracted, by kind")


class ManifestTable(_Doc):
    rows: int
    bytes: int
    sha256: str
    rejected: int = Field(description="rows left out because they broke the table's declaration (each one is a warnings row, code row_rejected)")


class SkippedFile(_Doc):
    """An input file left out of the datasets, and why."""

    path: str = Field(description="relative to the output folder")
    reason: str


class Manifest(_Doc):
    """Everything the datasets were built from. The only output file holding timestamps."""

    schema_version: str = Field(SCHEMA_VERSION, pattern=_SEMVER)
    generated_at: str = Field(description="ISO 8601 UTC time of the rebuild")
    reports: int
    tables: dict[str, ManifestTable]
    sources: list[ManifestSource]
    skipped: list[SkippedFile]
    inputs_stamp: str | None = Field(None, description="change stamp of the input files the datasets were built from (see `inputs_stamp`): a run rebuilds when the folder's stamp differs")


@dataclass(frozen=True)
class DatasetSummary:
    """What a rebuild did."""

    output_dir: Path
    reports: int
    tables: dict[str, int]  # table → rows
    sources: int
    skipped: list[SkippedFile] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)  # table → rows left out (row guard)


# --------------------------------------------------------------------------- schemas


def _json_schema(model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict:
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema(mode=mode)}


def schema_documents() -> dict[str, dict]:
    """Every JSON Schema file name → its document, generated from the pydantic models."""
    docs = {
        "report.schema.json": _json_schema(Report, "validation"),
        "quarantine_record.schema.json": _json_schema(QuarantineRecord, "validation"),
        "review_item.schema.json": _json_schema(ReviewItem, "validation"),
        "manifest.schema.json": _json_schema(Manifest, "serialization"),
    }
    for table, model in TABLES.items():
        docs[f"{table}.schema.json"] = _json_schema(model, "serialization")
    return docs


def write_schema_files(directory: Path) -> list[Path]:
    """Write `schema_documents()` into `directory` (atomically each) and drop stale ones."""
    directory = Path(directory)
    docs = schema_documents()
    paths = []
    for name, doc in docs.items():
        path = directory / name
        data = dumps_json(doc)
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        paths.append(path)
    for stale in directory.glob("*.schema.json"):
        if stale.name not in docs:
            stale.unlink()
    return paths


# --------------------------------------------------------------------------- data package

_FL_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
             "array": "array", "object": "object"}  # fmt: skip


def _fl_field(name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
    """A Frictionless field descriptor from one JSON Schema property."""
    p = prop
    nullable = False
    if "anyOf" in p:
        variants = [v for v in p["anyOf"] if v.get("type") != "null"]
        nullable = len(variants) < len(p["anyOf"])
        if len(variants) != 1:
            raise TypeError(f"field {name!r}: cannot map {prop} to one Frictionless type")
        p = variants[0]
    ftype = _FL_TYPES[p["type"]]
    if ftype == "string" and p.get("format") == "date":
        ftype = "date"
    out: dict[str, Any] = {"name": name, "type": ftype}
    if prop.get("description"):
        out["description"] = prop["description"]
    constraints: dict[str, Any] = {}
    if required and not nullable:
        constraints["required"] = True
    if "enum" in p:
        constraints["enum"] = list(p["enum"])
    if constraints:
        out["constraints"] = constraints
    return out


def _fl_schema(model: type[_Row]) -> dict[str, Any]:
    js = model.model_json_schema(mode="serialization")
    required = set(js.get("required", ()))
    schema: dict[str, Any] = {
        "fields": [_fl_field(n, p, n in required) for n, p in js["properties"].items()],
        "primaryKey": list(model.primary_key),
    }
    if model.foreign_keys:
        schema["foreignKeys"] = [{"fields": list(f), "reference": {"resource": t, "fields": list(rf)}} for f, t, rf in model.foreign_keys]
    return schema


def datapackage_descriptor(tables: dict[str, ManifestTable]) -> dict[str, Any]:
    """The Frictionless Data Package for tables written under `datasets/`.

    A table with rows is a `jsonl` resource (`path`, `bytes`, `hash`). Frictionless 5
    cannot read a zero-byte JSON Lines file (it needs a first row), so an empty table is
    described with inline data holding only its header row; its `datasets/<table>.jsonl`
    still exists (empty) for other readers.
    """
    resources = []
    for table, model in TABLES.items():
        info = tables[table]
        schema = _fl_schema(model)
        res: dict[str, Any] = {
            "name": table,
            "profile": "tabular-data-resource",
            "description": (model.__doc__ or "").strip(),
        }
        if info.rows:
            res.update(
                path=f"{DATASETS_DIR}/{table}.jsonl",
                format="jsonl",
                mediatype="application/jsonl",
                encoding="utf-8",
                bytes=info.bytes,
                hash=f"sha256:{info.sha256}",
            )
        else:
            res["data"] = [[f["name"] for f in schema["fields"]]]
        res["schema"] = schema
        resources.append(res)
    return {
        "profile": "tabular-data-package",
        "name": "metroextract",
        "title": "Metropolis progress reports",
        "description": ("Activities, members, alliances and report sections extracted from Metropolis progress-report PDFs by metroextract. Full documents: reports/<report_id>.json."),
        "version": SCHEMA_VERSION,
        "resources": resources,
    }


# --------------------------------------------------------------------------- row guard

ROW_REJECTED = WarningCode.ROW_REJECTED.value  # warnings code of a row the datasets left out

# Column headers of the person tables (board, focal points, secretariat) in the report
# languages, accent- and case-folded: a cell holding one of them is a table's header row
# read as data.
_HEADER_WORDS = frozenset({
    "role", "roles", "rol", "function", "fonction", "funcion",
    "name", "names", "full name", "nom", "noms", "nom et prenom", "prenom", "nombre",
    "nombres", "nombre y apellido", "nombre y apellidos", "apellido", "apellidos",
    "position", "poste", "cargo", "puesto", "title", "titre", "titulo", "office",
    "place", "lieu", "lugar", "city", "ville", "ciudad", "location",
})  # fmt: skip
# Words that do not count towards a name's length: particles and honorifics.
_NAME_MINOR_WORDS = frozenset({
    "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "las",
    "le", "les", "los", "el", "al", "van", "von", "ter", "y", "e", "i", "bin", "ben", "ibn",
    "mr", "mrs", "ms", "dr", "prof", "m", "mme", "mlle", "sr", "sra", "dra", "he", "se",
})  # fmt: skip
_MAX_NAME_WORDS = 5  # longest single name in the fixtures: 4 ("Octavi de la Varga" counts 2)
_NAME_SEPARATOR = re.compile(r"[\n\t|;•·]|\s/\s|\s&\s|\s(?:and|et)\s", re.I)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")


def _word_key(text: str) -> str:
    """`text.plain`, spaces collapsed, a trailing colon dropped; other punctuation kept
    (`text.fold` would make it spaces: "Full-name" would read as the header "full name")."""
    return " ".join(plain(text).split()).rstrip(" :：")


def _show(value: str, limit: int = 120) -> str:
    """A value quoted for a warning, cut short when long."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _person_problem(field_name: str, value: str) -> str | None:
    """Why `value` is not one person's name, or None."""
    words = _WORD.findall(value)
    if words and _word_key(words[0]) in _HEADER_WORDS and len(words) > 1:
        return f"{field_name} {_show(value)} starts with the column header {words[0]!r}"
    if _NAME_SEPARATOR.search(value) or value.count(",") > 1:
        return f"{field_name} {_show(value)} holds several names"
    counted = [w for w in words if _word_key(w).replace(".", "") not in _NAME_MINOR_WORDS]
    if len(counted) > _MAX_NAME_WORDS:
        return f"{field_name} {_show(value)} holds several names ({len(counted)} words)"
    return None


@functools.cache
def _declared(model: type[_Row]) -> dict[str, dict[str, Any]]:
    """Field name → its Frictionless field descriptor, exactly as `datapackage.json` has it."""
    return {f["name"]: f for f in _fl_schema(model)["fields"]}


def check_row(table: str, values: dict[str, Any]) -> tuple[_Row | None, str | None]:
    """The row `values` make in `table` if it keeps the table's declaration, else why not.

    Returns `(row, None)` or `(None, reason)`. The one place every table row goes through,
    so no table can violate `datapackage.json`:

    - an empty or blank string is a missing value (Frictionless reads "" as null): it is
      written as null where the field is nullable, and rejects the row where the field is
      required (`constraints.required`);
    - a value in `header_fields` that is a column header ("Role", "Nom", "Cargo"…) rejects
      the row: it is a table's header row read as data;
    - a value in `person_fields` must be one person's name: not a header word run into
      names ("Name David Makhura …"), not several names joined by separators or more than
      five name words;
    - then the row model checks types, enums and patterns, and numbers must be finite.

    >>> check_row("board", {"report_id": "r-1", "region_seq": 1, "region": "Africa",
    ...                     "seq": 2, "role": " ", "name": "David Makhura", "position": ""})[0].role is None
    True
    >>> check_row("board", {"report_id": "r-1", "region_seq": 1, "region": "Africa",
    ...                     "seq": 1, "role": "", "name": "Role", "position": None})[1]
    "name 'Role' is a column header, not a value"
    """
    model = TABLES[table]
    declared = _declared(model)
    values = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and not value.strip():
            values[name] = None
    for name, value in values.items():
        if value is None and declared.get(name, {}).get("constraints", {}).get("required"):
            return None, f"{name} is empty"
    for name in model.header_fields:
        value = values.get(name)
        if isinstance(value, str) and _word_key(value) in _HEADER_WORDS:
            return None, f"{name} {_show(value)} is a column header, not a value"
    for name in model.person_fields:
        value = values.get(name)
        if isinstance(value, str) and (problem := _person_problem(name, value)):
            return None, problem
    try:
        row = model(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or table
        return None, f"{where}: {err['msg']}"
    for name, value in row.model_dump(mode="json").items():
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"{name} is not a finite number ({value})"
    return row, None


@dataclass(frozen=True)
class RejectedRow:
    """A row `check_row` left out, and where it came from."""

    table: str
    report_id: str | None
    page: int | None
    where: str  # e.g. "region 2 (Africa), seq 3"
    reason: str

    def message(self) -> str:
        return f"{self.table} row left out ({self.where}): {self.reason}"


# --------------------------------------------------------------------------- rows


def _ref_cols(ref: MemberRef | AllianceRef) -> dict[str, Any]:
    entity_id = ref.member_id if isinstance(ref, MemberRef) else ref.alliance_id
    key = "member_id" if isinstance(ref, MemberRef) else "alliance_id"
    return {
        "name": ref.name,
        key: entity_id,
        "canonical_name": ref.canonical_name,
        "method": ref.method,
        "score": ref.score,
    }


def _result_parts(code: str) -> tuple[str | None, str | None]:
    m = _RESULT_CODE.match(code)
    if not m:
        return None, None
    line = m.group(1)
    return line, (line + m.group(2)) if m.group(2) else None


class _Tables:
    """Rows of every table, filled report by report; every row goes through `check_row`."""

    def __init__(self) -> None:
        self.rows: dict[str, list[_Row]] = {t: [] for t in TABLES}
        # (kind, id) -> table -> count ; (kind, id) -> report ids
        self.counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.reports_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        # (report_id, kind, name) -> [occurrences, tables, resolved ids, any unresolved]
        self.names: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.rejected: list[RejectedRow] = []
        self.report_warnings: dict[str, list[Any]] = {}  # report id -> Report.warnings
        self.linking = Linking()  # publications, copies, activity groups (`publications.py`)

    def _add(self, table: str, *, at_page: int | None = None, **values: Any) -> bool:
        """Add the row if `check_row` keeps it; else record why (a warnings row later).
        `at_page`: the page the row was printed on, when known, for the warning."""
        row, reason = check_row(table, values)
        if row is None:
            rejected = RejectedRow(table=table, report_id=values.get("report_id"), page=at_page,
                                   where=_where(values), reason=reason or "")  # fmt: skip
            log.info("datasets: %s", rejected.message())
            self.rejected.append(rejected)
            return False
        self.rows[table].append(row)
        return True

    def _ref(self, report_id: str, table: str, ref: MemberRef | AllianceRef) -> None:
        kind = "member" if isinstance(ref, MemberRef) else "alliance"
        entity_id = ref.member_id if isinstance(ref, MemberRef) else ref.alliance_id
        if entity_id is not None:
            self.counts[(kind, entity_id)][table] += 1
            self.reports_of[(kind, entity_id)].add(report_id)
        info = self.names.setdefault(
            (report_id, kind, ref.name),
            {"occurrences": 0, "tables": set(), "ids": set(), "unresolved": False},
        )
        info["occurrences"] += 1
        info["tables"].add(table)
        if entity_id is None:
            info["unresolved"] = True
        else:
            info["ids"].add(entity_id)

    def add_report(self, report: Report) -> None:
        """Every row of one report, table family by table family. The order is part of the
        output: rows keep it within a table, rejected rows and name counts across tables."""
        if not self._add_report_row(report):  # every other row would reference a missing report
            return
        self.report_warnings[report.id] = list(report.warnings)
        self._add_activities(report)
        self._add_report_lists(report)
        self._add_reference_lists(report)
        self._add_regions(report)
        for i, s in enumerate(report.secretariat, 1):
            self._add("secretariat", report_id=report.id, seq=i, name=s.name, position=s.position)
        for name, q in (report.quality.sections if report.quality else {}).items():
            self._add("section_quality", report_id=report.id, section=name, verdict=q.verdict, reason_codes=[r.code for r in q.reasons])

    def _add_report_row(self, report: Report) -> bool:
        note = report.secretary_general_note
        contact = report.contact
        quality = getattr(report, "quality", None)
        return self._add(
            "reports",
            report_id=report.id,
            publication_id=self.linking.publication_of.get(report.id),
            duplicate_of=self.linking.duplicate_of.get(report.id),
            language=report.language,
            kind=report.kind,
            title=report.title,
            period_text=report.period.text,
            period_start=report.period.start,
            period_end=report.period.end,
            source_file_name=report.source.file_name,
            source_sha256=report.source.sha256,
            source_pages=report.source.pages,
            parser_version=report.parser_version,
            document_schema_version=report.schema_version,
            key_figures_period=report.key_figures_period,
            secretary_general=note.signatory if note else None,
            contact_email=contact.email if contact else None,
            contact_website=contact.website if contact else None,
            activity_count=len(report.activities),
            warning_count=len(report.warnings),  # final count set by `finish`
            quality_verdict=quality.verdict if quality else None,
            quality_reasons="; ".join(quality.reasons) if quality and quality.reasons else None,
        )

    def _add_activities(self, report: Report) -> None:
        """`activities` and, under each activity kept, its members, mentions, results,
        challenges and alliances."""
        line_labels = {a.code: a.label for a in report.action_lines}
        plan_labels = {p.code: p.label for p in report.plan}
        for i, a in enumerate(report.activities, 1):
            page = a.provenance.pages[0] if a.provenance.pages else None
            if self._add_activity_row(report, a, i, page, line_labels):
                self._add_activity_children(report.id, a, page, plan_labels)
            else:
                self._reject_activity_children(report.id, a, page)

    def _add_activity_row(self, report: Report, a: Activity, seq: int, page: int | None, line_labels: dict[str, str]) -> bool:
        return self._add(
            "activities",
            at_page=page,
            activity_id=a.id,
            report_id=report.id,
            activity_group_id=self.linking.group_of.get(a.id),
            seq=seq,
            action_line=a.action_line,
            action_line_label=line_labels.get(a.action_line) if a.action_line else None,
            series=a.series,
            title=a.title,
            date_text=a.date_text,
            date_start=a.date_start,
            date_end=a.date_end,
            dates=a.dates,
            description=a.description,
            figure_text=a.figure_text,
            report_kind=report.kind,
            section_text=a.section.text if a.section else None,
            section_start=a.section.start if a.section else None,
            section_end=a.section.end if a.section else None,
            number=a.number,
            links=a.links,
            pages=a.provenance.pages,
        )

    def _reject_activity_children(self, rid: str, a: Activity, page: int | None) -> None:
        """The rows an activity left out would have had: each becomes a warning, not a silent gap."""
        children = {
            "activity_members": a.members,
            "activity_mentions": a.mentioned_members,
            "activity_results": a.results,
            "activity_challenges": a.challenges,
            "activity_alliances": a.alliances,
        }
        for table, items in children.items():
            for j, _ in enumerate(items, 1):
                self.rejected.append(RejectedRow(
                    table=table, report_id=rid, page=page,
                    where=f"activity {a.id}, seq {j}", reason="its activity was left out",
                ))  # fmt: skip

    def _add_activity_children(self, rid: str, a: Activity, page: int | None, plan_labels: dict[str, str]) -> None:
        where = {"at_page": page, "report_id": rid, "activity_id": a.id}
        for j, m in enumerate(a.members, 1):
            if self._add("activity_members", **where, seq=j, **_ref_cols(m)):
                self._ref(rid, "activity_members", m)
        for j, m in enumerate(a.mentioned_members, 1):
            if self._add("activity_mentions", **where, seq=j, **_ref_cols(m)):
                self._ref(rid, "activity_mentions", m)
        for j, code in enumerate(a.results, 1):
            line, axis = _result_parts(code)
            self._add("activity_results", **where, seq=j, code=code, line=line, axis=axis,
                      label=plan_labels.get(code))  # fmt: skip
        for j, c in enumerate(a.challenges, 1):
            self._add("activity_challenges", **where, seq=j, code=c.code, label=c.label)
        for j, x in enumerate(a.alliances, 1):
            if self._add("activity_alliances", **where, seq=j, **_ref_cols(x)):
                self._ref(rid, "activity_alliances", x)

    def _add_report_lists(self, report: Report) -> None:
        """The report's own lists: media mentions, member engagement, bilateral meetings, key figures."""
        rid = report.id
        for i, mm in enumerate(report.media_mentions, 1):
            self._add("media_mentions", report_id=rid, seq=i, month=mm.month, outlet=mm.outlet,
                      title=mm.title)  # fmt: skip
        for i, m in enumerate(report.member_engagement, 1):
            if self._add("member_engagement", report_id=rid, seq=i, **_ref_cols(m)):
                self._ref(rid, "member_engagement", m)
        for i, b in enumerate(report.bilateral_meetings, 1):
            if self._add(
                "bilateral_meetings",
                report_id=rid,
                seq=i,
                month=b.month,
                format=b.format,
                member_names=[m.name for m in b.members],
                member_ids=[m.member_id for m in b.members],
                alliance_names=[x.name for x in b.alliances],
                alliance_ids=[x.alliance_id for x in b.alliances],
            ):
                for ref in (*b.members, *b.alliances):
                    self._ref(rid, "bilateral_meetings", ref)
        for i, k in enumerate(report.key_figures, 1):
            self._add("key_figures", report_id=rid, seq=i, period=report.key_figures_period,
                      text=k.text, value=k.value, label=k.label)  # fmt: skip

    def _add_reference_lists(self, report: Report) -> None:
        """The code lists the report prints: plan, challenge taxonomy, action lines."""
        rid = report.id
        for i, p in enumerate(report.plan, 1):
            self._add("plan", report_id=rid, seq=i, code=p.code, level=p.level, parent=p.parent,
                      label=p.label)  # fmt: skip
        for i, c in enumerate(report.challenge_taxonomy, 1):
            self._add("challenge_taxonomy", report_id=rid, seq=i, code=c.code, label=c.label)
        for i, al in enumerate(report.action_lines, 1):
            self._add("action_lines", report_id=rid, seq=i, code=al.code, label=al.label)

    def _add_regions(self, report: Report) -> None:
        """Per region: its members (honorary ones flagged), board and focal points."""
        rid = report.id
        for r, g in enumerate(report.regions, 1):
            region = {"report_id": rid, "region_seq": r, "region": g.name}
            listed = [(m, False) for m in g.members] + [(m, True) for m in g.honorary_members]
            for j, (m, honorary) in enumerate(listed, 1):
                if self._add("regions_members", **region, seq=j, honorary=honorary, **_ref_cols(m)):
                    self._ref(rid, "regions_members", m)
            for j, bm in enumerate(g.board, 1):
                self._add("board", **region, seq=j, role=bm.role, name=bm.name,
                          position=bm.position)  # fmt: skip
            for j, fp in enumerate(g.focal_points, 1):
                self._add("focal_points", **region, seq=j, role=fp.role, name=fp.name,
                          place=fp.place)  # fmt: skip

    def add_groups(self) -> None:
        """`activity_groups` rows: one per distinct activity (after every report)."""
        for values in self.linking.group_rows():
            self._add("activity_groups", **values)

    def add_registry(self, registry: Any) -> None:
        """`members` and `alliances` rows: every registry entity, plus ids the reports use
        that the registry lacks (so foreign keys always hold)."""
        count_tables = {
            "member": ("activity_members", "activity_mentions", "member_engagement",
                       "bilateral_meetings", "regions_members"),
            "alliance": ("activity_alliances", "bilateral_meetings"),
        }  # fmt: skip
        for kind, table in (("member", "members"), ("alliance", "alliances")):
            entities = {e.id: e for e in _entities(registry, kind)}
            used = {eid for k, eid in self.counts if k == kind}
            for eid in sorted(entities.keys() | used):
                e = entities.get(eid)
                c = self.counts.get((kind, eid), Counter())
                values = [c[t] for t in count_tables[kind]]
                names = getattr(e, "names", None)
                row: dict[str, Any] = {
                    f"{kind}_id": eid,
                    "name_en": getattr(names, "en", None),
                    "name_fr": getattr(names, "fr", None),
                    "name_es": getattr(names, "es", None),
                    "aliases": list(getattr(e, "aliases", ()) or ()),
                    "in_registry": e is not None,
                    "reports": len(self.reports_of.get((kind, eid), ())),
                    "mentions": sum(values),
                }
                if kind == "member":
                    row |= {
                        "region": getattr(e, "region", None),
                        "honorary": bool(getattr(e, "honorary", False)),
                        **dict(zip(("activities", "activity_mentions", "member_engagement",
                                    "bilateral_meetings", "regions_members"), values)),
                    }  # fmt: skip
                else:
                    row |= dict(zip(("activities", "bilateral_meetings"), values))
                self._add(table, **row)

    def add_unresolved(self, review: Iterable[ReviewItem]) -> None:
        by_key: dict[tuple[str, str, str], list[ReviewItem]] = defaultdict(list)
        for item in review:
            by_key[(item.report_id, item.kind, item.name)].append(item)
        keys = {k for k, info in self.names.items() if info["unresolved"]} | by_key.keys()
        for key in sorted(keys):
            report_id, kind, name = key
            info = self.names.get(key, {"occurrences": 0, "tables": set(), "ids": set()})
            items = by_key.get(key, [])
            reason = None
            if items:
                reason = "unresolved" if any(i.reason == "unresolved" for i in items) else "low_margin"
            cands = items[0].candidates if items else []
            self._add(
                "unresolved_names",
                report_id=report_id,
                kind=kind,
                name=name,
                occurrences=info["occurrences"],
                tables=sorted(info["tables"]),
                resolved_id=min(info["ids"]) if info["ids"] else None,
                in_review=bool(items),
                reason=reason,
                pages=sorted({i.page for i in items if i.page is not None}),
                candidate_ids=[c.id for c in cands],
                best_candidate_score=cands[0].score if cands else None,
            )

    def _enforce_foreign_keys(self) -> None:
        """Leave out rows whose foreign key finds no row (never expected: a safety net so
        the package's foreign keys always hold), until every key holds."""
        changed = True
        while changed:
            changed = False
            for table, model in TABLES.items():
                for fields, ref_table, ref_fields in model.foreign_keys:
                    keys = {tuple(getattr(r, f) for f in ref_fields) for r in self.rows[ref_table]}
                    kept = []
                    for row in self.rows[table]:
                        key = tuple(getattr(row, f) for f in fields)
                        if None in key or key in keys:
                            kept.append(row)
                            continue
                        values = row.model_dump()
                        self.rejected.append(RejectedRow(
                            table=table, report_id=values.get("report_id"), page=None,
                            where=_where(values),
                            reason=f"{', '.join(fields)} {key!r} not found in {ref_table}",
                        ))  # fmt: skip
                        changed = True
                    self.rows[table] = kept

    def _add_warnings(self) -> None:
        """`warnings` rows of every report: its own warnings, then one per row left out
        (code row_rejected); `reports.warning_count` counts them."""
        left_out: dict[str, list[RejectedRow]] = defaultdict(list)
        for rejected in self.rejected:
            if rejected.report_id in self.report_warnings:
                left_out[rejected.report_id].append(rejected)
        count: Counter[str] = Counter()
        for rid, warnings in self.report_warnings.items():
            items = [(w.page, w.code, w.message) for w in warnings]
            items += [(x.page, ROW_REJECTED, x.message()) for x in left_out[rid]]
            for seq, (page, code, message) in enumerate(items, 1):
                if self._add("warnings", report_id=rid, seq=seq, page=page, code=code,
                             message=message):  # fmt: skip
                    count[rid] += 1
        self.rows["reports"] = [r.model_copy(update={"warning_count": count[r.report_id]})
                                for r in self.rows["reports"]]  # fmt: skip

    def finish(self) -> dict[str, list[_Row]]:
        """Every table's rows, sorted by primary key, after the foreign-key check and the
        warnings rows (call once, after every report, the registry and the review)."""
        self._enforce_foreign_keys()
        self._add_warnings()
        return self.sorted_rows()

    def rejected_counts(self) -> dict[str, int]:
        counts = Counter(r.table for r in self.rejected)
        return {t: counts[t] for t in TABLES}

    def sorted_rows(self) -> dict[str, list[_Row]]:
        out = {}
        for table, rows in self.rows.items():
            rows = sorted(rows, key=lambda r: r.sort_key())
            for a, b in zip(rows, rows[1:]):
                if a.sort_key() == b.sort_key():
                    raise ValueError(f"{table}: duplicate primary key {a.sort_key()!r}")
            out[table] = rows
        return out


def _where(values: dict[str, Any]) -> str:
    """Where a row was printed, for a warning: region, activity, position."""
    parts = []
    if values.get("region_seq") is not None:
        parts.append(f"region {values['region_seq']} ({values.get('region')})")
    if values.get("activity_id"):
        parts.append(f"activity {values['activity_id']}")
    if values.get("seq") is not None:
        parts.append(f"seq {values['seq']}")
    for key in ("member_id", "alliance_id", "name"):
        if not parts and values.get(key):
            parts.append(f"{key} {values[key]}")
    return ", ".join(parts) or f"report {values.get('report_id')}"


def _entities(registry: Any, kind: str) -> Iterable[Any]:
    """Members or alliances of a registry (`registry.Registry`, or anything with
    `.members` / `.alliances` iterables of objects with `id`, `names`, `region`)."""
    if registry is None:
        return ()
    if hasattr(registry, "entities"):
        return registry.entities(kind)
    return getattr(registry, "members" if kind == "member" else "alliances", ())


def row_line(row: _Row) -> bytes:
    """One table row as its JSON Lines line (compact, field order of the model)."""
    text = json.dumps(row.model_dump(mode="json"), ensure_ascii=False, sort_keys=False,
                      separators=(",", ":"))  # fmt: skip
    return (text + "\n").encode("utf-8")


# --------------------------------------------------------------------------- reading inputs


@dataclass
class _Inputs:
    reports: list[tuple[Path, Report]]
    review: list[ReviewItem]
    skipped: list[SkippedFile]


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _read_inputs(output_dir: Path) -> _Inputs:
    skipped: list[SkippedFile] = []

    def skip(path: Path, reason: str) -> None:
        rel = path.relative_to(output_dir).as_posix()
        log.warning("datasets: skipping %s: %s", rel, reason)
        skipped.append(SkippedFile(path=rel, reason=reason))

    reports: list[tuple[Path, Report]] = []
    seen: set[str] = set()
    for path in sorted((output_dir / "reports").glob("*.json")):
        try:
            report = Report.model_validate_json(path.read_bytes())
        except (ValidationError, ValueError) as exc:
            skip(path, f"not a valid report: {_first_line(exc)}")
            continue
        if _major(report.schema_version) != _major(SCHEMA_VERSION):
            skip(path, f"schema_version {report.schema_version} is not compatible with "
                       f"{SCHEMA_VERSION}: extract it again")  # fmt: skip
            continue
        if report.id in seen:
            skip(path, f"another file already holds report {report.id}")
            continue
        seen.add(report.id)
        reports.append((path, report))

    review: list[ReviewItem] = []
    for path in sorted((output_dir / "review").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = ReviewItem.model_validate_json(line)
            except (ValidationError, ValueError) as exc:
                skip(path, f"line {n}: not a valid review item: {_first_line(exc)}")
                continue
            if item.report_id in seen:  # review of a report no longer present is stale
                review.append(item)
    return _Inputs(reports=reports, review=review, skipped=skipped)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def _report_counts(report: Report, review_items: int) -> dict[str, int]:
    return {
        "activities": len(report.activities),
        "media_mentions": len(report.media_mentions),
        "member_engagement": len(report.member_engagement),
        "bilateral_meetings": len(report.bilateral_meetings),
        "warnings": len(report.warnings),
        "review_items": review_items,
    }


def _iso_mtime(path: Path) -> str:
    ts = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return ts.isoformat(timespec="seconds")


def _manifest_sources(output_dir: Path, inputs: _Inputs) -> list[ManifestSource]:
    """Records of `sources/*.json` if the ingest run wrote them; reports and quarantine
    records not covered by one are added from `reports/` and `quarantine/`."""
    known = set(ManifestSource.model_fields)
    sources: list[ManifestSource] = []
    for path in sorted((output_dir / "sources").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data = {k: v for k, v in data.items() if k in known}
            data.setdefault("counts", {})
            for key in ("sha256", "report_id", "parser_version", "extracted_at", "code"):
                data.setdefault(key, None)
            sources.append(ManifestSource.model_validate(data))
        except (ValueError, ValidationError, AttributeError) as exc:
            inputs.skipped.append(SkippedFile(path=path.relative_to(output_dir).as_posix(),
                                              reason=f"not a source record: {_first_line(exc)}"))  # fmt: skip
    covered_reports = {s.report_id for s in sources if s.report_id}
    covered_sha = {s.sha256 for s in sources if s.sha256}
    review_count = Counter(i.report_id for i in inputs.review)
    for path, report in inputs.reports:
        if report.id in covered_reports or report.source.sha256 in covered_sha:
            continue
        sources.append(
            ManifestSource(
                file_name=report.source.file_name,
                sha256=report.source.sha256,
                report_id=report.id,
                parser_version=report.parser_version,
                extracted_at=_iso_mtime(path),
                status="extracted",
                code=None,
                counts=_report_counts(report, review_count[report.id]),
            )
        )
        covered_sha.add(report.source.sha256)
    for path in sorted((output_dir / "quarantine").glob("*.error.json")):
        try:
            rec = QuarantineRecord.model_validate_json(path.read_bytes())
        except (ValidationError, ValueError):
            continue
        if rec.sha256 and rec.sha256 in covered_sha:
            continue
        if any(s.file_name == rec.file_name and s.status != "extracted" for s in sources):
            continue
        sources.append(
            ManifestSource(
                file_name=rec.file_name,
                sha256=rec.sha256,
                report_id=None,
                parser_version=None,
                extracted_at=_iso_mtime(path),
                status="quarantined",
                code=rec.code,
                counts={},
            )
        )
    return sorted(sources, key=lambda s: (s.file_name, s.sha256 or "", s.report_id or ""))


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def _rebuild_lock(output_dir: Path) -> Iterator[None]:
    """One rebuild at a time per output folder (a second one waits)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(output_dir / ".datasets.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(new_dir: Path, target: Path) -> None:
    """Make `new_dir` the folder at `target`; readers never see a half-written folder."""
    if not target.exists():
        os.rename(new_dir, target)
    elif _exchange(new_dir, target):
        shutil.rmtree(new_dir)  # now holds the old tables
    else:  # fallback: a short window where `target` is missing, never a mix of files
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
        os.rename(new_dir, target)
        shutil.rmtree(old)
    _fsync_dir(target.parent)


def _write_tables(output_dir: Path, rows: dict[str, list[_Row]], rejected: dict[str, int]) -> dict[str, ManifestTable]:
    tmp = Path(tempfile.mkdtemp(prefix=f".{DATASETS_DIR}.tmp-", dir=output_dir))
    try:
        info: dict[str, ManifestTable] = {}
        for table in TABLES:
            data = b"".join(row_line(r) for r in rows[table])
            with open(tmp / f"{table}.jsonl", "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            info[table] = ManifestTable(
                rows=len(rows[table]),
                bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                rejected=rejected.get(table, 0),
            )
        os.chmod(tmp, dir_mode())  # mkdtemp's folder is owner-only
        _fsync_dir(tmp)
        _swap_in(tmp, output_dir / DATASETS_DIR)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return info


def _clean_leftovers(output_dir: Path) -> None:
    """Temporary folders of a rebuild that was killed."""
    for pattern in (f".{DATASETS_DIR}.tmp-*", f".{DATASETS_DIR}.old-*"):
        for path in output_dir.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


INPUT_GLOBS = ("reports/*.json", "review/*", "sources/*.json", "quarantine/*.error.json")


def inputs_stamp(output_dir: Path) -> str:
    """A change stamp of every input of the datasets (name, size, modification time): it
    differs as soon as a report, review list or source record was written, replaced or
    removed, whichever run (finished, interrupted or killed) did it."""
    entries = []
    for pattern in INPUT_GLOBS:
        for path in sorted(Path(output_dir).glob(pattern)):
            with contextlib.suppress(OSError):
                st = path.stat()
                entries.append(f"{path.relative_to(output_dir).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}\n")
    return hashlib.sha256("".join(entries).encode("utf-8")).hexdigest()


def datasets_stale(output_dir: Path) -> bool:
    """The datasets do not match the folder's inputs (or were never built)."""
    try:
        recorded = json.loads((Path(output_dir) / MANIFEST_NAME).read_text(encoding="utf-8")).get("inputs_stamp")
    except (OSError, ValueError, AttributeError):
        return True
    return recorded != inputs_stamp(output_dir) or not (Path(output_dir) / DATASETS_DIR).is_dir()


def rebuild_datasets(output_dir: Path, registry: Any = None) -> DatasetSummary:
    """Rebuild `datasets/`, `schema/`, `datapackage.json` and `manifest.json` from
    `reports/*.json` (and `review/*.jsonl`, `sources/*.json`, `quarantine/*.error.json`).

    `registry` defaults to `registry.load_registry()`. Report files that do not validate
    (or have another major schema version) are left out and listed in the summary and
    the manifest's `skipped`; they never stop the rebuild.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    if registry is None:
        from .registry import load_registry

        registry = load_registry()
    with _rebuild_lock(output_dir):
        _clean_leftovers(output_dir)
        stamp = inputs_stamp(output_dir)  # before reading: a change made meanwhile shows next time
        inputs = _read_inputs(output_dir)
        tables = _Tables()
        tables.linking = link_output(output_dir, [r for _, r in inputs.reports])
        for _, report in inputs.reports:
            tables.add_report(report)
        tables.add_groups()
        tables.add_registry(registry)
        tables.add_unresolved(inputs.review)
        rows = tables.finish()
        rejected = tables.rejected_counts()

        info = _write_tables(output_dir, rows, rejected)
        write_schema_files(output_dir / SCHEMA_DIR)
        atomic_write_bytes(output_dir / DATAPACKAGE_NAME, dumps_json(datapackage_descriptor(info)))
        sources = _manifest_sources(output_dir, inputs)
        manifest = Manifest(
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            reports=len(inputs.reports),
            tables=info,
            sources=sources,
            skipped=inputs.skipped,
            inputs_stamp=stamp,
        )
        atomic_write_bytes(output_dir / MANIFEST_NAME, dumps_json(manifest.model_dump(mode="json")))
    return DatasetSummary(
        output_dir=output_dir,
        reports=len(inputs.reports),
        tables={t: i.rows for t, i in info.items()},
        sources=len(sources),
        skipped=list(inputs.skipped),
        rejected={t: n for t, n in rejected.items() if n},
    )


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m metroextract.datasets",
        description="Rebuild the datasets of an output folder, or write the JSON Schema files.",
    )
    parser.add_argument("output_dir", nargs="?", type=Path, help="output folder holding reports/")
    parser.add_argument("--write-schemas", type=Path, metavar="DIR",
                        help="write the JSON Schema files into DIR (e.g. schema/) and exit")  # fmt: skip
    parser.add_argument("--registry", type=Path, help="member/alliance registry YAML")
    args = parser.parse_args(argv)
    if args.write_schemas is None and args.output_dir is None:
        parser.error("give OUTPUT_DIR or --write-schemas DIR")
    if args.write_schemas is not None:
        paths = write_schema_files(args.write_schemas)
        print(f"wrote {len(paths)} schema files to {args.write_schemas}")
        if args.output_dir is None:
            return 0
    registry = None
    if args.registry is not None:
        from .registry import load_registry

        registry = load_registry(args.registry)
    summary = rebuild_datasets(args.output_dir, registry)
    for table, n in summary.tables.items():
        left_out = summary.rejected.get(table, 0)
        print(f"{table:22} {n:7} rows" + (f", {left_out} left out (see warnings)" if left_out else ""))
    print(f"{summary.reports} reports, {summary.sources} sources, {len(summary.skipped)} skipped")
    for s in summary.skipped:
        print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
