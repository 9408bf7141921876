"""TS 38.211 §5.1 soft/hard demapping: brute force over all 2^Qm points, Sionna Demapper oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from opennr.modulation import (
    MODULATIONS,
    bits_per_symbol,
    constellation,
    demodulate_hard,
    demodulate_soft,
    modulate,
)
from opennr.modulation._demapping_kernels import qam_soft_kernel
from opennr.modulation.demapping import _bit_masks
from opennr.modulation.mapping import _constellation128, _scale

QAMS = ("QPSK", "16QAM", "64QAM", "256QAM", "1024QAM")


def brute_llr(y, modulation, noise_var, exact):
    """float64 LLRs ln P(0)/P(1) over every one of the 2^Qm points (no structure used)."""
    qm = bits_per_symbol(modulation)
    y = np.asarray(y, dtype=complex)
    pts = _constellation128(modulation)
    metric = -np.abs(y[..., None] - pts) ** 2 / np.broadcast_to(noise_var, y.shape)[..., None]
    if modulation == "pi/2-BPSK":
        odd = (np.arange(y.shape[-1]) % 2 == 1)[:, None]
        metric = np.where(odd, -np.abs(y[..., None] - 1j * pts) ** 2
                          / np.broadcast_to(noise_var, y.shape)[..., None], metric)
    labels = (np.arange(2**qm)[:, None] >> (qm - 1 - np.arange(qm))) & 1
    out = np.empty(y.shape + (qm,))
    for k in range(qm):
        m0, m1 = metric[..., labels[:, k] == 0], metric[..., labels[:, k] == 1]
        if exact:
            out[..., k] = logsumexp(m0, axis=-1) - logsumexp(m1, axis=-1)
        else:
            out[..., k] = m0.max(axis=-1) - m1.max(axis=-1)
    return out.reshape(*y.shape[:-1], -1)


def noisy(rng, modulation, shape, sigma=0.3, spread=1.3):
    qm = bits_per_symbol(modulation)
    bits = rng.integers(0, 2, (*shape[:-1], shape[-1] * qm))
    d = modulate(bits, modulation).astype(complex) * rng.uniform(1 / spread, spread, shape)
    return d + sigma * (rng.normal(size=shape) + 1j * rng.normal(size=shape))


# relative-to-magnitude tolerance: float64 kernels, float32 output
def assert_llr_close(ours, ref, rtol=2e-6, atol=1e-4):
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=atol)


@pytest.mark.parametrize("modulation", MODULATIONS)
@pytest.mark.parametrize("method", ["max-log", "exact"])
@pytest.mark.parametrize("noise_var", [1e-3, 0.05, 0.5, 4.0])
def test_against_brute_force_scalar_noise(modulation, method, noise_var, rng):
    y = noisy(rng, modulation, (3, 200))
    ours = demodulate_soft(y, modulation, noise_var, method=method)
    assert ours.shape == (3, 200 * bits_per_symbol(modulation)) and ours.dtype == np.float32
    assert_llr_close(ours, brute_llr(y, modulation, noise_var, method == "exact"))


@pytest.mark.parametrize("modulation", MODULATIONS)
@pytest.mark.parametrize("method", ["max-log", "exact"])
def test_per_symbol_and_per_re_noise(modulation, method, rng):
    y = noisy(rng, modulation, (2, 3, 50))
    per_re = rng.uniform(1e-3, 2.0, (2, 3, 50))
    per_row = rng.uniform(1e-3, 2.0, (2, 3, 1))  # broadcast over the symbols of a row
    for nv in (per_re, per_row):
        ours = demodulate_soft(y, modulation, nv, method=method)
        assert_llr_close(ours, brute_llr(y, modulation, nv, method == "exact"))


@pytest.mark.parametrize("modulation", QAMS[1:])
def test_exact_at_extreme_snr_and_far_points(modulation, rng):
    # tiny noise variance: the sum of the far bit value underflows and is recomputed;
    # symbols far outside the constellation exercise the clipped nearest point.
    y = noisy(rng, modulation, (400,), sigma=0.5, spread=3.0)
    y = np.concatenate([y, [40 * (1 + 1j), -5 + 0.3j, 3 - 7j, 0.2 + 9j]])  # far outside
    for nv in (1e-6, 1e-4, 30.0):
        ours = demodulate_soft(y, modulation, nv, method="exact")
        assert np.isfinite(ours).all()
        assert_llr_close(ours, brute_llr(y, modulation, nv, True))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(QAMS), st.floats(-3.0, 3.0), st.floats(-3.0, 3.0),
       st.floats(1e-3, 10.0), st.booleans())
def test_single_symbols_hypothesis(modulation, re, im, noise_var, exact):
    y = np.array([re + 1j * im])
    ours = demodulate_soft(y, modulation, noise_var, method="exact" if exact else "max-log")
    assert_llr_close(ours, brute_llr(y, modulation, noise_var, exact))


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_soft_sign_is_hard_decision(modulation, rng):
    y = noisy(rng, modulation, (500,), sigma=0.5)
    hard = demodulate_hard(y, modulation)
    np.testing.assert_array_equal(hard, demodulate_soft(y, modulation, 0.1) < 0)
    np.testing.assert_array_equal(hard, brute_llr(y, modulation, 1.0, False) < 0)


def test_noiseless_llr_values():
    # 16QAM point (3+3j)/sqrt(10), bits 0011: the nearest point with b0 = 1 is at distance 4,
    # the nearest with b2 = 0 at distance 2 (units of 1/sqrt(10)); LLR = (d1^2 - d0^2) / (10 N0)
    y = constellation("16QAM")[3:4]
    np.testing.assert_allclose(demodulate_soft(y, "16QAM", 1.0), [1.6, 1.6, -0.4, -0.4], rtol=1e-6)


def test_kernel_direct_call_matches_wrapper(rng):
    y = noisy(rng, "64QAM", (64,)).astype(np.complex64)
    out = np.empty(64 * 6, dtype=np.float32)
    qam_soft_kernel(y, np.array([0.2]), 3, _scale(3), True, _bit_masks(3), out)
    np.testing.assert_array_equal(out, demodulate_soft(y, "64QAM", 0.2, method="exact"))


@pytest.mark.oracle
@pytest.mark.parametrize("qm", [2, 4, 6, 8, 10])
@pytest.mark.parametrize("method", ["maxlog", "app"])
def test_sionna_demapper(sionna, rng, qm, method):
    # Sionna computes in float32: |y - c|^2 / N0 loses ~1e-7 relatively, hence rtol 1e-4 and an
    # absolute floor scaled by the largest metric (N0 >= 0.01).
    import torch

    modulation = QAMS[qm // 2 - 1]
    y = noisy(rng, modulation, (4, 300)).astype(np.complex64)
    nv = rng.uniform(0.01, 1.0, (4, 300)).astype(np.float32)
    demapper = sionna.mapping.Demapper(method, "qam", qm)
    logits = demapper(torch.tensor(y), torch.tensor(nv)).numpy()
    ours = demodulate_soft(y, modulation, nv, method="exact" if method == "app" else "max-log")
    assert ours.shape == logits.shape
    np.testing.assert_allclose(ours, -logits, rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize("bad", ["8PSK", "256-QAM", None])
def test_bad_modulation(bad):
    with pytest.raises((ValueError, TypeError), match="modulation"):
        demodulate_soft([1 + 1j], bad)
    with pytest.raises((ValueError, TypeError), match="modulation"):
        demodulate_hard([1 + 1j], bad)


def test_bad_inputs():
    with pytest.raises(ValueError, match="method must be one of"):
        demodulate_soft([1 + 1j], "QPSK", method="app")
    with pytest.raises(ValueError, match="NaN"):
        demodulate_soft([1 + 1j, np.nan], "QPSK")
    with pytest.raises(ValueError, match="NaN"):
        demodulate_hard([np.inf + 0j], "16QAM")
    for nv in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="noise_var must be finite and > 0"):
            demodulate_soft([1 + 1j], "QPSK", nv)
    with pytest.raises(ValueError, match="broadcastable"):
        demodulate_soft(np.ones((2, 3), complex), "QPSK", np.ones(2))
    with pytest.raises(TypeError, match="noise_var"):
        demodulate_soft([1 + 1j], "QPSK", "0.1")
    with pytest.raises(TypeError, match="symbols"):
        demodulate_soft(np.array(["a"]), "QPSK")
    with pytest.raises(ValueError, match="at least one dimension"):
        demodulate_soft(1 + 1j, "QPSK")


def test_empty_and_real_input():
    assert demodulate_soft(np.zeros((3, 0), complex), "64QAM").shape == (3, 0)
    assert demodulate_hard(np.zeros((0,), complex), "pi/2-BPSK").shape == (0,)
    np.testing.assert_array_equal(demodulate_hard([-1.0, 1.0], "QPSK"), [1, 0, 0, 0])
