"""TS 38.211 §4.4.4: resource grid helpers and the grid picture."""

import numpy as np
import pytest
from matplotlib.image import imread

from opennr.ofdm import (
    CarrierConfig,
    check_grid,
    grid_shape,
    plot_resource_grid,
    resource_grid,
    subcarrier_frequencies,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_shapes():
    c = CarrierConfig(subcarrier_spacing=60, cyclic_prefix="extended", n_size_grid=24)
    assert grid_shape(c) == (1, 288, 12)
    assert grid_shape(c, 2, num_slots=4, batch_shape=(5, 3)) == (5, 3, 2, 288, 48)
    g = resource_grid(c, 2, dtype=np.complex128)
    assert g.shape == (2, 288, 12) and g.dtype == np.complex128 and not g.any()
    assert check_grid(g, c) is not None
    with pytest.raises(ValueError, match=r"K = 12 \* n_size_grid = 288.*§4\.4\.4"):
        check_grid(np.zeros((2, 287, 12)), c)
    with pytest.raises(TypeError, match="complex"):
        resource_grid(c, dtype=np.float32)
    with pytest.raises(ValueError, match=r"§4\.4\.4"):
        resource_grid(c, 0)
    with pytest.raises(TypeError):
        grid_shape("carrier")


def test_subcarrier_frequencies_centre_on_dc():
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=273)
    f = subcarrier_frequencies(c)
    assert f[1638] == 0 and f[0] == -1638 * 30e3 and f[-1] == 1637 * 30e3
    assert subcarrier_frequencies(c, k0=2)[1636] == 0


def test_plot_writes_png(tmp_path):
    c = CarrierConfig(n_size_grid=6)
    g = resource_grid(c, 2)
    g[1, ::4, [2, 11]] = 1.0
    g[1, 30:60, 3:] = 0.5
    out = tmp_path / "sub" / "grid.png"
    fig = plot_resource_grid(g, out, port=1, title="test", db=True, subcarrier_spacing=15, dpi=50)
    assert fig is not None
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC
    img = imread(out)
    assert img.ndim == 3 and np.ptp(img[..., :3]) > 0
    # a 2-D grid and no file
    assert plot_resource_grid(np.ones((12, 14))) is not None


def test_plot_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match=r"§4\.4\.4"):
        plot_resource_grid(np.zeros((2, 2, 12, 14)))
    with pytest.raises(ValueError, match="port"):
        plot_resource_grid(np.zeros((2, 12, 14)), port=2)
    with pytest.raises(TypeError):
        plot_resource_grid(np.array([["a"]]))
