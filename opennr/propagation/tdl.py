"""TR 38.901 V17 §7.7.2-§7.7.6, §7.7.5.2: tapped-delay-line (TDL) fading channel.

Fading process (sum of sinusoids)
    Every tap ``p`` of every link ``(r, t)`` and batch entry is an independent unit-power
    process before correlation,

    ``w(t) = N^(-1/2) sum_{n=1..N} exp(j (2 pi f_D cos(alpha_n) t + phi_n))``,
    ``alpha_n = (2 pi n - pi + theta) / N``,

    with one uniform rotation ``theta`` per process and ``N`` uniform phases ``phi_n``
    (``N = num_sinusoids``, default 48). This is the complex-exponential form of the
    statistical sum-of-sinusoids model of Zheng & Xiao (IEEE Trans. Commun. 51(6), 2003),
    also used by Sionna: the angles ``alpha_n`` tile the circle, so the ensemble
    autocorrelation is exactly ``E[w(t + tau) w*(t)] = J0(2 pi f_D tau)`` (Clarke/Jakes
    spectrum) with ``E[w w] = 0``, and ``w`` is Gaussian in the limit of large ``N``
    (Rayleigh envelope). MATLAB's ``nrTDLChannel`` uses the GMEDS1 variant instead; the
    statistics are the same, the random numbers are not.
Rician taps (TDL-D/E)
    Path 0 adds the specular part ``sqrt(P_LOS) exp(j (2 pi rho f_D t + phi_0))`` with
    ``rho = cos(AoA_LOS) = 0.7`` by default (a LOS Doppler of 0.7 f_D, Sionna's default, which
    its documentation attributes to TR 38.901; ``los_doppler_ratio`` changes it) and an
    independent uniform phase ``phi_0`` per link (TS 38.101-4's fixed initial LOS matrix of
    its static propagation condition B.1 is not modelled).
MIMO correlation (§7.7.5.2, TS 38.101-4 Annex B.2.3)
    Kronecker model: ``G_p = P_p^(1/2) R_rx^(1/2) W_p R_tx^(T/2)`` for the ``n_rx x n_tx``
    matrix ``W_p`` of independent processes, so that ``E[g_rt g*_r't'] = P_p R_rx[r,r'] R_tx[t,t']``
    (``R = R_tx ⊗ R_rx``); or a custom ``spatial_correlation`` ``R`` on ``vec`` index
    ``t n_rx + r``.
Time
    :meth:`TdlChannel.path_gains` is a deterministic function of absolute time for a drawn
    realisation, so slot after slot is continuous. Calling the channel filters a waveform with
    :func:`~opennr.propagation.apply.apply_time_channel`, gains sampled at
    ``2 * sample_density * f_D`` Hz (MATLAB's ``SampleDensity``, default 64) on a grid of
    absolute times and linearly interpolated; an internal clock and the previous input's tail
    continue the channel across calls (like MATLAB's System object).
Channel filter delay
    By default (``filter_mode="causal"``) the output is delayed by
    :meth:`TdlChannel.channel_filter_delay` samples ``D`` (MATLAB's ``ChannelFilterDelay``:
    0 when every path delay is a whole number of samples, else up to
    ``filter_half_length - 1`` = 15), so that the fractional-delay filter is causal: a waveform
    cut into any number of consecutive calls gives exactly (to float32 rounding) the output of
    one call over the whole waveform, the stepping a slot-by-slot simulation needs. A receiver
    compensates ``D`` like a timing offset. ``filter_mode="zero-delay"`` keeps the output
    aligned with the input (non-causal sinc, see :mod:`opennr.propagation.apply`): right for a
    waveform filtered in one call, but consecutive calls then differ from one call in the last
    ``filter_half_length - 1`` samples of each block. ``block_fading=True``
    holds the gains constant over each evaluation: every time of a :meth:`path_gains` call (so
    every sample of a ``__call__``, every symbol of an :meth:`ofdm_response`) gets the gains of
    its first time, so a slot-by-slot loop sees one block per slot, blocks following the
    continuous fading process (the CDL channel does the same).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.ofdm.resource_grid import subcarrier_frequencies
from opennr.propagation._tdl_kernels import (
    sum_of_sinusoids_kernel,
    sum_of_sinusoids_uniform_kernel,
)
from opennr.propagation.apply import (
    apply_time_channel,
    channel_filter_delay,
    channel_filter_span,
    ofdm_channel_response,
    symbol_times,
)
from opennr.propagation.correlation import (
    CORRELATION_LEVELS,
    TRANSMISSION_DIRECTIONS,
    correlation_matrices,
    matrix_sqrt,
)
from opennr.propagation.tdl_tables import (
    CONFORMANCE_COMBINATIONS,
    TdlProfile,
    tdl_profile,
)

__all__ = ["FILTER_MODES", "SPEED_OF_LIGHT", "TdlChannel", "doppler_from_speed"]

_CLAUSE = "TR 38.901 §7.7"
#: Speed of light in m/s.
SPEED_OF_LIGHT = 299_792_458.0
_DEFAULT_DOPPLER = 5.0  # MATLAB nrTDLChannel's default MaximumDopplerShift
#: Channel filter modes of the channel objects' ``__call__`` (see :mod:`opennr.propagation.apply`).
FILTER_MODES = ("causal", "zero-delay")


def _real(value, name: str, *, low: float | None = None, strict: bool = False,
          clause: str = _CLAUSE) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r} ({clause})")
    if low is not None and (v <= low if strict else v < low):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {low:g}, got {v:g} ({clause})")
    return v


def doppler_from_speed(speed: float, carrier_frequency: float) -> float:
    """TR 38.901 §7.6.10 / §7.7: maximum Doppler shift ``f_D = v f_c / c`` in Hz.

    Examples
    --------
    >>> round(doppler_from_speed(30 / 3.6, 4e9), 3)    # 30 km/h at 4 GHz
    111.188
    """
    v = _real(speed, "speed", low=0.0)
    fc = _real(carrier_frequency, "carrier_frequency", low=0.0, strict=True)
    return v * fc / SPEED_OF_LIGHT


class TdlChannel:
    """TR 38.901 §7.7.2: TDL-A..E / TDLA30, TDLB100, TDLC300 fading channel with MIMO correlation.

    ``__call__``: ``[B or none, n_tx, S] -> ([B, n_rx, S], gains [B, n_rx, n_tx, P, T'], [T'])``;
    :meth:`path_gains`: ``[T] -> [B, n_rx, n_tx, P, T]``; :meth:`ofdm_response`:
    ``carrier -> [B, n_rx, n_tx, K, L]``. See the module notes for the fading model.

    Parameters
    ----------
    profile : str, default "TDL-A"
        ``"TDL-A"`` .. ``"TDL-E"`` (TR 38.901 Tables 7.7.2-1..5), ``"TDLA30"``, ``"TDLB100"``,
        ``"TDLC300"`` (TS 38.101-4 Tables B.2.1-2..4) or a combination such as
        ``"TDLC300-100"`` (Tables B.2.2-1/2: its Doppler becomes the default ``max_doppler``).
    delay_spread : float, optional
        Desired RMS delay spread in seconds; required for TDL-A..E (§7.7.3).
    max_doppler : float, optional
        Maximum Doppler shift ``f_D`` in Hz (>= 0). Default: the combination's, else 5 Hz
        (MATLAB's default). Exclusive with ``speed``.
    speed, carrier_frequency : float, optional
        UE speed in m/s and carrier frequency in Hz: ``f_D = v f_c / c``.
    n_rx, n_tx : int, default 1
        Receive and transmit antennas.
    correlation : {"low", "medium", "medium-a", "uplink-medium", "high"}, default "low"
        MIMO correlation level (TS 38.101-4 Annex B.2.3, TS 38.104 Annex G.2.3).
    transmission_direction : {"downlink", "uplink"}, default "downlink"
        Which end is the gNB for the correlation level.
    spatial_correlation : array_like, optional
        Custom ``[n_tx n_rx, n_tx n_rx]`` correlation on index ``t n_rx + r``; overrides
        ``correlation``.
    k_factor : float, optional
        Desired K-factor in dB for TDL-D/E (§7.7.6).
    num_sinusoids : int, default 48
        ``N`` of the sum of sinusoids (MATLAB's ``NumSinusoids`` default).
    los_doppler_ratio : float, default 0.7
        ``rho``: the specular path's Doppler is ``rho f_D``.
    block_fading : bool, default False
        Hold the gains of the first time of each evaluation (one block per call).
    batch_size : int, default 1
        ``B`` independent realisations.
    sample_density : int, default 64
        Gains are sampled at ``2 sample_density f_D`` Hz in the time domain.
    filter_mode : {"causal", "zero-delay"}, default "causal"
        ``"causal"``: ``__call__`` delays its output by :meth:`channel_filter_delay` samples
        (MATLAB's ``ChannelFilterDelay``) and consecutive calls equal one call over the
        concatenated waveform. ``"zero-delay"``: output aligned with the input, for one-shot
        use (consecutive calls then differ in the last 15 samples of each block).
    rng : numpy.random.Generator, optional
    seed : int, optional
        One of ``rng`` or ``seed`` is required (``seed`` makes ``numpy.random.default_rng``).

    Examples
    --------
    >>> ch = TdlChannel("TDL-C", delay_spread=300e-9, max_doppler=100.0, n_rx=2, n_tx=2, seed=1)
    >>> x = np.ones((2, 3072), np.complex64)
    >>> y, g, t = ch(x, 30.72e6)
    >>> y.shape, g.shape, t.shape
    ((1, 2, 3072), (1, 2, 2, 24, 3), (3,))
    >>> y2, _, t2 = ch(x, 30.72e6)     # continues at t = 0.1 ms (gain grid: 1 / 12.8 kHz)
    >>> round(ch.time * 1e3, 4), round(float(t2[0]) * 1e3, 4)
    (0.2, 0.0781)
    >>> ch.channel_filter_delay(30.72e6)    # y is delayed by 14 samples (causal filter)
    14
    """

    def __init__(
        self,
        profile: str = "TDL-A",
        *,
        delay_spread: float | None = None,
        max_doppler: float | None = None,
        speed: float | None = None,
        carrier_frequency: float | None = None,
        n_rx: int = 1,
        n_tx: int = 1,
        correlation: str = "low",
        transmission_direction: str = "downlink",
        spatial_correlation=None,
        k_factor: float | None = None,
        num_sinusoids: int = 48,
        los_doppler_ratio: float = 0.7,
        block_fading: bool = False,
        batch_size: int = 1,
        sample_density: int = 64,
        filter_mode: str = "causal",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        self._profile = tdl_profile(profile, delay_spread=delay_spread, k_factor=k_factor)
        # Doppler
        if speed is not None or carrier_frequency is not None:
            if max_doppler is not None:
                raise ValueError("give either max_doppler or speed and carrier_frequency, not both "
                                 f"({_CLAUSE})")
            if speed is None or carrier_frequency is None:
                raise ValueError("speed and carrier_frequency must be given together "
                                 f"(f_D = v f_c / c, {_CLAUSE})")
            fd = doppler_from_speed(speed, carrier_frequency)
        elif max_doppler is not None:
            fd = _real(max_doppler, "max_doppler", low=0.0)
        elif profile in CONFORMANCE_COMBINATIONS:
            fd = CONFORMANCE_COMBINATIONS[profile][1]
        else:
            fd = _DEFAULT_DOPPLER
        self._max_doppler = float(fd)
        self._n_rx = check_int(n_rx, "n_rx", low=1, high=1024, clause=_CLAUSE)
        self._n_tx = check_int(n_tx, "n_tx", low=1, high=1024, clause=_CLAUSE)
        self._batch = check_int(batch_size, "batch_size", low=1, clause=_CLAUSE)
        self._n_sin = check_int(num_sinusoids, "num_sinusoids", low=1, high=4096, clause=_CLAUSE)
        self._density = check_int(sample_density, "sample_density", low=1, high=1 << 16,
                                  clause=_CLAUSE)
        self._rho = _real(los_doppler_ratio, "los_doppler_ratio", low=-1.0)
        if self._rho > 1.0:
            raise ValueError(f"los_doppler_ratio must be in [-1, 1], got {self._rho}")
        if not isinstance(block_fading, bool | np.bool_):
            raise TypeError(f"block_fading must be a bool, got {block_fading!r}")
        self._block = bool(block_fading)
        self._filter_mode = check_choice(filter_mode, "filter_mode", FILTER_MODES,
                                         clause=_CLAUSE)
        check_choice(transmission_direction, "transmission_direction", TRANSMISSION_DIRECTIONS,
                     clause="TS 38.101-4 Annex B.2.3")
        if spatial_correlation is not None:
            r = np.asarray(spatial_correlation, dtype=np.complex128)
            m = self._n_rx * self._n_tx
            if r.shape != (m, m):
                raise ValueError(
                    f"spatial_correlation must have shape [n_tx n_rx, n_tx n_rx] = [{m}, {m}], got "
                    f"{r.shape} (TR 38.901 §7.7.5.2)")
            if not np.allclose(np.diag(r).real, 1.0, atol=1e-6):
                raise ValueError("spatial_correlation must have a unit diagonal (TR 38.901 "
                                 "§7.7.5.2)")
            self._s_full = matrix_sqrt(r)
            self._s_rx = self._s_tx = None
            self._correlation = "custom"
        else:
            check_choice(correlation, "correlation", tuple(CORRELATION_LEVELS),
                         clause="TS 38.101-4 Annex B.2.3")
            r_rx, r_tx = correlation_matrices(correlation, self._n_rx, self._n_tx,
                                              transmission_direction=transmission_direction)
            self._s_full = None
            self._s_rx = matrix_sqrt(r_rx)
            self._s_tx = matrix_sqrt(r_tx)
            self._correlation = correlation
        if rng is None:
            if seed is None:
                raise ValueError("give rng (a numpy.random.Generator) or seed: randomness is "
                                 "explicit in OpenNR")
            rng = np.random.default_rng(check_int(seed, "seed", low=0))
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self._rng = rng
        self.redraw()

    # ----------------------------------------------------------------------------- properties
    @property
    def profile(self) -> TdlProfile:
        """The scaled, normalised :class:`~opennr.propagation.tdl_tables.TdlProfile`."""
        return self._profile

    @property
    def path_delays(self) -> np.ndarray:
        """Path delays in seconds, ``[P]``."""
        return self._profile.delays.copy()

    @property
    def path_powers(self) -> np.ndarray:
        """Mean power of each path (specular included), ``[P]``, summing to one."""
        return self._profile.powers.copy()

    @property
    def max_doppler(self) -> float:
        """Maximum Doppler shift ``f_D`` in Hz."""
        return self._max_doppler

    @property
    def max_doppler_shift(self) -> float:
        """Alias of :attr:`max_doppler` (the CDL channel's name, MATLAB's MaximumDopplerShift)."""
        return self._max_doppler

    @property
    def n_rx(self) -> int:
        """Receive antennas."""
        return self._n_rx

    @property
    def n_tx(self) -> int:
        """Transmit antennas."""
        return self._n_tx

    @property
    def batch_size(self) -> int:
        """Independent realisations ``B``."""
        return self._batch

    @property
    def correlation(self) -> str:
        """Correlation level name, or ``"custom"``."""
        return self._correlation

    @property
    def block_fading(self) -> bool:
        """Whether each evaluation holds the gains of its first time."""
        return self._block

    @property
    def filter_mode(self) -> str:
        """``"causal"`` (output delayed by :meth:`channel_filter_delay`) or ``"zero-delay"``."""
        return self._filter_mode

    def channel_filter_delay(self, sample_rate: float) -> int:
        """Delay ``D`` in samples of ``__call__``'s output at ``sample_rate`` (MATLAB's ``ChannelFilterDelay``).

        ``D / sample_rate`` seconds. 0 with ``filter_mode="zero-delay"`` or when every path
        delay is a whole number of samples; else the smallest delay that makes the channel
        filter causal (:func:`~opennr.propagation.apply.channel_filter_delay`).

        Examples
        --------
        >>> ch = TdlChannel("TDLA30", seed=0)
        >>> ch.channel_filter_delay(30.72e6), ch.channel_filter_delay(200e6)  # 5 ns grid: exact
        (15, 0)
        """
        fs = _real(sample_rate, "sample_rate", low=0.0, strict=True)
        if self._filter_mode == "zero-delay":
            return 0
        return channel_filter_delay(self._profile.delays, fs)

    @property
    def time(self) -> float:
        """Internal clock: the start time in seconds of the next ``__call__``."""
        return self._clock

    @property
    def gain_sample_rate(self) -> float:
        """Rate at which ``__call__`` samples the gains, ``2 sample_density f_D`` Hz (0: static)."""
        if self._block or self._max_doppler == 0.0:
            return 0.0
        return 2.0 * self._density * self._max_doppler

    # ----------------------------------------------------------------------------- realisation
    def redraw(self, rng: np.random.Generator | None = None) -> None:
        """Draw a new realisation (angles and phases) and :meth:`reset` the clock."""
        if rng is not None:
            if not isinstance(rng, np.random.Generator):
                raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
            self._rng = rng
        shape = (self._batch, self._n_rx, self._n_tx, self._profile.num_paths)
        theta = self._rng.uniform(-np.pi, np.pi, size=shape)
        n = np.arange(1, self._n_sin + 1)
        alpha = (2 * np.pi * n - np.pi + theta[..., None]) / self._n_sin
        self._freqs = self._max_doppler * np.cos(alpha)  # [B, R, T, P, N] Hz
        self._phases = self._rng.uniform(-np.pi, np.pi, size=shape + (self._n_sin,))
        self._los_phase = self._rng.uniform(-np.pi, np.pi, size=shape[:3])
        self.reset()

    def reset(self) -> None:
        """Go back to ``t = 0`` (same realisation) and forget the previous input."""
        self._clock = 0.0
        self._history = None
        self._history_rate = None

    # ----------------------------------------------------------------------------- gains
    def _diffuse(self, t: np.ndarray) -> np.ndarray:
        """Uncorrelated unit-power processes ``[B, R, T, P, len(t)]`` complex128."""
        shape = self._freqs.shape[:-1]
        m = int(np.prod(shape))
        out = np.empty((m, t.size), dtype=np.complex128)
        freqs = self._freqs.reshape(m, self._n_sin)
        phases = self._phases.reshape(m, self._n_sin)
        scale = 1.0 / math.sqrt(self._n_sin)
        step = np.diff(t)
        if t.size > 8 and step[0] > 0 and np.all(np.abs(step - step[0]) <= 1e-9 * step[0]):
            sum_of_sinusoids_uniform_kernel(freqs, phases, float(t[0]), float(step[0]), scale,
                                            out)
        else:
            sum_of_sinusoids_kernel(freqs, phases, np.ascontiguousarray(t, dtype=np.float64),
                                    scale, out)
        return out.reshape(shape + (t.size,))

    def path_gains(self, times) -> np.ndarray:
        """TR 38.901 §7.7.2: complex path gains at absolute ``times`` (s), ``[T] -> [B, R, T_x, P, T]``.

        Axes: batch, receive antenna, transmit antenna, path, time. Mean power of path ``p``
        per link is ``path_powers[p]``.

        Examples
        --------
        >>> ch = TdlChannel("TDL-D", delay_spread=30e-9, max_doppler=10.0, seed=3, batch_size=2)
        >>> ch.path_gains([0.0, 1e-3]).shape
        (2, 1, 1, 13, 2)
        """
        t = np.asarray(times, dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(t)):
            raise ValueError(f"times must be finite seconds ({_CLAUSE})")
        n_t = t.size
        t_eval = t[:1] if self._block and n_t else t
        w = self._diffuse(t_eval)  # [B, R, T, P, Te]
        if self._s_full is not None:
            b, r, tx, p, te = w.shape
            vec = np.swapaxes(w, 1, 2).reshape(b, tx * r, p, te)  # index t * n_rx + r
            vec = np.einsum("ij,bjpk->bipk", self._s_full, vec)
            w = np.swapaxes(vec.reshape(b, tx, r, p, te), 1, 2)
        else:
            if self._n_rx > 1 and self._correlation != "low":
                w = np.einsum("ij,bjtpk->bitpk", self._s_rx, w)
            if self._n_tx > 1 and self._correlation != "low":
                w = np.einsum("bitpk,st->bispk", w, self._s_tx)  # W S_tx^T
        amp = np.sqrt(self._profile.nlos_powers)
        w *= amp[:, None]
        if self._profile.has_los:
            arg = 2 * np.pi * self._rho * self._max_doppler * t_eval[None, None, None, :] \
                + self._los_phase[..., None]
            w[:, :, :, 0, :] += math.sqrt(self._profile.los_power) * np.exp(1j * arg)
        g = w.astype(np.complex64)
        if self._block and n_t != 1:
            g = np.repeat(g, n_t, axis=-1)
        return g

    # ----------------------------------------------------------------------------- application
    def _gain_times(self, t0: float, duration: float, sample_rate: float | None = None
                    ) -> np.ndarray:
        rate = self.gain_sample_rate
        if rate == 0.0:
            return np.array([t0])
        if sample_rate is not None and rate >= sample_rate:  # no need to oversample the gains
            return t0 + np.arange(max(round(duration * sample_rate) + 1, 2)) / sample_rate
        k0 = math.floor(t0 * rate)
        k1 = math.ceil((t0 + duration) * rate)
        if k1 <= k0:
            k1 = k0 + 1
        return np.arange(k0, k1 + 1, dtype=np.float64) / rate

    def _check_sample_rate(self, sample_rate, strict: bool = True) -> float:
        fs = _real(sample_rate, "sample_rate", low=0.0, strict=True)
        tau = self._profile.max_delay
        if strict and tau > 0.0 and tau * fs < 1.0:
            raise ValueError(
                f"sample_rate = {fs:g} Hz is too low for the {self._profile.name} delay profile: "
                f"its largest delay {tau * 1e9:.4g} ns is shorter than one sample "
                f"({1e9 / fs:.4g} ns), so no tap can be resolved; use at least "
                f"{1.0 / tau:.4g} Hz, or pass require_resolved_taps=False for flat fading "
                f"({_CLAUSE})")
        return fs

    def __call__(self, waveform, sample_rate: float, *, start_time: float | None = None,
                 require_resolved_taps: bool = True):
        """TR 38.901 §7.7: filter ``[B or none, n_tx, S]`` through the channel.

        Parameters
        ----------
        waveform : array_like, complex, shape [B, n_tx, S] or [n_tx, S]
        sample_rate : float
            Hz; at least ``1 / max(path_delays)`` unless ``require_resolved_taps=False``.
        start_time : float, optional
            Time of the first sample; default the internal clock (continues the previous
            call). The clock moves to the end of this waveform.
        require_resolved_taps : bool, default True
            Reject a sample rate at which the whole delay profile spans less than one sample
            (the taps then merge into flat fading; MATLAB accepts it silently).

        Returns
        -------
        rx : numpy.ndarray of complex64, [B, n_rx, S]
            Delayed by :meth:`channel_filter_delay` samples (``filter_mode="causal"``): its
            first ``D`` samples carry the end of the previous call's input (zeros after
            :meth:`reset`), and the last ``D`` input samples come out in the next call.
        path_gains : numpy.ndarray of complex64, [B, n_rx, n_tx, P, T']
            Gains at ``sample_times`` (the snapshots interpolated in the filter).
        sample_times : numpy.ndarray of float64, [T']
        """
        fs = self._check_sample_rate(sample_rate, bool(require_resolved_taps))
        x = np.asarray(waveform)
        if x.dtype == bool or not np.issubdtype(x.dtype, np.number):
            raise TypeError(f"waveform must be a numeric (complex) array, got dtype {x.dtype}")
        if x.ndim == 2:
            x = x[None]
        if x.ndim != 3 or x.shape[1] != self._n_tx or x.shape[0] not in (1, self._batch):
            raise ValueError(
                f"waveform must have shape [B, n_tx, S] or [n_tx, S] with n_tx = {self._n_tx} and "
                f"B = {self._batch} (or 1), got shape {np.shape(waveform)} ({_CLAUSE})")
        if start_time is None:
            t0 = self._clock
            hist = self._history if self._history_rate == fs else None
        else:
            t0 = _real(start_time, "start_time")
            same = self._history_rate == fs and abs(t0 - self._clock) * fs < 1e-6
            hist = self._history if same else None
        s = x.shape[-1]
        gt = self._gain_times(t0, (s - 1) / fs if s else 0.0, fs)
        g = self.path_gains(gt)
        if hist is not None and hist.shape[0] != x.shape[0]:  # [n_tx, S] input vs batch
            b = max(hist.shape[0], x.shape[0])
            hist = np.broadcast_to(hist, (b,) + hist.shape[1:])
            x = np.broadcast_to(x, (b,) + x.shape[1:])
        mode = "causal" if self._filter_mode == "causal" else 0
        rx = apply_time_channel(x, g, gt, self._profile.delays, fs, start_time=t0, history=hist,
                                filter_delay=mode)
        keep = max(channel_filter_span(self._profile.delays, fs, filter_delay=mode), 0) + 1
        full = x if hist is None else np.concatenate([hist, x.astype(hist.dtype)], axis=-1)
        self._history = np.ascontiguousarray(full[..., -keep:]).astype(np.complex64)
        self._history_rate = fs
        self._clock = t0 + s / fs
        return rx, g, gt

    def ofdm_response(self, carrier: CarrierConfig, *, num_symbols: int | None = None,
                      start_time: float = 0.0, nfft: int | None = None,
                      sample_rate: float | None = None) -> np.ndarray:
        """TR 38.901 §7.7: exact per-RE, per-symbol response ``[B, n_rx, n_tx, K, L]``.

        ``H[k, l] = sum_p a_p(t_l) exp(-j 2 pi f_k tau_p)`` with ``t_l`` the centre of symbol
        ``l``'s useful part (:func:`~opennr.propagation.apply.symbol_times`) from
        ``start_time``, the start of slot ``carrier.n_slot``. ``nfft`` / ``sample_rate`` are
        only validated (the times are exact in ``T_c``).

        Examples
        --------
        >>> ch = TdlChannel("TDLA30-10", n_rx=2, seed=7)
        >>> ch.ofdm_response(CarrierConfig(n_size_grid=6)).shape
        (1, 2, 1, 72, 14)
        """
        if not isinstance(carrier, CarrierConfig):
            raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
        if nfft is not None or sample_rate is not None:
            ofdm_info(carrier, nfft=nfft, sample_rate=sample_rate)
        times = symbol_times(carrier, num_symbols, start_time=start_time)
        g = self.path_gains(times)
        return ofdm_channel_response(g, self._profile.delays, subcarrier_frequencies(carrier))

    def __repr__(self) -> str:
        return (f"TdlChannel({self._profile.name!r}, delay_spread={self._profile.delay_spread:g}, "
                f"max_doppler={self._max_doppler:g}, n_rx={self._n_rx}, n_tx={self._n_tx}, "
                f"correlation={self._correlation!r}, batch_size={self._batch})")
