"""Numba kernel of the polar transform ``d = u G_N`` (TS 38.212 §5.3.1.2).

The public wrapper is in ``encoder.py``; the plain NumPy twin is ``encoder._transform_numpy``.

The kernel works on rows of 0/1 bytes viewed as little-endian ``uint64`` words (8 bits of the
codeword per word, one per byte). A butterfly stage of half-width ``h`` XORs element ``j + h``
into element ``j`` for ``j mod 2h < h``. For ``h = 1, 2, 4`` both elements sit in the same word:
``w ^= (w >> 8h) & MASK_h`` with ``MASK_h`` selecting the bytes ``j mod 2h < h``. For ``h >= 8``
whole words are XORed, ``w[i] ^= w[i + h/8]``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0x00FF00FF00FF00FF)
_M2 = np.uint64(0x0000FFFF0000FFFF)
_M4 = np.uint64(0x00000000FFFFFFFF)


@njit(cache=True)
def polar_transform_words_kernel(w, m1, m2, m4):
    """In place ``u <- u G_N`` on ``w`` [B, N/8] (uint64 view of 0/1 bytes, N >= 8)."""
    nw = w.shape[1]
    s8 = np.uint64(8)
    s16 = np.uint64(16)
    s32 = np.uint64(32)
    for b in range(w.shape[0]):
        row = w[b]
        for i in range(nw):
            x = row[i]
            x ^= (x >> s8) & m1
            x ^= (x >> s16) & m2
            x ^= (x >> s32) & m4
            row[i] = x
        hw = 1
        while hw < nw:
            for start in range(0, nw, 2 * hw):
                for i in range(start, start + hw):
                    row[i] ^= row[i + hw]
            hw *= 2


def transform_words(x: np.ndarray) -> None:
    """Run the kernel on a C-contiguous uint8 array [B, N] (N a multiple of 8), in place."""
    polar_transform_words_kernel(x.view(np.uint64), _M1, _M2, _M4)


@njit(cache=True)
def place_bits_kernel(c, perm, info, u):
    """``u[b, info[j]] = c[b, perm[j]]`` for ``c`` [B, K], ``perm``/``info`` [K], ``u`` [B, N].

    ``perm`` is the input interleaver ``Pi`` (or the identity); ``u`` must be zero elsewhere.
    """
    k = info.shape[0]
    for b in range(c.shape[0]):
        cb = c[b]
        ub = u[b]
        for j in range(k):
            ub[info[j]] = cb[perm[j]]
