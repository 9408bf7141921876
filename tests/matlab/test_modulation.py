"""MATLAB-compatible modulation, layer mapping and transform precoding wrappers."""

import numpy as np
import pytest

from opennr.matlab.modulation import (
    nrLayerDemap,
    nrLayerMap,
    nrSymbolDemodulate,
    nrSymbolModulate,
    nrTransformDeprecode,
    nrTransformPrecode,
)
from opennr.modulation import demodulate_soft, modulate
from opennr.physical_channels import scramble


@pytest.mark.reference
def test_matlab_vectors_through_wrappers(reference_dir):
    pdsch = np.load(reference_dir / "py3gpp" / "pdsch_64qam_scrambled.npz")
    sym = nrSymbolModulate(scramble(pdsch["cw_bits"], 0).astype(float), "64QAM")
    assert sym.dtype == np.complex128 and sym.shape == (800,)
    np.testing.assert_array_equal(np.round(sym, 4), pdsch["symbols"])
    tp = np.load(reference_dir / "py3gpp" / "transform_precoding.npz")
    x = nrSymbolModulate(tp["cw_bits"], "QPSK")
    np.testing.assert_allclose(nrTransformPrecode(x, 2), tp["out_mrb2"], atol=1e-13)
    np.testing.assert_allclose(nrTransformPrecode(x, 40), tp["out_mrb40"], atol=1e-13)
    np.testing.assert_allclose(nrTransformDeprecode(tp["out_mrb40"], 40), x, atol=1e-13)


def test_symbol_modulate_types(rng):
    bits = rng.integers(0, 2, 40)
    d = nrSymbolModulate(bits.astype(np.int8), "qpsk")  # MATLAB matches names case-insensitively
    np.testing.assert_allclose(d, modulate(bits, "QPSK"), atol=1e-7)
    assert nrSymbolModulate(bits.astype(bool), "16QAM", OutputDataType="single").dtype == np.complex64
    assert nrSymbolModulate(bits[:, None], "pi/2-BPSK").shape == (40,)


def test_symbol_demodulate(rng):
    bits = rng.integers(0, 2, 60)
    sym = nrSymbolModulate(bits, "64QAM")
    y = sym + 0.05 * (rng.normal(size=10) + 1j * rng.normal(size=10))
    soft = nrSymbolDemodulate(y, "64QAM", 0.1)
    assert soft.dtype == np.float64
    np.testing.assert_allclose(soft, demodulate_soft(y, "64QAM", 0.1), rtol=1e-6)
    hard = nrSymbolDemodulate(y, "64QAM", DecisionType="Hard")
    assert hard.dtype == np.int8
    np.testing.assert_array_equal(hard, bits)
    # default nVar = 1e-10 (SNR 100 dB) and nVar = 0 taken as 1e-10: huge, finite LLRs
    d0 = nrSymbolDemodulate(sym, "64QAM")
    np.testing.assert_array_equal(d0, nrSymbolDemodulate(sym, "64QAM", 0))
    assert np.isfinite(d0).all() and ((d0 < 0) == bits.astype(bool)).all()
    assert nrSymbolDemodulate(sym.astype(np.complex64), "64QAM", 1.0).dtype == np.float32


def test_layer_map_and_demap(rng):
    cw = np.arange(12)
    out = nrLayerMap(cw, 3)
    assert out.shape == (4, 3) and out[:, 1].tolist() == [1, 4, 7, 10]
    assert nrLayerDemap(out)[0].tolist() == cw.tolist()
    cws = [rng.normal(size=9) + 1j, rng.normal(size=12) + 2j]
    out = nrLayerMap(cws, 7)
    assert out.shape == (3, 7)
    back = nrLayerDemap(out)
    assert len(back) == 2
    for b, c in zip(back, cws, strict=True):
        np.testing.assert_array_equal(b, c)
    assert nrLayerDemap(np.arange(5))[0].tolist() == list(range(5))


def test_bad_inputs():
    with pytest.raises(ValueError, match="mod must be one of"):
        nrSymbolModulate([0, 1], "8PSK")
    with pytest.raises(TypeError, match="mod must be a character vector"):
        nrSymbolDemodulate([1j], 4)
    with pytest.raises(ValueError, match="multiple of Q_m"):
        nrSymbolModulate([0, 1, 1], "QPSK")
    with pytest.raises(ValueError, match="only 0 and 1"):
        nrSymbolModulate([0.0, 0.5], "QPSK")
    with pytest.raises(ValueError, match="nVar"):
        nrSymbolDemodulate([1j], "QPSK", -1.0)
    with pytest.raises(ValueError, match="NaN"):
        nrSymbolDemodulate([np.nan * 1j], "QPSK", 0.1)
    with pytest.raises(ValueError, match="DecisionType"):
        nrSymbolDemodulate([1j], "QPSK", DecisionType="approx")
    with pytest.raises(ValueError, match="needs 2 codeword"):
        nrLayerMap(np.arange(10), 5)
    with pytest.raises(ValueError, match="nlayers"):
        nrLayerMap(np.arange(9), 9)
    with pytest.raises(ValueError, match="2\\^a2"):
        nrTransformPrecode(np.zeros(84), 7)
    with pytest.raises(ValueError, match="column vector"):
        nrTransformPrecode(np.zeros((24, 2)), 2)
