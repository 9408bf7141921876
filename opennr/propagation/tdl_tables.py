"""TR 38.901 V17 §7.7.2, §7.7.3, §7.7.6; TS 38.101-4 Annex B.2.1: TDL delay profiles.

* TDL-A, TDL-B, TDL-C (NLOS) and TDL-D, TDL-E (LOS) of TR 38.901 Tables 7.7.2-1..5, with
  normalised delays scaled by the desired RMS delay spread (§7.7.3, ``tau_n = tau_n,model DS``),
  and, for TDL-D/E, an optional desired K-factor (§7.7.6).
* The demodulation-performance profiles TDLA30, TDLB100, TDLC300 of TS 38.101-4 Tables
  B.2.1-2..4 (= TS 38.104 Tables G.2.1-2..4), with absolute delays; their combinations with a
  maximum Doppler frequency (``"TDLA30-10"``, ``"TDLC300-100"``, ... Tables B.2.2-1/2) are in
  :data:`CONFORMANCE_COMBINATIONS`.

The tables are package data (``data/tdl_*.csv``). Path powers are normalised to a total of one
(MATLAB's ``NormalizePathGains``). The specular (LOS) part of TDL-D/E tap 1 and its Rayleigh
part share a delay and form one path whose mean power is their sum; :attr:`TdlProfile.los_power`
is the specular share.

K-factor scaling (§7.7.6), for a desired ``K_desired`` (dB): with the model's
``K_model = P_LOS - 10 log10(sum_n 10^(P_n,NLOS / 10))`` (dB, the sum over every Rayleigh part),
every Rayleigh power becomes ``P_n - K_desired + K_model``; the powers are normalised to a total
of one, and the normalised delays are divided by the RMS delay spread of the new normalised
profile before the delay-spread scaling, so that the scaled profile has the desired RMS delay
spread (MATLAB's ``KFactorScaling`` behaviour: ``DelaySpread`` stays the desired spread).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from numbers import Real

import numpy as np

from opennr._data import read_csv_rows

__all__ = [
    "CONFORMANCE_COMBINATIONS",
    "CONFORMANCE_PROFILES",
    "TDL_MODELS",
    "TdlProfile",
    "rms_delay_spread",
    "tdl_profile",
    "tdl_table",
]

_CLAUSE = "TR 38.901 §7.7.2"
#: The scalable TR 38.901 profiles (Tables 7.7.2-1..5).
TDL_MODELS = ("TDL-A", "TDL-B", "TDL-C", "TDL-D", "TDL-E")
#: The TS 38.101-4 / TS 38.104 demodulation-performance profiles (absolute delays).
CONFORMANCE_PROFILES = ("TDLA30", "TDLB100", "TDLC300")
#: TS 38.101-4 Tables B.2.2-1 (FR1) and B.2.2-2 (FR2): ``name -> (profile, maximum Doppler Hz)``.
CONFORMANCE_COMBINATIONS = {
    "TDLA30-5": ("TDLA30", 5.0),
    "TDLA30-10": ("TDLA30", 10.0),
    "TDLB100-400": ("TDLB100", 400.0),
    "TDLC300-100": ("TDLC300", 100.0),
    "TDLC300-600": ("TDLC300", 600.0),
    "TDLC300-1200": ("TDLC300", 1200.0),
    "TDLA30-35": ("TDLA30", 35.0),
    "TDLA30-75": ("TDLA30", 75.0),
    "TDLA30-300": ("TDLA30", 300.0),
}
_ALL_NAMES = TDL_MODELS + CONFORMANCE_PROFILES + tuple(CONFORMANCE_COMBINATIONS)


def rms_delay_spread(delays, powers) -> float:
    """TR 38.901 §7.7.3: RMS delay spread ``sqrt(sum P tau^2 / sum P - (sum P tau / sum P)^2)``.

    Examples
    --------
    >>> round(rms_delay_spread([0.0, 1.0], [1.0, 1.0]), 6)
    0.5
    """
    d = np.asarray(delays, dtype=np.float64)
    p = np.asarray(powers, dtype=np.float64)
    p = p / p.sum()
    mean = float(np.sum(p * d))
    return float(np.sqrt(max(float(np.sum(p * d * d)) - mean * mean, 0.0)))


@cache
def _table(name: str):
    if name in TDL_MODELS:
        rows = read_csv_rows("opennr.propagation", f"tdl_{name[-1].lower()}.csv")
        delays = np.array([float(r["normalized_delay"]) for r in rows])
        fading = tuple(r["fading"] for r in rows)
    else:
        rows = [r for r in read_csv_rows("opennr.propagation", "tdl_conformance.csv")
                if r["profile"] == name]
        delays = np.array([float(r["delay_ns"]) for r in rows]) * 1e-9
        fading = ("Rayleigh",) * len(rows)
    powers = np.array([float(r["power_db"]) for r in rows])
    for arr in (delays, powers):
        arr.setflags(write=False)
    return delays, powers, fading


def tdl_table(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """TR 38.901 Tables 7.7.2-1..5, TS 38.101-4 Tables B.2.1-2..4: a TDL table as shipped.

    Returns ``(delays, powers_db, fading)``: normalised delays (TDL-A..E) or delays in seconds
    (TDLA30, TDLB100, TDLC300), un-normalised powers in dB, and ``"LOS"`` / ``"Rayleigh"`` per row
    (TDL-D/E list the specular part of tap 1 first, then its Rayleigh part at the same delay).

    Examples
    --------
    >>> d, p, f = tdl_table("TDL-D")
    >>> d[:3].tolist(), p[:3].tolist(), f[:3]
    ([0.0, 0.0, 0.035], [-0.2, -13.5, -18.8], ('LOS', 'Rayleigh', 'Rayleigh'))
    """
    if not isinstance(name, str) or name not in TDL_MODELS + CONFORMANCE_PROFILES:
        allowed = ", ".join(repr(c) for c in TDL_MODELS + CONFORMANCE_PROFILES)
        raise ValueError(f"name must be one of {allowed}; got {name!r} ({_CLAUSE}, TS 38.101-4 "
                         "Annex B.2.1)")
    return _table(name)


@dataclass(frozen=True)
class TdlProfile:
    """TR 38.901 §7.7.2: a TDL power-delay profile after delay and K-factor scaling.

    Attributes
    ----------
    name : str
    delays : numpy.ndarray of float64, [P]
        Path delays in seconds (tap 1 of TDL-D/E is one path: specular + Rayleigh).
    powers : numpy.ndarray of float64, [P]
        Mean power of each path, summing to one.
    los_power : float
        Specular (LOS) power within path 0 (0 for NLOS profiles).
    delay_spread : float
        RMS delay spread in seconds (desired value for TDL-A..E, the table's for the others).
    """

    name: str
    delays: np.ndarray = field(repr=False)
    powers: np.ndarray = field(repr=False)
    los_power: float
    delay_spread: float

    @property
    def num_paths(self) -> int:
        """Number of paths ``P``."""
        return int(self.delays.size)

    @property
    def has_los(self) -> bool:
        """Whether path 0 has a specular (Rician) part."""
        return self.los_power > 0.0

    @property
    def k_factor_db(self) -> float:
        """§7.7.6 K-factor in dB: specular power over all diffuse power (-inf if NLOS)."""
        if not self.has_los:
            return float("-inf")
        return float(10 * np.log10(self.los_power / (1.0 - self.los_power)))

    @property
    def first_tap_k_factor_db(self) -> float:
        """Rician K-factor of path 0 in dB, ``P_LOS / P_Rayleigh,1`` (Tables 7.7.2-4/5: K_1)."""
        if not self.has_los:
            return float("-inf")
        return float(10 * np.log10(self.los_power / (self.powers[0] - self.los_power)))

    @property
    def nlos_powers(self) -> np.ndarray:
        """Rayleigh (diffuse) mean power of each path, ``[P]``."""
        p = self.powers.copy()
        p[0] -= self.los_power
        return p

    @property
    def max_delay(self) -> float:
        """Largest path delay in seconds."""
        return float(self.delays.max())


def _positive(value, name: str, clause: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r} ({clause})")
    return v


def tdl_profile(name: str, *, delay_spread: float | None = None,
                k_factor: float | None = None) -> TdlProfile:
    """TR 38.901 §7.7.2, §7.7.3, §7.7.6: the scaled, normalised delay profile of a TDL model.

    Parameters
    ----------
    name : str
        ``"TDL-A"`` .. ``"TDL-E"``, ``"TDLA30"``, ``"TDLB100"``, ``"TDLC300"`` or a combination
        name of :data:`CONFORMANCE_COMBINATIONS` (``"TDLC300-100"``: its delay profile).
    delay_spread : float, optional
        Desired RMS delay spread ``DS`` in seconds; required for TDL-A..E (TR 38.901 Tables
        7.7.3-1/2 list typical values, 10 ns .. 1 us), not allowed for the conformance
        profiles, whose delays are absolute.
    k_factor : float, optional
        Desired K-factor in dB (§7.7.6: specular power over the total diffuse power), TDL-D/E
        only; default: the model's (K_model, 9.0 dB for TDL-D, 9.3 dB for TDL-E; their
        first-tap factors K_1 are 13.3 dB and 22 dB).

    Returns
    -------
    TdlProfile

    Examples
    --------
    >>> p = tdl_profile("TDL-C", delay_spread=300e-9)
    >>> p.num_paths, round(p.max_delay * 1e9, 2), round(p.delay_spread * 1e9, 1)
    (24, 2595.69, 300.0)
    >>> e = tdl_profile("TDL-E", delay_spread=30e-9, k_factor=10.0)
    >>> round(e.k_factor_db, 6), float(round(e.powers.sum(), 12)), round(e.delay_spread * 1e9, 3)
    (10.0, 1.0, 30.0)
    """
    if not isinstance(name, str) or name not in _ALL_NAMES:
        allowed = ", ".join(repr(c) for c in _ALL_NAMES)
        raise ValueError(
            f"name must be one of {allowed}; got {name!r} ({_CLAUSE}, TS 38.101-4 Annex B.2)")
    base = CONFORMANCE_COMBINATIONS[name][0] if name in CONFORMANCE_COMBINATIONS else name
    delays, powers_db, fading = _table(base)
    is_los = np.array([f == "LOS" for f in fading])
    lin = 10.0 ** (powers_db / 10.0)
    if k_factor is not None:
        if not is_los.any():
            raise ValueError(
                f"k_factor applies to the LOS profiles TDL-D and TDL-E only, not {name!r} "
                "(TR 38.901 §7.7.6)")
        if isinstance(k_factor, bool) or not isinstance(k_factor, Real | np.number) or not \
                np.isfinite(float(k_factor)):
            raise ValueError(f"k_factor must be a finite number of dB, got {k_factor!r} "
                             "(TR 38.901 §7.7.6)")
        k_model = 10 * np.log10(lin[is_los].sum() / lin[~is_los].sum())
        scale = 10.0 ** ((k_model - float(k_factor)) / 10.0)
        lin = np.where(is_los, lin, lin * scale)
    lin = lin / lin.sum()
    if base in TDL_MODELS:
        if delay_spread is None:
            raise ValueError(
                f"delay_spread (seconds) is required for {name}: its delays are normalised "
                "(TR 38.901 §7.7.3; Tables 7.7.3-1/2 give 10 ns .. 1000 ns)")
        ds = _positive(delay_spread, "delay_spread", "TR 38.901 §7.7.3")
        norm = delays
        if k_factor is not None:
            norm = delays / rms_delay_spread(delays, lin)
        seconds = norm * ds
    else:
        if delay_spread is not None:
            raise ValueError(
                f"delay_spread must not be given for {name}: its delays are absolute "
                "(TS 38.101-4 Annex B.2.1)")
        seconds = delays
        ds = rms_delay_spread(seconds, lin)
    # merge the specular part into its Rayleigh tap (same delay) -> one path
    los_power = float(lin[is_los].sum())
    keep = ~is_los
    path_delays = seconds[keep].astype(np.float64)
    path_powers = lin[keep].astype(np.float64)
    if los_power:
        path_powers[0] += los_power
    for arr in (path_delays, path_powers):
        arr.setflags(write=False)
    return TdlProfile(name=name, delays=path_delays, powers=path_powers, los_power=los_power,
                      delay_spread=float(ds))
