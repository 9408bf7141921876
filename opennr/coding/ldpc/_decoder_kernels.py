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

When ``F`` is a multiple of 16 every run starts and ends on a 16-float boundary and the run
loops need no scalar remainder (``decoder.py`` groups 16 frames where the messages fit). Otherwise
the layered decoder stores every column twice (``app[c, M + q] = app[c, q]``), reads and writes a
circulant as the single run ``app[c, P F : P F + M]`` and then restores the copy (``_mirror``),
so that the arithmetic loops run over whole, aligned vectors; the flooding decoder then keeps the
exponentials out of the shifted runs (separate subtraction pass).

Check-to-variable messages are kept per edge (``msg[e, q]``, aligned with the check positions).

All kernels take arrays and scalars only and write into the outputs they are given.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types, uintp
from numba.extending import intrinsic

#: Algorithm codes shared with ``decoder.py``.
ALG_SPA = 0
ALG_NMS = 1
ALG_OMS = 2


# --------------------------------------------------------------------------------------------
# Exact box-plus in float32, arithmetic only (vectorises without a vector maths library)
#
# With A = exp(-|a|), B = exp(-|b|), the box-plus magnitude satisfies
#     exp(-|a [+] b|) = (A + B) / (1 + A B)
# (tanh(|x|/2) = (1 - X) / (1 + X)); all terms are positive, so no cancellation. exp and log are
# evaluated with polynomials and exponent-bit manipulation. Inputs are saturated at |t| <= 40
# (A >= 4e-18, products stay normal floats), so SPA messages are at most 40 in magnitude.
# --------------------------------------------------------------------------------------------
@intrinsic
def _as_int32(typingctx, x):
    """Reinterpret the bits of a float32 as an int32."""
    if not (isinstance(x, types.Float) and x.bitwidth == 32):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.int32(x), codegen


@intrinsic
def _as_float32(typingctx, x):
    """Reinterpret the low 32 bits of an integer as a float32."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        v = args[0]
        if x.bitwidth > 32:
            v = builder.trunc(v, ir.IntType(32))
        elif x.bitwidth < 32:
            v = builder.sext(v, ir.IntType(32))
        return builder.bitcast(v, ir.FloatType())

    return types.float32(x), codegen


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _exp_neg(x):
    """``exp(-x)`` for float32 ``0 <= x <= 80``, relative error about 3e-7."""
    y = x * np.float32(-1.4426950408889634)
    ni = np.int32(y - np.float32(0.5))  # round to nearest (y <= 0; conversion truncates)
    nf = np.float32(ni)
    r = -x - nf * np.float32(0.6931471805599453)
    p = np.float32(0.001388888888888889)
    p = p * r + np.float32(0.008333333333333333)
    p = p * r + np.float32(0.041666666666666664)
    p = p * r + np.float32(0.16666666666666666)
    p = p * r + np.float32(0.5)
    p = p * r + np.float32(1.0)
    p = p * r + np.float32(1.0)
    return p * _as_float32((ni + np.int32(127)) << np.int32(23))


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _neg_log(x):
    """``-ln(x)`` for a positive normal float32 ``x <= 1``, absolute error about 1e-7."""
    bits = _as_int32(x)
    e = (bits >> np.int32(23)) - np.int32(127)
    m = _as_float32((bits & np.int32(0x7FFFFF)) | np.int32(0x3F800000))
    big = m > np.float32(1.4142135623730951)
    m = m * np.float32(0.5) if big else m
    ef = np.float32(e) + (np.float32(1.0) if big else np.float32(0.0))
    u = m - np.float32(1.0)
    s = np.float32(-0.0961056798696518)
    s = s * u + np.float32(0.16247007250785828)
    s = s * u - np.float32(0.17437085509300232)
    s = s * u + np.float32(0.19901829957962036)
    s = s * u - np.float32(0.2495097666978836)
    s = s * u + np.float32(0.33334827423095703)
    s = s * u - np.float32(0.5000095367431641)
    s = s * u + np.float32(0.9999999403953552)
    s = s * u + np.float32(2.8767008330987665e-08)
    return max(-(ef * np.float32(0.6931471805599453) + s), np.float32(0.0))


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _comb(a, b):
    """Box-plus in the ``exp(-|x|)`` domain: ``(a + b) / (1 + a b)``."""
    return (a + b) / (np.float32(1.0) + a * b)


# --------------------------------------------------------------------------------------------
# Layout conversion, hard decisions and syndrome
# --------------------------------------------------------------------------------------------
@njit(cache=True)
def _load_group(llr, g0, nf, z, num_cols, app):
    """Channel LLRs of frames ``g0 .. g0+nf-1`` into ``app`` (punctured columns 0, 1 at 0)."""
    m = z * nf
    for c in range(2):
        for q in range(m):
            app[c, q] = np.float32(0.0)
    uz = uintp(z)
    unf = uintp(nf)
    for f in range(nf):
        uf = uintp(f)
        src = uintp(g0 + f)
        for c in range(2, num_cols):
            uc = uintp(c)
            base = uintp(c - 2) * uz
            for r in range(z):
                ur = uintp(r)
                app[uc, ur * unf + uf] = llr[src, base + ur]


@njit(cache=True)
def _xor_run(syn, hd, c, lo, qlo, n):
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        syn[uq + ui] ^= hd[c, ulo + ui]


@njit(cache=True)
def _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok):
    """``ok[f]`` = the hard decision of frame ``f`` of the group satisfies every check."""
    num_cols = app.shape[0]
    m = z * nf
    for c in range(num_cols):
        uc = uintp(c)
        for i in range(m):
            q = uintp(i)
            hd[uc, q] = np.uint8(1) if app[uc, q] < 0 else np.uint8(0)
    for q in range(m):
        acc[q] = 0
    for i in range(row_starts.shape[0] - 1):
        for q in range(m):
            syn[q] = 0
        for e in range(row_starts[i], row_starts[i + 1]):
            c = cols[e]
            s = shifts[e] * nf
            _xor_run(syn, hd, c, s, 0, m - s)
            _xor_run(syn, hd, c, 0, m - s, s)
        for q in range(m):
            acc[q] |= syn[q]
    for f in range(nf):
        ok[f] = True
    for r in range(z):
        for f in range(nf):
            if acc[r * nf + f] != 0:
                ok[f] = False


@njit(cache=True)
def _store_frame(app, hd, g0, f, nf, z, out_bits, out_llr):
    """Hard decisions and APP LLRs of the first ``out_bits.shape[1] / z`` columns of one frame
    (``kb`` columns: the systematic bits; ``num_cols``: the whole codeword)."""
    for c in range(out_bits.shape[1] // z):
        for r in range(z):
            out_bits[g0 + f, c * z + r] = hd[c, r * nf + f]
            out_llr[g0 + f, c * z + r] = app[c, r * nf + f]


@njit(cache=True)
def syndrome(bits, cols, shifts, row_starts, z, ok, out_syn):
    """Per-check syndrome of whole hard decisions ``bits`` [B, num_cols Z] (uint8).

    ``out_syn[b, i Z + r]`` = XOR over the edges ``(c, P)`` of row ``i`` (rows in the order of
    ``row_starts``) of ``bits[b, c Z + (r + P) mod Z]``; left untouched (zero) where ``ok[b]``.
    """
    for b in range(bits.shape[0]):
        if ok[b]:
            continue
        for i in range(row_starts.shape[0] - 1):
            o = i * z
            for e in range(row_starts[i], row_starts[i + 1]):
                base = cols[e] * z
                s = shifts[e]
                for r in range(z - s):
                    out_syn[b, o + r] ^= bits[b, base + s + r]
                for r in range(s):
                    out_syn[b, o + z - s + r] ^= bits[b, base + r]


@njit(cache=True)
def _gather_row(bits, llr, b, base, s, z, k, hv, tv):
    """``hv[k, r] = bits[b, base + (r + s) mod z]`` and likewise ``tv`` from ``llr``."""
    ub = uintp(b)
    uk = uintp(k)
    lo = uintp(base + s)
    for r in range(z - s):
        ur = uintp(r)
        hv[uk, ur] = bits[ub, lo + ur]
        tv[uk, ur] = llr[ub, lo + ur]
    lo = uintp(base)
    q = uintp(z - s)
    for r in range(s):
        ur = uintp(r)
        hv[uk, q + ur] = bits[ub, lo + ur]
        tv[uk, q + ur] = llr[ub, lo + ur]


@njit(cache=True)
def _erased_xor(hv, d, z):
    """``hv[0] = hv[0] ^ hv[1] ^ .. ^ hv[d - 1]``."""
    for k in range(1, d):
        uk = uintp(k)
        for r in range(z):
            ur = uintp(r)
            hv[uintp(0), ur] ^= hv[uk, ur]


@njit(cache=True)
def _erased_min(tv, d, z, acc):
    """``acc = min_k |tv[k]|`` over the ``d`` rows of ``tv``."""
    for r in range(z):
        ur = uintp(r)
        acc[ur] = abs(tv[uintp(0), ur])
    for k in range(1, d):
        uk = uintp(k)
        for r in range(z):
            ur = uintp(r)
            acc[ur] = min(acc[ur], abs(tv[uk, ur]))


@njit(cache=True, fastmath=True, error_model="numpy")
def _erased_spa(tv, d, z, tmax, acc):
    """``acc = -ln(exp(-|t_0|) [+] ...)``: box-plus magnitude of the ``d`` rows of ``tv``."""
    for r in range(z):
        acc[r] = _exp_neg(min(abs(tv[0, r]), tmax))
    for k in range(1, d):
        for r in range(z):
            acc[r] = _comb(acc[r], _exp_neg(min(abs(tv[k, r]), tmax)))
    for r in range(z):
        acc[r] = _neg_log(acc[r])


@njit(cache=True)
def complete_erased_parity(
    bits, llr, cols, shifts, row_starts, dead_rows, kb, z, algo, scaling, offset, clip, tmax,
    hv, tv, acc,
):
    """Decide the degree-one parity bits of the skipped rows ``dead_rows`` from their rows.

    ``bits`` [B, num_cols Z] (uint8) and ``llr`` [B, num_cols Z] (float32), whole hard
    decisions and APP LLRs, are completed in place: for check ``r`` of row ``i`` the parity bit
    ``(r + P) mod Z`` of column ``kb + i`` gets the XOR of the row's other bits and the
    check-node message from their APP values (exact box-plus in the ``exp(-|x|)`` domain with
    inputs saturated at ``tmax`` for ``algo`` 0, ``min * scaling`` for 1, ``min - offset``
    floored at 0 for 2; min-sum clipped at ``clip``), signed by that XOR. Full-graph ``cols``,
    ``shifts``, ``row_starts``; work arrays ``hv`` [dmax, Z] uint8, ``tv`` [dmax, Z] and
    ``acc`` [Z] float32.
    """
    zero = np.float32(0.0)
    for b in range(bits.shape[0]):
        for j in range(dead_rows.shape[0]):
            i = dead_rows[j]
            pe = -1
            d = 0
            for e in range(row_starts[i], row_starts[i + 1]):
                c = cols[e]
                if c == kb + i:
                    pe = e
                else:
                    _gather_row(bits, llr, b, c * z, shifts[e], z, d, hv, tv)
                    d += 1
            _erased_xor(hv, d, z)
            if algo == ALG_SPA:
                _erased_spa(tv, d, z, tmax, acc)
            else:
                _erased_min(tv, d, z, acc)
                if algo == ALG_NMS:
                    for r in range(z):
                        acc[r] = min(acc[r] * scaling, clip)
                else:
                    for r in range(z):
                        acc[r] = min(max(acc[r] - offset, zero), clip)
            base = (kb + i) * z
            s = shifts[pe]
            for r in range(z):
                v = r + s
                if v >= z:
                    v -= z
                h = hv[0, r]
                x = acc[r]
                bits[b, base + v] = h
                llr[b, base + v] = -x if h else x


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


@njit(cache=True, fastmath=True, error_model="numpy")
def _spa_sub_inputs(app, c, lo, msg, e, tv, ea, par, k, tmax, qlo, n):
    """``_sub_pass`` fused with ``_spa_inputs``: ``t``, ``exp(-min(|t|, tmax))``, sign parity."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    uk = uintp(k)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        t = app[c, ulo + ui] - msg[e, q]
        tv[uk, q] = t
        ea[uk, q] = _exp_neg(min(abs(t), tmax))
        p = par[q]
        par[q] = -p if t < 0 else p


@njit(cache=True)
def _spa_update(app, c, lo, msg, e, tv, ext, par, k, qlo, n):
    """``_spa_sign`` fused with ``_app_update``: signed message, ``app = t + msg``."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    uk = uintp(k)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        t = tv[uk, q]
        x = ext[uk, q] * par[q]
        r = -x if t < 0 else x
        msg[e, q] = r
        app[c, ulo + ui] = t + r


@njit(cache=True)
def _spa_accumulate(new, c, lo, msg, e, tv, ext, par, k, qlo, n):
    """Flooding: signed message into ``msg[e]`` and added to ``new[c, rot]``."""
    ulo = uintp(lo)
    uq = uintp(qlo)
    uk = uintp(k)
    for i in range(n):
        ui = uintp(i)
        q = uq + ui
        x = ext[uk, q] * par[q]
        r = -x if tv[uk, q] < 0 else x
        msg[e, q] = r
        new[c, ulo + ui] += r


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
def _mirror(app, c, s, m):
    """Restore ``app[c, m + q] = app[c, q]`` after the window ``[s, s + m)`` was written."""
    us = uintp(s)
    um = uintp(m)
    for i in range(m - s):
        ui = uintp(i)
        app[c, us + um + ui] = app[c, us + ui]
    for i in range(s):
        ui = uintp(i)
        app[c, ui] = app[c, um + ui]


@njit(cache=True)
def _copy_row(dst, i, src, j, m):
    ui = uintp(i)
    uj = uintp(j)
    for q in range(m):
        uq = uintp(q)
        dst[ui, uq] = src[uj, uq]


@njit(cache=True)
def _app_accumulate(new, c, lo, ext, k, qlo, n):
    ulo = uintp(lo)
    uq = uintp(qlo)
    for i in range(n):
        ui = uintp(i)
        new[c, ulo + ui] += ext[k, uq + ui]


@njit(cache=True, fastmath=True, error_model="numpy")
def _spa_inputs(tv, k, ea, par, tmax, m):
    """``ea[k] = exp(-min(|t|, tmax))`` and the running sign parity ``par`` (+-1)."""
    uk = uintp(k)
    for i in range(m):
        q = uintp(i)
        t = tv[uk, q]
        p = par[q]
        ea[uk, q] = _exp_neg(min(abs(t), tmax))
        par[q] = -p if t < 0 else p


@njit(cache=True, fastmath=True, error_model="numpy")
def _spa_forward(fw, ea, j, m):
    """``fw[j] = fw[j-1] [+] ea[j]`` in the exp domain."""
    uj = uintp(j)
    for i in range(m):
        q = uintp(i)
        fw[uj, q] = _comb(fw[uj - uintp(1), q], ea[uj, q])


@njit(cache=True, fastmath=True, error_model="numpy")
def _spa_backward(fw, bacc, ea, ext, j, m):
    """``ext[j] = -ln(fw[j-1] [+] bacc)`` and ``bacc = bacc [+] ea[j]``."""
    uj = uintp(j)
    for i in range(m):
        q = uintp(i)
        b = bacc[q]
        f = fw[uj - uintp(1), q]
        a = ea[uj, q]
        ext[uj, q] = _neg_log(_comb(f, b))
        bacc[q] = _comb(b, a)


@njit(cache=True, fastmath=True, error_model="numpy")
def _spa_last(src, ext, j, m):
    uj = uintp(j)
    for i in range(m):
        q = uintp(i)
        ext[uj, q] = _neg_log(src[q])


@njit(cache=True)
def _spa_sign(tv, par, ext, k, m):
    """Signed message: magnitude ``ext[k]`` times the parity of the other edges' signs."""
    uk = uintp(k)
    for i in range(m):
        q = uintp(i)
        t = tv[uk, q]
        x = ext[uk, q] * par[q]
        ext[uk, q] = -x if t < 0 else x


@njit(cache=True)
def _spa_magnitudes(ea, fw, bacc, ext, d, m):
    """Box-plus magnitudes ``ext[j]`` of every edge of a row from ``ea[0:d]``."""
    for q in range(m):
        fw[0, q] = ea[0, q]
    for j in range(1, d - 1):
        _spa_forward(fw, ea, j, m)
    _spa_last(fw[d - 2], ext, d - 1, m)
    for q in range(m):
        bacc[q] = ea[d - 1, q]
    for j in range(d - 2, 0, -1):
        _spa_backward(fw, bacc, ea, ext, j, m)
    _spa_last(bacc, ext, 0, m)


@njit(cache=True)
def _spa_extrinsic(t, ea, fw, bacc, par, ext, d, m, tmax):
    """Exact box-plus extrinsic of every edge of one row: ``ext[j]`` from ``t[0:d]``."""
    for q in range(m):
        par[q] = np.float32(1.0)
    for k in range(d):
        _spa_inputs(t, k, ea, par, tmax, m)
    for q in range(m):
        fw[0, q] = ea[0, q]
    for j in range(1, d - 1):
        _spa_forward(fw, ea, j, m)
    _spa_last(fw[d - 2], ext, d - 1, m)
    for q in range(m):
        bacc[q] = ea[d - 1, q]
    for j in range(d - 2, 0, -1):
        _spa_backward(fw, bacc, ea, ext, j, m)
    _spa_last(bacc, ext, 0, m)
    for k in range(d):
        _spa_sign(t, par, ext, k, m)


@njit(cache=True)
def layered_decode(
    llr, cols, shifts, row_starts, num_cols, kb, z, frames, algo, max_iter, early_stop,
    scaling, offset, clip, tmax, out_bits, out_iter, out_ok, out_llr,
):
    """Row-layered decoding of ``llr`` [B, N] (float32) in groups of ``frames`` code blocks.

    ``algo``: 0 sum-product (exact box-plus), 1 normalised min-sum (``scaling``), 2 offset
    min-sum (``offset``). Min-sum messages are clipped to ``[-clip, clip]``; sum-product
    saturates the check-node inputs at ``|t| <= tmax``. Writes ``out_bits`` [B, C Z]
    uint8, ``out_iter`` [B] int32, ``out_ok`` [B] bool and ``out_llr`` [B, C Z] float32, the
    first ``C`` columns (``kb`` or ``num_cols``) as sized by the caller.
    """
    nb = llr.shape[0]
    ne = cols.shape[0]
    nrows = row_starts.shape[0] - 1
    dmax = 0
    for i in range(nrows):
        dmax = max(dmax, row_starts[i + 1] - row_starts[i])
    zero = np.float32(0.0)
    big = np.float32(3.0e38)
    mx = z * min(frames, max(nb, 1))
    app = np.empty((num_cols, 2 * mx), np.float32)  # each column twice: no wrap-around
    msg = np.empty((ne, mx), np.float32)
    tv = np.empty((dmax, mx), np.float32)
    fw = np.empty((dmax, mx), np.float32)
    ea = np.empty((dmax, mx), np.float32)
    par = np.empty(mx, np.float32)
    ext = np.empty((dmax, mx), np.float32)
    bacc = np.empty(mx, np.float32)
    m1 = np.empty(mx, np.float32)
    m2 = np.empty(mx, np.float32)
    v1 = np.empty(mx, np.float32)
    v2 = np.empty(mx, np.float32)
    hd = np.empty((num_cols, mx), np.uint8)
    acc = np.empty(mx, np.uint8)
    syn = np.empty(mx, np.uint8)
    ok = np.empty(frames, np.bool_)
    done = np.empty(frames, np.bool_)
    for g0 in range(0, nb, frames):
        nf = min(frames, nb - g0)
        m = z * nf
        _load_group(llr, g0, nf, z, num_cols, app)
        # Shifted runs end off a 16-float boundary unless 16 | nf: then read/write each
        # circulant as one run of the doubled column and restore the copy afterwards.
        dbl = nf % 16 != 0
        if dbl:
            for c in range(num_cols):
                _mirror(app, c, 0, m)
        for e in range(ne):
            for q in range(m):
                msg[e, q] = zero
        for f in range(nf):
            done[f] = False
        ndone = 0
        for it in range(1, max_iter + 1):
            for i in range(nrows):
                e0 = row_starts[i]
                d = row_starts[i + 1] - e0
                if algo == ALG_SPA:
                    for q in range(m):
                        par[q] = np.float32(1.0)
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        if dbl:
                            _spa_sub_inputs(app, c, sh, msg, e, tv, ea, par, k, tmax, 0, m)
                        else:
                            _spa_sub_inputs(app, c, sh, msg, e, tv, ea, par, k, tmax, 0, m - sh)
                            _spa_sub_inputs(app, c, 0, msg, e, tv, ea, par, k, tmax, m - sh, sh)
                    _spa_magnitudes(ea, fw, bacc, ext, d, m)
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        if dbl:
                            _spa_update(app, c, sh, msg, e, tv, ext, par, k, 0, m)
                            _mirror(app, c, sh, m)
                        else:
                            _spa_update(app, c, sh, msg, e, tv, ext, par, k, 0, m - sh)
                            _spa_update(app, c, 0, msg, e, tv, ext, par, k, m - sh, sh)
                else:
                    for q in range(m):
                        m1[q] = big
                        m2[q] = big
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        if dbl:
                            _ms_pass1(app, c, sh, msg, e, m1, m2, 0, m)
                        else:
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
                        if dbl:
                            _ms_pass2(app, c, sh, msg, e, m1, v1, v2, 0, m)
                            _mirror(app, c, sh, m)
                        else:
                            _ms_pass2(app, c, sh, msg, e, m1, v1, v2, 0, m - sh)
                            _ms_pass2(app, c, 0, msg, e, m1, v1, v2, m - sh, sh)
            last = it == max_iter
            if early_stop or last:
                _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok)
                for f in range(nf):
                    if not done[f] and (ok[f] or last):
                        _store_frame(app, hd, g0, f, nf, z, out_bits, out_llr)
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
    llr, cols, shifts, row_starts, num_cols, kb, z, frames, max_iter, early_stop, tmax,
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
    mx = z * min(frames, max(nb, 1))
    chan = np.empty((num_cols, mx), np.float32)
    app = np.empty((num_cols, mx), np.float32)
    new = np.empty((num_cols, mx), np.float32)
    msg = np.empty((ne, mx), np.float32)
    tv = np.empty((dmax, mx), np.float32)
    fw = np.empty((dmax, mx), np.float32)
    ea = np.empty((dmax, mx), np.float32)
    par = np.empty(mx, np.float32)
    ext = np.empty((dmax, mx), np.float32)
    bacc = np.empty(mx, np.float32)
    hd = np.empty((num_cols, mx), np.uint8)
    acc = np.empty(mx, np.uint8)
    syn = np.empty(mx, np.uint8)
    ok = np.empty(frames, np.bool_)
    done = np.empty(frames, np.bool_)
    for g0 in range(0, nb, frames):
        nf = min(frames, nb - g0)
        m = z * nf
        _load_group(llr, g0, nf, z, num_cols, chan)
        for c in range(num_cols):
            _copy_row(app, c, chan, c, m)
        for e in range(ne):
            for q in range(m):
                msg[e, q] = np.float32(0.0)
        for f in range(nf):
            done[f] = False
        ndone = 0
        for it in range(1, max_iter + 1):
            for c in range(num_cols):
                _copy_row(new, c, chan, c, m)
            for i in range(nrows):
                e0 = row_starts[i]
                d = row_starts[i + 1] - e0
                if nf % 16 != 0:  # shifted runs off the lanes: keep exp out of them
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _sub_pass(app, c, sh, msg, e, tv, k, 0, m - sh)
                        _sub_pass(app, c, 0, msg, e, tv, k, m - sh, sh)
                    _spa_extrinsic(tv, ea, fw, bacc, par, ext, d, m, tmax)
                    for k in range(d):
                        e = e0 + k
                        sh = shifts[e] * nf
                        c = cols[e]
                        _copy_row(msg, e, ext, k, m)
                        _app_accumulate(new, c, sh, ext, k, 0, m - sh)
                        _app_accumulate(new, c, 0, ext, k, m - sh, sh)
                    continue
                for q in range(m):
                    par[q] = np.float32(1.0)
                for k in range(d):
                    e = e0 + k
                    sh = shifts[e] * nf
                    c = cols[e]
                    _spa_sub_inputs(app, c, sh, msg, e, tv, ea, par, k, tmax, 0, m - sh)
                    _spa_sub_inputs(app, c, 0, msg, e, tv, ea, par, k, tmax, m - sh, sh)
                _spa_magnitudes(ea, fw, bacc, ext, d, m)
                for k in range(d):
                    e = e0 + k
                    sh = shifts[e] * nf
                    c = cols[e]
                    _spa_accumulate(new, c, sh, msg, e, tv, ext, par, k, 0, m - sh)
                    _spa_accumulate(new, c, 0, msg, e, tv, ext, par, k, m - sh, sh)
            app, new = new, app
            last = it == max_iter
            if early_stop or last:
                _syndrome_ok(app, cols, shifts, row_starts, z, nf, hd, acc, syn, ok)
                for f in range(nf):
                    if not done[f] and (ok[f] or last):
                        _store_frame(app, hd, g0, f, nf, z, out_bits, out_llr)
                        out_iter[g0 + f] = it
                        out_ok[g0 + f] = ok[f]
                        done[f] = True
                        ndone += 1
                if ndone == nf:
                    break
