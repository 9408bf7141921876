"""MATLAB-compatible nrPDSCH/nrPUSCH(Indices, Decode): MATLAB vector, round trips, index consistency."""

import numpy as np
import pytest

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.ofdm import nrCarrierConfig
from opennr.matlab.pxsch import (
    nrEqualizeMMSE,
    nrPDSCH,
    nrPDSCHDecode,
    nrPDSCHIndices,
    nrPUSCH,
    nrPUSCHDecode,
    nrPUSCHIndices,
)
from opennr.matlab.pxsch_config import (
    nrPDSCHConfig,
    nrPDSCHDMRSConfig,
    nrPUSCHConfig,
    nrPUSCHDMRSConfig,
)
from opennr.matlab.signals import nrPDSCHDMRSIndices, nrPUSCHDMRSIndices
from opennr.physical_channels import precode, shared_channel_indices
from opennr.physical_channels.pusch import pusch_precoding_matrix_of


@pytest.mark.reference
def test_matlab_pdsch_64qam_vector(reference_dir):
    """PROVENANCE §1.11: MATLAB nrPDSCH(cw,'64QAM',1,0,0), symbols printed to 4 decimals."""
    ref = np.load(reference_dir / "py3gpp" / "pdsch_64qam_scrambled.npz")
    carrier = nrCarrierConfig(NCellID=0)
    pdsch = nrPDSCHConfig(Modulation=str(ref["modulation"]), NumLayers=int(ref["nlayers"]),
                          NID=int(ref["nid"]), RNTI=int(ref["rnti"]))
    sym = nrPDSCH(carrier, pdsch, ref["cw_bits"])
    assert sym.shape == (800,) and sym.dtype == np.complex128
    np.testing.assert_allclose(np.round(sym, 4), ref["symbols"], atol=1.5e-4)
    cws, _ = nrPDSCHDecode(carrier, pdsch, ref["symbols"], 1e-3)
    np.testing.assert_array_equal((cws[0] < 0).astype(np.uint8), ref["cw_bits"])


@pytest.mark.parametrize("layers,mods", [(1, "QPSK"), (2, "16QAM"), (4, "256QAM"), (6, "64QAM"), (8, "QPSK")])
def test_pdsch_round_trip(layers, mods):
    rng = np.random.default_rng(layers)
    carrier = nrCarrierConfig(NSizeGrid=8, NCellID=17)
    dmrs = nrPDSCHDMRSConfig(DMRSPortSet=list(range(layers)), DMRSConfigurationType=2 if layers > 4 else 1,
                             DMRSLength=2 if layers > 4 else 1, NumCDMGroupsWithoutData=3 if layers > 4 else 2)
    pdsch = nrPDSCHConfig(PRBSet=[1, 2, 5], NumLayers=layers, Modulation=mods, RNTI=300,
                          SymbolAllocation=[1, 12], DMRS=dmrs)
    ind, info = nrPDSCHIndices(carrier, pdsch)
    g = np.atleast_1d(info.G)
    cws = [rng.integers(0, 2, int(n)) for n in g]
    sym = nrPDSCH(carrier, pdsch, cws if len(cws) == 2 else cws[0])
    assert sym.shape == ind.shape == ((info.Gd,) if layers == 1 else (info.Gd, layers))
    out, syms = nrPDSCHDecode(carrier, pdsch, sym, 0.01)
    assert len(out) == len(cws) == len(syms)
    for cw, llr in zip(cws, out, strict=True):
        assert llr.dtype == np.float64
        np.testing.assert_array_equal((llr < 0).astype(int), cw)


@pytest.mark.parametrize("tp", [False, True])
def test_pusch_round_trip(tp):
    rng = np.random.default_rng(3)
    carrier = nrCarrierConfig(NSizeGrid=10, NCellID=5)
    pusch = nrPUSCHConfig(PRBSet=[0, 1, 2], Modulation="64QAM", TransformPrecoding=tp, RNTI=77)
    _, info = nrPUSCHIndices(carrier, pusch)
    cw = rng.integers(0, 2, info.G)
    sym = nrPUSCH(carrier, pusch, cw)
    assert sym.shape == (info.Gd,)
    llr, rx = nrPUSCHDecode(carrier, pusch, sym, 1e-3)
    np.testing.assert_array_equal((llr < 0).astype(int), cw)
    assert rx.shape == (info.Gd,)
    if tp:  # DFT-s-OFDM symbols are not on the constellation, the deprecoded ones are
        assert not np.allclose(np.abs(sym.real) * np.sqrt(42), np.round(np.abs(sym.real) * np.sqrt(42)),
                               atol=1e-3)


def test_pusch_codebook_precoding():
    carrier = nrCarrierConfig(NSizeGrid=4)
    pusch = nrPUSCHConfig(PRBSet=[0, 1], NumLayers=2, TransmissionScheme="codebook", NumAntennaPorts=4,
                          TPMI=3, DMRS=nrPUSCHDMRSConfig(DMRSPortSet=[0, 1]))
    ind, info = nrPUSCHIndices(carrier, pusch)
    assert ind.shape == (info.Gd, 4)  # one column per antenna port
    cw = np.random.default_rng(0).integers(0, 2, info.G)
    sym = nrPUSCH(carrier, pusch, cw)
    assert sym.shape == (info.Gd, 4)
    plain = nrPUSCHConfig(PRBSet=[0, 1], NumLayers=2, DMRS=nrPUSCHDMRSConfig(DMRSPortSet=[0, 1]))
    layers = nrPUSCH(carrier, plain, cw)  # non-codebook: the layers themselves
    w = pusch_precoding_matrix_of(pusch.to_native())
    np.testing.assert_allclose(sym, precode(layers.T, w).T, atol=1e-6)
    # decoding takes the per-layer symbols (MIMO precoding removed by the receiver)
    llr, _ = nrPUSCHDecode(carrier, pusch, layers, 1e-2)
    np.testing.assert_array_equal((llr < 0).astype(int), cw)


@pytest.mark.parametrize("ctype,ncdm,length,add", [(1, 1, 1, 0), (1, 2, 2, 1), (2, 1, 1, 2), (2, 3, 2, 0)])
def test_indices_consistent_with_dmrs(ctype, ncdm, length, add):
    carrier = nrCarrierConfig(NSizeGrid=12)
    dmrs = nrPDSCHDMRSConfig(DMRSConfigurationType=ctype, NumCDMGroupsWithoutData=ncdm,
                             DMRSLength=length, DMRSAdditionalPosition=add, DMRSPortSet=[0, 1])
    pdsch = nrPDSCHConfig(PRBSet=[0, 3, 4, 9], NumLayers=2, DMRS=dmrs)
    ind, info = nrPDSCHIndices(carrier, pdsch, IndexBase="0based")
    dmrs = nrPDSCHDMRSIndices(carrier, pdsch, IndexBase="0based")
    K, L = 144, 14
    assert np.intersect1d(ind, dmrs).size == 0
    # port-0 plane: data U DM-RS symbols' CDM-group REs == whole allocation
    alloc = np.array([12 * rb + k + K * sym for sym in range(14) for rb in (0, 3, 4, 9) for k in range(12)])
    cdm = np.array([12 * rb + k + K * sym for sym in info.DMRSSymbolSet for rb in (0, 3, 4, 9) for k in range(12)
                    if (k % 2 if ctype == 1 else (k % 6) // 2) < ncdm])
    data0 = ind[:, 0]
    assert np.intersect1d(data0, cdm).size == 0
    np.testing.assert_array_equal(np.union1d(data0, cdm), np.unique(alloc))
    np.testing.assert_array_equal(ind[:, 1], data0 + K * L)
    assert np.all(np.isin(dmrs[:, 0], cdm))
    # info equals the native count
    native = shared_channel_indices(pdsch.to_native(), carrier.to_native())
    np.testing.assert_array_equal(data0, native)
    assert info.Gd == native.size and info.G == native.size * 2 * 2
    assert info.NREPerPRB == native.size // 4
    assert info.CDMLengths.tolist() == [2, length] and info.CDMGroups.tolist() == [0, 0]
    assert len(info.DMRSSymbolSet) == length * (add + 1) and info.PTRSSymbolSet.size == 0


def test_index_styles_orientation_and_info_struct():
    carrier = nrCarrierConfig(NSizeGrid=20)
    pdsch = nrPDSCHConfig(NSizeBWP=6, NStartBWP=4, PRBSet=[0, 1], NumLayers=2, Modulation="16QAM")
    ind, info = nrPDSCHIndices(carrier, pdsch)
    assert isinstance(info, MatlabStruct)
    assert list(info)[:7] == ["G", "Gd", "NREPerPRB", "DMRSSymbolSet", "CDMGroups", "CDMLengths",
                              "PTRSSymbolSet"]
    assert ind.dtype == np.uint32 and ind[0, 0] == 48 + 1
    bwp, _ = nrPDSCHIndices(carrier, pdsch, IndexOrientation="bwp", IndexBase="0based")
    assert bwp[0, 0] == 0 and bwp[0, 1] == 72 * 14
    sub, _ = nrPDSCHIndices(carrier, pdsch, IndexStyle="subscript")
    assert sub.shape == (2 * info.Gd, 3) and sub[0].tolist() == [49, 1, 1]
    assert sub[info.Gd].tolist() == [49, 1, 2]
    k, l, p = (sub.astype(np.int64) - 1).T
    np.testing.assert_array_equal(k + 240 * l + 240 * 14 * p + 1, ind.T.ravel())
    # two codewords: G per codeword
    pdsch8 = nrPDSCHConfig(PRBSet=[0], NumLayers=7, Modulation="QPSK",
                           DMRS=nrPDSCHDMRSConfig(DMRSConfigurationType=2, DMRSLength=2,
                                                  DMRSPortSet=list(range(7)), NumCDMGroupsWithoutData=3))
    _, info8 = nrPDSCHIndices(carrier, pdsch8)
    assert info8.G.tolist() == [info8.Gd * 2 * 3, info8.Gd * 2 * 4]
    # PT-RS symbols
    pt = nrPDSCHConfig(PRBSet=list(range(8)), EnablePTRS=True)
    pt.PTRS.TimeDensity = 2
    _, infop = nrPDSCHIndices(carrier, pt)
    # TS 38.211 §7.4.1.2.2: l_ref = 0 gives symbol 0, then restart at the DM-RS (2): 4, 6, ...
    assert infop.PTRSSymbolSet.tolist() == [0, 4, 6, 8, 10, 12]
    dm = nrPUSCHDMRSIndices(carrier, nrPUSCHConfig(PRBSet=[0]))
    indu, _ = nrPUSCHIndices(carrier, nrPUSCHConfig(PRBSet=[0]))
    assert np.intersect1d(indu, dm).size == 0


def test_bad_arguments():
    carrier, pdsch, pusch = nrCarrierConfig(), nrPDSCHConfig(), nrPUSCHConfig()
    with pytest.raises(TypeError, match="nrPDSCHConfig"):
        nrPDSCHIndices(carrier, pusch)
    with pytest.raises(TypeError, match="nrPUSCHConfig"):
        nrPUSCHIndices(carrier, pdsch)
    with pytest.raises(TypeError, match="carrier"):
        nrPDSCH(pdsch, pdsch, np.zeros(4))
    with pytest.raises(ValueError, match="IndexStyle"):
        nrPDSCHIndices(carrier, pdsch, IndexStyle="linear")
    with pytest.raises(ValueError, match="IndexBase"):
        nrPDSCHIndices(carrier, pdsch, IndexBase="2based")
    with pytest.raises(ValueError, match="IndexOrientation"):
        nrPUSCHIndices(carrier, pusch, IndexOrientation="grid")
    with pytest.raises(ValueError, match="bits"):
        nrPDSCH(carrier, pdsch, np.array([0, 2, 1, 0]))
    with pytest.raises(ValueError, match="multiple"):
        nrPDSCH(carrier, pdsch, np.zeros(3))
    with pytest.raises(ValueError, match="codeword"):
        nrPDSCH(carrier, pdsch, [np.zeros(4), np.zeros(4)])
    with pytest.raises(ValueError, match="sym"):
        nrPDSCHDecode(carrier, pdsch, np.zeros((4, 2)), 0.1)
    with pytest.raises(ValueError, match="finite"):
        nrPUSCHDecode(carrier, pusch, np.array([np.nan, 1]), 0.1)
    with pytest.raises(ValueError, match="nVar"):
        nrPDSCHDecode(carrier, pdsch, np.ones(4), -1)
    tp_ptrs = nrPUSCHConfig(PRBSet=[0, 1], TransformPrecoding=True, EnablePTRS=True)
    with pytest.raises(NotImplementedError, match="PT-?RS"):
        nrPUSCH(carrier, tp_ptrs, np.zeros(8))
    # pre-DFT PT-RS: every DFT block keeps its 24 REs; 13 PT-RS symbols x 2 groups x 2 samples
    # leave (312 - 52) QPSK symbols for data (TS 38.211 Table 6.4.1.2.2.2-1)
    ind, info = nrPUSCHIndices(carrier, tp_ptrs)
    assert (ind.size, info.Gd, info.G) == (312, 312, 2 * (312 - 52))


def _naive_mmse(y, h, nvar):
    eq, csi = [], []
    for yn, hn in zip(y, h, strict=True):
        a = hn.conj().T @ hn + nvar * np.eye(hn.shape[1])
        ai = np.linalg.inv(a)
        eq.append(ai @ hn.conj().T @ yn)
        csi.append(1 / np.real(np.diag(ai)))
    return np.array(eq), np.array(csi)


@pytest.mark.parametrize("r,p,nvar", [(1, 1, 0.3), (2, 1, 0.1), (4, 2, 0.05), (4, 4, 0.0), (3, 2, 1.0)])
def test_equalize_mmse_against_naive_twin(r, p, nvar):
    rng = np.random.default_rng(r * 10 + p)
    n = 50
    h = (rng.normal(size=(n, r, p)) + 1j * rng.normal(size=(n, r, p))) / np.sqrt(2)
    x = np.exp(1j * np.pi / 4 * (2 * rng.integers(0, 4, (n, p)) + 1))
    y = np.einsum("nrp,np->nr", h, x) + np.sqrt(nvar / 2) * (rng.normal(size=(n, r)) + 1j * rng.normal(size=(n, r)))
    eq, csi = nrEqualizeMMSE(y if r > 1 else y[:, 0], h if p > 1 else h[:, :, 0], nvar)
    ref_eq, ref_csi = _naive_mmse(y, h, nvar)
    shape = (n, p) if p > 1 else (n,)
    assert eq.shape == csi.shape == shape
    np.testing.assert_allclose(eq.reshape(n, p), ref_eq, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(csi.reshape(n, p), ref_csi, rtol=1e-9)
    if nvar == 0.0:  # noiseless zero forcing recovers x exactly
        np.testing.assert_allclose(eq.reshape(n, p), x, atol=1e-4)
    if r == p == 1:
        np.testing.assert_allclose(csi, np.abs(h[:, 0, 0]) ** 2 + nvar, rtol=1e-9)


def test_equalize_mmse_bad_arguments():
    with pytest.raises(ValueError, match="Hest"):
        nrEqualizeMMSE(np.ones((4, 2)), np.ones((4, 3, 1)), 0.1)
    with pytest.raises(ValueError, match="P <= R"):
        nrEqualizeMMSE(np.ones((4, 1)), np.ones((4, 1, 2)), 0.1)
    with pytest.raises(ValueError, match="nVar"):
        nrEqualizeMMSE(np.ones(4), np.ones(4), -0.1)
    with pytest.raises(TypeError, match="rxSym"):
        nrEqualizeMMSE(np.array(["a"]), np.ones(1), 0.1)
