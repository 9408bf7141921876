"""TS 38.211 §5.2.1 Gold sequence: vectorised generator vs the plain recursion, MATLAB vectors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.sequences import GOLD_NC, gold_sequence


def gold_plain(c_init: int, length: int, offset: int = 0) -> list[int]:
    """The bit-by-bit recursion of TS 38.211 §5.2.1, written out as in the specification."""
    total = GOLD_NC + offset + length + 31
    x1 = [1] + [0] * 30 + [0] * (total - 31)
    x2 = [(c_init >> i) & 1 for i in range(31)] + [0] * (total - 31)
    for n in range(total - 31):
        x1[n + 31] = (x1[n + 3] + x1[n]) % 2
        x2[n + 31] = (x2[n + 3] + x2[n + 2] + x2[n + 1] + x2[n]) % 2
    return [(x1[n + GOLD_NC] + x2[n + GOLD_NC]) % 2 for n in range(offset, offset + length)]


@pytest.mark.parametrize("c_init", [0, 1, 321, 1007, 0x4601 * 2**15 + 17, 2**31 - 1])
@pytest.mark.parametrize("length", [0, 1, 27, 28, 29, 31, 300])
def test_matches_plain_recursion(c_init, length):
    assert gold_sequence(c_init, length).tolist() == gold_plain(c_init, length)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(0, 200), st.integers(0, 3000))
def test_offset_and_random_inits(c_init, length, offset):
    assert gold_sequence(c_init, length, offset).tolist() == gold_plain(c_init, length, offset)


def test_batched_c_init(rng):
    inits = rng.integers(0, 2**31, size=(2, 3))
    out = gold_sequence(inits, 50, offset=7)
    assert out.shape == (2, 3, 50) and out.dtype == np.uint8
    for idx in np.ndindex(2, 3):
        np.testing.assert_array_equal(out[idx], gold_sequence(int(inits[idx]), 50, offset=7))


def _hard_64qam(symbols: np.ndarray) -> np.ndarray:
    """Hard decisions for TS 38.211 §5.1.5 64QAM (Gray mapping, 1/sqrt(42))."""
    bits = np.empty((symbols.size, 6), dtype=np.uint8)
    for k, part in enumerate((symbols.real, symbols.imag)):
        amp = np.rint(np.abs(part) * np.sqrt(42)).astype(int)  # 1, 3, 5 or 7
        bits[:, k] = part < 0
        bits[:, 2 + k] = amp > 4
        bits[:, 4 + k] = np.isin(amp, (1, 7))
    return bits.reshape(-1)


@pytest.mark.reference
def test_matlab_pdsch_scrambling(reference_dir):
    # MATLAB nrPDSCH(cw, '64QAM', 1, nid=0, rnti=0): c_init = 0, scrambled bits = cw XOR c(n).
    data = np.load(reference_dir / "py3gpp" / "pdsch_64qam_scrambled.npz")
    assert int(data["nid"]) == 0 and int(data["rnti"]) == 0
    scrambled = _hard_64qam(data["symbols"])
    c = scrambled ^ data["cw_bits"]
    np.testing.assert_array_equal(gold_sequence(0, c.size), c)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"c_init.*38.211 §5.2.1"):
        gold_sequence(2**31, 4)
    with pytest.raises(ValueError, match="c_init"):
        gold_sequence([-1, 3], 4)
    with pytest.raises(TypeError, match="c_init"):
        gold_sequence(1.5, 4)
    with pytest.raises(ValueError, match="length"):
        gold_sequence(1, -1)
    with pytest.raises(ValueError, match="offset"):
        gold_sequence(1, 4, offset=-2)
    with pytest.raises(TypeError, match="length"):
        gold_sequence(1, 4.0)
