"""TS 38.211 §6.3.1.4 transform precoding: MATLAB vectors, DFT-sum twin, round trip."""

import numpy as np
import pytest

from opennr.modulation import modulate
from opennr.physical_channels import (
    is_valid_transform_precoding_mrb,
    transform_deprecode,
    transform_precode,
)


def dft_twin(x, m_rb):
    """y(l M_sc + k) = 1/sqrt(M_sc) sum_i x(l M_sc + i) exp(-j 2 pi i k / M_sc), in float64."""
    m_sc = 12 * m_rb
    x = np.asarray(x, dtype=complex).reshape(*np.shape(x)[:-1], -1, m_sc)
    k = np.arange(m_sc)
    w = np.exp(-2j * np.pi * np.outer(k, k) / m_sc) / np.sqrt(m_sc)
    return (x @ w.T).reshape(*x.shape[:-2], -1)


@pytest.mark.reference
@pytest.mark.parametrize("m_rb, key", [(2, "out_mrb2"), (40, "out_mrb40")])
def test_matlab_transform_precode(reference_dir, m_rb, key):
    # MATLAB nrTransformPrecode(nrSymbolModulate(cw, 'QPSK'), Mrb) (PROVENANCE §1.12), 15 digits.
    data = np.load(reference_dir / "py3gpp" / "transform_precoding.npz")
    x = modulate(data["cw_bits"], str(data["modulation"])).astype(np.complex128)
    np.testing.assert_allclose(transform_precode(x, m_rb), data[key], atol=1e-12)
    np.testing.assert_allclose(transform_deprecode(data[key], m_rb), x, atol=1e-12)


@pytest.mark.parametrize("m_rb", [1, 2, 3, 5, 6, 25, 27])
def test_against_dft_sum_and_round_trip(m_rb, rng):
    x = (rng.normal(size=(2, 3 * 12 * m_rb)) + 1j * rng.normal(size=(2, 3 * 12 * m_rb)))
    x = x.astype(np.complex64)
    y = transform_precode(x, m_rb)
    assert y.shape == x.shape and y.dtype == np.complex64
    np.testing.assert_allclose(y, dft_twin(x, m_rb), atol=2e-5)
    np.testing.assert_allclose(transform_deprecode(y, m_rb), x, atol=2e-5)
    np.testing.assert_allclose(np.sum(np.abs(y) ** 2), np.sum(np.abs(x) ** 2), rtol=1e-5)


def test_valid_mrb():
    smooth = {m for m in range(1, 300) if all(p in (2, 3, 5) for p in _factors(m))}
    assert {m for m in range(1, 300) if is_valid_transform_precoding_mrb(m)} == smooth
    assert not is_valid_transform_precoding_mrb(7) and is_valid_transform_precoding_mrb(270)


def _factors(m):
    out, p = [], 2
    while m > 1:
        while m % p == 0:
            out.append(p)
            m //= p
        p += 1
    return out


def test_bad_inputs():
    with pytest.raises(ValueError, match="2\\^a2"):
        transform_precode(np.zeros(84, complex), 7)
    with pytest.raises(ValueError, match="m_rb"):
        transform_precode(np.zeros(12, complex), 0)
    with pytest.raises(ValueError, match="multiple of M_sc = 12 M_RB = 24"):
        transform_precode(np.zeros(36, complex), 2)
    with pytest.raises(ValueError, match="NaN"):
        transform_deprecode(np.full(12, np.nan, complex), 1)
    with pytest.raises(TypeError, match="m_rb"):
        transform_precode(np.zeros(12, complex), 1.0)
