"""MATLAB 5G Toolbox compatible sequence functions (TS 38.211 §5.2.1-§5.2.3) over the native API.

``nrPRBS`` wraps :func:`opennr.sequences.gold_sequence`; ``nrLowPAPRS`` wraps
:func:`opennr.sequences.low_papr.low_papr_sequence` (type 1) and
:func:`opennr.sequences.low_papr.low_papr_sequence_type2` (type 2). MATLAB column vectors are 1-D
arrays; several sequences are the columns of an ``(m, N)`` matrix.
"""

from __future__ import annotations

import numpy as np

from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.sequences.gold import gold_sequence
from opennr.sequences.low_papr import low_papr_sequence, low_papr_sequence_type2

__all__ = ["nrLowPAPRS", "nrPRBS"]

_CLAUSE_PRBS = "TS 38.211 §5.2.1"
_CLAUSE_LP = "TS 38.211 §5.2.2"
_CLAUSE_LP2 = "TS 38.211 §5.2.3"


def _out_dtype(datatype) -> type:
    name = _choice_arg(datatype, "OutputDataType", ("double", "single"))
    return np.float64 if name == "double" else np.float32


def nrPRBS(cinit, n, *, MappingType="binary", OutputDataType="double"):
    """TS 38.211 §5.2.1: pseudo-random binary sequence, MATLAB ``nrPRBS``.

    MATLAB syntax: ``[seq,cinit] = nrPRBS(cinit,n)``, ``[seq,cinit] = nrPRBS(cinit,n,Name,Value)``.

    Parameters
    ----------
    cinit : int
        Initialisation ``c_init`` of the generator, ``0 .. 2^31 - 1``.
    n : int or [p, m]
        Number of elements from the start, or ``[p, m]``: ``m`` contiguous elements starting at
        the 0-based position ``p``.
    MappingType : {"binary", "signed"}, keyword-only, default "binary"
        ``"binary"``: logical output (bit 1 -> ``True``). ``"signed"``: bit 1 -> ``-1``,
        bit 0 -> ``+1``.
    OutputDataType : {"double", "single"}, keyword-only, default "double"
        Class of the ``"signed"`` output (the ``"binary"`` output is always logical).

    Returns
    -------
    seq : numpy.ndarray, shape [m]
        ``bool`` for ``"binary"``; ``float64``/``float32`` for ``"signed"``.
    cinit : int
        The initialisation value, returned for uniformity with the channel PRBS functions.

    Notes
    -----
    Native: :func:`opennr.sequences.gold_sequence` (``gold_sequence(cinit, m, offset=p)``).

    Examples
    --------
    >>> seq, cinit = nrPRBS(120 * 2**15 + 17, 15)  # PUSCH, RNTI 120, n_ID 17 (TS 38.211 §6.3.1.1)
    >>> seq.astype(int).tolist()
    [0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1]
    >>> nrPRBS(9, [2, 4], MappingType="signed")[0].tolist()
    [-1.0, 1.0, 1.0, 1.0]
    """
    c = _int_arg(cinit, "cinit", low=0, high=2**31 - 1, clause=_CLAUSE_PRBS)
    vals = np.asarray(n, dtype=object).ravel()
    if vals.size == 1:
        p, m = 0, _int_arg(vals[0], "n", low=0, clause=_CLAUSE_PRBS)
    elif vals.size == 2:
        p = _int_arg(vals[0], "n(1) (start position p)", low=0, clause=_CLAUSE_PRBS)
        m = _int_arg(vals[1], "n(2) (number of elements m)", low=0, clause=_CLAUSE_PRBS)
    else:
        raise ValueError(f"n must be a nonnegative integer or a [p m] pair, got {n!r} "
                         f"({_CLAUSE_PRBS})")
    mapping = _choice_arg(MappingType, "MappingType", ("binary", "signed"), _CLAUSE_PRBS)
    dtype = _out_dtype(OutputDataType)
    bits = gold_sequence(c, m, offset=p)
    if mapping == "binary":
        return bits.astype(bool), c
    return (1.0 - 2.0 * bits).astype(dtype), c


def _vector(x, name: str, clause: str, *, integer: bool) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim > 1 and sum(d > 1 for d in arr.shape) > 1:
        raise ValueError(f"{name} must be a scalar or a vector, got shape {arr.shape} ({clause})")
    arr = arr.ravel()
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype} ({clause})")
    if integer:
        if np.issubdtype(arr.dtype, np.floating) and (
            not np.isfinite(arr).all() or (arr != np.round(arr)).any()
        ):
            raise ValueError(f"{name} must hold integers, got {x!r} ({clause})")
        return arr.astype(np.int64)
    return arr.astype(np.float64)


def _expand(args: list[np.ndarray], names: list[str], clause: str) -> list[np.ndarray]:
    sizes = {a.size for a in args if a.size != 1}
    if len(sizes) > 1:
        raise ValueError(f"{', '.join(names)} must be scalars or vectors of one common length, "
                         f"got lengths {[a.size for a in args]} ({clause})")
    count = sizes.pop() if sizes else 1
    return [np.broadcast_to(a, (count,)) if a.size == 1 else a for a in args]


def nrLowPAPRS(*args, OutputDataType="double"):
    """TS 38.211 §5.2.2 / §5.2.3: low-PAPR sequences, MATLAB ``nrLowPAPRS``.

    MATLAB syntax: ``seq = nrLowPAPRS(u,v,alpha,m)`` (type 1, §5.2.2),
    ``seq = nrLowPAPRS(u,cinit,m)`` (type 2, §5.2.3), ``seq = nrLowPAPRS(___,'OutputDataType',dt)``.

    Parameters
    ----------
    u : int or vector of int
        Sequence group numbers, ``0..29``.
    v : int or vector of int
        (type 1) Base sequence numbers, 0 or 1 (1 only for ``m >= 72``).
    alpha : float or vector of float
        (type 1) Cyclic shifts in radians, nonnegative.
    cinit : int or vector of int
        (type 2) Gold sequence initialisations for ``m >= 30``, ``0 .. 2^31 - 1``.
    m : int
        Sequence length (type 1: 0, 6, 12, 18, 24, 30 or at least 36; type 2: 0 or a multiple of
        6 from 30 on).
    OutputDataType : {"double", "single"}, keyword-only, default "double"

    Returns
    -------
    seq : numpy.ndarray of complex128 or complex64, shape [m] or [m, N]
        One sequence per column; a single sequence (all inputs scalar) is a 1-D array. ``m = 0``
        gives an empty array.

    Raises
    ------
    NotImplementedError
        Type 2 with ``m`` in {6, 12, 18, 24} (Tables 5.2.3.2-1..4 are not shipped yet).

    Notes
    -----
    Native: :func:`opennr.sequences.low_papr.low_papr_sequence`,
    :func:`opennr.sequences.low_papr.low_papr_sequence_type2`. Vector inputs must share one
    length ``N`` (scalars are expanded), as in MATLAB.

    Examples
    --------
    >>> seq = nrLowPAPRS(9, 0, 2 * np.pi, 36)
    >>> seq.shape, seq.dtype
    ((36,), dtype('complex128'))
    >>> nrLowPAPRS(9, 0, [np.pi / 2, np.pi], 36, OutputDataType="single").shape
    (36, 2)
    >>> nrLowPAPRS(0, 17, 48).shape  # type 2
    (48,)
    """
    if len(args) == 4:
        return _low_paprs_type1(*args, OutputDataType=OutputDataType)
    if len(args) == 3:
        return _low_paprs_type2(*args, OutputDataType=OutputDataType)
    raise TypeError(f"nrLowPAPRS takes (u, v, alpha, m) or (u, cinit, m), got {len(args)} "
                    f"positional arguments")


def _low_paprs_type1(u, v, alpha, m, *, OutputDataType):
    dtype = _out_dtype(OutputDataType)
    m = _int_arg(m, "m", low=0, clause=_CLAUSE_LP)
    uu = _vector(u, "u", _CLAUSE_LP, integer=True)
    vv = _vector(v, "v", _CLAUSE_LP, integer=True)
    aa = _vector(alpha, "alpha", _CLAUSE_LP, integer=False)
    if aa.size and ((aa < 0).any() or not np.isfinite(aa).all()):
        raise ValueError(f"alpha must be nonnegative and finite, got {alpha!r} ({_CLAUSE_LP})")
    single = all(np.ndim(x) == 0 for x in (u, v, alpha))
    uu, vv, aa = _expand([uu, vv, aa], ["u", "v", "alpha"], _CLAUSE_LP)
    cdt = np.complex128 if dtype == np.float64 else np.complex64
    if m == 0:
        out = np.zeros((0, uu.size), dtype=cdt)
    else:
        out = low_papr_sequence(uu, vv, m, aa, dtype=cdt).T  # (m, N)
    return out[:, 0] if single else out


def _low_paprs_type2(u, cinit, m, *, OutputDataType):
    dtype = _out_dtype(OutputDataType)
    m = _int_arg(m, "m", low=0, clause=_CLAUSE_LP2)
    uu = _vector(u, "u", _CLAUSE_LP2, integer=True)
    cc = _vector(cinit, "cinit", _CLAUSE_LP2, integer=True)
    single = all(np.ndim(x) == 0 for x in (u, cinit))
    uu, cc = _expand([uu, cc], ["u", "cinit"], _CLAUSE_LP2)
    cdt = np.complex128 if dtype == np.float64 else np.complex64
    if m == 0:
        out = np.zeros((0, uu.size), dtype=cdt)
    else:
        out = low_papr_sequence_type2(uu, cc, m, dtype=cdt).T  # (m, N)
    return out[:, 0] if single else out

