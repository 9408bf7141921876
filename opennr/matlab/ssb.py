"""MATLAB 5G Toolbox compatible SS/PBCH block functions (TS 38.211 §7.3.3, §7.4.1.4, §7.4.2, §7.4.3).

Outputs follow MATLAB: column vectors as 1-D arrays; symbols ``double`` by default
(``OutputDataType='single'`` for float32 / complex64); indices ``uint32`` 1-based linear indices
into the ``240 x 4`` SS/PBCH block, ``k + 240 l + 1`` (``IndexBase='0based'`` for 0-based, or
``IndexStyle='subscript'`` for ``N x 3`` rows ``[k l p]`` with ``p`` the (single) antenna port).
"""

from __future__ import annotations

import numpy as np

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.matlab.polar import _bits_in
from opennr.physical_channels.pbch import pbch_llrs, pbch_symbols
from opennr.physical_channels.ssb import (
    pbch_dmrs_positions,
    pbch_positions,
    pss_positions,
    sss_positions,
)
from opennr.sequences.gold import gold_sequence
from opennr.signals.pbch_dmrs import pbch_dmrs
from opennr.signals.sync import pss, sss

__all__ = [
    "nrPBCH",
    "nrPBCHDMRS",
    "nrPBCHDMRSIndices",
    "nrPBCHDecode",
    "nrPBCHIndices",
    "nrPBCHPRBS",
    "nrPSS",
    "nrPSSIndices",
    "nrSSS",
    "nrSSSIndices",
]

_C_PSS = "TS 38.211 §7.4.2.2"
_C_SSS = "TS 38.211 §7.4.2.3"
_C_MAP = "TS 38.211 §7.4.3.1"
_C_PBCH = "TS 38.211 §7.3.3"
_C_DMRS = "TS 38.211 §7.4.1.4.1"


def _real_out(x: np.ndarray, datatype) -> np.ndarray:
    dt = _choice_arg(datatype, "OutputDataType", ("double", "single"))
    return x.astype(np.float64 if dt == "double" else np.float32)


def _complex_out(x: np.ndarray, datatype) -> np.ndarray:
    dt = _choice_arg(datatype, "OutputDataType", ("double", "single"))
    return x.astype(np.complex128 if dt == "double" else np.complex64)


def _indices(pos, index_style, index_base) -> np.ndarray:
    style = _choice_arg(index_style, "IndexStyle", ("index", "subscript"))
    base = 1 if _choice_arg(index_base, "IndexBase", ("1based", "0based")) == "1based" else 0
    k, l = (np.asarray(a, dtype=np.int64) for a in pos)
    if style == "subscript":
        return (np.stack([k, l, np.zeros_like(k)], axis=1) + base).astype(np.uint32)
    return (k + 240 * l + base).astype(np.uint32)


def _ncellid(ncellid, clause) -> int:
    return _int_arg(ncellid, "ncellid", low=0, high=1007, clause=clause)


def nrPSS(ncellid, *, OutputDataType="double"):
    """TS 38.211 §7.4.2.2: PSS symbols, MATLAB ``nrPSS``.

    MATLAB syntax: ``sym = nrPSS(ncellid)``, ``sym = nrPSS(ncellid,'OutputDataType','single')``.

    Parameters
    ----------
    ncellid : int
        Physical cell identity 0..1007 (the PSS depends on ``mod(ncellid, 3)``).
    OutputDataType : {'double', 'single'}, keyword-only

    Returns
    -------
    numpy.ndarray, shape [127]
        BPSK values +-1.

    Examples
    --------
    >>> nrPSS(17)[:6].tolist()
    [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]
    """
    return _real_out(pss(_ncellid(ncellid, _C_PSS) % 3), OutputDataType)


def nrSSS(ncellid, *, OutputDataType="double"):
    """TS 38.211 §7.4.2.3: SSS symbols, MATLAB ``nrSSS``.

    MATLAB syntax: ``sym = nrSSS(ncellid)``, ``sym = nrSSS(ncellid,'OutputDataType','single')``.

    Examples
    --------
    >>> nrSSS(17)[:6].tolist()
    [-1.0, 1.0, -1.0, -1.0, -1.0, 1.0]
    """
    return _real_out(sss(_ncellid(ncellid, _C_SSS)), OutputDataType)


def nrPSSIndices(*, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.3.1: PSS resource element indices in the SS/PBCH block, MATLAB ``nrPSSIndices``.

    MATLAB syntax: ``ind = nrPSSIndices``, ``ind = nrPSSIndices('IndexStyle','subscript')``.

    Returns
    -------
    numpy.ndarray of uint32
        127 linear indices (or ``127 x 3`` subscripts ``[k l p]``).

    Examples
    --------
    >>> nrPSSIndices()[[0, -1]].tolist()
    [57, 183]
    """
    return _indices(pss_positions(), IndexStyle, IndexBase)


def nrSSSIndices(*, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.3.1: SSS resource element indices in the SS/PBCH block, MATLAB ``nrSSSIndices``.

    MATLAB syntax: ``ind = nrSSSIndices``, ``ind = nrSSSIndices('IndexBase','0based')``.

    Examples
    --------
    >>> nrSSSIndices()[:3].tolist()
    [537, 538, 539]
    """
    return _indices(sss_positions(), IndexStyle, IndexBase)


def nrPBCHDMRS(ncellid, ibar_SSB, *, OutputDataType="double"):
    """TS 38.211 §7.4.1.4.1: PBCH DM-RS symbols, MATLAB ``nrPBCHDMRS``.

    MATLAB syntax: ``sym = nrPBCHDMRS(ncellid,ibar_SSB)``.

    Parameters
    ----------
    ncellid : int
        0..1007.
    ibar_SSB : int
        ``i_SSB + 4 n_hf`` (``L_max = 4``) or the 3 LSBs of the block index, 0..7.

    Returns
    -------
    numpy.ndarray of complex, shape [144]

    Examples
    --------
    >>> nrPBCHDMRS(17, 6).shape
    (144,)
    """
    n = _ncellid(ncellid, _C_DMRS)
    i = _int_arg(ibar_SSB, "ibar_SSB", low=0, high=7, clause=_C_DMRS)
    return _complex_out(pbch_dmrs(n, i), OutputDataType)


def nrPBCHDMRSIndices(ncellid, *, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.3.1: PBCH DM-RS indices in the SS/PBCH block, MATLAB ``nrPBCHDMRSIndices``.

    MATLAB syntax: ``ind = nrPBCHDMRSIndices(ncellid)``.

    Examples
    --------
    >>> nrPBCHDMRSIndices(17)[:4].tolist()
    [242, 246, 250, 254]
    """
    return _indices(pbch_dmrs_positions(_ncellid(ncellid, _C_MAP)), IndexStyle, IndexBase)


def nrPBCHIndices(ncellid, *, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.3.1: PBCH indices in the SS/PBCH block and capacity, MATLAB ``nrPBCHIndices``.

    MATLAB syntax: ``[ind,info] = nrPBCHIndices(ncellid)``.

    Returns
    -------
    ind : numpy.ndarray of uint32
        432 indices in mapping order.
    info : MatlabStruct
        ``G`` = 864 (bit capacity), ``Gd`` = 432 (symbol capacity).

    Examples
    --------
    >>> ind, info = nrPBCHIndices(17)
    >>> ind[:3].tolist(), info.G, info.Gd
    ([241, 243, 244], 864, 432)
    """
    ind = _indices(pbch_positions(_ncellid(ncellid, _C_MAP)), IndexStyle, IndexBase)
    return ind, MatlabStruct(G=864, Gd=432)


def nrPBCH(cw, ncellid, v, *, OutputDataType="double"):
    """TS 38.211 §7.3.3: PBCH scrambling and QPSK modulation, MATLAB ``nrPBCH``.

    MATLAB syntax: ``sym = nrPBCH(cw,ncellid,v)``.

    Parameters
    ----------
    cw : array_like of 0/1, shape [864]
        BCH codeword (``nrBCH``).
    ncellid : int
    v : int
        Scrambling phase 0..7 (``mod(ssbindex, 4)`` for ``L_max = 4``, else ``mod(ssbindex, 8)``).

    Returns
    -------
    numpy.ndarray of complex, shape [432]

    Examples
    --------
    >>> import numpy as np
    >>> nrPBCH(np.zeros(864), 17, 0).shape
    (432,)
    """
    bits, _ = _bits_in(cw, "cw", _C_PBCH)
    if bits.size != 864:
        raise ValueError(f"cw must have 864 elements (E, TS 38.212 §7.1.5), got {bits.size}")
    n = _ncellid(ncellid, _C_PBCH)
    v = _int_arg(v, "v", low=0, high=7, clause=_C_PBCH)
    return _complex_out(pbch_symbols(bits, n_cell_id=n, v=v), OutputDataType)


def nrPBCHDecode(sym, ncellid, v, nVar=1e-10):
    """TS 38.211 §7.3.3: PBCH demodulation and descrambling to soft bits, MATLAB ``nrPBCHDecode``.

    MATLAB syntax: ``cw = nrPBCHDecode(sym,ncellid,v)``, ``cw = nrPBCHDecode(sym,ncellid,v,nVar)``.

    Parameters
    ----------
    sym : array_like of complex, shape [432]
    ncellid : int
    v : int
        Scrambling phase 0..7.
    nVar : float, default 1e-10
        Noise variance scaling of the soft bits (MATLAB's default).

    Returns
    -------
    numpy.ndarray of float64, shape [864]
        Approximate LLRs (max-log), positive for 0 (``cw = rxcw < 0``), ready for ``nrBCHDecode``.

    Examples
    --------
    >>> import numpy as np
    >>> cw = np.random.default_rng(1).integers(0, 2, 864)
    >>> bool(((nrPBCHDecode(nrPBCH(cw, 17, 0), 17, 0) < 0) == cw).all())
    True
    """
    arr = np.asarray(sym)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size != 432:
        raise ValueError(f"sym must be a column of 432 PBCH symbols ({_C_PBCH}), got shape "
                         f"{np.asarray(sym).shape}")
    n = _ncellid(ncellid, _C_PBCH)
    v = _int_arg(v, "v", low=0, high=7, clause=_C_PBCH)
    if isinstance(nVar, bool) or not np.isscalar(nVar) or not float(nVar) > 0:
        raise ValueError(f"nVar must be a positive scalar, got {nVar!r}")
    llr = pbch_llrs(arr.astype(np.complex128), n_cell_id=n, v=v, noise_variance=float(nVar))
    return llr.astype(np.float64)


def nrPBCHPRBS(ncellid, v, n, *, MappingType="binary", OutputDataType="double"):
    """TS 38.211 §7.3.3.1: the PBCH scrambling sequence, MATLAB ``nrPBCHPRBS``.

    MATLAB syntax: ``[seq,cinit] = nrPBCHPRBS(ncellid,v,n)``.

    Returns ``c(v n) ... c(v n + n - 1)`` of the Gold sequence with ``c_init = ncellid``
    (§7.3.3.1 with ``M_bit = n``; ``n = 864`` for an SS/PBCH block).

    Parameters
    ----------
    ncellid : int
    v : int
        Scrambling phase 0..7.
    n : int
        Number of elements.
    MappingType : {'binary', 'signed'}, keyword-only
        Logical output, or +1 / -1 for bit 0 / 1.
    OutputDataType : {'double', 'single'}, keyword-only
        Class of the ``'signed'`` output.

    Returns
    -------
    seq : numpy.ndarray, shape [n]
    cinit : int
        ``ncellid``.

    Examples
    --------
    >>> seq, cinit = nrPBCHPRBS(17, 2, 864)
    >>> seq.dtype, seq.shape, cinit
    (dtype('bool'), (864,), 17)
    """
    c = _ncellid(ncellid, _C_PBCH)
    v = _int_arg(v, "v", low=0, high=7, clause=_C_PBCH)
    n = _int_arg(n, "n", low=0, clause=_C_PBCH)
    mapping = _choice_arg(MappingType, "MappingType", ("binary", "signed"), _C_PBCH)
    bits = gold_sequence(c, n, offset=v * n)
    if mapping == "binary":
        return bits.astype(bool), c
    return _real_out(1.0 - 2.0 * bits, OutputDataType), c
