"""What every CLI command shares: the Typer apps, the two consoles, the exit codes and the
one-line failure message.

`cli.py` (extract, eval, review) and `cli_flows.py` (ingest, watch, backfill, pull,
release) both register their commands on `app` from here, so neither imports the other's
module state.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Metropolis progress-report PDFs → JSON datasets.")


class _ReviewGroup(TyperGroup):
    """`review accept NAME ID` without the folder: a first word naming a subcommand is that
    subcommand, not OUTPUT (which then takes its default, output/)."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] in self.commands:
            args = ["output", *args]
        return super().parse_args(ctx, args)


review_app = typer.Typer(
    cls=_ReviewGroup, add_completion=False, invoke_without_command=True,
    help="Names the resolver could not place, and links between editions that are not certain.",
)  # fmt: skip
app.add_typer(review_app, name="review")
err = Console(stderr=True)
out = Console(width=max(160, Console().width))

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BELOW_THRESHOLD, EXIT_INTERNAL = 0, 1, 2, 3, 4


def fail(file: str, code: str, message: str) -> None:
    """One clear line per failure: `file: code: message` (names and messages are data,
    never markup: a file called `[draft].pdf` prints as such)."""
    err.print(f"[bold red]{escape(file)}[/]: {escape(code)}: {escape(message)}", highlight=False, soft_wrap=True)
