"""TS 38.211 §4.4.5, TS 38.213 §12: bandwidth parts inside a carrier grid."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.ofdm import (
    BandwidthPartConfig,
    CarrierConfig,
    extract_bwp_grid,
    insert_bwp_grid,
    resource_grid,
)

SCS = (15, 30, 60, 120)


@st.composite
def carrier_and_bwp(draw):
    """A carrier and a BWP of the same numerology, anywhere near (inside or outside) the grid."""
    scs = draw(st.sampled_from(SCS))
    cp = "extended" if scs == 60 and draw(st.booleans()) else "normal"
    carrier = CarrierConfig(
        subcarrier_spacing=scs,
        cyclic_prefix=cp,
        n_size_grid=draw(st.integers(1, 275)),
        n_start_grid=draw(st.integers(0, 2199)),
    )
    # n_start_bwp is at most 2473 (TS 38.213 §12: 2199 + 274)
    start = draw(st.integers(max(0, carrier.n_start_grid - 20), min(2473, carrier.n_start_grid + 300)))
    bwp = BandwidthPartConfig(draw(st.integers(1, 275)), start, scs, cp)
    return carrier, bwp


def _inside(carrier, bwp):
    """Independent statement of §4.4.5: every CRB of the BWP is a CRB of the carrier grid."""
    grid_crbs = set(range(carrier.n_start_grid, carrier.n_start_grid + carrier.n_size_grid))
    return all(
        crb in grid_crbs for crb in range(bwp.n_start_bwp, bwp.n_start_bwp + bwp.n_size_bwp)
    )


@settings(max_examples=200, deadline=None)
@given(carrier_and_bwp())
def test_validate_accepts_exactly_the_bwps_inside_the_grid(cb):
    carrier, bwp = cb
    if _inside(carrier, bwp):
        bwp.validate(carrier)
        k = bwp.first_subcarrier(carrier)
        assert k == 12 * (bwp.n_start_bwp - carrier.n_start_grid)
        assert 0 <= k and k + bwp.num_subcarriers <= carrier.num_subcarriers
        assert bwp.first_rb(carrier) * 12 == k
        assert list(bwp.crb_range) == list(range(bwp.n_start_bwp, bwp.n_start_bwp + bwp.n_size_bwp))
    else:
        with pytest.raises(ValueError, match=r"inside the carrier grid.*TS 38\.211 §4\.4\.5"):
            bwp.validate(carrier)
        with pytest.raises(ValueError, match=r"§4\.4\.5"):
            bwp.first_subcarrier(carrier)


@st.composite
def inside_pair(draw):
    scs = draw(st.sampled_from(SCS))
    size_grid = draw(st.integers(1, 40))
    carrier = CarrierConfig(scs, n_size_grid=size_grid, n_start_grid=draw(st.integers(0, 50)))
    size = draw(st.integers(1, size_grid))
    offset = draw(st.integers(0, size_grid - size))
    return carrier, BandwidthPartConfig(size, carrier.n_start_grid + offset, scs)


@settings(max_examples=60, deadline=None)
@given(inside_pair(), st.integers(0, 2**32 - 1), st.sampled_from([(), (2,), (2, 3)]))
def test_extract_insert_round_trip(pair, seed, batch):
    carrier, bwp = pair
    rng = np.random.default_rng(seed)
    shape = (*batch, 2, carrier.num_subcarriers, 14)
    grid = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)
    sub = extract_bwp_grid(grid, carrier, bwp)
    # Oracle: carrier subcarrier k belongs to CRB n_start_grid + k // 12 (§4.4.4.3).
    crb = carrier.n_start_grid + np.arange(carrier.num_subcarriers) // 12
    mask = (crb >= bwp.n_start_bwp) & (crb < bwp.n_start_bwp + bwp.n_size_bwp)
    np.testing.assert_array_equal(sub, grid[..., mask, :])
    assert sub.dtype == np.complex64 and sub.shape == (*batch, 2, bwp.num_subcarriers, 14)
    sub[...] = 0  # a copy: the carrier grid is untouched
    assert np.array_equal(extract_bwp_grid(grid, carrier, bwp), grid[..., mask, :])
    # insert(extract(g)) == g, and insert changes exactly the BWP's subcarriers
    assert np.array_equal(insert_bwp_grid(grid, extract_bwp_grid(grid, carrier, bwp), carrier,
                                          bwp), grid)
    new = rng.standard_normal((*batch, 2, bwp.num_subcarriers, 14)).astype(np.complex64)
    out = insert_bwp_grid(grid, new, carrier, bwp)
    assert out.dtype == grid.dtype and out is not grid
    np.testing.assert_array_equal(out[..., mask, :], new)
    np.testing.assert_array_equal(out[..., ~mask, :], grid[..., ~mask, :])
    np.testing.assert_array_equal(extract_bwp_grid(out, carrier, bwp), new)


def test_worked_example_and_properties():
    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=273, n_start_grid=5)
    bwp = BandwidthPartConfig(n_size_bwp=51, n_start_bwp=100, subcarrier_spacing=30)
    assert (bwp.mu, bwp.symbols_per_slot, bwp.num_subcarriers) == (1, 14, 612)
    assert bwp.first_rb(carrier) == 95 and bwp.first_subcarrier(carrier) == 1140
    assert bwp.subcarrier_slice(carrier) == slice(1140, 1752)
    assert bwp.crb_range == range(100, 151)
    full = BandwidthPartConfig(273, 5, 30)
    full.validate(carrier)
    assert full.first_subcarrier(carrier) == 0
    g = resource_grid(carrier, 2)
    assert extract_bwp_grid(g, carrier, full).shape == g.shape
    assert BandwidthPartConfig().replace(n_start_bwp=3).n_start_bwp == 3
    # edges of the grid: last CRB inside, one beyond outside
    BandwidthPartConfig(1, 277, 30).validate(carrier)
    with pytest.raises(ValueError, match="CRBs 278..278"):
        BandwidthPartConfig(1, 278, 30).validate(carrier)
    with pytest.raises(ValueError, match="n_start_grid <= n_start_bwp"):
        BandwidthPartConfig(10, 4, 30).validate(carrier)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_size_bwp": 0}, ValueError, r"n_size_bwp must be in \[1, 275\].*§4\.4\.5"),
        ({"n_size_bwp": 276}, ValueError, r"n_size_bwp.*§4\.4\.5"),
        ({"n_size_bwp": 2.0}, TypeError, "n_size_bwp must be an integer"),
        ({"n_start_bwp": -1}, ValueError, r"n_start_bwp.*§4\.4\.5, TS 38\.213 §12"),
        ({"n_start_bwp": 2474}, ValueError, r"n_start_bwp must be in \[0, 2473\]"),
        ({"n_start_bwp": True}, TypeError, "n_start_bwp must be an integer"),
        ({"subcarrier_spacing": 45}, ValueError, "Table 4.2-1"),
        ({"subcarrier_spacing": "wide"}, TypeError, "subcarrier_spacing"),
        ({"cyclic_prefix": "extended"}, ValueError, "extended"),
        ({"cyclic_prefix": "long"}, ValueError, "cyclic_prefix"),
    ],
)
def test_bad_fields(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        BandwidthPartConfig(**kwargs)


def test_numerology_mismatch_and_bad_arguments():
    carrier = CarrierConfig(subcarrier_spacing=30)
    with pytest.raises(ValueError, match=r"numerology \(15 kHz.*30 kHz.*§4\.4\.5"):
        BandwidthPartConfig(10, 0, 15).validate(carrier)
    ext = CarrierConfig(subcarrier_spacing=60, cyclic_prefix="extended")
    with pytest.raises(ValueError, match=r"normal CP.*extended CP"):
        BandwidthPartConfig(10, 0, 60).validate(ext)
    BandwidthPartConfig(10, 0, 60, "extended").validate(ext)
    bwp = BandwidthPartConfig(10, 0, 30)
    with pytest.raises(TypeError, match="carrier must be a CarrierConfig"):
        bwp.validate("carrier")
    g = resource_grid(carrier)
    with pytest.raises(TypeError, match="bwp must be a BandwidthPartConfig"):
        extract_bwp_grid(g, carrier, (10, 0))
    with pytest.raises(TypeError, match="carrier must be a CarrierConfig"):
        extract_bwp_grid(g, None, bwp)
    with pytest.raises(ValueError, match=r"numerology"):
        extract_bwp_grid(g, carrier, BandwidthPartConfig(10, 0, 15))
    with pytest.raises(TypeError, match="complex"):
        extract_bwp_grid(g.real, carrier, bwp)
    with pytest.raises(ValueError, match=r"\[\.\.\., P, K, L\] with K = 12 \* n_size_grid = 624"):
        extract_bwp_grid(g[:, :600], carrier, bwp)
    with pytest.raises(ValueError, match=r"\[\.\.\., P, K, L\]"):
        extract_bwp_grid(g[0], carrier, bwp)  # no port axis
    sub = extract_bwp_grid(g, carrier, bwp)
    with pytest.raises(ValueError, match=r"bwp_grid must have shape .*\(1, 120, 14\)"):
        insert_bwp_grid(g, sub[:, :-1], carrier, bwp)
    with pytest.raises(ValueError, match=r"bwp_grid must have shape"):
        insert_bwp_grid(g, np.stack([sub, sub]), carrier, bwp)
    with pytest.raises(TypeError, match="bwp_grid must be a numeric"):
        insert_bwp_grid(g, sub.astype(bool), carrier, bwp)
    with pytest.raises(TypeError, match="grid must be a complex"):
        insert_bwp_grid(np.zeros(g.shape), sub, carrier, bwp)
