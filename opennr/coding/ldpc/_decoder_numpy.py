"""Plain-NumPy twins of the LDPC decoder kernels (private; slow, for tests).

One code block at a time, the circulants handled with explicit index vectors. The min-sum twin
performs the same float32 operations in the same order as the Numba kernel, so both give
identical results; the sum-product twins use float64 ``log1p``/``exp`` box-plus and agree with
the kernels to a tolerance.
"""

from __future__ import annotations

import numpy as np

from opennr.coding.ldpc._decoder_kernels import ALG_NMS, ALG_SPA

__all__ = ["layered_decode_numpy", "flooding_decode_numpy", "complete_erased_parity_numpy"]


def _boxplus64(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    m = np.minimum(np.abs(a), np.abs(b)) * np.where((a < 0) != (b < 0), -1.0, 1.0)
    return m + np.log1p(np.exp(-np.abs(a + b))) - np.log1p(np.exp(-np.abs(a - b)))


def _spa_extrinsic(t, tmax):
    """Box-plus of all other rows of ``t`` [d, Z] (saturated at +-tmax), as float32."""
    t = np.clip(t.astype(np.float64), -tmax, tmax)
    d = t.shape[0]
    fw = [t[0].astype(np.float64)]
    for j in range(1, d):
        fw.append(_boxplus64(fw[-1], t[j]))
    bw = [t[d - 1].astype(np.float64)]
    for j in range(d - 2, -1, -1):
        bw.insert(0, _boxplus64(bw[0], t[j]))
    ext = np.empty(t.shape, np.float64)
    ext[0] = bw[1]
    ext[d - 1] = fw[d - 2]
    for j in range(1, d - 1):
        ext[j] = _boxplus64(fw[j - 1], bw[j + 1])
    return ext.astype(np.float32)


def _minsum_extrinsic(t, algo, scaling, offset, clip):
    """Normalised/offset min-sum messages of one row, float32 ops as in the kernel."""
    a = np.abs(t)
    im = np.argmin(a, axis=0)
    m1 = a.min(axis=0)
    a2 = a.copy()
    a2[im, np.arange(t.shape[1])] = np.inf
    m2 = a2.min(axis=0)
    if algo == ALG_NMS:
        m1 = np.minimum(m1 * scaling, clip)
        m2 = np.minimum(m2 * scaling, clip)
    else:
        m1 = np.minimum(np.maximum(m1 - offset, np.float32(0)), clip)
        m2 = np.minimum(np.maximum(m2 - offset, np.float32(0)), clip)
    sg = np.prod(np.where(t < 0, np.float32(-1), np.float32(1)), axis=0).astype(np.float32)
    mag = np.where(np.arange(t.shape[0])[:, None] == im[None, :], m2, m1)
    s = np.where(t >= 0, sg, -sg)
    return (s * mag).astype(np.float32)


def _gather_index(shifts, z):
    return (np.arange(z)[None, :] + shifts[:, None]) % z


def _syndrome(app, cols, idx, row_starts):
    """Per-check syndrome ``[R * Z]`` of the hard decision of ``app`` (rows as given)."""
    hd = (app < 0).astype(np.uint8)
    return np.concatenate([
        np.bitwise_xor.reduce(hd[cols[row_starts[i] : row_starts[i + 1]][:, None],
                                 idx[row_starts[i] : row_starts[i + 1]]], axis=0)
        for i in range(len(row_starts) - 1)
    ])


def _syndrome_ok(app, cols, idx, row_starts):
    return not _syndrome(app, cols, idx, row_starts).any()


def _finish(app, ncols, z):
    return (app[:ncols] < 0).astype(np.uint8).reshape(ncols * z), app[:ncols].reshape(-1).copy()


def _outputs(nb, ncols_out, z, nsyn):
    return (np.zeros((nb, ncols_out * z), np.uint8), np.zeros(nb, np.int32), np.zeros(nb, bool),
            np.zeros((nb, ncols_out * z), np.float32), np.zeros((nb, nsyn), np.uint8))


def layered_decode_numpy(
    llr, cols, shifts, row_starts, num_cols, ncols_out, z, algo, max_iter, early_stop,
    scaling, offset, clip, tmax, want_syndrome=False,
):
    """Twin of ``layered_decode``; returns ``(bits, iterations, parity_ok, app_llr, syndrome)``
    with the first ``ncols_out`` columns and the per-check syndrome (``[B, 0]`` unless
    ``want_syndrome``)."""
    nb = llr.shape[0]
    idx = _gather_index(np.asarray(shifts), z)
    cols = np.asarray(cols)
    bits, iters, oks, post, syn = _outputs(
        nb, ncols_out, z, (len(row_starts) - 1) * z if want_syndrome else 0
    )
    scaling, offset, clip = np.float32(scaling), np.float32(offset), np.float32(clip)
    for b in range(nb):
        app = np.zeros((num_cols, z), np.float32)
        app[2:] = llr[b].reshape(num_cols - 2, z)
        msg = np.zeros((len(cols), z), np.float32)
        for it in range(1, max_iter + 1):
            for i in range(len(row_starts) - 1):
                es = slice(row_starts[i], row_starts[i + 1])
                ci, ii = cols[es][:, None], idx[es]
                t = app[ci, ii] - msg[es]
                if algo == ALG_SPA:
                    r = _spa_extrinsic(t, tmax)
                else:
                    r = _minsum_extrinsic(t, algo, scaling, offset, clip)
                msg[es] = r
                app[ci, ii] = t + r
            ok = _syndrome_ok(app, cols, idx, row_starts) if (early_stop or it == max_iter) else False
            if ok or it == max_iter:
                bits[b], post[b] = _finish(app, ncols_out, z)
                iters[b], oks[b] = it, ok
                if want_syndrome:
                    syn[b] = _syndrome(app, cols, idx, row_starts)
                break
    return bits, iters, oks, post, syn


def flooding_decode_numpy(
    llr, cols, shifts, row_starts, num_cols, ncols_out, z, max_iter, early_stop, tmax,
    want_syndrome=False,
):
    """Twin of ``flooding_decode``; same outputs as :func:`layered_decode_numpy`."""
    nb = llr.shape[0]
    idx = _gather_index(np.asarray(shifts), z)
    cols = np.asarray(cols)
    bits, iters, oks, post, syn = _outputs(
        nb, ncols_out, z, (len(row_starts) - 1) * z if want_syndrome else 0
    )
    for b in range(nb):
        chan = np.zeros((num_cols, z), np.float32)
        chan[2:] = llr[b].reshape(num_cols - 2, z)
        app = chan.copy()
        msg = np.zeros((len(cols), z), np.float32)
        for it in range(1, max_iter + 1):
            new = chan.copy()
            for i in range(len(row_starts) - 1):
                es = slice(row_starts[i], row_starts[i + 1])
                ci, ii = cols[es][:, None], idx[es]
                r = _spa_extrinsic(app[ci, ii] - msg[es], tmax)
                msg[es] = r
                for j in range(r.shape[0]):
                    new[ci[j, 0], ii[j]] += r[j]
            app = new
            ok = _syndrome_ok(app, cols, idx, row_starts) if (early_stop or it == max_iter) else False
            if ok or it == max_iter:
                bits[b], post[b] = _finish(app, ncols_out, z)
                iters[b], oks[b] = it, ok
                if want_syndrome:
                    syn[b] = _syndrome(app, cols, idx, row_starts)
                break
    return bits, iters, oks, post, syn


def complete_erased_parity_numpy(
    bits, llr, cols, shifts, row_starts, dead_rows, kb, z, algo, scaling, offset, clip, tmax
):
    """Twin of ``complete_erased_parity`` (float64 ``log1p``/``exp`` box-plus), in place."""
    hd = bits.reshape(bits.shape[0], -1, z)
    app = llr.reshape(llr.shape[0], -1, z)
    r = np.arange(z)
    for i in dead_rows:
        es = np.arange(row_starts[i], row_starts[i + 1])
        p_edge = es[cols[es] == kb + i][0]
        others = es[es != p_edge]
        idx = (r[None, :] + shifts[others][:, None]) % z  # [d-1, Z]
        c = cols[others][:, None]
        parity = np.bitwise_xor.reduce(hd[:, c, idx], axis=1)  # [B, Z]
        mag = np.abs(app[:, c, idx])  # [B, d-1, Z]
        if algo == ALG_SPA:
            mag = np.minimum(mag.astype(np.float64), tmax)
            acc = mag[:, 0]
            for j in range(1, mag.shape[1]):
                b = mag[:, j]
                acc = (np.minimum(acc, b) + np.log1p(np.exp(-(acc + b)))
                       - np.log1p(np.exp(-np.abs(acc - b))))
            acc = np.maximum(acc, 0.0)
        elif algo == ALG_NMS:
            acc = np.minimum(mag.min(axis=1) * np.float32(scaling), np.float32(clip))
        else:
            acc = np.minimum(np.maximum(mag.min(axis=1) - np.float32(offset), np.float32(0.0)),
                             np.float32(clip))
        v = (r + shifts[p_edge]) % z
        hd[:, kb + i, v] = parity
        app[:, kb + i, v] = np.where(parity == 1, -acc, acc).astype(np.float32)
