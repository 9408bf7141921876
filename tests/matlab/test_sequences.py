"""nrPRBS / nrLowPAPRS (TS 38.211 §5.2.1-§5.2.3): MathWorks documentation values and the native API."""

import numpy as np
import pytest

from opennr.matlab.sequences import nrLowPAPRS, nrPRBS
from opennr.sequences.gold import gold_sequence
from opennr.sequences.low_papr import low_papr_sequence, low_papr_sequence_type2

# --- nrPRBS ----------------------------------------------------------------------------------


def test_prbs_matlab_doc_pusch_pdsch_example():
    # MathWorks nrPUSCHPRBS(17,120,300) / nrPDSCHPRBS(17,120,0,300) documentation: first 15
    # elements; c_init = n_RNTI 2^15 + q 2^14 + n_ID (TS 38.211 §6.3.1.1, §7.3.1.1).
    seq, cinit = nrPRBS(120 * 2**15 + 17, 300)
    assert cinit == 120 * 2**15 + 17 and seq.shape == (300,) and seq.dtype == bool
    assert seq[:15].astype(int).tolist() == [0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1]


def test_prbs_matlab_doc_lte_example():
    # MathWorks ltePRBS(162,4) documentation (the same length-31 Gold sequence, Nc = 1600):
    # binary 1 0 1 1, signed -1 1 -1 -1.
    assert nrPRBS(162, 4)[0].astype(int).tolist() == [1, 0, 1, 1]
    assert nrPRBS(162, 4, MappingType="signed")[0].tolist() == [-1.0, 1.0, -1.0, -1.0]


@pytest.mark.parametrize("cinit", [0, 9, 2**31 - 1])
def test_prbs_scalar_and_window_match_native(cinit):
    np.testing.assert_array_equal(nrPRBS(cinit, 1000)[0], gold_sequence(cinit, 1000).astype(bool))
    win, _ = nrPRBS(float(cinit), [300.0, 50])  # MATLAB doubles
    np.testing.assert_array_equal(win, gold_sequence(cinit, 350)[300:].astype(bool))
    assert nrPRBS(cinit, 0)[0].shape == (0,)


def test_prbs_signed_types():
    d, _ = nrPRBS(9, 64, MappingType="signed")
    s, _ = nrPRBS(9, 64, MappingType="signed", OutputDataType="single")
    assert d.dtype == np.float64 and s.dtype == np.float32
    np.testing.assert_array_equal(d, 1 - 2 * gold_sequence(9, 64).astype(float))
    np.testing.assert_array_equal(s, d.astype(np.float32))
    assert nrPRBS(9, 8, MappingType="BINARY", OutputDataType="single")[0].dtype == bool


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [((2**31, 10), {}, ValueError, r"cinit"), ((-1, 10), {}, ValueError, r"cinit"),
     ((0, [1, 2, 3]), {}, ValueError, r"\[p m\]"), ((0, 2.5), {}, ValueError, r"integer"),
     ((0, 10), {"MappingType": "inverted"}, ValueError, r"MappingType"),
     ((0, 10), {"OutputDataType": "int8"}, ValueError, r"OutputDataType"),
     ((0, [-1, 3]), {}, ValueError, r"start position")],
)
def test_prbs_bad_inputs(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrPRBS(*args, **kwargs)


# --- nrLowPAPRS ------------------------------------------------------------------------------

# MathWorks nrLowPAPRS documentation: nrLowPAPRS(9,0,2*pi,36), first 10 elements (4 decimals).
DOC_U9_M36 = [1.0 + 0.0j, -0.4404 - 0.8978j, 0.9795 + 0.2013j, 0.9190 + 0.3944j,
              0.1514 - 0.9885j, 0.5290 + 0.8486j, 0.1514 + 0.9885j, 0.9795 - 0.2013j,
              -0.7588 + 0.6514j, -0.9949 + 0.1012j]
# nrLowPAPRS(9,0,[pi/2,pi],36,'OutputDataType','single'), first 4 rows.
DOC_U9_M36_SHIFTS = [[1.0 + 0.0j, 1.0 + 0.0j], [0.8978 - 0.4404j, 0.4404 + 0.8978j],
                     [-0.9795 - 0.2013j, 0.9795 + 0.2013j], [0.3944 - 0.9190j, -0.9190 - 0.3944j]]


def test_low_paprs_matlab_doc_examples():
    seq = nrLowPAPRS(9, 0, 2 * np.pi, 36)
    assert seq.shape == (36,) and seq.dtype == np.complex128
    np.testing.assert_allclose(seq[:10], DOC_U9_M36, atol=1e-4)
    two = nrLowPAPRS(9, 0, [np.pi / 2, np.pi], 36, OutputDataType="single")
    assert two.shape == (36, 2) and two.dtype == np.complex64
    np.testing.assert_allclose(two[:4], DOC_U9_M36_SHIFTS, atol=1e-4)


def test_low_paprs_vectors_match_native():
    u, v, a = [0, 7, 29], [0, 1, 1], [0.0, 1.5, 3.0]
    seq = nrLowPAPRS(u, v, a, 96)
    assert seq.shape == (96, 3)
    for k in range(3):
        np.testing.assert_allclose(seq[:, k], low_papr_sequence(u[k], v[k], 96, a[k]), atol=1e-6)
    # scalar expansion, and a one-element vector keeps the matrix form
    np.testing.assert_array_equal(nrLowPAPRS(5, 0, [0.0, 1.0], 12)[:, 1],
                                  nrLowPAPRS(5, 0, 1.0, 12))
    assert nrLowPAPRS([5], 0, 0.0, 12).shape == (12, 1)
    assert nrLowPAPRS(5, 0, 0.0, 0).shape == (0,)


def test_low_paprs_type2_matches_native():
    seq = nrLowPAPRS([0, 1], [100, 200], 60)
    assert seq.shape == (60, 2) and seq.dtype == np.complex128
    np.testing.assert_allclose(seq[:, 1], low_papr_sequence_type2(1, 200, 60), atol=1e-6)
    with pytest.raises(NotImplementedError, match=r"5\.2\.3\.2"):
        nrLowPAPRS(0, 0, 12)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [((30, 0, 0.0, 12), {}, ValueError, r"u must be in \[0, 29\]"),
     ((0, 1, 0.0, 36), {}, ValueError, r"v = 1 needs"),
     ((0, 0, -1.0, 12), {}, ValueError, r"alpha must be nonnegative"),
     ((0, 0, 0.0, 20), {}, ValueError, r"5\.2\.2"),
     (([0, 1], [0, 0, 0], 0.0, 12), {}, ValueError, r"common length"),
     ((0.5, 0, 0.0, 12), {}, ValueError, r"u must hold integers"),
     ((0, 0, 0.0, 12), {"OutputDataType": "half"}, ValueError, r"OutputDataType"),
     ((0, 0), {}, TypeError, r"positional")],
)
def test_low_paprs_bad_inputs(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nrLowPAPRS(*args, **kwargs)
