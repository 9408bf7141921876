"""Tests of the TS 38.212 §6.3.1 UCI coding chain (opennr.coding.uci)."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.crc import crc_attach
from opennr.coding.polar.construction import polar_construct
from opennr.coding.polar.encoder import polar_encode, polar_transform
from opennr.coding.polar.rate_matching import polar_rate_match
from opennr.coding.small_block import small_block_encode
from opennr.coding.uci import (
    UciDecodeResult,
    uci_decode,
    uci_encode,
    uci_info,
    uci_placeholders,
)


def _valid_e_min(a: int) -> int:
    if a <= 11:
        return a
    return a + (6 + 3 if a <= 19 else 11)


# --------------------------------------------------------------------------------------------
# parameters (§6.3.1.2-§6.3.1.4, §5.2.1)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "e", "scheme", "crc", "c", "a_prime", "k_r", "e_r", "n_pc", "n_pc_wm"),
    [
        (1, 4, "repetition", None, 1, 1, 1, 4, 0, 0),
        (2, 6, "simplex", None, 1, 2, 2, 6, 0, 0),
        (11, 32, "reed-muller", None, 1, 11, 11, 32, 0, 0),
        (12, 207, "polar", "6", 1, 12, 18, 207, 3, 0),  # E - K + 3 = 192: no wm bit
        (12, 208, "polar", "6", 1, 12, 18, 208, 3, 1),  # 193 > 192
        (19, 100, "polar", "6", 1, 19, 25, 100, 3, 0),
        (20, 100, "polar", "11", 1, 20, 31, 100, 0, 0),
        (359, 2000, "polar", "11", 1, 359, 370, 2000, 0, 0),
        (360, 1087, "polar", "11", 1, 360, 371, 1087, 0, 0),
        (360, 1088, "polar", "11", 2, 360, 191, 544, 0, 0),
        (361, 1089, "polar", "11", 2, 362, 192, 544, 0, 0),  # filler bit, tail bit
        (1012, 1060, "polar", "11", 1, 1012, 1023, 1060, 0, 0),
        (1013, 1060, "polar", "11", 2, 1014, 518, 530, 0, 0),
        (1706, 16384, "polar", "11", 2, 1706, 864, 8192, 0, 0),
    ],
)
def test_uci_info(a, e, scheme, crc, c, a_prime, k_r, e_r, n_pc, n_pc_wm):
    info = uci_info(a, e)
    got = (info.scheme, info.crc, info.num_code_blocks, info.a_prime, info.k_r, info.e_r,
           info.n_pc, info.n_pc_wm)
    assert got == (scheme, crc, c, a_prime, k_r, e_r, n_pc, n_pc_wm)
    assert info.i_seg == c - 1
    assert info.crc_length == {None: 0, "6": 6, "11": 11}[crc]
    assert info.n_filler == a_prime - a
    assert info.n_tail == e - c * e_r


def test_uci_info_bad_inputs():
    with pytest.raises(ValueError, match="1706"):
        uci_info(0, 100)
    with pytest.raises(ValueError, match="1706"):
        uci_info(1707, 4000)
    with pytest.raises(ValueError, match="5.4.3"):
        uci_info(5, 4)
    with pytest.raises(ValueError, match="6.3.1.4.1"):
        uci_info(12, 20)  # K + n_PC = 21 > E
    with pytest.raises(ValueError, match="6.3.1.4.1"):
        uci_info(40, 50)  # K = 51 > E
    with pytest.raises(ValueError, match="8192"):
        uci_info(100, 8193)  # no segmentation for A < 360: E_r = E > 8192
    with pytest.raises(ValueError, match="modulation_order"):
        uci_info(2, 12, modulation_order=3)
    with pytest.raises(TypeError):
        uci_info(20.0, 100)
    with pytest.raises(TypeError):
        uci_info(20, "100")


# --------------------------------------------------------------------------------------------
# encoder: third-party vectors and the Sionna oracle (A >= 20, no segmentation)
# --------------------------------------------------------------------------------------------
@pytest.mark.reference
def test_sionna_polar5g_uci_vectors(reference_dir):
    """../shared/reference/sionna/polar5g_encoder (PROVENANCE §2.2): CRC11 + polar + RM + I_BIL."""
    files = sorted((reference_dir / "sionna" / "polar5g_encoder").glob("E*_k*_K*.npz"))
    assert len(files) == 5
    for path in files:
        ref = np.load(path)
        u, c = ref["u"].astype(np.uint8), ref["c"].astype(np.uint8)
        assert uci_info(u.shape[1], c.shape[1]).num_code_blocks == 1
        np.testing.assert_array_equal(uci_encode(u, c.shape[1]), c, err_msg=path.name)


def _sionna_encoder(sionna, a, e):
    with contextlib.redirect_stdout(io.StringIO()):  # Sionna warns about PC bits for A <= 19
        return sionna.fec.polar.Polar5GEncoder(a, e)


@pytest.mark.oracle
def test_sionna_oracle_random_uplink(sionna, rng):
    """Sionna ``Polar5GEncoder(A, E)`` (uplink) equals uci_encode for random A >= 20, no segmentation.

    Sionna 2.2 freezes one index fewer than §5.3.1.2 in ~1 % of puncturing cases (see
    tests/coding/polar); those draws are recognised by their frozen sets and redrawn.
    """
    import torch

    n_cases = n_deviations = 0
    while n_cases < 60:
        a = int(rng.integers(20, 700))
        e_max = 1088 if a < 360 else 1087  # Sionna: E <= 1088 and no segmentation
        if a + 11 > e_max:
            continue
        e = int(rng.integers(max(a + 11, 18), e_max + 1))
        enc = _sionna_encoder(sionna, a, e)
        info = uci_info(a, e)
        assert enc.enc_crc.crc_degree == "CRC11" and info.crc == "11"
        assert info.num_code_blocks == 1 and enc.k_polar == info.k_r
        code = polar_construct(info.k_r, info.e_r)
        assert enc.n_polar == code.n
        diff = set(np.sort(enc.frozen_pos).tolist()) ^ set(np.flatnonzero(code.frozen).tolist())
        if diff:
            assert code.rate_matching_mode == "puncturing" and len(diff) == 2
            n_deviations += 1
            continue
        u = rng.integers(0, 2, (3, a), dtype=np.uint8)
        ref = enc(torch.tensor(u, dtype=torch.float32)).numpy().astype(np.uint8)
        np.testing.assert_array_equal(uci_encode(u, e), ref, err_msg=f"A={a}, E={e}")
        n_cases += 1
    assert n_deviations <= 6


@pytest.mark.oracle
@pytest.mark.parametrize("a", [12, 15, 19])
def test_sionna_crc6_choice(sionna, a):
    # Sionna selects CRC6 for 12 <= A <= 19 too (it omits the PC bits, so no bit comparison).
    enc = _sionna_encoder(sionna, a, 100)
    assert enc.enc_crc.crc_degree == "CRC6"
    assert uci_info(a, 100).crc == "6"


# --------------------------------------------------------------------------------------------
# encoder: composition from the spec text (segmentation, filler, PC bits, tail bit)
# --------------------------------------------------------------------------------------------
def _spec_chain(a_bits: np.ndarray, e: int) -> np.ndarray:
    """§6.3.1.2-§6.3.1.5 written out for one payload, step by step."""
    a = a_bits.size
    if a <= 11:
        return small_block_encode(a_bits, e)
    i_seg = int(a >= 1013 or (a >= 360 and e >= 1088))
    c = i_seg + 1
    a_prime = -(-a // c) * c
    padded = [0] * (a_prime - a) + a_bits.tolist()  # a'_i = 0 for i < A' - A
    poly, length = ("6", 6) if a <= 19 else ("11", 11)
    e_r = e // c
    out = []
    for r in range(c):
        cr = crc_attach(np.array(padded[r * a_prime // c : (r + 1) * a_prime // c], np.uint8), poly)
        k_r = cr.size
        assert k_r == a_prime // c + length
        n_pc = 3 if 18 <= k_r <= 25 else 0
        n_pc_wm = int(n_pc == 3 and e_r - k_r + 3 > 192)
        code = polar_construct(k_r, e_r, n_max=10, n_pc=n_pc, n_pc_wm=n_pc_wm)
        d = polar_encode(cr, code, input_interleaving=False)
        out.extend(polar_rate_match(d, code, channel_interleaving=True).tolist())
    out.extend([0] * (e - c * e_r))
    return np.array(out, dtype=np.uint8)


@pytest.mark.parametrize(
    ("a", "e"),
    [(12, 21), (12, 208), (17, 64), (19, 400), (20, 31), (64, 1000), (360, 1088), (361, 1089),
     (1013, 1061), (1013, 2100), (1706, 3000)],
)
def test_encoder_matches_spec_composition(a, e, rng):
    bits = rng.integers(0, 2, (2, a), dtype=np.uint8)
    got = uci_encode(bits, e)
    assert got.shape == (2, e) and got.dtype == np.uint8
    for row in range(2):
        np.testing.assert_array_equal(got[row], _spec_chain(bits[row], e))
    if uci_info(a, e).n_tail:
        assert not got[:, -1].any()


def _pc_register_ok(u: np.ndarray, code) -> bool:
    """The literal §5.3.1.2 cyclic shift register: PC bit = y_0 after the shift."""
    y = [0] * 5
    q_i = set(np.flatnonzero(~code.frozen).tolist())
    q_pc = set(code.pc_positions.tolist())
    for n in range(code.n):
        y = y[1:] + y[:1]
        if n in q_i:
            if n in q_pc and u[n] != y[0]:
                return False
            y[0] ^= int(u[n])
        elif u[n]:
            return False
    return True


@pytest.mark.parametrize(("a", "e"), [(12, 30), (14, 100), (19, 250), (16, 1000)])
def test_parity_check_polar_bits_follow_the_register(a, e, rng):
    info = uci_info(a, e)
    code = polar_construct(info.k_r, info.e_r, n_pc=3, n_pc_wm=info.n_pc_wm)
    assert code.pc_positions.size == 3
    c = crc_attach(rng.integers(0, 2, (5, a), dtype=np.uint8), "6")
    u = polar_transform(polar_encode(c, code))  # G_N is its own inverse
    assert all(_pc_register_ok(row, code) for row in u)


def test_small_payloads_use_small_block_codes(rng):
    for a in range(1, 12):
        bits = rng.integers(0, 2, (3, a), dtype=np.uint8)
        for qm in (1, 2, 4, 6, 8):
            e = 3 * 8 * a + 5
            np.testing.assert_array_equal(
                uci_encode(bits, e, modulation_order=qm),
                small_block_encode(bits, e, modulation_order=qm),
            )


def test_placeholders():
    assert uci_placeholders(2, 12, modulation_order=4).tolist() == [
        0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1]
    assert not uci_placeholders(2, 12, modulation_order=2).any()
    assert not uci_placeholders(40, 100).any()


# --------------------------------------------------------------------------------------------
# decoder
# --------------------------------------------------------------------------------------------
def _clean_llr(bits: np.ndarray, amp: float = 4.0) -> np.ndarray:
    return (amp * (1.0 - 2.0 * bits)).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(
    a=st.integers(1, 400),
    extra=st.integers(0, 700),
    qm=st.sampled_from((1, 2, 4, 6, 8)),
    seed=st.integers(0, 2**32 - 1),
)
def test_noiseless_round_trip(a, extra, qm, seed):
    e = max(_valid_e_min(a), 17) + extra  # E >= 17: the (32, K) code is one-to-one
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, (3, a), dtype=np.uint8)
    res = uci_decode(_clean_llr(uci_encode(bits, e, modulation_order=qm)), a, modulation_order=qm)
    assert isinstance(res, UciDecodeResult)
    assert res.bits.shape == (3, a) and res.bits.dtype == np.uint8
    assert res.crc_ok.shape == (3,) and res.crc_ok.dtype == bool and res.crc_ok.all()
    np.testing.assert_array_equal(res.bits, bits)


@pytest.mark.parametrize(("a", "e"), [(360, 1088), (361, 1089), (1013, 1061), (1706, 4001)])
def test_round_trip_with_segmentation(a, e, rng):
    info = uci_info(a, e)
    assert info.num_code_blocks == 2
    bits = rng.integers(0, 2, (4, a), dtype=np.uint8)
    llr = _clean_llr(uci_encode(bits, e)) + rng.normal(0, 1.0, (4, e)).astype(np.float32)
    res = uci_decode(llr, a)
    np.testing.assert_array_equal(res.bits, bits)
    assert res.crc_ok.all()


def test_crc_flags_garbage_and_batches(rng):
    # Pure noise: CRC11 with list size 8 lets through about 8 / 2^11 of the blocks.
    a, e = 40, 200
    res = uci_decode(rng.normal(0, 1, (5, 40, e)), a)
    assert res.bits.shape == (5, 40, a) and res.crc_ok.shape == (5, 40)
    assert res.crc_ok.mean() < 0.05
    # One bad code block out of two fails the whole payload.
    a, e = 1013, 1061
    bits = rng.integers(0, 2, (3, a), dtype=np.uint8)
    llr = _clean_llr(uci_encode(bits, e))
    llr[1, 530:1060] = rng.normal(0, 1, 530)  # second block replaced by noise
    res = uci_decode(llr, a)
    assert res.crc_ok.tolist() == [True, False, True]
    np.testing.assert_array_equal(res.bits[[0, 2]], bits[[0, 2]])


def _qpsk_bler(a: int, e: int, esn0_db: float, n: int, rng) -> tuple[float, np.ndarray]:
    """QPSK over AWGN (Es = 1), exact LLRs 2 sqrt(2) y / N0; returns (BLER, crc_ok)."""
    n0 = 10 ** (-esn0_db / 10)
    bits = rng.integers(0, 2, (n, a), dtype=np.uint8)
    x = (1.0 - 2.0 * uci_encode(bits, e)) / np.sqrt(2.0)
    y = x + rng.normal(0, np.sqrt(n0 / 2), x.shape)
    res = uci_decode(2.0 * np.sqrt(2.0) * y / n0, a)
    wrong = np.any(res.bits != bits, axis=1)
    return float(wrong.mean()), res.crc_ok


def _maunder_snr(reference_dir, g: int, a: int) -> float:
    path = reference_dir / "polar-3gpp-matlab" / "results" / f"SNR_vs_A_PUCCH_0.001_{g}_8_1_100_0.txt"
    table = dict(np.loadtxt(path))
    return float(table[a])


@pytest.mark.reference
def test_pc_polar_bler_brackets_maunder_reference(reference_dir, rng):
    """PUCCH A = 12 (PC-polar, CRC6), G = 108, CA-SCL L = 8 (polar-3gpp-matlab, PROVENANCE §3).

    The reference needs Es/N0 = -2.34 dB for BLER 1e-3 (we measured 8e-4 there with 50000
    blocks). 1 dB below, BLER must exceed 1e-3 (expected ~1e-2); 1 dB above, it must be below
    1e-3 (expected ~1e-5). 3000 blocks each: either check fails with probability < 1e-3.
    """
    snr = _maunder_snr(reference_dir, 108, 12)
    low, _ = _qpsk_bler(12, 108, snr - 1.0, 3000, rng)
    high, _ = _qpsk_bler(12, 108, snr + 1.0, 3000, rng)
    assert low > 2e-3
    assert high <= 1e-3


@pytest.mark.slow
@pytest.mark.reference
@pytest.mark.parametrize(("g", "a"), [(108, 16), (108, 32), (1728, 384)])
def test_required_snr_matches_maunder_reference(reference_dir, rng, g, a):
    """Required Es/N0 for BLER 1e-3 within [-0.2, +0.4] dB of polar-3gpp-matlab (min-sum SCL-8).

    20000 blocks per point. At ref + 0.2 dB we measured BLER 2-4e-4 (<= 1e-3 asserted, expected
    about 5 errors against a limit of 20); at ref - 0.4 dB about 2.5e-3 (> 1e-3 asserted,
    expected ~50 errors against 20). A = 384, G = 1728 has two code blocks (I_seg = 1).
    """
    snr = _maunder_snr(reference_dir, g, a)
    assert uci_info(a, g).num_code_blocks == (2 if a >= 360 else 1)
    high, _ = _qpsk_bler(a, g, snr + 0.2, 20000, rng)
    low, _ = _qpsk_bler(a, g, snr - 0.4, 20000, rng)
    assert high <= 1e-3
    assert low > 1e-3


def test_small_block_crc_ok_all_true():
    res = uci_decode(np.zeros((2, 7, 32), np.float32), 5)
    assert res.crc_ok.shape == (2, 7) and res.crc_ok.all()


def test_list_size_and_algorithm_pass_through(rng):
    a, e = 48, 160
    bits = rng.integers(0, 2, (4, a), dtype=np.uint8)
    llr = _clean_llr(uci_encode(bits, e))
    for kwargs in ({"list_size": 1}, {"list_size": 4}, {"algorithm": "sc"}):
        np.testing.assert_array_equal(uci_decode(llr, a, **kwargs).bits, bits)


def test_encode_decode_bad_inputs():
    with pytest.raises(ValueError, match="NaN"):
        uci_decode(np.array([np.nan] * 100), 20)
    with pytest.raises(ValueError, match="1706"):
        uci_encode(np.zeros(1707, np.uint8), 4000)
    with pytest.raises(ValueError, match="1706"):
        uci_encode(np.zeros(0, np.uint8), 10)
    with pytest.raises(ValueError, match="6.3.1"):
        uci_encode(np.zeros(30, np.uint8), 35)
    with pytest.raises(ValueError, match="6.3.1"):
        uci_decode(np.zeros(35), 30)
    with pytest.raises(TypeError, match="must hold bits"):
        uci_encode(np.zeros(30), 100)
    with pytest.raises(TypeError):
        uci_decode(np.array(["x"] * 100), 30)
    with pytest.raises(ValueError, match="modulation_order"):
        uci_encode(np.zeros(1, np.uint8), 4, modulation_order=5)


def test_list_selection_uses_the_known_filler_bit(rng):
    """With an odd segmented payload, block 0 starts with a known 0 (§5.2.1): a list candidate
    whose CRC passes but whose filler bit is 1 must be rejected."""
    from opennr.coding.uci import _crc_selector

    good = crc_attach(np.concatenate([[0], rng.integers(0, 2, 506)]).astype(np.uint8), "11")
    bad = crc_attach(np.concatenate([[1], good[1:507]]).astype(np.uint8), "11")
    cands = np.stack([good, bad])
    assert _crc_selector("11", 0)(cands).tolist() == [True, True]
    assert _crc_selector("11", 1)(cands).tolist() == [True, False]
    # and the chain finds the filler-consistent path: A = 1013 (odd), C = 2
    a, e = 1013, 1100
    bits = rng.integers(0, 2, (2, a), dtype=np.uint8)
    res = uci_decode(_clean_llr(uci_encode(bits, e)), a)
    np.testing.assert_array_equal(res.bits, bits)


def test_modulation_order_must_be_an_integer():
    with pytest.raises(TypeError, match="modulation_order"):
        uci_encode(np.ones(1, np.uint8), 4, modulation_order=2.0)
    with pytest.raises(TypeError, match="modulation_order"):
        uci_info(1, 4, modulation_order=True)
