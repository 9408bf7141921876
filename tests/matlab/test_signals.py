"""MATLAB-compatible PDSCH/PUSCH config objects and DM-RS/PT-RS functions: MATLAB vectors, shapes, names."""

import numpy as np
import pytest

from opennr.matlab.ofdm import nrCarrierConfig
from opennr.matlab.pxsch_config import (
    nrPDSCHConfig,
    nrPDSCHDMRSConfig,
    nrPDSCHPTRSConfig,
    nrPUSCHConfig,
    nrPUSCHDMRSConfig,
)
from opennr.matlab.signals import (
    nrPDSCHDMRS,
    nrPDSCHDMRSIndices,
    nrPDSCHPTRS,
    nrPDSCHPTRSIndices,
    nrPUSCHDMRS,
    nrPUSCHDMRSIndices,
)


@pytest.mark.reference
def test_matlab_vectors_through_wrappers(reference_dir):
    """PROVENANCE §1.10, written with MATLAB's own property names."""
    ref = np.load(reference_dir / "py3gpp" / "pdsch_dmrs_ptrs.npz")
    carrier = nrCarrierConfig(SubcarrierSpacing=120, NSizeGrid=132)
    pdsch = nrPDSCHConfig(PRBSet=list(range(132)), SymbolAllocation=[2, 12], RNTI=1)
    pdsch.DMRS.DMRSTypeAPosition = 2
    pdsch.DMRS.DMRSAdditionalPosition = 3
    pdsch.DMRS.NIDNSCID = 1
    pdsch.DMRS.NumCDMGroupsWithoutData = 1
    pdsch.DMRS.DMRSPortSet = 0
    np.testing.assert_array_equal(nrPDSCHDMRSIndices(carrier, pdsch), ref["dmrs_indices_1based"])
    np.testing.assert_allclose(nrPDSCHDMRS(carrier, pdsch), ref["dmrs_symbols"], atol=1e-6)
    pdsch.DMRS.DMRSTypeAPosition = 3
    pdsch.DMRS.DMRSConfigurationType = 2
    pdsch.EnablePTRS = True
    pdsch.PTRS = nrPDSCHPTRSConfig(TimeDensity=2, FrequencyDensity=4, REOffset="11", PTRSPortSet=[0])
    np.testing.assert_array_equal(nrPDSCHPTRSIndices(carrier, pdsch), ref["ptrs_indices_1based"])
    np.testing.assert_allclose(nrPDSCHPTRS(carrier, pdsch), ref["ptrs_symbols"], atol=1e-6)


def test_shapes_index_styles_and_ports():
    carrier = nrCarrierConfig(NSizeGrid=6)
    pdsch = nrPDSCHConfig(PRBSet=[1, 2], NumLayers=2)
    pdsch.DMRS.DMRSPortSet = [0, 2]
    sym = nrPDSCHDMRS(carrier, pdsch, OutputDataType="single")
    ind = nrPDSCHDMRSIndices(carrier, pdsch)
    assert sym.shape == ind.shape == (12, 2) and sym.dtype == np.complex64 and ind.dtype == np.uint32
    K, L = 72, 14
    assert ind[0, 0] == 12 + K * 2 + 1 and ind[0, 1] == 13 + K * 2 + K * L + 1
    sub = nrPDSCHDMRSIndices(carrier, pdsch, IndexStyle="subscript", IndexBase="0based")
    assert sub.shape == (24, 3) and sub[12].tolist() == [13, 2, 1]
    pusch = nrPUSCHConfig(PRBSet=[0, 1, 2], MappingType="B", SymbolAllocation=[0, 7])
    pusch.DMRS = nrPUSCHDMRSConfig(DMRSAdditionalPosition=1)
    assert nrPUSCHDMRSIndices(carrier, pusch).shape == (36,)
    assert nrPUSCHDMRS(carrier, pusch).shape == (36,)
    assert nrPDSCHPTRS(carrier, nrPDSCHConfig(PRBSet=[0])).size == 0
    assert nrPDSCHPTRSIndices(carrier, nrPDSCHConfig(PRBSet=[0])).size == 0


def test_read_only_properties_and_transform_precoding():
    d = nrPDSCHDMRSConfig(DMRSConfigurationType=2, DMRSPortSet=[4, 5], NumCDMGroupsWithoutData=3)
    assert d.CDMGroups == [2, 2] and d.DeltaShifts == [4, 4]
    pusch = nrPUSCHConfig(PRBSet=list(range(6)), TransformPrecoding=True)
    carrier = nrCarrierConfig(NSizeGrid=10, NCellID=5)
    x = nrPUSCHDMRS(carrier, pusch)
    assert x.shape == (36,) and np.allclose(np.abs(x), 1)


def test_bad_inputs():
    carrier = nrCarrierConfig()
    with pytest.raises(TypeError, match="nrCarrierConfig"):
        nrPDSCHDMRS("carrier", nrPDSCHConfig())
    with pytest.raises(TypeError, match="nrPDSCHConfig"):
        nrPDSCHDMRSIndices(carrier, nrPUSCHConfig())
    with pytest.raises(ValueError, match="DMRSAdditionalPosition"):
        nrPDSCHDMRSConfig(DMRSAdditionalPosition=4)
    with pytest.raises(ValueError, match="IndexStyle"):
        nrPUSCHDMRSIndices(carrier, nrPUSCHConfig(), IndexStyle="linear")
    with pytest.raises(ValueError, match="6.3.1.4"):
        nrPUSCHConfig(NumLayers=2, TransformPrecoding=True)
    with pytest.raises(ValueError, match="SymbolAllocation"):
        nrPDSCHConfig(SymbolAllocation=[0])
    pdsch = nrPDSCHConfig()
    pdsch.PRBSet = list(range(60))  # outside the default 52-PRB carrier
    with pytest.raises(ValueError, match="BWP"):
        nrPDSCHDMRS(carrier, pdsch)
