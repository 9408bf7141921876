"""TS 38.212 V17 §5.3.1, §5.3.1.2, §5.4.1.1: polar code construction.

Given the number ``K`` of bits to encode (payload plus CRC), the rate-matching output length
``E`` and ``n_max`` (9 on the downlink, BCH and DCI; 10 on the uplink, UCI), the spec fixes

1. the mother code length ``N = 2^n`` (§5.3.1, :func:`polar_mother_code_size`);
2. the rate-matching mode (§5.4.1.2): repetition if ``E >= N``, else puncturing if
   ``K/E <= 7/16``, else shortening;
3. the pre-frozen set ``Q_F,tmp`` (§5.3.1.2 with §5.4.1.1): the coded bits that are never sent
   (``J(n)`` for ``n < N - E`` when puncturing, for ``n >= E`` when shortening) and, when
   puncturing, the first ``ceil(3N/4 - E/2)`` (if ``E >= 3N/4``) or ``ceil(9N/16 - E/4)``
   indices of ``u``;
4. the ``K + n_PC`` most reliable indices of the polar sequence outside ``Q_F,tmp`` (``Q_I``);
5. the parity-check positions ``Q_PC`` (§5.3.1.2): the ``n_PC - n_PC^wm`` least reliable indices
   of ``Q_I`` and, if ``n_PC^wm = 1``, the index of minimum row weight of ``G_N`` among the
   ``K + n_PC^wm`` most reliable indices of ``Q_I`` (the most reliable one if tied).

:func:`polar_construct` returns all of it as a frozen :class:`PolarCode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.coding.polar.interleavers import K_IL_MAX, subblock_interleaver_pattern
from opennr.coding.polar.sequence import polar_sequence

__all__ = [
    "E_MAX",
    "K_RANGES",
    "PolarCode",
    "polar_construct",
    "polar_mother_code_size",
    "polar_rate_matching_mode",
]

_CLAUSE = "TS 38.212 §5.3.1"
_CLAUSE_CONSTRUCT = "TS 38.212 §5.3.1.2"
#: Largest rate-matching output length of one polar code block, ``E <= 8192`` (§5.4.1).
E_MAX: int = 8192
#: Allowed ``K`` (bits entering the encoder, CRC included) for each ``n_max``:
#: ``n_max = 9`` (downlink: DCI §7.3, ``A >= 12`` plus CRC24, up to ``K_IL^max = 164`` of the
#: input interleaver §5.3.1.1; BCH §7.1 has ``K = 56``), ``n_max = 10`` (uplink UCI §6.3.1:
#: ``A >= 12`` plus CRC6, up to ``K = 1023 < N_max``).
K_RANGES: dict[int, tuple[int, int]] = {9: (36, K_IL_MAX), 10: (18, 1023)}
_N_MIN = 5


def _check_params(k, e, n_max, n_pc=0, n_pc_wm=0) -> tuple[int, int, int, int, int]:
    n_max = check_int(n_max, "n_max", clause=_CLAUSE)
    check_choice(n_max, "n_max", (9, 10), clause=f"{_CLAUSE}: 9 downlink, 10 uplink")
    lo, hi = K_RANGES[n_max]
    link = (
        "downlink (BCH/DCI, TS 38.212 §7.1, §7.3, §5.3.1.1)"
        if n_max == 9
        else ("uplink (UCI, TS 38.212 §6.3.1)")
    )
    k = check_int(k, "k", clause=_CLAUSE)
    if not lo <= k <= hi:
        raise ValueError(
            f"k must be in [{lo}, {hi}] for n_max = {n_max}, {link}; got {k}"
        )
    n_pc = check_int(n_pc, "n_pc", clause=_CLAUSE_CONSTRUCT)
    n_pc_wm = check_int(n_pc_wm, "n_pc_wm", clause=_CLAUSE_CONSTRUCT)
    check_choice(n_pc, "n_pc", (0, 3), clause=f"{_CLAUSE_CONSTRUCT}, §6.3.1.3.1")
    check_choice(n_pc_wm, "n_pc_wm", (0, 1), clause=f"{_CLAUSE_CONSTRUCT}, §6.3.1.3.1")
    if n_pc_wm > 0 and n_pc == 0:
        raise ValueError(
            f"n_pc_wm = 1 needs n_pc = 3 (TS 38.212 §6.3.1.3.1: n_PC^wm is one of the n_PC = 3 "
            f"parity-check bits); got n_pc = {n_pc}"
        )
    if n_pc > 0 and n_max != 10:
        raise ValueError(
            f"parity-check bits (n_pc = {n_pc}) are used on the uplink only, with n_max = 10 "
            f"(TS 38.212 §6.3.1.3.1); got n_max = {n_max}"
        )
    if n_pc > 0 and k > 25:
        raise ValueError(
            f"parity-check bits (n_pc = {n_pc}) are used only for 12 <= A <= 19 with CRC6, i.e. "
            f"18 <= K <= 25 (TS 38.212 §6.3.1.3.1); got K = {k}"
        )
    e = check_int(e, "e", clause="TS 38.212 §5.4.1")
    if not k + n_pc <= e <= E_MAX:
        raise ValueError(
            f"e must satisfy K + n_PC <= E <= {E_MAX} (TS 38.212 §5.3.1.2, §5.4.1: the UE is not "
            f"configured with K + n_PC > E); got K = {k}, n_PC = {n_pc}, E = {e}"
        )
    return k, e, n_max, n_pc, n_pc_wm


def _ceil_log2(x: int) -> int:
    return (x - 1).bit_length()


def _mother_code_size(k: int, e: int, n_max: int) -> int:
    c = _ceil_log2(e)
    # Exact rational comparisons: E <= (9/8) 2^(c-1) and K/E < 9/16.
    if 8 * e <= 9 * (1 << max(c - 1, 0)) and 16 * k < 9 * e:
        n1 = c - 1
    else:
        n1 = c
    n2 = _ceil_log2(8 * k)  # R_min = 1/8
    return 1 << max(min(n1, n2, n_max), _N_MIN)


def polar_mother_code_size(k: int, e: int, n_max: int) -> int:
    """TS 38.212 §5.3.1: mother code length ``N = 2^n``.

    ``n = max(min(n1, n2, n_max), n_min)`` with ``n_min = 5``, ``n2 = ceil(log2(K / R_min))``,
    ``R_min = 1/8``, and ``n1 = ceil(log2 E) - 1`` if ``E <= (9/8) 2^(ceil(log2 E) - 1)`` and
    ``K/E < 9/16``, else ``n1 = ceil(log2 E)``.

    Parameters
    ----------
    k : int
        Number of bits to encode ``K`` (CRC included, parity-check bits excluded); see
        :data:`K_RANGES`.
    e : int
        Rate-matching output length ``E``, ``K <= E <= 8192``.
    n_max : {9, 10}
        9 for the downlink (BCH, DCI), 10 for the uplink (UCI).

    Returns
    -------
    int
        ``N`` (32 ... 2^n_max).

    Examples
    --------
    >>> polar_mother_code_size(56, 864, 9)  # PBCH
    512
    >>> polar_mother_code_size(43, 70, 10)
    128
    """
    k, e, n_max, _, _ = _check_params(k, e, n_max)
    return _mother_code_size(k, e, n_max)


def _mode(k: int, e: int, n: int) -> str:
    if e >= n:
        return "repetition"
    return "puncturing" if 16 * k <= 7 * e else "shortening"


def polar_rate_matching_mode(k: int, e: int, n: int) -> str:
    """TS 38.212 §5.4.1.2: bit-selection mode for ``K`` bits, output length ``E``, code length ``N``.

    Parameters
    ----------
    k, e, n : int
        ``K`` (CRC included), ``E`` and the mother code length ``N``.

    Returns
    -------
    {'repetition', 'puncturing', 'shortening'}
        ``'repetition'`` if ``E >= N``, else ``'puncturing'`` if ``K/E <= 7/16``, else
        ``'shortening'``.

    Examples
    --------
    >>> polar_rate_matching_mode(56, 864, 512)
    'repetition'
    >>> polar_rate_matching_mode(40, 127, 128), polar_rate_matching_mode(43, 70, 128)
    ('puncturing', 'shortening')
    """
    k = check_int(k, "k", low=1, clause="TS 38.212 §5.4.1.2")
    e = check_int(e, "e", low=1, clause="TS 38.212 §5.4.1.2")
    n = check_int(n, "n", low=1, clause="TS 38.212 §5.4.1.2")
    return _mode(k, e, n)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class PolarCode:
    """TS 38.212 §5.3.1.2: a constructed polar code (frozen, info and parity-check positions).

    Build it with :func:`polar_construct`. All arrays are read-only.

    Attributes
    ----------
    k : int
        ``K``, number of bits ``c`` entering the encoder (payload and CRC, before input
        interleaving); parity-check bits are not counted.
    e : int
        ``E``, rate-matching output length.
    n : int
        ``N = 2^n``, the mother code length in **bits** (``log2 N`` is :attr:`log2_n`).
    n_max : int
        9 (downlink) or 10 (uplink).
    n_pc, n_pc_wm : int
        ``n_PC`` (0 or 3) and ``n_PC^wm`` (0 or 1) parity-check bits (§5.3.1.2, §6.3.1.3.1).
    info_positions : numpy.ndarray of int16, shape [K]
        Ascending indices of ``u`` that carry the bits ``c'`` (``Q_I`` without ``Q_PC``):
        ``u[info_positions[j]] = c'_j``.
    pc_positions : numpy.ndarray of int16, shape [n_pc]
        Ascending indices of ``u`` that carry parity-check bits (``Q_PC``).
    frozen : numpy.ndarray of bool, shape [N]
        True at the frozen indices ``Q_F`` of ``u`` (known zeros); parity-check positions are
        **not** frozen.

    Examples
    --------
    >>> code = polar_construct(18, 100, n_pc=3)  # UCI, A = 12 with CRC6
    >>> code.n, code.rate_matching_mode, code.k_info_plus_pc
    (128, 'puncturing', 21)
    >>> int((~code.frozen).sum()) == code.info_positions.size + code.pc_positions.size
    True
    """

    k: int
    e: int
    n: int
    n_max: int
    n_pc: int
    n_pc_wm: int
    info_positions: np.ndarray
    pc_positions: np.ndarray
    frozen: np.ndarray

    @property
    def log2_n(self) -> int:
        """``n = log2 N``."""
        return self.n.bit_length() - 1

    @property
    def rate_matching_mode(self) -> str:
        """``'puncturing'``, ``'shortening'`` or ``'repetition'`` (§5.4.1.2)."""
        return _mode(self.k, self.e, self.n)

    @property
    def k_info_plus_pc(self) -> int:
        """``K + n_PC``: the size of ``Q_I``, the unfrozen indices of ``u``."""
        return self.k + self.n_pc

    @property
    def info_mask(self) -> np.ndarray:
        """Bool [N], True at :attr:`info_positions` (``Q_I`` without ``Q_PC``)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.info_positions] = True
        return mask

    @property
    def pc_mask(self) -> np.ndarray:
        """Bool [N], True at :attr:`pc_positions`."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.pc_positions] = True
        return mask

    def __repr__(self) -> str:
        return (
            f"PolarCode(k={self.k}, e={self.e}, n={self.n}, n_max={self.n_max}, "
            f"n_pc={self.n_pc}, n_pc_wm={self.n_pc_wm}, mode={self.rate_matching_mode!r})"
        )


def _prefrozen(k: int, e: int, n: int) -> np.ndarray:
    """Bool [N]: the set Q_F,tmp of §5.3.1.2 (coded bits not transmitted, plus extra freezing)."""
    pre = np.zeros(n, dtype=bool)
    if e >= n:
        return pre
    j = subblock_interleaver_pattern(n)
    if 16 * k <= 7 * e:  # puncturing
        pre[j[: n - e]] = True
        if 4 * e >= 3 * n:
            t = -((-(6 * n - 4 * e)) // 8)  # ceil(3N/4 - E/2) = ceil((6N - 4E) / 8)
        else:
            t = -((-(9 * n - 4 * e)) // 16)  # ceil(9N/16 - E/4) = ceil((9N - 4E) / 16)
        pre[: max(t, 0)] = True
    else:  # shortening
        pre[j[e:]] = True
    return pre


@lru_cache(maxsize=4096)
def _construct(k: int, e: int, n_max: int, n_pc: int, n_pc_wm: int) -> PolarCode:
    n = _mother_code_size(k, e, n_max)
    seq = polar_sequence(n.bit_length() - 1).astype(np.int64)
    pre = _prefrozen(k, e, n)
    candidates = seq[~pre[seq]]  # ascending reliability
    k_i = k + n_pc
    if candidates.size < k_i:  # cannot happen for valid parameters; guard anyway
        raise ValueError(
            f"K + n_PC = {k_i} exceeds the {candidates.size} indices left outside Q_F,tmp for "
            f"N = {n}, E = {e} ({_CLAUSE_CONSTRUCT})"
        )
    q_i = candidates[candidates.size - k_i :]  # Q_I, ascending reliability
    pc: list[int] = []
    if n_pc > 0:
        pc.extend(int(x) for x in q_i[: n_pc - n_pc_wm])  # least reliable of Q_I
        if n_pc_wm > 0:
            q_tilde = q_i[
                n_pc - n_pc_wm :
            ]  # the K + n_PC^wm most reliable indices of Q_I
            weight = np.array([int(x).bit_count() for x in q_tilde])
            best = np.flatnonzero(weight == weight.min())
            pc.append(
                int(q_tilde[best[-1]])
            )  # highest reliability among the minimum weight
    pc_pos = np.array(sorted(pc), dtype=np.int16)
    frozen = np.ones(n, dtype=bool)
    frozen[q_i] = False
    info = np.setdiff1d(q_i, pc_pos).astype(np.int16)
    return PolarCode(
        k=k,
        e=e,
        n=n,
        n_max=n_max,
        n_pc=n_pc,
        n_pc_wm=n_pc_wm,
        info_positions=_readonly(info),
        pc_positions=_readonly(pc_pos),
        frozen=_readonly(frozen),
    )


def polar_construct(
    k: int, e: int, *, n_max: int = 10, n_pc: int = 0, n_pc_wm: int = 0
) -> PolarCode:
    """TS 38.212 §5.3.1.2, §5.4.1.1: construct the polar code for ``K`` bits and ``E`` outputs.

    Parameters
    ----------
    k : int
        ``K``, bits entering the encoder (CRC included, PC bits excluded). Allowed ranges
        (:data:`K_RANGES`): ``36 <= K <= 164`` for ``n_max = 9`` (downlink), ``18 <= K <= 1023``
        for ``n_max = 10`` (uplink).
    e : int
        ``E``, rate-matching output length, ``K + n_PC <= E <= 8192``.
    n_max : {9, 10}, optional
        9 on the downlink (BCH, DCI), 10 (default) on the uplink (UCI).
    n_pc : {0, 3}, optional
        Number of parity-check bits ``n_PC`` (3 for UCI with ``12 <= A <= 19``, i.e.
        ``18 <= K <= 25``, §6.3.1.3.1).
    n_pc_wm : {0, 1}, optional
        ``n_PC^wm``, the PC bits placed at a minimum-row-weight index (1 if ``E - K + 3 > 192``
        for UCI with ``12 <= A <= 19``); needs ``n_pc = 3``.

    Returns
    -------
    PolarCode
        Cached and immutable: the same object is returned for the same arguments.

    Raises
    ------
    ValueError
        If ``n_max``, ``K``, ``E``, ``n_PC`` or ``n_PC^wm`` is outside what the spec allows.

    Examples
    --------
    >>> code = polar_construct(56, 864, n_max=9)  # PBCH
    >>> code
    PolarCode(k=56, e=864, n=512, n_max=9, n_pc=0, n_pc_wm=0, mode='repetition')
    >>> int(code.frozen.sum()), code.info_positions[:4]
    (456, array([247, 253, 254, 255], dtype=int16))
    >>> polar_construct(24, 300, n_pc=3, n_pc_wm=1).pc_positions.size
    3
    """
    args = _check_params(k, e, n_max, n_pc, n_pc_wm)
    return _construct(*args)
