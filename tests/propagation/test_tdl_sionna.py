"""Cross-check of TdlChannel's statistics against Sionna 2.2's TDL (different random numbers).

Both models are measured with the same estimators and must agree with the theory and with each
other within the tolerances stated per test (ensembles of 2000-4000 realisations).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import j0

from opennr.propagation.correlation import correlation_matrices, spatial_correlation
from opennr.propagation.tdl import SPEED_OF_LIGHT, TdlChannel

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

_FC = 3.5e9


def _sionna_gains(sionna, model, ds, fd, batch, times_step, n_steps, **kw):
    import torch

    torch.manual_seed(1)
    tdl = sionna.channel.tr38901.TDL(model=model, delay_spread=ds, carrier_frequency=_FC,
                                     min_speed=fd * SPEED_OF_LIGHT / _FC, **kw)
    a, tau = tdl(batch_size=batch, num_time_steps=n_steps, sampling_frequency=1.0 / times_step)
    a = a.numpy()[:, 0, :, 0]  # [B, rx, tx, P, T]
    return a, tau.numpy()[0, 0, 0]


@pytest.mark.parametrize("ours,theirs,ds", [("TDL-C", "C", 300e-9), ("TDL-D", "D", 30e-9),
                                            ("TDLA30", "A30", None)])
def test_pdp_matches_sionna(sionna, ours, theirs, ds):
    """Same delays; mean path powers of both within 10 % of the table and of each other."""
    ch = TdlChannel(ours, delay_spread=ds, max_doppler=100.0, batch_size=3000, seed=31)
    g = ch.path_gains(np.arange(4) * 0.05)
    p_ours = np.mean(np.abs(g) ** 2, axis=(0, 1, 2, 4))
    a, tau = _sionna_gains(sionna, theirs, ds, 100.0, 3000, 0.05, 4)
    p_theirs = np.mean(np.abs(a) ** 2, axis=(0, 1, 2, 4))
    np.testing.assert_allclose(tau, ch.path_delays, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(p_ours, ch.path_powers, rtol=0.10)
    np.testing.assert_allclose(p_theirs, ch.path_powers, rtol=0.10)
    np.testing.assert_allclose(p_ours, p_theirs, rtol=0.15)


def test_k_factor_matches_sionna(sionna):
    """TDL-D tap 1: moment estimates of K within 0.6 dB of 13.3 dB for both."""
    def k_est(g):
        g = g.ravel().astype(np.complex128)
        m2, m4 = np.mean(np.abs(g) ** 2), np.mean(np.abs(g) ** 4)
        r = np.sqrt(2 - m4 / m2**2)
        return 10 * np.log10(r / (1 - r))

    ch = TdlChannel("TDL-D", delay_spread=30e-9, max_doppler=100.0, batch_size=4000, seed=32)
    a, _ = _sionna_gains(sionna, "D", 30e-9, 100.0, 4000, 0.05, 6)
    ours = k_est(ch.path_gains(np.arange(6) * 0.05)[:, 0, 0, 0])
    theirs = k_est(a[:, 0, 0, 0])
    assert ours == pytest.approx(13.3, abs=0.6)
    assert theirs == pytest.approx(13.3, abs=0.6)


def test_autocorrelation_matches_sionna(sionna):
    """Normalised autocorrelation of both vs J0(2 pi f_D tau), |error| < 0.06, tau < 3 / f_D."""
    fd, step, n = 100.0, 5e-4, 60
    tau = np.arange(n) * step
    ch = TdlChannel("TDLA30", max_doppler=fd, batch_size=1000, seed=33)
    g = ch.path_gains(tau)[:, 0, 0].astype(np.complex128)
    a, _ = _sionna_gains(sionna, "A30", None, fd, 1000, step, n)
    ref = j0(2 * np.pi * fd * tau)
    for h in (g, a[:, 0, 0].astype(np.complex128)):
        ac = np.mean(h * np.conj(h[..., :1]), axis=(0, 1)) / np.mean(np.abs(h[..., 0]) ** 2)
        assert np.abs(ac.real - ref).max() < 0.06


def test_spatial_correlation_matches_sionna(sionna):
    """Medium 2x2 (Kronecker): both sample correlations within 0.05 of R_tx ⊗ R_rx."""
    import torch

    r_rx, r_tx = correlation_matrices("medium", 2, 2)
    ch = TdlChannel("TDLA30", max_doppler=100.0, n_rx=2, n_tx=2, correlation="medium",
                    batch_size=2000, seed=34)
    g = ch.path_gains(np.arange(4) * 0.05).astype(np.complex128)
    a, _ = _sionna_gains(sionna, "A30", None, 100.0, 2000, 0.05, 4, num_rx_ant=2, num_tx_ant=2,
                         rx_corr_mat=torch.tensor(r_rx, dtype=torch.complex64),
                         tx_corr_mat=torch.tensor(r_tx, dtype=torch.complex64))
    r = spatial_correlation("medium", 2, 2)
    for h in (g, a.astype(np.complex128)):
        h = h / np.sqrt(np.mean(np.abs(h) ** 2, axis=(0, 1, 2, 4), keepdims=True))
        v = np.moveaxis(np.swapaxes(h, 1, 2).reshape(h.shape[0], 4, -1), 1, -1).reshape(-1, 4)
        assert np.abs(v.T @ v.conj() / v.shape[0] - r).max() < 0.05
