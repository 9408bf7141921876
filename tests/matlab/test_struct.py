"""MatlabStruct: the MATLAB struct look-alike returned by opennr.matlab (e.g. nrDLSCHInfo)."""

import numpy as np
import pytest

from opennr.matlab import MatlabStruct


def test_attribute_and_item_access_in_order():
    s = MatlabStruct(CRC="24A", L=24, BGN=1)
    assert s.CRC == "24A" and s["L"] == 24 and s.BGN == 1
    assert list(s) == ["CRC", "L", "BGN"] == s.fieldnames()
    assert len(s) == 3 and "L" in s and "K" not in s
    assert s.to_dict() == {"CRC": "24A", "L": 24, "BGN": 1}


def test_fields_can_be_set_like_matlab():
    s = MatlabStruct(A=1)
    s.A = 2
    s["B"] = np.arange(3)
    assert s.A == 2 and s.B.tolist() == [0, 1, 2]


def test_missing_field_errors_name_the_fields():
    s = MatlabStruct(C=2, Zc=384)
    with pytest.raises(AttributeError, match="C, Zc"):
        _ = s.K
    with pytest.raises(KeyError, match="no field 'K'"):
        _ = s["K"]


def test_equality_compares_names_order_and_values():
    assert MatlabStruct(A=1, B=np.array([1, 2])) == MatlabStruct(A=1, B=np.array([1, 2]))
    assert MatlabStruct(A=1, B=2) != MatlabStruct(B=2, A=1)
    assert MatlabStruct(A=1) != MatlabStruct(A=2)


def test_repr_looks_like_matlab_display():
    text = repr(MatlabStruct(CRC="16", Zc=72, v=np.array([1, 2])))
    assert text.splitlines() == [
        "  struct with fields:",
        "",
        "    CRC: '16'",
        "     Zc: 72",
        "      v: [1 2]",
    ]
    assert repr(MatlabStruct()) == "  struct with no fields."
