"""nrTBS (TS 38.214 §5.1.3.2) and nrDLSCHInfo (TS 38.212 §7.2) against MATLAB-made vectors."""

import json

import numpy as np
import pytest

from opennr.coding.sch import sch_info
from opennr.matlab import MatlabStruct, nrDLSCHInfo, nrTBS

FIELDS = ["CRC", "L", "BGN", "C", "Lcb", "F", "Zc", "K", "N"]


@pytest.mark.reference
def test_matlab_tbs_and_dlsch_info_vectors(reference_dir):
    data = json.loads((reference_dir / "py3gpp" / "tbs_dlsch_info.json").read_text())
    for case in data["nrTBS"]:
        mod = case["modulation"]
        tcr = case["tcr"]
        tbs = nrTBS(mod if len(mod) > 1 else mod[0], case["nlayers"], case["nPRB"],
                    case["NREPerPRB"], tcr if len(tcr) > 1 else tcr[0], case["xOh"],
                    case["tbScaling"])
        assert np.atleast_1d(tbs).tolist() == case["expected_tbs"]
    for case in data["nrDLSCHInfo"]:
        info = nrDLSCHInfo(case["A"], case["R"])
        for field, value in case["expected"].items():
            assert info[field] == value


def test_tbs_single_codeword_is_an_int_two_codewords_an_array():
    tbs = nrTBS("16QAM", 4, 52, 120, 0.48, 6, 0.25)
    assert tbs == 11272 and isinstance(tbs, int)
    assert nrTBS(["16QAM"], 4, 52, 120, [0.48], 6, 0.25) == 11272
    two = nrTBS(["QPSK", "64QAM"], 8, 106, 100, [0.3701, 0.4277])
    assert isinstance(two, np.ndarray) and two.tolist() == [31240, 108552]
    # defaults xOh = 0, tbScaling = 1; case-insensitive names; a scalar tcr serves both codewords
    assert nrTBS("qpsk", 1, 10, 132, 0.5) == nrTBS("QPSK", 1, 10, 132, 0.5, 0, 1)
    assert nrTBS(["16QAM", "16QAM"], 6, 20, 132, 0.5).tolist() == [nrTBS("16QAM", 3, 20, 132, 0.5)] * 2


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (("8PSK", 1, 10, 132, 0.5), ValueError, "modulation must be one of 'pi/2-BPSK'"),
        ((["QPSK"] * 3, 8, 10, 132, 0.5), ValueError, "list of two"),
        (("QPSK", 0, 10, 132, 0.5), ValueError, "nlayers must be an integer in \\[1, 8\\]"),
        ((["QPSK", "QPSK"], 1, 10, 132, 0.5), ValueError, "nlayers must be an integer in \\[2, 8\\]"),
        (("QPSK", 1, 276, 132, 0.5), ValueError, "nPRB"),
        (("QPSK", 1, 10, 169, 0.5), ValueError, "NREPerPRB"),
        (("QPSK", 1, 10, 132, 1.2), ValueError, "tcr must be in \\(0, 1\\)"),
        ((["QPSK", "QPSK"], 2, 10, 132, [0.5, 0.5, 0.5]), ValueError, "tcr must be a scalar"),
        (("QPSK", 1, 10, 132, 0.5, 7.5), ValueError, "xOh must be an integer"),
        (("QPSK", 1, 10, 132, 0.5, 132), ValueError, "xOh .* must be smaller than NREPerPRB"),
        (("QPSK", 1, 10, 132, 0.5, 0, 0.3), ValueError, "tbScaling must be one of 1, 0.5, 0.25"),
    ],
)
def test_tbs_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        nrTBS(*args)


@pytest.mark.parametrize("tbs, tcr", [(640, 0.3701), (50, 449 / 1024), (3824, 0.7), (8424, 0.5),
                                      (1277992, 0.92), (62536, 0.2)])
def test_dlsch_info_fields_follow_native_sch_info(tbs, tcr):
    info = nrDLSCHInfo(tbs, tcr)
    assert isinstance(info, MatlabStruct) and info.fieldnames() == FIELDS
    s = sch_info(tbs, tcr)
    assert (info.CRC, info.L, info.BGN, info.C, info.F, info.Zc, info.K, info.N) == (
        s.crc, s.crc_length, s.bg, s.c, s.n_filler, s.z_c, s.k, s.n)
    assert info.Lcb == (24 if info.C > 1 else 0)
    assert info.K == (22 if info.BGN == 1 else 10) * info.Zc
    assert info.N == (66 if info.BGN == 1 else 50) * info.Zc


def test_dlsch_info_sib1_values():
    info = nrDLSCHInfo(640, 0.3701)
    assert info.to_dict() == {"CRC": "16", "L": 16, "BGN": 2, "C": 1, "Lcb": 0, "F": 64,
                              "Zc": 72, "K": 720, "N": 3600}


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((0, 0.5), ValueError, "tbs"),
        ((100.5, 0.5), ValueError, "tbs must be an integer"),
        ((100, 0.0), ValueError, "tcr must be a real scalar in \\(0, 1\\)"),
        ((100, "0.5"), TypeError, "tcr"),
    ],
)
def test_dlsch_info_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        nrDLSCHInfo(*args)


def test_dlsch_info_for_a_size_outside_ts38214():
    # B = 100024, BG2: C = 27, K' = ceil(B'/C) = ceil(100672 / 27) = 3729, Zc = 384, F = 111
    info = nrDLSCHInfo(100000, 0.2)
    assert (info.C, info.Zc, info.K, info.F, info.Lcb, info.CRC) == (27, 384, 3840, 111, 24, "24A")
