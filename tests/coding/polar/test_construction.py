"""TS 38.212 §5.3.1, §5.3.1.2, §5.4.1.1: mother code size, frozen set, PC positions."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.coding.polar.construction import (
    E_MAX,
    K_RANGES,
    PolarCode,
    _prefrozen,
    polar_construct,
    polar_mother_code_size,
    polar_rate_matching_mode,
)
from opennr.coding.polar.interleavers import subblock_interleaver_pattern
from opennr.coding.polar.sequence import polar_sequence


def _n_twin(k: int, e: int, n_max: int) -> int:
    """§5.3.1 with floating logs (exact for these integer sizes) and the spec's own fractions."""
    c = math.ceil(math.log2(e))
    n1 = c - 1 if (e <= 9 / 8 * 2 ** (c - 1) and k / e < 9 / 16) else c
    n2 = math.ceil(math.log2(k / (1 / 8)))
    return 2 ** max(min(n1, n2, n_max), 5)


def _construct_twin(k, e, n_max, n_pc, n_pc_wm):
    """§5.3.1.2 / §5.4.1.1 pseudo-code with Python sets, as written in the spec."""
    n = _n_twin(k, e, n_max)
    q = [int(x) for x in polar_sequence(int(math.log2(n)))]
    j = subblock_interleaver_pattern(n)
    q_ftmp = set()
    if e < n:
        if k / e <= 7 / 16:
            q_ftmp |= {int(j[m]) for m in range(n - e)}
            t = (
                math.ceil(3 * n / 4 - e / 2)
                if e >= 3 * n / 4
                else math.ceil(9 * n / 16 - e / 4)
            )
            q_ftmp |= set(range(t))
        else:
            q_ftmp |= {int(j[m]) for m in range(e, n)}
    remaining = [x for x in q if x not in q_ftmp]
    q_i = remaining[len(remaining) - (k + n_pc) :]  # ascending reliability
    q_pc = q_i[: n_pc - n_pc_wm]
    if n_pc_wm:
        q_tilde = q_i[n_pc - n_pc_wm :]
        w = [x.bit_count() for x in q_tilde]
        best = [x for x, wx in zip(q_tilde, w, strict=True) if wx == min(w)]
        q_pc = q_pc + [best[-1]]
    return n, sorted(set(q_i) - set(q_pc)), sorted(q_pc), q_ftmp


@st.composite
def valid_params(draw, pc: bool | None = None):
    n_max = draw(st.sampled_from([9, 10]))
    lo, hi = K_RANGES[n_max]
    if pc is None:
        pc = n_max == 10 and draw(st.booleans())
    if pc:
        n_max, k = 10, draw(st.integers(18, 25))
    else:
        k = draw(st.integers(lo, hi))
    n_pc = 3 if pc else 0
    n_pc_wm = draw(st.sampled_from([0, 1])) if pc else 0
    e = draw(
        st.one_of(
            st.integers(k + n_pc, min(E_MAX, 3 * (k + n_pc) + 64)),
            st.integers(k + n_pc, min(E_MAX, 1100)),
            st.integers(k + n_pc, E_MAX),
        )
    )
    return k, e, n_max, n_pc, n_pc_wm


def test_mother_code_size_examples():
    assert polar_mother_code_size(56, 864, 9) == 512  # PBCH
    assert polar_mother_code_size(411, 1023, 10) == 1024
    assert polar_mother_code_size(40, 127, 10) == 128
    assert polar_mother_code_size(41, 45, 10) == 64
    assert polar_mother_code_size(39, 70, 10) == 64
    assert polar_mother_code_size(43, 70, 10) == 128
    # E = 9/8 * 2^(ceil(log2 E) - 1) exactly: 576 = 9/8 * 512, K/E < 9/16 -> n1 = 9
    assert polar_mother_code_size(100, 576, 10) == 512
    assert polar_mother_code_size(100, 577, 10) == 1024
    assert polar_mother_code_size(324, 576, 10) == 1024  # K/E = 9/16 is not < 9/16
    assert polar_mother_code_size(18, 8192, 10) == 256  # n2 = ceil(log2 144) = 8
    assert polar_mother_code_size(36, 8192, 9) == 512


@settings(max_examples=300, deadline=None)
@given(valid_params())
def test_construction_matches_spec_twin(params):
    k, e, n_max, n_pc, n_pc_wm = params
    code = polar_construct(k, e, n_max=n_max, n_pc=n_pc, n_pc_wm=n_pc_wm)
    n, info, pc, q_ftmp = _construct_twin(k, e, n_max, n_pc, n_pc_wm)
    assert code.n == n == polar_mother_code_size(k, e, n_max)
    assert (code.k, code.e, code.n_max, code.n_pc, code.n_pc_wm) == params[:1] + params[
        1:
    ]
    np.testing.assert_array_equal(code.info_positions, info)
    np.testing.assert_array_equal(code.pc_positions, pc)
    assert code.info_positions.dtype == np.int16 and code.pc_positions.dtype == np.int16
    # sizes: |info| = K, |PC| = n_PC, frozen = the rest; PC not frozen
    assert code.info_positions.size == k and code.pc_positions.size == n_pc
    assert code.k_info_plus_pc == k + n_pc
    assert code.frozen.dtype == bool and code.frozen.shape == (n,)
    assert int(code.frozen.sum()) == n - k - n_pc
    assert (
        not code.frozen[code.info_positions].any()
        and not code.frozen[code.pc_positions].any()
    )
    assert not (code.info_mask & code.pc_mask).any()
    np.testing.assert_array_equal(~code.frozen, code.info_mask | code.pc_mask)
    # frozen-set rules of §5.4.1.1: untransmitted coded bits (and the extra indices) are frozen
    j = subblock_interleaver_pattern(n)
    mode = polar_rate_matching_mode(k, e, n)
    assert code.rate_matching_mode == mode
    if mode == "puncturing":
        assert code.frozen[j[: n - e]].all()
        t = (
            math.ceil(3 * n / 4 - e / 2)
            if 4 * e >= 3 * n
            else math.ceil(9 * n / 16 - e / 4)
        )
        assert code.frozen[:t].all()
    elif mode == "shortening":
        assert code.frozen[j[e:]].all()
    else:
        assert e >= n
    # Q_I is the most reliable part of what is left: rank of any unfrozen > rank of any frozen
    # index that was not frozen in advance
    rank = np.empty(n, dtype=np.int64)
    rank[polar_sequence(code.log2_n)] = np.arange(n)
    free_frozen = [x for x in np.flatnonzero(code.frozen) if int(x) not in q_ftmp]
    if free_frozen:
        assert rank[~code.frozen].min() > rank[free_frozen].max()


@settings(max_examples=100, deadline=None)
@given(valid_params(pc=True))
def test_pc_positions(params):
    k, e, n_max, n_pc, n_pc_wm = params
    code = polar_construct(k, e, n_max=n_max, n_pc=n_pc, n_pc_wm=n_pc_wm)
    rank = np.empty(code.n, dtype=np.int64)
    rank[polar_sequence(code.log2_n)] = np.arange(code.n)
    q_i = np.flatnonzero(~code.frozen)
    q_i = q_i[np.argsort(rank[q_i])]  # ascending reliability
    least = set(q_i[: n_pc - n_pc_wm].tolist())
    assert least <= set(code.pc_positions.tolist())
    if n_pc_wm:
        (wm,) = set(code.pc_positions.tolist()) - least
        weights = [int(x).bit_count() for x in q_i[n_pc - n_pc_wm :]]
        assert wm.bit_count() == min(weights)


def test_every_allowed_k_e_has_room():
    """For every (K, E, n_max) the spec allows, K + n_PC indices remain outside Q_F,tmp.

    Only E < 2^(n_max + 1) can give E < N; above, the code is repetition with nothing pre-frozen.
    """

    @cache
    def free(e, n, mode):
        if mode == "repetition":
            return n
        k_dummy = (
            1 if mode == "puncturing" else n
        )  # only the mode matters in _prefrozen
        return n - int(_prefrozen(k_dummy, e, n).sum())

    from opennr.coding.polar.construction import _mode, _mother_code_size

    for n_max, (lo, hi) in K_RANGES.items():
        for k in range(lo, hi + 1):
            for e in range(k, 2 ** (n_max + 1)):
                n = _mother_code_size(k, e, n_max)
                n_pc = 3 if (n_max == 10 and k <= 25 and e >= k + 3) else 0
                assert free(e, n, _mode(k, e, n)) >= k + n_pc, (k, e, n_max)


def test_known_codes():
    pbch = polar_construct(56, 864, n_max=9)
    assert isinstance(pbch, PolarCode) and pbch.n == 512 and pbch.log2_n == 9
    assert pbch.rate_matching_mode == "repetition"
    assert polar_construct(56, 864, n_max=9) is pbch  # cached
    assert polar_construct(40, 127).rate_matching_mode == "puncturing"
    assert polar_construct(43, 70).rate_matching_mode == "shortening"
    with pytest.raises(ValueError):
        pbch.frozen[0] = False  # read-only
    with pytest.raises(AttributeError):
        pbch.k = 3  # frozen dataclass
    assert "PolarCode(k=56" in repr(pbch)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"k": 100, "e": 99}, ValueError, "K \\+ n_PC <= E"),  # K > E
        ({"k": 100, "e": 8193}, ValueError, "8192"),  # E > 8192
        ({"k": 20, "e": 22, "n_pc": 3}, ValueError, "K \\+ n_PC <= E"),
        ({"k": 17, "e": 100}, ValueError, "uplink"),  # K < 18 on the uplink
        ({"k": 1024, "e": 2000}, ValueError, "uplink"),
        ({"k": 165, "e": 400, "n_max": 9}, ValueError, "downlink"),  # above K_IL^max
        ({"k": 35, "e": 400, "n_max": 9}, ValueError, "downlink"),
        ({"k": 100, "e": 400, "n_max": 8}, ValueError, "5.3.1"),
        ({"k": 100, "e": 400, "n_max": 11}, ValueError, "5.3.1"),
        ({"k": 20, "e": 400, "n_pc": 2}, ValueError, "5.3.1.2"),
        ({"k": 20, "e": 400, "n_pc_wm": 1}, ValueError, "6.3.1.3.1"),
        ({"k": 40, "e": 400, "n_max": 9, "n_pc": 3}, ValueError, "6.3.1.3.1"),
        ({"k": 26, "e": 400, "n_pc": 3}, ValueError, "18 <= K <= 25"),
        ({"k": 20.0, "e": 400}, TypeError, "k"),
        ({"k": 40, "e": 400, "n_max": 9.0}, TypeError, "n_max"),
        ({"k": 20, "e": 400, "n_pc": True}, TypeError, "n_pc"),
        ({"k": 20, "e": "400"}, TypeError, "e"),
    ],
)
def test_bad_parameters(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        polar_construct(**kwargs)


def test_bad_mother_code_size():
    with pytest.raises(ValueError, match="8192"):
        polar_mother_code_size(20, 9000, 10)
    with pytest.raises(ValueError, match="n_max"):
        polar_mother_code_size(20, 100, 7)
