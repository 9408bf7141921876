"""``opennr simulate`` (BLER/throughput vs SNR campaigns) and ``opennr presets``.

Examples (shell)::

    opennr presets
    opennr simulate                                   # ldpc-awgn: table, PNG plot, results store
    opennr simulate campaign.toml --workers 2         # a campaign file (see opennr.link.config)
    opennr simulate --preset ldpc-awgn-bg2 --snr 0:0.5:4 --target-errors 200 --seed 7
    opennr simulate --preset bpsk-awgn --snr 0,2,4 --json --no-plot > bler.json
    opennr simulate --preset pdsch-awgn --set mcs=20 --set estimation=perfect
    opennr simulate --preset pdsch-awgn --harq 4 --snr 0:1:4  # HARQ statistics per point
    opennr simulate --preset pusch-tp-awgn --dask tcp://scheduler:8786 --store runs.sqlite
    opennr simulate --preset polar-dci-awgn --report dci.html --csv dci.csv

Every finished batch is committed to the results store (``opennr-results.sqlite`` in the working
directory unless ``--store``/``--no-store``): the same command started again after Ctrl-C, a
crash or ``kill -9`` resumes where it stopped and ends with the numbers of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import replace
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

import opennr.link.presets as _presets
from opennr.cli._app import app
from opennr.link.config import (
    CampaignConfig,
    ConfigError,
    check_overrides,
    load_campaign_config,
    parse_snr,
)
from opennr.link.engine import PointResult, SweepResult, SweepSettings
from opennr.link.presets import ALGORITHMS, PRESETS
from opennr.scheduling.mcs import MCS_TABLES

__all__ = ["parse_snr", "presets_command", "simulate_command"]


Algorithm = Enum("Algorithm", {a.replace("-", "_"): a for a in ALGORITHMS}, type=str)
McsTable = Enum("McsTable", {t.replace("-", "_"): t for t in MCS_TABLES}, type=str)


class _RichObserver:
    """Progress bar per SNR point: blocks, errors, BLER and an ETA (to stderr)."""

    _SCALE = 1000

    def __init__(self, progress: Progress, n_points: int):
        self.progress = progress
        self.n_points = n_points
        self.task = None
        self.settings = None

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
        refresh_per_second=4,  # engine + store + progress stay under 5 % (benchmarks/bench_campaign.py)
    )


def _console(*, stderr: bool) -> Console:
    """A console; when not writing to a terminal (pipe, file, test runner) use 132 columns."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=132)
    return console


def _table(result: SweepResult, preset, title: str) -> Table:
    slots = preset.slot_duration is not None
    harq = result.harq
    table = Table(title=escape(title))
    table.add_column(escape(preset.snr_label), justify="right")
    table.add_column("blocks", justify="right")
    table.add_column("errors", justify="right")
    table.add_column("BLER (residual)" if harq else "BLER", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("BER", justify="right")
    if slots:
        table.add_column(escape("throughput [Mbit/s]"), justify="right")
        table.add_column("% of max", justify="right")
    else:
        table.add_column(escape("throughput [bits/block]"), justify="right")
    if harq:
        table.add_column("1st-tx BLER", justify="right")
        table.add_column("mean tx", justify="right")
    table.add_column(escape("time [s]"), justify="right")
    for p in result.points:
        low, high = p.bler_ci
        row = [
            f"{p.snr_db:.2f}",
            str(p.blocks),
            str(p.block_errors),
            f"{p.bler:.2e}",
            f"{low:.1e}..{high:.1e}",
            f"{p.ber:.2e}",
        ]
        if slots:
            m = preset.throughput_metrics(p)
            row += [f"{m['throughput_bps'] / 1e6:.3f}", f"{m['throughput_percent']:.1f}"]
        else:
            row.append(f"{p.throughput:.1f}")
        if harq:
            row += [f"{p.first_tx_bler:.2e}", f"{p.mean_transmissions:.3f}"]
        row.append(f"{p.elapsed:.1f}")
        table.add_row(*row)
    return table


@app.command("presets")
def presets_command(
    name: Annotated[
        str | None,
        typer.Argument(help="Show this preset's configuration fields (for --set / [overrides]).",
                       show_default=False),
    ] = None,
):
    """List the simulation presets with a one-line description, or one preset's parameters."""
    console = Console()
    if name is not None:
        if name not in _presets.PRESETS:
            raise typer.BadParameter(
                f"unknown preset {name!r}; choose one of {', '.join(_presets.PRESETS)}",
                param_hint="NAME",
            )
        preset = _presets.PRESETS[name]
        table = Table(title=escape(f"{name}: {preset.description}"))
        table.add_column("parameter (--set KEY=VALUE)", style="bold")
        table.add_column("default", justify="right")
        table.add_column("type")
        for key, value in preset.describe_config().items():
            table.add_row(escape(key), escape(repr(value)), type(value).__name__)
        console.print(table)
        grid = preset.snr_db
        console.print(escape(
            f"SNR: {preset.snr_label}, default grid {grid[0]:g}..{grid[-1]:g} dB "
            f"({len(grid)} points); batch {preset.batch_size}, stop at {preset.target_errors} "
            f"errors or {preset.max_blocks} blocks"
            + ("" if preset.slot_duration is None else
               f"; slot {preset.slot_duration * 1e3:g} ms (throughput in bits/s)")
        ))
        return
    table = Table(title="opennr simulate presets")
    table.add_column("preset", style="bold")
    table.add_column("default grid [dB]", justify="right")
    table.add_column("description")
    for key, preset in _presets.PRESETS.items():
        grid = preset.snr_db
        step = grid[1] - grid[0] if len(grid) > 1 else 0.0
        table.add_row(key, f"{grid[0]:g}:{step:g}:{grid[-1]:g}", preset.description)
    console.print(table)
    console.print("Parameters of a preset: opennr presets NAME")


def _parse_set(items: list[str] | None) -> dict:
    """``KEY=VALUE`` pairs; VALUE is read as a TOML value (``8``, ``true``, ``1e-3``), else text."""
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise typer.BadParameter(
                f"expected KEY=VALUE (e.g. max_iterations=8), got {item!r}", param_hint="--set"
            )
        try:
            out[key] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            out[key] = value.strip()
    return out


def _version() -> str:
    from opennr import __version__

    return __version__


def _fail(message: str, code: int) -> typer.Exit:
    _console(stderr=True).print(f"[red]Error:[/red] {escape(message)}")
    return typer.Exit(code)


@app.command(
    "simulate",
    epilog=(
        "Examples: opennr simulate --preset ldpc-awgn-bg2 --snr 0:0.25:2 --json > b.json; "
        "opennr simulate campaign.toml --workers 2 --plot bler.png"
    ),
)
def simulate_command(
    config_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="CONFIG.toml",
            help="Campaign file (TOML keys preset, snr, seed, workers, dask, store, name, plot "
            "and the tables overrides and stopping); command-line options override it.",
            show_default=False,
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(help=f"Simulation preset: {', '.join(PRESETS)} (see `opennr presets`). "
                     "Default: ldpc-awgn."),
    ] = None,
    snr: Annotated[
        str | None,
        typer.Option(
            help="SNR grid in dB (Eb/N0, or Es/N0 per RE, see `opennr presets`): "
            "'start:step:stop' (e.g. 0:0.5:3) or a list '0,1,2'. Default: the preset's grid."
        ),
    ] = None,
    target_errors: Annotated[
        int | None,
        typer.Option(min=1, help="Block errors after which an SNR point stops (default: the preset's, mostly 100)."),
    ] = None,
    max_blocks: Annotated[
        int | None,
        typer.Option(min=1, help="Blocks after which an SNR point stops at the latest "
                     "(default: the preset's, mostly 2000)."),
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option(min=1, help="Blocks per batch (default: the preset's batch size)."),
    ] = None,
    bler_floor: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=0.999,
            help="Stop the sweep after a point whose BLER is below this, 0 disables (default 1e-3).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed; the same seed gives the same results (default 1).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Local worker processes (default: all cores); results do not "
                     "depend on it."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            envvar="DASK_SCHEDULER_ADDRESS",
            help="Run the batches on a dask.distributed scheduler (tcp://host:8786), or 'local' "
            "for a LocalCluster.",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help="SQLite results store; a campaign found there resumes "
                     "(default: opennr-results.sqlite)."),
    ] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Keep no results store (no resume).")
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="Campaign name in the store (default: 'default').")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a field of the preset's configuration, KEY=VALUE (repeatable), e.g. "
            "--set mcs=20 --set estimation=perfect.",
        ),
    ] = None,
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
            help="MCS index I_MCS (TS 38.214 §5.1.3.1) for presets with an MCS.",
        ),
    ] = None,
    mcs_table: Annotated[
        McsTable | None,
        typer.Option(help="MCS table for presets with an MCS (default qam64)."),
    ] = None,
    harq: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=4,
            help="HARQ for the PDSCH/PUSCH slot presets: transmissions per transport block at "
            "most (rv 0, 2, 3, 1, soft combining); 1 = no HARQ (default). Adds the first-"
            "transmission BLER and the mean transmissions to the results.",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="PNG file for the BLER/throughput plot (default: opennr-PRESET.png, or "
                     "opennr-NAME.png for a named campaign)."),
    ] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not write a plot.")] = False,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print only a JSON list of the points on stdout."),
    ] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also write the points as CSV to this file.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write a self-contained HTML report (plot, table, configuration)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no messages.")
    ] = False,
):
    """Simulate BLER and throughput versus SNR: a table, a PNG plot and a resumable results store.

    Each SNR point runs batches until --target-errors block errors or --max-blocks blocks.
    The sweep stops after a point whose BLER is below --bler-floor.
    Throughput = (1 - BLER) x TBS per block; bits/s and % of the maximum for slot presets
    (with --harq: delivered bits per slot used, retransmissions included).
    Ctrl-C stops cleanly with the points finished so far (exit code 130); run the same
    command again to resume.
    """
    # ---- the campaign: file, then command-line options
    if config_file is not None:
        try:
            cfg = load_campaign_config(config_file)
        except ConfigError as exc:
            raise _fail(str(exc), 2) from None
    else:
        cfg = CampaignConfig()
    if preset is not None and preset not in _presets.PRESETS:
        raise typer.BadParameter(
            f"unknown preset {preset!r}; choose one of {', '.join(_presets.PRESETS)}",
            param_hint="--preset",
        )
    snrs = None
    if snr is not None:
        try:
            snrs = parse_snr(snr)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--snr") from None
    cfg = cfg.merged(
        preset=preset,
        snr_db=snrs,
        target_errors=target_errors,
        max_blocks=max_blocks,
        batch_size=batch,
        bler_floor=bler_floor,
        seed=seed,
        workers=workers,
        dask=dask,
        store=None if store is None else str(store),
        name=name,
        plot=None if plot is None else str(plot),
    )
    base = _presets.PRESETS[cfg.preset]
    overrides = dict(cfg.overrides)
    algorithm_value = None if algorithm is None else algorithm.value
    for option, key, value, what in (
        ("--algorithm", "algorithm", algorithm_value, "LDPC decoder"),
        ("--iterations", "max_iterations", iterations, "LDPC decoder"),
        ("--mcs", "mcs", mcs, "MCS"),
        ("--mcs-table", "mcs_table", None if mcs_table is None else mcs_table.value, "MCS"),
        ("--harq", "harq_max_transmissions", harq, "HARQ"),
    ):
        if value is None:
            continue
        if not base.supports(key):
            raise typer.BadParameter(
                f"preset {cfg.preset!r} has no {what}; {option} does not apply", param_hint=option
            )
        overrides[key] = value
    set_values = _parse_set(set_)
    overrides.update(set_values)
    if overrides != dict(cfg.overrides):
        try:
            overrides = check_overrides(overrides, cfg.preset, source="command line")
        except ConfigError as exc:
            hint = "--mcs" if "'overrides.mcs'" in str(exc) and mcs is not None else (
                "--set" if set_values else None)
            raise typer.BadParameter(str(exc), param_hint=hint) from None
        cfg = replace(cfg, overrides=overrides)
    if cfg.name != "default":
        from opennr.link.config import _NAME

        if not _NAME.match(cfg.name):
            raise typer.BadParameter(
                f"must be 1..128 letters, digits or '._+-' (no spaces), got {cfg.name!r}",
                param_hint="--name",
            )
    try:
        chosen = cfg.preset_object()
        spec = cfg.spec()
    except ConfigError as exc:
        raise _fail(str(exc), 2) from None
    except (ValueError, TypeError) as exc:
        where = f"{config_file} [overrides] with --preset {cfg.preset}: " if config_file else ""
        raise _fail(f"{where}{exc}", 2) from None

    # ---- run
    from opennr.link.campaign import run_campaign
    from opennr.link.store import StoreError

    store_path = None if no_store else Path(cfg.store or "opennr-results.sqlite")
    n_workers = cfg.workers if cfg.workers is not None else (os.cpu_count() or 1)
    out = _console(stderr=False)
    err = _console(stderr=True)
    title = f"opennr simulate --preset {cfg.preset} (seed {spec.settings.seed})"
    if cfg.name != "default":
        title = f"{cfg.name}: {title}"
    kwargs = {"store": store_path, "workers": n_workers, "dask": cfg.dask}
    try:
        if quiet:
            result = run_campaign(spec, **kwargs)
        else:
            if store_path is not None:
                err.print(escape(f"Results store: {store_path} (campaign {spec.name!r}, "
                                 f"{spec.config_hash()[:12]})"))
            with _progress(err) as progress:
                result = run_campaign(
                    spec, observer=_RichObserver(progress, len(spec.snr_db)), **kwargs
                )
    except StoreError as exc:
        raise _fail(str(exc), 1) from None
    except ConnectionError as exc:
        raise _fail(str(exc), 1) from None
    except OSError as exc:
        raise _fail(str(exc), 1) from None

    # ---- output
    from opennr.link.report import point_rows

    rows = point_rows(result.points, slot_duration=chosen.slot_duration)
    if json_output:
        typer.echo(json.dumps(rows, indent=2))
    else:
        out.print(_table(result, chosen, title))
    notes = err if json_output else out
    if not quiet and chosen.slot_duration is not None:
        from opennr.link.report import snr_at_throughput

        snr70 = snr_at_throughput(result.points, 70.0)
        if snr70 is not None:
            notes.print(f"Throughput reaches 70 % of its maximum at {snr70:.2f} dB (interpolated).")
    if not quiet:
        if result.stop_reason == "bler-floor":
            notes.print(
                f"Stopped: BLER below the floor {spec.settings.bler_floor:g} at "
                f"{result.points[-1].snr_db:g} dB."
            )
        elif result.interrupted:
            notes.print(
                f"Interrupted: {len(result.points)} point(s) finished"
                + ("; run the same command again to resume." if store_path else ".")
            )
    if csv_path is not None:
        from opennr.link.report import ReportEntry, write_csv

        write_csv([ReportEntry(spec.name, result.points, spec.to_dict(),
                               slot_duration=chosen.slot_duration)], csv_path)
    if report is not None:
        from opennr.link.report import ReportEntry, write_html_report

        entry = ReportEntry(
            spec.name, result.points, spec.to_dict(), preset_description=chosen.description,
            snr_label=chosen.snr_label, slot_duration=chosen.slot_duration,
            config_hash=spec.config_hash(), software_version=_version(),
            stop_reason=result.stop_reason, source="" if store_path is None else str(store_path),
        )
        write_html_report([entry], report, title=title)
        if not quiet:
            notes.print(escape(f"Report written to {report}"))
    if not no_plot and result.points:
        from opennr.link.plotting import plot_sweep

        default = f"opennr-{cfg.preset if cfg.name == 'default' else cfg.name}.png"
        path = Path(cfg.plot) if cfg.plot else Path(default)
        plot_sweep(result.points, path, title=title, snr_label=chosen.snr_label,
                   slot_duration=chosen.slot_duration)
        if not quiet:
            notes.print(escape(f"Plot written to {path}"))
    if result.interrupted:
        raise typer.Exit(130)
