"""The ``opennr`` Typer application; each subcommand module registers its commands on :data:`app`."""

from __future__ import annotations

from typing import Annotated

import typer

from opennr import __version__

__all__ = ["app"]

app = typer.Typer(
    name="opennr",
    help="OpenNR: an open, auditable 5G NR physical layer. Link-level simulation tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool):
    if value:
        typer.echo(f"opennr {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
):
    """OpenNR: an open, auditable 5G NR physical layer. Link-level simulation tools."""
