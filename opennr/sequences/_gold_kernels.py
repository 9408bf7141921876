"""Numba kernel of the TS 38.211 §5.2.1 Gold sequence (31-bit shift registers, one bit a step)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def gold_kernel(c_init: np.ndarray, start: int, out: np.ndarray) -> None:
    """Write ``c(n) = x1(n + start) ^ x2(n + start)`` for each ``c_init[b]`` into ``out[b, :]``.

    Register bit ``i`` holds ``x(n + i)``; ``x1(n + 31) = x1(n + 3) + x1(n)`` and
    ``x2(n + 31) = x2(n + 3) + x2(n + 2) + x2(n + 1) + x2(n)`` (mod 2), ``x1`` starting at 1.
    """
    length = out.shape[1]
    for b in range(out.shape[0]):
        x1 = np.int64(1)
        x2 = np.int64(c_init[b])
        for n in range(start + length):
            if n >= start:
                out[b, n - start] = (x1 ^ x2) & 1
            f1 = (x1 ^ (x1 >> 3)) & 1
            f2 = (x2 ^ (x2 >> 1) ^ (x2 >> 2) ^ (x2 >> 3)) & 1
            x1 = (x1 >> 1) | (f1 << 30)
            x2 = (x2 >> 1) | (f2 << 30)
