"""PSS / SSS (TS 38.211 §7.4.2): MathWorks' printed examples, a register-level twin, properties, bad inputs."""

import numpy as np
import pytest

from opennr.signals.sync import NUM_CELL_IDS, cell_id, cell_id_parts, pss, sss

# MathWorks documentation, nrPSS / nrSSS pages ("ncellid = 17; pss = nrPSS(ncellid)"): the first
# 15 printed values of each 127x1 output.
MATLAB_PSS_17 = [-1, -1, -1, -1, -1, -1, 1, 1, 1, -1, -1, -1, 1, -1, -1]
MATLAB_SSS_17 = [-1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1, 1]


def test_matlab_documented_examples():
    assert pss(17 % 3)[:15].tolist() == MATLAB_PSS_17
    assert sss(17)[:15].tolist() == MATLAB_SSS_17


def _lfsr(init_x6_to_x0: str, taps: tuple[int, ...]) -> list[int]:
    """Plain twin: x(i+7) = sum_t x(i+t) mod 2, the initial state written [x(6) ... x(0)]."""
    x = [int(b) for b in reversed(init_x6_to_x0)]
    while len(x) < 127:
        i = len(x) - 7
        x.append(sum(x[i + t] for t in taps) % 2)
    return x


def _pss_twin(n_id2):
    x = _lfsr("1110110", (4, 0))
    return [1 - 2 * x[(n + 43 * n_id2) % 127] for n in range(127)]


def _sss_twin(n_id):
    n1, n2 = divmod(n_id, 3)
    x0, x1 = _lfsr("0000001", (4, 0)), _lfsr("0000001", (1, 0))
    m0, m1 = 15 * (n1 // 112) + 5 * n2, n1 % 112
    return [(1 - 2 * x0[(n + m0) % 127]) * (1 - 2 * x1[(n + m1) % 127]) for n in range(127)]


@pytest.mark.parametrize("n_id2", [0, 1, 2])
def test_pss_against_twin(n_id2):
    d = pss(n_id2)
    assert d.dtype == np.float32 and d.shape == (127,)
    assert d.tolist() == _pss_twin(n_id2)


def test_sss_against_twin_all_cells():
    for n_id in range(0, NUM_CELL_IDS, 7):
        assert sss(n_id).tolist() == _sss_twin(n_id), n_id
    for n_id in (1007, 335 * 3 + 2, 112 * 3, 500):
        assert sss(n_id).tolist() == _sss_twin(n_id)


def test_properties():
    # PSS: three cyclic shifts of one m-sequence -> periodic cross-correlation -1 (balanced)
    p = np.stack([pss(i) for i in range(3)]).astype(np.int64)
    assert (p.sum(axis=1) == -1).all()  # m-sequence: 64 ones, 63 zeros -> sum of 1 - 2x is -1
    for a in range(3):
        for b in range(3):
            c = int(p[a] @ p[b])
            assert c == (127 if a == b else -1)
    # SSS: all 1008 sequences distinct, and their cross-correlations stay well below 127
    s = np.stack([sss(i) for i in range(NUM_CELL_IDS)]).astype(np.int64)
    assert len({row.tobytes() for row in s}) == NUM_CELL_IDS
    g = s @ s.T
    np.fill_diagonal(g, 0)
    assert np.abs(g).max() < 127 // 2


def test_cell_id_round_trip():
    for n in (0, 1, 2, 500, 1007):
        assert cell_id(*cell_id_parts(n)) == n
    assert cell_id(335, 2) == 1007


@pytest.mark.parametrize("bad, exc", [(3, ValueError), (-1, ValueError), (1.0, TypeError),
                                      (True, TypeError)])
def test_bad_pss(bad, exc):
    with pytest.raises(exc, match="n_id2"):
        pss(bad)


@pytest.mark.parametrize("bad, exc", [(1008, ValueError), (-1, ValueError), ("5", TypeError)])
def test_bad_sss(bad, exc):
    with pytest.raises(exc, match="n_cell_id"):
        sss(bad)


def test_bad_cell_id():
    with pytest.raises(ValueError, match=r"n_id1.*7\.4\.2\.1"):
        cell_id(336, 0)
    with pytest.raises(ValueError, match="n_id2"):
        cell_id(0, 3)
    with pytest.raises(ValueError, match="n_cell_id"):
        cell_id_parts(1008)
