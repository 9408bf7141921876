"""TS 38.214 V17 §5.1.3, §6.1.4: MCS tables and transport block size (TBS) determination.

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
]
