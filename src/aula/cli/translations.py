"""``aula translations stamp FILE…``: record which version of the original a translation is of."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(name="translations")
def translations() -> None:
    """Keep a course's translations in step with its original texts."""


@translations.command(name="stamp")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
def stamp_command(files: tuple[Path, ...]) -> None:
    """Write the original's current hash as ``source:`` into each translation FILE.

    Run it once a translation says what its original now says: `aula check` then stops
    reporting it as stale."""
    from aula.content.translations import stamp

    for path in files:
        try:
            digest = stamp(path)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{path}: source: {digest}")
