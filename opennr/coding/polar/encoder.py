"""TS 38.212 V17 §5.3.1: polar encoding (input interleaving, PC bits, ``d = u G_N``).

The ``K`` bits ``c`` (payload and CRC) are optionally interleaved (§5.3.1.1, ``I_IL = 1`` on the
downlink), placed on the information indices of ``u`` in ascending order, the parity-check bits
are computed by the cyclic 5-bit register of §5.3.1.2 and the codeword is ``d = u G_N`` with
``G_N = (G_2)^(⊗n)``, ``G_2 = [[1, 0], [1, 1]]`` (§5.3.1.2), computed by ``n`` butterfly stages.

The parity-check register is linear: the PC bit at index ``m`` equals the XOR of the
information bits ``u_j`` with ``j < m`` and ``j ≡ m (mod 5)`` (a bit written into ``y_0`` at step
``j`` is back in ``y_0`` after five cyclic shifts; PC bits themselves are not fed back). The
encoder uses that closed form; the tests check it against the literal register loop.
"""

from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

from opennr._validation import as_bits, check_last_axis
from opennr.coding.polar._encoder_kernels import place_bits_kernel, transform_words
from opennr.coding.polar.construction import PolarCode
from opennr.coding.polar.interleavers import K_IL_MAX, input_interleaver_pattern

__all__ = ["pc_bit_matrix", "polar_encode", "polar_transform"]

_CLAUSE = "TS 38.212 §5.3.1.2"


_LITTLE_ENDIAN = sys.byteorder == "little"


def _transform_numpy(x: np.ndarray) -> np.ndarray:
    """NumPy twin of the kernel: ``x <- x G_N`` on a C-contiguous uint8 array [B, N], in place."""
    b, n = x.shape
    h = 1
    while h < n:
        v = x.reshape(b, n // (2 * h), 2, h)
        np.bitwise_xor(v[:, :, 0, :], v[:, :, 1, :], out=v[:, :, 0, :])
        h *= 2
    return x


def _transform_inplace(x: np.ndarray) -> np.ndarray:
    """``x <- x G_N`` on a C-contiguous uint8 array [B, N] (Numba kernel when N >= 8)."""
    if x.shape[1] >= 8 and _LITTLE_ENDIAN and x.flags.c_contiguous:
        transform_words(x)
        return x
    return _transform_numpy(x)


def polar_transform(u) -> np.ndarray:
    """TS 38.212 §5.3.1.2: polar transform ``d = u G_N`` over GF(2), ``[..., N] -> [..., N]``.

    ``G_N`` is the ``n``-th Kronecker power of ``G_2 = [[1, 0], [1, 1]]``; the transform is its
    own inverse, so ``polar_transform`` also computes ``u`` from ``d``.

    Parameters
    ----------
    u : array_like of 0/1 integers or bools, shape [..., N]
        ``N`` a power of two (``N >= 1``).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., N]

    Examples
    --------
    >>> polar_transform([0, 0, 0, 1])  # the last row of G_4 is all ones
    array([1, 1, 1, 1], dtype=uint8)
    >>> polar_transform([[1, 0, 0, 0], [0, 1, 0, 0]])  # rows 0 and 1 of G_4
    array([[1, 0, 0, 0],
           [1, 1, 0, 0]], dtype=uint8)
    """
    u = as_bits(u, "u", _CLAUSE)
    n = u.shape[-1]
    if n < 1 or n & (n - 1):
        raise ValueError(
            f"u must have a power-of-two length N on its last axis ({_CLAUSE}); got {n}"
        )
    x = np.array(u.reshape(-1, n), dtype=np.uint8, order="C", copy=True)
    return _transform_inplace(x).reshape(u.shape)


@lru_cache(maxsize=1024)
def _pc_matrix(code: PolarCode) -> np.ndarray:
    info = code.info_positions.astype(np.int64)
    m = np.zeros((code.n_pc, code.k), dtype=np.uint8)
    for r, pos in enumerate(code.pc_positions.astype(np.int64)):
        m[r] = (info < pos) & ((pos - info) % 5 == 0)
    m.setflags(write=False)
    return m


def pc_bit_matrix(code: PolarCode) -> np.ndarray:
    """TS 38.212 §5.3.1.2: parity-check bits as a linear map of the interleaved bits ``c'``.

    Parameters
    ----------
    code : PolarCode

    Returns
    -------
    numpy.ndarray of uint8, shape [n_pc, K]
        ``M`` with ``u[pc_positions] = c' M^T mod 2``: row ``r`` marks the information bits
        ``u_j`` (``j`` = ``info_positions``) with ``j < pc_positions[r]`` and
        ``j ≡ pc_positions[r] (mod 5)``, i.e. those whose value sits in ``y_0`` of the cyclic
        shift register when the PC bit is written. Read-only.

    Examples
    --------
    >>> from opennr.coding.polar.construction import polar_construct
    >>> pc_bit_matrix(polar_construct(18, 40, n_pc=3)).shape
    (3, 18)
    """
    if not isinstance(code, PolarCode):
        raise TypeError(
            f"code must be a PolarCode (polar_construct), got {type(code).__name__}"
        )
    return _pc_matrix(code)


def _check_code(code) -> PolarCode:
    if not isinstance(code, PolarCode):
        raise TypeError(
            f"code must be a PolarCode built by polar_construct ({_CLAUSE}), got {type(code).__name__}"
        )
    return code


def _check_input_interleaving(input_interleaving, k: int) -> bool:
    if not isinstance(input_interleaving, bool | np.bool_):
        raise TypeError(
            f"input_interleaving must be a bool, got {input_interleaving!r}"
        )
    if input_interleaving and k > K_IL_MAX:
        raise ValueError(
            f"input interleaving needs K <= K_IL^max = {K_IL_MAX} (TS 38.212 §5.3.1.1); got K = {k}"
        )
    return bool(input_interleaving)


def polar_encode(c, code: PolarCode, *, input_interleaving: bool = False) -> np.ndarray:
    """TS 38.212 §5.3.1: polar encoding, ``c [..., K] -> d [..., N]``.

    Steps: input bit interleaving ``c'_k = c_Pi(k)`` if ``input_interleaving`` (§5.3.1.1,
    ``I_IL = 1``: BCH and DCI); ``u[info_positions] = c'`` in order, ``u`` = 0 on the frozen
    set, ``u[pc_positions]`` from the cyclic-register rule (§5.3.1.2); ``d = u G_N``.

    Parameters
    ----------
    c : array_like of 0/1 integers or bools, shape [..., K]
        Payload and CRC bits ``c_0 ... c_(K-1)``.
    code : PolarCode
        From :func:`~opennr.coding.polar.construction.polar_construct`.
    input_interleaving : bool, optional
        Apply the input interleaver (needs ``K <= 164``). Default False.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., N]
        The polar codeword ``d`` (before rate matching).

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.coding.polar.construction import polar_construct
    >>> code = polar_construct(56, 864, n_max=9)  # PBCH
    >>> d = polar_encode(np.ones(56, dtype=np.uint8), code, input_interleaving=True)
    >>> d.shape, int(polar_transform(d)[code.frozen].sum())  # u = d G_N is 0 where frozen
    ((512,), 0)
    """
    code = _check_code(code)
    iil = _check_input_interleaving(input_interleaving, code.k)
    c = as_bits(c, "c", _CLAUSE)
    check_last_axis(c, "c", code.k, _CLAUSE)
    batch = c.shape[:-1]
    c2 = np.ascontiguousarray(c.reshape(-1, code.k))
    perm = _permutation(code.k, iil)
    u = np.zeros((c2.shape[0], code.n), dtype=np.uint8)
    place_bits_kernel(c2, perm, _info_positions(code), u)
    if code.n_pc:
        c_int = u[:, code.info_positions].astype(np.int32)  # c' = interleaved c
        u[:, code.pc_positions] = (c_int @ _pc_matrix(code).T.astype(np.int32)) & 1
    return _transform_inplace(u).reshape(*batch, code.n)


@lru_cache(maxsize=256)
def _permutation(k: int, iil: bool) -> np.ndarray:
    perm = input_interleaver_pattern(k).copy() if iil else np.arange(k, dtype=np.int64)
    perm.setflags(write=False)
    return perm


@lru_cache(maxsize=1024)
def _info_positions(code: PolarCode) -> np.ndarray:
    info = code.info_positions.astype(np.int64)
    info.setflags(write=False)
    return info
