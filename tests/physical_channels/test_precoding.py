"""TS 38.211 §6.3.1.5: PUSCH codebook tables (package data) and precoding."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.physical_channels.precoding import (
    num_tpmi,
    precode,
    pusch_codebook,
    pusch_precoding_matrix,
)

CASES = [(1, 2), (1, 4), (2, 2), (2, 4), (3, 4), (4, 4)]
SIZES = {(1, 2): 6, (1, 4): 28, (2, 2): 3, (2, 4): 22, (3, 4): 7, (4, 4): 5}


@pytest.mark.parametrize(("v", "p"), CASES)
def test_table_sizes_and_orthogonal_layers(v, p):
    book = pusch_codebook(v, p)
    assert book.shape == (SIZES[(v, p)], p, v)
    assert num_tpmi(v, p) == SIZES[(v, p)]
    for w in book:
        gram = w.conj().T @ w
        # layers are orthogonal (equal power except the partially coherent 3-layer TPMIs 1, 2),
        # and the total power never exceeds 1
        np.testing.assert_allclose(gram, np.diag(np.diag(gram)), atol=1e-12)
        assert np.trace(gram).real <= 1 + 1e-12
        # every entry is 0 or a unit-modulus QPSK-alphabet value times the table scale
        nz = w[np.abs(w) > 0]
        np.testing.assert_allclose(np.abs(nz), np.abs(nz[0]))
        u = nz / np.abs(nz[0])
        np.testing.assert_allclose(u, np.round(u.real) + 1j * np.round(u.imag), atol=1e-12)


def test_transform_precoding_table_differs_only_where_the_spec_differs():
    on = pusch_codebook(1, 4, transform_precoding=True)
    off = pusch_codebook(1, 4)
    differing = [t for t in range(28) if not np.allclose(on[t], off[t])]
    # Tables 6.3.1.5-2 and -3 differ in the fourth entry of these fully coherent TPMIs
    assert differing == [12, 14, 17, 19, 20, 22, 25, 27]
    for t in differing:
        np.testing.assert_allclose(on[t][:3], off[t][:3])
        np.testing.assert_allclose(on[t][3], -off[t][3])
    # the two-port single-layer table is the same with and without transform precoding
    np.testing.assert_array_equal(pusch_codebook(1, 2, transform_precoding=True), pusch_codebook(1, 2))


def test_single_port_is_identity():
    assert pusch_precoding_matrix(1, 1).tolist() == [[1 + 0j]]
    assert num_tpmi(1, 1) == 1


def test_known_entries():
    # Table 6.3.1.5-3 TPMI 17: [1, j, j, -1] / 2 ; Table 6.3.1.5-7 TPMI 4
    np.testing.assert_allclose(pusch_precoding_matrix(1, 4, 17)[:, 0], [0.5, 0.5j, 0.5j, -0.5])
    w = pusch_precoding_matrix(4, 4, 4) * 4
    np.testing.assert_allclose(
        w, [[1, 1, 1, 1], [1, -1, 1, -1], [1j, 1j, -1j, -1j], [1j, -1j, -1j, 1j]], atol=1e-6
    )
    assert pusch_precoding_matrix(2, 4, 0).dtype == np.complex64


@pytest.mark.oracle
@pytest.mark.parametrize(("v", "p"), CASES)
def test_tables_match_sionna(sionna, v, p):
    cfg = sionna.nr.PUSCHConfig(num_layers=v, num_antenna_ports=p, precoding="codebook")
    book = pusch_codebook(v, p)
    for tpmi in range(book.shape[0]):
        cfg.tpmi = tpmi
        np.testing.assert_allclose(book[tpmi], cfg.precoding_matrix, atol=1e-15)


@pytest.mark.reference
@pytest.mark.parametrize(("v", "p"), [(1, 2), (1, 4), (2, 2), (2, 4), (3, 4), (4, 4)])
def test_precoded_dmrs_grids_are_w_times_one_layer_grid(reference_dir, v, p):
    """Sionna's precoded DM-RS grids (PROVENANCE §2.6) for every TPMI are ``W_tpmi a`` for one ``a``.

    The unprecoded grid ``a`` ([v, 12, 14]) is solved by least squares from all TPMIs stacked; a
    wrong table entry leaves a residual.
    """
    g = np.load(reference_dir / "sionna" / "pusch_dmrs" / f"pusch_dmrs_precoded_{v}_layer_{p}_ports.npz")
    grids = g["grids_by_tpmi"]  # [n_tpmi, P, 12, 14]
    book = pusch_codebook(v, p)
    assert grids.shape == (book.shape[0], p, 12, 14)
    a_mat = book.reshape(-1, v)  # [n_tpmi * P, v]
    rhs = grids.reshape(-1, 12 * 14)
    a, *_ = np.linalg.lstsq(a_mat, rhs, rcond=None)
    assert np.abs(a).max() > 0.1
    np.testing.assert_allclose(a_mat @ a, rhs, atol=1e-8)  # stored to ~1e-9
    got = precode(a.reshape(v, 12, 14), book[1], axis=-3)
    np.testing.assert_allclose(got, grids[1], atol=1e-6)


def test_precode_shapes_and_dtypes(rng):
    y = (rng.standard_normal((3, 2, 10)) + 1j * rng.standard_normal((3, 2, 10))).astype(np.complex64)
    w = pusch_precoding_matrix(2, 4, 15)
    z = precode(y, w)
    assert z.shape == (3, 4, 10) and z.dtype == np.complex64
    np.testing.assert_allclose(z, np.einsum("pv,bvm->bpm", w, y), rtol=1e-5, atol=1e-6)
    grid = y.reshape(3, 2, 5, 2)
    zg = precode(grid, w, axis=-3)
    assert zg.shape == (3, 4, 5, 2)
    np.testing.assert_allclose(zg.reshape(3, 4, 10), z, rtol=1e-5, atol=1e-6)
    assert precode(y.astype(np.complex128), w).dtype == np.complex128


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: pusch_precoding_matrix(1, 3), ValueError, "num_ports"),
        (lambda: pusch_precoding_matrix(3, 2), ValueError, "num_layers"),
        (lambda: pusch_precoding_matrix(5, 4), ValueError, "num_layers"),
        (lambda: pusch_precoding_matrix(1, 2, 6), ValueError, "6.3.1.5-1"),
        (lambda: pusch_precoding_matrix(2, 4, 22), ValueError, "6.3.1.5-5"),
        (lambda: pusch_precoding_matrix(1, 4, -1), ValueError, "tpmi"),
        (lambda: pusch_precoding_matrix(1, 4, 1.0), TypeError, "tpmi"),
        (lambda: pusch_precoding_matrix(2, 2, transform_precoding=True), ValueError, "one layer"),
        (lambda: pusch_codebook(1, 2, transform_precoding=1), TypeError, "transform_precoding"),
        (lambda: precode(np.ones((3, 5)), np.ones((2, 2))), ValueError, "layers"),
        (lambda: precode(np.ones((2, 5)), np.ones(2)), ValueError, "w"),
        (lambda: precode(np.ones((2, 5)), np.array([["a", "b"]])), TypeError, "w"),
        (lambda: precode(np.array([["a"], ["b"]]), np.ones((2, 2))), TypeError, "layers"),
        (lambda: precode(np.ones((2, 5)), np.ones((2, 2)), axis=-3), ValueError, "axis"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
