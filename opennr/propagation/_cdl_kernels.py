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
def _local_frame(theta, phi, r, element, identity, frame):
    """Per direction and array: element amplitude and the map (F'_theta, F'_phi) -> (F_theta, F_phi).

    Same maths as antenna.field_to_gcs + element_field_lcs: direction to the LCS with R^T,
    Table 7.3-1 gain, LCS unit vectors rotated by R and projected on the GCS spherical unit
    vectors. Writes frame = [amp, m00, m01, m10, m11, sin th', cos th', sin ph', cos ph'].
    """
    st, ct = math.sin(theta), math.cos(theta)
    sp, cp = math.sin(phi), math.cos(phi)
    if identity:  # LCS = GCS: no rotation (the common case of a default orientation)
        thl, phl = theta, phi
    else:
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
        amp = math.exp(a_db * (math.log(10.0) / 20.0))
    else:
        amp = 1.0
    frame[0] = amp
    if identity:
        frame[1], frame[2], frame[3], frame[4] = 1.0, 0.0, 0.0, 1.0
        frame[5], frame[6], frame[7], frame[8] = st, ct, sp, cp
        return
    stl, ctl = math.sin(thl), math.cos(thl)
    spl, cpl = math.sin(phl), math.cos(phl)
    # GCS images of the local unit vectors theta_hat' and phi_hat'
    tx_, ty_, tz_ = ctl * cpl, ctl * spl, -stl
    px_, py_, pz_ = -spl, cpl, 0.0
    gtx = r[0, 0] * tx_ + r[0, 1] * ty_ + r[0, 2] * tz_
    gty = r[1, 0] * tx_ + r[1, 1] * ty_ + r[1, 2] * tz_
    gtz = r[2, 0] * tx_ + r[2, 1] * ty_ + r[2, 2] * tz_
    gpx = r[0, 0] * px_ + r[0, 1] * py_ + r[0, 2] * pz_
    gpy = r[1, 0] * px_ + r[1, 1] * py_ + r[1, 2] * pz_
    gpz = r[2, 0] * px_ + r[2, 1] * py_ + r[2, 2] * pz_
    frame[1] = gtx * ct * cp + gty * ct * sp - gtz * st  # theta_hat . R theta_hat'
    frame[2] = gpx * ct * cp + gpy * ct * sp - gpz * st  # theta_hat . R phi_hat'
    frame[3] = -gtx * sp + gty * cp  # phi_hat . R theta_hat'
    frame[4] = -gpx * sp + gpy * cp  # phi_hat . R phi_hat'
    frame[5] = stl
    frame[6] = ctl
    frame[7] = spl
    frame[8] = cpl


@njit(cache=True)
def _element_field(frame, cz, sz, model):
    """GCS field of an element with slant cos/sin (cz, sz) given its direction's frame."""
    amp = frame[0]
    if model == 2:
        ftl = amp * cz
        fpl = amp * sz
    else:
        stl, ctl, spl, cpl = frame[5], frame[6], frame[7], frame[8]
        c = cz * stl + sz * spl * ctl
        s = sz * cpl
        nrm = math.sqrt(c * c + s * s)
        if nrm > 1e-12:
            ftl = amp * c / nrm
            fpl = amp * s / nrm
        else:
            ftl = amp * cz
            fpl = amp * sz
    return frame[1] * ftl + frame[2] * fpl, frame[3] * ftl + frame[4] * fpl


@njit(cache=True)
def ray_coefficients_kernel(zoa, aoa, zod, aod, phases, ray_amp, specular, inv_sqrt_kappa,
                            rx_pos, rx_pos_index, rx_slant, rx_rot, rx_identity, rx_element,
                            rx_model, tx_pos, tx_pos_index, tx_slant, tx_rot, tx_identity,
                            tx_element, tx_model, out):
    """out[b, p, m, u, s] = sqrt(P_n/M) F_rx^T X F_tx exp(j2pi r_rx.d_u) exp(j2pi r_tx.d_s).

    Angles in degrees [B, P, M]; phases [B, P, M, 4]; ray_amp [P, M]; specular [P] (uint8);
    distinct positions [E', 3] in wavelengths and each port's index into them [E]; slants [E]
    in radians; rotations [3, 3] (``identity`` flags R = I).
    """
    n_b, n_p, n_m = aoa.shape
    n_u = rx_pos_index.shape[0]
    n_s = tx_pos_index.shape[0]
    prx = np.empty(rx_pos.shape[0], dtype=np.complex128)
    ptx = np.empty(tx_pos.shape[0], dtype=np.complex128)
    frx = np.empty((n_u, 2))
    ftx = np.empty((n_s, 2))
    arx = np.empty(n_u, dtype=np.complex128)
    atx = np.empty(n_s, dtype=np.complex128)
    fr_rx = np.empty(9)
    fr_tx = np.empty(9)
    czr, szr = np.cos(rx_slant), np.sin(rx_slant)
    czt, szt = np.cos(tx_slant), np.sin(tx_slant)
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
                ra0, ra1, ra2 = math.sin(ta) * math.cos(pa), math.sin(ta) * math.sin(pa), math.cos(ta)
                rd0, rd1, rd2 = math.sin(td) * math.cos(pd), math.sin(td) * math.sin(pd), math.cos(td)
                _local_frame(ta, pa, rx_rot, rx_element, rx_identity, fr_rx)
                _local_frame(td, pd, tx_rot, tx_element, tx_identity, fr_tx)
                for i in range(rx_pos.shape[0]):
                    ph = two_pi * (ra0 * rx_pos[i, 0] + ra1 * rx_pos[i, 1] + ra2 * rx_pos[i, 2])
                    prx[i] = complex(math.cos(ph), math.sin(ph))
                for i in range(tx_pos.shape[0]):
                    ph = two_pi * (rd0 * tx_pos[i, 0] + rd1 * tx_pos[i, 1] + rd2 * tx_pos[i, 2])
                    ptx[i] = complex(math.cos(ph), math.sin(ph))
                for u in range(n_u):
                    f0, f1 = _element_field(fr_rx, czr[u], szr[u], rx_model)
                    frx[u, 0] = f0
                    frx[u, 1] = f1
                    arx[u] = prx[rx_pos_index[u]]
                for s in range(n_s):
                    f0, f1 = _element_field(fr_tx, czt[s], szt[s], tx_model)
                    ftx[s, 0] = f0
                    ftx[s, 1] = f1
                    atx[s] = ptx[tx_pos_index[s]]
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
def path_gains_kernel(coef, doppler, times, uniform, out):
    """out[b, u, s, p, t] = sum_m coef[b, p, m, u, s] exp(j 2 pi doppler[b, p, m] times[t]).

    With ``uniform`` (equally spaced ``times``) the Doppler phasors are advanced by one complex
    multiplication per time instead of a sine and cosine (relative error ~T * 1e-16).
    ``out`` may be any strided view.
    """
    n_b, n_p, n_m, n_u, n_s = coef.shape
    n_t = times.shape[0]
    acc = np.empty((n_u, n_s, n_t), dtype=np.complex128)
    rot = np.empty(n_t, dtype=np.complex128)
    two_pi = 2.0 * math.pi
    dt = times[1] - times[0] if n_t > 1 else 0.0
    for b in range(n_b):
        for p in range(n_p):
            acc[:] = 0.0
            for m in range(n_m):
                nu = doppler[b, p, m]
                if uniform and n_t > 2:
                    ph = two_pi * nu * times[0]
                    rot[0] = complex(math.cos(ph), math.sin(ph))
                    ph = two_pi * nu * dt
                    step = complex(math.cos(ph), math.sin(ph))
                    for t in range(1, n_t):
                        rot[t] = rot[t - 1] * step
                else:
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
