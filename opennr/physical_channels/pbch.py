"""TS 38.211 V17 §7.3.3: the physical broadcast channel (PBCH): scrambling and QPSK modulation.

Scrambling (§7.3.3.1): ``b~(i) = (b(i) + c(i + v M_bit)) mod 2``, ``i = 0 .. M_bit - 1``, with the
Gold sequence ``c`` of §5.2.1 initialised with ``c_init = N_ID^cell``, ``M_bit = 864`` (the BCH
codeword, TS 38.212 §7.1.5) and ``v`` the two LSBs of the SS/PBCH block index for ``L_max = 4``
or its three LSBs for ``L_max`` = 8 or 64. Modulation (§7.3.3.2): QPSK (§5.1.3), 432 symbols.

:func:`pbch_symbols` is MATLAB's ``nrPBCH``; :func:`pbch_llrs` (soft demapping and descrambling)
its ``nrPBCHDecode``. The BCH chain before (TS 38.212 §7.1) is :mod:`opennr.coding.bch`; the
mapping into the SS/PBCH block is :mod:`opennr.physical_channels.ssb`.
"""

from __future__ import annotations

import numpy as np

from opennr._validation import (
    as_bits,
    as_llrs,
    check_choice,
    check_int,
    check_last_axis,
)
from opennr.modulation.demapping import demodulate_soft
from opennr.modulation.mapping import modulate
from opennr.sequences.gold import gold_sequence

__all__ = [
    "PBCH_NUM_BITS",
    "PBCH_NUM_SYMBOLS",
    "pbch_llrs",
    "pbch_scrambling_sequence",
    "pbch_symbols",
    "pbch_v",
]

#: ``M_bit``: PBCH bits per SS/PBCH block (TS 38.211 §7.3.3.1, TS 38.212 §7.1.5 ``E = 864``).
PBCH_NUM_BITS: int = 864
#: ``M_symb``: PBCH QPSK symbols per SS/PBCH block (TS 38.211 §7.3.3.2).
PBCH_NUM_SYMBOLS: int = 432

_C_SCR = "TS 38.211 §7.3.3.1"
_C_MOD = "TS 38.211 §7.3.3.2"


def pbch_v(ssb_index: int, l_max: int) -> int:
    """TS 38.211 §7.3.3.1: the scrambling phase ``v`` of an SS/PBCH block.

    Parameters
    ----------
    ssb_index : int
        Candidate SS/PBCH block index ``0 .. L_max - 1``.
    l_max : {4, 8, 64}
        Maximum number of candidate SS/PBCH blocks in a half frame (TS 38.213 §4.1).

    Returns
    -------
    int
        ``ssb_index mod 4`` for ``L_max = 4``, else ``ssb_index mod 8``.

    Examples
    --------
    >>> pbch_v(3, 4), pbch_v(13, 64)
    (3, 5)
    """
    l_max = check_choice(l_max, "l_max", (4, 8, 64), clause=f"{_C_SCR}, TS 38.213 §4.1")
    ssb_index = check_int(ssb_index, "ssb_index", low=0, high=l_max - 1, clause=_C_SCR)
    return ssb_index % (4 if l_max == 4 else 8)


def _check_cell_v(n_cell_id, v) -> tuple[int, int]:
    n_cell_id = check_int(n_cell_id, "n_cell_id", low=0, high=1007, clause=_C_SCR)
    v = check_int(v, "v", low=0, high=7, clause=_C_SCR)
    return n_cell_id, v


def pbch_scrambling_sequence(n_cell_id: int, v: int) -> np.ndarray:
    """TS 38.211 §7.3.3.1: the PBCH scrambling sequence ``c(v M_bit) ... c(v M_bit + 863)``.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell`` (``c_init``), 0..1007.
    v : int
        Scrambling phase, 0..7 (:func:`pbch_v`).

    Returns
    -------
    numpy.ndarray of uint8, shape [864]
        The sequence (MATLAB's ``nrPBCHPRBS(ncellid, v, 864)``).

    Examples
    --------
    >>> from opennr.sequences.gold import gold_sequence
    >>> bool((pbch_scrambling_sequence(17, 2) == gold_sequence(17, 3 * 864)[1728:]).all())
    True
    """
    n_cell_id, v = _check_cell_v(n_cell_id, v)
    return gold_sequence(n_cell_id, PBCH_NUM_BITS, offset=v * PBCH_NUM_BITS)


def pbch_symbols(bits, *, n_cell_id: int, v: int) -> np.ndarray:
    """TS 38.211 §7.3.3: scramble and QPSK-modulate PBCH bits, ``[..., 864] -> [..., 432]``.

    Parameters
    ----------
    bits : array_like of 0/1, shape [..., 864]
        The BCH codeword (:func:`opennr.coding.bch.bch_encode`).
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    v : int
        Scrambling phase 0..7: the 2 (``L_max = 4``) or 3 (``L_max`` = 8, 64) LSBs of the
        SS/PBCH block index (:func:`pbch_v`).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., 432]
        PBCH symbols in mapping order.

    Examples
    --------
    >>> import numpy as np
    >>> sym = pbch_symbols(np.zeros(864, np.uint8), n_cell_id=17, v=0)
    >>> sym.shape, sym.dtype
    ((432,), dtype('complex64'))
    """
    b = as_bits(bits, "bits", _C_SCR)
    check_last_axis(b, "bits", PBCH_NUM_BITS, _C_SCR)
    c = pbch_scrambling_sequence(n_cell_id, v)
    return modulate(b ^ c, "QPSK")


def pbch_llrs(symbols, *, n_cell_id: int, v: int, noise_variance=1.0) -> np.ndarray:
    """TS 38.211 §7.3.3 (inverse): QPSK soft demapping and descrambling, ``[..., 432] -> [..., 864]``.

    Parameters
    ----------
    symbols : array_like of complex, shape [..., 432]
        Equalised PBCH symbols in mapping order.
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    v : int
        Scrambling phase 0..7 (:func:`pbch_v`).
    noise_variance : float or array_like, optional
        Complex noise variance ``N0`` per symbol (> 0; scalar or broadcastable to
        ``symbols``), default 1.

    Returns
    -------
    numpy.ndarray of float32, shape [..., 864]
        LLRs ``ln P(0)/P(1)`` of the BCH codeword bits, ready for
        :func:`opennr.coding.bch.bch_decode`.

    Examples
    --------
    >>> import numpy as np
    >>> bits = np.random.default_rng(0).integers(0, 2, 864).astype(np.uint8)
    >>> llr = pbch_llrs(pbch_symbols(bits, n_cell_id=5, v=3), n_cell_id=5, v=3,
    ...                 noise_variance=0.1)
    >>> bool(((llr < 0) == bits).all())
    True
    """
    y = np.asarray(symbols)
    if not (np.issubdtype(y.dtype, np.complexfloating) or np.issubdtype(y.dtype, np.floating)):
        raise TypeError(f"symbols must be a complex array, got dtype {y.dtype} ({_C_MOD})")
    check_last_axis(y, "symbols", PBCH_NUM_SYMBOLS, _C_MOD)
    c = pbch_scrambling_sequence(n_cell_id, v)
    llr = demodulate_soft(y, "QPSK", noise_variance)
    llr = as_llrs(llr, "llr", _C_SCR)
    return (llr * (1.0 - 2.0 * c).astype(np.float32)).astype(np.float32)
