"""TS 38.212 V17 §5.3.1: polar decoding (SC, CRC-aided SC list, fast simplified SC list).

The decoders take the ``N`` LLRs of the polar codeword ``d = u G_N`` (after rate recovery,
:func:`~opennr.coding.polar.rate_matching.polar_rate_recover`) and return the ``K`` bits ``c``
that entered the encoder (payload and CRC), batched over leading axes.

Algorithms:

* ``"sc"``: successive cancellation (Arikan), one path;
* ``"scl"``: SC list decoding (Tal and Vardy), leaf by leaf, with the LLR-domain path metric
  ``PM += |lambda|`` when a decision disagrees with its LLR; LLR memory per stage shared between
  paths with copy-on-write row pointers;
* ``"fast-scl"``: the same list decoder on a pruned tree, whose rate-0, rate-1, repetition and
  single-parity-check sub-trees are decoded in one step each (Hashemi, Condo and Gross, 2017);
  with ``f_function="min-sum"`` its list, metrics and decisions equal those of ``"scl"``.

Parity-check bits (§5.3.1.2, UCI with ``12 <= A <= 19``) are decided inside SC/SCL like frozen
bits whose value, per path, is the cyclic-register parity ``y_0`` of the information bits
before them. CRC-aided selection is done by a callable (``crc_check``) supplied by the chain,
which knows the CRC polynomial, masks and the DCI leading ones, or by naming a CRC (``crc``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from opennr._validation import as_llrs, check_choice, check_int
from opennr.coding.polar import _decoder_kernels as _k

__all__ = [
    "ALGORITHMS",
    "F_FUNCTIONS",
    "MAX_LIST_SIZE",
    "PolarDecodeResult",
    "polar_decode",
]

_CLAUSE = "TS 38.212 §5.3.1"
#: Decoding algorithms accepted by :func:`polar_decode`.
ALGORITHMS: tuple[str, ...] = ("sc", "scl", "fast-scl")
#: Check-node rules: exact box-plus or its min-sum approximation.
F_FUNCTIONS: tuple[str, ...] = ("exact", "min-sum")
#: Largest list size (a power of two).
MAX_LIST_SIZE = 32
_LIST_SIZES = tuple(1 << i for i in range(6))
_CRCS = ("24A", "24B", "24C", "16", "11", "6")


@dataclass(frozen=True)
class PolarDecodeResult:
    """TS 38.212 §5.3.1: outcome of :func:`polar_decode` for a batch of polar code blocks.

    Attributes
    ----------
    bits : numpy.ndarray of uint8, shape [..., K]
        Estimated encoder input ``c_0 .. c_(K-1)`` (payload and CRC), in original order
        (de-interleaved when ``input_interleaving`` was set).
    crc_ok : numpy.ndarray of bool, shape [...]
        Whether the returned candidate passed the CRC check (all True without a check).
    path_metric : numpy.ndarray of float32, shape [...]
        Path metric of the returned candidate (0 for a decision that agrees with every LLR;
        larger is less likely).
    """

    bits: np.ndarray
    crc_ok: np.ndarray
    path_metric: np.ndarray


@dataclass(frozen=True)
class _Schedule:
    n: int
    start: np.ndarray
    stage: np.ndarray
    ntype: np.ndarray
    kpos: np.ndarray
    k: int


def _build_schedule(kind: np.ndarray, fast: bool) -> _Schedule:
    """Leaves (or special nodes if ``fast``) of the code tree, left to right.

    ``kind[i]``: 0 frozen, 1 information (c bit), 2 parity check.
    """
    nn = kind.size
    n = nn.bit_length() - 1
    info_before = np.concatenate(([0], np.cumsum(kind == 1)))
    start, stage, ntype, kpos = [], [], [], []

    def emit(p, s, t):
        start.append(p)
        stage.append(s)
        ntype.append(t)
        kpos.append(int(info_before[p]))

    def rec(p, s):
        m = 1 << s
        seg = kind[p : p + m]
        if s == 0:
            emit(p, 0, (_k.T_R0, _k.T_INFO, _k.T_PC)[int(seg[0])])
            return
        if fast and not (seg == 2).any():
            nf = int((seg == 0).sum())
            if nf == m:
                return emit(p, s, _k.T_R0)
            if nf == 0:
                return emit(p, s, _k.T_R1)
            if nf == m - 1 and seg[-1] == 1:
                return emit(p, s, _k.T_REP)
            if nf == 1 and seg[0] == 0:
                return emit(p, s, _k.T_SPC)
        rec(p, s - 1)
        rec(p + m // 2, s - 1)

    rec(0, n)
    return _Schedule(
        n,
        np.asarray(start, np.int32),
        np.asarray(stage, np.int32),
        np.asarray(ntype, np.int8),
        np.asarray(kpos, np.int32),
        int(info_before[-1]),
    )


@lru_cache(maxsize=64)
def _schedule_cached(kind_bytes: bytes, fast: bool) -> _Schedule:
    return _build_schedule(np.frombuffer(kind_bytes, np.uint8), fast)


def _code_layout(code) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated (kind [N], info_positions, pc_positions) of a PolarCode-like object."""
    try:
        frozen = np.asarray(code.frozen)
        info = np.asarray(code.info_positions)
        pc = np.asarray(code.pc_positions)
    except AttributeError as exc:
        raise TypeError(
            "code must be a PolarCode (polar_construct) with frozen, info_positions and "
            f"pc_positions ({_CLAUSE}.2), got {type(code).__name__}"
        ) from exc
    nn = frozen.size
    if frozen.ndim != 1 or nn < 2 or nn > 1024 or nn & (nn - 1):
        raise ValueError(
            f"code.frozen must be a 1-d mask of N = 2^n entries, 2 <= N <= 1024 ({_CLAUSE}), "
            f"got shape {frozen.shape}"
        )
    kind = np.zeros(nn, np.uint8)
    kind[info.astype(np.int64)] = 1
    kind[pc.astype(np.int64)] = 2
    if (
        info.size + pc.size != int((~frozen.astype(bool)).sum())
        or np.any(kind[frozen.astype(bool)] != 0)
        or (np.unique(np.concatenate([info, pc])).size != info.size + pc.size)
    ):
        raise ValueError(
            "code is inconsistent: info_positions and pc_positions must be disjoint and cover "
            f"exactly the non-frozen positions ({_CLAUSE}.2)"
        )
    return kind, np.sort(info), np.sort(pc)


def _deinterleaver(k: int) -> np.ndarray:
    from opennr.coding.polar.interleavers import input_interleaver_pattern

    return np.asarray(input_interleaver_pattern(k), dtype=np.int64)


def polar_decode(
    llr,
    code,
    *,
    list_size: int = 8,
    algorithm: str = "fast-scl",
    f_function: str = "min-sum",
    crc: str | None = None,
    crc_check: Callable[[np.ndarray], np.ndarray] | None = None,
    input_interleaving: bool = False,
) -> PolarDecodeResult:
    """TS 38.212 §5.3.1: decode polar code blocks, ``[..., N]`` LLRs -> ``[..., K]`` bits.

    Parameters
    ----------
    llr : array_like of float, shape [..., N]
        LLRs ``ln P(d=0)/P(d=1)`` of the polar codeword ``d_0 .. d_(N-1)`` (punctured bits 0,
        shortened bits a large positive value). Must be finite.
    code : PolarCode
        The code (:func:`~opennr.coding.polar.construction.polar_construct`): ``frozen`` [N],
        ``info_positions`` [K] and ``pc_positions`` [n_PC].
    list_size : {1, 2, 4, 8, 16, 32}
        List size ``L`` of ``"scl"`` and ``"fast-scl"`` (ignored by ``"sc"``).
    algorithm : {"fast-scl", "scl", "sc"}
        See the module notes. ``"fast-scl"`` and ``"scl"`` give the same decisions with
        min-sum; ``"fast-scl"`` is several times faster.
    f_function : {"min-sum", "exact"}
        Check-node update ``f(a, b)``: ``"exact"`` box-plus
        ``2 atanh(tanh(a/2) tanh(b/2))``, or ``"min-sum"``
        ``sign(a) sign(b) min(|a|, |b|)``.
    crc : {"24A", "24B", "24C", "16", "11", "6"}, optional
        CRC (TS 38.212 §5.1) over the ``K`` bits ``c`` for CRC-aided list selection, when
        no ``crc_check`` is given.
    crc_check : callable, optional
        ``f(c [M, K] uint8) -> bool [M]``: whether candidate encoder inputs pass the chain's
        CRC (c in original order, i.e. de-interleaved). Exclusive with ``crc``.
    input_interleaving : bool
        Whether the encoder interleaved ``c`` (§5.3.1.1, ``I_IL = 1``: BCH and DCI); the
        decoder then returns ``c`` in original order.

    Returns
    -------
    PolarDecodeResult
        ``bits`` uint8 [..., K], ``crc_ok`` bool [...], ``path_metric`` float32 [...]. With a
        CRC, the most likely list candidate that passes it, else the most likely one
        (``crc_ok`` False).

    Notes
    -----
    The PC value of position ``n`` is ``y_0`` of the §5.3.1.2 register, i.e. the XOR of the
    information bits ``u_m``, ``m < n``, ``m = n mod 5`` (PC bits do not update the register).
    Sub-trees containing PC bits are decoded leaf by leaf also by ``"fast-scl"``.
    With ``f_function="exact"``, ``"fast-scl"`` applies exact box-plus above its special
    nodes and decodes the nodes with their (min-sum) closed forms, so its decisions may
    differ from exact ``"scl"`` in rare cases.

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.coding.polar.construction import polar_construct
    >>> from opennr.coding.polar.encoder import polar_encode
    >>> code = polar_construct(40, 128, n_max=9)
    >>> rng = np.random.default_rng(0)
    >>> c = rng.integers(0, 2, (3, 40)).astype(np.uint8)
    >>> llr = 4.0 * (1.0 - 2.0 * polar_encode(c, code))
    >>> res = polar_decode(llr, code, list_size=8)
    >>> bool((res.bits == c).all()), res.bits.shape
    (True, (3, 40))
    """
    kind, info, _pc = _code_layout(code)
    nn = kind.size
    algorithm = check_choice(algorithm, "algorithm", ALGORITHMS, clause=_CLAUSE)
    f_function = check_choice(f_function, "f_function", F_FUNCTIONS, clause=_CLAUSE)
    list_size = check_int(list_size, "list_size", low=1, high=MAX_LIST_SIZE)
    check_choice(
        list_size, "list_size", _LIST_SIZES, clause=f"{_CLAUSE}: a power of two"
    )
    if crc is not None and crc_check is not None:
        raise ValueError("give crc or crc_check, not both")
    if crc is not None:
        check_choice(crc, "crc", _CRCS, clause="TS 38.212 §5.1")
    if crc_check is not None and not callable(crc_check):
        raise TypeError(
            f"crc_check must be callable c [M, K] -> bool [M], got {crc_check!r}"
        )
    if not isinstance(input_interleaving, bool | np.bool_):
        raise TypeError(
            f"input_interleaving must be a bool, got {input_interleaving!r}"
        )
    arr = as_llrs(llr, "llr", _CLAUSE)
    if arr.ndim == 0 or arr.shape[-1] != nn:
        raise ValueError(
            f"llr must have N = {nn} entries on its last axis (the code's mother code length, "
            f"{_CLAUSE}), got shape {arr.shape}"
        )
    k = info.size
    batch = arr.shape[:-1]
    flat = np.ascontiguousarray(arr.reshape(-1, nn), dtype=np.float32)
    nb = flat.shape[0]
    exact = f_function == "exact"
    deint = _deinterleaver(k) if input_interleaving and k else None

    def to_c(bits):  # c' (encoder order) -> c
        if deint is None:
            return bits
        out = np.empty_like(bits)
        out[..., deint] = bits
        return out

    if crc is not None:
        from opennr.coding.crc import crc_check as _crc_check

        def crc_check(c, _poly=crc):
            return _crc_check(c, _poly)

    if algorithm == "sc":
        sched = _schedule_cached(kind.tobytes(), False)
        bits = np.zeros((nb, k), np.uint8)
        pm = np.zeros(nb, np.float32)
        if nb:
            _k.sc_decode_kernel(
                flat,
                sched.n,
                sched.start,
                sched.stage,
                sched.ntype,
                sched.kpos,
                exact,
                bits,
                pm,
            )
        bits = to_c(bits)
        if crc_check is not None and nb:
            ok = np.asarray(crc_check(bits), dtype=bool).reshape(nb)
        else:
            ok = np.ones(nb, bool)
    else:
        sched = _schedule_cached(kind.tobytes(), algorithm == "fast-scl")
        cand = np.zeros((nb, list_size, k), np.uint8)
        cpm = np.full((nb, list_size), np.inf, np.float64)
        num = np.zeros(nb, np.int32)
        # the kernel writes c in original order (de-interleaving folded into its output)
        outpos = np.arange(k, dtype=np.int64) if deint is None else deint
        if nb:
            _k.scl_decode_kernel(
                flat,
                sched.n,
                sched.start,
                sched.stage,
                sched.ntype,
                sched.kpos,
                k,
                list_size,
                exact,
                outpos,
                cand,
                cpm,
                num,
            )
        pick = np.zeros(nb, np.int64)
        ok = np.ones(nb, bool)
        if crc_check is not None and nb:
            if (num == list_size).all():  # full lists: check all rows without a gather
                passed = np.asarray(crc_check(cand.reshape(-1, k)), dtype=bool)
                passed = passed.reshape(nb, list_size)
            else:
                valid = np.arange(list_size)[None, :] < num[:, None]
                passed = np.zeros((nb, list_size), bool)
                passed[valid] = np.asarray(crc_check(cand[valid]), dtype=bool).reshape(-1)
            ok = passed.any(axis=1)
            pick = np.where(ok, passed.argmax(axis=1), 0)
        rows = np.arange(nb)
        bits = cand[rows, pick]
        pm = cpm[rows, pick].astype(np.float32)
    return PolarDecodeResult(
        bits=bits.reshape(*batch, k),
        crc_ok=ok.reshape(batch),
        path_metric=pm.reshape(batch),
    )
