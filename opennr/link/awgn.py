"""Link model (no 3GPP clause): BPSK over real AWGN (Eb/N0) and complex AWGN (Es/N0 per RE).

Energy convention (the one of Sionna's ``sionna.phy.utils.ebnodb2no``): unit-energy symbols,
``E_s = 1``; a symbol carries ``Q_m`` coded bits, ``R Q_m`` information bits, so
``E_b = 1 / (R Q_m)`` and

    N0 = 1 / (R * Q_m * 10^(EbN0_dB / 10)).

BPSK symbols are real, ``x = 1 - 2 b`` (bit 0 -> +1, bit 1 -> -1), and only the in-phase noise
component matters: the real noise has variance ``sigma^2 = N0 / 2``. The uncoded bit error rate is
then ``Q(sqrt(2 E_b/N0))`` for ``R = Q_m = 1``. The exact LLR in OpenNR's sign convention
(``ln P(b=0)/P(b=1)``, positive means 0) is ``2 y / sigma^2 = 4 y / N0``.

Complex AWGN (:func:`awgn_complex`) carries the unit-energy symbols of TS 38.211 §5.1 (``E_s = 1``,
one symbol per resource element); the SNR is ``E_s/N0`` per RE, so ``N0 = 10^(-SNR_dB/10)``
(:func:`snr_db_to_no`) is the variance of the complex noise sample, ``N0 / 2`` per real dimension,
the ``noise_var`` that :func:`opennr.modulation.demodulate_soft` expects.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> no = ebno_db_to_no(10.0, code_rate=1.0, modulation_order=1)
>>> llr = bpsk_awgn_llr(np.array([0, 1, 0, 1], dtype=np.uint8), no, rng=rng)
>>> (llr < 0).astype(np.uint8)
array([0, 1, 0, 1], dtype=uint8)
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from opennr._validation import as_bits

__all__ = [
    "ebno_db_to_no",
    "snr_db_to_no",
    "bpsk_modulate",
    "awgn_real",
    "awgn_complex",
    "bpsk_awgn_llr",
]

_CLAUSE = "OpenNR link model, BPSK over real AWGN"
_CLAUSE_COMPLEX = "OpenNR link model, complex AWGN, SNR = Es/N0 per RE"


def _check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r} ({_CLAUSE})")
    return value


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng


def ebno_db_to_no(ebno_db, *, code_rate: float, modulation_order: int = 1):
    """Link model (Sionna ``ebnodb2no`` convention): noise spectral density N0 for a given Eb/N0.

    ``N0 = 1 / (R * Q_m * 10^(EbN0_dB/10))`` for unit-energy symbols.

    Parameters
    ----------
    ebno_db : float or array_like of float
        Eb/N0 in dB (finite).
    code_rate : float
        R in (0, 1]: information bits per coded bit.
    modulation_order : int, default 1
        Q_m, coded bits per symbol (1 for BPSK).

    Returns
    -------
    float or numpy.ndarray of float64
        N0, the same shape as ``ebno_db``.

    Examples
    --------
    >>> ebno_db_to_no(0.0, code_rate=0.5)
    2.0
    >>> round(ebno_db_to_no(3.0, code_rate=1.0, modulation_order=2), 4)
    0.2506
    """
    rate = _check_positive(code_rate, "code_rate")
    if rate > 1.0:
        raise ValueError(f"code_rate must be in (0, 1], got {rate} ({_CLAUSE})")
    if isinstance(modulation_order, bool) or not isinstance(modulation_order, int | np.integer):
        raise TypeError(f"modulation_order must be an integer, got {modulation_order!r}")
    if modulation_order < 1:
        raise ValueError(f"modulation_order must be >= 1, got {modulation_order} ({_CLAUSE})")
    ebno = np.asarray(ebno_db, dtype=np.float64)
    if not np.isfinite(ebno).all():
        raise ValueError(f"ebno_db must be finite, got {ebno_db!r} ({_CLAUSE})")
    no = 1.0 / (rate * int(modulation_order) * 10.0 ** (ebno / 10.0))
    return float(no) if no.ndim == 0 else no


def snr_db_to_no(snr_db):
    """Link model: noise variance ``N0 = 10^(-SNR_dB/10)`` per complex symbol for ``E_s/N0`` per RE.

    With unit-energy symbols (``E_s = 1``, TS 38.211 §5.1) an SNR of ``E_s/N0`` per resource
    element means complex noise of variance ``N0``. For a code of rate ``R`` and ``Q_m`` bits per
    symbol this is ``E_b/N0 + 10 log10(R Q_m)`` (compare :func:`ebno_db_to_no`).

    Parameters
    ----------
    snr_db : float or array_like of float
        ``E_s/N0`` per RE in dB (finite).

    Returns
    -------
    float or numpy.ndarray of float64
        ``N0``, the same shape as ``snr_db``.

    Examples
    --------
    >>> snr_db_to_no(0.0), snr_db_to_no(10.0), snr_db_to_no([-10.0, 20.0]).tolist()
    (1.0, 0.1, [10.0, 0.01])
    """
    snr = np.asarray(snr_db)
    if not (np.issubdtype(snr.dtype, np.floating) or np.issubdtype(snr.dtype, np.integer)):
        raise TypeError(f"snr_db must be a real number (dB), got {snr_db!r}")
    snr = snr.astype(np.float64)
    if not np.isfinite(snr).all():
        raise ValueError(f"snr_db must be finite, got {snr_db!r} ({_CLAUSE_COMPLEX})")
    no = 10.0 ** (-snr / 10.0)
    return float(no) if no.ndim == 0 else no


def bpsk_modulate(bits) -> np.ndarray:
    """Link model: real antipodal BPSK, ``x = 1 - 2 b`` (the sign rule of TS 38.211 §5.1.2).

    ``[..., n] -> [..., n]``, bit 0 -> +1.0 and bit 1 -> -1.0, real ``float32``.

    Examples
    --------
    >>> bpsk_modulate(np.array([0, 1, 1], dtype=np.uint8))
    array([ 1., -1., -1.], dtype=float32)
    """
    bits = as_bits(bits, "bits", _CLAUSE)
    return (1.0 - 2.0 * bits.astype(np.float32)).astype(np.float32, copy=False)


def awgn_real(x, no: float, *, rng: np.random.Generator) -> np.ndarray:
    """Link model: real AWGN of variance ``N0 / 2`` added to real symbols ``x``.

    ``[..., n] -> [..., n]`` (``float32``).

    Parameters
    ----------
    x : array_like of float, shape [..., n]
        Real channel input.
    no : float
        Noise spectral density N0 > 0; the noise variance per real dimension is ``N0 / 2``.
    rng : numpy.random.Generator
        Source of the noise.

    Examples
    --------
    >>> y = awgn_real(np.zeros(100_000, dtype=np.float32), 2.0, rng=np.random.default_rng(3))
    >>> round(float(y.var()), 1)
    1.0
    """
    no = _check_positive(no, "no")
    rng = _check_rng(rng)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a real floating-point array, got dtype {x.dtype} ({_CLAUSE})")
    sigma = np.float32(np.sqrt(no / 2.0))
    noise = rng.standard_normal(x.shape, dtype=np.float32)
    return (x.astype(np.float32, copy=False) + sigma * noise).astype(np.float32, copy=False)


def awgn_complex(x, no: float, *, rng: np.random.Generator) -> np.ndarray:
    """Link model: circularly-symmetric complex AWGN of variance ``N0`` added to symbols ``x``.

    ``[..., M] -> [..., M]``: ``y = x + w``, ``w = sqrt(N0/2) (u + j v)`` with ``u, v`` independent
    standard normal, so ``E|w|^2 = N0``. With the unit-energy symbols of TS 38.211 §5.1 the SNR is
    ``E_s/N0 = 1/N0`` per resource element (see :func:`snr_db_to_no`).

    Parameters
    ----------
    x : array_like of complex (or real float), shape [..., M]
        Channel input.
    no : float
        Noise variance ``N0 > 0`` per complex symbol.
    rng : numpy.random.Generator
        Source of the noise (real parts drawn first, then imaginary parts).

    Returns
    -------
    numpy.ndarray of complex64, shape [..., M]
        ``complex128`` if ``x`` is ``complex128`` or ``float64``.

    Examples
    --------
    >>> y = awgn_complex(np.zeros(100_000, np.complex64), 0.5, rng=np.random.default_rng(3))
    >>> y.dtype, round(float(np.mean(np.abs(y) ** 2)), 2), round(float(y.real.var()), 2)
    (dtype('complex64'), 0.5, 0.25)
    """
    no = _check_positive(no, "no")
    rng = _check_rng(rng)
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.complexfloating) or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(
            f"x must be a complex (or real floating-point) array of symbols, got dtype {x.dtype} "
            f"({_CLAUSE_COMPLEX})"
        )
    wide = x.dtype in (np.complex128, np.float64)
    real = np.float64 if wide else np.float32
    out = x.astype(np.complex128 if wide else np.complex64)  # a new array
    sigma = real(np.sqrt(no / 2.0))
    out.real += sigma * rng.standard_normal(x.shape, dtype=real)
    out.imag += sigma * rng.standard_normal(x.shape, dtype=real)
    return out


def bpsk_awgn_llr(bits, no: float, *, rng: np.random.Generator) -> np.ndarray:
    """Link model: BPSK-modulate ``bits``, pass them through real AWGN and return exact LLRs.

    ``[..., n] -> [..., n]``: ``llr = 2 y / sigma^2 = 4 y / N0`` (``ln P(b=0)/P(b=1)``, float32).

    Parameters
    ----------
    bits : array_like of uint8, shape [..., n]
        Coded bits (0/1).
    no : float
        Noise spectral density N0 > 0 (see :func:`ebno_db_to_no`).
    rng : numpy.random.Generator
        Source of the noise.

    Returns
    -------
    numpy.ndarray of float32, shape [..., n]

    Notes
    -----
    Given ``y = x + w`` with ``w ~ N(0, sigma^2)``, ``ln p(y|x=+1)/p(y|x=-1) = 2 y / sigma^2``.
    The LLR is Gaussian with mean ``+-2/sigma^2`` and variance ``4/sigma^2`` (the consistency
    condition, variance = 2 |mean|), which the tests check.

    Examples
    --------
    >>> llr = bpsk_awgn_llr(np.zeros((2, 3), dtype=np.uint8), 1e-3, rng=np.random.default_rng(0))
    >>> llr.shape, bool((llr > 0).all())
    ((2, 3), True)
    """
    x = bpsk_modulate(bits)
    no = _check_positive(no, "no")
    y = awgn_real(x, no, rng=rng)
    return (np.float32(4.0 / no) * y).astype(np.float32, copy=False)
