"""MATLAB 5G Toolbox compatible polar, BCH and DCI functions (TS 38.212 §5.3.1, §5.4.1, §7.1, §7.3).

Same names, argument order and defaults as MathWorks' functions, over the native API
(:mod:`opennr.coding.polar`, :mod:`opennr.coding.bch`, :mod:`opennr.coding.dci`):

* inputs and outputs are MATLAB column vectors (1-D arrays; an ``(n, 1)`` matrix is accepted);
* bit outputs keep MATLAB's class rule: ``float64`` for a floating-point input, ``int8``
  otherwise; decoded bits are ``int8``; soft values ``float64``;
* CRC results are ``uint32`` (0 = passed), as in MATLAB;
* ``nrRateRecoverPolar`` behaves as MATLAB's: for ``E >= N`` it keeps the first ``N`` soft values
  (repetitions are dropped, not combined), punctured positions get 0 and shortened positions
  ``1e20`` (a known 0 bit). The native :func:`opennr.coding.polar.rate_matching.polar_rate_recover`
  combines repetitions instead.

Outputs that MATLAB returns only when asked for (``nargout``) follow the syntax used:
``nrBCHDecode(softbits, L)`` returns ``(scrblk, errFlag)`` and
``nrBCHDecode(softbits, L, lssb, ncellid)`` the six outputs.
"""

from __future__ import annotations

import numpy as np

from opennr._validation import as_llrs
from opennr.coding.bch import BCH_E, bch_decode, bch_encode
from opennr.coding.crc import crc_check
from opennr.coding.dci import DCI_CRC_LENGTH, dci_decode, dci_encode
from opennr.coding.polar.construction import polar_construct
from opennr.coding.polar.decoder import polar_decode
from opennr.coding.polar.encoder import polar_encode
from opennr.coding.polar.interleavers import (
    channel_interleaver_pattern,
    subblock_interleaver_pattern,
)
from opennr.matlab.coding import _bit_dtype, _bit_values, _int_arg

__all__ = [
    "nrBCH",
    "nrBCHDecode",
    "nrDCIDecode",
    "nrDCIEncode",
    "nrPolarDecode",
    "nrPolarEncode",
    "nrRateMatchPolar",
    "nrRateRecoverPolar",
]

_CRC_POLY = {24: "24C", 11: "11", 6: "6"}
#: Soft value MATLAB's ``nrRateRecoverPolar`` puts on shortened (known 0) positions.
SHORTENED_SOFT_VALUE: float = 1e20


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _column(x, name: str, clause: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a column vector (1-D array or (n, 1) matrix), got shape "
                         f"{arr.shape} ({clause})")
    return arr


def _bits_in(x, name: str, clause: str) -> tuple[np.ndarray, np.dtype]:
    arr = _column(x, name, clause)
    return _bit_values(arr, name, clause, fillers=False).astype(np.uint8), _bit_dtype(arr)


def _soft_in(x, name: str, clause: str) -> np.ndarray:
    arr = _column(x, name, clause)
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real soft values, got dtype {arr.dtype} ({clause})")
    return as_llrs(arr, name, clause, dtype=np.float64)


def _logical_arg(value, name: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer | float | np.floating) and value in (0, 1):
        return bool(value)
    raise TypeError(f"{name} must be a logical scalar (true/false), got {value!r}")


def _nmax_arg(nmax) -> int:
    v = _int_arg(nmax, "nmax", clause="TS 38.212 §5.3.1")
    if v not in (9, 10):
        raise ValueError(f"nmax must be 9 (downlink) or 10 (uplink) (TS 38.212 §5.3.1); got {v}")
    return v


def _pc_params(k: int, e: int, nmax: int) -> tuple[int, int]:
    """TS 38.212 §6.3.1.3.1: three PC bits for uplink 18 <= K <= 25, one of them min-weight."""
    if nmax == 10 and 18 <= k <= 25:
        return 3, int(e - k + 3 > 192)
    return 0, 0


def _code(k: int, e: int, nmax: int):
    n_pc, n_pc_wm = _pc_params(k, e, nmax)
    return polar_construct(k, e, n_max=nmax, n_pc=n_pc, n_pc_wm=n_pc_wm)


def _rate_match_map(n: int, k: int, e: int, ibil: bool) -> np.ndarray:
    """``out = enc[map]``: §5.4.1.1 sub-block interleaving, §5.4.1.2 selection, §5.4.1.3."""
    j = np.asarray(subblock_interleaver_pattern(n))
    if e >= n:
        sel = np.arange(e) % n  # repetition
    elif 16 * k <= 7 * e:
        sel = np.arange(n - e, n)  # puncturing
    else:
        sel = np.arange(e)  # shortening
    idx = j[sel]
    if ibil:
        idx = idx[np.asarray(channel_interleaver_pattern(e))]
    return idx


def _power_of_two(n: int, name: str, clause: str) -> int:
    if n < 32 or n > 1024 or n & (n - 1):
        raise ValueError(f"{name} must be a power of two in [32, 1024] ({clause}); got {n}")
    return n


# --------------------------------------------------------------------------------------------
# polar code, rate matching
# --------------------------------------------------------------------------------------------
def nrPolarEncode(in_, E, nmax=9, iil=True):
    """TS 38.212 §5.3.1: polar encoding, MATLAB ``nrPolarEncode``.

    MATLAB syntax: ``enc = nrPolarEncode(in,E)``, ``enc = nrPolarEncode(in,E,nmax,iil)``.

    Parameters
    ----------
    in_ : array_like, shape (K,)
        Bits to encode, CRC included.
    E : int
        Rate-matched output length (it selects ``N`` and the frozen set).
    nmax : {9, 10}, default 9
        ``log2`` of the largest mother code: 9 downlink, 10 uplink.
    iil : bool, default True
        Input bit interleaving (§5.3.1.1): True downlink, False uplink.

    Returns
    -------
    numpy.ndarray, shape (N,)
        The polar codeword ``d = u G_N``; ``int8`` (``float64`` for a floating-point input).

    Notes
    -----
    For ``nmax = 10`` and ``18 <= K <= 25`` the three parity-check bits of TS 38.212 §6.3.1.3.1
    are inserted (one at the minimum-weight row when ``E - K + 3 > 192``), as MATLAB does.
    Native: :func:`opennr.coding.polar.construction.polar_construct`,
    :func:`opennr.coding.polar.encoder.polar_encode`.

    Examples
    --------
    >>> import numpy as np
    >>> enc = nrPolarEncode(np.ones(56, dtype=np.int8), 864)
    >>> enc.shape, enc.dtype
    ((512,), dtype('int8'))
    """
    clause = "TS 38.212 §5.3.1"
    bits, dtype = _bits_in(in_, "in", clause)
    e = _int_arg(E, "E", low=1, high=8192, clause="TS 38.212 §5.4.1")
    nmax = _nmax_arg(nmax)
    iil = _logical_arg(iil, "iil")
    code = _code(bits.size, e, nmax)
    return polar_encode(bits, code, input_interleaving=iil).astype(dtype)


def nrPolarDecode(rec, K, E, L, *args):
    """TS 38.212 §5.3.1: CRC-aided SCL polar decoding, MATLAB ``nrPolarDecode``.

    MATLAB syntax: ``decbits = nrPolarDecode(rec,K,E,L)``,
    ``nrPolarDecode(rec,K,E,L,padCRC)``, ``nrPolarDecode(rec,K,E,L,padCRC,rnti)``,
    ``nrPolarDecode(rec,K,E,L,nmax,iil,CRClen)``.

    Parameters
    ----------
    rec : array_like of float, shape (N,)
        Rate-recovered soft values (LLR = ln P(0)/P(1)), ``N`` the mother code length.
    K : int
        Decoded length, CRC included.
    E : int
        Rate-matched length (it selects the frozen set).
    L : int
        List length, a power of two.
    *args
        ``padCRC`` (the CRC was computed over 24 leading ones, DCI §7.3.2), optionally followed by
        ``rnti`` (the CRC's last 16 bits were masked); or ``nmax, iil, CRClen``. Defaults: 9, true,
        24, no padding, RNTI 0.

    Returns
    -------
    numpy.ndarray of int8, shape (K,)
        The decoded bits, CRC included, input de-interleaved when ``iil``.

    Notes
    -----
    The CRC (``CRClen`` 24: CRC24C, 11: CRC11, 6: CRC6) selects the list path; when no path
    passes, the most likely one is returned. Native:
    :func:`opennr.coding.polar.decoder.polar_decode`.

    Examples
    --------
    >>> import numpy as np
    >>> from opennr.matlab import nrCRCEncode
    >>> msg = nrCRCEncode(np.random.default_rng(3).integers(0, 2, 40, dtype=np.int8), '24C')
    >>> rec = 1.0 - 2.0 * nrPolarEncode(msg, 128)
    >>> bool((nrPolarDecode(rec, 64, 128, 8) == msg).all())
    True
    """
    clause = "TS 38.212 §5.3.1"
    nmax, iil, crclen, pad, rnti = 9, True, 24, False, 0
    if len(args) == 1:
        pad = _logical_arg(args[0], "padCRC")
    elif len(args) == 2:
        pad = _logical_arg(args[0], "padCRC")
        rnti = _int_arg(args[1], "rnti", low=0, high=65535, clause="TS 38.212 §7.3.2")
    elif len(args) == 3:
        nmax = _nmax_arg(args[0])
        iil = _logical_arg(args[1], "iil")
        crclen = _int_arg(args[2], "CRClen", clause="TS 38.212 §5.1")
        if crclen not in _CRC_POLY:
            raise ValueError(f"CRClen must be 24, 11 or 6 (TS 38.212 §5.1); got {crclen}")
    elif args:
        raise TypeError("nrPolarDecode takes (rec,K,E,L), (rec,K,E,L,padCRC), "
                        "(rec,K,E,L,padCRC,rnti) or (rec,K,E,L,nmax,iil,CRClen); got "
                        f"{4 + len(args)} arguments")
    llr = _soft_in(rec, "rec", clause)
    k = _int_arg(K, "K", low=1, clause=clause)
    e = _int_arg(E, "E", low=1, high=8192, clause="TS 38.212 §5.4.1")
    list_size = _int_arg(L, "L", low=1, clause=clause)
    if list_size & (list_size - 1):
        raise ValueError(f"L must be a power of two ({clause}); got {list_size}")
    code = _code(k, e, nmax)
    if llr.size != code.n:
        raise ValueError(f"rec must have N = {code.n} soft values for K = {k}, E = {e}, nmax = "
                         f"{nmax} ({clause}); got {llr.size}")
    poly = _CRC_POLY[crclen]
    ones = np.ones(24 if pad else 0, dtype=np.uint8)

    def check(cand: np.ndarray) -> np.ndarray:
        cand = np.asarray(cand, dtype=np.uint8)
        full = np.concatenate([np.broadcast_to(ones, (*cand.shape[:-1], ones.size)), cand], -1)
        return np.asarray(crc_check(full, poly, mask=rnti), dtype=bool)

    dec = polar_decode(llr.astype(np.float32), code, list_size=list_size, crc_check=check,
                       input_interleaving=iil)
    return np.asarray(dec.bits).reshape(k).astype(np.int8)


def nrRateMatchPolar(in_, K, E, ibil=False):
    """TS 38.212 §5.4.1: polar rate matching, MATLAB ``nrRateMatchPolar``.

    MATLAB syntax: ``out = nrRateMatchPolar(in,K,E)``, ``out = nrRateMatchPolar(in,K,E,ibil)``.

    Parameters
    ----------
    in_ : array_like, shape (N,)
        Polar codeword, ``N`` a power of two (32..1024).
    K : int
        Information length, CRC included (selects puncturing, ``K/E <= 7/16``, or shortening).
    E : int
        Output length, 1..8192.
    ibil : bool, default False
        Coded-bit interleaving (§5.4.1.3): False downlink, True uplink.

    Returns
    -------
    numpy.ndarray, shape (E,)
        ``int8`` (``float64`` for a floating-point input).

    Examples
    --------
    >>> import numpy as np
    >>> nrRateMatchPolar(np.zeros(512, dtype=np.int8), 56, 864).shape
    (864,)
    """
    clause = "TS 38.212 §5.4.1"
    bits, dtype = _bits_in(in_, "in", clause)
    n = _power_of_two(bits.size, "length of in (N)", "TS 38.212 §5.3.1")
    k = _int_arg(K, "K", low=0, clause=clause)
    e = _int_arg(E, "E", low=1, high=8192, clause=clause)
    ibil = _logical_arg(ibil, "ibil")
    return bits[_rate_match_map(n, k, e, ibil)].astype(dtype)


def nrRateRecoverPolar(in_, K, N, ibil=False):
    """TS 38.212 §5.4.1: polar rate recovery, MATLAB ``nrRateRecoverPolar``.

    MATLAB syntax: ``out = nrRateRecoverPolar(in,K,N)``, ``out = nrRateRecoverPolar(in,K,N,ibil)``.

    Parameters
    ----------
    in_ : array_like of float, shape (E,)
        Soft values (LLR = ln P(0)/P(1)), ``E <= 8192``.
    K : int
        Information length, CRC included.
    N : int
        Mother code length, a power of two (32..1024).
    ibil : bool, default False
        Coded-bit de-interleaving.

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
        Soft values in codeword order: punctured positions 0, shortened positions ``1e20``; for
        ``E >= N`` the first ``N`` values (repetitions dropped, as MATLAB).

    Examples
    --------
    >>> import numpy as np
    >>> enc = np.random.default_rng(0).integers(0, 2, 512)
    >>> rec = nrRateRecoverPolar(1.0 - 2.0 * nrRateMatchPolar(enc, 56, 864), 56, 512)
    >>> bool(((rec < 0) == enc).all())
    True
    """
    clause = "TS 38.212 §5.4.1"
    llr = _soft_in(in_, "in", clause)
    k = _int_arg(K, "K", low=0, clause=clause)
    n = _power_of_two(_int_arg(N, "N", clause=clause), "N", "TS 38.212 §5.3.1")
    e = llr.size
    if not 1 <= e <= 8192:
        raise ValueError(f"in must have 1..8192 soft values ({clause}); got {e}")
    ibil = _logical_arg(ibil, "ibil")
    idx = _rate_match_map(n, k, e, False)
    if ibil:  # undo §5.4.1.3 first: f_i = e_pattern(i)
        e_dom = np.empty(e, dtype=np.float64)
        e_dom[_channel_pattern(e)] = llr
    else:
        e_dom = llr
    if e >= n:
        out = np.empty(n, dtype=np.float64)
        out[idx[:n]] = e_dom[:n]
        return out
    fill = 0.0 if 16 * k <= 7 * e else SHORTENED_SOFT_VALUE
    out = np.full(n, fill, dtype=np.float64)
    out[idx] = e_dom
    return out


def _channel_pattern(e: int) -> np.ndarray:
    return np.asarray(channel_interleaver_pattern(e))


# --------------------------------------------------------------------------------------------
# BCH
# --------------------------------------------------------------------------------------------
def _lssb_arg(lssb) -> int:
    v = _int_arg(lssb, "lssb", clause="TS 38.212 §7.1.1")
    if v not in (4, 8, 64):
        raise ValueError(f"lssb must be 4, 8 or 64 (L_max, TS 38.213 §4.1); got {v}")
    return v


def nrBCH(trblk, sfn, hrf, lssb, idxoffset, ncellid):
    """TS 38.212 §7.1: BCH encoding, MATLAB ``nrBCH``.

    MATLAB syntax: ``cdblk = nrBCH(trblk,sfn,hrf,lssb,idxoffset,ncellid)``.

    Parameters
    ----------
    trblk : array_like, shape (24,)
        BCH transport block (BCCH-BCH-Message).
    sfn : int
        System frame number, 0..1023.
    hrf : int
        Half-frame bit, 0 or 1.
    lssb : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame.
    idxoffset : int
        Subcarrier offset ``k_SSB`` (0..23) for ``lssb`` 4 or 8; SS/PBCH block index (0..63)
        for ``lssb = 64``.
    ncellid : int
        Physical cell identity, 0..1007.

    Returns
    -------
    numpy.ndarray, shape (864,)
        The coded BCH block (before PBCH scrambling); ``int8`` (``float64`` for a
        floating-point ``trblk``).

    Notes
    -----
    Native: :func:`opennr.coding.bch.bch_encode`.

    Examples
    --------
    >>> import numpy as np
    >>> nrBCH(np.zeros(24, dtype=np.int8), 10, 1, 8, 18, 321).shape
    (864,)
    """
    clause = "TS 38.212 §7.1"
    bits, dtype = _bits_in(trblk, "trblk", clause)
    if bits.size != 24:
        raise ValueError(f"trblk must have 24 bits (BCCH-BCH-Message, {clause}); got {bits.size}")
    lssb = _lssb_arg(lssb)
    offset = _int_arg(idxoffset, "idxoffset", low=0, high=63 if lssb == 64 else 23,
                      clause="TS 38.212 §7.1.1")
    kwargs = {"ssb_index": offset} if lssb == 64 else {"k_ssb": offset}
    out = bch_encode(bits, sfn=_int_arg(sfn, "sfn", low=0, high=1023, clause=clause),
                     half_frame=_int_arg(hrf, "hrf", low=0, high=1, clause=clause), l_max=lssb,
                     n_cell_id=_int_arg(ncellid, "ncellid", low=0, high=1007, clause=clause),
                     **kwargs)
    return out.astype(dtype)


def nrBCHDecode(softbits, L, lssb=None, ncellid=None):
    """TS 38.212 §7.1: BCH decoding, MATLAB ``nrBCHDecode``.

    MATLAB syntax: ``[scrblk,errFlag] = nrBCHDecode(softbits,L)``,
    ``[scrblk,errFlag,trblk,lsbofsfn,hrf,msbidxoffset] = nrBCHDecode(softbits,L,lssb,ncellid)``.

    Parameters
    ----------
    softbits : array_like of float, shape (864,)
        PBCH soft bits after PBCH descrambling (LLR = ln P(0)/P(1)).
    L : int
        SCL list length, a power of two.
    lssb : {4, 8, 64}, optional
        Number of candidate SS/PBCH blocks in a half frame (needed for the last four outputs).
    ncellid : int, optional
        Physical cell identity, 0..1007 (needed for the last four outputs).

    Returns
    -------
    scrblk : numpy.ndarray of int8, shape (32,)
        The decoded PBCH payload before BCH descrambling.
    errFlag : numpy.uint32
        0 when the CRC24C passes, 1 otherwise.
    trblk : numpy.ndarray of int8, shape (24,)
        The descrambled BCH transport block (only with ``lssb`` and ``ncellid``).
    lsbofsfn : numpy.ndarray of int8, shape (4,)
        The 4 LSBs of the SFN, MSB first.
    hrf : int
        The half-frame bit.
    msbidxoffset : int or numpy.ndarray of int8, shape (3,)
        ``lssb`` 4 or 8: the MSB of ``k_SSB`` (0 or 1); ``lssb = 64``: the 6th, 5th and 4th
        bits of the SS/PBCH block index.

    Notes
    -----
    Native: :func:`opennr.coding.bch.bch_decode` (which combines the repeated soft bits).

    Examples
    --------
    >>> import numpy as np
    >>> cd = nrBCH(np.zeros(24, dtype=np.int8), 10, 1, 8, 18, 321)
    >>> out = nrBCHDecode(1.0 - 2.0 * cd, 8, 8, 321)
    >>> int(out[1]), out[3].tolist(), out[4], out[5]
    (0, [1, 0, 1, 0], 1, 1)
    """
    clause = "TS 38.212 §7.1"
    llr = _soft_in(softbits, "softbits", clause)
    if llr.size != BCH_E:
        raise ValueError(f"softbits must have E = 864 soft values (TS 38.212 §7.1.5); got "
                         f"{llr.size}")
    list_size = _int_arg(L, "L", low=1, clause=clause)
    if list_size & (list_size - 1):
        raise ValueError(f"L must be a power of two ({clause}); got {list_size}")
    full = lssb is not None or ncellid is not None
    if full and (lssb is None or ncellid is None):
        raise TypeError("nrBCHDecode takes (softbits,L) or (softbits,L,lssb,ncellid)")
    lssb_v = _lssb_arg(lssb) if full else 8
    cell = _int_arg(ncellid, "ncellid", low=0, high=1007, clause=clause) if full else 0
    res = bch_decode(llr, l_max=lssb_v, n_cell_id=cell, list_size=list_size)
    scrblk = res.scrambled_payload.astype(np.int8)
    err = np.uint32(0 if bool(res.crc_ok) else 1)
    if not full:
        return scrblk, err
    sfn = int(res.sfn)
    lsbofsfn = np.array([(sfn >> s) & 1 for s in (3, 2, 1, 0)], dtype=np.int8)
    if lssb_v == 64:
        v = int(res.ssb_index_msbs)
        msb = np.array([(v >> s) & 1 for s in (2, 1, 0)], dtype=np.int8)
    else:
        msb = int(res.k_ssb_msb)
    return scrblk, err, res.trblk.astype(np.int8), lsbofsfn, int(res.half_frame), msb


# --------------------------------------------------------------------------------------------
# DCI
# --------------------------------------------------------------------------------------------
def nrDCIEncode(dcibits, rnti, E):
    """TS 38.212 §7.3: DCI encoding, MATLAB ``nrDCIEncode``.

    MATLAB syntax: ``dcicw = nrDCIEncode(dcibits,rnti,E)`` (the optional second output ``mcrc``
    of recent releases is not returned).

    Parameters
    ----------
    dcibits : array_like, shape (A,)
        DCI payload, ``12 <= A <= 140`` (pad shorter formats with zeros, §7.3.1).
    rnti : int
        RNTI masking the CRC, 0..65535.
    E : int
        Rate-matched length, ``A + 24 <= E <= 8192``.

    Returns
    -------
    numpy.ndarray, shape (E,)
        ``int8`` (``float64`` for a floating-point input).

    Notes
    -----
    Native: :func:`opennr.coding.dci.dci_encode`.

    Examples
    --------
    >>> import numpy as np
    >>> nrDCIEncode(np.ones(32, dtype=np.int8), 100, 240).shape
    (240,)
    """
    clause = "TS 38.212 §7.3"
    bits, dtype = _bits_in(dcibits, "dcibits", clause)
    r = _int_arg(rnti, "rnti", low=0, high=65535, clause="TS 38.212 §7.3.2")
    e = _int_arg(E, "E", low=1, high=8192, clause="TS 38.212 §7.3.4")
    return dci_encode(bits, e, rnti=r).astype(dtype)


def nrDCIDecode(softbits, K, L, rnti=0):
    """TS 38.212 §7.3: DCI decoding, MATLAB ``nrDCIDecode``.

    MATLAB syntax: ``[dcibits,mask] = nrDCIDecode(softbits,K,L)``,
    ``[dcibits,mask] = nrDCIDecode(softbits,K,L,rnti)``.

    Parameters
    ----------
    softbits : array_like of float, shape (E,)
        Soft bits after PDCCH descrambling (LLR = ln P(0)/P(1)).
    K : int
        DCI payload length ``A``, 12..140.
    L : int
        SCL list length, a power of two.
    rnti : int, default 0
        Candidate RNTI (its mask is removed before the CRC check and list selection).

    Returns
    -------
    dcibits : numpy.ndarray of int8, shape (K,)
    mask : numpy.uint32
        CRC syndrome XOR ``rnti``: 0 when the CRC passes with ``rnti``; without ``rnti``, the RNTI
        that masked an error-free CRC.

    Notes
    -----
    Native: :func:`opennr.coding.dci.dci_decode`.

    Examples
    --------
    >>> import numpy as np
    >>> bits = np.random.default_rng(2).integers(0, 2, 32)
    >>> cw = nrDCIEncode(bits, 100, 240)
    >>> dec, mask = nrDCIDecode(1.0 - 2.0 * cw, 32, 8, 100)
    >>> bool((dec == bits).all()), int(mask)
    (True, 0)
    >>> int(nrDCIDecode(1.0 - 2.0 * cw, 32, 8)[1])
    100
    """
    clause = "TS 38.212 §7.3"
    llr = _soft_in(softbits, "softbits", clause)
    a = _int_arg(K, "K", low=0, clause=clause)
    list_size = _int_arg(L, "L", low=1, clause=clause)
    if list_size & (list_size - 1):
        raise ValueError(f"L must be a power of two ({clause}); got {list_size}")
    r = _int_arg(rnti, "rnti", low=0, high=65535, clause="TS 38.212 §7.3.2")
    res = dci_decode(llr, a, rnti=r, list_size=list_size)
    return res.bits.astype(np.int8), np.uint32(int(res.crc_mask) & ((1 << DCI_CRC_LENGTH) - 1))
