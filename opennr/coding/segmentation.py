"""TS 38.212 V17 §5.2.2 and §7.2.2: LDPC base-graph selection and code-block segmentation.

A transport block with its CRC (``B`` bits) is split into ``C`` code blocks of ``K'`` bits, each
with a CRC24B when ``C > 1``, and padded with ``F = K - K'`` filler bits up to the LDPC
information length ``K = 22 Z_c`` (BG1) or ``10 Z_c`` (BG2).

Filler bits are the ``<NULL>`` elements of the specification. The native API carries them as 0
(positions ``K' .. K-1`` of every block, see :attr:`SegmentationInfo.n_filler`); the LDPC encoder
keeps them 0 and the rate matcher skips them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real

import numpy as np

from opennr._validation import as_bits, check_choice, check_int, check_last_axis
from opennr.coding.ldpc.base_graph import LIFTING_SIZES

__all__ = [
    "SegmentationInfo",
    "select_base_graph",
    "segmentation_info",
    "segment",
    "desegment",
]

_CLAUSE = "TS 38.212 §5.2.2"
#: Maximum code-block size K_cb of BG1 and BG2 (§5.2.2).
_K_CB = {1: 8448, 2: 3840}
_CB_CRC_LENGTH = 24


def select_base_graph(tbs: int, target_code_rate: float) -> int:
    """TS 38.212 §7.2.2 / §6.2.2: the LDPC base graph of a transport block.

    BG2 is used if ``A <= 292``, or ``A <= 3824`` and ``R <= 0.67``, or ``R <= 0.25``;
    otherwise BG1.

    Parameters
    ----------
    tbs : int
        Transport-block size ``A`` in bits (without CRC), ``A >= 1``.
    target_code_rate : float
        Target code rate ``R`` of the MCS, in (0, 1].

    Returns
    -------
    int
        1 or 2.

    Examples
    --------
    >>> select_base_graph(8424, 0.5), select_base_graph(3824, 0.5), select_base_graph(8424, 0.2)
    (1, 2, 2)
    """
    a = check_int(tbs, "tbs", low=1, clause="TS 38.212 §7.2.2")
    if isinstance(target_code_rate, bool) or not isinstance(target_code_rate, Real):
        raise TypeError(
            f"target_code_rate must be a real number, got {type(target_code_rate).__name__}"
        )
    r = float(target_code_rate)
    if not (0.0 < r <= 1.0):
        raise ValueError(f"target_code_rate must be in (0, 1], got {r} (TS 38.212 §7.2.2)")
    if a <= 292 or (a <= 3824 and r <= 0.67) or r <= 0.25:
        return 2
    return 1


@dataclass(frozen=True)
class SegmentationInfo:
    """TS 38.212 §5.2.2: the parameters of LDPC code-block segmentation.

    Attributes
    ----------
    b : int
        ``B``, input bits (transport block plus TB CRC).
    bg : int
        LDPC base graph, 1 or 2.
    c : int
        ``C``, number of code blocks.
    k_prime : int
        ``K'``, bits per code block before fillers (including the CB CRC when ``C > 1``).
    k : int
        ``K = 22 Z_c`` (BG1) or ``10 Z_c`` (BG2), bits per code block including fillers.
    z_c : int
        ``Z_c``, the smallest lifting size of Table 5.3.2-1 with ``K_b Z_c >= K'``.
    k_b : int
        ``K_b``, systematic columns used to pick ``Z_c`` (22 for BG1; 10, 9, 8 or 6 for BG2).
    n_filler : int
        ``F = K - K'``, filler bits at positions ``K' .. K-1`` of every block.
    cb_crc_length : int
        ``L``, 24 if ``C > 1`` else 0.
    b_prime : int
        ``B' = B + C L``.
    """

    b: int
    bg: int
    c: int
    k_prime: int
    k: int
    z_c: int
    k_b: int
    n_filler: int
    cb_crc_length: int
    b_prime: int

    @property
    def n(self) -> int:
        """``N``, LDPC encoder output bits per code block: ``66 Z_c`` (BG1) or ``50 Z_c`` (BG2)."""
        return (66 if self.bg == 1 else 50) * self.z_c


def segmentation_info(b: int, bg: int) -> SegmentationInfo:
    """TS 38.212 §5.2.2: code-block segmentation parameters for ``B`` input bits.

    ``K_cb`` is 8448 (BG1) or 3840 (BG2). If ``B <= K_cb`` there is one block without CB CRC;
    otherwise ``C = ceil(B / (K_cb - 24))`` blocks, each with a CRC24B. ``K' = B' / C``;
    ``K_b`` is 22 for BG1 and, for BG2, 10 / 9 / 8 / 6 for ``B`` above 640 / 560 / 192 / else.

    Parameters
    ----------
    b : int
        ``B >= 1``, transport-block bits including the TB CRC.
    bg : int
        Base graph, 1 or 2.

    Returns
    -------
    SegmentationInfo

    Raises
    ------
    ValueError
        If ``B'`` is not a multiple of ``C`` (TS 38.214 transport-block sizes always are).

    Examples
    --------
    >>> info = segmentation_info(12000, 1)
    >>> info.c, info.k_prime, info.z_c, info.k, info.n_filler, info.n
    (2, 6024, 288, 6336, 312, 19008)
    """
    b = check_int(b, "b", low=1, clause=_CLAUSE)
    check_choice(bg, "bg", (1, 2), clause=_CLAUSE)
    return _segmentation_info(b, int(bg))


@lru_cache(maxsize=1024)
def _segmentation_info(b: int, bg: int) -> SegmentationInfo:
    k_cb = _K_CB[bg]
    if b <= k_cb:
        crc_len, c = 0, 1
    else:
        crc_len = _CB_CRC_LENGTH
        c = math.ceil(b / (k_cb - crc_len))
    b_prime = b + c * crc_len
    if b_prime % c:
        raise ValueError(
            f"b = {b} gives B' = {b_prime}, which is not a multiple of C = {c}; K' = B'/C must be "
            f"an integer ({_CLAUSE}; TS 38.214 §5.1.3.2 transport-block sizes satisfy this)"
        )
    k_prime = b_prime // c
    if bg == 1:
        k_b = 22
    elif b > 640:
        k_b = 10
    elif b > 560:
        k_b = 9
    elif b > 192:
        k_b = 8
    else:
        k_b = 6
    z_c = next(z for z in LIFTING_SIZES if k_b * z >= k_prime)
    k = (22 if bg == 1 else 10) * z_c
    return SegmentationInfo(
        b=b, bg=bg, c=c, k_prime=k_prime, k=k, z_c=z_c, k_b=k_b,
        n_filler=k - k_prime, cb_crc_length=crc_len, b_prime=b_prime,
    )  # fmt: skip


def segment(bits, bg: int) -> np.ndarray:
    """TS 38.212 §5.2.2: code-block segmentation, ``[..., B] -> [..., C, K]``.

    Block ``r`` holds bits ``r (K' - L) .. (r + 1)(K' - L) - 1`` of the input, then (when
    ``C > 1``) their CRC24B, then ``F`` filler bits set to 0.

    Parameters
    ----------
    bits : array_like of uint8, shape [..., B]
        Transport block with its TB CRC.
    bg : int
        Base graph, 1 or 2.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., C, K]

    Examples
    --------
    >>> blocks = segment(np.ones(100, dtype=np.uint8), 2)
    >>> blocks.shape, int(blocks[0, :100].sum()), int(blocks[0, 100:].sum())
    ((1, 180), 100, 0)
    """
    bits = as_bits(bits, "bits", _CLAUSE)
    info = segmentation_info(bits.shape[-1], bg)
    batch = bits.shape[:-1]
    n_data = info.k_prime - info.cb_crc_length
    out = np.zeros(batch + (info.c, info.k), dtype=np.uint8)
    data = bits.reshape(batch + (info.c, n_data))
    if info.c > 1:
        from opennr.coding.crc import crc_attach

        out[..., : info.k_prime] = crc_attach(data, "24B")
    else:
        out[..., : info.k_prime] = data
    return out


def desegment(blocks, b: int, bg: int) -> tuple[np.ndarray, np.ndarray]:
    """TS 38.212 §5.2.2 (inverse): join code blocks, ``[..., C, K] -> ([..., B], [..., C])``.

    Drops the filler bits and the CB CRCs, and checks each CB CRC24B.

    Parameters
    ----------
    blocks : array_like of uint8, shape [..., C, K]
        Decoded code blocks (filler positions are ignored).
    b : int
        ``B``, the transport-block length with TB CRC.
    bg : int
        Base graph, 1 or 2.

    Returns
    -------
    bits : numpy.ndarray of uint8, shape [..., B]
    cb_crc_ok : numpy.ndarray of bool, shape [..., C]
        Whether each block's CRC24B checks (all True when ``C == 1``: there is no CB CRC).

    Examples
    --------
    >>> tb = np.random.default_rng(0).integers(0, 2, 500, dtype=np.uint8)
    >>> bits, ok = desegment(segment(tb, 2), 500, 2)
    >>> bool((bits == tb).all()), ok.tolist()
    (True, [True])
    """
    info = segmentation_info(b, bg)
    blocks = as_bits(blocks, "blocks", _CLAUSE, min_ndim=2)
    check_last_axis(blocks, "blocks", info.k, _CLAUSE)
    if blocks.shape[-2] != info.c:
        raise ValueError(
            f"blocks must have C = {info.c} code blocks on axis -2 for b = {b}, bg = {bg}; "
            f"got shape {blocks.shape} ({_CLAUSE})"
        )
    batch = blocks.shape[:-2]
    n_data = info.k_prime - info.cb_crc_length
    bits = np.ascontiguousarray(blocks[..., :n_data]).reshape(batch + (info.b,))
    if info.c > 1:
        from opennr.coding.crc import crc_check

        ok = np.asarray(crc_check(blocks[..., : info.k_prime], "24B"), dtype=bool)
        ok = ok.reshape(batch + (info.c,))
    else:
        ok = np.ones(batch + (1,), dtype=bool)
    return bits, ok
