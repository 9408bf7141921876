"""TS 38.212 V17 §5.3.1.1, §5.4.1.1, §5.4.1.3: the three interleavers of the polar chain.

* the input bit interleaver ``Pi`` (§5.3.1.1, Table 5.3.1.1-1, downlink only): ``c'_k = c_Pi(k)``;
* the sub-block interleaver ``J`` (§5.4.1.1, Table 5.4.1.1-1): ``y_n = d_J(n)``;
* the coded-bit (channel) interleaver (§5.4.1.3, triangular, ``I_BIL = 1``, uplink UCI):
  ``f_k = e_pattern(k)``.

Each function returns the permutation as an index array, cached and read-only, so that
interleaving is ``x[..., pattern]`` and de-interleaving is a scatter through the same pattern.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_int

__all__ = [
    "K_IL_MAX",
    "channel_interleaver_pattern",
    "input_interleaver_pattern",
    "subblock_interleaver_pattern",
]

_PKG = "opennr.coding.polar"
#: Size of the input interleaver table ``K_IL^max`` (TS 38.212 §5.3.1.1).
K_IL_MAX: int = 164


@cache
def _pi_il_max() -> np.ndarray:
    rows = read_csv_rows(_PKG, "input_interleaver.csv")
    table = np.empty(len(rows), dtype=np.int64)
    for r in rows:
        table[int(r["m"])] = int(r["pi"])
    return table


@cache
def _subblock_p() -> np.ndarray:
    rows = read_csv_rows(_PKG, "subblock_interleaver.csv")
    table = np.empty(len(rows), dtype=np.int64)
    for r in rows:
        table[int(r["i"])] = int(r["p"])
    return table


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@cache
def _input_pattern(k: int) -> np.ndarray:
    table = _pi_il_max()
    offset = K_IL_MAX - k
    return _frozen((table[table >= offset] - offset).astype(np.int64))


def input_interleaver_pattern(k: int) -> np.ndarray:
    """TS 38.212 §5.3.1.1: input bit interleaving pattern ``Pi(k)``, ``c'_k = c_Pi(k)``.

    Parameters
    ----------
    k : int
        Number of bits ``K`` entering the polar encoder, ``1 <= K <= K_IL^max = 164``.

    Returns
    -------
    numpy.ndarray of int64, shape [K]
        ``Pi(0..K-1)``: the entries ``Pi_IL^max(m) >= K_IL^max - K`` of Table 5.3.1.1-1, in table
        order, minus ``K_IL^max - K``. Read-only.

    Examples
    --------
    >>> input_interleaver_pattern(8)
    array([0, 1, 2, 3, 4, 5, 6, 7])
    >>> input_interleaver_pattern(56)[:6]  # PBCH: K = 56
    array([ 0,  2,  3,  5,  7, 10])
    """
    k = check_int(
        k, "k", low=1, high=K_IL_MAX, clause="TS 38.212 §5.3.1.1, K <= K_IL^max"
    )
    return _input_pattern(k)


@cache
def _subblock_pattern(n: int) -> np.ndarray:
    p = _subblock_p()
    idx = np.arange(n)
    size = n // 32
    return _frozen(p[(32 * idx) // n] * size + idx % size)


def subblock_interleaver_pattern(n: int) -> np.ndarray:
    """TS 38.212 §5.4.1.1: sub-block interleaving pattern ``J(n)``, ``y_n = d_J(n)``.

    Parameters
    ----------
    n : int
        Polar code length ``N``, a power of two with ``32 <= N <= 1024``.

    Returns
    -------
    numpy.ndarray of int64, shape [N]
        ``J(n) = P(i) N/32 + (n mod N/32)`` with ``i = floor(32 n / N)`` and ``P`` from
        Table 5.4.1.1-1. Read-only.

    Examples
    --------
    >>> subblock_interleaver_pattern(32)[:8]
    array([0, 1, 2, 4, 3, 5, 6, 7])
    >>> subblock_interleaver_pattern(64)[4:8]
    array([4, 5, 8, 9])
    """
    n = check_int(n, "n", low=32, high=1024, clause="TS 38.212 §5.4.1.1")
    if n & (n - 1):
        raise ValueError(
            f"n must be a power of two in [32, 1024] (TS 38.212 §5.4.1.1, N = 2^n); got {n}"
        )
    return _subblock_pattern(n)


def _triangle_side(e: int) -> int:
    t = int(np.ceil((np.sqrt(8.0 * e + 1.0) - 1.0) / 2.0))
    while t * (t + 1) // 2 < e:
        t += 1
    while t > 0 and (t - 1) * t // 2 >= e:
        t -= 1
    return t


@cache
def _channel_pattern(e: int) -> np.ndarray:
    t = _triangle_side(e)
    # Row i holds t - i entries; the entry (i, j) has write index start(i) + j, start(i) =
    # i t - i (i - 1) / 2. Reading column by column, column j lists rows 0 .. t-1-j.
    out = np.empty(e, dtype=np.int64)
    k = 0
    for j in range(t):
        i = np.arange(t - j)
        idx = i * t - (i * (i - 1)) // 2 + j
        idx = idx[idx < e]
        out[k : k + idx.size] = idx
        k += idx.size
    return _frozen(out)


def channel_interleaver_pattern(e: int) -> np.ndarray:
    """TS 38.212 §5.4.1.3: coded-bit interleaving pattern (``I_BIL = 1``), ``f_k = e_pattern(k)``.

    The ``E`` bits are written row by row into an isosceles right triangle of side ``T``, the
    smallest integer with ``T (T + 1) / 2 >= E`` (row ``i`` holds ``T - i`` bits, the unused
    cells at the end are ``NULL``), and read column by column, skipping ``NULL`` cells.

    Parameters
    ----------
    e : int
        Rate-matching output length ``E``, ``1 <= E <= 8192``.

    Returns
    -------
    numpy.ndarray of int64, shape [E]
        The permutation: output bit ``k`` is input bit ``pattern[k]``. Read-only.

    Examples
    --------
    >>> channel_interleaver_pattern(6)  # T = 3: rows (0 1 2), (3 4), (5)
    array([0, 3, 5, 1, 4, 2])
    >>> channel_interleaver_pattern(5)  # the last cell is NULL
    array([0, 3, 1, 4, 2])
    """
    e = check_int(e, "e", low=1, high=8192, clause="TS 38.212 §5.4.1.3, E <= 8192")
    return _channel_pattern(e)
