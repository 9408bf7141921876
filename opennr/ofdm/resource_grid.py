"""TS 38.211 V17 §4.4.4-§4.4.5: the resource grid of a carrier, ``[..., ports, K, L]``.

A slot grid has ``K = N_grid^{size,mu} N_sc^RB = 12 n_size_grid`` subcarriers (index ``k``, axis
-2) and ``L = N_symb^slot`` (14 or 12) OFDM symbols (index ``l``, axis -1) per antenna port
(axis -3); resource element ``(k, l)_{p,mu}`` is ``grid[..., p, k, l]``. Leading axes are batch.
MATLAB's ``nrResourceGrid`` is ``K x L x P``; :func:`opennr.matlab.nrResourceGrid` keeps that.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from opennr._validation import check_int
from opennr.ofdm.carrier import CarrierConfig

__all__ = ["check_grid", "grid_shape", "resource_grid", "subcarrier_frequencies"]

_CLAUSE = "TS 38.211 §4.4.4"


def _carrier(carrier) -> CarrierConfig:
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    return carrier


def grid_shape(carrier: CarrierConfig, num_ports: int = 1, *, num_slots: int = 1,
               batch_shape: Sequence[int] = ()) -> tuple[int, ...]:
    """TS 38.211 §4.4.4: shape ``batch_shape + (ports, K, num_slots * N_symb^slot)`` of a grid.

    Examples
    --------
    >>> grid_shape(CarrierConfig(subcarrier_spacing=30, n_size_grid=273), 4)
    (4, 3276, 14)
    """
    carrier = _carrier(carrier)
    num_ports = check_int(num_ports, "num_ports", low=1, clause=_CLAUSE)
    num_slots = check_int(num_slots, "num_slots", low=1, clause="TS 38.211 §4.3.2")
    batch = tuple(check_int(b, "batch_shape entries", low=0) for b in batch_shape)
    return batch + (num_ports, carrier.num_subcarriers, num_slots * carrier.symbols_per_slot)


def resource_grid(carrier: CarrierConfig, num_ports: int = 1, *, num_slots: int = 1,
                  batch_shape: Sequence[int] = (), dtype=np.complex64) -> np.ndarray:
    """TS 38.211 §4.4.4: an all-zero resource grid ``[*batch_shape, ports, K, L]``.

    Parameters
    ----------
    carrier : CarrierConfig
    num_ports : int, default 1
        Antenna ports ``P``.
    num_slots : int, default 1
        Consecutive slots; ``L = num_slots * N_symb^slot``.
    batch_shape : sequence of int, default ()
        Leading batch axes.
    dtype : complex dtype, default complex64

    Examples
    --------
    >>> g = resource_grid(CarrierConfig(), 2, batch_shape=(3,))
    >>> g.shape, g.dtype
    ((3, 2, 624, 14), dtype('complex64'))
    """
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.complexfloating):
        raise TypeError(f"dtype must be a complex dtype, got {dtype}")
    return np.zeros(grid_shape(carrier, num_ports, num_slots=num_slots, batch_shape=batch_shape),
                    dtype=dtype)


def check_grid(grid, carrier: CarrierConfig, *, name: str = "grid") -> np.ndarray:
    """TS 38.211 §4.4.4: return ``grid`` as an array after checking ``[..., K, L]`` against carrier.

    ``K`` must be ``12 n_size_grid``; ``L`` a positive number of symbols.

    Examples
    --------
    >>> check_grid(np.zeros((624, 14)), CarrierConfig()).shape
    (624, 14)
    """
    carrier = _carrier(carrier)
    arr = np.asarray(grid)
    k = carrier.num_subcarriers
    if arr.ndim < 2 or arr.shape[-2] != k or arr.shape[-1] < 1:
        raise ValueError(
            f"{name} must have shape [..., K, L] with K = 12 * n_size_grid = {k} subcarriers, "
            f"got shape {arr.shape} ({_CLAUSE})"
        )
    return arr


def subcarrier_frequencies(carrier: CarrierConfig, *, k0: int = 0) -> np.ndarray:
    """TS 38.211 §5.3.1: baseband frequency ``(k + k_0 - K/2) Delta f`` of every subcarrier, Hz.

    Examples
    --------
    >>> f = subcarrier_frequencies(CarrierConfig(n_size_grid=1))
    >>> f[[0, 6, 11]].tolist()
    [-90000.0, 0.0, 75000.0]
    """
    carrier = _carrier(carrier)
    k0 = check_int(k0, "k0", clause="TS 38.211 §5.3.1")
    k = carrier.num_subcarriers
    return (np.arange(k) + k0 - k // 2) * float(carrier.subcarrier_spacing * 1000)
