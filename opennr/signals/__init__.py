"""TS 38.211 §6.4.1, §7.4.1: physical-layer reference signals of the shared channels.

Catalogue:

``dmrs``
    TS 38.211 §6.4.1.1 (PUSCH) / §7.4.1.1 (PDSCH): :func:`dmrs_symbols`, :func:`dmrs_indices`,
    :func:`dmrs_grid`, :func:`dmrs_c_init`, :func:`cdm_group_subcarriers`.
``ptrs``
    TS 38.211 §6.4.1.2 (PUSCH) / §7.4.1.2 (PDSCH): :func:`ptrs_symbols`, :func:`ptrs_indices`,
    :func:`ptrs_symbol_indices`, :func:`ptrs_subcarriers`.

The configuration dataclasses (:class:`~opennr.physical_channels.config.SharedChannelConfig`,
``DmrsConfig``, ``PtrsConfig``) live in :mod:`opennr.physical_channels.config`; the tables are
package data under ``opennr/signals/data``.
"""

from opennr.signals.dmrs import (
    cdm_group_subcarriers,
    dmrs_c_init,
    dmrs_grid,
    dmrs_indices,
    dmrs_symbols,
)
from opennr.signals.ptrs import (
    ptrs_indices,
    ptrs_subcarriers,
    ptrs_symbol_indices,
    ptrs_symbols,
)

__all__ = [
    "cdm_group_subcarriers",
    "dmrs_c_init",
    "dmrs_grid",
    "dmrs_indices",
    "dmrs_symbols",
    "ptrs_indices",
    "ptrs_subcarriers",
    "ptrs_symbol_indices",
    "ptrs_symbols",
]
