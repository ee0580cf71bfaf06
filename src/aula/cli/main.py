"""Entry point of the ``aula`` command. User errors are one-line messages, never tracebacks."""

from __future__ import annotations

import importlib
import os
import sys

import click

from aula import __version__
from aula.i18n import _, language_from_environment, set_language

# Each command is imported when it runs (click's "lazy loading" pattern): ``aula ask`` need
# not import the web server and the database, nor ``aula serve`` the labs.
COMMANDS = {
    "ask": "aula.cli.ask:ask",
    "check": "aula.cli.check:check",
    "export": "aula.cli.export:export",
    "lti": "aula.cli.lti:lti",
    "lab": "aula.cli.lab:lab",
    "schema": "aula.cli.schema:schema_command",
    "serve": "aula.cli.serve:serve",
    "translations": "aula.cli.translations:translations",
    "users": "aula.cli.users:users",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="aula")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Aula: interactive lessons, self-hosted and offline by default.

    With no command, ``aula`` runs ``aula serve``.
    """
    if ctx.invoked_subcommand is None:
        serve = main.get_command(ctx, "serve")
        assert serve is not None
        ctx.invoke(serve)


def run() -> None:
    """Run the CLI; an unexpected error prints one line (``AULA_DEBUG=1`` shows the traceback).

    Messages are in the language of the environment (``LANG=es_ES.UTF-8 aula check``); the
    commands are imported after it is set, so their help is too."""
    set_language(language_from_environment())
    try:
        main(standalone_mode=True)
    except Exception as exc:  # the last line of defence: users see a message, not a traceback
        if os.environ.get("AULA_DEBUG"):
            raise
        click.echo(
            _("aula: internal error: %(kind)s: %(error)s", kind=type(exc).__name__, error=exc),
            err=True,
        )
        click.echo(
            _("Run again with AULA_DEBUG=1 to see the details, and please report it."), err=True
        )
        sys.exit(70)
