"""opennr.matlab SS/PBCH wrappers: MathWorks' documented outputs, agreement with the native API,
MATLAB conventions (1-based indices, subscript style, data types), a full MATLAB-style chain."""

import numpy as np
import pytest

from opennr.coding.bch import Mib
from opennr.matlab.polar import nrBCH, nrBCHDecode
from opennr.matlab.ssb import (
    nrPBCH,
    nrPBCHDecode,
    nrPBCHDMRS,
    nrPBCHDMRSIndices,
    nrPBCHIndices,
    nrPBCHPRBS,
    nrPSS,
    nrPSSIndices,
    nrSSS,
    nrSSSIndices,
)
from opennr.sequences.gold import gold_sequence
from opennr.signals.pbch_dmrs import pbch_dmrs


def test_documented_examples():
    # MathWorks doc pages (ncellid = 17): first 15 printed values / indices
    assert nrPSS(17)[:15].tolist() == [-1, -1, -1, -1, -1, -1, 1, 1, 1, -1, -1, -1, 1, -1, -1]
    assert nrSSS(17)[:15].tolist() == [-1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1, 1]
    assert nrSSSIndices()[:15].tolist() == list(range(537, 552))
    assert nrPBCHDMRSIndices(17)[:15].tolist() == list(range(242, 299, 4))
    assert nrPSS(17).dtype == np.float64 and nrPSS(17, OutputDataType="single").dtype == np.float32
    assert nrPSSIndices().dtype == np.uint32


def test_indices_styles():
    ind = nrPSSIndices()
    assert ind.tolist() == list(range(57, 184))
    np.testing.assert_array_equal(nrPSSIndices(IndexBase="0based"), ind - 1)
    sub = nrSSSIndices(IndexStyle="subscript")
    assert sub.shape == (127, 3) and sub[0].tolist() == [57, 3, 1]
    sub0 = nrPBCHDMRSIndices(17, IndexStyle="subscript", IndexBase="0based")
    assert sub0[0].tolist() == [1, 1, 0]
    ind, info = nrPBCHIndices(17)
    assert ind.size == 432 and info.G == 864 and info.Gd == 432
    all_ind = np.concatenate([nrPSSIndices(), nrSSSIndices(), ind, nrPBCHDMRSIndices(17)])
    assert np.unique(all_ind).size == all_ind.size and all_ind.max() <= 960


def test_prbs_and_dmrs():
    seq, cinit = nrPBCHPRBS(17, 2, 864)
    assert cinit == 17
    np.testing.assert_array_equal(seq, gold_sequence(17, 3 * 864)[1728:].astype(bool))
    signed, _ = nrPBCHPRBS(17, 2, 10, MappingType="signed", OutputDataType="single")
    assert signed.dtype == np.float32
    # offset v n: the n = 10 sequence starts at c(20), not at c(2 * 864)
    np.testing.assert_array_equal(signed, 1 - 2.0 * gold_sequence(17, 30)[20:])
    d = nrPBCHDMRS(17, 6)
    assert d.dtype == np.complex128
    np.testing.assert_allclose(d, pbch_dmrs(17, 6), atol=1e-7)


def test_matlab_chain_mib_round_trip():
    """MATLAB-style: nrBCH -> nrPBCH -> block -> nrPBCHDecode -> nrBCHDecode."""
    mib = Mib.from_sfn(598, sub_carrier_spacing_common="scs30or120", ssb_subcarrier_offset=2,
                       control_resource_set_zero=10, search_space_zero=4)
    trblk = mib.to_bits().astype(float)
    ncellid, ssbindex, lssb = 967, 5, 8
    cw = nrBCH(trblk, 598, 0, lssb, 18, ncellid)
    sym = nrPBCH(cw, ncellid, ssbindex % 8)
    ind, _ = nrPBCHIndices(ncellid)
    block = np.zeros(240 * 4, complex)
    block[ind - 1] = sym  # MATLAB column-major linear indexing into the 240 x 4 block
    rx = block[ind - 1]
    soft = nrPBCHDecode(rx, ncellid, ssbindex % 8, 0.5)
    _scrblk, err, trblk, lsbofsfn, hrf, _msbidxoffset = nrBCHDecode(soft, 8, lssb, ncellid)
    assert int(err) == 0 and Mib.from_bits(trblk) == mib
    assert lsbofsfn.tolist() == [0, 1, 1, 0] and int(hrf) == 0  # 598 = 0b1001010110


@pytest.mark.parametrize("call, exc, text", [
    (lambda: nrPSS(1008), ValueError, "ncellid"),
    (lambda: nrSSS(-1), ValueError, "ncellid"),
    (lambda: nrPSS(1, OutputDataType="int8"), ValueError, "OutputDataType"),
    (lambda: nrPSSIndices(IndexStyle="linear"), ValueError, "IndexStyle"),
    (lambda: nrPBCHDMRS(1, 8), ValueError, "ibar_SSB"),
    (lambda: nrPBCH(np.zeros(863), 1, 0), ValueError, "864"),
    (lambda: nrPBCH(np.zeros(864), 1, 8), ValueError, "v"),
    (lambda: nrPBCHDecode(np.zeros(431), 1, 0), ValueError, "432"),
    (lambda: nrPBCHDecode(np.zeros(432), 1, 0, 0.0), ValueError, "nVar"),
    (lambda: nrPBCHPRBS(1, 0, 10, MappingType="x"), ValueError, "MappingType"),
])
def test_bad_inputs(call, exc, text):
    with pytest.raises(exc, match=text):
        call()
