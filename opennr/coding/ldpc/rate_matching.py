"""TS 38.212 V17 §5.4.2: LDPC rate matching (bit selection, bit interleaving) and rate recovery.

The encoder output ``d`` (``N`` bits, the first ``2 Z`` systematic bits already punctured) is the
circular buffer; its first ``N_cb`` bits are read from the starting position ``k_0`` of the
redundancy version, skipping filler bits and wrapping around, until ``E`` bits are selected
(§5.4.2.1); these are then bit-interleaved over ``Q_m`` rows (§5.4.2.2).

Rate matching and rate recovery share one cached index map (:func:`rate_match_index_map`):
output bit ``k`` is ``d[map[k]]``. Rate recovery adds the received LLRs into a soft buffer of
``N`` values at those positions, so repeated bits and HARQ retransmissions (same redundancy
version: chase combining, another one: incremental redundancy) combine by addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from numbers import Real

import numpy as np

from opennr._validation import as_bits, as_llrs, check_choice, check_int, check_last_axis
from opennr.coding.ldpc._rate_matching_kernels import gather_kernel, scatter_add_kernel
from opennr.coding.ldpc.base_graph import base_graph
from opennr.coding.ldpc.encoder import _encode_2d

__all__ = [
    "FILLER_LLR",
    "MODULATION_ORDERS",
    "circular_buffer_size",
    "starting_position",
    "rate_match_lengths",
    "rate_match_index_map",
    "ldpc_rate_match",
    "ldpc_rate_recover",
    "ldpc_encode_rate_match",
]

_CLAUSE = "TS 38.212 §5.4.2.1"
_CLAUSE_IL = "TS 38.212 §5.4.2.2"
#: Modulation orders ``Q_m`` allowed for bit interleaving (pi/2-BPSK/BPSK ... 1024QAM).
MODULATION_ORDERS: tuple[int, ...] = (1, 2, 4, 6, 8, 10)
#: LLR given to filler bits by rate recovery: they are known zeros (a large, finite positive LLR).
FILLER_LLR: float = 1.0e4
# Table 5.4.2.1-2: k0 = floor(coef * N_cb / (n_cols * Z)) * Z
_K0_COEF = {1: (0, 17, 33, 56), 2: (0, 13, 25, 43)}
_K0_COLS = {1: 66, 2: 50}


def circular_buffer_size(
    n: int, *, c: int, tbs_lbrm: int | None = None, r_lbrm=Fraction(2, 3)
) -> int:
    """TS 38.212 §5.4.2.1: circular-buffer length ``N_cb`` of one code block.

    ``N_cb = N`` without limited-buffer rate matching (``I_LBRM = 0``, ``tbs_lbrm=None``);
    otherwise ``N_cb = min(N, N_ref)`` with ``N_ref = floor(TBS_LBRM / (C R_LBRM))``.

    Parameters
    ----------
    n : int
        ``N``, LDPC encoder output length (66 Z or 50 Z).
    c : int
        ``C``, number of code blocks of the transport block.
    tbs_lbrm : int or None
        ``TBS_LBRM`` of TS 38.212 §5.4.2.1 (computed per TS 38.214 §5.1.3.2); None: no LBRM.
    r_lbrm : float or Fraction
        ``R_LBRM``, 2/3 in Rel-15..17 (a float is read as the nearest fraction with a small
        denominator, so 2/3 is exact).

    Returns
    -------
    int

    Examples
    --------
    >>> circular_buffer_size(25344, c=1), circular_buffer_size(25344, c=2, tbs_lbrm=20000)
    (25344, 15000)
    """
    n = check_int(n, "n", low=1, clause=_CLAUSE)
    c = check_int(c, "c", low=1, clause=_CLAUSE)
    if tbs_lbrm is None:
        return n
    tbs_lbrm = check_int(tbs_lbrm, "tbs_lbrm", low=1, clause=_CLAUSE)
    if isinstance(r_lbrm, bool) or not isinstance(r_lbrm, Real | Fraction):
        raise TypeError(f"r_lbrm must be a real number, got {type(r_lbrm).__name__}")
    r = Fraction(r_lbrm).limit_denominator(1024)
    if not (0 < r <= 1):
        raise ValueError(f"r_lbrm must be in (0, 1], got {r_lbrm} ({_CLAUSE})")
    n_ref = int(Fraction(tbs_lbrm) / (c * r))  # floor of a positive fraction
    return min(n, n_ref)


def _check_n_cb(n_cb, n: int) -> int:
    if n_cb is None:
        return n
    return check_int(n_cb, "n_cb", low=1, high=n, clause=_CLAUSE)


def starting_position(rv: int, bg: int, n_cb: int, z: int) -> int:
    """TS 38.212 §5.4.2.1 Table 5.4.2.1-2: starting position ``k_0`` of redundancy version ``rv``.

    ``k_0 = floor(a N_cb / (66 Z)) Z`` (BG1, ``a`` = 0, 17, 33, 56) or
    ``floor(a N_cb / (50 Z)) Z`` (BG2, ``a`` = 0, 13, 25, 43).

    Parameters
    ----------
    rv : int
        Redundancy version ``rv_id``, 0..3.
    bg : int
        Base graph, 1 or 2.
    n_cb : int
        Circular-buffer length ``N_cb``.
    z : int
        Lifting size ``Z_c``.

    Returns
    -------
    int

    Examples
    --------
    >>> [starting_position(rv, 1, 25344, 384) for rv in range(4)]
    [0, 6528, 12672, 21504]
    """
    check_choice(rv, "rv", (0, 1, 2, 3), clause="TS 38.212 Table 5.4.2.1-2")
    check_choice(bg, "bg", (1, 2), clause="TS 38.212 Table 5.4.2.1-2")
    n_cb = check_int(n_cb, "n_cb", low=1, clause=_CLAUSE)
    z = check_int(z, "z", low=2, high=384, clause="TS 38.212 Table 5.3.2-1")
    return (_K0_COEF[bg][rv] * n_cb // (_K0_COLS[bg] * z)) * z


def rate_match_lengths(
    g: int, c: int, qm: int, num_layers: int, cbgti: Sequence[bool] | None = None
) -> list[int]:
    """TS 38.212 §5.4.2.1: rate-matching output length ``E_r`` of each code block.

    With ``C'`` scheduled blocks, the first ``C' - mod(G / (N_L Q_m), C')`` get
    ``N_L Q_m floor(G / (N_L Q_m C'))`` bits and the others ``N_L Q_m ceil(...)``; blocks not
    scheduled by the CBGTI get ``E_r = 0``.

    Parameters
    ----------
    g : int
        ``G``, coded bits available for the transport block (a multiple of ``N_L Q_m``).
    c : int
        ``C``, number of code blocks.
    qm : int
        Modulation order ``Q_m`` (1, 2, 4, 6, 8 or 10).
    num_layers : int
        ``N_L``, layers the transport block is mapped onto (1..4).
    cbgti : sequence of bool, optional
        Per code block, whether it is scheduled for this transmission (from the CBGTI field);
        default all ``C`` blocks.

    Returns
    -------
    list of int
        ``[E_0, ..., E_{C-1}]``; they sum to ``G`` when at least one block is scheduled.

    Examples
    --------
    >>> rate_match_lengths(20004, 3, 4, 1)
    [6668, 6668, 6668]
    >>> rate_match_lengths(1000, 3, 2, 1)
    [332, 334, 334]
    """
    g = check_int(g, "g", low=0, clause=_CLAUSE)
    c = check_int(c, "c", low=1, clause=_CLAUSE)
    check_choice(qm, "qm", MODULATION_ORDERS, clause=_CLAUSE)
    num_layers = check_int(num_layers, "num_layers", low=1, high=4, clause=_CLAUSE)
    unit = num_layers * qm
    if g % unit:
        raise ValueError(
            f"g must be a multiple of num_layers * qm = {unit}, got {g} ({_CLAUSE})"
        )
    if cbgti is None:
        scheduled = [True] * c
    else:
        scheduled = [bool(x) for x in cbgti]
        if len(scheduled) != c:
            raise ValueError(
                f"cbgti must have one entry per code block (C = {c}), got {len(scheduled)} "
                f"({_CLAUSE})"
            )
    c_prime = sum(scheduled)
    if c_prime == 0:
        return [0] * c
    symbols = g // unit
    n_small = c_prime - symbols % c_prime
    e_small = unit * (symbols // c_prime)
    e_large = unit * -(-symbols // c_prime)
    out, j = [], 0
    for s in scheduled:
        if not s:
            out.append(0)
            continue
        out.append(e_small if j <= n_small - 1 else e_large)
        j += 1
    return out


def _check_common(e, rv, qm, bg, z, n_filler, n_cb):
    check_choice(rv, "rv", (0, 1, 2, 3), clause="TS 38.212 Table 5.4.2.1-2")
    check_choice(qm, "qm", MODULATION_ORDERS, clause=_CLAUSE_IL)
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    g = base_graph(bg, z)
    e = check_int(e, "e", low=0, clause=_CLAUSE)
    if e % qm:
        raise ValueError(f"e must be a multiple of qm = {qm}, got {e} ({_CLAUSE_IL})")
    n_filler = check_int(n_filler, "n_filler", low=0, high=g.k - 2 * g.z, clause=_CLAUSE)
    n_cb = _check_n_cb(n_cb, g.n)
    f0 = g.k - n_filler - 2 * g.z
    if e and f0 == 0 and n_cb <= n_filler:
        raise ValueError(f"n_cb = {n_cb} leaves no non-filler bit to transmit ({_CLAUSE})")
    return e, int(rv), int(qm), int(bg), int(z), n_filler, n_cb, g


def rate_match_index_map(
    e: int, rv: int, qm: int, *, bg: int, z: int, n_filler: int, n_cb: int | None = None
) -> np.ndarray:
    """TS 38.212 §5.4.2.1-§5.4.2.2: circular-buffer position of each rate-matched bit.

    Output bit ``k`` of :func:`ldpc_rate_match` is ``d[map[k]]``. Bit selection reads
    ``d[(k_0 + j) mod N_cb]`` for ``j = 0, 1, ...``, skipping the filler positions
    ``K' - 2Z .. K - 2Z - 1``, until ``E`` bits ``e_k`` are taken; bit interleaving then gives
    ``f_{i + j Q_m} = e_{i E / Q_m + j}``.

    Parameters
    ----------
    e : int
        ``E``, output length, a multiple of ``qm``.
    rv : int
        Redundancy version 0..3.
    qm : int
        Modulation order ``Q_m`` (1, 2, 4, 6, 8, 10).
    bg : int
        Base graph, 1 or 2.
    z : int
        Lifting size ``Z_c``.
    n_filler : int
        ``F = K - K'`` filler bits.
    n_cb : int, optional
        Circular-buffer length ``N_cb <= N`` (default ``N``: no LBRM).

    Returns
    -------
    numpy.ndarray of int32, shape [E]
        Read-only (cached).

    Examples
    --------
    >>> rate_match_index_map(8, 0, 2, bg=2, z=2, n_filler=12).tolist()  # fillers at 4..15
    [0, 16, 1, 17, 2, 18, 3, 19]
    """
    e, rv, qm, bg, z, n_filler, n_cb, _ = _check_common(e, rv, qm, bg, z, n_filler, n_cb)
    return _index_map(e, rv, qm, bg, z, n_filler, n_cb)


@lru_cache(maxsize=256)
def _index_map(e: int, rv: int, qm: int, bg: int, z: int, n_filler: int, n_cb: int) -> np.ndarray:
    g = base_graph(bg, z)
    f1 = g.k - 2 * z
    f0 = f1 - n_filler
    k0 = starting_position(rv, bg, n_cb, z)
    order = np.concatenate([np.arange(k0, n_cb), np.arange(0, k0)])
    order = order[(order < f0) | (order >= f1)]
    sel = np.resize(order, e) if e else np.zeros(0, dtype=np.int64)
    out = np.ascontiguousarray(sel.reshape(qm, e // qm).T.reshape(e), dtype=np.int32)
    out.setflags(write=False)
    return out


def ldpc_rate_match(
    d, e: int, rv: int, qm: int, *, bg: int, z: int, n_filler: int, n_cb: int | None = None
) -> np.ndarray:
    """TS 38.212 §5.4.2: LDPC rate matching of code blocks, ``[..., N] -> [..., E]``.

    Bit selection from the circular buffer (§5.4.2.1) then bit interleaving (§5.4.2.2); see
    :func:`rate_match_index_map`.

    Parameters
    ----------
    d : array_like of uint8, shape [..., N]
        LDPC encoder output (:func:`opennr.coding.ldpc.encoder.ldpc_encode`).
    e : int
        ``E_r``, rate-matched length (:func:`rate_match_lengths`), a multiple of ``qm``.
    rv : int
        Redundancy version 0..3.
    qm : int
        Modulation order ``Q_m`` (1, 2, 4, 6, 8, 10).
    bg, z, n_filler : int
        Base graph, lifting size ``Z_c`` and filler count ``F``
        (:class:`opennr.coding.segmentation.SegmentationInfo`).
    n_cb : int, optional
        Circular-buffer length (:func:`circular_buffer_size`); default ``N``.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]

    Examples
    --------
    >>> d = np.arange(100) % 2
    >>> ldpc_rate_match(d, 8, 0, 2, bg=2, z=2, n_filler=0).tolist()
    [0, 0, 1, 1, 0, 0, 1, 1]
    """
    e, rv, qm, bg, z, n_filler, n_cb, g = _check_common(e, rv, qm, bg, z, n_filler, n_cb)
    d = as_bits(d, "d", _CLAUSE)
    check_last_axis(d, "d", g.n, _CLAUSE)
    batch = d.shape[:-1]
    idx = _index_map(e, rv, qm, bg, z, n_filler, n_cb)
    d2 = np.ascontiguousarray(d.reshape(-1, g.n))
    out = np.empty((d2.shape[0], e), dtype=np.uint8)
    gather_kernel(d2, idx, out)
    return out.reshape(batch + (e,))


def ldpc_encode_rate_match(
    c, e: int, rv: int, qm: int, *, bg: int, z: int, n_filler: int, n_cb: int | None = None
) -> np.ndarray:
    """TS 38.212 §5.3.2 + §5.4.2: LDPC encoding and rate matching, ``[..., K] -> [..., E]``.

    Same result as ``ldpc_rate_match(ldpc_encode(c, bg, z), e, rv, qm, ...)``, but only the
    parity columns that the bit selection reads are computed (at high code rates and ``rv = 0``
    most extension rows of ``H`` are skipped).

    Parameters
    ----------
    c : array_like of uint8, shape [..., K]
        Code blocks with filler bits as 0 (:func:`opennr.coding.segmentation.segment`).
    e, rv, qm, bg, z, n_filler, n_cb
        As in :func:`ldpc_rate_match`.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]

    Examples
    --------
    >>> from opennr.coding.ldpc.encoder import ldpc_encode
    >>> c = np.random.default_rng(0).integers(0, 2, (3, 100), dtype=np.uint8)
    >>> f = ldpc_encode_rate_match(c, 240, 0, 4, bg=2, z=10, n_filler=0)
    >>> bool((f == ldpc_rate_match(ldpc_encode(c, 2, 10), 240, 0, 4, bg=2, z=10, n_filler=0)).all())
    True
    """
    e, rv, qm, bg, z, n_filler, n_cb, g = _check_common(e, rv, qm, bg, z, n_filler, n_cb)
    c = as_bits(c, "c", "TS 38.212 §5.3.2")
    check_last_axis(c, "c", g.k, "TS 38.212 §5.3.2")
    batch = c.shape[:-1]
    idx = _index_map(e, rv, qm, bg, z, n_filler, n_cb)
    c2 = np.ascontiguousarray(c.reshape(-1, g.k))
    n_out = int(idx.max()) + 1 if e else 1
    d = np.ascontiguousarray(_encode_2d(c2, bg, z, n_out))
    out = np.empty((c2.shape[0], e), dtype=np.uint8)
    gather_kernel(d, idx, out)
    return out.reshape(batch + (e,))


def ldpc_rate_recover(
    llr,
    rv: int,
    qm: int,
    *,
    bg: int,
    z: int,
    n_filler: int,
    n_cb: int | None = None,
    soft_buffer=None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """TS 38.212 §5.4.2 (inverse): LDPC rate recovery, HARQ combining, ``[..., E] -> [..., N]``.

    The LLRs are de-interleaved and added into a soft buffer of ``N`` values at the circular-buffer
    positions of :func:`rate_match_index_map` (repeated bits add up). Filler positions are set to
    :data:`FILLER_LLR` (known zeros); positions never transmitted stay 0 (erasures).

    Parameters
    ----------
    llr : array_like of float, shape [..., E]
        Received LLRs ``ln P(0)/P(1)`` of one code block, in transmission order; finite.
    rv : int
        Redundancy version 0..3 of this transmission.
    qm : int
        Modulation order ``Q_m`` (1, 2, 4, 6, 8, 10); ``E`` must be a multiple of it.
    bg, z, n_filler : int
        Base graph, lifting size ``Z_c`` and filler count ``F``.
    n_cb : int, optional
        Circular-buffer length (:func:`circular_buffer_size`); default ``N``.
    soft_buffer : array_like of float, shape [..., N], optional
        The buffer returned by the previous transmission of the same code block: the new LLRs
        are added to it (chase combining for the same ``rv``, incremental redundancy for
        another). Not modified.
    out : numpy.ndarray of float32, shape [..., N], optional
        Where to write the result (may be ``soft_buffer`` itself for in-place combining).

    Returns
    -------
    numpy.ndarray of float32, shape [..., N]

    Examples
    --------
    >>> buf = ldpc_rate_recover(np.array([1.0, -2.0, 3.0, -4.0]), 0, 2, bg=2, z=2, n_filler=14)
    >>> buf.shape, buf[:3].tolist(), buf[16:19].tolist()
    ((100,), [1.0, 3.0, 10000.0], [-2.0, -4.0, 0.0])
    """
    llr = as_llrs(llr, "llr", _CLAUSE)
    e = llr.shape[-1]
    e, rv, qm, bg, z, n_filler, n_cb, g = _check_common(e, rv, qm, bg, z, n_filler, n_cb)
    batch = llr.shape[:-1]
    shape = batch + (g.n,)
    if soft_buffer is not None:
        soft_buffer = as_llrs(soft_buffer, "soft_buffer", _CLAUSE)
        if soft_buffer.shape != shape:
            raise ValueError(
                f"soft_buffer must have shape {shape} (batch of llr, then N = {g.n}), got "
                f"{soft_buffer.shape} ({_CLAUSE})"
            )
    if out is None:
        out = np.zeros(shape, dtype=np.float32)
    else:
        if not isinstance(out, np.ndarray) or out.dtype != np.float32:
            raise TypeError("out must be a numpy.ndarray of float32")
        if out.shape != shape or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous array of shape {shape}, got {out.shape}")
        if soft_buffer is None:
            out[...] = 0.0
    if soft_buffer is not None and not np.shares_memory(out, soft_buffer):
        out[...] = soft_buffer
    idx = _index_map(e, rv, qm, bg, z, n_filler, n_cb)
    scatter_add_kernel(
        np.ascontiguousarray(llr.reshape(-1, e)), idx, out.reshape(-1, g.n)
    )
    f1 = g.k - 2 * z
    out[..., f1 - n_filler : f1] = FILLER_LLR
    return out
