"""TDL tables (TR 38.901 Tables 7.7.2-1..5, TS 38.101-4 Tables B.2.1-2..4) and their scaling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from opennr.propagation.tdl_tables import (
    CONFORMANCE_COMBINATIONS,
    CONFORMANCE_PROFILES,
    TDL_MODELS,
    rms_delay_spread,
    tdl_profile,
    tdl_table,
)


def _sionna_models(sionna) -> Path:
    return Path(sionna.__file__).parent / "channel" / "tr38901" / "models"


@pytest.mark.oracle
@pytest.mark.parametrize("name", TDL_MODELS)
def test_tr38901_tables_match_sionna_json(sionna, name):
    """Second source: Sionna 2.2's JSON copy of the same TR 38.901 table (both versions)."""
    delays, powers, fading = tdl_table(name)
    for version in ("v16_1", "v19_2"):
        ref = json.loads((_sionna_models(sionna) / version / f"{name}.json").read_text())
        assert ref["los"] == (name in ("TDL-D", "TDL-E"))
        assert ref["scale_delays"]
        np.testing.assert_array_equal(delays, np.array(ref["delays"]))
        np.testing.assert_array_equal(powers, np.array(ref["powers"]))
        assert (fading[0] == "LOS") == bool(ref["los"])


@pytest.mark.oracle
@pytest.mark.parametrize("name,sionna_name", [("TDLA30", "TDL-A30"), ("TDLB100", "TDL-B100"),
                                              ("TDLC300", "TDL-C300")])
def test_conformance_tables_match_sionna_json(sionna, name, sionna_name):
    delays, powers, _ = tdl_table(name)
    ref = json.loads((_sionna_models(sionna) / "ts_38_101_4_v19_2_2" / f"{sionna_name}.json")
                     .read_text())
    assert not ref["scale_delays"] and ref["los"] == 0
    np.testing.assert_allclose(delays, np.array(ref["delays"]) * 1e-9, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(powers, np.array(ref["powers"]))


@pytest.mark.parametrize("name", TDL_MODELS)
def test_normalised_tables_have_unit_delay_spread(name):
    """The tables are normalised to DS = 1 (TR 38.901 §7.7.3); TDL-D's rounded table gives 0.994."""
    delays, powers, _ = tdl_table(name)
    assert rms_delay_spread(delays, 10 ** (powers / 10)) == pytest.approx(1.0, abs=0.007)


@pytest.mark.parametrize("name,ds", [("TDLA30", 30e-9), ("TDLB100", 100e-9), ("TDLC300", 300e-9)])
def test_conformance_delay_spread_matches_name(name, ds):
    p = tdl_profile(name)
    assert p.delay_spread == pytest.approx(ds, rel=0.005)  # rounded table: 100.37 ns for B100
    assert p.num_paths == 12 and not p.has_los
    assert p.powers.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", TDL_MODELS)
def test_delay_spread_scaling(name):
    """§7.7.3: tau_n = tau_n,model DS; powers normalised to one."""
    delays, powers_db, fading = tdl_table(name)
    p = tdl_profile(name, delay_spread=250e-9)
    keep = np.array([f != "LOS" for f in fading])
    np.testing.assert_allclose(p.delays, delays[keep] * 250e-9)
    lin = 10 ** (powers_db / 10)
    lin /= lin.sum()
    expect = lin[keep].copy()
    expect[0] += lin[~keep].sum()
    np.testing.assert_allclose(p.powers, expect)
    assert rms_delay_spread(p.delays, p.powers) == pytest.approx(250e-9, rel=0.007)


def test_los_profiles_k_factors():
    d = tdl_profile("TDL-D", delay_spread=1e-7)
    e = tdl_profile("TDL-E", delay_spread=1e-7)
    assert d.first_tap_k_factor_db == pytest.approx(13.3)
    assert e.first_tap_k_factor_db == pytest.approx(22.0)
    assert d.k_factor_db == pytest.approx(8.98, abs=0.01)  # MATLAB's default KFactor: 9 dB
    assert d.num_paths == 13 and e.num_paths == 14


@pytest.mark.parametrize("name", ["TDL-D", "TDL-E"])
@pytest.mark.parametrize("k", [-3.0, 0.0, 9.0, 20.0])
def test_k_factor_scaling_keeps_delay_spread(name, k):
    """§7.7.6: the desired K is reached, powers sum to one, DS stays the desired one."""
    p = tdl_profile(name, delay_spread=50e-9, k_factor=k)
    assert p.k_factor_db == pytest.approx(k, abs=1e-9)
    assert p.powers.sum() == pytest.approx(1.0)
    assert rms_delay_spread(p.delays, p.powers) == pytest.approx(50e-9, rel=1e-9)
    base = tdl_profile(name, delay_spread=50e-9)
    ratio = p.nlos_powers / base.nlos_powers  # every diffuse power scaled alike
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-9)


def test_combination_names():
    for name, (base, fd) in CONFORMANCE_COMBINATIONS.items():
        assert base in CONFORMANCE_PROFILES and fd > 0
        np.testing.assert_array_equal(tdl_profile(name).delays, tdl_profile(base).delays)


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"name": "TDL-F", "delay_spread": 1e-7}, ValueError, "name must be one of"),
    ({"name": "tdl-a", "delay_spread": 1e-7}, ValueError, "name must be one of"),
    ({"name": "TDL-A"}, ValueError, "delay_spread"),
    ({"name": "TDL-A", "delay_spread": -1e-9}, ValueError, "delay_spread"),
    ({"name": "TDL-A", "delay_spread": 0.0}, ValueError, "delay_spread"),
    ({"name": "TDL-A", "delay_spread": "30ns"}, TypeError, "delay_spread"),
    ({"name": "TDLA30", "delay_spread": 3e-8}, ValueError, "absolute"),
    ({"name": "TDL-A", "delay_spread": 1e-7, "k_factor": 3.0}, ValueError, "TDL-D and TDL-E"),
    ({"name": "TDL-D", "delay_spread": 1e-7, "k_factor": float("nan")}, ValueError, "k_factor"),
])
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        tdl_profile(**kwargs)
    with pytest.raises(ValueError, match="name"):
        tdl_table("TDL-Z")
