"""The data package passes its own contract, checked by the Frictionless validator.

- The row guard (`datasets.check_row`) on hand-built rows: an empty role is a real board
  member with `role` null; a column header read as a value, several names run into one,
  or an empty required value is left out, with the exact reason.
- A report printing a Role | Name | Position table whose header row and a run-together
  column came out as board members: the package still validates, the bad rows are
  `warnings` rows (code row_rejected) and counted in the summary and the manifest.
- Every fixture PDF (`fixtures/*.pdf`), extracted by the pipeline: its package passes
  `frictionless.validate` (types, constraints, primary and foreign keys); the scanned
  one needs OCR and is marked slow. The text fixtures also together in one package.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import frictionless
import pytest

from metroextract import datasets as ds
from metroextract.export import write_report_outputs
from metroextract.models import (
    SCHEMA_VERSION,
    Activity,
    BoardMember,
    FocalPoint,
    MemberRef,
    Period,
    Provenance,
    Quality,
    Region,
    Report,
    Source,
    StaffMember,
    Warning_,
)
from metroextract.registry import load_registry

from ._fixtures import extraction as fixture_extraction

REPO = Path(__file__).resolve().parents[1]
FIXTURE_PDFS = sorted([*(REPO / "fixtures").glob("*.pdf"), *(REPO / "fixtures" / "ar").glob("*.pdf")])  # both kinds
TEXT_PDFS = [p for p in FIXTURE_PDFS if "scanned" not in p.name]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _validate(out: Path) -> frictionless.Report:
    """`frictionless validate datapackage.json`, as a downstream user runs it."""
    return frictionless.validate(str(out / "datapackage.json"))


def _errors(report: frictionless.Report) -> list[list[Any]]:
    return report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])[:20]


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    text = (out / "datasets" / f"{table}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


# --------------------------------------------------------------------------- the row guard

BOARD = {"report_id": "r-1", "region_seq": 1, "region": "Africa", "seq": 1}


def _board(**values: Any) -> tuple[Any, str | None]:
    return ds.check_row("board", {**BOARD, "role": "President", "name": "David Makhura",
                                  "position": "Premier of Gauteng", **values})  # fmt: skip


def test_empty_role_is_a_board_member_with_role_null():
    row, reason = _board(role="")
    assert reason is None
    assert row.model_dump() == {
        "schema_version": SCHEMA_VERSION,
        **BOARD, "role": None, "name": "David Makhura", "position": "Premier of Gauteng",
    }  # fmt: skip
    assert _board(role="  ")[0].role is None
    row, reason = ds.check_row("focal_points", {**BOARD, "role": "", "name": "Sithole Mbanga",
                                                "place": "Gauteng"})  # fmt: skip
    assert (reason, row.role, row.name, row.place) == (None, None, "Sithole Mbanga", "Gauteng")


def test_empty_optional_text_becomes_null_and_empty_required_value_rejects():
    row, reason = _board(position="")
    assert (reason, row.position) == (None, None)
    assert _board(name="") == (None, "name is empty")
    assert _board(name=" \n") == (None, "name is empty")
    assert ds.check_row("secretariat", {"report_id": "r-1", "seq": 1, "name": "", "position": "x"}) == (
        None, "name is empty")  # fmt: skip


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"role": "", "name": "Role"}, "name 'Role' is a column header, not a value"),
        ({"role": "Role", "name": "Name", "position": "Position"}, "role 'Role' is a column header, not a value"),
        ({"role": None, "name": "Nom"}, "name 'Nom' is a column header, not a value"),
        ({"role": "Rôle :", "name": "Ana Botín"}, "role 'Rôle :' is a column header, not a value"),
        ({"name": "Ana Botín", "position": "Cargo"}, "position 'Cargo' is a column header, not a value"),
        ({"name": "Ana Botín", "position": "POSTE"}, "position 'POSTE' is a column header, not a value"),
        (
            {"role": "", "name": "Name David Makhura Robert Beugré Mambe Soham El Wardini"},
            "name 'Name David Makhura Robert Beugré Mambe Soham El Wardini' starts with the column header 'Name'",
        ),
        (
            {"name": "David Makhura Robert Beugré Mambe Soham El Wardini"},
            "name 'David Makhura Robert Beugré Mambe Soham El Wardini' holds several names (7 words)",
        ),
        ({"name": "Valérie Plante; Claudia Sheinbaum"}, "name 'Valérie Plante; Claudia Sheinbaum' holds several names"),
        ({"name": "Valérie Plante et Claudia Sheinbaum"}, "name 'Valérie Plante et Claudia Sheinbaum' holds several names"),
        ({"name": "David Makhura\nSoham El Wardini"}, "name 'David Makhura\\nSoham El Wardini' holds several names"),
        ({"name": "Plante, Sheinbaum, Makhura"}, "name 'Plante, Sheinbaum, Makhura' holds several names"),
    ],
)
def test_header_words_and_several_names_are_never_rows(values, reason):
    assert _board(**values) == (None, reason)


@pytest.mark.parametrize(
    "name",
    ["Octavi de la Varga", "José Luis Martínez-Almeida", "Hugo Salomão França", "Oh Se-Hoon",
     "H.E. Mr. Robert Beugré Mambe", "Claudia López Hernández", "Makhura, David", "Ada Colau i Ballano",
     "María de los Ángeles Ortega y Gasset"],
)  # fmt: skip
def test_real_names_pass(name):
    row, reason = _board(name=name)
    assert reason is None and row.name == name


def test_guard_checks_types_enums_and_numbers():
    report = {
        "report_id": "r-1", "publication_id": "p-1", "duplicate_of": None,
        "language": "fr", "kind": "progress_report", "title": None, "period_text": "", "period_start": None,
        "period_end": None, "source_file_name": "a.pdf", "source_sha256": "0" * 64, "source_pages": 3,
        "parser_version": "t", "document_schema_version": "1.2.0", "key_figures_period": None,
        "secretary_general": None, "contact_email": None, "contact_website": None, "activity_count": 0,
        "warning_count": 0, "quality_verdict": "needs_review", "quality_reasons": "a; b",
    }  # fmt: skip
    row, reason = ds.check_row("reports", report)
    assert (reason, row.period_text, row.quality_verdict) == (None, None, "needs_review")
    row, reason = ds.check_row("reports", {**report, "quality_verdict": "bad"})
    assert row is None and reason.startswith("quality_verdict: Input should be 'ok' or 'needs_review'")
    row, reason = ds.check_row("reports", {**report, "language": "de"})
    assert row is None and reason.startswith("language: ")
    member = {"report_id": "r-1", "seq": 1, "name": "Paris", "member_id": "paris",
              "canonical_name": "Paris", "method": "exact"}  # fmt: skip
    assert ds.check_row("member_engagement", {**member, "score": math.nan}) == (None, "score is not a finite number (nan)")
    assert ds.check_row("member_engagement", {**member, "score": 100.0})[1] is None


def test_guard_doctests_and_long_values_cut_short():
    import doctest

    result = doctest.testmod(ds)
    assert result.attempted > 0 and result.failed == 0
    column = " ".join(["David Makhura", "Robert Beugré Mambe", "Soham El Wardini"] * 10)
    row, reason = _board(name=column)
    assert row is None and reason.endswith("…' holds several names (70 words)") and len(reason) < 200


def test_every_declared_field_rule_is_the_datapackage_one():
    """The guard reads the same field descriptors `datapackage.json` publishes."""
    info = {t: ds.ManifestTable(rows=0, bytes=0, sha256="", rejected=0) for t in ds.TABLES}
    published = {r["name"]: r["schema"]["fields"] for r in ds.datapackage_descriptor(info)["resources"]}
    for table, model in ds.TABLES.items():
        assert list(ds._declared(model).values()) == published[table], table
    board = {f["name"]: f for f in published["board"]}
    assert "constraints" not in board["role"] and "null" in board["role"]["description"]
    assert board["name"]["constraints"] == {"required": True}
    reports = {f["name"]: f for f in published["reports"]}
    assert reports["quality_verdict"]["constraints"] == {"enum": ["ok", "needs_review"]}
    assert reports["quality_reasons"]["type"] == "string"


# --------------------------------------------------------------------------- a Role | Name | Position table


def _quality(verdict: str, reasons: list[str]) -> Quality:
    return Quality(verdict=verdict, reasons=reasons, body_chars=1000, unplaced_share=0.0, activities=1,
                   activities_without_date=0, activities_without_title=0, stray_activity_blocks=0,
                   unresolved_name_share=None)  # fmt: skip


def _table_report() -> Report:
    """What the word-processor document gave: a header row, a run-together column, a
    role-less member, and an activity without a date (kept, its date null: an activity
    report's prose may name none)."""
    board = [
        BoardMember(role="", name="Role", position="Position"),  # the table's header row
        BoardMember(role="", name="Name David Makhura Robert Beugré Mambe Soham El Wardini", position=None),
        BoardMember(role="President", name="David Makhura", position="Premier of Gauteng"),
        BoardMember(role="", name="Soham El Wardini", position="Mayor of Dakar"),
    ]
    activities = [
        Activity(id="r-0123456789abcdef-a001-x", action_line=None, date_text="12/01/2021", date_start=None,
                 date_end=None, dates=[], series=None, title="", description="", members=[MemberRef(name="Paris")],
                 results=[], challenges=[], alliances=[], provenance=Provenance(pages=[4], bbox=[])),
        Activity(id="r-0123456789abcdef-a002-y", action_line=None, date_text=" ", date_start=None, date_end=None,
                 dates=[], series=None, title="Lost", description="x",
                 members=[MemberRef(name="Paris"), MemberRef(name="Dakar")], results=[], challenges=[],
                 alliances=[], provenance=Provenance(pages=[5], bbox=[])),
    ]  # fmt: skip
    return Report(
        id="r-0123456789abcdef",
        source=Source(file_name="board-table.pdf", sha256="0123456789abcdef" + "0" * 48, pages=6),
        language="en",
        title=None,
        period=Period(text="", start=None, end=None),
        parser_version="test",
        activities=activities,
        regions=[
            Region(
                name="Africa",
                members=[MemberRef(name="Dakar")],
                honorary_members=[],
                focal_points=[FocalPoint(role="Nom", name="Name", place="Lieu"), FocalPoint(role="", name="Hélène Jourdan", place="")],
                board=board,
            )
        ],  # fmt: skip
        secretariat=[StaffMember(name="Octavi de la Varga", position="Secretary General")],
        quality=_quality("needs_review", ["no activities dated", "secretariat implausible"]),
        warnings=[Warning_(page=1, code="period_missing", message="no report period found on the first pages")],
    )


def test_role_name_position_table_gives_a_valid_package(tmp_path, registry):
    report = _table_report()
    write_report_outputs(tmp_path, report, [])
    summary = ds.rebuild_datasets(tmp_path, registry)

    result = _validate(tmp_path)
    assert result.valid, _errors(result)

    board = [(r["seq"], r["role"], r["name"], r["position"]) for r in _rows(tmp_path, "board")]
    assert board == [(3, "President", "David Makhura", "Premier of Gauteng"),
                     (4, None, "Soham El Wardini", "Mayor of Dakar")]  # fmt: skip
    focal = [(r["seq"], r["role"], r["name"], r["place"]) for r in _rows(tmp_path, "focal_points")]
    assert focal == [(2, None, "Hélène Jourdan", None)]
    acts = [(r["seq"], r["title"], r["description"]) for r in _rows(tmp_path, "activities")]
    assert acts == [(1, None, None), (2, "Lost", "x")]
    assert [r["date_text"] for r in _rows(tmp_path, "activities")] == ["12/01/2021", None]
    assert [r["name"] for r in _rows(tmp_path, "activity_members")] == ["Paris", "Paris", "Dakar"]

    warnings = [(r["seq"], r["page"], r["code"], r["message"]) for r in _rows(tmp_path, "warnings")]
    assert warnings == [
        (1, 1, "period_missing", "no report period found on the first pages"),
        (2, None, "row_rejected", "board row left out (region 1 (Africa), seq 1): name 'Role' is a column header, not a value"),
        (3, None, "row_rejected", "board row left out (region 1 (Africa), seq 2): name 'Name David Makhura Robert "
                                  "Beugré Mambe Soham El Wardini' starts with the column header 'Name'"),
        (4, None, "row_rejected", "focal_points row left out (region 1 (Africa), seq 1): role 'Nom' is a column header, not a value"),
    ]  # fmt: skip
    assert summary.rejected == {"board": 2, "focal_points": 1}
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert {t: v["rejected"] for t, v in manifest["tables"].items() if v["rejected"]} == summary.rejected

    (rep,) = _rows(tmp_path, "reports")
    assert (rep["period_text"], rep["warning_count"], rep["quality_verdict"], rep["quality_reasons"]) == (
        None, 4, "needs_review", "no activities dated; secretariat implausible")  # fmt: skip
    # the member counts follow the rows written: Paris is counted in both activities
    members = {r["member_id"]: r for r in _rows(tmp_path, "members")}
    paris = next(r for r in _rows(tmp_path, "activity_members") if r["name"] == "Paris")["member_id"]
    assert paris is None or members[paris]["activities"] == 2


def test_report_without_quality_has_null_quality_columns(tmp_path, registry):
    report = _table_report().model_copy(update={"quality": None})
    write_report_outputs(tmp_path, report, [])
    ds.rebuild_datasets(tmp_path, registry)
    (rep,) = _rows(tmp_path, "reports")
    assert (rep["quality_verdict"], rep["quality_reasons"]) == (None, None)
    ok = report.model_copy(update={"quality": _quality("ok", [])})
    write_report_outputs(tmp_path, ok, [])
    ds.rebuild_datasets(tmp_path, registry)
    (rep,) = _rows(tmp_path, "reports")
    assert (rep["quality_verdict"], rep["quality_reasons"]) == ("ok", None)


def test_validator_checks_constraints_and_foreign_keys(tmp_path, registry):
    """The validation the fixture tests rely on does catch what the issue found: an empty
    required value and a foreign key to nowhere (rows written past the guard)."""
    write_report_outputs(tmp_path, _table_report(), [])
    ds.rebuild_datasets(tmp_path, registry)
    path = tmp_path / "datasets" / "board.jsonl"
    rows = _rows(tmp_path, "board")
    rows[0]["name"] = ""
    rows[1]["report_id"] = "r-elsewhere"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    for res in descriptor["resources"]:  # the edited file no longer has the recorded hash
        res.pop("hash", None)
        res.pop("bytes", None)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    result = _validate(tmp_path)
    assert not result.valid
    types = {(field, kind) for field, kind in result.flatten(["fieldName", "type"])}
    assert ("name", "constraint-error") in types and (None, "foreign-key") in types


# --------------------------------------------------------------------------- every fixture


def _assert_valid_package(out: Path, summary: ds.DatasetSummary) -> None:
    result = _validate(out)
    assert result.valid, _errors(result)
    tasks = {t.name: t for t in result.tasks}
    assert list(tasks) == list(ds.TABLES)
    for table, n in summary.tables.items():
        assert tasks[table].valid, table
        if n:
            assert tasks[table].stats["rows"] == n, table


@pytest.mark.parametrize(
    "pdf",
    # every text design, and one scan (each scan costs ~40 s of OCR; the others' tables are
    # the same shape: their reports validate in test_eval / test_ocr)
    [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if "scanned" in p.name else []) for p in FIXTURE_PDFS if "scanned" not in p.name or p.stem == "es-2021-01-04-scanned-newsletter"],
)
def test_fixture_package_validates_with_frictionless(pdf, tmp_path, registry):
    extraction = fixture_extraction(pdf)
    write_report_outputs(tmp_path, extraction.report, extraction.review)
    summary = ds.rebuild_datasets(tmp_path, registry)
    assert summary.reports == 1
    _assert_valid_package(tmp_path, summary)
    (rep,) = _rows(tmp_path, "reports")
    quality = extraction.report.quality
    assert rep["quality_verdict"] == (quality.verdict if quality else None)
    # every row left out is a warnings row of the report
    rejected = [r for r in _rows(tmp_path, "warnings") if r["code"] == ds.ROW_REJECTED]
    assert len(rejected) == sum(summary.rejected.values())
    assert rep["warning_count"] == len(extraction.report.warnings) + len(rejected)


def test_text_fixtures_together_validate_with_frictionless(tmp_path, registry):
    assert len(TEXT_PDFS) >= 8
    for pdf in TEXT_PDFS:
        extraction = fixture_extraction(pdf)
        write_report_outputs(tmp_path, extraction.report, extraction.review)
    summary = ds.rebuild_datasets(tmp_path, registry)
    assert summary.reports == len(TEXT_PDFS)
    _assert_valid_package(tmp_path, summary)
