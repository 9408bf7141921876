"""OFDM against NVIDIA Sionna 2.2 (oracle) and the Sionna PUSCH slot grids (reference).

Sionna's OFDMModulator/OFDMDemodulator take an ``fft_size`` grid with DC at index ``fft_size/2``,
use ``1/sqrt(N)`` scaling and no §5.4 phase: with ``normalization="ortho"``, ``carrier_frequency=0``
and our grid zero-padded to ``N_fft`` the two waveforms must agree to float precision.
"""

import json

import numpy as np
import pytest

from opennr.ofdm import (
    KAPPA,
    CarrierConfig,
    Numerology,
    grid_shape,
    ofdm_demodulate,
    ofdm_info,
    ofdm_modulate,
)


def _grid(rng, shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)


def _pad(grid, nfft):
    """[..., K, L] -> Sionna's [..., L, nfft] with DC at nfft/2."""
    k = grid.shape[-2]
    full = np.zeros(grid.shape[:-2] + (grid.shape[-1], nfft), np.complex64)
    full[..., nfft // 2 - k // 2:nfft // 2 + k // 2] = np.swapaxes(grid, -1, -2)
    return full


@pytest.mark.oracle
@pytest.mark.parametrize(
    "scs, cp, nrb, n_slot",
    [(15, "normal", 52, 0), (30, "normal", 273, 1), (30, "normal", 106, 0),
     (60, "extended", 24, 1), (120, "normal", 66, 3), (960, "normal", 32, 0)],
)
def test_waveform_matches_sionna_modulator(sionna, scs, cp, nrb, n_slot, rng):
    import torch

    c = CarrierConfig(subcarrier_spacing=scs, cyclic_prefix=cp, n_size_grid=nrb, n_slot=n_slot)
    info = ofdm_info(c)
    g = _grid(rng, (2, c.num_subcarriers, c.symbols_per_slot))
    ours = ofdm_modulate(g, c, normalization="ortho")
    cps = info.slot_cp_lengths(n_slot)
    mod = sionna.ofdm.OFDMModulator(cyclic_prefix_length=torch.tensor(cps))
    ref = mod(torch.from_numpy(_pad(g, info.nfft))).numpy()
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=2e-6 * np.abs(ref).max(), rtol=0)
    # Sionna's demodulator (window at the end of the CP: l_min = 0) gets our grid back
    demod = sionna.ofdm.OFDMDemodulator(fft_size=info.nfft, l_min=0,
                                        cyclic_prefix_length=torch.tensor(cps))
    back = demod(torch.from_numpy(ours)).numpy()
    k = c.num_subcarriers
    back = np.swapaxes(back[..., info.nfft // 2 - k // 2:info.nfft // 2 + k // 2], -1, -2)
    np.testing.assert_allclose(back, g, atol=1e-5 * np.abs(g).max())
    # and ours demodulates Sionna's waveform, with any FFT window position
    np.testing.assert_allclose(ofdm_demodulate(ref, c, normalization="ortho", cp_fraction=0.3),
                               g, atol=1e-5 * np.abs(g).max())


@pytest.mark.oracle
def test_sionna_round_trip_uniform_cp(sionna, rng):
    """Extended CP (one CP length): Sionna's scalar-CP modulator, our demodulator."""
    c = CarrierConfig(subcarrier_spacing=60, cyclic_prefix="extended", n_size_grid=132)
    info = ofdm_info(c)
    g = _grid(rng, (3, c.num_subcarriers, 12))
    import torch

    ref = sionna.ofdm.OFDMModulator(cyclic_prefix_length=int(info.cp_lengths[0]))(
        torch.from_numpy(_pad(g, info.nfft))).numpy()
    np.testing.assert_allclose(ofdm_modulate(g, c, normalization="ortho"), ref,
                               atol=2e-6 * np.abs(ref).max())
    np.testing.assert_allclose(ofdm_demodulate(ref, c, normalization="ortho"), g, atol=1e-5)


@pytest.mark.oracle
@pytest.mark.parametrize("scs, nrb, ports", [(15, 40, 1), (15, 273, 4), (30, 106, 2)])
def test_resource_grid_dimensions_match_sionna(sionna, scs, nrb, ports):
    c = CarrierConfig(subcarrier_spacing=scs, n_size_grid=nrb)
    info = ofdm_info(c)
    rg = sionna.ofdm.ResourceGrid(num_ofdm_symbols=c.symbols_per_slot, fft_size=c.num_subcarriers,
                                  subcarrier_spacing=scs * 1e3, num_tx=1,
                                  num_streams_per_tx=ports,
                                  cyclic_prefix_length=int(info.cp_lengths[1]))
    assert grid_shape(c, ports) == (rg.num_streams_per_tx, rg.num_effective_subcarriers,
                                    rg.num_ofdm_symbols)
    assert rg.bandwidth == c.bandwidth_hz
    # Sionna's symbol duration (short CP) at our FFT size
    rg_fft = sionna.ofdm.ResourceGrid(num_ofdm_symbols=c.symbols_per_slot, fft_size=info.nfft,
                                      subcarrier_spacing=scs * 1e3,
                                      cyclic_prefix_length=int(info.cp_lengths[1]))
    assert np.isclose(rg_fft.ofdm_symbol_duration,
                      (info.nfft + int(info.cp_lengths[1])) / info.sample_rate)
    assert rg_fft.num_time_samples == c.symbols_per_slot * (info.nfft + int(info.cp_lengths[1]))


@pytest.mark.oracle
@pytest.mark.parametrize("scs", [15, 30, 60, 120, 240, 480, 960])
def test_numerology_matches_sionna_carrier_config(sionna, scs):
    cfg = sionna.nr.CarrierConfig(subcarrier_spacing=scs)
    num = CarrierConfig(subcarrier_spacing=scs).numerology
    assert (cfg.mu, cfg.num_symbols_per_slot, cfg.num_slots_per_subframe,
            cfg.num_slots_per_frame) == (num.mu, 14, num.slots_per_subframe, num.slots_per_frame)
    assert cfg.kappa == KAPPA
    tc = cfg.t_c
    cfg.slot_number = 1
    # Sionna models one CP per slot; away from slot 0 it is the short CP of §5.3.1
    if num.mu > 0 and 1 != 7 * 2**num.mu:
        assert np.isclose(cfg.cyclic_prefix_length / tc, num.cp_lengths_tc()[1])
    cfg.slot_number = 0
    assert np.isclose(cfg.cyclic_prefix_length / tc, num.cp_lengths_tc()[0])  # long CP
    if scs == 60:
        cfg.cyclic_prefix = "extended"
        assert cfg.num_symbols_per_slot == Numerology(2, "extended").symbols_per_slot
        assert np.isclose(cfg.cyclic_prefix_length / tc, Numerology(2, "extended").cp_lengths_tc()[0])


@pytest.mark.reference
@pytest.mark.parametrize("case", [0, 10, 20, 42, 52, 62, 78])
def test_sionna_pusch_grids(reference_dir, case, sionna):
    """PROVENANCE §2.7: 15 kHz slot grids (40 or 273 PRB, 1/2/4 ports) through our OFDM chain."""
    import torch

    base = reference_dir / "sionna" / "pusch_transmitter" / f"test_{case}"
    cfg = json.loads(base.with_suffix(".json").read_text())
    grid = np.load(base.with_suffix(".npz"))["grid"]
    if grid.ndim == 2:
        grid = grid[..., None]
    native = np.moveaxis(grid, -1, 0)  # [ports, K, 14]
    nrb = cfg["pusch"]["n_size_bwp"]
    c = CarrierConfig(subcarrier_spacing=15, n_size_grid=nrb,
                      n_cell_id=cfg["carrier"]["n_cell_id"], n_slot=cfg["carrier"]["slot_number"])
    assert native.shape == grid_shape(c, cfg["pusch"]["num_antenna_ports"])
    info = ofdm_info(c)
    assert info.nfft == {40: 1024, 273: 4096}[nrb]
    w = ofdm_modulate(native, c, normalization="ortho")
    cps = info.slot_cp_lengths(c.n_slot)
    ref = sionna.ofdm.OFDMModulator(cyclic_prefix_length=torch.tensor(cps))(
        torch.from_numpy(_pad(native.astype(np.complex64), info.nfft))).numpy()
    np.testing.assert_allclose(w, ref, atol=2e-6 * np.abs(ref).max())
    back = ofdm_demodulate(w, c, normalization="ortho", carrier_frequency=0.0)
    np.testing.assert_allclose(back, native, atol=1e-5 * np.abs(native).max())
