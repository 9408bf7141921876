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

import numpy as np
from numba import njit

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
# --------------------------------------------------------------------------------------------
@njit(cache=True)
def _ms_pass1(lrow, lo, mrow, trow, m1, m2, im, sg, qlo, n, k):
    """Variable-to-check values ``t = app - msg`` and the running min1/min2/argmin/sign."""
    for i in range(n):
        q = qlo + i
        t = lrow[lo + i] - mrow[q]
        trow[q] = t
        a = abs(t)
        o1 = m1[q]
        m2[q] = min(m2[q], max(o1, a))
        im[q] = k if a < o1 else im[q]
        m1[q] = min(o1, a)
        sg[q] = -sg[q] if t < 0 else sg[q]


@njit(cache=True)
def _ms_pass2(lrow, lo, mrow, trow, m1, m2, im, sg, qlo, n, k):
    """New check-to-variable message of edge ``k`` and the APP update ``app = t + msg``."""
    for i in range(n):
        q = qlo + i
        t = trow[q]
        mag = m2[q] if im[q] == k else m1[q]
        s = sg[q] if t >= 0 else -sg[q]
        r = s * mag
        mrow[q] = r
        lrow[lo + i] = t + r


@njit(cache=True)
def _sub_pass(lrow, lo, mrow, trow, qlo, n):
    for i in range(n):
        trow[qlo + i] = lrow[lo + i] - mrow[qlo + i]


@njit(cache=True, fastmath=True)
def _bp_forward(fw, t, j, m):
    """``fw[j] = fw[j-1] [+] t[j]`` over all check positions."""
    a = fw[j - 1]
    b = t[j]
    o = fw[j]
    for q in range(m):
        o[q] = _boxplus(a[q], b[q])


@njit(cache=True, fastmath=True)
def _bp_ext_update(fwp, bacc, tj, ext, m, clip, update_acc):
    """``ext = fw[j-1] [+] bacc`` (clipped) and, if asked, ``bacc = bacc [+] t[j]``."""
    for q in range(m):
        b = bacc[q]
        x = _boxplus(fwp[q], b)
        ext[q] = max(min(x, clip), -clip)
        if update_acc:
            bacc[q] = _boxplus(b, tj[q])


@njit(cache=True)
def _app_update(lrow, lo, mrow, trow, ext, qlo, n):
    for i in range(n):
        q = qlo + i
        r = ext[q]
        mrow[q] = r
        lrow[lo + i] = trow[q] + r


@njit(cache=True)
def _app_accumulate(lrow, lo, ext, qlo, n):
    for i in range(n):
        lrow[lo + i] += ext[qlo + i]


@njit(cache=True)
def _spa_extrinsic(t, fw, bacc, ext_all, d, m, clip):
    """Exact box-plus extrinsic of every edge of one row: ``ext_all[j]`` from ``t[0:d]``."""
    if d == 2:
        for q in range(m):
            ext_all[0, q] = max(min(t[1, q], clip), -clip)
            ext_all[1, q] = max(min(t[0, q], clip), -clip)
        return
    for q in range(m):
        fw[0, q] = t[0, q]
    for j in range(1, d - 1):
        _bp_forward(fw, t, j, m)
    for q in range(m):
        ext_all[d - 1, q] = max(min(fw[d - 2, q], clip), -clip)
        bacc[q] = t[d - 1, q]
    for j in range(d - 2, 0, -1):
        _bp_ext_update(fw[j - 1], bacc, t[j], ext_all[j], m, clip, True)
    for q in range(m):
        ext_all[0, q] = max(min(bacc[q], clip), -clip)


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
        im = np.empty(m, np.int32)
        sg = np.empty(m, np.float32)
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
                        s = shifts[e] * nf
                        lrow = app[cols[e]]
                        _sub_pass(lrow, s, msg[e], tv[k], 0, m - s)
                        _sub_pass(lrow, 0, msg[e], tv[k], m - s, s)
                    _spa_extrinsic(tv, fw, bacc, ext, d, m, clip)
                    for k in range(d):
                        e = e0 + k
                        s = shifts[e] * nf
                        lrow = app[cols[e]]
                        _app_update(lrow, s, msg[e], tv[k], ext[k], 0, m - s)
                        _app_update(lrow, 0, msg[e], tv[k], ext[k], m - s, s)
                else:
                    for q in range(m):
                        m1[q] = big
                        m2[q] = big
                        im[q] = 0
                        sg[q] = np.float32(1.0)
                    for k in range(d):
                        e = e0 + k
                        s = shifts[e] * nf
                        lrow = app[cols[e]]
                        _ms_pass1(lrow, s, msg[e], tv[k], m1, m2, im, sg, 0, m - s, k)
                        _ms_pass1(lrow, 0, msg[e], tv[k], m1, m2, im, sg, m - s, s, k)
                    if algo == ALG_NMS:
                        for q in range(m):
                            m1[q] = min(m1[q] * scaling, clip)
                            m2[q] = min(m2[q] * scaling, clip)
                    else:
                        for q in range(m):
                            m1[q] = min(max(m1[q] - offset, zero), clip)
                            m2[q] = min(max(m2[q] - offset, zero), clip)
                    for k in range(d):
                        e = e0 + k
                        s = shifts[e] * nf
                        lrow = app[cols[e]]
                        _ms_pass2(lrow, s, msg[e], tv[k], m1, m2, im, sg, 0, m - s, k)
                        _ms_pass2(lrow, 0, msg[e], tv[k], m1, m2, im, sg, m - s, s, k)
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
                    s = shifts[e] * nf
                    lrow = app[cols[e]]
                    _sub_pass(lrow, s, msg[e], tv[k], 0, m - s)
                    _sub_pass(lrow, 0, msg[e], tv[k], m - s, s)
                _spa_extrinsic(tv, fw, bacc, ext, d, m, clip)
                for k in range(d):
                    e = e0 + k
                    s = shifts[e] * nf
                    nrow = new[cols[e]]
                    msg[e, :] = ext[k]
                    _app_accumulate(nrow, s, ext[k], 0, m - s)
                    _app_accumulate(nrow, 0, ext[k], m - s, s)
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
