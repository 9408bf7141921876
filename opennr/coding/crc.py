"""TS 38.212 V17 §5.1: cyclic redundancy check (CRC) calculation.

The parity bits ``p_0 ... p_(L-1)`` of a block ``a_0 ... a_(A-1)`` are chosen so that
``a_0 D^(A+L-1) + ... + a_(A-1) D^L + p_0 D^(L-1) + ... + p_(L-1)`` is divisible by the generator
``g(D)``: they are the remainder of ``a(D) D^L`` divided by ``g(D)``, MSB first, with a zero initial
register and no final inversion. The six generators of §5.1 are in :data:`CRC_POLYNOMIALS`.

The computation is a byte-wise table-driven Numba kernel (:mod:`opennr.coding._crc_kernels`); a
transport block of 1,277,992 bits takes about half a millisecond.

Examples
--------
>>> import numpy as np
>>> blk = crc_attach(np.array([1, 0, 1, 1], dtype=np.uint8), "6")
>>> blk
array([1, 0, 1, 1, 1, 0, 1, 1, 0, 1], dtype=uint8)
>>> bool(crc_check(blk, "6"))
True
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

import numpy as np

from opennr._validation import as_bits, check_choice, check_int
from opennr.coding._crc_kernels import aligned_generator, byte_table, crc_parity_kernel

__all__ = ["CRC_POLYNOMIALS", "crc_length", "crc_parity", "crc_attach", "crc_check"]

_CLAUSE = "TS 38.212 §5.1"


def _poly(*exponents: int) -> int:
    return sum(1 << e for e in exponents)


#: TS 38.212 §5.1 generator polynomials ``g(D)`` as integers, bit ``k`` = coefficient of ``D^k``
#: (the leading ``D^L`` term included, so ``L = generator.bit_length() - 1``).
CRC_POLYNOMIALS: MappingProxyType[str, int] = MappingProxyType(
    {
        "24A": _poly(24, 23, 18, 17, 14, 11, 10, 7, 6, 5, 4, 3, 1, 0),
        "24B": _poly(24, 23, 6, 5, 1, 0),
        "24C": _poly(24, 23, 21, 20, 17, 15, 13, 12, 8, 4, 2, 1, 0),
        "16": _poly(16, 12, 5, 0),
        "11": _poly(11, 10, 9, 5, 0),
        "6": _poly(6, 5, 0),
    }
)


def _check_poly(poly) -> str:
    return check_choice(poly, "poly", tuple(CRC_POLYNOMIALS), clause=_CLAUSE)


def crc_length(poly: str) -> int:
    """TS 38.212 §5.1: number of parity bits ``L`` of CRC ``poly``.

    Parameters
    ----------
    poly : {'24A', '24B', '24C', '16', '11', '6'}
        Generator name, as in ``gCRC24A`` ... ``gCRC6``.

    Returns
    -------
    int
        ``L`` (24, 16, 11 or 6).

    Examples
    --------
    >>> crc_length("24B"), crc_length("11")
    (24, 11)
    """
    return CRC_POLYNOMIALS[_check_poly(poly)].bit_length() - 1


@cache
def _tables(poly: str) -> tuple[np.ndarray, int, int]:
    gen = CRC_POLYNOMIALS[poly]
    length = gen.bit_length() - 1
    table = byte_table(gen, length)
    table.setflags(write=False)
    return table, aligned_generator(gen, length), length


def _mask_bits(mask, length: int) -> np.ndarray:
    mask = check_int(mask, "mask", low=0, high=(1 << length) - 1, clause=_CLAUSE)
    return np.array([(mask >> (length - 1 - k)) & 1 for k in range(length)], dtype=np.uint8)


def _parity(bits: np.ndarray, poly: str) -> np.ndarray:
    """Parity of validated uint8 ``bits [..., A]`` (no mask)."""
    table, aligned, length = _tables(poly)
    batch, a = bits.shape[:-1], bits.shape[-1]
    flat = bits.reshape(int(np.prod(batch)), a)
    r = a % 8
    head = np.ascontiguousarray(flat[:, :r])
    packed = np.packbits(flat[:, r:], axis=-1)
    out = np.empty((flat.shape[0], length), dtype=np.uint8)
    crc_parity_kernel(head, packed, table, aligned, length, out)
    return out.reshape(*batch, length)


def crc_parity(bits, poly: str) -> np.ndarray:
    """TS 38.212 §5.1: the ``L`` CRC parity bits of each block, ``[..., A] -> [..., L]``.

    Parameters
    ----------
    bits : array_like of 0/1 integers or bools, shape [..., A]
        Blocks ``a_0 ... a_(A-1)``, batched over the leading axes. ``A = 0`` is allowed (the
        parity is then all zeros).
    poly : {'24A', '24B', '24C', '16', '11', '6'}
        Generator polynomial (:data:`CRC_POLYNOMIALS`).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., L]
        Parity bits ``p_0 ... p_(L-1)``: the remainder of ``a(D) D^L / g(D)``, MSB first.

    Raises
    ------
    TypeError
        If ``bits`` is not an integer or bool array.
    ValueError
        If ``bits`` holds values other than 0 and 1, or ``poly`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> crc_parity(np.array([1] + 31 * [0], dtype=np.uint8), "24C")
    array([1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0,
           1, 0], dtype=uint8)
    >>> crc_parity(np.zeros((2, 0), dtype=np.uint8), "6").shape
    (2, 6)
    """
    poly = _check_poly(poly)
    bits = as_bits(bits, "bits", _CLAUSE)
    return _parity(bits, poly)


def crc_attach(bits, poly: str, *, mask: int = 0) -> np.ndarray:
    """TS 38.212 §5.1: append the CRC parity bits, ``[..., A] -> [..., A + L]``.

    Parameters
    ----------
    bits : array_like of 0/1 integers or bools, shape [..., A]
        Blocks ``a_0 ... a_(A-1)`` (``A = 0`` allowed).
    poly : {'24A', '24B', '24C', '16', '11', '6'}
        Generator polynomial.
    mask : int, optional
        ``L``-bit mask XORed onto the parity bits, MSB first onto ``p_0`` (as MATLAB's
        ``nrCRCEncode(blk, poly, mask)``); e.g. an RNTI scrambling the last 16 bits of a CRC24C
        (TS 38.212 §7.3.2). Must be in ``[0, 2^L - 1]``. Default 0 (no masking).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., A + L]
        ``a_0 ... a_(A-1), p_0 ^ m_0, ..., p_(L-1) ^ m_(L-1)``.

    Examples
    --------
    >>> import numpy as np
    >>> crc_attach(np.array([1, 0, 1, 1], dtype=np.uint8), "6", mask=0b000011)
    array([1, 0, 1, 1, 1, 0, 1, 1, 1, 0], dtype=uint8)
    """
    poly = _check_poly(poly)
    bits = as_bits(bits, "bits", _CLAUSE)
    parity = _parity(bits, poly)
    parity ^= _mask_bits(mask, parity.shape[-1])
    return np.concatenate([bits, parity], axis=-1)


def crc_check(bits, poly: str, *, mask: int = 0) -> np.ndarray:
    """TS 38.212 §5.1: check the CRC of each block, ``[..., A + L] -> [...]`` bool.

    Parameters
    ----------
    bits : array_like of 0/1 integers or bools, shape [..., A + L]
        Blocks with their (possibly masked) parity bits last.
    poly : {'24A', '24B', '24C', '16', '11', '6'}
        Generator polynomial.
    mask : int, optional
        The mask used by :func:`crc_attach`; removed before the check. Default 0.

    Returns
    -------
    numpy.ndarray of bool, shape [...]
        True where the CRC passes (a 0-d array for a single block).

    Raises
    ------
    ValueError
        If the last axis is shorter than ``L``.

    Examples
    --------
    >>> import numpy as np
    >>> blk = crc_attach(np.ones((2, 20), dtype=np.uint8), "16", mask=0x1234)
    >>> blk[1, 3] ^= 1
    >>> crc_check(blk, "16", mask=0x1234)
    array([ True, False])
    """
    poly = _check_poly(poly)
    bits = as_bits(bits, "bits", _CLAUSE)
    length = crc_length(poly)
    if bits.shape[-1] < length:
        raise ValueError(
            f"bits must have at least L = {length} entries on its last axis for CRC{poly}, "
            f"got shape {bits.shape} ({_CLAUSE})"
        )
    received = bits[..., -length:] ^ _mask_bits(mask, length)
    parity = _parity(bits[..., :-length], poly)
    return np.all(parity == received, axis=-1)
