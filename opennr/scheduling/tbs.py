"""TS 38.214 V17 §5.1.3.2 and §6.1.4.2: transport block size (TBS) determination.

The PDSCH procedure (§5.1.3.2) and the PUSCH one (§6.1.4.2) are the same four steps:

1. ``N_RE = min(156, N'_RE) * n_PRB`` with ``N'_RE = 12 N_symb^sh - N_DMRS^PRB - N_oh^PRB``;
2. ``N_info = S * N_RE * R * Q_m * v``;
3. ``N_info <= 3824``: quantise ``N_info`` down to ``N'_info`` and take the smallest entry of
   Table 5.1.3.2-1 not below it;
4. ``N_info > 3824``: quantise to ``N'_info`` (round half up) and make ``TBS + 24`` a multiple of
   ``8 C``, ``C`` being the number of LDPC code blocks of TS 38.212 §5.2.2.

``S`` is the TB scaling factor of Table 5.1.3.2-2 (1, 0.5 or 0.25; PDSCH scheduled by a DCI with
P-RNTI, RA-RNTI or MsgB-RNTI). Table 5.1.3.2-1 is package data (``data/tbs_table.csv``).

Examples
--------
>>> transport_block_size(4, 1, 52, 12 * 12 - 12, 658 / 1024)
17424
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from numbers import Real

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int

__all__ = [
    "TBS_TABLE",
    "MODULATION_ORDERS",
    "transport_block_size",
    "transport_block_sizes",
    "n_re_prime",
]

_PKG = "opennr.scheduling"
_CLAUSE = "TS 38.214 §5.1.3.2"

#: Modulation orders ``Q_m`` allowed by TS 38.214 (pi/2-BPSK, QPSK ... 1024QAM).
MODULATION_ORDERS: tuple[int, ...] = (1, 2, 4, 6, 8, 10)


@cache
def _tbs_table() -> tuple[int, ...]:
    rows = read_csv_rows(_PKG, "tbs_table.csv")
    return tuple(int(r["tbs"]) for r in rows)


#: TS 38.214 Table 5.1.3.2-1: the 93 TBS values for ``N_info <= 3824``, ascending.
TBS_TABLE: tuple[int, ...] = _tbs_table()


def _check_rate(rate, name: str) -> float:
    if isinstance(rate, bool) or not isinstance(rate, Real):
        raise TypeError(
            f"{name} must be a real number in (0, 1), got {type(rate).__name__} {rate!r}"
        )
    rate = float(rate)
    if not 0.0 < rate < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in (0, 1), got {rate} ({_CLAUSE})")
    return rate


def _check_qm(qm, name: str) -> int:
    qm = check_int(qm, name, clause=_CLAUSE)
    return check_choice(qm, name, MODULATION_ORDERS, clause=_CLAUSE)


def _check_scaling(s) -> float:
    if isinstance(s, bool) or not isinstance(s, Real):
        raise TypeError(f"tb_scaling must be 1, 0.5 or 0.25, got {type(s).__name__} {s!r}")
    clause = "TS 38.214 Table 5.1.3.2-2"
    return float(check_choice(float(s), "tb_scaling", (1.0, 0.5, 0.25), clause=clause))


def _check_resources(n_prb, n_re_prime_, x_overhead) -> int:
    """Validated ``N'_RE`` after the overhead."""
    check_int(n_prb, "n_prb", low=1, high=275, clause=_CLAUSE)
    n_re_prime_ = check_int(n_re_prime_, "n_re_prime", low=1, high=12 * 14, clause=_CLAUSE)
    x_overhead = check_int(x_overhead, "x_overhead", low=0, clause=_CLAUSE)
    if x_overhead >= n_re_prime_:
        raise ValueError(
            f"x_overhead ({x_overhead}) must be smaller than n_re_prime ({n_re_prime_}): no RE "
            f"would be left for data ({_CLAUSE})"
        )
    return n_re_prime_ - x_overhead


def _floor_log2(x: float) -> int:
    """Exact ``floor(log2(x))`` for ``x > 0``."""
    return math.frexp(x)[1] - 1


def _tbs_from_n_info(n_info: float, rate: float) -> int:
    """Steps 3 and 4 of §5.1.3.2: ``N_info -> TBS``."""
    if n_info <= 3824:
        n = max(3, _floor_log2(n_info) - 6)
        n_info_q = max(24, 2**n * math.floor(n_info / 2**n))
        for tbs in TBS_TABLE:  # 93 entries; the last is 3824 >= n_info_q
            if tbs >= n_info_q:
                return tbs
        raise AssertionError("unreachable: N'_info <= 3824")  # pragma: no cover
    n = _floor_log2(n_info - 24) - 5
    n_info_q = max(3840, 2**n * math.floor((n_info - 24) / 2**n + 0.5))  # round half up
    if rate <= 0.25:
        c = math.ceil((n_info_q + 24) / 3816)
    elif n_info_q > 8424:
        c = math.ceil((n_info_q + 24) / 8424)
    else:
        c = 1
    return 8 * c * math.ceil((n_info_q + 24) / (8 * c)) - 24


def transport_block_size(
    modulation_order: int,
    num_layers: int,
    n_prb: int,
    n_re_prime: int,
    target_code_rate: float,
    *,
    x_overhead: int = 0,
    tb_scaling: float = 1.0,
) -> int:
    """TS 38.214 §5.1.3.2 (PDSCH) and §6.1.4.2 (PUSCH): transport block size of one codeword.

    The arguments follow MATLAB's ``nrTBS(modulation, nlayers, nPRB, NREPerPRB, tcr, xOh,
    tbScaling)``.

    Parameters
    ----------
    modulation_order : {1, 2, 4, 6, 8, 10}
        ``Q_m`` (1 = pi/2-BPSK, PUSCH with transform precoding only).
    num_layers : int
        Number of layers ``v`` of this codeword, 1..8 (at most 4 per codeword in practice).
    n_prb : int
        Number of allocated PRBs ``n_PRB``, 1..275.
    n_re_prime : int
        REs per PRB ``12 N_symb^sh - N_DMRS^PRB`` before the overhead (MATLAB's ``NREPerPRB``),
        1..168.
    target_code_rate : float
        Target code rate ``R`` in (0, 1), e.g. ``McsEntry.target_code_rate``.
    x_overhead : int, optional
        ``N_oh^PRB`` (RRC ``xOverhead``: 0, 6, 12 or 18; 0 for PUSCH unless configured),
        subtracted from ``n_re_prime``. Default 0.
    tb_scaling : {1, 0.5, 0.25}, optional
        Scaling factor ``S`` of Table 5.1.3.2-2. Default 1.

    Returns
    -------
    int
        TBS in bits (without the TB CRC), a multiple of 8.

    Raises
    ------
    TypeError
        For non-integer counts or a non-real rate.
    ValueError
        For values outside the ranges above.

    Notes
    -----
    ``N_RE = min(156, n_re_prime - x_overhead) * n_prb`` and
    ``N_info = S * N_RE * R * Q_m * v``, in double precision as MATLAB does; code rates from the MCS
    tables (``x / 1024``) make this exact. For ``N_info > 3824`` the code-block count is
    ``C = ceil((N'_info + 24) / 3816)`` if ``R <= 1/4`` (base graph 2), else
    ``ceil((N'_info + 24) / 8424)`` if ``N'_info > 8424``, else 1.

    Examples
    --------
    >>> transport_block_size(2, 1, 1, 12 * 14 - 12, 120 / 1024)   # MCS 0, one PRB
    32
    >>> transport_block_size(8, 4, 273, 12 * 13 - 18, 948 / 1024)  # near the maximum
    1115048
    >>> transport_block_size(4, 4, 52, 120, 0.48, x_overhead=6, tb_scaling=0.25)
    11272
    """
    qm = _check_qm(modulation_order, "modulation_order")
    v = check_int(num_layers, "num_layers", low=1, high=8, clause=_CLAUSE)
    re_prime = _check_resources(n_prb, n_re_prime, x_overhead)
    rate = _check_rate(target_code_rate, "target_code_rate")
    s = _check_scaling(tb_scaling)
    n_re = min(156, re_prime) * int(n_prb)
    n_info = s * n_re * rate * qm * v
    return _tbs_from_n_info(n_info, rate)


def transport_block_sizes(
    modulation_orders: Sequence[int],
    num_layers: int,
    n_prb: int,
    n_re_prime: int,
    target_code_rates: float | Sequence[float],
    *,
    x_overhead: int = 0,
    tb_scaling: float = 1.0,
) -> tuple[int, ...]:
    """TS 38.214 §5.1.3.2 / §6.1.4.2: TBS of each of one or two codewords sharing the layers.

    With two codewords the ``v`` layers split as ``floor(v/2)`` for the first and ``ceil(v/2)``
    for the second (TS 38.211 Table 7.3.1.3-1; MATLAB ``nrTBS`` does the same).

    Parameters
    ----------
    modulation_orders : sequence of int, length 1 or 2
        ``Q_m`` of each codeword.
    num_layers : int
        Total number of layers ``v``: 1..8 for one codeword, 2..8 for two (NR uses two codewords
        only for 5..8 layers).
    n_prb, n_re_prime : int
        As in :func:`transport_block_size`.
    target_code_rates : float or sequence of float
        ``R`` of each codeword (a single value is used for all).
    x_overhead, tb_scaling
        As in :func:`transport_block_size`.

    Returns
    -------
    tuple of int
        One TBS per codeword.

    Examples
    --------
    >>> transport_block_sizes([2, 6], 8, 106, 100, [0.3701, 0.4277])
    (31240, 108552)
    """
    if isinstance(modulation_orders, np.ndarray):
        modulation_orders = tuple(modulation_orders.reshape(-1).tolist())
    elif isinstance(modulation_orders, str) or not isinstance(modulation_orders, Sequence):
        modulation_orders = (modulation_orders,)
    ncw = len(modulation_orders)
    if ncw not in (1, 2):
        raise ValueError(
            f"modulation_orders must give 1 or 2 codewords, got {ncw} "
            f"({_CLAUSE}; TS 38.211 §7.3.1.3)"
        )
    if isinstance(target_code_rates, Real) or np.ndim(target_code_rates) == 0:
        rates = (target_code_rates,) * ncw
    else:
        rates = tuple(np.asarray(target_code_rates).reshape(-1).tolist())
        if len(rates) != ncw:
            raise ValueError(
                f"target_code_rates must have one value per codeword ({ncw}), got {len(rates)}"
            )
    v = check_int(num_layers, "num_layers", low=ncw, high=8, clause="TS 38.211 §7.3.1.3")
    layers = (v,) if ncw == 1 else (v // 2, v - v // 2)
    return tuple(
        transport_block_size(
            qm, nl, n_prb, n_re_prime, r, x_overhead=x_overhead, tb_scaling=tb_scaling
        )
        for qm, nl, r in zip(modulation_orders, layers, rates, strict=True)
    )


def n_re_prime(n_symb: int, n_dmrs_per_prb: int, x_overhead: int = 0) -> int:
    """TS 38.214 §5.1.3.2 step 1: ``N'_RE = 12 N_symb^sh - N_DMRS^PRB - N_oh^PRB`` per PRB.

    Parameters
    ----------
    n_symb : int
        Allocated OFDM symbols ``N_symb^sh``, 1..14.
    n_dmrs_per_prb : int
        DM-RS REs per PRB over the allocation, including CDM groups without data, ``>= 0``.
    x_overhead : int, optional
        ``N_oh^PRB``. Default 0. (If you include it here, pass ``x_overhead=0`` to
        :func:`transport_block_size`.)

    Returns
    -------
    int
        ``N'_RE`` (at least 1).

    Examples
    --------
    >>> n_re_prime(14, 12), n_re_prime(14, 12, 6)
    (156, 150)
    """
    n_symb = check_int(n_symb, "n_symb", low=1, high=14, clause=_CLAUSE)
    n_dmrs = check_int(n_dmrs_per_prb, "n_dmrs_per_prb", low=0, clause=_CLAUSE)
    x_overhead = check_int(x_overhead, "x_overhead", low=0, clause=_CLAUSE)
    value = 12 * n_symb - n_dmrs - x_overhead
    if value < 1:
        raise ValueError(
            f"12 * n_symb - n_dmrs_per_prb - x_overhead must be >= 1, got {value} ({_CLAUSE})"
        )
    return value
