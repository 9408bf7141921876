"""The ``opennr`` command line (typer), driven through typer.testing.CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import opennr.cli.simulate as cli
from opennr import __version__
from opennr.cli import app, parse_snr
from opennr.link.engine import BatchCounts
from opennr.link.presets import PRESETS, Preset, UncodedBpskConfig

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAST = ["simulate", "--preset", "bpsk-awgn", "--max-blocks", "300", "--no-plot"]


def _json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _strip(points):
    return [{k: v for k, v in p.items() if k != "elapsed"} for p in points]


# ---------------------------------------------------------------- help, version, presets


def test_help():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "simulate" in result.stdout and "presets" in result.stdout
    result = runner.invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in (
        "--preset",
        "--snr",
        "--target-errors",
        "--max-blocks",
        "--batch",
        "--seed",
        "--algorithm",
        "--iterations",
        "--plot",
        "--no-plot",
        "--json",
        "--quiet",
    ):
        assert option in result.stdout


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_presets_lists_all():
    result = runner.invoke(app, ["presets"])
    assert result.exit_code == 0
    for name in PRESETS:
        assert name in result.stdout


# ---------------------------------------------------------------- simulate


def test_json_output_parses_and_is_reproducible():
    args = [*FAST, "--snr", "3,5,7", "--seed", "5", "--json"]
    a = _json(args)
    b = _json(args)
    assert [p["snr_db"] for p in a] == [3.0, 5.0, 7.0]
    for p in a:
        for key in ("snr_db", "blocks", "block_errors", "bler", "bler_ci", "throughput", "ber"):
            assert key in p
        assert p["bler_ci"][0] <= p["bler"] <= p["bler_ci"][1]
        assert p["blocks"] <= 300
    assert _strip(a) == _strip(b)
    c = _json([*FAST, "--snr", "3,5,7", "--seed", "6", "--json"])
    assert _strip(c) != _strip(a)


def test_json_only_json_on_stdout():
    result = runner.invoke(app, [*FAST, "--snr", "4", "--json"])
    assert result.exit_code == 0
    assert result.stdout.lstrip().startswith("[")
    json.loads(result.stdout)
    assert "BLER" in result.stderr and "blk" in result.stderr  # the progress went to stderr
    quiet = runner.invoke(app, [*FAST, "--snr", "4", "--json", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert _strip(json.loads(quiet.stdout)) == _strip(json.loads(result.stdout))


def test_options_reach_the_engine():
    pts = _json([*FAST, "--snr", "0:1:2", "--target-errors", "7", "--batch", "5", "--json", "-q"])
    assert [p["snr_db"] for p in pts] == [0.0, 1.0, 2.0]
    # 100-bit blocks at 0..2 dB fail with probability >= 0.98: two batches of 5 reach 7 errors
    assert all(p["blocks"] == 10 and p["block_errors"] >= 7 for p in pts)


def test_bler_floor_stops_the_sweep():
    # 100-bit blocks at 9 dB: BLER ~ 100 Q(sqrt(2 x 7.94)) = 3.4e-3, below a 0.05 floor
    pts = _json([*FAST, "--snr", "0,9,10,11", "--bler-floor", "0.05", "--json"])
    assert [p["snr_db"] for p in pts] == [0.0, 9.0]


def test_table_output():
    result = runner.invoke(app, [*FAST, "--snr", "4,5"])
    assert result.exit_code == 0, result.output
    for word in ("BLER", "95% CI", "throughput", "4.00", "5.00"):
        assert word in result.stdout


def test_plot_is_written(tmp_path):
    out = tmp_path / "curve.png"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--preset",
            "bpsk-awgn",
            "--snr",
            "2,4",
            "--max-blocks",
            "200",
            "--plot",
            str(out),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_default_plot_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["simulate", "--preset", "bpsk-awgn", "--snr", "4", "--max-blocks", "100"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "opennr-bpsk-awgn.png").read_bytes()[:8] == PNG_MAGIC


def test_ldpc_preset_runs_with_algorithm_and_iterations():
    pytest.importorskip("opennr.coding.sch", reason="opennr.coding.sch chain not available")
    pts = _json(
        [
            "simulate",
            "--preset",
            "ldpc-awgn-bg2",
            "--snr",
            "0,6",
            "--max-blocks",
            "40",
            "--algorithm",
            "layered-nms",
            "--iterations",
            "8",
            "--no-plot",
            "--json",
        ]
    )
    assert pts[0]["block_errors"] > 0 and pts[1]["block_errors"] == 0


# ---------------------------------------------------------------- errors -> exit code 2


@pytest.mark.parametrize(
    "snr", ["1:x:3", "3,2", "0:0:1", "0:-1:2", "2:1:0", "", "a,b", "1,,2", "nan", "0:1e-9:100"]
)
def test_bad_snr_exit_2(snr):
    result = runner.invoke(app, [*FAST, "--snr", snr])
    assert result.exit_code == 2
    assert "--snr" in result.output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--preset", "nope"], "--preset"),
        (["--target-errors", "0"], "--target-errors"),
        (["--max-blocks", "-5"], "--max-blocks"),
        (["--batch", "0"], "--batch"),
        (["--seed", "-1"], "--seed"),
        (["--bler-floor", "1.5"], "--bler-floor"),
        (["--algorithm", "bp"], "--algorithm"),
        (["--iterations", "0"], "--iterations"),
        (["--preset", "bpsk-awgn", "--algorithm", "layered-spa"], "--algorithm"),
        (["--preset", "bpsk-awgn", "--iterations", "5"], "--iterations"),
    ],
)
def test_bad_options_exit_2(args, hint):
    result = runner.invoke(app, ["simulate", "--no-plot", *args])
    assert result.exit_code == 2
    assert hint in result.output


# ---------------------------------------------------------------- Ctrl-C


def _interrupting(config, snr_db, n, rng):
    if snr_db >= 1.0:
        raise KeyboardInterrupt
    return BatchCounts(n, n // 2, n, n // 2)


def test_ctrl_c_reports_finished_points(monkeypatch):
    fake = Preset("fake", "interrupts at 1 dB", UncodedBpskConfig(1), _interrupting, (0.0, 1.0))
    monkeypatch.setattr(cli, "PRESETS", {"fake": fake})
    monkeypatch.setattr(cli, "get_preset", lambda name: fake)
    result = runner.invoke(
        app, ["simulate", "--preset", "fake", "--max-blocks", "50", "--no-plot", "--json"]
    )
    assert result.exit_code == 130
    pts = json.loads(result.stdout)
    assert [p["snr_db"] for p in pts] == [0.0] and pts[0]["bler"] == 0.5
    assert "Interrupted" in result.stderr


# ---------------------------------------------------------------- parse_snr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0:0.5:2", (0.0, 0.5, 1.0, 1.5, 2.0)),
        ("0:0.25:1", (0.0, 0.25, 0.5, 0.75, 1.0)),
        ("0:0.3:1", (0.0, 0.3, 0.6, 0.9)),
        ("-2:1:0", (-2.0, -1.0, 0.0)),
        ("0:0.1:0.3", (0.0, 0.1, 0.2, 0.3)),
        ("1.5", (1.5,)),
        (" 0, 1,2 ", (0.0, 1.0, 2.0)),
    ],
)
def test_parse_snr(text, expected):
    assert parse_snr(text) == pytest.approx(expected, abs=1e-12)
