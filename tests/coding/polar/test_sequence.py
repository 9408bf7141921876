"""TS 38.212 Table 5.3.1.2-1 polar sequence, Tables 5.3.1.1-1 / 5.4.1.1-1 and the interleavers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.polar.interleavers import (
    K_IL_MAX,
    channel_interleaver_pattern,
    input_interleaver_pattern,
    subblock_interleaver_pattern,
)
from opennr.coding.polar.sequence import N_MAX, polar_sequence


@pytest.mark.reference
def test_sequence_matches_aff3ct(reference_dir):
    """Second source: AFF3CT's 5G file lists the indices from most to least reliable."""
    lines = (
        (reference_dir / "aff3ct/codes/cde/awgn_polar_codes/5G/N_1024.pc")
        .read_text()
        .split("\n")
    )
    assert (
        int(lines[0]) == 1024 and lines[1].strip() == "awgn" and lines[2].strip() == "*"
    )
    aff3ct = np.array(lines[3].split(), dtype=np.int64)
    assert aff3ct.size == 1024
    np.testing.assert_array_equal(polar_sequence(10), aff3ct[::-1])


def test_sequence_is_a_nested_permutation():
    full = polar_sequence(10)
    assert full.dtype == np.int16 and full.size == N_MAX
    assert sorted(full.tolist()) == list(range(N_MAX))
    for n in range(11):
        seq = polar_sequence(n)
        assert seq.size == 1 << n
        np.testing.assert_array_equal(seq, full[full < (1 << n)])
    # a few entries of the table: Q_0..Q_7 and the two most reliable
    np.testing.assert_array_equal(full[:8], [0, 1, 2, 4, 8, 16, 32, 3])
    np.testing.assert_array_equal(full[-2:], [1022, 1023])


def test_sequence_read_only_and_bad_n():
    with pytest.raises(ValueError):
        polar_sequence(10)[0] = 5
    with pytest.raises(ValueError, match="5.3.1.2"):
        polar_sequence(11)
    with pytest.raises(TypeError):
        polar_sequence(2.0)


def test_subblock_table_5_4_1_1_1():
    p = [0, 1, 2, 4, 3, 5, 6, 7, 8, 16, 9, 17, 10, 18, 11, 19,
         12, 20, 13, 21, 14, 22, 15, 23, 24, 25, 26, 28, 27, 29, 30, 31]  # fmt: skip
    np.testing.assert_array_equal(subblock_interleaver_pattern(32), p)
    for n in (32, 64, 128, 256, 512, 1024):
        j = subblock_interleaver_pattern(n)
        b = n // 32
        twin = [p[(32 * m) // n] * b + m % b for m in range(n)]  # §5.4.1.1 loop
        np.testing.assert_array_equal(j, twin)
        assert sorted(j.tolist()) == list(range(n))
    for bad in (16, 48, 2048):
        with pytest.raises(ValueError, match="5.4.1.1"):
            subblock_interleaver_pattern(bad)


def test_input_interleaver_table():
    full = input_interleaver_pattern(K_IL_MAX)
    assert sorted(full.tolist()) == list(range(K_IL_MAX))
    # the table ends with 144 39 145 40 146 41 147 ... 163 (Table 5.3.1.1-1)
    np.testing.assert_array_equal(full[-23:-16], [144, 39, 145, 40, 146, 41, 147])
    np.testing.assert_array_equal(full[-16:], np.arange(148, 164))
    for k in (1, 36, 56, 100, 164):
        pat = input_interleaver_pattern(k)
        assert sorted(pat.tolist()) == list(range(k))
        # §5.3.1.1 loop
        twin = [int(p) - (K_IL_MAX - k) for p in full if p >= K_IL_MAX - k]
        np.testing.assert_array_equal(pat, twin)
    with pytest.raises(ValueError, match="5.3.1.1"):
        input_interleaver_pattern(165)


def _channel_twin(e: int) -> np.ndarray:
    """§5.4.1.3 as written: triangle with NULL cells, written by rows, read by columns."""
    t = 0
    while t * (t + 1) // 2 < e:
        t += 1
    v = -np.ones((t, t), dtype=np.int64)
    k = 0
    for i in range(t):
        for j in range(t - i):
            if k < e:
                v[i, j] = k
            k += 1
    out = []
    for j in range(t):
        for i in range(t - j):
            if v[i, j] >= 0:
                out.append(v[i, j])
    return np.array(out, dtype=np.int64)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8192))
def test_channel_interleaver_matches_spec_loop(e):
    np.testing.assert_array_equal(channel_interleaver_pattern(e), _channel_twin(e))


def test_channel_interleaver_small_and_bad():
    for e in list(range(1, 80)) + [8191, 8192]:
        np.testing.assert_array_equal(channel_interleaver_pattern(e), _channel_twin(e))
    for bad in (0, 8193):
        with pytest.raises(ValueError, match="5.4.1.3"):
            channel_interleaver_pattern(bad)
