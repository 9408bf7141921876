"""MATLAB 5G Toolbox compatible DM-RS / PT-RS functions of the shared channels (TS 38.211 §6.4.1, §7.4.1).

Outputs follow MATLAB: symbols as an ``N x P`` matrix (a 1-D array of ``N`` for one port), without
``beta`` scaling; indices as ``N x P`` uint32 linear indices into the ``K x L x P`` grid,
``k + K l + K L p + 1`` (``IndexBase='1based'``, default) or 0-based, or ``IndexStyle='subscript'``:
``(N P) x 3`` rows ``[k l p]``.
"""

from __future__ import annotations

import numpy as np

from opennr.matlab.coding import _choice_arg
from opennr.matlab.ofdm import nrCarrierConfig
from opennr.matlab.pxsch_config import nrPDSCHConfig, nrPUSCHConfig
from opennr.signals.dmrs import dmrs_indices, dmrs_symbols
from opennr.signals.ptrs import ptrs_indices, ptrs_symbols

__all__ = [
    "nrPDSCHDMRS",
    "nrPDSCHDMRSIndices",
    "nrPDSCHPTRS",
    "nrPDSCHPTRSIndices",
    "nrPUSCHDMRS",
    "nrPUSCHDMRSIndices",
]


def _native(carrier, cfg, cls):
    if not isinstance(carrier, nrCarrierConfig):
        raise TypeError(f"carrier must be an nrCarrierConfig, got {type(carrier).__name__}")
    if not isinstance(cfg, cls) or (cls is nrPDSCHConfig and isinstance(cfg, nrPUSCHConfig)):
        raise TypeError(f"the channel configuration must be an {cls.__name__}, got {type(cfg).__name__}")
    return carrier.to_native(), cfg.to_native()


def _sym_out(x: np.ndarray, out_dtype) -> np.ndarray:
    dt = {"double": np.complex128, "single": np.complex64}[_choice_arg(out_dtype, "OutputDataType",
                                                                       ("double", "single"))]
    x = x.T.astype(dt)
    return x[:, 0] if x.shape[1] == 1 else x


def _ind_out(k, l, carrier, index_style, index_base):
    style = _choice_arg(index_style, "IndexStyle", ("index", "subscript"))
    base = 1 if _choice_arg(index_base, "IndexBase", ("1based", "0based")) == "1based" else 0
    kk, ll = carrier.num_subcarriers, carrier.symbols_per_slot
    p = np.broadcast_to(np.arange(k.shape[0])[:, None], k.shape)
    if style == "subscript":
        return (np.stack([k.ravel(), l.ravel(), p.ravel()], axis=1) + base).astype(np.uint32)
    ind = (k + kk * l + kk * ll * p + base).T.astype(np.uint32)
    return ind[:, 0] if ind.shape[1] == 1 else ind


def nrPDSCHDMRS(carrier, pdsch, *, OutputDataType="double"):
    """TS 38.211 §7.4.1.1: PDSCH DM-RS symbols, MATLAB ``nrPDSCHDMRS``.

    MATLAB syntax: ``sym = nrPDSCHDMRS(carrier,pdsch)``.

    Parameters
    ----------
    carrier : nrCarrierConfig
    pdsch : nrPDSCHConfig
    OutputDataType : {'double', 'single'}, default 'double'

    Returns
    -------
    numpy.ndarray
        ``N x P`` (``N`` for one port), without ``beta_DMRS`` (as MATLAB).

    Examples
    --------
    >>> sym = nrPDSCHDMRS(nrCarrierConfig(), nrPDSCHConfig())
    >>> sym.shape, sym.dtype
    ((312,), dtype('complex128'))
    """
    c, cfg = _native(carrier, pdsch, nrPDSCHConfig)
    return _sym_out(dmrs_symbols(cfg, c, apply_beta=False), OutputDataType)


def nrPDSCHDMRSIndices(carrier, pdsch, *, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.1.1.2: PDSCH DM-RS RE indices, MATLAB ``nrPDSCHDMRSIndices``.

    MATLAB syntax: ``ind = nrPDSCHDMRSIndices(carrier,pdsch,'IndexBase','0based')``.

    Returns
    -------
    numpy.ndarray of uint32
        ``N x P`` linear indices ``k + K l + K L p + 1`` (``IndexStyle='index'``), or ``(N P) x 3``
        subscripts.

    Examples
    --------
    >>> nrPDSCHDMRSIndices(nrCarrierConfig(), nrPDSCHConfig())[:3].tolist()
    [1249, 1251, 1253]
    """
    c, cfg = _native(carrier, pdsch, nrPDSCHConfig)
    k, l = dmrs_indices(cfg, c)
    return _ind_out(k, l, c, IndexStyle, IndexBase)


def nrPUSCHDMRS(carrier, pusch, *, OutputDataType="double"):
    """TS 38.211 §6.4.1.1: PUSCH DM-RS symbols, MATLAB ``nrPUSCHDMRS``.

    MATLAB syntax: ``sym = nrPUSCHDMRS(carrier,pusch)``.

    Examples
    --------
    >>> nrPUSCHDMRS(nrCarrierConfig(), nrPUSCHConfig(PRBSet=[0])).shape
    (6,)
    """
    c, cfg = _native(carrier, pusch, nrPUSCHConfig)
    return _sym_out(dmrs_symbols(cfg, c, apply_beta=False), OutputDataType)


def nrPUSCHDMRSIndices(carrier, pusch, *, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §6.4.1.1.3: PUSCH DM-RS RE indices, MATLAB ``nrPUSCHDMRSIndices``.

    MATLAB syntax: ``ind = nrPUSCHDMRSIndices(carrier,pusch)``.

    Examples
    --------
    >>> nrPUSCHDMRSIndices(nrCarrierConfig(), nrPUSCHConfig(PRBSet=[0]), IndexBase='0based').tolist()
    [1248, 1250, 1252, 1254, 1256, 1258]
    """
    c, cfg = _native(carrier, pusch, nrPUSCHConfig)
    k, l = dmrs_indices(cfg, c)
    return _ind_out(k, l, c, IndexStyle, IndexBase)


def nrPDSCHPTRS(carrier, pdsch, *, OutputDataType="double"):
    """TS 38.211 §7.4.1.2: PDSCH PT-RS symbols, MATLAB ``nrPDSCHPTRS`` (empty when ``EnablePTRS`` is off).

    MATLAB syntax: ``sym = nrPDSCHPTRS(carrier,pdsch)``.

    Examples
    --------
    >>> pdsch = nrPDSCHConfig(EnablePTRS=True)
    >>> nrPDSCHPTRS(nrCarrierConfig(), pdsch).shape
    (338,)
    """
    c, cfg = _native(carrier, pdsch, nrPDSCHConfig)
    if cfg.ptrs is None:
        return np.zeros(0, dtype=np.complex128 if OutputDataType == "double" else np.complex64)
    return _sym_out(ptrs_symbols(cfg, c, apply_beta=False), OutputDataType)


def nrPDSCHPTRSIndices(carrier, pdsch, *, IndexStyle="index", IndexBase="1based"):
    """TS 38.211 §7.4.1.2.2: PDSCH PT-RS RE indices, MATLAB ``nrPDSCHPTRSIndices``.

    MATLAB syntax: ``ind = nrPDSCHPTRSIndices(carrier,pdsch)``.

    Examples
    --------
    >>> pdsch = nrPDSCHConfig(EnablePTRS=True)
    >>> nrPDSCHPTRSIndices(nrCarrierConfig(), pdsch)[:2].tolist()
    [13, 37]
    """
    c, cfg = _native(carrier, pdsch, nrPDSCHConfig)
    if cfg.ptrs is None:
        return np.zeros(0, dtype=np.uint32)
    k, l = ptrs_indices(cfg, c)
    return _ind_out(k, l, c, IndexStyle, IndexBase)
