"""TS 38.212 §5.2.2 code-block segmentation and §7.2.2 base-graph selection."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.ldpc.base_graph import LIFTING_SIZES
from opennr.coding.segmentation import (
    SegmentationInfo,
    desegment,
    segment,
    segmentation_info,
    select_base_graph,
)


def _crc24b(bits: np.ndarray) -> np.ndarray:
    """Bitwise long division by g_CRC24B(D) = D^24 + D^23 + D^6 + D^5 + D + 1 (§5.1), test-only."""
    taps = np.zeros(25, dtype=np.uint8)
    taps[[0, 1, 18, 19, 23, 24]] = 1  # coefficients of D^24 .. D^0
    reg = np.concatenate([bits.astype(np.uint8), np.zeros(24, np.uint8)])
    for i in range(bits.size):
        if reg[i]:
            reg[i : i + 25] ^= taps
    return reg[-24:]


@pytest.mark.parametrize(
    ("a", "r", "bg"),
    [
        (292, 0.95, 2),
        (293, 0.95, 1),
        (3824, 0.67, 2),
        (3824, 0.6701, 1),
        (3825, 0.67, 1),
        (100000, 0.25, 2),
        (100000, 0.2501, 1),
        (24, 0.1, 2),
    ],
)
def test_select_base_graph_thresholds(a, r, bg):
    assert select_base_graph(a, r) == bg


def _expected(b, bg):
    k_cb = 8448 if bg == 1 else 3840
    c = 1 if b <= k_cb else math.ceil(b / (k_cb - 24))
    return c


@settings(max_examples=200, deadline=None)
@given(b=st.integers(1, 200_000), bg=st.sampled_from([1, 2]))
def test_segmentation_info_rules(b, bg):
    c = _expected(b, bg)
    big_l = 24 if c > 1 else 0
    if (b + c * big_l) % c:
        with pytest.raises(ValueError, match="multiple of C"):
            segmentation_info(b, bg)
        return
    info = segmentation_info(b, bg)
    assert (info.c, info.cb_crc_length, info.b_prime) == (c, big_l, b + c * big_l)
    assert info.k_prime * c == info.b_prime
    if bg == 1:
        assert info.k_b == 22
    else:
        assert info.k_b == (10 if b > 640 else 9 if b > 560 else 8 if b > 192 else 6)
    assert info.k_b * info.z_c >= info.k_prime
    smaller = [z for z in LIFTING_SIZES if z < info.z_c]
    assert not smaller or info.k_b * smaller[-1] < info.k_prime
    assert info.k == (22 if bg == 1 else 10) * info.z_c
    assert info.n_filler == info.k - info.k_prime >= 0
    assert info.n == (66 if bg == 1 else 50) * info.z_c


def test_segmentation_info_known_values():
    # TS 38.214 largest single-layer TBs: BG1, C = 3 (K' = 8448 at the limit)
    info = segmentation_info(25344 - 3 * 24, 1)
    assert (info.c, info.k_prime, info.z_c, info.n_filler) == (3, 8448, 384, 0)
    assert segmentation_info(3840, 2).c == 1
    assert segmentation_info(3841 + 23, 2).c == 2
    assert isinstance(segmentation_info(40, 2), SegmentationInfo)
    with pytest.raises(Exception):
        segmentation_info(40, 2).c = 2  # frozen


@pytest.mark.reference
def test_matlab_segmentation_vectors(reference_dir):
    ref = np.load(reference_dir / "py3gpp" / "ldpc_cb_segmentation.npz")
    blk = ref["input_blk"].ravel()
    for bg in (1, 2):
        cbs = ref[f"cbs_bgn{bg}"].T  # MATLAB columns are code blocks; fillers are -1
        info = segmentation_info(blk.size, bg)
        assert cbs.shape == (info.c, info.k)
        assert (cbs[:, info.k_prime :] == -1).all() and (cbs[:, : info.k_prime] >= 0).all()
        ours = segment(blk, bg)
        np.testing.assert_array_equal(ours, np.where(cbs < 0, 0, cbs))
        bits, ok = desegment(np.where(cbs < 0, 0, cbs).astype(np.uint8), blk.size, bg)
        np.testing.assert_array_equal(bits, blk)
        assert ok.all() and ok.shape == (info.c,)


def test_cb_crc_is_crc24b_and_fillers_are_zero(rng):
    pytest.importorskip("opennr.coding.crc")
    b = 10002  # BG2: C = 3, K' = 3358, Z = 352, K = 3520, F = 162
    bits = rng.integers(0, 2, (2, b), dtype=np.uint8)
    blocks = segment(bits, 2)
    info = segmentation_info(b, 2)
    assert (info.c, info.k_prime, info.z_c, info.n_filler) == (3, 3358, 352, 162)
    assert blocks.shape == (2, info.c, info.k)
    n_data = info.k_prime - 24
    for i in range(2):
        for r in range(info.c):
            np.testing.assert_array_equal(blocks[i, r, :n_data], bits[i, r * n_data : (r + 1) * n_data])
            np.testing.assert_array_equal(blocks[i, r, n_data : info.k_prime], _crc24b(blocks[i, r, :n_data]))
    assert not blocks[..., info.k_prime :].any()


@settings(max_examples=30, deadline=None)
@given(b=st.integers(24, 40_000), bg=st.sampled_from([1, 2]), seed=st.integers(0, 2**32 - 1))
def test_segment_desegment_round_trip(b, bg, seed):
    try:
        info = segmentation_info(b, bg)
    except ValueError:
        return
    if info.c > 1:
        pytest.importorskip("opennr.coding.crc")
    bits = np.random.default_rng(seed).integers(0, 2, (2, b), dtype=np.uint8)
    blocks = segment(bits, bg)
    assert blocks.shape == (2, info.c, info.k)
    out, ok = desegment(blocks, b, bg)
    np.testing.assert_array_equal(out, bits)
    assert ok.shape == (2, info.c) and ok.all()


def test_desegment_flags_corrupted_block(rng):
    pytest.importorskip("opennr.coding.crc")
    b = 2 * (8448 - 24)
    blocks = segment(rng.integers(0, 2, b, dtype=np.uint8), 1)
    blocks[1, 17] ^= 1
    _, ok = desegment(blocks, b, 1)
    assert ok.tolist() == [True, False]


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"bg must be one of 1, 2.*5\.2\.2"):
        segmentation_info(100, 3)
    with pytest.raises(ValueError, match="b must be in"):
        segmentation_info(0, 1)
    with pytest.raises(ValueError, match=r"not a multiple of C.*5\.2\.2"):
        segmentation_info(8449, 1)
    with pytest.raises(TypeError, match="bits must hold bits"):
        segment(np.zeros(100), 1)
    with pytest.raises(ValueError, match="C = 1 code blocks"):
        desegment(np.zeros((2, 180), np.uint8), 100, 2)
    with pytest.raises(ValueError, match="180 entries"):
        desegment(np.zeros((1, 181), np.uint8), 100, 2)
    with pytest.raises(ValueError, match="target_code_rate"):
        select_base_graph(1000, 1.5)
    with pytest.raises(TypeError, match="target_code_rate"):
        select_base_graph(1000, "0.5")
    with pytest.raises(ValueError, match="tbs"):
        select_base_graph(0, 0.5)
