"""TS 38.212 §5.3.2 LDPC encoding: parity checks, NumPy twin, reference vectors, Sionna oracle."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.ldpc.base_graph import LIFTING_SIZES, base_graph
from opennr.coding.ldpc.encoder import _encode_2d, _ldpc_encode_numpy, ldpc_encode
from opennr.coding.ldpc.rate_matching import ldpc_rate_match
from opennr.coding.segmentation import segment, segmentation_info, select_base_graph


def _syndrome(bg: int, z: int, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``H x`` (mod 2) per block, straight from the base-graph entries: [B, rows*Z]."""
    g = base_graph(bg, z)
    x = np.concatenate([c[..., : 2 * z], d], axis=-1).reshape(-1, g.num_cols, z)
    s = np.zeros((x.shape[0], g.num_rows, z), dtype=np.uint8)
    for i, j, p in zip(g.rows, g.cols, g.shifts, strict=True):
        # block (i, j) = identity shifted right by p: row r reads column (r + p) mod z
        s[:, i] ^= x[:, j, (np.arange(z) + p) % z]
    return s.reshape(x.shape[0], -1)


@pytest.mark.parametrize("bg", [1, 2])
@pytest.mark.parametrize("z", LIFTING_SIZES)
def test_codewords_satisfy_parity_checks_all_lifting_sizes(bg, z, rng):
    g = base_graph(bg, z)
    c = rng.integers(0, 2, (3, g.k), dtype=np.uint8)
    c[0] = 0  # the zero codeword
    d = ldpc_encode(c, bg, z)
    assert d.shape == (3, g.n) and d.dtype == np.uint8
    assert not _syndrome(bg, z, c, d).any()
    # systematic part: d_{k-2Z} = c_k
    np.testing.assert_array_equal(d[:, : g.k - 2 * z], c[:, 2 * z :])
    assert not d[0].any()


@pytest.mark.parametrize(("bg", "z"), [(1, 2), (1, 7), (2, 3), (2, 15), (1, 13), (2, 13)])
def test_parity_checks_with_dense_h(bg, z, rng):
    g = base_graph(bg, z)
    h = g.parity_check_matrix().astype(np.int64)
    c = rng.integers(0, 2, (4, g.k), dtype=np.uint8)
    x = np.concatenate([c[:, : 2 * z], ldpc_encode(c, bg, z)], axis=1)
    assert not ((x.astype(np.int64) @ h.T) % 2).any()


@settings(max_examples=40, deadline=None)
@given(
    bg=st.sampled_from([1, 2]),
    z=st.sampled_from(LIFTING_SIZES),
    n_filler_frac=st.floats(0, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_kernel_matches_numpy_twin_and_keeps_fillers(bg, z, n_filler_frac, seed):
    g = base_graph(bg, z)
    rng = np.random.default_rng(seed)
    c = rng.integers(0, 2, (2, g.k), dtype=np.uint8)
    n_filler = int(n_filler_frac * (g.k - 2 * z))
    c[:, g.k - n_filler :] = 0
    d = ldpc_encode(c, bg, z)
    np.testing.assert_array_equal(d, _ldpc_encode_numpy(c, bg, z))
    assert not d[:, g.k - 2 * z - n_filler : g.k - 2 * z].any()
    assert not _syndrome(bg, z, c, d).any()


def test_linearity_and_batch_shapes(rng):
    g = base_graph(2, 36)
    a = rng.integers(0, 2, (2, 3, g.k), dtype=np.uint8)
    b = rng.integers(0, 2, (2, 3, g.k), dtype=np.uint8)
    da, db = ldpc_encode(a, 2, 36), ldpc_encode(b, 2, 36)
    assert da.shape == (2, 3, g.n)
    np.testing.assert_array_equal(ldpc_encode(a ^ b, 2, 36), da ^ db)
    np.testing.assert_array_equal(ldpc_encode(a[1, 2], 2, 36), da[1, 2])
    np.testing.assert_array_equal(ldpc_encode(a.astype(bool), 2, 36), da)
    assert ldpc_encode(np.zeros((0, g.k), np.uint8), 2, 36).shape == (0, g.n)


def test_truncated_encoding_is_a_prefix(rng):
    """The private fused path computes only the parity columns it needs."""
    for bg, z in ((1, 384), (2, 104), (2, 5)):
        g = base_graph(bg, z)
        c = rng.integers(0, 2, (3, g.k), dtype=np.uint8)
        full = ldpc_encode(c, bg, z)
        for n_out in (1, g.k - 2 * z, g.k + 3 * z + 1, g.n - 1, g.n):
            np.testing.assert_array_equal(_encode_2d(c, bg, z, n_out), full[:, :n_out])


def test_bad_inputs():
    g = base_graph(1, 2)
    with pytest.raises(ValueError, match="bg"):
        ldpc_encode(np.zeros(44, np.uint8), 3, 2)
    with pytest.raises(ValueError, match="lifting sizes"):
        ldpc_encode(np.zeros(22 * 17, np.uint8), 1, 17)
    with pytest.raises(ValueError, match=r"c must have 44 entries.*5\.3\.2"):
        ldpc_encode(np.zeros(45, np.uint8), 1, 2)
    with pytest.raises(TypeError, match="c must hold bits"):
        ldpc_encode(np.zeros(g.k), 1, 2)
    with pytest.raises(ValueError, match="only 0 and 1"):
        ldpc_encode(np.full(g.k, 2, np.uint8), 1, 2)
    with pytest.raises(TypeError, match="z must be an integer"):
        ldpc_encode(np.zeros(g.k, np.uint8), 1, 2.0)


def _chain(u, n, qm=1, rv=0):
    """One code block without CB CRC (K' = k), as the Sionna/MATLAB generator files assume."""
    k = u.shape[-1]
    bg = select_base_graph(k, k / n)
    info = segmentation_info(k, bg)
    assert info.c == 1
    d = ldpc_encode(segment(u, bg)[..., 0, :], bg, info.z_c)
    return ldpc_rate_match(d, n, rv, qm, bg=bg, z=info.z_c, n_filler=info.n_filler)


@pytest.mark.reference
def test_generator_matrices(reference_dir, rng):
    files = sorted((reference_dir / "sionna" / "ldpc5g_generator").glob("k*_n*_G.npz"))
    assert len(files) == 19
    for path in files:
        k, n = (int(v) for v in path.name[1:-6].split("_n"))
        pairs = np.load(path)["index_pairs_1based"]
        gen = scipy.sparse.csc_matrix(
            (np.ones(pairs.shape[1], dtype=np.int64), (pairs[0] - 1, pairs[1] - 1)), shape=(k, n)
        )
        u = rng.integers(0, 2, (8, k), dtype=np.uint8)
        u[0] = 0
        u[1] = np.eye(k, dtype=np.uint8)[k - 1]
        expected = np.asarray(gen.T @ u.T.astype(np.int64)).T % 2
        np.testing.assert_array_equal(_chain(u, n), expected, err_msg=path.name)


def _sionna_draws(rng, count):
    """(k, n, qm) that Sionna's LDPC5GEncoder accepts: 12 <= k <= 8448, 1/5 <= R <= 0.92."""
    draws = []
    while len(draws) < count:
        k = int(np.exp(rng.uniform(np.log(12), np.log(8448))))
        qm = int(rng.choice([1, 2, 4, 6, 8, 10]))
        n = int(k / rng.uniform(0.21, 0.92))
        n -= n % qm
        if n <= k or not 0.2 <= k / n <= 0.92:
            continue
        bg = select_base_graph(k, k / n)
        if (bg == 1 and k / n < 1 / 3) or (bg == 2 and k > 3840):
            continue
        draws.append((k, n, qm))
    return draws


@pytest.mark.oracle
def test_sionna_ldpc5g_encoder_bit_exact(sionna, rng):
    import torch

    draws = _sionna_draws(rng, 200)
    for k, n, qm in draws:
        enc = sionna.fec.ldpc.LDPC5GEncoder(k, n, num_bits_per_symbol=qm)
        u = rng.integers(0, 2, (2, k), dtype=np.uint8)
        ref = enc(torch.from_numpy(u.astype(np.float32)), rv=[0, 1, 2, 3]).numpy()
        for rv in range(4):
            ours = _chain(u, n, qm=qm, rv=rv)
            np.testing.assert_array_equal(
                ours, ref[:, rv].astype(np.uint8), err_msg=f"k={k} n={n} qm={qm} rv={rv}"
            )
