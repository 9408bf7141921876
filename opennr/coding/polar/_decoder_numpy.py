"""Plain NumPy/Python twins of the polar decoder kernels (textbook recursion, for tests).

``sc_decode_numpy`` and ``scl_decode_numpy`` recompute every leaf LLR from the channel with the
recursive SC formulas and keep whole ``u`` vectors per path (no shared memory, no special
nodes), so they are slow (``O(N^2)`` per path) but independent of the kernels' bookkeeping.
"""

from __future__ import annotations

import numpy as np


def _f(a, b, exact):
    sign = np.where((a < 0) != (b < 0), -1.0, 1.0)
    aa, bb = np.abs(a), np.abs(b)
    m = np.minimum(aa, bb)
    if exact:
        with np.errstate(divide="ignore"):
            small = 2.0 * np.arctanh(np.tanh(aa / 2) * np.tanh(bb / 2))
        big = m - np.log1p(np.exp(-np.abs(aa - bb))) + np.log1p(np.exp(-(aa + bb)))
        m = np.where(m < 2.0, small, big)
    return sign * m


def _pen(lam, v, exact):
    y = -lam if v else lam
    if exact:
        return float(np.logaddexp(0.0, -y))
    return max(-y, 0.0)


def _encode(u):
    x = np.array(u, dtype=np.uint8)
    h = 1
    while h < x.size:
        for i in range(x.size):
            if not i & h:
                x[i] ^= x[i + h]
        h *= 2
    return x


def leaf_llr(y, u_prefix, j, exact):
    """LLR of ``u_j`` given the channel LLRs ``y`` and the decided ``u_0 .. u_(j-1)``."""
    y = np.asarray(y, np.float64)
    while y.size > 1:
        h = y.size // 2
        if j < h:
            y = _f(y[:h], y[h:], exact)
            u_prefix = u_prefix[: min(len(u_prefix), h)]
        else:
            x_left = _encode(u_prefix[:h])
            y = y[h:] + (1.0 - 2.0 * x_left) * y[:h]
            u_prefix = u_prefix[h:]
            j -= h
    return float(y[0])


def _pc_value(u, pos):
    # XOR of the information bits u_m, m < pos, m = pos mod 5 (§5.3.1.2 register y_0)
    return int(np.bitwise_xor.reduce(u[pos % 5 : pos : 5])) if pos >= 5 else 0


def scl_decode_numpy(y, kind, list_size, exact=False):
    """SC list decoding of one block. ``kind[i]``: 0 frozen, 1 information, 2 PC.

    Returns (list of information-bit vectors sorted by path metric, their metrics).
    """
    nn = len(kind)
    paths = [(0.0, np.zeros(0, np.uint8), np.zeros(0, np.uint8))]  # pm, u, u without PC
    for j in range(nn):
        new = []
        for pm, u, _infou in paths:
            lam = leaf_llr(y, u, j, exact)
            if kind[j] == 1:
                for v in (0, 1):
                    cost = _pen(lam, v, exact)
                    new.append((pm + cost, np.append(u, v).astype(np.uint8), v))
            else:
                uq = np.where(np.asarray(kind[: len(u)]) == 2, 0, u).astype(np.uint8)
                v = 0 if kind[j] == 0 else _pc_value(uq, j)
                cost = _pen(lam, v, exact)
                new.append((pm + cost, np.append(u, v).astype(np.uint8), None))
        if kind[j] == 1 and len(new) > list_size:
            order = sorted(range(len(new)), key=lambda i: (new[i][0], i))[:list_size]
            new = [new[i] for i in sorted(order)]
        paths = [(pm, u, None) for pm, u, _v in new]
    order = sorted(range(len(paths)), key=lambda i: (paths[i][0], i))
    info = np.asarray(kind) == 1
    return [paths[i][1][info] for i in order], [paths[i][0] for i in order]


def sc_decode_numpy(y, kind, exact=False):
    """Successive cancellation of one block (information bits only)."""
    bits, _pm = scl_decode_numpy(y, kind, 1, exact)
    return bits[0]
