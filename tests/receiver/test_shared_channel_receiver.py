"""PUSCH/PDSCH receive chain (TS 38.211 §6.3.1 / §7.3.1 inverse, TS 38.212 §6.2 / §7.2 decoding).

End-to-end: the package's transmitter -> (OFDM) -> channel -> ``shared_channel_receive``, with
the transport-block CRC and the bits compared; AWGN at a high / very low SNR; HARQ combining of
two redundancy versions; the private per-RE LMMSE against a direct matrix formula.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from opennr.coding.sch import sch_encode
from opennr.modulation.mapping import bits_per_symbol
from opennr.ofdm import CarrierConfig, ofdm_demodulate, ofdm_modulate
from opennr.physical_channels import (
    DmrsConfig,
    PtrsConfig,
    SharedChannelConfig,
    pdsch_transmit,
    pusch_transmit,
    shared_channel_indices,
)
from opennr.receiver.shared_channel_receiver import (
    SharedChannelReceiveResult,
    shared_channel_receive,
)
from opennr.scheduling import mcs_entry

CARRIER = CarrierConfig(n_size_grid=4, n_cell_id=17)
RATE = 0.5
MODS = ("QPSK", "16QAM", "64QAM", "256QAM")


def _tbs(config, carrier=CARRIER, rate=RATE, q=0):
    """A transport-block size that fits ``G`` at about ``rate`` (multiple of 8)."""
    from opennr.physical_channels import codeword_layers

    nus = codeword_layers(config.num_layers)
    mod = config.modulation if isinstance(config.modulation, str) else config.modulation[q]
    g = shared_channel_indices(config, carrier).size * bits_per_symbol(mod) * nus[q]
    return max(24, int(g * rate * 0.9) // 8 * 8)


def _config(direction, mod, layers, config_type, add_pos, mapping, ptrs, tp=False):
    sym = (0, 14) if mapping == "A" else (2, 10)
    if mapping == "B" and add_pos == 3:
        add_pos = 2  # duration 10 has no pos3 for type B in every table: stay valid
    if direction == "uplink" and mapping == "B":
        sym = (0, 12)
    dmrs = DmrsConfig(config_type=config_type, additional_position=add_pos,
                      length=2 if layers > 2 and config_type == 1 else 1)
    return SharedChannelConfig(
        direction=direction, modulation=mod, num_layers=layers, mapping_type=mapping,
        symbol_allocation=sym, dmrs=dmrs, ptrs=PtrsConfig() if ptrs else None, rnti=4321,
        n_id=None if layers % 2 else 77, transform_precoding=tp,
    )


def _cases(direction):
    """Every value of each dimension at least once, in a fixed mixed-radix walk (16 cases)."""
    out = []
    for i in range(16):
        out.append((MODS[i % 4], 1 + (i // 4 + i) % 4, 1 + (i // 2) % 2, i % 4,
                    "AB"[(i // 4) % 2], bool((i // 8 + i) % 2)))
    return out


def _roundtrip(config, rng, *, transmit, noise_var=1e-6, sigma=0.0, channel=None, **rx_kwargs):
    tbs = _tbs(config)
    tb = rng.integers(0, 2, tbs, dtype=np.uint8)
    grid = transmit(tb, config, CARRIER, target_code_rate=RATE)
    if channel is not None:
        grid = np.einsum("rpkl,pkl->rkl", channel, grid)
    if sigma:
        grid = grid + sigma * (rng.standard_normal(grid.shape)
                               + 1j * rng.standard_normal(grid.shape)) / np.sqrt(2)
    res = shared_channel_receive(grid, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                 noise_var=noise_var, channel=channel, **rx_kwargs)
    return tb, res


@pytest.mark.parametrize("case", _cases("uplink"), ids=str)
def test_pusch_noiseless(case, rng):
    config = _config("uplink", *case)
    tb, res = _roundtrip(config, rng, transmit=pusch_transmit)
    assert isinstance(res, SharedChannelReceiveResult)
    assert bool(res.tb_crc_ok) and bool(res.cb_crc_ok.all())
    np.testing.assert_array_equal(res.tb, tb)
    assert res.symbols.shape == (config.num_layers, shared_channel_indices(config, CARRIER).size)


@pytest.mark.parametrize("case", _cases("downlink"), ids=str)
def test_pdsch_noiseless(case, rng):
    config = _config("downlink", *case)
    tb, res = _roundtrip(config, rng, transmit=pdsch_transmit)
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, tb)


@pytest.mark.parametrize("mod, add_pos", [("pi/2-BPSK", 0), ("QPSK", 1), ("16QAM", 2),
                                          ("64QAM", 3), ("256QAM", 1)])
def test_pusch_transform_precoding_noiseless(mod, add_pos, rng):
    config = SharedChannelConfig(direction="uplink", modulation=mod, transform_precoding=True,
                                 prb_set=(0, 1, 2), dmrs=DmrsConfig(additional_position=add_pos))
    tb, res = _roundtrip(config, rng, transmit=pusch_transmit)
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, tb)


@pytest.mark.parametrize("direction", ["uplink", "downlink"])
def test_ofdm_round_trip_and_batch(direction, rng):
    """Grid -> OFDM waveform -> grid, batch of 3 slots, 2 layers."""
    config = _config(direction, "64QAM", 2, 2, 1, "A", False)
    tbs = _tbs(config)
    tb = rng.integers(0, 2, (3, tbs), dtype=np.uint8)
    transmit = pusch_transmit if direction == "uplink" else pdsch_transmit
    grid = transmit(tb, config, CARRIER, target_code_rate=RATE)
    rx = ofdm_demodulate(ofdm_modulate(grid, CARRIER), CARRIER)
    res = shared_channel_receive(rx, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                 noise_var=1e-6)
    assert res.tb_crc_ok.shape == (3,) and res.tb_crc_ok.all()
    np.testing.assert_array_equal(res.tb, tb)


def _random_channel(rng, r, p):
    shape = (r, p, CARRIER.num_subcarriers, CARRIER.symbols_per_slot)
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)).astype(
        np.complex64)


@pytest.mark.parametrize("layers, r", [(1, 2), (2, 4), (4, 4)])
def test_pdsch_random_mimo_channel(layers, r, rng):
    """Per-RE Rayleigh channel, more receive antennas than layers, high SNR."""
    config = _config("downlink", "16QAM", layers, 2, 1, "A", False)
    h = _random_channel(rng, r, layers)
    tb, res = _roundtrip(config, rng, transmit=pdsch_transmit, channel=h, noise_var=1e-4,
                         sigma=1e-2)
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, tb)


def test_pusch_codebook_precoding(rng):
    """Codebook PUSCH: 2 layers on 4 ports; the receiver applies W to the per-port channel."""
    config = SharedChannelConfig(direction="uplink", num_layers=2, precoding="codebook",
                                 num_antenna_ports=4, tpmi=3, modulation="16QAM",
                                 dmrs=DmrsConfig(config_type=1))
    h = _random_channel(rng, 4, 4)
    tb, res = _roundtrip(config, rng, transmit=pusch_transmit, channel=h, noise_var=1e-4,
                         sigma=1e-2)
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, tb)
    # the same with the effective per-layer channel H W
    from opennr.physical_channels import pusch_precoding_matrix_of

    w = pusch_precoding_matrix_of(config)
    tbs = _tbs(config)
    grid = np.einsum("rpkl,pkl->rkl", h, pusch_transmit(tb, config, CARRIER, target_code_rate=RATE))
    res2 = shared_channel_receive(grid, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                  noise_var=1e-4, channel=np.einsum("rpkl,pv->rvkl", h, w),
                                  channel_includes_precoding=True)
    np.testing.assert_array_equal(res2.tb, tb)


def test_pdsch_precoding_matrix(rng):
    config = _config("downlink", "QPSK", 2, 1, 0, "A", False)
    w = np.array([[1, 1], [1, -1], [1j, 1j], [1j, -1j]], np.complex64) / 2
    tbs = _tbs(config)
    tb = rng.integers(0, 2, tbs, dtype=np.uint8)
    grid = pdsch_transmit(tb, config, CARRIER, target_code_rate=RATE, precoding_matrix=w)
    h = _random_channel(rng, 3, 4)
    rx = np.einsum("rpkl,pkl->rkl", h, grid)
    res = shared_channel_receive(rx, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                 noise_var=1e-5, channel=h, precoding_matrix=w)
    np.testing.assert_array_equal(res.tb, tb)


@pytest.mark.parametrize("layers", [5, 8])
def test_pdsch_two_codewords(layers, rng):
    config = SharedChannelConfig(direction="downlink", num_layers=layers,
                                 modulation="64QAM",
                                 dmrs=DmrsConfig(config_type=1, length=2))
    tbs = (_tbs(config, q=0), _tbs(config, q=1))
    tb = tuple(rng.integers(0, 2, a, dtype=np.uint8) for a in tbs)
    grid = pdsch_transmit(tb, config, CARRIER, target_code_rate=RATE)
    res = shared_channel_receive(grid, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                 noise_var=1e-6)
    assert isinstance(res.tb, tuple) and len(res.tb) == 2
    for q in range(2):
        assert bool(res.tb_crc_ok[q])
        np.testing.assert_array_equal(res.tb[q], tb[q])


@pytest.mark.parametrize("direction", ["uplink", "downlink"])
def test_awgn_high_and_very_low_snr(direction, rng):
    config = _config(direction, "16QAM", 2, 1, 1, "A", False)
    transmit = pusch_transmit if direction == "uplink" else pdsch_transmit
    # 30 dB: passes
    n0 = 1e-3
    tb, res = _roundtrip(config, rng, transmit=transmit, noise_var=n0, sigma=np.sqrt(n0))
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, tb)
    # -10 dB for 16QAM rate 1/2: fails
    n0 = 10.0
    tb, res = _roundtrip(config, rng, transmit=transmit, noise_var=n0, sigma=np.sqrt(n0))
    assert not bool(res.tb_crc_ok)


def test_harq_two_rvs_combine(rng):
    """rv 0 alone and rv 2 alone fail; rv 0 + rv 2 through the soft buffer decodes.

    QPSK, code rate 0.75, SNR 1 dB, fixed seed: each transmission alone is ~2 dB short of
    its threshold, the combined code (rate ~0.4 with twice the energy) is far above it.
    """
    rng = np.random.default_rng(5)
    rate = 0.75
    config = SharedChannelConfig(direction="uplink", modulation="QPSK")
    tbs = _tbs(config, rate=rate)
    tb = rng.integers(0, 2, tbs, dtype=np.uint8)
    n0 = 10 ** (-1.0 / 10)
    kw = {"tbs": tbs, "target_code_rate": rate, "noise_var": n0}

    def rx(rv):
        grid = pusch_transmit(tb, config, CARRIER, target_code_rate=rate, rv=rv)
        return grid + np.sqrt(n0 / 2) * (rng.standard_normal(grid.shape)
                                         + 1j * rng.standard_normal(grid.shape))

    g0, g2 = rx(0), rx(2)
    r0 = shared_channel_receive(g0, config, CARRIER, rv=0, **kw)
    r2 = shared_channel_receive(g2, config, CARRIER, rv=2, **kw)
    assert not bool(r0.tb_crc_ok) and not bool(r2.tb_crc_ok)
    both = shared_channel_receive(g2, config, CARRIER, rv=2, soft_buffer=r0.soft_buffer, **kw)
    assert bool(both.tb_crc_ok)
    np.testing.assert_array_equal(both.tb, tb)


def test_llr_match_transmitted_codeword(rng):
    """The descrambled LLR signs are the codeword bits the encoder produced."""
    config = _config("uplink", "64QAM", 3, 2, 2, "A", False)
    tbs = _tbs(config)
    tb = rng.integers(0, 2, tbs, dtype=np.uint8)
    g = shared_channel_indices(config, CARRIER).size * 6 * 3
    cw = sch_encode(tb, target_code_rate=RATE, modulation_order=6, g=g, num_layers=3)
    grid = pusch_transmit(cw, config, CARRIER)
    res = shared_channel_receive(grid, config, CARRIER, tbs=tbs, target_code_rate=RATE,
                                 noise_var=1e-4)
    np.testing.assert_array_equal((res.llr < 0).astype(np.uint8), cw)


def test_effective_noise_variance_identity_channel(rng):
    """Identity channel: the demapper's noise variance is N0 / (1 + N0) (unbiased LMMSE), 1 layer;
    with transform precoding it is the per-symbol mean, so constant along each symbol."""
    n0 = 0.05
    config = SharedChannelConfig(direction="uplink", modulation="QPSK")
    _, res = _roundtrip(config, rng, transmit=pusch_transmit, noise_var=n0, sigma=np.sqrt(n0))
    np.testing.assert_allclose(res.noise_var_eff, n0, rtol=1e-5)
    tp = config.replace(transform_precoding=True, prb_set=(0, 1, 2))
    h = _random_channel(rng, 1, 1)
    _, res = _roundtrip(tp, rng, transmit=pusch_transmit, noise_var=1e-3, channel=h,
                        sigma=np.sqrt(1e-3))
    per_symbol = res.noise_var_eff.reshape(-1, 36)
    np.testing.assert_allclose(per_symbol, per_symbol[:, :1] * np.ones((1, 36)), rtol=1e-6)
    assert np.ptp(per_symbol[:, 0]) > 0
    assert bool(res.tb_crc_ok)


def _sionna_ref_config(j):
    """The PUSCH configuration of a Sionna reference case (PROVENANCE §2.7)."""
    p, dm = j["pusch"], j["pusch"]["dmrs"]
    carrier = CarrierConfig(n_size_grid=p["n_size_bwp"], n_cell_id=j["carrier"]["n_cell_id"],
                            n_slot=j["carrier"]["slot_number"])
    cfg = SharedChannelConfig(
        direction="uplink", symbol_allocation=tuple(p["symbol_allocation"]),
        num_layers=p["num_layers"], modulation="16QAM", rnti=p["n_rnti"],
        precoding=p["precoding"], tpmi=p["tpmi"], num_antenna_ports=p["num_antenna_ports"],
        dmrs=DmrsConfig(
            config_type=dm["config_type"], additional_position=dm["additional_position"],
            length=dm["length"], n_id=(dm["n_id"], dm["n_id"]), n_scid=dm["n_scid"],
            num_cdm_groups_without_data=dm["num_cdm_groups_without_data"],
            ports=tuple(dm["dmrs_port_set"]), c_init_release=15,
        ),
    )
    return cfg, carrier


@pytest.mark.reference
@pytest.mark.parametrize("case", [*range(0, 42, 3), 42, 47, 52, 62, 68, 78])
def test_decodes_sionna_reference_grids(reference_dir, case):
    """Grids made by Sionna's PUSCHTransmitter (PROVENANCE §2.7) decode to Sionna's TB.

    Independent of our transmitter: Sionna's grid per port ``[P, K, L]``, identity channel
    (``R = P``), codebook precoding undone through ``W`` in the effective channel.
    """
    base = reference_dir / "sionna" / "pusch_transmitter" / f"test_{case}"
    j = json.loads(base.with_suffix(".json").read_text())
    d = np.load(base.with_suffix(".npz"))
    cfg, carrier = _sionna_ref_config(j)
    rate = mcs_entry(j["pusch"]["tb"]["mcs_index"]).target_code_rate
    grid = d["grid"]
    grid = grid[None] if grid.ndim == 2 else np.moveaxis(grid, -1, 0)
    res = shared_channel_receive(grid, cfg, carrier, tbs=d["b"].shape[-1],
                                 target_code_rate=rate, noise_var=1e-4)
    assert bool(np.all(res.tb_crc_ok))
    np.testing.assert_array_equal(res.tb, d["b"])


def test_bad_inputs(rng):
    config = SharedChannelConfig(direction="uplink")
    grid = np.zeros((1, 48, 14), np.complex64)
    kw = {"tbs": 100, "target_code_rate": 0.5, "noise_var": 0.1}
    with pytest.raises(TypeError, match="config"):
        shared_channel_receive(grid, "pusch", CARRIER, **kw)
    with pytest.raises(TypeError, match="carrier"):
        shared_channel_receive(grid, config, None, **kw)
    with pytest.raises(ValueError, match=r"\[\.\.\., R, K, L\]"):
        shared_channel_receive(grid[..., :10], config, CARRIER, **kw)
    with pytest.raises(ValueError, match="noise_var"):
        shared_channel_receive(grid, config, CARRIER, tbs=100, target_code_rate=0.5, noise_var=0)
    with pytest.raises(ValueError, match="R = 1"):
        shared_channel_receive(np.zeros((2, 48, 14), np.complex64), config, CARRIER, **kw)
    with pytest.raises(ValueError, match="channel must have shape"):
        shared_channel_receive(grid, config, CARRIER, channel=np.ones((1, 2, 48, 14)), **kw)
    with pytest.raises(ValueError, match="NaN"):
        shared_channel_receive(np.full_like(grid, np.nan), config, CARRIER, **kw)
    with pytest.raises(ValueError, match="precoding_matrix"):
        shared_channel_receive(grid, config, CARRIER, precoding_matrix=np.eye(1), **kw)
    with pytest.raises(ValueError, match="demapping_method"):
        shared_channel_receive(grid, config, CARRIER, demapping_method="map", **kw)
    with pytest.raises(ValueError, match="tbs"):
        shared_channel_receive(grid, config, CARRIER, tbs=(100, 100), target_code_rate=0.5,
                               noise_var=0.1)
