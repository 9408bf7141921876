"""TS 38.214 V17 §5.1.3, §6.1.4: MCS and TBS; TS 38.213 §4.1 / TS 38.104 §5.4.3: SS burst and raster.

Catalogue
---------
:class:`McsEntry`, :func:`mcs_table`, :func:`mcs_entry`, :func:`mcs_modulation_order`
    MCS index tables 'qam64', 'qam256', 'qam64LowSE', 'qam1024' (PDSCH, and PUSCH without
    transform precoding) and 'tp-qam64', 'tp-qam64LowSE' (PUSCH with transform precoding).
:data:`MCS_TABLES`
    Table name -> TS 38.214 table number.
:func:`transport_block_size`, :func:`transport_block_sizes`, :func:`n_re_prime`
    TBS of one codeword, or of two codewords sharing the layers (MATLAB ``nrTBS``);
    :data:`TBS_TABLE` is Table 5.1.3.2-1.

:func:`ssb_candidate_symbols`, :func:`ssb_l_max`, :func:`ssb_burst_blocks`, :func:`ssb_position_bitmap`
    TS 38.213 §4.1: SS/PBCH block cases A-G, candidate first symbols in a half frame, ``L_max``,
    ``ssb-PositionsInBurst``.
:func:`gscn_to_frequency`, :func:`gscn_from_frequency`, :func:`gscns_in_range`
    TS 38.104 §5.4.3.1, Table 5.4.3.1-1: the global synchronisation raster (GSCN <-> SS_REF).

Examples
--------
>>> e = mcs_entry(10, "qam64")
>>> transport_block_size(e.modulation_order, 2, 52, n_re_prime(12, 12), e.target_code_rate)
18432
"""

from opennr.scheduling.mcs import MCS_TABLES, McsEntry, mcs_entry, mcs_modulation_order, mcs_table
from opennr.scheduling.tbs import (
    MODULATION_ORDERS,
    TBS_TABLE,
    n_re_prime,
    transport_block_size,
    transport_block_sizes,
)
from opennr.scheduling.ssb_burst import (
    SsbBurstBlock,
    gscn_from_frequency,
    gscn_to_frequency,
    gscns_in_range,
    ssb_burst_blocks,
    ssb_candidate_symbols,
    ssb_l_max,
    ssb_position_bitmap,
)

__all__ = [
    "MCS_TABLES",
    "McsEntry",
    "mcs_table",
    "mcs_entry",
    "mcs_modulation_order",
    "MODULATION_ORDERS",
    "TBS_TABLE",
    "transport_block_size",
    "transport_block_sizes",
    "n_re_prime",
    "SsbBurstBlock",
    "ssb_candidate_symbols",
    "ssb_l_max",
    "ssb_burst_blocks",
    "ssb_position_bitmap",
    "gscn_to_frequency",
    "gscn_from_frequency",
    "gscns_in_range",
]
