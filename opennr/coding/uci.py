"""TS 38.212 V17 §6.3.1.2-§6.3.1.5 (PUCCH) and §6.3.2.2-§6.3.2.5 (PUSCH): UCI channel coding.

The ``A`` UCI bits ``a_0 ... a_(A-1)`` are coded into ``E = E_UCI`` bits by one of two chains,
chosen by ``A``:

``A <= 11`` (small block lengths)
    No CRC, no segmentation (§6.3.1.2.2: ``c = a``, ``K = A``); repetition (``A = 1``), simplex
    (``A = 2``) or the (32, K) code (``3 <= A <= 11``) of §5.3.3; rate matching by cyclic
    repetition (§5.4.3, §6.3.1.4.2). See :mod:`opennr.coding.small_block` for the ``x``/``y``
    placeholders of ``A <= 2``.

``12 <= A <= 1706`` (polar)
    * Segmentation (§6.3.1.2.1 with §5.2.1): ``I_seg = 1`` if ``A >= 1013``, or ``A >= 360`` and
      ``E >= 1088``; then ``C = 2`` code blocks of ``A'/C`` bits, ``A' = ceil(A/C) C``, with
      ``A' - A`` (0 or 1) filler zero prepended to the first block.
    * CRC (§6.3.1.2.1, §5.1): CRC6 for ``12 <= A <= 19``, CRC11 for ``A >= 20``, attached to each
      code block: ``K_r = A'/C + L``.
    * Polar coding (§6.3.1.3.1, §5.3.1): ``n_max = 10``, ``I_IL = 0``; ``n_PC = 3`` for
      ``12 <= A <= 19`` with ``n_PC^wm = 1`` if ``E_r - K_r + 3 > 192`` (else 0), ``n_PC = 0``
      for ``A >= 20``.
    * Rate matching (§6.3.1.4.1, §5.4.1): ``E_r = floor(E / C)``, coded-bit interleaving
      ``I_BIL = 1``.
    * Concatenation (§6.3.1.5, §5.5): the ``C`` blocks in order; when ``C E_r < E`` (``E`` odd and
      ``C = 2``) the last bit is a 0 (MATLAB's ``nrUCIEncode`` does the same).

The decoder inverts the chain: ML decoding for ``A <= 11``; rate recovery, CRC-aided SCL polar
decoding (the CRC, and the known filler bit, select the list path) and CRC check per block for
``A >= 12``.

Examples
--------
>>> import numpy as np
>>> bits = np.random.default_rng(0).integers(0, 2, 32, dtype=np.uint8)
>>> e = uci_encode(bits, 120)
>>> res = uci_decode(4.0 * (1 - 2 * e.astype(np.float32)), 32)
>>> bool(np.array_equal(res.bits, bits)), bool(res.crc_ok)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opennr._validation import as_bits, as_llrs, check_int
from opennr.coding.crc import crc_attach, crc_check
from opennr.coding.polar.construction import PolarCode, polar_construct
from opennr.coding.polar.decoder import polar_decode
from opennr.coding.polar.encoder import polar_encode
from opennr.coding.polar.rate_matching import polar_rate_match, polar_rate_recover
from opennr.coding.small_block import (
    _check_qm,
    small_block_decode,
    small_block_encode,
    small_block_placeholders,
)

__all__ = [
    "UCI_A_MAX",
    "UciDecodeResult",
    "UciInfo",
    "uci_decode",
    "uci_encode",
    "uci_info",
    "uci_placeholders",
]

_CLAUSE = "TS 38.212 §6.3.1"
#: Largest UCI payload ``A`` (TS 38.212 §5.2.1: "the value of A is no larger than 1706").
UCI_A_MAX = 1706
_E_MAX_POLAR = 8192  # E_r <= 8192 (§5.4.1)
_N_MAX = 10  # §6.3.1.3.1


@dataclass(frozen=True)
class UciInfo:
    """TS 38.212 §6.3.1.2-§6.3.1.5: the coding parameters of one UCI payload.

    Build it with :func:`uci_info`.

    Attributes
    ----------
    a : int
        ``A``, number of UCI bits (1..1706).
    e : int
        ``E = E_UCI``, number of coded bits.
    modulation_order : int
        ``Q_m`` (matters for ``A <= 2`` only).
    scheme : str
        ``'repetition'`` (A = 1), ``'simplex'`` (A = 2), ``'reed-muller'`` (3..11) or ``'polar'``.
    crc : str or None
        ``'6'``, ``'11'`` or None (small block lengths).
    crc_length : int
        ``L`` (6, 11 or 0).
    i_seg : int
        ``I_seg`` (§5.2.1): 1 if the payload is split into two code blocks.
    num_code_blocks : int
        ``C = I_seg + 1``.
    a_prime : int
        ``A' = ceil(A/C) C``.
    k_r : int
        ``K_r``: bits per code block entering the encoder, ``A'/C + L`` (``A`` for small blocks).
    e_r : int
        ``E_r = floor(E / C)``: rate-matched bits per code block.
    n_pc, n_pc_wm : int
        Parity-check bits ``n_PC`` (0 or 3) and ``n_PC^wm`` (0 or 1) of §6.3.1.3.1.
    """

    a: int
    e: int
    modulation_order: int
    scheme: str
    crc: str | None
    crc_length: int
    i_seg: int
    num_code_blocks: int
    a_prime: int
    k_r: int
    e_r: int
    n_pc: int
    n_pc_wm: int

    @property
    def n_filler(self) -> int:
        """``A' - A``: filler zeros prepended to the first code block (0 or 1)."""
        return self.a_prime - self.a

    @property
    def n_tail(self) -> int:
        """``E - C E_r``: zero bits appended after concatenation (0 or 1)."""
        return self.e - self.num_code_blocks * self.e_r


def _check_a(a) -> int:
    return check_int(a, "a", low=1, high=UCI_A_MAX, clause=f"{_CLAUSE}, §5.2.1: 1 <= A <= 1706")


def uci_info(a: int, e: int, *, modulation_order: int = 2) -> UciInfo:
    """TS 38.212 §6.3.1.2-§6.3.1.5: coding scheme and parameters for ``A`` bits into ``E``.

    Parameters
    ----------
    a : int
        ``A``, number of UCI bits, 1..1706.
    e : int
        ``E``, number of coded bits: ``E >= A`` for ``A <= 11``; for polar codes each code
        block needs ``K_r + n_PC <= E_r <= 8192`` (§5.3.1.2, §5.4.1).
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m`` of the channel (placeholder layout for ``A <= 2``). Default 2 (QPSK).

    Returns
    -------
    UciInfo

    Raises
    ------
    TypeError
        If ``a`` or ``e`` is not an integer.
    ValueError
        If ``A`` is outside 1..1706, ``E`` is too small or too large, or ``Q_m`` is invalid.

    Examples
    --------
    >>> info = uci_info(1013, 2000)
    >>> info.scheme, info.crc, info.num_code_blocks, info.a_prime, info.k_r, info.e_r
    ('polar', '11', 2, 1014, 518, 1000)
    >>> info = uci_info(15, 240)
    >>> info.crc, info.k_r, info.n_pc, info.n_pc_wm
    ('6', 21, 3, 1)
    >>> uci_info(2, 12, modulation_order=4).scheme
    'simplex'
    """
    a = _check_a(a)
    qm = _check_qm(modulation_order)
    e = check_int(e, "e", low=1, clause=_CLAUSE)
    if a <= 11:
        if e < a:
            raise ValueError(
                f"e must be >= A = {a} for channel coding of small block lengths (TS 38.212 "
                f"§6.3.1.4.2, §5.4.3); got E = {e}"
            )
        scheme = "repetition" if a == 1 else "simplex" if a == 2 else "reed-muller"
        return UciInfo(a, e, qm, scheme, None, 0, 0, 1, a, a, e, 0, 0)
    i_seg = 1 if (a >= 1013 or (a >= 360 and e >= 1088)) else 0
    c = i_seg + 1
    a_prime = -(-a // c) * c
    crc, length = ("6", 6) if a <= 19 else ("11", 11)
    k_r = a_prime // c + length
    e_r = e // c
    n_pc = 3 if a <= 19 else 0
    n_pc_wm = 1 if (n_pc and e_r - k_r + 3 > 192) else 0
    if not k_r + n_pc <= e_r <= _E_MAX_POLAR:
        raise ValueError(
            f"e too {'small' if e_r < k_r + n_pc else 'large'} for A = {a}: each of the C = {c} "
            f"code block(s) needs K_r + n_PC = {k_r + n_pc} <= E_r = floor(E/C) <= "
            f"{_E_MAX_POLAR}; got E = {e}, E_r = {e_r} (TS 38.212 §6.3.1.4.1, §5.3.1.2, §5.4.1)"
        )
    return UciInfo(a, e, qm, "polar", crc, length, i_seg, c, a_prime, k_r, e_r, n_pc, n_pc_wm)


def uci_placeholders(a: int, e: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §5.3.3.1-§5.3.3.2: where the ``x``/``y`` placeholders of the UCI bits are, ``[E]``.

    Parameters
    ----------
    a : int
        ``A``, number of UCI bits.
    e : int
        ``E``, number of coded bits.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m``. Default 2.

    Returns
    -------
    numpy.ndarray of int8, shape [E]
        -1 at ``x``, -2 at ``y`` placeholders, 0 elsewhere (all zeros unless ``A <= 2`` and
        ``Q_m > 1``). TS 38.211 scrambling sets ``x`` to 1 and ``y`` to the previous bit.

    Examples
    --------
    >>> uci_placeholders(1, 6, modulation_order=2).tolist()
    [0, -2, 0, -2, 0, -2]
    """
    info = uci_info(a, e, modulation_order=modulation_order)
    if info.scheme == "polar":
        return np.zeros(info.e, dtype=np.int8)
    return small_block_placeholders(info.a, info.e, modulation_order=info.modulation_order)


def _polar_code(info: UciInfo) -> PolarCode:
    return polar_construct(
        info.k_r, info.e_r, n_max=_N_MAX, n_pc=info.n_pc, n_pc_wm=info.n_pc_wm
    )


def uci_encode(a, e: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §6.3.1.2-§6.3.1.5: UCI encoding, ``[..., A] -> [..., E]``.

    Segmentation and CRC attachment, channel coding (small block codes or polar), rate matching
    and code-block concatenation, as summarised in the module docstring.

    Parameters
    ----------
    a : array_like of 0/1 integers or bools, shape [..., A]
        UCI bits ``a_0 ... a_(A-1)``, ``1 <= A <= 1706``.
    e : int
        ``E = E_UCI``, number of coded bits (see :func:`uci_info` for the allowed range).
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m``, used for ``A <= 2`` only (Tables 5.3.3.1-1/5.3.3.2-1). Default 2 (QPSK).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]
        The coded UCI bits ``g``. For ``A <= 2`` the ``x`` placeholders are 1 and the ``y``
        placeholders repeat the previous bit; :func:`uci_placeholders` gives their positions.

    Raises
    ------
    TypeError
        If ``a`` is not an integer/bool array or ``e`` is not an integer.
    ValueError
        If ``A`` is outside 1..1706, ``E`` is out of range for ``A`` or ``Q_m`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> uci_encode(np.array([1, 0, 1], np.uint8), 8).tolist()
    [1, 0, 1, 0, 0, 1, 0, 1]
    >>> uci_encode(np.ones((2, 40), np.uint8), 100).shape
    (2, 100)
    """
    bits = as_bits(a, "a", _CLAUSE)
    info = uci_info(bits.shape[-1], e, modulation_order=modulation_order)
    if info.scheme != "polar":
        return small_block_encode(bits, info.e, modulation_order=info.modulation_order)

    batch = bits.shape[:-1]
    c = info.num_code_blocks
    padded = np.zeros((*batch, info.a_prime), dtype=np.uint8)
    padded[..., info.n_filler :] = bits  # §5.2.1: filler zero at the start of block 0
    blocks = crc_attach(padded.reshape(*batch, c, info.a_prime // c), info.crc)
    code = _polar_code(info)
    f = polar_rate_match(polar_encode(blocks, code), code, channel_interleaving=True)
    out = np.zeros((*batch, info.e), dtype=np.uint8)
    out[..., : c * info.e_r] = f.reshape(*batch, c * info.e_r)
    return out


@dataclass(frozen=True)
class UciDecodeResult:
    """TS 38.212 §6.3.1: output of :func:`uci_decode`.

    Attributes
    ----------
    bits : numpy.ndarray of uint8, shape [..., A]
        Decoded UCI bits.
    crc_ok : numpy.ndarray of bool, shape [...]
        True where the CRC of every code block passed (polar, ``A >= 12``). For ``A <= 11``
        there is no CRC and it is all True (nothing could be checked; MATLAB's ``err`` is 0 too).
    """

    bits: np.ndarray
    crc_ok: np.ndarray


def _crc_selector(poly: str, n_known_zeros: int):
    """``crc_check`` callable for the list decoder: CRC passes and the filler bit is 0."""

    def check(candidates: np.ndarray) -> np.ndarray:
        ok = crc_check(candidates, poly)
        if n_known_zeros:
            ok &= ~np.any(candidates[..., :n_known_zeros], axis=-1)
        return ok

    return check


def uci_decode(
    llr,
    a: int,
    *,
    modulation_order: int = 2,
    list_size: int = 8,
    algorithm: str = "scl",
) -> UciDecodeResult:
    """TS 38.212 §6.3.1.2-§6.3.1.5: UCI decoding, LLRs ``[..., E] -> bits [..., A]``.

    ``A <= 11``: maximum-likelihood decoding of the small block code
    (:func:`~opennr.coding.small_block.small_block_decode`). ``A >= 12``: per code block,
    polar rate recovery (with ``I_BIL = 1``), CRC-aided list decoding (the CRC, and for an odd
    segmented payload the filler zero, pick the path), CRC check; then the blocks are joined
    and the filler bit removed.

    Parameters
    ----------
    llr : array_like of float, shape [..., E]
        LLRs ``ln P(g_k = 0) / P(g_k = 1)`` of the coded UCI bits (descrambled; finite).
    a : int
        ``A``, number of UCI bits, 1..1706.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m`` used at the transmitter (``A <= 2`` only). Default 2.
    list_size : int, optional
        SCL list size for ``A >= 12`` (MATLAB's ``ListLength``). Default 8.
    algorithm : str, optional
        Polar decoder algorithm (``'scl'``, ``'fast-scl'`` or ``'sc'``), passed to
        :func:`opennr.coding.polar.decoder.polar_decode`. Default ``'scl'``.

    Returns
    -------
    UciDecodeResult
        ``bits [..., A]`` and ``crc_ok [...]`` (all True for ``A <= 11``).

    Raises
    ------
    TypeError
        If ``llr`` is not numeric or ``a`` not an integer.
    ValueError
        If ``llr`` holds NaN/inf, ``A`` is outside 1..1706 or ``E`` is out of range for ``A``.

    Examples
    --------
    >>> import numpy as np
    >>> llr = np.array([-3.0, 2.5, -1.0, -2.0, 1.5, 0.5])  # A = 2, QPSK
    >>> res = uci_decode(llr, 2)
    >>> res.bits.tolist(), bool(res.crc_ok)
    ([1, 0], True)
    """
    llr = as_llrs(llr, "llr", _CLAUSE)
    info = uci_info(a, llr.shape[-1], modulation_order=modulation_order)
    batch = llr.shape[:-1]
    if info.scheme != "polar":
        bits = small_block_decode(llr, info.a, modulation_order=info.modulation_order)
        return UciDecodeResult(bits=bits, crc_ok=np.ones(batch, dtype=bool))

    code = _polar_code(info)
    c = info.num_code_blocks
    per_block = info.a_prime // c
    parts = []
    crc_ok = np.ones(batch, dtype=bool)
    for r in range(c):
        seg = llr[..., r * info.e_r : (r + 1) * info.e_r]
        y = polar_rate_recover(seg, code, channel_interleaving=True)
        known = info.n_filler if r == 0 else 0
        res = polar_decode(
            y,
            code,
            list_size=list_size,
            algorithm=algorithm,
            crc_check=_crc_selector(info.crc, known),
        )
        parts.append(np.asarray(res.bits, dtype=np.uint8)[..., known:per_block])
        crc_ok &= np.asarray(res.crc_ok, dtype=bool).reshape(batch)
    bits = np.concatenate(parts, axis=-1)
    return UciDecodeResult(bits=bits, crc_ok=crc_ok)
