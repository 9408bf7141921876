"""TR 38.901 §7.7.1 CDL channel (opennr.propagation.cdl): statistics, interface, bad input.

Statistical tests use fixed seeds; each states its tolerance (a few standard errors of the estimate).
"""

from __future__ import annotations

import numpy as np
import pytest

from opennr.ofdm.carrier import CarrierConfig
from opennr.propagation.antenna import PanelArray
from opennr.propagation.cdl import (
    CdlChannel,
    cdl_clusters,
    circular_angle_spread,
    generate_cdl_rays,
)
from opennr.propagation.cdl_tables import (
    CDL_PROFILES,
    CdlProfile,
    cdl_profile,
    ray_offset_angles,
)

VERTICAL = PanelArray(size=(1, 1, 1, 1, 1), polarization_angles=(0, 90), element="isotropic")


def _avg_pdp(ch, times=(0.0,)):
    g = ch.path_gains(np.asarray(times))
    return np.mean(np.abs(g.astype(np.complex128)) ** 2, axis=(0, 1, 2, 4))


# -- power, PDP, delay spread -----------------------------------------------------------------
@pytest.mark.parametrize("name", CDL_PROFILES)
def test_normalised_power_and_pdp(name):
    # 1x1 vertical isotropic: E|a_p|^2 = P_n exactly (random phases); 1500 realisations give a
    # relative standard error ~ 1/sqrt(1500) = 2.6 % per path (less with the Laplacian's 20 rays
    # averaged): tolerance 10 % per path above -20 dB, 3 % on the total.
    ch = CdlChannel(name, 100e-9, max_doppler_shift=0.0, batch_size=1500, seed=11,
                    tx_array=VERTICAL, rx_array=VERTICAL)
    pdp = _avg_pdp(ch)
    p = ch.clusters.powers
    assert pdp.sum() == pytest.approx(1.0, abs=0.03)
    big = p > 0.01
    np.testing.assert_allclose(pdp[big], p[big], rtol=0.10)


@pytest.mark.parametrize("name, ds", [("CDL-A", 30e-9), ("CDL-C", 300e-9), ("CDL-E", 1e-6)])
def test_rms_delay_spread_after_scaling(name, ds):
    ch = CdlChannel(name, ds, max_doppler_shift=0.0, batch_size=800, seed=5,
                    tx_array=VERTICAL, rx_array=VERTICAL)
    pdp = _avg_pdp(ch)
    tau = ch.path_delays
    w = pdp / pdp.sum()
    m = np.sum(w * tau)
    assert np.sqrt(np.sum(w * tau**2) - m * m) == pytest.approx(ds, rel=0.05)
    np.testing.assert_allclose(tau, cdl_profile(name).delays * ds)


# -- K-factor ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["CDL-D", "CDL-E"])
def test_k_factor_first_cluster_by_moments(name):
    # The first cluster (LOS ray + its Laplacian cluster at delay 0) is Rician with
    # K_1 = 13.3 dB (D) or 22 dB (E); moment estimator K = sqrt(1 - g) / (1 - sqrt(1 - g)),
    # g = Var|h|^2 / E[|h|^2]^2 (Greenstein et al. 1999), over 4000 realisations: +-1.5 dB.
    ch = CdlChannel(name, 30e-9, max_doppler_shift=0.0, batch_size=4000, seed=3,
                    tx_array=VERTICAL, rx_array=VERTICAL)
    g = ch.path_gains([0.0])[:, 0, 0, :2, 0].astype(np.complex128).sum(axis=-1)
    pw = np.abs(g) ** 2
    gam = pw.var() / pw.mean() ** 2
    k = np.sqrt(1 - gam) / (1 - np.sqrt(1 - gam))
    p = cdl_profile(name)
    assert 10 * np.log10(k) == pytest.approx(p.powers_db[0] - p.powers_db[1], abs=1.5)


@pytest.mark.parametrize("k_db", [-5.0, 3.0, 15.0])
def test_k_factor_override(k_db):
    ch = CdlChannel("CDL-D", 100e-9, k_factor_db=k_db, max_doppler_shift=0.0, batch_size=1500,
                    seed=4, tx_array=VERTICAL, rx_array=VERTICAL)
    pdp = _avg_pdp(ch)
    los = np.abs(ch.path_gains([0.0])[:, 0, 0, 0, 0]) ** 2  # deterministic LOS power
    assert np.ptp(los) < 1e-5
    k_est = 10 * np.log10(los.mean() / pdp[1:].sum())
    assert k_est == pytest.approx(k_db, abs=0.5)
    assert pdp.sum() == pytest.approx(1.0, abs=0.03)
    # delay spread kept at the desired value (§7.7.6)
    assert ch.clusters.rms_delay_spread == pytest.approx(100e-9, rel=1e-9)


# -- angles -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["CDL-A", "CDL-C", "CDL-E"])
def test_ray_angular_spreads(name, rng):
    # Power-weighted circular spread of the generated rays equals the analytic spread of the
    # table's cluster angles with the Table 7.5-3 offsets (sum P_n e^{j phi_n} * mean_m e^{j c a_m});
    # the random coupling permutes rays within clusters, so the spreads are exact (1e-9 deg).
    c = cdl_clusters(name, 100e-9)
    r = generate_cdl_rays(c, rng, 3)
    w = r.ray_powers[None]
    alpha = np.deg2rad(ray_offset_angles())
    for key, cs in (("aoa", c.c_asa), ("aod", c.c_asd)):
        centre = np.exp(1j * np.deg2rad(getattr(c, key)))
        spread_factor = np.where(c.specular, 1.0, np.mean(np.exp(1j * cs * alpha)))
        z = np.sum(c.powers * centre * spread_factor) / c.powers.sum()
        expected = np.rad2deg(np.sqrt(-2 * np.log(np.abs(z))))
        got, _ = circular_angle_spread(getattr(r, key).reshape(3, -1), w.reshape(1, -1))
        np.testing.assert_allclose(got, expected, atol=1e-9)
    # each Laplacian cluster's 20 rays have rms spread c_ASA around the cluster angle
    dev = r.aoa[0, ~c.specular] - c.aoa[~c.specular, None]
    np.testing.assert_allclose(np.sqrt(np.mean(dev**2, axis=-1)), c.c_asa, rtol=1e-3)


def test_random_coupling_is_a_permutation_and_random(rng):
    c = cdl_clusters("CDL-B")
    r = generate_cdl_rays(c, rng, 50)
    base = np.sort(c.aod[:, None] + c.c_asd * ray_offset_angles()[None], axis=-1)
    np.testing.assert_allclose(np.sort(r.aod, axis=-1), np.broadcast_to(base, r.aod.shape))
    # coupling differs between realisations and from the identity
    assert not np.array_equal(r.aod[0], r.aod[1])
    assert np.all(np.abs(r.phases) <= np.pi)


def test_angle_scaling_sets_spreads_and_means():
    c = cdl_clusters("CDL-B", 100e-9, angle_spreads=(10.0, 20.0, 5.0, 8.0),
                     mean_angles=(20.0, -60.0, 95.0, 80.0))
    for key, want_s, want_m in (("aod", 10, 20), ("aoa", 20, -60), ("zod", 5, 95), ("zoa", 8, 80)):
        s, m = circular_angle_spread(getattr(c, key), c.powers)
        # §7.7.5.1 scales the wrapped deviations linearly; Annex A's circular spread and mean
        # are not linear in the angles, so they land within 3 % and 1.5 deg (the model's
        # circular mean is not the power-weighted mean of the deviations).
        assert s == pytest.approx(want_s, rel=0.03), key
        assert m == pytest.approx(want_m, abs=1.5), key


# -- spatial correlation ----------------------------------------------------------------------
def test_ula_spatial_correlation_single_cluster():
    # One Laplacian cluster at AOA 30 deg, ZOA 90 deg (c_ZSA = 0): for a receive ULA along y with
    # spacing d, E[h_u h_0^*] = mean_m exp(j 2 pi u d sin(phi + c alpha_m)) (20-ray closed form),
    # close to the Laplacian characteristic function (checked to 0.05).
    one = lambda v: np.array([v], float)
    prof = CdlProfile(name="one", cluster=np.array([1]), specular=np.array([False]),
                      delays=one(0.0), powers_db=one(0.0), aod=one(0.0), aoa=one(30.0),
                      zod=one(90.0), zoa=one(90.0), c_asd=0.0, c_asa=5.0, c_zsd=0.0, c_zsa=0.0,
                      xpr_db=100.0)
    rx = PanelArray(size=(1, 4, 1, 1, 1), element_spacing=(0.5, 0.5, 1, 1),
                    polarization_angles=(0, 90), element="isotropic")
    ch = CdlChannel(prof, 0.0, max_doppler_shift=0.0, batch_size=4000, seed=9,
                    tx_array=VERTICAL, rx_array=rx)
    h = ch.path_gains([0.0])[:, :, 0, 0, 0].astype(np.complex128)  # [B, 4]
    emp = np.mean(h * np.conj(h[:, :1]), axis=0)
    phi = np.deg2rad(30.0 + 5.0 * ray_offset_angles())
    u = np.arange(4)[:, None]
    closed = np.mean(np.exp(2j * np.pi * 0.5 * u * np.sin(phi)[None]), axis=1)
    np.testing.assert_allclose(emp, closed, atol=0.05)  # 4000 draws: std error ~0.016
    # 20-ray sum vs a continuous Laplacian PAS (sigma = 5 deg), small-spread approximation
    b = np.deg2rad(5.0) / np.sqrt(2)
    k = 2 * np.pi * 0.5 * u[:, 0] * np.cos(np.deg2rad(30.0))
    lap = np.exp(2j * np.pi * 0.5 * u[:, 0] * np.sin(np.deg2rad(30.0))) / (1 + (b * k) ** 2)
    np.testing.assert_allclose(closed, lap, atol=0.05)


# -- Doppler ----------------------------------------------------------------------------------
def test_doppler_autocorrelation():
    # Expected R(tau) = sum_n P_n / M^2 sum_{m, m'} exp(j 2 pi f_D tau sin(zoa_m') cos(aoa_m))
    # (AOA ray m coupled to a uniformly random ZOA ray m'; UT moving along x), vertical isotropic.
    fd = 100.0
    ch = CdlChannel("CDL-A", 100e-9, max_doppler_shift=fd, batch_size=3000, seed=21,
                    tx_array=VERTICAL, rx_array=VERTICAL)
    taus = np.array([0.0, 1e-3, 2.5e-3, 5e-3])
    g = ch.path_gains(np.concatenate([[0.0], taus[1:]]))[:, 0, 0].astype(np.complex128)
    emp = np.mean(np.sum(g * np.conj(g[:, :, :1]), axis=1), axis=0)
    c = ch.clusters
    alpha = ray_offset_angles()
    aoa = np.deg2rad(c.aoa[:, None] + c.c_asa * alpha)  # [P, M]
    zoa = np.deg2rad(c.zoa[:, None] + c.c_zsa * alpha)
    nu = fd * np.sin(zoa)[:, None, :] * np.cos(aoa)[:, :, None]  # [P, m, m']
    want = [np.sum(c.powers * np.mean(np.exp(2j * np.pi * nu * t), axis=(1, 2))) for t in taus]
    np.testing.assert_allclose(emp, want, atol=0.05)


def test_los_doppler_is_a_pure_tone():
    # CDL-D LOS ray arrives from AOA -180, ZOA 81.5; UT moving along +x: nu = -f_D sin(81.5 deg)
    ch = CdlChannel("CDL-D", 30e-9, max_doppler_shift=200.0, tx_array=VERTICAL,
                    rx_array=VERTICAL, seed=1)
    t = np.arange(50) * 1e-4
    g = ch.path_gains(t)[0, 0, 0, 0].astype(np.complex128)
    ph = np.unwrap(np.angle(g))
    f = np.polyfit(t, ph, 1)[0] / (2 * np.pi)
    assert f == pytest.approx(-200.0 * np.sin(np.deg2rad(81.5)), abs=1e-3)


# -- interface --------------------------------------------------------------------------------
def _xpol(n):
    return PanelArray(size=(1, n, 2, 1, 1))


def test_shapes_dtypes_and_determinism():
    kw = {"max_doppler_shift": 50.0, "tx_array": _xpol(2), "rx_array": _xpol(1), "batch_size": 3}
    a = CdlChannel("CDL-C", 300e-9, rng=np.random.default_rng(7), **kw)
    b = CdlChannel("CDL-C", 300e-9, seed=7, **kw)
    g = a.path_gains([0.0, 1e-3, 2e-3])
    assert g.shape == (3, 2, 4, 24, 3) and g.dtype == np.complex64
    np.testing.assert_array_equal(g, b.path_gains([0.0, 1e-3, 2e-3]))
    assert a.path_delays.dtype == np.float64 and a.path_delays.shape == (24,)
    # batch entries are independent realisations
    assert not np.allclose(g[0], g[1])


def test_block_fading_freezes_gains():
    ch = CdlChannel("CDL-A", 100e-9, max_doppler_shift=300.0, seed=2, block_fading=True)
    g = ch.path_gains([1e-3, 2e-3, 9e-3])
    np.testing.assert_array_equal(g[..., 0], g[..., 2])
    free = CdlChannel("CDL-A", 100e-9, max_doppler_shift=300.0, seed=2)
    np.testing.assert_array_equal(free.path_gains([1e-3]), g[..., :1])


def test_call_is_continuous_across_calls(rng):
    # Filtering two halves one after the other equals filtering the whole waveform at once (the
    # default causal filter; float32 rounding). With filter_mode="zero-delay" the last
    # filter_half_length - 1 samples of the first block miss the sinc's look-ahead (declared).
    kw = {"max_doppler_shift": 300.0, "tx_array": _xpol(1), "rx_array": _xpol(1), "seed": 8}
    fs = 15.36e6
    x = (rng.standard_normal((2, 4000)) + 1j * rng.standard_normal((2, 4000))).astype(np.complex64)
    whole, _, _ = CdlChannel("CDL-B", 300e-9, **kw)(x, fs)
    ch = CdlChannel("CDL-B", 300e-9, **kw)
    y1, _g1, t1 = ch(x[:, :1700], fs)
    y2, _g2, t2 = ch(x[:, 1700:], fs)
    assert ch.time == pytest.approx(4000 / fs)
    joined = np.concatenate([y1, y2], -1)
    np.testing.assert_allclose(joined, whole, atol=1e-5 * np.abs(whole).max())
    zero = {**kw, "filter_mode": "zero-delay"}
    whole0, _, _ = CdlChannel("CDL-B", 300e-9, **zero)(x, fs)
    ch0 = CdlChannel("CDL-B", 300e-9, **zero)
    joined0 = np.concatenate([ch0(x[:, :1700], fs)[0], ch0(x[:, 1700:], fs)[0]], -1)
    ok = np.r_[0:1700 - 15, 1700:4000]
    np.testing.assert_allclose(joined0[..., ok], whole0[..., ok],
                               atol=1e-5 * np.abs(whole0).max())
    assert np.max(np.abs(joined0 - whole0)) < 0.1 * np.abs(whole0).max()
    assert t2[0] <= 1700 / fs <= t2[-1] and t1[0] == 0.0
    ch.reset()
    y1b, _, _ = ch(x[:, :1700], fs)
    np.testing.assert_array_equal(y1b, y1)


def test_time_and_frequency_domain_agree_for_static_channel(rng):
    # Static CDL-C 30 ns (delays well inside the CP): the time-domain output's spectrum over one
    # OFDM symbol equals H * X (up to the sinc filter's -59 dB error), the FFT windows moved by
    # the causal filter's delay D (D zeros appended flush the last symbol).
    from opennr.ofdm.modulator import ofdm_demodulate, ofdm_modulate

    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=24)
    ch = CdlChannel("CDL-C", 30e-9, max_doppler_shift=0.0, tx_array=_xpol(1),
                    rx_array=_xpol(1), seed=3)
    k, l = carrier.num_subcarriers, carrier.symbols_per_slot
    grid = (rng.choice([-1, 1], (2, k, l)) + 1j * rng.choice([-1, 1], (2, k, l))).astype(np.complex64)
    wave = ofdm_modulate(grid, carrier)
    fs = wave.shape[-1] / 0.5e-3  # one 30 kHz slot is 0.5 ms
    d = ch.channel_filter_delay(fs)
    assert 0 < d < 16
    y, _, _ = ch(np.concatenate([wave, np.zeros((2, d), wave.dtype)], -1), fs)
    rx = ofdm_demodulate(y[0, :, d:], carrier)
    h = ch.ofdm_response(carrier)[0]
    want = np.einsum("rtkl,tkl->rkl", h, grid)
    err = np.abs(rx - want) ** 2
    assert 10 * np.log10(err.mean() / np.mean(np.abs(want) ** 2)) < -40


def test_ofdm_response_matches_direct_sum():
    carrier = CarrierConfig(subcarrier_spacing=15, n_size_grid=4)
    ch = CdlChannel("CDL-E", 100e-9, max_doppler_shift=70.0, tx_array=_xpol(1), rx_array=_xpol(1),
                    seed=6, batch_size=2)
    h = ch.ofdm_response(carrier, num_symbols=3, start_time=1e-3)
    from opennr.propagation.apply import subcarrier_frequencies, symbol_times

    t = symbol_times(carrier, 3, start_time=1e-3)
    g = ch.path_gains(t).astype(np.complex128)
    f = subcarrier_frequencies(carrier)
    want = np.einsum("brtpl,kp->brtkl", g, np.exp(-2j * np.pi * np.outer(f, ch.path_delays)))
    assert h.shape == (2, 2, 2, 48, 3)
    np.testing.assert_allclose(h, want, atol=1e-5)


def test_speed_gives_doppler():
    ch = CdlChannel("CDL-A", speed=30 / 3.6, carrier_frequency=3.5e9)
    assert ch.max_doppler_shift == pytest.approx(30 / 3.6 * 3.5e9 / 299_792_458.0)


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"profile": "CDL-X"}, ValueError, "profile"),
        ({"delay_spread": -1e-9}, ValueError, "delay_spread"),
        ({"delay_spread": "30ns"}, TypeError, "delay_spread"),
        ({"max_doppler_shift": -5.0}, ValueError, "max_doppler_shift"),
        ({"speed": -1.0}, ValueError, "speed"),
        ({"speed": 1.0, "max_doppler_shift": 5.0}, ValueError, "speed"),
        ({"carrier_frequency": 0.0}, ValueError, "carrier_frequency"),
        ({"k_factor_db": 3.0}, ValueError, "LOS"),
        ({"angle_spreads": (1, 2, 3)}, ValueError, "angle_spreads"),
        ({"angle_spreads": (1, -2, 3, 4)}, ValueError, "angle_spreads"),
        ({"mean_angles": (0, 0, 90, 90)}, ValueError, "angle_spreads"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"tx_array": (2, 2)}, TypeError, "tx_array"),
        ({"rng": np.random.default_rng(1), "seed": 3}, ValueError, "seed"),
        ({"rng": 42}, TypeError, "rng"),
        ({"ut_direction_of_travel": (0,)}, ValueError, "ut_direction_of_travel"),
    ],
)
def test_bad_channel_arguments(kwargs, exc, match):
    kwargs = {"profile": "CDL-A", **kwargs}
    with pytest.raises(exc, match=match):
        CdlChannel(**kwargs)


def test_bad_call_arguments():
    ch = CdlChannel("CDL-A", tx_array=_xpol(1))
    with pytest.raises(ValueError, match="n_tx"):
        ch(np.zeros((3, 10), np.complex64), 30.72e6)
    with pytest.raises(ValueError, match="sample_rate"):
        ch(np.zeros((2, 10), np.complex64), -1.0)
    with pytest.raises(ValueError, match="too low for the delay profile"):
        ch(np.zeros((2, 10), np.complex64), 1e6)  # CDL-A 30 ns: max delay 290 ns < 1 us
    ch(np.zeros((2, 10), np.complex64), 1e6, require_resolved_taps=False)  # flat fading: allowed
    with pytest.raises(TypeError, match="numeric"):
        ch(np.array([["a"] * 10] * 2), 30.72e6)
    with pytest.raises(ValueError, match="times"):
        ch.path_gains([np.nan])
    with pytest.raises(TypeError, match="clusters"):
        generate_cdl_rays("CDL-A", np.random.default_rng(0))


# -- kernels vs NumPy twins -------------------------------------------------------------------
@pytest.mark.parametrize(
    "tx, rx",
    [
        (PanelArray(size=(2, 2, 2, 1, 1)), PanelArray(size=(1, 1, 2, 1, 1), element="isotropic")),
        (PanelArray(size=(1, 2, 2, 1, 2), element_spacing=(0.5, 0.5, 1.0, 1.0),
                    orientation=(30, 10, 5), polarization_model=1),
         PanelArray(size=(2, 1, 1, 1, 1), orientation=(180, 0, 0), polarization_angles=(0, 90))),
    ],
)
@pytest.mark.parametrize("name", ["CDL-B", "CDL-E"])
def test_coefficient_and_gain_kernels_match_numpy_twins(tx, rx, name):
    from opennr.propagation.cdl import _ray_coefficients_numba, ray_coefficients

    ch = CdlChannel(name, 100e-9, max_doppler_shift=120.0, tx_array=tx, rx_array=rx, seed=5,
                    batch_size=2)
    ref = ray_coefficients(ch.rays, tx, rx)
    np.testing.assert_allclose(_ray_coefficients_numba(ch.rays, tx, rx), ref, atol=1e-12)
    t = np.array([0.0, 3e-4, 1.7e-3])
    np.testing.assert_allclose(ch.path_gains(t), ch._gains_numpy(t), atol=2e-6)
    t = 1e-3 + np.arange(300) * 35.7e-6  # equally spaced: the phasor recurrence
    np.testing.assert_allclose(ch.path_gains(t), ch._gains_numpy(t), atol=2e-6)


def test_ofdm_response_equals_apply_ofdm_channel_response():
    from opennr.propagation.apply import (
        ofdm_channel_response,
        subcarrier_frequencies,
        symbol_times,
    )

    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=106)
    ch = CdlChannel("CDL-C", 300e-9, max_doppler_shift=97.0, tx_array=_xpol(2),
                    rx_array=_xpol(2), seed=12)
    h = ch.ofdm_response(carrier, start_time=2e-3)
    t = symbol_times(carrier, start_time=2e-3)
    want = ofdm_channel_response(ch.path_gains(t), ch.path_delays, subcarrier_frequencies(carrier))
    assert h.shape == want.shape == (1, 4, 4, 1272, 14) and h.dtype == np.complex64
    np.testing.assert_allclose(h, want, atol=2e-5 * np.abs(want).max())


def test_subcarrier_phasor_table():
    from opennr.propagation.cdl import _subcarrier_phasors

    d = np.array([0.0, 37e-9, 1.3e-6, 9.6e-6])
    for f in ((np.arange(3276) - 1638) * 30e3, np.array([-1e6, 3e5, 2e6])):
        want = np.exp(-2j * np.pi * np.outer(f, d))
        got = _subcarrier_phasors(f, d)
        assert got.dtype == np.complex64 and got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=5e-7)
