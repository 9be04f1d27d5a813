"""Activity reports, the older kind: kind decided from structure, quarters, numbered
headings, dates in the prose (three languages, a year-crossing period), link lines and
members named in the prose. Truth is written from fixtures/source_ar (never from the
extractor's output)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from metroextract.cli import app
from metroextract.prose_dates import activity_date, date_phrases

from ._fixtures import extraction

AR = Path(__file__).resolve().parent.parent / "fixtures" / "ar"
NAMES = sorted(p.name[: -len(".truth.json")] for p in AR.glob("*.truth.json"))


def test_eval_activity_reports_meet_the_bar(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(AR), "--min-field", "0.98", "--min-description", "0.97", "--min-mentions", "0.95", "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert sorted(s["fixture"] for s in scores) == NAMES
    for s in scores:
        assert (s["kind"], s["kind_found"], s["period_right"], s["matched"]) == ("activity_report", "activity_report", True, s["expected"])


@pytest.mark.parametrize("name", NAMES)
def test_golden_activities(name):
    truth = json.loads((AR / f"{name}.truth.json").read_text(encoding="utf-8"))
    report = extraction(AR / f"{name}.pdf").report
    assert report.kind == "activity_report"
    assert (report.period.text, report.period.start, report.period.end) == tuple(truth["period"].values())
    got = report.model_dump(mode="json")["activities"]
    keys = ("section", "number", "title", "date_text", "date_start", "date_end", "dates", "links")
    assert [{k: a[k] for k in keys} for a in got] == [{k: a[k] for k in keys} for a in truth["activities"]]
    assert [a["members"] for a in got] == [[] for _ in got]
    undated = [a["title"] for a in truth["activities"] if a["date_text"] is None]
    assert [w.message for w in report.warnings if w.code == "date_missing"] == [f"no date found in the first paragraph of activity {t!r}" for t in undated]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "On February 3rd and 5th, representatives met. Applications are open until 30 June.", ("On February 3rd and 5th", "2014-02-03", "2014-02-05")),
        ("en", "Applications are open until 30 June; the jury met from 30 June to 2 July.", ("from 30 June to 2 July", "2014-06-30", "2014-07-02")),
        ("fr", "Du mercredi 17 au jeudi 18 septembre, le réseau s'est réuni.", ("Du mercredi 17 au jeudi 18 septembre", "2014-09-17", "2014-09-18")),
        ("fr", "Le comité s'est réuni le 1er avril à Paris.", ("le 1er avril", "2014-04-01", "2014-04-01")),
        ("es", "Los días 3 y 5 de febrero, los alcaldes se reunieron.", ("Los días 3 y 5 de febrero", "2015-02-03", "2015-02-05")),
        ("es", "La convocatoria está abierta hasta el 15 de septiembre. El 1.º de marzo se celebró.", ("El 1.º de marzo", "2015-03-01", "2015-03-01")),
    ],
)
def test_activity_date_from_prose(lang, text, expected):
    start, end = ("2014-01", "2014-12") if lang != "es" else ("2014-07", "2015-06")
    phrase = activity_date(text, lang, start, end)
    assert (phrase.text, str(phrase.dates.start), str(phrase.dates.end)) == expected


def test_a_deadline_is_found_but_marked():
    (p,) = date_phrases("Les candidatures sont ouvertes jusqu'au 30 juin.", "fr", "2014-01", "2014-12")
    assert (p.text, p.deadline) == ("30 juin", True)


def test_both_kinds_side_by_side_in_the_datasets(tmp_path):
    """A progress report and an activity report in one dataset folder; the README's query."""
    import re

    import duckdb

    from metroextract import datasets as ds
    from metroextract.export import write_report_outputs
    from metroextract.registry import load_registry

    fixtures = AR.parent
    for pdf in (fixtures / "en-2021-01-04-brochure.pdf", AR / "en-2014-annual-wordreport.pdf"):
        x = extraction(pdf)
        write_report_outputs(tmp_path, x.report, x.review)
    ds.rebuild_datasets(tmp_path, load_registry(None))
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(-- members per kind of report and year.*?)```", readme, re.S).group(1)
    rows = duckdb.sql(query.replace("output/datasets/", f"{tmp_path}/datasets/")).fetchall()
    by_kind = {}
    for kind, _year, acts, _members in rows:
        by_kind[kind] = by_kind.get(kind, 0) + acts
    assert by_kind == {"activity_report": 14, "progress_report": 12}
    assert all(members > 0 for kind, _y, _a, members in rows if kind == "activity_report")
