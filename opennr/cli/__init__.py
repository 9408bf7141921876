"""OpenNR command line ``opennr``: one module a subcommand family.

* :mod:`opennr.cli.simulate`: ``opennr simulate``, ``opennr presets`` (link-level campaigns).
* :mod:`opennr.cli.waveform`: ``opennr waveform`` (NR downlink carrier as a SigMF recording).
* :mod:`opennr.cli.scan`: ``opennr scan`` (cell search and MIB decoding of a recording).
* :mod:`opennr.cli.report`: ``opennr report`` (HTML report of a campaign).

The console entry point is :func:`main` (``opennr = "opennr.cli:main"``).
"""

from __future__ import annotations

from opennr.cli import report, scan, simulate, waveform  # noqa: F401  (register the commands)
from opennr.cli._app import app
from opennr.cli.simulate import parse_snr

__all__ = ["app", "main", "parse_snr"]


def main() -> None:
    """Console entry point ``opennr``."""
    app()
