"""nrCRCEncode / nrCRCDecode (TS 38.212 §5.1) against MATLAB-made vectors and the native CRC."""

import json

import numpy as np
import pytest

from opennr.coding.crc import crc_attach
from opennr.matlab import nrCRCDecode, nrCRCEncode

POLYS = ("6", "11", "16", "24A", "24B", "24C")
L = {"6": 6, "11": 11, "16": 16, "24A": 24, "24B": 24, "24C": 24}


@pytest.mark.reference
def test_crc24c_matlab_vectors(reference_dir):
    data = json.loads((reference_dir / "py3gpp" / "crc24c.json").read_text())
    for case in data["encode"]:
        out = nrCRCEncode(np.array(case["input_bits"], dtype=np.int8), case["poly"])
        assert out.tolist() == case["output_bits"]
    for case in data["decode"]:
        blkcrc = np.array(case["input_bits"], dtype=float)  # MATLAB doubles
        blk, err = nrCRCDecode(blkcrc, case["poly"])
        assert isinstance(err, np.uint32)
        assert (err == 0) == case["crc_ok"]
        assert blk.tolist() == case["input_bits"][:-24] and blk.dtype == np.float64


@pytest.mark.parametrize("poly", POLYS)
def test_columns_are_blocks_and_match_native(poly, rng):
    blk = rng.integers(0, 2, (37, 3), dtype=np.int8)
    out = nrCRCEncode(blk, poly)
    assert out.shape == (37 + L[poly], 3) and out.dtype == np.int8
    np.testing.assert_array_equal(out, crc_attach(blk.T.astype(np.uint8), poly).T)
    back, err = nrCRCDecode(out, poly)
    np.testing.assert_array_equal(back, blk)
    assert err.shape == (3,) and err.dtype == np.uint32 and not err.any()


def test_mask_and_err_value(rng):
    blk = rng.integers(0, 2, 40)
    rnti = 0x4601
    coded = nrCRCEncode(blk, "24C", rnti)
    # without the mask, err is the mask itself (how a UE reads the RNTI off a PDCCH CRC)
    assert nrCRCDecode(coded, "24C")[1] == rnti
    assert nrCRCDecode(coded, "24C", rnti)[1] == 0
    assert nrCRCDecode(coded, "24C", rnti + 1)[1] == rnti ^ (rnti + 1)  # syndrome XOR mask
    np.testing.assert_array_equal(coded[-16:] ^ nrCRCEncode(blk, "24C")[-16:],
                                  [int(b) for b in f"{rnti:016b}"])


def test_single_bit_error_is_detected(rng):
    coded = nrCRCEncode(rng.integers(0, 2, (100, 4)), "16")
    coded[10, 2] ^= 1
    err = nrCRCDecode(coded, "16")[1]
    assert err[2] != 0 and not err[[0, 1, 3]].any()


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int8, np.float64])
def test_output_keeps_the_input_class(dtype):
    blk = np.array([1, 0, 1, 1], dtype=dtype)
    assert nrCRCEncode(blk, "6").dtype == np.dtype(dtype)
    assert nrCRCDecode(nrCRCEncode(blk, "6"), "6")[0].dtype == np.dtype(dtype)


def test_lowercase_poly_and_double_mask_accepted():
    blk = np.ones(8)
    np.testing.assert_array_equal(nrCRCEncode(blk, "24a", 3.0), nrCRCEncode(blk, "24A", 3))


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: nrCRCEncode(np.ones(8), "24D"), ValueError, "poly must be one of"),
        (lambda: nrCRCEncode(np.ones(8), 24), TypeError, "poly"),
        (lambda: nrCRCEncode(np.ones(8), "6", 64), ValueError, "mask"),
        (lambda: nrCRCEncode(np.ones(8), "6", -1), ValueError, "mask"),
        (lambda: nrCRCEncode(np.ones(8), "6", 1.5), ValueError, "mask"),
        (lambda: nrCRCEncode(np.array([0, 2]), "6"), ValueError, "blk must contain only 0 and 1"),
        (lambda: nrCRCEncode(np.ones((2, 2, 2)), "6"), ValueError, "blk must be a column vector"),
        (lambda: nrCRCEncode(np.array(["a"]), "6"), TypeError, "blk"),
        (lambda: nrCRCDecode(np.ones(5), "6"), ValueError, "blkcrc must have at least L = 6"),
        (lambda: nrCRCDecode(np.array([0.5] * 8), "6"), ValueError, "blkcrc"),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
