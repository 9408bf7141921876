"""opennr.matlab.timing.nrTimingEstimate: MATLAB syntaxes, a naive correlation twin, a real capture."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.matlab.ofdm import nrCarrierConfig, nrOFDMModulate
from opennr.matlab.timing import nrTimingEstimate


def _grid(rng, k=132, ports=1):
    g = np.zeros((k, 14, ports), complex)
    for p in range(ports):
        g[p::4, 2 + p, p] = np.exp(2j * np.pi * rng.random(len(range(p, k, 4))))
        g[p::4, 11, p] = np.exp(2j * np.pi * rng.random(len(range(p, k, 4))))
    return g


def _naive(w, ref):
    """Direct circular cross-correlation: mag[t, r] = sum_p |sum_m w[(t + m) % n, r] ref*[m, p]|."""
    n = max(w.shape[0], ref.shape[0])
    wp = np.zeros((n, w.shape[1]), complex)
    wp[: w.shape[0]] = w
    rp = np.zeros((n, ref.shape[1]), complex)
    rp[: ref.shape[0]] = ref
    mag = np.zeros((n, w.shape[1]))
    for t in range(n):
        idx = (t + np.arange(n)) % n
        mag[t] = np.abs(wp[idx].T @ rp.conj()).sum(axis=1)
    return mag


@pytest.mark.parametrize("delay", [0, 5, 123, 1000])
def test_offset_of_a_delayed_reference(rng, delay):
    carrier = nrCarrierConfig(NSizeGrid=11, SubcarrierSpacing=30, NSlot=3)
    grid = _grid(rng)[:, :, 0]
    ref = nrOFDMModulate(carrier, grid)[0]
    noise = 0.05 * (rng.standard_normal(ref.size + 1500) + 1j * rng.standard_normal(ref.size + 1500))
    rx = noise.copy()
    rx[delay : delay + ref.size] += ref
    offset, mag = nrTimingEstimate(carrier, rx, grid)
    assert offset == delay and mag.shape == (rx.size,) and mag.dtype == np.float32
    # the (waveform, nrb, scs, initialNSlot, refGrid) syntax gives the same
    o2, m2 = nrTimingEstimate(rx, 11, 30, 3, grid)
    assert o2 == delay
    np.testing.assert_allclose(m2, mag, rtol=1e-5)


def test_matches_naive_correlation_multi_antenna_multi_port(rng):
    carrier = nrCarrierConfig(NSizeGrid=6)
    grid = _grid(rng, k=72, ports=2)
    ref = nrOFDMModulate(carrier, grid)[0]  # T x 2
    h = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))  # port -> antenna
    rx = np.zeros((ref.shape[0] + 40, 3), complex)
    rx[17 : 17 + ref.shape[0]] = ref @ h
    rx += 0.01 * rng.standard_normal(rx.shape)
    offset, mag = nrTimingEstimate(carrier, rx, grid)
    assert offset == 17 and mag.shape == (rx.shape[0], 3)
    np.testing.assert_allclose(mag, _naive(rx, ref), rtol=2e-4, atol=1e-3 * mag.max())


def test_ref_indices_and_symbols_syntax(rng):
    carrier = nrCarrierConfig(NSizeGrid=11)
    grid = _grid(rng)
    ind = np.flatnonzero(grid.ravel(order="F")) + 1  # 1-based, column-major (MATLAB)
    sym = grid.ravel(order="F")[ind - 1]
    ref = nrOFDMModulate(carrier, grid[:, :, 0])[0]
    rx = np.concatenate([np.zeros(250), ref])
    o1, m1 = nrTimingEstimate(carrier, rx, ind, sym)
    o2, m2 = nrTimingEstimate(rx, 11, 15, 0, ind, sym)
    assert o1 == o2 == 250
    np.testing.assert_allclose(m1, m2, rtol=1e-5)


def test_sample_rate_option(rng):
    carrier = nrCarrierConfig(NSizeGrid=11)
    grid = _grid(rng)[:, :, 0]
    ref = nrOFDMModulate(carrier, grid, SampleRate=7.68e6)[0]
    rx = np.concatenate([np.zeros(99), ref])
    assert nrTimingEstimate(carrier, rx, grid, SampleRate=7.68e6)[0] == 99


def test_bad_inputs(rng):
    carrier = nrCarrierConfig(NSizeGrid=11)
    grid = _grid(rng)[:, :, 0]
    with pytest.raises(TypeError, match="expects"):
        nrTimingEstimate(carrier, np.zeros(100))
    with pytest.raises(TypeError, match="expects"):
        nrTimingEstimate(np.zeros(100), 11, 15)
    with pytest.raises(ValueError, match="T-by-NR"):
        nrTimingEstimate(carrier, np.zeros((10, 2, 2)), grid)
    with pytest.raises(TypeError, match="numeric"):
        nrTimingEstimate(carrier, np.array(["a"]), grid)
    with pytest.raises(ValueError, match="NaN"):
        nrTimingEstimate(carrier, np.full((10, 1), np.nan), grid)
    with pytest.raises(ValueError, match="K-by-L-by-P"):
        nrTimingEstimate(carrier, np.zeros(100), np.zeros((12, 14)))
    with pytest.raises(ValueError, match="same number of elements"):
        nrTimingEstimate(carrier, np.zeros(100), [1, 2], [1])
    with pytest.raises(ValueError, match="1-based"):
        nrTimingEstimate(carrier, np.zeros(100), [0, 2], [1, 1])
    with pytest.raises(TypeError, match="CyclicPrefix"):
        nrTimingEstimate(carrier, np.zeros(100), grid, CyclicPrefix="extended")
    with pytest.raises(ValueError, match="nrb"):
        nrTimingEstimate(np.zeros(100), 0, 15, 0, grid)


@pytest.mark.reference
def test_real_n3_recording_slot_start(reference_dir):
    """srsRAN's n3 recording (PROVENANCE §7): a reference grid holding the PSS and SSS of PCI
    500 in slot 0 (case A: symbols 2 and 4; SSB centre 30 subcarriers below the carrier centre)
    puts the slot start at sample 0, i.e. the SSB at sample 2200 as srsRAN asserts."""
    from opennr.io.sigmf import read_recording
    from opennr.signals.sync import pss, sss

    rec = read_recording(reference_dir / "captures/srsran_4g/"
                         "n3_pci500_rb52_si_coreset0_idx6_fs15p36M.sigmf-meta")
    carrier = nrCarrierConfig(NSizeGrid=52, NCellID=500)
    grid = np.zeros((624, 14), complex)
    k0 = 312 - 30 - 120  # carrier subcarrier of SSB subcarrier 0
    grid[k0 + 56 : k0 + 183, 2] = pss(500 % 3)
    grid[k0 + 56 : k0 + 183, 4] = sss(500)
    offset, mag = nrTimingEstimate(carrier, rec.samples[0], grid)
    assert offset == 0
    assert mag[0] > 5 * np.median(mag)
