"""TS 38.211 §5.1 modulation mapping: spec formulas, MATLAB nrPDSCH vector, Sionna constellations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.modulation import (
    MODULATIONS,
    bits_per_symbol,
    constellation,
    demodulate_hard,
    modulate,
)
from opennr.physical_channels import scramble


def spec_symbol(b, modulation, i=0):
    """The formulas of TS 38.211 §5.1.1-§5.1.7, written out as in the specification."""
    s = [1 - 2 * int(x) for x in b]
    if modulation == "pi/2-BPSK":
        return np.exp(1j * np.pi / 2 * (i % 2)) / np.sqrt(2) * (s[0] + 1j * s[0])
    if modulation == "BPSK":
        return (s[0] + 1j * s[0]) / np.sqrt(2)
    if modulation == "QPSK":
        return (s[0] + 1j * s[1]) / np.sqrt(2)
    if modulation == "16QAM":
        return (s[0] * (2 - s[2]) + 1j * s[1] * (2 - s[3])) / np.sqrt(10)
    if modulation == "64QAM":
        return (s[0] * (4 - s[2] * (2 - s[4])) + 1j * s[1] * (4 - s[3] * (2 - s[5]))) / np.sqrt(42)
    if modulation == "256QAM":
        re = s[0] * (8 - s[2] * (4 - s[4] * (2 - s[6])))
        im = s[1] * (8 - s[3] * (4 - s[5] * (2 - s[7])))
        return (re + 1j * im) / np.sqrt(170)
    if modulation == "1024QAM":
        re = s[0] * (16 - s[2] * (8 - s[4] * (4 - s[6] * (2 - s[8]))))
        im = s[1] * (16 - s[3] * (8 - s[5] * (4 - s[7] * (2 - s[9]))))
        return (re + 1j * im) / np.sqrt(682)
    raise AssertionError(modulation)


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_constellation_matches_spec_formula(modulation):
    qm = bits_per_symbol(modulation)
    pts = constellation(modulation)
    assert pts.shape == (2**qm,) and pts.dtype == np.complex64
    for label in range(2**qm):
        b = [(label >> (qm - 1 - k)) & 1 for k in range(qm)]
        assert abs(pts[label] - spec_symbol(b, modulation)) < 1e-6
    assert abs(np.mean(np.abs(pts.astype(complex)) ** 2) - 1) < 1e-6
    assert len(set(np.round(pts, 5))) == 2**qm or qm == 1


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_modulate_matches_spec_formula(modulation, rng):
    qm = bits_per_symbol(modulation)
    bits = rng.integers(0, 2, (3, 7 * qm))
    d = modulate(bits, modulation)
    assert d.shape == (3, 7) and d.dtype == np.complex64
    for r in range(3):
        for i in range(7):
            ref = spec_symbol(bits[r, i * qm : (i + 1) * qm], modulation, i)
            assert abs(d[r, i] - ref) < 1e-6


def test_bits_per_symbol():
    assert [bits_per_symbol(m) for m in MODULATIONS] == [1, 1, 2, 4, 6, 8, 10]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MODULATIONS), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_hard_demodulation_inverts_modulation(modulation, m, seed):
    qm = bits_per_symbol(modulation)
    bits = np.random.default_rng(seed).integers(0, 2, (2, m * qm)).astype(np.uint8)
    np.testing.assert_array_equal(demodulate_hard(modulate(bits, modulation), modulation), bits)


@pytest.mark.reference
def test_matlab_pdsch_64qam_scrambled(reference_dir):
    # MATLAB nrPDSCH(cw, '64QAM', 1, nid=0, rnti=0): c_init = 0, then 64QAM (PROVENANCE §1.11).
    data = np.load(reference_dir / "py3gpp" / "pdsch_64qam_scrambled.npz")
    assert str(data["modulation"]) == "64QAM" and int(data["nlayers"]) == 1
    c_init = int(data["rnti"]) * 2**15 + int(data["nid"])
    d = modulate(scramble(data["cw_bits"], c_init), "64QAM")
    np.testing.assert_array_equal(np.round(d.astype(complex), 4), data["symbols"])


@pytest.mark.oracle
@pytest.mark.parametrize("qm", [2, 4, 6, 8, 10])
def test_sionna_qam_constellation_labels(sionna, qm):
    # Sionna's "qam" constellation: same normalisation and bit labelling as TS 38.211 §5.1.
    pts = sionna.mapping.Constellation("qam", qm)().numpy()
    np.testing.assert_allclose(pts, constellation(["QPSK", "16QAM", "64QAM", "256QAM",
                                                   "1024QAM"][qm // 2 - 1]), atol=1e-6)


@pytest.mark.oracle
def test_sionna_mapper(sionna, rng):
    import torch

    bits = rng.integers(0, 2, (4, 800))
    ref = sionna.mapping.Mapper("qam", 8)(torch.tensor(bits, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(modulate(bits, "256QAM"), ref, atol=1e-6)


@pytest.mark.parametrize("bad", ["8PSK", "qpsk", "QAM16", "", "pi/2 BPSK"])
def test_unknown_modulation(bad):
    with pytest.raises(ValueError, match="modulation must be one of 'pi/2-BPSK'"):
        modulate([0, 1], bad)
    with pytest.raises(ValueError, match="38.211"):
        constellation(bad)


def test_bad_inputs():
    with pytest.raises(TypeError, match="modulation must be a string"):
        modulate([0, 1], 2)
    with pytest.raises(ValueError, match="multiple of Q_m = 4"):
        modulate([0, 1, 1, 0, 1, 0], "16QAM")
    with pytest.raises(TypeError, match="bits"):
        modulate([0.0, 1.0], "QPSK")
    with pytest.raises(ValueError, match="only 0 and 1"):
        modulate([0, 2], "QPSK")


def test_empty_and_batched():
    assert modulate(np.zeros((2, 0), dtype=np.uint8), "QPSK").shape == (2, 0)
    bits = np.random.default_rng(0).integers(0, 2, (2, 3, 12))
    flat = modulate(bits.reshape(-1, 12), "64QAM").reshape(2, 3, 2)
    np.testing.assert_array_equal(modulate(bits, "64QAM"), flat)
