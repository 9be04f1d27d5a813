"""Command line: a thin shell over the library. Errors become one clear line here.

Exit codes: 0 success; 1 a file could not be extracted (it ends in quarantine under
`ingest`); 2 bad usage or settings; 3 `eval` below a threshold; 4 unexpected internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from . import cli_flows
from .cli_common import EXIT_BELOW_THRESHOLD, EXIT_FAILED, EXIT_INTERNAL, EXIT_USAGE, app, err, fail, out, review_app
from .errors import MetroextractError

__all__ = ["app", "main"]


def _extraction(pdf: Path, registry: Path | None, debug: bool):  # -> pipeline.Extraction
    """Run every stage on one PDF; a file that cannot be extracted exits with one line."""
    from .isolate import quiet_libraries

    quiet_libraries(debug)  # pdfminer's messages about a damaged file: only with --debug
    from .pipeline import extract as run
    from .settings import Settings

    try:
        settings = Settings(registry=registry) if registry else Settings()
        return run(pdf, settings)
    except MetroextractError as exc:
        if debug:
            raise
        fail(pdf.name, str(exc.code), exc.message)
        raise typer.Exit(EXIT_FAILED if exc.stage != "settings" else EXIT_USAGE) from None
    except FileNotFoundError:
        fail(str(pdf), "not_found", "no such file")
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as exc:  # noqa: BLE001 - the edge: anything else is an internal error
        if debug:
            raise
        fail(pdf.name, "internal_error", f"{type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_INTERNAL) from None


@app.command()
def extract(
    pdf: Path = typer.Argument(..., help="the report PDF"),
    output: str = typer.Option("-", "-o", "--output", help="'-' for stdout, or a folder: writes DIR/reports/<id>.json"),
    registry: Path | None = typer.Option(None, "--registry", help="member/alliance registry YAML"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks and the PDF libraries' messages"),
) -> None:
    """Extract one report PDF to JSON.

    Prints the report (or the path written) and nothing else; a file that cannot be
    extracted prints one line `file: code: message`. Pages skipped or read another way
    are warnings in the report (`page_unreadable`, `page_fallback_reader`).
    """
    from .export import write_report_outputs

    result = _extraction(pdf, registry, debug)
    if output == "-":
        sys.stdout.write(json.dumps(result.report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
    else:
        path = write_report_outputs(Path(output), result.report, result.review)
        err.print(f"wrote {path}")


@app.command()
def proof(
    pdf: Path = typer.Argument(..., help="the report PDF"),
    output: Path = typer.Option(..., "-o", "--output", help="the HTML file to write"),
    registry: Path | None = typer.Option(None, "--registry", help="member/alliance registry YAML"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks and the PDF libraries' messages"),
) -> None:
    """Write the proof page of one report PDF: its pages with every extracted value drawn on them.

    One self-contained HTML file (no network): each page as an image, each value's box
    coloured by kind, a panel that scrolls to a value's box, unresolved names with the
    `review accept` command. `ingest` writes one per report in OUTPUT/proof/.
    """
    from .proof import isolated_page_images, write_proof
    from .settings import Settings

    result = _extraction(pdf, registry, debug)
    pages = isolated_page_images(pdf, Settings(), result.report.source.pages)  # a crafted page cannot hang this command
    for p in pages:
        if p.problem:
            err.print(f"{escape(pdf.name)}: page {p.page}: {escape(p.problem)}", highlight=False)
    try:
        path = write_proof(pdf, result.report, output, result.review, pages)
    except OSError as exc:
        fail(str(output), "write_failed", exc.strerror or str(exc))
        raise typer.Exit(EXIT_USAGE) from None
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
    name_ids: Path | None = typer.Option(None, "--name-ids", help="hand-written printed name → id map (default: DIRECTORY/source/name_ids.yaml, else the repository's fixtures/source/name_ids.yaml)"),
    json_out: Path | None = typer.Option(None, "--json", help="also write the scores as JSON"),
    quality: bool = typer.Option(False, "--quality", help="also measure the section verdicts: wrong sections (F1 < 0.90) left unflagged must be 0, right ones (F1 ≥ 0.98) flagged at most 10 %"),
) -> None:
    """Score extraction against the fixtures' truth files and print a table."""
    from dataclasses import asdict

    from .evaluate import default_name_ids_path, evaluate_dir
    from .evaluate_report import Thresholds, score_tables, threshold_failures
    from .pipeline import extract as run

    thresholds = Thresholds(
        field=min_field, description=min_description, section=min_section, scanned=min_scanned,
        name_precision=min_name_precision, name_recall=min_name_recall, resolved=min_resolved, mentions=min_mentions,
    )  # fmt: skip
    ids_path = name_ids or default_name_ids_path(directory)
    if name_ids is not None and not name_ids.is_file():
        fail(str(name_ids), "not_found", "no such name_ids file")
        raise typer.Exit(EXIT_USAGE)
    try:
        scores = evaluate_dir(directory, run, ids_path)
    except (ValueError, OSError) as exc:  # a malformed name_ids file
        fail(str(ids_path), "bad_name_ids", str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if not scores:
        fail(str(directory), "no_fixtures", "no <name>.truth.json files found")
        raise typer.Exit(EXIT_USAGE)
    for printable in score_tables(scores, names_scored=ids_path is not None):
        out.print(printable)
    if json_out:
        json_out.write_text(json.dumps([asdict(s) for s in scores], indent=2, ensure_ascii=False) + "\n")
    failures = threshold_failures(scores, thresholds, ids_path, directory)
    if quality:
        from .evaluate_quality import quality_table, section_outcomes

        figures = section_outcomes(scores)
        out.print(quality_table(figures))
        failures += figures.failures()
    for f in failures:
        err.print(f"[red]below threshold[/] {f}", highlight=False)
    if failures:
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
    links = _pending_links(output)
    if not items and not links:
        out.print("nothing to review")
        return
    if not items:
        return
    t = Table(title=f"{len(items)} names to review")
    for col in ("report", "page", "kind", "name", "reason", "candidates"):
        t.add_column(col)
    for it in items:
        cands = ", ".join(f"{c.id} ({c.score:.0f})" for c in it.candidates)
        t.add_row(it.report_id, str(it.page or ""), it.kind, it.name, it.reason, cands)
    out.print(t)


def _pending_links(output: Path) -> list[dict]:
    """List the links between editions that are not certain; returns them."""
    from .publications import pending_links

    links = pending_links(output)
    if not links:
        return links
    t = Table(title=f"{len(links)} links to review (`review {output} accept-link KEY` or `reject-link KEY`)")
    for col in ("key", "kind", "score", "left", "right"):
        t.add_column(col)
    for link in links:
        sides = [link["left"], link["right"]]
        shown = [f"{s['report_id']} ({s['language']}, {s['file_name']})" + (f"\n{s.get('date_text')}: {s.get('title')}" if s.get("activity_id") else "") for s in sides]
        t.add_row(link["key"], link["kind"], f"{link['score']:.2f}", *(escape(x) for x in shown))
    out.print(t)
    return links


def _decide_link(ctx: typer.Context, key: str, decision: str) -> None:
    from .datasets import rebuild_datasets
    from .publications import decide_link

    output = Path(ctx.parent.params["output"]) if ctx.parent else Path("output")
    try:
        link = decide_link(output, key, decision)  # type: ignore[arg-type]
    except MetroextractError as exc:
        fail(str(output), str(exc.code), exc.message)
        raise typer.Exit(EXIT_USAGE) from None
    rebuild_datasets(output)
    out.print(f"{decision}ed link {key} ({link['left']['report_id']} ↔ {link['right']['report_id']}); datasets rebuilt")


@review_app.command("accept-link")
def review_accept_link(ctx: typer.Context, key: str = typer.Argument(..., help="the link's key, as `review` lists it")) -> None:
    """Make an uncertain link between two editions (or a copy); kept across rebuilds."""
    _decide_link(ctx, key, "accept")


@review_app.command("reject-link")
def review_reject_link(ctx: typer.Context, key: str = typer.Argument(..., help="the link's key, as `review` lists it")) -> None:
    """Refuse an uncertain link: the two sides stay apart and it is not proposed again."""
    _decide_link(ctx, key, "reject")


@review_app.command("accept")
def review_accept(
    name: str = typer.Argument(..., help="the name as printed"),
    entity_id: str = typer.Argument(..., metavar="ID", help="the registry id it stands for"),
    registry: Path | None = typer.Option(None, "--registry", help="registry YAML to edit (default: METROEXTRACT_REGISTRY or the packaged file)"),
) -> None:
    """Add NAME as an alias of ID in the registry; re-running extraction then resolves it."""
    import os

    from .registry import add_alias, default_registry_path

    path = registry or (Path(os.environ["METROEXTRACT_REGISTRY"]) if os.environ.get("METROEXTRACT_REGISTRY") else default_registry_path())
    try:
        add_alias(path, name, entity_id)
    except MetroextractError as exc:
        fail(str(path), str(exc.code), exc.message)
        raise typer.Exit(EXIT_USAGE) from None
    out.print(f"added alias {name!r} → {entity_id} in {path}")


# The orchestration commands (ingest, watch, backfill, pull, release) come after these in
# `--help`, which lists commands in the order they are registered.
cli_flows.register(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
