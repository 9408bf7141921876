"""MATLAB 5G Toolbox compatible coding functions (TS 38.212 §5.1-§5.5, §7.2) over the native API.

Same names, argument order and defaults as MathWorks' functions; name-value pairs are keyword
arguments with MATLAB's names and values. Each wrapper validates, converts between MATLAB's
conventions and OpenNR's, and calls the native function that does the work:

* matrices are ``(K, C)`` arrays whose columns are code blocks (the transpose of the native
  batch-first ``[C, K]``); a MATLAB column vector is a 1-D array;
* filler bits are ``-1`` in the inputs and outputs of ``nrCodeBlockSegmentLDPC``, ``nrLDPCEncode``
  and ``nrRateMatchLDPC`` (the native API carries them as 0 and passes their count);
* ``nrRateRecoverLDPC`` returns ``+Inf`` (a known 0 bit) at filler positions, and
  ``nrLDPCDecode`` accepts it;
* bit outputs that can hold ``-1`` are ``int8`` (``float64`` when the input was floating point, as
  MATLAB keeps the class of its input); soft values are ``float64``.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from opennr.coding.crc import CRC_POLYNOMIALS, crc_attach, crc_length, crc_parity
from opennr.coding.ldpc.base_graph import LIFTING_SIZES
from opennr.coding.ldpc.decoder import ldpc_decode
from opennr.coding.ldpc.encoder import ldpc_encode
from opennr.coding.ldpc.rate_matching import (
    FILLER_LLR,
    rate_match_index_map,
    rate_match_lengths,
)
from opennr.coding.segmentation import (
    desegment,
    segment,
    segmentation_info,
    select_base_graph,
)
from opennr.matlab._struct import MatlabStruct

__all__ = [
    "nrCRCEncode",
    "nrCRCDecode",
    "nrCodeBlockSegmentLDPC",
    "nrCodeBlockDesegmentLDPC",
    "nrLDPCEncode",
    "nrLDPCDecode",
    "nrRateMatchLDPC",
    "nrRateRecoverLDPC",
    "nrDLSCHInfo",
    "MODULATION_ORDERS",
]

#: MATLAB modulation names -> modulation order ``Q_m`` (TS 38.211 §5.1, TS 38.212 §5.4.2.2).
MODULATION_ORDERS: dict[str, int] = {
    "pi/2-BPSK": 1,
    "BPSK": 1,
    "QPSK": 2,
    "16QAM": 4,
    "64QAM": 6,
    "256QAM": 8,
    "1024QAM": 10,
}
_N_COLS = {1: 66, 2: 50}  # N = 66 Zc (BG1) or 50 Zc (BG2)
_K_COLS = {1: 22, 2: 10}  # K = 22 Zc (BG1) or 10 Zc (BG2)


# --------------------------------------------------------------------------------------------
# argument helpers (MATLAB names in every message)
# --------------------------------------------------------------------------------------------
def _int_arg(value, name: str, *, low: int | None = None, high: int | None = None,
             clause: str | None = None) -> int:
    """An integer-valued scalar (MATLAB passes doubles: ``2.0`` is accepted, ``2.5`` is not)."""
    where = f" ({clause})" if clause else ""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, Integral | Real | np.number):
        raise TypeError(f"{name} must be an integer scalar, got {type(value).__name__} {value!r}")
    if isinstance(value, Integral | np.integer):
        v = int(value)
    else:
        f = float(value)
        if not np.isfinite(f) or f != int(f):
            raise ValueError(f"{name} must be an integer, got {value!r}{where}")
        v = int(f)
    if (low is not None and v < low) or (high is not None and v > high):
        lo = "-Inf" if low is None else low
        hi = "Inf" if high is None else high
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {v}{where}")
    return v


def _choice_arg(value, name: str, choices, clause: str | None = None):
    where = f" ({clause})" if clause else ""
    for c in choices:
        if isinstance(value, str) and isinstance(c, str):
            if value.lower() == c.lower():
                return c
        elif not isinstance(value, str) and not isinstance(c, str):
            try:
                if value == c and not isinstance(value, bool):
                    return c
            except (TypeError, ValueError):
                pass
    allowed = ", ".join(repr(c) for c in choices)
    raise ValueError(f"{name} must be one of {allowed}; got {value!r}{where}")


def _bgn_arg(bgn) -> int:
    v = _int_arg(bgn, "bgn", clause="TS 38.212 §5.3.2")
    if v not in (1, 2):
        raise ValueError(f"bgn must be one of 1, 2 (LDPC base graph number); got {bgn!r} "
                         "(TS 38.212 §5.3.2)")
    return v


def _rv_arg(rv) -> int:
    return _int_arg(rv, "rv", low=0, high=3, clause="TS 38.212 Table 5.4.2.1-2")


def _mod_arg(mod) -> int:
    if not isinstance(mod, str):
        raise TypeError(f"mod must be a character vector or string such as 'QPSK', got {mod!r}")
    return MODULATION_ORDERS[_choice_arg(mod, "mod", tuple(MODULATION_ORDERS),
                                         "TS 38.212 §5.4.2.2")]


def _nlayers_arg(nlayers) -> int:
    return _int_arg(nlayers, "nlayers", low=1, high=4, clause="TS 38.212 §5.4.2.1")


def _nref_arg(nref) -> int | None:
    if nref is None or (isinstance(nref, list | tuple | np.ndarray) and len(nref) == 0):
        return None
    return _int_arg(nref, "Nref", low=1, clause="TS 38.212 §5.4.2.1")


def _poly_arg(poly) -> str:
    if not isinstance(poly, str):
        raise TypeError(f"poly must be a character vector or string such as '24A', got {poly!r}")
    return _choice_arg(poly, "poly", tuple(CRC_POLYNOMIALS), "TS 38.212 §5.1")


def _matrix(x, name: str, clause: str) -> np.ndarray:
    """A MATLAB column vector (1-D) or matrix (2-D, one code block per column)."""
    arr = np.asarray(x)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be a column vector (1-D array) or a matrix with one code block per "
            f"column (2-D array), got shape {arr.shape} ({clause})"
        )
    return arr


def _bit_values(arr: np.ndarray, name: str, clause: str, *, fillers: bool) -> np.ndarray:
    """Check that ``arr`` holds 0/1 (and -1 filler bits if ``fillers``); return it as int8."""
    if arr.dtype == bool:
        return arr.astype(np.int8)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a numeric or logical array of bits, got dtype "
                        f"{arr.dtype} ({clause})")
    allowed = (-1, 0, 1) if fillers else (0, 1)
    if arr.size and not np.isin(arr, allowed).all():
        what = "0, 1 and -1 (filler bits)" if fillers else "0 and 1"
        raise ValueError(f"{name} must contain only {what} ({clause})")
    return arr.astype(np.int8)


def _bit_dtype(arr: np.ndarray) -> np.dtype:
    """MATLAB keeps the class of the input: double stays double, anything else becomes int8."""
    return np.dtype(np.float64) if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.int8)


def _blocks_first(arr: np.ndarray) -> np.ndarray:
    """MATLAB ``(K, C)`` (or a ``(K,)`` column) -> native ``[C, K]`` (or ``[K]``)."""
    return arr.T if arr.ndim == 2 else arr


def _columns(native: np.ndarray) -> np.ndarray:
    """Native ``[C, K]`` (or ``[K]``) -> MATLAB ``(K, C)`` (or ``(K,)``)."""
    return np.ascontiguousarray(native.T) if native.ndim == 2 else native


def _lifting_from_length(length: int, name: str, cols: dict[int, int], what: str,
                         bgn: int | None = None) -> tuple[int, int]:
    """``(bgn, Zc)`` such that ``length = cols[bgn] * Zc`` with ``Zc`` in Table 5.3.2-1."""
    for bg in (1, 2) if bgn is None else (bgn,):
        z, rem = divmod(length, cols[bg])
        if not rem and z in LIFTING_SIZES:
            return bg, z
    sizes = " or ".join(f"{cols[bg]}*Zc" for bg in ((1, 2) if bgn is None else (bgn,)))
    raise ValueError(
        f"{name} must have {sizes} rows ({what}) with Zc a lifting size of TS 38.212 "
        f"Table 5.3.2-1; got {length} rows"
    )


def _segmentation(b: int, bg: int):
    """``(SegmentationInfo, B_pad)``: TS 38.212 §5.2.2 parameters for ``B`` input bits.

    TS 38.214 sizes always give ``B' = B + C L`` divisible by ``C``. For other ``B`` MATLAB still
    segments, with ``ceil(B / C)`` data bits per block, the last block's data padded with zeros;
    that is segmentation of ``B_pad = C ceil(B / C)`` bits (same ``C``, ``K'``, ``Zc``).
    """
    for b_pad in range(b, b + 400):  # C <= 336 for the largest TBS
        try:
            return segmentation_info(b_pad, bg), b_pad
        except ValueError:
            if b_pad == b + 399:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# CRC
# --------------------------------------------------------------------------------------------
def nrCRCEncode(blk, poly, mask=0):
    """TS 38.212 §5.1: CRC calculation and attachment, MATLAB ``nrCRCEncode``.

    MATLAB syntax: ``blkcrc = nrCRCEncode(blk,poly)``, ``blkcrc = nrCRCEncode(blk,poly,mask)``.

    Parameters
    ----------
    blk : array_like, shape (A,) or (A, C)
        Bits (0/1, logical, integer or double); each column of a matrix is one block.
    poly : {'6', '11', '16', '24A', '24B', '24C'}
        CRC polynomial (case-insensitive, as MATLAB).
    mask : int, default 0
        XOR mask applied to the ``L`` parity bits, most significant bit first (e.g. an RNTI).

    Returns
    -------
    blkcrc : numpy.ndarray, shape (A + L,) or (A + L, C)
        ``blk`` with its parity bits appended, same dtype as ``blk``.

    Notes
    -----
    Native: :func:`opennr.coding.crc.crc_attach`.

    Examples
    --------
    >>> import numpy as np
    >>> nrCRCEncode(np.array([1, 0, 1, 1]), '6')
    array([1, 0, 1, 1, 1, 0, 1, 1, 0, 1])
    >>> nrCRCEncode(np.ones((20, 2)), '16', 0x1234).shape
    (36, 2)
    """
    clause = "TS 38.212 §5.1"
    poly = _poly_arg(poly)
    arr = _matrix(blk, "blk", clause)
    bits = _bit_values(arr, "blk", clause, fillers=False)
    length = crc_length(poly)
    mask = _int_arg(mask, "mask", low=0, high=(1 << length) - 1, clause=clause)
    out = crc_attach(_blocks_first(bits).astype(np.uint8), poly, mask=mask)
    return _columns(out).astype(arr.dtype, copy=False)


def nrCRCDecode(blkcrc, poly, mask=0):
    """TS 38.212 §5.1: CRC check and removal, MATLAB ``nrCRCDecode``.

    MATLAB syntax: ``[blk,err] = nrCRCDecode(blkcrc,poly)``,
    ``[blk,err] = nrCRCDecode(blkcrc,poly,mask)``.

    Parameters
    ----------
    blkcrc : array_like, shape (A + L,) or (A + L, C)
        Blocks with their CRC bits last; each column of a matrix is one block.
    poly : {'6', '11', '16', '24A', '24B', '24C'}
        CRC polynomial.
    mask : int, default 0
        XOR mask that was applied to the parity bits.

    Returns
    -------
    blk : numpy.ndarray, shape (A,) or (A, C)
        The blocks without their CRC bits, same dtype as ``blkcrc``.
    err : numpy.uint32 or numpy.ndarray of uint32, shape (C,)
        The CRC syndrome (computed parity XOR received parity, MSB first) XOR ``mask``: 0 when the
        check passes. A scalar for a column vector, one value per column for a matrix.

    Notes
    -----
    Native: :func:`opennr.coding.crc.crc_parity`. Decoding a PDCCH CRC24C without a mask returns
    the RNTI that scrambled it (TS 38.212 §7.3.2).

    Examples
    --------
    >>> import numpy as np
    >>> blk, err = nrCRCDecode(nrCRCEncode(np.ones(20, dtype=np.int8), '24C', 0xBEEF), '24C')
    >>> blk.shape, hex(err)
    ((20,), '0xbeef')
    """
    clause = "TS 38.212 §5.1"
    poly = _poly_arg(poly)
    arr = _matrix(blkcrc, "blkcrc", clause)
    length = crc_length(poly)
    mask = _int_arg(mask, "mask", low=0, high=(1 << length) - 1, clause=clause)
    if arr.shape[0] < length:
        raise ValueError(f"blkcrc must have at least L = {length} rows for CRC{poly}, got "
                         f"shape {arr.shape} ({clause})")
    bits = _blocks_first(_bit_values(arr, "blkcrc", clause, fillers=False)).astype(np.uint8)
    syndrome = crc_parity(bits[..., :-length], poly) ^ bits[..., -length:]
    weights = np.uint32(1) << np.arange(length - 1, -1, -1, dtype=np.uint32)
    err = (syndrome.astype(np.uint32) * weights).sum(axis=-1, dtype=np.uint32) ^ np.uint32(mask)
    return arr[:-length], (err if arr.ndim == 2 else np.uint32(err))


# --------------------------------------------------------------------------------------------
# code-block segmentation
# --------------------------------------------------------------------------------------------
def nrCodeBlockSegmentLDPC(blk, bgn):
    """TS 38.212 §5.2.2: LDPC code-block segmentation and CRC attachment, MATLAB ``nrCodeBlockSegmentLDPC``.

    MATLAB syntax: ``cbs = nrCodeBlockSegmentLDPC(blk,bgn)``.

    Parameters
    ----------
    blk : array_like, shape (B,)
        Transport block with its TB CRC (0/1).
    bgn : {1, 2}
        LDPC base graph number.

    Returns
    -------
    cbs : numpy.ndarray of int8 (float64 for a floating input), shape (K, C)
        One code block per column: data bits, CRC24B when ``C > 1``, then ``F`` filler bits
        set to ``-1``.

    Notes
    -----
    Native: :func:`opennr.coding.segmentation.segment`.

    Examples
    --------
    >>> import numpy as np
    >>> cbs = nrCodeBlockSegmentLDPC(np.ones(10000, dtype=np.int8), 1)
    >>> cbs.shape, cbs.dtype, int((cbs == -1).sum(axis=0)[0])
    ((5280, 2), dtype('int8'), 256)
    """
    clause = "TS 38.212 §5.2.2"
    bg = _bgn_arg(bgn)
    arr = np.asarray(blk)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"blk must be a non-empty column vector (1-D array), got shape "
                         f"{arr.shape} ({clause})")
    bits = _bit_values(arr, "blk", clause, fillers=False).astype(np.uint8)
    info, b_pad = _segmentation(bits.size, bg)
    bits = np.concatenate([bits, np.zeros(b_pad - bits.size, np.uint8)])
    cbs = segment(bits, bg).astype(_bit_dtype(arr))  # [C, K]
    cbs[:, info.k_prime:] = -1
    return _columns(cbs)


def nrCodeBlockDesegmentLDPC(cbs, bgn, blklen):
    """TS 38.212 §5.2.2 (inverse): LDPC code-block desegmentation and CRC decoding, MATLAB ``nrCodeBlockDesegmentLDPC``.

    MATLAB syntax: ``[blk,err] = nrCodeBlockDesegmentLDPC(cbs,bgn,blklen)``.

    Parameters
    ----------
    cbs : array_like, shape (K, C) or (K,)
        Code blocks, one per column (0/1; the filler positions may hold anything, e.g. ``-1``).
    bgn : {1, 2}
        LDPC base graph number.
    blklen : int
        ``B``, the length of the output block (transport block with TB CRC).

    Returns
    -------
    blk : numpy.ndarray, shape (B,)
        Concatenated data bits without CB CRCs and fillers, same dtype as ``cbs``.
    err : numpy.ndarray of uint32, shape (C,)
        Per code block, the CRC24B syndrome as in :func:`nrCRCDecode` (0 = passed); empty when
        ``C = 1`` (no CB CRC).

    Notes
    -----
    Native: :func:`opennr.coding.segmentation.desegment`.

    Examples
    --------
    >>> import numpy as np
    >>> blk = np.random.default_rng(0).integers(0, 2, 10000)
    >>> out, err = nrCodeBlockDesegmentLDPC(nrCodeBlockSegmentLDPC(blk, 1), 1, 10000)
    >>> bool((out == blk).all()), err
    (True, array([0, 0], dtype=uint32))
    """
    clause = "TS 38.212 §5.2.2"
    bg = _bgn_arg(bgn)
    b = _int_arg(blklen, "blklen", low=1, clause=clause)
    arr = _matrix(cbs, "cbs", clause)
    info, b_pad = _segmentation(b, bg)
    cols = arr.reshape(arr.shape[0], -1)
    if cols.shape != (info.k, info.c):
        raise ValueError(
            f"cbs must be {info.k}-by-{info.c} (K-by-C) for bgn = {bg} and blklen = {b}, got "
            f"shape {arr.shape} ({clause})"
        )
    data = cols[: info.k_prime]
    bits = _bit_values(data, "cbs", clause, fillers=False).astype(np.uint8)
    blocks = np.zeros((info.c, info.k), dtype=np.uint8)
    blocks[:, : info.k_prime] = bits.T
    out, _ = desegment(blocks, b_pad, bg)
    out = out[:b]
    if info.c > 1:
        _, err = nrCRCDecode(bits, "24B")
    else:
        err = np.zeros(0, dtype=np.uint32)
    return out.astype(arr.dtype, copy=False), err


# --------------------------------------------------------------------------------------------
# LDPC encoding
# --------------------------------------------------------------------------------------------
def nrLDPCEncode(in_, bgn):
    """TS 38.212 §5.3.2: LDPC encoding, MATLAB ``nrLDPCEncode``.

    MATLAB syntax: ``out = nrLDPCEncode(in,bgn)``.

    Parameters
    ----------
    in_ : array_like, shape (K, C) or (K,)
        Code blocks, one per column (0/1, filler bits ``-1``), ``K = 22 Zc`` (BG1) or ``10 Zc``
        (BG2). (``in`` is a Python keyword, hence ``in_``.)
    bgn : {1, 2}
        LDPC base graph number.

    Returns
    -------
    out : numpy.ndarray of int8 (float64 for a floating input), shape (N, C) or (N,)
        Encoded blocks without the ``2 Zc`` punctured systematic bits, ``N = 66 Zc`` or ``50 Zc``;
        filler positions are ``-1`` again.

    Notes
    -----
    Native: :func:`opennr.coding.ldpc.encoder.ldpc_encode` (fillers encoded as 0).

    Examples
    --------
    >>> import numpy as np
    >>> cbs = np.vstack([np.ones((2524, 2), np.int8), -np.ones((36, 2), np.int8)])
    >>> out = nrLDPCEncode(cbs, 2)
    >>> out.shape, int((out[:, 0] == -1).sum())
    ((12800, 2), 36)
    """
    clause = "TS 38.212 §5.3.2"
    bg = _bgn_arg(bgn)
    arr = _matrix(in_, "in", clause)
    _, z = _lifting_from_length(arr.shape[0], "in", _K_COLS, "K", bg)
    vals = _bit_values(arr, "in", clause, fillers=True)
    filler = vals == -1
    bits = np.where(filler, 0, vals).astype(np.uint8)
    coded = _columns(ldpc_encode(_blocks_first(bits), bg, z)).astype(_bit_dtype(arr))
    k = arr.shape[0]
    coded[: k - 2 * z][filler[2 * z:]] = -1
    return coded


#: MATLAB ``Algorithm`` values -> native ``ldpc_decode`` algorithms.
_ALGORITHMS = {
    "Belief propagation": "flooding-spa",
    "Layered belief propagation": "layered-spa",
    "Normalized min-sum": "layered-nms",
    "Offset min-sum": "layered-oms",
}


def _real_arg(value, name: str, *, low: float, high: float | None, low_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real scalar, got {type(value).__name__} {value!r}")
    v = float(value)
    if not np.isfinite(v) or (v <= low if low_open else v < low) or (high is not None and v > high):
        lo = "(" if low_open else "["
        hi = "Inf)" if high is None else f"{high}]"
        raise ValueError(f"{name} must be in {lo}{low}, {hi}, got {value!r} (TS 38.212 §5.3.2)")
    return v


def nrLDPCDecode(in_, bgn, maxNumIter, *, Algorithm="Belief propagation", ScalingFactor=0.75,
                 Offset=0.5, Termination="early", OutputFormat="info", DecisionType="hard"):
    """TS 38.212 §5.3.2: LDPC decoding, MATLAB ``nrLDPCDecode``.

    MATLAB syntax: ``[out,actNumIter,finalParityChecks] = nrLDPCDecode(in,bgn,maxNumIter)``,
    ``[out,actNumIter,finalParityChecks] = nrLDPCDecode(___,Name,Value)``.

    Parameters
    ----------
    in_ : array_like of float, shape (N, C) or (N,)
        Rate-recovered soft bits (LLR, positive means 0), one code block per column,
        ``N = 66 Zc`` (BG1) or ``50 Zc`` (BG2). ``+Inf`` (filler bits from
        :func:`nrRateRecoverLDPC`) and ``-Inf`` are accepted; NaN is not.
    bgn : {1, 2}
        LDPC base graph number.
    maxNumIter : int
        Maximum number of iterations (1..1000).
    Algorithm : {'Belief propagation', 'Layered belief propagation', 'Normalized min-sum', 'Offset min-sum'}
        Decoding algorithm (the min-sum variants are layered, as MATLAB's).
    ScalingFactor : float, default 0.75
        Scaling of ``'Normalized min-sum'``, in (0, 1].
    Offset : float, default 0.5
        Offset of ``'Offset min-sum'``, >= 0.
    Termination : {'early', 'max'}
        Stop a code block once all its parity checks hold, or always run ``maxNumIter``.
    OutputFormat : {'info', 'whole'}
        The ``K`` information bits, or the whole codeword of ``N + 2 Zc`` bits.
    DecisionType : {'hard', 'soft'}
        Hard bits (int8) or a-posteriori LLRs (float64).

    Returns
    -------
    out : numpy.ndarray, shape (K, C) / (N + 2 Zc, C), or 1-D for a 1-D input
        Decoded bits (int8, filler positions as 0) or a-posteriori LLRs (float64) of the ``K``
        information bits or (``'whole'``) of all ``N + 2 Zc`` codeword bits, the ``2 Zc``
        punctured ones first.
    actNumIter : int or numpy.ndarray of int32, shape (C,)
        Iterations run per code block.
    finalParityChecks : numpy.ndarray of uint8, shape (M, C) or (M,)
        The ``M = 46 Zc`` (BG1) or ``42 Zc`` (BG2) parity checks ``H x`` of the final hard
        decision ``x`` of the whole codeword (all 0 when decoding succeeded).

    Notes
    -----
    Native: :func:`opennr.coding.ldpc.decoder.ldpc_decode` with ``output="whole"`` when asked
    and ``return_syndrome=True``: the outputs are the decoder's own final decisions, for
    converged and failed blocks alike. Rows whose degree-one parity column was not transmitted
    in any block (all-zero soft bits) are skipped by the native decoder; their parity bits are
    set from their rows, so those rows' entries of ``finalParityChecks`` are 0 (see
    :func:`~opennr.coding.ldpc.decoder.ldpc_decode`).

    Examples
    --------
    >>> import numpy as np
    >>> cbs = np.vstack([np.ones((2524, 2), np.int8), -np.ones((36, 2), np.int8)])
    >>> enc = nrLDPCEncode(cbs, 2)
    >>> llr = 1.0 - 2.0 * enc
    >>> llr[enc == -1] = 0
    >>> out, iters, checks = nrLDPCDecode(llr, 2, 25)
    >>> out.shape, out.dtype, bool((out[:2524] == 1).all()), iters, int(checks.sum())
    ((2560, 2), dtype('int8'), True, array([1, 1], dtype=int32), 0)
    """
    clause = "TS 38.212 §5.3.2"
    bg = _bgn_arg(bgn)
    arr = _matrix(in_, "in", clause)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"in must be a real array of soft bits, got dtype {arr.dtype}")
    _, z = _lifting_from_length(arr.shape[0], "in", _N_COLS, "N", bg)
    max_iter = _int_arg(maxNumIter, "maxNumIter", low=1, high=1000, clause=clause)
    algorithm = _ALGORITHMS[_choice_arg(Algorithm, "Algorithm", tuple(_ALGORITHMS), clause)]
    scaling = _real_arg(ScalingFactor, "ScalingFactor", low=0.0, high=1.0, low_open=True)
    offset = _real_arg(Offset, "Offset", low=0.0, high=None, low_open=False)
    termination = _choice_arg(Termination, "Termination", ("early", "max"), clause)
    fmt = _choice_arg(OutputFormat, "OutputFormat", ("info", "whole"), clause)
    decision = _choice_arg(DecisionType, "DecisionType", ("hard", "soft"), clause)
    llr = np.asarray(arr, dtype=np.float64)
    if np.isnan(llr).any():
        raise ValueError(f"in must not contain NaN ({clause})")
    inf = np.isinf(llr)
    if inf.any():  # +Inf = known 0 bit (filler): a large finite LLR of the same sign
        finite = np.abs(llr[~inf])
        big = max(FILLER_LLR, float(finite.max()) if finite.size else 0.0)
        llr = np.where(inf, np.copysign(big, llr), llr)
    native = _blocks_first(llr)  # [C, N] or [N]
    res = ldpc_decode(native.astype(np.float32), bg, z, algorithm=algorithm,
                      max_iterations=max_iter, early_termination=termination == "early",
                      scaling=scaling, offset=offset, output=fmt, return_syndrome=True)
    if decision == "soft":
        out = res.llr.astype(np.float64)
    else:
        out = res.bits.astype(np.int8)
    checks = res.syndrome
    if arr.ndim == 1:
        return out.reshape(-1), int(res.iterations), checks
    return _columns(out), res.iterations.astype(np.int32), _columns(checks)


# --------------------------------------------------------------------------------------------
# rate matching
# --------------------------------------------------------------------------------------------
def _filler_count(arr: np.ndarray, bg: int, z: int) -> int:
    """``F`` from the ``-1`` entries of an ``(N, C)`` encoded matrix; they must sit at
    ``K' - 2Zc .. K - 2Zc - 1`` of every column, as :func:`nrLDPCEncode` leaves them."""
    f1 = _K_COLS[bg] * z - 2 * z
    neg = arr == -1
    f = int(neg[:, 0].sum()) if arr.shape[1] else 0
    if f > f1 or not neg[f1 - f : f1].all() or neg.sum() != f * arr.shape[1]:
        raise ValueError(
            f"in must hold its filler bits (-1) at the same rows K'-2Zc .. K-2Zc-1 "
            f"(ending at row {f1}, 0-based) of every column, as nrLDPCEncode returns them "
            "(TS 38.212 §5.4.2.1)"
        )
    return f


def nrRateMatchLDPC(in_, outlen, rv, mod, nlayers, Nref=None):
    """TS 38.212 §5.4.2 and §5.5: LDPC rate matching and code-block concatenation, MATLAB ``nrRateMatchLDPC``.

    MATLAB syntax: ``out = nrRateMatchLDPC(in,outlen,rv,mod,nLayers)``,
    ``out = nrRateMatchLDPC(___,Nref)``.

    Bit selection from the circular buffer (skipping ``-1`` filler bits), bit interleaving over
    ``Q_m`` rows, then concatenation of the ``C`` blocks. The base graph and ``Zc`` follow from
    ``N`` (the number of rows), ``C`` from the number of columns.

    Parameters
    ----------
    in_ : array_like, shape (N, C) or (N,)
        LDPC-encoded code blocks, one per column (filler bits ``-1``); any values are selected
        as they are (MATLAB accepts e.g. index ramps).
    outlen : int
        ``G``, total output length, a multiple of ``nlayers * Q_m``.
    rv : {0, 1, 2, 3}
        Redundancy version.
    mod : {'pi/2-BPSK', 'BPSK', 'QPSK', '16QAM', '64QAM', '256QAM', '1024QAM'}
        Modulation (gives ``Q_m``).
    nlayers : int
        Number of layers ``N_L``, 1..4.
    Nref : int, optional
        Limited-buffer size; ``N_cb = min(N, Nref)``. Default: no limit (``N_cb = N``).

    Returns
    -------
    out : numpy.ndarray, shape (outlen,)
        Same dtype as ``in_``.

    Notes
    -----
    Native: :func:`opennr.coding.ldpc.rate_matching.rate_match_lengths` and
    :func:`~opennr.coding.ldpc.rate_matching.rate_match_index_map`.

    Examples
    --------
    >>> import numpy as np
    >>> nrRateMatchLDPC(np.ones((3960, 2), np.int8), 8000, 0, 'QPSK', 1).shape
    (8000,)
    """
    clause = "TS 38.212 §5.4.2.1"
    arr = _matrix(in_, "in", clause)
    rv = _rv_arg(rv)
    qm = _mod_arg(mod)
    nl = _nlayers_arg(nlayers)
    g = _int_arg(outlen, "outlen", low=0, clause=clause)
    nref = _nref_arg(Nref)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"in must be a numeric array, got dtype {arr.dtype}")
    if g % (nl * qm):
        raise ValueError(f"outlen must be a multiple of nlayers * Qm = {nl * qm}, got {g} "
                         f"({clause})")
    cols = arr.reshape(arr.shape[0], -1)
    n = cols.shape[0]
    bg, z = _lifting_from_length(n, "in", _N_COLS, "N")
    c = cols.shape[1]
    if c == 0:
        raise ValueError(f"in must hold at least one code block (column), got shape {arr.shape}")
    f = _filler_count(cols, bg, z)
    n_cb = n if nref is None else min(n, nref)
    parts = []
    for r, e in enumerate(rate_match_lengths(g, c, qm, nl)):
        idx = rate_match_index_map(e, rv, qm, bg=bg, z=z, n_filler=f, n_cb=n_cb)
        parts.append(cols[idx, r])
    return np.concatenate(parts)


def nrRateRecoverLDPC(in_, trblklen, R, rv, mod, nlayers, numCB=None, Nref=None):
    """TS 38.212 §5.4.2 and §5.5 (inverse): LDPC rate recovery, MATLAB ``nrRateRecoverLDPC``.

    MATLAB syntax: ``out = nrRateRecoverLDPC(in,trblklen,R,rv,mod,nLayers)``,
    ``out = nrRateRecoverLDPC(___,numCB)``, ``out = nrRateRecoverLDPC(___,numCB,Nref)``.

    Splits the soft bits into code blocks, undoes bit interleaving and adds each soft bit into
    the circular-buffer position it was selected from (repetitions combine). ``BGN``, ``C``,
    ``Zc``, ``F`` and ``N`` follow from ``trblklen`` and ``R`` as in :func:`nrDLSCHInfo`.

    Parameters
    ----------
    in_ : array_like of float, shape (G,)
        Received soft bits (LLR, positive means 0) of the whole codeword, in transmission order.
    trblklen : int
        Transport-block length ``A``.
    R : float
        Target code rate in (0, 1).
    rv : {0, 1, 2, 3}
        Redundancy version.
    mod : {'pi/2-BPSK', 'BPSK', 'QPSK', '16QAM', '64QAM', '256QAM', '1024QAM'}
        Modulation.
    nlayers : int
        Number of layers, 1..4.
    numCB : int, optional
        Number of scheduled code blocks ``C'`` (1..C) carried by ``in_``; default all ``C``.
    Nref : int, optional
        Limited-buffer size; ``N_cb = min(N, Nref)``.

    Returns
    -------
    out : numpy.ndarray of float64, shape (N, numCB)
        One circular buffer per column (``N = 66 Zc`` or ``50 Zc``); untransmitted positions are
        0 and filler positions ``+Inf`` (known 0 bits), ready for :func:`nrLDPCDecode`.

    Notes
    -----
    Native: :func:`opennr.coding.ldpc.rate_matching.rate_match_lengths` and
    :func:`~opennr.coding.ldpc.rate_matching.rate_match_index_map`; the soft combining is done
    here in float64 (:func:`~opennr.coding.ldpc.rate_matching.ldpc_rate_recover` works in
    float32).

    Examples
    --------
    >>> import numpy as np
    >>> out = nrRateRecoverLDPC(np.ones(4500), 4000, 0.5, 0, 'QPSK', 1, 1)
    >>> out.shape, int(np.isinf(out).sum())
    ((12672, 1), 200)
    """
    clause = "TS 38.212 §5.4.2.1"
    arr = np.asarray(in_)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"in must be a column vector (1-D array) of soft bits, got shape "
                         f"{arr.shape} ({clause})")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"in must be a real array of soft bits, got dtype {arr.dtype}")
    llr = arr.astype(np.float64)
    if np.isnan(llr).any():
        raise ValueError(f"in must not contain NaN ({clause})")
    info = nrDLSCHInfo(trblklen, R)
    rv = _rv_arg(rv)
    qm = _mod_arg(mod)
    nl = _nlayers_arg(nlayers)
    c = info.C if numCB is None else _int_arg(numCB, "numCB", low=1, high=info.C, clause=clause)
    nref = _nref_arg(Nref)
    g = llr.size
    if g % (nl * qm):
        raise ValueError(f"in must have a multiple of nlayers * Qm = {nl * qm} soft bits, got "
                         f"{g} ({clause})")
    bg, z, f, n = info.BGN, info.Zc, info.F, info.N
    n_cb = n if nref is None else min(n, nref)
    out = np.zeros((n, c), dtype=np.float64)
    start = 0
    for r, e in enumerate(rate_match_lengths(g, c, qm, nl)):
        idx = rate_match_index_map(e, rv, qm, bg=bg, z=z, n_filler=f, n_cb=n_cb)
        out[:, r] = np.bincount(idx, weights=llr[start : start + e], minlength=n)
        start += e
    f1 = info.K - 2 * z
    out[f1 - f : f1] = np.inf
    return out


# --------------------------------------------------------------------------------------------
# transport-block information
# --------------------------------------------------------------------------------------------
def nrDLSCHInfo(tbs, tcr):
    """TS 38.212 §7.2.1-§7.2.3: DL-SCH coding parameters, MATLAB ``nrDLSCHInfo``.

    MATLAB syntax: ``info = nrDLSCHInfo(tbs,tcr)``.

    Parameters
    ----------
    tbs : int
        Transport-block size ``A`` (> 0).
    tcr : float
        Target code rate in (0, 1).

    Returns
    -------
    info : MatlabStruct
        Fields ``CRC`` (``'16'`` or ``'24A'``), ``L`` (TB CRC length), ``BGN``, ``C``, ``Lcb``
        (CB CRC length, 0 or 24), ``F`` (fillers per code block), ``Zc``, ``K`` (code-block
        length with fillers) and ``N`` (encoded length, ``66 Zc`` or ``50 Zc``).

    Notes
    -----
    Native: :func:`opennr.coding.sch.sch_info`. The same parameters apply to the UL-SCH
    (§6.2.1-§6.2.3).

    Examples
    --------
    >>> info = nrDLSCHInfo(640, 0.3701)
    >>> info.BGN, info.C, info.Zc, info["F"], info.N
    (2, 1, 72, 64, 3600)
    """
    from opennr.coding.sch import sch_info

    a = _int_arg(tbs, "tbs", low=1, clause="TS 38.214 §5.1.3.2")
    if isinstance(tcr, bool) or not isinstance(tcr, Real | np.floating | np.integer):
        raise TypeError(f"tcr must be a real scalar, got {type(tcr).__name__} {tcr!r}")
    rate = float(tcr)
    if not 0.0 < rate < 1.0:
        raise ValueError(f"tcr must be a real scalar in (0, 1), got {tcr!r} (TS 38.212 §7.2.2)")
    s = sch_info(a, rate) if a <= 3824 or _divisible(a, rate) else None
    if s is not None:
        return MatlabStruct(
            CRC=s.crc, L=s.crc_length, BGN=s.bg, C=s.c, Lcb=s.cb_crc_length,
            F=s.n_filler, Zc=s.z_c, K=s.k, N=s.n,
        )  # fmt: skip
    # a size that no TS 38.214 allocation gives: segment as MATLAB does (see _segmentation)
    bg = select_base_graph(a, rate)
    seg, _ = _segmentation(a + 24, bg)
    return MatlabStruct(
        CRC="24A", L=24, BGN=bg, C=seg.c, Lcb=seg.cb_crc_length,
        F=seg.n_filler, Zc=seg.z_c, K=seg.k, N=seg.n,
    )  # fmt: skip


def _divisible(a: int, rate: float) -> bool:
    """Whether ``B' = B + C L`` is a multiple of ``C`` for ``B = A + 24`` (TS 38.212 §5.2.2)."""
    try:
        segmentation_info(a + 24, select_base_graph(a, rate))
    except ValueError:
        return False
    return True
