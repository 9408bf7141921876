"""TS 38.211 §7.3.1.3 Table 7.3.1.3-1 layer mapping (and §6.3.1.3 for PUSCH)."""

import numpy as np
import pytest

from opennr.physical_channels import codeword_layers, layer_demap, layer_map

# Table 7.3.1.3-1 written out: layers -> per codeword (nu_q, first layer)
TABLE = {1: [(1, 0)], 2: [(2, 0)], 3: [(3, 0)], 4: [(4, 0)],
         5: [(2, 0), (3, 2)], 6: [(3, 0), (3, 3)], 7: [(3, 0), (4, 3)], 8: [(4, 0), (4, 4)]}


def table_map(cws, num_layers):
    """x^(v)(i) = d^(q)(nu_q i + v - l0), entry by entry as in the table."""
    m_layer = len(cws[0]) // TABLE[num_layers][0][0]
    x = np.empty((num_layers, m_layer), dtype=np.asarray(cws[0]).dtype)
    for d, (nu, l0) in zip(cws, TABLE[num_layers], strict=True):
        for v in range(nu):
            for i in range(m_layer):
                x[l0 + v, i] = d[nu * i + v]
    return x


@pytest.mark.parametrize("num_layers", range(1, 9))
def test_table_and_round_trip(num_layers, rng):
    nus = codeword_layers(num_layers)
    assert nus == tuple(nu for nu, _ in TABLE[num_layers])
    m_layer = 6
    cws = [rng.normal(size=nu * m_layer) + 1j * rng.normal(size=nu * m_layer) for nu in nus]
    arg = cws[0] if len(cws) == 1 else tuple(cws)
    x = layer_map(arg, num_layers)
    assert x.shape == (num_layers, m_layer)
    np.testing.assert_array_equal(x, table_map(cws, num_layers))
    back = layer_demap(x)
    back = (back,) if len(cws) == 1 else back
    for b, d in zip(back, cws, strict=True):
        np.testing.assert_array_equal(b, d)
    assert layer_demap(x, len(cws)) is not None


@pytest.mark.parametrize("num_layers", [2, 3, 7])
def test_batched_and_grouped_llrs(num_layers, rng):
    qm = 4
    nus = codeword_layers(num_layers)
    m_layer = 5
    cws = [rng.integers(0, 9, (2, 3, nu * m_layer)) for nu in nus]
    arg = cws[0] if len(cws) == 1 else tuple(cws)
    sym = layer_map(arg, num_layers)
    assert sym.shape == (2, 3, num_layers, m_layer)
    # expand each symbol into qm "LLRs": grouped mapping equals symbol mapping expanded
    llrs = [np.repeat(c, qm, axis=-1) * 10 + np.tile(np.arange(qm), c.shape[-1]) for c in cws]
    arg = llrs[0] if len(llrs) == 1 else tuple(llrs)
    lx = layer_map(arg, num_layers, bits_per_symbol=qm)
    np.testing.assert_array_equal(lx[..., ::qm], sym * 10)
    back = layer_demap(lx, bits_per_symbol=qm)
    back = (back,) if len(llrs) == 1 else back
    for b, d in zip(back, llrs, strict=True):
        np.testing.assert_array_equal(b, d)


def test_list_of_arrays_is_codewords():
    x = layer_map([np.arange(4), np.arange(6)], 5)
    assert x.shape == (5, 2)
    assert layer_map([0, 1, 2, 3], 2).tolist() == [[0, 2], [1, 3]]


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_layers"):
        layer_map(np.arange(9), 9)
    with pytest.raises(ValueError, match="num_layers"):
        layer_map(np.arange(9), 0)
    with pytest.raises(ValueError, match="takes 2 codeword"):
        layer_map(np.arange(10), 5)
    with pytest.raises(ValueError, match="takes 1 codeword"):
        layer_map((np.arange(4), np.arange(4)), 2)
    with pytest.raises(ValueError, match="not a multiple of nu_0 = 3"):
        layer_map(np.arange(10), 3)
    with pytest.raises(ValueError, match="same M_symb"):
        layer_map((np.arange(4), np.arange(9)), 5)
    with pytest.raises(ValueError, match="num_codewords"):
        layer_demap(np.zeros((2, 4)), 2)
    with pytest.raises(ValueError, match="1-8 rows"):
        layer_demap(np.zeros((9, 4)))
    with pytest.raises(ValueError, match="bits_per_symbol"):
        layer_demap(np.zeros((2, 5)), bits_per_symbol=2)
    with pytest.raises(TypeError, match="num_layers"):
        layer_map(np.arange(4), 2.0)
