"""TS 38.212 §5.1 CRC: kernel vs NumPy twin, third-party vectors, Sionna oracle, properties."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding._crc_kernels import crc_remainder_numpy
from opennr.coding.crc import CRC_POLYNOMIALS, crc_attach, crc_check, crc_length, crc_parity

POLYS = ["24A", "24B", "24C", "16", "11", "6"]


def test_polynomials_and_lengths():
    # TS 38.212 §5.1, generator coefficients written out as hex (leading D^L included).
    assert dict(CRC_POLYNOMIALS) == {
        "24A": 0x1864CFB,
        "24B": 0x1800063,
        "24C": 0x1B2B117,
        "16": 0x11021,
        "11": 0xE21,
        "6": 0x61,
    }
    assert [crc_length(p) for p in POLYS] == [24, 24, 24, 16, 11, 6]


@pytest.mark.parametrize("poly", POLYS)
def test_kernel_matches_numpy_twin(rng, poly):
    gen, length = CRC_POLYNOMIALS[poly], crc_length(poly)
    for a in list(range(0, 41)) + list(rng.integers(41, 201, size=20)):
        bits = rng.integers(0, 2, size=(3, a), dtype=np.uint8)
        np.testing.assert_array_equal(
            crc_parity(bits, poly), crc_remainder_numpy(bits, gen, length), err_msg=f"A={a}"
        )


def test_batch_shapes_and_input_types(rng):
    bits = rng.integers(0, 2, size=(2, 3, 4, 37), dtype=np.uint8)
    par = crc_parity(bits, "16")
    assert par.shape == (2, 3, 4, 16) and par.dtype == np.uint8
    np.testing.assert_array_equal(par[1, 2, 3], crc_parity(bits[1, 2, 3], "16"))
    # bool, int64 and list inputs give the same result; non-contiguous views too
    np.testing.assert_array_equal(crc_parity(bits.astype(bool), "16"), par)
    np.testing.assert_array_equal(crc_parity(bits.astype(np.int64).tolist(), "16"), par)
    wide = rng.integers(0, 2, size=(5, 80), dtype=np.uint8)
    view = wide[::2, ::2]
    np.testing.assert_array_equal(crc_parity(view, "11"), crc_parity(view.copy(), "11"))
    assert crc_attach(bits, "24A").shape == (2, 3, 4, 61)
    assert crc_check(crc_attach(bits, "24A"), "24A").shape == (2, 3, 4)
    assert crc_check(crc_attach(bits, "24A"), "24A").all()
    # empty batch
    assert crc_parity(np.zeros((0, 12), np.uint8), "6").shape == (0, 6)


@pytest.mark.parametrize("poly", POLYS)
def test_empty_block(poly):
    length = crc_length(poly)
    np.testing.assert_array_equal(crc_parity(np.zeros(0, np.uint8), poly), np.zeros(length))
    blk = crc_attach(np.zeros(0, np.uint8), poly, mask=1)
    assert blk.shape == (length,) and blk[-1] == 1
    assert bool(crc_check(blk, poly, mask=1)) and not bool(crc_check(blk, poly))


def test_long_transport_block(rng):
    """A = 1,277,992 (the largest TB with 24A) agrees with a split computation via linearity."""
    a = 1277992
    bits = rng.integers(0, 2, size=a, dtype=np.uint8)
    blk = crc_attach(bits, "24A")
    assert blk.shape == (a + 24,) and bool(crc_check(blk, "24A"))
    # CRC is linear over GF(2): crc(x ^ y) = crc(x) ^ crc(y), zero init, no final xor
    other = np.zeros(a, np.uint8)
    other[-100:] = bits[-100:]
    rest = bits ^ other
    np.testing.assert_array_equal(
        crc_parity(bits, "24A"),
        crc_parity(rest, "24A") ^ crc_remainder_numpy(other[-100:], CRC_POLYNOMIALS["24A"], 24),
    )


@pytest.mark.parametrize("poly", POLYS)
def test_mask_msb_first(rng, poly):
    length = crc_length(poly)
    bits = rng.integers(0, 2, size=(4, 50), dtype=np.uint8)
    mask = (1 << length) - 2  # all ones but the last parity bit
    plain = crc_attach(bits, poly)
    masked = crc_attach(bits, poly, mask=mask)
    diff = plain ^ masked
    np.testing.assert_array_equal(diff[:, :50], 0)
    np.testing.assert_array_equal(diff[:, 50:-1], 1)
    np.testing.assert_array_equal(diff[:, -1], 0)
    assert crc_check(masked, poly, mask=mask).all()
    assert not crc_check(masked, poly).any()


@pytest.mark.reference
def test_sionna_reference_vectors(reference_dir):
    cases = json.loads((reference_dir / "sionna" / "crc" / "crc_parity.json").read_text())["cases"]
    assert sorted(cases) == sorted(POLYS)
    for poly, case in cases.items():
        np.testing.assert_array_equal(
            crc_parity(np.array(case["input_bits"], np.uint8), poly), case["crc_bits"], err_msg=poly
        )


@pytest.mark.reference
def test_py3gpp_crc24c_vectors(reference_dir):
    ref = json.loads((reference_dir / "py3gpp" / "crc24c.json").read_text())
    for case in ref["encode"]:
        out = crc_attach(np.array(case["input_bits"], np.uint8), case["poly"])
        np.testing.assert_array_equal(out, case["output_bits"])
    for case in ref["decode"]:
        ok = crc_check(np.array(case["input_bits"], np.uint8), case["poly"])
        assert bool(ok) is case["crc_ok"]


@pytest.mark.oracle
@pytest.mark.parametrize("poly", POLYS)
def test_sionna_crc_encoder_bit_exact(sionna, rng, poly):
    import torch

    from sionna.phy.fec.crc import CRCEncoder

    for a in [1, 7, 8, 9, 31, 64, 100, *rng.integers(1, 1000, size=5)]:
        bits = rng.integers(0, 2, size=(4, int(a)), dtype=np.uint8)
        theirs = CRCEncoder(f"CRC{poly}")(torch.tensor(bits, dtype=torch.float32)).numpy()
        np.testing.assert_array_equal(
            crc_attach(bits, poly), theirs.astype(np.uint8), err_msg=f"A={a}"
        )


@settings(max_examples=60, deadline=None)
@given(
    poly=st.sampled_from(POLYS),
    bits=st.lists(st.integers(0, 1), min_size=0, max_size=300),
    data=st.data(),
)
def test_attach_check_round_trip_and_single_flips(poly, bits, data):
    length = crc_length(poly)
    mask = data.draw(st.integers(0, (1 << length) - 1))
    blk = crc_attach(np.array(bits, dtype=np.uint8), poly, mask=mask)
    assert bool(crc_check(blk, poly, mask=mask))
    # every single-bit error is detected (g(D) has more than one term)
    flips = np.tile(blk, (blk.size, 1))
    flips[np.arange(blk.size), np.arange(blk.size)] ^= 1
    assert not crc_check(flips, poly, mask=mask).any()


def test_bad_inputs():
    with pytest.raises(TypeError, match="bits"):
        crc_parity(np.array([0.0, 1.0]), "16")
    with pytest.raises(ValueError, match="only 0 and 1"):
        crc_attach(np.array([0, 2, 1]), "16")
    with pytest.raises(ValueError, match="'24A', '24B', '24C', '16', '11', '6'"):
        crc_parity(np.array([0, 1]), "24D")
    with pytest.raises(ValueError, match="poly must be one of"):
        crc_length(24)
    with pytest.raises(ValueError, match="mask"):
        crc_attach(np.array([0, 1]), "6", mask=64)
    with pytest.raises(ValueError, match="mask"):
        crc_check(np.zeros(10, np.uint8), "6", mask=-1)
    with pytest.raises(TypeError, match="mask"):
        crc_attach(np.array([0, 1]), "6", mask=1.0)
    with pytest.raises(ValueError, match="at least L = 16"):
        crc_check(np.zeros(15, np.uint8), "16")
    with pytest.raises(ValueError, match="dimension"):
        crc_parity(np.uint8(1), "16")
