"""TS 38.211 V17 §7.4.2: the synchronisation signals (PSS and SSS) and the physical cell identity.

``N_ID^cell = 3 N_ID^(1) + N_ID^(2)`` with ``N_ID^(1)`` in 0..335 (carried by the SSS) and
``N_ID^(2)`` in 0..2 (carried by the PSS), §7.4.2.1.

* PSS (§7.4.2.2): ``d_PSS(n) = 1 - 2 x(m)``, ``m = (n + 43 N_ID^(2)) mod 127``, with the
  m-sequence ``x(i + 7) = (x(i + 4) + x(i)) mod 2`` and
  ``[x(6) ... x(0)] = [1 1 1 0 1 1 0]``.
* SSS (§7.4.2.3): ``d_SSS(n) = [1 - 2 x0((n + m0) mod 127)] [1 - 2 x1((n + m1) mod 127)]`` with
  ``m0 = 15 floor(N_ID^(1) / 112) + 5 N_ID^(2)``, ``m1 = N_ID^(1) mod 112``,
  ``x0(i + 7) = (x0(i + 4) + x0(i)) mod 2``, ``x1(i + 7) = (x1(i + 1) + x1(i)) mod 2`` and
  ``[x(6) ... x(0)] = [0 0 0 0 0 0 1]`` for both.

Both sequences have length 127 and values +-1 (BPSK on the real axis); they are returned as
``float32`` (multiply by ``beta_PSS`` / ``beta_SSS`` when mapping, §7.4.3.1.1-2).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._validation import check_int

__all__ = [
    "NUM_CELL_IDS",
    "SYNC_SEQUENCE_LENGTH",
    "cell_id",
    "cell_id_parts",
    "pss",
    "sss",
]

#: Length of the PSS and the SSS (TS 38.211 §7.4.2.2, §7.4.2.3).
SYNC_SEQUENCE_LENGTH: int = 127
#: Number of physical cell identities ``N_ID^cell`` (0..1007, TS 38.211 §7.4.2.1).
NUM_CELL_IDS: int = 1008

_C_ID = "TS 38.211 §7.4.2.1"
_C_PSS = "TS 38.211 §7.4.2.2"
_C_SSS = "TS 38.211 §7.4.2.3"


def _m_sequence(init: tuple[int, ...], taps: tuple[int, int]) -> np.ndarray:
    """``x(i + 7) = (x(i + taps[0]) + x(i + taps[1])) mod 2`` from ``x(0..6) = init``, 127 values."""
    x = list(init)
    for i in range(SYNC_SEQUENCE_LENGTH - 7):
        x.append((x[i + taps[0]] + x[i + taps[1]]) % 2)
    return np.array(x, dtype=np.int64)


@cache
def _pss_m_sequence() -> np.ndarray:
    # [x(6) x(5) x(4) x(3) x(2) x(1) x(0)] = [1 1 1 0 1 1 0]  ->  x(0..6) = 0 1 1 0 1 1 1
    return _m_sequence((0, 1, 1, 0, 1, 1, 1), (4, 0))


@cache
def _sss_m_sequences() -> tuple[np.ndarray, np.ndarray]:
    # [x(6) ... x(0)] = [0 0 0 0 0 0 1] -> x(0) = 1, x(1..6) = 0, for x0 and x1
    init = (1, 0, 0, 0, 0, 0, 0)
    return _m_sequence(init, (4, 0)), _m_sequence(init, (1, 0))


def cell_id(n_id1: int, n_id2: int) -> int:
    """TS 38.211 §7.4.2.1: the physical cell identity ``N_ID^cell = 3 N_ID^(1) + N_ID^(2)``.

    Parameters
    ----------
    n_id1 : int
        Cell identity group ``N_ID^(1)``, 0..335 (detected from the SSS).
    n_id2 : int
        Identity within the group ``N_ID^(2)``, 0..2 (detected from the PSS).

    Returns
    -------
    int
        ``N_ID^cell`` in 0..1007.

    Examples
    --------
    >>> cell_id(166, 2)
    500
    """
    n_id1 = check_int(n_id1, "n_id1", low=0, high=335, clause=_C_ID)
    n_id2 = check_int(n_id2, "n_id2", low=0, high=2, clause=_C_ID)
    return 3 * n_id1 + n_id2


def cell_id_parts(n_cell_id: int) -> tuple[int, int]:
    """TS 38.211 §7.4.2.1: split ``N_ID^cell`` into ``(N_ID^(1), N_ID^(2))``.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity, 0..1007.

    Returns
    -------
    tuple of int
        ``(n_cell_id // 3, n_cell_id % 3)``.

    Examples
    --------
    >>> cell_id_parts(500)
    (166, 2)
    """
    n_cell_id = check_int(n_cell_id, "n_cell_id", low=0, high=NUM_CELL_IDS - 1, clause=_C_ID)
    return n_cell_id // 3, n_cell_id % 3


def pss(n_id2: int) -> np.ndarray:
    """TS 38.211 §7.4.2.2: the primary synchronisation signal ``d_PSS(0 .. 126)``.

    Parameters
    ----------
    n_id2 : int
        ``N_ID^(2) = N_ID^cell mod 3``, 0..2.

    Returns
    -------
    numpy.ndarray of float32, shape [127]
        ``1 - 2 x((n + 43 N_ID^(2)) mod 127)``, values +-1.

    Examples
    --------
    >>> pss(2)[:15].astype(int).tolist()  # N_ID^cell = 17 -> N_ID^(2) = 2 (MATLAB nrPSS(17))
    [-1, -1, -1, -1, -1, -1, 1, 1, 1, -1, -1, -1, 1, -1, -1]
    """
    n_id2 = check_int(n_id2, "n_id2", low=0, high=2, clause=_C_PSS)
    x = _pss_m_sequence()
    m = (np.arange(SYNC_SEQUENCE_LENGTH) + 43 * n_id2) % SYNC_SEQUENCE_LENGTH
    return (1 - 2 * x[m]).astype(np.float32)


def sss(n_cell_id: int) -> np.ndarray:
    """TS 38.211 §7.4.2.3: the secondary synchronisation signal ``d_SSS(0 .. 126)``.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007 (``N_ID^(1) = n_cell_id // 3``,
        ``N_ID^(2) = n_cell_id % 3``).

    Returns
    -------
    numpy.ndarray of float32, shape [127]
        ``[1 - 2 x0((n + m0) mod 127)] [1 - 2 x1((n + m1) mod 127)]``, values +-1.

    Examples
    --------
    >>> sss(17)[:15].astype(int).tolist()  # MATLAB nrSSS(17)
    [-1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1, 1]
    """
    n_cell_id = check_int(n_cell_id, "n_cell_id", low=0, high=NUM_CELL_IDS - 1, clause=_C_SSS)
    n_id1, n_id2 = n_cell_id // 3, n_cell_id % 3
    m0 = 15 * (n_id1 // 112) + 5 * n_id2
    m1 = n_id1 % 112
    x0, x1 = _sss_m_sequences()
    n = np.arange(SYNC_SEQUENCE_LENGTH)
    d = (1 - 2 * x0[(n + m0) % SYNC_SEQUENCE_LENGTH]) * (1 - 2 * x1[(n + m1) % SYNC_SEQUENCE_LENGTH])
    return d.astype(np.float32)
