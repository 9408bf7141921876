"""TS 38.211 V17 §5.3.1, §5.4: OFDM baseband signal generation and its inverse.

Modulation of symbol ``l`` (§5.3.1): subcarrier ``k`` of the ``K = 12 N_grid`` carrier grid is
placed at frequency ``(k + k_0 - K/2) Delta f`` (so subcarrier ``K/2`` is at DC when ``k_0 = 0``;
NR has no DC null), an ``N_fft``-point IDFT gives the useful part, and its last ``N_CP,l``
samples are prepended. With a carrier frequency ``f_0`` each symbol is multiplied by
``exp(-j 2 pi f_0 (t_start,l + N_CP,l T_c))`` (§5.4 upconversion phase, see
:func:`~opennr.ofdm.ofdm_info.symbol_phases`), which MATLAB's ``nrOFDMModulate`` applies for a
non-zero ``CarrierFrequency``.

Scaling: ``normalization="backward"`` (default) is an inverse FFT with ``1/N_fft``, as MATLAB
(``ifft``) and NumPy; the demodulator then uses an unscaled FFT. ``"ortho"`` uses ``1/sqrt(N_fft)``
on both sides (Sionna's convention): the energy of a symbol's useful part equals its grid energy.

Windowing (``W > 0``): each symbol is extended by a ``W``-sample cyclic suffix; the first ``W``
samples of its cyclic prefix are multiplied by the rising raised-cosine taper
``w_i = (1 - sin(pi (W + 1 - 2 i) / (2 W))) / 2``, ``i = 1..W``, the suffix by the falling taper
``w_{W+1-i}``, and the suffix is added onto the first ``W`` samples of the next symbol (the last
symbol's suffix wraps onto the start of the waveform), so the waveform length is unchanged and
the first ``W`` samples of every cyclic prefix are the overlap. The demodulator's FFT window,
starting ``floor(cp_fraction N_CP,l)`` samples into the prefix, must start at or after ``W``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.fft

from opennr._validation import check_choice, check_int
from opennr.ofdm._fft import (
    FFT_BACKENDS,
    available_fft_backends,
    c2c,
    resolve_fft_backend,
    run_views,
)
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.ofdm_info import OfdmInfo, ofdm_info

__all__ = [
    "FFT_BACKENDS",
    "NORMALIZATIONS",
    "available_fft_backends",
    "ofdm_demodulate",
    "ofdm_modulate",
    "raised_cosine_taper",
]

#: Accepted ``normalization`` values (NumPy's ``norm`` names).
NORMALIZATIONS = ("backward", "ortho")
# Backends that take the strided-view path (FFT in place in the waveform, windows read from it);
# the others take the scipy path (pocketfft's own multi-line transposition). Tests also run the
# strided-view path with scipy's engine, so it is covered where ducc0 is not installed.
_IN_PLACE_BACKENDS = frozenset({"ducc0"})
_CLAUSE = "TS 38.211 §5.3.1"


def raised_cosine_taper(windowing: int) -> np.ndarray:
    """TS 38.211 §5.3.1 (implementation choice, as MATLAB): rising raised-cosine taper of ``W``.

    ``w_i = (1 - sin(pi (W + 1 - 2 i) / (2 W))) / 2`` for ``i = 1..W``; ``w_i + w_{W+1-i} = 1``.

    Examples
    --------
    >>> raised_cosine_taper(4).round(4).tolist()
    [0.0381, 0.3087, 0.6913, 0.9619]
    """
    w = check_int(windowing, "windowing", low=0)
    i = np.arange(1, w + 1, dtype=np.float64)
    return 0.5 * (1.0 - np.sin(np.pi * (w + 1 - 2 * i) / (2 * w))) if w else np.zeros(0)


def _runs(cp: np.ndarray) -> tuple[tuple[int, int, int], ...]:
    """Maximal runs ``(first, count, N_CP)`` of consecutive symbols with equal CP length: the
    symbols of a run are equally spaced, so one strided view covers them all."""
    runs, i = [], 0
    while i < cp.size:
        j = i + 1
        while j < cp.size and cp[j] == cp[i]:
            j += 1
        runs.append((i, j - i, int(cp[i])))
        i = j
    return tuple(runs)


@lru_cache(maxsize=256)
def _mod_plan(info_key, first: int, num_symbols: int, k0: int):
    nfft, k, cp_sub, phases_sub, w = info_key
    n_sub = len(cp_sub)
    sym = (first + np.arange(num_symbols)) % n_sub
    cp = np.asarray(cp_sub, dtype=np.int64)[sym]
    lengths = cp + nfft
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    total = int(lengths.sum())
    ph = np.asarray(phases_sub, dtype=np.float64)[sym]
    factor = np.exp(-1j * ph).astype(np.complex64) if np.any(ph) else None
    start_bin = (-(k // 2) + k0) % nfft
    rise = raised_cosine_taper(w).astype(np.float32)
    win_idx = starts[:, None] + np.arange(w)[None, :]  # first W samples of every CP
    for arr in (cp, starts, rise, win_idx):
        arr.setflags(write=False)
    if factor is not None:
        factor.setflags(write=False)
    return starts, cp, total, factor, start_bin, rise, win_idx, _runs(cp)


@lru_cache(maxsize=256)
def _demod_plan(info_key, first: int, num_symbols: int, k0: int, cp_fraction: float):
    nfft, k, cp_sub, phases_sub, _w = info_key
    n_sub = len(cp_sub)
    sym = (first + np.arange(num_symbols)) % n_sub
    cp = np.asarray(cp_sub, dtype=np.int64)[sym]
    lengths = cp + nfft
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    offsets = np.floor(cp_fraction * cp).astype(np.int64)
    delta = cp - offsets  # window starts delta samples before the useful part
    win_starts = starts + offsets
    start_bin = (-(k // 2) + k0) % nfft
    bins = (start_bin + np.arange(k)) % nfft
    # FFT of a window advanced by delta: X[b] exp(-j 2 pi b delta / N); undo it exactly (integer
    # phase index modulo N), together with the 5.4 phase exp(+j phi_l).
    turns = (bins[None, :] * delta[:, None]) % nfft
    ph = np.asarray(phases_sub, dtype=np.float64)[sym]
    corr = np.exp(1j * (2 * np.pi * turns / nfft + ph[:, None]))  # [L, K]
    corr_t = np.ascontiguousarray(corr.T).astype(np.complex64)  # [K, L]
    for arr in (win_starts, corr_t):
        arr.setflags(write=False)
    return win_starts, start_bin, corr_t, _runs(cp)


def _info_key(info: OfdmInfo):
    return (info.nfft, info.num_subcarriers, tuple(info.cp_lengths.tolist()),
            tuple(info.symbol_phases.tolist()), info.windowing)


def _bin_layout(k: int, nfft: int, start_bin: int):
    """Where the ``K`` subcarriers sit in the ``N_fft`` bins (subcarrier ``k`` at bin
    ``start_bin + k mod N_fft``): ``(blocks, zeros)``, ``blocks`` the one or two
    ``(FFT bins, subcarriers)`` slice pairs, ``zeros`` the slices of the unused bins (one cyclic
    block ``[start_bin + K, start_bin) mod N_fft``)."""
    n1 = min(k, nfft - start_bin)
    blocks = [(slice(start_bin, start_bin + n1), slice(0, n1))]
    if n1 < k:
        blocks.append((slice(0, k - n1), slice(n1, k)))
    end = start_bin + k
    zeros = ([slice(end, nfft), slice(0, start_bin)] if end <= nfft
             else [slice(end - nfft, start_bin)])
    return blocks, zeros


def _resolve(carrier, nfft, sample_rate, carrier_frequency, windowing, normalization, k0):
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    info = ofdm_info(carrier, nfft=nfft, sample_rate=sample_rate, windowing=windowing,
                     carrier_frequency=carrier_frequency)
    check_choice(normalization, "normalization", NORMALIZATIONS, clause=_CLAUSE)
    k0 = check_int(k0, "k0", clause=_CLAUSE)
    if abs(k0) + info.num_subcarriers // 2 > info.nfft // 2:
        raise ValueError(
            f"k0 = {k0} shifts the {info.num_subcarriers}-subcarrier grid outside the "
            f"{info.nfft}-point FFT ({_CLAUSE})"
        )
    return info, k0


def ofdm_modulate(
    grid,
    carrier: CarrierConfig,
    *,
    nfft: int | None = None,
    sample_rate: float | None = None,
    carrier_frequency: float = 0.0,
    windowing: int | None = None,
    normalization: str = "backward",
    k0: int = 0,
    fft_backend: str = "auto",
) -> np.ndarray:
    """TS 38.211 §5.3.1, §5.4: OFDM-modulate a resource grid, ``[..., K, L] -> [..., samples]``.

    The ``L`` symbols start at slot ``carrier.n_slot`` (its first symbol), so the 0.5 ms rule and
    the §5.4 phases follow the position in the subframe; ``L`` may span several slots or be a
    part of one. The usual layout is ``[..., ports, K, L]``.

    Parameters
    ----------
    grid : array_like, complex, shape [..., K, L]
        Resource grid with ``K = 12 N_grid^{size,mu}`` subcarriers.
    carrier : CarrierConfig
    nfft, sample_rate, windowing, carrier_frequency :
        As :func:`~opennr.ofdm.ofdm_info.ofdm_info` (default FFT size: MATLAB's rule; windowing
        0; ``f_0 = 0``: no §5.4 rotation).
    normalization : {"backward", "ortho"}, default "backward"
        IFFT scaling ``1/N_fft`` (MATLAB) or ``1/sqrt(N_fft)``.
    k0 : int, default 0
        ``k_0^mu`` of §5.3.1 (:func:`~opennr.ofdm.carrier.k0`): shifts the grid by ``k0``
        subcarriers.
    fft_backend : {"auto", "scipy", "ducc0"}, default "auto"
        FFT engine (:func:`available_fft_backends`): ``"auto"`` takes ``ducc0`` when installed
        (about twice as fast), else ``scipy.fft``; results agree to float32 rounding.

    Returns
    -------
    numpy.ndarray of complex64, shape [..., sum_l (N_fft + N_CP,l)]

    Examples
    --------
    >>> c = CarrierConfig(n_size_grid=1)
    >>> g = np.zeros((1, 12, 14), np.complex64); g[0, 6, :] = 1   # subcarrier K/2 sits at DC
    >>> w = ofdm_modulate(g, c)
    >>> w.shape, np.allclose(w, 1 / 128)
    ((1, 1920), True)
    """
    info, k0 = _resolve(carrier, nfft, sample_rate, carrier_frequency, windowing,
                        normalization, k0)
    arr = np.asarray(grid)
    if not (np.issubdtype(arr.dtype, np.complexfloating) or np.issubdtype(arr.dtype, np.floating)
            or np.issubdtype(arr.dtype, np.integer)) or arr.dtype == bool:
        raise TypeError(f"grid must be a complex (or real) numeric array, got dtype {arr.dtype}")
    k = info.num_subcarriers
    if arr.ndim < 2 or arr.shape[-2] != k or arr.shape[-1] < 1:
        raise ValueError(
            f"grid must have shape [..., K, L] with K = 12 * n_size_grid = {k} subcarriers and "
            f"L >= 1 OFDM symbols, got shape {arr.shape} (TS 38.211 §4.4.2, §5.3.1)"
        )
    backend = resolve_fft_backend(fft_backend)
    plan = _mod_plan(_info_key(info), carrier.first_symbol_in_subframe, arr.shape[-1], k0)
    if backend not in _IN_PLACE_BACKENDS:
        return _modulate_scipy(arr, info, plan, normalization)
    return _modulate_in_place(arr, info, plan, normalization, backend)


def _modulate_scipy(arr, info, plan, normalization):
    """scipy.fft path: grid laid out [..., N_fft, L] (contiguous row copies); pocketfft's
    multi-line transform of the [..., L, N_fft] transpose returns [..., L, N_fft] C-contiguous."""
    num_symbols = arr.shape[-1]
    nfft = info.nfft
    starts, cp, total, factor, start_bin, rise, win_idx, _ = plan
    batch = arr.shape[:-2]
    # Frequency-domain input laid out [..., N_fft, L] (subcarrier rows copied contiguously); the
    # FFT runs along axis -2 of its [..., L, N_fft] transpose, so pocketfft's multi-line copy
    # does the transposition and returns [..., L, N_fft] C-contiguous.
    freq = np.empty(batch + (nfft, num_symbols), dtype=np.complex64)
    blocks, zeros = _bin_layout(info.num_subcarriers, nfft, start_bin)
    for rows, src_rows in blocks:
        if factor is None:
            freq[..., rows, :] = arr[..., src_rows, :]
        else:
            np.multiply(arr[..., src_rows, :], factor, out=freq[..., rows, :], casting="unsafe")
    for rows in zeros:
        freq[..., rows, :] = 0
    time = scipy.fft.ifft(np.swapaxes(freq, -1, -2), axis=-1, norm=normalization,
                          workers=1)  # [..., L, N_fft], C-contiguous (no overwrite_x)
    out = np.empty(batch + (total,), dtype=np.complex64)
    for i in range(num_symbols):  # CP insertion: two contiguous copies per symbol
        s0 = int(starts[i])
        c = int(cp[i])
        out[..., s0:s0 + c] = time[..., i, nfft - c:]
        out[..., s0 + c:s0 + c + nfft] = time[..., i, :]
    w = info.windowing
    if w:
        out[..., win_idx] *= rise
        suffix = time[..., :, :w] * rise[::-1]  # cyclic suffix = start of the useful part
        out[..., np.roll(win_idx, -1, axis=0)] += suffix
    return out


def _modulate_in_place(arr, info, plan, normalization, backend):
    """In-place FFT path (ducc0): the waveform's useful parts are the FFT buffers."""
    k = info.num_subcarriers
    num_symbols = arr.shape[-1]
    nfft = info.nfft
    starts, cp, total, factor, start_bin, rise, win_idx, runs = plan
    batch = arr.shape[:-2]
    g = np.asarray(arr.reshape((-1, k, num_symbols)), dtype=np.complex64)  # [B, K, L]
    out = np.empty((g.shape[0], total), dtype=np.complex64)
    blocks, zeros = _bin_layout(k, nfft, start_bin)  # (FFT bins, subcarriers), unused bins
    for i0, n, c in runs:
        # The useful parts of the run's symbols, a strided [B, n, N_fft] view of the waveform, are
        # the FFT buffer: the grid goes in (subcarrier k at bin start_bin + k mod N_fft, the
        # other bins zero, times the §5.4 factor), the IFFT runs in place, then each prefix
        # copies its symbol's tail.
        u = run_views(out, int(starts[i0]) + c, n, nfft + c, nfft)
        gl = g[:, :, i0:i0 + n].transpose(0, 2, 1)  # [B, n, K]
        for bins, sub in blocks:
            if factor is None:
                u[..., bins] = gl[..., sub]
            else:
                np.multiply(gl[..., sub], factor[i0:i0 + n, None], out=u[..., bins])
        for bins in zeros:
            u[..., bins] = 0
        c2c(u, u, forward=False, norm=normalization, backend=backend)
        run_views(out, int(starts[i0]), n, nfft + c, c)[...] = run_views(
            out, int(starts[i0]) + nfft, n, nfft + c, c)
    w = info.windowing
    if w:
        useful = (starts + cp)[:, None] + np.arange(w)[None, :]
        suffix = out[:, useful] * rise[::-1]  # cyclic suffix = start of the useful part
        out[:, win_idx] *= rise
        out[:, np.roll(win_idx, -1, axis=0)] += suffix
    return out.reshape(batch + (total,))


def ofdm_demodulate(
    waveform,
    carrier: CarrierConfig,
    *,
    nfft: int | None = None,
    sample_rate: float | None = None,
    carrier_frequency: float = 0.0,
    cp_fraction: float = 0.55,
    normalization: str = "backward",
    k0: int = 0,
    fft_backend: str = "auto",
) -> np.ndarray:
    """TS 38.211 §5.3.1, §5.4: OFDM-demodulate a waveform, ``[..., samples] -> [..., K, L]``.

    The waveform starts at the first symbol of slot ``carrier.n_slot``; every whole OFDM symbol
    in it is demodulated (trailing samples of a partial symbol are ignored). The FFT window of
    symbol ``l`` starts ``floor(cp_fraction * N_CP,l)`` samples into its cyclic prefix and the
    resulting linear phase is removed, as is the §5.4 phase for ``carrier_frequency``.

    Parameters
    ----------
    waveform : array_like, complex, shape [..., T]
    carrier : CarrierConfig
    nfft, sample_rate, carrier_frequency, normalization, k0, fft_backend :
        As in :func:`ofdm_modulate` (``normalization`` must match the modulator's).
    cp_fraction : float, default 0.55
        FFT window position in the cyclic prefix, 0 (start of the prefix) .. 1 (no prefix
        sample used), as MATLAB's ``CyclicPrefixFraction``.

    Returns
    -------
    numpy.ndarray of complex64, shape [..., K, L]

    Examples
    --------
    >>> c = CarrierConfig(subcarrier_spacing=30, n_size_grid=24)
    >>> g = np.random.default_rng(0).standard_normal((2, 288, 14)).astype(np.complex64)
    >>> w = ofdm_modulate(g, c, carrier_frequency=3.5e9)
    >>> bool(np.abs(ofdm_demodulate(w, c, carrier_frequency=3.5e9) - g).max() < 1e-5)
    True
    """
    info, k0 = _resolve(carrier, nfft, sample_rate, carrier_frequency, None, normalization, k0)
    if isinstance(cp_fraction, bool) or not isinstance(cp_fraction, int | float | np.floating
                                                       | np.integer):
        raise TypeError(f"cp_fraction must be a number in [0, 1], got {cp_fraction!r}")
    if not 0.0 <= float(cp_fraction) <= 1.0:
        raise ValueError(f"cp_fraction must be in [0, 1], got {cp_fraction!r} ({_CLAUSE})")
    arr = np.asarray(waveform)
    if not (np.issubdtype(arr.dtype, np.complexfloating) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"waveform must be a complex (or real) float array, got dtype {arr.dtype}")
    if arr.ndim < 1:
        raise ValueError(f"waveform must have shape [..., T], got a scalar ({_CLAUSE})")
    first = carrier.first_symbol_in_subframe
    n_samples = arr.shape[-1]
    lengths = info.symbol_cp_lengths(first, info.cp_lengths.size * 2) + info.nfft
    # number of whole symbols (a subframe repeats its pattern)
    per_sub = int(info.symbol_lengths.sum())
    n_sub = info.cp_lengths.size
    whole, rest = divmod(n_samples, per_sub)
    num_symbols = whole * n_sub + int(np.searchsorted(np.cumsum(lengths[:n_sub]), rest,
                                                      side="right"))
    if num_symbols == 0:
        raise ValueError(
            f"waveform has {n_samples} samples, fewer than one OFDM symbol "
            f"({int(lengths[0])} samples) ({_CLAUSE})"
        )
    backend = resolve_fft_backend(fft_backend)
    win_starts, start_bin, corr_t, runs = _demod_plan(_info_key(info), first, num_symbols, k0,
                                                      float(cp_fraction))
    if backend not in _IN_PLACE_BACKENDS:
        return _demodulate_scipy(arr, info, num_symbols, win_starts, start_bin, corr_t,
                                 normalization)
    return _demodulate_in_place(arr, info, num_symbols, win_starts, start_bin, corr_t, runs,
                                normalization, backend)


def _demodulate_scipy(arr, info, num_symbols, win_starts, start_bin, corr_t, normalization):
    """scipy.fft path: windows copied to [..., L, N_fft]; pocketfft transforms the
    [..., N_fft, L] transpose along axis -2 and returns [..., N_fft, L] C-contiguous, so the K
    used bins are contiguous row blocks of the [..., K, L] result."""
    nfft = info.nfft
    windows = np.empty(arr.shape[:-1] + (num_symbols, nfft), dtype=np.complex64)
    for i in range(num_symbols):  # FFT windows: one contiguous copy per symbol
        s0 = int(win_starts[i])
        windows[..., i, :] = arr[..., s0:s0 + nfft]
    spec = scipy.fft.fft(np.swapaxes(windows, -1, -2), axis=-2, norm=normalization,
                         workers=1)  # not overwrite_x: an in-place result keeps the input layout
    k = info.num_subcarriers
    out = np.empty(arr.shape[:-1] + (k, num_symbols), dtype=np.complex64)
    for bins, sub in _bin_layout(k, nfft, start_bin)[0]:
        np.multiply(spec[..., bins, :], corr_t[sub], out=out[..., sub, :])
    return out


def _demodulate_in_place(arr, info, num_symbols, win_starts, start_bin, corr_t, runs,
                         normalization, backend):
    """Strided-view FFT path (ducc0): the FFT windows are strided [B, n, N_fft] views of the
    waveform (no copy); spectra come back [B, L, N_fft]."""
    n_samples = arr.shape[-1]
    nfft = info.nfft
    x = np.ascontiguousarray(arr.reshape((-1, n_samples)), dtype=np.complex64)  # [B, T]
    spec = np.empty((x.shape[0], num_symbols, nfft), dtype=np.complex64)
    for i0, n, c in runs:
        c2c(run_views(x, int(win_starts[i0]), n, nfft + c, nfft), spec[:, i0:i0 + n],
            forward=True, norm=normalization, backend=backend)
    k = info.num_subcarriers
    out = np.empty((x.shape[0], k, num_symbols), dtype=np.complex64)
    for bins, sub in _bin_layout(k, nfft, start_bin)[0]:
        np.multiply(spec[:, :, bins].transpose(0, 2, 1), corr_t[sub], out=out[:, sub, :])
    return out.reshape(arr.shape[:-1] + (k, num_symbols))
