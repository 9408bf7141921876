"""TS 38.212 §5.3.2 LDPC decoders: NumPy twin, codeword recovery, early termination, Sionna BLER."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.ldpc.base_graph import LIFTING_SIZES, base_graph
from opennr.coding.ldpc.decoder import ALGORITHMS, LdpcDecodeResult, ldpc_decode
from opennr.coding.ldpc.encoder import ldpc_encode

FILLER_LLR = 1.0e4


# ------------------------------------------------------------------------------------------
# An independent test encoder: solve H_p p = H_s s over GF(2) from the dense parity-check matrix
# ------------------------------------------------------------------------------------------
@cache
def _gf2_encoder(bg: int, z: int):
    g = base_graph(bg, z)
    h = g.parity_check_matrix()
    k = g.k
    hs, hp = h[:, :k], h[:, k:]
    n = hp.shape[0]
    a = np.concatenate([hp, np.eye(n, dtype=np.uint8)], axis=1)
    for c in range(n):
        piv = c + int(np.nonzero(a[c:, c])[0][0])
        if piv != c:
            a[[c, piv]] = a[[piv, c]]
        rows = np.nonzero(a[:, c])[0]
        rows = rows[rows != c]
        a[rows] ^= a[c]
    return hs.astype(np.int64), a[:, n:].astype(np.int64), h


def _encode(c: np.ndarray, bg: int, z: int) -> np.ndarray:
    """Full codeword ``[..., num_cols * Z]`` (punctured columns included) of info bits c."""
    hs, inv, _ = _gf2_encoder(bg, z)
    p = ((c.astype(np.int64) @ hs.T) % 2) @ inv.T % 2
    return np.concatenate([c, p], axis=-1).astype(np.uint8)


def _bpsk_llr(cw_tx: np.ndarray, sigma: float, rng) -> np.ndarray:
    x = 1.0 - 2.0 * cw_tx
    y = x + sigma * rng.standard_normal(x.shape)
    return (2.0 * y / sigma**2).astype(np.float32)


def _n(bg, z):
    return base_graph(bg, z).n


# ------------------------------------------------------------------------------------------
# Codeword recovery
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("bg, z", [(1, 6), (1, 16), (2, 5), (2, 13)])
def test_true_codewords_noiseless_and_noisy(algorithm, bg, z, rng):
    g = base_graph(bg, z)
    c = rng.integers(0, 2, (5, g.k), dtype=np.uint8)
    cw = _encode(c, bg, z)
    _, _, h = _gf2_encoder(bg, z)
    assert not ((cw.astype(np.int64) @ h.T) % 2).any()  # the test encoder itself
    clean = (4.0 * (1.0 - 2.0 * cw[:, 2 * z :])).astype(np.float32)
    noisy = _bpsk_llr(cw[:, 2 * z :], 0.7, rng)
    for llr in (clean, noisy):
        res = ldpc_decode(llr, bg, z, algorithm=algorithm)
        np.testing.assert_array_equal(res.bits, c)
        assert res.parity_ok.all()
        assert (res.iterations < 20).all()
        # posterior signs agree with the decisions
        assert ((res.llr < 0) == (res.bits == 1)).all()


@settings(max_examples=12, deadline=None)
@given(
    bg=st.sampled_from([1, 2]),
    z=st.sampled_from(LIFTING_SIZES),
    algorithm=st.sampled_from(ALGORITHMS),
    seed=st.integers(0, 2**32 - 1),
)
def test_all_zero_codeword_with_noise_any_lifting_size(bg, z, algorithm, seed):
    # The decoders are symmetric, so the all-zero codeword stands for any codeword.
    rng = np.random.default_rng(seed)
    llr = _bpsk_llr(np.zeros((3, _n(bg, z)), np.uint8), 0.75, rng)
    res = ldpc_decode(llr, bg, z, algorithm=algorithm)
    assert res.bits.shape == (3, base_graph(bg, z).k)
    assert not res.bits.any()
    assert res.parity_ok.all()


def test_filler_llrs_and_batch_shape(rng):
    bg, z = 2, 12
    g = base_graph(bg, z)
    c = rng.integers(0, 2, (2, 3, g.k), dtype=np.uint8)
    c[..., 80:100] = 0  # fillers: known zeros
    cw = _encode(c, bg, z)
    llr = _bpsk_llr(cw[..., 2 * z :], 0.8, rng)
    llr[..., 80 - 2 * z : 100 - 2 * z] = FILLER_LLR
    for algorithm in ALGORITHMS:
        res = ldpc_decode(llr, bg, z, algorithm=algorithm)
        assert isinstance(res, LdpcDecodeResult)
        assert res.bits.shape == (2, 3, g.k) and res.bits.dtype == np.uint8
        assert res.iterations.shape == (2, 3) and res.iterations.dtype == np.int32
        assert res.parity_ok.shape == (2, 3) and res.parity_ok.dtype == np.bool_
        assert res.llr.shape == (2, 3, g.k) and res.llr.dtype == np.float32
        assert np.isfinite(res.llr).all()
        np.testing.assert_array_equal(res.bits, c)


def test_empty_batch():
    res = ldpc_decode(np.zeros((0, _n(1, 2)), np.float32), 1, 2)
    assert res.bits.shape == (0, 44) and res.iterations.shape == (0,)


# ------------------------------------------------------------------------------------------
# Early termination / fixed iterations
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_early_termination_and_fixed_iterations(algorithm, rng):
    bg, z = 1, 10
    llr = np.full((4, _n(bg, z)), 5.0, np.float32)
    res = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=15)
    assert (res.iterations < 15).all() and res.parity_ok.all()
    fixed = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=7, early_termination=False)
    assert (fixed.iterations == 7).all() and fixed.parity_ok.all()
    # undecodable noise: no early stop, parity reported as failed
    bad = rng.standard_normal((3, _n(bg, z))).astype(np.float32)
    res = ldpc_decode(bad, bg, z, algorithm=algorithm, max_iterations=5)
    assert (res.iterations == 5).all() and not res.parity_ok.any()


def test_early_termination_is_per_block(rng):
    # one clean block and one pure-noise block interleaved in the same SIMD group
    bg, z = 2, 4
    llr = np.stack(
        [np.full(_n(bg, z), 4.0, np.float32), rng.standard_normal(_n(bg, z)).astype(np.float32)]
    )
    res = ldpc_decode(llr, bg, z, algorithm="layered-oms", max_iterations=9)
    assert res.iterations[0] < 9 and res.parity_ok[0]
    assert res.iterations[1] == 9 and not res.parity_ok[1]


# ------------------------------------------------------------------------------------------
# Numba kernels against the plain-NumPy twin
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ["layered-nms", "layered-oms"])
@pytest.mark.parametrize("bg, z, batch", [(1, 7, 3), (2, 36, 5), (1, 384, 1), (2, 3, 40), (2, 20, 18)])
@pytest.mark.parametrize("early", [True, False])
def test_minsum_kernel_identical_to_numpy_twin(algorithm, bg, z, batch, early, rng):
    llr = _bpsk_llr(np.zeros((batch, _n(bg, z)), np.uint8), 1.1, rng)
    llr[:, ::7] = -llr[:, ::7]  # not a codeword near the zero word: decoding work to do
    kw = dict(algorithm=algorithm, max_iterations=6, early_termination=early,
              scaling=0.8125, offset=0.375)
    a = ldpc_decode(llr, bg, z, **kw)
    b = ldpc_decode(llr, bg, z, backend="numpy", **kw)
    np.testing.assert_array_equal(a.bits, b.bits)
    np.testing.assert_array_equal(a.iterations, b.iterations)
    np.testing.assert_array_equal(a.parity_ok, b.parity_ok)
    np.testing.assert_array_equal(a.llr, b.llr)


@pytest.mark.parametrize("algorithm", ["layered-spa", "flooding-spa"])
@pytest.mark.parametrize("bg, z, batch", [(1, 9, 3), (2, 24, 4)])
def test_spa_kernel_close_to_numpy_twin(algorithm, bg, z, batch, rng):
    # float32 arithmetic box-plus (|error| < 1e-6 per operation) vs float64 log1p/exp
    llr = _bpsk_llr(np.zeros((batch, _n(bg, z)), np.uint8), 1.2, rng)
    kw = dict(algorithm=algorithm, max_iterations=3, early_termination=False)
    a = ldpc_decode(llr, bg, z, **kw)
    b = ldpc_decode(llr, bg, z, backend="numpy", **kw)
    np.testing.assert_allclose(a.llr, b.llr, rtol=1e-4, atol=1e-3)
    sure = np.abs(b.llr) > 1e-2
    np.testing.assert_array_equal(a.bits[sure], b.bits[sure])


def test_spa_large_llrs_stay_finite():
    bg, z = 2, 8
    llr = np.full((2, _n(bg, z)), FILLER_LLR, np.float32)
    llr[1] = -llr[1]  # the all-one word is a codeword? not necessarily: stays finite anyway
    for algorithm in ALGORITHMS:
        res = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=50,
                          early_termination=False)
        assert np.isfinite(res.llr).all()


# ------------------------------------------------------------------------------------------
# Bad inputs
# ------------------------------------------------------------------------------------------
def test_bad_inputs():
    n = _n(1, 2)
    good = np.zeros((2, n), np.float32)
    with pytest.raises(ValueError, match=f"N = {n}"):
        ldpc_decode(np.zeros((2, n - 1), np.float32), 1, 2)
    with pytest.raises(ValueError, match="N = 100"):
        ldpc_decode(good, 2, 2)
    bad = good.copy()
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ldpc_decode(bad, 1, 2)
    bad[0, 3] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        ldpc_decode(bad, 1, 2)
    with pytest.raises(TypeError, match="dtype"):
        ldpc_decode(good.astype(np.complex64), 1, 2)
    with pytest.raises(ValueError, match="layered-spa"):
        ldpc_decode(good, 1, 2, algorithm="min-sum")
    with pytest.raises(ValueError, match="max_iterations"):
        ldpc_decode(good, 1, 2, max_iterations=0)
    with pytest.raises(ValueError, match="max_iterations"):
        ldpc_decode(good, 1, 2, max_iterations=10_000)
    with pytest.raises(TypeError, match="max_iterations"):
        ldpc_decode(good, 1, 2, max_iterations=2.5)
    with pytest.raises(ValueError, match="bg"):
        ldpc_decode(good, 3, 2)
    with pytest.raises(ValueError, match="Table 5.3.2-1"):
        ldpc_decode(good, 1, 17)
    with pytest.raises(ValueError, match="backend"):
        ldpc_decode(good, 1, 2, backend="cuda")
    with pytest.raises(ValueError, match="scaling"):
        ldpc_decode(good, 1, 2, scaling=0.0)
    with pytest.raises(ValueError, match="offset"):
        ldpc_decode(good, 1, 2, offset=-0.1)
    with pytest.raises(TypeError, match="early_termination"):
        ldpc_decode(good, 1, 2, early_termination="yes")
    with pytest.raises(ValueError, match="dimension"):
        ldpc_decode(np.float32(1.0), 1, 2)
    with pytest.raises(ValueError, match="output must be one of 'info', 'whole'"):
        ldpc_decode(good, 1, 2, output="all")
    with pytest.raises(TypeError, match="return_syndrome"):
        ldpc_decode(good, 1, 2, return_syndrome=1)


# ------------------------------------------------------------------------------------------
# Sionna oracle: BLER of exact flooding BP at equal iterations
# ------------------------------------------------------------------------------------------
def _rate_recovery_positions(k_prime: int, bg: int, z: int, e: int) -> np.ndarray:
    """Positions in d (length N) of the first E rate-matched bits, rv 0, no LBRM (§5.4.2.1)."""
    g = base_graph(bg, z)
    d = np.arange(g.n)
    filler = (d >= k_prime - 2 * z) & (d < g.k - 2 * z)
    return d[~filler][:e]


def _sionna_llr_setup(sionna, k, n, ebno_db, batch, rng):
    import torch

    enc = sionna.fec.ldpc.LDPC5GEncoder(k, n)
    bg, z = int(str(enc._bg)[-1]), int(enc.z)
    u = rng.integers(0, 2, (batch, k)).astype(np.float32)
    cw = enc(torch.tensor(u)).numpy().astype(np.uint8)
    sigma2 = 1.0 / (2.0 * (k / n) * 10 ** (ebno_db / 10))
    y = (1.0 - 2.0 * cw) + np.sqrt(sigma2) * rng.standard_normal(cw.shape)
    llr_e = (2.0 * y / sigma2).astype(np.float32)
    g = base_graph(bg, z)
    full = np.zeros((batch, g.n), np.float32)
    pos = _rate_recovery_positions(k, bg, z, n)
    full[:, pos] = llr_e
    d = np.arange(g.n)
    full[:, (d >= k - 2 * z) & (d < g.k - 2 * z)] = FILLER_LLR
    return enc, bg, z, u.astype(np.uint8), llr_e, full


def _two_proportion_ok(e1, e2, n, z_crit=3.5):
    p = (e1 + e2) / (2 * n)
    sd = np.sqrt(max(2 * p * (1 - p) / n, 1e-12))
    return abs(e1 - e2) / n <= z_crit * sd + 1.0 / n


@pytest.mark.oracle
def test_flooding_spa_bler_matches_sionna(sionna, rng):
    import torch

    k, n, ebno_db, batch, iters = 1000, 2000, 2.0, 400, 10
    enc, bg, z, u, llr_e, full = _sionna_llr_setup(sionna, k, n, ebno_db, batch, rng)
    assert (bg, z) == (2, 104)
    dec = sionna.fec.ldpc.LDPC5GDecoder(enc, num_iter=iters, cn_update="boxplus",
                                        return_infobits=True, hard_out=True)
    with torch.no_grad():
        ref = dec(torch.tensor(-llr_e)).numpy().astype(np.uint8)  # Sionna logits = -LLR
    ours = ldpc_decode(full, bg, z, algorithm="flooding-spa", max_iterations=iters,
                       early_termination=False)
    err_ref = int((ref != u).any(axis=1).sum())
    err_ours = int((ours.bits[:, :k] != u).any(axis=1).sum())
    assert 0.02 * batch < err_ref < 0.9 * batch, "workload must be in the waterfall"
    assert _two_proportion_ok(err_ours, err_ref, batch), (err_ours, err_ref)
    # same algorithm, same noise: most blocks get the same verdict
    same = ((ref != u).any(axis=1) == (ours.bits[:, :k] != u).any(axis=1)).mean()
    assert same > 0.9
    # layered SPA is no worse than flooding at the same iterations
    lay = ldpc_decode(full, bg, z, algorithm="layered-spa", max_iterations=iters)
    assert int((lay.bits[:, :k] != u).any(axis=1).sum()) <= err_ref


@pytest.mark.oracle
@pytest.mark.slow
def test_w2_bler_near_sionna_figure(sionna, rng):
    import torch

    k, n, ebno_db, batch = 1000, 2000, 1.5, 2000
    enc, bg, z, u, llr_e, full = _sionna_llr_setup(sionna, k, n, ebno_db, batch, rng)
    dec = sionna.fec.ldpc.LDPC5GDecoder(enc, num_iter=20, cn_update="boxplus",
                                        return_infobits=True, hard_out=True)
    with torch.no_grad():
        ref = dec(torch.tensor(-llr_e)).numpy().astype(np.uint8)
    err_ref = int((ref != u).any(axis=1).sum())
    for algorithm in ("flooding-spa", "layered-spa"):
        ours = ldpc_decode(full, bg, z, algorithm=algorithm, max_iterations=20)
        err = int((ours.bits[:, :k] != u).any(axis=1).sum())
        assert err <= err_ref or _two_proportion_ok(err, err_ref, batch), (algorithm, err, err_ref)
    assert err_ref / batch < 0.1  # about 2 % per the Sionna figure


@pytest.mark.parametrize("algorithm", ["layered-oms", "layered-spa"])
def test_rows_of_untransmitted_parity_are_skipped_exactly(algorithm, rng):
    # BG2: only the first 20 Z of N = 50 Z LLRs are known; rows whose degree-one parity column
    # is all-zero send exactly zero messages, so skipping them leaves the systematic APPs equal.
    from opennr.coding.ldpc import _decoder_kernels as kern
    from opennr.coding.ldpc.decoder import _ALGO_CODE

    bg, z = 2, 16
    g = base_graph(bg, z)
    llr = _bpsk_llr(np.zeros((4, g.n), np.uint8), 0.9, rng)
    llr[:, 20 * z :] = 0.0
    res = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=5,
                      early_termination=False)
    bits = np.zeros((4, g.k), np.uint8)
    post = np.zeros((4, g.k), np.float32)
    its, ok = np.zeros(4, np.int32), np.zeros(4, bool)
    kern.layered_decode(llr, g.cols, g.shifts, g.row_starts, g.num_cols, g.k_b_max, z, 4,
                        _ALGO_CODE[algorithm], 5, False, np.float32(0.75), np.float32(0.5),
                        np.float32(1e5), np.float32(40.0), bits, its, ok, post)
    np.testing.assert_allclose(res.llr, post, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(res.bits, bits)


# ------------------------------------------------------------------------------------------
# Whole-codeword output and per-check syndrome
# ------------------------------------------------------------------------------------------
def _whole_codeword(c, bg, z):
    """``c_0 .. c_{N+2Z-1}``: the 2Z punctured bits, then the encoder's N output bits."""
    return np.concatenate([c[..., : 2 * z], ldpc_encode(c, bg, z)], axis=-1)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("bg, z", [(1, 6), (2, 13)])
def test_whole_output_of_noiseless_codeword(algorithm, backend, bg, z, rng):
    g = base_graph(bg, z)
    c = rng.integers(0, 2, (2, 3, g.k), dtype=np.uint8)
    full = _whole_codeword(c, bg, z)
    assert full.shape == (2, 3, g.num_cols * z)
    np.testing.assert_array_equal(full, _encode(c, bg, z))  # two independent encoders agree
    llr = (4.0 * (1.0 - 2.0 * full[..., 2 * z :])).astype(np.float32)
    res = ldpc_decode(llr, bg, z, algorithm=algorithm, output="whole", return_syndrome=True,
                      backend=backend)
    np.testing.assert_array_equal(res.bits, full)
    assert res.llr.shape == full.shape and res.llr.dtype == np.float32
    assert ((res.llr < 0) == (res.bits == 1)).all()
    assert res.syndrome.shape == (2, 3, g.num_rows * z) and res.syndrome.dtype == np.uint8
    assert not res.syndrome.any() and res.parity_ok.all()
    # the info output is the first K columns of the whole one
    info = ldpc_decode(llr, bg, z, algorithm=algorithm, backend=backend)
    np.testing.assert_array_equal(info.bits, res.bits[..., : g.k])
    np.testing.assert_array_equal(info.llr, res.llr[..., : g.k])
    assert info.syndrome is None


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("bg, z, batch", [(1, 5, 3), (2, 7, 17)])
def test_syndrome_of_non_converged_blocks_is_h_times_x(algorithm, backend, bg, z, batch, rng):
    g = base_graph(bg, z)
    h = g.parity_check_matrix().astype(np.int64)
    llr = np.full((batch, g.n), 4.0, np.float32)
    llr[1::2] = rng.standard_normal((len(llr[1::2]), g.n))  # noise: cannot converge
    res = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=3, output="whole",
                      return_syndrome=True, backend=backend)
    np.testing.assert_array_equal(res.syndrome, (res.bits.astype(np.int64) @ h.T) % 2)
    np.testing.assert_array_equal(res.parity_ok, ~res.syndrome.any(axis=-1))
    assert res.parity_ok[0::2].all() and not res.parity_ok[1::2].any()
    # with the info output the syndrome is the same
    info = ldpc_decode(llr, bg, z, algorithm=algorithm, max_iterations=3,
                       return_syndrome=True, backend=backend)
    np.testing.assert_array_equal(info.syndrome, res.syndrome)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_erased_parity_bits_of_skipped_rows(algorithm, rng):
    # BG2: codeword columns 20 .. 51 untransmitted (rows 10 .. 41 are skipped). Their
    # hard decisions satisfy their rows; their LLRs are the rows' messages.
    bg, z = 2, 8
    g = base_graph(bg, z)
    h = g.parity_check_matrix().astype(np.int64)
    c = rng.integers(0, 2, (4, g.k), dtype=np.uint8)
    full = _whole_codeword(c, bg, z)
    llr = _bpsk_llr(full[:, 2 * z :], 0.6, rng)
    llr[:, 18 * z :] = 0.0
    llr[3] = rng.standard_normal(g.n)  # and one hopeless block
    llr[3, 18 * z :] = 0.0
    res = ldpc_decode(llr, bg, z, algorithm=algorithm, output="whole", return_syndrome=True,
                      max_iterations=10)
    np.testing.assert_array_equal(res.syndrome, (res.bits.astype(np.int64) @ h.T) % 2)
    assert not res.syndrome[:, 10 * z :].any()  # skipped rows are satisfied
    assert res.parity_ok[:3].all() and not res.parity_ok[3]
    np.testing.assert_array_equal(res.bits[:3], full[:3])
    erased = res.llr[:3, 20 * z :]
    assert ((erased < 0) == (res.bits[:3, 20 * z :] == 1)).all() and (erased != 0).all()
    # both backends complete them alike
    ref = ldpc_decode(llr, bg, z, algorithm=algorithm, output="whole", return_syndrome=True,
                      max_iterations=10, backend="numpy")
    np.testing.assert_array_equal(ref.syndrome, res.syndrome)
    if algorithm in ("layered-nms", "layered-oms"):
        np.testing.assert_array_equal(ref.bits, res.bits)
        np.testing.assert_array_equal(ref.llr, res.llr)
    else:
        np.testing.assert_allclose(ref.llr[:3], res.llr[:3], rtol=1e-4, atol=1e-3)


def test_erased_parity_llr_is_the_row_message():
    # one skipped row, min-sum: its parity LLR is the scaled minimum of the others' |APP|,
    # signed by the XOR of their decisions (independent per-check evaluation with H)
    bg, z = 2, 4
    g = base_graph(bg, z)
    h = g.parity_check_matrix()
    rng = np.random.default_rng(5)
    llr = rng.normal(1.0, 2.0, (2, g.n)).astype(np.float32)
    llr[:, (g.num_cols - 3) * z :] = 0.0  # last row's parity column (kb + 41 = 51)
    res = ldpc_decode(llr, bg, z, algorithm="layered-nms", output="whole", max_iterations=2,
                      early_termination=False, scaling=0.5)
    for q in range((g.num_rows - 1) * z, g.num_rows * z):
        vs = np.flatnonzero(h[q])
        p = vs[vs >= (g.num_cols - 1) * z][0]
        others = vs[vs != p]
        a = res.llr[:, others]
        sign = np.where(np.bitwise_xor.reduce(res.bits[:, others], axis=1) == 1, -1.0, 1.0)
        np.testing.assert_allclose(res.llr[:, p], sign * 0.5 * np.abs(a).min(axis=1), rtol=1e-6)


@pytest.mark.parametrize("algorithm", ["layered-nms", "layered-oms"])
def test_whole_and_syndrome_kernel_identical_to_numpy_twin(algorithm, rng):
    bg, z, batch = 2, 20, 18
    llr = _bpsk_llr(np.zeros((batch, _n(bg, z)), np.uint8), 1.3, rng)
    llr[:, ::5] = -llr[:, ::5]
    kw = {"algorithm": algorithm, "max_iterations": 4, "output": "whole",
          "return_syndrome": True}
    a = ldpc_decode(llr, bg, z, **kw)
    b = ldpc_decode(llr, bg, z, backend="numpy", **kw)
    assert not a.parity_ok.all()
    for name in ("bits", "llr", "syndrome", "iterations", "parity_ok"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_whole_output_empty_batch():
    res = ldpc_decode(np.zeros((0, _n(2, 3)), np.float32), 2, 3, output="whole",
                      return_syndrome=True)
    assert res.bits.shape == (0, 52 * 3) and res.syndrome.shape == (0, 42 * 3)
