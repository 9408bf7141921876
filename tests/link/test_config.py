"""Campaign configuration files: every key parsed, every bad key or value named with its line."""

from __future__ import annotations

import pytest

from opennr.link.config import (
    DEFAULT_STORE,
    CampaignConfig,
    ConfigError,
    load_campaign_config,
    parse_campaign_config,
    parse_snr,
)
from opennr.link.engine import SweepSettings

FULL = """\
# a complete campaign
name = "pdsch-mcs16"
preset = "pdsch-awgn"
snr = "2:0.5:4"
seed = 7
workers = 2
dask = "local"
store = "r.sqlite"
plot = "p.png"

[stopping]
target_errors = 20
max_blocks = 300
batch_size = 25
bler_floor = 0.01

[overrides]
mcs = 16
estimation = "perfect"
"""


def test_full_file_round_trip():
    cfg = parse_campaign_config(FULL, source="full.toml")
    assert (cfg.name, cfg.preset, cfg.snr_db, cfg.seed) == (
        "pdsch-mcs16", "pdsch-awgn", (2.0, 2.5, 3.0, 3.5, 4.0), 7)
    assert (cfg.workers, cfg.dask, cfg.store, cfg.plot) == (2, "local", "r.sqlite", "p.png")
    assert (cfg.target_errors, cfg.max_blocks, cfg.batch_size, cfg.bler_floor) == (20, 300, 25, 0.01)
    assert cfg.overrides == {"mcs": 16, "estimation": "perfect"}
    preset = cfg.preset_object()
    assert preset.config.mcs == 16 and preset.config.estimation == "perfect"
    assert cfg.settings(preset) == SweepSettings(20, 300, 25, 0.01, 7)
    assert cfg.grid(preset) == (2.0, 2.5, 3.0, 3.5, 4.0)
    assert cfg.to_dict()["overrides"] == {"mcs": 16, "estimation": "perfect"}


def test_empty_file_gives_the_defaults():
    cfg = parse_campaign_config("")
    assert cfg == CampaignConfig()
    assert cfg.preset == "ldpc-awgn" and cfg.store == DEFAULT_STORE and cfg.workers is None
    preset = cfg.preset_object()
    assert cfg.grid(preset) == preset.snr_db
    assert cfg.settings(preset) == SweepSettings(100, 2000, preset.batch_size, 1e-3, 1)
    tdl = CampaignConfig(preset="pdsch-tdlc")
    assert (tdl.settings().target_block_errors, tdl.settings().max_blocks) == (50, 400)


def test_spec_for_the_engine():
    spec = parse_campaign_config(FULL).spec()
    assert (spec.preset, spec.name, spec.snr_db) == ("pdsch-awgn", "pdsch-mcs16", (2.0, 2.5, 3.0, 3.5, 4.0))
    assert spec.overrides == {"estimation": "perfect", "mcs": 16}
    assert spec.settings == SweepSettings(20, 300, 25, 0.01, 7)
    default = CampaignConfig(preset="bpsk-awgn").spec()
    assert default.snr_db == default.preset_object().snr_db


@pytest.mark.parametrize(
    ("snr", "expected"),
    [("[1, 2.5, 4]", (1.0, 2.5, 4.0)), ("3", (3.0,)), ("-1.5", (-1.5,)), ('"0,1"', (0.0, 1.0))],
)
def test_snr_forms(snr, expected):
    assert parse_campaign_config(f"snr = {snr}").snr_db == expected


def test_command_line_overrides_the_file():
    cfg = parse_campaign_config(FULL).merged(seed=9, max_blocks=None, snr_db=(5.0,))
    assert (cfg.seed, cfg.max_blocks, cfg.snr_db) == (9, 300, (5.0,))
    with pytest.raises(TypeError, match="nope"):
        cfg.merged(nope=1)


def test_float_override_accepts_an_integer():
    cfg = parse_campaign_config('preset = "pdsch-awgn"\n[overrides]\nchannel = "awgn"\n'
                                "delay_spread_ns = 100\n")
    assert cfg.overrides["delay_spread_ns"] == 100.0
    assert isinstance(cfg.overrides["delay_spread_ns"], float)


def _error(text) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_campaign_config(text, source="camp.toml")
    return info.value


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        ('preset = "bpsk-awgn"\nseeed = 3\n', None, 2, ["unknown key 'seeed'", "seed"]),
        ("seed = 1.5\n", "seed", 1, ["integer"]),
        ('seed = "1"\n', "seed", 1, ["integer", "string"]),
        ("seed = -1\n", "seed", 1, [">= 0"]),
        ("workers = 0\n", "workers", 1, ["1..4096"]),
        ("\n\nname = 3\n", "name", 3, ["string"]),
        ('name = "a b"\n', "name", 1, ["no spaces"]),
        ('preset = "nope"\n', "preset", 1, ["unknown preset", "ldpc-awgn"]),
        ('snr = "3,2"\n', "snr", 1, ["increasing"]),
        ("snr = []\n", "snr", 1, ["empty"]),
        ('snr = [1, "x"]\n', "snr", 1, ["numbers"]),
        ("snr = true\n", "snr", 1, ["start:step:stop"]),
        ('snr = "0:0:1"\n', "snr", 1, ["step"]),
        ("[stopping]\nmax_blocks = 0\n", "stopping.max_blocks", 2, [">= 1"]),
        ("[stopping]\ntarget_errors = 1e3\n", "stopping.target_errors", 2, ["integer"]),
        ("[stopping]\nbler_floor = 1.5\n", "stopping.bler_floor", 2, ["[0, 1)"]),
        ('[stopping]\nbler_floor = "x"\n', "stopping.bler_floor", 2, ["number"]),
        ("[stopping]\n\nmax_block = 5\n", "stopping.max_block", 3, ["unknown key", "max_blocks"]),
        ("stopping = 3\n", "stopping", 1, ["table"]),
        ("[overrides]\nmax_iteration = 8\n", "overrides.max_iteration", 2,
         ["no parameter", "max_iterations"]),
        ("[overrides]\nmax_iterations = 8.0\n", "overrides.max_iterations", 2, ["integer"]),
        ('[overrides]\nearly_termination = "yes"\n', "overrides.early_termination", 2,
         ["boolean"]),
        ('[overrides]\nalgorithm = "bp"\n', "overrides.algorithm", 2, ["layered-spa"]),
        ('preset = "pdsch-awgn"\n[overrides]\nmcs = 29\n', "overrides.mcs", 3, ["reserved"]),
    ],
)
def test_bad_values_name_file_key_and_line(text, key, line, words):
    exc = _error(text)
    msg = str(exc)
    assert exc.source == "camp.toml" and msg.startswith(f"camp.toml, line {line}:")
    assert exc.key == key and exc.line == line
    if key is not None:
        assert repr(key) in msg
    for word in words:
        assert word in msg, msg


def test_invalid_toml_reports_its_line():
    exc = _error('name = "x"\nseed = = 2\n')
    assert exc.line == 2 and "invalid TOML" in str(exc) and "camp.toml, line 2" in str(exc)


def test_overrides_apply_to_the_named_preset_only():
    exc = _error('preset = "bpsk-awgn"\n[overrides]\nmax_iterations = 8\n')
    assert "bpsk-awgn" in str(exc) and "block_length" in str(exc)


def test_load_from_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(FULL)
    assert load_campaign_config(path).name == "pdsch-mcs16"
    with pytest.raises(ConfigError, match="cannot read"):
        load_campaign_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"name = \"\xff\"\n")
    with pytest.raises(ConfigError, match="UTF-8|invalid TOML"):
        load_campaign_config(bad)
    bad.write_text("[stopping]\nmax_blocks = -3\n")
    with pytest.raises(ConfigError) as info:
        load_campaign_config(bad)
    assert str(info.value).startswith(f"{bad}, line 2:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0:0.5:2", (0.0, 0.5, 1.0, 1.5, 2.0)), ("0:0.3:1", (0.0, 0.3, 0.6, 0.9)),
     (" 0, 1,2 ", (0.0, 1.0, 2.0)), ("1.5", (1.5,))],
)
def test_parse_snr(text, expected):
    assert parse_snr(text) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("text", ["1:x:3", "3,2", "0:0:1", "2:1:0", "", "a,b", "nan", "0:1e-9:1e3"])
def test_parse_snr_rejects(text):
    with pytest.raises(ValueError):
        parse_snr(text)


def test_example_campaign_files_are_valid():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "examples" / "campaigns"
    files = sorted(folder.glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        cfg = load_campaign_config(path)
        spec = cfg.spec()  # preset, overrides, grid and settings all accepted
        assert spec.snr_db and cfg.name != "default", path.name
