"""MATLAB-compatible carrier/OFDM layer: names, shapes, defaults and MathWorks' printed examples."""

import numpy as np
import pytest

from opennr.matlab.ofdm import (
    nrCarrierConfig,
    nrOFDMDemodulate,
    nrOFDMInfo,
    nrOFDMModulate,
    nrResourceGrid,
)
from opennr.ofdm import CarrierConfig, ofdm_modulate

FIELDS = ["Nfft", "SampleRate", "CyclicPrefixLengths", "SymbolLengths", "Windowing",
          "SymbolPhases", "SymbolsPerSlot", "SlotsPerSubframe", "SlotsPerFrame"]


def test_carrier_defaults_and_read_only():
    c = nrCarrierConfig()
    assert (c.SubcarrierSpacing, c.CyclicPrefix, c.NSizeGrid, c.NStartGrid, c.NSlot, c.NFrame,
            c.NCellID) == (15, "normal", 52, 0, 0, 0, 1)
    assert (c.SymbolsPerSlot, c.SlotsPerSubframe, c.SlotsPerFrame) == (14, 1, 10)
    with pytest.raises(AttributeError):
        c.SymbolsPerSlot = 12
    c.SubcarrierSpacing = 120
    c.NSlot = 5
    assert c.SlotsPerFrame == 80 and c.to_native() == CarrierConfig(120, n_slot=5)
    with pytest.raises(ValueError, match="Table 4.2-1"):
        nrCarrierConfig(SubcarrierSpacing=30, CyclicPrefix="extended")
    with pytest.raises(ValueError, match="NSizeGrid"):
        nrCarrierConfig(NSizeGrid=300)
    with pytest.raises(ValueError, match="NCellID"):
        nrCarrierConfig(NCellID=1008)


def test_ofdminfo_mathworks_examples():
    # nrOFDMInfo(150, 60, 'CyclicPrefix', 'Extended'): MathWorks' documented output
    info = nrOFDMInfo(150, 60, CyclicPrefix="Extended")
    assert list(info) == FIELDS
    assert (info.Nfft, info.SampleRate) == (4096, 245760000)
    assert info.CyclicPrefixLengths.tolist() == [1024] * 48
    assert info.SymbolLengths.tolist() == [5120] * 48
    assert (info.SymbolsPerSlot, info.SlotsPerSubframe, info.SlotsPerFrame) == (12, 4, 40)
    # a printed 15 kHz, 4096-point info (a PRS example): CP 320/288, Windowing 144, zero phases
    info = nrOFDMInfo(nrCarrierConfig(NSizeGrid=272))
    assert (info.Nfft, info.SampleRate, info.Windowing) == (4096, 61440000, 144)
    assert info.CyclicPrefixLengths.tolist() == [320] + [288] * 6 + [320] + [288] * 6
    assert info.SymbolLengths.tolist() == [4416] + [4384] * 6 + [4416] + [4384] * 6
    assert not info.SymbolPhases.any()
    # nrOFDMInfo(nrb, scs) and the default carrier
    info = nrOFDMInfo(52, 15)
    assert (info.Nfft, info.SampleRate) == (1024, 15360000)
    assert info.CyclicPrefixLengths.tolist() == [80] + [72] * 6 + [80] + [72] * 6


def test_ofdminfo_options():
    c = nrCarrierConfig(SubcarrierSpacing=30, NSizeGrid=106)
    info = nrOFDMInfo(c, SampleRate=46.08e6, Windowing=0, CarrierFrequency=3.5e9)
    assert (info.Nfft, info.Windowing) == (1536, 0)
    assert info.CyclicPrefixLengths.shape == (28,) and info.SymbolPhases.any()
    assert nrOFDMInfo(c, Nfft=4096).SampleRate == 122.88e6
    assert nrOFDMInfo(c, Nfft=[]).Nfft == 2048
    with pytest.raises(ValueError, match="does not resample"):
        nrOFDMInfo(c, SampleRate=50e6)
    with pytest.raises(TypeError, match="CyclicPrefix"):
        nrOFDMInfo(c, CyclicPrefix="normal")
    with pytest.raises(TypeError):
        nrOFDMInfo(1, 2, 3)


def test_resource_grid_matlab_shape():
    c = nrCarrierConfig(SubcarrierSpacing=60, CyclicPrefix="extended", NSizeGrid=10)
    assert nrResourceGrid(c).shape == (120, 12)
    g = nrResourceGrid(c, 4, OutputDataType="single")
    assert g.shape == (120, 12, 4) and g.dtype == np.complex64
    assert nrResourceGrid(nrCarrierConfig()).dtype == np.complex128
    with pytest.raises(ValueError, match="OutputDataType"):
        nrResourceGrid(c, 1, OutputDataType="int8")


def test_modulate_matches_native_and_round_trips(rng):
    c = nrCarrierConfig(SubcarrierSpacing=30, NSizeGrid=51, NSlot=3)
    grid = rng.standard_normal((612, 28, 2)) + 1j * rng.standard_normal((612, 28, 2))
    wave, _info = nrOFDMModulate(c, grid, CarrierFrequency=3.5e9, Windowing=0)
    assert wave.shape == (30720, 2)  # two 0.5 ms slots at 30.72 Msps and list(info) == FIELDS
    native = ofdm_modulate(np.moveaxis(grid, 2, 0), c.to_native(), carrier_frequency=3.5e9)
    np.testing.assert_array_equal(wave, native.T)
    back = nrOFDMDemodulate(c, wave, CarrierFrequency=3.5e9)
    assert back.shape == grid.shape
    np.testing.assert_allclose(back, grid, atol=1e-5 * np.abs(grid).max())
    # default windowing (half the shortest CP) and the default FFT window at 55 % of the CP
    wave_w, info_w = nrOFDMModulate(c, grid)
    assert info_w.Windowing == info_w.CyclicPrefixLengths.min() // 2
    assert not np.allclose(wave_w, wave)
    np.testing.assert_allclose(nrOFDMDemodulate(c, wave_w), grid, atol=1e-5 * np.abs(grid).max())


def test_grid_scs_slot_syntaxes(rng):
    grid = rng.standard_normal((120, 12))
    wave, info = nrOFDMModulate(grid, 60, 1, CyclicPrefix="extended", Windowing=0)
    assert wave.ndim == 1 and info.SymbolsPerSlot == 12
    c = nrCarrierConfig(SubcarrierSpacing=60, CyclicPrefix="extended", NSizeGrid=10, NSlot=1)
    np.testing.assert_array_equal(wave, nrOFDMModulate(c, grid, Windowing=0)[0])
    back = nrOFDMDemodulate(wave, 10, 60, 1, CyclicPrefix="extended")
    np.testing.assert_allclose(back, grid, atol=1e-5)


def test_bad_inputs():
    c = nrCarrierConfig()
    with pytest.raises(ValueError, match=r"K = 12\*NSizeGrid = 624"):
        nrOFDMModulate(c, np.zeros((600, 14)))
    with pytest.raises(ValueError, match="multiple of 12"):
        nrOFDMModulate(np.zeros((13, 14)), 15, 0)
    with pytest.raises(TypeError):
        nrOFDMModulate(c)
    with pytest.raises(ValueError, match="T-by-R"):
        nrOFDMDemodulate(c, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="cp_fraction"):
        nrOFDMDemodulate(c, np.zeros(20000, complex), CyclicPrefixFraction=2)
    with pytest.raises(TypeError, match="carrier"):
        nrResourceGrid("carrier")
    with pytest.raises(ValueError, match="Windowing"):
        nrOFDMInfo(c, Windowing=-1)
