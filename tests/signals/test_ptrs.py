"""PDSCH / PUSCH PT-RS: MATLAB vectors, the time-density rule, k_ref tables and bad inputs."""

import numpy as np
import pytest

from opennr.ofdm import CarrierConfig
from opennr.physical_channels.config import DmrsConfig, PtrsConfig, SharedChannelConfig
from opennr.signals import (
    dmrs_indices,
    dmrs_symbols,
    ptrs_indices,
    ptrs_subcarriers,
    ptrs_symbol_indices,
    ptrs_symbols,
)


@pytest.mark.reference
def test_pdsch_ptrs_matlab_vectors(reference_dir):
    """PROVENANCE §1.10: MATLAB nrPDSCHPTRS / nrPDSCHPTRSIndices (type 2, typeA pos3, pos3, L=2, K=4, '11')."""
    ref = np.load(reference_dir / "py3gpp" / "pdsch_dmrs_ptrs.npz")
    carrier = CarrierConfig(120, n_size_grid=132)
    cfg = SharedChannelConfig(
        symbol_allocation=(2, 12), rnti=1,
        dmrs=DmrsConfig(type_a_position=3, additional_position=3, config_type=2, n_id=1,
                        num_cdm_groups_without_data=1, ports=(0,)),
        ptrs=PtrsConfig(time_density=2, frequency_density=4, re_offset="11", ports=(0,)),
    )
    k, l = ptrs_indices(cfg, carrier)
    np.testing.assert_array_equal((k + carrier.num_subcarriers * l).ravel() + 1, ref["ptrs_indices_1based"])
    np.testing.assert_allclose(ptrs_symbols(cfg, carrier, apply_beta=False).ravel(), ref["ptrs_symbols"],
                               atol=1e-6)
    assert ptrs_symbol_indices(cfg) == (2, 7, 10, 13)


def _naive_time(alloc, dmrs_syms, step):
    """Plain transcription of the §7.4.1.2.2 steps 1-3."""
    s, n = alloc
    dm = [x - s for x in dmrs_syms]
    out, i, l_ref = [], 0, 0
    while True:
        if l_ref + i * step > n - 1:
            return [s + x for x in out]
        lo = max(l_ref + (i - 1) * step + 1, l_ref)
        overlap = [x for x in dm if lo <= x <= l_ref + i * step]
        if overlap:
            i, l_ref = 1, max(overlap)
            continue
        out.append(l_ref + i * step)
        i += 1


@pytest.mark.parametrize("direction", ["downlink", "uplink"])
def test_time_rule_random(direction, rng):
    count = 0
    while count < 200:
        mapping = str(rng.choice(["A", "B"]))
        n = int(rng.integers(2, 15))
        s = int(rng.integers(0, 15 - n)) if mapping == "B" else (0 if direction == "uplink" else int(rng.integers(0, 3)))
        length = int(rng.integers(1, 3))
        try:
            cfg = SharedChannelConfig(direction, mapping_type=mapping, symbol_allocation=(s, min(n, 14 - s)),
                                      dmrs=DmrsConfig(length=length, additional_position=int(rng.integers(0, 2))),
                                      ptrs=PtrsConfig(time_density=int(rng.choice([1, 2, 4]))))
        except ValueError:
            continue
        got = ptrs_symbol_indices(cfg)
        assert list(got) == _naive_time(cfg.symbol_allocation, cfg.dmrs_symbol_indices, cfg.ptrs.time_density)
        assert not set(got) & set(cfg.dmrs_symbol_indices)
        assert all(x in cfg.symbols for x in got)
        count += 1


def test_frequency_rule_and_dmrs_consistency():
    """k_ref^RB from the RNTI, every K-th allocated RB; the PT-RS value equals the DM-RS at l_0."""
    carrier = CarrierConfig(n_size_grid=30, n_start_grid=2)
    prbs = (0, 1, 2, 5, 6, 9, 10, 11, 20, 21, 22)  # 11 RBs: 11 mod 4 = 3 -> k_ref^RB = rnti mod 3
    for ct, port, off in ((1, 3, "10"), (2, 5, "01"), (1, 6, "00")):
        cfg = SharedChannelConfig(
            "uplink", prb_set=prbs, rnti=7, num_layers=1, n_start_bwp=4, n_size_bwp=25,
            dmrs=DmrsConfig(config_type=ct, ports=(port,), length=2 if port >= 4 * ct else 1,
                            num_cdm_groups_without_data=ct + 1),
            ptrs=PtrsConfig(frequency_density=4, re_offset=off))
        ks = ptrs_subcarriers(cfg, carrier)[0]
        rbs = np.array(prbs)[[1, 5, 9]]  # 7 mod 3 = 1, then every 4th allocated RB
        assert np.array_equal(ks // 12, rbs + 2)  # BWP starts 2 RBs into the grid
        # the PT-RS subcarrier is a DM-RS subcarrier of the port and carries its value at l_0
        dk, dl = dmrs_indices(cfg, carrier)
        dx = dmrs_symbols(cfg, carrier, apply_beta=False)
        first = dl[0] == cfg.dmrs_symbol_indices[0]
        lookup = dict(zip(dk[0][first].tolist(), dx[0][first]))
        _, wf, _ = None, None, None
        x = ptrs_symbols(cfg, carrier, apply_beta=False)[0][: ks.size]
        from opennr.physical_channels.config import dmrs_port_parameters

        wf = dmrs_port_parameters(ct, port)[2]
        for k, v in zip(ks.tolist(), x):
            kp = ((k % 12) // 2) % 2 if ct == 1 else (k % 12) % 2
            assert k in lookup and np.isclose(lookup[k], v * wf[kp], atol=1e-6)


def test_beta_and_bad_inputs():
    carrier = CarrierConfig(n_size_grid=8)
    cfg = SharedChannelConfig(num_layers=4, ptrs=PtrsConfig())
    np.testing.assert_allclose(np.abs(ptrs_symbols(cfg, carrier)), 2.0, atol=1e-6)  # 6 dB
    np.testing.assert_allclose(np.abs(ptrs_symbols(cfg.replace(ptrs=PtrsConfig(power=1)), carrier)), 1.0,
                               atol=1e-6)
    with pytest.raises(ValueError, match="no PT-RS"):
        ptrs_indices(SharedChannelConfig(), carrier)
    with pytest.raises(TypeError, match="SharedChannelConfig"):
        ptrs_symbols(PtrsConfig(), carrier)
    with pytest.raises(ValueError, match="one PT-RS port"):
        SharedChannelConfig(num_layers=2, ptrs=PtrsConfig(ports=(0, 1)))
    # PT-RS with transform precoding (pre-DFT, TS 38.211 §6.4.1.2.2.2): accepted, fields checked
    SharedChannelConfig("uplink", transform_precoding=True, prb_set=(0,), ptrs=PtrsConfig())
    with pytest.raises(ValueError, match="num_samples = 4"):
        PtrsConfig(num_groups=8, num_samples=2)
    with pytest.raises(ValueError, match="num_samples"):
        PtrsConfig(num_samples=3)
