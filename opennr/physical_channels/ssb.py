"""TS 38.211 V17 §7.4.3: the SS/PBCH block, 240 subcarriers by 4 OFDM symbols.

Resource elements (§7.4.3.1, Table 7.4.3.1-1), ``k`` = 0..239 counted from the block's first
subcarrier, ``l`` = 0..3 from its first symbol, ``v = N_ID^cell mod 4``:

=========================  ====  ======================================================
channel / signal           l     k
=========================  ====  ======================================================
PSS                        0     56 .. 182
SSS                        2     56 .. 182
set to 0                   0     0 .. 55, 183 .. 239
set to 0                   2     48 .. 55, 183 .. 191
PBCH                       1, 3  0 .. 239 (less the DM-RS)
PBCH                       2     0 .. 47, 192 .. 239 (less the DM-RS)
DM-RS for PBCH             1, 3  0 + v, 4 + v, ..., 236 + v
DM-RS for PBCH             2     0 + v, 4 + v, ..., 44 + v; 192 + v, 196 + v, ..., 236 + v
=========================  ====  ======================================================

The PBCH symbols and the DM-RS symbols are mapped in increasing order of first ``k``, then
``l`` (§7.4.3.1.3, §7.4.3.1.4); the position functions return ``(k, l)`` in that mapping order
(the same order as MATLAB's ``nrPBCHIndices`` etc., whose 1-based linear index is
``k + 240 l + 1``). :func:`ssb_block` assembles a block from a :class:`~opennr.coding.bch.Mib`:
BCH chain (TS 38.212 §7.1), PBCH (§7.3.3), PBCH DM-RS (§7.4.1.4), PSS and SSS (§7.4.2), with all
amplitude factors ``beta`` = 1.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.coding.bch import Mib, bch_encode
from opennr.physical_channels.pbch import pbch_symbols, pbch_v
from opennr.signals.pbch_dmrs import i_ssb_bar, pbch_dmrs
from opennr.signals.sync import pss, sss

__all__ = [
    "SSB_NUM_SUBCARRIERS",
    "SSB_NUM_SYMBOLS",
    "pbch_dmrs_positions",
    "pbch_positions",
    "pss_positions",
    "ssb_block",
    "ssb_linear_indices",
    "sss_positions",
]

#: Subcarriers of an SS/PBCH block (TS 38.211 §7.4.3.1).
SSB_NUM_SUBCARRIERS: int = 240
#: OFDM symbols of an SS/PBCH block (TS 38.211 §7.4.3.1).
SSB_NUM_SYMBOLS: int = 4

_CLAUSE = "TS 38.211 §7.4.3.1"


def _frozen(k: np.ndarray, l: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = np.ascontiguousarray(k, dtype=np.int64)
    l = np.ascontiguousarray(l, dtype=np.int64)
    k.setflags(write=False)
    l.setflags(write=False)
    return k, l


def _copy(pos: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pos[0].copy(), pos[1].copy()


@cache
def _sync_positions(symbol: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(56, 183)
    return _frozen(k, np.full(k.size, symbol))


def pss_positions() -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §7.4.3.1 Table 7.4.3.1-1: the 127 PSS resource elements of the block.

    Returns
    -------
    tuple of numpy.ndarray of int64, shapes ([127], [127])
        ``(k, l)``: subcarriers 56..182 of symbol 0, in mapping order (``d_PSS(n)`` goes to
        ``k[n]``).

    Examples
    --------
    >>> k, l = pss_positions()
    >>> int(k[0]), int(k[-1]), set(l.tolist())
    (56, 182, {0})
    """
    return _copy(_sync_positions(0))


def sss_positions() -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §7.4.3.1 Table 7.4.3.1-1: the 127 SSS resource elements of the block.

    Returns
    -------
    tuple of numpy.ndarray of int64, shapes ([127], [127])
        ``(k, l)``: subcarriers 56..182 of symbol 2, in mapping order.

    Examples
    --------
    >>> k, l = sss_positions()
    >>> int(k[0] + 240 * l[0] + 1)  # MATLAB nrSSSIndices: 537, 538, ...
    537
    """
    return _copy(_sync_positions(2))


def _check_cell(n_cell_id) -> int:
    return check_int(n_cell_id, "n_cell_id", low=0, high=1007, clause=_CLAUSE)


@cache
def _pbch_and_dmrs(v: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    pbch_k, pbch_l, dmrs_k, dmrs_l = [], [], [], []
    for l in (1, 2, 3):
        ks = range(240) if l != 2 else [*range(48), *range(192, 240)]
        for k in ks:
            if k % 4 == v:
                dmrs_k.append(k)
                dmrs_l.append(l)
            else:
                pbch_k.append(k)
                pbch_l.append(l)
    return _frozen(np.array(pbch_k), np.array(pbch_l)), _frozen(np.array(dmrs_k), np.array(dmrs_l))


def pbch_positions(n_cell_id: int) -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §7.4.3.1 Table 7.4.3.1-1: the 432 PBCH resource elements of the block.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007 (the DM-RS comb is ``v = N_ID mod 4``).

    Returns
    -------
    tuple of numpy.ndarray of int64, shapes ([432], [432])
        ``(k, l)`` in mapping order (``k`` first, then ``l``, §7.4.3.1.3): PBCH symbol ``i``
        goes to ``(k[i], l[i])``.

    Examples
    --------
    >>> k, l = pbch_positions(17)
    >>> k.size, (k[:4] + 240 * l[:4] + 1).tolist()
    (432, [241, 243, 244, 245])
    """
    return _copy(_pbch_and_dmrs(_check_cell(n_cell_id) % 4)[0])


def pbch_dmrs_positions(n_cell_id: int) -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §7.4.3.1 Table 7.4.3.1-1: the 144 PBCH DM-RS resource elements of the block.

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007 (``v = N_ID mod 4``).

    Returns
    -------
    tuple of numpy.ndarray of int64, shapes ([144], [144])
        ``(k, l)`` in mapping order (§7.4.3.1.4): DM-RS symbol ``r(m)`` goes to
        ``(k[m], l[m])``.

    Examples
    --------
    >>> k, l = pbch_dmrs_positions(17)
    >>> (k[:4] + 240 * l[:4] + 1).tolist()  # MATLAB nrPBCHDMRSIndices(17): 242, 246, ...
    [242, 246, 250, 254]
    """
    return _copy(_pbch_and_dmrs(_check_cell(n_cell_id) % 4)[1])


def ssb_linear_indices(positions: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """TS 38.211 §7.4.3.1: 0-based column-major linear indices ``k + 240 l`` of block positions.

    Parameters
    ----------
    positions : tuple of array_like of int
        ``(k, l)`` as returned by the position functions.

    Returns
    -------
    numpy.ndarray of int64
        ``k + 240 l`` (add 1 for MATLAB's 1-based indices).

    Examples
    --------
    >>> ssb_linear_indices(pss_positions())[:3].tolist()
    [56, 57, 58]
    """
    k, l = (np.asarray(a, dtype=np.int64) for a in positions)
    return k + SSB_NUM_SUBCARRIERS * l


def ssb_block(mib: Mib, *, n_cell_id: int, ssb_index: int, sfn: int, half_frame: int,
              l_max: int, k_ssb: int | None = None) -> np.ndarray:
    """TS 38.211 §7.4.3.1: one SS/PBCH block (PSS, SSS, PBCH, PBCH DM-RS), ``-> [240, 4]``.

    Chain: :func:`~opennr.coding.bch.bch_encode` (TS 38.212 §7.1, with the 4 SFN LSBs, the
    half-frame bit and the k_SSB MSB or SSB index MSBs), :func:`~opennr.physical_channels.pbch.
    pbch_symbols` (§7.3.3, ``v`` from the block index), :func:`~opennr.signals.pbch_dmrs.
    pbch_dmrs` (§7.4.1.4.1, ``i_SSB_bar`` from the block index and half frame), :func:`~opennr.
    signals.sync.pss` and :func:`~opennr.signals.sync.sss` (§7.4.2), mapped with ``beta`` = 1.

    Parameters
    ----------
    mib : Mib
        The master information block. Its ``system_frame_number`` must equal ``sfn >> 4`` and
        its ``ssb_subcarrier_offset`` the 4 LSBs of ``k_ssb`` (for ``L_max`` = 4, 8).
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    ssb_index : int
        Candidate SS/PBCH block index, ``0 .. L_max - 1`` (TS 38.213 §4.1).
    sfn : int
        System frame number 0..1023.
    half_frame : int
        Half-frame number ``n_hf`` (0 or 1).
    l_max : {4, 8, 64}
        Maximum number of candidate SS/PBCH blocks in a half frame.
    k_ssb : int, optional
        Subcarrier offset ``k_SSB`` (0..23 for ``L_max`` 4, 8; 0..15 for 64). Default: the
        MIB's ``ssb_subcarrier_offset`` (MSB 0).

    Returns
    -------
    numpy.ndarray of complex64, shape [240, 4]
        The block, subcarriers by symbols; REs of Table 7.4.3.1-1 "set to 0" are 0.

    Raises
    ------
    ValueError
        If a parameter is out of range or the MIB disagrees with ``sfn`` / ``k_ssb``.

    Examples
    --------
    >>> blk = ssb_block(Mib.from_sfn(10), n_cell_id=17, ssb_index=2, sfn=10, half_frame=1,
    ...                 l_max=4)
    >>> blk.shape, int((blk != 0).sum())  # 127 + 127 + 432 + 144
    ((240, 4), 830)
    """
    if not isinstance(mib, Mib):
        raise TypeError(f"mib must be an opennr.coding.bch.Mib, got {type(mib).__name__}")
    n_cell_id = _check_cell(n_cell_id)
    l_max = check_choice(l_max, "l_max", (4, 8, 64), clause=f"{_CLAUSE}, TS 38.213 §4.1")
    ssb_index = check_int(ssb_index, "ssb_index", low=0, high=l_max - 1,
                          clause="TS 38.213 §4.1")
    sfn = check_int(sfn, "sfn", low=0, high=1023, clause="TS 38.212 §7.1.1")
    half_frame = check_int(half_frame, "half_frame", low=0, high=1, clause="TS 38.212 §7.1.1")
    if k_ssb is None:
        k_ssb = mib.ssb_subcarrier_offset
    k_ssb = check_int(k_ssb, "k_ssb", low=0, high=15 if l_max == 64 else 23,
                      clause="TS 38.211 §7.4.3.1")
    if mib.system_frame_number != sfn >> 4:
        raise ValueError(f"mib.system_frame_number = {mib.system_frame_number} must equal the 6 "
                         f"MSBs of sfn = {sfn} ({sfn >> 4}) (TS 38.212 §7.1.1)")
    if mib.ssb_subcarrier_offset != (k_ssb & 15):
        raise ValueError(f"mib.ssb_subcarrier_offset = {mib.ssb_subcarrier_offset} must equal the "
                         f"4 LSBs of k_ssb = {k_ssb} ({k_ssb & 15}) (TS 38.331 §6.2.2)")
    cw = bch_encode(mib.to_bits(), sfn=sfn, half_frame=half_frame, l_max=l_max,
                    ssb_index=ssb_index, k_ssb=k_ssb, n_cell_id=n_cell_id)
    block = np.zeros((SSB_NUM_SUBCARRIERS, SSB_NUM_SYMBOLS), dtype=np.complex64)
    pbch_pos, dmrs_pos = _pbch_and_dmrs(n_cell_id % 4)
    block[_sync_positions(0)] = pss(n_cell_id % 3)
    block[_sync_positions(2)] = sss(n_cell_id)
    block[pbch_pos] = pbch_symbols(cw, n_cell_id=n_cell_id, v=pbch_v(ssb_index, l_max))
    block[dmrs_pos] = pbch_dmrs(n_cell_id, i_ssb_bar(ssb_index, half_frame, l_max))
    return block
