"""TS 38.211 V17 §6.3.1.5 (PUSCH) and §7.3.1.5 (PDSCH): precoding of layers onto antenna ports.

PUSCH codebook-based transmission multiplies the layers ``y^(0..v-1)(i)`` by the precoding matrix
``W`` of Tables 6.3.1.5-1 to 6.3.1.5-7 (1, 2 or 4 antenna ports; the table is chosen by the number
of layers, the number of ports and, for one layer on four ports, transform precoding), selected by
the TPMI; non-codebook transmission uses ``W = I``. The tables are package data
(``data/pusch_codebook.csv``). PDSCH precoding (§7.3.1.5) is implementation-specific: any
``[P, v]`` matrix can be applied with :func:`precode`.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int

__all__ = ["num_tpmi", "precode", "pusch_codebook", "pusch_precoding_matrix"]

_PKG = "opennr.physical_channels"
_CLAUSE = "TS 38.211 §6.3.1.5"
_SCALES = {
    "1/sqrt(2)": 1 / np.sqrt(2),
    "1/2": 0.5,
    "1/(2*sqrt(2))": 1 / (2 * np.sqrt(2)),
    "1/(2*sqrt(3))": 1 / (2 * np.sqrt(3)),
    "1/4": 0.25,
}
_ENTRIES = {"0": 0, "1": 1, "-1": -1, "j": 1j, "-j": -1j}


@cache
def _codebooks() -> dict[tuple[int, int, str], tuple[str, np.ndarray]]:
    """(layers, ports, "any"|"enabled"|"disabled") -> (table number, complex128 [n_tpmi, P, v])."""
    groups: dict[tuple[int, int, str], list[tuple[int, np.ndarray]]] = {}
    tables: dict[tuple[int, int, str], str] = {}
    for row in read_csv_rows(_PKG, "pusch_codebook.csv"):
        key = (int(row["num_layers"]), int(row["num_ports"]), row["transform_precoding"])
        mat = np.array(
            [[_ENTRIES[e] for e in line.split()] for line in row["matrix"].split(";")],
            dtype=np.complex128,
        )
        groups.setdefault(key, []).append((int(row["tpmi"]), _SCALES[row["scale"]] * mat))
        tables[key] = row["table"]
    out = {}
    for key, items in groups.items():
        items.sort(key=lambda t: t[0])
        assert [t for t, _ in items] == list(range(len(items)))
        w = np.stack([m for _, m in items])
        w.setflags(write=False)
        out[key] = (tables[key], w)
    return out


def _key(num_layers: int, num_ports: int, transform_precoding: bool) -> tuple[int, int, str]:
    num_ports = check_choice(num_ports, "num_ports", (1, 2, 4), clause=_CLAUSE)
    num_layers = check_int(num_layers, "num_layers", low=1, high=4, clause=_CLAUSE)
    if not isinstance(transform_precoding, bool | np.bool_):
        raise TypeError(
            f"transform_precoding must be a bool, got {type(transform_precoding).__name__}"
        )
    if num_layers > num_ports:
        raise ValueError(
            f"num_layers (= {num_layers}) must not exceed num_ports (= {num_ports}) ({_CLAUSE})"
        )
    if transform_precoding and num_layers > 1:
        raise ValueError(
            f"transform precoding allows one layer only, got num_layers = {num_layers} "
            "(TS 38.211 §6.3.1.4)"
        )
    if num_layers == 1 and num_ports == 4:
        return (1, 4, "enabled" if transform_precoding else "disabled")
    return (num_layers, num_ports, "any" if num_layers == 1 else "disabled")


def num_tpmi(num_layers: int, num_ports: int, *, transform_precoding: bool = False) -> int:
    """TS 38.211 §6.3.1.5: number of TPMI values of the PUSCH codebook for ``v`` layers on ``P`` ports.

    One port has the single matrix ``W = 1`` (TPMI 0).

    Parameters
    ----------
    num_layers : int
        Number of layers ``v``, 1..4, at most ``num_ports``.
    num_ports : {1, 2, 4}
        Number of antenna ports ``rho``.
    transform_precoding : bool, default False
        Transform precoding enabled (one layer only).

    Returns
    -------
    int

    Examples
    --------
    >>> num_tpmi(1, 4), num_tpmi(2, 4), num_tpmi(3, 4), num_tpmi(4, 4), num_tpmi(2, 2)
    (28, 22, 7, 5, 3)
    """
    key = _key(num_layers, num_ports, transform_precoding)
    if key[1] == 1:
        return 1
    return _codebooks()[key][1].shape[0]


def pusch_codebook(num_layers: int, num_ports: int, *, transform_precoding: bool = False):
    """TS 38.211 Tables 6.3.1.5-1 to 6.3.1.5-7: all PUSCH precoding matrices for ``v`` layers on ``P`` ports.

    ``-> [n_TPMI, P, v]``.

    Parameters
    ----------
    num_layers : int
        Number of layers ``v``, 1..4, at most ``num_ports``.
    num_ports : {1, 2, 4}
        Number of antenna ports.
    transform_precoding : bool, default False
        Selects Table 6.3.1.5-2 (enabled) instead of 6.3.1.5-3 for one layer on four ports.

    Returns
    -------
    numpy.ndarray of complex128, shape [n_TPMI, P, v]
        Read-only; ``W[tpmi]`` is the matrix of that TPMI (``[[[1]]]`` for one port).

    Examples
    --------
    >>> w = pusch_codebook(2, 2)
    >>> w.shape
    (3, 2, 2)
    >>> np.round(w[1] * 2).real.astype(int).tolist()   # Table 6.3.1.5-4, TPMI 1
    [[1, 1], [1, -1]]
    """
    key = _key(num_layers, num_ports, transform_precoding)
    if key[1] == 1:
        w = np.ones((1, 1, 1), dtype=np.complex128)
        w.setflags(write=False)
        return w
    return _codebooks()[key][1]


def pusch_precoding_matrix(
    num_layers: int, num_ports: int, tpmi: int = 0, *, transform_precoding: bool = False
) -> np.ndarray:
    """TS 38.211 §6.3.1.5: the PUSCH codebook precoding matrix ``W`` of one TPMI.

    ``-> [P, v]``.

    Parameters
    ----------
    num_layers : int
        Number of layers ``v``, 1..4, at most ``num_ports``.
    num_ports : {1, 2, 4}
        Number of antenna ports.
    tpmi : int, default 0
        Transmitted precoding matrix indicator, ``0 <= tpmi < num_tpmi(...)``.
    transform_precoding : bool, default False
        Transform precoding enabled (one layer; selects Table 6.3.1.5-2 for four ports).

    Returns
    -------
    numpy.ndarray of complex64, shape [P, v]

    Examples
    --------
    >>> w = pusch_precoding_matrix(1, 2, 4)     # Table 6.3.1.5-1, TPMI 4: [1, j] / sqrt(2)
    >>> np.round(w[:, 0] * np.sqrt(2), 6).tolist()
    [(1+0j), 1j]
    """
    book = pusch_codebook(num_layers, num_ports, transform_precoding=transform_precoding)
    key = _key(num_layers, num_ports, transform_precoding)
    table = "W = 1" if key[1] == 1 else f"TS 38.211 Table {_codebooks()[key][0]}"
    tpmi = check_int(tpmi, "tpmi", low=0, high=book.shape[0] - 1, clause=table)
    return book[tpmi].astype(np.complex64)


def precode(layers, w, *, axis: int = -2) -> np.ndarray:
    """TS 38.211 §6.3.1.5 / §7.3.1.5: ``z(i) = W y(i)``, map ``v`` layers onto ``P`` antenna ports.

    ``[..., v, M] -> [..., P, M]`` (``axis=-2``), or for resource grids
    ``[..., v, K, L] -> [..., P, K, L]`` (``axis=-3``).

    Parameters
    ----------
    layers : array_like of complex, shape [..., v, M] or [..., v, K, L]
        Layer symbols ``y^(0..v-1)``.
    w : array_like of complex, shape [P, v]
        Precoding matrix (e.g. :func:`pusch_precoding_matrix`).
    axis : int, default -2
        The layer axis of ``layers`` (negative, counted from the end): -2 for symbol vectors,
        -3 for grids.

    Returns
    -------
    numpy.ndarray of complex64 (complex128 if either input is complex128)
        The layer axis replaced by ``P`` antenna ports.

    Examples
    --------
    >>> y = np.array([[1, 2], [3, 4]], dtype=np.complex64)      # v = 2 layers, M = 2
    >>> precode(y, [[1, 1], [1, -1]]).real.tolist()
    [[4.0, 6.0], [-2.0, -2.0]]
    >>> precode(np.ones((1, 12, 14), np.complex64), pusch_precoding_matrix(1, 2, 2), axis=-3).shape
    (2, 12, 14)
    """
    w_arr = np.asarray(w)
    if not (np.issubdtype(w_arr.dtype, np.number) and w_arr.dtype != np.bool_):
        raise TypeError(f"w must be a numeric (complex) matrix, got dtype {w_arr.dtype}")
    if w_arr.ndim != 2:
        raise ValueError(f"w must be a [P, v] matrix, got shape {w_arr.shape} ({_CLAUSE})")
    y = np.asarray(layers)
    if not (np.issubdtype(y.dtype, np.number) and y.dtype != np.bool_):
        raise TypeError(f"layers must be a numeric (complex) array, got dtype {y.dtype}")
    axis = check_int(axis, "axis", low=-y.ndim if y.ndim else -1, high=-1)
    v = w_arr.shape[1]
    if y.shape[axis] != v:
        raise ValueError(
            f"layers must have v = {v} layers on axis {axis} (w is {w_arr.shape[0]} x {v}), got "
            f"shape {y.shape} ({_CLAUSE})"
        )
    dtype = np.complex128 if np.complex128 in (y.dtype, w_arr.dtype) else np.complex64
    y_m = np.moveaxis(y.astype(dtype, copy=False), axis, -1)
    out = y_m @ w_arr.astype(dtype).T
    return np.moveaxis(out, -1, axis)
