"""``opennr waveform``: an NR downlink carrier with an SS burst, written as a SigMF recording.

TS 38.211 §5.3.1, §7.4.3 and TS 38.213 §4.1 through :func:`opennr.waveform.generate_waveform`;
the configuration and the ground truth of every SS/PBCH block land in the ``opennr:`` keys of
the ``.sigmf-meta`` file.

Examples (shell)::

    opennr waveform cell500 --pci 500 --scs 30 --prb 51 --sample-rate 23.04e6 \\
        --center-frequency 3.5e9 --frames 2 --fill qpsk
    opennr waveform noisy --pci 17 --scs 15 --prb 25 --sample-rate 7.68e6 --cfo 20e3 \\
        --timing-offset 1234 --snr -6 --seed 3 --datatype ci16_le --json
    opennr waveform loaded --pci 9 --scs 30 --prb 51 --sample-rate 30.72e6 --fill pdsch \\
        --pdsch-mcs 9                 # a PDSCH in every slot (TS 38.211 §7.3.1)
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from opennr.cli._app import app
from opennr.coding.bch import Mib
from opennr.ofdm.carrier import CarrierConfig
from opennr.waveform import (
    FILL_MODES,
    Impairments,
    PdschFillConfig,
    SsBurstConfig,
    WaveformConfig,
    generate_waveform,
    write_waveform,
)

__all__ = ["waveform_command"]

Datatype = Enum("Datatype", {d: d for d in ("cf32_le", "ci16_le", "ci32_le", "cf64_le")}, type=str)
Fill = Enum("Fill", {f: f for f in FILL_MODES}, type=str)
Case = Enum("Case", {c: c for c in "ABCDEFG"}, type=str)


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@app.command("waveform")
def waveform_command(
    output: Annotated[Path, typer.Argument(help="Output base name (.sigmf-meta/.sigmf-data are added).")],
    pci: Annotated[int, typer.Option(help="Physical cell identity N_ID^cell, 0..1007.")] = 1,
    scs: Annotated[int, typer.Option(help="Subcarrier spacing in kHz (carrier and SSB): 15, 30, 120, 240.")] = 30,
    prb: Annotated[int, typer.Option(help="Carrier bandwidth N_grid^size in PRBs (>= 20).")] = 24,
    sample_rate: Annotated[float | None, typer.Option(help="Sample rate in Hz (N_fft * SCS, N_fft a multiple of 128). Default: MATLAB's FFT size.")] = None,
    center_frequency: Annotated[float, typer.Option(help="Carrier centre frequency in Hz (SigMF core:frequency; sets L_max).")] = 0.0,
    frames: Annotated[int, typer.Option(help="Duration in 10 ms frames (ignored with --subframes).")] = 1,
    subframes: Annotated[int | None, typer.Option(help="Duration in 1 ms subframes.")] = None,
    sfn: Annotated[int, typer.Option(help="SFN of the first frame, 0..1023.")] = 0,
    case: Annotated[Case | None, typer.Option(help="SS/PBCH block case A-G (default from --scs).")] = None,
    l_max: Annotated[int | None, typer.Option("--lmax", help="L_max: 4, 8 or 64 (default from case and frequency).")] = None,
    positions: Annotated[str | None, typer.Option(help="ssb-PositionsInBurst bitmap, L_max bits, e.g. 10100000 (default: block 0 only).")] = None,
    period: Annotated[int, typer.Option(help="SS burst periodicity in ms: 5, 10, 20, 40, 80, 160.")] = 20,
    k_ssb: Annotated[int | None, typer.Option(help="k_SSB (needs --offset-to-point-a); default: SSB near the carrier centre.")] = None,
    offset_to_point_a: Annotated[int | None, typer.Option(help="offsetToPointA in RBs (15 kHz FR1, 60 kHz FR2).")] = None,
    scs_common: Annotated[str, typer.Option(help="MIB subCarrierSpacingCommon: scs15or60 or scs30or120.")] = "scs30or120",
    coreset0: Annotated[int, typer.Option(help="MIB controlResourceSetZero, 0..15.")] = 0,
    search_space0: Annotated[int, typer.Option(help="MIB searchSpaceZero, 0..15.")] = 0,
    dmrs_type_a_position: Annotated[str, typer.Option(help="MIB dmrs-TypeA-Position: pos2 or pos3.")] = "pos2",
    cell_barred: Annotated[bool, typer.Option(help="MIB cellBarred = barred.")] = False,
    fill: Annotated[Fill, typer.Option(help="Other REs: none, random QPSK (PDSCH-like load), or pdsch (a PDSCH with random transport blocks and DM-RS in every slot, around the SS/PBCH blocks).")] = Fill.none,
    pdsch_mcs: Annotated[int, typer.Option(help="MCS index of --fill pdsch (TS 38.214 Table 5.1.3.1-1, 'qam64').")] = 4,
    pdsch_rnti: Annotated[int, typer.Option(help="RNTI of the --fill pdsch scrambling, 0..65535.")] = 0x4601,
    cfo: Annotated[float, typer.Option(help="Carrier frequency offset in Hz.")] = 0.0,
    timing_offset: Annotated[int, typer.Option(help="Circular delay in samples.")] = 0,
    snr: Annotated[float | None, typer.Option(help="SNR per SS/PBCH resource element (E_RE/N0) in dB; default: no noise.")] = None,
    fading: Annotated[str | None, typer.Option(help="TDL profile: TDL-A..TDL-E, TDLA30, TDLB100, TDLC300 (TR 38.901 §7.7.2).")] = None,
    delay_spread: Annotated[float, typer.Option(help="RMS delay spread in s for TDL-A..E.")] = 30e-9,
    doppler: Annotated[float, typer.Option(help="Maximum Doppler shift in Hz for --fading.")] = 5.0,
    upconversion_phase: Annotated[bool, typer.Option(help="Apply the TS 38.211 §5.4 symbol phases of --center-frequency.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the random generator (fill, noise, fading).")] = 0,
    datatype: Annotated[Datatype, typer.Option(help="SigMF sample format.")] = Datatype.cf32_le,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of text.")] = False,
):
    """Write an NR downlink carrier with an SS burst as a SigMF recording (TS 38.211 §7.4.3)."""
    try:
        mib = Mib(sub_carrier_spacing_common=scs_common, dmrs_type_a_position=dmrs_type_a_position,
                  control_resource_set_zero=coreset0, search_space_zero=search_space0,
                  cell_barred="barred" if cell_barred else "notBarred")
        carrier = CarrierConfig(subcarrier_spacing=scs, n_size_grid=prb, n_cell_id=pci, n_frame=sfn)
        if sfn > 1023:
            raise ValueError(f"--sfn must be in [0, 1023], got {sfn}")
        burst = SsBurstConfig(case=None if case is None else case.value, l_max=l_max,
                              positions=positions, periodicity=period, k_ssb=k_ssb,
                              offset_to_point_a=offset_to_point_a, mib=mib,
                              paired=True)
        duration = subframes if subframes is not None else 10 * frames
        config = WaveformConfig(carrier, burst, num_subframes=duration, sample_rate=sample_rate,
                                center_frequency=center_frequency, fill=fill.value,
                                upconversion_phase=upconversion_phase,
                                pdsch=PdschFillConfig(mcs=pdsch_mcs, rnti=pdsch_rnti))
        impairments = Impairments(cfo_hz=cfo, timing_offset=timing_offset, snr_db=snr,
                                  fading=fading, delay_spread=delay_spread, max_doppler=doppler)
        w = generate_waveform(config, impairments=impairments, rng=np.random.default_rng(seed))
        meta = write_waveform(output, w, center_frequency=center_frequency,
                              datatype=datatype.value)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    summary = {
        "meta": str(meta),
        "data": str(meta.with_name(meta.name.replace(".sigmf-meta", ".sigmf-data"))),
        "sample_rate": w.sample_rate,
        "num_samples": int(w.samples.size),
        "nfft": w.nfft,
        "pci": pci,
        "case": w.case,
        "l_max": w.l_max,
        "ssb_frequency_offset_hz": w.ssb_frequency_offset,
        "ssb_blocks": [b.__dict__ for b in w.blocks],
    }
    pdsch = w.metadata.get("pdsch")
    if pdsch is not None:
        summary["pdsch"] = {"mcs": pdsch["mcs"], "modulation": pdsch["modulation"],
                            "target_code_rate": pdsch["target_code_rate"],
                            "slots": len(pdsch["slots"]),
                            "tbs": [e["tbs"] for e in pdsch["slots"]]}
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"wrote {summary['meta']} and {summary['data']}")
    typer.echo(f"  {w.samples.size} samples at {w.sample_rate / 1e6:g} Msps (N_fft {w.nfft}), "
               f"PCI {pci}, case {w.case}, L_max {w.l_max}, SSB at "
               f"{w.ssb_frequency_offset / 1e3:+g} kHz from the centre")
    for b in w.blocks:
        typer.echo(f"  SSB {b.ssb_index}: SFN {b.sfn}, half frame {b.half_frame}, "
                   f"sample {b.sample_offset}")
    if pdsch is not None:
        typer.echo(f"  PDSCH in {len(pdsch['slots'])} slots: MCS {pdsch['mcs']} "
                   f"({pdsch['modulation']}, R = {pdsch['target_code_rate']:.4f}), "
                   f"{sum(e['tbs'] for e in pdsch['slots'])} transport-block bits")
