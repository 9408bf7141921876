"""TS 38.212 V17 §5.3.2: LDPC base graphs 1 and 2 and their lifting sizes.

The shift tables (Tables 5.3.2-2 and 5.3.2-3) and the lifting-size sets (Table 5.3.2-1) are package
data under ``opennr/coding/ldpc/data``; this module loads them once and derives, for a lifting size
``Z``, the circulant shifts ``P_ij = V_ij mod Z`` of the parity-check matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int

__all__ = [
    "BaseGraph",
    "LIFTING_SIZES",
    "base_graph",
    "lifting_set_index",
    "base_graph_dimensions",
]

_PKG = "opennr.coding.ldpc"
_CLAUSE = "TS 38.212 §5.3.2"


def _load_lifting_sizes() -> dict[int, int]:
    return {int(r["z"]): int(r["i_ls"]) for r in read_csv_rows(_PKG, "lifting_sizes.csv")}


_Z_TO_ILS = _load_lifting_sizes()
#: All 51 lifting sizes of TS 38.212 Table 5.3.2-1, ascending.
LIFTING_SIZES: tuple[int, ...] = tuple(sorted(_Z_TO_ILS))


def lifting_set_index(z: int) -> int:
    """TS 38.212 Table 5.3.2-1: the set index ``i_LS`` that contains lifting size ``z``.

    >>> lifting_set_index(384)  # 384 = 3 * 2**7
    1
    """
    z = check_int(z, "z", low=2, high=384, clause="TS 38.212 Table 5.3.2-1")
    if z not in _Z_TO_ILS:
        raise ValueError(
            f"z must be one of the 51 lifting sizes of TS 38.212 Table 5.3.2-1 "
            f"({', '.join(map(str, LIFTING_SIZES))}); got {z}"
        )
    return _Z_TO_ILS[z]


def base_graph_dimensions(bg: int) -> tuple[int, int, int]:
    """TS 38.212 §5.3.2: ``(rows, columns, systematic columns)`` of base graph ``bg``.

    BG1 is 46 x 68 with 22 systematic columns, BG2 is 42 x 52 with 10.

    >>> base_graph_dimensions(1)
    (46, 68, 22)
    """
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    return (46, 68, 22) if bg == 1 else (42, 52, 10)


@dataclass(frozen=True, eq=False)
class BaseGraph:
    """TS 38.212 §5.3.2: a base graph lifted by ``z`` (parity-check matrix ``H`` in circulant form).

    Attributes
    ----------
    bg : int
        Base graph number, 1 or 2.
    z : int
        Lifting size ``Z_c`` (Table 5.3.2-1).
    rows, cols : numpy.ndarray of int32
        Row ``i`` and column ``j`` of each non-zero entry of the base graph, ordered by row then
        column (Tables 5.3.2-2/3).
    shifts : numpy.ndarray of int32
        Circulant shift ``P_ij = V_ij mod Z_c`` of each entry: the ``Z x Z`` block of ``H`` at
        (i, j) is the identity cyclically shifted right by ``P_ij``, i.e. block row ``r`` has a 1
        in block column ``(r + P_ij) mod Z``.
    """

    bg: int
    z: int
    rows: np.ndarray
    cols: np.ndarray
    shifts: np.ndarray

    @property
    def num_rows(self) -> int:
        """Number of base-graph rows (46 or 42)."""
        return base_graph_dimensions(self.bg)[0]

    @property
    def num_cols(self) -> int:
        """Number of base-graph columns (68 or 52)."""
        return base_graph_dimensions(self.bg)[1]

    @property
    def k_b_max(self) -> int:
        """Systematic columns of the base graph (22 or 10); ``K = k_b_max * Z``."""
        return base_graph_dimensions(self.bg)[2]

    @property
    def k(self) -> int:
        """Code-block length ``K`` in bits (22 Z or 10 Z)."""
        return self.k_b_max * self.z

    @property
    def n(self) -> int:
        """Encoded length ``N`` after puncturing the first ``2 Z`` bits (66 Z or 50 Z)."""
        return (self.num_cols - 2) * self.z

    @property
    def row_starts(self) -> np.ndarray:
        """CSR-style offsets: the entries of row ``i`` are ``row_starts[i]:row_starts[i + 1]``."""
        return np.searchsorted(self.rows, np.arange(self.num_rows + 1)).astype(np.int32)

    def parity_check_matrix(self) -> np.ndarray:
        """The full binary parity-check matrix ``H`` (uint8, ``num_rows*Z x num_cols*Z``).

        Dense and slow; meant for tests and teaching, never for encoding or decoding.
        """
        z = self.z
        h = np.zeros((self.num_rows * z, self.num_cols * z), dtype=np.uint8)
        r = np.arange(z)
        for i, j, p in zip(self.rows, self.cols, self.shifts, strict=True):
            h[i * z + r, j * z + (r + p) % z] = 1
        return h


@cache
def _raw_table(bg: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = read_csv_rows(_PKG, f"base_graph_{bg}.csv")
    i = np.array([int(r["row"]) for r in rows], dtype=np.int32)
    j = np.array([int(r["col"]) for r in rows], dtype=np.int32)
    v = np.array([[int(r[f"ils{s}"]) for s in range(8)] for r in rows], dtype=np.int32)
    order = np.lexsort((j, i))
    return i[order], j[order], v[order]


def shift_table(bg: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TS 38.212 Tables 5.3.2-2/3 as arrays ``(rows, cols, V)`` with ``V`` of shape (entries, 8)."""
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    i, j, v = _raw_table(bg)
    return i.copy(), j.copy(), v.copy()


def base_graph(bg: int, z: int) -> BaseGraph:
    """TS 38.212 §5.3.2: base graph ``bg`` (1 or 2) lifted by ``z``, with ``P_ij = V_ij mod z``.

    The result is cached and its arrays are read-only.

    >>> g = base_graph(1, 384)
    >>> g.k, g.n, len(g.shifts)
    (8448, 25344, 316)
    """
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    return _lifted(bg, lifting_set_index(z), int(z))


@cache
def _lifted(bg: int, i_ls: int, z: int) -> BaseGraph:
    i, j, v = _raw_table(bg)
    shifts = (v[:, i_ls] % z).astype(np.int32)
    for a in (i, j, shifts):
        a.setflags(write=False)
    return BaseGraph(bg=bg, z=z, rows=i, cols=j, shifts=shifts)
