"""PDSCH fill of the waveform generator (``fill='pdsch'``): real PDSCH slots around the SS burst.

A generated SigMF recording is read back and one PDSCH slot decoded with the shared-channel
receiver (opennr.receiver.shared_channel_receive, independent of the generator), with the
configuration and transport block rebuilt from the recording's metadata only; cell search still
finds the cell. The SS/PBCH block's resource elements stay untouched by the PDSCH (TS 38.214
§5.1.4).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from opennr.coding.bch import Mib
from opennr.io.sigmf import read_recording
from opennr.ofdm import CarrierConfig, ofdm_demodulate
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.receiver import shared_channel_receive
from opennr.receiver.cell_search import cell_search
from opennr.waveform import (
    PdschFillConfig,
    SsBurstConfig,
    WaveformConfig,
    generate_waveform,
    pdsch_fill_slot,
    write_waveform,
)


def _slot_grid(samples, meta, slot, nfft):
    c = meta["opennr:carrier"]
    car = CarrierConfig(subcarrier_spacing=c["subcarrier_spacing_khz"], n_size_grid=c["n_size_grid"])
    n_symb = car.symbols_per_slot
    info = ofdm_info(car, nfft=nfft)
    start = int(info.symbol_cp_lengths(0, slot * n_symb).sum()) + slot * n_symb * nfft
    length = int(info.symbol_cp_lengths(slot * n_symb, n_symb).sum()) + n_symb * nfft
    return ofdm_demodulate(samples[start : start + length],
                           car.replace(n_slot=slot % car.slots_per_frame), nfft=nfft,
                           normalization="ortho")


def _decode(samples, meta, slot, nfft):
    cfg, car, tb, rate = pdsch_fill_slot(meta, slot)
    grid = _slot_grid(samples, meta, slot, nfft)
    res = shared_channel_receive(grid[None], cfg, car, tbs=tb.size, target_code_rate=rate,
                                 noise_var=1e-6)
    return cfg, tb, res


@pytest.mark.parametrize(("scs", "case", "prb", "rate", "add_pos", "mcs"), [
    (15, "A", 52, 15.36e6, 1, 4),   # DM-RS symbols 2, 11 meet the block: its PRBs left out
    (30, "B", 51, 30.72e6, 0, 9),   # DM-RS symbol 2 only: the block's REs are reserved
])
def test_generated_recording_decodes(tmp_path, scs, case, prb, rate, add_pos, mcs):
    rng = np.random.default_rng(8)
    car = CarrierConfig(subcarrier_spacing=scs, n_size_grid=prb, n_cell_id=433, n_frame=77)
    burst = SsBurstConfig(case=case, l_max=4 if case == "A" else 8,
                          positions="1010" if case == "A" else "11000000", periodicity=10,
                          mib=Mib(dmrs_type_a_position="pos2"))
    cfg = WaveformConfig(car, burst, num_subframes=2, sample_rate=rate, fill="pdsch",
                         pdsch=PdschFillConfig(mcs=mcs, dmrs_additional_position=add_pos))
    w = generate_waveform(cfg, rng=rng)
    path = write_waveform(tmp_path / "pdsch", w, center_frequency=2.1e9)
    rec = read_recording(path)
    meta = rec.metadata["global"]
    x = rec.samples[0]
    pd = meta["opennr:pdsch"]
    n_slots = 2 * car.slots_per_subframe
    assert [e["slot"] for e in pd["slots"]] == list(range(n_slots))
    assert pd["mcs"] == mcs and pd["dmrs_type_a_position"] == 2
    ssb_slots = sorted({b.symbol // 14 for b in w.blocks})
    for slot in (ssb_slots[0], n_slots - 1):  # a slot with an SS/PBCH block, the last one
        c, tb, res = _decode(x, meta, slot, w.nfft)
        assert bool(res.tb_crc_ok) and np.array_equal(res.tb, tb)
        assert tb.size == pd["slots"][slot]["tbs"]
    entry = pd["slots"][ssb_slots[0]]
    if case == "A":
        assert entry["prb_set"] is not None and len(entry["prb_set"]) == prb - 20
        assert not entry["ssb_symbols"]
    else:  # rate-matched around the reserved REs of the block
        assert entry["prb_set"] is None and entry["ssb_symbols"] == [4, 5, 6, 7, 8, 9, 10, 11]
        c, _, _, _ = pdsch_fill_slot(meta, ssb_slots[0])
        assert len(c.reserved_res) == 8 * 12 * (pd["ssb_prbs"][1] - pd["ssb_prbs"][0] + 1)
    # the PDSCH never touches the SS/PBCH block's PRBs in its symbols: there the grid holds the
    # block alone (the same waveform without fill)
    lo, hi = pd["ssb_prbs"]
    bare = generate_waveform(dataclasses.replace(cfg, fill="none")).grid
    for b in w.blocks:
        region = np.s_[12 * lo : 12 * (hi + 1), b.symbol : b.symbol + 4]
        assert np.array_equal(w.grid[region], bare[region]) and bare[region].any()
    # ... and cell search still finds the cell, with the right frame timing
    res = cell_search(rec.samples, rec.sample_rate, scs_khz=scs, ssb_case=case,
                      frequency_offsets=[w.ssb_frequency_offset])
    assert {(r.pci, r.sfn, r.crc_ok) for r in res} == {(433, 77, True)}
    assert len(res) == len(w.blocks) and {r.frame_start for r in res} == {0}


def test_pdsch_fill_metadata_and_errors():
    car = CarrierConfig(subcarrier_spacing=30, n_size_grid=24)
    w = generate_waveform(WaveformConfig(car, num_subframes=1, fill="pdsch",
                                         pdsch=PdschFillConfig(rnti=7, n_id=99)),
                          rng=np.random.default_rng(1))
    pd = w.metadata["pdsch"]
    assert pd["rnti"] == 7 and pd["n_id"] == 99 and pd["n_id_used"] == 99
    cfg, carrier, _tb, rate = pdsch_fill_slot(w.metadata, 1)
    assert cfg.rnti == 7 and cfg.n_id == 99 and carrier.n_slot == 1 and cfg.prb_set is None
    assert rate == pytest.approx(308 / 1024)
    # the data REs have energy 1 (fill_power_db 0), the DM-RS 2 (beta_DMRS = sqrt 2)
    data = np.abs(w.grid[:, 14 + 3]) ** 2
    assert np.allclose(data, 1.0, atol=1e-5)
    assert np.allclose(np.abs(w.grid[0::2, 14 + 2]) ** 2, 2.0, atol=1e-5)
    with pytest.raises(ValueError, match="slot 5"):
        pdsch_fill_slot(w.metadata, 5)
    with pytest.raises(ValueError, match="no PDSCH fill"):
        pdsch_fill_slot(generate_waveform(WaveformConfig(car, num_subframes=1)).metadata, 0)
    with pytest.raises(TypeError, match="metadata"):
        pdsch_fill_slot([1], 0)
    with pytest.raises(TypeError, match="rng"):
        generate_waveform(WaveformConfig(car, num_subframes=1, fill="pdsch"))
    with pytest.raises(TypeError, match="pdsch"):
        WaveformConfig(car, pdsch={"mcs": 3})
    for kwargs in ({"mcs": 29}, {"mcs_table": "qam16"}, {"rnti": -1}, {"n_id": 1024},
                   {"dmrs_additional_position": 4}, {"symbol_allocation": (5, 14)}):
        with pytest.raises(ValueError):
            PdschFillConfig(**kwargs)
    with pytest.raises(TypeError, match="symbol_allocation"):
        PdschFillConfig(symbol_allocation=3)


def test_half_subcarrier_block_keeps_its_prbs_free():
    """Odd k_SSB at 30 kHz: the block sits half-way between carrier subcarriers and touches 21
    PRBs; the PDSCH of both slots (each with a block) avoids them and decodes."""
    car = CarrierConfig(subcarrier_spacing=30, n_size_grid=51, n_cell_id=12, n_frame=3)
    burst = SsBurstConfig(k_ssb=5, offset_to_point_a=20, positions="1010", periodicity=10)
    w = generate_waveform(WaveformConfig(car, burst, num_subframes=1, sample_rate=30.72e6,
                                         fill="pdsch"), rng=np.random.default_rng(2))
    assert w.ssb_first_subcarrier == 122.5 and w.metadata["pdsch"]["ssb_prbs"] == [10, 30]
    meta = {"opennr:" + k: v for k, v in w.metadata.items()}
    for slot in (0, 1):
        cfg, tb, res = _decode(w.samples, meta, slot, w.nfft)
        assert len(cfg.prb_set) == 51 - 21 and not set(cfg.prb_set) & set(range(10, 31))
        assert bool(res.tb_crc_ok) and np.array_equal(res.tb, tb)
    found = cell_search(w.samples, w.sample_rate, scs_khz=30,
                        frequency_offsets=[w.ssb_frequency_offset])
    assert [(d.pci, d.sfn, d.k_ssb, d.frame_start) for d in found] == [(12, 3, 5, 0)] * 2


@pytest.mark.parametrize(("mcs", "reserved"), [(20, True), (27, False)])
def test_high_mcs_leaves_the_block_prbs_out(mcs, reserved):
    """Rate matching around the block's REs keeps the code rate <= 0.93; above it the block's
    PRBs are left out of the slot (case B, DM-RS on symbol 2 only, 64QAM)."""
    car = CarrierConfig(subcarrier_spacing=30, n_size_grid=51, n_cell_id=3)
    burst = SsBurstConfig(case="B", l_max=8, positions="11000000", periodicity=10)
    w = generate_waveform(WaveformConfig(car, burst, num_subframes=1, sample_rate=30.72e6,
                                         fill="pdsch",
                                         pdsch=PdschFillConfig(mcs=mcs, dmrs_additional_position=0)),
                          rng=np.random.default_rng(0))
    entry = w.metadata["pdsch"]["slots"][0]
    assert (entry["prb_set"] is None) == reserved and bool(entry["ssb_symbols"]) == reserved
    meta = {"opennr:" + k: v for k, v in w.metadata.items()}
    cfg, tb, res = _decode(w.samples, meta, 0, w.nfft)
    assert bool(res.tb_crc_ok) and np.array_equal(res.tb, tb)
    assert (len(cfg.reserved_res) > 0) == reserved
