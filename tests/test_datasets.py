"""Datasets: tables, schemas, data package and manifest built from the fixtures' truth.

Reports are built from `fixtures/*.truth.json` when present (else from the hand-written
`fixtures/source/*.yaml` they are written from), not by extraction: these tests check the
dataset contract, not extraction accuracy. Names are resolved with the packaged registry
(`normalize_report`), exactly as the pipeline does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
import yaml

from metroextract import datasets as ds
from metroextract.assemble import activity_id
from metroextract.export import dumps_json, write_report_outputs
from metroextract.models import (
    SCHEMA_VERSION,
    ActionLine,
    Activity,
    AllianceRef,
    BilateralMeeting,
    BoardMember,
    Challenge,
    Contact,
    FocalPoint,
    KeyFigure,
    MediaMention,
    MemberRef,
    Period,
    PlanItem,
    Provenance,
    QuarantineRecord,
    Region,
    Report,
    ReviewItem,
    SecretaryGeneralNote,
    Source,
    StaffMember,
    TocEntry,
)
from metroextract.normalize import normalize_report
from metroextract.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
COMMITTED_SCHEMA = REPO / "schema"

# --------------------------------------------------------------------------- truth → Report


def _truth_files() -> list[tuple[str, dict[str, Any]]]:
    """(name, truth) per fixture source: one truth file per source (its layouts carry the
    same content), else the source YAML itself."""
    by_source: dict[str, tuple[str, dict[str, Any]]] = {}
    for p in sorted(FIXTURES.glob("*.truth.json")):
        name = p.name[: -len(".truth.json")]
        t = json.loads(p.read_text("utf-8"))
        layout = t.get("layout")
        source = name[: -len(layout) - 1] if layout and name.endswith(f"-{layout}") else name
        if source not in by_source or (by_source[source][1].get("scanned") and not t.get("scanned")):
            by_source[source] = (name, t)
    if by_source:
        return [by_source[s] for s in sorted(by_source)]
    return [(p.stem, yaml.safe_load(p.read_text("utf-8"))) for p in sorted((FIXTURES / "source").glob("*.yaml"))]


def _name(x: Any) -> str:
    return x["name"] if isinstance(x, dict) else x


def _text(x: Any) -> str:
    return "\n\n".join(x) if isinstance(x, list) else (x or "")


def truth_to_report(name: str, t: dict[str, Any]) -> Report:
    sha = hashlib.sha256(name.encode()).hexdigest()
    rid = f"r-{sha[:16]}"
    note = t.get("secretary_general_note")
    acts = []
    for i, a in enumerate(t.get("activities") or []):
        figure = [*(a.get("image_text") or []), *([a["caption"]] if a.get("caption") else [])]
        acts.append(
            Activity(
                id=activity_id(rid, i, a["date_text"], a["title"]),
                action_line=a.get("action_line"),
                date_text=a["date_text"],
                date_start=a.get("date_start"),
                date_end=a.get("date_end"),
                dates=a.get("dates") or [],
                series=a.get("series"),
                title=a["title"],
                description=_text(a.get("description")),
                members=[MemberRef(name=_name(m)) for m in a.get("members") or []],
                results=a.get("results") or [],
                challenges=[Challenge(**c) for c in a.get("challenges") or []],
                alliances=[AllianceRef(name=_name(x)) for x in a.get("alliances") or []],
                figure_text=a.get("figure_text", figure),
                provenance=Provenance(pages=[], bbox=[]),
            )
        )
    regions = [
        Region(
            name=g["name"],
            members=[MemberRef(name=_name(m)) for m in g.get("members") or []],
            honorary_members=[MemberRef(name=_name(m)) for m in g.get("honorary_members") or []],
            focal_points=[FocalPoint(**f) for f in g.get("focal_points") or []],
            board=[BoardMember(**b) for b in g.get("board") or []],
        )
        for g in t.get("regions") or []
    ]
    return Report(
        id=rid,
        source=Source(file_name=f"{name}.pdf", sha256=sha, pages=t.get("pages", 24)),
        language=t["language"],
        title=t.get("title"),
        period=Period(**t["period"]),
        parser_version="test",
        table_of_contents=[TocEntry(**e) for e in t.get("table_of_contents") or []],
        secretary_general_note=SecretaryGeneralNote(text=_text(note.get("paragraphs", note.get("text"))), signatory=note.get("signatory"), role=note.get("role")) if note else None,
        action_lines=[ActionLine(**x) for x in t.get("action_lines") or []],
        activities=acts,
        media_mentions=[MediaMention(**m) for m in t.get("media_mentions") or []],
        member_engagement=[MemberRef(name=_name(m)) for m in t.get("member_engagement") or []],
        bilateral_meetings=[
            BilateralMeeting(
                month=b.get("month"),
                format=b.get("format"),
                members=[MemberRef(name=_name(m)) for m in b.get("members") or []],
                alliances=[AllianceRef(name=_name(x)) for x in b.get("alliances") or []],
            )
            for b in t.get("bilateral_meetings") or []
        ],
        key_figures_period=t.get("key_figures_period"),
        key_figures=[KeyFigure(**k) for k in t.get("key_figures") or []],
        challenge_taxonomy=[Challenge(**c) for c in t.get("challenge_taxonomy") or []],
        plan=[PlanItem(**p) for p in t.get("plan") or []],
        regions=regions,
        secretariat=[StaffMember(**s) for s in t.get("secretariat") or []],
        contact=Contact(**t["contact"]) if t.get("contact") else None,
    )


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def truth(registry) -> list[tuple[dict[str, Any], Report, list[ReviewItem]]]:
    out = []
    for name, t in _truth_files():
        report, review = normalize_report(truth_to_report(name, t), registry)
        out.append((t, report, review))
    assert out, "no fixtures truth or source files found"
    return out


def write_inputs(out: Path, truth) -> None:
    """What an extraction run leaves: reports/<id>.json and review/<id>.jsonl."""
    for _, report, review in truth:
        write_report_outputs(out, report, review)


@pytest.fixture(scope="session")
def built(tmp_path_factory, truth, registry) -> tuple[Path, ds.DatasetSummary]:
    out = tmp_path_factory.mktemp("output")
    write_inputs(out, truth)
    qdir = out / "quarantine"
    qdir.mkdir()
    rec = QuarantineRecord(file_name="scan.pdf", sha256="0" * 64, stage="open", code="encrypted", message="encrypted PDF")
    (qdir / "scan.pdf.error.json").write_bytes(dumps_json(rec.model_dump(mode="json")))
    summary = ds.rebuild_datasets(out, registry)
    return out, summary


def _con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _rel(out: Path, table: str) -> str:
    return f"read_json('{out / 'datasets' / (table + '.jsonl')}', format='newline_delimited')"


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    text = (out / "datasets" / f"{table}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


# The README's example (kept identical to it; the test prefers the README's own text).
README_QUERY = """\
-- activities per member per year
WITH editions AS (  -- one edition per report period: English if printed, else French, else Spanish
  SELECT report_id
  FROM read_json('output/datasets/reports.jsonl', format='newline_delimited')
  QUALIFY row_number() OVER (PARTITION BY period_start, period_end
                             ORDER BY list_position(['en', 'fr', 'es'], language)) = 1
)
SELECT m.name_en                     AS member,
       year(a.date_start::DATE)      AS year,
       count(DISTINCT a.activity_id) AS activities
FROM read_json('output/datasets/activities.jsonl', format='newline_delimited') AS a
JOIN editions USING (report_id)
JOIN read_json('output/datasets/activity_members.jsonl', format='newline_delimited') AS am USING (activity_id)
JOIN read_json('output/datasets/members.jsonl', format='newline_delimited') AS m USING (member_id)
GROUP BY ALL
ORDER BY year, activities DESC, member;
"""

# --------------------------------------------------------------------------- tests


def test_every_table_written_and_summarised(built, truth):
    out, summary = built
    assert summary.reports == len(truth)
    assert summary.skipped == []
    assert sorted(p.name for p in (out / "datasets").iterdir()) == sorted(f"{t}.jsonl" for t in ds.TABLES)
    for table in ds.TABLES:
        assert len(_rows(out, table)) == summary.tables[table]
    assert not [p for p in out.glob(".datasets.*") if p.is_dir()], "temporary folders left behind"


def test_row_counts_match_truth_in_duckdb(built, truth):
    out, _ = built
    con = _con()

    def count(table: str) -> int:
        return con.execute(f"SELECT count(*) FROM {_rel(out, table)}").fetchone()[0]

    ts = [t for t, _, _ in truth]
    acts = [a for t in ts for a in t["activities"]]
    expected = {
        "reports": len(ts),
        "activities": len(acts),
        "activity_members": sum(len(a["members"]) for a in acts),
        "activity_results": sum(len(a["results"]) for a in acts),
        "activity_challenges": sum(len(a["challenges"]) for a in acts),
        "activity_alliances": sum(len(a["alliances"]) for a in acts),
        "media_mentions": sum(len(t["media_mentions"]) for t in ts),
        "member_engagement": sum(len(t["member_engagement"]) for t in ts),
        "bilateral_meetings": sum(len(t["bilateral_meetings"]) for t in ts),
        "key_figures": sum(len(t["key_figures"]) for t in ts),
        "plan": sum(len(t["plan"]) for t in ts),
        "challenge_taxonomy": sum(len(t["challenge_taxonomy"]) for t in ts),
        "action_lines": sum(len(t["action_lines"]) for t in ts),
        "regions_members": sum(len(g["members"]) + len(g["honorary_members"]) for t in ts for g in t["regions"]),
        "board": sum(len(g["board"]) for t in ts for g in t["regions"]),
        "focal_points": sum(len(g["focal_points"]) for t in ts for g in t["regions"]),
        "secretariat": sum(len(t["secretariat"]) for t in ts),
    }
    for table, n in expected.items():
        assert count(table) == n, table
    assert count("members") >= len(load_registry().members)
    assert count("alliances") >= len(load_registry().alliances)
    assert count("unresolved_names") == len({(i.report_id, i.kind, i.name) for _, _, rv in truth for i in rv})


def test_join_activities_members_matches_truth(built, truth, registry):
    """activities ⋈ activity_members ⋈ members gives, per activity, the truth's member list
    (printed names in order), and every resolved id is a registry member."""
    out, _ = built
    con = _con()
    got = con.execute(
        f"""
        SELECT a.report_id, a.title, a.date_text, am.seq, am.name, am.member_id, m.name_en, m.in_registry
        FROM {_rel(out, "activities")} a
        JOIN {_rel(out, "activity_members")} am USING (activity_id)
        LEFT JOIN {_rel(out, "members")} m USING (member_id)
        ORDER BY a.report_id, a.seq, am.seq
        """
    ).fetchall()
    by_activity: dict[tuple[str, str, str], list[str]] = {}
    for rid, title, date_text, _seq, name, member_id, name_en, in_registry in got:
        by_activity.setdefault((rid, title, date_text), []).append(name)
        if member_id is not None:
            assert in_registry is True and name_en == registry.get("member", member_id).names.en
    expected = {(r.id, a["title"], a["date_text"]): [_name(m) for m in a["members"]] for t, r, _ in truth for a in t["activities"] if a["members"]}
    assert by_activity == expected

    # An inner join on resolved members: every resolved reference finds its member row.
    resolved = con.execute(
        f"""
        SELECT count(*) FROM {_rel(out, "activity_members")} am
        JOIN {_rel(out, "members")} m USING (member_id)
        """
    ).fetchone()[0]
    refs = [m for _, r, _ in truth for a in r.activities for m in a.members]
    assert resolved == sum(m.member_id is not None for m in refs)
    assert resolved > 0.8 * len(refs)

    # members.activities counts agree with the references.
    counts = Counter(m.member_id for m in refs if m.member_id)
    rows = {r["member_id"]: r for r in _rows(out, "members")}
    for member_id, n in counts.items():
        assert rows[member_id]["activities"] == n


def test_activities_per_member_per_year_readme_query(built):
    """The README's DuckDB example runs as printed (paths adapted)."""
    out, _ = built
    con = _con()
    readme = (REPO / "README.md").read_text("utf-8")
    marker = "-- activities per member per year"
    if marker in readme:
        sql = readme.split(marker, 1)[1].split("```", 1)[0]
        sql = sql.replace("'output/", f"'{out}/")
    else:  # README section not merged yet: the same query
        sql = README_QUERY.replace("'output/", f"'{out}/")
    rows = con.execute(sql).fetchall()
    assert rows and all(isinstance(r[-1], int) and r[-1] > 0 for r in rows)


def test_unresolved_names_cover_review_and_null_refs(tmp_path, truth, registry):
    """A name the registry lacks (review item + null id) and a low-margin review item."""
    t, report, _ = truth[0]
    first = report.activities[0]
    odd = MemberRef(name="Atlantis", method="unresolved", score=40.0)
    never = MemberRef(name="Mu")  # written without resolution (resolve_names off)
    report = report.model_copy(update={
        "activities": [first.model_copy(update={"members": [*first.members, odd]}), *report.activities[1:]],
        "member_engagement": [*report.member_engagement, odd, never],
    })  # fmt: skip
    review = [
        ReviewItem(report_id=report.id, page=5, kind="member", name="Atlantis", reason="unresolved",
                   candidates=[{"id": "atlanta", "name": "Atlanta", "score": 62.5}]),
        ReviewItem(report_id=report.id, page=None, kind="alliance", name=report.activities[0].alliances[0].name,
                   reason="low_margin", candidates=[]),
        ReviewItem(report_id="r-gone", page=None, kind="member", name="Old", reason="unresolved", candidates=[]),
    ]  # fmt: skip
    write_inputs(tmp_path, [(t, report, review)])
    ds.rebuild_datasets(tmp_path, registry)
    rows = {(r["kind"], r["name"]): r for r in _rows(tmp_path, "unresolved_names")}
    assert set(rows) == {("member", "Atlantis"), ("member", "Mu"), ("alliance", report.activities[0].alliances[0].name)}
    atl = rows[("member", "Atlantis")]
    assert (atl["occurrences"], atl["tables"], atl["in_review"], atl["reason"], atl["pages"], atl["candidate_ids"]) == (
        2,
        ["activity_members", "member_engagement"],
        True,
        "unresolved",
        [5],
        ["atlanta"],
    )
    mu = rows[("member", "Mu")]
    assert (mu["in_review"], mu["reason"], mu["resolved_id"]) == (False, None, None)
    low = rows[("alliance", report.activities[0].alliances[0].name)]
    assert low["reason"] == "low_margin" and low["resolved_id"] == report.activities[0].alliances[0].alliance_id


def test_documents_and_rows_validate_against_json_schema(built):
    out, _ = built
    schema_dir = out / "schema"
    docs = {p.name: json.loads(p.read_text("utf-8")) for p in schema_dir.glob("*.schema.json")}
    assert set(docs) == set(ds.schema_documents())

    def validator(name: str) -> jsonschema.Draft202012Validator:
        schema = docs[name]
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    v = validator("report.schema.json")
    for path in (out / "reports").glob("*.json"):
        v.validate(json.loads(path.read_text("utf-8")))
    v = validator("review_item.schema.json")
    for path in (out / "review").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            v.validate(json.loads(line))
    v = validator("quarantine_record.schema.json")
    for path in (out / "quarantine").glob("*.error.json"):
        v.validate(json.loads(path.read_text("utf-8")))
    validator("manifest.schema.json").validate(json.loads((out / "manifest.json").read_text("utf-8")))
    for table in ds.TABLES:
        v = validator(f"{table}.schema.json")
        for row in _rows(out, table):
            assert row["schema_version"] == SCHEMA_VERSION
            v.validate(row)


def test_datapackage_validates_with_frictionless(built):
    from frictionless import Package

    out, _ = built
    descriptor = json.loads((out / "datapackage.json").read_text("utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == list(ds.TABLES)
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    by_name = {t.name: t for t in report.tasks}
    for table, n in built[1].tables.items():
        if n:
            assert by_name[table].stats["rows"] == n, table


def test_datapackage_with_empty_tables_validates(tmp_path, registry):
    """No reports yet: every report table is empty and the package is still valid."""
    from frictionless import Package

    summary = ds.rebuild_datasets(tmp_path, registry)
    assert summary.reports == 0 and summary.tables["activities"] == 0
    assert summary.tables["members"] == len(registry.members)
    assert (tmp_path / "datasets" / "activities.jsonl").read_bytes() == b""
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_manifest_lists_every_source(built, truth):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    by_status = Counter(s["status"] for s in manifest["sources"])
    assert by_status == {"extracted": len(truth), "quarantined": 1}
    assert {s["report_id"] for s in manifest["sources"] if s["report_id"]} == {r.id for _, r, _ in truth}
    for s in manifest["sources"]:
        if s["status"] == "extracted":
            assert s["extracted_at"] and s["counts"]["activities"] >= 0
    assert manifest["tables"]["activities"]["rows"] == built[1].tables["activities"]


def test_manifest_prefers_ingest_source_records(tmp_path, truth, registry):
    write_inputs(tmp_path, truth[:1])
    _, report, _ = truth[0]
    (tmp_path / "sources").mkdir()
    record = {
        "file_name": "renamed.pdf", "sha256": report.source.sha256, "report_id": report.id,
        "parser_version": "9.9", "extracted_at": "2024-05-01T10:00:00+00:00", "status": "extracted",
        "code": None, "counts": {"activities": 3}, "seconds": 1.5,
    }  # fmt: skip
    (tmp_path / "sources" / f"{report.source.sha256}.json").write_text(json.dumps(record))
    ds.rebuild_datasets(tmp_path, registry)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert [(s["file_name"], s["parser_version"]) for s in manifest["sources"]] == [("renamed.pdf", "9.9")]


def test_two_rebuilds_are_byte_identical(tmp_path, truth, registry):
    a, b = tmp_path / "a", tmp_path / "b"
    write_inputs(a, reversed(truth))
    write_inputs(b, truth)
    ds.rebuild_datasets(a, registry)
    first = {p.name: p.read_bytes() for p in (a / "datasets").iterdir()}
    ds.rebuild_datasets(a, registry)  # again, over the previous datasets/
    ds.rebuild_datasets(b, registry)  # another folder, files written in another order
    for out in (a, b):
        assert {p.name: p.read_bytes() for p in (out / "datasets").iterdir()} == first
    assert (a / "datapackage.json").read_bytes() == (b / "datapackage.json").read_bytes()
    for rows in first.values():
        for line in rows.decode("utf-8").splitlines():
            assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))


def test_backfill_of_one_report_updates_tables(tmp_path, truth, registry):
    write_inputs(tmp_path, truth[:1])
    s1 = ds.rebuild_datasets(tmp_path, registry)
    old_inode = os.stat(tmp_path / "datasets").st_ino
    write_inputs(tmp_path, truth[1:2])
    s2 = ds.rebuild_datasets(tmp_path, registry)
    assert (s1.reports, s2.reports) == (1, 2)
    assert s2.tables["activities"] == s1.tables["activities"] + len(truth[1][1].activities)
    assert os.stat(tmp_path / "datasets").st_ino != old_inode  # swapped in, not edited in place


def test_invalid_report_is_skipped_not_fatal(tmp_path, truth, registry):
    write_inputs(tmp_path, truth[:1])
    (tmp_path / "reports" / "r-broken.json").write_text('{"id": "r-broken"}')
    doc = truth[1][1].model_dump(mode="json") | {"schema_version": "2.0.0"}
    (tmp_path / "reports" / "r-future.json").write_text(json.dumps(doc))
    summary = ds.rebuild_datasets(tmp_path, registry)
    assert summary.reports == 1
    assert sorted(s.path for s in summary.skipped) == ["reports/r-broken.json", "reports/r-future.json"]
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert len(manifest["skipped"]) == 2


def test_ids_and_sort_order_are_deterministic(built):
    out, _ = built
    for table, model in ds.TABLES.items():
        rows = _rows(out, table)
        keys = [tuple(r[k] for k in model.primary_key) for r in rows]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), table
        assert all(list(r) == list(model.model_fields) for r in rows), table


def test_committed_schema_files_match_models():
    """Fails when the models change without `python -m metroextract.datasets --write-schemas schema/`."""
    docs = ds.schema_documents()
    committed = {p.name: p.read_bytes() for p in COMMITTED_SCHEMA.glob("*.schema.json")}
    assert sorted(committed) == sorted(docs), "run: python -m metroextract.datasets --write-schemas schema/"
    for name, doc in docs.items():
        assert committed[name] == dumps_json(doc), f"{name} drifted: run python -m metroextract.datasets --write-schemas schema/"


def test_module_entry_point(tmp_path, truth, capsys):
    write_inputs(tmp_path, truth[:1])
    assert ds.main([str(tmp_path)]) == 0
    assert (tmp_path / "datasets" / "activities.jsonl").stat().st_size > 0
    assert ds.main(["--write-schemas", str(tmp_path / "s")]) == 0
    assert len(list((tmp_path / "s").glob("*.schema.json"))) == len(ds.schema_documents())
