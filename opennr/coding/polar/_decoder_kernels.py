"""Numba kernels of the TS 38.212 §5.3.1 polar decoders (SC, SCL and fast simplified SCL).

Private module: the public wrapper is :func:`opennr.coding.polar.decoder.polar_decode`, which
validates the inputs, builds the node schedule and allocates the outputs.

Decoding walks a *schedule*: the leaves (plain SC/SCL) or the special nodes (fast SCL) of the
polar code tree, left to right. Entry ``j`` is the sub-tree of size ``2^stage[j]`` whose first
u index is ``start[j]``; its type is one of the ``T_*`` constants below and ``kpos[j]`` is the
number of information bits (c bits, PC bits excluded) before it.

Memory layout (stage ``t`` holds ``2^t`` values at offset ``2^t`` of a row of ``w = 2 N``; each
buffer is one flat array of ``L`` rows):

* LLRs ``alpha``: path ``l`` reads stage ``t`` from row ``aptr[l, t]``. Rows are shared between
  paths after a split and counted in ``arefc[t, row]``; a write to a shared row first moves the
  path to a free row (copy-on-write without a copy, because every write overwrites the whole
  stage). Stage ``n`` (the channel LLRs) is row 0.
* Partial sums ``beta`` (``u G`` of decided sub-trees): the same scheme (``bptr``, ``brefc``).
  A node at stage ``t`` assembles its output in stage ``t``; when a left child is done it is
  saved in the first half of its parent's stage. The only copies are those of a rate-1/SPC
  node buffer that a path splits inside the node.
* The work arrays are used through views without a memory-info pointer (``_unmanaged``): Numba
  then does no atomic reference counting when it passes them to the helpers, which was most
  of the run time.

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
from numba.extending import intrinsic


@intrinsic
def _unmanaged(typingctx, arr):
    """A view of ``arr`` without a memory-info pointer, so that passing it to a helper costs no
    reference counting (atomic operations). The caller keeps ``arr`` alive."""
    sig = arr(arr)

    def codegen(context, builder, signature, args):
        ary = context.make_array(arr)
        src = ary(context, builder, value=args[0])
        dst = ary(context, builder)
        context.populate_array(
            dst, data=src.data, shape=src.shape, strides=src.strides, itemsize=src.itemsize,
            meminfo=None, parent=None,
        )
        return dst._getvalue()

    return sig, codegen

T_R0 = 0  # rate-0 node (a frozen leaf when stage 0)
T_R1 = 1  # rate-1 node (all information bits)
T_REP = 2  # repetition node (only its last bit is information)
T_SPC = 3  # single parity check node (only its first bit is frozen)
T_PC = 4  # parity-check leaf (§5.3.1.2)
T_INFO = 5  # information leaf

# rate-1/SPC nodes up to this size find their least reliable bits by ranks, larger by insertion
_RANK_MAX = 16

F_MINSUM = 0
F_EXACT = 1


# The stage helpers index one flat buffer at offsets converted to unsigned integers: Numba then
# drops its negative-index wrap-around, and LLVM vectorises the loops (checking at run time
# that source and destination do not overlap).


def _f_stage_py(buf, so, do, h, exact):
    """buf[do + i] = f(buf[so + i], buf[so + h + i]) for i < h (check-node update).

    Exact box-plus: ``|f| = 2 atanh(tanh(|a|/2) tanh(|b|/2))`` when ``min(|a|, |b|) < 2``, else
    ``min(|a|, |b|) - ln(1 + e^-||a|-|b||) + ln(1 + e^-(|a|+|b|))`` (no cancellation either way),
    with sign ``sign(a) sign(b)``.
    """
    so = np.uint64(so)
    do = np.uint64(do)
    hh = np.uint64(h)
    if exact:
        for i in range(hh):
            a = buf[so + i]
            b = buf[so + hh + i]
            aa = abs(a)
            bb = abs(b)
            m = min(bb, aa)
            if m < 2.0:
                # small result: tanh form keeps its relative precision (and its sign)
                m = 2.0 * np.arctanh(np.tanh(0.5 * aa) * np.tanh(0.5 * bb))
            else:
                d = aa - bb if aa > bb else bb - aa
                m = m - np.log1p(np.exp(-d)) + np.log1p(np.exp(-(aa + bb)))
            buf[do + i] = -m if (a < 0) != (b < 0) else m
    else:
        for i in range(hh):
            a = buf[so + i]
            b = buf[so + hh + i]
            aa = abs(a)
            bb = abs(b)
            m = min(bb, aa)
            buf[do + i] = -m if (a < 0) != (b < 0) else m


_f_stage = njit(cache=True)(_f_stage_py)
_f_stage_il = njit(cache=True, inline="always")(_f_stage_py)  # for the list kernel


def _g_stage_py(buf, so, bits, bo, do, h):
    """buf[do + i] = buf[so + h + i] + (1 - 2 bits[bo + i]) buf[so + i] (variable-node update)."""
    so = np.uint64(so)
    bo = np.uint64(bo)
    do = np.uint64(do)
    hh = np.uint64(h)
    for i in range(hh):
        a = buf[so + i]
        buf[do + i] = buf[so + hh + i] + (-a if bits[bo + i] else a)


_g_stage = njit(cache=True)(_g_stage_py)
_g_stage_il = njit(cache=True, inline="always")(_g_stage_py)  # for the list kernel


@njit(cache=True, inline="always")
def _transform(x, o, m, tmp):
    """tmp[:m] = x[o:o+m] G_m over GF(2) (G is involutory: also x -> u)."""
    o = np.uint64(o)
    mm = np.uint64(m)
    for i in range(mm):
        tmp[i] = x[o + i]
    h = np.uint64(1)
    while h < mm:
        for blk in range(np.uint64(0), mm, np.uint64(2) * h):
            for i in range(blk, blk + h):
                tmp[i] ^= tmp[i + h]
        h *= np.uint64(2)


@njit(cache=True, inline="always")
def _combine(buf, ol, oc, od, h):
    """buf[od:od+h] = buf[ol:ol+h] ^ buf[oc:oc+h]; buf[od+h:od+2h] = buf[oc:oc+h]."""
    ol = np.uint64(ol)
    oc = np.uint64(oc)
    od = np.uint64(od)
    hh = np.uint64(h)
    for i in range(hh):
        buf[od + i] = buf[ol + i] ^ buf[oc + i]
    for i in range(hh):
        buf[od + hh + i] = buf[oc + i]


@njit(cache=True, inline="always")
def _copy(buf, os, od, h):
    """buf[od:od+h] = buf[os:os+h]."""
    os = np.uint64(os)
    od = np.uint64(od)
    for i in range(np.uint64(h)):
        buf[od + i] = buf[os + i]


@njit(cache=True, fastmath=True)
def _neg_sum(buf, o, m):
    """Sum of max(-x, 0) over buf[o:o+m] (min-sum cost of deciding 0 everywhere)."""
    o = np.uint64(o)
    acc = np.float32(0.0)
    for i in range(np.uint64(m)):
        v = buf[o + i]
        acc += -v if v < 0 else np.float32(0.0)
    return acc


@njit(cache=True, fastmath=True)
def _pos_sum(buf, o, m):
    """Sum of max(x, 0) over buf[o:o+m] (min-sum cost of deciding 1 everywhere)."""
    o = np.uint64(o)
    acc = np.float32(0.0)
    for i in range(np.uint64(m)):
        v = buf[o + i]
        acc += v if v > 0 else np.float32(0.0)
    return acc


def _pen_py(x, v, exact):
    """Path-metric increment of deciding bit ``v`` against LLR ``x``.

    Exact: ``ln(1 + e^-(1-2v)x)``; otherwise its approximation ``|x|`` if the decision disagrees
    with the sign of ``x``, else 0.
    """
    y = -x if v else x
    if exact:
        return max(-y, 0.0) + np.log1p(np.exp(-abs(y)))
    return -y if y < 0 else 0.0


_pen = njit(cache=True)(_pen_py)
_pen_il = njit(cache=True, inline="always")(_pen_py)  # for the list kernel


def _ctz_py(p):
    t = 0
    while ((p >> t) & 1) == 0:
        t += 1
    return t


_ctz = njit(cache=True)(_ctz_py)
_ctz_il = njit(cache=True, inline="always")(_ctz_py)  # for the list kernel


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
                _g_stage(alpha, 2 * h, beta, 2 * h, h, h)
                top = t
            for u in range(top, s, -1):
                h = 1 << (u - 1)
                _f_stage(alpha, 2 * h, h, h, exact)
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


@njit(cache=True, inline="always")
def _select(ncand, cpm, lmax, keep, idx):
    """keep[i] = candidate i is among the ``lmax`` smallest metrics (ties: lower index first)."""
    if ncand <= lmax:
        for i in range(ncand):
            keep[i] = True
        return
    for i in range(ncand):
        pi = cpm[i]
        r = 0
        for j in range(ncand):
            pj = cpm[j]
            r += (pj < pi) | ((pj == pi) & (j < i))
        keep[i] = r < lmax


@njit(cache=True, inline="always")
def _flips_lose(cpm, na):
    """Whether every odd (flip) candidate metric exceeds every even (keep) one."""
    worst_keep = cpm[0]
    best_flip = cpm[1]
    for a in range(1, na):
        worst_keep = max(worst_keep, cpm[2 * a])
        best_flip = min(best_flip, cpm[2 * a + 1])
    return best_flip > worst_keep


@njit(cache=True, inline="always")
def _own(ptr, refc, l, t):
    """Row of stage ``t`` that path ``l`` may overwrite: its own, or a free one if shared."""
    r = ptr[l, t]
    if refc[t, r] > 1:
        refc[t, r] -= 1
        r = 0
        while refc[t, r] != 0:
            r += 1
        refc[t, r] = 1
        ptr[l, t] = r
    return r


@njit(cache=True, inline="always")
def _own_copy(ptr, refc, buf, l, t):
    """As :func:`_own`, but a new row receives a copy of the stage's content."""
    r = ptr[l, t]
    if refc[t, r] > 1:
        r2 = _own(ptr, refc, l, t)
        m = np.uint64(1 << t)
        w = np.uint64(buf.shape[0] // ptr.shape[0])
        os = np.uint64(r) * w + m
        od = np.uint64(r2) * w + m
        for i in range(m):
            buf[od + i] = buf[os + i]
        return r2
    return r


@njit(cache=True)
def scl_decode_kernel(
    llr, n, start, stage, ntype, kpos, k, lmax, exact, outpos, cand_bits, cand_pm, cand_num
):
    """SC list decoding of each block over a schedule (leaves or fast nodes).

    Writes the surviving paths of block ``b`` sorted by path metric (ascending):
    ``cand_bits[b, :cand_num[b], :]`` [K] information bits and ``cand_pm[b, :cand_num[b]]``.
    Information bit ``i`` (in u order) goes to ``cand_bits[..., outpos[i]]`` (the input
    de-interleaving, or the identity).
    """
    nb = llr.shape[0]
    nn = 1 << n
    nnode = start.shape[0]
    w = 2 * nn  # row width
    alpha = np.zeros(lmax * w, np.float32)
    aptr = np.zeros((lmax, n + 1), np.int32)
    arefc = np.zeros((n + 1, lmax), np.int32)
    beta = np.zeros(lmax * w, np.uint8)
    bptr = np.zeros((lmax, n + 1), np.int32)
    brefc = np.zeros((n + 1, lmax), np.int32)
    kw = max(k, 1)
    ubits = np.zeros(lmax * kw, np.uint8)  # row l: information bits of path l
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
    sidx = np.zeros(2 * lmax, np.int32)
    k1 = np.zeros(lmax, np.bool_)
    tmp = np.zeros(nn, np.uint8)
    absv = np.zeros(nn, np.float32)  # |alpha| of a rate-1/SPC node
    order = np.zeros(lmax, np.int32)
    alpha_m = alpha
    alpha = _unmanaged(alpha_m)
    aptr_m = aptr
    aptr = _unmanaged(aptr_m)
    arefc_m = arefc
    arefc = _unmanaged(arefc_m)
    beta_m = beta
    beta = _unmanaged(beta_m)
    bptr_m = bptr
    bptr = _unmanaged(bptr_m)
    brefc_m = brefc
    brefc = _unmanaged(brefc_m)
    ubits_m = ubits
    ubits = _unmanaged(ubits_m)
    pm_m = pm
    pm = _unmanaged(pm_m)
    mask_m = mask
    mask = _unmanaged(mask_m)
    active_m = active
    active = _unmanaged(active_m)
    plist_m = plist
    plist = _unmanaged(plist_m)
    ordi_m = ordi
    ordi = _unmanaged(ordi_m)
    ordv_m = ordv
    ordv = _unmanaged(ordv_m)
    par_m = par
    par = _unmanaged(par_m)
    cpm_m = cpm
    cpm = _unmanaged(cpm_m)
    keep_m = keep
    keep = _unmanaged(keep_m)
    sidx_m = sidx
    sidx = _unmanaged(sidx_m)
    k1_m = k1
    k1 = _unmanaged(k1_m)
    absv_m = absv
    absv = _unmanaged(absv_m)
    tmp_m = tmp
    tmp = _unmanaged(tmp_m)
    order_m = order
    order = _unmanaged(order_m)
    for b in range(nb):
        # one path, all stages on row 0
        for i in range(nn):
            alpha[nn + i] = llr[b, i]
        active[:] = False
        active[0] = True
        pm[0] = 0.0
        mask[0] = 0
        aptr[:, :] = 0
        arefc[:, :] = 0
        bptr[:, :] = 0
        brefc[:, :] = 0
        for t in range(n + 1):
            arefc[t, 0] = 1
            brefc[t, 0] = 1
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
            # ---- up (partial sums) and down (LLRs) the tree to this node, per path
            for a in range(na):
                l = plist[a]
                if j == 0:
                    top = n
                else:
                    t = _ctz_il(p)
                    for u in range(stage[j - 1], t):
                        # right child at stage u done: combine into stage u + 1
                        h = 1 << u
                        ro = bptr[l, u + 1]
                        rn = _own(bptr, brefc, l, u + 1)
                        _combine(beta, ro * w + 2 * h, bptr[l, u] * w + h, rn * w + 2 * h, h)
                    # left child at stage t done: save it in the first half of stage t + 1
                    h = 1 << t
                    rn = _own(bptr, brefc, l, t + 1)
                    _copy(beta, bptr[l, t] * w + h, rn * w + 2 * h, h)
                    r = _own(aptr, arefc, l, t)
                    _g_stage_il(alpha, aptr[l, t + 1] * w + 2 * h, beta, rn * w + 2 * h, r * w + h, h)
                    top = t
                for u in range(top, s, -1):
                    h = 1 << (u - 1)
                    r = _own(aptr, arefc, l, u - 1)
                    _f_stage_il(alpha, aptr[l, u] * w + 2 * h, r * w + h, h, exact)
            # ---- the node itself
            if typ == T_R0 or typ == T_PC:
                for a in range(na):
                    l = plist[a]
                    ra = aptr[l, s]
                    rb = _own(bptr, brefc, l, s)
                    if typ == T_PC:
                        v = (mask[l] >> (p % 5)) & 1
                        pm[l] += _pen_il(alpha[ra * w + 1], v, exact)
                        beta[rb * w + 1] = v
                    else:
                        for i in range(m):
                            beta[rb * w + m + i] = 0
                        if exact:
                            acc = 0.0
                            for i in range(m):
                                acc += _pen_il(alpha[ra * w + m + i], 0, exact)
                            pm[l] += acc
                        else:
                            pm[l] += _neg_sum(alpha, ra * w + m, m)
                continue
            if typ == T_INFO or typ == T_REP:
                nc = 0
                for a in range(na):
                    l = plist[a]
                    ra = aptr[l, s]
                    if exact:
                        c0 = 0.0
                        c1 = 0.0
                        for i in range(m):
                            x = alpha[ra * w + m + i]
                            c0 += _pen_il(x, 0, exact)
                            c1 += _pen_il(x, 1, exact)
                    else:
                        c0 = _neg_sum(alpha, ra * w + m, m)
                        c1 = _pos_sum(alpha, ra * w + m, m)
                    cpm[nc] = pm[l] + c0
                    cpm[nc + 1] = pm[l] + c1
                    nc += 2
                _list_step(
                    nc, cpm, lmax, keep, sidx, k1, plist, na, active, pm, aptr, arefc, bptr,
                    brefc, n, ubits, mask, ordi, ordv, par, kj,
                )
                # apply: k1[l] says which value active path l took
                for l in range(lmax):
                    if active[l]:
                        v = 1 if k1[l] else 0
                        rb = _own(bptr, brefc, l, s)
                        for i in range(m):
                            beta[rb * w + m + i] = v
                        ubits[l * kw + kj] = v
                        q = p + m - 1
                        mask[l] ^= v << (q % 5)
                continue
            # rate-1 or SPC: hard decision and least reliable positions
            nflip = lmax - 1 if typ == T_R1 else lmax
            nflip = min(nflip, m)
            for a in range(na):
                l = plist[a]
                ra = aptr[l, s]
                rb = _own(bptr, brefc, l, s)
                oa = np.uint64(ra * w + m)
                ob = np.uint64(rb * w + m)
                pp = np.uint8(0)
                for i in range(np.uint64(m)):
                    hd = np.uint8(1) if alpha[oa + i] < 0 else np.uint8(0)
                    beta[ob + i] = hd
                    pp ^= hd
                par[l] = pp
                if exact:
                    base = 0.0
                    for i in range(np.uint64(m)):
                        base += np.log1p(np.exp(-abs(alpha[oa + i])))
                    pm[l] += base
                # the nflip smallest |x|, ascending (ties: lower position first)
                if nflip > 0 and m <= _RANK_MAX:
                    # small node: branch-free ranks, rank(i) = #{j: (|x_j|, j) < (|x_i|, i)}
                    for i in range(np.uint64(m)):
                        absv[i] = abs(alpha[oa + i])
                    for i in range(m):
                        ax = absv[i]
                        r = 0
                        for jj in range(i):
                            r += absv[jj] <= ax
                        for jj in range(i + 1, m):
                            r += absv[jj] < ax
                        if r < nflip:
                            ordv[l, r] = ax
                            ordi[l, r] = i
                    continue_sort = False
                else:
                    continue_sort = nflip > 0
                cnt = 0
                thr = np.float32(np.inf)
                for i in range(m if continue_sort else 0):
                    ax = abs(alpha[oa + np.uint64(i)])
                    if ax >= thr:
                        continue
                    if cnt < nflip:
                        q = cnt
                        cnt += 1
                    else:
                        q = nflip - 1
                    while q > 0 and ordv[l, q - 1] > ax:
                        ordv[l, q] = ordv[l, q - 1]
                        ordi[l, q] = ordi[l, q - 1]
                        q -= 1
                    ordv[l, q] = ax
                    ordi[l, q] = i
                    if cnt == nflip:
                        thr = ordv[l, nflip - 1]
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
                # early exit (exact): with a full list, if every flip is worse than every keep,
                # no flip survives, the metrics do not change, and the later flips (larger
                # |alpha|) lose as well
                if na == lmax and _flips_lose(cpm, na):
                    break
                _list_step(
                    nc, cpm, lmax, keep, sidx, k1, plist, na, active, pm, aptr, arefc, bptr,
                    brefc, n, ubits, mask, ordi, ordv, par, kj,
                )
                for l in range(lmax):
                    if active[l] and k1[l]:
                        rb = _own_copy(bptr, brefc, beta, l, s)
                        beta[rb * w + m + ordi[l, st]] ^= 1
                        par[l] ^= 1
            # finish: parity fix (SPC), u = x G, information bits and PC register
            for l in range(lmax):
                if not active[l]:
                    continue
                rb = bptr[l, s]
                if typ == T_SPC and par[l] == 1:
                    rb = _own_copy(bptr, brefc, beta, l, s)
                    beta[rb * w + m + ordi[l, 0]] ^= 1
                _transform(beta, rb * w + m, m, tmp)
                if typ == T_R1:
                    for i in range(m):
                        ubits[l * kw + kj + i] = tmp[i]
                        mask[l] ^= np.int32(tmp[i]) << ((p + i) % 5)
                else:
                    for i in range(1, m):
                        ubits[l * kw + kj + i - 1] = tmp[i]
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
                cand_bits[b, a, outpos[i]] = ubits[l * kw + i]


@njit(cache=True, inline="always")
def _list_step(
    nc, cpm, lmax, keep, sidx, k1, plist, na, active, pm, aptr, arefc, bptr, brefc, n,
    ubits, mask, ordi, ordv, par, kj,
):
    """Keep the ``lmax`` best of ``nc`` candidates (two per path: choice 0, choice 1).

    Paths with no surviving choice are released; a path with both is split (the copy takes
    choice 1; LLR and partial-sum rows are shared until written). On return ``k1[l]`` says
    whether active path ``l`` took choice 1, and ``pm`` holds the new metrics.
    """
    _select(nc, cpm, lmax, keep, sidx)
    # release dead paths first (frees rows and path slots)
    for a in range(na):
        l = plist[a]
        if not keep[2 * a] and not keep[2 * a + 1]:
            active[l] = False
            for t in range(n + 1):
                arefc[t, aptr[l, t]] -= 1
                brefc[t, bptr[l, t]] -= 1
    for a in range(na):
        l = plist[a]
        c0 = keep[2 * a]
        c1 = keep[2 * a + 1]
        if c0 and c1:
            d = 0
            while active[d]:
                d += 1
            active[d] = True
            for t in range(n + 1):
                r = aptr[l, t]
                aptr[d, t] = r
                arefc[t, r] += 1
                r = bptr[l, t]
                bptr[d, t] = r
                brefc[t, r] += 1
            kw = ubits.shape[0] // active.shape[0]
            _copy(ubits, l * kw, d * kw, kj)
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
