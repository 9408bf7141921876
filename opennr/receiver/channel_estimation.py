"""TS 38.211 V17 §6.4.1.1 / §7.4.1.1: DM-RS based channel estimation of the PUSCH and the PDSCH.

The DM-RS of each layer (port ``p~`` / ``1000 + p``) is known to the receiver (:func:`opennr.signals.
dmrs_symbols`, including ``beta_DMRS`` and the ``w_f(k') w_t(l')`` covers), so the channel is
estimated in four steps, as MATLAB's ``nrChannelEstimate`` does:

1. **Least squares** at the DM-RS REs of port ``p``: ``h_LS(k, l) = y(k, l) / a_p(k, l)``.
2. **CDM despreading** (``cdm_despreading=True``): the ports of one CDM group share the REs and are
   separated by their covers. ``w_f`` differs between the two REs ``k' = 0, 1`` of a pair (type 1:
   ``k = 4n + Delta`` and ``4n + 2 + Delta``; type 2: ``6n + Delta`` and ``6n + 1 + Delta``) and
   ``w_t`` between the two symbols ``l' = 0, 1`` of a double-symbol occasion; averaging ``h_LS``
   over the pair (and the two symbols) cancels the other ports of the group exactly when the
   channel is constant over those 2 (4) REs. The average is placed at the mean subcarrier (and
   mean symbol) of the REs it used, so a channel linear in frequency is estimated without bias.
3. **Interpolation**: in frequency, linear between the despread estimates over the allocated PRBs'
   subcarriers, constant beyond the first/last estimate (``interpolation="nearest"``: nearest
   estimate); in time, linear between the DM-RS occasions, constant before the first and after
   the last (``time_averaging=True``: the mean of all occasions on every symbol). The estimate
   covers the allocation (allocated PRBs x allocated symbols) and is zero elsewhere.
4. **Noise variance** from the residual of the despread estimates against a local linear
   prediction along frequency (see :func:`dmrs_channel_estimate`, Notes).

``interpolation="wiener"`` replaces step 3 by linear MMSE (Wiener) filters in frequency and time
with a prior from an RMS delay spread (exponential or uniform power delay profile,
:func:`frequency_correlation`) and a maximum Doppler shift (Jakes, :func:`time_correlation`).
:func:`reference_channel_estimate` is the same procedure for reference REs given by position
(any reference signal; MATLAB's ``nrChannelEstimate`` form), over the whole grid.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from opennr._validation import check_choice
from opennr.ofdm.carrier import CarrierConfig
from opennr.physical_channels.config import SharedChannelConfig

__all__ = [
    "ChannelEstimate",
    "dmrs_channel_estimate",
    "frequency_correlation",
    "reference_channel_estimate",
    "time_correlation",
]

_CLAUSE = "TS 38.211 §6.4.1.1 / §7.4.1.1"
INTERPOLATIONS = ("linear", "nearest", "wiener")
POWER_DELAY_PROFILES = ("exponential", "uniform")


class ChannelEstimate(NamedTuple):
    """TS 38.211 §6.4.1.1 / §7.4.1.1: result of :func:`dmrs_channel_estimate`.

    Attributes
    ----------
    h : numpy.ndarray of complex64, shape [..., R, P, K, L]
        Effective channel from DM-RS port (layer) ``p`` to receive antenna ``r`` on the carrier
        grid, precoding included; zero outside the allocated PRBs and symbols.
    noise_var : numpy.ndarray of float32, shape [...]
        Estimated noise variance per RE of the received grid (``E|n|^2``), pooled over antennas,
        ports and DM-RS symbols.

    Examples
    --------
    >>> est = ChannelEstimate(np.zeros((1, 1, 12, 14), np.complex64), np.float32(0.1))
    >>> h, noise_var = est
    >>> h.shape
    (1, 1, 12, 14)
    """

    h: np.ndarray
    noise_var: np.ndarray


def _linear_weights(src: np.ndarray, dst: np.ndarray, nearest: bool):
    """Indices ``lo, hi`` into ``src`` (ascending) and weights ``w`` so that
    ``f(dst) ~ (1 - w) f(src[lo]) + w f(src[hi])``; constant beyond the ends."""
    n = src.size
    if n == 1:
        z = np.zeros(dst.size, dtype=np.int64)
        return z, z, np.zeros(dst.size)
    lo = np.clip(np.searchsorted(src, dst, side="right") - 1, 0, n - 2)
    hi = lo + 1
    w = np.clip((dst - src[lo]) / (src[hi] - src[lo]), 0.0, 1.0)
    if nearest:
        w = (w > 0.5).astype(np.float64)
    return lo, hi, w


def frequency_correlation(delta_f, delay_spread: float, power_delay_profile: str = "exponential") -> np.ndarray:
    """Frequency correlation ``r_f(Delta f) = E[H(f + Delta f) H*(f)]`` of a unit-power channel.

    Prior of the Wiener (LMMSE) interpolator of :func:`dmrs_channel_estimate` (TS 38.211
    §6.4.1.1 / §7.4.1.1 DM-RS; the estimator itself is not specified by 3GPP). With
    ``H(f) = sum_n h_n exp(-j 2 pi f tau_n)`` and a power delay profile ``P(tau)`` of RMS delay
    spread ``tau_rms``:

    * ``"exponential"``: ``P(tau) ~ exp(-tau / tau_rms)``, ``r_f = 1 / (1 + j 2 pi Delta f tau_rms)``;
    * ``"uniform"``: ``P`` flat on ``[0, tau_max]``, ``tau_max = sqrt(12) tau_rms``,
      ``r_f = exp(-j pi Delta f tau_max) sinc(Delta f tau_max)``.

    ``[...] -> [...]``.

    Parameters
    ----------
    delta_f : array_like of float
        Frequency differences in Hz.
    delay_spread : float
        RMS delay spread ``tau_rms`` in seconds (>= 0).
    power_delay_profile : {"exponential", "uniform"}, default "exponential"

    Returns
    -------
    numpy.ndarray of complex128

    Examples
    --------
    >>> r = frequency_correlation([0.0, 1e6], 100e-9)
    >>> bool(r[0] == 1), round(float(abs(r[1])), 4)
    (True, 0.8467)
    """
    check_choice(power_delay_profile, "power_delay_profile", POWER_DELAY_PROFILES, clause=_CLAUSE)
    tau = _check_nonneg(delay_spread, "delay_spread")
    df = np.asarray(delta_f, dtype=np.float64)
    if power_delay_profile == "exponential":
        return 1.0 / (1.0 + 2j * np.pi * df * tau)
    tau_max = np.sqrt(12.0) * tau
    return np.exp(-1j * np.pi * df * tau_max) * np.sinc(df * tau_max)


def time_correlation(delta_t, max_doppler: float) -> np.ndarray:
    """Time correlation ``r_t(Delta t) = J_0(2 pi f_D Delta t)`` of a unit-power channel (Jakes).

    Prior of the Wiener interpolation in time of :func:`dmrs_channel_estimate` (TS 38.211
    §6.4.1.1 / §7.4.1.1 DM-RS): Clarke/Jakes isotropic scattering with maximum Doppler shift
    ``f_D``. ``[...] -> [...]``.

    Parameters
    ----------
    delta_t : array_like of float
        Time differences in seconds.
    max_doppler : float
        ``f_D`` in Hz (>= 0).

    Returns
    -------
    numpy.ndarray of float64

    Examples
    --------
    >>> time_correlation([0.0, 1e-3], 100.0).round(4).tolist()
    [1.0, 0.9037]
    """
    from scipy.special import j0

    fd = _check_nonneg(max_doppler, "max_doppler")
    return j0(2.0 * np.pi * fd * np.asarray(delta_t, dtype=np.float64))


def _check_nonneg(value, name: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} ({_CLAUSE})")
    val = float(value)
    if not np.isfinite(val) or val < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r} ({_CLAUSE})")
    return val


#: Despread DM-RS estimates each Wiener-interpolated value is computed from (the nearest ones).
_WIENER_TAPS = 24


def _wiener_frequency(ls, inv_pow, pos_k, k_alloc, noise_var, scs_hz, delay_spread, pdp):
    """Frequency Wiener filter of the despread estimates of each port onto ``k_alloc``.

    ``ls`` [..., R, P, S, F] -> ([..., R, P, S, K_alloc], relative error variance [P, K_alloc]).
    Each output uses the ``M = min(F, 24)`` nearest estimates: ``w_k = r_k^T (R_MM + (sigma^2 /
    P_h) diag(c))^-1``; the ``M x M`` matrices are inverted once per distinct window (one for an
    evenly spaced allocation). The prior's power ``P_h`` is ``mean|h_LS|^2 - sigma^2 mean c``
    over all ports.
    """
    num_p, f = ls.shape[-3], ls.shape[-1]
    m = min(f, _WIENER_TAPS)
    out = np.empty(ls.shape[:-1] + (k_alloc.size,), dtype=np.complex64)
    err = np.empty((num_p, k_alloc.size))
    sigma2 = float(np.mean(noise_var))
    c_all = inv_pow.mean(axis=1)  # [P, F], noise gain of each despread estimate
    power = float(np.mean(np.abs(ls) ** 2))
    p_h = max(power - sigma2 * float(c_all.mean()), 1e-3 * max(power, 1e-30))
    cache = {}
    for p in range(num_p):
        src, c = pos_k[p], c_all[p]
        key = (src.tobytes(), c.tobytes())
        if key not in cache:
            nearest = np.clip(np.searchsorted(src, k_alloc), 0, f - 1)
            start = np.clip(nearest - m // 2, 0, f - m)
            inv_of = {}
            a_inv = np.empty((f - m + 1, m, m), dtype=np.complex128)
            for st in np.unique(start):
                pos, cc = src[st:st + m], c[st:st + m]
                wkey = ((pos - pos[0]).tobytes(), cc.tobytes())
                if wkey not in inv_of:
                    a = frequency_correlation(scs_hz * (pos[:, None] - pos[None, :]), delay_spread, pdp)
                    a[np.arange(m), np.arange(m)] += sigma2 / p_h * cc + 1e-9
                    inv_of[wkey] = np.linalg.inv(np.conj(a))  # A^T = conj(A): w = A^-T r
                a_inv[st] = inv_of[wkey]
            idx = start[:, None] + np.arange(m)[None, :]  # [K_alloc, M]
            r = frequency_correlation(scs_hz * (k_alloc[:, None] - src[idx]), delay_spread, pdp)
            w = np.einsum("kij,kj->ki", a_inv[start], r)  # [K_alloc, M]
            e = np.clip(1.0 - np.real(np.sum(w * np.conj(r), axis=1)), 0.0, 1.0)
            cache[key] = (idx, w.astype(np.complex64), e)
        idx, w, e = cache[key]
        err[p] = e
        out[..., p, :, :] = np.einsum("...km,km->...k", ls[..., p, :, :][..., idx], w)
    return out, err


def _wiener_time(pos_l, l_alloc, t_sym, max_doppler, rel_err):
    """Time Wiener weights ``[L_alloc, S]`` from the DM-RS occasions ``pos_l`` onto ``l_alloc``."""
    r_tt = time_correlation(t_sym * (pos_l[:, None] - pos_l[None, :]), max_doppler)
    r_lt = time_correlation(t_sym * (l_alloc[:, None] - pos_l[None, :]), max_doppler)
    a = r_tt + np.eye(pos_l.size) * (rel_err + 1e-6)
    return np.linalg.solve(a.T, r_lt.T).T


def _check_rx_grid(rx_grid, carrier: CarrierConfig) -> np.ndarray:
    arr = np.asarray(rx_grid)
    if not (np.issubdtype(arr.dtype, np.complexfloating) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"rx_grid must be a complex (or real) floating-point array, got dtype {arr.dtype} "
                        f"({_CLAUSE})")
    k, l = carrier.num_subcarriers, carrier.symbols_per_slot
    if arr.ndim < 3 or arr.shape[-2:] != (k, l):
        raise ValueError(f"rx_grid must have shape [..., R, K={k}, L={l}] (K = 12 N_grid^size subcarriers, "
                         f"L symbols per slot of the carrier), got shape {arr.shape} ({_CLAUSE})")
    arr = arr.astype(np.complex64, copy=False)
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"rx_grid contains NaN or infinite values ({_CLAUSE})")
    return arr


def dmrs_channel_estimate(
    rx_grid,
    config: SharedChannelConfig,
    carrier: CarrierConfig,
    *,
    interpolation: str = "linear",
    cdm_despreading: bool = True,
    time_averaging: bool = False,
    delay_spread: float = 300e-9,
    max_doppler: float = 0.0,
    power_delay_profile: str = "exponential",
) -> ChannelEstimate:
    """TS 38.211 §6.4.1.1 / §7.4.1.1: DM-RS channel and noise estimate of a PUSCH or PDSCH slot.

    ``[..., R, K, L] -> h [..., R, P, K, L], noise_var [...]``.

    Parameters
    ----------
    rx_grid : array_like of complex, shape [..., R, K, L]
        Received carrier grid (after OFDM demodulation) of ``R`` receive antennas; ``K = 12
        N_grid^size``, ``L = N_symb^slot``.
    config : SharedChannelConfig
        The PUSCH/PDSCH configuration the slot was sent with (DM-RS, ports, allocation).
    carrier : opennr.ofdm.CarrierConfig
    interpolation : {"linear", "nearest", "wiener"}, default "linear"
        Interpolation of the (despread) DM-RS estimates: linear (or nearest) in frequency then
        linear in time, or ``"wiener"``: a linear MMSE (Wiener) filter in frequency and then in
        time with the prior of ``delay_spread``, ``power_delay_profile`` and ``max_doppler``
        (see Notes).
    cdm_despreading : bool, default True
        Average over the 2 (single-symbol) or 4 (double-symbol) REs of each CDM cover before
        interpolating. Without it, ports sharing a CDM group are not separated.
    time_averaging : bool, default False
        Use the mean of all DM-RS occasions on every symbol instead of linear interpolation in time
        (lower noise for a channel that does not change over the slot).
    delay_spread : float, default 300e-9
        ``"wiener"`` only: RMS delay spread ``tau_rms`` of the prior in seconds (see
        :func:`frequency_correlation`). Assuming more than the true spread costs little; less
        costs a floor from the frequency selectivity that is filtered away.
    max_doppler : float, default 0.0
        ``"wiener"`` only: maximum Doppler shift ``f_D`` of the prior in Hz (Jakes,
        :func:`time_correlation`); with 0 the DM-RS occasions are averaged.
    power_delay_profile : {"exponential", "uniform"}, default "exponential"
        ``"wiener"`` only: shape of the prior's power delay profile.

    Returns
    -------
    ChannelEstimate
        ``h`` complex64 ``[..., R, P, K, L]`` (``P = num_layers`` DM-RS ports, in
        ``config.dmrs_ports`` order: the effective channel ``H W`` of each layer) and
        ``noise_var`` float32 ``[...]``.

    Raises
    ------
    TypeError, ValueError
        For a wrong type, a grid that does not match the carrier, NaN/inf samples or an unknown
        option.

    Notes
    -----
    Noise variance: let ``h_u`` be the despread estimates of one (antenna, port, DM-RS occasion)
    along frequency, at subcarrier positions ``s_u``. With ``M`` REs per estimate (1, 2 or 4) and
    DM-RS values ``a_i``, ``h_u`` carries noise of variance ``sigma^2 c_u`` with
    ``c_u = sum_i |a_i|^-2 / M^2``. The residual against the linear interpolation of the two
    neighbours, ``e_u = h_u - (alpha_u h_{u-1} + beta_u h_{u+1})`` (``alpha_u = (s_{u+1} - s_u) /
    (s_{u+1} - s_{u-1})``, ``beta_u = 1 - alpha_u``), is zero for a channel linear in frequency and
    has ``E|e_u|^2 = sigma^2 (c_u + alpha_u^2 c_{u-1} + beta_u^2 c_{u+1})``; the estimate
    ``sigma^2 = sum |e_u|^2 / sum (c_u + alpha_u^2 c_{u-1} + beta_u^2 c_{u+1})`` (pooled over
    antennas, ports, occasions and interior ``u``) is therefore unbiased (this bias correction
    replaces the naive ``mean |e_u|^2``, which would be off by the factor
    ``(c_u + ...)/c_u = 1.5 M beta^2`` with uniform spacing). With only two estimates per occasion
    (type 2, one PRB) the first difference ``h_1 - h_0`` is used (``E = sigma^2 (c_0 + c_1)``).
    Frequency selectivity within three neighbouring estimates (curvature) biases it upwards.

    Wiener interpolation (``interpolation="wiener"``): for each port, with the despread
    estimates ``h_u`` at subcarriers ``s_u`` (noise gains ``c_u`` as above, averaged over the
    occasions), the estimate at subcarrier ``k`` is ``sum_u W_ku h_u``, ``W = R_kf (R_ff +
    (sigma^2 / P_h) diag(c))^-1``, ``R_ff[u, v] = r_f((s_u - s_v) Delta f)``, ``R_kf[k, u] =
    r_f((k - s_u) Delta f)``, ``sigma^2`` the noise-variance estimate (mean over the batch) and
    ``P_h = mean|h_u|^2 - sigma^2 mean c_u`` the channel power (pooled over the ports). In time the
    frequency-filtered occasions are combined the same way with ``R_t[i, j] = r_t((l_i - l_j) T)``
    (``T = 1 ms / (2^mu N_symb^slot)``, CP included on average) and the mean relative error
    ``1 - W_k r_k^H`` of the frequency stage as the noise term. The filters are computed per
    call, each output subcarrier from its 24 nearest despread estimates (one ``24 x 24`` inverse
    per distinct window shape; ports with the same DM-RS subcarriers share the filter).

    CDM separation is exact only when a port's channel is constant over the 2 (4) REs of a cover;
    with a channel that changes by ``d`` between the two REs, the other port of the pair leaks in
    with amplitude ``d/2``. Ports of other UEs (MU-MIMO) in the same CDM group are not modelled.
    PT-RS are not used (no common-phase-error correction).

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels import SharedChannelConfig, pdsch_transmit, shared_channel_indices
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(num_layers=2)
    >>> g = shared_channel_indices(cfg, carrier).size * 2 * 2
    >>> tx = pdsch_transmit(np.zeros(g, np.uint8), cfg, carrier)          # [2, 48, 14]
    >>> h_true = np.array([[1.0, 0.5j], [-0.3, 0.8 - 0.2j]], np.complex64)  # [R=2, P=2]
    >>> rx = np.einsum("rp,pkl->rkl", h_true, tx)
    >>> est = dmrs_channel_estimate(rx, cfg, carrier)
    >>> est.h.shape, bool(np.allclose(est.h[..., 5, 9], h_true, atol=1e-5))
    ((2, 2, 48, 14), True)
    """
    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    config.check_carrier(carrier)
    check_choice(interpolation, "interpolation", INTERPOLATIONS, clause=_CLAUSE)
    for name, val in (("cdm_despreading", cdm_despreading), ("time_averaging", time_averaging)):
        if not isinstance(val, bool | np.bool_):
            raise TypeError(f"{name} must be a bool, got {val!r}")
    if interpolation == "wiener":
        check_choice(power_delay_profile, "power_delay_profile", POWER_DELAY_PROFILES, clause=_CLAUSE)
        _check_nonneg(delay_spread, "delay_spread")
        _check_nonneg(max_doppler, "max_doppler")
    y = _check_rx_grid(rx_grid, carrier)

    from opennr.signals.dmrs import dmrs_indices, dmrs_symbols

    a = dmrs_symbols(config, carrier, apply_beta=True)  # [P, N]
    k, l = dmrs_indices(config, carrier)  # [P, N]
    num_p = a.shape[0]
    dm_syms = np.asarray(config.dmrs_symbol_indices)
    n_s = dm_syms.size
    f = a.shape[1] // n_s
    batch = y.shape[:-3]
    num_r = y.shape[-3]

    # 1. least squares [..., R, P, S, F]
    ls = y[..., :, k, l] / a  # fancy index on the last two axes -> [..., R, P, N]
    ls = ls.reshape(batch + (num_r, num_p, n_s, f))
    inv_pow = (1.0 / np.abs(a.astype(np.complex128)) ** 2).reshape(num_p, n_s, f)
    pos_k = k.reshape(num_p, n_s, f)[:, 0, :].astype(np.float64)  # same subcarriers on every symbol
    pos_l = dm_syms.astype(np.float64)

    # 2. CDM despreading: pairs k' = 0, 1 in frequency, l' = 0, 1 in time
    if cdm_despreading and f % 2 == 0:
        ls = ls.reshape(batch + (num_r, num_p, n_s, f // 2, 2)).mean(axis=-1)
        inv_pow = inv_pow.reshape(num_p, n_s, f // 2, 2).sum(axis=-1) / 4.0
        pos_k = pos_k.reshape(num_p, f // 2, 2).mean(axis=-1)
        f //= 2
    if cdm_despreading and config.dmrs.length == 2 and n_s % 2 == 0:
        ls = ls.reshape(batch + (num_r, num_p, n_s // 2, 2, f)).mean(axis=-2)
        inv_pow = inv_pow.reshape(num_p, n_s // 2, 2, f).sum(axis=-2) / 4.0
        pos_l = pos_l.reshape(n_s // 2, 2).mean(axis=-1)
        n_s //= 2

    # 4. noise variance from the residual against the neighbours' linear interpolation
    if f >= 3:
        s_m, s_0, s_p = pos_k[:, :-2], pos_k[:, 1:-1], pos_k[:, 2:]
        alpha = (s_p - s_0) / (s_p - s_m)  # [P, F-2]
        beta = 1.0 - alpha
        resid = ls[..., 1:-1] - (alpha[:, None, :] * ls[..., :-2] + beta[:, None, :] * ls[..., 2:])
        gain = (inv_pow[..., 1:-1] + alpha[:, None, :] ** 2 * inv_pow[..., :-2]
                + beta[:, None, :] ** 2 * inv_pow[..., 2:])
    else:
        resid = ls[..., 1:] - ls[..., :-1]
        gain = inv_pow[..., 1:] + inv_pow[..., :-1]
    energy = (np.abs(resid) ** 2).sum(axis=(-4, -3, -2, -1), dtype=np.float64)
    noise_var = (energy / (num_r * gain.sum())).astype(np.float32)

    # 3. interpolation onto the allocation
    rb0 = int(config.bwp(carrier)[0]) - int(carrier.n_start_grid)
    prbs = config.prb_indices(carrier)
    k_alloc = (12 * (rb0 + prbs)[:, None] + np.arange(12)[None, :]).ravel()
    l_alloc = np.asarray(config.symbols, dtype=np.int64)
    nearest = interpolation == "nearest"
    wiener = interpolation == "wiener"
    if wiener:
        h_f, rel_err = _wiener_frequency(ls, inv_pow, pos_k, k_alloc.astype(np.float64), noise_var,
                                         1e3 * carrier.subcarrier_spacing, float(delay_spread),
                                         power_delay_profile)
    else:
        h_f = np.empty(batch + (num_r, num_p, n_s, k_alloc.size), dtype=np.complex64)
        for p in range(num_p):
            lo, hi, w = _linear_weights(pos_k[p], k_alloc.astype(np.float64), nearest)
            w = w.astype(np.float32)
            lp = ls[..., p, :, :]
            h_f[..., p, :, :] = lp[..., lo] * (1.0 - w) + lp[..., hi] * w
    if time_averaging:
        h_t = np.broadcast_to(h_f.mean(axis=-2)[..., None], h_f.shape[:-2] + (k_alloc.size, l_alloc.size))
    elif wiener:
        t_sym = 1e-3 / (2**carrier.mu * carrier.symbols_per_slot)
        wt = _wiener_time(pos_l, l_alloc.astype(np.float64), t_sym, float(max_doppler),
                          float(rel_err.mean())).astype(np.complex64)  # [L_alloc, S]
        h_t = np.einsum("ls,...sk->...kl", wt, h_f)
    else:
        lo, hi, w = _linear_weights(pos_l, l_alloc.astype(np.float64), False)
        w = w.astype(np.float32)
        h_t = h_f[..., lo, :] * (1.0 - w)[:, None] + h_f[..., hi, :] * w[:, None]  # [..., L_alloc, K_alloc]
        h_t = np.swapaxes(h_t, -1, -2)
    h = np.zeros(batch + (num_r, num_p, carrier.num_subcarriers, carrier.symbols_per_slot),
                 dtype=np.complex64)
    h[..., k_alloc[:, None], l_alloc[None, :]] = h_t
    return ChannelEstimate(h, noise_var)


# ---------------------------------------------------------------------------------------------
# general reference-signal positions (MATLAB nrChannelEstimate's form)
# ---------------------------------------------------------------------------------------------
def _residual_terms(h: np.ndarray, c: np.ndarray, pos: np.ndarray):
    """Residual energy and noise gain of despread estimates ``h [..., F]`` (gains ``c [F]``,
    positions ``pos [F]``) against their neighbours' linear interpolation (see
    :func:`dmrs_channel_estimate`, Notes). Returns (energy [...], gain) with ``gain`` the sum of
    the noise gains of the residuals (per batch element and antenna)."""
    f = pos.size
    if f >= 3:
        alpha = (pos[2:] - pos[1:-1]) / (pos[2:] - pos[:-2])
        beta = 1.0 - alpha
        resid = h[..., 1:-1] - (alpha * h[..., :-2] + beta * h[..., 2:])
        gain = c[1:-1] + alpha**2 * c[:-2] + beta**2 * c[2:]
    elif f == 2:
        resid = h[..., 1:] - h[..., :-1]
        gain = c[1:] + c[:-1]
    else:
        return np.zeros(h.shape[:-1]), 0.0
    return (np.abs(resid) ** 2).sum(axis=-1), float(gain.sum())


def _group_mean(h, c, pos, n):
    """Average consecutive groups of ``n`` along the last axis (a shorter last group if needed)."""
    if n <= 1:
        return h, c, pos
    edges = np.arange(0, pos.size, n)
    counts = np.diff(np.append(edges, pos.size))
    hs = np.add.reduceat(h, edges, axis=-1) / counts
    cs = np.add.reduceat(c, edges) / counts**2
    ps = np.add.reduceat(pos, edges) / counts
    return hs, cs, ps


def _moving_average(h, n, axis):
    """Centred moving average of odd length ``n`` along ``axis``, the window shrunk symmetrically at
    the edges."""
    if n <= 1:
        return h
    h = np.moveaxis(h, axis, -1)
    m = h.shape[-1]
    out = np.empty_like(h)
    half = n // 2
    for i in range(m):
        w = min(half, i, m - 1 - i)
        out[..., i] = h[..., i - w : i + w + 1].mean(axis=-1)
    return np.moveaxis(out, -1, axis)


def _interp_complex(x_src, v_src, x_dst, nearest):
    """Interpolate ``v_src [..., S]`` at ascending ``x_src`` onto ``x_dst``: linear (or nearest),
    constant beyond the ends. Returns [..., D]."""
    lo, hi, w = _linear_weights(np.asarray(x_src, np.float64), np.asarray(x_dst, np.float64), nearest)
    return v_src[..., lo] * (1.0 - w) + v_src[..., hi] * w


def reference_channel_estimate(
    rx_grid,
    ref_indices,
    ref_symbols,
    *,
    cdm_lengths=(1, 1),
    averaging_window=(1, 1),
    interpolation: str = "linear",
) -> ChannelEstimate:
    """TS 38.211 §7.4.1.1 / §6.4.1.1 (any reference signal): channel estimate from reference REs.

    ``rx [..., R, K, L], ref [P, N] -> h [..., R, P, K, L], noise_var [...]``: the general form of
    :func:`dmrs_channel_estimate` (reference REs given by position, as MATLAB's
    ``nrChannelEstimate``), over the whole grid.

    Per port ``p``, on each reference symbol: least squares ``y / a`` at the reference REs (sorted
    by subcarrier); CDM despreading by averaging consecutive groups of ``cdm_lengths[0]`` REs
    (placed at their mean subcarrier) and then groups of ``cdm_lengths[1]`` consecutive reference
    symbols that use the same subcarriers; the noise variance from the despread estimates as in
    :func:`dmrs_channel_estimate`; a centred moving average of ``averaging_window[0]`` estimates
    in frequency and ``averaging_window[1]`` in time (odd lengths, shrunk at the edges);
    interpolation in frequency onto all ``K`` subcarriers and then in time onto all ``L``
    symbols (linear or nearest, constant beyond the first/last estimate).

    Parameters
    ----------
    rx_grid : array_like of complex, shape [..., R, K, L]
    ref_indices : array_like of int, shape [P, N] or [N]
        0-based flat indices ``k + K l`` of the reference REs of each port in one ``K x L`` plane.
    ref_symbols : array_like of complex, shape [P, N] or [N]
        Their known values (nonzero).
    cdm_lengths : (int, int), default (1, 1)
        CDM lengths in frequency and time (1, 2 or 4 and 1 or 2 for the NR DM-RS: ``(2, 1)``
        single-symbol, ``(2, 2)`` double-symbol).
    averaging_window : (int, int), default (1, 1)
        Odd moving-average lengths in frequency (estimates) and time (reference symbols).
    interpolation : {"linear", "nearest"}, default "linear"

    Returns
    -------
    ChannelEstimate
        ``h`` complex64 ``[..., R, P, K, L]``, ``noise_var`` float32 ``[...]``.

    Examples
    --------
    >>> k = np.arange(0, 48, 2); ind = k + 48 * 2                     # every 2nd subcarrier, symbol 2
    >>> a = np.exp(1j * np.pi / 4 * np.arange(24))
    >>> rx = np.zeros((1, 48, 14), complex); rx[0, k, 2] = (0.5 - 1j) * a
    >>> est = reference_channel_estimate(rx, ind, a)
    >>> est.h.shape, bool(np.allclose(est.h, 0.5 - 1j))
    ((1, 1, 48, 14), True)
    """
    y = np.asarray(rx_grid)
    if not (np.issubdtype(y.dtype, np.complexfloating) or np.issubdtype(y.dtype, np.floating)):
        raise TypeError(f"rx_grid must be a complex (or real) floating-point array, got dtype {y.dtype} ({_CLAUSE})")
    if y.ndim < 3:
        raise ValueError(f"rx_grid must have shape [..., R, K, L], got {y.shape} ({_CLAUSE})")
    y = y.astype(np.complex64, copy=False)
    if y.size and not np.isfinite(y).all():
        raise ValueError(f"rx_grid contains NaN or infinite values ({_CLAUSE})")
    k_total, l_total = y.shape[-2:]
    ind = np.asarray(ref_indices)
    sym = np.asarray(ref_symbols)
    if ind.dtype == bool or not np.issubdtype(ind.dtype, np.integer):
        raise TypeError(f"ref_indices must be integers (0-based k + K l), got dtype {ind.dtype} ({_CLAUSE})")
    if not np.issubdtype(sym.dtype, np.number) or sym.dtype == bool:
        raise TypeError(f"ref_symbols must be complex numbers, got dtype {sym.dtype} ({_CLAUSE})")
    ind = np.atleast_2d(ind).astype(np.int64)
    sym = np.atleast_2d(sym).astype(np.complex128)
    if ind.shape != sym.shape or ind.ndim != 2 or ind.shape[1] == 0:
        raise ValueError(f"ref_indices and ref_symbols must both be [P, N] (N >= 1), got {ind.shape} and "
                         f"{sym.shape} ({_CLAUSE})")
    if ind.min() < 0 or ind.max() >= k_total * l_total:
        raise ValueError(f"ref_indices must lie in 0 .. K L - 1 = {k_total * l_total - 1} ({_CLAUSE})")
    if not (np.abs(sym) > 0).all() or not np.isfinite(sym).all():
        raise ValueError(f"ref_symbols must be finite and nonzero ({_CLAUSE})")
    cdm = _pair(cdm_lengths, "cdm_lengths", low=1)
    win = _pair(averaging_window, "averaging_window", low=1)
    for n, name in ((win[0], "averaging_window[0]"), (win[1], "averaging_window[1]")):
        if n % 2 == 0:
            raise ValueError(f"{name} must be odd, got {n} ({_CLAUSE})")
    check_choice(interpolation, "interpolation", ("linear", "nearest"), clause=_CLAUSE)
    nearest = interpolation == "nearest"

    batch, num_r, num_p = y.shape[:-3], y.shape[-3], ind.shape[0]
    h = np.empty(batch + (num_r, num_p, k_total, l_total), dtype=np.complex64)
    energy = np.zeros(batch)
    gain = 0.0
    all_k = np.arange(k_total, dtype=np.float64)
    all_l = np.arange(l_total, dtype=np.float64)
    for p in range(num_p):
        kk, ll = ind[p] % k_total, ind[p] // k_total
        per_sym = []  # (symbol position, despread h [..., R, F], gains, subcarrier positions)
        for l_sym in np.unique(ll):
            sel = np.flatnonzero(ll == l_sym)
            sel = sel[np.argsort(kk[sel], kind="stable")]
            ls = y[..., :, kk[sel], l_sym] / sym[p, sel]
            c = 1.0 / np.abs(sym[p, sel]) ** 2
            per_sym.append([float(l_sym), *_group_mean(ls, c, kk[sel].astype(np.float64), cdm[0])])
        if cdm[1] > 1:  # time despreading over consecutive symbols with the same subcarriers
            merged, i = [], 0
            while i < len(per_sym):
                grp = per_sym[i:i + cdm[1]]
                if len(grp) == cdm[1] and all(np.array_equal(g[3], grp[0][3]) for g in grp):
                    n = len(grp)
                    merged.append([sum(g[0] for g in grp) / n, sum(g[1] for g in grp) / n,
                                   sum(g[2] for g in grp) / n**2, grp[0][3]])
                    i += n
                else:
                    merged.append(per_sym[i])
                    i += 1
            per_sym = merged
        for _, hs, cs, ps in per_sym:
            e, g = _residual_terms(hs, cs, ps)
            energy = energy + e.sum(axis=-1)
            gain += g * num_r
        # frequency: moving average, interpolation onto all subcarriers
        hf = np.stack([_interp_complex(ps, _moving_average(hs, win[0], -1), all_k, nearest)
                       for _, hs, _, ps in per_sym], axis=-2)  # [..., R, S, K]
        l_pos = np.array([entry[0] for entry in per_sym])
        hf = _moving_average(hf, win[1], -2)
        ht = _interp_complex(l_pos, np.swapaxes(hf, -1, -2), all_l, nearest)  # [..., R, K, L]
        h[..., p, :, :] = ht
    noise_var = (energy / gain if gain > 0 else np.zeros(batch)).astype(np.float32)
    return ChannelEstimate(h, noise_var)


def _pair(value, name: str, low: int) -> tuple[int, int]:
    vals = tuple(np.asarray(value, dtype=object).reshape(-1).tolist())
    if len(vals) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        raise TypeError(f"{name} must be two integers [F, T], got {value!r} ({_CLAUSE})")
    if min(vals) < low:
        raise ValueError(f"{name} entries must be >= {low}, got {value!r} ({_CLAUSE})")
    return vals
