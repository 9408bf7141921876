"""BPSK over real AWGN: the Eb/N0 -> N0 convention, the noise variance, the exact LLR."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erfc

from opennr.link.awgn import awgn_real, bpsk_awgn_llr, bpsk_modulate, ebno_db_to_no


def q_function(x):
    return 0.5 * erfc(np.asarray(x) / math.sqrt(2.0))


@pytest.mark.parametrize(
    ("ebno_db", "rate", "qm", "expected"),
    [
        (0.0, 0.5, 1, 2.0),
        (10.0, 1.0, 1, 0.1),
        (3.0, 1 / 3, 2, 1.5 / 10**0.3),
        (-3.0, 1.0, 4, 0.25 * 10**0.3),
    ],
)
def test_ebno_db_to_no_values(ebno_db, rate, qm, expected):
    assert ebno_db_to_no(ebno_db, code_rate=rate, modulation_order=qm) == pytest.approx(
        expected, rel=1e-12
    )


def test_ebno_db_to_no_array():
    no = ebno_db_to_no(np.array([0.0, 10.0, 20.0]), code_rate=1.0)
    np.testing.assert_allclose(no, [1.0, 0.1, 0.01], rtol=1e-12)


@pytest.mark.oracle
def test_ebno_db_to_no_matches_sionna(sionna):
    import torch

    for ebno_db, rate, qm in [(0.0, 0.5, 1), (2.5, 0.5, 2), (-1.0, 1 / 3, 4), (7.0, 0.9, 6)]:
        ref = float(sionna.utils.ebnodb2no(torch.tensor(ebno_db), qm, rate))
        assert ebno_db_to_no(ebno_db, code_rate=rate, modulation_order=qm) == pytest.approx(
            ref, rel=1e-6
        )


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"code_rate": 0.0}, ValueError, "code_rate"),
        ({"code_rate": 1.5}, ValueError, "code_rate"),
        ({"code_rate": "1/2"}, TypeError, "code_rate"),
        ({"code_rate": 0.5, "modulation_order": 0}, ValueError, "modulation_order"),
        ({"code_rate": 0.5, "modulation_order": 1.0}, TypeError, "modulation_order"),
    ],
)
def test_ebno_db_to_no_rejects(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ebno_db_to_no(1.0, **kwargs)


def test_ebno_db_to_no_rejects_nan():
    with pytest.raises(ValueError, match="ebno_db"):
        ebno_db_to_no(float("nan"), code_rate=0.5)


def test_bpsk_modulate_sign():
    x = bpsk_modulate(np.array([[0, 1], [1, 0]], dtype=np.uint8))
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, [[1.0, -1.0], [-1.0, 1.0]])
    with pytest.raises(TypeError, match="bits"):
        bpsk_modulate(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="bits"):
        bpsk_modulate(np.array([0, 2]))


@pytest.mark.parametrize("no", [0.05, 1.0, 4.0])
def test_awgn_noise_variance(no, rng):
    # 400,000 samples: the sample variance has relative standard error sqrt(2/n) = 0.22 %;
    # a 2 % tolerance is > 9 standard errors. The mean must be 0 within 6 standard errors.
    n = 400_000
    y = awgn_real(np.zeros((4, n // 4), dtype=np.float32), no, rng=rng)
    assert y.dtype == np.float32 and y.shape == (4, n // 4)
    assert float(y.var()) == pytest.approx(no / 2.0, rel=0.02)
    assert abs(float(y.mean())) < 6.0 * math.sqrt(no / 2.0 / n)


def test_awgn_is_added_to_the_input(rng):
    x = np.linspace(-3, 3, 1000, dtype=np.float32)
    y = awgn_real(x, 1e-8, rng=rng)
    np.testing.assert_allclose(y, x, atol=1e-3)


def test_awgn_rejects():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng"):
        awgn_real(np.zeros(3, dtype=np.float32), 1.0, rng=1)
    with pytest.raises(TypeError, match="rng"):
        awgn_real(np.zeros(3, dtype=np.float32), 1.0, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="no"):
        awgn_real(np.zeros(3, dtype=np.float32), 0.0, rng=rng)
    with pytest.raises(ValueError, match="no"):
        awgn_real(np.zeros(3, dtype=np.float32), float("inf"), rng=rng)
    with pytest.raises(TypeError, match="x"):
        awgn_real(np.zeros(3, dtype=np.uint8), 1.0, rng=rng)


def test_llr_is_4y_over_no_exactly():
    # Re-draw the same noise from an identically seeded generator: llr = 4 (x + sqrt(no/2) w) / no.
    bits = np.random.default_rng(5).integers(0, 2, (3, 500), dtype=np.uint8)
    no = 0.7
    llr = bpsk_awgn_llr(bits, no, rng=np.random.default_rng(11))
    w = np.random.default_rng(11).standard_normal(bits.shape, dtype=np.float32)
    y = (1.0 - 2.0 * bits) + np.sqrt(no / 2.0) * w
    assert llr.dtype == np.float32 and llr.shape == bits.shape
    np.testing.assert_allclose(llr, 4.0 * y / no, rtol=1e-5, atol=1e-5)


def test_llr_sign_convention_positive_means_zero(rng):
    # At Eb/N0 = 30 dB (sigma = 0.022) no LLR can have the wrong sign: positive <=> bit 0.
    bits = rng.integers(0, 2, (8, 4096), dtype=np.uint8)
    llr = bpsk_awgn_llr(bits, ebno_db_to_no(30.0, code_rate=1.0), rng=rng)
    np.testing.assert_array_equal((llr < 0).astype(np.uint8), bits)
    assert (llr[bits == 0] > 0).all() and (llr[bits == 1] < 0).all()


def test_llr_consistency_condition(rng):
    # Exact BPSK/AWGN LLRs are Gaussian with mean +-4/N0 and variance 8/N0 (variance = 2 |mean|).
    # 300,000 samples per sign: 2 % relative tolerance on both moments is > 8 standard errors.
    no = 1.25
    bits = np.zeros(300_000, dtype=np.uint8)
    bits[::2] = 1
    llr = bpsk_awgn_llr(bits, no, rng=rng).astype(np.float64)
    for b, sign in ((0, 1.0), (1, -1.0)):
        sel = llr[bits == b]
        assert sel.mean() == pytest.approx(sign * 4.0 / no, rel=0.02)
        assert sel.var() == pytest.approx(8.0 / no, rel=0.02)


@pytest.mark.parametrize("ebno_db", [0.0, 2.0, 4.0, 6.0])
def test_uncoded_ber_matches_q_function(ebno_db, rng):
    # Independent check of the SNR definition: uncoded BPSK BER = Q(sqrt(2 Eb/N0)).
    # 2,000,000 bits give >= 4,800 errors (6 dB: p = 2.4e-3), relative standard error <= 1.5 %;
    # tolerance 6 %.
    bits = rng.integers(0, 2, (20, 100_000), dtype=np.uint8)
    llr = bpsk_awgn_llr(bits, ebno_db_to_no(ebno_db, code_rate=1.0), rng=rng)
    ber = float(((llr < 0).astype(np.uint8) != bits).mean())
    expected = float(q_function(math.sqrt(2.0 * 10 ** (ebno_db / 10))))
    assert ber == pytest.approx(expected, rel=0.06)
