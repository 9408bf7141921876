"""nrWaveformGenerator (SS burst only): MATLAB-style configuration -> native generator, scaling,
resource grid content checked with the MATLAB index functions, bad configurations."""

import numpy as np
import pytest

from opennr.matlab.ssb import nrPSS, nrPSSIndices, nrSSS, nrSSSIndices
from opennr.matlab.wavegen import (
    nrDLCarrierConfig,
    nrSCSCarrierConfig,
    nrWaveformGenerator,
    nrWavegenSSBurstConfig,
)
from opennr.waveform import generate_waveform


def test_case_b_burst_grid_and_scaling():
    ssb = nrWavegenSSBurstConfig(BlockPattern="Case B", TransmittedBlocks=[1, 0, 1, 0, 0, 0, 0, 1],
                                 Period=10, PDCCHConfigSIB1=164, SubcarrierSpacingCommon=30)
    cfg = nrDLCarrierConfig(NCellID=500, NumSubframes=10, SampleRate=15.36e6,
                            SCSCarriers=[nrSCSCarrierConfig(SubcarrierSpacing=30, NSizeGrid=24)],
                            SSBurst=ssb)
    wave, info = nrWaveformGenerator(cfg)
    assert wave.shape == (153600,) and wave.dtype == np.complex64
    res = info.WaveformResources.SSBurst
    assert res.BlockIndex == [0, 2, 7]
    assert res.FirstSymbol == [4, 16, 48]  # case B: {4, 8, 16, 20} + 28 n
    grid = info.ResourceGrids[0].ResourceGridInCarrier
    k0 = int(generate_waveform(cfg.to_native()).ssb_first_subcarrier)
    for l0 in res.FirstSymbol:
        block = grid[k0 : k0 + 240, l0 : l0 + 4]
        flat = block.T.ravel()  # MATLAB column-major 240 x 4
        np.testing.assert_allclose(flat[nrPSSIndices() - 1], nrPSS(500))
        np.testing.assert_allclose(flat[nrSSSIndices() - 1], nrSSS(500))
    # MATLAB scaling: ifft with 1/N_fft -> the native unitary waveform divided by sqrt(N_fft)
    native = generate_waveform(cfg.to_native()).samples
    np.testing.assert_allclose(wave, native / np.sqrt(512), rtol=1e-5, atol=1e-7)


def test_disabled_burst_and_initial_subframe():
    cfg = nrDLCarrierConfig(NumSubframes=1, SSBurst=nrWavegenSSBurstConfig(Enable=False))
    wave, info = nrWaveformGenerator(cfg)
    assert not wave.any() and info.WaveformResources.SSBurst.BlockIndex == []
    cfg = nrDLCarrierConfig(NumSubframes=10, InitialNSubframe=20)
    _, info = nrWaveformGenerator(cfg)
    assert set(info.WaveformResources.SSBurst.NFrame) == {2}


def test_explicit_ncrbssb():
    ssb = nrWavegenSSBurstConfig(NCRBSSB=10, KSSB=4, TransmittedBlocks=[1, 0, 0, 0])
    native = nrDLCarrierConfig(SSBurst=ssb).to_native()
    assert native.ss_burst.offset_to_point_a == 10 and native.ss_burst.k_ssb == 4
    w = generate_waveform(native)
    assert w.ssb_first_subcarrier == 124


@pytest.mark.parametrize("make, exc, text", [
    (lambda: nrWavegenSSBurstConfig(BlockPattern="Case H"), ValueError, "BlockPattern"),
    (lambda: nrWavegenSSBurstConfig(TransmittedBlocks=[1, 0, 1]), ValueError, "TransmittedBlocks"),
    (lambda: nrWavegenSSBurstConfig(Period=30), ValueError, "periodicity"),
    (lambda: nrWavegenSSBurstConfig(DataSource="PN9"), ValueError, "DataSource"),
    (lambda: nrWavegenSSBurstConfig(PDCCHConfigSIB1=256), ValueError, "PDCCHConfigSIB1"),
    (lambda: nrSCSCarrierConfig(NSizeGrid=0), ValueError, "NSizeGrid"),
    (lambda: nrWaveformGenerator(nrDLCarrierConfig(InitialNSubframe=3)), ValueError,
     "InitialNSubframe"),
    (lambda: nrWaveformGenerator(nrDLCarrierConfig(
        SSBurst=nrWavegenSSBurstConfig(BlockPattern="Case C"))), ValueError, "30 kHz"),
    (lambda: nrWaveformGenerator({"NCellID": 1}), TypeError, "nrDLCarrierConfig"),
])
def test_bad_configurations(make, exc, text):
    with pytest.raises(exc, match=text):
        make()


def test_documented_defaults():
    # MathWorks, nrWavegenSSBurstConfig reference page
    # (https://www.mathworks.com/help/5g/ref/nrwavegenssburstconfig.html): "The default
    # nrWavegenSSBurstConfig object configures the SS burst with four active SS blocks and a
    # periodicity of 20 ms ... carry the master information block (MIB) and places the SS burst
    # in the center of a carrier with 15 kHz subcarrier spacing (block pattern Case A). To
    # update the frequency location of the SS burst, set the NCRBSSB and KSSB object properties
    # to a nonempty value." Enable: 1 (default); Power: 0 (default).
    ssb = nrWavegenSSBurstConfig()
    assert ssb.Enable is True and ssb.Power == 0
    assert ssb.BlockPattern == "Case A" and list(ssb.TransmittedBlocks) == [1, 1, 1, 1]
    assert ssb.Period == 20 and ssb.DataSource == "MIB"
    assert ssb.NCRBSSB is None and ssb.KSSB is None  # MATLAB's [] for both
    # MathWorks, nrSCSCarrierConfig reference page
    # (https://www.mathworks.com/help/5g/ref/nrscscarrierconfig.html): "By default, this
    # object specifies a 10 MHz carrier corresponding to 52 resource blocks (RBs) and 15 kHz SCS."
    carrier = nrSCSCarrierConfig()
    assert carrier.SubcarrierSpacing == 15 and carrier.NSizeGrid == 52
    # The defaults generate: four Case A blocks (symbols 2, 8, 16, 22) in the centre of the
    # 15 kHz carrier, in the first half frame.
    cfg = nrDLCarrierConfig(NumSubframes=5)
    assert cfg.SSBurst.BlockPattern == "Case A"
    _, info = nrWaveformGenerator(cfg)
    assert info.WaveformResources.SSBurst.BlockIndex == [0, 1, 2, 3]
    assert info.WaveformResources.SSBurst.FirstSymbol == [2, 8, 16, 22]
    w = generate_waveform(cfg.to_native())
    assert abs(w.ssb_frequency_offset) <= 15e3 * 12  # centred (k_SSB raster)


def test_kssb_given_with_ncrbssb_and_bad_kssb():
    ssb = nrWavegenSSBurstConfig(NCRBSSB=10, TransmittedBlocks=[1, 0, 0, 0])
    assert ssb.to_native().k_ssb == 0  # KSSB [] with NCRBSSB given: k_SSB = 0
    with pytest.raises(ValueError, match="KSSB"):
        nrWavegenSSBurstConfig(KSSB=24)
