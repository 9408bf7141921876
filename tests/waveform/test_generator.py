"""Waveform generator: every SS/PBCH block it sends is found and decoded by a plain FFT receiver
written here (not the generator's code path), with the SFN / index / half frame it claims."""

import json

import numpy as np
import pytest

from opennr.coding.bch import Mib, bch_decode
from opennr.ofdm import CarrierConfig
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.physical_channels.pbch import pbch_llrs
from opennr.physical_channels.ssb import pbch_dmrs_positions, pbch_positions
from opennr.scheduling.ssb_burst import gscn_to_frequency
from opennr.signals.pbch_dmrs import pbch_dmrs
from opennr.signals.sync import pss, sss
from opennr.waveform import (
    Impairments,
    SsBurstConfig,
    WaveformConfig,
    apply_cfo,
    generate_waveform,
    ssb_subcarrier_position,
    write_waveform,
)

SSS_ALL = np.stack([sss(n) for n in range(1008)])


def _rx_block(x, start, nfft, cps, first_bin, frac=0.0):
    """FFT receiver: block of 4 symbols from sample ``start`` (CP start), SSB subcarrier 0 at
    FFT bin ``first_bin`` (+ ``frac`` of a subcarrier, removed per symbol)."""
    cols, pos = [], start
    for c in cps:
        u = x[pos + c : pos + c + nfft]
        if frac:
            u = u * np.exp(-2j * np.pi * frac * np.arange(nfft) / nfft)
        spec = np.fft.fft(u) / np.sqrt(nfft)
        cols.append(spec[(first_bin + np.arange(240)) % nfft])
        pos += c + nfft
    return np.stack(cols, axis=1)


def _decode(blk, n_id, l_max):
    k_d, l_d = pbch_dmrs_positions(n_id)
    corr = [abs(np.vdot(pbch_dmrs(n_id, i), blk[k_d, l_d])) for i in range(8)]
    ibar = int(np.argmax(corr))
    h = blk[k_d, l_d] / pbch_dmrs(n_id, ibar)
    k_p, l_p = pbch_positions(n_id)
    eq = np.empty(k_p.size, np.complex64)
    for l in (1, 2, 3):
        m, md = l_p == l, l_d == l
        hi = np.interp(k_p[m], k_d[md], h[md].real) + 1j * np.interp(k_p[m], k_d[md], h[md].imag)
        eq[m] = blk[k_p[m], l] / hi
    v = ibar % 4 if l_max == 4 else ibar
    llr = np.clip(pbch_llrs(eq, n_cell_id=n_id, v=v, noise_variance=0.2), -30, 30)
    return ibar, bch_decode(llr, l_max=l_max, n_cell_id=n_id)


def _check_all_blocks(w, cfg, frac=0.0):
    info = ofdm_info(cfg.carrier.replace(n_slot=0), nfft=w.nfft)
    k_total = cfg.carrier.num_subcarriers
    first_bin = int(np.floor(w.ssb_first_subcarrier)) - k_total // 2
    n_id = cfg.carrier.n_cell_id
    for b in w.blocks:
        cps = info.symbol_cp_lengths(b.symbol, 4)
        blk = _rx_block(w.samples, b.sample_offset, w.nfft, cps, first_bin, frac)
        assert int(np.argmax([abs(np.vdot(pss(i), blk[56:183, 0])) for i in range(3)])) == n_id % 3
        assert int(np.argmax(np.abs(SSS_ALL @ blk[56:183, 2]))) == n_id
        ibar, res = _decode(blk, n_id, w.l_max)
        assert bool(res.crc_ok)
        assert int(res.sfn) == b.sfn and int(res.half_frame) == b.half_frame
        want_ibar = b.ssb_index + 4 * b.half_frame if w.l_max == 4 else b.ssb_index % 8
        assert ibar == want_ibar
        assert res.mib.ssb_subcarrier_offset == w.metadata["ss_burst"]["k_ssb"] & 15
        assert int(res.k_ssb_msb) == w.metadata["ss_burst"]["k_ssb"] >> 4


def test_case_c_two_frames_with_fill(rng):
    cfg = WaveformConfig(
        CarrierConfig(subcarrier_spacing=30, n_size_grid=51, n_cell_id=500, n_frame=1023),
        SsBurstConfig(positions="10100001", periodicity=10,
                      mib=Mib(sub_carrier_spacing_common="scs30or120", control_resource_set_zero=6)),
        num_subframes=20, sample_rate=23.04e6, center_frequency=3.5e9, fill="qpsk")
    w = generate_waveform(cfg, rng=rng)
    assert w.samples.shape == (20 * 23040,) and w.samples.dtype == np.complex64
    assert w.case == "C" and w.l_max == 8
    assert [(b.sfn, b.ssb_index) for b in w.blocks] == [(1023, 0), (1023, 2), (1023, 7),
                                                        (0, 0), (0, 2), (0, 7)]
    # case C first symbols 2, 16, 50 (TS 38.213 §4.1) and one frame = 280 symbols later
    assert [b.symbol for b in w.blocks] == [2, 16, 50, 282, 296, 330]
    _check_all_blocks(w, cfg)
    # the fill never touches the SS/PBCH block's resource blocks during its symbols
    k0 = int(w.ssb_first_subcarrier)
    rb_lo, rb_hi = k0 // 12, (k0 + 239) // 12
    assert not w.grid[12 * rb_lo : k0, 2:6].any() and not w.grid[k0 + 240 : 12 * rb_hi + 12, 2:6].any()
    assert not w.grid[k0 : k0 + 56, 2].any()  # PSS symbol, "set to 0" part of the block
    assert np.count_nonzero(w.grid[:, 0]) == 612


def test_case_a_periodicity_5_l_max_4():
    cfg = WaveformConfig(CarrierConfig(15, n_size_grid=25, n_cell_id=17, n_frame=5),
                         SsBurstConfig(positions="1001", periodicity=5),
                         sample_rate=7.68e6, center_frequency=1.8e9)
    w = generate_waveform(cfg)
    assert w.l_max == 4
    assert [(b.half_frame, b.ssb_index, b.symbol) for b in w.blocks] == [
        (0, 0, 2), (0, 3, 22), (1, 0, 72), (1, 3, 92)]
    _check_all_blocks(w, cfg)


def test_periodicity_20_skips_odd_frames():
    cfg = WaveformConfig(CarrierConfig(30, n_size_grid=20, n_cell_id=3, n_frame=7),
                         SsBurstConfig(periodicity=20, half_frame=1), num_subframes=30,
                         sample_rate=7.68e6)
    w = generate_waveform(cfg)
    assert [(b.sfn, b.half_frame) for b in w.blocks] == [(8, 1)]
    _check_all_blocks(w, cfg)


def test_explicit_placement_and_half_subcarrier():
    carrier = CarrierConfig(30, n_size_grid=52, n_cell_id=901, n_start_grid=2)
    # FR1: 12 * 15 kHz * offsetToPointA + 15 kHz * k_SSB above point A
    assert ssb_subcarrier_position(carrier, k_ssb=6, offset_to_point_a=20) == 120 + 3 - 24
    for k_ssb, frac in ((6, 0.0), (7, 0.5), (17, 0.5)):
        cfg = WaveformConfig(carrier, SsBurstConfig(k_ssb=k_ssb, offset_to_point_a=20),
                             num_subframes=1, sample_rate=30.72e6)
        w = generate_waveform(cfg)
        assert w.ssb_first_subcarrier == 99 + k_ssb / 2 - 3
        assert w.ssb_frequency_offset == (w.ssb_first_subcarrier + 120 - 312) * 30e3
        _check_all_blocks(w, cfg, frac=frac)


def test_centred_block_and_raster():
    cfg = WaveformConfig(CarrierConfig(30, n_size_grid=106, n_cell_id=1),
                         sample_rate=46.08e6, center_frequency=gscn_to_frequency(7855),
                         num_subframes=5)
    w = generate_waveform(cfg)
    assert w.ssb_first_subcarrier == 636 - 120 and w.ssb_frequency_offset == 0.0
    assert w.metadata["gscn"] == 7855 and w.metadata["ss_ref_hz"] == 3512.64e6


def test_impairments_match_their_definitions(rng):
    cfg = WaveformConfig(CarrierConfig(15, n_size_grid=20, n_cell_id=42), num_subframes=5,
                         sample_rate=3.84e6)
    ideal = generate_waveform(cfg)
    d = 12345
    w = generate_waveform(cfg, impairments=Impairments(timing_offset=d, cfo_hz=-37.5e3))
    np.testing.assert_allclose(w.samples, apply_cfo(np.roll(ideal.samples, d), -37.5e3, 3.84e6),
                               atol=1e-6)
    assert w.blocks[0].sample_offset == ideal.blocks[0].sample_offset + d
    noisy = generate_waveform(cfg, impairments=Impairments(snr_db=-6.0), rng=rng)
    noise = noisy.samples - ideal.samples
    # E_RE / N0 = -6 dB with unit-energy resource elements: sigma^2 = 10^0.6 per sample/bin
    assert abs(np.mean(np.abs(noise) ** 2) / 10 ** 0.6 - 1) < 0.02
    # the SS/PBCH block's REs have energy 1 per FFT bin (unitary OFDM)
    info = ofdm_info(cfg.carrier, nfft=256)
    b = ideal.blocks[0]
    blk = _rx_block(ideal.samples, b.sample_offset, 256, info.symbol_cp_lengths(b.symbol, 4),
                    int(ideal.ssb_first_subcarrier) - 120)
    np.testing.assert_allclose(np.abs(blk[56:183, 0]), 1.0, atol=1e-4)


def test_tdl_fading_still_decodes():
    """TDL-A, 30 ns, 5 Hz (TR 38.901 §7.7.2): nearly flat over 20 PRB; the DM-RS estimate copes."""
    cfg = WaveformConfig(CarrierConfig(30, n_size_grid=24, n_cell_id=321),
                         SsBurstConfig(positions="1111", periodicity=5), num_subframes=10,
                         sample_rate=15.36e6)
    ideal = generate_waveform(cfg)
    w = generate_waveform(cfg, impairments=Impairments(fading="TDL-A", delay_spread=30e-9),
                          rng=np.random.default_rng(5))
    assert w.metadata["impairments"]["fading"] == "TDL-A"
    assert not np.allclose(w.samples, ideal.samples)
    _check_all_blocks(w, cfg)


@pytest.mark.parametrize("datatype", ["cf32_le", "ci16_le"])
def test_sigmf_round_trip(tmp_path, datatype):
    from opennr.io.sigmf import read_recording

    cfg = WaveformConfig(CarrierConfig(30, n_size_grid=24, n_cell_id=7), num_subframes=2,
                         sample_rate=11.52e6, center_frequency=3.6e9)
    w = generate_waveform(cfg)
    meta = write_waveform(tmp_path / "x", w, center_frequency=3.6e9, datatype=datatype)
    rec = read_recording(meta)
    g = rec.metadata["global"]
    assert g["opennr:pci"] == 7 and g["opennr:ss_burst"]["case"] == "C"
    assert g["opennr:ssb_blocks"][0]["sample_offset"] == w.blocks[0].sample_offset
    assert rec.sample_rate == 11.52e6 and rec.center_frequency == 3.6e9
    x = np.asarray(rec.samples).reshape(-1) / g["opennr:scale"]
    np.testing.assert_allclose(x, w.samples, atol=3e-4 if datatype == "ci16_le" else 1e-7)
    json.dumps(w.metadata)


def test_bad_configurations():
    c30 = CarrierConfig(30, n_size_grid=24)
    with pytest.raises(ValueError, match="case A"):
        generate_waveform(WaveformConfig(c30, SsBurstConfig(case="A")))
    with pytest.raises(ValueError, match="does not fit"):
        generate_waveform(WaveformConfig(c30, SsBurstConfig(k_ssb=0, offset_to_point_a=100)))
    with pytest.raises(ValueError, match="both"):
        generate_waveform(WaveformConfig(c30, SsBurstConfig(k_ssb=0)))
    with pytest.raises(ValueError, match="sample_rate"):
        generate_waveform(WaveformConfig(c30, sample_rate=10e6))
    with pytest.raises(ValueError, match="l_max"):
        generate_waveform(WaveformConfig(c30, SsBurstConfig(l_max=64)))
    with pytest.raises(ValueError, match="periodicity"):
        SsBurstConfig(periodicity=30)
    with pytest.raises(ValueError, match="fill"):
        WaveformConfig(fill="random")
    with pytest.raises(TypeError, match="rng"):
        generate_waveform(WaveformConfig(fill="qpsk"))
    with pytest.raises(TypeError, match="rng"):
        generate_waveform(WaveformConfig(), impairments=Impairments(snr_db=0.0))
    with pytest.raises(ValueError, match="bitmap"):
        generate_waveform(WaveformConfig(c30, SsBurstConfig(positions="10100")))
    with pytest.raises(TypeError, match="carrier"):
        WaveformConfig(carrier=None)
    with pytest.raises(ValueError, match="num_subframes"):
        WaveformConfig(num_subframes=0)
    w = generate_waveform(WaveformConfig(CarrierConfig(15, n_size_grid=20), num_subframes=1))
    with pytest.raises(TypeError, match="datatype"):
        write_waveform("unused", w, datatype=16)
    with pytest.raises(ValueError, match="peak"):
        write_waveform("unused", w, datatype="ci16_le", peak=1.5)
