"""Numba kernels of the TS 38.212 §5.3.1 polar decoders (SC, SCL and fast simplified SCL).

Private module: the public wrapper is :func:`opennr.coding.polar.decoder.polar_decode`, which
validates the inputs, builds the node schedule and allocates the outputs.

Decoding walks a *schedule*: the leaves (plain SC/SCL) or the special nodes (fast SCL) of the
polar code tree, left to right. Entry ``j`` is the sub-tree of size ``2^stage[j]`` whose first
u index is ``start[j]``; its type is one of the ``T_*`` constants below and ``kpos[j]`` is the
number of information bits (c bits, PC bits excluded) before it.

Memory layout (stage ``t`` holds ``2^t`` values, at offset ``2^t`` of a row of ``2 N``):

* LLRs ``alpha``: physical rows ``[L, 2 N]``; path ``l`` reads stage ``t`` from row
  ``aptr[l, t]``. Rows are shared between paths after a split and counted in ``refc[t, row]``;
  a write to a shared row first moves the path to a free row (copy-on-write without a copy,
  because every write overwrites the whole stage). Stage ``n`` (the channel LLRs) is row 0.
* Partial sums ``beta``: one row ``[2 N]`` per path; a node at stage ``t`` assembles its output
  (its part of ``x = u G``) in stage ``t``; when a left child is done it is saved in the first
  half of its parent's stage. A path split copies only the live saved halves.

Path metrics use the usual approximation ``PM += |lambda|`` when a decision disagrees with the
sign of its LLR (Balatsoukas-Stimming et al., 2015). The fast nodes (Hashemi, Condo and Gross,
"Fast and flexible successive-cancellation list decoders for polar codes", 2017) are:
rate-0 (``PM += sum of |alpha| over negative alpha``), repetition (two candidates), rate-1
(hard decision, then ``min(L - 1, M)`` flips of the least reliable bits, one per list step)
and single parity check (hard decision, parity fixed on the least reliable bit, then
``min(L, M) - 1`` flips). With min-sum ``f`` they give exactly the list of plain SCL.
"""

from __future__ import annotations

import numpy as np
from numba import njit

T_R0 = 0  # rate-0 node (a frozen leaf when stage 0)
T_R1 = 1  # rate-1 node (all information bits)
T_REP = 2  # repetition node (only its last bit is information)
T_SPC = 3  # single parity check node (only its first bit is frozen)
T_PC = 4  # parity-check leaf (§5.3.1.2)
T_INFO = 5  # information leaf

F_MINSUM = 0
F_EXACT = 1


@njit(cache=True)
def _f_stage(src, so, dst, do, h, exact):
    """dst[do + i] = f(src[so + i], src[so + h + i]) for i < h (check-node update).

    Exact box-plus: ``|f| = 2 atanh(tanh(|a|/2) tanh(|b|/2))`` when ``min(|a|, |b|) < 2``, else
    ``min(|a|, |b|) - ln(1 + e^-||a|-|b||) + ln(1 + e^-(|a|+|b|))`` (no cancellation either way),
    with sign ``sign(a) sign(b)``.
    """
    if exact:
        for i in range(h):
            a = src[so + i]
            b = src[so + h + i]
            aa = abs(a)
            bb = abs(b)
            m = aa if aa < bb else bb
            if m < 2.0:
                # small result: tanh form keeps its relative precision (and its sign)
                m = 2.0 * np.arctanh(np.tanh(0.5 * aa) * np.tanh(0.5 * bb))
            else:
                d = aa - bb if aa > bb else bb - aa
                m = m - np.log1p(np.exp(-d)) + np.log1p(np.exp(-(aa + bb)))
            dst[do + i] = -m if (a < 0) != (b < 0) else m
    else:
        for i in range(h):
            a = src[so + i]
            b = src[so + h + i]
            aa = abs(a)
            bb = abs(b)
            m = min(bb, aa)
            dst[do + i] = -m if (a < 0) != (b < 0) else m


@njit(cache=True)
def _g_stage(src, so, bits, bo, dst, do, h):
    """dst[do + i] = src[so + h + i] + (1 - 2 bits[bo + i]) src[so + i] (variable-node update)."""
    for i in range(h):
        a = src[so + i]
        dst[do + i] = src[so + h + i] + (-a if bits[bo + i] else a)


@njit(cache=True)
def _transform(x, o, m, tmp):
    """tmp[:m] = x[o:o+m] G_m over GF(2) (G is involutory: also x -> u)."""
    for i in range(m):
        tmp[i] = x[o + i]
    h = 1
    while h < m:
        for i in range(m):
            if (i & h) == 0:
                tmp[i] ^= tmp[i + h]
        h *= 2


@njit(cache=True)
def _pen(x, v, exact):
    """Path-metric increment of deciding bit ``v`` against LLR ``x``.

    Exact: ``ln(1 + e^-(1-2v)x)``; otherwise its approximation ``|x|`` if the decision disagrees
    with the sign of ``x``, else 0.
    """
    y = -x if v else x
    if exact:
        return max(-y, 0.0) + np.log1p(np.exp(-abs(y)))
    return -y if y < 0 else 0.0


@njit(cache=True)
def _ctz(p):
    t = 0
    while ((p >> t) & 1) == 0:
        t += 1
    return t


@njit(cache=True)
def sc_decode_kernel(llr, n, start, stage, ntype, kpos, exact, bits_out, pm_out):
    """Successive cancellation, one path. ``llr`` [B, N] -> ``bits_out`` [B, K], ``pm_out`` [B]."""
    nb = llr.shape[0]
    nn = 1 << n
    alpha = np.zeros(2 * nn, np.float32)
    beta = np.zeros(2 * nn, np.uint8)
    nnode = start.shape[0]
    for b in range(nb):
        for i in range(nn):
            alpha[nn + i] = llr[b, i]
        pm = 0.0
        mask = 0
        for j in range(nnode):
            p = start[j]
            s = stage[j]
            # up (combine partial sums) and down (G then F) to the node
            if j == 0:
                top = n
            else:
                t = _ctz(p)
                for u in range(stage[j - 1], t):
                    h = 1 << u
                    for i in range(h):
                        beta[2 * h + i] ^= beta[h + i]
                        beta[3 * h + i] = beta[h + i]
                h = 1 << t
                for i in range(h):
                    beta[2 * h + i] = beta[h + i]
                _g_stage(alpha, 2 * h, beta, 2 * h, alpha, h, h)
                top = t
            for u in range(top, s, -1):
                h = 1 << (u - 1)
                _f_stage(alpha, 2 * h, alpha, h, h, exact)
            typ = ntype[j]
            # leaves only (the SC schedule is leaf by leaf)
            lam = alpha[1]
            if typ == T_R0:
                v = 0
            elif typ == T_PC:
                v = (mask >> (p % 5)) & 1
            else:
                v = 1 if lam < 0 else 0
                bits_out[b, kpos[j]] = v
                mask ^= v << (p % 5)
            pm += _pen(lam, v, exact)
            beta[1] = v
        pm_out[b] = pm


@njit(cache=True)
def _select(ncand, cpm, lmax, keep):
    """keep[i] = candidate i is among the ``lmax`` smallest metrics (ties: lower index first)."""
    if ncand <= lmax:
        for i in range(ncand):
            keep[i] = True
        return
    for i in range(ncand):
        r = 0
        pi = cpm[i]
        for j in range(ncand):
            pj = cpm[j]
            if pj < pi or (pj == pi and j < i):
                r += 1
        keep[i] = r < lmax


@njit(cache=True)
def scl_decode_kernel(
    llr, n, start, stage, ntype, kpos, k, lmax, exact, cand_bits, cand_pm, cand_num
):
    """SC list decoding of each block over a schedule (leaves or fast nodes).

    Writes the surviving paths of block ``b`` sorted by path metric (ascending):
    ``cand_bits[b, :cand_num[b], :]`` [K] information bits and ``cand_pm[b, :cand_num[b]]``.
    """
    nb = llr.shape[0]
    nn = 1 << n
    nnode = start.shape[0]
    alpha = np.zeros((lmax, 2 * nn), np.float32)
    aptr = np.zeros((lmax, n + 1), np.int32)
    refc = np.zeros((n + 1, lmax), np.int32)
    beta = np.zeros((lmax, 2 * nn), np.uint8)
    ubits = np.zeros((lmax, max(k, 1)), np.uint8)
    pm = np.zeros(lmax, np.float64)
    mask = np.zeros(lmax, np.int32)
    active = np.zeros(lmax, np.bool_)
    plist = np.zeros(lmax, np.int32)  # active path ids (snapshot per step)
    # node-local state (rate-1 / SPC): least reliable positions, |alpha|, parity
    ordi = np.zeros((lmax, lmax + 1), np.int32)
    ordv = np.zeros((lmax, lmax + 1), np.float32)
    par = np.zeros(lmax, np.int32)
    cpm = np.zeros(2 * lmax, np.float64)
    keep = np.zeros(2 * lmax, np.bool_)
    k1 = np.zeros(lmax, np.bool_)
    tmp = np.zeros(nn, np.uint8)
    order = np.zeros(lmax, np.int32)
    for b in range(nb):
        # one path, all stages on row 0
        for i in range(nn):
            alpha[0, nn + i] = llr[b, i]
        active[:] = False
        active[0] = True
        pm[0] = 0.0
        mask[0] = 0
        aptr[:, :] = 0
        refc[:, :] = 0
        for t in range(n):
            refc[t, 0] = 1
        for j in range(nnode):
            p = start[j]
            s = stage[j]
            m = 1 << s
            typ = ntype[j]
            kj = kpos[j]
            na = 0
            for l in range(lmax):
                if active[l]:
                    plist[na] = l
                    na += 1
            # ---- up and down the tree to this node, per path
            for a in range(na):
                l = plist[a]
                if j == 0:
                    top = n
                else:
                    t = _ctz(p)
                    for u in range(stage[j - 1], t):
                        h = 1 << u
                        for i in range(h):
                            beta[l, 2 * h + i] ^= beta[l, h + i]
                            beta[l, 3 * h + i] = beta[l, h + i]
                    h = 1 << t
                    for i in range(h):
                        beta[l, 2 * h + i] = beta[l, h + i]
                    # G into stage t (copy-on-write row)
                    r = aptr[l, t]
                    if refc[t, r] > 1:
                        refc[t, r] -= 1
                        r = 0
                        while refc[t, r] != 0:
                            r += 1
                        refc[t, r] = 1
                        aptr[l, t] = r
                    _g_stage(
                        alpha[aptr[l, t + 1]], 2 * h, beta[l], 2 * h, alpha[r], h, h
                    )
                    top = t
                for u in range(top, s, -1):
                    h = 1 << (u - 1)
                    t = u - 1
                    r = aptr[l, t]
                    if refc[t, r] > 1:
                        refc[t, r] -= 1
                        r = 0
                        while refc[t, r] != 0:
                            r += 1
                        refc[t, r] = 1
                        aptr[l, t] = r
                    _f_stage(alpha[aptr[l, u]], 2 * h, alpha[r], h, h, exact)
            # ---- the node itself
            if typ == T_R0 or typ == T_PC:
                for a in range(na):
                    l = plist[a]
                    row = alpha[aptr[l, s]]
                    if typ == T_PC:
                        v = (mask[l] >> (p % 5)) & 1
                        lam = row[1]
                        pm[l] += _pen(lam, v, exact)
                        beta[l, 1] = v
                    else:
                        acc = 0.0
                        for i in range(m):
                            acc += _pen(row[m + i], 0, exact)
                            beta[l, m + i] = 0
                        pm[l] += acc
                continue
            if typ == T_INFO or typ == T_REP:
                nc = 0
                for a in range(na):
                    l = plist[a]
                    row = alpha[aptr[l, s]]
                    c0 = 0.0
                    c1 = 0.0
                    for i in range(m):
                        x = row[m + i]
                        c0 += _pen(x, 0, exact)
                        c1 += _pen(x, 1, exact)
                    cpm[nc] = pm[l] + c0
                    cpm[nc + 1] = pm[l] + c1
                    nc += 2
                _list_step(
                    nc,
                    cpm,
                    lmax,
                    keep,
                    k1,
                    plist,
                    na,
                    active,
                    pm,
                    aptr,
                    refc,
                    n,
                    beta,
                    ubits,
                    mask,
                    ordi,
                    ordv,
                    par,
                    p,
                    s,
                    kj,
                )
                # apply: k1[l] says which value active path l took
                for l in range(lmax):
                    if active[l]:
                        v = 1 if k1[l] else 0
                        for i in range(m):
                            beta[l, m + i] = v
                        ubits[l, kj] = v
                        q = p + m - 1
                        mask[l] ^= v << (q % 5)
                continue
            # rate-1 or SPC: hard decision and least reliable positions
            nflip = lmax - 1 if typ == T_R1 else lmax
            nflip = min(nflip, m)
            for a in range(na):
                l = plist[a]
                row = alpha[aptr[l, s]]
                pp = 0
                cnt = 0
                base = 0.0
                for i in range(m):
                    x = row[m + i]
                    hd = 1 if x < 0 else 0
                    beta[l, m + i] = hd
                    pp ^= hd
                    ax = abs(x)
                    if exact:
                        base += np.log1p(np.exp(-ax))
                    # insertion into the sorted list of the nflip smallest |x|
                    if cnt < nflip:
                        q = cnt
                        cnt += 1
                    elif nflip > 0 and ax < ordv[l, nflip - 1]:
                        q = nflip - 1
                    else:
                        continue
                    while q > 0 and ordv[l, q - 1] > ax:
                        ordv[l, q] = ordv[l, q - 1]
                        ordi[l, q] = ordi[l, q - 1]
                        q -= 1
                    ordv[l, q] = ax
                    ordi[l, q] = i
                par[l] = pp
                pm[l] += base
                if typ == T_SPC and pp == 1:
                    pm[l] += ordv[l, 0]
            first = 0 if typ == T_R1 else 1
            for st in range(first, nflip):
                na = 0
                for l in range(lmax):
                    if active[l]:
                        plist[na] = l
                        na += 1
                nc = 0
                for a in range(na):
                    l = plist[a]
                    cpm[nc] = pm[l]
                    c = ordv[l, st]
                    if typ == T_SPC:
                        c = c + ordv[l, 0] if par[l] == 0 else c - ordv[l, 0]
                    cpm[nc + 1] = pm[l] + c
                    nc += 2
                _list_step(
                    nc,
                    cpm,
                    lmax,
                    keep,
                    k1,
                    plist,
                    na,
                    active,
                    pm,
                    aptr,
                    refc,
                    n,
                    beta,
                    ubits,
                    mask,
                    ordi,
                    ordv,
                    par,
                    p,
                    s,
                    kj,
                )
                for l in range(lmax):
                    if active[l] and k1[l]:
                        beta[l, m + ordi[l, st]] ^= 1
                        par[l] ^= 1
            # finish: parity fix (SPC), u = x G, information bits and PC register
            for l in range(lmax):
                if not active[l]:
                    continue
                if typ == T_SPC and par[l] == 1:
                    beta[l, m + ordi[l, 0]] ^= 1
                _transform(beta[l], m, m, tmp)
                if typ == T_R1:
                    for i in range(m):
                        ubits[l, kj + i] = tmp[i]
                        mask[l] ^= np.int32(tmp[i]) << ((p + i) % 5)
                else:
                    for i in range(1, m):
                        ubits[l, kj + i - 1] = tmp[i]
                        mask[l] ^= np.int32(tmp[i]) << ((p + i) % 5)
        # ---- output: paths sorted by metric
        na = 0
        for l in range(lmax):
            if active[l]:
                q = na
                na += 1
                while q > 0 and pm[order[q - 1]] > pm[l]:
                    order[q] = order[q - 1]
                    q -= 1
                order[q] = l
        cand_num[b] = na
        for a in range(na):
            l = order[a]
            cand_pm[b, a] = pm[l]
            for i in range(k):
                cand_bits[b, a, i] = ubits[l, i]


@njit(cache=True)
def _list_step(
    nc,
    cpm,
    lmax,
    keep,
    k1,
    plist,
    na,
    active,
    pm,
    aptr,
    refc,
    n,
    beta,
    ubits,
    mask,
    ordi,
    ordv,
    par,
    p,
    s,
    kj,
):
    """Keep the ``lmax`` best of ``nc`` candidates (two per path: choice 0, choice 1).

    Paths with no surviving choice are released; a path with both is split (the copy takes
    choice 1). On return ``k1[l]`` says whether active path ``l`` took choice 1, and ``pm``
    holds the new metrics.
    """
    _select(nc, cpm, lmax, keep)
    # release dead paths first (frees rows and path slots)
    for a in range(na):
        l = plist[a]
        if not keep[2 * a] and not keep[2 * a + 1]:
            active[l] = False
            for t in range(n):
                refc[t, aptr[l, t]] -= 1
    for a in range(na):
        l = plist[a]
        c0 = keep[2 * a]
        c1 = keep[2 * a + 1]
        if c0 and c1:
            d = 0
            while active[d]:
                d += 1
            # clone l -> d: LLR rows shared, partial sums copied where live
            active[d] = True
            for t in range(n):
                r = aptr[l, t]
                aptr[d, t] = r
                refc[t, r] += 1
            for t in range(s, n):
                if (p >> t) & 1:
                    h = 1 << t
                    for i in range(h):
                        beta[d, 2 * h + i] = beta[l, 2 * h + i]
            m = 1 << s
            for i in range(m):
                beta[d, m + i] = beta[l, m + i]
            for i in range(kj):
                ubits[d, i] = ubits[l, i]
            mask[d] = mask[l]
            par[d] = par[l]
            for i in range(ordi.shape[1]):
                ordi[d, i] = ordi[l, i]
                ordv[d, i] = ordv[l, i]
            pm[d] = cpm[2 * a + 1]
            k1[d] = True
            pm[l] = cpm[2 * a]
            k1[l] = False
        elif c1:
            pm[l] = cpm[2 * a + 1]
            k1[l] = True
        elif c0:
            pm[l] = cpm[2 * a]
            k1[l] = False
