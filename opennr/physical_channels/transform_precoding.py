"""TS 38.211 V17 §6.3.1.4: transform precoding (DFT-s-OFDM) for PUSCH (and PUCCH formats 3/4).

The single layer ``x`` is split into ``M_symb^layer / M_sc`` blocks of ``M_sc = 12 M_RB``
symbols, one per OFDM symbol, and each block is DFT-spread:

    ``y(l M_sc + k) = 1/sqrt(M_sc) sum_i x(l M_sc + i) exp(-j 2 pi i k / M_sc)``

``M_RB = 2^a2 3^a3 5^a5`` (§6.3.1.4). :func:`transform_deprecode` is the inverse (the unitary
IDFT).
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from opennr._validation import check_int

__all__ = ["is_valid_transform_precoding_mrb", "transform_deprecode", "transform_precode"]

_CLAUSE = "TS 38.211 §6.3.1.4"


def is_valid_transform_precoding_mrb(m_rb: int) -> bool:
    """TS 38.211 §6.3.1.4: whether ``M_RB = 2^a2 3^a3 5^a5`` (non-negative integers ``a``).

    Examples
    --------
    >>> [m for m in range(1, 20) if is_valid_transform_precoding_mrb(m)]
    [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18]
    """
    m = check_int(m_rb, "m_rb", low=1, clause=_CLAUSE)
    for p in (2, 3, 5):
        while m % p == 0:
            m //= p
    return m == 1


def _prepare(x, m_rb, name):
    m_rb = check_int(m_rb, "m_rb", low=1, clause=_CLAUSE)
    if not is_valid_transform_precoding_mrb(m_rb):
        raise ValueError(
            f"m_rb must be 2^a2 * 3^a3 * 5^a5 ({_CLAUSE}), got {m_rb}"
        )
    arr = np.asarray(x)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.complexfloating)
        or np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(f"{name} must be a numeric (complex) array, got dtype {arr.dtype}")
    if arr.ndim < 1:
        raise ValueError(f"{name} must have at least one dimension, got shape {arr.shape}")
    if arr.dtype != np.complex128:
        arr = arr.astype(np.complex64)
    m_sc = 12 * m_rb
    if arr.shape[-1] % m_sc:
        raise ValueError(
            f"{name} must have a multiple of M_sc = 12 M_RB = {m_sc} entries on its last axis, "
            f"got shape {arr.shape} ({_CLAUSE})"
        )
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values ({_CLAUSE})")
    blocks = arr.reshape(*arr.shape[:-1], arr.shape[-1] // m_sc, m_sc)
    return arr, blocks


def transform_precode(x, m_rb: int) -> np.ndarray:
    """TS 38.211 §6.3.1.4: transform precoding, a unitary DFT of size ``M_sc = 12 M_RB``.

    Parameters
    ----------
    x : array_like of complex, shape [..., M_sc * N]
        One layer of modulation symbols, ``N`` OFDM symbols of ``M_sc`` subcarriers.
    m_rb : int
        Allocated resource blocks ``M_RB`` (``2^a2 3^a3 5^a5``).

    Returns
    -------
    numpy.ndarray of complex64 (complex128 for complex128 input), shape [..., M_sc * N]

    Raises
    ------
    ValueError
        If ``m_rb`` is not of the form ``2^a2 3^a3 5^a5``, the last axis is not a multiple of
        ``12 m_rb``, or ``x`` holds NaN/inf.

    Examples
    --------
    >>> import numpy as np
    >>> y = transform_precode(np.ones(24, dtype=np.complex64), 2)
    >>> round(float(y[0].real), 4), bool(np.abs(y[1:]).max() < 1e-6)  # sqrt(24)
    (4.899, True)
    """
    arr, blocks = _prepare(x, m_rb, "x")
    return scipy.fft.fft(blocks, axis=-1, norm="ortho").reshape(arr.shape)


def transform_deprecode(y, m_rb: int) -> np.ndarray:
    """TS 38.211 §6.3.1.4 (inverse): transform deprecoding, the unitary IDFT of size ``12 M_RB``.

    Parameters
    ----------
    y : array_like of complex, shape [..., M_sc * N]
        Transform-precoded symbols.
    m_rb : int
        Allocated resource blocks ``M_RB``.

    Returns
    -------
    numpy.ndarray of complex64 (complex128 for complex128 input), shape [..., M_sc * N]

    Examples
    --------
    >>> import numpy as np
    >>> x = np.exp(2j * np.pi * np.arange(36) / 7).astype(np.complex64)
    >>> bool(np.allclose(transform_deprecode(transform_precode(x, 3), 3), x, atol=1e-6))
    True
    """
    arr, blocks = _prepare(y, m_rb, "y")
    return scipy.fft.ifft(blocks, axis=-1, norm="ortho").reshape(arr.shape)
