"""PT-RS common-phase-error tracking (TS 38.211 §7.4.1.2 / §6.4.1.2) through shared_channel_receive:
an injected per-symbol phase drift makes the CRC fail without tracking and pass with it (CP-OFDM
PDSCH/PUSCH, perfect and practical CSI; transform-precoded PUSCH with pre-DFT PT-RS)."""

from __future__ import annotations


import numpy as np
import pytest

from opennr.ofdm import CarrierConfig
from opennr.physical_channels import (
    DmrsConfig,
    PtrsConfig,
    SharedChannelConfig,
    pdsch_transmit,
    pusch_transmit,
)
from opennr.receiver import dmrs_channel_estimate, shared_channel_receive
from opennr.receiver.phase_tracking import (
    common_phase_error,
    correct_common_phase_error,
    transform_precoded_common_phase_error,
)

TBS, RATE = 1800, 0.6


def tp_config(ptrs=None, **kw):
    """A transform-precoded PUSCH configuration with PT-RS."""
    ptrs = PtrsConfig() if ptrs is None else ptrs
    base = {"direction": "uplink", "transform_precoding": True, "prb_set": tuple(range(6)),
            "modulation": "16QAM"}
    base.update(kw)
    return SharedChannelConfig(ptrs=ptrs, **base)


def _drift(l_total, kind, rng):
    if kind == "ramp":
        return 0.15 * (np.arange(l_total) - 2)  # 0 on the DM-RS symbol 2, 1.65 rad at symbol 13
    return np.cumsum(rng.normal(0.0, 0.25, l_total))  # random walk


def _noise(rng, shape, nv):
    return np.sqrt(nv / 2) * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))


@pytest.mark.parametrize(("direction", "kind", "td", "practical"), [
    ("downlink", "ramp", 1, False),
    ("downlink", "ramp", 2, True),
    ("downlink", "walk", 1, True),
    ("uplink", "ramp", 1, True),
    ("uplink", "walk", 1, False),
])
def test_cpe_correction_makes_crc_pass(direction, kind, td, practical):
    # 16QAM, R 0.6, 12 PRB, DM-RS at symbol 2 only, SNR 25 dB; seed 11.
    rng = np.random.default_rng(11)
    carrier = CarrierConfig(n_size_grid=12)
    cfg = SharedChannelConfig(direction=direction, modulation="16QAM",
                              ptrs=PtrsConfig(time_density=td), dmrs=DmrsConfig())
    tb = rng.integers(0, 2, TBS, dtype=np.uint8)
    tx_fn = pusch_transmit if direction == "uplink" else pdsch_transmit
    tx = tx_fn(tb, cfg, carrier, target_code_rate=RATE)  # [1, K, L]
    theta = _drift(carrier.symbols_per_slot, kind, rng)
    nv = 10 ** (-25 / 10)
    rx = (tx * np.exp(1j * theta) + _noise(rng, tx.shape, nv)).astype(np.complex64)
    kw = {"tbs": TBS, "target_code_rate": RATE, "noise_var": nv}
    if practical:
        est = dmrs_channel_estimate(rx, cfg, carrier)
        kw.update(channel=est.h, channel_includes_precoding=True)
    off = shared_channel_receive(rx, cfg, carrier, **kw)
    on = shared_channel_receive(rx, cfg, carrier, phase_tracking=True, **kw)
    assert not bool(off.tb_crc_ok)
    assert bool(on.tb_crc_ok) and (on.tb == tb).all()


def test_cpe_estimate_tracks_injected_phase():
    rng = np.random.default_rng(2)
    carrier = CarrierConfig(n_size_grid=8)
    cfg = SharedChannelConfig(modulation="QPSK", num_layers=2, ptrs=PtrsConfig())
    tx = pdsch_transmit(rng.integers(0, 2, 1000, dtype=np.uint8), cfg, carrier, target_code_rate=0.5)
    theta = rng.uniform(-np.pi, np.pi, 14)
    h = (rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2))).astype(np.complex64)
    rx = np.einsum("rp,pkl->rkl", h, tx) * np.exp(1j * theta)
    hh = np.broadcast_to(h[:, :, None, None], (2, 2) + tx.shape[-2:])
    est = common_phase_error(rx, hh, cfg, carrier)
    from opennr.signals.ptrs import ptrs_symbol_indices

    syms = list(ptrs_symbol_indices(cfg))
    np.testing.assert_allclose(np.angle(np.exp(1j * (est[syms] - theta[syms]))), 0, atol=1e-5)
    back = correct_common_phase_error(rx, est)
    np.testing.assert_allclose(back[..., syms], np.einsum("rp,pkl->rkl", h, tx)[..., syms], atol=1e-4)


@pytest.mark.parametrize(("groups", "samples"), [(2, 2), (2, 4), (4, 2), (4, 4), (8, 4)])
def test_tp_ptrs_round_trip_noiseless(groups, samples):
    carrier = CarrierConfig(n_size_grid=16)
    cfg = tp_config(PtrsConfig(num_groups=groups, num_samples=samples, time_density=2), prb_set=tuple(range(16)))
    tb = np.random.default_rng(groups * 10 + samples).integers(0, 2, 3000, dtype=np.uint8)
    grid = pusch_transmit(tb, cfg, carrier, target_code_rate=0.5)
    res = shared_channel_receive(grid, cfg, carrier, tbs=3000, target_code_rate=0.5, noise_var=1e-4)
    assert bool(res.tb_crc_ok) and (res.tb == tb).all()


def test_tp_ptrs_samples_in_the_dft_blocks():
    # independent check of the grid: IDFT (ortho) of each PT-RS symbol's block gives the PT-RS
    # values at the Table 6.4.1.2.2.2-1 positions, rebuilt here from the spec formulas
    from opennr.sequences.gold import gold_sequence
    from opennr.signals.ptrs import ptrs_symbol_indices

    carrier = CarrierConfig(n_size_grid=6, n_cell_id=77, n_slot=3)
    cfg = tp_config(PtrsConfig(num_groups=4, num_samples=2), rnti=5, modulation="QPSK")
    grid = pusch_transmit(np.zeros(2000, np.uint8), cfg, carrier, target_code_rate=0.4)[0]
    m = 72
    pos = np.array([m // 8 - 1, m // 8, 3 * m // 8 - 1, 3 * m // 8, 5 * m // 8 - 1, 5 * m // 8,
                    7 * m // 8 - 1, 7 * m // 8])
    l0 = ptrs_symbol_indices(cfg)[0]
    n_id = 77
    c_init = (2**17 * (14 * 3 + l0 + 1) * (2 * n_id + 1) + 2 * n_id) % 2**31
    c = gold_sequence(c_init, 8).astype(float)
    w = np.tile([1.0, -1.0], 4)  # rnti 5 -> row 1
    ref = w * np.exp(0.5j * np.pi * (pos % 2)) * ((1 - 2 * c) + 1j * (1 - 2 * c)) / np.sqrt(2)
    for sym in ptrs_symbol_indices(cfg):
        block = np.fft.ifft(grid[:m, sym], norm="ortho")
        np.testing.assert_allclose(block[pos], ref, atol=1e-5)


def test_tp_cpe_correction_makes_crc_pass():
    rng = np.random.default_rng(5)
    carrier = CarrierConfig(n_size_grid=6)
    cfg = tp_config(PtrsConfig(num_groups=4, num_samples=4))
    tb = rng.integers(0, 2, 1200, dtype=np.uint8)
    tx = pusch_transmit(tb, cfg, carrier, target_code_rate=0.5)
    theta = 0.12 * (np.arange(14) - 2)
    nv = 10 ** (-25 / 10)
    rx = (tx * np.exp(1j * theta) + _noise(rng, tx.shape, nv)).astype(np.complex64)
    est = dmrs_channel_estimate(rx, cfg, carrier)
    kw = {"tbs": 1200, "target_code_rate": 0.5, "noise_var": nv, "channel": est.h,
          "channel_includes_precoding": True}
    assert not bool(shared_channel_receive(rx, cfg, carrier, **kw).tb_crc_ok)
    on = shared_channel_receive(rx, cfg, carrier, phase_tracking=True, **kw)
    assert bool(on.tb_crc_ok) and (on.tb == tb).all()


def test_tp_positions_table_and_bad_inputs():
    from opennr.signals.ptrs import transform_precoded_ptrs_positions as pos

    assert pos(2, 4, 24).tolist() == [0, 1, 2, 3, 20, 21, 22, 23]
    assert pos(8, 4, 96).tolist() == [0, 1, 2, 3] + [x for s in range(1, 7)
                                                     for x in range(12 * s + 4, 12 * s + 8)] + [92, 93, 94, 95]
    with pytest.raises(ValueError, match="6.4.1.2.2.2-1"):
        pos(8, 2, 96)
    with pytest.raises(ValueError, match="too small"):
        pos(8, 4, 12)
    with pytest.raises(ValueError, match="12 M_RB"):
        pos(2, 2, 30)


def test_phase_tracking_bad_inputs():
    carrier = CarrierConfig(n_size_grid=4)
    cfg = SharedChannelConfig()
    rx = np.zeros((1, 48, 14), np.complex64)
    with pytest.raises(ValueError, match="PT-RS"):
        shared_channel_receive(rx + 1, cfg, carrier, tbs=100, target_code_rate=0.5, noise_var=1.0,
                               phase_tracking=True)
    with pytest.raises(TypeError, match="phase_tracking"):
        shared_channel_receive(rx + 1, cfg, carrier, tbs=100, target_code_rate=0.5, noise_var=1.0,
                               phase_tracking="yes")
    with pytest.raises(ValueError, match="ptrs is None"):
        common_phase_error(rx, np.ones((1, 1, 48, 14)), cfg, carrier)
    cfg_p = SharedChannelConfig(ptrs=PtrsConfig())
    with pytest.raises(ValueError, match="per-layer channel"):
        common_phase_error(rx, np.ones((1, 2, 48, 14)), cfg_p, carrier)
    with pytest.raises(ValueError, match="theta"):
        correct_common_phase_error(rx, np.zeros(13))
    with pytest.raises(TypeError, match="theta"):
        correct_common_phase_error(rx, np.zeros(14, complex))
    with pytest.raises(ValueError, match="transform_precoded_common_phase_error"):
        common_phase_error(rx, np.ones((1, 1, 48, 14)), tp_config(prb_set=(0, 1, 2, 3)), carrier)
    with pytest.raises(ValueError, match="samples"):
        transform_precoded_common_phase_error(np.zeros((3, 48)), 1.0, tp_config(prb_set=(0, 1, 2, 3)), carrier)


@pytest.mark.parametrize(("mod", "beta"), [("QPSK", 1.0), ("16QAM", 3 / np.sqrt(5)),
                                           ("64QAM", 7 / np.sqrt(21)), ("256QAM", 15 / np.sqrt(85))])
def test_tp_ptrs_beta_prime_is_the_constellation_corner(mod, beta):
    # TS 38.214 Table 6.2.3.2-1: beta' equals the largest amplitude of the data constellation
    from opennr.modulation import modulate
    from opennr.signals.ptrs import transform_precoded_ptrs

    qm = {"QPSK": 2, "16QAM": 4, "64QAM": 6, "256QAM": 8}[mod]
    bits = ((np.arange(2**qm)[:, None] >> np.arange(qm)[::-1]) & 1).astype(np.uint8).ravel()
    corner = np.abs(modulate(bits, mod)).max()
    assert corner == pytest.approx(beta, rel=1e-6)
    lay = transform_precoded_ptrs(tp_config(modulation=mod), CarrierConfig(n_size_grid=6))
    np.testing.assert_allclose(np.abs(lay.values), beta, rtol=1e-6)
    raw = transform_precoded_ptrs(tp_config(modulation=mod), CarrierConfig(n_size_grid=6), apply_beta=False)
    np.testing.assert_allclose(np.abs(raw.values), 1.0, rtol=1e-6)


def test_tp_ptrs_reduce_the_codeword_not_the_res():
    # every RE of the 13 data symbols is mapped; the codeword loses N_group N_samp per PT-RS symbol
    from opennr.physical_channels import shared_channel_indices

    carrier = CarrierConfig(n_size_grid=6)
    cfg = tp_config(PtrsConfig(num_groups=8, num_samples=4, time_density=2), modulation="QPSK")
    n_re = shared_channel_indices(cfg, carrier).size
    assert n_re == 13 * 72
    n_pt_syms = 6  # time density 2: symbol 0, then 4, 6, ..., 12 counted from the DM-RS at 2
    from opennr.signals.ptrs import ptrs_symbol_indices

    assert len(ptrs_symbol_indices(cfg)) == n_pt_syms
    g = (n_re - 32 * n_pt_syms) * 2
    grid = pusch_transmit(np.zeros(g, np.uint8), cfg, carrier)
    assert grid.shape == (1, 72, 14)
    with pytest.raises(ValueError, match="G = "):
        pusch_transmit(np.zeros(n_re * 2, np.uint8), cfg, carrier)
