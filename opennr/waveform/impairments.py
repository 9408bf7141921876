"""Receiver-side impairments for synthetic recordings: CFO, timing offset, AWGN, fading.

These are not 3GPP procedures; they model what a receiver of TS 38.211 §5.3/§5.4 signals sees
(TS 38.101-4 / TS 38.104 conformance tests use the same ingredients): a carrier frequency offset
``y[n] = x[n] exp(j 2 pi f n / f_s)``, a circular delay ``y[n] = x[n - d]``, complex white
Gaussian noise, and (when :mod:`opennr.propagation.tdl` is installed) a TDL fading channel of
TR 38.901 §7.7.2.

SNR convention (:func:`add_awgn`): ``snr_db`` is ``E_RE / N0`` per resource element, for a
waveform generated with the unitary ("ortho") OFDM normalisation, where a resource element of
energy ``E_RE`` gives ``E_RE`` in its FFT bin and white noise of variance ``sigma^2`` per sample
gives ``sigma^2`` per bin: ``sigma^2 = E_RE / 10^(snr_db / 10)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Real

import numpy as np

from opennr._validation import check_int

__all__ = [
    "Impairments",
    "add_awgn",
    "apply_cfo",
    "apply_impairments",
    "apply_timing_offset",
    "fading_available",
]

_WHERE = "TS 38.211 §5.3.1 receiver model"


def _as_samples(x, name: str = "samples") -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a numeric (complex) array, got dtype {arr.dtype}")
    if arr.ndim < 1 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have shape [..., S] with S >= 1, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr.astype(np.complex64, copy=False)


def _real(value, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v) or (positive and v <= 0):
        raise ValueError(f"{name} must be a {'positive ' if positive else ''}finite number, "
                         f"got {value!r}")
    return v


def apply_cfo(samples, cfo_hz: float, sample_rate: float, *, phase: float = 0.0) -> np.ndarray:
    """Carrier frequency offset (receiver model of TS 38.211 §5.4): ``x[n] exp(j(2 pi f n / f_s + phi))``.

    Parameters
    ----------
    samples : array_like of complex, shape [..., S]
    cfo_hz : float
        Frequency offset ``f`` in Hz (positive moves the spectrum up).
    sample_rate : float
        ``f_s`` in Hz.
    phase : float, optional, keyword-only
        Initial phase ``phi`` in radians (default 0).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., S]

    Examples
    --------
    >>> import numpy as np
    >>> y = apply_cfo(np.ones(4, np.complex64), 1000.0, 4000.0)
    >>> np.round(np.degrees(np.angle(y))).tolist()  # a quarter turn per sample
    [0.0, 90.0, 180.0, -90.0]
    """
    x = _as_samples(samples)
    f = _real(cfo_hz, "cfo_hz")
    fs = _real(sample_rate, "sample_rate", positive=True)
    ph = _real(phase, "phase")
    n = np.arange(x.shape[-1], dtype=np.float64)
    rot = np.exp(1j * (2 * np.pi * ((f / fs * n) % 1.0) + ph))
    return (x * rot).astype(np.complex64)


def apply_timing_offset(samples, offset: int) -> np.ndarray:
    """Timing offset (receiver model): the circular delay ``y[n] = x[(n - d) mod S]``.

    A recording of a periodic broadcast (the SS burst) started ``d`` samples earlier; the SS/PBCH
    block that began at sample ``s`` now begins at ``(s + d) mod S``.

    Parameters
    ----------
    samples : array_like of complex, shape [..., S]
    offset : int
        ``d`` in samples (any integer; negative advances).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., S]

    Examples
    --------
    >>> apply_timing_offset([1, 2, 3, 4], 1).real.tolist()
    [4.0, 1.0, 2.0, 3.0]
    """
    x = _as_samples(samples)
    d = check_int(offset, "offset", clause=_WHERE)
    return np.roll(x, d, axis=-1)


def add_awgn(samples, snr_db: float, rng: np.random.Generator, *, re_energy: float = 1.0
             ) -> np.ndarray:
    """Complex AWGN at ``E_RE / N0 = snr_db`` per resource element (unitary OFDM normalisation).

    Parameters
    ----------
    samples : array_like of complex, shape [..., S]
    snr_db : float
        SNR per resource element in dB.
    rng : numpy.random.Generator
    re_energy : float, optional, keyword-only
        ``E_RE``, the energy of the reference resource elements (default 1: a 0 dB SS/PBCH block).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., S]
        ``x + w``, ``w ~ CN(0, E_RE 10^(-snr_db / 10))`` per sample.

    Examples
    --------
    >>> import numpy as np
    >>> y = add_awgn(np.zeros(200000, np.complex64), 10.0, np.random.default_rng(0))
    >>> round(float(np.mean(np.abs(y) ** 2)), 2)
    0.1
    """
    x = _as_samples(samples)
    snr = _real(snr_db, "snr_db")
    e = _real(re_energy, "re_energy", positive=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    sigma2 = e * 10.0 ** (-snr / 10.0)
    w = rng.standard_normal((*x.shape, 2), dtype=np.float32) * np.float32(np.sqrt(sigma2 / 2))
    return (x + (w[..., 0] + 1j * w[..., 1])).astype(np.complex64)


def fading_available() -> bool:
    """True when :mod:`opennr.propagation.tdl` (TR 38.901 §7.7.2 TDL models) can be imported.

    Examples
    --------
    >>> isinstance(fading_available(), bool)
    True
    """
    try:
        import opennr.propagation.tdl  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Impairments:
    """Receiver model of a synthetic recording (applied in this order: fading, delay, CFO, noise).

    Attributes
    ----------
    cfo_hz : float
        Carrier frequency offset in Hz (default 0).
    timing_offset : int
        Circular delay in samples (default 0), see :func:`apply_timing_offset`.
    snr_db : float or None
        ``E_RE / N0`` per resource element in dB (:func:`add_awgn`); None: no noise.
    fading : str or None
        TDL delay profile (e.g. ``"TDL-A"``) of TR 38.901 §7.7.2; needs
        :mod:`opennr.propagation.tdl`. None (default): no fading.
    delay_spread : float
        RMS delay spread in seconds for ``fading`` (default 30 ns).
    max_doppler : float
        Maximum Doppler shift in Hz for ``fading`` (default 5 Hz).

    Examples
    --------
    >>> Impairments(cfo_hz=1e3, snr_db=-6.0).to_dict()["snr_db"]
    -6.0
    """

    cfo_hz: float = 0.0
    timing_offset: int = 0
    snr_db: float | None = None
    fading: str | None = None
    delay_spread: float = 30e-9
    max_doppler: float = 5.0

    def __post_init__(self) -> None:
        _real(self.cfo_hz, "cfo_hz")
        check_int(self.timing_offset, "timing_offset", clause=_WHERE)
        if self.snr_db is not None:
            _real(self.snr_db, "snr_db")
        if self.fading is not None and not isinstance(self.fading, str):
            raise TypeError(f"fading must be a TDL profile name such as 'TDL-A' or None, got "
                            f"{self.fading!r}")
        _real(self.delay_spread, "delay_spread", positive=True)
        if _real(self.max_doppler, "max_doppler") < 0:
            raise ValueError(f"max_doppler must be >= 0, got {self.max_doppler}")

    def to_dict(self) -> dict:
        """The fields as a JSON-serialisable dict (recorded in the SigMF metadata)."""
        return {k: (float(v) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _apply_fading(x: np.ndarray, imp: Impairments, sample_rate: float,
                  rng: np.random.Generator) -> np.ndarray:
    """One-antenna TDL channel (TR 38.901 §7.7.2) of :mod:`opennr.propagation.tdl`."""
    if not fading_available():
        raise ValueError(f"fading={imp.fading!r} needs opennr.propagation.tdl (TR 38.901 §7.7.2), "
                         f"which is not available in this installation")
    from opennr.propagation.tdl import TdlChannel

    # one-shot filtering of a whole recording: the zero-delay filter keeps the output aligned
    # with the input (no hidden channel filter delay on top of ``timing_offset``)
    kwargs = {"max_doppler": imp.max_doppler, "rng": rng, "filter_mode": "zero-delay"}
    if imp.fading.upper().startswith("TDL-"):  # TDL-A..E are scaled to a delay spread (§7.7.3)
        kwargs["delay_spread"] = imp.delay_spread
    channel = TdlChannel(imp.fading, **kwargs)
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i, row in enumerate(flat):
        rx, _, _ = channel(row[None, :], sample_rate, start_time=0.0)
        out[i] = rx[0, 0]
        channel.redraw(rng)
    return out.reshape(x.shape)


def apply_impairments(samples, impairments: Impairments, sample_rate: float,
                      rng: np.random.Generator | None = None, *, re_energy: float = 1.0
                      ) -> np.ndarray:
    """Apply an :class:`Impairments` model: fading, timing offset, CFO, then AWGN.

    Parameters
    ----------
    samples : array_like of complex, shape [..., S]
    impairments : Impairments
    sample_rate : float
        Sample rate in Hz.
    rng : numpy.random.Generator, optional
        Needed for noise and fading.
    re_energy : float, optional, keyword-only
        Reference RE energy for the SNR (default 1).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., S]

    Examples
    --------
    >>> import numpy as np
    >>> y = apply_impairments(np.ones(8, np.complex64), Impairments(timing_offset=3), 1e6)
    >>> y.shape
    (8,)
    """
    if not isinstance(impairments, Impairments):
        raise TypeError(f"impairments must be an Impairments, got {type(impairments).__name__}")
    x = _as_samples(samples)
    fs = _real(sample_rate, "sample_rate", positive=True)
    needs_rng = impairments.snr_db is not None or impairments.fading is not None
    if needs_rng and not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator when snr_db or fading is set")
    if impairments.fading is not None:
        x = _apply_fading(x, impairments, fs, rng)
    if impairments.timing_offset:
        x = apply_timing_offset(x, impairments.timing_offset)
    if impairments.cfo_hz:
        x = apply_cfo(x, impairments.cfo_hz, fs)
    if impairments.snr_db is not None:
        x = add_awgn(x, impairments.snr_db, rng, re_energy=re_energy)
    return x
