"""TS 38.211 V17 §7.4.1.4: the demodulation reference signal of the PBCH.

Sequence (§7.4.1.4.1): ``r(m) = (1 - 2 c(2m))/sqrt(2) + j (1 - 2 c(2m + 1))/sqrt(2)``,
``m = 0..143``, with the Gold sequence ``c`` of §5.2.1 initialised by

``c_init = 2^11 (i_SSB_bar + 1)(floor(N_ID^cell / 4) + 1) + 2^6 (i_SSB_bar + 1) + (N_ID^cell mod 4)``

where ``i_SSB_bar = i_SSB + 4 n_hf`` for ``L_max = 4`` (``i_SSB`` the two LSBs of the SS/PBCH
block index, ``n_hf`` the half-frame number) and ``i_SSB_bar = i_SSB`` (the three LSBs of the
block index) for ``L_max`` = 8 or 64. The resource elements are given by
:func:`opennr.physical_channels.ssb.pbch_dmrs_positions` (§7.4.3.1).
"""

from __future__ import annotations

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.sequences.gold import gold_sequence

__all__ = ["PBCH_DMRS_LENGTH", "i_ssb_bar", "pbch_dmrs", "pbch_dmrs_c_init"]

#: Number of PBCH DM-RS symbols in an SS/PBCH block (TS 38.211 §7.4.1.4.1, §7.4.3.1).
PBCH_DMRS_LENGTH: int = 144

_CLAUSE = "TS 38.211 §7.4.1.4.1"


def i_ssb_bar(ssb_index: int, half_frame: int, l_max: int) -> int:
    """TS 38.211 §7.4.1.4.1: the DM-RS time index ``i_SSB_bar`` of an SS/PBCH block.

    Parameters
    ----------
    ssb_index : int
        Candidate SS/PBCH block index ``0 .. L_max - 1`` (TS 38.213 §4.1).
    half_frame : int
        Half-frame number ``n_hf``, 0 or 1.
    l_max : {4, 8, 64}
        Maximum number of candidate SS/PBCH blocks in a half frame.

    Returns
    -------
    int
        ``ssb_index + 4 n_hf`` for ``L_max = 4``, else ``ssb_index mod 8``; 0..7.

    Examples
    --------
    >>> i_ssb_bar(2, 1, 4), i_ssb_bar(13, 1, 64)
    (6, 5)
    """
    l_max = check_choice(l_max, "l_max", (4, 8, 64), clause=f"{_CLAUSE}, TS 38.213 §4.1")
    ssb_index = check_int(ssb_index, "ssb_index", low=0, high=l_max - 1, clause=_CLAUSE)
    half_frame = check_int(half_frame, "half_frame", low=0, high=1, clause=_CLAUSE)
    if l_max == 4:
        return ssb_index + 4 * half_frame
    return ssb_index % 8


def pbch_dmrs_c_init(n_cell_id: int, i_ssb_bar: int) -> int:
    """TS 38.211 §7.4.1.4.1: the Gold-sequence initialisation ``c_init`` of the PBCH DM-RS.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    i_ssb_bar : int
        ``i_SSB_bar``, 0..7 (see :func:`i_ssb_bar`).

    Returns
    -------
    int
        ``2^11 (i_SSB_bar + 1)(floor(N_ID/4) + 1) + 2^6 (i_SSB_bar + 1) + (N_ID mod 4)``.

    Examples
    --------
    >>> pbch_dmrs_c_init(17, 6)
    72129
    """
    n_cell_id = check_int(n_cell_id, "n_cell_id", low=0, high=1007, clause=_CLAUSE)
    i_bar = check_int(i_ssb_bar, "i_ssb_bar", low=0, high=7, clause=_CLAUSE)
    return 2**11 * (i_bar + 1) * (n_cell_id // 4 + 1) + 2**6 * (i_bar + 1) + n_cell_id % 4


def pbch_dmrs(n_cell_id: int, i_ssb_bar: int) -> np.ndarray:
    """TS 38.211 §7.4.1.4.1: the 144 PBCH DM-RS symbols of an SS/PBCH block.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    i_ssb_bar : int
        ``i_SSB_bar``, 0..7: ``i_SSB + 4 n_hf`` for ``L_max = 4``, else the three LSBs of the
        SS/PBCH block index (:func:`i_ssb_bar`).

    Returns
    -------
    numpy.ndarray of complex64, shape [144]
        ``r(0) ... r(143)``, QPSK of unit energy, in mapping order (:func:`~opennr.
        physical_channels.ssb.pbch_dmrs_positions`).

    Examples
    --------
    >>> import numpy as np
    >>> r = pbch_dmrs(17, 6)
    >>> r.shape, r.dtype, bool(np.allclose(np.abs(r), 1.0))
    ((144,), dtype('complex64'), True)
    """
    c = gold_sequence(pbch_dmrs_c_init(n_cell_id, i_ssb_bar), 2 * PBCH_DMRS_LENGTH)
    s = (1.0 - 2.0 * c.astype(np.float64)) / np.sqrt(2.0)
    return (s[0::2] + 1j * s[1::2]).astype(np.complex64)
