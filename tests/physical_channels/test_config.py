"""SharedChannelConfig / DmrsConfig / PtrsConfig: derived values, position tables and bad inputs."""

import numpy as np
import pytest

from opennr._data import read_csv_rows
from opennr.ofdm import CarrierConfig
from opennr.physical_channels.config import (
    DmrsConfig,
    PtrsConfig,
    SharedChannelConfig,
    dmrs_port_parameters,
    dmrs_positions,
)


def test_defaults_and_derived_values():
    cfg = SharedChannelConfig()
    assert cfg.direction == "downlink" and cfg.dmrs_symbol_indices == (2,)
    assert cfg.dmrs_ports == (0,) and cfg.dmrs_antenna_ports == (1000,)
    assert cfg.beta_dmrs == pytest.approx(np.sqrt(2)) and cfg.cdm_groups_without_data == (0, 1)
    carrier = CarrierConfig(n_size_grid=25, n_start_grid=3)
    assert cfg.bwp(carrier) == (3, 25) and cfg.prb_indices(carrier).tolist() == list(range(25))
    up = SharedChannelConfig("uplink", num_layers=2, prb_set=[4, 1, 2])
    assert up.prb_set == (1, 2, 4) and up.dmrs_antenna_ports == (0, 1) and up.l_d == 14
    b = SharedChannelConfig(mapping_type="B", symbol_allocation=(5, 7),
                            dmrs=DmrsConfig(additional_position=1))
    assert b.l_ref == 5 and b.l_0 == 0 and b.dmrs_symbol_indices == (5, 9)


@pytest.mark.parametrize("direction, mapping, l_d, pos, length, l0, expected", [
    ("downlink", "A", 14, 3, 1, 2, (2, 5, 8, 11)),
    ("downlink", "A", 13, 2, 1, 3, (3, 7, 11)),
    ("downlink", "A", 12, 1, 2, 2, (2, 8)),
    ("downlink", "B", 2, 0, 1, 0, (0,)),
    ("downlink", "B", 7, 1, 1, 0, (0, 4)),
    ("downlink", "B", 9, 2, 1, 0, (0, 4, 7)),
    ("downlink", "B", 13, 1, 2, 0, (0, 8)),
    ("uplink", "A", 10, 2, 1, 3, (3, 6, 9)),
    ("uplink", "B", 1, 3, 1, 0, (0,)),
    ("uplink", "B", 14, 3, 1, 0, (0, 3, 6, 9)),
    ("uplink", "B", 12, 1, 2, 0, (0, 9)),
])
def test_position_tables(direction, mapping, l_d, pos, length, l0, expected):
    assert dmrs_positions(direction, mapping, l_d, pos, length, l0) == expected


def test_position_tables_structure():
    """Every table row holds increasing positions inside l_d (l0 = 3 for type A) and starts at l0."""
    for name in ("pusch", "pdsch"):
        for kind, npos in (("single", 4), ("double", 2)):
            rows = read_csv_rows("opennr.signals", f"{name}_dmrs_positions_{kind}.csv")
            for r in rows:
                l_d = int(r["l_d"])
                for key, cell in r.items():
                    if key == "l_d" or cell == "-":
                        continue
                    l0 = 2 if key.startswith("a") else 0
                    vals = [l0 if v == "l0" else int(v) for v in cell.split()]
                    assert vals[0] == l0 and vals == sorted(vals) and len(set(vals)) == len(vals)
                    last = vals[-1] + (2 if kind == "double" else 1)
                    assert last <= l_d  # every DM-RS occasion inside the duration


def test_port_table_values():
    assert dmrs_port_parameters(1, 0) == (0, 0, (1, 1), (1, 1))
    assert dmrs_port_parameters(1, 7) == (1, 1, (1, -1), (1, -1))
    assert dmrs_port_parameters(2, 4) == (2, 4, (1, 1), (1, 1))
    # the OCC is orthogonal inside each CDM group: 4 ports of a group span a Walsh basis
    for ct, n in ((1, 8), (2, 12)):
        for lam in range(ct + 1):
            codes = [np.kron(dmrs_port_parameters(ct, p)[3], dmrs_port_parameters(ct, p)[2])
                     for p in range(n) if dmrs_port_parameters(ct, p)[0] == lam]
            g = np.array(codes) @ np.array(codes).T
            np.testing.assert_array_equal(g, 4 * np.eye(4))


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"symbol_allocation": (4, 10)}, ValueError, "l_0 = dmrs-TypeA-Position = 2"),
    ({"symbol_allocation": (0, 2)}, ValueError, "5.1.2.1-1"),
    ({"direction": "uplink", "symbol_allocation": (1, 12)}, ValueError, "6.1.2.1-1"),
    ({"mapping_type": "B", "symbol_allocation": (0, 14)}, ValueError, "5.1.2.1-1"),
    ({"direction": "uplink", "mapping_type": "B", "symbol_allocation": (0, 4),
          "dmrs": DmrsConfig(length=2)}, ValueError, "Table 6.4.1.1.3-4"),
    ({"symbol_allocation": (0, 4), "dmrs": DmrsConfig(type_a_position=3)}, ValueError, "7.4.1.1.2"),
    ({"num_layers": 5}, ValueError, "ports 0..3"),
    ({"direction": "uplink", "symbol_allocation": (0, 4), "dmrs": DmrsConfig(length=2, type_a_position=3)}, ValueError,
     "outside the allocated symbols"),
    ({"num_layers": 2, "dmrs": DmrsConfig(ports=(0,))}, ValueError, "one DM-RS port per layer"),
    ({"num_layers": 3, "dmrs": DmrsConfig(num_cdm_groups_without_data=1)}, ValueError, "CDM group"),
    ({"direction": "uplink", "num_layers": 5}, ValueError, "1..4"),
    ({"direction": "uplink", "num_layers": 2, "transform_precoding": True}, ValueError, "6.3.1.4"),
    ({"direction": "uplink", "prb_set": tuple(range(7)), "transform_precoding": True}, ValueError,
     "2\\^a 3\\^b 5\\^c"),
    ({"transform_precoding": True}, ValueError, "PUSCH only"),
    ({"prb_set": (0, 30), "n_size_bwp": 20}, ValueError, "inside the BWP"),
    ({"prb_set": (1, 1)}, ValueError, "distinct"),
    ({"modulation": "pi/2-BPSK"}, ValueError, "modulation"),
    ({"direction": "uplink", "modulation": "pi/2-BPSK"}, ValueError, "transform precoding"),
    ({"direction": "uplink", "precoding": "codebook", "num_layers": 2, "num_antenna_ports": 4, "tpmi": 22},
     ValueError, "tpmi"),
    ({"direction": "uplink", "num_antenna_ports": 2}, ValueError, "non-codebook"),
    ({"rnti": 70000}, ValueError, "rnti"),
    ({"n_id": 1024}, ValueError, "n_id"),
    ({"dmrs": "x"}, TypeError, "DmrsConfig"),
    ({"ptrs": PtrsConfig(ports=(1,))}, ValueError, "PT-RS port"),
    ({"direction": "sideways"}, ValueError, "direction"),
])
def test_shared_channel_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        SharedChannelConfig(**kwargs)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"config_type": 3}, ValueError, "config_type"),
    ({"length": 2, "additional_position": 2}, ValueError, "double-symbol"),
    ({"num_cdm_groups_without_data": 3}, ValueError, "at most 2"),
    ({"n_id": (1, 70000)}, ValueError, "n_id"),
    ({"n_id": (1, 2, 3)}, ValueError, "N_ID"),
    ({"ports": (0, 0)}, ValueError, "distinct"),
    ({"ports": (4,)}, ValueError, "ports 0..3"),
    ({"config_type": 2, "ports": (11,), "length": 2}, ValueError, "CDM group 2"),
    ({"n_scid": 2}, ValueError, "n_scid"),
    ({"c_init_release": 15, "dmrs_r16": True}, ValueError, "c_init_release"),
    ({"group_hopping": True, "sequence_hopping": True}, ValueError, "both"),
    ({"ports": 1.0}, TypeError, "integer"),
])
def test_dmrs_config_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        DmrsConfig(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"time_density": 3}, "time_density"),
    ({"frequency_density": 1}, "frequency_density"),
    ({"re_offset": "12"}, "re_offset"),
    ({"ports": (0, 1, 2)}, "one or two"),
    ({"power": 2}, "power"),
])
def test_ptrs_config_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PtrsConfig(**kwargs)


def test_check_carrier():
    cfg = SharedChannelConfig(n_start_bwp=10, n_size_bwp=20)
    cfg.check_carrier(CarrierConfig(n_size_grid=40))
    with pytest.raises(ValueError, match="4.4.5"):
        cfg.check_carrier(CarrierConfig(n_size_grid=25))
    with pytest.raises(ValueError, match="12 symbols"):
        SharedChannelConfig(symbol_allocation=(0, 13)).check_carrier(CarrierConfig(60, "extended"))
    with pytest.raises(ValueError, match="2\\^a"):
        SharedChannelConfig("uplink", transform_precoding=True).check_carrier(CarrierConfig(n_size_grid=11))
    with pytest.raises(TypeError, match="CarrierConfig"):
        cfg.check_carrier("carrier")
