"""Tests of TS 38.212 §5.3.3 / §5.4.3 small block codes and their ML decoder."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.small_block import (
    PLACEHOLDER_X,
    PLACEHOLDER_Y,
    SMALL_BLOCK_MODULATION_ORDERS,
    reed_muller_basis,
    small_block_codebook,
    small_block_decode,
    small_block_encode,
    small_block_length,
    small_block_placeholders,
)

# Second source for Table 5.3.3.3-1: srsRAN Project, lib/phy/upper/channel_coding/short/
# short_block_encoder_impl.cpp, BASIS_SEQUENCES (one row per information bit n, coded bits
# i = 0..31), packed here MSB first (bit 31 = i = 0) as 32-bit words.
_SRSRAN_BASIS_WORDS = (
    0xFFFFFFFF, 0xCC95A5D2, 0x5A7089BE, 0x39CC64B6, 0x07C3E38E, 0x003FF07E,
    0x2671B8CE, 0x0DAF22D6, 0x371843BE, 0x62ED85B2, 0xFFFF0F42,
)

# Tables 5.3.3.1-1 and 5.3.3.2-1 written out from the specification, symbol by symbol.
_TABLE_1BIT = {1: "c0", 2: "c0 y", 4: "c0 y x x", 6: "c0 y x x x x", 8: "c0 y x x x x x x"}
_TABLE_2BIT = {
    1: "c0 c1 c2",
    2: "c0 c1 c2 c0 c1 c2",
    4: "c0 c1 x x c2 c0 x x c1 c2 x x",
    6: "c0 c1 x x x x c2 c0 x x x x c1 c2 x x x x",
    8: "c0 c1 x x x x x x c2 c0 x x x x x x c1 c2 x x x x x x",
}


def _spec_mother(c: list[int], qm: int) -> list[int]:
    """The spec table with x -> 1 and y -> previous bit (the documented native convention)."""
    symbols = {"c0": c[0]}
    if len(c) == 2:
        symbols.update(c1=c[1], c2=(c[0] + c[1]) % 2)
    table = _TABLE_1BIT if len(c) == 1 else _TABLE_2BIT
    out: list[int] = []
    for tok in table[qm].split():
        out.append(1 if tok == "x" else out[-1] if tok == "y" else symbols[tok])
    return out


# --------------------------------------------------------------------------------------------
# Table 5.3.3.3-1
# --------------------------------------------------------------------------------------------
def test_basis_matches_srsran_second_source():
    basis = reed_muller_basis()
    assert basis.shape == (32, 11) and basis.dtype == np.uint8
    for n, word in enumerate(_SRSRAN_BASIS_WORDS):
        expected = [(word >> (31 - i)) & 1 for i in range(32)]
        assert basis[:, n].tolist() == expected, f"column n = {n}"
    assert not basis.flags.writeable


def test_basis_structure_first_order_reed_muller():
    # The first six sequences span the first-order Reed-Muller code RM(1, 5) (biorthogonal):
    # 62 words of weight 16, the all-zero and the all-one word.
    weights = small_block_codebook(6, 32).sum(axis=1)
    values, counts = np.unique(weights, return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist())) == {0: 1, 16: 62, 32: 1}


def test_minimum_distances_of_the_32_k_codes():
    dmin = {}
    for k in range(3, 12):
        w = small_block_codebook(k, 32).sum(axis=1).astype(int)
        dmin[k] = int(w[1:].min())
    assert dmin == {3: 16, 4: 16, 5: 16, 6: 16, 7: 12, 8: 12, 9: 12, 10: 12, 11: 10}


def test_csv_has_provenance_header():
    from importlib import resources

    text = resources.files("opennr.coding").joinpath("data", "reed_muller_basis.csv").read_text()
    head = text.splitlines()[:3]
    assert all(line.startswith("#") for line in head)
    assert "Table 5.3.3.3-1" in head[0]


# --------------------------------------------------------------------------------------------
# encoder
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("qm", SMALL_BLOCK_MODULATION_ORDERS)
def test_one_and_two_bit_tables(qm):
    for c in ([0], [1], [0, 0], [0, 1], [1, 0], [1, 1]):
        mother = _spec_mother(c, qm)
        n = len(mother)
        assert small_block_length(len(c), modulation_order=qm) == n
        e = 2 * n + 1
        got = small_block_encode(np.array(c, np.uint8), e, modulation_order=qm)
        assert got.tolist() == [mother[i % n] for i in range(e)]


@pytest.mark.parametrize("qm", SMALL_BLOCK_MODULATION_ORDERS)
def test_placeholder_positions(qm):
    for k, table in ((1, _TABLE_1BIT), (2, _TABLE_2BIT)):
        toks = table[qm].split()
        code = {"x": PLACEHOLDER_X, "y": PLACEHOLDER_Y}
        expected = [code.get(t, 0) for t in toks]
        e = 3 * len(toks) - 1
        got = small_block_placeholders(k, e, modulation_order=qm)
        assert got.dtype == np.int8
        assert got.tolist() == [expected[i % len(toks)] for i in range(e)]
    assert not small_block_placeholders(5, 40).any()


def _naive_rm(c: np.ndarray, e: int) -> np.ndarray:
    basis = reed_muller_basis()
    d = [sum(int(c[n]) * int(basis[i, n]) for n in range(c.size)) % 2 for i in range(32)]
    return np.array([d[k % 32] for k in range(e)], dtype=np.uint8)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(3, 11), e=st.integers(11, 100), seed=st.integers(0, 2**32 - 1))
def test_reed_muller_encoder_matches_naive_sum(k, e, seed):
    c = np.random.default_rng(seed).integers(0, 2, (3, k), dtype=np.uint8)
    got = small_block_encode(c, e)
    assert got.shape == (3, e) and got.dtype == np.uint8
    for row in range(3):
        np.testing.assert_array_equal(got[row], _naive_rm(c[row], e))


def test_encoder_batches_and_accepts_bool():
    c = np.zeros((2, 3, 4), dtype=bool)
    c[1, 2] = [True, False, True, True]
    out = small_block_encode(c, 40)
    assert out.shape == (2, 3, 40)
    np.testing.assert_array_equal(out[1, 2], _naive_rm(np.array([1, 0, 1, 1]), 40))
    assert not out[0].any()


# --------------------------------------------------------------------------------------------
# ML decoder
# --------------------------------------------------------------------------------------------
def _brute_force_ml(llr: np.ndarray, k: int, qm: int) -> np.ndarray:
    """Exhaustive search maximising sum_k log P(e_k | LLR_k) over all 2^K messages."""
    e = llr.size
    best, best_ll = None, -math.inf
    for m in range(2**k):
        c = np.array([(m >> (k - 1 - n)) & 1 for n in range(k)], dtype=np.uint8)
        bits = small_block_encode(c, e, modulation_order=qm).astype(np.float64)
        # log P(b | L) = -log(1 + exp(-(1 - 2b) L))
        ll = -np.logaddexp(0.0, -(1.0 - 2.0 * bits) * llr).sum()
        if ll > best_ll:
            best, best_ll = c, ll
    return best


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 11),
    qm=st.sampled_from(SMALL_BLOCK_MODULATION_ORDERS),
    extra=st.integers(0, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_ml_decoder_equals_brute_force(k, qm, extra, seed):
    rng = np.random.default_rng(seed)
    e = k + extra
    llr = rng.normal(0.0, 3.0, e)
    got = small_block_decode(llr, k, modulation_order=qm)
    np.testing.assert_array_equal(got, _brute_force_ml(llr, k, qm))


@settings(max_examples=50, deadline=None)
@given(
    k=st.integers(1, 11),
    qm=st.sampled_from(SMALL_BLOCK_MODULATION_ORDERS),
    extra=st.integers(0, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_noiseless_round_trip(k, qm, extra, seed):
    rng = np.random.default_rng(seed)
    # E large enough for the truncated code to be one-to-one (see test_short_e_ambiguity)
    e = max(k, 17) + extra
    c = rng.integers(0, 2, (4, k), dtype=np.uint8)
    bits = small_block_encode(c, e, modulation_order=qm)
    llr = (1.0 - 2.0 * bits).astype(np.float32) * 5.0
    np.testing.assert_array_equal(small_block_decode(llr, k, modulation_order=qm), c)


def test_short_e_ambiguity_documented():
    # With E < 32 the truncated (32, K) code may map two messages onto one word: the
    # smallest one-to-one E is 3, 5, 6, 11, 11, 11, 11, 11, 17 for K = 3..11.
    first_injective = {}
    for k in range(3, 12):
        for e in range(k, 33):
            book = small_block_codebook(k, e)
            if np.unique(book, axis=0).shape[0] == 2**k:
                first_injective[k] = e
                break
    assert first_injective == {3: 3, 4: 5, 5: 6, 6: 11, 7: 11, 8: 11, 9: 11, 10: 11, 11: 17}


def test_placeholders_carry_no_information_for_x():
    # Changing the LLRs at x positions never changes the decision.
    rng = np.random.default_rng(5)
    e = 48
    marks = small_block_placeholders(2, e, modulation_order=8)
    llr = rng.normal(0, 2, (50, e))
    other = llr.copy()
    other[:, marks == PLACEHOLDER_X] = rng.normal(0, 50, (50, int((marks == PLACEHOLDER_X).sum())))
    np.testing.assert_array_equal(
        small_block_decode(llr, 2, modulation_order=8),
        small_block_decode(other, 2, modulation_order=8),
    )


def _qfunc(x: np.ndarray) -> np.ndarray:
    from scipy.special import erfc

    return 0.5 * erfc(x / np.sqrt(2.0))


@pytest.mark.parametrize(("k", "esn0_db"), [(7, -3.0), (11, -1.0)])
def test_ml_bler_between_bounds_and_beats_hard_decision(k, esn0_db, rng):
    """BPSK over AWGN, E = 32, 20000 blocks (ML BLER about 0.005 and 0.0025).

    ML block error rate must lie between the lower bound Q(sqrt(2 d_min Es/N0)) (one nearest
    neighbour) and the union bound sum_w A_w Q(sqrt(2 w Es/N0)), each with a 4-sigma binomial
    margin, and must not exceed the BLER of a hard-decision minimum-Hamming-distance decoder
    on the same noise.
    """
    e, n_blocks = 32, 20000
    esn0 = 10 ** (esn0_db / 10)
    book = small_block_codebook(k, e)
    weights = book.sum(axis=1).astype(int)[1:]
    union = float(np.sum(_qfunc(np.sqrt(2 * weights * esn0))))
    lower = float(_qfunc(np.sqrt(2 * weights.min() * esn0)))
    c = rng.integers(0, 2, (n_blocks, k), dtype=np.uint8)
    x = 1.0 - 2.0 * small_block_encode(c, e)
    y = x + rng.normal(0, np.sqrt(1 / (2 * esn0)), x.shape)
    llr = 4 * esn0 * y
    ml_err = np.any(small_block_decode(llr, k) != c, axis=1).mean()
    hard = (y < 0).astype(np.int64)
    dist = hard @ (1 - 2 * book.T.astype(np.int64)) + book.sum(axis=1)[None, :]
    hard_idx = np.argmin(dist, axis=1)
    weights_k = 1 << np.arange(k - 1, -1, -1)
    hard_err = (hard_idx != c.astype(np.int64) @ weights_k).mean()
    sigma = lambda p: 4 * np.sqrt(max(p, 1e-4) * (1 - p) / n_blocks)
    assert lower - sigma(lower) <= ml_err <= min(union, 1.0) + sigma(union)
    assert ml_err <= hard_err + sigma(hard_err)
    assert ml_err < hard_err  # soft decisions gain about 2 dB here


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def test_bad_inputs():
    with pytest.raises(ValueError, match="5.3.3"):
        small_block_encode(np.zeros(12, np.uint8), 40)
    with pytest.raises(ValueError, match="5.3.3"):
        small_block_encode(np.zeros(0, np.uint8), 40)
    with pytest.raises(ValueError, match="5.4.3"):
        small_block_encode(np.zeros(5, np.uint8), 4)
    with pytest.raises(ValueError, match="modulation_order"):
        small_block_encode(np.zeros(1, np.uint8), 4, modulation_order=3)
    with pytest.raises(TypeError, match="modulation_order"):
        small_block_decode(np.zeros(8), 1, modulation_order=4.0)
    with pytest.raises(TypeError, match="c must hold bits"):
        small_block_encode(np.zeros(3), 40)
    with pytest.raises(ValueError, match="only 0 and 1"):
        small_block_encode(np.array([0, 2, 1]), 40)
    with pytest.raises(TypeError):
        small_block_encode(np.zeros(3, np.uint8), 40.0)
    with pytest.raises(ValueError, match="NaN"):
        small_block_decode(np.array([0.0, np.nan, 1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="5.4.3"):
        small_block_decode(np.zeros(3), 4)
    with pytest.raises(ValueError, match="k must be in"):
        small_block_decode(np.zeros(40), 12)
    with pytest.raises(TypeError):
        small_block_decode(np.array(["a"] * 5), 3)
