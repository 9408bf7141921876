"""The ``opennr`` command line (typer), driven through typer.testing.CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from opennr import __version__
from opennr.cli import app, parse_snr
from opennr.link.engine import BatchCounts
from opennr.link.presets import PRESETS, Preset, UncodedBpskConfig

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAST = ["simulate", "--preset", "bpsk-awgn", "--max-blocks", "300", "--no-plot", "--workers", "1"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Every command runs in a fresh directory: its results store and plots land there."""
    monkeypatch.chdir(tmp_path)


def _usage_error(argv, **kwargs) -> str:
    """Run a command that must stop with a usage error (exit code 2); its output, spaces folded."""
    result = runner.invoke(app, argv, **kwargs)
    assert result.exit_code == 2
    return " ".join(result.output.split())


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


def test_presets_shows_one_preset_parameters():
    result = runner.invoke(app, ["presets", "pdsch-awgn"])
    assert result.exit_code == 0, result.output
    for word in ("mcs_table", "estimation", "'practical'", "slot 0.5 ms"):
        assert word in result.stdout
    bad = runner.invoke(app, ["presets", "nope"])
    assert bad.exit_code == 2 and "ldpc-awgn" in bad.output


# ---------------------------------------------------------------- simulate


def test_json_output_parses_and_is_reproducible(tmp_path):
    args = [*FAST, "--snr", "3,5,7", "--seed", "5", "--json"]
    a = _json(args)
    b = _json(args)  # read back from the results store
    fresh = _json([*args, "--no-store"])  # simulated again
    assert [p["snr_db"] for p in a] == [3.0, 5.0, 7.0]
    for p in a:
        for key in ("snr_db", "blocks", "block_errors", "bler", "bler_ci", "throughput", "ber"):
            assert key in p
        assert p["bler_ci"][0] <= p["bler"] <= p["bler_ci"][1]
        assert p["blocks"] <= 300
    assert _strip(a) == _strip(b) == _strip(fresh)
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
            "--workers",
            "1",
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
        app,
        ["simulate", "--preset", "bpsk-awgn", "--snr", "4", "--max-blocks", "100", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "opennr-bpsk-awgn.png").read_bytes()[:8] == PNG_MAGIC
    assert (tmp_path / "opennr-results.sqlite").stat().st_size > 0  # the default store


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
            "--workers",
            "1",
            "--json",
        ]
    )
    assert pts[0]["block_errors"] > 0 and pts[1]["block_errors"] == 0


# ---------------------------------------------------------------- errors -> exit code 2


@pytest.mark.parametrize(
    "snr", ["1:x:3", "3,2", "0:0:1", "0:-1:2", "2:1:0", "", "a,b", "1,,2", "nan", "0:1e-9:100"]
)
def test_bad_snr_exit_2(snr):
    assert "--snr" in _usage_error([*FAST, "--snr", snr])


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
    assert hint in _usage_error(["simulate", "--no-plot", *args])


# ---------------------------------------------------------------- Ctrl-C


def _interrupting(config, snr_db, n, rng):
    if snr_db >= 1.0:
        raise KeyboardInterrupt
    return BatchCounts(n, n // 2, n, n // 2)


@pytest.mark.parametrize("store", [True, False])
def test_ctrl_c_reports_finished_points(monkeypatch, tmp_path, store):
    from opennr.link import presets

    fake = Preset("fake", "interrupts at 1 dB", UncodedBpskConfig(1), _interrupting, (0.0, 1.0))
    monkeypatch.setattr(presets, "PRESETS", {**presets.PRESETS, "fake": fake})
    args = ["simulate", "--preset", "fake", "--max-blocks", "50", "--no-plot", "--json",
            "--workers", "1"]
    result = runner.invoke(app, args + ([] if store else ["--no-store"]))
    assert result.exit_code == 130
    pts = json.loads(result.stdout)
    assert [p["snr_db"] for p in pts] == [0.0] and pts[0]["bler"] == 0.5
    assert "Interrupted" in result.stderr
    assert (tmp_path / "opennr-results.sqlite").exists() == store
    if store:
        assert "resume" in result.stderr


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


# ---------------------------------------------------------------- campaign files


CAMPAIGN = """\
name = "bpsk-demo"
preset = "bpsk-awgn"
snr = [2.0, 4.0, 6.0]
seed = 3
workers = 1
store = "demo.sqlite"
plot = "plots/demo.png"

[stopping]
target_errors = 20
max_blocks = 200
batch_size = 50
bler_floor = 0.0

[overrides]
block_length = 50
"""


def test_config_file_runs_and_options_override_it(tmp_path):
    (tmp_path / "c.toml").write_text(CAMPAIGN)
    pts = _json(["simulate", "c.toml", "--json", "-q"])
    assert [p["snr_db"] for p in pts] == [2.0, 4.0, 6.0]
    assert all(p["blocks"] <= 200 and p["blocks"] % 50 == 0 for p in pts)
    assert pts[0]["bits"] == 50 * pts[0]["blocks"]  # block_length = 50 from [overrides]
    assert (tmp_path / "demo.sqlite").exists()
    assert (tmp_path / "plots" / "demo.png").read_bytes()[:8] == PNG_MAGIC
    # command-line options win over the file
    other = _json(["simulate", "c.toml", "--snr", "4", "--max-blocks", "100", "--seed", "9",
                   "--set", "block_length=20", "--no-plot", "--json", "-q"])
    assert [p["snr_db"] for p in other] == [4.0]
    assert other[0]["blocks"] <= 100 and other[0]["bits"] == 20 * other[0]["blocks"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('preset = "bpsk-awgn"\nseeed = 3\n', ["c.toml, line 2", "unknown key 'seeed'"]),
        ('[stopping]\nmax_blocks = "many"\n', ["c.toml, line 2", "stopping.max_blocks",
                                                "integer"]),
        ('snr = "3,1"\n', ["c.toml, line 1", "'snr'", "increasing"]),
        ("snr = []\n", ["c.toml, line 1", "empty"]),
        ('preset = "bpsk-awgn"\n[overrides]\nblock_length = 0\n', ["line 3", "block_length"]),
        ("name = 'x\n", ["c.toml, line 1", "invalid TOML"]),
    ],
)
def test_config_errors_exit_nonzero_naming_file_key_line(tmp_path, text, words):
    (tmp_path / "c.toml").write_text(text)
    result = runner.invoke(app, ["simulate", "c.toml", "--no-plot"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    for word in words:
        assert word in message, message
    assert not (tmp_path / "opennr-results.sqlite").exists()  # nothing ran


def test_file_overrides_that_do_not_fit_the_preset_given_on_the_command_line(tmp_path):
    (tmp_path / "c.toml").write_text(CAMPAIGN)
    result = runner.invoke(app, ["simulate", "c.toml", "--preset", "ldpc-awgn", "--no-plot"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "c.toml" in message and "block_length" in message


def test_missing_config_file(tmp_path):
    result = runner.invoke(app, ["simulate", "nope.toml"])
    assert result.exit_code == 2 and "nope.toml" in result.stderr


# ---------------------------------------------------------------- overrides, JSON schema


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--set", "block_lenght=5"], "block_lenght"),
        (["--set", "block_length=0"], "block_length"),
        (["--set", "block_length=1.5"], "integer"),
        (["--set", "noequals"], "KEY=VALUE"),
        (["--name", "a b"], "--name"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_bad_overrides_exit_2(args, hint):
    assert hint in _usage_error([*FAST, *args])


def test_json_schema_of_a_slot_preset():
    pts = _json(["simulate", "--preset", "pdsch-awgn", "--set", "n_prb=4", "--snr", "0,20",
                 "--max-blocks", "20", "--target-errors", "5", "--workers", "1", "--no-plot",
                 "--json", "-q"])
    assert isinstance(pts, list) and len(pts) == 2
    types = {"snr_db": float, "blocks": int, "block_errors": int, "bler": float,
             "throughput": float, "throughput_bps": float, "throughput_percent": float}
    for p in pts:
        for key, kind in types.items():
            assert isinstance(p[key], kind), (key, p[key])
        low, high = p["bler_ci"]
        assert 0.0 <= low <= p["bler"] <= high <= 1.0
    assert pts[0]["bler"] == 1.0 and pts[0]["throughput_bps"] == 0.0
    # 20 dB: every slot decoded, TBS 768 bits in 0.5 ms = 1.536 Mbit/s, 100 % of the maximum
    assert pts[1]["block_errors"] == 0 and pts[1]["throughput_percent"] == 100.0
    assert pts[1]["throughput_bps"] == pytest.approx(pts[1]["bits"] / pts[1]["blocks"] / 0.5e-3)
    table = runner.invoke(app, ["simulate", "--preset", "pdsch-awgn", "--set", "n_prb=4",
                                "--snr", "0,20", "--max-blocks", "20", "--target-errors", "5",
                                "--workers", "1", "--no-plot"])
    assert table.exit_code == 0, table.output
    assert "Mbit/s" in table.stdout and "% of max" in table.stdout
    assert "70 % of its maximum at 14.00 dB" in table.stdout  # 0 % at 0 dB, 100 % at 20 dB


def test_mcs_table_option_reaches_pusch_tp_preset():
    pts = _json(["simulate", "--preset", "pusch-tp-awgn", "--mcs-table", "tp-qam64", "--mcs", "5",
                 "--set", "n_prb=4", "--snr", "15", "--max-blocks", "4", "--workers", "1",
                 "--no-plot", "--json", "-q"])
    assert pts[0]["blocks"] == 4 and pts[0]["block_errors"] == 0


def test_csv_and_report_export(tmp_path):
    result = runner.invoke(app, [*FAST, "--snr", "2,4", "--csv", "pts.csv", "--report",
                                 "r.html", "-q"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "pts.csv").read_text().splitlines()
    assert lines[0].startswith("campaign,snr_db,blocks") and len(lines) == 3
    page = (tmp_path / "r.html").read_text()
    assert page.count("<tr>") == 3 and "data:image/png;base64," in page
    assert "opennr-results.sqlite" in page


# ---------------------------------------------------------------- store and workers


def test_corrupt_store_is_reported_and_left_alone(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not an SQLite file" * 40)
    before = bad.read_bytes()
    result = runner.invoke(app, [*FAST, "--snr", "4", "--store", str(bad)])
    assert result.exit_code == 1
    assert "bad.sqlite" in result.stderr
    assert bad.read_bytes() == before


def test_store_in_a_missing_folder_is_an_error(tmp_path):
    result = runner.invoke(app, [*FAST, "--snr", "4", "--store", "no/such/r.sqlite"])
    assert result.exit_code == 1 and "r.sqlite" in result.stderr


def test_no_store_writes_no_file(tmp_path):
    result = runner.invoke(app, [*FAST, "--snr", "4", "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == []


def test_two_workers_same_result():
    one = _json([*FAST, "--snr", "4,6", "--no-store", "--json", "-q"])
    two = _json([*FAST, "--snr", "4,6", "--no-store", "--json", "-q", "--workers", "2"])
    assert _strip(one) == _strip(two)


# ---------------------------------------------------------------- opennr report / opennr plot


def _two_campaigns(store="r.sqlite"):
    for name, seed in (("first", "1"), ("second", "2")):
        result = runner.invoke(app, [*FAST, "--snr", "2,4,6", "--seed", seed, "--name", name,
                                     "--store", store, "-q"])
        assert result.exit_code == 0, result.output


def test_report_html_holds_table_images_and_config(tmp_path):
    import base64
    import re

    _two_campaigns()
    result = runner.invoke(app, ["report", "r.sqlite", "-c", "second", "-o", "rep.html",
                                 "--csv", "rep.csv", "--json", "rep.json", "--plot", "rep.png"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "rep.html").read_text()
    assert page.count('<table class="points">') == 1 and "Campaign second" in page
    assert "Campaign first" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert images and base64.b64decode(images[0])[:8] == PNG_MAGIC
    assert "&quot;preset&quot;: &quot;bpsk-awgn&quot;" in page and __version__ in page
    assert "4.00" in page  # an SNR cell of the table
    rows = (tmp_path / "rep.csv").read_text().splitlines()
    assert len(rows) == 4 and rows[1].startswith("second,2.0,")
    doc = json.loads((tmp_path / "rep.json").read_text())
    assert doc[0]["config"]["settings"]["seed"] == 2 and len(doc[0]["points"]) == 3
    assert (tmp_path / "rep.png").read_bytes()[:8] == PNG_MAGIC
    # the stored numbers are those the simulation printed
    again = _json([*FAST, "--snr", "2,4,6", "--seed", "2", "--name", "second", "--store",
                   "r.sqlite", "--json", "-q"])
    assert [p["block_errors"] for p in doc[0]["points"]] == [p["block_errors"] for p in again]


def test_report_overlays_several_stores(tmp_path):
    _two_campaigns("a.sqlite")
    _two_campaigns("b.sqlite")
    result = runner.invoke(app, ["report", "a.sqlite", "b.sqlite", "-c", "first"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "opennr-report.html").read_text()
    assert "Comparison" in page and page.count('<table class="points">') == 2
    result = runner.invoke(app, ["plot", "a.sqlite", "b.sqlite", "-o", "cmp.png"])
    assert result.exit_code == 0, result.output
    assert "4 campaign(s)" in result.stdout
    assert (tmp_path / "cmp.png").stat().st_size > 5000


def test_report_list_and_errors(tmp_path):
    _two_campaigns()
    listing = runner.invoke(app, ["report", "r.sqlite", "--list"])
    assert listing.exit_code == 0 and "first" in listing.stdout and "second" in listing.stdout
    missing = runner.invoke(app, ["report", "nope.sqlite"])
    assert missing.exit_code == 2 and "nope.sqlite" in missing.stderr
    unknown = runner.invoke(app, ["report", "r.sqlite", "-c", "third"])
    assert unknown.exit_code == 2 and "third" in unknown.stderr
    (tmp_path / "junk.sqlite").write_bytes(b"junk" * 100)
    corrupt = runner.invoke(app, ["report", "junk.sqlite"])
    assert corrupt.exit_code == 1 and "junk.sqlite" in corrupt.stderr
    assert not (tmp_path / "opennr-report.html").exists()


# ---------------------------------------------------------------- a real Ctrl-C


def test_sigint_stops_cleanly_and_keeps_the_store(tmp_path):
    """SIGINT to a running `opennr simulate` (2 workers): exit 130 within seconds, the finished
    points printed as JSON, the store readable; the same command resumes from it."""
    import signal
    import subprocess
    import sys
    import time

    # -5 dB: every block fails, the point ends at 400 errors; 2 dB (BLER ~3e-3) would need
    # ~10^5 blocks: the run is interrupted there.
    args = ["simulate", "--preset", "ldpc-awgn-bg2", "--snr", "-5,2", "--max-blocks", "1000000",
            "--target-errors", "400", "--batch", "200", "--workers", "2", "--json", "--no-plot",
            "--bler-floor", "0"]
    cmd = [sys.executable, "-c", "from opennr.cli import main; main()", *args]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        time.sleep(8.0)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        out, err = proc.communicate(timeout=60)
        stop_seconds = time.monotonic() - start
    finally:
        proc.kill()
    assert proc.returncode == 130, err[-2000:]
    assert "Interrupted" in err and "resume" in err
    assert stop_seconds < 30
    pts = json.loads(out)
    assert [p["snr_db"] for p in pts] in ([], [-5.0])
    if pts:
        assert pts[0]["blocks"] == pts[0]["block_errors"] == 400
    listing = runner.invoke(app, ["report", "opennr-results.sqlite", "--list"])
    assert listing.exit_code == 0 and "ldpc-awgn-bg2" in listing.stdout


@pytest.mark.slow
def test_unreachable_dask_scheduler_from_the_environment(tmp_path, monkeypatch):
    # DASK_SCHEDULER_ADDRESS is read like --dask; nothing listens on port 9 (discard): the engine
    # gives up after its 10 s connection timeout.
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    result = runner.invoke(app, [*FAST, "--snr", "4"])
    assert result.exit_code == 1
    assert "tcp://127.0.0.1:9" in result.stderr and "scheduler" in result.stderr


# ---------------------------------------------------------------- HARQ statistics

HARQ_FAST = ["simulate", "--preset", "pdsch-awgn", "--snr", "0,3.5", "--max-blocks", "16",
             "--batch", "8", "--bler-floor", "0", "--no-plot", "--workers", "1"]


def test_harq_json_keys_and_values():
    pts = _json([*HARQ_FAST, "--harq", "4", "--json"])
    harq_keys = {"transmissions", "first_tx_errors", "residual_bler", "first_tx_bler",
                 "first_tx_bler_ci", "mean_transmissions"}
    for p in pts:
        assert harq_keys <= set(p)
        assert {"snr_db", "blocks", "block_errors", "bler", "bler_ci", "throughput",
                "throughput_bps", "throughput_percent"} <= set(p)
        assert p["residual_bler"] == p["bler"] <= p["first_tx_bler"]
        assert 1.0 <= p["mean_transmissions"] <= 4.0
        assert p["mean_transmissions"] == p["transmissions"] / p["blocks"]
        assert p["throughput_percent"] == pytest.approx(
            100.0 * (p["blocks"] - p["block_errors"]) / p["transmissions"])
    assert pts[0]["first_tx_bler"] == 1.0 and pts[0]["mean_transmissions"] > 1.0
    assert pts[0]["bler"] < pts[0]["first_tx_bler"]
    # --set gives the same campaign (same overrides, same hash: read back from the store)
    again = _json([*HARQ_FAST, "--set", "harq_max_transmissions=4", "--json"])
    assert _strip(again) == _strip(pts)
    # without HARQ: no HARQ keys
    plain = _json([*HARQ_FAST, "--json"])
    assert not harq_keys & set(plain[0]) and plain[0]["bler"] == pts[0]["first_tx_bler"]


def test_harq_table_and_csv(tmp_path):
    result = runner.invoke(app, [*HARQ_FAST, "--harq", "2", "--csv", "h.csv"])
    assert result.exit_code == 0, result.output
    assert "1st-tx BLER" in result.stdout and "mean tx" in result.stdout
    header = (tmp_path / "h.csv").read_text().splitlines()[0].split(",")
    assert header[-4:] == ["transmissions", "first_tx_errors", "first_tx_bler", "mean_transmissions"]
    plain = runner.invoke(app, [*FAST, "--snr", "4"])
    assert plain.exit_code == 0 and "1st-tx" not in plain.stdout


@pytest.mark.parametrize(("args", "match"), [
    (["--preset", "bpsk-awgn", "--harq", "2"], "no HARQ"),
    (["--preset", "pdsch-awgn", "--harq", "5"], "less than or equal to 4"),
    (["--preset", "pdsch-awgn", "--harq", "0"], "greater than or equal to 1"),
])
def test_harq_option_rejects(args, match):
    message = _usage_error(["simulate", *args, "--snr", "3", "--no-plot", "--no-store"],
                           terminal_width=200)
    assert "--harq" in message and match in message
