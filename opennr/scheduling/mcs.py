"""TS 38.214 V17 §5.1.3.1 and §6.1.4.1: modulation order and target code rate (MCS tables).

Six tables, named as MATLAB's ``nrPDSCHConfig.MCSTable`` / the RRC ``mcs-Table`` values:

================= ================= ==============================================
name              TS 38.214 table   used for
================= ================= ==============================================
'qam64'           Table 5.1.3.1-1   PDSCH, and PUSCH without transform precoding
'qam256'          Table 5.1.3.1-2   PDSCH / PUSCH with ``mcs-Table = qam256``
'qam64LowSE'      Table 5.1.3.1-3   PDSCH / PUSCH with ``mcs-Table = qam64LowSE``
'qam1024'         Table 5.1.3.1-4   PDSCH with ``mcs-Table = qam1024``
'tp-qam64'        Table 6.1.4.1-1   PUSCH with transform precoding
'tp-qam64LowSE'   Table 6.1.4.1-2   PUSCH with transform precoding, ``qam64LowSE``
================= ================= ==============================================

PUSCH without transform precoding
'qam256'       Table 5.1.3.1-2            PDSCH / PUSCH with ``mcs-Table = qam256``
'qam64LowSE'   Table 5.1.3.1-3            PDSCH / PUSCH with ``mcs-Table = qam64LowSE``
'qam1024'      Table 5.1.3.1-4            PDSCH with ``mcs-Table = qam1024``
'tp-qam64'     Table 6.1.4.1-1            PUSCH with transform precoding
'tp-qam64LowSE' Table 6.1.4.1-2           PUSCH with transform precoding, ``qam64LowSE``
============== ========================= ==================================================

PUSCH without transform precoding uses the PDSCH tables (§6.1.4.1). The two transform-precoding
tables depend on ``q``: ``q = 1`` when ``tp-pi2BPSK`` is configured (pi/2-BPSK, ``Q_m = 1``), else
``q = 2`` (QPSK); their first rows are ``Q_m = q``, ``R = 240/q / 1024`` etc.

The tables are package data (``opennr/scheduling/data/mcs_*.csv``). Reserved indices (29-31, or
28-31, or 27-31) carry only a modulation order, used for retransmissions (§5.1.3.1):
:func:`mcs_modulation_order` returns it, :func:`mcs_entry` refuses them.

Examples
--------
>>> e = mcs_entry(27, "qam256")
>>> e.modulation_order, e.code_rate_x1024, e.target_code_rate
(8, 948.0, 0.92578125)
>>> mcs_entry(0, "tp-qam64", q=1).modulation_order
1
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int

__all__ = [
    "MCS_TABLES",
    "McsEntry",
    "mcs_table",
    "mcs_entry",
    "mcs_modulation_order",
]

_PKG = "opennr.scheduling"

#: Table name -> TS 38.214 table number.
MCS_TABLES: MappingProxyType[str, str] = MappingProxyType(
    {
        "qam64": "TS 38.214 Table 5.1.3.1-1",
        "qam256": "TS 38.214 Table 5.1.3.1-2",
        "qam64LowSE": "TS 38.214 Table 5.1.3.1-3",
        "qam1024": "TS 38.214 Table 5.1.3.1-4",
        "tp-qam64": "TS 38.214 Table 6.1.4.1-1",
        "tp-qam64LowSE": "TS 38.214 Table 6.1.4.1-2",
    }
)


@dataclass(frozen=True)
class McsEntry:
    """TS 38.214 §5.1.3.1 / §6.1.4.1: one row of an MCS index table.

    Attributes
    ----------
    index : int
        MCS index ``I_MCS``, 0..31.
    modulation_order : int
        Modulation order ``Q_m`` (bits per symbol: 1, 2, 4, 6, 8 or 10).
    code_rate_x1024 : float or None
        Target code rate ``R x 1024`` as printed in the table (682.5, 916.5, 805.5 and 900.5 are
        not integers); None for a reserved row.
    spectral_efficiency : float or None
        Spectral efficiency as printed (4 decimals); None for a reserved row.
    reserved : bool
        True for the reserved indices, which carry only ``Q_m``.
    table : str
        Name of the table (a key of :data:`MCS_TABLES`).

    Examples
    --------
    >>> mcs_entry(17).target_code_rate == 438 / 1024
    True
    """

    index: int
    modulation_order: int
    code_rate_x1024: float | None
    spectral_efficiency: float | None
    reserved: bool
    table: str

    @property
    def target_code_rate(self) -> float | None:
        """Target code rate ``R = code_rate_x1024 / 1024`` (exact in binary); None if reserved."""
        return None if self.code_rate_x1024 is None else self.code_rate_x1024 / 1024


def _check_table(table) -> str:
    return check_choice(table, "table", tuple(MCS_TABLES), clause="TS 38.214 §5.1.3.1, §6.1.4.1")


def _check_q(q) -> int:
    return check_choice(
        check_int(q, "q", clause="TS 38.214 §6.1.4.1"), "q", (1, 2), clause="TS 38.214 §6.1.4.1"
    )


def _qm(text: str, q: int) -> int:
    return q if text == "q" else int(text)


@cache
def _load(table: str, q: int) -> tuple[McsEntry, ...]:
    rows = read_csv_rows(_PKG, f"mcs_{table}.csv")
    entries = []
    for i, row in enumerate(rows):
        assert int(row["mcs_index"]) == i, f"mcs_{table}.csv out of order at row {i}"
        qm = _qm(row["modulation_order"], q)
        rate = row["code_rate_x1024"]
        if rate == "reserved":
            entries.append(McsEntry(i, qm, None, None, True, table))
            continue
        if rate.endswith("/q"):
            r1024 = float(rate[:-2]) / q
        else:
            r1024 = float(rate)
        se = float(row["spectral_efficiency"])
        entries.append(McsEntry(i, qm, r1024, se, False, table))
    return tuple(entries)


def mcs_table(name: str = "qam64", *, q: int = 2) -> tuple[McsEntry, ...]:
    """TS 38.214 Tables 5.1.3.1-1..4 and 6.1.4.1-1..2: all 32 rows of an MCS index table.

    Parameters
    ----------
    name : {'qam64', 'qam256', 'qam64LowSE', 'qam1024', 'tp-qam64', 'tp-qam64LowSE'}
        Table name (see :data:`MCS_TABLES`).
    q : {1, 2}, optional
        For the transform-precoding tables only: 1 if ``tp-pi2BPSK`` is configured (pi/2-BPSK),
        2 otherwise (default). Ignored by the other tables.

    Returns
    -------
    tuple of McsEntry
        Rows for ``I_MCS = 0..31``, reserved rows included (``entry.reserved``).

    Examples
    --------
    >>> t = mcs_table("qam1024")
    >>> len(t), sum(e.reserved for e in t), t[26].code_rate_x1024
    (32, 5, 948.0)
    """
    return _load(_check_table(name), _check_q(q))


def _check_index(index, table: str) -> int:
    return check_int(index, "index", low=0, high=31, clause=MCS_TABLES[table])


def mcs_modulation_order(index: int, table: str = "qam64", *, q: int = 2) -> int:
    """TS 38.214 §5.1.3.1 / §6.1.4.1: modulation order ``Q_m`` of any ``I_MCS``, reserved too.

    For a reserved index (a retransmission), the table gives only ``Q_m``; the code rate is that of
    the initial transmission.

    Parameters
    ----------
    index : int
        MCS index ``I_MCS``, 0..31.
    table : str, optional
        Table name (:data:`MCS_TABLES`), default ``'qam64'``.
    q : {1, 2}, optional
        pi/2-BPSK switch of the transform-precoding tables (see :func:`mcs_table`).

    Returns
    -------
    int
        ``Q_m``.

    Examples
    --------
    >>> mcs_modulation_order(31, "qam256"), mcs_modulation_order(28, "tp-qam64", q=1)
    (8, 1)
    """
    table = _check_table(table)
    return mcs_table(table, q=q)[_check_index(index, table)].modulation_order


def mcs_entry(index: int, table: str = "qam64", *, q: int = 2) -> McsEntry:
    """TS 38.214 §5.1.3.1 / §6.1.4.1: ``Q_m``, target code rate ``R`` and efficiency of ``I_MCS``.

    Parameters
    ----------
    index : int
        MCS index ``I_MCS`` (0..28 for 'qam64', 'qam64LowSE'; 0..27 for 'qam256', 'tp-qam64',
        'tp-qam64LowSE'; 0..26 for 'qam1024').
    table : str, optional
        Table name (:data:`MCS_TABLES`), default ``'qam64'``.
    q : {1, 2}, optional
        pi/2-BPSK switch of the transform-precoding tables (see :func:`mcs_table`).

    Returns
    -------
    McsEntry

    Raises
    ------
    ValueError
        If ``index`` is outside 0..31 or reserved in ``table`` (reserved rows only give ``Q_m``
        for a retransmission: use :func:`mcs_modulation_order`).

    Examples
    --------
    >>> mcs_entry(0, "tp-qam64LowSE")
    McsEntry(index=0, modulation_order=2, code_rate_x1024=30.0, spectral_efficiency=0.0586, \
reserved=False, table='tp-qam64LowSE')
    """
    table = _check_table(table)
    entry = mcs_table(table, q=q)[_check_index(index, table)]
    if entry.reserved:
        last = max(e.index for e in mcs_table(table, q=q) if not e.reserved)
        raise ValueError(
            f"index {index} is reserved in MCS table {table!r} ({MCS_TABLES[table]}): allowed "
            f"indices are 0..{last}; a reserved index only gives Q_m = {entry.modulation_order} "
            f"for a retransmission (see mcs_modulation_order)"
        )
    return entry
