"""TS 38.212 V17 §5.5: code-block concatenation (and its inverse, splitting).

The rate-matched code blocks ``f_r`` (``E_r`` bits each) are joined in order into the ``G`` coded
bits of the transport block: ``g_k = f_{r, j}`` for ``r = 0 .. C-1``, ``j = 0 .. E_r - 1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from opennr._validation import check_int

__all__ = ["concatenate_code_blocks", "split_code_blocks"]

_CLAUSE = "TS 38.212 §5.5"


def concatenate_code_blocks(blocks: Sequence[np.ndarray]) -> np.ndarray:
    """TS 38.212 §5.5: concatenate code blocks, ``C x [..., E_r] -> [..., G]``.

    Works for bits and for LLRs alike (the dtype of the blocks is kept).

    Parameters
    ----------
    blocks : sequence of array_like, each of shape [..., E_r]
        Rate-matched code blocks in order ``r = 0 .. C-1``, with the same batch shape.

    Returns
    -------
    numpy.ndarray, shape [..., G]
        ``G = sum(E_r)``.

    Examples
    --------
    >>> concatenate_code_blocks([np.array([1, 0], np.uint8), np.array([1], np.uint8)]).tolist()
    [1, 0, 1]
    """
    if isinstance(blocks, np.ndarray) or not isinstance(blocks, Sequence) or not len(blocks):
        raise TypeError(
            f"blocks must be a non-empty sequence (list or tuple) of arrays [..., E_r] ({_CLAUSE})"
        )
    arrs = [np.asarray(b) for b in blocks]
    batch = arrs[0].shape[:-1] if arrs[0].ndim else None
    for r, a in enumerate(arrs):
        if a.ndim == 0 or a.shape[:-1] != batch:
            raise ValueError(
                f"blocks[{r}] has shape {a.shape}; every block must have the batch shape "
                f"{batch} and a last axis of E_r bits ({_CLAUSE})"
            )
    return np.concatenate(arrs, axis=-1)


def split_code_blocks(x, lengths: Sequence[int]) -> list[np.ndarray]:
    """TS 38.212 §5.5 (inverse): split ``[..., G]`` into code blocks ``C x [..., E_r]``.

    Parameters
    ----------
    x : array_like, shape [..., G]
        Coded bits or LLRs of a transport block.
    lengths : sequence of int
        ``E_r`` of each block (:func:`opennr.coding.ldpc.rate_matching.rate_match_lengths`),
        summing to ``G``.

    Returns
    -------
    list of numpy.ndarray, each of shape [..., E_r]
        Views into ``x``.

    Examples
    --------
    >>> [b.tolist() for b in split_code_blocks(np.arange(5), [2, 3])]
    [[0, 1], [2, 3, 4]]
    """
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError(f"x must have at least one dimension, got a scalar ({_CLAUSE})")
    lens = [check_int(n, f"lengths[{r}]", low=0, clause=_CLAUSE) for r, n in enumerate(lengths)]
    if sum(lens) != x.shape[-1]:
        raise ValueError(
            f"lengths must sum to G = {x.shape[-1]} (the last axis of x), got {sum(lens)} "
            f"({_CLAUSE})"
        )
    bounds = np.cumsum([0] + lens)
    return [x[..., bounds[r] : bounds[r + 1]] for r in range(len(lens))]
