"""TS 38.211 V17 §7.3.1.3 (PDSCH) and §6.3.1.3 (PUSCH): layer mapping and its inverse.

Table 7.3.1.3-1 maps codeword ``q`` with ``nu_q`` layers as ``x^(l0 + v)(i) = d^(q)(nu_q i + v)``:
one codeword on 1-4 layers, two codewords on 5-8 layers (``nu_0 = floor(L/2)`` layers for
codeword 0 and ``nu_1 = ceil(L/2)`` for codeword 1, after those of codeword 0), with the same
number of symbols per layer ``M_symb^layer = M^(q) / nu_q`` for both. PUSCH (§6.3.1.3) uses the
same table with one codeword on 1-4 layers.
"""

from __future__ import annotations

import numpy as np

from opennr._validation import check_int

__all__ = ["codeword_layers", "layer_demap", "layer_map"]

_CLAUSE = "TS 38.211 §7.3.1.3, Table 7.3.1.3-1"


def codeword_layers(num_layers: int) -> tuple[int, ...]:
    """TS 38.211 Table 7.3.1.3-1: the number of layers ``nu_q`` of each codeword.

    Examples
    --------
    >>> codeword_layers(3), codeword_layers(7)
    ((3,), (3, 4))
    """
    num_layers = check_int(num_layers, "num_layers", low=1, high=8, clause=_CLAUSE)
    if num_layers <= 4:
        return (num_layers,)
    return (num_layers // 2, num_layers - num_layers // 2)


def _check_group(bits_per_symbol) -> int:
    return check_int(bits_per_symbol, "bits_per_symbol", low=1, clause=_CLAUSE)


def layer_map(codewords, num_layers: int, *, bits_per_symbol: int = 1) -> np.ndarray:
    """TS 38.211 §7.3.1.3 / §6.3.1.3: map the symbols of one or two codewords onto layers.

    Parameters
    ----------
    codewords : array_like, shape [..., M], or a tuple (or list of ndarrays) of one or two
        Modulation symbols ``d^(q)(0 .. M^(q) - 1)`` (any dtype: symbols, LLRs, indices). One
        codeword for 1-4 layers, two (same leading shape) for 5-8 layers.
    num_layers : int
        Number of layers ``L``, 1-8.
    bits_per_symbol : int, optional, keyword-only
        Size of the unit mapped to a layer: 1 (default) for symbols; ``Q_m`` to map groups of
        ``Q_m`` consecutive entries (e.g. bits or LLRs of a symbol) together.

    Returns
    -------
    numpy.ndarray, shape [..., L, M_layer]
        Layer ``v`` in row ``v``, ``M_layer = M^(q) / nu_q`` entries each.

    Raises
    ------
    ValueError
        If ``num_layers`` is outside 1-8, the number of codewords does not fit Table 7.3.1.3-1,
        or ``M^(q)`` is not a multiple of ``nu_q`` (times ``bits_per_symbol``) giving the same
        ``M_layer`` for both codewords.

    Examples
    --------
    >>> layer_map(list(range(6)), 2).tolist()
    [[0, 2, 4], [1, 3, 5]]
    >>> x = layer_map((np.arange(4), np.arange(10, 16)), 5)
    >>> x.tolist()
    [[0, 2], [1, 3], [10, 13], [11, 14], [12, 15]]
    """
    nus = codeword_layers(num_layers)
    group = _check_group(bits_per_symbol)
    if isinstance(codewords, tuple) or (
        isinstance(codewords, list) and codewords and all(isinstance(c, np.ndarray) for c in codewords)
    ):
        cws = list(codewords)
    else:
        cws = [codewords]
    if len(cws) != len(nus):
        raise ValueError(
            f"num_layers = {num_layers} takes {len(nus)} codeword(s) (1 for 1-4 layers, 2 for "
            f"5-8 layers), got {len(cws)} ({_CLAUSE})"
        )
    arrays = [np.asarray(c) for c in cws]
    m_layer = None
    parts = []
    for q, (d, nu) in enumerate(zip(arrays, nus, strict=True)):
        if d.ndim < 1:
            raise ValueError(f"codeword {q} must have at least one dimension, got shape {d.shape}")
        m = d.shape[-1]
        if m % (nu * group):
            raise ValueError(
                f"codeword {q} has {m} entries on its last axis, not a multiple of nu_{q} = {nu} "
                f"layers x bits_per_symbol = {group} ({_CLAUSE})"
            )
        this = m // nu
        if m_layer is not None and this != m_layer:
            raise ValueError(
                f"both codewords must give the same M_symb^layer: {m_layer} and {this} "
                f"({_CLAUSE})"
            )
        m_layer = this
        # d(nu i + v) -> layer v, position i (in units of `group` entries)
        x = d.reshape(*d.shape[:-1], m // (nu * group), nu, group)
        x = np.swapaxes(x, -3, -2).reshape(*d.shape[:-1], nu, m // nu)
        parts.append(x)
    if len(parts) == 1:
        return parts[0]
    if arrays[0].shape[:-1] != arrays[1].shape[:-1]:
        raise ValueError(
            f"the two codewords must have the same leading shape, got {arrays[0].shape} and "
            f"{arrays[1].shape}"
        )
    return np.concatenate(parts, axis=-2)


def layer_demap(layers, num_codewords: int | None = None, *, bits_per_symbol: int = 1):
    """TS 38.211 §7.3.1.3 / §6.3.1.3 (inverse): collect the codewords from their layers.

    Parameters
    ----------
    layers : array_like, shape [..., L, M_layer]
        One row per layer (symbols, or LLRs grouped by ``bits_per_symbol``).
    num_codewords : {1, 2, None}, optional
        Number of codewords; must match Table 7.3.1.3-1 (1 for 1-4 layers, 2 for 5-8). ``None``
        (default) takes it from the table.
    bits_per_symbol : int, optional, keyword-only
        As for :func:`layer_map`: ``Q_m`` to demap LLRs/bits of ``Q_m``-bit symbols.

    Returns
    -------
    numpy.ndarray of shape [..., M] for one codeword, or a tuple of two such arrays
        ``d^(q)`` in order, the inverse of :func:`layer_map`.

    Examples
    --------
    >>> layer_demap(layer_map(np.arange(8), 4)).tolist()
    [0, 1, 2, 3, 4, 5, 6, 7]
    >>> cw0, cw1 = layer_demap(layer_map((np.arange(6), np.arange(9)), 5))
    >>> cw1.tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8]
    """
    x = np.asarray(layers)
    if x.ndim < 2:
        raise ValueError(f"layers must have shape [..., L, M_layer], got shape {x.shape}")
    num_layers = x.shape[-2]
    if not 1 <= num_layers <= 8:
        raise ValueError(f"layers must have 1-8 rows (layers), got {num_layers} ({_CLAUSE})")
    nus = codeword_layers(num_layers)
    if num_codewords is not None:
        num_codewords = check_int(num_codewords, "num_codewords", low=1, high=2, clause=_CLAUSE)
        if num_codewords != len(nus):
            raise ValueError(
                f"{num_layers} layers carry {len(nus)} codeword(s) per Table 7.3.1.3-1, got "
                f"num_codewords = {num_codewords}"
            )
    group = _check_group(bits_per_symbol)
    m_layer = x.shape[-1]
    if m_layer % group:
        raise ValueError(
            f"layers have {m_layer} entries per layer, not a multiple of bits_per_symbol = "
            f"{group} ({_CLAUSE})"
        )
    out = []
    start = 0
    lead = x.shape[:-2]
    for nu in nus:
        part = x[..., start : start + nu, :]
        part = part.reshape(*lead, nu, m_layer // group, group)
        out.append(np.swapaxes(part, -3, -2).reshape(*lead, nu * m_layer))
        start += nu
    return out[0] if len(out) == 1 else tuple(out)
