"""Statistical cross-check of CdlChannel against Sionna 2.2's tr38901.CDL (same statistics, not the
same random numbers). Marked slow and oracle."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.propagation.antenna import PanelArray
from opennr.propagation.cdl import CdlChannel

pytestmark = [pytest.mark.slow, pytest.mark.oracle]

FC = 3.5e9
B = 3000


def _sionna_gains(sp, model, ds, n_ut, *, speed=0.0, times=1, fs=1.0):
    import torch
    from sionna.phy.channel.tr38901 import CDL
    from sionna.phy.channel.tr38901 import PanelArray as SPanel

    ut = SPanel(num_rows_per_panel=1, num_cols_per_panel=n_ut, polarization="single",
                polarization_type="V", antenna_pattern="omni", carrier_frequency=FC)
    bs = SPanel(num_rows_per_panel=1, num_cols_per_panel=1, polarization="single",
                polarization_type="V", antenna_pattern="omni", carrier_frequency=FC)
    cdl = CDL(model, ds, FC, ut_array=ut, bs_array=bs, direction="downlink",
              ut_orientation=torch.zeros(3), ut_velocity=torch.tensor([speed, 0.0, 0.0]))
    sp.config.seed = 7
    with torch.no_grad():
        a, tau = cdl(B, times, fs)
    return a[:, 0, :, 0, 0].numpy().astype(np.complex128), tau[0, 0, 0].numpy()  # [B, U, P, T]


def _ours(model, ds, n_ut, *, fd=0.0, times=(0.0,)):
    v = PanelArray(size=(1, 1, 1, 1, 1), polarization_angles=(0, 90), element="isotropic")
    ula = PanelArray(size=(1, n_ut, 1, 1, 1), polarization_angles=(0, 90), element="isotropic")
    ch = CdlChannel(model, ds, max_doppler_shift=fd, tx_array=v, rx_array=ula, batch_size=B,
                    seed=7)
    g = ch.path_gains(np.asarray(times))[:, :, 0].astype(np.complex128)  # [B, U, P, T]
    return g, ch.path_delays


@pytest.mark.parametrize("model", ["A", "C", "D"])
def test_pdp_and_delays_agree_with_sionna(sionna, model):
    gs, taus = _sionna_gains(sionna, model, 100e-9, 1)
    go, tauo = _ours(f"CDL-{model}", 100e-9, 1)
    ps = np.mean(np.abs(gs[:, 0, :, 0]) ** 2, axis=0)
    po = np.mean(np.abs(go[:, 0, :, 0]) ** 2, axis=0)
    if model == "D":  # Sionna carries the LOS ray inside its first path
        po = np.concatenate([[po[0] + po[1]], po[2:]])
        tauo = tauo[1:]
    # Sionna orders the paths by delay; ours follow the table's rows
    os_, oo = np.argsort(taus, kind="stable"), np.argsort(tauo, kind="stable")
    taus, ps, tauo, po = taus[os_], ps[os_], tauo[oo], po[oo]
    np.testing.assert_allclose(taus, tauo, rtol=1e-5, atol=1e-12)
    big = ps > 0.01
    # 3000 realisations on each side: relative standard error ~4 % per path; tolerance 15 %
    np.testing.assert_allclose(po[big], ps[big], rtol=0.15)
    assert po.sum() == pytest.approx(ps.sum(), rel=0.03)


def test_ula_spatial_correlation_agrees_with_sionna(sionna):
    # CDL-C, 4-element vertical-polarised omni ULA (0.5 lambda) at the UT, both UT arrays
    # un-rotated: E[h_u h_0^*] summed over paths, standard error ~0.02 each side.
    gs, _ = _sionna_gains(sionna, "C", 100e-9, 4)
    go, _ = _ours("CDL-C", 100e-9, 4)

    def corr(g):
        h = g[..., 0]  # [B, U, P]
        return np.mean(np.sum(h * np.conj(h[:, :1]), axis=-1), axis=0)

    np.testing.assert_allclose(np.abs(corr(go)), np.abs(corr(gs)), atol=0.06)


def test_doppler_autocorrelation_agrees_with_sionna(sionna):
    # CDL-A, UT moving along +x at 30 m/s (f_D = v f_c / c); time autocorrelation of the sum of
    # path powers at lags 0..1.5 ms.
    speed = 30.0
    fd = speed * FC / 299_792_458.0
    fs = 2000.0
    gs, _ = _sionna_gains(sionna, "A", 100e-9, 1, speed=speed, times=4, fs=fs)
    go, _ = _ours("CDL-A", 100e-9, 1, fd=fd, times=np.arange(4) / fs)

    def acf(g):
        h = g[:, 0]  # [B, P, T]
        return np.mean(np.sum(h * np.conj(h[..., :1]), axis=1), axis=0)

    np.testing.assert_allclose(acf(go), acf(gs), atol=0.06)
