"""TS 38.213 V17 §4.1 and TS 38.104 V17 §5.4.3: SS burst time positions and the synchronisation raster.

Candidate SS/PBCH blocks in a half frame (TS 38.213 §4.1). The first OFDM symbols of the
candidate blocks, counted in symbols of the SS/PBCH block subcarrier spacing from the first
symbol of the half frame's first slot, are:

====  =======  ======================================  ==========================================
case  SCS kHz  first symbols                           n
====  =======  ======================================  ==========================================
A     15       {2, 8} + 14 n                           0, 1 (f <= 3 GHz); 0..3 (FR1 above 3 GHz)
B     30       {4, 8, 16, 20} + 28 n                   0 (f <= 3 GHz); 0, 1 (FR1 above 3 GHz)
C     30       {2, 8} + 14 n                           0, 1 (paired f <= 3 GHz, unpaired
                                                       f <= 1.88 GHz); 0..3 above
D     120      {4, 8, 16, 20} + 28 n                   0-3, 5-8, 10-13, 15-18
E     240      {8, 12, 16, 20, 32, 36, 40, 44} + 56 n  0-3, 5-8
F     480      {2, 9} + 14 n                           0..31
G     960      {2, 9} + 14 n                           0..31
====  =======  ======================================  ==========================================

The candidate blocks are indexed ``0 .. L_max - 1`` in increasing order in time; ``L_max`` is
4, 8 or 64 (the Release 16/17 shared-spectrum values 10 and 20 are not supported, as in
:mod:`opennr.coding.bch`). ``ssb-PositionsInBurst`` (TS 38.331) is a bitmap of ``L_max`` bits,
the first (leftmost) bit for block 0.

Synchronisation raster (TS 38.104 §5.4.3.1, Table 5.4.3.1-1): the global synchronisation channel
number (GSCN) and the SS block reference frequency ``SS_REF`` (the centre of block subcarrier
120, TS 38.211 §7.4.3.1):

=====================  ==========================================  ===================  ===========
range                  SS_REF                                      GSCN                 GSCN range
=====================  ==========================================  ===================  ===========
0 - 3000 MHz           N 1200 kHz + M 50 kHz, N = 1..2499,         3N + (M - 3)/2       2 - 7498
                       M in {1, 3, 5}
3000 - 24250 MHz       3000 MHz + N 1.44 MHz, N = 0..14756         7499 + N             7499 - 22255
24250 - 100000 MHz     24250.08 MHz + N 17.28 MHz, N = 0..4383     22256 + N            22256 - 26639
=====================  ==========================================  ===================  ===========

Frequencies are handled as integer Hz, so the raster arithmetic is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np

from opennr._validation import check_choice, check_int

__all__ = [
    "GSCN_MAX",
    "GSCN_MIN",
    "SSB_CASES",
    "SSB_CASE_SCS",
    "SSB_PERIODICITIES_MS",
    "SsbBurstBlock",
    "gscn_from_frequency",
    "gscn_to_frequency",
    "gscns_in_range",
    "ssb_burst_blocks",
    "ssb_candidate_symbols",
    "ssb_l_max",
    "ssb_position_bitmap",
]

_C41 = "TS 38.213 §4.1"
_C5431 = "TS 38.104 §5.4.3.1"

#: SS/PBCH block patterns (TS 38.213 §4.1).
SSB_CASES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G")
#: Subcarrier spacing (kHz) of each case (TS 38.213 §4.1).
SSB_CASE_SCS: dict[str, int] = {"A": 15, "B": 30, "C": 30, "D": 120, "E": 240, "F": 480, "G": 960}
#: SS burst set periodicities ``ssb-periodicityServingCell`` in ms (TS 38.331, TS 38.213 §4.1).
SSB_PERIODICITIES_MS: tuple[int, ...] = (5, 10, 20, 40, 80, 160)
#: Smallest and largest GSCN of Table 5.4.3.1-1 (TS 38.104).
GSCN_MIN: int = 2
GSCN_MAX: int = 26639

# case -> (first symbols within one period, period in symbols, n values for L_max = 64)
_PATTERN: dict[str, tuple[tuple[int, ...], int]] = {
    "A": ((2, 8), 14),
    "B": ((4, 8, 16, 20), 28),
    "C": ((2, 8), 14),
    "D": ((4, 8, 16, 20), 28),
    "E": ((8, 12, 16, 20, 32, 36, 40, 44), 56),
    "F": ((2, 9), 14),
    "G": ((2, 9), 14),
}
_FR2_N: dict[str, tuple[int, ...]] = {
    "D": (0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18),
    "E": (0, 1, 2, 3, 5, 6, 7, 8),
    "F": tuple(range(32)),
    "G": tuple(range(32)),
}
_FR1_LMAX = (4, 8)


def _check_case(case) -> str:
    if not isinstance(case, str):
        raise TypeError(f"case must be a string, one of {', '.join(SSB_CASES)}; got {case!r}")
    return check_choice(case.upper(), "case", SSB_CASES, clause=_C41)


def ssb_l_max(case: str, carrier_frequency: float, *, paired: bool = True) -> int:
    """TS 38.213 §4.1: the maximum number ``L_max`` of candidate SS/PBCH blocks in a half frame.

    Parameters
    ----------
    case : {'A', 'B', 'C', 'D', 'E', 'F', 'G'}
        SS/PBCH block pattern.
    carrier_frequency : float
        Carrier (or SS_REF) frequency in Hz; decides between the ``f <= 3 GHz`` (1.88 GHz for
        case C unpaired) and higher-frequency rows.
    paired : bool, optional, keyword-only
        Paired spectrum (FDD, default) or unpaired (TDD); matters for case C only.

    Returns
    -------
    int
        4 or 8 for cases A-C (FR1), 64 for cases D-G (FR2).

    Examples
    --------
    >>> ssb_l_max("A", 1.8e9), ssb_l_max("C", 3.5e9, paired=False), ssb_l_max("D", 28e9)
    (4, 8, 64)
    >>> ssb_l_max("C", 2.5e9, paired=False)
    8
    """
    case = _check_case(case)
    if not isinstance(carrier_frequency, Real) or isinstance(carrier_frequency, bool):
        raise TypeError(f"carrier_frequency must be a real number in Hz, got {carrier_frequency!r}")
    f = float(carrier_frequency)
    if not np.isfinite(f) or f <= 0:
        raise ValueError(f"carrier_frequency must be a positive frequency in Hz, got {f} ({_C41})")
    if case in _FR2_N:
        return 64
    limit = 1.88e9 if (case == "C" and not paired) else 3e9
    return 4 if f <= limit else 8


def ssb_candidate_symbols(case: str, l_max: int) -> np.ndarray:
    """TS 38.213 §4.1: first OFDM symbols of the ``L_max`` candidate SS/PBCH blocks in a half frame.

    Parameters
    ----------
    case : {'A', 'B', 'C', 'D', 'E', 'F', 'G'}
        SS/PBCH block pattern.
    l_max : {4, 8, 64}
        Number of candidate blocks: 4 or 8 for cases A-C, 64 for cases D-G.

    Returns
    -------
    numpy.ndarray of int64, shape [L_max]
        First symbol of candidate block ``i_SSB`` (symbols of the case's subcarrier spacing,
        counted from the first symbol of the half frame; slot ``s // 14``, symbol ``s % 14``).

    Examples
    --------
    >>> ssb_candidate_symbols("C", 8).tolist()
    [2, 8, 16, 22, 30, 36, 44, 50]
    >>> ssb_candidate_symbols("B", 4).tolist()
    [4, 8, 16, 20]
    """
    case = _check_case(case)
    allowed = (64,) if case in _FR2_N else _FR1_LMAX
    l_max = int(check_choice(l_max, "l_max", allowed, clause=f"{_C41} (case {case})"))
    first, period = _PATTERN[case]
    ns = _FR2_N[case] if case in _FR2_N else range(l_max // len(first))
    return np.array([f + period * n for n in ns for f in first], dtype=np.int64)


def ssb_position_bitmap(bitmap, l_max: int) -> np.ndarray:
    """TS 38.331 ``ssb-PositionsInBurst`` / TS 38.213 §4.1: the transmitted candidate blocks.

    Parameters
    ----------
    bitmap : str or sequence of 0/1 or int
        ``L_max`` bits, leftmost for block 0 (a string like ``"10100000"``, a sequence of
        0/1), or an integer whose ``L_max``-bit binary form is the bitmap (MSB = block 0).
    l_max : {4, 8, 64}

    Returns
    -------
    numpy.ndarray of bool, shape [L_max]
        True where candidate block ``i`` is transmitted.

    Examples
    --------
    >>> ssb_position_bitmap("1010", 4).tolist()
    [True, False, True, False]
    >>> np.flatnonzero(ssb_position_bitmap(0b11000000, 8)).tolist()
    [0, 1]
    """
    l_max = int(check_choice(l_max, "l_max", (4, 8, 64), clause=_C41))
    where = f"TS 38.331 ssb-PositionsInBurst, {_C41}"
    if isinstance(bitmap, str):
        s = bitmap.strip().replace(" ", "")
        if len(s) != l_max or set(s) - {"0", "1"}:
            raise ValueError(f"bitmap must be a string of {l_max} '0'/'1' characters (L_max), "
                             f"got {bitmap!r} ({where})")
        bits = np.array([c == "1" for c in s])
    elif isinstance(bitmap, int | np.integer) and not isinstance(bitmap, bool):
        value = int(bitmap)
        if not 0 <= value < 2**l_max:
            raise ValueError(f"bitmap as an integer must be in [0, 2^{l_max} - 1], got {value} "
                             f"({where})")
        bits = np.array([(value >> (l_max - 1 - i)) & 1 for i in range(l_max)], dtype=bool)
    else:
        arr = np.asarray(bitmap)
        if arr.dtype == bool:
            arr = arr.astype(np.int64)
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"bitmap must be a string, an int or a sequence of 0/1, got "
                            f"{type(bitmap).__name__} ({where})")
        if arr.shape != (l_max,) or (arr.size and (arr.min() < 0 or arr.max() > 1)):
            raise ValueError(f"bitmap must hold {l_max} values 0/1 (L_max), got shape "
                             f"{arr.shape} ({where})")
        bits = arr.astype(bool)
    return bits


@dataclass(frozen=True)
class SsbBurstBlock:
    """TS 38.213 §4.1: one transmitted SS/PBCH block of a burst.

    Attributes
    ----------
    ssb_index : int
        Candidate block index ``i_SSB``, 0..L_max-1.
    half_frame : int
        Half frame ``n_hf`` (0: subframes 0-4, 1: subframes 5-9).
    first_symbol : int
        First OFDM symbol counted from the start of the frame, in symbols of the SSB
        subcarrier spacing (``14 slot + symbol``).
    """

    ssb_index: int
    half_frame: int
    first_symbol: int

    @property
    def slot(self) -> int:
        """Slot of the frame (in the SSB numerology) holding the block."""
        return self.first_symbol // 14

    @property
    def symbol(self) -> int:
        """First symbol of the block in its slot, 0..13."""
        return self.first_symbol % 14


def ssb_burst_blocks(case: str, l_max: int, bitmap=None, *, half_frames: Sequence[int] = (0,)
                     ) -> list[SsbBurstBlock]:
    """TS 38.213 §4.1: the SS/PBCH blocks of a burst in a frame, in time order.

    Parameters
    ----------
    case : {'A', ..., 'G'}
        SS/PBCH block pattern.
    l_max : {4, 8, 64}
        Number of candidate blocks in a half frame.
    bitmap : str, int or sequence, optional
        ``ssb-PositionsInBurst`` (:func:`ssb_position_bitmap`); default all candidates.
    half_frames : sequence of {0, 1}, keyword-only
        Half frames of the frame that carry the burst (default the first only, as for an SSB
        periodicity of 10 ms or more; ``(0, 1)`` for 5 ms).

    Returns
    -------
    list of SsbBurstBlock

    Examples
    --------
    >>> [(b.ssb_index, b.slot, b.symbol) for b in ssb_burst_blocks("A", 4, "1001")]
    [(0, 0, 2), (3, 1, 8)]
    >>> [b.first_symbol for b in ssb_burst_blocks("C", 4, "1000", half_frames=(0, 1))]
    [2, 142]
    """
    symbols = ssb_candidate_symbols(case, l_max)
    used = np.ones(len(symbols), bool) if bitmap is None else ssb_position_bitmap(bitmap, l_max)
    scs = SSB_CASE_SCS[_check_case(case)]
    half_len = 5 * 14 * scs // 15  # symbols per half frame
    hfs = [check_int(h, "half_frames", low=0, high=1, clause=_C41) for h in half_frames]
    if len(set(hfs)) != len(hfs):
        raise ValueError(f"half_frames must not repeat a half frame, got {tuple(half_frames)}")
    return [SsbBurstBlock(int(i), h, int(h * half_len + symbols[i]))
            for h in sorted(hfs) for i in np.flatnonzero(used)]


# --------------------------------------------------------------------------------------------
# Synchronisation raster, TS 38.104 §5.4.3.1
# --------------------------------------------------------------------------------------------
_F_3000 = 3_000_000_000
_F_24250_08 = 24_250_080_000


def gscn_to_frequency(gscn: int) -> int:
    """TS 38.104 §5.4.3.1 Table 5.4.3.1-1: the SS block reference frequency ``SS_REF`` of a GSCN.

    Parameters
    ----------
    gscn : int
        Global synchronisation channel number, 2..26639.

    Returns
    -------
    int
        ``SS_REF`` in Hz (exact).

    Examples
    --------
    >>> gscn_to_frequency(4604), gscn_to_frequency(7855), gscn_to_frequency(22256)
    (1842050000, 3512640000, 24250080000)
    """
    g = check_int(gscn, "gscn", low=GSCN_MIN, high=GSCN_MAX, clause=_C5431)
    if g <= 7498:
        n = (g + 1) // 3
        m = 2 * (g - 3 * n) + 3
        return n * 1_200_000 + m * 50_000
    if g <= 22255:
        return _F_3000 + (g - 7499) * 1_440_000
    return _F_24250_08 + (g - 22256) * 17_280_000


def gscn_from_frequency(frequency) -> int:
    """TS 38.104 §5.4.3.1 Table 5.4.3.1-1: the GSCN whose ``SS_REF`` is ``frequency``.

    Parameters
    ----------
    frequency : float or int
        SS block reference frequency in Hz; must lie on the raster (within 1 Hz).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``frequency`` is not a synchronisation raster point.

    Examples
    --------
    >>> gscn_from_frequency(1842.05e6), gscn_from_frequency(3512.64e6)
    (4604, 7855)
    """
    if not isinstance(frequency, Real) or isinstance(frequency, bool):
        raise TypeError(f"frequency must be a real number in Hz, got {frequency!r}")
    f = round(float(frequency))
    if f < 3_000_000_000:
        n, rem = divmod(f, 1_200_000)
        m, r2 = divmod(rem, 50_000)
        g = 3 * n + (m - 3) // 2 if (r2 == 0 and m in (1, 3, 5)) else None
    elif f < _F_24250_08:
        n, r = divmod(f - _F_3000, 1_440_000)
        g = 7499 + n if r == 0 else None
    else:
        n, r = divmod(f - _F_24250_08, 17_280_000)
        g = 22256 + n if r == 0 else None
    if g is None or not GSCN_MIN <= g <= GSCN_MAX or abs(gscn_to_frequency(g) - float(frequency)) > 1:
        raise ValueError(f"frequency {float(frequency)!r} Hz is not on the synchronisation raster "
                         f"({_C5431}, Table 5.4.3.1-1)")
    return g


def gscns_in_range(f_low, f_high) -> np.ndarray:
    """TS 38.104 §5.4.3.1: all GSCNs whose ``SS_REF`` lies in ``[f_low, f_high]`` (Hz).

    Parameters
    ----------
    f_low, f_high : float
        Band edges in Hz, ``f_low <= f_high``.

    Returns
    -------
    numpy.ndarray of int64
        Increasing GSCNs (their frequencies: ``[gscn_to_frequency(g) for g in ...]``).

    Examples
    --------
    >>> gscns_in_range(1841.9e6, 1842.2e6).tolist()
    [4604, 4605]
    """
    for name, val in (("f_low", f_low), ("f_high", f_high)):
        if not isinstance(val, Real) or isinstance(val, bool) or not np.isfinite(float(val)):
            raise TypeError(f"{name} must be a finite real number in Hz, got {val!r}")
    if f_low > f_high:
        raise ValueError(f"f_low ({f_low}) must not exceed f_high ({f_high}) ({_C5431})")
    lo, hi = int(np.floor(float(f_low))), int(np.ceil(float(f_high)))

    def first_at_least(f: int) -> int:
        a, b = GSCN_MIN, GSCN_MAX + 1  # monotone search: SS_REF increases with the GSCN
        while a < b:
            mid = (a + b) // 2
            if gscn_to_frequency(mid) < f:
                a = mid + 1
            else:
                b = mid
        return a

    g0, g1 = first_at_least(lo), first_at_least(hi + 1)
    return np.arange(g0, g1, dtype=np.int64)
