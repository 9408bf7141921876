"""TS 38.212 §5.3.2 tables: base graphs and lifting sizes against second sources."""

import numpy as np
import pytest

from opennr.coding.ldpc.base_graph import (
    LIFTING_SIZES,
    base_graph,
    base_graph_dimensions,
    lifting_set_index,
    shift_table,
)


def _read_py3gpp_csv(path):
    """The py3gpp transcription: ';'-separated, row index only on a row's first entry."""
    entries, row = [], None
    for n, line in enumerate(path.read_text().splitlines()):
        if n < 2 or not line.strip():
            continue
        f = line.split(";")
        if f[0].strip():
            row = int(f[0])
        entries.append([row, int(f[1])] + [int(v) for v in f[2:10]])
    return np.array(entries)


@pytest.mark.reference
@pytest.mark.parametrize("bg", [1, 2])
def test_shift_tables_match_py3gpp_transcription(reference_dir, bg):
    other = _read_py3gpp_csv(reference_dir / "py3gpp" / "ldpc_base_graphs" / f"bg{bg}.csv")
    other = other[np.lexsort((other[:, 1], other[:, 0]))]
    i, j, v = shift_table(bg)
    np.testing.assert_array_equal(np.column_stack([i, j, v]), other)


def test_lifting_sizes_closed_form():
    expected = {a * 2**j: i for i, a in enumerate([2, 3, 5, 7, 9, 11, 13, 15]) for j in range(9)}
    expected = {z: i for z, i in expected.items() if z <= 384}
    assert len(LIFTING_SIZES) == 51
    assert {z: lifting_set_index(z) for z in LIFTING_SIZES} == expected


@pytest.mark.parametrize("bg, entries, deg_first", [(1, 316, 19), (2, 197, 8)])
def test_base_graph_structure(bg, entries, deg_first):
    rows, cols, kb = base_graph_dimensions(bg)
    g = base_graph(bg, 2)
    assert len(g.rows) == entries
    assert g.rows.max() == rows - 1 and g.cols.max() == cols - 1
    assert np.diff(g.row_starts)[0] == deg_first
    # Extension part (§5.3.2): row i >= 4 has the identity at column kb + 4 + (i - 4) only.
    for i in range(4, rows):
        ext = g.cols[(g.rows == i) & (g.cols >= kb + 4)]
        assert list(ext) == [kb + i]


def test_shift_is_v_mod_z():
    i, j, v = shift_table(1)
    g = base_graph(1, 208)  # i_LS = 6 (208 = 13 * 16)
    np.testing.assert_array_equal(g.shifts, v[:, 6] % 208)


@pytest.mark.parametrize("z", [0, 1, 17, 385, 400])
def test_bad_lifting_size(z):
    with pytest.raises(ValueError, match="Table 5.3.2-1"):
        base_graph(1, z)


def test_bad_base_graph():
    with pytest.raises(ValueError, match="bg must be one of"):
        base_graph(3, 2)
    with pytest.raises(TypeError):
        base_graph(1, 2.0)
