"""Command line: a thin shell over the library. Errors become one clear line here.

Exit codes: 0 success; 1 a file could not be extracted (it ends in quarantine under
`ingest`); 2 bad usage or settings; 3 `eval` below a threshold; 4 unexpected internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import MetroextractError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Metropolis progress-report PDFs → JSON datasets.")
review_app = typer.Typer(add_completion=False, invoke_without_command=True, help="Names the resolver could not place.")
app.add_typer(review_app, name="review")
err = Console(stderr=True)
out = Console(width=max(160, Console().width))

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BELOW_THRESHOLD, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _fail(file: str, code: str, message: str) -> None:
    err.print(f"[bold red]{escape(file)}[/]: {escape(code)}: {escape(message)}", highlight=False, soft_wrap=True)


@app.command()
def extract(
    pdf: Path = typer.Argument(..., help="the report PDF"),
    output: str = typer.Option("-", "-o", "--output", help="'-' for stdout, or a folder: writes DIR/reports/<id>.json"),
    registry: Optional[Path] = typer.Option(None, "--registry", help="member/alliance registry YAML"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks and the PDF libraries' messages"),
) -> None:
    """Extract one report PDF to JSON.

    Prints the report (or the path written) and nothing else; a file that cannot be
    extracted prints one line `file: code: message`. Pages skipped or read another way
    are warnings in the report (`page_unreadable`, `page_fallback_reader`).
    """
    from .isolate import quiet_libraries

    quiet_libraries(debug)  # pdfminer's messages about a damaged file: only with --debug
    from .export import write_report_outputs
    from .pipeline import extract as run
    from .settings import Settings

    try:
        settings = Settings(registry=registry) if registry else Settings()
        result = run(pdf, settings)
    except MetroextractError as exc:
        if debug:
            raise
        _fail(pdf.name, str(exc.code), exc.message)
        raise typer.Exit(EXIT_FAILED if exc.stage != "settings" else EXIT_USAGE) from None
    except FileNotFoundError:
        _fail(str(pdf), "not_found", "no such file")
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as exc:  # noqa: BLE001 - the edge: anything else is an internal error
        if debug:
            raise
        _fail(pdf.name, "internal_error", f"{type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_INTERNAL) from None
    if output == "-":
        sys.stdout.write(json.dumps(result.report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
    else:
        path = write_report_outputs(Path(output), result.report, result.review)
        err.print(f"wrote {path}")


@app.command("eval")
def eval_cmd(
    directory: Path = typer.Argument(Path("fixtures"), help="folder of <name>.pdf + <name>.truth.json"),
    min_field: float = typer.Option(0.0, help="lowest exact accuracy of each activity field (text fixtures)"),
    min_description: float = typer.Option(0.0, help="lowest mean description similarity (text fixtures)"),
    min_section: float = typer.Option(0.0, help="lowest item F1 of each report section (text fixtures)"),
    min_scanned: float = typer.Option(0.0, help="lowest share of activities with right dates and title (scanned fixtures)"),
    min_name_precision: float = typer.Option(0.0, help="lowest pairwise precision of member and of alliance mentions clustered by id (text fixtures, each and pooled)"),
    min_name_recall: float = typer.Option(0.0, help="lowest pairwise recall of member and of alliance mentions clustered by id (text fixtures, each and pooled)"),
    min_resolved: float = typer.Option(0.0, help="lowest share of printed names resolved without review (text fixtures, each and pooled)"),
    min_mentions: float = typer.Option(0.0, help="lowest F1 of members named in the prose (activity reports)"),
    name_ids: Optional[Path] = typer.Option(None, "--name-ids", help="hand-written printed name → id map (default: DIRECTORY/source/name_ids.yaml, else the repository's fixtures/source/name_ids.yaml)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON"),
) -> None:
    """Score extraction against the fixtures' truth files and print a table."""
    from dataclasses import asdict

    from .evaluate import ACTIVITY_FIELDS, NAME_KINDS, SECTIONS, default_name_ids_path, evaluate_dir, overall_name_pairs, overall_resolved_share
    from .pipeline import extract as run

    ids_path = name_ids or default_name_ids_path(directory)
    if name_ids is not None and not name_ids.is_file():
        _fail(str(name_ids), "not_found", "no such name_ids file")
        raise typer.Exit(EXIT_USAGE)
    try:
        scores = evaluate_dir(directory, run, ids_path)
    except (ValueError, OSError) as exc:  # a malformed name_ids file
        _fail(str(ids_path), "bad_name_ids", str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if not scores:
        _fail(str(directory), "no_fixtures", "no <name>.truth.json files found")
        raise typer.Exit(EXIT_USAGE)
    t = Table(title="Activities", show_lines=False)
    for col in ("fixture", "exp", "found", "match", *ACTIVITY_FIELDS, "descr"):
        t.add_column(col, justify="right" if col != "fixture" else "left")
    failures: list[str] = []
    for s in scores:
        accs = [s.field_accuracy(f) for f in ACTIVITY_FIELDS]
        t.add_row(s.fixture, str(s.expected), str(s.found), str(s.matched), *(f"{a:.2f}" for a in accs), f"{s.description_similarity:.3f}")
        if s.error:
            failures.append(f"{s.fixture}: {s.error}")
        if s.scanned:
            ok = min(s.field_accuracy("dates"), s.field_accuracy("title"))
            if ok < min_scanned:
                failures.append(f"{s.fixture}: dates/title {ok:.2f} < {min_scanned}")
            continue
        if s.found != s.expected:
            if min_field > 0:
                failures.append(f"{s.fixture}: found {s.found} activities, expected {s.expected}")
        for f, a in zip(ACTIVITY_FIELDS, accs):
            if a < min_field:
                failures.append(f"{s.fixture}: {f} {a:.3f} < {min_field}")
        if s.description_similarity < min_description:
            failures.append(f"{s.fixture}: description {s.description_similarity:.3f} < {min_description}")
    out.print(t)
    older = [s for s in scores if s.kind == "activity_report"]
    if older:
        from .evaluate import REPORT_FIELDS

        at = Table(title="Activity reports")
        for col in ("fixture", "kind", "period", *REPORT_FIELDS, "mentions F1"):
            at.add_column(col, justify="right" if col != "fixture" else "left")
        for s in older:
            accs = [s.field_accuracy(f) for f in REPORT_FIELDS]
            at.add_row(s.fixture, str(s.kind_found), "right" if s.period_right else "wrong", *(f"{a:.2f}" for a in accs), f"{s.mention_f1:.3f}")
            if s.kind_found != s.kind:
                failures.append(f"{s.fixture}: kind {s.kind_found} != {s.kind}")
            if not s.period_right and min_field > 0:
                failures.append(f"{s.fixture}: period wrong")
            for f, a in zip(REPORT_FIELDS, accs):
                if a < min_field:
                    failures.append(f"{s.fixture}: {f} {a:.3f} < {min_field}")
            if s.mention_f1 < min_mentions:
                failures.append(f"{s.fixture}: mentioned members F1 {s.mention_f1:.3f} < {min_mentions}")
        out.print(at)
    st = Table(title="Sections (item F1)")
    st.add_column("fixture")
    short = {s: s.replace("_", " ")[:10] for s in SECTIONS}
    for sec in SECTIONS:
        st.add_column(short[sec], justify="right")
    for s in scores:
        st.add_row(s.fixture, *(f"{s.section_f1(sec):.2f}" for sec in SECTIONS))
        if not s.scanned:
            for sec in SECTIONS:
                if s.section_f1(sec) < min_section:
                    failures.append(f"{s.fixture}: section {sec} F1 {s.section_f1(sec):.3f} < {min_section}")
    out.print(st)
    nt = Table(title="Names (pairwise precision/recall of mentions clustered by id; resolved = without review)")
    for col in ("fixture", "members", "m.prec", "m.recall", "alliances", "a.prec", "a.recall", "resolved", "review", "wrong id", "missed", "extra"):
        nt.add_column(col, justify="right" if col != "fixture" else "left")

    def name_row(label: str, group: list) -> list[str]:
        ms = [m for s in group for m in s.kind_mentions()]
        row = [label]
        for kind in NAME_KINDS:
            pc = overall_name_pairs(group, kind)
            row += [str(sum(m.kind == kind for m in ms)), f"{pc.precision:.3f}", f"{pc.recall:.3f}"]
        row += [
            f"{overall_resolved_share(group):.3f}",
            str(sum(m.in_review for m in ms)),
            str(sum(m.pred_id is not None and m.pred_id != m.true_id for m in ms)),
            str(sum(s.name_missed for s in group)),
            str(sum(s.name_extras for s in group)),
        ]
        return row

    name_gates = (min_name_precision, min_name_recall, min_resolved)
    if ids_path is None and any(g > 0 for g in name_gates):
        failures.append(f"{directory}: no name_ids.yaml found (use --name-ids): names cannot be scored")
    text_scores = [s for s in scores if not s.scanned]

    def gate_names(label: str, group: list) -> None:
        for kind in NAME_KINDS:
            pc = overall_name_pairs(group, kind)
            if pc.precision < min_name_precision:
                failures.append(f"{label}: {kind} name precision {pc.precision:.4f} < {min_name_precision}")
            if pc.recall < min_name_recall:
                failures.append(f"{label}: {kind} name recall {pc.recall:.4f} < {min_name_recall}")
        res = overall_resolved_share(group)
        if res < min_resolved:
            failures.append(f"{label}: resolved without review {res:.4f} < {min_resolved}")

    issues = []
    for s in scores:
        nt.add_row(*name_row(s.fixture, [s]))
        issues += [(s.fixture, m) for m in s.name_issues()]
        if s.names_scored and not s.scanned:
            gate_names(s.fixture, [s])
            unknown = sorted({m.name for m in s.mentions if not m.known})
            if unknown and any(g > 0 for g in name_gates):
                failures.append(f"{s.fixture}: printed names missing from name_ids: {', '.join(unknown)}")
    if ids_path is not None:
        if len(text_scores) > 1:
            nt.add_row(*name_row("all text fixtures", text_scores), style="bold")
            gate_names("all text fixtures", text_scores)
        if len(text_scores) != len(scores) and len(scores) > 1:
            nt.add_row(*name_row("all fixtures", scores), style="bold")
        out.print(nt)
        if issues:
            it = Table(title=f"{len(issues)} printed names not resolved to their true id without review")
            for col in ("fixture", "where", "kind", "printed", "extracted", "true id", "resolved id", "method", "review"):
                it.add_column(col)
            for fx, m in issues:
                it.add_row(fx, m.where, m.kind, m.name, m.found_name or "", str(m.true_id), str(m.pred_id), str(m.method), "yes" if m.in_review else "")
            out.print(it)
    else:
        out.print("[yellow]names not scored: no name_ids.yaml (use --name-ids)[/]")
    if json_out:
        json_out.write_text(json.dumps([asdict(s) for s in scores], indent=2, ensure_ascii=False) + "\n")
    if failures:
        for f in failures:
            err.print(f"[red]below threshold[/] {f}", highlight=False)
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@review_app.callback()
def review(
    ctx: typer.Context,
    output: Path = typer.Argument(Path("output"), help="the output folder of a run"),
) -> None:
    """List names that could not be resolved with confidence (report, page, name, candidates)."""
    if ctx.invoked_subcommand is not None:
        return
    from .review import review_items_from_dir

    items = review_items_from_dir(output)
    if not items:
        out.print("nothing to review")
        return
    t = Table(title=f"{len(items)} names to review")
    for col in ("report", "page", "kind", "name", "reason", "candidates"):
        t.add_column(col)
    for it in items:
        cands = ", ".join(f"{c.id} ({c.score:.0f})" for c in it.candidates)
        t.add_row(it.report_id, str(it.page or ""), it.kind, it.name, it.reason, cands)
    out.print(t)


@review_app.command("accept")
def review_accept(
    name: str = typer.Argument(..., help="the name as printed"),
    entity_id: str = typer.Argument(..., metavar="ID", help="the registry id it stands for"),
    registry: Optional[Path] = typer.Option(None, "--registry", help="registry YAML to edit (default: METROEXTRACT_REGISTRY or the packaged file)"),
) -> None:
    """Add NAME as an alias of ID in the registry; re-running extraction then resolves it."""
    import os

    from .registry import _default_path, add_alias

    path = registry or (Path(os.environ["METROEXTRACT_REGISTRY"]) if os.environ.get("METROEXTRACT_REGISTRY") else _default_path())
    try:
        add_alias(path, name, entity_id)
    except MetroextractError as exc:
        _fail(str(path), str(exc.code), exc.message)
        raise typer.Exit(EXIT_USAGE) from None
    out.print(f"added alias {name!r} → {entity_id} in {path}")


# Orchestration commands (ingest, watch, backfill, pull) live beside the flows' wrappers.
from . import cli_flows  # noqa: E402,F401  (registers commands on `app`)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
