"""TS 38.212 §7.2 / §6.2 transport-channel chain against MATLAB-made vectors and round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opennr.coding.ldpc.rate_matching import circular_buffer_size
from opennr.coding.sch import MAX_TBS, sch_decode, sch_encode, sch_info


def _load(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.reference
@pytest.mark.parametrize("case", range(8))
def test_ulsch_matches_matlab_tb_vectors(reference_dir, case):
    """Sionna's test refs 'tb_testcase_*' were made with MATLAB (PROVENANCE §2.5): rv 0, no LBRM."""
    ref = _load(reference_dir / "sionna" / "tb_encoder" / f"tb_testcase_{case}.npz")
    u = ref["u_ref"].reshape(-1).astype(np.uint8)
    expected = ref["c_ref_no_scr"].reshape(-1).astype(np.uint8)
    out = sch_encode(
        u,
        target_code_rate=float(ref["coderate"]),
        modulation_order=int(ref["num_bits_per_symbol"]),
        num_layers=int(ref["num_layers"]),
        g=expected.size,
    )
    np.testing.assert_array_equal(out, expected)


@pytest.mark.reference
def test_sib1_chain_decodes_matlab_llrs(reference_dir):
    """A SIB1 PDSCH decoded in MATLAB (PROVENANCE §1.7): our receive chain must give its payload."""
    ref = _load(reference_dir / "py3gpp" / "ldpc_sib1_chain.npz")
    llr = np.clip(ref["rm_llr"], -1e3, 1e3).astype(np.float32)  # LLR magnitudes there are ~1e10
    res = sch_decode(
        llr,
        tbs=int(ref["A"]),
        target_code_rate=float(ref["target_code_rate"]),
        modulation_order=2,
        rv=int(ref["rv"]),
    )
    assert bool(res.tb_crc_ok)
    np.testing.assert_array_equal(res.tb, ref["tb_bits"].astype(np.uint8))


def test_sch_info_sib1():
    info = sch_info(640, 0.3701)
    assert (info.crc, info.bg, info.c, info.k_prime, info.k, info.z_c, info.n_filler, info.n) == (
        "16", 2, 1, 656, 720, 72, 64, 3600,
    )


def test_sch_info_largest_tb():
    info = sch_info(MAX_TBS, 0.9258)
    assert info.crc == "24A" and info.bg == 1
    assert info.c * (info.k_prime - 24) == info.b  # §5.2.2: B' = B + C L splits evenly


def _valid_tbs(n: int, rate: float) -> int:
    """Round n to a TBS that TS 38.214 §5.1.3.2 step 4 can produce (so that B'/C is whole)."""
    if n <= 3824:
        return max(24, 8 * (n // 8))
    c_size = 3816 if rate <= 0.25 else 8424
    while True:  # step down until the rounded size fits under the largest TBS
        c = -(-(n + 24) // c_size)
        tbs = 8 * c * (-(-(n + 24) // (8 * c))) - 24
        if tbs <= MAX_TBS:
            return tbs
        n -= 8 * c


# log-uniform over the whole range 24 .. 1,277,992 bits
_TBS_LOG = st.floats(np.log(24), np.log(MAX_TBS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    log_tbs=_TBS_LOG,
    rate=st.sampled_from([0.2, 0.33, 0.5, 0.66, 0.75, 0.9]),
    qm=st.sampled_from([1, 2, 4, 6, 8, 10]),
    layers=st.integers(1, 4),
    rv_order=st.permutations([0, 2, 3, 1]),
    lbrm=st.sampled_from([None, 1.0, 4.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_noiseless_harq_round_trip(log_tbs, rate, qm, layers, rv_order, lbrm, seed):
    """RV 0 alone, and all four RVs combined, decode noiseless codewords back to the TB."""
    tbs = _valid_tbs(int(np.exp(log_tbs)), rate)
    rng = np.random.default_rng(seed)
    # G chosen so that the first transmission alone carries the rate-R code (rounded to Qm N_L).
    unit = qm * layers
    g = max(unit, int(np.ceil((tbs + 24) / rate / unit)) * unit)
    tb = rng.integers(0, 2, (1, tbs), dtype=np.uint8)
    kw = dict(target_code_rate=rate, modulation_order=qm, num_layers=layers)
    tbs_lbrm = None if lbrm is None else int(lbrm * tbs)
    info = sch_info(tbs, rate)
    if tbs_lbrm is not None:
        n_cb = circular_buffer_size(info.n, c=info.c, tbs_lbrm=tbs_lbrm)
        if n_cb < info.k - 2 * info.z_c:  # buffer shorter than the systematic part: impossible
            with pytest.raises(ValueError, match="tbs_lbrm"):
                sch_encode(tb, g=g, rv=0, tbs_lbrm=tbs_lbrm, **kw)
            tbs_lbrm = 4 * info.k * info.c  # a realistic TBS_LBRM, well above the TB
    buffer = None
    for i, rv in enumerate(rv_order):
        cw = sch_encode(tb, g=g, rv=rv, tbs_lbrm=tbs_lbrm, **kw)
        llr = (4.0 * (1.0 - 2.0 * cw)).astype(np.float32)
        res = sch_decode(llr, tbs=tbs, rv=rv, tbs_lbrm=tbs_lbrm, soft_buffer=buffer, **kw)
        buffer = res.soft_buffer
        if i == 0 and rv == 0:
            assert bool(res.tb_crc_ok.all()) and res.cb_crc_ok.all()
            np.testing.assert_array_equal(res.tb, tb)
    assert bool(res.tb_crc_ok.all())
    np.testing.assert_array_equal(res.tb, tb)


@pytest.mark.parametrize("tbs", [24, 3824, 3840, 8424, 25_320, 400_104, MAX_TBS])
def test_round_trip_sizes(tbs, rng):
    tb = rng.integers(0, 2, (1, tbs), dtype=np.uint8)
    g = int(np.ceil((tbs + 24) / 0.5 / 2)) * 2
    cw = sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=g)
    res = sch_decode(
        np.where(cw == 0, 5.0, -5.0).astype(np.float32),
        tbs=tbs,
        target_code_rate=0.5,
        modulation_order=2,
        max_iterations=4,
    )
    assert bool(res.tb_crc_ok.all())
    np.testing.assert_array_equal(res.tb, tb)


def test_corrupted_codeword_fails_crc(rng):
    tb = rng.integers(0, 2, (4, 2000), dtype=np.uint8)
    cw = sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=4200)
    llr = np.where(cw == 0, 1.0, -1.0).astype(np.float32)
    llr[1] = rng.normal(size=llr.shape[-1]).astype(np.float32)  # pure noise
    res = sch_decode(llr, tbs=2000, target_code_rate=0.5, modulation_order=2)
    assert res.tb_crc_ok.tolist() == [True, False, True, True]


def test_bad_inputs(rng):
    tb = rng.integers(0, 2, (1, 100), dtype=np.uint8)
    with pytest.raises(ValueError, match="target_code_rate"):
        sch_encode(tb, target_code_rate=1.2, modulation_order=2, g=400)
    with pytest.raises(ValueError, match="modulation_order"):
        sch_encode(tb, target_code_rate=0.5, modulation_order=3, g=399)
    with pytest.raises(ValueError, match="multiple of modulation_order"):
        sch_encode(tb, target_code_rate=0.5, modulation_order=4, g=402)
    with pytest.raises(ValueError, match="rv"):
        sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=400, rv=4)
    with pytest.raises(ValueError, match="tbs"):
        sch_info(MAX_TBS + 1, 0.5)
    with pytest.raises(TypeError, match="tb"):
        sch_encode(tb.astype(np.float32), target_code_rate=0.5, modulation_order=2, g=400)
    llr = np.zeros((1, 400), dtype=np.float32)
    llr[0, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sch_decode(llr, tbs=100, target_code_rate=0.5, modulation_order=2)
    with pytest.raises(ValueError, match="soft_buffer"):
        sch_decode(
            np.zeros((1, 400), np.float32),
            tbs=100,
            target_code_rate=0.5,
            modulation_order=2,
            soft_buffer=np.zeros((1, 1, 7), np.float32),
        )
