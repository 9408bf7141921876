"""Campaign plots: overlays of several campaigns, Mbit/s throughput, PNG bytes for reports."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.image import imread

from opennr.link.engine import PointResult
from opennr.link.plotting import Curve, plot_campaigns, plot_sweep, render_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _points(shift=0.0, tbs=4608):
    errors = (200, 100, 12, 0)
    blocks = (200, 400, 2000, 2000)
    return [PointResult(2.0 + i + shift, n, e, n * tbs, 10 * e)
            for i, (n, e) in enumerate(zip(blocks, errors, strict=True))]


def _image(data: bytes) -> np.ndarray:
    return imread(io.BytesIO(data), format="png")


def test_overlay_draws_each_curve_in_its_own_colour(tmp_path):
    one = plot_campaigns([Curve("a", _points())], tmp_path / "one.png", dpi=50)
    two = plot_campaigns([Curve("a", _points()), Curve("b", _points(0.5))], tmp_path / "two.png",
                         dpi=50)
    img1, img2 = imread(one), imread(two)
    assert img1.shape == img2.shape and img1.shape[0] > 200
    # C1 (orange, ~(1.0, 0.5, 0.05)) appears only in the overlay
    def orange(img):
        r, g, b = img[..., 0], img[..., 1], img[..., 2]
        return int(((r > 0.9) & (g > 0.4) & (g < 0.6) & (b < 0.2)).sum())
    assert orange(img2) > 50 and orange(img1) == 0


def test_render_png_bytes_and_mbit_axis():
    data = render_png([Curve("pdsch", _points(), slot_duration=0.5e-3)], title="t", dpi=40)
    assert data[:8] == PNG_MAGIC and len(data) > 2000
    img = _image(data)
    assert np.ptp(img[..., :3]) > 0


def test_empty_and_error_free_curves(tmp_path):
    assert plot_campaigns([], tmp_path / "e.png", dpi=40).read_bytes()[:8] == PNG_MAGIC
    clean = Curve("clean", [PointResult(9.0, 100, 0, 1000, 0)])
    assert plot_campaigns(clean, tmp_path / "c.png", dpi=40).stat().st_size > 1000
    assert plot_sweep([], tmp_path / "s.png", slot_duration=1e-3, dpi=40).exists()


def test_bad_curves_rejected(tmp_path):
    with pytest.raises(TypeError, match="Curve"):
        plot_campaigns([_points()], tmp_path / "x.png")
    with pytest.raises(TypeError, match="PointResult"):
        Curve("x", [{"snr_db": 1.0}])
    with pytest.raises(TypeError, match="label"):
        Curve(3, [])
    with pytest.raises(ValueError, match="slot_duration"):
        Curve("x", [], slot_duration=0.0)
