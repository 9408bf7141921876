"""Numba kernels of the CDL channel (TR 38.901 §7.5 step 11, §7.7.1 step 4).

Arrays and scalars only; every kernel writes into an output it is given. The plain NumPy twins are
:func:`opennr.propagation.cdl.ray_coefficients` (with :mod:`opennr.propagation.antenna`) and the
NumPy branch of ``CdlChannel._gains``; tests compare both.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_DEG = math.pi / 180.0


@njit(cache=True)
def _field_gcs(theta, phi, r, slant, element, model):
    """GCS field (F_theta, F_phi) of one element (angles in radians, r = LCS->GCS rotation).

    Same maths as antenna.field_to_gcs + element_field_lcs: direction to the LCS with R^T,
    Table 7.3-1 gain, polarisation model 1 or 2, LCS unit vectors rotated by R and projected on
    the GCS spherical unit vectors.
    """
    st, ct = math.sin(theta), math.cos(theta)
    sp, cp = math.sin(phi), math.cos(phi)
    x, y, z = st * cp, st * sp, ct
    lx = r[0, 0] * x + r[1, 0] * y + r[2, 0] * z
    ly = r[0, 1] * x + r[1, 1] * y + r[2, 1] * z
    lz = r[0, 2] * x + r[1, 2] * y + r[2, 2] * z
    lz = min(1.0, max(-1.0, lz))
    thl = math.acos(lz)
    phl = math.atan2(ly, lx)
    if element == 0:
        td = thl / _DEG
        pd = phl / _DEG
        av = -min(12.0 * ((td - 90.0) / 65.0) ** 2, 30.0)
        ah = -min(12.0 * (pd / 65.0) ** 2, 30.0)
        a_db = -min(-(av + ah), 30.0) + 8.0
        amp = math.sqrt(10.0 ** (a_db / 10.0))
    else:
        amp = 1.0
    if model == 2:
        ftl = amp * math.cos(slant)
        fpl = amp * math.sin(slant)
    else:
        c = math.cos(slant) * math.sin(thl) + math.sin(slant) * math.sin(phl) * math.cos(thl)
        s = math.sin(slant) * math.cos(phl)
        nrm = math.sqrt(c * c + s * s)
        if nrm > 1e-12:
            ftl = amp * c / nrm
            fpl = amp * s / nrm
        else:
            ftl = amp * math.cos(slant)
            fpl = amp * math.sin(slant)
    stl, ctl = math.sin(thl), math.cos(thl)
    spl, cpl = math.sin(phl), math.cos(phl)
    # local field vector = ftl * theta_hat' + fpl * phi_hat'
    vx = ftl * ctl * cpl - fpl * spl
    vy = ftl * ctl * spl + fpl * cpl
    vz = -ftl * stl
    gx = r[0, 0] * vx + r[0, 1] * vy + r[0, 2] * vz
    gy = r[1, 0] * vx + r[1, 1] * vy + r[1, 2] * vz
    gz = r[2, 0] * vx + r[2, 1] * vy + r[2, 2] * vz
    f_theta = gx * ct * cp + gy * ct * sp - gz * st
    f_phi = -gx * sp + gy * cp
    return f_theta, f_phi


@njit(cache=True)
def ray_coefficients_kernel(zoa, aoa, zod, aod, phases, ray_amp, specular, inv_sqrt_kappa,
                            rx_pos, rx_slant, rx_rot, rx_element, rx_model,
                            tx_pos, tx_slant, tx_rot, tx_element, tx_model, out):
    """out[b, p, m, u, s] = sqrt(P_n/M) F_rx^T X F_tx exp(j2pi r_rx.d_u) exp(j2pi r_tx.d_s).

    Angles in degrees [B, P, M]; phases [B, P, M, 4]; ray_amp [P, M]; specular [P] (uint8);
    positions [E, 3] in wavelengths; slants [E] in radians; rotations [3, 3].
    """
    n_b, n_p, n_m = aoa.shape
    n_u = rx_pos.shape[0]
    n_s = tx_pos.shape[0]
    frx = np.empty((n_u, 2))
    ftx = np.empty((n_s, 2))
    arx = np.empty(n_u, dtype=np.complex128)
    atx = np.empty(n_s, dtype=np.complex128)
    two_pi = 2.0 * math.pi
    for b in range(n_b):
        for p in range(n_p):
            for m in range(n_m):
                amp = ray_amp[p, m]
                if amp == 0.0:
                    for u in range(n_u):
                        for s in range(n_s):
                            out[b, p, m, u, s] = 0.0
                    continue
                ta, pa = zoa[b, p, m] * _DEG, aoa[b, p, m] * _DEG
                td, pd = zod[b, p, m] * _DEG, aod[b, p, m] * _DEG
                ra = (math.sin(ta) * math.cos(pa), math.sin(ta) * math.sin(pa), math.cos(ta))
                rd = (math.sin(td) * math.cos(pd), math.sin(td) * math.sin(pd), math.cos(td))
                for u in range(n_u):
                    f0, f1 = _field_gcs(ta, pa, rx_rot, rx_slant[u], rx_element, rx_model)
                    frx[u, 0] = f0
                    frx[u, 1] = f1
                    ph = two_pi * (ra[0] * rx_pos[u, 0] + ra[1] * rx_pos[u, 1] + ra[2] * rx_pos[u, 2])
                    arx[u] = complex(math.cos(ph), math.sin(ph))
                for s in range(n_s):
                    f0, f1 = _field_gcs(td, pd, tx_rot, tx_slant[s], tx_element, tx_model)
                    ftx[s, 0] = f0
                    ftx[s, 1] = f1
                    ph = two_pi * (rd[0] * tx_pos[s, 0] + rd[1] * tx_pos[s, 1] + rd[2] * tx_pos[s, 2])
                    atx[s] = complex(math.cos(ph), math.sin(ph))
                if specular[p]:
                    x00, x01, x10, x11 = 1.0 + 0j, 0j, 0j, -1.0 + 0j
                else:
                    x00 = complex(math.cos(phases[b, p, m, 0]), math.sin(phases[b, p, m, 0]))
                    x01 = inv_sqrt_kappa * complex(math.cos(phases[b, p, m, 1]),
                                                   math.sin(phases[b, p, m, 1]))
                    x10 = inv_sqrt_kappa * complex(math.cos(phases[b, p, m, 2]),
                                                   math.sin(phases[b, p, m, 2]))
                    x11 = complex(math.cos(phases[b, p, m, 3]), math.sin(phases[b, p, m, 3]))
                for u in range(n_u):
                    w0 = frx[u, 0] * x00 + frx[u, 1] * x10
                    w1 = frx[u, 0] * x01 + frx[u, 1] * x11
                    au = amp * arx[u]
                    for s in range(n_s):
                        out[b, p, m, u, s] = au * atx[s] * (w0 * ftx[s, 0] + w1 * ftx[s, 1])


@njit(cache=True)
def path_gains_kernel(coef, doppler, times, out):
    """out[b, u, s, p, t] = sum_m coef[b, p, m, u, s] exp(j 2 pi doppler[b, p, m] times[t]).

    ``out`` may be any strided view (e.g. a transpose of a [P, B, U, S, T] buffer).
    """
    n_b, n_p, n_m, n_u, n_s = coef.shape
    n_t = times.shape[0]
    acc = np.empty((n_u, n_s, n_t), dtype=np.complex128)
    rot = np.empty(n_t, dtype=np.complex128)
    two_pi = 2.0 * math.pi
    for b in range(n_b):
        for p in range(n_p):
            acc[:] = 0.0
            for m in range(n_m):
                nu = doppler[b, p, m]
                for t in range(n_t):
                    ph = two_pi * nu * times[t]
                    rot[t] = complex(math.cos(ph), math.sin(ph))
                for u in range(n_u):
                    for s in range(n_s):
                        c = coef[b, p, m, u, s]
                        if c == 0.0:
                            continue
                        for t in range(n_t):
                            acc[u, s, t] += c * rot[t]
            for u in range(n_u):
                for s in range(n_s):
                    for t in range(n_t):
                        out[b, u, s, p, t] = acc[u, s, t]
