"""opennr.matlab.nrTDLChannel: MATLAB shapes, properties, continuity, info, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.matlab.tdl_channel import nrTDLChannel
from opennr.propagation.apply import apply_time_channel
from opennr.propagation.tdl import TdlChannel


def _wave(rng, n, nt):
    return ((rng.standard_normal((n, nt)) + 1j * rng.standard_normal((n, nt))) / np.sqrt(2)
            ).astype(np.complex64)


def test_defaults_and_shapes(rng):
    tdl = nrTDLChannel()
    assert (tdl.DelayProfile, tdl.DelaySpread, tdl.MaximumDopplerShift, tdl.SampleRate) == (
        "TDL-A", 30e-9, 5.0, 30.72e6)
    assert (tdl.NumTransmitAntennas, tdl.NumReceiveAntennas, tdl.Seed) == (1, 2, 73)
    sig, g, t = tdl(_wave(rng, 30720, 1)[:, 0])  # a 1-D waveform for one antenna
    assert sig.shape == (30720, 2) and sig.dtype == np.complex64
    assert g.shape == (t.shape[0], 23, 1, 2) and t.shape[1] == 1
    assert t[0, 0] <= 0.0 and t[-1, 0] >= 30719 / 30.72e6


def test_matches_native_channel(rng):
    """Same Seed -> the native TdlChannel's realisation, gains transposed to Ns x Np x Nt x Nr,
    output / sqrt(Nt) (NormalizeChannelOutputs)."""
    x = _wave(rng, 4000, 2)
    tdl = nrTDLChannel(DelayProfile="TDL-D", DelaySpread=100e-9, MaximumDopplerShift=70,
                       NumTransmitAntennas=2, NumReceiveAntennas=4, MIMOCorrelation="Medium",
                       KFactorScaling=True, KFactor=5.0, Seed=9, SampleRate=15.36e6)
    sig, g, t = tdl(x)
    ch = TdlChannel("TDL-D", delay_spread=100e-9, max_doppler=70.0, n_tx=2, n_rx=4,
                    correlation="medium", k_factor=5.0, seed=9)
    y, gn, tn = ch(x.T, 15.36e6)
    np.testing.assert_allclose(t[:, 0], tn)
    np.testing.assert_allclose(g, np.transpose(gn[0], (3, 2, 1, 0)), atol=1e-7)
    np.testing.assert_allclose(sig, y[0].T / np.sqrt(2), atol=1e-6)
    # independent check of the filtering with the gains MATLAB-style outputs give
    g_native = np.transpose(g, (3, 2, 1, 0))[None]
    y2 = apply_time_channel(x.T[None], g_native, t[:, 0], tdl.info().PathDelays[0], 15.36e6,
                            filter_delay=tdl.info().ChannelFilterDelay)
    np.testing.assert_allclose(sig, y2[0].T / np.sqrt(2), atol=1e-6)


def test_calls_continue_and_reset(rng):
    x = _wave(rng, 6000, 1)
    kw = {"DelayProfile": "TDLC300", "MaximumDopplerShift": 300, "NumReceiveAntennas": 1,
          "SampleRate": 7.68e6, "InitialTime": 0.5}
    whole, _, _ = nrTDLChannel(**kw)(x)
    tdl = nrTDLChannel(**kw)
    a, _, ta = tdl(x[:3000])
    b, _, tb = tdl(x[3000:])
    assert ta[0, 0] <= 0.5 < ta[1, 0] and tb[-1, 0] >= 0.5 + 5999 / 7.68e6
    np.testing.assert_allclose(b, whole[3000:], atol=2e-5)
    np.testing.assert_allclose(a, whole[:3000], atol=2e-5)  # causal filter: no joint error
    tdl.reset()
    again, _, _ = tdl(x)
    np.testing.assert_allclose(again, whole, atol=1e-6)


def test_channel_filter_delay_like_matlab(rng):
    """info().ChannelFilterDelay: the output is delayed by that many samples and keeps the input's
    length; 0 when every path delay is a whole number of samples (TDLA30's 5 ns grid at 200 Msps);
    MaximumChannelDelay zeros appended flush the whole response."""
    kw = {"DelayProfile": "TDLA30", "MaximumDopplerShift": 0.0, "NumReceiveAntennas": 1}
    info = nrTDLChannel(**kw, SampleRate=30.72e6).info()
    assert info.ChannelFilterDelay == 15
    exact = nrTDLChannel(**kw, SampleRate=200e6)
    assert exact.info().ChannelFilterDelay == 0 and exact.info().MaximumChannelDelay == 58  # 290 ns
    imp = np.zeros(100, np.complex64)
    imp[0] = 1
    y, g, _ = exact(imp)  # whole-sample taps: the impulse response is the path gains
    delays = np.round(exact.info().PathDelays[0] * 200e6).astype(int)
    h = np.zeros(100, np.complex64)
    np.add.at(h, delays, g[0, :, 0, 0])
    np.testing.assert_allclose(y[:, 0], h, atol=1e-6)
    # fractional delays: D samples late; a static channel is the zero-delay filter shifted by D
    tdl = nrTDLChannel(**kw, SampleRate=30.72e6)
    x = _wave(rng, 500, 1)
    n = info.MaximumChannelDelay
    y, g, t = tdl(np.concatenate([x, np.zeros((n + 5, 1), np.complex64)]))
    assert y.shape == (505 + n, 1)
    assert np.abs(y[500 + n + 1:]).max() == 0 and np.abs(y[500 + n - 1]) > 0
    y0 = apply_time_channel(x.T[None], np.transpose(g, (3, 2, 1, 0))[None], t[:, 0],
                            info.PathDelays[0], 30.72e6)
    d = info.ChannelFilterDelay
    np.testing.assert_allclose(y[d:500, 0], y0[0, 0, :500 - d], atol=1e-5)


def test_property_change_rebuilds():
    tdl = nrTDLChannel(NumReceiveAntennas=1)
    g1 = tdl(np.ones(100, np.complex64))[1]
    tdl.Seed = 74
    g2 = tdl(np.ones(100, np.complex64))[1]
    assert not np.allclose(g1, g2)
    tdl.Seed = 73
    np.testing.assert_array_equal(tdl(np.ones(100, np.complex64))[1], g1)


def test_no_filtering_returns_gains():
    tdl = nrTDLChannel(ChannelFiltering=False, NumTimeSamples=3072, MaximumDopplerShift=100)
    g, t = tdl()
    assert g.shape == (t.shape[0], 23, 1, 2)
    np.testing.assert_allclose(np.diff(t[:, 0]), 1 / 12800)
    g2, t2 = tdl()  # continues
    assert g2.shape[1:] == g.shape[1:]
    assert t2[0, 0] >= t[-2, 0]


def test_info_and_normalisation():
    tdl = nrTDLChannel(DelayProfile="TDL-E", DelaySpread=100e-9)
    info = tdl.info()
    assert info.PathDelays.shape == (1, 14) and info.AveragePathGains.shape == (1, 14)
    assert info.KFactorFirstTap == pytest.approx(22.0)
    assert (10 ** (info.AveragePathGains / 10)).sum() == pytest.approx(1.0)
    assert nrTDLChannel(DelayProfile="TDL-A").info().KFactorFirstTap == -np.inf
    raw = nrTDLChannel(DelayProfile="TDLA30", NormalizePathGains=False).info()
    expect = np.array([-15.5, 0, -5.1, -5.1, -9.6, -8.2, -13.1, -11.5, -11.0, -16.2, -16.6, -26.2])
    np.testing.assert_allclose(raw.AveragePathGains[0], expect, atol=1e-9)


def test_custom_correlation():
    r_tx = np.array([[1, 0.5], [0.5, 1]])
    tdl = nrTDLChannel(MIMOCorrelation="Custom", NumTransmitAntennas=2, NumReceiveAntennas=1,
                       TransmitCorrelationMatrix=r_tx)
    assert tdl.native.correlation == "custom"
    with pytest.raises(ValueError, match="TransmitCorrelationMatrix"):
        nrTDLChannel(MIMOCorrelation="Custom", NumTransmitAntennas=2, TransmitCorrelationMatrix=1)


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"DelayProfile": "TDL-F"}, ValueError, "DelayProfile"),
    ({"DelaySpread": -1e-9}, ValueError, "DelaySpread"),
    ({"MaximumDopplerShift": -1.0}, ValueError, "MaximumDopplerShift"),
    ({"MIMOCorrelation": "Medium", "NumReceiveAntennas": 3}, ValueError, "n_rx"),
    ({"MIMOCorrelation": "Extreme"}, ValueError, "MIMOCorrelation"),
    ({"Polarization": "Cross-Polar"}, ValueError, "Polarization"),
    ({"SampleRate": 0}, ValueError, "SampleRate"),
    ({"NumTransmitAntennas": 0}, ValueError, "NumTransmitAntennas"),
    ({"RandomStream": "Global stream"}, ValueError, "RandomStream"),
    ({"KFactorScaling": "yes"}, TypeError, "KFactorScaling"),
    ({"Foo": 1}, TypeError, "no property"),
])
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrTDLChannel(**kwargs)


def test_bad_calls():
    tdl = nrTDLChannel(NumTransmitAntennas=2)
    with pytest.raises(ValueError, match="Ns x NumTransmitAntennas"):
        tdl(np.ones((10, 3), np.complex64))
    with pytest.raises(TypeError, match="waveform"):
        tdl()
    with pytest.raises(TypeError, match="without input"):
        nrTDLChannel(ChannelFiltering=False)(np.ones((10, 1)))
