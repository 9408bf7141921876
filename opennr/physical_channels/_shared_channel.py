"""TS 38.211 V17 §6.3.1 (PUSCH) and §7.3.1 (PDSCH): the parts of the shared-channel chain both use.

Codeword scrambling ``c_init`` (§6.3.1.1 / §7.3.1.1), the data resource elements of an allocation
(§6.3.1.6 / §7.3.1.6: frequency first over the allocated PRBs within a symbol, then symbols, skipping
the DM-RS CDM groups without data, PT-RS and reserved REs), and the symbol chain scrambling ->
modulation -> layer mapping (-> transform precoding, PUSCH). The configuration-level entry points
(:func:`shared_channel_indices`, :func:`shared_channel_symbols`) read a shared-channel
configuration (``opennr.physical_channels.config.SharedChannelConfig``); the helpers below them take
plain numbers so that they can be tested alone.

RE indices are 0-based flat indices ``k + K l`` into one port of a carrier grid ``[K, L]``
(``K = 12 N_grid^size`` subcarriers, ``L`` symbols per slot): ``k = idx % K``, ``l = idx // K``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from opennr._validation import as_bits, check_choice, check_int
from opennr.modulation import modulate
from opennr.modulation.mapping import bits_per_symbol
from opennr.physical_channels.layer_mapping import codeword_layers, layer_map
from opennr.physical_channels.scrambling import scramble
from opennr.physical_channels.transform_precoding import transform_precode

__all__ = [
    "data_re_mask",
    "pdsch_c_init",
    "pusch_c_init",
    "shared_channel_indices",
    "shared_channel_symbols",
]

_MODULATIONS = ("pi/2-BPSK", "BPSK", "QPSK", "16QAM", "64QAM", "256QAM", "1024QAM")


def pusch_c_init(rnti: int, n_id: int) -> int:
    """TS 38.211 §6.3.1.1: PUSCH scrambling initialisation ``c_init = n_RNTI 2^15 + n_ID``.

    Parameters
    ----------
    rnti : int
        ``n_RNTI``, 0..65535.
    n_id : int
        ``n_ID``, 0..1023 (``dataScramblingIdentityPUSCH``, or ``N_ID^cell``).

    Examples
    --------
    >>> pusch_c_init(11717, 590)
    383943246
    """
    rnti = check_int(rnti, "rnti", low=0, high=65535, clause="TS 38.211 §6.3.1.1")
    n_id = check_int(n_id, "n_id", low=0, high=1023, clause="TS 38.211 §6.3.1.1")
    return rnti * 2**15 + n_id


def pdsch_c_init(rnti: int, n_id: int, q: int = 0) -> int:
    """TS 38.211 §7.3.1.1: PDSCH scrambling initialisation ``c_init = n_RNTI 2^15 + q 2^14 + n_ID``.

    Parameters
    ----------
    rnti : int
        ``n_RNTI``, 0..65535.
    n_id : int
        ``n_ID``, 0..1023 (``dataScramblingIdentityPDSCH``, or ``N_ID^cell``).
    q : {0, 1}, default 0
        Codeword index.

    Examples
    --------
    >>> pdsch_c_init(1, 10, 1)
    49162
    """
    rnti = check_int(rnti, "rnti", low=0, high=65535, clause="TS 38.211 §7.3.1.1")
    n_id = check_int(n_id, "n_id", low=0, high=1023, clause="TS 38.211 §7.3.1.1")
    q = check_choice(q, "q", (0, 1), clause="TS 38.211 §7.3.1.1")
    return rnti * 2**15 + q * 2**14 + n_id


def _cdm_group_subcarriers(config_type: int, num_cdm_groups: int) -> np.ndarray:
    """TS 38.211 Tables 6.4.1.1.3-1/2, 7.4.1.1.2-1/2: subcarriers of a PRB in CDM groups ``0..n-1``.

    Configuration type 1: group ``lambda`` uses ``k = 2k'' + lambda`` (``Delta = lambda``); type 2:
    ``k = 6n + k' + 2 lambda`` (``Delta = 2 lambda``).

    Parameters
    ----------
    config_type : {1, 2}
        DM-RS configuration type.
    num_cdm_groups : int
        Number of CDM groups without data, 1..2 (type 1) or 1..3 (type 2).

    Returns
    -------
    numpy.ndarray of bool, shape [12]

    Examples
    --------
    >>> np.flatnonzero(_cdm_group_subcarriers(2, 2)).tolist()
    [0, 1, 2, 3, 6, 7, 8, 9]
    """
    config_type = check_choice(config_type, "config_type", (1, 2), clause="TS 38.211 §6.4.1.1.3")
    high = 2 if config_type == 1 else 3
    n = check_int(num_cdm_groups, "num_cdm_groups", low=1, high=high, clause="TS 38.214 §5.1.6.2")
    k = np.arange(12)
    if config_type == 1:
        return (k % 2) < n
    return ((k % 6) // 2) < n


def data_re_mask(
    *,
    num_subcarriers: int,
    num_symbols: int,
    rb_offset: int,
    prb_set: Sequence[int],
    symbol_allocation: tuple[int, int],
    dmrs_symbols: Sequence[int],
    config_type: int,
    num_cdm_groups_without_data: int,
    excluded=None,
) -> np.ndarray:
    """TS 38.211 §6.3.1.6 / §7.3.1.6: the REs of one port available for shared-channel data.

    The allocated PRBs ``rb_offset + prb_set`` on symbols ``S .. S+L-1``, without the REs of the
    DM-RS CDM groups without data on DM-RS symbols, and without ``excluded`` (PT-RS, reserved).

    Parameters
    ----------
    num_subcarriers, num_symbols : int
        Grid size ``K`` (a multiple of 12) and ``L``.
    rb_offset : int
        First grid RB of the BWP (``N_BWP^start - N_grid^start``).
    prb_set : sequence of int
        Allocated PRBs relative to the BWP.
    symbol_allocation : (int, int)
        ``(S, L)``: first symbol and number of symbols.
    dmrs_symbols : sequence of int
        Slot symbol indices of the DM-RS.
    config_type : {1, 2}
    num_cdm_groups_without_data : int
    excluded : array_like of bool [K, L] or of int (flat ``k + K l``), optional

    Returns
    -------
    numpy.ndarray of bool, shape [K, L]

    Examples
    --------
    >>> m = data_re_mask(num_subcarriers=24, num_symbols=14, rb_offset=0, prb_set=[1],
    ...                  symbol_allocation=(0, 14), dmrs_symbols=[2], config_type=1,
    ...                  num_cdm_groups_without_data=1)
    >>> int(m.sum()), np.flatnonzero(m[:, 2]).tolist()
    (162, [13, 15, 17, 19, 21, 23])
    """
    k_total = check_int(num_subcarriers, "num_subcarriers", low=12)
    l_total = check_int(num_symbols, "num_symbols", low=1)
    n_rb = k_total // 12
    rbs = np.asarray(prb_set, dtype=np.int64).reshape(-1) + int(rb_offset)
    if rbs.size == 0 or rbs.min() < 0 or rbs.max() >= n_rb:
        raise ValueError(
            f"prb_set (+ BWP offset {rb_offset}) must select RBs inside the {n_rb}-RB carrier grid "
            f"(TS 38.214 §5.1.2.2 / §6.1.2.2)"
        )
    start, length = symbol_allocation
    if start < 0 or length < 1 or start + length > l_total:
        raise ValueError(
            f"symbol_allocation (S, L) = {symbol_allocation} must lie inside the {l_total}-symbol "
            "slot (TS 38.214 §5.1.2.1 / §6.1.2.1)"
        )
    mask = np.zeros((n_rb, 12, l_total), dtype=bool)
    mask[rbs, :, start : start + length] = True
    cdm = _cdm_group_subcarriers(config_type, num_cdm_groups_without_data)
    for sym in dmrs_symbols:
        mask[:, cdm, int(sym)] = False
    mask = mask.reshape(k_total, l_total)
    if excluded is not None:
        ex = np.asarray(excluded)
        if ex.dtype == bool:
            mask &= ~ex.reshape(k_total, l_total)
        elif ex.size:
            by_symbol = np.ascontiguousarray(mask.T)  # [L, K]: flat index k + K l
            by_symbol.reshape(-1)[ex.reshape(-1).astype(np.int64)] = False
            mask = by_symbol.T
    return mask


def _mask_indices(mask: np.ndarray) -> np.ndarray:
    """Flat ``k + K l`` of the True REs in frequency-first order (k fastest, then l)."""
    return np.flatnonzero(mask.T).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# configuration-level functions
# ---------------------------------------------------------------------------------------------


def _rb_offset(config, carrier) -> int:
    start, _ = config.bwp(carrier)
    return int(start) - int(carrier.n_start_grid)


def _ptrs_module():
    try:
        from opennr.signals import ptrs
    except ImportError as exc:  # pragma: no cover - depends on the PT-RS module being present
        raise NotImplementedError(
            "PT-RS (config.ptrs) needs opennr.signals.ptrs (TS 38.211 §6.4.1.2 / §7.4.1.2), which "
            "is not available yet; use ptrs=None"
        ) from exc
    return ptrs


def _excluded_res(config, carrier) -> np.ndarray | None:
    """Flat indices of PT-RS and reserved REs (those the configuration defines)."""
    parts = []
    k_total = carrier.num_subcarriers
    ptrs = getattr(config, "ptrs", None)
    if ptrs is not None and not _tp_with_ptrs(config):  # transform precoding: PT-RS are pre-DFT
        _ptrs = _ptrs_module()
        k, sym = _ptrs.ptrs_indices(config, carrier)
        parts.append(np.asarray(k, np.int64).reshape(-1) + k_total * np.asarray(sym, np.int64).reshape(-1))
    reserved = getattr(config, "reserved_res", None)
    if reserved is not None and len(reserved):
        parts.append(np.asarray(reserved, np.int64).reshape(-1))
    reserved_prbs = getattr(config, "reserved_prbs", None)
    if reserved_prbs is not None and len(reserved_prbs):
        off = _rb_offset(config, carrier)
        rbs = np.asarray(reserved_prbs, np.int64).reshape(-1) + off
        k = (12 * rbs[:, None] + np.arange(12)).reshape(-1)
        sym = np.arange(carrier.symbols_per_slot)
        parts.append((k[None, :] + k_total * sym[:, None]).reshape(-1))
    if not parts:
        return None
    return np.unique(np.concatenate(parts))


def _tp_with_ptrs(config) -> bool:
    return (config.direction == "uplink" and bool(getattr(config, "transform_precoding", False))
            and getattr(config, "ptrs", None) is not None)


def _tp_ptrs_layout(config, carrier):
    """The pre-DFT PT-RS layout (TS 38.211 §6.4.1.2.2.2) of a transform-precoded PUSCH, or None."""
    if not _tp_with_ptrs(config):
        return None
    return _ptrs_module().transform_precoded_ptrs(config, carrier)


def _num_data_symbols(config, carrier, n_re: int) -> int:
    """Modulation symbols per layer: the data REs, less the pre-DFT PT-RS samples (§6.4.1.2.2.2)."""
    lay = _tp_ptrs_layout(config, carrier)
    if lay is None:
        return n_re
    return n_re - lay.ptrs_rows.size * lay.positions.size


def _insert_tp_ptrs(layers, lay):
    """[..., 1, N_data] -> [..., 1, N_sym M_sc]: data around the PT-RS samples of each PT-RS symbol."""
    n_sym, m_sc = lay.data_symbols.size, lay.m_sc
    is_pt = np.zeros((n_sym, m_sc), dtype=bool)
    is_pt[np.ix_(lay.ptrs_rows, lay.positions)] = True
    out = np.empty(layers.shape[:-1] + (n_sym * m_sc,), dtype=np.complex64)
    flat = is_pt.ravel()
    if layers.shape[-1] != int((~flat).sum()):
        raise ValueError(
            f"the layer holds {layers.shape[-1]} symbols; with transform-precoded PT-RS it must hold "
            f"{int((~flat).sum())} (TS 38.211 §6.4.1.2.2.2)"
        )
    out[..., ~flat] = layers
    out[..., flat] = np.broadcast_to(np.tile(lay.values, lay.ptrs_rows.size),
                                     layers.shape[:-1] + (int(flat.sum()),))
    return out


def _check(config, carrier) -> str:
    from opennr.ofdm.carrier import CarrierConfig
    from opennr.physical_channels.config import SharedChannelConfig

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    config.check_carrier(carrier)
    return config.direction


def _data_mask(config, carrier) -> np.ndarray:
    dmrs = config.dmrs
    return data_re_mask(
        num_subcarriers=carrier.num_subcarriers,
        num_symbols=carrier.symbols_per_slot,
        rb_offset=_rb_offset(config, carrier),
        prb_set=config.prb_indices(carrier),
        symbol_allocation=tuple(config.symbol_allocation),
        dmrs_symbols=config.dmrs_symbol_indices,
        config_type=dmrs.config_type,
        num_cdm_groups_without_data=dmrs.num_cdm_groups_without_data,
        excluded=_excluded_res(config, carrier),
    )


def shared_channel_indices(config, carrier) -> np.ndarray:
    """TS 38.211 §6.3.1.6 / §7.3.1.6: data RE indices of a PUSCH/PDSCH allocation (one layer).

    ``-> [N_RE]``: flat 0-based ``k + K l`` into a carrier grid ``[K, L]``, in mapping order
    (frequency first over the allocated PRBs, then symbols); the same REs carry every layer.
    DM-RS symbols lose the REs of all CDM groups without data; PT-RS and reserved REs are skipped.
    With transform precoding the PT-RS are samples inside the DFT block of their symbol
    (TS 38.211 §6.4.1.2.2.2): every RE of the data symbols is returned, and a layer carries
    ``N_RE - N_group^PT-RS N_samp^group N_symb^PT-RS`` modulation symbols.

    Parameters
    ----------
    config : SharedChannelConfig
        PUSCH (``direction="uplink"``) or PDSCH (``"downlink"``) configuration.
    carrier : opennr.ofdm.CarrierConfig

    Returns
    -------
    numpy.ndarray of int64, shape [N_RE]

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> cfg = SharedChannelConfig(direction="uplink", prb_set=tuple(range(4)))
    >>> idx = shared_channel_indices(cfg, CarrierConfig(n_size_grid=4))
    >>> idx[:3].tolist(), idx.size    # 12 data symbols x 48 + DM-RS symbols' free REs
    ([0, 1, 2], 624)
    """
    _check(config, carrier)
    return _mask_indices(_data_mask(config, carrier))


def _modulations(config, n_cw: int) -> tuple[str, ...]:
    mod = config.modulation
    mods = (mod,) * n_cw if isinstance(mod, str) else tuple(mod)
    if len(mods) != n_cw:
        raise ValueError(
            f"config.modulation must give one modulation per codeword ({n_cw}), got {mod!r} "
            "(TS 38.211 §7.3.1.2)"
        )
    for m in mods:
        check_choice(m, "config.modulation", _MODULATIONS, clause="TS 38.211 §5.1")
    return mods


def _as_codewords(codewords, n_cw: int) -> list[np.ndarray]:
    if isinstance(codewords, tuple) or n_cw == 2 and isinstance(codewords, list) and len(codewords) == 2:
        cws = list(codewords)
    else:
        cws = [codewords]
    if len(cws) != n_cw:
        raise ValueError(
            f"codewords must hold {n_cw} codeword(s) for {n_cw * 4 if n_cw == 1 else 8} layers or "
            f"fewer, got {len(cws)} (TS 38.211 Table 7.3.1.3-1)"
        )
    return [as_bits(c, f"codewords[{q}]", "TS 38.211 §7.3.1.1") for q, c in enumerate(cws)]


def _n_id(config, carrier) -> int:
    n_id = getattr(config, "n_id", None)
    if n_id is None:
        if carrier is None:
            raise ValueError(
                "config.n_id is None (use N_ID^cell): pass the carrier (TS 38.211 §6.3.1.1)"
            )
        return int(carrier.n_cell_id)
    return int(n_id)


def shared_channel_symbols(codewords, config, carrier=None) -> np.ndarray:
    """TS 38.211 §6.3.1.1-§6.3.1.4 / §7.3.1.1-§7.3.1.3: codeword bits to layer symbols.

    Scrambling (``c_init`` of §6.3.1.1 / §7.3.1.1) -> modulation (§5.1) -> layer mapping
    (Table 7.3.1.3-1) -> transform precoding (PUSCH with ``config.transform_precoding``, §6.3.1.4).
    ``[..., G] -> [..., v, G / (Q_m v)]``. Precoding onto antenna ports is left to the caller
    (:func:`~opennr.physical_channels.precoding.precode`).

    Parameters
    ----------
    codewords : array_like of uint8, shape [..., G], or a tuple of two (PDSCH, 5..8 layers)
        Codeword bits ``b^(q)(0 .. G_q - 1)``.
    config : SharedChannelConfig
        Uses ``direction``, ``rnti``, ``n_id``, ``modulation``, ``num_layers``,
        ``transform_precoding`` and ``prb_set``.
    carrier : CarrierConfig, optional
        Needed only when ``config.n_id`` is None (``n_ID = N_ID^cell``).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., v, M_layer]

    Examples
    --------
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> cfg = SharedChannelConfig(direction="downlink", modulation="QPSK", num_layers=2,
    ...                           rnti=1, n_id=0)
    >>> shared_channel_symbols(np.zeros(8, np.uint8), cfg).shape
    (2, 2)
    """
    from opennr.physical_channels.config import SharedChannelConfig

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if carrier is not None:
        _check(config, carrier)
    direction = config.direction
    num_layers = config.num_layers
    nus = codeword_layers(num_layers)
    cws = _as_codewords(codewords, len(nus))
    mods = _modulations(config, len(nus))
    n_id = _n_id(config, carrier)
    rnti = config.rnti
    out = []
    for q, (cw, nu, mod) in enumerate(zip(cws, nus, mods, strict=True)):
        qm = bits_per_symbol(mod)
        if cw.shape[-1] % (qm * nu):
            raise ValueError(
                f"codeword {q} has {cw.shape[-1]} bits, not a multiple of Q_m * layers = "
                f"{qm} * {nu} (TS 38.211 §7.3.1.3)"
            )
        c_init = pusch_c_init(rnti, n_id) if direction == "uplink" else pdsch_c_init(rnti, n_id, q)
        out.append(modulate(scramble(cw, c_init), mod))
    if len(out) == 2 and out[0].shape[:-1] != out[1].shape[:-1]:
        raise ValueError("the two codewords must have the same batch shape (TS 38.211 §7.3.1.3)")
    layers = layer_map(tuple(out) if len(out) == 2 else out[0], num_layers)
    if direction == "uplink" and getattr(config, "transform_precoding", False):
        if num_layers != 1:
            raise ValueError("transform precoding allows one layer only (TS 38.211 §6.3.1.4)")
        if config.prb_set is None and carrier is None:
            raise ValueError(
                "transform precoding with prb_set=None (the whole BWP) needs the carrier to know "
                "M_RB (TS 38.211 §6.3.1.4)"
            )
        m_rb = len(config.prb_set) if carrier is None else config.prb_indices(carrier).size
        if _tp_with_ptrs(config):
            if carrier is None:
                raise ValueError("transform-precoded PT-RS need the carrier (slot number, N_ID^cell) "
                                 "(TS 38.211 §6.4.1.2.2.2)")
            layers = _insert_tp_ptrs(layers, _tp_ptrs_layout(config, carrier))
        layers = transform_precode(layers, m_rb)
    return layers.astype(np.complex64, copy=False)


# ---------------------------------------------------------------------------------------------
# transmitter
# ---------------------------------------------------------------------------------------------


def _codewords_from_bits(bits, config, n_re: int, target_code_rate, rv, tbs_lbrm):
    """Codeword bits of G_q = N_RE Q_m nu_q each: given, or from transport blocks via sch_encode."""
    from opennr.coding.sch import sch_encode

    nus = codeword_layers(config.num_layers)
    mods = _modulations(config, len(nus))
    blocks = _as_codewords(bits, len(nus))
    g = [n_re * bits_per_symbol(m) * nu for m, nu in zip(mods, nus, strict=True)]
    if target_code_rate is None:
        for q, (b, gq) in enumerate(zip(blocks, g, strict=True)):
            if b.shape[-1] != gq:
                raise ValueError(
                    f"codeword {q} must have G = N_RE * Q_m * layers = {n_re} * "
                    f"{bits_per_symbol(mods[q])} * {nus[q]} = {gq} bits, got {b.shape[-1]}; to "
                    "pass a transport block instead, give target_code_rate (TS 38.212 §7.2 / §6.2)"
                )
        return blocks
    return [
        sch_encode(b, target_code_rate=target_code_rate, modulation_order=bits_per_symbol(m),
                   g=gq, num_layers=nu, rv=rv, tbs_lbrm=tbs_lbrm)
        for b, m, gq, nu in zip(blocks, mods, g, nus, strict=True)
    ]


def _reference_signals(config, carrier, grid) -> None:
    """Write DM-RS (x beta_DMRS) and PT-RS of every layer into grid [..., v, K, L] (in place)."""
    from opennr.signals import dmrs as _dmrs

    sym = _dmrs.dmrs_symbols(config, carrier, apply_beta=True)  # [v, N], x beta_DMRS
    k, sl = _dmrs.dmrs_indices(config, carrier)
    for j in range(config.num_layers):
        grid[..., j, k[j], sl[j]] = sym[j]
    if config.ptrs is not None and not _tp_with_ptrs(config):  # pre-DFT PT-RS are in the layer
        _ptrs = _ptrs_module()
        psym = np.asarray(_ptrs.ptrs_symbols(config, carrier))
        pk, pl = _ptrs.ptrs_indices(config, carrier)
        ptrs_ports = config.ptrs.ports or (min(config.dmrs_ports),)  # PT-RS rides on a DM-RS port
        for row, port in enumerate(ptrs_ports):
            j = config.dmrs_ports.index(port)
            grid[..., j, np.asarray(pk[row]), np.asarray(pl[row])] = psym[row]


def transmit(bits, config, carrier, *, target_code_rate=None, rv=0, tbs_lbrm=None,
             precoding_matrix=None) -> np.ndarray:
    """Shared PUSCH/PDSCH transmitter: bits -> layers -> grid [..., v, K, L] -> ports [..., P, K, L]."""
    _check(config, carrier)
    mask = _data_mask(config, carrier)
    idx = _mask_indices(mask)
    cws = _codewords_from_bits(bits, config, _num_data_symbols(config, carrier, idx.size),
                               target_code_rate, rv, tbs_lbrm)
    layers = shared_channel_symbols(tuple(cws), config, carrier)  # [..., v, N_RE]
    k_total, l_total = carrier.num_subcarriers, carrier.symbols_per_slot
    batch = layers.shape[:-2]
    v = config.num_layers
    by_symbol = np.zeros(batch + (v, l_total * k_total), dtype=np.complex64)
    by_symbol[..., idx] = layers
    grid = np.ascontiguousarray(
        np.swapaxes(by_symbol.reshape(batch + (v, l_total, k_total)), -1, -2)
    )
    _reference_signals(config, carrier, grid)
    if precoding_matrix is None:
        return grid
    from opennr.physical_channels.precoding import precode

    return precode(grid, precoding_matrix, axis=-3).astype(np.complex64, copy=False)
