"""TS 38.212 V17 §7.3: downlink control information (DCI) coding, payload to PDCCH coded bits and back.

Transmit chain (:func:`dci_encode`, like MATLAB's ``nrDCIEncode``):

1. §7.3.2 CRC attachment (:func:`dci_crc_attach`): the CRC24C parity is computed over 24 ones
   followed by the payload ``a_0 ... a_(A-1)`` (the ones are not transmitted), and its last 16
   bits are XORed with the RNTI ``x_rnti,0 ... x_rnti,15`` (MSB first);
2. §7.3.3 polar coding with ``n_max = 9``, the input interleaver (``I_IL = 1``), no
   parity-check bits;
3. §7.3.4 rate matching to ``E`` bits, no coded-bit interleaving (``I_BIL = 0``).

A DCI format shorter than 12 bits is zero-padded to 12 by §7.3.1 before this chain; the chain
itself takes ``12 <= A <= 140`` (``K = A + 24 <= 164 = K_IL^max``).

The receiver (:func:`dci_decode`) runs rate recovery and a CRC-aided SCL polar decoder whose CRC
test uses the 24 leading ones and a *candidate* RNTI: in blind decoding ``crc_ok`` says whether the
PDCCH candidate was addressed to that RNTI.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

import numpy as np

from opennr._validation import as_bits, as_llrs, check_int
from opennr.coding.crc import crc_parity
from opennr.coding.polar.construction import polar_construct
from opennr.coding.polar.decoder import polar_decode
from opennr.coding.polar.encoder import polar_encode
from opennr.coding.polar.rate_matching import polar_rate_match, polar_rate_recover

__all__ = [
    "DCI_A_MAX",
    "DCI_A_MIN",
    "DCI_CRC_LENGTH",
    "DciDecodeResult",
    "dci_crc_attach",
    "dci_crc_check",
    "dci_decode",
    "dci_encode",
]

#: Smallest DCI payload entering the chain (§7.3.1: shorter formats are zero-padded to 12 bits).
DCI_A_MIN: int = 12
#: Largest DCI payload, ``K = A + 24 <= K_IL^max = 164`` (§5.3.1.1, §7.3.3).
DCI_A_MAX: int = 140
#: CRC24C parity bits attached to a DCI (§7.3.2).
DCI_CRC_LENGTH: int = 24
_N_MAX = 9
_E_MAX = 8192
_C732 = "TS 38.212 §7.3.2"
_C73 = "TS 38.212 §7.3"


def _check_rnti(rnti) -> int:
    return check_int(rnti, "rnti", low=0, high=65535, clause=f"{_C732}: 16-bit RNTI")


def _check_payload_size(a, name: str = "A (last axis of a)") -> int:
    a = check_int(a, name, clause="TS 38.212 §7.3.1")
    if a < DCI_A_MIN:
        raise ValueError(
            f"{name} = {a} < {DCI_A_MIN}: a DCI format with fewer than 12 bits must be "
            f"zero-padded to 12 bits before coding (TS 38.212 §7.3.1)"
        )
    if a > DCI_A_MAX:
        raise ValueError(f"{name} must be at most {DCI_A_MAX} (K = A + 24 <= 164, the input "
                         f"interleaver size K_IL^max, TS 38.212 §5.3.1.1, §7.3.3); got {a}")
    return a


def _check_e(e, a: int) -> int:
    e = check_int(e, "e", clause="TS 38.212 §7.3.4")
    k = a + DCI_CRC_LENGTH
    if not k <= e <= _E_MAX:
        raise ValueError(f"e must satisfy K = A + 24 = {k} <= E <= {_E_MAX} (TS 38.212 §7.3.4, "
                         f"§5.4.1); got E = {e}")
    return e


@cache
def _leading_ones() -> np.ndarray:
    ones = np.ones(DCI_CRC_LENGTH, dtype=np.uint8)
    ones.setflags(write=False)
    return ones


def _rnti_bits(rnti: int) -> np.ndarray:
    bits = np.zeros(DCI_CRC_LENGTH, dtype=np.uint8)
    bits[8:] = [(rnti >> (15 - k)) & 1 for k in range(16)]
    return bits


def _parity(a: np.ndarray) -> np.ndarray:
    """CRC24C parity of ``24 ones + a`` (no mask), ``[..., A] -> [..., 24]``."""
    ones = np.broadcast_to(_leading_ones(), (*a.shape[:-1], DCI_CRC_LENGTH))
    return crc_parity(np.concatenate([ones, a], axis=-1), "24C")


def dci_crc_attach(a, *, rnti: int) -> np.ndarray:
    """TS 38.212 §7.3.2: CRC24C over 24 ones + payload, RNTI-masked, ``[..., A] -> [..., A + 24]``.

    ``c_k = a_k`` for ``k < A``; ``c_(A+k) = p_k`` for ``k < 8`` and ``p_k XOR x_rnti,(k-8)`` for
    ``8 <= k < 24``, where ``p`` is the CRC24C parity of ``1, ..., 1 (24 times), a_0 ... a_(A-1)``.

    Parameters
    ----------
    a : array_like of 0/1, shape [..., A]
        DCI payloads (any ``A >= 0`` here; the chain needs ``12 <= A <= 140``).
    rnti : int
        RNTI ``x_rnti``, 0..65535, MSB onto ``c_(A+8)``.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., A + 24]

    Examples
    --------
    >>> import numpy as np
    >>> c0 = dci_crc_attach(np.zeros(20, np.uint8), rnti=0)
    >>> c1 = dci_crc_attach(np.zeros(20, np.uint8), rnti=0xFFFF)
    >>> (c0 ^ c1)[20:].tolist() == [0] * 8 + [1] * 16
    True
    """
    a = as_bits(a, "a", _C732)
    rnti = _check_rnti(rnti)
    return np.concatenate([a, _parity(a) ^ _rnti_bits(rnti)], axis=-1)


def dci_crc_check(c, *, rnti: int) -> np.ndarray:
    """TS 38.212 §7.3.2: check the RNTI-masked CRC of ``c [..., A + 24]``, returning bool ``[...]``.

    Examples
    --------
    >>> import numpy as np
    >>> c = dci_crc_attach(np.ones(30, np.uint8), rnti=1234)
    >>> bool(dci_crc_check(c, rnti=1234)), bool(dci_crc_check(c, rnti=1235))
    (True, False)
    """
    c = as_bits(c, "c", _C732)
    rnti = _check_rnti(rnti)
    if c.shape[-1] < DCI_CRC_LENGTH:
        raise ValueError(f"c must have at least 24 bits on its last axis ({_C732}), got {c.shape}")
    return _crc_ok(c, rnti)


def _crc_ok(c: np.ndarray, rnti: int) -> np.ndarray:
    expected = _parity(c[..., :-DCI_CRC_LENGTH]) ^ _rnti_bits(rnti)
    return np.all(expected == c[..., -DCI_CRC_LENGTH:], axis=-1)


def _crc_syndrome(c: np.ndarray) -> np.ndarray:
    """Received parity XOR the unmasked parity as a 24-bit integer [...] (RNTI if error-free)."""
    diff = _parity(c[..., :-DCI_CRC_LENGTH]) ^ c[..., -DCI_CRC_LENGTH:]
    weights = 1 << np.arange(DCI_CRC_LENGTH - 1, -1, -1, dtype=np.int64)
    return diff.astype(np.int64) @ weights


@cache
def _dci_code(k: int, e: int):
    return polar_construct(k, e, n_max=_N_MAX)


def dci_encode(a, e: int, *, rnti: int) -> np.ndarray:
    """TS 38.212 §7.3.2-§7.3.4: DCI payload to ``E`` coded bits, ``[..., A] -> [..., E]``.

    CRC attachment with 24 leading ones and RNTI mask (:func:`dci_crc_attach`), polar encoding
    with ``n_max = 9`` and input interleaving, rate matching without coded-bit interleaving.
    Same output as MATLAB ``nrDCIEncode(dcibits, rnti, E)``.

    Parameters
    ----------
    a : array_like of 0/1, shape [..., A]
        DCI payloads, ``12 <= A <= 140`` (pad shorter formats with zeros to 12, §7.3.1).
    e : int
        Rate-matching output length ``E`` (PDCCH: 108 x aggregation level), ``A + 24 <= E <=
        8192``.
    rnti : int
        RNTI scrambling the CRC, 0..65535.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]

    Examples
    --------
    >>> import numpy as np
    >>> bits = np.random.default_rng(0).integers(0, 2, 39)
    >>> dci_encode(bits, 108 * 2, rnti=0x4601).shape
    (216,)
    """
    a = as_bits(a, "a", _C73)
    a_len = _check_payload_size(a.shape[-1])
    e = _check_e(e, a_len)
    c = dci_crc_attach(a, rnti=rnti)
    code = _dci_code(a_len + DCI_CRC_LENGTH, e)
    return polar_rate_match(polar_encode(c, code, input_interleaving=True), code)


@dataclass(frozen=True)
class DciDecodeResult:
    """TS 38.212 §7.3: what :func:`dci_decode` recovers.

    Attributes
    ----------
    bits : numpy.ndarray of uint8, shape [..., A]
        The decoded DCI payload.
    crc_ok : numpy.ndarray of bool, shape [...]
        True where the CRC, unmasked with the candidate RNTI, passes.
    crc_mask : numpy.ndarray of int64, shape [...]
        Received CRC XOR recomputed CRC XOR the candidate RNTI, as a 24-bit number (MATLAB's
        ``mask``): 0 when ``crc_ok``; the transmitter's RNTI XOR the candidate when the payload is
        right but was addressed to another RNTI.
    """

    bits: np.ndarray
    crc_ok: np.ndarray
    crc_mask: np.ndarray

    def __iter__(self):
        return (getattr(self, f.name) for f in fields(self))


def dci_decode(llr, a: int, *, rnti: int, list_size: int = 8) -> DciDecodeResult:
    """TS 38.212 §7.3: decode ``E`` DCI soft bits with a candidate RNTI, ``[..., E] -> [..., A]``.

    Rate recovery, CRC-aided SCL polar decoding with input de-interleaving; the list path is
    selected with the CRC over 24 ones + payload unmasked by ``rnti``, so ``crc_ok`` tells whether
    the candidate RNTI matches (blind decoding, TS 38.213 §10.1). Like MATLAB ``nrDCIDecode(
    softbits, K, L, rnti)``.

    Parameters
    ----------
    llr : array_like of float, shape [..., E]
        Soft bits after PDCCH descrambling, LLR = ln P(0)/P(1).
    a : int
        Payload size ``A``, 12..140.
    rnti : int
        Candidate RNTI, 0..65535.
    list_size : int, optional
        SCL list size (a power of two), default 8.

    Returns
    -------
    DciDecodeResult

    Examples
    --------
    >>> import numpy as np
    >>> bits = np.random.default_rng(0).integers(0, 2, 39).astype(np.uint8)
    >>> llr = 3.0 * (1.0 - 2.0 * dci_encode(bits, 216, rnti=0x4601))
    >>> res = dci_decode(llr, 39, rnti=0x4601)
    >>> bool(res.crc_ok), bool((res.bits == bits).all())
    (True, True)
    >>> bool(dci_decode(llr, 39, rnti=0x4602).crc_ok)
    False
    """
    llr = as_llrs(llr, "llr", _C73)
    a_len = _check_payload_size(a, "a")
    e = _check_e(llr.shape[-1], a_len)
    rnti = _check_rnti(rnti)
    list_size = check_int(list_size, "list_size", low=1, clause="TS 38.212 §7.3.3")
    k = a_len + DCI_CRC_LENGTH
    code = _dci_code(k, e)
    batch = llr.shape[:-1]

    def crc_ok_of(cand: np.ndarray) -> np.ndarray:
        return _crc_ok(np.asarray(cand, dtype=np.uint8), rnti)

    dec = polar_decode(polar_rate_recover(llr, code), code, list_size=list_size,
                       crc_check=crc_ok_of, input_interleaving=True)
    c = np.asarray(dec.bits, dtype=np.uint8).reshape(*batch, k)
    mask = _crc_syndrome(c) ^ rnti
    return DciDecodeResult(bits=np.ascontiguousarray(c[..., :a_len]), crc_ok=mask == 0,
                           crc_mask=mask)
