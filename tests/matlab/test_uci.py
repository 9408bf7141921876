"""Tests of the MATLAB-compatible nrUCIEncode / nrUCIDecode (opennr.matlab.uci)."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.coding.uci import uci_decode, uci_encode
from opennr.matlab.uci import UCI_MODULATIONS, nrUCIDecode, nrUCIEncode


def _resolve_placeholders(cw: np.ndarray) -> np.ndarray:
    """What scrambling with an all-zero sequence makes of x (-1) and y (-2): 1 and the previous bit."""
    out = cw.astype(np.int64).copy()
    for i, v in enumerate(out):
        if v == -1:
            out[i] = 1
        elif v == -2:
            out[i] = out[i - 1]
    return out


@pytest.mark.parametrize(
    ("mod", "expected"),
    [
        ("pi/2-BPSK", [1, 1, 1, 1]),
        ("QPSK", [1, -2, 1, -2]),
        ("16qam", [1, -2, -1, -1]),
        ("64QAM", [1, -2, -1, -1]),
        ("256QAM", [1, -2, -1, -1]),
    ],
)
def test_one_bit_placeholders(mod, expected):
    out = nrUCIEncode(np.array([1], np.int8), 4, mod)
    assert out.dtype == np.int8
    assert out.tolist() == expected


def test_two_bit_placeholders_16qam():
    # Table 5.3.3.2-1, Q_m = 4: c0 c1 x x c2 c0 x x c1 c2 x x with c = (1, 1), c2 = 0
    out = nrUCIEncode(np.array([1.0, 1.0]), 12, "16QAM")  # double in, double out
    assert out.dtype == np.float64
    assert out.tolist() == [1, 1, -1, -1, 0, 1, -1, -1, 1, 0, -1, -1]


@pytest.mark.parametrize(("a", "e"), [(1, 5), (2, 7), (7, 40), (12, 22), (19, 300), (40, 200),
                                      (400, 1100), (1013, 1201)])
def test_encode_matches_native(a, e, rng):
    bits = rng.integers(0, 2, a)
    out = nrUCIEncode(bits, e)
    assert out.shape == (e,) and out.dtype == np.int8
    native = uci_encode(bits.astype(np.uint8), e)
    np.testing.assert_array_equal(_resolve_placeholders(out), native)


@pytest.mark.parametrize("mod", list(UCI_MODULATIONS))
@pytest.mark.parametrize("a", [1, 2])
def test_round_trip_small_with_modulation(a, mod, rng):
    for _ in range(4):
        bits = rng.integers(0, 2, a).astype(np.int8)
        cw = nrUCIEncode(bits, 48, mod)
        soft = 3.0 * (1.0 - 2.0 * _resolve_placeholders(cw))
        dec, err = nrUCIDecode(soft, a, mod)
        assert dec.dtype == np.int8 and err is False
        np.testing.assert_array_equal(dec, bits)


@pytest.mark.parametrize(("a", "e"), [(5, 32), (11, 64), (12, 40), (30, 120), (500, 1500)])
def test_round_trip_and_err_flag(a, e, rng):
    bits = rng.integers(0, 2, a)
    cw = nrUCIEncode(bits.astype(float), float(e))
    dec, err = nrUCIDecode(1.0 - 2.0 * cw, a, ListLength=4)
    np.testing.assert_array_equal(dec, bits)
    assert err is False


def test_err_flag_on_noise(rng):
    errs = [nrUCIDecode(rng.normal(0, 1, 200), 40)[1] for _ in range(20)]
    assert sum(errs) >= 18
    res = uci_decode(rng.normal(0, 1, 200), 5)
    assert nrUCIDecode(rng.normal(0, 1, 200), 5)[1] is False and res.crc_ok


def test_empty():
    assert nrUCIEncode(np.zeros(0), 10).shape == (0,)
    bits, err = nrUCIDecode(np.zeros(10), 0)
    assert bits.shape == (0,) and err is False


def test_matlab_e_limits():
    nrUCIEncode(np.array([1]), 1)  # E > 0 for A = 1
    with pytest.raises(ValueError, match="greater than 2"):
        nrUCIEncode(np.array([1, 0]), 2)
    with pytest.raises(ValueError, match="greater than 21"):
        nrUCIEncode(np.ones(12), 21)
    nrUCIEncode(np.ones(12), 22)
    with pytest.raises(ValueError, match="greater than 31"):
        nrUCIEncode(np.ones(20), 31)
    with pytest.raises(ValueError, match="1706"):
        nrUCIEncode(np.ones(1707), 4000)


def test_bad_arguments():
    with pytest.raises(ValueError, match="mod must be one of"):
        nrUCIEncode(np.array([1]), 4, "8PSK")
    nrUCIEncode(np.ones(20), 100, "1024QAM")  # mod only matters for A <= 2 (as MATLAB)
    with pytest.raises(TypeError, match="mod must be"):
        nrUCIEncode(np.array([1]), 4, 2)
    with pytest.raises(ValueError, match="only 0 and 1"):
        nrUCIEncode(np.array([0, 2, 1]), 10)
    with pytest.raises(ValueError, match="integer"):
        nrUCIEncode(np.array([0, 1, 1]), 10.5)
    with pytest.raises(ValueError, match="column vector"):
        nrUCIEncode(np.ones((3, 2)), 10)
    with pytest.raises(ValueError, match="ListLength"):
        nrUCIDecode(np.zeros(100), 30, ListLength=3)
    with pytest.raises(ValueError, match=r"A must be in \[0, 1706\]"):
        nrUCIDecode(np.zeros(100), -1)
    with pytest.raises(ValueError, match="NaN"):
        nrUCIDecode(np.full(100, np.nan), 30)
    with pytest.raises(TypeError):
        nrUCIDecode(np.array(["a"] * 10), 3)
