"""Numba kernels of the soft/hard demapper (TS 38.211 §5.1); the public wrapper is ``demapping.py``.

Square QAM with ``n`` bits per dimension is two independent Gray PAMs: with the noise variance
``N0 = E|noise|^2`` the likelihood of a point factorises into an in-phase and a quadrature term,
and the terms of the other dimension cancel in every bit LLR. Each dimension is demapped alone,
in the unnormalised units ``u = y / a`` (points at the odd integers ``x_j = 2j - (2^n - 1)``,
``j = 0 .. 2^n - 1``) with the gain ``g = a^2 / N0``: ``LLR = ln sum_{b=0} exp(-g (u - x)^2) -
ln sum_{b=1} exp(-g (u - x)^2)``.

Max-log, closed form, O(n) per dimension. Define ``t_0 = u`` and ``t_k = 2^(n-k) - |t_(k-1)|``.
Bit ``k`` of the nearest point is ``t_k < 0`` (the §5.1 recursion read backwards), ``|t_k|`` is the
distance from ``u`` to the nearest decision boundary of bit ``k`` (an odd multiple of
``2^(n-k)``; the boundaries of bit 0 are at 0), and the nearest point of the other bit value lies
just across that boundary, at distance ``|t_k| + 1``. Hence

    ``LLR_k = sign(t_k) g ((|t_k| + 1)^2 - (u - x_hat)^2)``

with ``x_hat`` the nearest point: exactly the max-log LLR (minimum over every point), without a
search.

Exact (log-MAP), O(2^n) per dimension. The weights ``w_j = exp(-g ((u - x_j)^2 - (u - x_hat)^2))``
follow from the nearest point outward by a product recursion (two ``exp`` per dimension instead
of ``2^n``): ``w_(j+1) = w_j r_j``, ``r_(j+1) = r_j q`` with ``q = exp(-8 g)``, which is the
product of the first upward and downward ratios. When the sum of the other bit
value underflows (very high SNR), that bit is recomputed relative to its own largest term, whose
exponent is the max-log value above. The per-bit sums fold the weights like the labels fold: in
O(2^n) additions of positive terms, without masks (see ``_pam_exact``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_TINY = 1e-250  # below this the sum of the far bit value is recomputed relative to its own max


@njit(cache=True, inline="always")
def _nearest(u, n):
    """Nearest unnormalised point (odd integer, clipped to ``±(2^n - 1)``) and its index ``j``."""
    p = 1 << n
    x = 2.0 * math.floor(0.5 * u) + 1.0
    lim = p - 1.0
    if x > lim:
        x = lim
    elif x < -lim:
        x = -lim
    return x, int((x + lim) * 0.5)


@njit(cache=True, inline="always")
def _pam_maxlog(u, n, g, out, o, step):
    """Max-log LLRs of the ``n`` bits of one PAM dimension into ``out[o + step k]``."""
    x, _ = _nearest(u, n)
    e2 = (u - x) * (u - x)
    t = u
    for k in range(n):
        if k > 0:
            t = (1 << (n - k)) - abs(t)
        d = abs(t) + 1.0
        v = g * (d * d - e2)
        out[o + step * k] = v if t >= 0.0 else -v


@njit(cache=True, inline="always")
def _pam_hard(u, n, out, o, step):
    """Hard decisions (nearest point) of the ``n`` bits of one PAM dimension."""
    t = u
    for k in range(n):
        if k > 0:
            t = (1 << (n - k)) - abs(t)
        out[o + step * k] = 1 if t < 0.0 else 0


@njit(cache=True, inline="always")
def _pam_exact(u, n, g, m1, w, s0, s1, out, o, step):
    """Exact LLRs of one PAM dimension.

    ``w`` is a scratch of ``2^(n+1)``; ``m1 [n, 2^n]`` (1.0 where bit ``k`` of point ``j`` is 1)
    is used only when a far sum underflows.
    """
    p = 1 << n
    x, jh = _nearest(u, n)
    e = u - x
    e2 = e * e
    w[jh] = 1.0
    r_up = math.exp(-4.0 * g * (1.0 - e))  # ratio w_(jh+1) / w_jh
    r = math.exp(-4.0 * g * (1.0 + e))  # ratio w_(jh-1) / w_jh
    if abs(e) <= 1.0:
        q = r_up * r  # exp(-8 g): the ratio of successive ratios
    else:  # u beyond the outermost point: one of the ratios may overflow (and is not used)
        q = math.exp(-8.0 * g)
    v = 1.0
    for j in range(jh - 1, -1, -1):
        v *= r
        w[j] = v
        r *= q
    r = r_up
    v = 1.0
    for j in range(jh + 1, p):
        v *= r
        w[j] = v
        r *= q
    # Per-bit sums by folding (no masks, ~2^(n+1) additions of positive terms): in A_0 = w bit 0
    # is 0 on the upper half; A_k[i] = A_(k-1)[L/2 + i] + A_(k-1)[L/2 - 1 - i] is indexed by
    # |t_(k-1)| ascending, and bit k is 0 on its lower half (t_k = 2^(n-k) - |t_(k-1)| > 0).
    half = p >> 1
    a0 = 0.0
    a1 = 0.0
    for j in range(half):
        a1 += w[j]
        a0 += w[half + j]
    s0[0] = a0
    s1[0] = a1
    src = 0
    length = p
    for k in range(1, n):
        dst = src + length
        half = length >> 1
        for i in range(half):
            w[dst + i] = w[src + half + i] + w[src + half - 1 - i]
        src = dst
        length = half
        half = length >> 1
        a0 = 0.0
        a1 = 0.0
        for i in range(half):
            a0 += w[src + i]
            a1 += w[src + half + i]
        s0[k] = a0
        s1[k] = a1
    t = u
    for k in range(n):
        if k > 0:
            t = (1 << (n - k)) - abs(t)
        far = s1[k] if t >= 0.0 else s0[k]
        if far > _TINY:
            out[o + step * k] = math.log(s0[k] / s1[k])
        else:
            # the other bit value, relative to its own nearest point at |t| + 1
            d = abs(t) + 1.0
            hb = 1.0 if t < 0.0 else 0.0  # hard bit
            acc = 0.0
            for j in range(p):
                if m1[k, j] != hb:
                    xj = 2.0 * j - (p - 1.0)
                    acc += math.exp(-g * ((u - xj) * (u - xj) - d * d))
            near = s0[k] if t >= 0.0 else s1[k]
            v = g * (d * d - e2) + math.log(near) - math.log(acc)
            out[o + step * k] = v if t >= 0.0 else -v


@njit(cache=True)
def qam_soft_kernel(y, nvar, n, a, exact, m1, out):
    """Soft-demap square QAM symbols ``y [N]`` (``n`` bits per dimension) into ``out [N * 2n]``.

    ``nvar`` holds one noise variance (length 1) or one per symbol (length N); ``a`` is the
    amplitude scale of §5.1; ``exact`` selects log-MAP instead of max-log. Bits interleave
    in-phase (even positions) and quadrature (odd positions).
    """
    num = y.shape[0]
    per_symbol = nvar.shape[0] != 1
    qm = 2 * n
    inv_a = 1.0 / a
    g = a * a / nvar[0]
    p = 1 << n
    w = np.empty(2 * p)
    s0 = np.empty(n)
    s1 = np.empty(n)
    for i in range(num):
        if per_symbol:
            g = a * a / nvar[i]
        yi = y[i]
        ur = yi.real * inv_a
        ui = yi.imag * inv_a
        o = i * qm
        if exact:
            _pam_exact(ur, n, g, m1, w, s0, s1, out, o, 2)
            _pam_exact(ui, n, g, m1, w, s0, s1, out, o + 1, 2)
        else:
            _pam_maxlog(ur, n, g, out, o, 2)
            _pam_maxlog(ui, n, g, out, o + 1, 2)


@njit(cache=True)
def qam_hard_kernel(y, n, a, out):
    """Hard-demap square QAM symbols ``y [N]`` into bits ``out [N * 2n]`` (nearest point)."""
    inv_a = 1.0 / a
    qm = 2 * n
    for i in range(y.shape[0]):
        yi = y[i]
        _pam_hard(yi.real * inv_a, n, out, i * qm, 2)
        _pam_hard(yi.imag * inv_a, n, out, i * qm + 1, 2)


@njit(cache=True)
def bpsk_soft_kernel(y, nvar, m, pi2, out):
    """BPSK / pi/2-BPSK LLRs ``2 sqrt(2) Re(y conj(d0)) / N0`` (exact = max-log for two points).

    ``m`` is the length of the last axis (the symbol index ``i`` of §5.1.1 is ``flat mod m``);
    ``pi2`` derotates odd symbols by ``-j``.
    """
    per_symbol = nvar.shape[0] != 1
    c = 2.0 * math.sqrt(2.0)
    g = c / nvar[0]
    for i in range(y.shape[0]):
        if per_symbol:
            g = c / nvar[i]
        yi = y[i]
        if pi2 and (i % m) % 2 == 1:
            s = yi.imag - yi.real  # y * (-j) = imag - j real
        else:
            s = yi.real + yi.imag
        out[i] = g * s


@njit(cache=True)
def bpsk_hard_kernel(y, m, pi2, out):
    """BPSK / pi/2-BPSK hard decisions (1 where the derotated ``Re + Im`` is negative)."""
    for i in range(y.shape[0]):
        yi = y[i]
        if pi2 and (i % m) % 2 == 1:
            s = yi.imag - yi.real
        else:
            s = yi.real + yi.imag
        out[i] = 1 if s < 0.0 else 0
