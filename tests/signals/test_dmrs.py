"""PUSCH / PDSCH DM-RS: MATLAB and Sionna vectors, the Sionna oracle, spec-formula twins and bad inputs."""

import numpy as np
import pytest

from opennr.ofdm import CarrierConfig
from opennr.physical_channels.config import DmrsConfig, SharedChannelConfig
from opennr.sequences import gold_sequence
from opennr.signals import (
    cdm_group_subcarriers,
    dmrs_c_init,
    dmrs_grid,
    dmrs_indices,
    dmrs_symbols,
)


# ------------------------------------------------------------------------------------ references
@pytest.mark.reference
def test_pdsch_dmrs_matlab_vectors(reference_dir):
    """PROVENANCE §1.10: MATLAB nrPDSCHDMRS / nrPDSCHDMRSIndices, 120 kHz, 132 PRB, pos3."""
    ref = np.load(reference_dir / "py3gpp" / "pdsch_dmrs_ptrs.npz")
    carrier = CarrierConfig(120, n_size_grid=132)
    cfg = SharedChannelConfig(
        symbol_allocation=(2, 12), rnti=1, prb_set=tuple(range(132)),
        dmrs=DmrsConfig(type_a_position=2, additional_position=3, config_type=1, n_id=1, n_scid=0,
                        num_cdm_groups_without_data=1, ports=(0,)),
    )
    x = dmrs_symbols(cfg, carrier, apply_beta=False)
    k, l = dmrs_indices(cfg, carrier)
    np.testing.assert_array_equal((k + carrier.num_subcarriers * l).ravel() + 1,
                                  ref["dmrs_indices_1based"].ravel())
    np.testing.assert_allclose(x.ravel(), ref["dmrs_symbols"].ravel(), atol=1e-6)  # printed to 6 decimals
    assert cfg.dmrs_symbol_indices == (2, 5, 8, 11)


@pytest.mark.reference
@pytest.mark.parametrize("name, nprb", [("reference_dmrs_1", 1), ("reference_dmrs_2", 4)])
def test_pusch_dmrs_sionna_vectors(reference_dir, name, nprb):
    """PROVENANCE §2.6: type 2, double symbol, 3 CDM groups, N_ID = 4; Rel-15 c_init, / sqrt(3)."""
    pilots = np.load(reference_dir / "sionna" / "pusch_dmrs" / f"{name}.npz")["pilots"]
    mismatch_rel16 = 0
    for ic, cell in enumerate([0, 1, 10, 24, 99, 1006]):
        for isl, slot in enumerate([0, 1, 5, 9]):
            carrier = CarrierConfig(n_size_grid=nprb, n_cell_id=cell, n_slot=slot)
            for ip, port in enumerate([0, 3, 4, 9, 11]):
                col = pilots[:, (ic * 4 + isl) * 5 + ip]
                dmrs = DmrsConfig(config_type=2, length=2, additional_position=1,
                                  num_cdm_groups_without_data=3, n_id=4, ports=(port,), c_init_release=15)
                cfg = SharedChannelConfig("uplink", dmrs=dmrs)
                x = dmrs_symbols(cfg, carrier)[0] / np.sqrt(3)
                np.testing.assert_allclose(x, col, atol=1e-6)
                x16 = dmrs_symbols(cfg.replace(dmrs=dmrs.replace(c_init_release=16)), carrier)[0]
                mismatch_rel16 += not np.allclose(x16 / np.sqrt(3), col, atol=1e-6)
    # the Rel-16 floor(lambda/2) term changes exactly the CDM-group-2 ports (4, 11): 2 x 24 columns
    assert mismatch_rel16 == 48


# -------------------------------------------------------------------------------- Sionna oracle
def _random_pusch(rng):
    """A random valid PUSCH + carrier that Sionna 2.2 supports (no transform precoding)."""
    while True:
        config_type = int(rng.integers(1, 3))
        length = int(rng.integers(1, 3))
        add_pos = int(rng.integers(0, 4 if length == 1 else 2))
        type_a = int(rng.choice([2, 3]))
        mapping = str(rng.choice(["A", "B"]))
        if mapping == "A":
            alloc = (0, int(rng.integers(4, 15)))
        else:
            n = int(rng.integers(1 if length == 1 else 5, 15))
            alloc = (int(rng.integers(0, 15 - n)), n)
        n_cdm = int(rng.integers(1, config_type + 2))
        max_port = (4 if config_type == 1 else 6) * length
        allowed = [p for p in range(max_port)
                   if (p % (4 if config_type == 1 else 6)) // 2 < n_cdm]
        num_layers = int(rng.integers(1, min(4, len(allowed)) + 1))
        ports = tuple(int(p) for p in rng.choice(allowed, num_layers, replace=False))
        n_id = None if rng.random() < 0.3 else tuple(int(v) for v in rng.integers(0, 65536, 2))
        dmrs = DmrsConfig(config_type=config_type, type_a_position=type_a, additional_position=add_pos,
                          length=length, n_id=n_id, n_scid=int(rng.integers(0, 2)),
                          num_cdm_groups_without_data=n_cdm, ports=ports, c_init_release=15)
        try:
            cfg = SharedChannelConfig("uplink", symbol_allocation=alloc, mapping_type=mapping,
                                      num_layers=num_layers, dmrs=dmrs)
        except ValueError:
            continue
        carrier = CarrierConfig(subcarrier_spacing=int(rng.choice([15, 30])),
                                n_size_grid=int(rng.integers(1, 40)),
                                n_cell_id=int(rng.integers(0, 1008)), n_slot=int(rng.integers(0, 20)))
        carrier = carrier.replace(n_slot=carrier.n_slot % carrier.slots_per_frame)
        return cfg, carrier


@pytest.mark.oracle
def test_pusch_dmrs_against_sionna(sionna, rng):
    """60 random configs: DM-RS symbol indices and per-port DM-RS grids equal Sionna's (float32)."""
    nr = sionna.nr
    checked = 0
    while checked < 60:
        cfg, carrier = _random_pusch(rng)
        d = cfg.dmrs
        s_carrier = nr.CarrierConfig(n_cell_id=carrier.n_cell_id, n_size_grid=carrier.n_size_grid)
        s_carrier.subcarrier_spacing = carrier.subcarrier_spacing
        s_carrier.slot_number = carrier.n_slot
        s_dmrs = nr.PUSCHDMRSConfig(config_type=d.config_type, type_a_position=d.type_a_position,
                                    additional_position=d.additional_position, length=d.length,
                                    dmrs_port_set=list(d.ports), n_scid=d.n_scid,
                                    num_cdm_groups_without_data=d.num_cdm_groups_without_data)
        if d.n_id[0] is not None:
            s_dmrs.n_id = list(d.n_id)
        try:
            s_cfg = nr.PUSCHConfig(carrier_config=s_carrier, pusch_dmrs_config=s_dmrs,
                                   num_layers=cfg.num_layers, num_antenna_ports=cfg.num_layers,
                                   mapping_type=cfg.mapping_type,
                                   symbol_allocation=list(cfg.symbol_allocation))
            s_cfg.check_config()
        except ValueError:
            continue  # a combination Sionna rejects (e.g. its own l_d rules)
        assert tuple(s_cfg.dmrs_symbol_indices) == cfg.dmrs_symbol_indices
        ours = dmrs_grid(cfg, carrier)
        np.testing.assert_allclose(ours, np.asarray(s_cfg.dmrs_grid), atol=2e-6)
        assert np.array_equal(np.any(ours != 0, axis=0), s_cfg.dmrs_mask & np.any(ours != 0, axis=0))
        checked += 1


@pytest.mark.oracle
def test_port_tables_against_sionna(sionna):
    """Tables 6.4.1.1.3-1/2 (CDM group, Delta, w_f, w_t) against Sionna's PUSCHDMRSConfig."""
    for config_type, n in ((1, 8), (2, 12)):
        s = sionna.nr.PUSCHDMRSConfig(config_type=config_type, length=2, dmrs_port_set=list(range(n)),
                                      num_cdm_groups_without_data=config_type + 1)
        d = DmrsConfig(config_type=config_type, length=2, ports=tuple(range(n)),
                       num_cdm_groups_without_data=config_type + 1)
        assert d.cdm_groups == tuple(s.cdm_groups) and d.deltas == tuple(s.deltas)
        from opennr.physical_channels.config import dmrs_port_parameters

        wf = np.array([dmrs_port_parameters(config_type, p)[2] for p in range(n)]).T
        wt = np.array([dmrs_port_parameters(config_type, p)[3] for p in range(n)]).T
        np.testing.assert_array_equal(wf, np.asarray(s.w_f))
        np.testing.assert_array_equal(wt, np.asarray(s.w_t))


# ------------------------------------------------------------------------------ spec-formula twin
def _naive_dmrs(cfg, carrier):
    """Direct transcription of §7.4.1.1: a per-RE loop from CRB 0, no vectorisation."""
    d = cfg.dmrs
    start, _ = cfg.bwp(carrier)
    from opennr.physical_channels.config import dmrs_port_parameters

    out = {}
    for pi, port in enumerate(cfg.dmrs_ports):
        lam, delta, wf, wt = dmrs_port_parameters(d.config_type, port)
        for lb in cfg.dmrs_l_bar:
            for lp in range(d.length):
                sym = cfg.l_ref + lb + lp
                n_scid = 1 - d.n_scid if (d.dmrs_r16 and lam == 1) else d.n_scid
                nid = d.n_id[n_scid] if d.n_id[n_scid] is not None else carrier.n_cell_id
                cinit = (2**17 * (14 * carrier.slot_in_frame + sym + 1) * (2 * nid + 1)
                         + (2**17 * (lam // 2) if d.c_init_release == 16 else 0) + 2 * nid + n_scid) % 2**31
                c = gold_sequence(cinit, 2 * 6 * 300)
                for prb in cfg.prb_indices(carrier):
                    crb = start + prb
                    for n in range(3 * crb, 3 * crb + 3) if d.config_type == 1 else range(2 * crb, 2 * crb + 2):
                        for kp in (0, 1):
                            k = 4 * n + 2 * kp + delta if d.config_type == 1 else 6 * n + kp + delta
                            m = 2 * n + kp
                            r = ((1 - 2 * int(c[2 * m])) + 1j * (1 - 2 * int(c[2 * m + 1]))) / np.sqrt(2)
                            out[(pi, k - 12 * carrier.n_start_grid, sym)] = d.beta * wf[kp] * wt[lp] * r
    return out


@pytest.mark.parametrize("direction, mapping, alloc, dmrs_kw, layers, prbs, bwp", [
    ("downlink", "A", (1, 12), {"config_type": 2, "additional_position": 2, "n_id": (7, 900), "n_scid": 1,
                                    "num_cdm_groups_without_data": 3, "ports": (0, 2, 4)}, 3, (0, 1, 5), (3, 9)),
    ("downlink", "B", (4, 7), {"config_type": 1, "length": 2, "additional_position": 1, "n_id": (None, 5),
                                   "ports": (0, 1, 4, 6), "dmrs_r16": True}, 4, None, (0, 6)),
    ("uplink", "B", (3, 9), {"config_type": 2, "additional_position": 3, "num_cdm_groups_without_data": 3,
                                 "ports": (5,), "dmrs_r16": True, "n_scid": 1, "n_id": (11, 12)}, 1, (2, 3), (7, 5)),
])
def test_against_naive_transcription(direction, mapping, alloc, dmrs_kw, layers, prbs, bwp):
    carrier = CarrierConfig(n_size_grid=12, n_start_grid=5, n_slot=13, n_cell_id=77)
    cfg = SharedChannelConfig(direction, prb_set=prbs, symbol_allocation=alloc, mapping_type=mapping,
                              num_layers=layers, n_start_bwp=5 + bwp[0], n_size_bwp=bwp[1],
                              dmrs=DmrsConfig(**dmrs_kw))
    ref = _naive_dmrs(cfg, carrier)
    x = dmrs_symbols(cfg, carrier)
    k, l = dmrs_indices(cfg, carrier)
    assert x.shape == k.shape == l.shape and x.shape[1] * x.shape[0] == len(ref)
    for p in range(x.shape[0]):
        got = {(p, int(kk), int(ll)): v for kk, ll, v in zip(k[p], l[p], x[p])}
        assert got.keys() == {key for key in ref if key[0] == p}
        np.testing.assert_allclose([got[key] for key in sorted(got)],
                                   [ref[key] for key in sorted(got)], atol=1e-6)
        # symbol-major, subcarrier ascending
        order = np.lexsort((k[p], l[p]))
        np.testing.assert_array_equal(order, np.arange(k.shape[1]))
    g = dmrs_grid(cfg, carrier)
    assert g.shape == (layers, carrier.num_subcarriers, 14)
    assert np.count_nonzero(g) == x.size


def test_sequence_depends_on_crb_not_bwp_start():
    """§7.4.1.1.2: k and the sequence index count from CRB 0, so a PRB's DM-RS follows its CRB."""
    carrier = CarrierConfig(n_size_grid=20, n_start_grid=0)
    a = SharedChannelConfig(prb_set=(5,), n_start_bwp=0, n_size_bwp=20)
    b = SharedChannelConfig(prb_set=(2,), n_start_bwp=3, n_size_bwp=10)
    np.testing.assert_array_equal(dmrs_symbols(a, carrier), dmrs_symbols(b, carrier))
    np.testing.assert_array_equal(dmrs_indices(a, carrier)[0], dmrs_indices(b, carrier)[0])


def test_c_init_and_cdm_subcarriers():
    carrier = CarrierConfig(30, n_slot=21, n_cell_id=500)  # slot 1 of the frame
    cfg = SharedChannelConfig(dmrs=DmrsConfig(n_id=(3, 9), n_scid=1))
    assert dmrs_c_init(cfg, carrier, 4) == (2**17 * (14 * 1 + 5) * 19 + 18 + 1) % 2**31
    rel16 = SharedChannelConfig(dmrs=DmrsConfig(config_type=2, num_cdm_groups_without_data=3))
    assert dmrs_c_init(rel16, carrier, 2, cdm_group=2) - dmrs_c_init(rel16, carrier, 2, 0) == 2**17
    np.testing.assert_array_equal(cdm_group_subcarriers(1, 1), [1, 3, 5, 7, 9, 11])
    np.testing.assert_array_equal(cdm_group_subcarriers(2, 2), [4, 5, 10, 11])


def test_transform_precoded_dmrs_low_papr():
    """§6.4.1.1.1.2: comb-2 low-PAPR sequence of length M_sc/2 on the allocation, port 0."""
    from opennr.sequences import low_papr_sequence

    carrier = CarrierConfig(n_size_grid=25, n_cell_id=31)
    cfg = SharedChannelConfig("uplink", prb_set=tuple(range(3, 15)), transform_precoding=True,
                              mapping_type="B", symbol_allocation=(0, 14),
                              dmrs=DmrsConfig(additional_position=1))
    x = dmrs_symbols(cfg, carrier, apply_beta=False)
    k, _l = dmrs_indices(cfg, carrier)
    assert x.shape == (1, 2 * 72) and cfg.dmrs_symbol_indices == (0, 10)
    np.testing.assert_array_equal(k[0, :72], 36 + 2 * np.arange(72))
    r = low_papr_sequence(1, 0, 72)  # u = 31 mod 30, v = 0 without hopping
    np.testing.assert_allclose(x[0, :72], r, atol=1e-6)
    np.testing.assert_allclose(np.abs(x), 1, atol=1e-5)


# ---------------------------------------------------------------------------------- bad inputs
def test_bad_inputs():
    carrier = CarrierConfig(n_size_grid=10)
    with pytest.raises(TypeError, match="SharedChannelConfig"):
        dmrs_symbols(DmrsConfig(), carrier)
    with pytest.raises(TypeError, match="CarrierConfig"):
        dmrs_indices(SharedChannelConfig(), None)
    with pytest.raises(ValueError, match="4.4.5"):  # BWP outside the carrier
        dmrs_symbols(SharedChannelConfig(n_start_bwp=5, n_size_bwp=10), carrier)
    with pytest.raises(ValueError, match="BWP"):  # PRBs outside the (default) BWP
        dmrs_symbols(SharedChannelConfig(prb_set=(9, 10)), carrier)
    with pytest.raises(ValueError, match="12 symbols"):  # extended CP slot
        dmrs_symbols(SharedChannelConfig(), CarrierConfig(60, "extended"))
    with pytest.raises(ValueError, match="6.3.1.4"):
        dmrs_symbols(SharedChannelConfig("uplink", transform_precoding=True), CarrierConfig(n_size_grid=7))
