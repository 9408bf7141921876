"""Numba kernels of LDPC rate matching and recovery (TS 38.212 §5.4.2).

The public wrappers are in ``rate_matching.py``.

Both directions use the same index map ``idx [E]``: output bit ``k`` (after bit interleaving) is
circular-buffer bit ``d[idx[k]]``.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def gather_kernel(d, idx, out):
    """``out[b, k] = d[b, idx[k]]`` for ``d`` [B, N], ``idx`` [E], ``out`` [B, E]."""
    e = idx.shape[0]
    for b in range(d.shape[0]):
        db = d[b]
        ob = out[b]
        for k in range(e):
            ob[k] = db[idx[k]]


@njit(cache=True)
def scatter_add_kernel(llr, idx, buf):
    """``buf[b, idx[k]] += llr[b, k]`` for ``llr`` [B, E], ``idx`` [E], ``buf`` [B, N].

    Repeated positions add up.
    """
    e = idx.shape[0]
    for b in range(llr.shape[0]):
        lb = llr[b]
        bb = buf[b]
        for k in range(e):
            bb[idx[k]] += lb[k]
