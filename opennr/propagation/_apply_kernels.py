"""Numba kernels of :mod:`opennr.propagation.apply` (time-varying FIR filtering).

Arrays and scalars only; every kernel writes into an output it is given. The plain NumPy twin
used in the tests is :func:`time_channel_numpy`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["time_channel_kernel", "time_channel_numpy"]


@njit(cache=True, fastmath={"reassoc", "contract"})
def time_channel_kernel(xr, xi, hr, hi, seg_start, seg_stop, weights, tap0, pad, yr, yi):
    """Time-varying FIR ``y[b, r, n] += sum_t sum_j h_j(n)[b, r, t] x[b, t, n - tap0 - j]``.

    ``h_j(n) = (1 - w_n) h[..., i, j] + w_n h[..., i + 1, j]`` for the samples ``n`` of segment
    ``i`` (``seg_start[i] <= n < seg_stop[i]``), ``w_n = weights[n]``. Per output sample the
    interpolated taps are summed against a contiguous, tap-reversed window of the input (a
    float32 reduction that LLVM vectorises: ``fastmath`` is limited to reassociation and
    fused multiply-add, so NaN and infinities propagate as usual).

    Parameters
    ----------
    xr, xi : float32 [Bx, n_tx, pad + S + tail]
        Real and imaginary planes of the zero-padded input; sample ``n`` of the output reads
        ``x[pad + n - tap0 - j]``. ``Bx`` is 1 (broadcast) or ``B``.
    hr, hi : float32 [B, n_rx, n_tx, T, M]
        Combined FIR taps at the ``T`` gain times (``T >= 2``).
    seg_start, seg_stop : int64 [T - 1]
    weights : float32 [S]
    tap0 : int
        Delay in samples of tap ``j = 0`` (may be negative: non-causal taps of the sinc).
    pad : int
    yr, yi : float32 [B, n_rx, S], accumulated into (pass zeros)
    """
    n_b, n_rx, n_tx, n_t, n_m = hr.shape
    bx_one = xr.shape[0] == 1
    h0r = np.empty(n_m, np.float32)
    h0i = np.empty(n_m, np.float32)
    dr = np.empty(n_m, np.float32)
    di = np.empty(n_m, np.float32)
    base = pad - tap0 - (n_m - 1)
    for b in range(n_b):
        bx = 0 if bx_one else b
        for r in range(n_rx):
            for i in range(n_t - 1):
                a = seg_start[i]
                e = seg_stop[i]
                if e <= a:
                    continue
                for t in range(n_tx):
                    xrow_r = xr[bx, t]
                    xrow_i = xi[bx, t]
                    for j in range(n_m):  # reversed taps: q = M - 1 - j
                        q = n_m - 1 - j
                        h0r[q] = hr[b, r, t, i, j]
                        h0i[q] = hi[b, r, t, i, j]
                        dr[q] = hr[b, r, t, i + 1, j] - hr[b, r, t, i, j]
                        di[q] = hi[b, r, t, i + 1, j] - hi[b, r, t, i, j]
                    for n in range(a, e):
                        w = weights[n]
                        sr = np.float32(0.0)
                        si = np.float32(0.0)
                        o = n + base
                        for q in range(n_m):
                            cr = h0r[q] + w * dr[q]
                            ci = h0i[q] + w * di[q]
                            vr = xrow_r[o + q]
                            vi = xrow_i[o + q]
                            sr += cr * vr - ci * vi
                            si += cr * vi + ci * vr
                        yr[b, r, n] += sr
                        yi[b, r, n] += si


def time_channel_numpy(x, gains, gain_times, delays, sample_rate, start_time, half_length,
                       beta, history=None, filter_delay=0):
    """Plain NumPy twin of :func:`apply_time_channel` (one output sample at a time, per path).

    ``y[b, r, n] = sum_t sum_p g_p(t_n) sum_m f(m - d_p) x[b, t, n - D - m]`` with ``g_p``
    linearly interpolated (held constant outside ``gain_times``), ``d_p = tau_p f_s``, ``f`` the
    Kaiser-windowed sinc of half-length ``half_length`` and ``D = filter_delay`` an integer
    number of samples (the caller resolves ``"causal"``). Slow; for tests.
    """
    x = np.asarray(x, dtype=np.complex128)
    g = np.asarray(gains, dtype=np.complex128)
    n_b, n_rx, n_tx, n_p, _ = g.shape
    s = x.shape[-1]
    if history is None:
        hist = np.zeros(x.shape[:-1] + (0,), dtype=np.complex128)
    else:
        hist = np.asarray(history, dtype=np.complex128)
    full = np.concatenate([hist, x], axis=-1)
    n_hist = hist.shape[-1]
    times = start_time + np.arange(s) / sample_rate
    y = np.zeros((n_b, n_rx, s), dtype=np.complex128)
    for p in range(n_p):
        d = delays[p] * sample_rate
        m = np.arange(int(np.floor(d)) - half_length + 1, int(np.floor(d)) + half_length + 1)
        u = m - d
        taps = np.sinc(u) * np.i0(beta * np.sqrt(np.clip(1 - (u / half_length) ** 2, 0, None)))
        taps /= np.i0(beta)
        for b in range(n_b):
            bx = 0 if full.shape[0] == 1 else b
            for t in range(n_tx):
                src = full[bx, t]
                filt = np.zeros(s, dtype=np.complex128)
                for mm, c in zip(m, taps):
                    idx = np.arange(s) - mm - int(filter_delay) + n_hist
                    ok = (idx >= 0) & (idx < src.size)
                    filt[ok] += c * src[idx[ok]]
                for r in range(n_rx):
                    gp = (np.interp(times, gain_times, g[b, r, t, p].real)
                          + 1j * np.interp(times, gain_times, g[b, r, t, p].imag))
                    y[b, r] += gp * filt
    return y.astype(np.complex64)
