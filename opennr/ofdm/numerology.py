"""TS 38.211 V17 §4.2, §4.3, §5.3.1: numerologies, frame structure and cyclic-prefix lengths.

Time is counted in units of the basic time unit ``T_c = 1 / (480e3 * 4096)`` s (§4.1) so that every
duration is an exact integer; ``kappa = T_s / T_c = 64``. A subframe (1 ms) holds
``30720 * kappa`` ``T_c``. Lengths in samples follow from a sample rate ``f_s`` as
``N * T_c * f_s``, which must be an integer (the FFT size must be a multiple of 128 for the normal
cyclic prefix, of 4 for the extended one).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np

from opennr._validation import check_choice, check_int

__all__ = [
    "CYCLIC_PREFIXES",
    "KAPPA",
    "MU_VALUES",
    "TC_PER_SECOND",
    "Numerology",
    "cyclic_prefix_lengths",
    "mu_from_subcarrier_spacing",
    "numerology",
]

#: kappa = T_s / T_c (TS 38.211 §4.1).
KAPPA = 64
#: 1 / T_c = Delta f_max * N_f = 480 kHz * 4096 (TS 38.211 §4.1).
TC_PER_SECOND = 480_000 * 4096
#: Subcarrier spacing configurations mu of TS 38.211 Table 4.2-1 (V17: up to 960 kHz).
MU_VALUES = (0, 1, 2, 3, 4, 5, 6)
#: Cyclic prefix types of TS 38.211 Table 4.2-1.
CYCLIC_PREFIXES = ("normal", "extended")

_CLAUSE_MU = "TS 38.211 Table 4.2-1"
_SUBFRAME_TC = 30720 * KAPPA  # 1 ms


def mu_from_subcarrier_spacing(subcarrier_spacing) -> int:
    """TS 38.211 Table 4.2-1: subcarrier spacing configuration ``mu`` of ``Delta f = 2^mu * 15`` kHz.

    Parameters
    ----------
    subcarrier_spacing : int
        Subcarrier spacing in kHz: 15, 30, 60, 120, 240, 480 or 960.

    Returns
    -------
    mu : int
        0 .. 6.

    Examples
    --------
    >>> mu_from_subcarrier_spacing(30), mu_from_subcarrier_spacing(960)
    (1, 6)
    """
    allowed = tuple(15 * 2**m for m in MU_VALUES)
    if isinstance(subcarrier_spacing, bool):
        raise TypeError(f"subcarrier_spacing must be a number in kHz, got {subcarrier_spacing!r}")
    try:
        ok = float(subcarrier_spacing) in allowed
    except (TypeError, ValueError):
        raise TypeError(
            f"subcarrier_spacing must be a number in kHz, got {type(subcarrier_spacing).__name__} "
            f"{subcarrier_spacing!r}"
        ) from None
    if not ok:
        raise ValueError(
            f"subcarrier_spacing must be one of {', '.join(map(str, allowed))} kHz; got "
            f"{subcarrier_spacing!r} ({_CLAUSE_MU})"
        )
    return allowed.index(int(float(subcarrier_spacing)))


def _check_mu_cp(mu, cyclic_prefix) -> tuple[int, str]:
    mu = check_int(mu, "mu", low=0, high=6, clause=_CLAUSE_MU)
    if not isinstance(cyclic_prefix, str):
        raise TypeError(f"cyclic_prefix must be 'normal' or 'extended', got {cyclic_prefix!r}")
    cp = check_choice(cyclic_prefix.lower(), "cyclic_prefix", CYCLIC_PREFIXES, clause=_CLAUSE_MU)
    if cp == "extended" and mu != 2:
        raise ValueError(
            f"the extended cyclic prefix exists only for mu = 2 (60 kHz); got mu = {mu} "
            f"({_CLAUSE_MU})"
        )
    return mu, cp


@dataclass(frozen=True)
class Numerology:
    """TS 38.211 §4.2-§4.3: one subcarrier spacing configuration ``mu`` and cyclic prefix.

    Parameters
    ----------
    mu : int
        Subcarrier spacing configuration, 0..6 (``Delta f = 2^mu * 15`` kHz, Table 4.2-1).
    cyclic_prefix : {"normal", "extended"}
        Cyclic prefix; ``"extended"`` only for ``mu = 2``.

    Examples
    --------
    >>> n = Numerology(1)
    >>> n.subcarrier_spacing, n.symbols_per_slot, n.slots_per_subframe, n.slots_per_frame
    (30, 14, 2, 20)
    >>> n.cp_lengths_tc()[:3].tolist()    # 144 kappa 2^-mu + 16 kappa, then 144 kappa 2^-mu
    [5632, 4608, 4608]
    """

    mu: int = 0
    cyclic_prefix: str = "normal"

    def __post_init__(self) -> None:
        mu, cp = _check_mu_cp(self.mu, self.cyclic_prefix)
        object.__setattr__(self, "mu", mu)
        object.__setattr__(self, "cyclic_prefix", cp)

    @property
    def subcarrier_spacing(self) -> int:
        """``Delta f`` in kHz (Table 4.2-1)."""
        return 15 * 2**self.mu

    @property
    def symbols_per_slot(self) -> int:
        """``N_symb^slot``: 14 (normal CP, Table 4.3.2-1) or 12 (extended CP, Table 4.3.2-2)."""
        return 14 if self.cyclic_prefix == "normal" else 12

    @property
    def slots_per_subframe(self) -> int:
        """``N_slot^{subframe,mu} = 2^mu`` (Tables 4.3.2-1/2)."""
        return 2**self.mu

    @property
    def slots_per_frame(self) -> int:
        """``N_slot^{frame,mu} = 10 * 2^mu``."""
        return 10 * 2**self.mu

    @property
    def symbols_per_subframe(self) -> int:
        """``N_symb^{subframe,mu} = N_symb^slot * N_slot^{subframe,mu}``."""
        return self.symbols_per_slot * self.slots_per_subframe

    @property
    def useful_length_tc(self) -> int:
        """``N_u^mu = 2048 kappa 2^-mu`` in ``T_c`` (§5.3.1)."""
        return 2048 * KAPPA >> self.mu

    def cp_lengths_tc(self) -> np.ndarray:
        """§5.3.1: ``N_CP,l^mu`` in ``T_c`` for the symbols ``l`` of one subframe, int64.

        Normal CP: ``144 kappa 2^-mu + 16 kappa`` for ``l = 0`` and ``l = 7 * 2^mu`` (the first
        symbol of each half subframe, the "0.5 ms rule"), ``144 kappa 2^-mu`` otherwise. Extended
        CP: ``512 kappa 2^-mu``.
        """
        n = self.symbols_per_subframe
        if self.cyclic_prefix == "extended":
            return np.full(n, 512 * KAPPA >> self.mu, dtype=np.int64)
        out = np.full(n, 144 * KAPPA >> self.mu, dtype=np.int64)
        out[[0, 7 * 2**self.mu]] += 16 * KAPPA
        return out

    def symbol_starts_tc(self) -> np.ndarray:
        """§5.3.1: ``t_start,l^mu`` of every symbol of a subframe in ``T_c`` (start of its CP)."""
        lengths = self.cp_lengths_tc() + self.useful_length_tc
        return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)


def numerology(subcarrier_spacing=15, cyclic_prefix: str = "normal") -> Numerology:
    """TS 38.211 Table 4.2-1: the :class:`Numerology` of a subcarrier spacing in kHz.

    Examples
    --------
    >>> numerology(60, "extended").symbols_per_slot
    12
    """
    return Numerology(mu_from_subcarrier_spacing(subcarrier_spacing), cyclic_prefix)


@cache
def _cp_lengths_samples(mu: int, cp: str, nfft: int) -> tuple[int, ...]:
    num = Numerology(mu, cp)
    fs = Fraction(nfft * 15_000 * 2**mu)
    out = []
    for n_tc in num.cp_lengths_tc().tolist():
        samples = Fraction(n_tc) * fs / TC_PER_SECOND
        if samples.denominator != 1:
            raise ValueError(
                f"nfft = {nfft} gives a non-integer cyclic prefix of {float(samples):g} samples for "
                f"mu = {mu}, {cp} CP; the FFT size must be a multiple of "
                f"{128 if cp == 'normal' else 4} (TS 38.211 §5.3.1)"
            )
        out.append(int(samples))
    return tuple(out)


def cyclic_prefix_lengths(mu, cyclic_prefix: str = "normal", *, nfft) -> np.ndarray:
    """TS 38.211 §5.3.1: cyclic prefix lengths in samples of the symbols of one subframe.

    The sample rate is ``nfft * 2^mu * 15`` kHz; ``N_CP,l^mu T_c`` must be a whole number of samples.

    Parameters
    ----------
    mu : int
        Subcarrier spacing configuration 0..6.
    cyclic_prefix : {"normal", "extended"}
    nfft : int
        FFT size (for the normal CP a multiple of 128, for the extended CP of 4).

    Returns
    -------
    numpy.ndarray of int64, shape [N_symb^subframe]

    Examples
    --------
    >>> cyclic_prefix_lengths(0, nfft=2048)[:8].tolist()
    [160, 144, 144, 144, 144, 144, 144, 160]
    >>> int(cyclic_prefix_lengths(2, "extended", nfft=4096)[0])
    1024
    """
    mu, cp = _check_mu_cp(mu, cyclic_prefix)
    nfft = check_int(nfft, "nfft", low=1, clause="TS 38.211 §5.3.1")
    return np.array(_cp_lengths_samples(mu, cp, nfft), dtype=np.int64)


class FrameStructureMixin:
    """Frame-structure values (TS 38.211 §4.3) of any object with a ``numerology`` attribute."""

    numerology: Numerology

    @property
    def symbols_per_slot(self) -> int:
        """``N_symb^slot``: 14 or 12."""
        return self.numerology.symbols_per_slot

    @property
    def slots_per_subframe(self) -> int:
        """``N_slot^{subframe,mu}``."""
        return self.numerology.slots_per_subframe

    @property
    def slots_per_frame(self) -> int:
        """``N_slot^{frame,mu}``."""
        return self.numerology.slots_per_frame


class SubcarrierSpacingMixin(FrameStructureMixin):
    """``mu`` and the numerology (TS 38.211 §4.2) of an object with ``subcarrier_spacing`` and
    ``cyclic_prefix`` fields (carriers, bandwidth parts)."""

    subcarrier_spacing: int
    cyclic_prefix: str

    @property
    def mu(self) -> int:
        """Subcarrier spacing configuration ``mu`` (Table 4.2-1)."""
        return mu_from_subcarrier_spacing(self.subcarrier_spacing)

    @property
    def numerology(self) -> Numerology:
        """The :class:`~opennr.ofdm.numerology.Numerology` (``mu``, cyclic prefix)."""
        return Numerology(self.mu, self.cyclic_prefix)
