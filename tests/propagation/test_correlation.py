"""MIMO correlation matrices (TS 38.101-4 Annex B.2.3, TS 38.104 Annex G.2.3)."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.propagation.correlation import (
    CORRELATION_LEVELS,
    antenna_correlation,
    correlation_matrices,
    matrix_sqrt,
    spatial_correlation,
)


def test_table_b231_structure():
    """Tables B.2.3.1-1/2: [1 a; a 1], [1 a^1/9 a^4/9 a; ...] (spec values rounded to 4 digits)."""
    a = 0.9
    np.testing.assert_allclose(antenna_correlation(2, a), [[1, a], [a, 1]])
    r4 = antenna_correlation(4, a)
    np.testing.assert_allclose(r4[0], [1, a ** (1 / 9), a ** (4 / 9), a])
    np.testing.assert_allclose(r4[0].round(4), [1, 0.9884, 0.9543, 0.9])  # spec table digits
    r8 = antenna_correlation(8, 0.3)
    np.testing.assert_allclose(r8[0], 0.3 ** (np.arange(8) ** 2 / 49))
    for r in (r4, r8):
        np.testing.assert_allclose(r, r.T)
        assert np.linalg.eigvalsh(r).min() > 0


def test_levels_and_directions():
    assert CORRELATION_LEVELS["medium"] == (0.3, 0.9)
    r_rx, r_tx = correlation_matrices("medium", 2, 4)
    assert r_rx[0, 1] == pytest.approx(0.9) and r_tx[0, 3] == pytest.approx(0.3)
    r_rx, r_tx = correlation_matrices("medium", 2, 4, transmission_direction="uplink")
    assert r_rx[0, 1] == pytest.approx(0.3) and r_tx[0, 3] == pytest.approx(0.9)
    r_rx, r_tx = correlation_matrices("low", 3, 5)
    np.testing.assert_array_equal(r_rx, np.eye(3))
    np.testing.assert_array_equal(r_tx, np.eye(5))


def test_kronecker_order():
    """R_spat = R_tx ⊗ R_rx; entry (t n_rx + r, t' n_rx + r') = R_tx[t,t'] R_rx[r,r']."""
    r = spatial_correlation("high", 4, 2)
    r_rx, r_tx = correlation_matrices("high", 4, 2)
    for t in range(2):
        for tt in range(2):
            for a in range(4):
                for b in range(4):
                    assert r[t * 4 + a, tt * 4 + b] == pytest.approx(r_tx[t, tt] * r_rx[a, b])
    # 2x2 high of TS 38.101-4 Table B.2.3.2-2 (first row: 1, 0.9, 0.9, 0.81)
    np.testing.assert_allclose(spatial_correlation("high", 2, 2)[0], [1, 0.9, 0.9, 0.81])


def test_matrix_sqrt():
    r = spatial_correlation("high", 4, 4)
    s = matrix_sqrt(r)
    np.testing.assert_allclose(s @ s.conj().T, r, atol=1e-10)
    with pytest.raises(ValueError, match="positive semi-definite"):
        matrix_sqrt([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="Hermitian"):
        matrix_sqrt([[1.0, 0.5], [0.1, 1.0]])
    with pytest.raises(ValueError, match="square"):
        matrix_sqrt(np.ones((2, 3)))


@pytest.mark.parametrize("level", ["medium", "medium-a", "uplink-medium", "high"])
@pytest.mark.parametrize("n_rx,n_tx", [(3, 2), (2, 3), (16, 1), (1, 6)])
def test_unsupported_antenna_counts(level, n_rx, n_tx):
    with pytest.raises(ValueError, match="n_rx|n_tx"):
        correlation_matrices(level, n_rx, n_tx)


def test_bad_input():
    with pytest.raises(ValueError, match="level"):
        correlation_matrices("extreme", 2, 2)
    with pytest.raises(ValueError, match="transmission_direction"):
        correlation_matrices("low", 2, 2, transmission_direction="sidelink")
    with pytest.raises(ValueError, match="coefficient"):
        antenna_correlation(2, 1.5)
    with pytest.raises(TypeError, match="num_antennas"):
        antenna_correlation(2.0, 0.3)
    with pytest.raises(ValueError, match="num_antennas"):
        antenna_correlation(0, 0.3)
