"""One publication, many files: editions and copies linked, every activity counted once.

The archive of these tests: the three editions of January–April 2021, each in another
design (French brochure, English word-processor, Spanish newsletter), a copy of the
English edition in a fourth design (digest), and the French October 2021–January 2022
report, a second publication that reuses the first one's titles, members and codes with
other dates. Every expectation comes from the fixture sources (`fixtures/source/*.yaml`,
the same activities in the same order in each language; `name_ids.yaml` for the names),
never from the extractor: an extracted activity is identified with its source activity
by its printed position, after checking that the extractor found every one.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pytest
import yaml
from typer.testing import CliRunner

from metroextract import datasets as ds
from metroextract.cli import app
from metroextract.export import write_report_outputs
from metroextract.models import Report
from metroextract.publications import (
    PENDING_FILE,
    activity_link_key,
    decide_link,
    link_reports,
    pending_links,
)
from metroextract.registry import load_registry
from tests._fixtures import FIXTURES, extracted

REPO = Path(__file__).resolve().parents[1]
EDITIONS = ["fr-2021-01-04-brochure", "en-2021-01-04-wordproc", "es-2021-01-04-newsletter"]
COPY = "en-2021-01-04-digest"  # the English edition again, in another design
OTHER = "fr-2021-10-2022-01-brochure"  # another period, the same titles and members
FILES = [*EDITIONS, COPY, OTHER]


def _source_name(fixture: str) -> str:
    return fixture.rsplit("-", 1)[0]


def _source(fixture: str) -> dict[str, Any]:
    return _source_yaml(_source_name(fixture))


@functools.cache
def _source_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / "source" / f"{name}.yaml").read_text(encoding="utf-8"))


def _key(a: dict[str, Any]) -> tuple[Any, ...]:
    """A source activity, the same in every language: action line, dates and codes."""
    return (a["action_line"], a["date_start"], a["date_end"], tuple(a["results"]), tuple(c["code"] for c in a["challenges"]))


def _period(fixture: str) -> tuple[str, str]:
    p = _source(fixture)["period"]
    return p["start"], p["end"]


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "datasets" / f"{table}.jsonl").read_text("utf-8").splitlines()]


def _build(out: Path, reports: list[Report]) -> Path:
    for r in reports:
        write_report_outputs(out, r, [])
    ds.rebuild_datasets(out, load_registry())
    return out


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """Each fixture extracted once (cached for the session), checked against its source."""
    out = {name: extracted(name) for name in FILES}
    for name, report in out.items():
        assert len(report.activities) == len(_source(name)["activities"]), name
    return out


@pytest.fixture(scope="module")
def built(reports, tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("pubs"), list(reports.values()))


@pytest.fixture(scope="module")
def where(reports) -> dict[str, tuple[str, int]]:
    """activity id → (fixture, printed position)."""
    return {a.id: (name, i) for name, r in reports.items() for i, a in enumerate(r.activities)}


def _expected_groups() -> set[frozenset[tuple[str, int]]]:
    """The distinct activities, from the sources: (period, action line, dates, codes)."""
    groups: dict[tuple[Any, ...], set[tuple[str, int]]] = {}
    for name in FILES:
        acts = _source(name)["activities"]
        keys = [_key(a) for a in acts]
        assert len(set(keys)) == len(keys), f"{name}: two source activities share a key"
        for i, k in enumerate(keys):
            groups.setdefault((_period(name), k), set()).add((name, i))
    return {frozenset(g) for g in groups.values()}


# --------------------------------------------------------------------------- the tests


def test_publication_ids_from_kind_and_period(built, reports):
    rows = {r["report_id"]: r for r in _rows(built, "reports")}
    for name, report in reports.items():
        start, end = _period(name)
        digest = hashlib.sha256(f"progress_report|{start}|{end}".encode()).hexdigest()[:16]
        assert rows[report.id]["publication_id"] == f"p-{digest}", name
    assert len({r["publication_id"] for r in rows.values()}) == 2


def test_a_copy_points_to_the_file_kept(built, reports):
    """The two English files: both text, quality ok, every value located alike, so the
    smaller report id is kept and the other is its copy; the other files are kept."""
    en = [reports["en-2021-01-04-wordproc"], reports[COPY]]
    assert all(r.quality.verdict == "ok" and r.quality.ocr_mean_confidence is None for r in en)
    kept, copy = sorted(en, key=lambda r: (-len(r.item_provenance), r.id))
    duplicate_of = {r["report_id"]: r["duplicate_of"] for r in _rows(built, "reports")}
    assert duplicate_of == {r.id: (kept.id if r.id == copy.id else None) for r in reports.values()}


def test_activity_groups_exact(built, where):
    groups = _rows(built, "activity_groups")
    got = {frozenset(where[a] for a in g["activity_ids"]) for g in groups}
    assert got == _expected_groups()
    # every activity carries its group, and each group lists exactly the activities with its id
    acts = _rows(built, "activities")
    by_group: dict[str, set[str]] = {}
    for a in acts:
        assert a["activity_group_id"] is not None, a["activity_id"]
        by_group.setdefault(a["activity_group_id"], set()).add(a["activity_id"])
    assert by_group == {g["activity_group_id"]: set(g["activity_ids"]) for g in groups}


def test_one_row_per_distinct_activity_with_its_titles(built, where):
    groups = _rows(built, "activity_groups")
    assert len(groups) == len(_expected_groups()) == 29 + 10
    assert len({g["activity_group_id"] for g in groups}) == len(groups)
    for g in groups:
        titles = {}
        for a in g["activity_ids"]:
            name, i = where[a]
            src = _source(name)
            titles[src["language"]] = src["activities"][i]["title"]
            assert g["publication_id"].startswith("p-")
        assert {lang: g[f"title_{lang}"] for lang in ("fr", "en", "es")} == {lang: titles.get(lang) for lang in ("fr", "en", "es")}
        assert g["languages"] == [lang for lang in ("fr", "en", "es") if lang in titles]


def test_other_period_reusing_titles_stays_apart(built, where):
    """The second publication prints titles of the first: its activities group alone."""
    groups = _rows(built, "activity_groups")
    other = [g for g in groups if {where[a][0] for a in g["activity_ids"]} & {OTHER}]
    assert len(other) == 10
    assert all({where[a][0] for a in g["activity_ids"]} == {OTHER} for g in other)
    first = {g["title_fr"] for g in groups if g not in other}
    assert sum(g["title_fr"] in first for g in other) >= 8  # the titles are reused


def test_package_valid_and_rebuild_byte_identical(built):
    report = frictionless.validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])[:10]
    before = {p.name: p.read_bytes() for p in (built / "datasets").iterdir()}
    ds.rebuild_datasets(built, load_registry())
    assert {p.name: p.read_bytes() for p in (built / "datasets").iterdir()} == before
    assert not (built / PENDING_FILE).exists()  # every link on the fixtures is certain


def test_any_arrival_order_gives_the_same_groups(built, reports, tmp_path):
    """Reports arriving one by one in another order, the datasets rebuilt after each
    arrival, end with the same tables; `link_reports` ignores the order of its input."""
    order = [OTHER, COPY, "es-2021-01-04-newsletter", "fr-2021-01-04-brochure", "en-2021-01-04-wordproc"]
    for name in order:
        _build(tmp_path, [reports[name]])
    for table in ("reports", "activities", "activity_groups"):
        assert (tmp_path / "datasets" / f"{table}.jsonl").read_bytes() == (built / "datasets" / f"{table}.jsonl").read_bytes()
    want = link_reports(list(reports.values()))
    for perm in itertools.islice(itertools.permutations(reports.values()), 0, 120, 17):
        got = link_reports(list(perm))
        assert (got.group_of, got.duplicate_of, got.publication_of) == (want.group_of, want.duplicate_of, want.publication_of)


def _readme_sql(marker: str) -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    m = re.search(r"```sql\n(" + re.escape(marker) + r"\n.*?)```", readme, re.S)
    assert m, f"README has no query {marker!r}"
    return m.group(1)


def test_readme_member_per_year_counts_each_activity_once(built):
    """The README's query on the archive (three editions and a copy of one publication, one
    more publication) counts what the sources hold: each distinct activity once."""
    sql = _readme_sql("-- activities per member per year").replace("'output/", f"'{built}/")
    got = {(member, year): n for member, year, n in duckdb.sql(sql).fetchall()}
    names = yaml.safe_load((FIXTURES / "source" / "name_ids.yaml").read_text("utf-8"))["members"]
    registry = load_registry()
    distinct: dict[tuple[Any, ...], set[str]] = {}
    for name in FILES:
        for a in _source(name)["activities"]:
            ids = {names[m] for m in a["members"] if names.get(m)}
            distinct.setdefault((_period(name), _key(a)), set()).update(ids)
    want: Counter[tuple[str, int]] = Counter()
    for (_, key), ids in distinct.items():
        for member_id in ids:
            want[(registry.get("member", member_id).names.en, int(key[1][:4]))] += 1
    assert got == dict(want)


def test_readme_titles_query(built):
    sql = _readme_sql("-- an activity's titles in the three languages").replace("'output/", f"'{built}/")
    rows = duckdb.sql(sql).fetchall()
    fr, en, es = (_source(n)["activities"][0]["title"] for n in EDITIONS)
    assert any(fr in r and en in r and es in r for r in rows), rows


# --------------------------------------------------------------------------- review of uncertain links


def _blurred(report: Report, seq: int) -> Report:
    """`report` as another (made-up) Spanish edition whose activity `seq` lost its members
    and alliances: the link to it is no longer certain (dates and codes still agree)."""
    rid = "r-00000000000000e5"
    acts = [a.model_copy(update={"id": a.id.replace(report.id, rid)}) for a in report.activities]
    acts[seq] = acts[seq].model_copy(update={"members": [], "alliances": []})
    return report.model_copy(update={"id": rid, "language": "es", "activities": acts, "item_provenance": []})


def test_uncertain_link_goes_to_review_and_the_decision_is_kept(reports, tmp_path):
    en = reports["en-2021-01-04-wordproc"]
    fake = _blurred(en, 3)
    out = _build(tmp_path, [en, fake])
    (link,) = pending_links(out)
    assert link["key"] == activity_link_key(en.activities[3].id, fake.activities[3].id)
    assert link["kind"] == "activity" and 0.5 <= link["score"] < 0.75
    assert {link["left"]["activity_id"], link["right"]["activity_id"]} == {en.activities[3].id, fake.activities[3].id}
    group = {a["activity_id"]: a["activity_group_id"] for a in _rows(out, "activities")}
    assert group[en.activities[3].id] != group[fake.activities[3].id]  # not linked
    assert group[en.activities[2].id] == group[fake.activities[2].id]
    assert len(_rows(out, "activity_groups")) == 13

    runner = CliRunner()
    listed = runner.invoke(app, ["review", str(out)])
    assert listed.exit_code == 0 and link["key"] in listed.output, listed.output
    accepted = runner.invoke(app, ["review", str(out), "accept-link", link["key"]])
    assert accepted.exit_code == 0, accepted.output
    for _ in range(2):  # kept across rebuilds
        ds.rebuild_datasets(out, load_registry())
        group = {a["activity_id"]: a["activity_group_id"] for a in _rows(out, "activities")}
        assert group[en.activities[3].id] == group[fake.activities[3].id]
        assert len(_rows(out, "activity_groups")) == 12
        assert pending_links(out) == []

    decide_link(out, link["key"], "reject")
    ds.rebuild_datasets(out, load_registry())
    group = {a["activity_id"]: a["activity_group_id"] for a in _rows(out, "activities")}
    assert group[en.activities[3].id] != group[fake.activities[3].id]
    assert pending_links(out) == []  # rejected: not proposed again
