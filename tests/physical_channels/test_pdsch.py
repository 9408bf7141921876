"""TS 38.211 §7.3.1: PDSCH transmitter (scrambling c_init, symbol chain, grid)."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.modulation import modulate
from opennr.ofdm import CarrierConfig
from opennr.physical_channels._shared_channel import (
    pdsch_c_init,
    shared_channel_indices,
    shared_channel_symbols,
)
from opennr.physical_channels.config import DmrsConfig, PtrsConfig, SharedChannelConfig
from opennr.physical_channels.pdsch import pdsch_transmit
from opennr.sequences import gold_sequence
from opennr.signals.dmrs import dmrs_grid


@pytest.mark.reference
def test_py3gpp_64qam_scrambled(reference_dir):
    """PROVENANCE §1.11: MATLAB nrPDSCH(cws, '64QAM', 1, nid=0, rnti=0), printed to 4 decimals."""
    d = np.load(reference_dir / "py3gpp" / "pdsch_64qam_scrambled.npz")
    cfg = SharedChannelConfig(
        modulation=str(d["modulation"]), num_layers=int(d["nlayers"]), rnti=int(d["rnti"]),
        n_id=int(d["nid"]),
    )
    assert pdsch_c_init(int(d["rnti"]), int(d["nid"])) == 0
    got = shared_channel_symbols(d["cw_bits"], cfg)
    assert got.shape == (1, 800)
    np.testing.assert_allclose(np.round(got[0], 4), d["symbols"], atol=1e-7)


def test_c_init():
    assert pdsch_c_init(1, 10, 1) == 2**15 + 2**14 + 10
    assert pdsch_c_init(65535, 1023, 1) == 65535 * 2**15 + 2**14 + 1023 < 2**31
    for bad in ({"q": 2}, {"rnti": -1}, {"n_id": 1024}):
        args = {"rnti": 1, "n_id": 0, "q": 0} | bad
        with pytest.raises(ValueError, match=next(iter(bad))):
            pdsch_c_init(**args)


def test_two_codewords_use_their_own_c_init(rng):
    cfg = SharedChannelConfig(modulation="QPSK", num_layers=5, rnti=9, n_id=3,
                              dmrs=DmrsConfig(config_type=2, num_cdm_groups_without_data=3))
    cw0 = rng.integers(0, 2, 2 * 2 * 12, dtype=np.uint8)
    cw1 = rng.integers(0, 2, 2 * 3 * 12, dtype=np.uint8)
    got = shared_channel_symbols((cw0, cw1), cfg)
    d0 = modulate(cw0 ^ gold_sequence(9 * 2**15 + 3, cw0.size), "QPSK")
    d1 = modulate(cw1 ^ gold_sequence(9 * 2**15 + 2**14 + 3, cw1.size), "QPSK")
    want = np.stack([d0[0::2], d0[1::2], d1[0::3], d1[1::3], d1[2::3]])
    np.testing.assert_allclose(got, want, atol=1e-6)
    with pytest.raises(ValueError, match="2 codeword"):
        shared_channel_symbols(cw0, cfg)


def test_grid_data_and_dmrs(rng):
    carrier = CarrierConfig(n_size_grid=6, n_cell_id=17, n_slot=3)
    cfg = SharedChannelConfig(
        prb_set=(1, 2, 4), symbol_allocation=(1, 12), num_layers=2, modulation="16QAM", rnti=5,
        dmrs=DmrsConfig(ports=(0, 1), num_cdm_groups_without_data=2, additional_position=1),
    )
    idx = shared_channel_indices(cfg, carrier)
    bits = rng.integers(0, 2, (3, idx.size * 4 * 2), dtype=np.uint8)
    grid = pdsch_transmit(bits, cfg, carrier)
    assert grid.shape == (3, 2, 72, 14)
    sym = shared_channel_symbols(bits, cfg, carrier)
    k, sl = idx % 72, idx // 72
    np.testing.assert_allclose(grid[:, :, k, sl], sym, atol=0)
    dm = dmrs_grid(cfg, carrier)  # includes beta_DMRS = sqrt(2) for 2 CDM groups
    mask = dm != 0
    np.testing.assert_allclose(grid[:, mask], np.broadcast_to(dm[mask], (3, mask.sum())))
    # nothing else is written
    used = np.zeros((2, 72, 14), bool)
    used[:, k, sl] = True
    used |= mask
    assert not grid[:, ~used].any()
    # precoding matrix applied to data and DM-RS
    w = np.array([[1, 1], [1, -1], [1j, 0]]) / 2
    pre = pdsch_transmit(bits, cfg, carrier, precoding_matrix=w)
    np.testing.assert_allclose(pre, np.einsum("pv,bvkl->bpkl", w, grid), atol=1e-6)


def test_transport_block_input(rng):
    from opennr.coding.sch import sch_encode

    carrier = CarrierConfig(n_size_grid=4)
    cfg = SharedChannelConfig(modulation="QPSK")
    g = shared_channel_indices(cfg, carrier).size * 2
    tb = rng.integers(0, 2, 200, dtype=np.uint8)
    a = pdsch_transmit(tb, cfg, carrier, target_code_rate=0.4, rv=2)
    b = pdsch_transmit(sch_encode(tb, target_code_rate=0.4, modulation_order=2, g=g, rv=2), cfg, carrier)
    np.testing.assert_array_equal(a, b)


def test_ptrs_res_carry_ptrs_not_data(rng):
    from opennr.signals.ptrs import ptrs_indices, ptrs_symbols

    carrier = CarrierConfig(n_size_grid=8, n_cell_id=4)
    cfg = SharedChannelConfig(num_layers=2, rnti=6, ptrs=PtrsConfig(time_density=2),
                              dmrs=DmrsConfig(ports=(0, 1)))
    idx = shared_channel_indices(cfg, carrier)
    k, sl = ptrs_indices(cfg, carrier)
    flat = k[0] + 96 * sl[0]
    assert not np.isin(flat, idx).any()
    assert idx.size == shared_channel_indices(cfg.replace(ptrs=None), carrier).size - flat.size
    grid = pdsch_transmit(rng.integers(0, 2, idx.size * 4, dtype=np.uint8), cfg, carrier)
    np.testing.assert_allclose(grid[0, k[0], sl[0]], ptrs_symbols(cfg, carrier)[0])
    assert not grid[1, k[0], sl[0]].any()


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"bits": np.zeros(7, np.uint8)}, ValueError, "target_code_rate"),
        ({"config": SharedChannelConfig(direction="uplink")}, ValueError, "downlink"),
        ({"config": None}, TypeError, "SharedChannelConfig"),
        ({"precoding_matrix": np.ones((2, 3))}, ValueError, "precoding_matrix"),
        ({"carrier": CarrierConfig(n_size_grid=1), "config": SharedChannelConfig(n_size_bwp=2)},
         ValueError, "BWP"),
    ],
)
def test_bad_inputs(kwargs, exc, match):
    carrier = kwargs.pop("carrier", CarrierConfig(n_size_grid=2))
    cfg = SharedChannelConfig()
    bits = np.zeros(shared_channel_indices(cfg, carrier).size * 2, np.uint8) if carrier.n_size_grid == 2 \
        else np.zeros(10, np.uint8)
    args = {"bits": bits, "config": cfg} | kwargs
    with pytest.raises(exc, match=match):
        pdsch_transmit(args.pop("bits"), args.pop("config"), carrier, **args)
