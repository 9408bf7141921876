"""TR 38.901 V17 §7.7 (and §7.5 step 11): applying a tapped-delay channel to a waveform or grid.

Shared by the TDL (:mod:`opennr.propagation.tdl`) and CDL (:mod:`opennr.propagation.cdl`)
channel objects. A channel is given by its path delays ``tau_p`` (seconds, the same for every
link) and complex path gains ``a_p(t)`` of every link, sampled at ``gain_times``.

Time domain (:func:`apply_time_channel`)
    ``y_r(t_n) = sum_t sum_p a_{r,t,p}(t_n) x_t(t_n - D / f_s - tau_p)`` at the sample times
    ``t_n = start_time + n / f_s``. The fractional delay ``x(t - tau)`` is a Kaiser-windowed
    sinc (``beta = 6``, ``filter_half_length = 16`` taps each side by default: error below
    -59 dB over the central 85 % of the band, exact for whole-sample delays). ``y`` has the
    input's length (the channel's tail is cut, as MATLAB's ``nrTDLChannel``). Gains are
    linearly interpolated between ``gain_times`` (held constant outside them) and applied at
    the *output* sample's time ``t_n`` (as MATLAB's channel filter and
    ``nrPerfectChannelEstimate``); the channel objects sample them at ``2 * 64 * f_D`` Hz
    (MATLAB's ``SampleDensity`` of 64), which keeps the interpolation error of a Doppler tone
    below ``(2 pi / 128)^2 / 8`` = -55 dB. Two filter modes (``filter_delay``):

    ``filter_delay=0`` (zero delay, the default of this function; one-shot use)
        The sinc is centred on the path delay: the output is aligned with the input, and the
        non-causal half of the sinc reads up to ``filter_half_length - 1`` samples *ahead*
        (zeros beyond the end of the input). Right for a whole waveform filtered at once; in
        a block-by-block loop the last ``filter_half_length - 1`` outputs of each block miss
        the next block's input (``history`` only supplies the past).
    ``filter_delay="causal"`` (streaming; the channel objects' default)
        The output is delayed by the channel filter delay ``D`` =
        :func:`channel_filter_delay` samples, the smallest whole number of samples that makes
        every path's filter causal: ``D = 0`` when every delay is a whole number of samples,
        else ``max_p (filter_half_length - 1 - floor(tau_p f_s))`` over the fractional
        ``tau_p f_s`` (15 for TDLA30 at 30.72 Msps, whose second path is 0.31 samples late; 14
        for TDL-C 300 ns, whose first fractional path is 1.9 samples late). This is MATLAB's
        ``info(channel).ChannelFilterDelay``: output sample ``n`` uses input samples up to
        ``n`` only, so with ``history`` (the previous input samples) a waveform cut into any
        number of consecutive calls gives the single-call output (to float32 rounding). The
        last ``D`` input samples of a call reach the output in the next call. A
        receiver compensates ``D`` like a timing offset (start its FFT window ``D`` samples
        later). An integer ``filter_delay >= 0`` delays the output by exactly that many samples
        (causal when ``>= D``).
Frequency domain (:func:`ofdm_channel_response`)
    ``H_{r,t}(f_k, l) = sum_p a_{r,t,p}(t_l) exp(-j 2 pi f_k tau_p)`` with ``t_l`` from
    :func:`symbol_times` (centre of each OFDM symbol's useful part).

Both agree for a static channel whose delay spread fits in the cyclic prefix: OFDM-modulating
a grid ``X``, applying :func:`apply_time_channel` and demodulating gives ``H X`` (tested).
"""

from __future__ import annotations

from functools import lru_cache
from numbers import Real

import numpy as np
from scipy.special import i0 as _special_i0

from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.numerology import TC_PER_SECOND
from opennr.ofdm.resource_grid import subcarrier_frequencies
from opennr.propagation._apply_kernels import time_channel_kernel

__all__ = [
    "DEFAULT_FILTER_HALF_LENGTH",
    "KAISER_BETA",
    "apply_time_channel",
    "channel_filter_delay",
    "channel_filter_span",
    "fractional_delay_taps",
    "ofdm_channel_response",
    "subcarrier_frequencies",
    "symbol_times",
]

_CLAUSE = "TR 38.901 §7.7"
#: Default half-length (taps on each side) of the fractional-delay sinc filter.
DEFAULT_FILTER_HALF_LENGTH = 16
#: Kaiser window parameter of the fractional-delay sinc filter.
KAISER_BETA = 6.0


def _real(value, name: str, *, low: float | None = None, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r} ({_CLAUSE})")
    if low is not None and (v <= low if strict else v < low):
        raise ValueError(
            f"{name} must be {'>' if strict else '>='} {low:g}, got {v:g} ({_CLAUSE})")
    return v


def _complex_array(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{name} must be a numeric (complex) array, got dtype {arr.dtype}")
    return arr


def _delays(delays, n_p: int | None = None) -> np.ndarray:
    d = np.asarray(delays, dtype=np.float64)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"delays must be a non-empty 1-D array of seconds, got shape {d.shape}")
    if n_p is not None and d.size != n_p:
        raise ValueError(
            f"delays has {d.size} entries but gains has {n_p} paths on axis -2 ({_CLAUSE})")
    if not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ValueError(f"delays must be finite and >= 0 seconds ({_CLAUSE})")
    return d


def fractional_delay_taps(delay_samples: float, half_length: int = DEFAULT_FILTER_HALF_LENGTH,
                          beta: float = KAISER_BETA) -> tuple[int, np.ndarray]:
    """TR 38.901 §7.7 (implementation choice): windowed-sinc taps delaying by ``d`` samples.

    ``f[m] = sinc(m - d) I0(beta sqrt(1 - ((m - d)/L)^2)) / I0(beta)`` for the ``2 L`` integers
    ``m = floor(d) - L + 1 .. floor(d) + L``; a whole-sample ``d`` gives a unit impulse.

    Returns
    -------
    (first, taps) : (int, numpy.ndarray of float64 [2 L])
        ``taps[j]`` is the coefficient of delay ``first + j`` samples.

    Examples
    --------
    >>> first, taps = fractional_delay_taps(3.0, 4)
    >>> first, (taps.round(12) + 0.0).tolist()
    (0, [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    """
    first, taps = _taps_matrix(np.array([float(delay_samples)]), half_length, beta)
    return int(first[0]), taps[0]


def _taps_matrix(d: np.ndarray, half_length: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Taps of every delay ``d`` [P] (samples): ``(first [P], taps [P, 2 L])``, one I0 call."""
    first = np.floor(d).astype(np.int64) - half_length + 1
    u = first[:, None] + np.arange(2 * half_length) - d[:, None]
    arg = beta * np.sqrt(np.clip(1.0 - (u / half_length) ** 2, 0.0, None))
    return first, np.sinc(u) * (_special_i0(arg) / _special_i0(beta))


@lru_cache(maxsize=64)
def _combined_taps_cached(delays_bytes: bytes, half_length: int, beta: float):
    d = np.frombuffer(delays_bytes, dtype=np.float64)
    first, taps = _taps_matrix(d, half_length, beta)
    keep = np.abs(taps) > 1e-12  # a whole-sample delay leaves its unit tap only
    keep[~keep.any(axis=1), half_length - 1] = True  # (never empty: the tap nearest d)
    lo = keep.argmax(axis=1)
    hi = keep.shape[1] - 1 - keep[:, ::-1].argmax(axis=1)
    tap0 = int((first + lo).min())
    m = int((first + hi).max()) - tap0 + 1
    f = np.zeros((d.size, m), dtype=np.float64)
    j = np.arange(taps.shape[1])
    inside = (j[None, :] >= lo[:, None]) & (j[None, :] <= hi[:, None])
    rows, cols = np.nonzero(inside)
    f[rows, first[rows] + cols - tap0] = taps[rows, cols]
    f.flags.writeable = False
    return tap0, f


def _combined_taps(delays_samples, half_length, beta):
    """Per-path taps on a common grid: ``(tap0, F [P, M])`` (cached, read-only)."""
    d = np.ascontiguousarray(delays_samples, dtype=np.float64)
    return _combined_taps_cached(d.tobytes(), int(half_length), float(beta))


def _half_length(filter_half_length) -> int:
    if isinstance(filter_half_length, bool) or not isinstance(filter_half_length, int | np.integer):
        raise TypeError(f"filter_half_length must be an integer, got {filter_half_length!r}")
    if not 1 <= int(filter_half_length) <= 256:
        raise ValueError(f"filter_half_length must be in [1, 256], got {filter_half_length}")
    return int(filter_half_length)


def _filter_delay_arg(filter_delay) -> int | None:
    """``None`` for ``"causal"``, else the integer delay in samples."""
    if isinstance(filter_delay, str):
        if filter_delay != "causal":
            raise ValueError(f"filter_delay must be 'causal' or an integer >= 0 (samples), got "
                             f"{filter_delay!r} ({_CLAUSE})")
        return None
    if isinstance(filter_delay, bool) or not isinstance(filter_delay, int | np.integer):
        raise TypeError(f"filter_delay must be 'causal' or an integer >= 0 (samples), got "
                        f"{filter_delay!r}")
    if not 0 <= int(filter_delay) <= 1 << 20:
        raise ValueError(f"filter_delay must be in [0, 2^20] samples or 'causal', got "
                         f"{filter_delay} ({_CLAUSE})")
    return int(filter_delay)


def _causal_delay(tap0: int) -> int:
    return max(-int(tap0), 0)


def channel_filter_delay(delays, sample_rate: float, *,
                         filter_half_length: int = DEFAULT_FILTER_HALF_LENGTH) -> int:
    """TR 38.901 §7.7 (implementation): channel filter delay ``D`` in samples (MATLAB's ``ChannelFilterDelay``).

    ``[P] -> int``: the smallest ``D >= 0`` for which the fractional-delay filters of all paths,
    delayed by ``D`` samples, are causal; ``0`` when every ``tau_p f_s`` is a whole number.
    ``apply_time_channel(..., filter_delay="causal")`` delays its output by ``D`` samples
    (``D / sample_rate`` seconds).

    Parameters
    ----------
    delays : array_like, float, shape [P]
        Path delays in seconds, >= 0.
    sample_rate : float
        Hz.
    filter_half_length : int, default 16

    Returns
    -------
    int

    Examples
    --------
    >>> channel_filter_delay([0.0, 2e-6], 1e6)          # whole samples: no filter delay
    0
    >>> channel_filter_delay([0.0, 2.5e-6, 7.25e-6], 1e6)  # 16 - 1 - floor(2.5)
    13
    """
    fs = _real(sample_rate, "sample_rate", low=0.0, strict=True)
    d = _delays(delays)
    tap0, _ = _combined_taps(d * fs, _half_length(filter_half_length), KAISER_BETA)
    return _causal_delay(tap0)


def channel_filter_span(delays, sample_rate: float, *,
                        filter_half_length: int = DEFAULT_FILTER_HALF_LENGTH,
                        filter_delay="causal") -> int:
    """TR 38.901 §7.7 (implementation): largest delay, in samples, of a non-zero channel filter tap.

    ``[P] -> int``: with ``filter_delay`` as in :func:`apply_time_channel` (default
    ``"causal"``, then it includes the :func:`channel_filter_delay`), the number of zero
    samples to append to a waveform so that its whole response comes out (MATLAB's
    ``info(channel).MaximumChannelDelay``: the largest path delay plus the filter's delay and
    its sinc tail).

    Examples
    --------
    >>> channel_filter_span([0.0, 2e-6], 1e6)         # whole samples: the largest delay
    2
    >>> channel_filter_span([0.0, 2.5e-6], 1e6)       # D = 13, plus floor(2.5) + 16
    31
    """
    fs = _real(sample_rate, "sample_rate", low=0.0, strict=True)
    d = _delays(delays)
    fd = _filter_delay_arg(filter_delay)
    tap0, f = _combined_taps(d * fs, _half_length(filter_half_length), KAISER_BETA)
    shift = _causal_delay(tap0) if fd is None else fd
    return int(tap0 + shift + f.shape[1] - 1)


def apply_time_channel(
    waveform,
    gains,
    gain_times,
    delays,
    sample_rate: float,
    *,
    start_time: float = 0.0,
    filter_half_length: int = DEFAULT_FILTER_HALF_LENGTH,
    history=None,
    filter_delay=0,
) -> np.ndarray:
    """TR 38.901 §7.7: filter a waveform by a time-varying tapped-delay channel.

    ``[B, n_tx, S] -> [B, n_rx, S]``:
    ``y_r(t_n) = sum_t sum_p a_{r,t,p}(t_n) x_t(t_n - D / f_s - tau_p)``,
    ``t_n = start_time + n / sample_rate``, fractional delays by a Kaiser-windowed sinc, gains
    linearly interpolated between ``gain_times``, ``D`` the filter delay in samples (0 by
    default; ``filter_delay="causal"`` for block-by-block streaming, see the module notes).

    Parameters
    ----------
    waveform : array_like, complex, shape [B, n_tx, S] (or [n_tx, S], broadcast over B)
    gains : array_like, complex, shape [B, n_rx, n_tx, P, T]
        Path gains ``a_p`` at ``gain_times``.
    gain_times : array_like, float, shape [T]
        Strictly increasing times in seconds.
    delays : array_like, float, shape [P]
        Path delays in seconds, >= 0.
    sample_rate : float
        Sample rate ``f_s`` in Hz.
    start_time : float, default 0
        Time of the first sample, seconds (same clock as ``gain_times``).
    filter_half_length : int, default 16
        Sinc taps on each side of a fractional delay.
    history : array_like, complex, shape [B or 1, n_tx, H], optional
        Input samples just before ``waveform`` (the previous calls' input, most recent last;
        zeros before it): they feed the delayed paths at the start, so that consecutive blocks
        join without a transient. ``channel_filter_span(delays, sample_rate, filter_delay=...)``
        samples are enough.
    filter_delay : int or "causal", default 0
        Output delay ``D`` in samples. ``0``: zero-delay (non-causal) filter, for a waveform
        filtered at once. ``"causal"``: ``D =`` :func:`channel_filter_delay` (MATLAB's
        ``ChannelFilterDelay``), output sample ``n`` depends on input samples ``<= n`` only,
        so that consecutive calls with ``history`` equal one call over the whole waveform.
        An integer ``>= 0``: that delay (causal when ``>= channel_filter_delay(...)``).

    Returns
    -------
    numpy.ndarray of complex64, shape [B, n_rx, S]

    Examples
    --------
    >>> x = np.zeros((1, 1, 8), np.complex64); x[0, 0, 0] = 1
    >>> g = np.array([1.0, 0.5j], np.complex64).reshape(1, 1, 1, 2, 1)
    >>> y = apply_time_channel(x, g, [0.0], [0.0, 2e-6], 1e6)   # taps at 0 and 2 samples
    >>> np.round(y[0, 0], 6).tolist()
    [(1+0j), 0j, 0.5j, 0j, 0j, 0j, 0j, 0j]
    >>> y = apply_time_channel(x, g, [0.0], [0.0, 2e-6], 1e6, filter_delay=3)  # 3 samples later
    >>> np.round(y[0, 0], 6).tolist()
    [0j, 0j, 0j, (1+0j), 0j, 0.5j, 0j, 0j]
    """
    fs = _real(sample_rate, "sample_rate", low=0.0, strict=True)
    t0 = _real(start_time, "start_time")
    half = _half_length(filter_half_length)
    fdelay = _filter_delay_arg(filter_delay)
    x = _complex_array(waveform, "waveform")
    g = _complex_array(gains, "gains")
    if g.ndim != 5:
        raise ValueError(f"gains must have shape [B, n_rx, n_tx, P, T], got shape {g.shape}")
    n_b, n_rx, n_tx, n_p, n_t = g.shape
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[1] != n_tx or x.shape[0] not in (1, n_b):
        raise ValueError(
            f"waveform must have shape [B, n_tx, S] = [{n_b} (or 1), {n_tx}, S] to match gains "
            f"{g.shape}, got shape {np.shape(waveform)}")
    gt = np.asarray(gain_times, dtype=np.float64).reshape(-1)
    if gt.size != n_t:
        raise ValueError(f"gain_times has {gt.size} entries but gains has {n_t} on its last axis")
    if not np.all(np.isfinite(gt)) or np.any(np.diff(gt) <= 0):
        raise ValueError("gain_times must be finite and strictly increasing (seconds)")
    d = _delays(delays, n_p)
    s = x.shape[-1]
    if history is not None:
        hist = _complex_array(history, "history")
        if hist.ndim == 2:
            hist = hist[None]
        if hist.ndim != 3 or hist.shape[1] != n_tx or hist.shape[0] not in (1, x.shape[0]):
            raise ValueError(
                f"history must have shape [{x.shape[0]} (or 1), {n_tx}, H], got {hist.shape}")
        if hist.shape[0] != x.shape[0]:
            hist = np.broadcast_to(hist, (x.shape[0],) + hist.shape[1:])
    else:
        hist = np.zeros(x.shape[:2] + (0,), dtype=np.complex64)
    out = np.zeros((n_b, n_rx, s), dtype=np.complex64)
    if s == 0:
        return out

    tap0, f = _combined_taps(d * fs, half, KAISER_BETA)
    tap0 += _causal_delay(tap0) if fdelay is None else fdelay  # delay the output by D samples
    n_m = f.shape[1]
    # Combined FIR at each gain time: h[b, r, t, i, m] = sum_p a_p(T_i) f[p, m].
    if n_t == 1:
        g = np.concatenate([g, g], axis=-1)
        gt = np.array([gt[0], gt[0] + 1.0])
        n_t = 2
    h = np.matmul(np.swapaxes(g, -1, -2).astype(np.complex64),
                  f.astype(np.complex64))  # [B, r, t, T, M]
    hr = np.ascontiguousarray(h.real, dtype=np.float32)
    hi = np.ascontiguousarray(h.imag, dtype=np.float32)

    # Segments of samples between consecutive gain times, interpolation weights.
    times = t0 + np.arange(s, dtype=np.float64) / fs
    seg = np.clip(np.searchsorted(gt, times, side="right") - 1, 0, n_t - 2)
    w = (times - gt[seg]) / (gt[seg + 1] - gt[seg])
    w = np.clip(w, 0.0, 1.0).astype(np.float32)
    bounds = np.searchsorted(seg, np.arange(n_t), side="left")
    seg_start = np.ascontiguousarray(bounds[:-1], dtype=np.int64)
    seg_stop = np.ascontiguousarray(bounds[1:], dtype=np.int64)

    # Zero-padded input: xp[pad + n] = x[n]; reads x[n - tap0 - j] for j < M.
    max_delay = tap0 + n_m - 1  # largest delay of a tap, samples
    n_hist = hist.shape[-1]
    pad = max(max_delay, 0)
    tail = max(-tap0, 0)
    xp = np.zeros(x.shape[:2] + (pad + s + tail,), dtype=np.complex64)
    xp[..., pad:pad + s] = x
    use = min(n_hist, pad)
    if use:
        xp[..., pad - use:pad] = hist[..., n_hist - use:]
    xr = np.ascontiguousarray(xp.real, dtype=np.float32)
    xi = np.ascontiguousarray(xp.imag, dtype=np.float32)
    yr = np.zeros((n_b, n_rx, s), dtype=np.float32)
    yi = np.zeros((n_b, n_rx, s), dtype=np.float32)
    time_channel_kernel(xr, xi, hr, hi, seg_start, seg_stop, w, tap0, pad, yr, yi)
    out.real = yr
    out.imag = yi
    return out


def ofdm_channel_response(gains, delays, subcarrier_frequencies) -> np.ndarray:
    """TR 38.901 §7.7: per-RE frequency response ``sum_p a_p(l) exp(-j 2 pi f_k tau_p)``.

    ``[B, n_rx, n_tx, P, L] -> [B, n_rx, n_tx, K, L]``.

    Parameters
    ----------
    gains : array_like, complex, shape [..., P, L]
        Path gains sampled at the ``L`` OFDM symbol times (:func:`symbol_times`).
    delays : array_like, float, shape [P]
        Path delays in seconds.
    subcarrier_frequencies : array_like, float, shape [K]
        Baseband frequency of each subcarrier in Hz
        (:func:`~opennr.ofdm.resource_grid.subcarrier_frequencies`).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., K, L]

    Examples
    --------
    >>> g = np.ones((1, 1, 1, 2, 1), np.complex64)
    >>> h = ofdm_channel_response(g, [0.0, 1e-6], [0.0, 250e3, 500e3])
    >>> (np.round(h[0, 0, 0, :, 0], 6) + 0.0).tolist()     # 1 + exp(-j 2 pi f 1 us)
    [(2+0j), (1-1j), 0j]
    """
    g = _complex_array(gains, "gains")
    if g.ndim < 2:
        raise ValueError(f"gains must have shape [..., P, L], got shape {g.shape}")
    d = _delays(delays, g.shape[-2])
    f = np.asarray(subcarrier_frequencies, dtype=np.float64)
    if f.ndim != 1 or not np.all(np.isfinite(f)):
        raise ValueError(
            f"subcarrier_frequencies must be a 1-D array of finite Hz values, got shape {f.shape}")
    # exact phase in float64 (f tau can be large), then complex64 matrix product
    e = np.exp(-2j * np.pi * np.outer(f, d)).astype(np.complex64)  # [K, P]
    return np.matmul(e, g.astype(np.complex64, copy=False))


def symbol_times(carrier: CarrierConfig, num_symbols: int | None = None, *,
                 start_time: float = 0.0) -> np.ndarray:
    """TS 38.211 §5.3.1 / TR 38.901 §7.7: centre of each OFDM symbol's useful part, seconds.

    ``start_time`` is the start (first cyclic-prefix sample) of the first symbol of slot
    ``carrier.n_slot``; symbols follow with the §5.3.1 CP lengths (0.5 ms rule included) and
    may run past the slot. These are the times at which ``ofdm_response`` samples the gains.

    Parameters
    ----------
    carrier : CarrierConfig
    num_symbols : int, optional
        Default: one slot (``N_symb^slot``).
    start_time : float, default 0

    Returns
    -------
    numpy.ndarray of float64, shape [L]

    Examples
    --------
    >>> t = symbol_times(CarrierConfig(subcarrier_spacing=15), 2)
    >>> (t * 1e6).round(3).tolist()     # (160 + 1024) / 30.72 MHz, then + 1096 samples
    [38.542, 109.896]
    """
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    num = carrier.numerology
    if num_symbols is None:
        num_symbols = num.symbols_per_slot
    if isinstance(num_symbols, bool) or not isinstance(num_symbols, int | np.integer):
        raise TypeError(f"num_symbols must be an integer, got {num_symbols!r}")
    if num_symbols < 1:
        raise ValueError(f"num_symbols must be >= 1, got {num_symbols}")
    t0 = _real(start_time, "start_time")
    starts = num.symbol_starts_tc()
    cps = num.cp_lengths_tc()
    n_sub = starts.size
    tc_subframe = TC_PER_SECOND // 1000
    first = carrier.first_symbol_in_subframe
    idx = first + np.arange(int(num_symbols))
    sym = idx % n_sub
    ticks = (idx // n_sub) * tc_subframe + starts[sym] + cps[sym] + num.useful_length_tc // 2
    ticks = ticks - starts[first]
    return t0 + ticks.astype(np.float64) / float(TC_PER_SECOND)
