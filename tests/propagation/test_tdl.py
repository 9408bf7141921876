"""TdlChannel: shapes, continuity, determinism, time/frequency consistency, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.modulator import ofdm_demodulate, ofdm_modulate
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.propagation._tdl_kernels import (
    sum_of_sinusoids_kernel,
    sum_of_sinusoids_numpy,
    sum_of_sinusoids_uniform_kernel,
)
from opennr.propagation.apply import apply_time_channel
from opennr.propagation.tdl import SPEED_OF_LIGHT, TdlChannel, doppler_from_speed


def _cn(rng, shape):
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)).astype(
        np.complex64)


def test_sum_of_sinusoids_kernels_match_numpy(rng):
    f = rng.uniform(-300, 300, (5, 7))
    ph = rng.uniform(-np.pi, np.pi, (5, 7))
    t = np.sort(rng.uniform(0, 2.0, 50))
    out = np.empty((5, 50), np.complex128)
    sum_of_sinusoids_kernel(f, ph, t, 0.5, out)
    np.testing.assert_allclose(out, sum_of_sinusoids_numpy(f, ph, t, 0.5), atol=1e-10)
    tu = 3.0 + np.arange(1000) * 1.3e-4
    sum_of_sinusoids_uniform_kernel(f, ph, 3.0, 1.3e-4, 0.5, out := np.empty((5, 1000), complex))
    np.testing.assert_allclose(out, sum_of_sinusoids_numpy(f, ph, tu, 0.5), atol=1e-10)


def test_shapes_and_dtypes(rng):
    ch = TdlChannel("TDL-C", delay_spread=300e-9, max_doppler=100.0, n_rx=2, n_tx=4,
                    correlation="medium", batch_size=3, rng=rng)
    x = _cn(rng, (3, 4, 1000))
    y, g, t = ch(x, 15.36e6)
    assert y.shape == (3, 2, 1000) and y.dtype == np.complex64
    assert g.shape == (3, 2, 4, 24, t.size) and g.dtype == np.complex64
    assert ch.path_delays.shape == (24,) and ch.path_delays.dtype == np.float64
    h = ch.ofdm_response(CarrierConfig(n_size_grid=4), num_symbols=3)
    assert h.shape == (3, 2, 4, 48, 3) and h.dtype == np.complex64
    y1, _, _ = ch(x[0, :, :10], 15.36e6)  # [n_tx, S] broadcast over the batch
    assert y1.shape == (3, 2, 10)


def test_returned_gains_are_path_gains_at_sample_times(rng):
    ch = TdlChannel("TDL-B", delay_spread=100e-9, max_doppler=300.0, n_rx=2, rng=rng)
    x = _cn(rng, (1, 1, 5000))
    y, g, t = ch(x, 7.68e6, start_time=0.25)
    np.testing.assert_allclose(g, ch.path_gains(t), atol=1e-6)
    assert t[0] <= 0.25 and t[-1] >= 0.25 + 4999 / 7.68e6
    assert np.allclose(np.diff(t), 1 / ch.gain_sample_rate)
    # the same output from apply_time_channel with these gains (causal filter by default)
    y2 = apply_time_channel(x, g, t, ch.path_delays, 7.68e6, start_time=0.25,
                            filter_delay="causal")
    np.testing.assert_allclose(y, y2, atol=1e-6)
    zero = TdlChannel("TDL-B", delay_spread=100e-9, max_doppler=300.0, n_rx=2, rng=rng,
                      filter_mode="zero-delay")
    y0, g0, t0 = zero(x, 7.68e6, start_time=0.25)
    np.testing.assert_allclose(y0, apply_time_channel(x, g0, t0, zero.path_delays, 7.68e6,
                                                      start_time=0.25), atol=1e-6)


def test_consecutive_calls_continue_the_channel(rng):
    """Two calls == one call of the concatenation (causal filter; float32 rounding)."""
    kw = {"delay_spread": 300e-9, "max_doppler": 500.0, "n_rx": 2, "n_tx": 2, "seed": 11}
    x = _cn(rng, (2, 6000))
    fs = 30.72e6
    whole, _, _ = TdlChannel("TDL-A", **kw)(x, fs)
    ch = TdlChannel("TDL-A", **kw)
    y1, _, _ = ch(x[:, :2500], fs)
    assert ch.time == pytest.approx(2500 / fs)
    y2, _, _ = ch(x[:, 2500:], fs)
    assert ch.time == pytest.approx(6000 / fs)
    np.testing.assert_allclose(y1, whole[..., :2500], atol=2e-5)
    np.testing.assert_allclose(y2, whole[..., 2500:], atol=2e-5)
    ch.reset()
    again, _, _ = ch(x, fs)
    np.testing.assert_allclose(again, whole, atol=1e-6)


def test_seed_and_rng_reproducible():
    a = TdlChannel("TDL-E", delay_spread=30e-9, k_factor=5.0, seed=5).path_gains([0.0, 0.01])
    b = TdlChannel("TDL-E", delay_spread=30e-9, k_factor=5.0,
                   rng=np.random.default_rng(5)).path_gains([0.0, 0.01])
    c = TdlChannel("TDL-E", delay_spread=30e-9, k_factor=5.0, seed=6).path_gains([0.0, 0.01])
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_block_fading_and_redraw(rng):
    """Each evaluation holds the gains of its first time; blocks follow the fading process."""
    ch = TdlChannel("TDL-A", delay_spread=100e-9, max_doppler=500.0, block_fading=True, rng=rng)
    free = TdlChannel("TDL-A", delay_spread=100e-9, max_doppler=500.0,
                      rng=np.random.default_rng(20261125))
    g = ch.path_gains(np.linspace(0.01, 0.1, 7))
    np.testing.assert_array_equal(g, np.broadcast_to(g[..., :1], g.shape))
    np.testing.assert_allclose(g[..., :1], free.path_gains([0.01]), atol=1e-7)
    x = _cn(rng, (1, 1, 3000))
    _, g1, t1 = ch(x, 7.68e6)  # block 1: the gains at t = 0
    assert t1.size == 1 and t1[0] == 0.0 and ch.gain_sample_rate == 0.0
    np.testing.assert_allclose(g1, free.path_gains([0.0]), atol=1e-7)
    _, g2, t2 = ch(x, 7.68e6)  # block 2: the gains at the start of the second call
    assert t2[0] == pytest.approx(3000 / 7.68e6)
    np.testing.assert_allclose(g2, free.path_gains(t2), atol=1e-7)
    h = ch.ofdm_response(CarrierConfig(n_size_grid=2))
    np.testing.assert_allclose(h, np.broadcast_to(h[..., :1], h.shape), atol=1e-6)
    ch.redraw()
    assert not np.allclose(ch.path_gains([0.0]), g1)


def test_doppler_from_speed():
    fd = doppler_from_speed(120 / 3.6, 3.5e9)
    assert fd == pytest.approx(120 / 3.6 * 3.5e9 / SPEED_OF_LIGHT)
    a = TdlChannel("TDL-A", delay_spread=1e-7, speed=120 / 3.6, carrier_frequency=3.5e9, seed=1)
    b = TdlChannel("TDL-A", delay_spread=1e-7, max_doppler=fd, seed=1)
    assert a.max_doppler == pytest.approx(fd)
    np.testing.assert_allclose(a.path_gains([0.0, 0.003]), b.path_gains([0.0, 0.003]), atol=1e-6)
    assert TdlChannel("TDLC300-100", seed=1).max_doppler == 100.0
    assert TdlChannel("TDLA30-10", seed=1, max_doppler=3.0).max_doppler == 3.0
    assert TdlChannel("TDLB100", seed=1).max_doppler == 5.0  # MATLAB's default


@pytest.mark.parametrize("scs,n_rb,profile", [(15, 25, "TDLA30"), (30, 24, "TDLB100")])
def test_time_and_frequency_domain_agree(rng, scs, n_rb, profile):
    """demod(channel(mod(X))) vs ofdm_response * X; NMSE < -30 dB (f_D = 10 Hz, delays in CP).

    The causal filter delays the output by D = channel_filter_delay samples: the FFT windows
    start D samples later (D zeros flush the last symbol) and the response is sampled D / f_s
    later.
    """
    carrier = CarrierConfig(subcarrier_spacing=scs, n_size_grid=n_rb)
    fs = ofdm_info(carrier).sample_rate
    ch = TdlChannel(profile, max_doppler=10.0, n_rx=2, n_tx=2, correlation="medium", rng=rng)
    d = ch.channel_filter_delay(fs)
    assert 0 < d < 16
    grid = _cn(rng, (1, 2, carrier.num_subcarriers, 14))
    tx = ofdm_modulate(grid, carrier)
    y, _, _ = ch(np.concatenate([tx, np.zeros(tx.shape[:-1] + (d,), tx.dtype)], -1), fs)
    rx = ofdm_demodulate(y[..., d:], carrier)
    h = ch.ofdm_response(carrier, start_time=d / fs)
    expect = np.einsum("brtkl,btkl->brkl", h, grid)
    nmse = np.mean(np.abs(rx[..., 1:] - expect[..., 1:]) ** 2) / np.mean(np.abs(expect) ** 2)
    assert nmse < 1e-3


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"profile": "TDL-F", "delay_spread": 1e-7}, ValueError, "name must be one of"),
    ({"profile": "CDL-A", "delay_spread": 1e-7}, ValueError, "name must be one of"),
    ({"profile": "TDL-A", "delay_spread": -1e-7}, ValueError, "delay_spread"),
    ({"profile": "TDL-A"}, ValueError, "delay_spread"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "max_doppler": -5.0}, ValueError, "max_doppler"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "speed": -1.0, "carrier_frequency": 3e9},
     ValueError, "speed"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "speed": 1.0}, ValueError, "carrier_frequency"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "speed": 1.0, "carrier_frequency": 0.0},
     ValueError, "carrier_frequency"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "speed": 1.0, "carrier_frequency": 3e9,
      "max_doppler": 5.0}, ValueError, "not both"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "n_rx": 3, "correlation": "medium"},
     ValueError, "n_rx"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "n_tx": 6, "correlation": "high"},
     ValueError, "n_tx"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "correlation": "strong"}, ValueError,
     "correlation"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "n_rx": 2, "spatial_correlation": np.eye(3)},
     ValueError, "spatial_correlation"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "n_rx": 2,
      "spatial_correlation": [[2.0, 0.0], [0.0, 2.0]]}, ValueError, "unit diagonal"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "n_rx": 0}, ValueError, "n_rx"),
    ({"profile": "TDL-B", "delay_spread": 1e-7, "k_factor": 3.0}, ValueError, "TDL-D"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "batch_size": 0}, ValueError, "batch_size"),
    ({"profile": "TDL-A", "delay_spread": 1e-7, "block_fading": 1}, TypeError, "block_fading"),
])
def test_bad_construction(kwargs, exc, match):
    kwargs.setdefault("seed", 1)
    with pytest.raises(exc, match=match):
        TdlChannel(**kwargs)


def test_bad_calls():
    with pytest.raises(ValueError, match="rng"):
        TdlChannel("TDLA30")
    with pytest.raises(TypeError, match="rng"):
        TdlChannel("TDLA30", rng=3)
    ch = TdlChannel("TDLA30", n_tx=2, seed=1)
    x = np.zeros((2, 100), np.complex64)
    with pytest.raises(ValueError, match="too low"):
        ch(x, 1.92e6)  # 290 ns max delay, 521 ns sample period
    y, _, _ = ch(x, 1.92e6, require_resolved_taps=False)  # flat fading allowed on request
    assert y.shape == (1, 1, 100)
    with pytest.raises(ValueError, match="sample_rate"):
        ch(x, -30.72e6)
    with pytest.raises(ValueError, match="waveform"):
        ch(np.zeros((3, 100), np.complex64), 30.72e6)
    with pytest.raises(TypeError, match="waveform"):
        ch(np.zeros((2, 100), bool), 30.72e6)
    with pytest.raises(TypeError, match="carrier"):
        ch.ofdm_response("carrier")
    with pytest.raises(ValueError, match="times"):
        ch.path_gains([np.nan])
