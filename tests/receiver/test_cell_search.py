"""Cell search on synthetic recordings (opennr.receiver.cell_search, issue 8).

The waveforms come from :mod:`opennr.waveform` (the SS-burst generator, independent of the
receiver) with CFO, timing offsets and noise; the receiver must recover exactly the transmitted
PCI, SSB index, half frame, SFN, k_SSB and MIB, the block's first sample and the CFO.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

from opennr.coding.bch import Mib
from opennr.ofdm.carrier import CarrierConfig
from opennr.receiver.cell_search import (
    SsbDetection,
    cell_search,
    mib_to_dict,
    search_frequencies,
)
from opennr.waveform import (
    Impairments,
    SsBurstConfig,
    WaveformConfig,
    generate_waveform,
)

# the module (``opennr.receiver.cell_search`` is also the function's name in the package)
cs = importlib.import_module("opennr.receiver.cell_search")


def _waveform(rng, *, scs=30, pci=17, sfn=4, n_prb=24, snr_db=None, cfo_scs=0.0, timing=0,
              ms=5, burst=None, center_frequency=0.0, fill="qpsk"):
    car = CarrierConfig(subcarrier_spacing=scs, n_size_grid=n_prb, n_cell_id=pci, n_frame=sfn)
    burst = burst or SsBurstConfig(periodicity=5, mib=Mib(control_resource_set_zero=3,
                                                          search_space_zero=5))
    cfg = WaveformConfig(carrier=car, ss_burst=burst, num_subframes=ms, fill=fill,
                         center_frequency=center_frequency)
    imp = Impairments(cfo_hz=cfo_scs * scs * 1e3, timing_offset=timing, snr_db=snr_db)
    return generate_waveform(cfg, impairments=imp, rng=rng)


def _inside(w, scs):
    """Ground-truth blocks lying entirely inside the recording (not wrapped by the delay)."""
    block = int(np.ceil(4 * (2048 + 144) / 2048 * w.sample_rate / (scs * 1e3)))
    return [b for b in w.blocks if b.sample_offset + block <= w.samples.size]


def _match(res, w, pci, scs, *, tol_samples=2):
    found = []
    for b in _inside(w, scs):
        hit = [r for r in res if r.pci == pci and abs(r.sample_offset - b.sample_offset) <= tol_samples]
        if hit:
            r = hit[0]
            assert (r.ssb_index, r.half_frame, r.sfn) == (b.ssb_index, b.half_frame, b.sfn)
            found.append(r)
    return found


@pytest.mark.parametrize(("scs", "cfo_scs"), [(15, 2.4), (15, -1.3), (30, -2.45), (30, 0.7)])
def test_decodes_generated_blocks_with_cfo_and_timing(rng, scs, cfo_scs):
    timing = int(rng.integers(0, 20000))
    w = _waveform(rng, scs=scs, pci=int(rng.integers(0, 1008)), sfn=int(rng.integers(0, 1024)),
                  n_prb=52 if scs == 15 else 24, snr_db=5.0, cfo_scs=cfo_scs, timing=timing)
    pci = w.metadata["carrier"]["n_cell_id"]
    res = cell_search(w.samples, w.sample_rate, scs_khz=scs)
    assert res and all(r.crc_ok for r in res)
    found = _match(res, w, pci, scs)
    assert len(found) == len(_inside(w, scs)) == len(res)
    for r in found:
        assert abs(r.cfo_hz - cfo_scs * scs * 1e3) < 0.03 * scs * 1e3  # 3 % of an SCS at 5 dB
        assert r.mib.control_resource_set_zero == 3 and r.mib.search_space_zero == 5
        assert r.mib.system_frame_number == r.sfn >> 4
        assert r.k_ssb == w.metadata["ss_burst"]["k_ssb"]
        assert r.scs_khz == scs and r.ssb_frequency_hz is None
        assert 2.0 < r.snr_db < 8.0  # 5 dB per resource element, measured
    assert {r.pci for r in res} == {pci}


def test_pci_and_fields_exact(rng):
    w = _waveform(rng, scs=30, pci=1001, sfn=777, snr_db=10.0, cfo_scs=1.1, timing=3333)
    res = cell_search(w.samples, w.sample_rate, scs_khz=30)
    assert [r.pci for r in res] == [1001] * len(_inside(w, 30))
    r = res[0]
    assert r.sfn == 777 and r.n_id1 == 333 and r.n_id2 == 2
    assert r.mib == Mib.from_sfn(777, control_resource_set_zero=3, search_space_zero=5,
                                 sub_carrier_spacing_common=r.mib.sub_carrier_spacing_common,
                                 ssb_subcarrier_offset=r.mib.ssb_subcarrier_offset)
    d = r.to_dict()
    json.dumps(d)
    for key in ("pci", "ssb_index", "half_frame", "k_ssb", "sfn", "crc_ok", "snr_db", "cfo_hz",
                "sample_offset", "mib"):
        assert key in d
    assert d["mib"]["pdcch-ConfigSIB1"] == {"controlResourceSetZero": 3, "searchSpaceZero": 5}
    assert d["mib"]["systemFrameNumber"] == 777 >> 4


def test_l_max_8_burst_off_centre_with_gscn(rng):
    """Case C above 3 GHz (L_max = 8), 4 blocks, the SSB 4 MHz off the carrier centre."""
    burst = SsBurstConfig(case="C", positions="11110000", l_max=8, offset_to_point_a=8,
                          k_ssb=6, periodicity=20, mib=Mib(cell_barred="barred"))
    fc = 3500.85e6  # puts SS_REF on GSCN 7844 (3496.80 MHz)
    w = _waveform(rng, scs=30, pci=500, sfn=8, n_prb=51, snr_db=3.0, cfo_scs=-0.4, timing=0,
                  burst=burst, center_frequency=fc)
    off = w.ssb_frequency_offset
    assert off == pytest.approx(3496.8e6 - fc)
    assert cell_search(w.samples, w.sample_rate, scs_khz=30) == []  # not at the centre
    res = cell_search(w.samples, w.sample_rate, scs_khz=30, frequency_offsets=[off])
    assert [r.ssb_index for r in res] == [0, 1, 2, 3]
    assert all(r.k_ssb == 6 and r.half_frame == 0 and r.sfn == 8 for r in res)
    assert all(r.mib.cell_barred == "barred" for r in res)
    assert all(abs(r.frequency_offset_hz - off) < 1 for r in res)
    # the same through the synchronisation raster: every raster point in the band is searched
    res2 = cell_search(w.samples, w.sample_rate, scs_khz=30, center_frequency=fc, gscn="all")
    assert [(r.gscn, r.ssb_index) for r in res2] == [(7844, i) for i in range(4)]
    assert res2[0].ssb_frequency_hz == pytest.approx(3496.8e6)
    assert all(r.l_max == 8 for r in res2 if r.ssb_index >= 4) and res2[0].sfn == 8


def test_l_max_4_half_frames(rng):
    """15 kHz case A below 3 GHz: blocks 0 and 1 in both half frames (5 ms periodicity)."""
    burst = SsBurstConfig(case="A", positions="1100", l_max=4, periodicity=5)
    w = _waveform(rng, scs=15, pci=3, sfn=1000, n_prb=52, snr_db=8.0, burst=burst, ms=10,
                  center_frequency=1.8e9, timing=0)
    res = cell_search(w.samples, w.sample_rate, scs_khz=15, center_frequency=1.8e9)
    got = sorted((r.half_frame, r.ssb_index) for r in res)
    assert got == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert all(r.l_max in (4, None) and r.sfn == 1000 for r in res)
    assert {r.i_ssb_bar for r in res} == {0, 1, 4, 5}
    assert all(r.l_max == 4 for r in res if r.i_ssb_bar >= 4)


def test_scs_tried_when_not_given(rng):
    w = _waveform(rng, scs=30, pci=222, sfn=4, snr_db=10.0, timing=100)
    res = cell_search(w.samples, w.sample_rate)
    assert res and {(r.pci, r.scs_khz) for r in res} == {(222, 30)}


def test_low_snr_detection(rng):
    """-6 dB per resource element, CFO up to 2.5 SCS: most blocks decode (statistics in
    benchmarks/bench_scan.py); nothing false."""
    hits = total = false = 0
    for i in range(3):
        w = _waveform(rng, scs=30, pci=int(rng.integers(0, 1008)), sfn=int(rng.integers(0, 1024)),
                      snr_db=-6.0, cfo_scs=float(rng.uniform(-2.5, 2.5)),
                      timing=int(rng.integers(0, 30000)), ms=5)
        pci = cell_search(w.samples, w.sample_rate, scs_khz=30, pss_threshold=0.04)
        truth = _inside(w, 30)
        total += len(truth)
        if pci:
            found = _match(pci, w, pci[0].pci, 30, tol_samples=3)
            hits += len(found)
            false += len(pci) - len(found)
    assert false == 0
    assert hits >= total - 1


def test_noise_only_gives_nothing(rng):
    noise = (rng.standard_normal(60000) + 1j * rng.standard_normal(60000)).astype(np.complex64)
    assert cell_search(noise, 15.36e6) == []
    assert cell_search(np.zeros(60000, np.complex64), 15.36e6) == []


def test_include_failed_and_multichannel(rng):
    w = _waveform(rng, scs=30, pci=9, sfn=4, snr_db=20.0, timing=500)
    two = np.stack([np.zeros_like(w.samples), w.samples])
    assert cell_search(two, w.sample_rate, scs_khz=30, channel=0) == []
    res = cell_search(two, w.sample_rate, scs_khz=30, channel=1)
    assert res and res[0].pci == 9
    assert [r.pci for r in cell_search(two, w.sample_rate, scs_khz=30)] == [9] * len(res)
    # a block whose PBCH is destroyed: the PSS/SSS still detect it, the CRC fails
    x = w.samples.copy()
    fs, b = w.sample_rate, res[0]
    nfft = int(fs / 30e3)
    sym = nfft + nfft * 144 // 2048
    start = b.sample_offset + sym
    x[start : start + sym] = 0
    x[start + 2 * sym : start + 3 * sym] = 0
    failed = cell_search(x, fs, scs_khz=30, include_failed=True)
    bad = [r for r in failed if not r.crc_ok]
    assert bad and bad[0].pci == 9 and bad[0].mib is None and bad[0].sfn is None
    assert bad[0].to_dict()["mib"] is None
    assert all(r.crc_ok for r in cell_search(x, fs, scs_khz=30))


def test_bad_inputs(rng):
    x = (rng.standard_normal(20000) + 1j * rng.standard_normal(20000)).astype(np.complex64)
    y = x.copy()
    y[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cell_search(y, 7.68e6)
    with pytest.raises(ValueError, match="too short to hold one SS/PBCH block"):
        cell_search(x[:1000], 7.68e6, scs_khz=30)
    with pytest.raises(ValueError, match="below the SS/PBCH block bandwidth"):
        cell_search(x, 3.0e6)
    with pytest.raises(ValueError, match="below the SS/PBCH block bandwidth"):
        cell_search(x, 5e6, scs_khz=30)
    with pytest.raises(ValueError, match="scs_khz"):
        cell_search(x, 7.68e6, scs_khz=60)
    with pytest.raises(ValueError, match="GSCN search needs the recording's centre frequency"):
        cell_search(x, 7.68e6, scs_khz=15, gscn=4604)
    with pytest.raises(ValueError, match="does not fit in the recorded band"):
        cell_search(x, 7.68e6, scs_khz=15, frequency_offsets=3e6)
    with pytest.raises(ValueError, match="GSCN 7855"):
        cell_search(x, 7.68e6, scs_khz=30, center_frequency=3.5e9, gscn=7855)
    with pytest.raises(TypeError, match="samples"):
        cell_search(np.arange(20000), 7.68e6)
    with pytest.raises(ValueError, match="shape"):
        cell_search(np.zeros((2, 2, 20000), np.complex64), 7.68e6)
    with pytest.raises(ValueError, match="sample_rate"):
        cell_search(x, -1.0)
    with pytest.raises(ValueError, match="l_max"):
        cell_search(x, 7.68e6, l_max=16)
    with pytest.raises(ValueError, match="pss_threshold"):
        cell_search(x, 7.68e6, pss_threshold=1.5)
    with pytest.raises(ValueError, match="max_cfo"):
        cell_search(x, 7.68e6, max_cfo=10)
    with pytest.raises(ValueError, match="channel"):
        cell_search(x, 7.68e6, channel=1)


def test_search_frequencies():
    assert search_frequencies(15.36e6, 15) == [(0.0, None)]
    assert search_frequencies(15.36e6, 15, frequency_offsets=[-450e3, 1e6]) == [
        (-450e3, None), (1e6, None)]
    plan = search_frequencies(15.36e6, 15, center_frequency=1842.5e6, gscn="all")
    assert (-450e3, 4604) in plan
    assert all(abs(o) <= 15.36e6 / 2 - 122.5 * 15e3 for o, _ in plan)
    assert search_frequencies(7.2e6, 30, center_frequency=3.5e9, gscn="all") == []
    with pytest.raises(ValueError, match="gscn"):
        search_frequencies(15.36e6, 15, center_frequency=1e9, gscn="some")


def test_mib_to_dict_names():
    d = mib_to_dict(Mib(system_frame_number=9, sub_carrier_spacing_common="scs30or120",
                        ssb_subcarrier_offset=7, dmrs_type_a_position="pos3",
                        control_resource_set_zero=12, search_space_zero=1,
                        cell_barred="barred", intra_freq_reselection="notAllowed", spare=1))
    assert d == {"systemFrameNumber": 9, "subCarrierSpacingCommon": "scs30or120",
                 "ssb-SubcarrierOffset": 7, "dmrs-TypeA-Position": "pos3",
                 "pdcch-ConfigSIB1": {"controlResourceSetZero": 12, "searchSpaceZero": 1},
                 "cellBarred": "barred", "intraFreqReselection": "notAllowed", "spare": 1}
    assert mib_to_dict(None) is None
    r = SsbDetection(pci=5, ssb_index=None, half_frame=None, k_ssb=None, sfn=None, crc_ok=False,
                     snr_db=float("nan"), rsrp_dbfs=-3.0, cfo_hz=0.0, sample_offset=0, scs_khz=15)
    assert json.loads(json.dumps(r.to_dict()))["snr_db"] is None


# ------------------------------------------------------------- naive twins of the internals
def test_channeliser_matches_mix_and_resample(rng):
    """FFT channelisation == frequency shift then ideal low-pass resampling (numpy twin)."""
    fs, n = 15.36e6, 3072
    t = np.arange(n) / fs
    tones = [(-1.5e6, 0.3), (0.9e6, 0.7 - 0.2j)]  # both inside the cut band around +1 MHz
    x = sum(a * np.exp(2j * np.pi * f * t) for f, a in tones).astype(np.complex64)
    ch = cs._Channeliser(x, fs, [3.84e6])
    y, actual, fs_out = ch.baseband(1e6, 3.84e6)
    assert y.shape == (1, n // 4) and fs_out == 3.84e6 and actual == 1e6
    y = y[0]
    t2 = np.arange(y.size) / fs_out
    ref = 0.7 - 0.2j  # only the +0.9 MHz tone lies within +-1.92 MHz of +1 MHz
    twin = ref * np.exp(2j * np.pi * (0.9e6 - 1e6) * t2)
    np.testing.assert_allclose(y, twin, atol=2e-5)


def test_pss_metric_matches_direct_correlation(rng):
    y = (rng.standard_normal(4000) + 1j * rng.standard_normal(4000)).astype(np.complex64)
    tmpl = cs._pss_templates(2.5)[1]
    y[1000:1256] += 3 * tmpl[1, 7] / np.abs(tmpl[1, 7]).max()
    metric, arg, hyp = cs._pss_metric(y, 2.5)
    for tau in (0, 999, 1000, 3000):
        seg = y[tau : tau + 256]
        direct = [abs(np.vdot(tmpl[n2, h], seg)) ** 2
                  / (np.sum(abs(tmpl[n2, h]) ** 2) * np.sum(abs(seg) ** 2))
                  for n2 in range(3) for h in range(hyp.size)]
        np.testing.assert_allclose(metric[:, tau], np.max(np.reshape(direct, (3, -1)), 1),
                                   rtol=1e-3, atol=1e-6)
    assert divmod(int(np.argmax(metric)), metric.shape[1]) == (1, 1000)
    assert hyp[arg[1, 1000]] == 1.0


def test_fr2_l_max_64_block_index_msbs(rng):
    """120 kHz case D, L_max = 64: blocks 8..11, whose index MSBs travel in the PBCH payload."""
    car = CarrierConfig(subcarrier_spacing=120, n_size_grid=24, n_cell_id=77, n_frame=6)
    burst = SsBurstConfig(case="D", l_max=64, positions="0" * 8 + "1" * 4 + "0" * 52,
                          periodicity=20)
    w = generate_waveform(WaveformConfig(carrier=car, ss_burst=burst, num_subframes=1,
                                         center_frequency=28e9, fill="qpsk"),
                          impairments=Impairments(cfo_hz=1.2 * 120e3, snr_db=8.0,
                                                  timing_offset=333), rng=rng)
    res = cell_search(w.samples, w.sample_rate, center_frequency=28e9)  # tries 120, 240 kHz
    assert [(r.pci, r.ssb_index, r.sfn, r.l_max, r.scs_khz) for r in res] == [
        (77, i, 6, 64, 120) for i in (8, 9, 10, 11)]
    assert [r.sample_offset for r in res] == [b.sample_offset for b in w.blocks]
    assert {r.i_ssb_bar for r in res} == {0, 1, 2, 3}


@pytest.mark.parametrize(("up", "down"), [(125, 192), (9999, 15360)])  # 10 and 9.999 Msps
def test_any_sample_rate(rng, up, down):
    """The channeliser takes any rate: a 15.36 Msps recording resampled to 10 / 9.999 Msps."""
    from scipy.signal import resample_poly

    w = _waveform(rng, scs=30, pci=123, snr_db=10.0, cfo_scs=0.3, timing=5000, ms=10)
    x = resample_poly(w.samples, up, down).astype(np.complex64)
    fs = w.sample_rate * up / down
    res = cell_search(x, fs, scs_khz=30)
    assert [(r.pci, r.sfn) for r in res] == [(123, 4)] * len(w.blocks)
    for r, b in zip(res, w.blocks, strict=True):
        assert abs(r.sample_offset - b.sample_offset * fs / w.sample_rate) <= 1.5
        assert abs(r.cfo_hz - 9e3) < 600


def test_two_synchronised_cells_with_the_same_n_id2(rng):
    """PCI 3 and PCI 600 (both N_ID^(2) = 0), same timing, the second 6 dB weaker: both PSS
    add up in one peak; the second-best SSS is followed and its PBCH decodes."""
    a = _waveform(rng, scs=30, pci=3, sfn=4, fill="none")
    b = _waveform(rng, scs=30, pci=600, sfn=4, fill="none")
    n = np.arange(a.samples.size)
    x = (a.samples * np.exp(0.3j)
         + 0.5 * b.samples * np.exp(2j + 2j * np.pi * 1500 * n / a.sample_rate))
    x = x + np.sqrt(0.025) * (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size))
    res = cell_search(x.astype(np.complex64), a.sample_rate, scs_khz=30)
    assert sorted(r.pci for r in res) == [3, 600]
    assert len({r.sample_offset for r in res}) == 1
    strong, weak = sorted(res, key=lambda r: -r.snr_db)
    assert strong.pci == 3 and strong.snr_db - weak.snr_db == pytest.approx(6.0, abs=1.5)


def test_receive_antennas_are_combined(rng):
    """Two antennas (independent phases and noise) at -9 dB each: combining (3 dB array gain)
    decodes blocks that one antenna alone mostly misses (benchmark: ~10 % at -9 dB); noise
    alone on both gives nothing."""
    both = single = total = 0
    for _ in range(6):
        w = _waveform(rng, scs=30, pci=int(rng.integers(0, 1008)), sfn=int(rng.integers(0, 1024)),
                      cfo_scs=float(rng.uniform(-2, 2)), timing=int(rng.integers(0, 20000)))
        x = np.stack([w.samples * np.exp(1j * rng.uniform(0, 2 * np.pi)) for _ in range(2)])
        x = x + np.sqrt(10 ** 0.9 / 2) * (rng.standard_normal(x.shape)
                                         + 1j * rng.standard_normal(x.shape))
        pci = w.metadata["carrier"]["n_cell_id"]
        total += len(_inside(w, 30))
        both += len(_match(cell_search(x, w.sample_rate, scs_khz=30), w, pci, 30, tol_samples=3))
        single += len(_match(cell_search(x, w.sample_rate, scs_khz=30, channel=0), w, pci, 30,
                             tol_samples=3))
    assert both >= 0.5 * total and both >= single + 2, (both, single, total)
    noise = rng.standard_normal((2, 76800)) + 1j * rng.standard_normal((2, 76800))
    assert cell_search(noise.astype(np.complex64), 15.36e6) == []
