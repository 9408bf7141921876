"""PBCH DM-RS (TS 38.211 §7.4.1.4.1): plain-formula twin, c_init, i_SSB_bar, bad inputs.

End-to-end confirmation on a real gNB recording is in tests/physical_channels/test_ssb.py.
"""

import numpy as np
import pytest

from opennr.sequences.gold import gold_sequence
from opennr.signals.pbch_dmrs import (
    PBCH_DMRS_LENGTH,
    i_ssb_bar,
    pbch_dmrs,
    pbch_dmrs_c_init,
)


def _c_bitwise(c_init: int, n: int) -> list[int]:
    """TS 38.211 §5.2.1 written bit by bit (Nc = 1600)."""
    total = 1600 + n
    x1 = [1] + [0] * 30
    x2 = [(c_init >> i) & 1 for i in range(31)]
    for i in range(total - 31):
        x1.append((x1[i + 3] + x1[i]) % 2)
        x2.append((x2[i + 3] + x2[i + 2] + x2[i + 1] + x2[i]) % 2)
    return [(x1[i + 1600] + x2[i + 1600]) % 2 for i in range(n)]


@pytest.mark.parametrize("n_id, ibar", [(17, 6), (0, 0), (1007, 7), (500, 0), (321, 3)])
def test_against_plain_formula(n_id, ibar):
    c_init = 2**11 * (ibar + 1) * (n_id // 4 + 1) + 2**6 * (ibar + 1) + n_id % 4
    assert pbch_dmrs_c_init(n_id, ibar) == c_init
    c = _c_bitwise(c_init, 288)
    want = np.array([complex(1 - 2 * c[2 * m], 1 - 2 * c[2 * m + 1]) / np.sqrt(2)
                     for m in range(144)])
    got = pbch_dmrs(n_id, ibar)
    assert got.dtype == np.complex64 and got.shape == (PBCH_DMRS_LENGTH,)
    np.testing.assert_allclose(got, want, atol=1e-7)


def test_distinct_over_ibar():
    seqs = {pbch_dmrs(42, i).tobytes() for i in range(8)}
    assert len(seqs) == 8
    r = pbch_dmrs(42, 3)
    assert np.allclose(np.abs(r), 1.0)
    np.testing.assert_array_equal(
        np.sign(r.real) < 0, gold_sequence(pbch_dmrs_c_init(42, 3), 288)[0::2] == 1)


def test_i_ssb_bar():
    assert [i_ssb_bar(i, 0, 4) for i in range(4)] == [0, 1, 2, 3]
    assert [i_ssb_bar(i, 1, 4) for i in range(4)] == [4, 5, 6, 7]
    assert [i_ssb_bar(i, 1, 8) for i in range(8)] == list(range(8))
    assert i_ssb_bar(63, 0, 64) == 7 and i_ssb_bar(8, 1, 64) == 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="i_ssb_bar"):
        pbch_dmrs(1, 8)
    with pytest.raises(ValueError, match="n_cell_id"):
        pbch_dmrs(1008, 0)
    with pytest.raises(TypeError, match="n_cell_id"):
        pbch_dmrs(1.5, 0)
    with pytest.raises(ValueError, match="l_max"):
        i_ssb_bar(0, 0, 16)
    with pytest.raises(ValueError, match="ssb_index"):
        i_ssb_bar(4, 0, 4)
    with pytest.raises(ValueError, match="half_frame"):
        i_ssb_bar(0, 2, 8)
