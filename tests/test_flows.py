"""The ingest, watch and backfill flows under `prefect_test_harness`."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

try:  # tests/ may or may not be a package
    from .conftest import REALWORLD, make_report_pdf
except ImportError:
    from conftest import REALWORLD, make_report_pdf  # type: ignore[no-redef]

import metroextract

pytestmark = pytest.mark.usefixtures("prefect_harness")

PERIODS = {"r2019": "Janvier —> avril 2019", "r2021": "Janvier —> avril 2021", "r2023": "Septembre —> décembre 2023"}


def _sources(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "sources").glob("*.json"))}


def _drop_reports(inbox: Path, names=("r2019", "r2021", "r2023")) -> list[Path]:
    return [make_report_pdf(inbox / f"{n}.pdf", tag=n, period=PERIODS[n]) for n in names]


def _age(path: Path, seconds: float = 60) -> None:
    import os

    t = time.time() - seconds
    os.utime(path, (t, t))


def test_ingest_new_files_then_unchanged_then_parser_bump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.artifacts import Artifact

    import metroextract.isolate
    from flows.ingest import ingest

    calls: list[str] = []  # every parse goes through extract_isolated: count them
    real = metroextract.isolate.extract_isolated
    monkeypatch.setattr(metroextract.isolate, "extract_isolated", lambda path, settings=None, **kw: calls.append(Path(path).name) or real(path, settings, **kw))

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _drop_reports(inbox, ("r2021", "r2023"))
    shutil.copy(REALWORLD / "not-a-pdf.pdf", inbox / "broken download.pdf")
    keep = {p.name: p.read_bytes() for p in inbox.iterdir()}

    # 1. new files: everything is parsed
    s1 = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert sorted(calls) == ["broken download.pdf", "r2021.pdf", "r2023.pdf"]
    by_name = {f.file_name: f for f in s1.files}
    assert sorted(by_name) == ["broken download.pdf", "r2021.pdf", "r2023.pdf"]
    assert s1.counts() == {"found": 3, "parsed": 3, "extracted": 2, "needs_review": 0, "quarantined": 1, "unchanged": 0, "filtered": 0, "skipped": 0, "unreadable": 0}
    assert (by_name["broken download.pdf"].status, by_name["broken download.pdf"].code) == ("quarantined", "not_a_pdf")
    assert s1.datasets == "rebuilt"
    assert list(inbox.iterdir()) == []
    for name in ("r2021.pdf", "r2023.pdf"):
        f = by_name[name]
        assert f.status == "extracted" and f.activities >= 1 and f.report_id == f"r-{f.sha256[:16]}"
        report = json.loads((out / "reports" / f"{f.report_id}.json").read_text(encoding="utf-8"))
        assert report["source"]["file_name"] == name and report["parser_version"] == metroextract.PARSER_VERSION
        assert (out / "processed" / f"{f.report_id}.pdf").read_bytes() == keep[name]
    bad = by_name["broken download.pdf"]
    assert (out / "quarantine" / f"{bad.sha256}.pdf").read_bytes() == keep["broken download.pdf"]
    err = json.loads((out / "quarantine" / f"{bad.sha256}.error.json").read_text(encoding="utf-8"))
    assert (err["file_name"], err["code"], err["stage"]) == ("broken download.pdf", "not_a_pdf", "open")
    src1 = _sources(out)
    assert {r["status"] for r in src1.values()} == {"extracted", "quarantined"} and len(src1) == 3
    assert all(r["parser_version"] == metroextract.PARSER_VERSION for r in src1.values())
    assert (out / "manifest.json").is_file() and not (out / ".claims").exists() or not any((out / ".claims").iterdir())
    artifact = Artifact.get("ingest-summary")
    assert artifact is not None and "broken download.pdf" in str(artifact.data)

    # 2. an unchanged inbox parses nothing …
    s2 = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert s2.counts()["found"] == 0 and s2.parsed == 0
    # … nor do the same files dropped again: their outcomes are reused
    for name, data in keep.items():
        (inbox / name).write_bytes(data)
    (inbox / "copy of r2021.pdf").write_bytes(keep["r2021.pdf"])  # same content, another name
    s3 = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert s3.counts() == {"found": 4, "parsed": 0, "extracted": 3, "needs_review": 0, "quarantined": 1, "unchanged": 4, "filtered": 0, "skipped": 0, "unreadable": 0}
    assert len(calls) == 3  # the parser was not called again
    assert _sources(out) == src1  # not rewritten: same extracted_at
    assert list(inbox.iterdir()) == []

    # 3. a new parser version parses everything again
    monkeypatch.setattr(metroextract, "PARSER_VERSION", "99.0.0")
    for name, data in keep.items():
        (inbox / name).write_bytes(data)
    (inbox / "copy of r2021.pdf").write_bytes(keep["r2021.pdf"])  # a duplicate within one run: parsed once
    s4 = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert s4.parsed == 3 and s4.extracted == 3 and s4.quarantined == 1
    assert len(calls) == 6
    assert {r["parser_version"] for r in _sources(out).values()} == {"99.0.0"}


def test_watch_picks_up_a_dropped_file_once_it_is_complete(tmp_path: Path) -> None:
    from flows.watch import watch

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    stop = threading.Event()
    seen: list = []
    errors: list = []
    t = threading.Thread(
        target=watch,
        args=(inbox, out),
        kwargs={"interval": 0.2, "settle_seconds": 0.5, "stop": stop, "on_summary": seen.append, "on_error": errors.append},
        daemon=True,
    )
    t.start()
    try:
        time.sleep(0.5)
        assert seen == []  # idle inbox: no flow run
        part = inbox / "incoming.pdf.part"
        make_report_pdf(part, tag="watch")  # being copied: never read
        time.sleep(1.0)
        assert seen == [] and part.exists()
        dropped = time.monotonic()
        part.rename(inbox / "incoming.pdf")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not seen:
            time.sleep(0.1)
        assert seen, "the dropped file was not ingested"
        picked_after = time.monotonic() - dropped
    finally:
        stop.set()
        t.join(60)
    assert errors == []
    files = [f for s in seen for f in s.files]
    assert [(f.file_name, f.status) for f in files] == [("incoming.pdf", "extracted")]
    assert not (inbox / "incoming.pdf").exists()
    assert picked_after < 60


def test_backfill_filters_by_period_and_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.backfill import backfill
    from flows.ingest import ingest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _drop_reports(inbox)
    s0 = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert s0.extracted == 3
    names = {f.report_id: f.file_name for f in s0.files}
    periods = {f.file_name: f.period for f in s0.files}
    assert periods == {"r2019.pdf": "2019-01/2019-04", "r2021.pdf": "2021-01/2021-04", "r2023.pdf": "2023-09/2023-12"}
    archive = out / "processed"

    # nothing changed: a backfill parses nothing
    s1 = backfill(source=archive, output=out)
    assert s1.counts() == {"found": 3, "parsed": 0, "extracted": 3, "needs_review": 0, "quarantined": 0, "unchanged": 3, "filtered": 0, "skipped": 0, "unreadable": 0}

    # a period filter with force: only the reports of the period are parsed again
    before = _sources(out)
    s2 = backfill(source=archive, output=out, since="2021-03", until="2023-08", force=True)
    assert [f.file_name for f in s2.files] == ["r2021.pdf"] and s2.parsed == 1 and s2.filtered == 2
    after = _sources(out)
    changed = {k for k in after if after[k]["extracted_at"] != before[k]["extracted_at"]}
    assert {after[k]["file_name"] for k in changed} <= {"r2021.pdf"}
    for rid, name in names.items():  # archive copies keep their original names in the reports
        assert json.loads((out / "reports" / f"{rid}.json").read_text(encoding="utf-8"))["source"]["file_name"] == name

    s3 = backfill(source=archive, output=out, since="2023-01")
    assert [f.file_name for f in s3.files] == ["r2023.pdf"] and s3.parsed == 0 and s3.filtered == 2

    # a new parser version: the selected reports are parsed again, without force
    monkeypatch.setattr(metroextract, "PARSER_VERSION", "99.0.0")
    s4 = backfill(source=archive, output=out, until="2020-12")
    assert [(f.file_name, f.parsed) for f in s4.files] == [("r2019.pdf", True)] and s4.filtered == 2

    with pytest.raises(ValueError, match="YYYY-MM"):
        backfill(source=archive, output=out, since="2021")


@pytest.mark.slow
def test_backfill_on_a_dask_cluster_matches_the_local_run(tmp_path: Path) -> None:
    from distributed import LocalCluster

    from flows.backfill import backfill

    src = tmp_path / "src"
    _drop_reports(src)
    shutil.copy(REALWORLD / "text-fr-proces-verbal-01.pdf", src / "pv.pdf")
    local, remote = tmp_path / "local", tmp_path / "dask"
    s_local = backfill(source=src, output=local, concurrency=2)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        s_dask = backfill(source=src, output=remote, dask_address=cluster.scheduler_address)
    assert s_local.counts() == s_dask.counts() == {"found": 4, "parsed": 4, "extracted": 3, "needs_review": 0, "quarantined": 1, "unchanged": 0, "filtered": 0, "skipped": 0, "unreadable": 0}

    def files(root: Path, sub: str) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((root / sub).glob("*")) if p.is_file()}

    for sub in ("reports", "review", "datasets"):
        assert files(local, sub) == files(remote, sub), sub
    assert files(local, "reports")

    def sources(root: Path) -> dict:
        return {k: {f: v for f, v in r.items() if f != "extracted_at"} for k, r in _sources(root).items()}

    assert sources(local) == sources(remote)


@pytest.mark.slow
def test_cli_ingest_on_the_ephemeral_api_is_quiet(tmp_path: Path) -> None:
    """`make run`: `metroextract ingest INBOX --output OUT` with no Prefect server running."""
    import os
    import subprocess
    import sys

    inbox, out = tmp_path / "inbox", tmp_path / "output"
    make_report_pdf(inbox / "report.pdf", tag="cli")
    shutil.copy(REALWORLD / "not-a-pdf.pdf", inbox / "oops.pdf")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / ".prefect")  # a fresh ephemeral database
    cli = str(Path(sys.executable).with_name("metroextract"))
    r = subprocess.run([cli, "ingest", str(inbox), "--output", str(out)], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 1, r.stderr
    assert [ln for ln in r.stderr.splitlines() if ln.strip()] == ["oops.pdf: not_a_pdf: no %PDF- header: not a PDF file"]
    assert "2 files: 1 extracted, 1 quarantined" in r.stdout
    for noise in ("Traceback", "prefect", "Prefect", "temporary server", "INFO"):
        assert noise not in r.stdout + r.stderr
    assert len(list((out / "reports").glob("*.json"))) == 1 and (out / "manifest.json").is_file()
    # Dask needs a Prefect server its workers can reach: refused at once, with the fix
    r = subprocess.run([cli, "backfill", str(out / "processed"), "-o", str(out), "--dask-address", "tcp://127.0.0.1:1"], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "prefect server start" in r.stderr


def test_transient_errors_are_retried_bad_input_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import metroextract.isolate
    from flows.ingest import ingest
    from metroextract.errors import TransientIOError

    calls: list[str] = []
    real = metroextract.isolate.extract_isolated

    def flaky(path, settings=None, **kw):
        calls.append(Path(path).name)
        if Path(path).name == "flaky.pdf" and calls.count("flaky.pdf") == 1:
            raise TransientIOError("EIO on the network share")
        return real(path, settings, **kw)

    monkeypatch.setattr(metroextract.isolate, "extract_isolated", flaky)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_report_pdf(inbox / "flaky.pdf", tag="flaky")
    shutil.copy(REALWORLD / "empty.pdf", inbox / "empty.pdf")
    s = ingest(inbox=inbox, output=out, settle_seconds=0)
    assert {f.file_name: (f.status, f.code) for f in s.files} == {"flaky.pdf": ("extracted", None), "empty.pdf": ("quarantined", "empty_file")}
    assert sorted(calls) == ["empty.pdf", "flaky.pdf", "flaky.pdf"]


def test_ingest_shows_the_verdict_logs_the_noise_and_strict_quarantines(tmp_path: Path) -> None:
    """A report with an unreadable page needs review: extracted and listed, or with
    --strict quarantined as low_quality (also when dropped again unchanged). The PDF
    libraries' messages go to the run log, never to the terminal."""
    import random

    from typer.testing import CliRunner

    from metroextract.cli import app

    try:  # tests/ may or may not be a package
        from .test_damaged import FIXTURES, damage_page, make_mutation
    except ImportError:
        from test_damaged import FIXTURES, damage_page, make_mutation  # type: ignore[no-redef]

    files = tmp_path / "files"
    files.mkdir()
    newsletter = (FIXTURES / "fr-2021-10-2022-01-newsletter.pdf").read_bytes()
    (files / "page 4 lost.pdf").write_bytes(damage_page(newsletter, 4, "garbage", random.Random(4)))
    make_mutation(files, "en-2021-01-04-digest.pdf", "flip", 0).rename(files / "noisy.pdf")  # pdfminer complains; read anyway

    def drop(inbox: Path) -> None:
        inbox.mkdir(exist_ok=True)
        for p in files.iterdir():
            shutil.copy(p, inbox / p.name)

    runner = CliRunner()
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox)
    r = runner.invoke(app, ["ingest", str(inbox), "-o", str(out), "--settle", "0"])
    assert r.exit_code == 0, r.output
    assert r.stderr == ""  # no failure, and no library message
    # the flipped bytes cost the noisy copy its meetings and key figures, which its contents
    # page lists: those sections say so (no silently wrong section)
    assert "2 files: 2 extracted (2 needs review), 0 quarantined" in r.stdout
    assert "noisy.pdf: needs_review: sections to review: bilateral_meetings, key_figures" in r.stdout
    assert "page 4 lost.pdf: needs_review: pages that could not be read: 4" in r.stdout
    (log,) = (out / "logs").glob("ingest-*.log")
    text = log.read_text(encoding="utf-8")
    assert re.search(r"noisy\.pdf: pdfminer[.\w]* WARNING: \S", text), text  # pdfminer's own message follows, whatever its wording
    assert "page 4 lost.pdf: extracted → " in text and "needs_review: pages that could not be read: 4" in text
    records = _sources(out)
    assert sorted((rec["file_name"], rec["quality"]) for rec in records.values()) == [("noisy.pdf", "needs_review"), ("page 4 lost.pdf", "needs_review")]
    assert len(list((out / "reports").glob("*.json"))) == 2  # the report to review stays in the datasets

    # --strict: the same files, a fresh output
    inbox2, out2 = tmp_path / "inbox2", tmp_path / "out2"
    drop(inbox2)
    r = runner.invoke(app, ["ingest", str(inbox2), "-o", str(out2), "--settle", "0", "--strict"])
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert lines[0].startswith("noisy.pdf: low_quality: needs review (strict): sections to review: bilateral_meetings, key_figures")
    assert lines[1:] == ["page 4 lost.pdf: low_quality: needs review (strict): pages that could not be read: 4"]
    assert "2 files: 0 extracted, 2 quarantined" in r.stdout
    assert list((out2 / "reports").glob("*.json")) == []
    recs = sorted((rec["file_name"], rec["code"], rec["stage"]) for rec in (json.loads(p.read_text()) for p in (out2 / "quarantine").glob("*.error.json")))
    assert recs == [("noisy.pdf", "low_quality", "quality"), ("page 4 lost.pdf", "low_quality", "quality")]

    # --strict on files extracted before, dropped again unchanged: not parsed, quarantined, withdrawn
    drop(inbox)
    r = runner.invoke(app, ["ingest", str(inbox), "-o", str(out), "--settle", "0", "--strict"])
    assert r.exit_code == 1, r.output
    assert "0 parsed, 2 unchanged" in r.stdout and "low_quality" in r.stderr
    assert list((out / "reports").glob("*.json")) == [] and len(list((out / "quarantine").glob("*.pdf"))) == 2
