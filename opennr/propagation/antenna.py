"""TR 38.901 V17 §7.1, §7.3: antenna element pattern, polarisation and panel arrays.

* Element radiation power pattern of Table 7.3-1 (3 dB beamwidth 65 deg, 30 dB front-back ratio,
  8 dBi maximum directional gain), or an isotropic element (0 dBi).
* Polarised field pattern in the element's coordinate system: polarisation model 1 (§7.3.2 eq.
  7.3-3..7.3-5, the element rotated by its slant angle ``zeta``) or model 2 (eq. 7.3-6, ``F_theta =
  sqrt(A) cos zeta``, ``F_phi = sqrt(A) sin zeta``).
* Local-to-global coordinate transformation of §7.1.1-7.1.3 for an array orientation (bearing ``alpha``,
  downtilt ``beta``, slant ``gamma``): directions with ``R = R_z(alpha) R_y(beta) R_x(gamma)`` (eq. 7.1-4),
  field components with the same rotation applied to the spherical unit vectors (equivalent to eq. 7.1-11
  with the angle ``psi`` of eq. 7.1-15).
* Uniform rectangular panel arrays ``M x N x P x Mg x Ng`` (§7.3, Figure 7.3-1) with element and panel
  spacings in wavelengths, single or dual (cross) polarisation, and their location (steering) vectors
  ``exp(j 2 pi r^ . d)`` (eq. 7.5-22).

Angles are in degrees throughout; zenith ``theta`` in [0, 180], azimuth ``phi`` in any range.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from opennr._validation import check_choice, check_int

__all__ = [
    "ELEMENTS",
    "PanelArray",
    "element_field_lcs",
    "element_gain_db",
    "field_to_gcs",
    "rotation_matrix",
    "unit_vector",
]

_CLAUSE = "TR 38.901 §7.3"
#: Element types: the directional element of TR 38.901 Table 7.3-1 and an isotropic element.
ELEMENTS: tuple[str, ...] = ("38.901", "isotropic")

_THETA_3DB = 65.0  # deg, Table 7.3-1
_PHI_3DB = 65.0
_SLA_V = 30.0  # dB
_A_MAX = 30.0  # dB
_G_MAX = 8.0  # dBi


def element_gain_db(theta, phi, element: str = "38.901") -> np.ndarray:
    """TR 38.901 Table 7.3-1: element gain ``A'(theta', phi') + G_E,max`` in dBi (element LCS).

    Parameters
    ----------
    theta, phi : array_like
        Zenith ``theta'`` in [0, 180] and azimuth ``phi'`` (degrees) in the element's local system,
        broadcast together.
    element : {"38.901", "isotropic"}
        Table 7.3-1 pattern (``A'_V = -min(12 ((theta'-90)/65)^2, 30)``, ``A'_H = -min(12 (phi'/65)^2,
        30)``, ``A' = -min(-(A'_V + A'_H), 30)``, plus 8 dBi) or 0 dBi everywhere.

    Returns
    -------
    numpy.ndarray of float64
        Gain in dBi, the broadcast shape of ``theta`` and ``phi``.

    Examples
    --------
    >>> element_gain_db([90.0, 90.0, 90.0], [0.0, 32.5, 180.0]).round(2).tolist()
    [8.0, 5.0, -22.0]
    """
    check_choice(element, "element", ELEMENTS, clause=_CLAUSE)
    theta, phi = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
    if element == "isotropic":
        return np.zeros(theta.shape)
    phi = (phi + 180.0) % 360.0 - 180.0
    a_v = -np.minimum(12.0 * ((theta - 90.0) / _THETA_3DB) ** 2, _SLA_V)
    a_h = -np.minimum(12.0 * (phi / _PHI_3DB) ** 2, _A_MAX)
    return -np.minimum(-(a_v + a_h), _A_MAX) + _G_MAX


def _model(polarization_model) -> int:
    if polarization_model in ("Model-1", "model-1", 1):
        return 1
    if polarization_model in ("Model-2", "model-2", 2):
        return 2
    check_choice(polarization_model, "polarization_model", (1, 2, "Model-1", "Model-2"),
                 clause="TR 38.901 §7.3.2")
    raise AssertionError  # pragma: no cover


def element_field_lcs(theta, phi, slant: float = 0.0, *, element: str = "38.901",
                      polarization_model=2) -> tuple[np.ndarray, np.ndarray]:
    """TR 38.901 §7.3.2: field pattern ``(F'_theta, F'_phi)`` of a slanted element in its LCS.

    Parameters
    ----------
    theta, phi : array_like
        Local zenith and azimuth angles (degrees), broadcast together.
    slant : float
        Polarisation slant angle ``zeta`` in degrees (0 = vertical, +-45 = cross-polarised pair).
    element : {"38.901", "isotropic"}
        Power pattern (:func:`element_gain_db`).
    polarization_model : {1, 2, "Model-1", "Model-2"}
        Model 1 (eq. 7.3-3..7.3-5): ``F' = sqrt(A') (cos psi, sin psi)`` with ``cos psi = (cos zeta
        sin theta' + sin zeta sin phi' cos theta') / s``, ``sin psi = sin zeta cos phi' / s``, ``s =
        sqrt(1 - (cos zeta cos theta' - sin zeta sin phi' sin theta')^2)``. Model 2 (eq. 7.3-6):
        ``F' = sqrt(A') (cos zeta, sin zeta)``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``F'_theta`` and ``F'_phi`` (linear field amplitudes, ``|F|^2`` = linear gain).

    Examples
    --------
    >>> ft, fp = element_field_lcs(90.0, 0.0, 45.0)
    >>> round(float(ft ** 2 + fp ** 2), 4), round(float(ft), 4) == round(float(fp), 4)
    (6.3096, True)
    """
    model = _model(polarization_model)
    if not isinstance(slant, Real) or not np.isfinite(slant):
        raise TypeError(f"slant must be a finite real angle in degrees, got {slant!r} (TR 38.901 §7.3.2)")
    theta, phi = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
    amp = np.sqrt(10.0 ** (element_gain_db(theta, phi, element) / 10.0))
    z = np.deg2rad(slant)
    if model == 2:
        return amp * np.cos(z), amp * np.sin(z)
    th, ph = np.deg2rad(theta), np.deg2rad(phi)
    c = np.cos(z) * np.sin(th) + np.sin(z) * np.sin(ph) * np.cos(th)
    s = np.sin(z) * np.cos(ph)
    norm = np.hypot(c, s)
    # Along the dipole axis the polarisation is undefined; the model-1 pattern is then taken as
    # vertical (psi = zeta), which only matters on a set of measure zero.
    safe = norm > 1e-12
    cos_psi = np.where(safe, c / np.where(safe, norm, 1.0), np.cos(z))
    sin_psi = np.where(safe, s / np.where(safe, norm, 1.0), np.sin(z))
    return amp * cos_psi, amp * sin_psi


def rotation_matrix(orientation) -> np.ndarray:
    """TR 38.901 §7.1.1 eq. 7.1-4: ``R = R_z(alpha) R_y(beta) R_x(gamma)`` for ``(alpha, beta, gamma)``.

    Parameters
    ----------
    orientation : array_like, [3]
        Bearing ``alpha``, downtilt ``beta`` and slant ``gamma`` in degrees (MATLAB's
        ``TransmitArrayOrientation`` / ``ReceiveArrayOrientation``).

    Returns
    -------
    numpy.ndarray of float64, [3, 3]
        Maps local (LCS) to global (GCS) Cartesian coordinates.

    Examples
    --------
    >>> rotation_matrix([90, 0, 0]) @ [1, 0, 0]  # boresight turned to +y
    array([0., 1., 0.])
    """
    o = np.asarray(orientation, dtype=float).reshape(-1)
    if o.size != 3 or not np.isfinite(o).all():
        raise ValueError(
            f"orientation must be 3 finite angles [alpha, beta, gamma] in degrees, got {orientation!r} "
            "(TR 38.901 §7.1.1)"
        )
    a, b, g = np.deg2rad(o)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rx = np.array([[1, 0, 0], [0, np.cos(g), -np.sin(g)], [0, np.sin(g), np.cos(g)]])
    r = rz @ ry @ rx
    r[np.abs(r) < 1e-15] = 0.0
    return r


def unit_vector(theta, phi) -> np.ndarray:
    """TR 38.901 eq. 7.5-23: spherical unit vector ``r^ = (sin t cos p, sin t sin p, cos t)``, [..., 3].

    >>> unit_vector(90.0, 90.0).round(12).tolist()
    [0.0, 1.0, 0.0]
    """
    th, ph = np.deg2rad(np.asarray(theta, float)), np.deg2rad(np.asarray(phi, float))
    th, ph = np.broadcast_arrays(th, ph)
    return np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], axis=-1)


def _theta_phi_hats(th, ph):
    theta_hat = np.stack([np.cos(th) * np.cos(ph), np.cos(th) * np.sin(ph), -np.sin(th)], axis=-1)
    phi_hat = np.stack([-np.sin(ph), np.cos(ph), np.zeros_like(ph)], axis=-1)
    return theta_hat, phi_hat


def _to_local(theta, phi, r):
    """GCS angles (deg) -> LCS angles (rad) and spherical unit vectors of both systems."""
    th, ph = np.broadcast_arrays(np.deg2rad(np.asarray(theta, float)),
                                 np.deg2rad(np.asarray(phi, float)))
    rhat = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], axis=-1)
    rloc = rhat @ r  # R^T r^ for each row vector
    thl = np.arccos(np.clip(rloc[..., 2], -1.0, 1.0))
    phl = np.arctan2(rloc[..., 1], rloc[..., 0])
    return th, ph, thl, phl


def field_to_gcs(theta, phi, orientation, field_lcs) -> tuple[np.ndarray, np.ndarray]:
    """TR 38.901 §7.1.3: field ``(F_theta, F_phi)`` in the GCS of an element rotated by ``orientation``.

    Parameters
    ----------
    theta, phi : array_like
        Global zenith and azimuth (degrees).
    orientation : array_like, [3]
        ``(alpha, beta, gamma)`` in degrees (:func:`rotation_matrix`).
    field_lcs : callable
        ``field_lcs(theta', phi') -> (F'_theta, F'_phi)`` with local angles in degrees (e.g. a
        ``functools.partial`` of :func:`element_field_lcs`).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``F_theta(theta, phi)`` and ``F_phi(theta, phi)`` in the global system (eq. 7.1-11).

    Examples
    --------
    >>> from functools import partial
    >>> f = partial(element_field_lcs, slant=0.0, element="isotropic")
    >>> [round(float(v), 6) for v in field_to_gcs(90.0, 0.0, [0, 0, 90], f)]  # slanted 90 deg
    [0.0, 1.0]
    """
    r = rotation_matrix(orientation)
    th, ph, thl, phl = _to_local(theta, phi, r)
    ft_l, fp_l = field_lcs(np.rad2deg(thl), np.rad2deg(phl))
    th_hat_l, ph_hat_l = _theta_phi_hats(thl, phl)
    vec = ft_l[..., None] * (th_hat_l @ r.T) + fp_l[..., None] * (ph_hat_l @ r.T)
    th_hat, ph_hat = _theta_phi_hats(th, ph)
    return np.sum(vec * th_hat, axis=-1), np.sum(vec * ph_hat, axis=-1)


def _real_vector(value, name, n, *, positive=False, clause=_CLAUSE):
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {n} real numbers, got {value!r} ({clause})") from None
    if arr.size != n or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be {n} finite real numbers, got {value!r} ({clause})")
    if positive and (arr <= 0).any():
        raise ValueError(f"{name} must be positive, got {value!r} ({clause})")
    return tuple(float(v) for v in arr)


@dataclass(frozen=True)
class PanelArray:
    """TR 38.901 §7.3: uniform rectangular panel array ``M x N x P x Mg x Ng`` (Figure 7.3-1).

    Parameters
    ----------
    size : tuple of 5 int, default (1, 1, 1, 1, 1)
        ``(M, N, P, Mg, Ng)``: elements per column (vertical) and per row (horizontal) of a panel,
        polarisations ``P`` (1 or 2), panel rows and columns (MATLAB's ``Size``).
    element_spacing : tuple of 4 float, default (0.5, 0.5, 1.0, 1.0)
        ``(d_V, d_H, d_g,V, d_g,H)`` in wavelengths: element spacings and panel (centre) spacings.
    polarization_angles : tuple of 2 float, default (45.0, -45.0)
        Slant angles ``zeta`` (degrees) of the first and second polarisation; with ``P = 1`` only the
        first is used (0 = vertical).
    element : {"38.901", "isotropic"}, default "38.901"
        Element power pattern (:func:`element_gain_db`).
    polarization_model : {1, 2}, default 2
        §7.3.2 polarisation model (:func:`element_field_lcs`).
    orientation : tuple of 3 float, default (0, 0, 0)
        Array bearing, downtilt and slant ``(alpha, beta, gamma)`` in degrees (§7.1.3).

    Notes
    -----
    Elements lie in the local y-z plane (boresight +x), centred on the array: the element
    ``(m, n)`` of panel ``(mg, ng)`` sits at ``y = (n - (N-1)/2) d_H + (ng - (Ng-1)/2) d_g,H`` and
    ``z = (m - (M-1)/2) d_V + (mg - (Mg-1)/2) d_g,V``. Ports are numbered like MATLAB's linear
    index of an ``M x N x P x Mg x Ng`` array: ``m`` fastest, then ``n``, ``p``, ``mg``, ``ng``.

    Examples
    --------
    >>> a = PanelArray(size=(1, 2, 2, 1, 1))  # one row of 2 cross-polarised pairs = 4 ports
    >>> a.num_elements, a.element_slants().tolist()
    (4, [45.0, 45.0, -45.0, -45.0])
    >>> a.element_positions()[:, 1].tolist()  # y in wavelengths
    [-0.25, 0.25, -0.25, 0.25]
    """

    size: tuple = (1, 1, 1, 1, 1)
    element_spacing: tuple = (0.5, 0.5, 1.0, 1.0)
    polarization_angles: tuple = (45.0, -45.0)
    element: str = "38.901"
    polarization_model: int = 2
    orientation: tuple = (0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every field; raise ``TypeError``/``ValueError`` naming the field and clause."""
        try:
            size = tuple(self.size)
        except TypeError:
            raise TypeError(f"size must be 5 integers (M, N, P, Mg, Ng), got {self.size!r} "
                            f"({_CLAUSE})") from None
        if len(size) != 5:
            raise ValueError(f"size must be 5 integers (M, N, P, Mg, Ng), got {self.size!r} ({_CLAUSE})")
        names = ("M", "N", "P", "Mg", "Ng")
        size = tuple(check_int(v, f"size[{i}] ({names[i]})", low=1, clause=_CLAUSE)
                     for i, v in enumerate(size))
        if size[2] not in (1, 2):
            raise ValueError(f"size[2] (P, polarisations) must be 1 or 2, got {size[2]} ({_CLAUSE})")
        object.__setattr__(self, "size", size)
        spacing = _real_vector(self.element_spacing, "element_spacing", 4, positive=True)
        m, n, _, mg, ng = size
        if mg > 1 and spacing[2] < m * spacing[0] - 1e-12:
            raise ValueError(
                f"element_spacing[2] (vertical panel spacing d_g,V = {spacing[2]}) must be at least "
                f"M d_V = {m * spacing[0]} so that panels do not overlap ({_CLAUSE})")
        if ng > 1 and spacing[3] < n * spacing[1] - 1e-12:
            raise ValueError(
                f"element_spacing[3] (horizontal panel spacing d_g,H = {spacing[3]}) must be at least "
                f"N d_H = {n * spacing[1]} so that panels do not overlap ({_CLAUSE})")
        object.__setattr__(self, "element_spacing", spacing)
        pol = np.asarray(self.polarization_angles, dtype=float).reshape(-1)
        if pol.size == 1:
            pol = np.array([pol[0], pol[0] - 90.0])
        object.__setattr__(self, "polarization_angles",
                           _real_vector(pol, "polarization_angles", 2, clause="TR 38.901 §7.3.2"))
        check_choice(self.element, "element", ELEMENTS, clause=_CLAUSE)
        object.__setattr__(self, "polarization_model", _model(self.polarization_model))
        object.__setattr__(self, "orientation",
                           _real_vector(self.orientation, "orientation", 3, clause="TR 38.901 §7.1.3"))

    @property
    def num_elements(self) -> int:
        """Number of ports ``M N P Mg Ng``."""
        return int(np.prod(self.size))

    def _grid(self):
        m, n, p, mg, ng = self.size
        # MATLAB linear order: m fastest ... ng slowest -> index arrays in C order reversed.
        ing, img, ip, i_n, im = np.meshgrid(np.arange(ng), np.arange(mg), np.arange(p),
                                            np.arange(n), np.arange(m), indexing="ij")
        return im.ravel(), i_n.ravel(), ip.ravel(), img.ravel(), ing.ravel()

    def element_slants(self) -> np.ndarray:
        """Slant angle ``zeta`` (degrees) of each port, float64 [E]."""
        _, _, ip, _, _ = self._grid()
        return np.asarray(self.polarization_angles)[ip]

    def element_positions(self, *, local: bool = False) -> np.ndarray:
        """Port positions ``d`` in wavelengths, float64 [E, 3], in the GCS (or the LCS if ``local``)."""
        m, n, _, mg, ng = self.size
        dv, dh, dgv, dgh = self.element_spacing
        im, i_n, _, img, ing = self._grid()
        y = (i_n - (n - 1) / 2) * dh + (ing - (ng - 1) / 2) * dgh
        z = (im - (m - 1) / 2) * dv + (img - (mg - 1) / 2) * dgv
        pos = np.stack([np.zeros_like(y), y, z], axis=-1).astype(float)
        return pos if local else pos @ rotation_matrix(self.orientation).T

    def field_pattern(self, theta, phi) -> np.ndarray:
        """TR 38.901 §7.1.3, §7.3: GCS field ``(F_theta, F_phi)`` of every port, float64 [..., E, 2].

        Parameters
        ----------
        theta, phi : array_like
            Global zenith and azimuth (degrees), broadcast together to shape ``[...]``.
        """
        from functools import partial

        slants = self.element_slants()
        uniq, inverse = np.unique(slants, return_inverse=True)
        out = []
        for z in uniq:
            f = partial(element_field_lcs, slant=float(z), element=self.element,
                        polarization_model=self.polarization_model)
            out.append(np.stack(field_to_gcs(theta, phi, self.orientation, f), axis=-1))
        per_slant = np.stack(out, axis=-2)  # [..., U, 2]
        return per_slant[..., inverse.ravel(), :]

    def steering_vector(self, theta, phi) -> np.ndarray:
        """TR 38.901 eq. 7.5-22: location vectors ``exp(j 2 pi r^(theta, phi) . d_u)``, complex128 [..., E]."""
        return np.exp(2j * np.pi * (unit_vector(theta, phi) @ self.element_positions().T))
