"""TS 38.211 V17 §5.2.1-based bit scrambling and LLR descrambling.

Every NR physical channel scrambles its codeword bits as ``b~(i) = (b(i) + c(i)) mod 2`` with the
Gold sequence ``c(i)`` of §5.2.1 started from a channel-specific ``c_init`` (PDSCH §7.3.1.1,
PUSCH §6.3.1.1, PBCH §7.3.3.1, PDCCH §7.3.2.3, PUCCH §6.3.2.5.1/§6.3.2.6.1). The ``c_init``
formulas belong to the channels; these two functions do the common part. The PUSCH UCI
placeholders ``x``/``y`` of §6.3.1.1 are not handled here.
"""

from __future__ import annotations

import numpy as np

from opennr._validation import as_bits, as_llrs
from opennr.sequences.gold import gold_sequence

__all__ = ["descramble_llr", "scramble", "scrambling_sequence"]

_CLAUSE = "TS 38.211 §5.2.1"


def scrambling_sequence(c_init, length: int, batch_shape: tuple[int, ...] = ()) -> np.ndarray:
    """TS 38.211 §5.2.1: ``c(0 .. length-1)`` for ``c_init`` broadcast to ``batch_shape``.

    Parameters
    ----------
    c_init : int or array_like of int
        ``0 <= c_init < 2^31``; an array must broadcast to ``batch_shape``.
    length : int
        Number of bits.
    batch_shape : tuple of int, optional
        Leading shape of the data the sequence will scramble.

    Returns
    -------
    numpy.ndarray of uint8, shape [*batch_shape, length] (or [length] for a scalar ``c_init``)

    Examples
    --------
    >>> scrambling_sequence(0, 8).tolist()
    [0, 0, 0, 0, 0, 0, 1, 0]
    """
    arr = np.asarray(c_init)
    if arr.ndim == 0:
        return gold_sequence(c_init, length)
    try:
        np.broadcast_shapes(arr.shape, tuple(batch_shape))
    except ValueError:
        raise ValueError(
            f"c_init of shape {arr.shape} does not broadcast to the batch shape "
            f"{tuple(batch_shape)} of the data ({_CLAUSE})"
        ) from None
    return gold_sequence(arr, length)


def scramble(bits, c_init) -> np.ndarray:
    """TS 38.211 §5.2.1: scramble bits, ``b~(i) = (b(i) + c(i)) mod 2``.

    Parameters
    ----------
    bits : array_like of 0/1, shape [..., M]
        Codeword bits ``b(0) ... b(M-1)``.
    c_init : int or array_like of int
        Gold sequence initialisation, ``0 <= c_init < 2^31``: one value, or one per batch entry
        (an array broadcastable to ``bits.shape[:-1]``).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., M]
        Scrambled bits. Scrambling twice gives the input back.

    Examples
    --------
    >>> scramble([1, 1, 1, 1, 1, 1, 1, 1], 0).tolist()  # c(0..7) = 0 0 0 0 0 0 1 0
    [1, 1, 1, 1, 1, 1, 0, 1]
    """
    b = as_bits(bits, "bits", _CLAUSE)
    c = scrambling_sequence(c_init, b.shape[-1], b.shape[:-1])
    return b ^ c


def descramble_llr(llr, c_init) -> np.ndarray:
    """TS 38.211 §5.2.1 (inverse): descramble LLRs, ``L(i) (1 - 2 c(i))``.

    Parameters
    ----------
    llr : array_like of float, shape [..., M]
        LLRs ``ln P(0)/P(1)`` of the scrambled bits (finite).
    c_init : int or array_like of int
        As for :func:`scramble`.

    Returns
    -------
    numpy.ndarray of float32, shape [..., M]
        LLRs of the codeword bits: the sign flips where ``c(i) = 1``.

    Examples
    --------
    >>> import numpy as np
    >>> descramble_llr(np.arange(1.0, 9.0), 0).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, -7.0, 8.0]
    """
    x = as_llrs(llr, "llr", _CLAUSE)
    c = scrambling_sequence(c_init, x.shape[-1], x.shape[:-1])
    sign = (1.0 - 2.0 * c).astype(np.float32)
    return x * sign
