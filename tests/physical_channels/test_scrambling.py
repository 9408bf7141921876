"""TS 38.211 §5.2.1-based scrambling and LLR descrambling."""

import numpy as np
import pytest

from opennr.physical_channels import descramble_llr, scramble, scrambling_sequence
from opennr.sequences import gold_sequence


def test_scramble_is_xor_with_gold(rng):
    bits = rng.integers(0, 2, 1000)
    c_init = 20 * 2**15 + 500
    np.testing.assert_array_equal(scramble(bits, c_init), bits ^ gold_sequence(c_init, 1000))
    np.testing.assert_array_equal(scramble(scramble(bits, c_init), c_init), bits)


def test_batched_c_init(rng):
    bits = rng.integers(0, 2, (2, 3, 40))
    inits = rng.integers(0, 2**31, (2, 3))
    out = scramble(bits, inits)
    for idx in np.ndindex(2, 3):
        np.testing.assert_array_equal(out[idx], scramble(bits[idx], int(inits[idx])))
    # one c_init per leading row, broadcast over the middle axis
    col = rng.integers(0, 2**31, (2, 1))
    out = scramble(bits, col)
    np.testing.assert_array_equal(out[1, 2], scramble(bits[1, 2], int(col[1, 0])))


def test_descramble_llr_matches_bits(rng):
    bits = rng.integers(0, 2, (4, 300)).astype(np.uint8)
    llr_tx = (1.0 - 2.0 * scramble(bits, 77)) * rng.uniform(0.1, 5, (4, 300))  # LLR of b~
    llr = descramble_llr(llr_tx, 77)
    assert llr.dtype == np.float32 and llr.shape == (4, 300)
    np.testing.assert_array_equal(llr < 0, bits.astype(bool))
    np.testing.assert_allclose(np.abs(llr), np.abs(llr_tx), rtol=1e-6)


def test_sequence_and_bad_inputs():
    assert scrambling_sequence(0, 8).tolist() == [0, 0, 0, 0, 0, 0, 1, 0]
    with pytest.raises(ValueError, match="c_init"):
        scramble([0, 1], 2**31)
    with pytest.raises(TypeError, match="c_init"):
        scramble([0, 1], 1.5)
    with pytest.raises(ValueError, match="broadcast"):
        scramble(np.zeros((2, 4), np.uint8), [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        descramble_llr([0.5, np.nan], 3)
    with pytest.raises(TypeError, match="bits"):
        scramble([0.0, 1.0], 3)
