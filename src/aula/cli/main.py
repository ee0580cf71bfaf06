"""Entry point of the ``aula`` command. User errors are one-line messages, never tracebacks."""

from __future__ import annotations

import os
import sys

import click

from aula import __version__
from aula.cli.ask import ask
from aula.cli.check import check
from aula.cli.lab import lab
from aula.cli.schema import schema_command
from aula.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="aula")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Aula: interactive lessons, self-hosted and offline by default.

    With no command, ``aula`` runs ``aula serve``.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


main.add_command(check)
main.add_command(serve)
main.add_command(schema_command)
main.add_command(lab)
main.add_command(ask)


def run() -> None:
    """Run the CLI; an unexpected error prints one line (``AULA_DEBUG=1`` shows the traceback)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # the last line of defence: users see a message, not a traceback
        if os.environ.get("AULA_DEBUG"):
            raise
        click.echo(f"aula: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            "Run again with AULA_DEBUG=1 to see the details, and please report it.", err=True
        )
        sys.exit(70)
