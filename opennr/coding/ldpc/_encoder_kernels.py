"""Numba kernels of the LDPC encoder (TS 38.212 §5.3.2); the public wrapper is ``encoder.py``.

Bits are uint8 0/1, one per byte. A circulant ``P^p`` (identity shifted right by ``p``) applied to a
``Z``-bit block is done as two contiguous runs, ``y[0 : Z-p] ^= x[p : Z]`` and
``y[Z-p : Z] ^= x[0 : p]``, which LLVM vectorises.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _rot_xor(dst, d0, src, s0, z, p):
    """``dst[d0 + r] ^= src[s0 + (r + p) mod z]`` for ``r`` in ``0 .. z-1``."""
    n1 = z - p
    # slice views (non-negative indices) let LLVM drop the wrap-around checks and vectorise
    a = dst[d0 : d0 + z]
    b = src[s0 : s0 + z]
    a1 = a[:n1]
    b1 = b[p:]
    for r in range(n1):
        a1[r] ^= b1[r]
    a2 = a[n1:]
    for r in range(p):
        a2[r] ^= b[r]


@njit(cache=True, inline="always")
def _unrot_set(dst, d0, src, s0, z, p):
    """Solve ``P^p y = t``: ``dst[d0 + (r + p) mod z] = src[s0 + r]``."""
    n1 = z - p
    dst[d0 + p : d0 + z] = src[s0 : s0 + n1]
    dst[d0 : d0 + p] = src[s0 + n1 : s0 + z]


@njit(cache=True)
def ldpc_encode_kernel(
    c, d, z, kb_max, n_rows, row_starts, cols, shifts,
    p0_shift, step_rows, step_cols, step_shifts, x, s,
):  # fmt: skip
    """Encode each row of ``c`` [B, K] into ``d`` [B, n_out] (``n_out = (kb_max + n_rows - 2) z``).

    ``x`` is a scratch codeword of ``(kb_max + n_rows) z`` bytes and ``s`` a scratch of ``5 z``.
    Core parity (columns ``kb_max .. kb_max+3``): the sum of the four core rows leaves only
    ``P^{p0_shift} p_0``, then each step solves one more core column from one row; the extension
    rows ``4 .. n_rows-1`` each give their own parity column directly.
    """
    nb = c.shape[0]
    k = kb_max * z
    n_out = d.shape[1]
    for b in range(nb):
        x[:k] = c[b]
        # syndromes of the four core rows over the systematic columns
        s[: 4 * z] = 0
        for i in range(4):
            for e in range(row_starts[i], row_starts[i + 1]):
                j = cols[e]
                if j < kb_max:
                    _rot_xor(s, i * z, x, j * z, z, shifts[e])
        # p_0 from the sum of the core rows
        s4 = s[4 * z : 5 * z]
        s0 = s[:z]
        s1 = s[z : 2 * z]
        s2 = s[2 * z : 3 * z]
        s3 = s[3 * z : 4 * z]
        for t in range(z):
            s4[t] = s0[t] ^ s1[t] ^ s2[t] ^ s3[t]
        _unrot_set(x, kb_max * z, s, 4 * z, z, p0_shift)
        # remaining core parity columns, one row each
        for st in range(step_rows.shape[0]):
            i = step_rows[st]
            u = step_cols[st]
            s[4 * z : 5 * z] = s[i * z : (i + 1) * z]
            for e in range(row_starts[i], row_starts[i + 1]):
                j = cols[e]
                if j >= kb_max and j != u:
                    _rot_xor(s, 4 * z, x, j * z, z, shifts[e])
            _unrot_set(x, u * z, s, 4 * z, z, step_shifts[st])
        # extension rows: identity on their own column
        for i in range(4, n_rows):
            tgt = (kb_max + i) * z
            x[tgt : tgt + z] = 0
            for e in range(row_starts[i], row_starts[i + 1]):
                j = cols[e]
                if j != kb_max + i:
                    _rot_xor(x, tgt, x, j * z, z, shifts[e])
        d[b] = x[2 * z : 2 * z + n_out]
