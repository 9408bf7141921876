"""TS 38.211 V17 §5.2.2-§5.2.3: low-PAPR sequences, Zadoff-Chu sequences, group and sequence hopping.

Type 1 (§5.2.2), used by the PUSCH DM-RS with transform precoding (Rel-15), the SRS, PUCCH formats
0 and 1 and the DM-RS of PUCCH formats 1, 3 and 4:

``r_{u,v}^{(alpha,delta)}(n) = exp(j alpha n) rbar_{u,v}(n)``, ``0 <= n < M_ZC = m N_sc^RB / 2^delta``,

with the base sequence ``rbar_{u,v}`` of group ``u = 0..29`` and number ``v`` (``v = 1`` exists only
for ``M_ZC >= 6 N_sc^RB = 72``):

* ``M_ZC in {6, 12, 18, 24}`` (§5.2.2.2): ``rbar_u(n) = exp(j phi(n) pi / 4)``, ``phi`` from
  Tables 5.2.2.2-1..4 (package data ``opennr/sequences/data/low_papr_phi_{6,12,18,24}.csv``);
* ``M_ZC = 30`` (§5.2.2.2): ``rbar_u(n) = exp(-j pi (u + 1)(n + 1)(n + 2) / 31)``;
* ``M_ZC >= 36`` (§5.2.2.1): the cyclic extension ``x_q(n mod N_ZC)`` of the Zadoff-Chu sequence
  ``x_q(m) = exp(-j pi q m (m + 1) / N_ZC)`` whose length ``N_ZC`` is the largest prime below
  ``M_ZC``, with ``q = floor(qbar + 1/2) + v (-1)^floor(2 qbar)``, ``qbar = N_ZC (u + 1) / 31``.

Type 2 (§5.2.3, Rel-16 pi/2-BPSK DM-RS of PUSCH and PUCCH formats 3/4): the DFT (normalised by
``1/sqrt(M)``) of a pi/2-BPSK sequence ``rtilde(i)``; for ``M >= 30`` (§5.2.3.1) ``rtilde`` is the
pi/2-BPSK modulation (§5.1.1) of the Gold sequence ``c(i)`` (§5.2.1) initialised with ``c_init``.
For ``M < 30`` (§5.2.3.2) ``rtilde`` comes from tables: ``M = 6``: ``rtilde(i) = exp(j phi(i) pi / 8)``
with ``phi`` from Table 5.2.3.2-1; ``M`` = 12, 18, 24: the pi/2-BPSK symbols of the bits ``b(i)`` of
Tables 5.2.3.2-2..4. No transcription of those four tables with a second independent source to
check it against was found (the open stacks searched ship only the type-1 tables), so they are
not shipped: those lengths raise ``NotImplementedError``.

Phases are computed in float64 from exact integer arithmetic (``q m (m + 1)`` is reduced modulo
``2 N_ZC`` before it is scaled by ``pi``), then returned as ``complex64``.
"""

from __future__ import annotations

from functools import cache
from math import gcd

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int
from opennr.sequences.gold import gold_sequence

__all__ = [
    "HOPPING_MODES",
    "LOW_PAPR_TABLE_LENGTHS",
    "NUM_SEQUENCE_GROUPS",
    "group_sequence_hopping",
    "largest_prime_below",
    "low_papr_base_sequence",
    "low_papr_phi_table",
    "low_papr_sequence",
    "low_papr_sequence_type2",
    "zadoff_chu",
]

_PKG = "opennr.sequences"
_CLAUSE = "TS 38.211 §5.2.2"
_CLAUSE_ZC = "TS 38.211 §5.2.2.1"
_CLAUSE_TAB = "TS 38.211 §5.2.2.2"
_CLAUSE_T2 = "TS 38.211 §5.2.3"

#: Lengths ``M_ZC`` whose type-1 base sequences come from Tables 5.2.2.2-1..4.
LOW_PAPR_TABLE_LENGTHS: tuple[int, ...] = (6, 12, 18, 24)
#: Number of sequence groups ``u = 0..29`` (§5.2.2).
NUM_SEQUENCE_GROUPS: int = 30
#: Group/sequence hopping modes of :func:`group_sequence_hopping` (higher-layer names in its doc).
HOPPING_MODES: tuple[str, ...] = ("neither", "group", "sequence")
_TWO_BASE_SEQUENCES_FROM = 72  # M_ZC >= 6 N_sc^RB: v = 0, 1 (§5.2.2)


# ---------------------------------------------------------------------------------------------
# Tables and small number theory
# ---------------------------------------------------------------------------------------------


@cache
def _phi_table(m_zc: int) -> np.ndarray:
    rows = read_csv_rows(_PKG, f"low_papr_phi_{m_zc}.csv")
    table = np.array([[int(r[f"phi{n}"]) for n in range(m_zc)] for r in rows], dtype=np.int8)
    if [int(r["u"]) for r in rows] != list(range(NUM_SEQUENCE_GROUPS)):
        raise RuntimeError(f"low_papr_phi_{m_zc}.csv must list u = 0..29 in order")
    table.setflags(write=False)
    return table


def low_papr_phi_table(m_zc: int) -> np.ndarray:
    """TS 38.211 Tables 5.2.2.2-1..4: ``phi(n)`` of the type-1 base sequences, ``[30, M_ZC]``.

    Parameters
    ----------
    m_zc : {6, 12, 18, 24}
        Sequence length ``M_ZC``.

    Returns
    -------
    numpy.ndarray of int8, shape [30, M_ZC], read-only
        Row ``u`` holds ``phi(0) ... phi(M_ZC - 1)`` (values in {-3, -1, 1, 3}) of group ``u``.

    Examples
    --------
    >>> low_papr_phi_table(6)[0].tolist()
    [-3, -1, 3, 3, -1, -3]
    """
    check_choice(m_zc, "m_zc", LOW_PAPR_TABLE_LENGTHS, clause=_CLAUSE_TAB)
    return _phi_table(int(m_zc))


@cache
def largest_prime_below(m: int) -> int:
    """TS 38.211 §5.2.2.1: the largest prime ``N_ZC < M_ZC``.

    Parameters
    ----------
    m : int
        ``M_ZC``, at least 3.

    Returns
    -------
    int
        The largest prime strictly below ``m``.

    Examples
    --------
    >>> largest_prime_below(36), largest_prime_below(72), largest_prime_below(1632)
    (31, 71, 1627)
    """
    m = check_int(m, "m", low=3, clause=_CLAUSE_ZC)
    for n in range(m - 1, 1, -1):
        if n < 4 or all(n % d for d in range(2, int(n**0.5) + 1)):
            return n
    raise AssertionError("unreachable: 2 is prime")


def _zc_root(u: np.ndarray, v: np.ndarray, n_zc: int) -> np.ndarray:
    """``q = floor(qbar + 1/2) + v (-1)^floor(2 qbar)``, ``qbar = N_ZC (u + 1) / 31``, exactly.

    With ``a = N_ZC (u + 1)``: ``floor(qbar + 1/2) = floor((2a + 31) / 62)`` and
    ``floor(2 qbar) = floor(2a / 31)``, so no floating point is involved.
    """
    a = n_zc * (u.astype(np.int64) + 1)
    base = (2 * a + 31) // 62
    sign = 1 - 2 * ((2 * a // 31) % 2)
    return base + v.astype(np.int64) * sign


# ---------------------------------------------------------------------------------------------
# Zadoff-Chu
# ---------------------------------------------------------------------------------------------


def zadoff_chu(u, n_zc: int, length: int | None = None) -> np.ndarray:
    """TS 38.211 §5.2.2.1: Zadoff-Chu sequence ``x_u(m) = exp(-j pi u m (m + 1) / N_ZC)``.

    Parameters
    ----------
    u : int or array_like of int, shape [...]
        Root index, ``1 <= u < N_ZC`` and coprime with ``N_ZC``; an array gives one sequence per
        root.
    n_zc : int
        Sequence length ``N_ZC`` (odd, at least 3; a prime in every NR use).
    length : int, optional
        Output length ``M``; default ``N_ZC``. ``M > N_ZC`` extends the sequence cyclically,
        ``x_u(n mod N_ZC)``, as §5.2.2.1 does for the low-PAPR base sequences.

    Returns
    -------
    numpy.ndarray of complex64, shape [..., length]
        ``x_u(n mod N_ZC)`` for ``n = 0 .. length - 1``.

    Raises
    ------
    TypeError
        If ``u`` is not integer.
    ValueError
        If ``n_zc`` is even or below 3, or a root is outside ``[1, N_ZC - 1]`` or shares a factor
        with ``N_ZC``.

    Notes
    -----
    ``u m (m + 1)`` is reduced modulo ``2 N_ZC`` in integers before the phase is scaled by ``pi``,
    so the phases are exact to float64 rounding for every length.

    Examples
    --------
    >>> x = zadoff_chu(25, 139)
    >>> x.shape, bool(np.allclose(np.abs(x), 1))
    ((139,), True)
    >>> bool(abs(np.vdot(x, np.roll(x, 5))) < 1e-3)  # zero periodic autocorrelation off the peak
    True
    >>> (np.angle(zadoff_chu(1, 3, length=5)) * 3 / np.pi).round().astype(int).tolist()
    [0, -2, 0, 0, -2]
    """
    n_zc = check_int(n_zc, "n_zc", low=3, clause=_CLAUSE_ZC)
    if n_zc % 2 == 0:
        raise ValueError(f"n_zc must be odd (a Zadoff-Chu length), got {n_zc} ({_CLAUSE_ZC})")
    length = n_zc if length is None else check_int(length, "length", low=0, clause=_CLAUSE_ZC)
    arr = np.asarray(u)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"u must be an integer or integer array, got dtype {arr.dtype} "
                        f"({_CLAUSE_ZC})")
    if arr.size and (arr.min() < 1 or arr.max() > n_zc - 1):
        raise ValueError(f"u must be in [1, {n_zc - 1}] for N_ZC = {n_zc} ({_CLAUSE_ZC}), got "
                         f"values in [{arr.min()}, {arr.max()}]")
    if any(gcd(int(x), n_zc) != 1 for x in np.unique(arr)):
        raise ValueError(f"u must be coprime with N_ZC = {n_zc} ({_CLAUSE_ZC}), got {u!r}")
    return _zc_phases(arr.astype(np.int64), n_zc, length)


def _zc_phases(q: np.ndarray, n_zc: int, length: int) -> np.ndarray:
    m = np.arange(length, dtype=np.int64) % n_zc
    k = (q[..., None] * ((m * (m + 1)) % (2 * n_zc))) % (2 * n_zc)  # phase = -pi k / N_ZC
    return np.exp(-1j * np.pi * k / n_zc).astype(np.complex64)


# ---------------------------------------------------------------------------------------------
# Type 1
# ---------------------------------------------------------------------------------------------


def _complex_dtype(dtype):
    dt = np.dtype(dtype)
    if dt not in (np.complex64, np.complex128):
        raise TypeError(f"dtype must be complex64 or complex128, got {dt}")
    return dt


def _check_length(length) -> int:
    length = check_int(length, "length", low=0, clause=_CLAUSE)
    if length not in (6, 12, 18, 24, 30) and length < 36:
        raise ValueError(
            f"length M_ZC of a type-1 low-PAPR sequence must be 6, 12, 18, 24, 30 "
            f"(TS 38.211 §5.2.2.2) or at least 36 (TS 38.211 §5.2.2.1); got {length}"
        )
    return length


def _int_array(x, name: str, low: int, high: int, clause: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an integer or integer array, got dtype {arr.dtype} "
                        f"({clause})")
    if arr.size and (arr.min() < low or arr.max() > high):
        raise ValueError(f"{name} must be in [{low}, {high}] ({clause}), got values in "
                         f"[{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64)


def _group_and_number(u, v, length: int) -> tuple[np.ndarray, np.ndarray]:
    u = _int_array(u, "u", 0, NUM_SEQUENCE_GROUPS - 1, _CLAUSE)
    v = _int_array(v, "v", 0, 1, _CLAUSE)
    if v.size and v.max() == 1 and length < _TWO_BASE_SEQUENCES_FROM:
        raise ValueError(
            f"v = 1 needs a sequence length M_ZC >= 72 (two base sequences per group only from "
            f"6 N_sc^RB on, {_CLAUSE}); got M_ZC = {length}, where only v = 0 exists"
        )
    return u, v


def _base_phases(u: np.ndarray, v: np.ndarray, length: int) -> np.ndarray:
    """Phase (radians, float64) of ``rbar_{u,v}(n)`` for broadcast ``u``, ``v``: ``[..., length]``."""
    u, v = np.broadcast_arrays(u, v)
    if length in LOW_PAPR_TABLE_LENGTHS:
        return _phi_table(length)[u].astype(np.float64) * (np.pi / 4)
    n = np.arange(length, dtype=np.int64)
    if length == 30:
        k = ((u[..., None] + 1) * (((n + 1) * (n + 2)) % 62)) % 62  # exp(-j pi k / 31)
        return -np.pi * k / 31
    n_zc = largest_prime_below(length)
    q = _zc_root(u, v, n_zc)
    m = n % n_zc
    k = (q[..., None] * ((m * (m + 1)) % (2 * n_zc))) % (2 * n_zc)
    return -np.pi * k / n_zc


def low_papr_base_sequence(u, v, length: int, *, dtype=np.complex64) -> np.ndarray:
    """TS 38.211 §5.2.2.1/§5.2.2.2: type-1 base sequence ``rbar_{u,v}(n)``.

    Parameters
    ----------
    u : int or array_like of int, shape [...]
        Sequence group ``u = 0..29``.
    v : int or array_like of int, broadcastable with ``u``
        Base sequence number ``v``: 0, or 1 when ``length >= 72``.
    length : int
        ``M_ZC``: 6, 12, 18, 24, 30 or at least 36.
    dtype : {numpy.complex64, numpy.complex128}, keyword-only, default complex64
        Output type (phases are always computed in float64).

    Returns
    -------
    numpy.ndarray of dtype, shape [..., length]
        ``rbar_{u,v}(0) ... rbar_{u,v}(M_ZC - 1)`` (unit modulus).

    Raises
    ------
    TypeError
        If ``u`` or ``v`` is not integer.
    ValueError
        If ``u`` is outside 0..29, ``v`` outside 0..1, ``v = 1`` with ``length < 72`` or
        ``length`` is not a type-1 length.

    Examples
    --------
    >>> r = low_papr_base_sequence(0, 0, 6)
    >>> bool(np.allclose(np.angle(r) / (np.pi / 4), [-3, -1, 3, 3, -1, -3]))
    True
    >>> low_papr_base_sequence([0, 1], 1, 72).shape
    (2, 72)
    """
    dtype = _complex_dtype(dtype)
    length = _check_length(length)
    u, v = _group_and_number(u, v, length)
    return np.exp(1j * _base_phases(u, v, length)).astype(dtype)


def low_papr_sequence(u, v, length: int, alpha=0.0, *, dtype=np.complex64) -> np.ndarray:
    """TS 38.211 §5.2.2: type-1 low-PAPR sequence ``r_{u,v}^{(alpha,delta)}(n) = e^{j alpha n} rbar_{u,v}(n)``.

    Parameters
    ----------
    u : int or array_like of int, shape [...]
        Sequence group ``u = 0..29``.
    v : int or array_like of int, broadcastable
        Base sequence number within the group: 0, or 1 when ``length >= 72``.
    length : int
        ``M_ZC = m N_sc^RB / 2^delta``: 6, 12, 18, 24, 30 or at least 36 (``delta`` only enters
        through this length).
    alpha : float or array_like of float, broadcastable, default 0
        Cyclic shift ``alpha`` in radians (e.g. ``2 pi n_cs / 12`` for PUCCH, ``2 pi n_SRS^cs /
        n_SRS^cs,max`` for SRS).
    dtype : {numpy.complex64, numpy.complex128}, keyword-only, default complex64
        Output type (phases are always computed in float64).

    Returns
    -------
    numpy.ndarray of dtype, shape [..., length]
        The sequences, ``[...]`` being the broadcast shape of ``u``, ``v`` and ``alpha``.

    Raises
    ------
    TypeError
        If ``u`` or ``v`` is not integer or ``alpha`` not real.
    ValueError
        On a group outside 0..29, a number outside 0..1, ``v = 1`` below length 72, an
        unsupported length or a non-finite ``alpha`` (each message names the clause).

    Notes
    -----
    The cyclic shift ``alpha`` in the frequency domain is a cyclic delay in time:
    ``r^{(alpha)}(n) = e^{j alpha n} rbar(n)``. Shifts ``alpha = 2 pi k / M`` of one base sequence
    are mutually orthogonal over ``M`` samples.

    Examples
    --------
    >>> r = low_papr_sequence(9, 0, 36, alpha=np.pi / 2)
    >>> r.shape, r.dtype
    ((36,), dtype('complex64'))
    >>> shifts = low_papr_sequence(3, 0, 12, alpha=2 * np.pi * np.arange(12) / 12)
    >>> bool(np.allclose(shifts @ shifts.conj().T, 12 * np.eye(12), atol=1e-4))
    True
    """
    dtype = _complex_dtype(dtype)
    length = _check_length(length)
    u, v = _group_and_number(u, v, length)
    a = np.asarray(alpha)
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.floating)
                               or np.issubdtype(a.dtype, np.integer)):
        raise TypeError(f"alpha must be real (radians), got dtype {a.dtype} ({_CLAUSE})")
    a = a.astype(np.float64)
    if a.size and not np.isfinite(a).all():
        raise ValueError(f"alpha must be finite ({_CLAUSE})")
    u, v, a = np.broadcast_arrays(u, v, a)
    n = np.arange(length, dtype=np.float64)
    phase = _base_phases(u, v, length) + a[..., None] * n
    return np.exp(1j * phase).astype(dtype)


# ---------------------------------------------------------------------------------------------
# Type 2
# ---------------------------------------------------------------------------------------------


def low_papr_sequence_type2(u, c_init, length: int, *, dtype=np.complex64) -> np.ndarray:
    """TS 38.211 §5.2.3: type-2 low-PAPR sequence ``rbar(n) = M^-1/2 sum_i rtilde(i) e^{-j2 pi i n/M}``.

    Parameters
    ----------
    u : int or array_like of int, shape [...]
        Sequence group ``u = 0..29`` (selects the table row of §5.2.3.2 for ``M < 30``; checked
        and broadcast, but not used for ``M >= 30``).
    c_init : int or array_like of int, broadcastable
        Initialisation of the Gold sequence ``c(i)`` (§5.2.1) for ``M >= 30``, ``0..2^31 - 1``.
    length : int
        ``M = m N_sc^RB / 2^delta`` with ``1/2 <= m / 2^delta``, i.e. a multiple of 6.
    dtype : {numpy.complex64, numpy.complex128}, keyword-only, default complex64
        Output type (the DFT is computed in float64).

    Returns
    -------
    numpy.ndarray of dtype, shape [..., length]
        The sequences, ``[...]`` being the broadcast shape of ``u`` and ``c_init``.

    Raises
    ------
    NotImplementedError
        For ``M`` = 6, 12, 18, 24 (Tables 5.2.3.2-1..4 are not shipped yet: no transcription
        with an independent second source was found).
    ValueError
        If ``length`` is not a positive multiple of 6 or ``u``/``c_init`` is out of range.

    Notes
    -----
    §5.2.3.1 (``M >= 30``): ``rtilde(i)`` is the pi/2-BPSK symbol (§5.1.1) of ``c(i)``,
    ``e^{j pi/2 (i mod 2)} ((1 - 2c(i)) + j(1 - 2c(i))) / sqrt(2)``; the sequence is its
    unitary DFT, so its time-domain (transform-precoded) samples are the constant-modulus
    pi/2-BPSK symbols themselves.

    Examples
    --------
    >>> r = low_papr_sequence_type2(0, 1234, 36)
    >>> r.shape, bool(np.isclose(np.mean(np.abs(r) ** 2), 1))
    ((36,), True)
    """
    dtype = _complex_dtype(dtype)
    length = check_int(length, "length", low=1, clause=_CLAUSE_T2)
    if length % 6:
        raise ValueError(f"length M of a type-2 low-PAPR sequence must be a multiple of 6 "
                         f"(M = m N_sc^RB / 2^delta >= 6, {_CLAUSE_T2}); got {length}")
    u = _int_array(u, "u", 0, NUM_SEQUENCE_GROUPS - 1, _CLAUSE_T2)
    if length < 30:
        raise NotImplementedError(
            f"type-2 low-PAPR sequences of length {length} use TS 38.211 Table 5.2.3.2-1 "
            f"(M = 6, phases phi(i) pi/8) and Tables 5.2.3.2-2..4 (M = 12, 18, 24, pi/2-BPSK bits "
            f"b(i)), which OpenNR does not ship yet (TS 38.211 §5.2.3.2); lengths >= 30 are "
            f"supported"
        )
    c_arr = np.asarray(c_init)
    u, c_arr = np.broadcast_arrays(u, c_arr)
    c = gold_sequence(np.array(c_arr), length).astype(np.float64)
    i = np.arange(length)
    rtilde = np.exp(1j * np.pi / 2 * (i % 2)) * (1 - 2 * c) * (1 + 1j) / np.sqrt(2)
    return (np.fft.fft(rtilde, axis=-1) / np.sqrt(length)).astype(dtype)


# ---------------------------------------------------------------------------------------------
# Group and sequence hopping
# ---------------------------------------------------------------------------------------------


def group_sequence_hopping(
    hopping: str,
    n_id: int,
    n_slot: int,
    l: int,
    *,
    symbols_per_slot: int = 14,
    length: int | None = None,
) -> tuple[int, int]:
    """TS 38.211 §6.3.2.2.1 / §6.4.1.1.1.2 / §6.4.1.4.2: sequence group ``u`` and number ``v``.

    With the hopping index ``k = symbols_per_slot * n_slot + l``:

    * ``"neither"``: ``f_gh = 0``, ``v = 0``;
    * ``"group"``: ``f_gh = (sum_{m=0}^{7} 2^m c(8k + m)) mod 30`` with ``c`` initialised by
      ``c_init = floor(n_id / 30)``, ``v = 0``;
    * ``"sequence"``: ``f_gh = 0``, ``v = c(k)`` with ``c_init = n_id`` (forced to 0 when
      ``length`` is given and below 72, where a group has one base sequence);

    and ``u = (f_gh + n_id) mod 30``.

    Parameters
    ----------
    hopping : {"neither", "group", "sequence"}
        PUCCH: ``pucch-GroupHopping`` neither / enable / disable. PUSCH DM-RS with transform
        precoding and SRS: neither, ``groupHopping``/``sequenceGroupHopping`` enabled,
        ``sequenceHopping`` enabled.
    n_id : int
        Hopping identity ``n_ID`` (``hoppingId``, ``N_ID^RS``, ``n_ID^SRS`` or ``N_ID^cell``),
        ``0..1023``.
    n_slot : int
        Slot number in the frame ``n_{s,f}^mu`` (``>= 0``).
    l : int
        Index within the slot: the OFDM symbol number ``l`` (``l0 + l'`` for SRS) for PUSCH DM-RS
        and SRS; the intra-slot frequency-hopping index ``n_hop`` (0 or 1) for PUCCH.
    symbols_per_slot : int, keyword-only, default 14
        Multiplier of ``n_slot`` in ``k``: ``N_symb^slot`` (14, or 12 with extended CP) for
        PUSCH DM-RS and SRS; **2** for PUCCH, whose index is ``2 n_s + n_hop``.
    length : int, optional, keyword-only
        Sequence length ``M_ZC``. PUSCH DM-RS and SRS use ``v = c(k)`` only when
        ``M_ZC >= 6 N_sc^RB = 72``; give the length to apply that rule.

    Returns
    -------
    (u, v) : tuple of int
        Sequence group ``u`` in 0..29 and base sequence number ``v`` in {0, 1}.

    Examples
    --------
    >>> group_sequence_hopping("neither", 37, 5, 2)
    (7, 0)
    >>> u, v = group_sequence_hopping("group", 37, 5, 2)
    >>> 0 <= u < 30 and v == 0
    True
    >>> group_sequence_hopping("sequence", 37, 5, 2, length=36)  # one base sequence below 72
    (7, 0)
    """
    clause = "TS 38.211 §6.3.2.2.1, §6.4.1.1.1.2, §6.4.1.4.2"
    check_choice(hopping, "hopping", HOPPING_MODES, clause=clause)
    n_id = check_int(n_id, "n_id", low=0, high=1023, clause=clause)
    n_slot = check_int(n_slot, "n_slot", low=0, clause=clause)
    l = check_int(l, "l", low=0, clause=clause)
    symbols_per_slot = check_int(symbols_per_slot, "symbols_per_slot", low=1, clause=clause)
    if length is not None:
        length = check_int(length, "length", low=1, clause=clause)
    k = symbols_per_slot * n_slot + l
    f_gh, v = 0, 0
    if hopping == "group":
        c = gold_sequence(n_id // 30, 8, offset=8 * k).astype(np.int64)
        f_gh = int((c << np.arange(8)).sum() % 30)
    elif hopping == "sequence" and (length is None or length >= _TWO_BASE_SEQUENCES_FROM):
        v = int(gold_sequence(n_id, 1, offset=k)[0])
    return (f_gh + n_id) % NUM_SEQUENCE_GROUPS, v
