"""MATLAB 5G Toolbox compatible UCI coding (TS 38.212 §6.3.1 / §6.3.2): ``nrUCIEncode``, ``nrUCIDecode``.

Same names, argument order, defaults and name-value pairs as MathWorks' functions, over the
native :func:`opennr.coding.uci.uci_encode` / :func:`opennr.coding.uci.uci_decode`:

* inputs and outputs are column vectors (1-D arrays);
* the ``x`` and ``y`` placeholders of 1- and 2-bit payloads are ``-1`` and ``-2`` in the output
  of ``nrUCIEncode`` (the native encoder writes their unscrambled values and reports the
  positions with :func:`opennr.coding.uci.uci_placeholders`);
* the coded output is ``int8`` unless the input was floating point (MATLAB keeps ``double``);
* ``nrUCIDecode`` returns ``int8`` bits and a logical ``err`` (True if any code block failed its
  CRC; always False for ``A <= 11``, which has no CRC).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from opennr.coding.uci import UCI_A_MAX, uci_decode, uci_encode, uci_placeholders

__all__ = ["UCI_MODULATIONS", "nrUCIDecode", "nrUCIEncode"]

_CLAUSE = "TS 38.212 §6.3.1"
#: MATLAB's modulation names for ``nrUCIEncode``/``nrUCIDecode`` -> ``Q_m``.
UCI_MODULATIONS: dict[str, int] = {
    "pi/2-BPSK": 1,
    "QPSK": 2,
    "16QAM": 4,
    "64QAM": 6,
    "256QAM": 8,
}


def _int_value(value, name: str) -> int:
    """An integer-valued scalar (MATLAB passes doubles: ``120.0`` is accepted, ``120.5`` is not)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, Integral | Real | np.number):
        raise TypeError(f"{name} must be an integer scalar, got {type(value).__name__} {value!r}")
    f = float(value)
    if not np.isfinite(f) or f != int(f):
        raise ValueError(f"{name} must be an integer, got {value!r} ({_CLAUSE})")
    return int(f)


def _mod_value(mod) -> int:
    if not isinstance(mod, str):
        raise TypeError(f"mod must be a character vector or string such as 'QPSK', got {mod!r}")
    for name, qm in UCI_MODULATIONS.items():
        if mod.lower() == name.lower():
            return qm
    raise ValueError(
        f"mod must be one of {', '.join(repr(m) for m in UCI_MODULATIONS)}; got {mod!r} "
        "(TS 38.212 Tables 5.3.3.1-1, 5.3.3.2-1)"
    )


def _column(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim == 2 and 1 in arr.shape and arr.size:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a column vector (1-D array), got shape {arr.shape}")
    return arr


def _min_e(a: int) -> int:
    """MATLAB's lower bound: E must be greater than this (A + CRC + n_PC for polar)."""
    if a == 1:
        return 0
    if a <= 11:
        return a
    if a <= 19:
        return a + 6 + 3
    return a + 11


def nrUCIEncode(ucibits, E, mod="QPSK"):
    """TS 38.212 §6.3.1.2-§6.3.1.5: UCI encoding, MATLAB ``nrUCIEncode``.

    MATLAB syntax: ``codeduci = nrUCIEncode(ucibits,E)``,
    ``codeduci = nrUCIEncode(ucibits,E,mod)``.

    Parameters
    ----------
    ucibits : array_like, shape (A,)
        UCI bits (0/1 as logical, integer or double), ``A <= 1706``. Empty gives an empty output.
    E : int
        Rate-matched output length, ``E > A`` (``E > 0`` for ``A = 1``), ``E > A + 9`` for
        ``12 <= A <= 19``, ``E > A + 11`` for ``A >= 20``; per polar code block ``E_r <= 8192``.
    mod : {'pi/2-BPSK', 'QPSK', '16QAM', '64QAM', '256QAM'}, default 'QPSK'
        Modulation (case-insensitive); used only when ``A`` is 1 or 2.

    Returns
    -------
    codeduci : numpy.ndarray, shape (E,)
        Coded bits; ``-1`` and ``-2`` mark the ``x`` and ``y`` placeholders for ``A <= 2``.
        ``float64`` if ``ucibits`` was floating point, else ``int8``.

    Notes
    -----
    Native: :func:`opennr.coding.uci.uci_encode` and :func:`opennr.coding.uci.uci_placeholders`.

    Examples
    --------
    >>> import numpy as np
    >>> nrUCIEncode(np.array([1], np.int8), 8, '16QAM').tolist()
    [1, -2, -1, -1, 1, -2, -1, -1]
    >>> nrUCIEncode(np.ones(32), 120).shape
    (120,)
    """
    arr = _column(ucibits, "ucibits")
    out_dtype = np.float64 if np.issubdtype(arr.dtype, np.floating) else np.int8
    if arr.dtype != bool and not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"ucibits must be a numeric or logical vector, got dtype {arr.dtype}")
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"ucibits must contain only 0 and 1 ({_CLAUSE})")
    a = arr.size
    if a == 0:
        return np.zeros(0, dtype=out_dtype)
    if a > UCI_A_MAX:
        raise ValueError(f"the length of ucibits must be at most {UCI_A_MAX}, got {a} "
                         f"(TS 38.212 §5.2.1)")
    e = _int_value(E, "E")
    if e <= _min_e(a):
        raise ValueError(f"E must be greater than {_min_e(a)} for A = {a} UCI bits, got {e} "
                         f"({_CLAUSE})")
    qm = _mod_value(mod) if a <= 2 else 2
    coded = uci_encode(arr.astype(np.uint8), e, modulation_order=qm).astype(np.int8)
    if a <= 2:
        marks = uci_placeholders(a, e, modulation_order=qm)
        coded = np.where(marks < 0, marks, coded).astype(np.int8)
    return coded.astype(out_dtype)


def nrUCIDecode(softbits, A, mod="QPSK", *, ListLength=8):
    """TS 38.212 §6.3.1.2-§6.3.1.5: UCI decoding, MATLAB ``nrUCIDecode``.

    MATLAB syntax: ``ucibits = nrUCIDecode(softbits,A)``, ``nrUCIDecode(softbits,A,mod)``,
    ``nrUCIDecode(___,'ListLength',L)``, ``[ucibits,err] = nrUCIDecode(___)``.

    Parameters
    ----------
    softbits : array_like of float, shape (E,)
        LLRs (positive for bit 0, as ``nrSymbolDemodulate`` gives) of the coded UCI bits.
    A : int
        Number of UCI bits to return, 0..1706.
    mod : {'pi/2-BPSK', 'QPSK', '16QAM', '64QAM', '256QAM'}, default 'QPSK'
        Modulation used at the transmitter; matters only when ``A`` is 1 or 2.
    ListLength : int, default 8
        SCL list length for ``A >= 12`` (a power of two).

    Returns
    -------
    ucibits : numpy.ndarray of int8, shape (A,)
        Decoded bits.
    err : bool
        True if a code block failed its CRC (``A >= 12``); always False for ``A <= 11``.

    Notes
    -----
    Native: :func:`opennr.coding.uci.uci_decode`. ML decoding for ``A <= 11``, CRC-aided SCL
    for ``A >= 12``.

    Examples
    --------
    >>> import numpy as np
    >>> cw = nrUCIEncode(np.array([1, 0, 1, 1, 0], np.int8), 40)
    >>> bits, err = nrUCIDecode(1.0 - 2.0 * cw, 5)
    >>> bits.tolist(), err
    ([1, 0, 1, 1, 0], False)
    """
    arr = _column(softbits, "softbits")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"softbits must be a real numeric vector, got dtype {arr.dtype}")
    a = _int_value(A, "A")
    if not 0 <= a <= UCI_A_MAX:
        raise ValueError(f"A must be in [0, {UCI_A_MAX}], got {a} (TS 38.212 §5.2.1)")
    list_length = _int_value(ListLength, "ListLength")
    if list_length < 1 or list_length & (list_length - 1):
        raise ValueError(f"ListLength must be a power of two, got {list_length} "
                         "(TS 38.212 §5.3.1 SCL decoding)")
    if a == 0:
        return np.zeros(0, dtype=np.int8), False
    qm = _mod_value(mod) if a <= 2 else 2
    res = uci_decode(arr.astype(np.float32), a, modulation_order=qm, list_size=list_length)
    return res.bits.astype(np.int8), bool(not np.all(res.crc_ok))
