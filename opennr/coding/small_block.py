"""TS 38.212 V17 §5.3.3 and §5.4.3: channel coding of small block lengths (UCI with ``K <= 11``).

Three codes, chosen by the number of information bits ``K``:

* ``K = 1`` (§5.3.3.1, Table 5.3.3.1-1): repetition, ``N = Q_m`` bits ``c_0 y x x ...``;
* ``K = 2`` (§5.3.3.2, Table 5.3.3.2-1): simplex, ``c_2 = c_0 + c_1``, ``N = 3 Q_m`` bits;
* ``3 <= K <= 11`` (§5.3.3.3): the (32, K) code ``d_i = sum_n c_n M_{i,n} mod 2`` with the basis
  sequences of Table 5.3.3.3-1 (package data ``opennr/coding/data/reed_muller_basis.csv``).

Rate matching (§5.4.3) repeats the ``N`` coded bits cyclically: ``e_k = d_{k mod N}``.

Placeholders
------------
For ``K <= 2`` and ``Q_m > 1`` the tables contain the placeholders ``x`` and ``y`` that TS 38.211
(§6.3.1.1 for PUSCH, §6.3.2.5.1 / §6.3.2.6.1 for PUCCH) scrambles specially: ``x`` becomes 1 and
``y`` repeats the previous scrambled bit, so that the modulation symbol carrying the information
bit lies on an outer corner of the constellation. The native API keeps bits ``uint8`` 0/1 and
represents the placeholders as follows (OpenNR's choice):

* the encoder writes ``1`` at ``x`` positions and the value of the preceding bit at ``y``
  positions, i.e. exactly what scrambling with an all-zero sequence would produce, so an
  unscrambled chain is self-consistent;
* :func:`small_block_placeholders` returns where the placeholders are, as an ``int8`` pattern with
  :data:`PLACEHOLDER_X` = -1 and :data:`PLACEHOLDER_Y` = -2 (MATLAB's values), for a scrambler
  that must treat them specially (``opennr.matlab.nrUCIEncode`` writes them into its output).

The decoder takes LLRs of those ``E`` bits after descrambling (a ``y`` LLR then refers to the same
bit as its predecessor; ``x`` LLRs carry no information and are ignored automatically because all
codewords agree there).

Decoding is maximum likelihood over the bit LLRs: the ``E`` LLRs are folded onto the ``N`` mother
positions (repetitions add up) and correlated with all ``2^K`` codewords; the largest correlation
``sum_k (1 - 2 e_k) LLR_k`` wins (ties go to the smaller message index).

Examples
--------
>>> import numpy as np
>>> e = small_block_encode(np.array([1, 0, 1, 1], dtype=np.uint8), 40)
>>> e.shape
(40,)
>>> llr = 4.0 * (1 - 2 * e.astype(np.float32))
>>> small_block_decode(llr, 4)
array([1, 0, 1, 1], dtype=uint8)
"""

from __future__ import annotations

from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import as_bits, as_llrs, check_choice, check_int

__all__ = [
    "PLACEHOLDER_X",
    "PLACEHOLDER_Y",
    "SMALL_BLOCK_MODULATION_ORDERS",
    "reed_muller_basis",
    "small_block_codebook",
    "small_block_decode",
    "small_block_encode",
    "small_block_length",
    "small_block_placeholders",
]

_CLAUSE = "TS 38.212 §5.3.3"
_RM_CLAUSE = "TS 38.212 §5.4.3"
_PKG = "opennr.coding"

#: Value marking an ``x`` placeholder in :func:`small_block_placeholders` (MATLAB's -1).
PLACEHOLDER_X = -1
#: Value marking a ``y`` placeholder in :func:`small_block_placeholders` (MATLAB's -2).
PLACEHOLDER_Y = -2
#: Modulation orders ``Q_m`` of Tables 5.3.3.1-1 and 5.3.3.2-1 (pi/2-BPSK/BPSK ... 256QAM).
SMALL_BLOCK_MODULATION_ORDERS = (1, 2, 4, 6, 8)
_MAX_K = 11
_RM_N = 32


@cache
def _basis() -> np.ndarray:
    rows = read_csv_rows(_PKG, "reed_muller_basis.csv")
    table = np.array([[int(r[f"m{n}"]) for n in range(_MAX_K)] for r in rows], dtype=np.uint8)
    if table.shape != (_RM_N, _MAX_K) or [int(r["i"]) for r in rows] != list(range(_RM_N)):
        raise RuntimeError("reed_muller_basis.csv must hold rows i = 0..31 of Table 5.3.3.3-1")
    table.setflags(write=False)
    return table


def reed_muller_basis() -> np.ndarray:
    """TS 38.212 §5.3.3.3 Table 5.3.3.3-1: basis sequences ``M_{i,n}`` of the (32, K) code.

    Returns
    -------
    numpy.ndarray of uint8, shape [32, 11]
        ``M[i, n]`` for coded bit ``i = 0..31`` and information bit ``n = 0..10`` (read-only).

    Examples
    --------
    >>> reed_muller_basis()[0].tolist()
    [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    """
    return _basis()


def _check_k(k) -> int:
    return check_int(k, "k", low=1, high=_MAX_K, clause=_CLAUSE)


def _check_qm(modulation_order) -> int:
    clause = "TS 38.212 Tables 5.3.3.1-1, 5.3.3.2-1"
    qm = check_int(modulation_order, "modulation_order", clause=clause)
    return check_choice(qm, "modulation_order", SMALL_BLOCK_MODULATION_ORDERS, clause=clause)


def small_block_length(k: int, *, modulation_order: int = 2) -> int:
    """TS 38.212 §5.3.3: length ``N`` of the small-block codeword before rate matching.

    Parameters
    ----------
    k : int
        Number of information bits ``K``, 1..11.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m``; matters only for ``K <= 2``. Default 2 (QPSK).

    Returns
    -------
    int
        ``Q_m`` for ``K = 1``, ``3 Q_m`` for ``K = 2``, 32 for ``K >= 3``.

    Examples
    --------
    >>> small_block_length(1, modulation_order=4), small_block_length(2), small_block_length(7)
    (4, 6, 32)
    """
    k = _check_k(k)
    qm = _check_qm(modulation_order)
    return qm if k == 1 else 3 * qm if k == 2 else _RM_N


@cache
def _mother_pattern(k: int, qm: int) -> np.ndarray:
    """int8 [N]: ``n >= 0`` -> information/parity symbol index, -1 -> x, -2 -> y.

    For K = 1 symbol 0 is c_0; for K = 2 symbols 0, 1, 2 are c_0, c_1, c_2; for K >= 3 the
    pattern is [0..31] (coded bit i).
    """
    if k == 1:
        pat = [0] + ([PLACEHOLDER_Y] if qm > 1 else []) + [PLACEHOLDER_X] * max(qm - 2, 0)
    elif k == 2:
        fill = [PLACEHOLDER_X] * (qm - 2) if qm > 1 else []
        if qm == 1:
            pat = [0, 1, 2]
        else:
            pat = [0, 1] + fill + [2, 0] + fill + [1, 2] + fill
    else:
        pat = list(range(_RM_N))
    out = np.array(pat, dtype=np.int8)
    out.setflags(write=False)
    return out


@cache
def _mother_codebook(k: int, qm: int) -> np.ndarray:
    """uint8 [2^K, N]: every mother codeword, message m has c_n = bit (K-1-n) of m."""
    msgs = ((np.arange(2**k)[:, None] >> np.arange(k - 1, -1, -1)) & 1).astype(np.uint8)
    pat = _mother_pattern(k, qm)
    if k >= 3:
        code = (msgs.astype(np.int64) @ _basis()[:, :k].T.astype(np.int64)) % 2
    else:
        symbols = msgs if k == 1 else np.concatenate([msgs, msgs[:, :1] ^ msgs[:, 1:2]], axis=1)
        code = np.empty((2**k, pat.size), dtype=np.int64)
        for i, p in enumerate(pat):
            if p >= 0:
                code[:, i] = symbols[:, p]
            elif p == PLACEHOLDER_X:
                code[:, i] = 1
            else:  # y repeats the previous bit
                code[:, i] = code[:, i - 1]
    out = code.astype(np.uint8)
    out.setflags(write=False)
    return out


@cache
def _messages(k: int) -> np.ndarray:
    out = ((np.arange(2**k)[:, None] >> np.arange(k - 1, -1, -1)) & 1).astype(np.uint8)
    out.setflags(write=False)
    return out


def _check_e(e, k: int) -> int:
    return check_int(e, "e", low=k, clause=f"{_RM_CLAUSE}: E >= K = {k}")


def small_block_placeholders(k: int, e: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §5.3.3.1-§5.3.3.2 with §5.4.3: where the ``x``/``y`` placeholders are, ``[E]``.

    Parameters
    ----------
    k : int
        Number of information bits ``K``, 1..11.
    e : int
        Rate-matched length ``E >= K``.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m``. Default 2.

    Returns
    -------
    numpy.ndarray of int8, shape [E]
        0 at coded bits, :data:`PLACEHOLDER_X` (-1) at ``x`` and :data:`PLACEHOLDER_Y` (-2) at
        ``y`` placeholders (all zeros for ``K >= 3`` or ``Q_m = 1``).

    Examples
    --------
    >>> small_block_placeholders(1, 8, modulation_order=4).tolist()
    [0, -2, -1, -1, 0, -2, -1, -1]
    """
    k = _check_k(k)
    qm = _check_qm(modulation_order)
    e = _check_e(e, k)
    pat = _mother_pattern(k, qm)
    marks = np.where(pat < 0, pat, 0).astype(np.int8)
    return marks[np.arange(e) % pat.size]


def small_block_codebook(k: int, e: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §5.3.3 and §5.4.3: all ``2^K`` rate-matched codewords, ``[2^K, E]``.

    Row ``m`` encodes the message whose bit ``c_n`` is bit ``K-1-n`` of ``m`` (``c_0`` is the
    most significant). Placeholders are written as by :func:`small_block_encode`.

    Parameters
    ----------
    k : int
        Number of information bits ``K``, 1..11.
    e : int
        Rate-matched length ``E >= K``.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m`` (``K <= 2`` only). Default 2.

    Returns
    -------
    numpy.ndarray of uint8, shape [2^K, E]

    Examples
    --------
    >>> small_block_codebook(2, 3, modulation_order=1).tolist()
    [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]
    """
    k = _check_k(k)
    qm = _check_qm(modulation_order)
    e = _check_e(e, k)
    book = _mother_codebook(k, qm)
    return book[:, np.arange(e) % book.shape[1]]


def small_block_encode(c, e: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §5.3.3 and §5.4.3: small-block encoding and rate matching, ``[..., K] -> [..., E]``.

    Parameters
    ----------
    c : array_like of 0/1 integers or bools, shape [..., K]
        Information bits ``c_0 ... c_(K-1)``, ``1 <= K <= 11``.
    e : int
        Rate-matched output length ``E >= K``.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m``, which sets the placeholder layout for ``K <= 2`` (Tables 5.3.3.1-1 and
        5.3.3.2-1); ignored for ``K >= 3``. Default 2 (QPSK).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., E]
        ``e_k = d_(k mod N)``. Placeholders: ``x`` -> 1, ``y`` -> the previous bit (see the
        module notes and :func:`small_block_placeholders`).

    Raises
    ------
    TypeError
        If ``c`` is not an integer/bool array or ``e`` not an integer.
    ValueError
        If ``K`` is not in 1..11, ``E < K`` or ``modulation_order`` is not allowed.

    Examples
    --------
    >>> import numpy as np
    >>> small_block_encode(np.array([1], np.uint8), 4, modulation_order=4).tolist()
    [1, 1, 1, 1]
    >>> small_block_encode(np.array([1, 0], np.uint8), 6).tolist()
    [1, 0, 1, 1, 0, 1]
    """
    c = as_bits(c, "c", _CLAUSE)
    k = check_int(c.shape[-1], "c.shape[-1] (K)", low=1, high=_MAX_K, clause=_CLAUSE)
    qm = _check_qm(modulation_order)
    e = _check_e(e, k)
    book = _mother_codebook(k, qm)
    weights = (1 << np.arange(k - 1, -1, -1)).astype(np.int64)
    index = c.astype(np.int64) @ weights
    return book[index][..., np.arange(e) % book.shape[1]]


def small_block_decode(llr, k: int, *, modulation_order: int = 2) -> np.ndarray:
    """TS 38.212 §5.3.3 and §5.4.3: maximum-likelihood decoding, ``[..., E] -> [..., K]``.

    Folds the ``E`` LLRs onto the ``N`` mother positions (``sum`` over ``k = n mod N``) and picks
    the codeword with the largest correlation ``sum_n (1 - 2 d_n) L_n`` over all ``2^K``
    codewords, which is the ML decision for independent bit LLRs.

    Parameters
    ----------
    llr : array_like of float, shape [..., E]
        LLRs ``ln P(e_k = 0) / P(e_k = 1)`` of the rate-matched bits (after descrambling;
        placeholder positions may hold anything for ``x``, the LLR of the repeated bit for ``y``).
    k : int
        Number of information bits ``K``, 1..11.
    modulation_order : {1, 2, 4, 6, 8}, optional
        ``Q_m`` used at the transmitter (``K <= 2`` only). Default 2.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., K]
        The ML estimate of ``c``.

    Raises
    ------
    TypeError
        If ``llr`` is not numeric.
    ValueError
        If ``llr`` holds NaN/inf, ``E < K``, ``K`` not in 1..11 or ``modulation_order`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> llr = np.array([-2.0, 0.5, 1.5, -0.3, 0.2, 1.0])
    >>> small_block_decode(llr, 2).tolist()
    [1, 1]
    """
    k = _check_k(k)
    qm = _check_qm(modulation_order)
    llr = as_llrs(llr, "llr", _RM_CLAUSE)
    e = _check_e(llr.shape[-1], k)
    book = _mother_codebook(k, qm)
    n = book.shape[1]
    batch = llr.shape[:-1]
    flat = llr.reshape(-1, e)
    reps = -(-e // n)
    padded = np.zeros((flat.shape[0], reps * n), dtype=np.float64)
    padded[:, :e] = flat
    folded = padded.reshape(flat.shape[0], reps, n).sum(axis=1)
    signs = 1.0 - 2.0 * book.astype(np.float64)  # [2^K, N]
    best = np.argmax(folded @ signs.T, axis=-1)
    return _messages(k)[best].reshape(*batch, k)

