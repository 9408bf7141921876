"""nrLDPCEncode, nrRateMatchLDPC, nrRateRecoverLDPC, nrLDPCDecode (TS 38.212 §5.3.2, §5.4.2, §5.5)."""

from pathlib import Path

import numpy as np
import pytest

from opennr.coding.ldpc.decoder import ldpc_decode
from opennr.coding.ldpc.encoder import ldpc_encode
from opennr.coding.ldpc.rate_matching import rate_match_index_map
from opennr.matlab import (
    nrCodeBlockSegmentLDPC,
    nrDLSCHInfo,
    nrLDPCDecode,
    nrLDPCEncode,
    nrRateMatchLDPC,
    nrRateRecoverLDPC,
)

GENERATOR_FILES = sorted(
    p.name for p in (Path(__file__).resolve().parents[3] / "shared" / "reference" / "sionna"
                     / "ldpc5g_generator").glob("*.npz")
) or ["k64_n128_G.npz"]


def _fillers(k, f, c, dtype=np.int8):
    """MATLAB doc style code blocks: ones then F fillers (-1)."""
    return np.vstack([np.ones((k - f, c), dtype), -np.ones((f, c), dtype)])


# ---------------------------------------------------------------------------------- encoding
def test_encode_matlab_documentation_example():
    # MathWorks nrLDPCDecode page: two 2560-bit blocks (BG2) with 36 fillers
    cbs = _fillers(2560, 36, 2)
    out = nrLDPCEncode(cbs, 2)
    assert out.shape == (50 * 256, 2) and out.dtype == np.int8
    fill = np.flatnonzero(out[:, 0] == -1)
    np.testing.assert_array_equal(fill, np.arange(2560 - 2 * 256 - 36, 2560 - 2 * 256))
    assert (out[:, 1] == out[:, 0]).all()


def test_encode_matches_native_transposed(rng):
    cbs = rng.integers(0, 2, (22 * 13, 3)).astype(float)
    out = nrLDPCEncode(cbs, 1)
    assert out.dtype == np.float64 and out.shape == (66 * 13, 3)
    np.testing.assert_array_equal(out, ldpc_encode(cbs.T.astype(np.uint8), 1, 13).T)
    # a column vector (1-D) stays 1-D
    np.testing.assert_array_equal(nrLDPCEncode(cbs[:, 1], 1), out[:, 1])


@pytest.mark.reference
@pytest.mark.parametrize("name", GENERATOR_FILES)
def test_encode_and_rate_match_vs_generator_matrices(reference_dir, name, rng):
    """u G (Sionna's MATLAB-style generator of LDPC encoding + rv0 rate matching, Q_m = 1)."""
    data = np.load(reference_dir / "sionna" / "ldpc5g_generator" / name)
    info_idx, out_idx = data["index_pairs_1based"] - 1
    k = int(name.split("_")[0][1:])
    n = int(name.split("_")[1][1:])
    u = rng.integers(0, 2, k)
    expected = np.bincount(out_idx, weights=u[info_idx], minlength=n).astype(np.int64) % 2
    bgn = nrDLSCHInfo(k, k / n).BGN  # TS 38.212 §7.2.2 with A = k, R = k / n
    cbs = nrCodeBlockSegmentLDPC(u, bgn)  # one block, K' = k, no CB CRC
    assert cbs.shape[1] == 1
    out = nrRateMatchLDPC(nrLDPCEncode(cbs, bgn), n, 0, "pi/2-BPSK", 1)
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: nrLDPCEncode(np.zeros((100, 1)), 1), ValueError, "in must have 22\\*Zc rows"),
        (lambda: nrLDPCEncode(np.zeros((22 * 13, 1)), 2), ValueError, "in must have 10\\*Zc rows"),
        (lambda: nrLDPCEncode(np.zeros((22 * 17, 1)), 1), ValueError, "lifting size"),
        (lambda: nrLDPCEncode(np.full((20, 1), 3), 2), ValueError, "in must contain only 0, 1 and -1"),
        (lambda: nrLDPCEncode(np.zeros((20, 1)), "2"), TypeError, "bgn"),
        (lambda: nrLDPCEncode(np.zeros((20, 1, 1)), 2), ValueError, "in must be a column vector"),
    ],
)
def test_encode_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ----------------------------------------------------------------------------- rate matching
def test_rate_match_matlab_documentation_examples():
    out = nrRateMatchLDPC(np.ones((3960, 2)), 8000, 0, "QPSK", 1)
    assert out.shape == (8000,) and out.dtype == np.float64
    # integer ramps: the output shows which buffer position each bit came from
    ramps = np.arange(1, 2 * 3960 + 1).reshape(2, 3960).T  # column r holds r*3960+1 ...
    out = nrRateMatchLDPC(ramps, 3000, 0, "QPSK", 1)
    z = 3960 // 66
    idx = rate_match_index_map(1500, 0, 2, bg=1, z=z, n_filler=0)
    np.testing.assert_array_equal(out[:1500], idx + 1)
    np.testing.assert_array_equal(out[1500:], idx + 3961)


def test_rate_match_split_between_blocks_and_fillers_skipped(rng):
    cbs = _fillers(2560, 36, 3)
    cbs[:-36] = rng.integers(0, 2, (2524, 3))
    enc = nrLDPCEncode(cbs, 2)
    out = nrRateMatchLDPC(enc, 3 * 4 * 1001, 2, "16QAM", 1)
    assert out.dtype == np.int8 and set(np.unique(out)) <= {0, 1}
    # E_r = 4004 each; block 1 starts at 4004
    idx = rate_match_index_map(4004, 2, 4, bg=2, z=256, n_filler=36)
    np.testing.assert_array_equal(out[4004:8008], enc[idx, 1])


def test_rate_match_limited_buffer(rng):
    enc = nrLDPCEncode(rng.integers(0, 2, (22 * 64, 1)), 1)
    out = nrRateMatchLDPC(np.arange(enc.shape[0]), 6000, 0, "QPSK", 2, 2000)
    assert out.max() < 2000 and len(np.unique(out)) == 2000  # N_cb = min(N, Nref) = 2000


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        ((8000, 0, "QPSKK", 1), {}, ValueError, "mod must be one of"),
        ((8000, 0, 2, 1), {}, TypeError, "mod"),
        ((8000, 4, "QPSK", 1), {}, ValueError, "rv must be an integer in \\[0, 3\\]"),
        ((8000, 0, "QPSK", 5), {}, ValueError, "nlayers must be an integer in \\[1, 4\\]"),
        ((8001, 0, "QPSK", 1), {}, ValueError, "outlen must be a multiple of nlayers \\* Qm = 2"),
        ((8000, 0, "QPSK", 1, 0), {}, ValueError, "Nref"),
    ],
)
def test_rate_match_bad_arguments(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrRateMatchLDPC(np.ones((3960, 2)), *args, **kwargs)


def test_rate_match_rejects_misplaced_fillers_and_bad_sizes():
    enc = np.zeros((3960, 1))
    enc[5] = -1
    with pytest.raises(ValueError, match="filler bits"):
        nrRateMatchLDPC(enc, 100, 0, "QPSK", 1)
    with pytest.raises(ValueError, match="66\\*Zc or 50\\*Zc rows"):
        nrRateMatchLDPC(np.zeros((1001, 1)), 100, 0, "QPSK", 1)


# ----------------------------------------------------------------------------- rate recovery
@pytest.mark.reference
def test_rate_recover_sib1_matlab_vector(reference_dir):
    d = np.load(reference_dir / "py3gpp" / "ldpc_sib1_chain.npz")
    out = nrRateRecoverLDPC(d["rm_llr"], 640, 0.3701, 0, "QPSK", 1)
    assert out.shape == (3600, 1) and out.dtype == np.float64
    np.testing.assert_array_equal(out[:, 0], d["raterec_llr"])  # exact, incl. +Inf fillers
    assert np.isposinf(out[512:576]).all()


def test_rate_recover_matlab_documentation_example():
    out = nrRateRecoverLDPC(np.ones(4500), 4000, 0.5, 0, "QPSK", 1, 1)
    assert out.shape == (12672, 1)


def test_rate_recover_inverts_rate_match_and_combines_repetitions(rng):
    info = nrDLSCHInfo(3000, 0.3)
    cbs = nrCodeBlockSegmentLDPC(rng.integers(0, 2, 3016), info.BGN)
    enc = nrLDPCEncode(cbs, info.BGN)
    g = 2 * 6 * 3000  # more than N: the buffer wraps, bits repeat
    tx = nrRateMatchLDPC(enc, g, 1, "64QAM", 2)
    llr = 1.0 - 2.0 * tx
    rec = nrRateRecoverLDPC(llr, 3000, 0.3, 1, "64QAM", 2)
    assert rec.shape == (info.N, info.C)
    fill = enc == -1
    assert np.isposinf(rec[fill]).all()
    sent = (rec != 0) & ~fill
    np.testing.assert_array_equal(rec[sent] < 0, enc[sent] == 1)
    # every soft bit lands somewhere: the magnitudes add up to G
    assert np.abs(rec[~fill]).sum() == g


def test_rate_recover_num_cb_and_nref():
    info = nrDLSCHInfo(19992, 0.5)
    assert info.C == 3
    out = nrRateRecoverLDPC(np.ones(3000), 19992, 0.5, 0, "QPSK", 1, 2)
    assert out.shape == (info.N, 2)
    assert np.where(np.isinf(out), 0, out).sum(axis=0).tolist() == [1500, 1500]
    out = nrRateRecoverLDPC(np.ones(30000), 19992, 0.5, 0, "QPSK", 1, 3, 5000)
    assert not out[5000:][np.isfinite(out[5000:])].any()


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((640, 0.3701, 0, "QPSK", 1, 2), ValueError, "numCB must be an integer in \\[1, 1\\]"),
        ((640, 1.0, 0, "QPSK", 1), ValueError, "tcr must be a real scalar in \\(0, 1\\)"),
        ((0, 0.5, 0, "QPSK", 1), ValueError, "tbs"),
        ((640, 0.3701, 0, "8PSK", 1), ValueError, "mod must be one of"),
        ((640, 0.3701, -1, "QPSK", 1), ValueError, "rv"),
        ((640, 0.3701, 0, "1024QAM", 1), ValueError, "in must have a multiple of nlayers \\* Qm = 10"),
    ],
)
def test_rate_recover_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        nrRateRecoverLDPC(np.ones(1728), *args)


def test_rate_recover_rejects_nan_and_matrices():
    with pytest.raises(ValueError, match="NaN"):
        nrRateRecoverLDPC(np.full(1728, np.nan), 640, 0.3701, 0, "QPSK", 1)
    with pytest.raises(ValueError, match="column vector"):
        nrRateRecoverLDPC(np.ones((864, 2)), 640, 0.3701, 0, "QPSK", 1)


# ---------------------------------------------------------------------------------- decoding
def _doc_example_llr():
    cbs = _fillers(2560, 36, 2)
    enc = nrLDPCEncode(cbs, 2)
    llr = 1.0 - 2.0 * enc  # MathWorks example: fillers get LLR 0
    llr[enc == -1] = 0
    return cbs, enc, llr


def test_decode_matlab_documentation_example():
    cbs, _, llr = _doc_example_llr()
    out, iters, checks = nrLDPCDecode(llr, 2, 25)
    cbs[-36:] = 0
    np.testing.assert_array_equal(out, cbs)
    assert out.dtype == np.int8 and iters.tolist() == [1, 1]
    assert checks.shape == (42 * 256, 2) and not checks.any()


@pytest.mark.parametrize(
    "algorithm, native",
    [
        ("Belief propagation", "flooding-spa"),
        ("Layered belief propagation", "layered-spa"),
        ("Normalized min-sum", "layered-nms"),
        ("Offset min-sum", "layered-oms"),
    ],
)
def test_decode_is_the_native_decoder(algorithm, native, rng):
    _, enc, _ = _doc_example_llr()
    llr = (1.0 - 2.0 * np.where(enc == -1, 0, enc)) * 2.0 + rng.normal(0, 1.6, enc.shape)
    llr[enc == -1] = np.inf
    out, iters, _ = nrLDPCDecode(llr, 2, 8, Algorithm=algorithm, ScalingFactor=0.8, Offset=0.3)
    ref = ldpc_decode(np.where(np.isinf(llr), 2.0 * np.abs(llr[np.isfinite(llr)]).max(), llr).T,
                      2, 256, algorithm=native, max_iterations=8, scaling=0.8, offset=0.3)
    np.testing.assert_array_equal(out, ref.bits.T)
    np.testing.assert_array_equal(iters, ref.iterations)


def test_decode_termination_soft_and_whole():
    _, enc, llr = _doc_example_llr()
    _, iters, _ = nrLDPCDecode(llr, 2, 7, Termination="max")
    assert iters.tolist() == [7, 7]
    soft, _, _ = nrLDPCDecode(llr, 2, 5, DecisionType="soft")
    assert soft.dtype == np.float64 and soft.shape == (2560, 2)
    assert (soft[:2524] < 0).all() and (soft[-36:] > 0).all()
    whole, _, checks = nrLDPCDecode(llr, 2, 5, OutputFormat="whole")
    assert whole.shape == (52 * 256, 2) and whole.dtype == np.int8
    np.testing.assert_array_equal(whole[2 * 256 :], np.where(enc == -1, 0, enc))
    np.testing.assert_array_equal(whole[: 2 * 256], 1)  # punctured bits: the first 2Zc of cbs
    assert checks.shape == (42 * 256, 2) and not checks.any()
    wsoft, _, _ = nrLDPCDecode(llr, 2, 5, OutputFormat="whole", DecisionType="soft")
    assert wsoft.dtype == np.float64 and wsoft.shape == (52 * 256, 2)
    np.testing.assert_array_equal(wsoft < 0, whole == 1)
    np.testing.assert_array_equal(wsoft[:2560], soft)


@pytest.mark.parametrize("fmt", ["info", "whole"])
@pytest.mark.parametrize("decision", ["hard", "soft"])
def test_decode_outputs_are_the_native_whole_decoder(fmt, decision, rng):
    # noisy, some blocks fail: every output is the native decoder's own final decision
    _, enc, _ = _doc_example_llr()
    llr = (1.0 - 2.0 * np.where(enc == -1, 0, enc))[:, :1] * 1.2 + rng.normal(0, 1.5, (12800, 3))
    llr[:, 2] = rng.normal(0, 1, 12800)  # hopeless
    out, iters, checks = nrLDPCDecode(llr, 2, 6, Algorithm="Offset min-sum",
                                      OutputFormat=fmt, DecisionType=decision)
    ref = ldpc_decode(llr.T, 2, 256, algorithm="layered-oms", max_iterations=6,
                      output="whole", return_syndrome=True)
    width = 52 * 256 if fmt == "whole" else 2560
    expected = ref.llr if decision == "soft" else ref.bits
    np.testing.assert_array_equal(out, expected[:, :width].T)
    np.testing.assert_array_equal(iters, ref.iterations)
    np.testing.assert_array_equal(checks, ref.syndrome.T)
    assert checks.dtype == np.uint8 and checks.shape == (42 * 256, 3)
    assert checks[:, 2].any() and not ref.parity_ok[2]


def test_decode_failure_reports_exact_parity_checks(rng):
    # finalParityChecks = H x of the decoder's final whole hard decision, also when it fails
    from opennr.coding.ldpc.base_graph import base_graph

    z = 4
    h = base_graph(2, z).parity_check_matrix().astype(np.int64)
    llr = rng.normal(0, 1, (50 * z, 2))  # pure noise: cannot converge
    whole, iters, checks = nrLDPCDecode(llr, 2, 3, OutputFormat="whole")
    assert whole.shape == (52 * z, 2) and checks.shape == (42 * z, 2)
    assert iters.tolist() == [3, 3] and checks.any(axis=0).all()
    np.testing.assert_array_equal(checks, (h @ whole.astype(np.int64)) % 2)
    out, it1, c1 = nrLDPCDecode(llr[:, 0], 2, 3)
    assert out.shape == (4 * 10,) and it1 == 3
    np.testing.assert_array_equal(c1, checks[:, 0])


def test_decode_untransmitted_parity_rows_are_satisfied(rng):
    # rate recovery leaves the tail of N at 0: those parity bits are set from their rows
    from opennr.coding.ldpc.base_graph import base_graph

    z = 8
    h = base_graph(2, z).parity_check_matrix().astype(np.int64)
    cbs = rng.integers(0, 2, (10 * z, 2)).astype(np.int8)
    enc = nrLDPCEncode(cbs, 2)
    llr = (1.0 - 2.0 * enc) * 3.0
    llr[22 * z :] = 0.0
    whole, _, checks = nrLDPCDecode(llr, 2, 10, OutputFormat="whole")
    np.testing.assert_array_equal(whole[2 * z :], enc)
    np.testing.assert_array_equal(whole[: 2 * z], cbs[: 2 * z])
    assert not checks.any() and not ((h @ whole.astype(np.int64)) % 2).any()


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"Algorithm": "Min-sum"}, ValueError, "Algorithm must be one of 'Belief propagation'"),
        ({"ScalingFactor": 0}, ValueError, "ScalingFactor must be in \\(0.0, 1.0\\]"),
        ({"ScalingFactor": 1.5}, ValueError, "ScalingFactor"),
        ({"Offset": -0.1}, ValueError, "Offset must be in \\[0.0, Inf\\)"),
        ({"Termination": "never"}, ValueError, "Termination must be one of 'early', 'max'"),
        ({"OutputFormat": "all"}, ValueError, "OutputFormat must be one of 'info', 'whole'"),
        ({"DecisionType": "llr"}, ValueError, "DecisionType must be one of 'hard', 'soft'"),
    ],
)
def test_decode_bad_name_value_pairs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrLDPCDecode(np.ones((50 * 2, 1)), 2, 5, **kwargs)


def test_decode_bad_positional_arguments():
    with pytest.raises(ValueError, match="maxNumIter"):
        nrLDPCDecode(np.ones(100), 2, 0)
    with pytest.raises(ValueError, match="in must have 66\\*Zc rows"):
        nrLDPCDecode(np.ones(100), 1, 5)
    with pytest.raises(ValueError, match="NaN"):
        nrLDPCDecode(np.full(100, np.nan), 2, 5)
    with pytest.raises(TypeError, match="unexpected keyword"):
        nrLDPCDecode(np.ones(100), 2, 5, MaxIter=3)
