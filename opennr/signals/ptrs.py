"""TS 38.211 V17 §6.4.1.2.1.1, §6.4.1.2.2.1, §7.4.1.2: PT-RS of the PDSCH and of the PUSCH (no transform precoding).

Sequence: ``r_k = r(2m + k')``, the DM-RS sequence (§6.4.1.1.1.1 / §7.4.1.1.1) of the associated DM-RS
port at its subcarrier ``k``, generated for the first DM-RS symbol ``l_0`` of the allocation (so the
value of a PT-RS subcarrier is the same in every PT-RS symbol).

Time (§7.4.1.2.2 / §6.4.1.2.2.1), symbols counted from the first allocated symbol: ``i = 0``,
``l_ref = 0``; while ``l_ref + i L_PT-RS`` is inside the allocation: if a symbol in
``max(l_ref + (i-1) L_PT-RS + 1, l_ref) .. l_ref + i L_PT-RS`` carries DM-RS, set ``i = 1`` and
``l_ref`` to the last such DM-RS symbol (the second of a double-symbol DM-RS) and test again;
otherwise add ``l_ref + i L_PT-RS`` and ``i += 1``.

Frequency: ``k = k_ref^RE + (i K_PT-RS + k_ref^RB) N_sc^RB`` over the ``N_RB`` allocated resource blocks
numbered 0..N_RB-1, with ``k_ref^RB = n_RNTI mod K_PT-RS`` if ``N_RB mod K_PT-RS = 0``, else
``n_RNTI mod (N_RB mod K_PT-RS)``, and ``k_ref^RE`` from Table 7.4.1.2.2-1 / 6.4.1.2.2.1-1 for the
associated DM-RS port (type 1 port ``p`` uses the row of ``p mod 4``, type 2 of ``p mod 6``: the
``w_t`` pairs share subcarriers).

Power: ``beta_PT-RS`` = ``sqrt(num_layers)`` (TS 38.214 Table 4.1-2, ``epre-Ratio`` 0: 0, 3, 4.77, 6 dB
for 1..4 layers; PUSCH Table 6.2.3.1-3 taken the same), or 1 with ``PtrsConfig.power`` 0 / 1.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr.ofdm.carrier import CarrierConfig
from opennr.physical_channels.config import SharedChannelConfig, dmrs_port_parameters
from opennr.sequences.gold import gold_sequence
from opennr.signals.dmrs import _check, _qpsk, dmrs_c_init

__all__ = ["ptrs_indices", "ptrs_subcarriers", "ptrs_symbol_indices", "ptrs_symbols"]

_CLAUSE = "TS 38.211 §7.4.1.2 / §6.4.1.2"


@cache
def _k_ref_table() -> dict[tuple[int, int, str], int]:
    out = {}
    for r in read_csv_rows("opennr.signals", "ptrs_k_ref.csv"):
        for off in ("00", "01", "10", "11"):
            out[(int(r["config_type"]), int(r["port"]), off)] = int(r[f"re{off}"])
    return out


def _check_ptrs(config) -> None:
    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if config.ptrs is None:
        raise ValueError(f"config.ptrs is None: the configuration has no PT-RS ({_CLAUSE})")


def ptrs_symbol_indices(config: SharedChannelConfig) -> tuple[int, ...]:
    """TS 38.211 §7.4.1.2.2 / §6.4.1.2.2.1: symbols of the slot carrying PT-RS.

    Parameters
    ----------
    config : SharedChannelConfig
        With ``ptrs`` set (``time_density`` = ``L_PT-RS``).

    Returns
    -------
    tuple of int
        Ascending slot symbols, never a DM-RS symbol.

    Examples
    --------
    >>> from opennr.physical_channels.config import DmrsConfig, PtrsConfig
    >>> cfg = SharedChannelConfig(symbol_allocation=(2, 12), ptrs=PtrsConfig(time_density=2),
    ...                           dmrs=DmrsConfig(type_a_position=3, additional_position=3))
    >>> ptrs_symbol_indices(cfg)
    (2, 7, 10, 13)
    """
    _check_ptrs(config)
    s, n = config.symbol_allocation
    step = config.ptrs.time_density
    dmrs = {x - s for x in config.dmrs_symbol_indices}
    out = []
    i, l_ref = 0, 0
    while l_ref + i * step < n:
        window = range(max(l_ref + (i - 1) * step + 1, l_ref), l_ref + i * step + 1)
        hits = [x for x in window if x in dmrs]
        if hits:
            i, l_ref = 1, max(hits)
            continue
        out.append(s + l_ref + i * step)
        i += 1
    return tuple(out)


def _ptrs_ports(config: SharedChannelConfig) -> tuple[int, ...]:
    ports = config.ptrs.ports
    return (min(config.dmrs_ports),) if ports is None else ports


def ptrs_subcarriers(config: SharedChannelConfig, carrier: CarrierConfig) -> np.ndarray:
    """TS 38.211 §7.4.1.2.2 / §6.4.1.2.2.1: carrier-grid subcarriers of each PT-RS port.

    Parameters
    ----------
    config : SharedChannelConfig
    carrier : CarrierConfig

    Returns
    -------
    numpy.ndarray of int64, shape [P_PT-RS, N_k]
        0-based subcarriers relative to the carrier grid, ascending.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import DmrsConfig, PtrsConfig
    >>> cfg = SharedChannelConfig(rnti=1, ptrs=PtrsConfig(frequency_density=4, re_offset="11"),
    ...                           dmrs=DmrsConfig(config_type=2))
    >>> ptrs_subcarriers(cfg, CarrierConfig(n_size_grid=12)).tolist()
    [[19, 67, 115]]
    """
    _check_ptrs(config)
    _check(config, carrier)
    prbs = config.prb_indices(carrier)
    start, _ = config.bwp(carrier)
    n_rb = prbs.size
    kp = config.ptrs.frequency_density
    rem = n_rb % kp
    k_rb = config.rnti % kp if rem == 0 else config.rnti % rem
    rbs = prbs[np.arange(k_rb, n_rb, kp)]
    ct = config.dmrs.config_type
    out = []
    for p in _ptrs_ports(config):
        k_re = _k_ref_table()[(ct, p % (4 if ct == 1 else 6), config.ptrs.re_offset)]
        out.append(12 * (start - carrier.n_start_grid + rbs) + k_re)
    return np.array(out, dtype=np.int64).reshape(len(out), -1)


def ptrs_indices(config: SharedChannelConfig, carrier: CarrierConfig) -> tuple[np.ndarray, np.ndarray]:
    """TS 38.211 §7.4.1.2.2 / §6.4.1.2.2.1: carrier-grid REs ``(k, l)`` of each PT-RS port.

    Returns
    -------
    k, l : numpy.ndarray of int64, shape [P_PT-RS, N]
        Symbol-major, subcarrier ascending (MATLAB's order); flat index ``k + 12 N_grid l``.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import PtrsConfig
    >>> k, l = ptrs_indices(SharedChannelConfig(ptrs=PtrsConfig(time_density=4)), CarrierConfig(n_size_grid=4))
    >>> k.shape, sorted(set(l.ravel().tolist()))
    ((1, 6), [0, 6, 10])
    """
    ks = ptrs_subcarriers(config, carrier)
    syms = np.asarray(ptrs_symbol_indices(config), dtype=np.int64)
    k = np.tile(ks, (1, syms.size))
    l = np.repeat(syms, ks.shape[1])[None, :].repeat(ks.shape[0], axis=0)
    return k, l


def ptrs_symbols(config: SharedChannelConfig, carrier: CarrierConfig, *, apply_beta: bool = True) -> np.ndarray:
    """TS 38.211 §7.4.1.2.1 / §6.4.1.2.1.1: PT-RS values ``beta_PT-RS r_k`` of each PT-RS port.

    Parameters
    ----------
    config : SharedChannelConfig
        With ``ptrs`` set; no transform precoding.
    carrier : CarrierConfig
    apply_beta : bool, default True
        Multiply by ``beta_PT-RS`` (see the module notes). MATLAB's ``nrPDSCHPTRS`` does not.

    Returns
    -------
    numpy.ndarray of complex64, shape [P_PT-RS, N]
        Same order as :func:`ptrs_indices`.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import PtrsConfig
    >>> x = ptrs_symbols(SharedChannelConfig(ptrs=PtrsConfig()), CarrierConfig(n_size_grid=4))
    >>> x.shape, bool(np.allclose(np.abs(x), 1))
    ((1, 26), True)
    """
    k, _ = ptrs_indices(config, carrier)
    ks = ptrs_subcarriers(config, carrier)
    n_sym = k.shape[1] // max(ks.shape[1], 1)
    l0 = config.dmrs_symbol_indices[0]
    ct = config.dmrs.config_type
    start_grid = 12 * carrier.n_start_grid
    out = np.empty(k.shape, dtype=np.complex64)
    beta = 1.0
    if apply_beta and config.ptrs.power == "auto":
        beta = float(np.sqrt(min(config.num_layers, 4)))
    for pi, p in enumerate(_ptrs_ports(config)):
        lam = dmrs_port_parameters(ct, p)[0]
        kc = ks[pi] + start_grid  # CRB-0 subcarriers
        within = kc % 12
        crb = kc // 12
        if ct == 1:
            m = 6 * crb + within // 2  # k = 4n + 2k' + Delta -> m = 2n + k'
        else:
            m = 4 * crb + 2 * (within // 6) + (within % 6 - 2 * lam)  # k = 6n + k' + Delta
        c = gold_sequence(dmrs_c_init(config, carrier, l0, lam), 2 * (int(m.max()) + 1))
        r = _qpsk(c)[m]
        out[pi] = np.tile(beta * r, n_sym)
    return out
