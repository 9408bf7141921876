"""Numba kernels of the TS 38.212 §5.3.2 LDPC decoders (private; see ``decoder.py``).

Memory layout
-------------
A group of ``F`` code blocks is decoded together. Every Z-long circulant vector is stored with
the frames interleaved in the innermost axis: APP value of variable ``r`` of block column ``c`` of
frame ``f`` is ``app[c, r * F + f]``. With ``M = Z * F``, the variables seen by the ``M`` checks
of one base-graph row through the circulant of shift ``P`` are ``app[c, (q + P * F) mod M]`` for
check position ``q``: two contiguous runs, ``q < M - P F`` and ``q >= M - P F``. Every inner loop
of these kernels runs over such a run, which LLVM turns into SIMD code (the frames fill the lanes
when ``Z`` is small, the rows of the circulant when it is large).

Check-to-variable messages are kept per edge (``msg[e, q]``, aligned with the check positions).

All kernels take arrays and scalars only and write into the outputs they are given.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uintp

#: Algorithm codes shared with ``decoder.py``.
ALG_SPA = 0
ALG_NMS = 1
ALG_OMS = 2


# --------------------------------------------------------------------------------------------
# Exact box-plus in float32, arithmetic only (vectorises without a vector maths library)
# --------------------------------------------------------------------------------------------
@njit(cache=True, fastmath=True, inline="always")
def _log1p_exp_neg(x):
    """``ln(1 + exp(-x))`` for ``x >= 0`` in float32, absolute error below 1e-6.

    ``exp(-x) = exp(-x / 32) ** 32`` with a degree-9 Taylor polynomial (x clamped to 24, where the
    function is 4e-11), then ``ln(1 + e)`` on ``[0, 1]`` by a degree-8 Chebyshev-interpolation
    polynomial.
    """
    y = min(x, np.float32(24.0)) * np.float32(0.03125)
    p = np.float32(-2.755731922398589e-06)
    p = p * y + np.float32(2.48015873015873e-05)
    p = p * y - np.float32(0.0001984126984126984)
    p = p * y + np.float32(0.001388888888888889)
    p = p * y - np.float32(0.008333333333333333)
    p = p * y + np.float32(0.041666666666666664)
    p = p * y - np.float32(0.16666666666666666)
    p = p * y + np.float32(0.5)
    p = p * y - np.float32(1.0)
    e = p * y + np.float32(1.0)
    e = e * e
    e = e * e
    e = e * e
    e = e * e
    e = e * e
    s = np.float32(-0.006006604991853237)
    s = s * e + np.float32(0.03426460176706314)
    s = s * e - np.float32(0.09229041635990143)
    s = s * e + np.float32(0.1649981290102005)
    s = s * e - np.float32(0.2394333779811859)
    s = s * e + np.float32(0.33144664764404297)
    s = s * e - np.float32(0.49982550740242004)
    s = s * e + np.float32(0.999993622303009)
    s = s * e + np.float32(3.910905377324525e-08)
    return s


@njit(cache=True, fastmath=True, inline="always")
def _boxplus(a, b):
    """Exact box-plus ``2 atanh(tanh(a/2) tanh(b/2))`` in the min-plus-correction form."""
    aa = abs(a)
    ab = abs(b)
    m = min(aa, ab)
    if (a < 0) != (b < 0):
        m = -m
    return m + _log1p_exp_neg(abs(a + b)) - _log1p_exp_neg(abs(a - b))


# --------------------------------------------------------------------------------------------
# Layout conversion, hard decisions and syndrome
# --------------------------------------------------------------------------------------------
@njit(cache=True)
def _load_group(llr, g0, nf, z, num_cols, app):
    """Channel LLRs of frames ``g0 .. g0+nf-1`` into ``app`` (punctured columns 0, 1 at 0)."""
    for c in range(2):
        for q in range(z * nf):
            app[c, q] = np.float32(0.0)
    for c in range(2, num_cols):
        base = (c - 2) * z
        for r in range(z):
            for f in range(nf):
                app[c, r * nf + f] = llr[g0 + f, base + r]


@njit(cache=True)
def _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok):
    """``ok[f]`` = the hard decision of frame ``f`` of the group satisfies every check."""
    num_cols = app.shape[0]
    m = z * nf
    for c in range(num_cols):
        for q in range(m):
            hd[c, q] = np.uint8(1) if app[c, q] < 0 else np.uint8(0)
    for q in range(m):
        acc[q] = 0
    for i in range(row_starts.shape[0] - 1):
        for q in range(m):
            syn[q] = 0
        for e in range(row_starts[i], row_starts[i + 1]):
            c = cols[e]
            s = shifts[e] * nf
            h = hd[c]
            for q in range(m - s):
                syn[q] ^= h[q + s]
            for q in range(m - s, m):
                syn[q] ^= h[q + s - m]
        for q in range(m):
            acc[q] |= syn[q]
    for f in range(nf):
        ok[f] = True
    for r in range(z):
        for f in range(nf):
            if acc[r * nf + f] != 0:
                ok[f] = False


@njit(cache=True)
def _store_frame(app, hd, g0, f, nf, z, kb, out_bits, out_llr):
    """Hard decisions and APP LLRs of the ``kb * z`` systematic bits of one frame."""
    for c in range(kb):
        for r in range(z):
            out_bits[g0 + f, c * z + r] = hd[c, r * nf + f]
            out_llr[g0 + f, c * z + r] = app[c, r * nf + f]


# --------------------------------------------------------------------------------------------
# Layered decoder, float32: sum-product, normalised and offset min-sum
#
# The hot loops index with unsigned integers (no negative-index wrap-around code, which would stop
# LLVM from vectorising), load every operand before any select (no conditional loads), and touch
# few distinct arrays (LLVM gives up vectorising when it needs too many run-time alias checks).
# Helpers receive the whole 2-D arrays and a row index: slicing views per edge would cost a
# reference-count update each.
# --------------------------------------------------------------------------------------------
@njit(cache=True)
def _ms_pass1(app, c, lo, msg, e, m1, m2s, qlo, n):
    """min1, and min2 carrying the sign parity of ``t = app - msg`` in its sign bit."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        t = app[c, ulo + ui] - msg[e, q]
        a = abs(t)
        o1 = m1[q]
        o2 = m2s[q]
        x = math.copysign(min(abs(o2), max(o1, a)), o2)
        m2s[q] = -x if t < 0 else x
        m1[q] = min(o1, a)


@njit(cache=True)
def _ms_pass2(app, c, lo, msg, e, m1, v1, v2, qlo, n):
    """New message ``+-v1`` (or ``+-v2`` on the edge holding the minimum) and ``app = t + msg``.

    ``v1``/``v2`` are the processed min1/min2 with the row's sign parity as their sign.
    """
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        t = app[c, ulo + ui] - msg[e, q]
        a1 = m1[q]
        x1 = v1[q]
        x2 = v2[q]
        v = x2 if abs(t) == a1 else x1
        r = -v if t < 0 else v
        msg[e, q] = r
        app[c, ulo + ui] = t + r


@njit(cache=True)
def _sub_pass(app, c, lo, msg, e, tv, k, qlo, n):
    """``tv[k, q] = app[c, rot(q)] - msg[e, q]`` over one contiguous run."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        tv[k, uq + ui] = app[c, ulo + ui] - msg[e, uq + ui]


@njit(cache=True)
def _app_update(app, c, lo, msg, e, tv, ext, k, qlo, n):
    """``msg[e] = ext[k]``, ``app[c, rot] = tv[k] + ext[k]`` over one run."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        r = ext[k, q]
        t = tv[k, q]
        msg[e, q] = r
        app[c, ulo + ui] = t + r


@njit(cache=True)
def _app_accumulate(new, c, lo, ext, k, qlo, n):
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        new[c, ulo + ui] += ext[k, uq + ui]


@njit(cache=True, fastmath=True)
def _bp_forward(fw, t, j, m):
    """``fw[j] = fw[j-1] [+] t[j]`` over all check positions."""
    uj = uintp(j)
    for i in range(m):
        q = uintp(i)
        a = fw[uj - uintp(1), q]
        b = t[uj, q]
        fw[uj, q] = _boxplus(a, b)


@njit(cache=True, fastmath=True)
def _bp_ext_update(fw, bacc, t, ext, j, m, clip):
    """``ext[j] = fw[j-1] [+] bacc`` (clipped) and ``bacc = bacc [+] t[j]``."""
    uj = uintp(j)
    for i in range(m):
        q = uintp(i)
        b = bacc[q]
        f = fw[uj - uintp(1), q]
        tj = t[uj, q]
        x = _boxplus(f, b)
        ext[uj, q] = max(min(x, clip), -clip)
        bacc[q] = _boxplus(b, tj)


@njit(cache=True)
def _spa_extrinsic(t, fw, bacc, ext, d, m, clip):
    """Exact box-plus extrinsic of every edge of one row: ``ext[j]`` from ``t[0:d]``."""
    if d == 2:
        for q in range(m):
            ext[0, q] = max(min(t[1, q], clip), -clip)
            ext[1, q] = max(min(t[0, q], clip), -clip)
        return
    for q in range(m):
        fw[0, q] = t[0, q]
    for j in range(1, d - 1):
        _bp_forward(fw, t, j, m)
    for q in range(m):
        ext[d - 1, q] = max(min(fw[d - 2, q], clip), -clip)
        bacc[q] = t[d - 1, q]
    for j in range(d - 2, 0, -1):
        _bp_ext_update(fw, bacc, t, ext, j, m, clip)
    for q in range(m):
        ext[0, q] = max(min(bacc[q], clip), -clip)


@njit(cache=True)
def layered_decode(
    llr, cols, shifts, row_starts, num_cols, kb, z, frames, algo, max_iter, early_stop,
    scaling, offset, clip, out_bits, out_iter, out_ok, out_llr,
):
    """Row-layered decoding of ``llr`` [B, N] (float32) in groups of ``frames`` code blocks.

    ``algo``: 0 sum-product (exact box-plus), 1 normalised min-sum (``scaling``), 2 offset
    min-sum (``offset``). Messages are clipped to ``[-clip, clip]``. Writes ``out_bits`` [B, K]
    uint8, ``out_iter`` [B] int32, ``out_ok`` [B] bool and ``out_llr`` [B, K] float32.
    """
    nb = llr.shape[0]
    ne = cols.shape[0]
    nrows = row_starts.shape[0] - 1
    dmax = 0
    for i in range(nrows):
        dmax = max(dmax, row_starts[i + 1] - row_starts[i])
    zero = np.float32(0.0)
    big = np.float32(3.0e38)
    for g0 in range(0, nb, frames):
        nf = min(frames, nb - g0)
        m = z * nf
        app = np.empty((num_cols, m), np.float32)
        _load_group(llr, g0, nf, z, num_cols, app)
        msg = np.zeros((ne, m), np.float32)
        tv = np.empty((dmax, m), np.float32)
        fw = np.empty((dmax, m), np.float32)
        ext = np.empty((dmax, m), np.float32)
        bacc = np.empty(m, np.float32)
        m1 = np.empty(m, np.float32)
        m2 = np.empty(m, np.float32)
        v1 = np.empty(m, np.float32)
        v2 = np.empty(m, np.float32)
        hd = np.empty((num_cols, m), np.uint8)
        acc = np.empty(m, np.uint8)
        syn = np.empty(m, np.uint8)
        ok = np.empty(nf, np.bool_)
        done = np.zeros(nf, np.bool_)
        ndone = 0
        for it in range(1, max_iter + 1):
            for i in range(nrows):
                e0 = row_starts[i]
                d = row_starts[i + 1] - e0
                if algo == ALG_SPA:
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _sub_pass(app, c, sh, msg, e, tv, k, 0, m - sh)
                        _sub_pass(app, c, 0, msg, e, tv, k, m - sh, sh)
                    _spa_extrinsic(tv, fw, bacc, ext, d, m, clip)
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _app_update(app, c, sh, msg, e, tv, ext, k, 0, m - sh)
                        _app_update(app, c, 0, msg, e, tv, ext, k, m - sh, sh)
                else:
                    for q in range(m):
                        m1[q] = big
                        m2[q] = big
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _ms_pass1(app, c, sh, msg, e, m1, m2, 0, m - sh)
                        _ms_pass1(app, c, 0, msg, e, m1, m2, m - sh, sh)
                    if algo == ALG_NMS:
                        for q in range(m):
                            x2 = m2[q]
                            v1[q] = math.copysign(min(m1[q] * scaling, clip), x2)
                            v2[q] = math.copysign(min(abs(x2) * scaling, clip), x2)
                    else:
                        for q in range(m):
                            x2 = m2[q]
                            v1[q] = math.copysign(min(max(m1[q] - offset, zero), clip), x2)
                            v2[q] = math.copysign(min(max(abs(x2) - offset, zero), clip), x2)
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _ms_pass2(app, c, sh, msg, e, m1, v1, v2, 0, m - sh)
                        _ms_pass2(app, c, 0, msg, e, m1, v1, v2, m - sh, sh)
            last = it == max_iter
            if early_stop or last:
                _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok)
                for f in range(nf):
                    if not done[f] and (ok[f] or last):
                        _store_frame(app, hd, g0, f, nf, z, kb, out_bits, out_llr)
                        out_iter[g0 + f] = it
                        out_ok[g0 + f] = ok[f]
                        done[f] = True
                        ndone += 1
                if ndone == nf:
                    break


# --------------------------------------------------------------------------------------------
# Flooding sum-product decoder, float32 (the reference schedule)
# --------------------------------------------------------------------------------------------
@njit(cache=True)
def flooding_decode(
    llr, cols, shifts, row_starts, num_cols, kb, z, frames, max_iter, early_stop, clip,
    out_bits, out_iter, out_ok, out_llr,
):
    """Flooding (two-phase) sum-product decoding with exact box-plus; same outputs as
    :func:`layered_decode`."""
    nb = llr.shape[0]
    ne = cols.shape[0]
    nrows = row_starts.shape[0] - 1
    dmax = 0
    for i in range(nrows):
        dmax = max(dmax, row_starts[i + 1] - row_starts[i])
    for g0 in range(0, nb, frames):
        nf = min(frames, nb - g0)
        m = z * nf
        chan = np.empty((num_cols, m), np.float32)
        _load_group(llr, g0, nf, z, num_cols, chan)
        app = chan.copy()
        new = np.empty((num_cols, m), np.float32)
        msg = np.zeros((ne, m), np.float32)
        tv = np.empty((dmax, m), np.float32)
        fw = np.empty((dmax, m), np.float32)
        ext = np.empty((dmax, m), np.float32)
        bacc = np.empty(m, np.float32)
        hd = np.empty((num_cols, m), np.uint8)
        acc = np.empty(m, np.uint8)
        syn = np.empty(m, np.uint8)
        ok = np.empty(nf, np.bool_)
        done = np.zeros(nf, np.bool_)
        ndone = 0
        for it in range(1, max_iter + 1):
            new[:, :] = chan
            for i in range(nrows):
                e0 = row_starts[i]
                d = row_starts[i + 1] - e0
                for k in range(d):
                    e = e0 + k
                    sh = shifts[e] * nf
                    c = cols[e]
                    _sub_pass(app, c, sh, msg, e, tv, k, 0, m - sh)
                    _sub_pass(app, c, 0, msg, e, tv, k, m - sh, sh)
                _spa_extrinsic(tv, fw, bacc, ext, d, m, clip)
                for k in range(d):
                    e = e0 + k
                    sh = shifts[e] * nf
                    c = cols[e]
                    msg[e, :] = ext[k]
                    _app_accumulate(new, c, sh, ext, k, 0, m - sh)
                    _app_accumulate(new, c, 0, ext, k, m - sh, sh)
            app, new = new, app
            last = it == max_iter
            if early_stop or last:
                _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok)
                for f in range(nf):
                    if not done[f] and (ok[f] or last):
                        _store_frame(app, hd, g0, f, nf, z, kb, out_bits, out_llr)
                        out_iter[g0 + f] = it
                        out_ok[g0 + f] = ok[f]
                        done[f] = True
                        ndone += 1
                if ndone == nf:
                    break
