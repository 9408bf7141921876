"""Frame timing of cell search (``SsbDetection.frame_start``, TS 38.213 §4.1, TS 38.211 §5.3.1).

Generated recordings from :mod:`opennr.waveform` with a known circular timing offset ``d``: the
frame with SFN ``n_frame + f`` starts at sample ``d + f x 10 ms`` (modulo the recording length),
whatever block of the burst, half frame, case or numerology carries the timing.
"""

from __future__ import annotations

import numpy as np
import pytest

from opennr.coding.bch import Mib
from opennr.ofdm.carrier import CarrierConfig
from opennr.receiver.cell_search import cell_search, frame_start_offset
from opennr.waveform import (
    Impairments,
    SsBurstConfig,
    WaveformConfig,
    generate_waveform,
)


def _frame_len(w):
    return round(10e-3 * w.sample_rate)


@pytest.mark.parametrize(("scs", "case", "positions", "half_frame", "rate"), [
    (15, "A", "1111", 1, 7.68e6),
    (30, "C", "10010001", 0, 15.36e6),
    (30, "B", "01000011", 1, 15.36e6),
])
def test_frame_start_of_generated_waveforms(rng, scs, case, positions, half_frame, rate):
    n_frame = int(rng.integers(0, 1020))
    car = CarrierConfig(subcarrier_spacing=scs, n_size_grid=24, n_cell_id=int(rng.integers(1008)),
                        n_frame=n_frame)
    burst = SsBurstConfig(case=case, l_max=len(positions), positions=positions, periodicity=10,
                          half_frame=half_frame, mib=Mib())
    cfg = WaveformConfig(car, burst, num_subframes=20, sample_rate=rate)
    total = 20 * round(rate / 1e3)
    d = int(rng.integers(0, total))
    w = generate_waveform(cfg, impairments=Impairments(timing_offset=d, snr_db=10.0,
                                                      cfo_hz=0.3e3 * scs), rng=rng)
    res = cell_search(w.samples, w.sample_rate, scs_khz=scs, ssb_case=case if case == "B" else None)
    assert res and all(r.crc_ok for r in res)
    assert len(res) >= len(positions.replace("0", "")) - 1  # a wrapped block may be lost
    for r in res:
        assert r.case == case
        expected = d + ((r.sfn - n_frame) % 1024) * _frame_len(w)
        assert abs(r.frame_start - expected) <= 1, (r, expected)
        assert r.to_dict()["frame_start"] == r.frame_start
        # the same frame start from the block's own offset
        back = r.sample_offset - rate * frame_start_offset(case, r.ssb_index, r.half_frame,
                                                           l_max=len(positions))
        assert abs(back - r.frame_start) <= 1


def test_wrong_case_shifts_the_frame_start(rng):
    """Case B blocks read as case C (the 30 kHz default) give another (wrong) frame start."""
    car = CarrierConfig(subcarrier_spacing=30, n_size_grid=24, n_cell_id=5)
    burst = SsBurstConfig(case="B", l_max=8, positions="10000000", periodicity=10)
    w = generate_waveform(WaveformConfig(car, burst, num_subframes=5, sample_rate=15.36e6))
    (b,) = cell_search(w.samples, w.sample_rate, scs_khz=30, ssb_case="B")
    (c,) = cell_search(w.samples, w.sample_rate, scs_khz=30)
    assert b.frame_start == 0 and b.case == "B" and c.case == "C"
    assert c.frame_start == round(15.36e6 * (frame_start_offset("B", 0, 0)
                                             - frame_start_offset("C", 0, 0)))


def test_frame_start_offset_values_and_bad_inputs():
    # 15 kHz at 30.72 Msps: CP 160 (symbol 0, long) / 144 samples, N = 2048
    assert round(frame_start_offset("A", 1, 0) * 30.72e6) == 2208 + 7 * 2192 + 16  # symbol 8
    # 30 kHz at 61.44 Msps (N = 2048, CP 144, +32 at symbols 0 and 14 of the half frame) ...
    assert round(frame_start_offset("C", 2, 0) * 61.44e6) == 16 * 2192 + 2 * 32  # symbol 16
    # ... 120 kHz: long CP every 56 symbols; the last case D candidate (symbol 524)
    t = frame_start_offset("D", 63, 1, l_max=64)
    assert t == pytest.approx(5e-3 + (524 * 2192 / 8 + 10 * 16) / (480e3 * 4096 / 64))
    assert frame_start_offset("c", 0, 0) == frame_start_offset("C", 0, 0)
    for kwargs, exc in [({"case": "H"}, ValueError), ({"case": 3}, TypeError),
                        ({"ssb_index": 4}, ValueError), ({"half_frame": 2}, ValueError)]:
        args = {"case": "A", "ssb_index": 0, "half_frame": 0} | kwargs
        with pytest.raises(exc):
            frame_start_offset(args.pop("case"), **args, l_max=4)
    with pytest.raises(ValueError, match="ssb_case"):
        cell_search(np.zeros(20000, np.complex64), 7.68e6, ssb_case="H")
    with pytest.raises(ValueError, match="scs_khz"):
        cell_search(np.zeros(20000, np.complex64), 7.68e6, scs_khz=15, ssb_case="C")
