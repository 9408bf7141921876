"""A MATLAB ``struct`` look-alike for the outputs of :mod:`opennr.matlab` (e.g. ``nrDLSCHInfo``).

Fields are read as attributes (``info.C``), as items (``info["C"]``), in their MATLAB order, and the
``repr`` is laid out like MATLAB's ``struct with fields:`` display.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["MatlabStruct"]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return repr(value.item())
        if value.size <= 8:
            return "[" + " ".join(str(v) for v in value.ravel().tolist()) + "]"
        return f"[{'x'.join(map(str, value.shape))} {value.dtype}]"
    return repr(value)


class MatlabStruct:
    """A MATLAB ``struct``: named fields, in order, read by attribute or by item.

    Parameters
    ----------
    **fields
        Field names (MATLAB's spelling, e.g. ``BGN``, ``Zc``) and values, in display order.

    Examples
    --------
    >>> s = MatlabStruct(CRC="16", L=16, C=1)
    >>> s.L, s["CRC"], list(s)
    (16, '16', ['CRC', 'L', 'C'])
    >>> s
      struct with fields:
    <BLANKLINE>
        CRC: '16'
          L: 16
          C: 1
    """

    __slots__ = ("_fields",)

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "_fields", dict(fields))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(
                f"struct has no field {name!r}; fields are {', '.join(self._fields)}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._fields[name] = value

    def __getitem__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise KeyError(
                f"struct has no field {name!r}; fields are {', '.join(self._fields)}"
            ) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self._fields[name] = value

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatlabStruct):
            return NotImplemented
        if list(self._fields) != list(other._fields):
            return False
        return all(np.array_equal(self._fields[k], other._fields[k]) for k in self._fields)

    __hash__ = None  # mutable, like a MATLAB struct

    def __dir__(self) -> list[str]:
        return list(self._fields) + ["fieldnames", "to_dict"]

    def fieldnames(self) -> list[str]:
        """The field names in order (MATLAB ``fieldnames(s)``)."""
        return list(self._fields)

    def to_dict(self) -> dict[str, Any]:
        """A shallow copy of the fields as a ``dict``."""
        return dict(self._fields)

    def __repr__(self) -> str:
        if not self._fields:
            return "  struct with no fields."
        width = max(len(k) for k in self._fields)
        lines = ["  struct with fields:", ""]
        lines += [f"    {k.rjust(width)}: {_show(v)}" for k, v in self._fields.items()]
        return "\n".join(lines)
