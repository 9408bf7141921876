"""Stepping TDL/CDL channels block by block: the causal channel filter (MATLAB's ChannelFilterDelay).

Claims tested (tolerances are float32 rounding: 2e-5 of the output's peak):

* ``apply_time_channel(..., filter_delay="causal")`` is causal (output ``n`` uses inputs ``<= n``)
  and, fed with ``history``, a waveform cut at arbitrary points into consecutive calls gives the
  single-call output;
* ``TdlChannel`` / ``CdlChannel`` (default ``filter_mode="causal"``), time-varying and block
  fading: consecutive calls == one call (block fading: == one call per block with that block's
  gains), the path gains continue across calls, ``reset()`` reproduces the first call;
* slot-by-slot stepping of an OFDM waveform agrees with ``ofdm_response`` once the known delay
  ``D`` is compensated;
* ``"zero-delay"`` keeps its documented one-shot behaviour.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.modulator import ofdm_demodulate, ofdm_modulate
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.propagation.antenna import PanelArray
from opennr.propagation.apply import (
    DEFAULT_FILTER_HALF_LENGTH,
    apply_time_channel,
    channel_filter_delay,
    channel_filter_span,
)
from opennr.propagation.cdl import CdlChannel
from opennr.propagation.tdl import TdlChannel

TOL = 2e-5  # float32 rounding, relative to the output's peak


def _cn(rng, shape):
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)).astype(
        np.complex64)


def _cuts(rng, n, k):
    """``k`` random interior cut points of ``n`` samples (sorted, distinct), with 0 and n."""
    inner = np.sort(rng.choice(np.arange(1, n), size=k, replace=False))
    return np.concatenate(([0], inner, [n])).astype(int)


# -- apply_time_channel -----------------------------------------------------------------------

_X = _cn(np.random.default_rng(61), (2, 2, 700))
_G = _cn(np.random.default_rng(62), (2, 3, 2, 4, 9))
_GT = np.linspace(-1e-5, 7.2e-4, 9)
_D = np.array([0.0, 2.5e-6, 7.25e-6, 20.9e-6])
_FULL = apply_time_channel(_X, _G, _GT, _D, 1e6, filter_delay="causal")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 699), min_size=1, max_size=8, unique=True))
def test_apply_causal_splits_equal_one_call(cuts):
    """Any cut points; each call gets only channel_filter_span samples of history."""
    edges = [0, *sorted(cuts), 700]
    span = channel_filter_span(_D, 1e6)
    parts = []
    for a, b in itertools.pairwise(edges):
        parts.append(apply_time_channel(_X[..., a:b], _G, _GT, _D, 1e6, start_time=a * 1e-6,
                                        history=_X[..., max(a - span, 0):a],
                                        filter_delay="causal"))
    joined = np.concatenate(parts, -1)
    np.testing.assert_allclose(joined, _FULL, rtol=0, atol=TOL * np.abs(_FULL).max())


def test_apply_causal_is_causal_and_delayed(rng):
    d = channel_filter_delay(_D, 1e6)
    assert d == DEFAULT_FILTER_HALF_LENGTH - 1 - 2  # the first fractional delay is 2.5 samples
    x = _X.copy()
    x[..., 300] += 5.0  # change one input sample: outputs before it must not move
    y = apply_time_channel(x, _G, _GT, _D, 1e6, filter_delay="causal")
    np.testing.assert_array_equal(y[..., :300], _FULL[..., :300])
    assert np.abs(y[..., 300:] - _FULL[..., 300:]).max() > 0.1
    # zero-delay mode reads D samples ahead: outputs from D samples before the change move
    y0 = apply_time_channel(x, _G, _GT, _D, 1e6)
    z0 = apply_time_channel(_X, _G, _GT, _D, 1e6)
    moved = np.nonzero(np.abs(y0 - z0).max(axis=(0, 1)) > 1e-6)[0]
    assert moved[0] == 300 - d
    # static gains: the causal output is the zero-delay output delayed by D samples
    g1 = _G[..., :1]
    yc = apply_time_channel(_X, g1, [0.0], _D, 1e6, filter_delay="causal")
    yz = apply_time_channel(_X, g1, [0.0], _D, 1e6)
    np.testing.assert_allclose(yc[..., d:], yz[..., :-d], atol=TOL * np.abs(yz).max())
    # an explicit integer delay does the same
    np.testing.assert_allclose(apply_time_channel(_X, g1, [0.0], _D, 1e6, filter_delay=d), yc,
                               atol=1e-6)


def test_channel_filter_delay_and_span():
    # whole-sample delays: no filter delay, the span is the largest delay (MATLAB: 0 as well)
    assert channel_filter_delay([0.0, 3e-6, 17e-6], 1e6) == 0
    assert channel_filter_span([0.0, 3e-6, 17e-6], 1e6) == 17
    # smallest fractional path sets D = L - 1 - floor(d)
    assert channel_filter_delay([0.0, 4.5e-6], 1e6) == DEFAULT_FILTER_HALF_LENGTH - 1 - 4
    assert channel_filter_delay([0.0, 4.5e-6], 1e6, filter_half_length=4) == 0
    assert channel_filter_delay([0.0, 0.5e-6], 1e6, filter_half_length=4) == 3
    # the impulse response of the causal filter fits inside [0, span]
    x = np.zeros((1, 1, 80), np.complex64)
    x[..., 0] = 1
    g = np.ones((1, 1, 1, 3, 1), np.complex64)
    d = [0.0, 1.3e-6, 9.7e-6]
    y = apply_time_channel(x, g, [0.0], d, 1e6, filter_delay="causal")
    span = channel_filter_span(d, 1e6)
    assert np.abs(y[0, 0, span + 1:]).max() == 0 and np.abs(y[0, 0, span]) > 0
    assert channel_filter_span(d, 1e6, filter_delay=0) == span - channel_filter_delay(d, 1e6)


@pytest.mark.parametrize("bad,exc", [("late", ValueError), (-1, ValueError), (True, TypeError),
                                     (1.5, TypeError), (None, TypeError)])
def test_apply_bad_filter_delay(bad, exc):
    with pytest.raises(exc, match="filter_delay"):
        apply_time_channel(_X, _G, _GT, _D, 1e6, filter_delay=bad)
    with pytest.raises(exc, match="filter_delay"):
        channel_filter_span(_D, 1e6, filter_delay=bad)


# -- channel objects --------------------------------------------------------------------------

def _xpol():
    return PanelArray(size=(1, 1, 2, 1, 1), polarization_angles=(45.0, -45.0))


def _make(kind, block_fading, **kw):
    if kind == "tdl":
        return TdlChannel("TDL-C", delay_spread=300e-9, max_doppler=400.0, n_rx=2, n_tx=2,
                          correlation="medium", batch_size=2, seed=21, block_fading=block_fading,
                          **kw)
    return CdlChannel("CDL-B", 300e-9, max_doppler_shift=400.0, tx_array=_xpol(),
                      rx_array=_xpol(), batch_size=2, seed=22, block_fading=block_fading, **kw)


def _delays(ch):
    return ch.path_delays


@pytest.mark.parametrize("kind", ["tdl", "cdl"])
@pytest.mark.parametrize("block_fading", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_consecutive_calls_equal_one_call(kind, block_fading, seed):
    """Random cut points, 2..6 calls; block fading: one block per call, each block equal to a
    single causal call over the whole waveform with that block's gains."""
    rng = np.random.default_rng(seed)
    fs = 15.36e6
    n = 3000
    x = _cn(rng, (2, 2, n))
    edges = _cuts(rng, n, int(rng.integers(1, 6)))
    ch = _make(kind, block_fading)
    outs, gains, times = [], [], []
    for a, b in itertools.pairwise(edges):
        y, g, t = ch(x[..., a:b], fs)
        assert ch.time == pytest.approx(b / fs, abs=1e-15)
        outs.append(y)
        gains.append(g)
        times.append(t)
    joined = np.concatenate(outs, -1)
    ref_ch = _make(kind, block_fading)
    if not block_fading:
        whole, _, _ = ref_ch(x, fs)
    else:
        whole = np.empty_like(joined)
        for (a, b), g, t in zip(itertools.pairwise(edges), gains, times):
            assert t.size == 1 and t[0] == pytest.approx(a / fs, abs=1e-15)
            np.testing.assert_allclose(g, ref_ch.path_gains(t), atol=1e-6)
            y = apply_time_channel(x[..., :b], g, t, _delays(ch), fs, filter_delay="causal")
            whole[..., a:b] = y[..., a:b]
    np.testing.assert_allclose(joined, whole, rtol=0, atol=TOL * np.abs(whole).max())
    # reset(): back to t = 0 with no input history -> the first call again, bit for bit
    ch.reset()
    assert ch.time == 0.0
    again, g0, _ = ch(x[..., :edges[1]], fs)
    np.testing.assert_array_equal(again, outs[0])
    np.testing.assert_array_equal(g0, gains[0])


@pytest.mark.parametrize("kind", ["tdl", "cdl"])
def test_broadcast_and_batched_calls_mix(kind, rng):
    """A [n_tx, S] block (broadcast over the batch) between [B, n_tx, S] blocks keeps the history."""
    fs = 15.36e6
    x = _cn(rng, (1, 2, 2000))
    xb = np.broadcast_to(x, (2, 2, 2000))
    whole, _, _ = _make(kind, False)(xb, fs)
    ch = _make(kind, False)
    parts = [ch(x[0, :, :700], fs)[0], ch(xb[..., 700:1200], fs)[0], ch(x[0, :, 1200:], fs)[0]]
    np.testing.assert_allclose(np.concatenate(parts, -1), whole,
                               atol=TOL * np.abs(whole).max())


@pytest.mark.parametrize("kind", ["tdl", "cdl"])
def test_path_gains_continue_across_calls(kind, rng):
    """The gain trajectory that the filter applies (linear interpolation of the returned
    snapshots) is the same whether the waveform is cut or not, and has no jump at the joints."""
    fs = 7.68e6
    n = 4000
    x = _cn(rng, (2, 2, n))
    edges = [0, 999, 1000, 2718, n]
    ch = _make(kind, False)
    whole_ch = _make(kind, False)
    _, gw, tw = whole_ch(x, fs)
    s = np.arange(n) / fs

    def interp(g, t, times):
        flat = g.reshape(-1, t.size)
        re = np.array([np.interp(times, t, row.real) for row in flat])
        im = np.array([np.interp(times, t, row.imag) for row in flat])
        return (re + 1j * im).reshape(g.shape[:-1] + (times.size,))

    pieces = []
    for a, b in itertools.pairwise(edges):
        _, g, t = ch(x[..., a:b], fs)
        assert t[0] <= a / fs + 1e-12 and t[-1] >= (b - 1) / fs - 1e-12
        np.testing.assert_allclose(g, whole_ch.path_gains(t), atol=1e-6)  # one function of time
        pieces.append(interp(g, t, s[a:b]))
    traj = np.concatenate(pieces, -1)
    ref = interp(gw, tw, s)
    np.testing.assert_allclose(traj, ref, atol=1e-6)
    # continuity: sample-to-sample steps at the joints are as small as anywhere else
    step = np.abs(np.diff(traj, axis=-1)).max(axis=(0, 1, 2, 3))
    assert step[[998, 999, 2717]].max() <= 1.01 * step.max()
    assert step.max() < 2 * np.pi * 400.0 / fs * 10  # |dg/dt| <= 2 pi f_D |g|, |g| < 10


@pytest.mark.parametrize("kind", ["tdl", "cdl"])
def test_slot_by_slot_stepping_matches_ofdm_response(kind, rng):
    """Two 30 kHz slots fed one at a time: demodulating the joined output D samples late gives
    ofdm_response (sampled D / f_s late) * X, NMSE < -30 dB at f_D = 100 Hz (its ICI and the
    sinc's error are below -40 dB)."""
    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=12)
    fs = ofdm_info(carrier).sample_rate
    ch = (TdlChannel("TDL-A", delay_spread=30e-9, max_doppler=100.0, n_rx=2, n_tx=2, seed=5)
          if kind == "tdl" else
          CdlChannel("CDL-C", 30e-9, max_doppler_shift=100.0, tx_array=_xpol(), rx_array=_xpol(),
                     seed=5))
    d = ch.channel_filter_delay(fs)
    assert 0 < d < DEFAULT_FILTER_HALF_LENGTH
    slot_len = round(0.5e-3 * fs)
    grids, rx = [], []
    for slot in range(2):
        c = CarrierConfig(subcarrier_spacing=30, n_size_grid=12, n_slot=slot)
        grid = _cn(rng, (1, 2, c.num_subcarriers, 14))
        tx = ofdm_modulate(grid, c)
        assert tx.shape[-1] == slot_len
        grids.append(grid)
        rx.append(ch(tx, fs)[0])
    rx.append(ch(np.zeros((1, 2, d), np.complex64), fs)[0])  # flush the last D samples
    y = np.concatenate(rx, -1)[..., d:]
    for slot in range(2):
        c = CarrierConfig(subcarrier_spacing=30, n_size_grid=12, n_slot=slot)
        got = ofdm_demodulate(y[..., slot * slot_len:(slot + 1) * slot_len], c)
        h = ch.ofdm_response(c, start_time=slot * 0.5e-3 + d / fs)
        want = np.einsum("brtkl,btkl->brkl", h, grids[slot])
        nmse = np.mean(np.abs(got - want) ** 2) / np.mean(np.abs(want) ** 2)
        assert nmse < 1e-3, (slot, 10 * np.log10(nmse))


@pytest.mark.parametrize("kind", ["tdl", "cdl"])
def test_zero_delay_mode(kind, rng):
    """filter_mode="zero-delay": D = 0, output aligned (static channel: the causal output
    delayed by D), consecutive calls differ from one call only in the last 15 samples of a block."""
    fs = 15.36e6
    x = _cn(rng, (2, 2, 2000))
    zero = _make(kind, True, filter_mode="zero-delay")
    causal = _make(kind, True)
    assert zero.filter_mode == "zero-delay" and causal.filter_mode == "causal"
    assert zero.channel_filter_delay(fs) == 0
    d = causal.channel_filter_delay(fs)
    assert 0 < d < DEFAULT_FILTER_HALF_LENGTH
    yz, _, _ = zero(x, fs)
    yc, _, _ = causal(x, fs)
    np.testing.assert_allclose(yc[..., d:], yz[..., :-d], atol=TOL * np.abs(yz).max())
    free = _make(kind, False, filter_mode="zero-delay")
    whole, _, _ = free(x, fs)
    free.reset()
    y1, _, _ = free(x[..., :1000], fs)
    y2, _, _ = free(x[..., 1000:], fs)
    np.testing.assert_allclose(y2, whole[..., 1000:], atol=TOL * np.abs(whole).max())
    cut = 1000 - (DEFAULT_FILTER_HALF_LENGTH - 1)
    np.testing.assert_allclose(y1[..., :cut], whole[..., :cut], atol=TOL * np.abs(whole).max())
    assert np.abs(y1[..., cut:] - whole[..., cut:1000]).max() > 1e-3


def test_bad_filter_mode():
    with pytest.raises(ValueError, match="filter_mode"):
        TdlChannel("TDLA30", seed=1, filter_mode="delayed")
    with pytest.raises(ValueError, match="filter_mode"):
        CdlChannel("CDL-A", seed=1, filter_mode="causal ")
    with pytest.raises(ValueError, match="sample_rate"):
        TdlChannel("TDLA30", seed=1).channel_filter_delay(0.0)
    with pytest.raises(TypeError, match="sample_rate"):
        CdlChannel("CDL-A", seed=1).channel_filter_delay("fast")
