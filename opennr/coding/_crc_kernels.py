"""Numba kernels for the TS 38.212 §5.1 CRCs (private; see :mod:`opennr.coding.crc`).

The register is 32 bits wide with the generator aligned to its top (``g(D) * D^(32 - L)``), so one
byte-wise table serves every CRC length ``L <= 24``, even ``L = 6``, which is shorter than a byte.
The plain NumPy twin :func:`crc_remainder_numpy` (bitwise polynomial long division) is the
reference the kernel is tested against.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_MASK32 = 0xFFFFFFFF
_TOP32 = 0x80000000


def aligned_generator(generator: int, length: int) -> int:
    """``g(D)`` without its ``D^L`` term, shifted to the top of a 32-bit register."""
    return ((generator ^ (1 << length)) << (32 - length)) & _MASK32


def byte_table(generator: int, length: int) -> np.ndarray:
    """The 256-entry table: remainder of ``i(D) * D^32`` modulo the aligned generator, ``int64``."""
    poly = aligned_generator(generator, length)
    table = np.zeros(256, dtype=np.int64)
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) & _MASK32) ^ poly if r & _TOP32 else (r << 1) & _MASK32
        table[i] = r
    return table


@njit(cache=True)
def crc_parity_kernel(head, packed, table, poly, length, out):  # pragma: no cover - compiled
    """Parity bits of each row: ``a(D) D^L mod g(D)``, MSB first, written into ``out``.

    Parameters
    ----------
    head : uint8 [B, r]
        The first ``r = A mod 8`` bits of each row, processed bit by bit.
    packed : uint8 [B, (A - r) / 8]
        The remaining bits packed MSB first (``np.packbits``), processed byte by byte.
    table : int64 [256]
        From :func:`byte_table`.
    poly : int
        From :func:`aligned_generator`.
    length : int
        CRC length ``L``.
    out : uint8 [B, L]
        Output parity bits.
    """
    mask = 0xFFFFFFFF
    top = 0x80000000
    shift = 32 - length
    for b in range(out.shape[0]):
        r = 0
        for i in range(head.shape[1]):
            r ^= np.int64(head[b, i]) << 31
            if r & top:
                r = ((r << 1) & mask) ^ poly
            else:
                r = (r << 1) & mask
        for i in range(packed.shape[1]):
            r = ((r << 8) & mask) ^ table[((r >> 24) ^ np.int64(packed[b, i])) & 0xFF]
        r >>= shift
        for k in range(length):
            out[b, k] = (r >> (length - 1 - k)) & 1


def crc_remainder_numpy(bits: np.ndarray, generator: int, length: int) -> np.ndarray:
    """Plain-NumPy twin: parity bits by polynomial long division, ``[..., A] -> [..., L]``.

    Slow (a Python loop over ``A``, vectorised over the batch); meant for tests only.
    """
    bits = np.asarray(bits, dtype=np.uint8)
    batch = bits.shape[:-1]
    a = bits.shape[-1]
    g = np.array([(generator >> (length - k)) & 1 for k in range(length + 1)], dtype=np.uint8)
    rows = int(np.prod(batch))
    reg = np.concatenate([bits.reshape(rows, a), np.zeros((rows, length), np.uint8)], axis=1)
    for i in range(a):
        ones = reg[:, i] == 1
        reg[ones, i : i + length + 1] ^= g
    return reg[:, a:].reshape(*batch, length)
