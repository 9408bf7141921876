"""Numba kernel of :mod:`opennr.propagation.tdl`: the sum of sinusoids, with its NumPy twin."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["sum_of_sinusoids_kernel", "sum_of_sinusoids_numpy", "sum_of_sinusoids_uniform_kernel"]


@njit(cache=True)
def sum_of_sinusoids_kernel(freqs, phases, times, scale, out):
    """``out[m, k] = scale * sum_n exp(j (2 pi freqs[m, n] times[k] + phases[m, n]))``.

    freqs, phases : float64 [M, N]; times : float64 [T]; out : complex128 [M, T].
    """
    n_m, n_n = freqs.shape
    two_pi = 2.0 * math.pi
    for m in range(n_m):
        for k in range(times.size):
            t = times[k]
            re = 0.0
            im = 0.0
            for n in range(n_n):
                a = two_pi * freqs[m, n] * t + phases[m, n]
                re += math.cos(a)
                im += math.sin(a)
            out[m, k] = complex(re * scale, im * scale)


@njit(cache=True)
def sum_of_sinusoids_uniform_kernel(freqs, phases, t0, dt, scale, out):
    """As :func:`sum_of_sinusoids_kernel` for the uniform times ``t0 + k dt``, ``k < T``.

    Each sinusoid is advanced by a complex rotation ``exp(j 2 pi f dt)`` and re-anchored with
    an exact ``exp`` every 256 samples, so the error stays at float64 round-off (< 1e-12).
    out : complex128 [M, T], overwritten.
    """
    n_m, n_n = freqs.shape
    n_t = out.shape[1]
    two_pi = 2.0 * math.pi
    block = 256
    for m in range(n_m):
        for k in range(n_t):
            out[m, k] = 0.0
        for n in range(n_n):
            f = freqs[m, n]
            ph = phases[m, n]
            rot = complex(math.cos(two_pi * f * dt), math.sin(two_pi * f * dt))
            for k0 in range(0, n_t, block):
                a = two_pi * f * (t0 + k0 * dt) + ph
                z = complex(math.cos(a), math.sin(a))
                k1 = min(k0 + block, n_t)
                for k in range(k0, k1):
                    out[m, k] += z
                    z *= rot
        for k in range(n_t):
            out[m, k] *= scale


def sum_of_sinusoids_numpy(freqs, phases, times, scale):
    """NumPy twin of :func:`sum_of_sinusoids_kernel` (returns ``[M, T]`` complex128)."""
    arg = 2 * np.pi * freqs[:, :, None] * np.asarray(times)[None, None, :] + phases[:, :, None]
    return np.exp(1j * arg).sum(axis=1) * scale
