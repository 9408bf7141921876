"""MATLAB-compatible nrCDLChannel (opennr.matlab.cdl_channel) over the native CdlChannel."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.cdl_channel import nrCDLChannel
from opennr.propagation.cdl import CdlChannel


def test_defaults_match_matlab():
    cdl = nrCDLChannel()
    assert cdl.DelayProfile == "CDL-A" and cdl.DelaySpread == 30e-9
    assert cdl.CarrierFrequency == 4e9 and cdl.MaximumDopplerShift == 5.0
    assert cdl.SampleRate == 30.72e6 and cdl.Seed == 73 and cdl.SampleDensity == 64
    assert cdl.TransmitAntennaArray.Size.tolist() == [2, 2, 2, 1, 1]
    assert cdl.ReceiveAntennaArray.Size.tolist() == [1, 1, 2, 1, 1]
    assert cdl.TransmitAntennaArray.Element == "38.901"
    assert cdl.ReceiveAntennaArray.Element == "isotropic"
    info = cdl.info()
    assert (info.NumTransmitAntennas, info.NumReceiveAntennas) == (8, 2)
    assert info.PathDelays.shape == (1, 23)
    assert np.sum(10 ** (info.AveragePathGains / 10)) == pytest.approx(1.0)
    assert "nrCDLChannel with properties" in repr(cdl)


def test_shapes_and_native_equivalence(rng):
    cdl = nrCDLChannel(DelayProfile="CDL-D", DelaySpread=100e-9, MaximumDopplerShift=50.0,
                       SampleRate=15.36e6, Seed=5)
    nt = cdl.info().NumTransmitAntennas
    x = (rng.standard_normal((2000, nt)) + 1j * rng.standard_normal((2000, nt))).astype(
        np.complex64)
    y, g, t = cdl(x)
    assert y.shape == (2000, 2) and y.dtype == np.complex64
    assert g.shape == (t.shape[0], 14, nt, 2) and t.shape[1] == 1
    # the same through the native API
    native = cdl.native
    ch = CdlChannel("CDL-D", 100e-9, max_doppler_shift=50.0, tx_array=native.tx_array,
                    rx_array=native.rx_array, seed=5)
    y2, g2, t2 = ch(x.T, 15.36e6, require_resolved_taps=False)
    np.testing.assert_allclose(y, y2[0].T / np.sqrt(nt), atol=1e-6)
    np.testing.assert_array_equal(g, np.transpose(g2[0], (3, 2, 1, 0)))
    np.testing.assert_array_equal(t[:, 0], t2)


def test_consecutive_calls_continue_and_reset(rng):
    cdl = nrCDLChannel(DelayProfile="CDL-B", MaximumDopplerShift=200.0, SampleRate=7.68e6,
                       TransmitAntennaArray={"Size": [1, 1, 2, 1, 1],
                                                 "ElementSpacing": [0.5, 0.5, 1, 1],
                                                 "PolarizationAngles": [45, -45], "Element": "38.901",
                                                 "PolarizationModel": "Model-2"})
    x = (rng.standard_normal((3000, 2)) + 1j * rng.standard_normal((3000, 2))).astype(np.complex64)
    y1, _, t1 = cdl(x[:1500])
    y2, _, t2 = cdl(x[1500:])
    assert t2[0, 0] <= 1500 / 7.68e6 < t2[-1, 0] and t1[0, 0] == 0.0
    cdl.reset()
    y1b, _, t1b = cdl(x[:1500])
    np.testing.assert_array_equal(t1b, t1)
    np.testing.assert_array_equal(y1b, y1)
    # causal channel filter (info().ChannelFilterDelay samples late): two calls == one call
    cdl.reset()
    whole, _, _ = cdl(x)
    joined = np.concatenate([y1, y2])
    np.testing.assert_allclose(joined, whole, atol=2e-5 * np.abs(whole).max())
    info = cdl.info()
    assert 0 < info.ChannelFilterDelay < 16
    assert info.MaximumChannelDelay >= info.ChannelFilterDelay + np.ceil(
        info.PathDelays.max() * 7.68e6)


def test_path_gains_only_mode():
    cdl = nrCDLChannel(ChannelFiltering=False, NumTimeSamples=3072, MaximumDopplerShift=100.0)
    g, t = cdl()
    # snapshots every 1 / (2 * 64 * 100 Hz) over 3072 samples at 30.72 Msps = 0.1 ms
    assert np.allclose(np.diff(t[:, 0]), 1 / 12800)
    assert g.shape == (t.shape[0], 23, 8, 2)
    _g2, t2 = cdl()  # continues
    assert t2[0, 0] >= t[-1, 0] - 1 / 12800
    with pytest.raises(TypeError, match="without input"):
        cdl(np.zeros((10, 8)))


def test_info_k_factor_and_angles():
    info = nrCDLChannel(DelayProfile="CDL-D").info()
    assert info.KFactorFirstCluster == pytest.approx(13.3, abs=1e-9)
    assert info.ClusterTypes[:2] == ["SpecularLOS", "Laplacian"]
    assert info.AnglesAoA[0, 0] == -180.0
    assert nrCDLChannel().info().KFactorFirstCluster == -np.inf
    scaled = nrCDLChannel(DelayProfile="CDL-D", KFactorScaling=True, KFactor=3.0).info()
    p = 10 ** (scaled.AveragePathGains[0] / 10)
    assert 10 * np.log10(p[0] / p[1:].sum()) == pytest.approx(3.0)
    a = nrCDLChannel(AngleScaling=True, AngleSpreads=[10, 20, 5, 6],
                     MeanAngles=[30, -20, 95, 85]).info()
    assert a.AnglesAoD.shape == (1, 23)


def test_property_change_rebuilds():
    cdl = nrCDLChannel()
    cdl.TransmitAntennaArray.Size = [1, 2, 1, 1, 1]
    cdl.ReceiveArrayOrientation = [180, 0, 0]
    assert cdl.info().NumTransmitAntennas == 2
    assert cdl.native.rx_array.orientation == (180.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"DelayProfile": "CDL-F"}, ValueError, "DelayProfile"),
        ({"DelayProfile": "Custom"}, ValueError, "Custom"),
        ({"DelaySpread": -1e-9}, ValueError, "DelaySpread"),
        ({"MaximumDopplerShift": -1.0}, ValueError, "MaximumDopplerShift"),
        ({"KFactorScaling": True}, ValueError, "LOS"),
        ({"AngleScaling": True, "AngleSpreads": [1, 2]}, ValueError, "AngleSpreads"),
        ({"TransmitAntennaArray": MatlabStruct(Size=[1, 1, 3, 1, 1], ElementSpacing=[.5] * 4,
                                                PolarizationAngles=[0, 90], Element="38.901",
                                                PolarizationModel="Model-2")},
         ValueError, "TransmitAntennaArray"),
        ({"ReceiveAntennaArray": MatlabStruct(Size=[1, 1, 1, 1, 1])}, ValueError, "lacks"),
        ({"ReceiveAntennaArray": MatlabStruct(Size=[1, 1, 1, 1, 1], ElementSpacing=[.5] * 4,
                                               PolarizationAngles=[0, 90], Element="dipole",
                                               PolarizationModel="Model-2")},
         ValueError, "Element"),
        ({"TransmitArrayOrientation": [0, 0]}, ValueError, "orientation"),
        ({"UTDirectionOfTravel": [0, 90, 0]}, ValueError, "UTDirectionOfTravel"),
        ({"RandomStream": "Global stream"}, ValueError, "RandomStream"),
        ({"Seed": -1}, ValueError, "Seed"),
        ({"Foo": 1}, TypeError, "no property"),
        ({"SampleRate": 0}, ValueError, "SampleRate"),
    ],
)
def test_bad_properties(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrCDLChannel(**kwargs)


def test_bad_waveform():
    cdl = nrCDLChannel()
    with pytest.raises(ValueError, match="NumTransmitAntennas"):
        cdl(np.zeros((100, 3), np.complex64))
    with pytest.raises(TypeError, match="numeric"):
        cdl(np.array([["x"] * 8] * 4))
    with pytest.raises(TypeError, match="needs"):
        cdl()
