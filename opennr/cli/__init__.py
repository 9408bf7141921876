"""OpenNR command line ``opennr``: one module a subcommand family.

* :mod:`opennr.cli.simulate`: ``opennr simulate``, ``opennr presets`` (link-level campaigns).
* :mod:`opennr.cli.waveform`: ``opennr waveform`` (NR downlink carrier as a SigMF recording).
* :mod:`opennr.cli.scan`: ``opennr scan`` (cell search and MIB decoding of a recording).
* :mod:`opennr.cli.report`: ``opennr report`` (HTML report of a campaign).

The console entry point is :func:`main` (``opennr = "opennr.cli:main"``).

The command modules are imported lazily: ``opennr scan ...`` imports :mod:`opennr.cli.scan`
only, not the link-level simulator behind ``simulate`` (a noticeable part of a short command's
start-up). :data:`app` (``from opennr.cli import app``) and anything that lists the commands
(``opennr --help``, an unknown command) import every command module first, so the commands,
their options and their help are the same either way.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["app", "main", "parse_snr"]

#: Command name -> module of opennr.cli that registers it.
_COMMAND_MODULES: dict[str, str] = {
    "simulate": "simulate",
    "presets": "simulate",
    "waveform": "waveform",
    "scan": "scan",
    "report": "report",
    "plot": "report",
}
#: Import order of every command module (the order of ``opennr --help``).
_ALL_MODULES: tuple[str, ...] = ("report", "scan", "simulate", "waveform")


def _load(modules) -> None:
    for name in modules:
        importlib.import_module(f"opennr.cli.{name}")


def _full_app():
    """The Typer application with every command registered."""
    _load(_ALL_MODULES)
    from opennr.cli._app import app

    return app


def _command_of(argv: list[str]) -> str | None:
    """The subcommand named on a command line (the first argument not an option), if any."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def __getattr__(name: str):
    if name == "app":
        app = _full_app()
        globals()["app"] = app
        return app
    if name == "parse_snr":
        from opennr.cli.simulate import parse_snr

        globals()["parse_snr"] = parse_snr
        return parse_snr
    raise AttributeError(f"module 'opennr.cli' has no attribute {name!r}")


def main() -> None:
    """Console entry point ``opennr``: imports the named command's module only, then runs."""
    from opennr.cli._app import app

    command = _command_of(sys.argv[1:])
    module = _COMMAND_MODULES.get(command) if command is not None else None
    if module is not None:
        _load((module,))
    elif not (command is None and "--version" in sys.argv[1:] and "--help" not in sys.argv[1:]):
        app = _full_app()  # help, a listing or an unknown command: every command
    app()
