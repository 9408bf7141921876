"""TS 38.211 V17 §5.1: modulation mapping (pi/2-BPSK, BPSK, QPSK, 16QAM ... 1024QAM).

Every scheme maps ``Q_m`` bits ``b(Q_m i), ..., b(Q_m i + Q_m - 1)`` to one complex symbol
``d(i)``. The square QAMs are two Gray-labelled PAMs: the even bits ``b(0), b(2), ...`` give the
in-phase amplitude and the odd bits ``b(1), b(3), ...`` the quadrature amplitude, each through the
recursion of §5.1.4-§5.1.7, e.g. for 64QAM

    ``d = [(1-2b0)(4 - (1-2b2)(2 - (1-2b4))) + j (1-2b1)(4 - (1-2b3)(2 - (1-2b5)))] / sqrt(42)``.

With ``n = Q_m / 2`` bits per dimension the amplitudes are the odd integers ``±1, ..., ±(2^n - 1)``
scaled by ``a = 1/sqrt(2 (4^n - 1) / 3)`` (``1/sqrt(2)``, ``1/sqrt(10)``, ``1/sqrt(42)``,
``1/sqrt(170)``, ``1/sqrt(682)``), so that the mean symbol energy is 1.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._validation import as_bits, check_choice

__all__ = [
    "MODULATIONS",
    "bits_per_symbol",
    "constellation",
    "modulate",
    "pam_levels",
]

_CLAUSE = "TS 38.211 §5.1"
#: The modulation schemes of TS 38.211 §5.1, in MATLAB's spelling.
MODULATIONS: tuple[str, ...] = ("pi/2-BPSK", "BPSK", "QPSK", "16QAM", "64QAM", "256QAM", "1024QAM")
_QM = {"pi/2-BPSK": 1, "BPSK": 1, "QPSK": 2, "16QAM": 4, "64QAM": 6, "256QAM": 8, "1024QAM": 10}


def _check_modulation(modulation) -> str:
    if not isinstance(modulation, str):
        raise TypeError(
            f"modulation must be a string, one of {', '.join(MODULATIONS)}; got "
            f"{type(modulation).__name__} {modulation!r} ({_CLAUSE})"
        )
    return check_choice(modulation, "modulation", MODULATIONS, clause=_CLAUSE)


def bits_per_symbol(modulation: str) -> int:
    """TS 38.211 §5.1: the modulation order ``Q_m`` (bits per symbol) of a modulation scheme.

    Parameters
    ----------
    modulation : str
        One of :data:`MODULATIONS`.

    Returns
    -------
    int
        ``Q_m``: 1 (pi/2-BPSK, BPSK), 2, 4, 6, 8 or 10 (QPSK ... 1024QAM).

    Examples
    --------
    >>> bits_per_symbol("256QAM")
    8
    """
    return _QM[_check_modulation(modulation)]


def pam_levels(n: int) -> np.ndarray:
    """TS 38.211 §5.1.3-§5.1.7: unnormalised PAM amplitude of every ``n``-bit per-dimension label.

    The label ``l = c_0 c_1 ... c_{n-1}`` (``c_0`` the most significant bit, the sign bit) gives
    ``(1-2c_0)(2^{n-1} - (1-2c_1)(2^{n-2} - ... (2 - (1-2c_{n-1}))))``, one of the odd integers
    ``±1, ..., ±(2^n - 1)``.

    Examples
    --------
    >>> pam_levels(2).tolist()  # labels 00, 01, 10, 11 (16QAM in-phase: b0 b2)
    [1, 3, -1, -3]
    """
    labels = np.arange(2**n)
    value = np.zeros(2**n, dtype=np.int64)
    for k in range(n - 1, -1, -1):  # innermost bracket (bit c_{n-1}) first
        s = 1 - 2 * ((labels >> (n - 1 - k)) & 1)
        value = s if k == n - 1 else s * (2 ** (n - 1 - k) - value)
    return value


def _scale(n: int) -> float:
    """``a = 1/sqrt(2 (4^n - 1)/3)``: unit mean energy of the square QAM with ``n`` bits per axis."""
    return 1.0 / np.sqrt(2.0 * (4.0**n - 1.0) / 3.0)


@cache
def _constellation128(modulation: str) -> np.ndarray:
    qm = _QM[modulation]
    if qm == 1:  # BPSK; pi/2-BPSK at even i
        return np.array([1 + 1j, -1 - 1j]) / np.sqrt(2.0)
    n = qm // 2
    labels = np.arange(2**qm)
    # in-phase label: bits b0, b2, ...; quadrature label: b1, b3, ... (b0 is the label's MSB)
    lab_i = np.zeros_like(labels)
    lab_q = np.zeros_like(labels)
    for k in range(n):
        lab_i |= ((labels >> (qm - 1 - 2 * k)) & 1) << (n - 1 - k)
        lab_q |= ((labels >> (qm - 2 - 2 * k)) & 1) << (n - 1 - k)
    lev = pam_levels(n)
    return (lev[lab_i] + 1j * lev[lab_q]) * _scale(n)


def constellation(modulation: str) -> np.ndarray:
    """TS 38.211 §5.1: the constellation points, indexed by the bit label (``b(0)`` = MSB).

    Parameters
    ----------
    modulation : str
        One of :data:`MODULATIONS`.

    Returns
    -------
    numpy.ndarray of complex64, shape [2**Q_m]
        ``points[l]`` is the symbol of the bits ``b(0) ... b(Q_m - 1)`` whose binary number is
        ``l``. For pi/2-BPSK these are the points of even symbol indices ``i``; odd ``i`` multiply
        them by ``j`` (§5.1.1).

    Examples
    --------
    >>> import numpy as np
    >>> pts = constellation("16QAM")
    >>> np.round(pts[[0, 3, 5, 15]] * np.sqrt(10)).tolist()  # 0000, 0011, 0101, 1111
    [(1+1j), (3+3j), (1-3j), (-3-3j)]
    >>> float(np.mean(np.abs(constellation("1024QAM")) ** 2))  # unit mean energy
    1.0
    """
    return _constellation128(_check_modulation(modulation)).astype(np.complex64)


def modulate(bits, modulation: str, *, dtype=np.complex64) -> np.ndarray:
    """TS 38.211 §5.1: map bits to complex modulation symbols.

    Parameters
    ----------
    bits : array_like of 0/1 (integer or bool), shape [..., M * Q_m]
        Bits ``b(0), b(1), ...`` in transmission order along the last axis.
    modulation : str
        One of :data:`MODULATIONS`.
    dtype : {numpy.complex64, numpy.complex128}, optional, keyword-only
        Output precision (default ``complex64``).

    Returns
    -------
    numpy.ndarray of complex64 (or ``dtype``), shape [..., M]
        Symbols ``d(0), ..., d(M - 1)``. For pi/2-BPSK the index ``i`` of §5.1.1 is the position
        along the last axis.

    Raises
    ------
    TypeError
        If ``bits`` is not an integer/bool array or ``modulation`` is not a string.
    ValueError
        If ``modulation`` is unknown, ``bits`` holds values other than 0/1, or the last axis is
        not a multiple of ``Q_m``.

    Examples
    --------
    >>> import numpy as np
    >>> (modulate([0, 0, 1, 1], "QPSK") * np.sqrt(2)).round(6)
    array([ 1.+1.j, -1.-1.j])
    >>> (modulate([0, 0], "pi/2-BPSK") * np.sqrt(2)).round(6)
    array([ 1.+1.j, -1.+1.j])
    """
    qm = bits_per_symbol(modulation)
    dtype = np.dtype(dtype)
    if dtype not in (np.complex64, np.complex128):
        raise TypeError(f"dtype must be numpy.complex64 or numpy.complex128, got {dtype}")
    b = as_bits(bits, "bits", _CLAUSE)
    if b.shape[-1] % qm:
        raise ValueError(
            f"bits must have a multiple of Q_m = {qm} ({modulation}) entries on its last axis, "
            f"got shape {b.shape} ({_CLAUSE})"
        )
    m = b.shape[-1] // qm
    groups = b.reshape(*b.shape[:-1], m, qm).astype(np.intp)
    index = np.zeros(groups.shape[:-1], dtype=np.intp)
    for k in range(qm):
        index = (index << 1) | groups[..., k]
    out = _constellation128(modulation).astype(dtype)[index]
    if modulation == "pi/2-BPSK":
        out[..., 1::2] *= dtype.type(1j)  # e^{j pi/2 (i mod 2)}
    return out
