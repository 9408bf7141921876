"""TS 38.211 §5.3.1 (implementation): the FFT backends of the OFDM modulator agree.

``scipy`` is always there; ``ducc0`` (optional extra) is compared with it when installed, and the
in-place path it drives (FFT buffers = strided views of the waveform) is checked against the
scipy path, the §5.3.1 formula and round trips.
"""

import numpy as np
import pytest

from opennr.ofdm import CarrierConfig, modulator, ofdm_demodulate, ofdm_modulate
from opennr.ofdm._fft import (
    FFT_BACKENDS,
    available_fft_backends,
    c2c,
    resolve_fft_backend,
)

HAVE_DUCC0 = "ducc0" in available_fft_backends()
needs_ducc0 = pytest.mark.skipif(not HAVE_DUCC0, reason="ducc0 (optional FFT backend) not installed")


def _grid(rng, shape):
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)).astype(
        np.complex64)


def test_scipy_always_available_and_auto_resolves():
    assert "scipy" in available_fft_backends()
    assert set(available_fft_backends()) <= set(FFT_BACKENDS)
    assert resolve_fft_backend("auto") == available_fft_backends()[0]
    assert resolve_fft_backend("scipy") == "scipy"


@pytest.mark.parametrize("bad", ["fftw", "", None, 3])
def test_unknown_backend_rejected(bad):
    with pytest.raises(ValueError, match="fft_backend"):
        resolve_fft_backend(bad)
    c = CarrierConfig(n_size_grid=1)
    with pytest.raises(ValueError, match="fft_backend"):
        ofdm_modulate(np.zeros((12, 14), np.complex64), c, fft_backend=bad)
    with pytest.raises(ValueError, match="fft_backend"):
        ofdm_demodulate(np.zeros(1920, np.complex64), c, fft_backend=bad)


@pytest.mark.skipif(HAVE_DUCC0, reason="ducc0 is installed here")
def test_missing_ducc0_named():
    with pytest.raises(ValueError, match="not installed"):
        resolve_fft_backend("ducc0")


@pytest.mark.parametrize("backend", available_fft_backends())
@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("norm", ["backward", "ortho"])
def test_c2c_matches_numpy_on_strided_views(backend, forward, norm, rng):
    n = 64
    buf = _grid(rng, (3, 5 * (n + 7)))
    view = np.lib.stride_tricks.as_strided(buf[:, 7:], shape=(3, 4, n),
                                           strides=(buf.strides[0], (n + 7) * 8, 8))
    ref = (np.fft.fft if forward else np.fft.ifft)(view.astype(np.complex128), axis=-1, norm=norm)
    before = buf.copy()
    c2c(view, view, forward=forward, norm=norm, backend=backend)  # in place on a strided view
    np.testing.assert_allclose(view, ref, atol=2e-6 * np.abs(ref).max(), rtol=0)
    gaps = np.ones(buf.shape, bool)
    for i in range(4):
        gaps[:, 7 + i * (n + 7):7 + i * (n + 7) + n] = False
    np.testing.assert_array_equal(buf[gaps], before[gaps])  # nothing outside the view touched


CASES = [
    # scs, cp, nrb, n_slot, L, f0, k0, windowing, normalization, batch
    (30, "normal", 273, 0, 14, 0.0, 0, None, "backward", (4,)),
    (15, "normal", 11, 1, 14, 2.1e9, 3, 6, "ortho", (2, 1)),
    (60, "extended", 4, 2, 12, 3.7e9, -5, None, "backward", ()),
    (120, "normal", 2, 7, 20, 28e9, 0, 4, "backward", (2,)),  # crosses a 0.5 ms boundary
    (30, "normal", 24, 1, 5, 3.5e9, 0, None, "ortho", (3,)),  # part of a slot
]


def _check_paths_agree(case, rng, run_other):
    scs, cp, nrb, n_slot, n_sym, f0, k0, win, norm, batch = case
    c = CarrierConfig(subcarrier_spacing=scs, cyclic_prefix=cp, n_size_grid=nrb, n_slot=n_slot)
    g = _grid(rng, batch + (c.num_subcarriers, n_sym))
    kw = {"carrier_frequency": f0, "k0": k0, "normalization": norm}
    w_s = ofdm_modulate(g, c, windowing=win, fft_backend="scipy", **kw)
    w_d = run_other(lambda: ofdm_modulate(g, c, windowing=win, **kw))
    assert w_d.dtype == np.complex64 and w_d.shape == w_s.shape
    np.testing.assert_allclose(w_d, w_s, atol=1e-6 * np.abs(w_s).max(), rtol=0)
    for wave in (w_s, w_d):
        g_s = ofdm_demodulate(wave, c, fft_backend="scipy", **kw)
        g_d = run_other(lambda w=wave: ofdm_demodulate(w, c, **kw))
        np.testing.assert_allclose(g_d, g_s, atol=1e-5, rtol=0)
        if win is None:
            np.testing.assert_allclose(g_d, g, atol=1e-5, rtol=0)


@pytest.mark.parametrize("case", CASES)
def test_strided_view_path_equals_scipy_path(case, rng, monkeypatch):
    """The in-place / strided-view path (ducc0's), driven by scipy's engine: runs everywhere."""
    def in_place(fn):
        with monkeypatch.context() as m:
            m.setattr(modulator, "_IN_PLACE_BACKENDS", frozenset({"scipy", "ducc0"}))
            return fn()
    _check_paths_agree(case, rng, in_place)


@needs_ducc0
@pytest.mark.parametrize("case", CASES)
def test_ducc0_equals_scipy(case, rng):
    from opennr.ofdm._fft import resolve_fft_backend as _r

    assert _r("auto") == "ducc0"
    _check_paths_agree(case, rng, lambda fn: fn())  # "auto" is ducc0 here


@needs_ducc0
def test_ducc0_explicit_name(rng):
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=11)
    g = _grid(rng, (2, 132, 14))
    w_s = ofdm_modulate(g, c, fft_backend="scipy")
    w_d = ofdm_modulate(g, c, fft_backend="ducc0")
    np.testing.assert_allclose(w_d, w_s, atol=1e-6 * np.abs(w_s).max(), rtol=0)
    np.testing.assert_allclose(ofdm_demodulate(w_d, c, fft_backend="ducc0"), g, atol=1e-5)


@pytest.mark.parametrize("backend", available_fft_backends())
def test_every_backend_round_trips_odd_inputs(backend, rng):
    """complex128 / real grids, non-contiguous inputs, empty batch: same result on each backend."""
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=3)
    g = _grid(rng, (2, 36, 14)).astype(np.complex128)
    w = ofdm_modulate(g[:, :, :], c, fft_backend=backend)
    w_nc = ofdm_modulate(np.asfortranarray(g), c, fft_backend=backend)
    np.testing.assert_allclose(w_nc, w, atol=1e-7)
    back = ofdm_demodulate(np.asfortranarray(w), c, fft_backend=backend)
    np.testing.assert_allclose(back, g, atol=1e-5)
    real = ofdm_modulate(g.real, c, fft_backend=backend)
    np.testing.assert_allclose(real, ofdm_modulate(g.real.astype(np.complex64), c), atol=1e-7)
    empty = ofdm_modulate(np.zeros((0, 36, 14), np.complex64), c, fft_backend=backend)
    assert empty.shape == (0, w.shape[-1])
    assert ofdm_demodulate(empty, c, fft_backend=backend).shape == (0, 36, 14)
