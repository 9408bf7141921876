"""Link plots: a valid PNG is written for typical, empty and error-free sweeps."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.image import imread

from opennr.link.engine import PointResult
from opennr.link.plotting import plot_sweep

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _points():
    return [
        PointResult(0.0, 200, 200, 200 * 100, 5000),
        PointResult(0.5, 400, 100, 400 * 100, 900),
        PointResult(1.0, 2000, 12, 2000 * 100, 40),
        PointResult(1.5, 2000, 0, 2000 * 100, 0),
    ]


def test_plot_writes_png(tmp_path):
    out = plot_sweep(_points(), tmp_path / "sub" / "bler.png", title="test", dpi=60)
    assert out == tmp_path / "sub" / "bler.png"
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC
    img = imread(out)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    assert np.ptp(img[..., :3]) > 0  # not a blank image


def test_plot_empty_and_single_point(tmp_path):
    assert plot_sweep([], tmp_path / "e.png", dpi=40).read_bytes()[:8] == PNG_MAGIC
    one = [PointResult(2.0, 100, 0, 1000, 0)]
    assert plot_sweep(one, tmp_path / "o.png", dpi=40).read_bytes()[:8] == PNG_MAGIC


def test_plot_rejects_other_objects(tmp_path):
    with pytest.raises(TypeError, match="PointResult"):
        plot_sweep([{"snr_db": 0.0}], tmp_path / "x.png")
