"""Impairment primitives: definitions checked directly, statistics with stated tolerances, bad inputs."""

import numpy as np
import pytest

from opennr.waveform import (
    Impairments,
    add_awgn,
    apply_cfo,
    apply_impairments,
    apply_timing_offset,
    fading_available,
)


def test_cfo_is_a_frequency_shift():
    fs, n = 1.92e6, 1920
    x = np.exp(2j * np.pi * 15e3 * np.arange(n) / fs).astype(np.complex64)
    y = apply_cfo(x, 30e3, fs)
    spec = np.abs(np.fft.fft(y))
    assert np.argmax(spec) == round(45e3 / fs * n)
    np.testing.assert_allclose(apply_cfo(y, -30e3, fs), x, atol=1e-5)


def test_timing_offset_roll():
    x = np.arange(10).astype(np.complex64)
    np.testing.assert_array_equal(apply_timing_offset(x, 3), np.roll(x, 3))
    np.testing.assert_array_equal(apply_timing_offset(x, -13), np.roll(x, -3))


def test_awgn_variance(rng):
    y = add_awgn(np.zeros((4, 50000), np.complex64), 3.0, rng, re_energy=2.0)
    var = np.mean(np.abs(y) ** 2)
    assert abs(var / (2.0 * 10 ** -0.3) - 1) < 0.02  # 200000 samples: 1-sigma ~0.2 %
    assert abs(np.mean(y.real ** 2) - np.mean(y.imag ** 2)) < 0.02 * var


def test_apply_impairments_order(rng):
    x = (rng.standard_normal(64) + 1j * rng.standard_normal(64)).astype(np.complex64)
    imp = Impairments(cfo_hz=100.0, timing_offset=5)
    np.testing.assert_allclose(apply_impairments(x, imp, 1e4),
                               apply_cfo(np.roll(x, 5), 100.0, 1e4), atol=1e-6)
    np.testing.assert_array_equal(apply_impairments(x, Impairments(), 1e4), x)


def test_fading(rng):
    assert isinstance(fading_available(), bool)
    x = np.ones(4000, np.complex64)
    if not fading_available():
        with pytest.raises(ValueError, match="tdl"):
            apply_impairments(x, Impairments(fading="TDL-A"), 1e6, rng)
        return
    y = apply_impairments(x, Impairments(fading="TDLA30", max_doppler=0.0), 7.68e6, rng)
    assert y.shape == x.shape and y.dtype == np.complex64
    # zero Doppler: a constant channel, so a constant input gives a constant output (after the
    # filter's start-up and before its end, which cover the longest path, 290 ns = 3 samples, and
    # the fractional-delay interpolator's half length)
    tail = y[200:-50]
    assert np.allclose(tail, tail[0], atol=1e-3 * abs(tail[0]))
    z = apply_impairments(np.ones((2, 500), np.complex64), Impairments(fading="TDL-B",
                          delay_spread=100e-9), 7.68e6, rng)
    assert z.shape == (2, 500) and not np.allclose(z[0], z[1])  # independent realisations


def test_bad_inputs(rng):
    with pytest.raises(ValueError, match="NaN"):
        apply_cfo(np.array([np.nan], np.complex64), 1.0, 1.0)
    with pytest.raises(ValueError, match="sample_rate"):
        apply_cfo(np.ones(2), 1.0, 0.0)
    with pytest.raises(TypeError, match="offset"):
        apply_timing_offset(np.ones(2), 1.5)
    with pytest.raises(TypeError, match="rng"):
        add_awgn(np.ones(2), 0.0, None)
    with pytest.raises(TypeError, match="samples"):
        add_awgn(np.array(["a"]), 0.0, rng)
    with pytest.raises(ValueError, match="snr_db"):
        Impairments(snr_db=float("nan"))
    with pytest.raises(TypeError, match="timing_offset"):
        Impairments(timing_offset=0.5)
    with pytest.raises(ValueError, match="max_doppler"):
        Impairments(max_doppler=-1.0)
    with pytest.raises(TypeError, match="rng"):
        apply_impairments(np.ones(4), Impairments(snr_db=0.0), 1e6)
    with pytest.raises(TypeError, match="Impairments"):
        apply_impairments(np.ones(4), {"snr_db": 0.0}, 1e6)
