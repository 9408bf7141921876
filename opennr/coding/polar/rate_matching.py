"""TS 38.212 V17 §5.4.1: polar rate matching and rate recovery.

Rate matching (§5.4.1) is sub-block interleaving ``y_n = d_J(n)`` (§5.4.1.1), bit selection
from the circular buffer ``y`` (§5.4.1.2: repetition ``e_k = y_(k mod N)`` if ``E >= N``,
puncturing ``e_k = y_(k + N - E)`` if ``K/E <= 7/16``, shortening ``e_k = y_k`` otherwise) and,
with ``I_BIL = 1`` (uplink UCI), the triangular coded-bit interleaver (§5.4.1.3). All of it is one
cached index map: ``f_k = d[map[k]]`` (:func:`polar_rate_match_index_map`).

Rate recovery inverts it on LLRs: repeated bits are added, punctured bits get LLR 0 (unknown)
and shortened bits get :data:`SHORTENED_LLR` (known zeros: the frozen set of §5.3.1.2 makes
them 0 in every codeword).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from opennr._validation import as_bits, as_llrs, check_last_axis
from opennr.coding.ldpc._rate_matching_kernels import gather_kernel, scatter_add_kernel
from opennr.coding.polar.construction import PolarCode
from opennr.coding.polar.interleavers import (
    channel_interleaver_pattern,
    subblock_interleaver_pattern,
)

__all__ = [
    "SHORTENED_LLR",
    "polar_rate_match",
    "polar_rate_match_index_map",
    "polar_rate_recover",
]

_CLAUSE = "TS 38.212 §5.4.1"
#: LLR given by rate recovery to shortened coded bits: known zeros (a large, finite positive LLR).
SHORTENED_LLR: float = 1.0e4


def _check_code(code) -> PolarCode:
    if not isinstance(code, PolarCode):
        raise TypeError(
            f"code must be a PolarCode built by polar_construct ({_CLAUSE}), got {type(code).__name__}"
        )
    return code


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool ({_CLAUSE}.3: I_BIL), got {value!r}")
    return bool(value)


def _selection(code: PolarCode) -> np.ndarray:
    """Positions in ``y`` (sub-block interleaved buffer) of the E selected bits (before §5.4.1.3)."""
    n, e = code.n, code.e
    mode = code.rate_matching_mode
    if mode == "repetition":
        return np.arange(e) % n
    if mode == "puncturing":
        return np.arange(n - e, n)
    return np.arange(e)


@lru_cache(maxsize=1024)
def _index_map(code: PolarCode, channel_interleaving: bool) -> np.ndarray:
    idx = subblock_interleaver_pattern(code.n)[_selection(code)]
    if channel_interleaving:
        idx = idx[channel_interleaver_pattern(code.e)]
    idx = idx.astype(np.int64)
    idx.setflags(write=False)
    return idx


def polar_rate_match_index_map(
    code: PolarCode, *, channel_interleaving: bool = False
) -> np.ndarray:
    """TS 38.212 §5.4.1: index map of polar rate matching, ``f_k = d[map[k]]``.

    Parameters
    ----------
    code : PolarCode
    channel_interleaving : bool, optional
        Apply the coded-bit interleaver of §5.4.1.3 (``I_BIL = 1``, uplink UCI). Default False.

    Returns
    -------
    numpy.ndarray of int64, shape [E]
        Read-only.

    Examples
    --------
    >>> from opennr.coding.polar.construction import polar_construct
    >>> polar_rate_match_index_map(polar_construct(56, 864, n_max=9))[512:516]  # repetition
    array([0, 1, 2, 3])
    """
    code = _check_code(code)
    return _index_map(code, _check_flag(channel_interleaving, "channel_interleaving"))


def polar_rate_match(
    d, code: PolarCode, *, channel_interleaving: bool = False
) -> np.ndarray:
    """TS 38.212 §5.4.1: polar rate matching, ``d [..., N] -> f [..., E]``.

    Sub-block interleaving (§5.4.1.1), bit selection by repetition, puncturing or shortening
    (§5.4.1.2) and, if ``channel_interleaving``, the coded-bit interleaver (§5.4.1.3).

    Parameters
    ----------
    d : array_like of 0/1 integers or bools, shape [..., N]
        Polar codewords (:func:`~opennr.coding.polar.encoder.polar_encode`).
    code : PolarCode
        The code ``d`` was encoded with (gives ``K``, ``E``, ``N``).
    channel_interleaving : bool, optional
        ``I_BIL``: True for UCI (PUCCH/PUSCH), False (default) for BCH and DCI.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.coding.polar.construction import polar_construct
    >>> code = polar_construct(43, 70)  # shortening, N = 128
    >>> polar_rate_match(np.zeros(128, dtype=np.uint8), code, channel_interleaving=True).shape
    (70,)
    """
    code = _check_code(code)
    idx = _index_map(code, _check_flag(channel_interleaving, "channel_interleaving"))
    d = as_bits(d, "d", _CLAUSE)
    check_last_axis(d, "d", code.n, _CLAUSE)
    d2 = np.ascontiguousarray(d.reshape(-1, code.n))
    out = np.empty((d2.shape[0], code.e), dtype=np.uint8)
    gather_kernel(d2, idx, out)
    return out.reshape(*d.shape[:-1], code.e)


def polar_rate_recover(
    llr, code: PolarCode, *, channel_interleaving: bool = False
) -> np.ndarray:
    """TS 38.212 §5.4.1: polar rate recovery, LLRs ``[..., E] -> [..., N]``.

    Inverts :func:`polar_rate_match`: the LLRs of repeated bits are added, punctured coded bits
    get LLR 0 and shortened coded bits get :data:`SHORTENED_LLR` (they are known zeros).

    Parameters
    ----------
    llr : array_like of float, shape [..., E]
        Received LLRs ``ln P(0)/P(1)`` of ``f`` (finite).
    code : PolarCode
    channel_interleaving : bool, optional
        ``I_BIL`` used at the transmitter. Default False.

    Returns
    -------
    numpy.ndarray of float32, shape [..., N]
        LLRs of the polar codeword ``d``, in natural order (ready for the SC/SCL decoder).

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.coding.polar.construction import polar_construct
    >>> code = polar_construct(56, 864, n_max=9)
    >>> out = polar_rate_recover(np.ones(864, dtype=np.float32), code)
    >>> out.shape, float(out.min()), float(out.max())  # 352 of 512 bits are sent twice
    ((512,), 1.0, 2.0)
    """
    code = _check_code(code)
    ibil = _check_flag(channel_interleaving, "channel_interleaving")
    llr = as_llrs(llr, "llr", _CLAUSE)
    check_last_axis(llr, "llr", code.e, _CLAUSE)
    n, e = code.n, code.e
    batch = llr.shape[:-1]
    out = np.zeros((int(np.prod(batch, dtype=np.int64)), n), dtype=np.float32)
    scatter_add_kernel(
        np.ascontiguousarray(llr.reshape(-1, e)), _index_map(code, ibil), out
    )
    if code.rate_matching_mode == "shortening":
        out[:, _shortened_positions(code)] = SHORTENED_LLR
    return out.reshape(*batch, n)


@lru_cache(maxsize=1024)
def _shortened_positions(code: PolarCode) -> np.ndarray:
    pos = subblock_interleaver_pattern(code.n)[code.e :].copy()
    pos.setflags(write=False)
    return pos
