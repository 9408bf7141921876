"""``opennr simulate`` (BLER vs SNR link simulation) and ``opennr presets``.

Examples (shell)::

    opennr presets
    opennr simulate                                   # the ldpc-awgn preset, table + PNG plot
    opennr simulate --preset ldpc-awgn-bg2 --snr 0:0.5:4 --target-errors 200 --seed 7
    opennr simulate --preset bpsk-awgn --snr 0,2,4 --json --no-plot > bler.json
    opennr simulate --preset ldpc-qam-awgn --mcs 20 --mcs-table qam256 --snr 10:0.25:14

"""

from __future__ import annotations

import json
import math
import re
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from opennr.cli._app import app
from opennr.link.engine import PointResult, SweepResult, SweepSettings, run_sweep
from opennr.link.presets import ALGORITHMS, PDSCH_MCS_TABLES, PRESETS, get_preset

__all__ = ["parse_snr", "presets_command", "simulate_command"]


Algorithm = Enum("Algorithm", {a.replace("-", "_"): a for a in ALGORITHMS}, type=str)
McsTable = Enum("McsTable", {t: t for t in PDSCH_MCS_TABLES}, type=str)

_RANGE = re.compile(r"^\s*([^:]+):([^:]+):([^:]+)\s*$")
_MAX_POINTS = 10_000


def parse_snr(text: str) -> tuple[float, ...]:
    """Parse an SNR grid: ``"start:step:stop"`` (stop included), ``"a,b,c"`` or ``"a"`` (dB).

    Raises ``ValueError`` with a message for anything else (not finite, not strictly increasing,
    step <= 0, more than 10,000 points).

    Examples
    --------
    >>> parse_snr("0:0.5:2")
    (0.0, 0.5, 1.0, 1.5, 2.0)
    >>> parse_snr("1, 2.5,4")
    (1.0, 2.5, 4.0)
    """
    text = str(text).strip()
    if not text:
        raise ValueError("the SNR grid is empty; use 'start:step:stop' or 'a,b,c' (dB)")
    m = _RANGE.match(text)
    try:
        if m:
            start, step, stop = (float(v) for v in m.groups())
            if not all(math.isfinite(v) for v in (start, step, stop)):
                raise ValueError("start, step and stop must be finite")
            if step <= 0:
                raise ValueError(f"step must be > 0, got {step:g}")
            if stop < start:
                raise ValueError(f"stop ({stop:g}) must be >= start ({start:g})")
            n = int(math.floor((stop - start) / step + 1e-9)) + 1
            if n > _MAX_POINTS:
                raise ValueError(f"{n} points is too many (at most {_MAX_POINTS})")
            points = tuple(round(start + i * step, 10) for i in range(n))
        else:
            points = tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise ValueError(
            f"cannot parse SNR grid {text!r}: {exc}; use 'start:step:stop' (e.g. 0:0.5:3) or a "
            f"comma-separated list (e.g. 0,1,2), in dB"
        ) from None
    if not all(math.isfinite(v) for v in points):
        raise ValueError(f"SNR grid {text!r} holds a value that is not finite")
    if any(b <= a for a, b in zip(points, points[1:], strict=False)):
        raise ValueError(f"SNR grid {text!r} must be strictly increasing")
    return points


class _RichObserver:
    """Progress bar per SNR point: blocks, errors, BLER and an ETA (to stderr)."""

    _SCALE = 1000

    def __init__(self, progress: Progress, n_points: int):
        self.progress = progress
        self.n_points = n_points
        self.task = None

    def _update(self, partial: PointResult | None, settings: SweepSettings, done: bool = False):
        if partial is None:
            frac, blocks, errors, bler = 0.0, 0, 0, "-"
        else:
            frac = max(
                partial.blocks / settings.max_blocks,
                partial.block_errors / settings.target_block_errors,
            )
            blocks, errors, bler = partial.blocks, partial.block_errors, f"{partial.bler:.2e}"
        self.progress.update(
            self.task,
            completed=self._SCALE if done else min(frac, 1.0) * self._SCALE,
            blocks=blocks,
            errors=errors,
            bler=bler,
        )

    def point_started(self, index, snr_db, settings):
        self.settings = settings
        self.task = self.progress.add_task(
            escape(f"[{index + 1:>{len(str(self.n_points))}}/{self.n_points}] {snr_db:6.2f} dB"),
            total=self._SCALE,
            blocks=0,
            errors=0,
            bler="-",
        )

    def batch_done(self, index, partial, settings):
        self._update(partial, settings)

    def point_done(self, index, result):
        self._update(result, self.settings, done=True)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=16),
        TextColumn(
            "{task.fields[blocks]:>6} blk {task.fields[errors]:>5} err BLER {task.fields[bler]:>8}"
        ),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(compact=True),
        console=console,
        transient=False,
    )


def _console(*, stderr: bool) -> Console:
    """A console; when not writing to a terminal (pipe, file, test runner) use 120 columns."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=120)
    return console


def _table(result: SweepResult, snr_label: str, title: str) -> Table:
    table = Table(title=escape(title))
    table.add_column(escape(snr_label), justify="right")
    table.add_column("blocks", justify="right")
    table.add_column("errors", justify="right")
    table.add_column("BLER", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("BER", justify="right")
    table.add_column(escape("throughput [bits/block]"), justify="right")
    table.add_column(escape("time [s]"), justify="right")
    for p in result.points:
        low, high = p.bler_ci
        table.add_row(
            f"{p.snr_db:.2f}",
            str(p.blocks),
            str(p.block_errors),
            f"{p.bler:.2e}",
            f"{low:.1e}..{high:.1e}",
            f"{p.ber:.2e}",
            f"{p.throughput:.1f}",
            f"{p.elapsed:.1f}",
        )
    return table


@app.command("presets")
def presets_command():
    """List the simulation presets with a one-line description."""
    console = Console()
    table = Table(title="opennr simulate presets")
    table.add_column("preset", style="bold")
    table.add_column("default grid [dB]", justify="right")
    table.add_column("description")
    for name, preset in PRESETS.items():
        grid = preset.snr_db
        step = grid[1] - grid[0] if len(grid) > 1 else 0.0
        table.add_row(name, f"{grid[0]:g}:{step:g}:{grid[-1]:g}", preset.description)
    console.print(table)


@app.command(
    "simulate",
    epilog=("Example: opennr simulate --preset ldpc-awgn-bg2 --snr 0:0.25:2 --json > b.json"),
)
def simulate_command(
    preset: Annotated[
        str, typer.Option(help=f"Simulation preset: {', '.join(PRESETS)} (see `opennr presets`).")
    ] = "ldpc-awgn",
    snr: Annotated[
        str | None,
        typer.Option(
            help="SNR grid in dB (Eb/N0, or Es/N0 per RE for ldpc-qam-awgn): 'start:step:stop' "
            "(e.g. 0:0.5:3) or a list '0,1,2'. Default: the preset's grid."
        ),
    ] = None,
    target_errors: Annotated[
        int, typer.Option(min=1, help="Block errors after which an SNR point stops.")
    ] = 100,
    max_blocks: Annotated[
        int, typer.Option(min=1, help="Blocks after which an SNR point stops at the latest.")
    ] = 2000,
    batch: Annotated[
        int | None,
        typer.Option(min=1, help="Blocks per batch (default: the preset's batch size)."),
    ] = None,
    bler_floor: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.999,
            help="Stop the sweep after a point whose BLER is below this (0 disables).",
        ),
    ] = 1e-3,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed; the same seed gives the same results.")
    ] = 1,
    algorithm: Annotated[
        Algorithm | None,
        typer.Option(help="LDPC decoder algorithm (default: the preset's, layered-spa)."),
    ] = None,
    iterations: Annotated[
        int | None,
        typer.Option(min=1, max=1000, help="Maximum LDPC decoder iterations (default 20)."),
    ] = None,
    mcs: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=31,
            help="MCS index I_MCS (TS 38.214 §5.1.3.1) for presets with an MCS (ldpc-qam-awgn).",
        ),
    ] = None,
    mcs_table: Annotated[
        McsTable | None,
        typer.Option(help="MCS table for presets with an MCS (default qam64)."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="PNG file for the BLER/throughput plot (default: opennr-<preset>.png)."),
    ] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not write a plot.")] = False,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print only a JSON list of the points on stdout."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no messages.")
    ] = False,
):
    """Simulate BLER versus SNR (Eb/N0, or Es/N0 per RE) over AWGN: print a table and a PNG plot.

    Each SNR point runs until --target-errors block errors or --max-blocks blocks.
    The sweep stops after a point whose BLER is below --bler-floor.
    Throughput = (1 - BLER) x TBS: information bits delivered per block.
    Ctrl-C stops cleanly with the points finished so far (exit code 130).
    """
    if preset not in PRESETS:
        raise typer.BadParameter(
            f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}", param_hint="--preset"
        )
    chosen = get_preset(preset)
    overrides = {}
    algorithm_value = None if algorithm is None else algorithm.value
    for option, name, value, what in (
        ("--algorithm", "algorithm", algorithm_value, "LDPC decoder"),
        ("--iterations", "max_iterations", iterations, "LDPC decoder"),
        ("--mcs", "mcs", mcs, "MCS"),
        ("--mcs-table", "mcs_table", None if mcs_table is None else mcs_table.value, "MCS"),
    ):
        if value is None:
            continue
        if not chosen.supports(name):
            raise typer.BadParameter(
                f"preset {preset!r} has no {what}; {option} does not apply", param_hint=option
            )
        overrides[name] = value
    if overrides:
        try:
            chosen = chosen.with_overrides(**overrides)
        except ValueError as exc:  # e.g. a reserved MCS index of the chosen table
            hint = "--mcs" if "mcs" in overrides else None
            raise typer.BadParameter(str(exc), param_hint=hint) from None
    if snr is None:
        snrs = chosen.snr_db
    else:
        try:
            snrs = parse_snr(snr)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--snr") from None
    settings = SweepSettings(
        target_block_errors=target_errors,
        max_blocks=max_blocks,
        batch_size=batch if batch is not None else chosen.batch_size,
        bler_floor=bler_floor,
        seed=seed,
    )

    out = _console(stderr=False)
    err = _console(stderr=True)
    show_progress = not quiet
    title = f"opennr simulate --preset {preset} (seed {seed})"
    if show_progress:
        with _progress(err) as progress:
            result = run_sweep(
                chosen.batch_function(),
                snrs,
                settings,
                observer=_RichObserver(progress, len(snrs)),
            )
    else:
        result = run_sweep(chosen.batch_function(), snrs, settings)

    if json_output:
        typer.echo(json.dumps(result.to_dicts(), indent=2))
    else:
        out.print(_table(result, chosen.snr_label, title))
    notes = err if json_output else out
    if not quiet:
        if result.stop_reason == "bler-floor":
            notes.print(
                f"Stopped: BLER below the floor {bler_floor:g} at {result.points[-1].snr_db:g} dB."
            )
        elif result.interrupted:
            notes.print(f"Interrupted: {len(result.points)} point(s) finished.")
    if not no_plot and result.points:
        from opennr.link.plotting import plot_sweep

        path = plot if plot is not None else Path(f"opennr-{preset}.png")
        plot_sweep(result.points, path, title=title, snr_label=chosen.snr_label)
        if not quiet:
            notes.print(f"Plot written to {path}")
    if result.interrupted:
        raise typer.Exit(130)
