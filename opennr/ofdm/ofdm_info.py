"""TS 38.211 V17 §5.3.1, §5.4: OFDM dimensioning (FFT size, sample rate, CP lengths, phases).

The FFT size follows MATLAB ``nrOFDMInfo``: by default the smallest power of two with an occupancy
``12 N_grid / N_fft`` of at most 85 % (and at least 128); with a given sample rate, the multiple
of 128 between the 85 % bound and twice the sample rate's FFT size that maximises
``gcd(N_fft Delta f, f_s)``. OpenNR does not resample, so the sample rate must then equal
``N_fft Delta f`` (7.68, 15.36, 30.72, 46.08, 61.44 Msps ... give FFT sizes 512 .. 4096 at 15 kHz).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from numbers import Real

import numpy as np

from opennr._validation import check_int
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.numerology import (
    TC_PER_SECOND,
    FrameStructureMixin,
    Numerology,
    _cp_lengths_samples,
)

__all__ = ["OfdmInfo", "default_nfft", "ofdm_info", "symbol_phases"]

_CLAUSE = "TS 38.211 §5.3.1"


def default_nfft(n_size_grid: int, subcarrier_spacing=15, sample_rate=None) -> int:
    """MATLAB ``nrOFDMInfo`` rule: default FFT size for a grid of ``n_size_grid`` resource blocks.

    Without ``sample_rate``: ``max(128, 2^ceil(log2(12 N_grid / 0.85)))``. With it: ``128 Y`` with
    ``Y`` in ``[ceil(12 N_grid / 0.85 / 128), ceil(2 f_s / Delta f / 128)]`` maximising
    ``gcd(128 Y Delta f, f_s)`` (the smallest such ``Y``).

    Examples
    --------
    >>> default_nfft(52), default_nfft(273, 30), default_nfft(106, 30, 46.08e6)
    (1024, 4096, 1536)
    """
    n_size_grid = check_int(n_size_grid, "n_size_grid", low=1, high=275, clause="TS 38.211 §4.4.2")
    k = 12 * n_size_grid
    if sample_rate is None:
        nfft = 128
        while 85 * nfft < 100 * k:  # occupancy k / nfft <= 0.85, exactly
            nfft *= 2
        return nfft
    sr = _sample_rate_arg(sample_rate)
    scs_hz = int(subcarrier_spacing) * 1000
    y_low = -(-100 * k // (85 * 128))
    y_high = max(y_low, math.ceil(2 * sr / scs_hz / 128))
    best_y, best_g = y_low, Fraction(-1)
    for y in range(y_low, y_high + 1):
        g = _fraction_gcd(Fraction(128 * y * scs_hz), sr)
        if g > best_g:
            best_y, best_g = y, g
    return 128 * best_y


def _fraction_gcd(a: Fraction, b: Fraction) -> Fraction:
    den = a.denominator * b.denominator // math.gcd(a.denominator, b.denominator)
    return Fraction(math.gcd(int(a * den), int(b * den)), den)


def _sample_rate_arg(sample_rate) -> Fraction:
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, Real | np.number):
        raise TypeError(f"sample_rate must be a positive number in Hz, got {sample_rate!r}")
    if not np.isfinite(float(sample_rate)) or float(sample_rate) <= 0:
        raise ValueError(f"sample_rate must be a positive number in Hz, got {sample_rate!r}")
    return Fraction(float(sample_rate)).limit_denominator(1000)


def symbol_phases(numerology: Numerology, carrier_frequency: float) -> np.ndarray:
    """TS 38.211 §5.4: upconversion phases ``phi_l = 2 pi f_0 (t_start,l + N_CP,l T_c)`` mod 2 pi.

    One value per symbol ``l`` of a subframe, computed exactly in units of ``T_c``. The modulator
    multiplies symbol ``l`` by ``exp(-j phi_l)`` so that, after upconversion with a continuous
    carrier ``exp(j 2 pi f_0 t)``, each symbol's useful part starts at carrier phase 0 as §5.4
    prescribes; the demodulator multiplies by ``exp(+j phi_l)``.

    Parameters
    ----------
    numerology : Numerology
    carrier_frequency : float
        ``f_0`` in Hz (0 gives all zeros).

    Returns
    -------
    numpy.ndarray of float64, shape [N_symb^subframe], values in [0, 2 pi)

    Examples
    --------
    >>> from opennr.ofdm.numerology import Numerology
    >>> symbol_phases(Numerology(0), 0.0)[:3].tolist()
    [0.0, 0.0, 0.0]
    >>> bool(np.all(symbol_phases(Numerology(0), 1.92e6) == 0))  # f0 T_c-commensurate: no rotation
    True
    """
    f0 = _carrier_frequency_arg(carrier_frequency)
    return np.array(_symbol_phases(numerology.mu, numerology.cyclic_prefix, f0), dtype=np.float64)


def _carrier_frequency_arg(carrier_frequency) -> Fraction:
    if isinstance(carrier_frequency, bool) or not isinstance(carrier_frequency, Real | np.number):
        raise TypeError(f"carrier_frequency must be a real number in Hz, got {carrier_frequency!r}")
    f = float(carrier_frequency)
    if not np.isfinite(f):
        raise ValueError(f"carrier_frequency must be finite, got {carrier_frequency!r} (TS 38.211 §5.4)")
    return Fraction(f)


@cache
def _symbol_phases(mu: int, cp: str, f0: Fraction) -> tuple[float, ...]:
    num = Numerology(mu, cp)
    ticks = (num.symbol_starts_tc() + num.cp_lengths_tc()).tolist()
    out = []
    for n in ticks:
        cycles = (f0 * n / TC_PER_SECOND) % 1  # exact fractional number of carrier cycles
        out.append(float(2 * math.pi * cycles))
    return tuple(out)


@dataclass(frozen=True)
class OfdmInfo(FrameStructureMixin):
    """TS 38.211 §5.3.1, §5.4: OFDM dimensions of a carrier at one FFT size / sample rate.

    Per-symbol arrays cover the ``N_symb^subframe`` symbols of one subframe (as MATLAB's
    ``nrOFDMInfo``); :meth:`slot_cp_lengths` picks one slot.

    Attributes
    ----------
    nfft : int
        FFT size ``N_fft``.
    sample_rate : float
        ``N_fft Delta f`` in samples per second.
    cp_lengths : numpy.ndarray of int64, [N_symb^subframe]
        Cyclic prefix lengths in samples (§5.3.1, with the 0.5 ms rule).
    symbol_lengths : numpy.ndarray of int64, [N_symb^subframe]
        ``cp_lengths + nfft``.
    windowing : int
        Raised-cosine windowing / overlap length ``W`` in samples (0: none).
    symbol_phases : numpy.ndarray of float64, [N_symb^subframe]
        §5.4 phases ``phi_l`` in [0, 2 pi); symbol ``l`` is multiplied by ``exp(-j phi_l)``.
    carrier_frequency : float
        ``f_0`` in Hz used for ``symbol_phases``.
    numerology : Numerology
    num_subcarriers : int
        ``K = 12 N_grid^{size,mu}``.
    """

    nfft: int
    sample_rate: float
    cp_lengths: np.ndarray = field(repr=False)
    symbol_lengths: np.ndarray = field(repr=False)
    windowing: int
    symbol_phases: np.ndarray = field(repr=False)
    carrier_frequency: float
    numerology: Numerology
    num_subcarriers: int

    @property
    def samples_per_subframe(self) -> int:
        """Samples in 1 ms (``sample_rate / 1000``)."""
        return int(self.symbol_lengths.sum())

    def slot_cp_lengths(self, n_slot: int = 0) -> np.ndarray:
        """Cyclic prefix lengths of the ``N_symb^slot`` symbols of slot ``n_slot``."""
        n_slot = check_int(n_slot, "n_slot", low=0, clause="TS 38.211 §4.3.2")
        first = (n_slot % self.slots_per_subframe) * self.symbols_per_slot
        return self.cp_lengths[first:first + self.symbols_per_slot].copy()

    def samples_per_slot(self, n_slot: int = 0) -> int:
        """Number of samples of slot ``n_slot`` (slots differ by the 0.5 ms rule)."""
        return int(self.slot_cp_lengths(n_slot).sum()) + self.symbols_per_slot * self.nfft

    def symbol_cp_lengths(self, first_symbol: int, num_symbols: int) -> np.ndarray:
        """CP lengths of ``num_symbols`` consecutive symbols from subframe symbol ``first_symbol``."""
        n = self.cp_lengths.size
        return self.cp_lengths[(first_symbol + np.arange(num_symbols)) % n]


def ofdm_info(
    carrier: CarrierConfig,
    *,
    nfft: int | None = None,
    sample_rate: float | None = None,
    windowing: int | None = None,
    carrier_frequency: float = 0.0,
) -> OfdmInfo:
    """TS 38.211 §5.3.1, §5.4: FFT size, sample rate, CP lengths and phases of a carrier.

    Parameters
    ----------
    carrier : CarrierConfig
    nfft : int, optional
        FFT size; at least ``K = 12 N_grid`` and giving whole-sample cyclic prefixes (a multiple
        of 128 for the normal CP). Default: MATLAB's rule (:func:`default_nfft`).
    sample_rate : float, optional
        Sample rate in Hz; must equal ``nfft * Delta f`` (no resampling). Default
        ``nfft * Delta f``.
    windowing : int, optional
        Raised-cosine windowing length ``W`` in samples, ``0 <= W <= min(N_CP)``; default 0.
    carrier_frequency : float, default 0
        ``f_0`` in Hz for the §5.4 symbol phases.

    Returns
    -------
    OfdmInfo

    Examples
    --------
    >>> info = ofdm_info(CarrierConfig(subcarrier_spacing=30, n_size_grid=273))
    >>> info.nfft, info.sample_rate, info.cp_lengths[:2].tolist(), info.samples_per_slot(0)
    (4096, 122880000.0, [352, 288], 61440)
    >>> ofdm_info(CarrierConfig(n_size_grid=106), sample_rate=46.08e6).nfft
    3072
    """
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    num = carrier.numerology
    k = carrier.num_subcarriers
    scs_hz = carrier.subcarrier_spacing * 1000
    if nfft is None:
        nfft = default_nfft(carrier.n_size_grid, carrier.subcarrier_spacing, sample_rate)
    nfft = check_int(nfft, "nfft", low=1, clause=_CLAUSE)
    if nfft < k:
        raise ValueError(
            f"nfft = {nfft} is smaller than the grid's K = 12 * {carrier.n_size_grid} = {k} "
            f"subcarriers; the FFT must span the resource grid ({_CLAUSE})"
        )
    if sample_rate is not None:
        sr = _sample_rate_arg(sample_rate)
        if sr != nfft * scs_hz:
            raise ValueError(
                f"sample_rate = {float(sr):g} Hz differs from nfft * subcarrier spacing = "
                f"{nfft * scs_hz:g} Hz; OpenNR does not resample: choose nfft = sample_rate / "
                f"Delta f, a multiple of 128 of at least K = {k} ({_CLAUSE})"
            )
    cp = np.array(_cp_lengths_samples(num.mu, num.cyclic_prefix, nfft), dtype=np.int64)
    if windowing is None:
        windowing = 0
    windowing = check_int(windowing, "windowing", low=0, high=int(cp.min()),
                          clause=f"{_CLAUSE} (W <= shortest cyclic prefix)")
    f0 = _carrier_frequency_arg(carrier_frequency)
    phases = np.array(_symbol_phases(num.mu, num.cyclic_prefix, f0), dtype=np.float64)
    for arr in (cp, phases):
        arr.setflags(write=False)
    lengths = cp + nfft
    lengths.setflags(write=False)
    return OfdmInfo(
        nfft=nfft,
        sample_rate=float(nfft * scs_hz),
        cp_lengths=cp,
        symbol_lengths=lengths,
        windowing=windowing,
        symbol_phases=phases,
        carrier_frequency=float(carrier_frequency),
        numerology=num,
        num_subcarriers=k,
    )
