"""TR 38.901 V17 §7.7.1, §7.7.3, §7.7.5.1, §7.7.6: clustered delay line (CDL) channel models.

Procedure (one realisation per batch entry):

1. Cluster table (:func:`cdl_clusters`): the profile's rows (Tables 7.7.1-1..5), optionally the
   K-factor changed (§7.7.6: LOS ray power set so that ``P_LOS / sum P_Laplacian = K``, total power
   kept, delays rescaled so that the rms delay spread stays the desired one), delays scaled by the
   delay spread (§7.7.3), angles scaled (§7.7.5.1: ``phi_scaled = AS_desired / AS_model (phi -
   mu_model) + mu_desired`` with the power-weighted circular spread and mean of TR 38.901 Annex A,
   computed from the cluster powers and angles), powers normalised to a unit sum.
2. Rays (:func:`generate_cdl_rays`, §7.7.1 steps 1-3): 20 rays per Laplacian cluster with the offsets
   of Table 7.5-3 scaled by ``c_ASD, c_ASA, c_ZSD, c_ZSA`` (eq. 7.7-0a/b), AOD, ZOD and ZOA
   randomly coupled to AOA within each cluster (independent random permutations), XPR from the table,
   four uniform random initial phases per ray. The specular row of CDL-D/E is a single LOS ray.
3. Coefficients (:class:`CdlChannel`, step 4 = §7.5 step 11): per ray eq. 7.5-22 (NLOS) / 7.5-29
   (LOS, initial phase 0, i.e. ``d_3D`` taken as a multiple of the wavelength), with the field
   patterns of the transmit and receive :class:`~opennr.propagation.antenna.PanelArray` (orientation
   and polarisation included) and a Doppler term ``exp(j 2 pi nu_{n,m} t)`` per ray, ``nu = f_D r^_rx
   . v^`` (eq. 7.5-25) with the UT (the receiver) moving in ``ut_direction_of_travel``.
   The rays of one table row are summed into one path gain with the row's delay, so each row is
   one path (``P`` = rows; the LOS ray of CDL-D/E is a path of its own at delay 0, like MATLAB).

The sub-cluster split of the two strongest clusters (§7.5 step 11, eq. 7.5-27/28) is **not** applied:
the CDL tables already list sub-clusters as separate rows (e.g. CDL-A rows 2-4 share their angles),
and MATLAB's ``nrCDLChannel`` and Sionna do not split either. Link direction: the table's departure
angles belong to the transmitter, arrival angles to the receiver (downlink), and the receiver is the
moving UT.

Calling a :class:`CdlChannel` filters a waveform slot after slot like MATLAB's System object: an
internal clock, the previous input samples, and by default (``filter_mode="causal"``) an output
delayed by :meth:`CdlChannel.channel_filter_delay` samples (MATLAB's ``ChannelFilterDelay``), so
that consecutive calls give exactly the output of one call over the concatenated waveform;
``filter_mode="zero-delay"`` aligns the output with the input for one-shot use (see
:mod:`opennr.propagation.apply`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.propagation import apply as _apply
from opennr.propagation._cdl_kernels import path_gains_kernel, ray_coefficients_kernel
from opennr.propagation.antenna import PanelArray, unit_vector
from opennr.propagation.cdl_tables import CdlProfile, cdl_profile, ray_offset_angles
from opennr.propagation.tdl import SPEED_OF_LIGHT  # one definition (f_D = v f_c / c)

__all__ = [
    "CdlChannel",
    "CdlClusters",
    "CdlRays",
    "cdl_clusters",
    "circular_angle_spread",
    "generate_cdl_rays",
    "ray_coefficients",
]

_CLAUSE = "TR 38.901 §7.7.1"
_RAYS = 20


def _real(value, name, *, low=None, strict=False, clause=_CLAUSE) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r} ({clause})")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v} ({clause})")
    if low is not None and (v < low or (strict and v == low)):
        rel = ">" if strict else ">="
        raise ValueError(f"{name} must be {rel} {low}, got {v} ({clause})")
    return v


def _vec(value, name, n, clause) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {n} real numbers, got {value!r} ({clause})") from None
    if arr.size != n or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be {n} finite real numbers, got {value!r} ({clause})")
    return arr


def circular_angle_spread(angles, powers, axis=-1) -> tuple[np.ndarray, np.ndarray]:
    """TR 38.901 Annex A eq. A-1/A-2: power-weighted circular angle spread and mean, degrees.

    ``AS = sqrt(-2 ln |sum_i P_i exp(j phi_i) / sum_i P_i|)``, ``mu = arg(sum_i P_i exp(j phi_i))``.

    Parameters
    ----------
    angles, powers : array_like, broadcast together
        Angles in degrees and linear powers.
    axis : int
        Axis summed over.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Spread and mean in degrees.

    Examples
    --------
    >>> s, m = circular_angle_spread([-10.0, 10.0], [1.0, 1.0])
    >>> round(float(s), 3), round(float(m), 3)
    (10.026, 0.0)
    """
    a = np.deg2rad(np.asarray(angles, float))
    p = np.asarray(powers, float)
    z = np.sum(p * np.exp(1j * a), axis=axis) / np.sum(p * np.ones_like(a), axis=axis)
    mag = np.clip(np.abs(z), 1e-300, 1.0)
    return np.rad2deg(np.sqrt(-2.0 * np.log(mag))), np.rad2deg(np.angle(z))


@dataclass(frozen=True, eq=False)
class CdlClusters:
    """TR 38.901 §7.7.1, §7.7.3, §7.7.5.1, §7.7.6: a scaled CDL cluster table (one entry per path).

    Attributes
    ----------
    name : str
        Profile name.
    delays : numpy.ndarray of float64, [P]
        Path delays in seconds.
    powers : numpy.ndarray of float64, [P]
        Linear path powers (unit sum when normalised).
    aod, aoa, zod, zoa : numpy.ndarray of float64, [P]
        Cluster angles in degrees (after angle scaling).
    specular : numpy.ndarray of bool, [P]
        LOS ray rows.
    c_asd, c_asa, c_zsd, c_zsa, xpr_db : float
        Cluster angular spreads (degrees) and XPR (dB).
    """

    name: str
    delays: np.ndarray
    powers: np.ndarray
    aod: np.ndarray
    aoa: np.ndarray
    zod: np.ndarray
    zoa: np.ndarray
    specular: np.ndarray
    c_asd: float
    c_asa: float
    c_zsd: float
    c_zsa: float
    xpr_db: float

    @property
    def num_paths(self) -> int:
        """Number of paths ``P``."""
        return int(self.delays.size)

    @property
    def k_factor_db(self) -> float:
        """``P_LOS / sum P_Laplacian`` in dB (``-inf`` for NLOS profiles)."""
        if not self.specular.any():
            return float("-inf")
        return float(10 * np.log10(self.powers[self.specular].sum()
                                   / self.powers[~self.specular].sum()))

    @property
    def rms_delay_spread(self) -> float:
        """Power-weighted rms delay spread of the table, seconds."""
        w = self.powers / self.powers.sum()
        m = np.sum(w * self.delays)
        return float(np.sqrt(max(np.sum(w * self.delays ** 2) - m * m, 0.0)))


def _as_profile(profile) -> CdlProfile:
    if isinstance(profile, CdlProfile):
        return profile
    return cdl_profile(profile)


def _scale_angles(angles, powers, desired_spread, desired_mean, *, zenith: bool):
    spread, mean = circular_angle_spread(angles, powers)
    if spread <= 1e-9:
        raise ValueError("the profile's angles have no spread, so they cannot be scaled "
                         "(TR 38.901 §7.7.5.1)")
    dev = (np.asarray(angles) - mean + 180.0) % 360.0 - 180.0
    out = desired_spread / spread * dev + desired_mean
    if zenith:
        out = np.abs((out + 180.0) % 360.0 - 180.0)  # fold into [0, 180]
    return out


def cdl_clusters(profile="CDL-A", delay_spread: float = 30e-9, *, k_factor_db=None,
                 angle_spreads=None, mean_angles=None, normalize: bool = True) -> CdlClusters:
    """TR 38.901 §7.7.1, §7.7.3, §7.7.5.1, §7.7.6: cluster table scaled for one link.

    Parameters
    ----------
    profile : str or CdlProfile, default "CDL-A"
        "CDL-A".."CDL-E" (or a custom :class:`~opennr.propagation.cdl_tables.CdlProfile`).
    delay_spread : float, default 30e-9
        Desired rms delay spread ``DS_desired`` in seconds, >= 0 (§7.7.3, Tables 7.7.3-1/2).
    k_factor_db : float, optional
        Desired K-factor in dB (§7.7.6), only for profiles with a LOS ray (CDL-D/E): the LOS power
        is set to ``K`` times the sum of the Laplacian powers, the total power kept, and the delays
        rescaled so that the rms delay spread stays ``delay_spread``.
    angle_spreads : array_like of 4 float, optional
        Desired ``(ASD, ASA, ZSD, ZSA)`` in degrees (§7.7.5.1), > 0.
    mean_angles : array_like of 4 float, optional
        Desired mean ``(AOD, AOA, ZOD, ZOA)`` in degrees; default: the model's own means. Only
        used with ``angle_spreads``.
    normalize : bool, default True
        Scale the powers to a unit sum (MATLAB's ``NormalizePathGains``).

    Returns
    -------
    CdlClusters

    Examples
    --------
    >>> c = cdl_clusters("CDL-C", 300e-9)
    >>> c.num_paths, round(c.rms_delay_spread * 1e9, 1), round(float(c.powers.sum()), 6)
    (24, 300.0, 1.0)
    >>> round(cdl_clusters("CDL-D", 100e-9, k_factor_db=3.0).k_factor_db, 6)
    3.0
    """
    prof = _as_profile(profile)
    ds = _real(delay_spread, "delay_spread", low=0.0, clause="TR 38.901 §7.7.3")
    powers = 10.0 ** (np.asarray(prof.powers_db, float) / 10.0)
    total = powers.sum()
    delays = np.asarray(prof.delays, float).copy()
    spec = np.asarray(prof.specular, bool).copy()
    if k_factor_db is not None:
        k = _real(k_factor_db, "k_factor_db", clause="TR 38.901 §7.7.6")
        if not spec.any():
            raise ValueError(f"k_factor_db needs a profile with a LOS ray (CDL-D or CDL-E); "
                             f"{prof.name} has none (TR 38.901 §7.7.6)")
        powers[spec] *= 10 ** (k / 10) * powers[~spec].sum() / powers[spec].sum()
        powers *= total / powers.sum()
        w = powers / powers.sum()
        m = np.sum(w * delays)
        ds_new = np.sqrt(max(np.sum(w * delays ** 2) - m * m, 0.0))
        if ds_new > 0:
            delays = delays / ds_new
    if normalize:
        powers = powers / powers.sum()
    aod, aoa = np.array(prof.aod, float), np.array(prof.aoa, float)
    zod, zoa = np.array(prof.zod, float), np.array(prof.zoa, float)
    if mean_angles is not None and angle_spreads is None:
        raise ValueError("mean_angles needs angle_spreads (TR 38.901 §7.7.5.1)")
    if angle_spreads is not None:
        spreads = _vec(angle_spreads, "angle_spreads", 4, "TR 38.901 §7.7.5.1")
        if (spreads <= 0).any():
            raise ValueError(f"angle_spreads must be positive, got {angle_spreads!r} "
                             "(TR 38.901 §7.7.5.1)")
        if mean_angles is None:
            means = np.array([circular_angle_spread(a, powers)[1] for a in (aod, aoa, zod, zoa)])
        else:
            means = _vec(mean_angles, "mean_angles", 4, "TR 38.901 §7.7.5.1")
        aod = _scale_angles(aod, powers, spreads[0], means[0], zenith=False)
        aoa = _scale_angles(aoa, powers, spreads[1], means[1], zenith=False)
        zod = _scale_angles(zod, powers, spreads[2], means[2], zenith=True)
        zoa = _scale_angles(zoa, powers, spreads[3], means[3], zenith=True)
    arrays = {"delays": delays * ds, "powers": powers, "aod": aod, "aoa": aoa, "zod": zod, "zoa": zoa,
                  "specular": spec}
    for a in arrays.values():
        a.flags.writeable = False
    return CdlClusters(name=prof.name, c_asd=prof.c_asd, c_asa=prof.c_asa, c_zsd=prof.c_zsd,
                       c_zsa=prof.c_zsa, xpr_db=prof.xpr_db, **arrays)


@dataclass(frozen=True, eq=False)
class CdlRays:
    """TR 38.901 §7.7.1 steps 1-3: ray angles and random phases of ``B`` realisations.

    Attributes
    ----------
    clusters : CdlClusters
        The table the rays were drawn from.
    aod, aoa, zod, zoa : numpy.ndarray of float64, [B, P, 20]
        Ray angles in degrees after the random coupling (zenith folded into [0, 180]). A LOS row
        repeats its single ray's angles; its weight is carried by ray 0 only.
    phases : numpy.ndarray of float64, [B, P, 20, 4]
        Initial phases ``Phi^{theta theta}, Phi^{theta phi}, Phi^{phi theta}, Phi^{phi phi}``.
    """

    clusters: CdlClusters
    aod: np.ndarray
    aoa: np.ndarray
    zod: np.ndarray
    zoa: np.ndarray
    phases: np.ndarray

    @property
    def batch_size(self) -> int:
        """Number of realisations ``B``."""
        return int(self.aoa.shape[0])

    @property
    def ray_powers(self) -> np.ndarray:
        """Linear power of every ray, float64 [P, 20] (``P_n / 20``; a LOS row all on ray 0)."""
        c = self.clusters
        w = np.repeat(c.powers[:, None] / _RAYS, _RAYS, axis=1)
        w[c.specular] = 0.0
        w[c.specular, 0] = c.powers[c.specular]
        return w


def _fold_zenith(theta, phi):
    theta = np.mod(theta, 360.0)
    flip = theta > 180.0
    return np.where(flip, 360.0 - theta, theta), np.where(flip, phi + 180.0, phi)


def generate_cdl_rays(clusters: CdlClusters, rng: np.random.Generator, batch_size: int = 1) -> CdlRays:
    """TR 38.901 §7.7.1 steps 1-3: ray angles (eq. 7.7-0a/b), random coupling and initial phases.

    Parameters
    ----------
    clusters : CdlClusters
        Output of :func:`cdl_clusters`.
    rng : numpy.random.Generator
        Source of the couplings and phases.
    batch_size : int, default 1
        Number of independent realisations ``B``.

    Returns
    -------
    CdlRays
        Angles ``[B, P, 20]``, phases ``[B, P, 20, 4]``.

    Examples
    --------
    >>> r = generate_cdl_rays(cdl_clusters("CDL-A"), np.random.default_rng(1), 2)
    >>> r.aoa.shape, r.phases.shape
    ((2, 23, 20), (2, 23, 20, 4))
    >>> bool(np.allclose(np.sort(r.aod[0, 1]), np.sort(-4.2 + 5.0 * ray_offset_angles())))
    True
    """
    if not isinstance(clusters, CdlClusters):
        raise TypeError(f"clusters must be a CdlClusters (from cdl_clusters), got "
                        f"{type(clusters).__name__} ({_CLAUSE})")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    b = check_int(batch_size, "batch_size", low=1)
    c = clusters
    p = c.num_paths
    alpha = ray_offset_angles()
    nlos = (~c.specular)[:, None].astype(float)

    def rays(center, spread):
        return center[:, None] + nlos * spread * alpha[None, :]  # [P, 20]

    aoa = np.broadcast_to(rays(c.aoa, c.c_asa), (b, p, _RAYS))
    # step 2: AOD, ZOD and ZOA rays coupled to the AOA rays by independent random permutations
    base = np.stack([rays(c.aod, c.c_asd), rays(c.zod, c.c_zsd), rays(c.zoa, c.c_zsa)])
    perm = np.argsort(rng.random((3, b, p, _RAYS)), axis=-1)
    coupled = np.take_along_axis(np.broadcast_to(base[:, None], perm.shape), perm, axis=-1)
    aod, zod, zoa = coupled
    zod, aod = _fold_zenith(zod, aod)
    zoa, aoa = _fold_zenith(zoa, aoa)
    phases = rng.uniform(-np.pi, np.pi, size=(b, p, _RAYS, 4))
    return CdlRays(clusters=c, aod=np.ascontiguousarray(aod), aoa=np.ascontiguousarray(aoa),
                   zod=np.ascontiguousarray(zod), zoa=np.ascontiguousarray(zoa), phases=phases)


def ray_coefficients(rays: CdlRays, tx_array: PanelArray, rx_array: PanelArray) -> np.ndarray:
    """TR 38.901 §7.5 step 11 eq. 7.5-22 / 7.5-29 at ``t = 0``: every ray's coefficient per link.

    Returns
    -------
    numpy.ndarray of complex128, [B, P, 20, n_rx, n_tx]
        ``sqrt(P_n / 20) F_rx^T X F_tx exp(j 2 pi r^_rx . d_rx) exp(j 2 pi r^_tx . d_tx)`` with ``X``
        the polarisation matrix (random phases and ``1/sqrt(kappa)``; ``diag(1, -1)`` for LOS).

    Notes
    -----
    The NumPy reference of the Numba kernel that :class:`CdlChannel` uses (tested equal).

    Examples
    --------
    >>> rays = generate_cdl_rays(cdl_clusters("CDL-D"), np.random.default_rng(0))
    >>> v = PanelArray(polarization_angles=(0, 90), element="isotropic")
    >>> c = ray_coefficients(rays, v, v)
    >>> c.shape, round(float(np.abs(c[0, 0, 0, 0, 0]) ** 2), 4)  # the LOS ray: P_LOS
    ((1, 14, 20, 1, 1), 0.8878)
    """
    c = rays.clusters
    f_rx = rx_array.field_pattern(rays.zoa, rays.aoa)  # [B, P, M, U, 2]
    f_tx = tx_array.field_pattern(rays.zod, rays.aod)  # [B, P, M, S, 2]
    inv_k = 10.0 ** (-c.xpr_db / 20.0)
    e = np.exp(1j * rays.phases)
    x = np.empty(rays.phases.shape[:3] + (2, 2), dtype=np.complex128)
    x[..., 0, 0] = e[..., 0]
    x[..., 0, 1] = inv_k * e[..., 1]
    x[..., 1, 0] = inv_k * e[..., 2]
    x[..., 1, 1] = e[..., 3]
    x[:, c.specular] = np.array([[1.0, 0.0], [0.0, -1.0]])
    coef = np.einsum("bpmua,bpmac,bpmsc->bpmus", f_rx, x, f_tx, optimize=True)
    a_rx = np.exp(2j * np.pi * (unit_vector(rays.zoa, rays.aoa) @ rx_array.element_positions().T))
    a_tx = np.exp(2j * np.pi * (unit_vector(rays.zod, rays.aod) @ tx_array.element_positions().T))
    coef *= a_rx[..., :, None] * a_tx[..., None, :]
    coef *= np.sqrt(rays.ray_powers)[None, :, :, None, None]
    return coef


@lru_cache(maxsize=1)
def _default_array() -> PanelArray:
    return PanelArray(size=(1, 1, 1, 1, 1), polarization_angles=(0.0, 90.0), element="isotropic")


@lru_cache(maxsize=64)
def _array_args(arr: PanelArray):
    from opennr.propagation.antenna import rotation_matrix

    pos, index = np.unique(arr.element_positions(), axis=0, return_inverse=True)
    rot = rotation_matrix(arr.orientation)
    return (np.ascontiguousarray(pos), index.reshape(-1).astype(np.int64),
            np.deg2rad(arr.element_slants()).astype(np.float64), rot,
            bool(np.array_equal(rot, np.eye(3))), 0 if arr.element == "38.901" else 1,
            int(arr.polarization_model))


def _ray_coefficients_numba(rays: CdlRays, tx_array: PanelArray, rx_array: PanelArray):
    """Numba twin of :func:`ray_coefficients` (same output, complex128 [B, P, 20, n_rx, n_tx])."""
    c = rays.clusters
    b, p, m = rays.aoa.shape
    out = np.empty((b, p, m, rx_array.num_elements, tx_array.num_elements), np.complex128)
    ray_coefficients_kernel(rays.zoa, rays.aoa, rays.zod, rays.aod, rays.phases,
                            np.sqrt(rays.ray_powers), c.specular.astype(np.uint8),
                            10.0 ** (-c.xpr_db / 20.0), *_array_args(rx_array),
                            *_array_args(tx_array), out)
    return out


def _subcarrier_phasors(f: np.ndarray, delays: np.ndarray) -> np.ndarray:
    """``exp(-j 2 pi f_k tau_p)`` [K, P] complex64.

    For equally spaced ``f_k = f_0 + k df`` the table is the product of a coarse and a fine table,
    ``exp(-j 2 pi (f_0 + 64 j df) tau) exp(-j 2 pi i df tau)`` with ``k = 64 j + i``: about K/64 + 64
    exponentials per path instead of K, each exact (no accumulated rounding).
    """
    k = f.size
    d = np.asarray(delays, np.float64)
    if k > 128 and np.allclose(np.diff(f), f[1] - f[0], rtol=0, atol=1e-6):
        df = f[1] - f[0]
        n_c = -(-k // 64)
        fine = np.exp(-2j * np.pi * df * np.outer(np.arange(64), d)).astype(np.complex64)
        coarse = np.exp(-2j * np.pi * np.outer(f[0] + 64 * df * np.arange(n_c), d)).astype(
            np.complex64)
        return (coarse[:, None, :] * fine[None, :, :]).reshape(n_c * 64, d.size)[:k]
    return np.exp(-2j * np.pi * np.outer(f, d)).astype(np.complex64)


@lru_cache(maxsize=16)
def _carrier_phasors(k: int, scs_hz: float, delays: bytes) -> np.ndarray:
    f = (np.arange(k) - k // 2) * scs_hz  # = opennr.ofdm.resource_grid.subcarrier_frequencies
    e = _subcarrier_phasors(f, np.frombuffer(delays, np.float64))
    e.flags.writeable = False
    return e


class CdlChannel:
    """TR 38.901 §7.7.1: CDL-A..E MIMO channel with antenna arrays, Doppler and continuous time.

    Parameters
    ----------
    profile : str or CdlProfile, default "CDL-A"
        Delay profile (Tables 7.7.1-1..5) or a custom table.
    delay_spread : float, default 30e-9
        Desired rms delay spread in seconds (§7.7.3).
    max_doppler_shift : float, optional
        Maximum Doppler shift ``f_D = v / lambda_0`` in Hz (default 5 Hz unless ``speed`` is given).
    speed : float, optional
        UT speed in m/s; with ``carrier_frequency`` gives ``f_D = v f_c / c``. Exclusive with
        ``max_doppler_shift``.
    carrier_frequency : float, default 4e9
        Carrier frequency ``f_c`` in Hz (only used with ``speed``).
    ut_direction_of_travel : array_like of 2 float, default (0, 90)
        Azimuth and zenith (degrees) of the UT's velocity.
    tx_array, rx_array : PanelArray, optional
        Antenna arrays; default a single vertically polarised isotropic element each.
    k_factor_db, angle_spreads, mean_angles, normalize_path_gains
        Scalings of :func:`cdl_clusters`.
    batch_size : int, default 1
        Number of independent realisations ``B``.
    rng : numpy.random.Generator, optional
        Source of randomness (or give ``seed``).
    seed : int, optional
        Seed of a new ``numpy.random.default_rng`` when ``rng`` is not given.
    block_fading : bool, default False
        Freeze the gains of each call at its start time.
    sample_density : float, default 64
        Gain samples per half wavelength travelled for :meth:`__call__` (MATLAB's
        ``SampleDensity``): gains are computed every ``1 / (2 sample_density f_D)`` s and linearly
        interpolated; ``inf`` computes them at every waveform sample.
    filter_mode : {"causal", "zero-delay"}, default "causal"
        ``"causal"``: :meth:`__call__` delays its output by :meth:`channel_filter_delay` samples
        (MATLAB's ``ChannelFilterDelay``) and consecutive calls equal one call over the
        concatenated waveform. ``"zero-delay"``: output aligned with the input, for one-shot
        use (consecutive calls then differ in the last 15 samples of each block).

    Examples
    --------
    >>> from opennr.propagation.antenna import PanelArray
    >>> tx = PanelArray(size=(1, 2, 2, 1, 1))
    >>> rx = PanelArray(size=(1, 1, 2, 1, 1), element="isotropic")
    >>> ch = CdlChannel("CDL-C", 300e-9, max_doppler_shift=100.0, tx_array=tx, rx_array=rx, seed=1)
    >>> ch.path_delays.shape, ch.path_gains([0.0, 1e-3]).shape
    ((24,), (1, 2, 4, 24, 2))
    >>> y, g, t = ch(np.ones((4, 100), np.complex64), 30.72e6)
    >>> y.shape, g.shape[:4]
    ((1, 2, 100), (1, 2, 4, 24))
    >>> ch.channel_filter_delay(30.72e6)    # y is delayed by 14 samples (causal filter)
    14
    """

    def __init__(self, profile="CDL-A", delay_spread: float = 30e-9, *, max_doppler_shift=None,
                 speed=None, carrier_frequency: float = 4e9, ut_direction_of_travel=(0.0, 90.0),
                 tx_array: PanelArray | None = None, rx_array: PanelArray | None = None,
                 k_factor_db=None, angle_spreads=None, mean_angles=None,
                 normalize_path_gains: bool = True, batch_size: int = 1,
                 rng: np.random.Generator | None = None, seed=None, block_fading: bool = False,
                 sample_density: float = 64.0, filter_mode: str = "causal") -> None:
        self.clusters = cdl_clusters(profile, delay_spread, k_factor_db=k_factor_db,
                                     angle_spreads=angle_spreads, mean_angles=mean_angles,
                                     normalize=bool(normalize_path_gains))
        fc = _real(carrier_frequency, "carrier_frequency", low=0.0, strict=True,
                   clause="TR 38.901 §7.5")
        if speed is not None and max_doppler_shift is not None:
            raise ValueError("give max_doppler_shift or speed, not both (TR 38.901 §7.5)")
        if speed is not None:
            v = _real(speed, "speed", low=0.0, clause="TR 38.901 §7.5")
            fd = v * fc / SPEED_OF_LIGHT
        else:
            fd = _real(5.0 if max_doppler_shift is None else max_doppler_shift,
                       "max_doppler_shift", low=0.0, clause="TR 38.901 §7.5")
        self.carrier_frequency = fc
        self.max_doppler_shift = fd
        self.ut_direction_of_travel = tuple(
            _vec(ut_direction_of_travel, "ut_direction_of_travel", 2, "TR 38.901 §7.5"))
        default = _default_array()
        for name, arr in (("tx_array", tx_array), ("rx_array", rx_array)):
            if arr is not None and not isinstance(arr, PanelArray):
                raise TypeError(f"{name} must be a PanelArray, got {type(arr).__name__} "
                                "(TR 38.901 §7.3)")
        self.tx_array = tx_array if tx_array is not None else default
        self.rx_array = rx_array if rx_array is not None else default
        self.batch_size = check_int(batch_size, "batch_size", low=1)
        if rng is None:
            rng = np.random.default_rng(seed)
        elif seed is not None:
            raise ValueError("give rng or seed, not both")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.block_fading = bool(block_fading)
        self.filter_mode = check_choice(filter_mode, "filter_mode", ("causal", "zero-delay"),
                                        clause="TR 38.901 §7.7")
        sd = _real(sample_density, "sample_density", low=0.0, strict=True) if not (
            isinstance(sample_density, float) and math.isinf(sample_density)) else math.inf
        self.sample_density = sd
        self.rays = generate_cdl_rays(self.clusters, rng, self.batch_size)
        self._coef = _ray_coefficients_numba(self.rays, self.tx_array, self.rx_array)
        az, ze = np.deg2rad(self.ut_direction_of_travel)
        v_hat = np.array([np.sin(ze) * np.cos(az), np.sin(ze) * np.sin(az), np.cos(ze)])
        self.ray_doppler = fd * (unit_vector(self.rays.zoa, self.rays.aoa) @ v_hat)  # [B, P, M]
        self._time = 0.0
        self._history = None
        self._history_fs = None

    # -- shared channel interface -------------------------------------------------------
    @property
    def num_tx(self) -> int:
        """Transmit ports."""
        return self.tx_array.num_elements

    @property
    def num_rx(self) -> int:
        """Receive ports."""
        return self.rx_array.num_elements

    @property
    def path_delays(self) -> np.ndarray:
        """Path delays ``tau_n`` in seconds, float64 [P] (after delay-spread scaling)."""
        return np.array(self.clusters.delays)

    @property
    def time(self) -> float:
        """The internal clock: start time (s) of the next :meth:`__call__`."""
        return self._time

    def channel_filter_delay(self, sample_rate: float) -> int:
        """Delay ``D`` in samples of :meth:`__call__`'s output at ``sample_rate`` (MATLAB's ``ChannelFilterDelay``).

        ``D / sample_rate`` seconds; 0 with ``filter_mode="zero-delay"`` or when every path delay
        is a whole number of samples, else the smallest delay making the channel filter causal
        (:func:`~opennr.propagation.apply.channel_filter_delay`).

        Examples
        --------
        >>> CdlChannel("CDL-A", 100e-9, seed=0).channel_filter_delay(30.72e6)  # 16 - 1 - 1
        14
        """
        fs = _real(sample_rate, "sample_rate", low=0.0, strict=True, clause="TR 38.901 §7.7")
        if self.filter_mode == "zero-delay":
            return 0
        return _apply.channel_filter_delay(self.path_delays, fs)

    def reset(self) -> None:
        """Set the internal clock back to ``t = 0`` and forget the previous input samples."""
        self._time = 0.0
        self._history = None
        self._history_fs = None

    def _gains(self, times: np.ndarray) -> np.ndarray:
        b, p = self._coef.shape[:2]
        out = np.empty((b, self.num_rx, self.num_tx, p, times.size), np.complex64)
        t = np.ascontiguousarray(times)
        d = np.diff(t)
        uniform = bool(d.size > 1 and np.all(np.abs(d - d[0]) <= 1e-12 * max(abs(d[0]), 1e-300))
                       and t.size <= 4096)
        path_gains_kernel(self._coef, self.ray_doppler, t, uniform, out)
        return out

    def _gains_numpy(self, times: np.ndarray) -> np.ndarray:
        """NumPy twin of the path-gain kernel (tests)."""
        ph = np.exp(2j * np.pi * self.ray_doppler[..., None] * times)  # [B, P, M, T]
        g = np.einsum("bpmus,bpmt->buspt", self._coef, ph)
        return g.astype(np.complex64)

    def path_gains(self, times) -> np.ndarray:
        """TR 38.901 eq. 7.5-22/7.5-29: path gains at absolute ``times`` (s), complex64 [B, n_rx, n_tx, P, T].

        With ``block_fading`` every time gets the gains of ``times[0]``.
        """
        t = np.asarray(times, dtype=np.float64).reshape(-1)
        if not np.isfinite(t).all():
            raise ValueError("times must be finite (seconds)")
        if self.block_fading and t.size:
            g = self._gains(t[:1])
            return np.repeat(g, t.size, axis=-1)
        return self._gains(t)

    def _gain_times(self, t0: float, t1: float, fs: float) -> np.ndarray:
        fd = self.max_doppler_shift
        if self.block_fading or fd == 0.0:
            return np.array([t0])
        rate = 2.0 * self.sample_density * fd
        if not math.isfinite(rate) or rate >= fs:
            return t0 + np.arange(max(round((t1 - t0) * fs), 1)) / fs
        k0 = math.floor(t0 * rate)
        k1 = math.ceil(t1 * rate)
        return np.arange(k0, max(k1, k0 + 1) + 1) / rate

    def __call__(self, waveform, sample_rate: float, *, start_time=None,
                 require_resolved_taps: bool = True):
        """TR 38.901 §7.7.1: filter ``waveform`` [B or none, n_tx, S] through the channel.

        Parameters
        ----------
        waveform : array_like, complex, [B, n_tx, S] or [n_tx, S]
        sample_rate : float
            Hz; at least ``1 / max(path_delays)`` unless ``require_resolved_taps=False``.
        start_time : float, optional
            Time of the first sample; default the internal clock (continues the previous call,
            the previous input feeding the delayed paths). The clock moves to the end of this
            waveform.
        require_resolved_taps : bool, default True
            Reject a sample rate at which the whole delay profile spans less than one sample.

        Returns
        -------
        (rx, path_gains, sample_times)
            ``rx`` complex64 [B, n_rx, S], delayed by :meth:`channel_filter_delay` samples
            (``filter_mode="causal"``: its first ``D`` samples carry the end of the previous
            call's input, zeros after :meth:`reset`); ``path_gains`` complex64 [B, n_rx, n_tx, P, T'] at
            ``sample_times`` [T'] (seconds; every ``1 / (2 sample_density f_D)`` s, interpolated
            linearly by the filter).
        """
        fs = _real(sample_rate, "sample_rate", low=0.0, strict=True, clause="TR 38.901 §7.7")
        tau = float(self.path_delays.max(initial=0.0))
        if require_resolved_taps and tau > 0 and tau * fs < 1.0:
            raise ValueError(
                f"sample_rate {fs:.6g} Hz is too low for the delay profile: the largest delay "
                f"{tau * 1e9:.4g} ns is shorter than one sample ({1e9 / fs:.4g} ns); use at least "
                f"{1.0 / tau:.4g} Hz, or pass require_resolved_taps=False (TR 38.901 §7.7)")
        x = np.asarray(waveform)
        if x.dtype == bool or not np.issubdtype(x.dtype, np.number):
            raise TypeError(f"waveform must be a numeric (complex) array, got dtype {x.dtype}")
        if x.ndim == 2:
            x = x[None]
        if x.ndim != 3 or x.shape[1] != self.num_tx or x.shape[0] not in (1, self.batch_size):
            raise ValueError(f"waveform must have shape [B, n_tx, S] or [n_tx, S] with n_tx = "
                             f"{self.num_tx} and B = {self.batch_size} (or 1), got shape "
                             f"{np.shape(waveform)} (TR 38.901 §7.7.1)")
        if start_time is None:
            t0 = self._time
        else:
            t0 = _real(start_time, "start_time")
        same = self._history_fs == fs and abs(t0 - self._time) * fs < 1e-6
        hist = self._history if same else None
        if hist is not None and hist.shape[0] != x.shape[0]:  # [n_tx, S] input vs batch
            b = max(hist.shape[0], x.shape[0])
            hist = np.broadcast_to(hist, (b,) + hist.shape[1:])
            x = np.broadcast_to(x, (b,) + x.shape[1:])
        n = x.shape[-1]
        t1 = t0 + n / fs
        times = self._gain_times(t0, t1, fs)
        gains = self.path_gains(times)
        mode = "causal" if self.filter_mode == "causal" else 0
        y = _apply.apply_time_channel(x, gains, times, self.path_delays, fs, start_time=t0,
                                      history=hist, filter_delay=mode)
        keep = max(_apply.channel_filter_span(self.path_delays, fs, filter_delay=mode), 0) + 1
        full = x if hist is None else np.concatenate([hist, x.astype(np.complex64)], axis=-1)
        self._history = np.ascontiguousarray(full[..., -keep:], dtype=np.complex64)
        self._history_fs = fs
        self._time = t1
        return y, gains, times

    def ofdm_response(self, carrier, *, num_symbols=None, start_time: float = 0.0, nfft=None,
                      sample_rate=None) -> np.ndarray:
        """TR 38.901 §7.7.1: per-RE, per-symbol response, complex64 [B, n_rx, n_tx, K, L].

        Gains are sampled at the centre of each OFDM symbol's useful part
        (:func:`~opennr.propagation.apply.symbol_times`, ``start_time`` = start of slot
        ``carrier.n_slot``); ``nfft`` and ``sample_rate`` are accepted for interface compatibility
        and do not change the exact response.
        """
        t = _apply.symbol_times(carrier, num_symbols,
                                start_time=_real(start_time, "start_time"))
        gains = self.path_gains(t)
        # = apply.ofdm_channel_response(gains, delays, f), with the [K, P] phasors made from a
        # coarse and a fine table (and cached per grid and delays) instead of K P exponentials.
        e = _carrier_phasors(carrier.num_subcarriers, float(carrier.subcarrier_spacing) * 1e3,
                             self.clusters.delays.tobytes())
        return np.matmul(e, gains)
