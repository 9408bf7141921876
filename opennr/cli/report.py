"""``opennr report`` (HTML report, CSV/JSON export of stored campaigns) and ``opennr plot``.

Examples (shell)::

    opennr report                                     # every campaign of opennr-results.sqlite
    opennr report --list                              # what the store holds
    opennr report runs.sqlite -c pdsch-mcs16 -o pdsch.html --csv pdsch.csv --json pdsch.json
    opennr plot a.sqlite b.sqlite -o compare.png      # several campaigns overlaid in one plot

Nothing is simulated: the numbers are recomputed from the stored batches only, so a report of an
unfinished campaign shows its finished points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from opennr.cli._app import app

__all__ = ["plot_command", "report_command"]

_STORES_HELP = "Results stores (SQLite; default: opennr-results.sqlite)."
_CAMPAIGN_HELP = (
    "Campaign name or configuration-hash prefix (repeatable); default: every campaign."
)
# the arguments shared by `opennr report` and `opennr plot`
_Stores = Annotated[
    list[Path] | None,
    typer.Argument(metavar="STORE.sqlite", help=_STORES_HELP, show_default=False),
]
_Campaigns = Annotated[list[str] | None, typer.Option("--campaign", "-c", help=_CAMPAIGN_HELP)]


def _fail(message: str, code: int) -> typer.Exit:
    Console(stderr=True, width=120).print(f"[red]Error:[/red] {escape(message)}")
    return typer.Exit(code)


def _collect(stores: list[Path] | None, campaigns: list[str] | None):
    """Report entries of the selected campaigns of every store, in store order."""
    from opennr.link.campaign import list_campaigns
    from opennr.link.report import load_entries
    from opennr.link.store import StoreError

    stores = list(stores) if stores else [Path("opennr-results.sqlite")]
    selectors = list(campaigns or [])
    entries, matched = [], set()
    for store in stores:
        if not store.is_file():
            raise _fail(f"results store {str(store)!r} does not exist", 2)
        try:
            records = list_campaigns(store)
            here = [
                s for s in selectors
                if any(r.name == s or r.config_hash.startswith(s) for r in records)
            ]
            matched.update(here)
            if selectors and not here:
                continue
            entries += load_entries(store, here)
        except StoreError as exc:
            raise _fail(str(exc), 1) from None
        except ValueError as exc:
            raise _fail(str(exc), 2) from None
    missing = [s for s in selectors if s not in matched]
    if missing:
        raise _fail(
            f"no campaign named {missing[0]!r} (or with a hash starting with it) in "
            f"{', '.join(map(str, stores))}; see `opennr report --list`",
            2,
        )
    if not entries:
        raise _fail(f"no campaign in {', '.join(map(str, stores))}", 2)
    return entries


def _list(stores: list[Path] | None) -> None:
    from opennr.link.campaign import list_campaigns
    from opennr.link.store import StoreError

    table = Table(title="stored campaigns")
    for column in ("store", "name", "hash", "preset", "points", "created (UTC)", "OpenNR"):
        table.add_column(column)
    for store in stores or [Path("opennr-results.sqlite")]:
        if not store.is_file():
            raise _fail(f"results store {str(store)!r} does not exist", 2)
        try:
            records = list_campaigns(store)
        except StoreError as exc:
            raise _fail(str(exc), 1) from None
        for r in records:
            table.add_row(
                escape(str(store)),
                escape(r.name),
                r.config_hash[:12],
                escape(str(r.config.get("preset", ""))),
                str(len(r.config.get("snr_db", []))),
                escape(r.created_utc[:19]),
                escape(r.software_version),
            )
    Console(width=160).print(table)


@app.command("report")
def report_command(
    stores: _Stores = None,
    campaign: _Campaigns = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML report file.")
    ] = Path("opennr-report.html"),
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also export every point as CSV.")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also export the campaigns as JSON.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Also write the (overlay) plot as PNG.")
    ] = None,
    title: Annotated[
        str, typer.Option(help="Title of the report.")
    ] = "OpenNR link-level campaign report",
    list_only: Annotated[
        bool, typer.Option("--list", help="List the campaigns of the stores and exit.")
    ] = False,
):
    """Write a self-contained HTML report (plots, table, configuration) of stored campaigns.

    Several stores and campaigns can be given: the report then opens with a plot overlaying
    them. Nothing is simulated; an unfinished campaign shows its finished points.
    """
    if list_only:
        _list(stores)
        return
    from opennr.link.report import write_csv, write_html_report, write_json

    entries = _collect(stores, campaign)
    written = [write_html_report(entries, output, title=title)]
    if csv_path is not None:
        written.append(write_csv(entries, csv_path))
    if json_path is not None:
        written.append(write_json(entries, json_path))
    if plot is not None:
        written.append(_plot(entries, plot, title))
    Console(width=120).print(
        escape(f"{len(entries)} campaign(s); written: {', '.join(map(str, written))}")
    )


def _plot(entries, path: Path, title: str) -> Path:
    from opennr.link.plotting import plot_campaigns
    from opennr.link.report import _labels

    labels = _labels(entries)
    snr_labels = {e.snr_label for e in entries}
    return plot_campaigns(
        [e.curve(lab) for e, lab in zip(entries, labels, strict=True)],
        path,
        title=title,
        snr_label=snr_labels.pop() if len(snr_labels) == 1 else "SNR [dB]",
    )


@app.command("plot")
def plot_command(
    stores: _Stores = None,
    campaign: _Campaigns = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="PNG file.")
    ] = Path("opennr-campaigns.png"),
    title: Annotated[str, typer.Option(help="Plot title.")] = "",
):
    """Plot BLER and throughput of stored campaigns, overlaid in one PNG for comparison."""
    entries = _collect(stores, campaign)
    path = _plot(entries, output, title)
    Console(width=120).print(escape(f"{len(entries)} campaign(s) plotted to {path}"))
