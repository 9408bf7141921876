"""TS 38.211 V17 §5.2.1: the pseudo-random (length-31 Gold) sequence ``c(n)``.

``c(n) = (x1(n + Nc) + x2(n + Nc)) mod 2`` with ``Nc = 1600`` and the two m-sequences

* ``x1(n + 31) = (x1(n + 3) + x1(n)) mod 2``, ``x1(0) = 1``, ``x1(n) = 0`` for ``n = 1..30``;
* ``x2(n + 31) = (x2(n + 3) + x2(n + 2) + x2(n + 1) + x2(n)) mod 2``, initialised by
  ``c_init = sum_i x2(i) 2^i``.

Both recursions only reach 28 or more positions back, so 28 new bits follow at once from the
previous 31: the generator advances in vectorised blocks of 28 bits (and over a batch of
``c_init`` values at the same time) instead of bit by bit. ``x1`` does not depend on ``c_init``
and is shared by the whole batch.
"""

from __future__ import annotations

import numpy as np

from opennr._validation import check_int
from opennr.sequences._gold_kernels import gold_kernel

__all__ = ["GOLD_NC", "gold_sequence"]

_CLAUSE = "TS 38.211 §5.2.1"
#: The offset ``Nc = 1600`` of TS 38.211 §5.2.1.
GOLD_NC: int = 1600
def gold_sequence(c_init, length: int, offset: int = 0) -> np.ndarray:
    """TS 38.211 §5.2.1: the pseudo-random sequence ``c(offset) ... c(offset + length - 1)``.

    Parameters
    ----------
    c_init : int or array_like of int, shape [...]
        Initialisation ``c_init`` of the second m-sequence, ``0 <= c_init < 2^31``. An array
        gives one sequence per value.
    length : int
        Number of bits ``M_PN`` to return (``>= 0``).
    offset : int, optional
        Index ``n`` of the first returned bit (``>= 0``); default 0. The ``Nc = 1600`` bits
        discarded by the specification come on top of it.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., length]
        ``c(n)`` for ``n = offset, ..., offset + length - 1``.

    Raises
    ------
    TypeError
        If ``c_init`` is not integer.
    ValueError
        If ``c_init`` is outside ``[0, 2^31 - 1]`` or ``length``/``offset`` is negative.

    Notes
    -----
    A Numba kernel runs both 31-bit shift registers one bit a step (about 1 ns a bit); the result
    equals the plain recursion of the specification (tested against it).

    Examples
    --------
    >>> gold_sequence(0, 8)
    array([0, 0, 0, 0, 0, 0, 1, 0], dtype=uint8)
    >>> gold_sequence([0, 1], 4).shape
    (2, 4)
    >>> bool((gold_sequence(7, 10, offset=5) == gold_sequence(7, 15)[5:]).all())
    True
    """
    length = check_int(length, "length", low=0, clause=_CLAUSE)
    offset = check_int(offset, "offset", low=0, clause=_CLAUSE)
    arr = np.asarray(c_init)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"c_init must be an integer or integer array, got dtype {arr.dtype} "
                        f"({_CLAUSE})")
    if arr.size and (arr.min() < 0 or arr.max() > 2**31 - 1):
        raise ValueError(f"c_init must be in [0, 2^31 - 1] ({_CLAUSE}), got values in "
                         f"[{arr.min()}, {arr.max()}]")
    flat = arr.reshape(-1).astype(np.int64)
    c = np.empty((flat.size, length), dtype=np.uint8)
    gold_kernel(flat, GOLD_NC + offset, c)
    return c.reshape(*arr.shape, length)
