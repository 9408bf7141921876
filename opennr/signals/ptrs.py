"""TS 38.211 V17 §6.4.1.2, §7.4.1.2: PT-RS of the PDSCH and of the PUSCH (with and without transform precoding).

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

Transform precoding (PUSCH, §6.4.1.2.1.2 and §6.4.1.2.2.2): on the same symbols, ``N_group^PT-RS``
groups of ``N_samp^group`` samples are placed *before* the DFT of each PT-RS symbol, at the indices
``m`` of Table 6.4.1.2.2.2-1 (:func:`transform_precoded_ptrs_positions`), with values
``r(m') = w(k') exp(j pi/2 (m mod 2)) ((1 - 2c(m')) + j(1 - 2c(m'))) / sqrt 2``, ``m' = N_samp s' + k'``,
``w`` the row ``n_RNTI mod N_samp^group`` of Table 6.4.1.2.1.2-1 and ``c`` the Gold sequence with
``c_init = (2^17 (N_symb^slot n_s,f + l + 1)(2 N_ID + 1) + 2 N_ID) mod 2^31`` for ``l`` the first PT-RS
symbol (MATLAB's reading; the same values on every PT-RS symbol), scaled by ``beta'`` of TS 38.214
Table 6.2.3.2-1 (the corner amplitude of the data constellation: 1 for pi/2-BPSK and QPSK, 3/sqrt 5,
7/sqrt 21, 15/sqrt 85 for 16/64/256QAM). ``N_samp^group`` and ``N_group^PT-RS`` are read from
``config.ptrs.num_samples`` / ``num_groups`` when the configuration has them, else 2 and 2
(MATLAB's defaults); ``N_ID`` from ``config.ptrs.n_id``, else ``config.dmrs.n_pusch_identity``,
else ``N_ID^cell``. The data of a PT-RS symbol fills the other ``M_sc - N_group N_samp`` positions.

Power: ``beta_PT-RS`` = ``sqrt(num_layers)`` (TS 38.214 Table 4.1-2, ``epre-Ratio`` 0: 0, 3, 4.77, 6 dB
for 1..4 layers; PUSCH Table 6.2.3.1-3 taken the same), or 1 with ``PtrsConfig.power`` 0 / 1.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int
from opennr.ofdm.carrier import CarrierConfig
from opennr.physical_channels.config import SharedChannelConfig, dmrs_port_parameters
from opennr.sequences.gold import gold_sequence
from opennr.signals.dmrs import _check, _qpsk, dmrs_c_init

__all__ = [
    "TransformPrecodedPtrs",
    "ptrs_indices",
    "ptrs_subcarriers",
    "ptrs_symbol_indices",
    "ptrs_symbols",
    "transform_precoded_ptrs",
    "transform_precoded_ptrs_positions",
]

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


# ---------------------------------------------------------------------------------------------
# transform precoding (PUSCH, §6.4.1.2.1.2, §6.4.1.2.2.2)
# ---------------------------------------------------------------------------------------------
_TP_CLAUSE = "TS 38.211 §6.4.1.2.2.2"
_TP_PAIRS = ((2, 2), (2, 4), (4, 2), (4, 4), (8, 4))  # (N_group, N_samp) of Table 6.4.1.2.2.2-1
#: TS 38.214 Table 6.2.3.2-1: PT-RS scaling factor beta' with transform precoding.
_BETA_PRIME = {"pi/2-BPSK": 1.0, "BPSK": 1.0, "QPSK": 1.0, "16QAM": 3 / np.sqrt(5),
               "64QAM": 7 / np.sqrt(21), "256QAM": 15 / np.sqrt(85)}


def transform_precoded_ptrs_positions(num_groups: int, num_samples: int, m_sc: int) -> np.ndarray:
    """TS 38.211 Table 6.4.1.2.2.2-1: pre-DFT sample indices ``m`` of the PT-RS groups.

    ``-> [N_group N_samp]``, group-major (``s``, then ``k'``), ascending.

    Parameters
    ----------
    num_groups : {2, 4, 8}
        ``N_group^PT-RS``.
    num_samples : {2, 4}
        ``N_samp^group`` (8 groups only with 4 samples).
    m_sc : int
        ``M_sc^PUSCH = 12 M_RB`` (>= 12; at least ``N_group N_samp``).

    Returns
    -------
    numpy.ndarray of int64

    Notes
    -----
    ``(2, 2)``: ``s floor(M/4) + k' - 1``, ``s = 1, 3``; ``(2, 4)``: ``s (M - 4) + k'``, ``s = 0, 1``;
    ``(4, 2)``: ``floor(s M / 8) + k' - 1``, ``s = 1, 3, 5, 7``; ``(4, 4)``: ``s M/4 + k' + n``,
    ``s = 0..3``, ``n = 0, floor(M/8) - 2, floor(M/8) - 2, M/4 - 4``; ``(8, 4)``: ``s M/8 + k' + n``,
    ``s = 0..7``, ``n = 0``, ``floor(M/16) - 2`` (``s = 1..6``), ``M/8 - 4`` (``s = 7``).

    Examples
    --------
    >>> transform_precoded_ptrs_positions(2, 2, 48).tolist()
    [11, 12, 35, 36]
    >>> transform_precoded_ptrs_positions(4, 4, 48).tolist()[:8]
    [0, 1, 2, 3, 16, 17, 18, 19]
    """
    check_choice((num_groups, num_samples), "(num_groups, num_samples)", _TP_PAIRS,
                 clause="TS 38.211 Table 6.4.1.2.2.2-1")
    m = check_int(m_sc, "m_sc", low=12, clause=_TP_CLAUSE)
    if m % 12:
        raise ValueError(f"m_sc must be 12 M_RB, got {m_sc} ({_TP_CLAUSE})")
    k = np.arange(num_samples)
    if (num_groups, num_samples) == (2, 2):
        starts = [s * (m // 4) - 1 for s in (1, 3)]
    elif (num_groups, num_samples) == (2, 4):
        starts = [s * (m - 4) for s in (0, 1)]
    elif (num_groups, num_samples) == (4, 2):
        starts = [(s * m) // 8 - 1 for s in (1, 3, 5, 7)]
    elif (num_groups, num_samples) == (4, 4):
        starts = [0, m // 4 + m // 8 - 2, m // 2 + m // 8 - 2, m - 4]
    else:
        starts = [0] + [(s * m) // 8 + m // 16 - 2 for s in range(1, 7)] + [m - 4]
    out = (np.asarray(starts)[:, None] + k[None, :]).ravel().astype(np.int64)
    if out.min() < 0 or out.max() >= m or np.unique(out).size != out.size:
        raise ValueError(f"M_sc = {m} is too small for {num_groups} PT-RS groups of {num_samples} "
                         f"samples ({_TP_CLAUSE})")
    return out


class TransformPrecodedPtrs(NamedTuple):
    """TS 38.211 §6.4.1.2.2.2: where and what the pre-DFT PT-RS of a transform-precoded PUSCH are.

    Attributes
    ----------
    m_sc : int
        ``M_sc^PUSCH`` samples per DFT block.
    data_symbols : numpy.ndarray of int64, shape [N_sym]
        Slot symbols of the allocation that carry a DFT block (not DM-RS), ascending.
    ptrs_rows : numpy.ndarray of int64, shape [N_pt]
        Indices into ``data_symbols`` of the PT-RS symbols.
    positions : numpy.ndarray of int64, shape [N_group N_samp]
        Sample indices ``m`` inside each PT-RS block (Table 6.4.1.2.2.2-1).
    values : numpy.ndarray of complex64, shape [N_group N_samp]
        ``beta' r(m')`` (the same on every PT-RS symbol).

    Examples
    --------
    >>> lay = TransformPrecodedPtrs(48, np.arange(1, 14), np.arange(13), np.arange(4), np.ones(4))
    >>> lay.m_sc
    48
    """

    m_sc: int
    data_symbols: np.ndarray
    ptrs_rows: np.ndarray
    positions: np.ndarray
    values: np.ndarray


def _tp_parameters(config) -> tuple[int, int, int | None]:
    p = config.ptrs
    return (int(getattr(p, "num_groups", 2)), int(getattr(p, "num_samples", 2)),
            getattr(p, "n_id", None))


def transform_precoded_ptrs(config: SharedChannelConfig, carrier: CarrierConfig, *,
                            apply_beta: bool = True) -> TransformPrecodedPtrs:
    """TS 38.211 §6.4.1.2.1.2 / §6.4.1.2.2.2: pre-DFT PT-RS of a transform-precoded PUSCH.

    Parameters
    ----------
    config : SharedChannelConfig
        ``direction="uplink"``, ``transform_precoding=True``, ``ptrs`` set (see the module notes
        for ``N_group^PT-RS``, ``N_samp^group`` and ``N_ID``).
    carrier : CarrierConfig
        Slot number and ``N_symb^slot`` (for ``c_init``), ``N_ID^cell``.
    apply_beta : bool, default True
        Multiply by ``beta'`` (TS 38.214 Table 6.2.3.2-1). MATLAB's ``nrPUSCHPTRS`` does not.

    Returns
    -------
    TransformPrecodedPtrs

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import DmrsConfig
    >>> cfg = _tp_example_config()
    >>> lay = transform_precoded_ptrs(cfg, CarrierConfig(n_size_grid=4))
    >>> lay.data_symbols.tolist()[:4], lay.ptrs_rows.tolist()[:4], lay.positions.tolist()
    ([0, 1, 3, 4], [0, 1, 2, 3], [11, 12, 35, 36])
    >>> bool(np.allclose(np.abs(lay.values), 1.0))
    True
    """
    _check_ptrs(config)
    _check(config, carrier)
    if config.direction != "uplink" or not config.transform_precoding:
        raise ValueError(f"transform-precoded PT-RS need direction='uplink' and transform_precoding=True "
                         f"({_TP_CLAUSE})")
    n_group, n_samp, n_id = _tp_parameters(config)
    m_sc = 12 * int(config.prb_indices(carrier).size)
    pos = transform_precoded_ptrs_positions(n_group, n_samp, m_sc)
    s, n = config.symbol_allocation
    dm = set(config.dmrs_symbol_indices)
    data_syms = np.array([x for x in range(s, s + n) if x not in dm], dtype=np.int64)
    pt_syms = np.asarray(ptrs_symbol_indices(config), dtype=np.int64)
    rows = np.searchsorted(data_syms, pt_syms).astype(np.int64)
    if n_id is None:
        n_id = config.dmrs.n_pusch_identity
    if n_id is None:
        n_id = carrier.n_cell_id
    n_id = int(n_id)
    l_first = int(pt_syms[0]) if pt_syms.size else s
    n_symb = carrier.symbols_per_slot
    c_init = (2**17 * (n_symb * carrier.slot_in_frame + l_first + 1) * (2 * n_id + 1) + 2 * n_id) % 2**31
    c = gold_sequence(c_init, pos.size).astype(np.float64)
    w_table = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=np.float64)
    w = w_table[config.rnti % n_samp, :n_samp]
    bpsk = (1.0 - 2.0 * c) / np.sqrt(2.0)
    r = np.tile(w, n_group) * np.exp(0.5j * np.pi * (pos % 2)) * (bpsk + 1j * bpsk)
    if apply_beta:
        mod = config.modulation if isinstance(config.modulation, str) else config.modulation[0]
        r = r * _BETA_PRIME.get(mod, 1.0)
    return TransformPrecodedPtrs(m_sc, data_syms, rows, pos, r.astype(np.complex64))


def _tp_example_config():
    """A transform-precoded PUSCH configuration with PT-RS, for the examples (see the module notes)."""
    from opennr.physical_channels.config import PtrsConfig

    cfg = SharedChannelConfig(direction="uplink", transform_precoding=True, prb_set=tuple(range(4)))
    try:
        return SharedChannelConfig(direction="uplink", transform_precoding=True,
                                   prb_set=tuple(range(4)), ptrs=PtrsConfig())
    except NotImplementedError:  # config validation predates transform-precoded PT-RS
        object.__setattr__(cfg, "ptrs", PtrsConfig())
        return cfg
