"""TS 38.211 V17 §7.4.1.2 / §6.4.1.2: PT-RS based common-phase-error (CPE) estimation and correction.

Phase noise of the oscillators turns every OFDM symbol ``l`` by a common phase ``theta_l`` (the CPE;
inter-carrier interference is not modelled). The PT-RS (:mod:`opennr.signals.ptrs`) are known
subcarriers on the symbols of the time rule of §7.4.1.2.2 / §6.4.1.2.2.1; with a channel estimate
``h`` (from the DM-RS, or perfect), the receiver measures on each PT-RS symbol

``theta_l = arg sum_{r, k in PT-RS} conj(h_{r,j}(k, l) a(k)) y_r(k, l)``

(``j`` the layer the PT-RS port rides on, ``a`` its value with ``beta_PT-RS``), interpolates the unit
phasors ``exp(j theta_l)`` linearly in time to the other allocated symbols (held constant before the
first and after the last PT-RS symbol), and rotates the received symbols back by ``exp(-j theta_l)``.
The estimator is not specified by 3GPP (the spec defines the reference signal only).

With transform precoding (PUSCH, §6.4.1.2.2.2) the PT-RS are time-domain samples inside the DFT
block: :func:`transform_precoded_common_phase_error` measures the phase on the deprecoded samples.
"""

from __future__ import annotations

import numpy as np

from opennr.ofdm.carrier import CarrierConfig
from opennr.physical_channels.config import SharedChannelConfig

__all__ = [
    "common_phase_error",
    "correct_common_phase_error",
    "transform_precoded_common_phase_error",
]

_CLAUSE = "TS 38.211 §7.4.1.2 / §6.4.1.2"


def _interpolate_phasors(known_syms: np.ndarray, phasors: np.ndarray, all_syms: np.ndarray) -> np.ndarray:
    """Linear interpolation of unit phasors ``[..., S]`` at ``known_syms`` onto ``all_syms``,
    renormalised to unit modulus (held beyond the ends); returns angles ``[..., L]``."""
    if known_syms.size == 1:
        return np.broadcast_to(np.angle(phasors), phasors.shape[:-1] + (all_syms.size,)).copy()
    lo = np.clip(np.searchsorted(known_syms, all_syms, side="right") - 1, 0, known_syms.size - 2)
    hi = lo + 1
    w = np.clip((all_syms - known_syms[lo]) / (known_syms[hi] - known_syms[lo]), 0.0, 1.0)
    z = phasors[..., lo] * (1.0 - w) + phasors[..., hi] * w
    return np.angle(z)


def _check_common(rx_grid, channel, config, carrier):
    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    config.check_carrier(carrier)
    if config.ptrs is None:
        raise ValueError(f"config.ptrs is None: phase tracking needs PT-RS ({_CLAUSE})")
    y = np.asarray(rx_grid)
    if not np.issubdtype(y.dtype, np.complexfloating) and not np.issubdtype(y.dtype, np.floating):
        raise TypeError(f"rx_grid must be a complex array, got dtype {y.dtype} ({_CLAUSE})")
    k_total, l_total = carrier.num_subcarriers, carrier.symbols_per_slot
    if y.ndim < 3 or y.shape[-2:] != (k_total, l_total):
        raise ValueError(f"rx_grid must have shape [..., R, {k_total}, {l_total}], got {y.shape} ({_CLAUSE})")
    h = np.asarray(channel)
    if not np.issubdtype(h.dtype, np.complexfloating) and not np.issubdtype(h.dtype, np.floating):
        raise TypeError(f"channel must be a complex array, got dtype {h.dtype} ({_CLAUSE})")
    v = config.num_layers
    if h.ndim < 4 or h.shape[-4] != y.shape[-3] or h.shape[-3] != v or h.shape[-2:] != (k_total, l_total):
        raise ValueError(
            f"channel must be the per-layer channel [..., R, v, K, L] = [..., {y.shape[-3]}, {v}, "
            f"{k_total}, {l_total}], got {h.shape} ({_CLAUSE})"
        )
    return y, h


def common_phase_error(rx_grid, channel, config: SharedChannelConfig, carrier: CarrierConfig) -> np.ndarray:
    """TS 38.211 §7.4.1.2 / §6.4.1.2: common phase error of each OFDM symbol from the PT-RS.

    ``rx [..., R, K, L], h [..., R, v, K, L] -> theta [..., L]`` (radians; measured on PT-RS
    symbols, interpolated on the others inside the allocation, 0 outside it).

    Parameters
    ----------
    rx_grid : array_like of complex, shape [..., R, K, L]
        Received carrier grid.
    channel : array_like of complex, shape [..., R, v, K, L]
        Per-layer (effective, precoding included) channel estimate, e.g.
        :func:`opennr.receiver.dmrs_channel_estimate`'s ``h``.
    config : SharedChannelConfig
        With ``ptrs`` set and no transform precoding (see
        :func:`transform_precoded_common_phase_error`).
    carrier : opennr.ofdm.CarrierConfig

    Returns
    -------
    numpy.ndarray of float32, shape [..., L]

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels import SharedChannelConfig, PtrsConfig, pdsch_transmit
    >>> from opennr.physical_channels import shared_channel_indices
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(ptrs=PtrsConfig())
    >>> g = shared_channel_indices(cfg, carrier).size * 2
    >>> tx = pdsch_transmit(np.zeros(g, np.uint8), cfg, carrier)      # [1, 48, 14]
    >>> rx = tx * np.exp(0.1j * np.arange(14))                          # phase ramp
    >>> theta = common_phase_error(rx, np.ones((1, 1, 48, 14), np.complex64), cfg, carrier)
    >>> [round(float(t), 3) for t in theta[[0, 3, 13]]]
    [0.0, 0.3, 1.3]
    """
    if getattr(config, "transform_precoding", False):
        raise ValueError(
            "with transform precoding the PT-RS are inside the DFT block: use "
            f"transform_precoded_common_phase_error ({_CLAUSE})"
        )
    y, h = _check_common(rx_grid, channel, config, carrier)
    from opennr.signals.ptrs import (
        _ptrs_ports,
        ptrs_indices,
        ptrs_symbol_indices,
        ptrs_symbols,
    )

    a = ptrs_symbols(config, carrier, apply_beta=True)  # [P_pt, N]
    pk, pl = ptrs_indices(config, carrier)
    syms = np.asarray(ptrs_symbol_indices(config), dtype=np.int64)
    n_k = pk.shape[1] // max(syms.size, 1)
    batch = np.broadcast_shapes(y.shape[:-3], h.shape[:-4])
    acc = np.zeros(batch + (syms.size,), dtype=np.complex128)
    for row, port in enumerate(_ptrs_ports(config)):
        j = config.dmrs_ports.index(port)
        yk = y[..., :, pk[row], pl[row]]  # [..., R, N]
        hk = h[..., :, j, pk[row], pl[row]]  # [..., R, N]
        corr = (np.conj(hk * a[row]) * yk).sum(axis=-2)  # [..., N]
        acc += corr.reshape(corr.shape[:-1] + (syms.size, n_k)).sum(axis=-1)
    s, n = config.symbol_allocation
    alloc = np.arange(s, s + n, dtype=np.float64)
    mag = np.abs(acc)
    phasors = np.where(mag > 0, acc / np.where(mag > 0, mag, 1.0), 1.0)
    theta = np.zeros(batch + (carrier.symbols_per_slot,), dtype=np.float32)
    if syms.size:
        theta[..., s:s + n] = _interpolate_phasors(syms.astype(np.float64), phasors, alloc)
    return theta


def correct_common_phase_error(rx_grid, theta) -> np.ndarray:
    """TS 38.211 §7.4.1.2 / §6.4.1.2: rotate each OFDM symbol back by its common phase error.

    ``rx [..., R, K, L], theta [..., L] -> [..., R, K, L]``: ``y exp(-j theta_l)``.

    Parameters
    ----------
    rx_grid : array_like of complex, shape [..., R, K, L]
    theta : array_like of float, shape [..., L]
        From :func:`common_phase_error`.

    Returns
    -------
    numpy.ndarray of complex64, shape [..., R, K, L]

    Examples
    --------
    >>> y = np.exp(1j * np.array([[[0.0, 0.5]]]))
    >>> z = correct_common_phase_error(y, np.array([0.0, 0.5]))
    >>> bool(np.allclose(z, 1.0, atol=1e-6))
    True
    """
    y = np.asarray(rx_grid)
    t = np.asarray(theta)
    if not np.issubdtype(t.dtype, np.floating) and not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"theta must be real (radians), got dtype {t.dtype} ({_CLAUSE})")
    if y.ndim < 3 or t.ndim < 1 or t.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"theta [..., L] must match rx_grid [..., R, K, L] in L, got {t.shape} and {y.shape} ({_CLAUSE})"
        )
    rot = np.exp(-1j * t.astype(np.float32))[..., None, None, :]
    return (y * rot).astype(np.complex64)


def transform_precoded_common_phase_error(samples, h_gain, config: SharedChannelConfig,
                                          carrier: CarrierConfig) -> np.ndarray:
    """TS 38.211 §6.4.1.2.2.2: common phase error per symbol from the pre-DFT PT-RS samples.

    ``samples [..., N_sym, M_sc], h_gain [..., N_sym] -> theta [..., N_sym]``, for the transform
    precoded PUSCH after equalisation and transform deprecoding (the samples of each data symbol
    of the allocation, in order): ``theta = arg sum_{PT-RS m} conj(g a_m) x_m`` on the PT-RS
    symbols, interpolated in time over the others.

    Parameters
    ----------
    samples : array_like of complex, shape [..., N_sym, M_sc]
        Equalised, deprecoded samples of the ``N_sym`` data symbols (allocation without DM-RS).
    h_gain : array_like of float, shape [..., N_sym] or broadcastable
        Real gain of the (unbiased) equaliser output; 1 for an unbiased LMMSE.
    config : SharedChannelConfig
        ``direction="uplink"``, ``transform_precoding=True``, ``ptrs`` set.
    carrier : opennr.ofdm.CarrierConfig

    Returns
    -------
    numpy.ndarray of float32, shape [..., N_sym]

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.signals.ptrs import _tp_example_config, transform_precoded_ptrs
    >>> carrier, cfg = CarrierConfig(n_size_grid=4), _tp_example_config()
    >>> lay = transform_precoded_ptrs(cfg, carrier)
    >>> x = np.zeros((lay.data_symbols.size, lay.m_sc), np.complex64)
    >>> x[:, lay.positions] = lay.values
    >>> x *= np.exp(0.05j * lay.data_symbols)[:, None]          # phase ramp over the slot
    >>> theta = transform_precoded_common_phase_error(x, 1.0, cfg, carrier)
    >>> bool(np.allclose(theta, 0.05 * lay.data_symbols, atol=1e-5))
    True
    """
    from opennr.signals.ptrs import transform_precoded_ptrs

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    lay = transform_precoded_ptrs(config, carrier)
    x = np.asarray(samples)
    n_sym = lay.data_symbols.size
    if x.ndim < 2 or x.shape[-2:] != (n_sym, lay.m_sc):
        raise ValueError(f"samples must have shape [..., {n_sym}, {lay.m_sc}], got {x.shape} ({_CLAUSE})")
    g = np.broadcast_to(np.asarray(h_gain, dtype=np.float64), x.shape[:-1])
    rows = lay.ptrs_rows  # rows of samples (data symbols) carrying PT-RS
    corr = (np.conj(lay.values) * x[..., rows, :][..., lay.positions]).sum(axis=-1) * g[..., rows]
    mag = np.abs(corr)
    phasors = np.where(mag > 0, corr / np.where(mag > 0, mag, 1.0), 1.0)
    theta = _interpolate_phasors(lay.data_symbols[rows].astype(np.float64), phasors,
                                 lay.data_symbols.astype(np.float64))
    return theta.astype(np.float32)
