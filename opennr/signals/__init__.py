"""TS 38.211 §6.4.1, §7.4.1, §7.4.2: reference and synchronisation signals.

Catalogue:

``dmrs``
    TS 38.211 §6.4.1.1 (PUSCH) / §7.4.1.1 (PDSCH): :func:`dmrs_symbols`, :func:`dmrs_indices`,
    :func:`dmrs_grid`, :func:`dmrs_c_init`, :func:`cdm_group_subcarriers`.
``ptrs``
    TS 38.211 §6.4.1.2 (PUSCH) / §7.4.1.2 (PDSCH): :func:`ptrs_symbols`, :func:`ptrs_indices`,
    :func:`ptrs_symbol_indices`, :func:`ptrs_subcarriers`; pre-DFT PT-RS of a transform-precoded
    PUSCH (§6.4.1.2.2.2): :func:`transform_precoded_ptrs`, :func:`transform_precoded_ptrs_positions`,
    :class:`TransformPrecodedPtrs`.
``sync``
    TS 38.211 §7.4.2: primary and secondary synchronisation signals :func:`pss`, :func:`sss`,
    :func:`cell_id`, :func:`cell_id_parts`.
``pbch_dmrs``
    TS 38.211 §7.4.1.4.1: PBCH DM-RS :func:`pbch_dmrs`, :func:`pbch_dmrs_c_init`, :func:`i_ssb_bar`.

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
from opennr.signals.pbch_dmrs import i_ssb_bar, pbch_dmrs, pbch_dmrs_c_init
from opennr.signals.ptrs import (
    TransformPrecodedPtrs,
    ptrs_indices,
    ptrs_subcarriers,
    ptrs_symbol_indices,
    ptrs_symbols,
    transform_precoded_ptrs,
    transform_precoded_ptrs_positions,
)
from opennr.signals.sync import cell_id, cell_id_parts, pss, sss

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
    "TransformPrecodedPtrs",
    "transform_precoded_ptrs",
    "transform_precoded_ptrs_positions",
    "pss",
    "sss",
    "cell_id",
    "cell_id_parts",
    "pbch_dmrs",
    "pbch_dmrs_c_init",
    "i_ssb_bar",
]
