"""nrChannelEstimate (MATLAB form over reference_channel_estimate): the same estimate and noise
variance as the native DM-RS estimator on PDSCH grids built with the MATLAB wrappers, exactness on
noiseless channels linear in frequency, refGrid form, averaging window, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.matlab import (
    nrCarrierConfig,
    nrPDSCHConfig,
    nrPDSCHDMRS,
    nrPDSCHDMRSConfig,
    nrPDSCHDMRSIndices,
)
from opennr.matlab.channel_estimate import nrChannelEstimate
from opennr.physical_channels import pdsch_transmit, shared_channel_indices
from opennr.receiver import dmrs_channel_estimate
from opennr.receiver.channel_estimation import reference_channel_estimate


@pytest.mark.parametrize(("ctype", "length", "add", "ports"), [
    (1, 1, 1, [0, 1]), (1, 2, 0, [0, 1, 4]), (2, 1, 2, [0, 1, 2]), (2, 2, 1, [0, 6])])
def test_matches_native_dmrs_estimator(ctype, length, add, ports):
    rng = np.random.default_rng(ctype * 100 + length * 10 + add)
    carrier = nrCarrierConfig(NSizeGrid=8)
    dmrs = nrPDSCHDMRSConfig(DMRSConfigurationType=ctype, DMRSLength=length, DMRSAdditionalPosition=add,
                             DMRSPortSet=ports, NumCDMGroupsWithoutData=2 if ctype == 1 else 3)
    pdsch = nrPDSCHConfig(PRBSet=list(range(1, 7)), NumLayers=len(ports), DMRS=dmrs)
    cfg, car = pdsch.to_native(), carrier.to_native()
    g = shared_channel_indices(cfg, car).size * 2 * len(ports)
    tx = pdsch_transmit(rng.integers(0, 2, g, dtype=np.uint8), cfg, car)  # [P, K, L], DM-RS x beta
    h = rng.standard_normal((2, len(ports), 96, 14)) + 1j * rng.standard_normal((2, len(ports), 96, 14))
    rx = np.einsum("rpkl,pkl->rkl", h, tx)  # a fully random channel: the noise estimate is large
    native = dmrs_channel_estimate(rx, cfg, car)
    beta = {1: np.sqrt(2.0), 2: np.sqrt(3.0)}[ctype]  # beta_DMRS, CDM groups without data 2 / 3
    ind = nrPDSCHDMRSIndices(carrier, pdsch)
    sym = nrPDSCHDMRS(carrier, pdsch) * beta
    H, nvar, info = nrChannelEstimate(carrier, np.transpose(rx, (1, 2, 0)), ind, sym,
                                      CDMLengths=[2, length])
    assert H.shape == (96, 14, 2, len(ports))
    h_nat = np.transpose(native.h, (2, 3, 0, 1))  # [K, L, R, P]
    mask = np.abs(h_nat) > 0  # the native estimate covers the allocation only
    np.testing.assert_allclose(H[mask], h_nat[mask], atol=1e-4)
    assert nvar == pytest.approx(float(native.noise_var), rel=1e-4)
    assert info.AveragingWindow.tolist() == [1, 1]


def test_noiseless_linear_channel_exact_and_refgrid_form():
    rng = np.random.default_rng(4)
    k_total, l_total = 48, 14
    refs = [(k, l) for l in (2, 7, 11) for k in range(1, 48, 4)]  # comb 4, three symbols
    kk = np.array([r[0] for r in refs])
    ll = np.array([r[1] for r in refs])
    a = np.exp(2j * np.pi * rng.random(kk.size))
    # channel linear in frequency and in time, different per receive antenna
    k = np.arange(k_total)[:, None, None]
    l = np.arange(l_total)[None, :, None]
    c0 = np.array([1 + 1j, -0.5 + 0.2j])
    c1 = np.array([0.01 - 0.02j, 0.005j])
    c2 = np.array([0.03, -0.02 + 0.01j])
    h = c0 + c1 * k + c2 * l  # [K, L, R]
    rx = np.zeros((k_total, l_total, 2), complex)
    rx[kk, ll, :] = h[kk, ll, :] * a[:, None]
    ind = 1 + kk + k_total * ll
    H, nvar, _ = nrChannelEstimate(rx, ind, a)
    inner = (slice(1, 46), slice(2, 12))  # within the span of the references
    np.testing.assert_allclose(H[inner][..., 0], h[inner], atol=1e-9)
    assert nvar == pytest.approx(0.0, abs=1e-12)
    ref_grid = np.zeros((k_total, l_total), complex)
    ref_grid[kk, ll] = a
    H2, _, _ = nrChannelEstimate(rx, ref_grid)
    np.testing.assert_allclose(H2, H, atol=1e-12)
    H3, _, _ = nrChannelEstimate(nrCarrierConfig(NSizeGrid=4), rx, ref_grid)
    np.testing.assert_allclose(H3, H, atol=1e-12)


def test_noise_variance_and_averaging_window():
    # flat channel, noise variance 0.1: the estimate is unbiased (10 draws, +-10 %), and an
    # averaging window of 5 x 1 lowers the estimation error
    rng = np.random.default_rng(9)
    k_total, l_total = 96, 14
    kk = np.arange(0, 96, 2)
    a = np.exp(1j * np.pi / 2 * rng.integers(0, 4, kk.size))
    nv_est, err1, err5 = [], 0.0, 0.0
    for _ in range(10):
        rx = np.zeros((k_total, l_total), complex)
        rx[kk, 3] = (0.7 - 0.4j) * a
        rx += np.sqrt(0.05) * (rng.standard_normal(rx.shape) + 1j * rng.standard_normal(rx.shape))
        H1, nv, _ = nrChannelEstimate(rx, 1 + kk + 96 * 3, a)
        H5, _, info = nrChannelEstimate(rx, 1 + kk + 96 * 3, a, AveragingWindow=[5, 1])
        nv_est.append(nv)
        err1 += np.mean(np.abs(H1 - (0.7 - 0.4j)) ** 2)
        err5 += np.mean(np.abs(H5 - (0.7 - 0.4j)) ** 2)
    assert np.mean(nv_est) == pytest.approx(0.1, rel=0.1)
    assert err5 < 0.5 * err1 and info.AveragingWindow.tolist() == [5, 1]


def test_nearest_interpolation_and_native_general_form():
    rx = np.zeros((1, 24, 14), complex)
    rx[0, [0, 12], 0] = [1.0, 2.0]
    est = reference_channel_estimate(rx, np.array([0, 12]), np.array([1.0, 1.0]), interpolation="nearest")
    assert est.h[0, 0, 5, 9] == 1.0 and est.h[0, 0, 7, 0] == 2.0


@pytest.mark.parametrize(("args", "kw", "exc"), [
    ((np.zeros((24, 14)), np.array([1, 2]), np.array([1.0])), {}, ValueError),
    ((np.zeros((24, 14)), np.array([0, 2]), np.array([1.0, 1.0])), {}, ValueError),
    ((np.zeros((24, 14)), np.array([1.5, 2]), np.array([1.0, 1.0])), {}, TypeError),
    ((np.zeros((24, 14)), np.array([1, 2]), np.array([1.0, 1.0])), {"CDMLengths": [2]}, TypeError),
    ((np.zeros((24, 14)), np.array([1, 2]), np.array([1.0, 1.0])), {"AveragingWindow": [2, 1]}, ValueError),
    ((np.zeros((24, 14)), np.array([1, 2]), np.array([1.0, 1.0])), {"Interpolation": "cubic"}, ValueError),
    ((np.zeros((24, 14)), np.array([1, 2]), np.array([0.0, 1.0])), {}, ValueError),
    ((np.zeros((24, 14)),), {}, TypeError),
    ((np.zeros(24), np.array([1]), np.array([1.0])), {}, ValueError),
    ((np.zeros((24, 14)), np.array([1 + 24 * 14 * 1]), np.array([1.0])), {}, ValueError),  # plane 1 empty
    ((np.array([["a"]]), np.array([1]), np.array([1.0])), {}, TypeError),
])
def test_bad_inputs(args, kw, exc):
    with pytest.raises(exc):
        nrChannelEstimate(*args, **kw)


def test_carrier_size_mismatch():
    with pytest.raises(ValueError, match="carrier"):
        nrChannelEstimate(nrCarrierConfig(NSizeGrid=5), np.zeros((24, 14)), np.array([1]), np.array([1.0]))
