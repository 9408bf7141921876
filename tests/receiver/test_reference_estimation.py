"""reference_channel_estimate (general reference-RE positions): batch axes, CDM separation of two
ports sharing REs, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.receiver.channel_estimation import reference_channel_estimate


def test_cdm_pair_separated_and_batched():
    # two ports on the same REs with covers [+1, +1] / [+1, -1] (w_f), constant channels
    k = np.arange(0, 48, 2)
    a0 = np.ones(k.size)
    a1 = np.where(np.arange(k.size) % 2 == 0, 1.0, -1.0)
    h = np.array([[0.3 + 1j, -0.8], [0.5j, 1.2 - 0.1j]])  # [R, P]
    rx = np.zeros((3, 2, 48, 14), complex)  # batch of 3
    for b in range(3):
        rx[b, :, k, 4] = ((b + 1) * (h[:, 0, None] * a0 + h[:, 1, None] * a1)).T
    ind = np.stack([k + 48 * 4, k + 48 * 4])
    est = reference_channel_estimate(rx, ind, np.stack([a0, a1]), cdm_lengths=(2, 1))
    assert est.h.shape == (3, 2, 2, 48, 14) and est.noise_var.shape == (3,)
    for b in range(3):
        np.testing.assert_allclose(est.h[b, :, :, 10, 0], (b + 1) * h, atol=1e-6)
    # without despreading the ports leak into each other
    raw = reference_channel_estimate(rx, ind, np.stack([a0, a1]))
    assert np.abs(raw.h[0, :, :, 10, 0] - h).max() > 0.1


@pytest.mark.parametrize(("ind", "sym", "kw", "exc"), [
    (np.array([0, 1]), np.array([1.0]), {}, ValueError),
    (np.array([0.0, 1.0]), np.array([1.0, 1.0]), {}, TypeError),
    (np.array([0, 48 * 14]), np.array([1.0, 1.0]), {}, ValueError),
    (np.array([0, 1]), np.array([1.0, 0.0]), {}, ValueError),
    (np.array([0, 1]), np.array(["a", "b"]), {}, TypeError),
    (np.array([0, 1]), np.array([1.0, 1.0]), {"cdm_lengths": (0, 1)}, ValueError),
    (np.array([0, 1]), np.array([1.0, 1.0]), {"cdm_lengths": (1.5, 1)}, TypeError),
    (np.array([0, 1]), np.array([1.0, 1.0]), {"averaging_window": (2, 1)}, ValueError),
    (np.array([0, 1]), np.array([1.0, 1.0]), {"interpolation": "wiener"}, ValueError),
])
def test_bad_inputs(ind, sym, kw, exc):
    with pytest.raises(exc):
        reference_channel_estimate(np.zeros((1, 48, 14), complex), ind, sym, **kw)
    with pytest.raises(TypeError):
        reference_channel_estimate(np.zeros((1, 48, 14), int), np.array([0]), np.array([1.0]))
    with pytest.raises(ValueError):
        reference_channel_estimate(np.zeros((48, 14), complex), np.array([0]), np.array([1.0]))
