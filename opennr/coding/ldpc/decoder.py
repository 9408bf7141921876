"""TS 38.212 V17 §5.3.2: LDPC decoding (belief propagation) for base graphs 1 and 2.

The decoders take the ``N`` LLRs ``d_0 .. d_{N-1}`` of a code block (``N = 66 Z`` for BG1,
``50 Z`` for BG2; the first ``2 Z`` systematic bits are punctured by §5.3.2 and start at LLR 0)
and return the ``K`` systematic bits (``K = 22 Z`` or ``10 Z``), filler positions included, or
(``output="whole"``) all ``N + 2 Z`` codeword bits ``c_0 .. c_{N+2Z-1}``; on request also the
syndrome of the final hard decision, one entry per parity check.

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
from opennr.coding.ldpc import _decoder_numpy as _np
from opennr.coding.ldpc.base_graph import base_graph

__all__ = ["LdpcDecodeResult", "ldpc_decode", "ALGORITHMS", "OUTPUTS"]

_CLAUSE = "TS 38.212 §5.3.2"

#: Decoding algorithms accepted by :func:`ldpc_decode`.
ALGORITHMS: tuple[str, ...] = ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")
_ALGO_CODE = {"layered-spa": _k.ALG_SPA, "layered-nms": _k.ALG_NMS, "layered-oms": _k.ALG_OMS}
_BACKENDS = ("auto", "numba", "numpy")
#: Values of ``ldpc_decode``'s ``output``.
OUTPUTS: tuple[str, ...] = ("info", "whole")
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
    bits : numpy.ndarray of uint8, shape [..., K] or [..., N + 2 Z]
        Hard decisions on the ``K`` systematic bits ``c_0 .. c_{K-1}`` (the two punctured
        columns and any filler positions included, as decoded), or with ``output="whole"`` on
        all ``num_cols Z = N + 2 Z`` codeword bits (systematic, then parity).
    iterations : numpy.ndarray of int32, shape [...]
        Iterations run for each code block (``max_iterations`` unless early termination hit).
    parity_ok : numpy.ndarray of bool, shape [...]
        Whether the final hard decision of the whole codeword satisfies every parity check.
    llr : numpy.ndarray of float32, shape [..., K] or [..., N + 2 Z], or None
        A-posteriori LLRs (``ln P(0)/P(1)``) of the same bits as ``bits``.
    syndrome : numpy.ndarray of uint8, shape [..., num_rows Z], or None
        With ``return_syndrome=True``: ``H x mod 2`` of the final hard decision ``x`` of the
        whole codeword, one entry per check (``46 Z`` for BG1, ``42 Z`` for BG2), check
        ``r`` of base-graph row ``i`` at ``i Z + r``. All zero exactly where ``parity_ok``.
    """

    bits: np.ndarray
    iterations: np.ndarray
    parity_ok: np.ndarray
    llr: np.ndarray | None = None
    syndrome: np.ndarray | None = None


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
    output: str = "info",
    return_syndrome: bool = False,
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
    output : {"info", "whole"}
        ``"info"``: ``bits`` and ``llr`` cover the ``K`` systematic bits; ``"whole"``: all
        ``N + 2 Z`` codeword bits ``c_0 .. c_{N+2Z-1}`` (the ``2 Z`` punctured systematic bits,
        the rest of the systematic part, every parity bit).
    return_syndrome : bool
        Also return the per-check syndrome of the final hard decision (``syndrome``). Costs
        the whole-codeword output and one syndrome evaluation per block that fails the checks
        (converged blocks get zeros).
    backend : {"auto", "numba", "numpy"}
        ``"numpy"`` is a slow plain-NumPy twin (used in tests); ``"auto"`` means ``"numba"``.

    Returns
    -------
    LdpcDecodeResult
        ``bits`` uint8 [..., K] (or [..., N + 2 Z]), ``iterations`` int32 [...], ``parity_ok``
        bool [...], ``llr`` float32 [..., K] (or [..., N + 2 Z]), ``syndrome`` uint8
        [..., num_rows Z] or None.

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
    Their parity bits are erasures that the row alone determines: with ``output="whole"`` the
    hard decision of such a bit is the XOR of the row's other hard decisions (so the row is
    satisfied and its ``syndrome`` entries are 0), and its LLR is the message the row would
    send it given the final APP values of its other variables (box-plus with the inputs
    saturated at +-40 for sum-product, scaled or offset minimum for min-sum), with that sign.
    Had the row been decoded, the bit would receive exactly such a message (the row sends zero
    to its other variables), computed from the APP values of the iteration it was visited in.

    Examples
    --------
    >>> import numpy as np
    >>> llr = np.full((2, 50 * 2), 3.0, dtype=np.float32)  # all-zero codeword, BG2, Z = 2
    >>> res = ldpc_decode(llr, 2, 2)
    >>> res.bits.shape, int(res.bits.sum()), res.parity_ok.tolist()
    ((2, 20), 0, [True, True])
    >>> res = ldpc_decode(llr, 2, 2, output="whole", return_syndrome=True)
    >>> res.bits.shape, res.llr.shape, res.syndrome.shape, int(res.syndrome.sum())
    ((2, 104), (2, 104), (2, 84), 0)
    """
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    g = base_graph(bg, z)
    algorithm = check_choice(algorithm, "algorithm", ALGORITHMS, clause=_CLAUSE)
    max_iterations = check_int(max_iterations, "max_iterations", low=1, high=MAX_ITERATIONS)
    if not isinstance(early_termination, bool | np.bool_):
        raise TypeError(f"early_termination must be a bool, got {early_termination!r}")
    backend = check_choice(backend, "backend", _BACKENDS)
    output = check_choice(output, "output", OUTPUTS, clause=_CLAUSE)
    if not isinstance(return_syndrome, bool | np.bool_):
        raise TypeError(f"return_syndrome must be a bool, got {return_syndrome!r}")
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
    kb = g.k_b_max
    want_syn = bool(return_syndrome)
    # the syndrome is computed from the whole hard decision: decode "whole", slice afterwards
    ncols_out = g.num_cols if (output == "whole" or want_syn) else kb
    width = ncols_out * z
    cols, shifts, row_starts, live = _active_rows(g, flat)
    if backend == "numpy":
        args = (cols, shifts, row_starts, g.num_cols, ncols_out, z)
        if algorithm == "flooding-spa":
            bits, iters, ok, post, syn = _np.flooding_decode_numpy(
                flat, *args, max_iterations, bool(early_termination), _SPA_TMAX, want_syn
            )
        else:
            bits, iters, ok, post, syn = _np.layered_decode_numpy(
                flat, *args, _ALGO_CODE[algorithm], max_iterations, bool(early_termination),
                scaling, offset, _MSG_CLIP, _SPA_TMAX, want_syn,
            )
    else:
        bits = np.empty((nb, width), np.uint8)  # every block is stored once, all columns
        post = np.empty((nb, width), np.float32)
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
        if want_syn:
            syn = np.zeros((nb, (len(row_starts) - 1) * z), np.uint8)
            _k.syndrome(bits, cols, shifts, row_starts, z, ok, syn)
    if output == "whole" and not live.all() and nb:
        dead = np.flatnonzero(~live).astype(np.int32)
        code = _ALGO_CODE.get(algorithm, _k.ALG_SPA)
        if backend == "numpy":
            _np.complete_erased_parity_numpy(
                bits, post, g.cols, g.shifts, g.row_starts, dead, kb, z, code, scaling, offset,
                _MSG_CLIP, _SPA_TMAX,
            )
        else:
            dmax = int(np.diff(g.row_starts).max())
            _k.complete_erased_parity(
                bits, post, g.cols, g.shifts, g.row_starts, dead, kb, z, code,
                np.float32(scaling), np.float32(offset), np.float32(_MSG_CLIP),
                np.float32(_SPA_TMAX), np.empty((dmax, z), np.uint8),
                np.empty((dmax, z), np.float32), np.empty(z, np.float32),
            )
    syndrome = None
    if want_syn:
        syndrome = np.zeros((nb, g.num_rows, z), np.uint8)  # skipped rows: satisfied
        syndrome[:, live] = syn.reshape(nb, int(live.sum()), z)
        syndrome = syndrome.reshape(*batch_shape, g.num_rows * z)
    if output == "info" and ncols_out != kb:
        width = kb * z
        bits = np.ascontiguousarray(bits[:, :width])
        post = np.ascontiguousarray(post[:, :width])
    return LdpcDecodeResult(
        bits=bits.reshape(*batch_shape, width),
        iterations=iters.reshape(batch_shape),
        parity_ok=ok.reshape(batch_shape),
        llr=post.reshape(*batch_shape, width),
        syndrome=syndrome,
    )


def _active_rows(g, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edges of the rows that carry information for this batch, and the mask of those rows.

    Every row ``i >= 4`` has its own degree-one parity column ``kb + i``. When that column is
    all-zero LLR in every block (not transmitted), the check sends exactly zero to all its other
    variables, so the row changes nothing and is skipped; it is counted as satisfied (its parity
    bit can always be chosen to satisfy it).
    """
    kb, z = g.k_b_max, g.z
    nb = flat.shape[0]
    all_rows = np.ones(g.num_rows, bool)
    if nb == 0:
        return g.cols, g.shifts, g.row_starts, all_rows
    blocks = flat.reshape(nb, g.num_cols - 2, z)
    ext = blocks[:, kb + 4 - 2 :, :]
    dead = ~(ext != 0).any(axis=(0, 2))  # per extension column kb+4 .. num_cols-1
    if not dead.any():
        return g.cols, g.shifts, g.row_starts, all_rows
    keep_row = np.ones(g.num_rows, bool)
    keep_row[4:] = ~dead
    keep = keep_row[g.rows]
    cols = np.ascontiguousarray(g.cols[keep])
    shifts = np.ascontiguousarray(g.shifts[keep])
    starts = np.concatenate([[0], np.cumsum(np.bincount(g.rows[keep], minlength=g.num_rows))])
    starts = starts[np.concatenate([[True], keep_row])].astype(np.int32)
    return cols, shifts, starts, keep_row


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
