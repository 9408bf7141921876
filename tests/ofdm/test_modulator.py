"""TS 38.211 §5.3.1, §5.4: OFDM modulation/demodulation against the formula, round trips, energy."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opennr.ofdm import (
    TC_PER_SECOND,
    CarrierConfig,
    ofdm_demodulate,
    ofdm_info,
    ofdm_modulate,
    raised_cosine_taper,
    resource_grid,
)

CONFIGS = [(15 * 2**mu, "normal") for mu in range(7)] + [(60, "extended")]


def _grid(rng, shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64) / np.sqrt(2)


def formula_waveform(grid, carrier, info, f0=0.0, k0=0):
    """§5.3.1 / §5.4 evaluated directly: s_l(t) sampled at t = n / f_s, symbol by symbol.

    s_l(t) = sum_k a_{k,l} exp(j 2 pi (k + k0 - K/2) df (t - N_CP,l T_c - t_start,l)),
    times exp(-j 2 pi f0 (t_start,l + N_CP,l T_c)) (upconversion phase, continuous carrier);
    scaled by 1 / N_fft as MATLAB's ifft.
    """
    k_sc, n_sym = grid.shape
    num = carrier.numerology
    df = carrier.subcarrier_spacing * 1e3
    fs = info.sample_rate
    first = carrier.first_symbol_in_subframe
    out = []
    for i in range(n_sym):
        l_sf = (first + i) % num.symbols_per_subframe
        n_cp = int(num.cp_lengths_tc()[l_sf])
        t_start = int(num.symbol_starts_tc()[l_sf])
        n_samples = round((n_cp + num.useful_length_tc) * fs / TC_PER_SECOND)
        t = np.arange(n_samples) / fs - n_cp / TC_PER_SECOND  # relative to the useful part
        freqs = (np.arange(k_sc) + k0 - k_sc // 2) * df
        s = np.exp(2j * np.pi * np.outer(t, freqs)) @ grid[:, i].astype(np.complex128)
        cycles = (Fraction(f0) * (t_start + n_cp) / TC_PER_SECOND) % 1
        out.append(s * np.exp(-2j * np.pi * float(cycles)) / info.nfft)
    return np.concatenate(out)


@pytest.mark.parametrize(
    "scs, cp, nrb, n_slot, f0, k0",
    [
        (15, "normal", 1, 0, 0.0, 0),
        (15, "normal", 6, 1, 2.1e9, 0),
        (30, "normal", 11, 1, 3.5e9, 3),
        (60, "extended", 4, 2, 3.7e9, -5),
        (120, "normal", 2, 7, 28e9, 0),
        (960, "normal", 1, 13, 60.48e9, 1),
    ],
)
def test_matches_formula(scs, cp, nrb, n_slot, f0, k0, rng):
    c = CarrierConfig(subcarrier_spacing=scs, cyclic_prefix=cp, n_size_grid=nrb, n_slot=n_slot)
    info = ofdm_info(c, carrier_frequency=f0)
    g = _grid(rng, (c.num_subcarriers, c.symbols_per_slot))
    got = ofdm_modulate(g, c, carrier_frequency=f0, k0=k0)
    ref = formula_waveform(g, c, info, f0, k0)
    assert got.dtype == np.complex64 and got.shape == ref.shape
    np.testing.assert_allclose(got, ref, atol=2e-6 * np.abs(ref).max(), rtol=0)


def test_section_5_4_zero_phase_at_useful_start():
    """After upconversion with exp(j 2 pi f0 t), each useful part starts at carrier phase 0."""
    f0 = 3.456789e9
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=1, n_slot=1)
    g = np.zeros((12, 14), np.complex64)
    g[6, :] = 1.0  # DC subcarrier only: the baseband symbol is constant
    w = ofdm_modulate(g, c, carrier_frequency=f0).astype(np.complex128)
    info = ofdm_info(c)
    cp = info.slot_cp_lengths(1)
    first = int(info.samples_per_slot(0))  # slot 1 starts after slot 0 within the subframe
    starts = first + np.concatenate(([0], np.cumsum(cp + info.nfft)[:-1])) + cp
    for n in starts:
        cycles = (Fraction(f0) * Fraction(int(n)) / Fraction(info.sample_rate)) % 1
        rf = w[n - first] * np.exp(2j * np.pi * float(cycles))
        assert abs(rf - 1 / info.nfft) < 1e-6 / info.nfft * 50


@pytest.mark.parametrize("scs, cp", CONFIGS)
@pytest.mark.parametrize("nrb", [1, 25, 106, 275])
def test_round_trip_all_numerologies(scs, cp, nrb, rng):
    c = CarrierConfig(subcarrier_spacing=scs, cyclic_prefix=cp, n_size_grid=nrb,
                      n_slot=(2**c_mu - 1) if (c_mu := CarrierConfig(scs, cp).mu) else 0)
    g = _grid(rng, (2, c.num_subcarriers, c.symbols_per_slot))
    f0 = 3.5e9 if scs < 120 else 28e9
    w = ofdm_modulate(g, c, carrier_frequency=f0)
    back = ofdm_demodulate(w, c, carrier_frequency=f0)
    assert back.shape == g.shape and back.dtype == np.complex64
    assert np.abs(back - g).max() < 1e-5


@pytest.mark.parametrize("normalization", ["backward", "ortho"])
@pytest.mark.parametrize("windowing, frac", [(0, 0.0), (0, 1.0), (36, 0.55), (72, 1.0)])
def test_round_trip_windowing_and_fft_position(windowing, frac, normalization, rng):
    c = CarrierConfig(subcarrier_spacing=15, n_size_grid=52)  # N_fft 1024, CP 80/72
    g = _grid(rng, (3, 624, 28))  # two slots
    w = ofdm_modulate(g, c, windowing=windowing, carrier_frequency=1.8e9,
                      normalization=normalization)
    back = ofdm_demodulate(w, c, cp_fraction=frac, carrier_frequency=1.8e9,
                           normalization=normalization)
    assert np.abs(back - g).max() < 1e-5


def test_windowing_only_touches_cp_overlap(rng):
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=24, n_slot=1)
    g = _grid(rng, (1, 288, 14))
    w_len = 12
    plain = ofdm_modulate(g, c)
    win = ofdm_modulate(g, c, windowing=w_len)
    assert win.shape == plain.shape
    assert np.array_equal(ofdm_modulate(g, c, windowing=0), plain)
    info = ofdm_info(c)
    cp = info.slot_cp_lengths(1)
    starts = np.concatenate(([0], np.cumsum(cp + info.nfft)[:-1]))
    mask = np.zeros(plain.shape[-1], bool)
    for s in starts:
        mask[s:s + w_len] = True
    np.testing.assert_array_equal(win[..., ~mask], plain[..., ~mask])
    # overlap region: rising taper on this symbol + falling taper on the previous one's suffix
    rise = raised_cosine_taper(w_len)
    np.testing.assert_allclose(rise + rise[::-1], 1.0, atol=1e-15)
    t_prev = np.fft.ifft(np.fft.ifftshift(np.pad(g[0, :, 0], (112, 112))))  # symbol 0, N=512
    s1 = starts[1]
    expect = plain[0, s1:s1 + w_len] * rise + t_prev[:w_len] * rise[::-1]
    np.testing.assert_allclose(win[0, s1:s1 + w_len], expect, atol=1e-7)
    # the last symbol's suffix wraps onto the start of the waveform
    assert not np.allclose(win[0, :w_len], plain[0, :w_len] * rise)


@pytest.mark.parametrize("normalization, scale", [("backward", None), ("ortho", 1.0)])
def test_parseval(normalization, scale, rng):
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=51)
    info = ofdm_info(c)
    g = _grid(rng, (2, 612, 14))
    w = ofdm_modulate(g, c, normalization=normalization, carrier_frequency=3.3e9)
    cp = info.slot_cp_lengths(0)
    starts = np.concatenate(([0], np.cumsum(cp + info.nfft)[:-1])) + cp
    useful = np.stack([w[..., s:s + info.nfft] for s in starts], axis=-2)  # [2, 14, N]
    e_time = (np.abs(useful.astype(np.complex128)) ** 2).sum(-1)
    e_grid = (np.abs(g.astype(np.complex128)) ** 2).sum(-2)
    factor = 1.0 / info.nfft if scale is None else scale
    np.testing.assert_allclose(e_time, e_grid * factor, rtol=1e-5)
    # the whole slot: CP adds energy proportional to its length (a cyclic copy, same power)
    assert np.isclose((np.abs(w) ** 2).sum(), (e_time * (1 + cp / info.nfft)).sum(), rtol=1e-2)


def test_k0_is_a_frequency_shift(rng):
    c = CarrierConfig(subcarrier_spacing=15, n_size_grid=6)
    info = ofdm_info(c)
    g = _grid(rng, (72, 14))
    w0 = ofdm_modulate(g, c)
    w5 = ofdm_modulate(g, c, k0=5)
    cp = info.slot_cp_lengths(0)
    starts = np.concatenate(([0], np.cumsum(cp + info.nfft)[:-1]))
    n = np.arange(w0.size)
    sym = np.searchsorted(starts, n, side="right") - 1
    rel = n - starts[sym] - cp[sym]  # time index relative to each useful part
    np.testing.assert_allclose(w5, w0 * np.exp(2j * np.pi * 5 * rel / info.nfft), atol=1e-6)
    np.testing.assert_allclose(ofdm_demodulate(w5, c, k0=5), g, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 6), st.integers(1, 275), st.integers(0, 79), st.integers(1, 30),
       st.floats(0, 50e9), st.integers(0, 2**32 - 1))
def test_round_trip_property(mu, nrb, n_slot, n_sym, f0, seed):
    c = CarrierConfig(subcarrier_spacing=15 * 2**mu, n_size_grid=nrb, n_slot=n_slot)
    g = _grid(np.random.default_rng(seed), (c.num_subcarriers, n_sym))
    w = ofdm_modulate(g, c, carrier_frequency=f0)
    info = ofdm_info(c)
    assert w.shape == (int(info.symbol_cp_lengths(c.first_symbol_in_subframe, n_sym).sum())
                       + n_sym * info.nfft,)
    assert np.abs(ofdm_demodulate(w, c, carrier_frequency=f0) - g).max() < 1e-5


def test_demodulate_partial_and_multi_slot(rng):
    c = CarrierConfig(subcarrier_spacing=60, n_size_grid=10, n_slot=3)
    g = _grid(rng, (120, 14 * 5))  # five slots, crossing a subframe boundary
    w = ofdm_modulate(g, c)
    np.testing.assert_allclose(ofdm_demodulate(w, c), g, atol=1e-5)
    part = ofdm_demodulate(w[:-10], c)  # the last symbol is incomplete
    assert part.shape == (120, 69)
    with pytest.raises(ValueError, match="fewer than one OFDM symbol"):
        ofdm_demodulate(w[:100], c)


def test_real_and_double_inputs():
    c = CarrierConfig(n_size_grid=1)
    g = np.ones((12, 14))
    w = ofdm_modulate(g, c)
    assert w.dtype == np.complex64
    back = ofdm_demodulate(w.astype(np.complex128), c)
    np.testing.assert_allclose(back, g, atol=1e-6)


@pytest.mark.parametrize(
    "grid_shape, kwargs, exc, match",
    [
        ((1, 600, 14), {}, ValueError, r"K = 12 \* n_size_grid = 624"),
        ((624,), {}, ValueError, "shape"),
        ((1, 624, 0), {}, ValueError, "L >= 1"),
        ((1, 624, 14), {"nfft": 512}, ValueError, r"smaller than the grid.*§5\.3\.1"),
        ((1, 624, 14), {"nfft": 1000}, ValueError, r"non-integer cyclic prefix"),
        ((1, 624, 14), {"windowing": 73}, ValueError, "W <= shortest"),
        ((1, 624, 14), {"normalization": "forward"}, ValueError, "normalization"),
        ((1, 624, 14), {"k0": 201}, ValueError, "outside"),
        ((1, 624, 14), {"sample_rate": 10e6}, ValueError, "does not resample"),
    ],
)
def test_modulate_bad_inputs(grid_shape, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ofdm_modulate(np.zeros(grid_shape, np.complex64), CarrierConfig(), **kwargs)


def test_bad_types():
    c = CarrierConfig()
    with pytest.raises(TypeError, match="carrier"):
        ofdm_modulate(np.zeros((624, 14)), "carrier")
    with pytest.raises(TypeError, match="grid"):
        ofdm_modulate(np.zeros((624, 14), dtype=bool), c)
    with pytest.raises(TypeError, match="grid"):
        ofdm_modulate(np.zeros((624, 14), dtype=object), c)
    with pytest.raises(TypeError, match="waveform"):
        ofdm_demodulate(np.zeros(20000, dtype=np.int32), c)
    with pytest.raises(ValueError, match="cp_fraction"):
        ofdm_demodulate(np.zeros(20000, np.complex64), c, cp_fraction=1.5)
    with pytest.raises(TypeError, match="cp_fraction"):
        ofdm_demodulate(np.zeros(20000, np.complex64), c, cp_fraction="half")


def test_resource_grid_helper_feeds_modulator():
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=273)
    g = resource_grid(c, 4, batch_shape=(2,))
    assert g.shape == (2, 4, 3276, 14)
    w = ofdm_modulate(g, c)
    assert w.shape == (2, 4, 61440) and not w.any()
