"""MATLAB 5G Toolbox compatible PDSCH / PUSCH functions (TS 38.211 §6.3.1, §7.3.1).

``nrPDSCHIndices`` / ``nrPUSCHIndices`` (data RE indices and the ``info`` struct), ``nrPDSCH`` /
``nrPUSCH`` (codeword bits -> symbols) and ``nrPDSCHDecode`` / ``nrPUSCHDecode`` (symbols -> soft
bits) in their object forms ``f(carrier, cfg, ...)``, and ``nrEqualizeMMSE``. Matrices follow MATLAB: one column per layer or
antenna port (``N x P``, a 1-D array for one column); indices are column-major linear indices into the
``K x L x P`` grid, ``k + K l + K L p + 1`` (or 0-based), or ``(N P) x 3`` subscripts ``[k l p]``.
Soft bits are LLRs ``ln P(0)/P(1)`` (positive means 0), as MATLAB.

Not modelled: transform precoding together with PT-RS (MATLAB then interleaves PT-RS before the DFT),
reserved PRBs/REs, and ``nrChannelEstimate`` (its general reference-indices form does not map onto the
DM-RS-configuration-based :func:`opennr.receiver.dmrs_channel_estimate`).
"""

from __future__ import annotations

import numpy as np

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg
from opennr.matlab.ofdm import nrCarrierConfig
from opennr.matlab.pxsch_config import nrPDSCHConfig, nrPUSCHConfig
from opennr.modulation import demodulate_soft
from opennr.modulation.mapping import bits_per_symbol
from opennr.physical_channels import (
    codeword_layers,
    descramble_llr,
    layer_demap,
    pdsch_c_init,
    precode,
    pusch_c_init,
    shared_channel_indices,
    shared_channel_symbols,
    transform_deprecode,
)
from opennr.physical_channels.pusch import pusch_precoding_matrix_of

__all__ = [
    "nrEqualizeMMSE",
    "nrPDSCH",
    "nrPDSCHDecode",
    "nrPDSCHIndices",
    "nrPUSCH",
    "nrPUSCHDecode",
    "nrPUSCHIndices",
]


def _native(carrier, cfg, cls):
    if not isinstance(carrier, nrCarrierConfig):
        raise TypeError(f"carrier must be an nrCarrierConfig, got {type(carrier).__name__}")
    if not isinstance(cfg, cls) or (cls is nrPDSCHConfig and isinstance(cfg, nrPUSCHConfig)):
        raise TypeError(f"the channel configuration must be an {cls.__name__}, got {type(cfg).__name__}")
    c, n = carrier.to_native(), cfg.to_native()
    n.check_carrier(c)
    return c, n


def _no_tp_ptrs(n) -> None:
    if n.is_uplink and n.transform_precoding and n.ptrs is not None:
        raise NotImplementedError(
            "nrPUSCH / nrPUSCHDecode with TransformPrecoding and EnablePTRS (PT-RS inserted before "
            "the DFT, TS 38.211 §6.4.1.2.2.2) are not supported by opennr.matlab; use "
            "opennr.physical_channels.pusch"
        )


def _columns(x: np.ndarray) -> np.ndarray:
    """``[P, N] -> N x P`` (a 1-D array for one column)."""
    x = np.asarray(x).T
    return x[:, 0] if x.shape[1] == 1 else x


def _info(c, n) -> MatlabStruct:
    idx = shared_channel_indices(n, c)
    nus = codeword_layers(n.num_layers)
    mods = (n.modulation,) * len(nus) if isinstance(n.modulation, str) else tuple(n.modulation)
    n_data = idx.size
    if n.is_uplink and n.transform_precoding and n.ptrs is not None:
        from opennr.signals.ptrs import transform_precoded_ptrs

        tp = transform_precoded_ptrs(n, c)
        n_data -= len(tp.ptrs_rows) * len(tp.positions)  # pre-DFT PT-RS samples (§6.4.1.2.2.2)
    g = [n_data * bits_per_symbol(m) * nu for m, nu in zip(mods, nus, strict=True)]
    n_prb = len(n.prb_indices(c))
    if n.ptrs is not None:
        from opennr.signals.ptrs import ptrs_indices

        _, l_pt = ptrs_indices(n, c)
        ptrs_syms = np.unique(np.asarray(l_pt)).astype(np.int64)
    else:
        ptrs_syms = np.zeros(0, np.int64)
    cdm_len = [2, n.dmrs.length]
    return MatlabStruct(
        G=g[0] if len(g) == 1 else np.array(g, np.int64),
        Gd=int(idx.size),
        NREPerPRB=int(idx.size // n_prb),
        DMRSSymbolSet=np.array(n.dmrs_symbol_indices, np.int64),
        CDMGroups=np.array(n.dmrs_cdm_groups, np.int64),
        CDMLengths=np.array(cdm_len, np.int64),
        PTRSSymbolSet=ptrs_syms,
    ), idx


def _indices(c, n, num_planes, index_style, index_base, orientation):
    style = _choice_arg(index_style, "IndexStyle", ("index", "subscript"))
    base = 1 if _choice_arg(index_base, "IndexBase", ("1based", "0based")) == "1based" else 0
    orient = _choice_arg(orientation, "IndexOrientation", ("carrier", "bwp"))
    info, idx = _info(c, n)
    kk, ll = c.num_subcarriers, c.symbols_per_slot
    k, l = idx % kk, idx // kk
    if orient == "bwp":
        start, size = n.bwp(c)
        k = k - 12 * (start - int(c.n_start_grid))
        kk = 12 * size
    p = np.arange(num_planes)[:, None]
    if style == "subscript":
        kp, lp, pp = np.broadcast_arrays(k[None, :], l[None, :], p)
        ind = np.stack([kp.ravel(), lp.ravel(), pp.ravel()], axis=1) + base
        return ind.astype(np.uint32), info
    ind = (k[None, :] + kk * l[None, :] + kk * ll * p + base).astype(np.uint32)
    return _columns(ind), info


def nrPDSCHIndices(carrier, pdsch, *, IndexStyle="index", IndexBase="1based", IndexOrientation="carrier"):
    """TS 38.211 §7.3.1.5, §7.3.1.6: PDSCH data RE indices and capacity, MATLAB ``nrPDSCHIndices``.

    MATLAB syntax: ``[ind,info] = nrPDSCHIndices(carrier,pdsch)``.

    Parameters
    ----------
    carrier : nrCarrierConfig
    pdsch : nrPDSCHConfig
    IndexStyle : {'index', 'subscript'}, default 'index'
    IndexBase : {'1based', '0based'}, default '1based'
    IndexOrientation : {'carrier', 'bwp'}, default 'carrier'
        Index into the carrier grid or into the BWP grid (``K = 12 NSizeBWP``).

    Returns
    -------
    ind : numpy.ndarray of uint32
        ``N x v`` linear indices ``k + K l + K L p (+1)`` (``N`` for one layer), or ``(N v) x 3``
        subscripts ``[k l p]``; the same REs in every layer plane.
    info : MatlabStruct
        ``G`` (bit capacity per codeword; a ``(2,)`` array for two codewords), ``Gd`` (REs per
        layer), ``NREPerPRB``, ``DMRSSymbolSet``, ``CDMGroups``, ``CDMLengths`` (``[2 DMRSLength]``),
        ``PTRSSymbolSet`` (0-based symbols).

    Examples
    --------
    >>> ind, info = nrPDSCHIndices(nrCarrierConfig(), nrPDSCHConfig())
    >>> ind[:3].tolist(), info.G, info.Gd, info.NREPerPRB
    ([1, 2, 3], 16224, 8112, 156)
    """
    c, n = _native(carrier, pdsch, nrPDSCHConfig)
    return _indices(c, n, n.num_layers, IndexStyle, IndexBase, IndexOrientation)


def nrPUSCHIndices(carrier, pusch, *, IndexStyle="index", IndexBase="1based", IndexOrientation="carrier"):
    """TS 38.211 §6.3.1.6, §6.3.1.7: PUSCH data RE indices and capacity, MATLAB ``nrPUSCHIndices``.

    MATLAB syntax: ``[ind,info] = nrPUSCHIndices(carrier,pusch)``.

    As :func:`nrPDSCHIndices`; ``ind`` has one column per antenna port (``NumAntennaPorts`` for the
    codebook scheme, ``NumLayers`` otherwise). MATLAB's third output ``ptrsInd`` is not returned (use
    ``nrPDSCHPTRSIndices``-style PT-RS functions).

    Examples
    --------
    >>> pusch = nrPUSCHConfig(PRBSet=[0, 1], Modulation='16QAM')
    >>> ind, info = nrPUSCHIndices(nrCarrierConfig(), pusch, IndexBase='0based')
    >>> ind[:2].tolist(), info.G, info.DMRSSymbolSet.tolist()
    ([0, 1], 1248, [2])
    """
    c, n = _native(carrier, pusch, nrPUSCHConfig)
    return _indices(c, n, n.antenna_ports, IndexStyle, IndexBase, IndexOrientation)


def _cw_list(cws, n_cw: int, name: str) -> list[np.ndarray]:
    if isinstance(cws, list | tuple):
        cws = list(cws)
    else:
        cws = [cws]
    if len(cws) != n_cw:
        raise ValueError(f"{name} must hold {n_cw} codeword(s) for this NumLayers, got {len(cws)} "
                         "(TS 38.211 Table 7.3.1.3-1)")
    out = []
    for q, cw in enumerate(cws):
        a = np.asarray(cw)
        if a.ndim == 2 and 1 in a.shape:
            a = a.ravel()
        if a.ndim != 1:
            raise ValueError(f"{name}[{q}] must be a column vector of bits, got shape {a.shape}")
        if a.size and not np.all((a == 0) | (a == 1)):
            raise ValueError(f"{name}[{q}] must hold bits 0/1 (TS 38.211 §7.3.1.1)")
        out.append(a.astype(np.uint8))
    return out


def nrPDSCH(carrier, pdsch, cws):
    """TS 38.211 §7.3.1.1-§7.3.1.3: PDSCH codeword(s) to layer symbols, MATLAB ``nrPDSCH``.

    MATLAB syntax: ``sym = nrPDSCH(carrier,pdsch,cws)``.

    Scrambling (``c_init = n_RNTI 2^15 + q 2^14 + n_ID``), modulation and layer mapping; no
    precoding (as MATLAB's ``nrPDSCH``).

    Parameters
    ----------
    carrier : nrCarrierConfig
    pdsch : nrPDSCHConfig
    cws : array_like of bits, or a list of two
        One codeword (1-4 layers) or two (5-8 layers), ``G_q`` bits each.

    Returns
    -------
    numpy.ndarray of complex128
        ``N x v`` layer symbols (``N`` for one layer).

    Examples
    --------
    >>> import numpy as np
    >>> pdsch = nrPDSCHConfig(NumLayers=2, NID=0, RNTI=0)
    >>> nrPDSCH(nrCarrierConfig(), pdsch, np.zeros(8)).shape
    (2, 2)
    """
    c, n = _native(carrier, pdsch, nrPDSCHConfig)
    cw = _cw_list(cws, len(codeword_layers(n.num_layers)), "cws")
    layers = shared_channel_symbols(tuple(cw) if len(cw) == 2 else cw[0], n, c)
    return _columns(layers.astype(np.complex128))


def nrPUSCH(carrier, pusch, cw):
    """TS 38.211 §6.3.1.1-§6.3.1.5: PUSCH codeword to antenna-port symbols, MATLAB ``nrPUSCH``.

    MATLAB syntax: ``sym = nrPUSCH(carrier,pusch,cw)``.

    Scrambling, modulation, layer mapping, transform precoding (``TransformPrecoding``) and, for
    ``TransmissionScheme='codebook'``, precoding with the TPMI matrix onto ``NumAntennaPorts`` (as
    MATLAB). MATLAB's second output ``ptrsSym`` is not returned.

    Parameters
    ----------
    carrier : nrCarrierConfig
    pusch : nrPUSCHConfig
    cw : array_like of bits
        The UL-SCH codeword, ``G`` bits.

    Returns
    -------
    numpy.ndarray of complex128
        ``N x P`` (``N`` for one port).

    Examples
    --------
    >>> import numpy as np
    >>> pusch = nrPUSCHConfig(TransmissionScheme='codebook', NumAntennaPorts=2, TPMI=0)
    >>> nrPUSCH(nrCarrierConfig(), pusch, np.zeros(4)).shape
    (2, 2)
    """
    c, n = _native(carrier, pusch, nrPUSCHConfig)
    _no_tp_ptrs(n)
    (bits,) = _cw_list(cw, 1, "cw")
    layers = shared_channel_symbols(bits, n, c)
    if n.precoding == "codebook":
        layers = precode(layers, pusch_precoding_matrix_of(n))
    return _columns(np.asarray(layers).astype(np.complex128))


def _rx_layers(sym, v: int, name: str) -> np.ndarray:
    a = np.asarray(sym)
    if not np.issubdtype(a.dtype, np.number):
        raise TypeError(f"{name} must be numeric, got dtype {a.dtype}")
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] != v:
        raise ValueError(f"{name} must be N x {v} (one column per layer), got shape {np.asarray(sym).shape} "
                         "(TS 38.211 §7.3.1.3)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite")
    return a.T.astype(np.complex64)


def _nvar(nvar) -> float:
    v = float(nvar)
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"nVar must be a finite noise variance >= 0, got {nvar!r}")
    return max(v, 1e-10)


def _decode(layers: np.ndarray, n, c, nvar: float):
    nus = codeword_layers(n.num_layers)
    mods = (n.modulation,) * len(nus) if isinstance(n.modulation, str) else tuple(n.modulation)
    d = layer_demap(layers, len(nus))
    d = list(d) if isinstance(d, tuple) else [d]
    n_id = int(c.n_cell_id) if n.n_id is None else int(n.n_id)
    cws = []
    for q, (sym, mod) in enumerate(zip(d, mods, strict=True)):
        llr = demodulate_soft(sym, mod, nvar)
        c_init = pusch_c_init(n.rnti, n_id) if n.is_uplink else pdsch_c_init(n.rnti, n_id, q)
        cws.append(np.asarray(descramble_llr(llr, c_init)).astype(np.float64))
    return cws, [s.astype(np.complex128) for s in d]


def nrPDSCHDecode(carrier, pdsch, sym, nVar=1e-10):
    """TS 38.211 §7.3.1.1-§7.3.1.3 (inverse): PDSCH layer symbols to soft bits, MATLAB ``nrPDSCHDecode``.

    MATLAB syntax: ``[cws,symbols] = nrPDSCHDecode(carrier,pdsch,sym,nVar)``.

    Layer demapping, max-log soft demodulation with noise variance ``nVar`` and descrambling.

    Parameters
    ----------
    carrier : nrCarrierConfig
    pdsch : nrPDSCHConfig
    sym : array_like of complex
        ``N x v`` equalised layer symbols (``N`` for one layer).
    nVar : float, default 1e-10

    Returns
    -------
    cws : list of numpy.ndarray of float64
        One soft-bit column per codeword (MATLAB's cell array), LLR ``ln P(0)/P(1)``.
    symbols : list of numpy.ndarray of complex128
        The layer-demapped symbols of each codeword.

    Examples
    --------
    >>> import numpy as np
    >>> carrier, pdsch = nrCarrierConfig(), nrPDSCHConfig(NID=1, RNTI=2)
    >>> bits = np.array([0, 1, 1, 0, 0, 0])
    >>> cws, _ = nrPDSCHDecode(carrier, pdsch, nrPDSCH(carrier, pdsch, bits), 0.1)
    >>> (cws[0] < 0).astype(int).tolist()
    [0, 1, 1, 0, 0, 0]
    """
    c, n = _native(carrier, pdsch, nrPDSCHConfig)
    return _decode(_rx_layers(sym, n.num_layers, "sym"), n, c, _nvar(nVar))


def nrPUSCHDecode(carrier, pusch, sym, nVar=1e-10):
    """TS 38.211 §6.3.1.1-§6.3.1.4 (inverse): PUSCH layer symbols to soft bits, MATLAB ``nrPUSCHDecode``.

    MATLAB syntax: ``[ulschLLRs,rxSymbols] = nrPUSCHDecode(carrier,pusch,sym,nVar)``.

    ``sym`` holds the received symbols of each *layer* (already equalised, MIMO precoding removed);
    transform deprecoding (``TransformPrecoding``), layer demapping, soft demodulation and
    descrambling follow.

    Parameters
    ----------
    carrier : nrCarrierConfig
    pusch : nrPUSCHConfig
    sym : array_like of complex
        ``N x v`` (``N`` for one layer).
    nVar : float, default 1e-10

    Returns
    -------
    ulschLLRs : numpy.ndarray of float64
        Soft bits of the codeword, ``ln P(0)/P(1)``.
    rxSymbols : numpy.ndarray of complex128
        The symbols before demodulation (after transform deprecoding).

    Examples
    --------
    >>> import numpy as np
    >>> carrier = nrCarrierConfig()
    >>> pusch = nrPUSCHConfig(PRBSet=[0], TransformPrecoding=True)
    >>> bits = np.arange(264) % 3 == 0
    >>> llr, _ = nrPUSCHDecode(carrier, pusch, nrPUSCH(carrier, pusch, bits), 0.01)
    >>> bool(np.array_equal(llr < 0, bits))
    True
    """
    c, n = _native(carrier, pusch, nrPUSCHConfig)
    _no_tp_ptrs(n)
    layers = _rx_layers(sym, n.num_layers, "sym")
    if n.transform_precoding:
        layers = transform_deprecode(layers, len(n.prb_indices(c)))
    cws, syms = _decode(np.asarray(layers), n, c, _nvar(nVar))
    return cws[0], syms[0]


def nrEqualizeMMSE(rxSym, Hest, nVar):
    """TS 38.211 §6.3.1 / §7.3.1 (receiver): MMSE equalisation per RE, MATLAB ``nrEqualizeMMSE``.

    MATLAB syntax: ``[eqSym,csi] = nrEqualizeMMSE(rxSym,Hest,nVar)``.

    For each resource element, with ``A = H^H H + nVar I``: ``eqSym = A^-1 H^H y`` (the biased
    MMSE estimate: :func:`opennr.receiver.lmmse_equalize`'s unbiased output times
    ``g_i = 1 - nVar [A^-1]_ii``) and ``csi_i = 1 / [A^-1]_ii`` (``|h|^2 + nVar`` for one layer).
    ``nVar = 0`` gives zero forcing.

    Parameters
    ----------
    rxSym : array_like of complex
        ``N x R`` received REs (``N`` for one receive antenna).
    Hest : array_like of complex
        ``N x R x P`` channel estimate (``N x R`` for one layer, ``N`` for ``R = P = 1``).
    nVar : float
        Noise variance, >= 0.

    Returns
    -------
    eqSym : numpy.ndarray of complex128
        ``N x P`` (``N`` for one layer).
    csi : numpy.ndarray of float64
        ``N x P`` soft channel state information.

    Notes
    -----
    The formulas are OpenNR's reading of MATLAB's documentation (which does not state them); they
    have not been compared with MATLAB output.

    Examples
    --------
    >>> import numpy as np
    >>> eq, csi = nrEqualizeMMSE(np.array([2, -2j]), np.array([2, 2]), 0.0)
    >>> eq.round(6).tolist(), csi.tolist()
    ([(1+0j), -1j], [4.0, 4.0])
    """
    from opennr.receiver import lmmse_equalize

    y = np.asarray(rxSym)
    h = np.asarray(Hest)
    for name, a in (("rxSym", y), ("Hest", h)):
        if not np.issubdtype(a.dtype, np.number):
            raise TypeError(f"{name} must be numeric, got dtype {a.dtype}")
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2:
        raise ValueError(f"rxSym must be N x R, got shape {np.asarray(rxSym).shape}")
    if h.ndim == 1:
        h = h[:, None, None]
    elif h.ndim == 2:
        h = h[:, :, None]
    if h.ndim != 3 or h.shape[:2] != y.shape:
        raise ValueError(f"Hest must be N x R x P with N x R = {y.shape} as rxSym, got shape "
                         f"{np.asarray(Hest).shape}")
    if h.shape[2] > h.shape[1]:
        raise ValueError(f"Hest must have P <= R layers, got P = {h.shape[2]} > R = {h.shape[1]}")
    nv = float(nVar)
    if not np.isfinite(nv) or nv < 0:
        raise ValueError(f"nVar must be a finite noise variance >= 0, got {nVar!r}")
    yt = np.moveaxis(y, 0, -1).astype(np.complex128)          # [R, N]
    ht = np.moveaxis(h, 0, -1).astype(np.complex128)          # [R, P, N]
    hn = h.astype(np.complex128)                              # [N, R, P]
    a = np.einsum("nri,nrj->nij", hn.conj(), hn) + nv * np.eye(h.shape[2])
    d = np.real(np.diagonal(np.linalg.inv(a), axis1=1, axis2=2))  # [N, P]
    x_hat, _ = lmmse_equalize(yt, ht, nv)
    g = 1.0 - nv * d
    eq = x_hat.T.astype(np.complex128) * g
    csi = 1.0 / d
    return _columns(eq.T), _columns(csi.T)
