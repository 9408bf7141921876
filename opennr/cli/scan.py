"""``opennr scan``: cell search and MIB decoding of an IQ recording (SigMF or raw).

TS 38.211 §7.4.2-§7.4.3 and TS 38.212 §7.1 through :func:`opennr.receiver.cell_search.cell_search`;
the recording is read by :func:`opennr.io.sigmf.read_recording`. Prints a table, or with
``--json`` a JSON list with one object per decoded SS/PBCH block (``pci``, ``ssb_index``,
``half_frame``, ``k_ssb``, ``sfn``, ``crc_ok``, ``snr_db``, ``cfo_hz``, ``sample_offset``,
``frame_start`` (first sample of the block's radio frame, TS 38.213 §4.1; ``--case B`` for
30 kHz case B bands), ``mib`` with the ASN.1 field names, and more). No cell: an empty list (or "No cell found") and
exit code 0. Bad input (unreadable or truncated file, unknown format, NaN samples, a recording
too short for one SS/PBCH block, a sample rate below the block bandwidth): a message on stderr
and exit code 2.

Without ``--gscn`` or ``--freq-offset`` the SSB is searched at the recording's centre and, for a
recording written by ``opennr waveform``, also where its metadata
(``opennr:ssb_frequency_offset_hz``) says the SSB is.

Examples (shell)::

    opennr scan capture.sigmf-meta
    opennr scan n78.sigmf-meta --scs 30 --gscn 7855 --json
    opennr scan n78.sigmf-meta --scs 30 --gscn all          # every raster point in the band
    opennr scan capture.bin --rate 15.36e6 --format ci16_le --freq-offset -450e3
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from opennr.cli._app import app

__all__ = ["parse_gscn", "parse_offsets", "scan_command"]

Datatype = Enum("Datatype", {d: d for d in ("cf32_le", "ci16_le", "ci32_le", "cf64_le")}, type=str)
Case = Enum("Case", {c: c for c in "ABCDE"}, type=str)


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _parse_list(text: str, convert, option: str, expected: str) -> list:
    """The comma-separated values of ``option`` through ``convert``; empty items are skipped."""
    try:
        values = [convert(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{option} must be {expected}, got {text!r}") from None
    if not values:
        raise ValueError(f"{option} is empty")
    return values


def parse_gscn(text: str | None):
    """Parse ``--gscn``: ``"all"``, ``"7855"`` or ``"7854,7855"`` (TS 38.104 §5.4.3.1 GSCNs).

    >>> parse_gscn("all"), parse_gscn("7855, 7856"), parse_gscn(None)
    ('all', [7855, 7856], None)
    """
    if text is None:
        return None
    text = text.strip()
    if text.lower() == "all":
        return "all"
    return _parse_list(text, int, "--gscn", "'all' or comma-separated integers")


def parse_offsets(text: str | None) -> list[float] | None:
    """Parse ``--freq-offset``: comma-separated offsets in Hz (``"-450e3"``, ``"0,9.84e6"``).

    >>> parse_offsets("-450e3, 1e6")
    [-450000.0, 1000000.0]
    """
    if text is None:
        return None
    return _parse_list(text, float, "--freq-offset", "comma-separated numbers in Hz")


def _generator_offsets(rec) -> list[float] | None:
    """Default search: the centre, plus the SSB position ``opennr waveform`` recorded, if any."""
    off = rec.metadata.get("global", {}).get("opennr:ssb_frequency_offset_hz")
    if isinstance(off, int | float) and not isinstance(off, bool) and off != 0:
        return [0.0, float(off)]
    return None


def _table(results, path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not results:
        console.print(f"No cell found in {path.name}.")
        return
    table = Table(title=f"SS/PBCH blocks in {path.name}")
    for col in ("PCI", "SSB", "HF", "SFN", "kSSB", "CRC", "SNR dB", "CFO Hz", "sample", "frame@",
                "SCS", "GSCN"):
        table.add_column(col, justify="left" if col == "CRC" else "right", no_wrap=True)

    def show(v):
        return "-" if v is None else str(v)

    lines = []
    for r in results:
        d = r.to_dict()
        table.add_row(show(d["pci"]), show(d["ssb_index"]), show(d["half_frame"]),
                      show(d["sfn"]), show(d["k_ssb"]), "ok" if d["crc_ok"] else "FAIL",
                      show(d["snr_db"]), show(d["cfo_hz"]), show(d["sample_offset"]),
                      show(d["frame_start"]), show(d["scs_khz"]), show(d["gscn"]))
        mib = d["mib"]
        if mib is not None:
            cfg = mib["pdcch-ConfigSIB1"]
            lines.append(
                f"PCI {d['pci']} SSB {d['ssb_index']} @ {d['sample_offset']}: MIB "
                f"systemFrameNumber={mib['systemFrameNumber']} "
                f"subCarrierSpacingCommon={mib['subCarrierSpacingCommon']} "
                f"ssb-SubcarrierOffset={mib['ssb-SubcarrierOffset']} "
                f"dmrs-TypeA-Position={mib['dmrs-TypeA-Position']} "
                f"controlResourceSetZero={cfg['controlResourceSetZero']} "
                f"searchSpaceZero={cfg['searchSpaceZero']} cellBarred={mib['cellBarred']} "
                f"intraFreqReselection={mib['intraFreqReselection']}")
    console.print(table)
    for line in lines:
        console.print(line, highlight=False)


@app.command("scan")
def scan_command(
    recording: Annotated[Path, typer.Argument(help="A .sigmf-meta / .sigmf-data file, or a raw IQ file with --rate and --format.")],
    rate: Annotated[float | None, typer.Option("--rate", help="Sample rate in Hz (raw files; must match a SigMF file's).")] = None,
    fmt: Annotated[Datatype | None, typer.Option("--format", help="Sample format of a raw file (SigMF datatype).")] = None,
    center_frequency: Annotated[float | None, typer.Option(help="Recording centre frequency in Hz (overrides core:frequency; needed for --gscn).")] = None,
    scs: Annotated[int | None, typer.Option(help="SS/PBCH block subcarrier spacing in kHz (15, 30, 120, 240). Default: try 15 and 30.")] = None,
    gscn: Annotated[str | None, typer.Option(help="Search these GSCN raster points ('7855', '7854,7855') or 'all' in the band.")] = None,
    freq_offset: Annotated[str | None, typer.Option(help="Search SSB centres at these offsets from the recording centre, Hz ('-450e3', '0,9.84e6').")] = None,
    l_max: Annotated[int | None, typer.Option(help="L_max (4, 8, 64); default inferred.")] = None,
    channel: Annotated[int | None, typer.Option(help="Search only this channel of a multi-channel recording (default: all, combined).")] = None,
    max_cfo: Annotated[float, typer.Option(help="CFO search range in SSB subcarrier spacings.")] = 2.5,
    case: Annotated[Case | None, typer.Option(help="SS/PBCH block case for the frame start (default A 15 kHz, C 30 kHz, D 120 kHz, E 240 kHz; B: 30 kHz case B bands such as n5, n66).")] = None,
    show_failed: Annotated[bool, typer.Option("--all", help="Also list candidates whose MIB CRC fails.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")] = False,
):
    """Find the SS/PBCH blocks of a recording and decode their MIB (TS 38.211 §7.4, TS 38.212 §7.1)."""
    from opennr.io.sigmf import read_recording
    from opennr.receiver.cell_search import cell_search

    try:
        gscns = parse_gscn(gscn)
        offsets = parse_offsets(freq_offset)
        rec = read_recording(recording, sample_rate=rate,
                             datatype=None if fmt is None else fmt.value,
                             center_frequency=center_frequency)
        if gscns is None and offsets is None:
            offsets = _generator_offsets(rec)
        results = cell_search(rec.samples, rec.sample_rate, scs_khz=scs,
                              center_frequency=rec.center_frequency, gscn=gscns,
                              frequency_offsets=offsets, l_max=l_max, channel=channel,
                              max_cfo=max_cfo, include_failed=show_failed,
                              ssb_case=None if case is None else case.value)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        _table(results, recording)
