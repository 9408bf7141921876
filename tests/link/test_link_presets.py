"""Link presets: registry, config validation, the uncoded reference and the LDPC chain."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy.special import erfc

from opennr.link.engine import BatchCounts, SweepSettings, run_point, run_sweep
from opennr.link.presets import (
    ALGORITHMS,
    PRESETS,
    LdpcAwgnConfig,
    UncodedBpskConfig,
    get_preset,
    simulate_uncoded_bpsk_batch,
)


def test_registry():
    assert {"ldpc-awgn", "ldpc-awgn-bg2", "bpsk-awgn"} <= set(PRESETS)
    for name, preset in PRESETS.items():
        assert preset.name == name and preset.description
        assert len(preset.snr_db) >= 2 and list(preset.snr_db) == sorted(preset.snr_db)
        assert preset.batch_size >= 1
    with pytest.raises(TypeError):
        PRESETS["x"] = PRESETS["bpsk-awgn"]  # read-only mapping
    with pytest.raises(ValueError, match="ldpc-awgn"):
        get_preset("no-such-preset")


def test_default_ldpc_preset():
    p = get_preset("ldpc-awgn")
    assert p.snr_db == tuple(round(0.1 * i, 10) for i in range(21))
    assert (
        p.config.tbs == 4224 and p.config.code_rate == 0.5 and p.config.algorithm == "layered-spa"
    )
    assert get_preset("ldpc-awgn-bg2").config.tbs <= 292  # small TB -> BG2 (TS 38.212 §7.2.2)


def test_overrides():
    p = get_preset("ldpc-awgn").with_overrides(algorithm="layered-nms", max_iterations=5)
    assert (p.config.algorithm, p.config.max_iterations) == ("layered-nms", 5)
    assert get_preset("ldpc-awgn").config.max_iterations == 20  # the registry is untouched
    with pytest.raises(ValueError, match="no parameter"):
        get_preset("bpsk-awgn").with_overrides(algorithm="layered-spa")
    with pytest.raises(ValueError, match="algorithm"):
        get_preset("ldpc-awgn").with_overrides(algorithm="bp")


def test_batch_function_is_picklable():
    fn = pickle.loads(pickle.dumps(get_preset("ldpc-awgn").batch_function()))
    assert fn.args[0] == get_preset("ldpc-awgn").config


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"tbs": 10}, ValueError, "tbs"),
        ({"g": 1000}, ValueError, "g"),
        ({"target_code_rate": 1.0}, ValueError, "target_code_rate"),
        ({"target_code_rate": "1/2"}, TypeError, "target_code_rate"),
        ({"modulation_order": 2}, ValueError, "modulation_order"),
        ({"rv": 4}, ValueError, "rv"),
        ({"algorithm": "min-sum"}, ValueError, "algorithm"),
        ({"max_iterations": 0}, ValueError, "max_iterations"),
        ({"early_termination": 1}, TypeError, "early_termination"),
    ],
)
def test_ldpc_config_rejects(kwargs, exc, match):
    base = {"tbs": 1000, "g": 2016, "target_code_rate": 0.5}
    with pytest.raises(exc, match=match):
        LdpcAwgnConfig(**{**base, **kwargs})


def test_algorithms_list():
    assert ALGORITHMS == ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")


def test_uncoded_config_rejects():
    with pytest.raises(ValueError, match="block_length"):
        UncodedBpskConfig(0)


def test_uncoded_preset_ber_through_engine():
    # The whole engine path (preset -> run_point) against Q(sqrt(2 Eb/N0)) at 3 dB:
    # 4000 blocks x 500 bits = 2e6 bits, p = 0.0229: ~45,800 errors, rel. std. error 0.5 %; tol 4 %.
    p = get_preset("bpsk-awgn").with_overrides(block_length=500)
    pt = run_point(
        p.batch_function(),
        3.0,
        SweepSettings(target_block_errors=10**6, max_blocks=4000, batch_size=1000),
        np.random.default_rng(3),
    )
    expected = 0.5 * erfc(math.sqrt(10**0.3))
    assert pt.ber == pytest.approx(expected, rel=0.04)
    # BLER of independent bit errors: 1 - (1 - p)^500 ~ 1; at 8 dB p = 1.9e-4: BLER = 0.09
    pt8 = run_point(
        p.batch_function(),
        8.0,
        SweepSettings(target_block_errors=10**6, max_blocks=4000, batch_size=1000),
        np.random.default_rng(4),
    )
    p8 = 0.5 * erfc(math.sqrt(10**0.8))
    # 4000 blocks, BLER ~0.09: std. error 0.0045, tolerance 0.02 (4.4 sigma)
    assert pt8.bler == pytest.approx(1 - (1 - p8) ** 500, abs=0.02)


def test_uncoded_batch_counts():
    c = simulate_uncoded_bpsk_batch(UncodedBpskConfig(8), -10.0, 50, np.random.default_rng(0))
    assert isinstance(c, BatchCounts) and c.blocks == 50 and c.bits == 400
    assert 0.3 < c.bit_errors / c.bits < 0.45  # Q(sqrt(0.2)) = 0.327 ... loose sanity


# ---------------------------------------------------------------- LDPC transport channel


@pytest.fixture(scope="module")
def sch():
    return pytest.importorskip("opennr.coding.sch", reason="opennr.coding.sch chain not available")


def test_ldpc_bg2_preset_high_and_low_snr(sch):
    fn = get_preset("ldpc-awgn-bg2").batch_function()
    rng = np.random.default_rng(1)
    clean = fn(8.0, 40, rng)  # far above the waterfall: no error
    assert (clean.blocks, clean.block_errors, clean.bit_errors, clean.bits) == (40, 0, 0, 40 * 256)
    noisy = fn(-3.0, 40, rng)  # far below: every block fails
    assert noisy.block_errors == 40 and 0.05 < noisy.bit_errors / noisy.bits < 0.6


def test_ldpc_bg2_sweep_waterfall(sch):
    # A short sweep of the small-TB preset: BLER falls with Eb/N0 and is seed-reproducible.
    p = get_preset("ldpc-awgn-bg2")
    settings = SweepSettings(target_block_errors=30, max_blocks=200, batch_size=100, bler_floor=0.0)
    a = run_sweep(p.batch_function(), [0.0, 1.0, 2.5], settings)
    b = run_sweep(p.batch_function(), [0.0, 1.0, 2.5], settings)
    blers = [pt.bler for pt in a.points]
    # measured with seed 1 and 2000 blocks: 0.85, 0.15, 0.0 (BLER 1e-2 near 1.6 dB)
    assert blers[0] > 0.5 and 0.03 < blers[1] < 0.4 and blers[2] < 0.03
    assert [pt.block_errors for pt in a.points] == [pt.block_errors for pt in b.points]


def _sionna_tb_bler(sp, ebno_db, n, rng):
    """BLER of Sionna's own DL-SCH chain (TBEncoder/TBDecoder, flooding BP, 20 iterations)
    for TBS 256 / G 768 / R 1/3, with our BPSK/AWGN channel (LLRs negated into Sionna logits)."""
    import torch

    from opennr.link.awgn import bpsk_awgn_llr, ebno_db_to_no

    enc = sp.nr.TBEncoder(256, 768, 1 / 3, 1, channel_type="PDSCH", use_scrambler=False)
    dec = sp.nr.TBDecoder(enc, num_bp_iter=20)
    u = rng.integers(0, 2, (n, 256)).astype(np.float32)
    c = enc(torch.tensor(u)).numpy().astype(np.uint8)
    llr = bpsk_awgn_llr(c, ebno_db_to_no(ebno_db, code_rate=256 / 768), rng=rng)
    b_hat, _ = dec(torch.tensor(-llr))
    return float((b_hat.numpy() != u).any(axis=-1).mean())


def _same_bler(p1, n1, p2, n2, z_max):
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    sd = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n1 + 1 / n2))
    return abs(p1 - p2) <= z_max * sd


def _our_bler(ebno_db, n, seed):
    p = get_preset("ldpc-awgn-bg2").with_overrides(algorithm="flooding-spa")
    settings = SweepSettings(target_block_errors=10**6, max_blocks=n, batch_size=n)
    return run_point(p.batch_function(), ebno_db, settings, np.random.default_rng(seed)).bler


@pytest.mark.oracle
def test_ldpc_bg2_bler_matches_sionna(sch, sionna):
    # Whole link against Sionna's chain, same decoder family (flooding SPA, 20 iterations):
    # at 1.0 dB both BLERs are ~0.26 (measured with 2000 blocks: ours 0.253, Sionna 0.262).
    # 500 blocks each: a two-proportion z-test with |z| <= 4. A 0.5 dB error in the Eb/N0
    # definition moves the BLER to ~0.05 or ~0.6 and fails it.
    n = 500
    ours = _our_bler(1.0, n, seed=5)
    ref = _sionna_tb_bler(sionna, 1.0, n, np.random.default_rng(6))
    assert 0.1 < ref < 0.45
    assert _same_bler(ours, n, ref, n, 4.0), (ours, ref)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.parametrize("ebno_db", [0.75, 1.25, 1.75])
def test_ldpc_bg2_bler_curve_matches_sionna(sch, sionna, ebno_db):
    # As above with 3000 blocks per point (about 40 s of Sionna per point on one core).
    n = 3000
    ours = _our_bler(ebno_db, n, seed=7)
    ref = _sionna_tb_bler(sionna, ebno_db, n, np.random.default_rng(8))
    assert _same_bler(ours, n, ref, n, 4.0), (ours, ref)
