"""TS 38.212 V17 §5.3.1.2: the polar sequence (Table 5.3.1.2-1).

The sequence ``Q_0^(N_max-1)`` (``N_max = 1024``) lists the sub-channel indices of the largest
polar code in ascending order of reliability ``W(Q_i)``. For a mother code of ``N = 2^n`` bits
the spec uses the sub-sequence ``Q_0^(N-1)`` of the entries ``Q_i < N``, in the same order.
The table is package data (``opennr/coding/polar/data/polar_sequence.csv``).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_int

__all__ = ["N_MAX", "polar_sequence"]

_PKG = "opennr.coding.polar"
_CLAUSE = "TS 38.212 §5.3.1.2"
#: Largest polar code length of the spec, ``N_max = 1024`` (Table 5.3.1.2-1).
N_MAX: int = 1024


@cache
def _full_sequence() -> np.ndarray:
    rows = read_csv_rows(_PKG, "polar_sequence.csv")
    rank = np.array([int(r["i"]) for r in rows], dtype=np.int64)
    q = np.array([int(r["q"]) for r in rows], dtype=np.int16)
    seq = np.empty(N_MAX, dtype=np.int16)
    seq[rank] = q
    seq.setflags(write=False)
    return seq


@cache
def _sequence(n: int) -> np.ndarray:
    full = _full_sequence()
    seq = full[full < (1 << n)].copy()
    seq.setflags(write=False)
    return seq


def polar_sequence(n: int) -> np.ndarray:
    """TS 38.212 §5.3.1.2: polar sequence ``Q_0^(N-1)`` for ``N = 2^n``, least reliable first.

    Parameters
    ----------
    n : int
        ``log2 N``, ``0 <= n <= 10``.

    Returns
    -------
    numpy.ndarray of int16, shape [N]
        Sub-channel indices ``Q_0^(N-1)`` ordered by ascending reliability: the entries of
        Table 5.3.1.2-1 that are smaller than ``N``, in table order. Read-only.

    Examples
    --------
    >>> polar_sequence(3)
    array([0, 1, 2, 4, 3, 5, 6, 7], dtype=int16)
    >>> int(polar_sequence(10)[-1])  # the most reliable sub-channel of N = 1024
    1023
    """
    n = check_int(n, "n", low=0, high=10, clause=f"{_CLAUSE}, N = 2^n <= {N_MAX}")
    return _sequence(n)
