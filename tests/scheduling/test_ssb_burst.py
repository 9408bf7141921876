"""SS burst positions (TS 38.213 §4.1) and the synchronisation raster (TS 38.104 §5.4.3.1).

The expected numbers are written out from the specification text, independently of the
module's pattern table."""

import numpy as np
import pytest

from opennr.scheduling.ssb_burst import (
    SSB_CASE_SCS,
    gscn_from_frequency,
    gscn_to_frequency,
    gscns_in_range,
    ssb_burst_blocks,
    ssb_candidate_symbols,
    ssb_l_max,
    ssb_position_bitmap,
)

SPEC_SYMBOLS = {
    # TS 38.213 §4.1, case by case, n expanded by hand
    ("A", 4): [2, 8, 16, 22],
    ("A", 8): [2, 8, 16, 22, 30, 36, 44, 50],
    ("B", 4): [4, 8, 16, 20],
    ("B", 8): [4, 8, 16, 20, 32, 36, 44, 48],
    ("C", 4): [2, 8, 16, 22],
    ("C", 8): [2, 8, 16, 22, 30, 36, 44, 50],
}


@pytest.mark.parametrize("key", sorted(SPEC_SYMBOLS))
def test_fr1_cases(key):
    assert ssb_candidate_symbols(*key).tolist() == SPEC_SYMBOLS[key]


def test_case_d():
    # {4, 8, 16, 20} + 28 n, n = 0-3, 5-8, 10-13, 15-18
    got = ssb_candidate_symbols("D", 64)
    assert got[:8].tolist() == [4, 8, 16, 20, 32, 36, 44, 48]
    assert got[12:20].tolist() == [88, 92, 100, 104, 144, 148, 156, 160]  # n = 3, then n = 5
    assert got[-1] == 20 + 28 * 18 and got.size == 64


def test_case_e():
    # {8, 12, 16, 20, 32, 36, 40, 44} + 56 n, n = 0-3, 5-8
    got = ssb_candidate_symbols("E", 64)
    assert got[:10].tolist() == [8, 12, 16, 20, 32, 36, 40, 44, 64, 68]
    assert got[32] == 8 + 56 * 5 and got[-1] == 44 + 56 * 8 and got.size == 64


@pytest.mark.parametrize("case", ["F", "G"])
def test_cases_f_g(case):
    got = ssb_candidate_symbols(case, 64)
    assert got[:4].tolist() == [2, 9, 16, 23] and got[-1] == 9 + 14 * 31


@pytest.mark.parametrize("case", ["A", "B", "C", "D", "E", "F", "G"])
def test_blocks_fit_half_frame_and_do_not_overlap(case):
    l_max = 64 if case in "DEFG" else 8
    s = ssb_candidate_symbols(case, l_max)
    assert (np.diff(s) >= 4).all()  # 4-symbol blocks never overlap
    half_frame_symbols = 5 * 14 * SSB_CASE_SCS[case] // 15
    assert s[-1] + 4 <= half_frame_symbols
    if case != "E":  # case E: blocks at 12 + 56 n and 40 + 56 n straddle two 240 kHz slots
        assert ((s % 14) + 4 <= 14).all()


def test_l_max():
    assert ssb_l_max("A", 2.1e9) == 4 and ssb_l_max("A", 3.5e9) == 8
    assert ssb_l_max("B", 3e9) == 4 and ssb_l_max("B", 3.6e9) == 8
    assert ssb_l_max("C", 2.5e9, paired=True) == 4
    assert ssb_l_max("C", 1.8e9, paired=False) == 4 and ssb_l_max("C", 1.9e9, paired=False) == 8
    assert ssb_l_max("c", 3.5e9, paired=False) == 8
    for case in "DEFG":
        assert ssb_l_max(case, 28e9) == 64


def test_bitmap_and_burst():
    np.testing.assert_array_equal(ssb_position_bitmap([1, 0, 0, 1], 4), [True, False, False, True])
    assert ssb_position_bitmap(1, 64)[-1] and ssb_position_bitmap(1, 64).sum() == 1
    blocks = ssb_burst_blocks("B", 8, "01000001", half_frames=(1, 0))
    assert [(b.ssb_index, b.half_frame, b.first_symbol) for b in blocks] == [
        (1, 0, 8), (7, 0, 48), (1, 1, 148), (7, 1, 188)]  # 30 kHz: 140 symbols per half frame
    assert (blocks[1].slot, blocks[1].symbol) == (3, 6)
    assert len(ssb_burst_blocks("D", 64)) == 64


def test_gscn_table_5_4_3_1_1():
    # first and last entries of each range, and the two srsRAN recordings' SSB frequencies
    assert gscn_to_frequency(2) == 1_200_000 + 50_000  # N = 1, M = 1
    assert gscn_to_frequency(3) == 1_200_000 + 150_000  # N = 1, M = 3
    assert gscn_to_frequency(7498) == 2499 * 1_200_000 + 250_000  # N = 2499, M = 5
    assert gscn_to_frequency(7499) == 3_000_000_000
    assert gscn_to_frequency(22255) == 3_000_000_000 + 14756 * 1_440_000
    assert gscn_to_frequency(22256) == 24_250_080_000
    assert gscn_to_frequency(26639) == 24_250_080_000 + 4383 * 17_280_000
    assert gscn_to_frequency(4604) == 1_842_050_000  # band n3 recording
    assert gscn_to_frequency(7855) == 3_512_640_000  # band n78 recording
    for g in [*range(2, 40), 7497, 7498, 7499, 7500, 22255, 22256, 26639, 12345]:
        assert gscn_from_frequency(gscn_to_frequency(g)) == g
    f = [gscn_to_frequency(g) for g in range(2, 26640, 37)]
    assert (np.diff(f) > 0).all()


def test_gscns_in_range():
    # band n78 (3300-3800 MHz): GSCN 7711..8051 in TS 38.104 Table 5.4.3.3-1 lie inside
    g = gscns_in_range(3300e6, 3800e6)
    assert g[0] == 7499 + int(np.ceil(300 / 1.44)) and g[-1] == 7499 + int(800 // 1.44)
    assert 7711 >= g[0] and 8051 <= g[-1]
    assert gscns_in_range(1842.05e6, 1842.05e6).tolist() == [4604]
    assert gscns_in_range(1842.06e6, 1842.14e6).size == 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="case"):
        ssb_candidate_symbols("H", 8)
    with pytest.raises(TypeError, match="case"):
        ssb_candidate_symbols(1, 8)
    with pytest.raises(ValueError, match="l_max"):
        ssb_candidate_symbols("A", 64)
    with pytest.raises(ValueError, match="l_max"):
        ssb_candidate_symbols("D", 8)
    with pytest.raises(ValueError, match="bitmap"):
        ssb_position_bitmap("101", 4)
    with pytest.raises(ValueError, match="bitmap"):
        ssb_position_bitmap(16, 4)
    with pytest.raises(ValueError, match="bitmap"):
        ssb_position_bitmap([0, 2, 0, 0], 4)
    with pytest.raises(TypeError, match="bitmap"):
        ssb_position_bitmap([0.5] * 4, 4)
    with pytest.raises(ValueError, match="half_frames"):
        ssb_burst_blocks("A", 4, half_frames=(2,))
    with pytest.raises(ValueError, match="repeat"):
        ssb_burst_blocks("A", 4, half_frames=(0, 0))
    with pytest.raises(ValueError, match="carrier_frequency"):
        ssb_l_max("A", -1.0)
    with pytest.raises(ValueError, match="gscn"):
        gscn_to_frequency(1)
    with pytest.raises(ValueError, match="raster"):
        gscn_from_frequency(1842.1e6)
    with pytest.raises(ValueError, match="raster"):
        gscn_from_frequency(3000.72e6)
    with pytest.raises(ValueError, match="f_low"):
        gscns_in_range(2e9, 1e9)
