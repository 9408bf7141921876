"""TS 38.211 V17 §5.1 (inverse): soft demapping to LLRs and hard decisions.

LLRs are ``ln P(b=0 | y) / P(b=1 | y)`` (positive means 0) for the AWGN model ``y = d + w`` with
``E|w|^2 = N0`` (the complex noise variance, ``noise_var``) and equiprobable bits:

    ``LLR(b_k) = ln sum_{d: b_k=0} exp(-|y - d|^2 / N0) - ln sum_{d: b_k=1} exp(-|y - d|^2 / N0)``

``method="exact"`` evaluates it (log-MAP); ``method="max-log"`` keeps the largest term of each
sum, as MATLAB's ``nrSymbolDemodulate`` ("approximate LLR") and Sionna's ``"maxlog"`` do.
Sionna's logits are the negative of these values.

The square QAMs are demapped per dimension (two Gray PAMs): max-log in closed form, O(log M) per
symbol; exact in O(sqrt(M)) per symbol. See :mod:`opennr.modulation._demapping_kernels`.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr.modulation._demapping_kernels import (
    bpsk_hard_kernel,
    bpsk_soft_kernel,
    qam_hard_kernel,
    qam_soft_kernel,
)
from opennr.modulation.mapping import _scale, bits_per_symbol, pam_levels

__all__ = ["DEMAPPING_METHODS", "demodulate_hard", "demodulate_soft"]

_CLAUSE = "TS 38.211 §5.1"
#: Soft demapping methods: log-MAP ("exact") and its max-log approximation.
DEMAPPING_METHODS: tuple[str, ...] = ("max-log", "exact")


@cache
def _bit_masks(n: int) -> np.ndarray:
    """``m1[k, j] = 1.0`` where bit ``k`` (MSB first) of the label of PAM point ``x_j`` is 1."""
    lev = pam_levels(n)  # level of each label
    label_of_index = np.empty(2**n, dtype=np.int64)
    label_of_index[(lev + 2**n - 1) // 2] = np.arange(2**n)
    k = np.arange(n)[:, None]
    m1 = ((label_of_index[None, :] >> (n - 1 - k)) & 1).astype(np.float64)
    m1.setflags(write=False)
    return m1


def _as_symbols(symbols) -> np.ndarray:
    y = np.asarray(symbols)
    if y.dtype == bool or not (
        np.issubdtype(y.dtype, np.complexfloating)
        or np.issubdtype(y.dtype, np.floating)
        or np.issubdtype(y.dtype, np.integer)
    ):
        raise TypeError(f"symbols must be a complex (or real) numeric array, got dtype {y.dtype}")
    if y.ndim < 1:
        raise ValueError(f"symbols must have at least one dimension, got shape {y.shape}")
    if y.dtype != np.complex128:
        y = y.astype(np.complex64)
    if y.size and not np.isfinite(y).all():
        raise ValueError(f"symbols contains NaN or infinite values ({_CLAUSE})")
    return np.ascontiguousarray(y)


def _as_noise_var(noise_var, shape) -> np.ndarray:
    nv = np.asarray(noise_var)
    if nv.dtype == bool or not (
        np.issubdtype(nv.dtype, np.floating) or np.issubdtype(nv.dtype, np.integer)
    ):
        raise TypeError(f"noise_var must be a real number or array, got dtype {nv.dtype}")
    nv = nv.astype(np.float64)
    if nv.size and not (np.isfinite(nv).all() and (nv > 0).all()):
        raise ValueError("noise_var must be finite and > 0 (the complex noise variance E|w|^2)")
    if nv.size == 1:
        return nv.reshape(1)
    try:
        full = np.broadcast_to(nv, shape)
    except ValueError:
        raise ValueError(
            f"noise_var must be a scalar or broadcastable to the symbols' shape {shape}, got "
            f"shape {nv.shape}"
        ) from None
    return np.ascontiguousarray(full).reshape(-1)


def demodulate_soft(symbols, modulation: str, noise_var=1.0, *, method: str = "max-log"):
    """TS 38.211 §5.1: soft demapping of modulation symbols to bit LLRs ``ln P(0)/P(1)``.

    Parameters
    ----------
    symbols : array_like of complex, shape [..., M]
        Received (equalised) symbols on the unit-energy constellation of §5.1. For pi/2-BPSK the
        symbol index ``i`` is the position along the last axis.
    modulation : str
        One of :data:`~opennr.modulation.MODULATIONS`.
    noise_var : float or array_like, scalar or broadcastable to [..., M]
        Complex noise variance ``N0 = E|w|^2`` (> 0): one value, one per symbol or per resource
        element.
    method : {"max-log", "exact"}, keyword-only
        ``"max-log"`` (default): the largest term of each likelihood sum; ``"exact"``: log-MAP.

    Returns
    -------
    numpy.ndarray of float32, shape [..., M * Q_m]
        LLRs of ``b(0), b(1), ...`` in transmission order; positive means 0.

    Raises
    ------
    TypeError
        If ``symbols`` or ``noise_var`` is not numeric, or ``modulation`` is not a string.
    ValueError
        If ``modulation``/``method`` is unknown, symbols are NaN/inf, ``noise_var`` is not
        positive and finite or does not broadcast.

    Notes
    -----
    Max-log costs a few flops per bit (closed form, no search); exact costs O(sqrt(M)) per
    symbol. Both are computed in float64 and returned as float32.

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.modulation import modulate
    >>> d = modulate([0, 1, 1, 0], "QPSK")
    >>> demodulate_soft(d, "QPSK", 0.5)  # 2 sqrt(2) Re/Im(y) / N0
    array([ 4., -4., -4.,  4.], dtype=float32)
    >>> llr = demodulate_soft(modulate([1, 0, 0, 1] * 2, "256QAM"), "256QAM", 0.1, method="exact")
    >>> (llr < 0).astype(int).tolist()
    [1, 0, 0, 1, 1, 0, 0, 1]
    """
    qm = bits_per_symbol(modulation)
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {DEMAPPING_METHODS}; got {method!r}")
    if method not in DEMAPPING_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, DEMAPPING_METHODS))}; got "
                         f"{method!r}")
    y = _as_symbols(symbols)
    nv = _as_noise_var(noise_var, y.shape)
    flat = y.reshape(-1)
    out = np.empty(flat.size * qm, dtype=np.float32)
    if flat.size:
        if qm == 1:
            bpsk_soft_kernel(flat, nv, y.shape[-1], modulation == "pi/2-BPSK", out)
        else:
            n = qm // 2
            qam_soft_kernel(flat, nv, n, _scale(n), method == "exact", _bit_masks(n), out)
    return out.reshape(*y.shape[:-1], y.shape[-1] * qm)


def demodulate_hard(symbols, modulation: str) -> np.ndarray:
    """TS 38.211 §5.1: hard decisions, the bits of the nearest constellation point.

    Parameters
    ----------
    symbols : array_like of complex, shape [..., M]
        Received symbols (for pi/2-BPSK, ``i`` is the position along the last axis).
    modulation : str
        One of :data:`~opennr.modulation.MODULATIONS`.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., M * Q_m]
        Bits in transmission order (ties at a decision boundary go to 0, the sign of a zero LLR).

    Examples
    --------
    >>> from opennr.modulation import modulate
    >>> bits = [1, 0, 1, 1, 0, 0]
    >>> demodulate_hard(modulate(bits, "64QAM") * 1.05, "64QAM").tolist()
    [1, 0, 1, 1, 0, 0]
    """
    qm = bits_per_symbol(modulation)
    y = _as_symbols(symbols)
    flat = y.reshape(-1)
    out = np.empty(flat.size * qm, dtype=np.uint8)
    if flat.size:
        if qm == 1:
            bpsk_hard_kernel(flat, y.shape[-1], modulation == "pi/2-BPSK", out)
        else:
            n = qm // 2
            qam_hard_kernel(flat, n, _scale(n), out)
    return out.reshape(*y.shape[:-1], y.shape[-1] * qm)
