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
from rich.table import Table

from .errors import MetroextractError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Metropolis progress-report PDFs → JSON datasets.")
review_app = typer.Typer(add_completion=False, invoke_without_command=True, help="Names the resolver could not place.")
app.add_typer(review_app, name="review")
err = Console(stderr=True)
out = Console(width=max(160, Console().width))

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BELOW_THRESHOLD, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _fail(file: str, code: str, message: str) -> None:
    err.print(f"[bold red]{file}[/]: {code}: {message}", highlight=False, soft_wrap=True)


@app.command()
def extract(
    pdf: Path = typer.Argument(..., help="the report PDF"),
    output: str = typer.Option("-", "-o", "--output", help="'-' for stdout, or a folder: writes DIR/reports/<id>.json"),
    registry: Optional[Path] = typer.Option(None, "--registry", help="member/alliance registry YAML"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Extract one report PDF to JSON."""
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
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON"),
) -> None:
    """Score extraction against the fixtures' truth files and print a table."""
    from .evaluate import ACTIVITY_FIELDS, SECTIONS, evaluate_dir
    from .pipeline import extract_report

    scores = evaluate_dir(directory, extract_report)
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
    if json_out:
        json_out.write_text(json.dumps([s.__dict__ for s in scores], indent=2, ensure_ascii=False) + "\n")
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
