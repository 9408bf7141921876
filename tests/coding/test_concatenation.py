"""TS 38.212 §5.5 code-block concatenation, and the whole UL-SCH transmit chain against MATLAB."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.coding.concatenation import concatenate_code_blocks, split_code_blocks
from opennr.coding.ldpc.encoder import ldpc_encode
from opennr.coding.ldpc.rate_matching import ldpc_rate_match, rate_match_lengths
from opennr.coding.segmentation import segment, segmentation_info, select_base_graph


def test_round_trip(rng):
    lengths = [12, 0, 20, 8]
    blocks = [rng.integers(0, 2, (2, 3, n), dtype=np.uint8) for n in lengths]
    g = concatenate_code_blocks(blocks)
    assert g.shape == (2, 3, 40) and g.dtype == np.uint8
    np.testing.assert_array_equal(g[..., 12:32], blocks[2])
    for a, b in zip(split_code_blocks(g, lengths), blocks, strict=True):
        np.testing.assert_array_equal(a, b)
    llrs = [rng.normal(size=(4, n)).astype(np.float32) for n in (3, 5)]
    assert concatenate_code_blocks(tuple(llrs)).dtype == np.float32


def test_bad_inputs():
    with pytest.raises(TypeError, match="non-empty sequence"):
        concatenate_code_blocks([])
    with pytest.raises(TypeError, match="non-empty sequence"):
        concatenate_code_blocks(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"blocks\[1\].*5\.5"):
        concatenate_code_blocks([np.zeros((2, 3)), np.zeros((3, 3))])
    with pytest.raises(ValueError, match="sum to G = 5"):
        split_code_blocks(np.zeros(5), [2, 2])
    with pytest.raises(ValueError, match=r"lengths\[1\] must be in"):
        split_code_blocks(np.zeros(5), [6, -1])
    with pytest.raises(ValueError, match="scalar"):
        split_code_blocks(np.float32(1.0), [1])


@pytest.mark.reference
@pytest.mark.parametrize("case", range(8))
def test_matlab_ulsch_chain(reference_dir, case):
    """TB CRC + segmentation + LDPC + rate matching (rv 0, no LBRM) + concatenation (§6.2)."""
    crc = pytest.importorskip("opennr.coding.crc")
    ref = np.load(reference_dir / "sionna" / "tb_encoder" / f"tb_testcase_{case}.npz")
    u = ref["u_ref"].ravel().astype(np.uint8)
    expected = ref["c_ref_no_scr"].ravel()
    qm, nl = int(ref["num_bits_per_symbol"]), int(ref["num_layers"])
    a = u.size
    bg = select_base_graph(a, float(ref["coderate"]))
    b = crc.crc_attach(u, "24A" if a > 3824 else "16")
    info = segmentation_info(b.size, bg)
    d = ldpc_encode(segment(b, bg), bg, info.z_c)
    lengths = rate_match_lengths(expected.size, info.c, qm, nl)
    f = [
        ldpc_rate_match(d[r], e, 0, qm, bg=bg, z=info.z_c, n_filler=info.n_filler)
        for r, e in enumerate(lengths)
    ]
    np.testing.assert_array_equal(concatenate_code_blocks(f), expected)
    for a_, b_ in zip(split_code_blocks(expected, lengths), f, strict=True):
        np.testing.assert_array_equal(a_, b_)
