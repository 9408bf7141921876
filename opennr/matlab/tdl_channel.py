"""MATLAB 5G Toolbox compatible ``nrTDLChannel`` (TR 38.901 §7.7.2-§7.7.6, TS 38.101-4 Annex B.2).

A thin class over :class:`opennr.propagation.tdl.TdlChannel` with MathWorks' property names and
call: ``[sigout, pathgains, sampletimes] = tdl(waveform)`` with ``waveform`` samples-by-antennas
(``Ns x Nt``), ``sigout`` ``Ns x Nr``, ``pathgains`` ``Ncs x Np x Nt x Nr`` and ``sampletimes``
``Ncs x 1`` (the channel snapshots, ``2 * SampleDensity * MaximumDopplerShift`` per second).

Differences from MATLAB that a user may meet:

* the random numbers differ (NumPy's PCG64 seeded with ``Seed`` instead of mt19937ar; a
  sum-of-sinusoids with random angles instead of GMEDS1): same statistics, not the same
  realisation; ``RandomStream`` accepts only ``'mt19937ar with seed'`` (meaning: use ``Seed``);
* the channel filter is a Kaiser-windowed sinc (16 taps each side of a fractional delay; MATLAB
  uses its own interpolation filter): as in MATLAB, the output is delayed by
  ``info().ChannelFilterDelay`` samples (0 when every path delay is a whole number of samples,
  else 14 or 15 for the standard profiles; MATLAB's shorter interpolation filter gives smaller
  values) and keeps the input's length, so consecutive calls give the output of one call over
  the concatenated waveform;
* ``Polarization`` is ``'Co-Polar'`` only; ``DelayProfile`` ``'Custom'`` is not supported;
* changing a property after a call rebuilds the channel at ``InitialTime`` (MATLAB locks
  non-tunable properties instead);
* ``NormalizeChannelOutputs`` divides the output by ``sqrt(NumTransmitAntennas)`` (each receive
  antenna then sees unit mean power for unit-power inputs).
"""

from __future__ import annotations

import numpy as np

from opennr.matlab._channel_args import bool_arg, real_arg
from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.propagation.apply import channel_filter_span
from opennr.propagation.tdl import TdlChannel
from opennr.propagation.tdl_tables import CONFORMANCE_PROFILES, TDL_MODELS, tdl_table

__all__ = ["nrTDLChannel"]

_CLAUSE = "TR 38.901 §7.7.2"
_PROFILES = TDL_MODELS + CONFORMANCE_PROFILES
_CORRELATIONS = {"Low": "low", "Medium": "medium", "Medium-A": "medium-a",
                 "UplinkMedium": "uplink-medium", "High": "high", "Custom": None}
_PROPERTIES = (
    "DelayProfile", "DelaySpread", "MaximumDopplerShift", "KFactorScaling", "KFactor",
    "SampleRate", "MIMOCorrelation", "Polarization", "TransmissionDirection",
    "NumTransmitAntennas", "NumReceiveAntennas", "TransmitCorrelationMatrix",
    "ReceiveCorrelationMatrix", "NormalizePathGains", "InitialTime", "NumSinusoids",
    "RandomStream", "Seed", "NormalizeChannelOutputs", "ChannelFiltering", "NumTimeSamples",
    "SampleDensity",
)


def _real_arg(value, name: str, *, low: float | None = None, strict: bool = False) -> float:
    return real_arg(value, name, clause=_CLAUSE, low=low, strict=strict)


class nrTDLChannel:
    """TR 38.901 §7.7.2: TDL MIMO fading channel, MATLAB ``nrTDLChannel`` System object.

    MATLAB syntax: ``tdl = nrTDLChannel('DelayProfile','TDL-C','DelaySpread',300e-9)``, here
    ``tdl = nrTDLChannel(DelayProfile='TDL-C', DelaySpread=300e-9)``; then
    ``[sigout, pathgains, sampletimes] = tdl(waveform)`` (or ``[pathgains, sampletimes] = tdl()``
    with ``ChannelFiltering = false``), ``info(tdl)`` -> ``tdl.info()``, ``reset(tdl)`` ->
    ``tdl.reset()``.

    Parameters
    ----------
    DelayProfile : {'TDL-A', 'TDL-B', 'TDL-C', 'TDL-D', 'TDL-E', 'TDLA30', 'TDLB100', 'TDLC300'}
        Default 'TDL-A' (TR 38.901 Tables 7.7.2-1..5, TS 38.101-4 Tables B.2.1-2..4).
    DelaySpread : float, default 30e-9
        Desired RMS delay spread in s (§7.7.3); unused for TDLA30/TDLB100/TDLC300.
    MaximumDopplerShift : float, default 5
        Hz, >= 0.
    KFactorScaling : bool, default False
        Scale the TDL-D/E K-factor to ``KFactor`` (§7.7.6).
    KFactor : float, default 9.0
        Desired K-factor in dB (specular over total diffuse power).
    SampleRate : float, default 30.72e6
    MIMOCorrelation : {'Low', 'Medium', 'Medium-A', 'UplinkMedium', 'High', 'Custom'}
        Default 'Low' (TS 38.101-4 Annex B.2.3, TS 38.104 Annex G.2.3); 'Custom' uses
        ``TransmitCorrelationMatrix`` and ``ReceiveCorrelationMatrix``.
    Polarization : {'Co-Polar'}
    TransmissionDirection : {'Downlink', 'Uplink'}, default 'Downlink'
    NumTransmitAntennas : int, default 1
    NumReceiveAntennas : int, default 2
    TransmitCorrelationMatrix, ReceiveCorrelationMatrix : array_like, default identity
    NormalizePathGains : bool, default True
        Path powers sum to 0 dB; otherwise the table's powers are used as they are.
    InitialTime : float, default 0
        Time in s of the first sample of the first call.
    NumSinusoids : int, default 48
    RandomStream : {'mt19937ar with seed'}
    Seed : int, default 73
    NormalizeChannelOutputs : bool, default True
    ChannelFiltering : bool, default True
    NumTimeSamples : int, default 30720
        Duration in samples of ``tdl()`` when ``ChannelFiltering`` is false.
    SampleDensity : int, default 64

    Examples
    --------
    >>> tdl = nrTDLChannel(DelayProfile='TDL-C', DelaySpread=300e-9, MaximumDopplerShift=100,
    ...                    NumTransmitAntennas=2)
    >>> sigout, pathgains, sampletimes = tdl(np.ones((3072, 2), np.complex64))
    >>> sigout.shape, pathgains.shape, sampletimes.shape
    ((3072, 2), (3, 24, 2, 2), (3, 1))
    >>> info = tdl.info()
    >>> info.NumTransmitAntennas, info.PathDelays.size, info.ChannelFilterDelay
    (2, 24, 14)
    """

    def __init__(self, **kwargs) -> None:
        self.DelayProfile = "TDL-A"
        self.DelaySpread = 30e-9
        self.MaximumDopplerShift = 5.0
        self.KFactorScaling = False
        self.KFactor = 9.0
        self.SampleRate = 30.72e6
        self.MIMOCorrelation = "Low"
        self.Polarization = "Co-Polar"
        self.TransmissionDirection = "Downlink"
        self.NumTransmitAntennas = 1
        self.NumReceiveAntennas = 2
        self.TransmitCorrelationMatrix = None
        self.ReceiveCorrelationMatrix = None
        self.NormalizePathGains = True
        self.InitialTime = 0.0
        self.NumSinusoids = 48
        self.RandomStream = "mt19937ar with seed"
        self.Seed = 73
        self.NormalizeChannelOutputs = True
        self.ChannelFiltering = True
        self.NumTimeSamples = 30720
        self.SampleDensity = 64
        for name, value in kwargs.items():
            if name not in _PROPERTIES:
                raise TypeError(f"nrTDLChannel has no property {name!r}; properties are "
                                f"{', '.join(_PROPERTIES)}")
            setattr(self, name, value)
        self._channel = None
        self._key = None
        self._build()

    # ------------------------------------------------------------------------------- native
    def _config(self):
        return tuple(repr(getattr(self, p)) if isinstance(getattr(self, p), np.ndarray)
                     else getattr(self, p) for p in _PROPERTIES)

    def _build(self) -> TdlChannel:
        key = self._config()
        if self._channel is not None and key == self._key:
            return self._channel
        profile = _choice_arg(self.DelayProfile, "DelayProfile", _PROFILES, clause=_CLAUSE)
        _choice_arg(self.Polarization, "Polarization", ("Co-Polar",),
                    clause="TS 38.101-4 Annex B.2.3 (Cross-Polar is not supported)")
        direction = _choice_arg(self.TransmissionDirection, "TransmissionDirection",
                                ("Downlink", "Uplink"), clause="TS 38.101-4 Annex B.2.3")
        corr = _choice_arg(self.MIMOCorrelation, "MIMOCorrelation", tuple(_CORRELATIONS),
                           clause="TS 38.101-4 Annex B.2.3")
        _choice_arg(self.RandomStream, "RandomStream", ("mt19937ar with seed",))
        n_tx = _int_arg(self.NumTransmitAntennas, "NumTransmitAntennas", low=1, high=1024)
        n_rx = _int_arg(self.NumReceiveAntennas, "NumReceiveAntennas", low=1, high=1024)
        scalable = profile in TDL_MODELS
        ds = _real_arg(self.DelaySpread, "DelaySpread", low=0.0, strict=True) if scalable \
            else None
        k_scaling = bool_arg(self.KFactorScaling, "KFactorScaling")
        k = None
        if k_scaling and profile in ("TDL-D", "TDL-E"):
            k = _real_arg(self.KFactor, "KFactor")
        spatial = None
        if corr == "Custom":
            r_tx = np.eye(n_tx) if self.TransmitCorrelationMatrix is None else np.asarray(
                self.TransmitCorrelationMatrix, dtype=np.complex128)
            r_rx = np.eye(n_rx) if self.ReceiveCorrelationMatrix is None else np.asarray(
                self.ReceiveCorrelationMatrix, dtype=np.complex128)
            if r_tx.shape != (n_tx, n_tx) or r_rx.shape != (n_rx, n_rx):
                raise ValueError(
                    f"TransmitCorrelationMatrix must be {n_tx}x{n_tx} and "
                    f"ReceiveCorrelationMatrix {n_rx}x{n_rx}, got {r_tx.shape} and {r_rx.shape} "
                    "(TR 38.901 §7.7.5.2)")
            spatial = np.kron(r_tx, r_rx)
        self._sample_rate = _real_arg(self.SampleRate, "SampleRate", low=0.0, strict=True)
        self._initial_time = _real_arg(self.InitialTime, "InitialTime", low=0.0)
        self._normalize_outputs = bool_arg(self.NormalizeChannelOutputs,
                                            "NormalizeChannelOutputs")
        self._filtering = bool_arg(self.ChannelFiltering, "ChannelFiltering")
        normalize = bool_arg(self.NormalizePathGains, "NormalizePathGains")
        self._channel = TdlChannel(
            profile, delay_spread=ds,
            max_doppler=_real_arg(self.MaximumDopplerShift, "MaximumDopplerShift", low=0.0),
            n_rx=n_rx, n_tx=n_tx,
            correlation="low" if corr == "Custom" else _CORRELATIONS[corr],
            transmission_direction=direction.lower(), spatial_correlation=spatial, k_factor=k,
            num_sinusoids=_int_arg(self.NumSinusoids, "NumSinusoids", low=1, high=4096),
            sample_density=_int_arg(self.SampleDensity, "SampleDensity", low=1),
            seed=_int_arg(self.Seed, "Seed", low=0, high=2**32 - 1))
        self._gain_scale = 1.0
        if not normalize:
            _, powers_db, _ = tdl_table(profile)
            self._gain_scale = float(np.sqrt(np.sum(10.0 ** (powers_db / 10.0))))
        self._channel.reset()
        self._key = key
        self._started = False
        return self._channel

    @property
    def native(self) -> TdlChannel:
        """The underlying :class:`opennr.propagation.tdl.TdlChannel`."""
        return self._build()

    # ------------------------------------------------------------------------------- call
    def __call__(self, waveform=None):
        """TR 38.901 §7.7: ``[sigout, pathgains, sampletimes] = tdl(waveform)``.

        ``waveform``: ``Ns x Nt`` (a 1-D array for one antenna). With ``ChannelFiltering``
        false, call without input: ``[pathgains, sampletimes] = tdl()``.
        """
        ch = self._build()
        t0 = self._initial_time if not self._started else None
        if not self._filtering:
            if waveform is not None:
                raise TypeError("with ChannelFiltering = false, call the channel without input: "
                                "[pathgains, sampletimes] = tdl()")
            n = _int_arg(self.NumTimeSamples, "NumTimeSamples", low=1)
            start = ch.time if t0 is None else t0
            times = ch._gain_times(start, (n - 1) / self._sample_rate)
            g = ch.path_gains(times)
            ch._clock = start + n / self._sample_rate
            ch._history = None
            self._started = True
            return self._matlab_gains(g), times.reshape(-1, 1)
        if waveform is None:
            raise TypeError("tdl(waveform) needs an Ns x NumTransmitAntennas waveform when "
                            "ChannelFiltering is true")
        x = np.asarray(waveform)
        if x.dtype == bool or not np.issubdtype(x.dtype, np.number):
            raise TypeError(f"waveform must be a numeric array, got dtype {x.dtype}")
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != ch.n_tx:
            raise ValueError(
                f"waveform must be Ns x NumTransmitAntennas = Ns x {ch.n_tx}, got shape "
                f"{np.shape(waveform)} ({_CLAUSE})")
        y, g, t = ch(np.ascontiguousarray(x.T.astype(np.complex64)), self._sample_rate,
                     start_time=t0, require_resolved_taps=False)
        self._started = True
        y = y[0].T * np.float32(self._gain_scale)
        if self._normalize_outputs:
            y = y / np.float32(np.sqrt(ch.n_tx))
        return np.ascontiguousarray(y, dtype=np.complex64), self._matlab_gains(g), t.reshape(-1, 1)

    def _matlab_gains(self, g: np.ndarray) -> np.ndarray:
        """Native ``[1, Nr, Nt, Np, Ncs]`` -> MATLAB ``Ncs x Np x Nt x Nr``."""
        out = np.transpose(g[0], (3, 2, 1, 0)) * np.float32(self._gain_scale)
        return np.ascontiguousarray(out, dtype=np.complex64)

    def reset(self) -> None:
        """MATLAB ``reset(tdl)``: back to ``InitialTime``, same realisation (same ``Seed``)."""
        self._build().reset()
        self._started = False

    def info(self) -> MatlabStruct:
        """MATLAB ``info(tdl)``: a struct with the channel's delays, gains and dimensions.

        Fields: ``ChannelFilterDelay`` (samples by which the output is delayed, see
        :meth:`opennr.propagation.tdl.TdlChannel.channel_filter_delay`), ``MaximumChannelDelay``
        (samples: the largest path delay plus the filter delay and the sinc tail, i.e. the
        zeros to append to flush the channel), ``PathDelays``
        (s), ``AveragePathGains`` (dB), ``KFactorFirstTap`` (dB, ``-Inf`` for NLOS profiles),
        ``NumTransmitAntennas``, ``NumReceiveAntennas``.
        """
        ch = self._build()
        powers = ch.path_powers * self._gain_scale**2
        return MatlabStruct(
            ChannelFilterDelay=ch.channel_filter_delay(self._sample_rate),
            MaximumChannelDelay=channel_filter_span(ch.path_delays, self._sample_rate),
            PathDelays=ch.path_delays.reshape(1, -1),
            AveragePathGains=(10 * np.log10(powers)).reshape(1, -1),
            KFactorFirstTap=ch.profile.first_tap_k_factor_db,
            NumTransmitAntennas=ch.n_tx,
            NumReceiveAntennas=ch.n_rx,
        )

    def __repr__(self) -> str:
        lines = ["nrTDLChannel with properties:", ""]
        width = max(len(p) for p in _PROPERTIES)
        for p in _PROPERTIES:
            v = getattr(self, p)
            lines.append(f"{p:>{width}}: {v!r}")
        return "\n".join(lines)
