"""PBCH scrambling and modulation (TS 38.211 §7.3.3): plain twin, soft round trip, bad inputs."""

import numpy as np
import pytest

from opennr.physical_channels.pbch import (
    PBCH_NUM_BITS,
    pbch_llrs,
    pbch_scrambling_sequence,
    pbch_symbols,
    pbch_v,
)
from opennr.sequences.gold import gold_sequence


def test_symbols_against_plain_formula(rng):
    bits = rng.integers(0, 2, (3, PBCH_NUM_BITS)).astype(np.uint8)
    for v in (0, 5):
        c = gold_sequence(77, 8 * PBCH_NUM_BITS)[v * 864 : v * 864 + 864]
        b = (bits ^ c).astype(np.int64)
        want = ((1 - 2 * b[..., 0::2]) + 1j * (1 - 2 * b[..., 1::2])) / np.sqrt(2)
        got = pbch_symbols(bits, n_cell_id=77, v=v)
        assert got.shape == (3, 432) and got.dtype == np.complex64
        np.testing.assert_allclose(got, want, atol=1e-6)
        np.testing.assert_array_equal(pbch_scrambling_sequence(77, v), c)


def test_llr_round_trip_noisy(rng):
    bits = rng.integers(0, 2, (4, PBCH_NUM_BITS)).astype(np.uint8)
    x = pbch_symbols(bits, n_cell_id=1000, v=7)
    n0 = 0.05
    y = x + np.sqrt(n0 / 2) * (rng.standard_normal(x.shape) + 1j * rng.standard_normal(x.shape))
    llr = pbch_llrs(y.astype(np.complex64), n_cell_id=1000, v=7, noise_variance=n0)
    assert llr.dtype == np.float32 and llr.shape == (4, 864)
    assert ((llr < 0) == bits).mean() > 0.999  # ~Q(sqrt(2 Es/N0)) ~ 1e-9 errors at 13 dB
    # wrong v: descrambling with the wrong phase gives ~50 % bit errors
    wrong = pbch_llrs(y.astype(np.complex64), n_cell_id=1000, v=6, noise_variance=n0)
    assert 0.4 < ((wrong < 0) != bits).mean() < 0.6
    # scale: QPSK max-log LLR = 2 sqrt(2) Re(y) / N0 (before descrambling)
    c = pbch_scrambling_sequence(1000, 7)
    np.testing.assert_allclose(llr[0, 0::2] * (1 - 2.0 * c[0::2]),
                               2 * np.sqrt(2) * y[0].real / n0, rtol=1e-4)


def test_pbch_v():
    assert [pbch_v(i, 4) for i in range(4)] == [0, 1, 2, 3]
    assert [pbch_v(i, 64) for i in (0, 7, 8, 63)] == [0, 7, 0, 7]


def test_bad_inputs():
    with pytest.raises(ValueError, match="864"):
        pbch_symbols(np.zeros(863, np.uint8), n_cell_id=0, v=0)
    with pytest.raises(TypeError, match="bits"):
        pbch_symbols(np.zeros(864), n_cell_id=0, v=0)
    with pytest.raises(ValueError, match=r"v must be in \[0, 7\]"):
        pbch_symbols(np.zeros(864, np.uint8), n_cell_id=0, v=8)
    with pytest.raises(ValueError, match="n_cell_id"):
        pbch_symbols(np.zeros(864, np.uint8), n_cell_id=1008, v=0)
    with pytest.raises(ValueError, match="432"):
        pbch_llrs(np.zeros(431, np.complex64), n_cell_id=0, v=0)
    with pytest.raises(ValueError, match="NaN"):
        pbch_llrs(np.full(432, np.nan, np.complex64), n_cell_id=0, v=0)
    with pytest.raises(TypeError, match="symbols"):
        pbch_llrs(np.zeros(432, np.int64).astype(object), n_cell_id=0, v=0)
    with pytest.raises(ValueError, match="noise_var"):
        pbch_llrs(np.zeros(432, np.complex64), n_cell_id=0, v=0, noise_variance=0.0)
    with pytest.raises(ValueError, match="ssb_index"):
        pbch_v(4, 4)
