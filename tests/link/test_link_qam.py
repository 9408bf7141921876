"""Link model with QAM: complex AWGN (Es/N0 per RE) and the ``ldpc-qam-awgn`` preset."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from opennr.cli import app
from opennr.link.awgn import awgn_complex, ebno_db_to_no, snr_db_to_no
from opennr.link.engine import SweepSettings, run_sweep
from opennr.link.presets import (
    ES_N0_LABEL,
    LdpcQamAwgnConfig,
    get_preset,
    qam_snr_grid,
    simulate_ldpc_qam_awgn_batch,
)
from opennr.modulation import demodulate_hard, demodulate_soft, modulate

runner = CliRunner()


def qfunc(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2.0))


# ----------------------------------------------------------------------------- complex AWGN


def test_snr_db_to_no():
    assert snr_db_to_no(0) == 1.0 and snr_db_to_no(-10.0) == pytest.approx(10.0)
    np.testing.assert_allclose(snr_db_to_no(np.array([3.0, 20.0])), [10**-0.3, 0.01])
    # Es/N0 = Eb/N0 + 10 log10(R Q_m): the same N0 as Sionna's ebnodb2no convention
    for ebno, rate, qm in [(2.0, 0.5, 4), (-1.0, 1 / 3, 2), (10.0, 0.9, 8)]:
        assert snr_db_to_no(ebno + 10 * math.log10(rate * qm)) == pytest.approx(
            ebno_db_to_no(ebno, code_rate=rate, modulation_order=qm), rel=1e-12
        )
    with pytest.raises(ValueError, match="finite"):
        snr_db_to_no(float("nan"))
    with pytest.raises(TypeError, match="snr_db"):
        snr_db_to_no("10 dB")


@pytest.mark.parametrize("no", [0.05, 1.0, 4.0])
def test_awgn_complex_statistics(no, rng):
    n = 400_000
    x = modulate(rng.integers(0, 2, (4, n // 2), dtype=np.uint8), "16QAM")  # [4, n/8]
    y = awgn_complex(x, no, rng=rng)
    assert y.dtype == np.complex64 and y.shape == x.shape
    w = (y - x).astype(np.complex128).ravel()
    m = w.size
    # E|w|^2 = N0 (std of the estimate N0/sqrt(m)), N0/2 per real dimension, zero mean, I/Q
    # uncorrelated and w uncorrelated with x; tolerances 5 standard deviations.
    assert abs(np.mean(np.abs(w) ** 2) - no) < 5 * no / math.sqrt(m)
    for part in (w.real, w.imag):
        assert abs(part.var() - no / 2) < 5 * (no / 2) * math.sqrt(2 / m)
        assert abs(part.mean()) < 5 * math.sqrt(no / 2 / m)
    assert abs(np.mean(w.real * w.imag)) < 5 * (no / 2) / math.sqrt(m)
    assert abs(np.mean(w * np.conj(x.ravel()))) < 5 * math.sqrt(no / m)
    # circular symmetry: E[w^2] = 0
    assert abs(np.mean(w**2)) < 5 * no / math.sqrt(m)


def test_awgn_complex_dtypes_and_reproducibility():
    x = np.ones((3, 5), dtype=np.complex128)
    y1 = awgn_complex(x, 0.1, rng=np.random.default_rng(1))
    y2 = awgn_complex(x, 0.1, rng=np.random.default_rng(1))
    assert y1.dtype == np.complex128 and np.array_equal(y1, y2)
    assert np.array_equal(x, np.ones((3, 5)))  # the input is not modified
    assert awgn_complex(np.zeros(4, np.float32), 1.0, rng=np.random.default_rng(0)).dtype == (
        np.complex64
    )
    assert awgn_complex(np.zeros(4), 1.0, rng=np.random.default_rng(0)).dtype == np.complex128


@pytest.mark.parametrize(
    "x, no, rng, exc, match",
    [
        (np.zeros(3, np.complex64), 0.0, np.random.default_rng(0), ValueError, "no must be"),
        (np.zeros(3, np.complex64), -1.0, np.random.default_rng(0), ValueError, "> 0"),
        (np.zeros(3, np.complex64), float("inf"), np.random.default_rng(0), ValueError, "finite"),
        (np.zeros(3, np.complex64), "1", np.random.default_rng(0), TypeError, "no must be"),
        (np.zeros(3, np.complex64), 1.0, 7, TypeError, "numpy.random.Generator"),
        (np.zeros(3, np.uint8), 1.0, np.random.default_rng(0), TypeError, "complex"),
    ],
)
def test_awgn_complex_bad_inputs(x, no, rng, exc, match):
    with pytest.raises(exc, match=match):
        awgn_complex(x, no, rng=rng)


@pytest.mark.parametrize(
    "modulation, m, snr_db",
    [("16QAM", 16, 10.0), ("16QAM", 16, 14.0), ("64QAM", 64, 18.0), ("QPSK", 4, 6.0)],
)
def test_uncoded_qam_symbol_error_rate_closed_form(modulation, m, snr_db, rng):
    """Square M-QAM, nearest-point decisions: P_s = 1 - (1 - p)^2 with
    p = 2 (1 - 1/sqrt(M)) Q(sqrt(3 Es / ((M - 1) N0))); tolerance 5 binomial std (exact law)."""
    qm = int(math.log2(m))
    n_sym = 200_000
    bits = rng.integers(0, 2, (n_sym * qm,), dtype=np.uint8)
    no = snr_db_to_no(snr_db)
    y = awgn_complex(modulate(bits, modulation), no, rng=rng)
    hard = demodulate_hard(y, modulation)
    # max-log LLR signs are the nearest-point decisions of a Gray constellation
    np.testing.assert_array_equal(
        (demodulate_soft(y, modulation, no) < 0).astype(np.uint8), hard
    )
    ser = float((hard != bits).reshape(n_sym, qm).any(axis=1).mean())
    p = 2 * (1 - 1 / math.sqrt(m)) * qfunc(math.sqrt(3 / ((m - 1) * no)))
    expected = 1 - (1 - p) ** 2
    assert abs(ser - expected) <= 5 * math.sqrt(expected * (1 - expected) / n_sym), (ser, expected)


# ----------------------------------------------------------------------------- the preset


def test_config_derived_values():
    cfg = LdpcQamAwgnConfig()
    assert (cfg.mcs, cfg.mcs_table, cfg.modulation, cfg.modulation_order) == (10, "qam64",
                                                                              "16QAM", 4)
    assert cfg.target_code_rate == 340 / 1024
    assert (cfg.n_re, cfg.g) == (52 * 12 * 12, 52 * 12 * 12 * 4)
    # TS 38.214 §5.1.3.2 by hand: N_info = 7488 * 340/1024 * 4 = 9945, n = 8,
    # N'_info = 256 * round(9921 / 256) = 9984, C = ceil(10008 / 8424) = 2,
    # TBS = 8 C ceil((N'_info + 24) / (8 C)) - 24 = 9992
    assert cfg.tbs == 9992 and cfg.code_rate == 9992 / 29952
    assert cfg.shannon_limit_db == pytest.approx(10 * math.log10(2 ** (4 * 340 / 1024) - 1))
    c256 = LdpcQamAwgnConfig(mcs=27, mcs_table="qam256")
    assert (c256.modulation, c256.target_code_rate) == ("256QAM", 948 / 1024)
    assert LdpcQamAwgnConfig(mcs=0, mcs_table="qam64LowSE").modulation == "QPSK"
    assert LdpcQamAwgnConfig(mcs=26, mcs_table="qam1024").modulation == "1024QAM"
    assert LdpcQamAwgnConfig(mcs=28).modulation == "64QAM"
    # 14 symbols: G counts all 168 REs per PRB, TBS at most 156 (§5.1.3.2)
    c14 = LdpcQamAwgnConfig(num_symbols=14, n_prb=10)
    assert c14.g == 10 * 168 * 4 and c14.tbs == LdpcQamAwgnConfig(num_symbols=13, n_prb=10).tbs


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"mcs": 29}, ValueError, r"reserved in MCS table 'qam64'"),
        ({"mcs": 28, "mcs_table": "qam256"}, ValueError, "reserved"),
        ({"mcs": 32}, ValueError, r"mcs must be in \[0, 31\]"),
        ({"mcs": 1.0}, TypeError, "mcs must be an integer"),
        ({"mcs_table": "tp-qam64"}, ValueError, r"mcs_table must be one of.*'qam256'"),
        ({"n_prb": 0}, ValueError, "n_prb"),
        ({"num_symbols": 15}, ValueError, "num_symbols"),
        ({"rv": 4}, ValueError, "rv"),
        ({"demapping": "app"}, ValueError, "demapping must be one of 'max-log', 'exact'"),
        ({"algorithm": "bp"}, ValueError, "algorithm"),
        ({"max_iterations": 0}, ValueError, "max_iterations"),
        ({"early_termination": 1}, TypeError, "early_termination"),
    ],
)
def test_config_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        LdpcQamAwgnConfig(**kwargs)


def test_preset_registry_and_grid_follows_the_mcs():
    preset = get_preset("ldpc-qam-awgn")
    assert preset.snr_label == ES_N0_LABEL == "SNR [dB] (Es/N0 per RE)"
    assert preset.config == LdpcQamAwgnConfig() and preset.snr_db == qam_snr_grid(preset.config)
    assert preset.supports("mcs") and preset.supports("mcs_table")
    assert not get_preset("ldpc-awgn").supports("mcs")
    other = preset.with_overrides(mcs=27, mcs_table="qam256")
    assert other.snr_db[0] == 21.5 and other.snr_db[-1] == 27.5  # limit 22.27 dB
    assert other.config.modulation == "256QAM"
    assert preset.with_overrides(max_iterations=5).snr_db == preset.snr_db
    assert get_preset("ldpc-awgn").with_overrides(max_iterations=5).snr_db == get_preset(
        "ldpc-awgn"
    ).snr_db


@pytest.mark.parametrize(
    "mcs, table, demapping",
    [(10, "qam64", "max-log"), (16, "qam64", "exact"), (0, "qam64", "max-log"),
     (20, "qam256", "max-log")],
)  # fmt: skip
def test_bler_is_one_below_the_shannon_limit_and_zero_well_above(mcs, table, demapping):
    """No code beats capacity: BLER = 1 at 0.5 dB below the Shannon limit of Q_m R bits/RE.
    Our chain (20 layered SPA iterations) works 4 dB above it: BLER = 0 in 20 blocks."""
    cfg = LdpcQamAwgnConfig(mcs=mcs, mcs_table=table, demapping=demapping)
    rng = np.random.default_rng([mcs, len(table)])
    low = simulate_ldpc_qam_awgn_batch(cfg, cfg.shannon_limit_db - 0.5, 20, rng)
    high = simulate_ldpc_qam_awgn_batch(cfg, cfg.shannon_limit_db + 4.0, 20, rng)
    assert low.block_errors == low.blocks == 20 and low.bits == 20 * cfg.tbs
    assert high.block_errors == 0 and high.bit_errors == 0
    # a 16QAM MCS at very low / very high SNR
    if mcs == 10:
        assert simulate_ldpc_qam_awgn_batch(cfg, -5.0, 10, rng).block_errors == 10
        assert simulate_ldpc_qam_awgn_batch(cfg, 20.0, 10, rng).block_errors == 0


def test_waterfall_through_the_engine():
    """16QAM MCS 10: BLER falls from 1 to 0 within the default grid, monotone in SNR."""
    preset = get_preset("ldpc-qam-awgn").with_overrides(n_prb=8)
    res = run_sweep(
        preset.batch_function(),
        (2.0, 3.0, 4.0, 5.0, 6.0),
        SweepSettings(target_block_errors=40, max_blocks=80, batch_size=40, bler_floor=0.0),
    )
    blers = [p.bler for p in res.points]
    assert blers[0] == 1.0 and blers[-1] == 0.0, blers
    assert all(b <= a + 0.1 for a, b in itertools.pairwise(blers)), blers


# ----------------------------------------------------------------------------- CLI


def test_cli_mcs_json():
    result = runner.invoke(
        app,
        ["simulate", "--preset", "ldpc-qam-awgn", "--mcs", "10", "--json", "--no-plot", "-q",
         "--snr", "-3,12", "--max-blocks", "20", "--bler-floor", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    points = json.loads(result.stdout)
    assert [p["snr_db"] for p in points] == [-3.0, 12.0]
    assert points[0]["bler"] == 1.0 and points[1]["bler"] == 0.0
    assert points[1]["bits"] == points[1]["blocks"] * 9992


def test_cli_mcs_table_and_default_grid():
    result = runner.invoke(
        app,
        ["simulate", "--preset", "ldpc-qam-awgn", "--mcs", "27", "--mcs-table", "qam256",
         "--json", "--no-plot", "-q", "--max-blocks", "10", "--batch", "10"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    points = json.loads(result.stdout)
    assert points[0]["snr_db"] == 21.5 and points[0]["bler"] == 1.0  # the grid follows the MCS


@pytest.mark.parametrize(
    "args, match",
    [
        (["--preset", "bpsk-awgn", "--mcs", "3"], "has no MCS; --mcs does not apply"),
        (["--preset", "ldpc-awgn", "--mcs-table", "qam256"], "--mcs-table does not apply"),
        (["--preset", "ldpc-qam-awgn", "--mcs", "29"], "reserved"),
        (["--preset", "ldpc-qam-awgn", "--mcs", "40"], "--mcs"),
        (["--preset", "ldpc-qam-awgn", "--mcs-table", "qam128"], "--mcs-table"),
    ],
)
def test_cli_mcs_errors(args, match):
    result = runner.invoke(app, ["simulate", *args, "--no-plot", "-q", "--snr", "0"])
    assert result.exit_code == 2
    assert match in " ".join(result.output.replace("│", " ").split()), result.output
