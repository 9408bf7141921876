"""TR 38.901 Tables 7.7.1-1..5 and 7.5-3 (opennr.propagation.cdl_tables) against a second source."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from opennr.propagation.cdl_tables import CDL_PROFILES, cdl_profile, ray_offset_angles


def _sionna_models_dir() -> Path | None:
    spec = importlib.util.find_spec("sionna")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "phy/channel/tr38901/models/v19_2"
    return path if path.is_dir() else None


@pytest.fixture(scope="module")
def sionna_models() -> Path:
    path = _sionna_models_dir()
    if path is None:
        pytest.skip("Sionna's CDL JSON files (sionna-no-rt 2.2) are not installed")
    return path


@pytest.mark.oracle
@pytest.mark.parametrize("name", CDL_PROFILES)
def test_cdl_table_matches_sionna_json(name, sionna_models):
    ref = json.loads((sionna_models / f"{name}.json").read_text())
    p = cdl_profile(name)
    assert bool(ref["los"]) == p.has_los
    assert ref["num_clusters"] == p.cluster.max()  # the LOS ray shares cluster 1
    np.testing.assert_allclose(p.delays, ref["delays"], atol=1e-9)
    np.testing.assert_allclose(p.powers_db, ref["powers"], atol=1e-9)
    for key in ("aod", "aoa", "zod", "zoa"):
        np.testing.assert_allclose(getattr(p, key), ref[key], atol=1e-9, err_msg=key)
    assert (p.c_asd, p.c_asa, p.c_zsd, p.c_zsa, p.xpr_db) == (
        ref["cASD"], ref["cASA"], ref["cZSD"], ref["cZSA"], ref["xpr"])


def test_los_rows_and_sizes():
    sizes = {n: cdl_profile(n).num_paths for n in CDL_PROFILES}
    assert sizes == {"CDL-A": 23, "CDL-B": 23, "CDL-C": 24, "CDL-D": 14, "CDL-E": 15}
    for n in ("CDL-D", "CDL-E"):
        p = cdl_profile(n)
        assert p.specular.tolist() == [True] + [False] * (p.num_paths - 1)
        # the LOS ray and the first Laplacian cluster share delay and angles (Table 7.7.1-4/5)
        for key in ("delays", "aod", "aoa", "zod", "zoa"):
            assert getattr(p, key)[0] == getattr(p, key)[1]


@pytest.mark.parametrize("name", CDL_PROFILES)
def test_normalised_delays_have_unit_rms_spread(name):
    # §7.7.3: the tables are normalised so that tau_n * DS has rms delay spread DS (to 1 %).
    p = cdl_profile(name)
    w = p.powers
    m = np.sum(w * p.delays)
    assert np.sqrt(np.sum(w * p.delays**2) - m * m) == pytest.approx(1.0, abs=0.01)


def test_known_k_factors():
    # CDL-D: LOS -0.2 dB vs first Laplacian -13.5 dB (13.3 dB first-cluster K), E: 22 dB.
    d, e = cdl_profile("D"), cdl_profile("cdl-e")
    assert d.powers_db[0] - d.powers_db[1] == pytest.approx(13.3)
    assert e.powers_db[0] - e.powers_db[1] == pytest.approx(22.0)


def test_ray_offsets_table_7_5_3():
    a = ray_offset_angles()
    second = [0.0447, 0.1413, 0.2492, 0.3715, 0.5129, 0.6797, 0.8844, 1.1481, 1.5195, 2.1551]
    np.testing.assert_array_equal(a[0::2], second)
    np.testing.assert_array_equal(a[1::2], -np.array(second))
    assert np.sqrt(np.mean(a**2)) == pytest.approx(1.0, abs=1e-3)  # "1 deg rms spread"
    with pytest.raises(ValueError):
        a[0] = 1.0  # read-only


@pytest.mark.parametrize("bad", ["CDL-F", "TDL-A", "", 3, None])
def test_unknown_profile(bad):
    with pytest.raises(ValueError, match="TR 38.901 §7.7.1"):
        cdl_profile(bad)
