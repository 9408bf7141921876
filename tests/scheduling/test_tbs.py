"""TS 38.214 §5.1.3.2 / §6.1.4.2 TBS: MATLAB nrTBS vectors, Sionna oracle, segmentation rules."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.scheduling.mcs import MCS_TABLES, mcs_table
from opennr.scheduling.tbs import (
    TBS_TABLE,
    _tbs_from_n_info,
    n_re_prime,
    transport_block_size,
    transport_block_sizes,
)

QM = {"pi/2-BPSK": 1, "BPSK": 1, "QPSK": 2, "16QAM": 4, "64QAM": 6, "256QAM": 8, "1024QAM": 10}


def _segments(tbs: int, rate: float) -> int:
    """Code-block count C of TS 38.212 §7.2.2 (base graph) and §5.2.2 (segmentation)."""
    crc = 24 if tbs > 3824 else 16
    bg2 = tbs <= 292 or (tbs <= 3824 and rate <= 0.67) or rate <= 0.25
    k_cb = 3840 if bg2 else 8448
    b = tbs + crc
    return 1 if b <= k_cb else math.ceil(b / (k_cb - 24))


def test_tbs_table():
    assert len(TBS_TABLE) == 93 and TBS_TABLE[0] == 24 and TBS_TABLE[-1] == 3824
    assert list(TBS_TABLE) == sorted(set(TBS_TABLE))
    assert all(t % 8 == 0 for t in TBS_TABLE)


@pytest.mark.reference
def test_matlab_nrtbs_vectors(reference_dir):
    ref = json.loads((reference_dir / "py3gpp" / "tbs_dlsch_info.json").read_text())
    assert len(ref["nrTBS"]) == 2
    for case in ref["nrTBS"]:
        qms = [QM[m] for m in case["modulation"]]
        got = transport_block_sizes(
            qms,
            case["nlayers"],
            case["nPRB"],
            case["NREPerPRB"],
            case["tcr"],
            x_overhead=case["xOh"],
            tb_scaling=case["tbScaling"],
        )
        assert list(got) == case["expected_tbs"]


def test_hand_computed_cases():
    # Small path: N_info = 1 * 156 * 0.1171875 * 2 = 36.56 -> n = 3, N'_info = 32 -> TBS 32
    assert transport_block_size(2, 1, 1, 156, 120 / 1024) == 32
    # Floor of N_info to 24 -> 24 (smallest TBS)
    assert transport_block_size(1, 1, 1, 12, 30 / 1024) == 24
    # Largest 4-layer 256QAM TBS, the figure quoted for NR peak rates
    assert transport_block_size(8, 4, 275, 156, 948 / 1024) == 1277992
    # N'_RE is capped at 156
    assert transport_block_size(6, 2, 50, 168, 0.5) == transport_block_size(6, 2, 50, 156, 0.5)
    # x_overhead is subtracted before the cap
    assert transport_block_size(4, 1, 10, 168, 0.5, x_overhead=18) == transport_block_size(
        4, 1, 10, 150, 0.5
    )
    # Step 4 rounds ties up: N_info = 5208, (N_info - 24) / 2^7 = 40.5 -> 41 -> TBS 5248
    assert transport_block_size(2, 1, 42, 124, 0.5) == 5248
    # R = 1/4 exactly still takes the base-graph-2 branch: C = ceil(62488 / 3816) = 17
    assert transport_block_size(4, 4, 100, 156, 0.25) == 62536
    assert transport_block_size(4, 4, 100, 156, 0.2501) == 62504  # C = 8 (BG1 branch)
    # one codeword through the plural helper
    one = transport_block_size(6, 3, 20, 132, 0.6)
    assert transport_block_sizes([6], 3, 20, 132, 0.6) == (one,)
    # two codewords: 5 layers split 2 + 3, a scalar rate applies to both
    assert transport_block_sizes((4, 4), 5, 20, 132, 0.6) == (
        transport_block_size(4, 2, 20, 132, 0.6),
        transport_block_size(4, 3, 20, 132, 0.6),
    )


def _random_configs(rng, count):
    """Random (Q_m, v, n_prb, n_symb, n_dmrs, x_oh, S, R) drawn from the MCS tables."""
    entries = [
        (e.modulation_order, e.code_rate_x1024)
        for name in MCS_TABLES
        for q in (1, 2)
        for e in mcs_table(name, q=q)
        if not e.reserved
    ]
    configs = []
    while len(configs) < count:
        qm, r1024 = entries[rng.integers(len(entries))]
        v = int(rng.integers(1, 5))
        n_prb = int(rng.choice([1, 2, 3, 5, 11, 24, 52, 79, 106, 133, 217, 273, 275,
                                int(rng.integers(1, 276))]))
        n_symb = int(rng.integers(1, 15))
        n_dmrs = int(rng.choice([0, 6, 12, 18, 24, 36]))
        x_oh = int(rng.choice([0, 0, 6, 12, 18]))
        s = float(rng.choice([1.0, 1.0, 0.5, 0.25]))
        re_prime = 12 * n_symb - n_dmrs
        if re_prime - x_oh < 1:
            continue
        # Sionna truncates S * N_RE * Q_m * v to an integer before multiplying by R
        if (s * min(156, re_prime - x_oh) * n_prb * qm * v) % 1:
            continue
        configs.append((qm, v, n_prb, n_symb, n_dmrs, x_oh, s, r1024 / 1024))
    return configs


@pytest.mark.oracle
def test_matches_sionna_calculate_tb_size(sionna, rng):
    import torch

    from sionna.phy.nr.utils import calculate_tb_size

    configs = _random_configs(rng, 400)
    cols = list(zip(*configs, strict=True))
    qm, v, n_prb, n_symb, n_dmrs, x_oh, s, r = (list(c) for c in cols)
    theirs = calculate_tb_size(
        modulation_order=torch.tensor(qm, dtype=torch.int32),
        target_coderate=torch.tensor(r, dtype=torch.float32),
        num_prbs=torch.tensor(n_prb, dtype=torch.int32),
        num_ofdm_symbols=torch.tensor(n_symb, dtype=torch.int32),
        num_dmrs_per_prb=torch.tensor(n_dmrs, dtype=torch.int32),
        num_layers=torch.tensor(v, dtype=torch.int32),
        num_ov=torch.tensor(x_oh, dtype=torch.int32),
        tb_scaling=torch.tensor(s, dtype=torch.float32),
        return_cw_length=False,
    )[0].numpy()
    ours = np.array(
        [
            transport_block_size(c[0], c[1], c[2], 12 * c[3] - c[4], c[7], x_overhead=c[5],
                                 tb_scaling=c[6])
            for c in configs
        ]
    )
    mismatch = np.flatnonzero(ours != theirs)
    assert mismatch.size == 0, [(configs[i], ours[i], theirs[i]) for i in mismatch[:5]]
    # the draw covers both paths of §5.1.3.2 and multi-block TBs
    assert (ours <= 3824).sum() > 50 and (ours > 8424).sum() > 50


@pytest.mark.oracle
def test_small_path_matches_sionna_for_every_n_info(sionna):
    """Steps 3 of §5.1.3.2 for N_info = 1..3824 against Sionna: exercises Table 5.1.3.2-1."""
    import torch

    from sionna.phy.nr.utils import calculate_tb_size

    n_info = np.arange(1, 3825)
    theirs = calculate_tb_size(
        modulation_order=torch.full((n_info.size,), 2, dtype=torch.int32),
        target_coderate=torch.full((n_info.size,), 0.5),
        target_tb_size=torch.tensor(n_info, dtype=torch.float32),
        num_coded_bits=torch.full((n_info.size,), 10000, dtype=torch.int32),
        return_cw_length=False,
    )[0].numpy()
    ours = np.array([_tbs_from_n_info(float(n), 0.5) for n in n_info])
    np.testing.assert_array_equal(ours, theirs)
    assert set(ours) <= set(TBS_TABLE)
    assert len(set(ours)) >= 85  # nearly every table entry is reached


@pytest.mark.oracle
@pytest.mark.parametrize("rate", [0.1, 0.25, 0.5, 0.9])
def test_large_path_matches_sionna_on_an_n_info_sweep(sionna, rate):
    """Step 4 of §5.1.3.2 for integer N_info in 3825..~1.3e6: hits rounding ties and C jumps."""
    import torch

    from sionna.phy.nr.utils import calculate_tb_size

    n_info = np.concatenate([np.arange(3825, 70000), np.arange(70000, 1300000, 97)])
    theirs = calculate_tb_size(
        modulation_order=torch.full((n_info.size,), 2, dtype=torch.int32),
        target_coderate=torch.full((n_info.size,), rate),
        target_tb_size=torch.tensor(n_info, dtype=torch.float32),
        num_coded_bits=torch.full((n_info.size,), 10000, dtype=torch.int32),
        return_cw_length=False,
    )[0].numpy()
    ours = np.array([_tbs_from_n_info(float(n), rate) for n in n_info])
    np.testing.assert_array_equal(ours, theirs)


@settings(max_examples=300, deadline=None)
@given(
    qm=st.sampled_from([1, 2, 4, 6, 8, 10]),
    v=st.integers(1, 4),
    n_prb=st.integers(1, 274),
    re=st.integers(1, 168),
    r1024=st.integers(1, 1023),
    s=st.sampled_from([1.0, 0.5, 0.25]),
)
def test_properties(qm, v, n_prb, re, r1024, s):
    rate = r1024 / 1024
    tbs = transport_block_size(qm, v, n_prb, re, rate, tb_scaling=s)
    assert tbs % 8 == 0 and tbs >= 24
    if tbs <= 3824:
        assert tbs in TBS_TABLE
    else:
        c = _segments(tbs, rate)
        # TBS + CRC splits into C equal code blocks of whole bytes (TS 38.212 §5.2.2)
        assert (tbs + 24) % (8 * c) == 0, (tbs, c)
    # monotone in the allocation
    assert transport_block_size(qm, v, n_prb + 1, re, rate, tb_scaling=s) >= tbs
    assert transport_block_size(qm, v, n_prb, min(re + 1, 168), rate, tb_scaling=s) >= tbs


def test_n_re_prime():
    assert n_re_prime(14, 12) == 156
    assert n_re_prime(12, 18, 6) == 120
    assert n_re_prime(1, 11) == 1
    with pytest.raises(ValueError, match=">= 1"):
        n_re_prime(1, 12)
    with pytest.raises(ValueError, match="n_symb"):
        n_re_prime(15, 0)
    with pytest.raises(ValueError, match="n_dmrs_per_prb"):
        n_re_prime(14, -1)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(modulation_order=3), ValueError, "modulation_order must be one of 1, 2, 4, 6, 8"),
        (dict(modulation_order=12), ValueError, "modulation_order"),
        (dict(modulation_order=2.0), TypeError, "modulation_order"),
        (dict(num_layers=0), ValueError, r"num_layers must be in \[1, 8\]"),
        (dict(num_layers=9), ValueError, "num_layers"),
        (dict(n_prb=0), ValueError, r"n_prb must be in \[1, 275\]"),
        (dict(n_prb=276), ValueError, "n_prb"),
        (dict(n_re_prime=0), ValueError, "n_re_prime"),
        (dict(n_re_prime=169), ValueError, "n_re_prime"),
        (dict(target_code_rate=0.0), ValueError, r"target_code_rate must be in \(0, 1\)"),
        (dict(target_code_rate=1.0), ValueError, "target_code_rate"),
        (dict(target_code_rate=float("nan")), ValueError, "target_code_rate"),
        (dict(target_code_rate=948), ValueError, "target_code_rate"),
        (dict(target_code_rate="0.5"), TypeError, "target_code_rate"),
        (dict(tb_scaling=0.3), ValueError, r"tb_scaling must be one of.*5\.1\.3\.2-2"),
        (dict(tb_scaling=True), TypeError, "tb_scaling"),
        (dict(x_overhead=-6), ValueError, "x_overhead"),
        (dict(x_overhead=120), ValueError, "smaller than n_re_prime"),
    ],
)
def test_bad_inputs(kwargs, exc, match):
    args = dict(modulation_order=4, num_layers=2, n_prb=10, n_re_prime=120, target_code_rate=0.5)
    kw = {k: kwargs.pop(k) for k in list(kwargs) if k in ("x_overhead", "tb_scaling")}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        transport_block_size(**args, **kw)


def test_bad_codeword_inputs():
    with pytest.raises(ValueError, match="1 or 2 codewords"):
        transport_block_sizes([2, 4, 6], 8, 10, 120, 0.5)
    with pytest.raises(ValueError, match="one value per codeword"):
        transport_block_sizes([2, 4], 8, 10, 120, [0.5])
    with pytest.raises(ValueError, match=r"num_layers must be in \[2, 8\]"):
        transport_block_sizes([2, 4], 1, 10, 120, 0.5)
    assert transport_block_sizes(4, 2, 10, 120, 0.5) == (transport_block_size(4, 2, 10, 120, 0.5),)
    # NumPy arrays work as sequences
    assert transport_block_sizes(np.array([2, 6]), 8, 106, 100, np.array([0.3701, 0.4277])) == (
        31240,
        108552,
    )
    with pytest.raises(TypeError, match="modulation_order"):
        transport_block_sizes(["QPSK"], 1, 10, 120, 0.5)
