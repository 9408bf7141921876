"""Input validation shared by every public function.

Each check raises :class:`TypeError` (wrong type or dtype) or :class:`ValueError` (wrong value or
shape) with a message that names the parameter, the allowed values and the spec clause.
"""

from __future__ import annotations

from collections.abc import Collection
from numbers import Integral

import numpy as np

__all__ = [
    "as_bits",
    "as_llrs",
    "check_int",
    "check_choice",
    "check_last_axis",
]


def _where(clause: str | None) -> str:
    return f" ({clause})" if clause else ""


def as_bits(x, name: str, clause: str | None = None, *, min_ndim: int = 1) -> np.ndarray:
    """Return ``x`` as a ``uint8`` array of 0/1 values, or raise.

    Accepts bool and integer arrays (and lists of them); rejects floats, so that LLRs are never
    silently taken for bits.
    """
    arr = np.asarray(x)
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    elif not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must hold bits as an integer or bool array of 0/1 values, got dtype "
            f"{arr.dtype}{_where(clause)}"
        )
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{name} must contain only 0 and 1{_where(clause)}")
    return arr.astype(np.uint8, copy=False)


def as_llrs(
    x, name: str, clause: str | None = None, *, min_ndim: int = 1, dtype=np.float32
) -> np.ndarray:
    """Return ``x`` as a floating LLR array (``ln P(0)/P(1)``), rejecting NaN and infinities."""
    arr = np.asarray(x)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must be a real floating-point array of LLRs, got dtype {arr.dtype}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    arr = arr.astype(dtype, copy=False)
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(
            f"{name} contains NaN or infinite LLRs; LLRs must be finite (clip saturated values)"
            f"{_where(clause)}"
        )
    return arr


def check_int(
    value,
    name: str,
    *,
    low: int | None = None,
    high: int | None = None,
    clause: str | None = None,
) -> int:
    """Return ``value`` as ``int`` if it is an integer in ``[low, high]``, or raise."""
    if isinstance(value, bool) or not isinstance(value, Integral | np.integer):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}{_where(clause)}")
    return value


def check_choice(value, name: str, choices: Collection, *, clause: str | None = None):
    """Return ``value`` if it is one of ``choices``, or raise ``ValueError`` listing them."""
    try:
        ok = value in choices
    except TypeError:
        ok = False
    if not ok:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}{_where(clause)}")
    return value


def check_last_axis(arr: np.ndarray, name: str, expected: int, clause: str | None = None) -> None:
    """Raise ``ValueError`` unless the last axis of ``arr`` has length ``expected``."""
    if arr.ndim == 0 or arr.shape[-1] != expected:
        raise ValueError(
            f"{name} must have {expected} entries on its last axis, got shape {arr.shape}"
            f"{_where(clause)}"
        )
