"""``opennr scan`` (opennr/cli/scan.py) through typer's CliRunner: output, options, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from opennr.cli import app
from opennr.cli.scan import parse_gscn, parse_offsets
from opennr.io.sigmf import write_sigmf
from opennr.ofdm.carrier import CarrierConfig
from opennr.waveform import (
    Impairments,
    SsBurstConfig,
    WaveformConfig,
    generate_waveform,
)

runner = CliRunner()
KEYS = {"pci", "ssb_index", "half_frame", "k_ssb", "sfn", "crc_ok", "snr_db", "cfo_hz",
        "sample_offset", "frame_start", "mib"}


@pytest.fixture(scope="module")
def cell(tmp_path_factory):
    """A 10 ms, 30 kHz recording of PCI 321 (SFN 4, 2 blocks) at 15.36 Msps, 0.8 SCS CFO."""
    rng = np.random.default_rng(11)
    car = CarrierConfig(subcarrier_spacing=30, n_size_grid=24, n_cell_id=321, n_frame=4)
    cfg = WaveformConfig(carrier=car, ss_burst=SsBurstConfig(periodicity=5), num_subframes=10,
                         fill="qpsk", sample_rate=15.36e6)
    w = generate_waveform(cfg, impairments=Impairments(cfo_hz=24e3, timing_offset=777,
                                                       snr_db=10.0), rng=rng)
    x = (w.samples / (4 * np.abs(w.samples).max())).astype(np.complex64)
    d = tmp_path_factory.mktemp("scan")
    meta = write_sigmf(d / "cell", x, w.sample_rate, center_frequency=3.6e9, datatype="ci16_le")
    raw = d / "cell.cf32"
    np.stack([x.real, x.imag], -1).astype("<f4").tofile(raw)
    return meta, raw, w


def _run(args):
    return runner.invoke(app, ["scan", *map(str, args)])


def _json(args):
    res = _run([*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_json_output(cell):
    meta, _, w = cell
    out = _json([meta, "--scs", "30"])
    assert len(out) == len(w.blocks) == 2
    for obj, block in zip(out, w.blocks, strict=True):
        assert KEYS <= set(obj)
        assert obj["pci"] == 321 and obj["crc_ok"] is True and obj["sfn"] == 4
        assert (obj["ssb_index"], obj["half_frame"]) == (block.ssb_index, block.half_frame)
        assert abs(obj["sample_offset"] - block.sample_offset) <= 1
        assert abs(obj["frame_start"] - 777) <= 1  # the timing offset: frame SFN 4 starts there
        assert obj["case"] == "C"
        assert abs(obj["cfo_hz"] - 24e3) < 1e3
        assert obj["mib"]["systemFrameNumber"] == 0
        assert set(obj["mib"]["pdcch-ConfigSIB1"]) == {"controlResourceSetZero", "searchSpaceZero"}
        assert obj["ssb_frequency_hz"] == 3.6e9


def test_table_output_and_scs_tried(cell):
    meta, _, _ = cell
    res = _run([meta])
    assert res.exit_code == 0, res.output
    assert "321" in res.stdout and "ok" in res.stdout and "MIB systemFrameNumber=0" in res.stdout


def test_raw_file_with_rate_and_format(cell):
    _, raw, _ = cell
    out = _json([raw, "--rate", "15.36e6", "--format", "cf32_le", "--scs", "30"])
    assert [o["pci"] for o in out] == [321, 321]
    out = _json([raw, "--rate", "15.36e6", "--format", "cf32_le", "--scs", "30",
                 "--freq-offset", "0"])
    assert len(out) == 2


def test_no_cell_is_an_empty_list(tmp_path, rng):
    x = (rng.standard_normal(40000) + 1j * rng.standard_normal(40000)).astype(np.complex64) * 0.1
    meta = write_sigmf(tmp_path / "noise", x, 7.68e6)
    assert _json([meta]) == []
    res = _run([meta])
    assert res.exit_code == 0 and "No cell found" in res.stdout


def test_frequency_search_options(cell, tmp_path):
    _meta, _, w = cell
    # shift the recording by 1.44 MHz: the SSB is then found at -1.44 MHz, not at the centre
    x = w.samples * np.exp(-2j * np.pi * 1.44e6 * np.arange(w.samples.size) / w.sample_rate)
    m2 = write_sigmf(tmp_path / "shifted", x.astype(np.complex64), w.sample_rate,
                     center_frequency=3000e6 + 12 * 1.44e6 + 1.44e6)
    assert _json([m2, "--scs", "30"]) == []
    out = _json([m2, "--scs", "30", "--freq-offset", "-1.44e6"])
    assert [o["pci"] for o in out] == [321, 321]
    out = _json([m2, "--scs", "30", "--gscn", "7511"])  # SS_REF 3017.28 MHz
    assert [o["gscn"] for o in out] == [7511, 7511]
    out = _json([m2, "--scs", "30", "--gscn", "all"])
    assert {(o["pci"], o["gscn"]) for o in out} == {(321, 7511)}


def test_include_failed_flag(cell):
    meta, _, _ = cell
    out = _json([meta, "--scs", "30", "--all"])
    assert all(o["crc_ok"] for o in out if o["pci"] == 321)


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        ("short", [], "too short to hold one SS/PBCH block"),
        ("slow", [], "below the SS/PBCH block bandwidth"),
        ("nan", [], "NaN"),
        ("raw", [], "needs sample_rate and datatype"),
        ("raw", ["--rate", "7.68e6", "--format", "cf64_le"], "not a whole number of cf64_le"),
        ("raw", ["--rate", "7.68e6", "--format", "ci8"], "ci8"),
        ("ok", ["--format", "ci16_le"], "disagrees with the metadata's core:datatype"),
        ("ints", ["--rate", "7.68e6", "--format", "cf32_le"], "wrong datatype"),
        ("ok", ["--gscn", "x1"], "--gscn must be"),
        ("ok", ["--freq-offset", "abc"], "--freq-offset must be"),
        ("ok", ["--freq-offset", "5e6", "--scs", "30"], "does not fit in the recorded band"),
        ("ok", ["--gscn", "all"], "centre frequency"),
        ("ok", ["--scs", "60"], "scs_khz"),
        ("missing", [], "not found"),
    ],
)
def test_bad_input(tmp_path, rng, make, args, message):
    x = (rng.standard_normal(40000) + 1j * rng.standard_normal(40000)).astype(np.complex64) * 0.1
    if make == "short":
        path = write_sigmf(tmp_path / "short", x[:500], 7.68e6)
    elif make == "slow":
        path = write_sigmf(tmp_path / "slow", x, 2e6)
    elif make == "nan":
        path = tmp_path / "nan.cf32"
        y = np.stack([x.real, x.imag], -1).astype("<f4")
        y[100, 0] = np.nan
        y.tofile(path)
        args = ["--rate", "7.68e6", "--format", "cf32_le"]
    elif make == "raw":
        path = tmp_path / "odd.bin"
        path.write_bytes(b"\0" * 4004)
    elif make == "ints":  # int16 samples read as float32: NaN/inf bit patterns appear
        path = tmp_path / "ints.bin"
        (rng.integers(-30000, 30000, 80000).astype("<i2")).tofile(path)
    elif make == "missing":
        path = tmp_path / "absent.sigmf-meta"
    else:
        path = write_sigmf(tmp_path / "ok", x, 7.68e6, center_frequency=0.0)
        m = json.loads(path.read_text())
        del m["captures"][0]["core:frequency"]
        path.write_text(json.dumps(m))
    res = _run([path, *args])
    assert res.exit_code != 0
    assert message in res.output


def test_parsers():
    assert parse_gscn("ALL") == "all" and parse_gscn("1,2") == [1, 2]
    assert parse_offsets("0") == [0.0] and parse_offsets(None) is None
    with pytest.raises(ValueError, match="empty"):
        parse_gscn(",")
    with pytest.raises(ValueError, match="empty"):
        parse_offsets(" ")


def test_scan_of_an_opennr_waveform_recording_finds_the_off_centre_ssb(tmp_path):
    """`opennr waveform` records where it put the SSB; `opennr scan` looks there by default."""
    from opennr.waveform import write_waveform

    car = CarrierConfig(subcarrier_spacing=15, n_size_grid=52, n_cell_id=44, n_frame=2)
    burst = SsBurstConfig(offset_to_point_a=2, k_ssb=4, periodicity=10)
    w = generate_waveform(WaveformConfig(carrier=car, ss_burst=burst, num_subframes=10,
                                         center_frequency=1.9e9), rng=np.random.default_rng(3))
    assert abs(w.ssb_frequency_offset) > 1e6
    meta = write_waveform(tmp_path / "gen", w, center_frequency=1.9e9, datatype="ci16_le")
    out = _json([meta])
    assert [(o["pci"], o["sfn"], o["k_ssb"]) for o in out] == [(44, 2, 4)]
    assert out[0]["frequency_offset_hz"] == pytest.approx(w.ssb_frequency_offset)
    assert _json([meta, "--freq-offset", "0"]) == []


def test_case_option_moves_the_frame_start(cell):
    meta, _, _ = cell
    c = _json([meta, "--scs", "30"])
    b = _json([meta, "--scs", "30", "--case", "B"])
    assert [o["case"] for o in b] == ["B", "B"]
    # case B puts block 0 at symbol 4, case C at symbol 2: the frame would start 2 symbols earlier
    assert b[0]["frame_start"] == c[0]["frame_start"] - 2 * (512 + 36)
    res = _run([meta, "--scs", "15", "--case", "C"])
    assert res.exit_code == 2 and "ssb_case" in res.output


def test_scan_process_does_not_import_the_link_simulator(cell):
    """`opennr scan` imports its own command module only (opennr/cli/__init__.py, lazy)."""
    import subprocess
    import sys

    meta, _, _ = cell
    code = ("import sys; from opennr.cli import main; sys.argv = ['opennr', 'scan', sys.argv[1], "
            "'--scs', '30', '--json']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('opennr.link', 'opennr.cli.'))))")
    out = subprocess.run([sys.executable, "-c", code, str(meta)], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "['opennr.cli._app', 'opennr.cli.scan']"
    assert json.loads("\n".join(out.strip().splitlines()[:-1]))[0]["pci"] == 321


def test_app_has_every_command():
    from opennr import cli

    names = {c.name for c in cli.app.registered_commands}
    assert names == {"simulate", "presets", "waveform", "scan", "report", "plot"}
    assert set(cli._COMMAND_MODULES) == names
    assert cli._command_of(["--version"]) is None and cli._command_of(["scan", "x"]) == "scan"
    assert cli._command_of(["--", "scan"]) is None
    assert cli.parse_snr("0:1:2") is not None
    with pytest.raises(AttributeError, match="nothing"):
        cli.nothing  # noqa: B018
