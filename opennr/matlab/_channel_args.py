"""Argument checks shared by the MATLAB channel System objects (``nrTDLChannel``, ``nrCDLChannel``)."""

from __future__ import annotations

from numbers import Real

import numpy as np


def real_arg(value, name: str, *, clause: str, low: float | None = None,
             strict: bool = False) -> float:
    """A finite real scalar property (a 1-element array too), ``>= low`` (``> low`` if strict)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real scalar, got {type(value).__name__} {value!r}")
    v = float(value)
    if not np.isfinite(v) or (low is not None and (v <= low if strict else v < low)):
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be finite and {op} {low}, got {value!r} ({clause})")
    return v


def bool_arg(value, name: str) -> bool:
    """A logical scalar property: ``True``/``False`` or the integers 0/1."""
    if isinstance(value, bool | np.bool_) or (isinstance(value, int | np.integer)
                                              and int(value) in (0, 1)):
        return bool(value)
    raise TypeError(f"{name} must be a logical scalar (true/false), got {value!r}")
