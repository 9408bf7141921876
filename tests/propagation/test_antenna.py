"""TR 38.901 §7.1, §7.3 antenna model (opennr.propagation.antenna)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from opennr.propagation.antenna import (
    PanelArray,
    element_field_lcs,
    element_gain_db,
    field_to_gcs,
    rotation_matrix,
    unit_vector,
)


def test_table_7_3_1_pattern_points():
    # boresight 8 dBi; 3 dB down at half the 65 deg beamwidth; 30 dB floor (-22 dBi)
    assert element_gain_db(90, 0) == pytest.approx(8.0)
    assert element_gain_db(90, 32.5) == pytest.approx(5.0)
    assert element_gain_db(90 + 32.5, 0) == pytest.approx(5.0)
    assert element_gain_db(90, 180) == pytest.approx(-22.0)
    assert element_gain_db(0, 0) == pytest.approx(8 - 12 * (90 / 65) ** 2)  # A'_V only
    assert element_gain_db(0, 90) == pytest.approx(-22.0)  # A_m = 30 dB floor
    assert element_gain_db(90, -200) == element_gain_db(90, 160)  # azimuth wrapped
    np.testing.assert_array_equal(element_gain_db([10, 90], [50, 0], "isotropic"), [0, 0])


@pytest.mark.parametrize("model", [1, 2])
@pytest.mark.parametrize("slant", [0.0, 45.0, -45.0, 90.0])
def test_field_power_equals_gain(model, slant, rng):
    th = rng.uniform(1, 179, 200)
    ph = rng.uniform(-180, 180, 200)
    ft, fp = element_field_lcs(th, ph, slant, polarization_model=model)
    np.testing.assert_allclose(ft**2 + fp**2, 10 ** (element_gain_db(th, ph) / 10), rtol=1e-12)


def test_model_1_is_a_rotated_dipole(rng):
    # Independent physics: a short dipole along p = R_x(zeta) z^ radiates a field along
    # -(p - (p.r) r) (projected on theta^, phi^); model 1 must give the same direction psi.
    zeta = 30.0
    th = rng.uniform(5, 175, 100)
    ph = rng.uniform(-180, 180, 100)
    ft, fp = element_field_lcs(th, ph, zeta, element="isotropic", polarization_model=1)
    p = rotation_matrix([0, 0, zeta]) @ np.array([0.0, 0.0, 1.0])
    r = unit_vector(th, ph)
    e = -(p - (r @ p)[:, None] * r)
    t_r, p_r = np.deg2rad(th), np.deg2rad(ph)
    th_hat = np.stack([np.cos(t_r) * np.cos(p_r), np.cos(t_r) * np.sin(p_r), -np.sin(t_r)], -1)
    ph_hat = np.stack([-np.sin(p_r), np.cos(p_r), np.zeros_like(p_r)], -1)
    et, ep = np.sum(e * th_hat, -1), np.sum(e * ph_hat, -1)
    n = np.hypot(et, ep)
    np.testing.assert_allclose(ft, et / n, atol=1e-12)
    np.testing.assert_allclose(fp, ep / n, atol=1e-12)


def _closed_form_lcs(theta, phi, a, b, g):
    # TR 38.901 eq. 7.1-7, 7.1-8 (theta', phi') and 7.1-15 (psi), written out independently.
    t, p, a, b, g = map(np.deg2rad, (theta, phi, a, b, g))
    tl = np.arccos(np.cos(b) * np.cos(g) * np.cos(t)
                   + (np.sin(b) * np.cos(g) * np.cos(p - a) - np.sin(g) * np.sin(p - a)) * np.sin(t))
    pl = np.angle((np.cos(b) * np.sin(t) * np.cos(p - a) - np.sin(b) * np.cos(t))
                  + 1j * (np.cos(b) * np.sin(g) * np.cos(t)
                          + (np.sin(b) * np.sin(g) * np.cos(p - a) + np.cos(g) * np.sin(p - a))
                          * np.sin(t)))
    psi = np.angle((np.sin(g) * np.cos(t) * np.sin(p - a)
                    + np.cos(g) * (np.cos(b) * np.sin(t) - np.sin(b) * np.cos(t) * np.cos(p - a)))
                   + 1j * (np.sin(g) * np.cos(p - a) + np.sin(b) * np.cos(g) * np.sin(p - a)))
    return np.rad2deg(tl), np.rad2deg(pl), psi


@pytest.mark.parametrize("orientation", [(0, 0, 0), (30, 0, 0), (0, 15, 0), (0, 0, 20),
                                         (45, 10, -30)])
def test_gcs_transformation_matches_eq_7_1_11(orientation, rng):
    th = rng.uniform(5, 175, 200)
    ph = rng.uniform(-180, 180, 200)
    lcs = partial(element_field_lcs, slant=45.0, polarization_model=2)
    ft, fp = field_to_gcs(th, ph, orientation, lcs)
    tl, pl, psi = _closed_form_lcs(th, ph, *orientation)
    ftl, fpl = lcs(tl, pl)
    np.testing.assert_allclose(ft, np.cos(psi) * ftl - np.sin(psi) * fpl, atol=1e-9)
    np.testing.assert_allclose(fp, np.sin(psi) * ftl + np.cos(psi) * fpl, atol=1e-9)


def test_rotation_matrix_properties():
    r = rotation_matrix([37, -12, 71])
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1.0)
    # downtilt beta > 0 points the boresight below the horizon
    assert (rotation_matrix([0, 10, 0]) @ [1, 0, 0])[2] < 0


def test_panel_geometry_and_port_order():
    a = PanelArray(size=(2, 3, 2, 1, 2), element_spacing=(0.5, 0.5, 2.0, 2.0))
    assert a.num_elements == 24
    pos = a.element_positions(local=True)
    # MATLAB linear order: m fastest, then n, p, mg, ng
    idx = lambda m, n, p, mg, ng: m + 2 * (n + 3 * (p + 2 * (mg + 1 * ng)))
    assert pos[idx(1, 0, 0, 0, 0), 2] - pos[idx(0, 0, 0, 0, 0), 2] == pytest.approx(0.5)
    assert pos[idx(0, 1, 0, 0, 0), 1] - pos[idx(0, 0, 0, 0, 0), 1] == pytest.approx(0.5)
    assert pos[idx(0, 0, 0, 0, 1), 1] - pos[idx(0, 0, 0, 0, 0), 1] == pytest.approx(2.0)
    np.testing.assert_array_equal(pos[idx(0, 0, 1, 0, 0)], pos[idx(0, 0, 0, 0, 0)])  # co-located
    np.testing.assert_allclose(pos.mean(axis=0), 0.0, atol=1e-12)  # centred
    assert a.element_slants()[idx(0, 0, 1, 0, 0)] == -45.0
    # orientation rotates positions
    b = PanelArray(size=(1, 2, 1, 1, 1), orientation=(90, 0, 0))
    np.testing.assert_allclose(b.element_positions()[:, 0], [0.25, -0.25], atol=1e-12)


def test_steering_vector_ula_broadside_and_endfire():
    a = PanelArray(size=(1, 4, 1, 1, 1), element="isotropic")
    np.testing.assert_allclose(a.steering_vector(90.0, 0.0), np.ones(4), atol=1e-12)
    v = a.steering_vector(90.0, 90.0)  # along +y: phase step 2 pi * 0.5
    np.testing.assert_allclose(v[1:] / v[:-1], -np.ones(3), atol=1e-12)


def test_field_pattern_shapes_and_vertical_isotropic():
    a = PanelArray(size=(1, 1, 2, 1, 1), element="isotropic", polarization_angles=(0, 90))
    f = a.field_pattern(np.full((3, 5), 90.0), np.zeros((3, 5)))
    assert f.shape == (3, 5, 2, 2)
    np.testing.assert_allclose(f[..., 0, :], np.broadcast_to([1.0, 0.0], (3, 5, 2)), atol=1e-12)
    np.testing.assert_allclose(f[..., 1, :], np.broadcast_to([0.0, 1.0], (3, 5, 2)), atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"size": (1, 1, 3, 1, 1)}, ValueError),
        ({"size": (0, 1, 1, 1, 1)}, ValueError),
        ({"size": (1, 1, 1, 1)}, ValueError),
        ({"size": (1.5, 1, 1, 1, 1)}, TypeError),
        ({"size": 5}, TypeError),
        ({"element_spacing": (0.5, -0.5, 1, 1)}, ValueError),
        ({"size": (1, 4, 1, 1, 2), "element_spacing": (0.5, 0.5, 1.0, 1.0)}, ValueError),
        ({"element": "dipole"}, ValueError),
        ({"polarization_model": 3}, ValueError),
        ({"orientation": (0, 0)}, ValueError),
        ({"polarization_angles": (np.nan, 0)}, ValueError),
    ],
)
def test_bad_arrays(kwargs, exc):
    with pytest.raises(exc, match="TR 38.901|size"):
        PanelArray(**kwargs)


def test_bad_element_inputs():
    with pytest.raises(ValueError, match="element"):
        element_gain_db(90, 0, "omni")
    with pytest.raises(TypeError, match="slant"):
        element_field_lcs(90, 0, "45")
    with pytest.raises(ValueError, match="orientation"):
        rotation_matrix([0, 0])
