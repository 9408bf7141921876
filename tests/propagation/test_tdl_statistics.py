"""TdlChannel statistics with fixed seeds and stated tolerances (TR 38.901 §7.7.2-§7.7.6).

Ensembles: independent realisations (batch) sampled at a few well-separated times. Each
tolerance is about five standard errors of its estimator at the ensemble size used.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import j0

from opennr.propagation.correlation import spatial_correlation
from opennr.propagation.tdl import TdlChannel
from opennr.propagation.tdl_tables import rms_delay_spread

_TIMES = np.arange(6) * 0.05  # 0.05 s apart: independent at f_D = 100 Hz (J0 ~ 0.05)


@pytest.mark.parametrize("profile,ds", [("TDL-A", 300e-9), ("TDL-C", 100e-9), ("TDL-D", 30e-9),
                                        ("TDLB100", None)])
def test_average_power_pdp_and_delay_spread(profile, ds):
    """Total power 1 +- 2 %; each path's power within 10 % of the table (12 000 samples per
    path: std 0.9 %, plus the sum-of-sinusoids' finite-N spread); RMS DS within 2 %."""
    ch = TdlChannel(profile, delay_spread=ds, max_doppler=100.0, batch_size=2000, seed=21)
    g = ch.path_gains(_TIMES)
    p = np.mean(np.abs(g) ** 2, axis=(0, 1, 2, 4))
    assert p.sum() == pytest.approx(1.0, abs=0.02)
    np.testing.assert_allclose(p, ch.path_powers, rtol=0.10)
    target = ds if ds is not None else ch.profile.delay_spread
    assert rms_delay_spread(ch.path_delays, p) == pytest.approx(target, rel=0.02)


@pytest.mark.parametrize("profile,k", [("TDL-D", None), ("TDL-E", 3.0)])
def test_rician_k_factor(profile, k):
    """First-tap K from the moments (Greenstein et al. 1999): within 0.5 dB (24 000 samples)."""
    ch = TdlChannel(profile, delay_spread=50e-9, k_factor=k, max_doppler=100.0, batch_size=4000,
                    seed=22)
    g = ch.path_gains(_TIMES)[:, 0, 0, 0, :].ravel().astype(np.complex128)
    m2 = np.mean(np.abs(g) ** 2)
    m4 = np.mean(np.abs(g) ** 4)
    r = np.sqrt(2 - m4 / m2**2)
    k_est = 10 * np.log10(r / (1 - r))
    assert k_est == pytest.approx(ch.profile.first_tap_k_factor_db, abs=0.5)
    # the other taps are Rayleigh: E|g|^4 / E|g|^2^2 = 2
    g1 = ch.path_gains(_TIMES)[:, 0, 0, 3, :].ravel().astype(np.complex128)
    assert np.mean(np.abs(g1) ** 4) / np.mean(np.abs(g1) ** 2) ** 2 == pytest.approx(2, abs=0.1)


def test_doppler_autocorrelation_is_j0():
    """E[g(t+tau) g*(t)] / E|g|^2 vs J0(2 pi f_D tau) for tau < 3 / f_D: |error| < 0.05
    (1000 realisations x 12 paths; the imaginary part, zero in theory, < 0.05 too)."""
    fd = 100.0
    ch = TdlChannel("TDLA30", max_doppler=fd, batch_size=1000, seed=23)
    tau = np.arange(0, 0.03, 0.0005)
    g = ch.path_gains(tau)[:, 0, 0].astype(np.complex128)  # [B, P, T]
    g = g / np.sqrt(ch.path_powers)[None, :, None]
    ac = np.mean(g * np.conj(g[..., :1]), axis=(0, 1))
    assert np.abs(ac.real - j0(2 * np.pi * fd * tau)).max() < 0.05
    assert np.abs(ac.imag).max() < 0.05


def test_level_crossing_rate():
    """Rayleigh LCR N_R = sqrt(2 pi) f_D rho exp(-rho^2) at rho = 0.3, 1, 1.5 (rms-normalised
    envelope): within 6 % (10 realisations x 12 paths x 1 s at f_D = 100 Hz, > 2 000 crossings
    per level)."""
    fd = 100.0
    ch = TdlChannel("TDLA30", max_doppler=fd, batch_size=10, seed=24)
    fs = 20e3
    t = np.arange(int(fs)) / fs
    g = ch.path_gains(t)[:, 0, 0].astype(np.complex128)  # [B, P, T]
    env = np.abs(g) / np.sqrt(np.mean(np.abs(g) ** 2, axis=-1, keepdims=True))
    for rho in (0.3, 1.0, 1.5):
        up = np.sum((env[..., :-1] < rho) & (env[..., 1:] >= rho), axis=-1)  # [B, P]
        rate = up.mean() / (t[-1] - t[0])
        expect = np.sqrt(2 * np.pi) * fd * rho * np.exp(-rho**2)
        assert rate == pytest.approx(expect, rel=0.06)


@pytest.mark.parametrize("level,n_rx,n_tx,direction", [("medium", 2, 2, "downlink"),
                                                       ("high", 4, 2, "downlink"),
                                                       ("uplink-medium", 2, 4, "uplink")])
def test_spatial_correlation(level, n_rx, n_tx, direction):
    """Sample correlation of vec(H) (index t n_rx + r) per path vs R_tx ⊗ R_rx: |error| < 0.05
    (1000 realisations x 6 times x 12 paths)."""
    ch = TdlChannel("TDLA30", max_doppler=100.0, n_rx=n_rx, n_tx=n_tx, correlation=level,
                    transmission_direction=direction, batch_size=1000, seed=25)
    g = ch.path_gains(_TIMES).astype(np.complex128)  # [B, R, T, P, K]
    g = g / np.sqrt(ch.path_powers)[None, None, None, :, None]
    v = np.swapaxes(g, 1, 2).reshape(g.shape[0], n_tx * n_rx, -1)  # index t * n_rx + r
    v = np.moveaxis(v, 1, -1).reshape(-1, n_tx * n_rx)
    r_est = v.T @ v.conj() / v.shape[0]
    r = spatial_correlation(level, n_rx, n_tx, transmission_direction=direction)
    assert np.abs(r_est - r).max() < 0.05


def test_custom_spatial_correlation():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    r = a @ a.conj().T
    d = np.sqrt(np.diag(r).real)
    r = r / d[:, None] / d[None, :]
    ch = TdlChannel("TDLA30", max_doppler=100.0, n_rx=2, n_tx=2, spatial_correlation=r,
                    batch_size=1000, seed=26)
    g = ch.path_gains(_TIMES).astype(np.complex128)
    g = g / np.sqrt(ch.path_powers)[None, None, None, :, None]
    v = np.moveaxis(np.swapaxes(g, 1, 2).reshape(1000, 4, -1), 1, -1).reshape(-1, 4)
    assert np.abs(v.T @ v.conj() / v.shape[0] - r).max() < 0.05
