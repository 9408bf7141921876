"""Power-delay profile and Doppler spectrum plots (opennr.propagation.plotting)."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.propagation.plotting import (
    doppler_spectrum,
    plot_doppler_spectrum,
    plot_power_delay_profile,
)
from opennr.propagation.tdl import TdlChannel


def test_plots_are_written(tmp_path):
    ch = TdlChannel("TDL-D", delay_spread=100e-9, max_doppler=50.0, batch_size=4, seed=1)
    fig = plot_power_delay_profile(ch, tmp_path / "pdp.png")
    assert (tmp_path / "pdp.png").stat().st_size > 1000
    assert "TDL-D" in fig.axes[0].get_title()
    fig = plot_doppler_spectrum(ch, tmp_path / "doppler.png", path_index=2)
    assert (tmp_path / "doppler.png").stat().st_size > 1000
    assert len(fig.axes[0].lines) == 2  # measured and Jakes


def test_doppler_spectrum_shape():
    """Welch spectrum of a Rayleigh tap: unit area, support |f| <= f_D (1 % of the peak), and
    the U shape of Jakes' spectrum (edges above the centre)."""
    fd = 100.0
    ch = TdlChannel("TDLA30", max_doppler=fd, batch_size=20, seed=2)
    f, s = doppler_spectrum(ch, path_index=1, num_samples=16384)
    assert np.sum(s) * (f[1] - f[0]) == pytest.approx(1.0)
    assert np.all(np.abs(f[s > 0.01 * s.max()]) <= 1.05 * fd)
    centre = s[np.abs(f) < 0.3 * fd].mean()
    edge = s[(np.abs(f) > 0.85 * fd) & (np.abs(f) < 0.98 * fd)].mean()
    assert edge > 1.5 * centre


def test_bad_input():
    with pytest.raises(TypeError, match="path_gains"):
        plot_power_delay_profile(object())
    ch = TdlChannel("TDLA30", max_doppler=0.0, seed=3)
    with pytest.raises(ValueError, match="sample_rate"):
        doppler_spectrum(ch)
    with pytest.raises(ValueError, match="path_index"):
        doppler_spectrum(ch, sample_rate=100.0, path_index=12)
