"""nrCodeBlockSegmentLDPC / nrCodeBlockDesegmentLDPC (TS 38.212 §5.2.2): MATLAB layout (K, C), -1 fillers."""

import numpy as np
import pytest

from opennr.coding.segmentation import segment
from opennr.matlab import nrCodeBlockDesegmentLDPC, nrCodeBlockSegmentLDPC, nrCRCEncode


@pytest.mark.reference
@pytest.mark.parametrize("bgn, key, shape", [(1, "cbs_bgn1", (6336, 2)), (2, "cbs_bgn2", (3200, 4))])
def test_matlab_segmentation_vectors(reference_dir, bgn, key, shape):
    data = np.load(reference_dir / "py3gpp" / "ldpc_cb_segmentation.npz")
    blk = data["input_blk"]
    cbs = nrCodeBlockSegmentLDPC(blk, bgn)
    assert cbs.shape == shape == data[key].shape
    np.testing.assert_array_equal(cbs, data[key])  # incl. the -1 fillers
    out, err = nrCodeBlockDesegmentLDPC(data[key], bgn, blk.size)
    np.testing.assert_array_equal(out, blk)
    assert err.dtype == np.uint32 and err.shape == (shape[1],) and not err.any()


def test_matlab_documentation_example(rng):
    # MathWorks page: blklen 10000 with BG1 gives two 5280-bit code blocks, err = [0 0]
    blk = rng.integers(0, 2, (10000, 1)).astype(float)  # randi([0 1],blklen,1)
    cbs = nrCodeBlockSegmentLDPC(blk, 1)
    assert cbs.shape == (5280, 2) and cbs.dtype == np.float64
    out, err = nrCodeBlockDesegmentLDPC(cbs, 1, 10000)
    assert out.shape == (10000,) and err.tolist() == [0, 0]
    np.testing.assert_array_equal(out, blk[:, 0])


def test_matches_native_segment_transposed(rng):
    blk = rng.integers(0, 2, 5000, dtype=np.uint8)
    cbs = nrCodeBlockSegmentLDPC(blk, 2)
    native = segment(blk, 2)  # [C, K], fillers 0
    assert cbs.dtype == np.int8
    np.testing.assert_array_equal(np.where(cbs == -1, 0, cbs), native.T)
    k_prime = 5000 // cbs.shape[1] + 24
    assert (cbs[k_prime:] == -1).all() and (cbs[:k_prime] >= 0).all()


def test_single_block_has_no_cb_crc_and_empty_err():
    blk = np.ones(500, dtype=np.int8)
    cbs = nrCodeBlockSegmentLDPC(blk, 2)
    assert cbs.shape == (640, 1)  # B <= 3840: C = 1; K_b = 8, Zc = 64, K = 10 Zc
    out, err = nrCodeBlockDesegmentLDPC(cbs, 2, 500)
    assert err.shape == (0,) and err.dtype == np.uint32
    np.testing.assert_array_equal(out, blk)
    # a single block may also come as a column vector (1-D)
    np.testing.assert_array_equal(nrCodeBlockDesegmentLDPC(cbs[:, 0], 2, 500)[0], blk)


def test_corrupted_block_is_flagged(rng):
    blk = nrCRCEncode(rng.integers(0, 2, 19992), "24A")  # B = 20016 = 6 * 3336
    cbs = nrCodeBlockSegmentLDPC(blk, 2)
    cbs[5, 3] ^= 1
    _, err = nrCodeBlockDesegmentLDPC(cbs, 2, blk.size)
    assert err[3] != 0 and np.count_nonzero(err) == 1


def test_decoded_fillers_as_zero_are_accepted(rng):
    blk = rng.integers(0, 2, 9000)
    cbs = nrCodeBlockSegmentLDPC(blk, 1)
    decoded = np.where(cbs == -1, 0, cbs)  # as nrLDPCDecode returns them
    np.testing.assert_array_equal(nrCodeBlockDesegmentLDPC(decoded, 1, 9000)[0], blk)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: nrCodeBlockSegmentLDPC(np.ones(100), 3), ValueError, "bgn must be one of 1, 2"),
        (lambda: nrCodeBlockSegmentLDPC(np.ones((100, 2)), 1), ValueError, "blk must be"),
        (lambda: nrCodeBlockSegmentLDPC(np.zeros(0), 1), ValueError, "blk must be"),
        (lambda: nrCodeBlockSegmentLDPC(-np.ones(100), 1), ValueError, "blk must contain only"),
        (lambda: nrCodeBlockDesegmentLDPC(np.zeros((640, 2)), 2, 500), ValueError, "cbs must be 640-by-1"),
        (lambda: nrCodeBlockDesegmentLDPC(np.zeros((640, 1)), 2, 0), ValueError, "blklen"),
        (lambda: nrCodeBlockDesegmentLDPC(np.zeros((640, 1)), 0, 500), ValueError, "bgn"),
        (lambda: nrCodeBlockDesegmentLDPC(np.full((640, 1), 2), 2, 500), ValueError, "cbs must contain only"),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("b, bgn", [(20024, 2), (9001, 1), (100033, 1)])
def test_sizes_outside_ts38214_are_zero_padded_like_matlab(rng, b, bgn):
    """B' not a multiple of C (no TS 38.214 TBS does this): ceil(B/C) data bits per block."""
    blk = rng.integers(0, 2, b)
    cbs = nrCodeBlockSegmentLDPC(blk, bgn)
    c = cbs.shape[1]
    cbz = -(-b // c)
    assert (cbs[cbz + 24 :] == -1).all() and (cbs[: cbz + 24] >= 0).all()
    np.testing.assert_array_equal(cbs[: b - (c - 1) * cbz, -1], blk[(c - 1) * cbz :])
    assert not cbs[b - (c - 1) * cbz : cbz, -1].any()  # the padding: zeros
    out, err = nrCodeBlockDesegmentLDPC(cbs, bgn, b)
    np.testing.assert_array_equal(out, blk)
    assert not err.any()
