"""TS 38.211 V17 §6.4.1.1, §7.4.1.1: DM-RS of the PUSCH and the PDSCH (sequence, OCC, RE mapping).

Sequence (§6.4.1.1.1.1 / §7.4.1.1.1, OFDM): ``r(m) = (1 - 2 c(2m))/sqrt(2) + j (1 - 2 c(2m+1))/sqrt(2)``
with the Gold sequence ``c`` (§5.2.1) initialised per DM-RS symbol ``l`` by

``c_init = (2^17 (N_symb^slot n_s,f + l + 1)(2 N_ID^nSCID + 1) + 2^17 floor(lambda/2) + 2 N_ID^nSCID + n_SCID) mod 2^31``

(the ``floor(lambda/2)`` term from V16 on; see :class:`~opennr.physical_channels.config.DmrsConfig`
``c_init_release``). Mapping (§6.4.1.1.3 / §7.4.1.1.2):
``a_{k,l} = beta_DMRS w_f(k') w_t(l') r(2n + k')`` with ``k = 4n + 2k' + Delta`` (type 1) or
``k = 6n + k' + Delta`` (type 2), ``k' = 0, 1``, ``l = l-bar + l'``; ``k`` and ``n`` count from subcarrier
0 of common resource block 0 (the PDSCH special case of CORESET 0 / type-0 common search space is
not modelled), so the sequence of a PRB depends on its CRB, not on the BWP or allocation start.

Transform precoding (§6.4.1.1.1.2, PUSCH): ``r(n) = r_{u,v}^{(0,1)}(n)``, the low-PAPR sequence of
length ``M_sc/2`` (§5.2.2) with group ``u`` / number ``v`` from ``n_ID^PUSCH`` and the hopping mode,
mapped with ``Delta = 0``, ``w_f = w_t = 1`` from the first allocated subcarrier (``n`` counts from the
allocation start).

Indices are 0-based carrier-grid coordinates ``(k, l)``; the flat index of a port's grid is
``k + K l`` with ``K = 12 N_grid^size``. Every output is ordered symbol-major, subcarrier ascending
(MATLAB's order).
"""

from __future__ import annotations

import numpy as np

from opennr.ofdm.carrier import CarrierConfig
from opennr.physical_channels.config import SharedChannelConfig, dmrs_port_parameters
from opennr.sequences.gold import gold_sequence

__all__ = [
    "cdm_group_subcarriers",
    "dmrs_c_init",
    "dmrs_grid",
    "dmrs_indices",
    "dmrs_symbols",
]

_CLAUSE = "TS 38.211 §6.4.1.1 / §7.4.1.1"


def _check(config, carrier) -> None:
    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    config.check_carrier(carrier)


def cdm_group_subcarriers(config_type: int, cdm_group: int) -> np.ndarray:
    """TS 38.211 §6.4.1.1.3 / §7.4.1.1.2: subcarriers (0..11) of a PRB used by a DM-RS CDM group.

    Type 1: ``k = 4n + 2k' + Delta`` with ``Delta = lambda`` (6 subcarriers); type 2:
    ``k = 6n + k' + Delta`` with ``Delta = 2 lambda`` (4 subcarriers).

    Parameters
    ----------
    config_type : {1, 2}
    cdm_group : int
        ``lambda``: 0..1 (type 1) or 0..2 (type 2).

    Returns
    -------
    numpy.ndarray of int64, shape [6] or [4]

    Examples
    --------
    >>> cdm_group_subcarriers(2, 1)
    array([2, 3, 8, 9])
    """
    from opennr._validation import check_choice, check_int

    check_choice(config_type, "config_type", (1, 2), clause=_CLAUSE)
    check_int(cdm_group, "cdm_group", low=0, high=config_type, clause=_CLAUSE)
    if config_type == 1:
        return np.arange(cdm_group, 12, 2, dtype=np.int64)
    return np.array([0, 1, 6, 7], dtype=np.int64) + 2 * cdm_group


def dmrs_c_init(config: SharedChannelConfig, carrier: CarrierConfig, symbol: int, cdm_group: int = 0) -> int:
    """TS 38.211 §6.4.1.1.1.1 / §7.4.1.1.1: Gold-sequence initialisation ``c_init`` of one DM-RS symbol.

    Parameters
    ----------
    config : SharedChannelConfig
    carrier : CarrierConfig
        Gives ``N_symb^slot``, ``n_s,f`` and ``N_ID^cell`` (when ``N_ID^nSCID`` is not set).
    symbol : int
        ``l``: OFDM symbol in the slot.
    cdm_group : int
        ``lambda`` of the port (matters for ``c_init_release=16`` with ``lambda = 2``, or with
        ``dmrs_r16``).

    Returns
    -------
    int

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> dmrs_c_init(SharedChannelConfig(), CarrierConfig(n_cell_id=1), 2)
    1179650
    """
    d = config.dmrs
    n_scid = d.n_scid
    if d.dmrs_r16 and cdm_group == 1:
        n_scid = 1 - n_scid
    n_id = d.n_id[n_scid]
    if n_id is None:
        n_id = carrier.n_cell_id
    lam_term = (cdm_group // 2) if d.c_init_release >= 16 else 0
    c = (2**17 * (carrier.symbols_per_slot * carrier.slot_in_frame + int(symbol) + 1) * (2 * n_id + 1)
         + 2**17 * lam_term + 2 * n_id + n_scid)
    return int(c % 2**31)


def _qpsk(c: np.ndarray) -> np.ndarray:
    x = (1.0 - 2.0 * c.astype(np.float64)) / np.sqrt(2.0)
    return x[..., 0::2] + 1j * x[..., 1::2]


def _layout(config: SharedChannelConfig, carrier: CarrierConfig):
    """Per port: delta, CDM group, w_f, w_t; and the PRB-relative offsets / sequence offsets."""
    d = config.dmrs
    ports = config.dmrs_ports
    params = [dmrs_port_parameters(d.config_type, p) for p in ports]
    return ports, params


def _generate(config: SharedChannelConfig, carrier: CarrierConfig, apply_beta: bool):
    d = config.dmrs
    ports, params = _layout(config, carrier)
    start, _ = config.bwp(carrier)
    prbs = config.prb_indices(carrier)
    crbs = start + prbs  # common resource blocks
    symbols = config.dmrs_symbol_indices
    l_bar_of = {}
    for lb in config.dmrs_l_bar:
        for lp in range(d.length):
            l_bar_of[config.l_ref + lb + lp] = lp
    n_sym = len(symbols)

    if config.transform_precoding:
        return _generate_tp(config, carrier, prbs, symbols, l_bar_of, apply_beta)

    if d.config_type == 1:
        j = np.arange(6)
        off_k = 2 * j  # 4n + 2k' within the PRB: 0, 2, 4, 6, 8, 10
        off_m = j  # 2n + k' within the PRB: 0..5
        per_rb = 6
        kprime = j % 2
    else:
        j = np.arange(4)
        off_k = np.array([0, 1, 6, 7])
        off_m = j
        per_rb = 4
        kprime = j % 2
    k_crb = (12 * crbs[:, None] + off_k[None, :]).ravel()  # [N_PRB * per_rb]
    m = (per_rb * crbs[:, None] + off_m[None, :]).ravel()
    kp = np.tile(kprime, crbs.size)
    m_lo, m_hi = int(m.min()), int(m.max())
    grid_k0 = 12 * carrier.n_start_grid

    num = k_crb.size
    out = np.empty((len(ports), n_sym * num), dtype=np.complex64)
    k_out = np.empty((len(ports), n_sym * num), dtype=np.int64)
    l_out = np.empty((len(ports), n_sym * num), dtype=np.int64)
    beta = d.beta if apply_beta else 1.0
    groups = sorted({p[0] for p in params})
    for si, sym in enumerate(symbols):
        seq = {}
        for lam in groups:
            c = gold_sequence(dmrs_c_init(config, carrier, sym, lam), 2 * (m_hi - m_lo + 1), offset=2 * m_lo)
            seq[lam] = _qpsk(c)[m - m_lo]
        lp = l_bar_of[sym]
        for pi, (lam, delta, wf, wt) in enumerate(params):
            wf_k = np.where(kp == 0, wf[0], wf[1])
            out[pi, si * num:(si + 1) * num] = beta * wt[lp] * wf_k * seq[lam]
            k_out[pi, si * num:(si + 1) * num] = k_crb + delta - grid_k0
            l_out[pi, si * num:(si + 1) * num] = sym
    return out, k_out, l_out


def _generate_tp(config, carrier, prbs, symbols, l_bar_of, apply_beta):
    from opennr.sequences.low_papr import group_sequence_hopping, low_papr_sequence

    d = config.dmrs
    start, _ = config.bwp(carrier)
    m_sc = 12 * prbs.size
    length = m_sc // 2
    n_id = carrier.n_cell_id if d.n_pusch_identity is None else d.n_pusch_identity
    mode = "group" if d.group_hopping else ("sequence" if d.sequence_hopping else "neither")
    n_sym = len(symbols)
    # allocation-relative subcarrier of sequence element m = 2n + k': 4n + 2k' = 2m (comb 2, Delta = 0)
    sc_alloc = (12 * prbs[:, None] + np.arange(12)[None, :]).ravel()  # allocated subcarriers, BWP-relative
    k_rel = sc_alloc[0::2]
    out = np.empty((1, n_sym * length), dtype=np.complex64)
    k_out = np.empty((1, n_sym * length), dtype=np.int64)
    l_out = np.empty((1, n_sym * length), dtype=np.int64)
    beta = d.beta if apply_beta else 1.0
    _, _, _, wt = dmrs_port_parameters(1, config.dmrs_ports[0])
    grid_k0 = 12 * (start - carrier.n_start_grid)
    for si, sym in enumerate(symbols):
        u, v = group_sequence_hopping(mode, n_id, carrier.slot_in_frame, sym,
                                      symbols_per_slot=carrier.symbols_per_slot, length=length)
        r = low_papr_sequence(int(u), int(v), length, 0.0, dtype=np.complex128)
        out[0, si * length:(si + 1) * length] = beta * wt[l_bar_of[sym]] * r
        k_out[0, si * length:(si + 1) * length] = grid_k0 + k_rel
        l_out[0, si * length:(si + 1) * length] = sym
    return out, k_out, l_out


def dmrs_symbols(config: SharedChannelConfig, carrier: CarrierConfig, *, apply_beta: bool = True) -> np.ndarray:
    """TS 38.211 §6.4.1.1 / §7.4.1.1: DM-RS values of every DM-RS port of a PUSCH or PDSCH.

    Parameters
    ----------
    config : SharedChannelConfig
        Direction, allocation, mapping type, layers and :class:`DmrsConfig`.
    carrier : CarrierConfig
        Slot number, cell identity and grid position.
    apply_beta : bool, default True
        Multiply by ``beta_DMRS`` (TS 38.214 Tables 4.1-1 / 6.2.2-1). MATLAB's ``nrPDSCHDMRS`` /
        ``nrPUSCHDMRS`` return the values without it.

    Returns
    -------
    numpy.ndarray of complex64, shape [P, N]
        ``P = num_layers`` DM-RS ports (in :attr:`SharedChannelConfig.dmrs_ports` order); ``N`` =
        DM-RS symbols x allocated PRBs x (6 or 4) REs, symbol-major, subcarrier ascending; same
        order as :func:`dmrs_indices`. Includes the ``w_f(k') w_t(l')`` cover codes.

    Raises
    ------
    TypeError, ValueError
        For a wrong type or an invalid configuration / carrier combination (naming the clause).

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig, DmrsConfig
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(dmrs=DmrsConfig(num_cdm_groups_without_data=1))
    >>> x = dmrs_symbols(cfg, carrier)
    >>> x.shape, x.dtype
    ((1, 24), dtype('complex64'))
    >>> bool(np.allclose(np.abs(x), 1.0))  # QPSK of unit modulus, beta_DMRS = 1
    True
    """
    _check(config, carrier)
    return _generate(config, carrier, bool(apply_beta))[0]


def dmrs_indices(config: SharedChannelConfig, carrier: CarrierConfig) -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §6.4.1.1.3 / §7.4.1.1.2: carrier-grid REs ``(k, l)`` of every DM-RS port.

    Parameters
    ----------
    config : SharedChannelConfig
    carrier : CarrierConfig

    Returns
    -------
    k, l : numpy.ndarray of int64, shape [P, N]
        0-based subcarrier (relative to subcarrier 0 of the carrier grid, CRB ``N_grid^start``) and
        symbol of each value of :func:`dmrs_symbols`. The flat per-port index is ``k + 12 N_grid l``.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig, DmrsConfig
    >>> cfg = SharedChannelConfig(num_layers=2, dmrs=DmrsConfig(ports=(0, 2)))
    >>> k, l = dmrs_indices(cfg, CarrierConfig(n_size_grid=1))
    >>> k[1].tolist(), sorted(set(l.ravel().tolist()))
    ([1, 3, 5, 7, 9, 11], [2])
    """
    _check(config, carrier)
    _, k, l = _generate(config, carrier, False)
    return k, l


def dmrs_grid(config: SharedChannelConfig, carrier: CarrierConfig, *, apply_beta: bool = True) -> np.ndarray:
    """TS 38.211 §6.4.1.1.3 / §7.4.1.1.2: one carrier grid per DM-RS port holding only the DM-RS.

    Parameters
    ----------
    config : SharedChannelConfig
    carrier : CarrierConfig
    apply_beta : bool, default True

    Returns
    -------
    numpy.ndarray of complex64, shape [P, K, L]
        ``K = 12 N_grid^size``, ``L = N_symb^slot``; zero outside the port's DM-RS REs.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> g = dmrs_grid(SharedChannelConfig(), CarrierConfig(n_size_grid=2))
    >>> g.shape, int(np.count_nonzero(g))
    ((1, 24, 14), 12)
    """
    _check(config, carrier)
    x, k, l = _generate(config, carrier, bool(apply_beta))
    grid = np.zeros((x.shape[0], carrier.num_subcarriers, carrier.symbols_per_slot), dtype=np.complex64)
    p = np.broadcast_to(np.arange(x.shape[0])[:, None], x.shape)
    grid[p, k, l] = x
    return grid
