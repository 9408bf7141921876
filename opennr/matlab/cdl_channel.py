"""MATLAB 5G Toolbox compatible ``nrCDLChannel`` (TR 38.901 §7.7.1, §7.7.3, §7.7.5.1, §7.7.6).

A thin class over :class:`opennr.propagation.cdl.CdlChannel` with MathWorks' property names and
call: ``[sigout, pathgains, sampletimes] = cdl(waveform)`` with ``waveform`` samples-by-antennas
(``Ns x Nt``), ``sigout`` ``Ns x Nr``, ``pathgains`` ``Ncs x Np x Nt x Nr`` and ``sampletimes``
``Ncs x 1`` (channel snapshots every ``1 / (2 SampleDensity MaximumDopplerShift)`` s).

Antenna arrays are structs (:class:`~opennr.matlab._struct.MatlabStruct`) with the fields ``Size``
``[M N P Mg Ng]``, ``ElementSpacing`` ``[dV dH dgV dgH]`` (wavelengths), ``PolarizationAngles``
``[theta rho]`` (degrees), ``Element`` (``'38.901'`` or ``'isotropic'``) and ``PolarizationModel``
(``'Model-1'`` or ``'Model-2'``); ports are numbered like MATLAB's linear index of an ``M x N x P x
Mg x Ng`` array.

Differences from MATLAB that a user may meet:

* the random numbers differ (NumPy's PCG64 seeded with ``Seed``): same statistics, not the same
  realisation; ``RandomStream`` accepts only ``'mt19937ar with seed'`` (meaning: use ``Seed``);
* ``DelayProfile`` ``'Custom'`` (and so ``XPR``, only used by it) and ``TransmitAndReceiveSwapped``
  / dual mobility are not supported: the transmitter uses the table's departure angles, the
  receiver (the UT, which moves) the arrival angles;
* ``KFactor`` (with ``KFactorScaling``) is the ratio of the LOS ray's power to the total power
  of the Laplacian clusters (§7.7.6); the delays are rescaled to keep ``DelaySpread``;
* the channel filter is a Kaiser-windowed sinc (16 taps each side of a fractional delay): as in
  MATLAB, the output is delayed by ``info().ChannelFilterDelay`` samples (0 when every path
  delay is a whole number of samples, else 14 or 15 for the standard profiles) and keeps the
  input's length, so consecutive calls give the output of one call over the whole waveform;
* changing a property after a call rebuilds the channel at ``InitialTime``;
* ``NormalizeChannelOutputs`` divides the output by ``sqrt(NumTransmitAntennas)``;
* the element positions of a panel are centred on the array (this changes only common phases).
"""

from __future__ import annotations

import numpy as np

from opennr.matlab._channel_args import bool_arg, real_arg
from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.propagation.antenna import PanelArray
from opennr.propagation.apply import channel_filter_span
from opennr.propagation.cdl import CdlChannel
from opennr.propagation.cdl_tables import CDL_PROFILES, cdl_profile

__all__ = ["nrCDLChannel"]

_CLAUSE = "TR 38.901 §7.7.1"
_PROPERTIES = (
    "DelayProfile", "DelaySpread", "CarrierFrequency", "MaximumDopplerShift",
    "UTDirectionOfTravel", "KFactorScaling", "KFactor", "AngleScaling", "AngleSpreads",
    "MeanAngles", "XPR", "SampleRate", "TransmitAntennaArray", "TransmitArrayOrientation",
    "ReceiveAntennaArray", "ReceiveArrayOrientation", "NormalizePathGains", "InitialTime",
    "RandomStream", "Seed", "NormalizeChannelOutputs", "ChannelFiltering", "NumTimeSamples",
    "SampleDensity",
)
_ARRAY_FIELDS = ("Size", "ElementSpacing", "PolarizationAngles", "Element", "PolarizationModel")


def _real_arg(value, name: str, *, low: float | None = None, strict: bool = False) -> float:
    return real_arg(value, name, clause=_CLAUSE, low=low, strict=strict)


def _vector_arg(value, name: str, n: int) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a vector of {n} real numbers, got {value!r}") from None
    if arr.size != n or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a vector of {n} finite real numbers, got {value!r} "
                         f"({_CLAUSE})")
    return arr


def _array_struct(size, spacing, angles, element) -> MatlabStruct:
    return MatlabStruct(Size=np.array(size), ElementSpacing=np.array(spacing, float),
                        PolarizationAngles=np.array(angles, float), Element=element,
                        PolarizationModel="Model-2")


def _panel(struct, orientation, name: str) -> PanelArray:
    if not isinstance(struct, MatlabStruct | dict):
        raise TypeError(f"{name} must be a struct with fields {', '.join(_ARRAY_FIELDS)}, got "
                        f"{type(struct).__name__}")
    missing = [f for f in _ARRAY_FIELDS if f not in struct]
    if missing:
        raise ValueError(f"{name} lacks the field(s) {', '.join(missing)} (TR 38.901 §7.3)")
    size = np.asarray(struct["Size"]).reshape(-1)
    if size.size != 5 or not np.issubdtype(size.dtype, np.number) or np.any(size != np.round(size)):
        raise ValueError(f"{name}.Size must be 5 integers [M N P Mg Ng], got {struct['Size']!r} "
                         "(TR 38.901 §7.3)")
    model = _choice_arg(struct["PolarizationModel"], f"{name}.PolarizationModel",
                        ("Model-1", "Model-2"), clause="TR 38.901 §7.3.2")
    element = _choice_arg(struct["Element"], f"{name}.Element", ("38.901", "isotropic"),
                          clause="TR 38.901 §7.3")
    try:
        return PanelArray(size=tuple(int(v) for v in size),
                          element_spacing=tuple(np.asarray(struct["ElementSpacing"], float).ravel()),
                          polarization_angles=tuple(
                              np.asarray(struct["PolarizationAngles"], float).ravel()),
                          element=element, polarization_model=model,
                          orientation=tuple(_vector_arg(orientation, f"{name} orientation", 3)))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


class nrCDLChannel:
    """TR 38.901 §7.7.1: CDL MIMO fading channel, MATLAB ``nrCDLChannel`` System object.

    MATLAB syntax: ``cdl = nrCDLChannel('DelayProfile','CDL-C','DelaySpread',300e-9)``, here
    ``cdl = nrCDLChannel(DelayProfile='CDL-C', DelaySpread=300e-9)``; then
    ``[sigout, pathgains, sampletimes] = cdl(waveform)`` (or ``[pathgains, sampletimes] = cdl()``
    with ``ChannelFiltering = false``), ``info(cdl)`` -> ``cdl.info()``, ``reset(cdl)`` ->
    ``cdl.reset()``.

    Parameters
    ----------
    DelayProfile : {'CDL-A', 'CDL-B', 'CDL-C', 'CDL-D', 'CDL-E'}, default 'CDL-A'
        TR 38.901 Tables 7.7.1-1..5.
    DelaySpread : float, default 30e-9
        Desired RMS delay spread in s (§7.7.3), >= 0.
    CarrierFrequency : float, default 4e9
        Hz (kept for MATLAB compatibility; the Doppler comes from ``MaximumDopplerShift``).
    MaximumDopplerShift : float, default 5
        Hz, >= 0.
    UTDirectionOfTravel : array_like, default [0; 90]
        Azimuth and zenith of the UT's motion, degrees.
    KFactorScaling : bool, default False
    KFactor : float, default 9.0
        Desired K-factor in dB for CDL-D/E when ``KFactorScaling`` (§7.7.6).
    AngleScaling : bool, default False
    AngleSpreads : array_like, default [5.0 11.0 3.0 3.0]
        Desired ``[ASD ASA ZSD ZSA]`` in degrees when ``AngleScaling`` (§7.7.5.1).
    MeanAngles : array_like, default [0.0 0.0 90.0 90.0]
        Desired mean ``[AoD AoA ZoD ZoA]`` in degrees when ``AngleScaling``.
    XPR : float, default 10.0
        Only used by MATLAB's 'Custom' profile (not supported): kept, unused.
    SampleRate : float, default 30.72e6
    TransmitAntennaArray : struct
        Default ``Size [2 2 2 1 1]``, ``ElementSpacing [0.5 0.5 1.0 1.0]``, ``PolarizationAngles
        [45 -45]``, ``Element '38.901'``, ``PolarizationModel 'Model-2'``.
    TransmitArrayOrientation : array_like, default [0; 0; 0]
        Bearing, downtilt, slant in degrees (§7.1.3).
    ReceiveAntennaArray : struct
        Default ``Size [1 1 2 1 1]``, ``ElementSpacing [0.5 0.5 0.5 0.5]``, ``PolarizationAngles
        [0 90]``, ``Element 'isotropic'``, ``PolarizationModel 'Model-2'``.
    ReceiveArrayOrientation : array_like, default [0; 0; 0]
    NormalizePathGains : bool, default True
        Path powers sum to 0 dB; otherwise the table's powers are used as they are.
    InitialTime : float, default 0
        Time in s of the first sample of the first call.
    RandomStream : {'mt19937ar with seed'}
    Seed : int, default 73
    NormalizeChannelOutputs : bool, default True
    ChannelFiltering : bool, default True
    NumTimeSamples : int, default 30720
        Duration in samples of ``cdl()`` when ``ChannelFiltering`` is false.
    SampleDensity : float, default 64
        Snapshots per half wavelength (``inf``: one per sample).

    Examples
    --------
    >>> cdl = nrCDLChannel(DelayProfile='CDL-C', DelaySpread=300e-9, MaximumDopplerShift=100)
    >>> cdl.TransmitAntennaArray.Size = [1, 2, 2, 1, 1]   # 4 transmit ports
    >>> sigout, pathgains, sampletimes = cdl(np.ones((3072, 4), np.complex64))
    >>> sigout.shape, pathgains.shape, sampletimes.shape
    ((3072, 2), (3, 24, 4, 2), (3, 1))
    >>> info = cdl.info()
    >>> info.NumTransmitAntennas, info.PathDelays.size, info.ChannelFilterDelay
    (4, 24, 14)
    """

    def __init__(self, **kwargs) -> None:
        self.DelayProfile = "CDL-A"
        self.DelaySpread = 30e-9
        self.CarrierFrequency = 4e9
        self.MaximumDopplerShift = 5.0
        self.UTDirectionOfTravel = np.array([[0.0], [90.0]])
        self.KFactorScaling = False
        self.KFactor = 9.0
        self.AngleScaling = False
        self.AngleSpreads = np.array([5.0, 11.0, 3.0, 3.0])
        self.MeanAngles = np.array([0.0, 0.0, 90.0, 90.0])
        self.XPR = 10.0
        self.SampleRate = 30.72e6
        self.TransmitAntennaArray = _array_struct([2, 2, 2, 1, 1], [0.5, 0.5, 1.0, 1.0],
                                                  [45.0, -45.0], "38.901")
        self.TransmitArrayOrientation = np.zeros((3, 1))
        self.ReceiveAntennaArray = _array_struct([1, 1, 2, 1, 1], [0.5, 0.5, 0.5, 0.5],
                                                 [0.0, 90.0], "isotropic")
        self.ReceiveArrayOrientation = np.zeros((3, 1))
        self.NormalizePathGains = True
        self.InitialTime = 0.0
        self.RandomStream = "mt19937ar with seed"
        self.Seed = 73
        self.NormalizeChannelOutputs = True
        self.ChannelFiltering = True
        self.NumTimeSamples = 30720
        self.SampleDensity = 64
        for name, value in kwargs.items():
            if name not in _PROPERTIES:
                raise TypeError(f"nrCDLChannel has no property {name!r}; properties are "
                                f"{', '.join(_PROPERTIES)}")
            if name in ("TransmitAntennaArray", "ReceiveAntennaArray") and isinstance(value, dict):
                value = MatlabStruct(**value)
            setattr(self, name, value)
        self._channel = None
        self._key = None
        self._build()

    # ------------------------------------------------------------------------------- native
    def _config(self):
        def frozen(v):
            if isinstance(v, MatlabStruct):
                return tuple((k, frozen(v[k])) for k in v)
            if isinstance(v, np.ndarray | list | tuple):
                return repr(np.asarray(v).tolist())
            return v

        return tuple(frozen(getattr(self, p)) for p in _PROPERTIES)

    def _build(self) -> CdlChannel:
        key = self._config()
        if self._channel is not None and key == self._key:
            return self._channel
        profile = _choice_arg(self.DelayProfile, "DelayProfile", CDL_PROFILES,
                              clause=f"{_CLAUSE} ('Custom' is not supported)")
        _choice_arg(self.RandomStream, "RandomStream", ("mt19937ar with seed",))
        ds = _real_arg(self.DelaySpread, "DelaySpread", low=0.0)
        fc = _real_arg(self.CarrierFrequency, "CarrierFrequency", low=0.0, strict=True)
        fd = _real_arg(self.MaximumDopplerShift, "MaximumDopplerShift", low=0.0)
        k = None
        if bool_arg(self.KFactorScaling, "KFactorScaling"):
            if profile not in ("CDL-D", "CDL-E"):
                raise ValueError(f"KFactorScaling needs a LOS profile ('CDL-D' or 'CDL-E'), got "
                                 f"{profile!r} (TR 38.901 §7.7.6)")
            k = _real_arg(self.KFactor, "KFactor")
        spreads = means = None
        if bool_arg(self.AngleScaling, "AngleScaling"):
            spreads = _vector_arg(self.AngleSpreads, "AngleSpreads", 4)
            means = _vector_arg(self.MeanAngles, "MeanAngles", 4)
        _real_arg(self.XPR, "XPR")
        tx = _panel(self.TransmitAntennaArray, self.TransmitArrayOrientation,
                    "TransmitAntennaArray")
        rx = _panel(self.ReceiveAntennaArray, self.ReceiveArrayOrientation,
                    "ReceiveAntennaArray")
        self._sample_rate = _real_arg(self.SampleRate, "SampleRate", low=0.0, strict=True)
        self._initial_time = _real_arg(self.InitialTime, "InitialTime", low=0.0)
        self._normalize_outputs = bool_arg(self.NormalizeChannelOutputs,
                                            "NormalizeChannelOutputs")
        self._filtering = bool_arg(self.ChannelFiltering, "ChannelFiltering")
        normalize = bool_arg(self.NormalizePathGains, "NormalizePathGains")
        density = self.SampleDensity
        if not (isinstance(density, float) and np.isinf(density)):
            density = _real_arg(density, "SampleDensity", low=0.0, strict=True)
        self._channel = CdlChannel(
            profile, ds, max_doppler_shift=fd, carrier_frequency=fc,
            ut_direction_of_travel=_vector_arg(self.UTDirectionOfTravel, "UTDirectionOfTravel", 2),
            tx_array=tx, rx_array=rx, k_factor_db=k, angle_spreads=spreads, mean_angles=means,
            normalize_path_gains=normalize, sample_density=density,
            seed=_int_arg(self.Seed, "Seed", low=0, high=2**32 - 1))
        self._key = key
        self._started = False
        return self._channel

    @property
    def native(self) -> CdlChannel:
        """The underlying :class:`opennr.propagation.cdl.CdlChannel`."""
        return self._build()

    # ------------------------------------------------------------------------------- call
    def __call__(self, waveform=None):
        """TR 38.901 §7.7.1: ``[sigout, pathgains, sampletimes] = cdl(waveform)``.

        ``waveform``: ``Ns x Nt`` (a 1-D array for one antenna). With ``ChannelFiltering``
        false, call without input: ``[pathgains, sampletimes] = cdl()``.
        """
        ch = self._build()
        start = self._initial_time if not self._started else ch.time
        if not self._filtering:
            if waveform is not None:
                raise TypeError("with ChannelFiltering = false, call the channel without input: "
                                "[pathgains, sampletimes] = cdl()")
            n = _int_arg(self.NumTimeSamples, "NumTimeSamples", low=1)
            times = ch._gain_times(start, start + n / self._sample_rate, self._sample_rate)
            g = ch.path_gains(times)
            ch.reset()
            ch._time = start + n / self._sample_rate
            self._started = True
            return self._matlab_gains(g), times.reshape(-1, 1)
        if waveform is None:
            raise TypeError("cdl(waveform) needs an Ns x NumTransmitAntennas waveform when "
                            "ChannelFiltering is true")
        x = np.asarray(waveform)
        if x.dtype == bool or not np.issubdtype(x.dtype, np.number):
            raise TypeError(f"waveform must be a numeric array, got dtype {x.dtype}")
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != ch.num_tx:
            raise ValueError(
                f"waveform must be Ns x NumTransmitAntennas = Ns x {ch.num_tx}, got shape "
                f"{np.shape(waveform)} ({_CLAUSE})")
        y, g, t = ch(np.ascontiguousarray(x.T.astype(np.complex64)), self._sample_rate,
                     start_time=start, require_resolved_taps=False)
        self._started = True
        y = y[0].T
        if self._normalize_outputs:
            y = y / np.float32(np.sqrt(ch.num_tx))
        return np.ascontiguousarray(y, dtype=np.complex64), self._matlab_gains(g), t.reshape(-1, 1)

    @staticmethod
    def _matlab_gains(g: np.ndarray) -> np.ndarray:
        """Native ``[1, Nr, Nt, Np, Ncs]`` -> MATLAB ``Ncs x Np x Nt x Nr``."""
        return np.ascontiguousarray(np.transpose(g[0], (3, 2, 1, 0)), dtype=np.complex64)

    def reset(self) -> None:
        """MATLAB ``reset(cdl)``: back to ``InitialTime``, same realisation (same ``Seed``)."""
        self._build().reset()
        self._started = False

    def info(self) -> MatlabStruct:
        """MATLAB ``info(cdl)``: the channel's clusters, delays, gains and dimensions.

        Fields: ``PathDelays`` (s), ``AveragePathGains`` (dB), ``AnglesAoD``, ``AnglesAoA``,
        ``AnglesZoD``, ``AnglesZoA`` (degrees, after angle scaling), ``KFactorFirstCluster`` (dB,
        LOS ray over the first Laplacian cluster; ``-Inf`` for NLOS profiles), ``ClusterTypes``
        (``'SpecularLOS'`` or ``'Laplacian'`` per path), ``NumTransmitAntennas``,
        ``NumReceiveAntennas``, ``ChannelFilterDelay`` (samples by which the output is delayed,
        :meth:`opennr.propagation.cdl.CdlChannel.channel_filter_delay`) and
        ``MaximumChannelDelay`` (samples: the largest delay plus the filter delay and the sinc
        tail, i.e. the zeros to append to flush the channel).
        """
        ch = self._build()
        c = ch.clusters
        prof = cdl_profile(c.name)
        k1 = float("-inf")
        if prof.has_los:
            p = c.powers
            k1 = float(10 * np.log10(p[c.specular].sum() / p[~c.specular][0]))
        return MatlabStruct(
            PathDelays=ch.path_delays.reshape(1, -1),
            AveragePathGains=(10 * np.log10(c.powers)).reshape(1, -1),
            AnglesAoD=np.array(c.aod).reshape(1, -1),
            AnglesAoA=np.array(c.aoa).reshape(1, -1),
            AnglesZoD=np.array(c.zod).reshape(1, -1),
            AnglesZoA=np.array(c.zoa).reshape(1, -1),
            KFactorFirstCluster=k1,
            ClusterTypes=["SpecularLOS" if s else "Laplacian" for s in c.specular],
            NumTransmitAntennas=ch.num_tx,
            NumReceiveAntennas=ch.num_rx,
            ChannelFilterDelay=ch.channel_filter_delay(self._sample_rate),
            MaximumChannelDelay=channel_filter_span(ch.path_delays, self._sample_rate),
        )

    def __repr__(self) -> str:
        lines = ["nrCDLChannel with properties:", ""]
        width = max(len(p) for p in _PROPERTIES)
        for p in _PROPERTIES:
            v = getattr(self, p)
            shown = "[1x1 struct]" if isinstance(v, MatlabStruct) else repr(v)
            lines.append(f"{p:>{width}}: {shown}")
        return "\n".join(lines)
