"""TS 38.212 V17 §5.3.2: LDPC decoding (belief propagation) for base graphs 1 and 2.

The decoders take the ``N`` LLRs ``d_0 .. d_{N-1}`` of a code block (``N = 66 Z`` for BG1,
``50 Z`` for BG2; the first ``2 Z`` systematic bits are punctured by §5.3.2 and start at LLR 0)
and return the ``K`` systematic bits (``K = 22 Z`` or ``10 Z``), filler positions included.

Four algorithms are offered, all batched over code blocks:

* ``"layered-spa"``: row-layered belief propagation with the exact box-plus check update
  (sum-product);
* ``"layered-nms"``: row-layered normalised min-sum (messages scaled by ``scaling``);
* ``"layered-oms"``: row-layered offset min-sum (``offset`` subtracted, floored at 0);
* ``"flooding-spa"``: two-phase (flooding) sum-product, the textbook reference schedule.

A layer is one base-graph row, i.e. ``Z`` independent checks, processed as one SIMD vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opennr._validation import as_llrs, check_choice, check_int
from opennr.coding.ldpc import _decoder_kernels as _k
from opennr.coding.ldpc.base_graph import base_graph

__all__ = ["LdpcDecodeResult", "ldpc_decode", "ALGORITHMS"]

_CLAUSE = "TS 38.212 §5.3.2"

#: Decoding algorithms accepted by :func:`ldpc_decode`.
ALGORITHMS: tuple[str, ...] = ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")
_ALGO_CODE = {"layered-spa": _k.ALG_SPA, "layered-nms": _k.ALG_NMS, "layered-oms": _k.ALG_OMS}
_BACKENDS = ("auto", "numba", "numpy")
#: Largest accepted ``max_iterations``.
MAX_ITERATIONS = 1000
#: Default normalisation of layered normalised min-sum per base graph (see ``ldpc_decode``).
DEFAULT_SCALING = {1: 0.625, 2: 0.75}
#: Min-sum check-to-variable messages are clipped to +-this (keeps APP values finite).
_MSG_CLIP = 1.0e5
#: Sum-product check-node inputs are saturated at +-this (so its messages are at most 40).
_SPA_TMAX = 40.0
#: Check positions (Z times frames) processed as one vector: frames are interleaved up to this,
#: and so that the per-edge messages (4 bytes x edges x lanes) stay within about 512 KiB (L2).
_TARGET_LANES = 1024
_MSG_BYTES = 1 << 19
#: Preferred group of frames: with 16 frames interleaved every shifted run of a circulant starts
#: and ends on a 16-float (64-byte) boundary, so the run loops need no scalar remainder. Used when
#: the per-edge messages then stay within ``_ALIGNED_MSG_BYTES``.
_ALIGNED_FRAMES = 16
_ALIGNED_MSG_BYTES = 1 << 20


@dataclass(frozen=True)
class LdpcDecodeResult:
    """TS 38.212 §5.3.2: outcome of :func:`ldpc_decode` for a batch of code blocks.

    Attributes
    ----------
    bits : numpy.ndarray of uint8, shape [..., K]
        Hard decisions on the ``K`` systematic bits ``c_0 .. c_{K-1}`` (the two punctured
        columns and any filler positions included, as decoded).
    iterations : numpy.ndarray of int32, shape [...]
        Iterations run for each code block (``max_iterations`` unless early termination hit).
    parity_ok : numpy.ndarray of bool, shape [...]
        Whether the final hard decision of the whole codeword satisfies every parity check.
    llr : numpy.ndarray of float32, shape [..., K] or None
        A-posteriori LLRs (``ln P(0)/P(1)``) of the ``K`` systematic bits.
    """

    bits: np.ndarray
    iterations: np.ndarray
    parity_ok: np.ndarray
    llr: np.ndarray | None = None


def _frames_per_group(z: int, batch: int, edges: int) -> int:
    if batch >= _ALIGNED_FRAMES and 4 * edges * z * _ALIGNED_FRAMES <= _ALIGNED_MSG_BYTES:
        return _ALIGNED_FRAMES
    lanes = min(_TARGET_LANES, _MSG_BYTES // (4 * max(edges, 1)))
    return max(1, min(batch, lanes // z))


def ldpc_decode(
    llr,
    bg: int,
    z: int,
    *,
    algorithm: str = "layered-spa",
    max_iterations: int = 20,
    early_termination: bool = True,
    scaling: float | None = None,
    offset: float = 0.5,
    backend: str = "auto",
) -> LdpcDecodeResult:
    """TS 38.212 §5.3.2: decode LDPC code blocks, ``[..., N]`` LLRs -> ``[..., K]`` bits.

    Parameters
    ----------
    llr : array_like of float, shape [..., N]
        LLRs ``ln P(0)/P(1)`` of the encoded bits ``d_0 .. d_{N-1}`` (codeword bits
        ``c_{2Z} ..``), ``N = 66 Z`` (BG1) or ``50 Z`` (BG2). Punctured or not transmitted bits
        are 0, known filler bits a large positive value (e.g. 1e4). Must be finite.
    bg : {1, 2}
        LDPC base graph.
    z : int
        Lifting size ``Z_c`` (one of the 51 values of Table 5.3.2-1).
    algorithm : {"layered-spa", "layered-nms", "layered-oms", "flooding-spa"}
        Schedule and check-node rule (see the module notes).
    max_iterations : int
        Iterations at most, 1 to 1000 (one iteration = one pass over all base-graph rows).
    early_termination : bool
        Stop each code block as soon as its hard decision satisfies all parity checks (checked
        after every iteration). ``False`` runs exactly ``max_iterations``.
    scaling : float, optional
        Normalisation factor of ``"layered-nms"``, in (0, 1]. The default depends on the base
        graph: 0.625 for BG1, whose degree-19 core rows need stronger normalisation (with 0.75
        the W1 waterfall, BG1 rate 1/3, moves about 0.4 dB to the right), and 0.75 for BG2
        (MATLAB's default). Measured with ``benchmarks/bench_ldpc_decoder.py --bler``.
    offset : float
        Offset of ``"layered-oms"``, >= 0.
    backend : {"auto", "numba", "numpy"}
        ``"numpy"`` is a slow plain-NumPy twin (used in tests); ``"auto"`` means ``"numba"``.

    Returns
    -------
    LdpcDecodeResult
        ``bits`` uint8 [..., K], ``iterations`` int32 [...], ``parity_ok`` bool [...],
        ``llr`` float32 [..., K].

    Notes
    -----
    Sum-product uses the exact box-plus ``a [+] b = sign(a) sign(b) min(|a|, |b|)
    + ln(1 + e^{-|a+b|}) - ln(1 + e^{-|a-b|})``, evaluated in float32 as
    ``e^{-|a [+] b|} = (A + B) / (1 + A B)`` with ``A = e^{-|a|}``, forward-backward over a row;
    its check-node inputs are saturated at +-40 (so are its messages). Min-sum messages are
    clipped to +-1e5. In a layered iteration every row ``i``
    updates the APP values of its variables at once (``t = app - m_old``, ``app = t + m_new``),
    so later rows see the new values.

    Rows whose degree-one parity column ``kb + i`` (``i >= 4``) is all-zero LLR in every block of
    the batch (not transmitted after rate matching) carry no information: they send exactly zero
    to their other variables and are skipped, and counted as satisfied in ``parity_ok``.

    Examples
    --------
    >>> import numpy as np
    >>> llr = np.full((2, 50 * 2), 3.0, dtype=np.float32)  # all-zero codeword, BG2, Z = 2
    >>> res = ldpc_decode(llr, 2, 2)
    >>> res.bits.shape, int(res.bits.sum()), res.parity_ok.tolist()
    ((2, 20), 0, [True, True])
    """
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    g = base_graph(bg, z)
    algorithm = check_choice(algorithm, "algorithm", ALGORITHMS, clause=_CLAUSE)
    max_iterations = check_int(max_iterations, "max_iterations", low=1, high=MAX_ITERATIONS)
    if not isinstance(early_termination, bool | np.bool_):
        raise TypeError(f"early_termination must be a bool, got {early_termination!r}")
    backend = check_choice(backend, "backend", _BACKENDS)
    if scaling is None:
        scaling = DEFAULT_SCALING[bg]
    scaling = _check_real(scaling, "scaling", 0.0, 1.0, low_open=True)
    offset = _check_real(offset, "offset", 0.0, None)
    arr = as_llrs(llr, "llr", _CLAUSE)
    if arr.shape[-1] != g.n:
        raise ValueError(
            f"llr must have N = {g.n} entries on its last axis for BG{bg}, Z = {z} "
            f"(N = {g.num_cols - 2} Z), got shape {arr.shape} ({_CLAUSE})"
        )
    batch_shape = arr.shape[:-1]
    flat = np.ascontiguousarray(arr.reshape(-1, g.n), dtype=np.float32)
    nb = flat.shape[0]
    kb, k = g.k_b_max, g.k
    cols, shifts, row_starts = _active_rows(g, flat)
    args = (cols, shifts, row_starts, g.num_cols, kb, z)
    if backend == "numpy":
        from opennr.coding.ldpc import _decoder_numpy as _np

        if algorithm == "flooding-spa":
            bits, iters, ok, post = _np.flooding_decode_numpy(
                flat, *args, max_iterations, bool(early_termination), _SPA_TMAX
            )
        else:
            bits, iters, ok, post = _np.layered_decode_numpy(
                flat, *args, _ALGO_CODE[algorithm], max_iterations, bool(early_termination),
                scaling, offset, _MSG_CLIP, _SPA_TMAX,
            )
    else:
        bits = np.zeros((nb, k), np.uint8)
        post = np.zeros((nb, k), np.float32)
        iters = np.zeros(nb, np.int32)
        ok = np.zeros(nb, np.bool_)
        if nb:
            frames = _frames_per_group(z, nb, len(cols))
            kargs = (flat, cols, shifts, row_starts, g.num_cols, kb, z, frames)
            if algorithm == "flooding-spa":
                _k.flooding_decode(
                    *kargs, max_iterations, bool(early_termination), np.float32(_SPA_TMAX),
                    bits, iters, ok, post,
                )
            else:
                _k.layered_decode(
                    *kargs, _ALGO_CODE[algorithm], max_iterations, bool(early_termination),
                    np.float32(scaling), np.float32(offset), np.float32(_MSG_CLIP),
                    np.float32(_SPA_TMAX), bits, iters, ok, post,
                )
    return LdpcDecodeResult(
        bits=bits.reshape(*batch_shape, k),
        iterations=iters.reshape(batch_shape),
        parity_ok=ok.reshape(batch_shape),
        llr=post.reshape(*batch_shape, k),
    )


def _active_rows(g, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of the rows that carry information for this batch.

    Every row ``i >= 4`` has its own degree-one parity column ``kb + i``. When that column is
    all-zero LLR in every block (not transmitted), the check sends exactly zero to all its other
    variables, so the row changes nothing and is skipped; it is counted as satisfied (its parity
    bit can always be chosen to satisfy it).
    """
    kb, z = g.k_b_max, g.z
    nb = flat.shape[0]
    if nb == 0:
        return g.cols, g.shifts, g.row_starts
    blocks = flat.reshape(nb, g.num_cols - 2, z)
    ext = blocks[:, kb + 4 - 2 :, :]
    dead = ~(ext != 0).any(axis=(0, 2))  # per extension column kb+4 .. num_cols-1
    if not dead.any():
        return g.cols, g.shifts, g.row_starts
    keep_row = np.ones(g.num_rows, bool)
    keep_row[4:] = ~dead
    keep = keep_row[g.rows]
    cols = np.ascontiguousarray(g.cols[keep])
    shifts = np.ascontiguousarray(g.shifts[keep])
    starts = np.concatenate([[0], np.cumsum(np.bincount(g.rows[keep], minlength=g.num_rows))])
    starts = starts[np.concatenate([[True], keep_row])].astype(np.int32)
    return cols, shifts, starts


def _check_real(value, name, low, high, *, low_open=False):
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    bad = (
        not np.isfinite(value)
        or (value <= low if low_open else value < low)
        or (high is not None and value > high)
    )
    if bad:
        lo = "(" if low_open else "["
        hi = f"{high}]" if high is not None else "inf)"
        raise ValueError(f"{name} must be in {lo}{low}, {hi}, got {value}")
    return value
